//! The headline checks: each `[[news.feeds]]`, and Yahoo's per-symbol feed, read by the app's own
//! parser (what counts is how many items it finds).

use std::sync::Arc;

use super::{Check, Ctx, Fail, Kind};
use crate::config::{Feed, NewsConfig};
use crate::market::Symbol;
use crate::market::tags::Tagger;
use crate::providers::feeds::PerSymbol;
use crate::providers::feeds::{Job, read_blocking};
use crate::providers::yahoo::headlines::YahooHeadlines;

/// One GET, then the parser on a blocking thread (a big feed is seconds of CPU).
async fn fetch_and_count(
    cx: &Ctx,
    base: Check,
    url: String,
    name: String,
    source: Option<&'static str>,
    tz: Option<chrono_tz::Tz>,
    tagger: Arc<Tagger>,
) -> Check {
    let mut r = match cx.http(base.source).get(&url, None).await {
        Ok(r) => r,
        Err(e) => return base.failed(None, e),
    };
    if let Err(e) = r.expect(&[200]) {
        return base.failed(Some(r.status), e);
    }
    let job = Job { name, id: String::new(), url, source, tz };
    let parsed = read_blocking(&job, std::mem::take(&mut r.body), r.headers.clone(), tagger).await;
    match parsed {
        Ok(items) => {
            let n = items.len();
            base.passed(r.status, &format!("{n} item{}", if n == 1 { "" } else { "s" }))
        }
        Err(why) => base.failed(Some(r.status), Fail::Unreadable(why)),
    }
}

pub async fn feed(cx: &Ctx, f: &Feed, tagger: Arc<Tagger>) -> Vec<Check> {
    let base = Check::new(format!("feed {}", f.name), "feeds", Kind::Feed, &f.url);
    let run = fetch_and_count(cx, base.clone(), f.url.clone(), f.name.clone(), None, f.tz, tagger);
    vec![cx.check(base, run).await]
}

/// Yahoo's headlines for one symbol, asked as the app asks them.
pub async fn yahoo_headlines(cx: &Ctx, news: &NewsConfig, tagger: Arc<Tagger>) -> Vec<Check> {
    let symbol = Symbol::parse("NVDA").ok();
    let job =
        YahooHeadlines::from_config(news).zip(symbol).and_then(|(y, s)| y.jobs(&[s]).into_iter().next());
    let Some(job) = job else {
        let base = Check::new("yahoo headlines", "yahoo", Kind::YahooHeadlines, &news.yahoo_rss_url);
        return vec![base.failed(None, Fail::Unreadable("news.yahoo_rss_url is not a URL".to_string()))];
    };
    let base = Check::new("yahoo headlines", "yahoo", Kind::YahooHeadlines, &job.url);
    let run = fetch_and_count(cx, base.clone(), job.url, job.name, job.source, job.tz, tagger);
    vec![cx.check(base, run).await]
}
