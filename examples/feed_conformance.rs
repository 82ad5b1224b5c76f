//! Reads feeds as chiptape does and prints what it made of each, for `scripts/feed-conformance`.
//!
//! `feed_conformance URL…` (or one URL a line on stdin): one JSON line per URL,
//! `{"url", "error", "items": [{"title", "link", "published"}]}`, items in the feed's own order.
//! Not part of CI: the script compares these lines with Python's feedparser over its test suite.

use std::io::BufRead;

use chiptape::providers::feeds::parse::{Context, read};

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let mut urls: Vec<String> = std::env::args().skip(1).collect();
    if urls.is_empty() {
        urls =
            std::io::stdin().lock().lines().map_while(Result::ok).filter(|l| !l.trim().is_empty()).collect();
    }
    let tagger = chiptape::config::builtin().tagger();
    let client = reqwest::Client::new();
    for url in urls {
        let line = match client.get(&url).send().await {
            Err(e) => serde_json::json!({ "url": url, "error": e.to_string(), "items": [] }),
            Ok(r) => {
                let headers = r.headers().clone();
                let body = r.bytes().await.map(|b| b.to_vec()).unwrap_or_default();
                let cx = Context {
                    feed_name: "conformance",
                    source: None,
                    feed_url: &url,
                    headers: Some(&headers),
                    tagger: &tagger,
                    tz: None,
                };
                match read(body, &cx) {
                    Err(e) => serde_json::json!({ "url": url, "error": e, "items": [] }),
                    Ok(items) => {
                        let items: Vec<_> = items
                            .iter()
                            .map(|h| {
                                serde_json::json!({
                                    "title": h.title,
                                    "link": h.link,
                                    "published": h.published.map(|p| p.to_rfc3339()),
                                })
                            })
                            .collect();
                        serde_json::json!({ "url": url, "error": null, "items": items })
                    }
                }
            }
        };
        println!("{line}");
    }
}
