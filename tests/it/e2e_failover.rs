//! End to end, failover between quote sources: Yahoo's stand-in fails mid-run, every row goes on
//! moving with Tencent's prices from the same refresh, the status bar names who stands in and why,
//! and the rows go back to Yahoo once it answers again and its rest (`fallback_secs`) is over.
#![cfg(unix)]

use crate::common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use common::pty::*;
use serde_json::json;
use tempfile::TempDir;
use wiremock::matchers::{method, path, path_regex};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

/// Tencent's stand-in: NVDA and AMD in its US layout, a cent a request higher each time (so a row
/// that keeps moving shows it), counting what it is asked.
struct Tencent(Arc<AtomicUsize>);

impl Respond for Tencent {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        let n = self.0.fetch_add(1, Ordering::SeqCst) as f64;
        let us = |code: &str, name: &str, price: f64| {
            crate::tencent::line(
                code,
                72,
                &[
                    (0, "200"),
                    (1, name),
                    (2, &format!("{}.OQ", &code[2..])),
                    (3, &format!("{price:.2}")),
                    (4, "180.00"),
                    (30, "2026-11-24 10:00:00"),
                    (35, "USD"),
                ],
            )
        };
        let body = us("usNVDA", "英伟达", 190.0 + n) + &us("usAMD", "超威半导体", 150.0 + n);
        ResponseTemplate::new(200).set_body_raw(crate::tencent::gbk(&body), "text/html; charset=GBK")
    }
}

async fn yahoo(server: &MockServer, healthy: bool, tencent: &Arc<AtomicUsize>) {
    server.reset().await;
    common::mount_yahoo_session(server, "crumbFailover1").await;
    let quotes = if healthy {
        let body = json!({"quoteResponse": {"error": null, "result": [
            {"symbol": "NVDA", "currency": "USD", "regularMarketPrice": 181.2, "regularMarketPreviousClose": 180.0, "marketState": "REGULAR"},
            {"symbol": "AMD", "currency": "USD", "regularMarketPrice": 140.1, "regularMarketPreviousClose": 139.0, "marketState": "REGULAR"}
        ]}});
        ResponseTemplate::new(200).set_body_json(body)
    } else {
        ResponseTemplate::new(500).set_body_string("oops")
    };
    Mock::given(method("GET")).and(path("/v7/finance/quote")).respond_with(quotes).mount(server).await;
    Mock::given(method("GET"))
        .and(path_regex("^/q="))
        .respond_with(Tencent(tencent.clone()))
        .mount(server)
        .await;
}

#[test]
fn rows_move_on_with_tencent_when_yahoo_fails_and_come_back_after_its_rest() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let server = rt.block_on(MockServer::start());
    let tencent = Arc::new(AtomicUsize::new(0));
    rt.block_on(yahoo(&server, true, &tencent));

    let home = TempDir::new().unwrap();
    let cfg = home.path().join("c.toml");
    std::fs::write(
        &cfg,
        format!(
            "refresh_secs = 5\n[provider]\nquery_url = \"{uri}\"\ncookie_url = \"{uri}/cookie\"\nstream = false\n\
             tencent_url = \"{uri}\"\ntencent_series_url = \"{uri}\"\nquotes = [\"yahoo\", \"tencent\"]\nfallback_secs = 1\n\n\
             [[groups]]\nname = \"Watch\"\nsymbols = [\"NVDA\", \"AMD\"]\n\n[filings]\nsec = false\nfederal_register = false\nhkex = false\ncninfo = false\n\n[news]\nfeeds = []\nyahoo_symbols = false\n",
            uri = server.uri()
        ),
    )
    .unwrap();
    let cfg = cfg.to_str().unwrap().to_string();
    // New York open at this instant: the group refreshes every refresh_secs.
    let mut tui = Tui::start_in(home, &["--config", &cfg, "--fake-now", "2026-11-24T15:00:00Z"], &[]);
    tui.wait_for("Yahoo's prices", |s| find(s, "181.20").is_some() && find(s, "140.10").is_some());
    assert_eq!(tencent.load(Ordering::SeqCst), 0, "Tencent is not asked while Yahoo answers");

    rt.block_on(yahoo(&server, false, &tencent));
    tui.press("r");
    // The failed request and Tencent's answer are one refresh: no error, no retry countdown.
    tui.wait_for("Tencent's prices in every row, and the stand-in named", |s| {
        find(s, "190.00").is_some()
            && find(s, "150.00").is_some()
            && status_line(s).contains("quotes: Yahoo HTTP 500 — Tencent serving 2")
    });
    tui.with_screen(|s| assert!(!status_line(s).contains("retrying"), "{}", dump(s)));
    // The next refresh asks Yahoo again (its rest is a second here), and Tencent again for both.
    tui.wait_for("the rows moving on Tencent's prices", |s| {
        find(s, "191.00").is_some() && find(s, "151.00").is_some()
    });

    rt.block_on(yahoo(&server, true, &tencent));
    tui.wait_for("Yahoo's prices again, and no stand-in named", |s| {
        find(s, "181.20").is_some()
            && find(s, "140.10").is_some()
            && !status_line(s).contains("Tencent serving")
    });
    tui.press("q");
    assert!(tui.wait_exit().success());
}
