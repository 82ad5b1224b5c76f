//! End to end against a local fake of Yahoo: prices appear, survive an outage with the error and
//! the retry time on screen, and come back on their own when the server does.
#![cfg(unix)]

use crate::common;

use common::pty::*;
use serde_json::json;
use tempfile::TempDir;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

async fn mount_session(server: &MockServer) {
    common::mount_yahoo_session(server, "crumbPTY1234").await;
}

async fn healthy(server: &MockServer, hk_price: f64) {
    server.reset().await;
    mount_session(server).await;
    let body = json!({"quoteResponse": {"error": null, "result": [
        {"symbol": "0981.HK", "currency": "HKD", "regularMarketPrice": hk_price, "regularMarketPreviousClose": 70.0,
         "regularMarketChange": hk_price - 70.0, "regularMarketChangePercent": (hk_price - 70.0) / 70.0 * 100.0,
         "marketState": "CLOSED", "exchangeDataDelayedBy": 15},
        {"symbol": "NVDA", "currency": "USD", "regularMarketPrice": 181.2, "regularMarketPreviousClose": 180.0,
         "regularMarketChange": 1.2, "regularMarketChangePercent": 0.67, "marketState": "REGULAR"}
    ]}});
    Mock::given(method("GET"))
        .and(path("/v7/finance/quote"))
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
        .mount(server)
        .await;
}

async fn broken(server: &MockServer) {
    server.reset().await;
    mount_session(server).await;
    Mock::given(method("GET"))
        .and(path("/v7/finance/quote"))
        .respond_with(ResponseTemplate::new(500).set_body_string("oops"))
        .mount(server)
        .await;
}

#[test]
fn prices_survive_an_outage_and_recover_on_their_own() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let server = rt.block_on(MockServer::start());
    rt.block_on(healthy(&server, 72.5));

    let home = TempDir::new().unwrap();
    let cfg = home.path().join("c.toml");
    std::fs::write(
        &cfg,
        format!(
            "refresh_secs = 5\n[provider]\nquery_url = \"{uri}\"\ncookie_url = \"{uri}/cookie\"\nstream = false\nmainland = \"yahoo\"\nquotes = [\"yahoo\"]\n\n\
             [[groups]]\nname = \"Watch\"\nsymbols = [\"0981.HK\", \"NVDA\"]\n\n[filings]\nsec = false\nfederal_register = false\nhkex = false\ncninfo = false\n\n[news]\nfeeds = []\nyahoo_symbols = false\n",
            uri = server.uri()
        ),
    )
    .unwrap();
    let cfg = cfg.to_str().unwrap().to_string();
    // New York open at this instant: the group refreshes every refresh_secs.
    let mut tui = Tui::start_in(home, &["--config", &cfg, "--fake-now", "2026-11-24T15:00:00Z"], &[]);
    tui.wait_for("live prices", |s| find(s, "72.50").is_some() && find(s, "181.20").is_some());
    tui.wait_for("the source named", |s| status_line(s).contains("quotes Yahoo"));

    rt.block_on(broken(&server));
    tui.press("r");
    tui.wait_for("the error and the retry time", |s| {
        let st = status_line(s);
        st.contains("HTTP 500") && st.contains("retrying in")
    });
    tui.with_screen(|s| {
        assert!(find(s, "72.50").is_some(), "the last good price stays:\n{}", dump(s));
    });

    rt.block_on(healthy(&server, 73.1));
    tui.wait_for("recovery without a key press", |s| {
        find(s, "73.10").is_some() && !status_line(s).contains("HTTP 500")
    });
    tui.press("q");
    assert!(tui.wait_exit().success());
}
