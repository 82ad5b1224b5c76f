//! `chiptape news` against local fake feeds: the real binary, the real HTTP path, no internet.

use crate::common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Output;

use chiptape::market::news::{link_key, title_key};
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// The fixtures' dates are around this instant.
const AT: &str = "--fake-now=2026-11-24T15:00:00Z";

const FIELDS: [&str; 10] = [
    "title",
    "link",
    "source",
    "published",
    "symbols",
    "feed",
    "highlight",
    "kind",
    "form",
    "move_since_pct",
];

/// Charts asked of the fake server too (the move since): nothing leaves the machine.
fn provider(server: &MockServer) -> String {
    format!(
        "[provider]\nquery_url = \"{uri}\"\ncookie_url = \"{uri}/cookie\"\nstream = false\nmainland = \"yahoo\"\n\
         quotes = [\"yahoo\"]\ncharts = [\"yahoo\"]\n\n",
        uri = server.uri()
    )
}

fn fixture(name: &str) -> Vec<u8> {
    let p = format!("{}/tests/fixtures/feeds/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&p).unwrap_or_else(|e| panic!("{p}: {e}"))
}

async fn serve(server: &MockServer, p: &str, response: ResponseTemplate) {
    Mock::given(method("GET")).and(path(p)).respond_with(response).mount(server).await;
}

fn xml(name: &str) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_raw(fixture(name), "application/rss+xml")
}

/// Feeds of one fake newsroom: two that repeat each other, one with every date form.
async fn good_feeds(server: &MockServer) {
    serve(server, "/yahoo", xml("yahoo-headline-0981-hk.xml")).await;
    serve(server, "/wire", xml("chip-wire-dupes.xml")).await;
    serve(server, "/desk", xml("dates.xml")).await;
}

/// A config whose `[news]` names only `feeds` (name, path on `server`): no Yahoo, no Google.
fn write_config(home: &Path, server: &MockServer, feeds: &[(&str, &str)]) -> PathBuf {
    let mut t = provider(server);
    t.push_str(
        "[filings]\nsec = false\nfederal_register = false\nhkex = false\ncninfo = false\n\n[news]\nyahoo_symbols = false\nhighlight = [\"WAFER\", \"Hua Hong\"]\n",
    );
    for (name, p) in feeds {
        t.push_str(&format!("\n[[news.feeds]]\nname = {name:?}\nurl = \"{}{p}\"\n", server.uri()));
    }
    let file = home.join("chiptape.toml");
    std::fs::write(&file, t).unwrap();
    file
}

/// `chiptape --config CONFIG news --format json ARGS…` with a private home, off the async runtime
/// (the fake server runs on it).
async fn news(home: &Path, config: &Path, args: &[&str]) -> Output {
    let mut cmd = common::chiptape_cmd(home);
    cmd.arg("--config").arg(config).args(["news", "--format", "json", AT]).args(args);
    tokio::task::spawn_blocking(move || cmd.output().unwrap()).await.unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The printed records, each checked against the JSON contract.
fn records(o: &Output) -> Vec<Value> {
    let v: Value = serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}\nstderr: {}", String::from_utf8_lossy(&o.stdout), stderr(o)));
    let arr = v.as_array().expect("an array").clone();
    for r in &arr {
        let keys: BTreeSet<&str> = r.as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(keys, BTreeSet::from(FIELDS), "{r}");
        assert!(r["title"].as_str().is_some_and(|t| !t.is_empty()), "{r}");
        assert!(r["symbols"].as_array().unwrap().iter().all(Value::is_string), "{r}");
        match &r["published"] {
            Value::Null => {}
            Value::String(s) => assert!(chrono::DateTime::parse_from_rfc3339(s).is_ok(), "{r}"),
            other => panic!("published is {other}"),
        }
    }
    arr
}

