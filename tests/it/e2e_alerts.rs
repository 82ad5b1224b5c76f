//! End to end: alerts against a local Yahoo and feed. A price alert fires once when the price
//! drops under it, rings, runs `alerts_command` and is in the log; a keyword alert fires for a
//! headline that appears between two fetches.
#![cfg(unix)]

use crate::common;

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::pty::*;
use serde_json::json;
use tempfile::TempDir;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

/// 10:00 in Hong Kong, a Tuesday: the market is open, quotes every 5 s (and on `r`).
const NOW: &str = "2026-11-24T02:00:00Z";

#[derive(Clone, Default)]
struct Market {
    price: Arc<Mutex<f64>>,
    quotes: Arc<AtomicUsize>,
    titles: Arc<Mutex<Vec<String>>>,
}

impl Respond for Market {
    fn respond(&self, r: &Request) -> ResponseTemplate {
        if r.url.path().starts_with("/v7/") {
            self.quotes.fetch_add(1, Ordering::SeqCst);
            let p = *self.price.lock().unwrap();
            let body = json!({"quoteResponse": {"result": [{
                "symbol": "0981.HK", "shortName": "SMIC", "currency": "HKD", "marketState": "REGULAR",
                "regularMarketPrice": p, "regularMarketPreviousClose": 44.0, "regularMarketChange": p - 44.0,
                "regularMarketChangePercent": (p - 44.0) / 44.0 * 100.0, "regularMarketTime": 1_763_949_600
            }], "error": null}});
            return ResponseTemplate::new(200).set_body_json(body);
        }
        let items: String = self
            .titles
            .lock()
            .unwrap()
            .iter()
            .enumerate()
            .map(|(i, t)| format!("<item><title>{t}</title><link>https://news.example.com/{i}</link><pubDate>Tue, 24 Nov 2026 01:{i:02}:00 GMT</pubDate></item>"))
            .collect();
        let rss = format!(
            "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Wire</title>{items}</channel></rss>"
        );
        ResponseTemplate::new(200).set_body_raw(rss, "application/rss+xml")
    }
}

fn lines_of(file: &Path) -> Vec<String> {
    std::fs::read_to_string(file).unwrap_or_default().lines().map(str::to_string).collect()
}

fn wait_until(what: &str, cond: impl Fn() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(15);
    while !cond() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(25));
    }
}

#[test]
fn a_price_alert_and_a_keyword_alert_fire_once_each() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let market = Market::default();
    *market.price.lock().unwrap() = 45.0;
    market.titles.lock().unwrap().push("An old story about the Entity List".into());
    let server = rt.block_on(async {
        let server = MockServer::start().await;
        common::mount_yahoo_session(&server, "abcDEF12345").await;
        Mock::given(method("GET"))
            .and(path("/v7/finance/quote"))
            .respond_with(market.clone())
            .mount(&server)
            .await;
        Mock::given(method("GET")).and(path("/feed.xml")).respond_with(market.clone()).mount(&server).await;
        server
    });
    let home = TempDir::new().unwrap();
    let told = home.path().join("told.txt");
    let script = home.path().join("notify.sh");
    std::fs::write(&script, format!("#!/bin/sh\nprintf '%s|%s\\n' \"$1\" \"$2\" >> '{}'\n", told.display()))
        .unwrap();
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    let cfg = home.path().join("c.toml");
    std::fs::write(
        &cfg,
        format!(
            "refresh_secs = 5\nalerts_bell = true\nalerts_command = [\"{script}\", \"chiptape\"]\n\n\
             [provider]\nquery_url = \"{uri}\"\ncookie_url = \"{uri}/cookie\"\nstream = false\nmainland = \"yahoo\"\nquotes = [\"yahoo\"]\n\n\
             [[groups]]\nname = \"Watch\"\nsymbols = [\"0981.HK\"]\n\n\
             [filings]\nsec = false\nfederal_register = false\nhkex = false\ncninfo = false\n\n[news]\nyahoo_symbols = false\n\n[[news.feeds]]\nname = \"Wire\"\nurl = \"{uri}/feed.xml\"\n\n\
             [[alerts]]\nsymbol = \"0981.HK\"\nbelow = 40\n\n[[alerts]]\nkeywords = [\"Entity List\"]\n",
            script = script.display(),
            uri = server.uri()
        ),
    )
    .unwrap();
    let cfg = cfg.to_str().unwrap().to_string();
    let mut tui = Tui::start_in(home, &["--config", &cfg, "--fake-now", NOW], &[]);
    tui.wait_for("the price and the old headline", |s| {
        find(s, "45.00").is_some() && find(s, "An old story").is_some()
    });
    assert!(lines_of(&told).is_empty(), "nothing fired for the first headlines or the price above the limit");

    // The price drops under the limit: one alert, whatever the refreshes after it say.
    *market.price.lock().unwrap() = 39.5;
    tui.wait_for("the alert in the status bar", |s| {
        status_line(s).contains("alert: 0981.HK below 40.00 at 39.50")
    });
    tui.wait_for("the marked row", |s| find(s, "!0981.HK").is_some());
    wait_until("the alert command", || lines_of(&told).len() == 1);
    assert_eq!(lines_of(&told), ["chiptape|0981.HK below 40.00 at 39.50"]);
    for p in [39.0, 38.5, 39.9] {
        *market.price.lock().unwrap() = p;
        let before = market.quotes.load(Ordering::SeqCst);
        tui.press("r");
        wait_until("another refresh", || market.quotes.load(Ordering::SeqCst) > before);
        let shown = format!("{p:.2}");
        tui.wait_for("the new price", |s| find(s, &shown).is_some());
    }
    assert_eq!(lines_of(&told).len(), 1, "exactly once over several refreshes");
    assert_eq!(tui.bells(), 1, "the bell rang once");

    // The log lists it.
    tui.press("A");
    tui.wait_for("the alert log", |s| {
        find(s, "Enter opens a headline").is_some() && find(s, "0981.HK below 40.00 at 39.50").is_some()
    });
    tui.escape("the log closed", |s| find(s, "Enter opens a headline").is_none());

    // A headline with the phrase appears between two fetches.
    market.titles.lock().unwrap().push("US adds SMIC to the Entity List".into());
    tui.press("r");
    wait_until("the keyword alert's command", || lines_of(&told).len() == 2);
    assert_eq!(lines_of(&told)[1], "chiptape|headline (Entity List): US adds SMIC to the Entity List");
    tui.wait_for("it in the status bar", |s| status_line(s).contains("alert: headline (Entity List)"));
    tui.press("q");
    assert!(tui.wait_exit().success());
}
