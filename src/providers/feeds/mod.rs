//! Headlines from RSS/Atom feeds: the configured ones and any feed asked per batch of symbols (a
//! source's per-symbol headlines), fetched in parallel, conditionally (ETag / Last-Modified), one
//! failing feed never hiding the others.

pub mod dates;
pub mod encoding;
pub mod parse;
pub mod read;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use futures::future::BoxFuture;
use futures::{StreamExt, stream};

use super::http::{Fetched, Http};
use super::names::Learned;
use super::{NewsBatch, NewsSource};
use crate::config::Config;
use crate::market::tags::Tagger;
use crate::market::{Headline, Symbol};

/// Feeds fetched at once.
const CONCURRENCY: usize = 4;

/// What a feed answered last time, for conditional requests and 304s.
struct Remembered {
    etag: Option<String>,
    last_modified: Option<String>,
    items: Vec<Headline>,
}

/// One request of one feed.
pub struct Job {
    pub name: String,
    /// The feed's id, the same for each of its requests (see `config::Feed::id`).
    pub id: String,
    pub url: String,
    /// Shown as the source when an item names no publisher.
    pub source: Option<&'static str>,
    pub tz: Option<chrono_tz::Tz>,
}

/// A feed asked for the watchlist in requests of a few symbols each.
pub trait PerSymbol: Send + Sync {
    /// The requests for `symbols`, in order.
    fn jobs(&self, symbols: &[Symbol]) -> Vec<Job>;
}

/// A per-symbol feed and the client it is asked with.
pub type PerSymbolVia = (Box<dyn PerSymbol>, Http);

/// One answer of `job`'s, read into headlines on a blocking thread: parsing a big feed is seconds
/// of CPU, and no async worker (and no quitting) may wait for it.
pub async fn read_blocking(
    job: &Job,
    body: Vec<u8>,
    headers: reqwest::header::HeaderMap,
    tagger: Arc<Tagger>,
) -> Result<Vec<Headline>, String> {
    let (name, source, url, tz) = (job.name.clone(), job.source, job.url.clone(), job.tz);
    tokio::task::spawn_blocking(move || {
        let headers = Some(&headers);
        let cx = parse::Context { feed_name: &name, source, feed_url: &url, headers, tagger: &tagger, tz };
        parse::read(body, &cx)
    })
    .await
    .map_err(|e| format!("the feed parser failed: {e}"))?
}

pub struct Feeds {
    http: Http,
    feeds: Vec<crate::config::Feed>,
    /// Asked after the configured feeds, with its own client when it has one (its source's proxy).
    per_symbol: Option<(Box<dyn PerSymbol>, Option<Http>)>,
    /// The config's names and what `learned` held when it was built (by its version).
    tagger: Mutex<(u64, Arc<Tagger>)>,
    config: Config,
    learned: Learned,
    max_items: usize,
    memory: Mutex<HashMap<String, Remembered>>,
}

impl Feeds {
    /// The config's `[[news.feeds]]`.
    pub fn new(config: &Config, http: Http, learned: Learned) -> Feeds {
        Feeds {
            http,
            feeds: config.news.feeds.clone(),
            per_symbol: None,
            tagger: Mutex::new((learned.version(), Arc::new(config.tagger_with(&learned.names())))),
            config: config.clone(),
            learned,
            max_items: config.news.max_items,
            memory: Mutex::new(HashMap::new()),
        }
    }

    /// With `feed` asked for the symbols too, after the configured feeds.
    pub fn with_per_symbol(mut self, feed: Option<Box<dyn PerSymbol>>) -> Feeds {
        self.per_symbol = feed.map(|f| (f, None));
        self
    }

    /// The same, asked with its own client (that of the source it belongs to) instead of the feeds'.
    pub fn with_per_symbol_via(mut self, feed: Option<PerSymbolVia>) -> Feeds {
        self.per_symbol = feed.map(|(f, http)| (f, Some(http)));
        self
    }

