//! Yahoo's per-symbol headline RSS: one feed asked for the watchlist in batches of symbols, read by
//! the generic RSS machinery in `feeds/`.

use crate::config::{NewsConfig, YAHOO_FEED, YAHOO_FEED_ID};
use crate::market::Symbol;
use crate::providers::feeds::{Job, PerSymbol};

/// Symbols per Yahoo headline request.
pub const BATCH: usize = 20;

/// Yahoo's headlines for the symbols asked, from `base` (`news.yahoo_rss_url`).
pub struct YahooHeadlines {
    base: String,
}

impl YahooHeadlines {
    /// The feed when the config asks for it (`news.yahoo_symbols`).
    pub fn from_config(news: &NewsConfig) -> Option<YahooHeadlines> {
        news.yahoo_symbols.then(|| YahooHeadlines { base: news.yahoo_rss_url.clone() })
    }
}

impl PerSymbol for YahooHeadlines {
    fn jobs(&self, symbols: &[Symbol]) -> Vec<Job> {
        let Ok(base) = url::Url::parse(&self.base) else {
            return Vec::new();
        };
        symbols
            .chunks(BATCH)
            .map(|chunk| {
                let list: Vec<&str> = chunk.iter().map(Symbol::as_str).collect();
                let mut url = base.clone();
                url.query_pairs_mut()
                    .append_pair("s", &list.join(","))
                    .append_pair("region", "US")
                    .append_pair("lang", "en-US");
                Job {
                    name: YAHOO_FEED.to_string(),
                    id: YAHOO_FEED_ID.to_string(),
                    url: url.to_string(),
                    source: Some(YAHOO_FEED),
                    tz: None,
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn symbols_are_asked_twenty_at_a_time_in_order() {
        let mut news = crate::config::builtin().news;
        news.yahoo_rss_url = "https://feeds.example/rss/2.0/headline".into();
        let symbols: Vec<Symbol> = (0..45).map(|i| Symbol::parse(&format!("S{i}")).unwrap()).collect();
        let jobs = YahooHeadlines::from_config(&news).unwrap().jobs(&symbols);
        assert_eq!(jobs.len(), 3);
        assert!(
            jobs[0].url.starts_with("https://feeds.example/rss/2.0/headline?s=S0%2CS1%2C"),
            "{}",
            jobs[0].url
        );
        assert!(
            jobs[2].url.contains("s=S40%2CS41%2CS42%2CS43%2CS44&region=US&lang=en-US"),
            "{}",
            jobs[2].url
        );
        assert!(
            jobs.iter()
                .all(|j| j.name == YAHOO_FEED && j.id == YAHOO_FEED_ID && j.source == Some(YAHOO_FEED))
        );
        news.yahoo_symbols = false;
        assert!(YahooHeadlines::from_config(&news).is_none());
    }
}
