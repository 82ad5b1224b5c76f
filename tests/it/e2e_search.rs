//! End to end, issue 21: `a`, a name in English, Chinese or pinyin initials, the candidates from
//! local stand-ins of both search services, Enter: the row is on screen and the config file holds
//! the symbol with its names.
#![cfg(unix)]

use crate::common;

use common::pty::*;
use serde_json::json;
use tempfile::TempDir;
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const HINT_CAMBRICON: &str = r"sh~688256~\u5bd2\u6b66\u7eaa~hwj~GP-A-KCB";
const HINT_GIGADEVICE: &str = r"sh~603986~\u5146\u6613\u521b\u65b0~zycx~GP-A";

async fn stand_ins(server: &MockServer) {
    common::mount_yahoo_session(server, "crumbSearch1").await;
    let quote = |symbol: &str, name: &str, price: f64| {
        json!({"symbol": symbol, "shortName": name, "currency": "CNY", "regularMarketPrice": price,
               "regularMarketPreviousClose": price - 1.0, "marketState": "REGULAR"})
    };
    let quotes = json!({"quoteResponse": {"error": null, "result": [
        quote("NVDA", "NVIDIA", 181.25),
        quote("688256.SS", "Cambricon Technologies", 1402.5),
        quote("603986.SS", "GigaDevice", 151.75),
    ]}});
    Mock::given(method("GET"))
        .and(path("/v7/finance/quote"))
        .respond_with(ResponseTemplate::new(200).set_body_json(quotes))
        .mount(server)
        .await;
    // Yahoo knows Cambricon by its English name, and a listing only this stand-in has.
    let found = json!({"quotes": [
        {"symbol": "688256.SS", "shortname": "CAMBRICON", "longname": "Cambricon Technologies Corporation Limited",
         "exchDisp": "Shanghai", "quoteType": "EQUITY"},
        {"symbol": "CAMBX", "longname": "Cambricon Tracker Stand-in ETF", "exchDisp": "NYSEArca", "quoteType": "ETF"}
    ], "news": []});
    Mock::given(method("GET"))
        .and(path("/v1/finance/search"))
        .and(query_param("q", "cambricon"))
        .respond_with(ResponseTemplate::new(200).set_body_json(found))
        .mount(server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/finance/search"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"quotes": [], "news": []})))
        .mount(server)
        .await;
    // Tencent knows it by its Chinese name and its pinyin initials; and one name only it has.
    let hint = |h: &str| {
        ResponseTemplate::new(200).set_body_raw(format!("v_hint=\"{h}\";"), "text/html; charset=GBK")
    };
    for q in ["寒武纪", "hwj", "cambricon"] {
        Mock::given(method("GET"))
            .and(path("/s3/"))
            .and(query_param("q", q))
            .respond_with(hint(HINT_CAMBRICON))
            .mount(server)
            .await;
    }
    Mock::given(method("GET"))
        .and(path("/s3/"))
        .and(query_param("q", "兆易"))
        .respond_with(hint(HINT_GIGADEVICE))
        .mount(server)
        .await;
    Mock::given(method("GET")).and(path("/s3/")).respond_with(hint("N")).mount(server).await;
}

fn box_rows(s: &vt100::Screen) -> String {
    (ROWS - 12..ROWS).map(|r| line(s, r)).collect::<Vec<_>>().join("\n")
}

#[test]
fn a_company_is_added_by_its_english_name_its_chinese_name_or_its_pinyin() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let server = rt.block_on(MockServer::start());
    rt.block_on(stand_ins(&server));
    let home = TempDir::new().unwrap();
    let cfg = home.path().join("c.toml");
    let groups: String = ["One", "Two", "Three", "Four"]
        .iter()
        .map(|g| format!("\n[[groups]]\nname = \"{g}\"\nsymbols = [\"NVDA\"]\n"))
        .collect();
    std::fs::write(
        &cfg,
        format!(
            "# searched watchlist\n[provider]\nquery_url = \"{uri}\"\ncookie_url = \"{uri}/cookie\"\nstream = false\n\
             quotes = [\"yahoo\"]\nmainland = \"yahoo\"\nsuggest_url = \"{uri}/s3/\"\n{groups}\n\
             [filings]\nsec = false\nfederal_register = false\nhkex = false\ncninfo = false\n\n[news]\nfeeds = []\nyahoo_symbols = false\n",
            uri = server.uri()
        ),
    )
    .unwrap();
    let cfg = cfg.to_str().unwrap().to_string();
    let mut tui = Tui::start_in(home, &["--config", &cfg, "--fake-now", "2026-11-24T03:00:00Z"], &[]);
    tui.wait_for("the first group", |s| find(s, "181.25").is_some());

    // English: the local catalogue at once, Yahoo's stand-in adds a listing only it has.
    tui.press("a");
    tui.wait_for("the add prompt", |s| status_line(s).contains("add to One:"));
    tui.press("cambricon");
    tui.wait_for("candidates from the catalogue and the stand-ins", |s| {
        let b = box_rows(s);
        b.contains("688256.SS") && b.contains("寒武纪") && b.contains("CAMBX") && !b.contains("searching")
    });
    tui.with_screen(|s| {
        let b = box_rows(s);
        assert_eq!(b.matches("688256.SS").count(), 1, "one row for the listing both sources found:\n{b}");
    });
    tui.press("\r");
    tui.wait_for("the row and the note", |s| {
        find(s, "1402.50").is_some() && status_line(s).contains("added 688256.SS")
    });
    let text = wait_file(&cfg, "the symbol and its names", |t| {
        t.contains("\"688256.SS\"") && t.contains("[symbols.\"688256.SS\"]")
    });
    assert!(text.starts_with("# searched watchlist\n"), "comments kept:\n{text}");
    let written = chiptape::config::parse_str(&text, "c.toml").unwrap();
    let meta = &written.symbols[&chiptape::market::Symbol::parse("688256.SS").unwrap()];
    assert!(meta.aliases.contains(&"寒武纪".to_string()), "{text}");

    // Chinese, then pinyin initials, each in a group of its own.
    for (group, query) in [("2", "寒武纪"), ("3", "hwj")] {
        tui.press(group);
        tui.press("a");
        tui.wait_for("the add prompt", |s| status_line(s).contains("add to T"));
        tui.press(query);
        tui.wait_for("Cambricon among the candidates", |s| {
            box_rows(s).contains("688256.SS") && !box_rows(s).contains("searching")
        });
        tui.press("\r");
        tui.wait_for("the row", |s| {
            find(s, "1402.50").is_some() && status_line(s).contains("added 688256.SS")
        });
    }
    let text = wait_file(&cfg, "three groups with it", |t| t.matches("\"688256.SS\"").count() >= 4);
    assert_eq!(text.matches("[symbols.\"688256.SS\"]").count(), 1, "its names are written once:\n{text}");

    // A listing only the remote stand-in knows: its Chinese name goes into the file.
    tui.press("4");
    tui.press("a");
    tui.press("兆易");
    tui.wait_for("the stand-in's listing", |s| {
        box_rows(s).contains("603986.SS") && box_rows(s).contains("兆易创新")
    });
    tui.press("\r");
    tui.wait_for("its row", |s| find(s, "151.75").is_some());
    let text = wait_file(&cfg, "its names", |t| t.contains("[symbols.\"603986.SS\"]"));
    assert!(text.contains("兆易创新"), "{text}");
    tui.press("q");
    assert!(tui.wait_exit().success());
}
