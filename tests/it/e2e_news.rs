//! End to end: headlines from a local feed beside quotes from a local Yahoo fake; Tab, j, n, and
//! `o` handing the link to the opener (a test script), a `javascript:` link refused.
#![cfg(unix)]

use crate::common;

use std::path::Path;
use std::time::{Duration, Instant};

use common::pty::*;
use serde_json::json;
use tempfile::TempDir;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const FEED: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Chip wire</title>
<item><title>SMIC lifts capex as 7nm demand grows</title><link>https://news.example.com/smic-capex</link>
<pubDate>Tue, 24 Nov 2026 14:00:00 GMT</pubDate><description>SMIC raised its spending plan.</description></item>
<item><title>Nvidia ships new accelerator to Asian clouds</title><link>https://news.example.com/nvda-ship</link>
<pubDate>Tue, 24 Nov 2026 13:00:00 GMT</pubDate></item>
<item><title>Click here for free chips</title><link>javascript:alert(1)</link>
<pubDate>Tue, 24 Nov 2026 12:00:00 GMT</pubDate></item>
</channel></rss>"#;

async fn serve() -> MockServer {
    let server = MockServer::start().await;
    common::mount_yahoo_session(&server, "crumbNEWS123").await;
    let quotes = json!({"quoteResponse": {"error": null, "result": [
        {"symbol": "0981.HK", "currency": "HKD", "regularMarketPrice": 72.5, "regularMarketPreviousClose": 70.0,
         "regularMarketChange": 2.5, "regularMarketChangePercent": 3.57, "marketState": "CLOSED"},
        {"symbol": "NVDA", "currency": "USD", "regularMarketPrice": 181.2, "regularMarketPreviousClose": 180.0,
         "regularMarketChange": 1.2, "regularMarketChangePercent": 0.67, "marketState": "REGULAR"}
    ]}});
    Mock::given(method("GET"))
        .and(path("/v7/finance/quote"))
        .respond_with(ResponseTemplate::new(200).set_body_json(quotes))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/feed.xml"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(FEED, "application/rss+xml"))
        .mount(&server)
        .await;
    server
}

fn opened(log: &Path) -> Vec<String> {
    std::fs::read_to_string(log).unwrap_or_default().lines().map(str::to_string).collect()
}

/// The opener runs detached: poll its log against a deadline.
fn wait_opened(log: &Path, n: usize) -> Vec<String> {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let got = opened(log);
        if got.len() >= n {
            return got;
        }
        assert!(Instant::now() < deadline, "the opener was not called {n} time(s): {got:?}");
        std::thread::sleep(Duration::from_millis(25));
    }
}