    /// The tagger, rebuilt when a source has taught us new names since.
    fn tagger(&self) -> Arc<Tagger> {
        let mut t = self.tagger.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let v = self.learned.version();
        if t.0 != v {
            *t = (v, Arc::new(self.config.tagger_with(&self.learned.names())));
        }
        t.1.clone()
    }

    fn jobs(&self, symbols: &[Symbol]) -> Vec<Job> {
        let mut jobs: Vec<Job> = self
            .feeds
            .iter()
            .map(|f| Job { name: f.name.clone(), id: f.id(), url: f.url.clone(), source: None, tz: f.tz })
            .collect();
        if let Some((p, _)) = &self.per_symbol {
            jobs.extend(p.jobs(symbols));
        }
        jobs
    }

    /// The client for the `i`th job of `jobs`: the configured feeds come first.
    fn client(&self, i: usize) -> &Http {
        match &self.per_symbol {
            Some((_, Some(http))) if i >= self.feeds.len() => http,
            _ => &self.http,
        }
    }

    async fn fetch_one(&self, job: &Job, http: &Http) -> Result<Vec<Headline>, String> {
        // Only the validators are copied out: the items are wanted on a 304 alone.
        let (etag, modified) = self
            .memory
            .lock()
            .ok()
            .and_then(|m| m.get(&job.url).map(|k| (k.etag.clone(), k.last_modified.clone())))
            .unwrap_or_default();
        let mut headers: Vec<(&str, String)> = Vec::new();
        if let Some(e) = etag {
            headers.push(("if-none-match", e));
        }
        if let Some(l) = modified {
            headers.push(("if-modified-since", l));
        }
        let mut r: Fetched = http.get_with(&job.url, &headers).await.map_err(|e| e.to_string())?;
        if r.status == 304 {
            let known = self.memory.lock().ok().and_then(|m| m.get(&job.url).map(|k| k.items.clone()));
            return Ok(known.unwrap_or_default());
        }
        r.expect(&[200]).map_err(|e| e.to_string())?;
        let header = |name: &str| r.headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_string);
        let (etag, last_modified) = (header("etag"), header("last-modified"));
        let (body, headers) = (std::mem::take(&mut r.body), std::mem::take(&mut r.headers));
        let mut items = read_blocking(job, body, headers, self.tagger()).await?;
        for h in &mut items {
            h.feed_id.clone_from(&job.id);
        }
        if let Ok(mut m) = self.memory.lock() {
            // A feed without validators is never answered 304: a copy of its items would only
            // take memory.
            if etag.is_some() || last_modified.is_some() {
                m.insert(job.url.clone(), Remembered { etag, last_modified, items: items.clone() });
            } else {
                m.remove(&job.url);
            }
        }
        Ok(items)
    }

    pub async fn fetch(&self, symbols: &[Symbol]) -> NewsBatch {
        let jobs = self.jobs(symbols);
        let futures: Vec<_> = jobs
            .iter()
            .enumerate()
            .map(|(i, j)| async move { (i, self.fetch_one(j, self.client(i)).await) })
            .collect();
        let mut results: Vec<(usize, Result<Vec<Headline>, String>)> =
            stream::iter(futures).buffer_unordered(CONCURRENCY).collect().await;
        // Merge in the configured order, so "the first seen keeps its source" means the first feed.
        results.sort_by_key(|(i, _)| *i);
        let mut batch = NewsBatch::default();
        for (i, r) in results {
            match r {
                // Dates as written: what a future date means is decided where it is first seen.
                Ok(items) => crate::market::news::merge(&mut batch.headlines, items, usize::MAX, None),
                Err(e) => {
                    tracing::warn!(feed = %jobs[i].name, error = %e, "feed failed");
                    if !batch.errors.iter().any(|(n, _)| n == &jobs[i].name) {
                        batch.errors.push((jobs[i].name.clone(), e));
                    }
                }
            }
        }
        batch.headlines.truncate(self.max_items);
        batch
    }
}

impl NewsSource for Feeds {
    fn headlines<'a>(&'a self, symbols: &'a [Symbol]) -> BoxFuture<'a, NewsBatch> {
        Box::pin(self.fetch(symbols))
    }
}