fn titles(recs: &[Value]) -> Vec<&str> {
    recs.iter().map(|r| r["title"].as_str().unwrap()).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn json_is_deduplicated_newest_first_and_failing_feeds_are_named() {
    let server = MockServer::start().await;
    good_feeds(&server).await;
    serve(&server, "/broken", ResponseTemplate::new(500)).await;
    serve(&server, "/garbage", ResponseTemplate::new(200).set_body_string("Service Unavailable")).await;
    let home = tempfile::tempdir().unwrap();
    let cfg = write_config(
        home.path(),
        &server,
        &[
            ("Yahoo 0981", "/yahoo"),
            ("Broken", "/broken"),
            ("Chip Wire", "/wire"),
            ("Garbage", "/garbage"),
            ("Chip Desk", "/desk"),
        ],
    );
    let o = news(home.path(), &cfg, &[]).await;

    assert_eq!(o.status.code(), Some(1), "a failing feed is a partial result: {}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("chiptape: feed \"Broken\": server answered HTTP 500"), "{err}");
    assert!(err.contains("chiptape: feed \"Garbage\": not a readable RSS or Atom feed"), "{err}");
    assert_eq!(err.lines().count(), 2, "only the failing feeds: {err}");

    let recs = records(&o);
    assert_eq!(
        titles(&recs),
        [
            // Dated ahead of the clock (days, hours): dated now, when first seen.
            "SMIC results leak from the future",
            "Baidu Ernie Bot update lands tomorrow in Beijing",
            "AMD and NVIDIA trade places in the AI race",
            "China's foundries run near full capacity into year-end",
            "Nvidia readies an H20 successor for China",
            "Cambricon and Hua Hong join the Shanghai AI chip index",
            "SMIC Quarterly Revenue Beats Estimates, as China Chip Demand Holds!",
            "Hua Hong lifts wafer prices for 2027",
            "Cambricon books record AI accelerator orders",
            // Undated last: an unreadable date.
            "Alibaba Cloud cuts Qwen API prices",
        ]
    );
    // Chip Wire repeated three Yahoo stories (same link, same guid, same folded title): once each,
    // with Yahoo's source and link and the newer of the two dates.
    assert_eq!(
        recs[4],
        json!({
            "title": "Nvidia readies an H20 successor for China",
            "link": "https://finance.yahoo.com/news/nvidia-h20-successor-china-120000456.html?.tsrc=rss",
            "source": "Yahoo! Finance: 0981.HK,NVDA News",
            "published": "2026-11-24T12:30:00Z",
            "symbols": ["NVDA"],
            "feed": "Yahoo 0981",
            "highlight": [],
            "kind": "news",
            "form": null,
            // NVDA's chart is not served here.
            "move_since_pct": null,
        })
    );
    assert!(recs.iter().all(|r| r["kind"] == "news" && r["form"].is_null()), "feeds give news, no form");
    assert_eq!(recs[0]["published"], "2026-11-24T15:00:00Z", "a date days ahead counts from now");
    assert_eq!(recs[3]["published"], "2026-11-24T13:47:10Z");
    assert_eq!(recs[6]["symbols"], json!(["0981.HK", "688981.SS"]));
    assert_eq!(recs[9]["published"], Value::Null);
    assert_eq!(recs[7]["title"], "Hua Hong lifts wafer prices for 2027");
    assert_eq!(
        recs[7]["highlight"],
        json!(["WAFER", "Hua Hong"]),
        "the configured phrases it contains, any case"
    );
    let links: BTreeSet<_> = recs.iter().map(|r| link_key(r["link"].as_str().unwrap())).collect();
    let folded: BTreeSet<_> = recs.iter().map(|r| title_key(r["title"].as_str().unwrap())).collect();
    assert_eq!((links.len(), folded.len()), (recs.len(), recs.len()), "no story twice");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn symbol_and_limit_narrow_the_list() {
    let server = MockServer::start().await;
    good_feeds(&server).await;
    let home = tempfile::tempdir().unwrap();
    let cfg = write_config(
        home.path(),
        &server,
        &[("Yahoo 0981", "/yahoo"), ("Chip Wire", "/wire"), ("Chip Desk", "/desk")],
    );

    let o = news(home.path(), &cfg, &["--symbol", "NVDA"]).await;
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        titles(&records(&o)),
        ["AMD and NVIDIA trade places in the AI race", "Nvidia readies an H20 successor for China"]
    );

    let o = news(home.path(), &cfg, &["--symbol", "688256.SS", "--limit", "1"]).await;
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(titles(&records(&o)), ["Cambricon and Hua Hong join the Shanghai AI chip index"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn yahoo_symbol_headlines_are_asked_20_symbols_at_a_time_like_a_browser() {
    let server = MockServer::start().await;
    serve(&server, "/rss", xml("yahoo-headline-0981-hk.xml")).await;
    let home = tempfile::tempdir().unwrap();
    // No [[groups]]: the built-in watchlist, more than 20 symbols.
    let cfg = home.path().join("chiptape.toml");
    std::fs::write(
        &cfg,
        format!("{}[filings]\nsec = false\nfederal_register = false\nhkex = false\ncninfo = false\n\n[news]\nyahoo_symbols = true\nyahoo_rss_url = \"{}/rss\"\nfeeds = []\n", provider(&server), server.uri()),
    )
    .unwrap();
    let o = news(home.path(), &cfg, &[]).await;
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));

    let recs = records(&o);
    assert_eq!(recs.len(), 3, "every batch answered the same three stories: kept once");
    assert!(recs.iter().all(|r| r["source"] == "Yahoo Finance" && r["feed"] == "Yahoo Finance"), "{recs:?}");

    let all: Vec<String> = chiptape::config::builtin().all_symbols().iter().map(|s| s.to_string()).collect();
    assert!(all.len() > 20, "the built-in watchlist needs more than one batch");
    let mut batches: Vec<Vec<String>> = Vec::new();
    // The charts asked for the move since are not headline batches.
    let asked = server.received_requests().await.unwrap();
    for r in asked.iter().filter(|r| r.url.path() == "/rss") {
        let q: Vec<(String, String)> =
            r.url.query_pairs().map(|(k, v)| (k.into_owned(), v.into_owned())).collect();
        let get = |k: &str| q.iter().find(|(key, _)| key == k).map(|(_, v)| v.as_str());
        assert_eq!(get("region"), Some("US"), "{}", r.url);
        assert_eq!(get("lang"), Some("en-US"), "{}", r.url);
        let ua = r.headers.get("user-agent").and_then(|v| v.to_str().ok()).unwrap_or_default();
        assert!(ua.contains("Mozilla"), "Yahoo answers 429 to non-browser agents: {ua:?}");
        let list: Vec<String> = get("s").unwrap().split(',').map(str::to_string).collect();
        assert!(list.len() <= 20, "{} symbols in one request", list.len());
        batches.push(list);
    }
    // The batches run concurrently: put them back in watchlist order before comparing.
    batches.sort_by_key(|b| all.iter().position(|s| *s == b[0]));
    assert_eq!(batches.len(), all.len().div_ceil(20));
    assert_eq!(batches.concat(), all);
}

/// One RSS item.
fn item(title: &str, slug: &str, date: &str) -> String {
    format!(
        "<item><title>{title}</title><link>https://wire.example/{slug}</link><pubDate>{date}</pubDate></item>"
    )
}

/// `move_since_pct` against a hand computation: NVDA's five-day series has bars at 14:30 (100),
/// 15:00 (110) and 15:30 (120) on the 24th. A headline at 14:45 moved +20 % since (100 → 120);
/// one at 15:00 exactly +9.0909 % (110 → 120); one before the first bar, one about a symbol whose
/// chart fails, and one about no symbol are null. One series per symbol, however many headlines.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn move_since_pct_is_the_move_from_the_bar_at_or_before_each_headline() {
    let server = MockServer::start().await;
    let rss = format!(
        "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Wire</title>{}{}{}{}{}</channel></rss>",
        item("NVDA slips on export talk", "a", "Tue, 24 Nov 2026 14:45:00 GMT"),
        item("NVDA on the hour", "b", "Tue, 24 Nov 2026 15:00:00 GMT"),
        item("NVDA last week", "c", "Fri, 20 Nov 2026 18:00:00 GMT"),
        item("AMD answers", "d", "Tue, 24 Nov 2026 15:10:00 GMT"),
        item("Chip stocks at large", "e", "Tue, 24 Nov 2026 15:20:00 GMT"),
    );
    serve(&server, "/wire", ResponseTemplate::new(200).set_body_raw(rss, "application/rss+xml")).await;
    let bars = ["2026-11-24T14:30:00Z", "2026-11-24T15:00:00Z", "2026-11-24T15:30:00Z"];
    let ts: Vec<i64> =
        bars.iter().map(|b| b.parse::<chrono::DateTime<chrono::Utc>>().unwrap().timestamp()).collect();
    let c = [100.0, 110.0, 120.0];
    let chart = json!({"chart": {"result": [{
        "meta": {"symbol": "NVDA", "currency": "USD", "chartPreviousClose": 99.0},
        "timestamp": ts,
        "indicators": {"quote": [{"close": c, "open": c, "high": c, "low": c, "volume": c}]}
    }], "error": null}});
    Mock::given(method("GET"))
        .and(path("/v8/finance/chart/NVDA"))
        .and(wiremock::matchers::query_param("range", "5d"))
        .respond_with(ResponseTemplate::new(200).set_body_json(chart))
        .expect(1)
        .mount(&server)
        .await;
    serve(&server, "/v8/finance/chart/AMD", ResponseTemplate::new(500)).await;
    let home = tempfile::tempdir().unwrap();
    let cfg = home.path().join("chiptape.toml");
    let text = format!(
        "{}[filings]\nsec = false\nfederal_register = false\nhkex = false\ncninfo = false\n\n[news]\nyahoo_symbols = false\n\n\
         [[news.feeds]]\nname = \"Wire\"\nurl = \"{}/wire\"\n\n[[groups]]\nname = \"US\"\nsymbols = [\"NVDA\", \"AMD\"]\n",
        provider(&server),
        server.uri()
    );
    std::fs::write(&cfg, text).unwrap();
    let mut cmd = common::chiptape_cmd(home.path());
    cmd.arg("--config").arg(&cfg).args(["news", "--format", "json", "--fake-now=2026-11-24T16:00:00Z"]);
    let o = tokio::task::spawn_blocking(move || cmd.output().unwrap()).await.unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let recs = records(&o);
    let moves: Vec<(&str, Option<f64>)> =
        recs.iter().map(|r| (r["title"].as_str().unwrap(), r["move_since_pct"].as_f64())).collect();
    let by = |t: &str| moves.iter().find(|(x, _)| *x == t).unwrap_or_else(|| panic!("{t}: {moves:?}")).1;
    assert!((by("NVDA slips on export talk").unwrap() - 20.0).abs() < 1e-9, "{moves:?}");
    assert!((by("NVDA on the hour").unwrap() - 100.0 / 11.0).abs() < 1e-9, "{moves:?}");
    assert_eq!(by("NVDA last week"), None, "before the series' first bar");
    assert_eq!(by("AMD answers"), None, "its chart failed");
    assert_eq!(by("Chip stocks at large"), None, "about no symbol");
    let nulls = recs.iter().filter(|r| r["move_since_pct"].is_null()).count();
    assert_eq!(nulls, 3, "null, not missing: {recs:?}");
}