#[test]
fn headlines_beside_quotes_tab_j_n_and_open() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let server = rt.block_on(serve());
    let home = TempDir::new().unwrap();
    let log = home.path().join("opened.txt");
    let opener = home.path().join("opener.sh");
    std::fs::write(&opener, format!("#!/bin/sh\nprintf '%s\\n' \"$1\" >> '{}'\n", log.display())).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&opener, std::fs::Permissions::from_mode(0o755)).unwrap();
    let cfg = home.path().join("c.toml");
    std::fs::write(
        &cfg,
        format!(
            "[provider]\nquery_url = \"{uri}\"\ncookie_url = \"{uri}/cookie\"\nstream = false\nmainland = \"yahoo\"\nquotes = [\"yahoo\"]\n\n\
             [[groups]]\nname = \"Watch\"\nsymbols = [\"0981.HK\", \"NVDA\"]\n\n\
             [filings]\nsec = false\nfederal_register = false\nhkex = false\ncninfo = false\n\n[news]\nyahoo_symbols = false\n\n[[news.feeds]]\nname = \"Chip wire\"\nurl = \"{uri}/feed.xml\"\n",
            uri = server.uri()
        ),
    )
    .unwrap();
    let cfg = cfg.to_str().unwrap().to_string();
    let opener = opener.to_str().unwrap().to_string();
    let mut tui = Tui::start_in(
        home,
        &["--config", &cfg, "--fake-now", "2026-11-24T15:00:00Z"],
        &[("CHIPTAPE_OPENER", opener.as_str())],
    );

    tui.wait_for("quotes and headlines side by side", |s| {
        let row = find(s, "0981.HK").map(|(r, _)| line(s, r)).unwrap_or_default();
        row.contains("72.50") && find(s, "SMIC lifts capex").is_some() && find(s, "Nvidia ships").is_some()
    });
    tui.with_screen(|s| {
        let (r, _) = find(s, "0981.HK").unwrap();
        assert!(line(s, r).contains("●1"), "unread badge on the SMIC row:\n{}", dump(s));
        let (hr, _) = find(s, "SMIC lifts capex").unwrap();
        assert!(line(s, hr).contains("1h"), "its age:\n{}", dump(s));
    });

    // `n` on the selected symbol (0981.HK) keeps only headlines about it.
    tui.press("n");
    tui.wait_for("the symbol filter", |s| {
        find(s, "Headlines · 0981.HK").is_some() && find(s, "Nvidia ships").is_none()
    });
    tui.press("n");
    tui.wait_for("the filter cleared", |s| find(s, "Nvidia ships").is_some());

    // Tab to the headlines, open the first: the opener gets the link, the headline is read.
    tui.press("\t");
    tui.press("o");
    assert_eq!(wait_opened(&log, 1), vec!["https://news.example.com/smic-capex"]);
    // The opener has exited: the app waits for it, so it leaves no zombie behind.
    let deadline = Instant::now() + Duration::from_secs(5);
    while !tui.zombies().is_empty() {
        assert!(Instant::now() < deadline, "zombie children: {:?}", tui.zombies());
        std::thread::sleep(Duration::from_millis(25));
    }
    tui.wait_for("the badge gone once read", |s| {
        find(s, "0981.HK").is_some_and(|(r, _)| !line(s, r).contains("●1"))
    });

    // j j: to the javascript: item; o refuses it and says so.
    tui.press("j");
    tui.press("j");
    tui.press("o");
    tui.wait_for("the refusal", |s| status_line(s).contains("refusing to open non-web link"));
    assert_eq!(opened(&log).len(), 1, "the javascript: link never reached the opener");

    tui.press("q");
    assert!(tui.wait_exit().success());
}

/// A feed of 40,000 items (4 MB, under the 5 MiB cap) is being parsed and merged when the user
/// quits: the app is gone within the exit deadline (10 s), not when the work is done (it used to
/// live 40–50 s more).
#[test]
fn quitting_during_a_huge_feed_is_immediate() {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let (sent_tx, sent) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut items = String::new();
        for i in 0..40_000 {
            items.push_str(&format!(
                "<item><title>Chip story number {i} on wafers</title><link>https://wire.example/{i}</link></item>"
            ));
        }
        let body = format!(
            "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Wire</title>{items}</channel></rss>"
        );
        for sock in listener.incoming() {
            let Ok(mut sock) = sock else { continue };
            let mut head = [0u8; 4096];
            let n = sock.read(&mut head).unwrap_or(0);
            let req = String::from_utf8_lossy(&head[..n]).to_string();
            if !req.contains("/feed.xml") {
                let _ = sock.write_all(b"HTTP/1.1 503 X\r\ncontent-length: 0\r\n\r\n");
                continue;
            }
            let _ = write!(
                sock,
                "HTTP/1.1 200 OK\r\ncontent-type: application/rss+xml\r\ncontent-length: {}\r\n\r\n",
                body.len()
            );
            let _ = sock.write_all(body.as_bytes());
            let _ = sent_tx.send(());
        }
    });
    let home = TempDir::new().unwrap();
    let cfg = home.path().join("c.toml");
    std::fs::write(
        &cfg,
        format!(
            "[provider]\nquery_url = \"http://127.0.0.1:{port}\"\ncookie_url = \"http://127.0.0.1:{port}/cookie\"\nstream = false\nmainland = \"yahoo\"\nquotes = [\"yahoo\"]\n\n\
             [[groups]]\nname = \"Watch\"\nsymbols = [\"NVDA\"]\n\n\
             [filings]\nsec = false\nfederal_register = false\nhkex = false\ncninfo = false\n\n[news]\nyahoo_symbols = false\n\n[[news.feeds]]\nname = \"Wire\"\nurl = \"http://127.0.0.1:{port}/feed.xml\"\n"
        ),
    )
    .unwrap();
    let cfg = cfg.to_str().unwrap().to_string();
    let mut tui = Tui::start_in(home, &["--config", &cfg, "--fake-now", "2026-11-24T15:00:00Z"], &[]);
    tui.wait_for("the screen", |s| find(s, "Headlines").is_some());
    sent.recv_timeout(Duration::from_secs(10)).expect("the feed was sent");
    tui.press("q");
    let status = tui.wait_exit();
    assert!(status.success(), "{status:?}");
}

