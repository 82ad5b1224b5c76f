//! End to end with a local stand-in for Yahoo's streamer (an in-process WebSocket server) and for
//! its quote API (wiremock): a pushed price is on screen (nothing else carries it) and its row says `live`;
//! when the stream goes away the row is polled again and the status bar says the stream reconnects.
#![cfg(unix)]

use crate::common;

use std::time::Duration;

use chiptape::providers::yahoo::stream::{PricingData, encode_frame};
use common::pty::*;
use serde_json::json;
use tempfile::TempDir;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

async fn quotes(server: &MockServer) {
    common::mount_yahoo_session(server, "crumbSTREAM1").await;
    let body = json!({"quoteResponse": {"error": null, "result": [
        {"symbol": "NVDA", "currency": "USD", "regularMarketPrice": 181.2, "regularMarketPreviousClose": 180.0,
         "regularMarketChange": 1.2, "regularMarketChangePercent": 0.67, "marketState": "REGULAR"},
        {"symbol": "AMD", "currency": "USD", "regularMarketPrice": 150.4, "regularMarketPreviousClose": 150.0,
         "regularMarketChange": 0.4, "regularMarketChangePercent": 0.27, "marketState": "REGULAR"}
    ]}});
    Mock::given(method("GET"))
        .and(path("/v7/finance/quote"))
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
        .mount(server)
        .await;
}

fn row_of(s: &vt100::Screen, sym: &str) -> String {
    find(s, sym).map(|(row, _)| line(s, row)).unwrap_or_default()
}

#[test]
fn a_tick_is_on_screen_within_a_second_and_a_lost_stream_goes_back_to_polling() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let yahoo = rt.block_on(MockServer::start());
    rt.block_on(quotes(&yahoo));
    let mut streamer = rt.block_on(common::ws::server());

    let home = TempDir::new().unwrap();
    let cfg = home.path().join("c.toml");
    std::fs::write(
        &cfg,
        format!(
            "refresh_secs = 5\n[provider]\nquery_url = \"{uri}\"\ncookie_url = \"{uri}/cookie\"\n\
             stream_url = \"{ws}\"\nmainland = \"yahoo\"\nquotes = [\"yahoo\"]\n\n\
             [[groups]]\nname = \"Watch\"\nsymbols = [\"NVDA\", \"AMD\"]\n\n[filings]\nsec = false\nfederal_register = false\nhkex = false\ncninfo = false\n\n[news]\nfeeds = []\nyahoo_symbols = false\n",
            uri = yahoo.uri(),
            ws = streamer.url
        ),
    )
    .unwrap();
    let cfg = cfg.to_str().unwrap().to_string();
    // New York open.
    let mut tui = Tui::start_in(home, &["--config", &cfg, "--fake-now", "2026-11-24T15:00:00Z"], &[]);
    tui.wait_for("polled prices", |s| find(s, "181.20").is_some() && find(s, "150.40").is_some());
    let mut conn = rt
        .block_on(async { tokio::time::timeout(Duration::from_secs(10), streamer.conns.recv()).await })
        .expect("the app connects to the streamer")
        .unwrap();
    let subscribed = rt
        .block_on(async { tokio::time::timeout(Duration::from_secs(10), conn.inbox.recv()).await })
        .expect("a subscribe message")
        .unwrap();
    assert!(
        subscribed.contains("subscribe") && subscribed.contains("NVDA") && subscribed.contains("AMD"),
        "{subscribed}"
    );
    tui.wait_for("the stream named", |s| status_line(s).contains("stream connected"));

    conn.text(encode_frame(&PricingData {
        id: "NVDA".into(),
        price: 185.55,
        change: 5.55,
        change_percent: 3.08,
        day_high: 186.0,
        day_low: 179.5,
        ..PricingData::default()
    }));
    // Only the push carries 185.55 (the polled price is 181.20): waiting for it times the push path.
    tui.wait_for("the pushed price", |s| find(s, "185.55").is_some());
    tui.with_screen(|s| {
        assert!(row_of(s, "NVDA").contains("live"), "{}", dump(s));
        assert!(row_of(s, "AMD").contains("rt"), "no ticks: still polled\n{}", dump(s));
        assert!(status_line(s).contains("stream live (1)"), "{}", dump(s));
    });

    // The streamer goes away: no more connections, and the open one dropped.
    streamer.accept.abort();
    drop(conn);
    tui.wait_for("the stream reconnecting", |s| status_line(s).contains("stream reconnecting"));
    tui.wait_for("a polled row again", |s| {
        let row = row_of(s, "NVDA");
        !row.contains("live") && row.contains("181.20") && row.contains("rt")
    });
    tui.press("q");
    assert!(tui.wait_exit().success());
}
