//! Local stand-ins for Yahoo's quote API and a news feed on 127.0.0.1: shared by the harness and
//! the soak run.

// Shared by two examples, each of which uses a part.
#![allow(dead_code)]

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use serde_json::json;
use wiremock::matchers::{any, method, path_regex};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

/// What the server saw.
#[derive(Default)]
pub struct Seen {
    /// Arrival time and symbol count of each quote request.
    pub quotes: Mutex<Vec<(Instant, usize)>>,
    pub feed: AtomicUsize,
    pub charts: AtomicUsize,
    pub other: AtomicUsize,
    /// Every quote answer is held this long (the warm start).
    pub delay_ms: AtomicU64,
    /// Moves prices a little with each request.
    pub seq: AtomicU64,
}

impl Seen {
    pub fn quotes(&self) -> MutexGuard<'_, Vec<(Instant, usize)>> {
        self.quotes.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// A price around which a symbol's quotes move; the harness finds it on screen.
pub fn base_price(sym: &str) -> f64 {
    let h = sym.bytes().fold(2166136261u32, |h, b| (h ^ b as u32).wrapping_mul(16777619));
    20.0 + (h % 480) as f64
}

pub fn currency(sym: &str) -> &'static str {
    if sym.ends_with(".HK") {
        "HKD"
    } else if sym.ends_with(".SS") || sym.ends_with(".SZ") {
        "CNY"
    } else {
        "USD"
    }
}

pub struct Quotes(pub Arc<Seen>);

impl Respond for Quotes {
    fn respond(&self, req: &Request) -> ResponseTemplate {
        let symbols: Vec<String> = req
            .url
            .query_pairs()
            .filter(|(k, _)| k == "symbols")
            .flat_map(|(_, v)| v.split(',').map(str::to_string).collect::<Vec<_>>())
            .filter(|s| !s.is_empty())
            .collect();
        self.0.quotes().push((Instant::now(), symbols.len()));
        let seq = self.0.seq.fetch_add(1, Ordering::Relaxed);
        let result: Vec<_> = symbols
            .iter()
            .map(|s| {
                let prev = base_price(s);
                // Within ±0.5 % of the base, different on each request.
                let price = prev * (1.0 + 0.001 * ((seq % 11) as f64 - 5.0));
                json!({
                    "symbol": s, "currency": currency(s),
                    "regularMarketPrice": price, "regularMarketPreviousClose": prev,
                    "regularMarketChange": price - prev,
                    "regularMarketChangePercent": (price - prev) / prev * 100.0,
                    "marketState": "REGULAR"
                })
            })
            .collect();
        let body = json!({"quoteResponse": {"error": null, "result": result}});
        let t = ResponseTemplate::new(200).set_body_json(body);
        match self.0.delay_ms.load(Ordering::Relaxed) {
            0 => t,
            ms => t.set_delay(Duration::from_millis(ms)),
        }
    }
}

pub struct Feed(pub Arc<Seen>, pub String);

impl Respond for Feed {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        self.0.feed.fetch_add(1, Ordering::Relaxed);
        ResponseTemplate::new(200).set_body_raw(self.1.clone(), "application/rss+xml; charset=utf-8")
    }
}

/// Charts (sparklines) and anything else: counted, answered "not found".
pub struct NotFound(pub Arc<Seen>, pub bool);

impl Respond for NotFound {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        if self.1 {
            self.0.charts.fetch_add(1, Ordering::Relaxed);
            let body = r#"{"chart":{"result":null,"error":{"code":"Not Found","description":"No data found, symbol may be delisted"}}}"#;
            ResponseTemplate::new(404).set_body_raw(body, "application/json")
        } else {
            self.0.other.fetch_add(1, Ordering::Relaxed);
            ResponseTemplate::new(404)
        }
    }
}

pub fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

/// An RSS 2.0 feed of `m` items about `symbols`, spread over the three days before `now`.
pub fn feed_xml(m: usize, symbols: &[String], names: &[String], now: DateTime<Utc>, base: &str) -> String {
    let mut out = String::with_capacity(m * 300 + 200);
    out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\"><channel>");
    out.push_str("<title>Local wire</title><link>");
    out.push_str(base);
    out.push_str("/</link><description>harness</description>\n");
    let span = 3 * 24 * 3600;
    for i in 0..m {
        let k = i % symbols.len().max(1);
        let (sym, name) =
            (symbols.get(k).map_or("", String::as_str), names.get(k).map_or("", String::as_str));
        let ago = (i as i64 * span) / m.max(1) as i64;
        let date = (now - chrono::Duration::seconds(ago + 30)).to_rfc2822();
        let title = format!("{name} ({sym}) shares move as chip demand shifts, report {i}");
        out.push_str(&format!(
            "<item><title>{}</title><link>{base}/news/{i}.html</link><guid>{base}/news/{i}.html</guid><pubDate>{date}</pubDate><description>Story {i} about {}.</description></item>\n",
            xml_escape(&title),
            xml_escape(name)
        ));
    }
    out.push_str("</channel></rss>\n");
    out
}

/// Charts answered "not found" and anything else 404, each counted in `seen`.
pub async fn mount_the_rest(server: &MockServer, seen: &Arc<Seen>) {
    Mock::given(method("GET"))
        .and(path_regex("^/v8/finance/chart/"))
        .respond_with(NotFound(seen.clone(), true))
        .mount(server)
        .await;
    Mock::given(any()).respond_with(NotFound(seen.clone(), false)).with_priority(10).mount(server).await;
}