/// A UTF-16 feed that declares `utf-16` without a byte-order mark (it made quick-xml panic and the
/// app exit) is read, and a feed that makes the parser panic (a debug build does on a marked feed)
/// leaves the app up: the other feeds' headlines show, the status bar names the bad feed, and `q`
/// still ends it cleanly.
#[test]
fn a_feed_that_panics_the_parser_leaves_the_app_up_and_names_it() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let server = rt.block_on(serve());
    let text = "<?xml version=\"1.0\" encoding=\"utf-16\"?><rss version=\"2.0\"><channel><title>T</title>\
                <item><title>Cambricon wide</title><link>https://example.com/a</link></item></channel></rss>";
    let utf16: Vec<u8> = text.encode_utf16().flat_map(u16::to_be_bytes).collect();
    let marked = format!("<!-- chiptape test: panic -->{text}").into_bytes();
    for (at, body) in [("/wide.xml", utf16), ("/panic.xml", marked)] {
        rt.block_on(
            Mock::given(method("GET"))
                .and(path(at))
                .respond_with(ResponseTemplate::new(200).set_body_raw(body, "application/rss+xml"))
                .mount(&server),
        );
    }
    let home = TempDir::new().unwrap();
    let cfg = home.path().join("c.toml");
    std::fs::write(
        &cfg,
        format!(
            "[provider]\nquery_url = \"{uri}\"\ncookie_url = \"{uri}/cookie\"\nstream = false\nmainland = \"yahoo\"\nquotes = [\"yahoo\"]\n\n\
             [[groups]]\nname = \"Watch\"\nsymbols = [\"0981.HK\", \"NVDA\"]\n\n\
             [filings]\nsec = false\nfederal_register = false\nhkex = false\ncninfo = false\n\n[news]\nyahoo_symbols = false\n\n[[news.feeds]]\nname = \"Wide\"\nurl = \"{uri}/wide.xml\"\n\n\
             [[news.feeds]]\nname = \"Bad\"\nurl = \"{uri}/panic.xml\"\n\n\
             [[news.feeds]]\nname = \"Chip wire\"\nurl = \"{uri}/feed.xml\"\n",
            uri = server.uri()
        ),
    )
    .unwrap();
    let cfg = cfg.to_str().unwrap().to_string();
    let mut tui = Tui::start_in(home, &["--config", &cfg, "--fake-now", "2026-11-24T15:00:00Z"], &[]);
    tui.wait_for("the good feed's headlines and the bad one named", |s| {
        find(s, "SMIC lifts capex").is_some()
            && find(s, "Cambricon wide").is_some()
            && status_line(s).contains("Bad")
    });
    assert!(tui.running(), "the app is still up");
    tui.press("q");
    assert!(tui.wait_exit().success());
}
