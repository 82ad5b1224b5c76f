//! Symbol search: Yahoo's search and Tencent's suggest against a local stand-in on 127.0.0.1, and
//! `chiptape search` (the real binary) pointed at it through `--config`. No internet.

use crate::common;

use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::Duration;

use chiptape::market::search::Kind;
use chiptape::providers::http::HttpOptions;
use chiptape::providers::tencent::suggest::TencentSuggest;
use chiptape::providers::yahoo::search::YahooSearch;
use chiptape::providers::{ProviderError, SymbolSearch};
use serde_json::{Value, json};
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const CAMBRICON_EN: &str = "Cambricon Technologies Corporation Limited";

fn yahoo_answer(quotes: Value) -> ResponseTemplate {
    ResponseTemplate::new(200)
        .set_body_json(json!({"explains": [], "count": 1, "quotes": quotes, "news": []}))
}

fn cambricon_yahoo() -> Value {
    json!([{"exchange": "SHH", "shortname": "CAMBRICON TECHNOLOGIES CORP LT", "quoteType": "EQUITY",
            "symbol": "688256.SS", "index": "quotes", "score": 20012, "typeDisp": "Equity",
            "longname": CAMBRICON_EN, "exchDisp": "Shanghai", "isYahooFinance": true},
           {"index": "0f3c", "name": "Cambricon", "permalink": "cambricon", "isYahooFinance": false}])
}

/// Tencent's answer as the real service writes it: names escaped, text/html in GBK.
fn tencent_answer(hint: &str) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_raw(format!("v_hint=\"{hint}\";\n"), "text/html; charset=GBK")
}

const CAMBRICON_ZH: &str = r"sh~688256~\u5bd2\u6b66\u7eaa~hwj~GP-A-KCB";

/// Yahoo's search for `q` answered with `r` (exactly the query parameters the client sends).
async fn yahoo_for(server: &MockServer, q: &str, r: ResponseTemplate) {
    Mock::given(method("GET"))
        .and(path("/v1/finance/search"))
        .and(query_param("q", q))
        .and(query_param("quotesCount", "10"))
        .and(query_param("newsCount", "0"))
        .respond_with(r)
        .mount(server)
        .await;
}

async fn tencent_for(server: &MockServer, q: &str, r: ResponseTemplate) {
    Mock::given(method("GET"))
        .and(path("/s3/"))
        .and(query_param("v", "2"))
        .and(query_param("q", q))
        .and(query_param("t", "all"))
        .respond_with(r)
        .mount(server)
        .await;
}

/// What the stand-in answers to anything else: nothing found, in each source's words.
async fn nothing_else(server: &MockServer) {
    Mock::given(method("GET"))
        .and(path("/v1/finance/search"))
        .respond_with(yahoo_answer(json!([])))
        .with_priority(10)
        .mount(server)
        .await;
    Mock::given(method("GET"))
        .and(path("/s3/"))
        .respond_with(tencent_answer("N"))
        .with_priority(10)
        .mount(server)
        .await;
}

fn yahoo(server: &MockServer, opts: &HttpOptions) -> YahooSearch {
    YahooSearch::new(&server.uri(), opts).unwrap()
}

fn tencent(server: &MockServer, opts: &HttpOptions) -> TencentSuggest {
    TencentSuggest::new(&format!("{}/s3/", server.uri()), opts).unwrap()
}

#[tokio::test]
async fn yahoo_finds_a_listing_by_its_english_name() {
    let server = MockServer::start().await;
    yahoo_for(&server, "cambricon", yahoo_answer(cambricon_yahoo())).await;
    let s = yahoo(&server, &HttpOptions::default());
    assert_eq!((s.name(), s.label()), ("yahoo", "Yahoo"));
    let c = s.search("cambricon").await.unwrap();
    assert_eq!(c.len(), 1, "the entry that is no listing is skipped: {c:?}");
    assert_eq!(c[0].symbol.as_str(), "688256.SS");
    assert_eq!(c[0].name.as_deref(), Some(CAMBRICON_EN));
    assert_eq!(c[0].exchange.as_deref(), Some("Shanghai"));
    assert_eq!((c[0].kind, c[0].source), (Kind::Equity, "yahoo"));
}

#[tokio::test]
async fn tencent_finds_a_listing_by_its_chinese_name_sent_as_utf8() {
    let server = MockServer::start().await;
    tencent_for(&server, "寒武纪", tencent_answer(CAMBRICON_ZH)).await;
    let s = tencent(&server, &HttpOptions::default());
    assert_eq!((s.name(), s.label()), ("tencent", "Tencent"));
    let c = s.search("寒武纪").await.unwrap();
    assert_eq!(c.len(), 1);
    assert_eq!(c[0].symbol.as_str(), "688256.SS");
    assert_eq!((c[0].name.as_deref(), c[0].name_zh.as_deref()), (None, Some("寒武纪")));
    assert_eq!(c[0].exchange.as_deref(), Some("Shanghai"));
    assert_eq!((c[0].kind, c[0].source), (Kind::Equity, "tencent"));
    // The query went out as UTF-8, percent-encoded, not as GBK.
    let asked = &server.received_requests().await.unwrap()[0];
    assert_eq!(asked.url.query(), Some("v=2&q=%E5%AF%92%E6%AD%A6%E7%BA%AA&t=all"));
}

#[tokio::test]
async fn nothing_found_is_an_empty_list_from_both() {
    let server = MockServer::start().await;
    nothing_else(&server).await;
    let opts = HttpOptions::default();
    assert_eq!(yahoo(&server, &opts).search("zzqqxx").await.unwrap(), Vec::new());
    assert_eq!(tencent(&server, &opts).search("zzqqxx").await.unwrap(), Vec::new());
}

#[tokio::test]
async fn error_statuses_and_pages_that_are_no_answer_fail_the_source_alone() {
    let opts = HttpOptions::default();
    for (status, want) in [
        (500, ProviderError::Status(500)),
        (404, ProviderError::Status(404)),
        (429, ProviderError::RateLimited { retry_after: Some(Duration::from_secs(30)) }),
    ] {
        let server = MockServer::start().await;
        let r = ResponseTemplate::new(status).insert_header("retry-after", "30").set_body_string("busy");
        Mock::given(method("GET")).respond_with(r).mount(&server).await;
        assert_eq!(yahoo(&server, &opts).search("x").await.unwrap_err(), want, "Yahoo, HTTP {status}");
        assert_eq!(tencent(&server, &opts).search("x").await.unwrap_err(), want, "Tencent, HTTP {status}");
    }
    let server = MockServer::start().await;
    let page = "<!DOCTYPE html><html><head><title>Sorry</title></head><body>Try later</body></html>";
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(page, "text/html"))
        .mount(&server)
        .await;
    for e in [
        yahoo(&server, &opts).search("x").await.unwrap_err(),
        tencent(&server, &opts).search("x").await.unwrap_err(),
    ] {
        match e {
            ProviderError::Decode(why) => assert!(why.contains("HTML"), "{why}"),
            e => panic!("not a decode error: {e:?}"),
        }
    }
}

#[tokio::test]
async fn a_source_that_hangs_times_out() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(yahoo_answer(json!([])).set_delay(Duration::from_secs(5)))
        .mount(&server)
        .await;
    let opts = HttpOptions { timeout: Duration::from_millis(300), ..HttpOptions::default() };
    let (y, t) = (yahoo(&server, &opts), tencent(&server, &opts));
    let (ya, ta) = futures::join!(y.search("x"), t.search("x"));
    assert_eq!(ya.unwrap_err(), ProviderError::Network("timed out".into()));
    assert_eq!(ta.unwrap_err(), ProviderError::Network("timed out".into()));
}

#[test]
fn the_sources_follow_the_config_and_the_demo_has_none() {
    let cfg = chiptape::config::parse_str("[provider]\nsearch = [\"tencent\", \"local\", \"yahoo\"]\n", "t")
        .unwrap();
    let names: Vec<&str> = chiptape::providers::search_sources(&cfg).iter().map(|s| s.name()).collect();
    assert_eq!(names, ["tencent", "yahoo"]);
    let cfg = chiptape::config::parse_str("[provider]\nsearch = [\"local\"]\n", "t").unwrap();
    assert!(chiptape::providers::search_sources(&cfg).is_empty());
    let clock = std::sync::Arc::new(chiptape::market::clock::FixedClock(common::t0()));
    let demo = chiptape::providers::build(&chiptape::config::builtin(), true, 1, clock);
    assert!(demo.search.is_empty());
}

/// A config that points both sources at `server`; `search` is `provider.search` when given.
fn config(home: &Path, server: &MockServer, search: Option<&str>) -> PathBuf {
    let p = home.join("c.toml");
    let search = search.map_or(String::new(), |s| format!("search = {s}\n"));
    std::fs::write(
        &p,
        format!(
            "[provider]\nquery_url = \"{uri}\"\ncookie_url = \"{uri}/cookie\"\nsuggest_url = \"{uri}/s3/\"\nstream = false\n{search}",
            uri = server.uri()
        ),
    )
    .unwrap();
    p
}

/// `chiptape --config CONFIG search ARGS…` with a private home, off the async runtime.
async fn run(home: &Path, config: &Path, args: &[&str]) -> Output {
    let mut cmd = common::chiptape_cmd(home);
    cmd.arg("--config").arg(config).arg("search").args(args);
    tokio::task::spawn_blocking(move || cmd.output().unwrap()).await.unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn json_of(o: &Output) -> Vec<Value> {
    serde_json::from_slice::<Value>(&o.stdout).unwrap().as_array().unwrap().clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_cli_merges_both_sources_into_one_listing_with_both_names() {
    let server = MockServer::start().await;
    yahoo_for(&server, "cambricon", yahoo_answer(cambricon_yahoo())).await;
    tencent_for(
        &server,
        "cambricon",
        tencent_answer(&format!("{CAMBRICON_ZH}^sz~002428~\\u4e91\\u5357\\u9517\\u4e1a~ynzy~GP-A")),
    )
    .await;
    let home = tempfile::tempdir().unwrap();
    let cfg = config(home.path(), &server, Some(r#"["yahoo", "tencent"]"#));
    let o = run(home.path(), &cfg, &["cambricon", "--format", "json"]).await;
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let list = json_of(&o);
    let hits: Vec<&Value> = list.iter().filter(|c| c["symbol"] == "688256.SS").collect();
    assert_eq!(hits.len(), 1, "{list:?}");
    assert_eq!(
        hits[0],
        &json!({"symbol": "688256.SS", "name": CAMBRICON_EN, "name_zh": "寒武纪", "exchange": "Shanghai",
                "type": "equity", "source": "yahoo"})
    );
    assert_eq!(list[0]["symbol"], "688256.SS", "Yahoo's first");
    assert_eq!(
        list[1],
        json!({"symbol": "002428.SZ", "name": null, "name_zh": "云南锗业",
                               "exchange": "Shenzhen", "type": "equity", "source": "tencent"})
    );
    assert_eq!(list.len(), 2);

    // With the local catalogue first (the default order) the listing is still there once, named
    // as the catalogue names it, with the Chinese name from the catalogue too.
    let cfg = config(home.path(), &server, None);
    let o = run(home.path(), &cfg, &["cambricon", "--format", "json"]).await;
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let list = json_of(&o);
    let hits: Vec<&Value> = list.iter().filter(|c| c["symbol"] == "688256.SS").collect();
    assert_eq!(hits.len(), 1, "{list:?}");
    assert_eq!((&hits[0]["source"], &hits[0]["name_zh"]), (&json!("local"), &json!("寒武纪")));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn chinese_and_pinyin_queries_find_the_catalogues_listing() {
    let server = MockServer::start().await;
    nothing_else(&server).await;
    let home = tempfile::tempdir().unwrap();
    let cfg = config(home.path(), &server, None);
    for q in ["寒武纪", "hwj"] {
        let o = run(home.path(), &cfg, &[q]).await;
        assert_eq!(o.status.code(), Some(0), "{q}: {}", stderr(&o));
        let out = stdout(&o);
        let lines: Vec<&str> = out.lines().collect();
        let header: Vec<&str> = lines[0].split_whitespace().collect();
        assert_eq!(header, ["SYMBOL", "NAME", "NAME_ZH", "EXCHANGE", "TYPE", "SOURCE"], "{out}");
        assert!(lines[1].starts_with("688256.SS  ") && lines[1].contains("寒武纪"), "{q}: {out}");
        assert!(lines[1].trim_end().ends_with("local"), "{q}: {out}");
    }
    // Both sources were asked, each once per query.
    assert_eq!(server.received_requests().await.unwrap().len(), 4);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn several_words_are_one_query() {
    let server = MockServer::start().await;
    nothing_else(&server).await;
    let hua_hong = json!([{"symbol": "1347.HK", "quoteType": "EQUITY", "exchDisp": "Hong Kong",
                           "longname": "Hua Hong Semiconductor Limited"}]);
    Mock::given(method("GET"))
        .and(path("/v1/finance/search"))
        .and(query_param("q", "hua hong"))
        .respond_with(yahoo_answer(hua_hong))
        .expect(1)
        .mount(&server)
        .await;
    let home = tempfile::tempdir().unwrap();
    let cfg = config(home.path(), &server, Some(r#"["yahoo", "tencent"]"#));
    let o = run(home.path(), &cfg, &["hua", "hong", "--format", "json"]).await;
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(json_of(&o)[0]["symbol"], "1347.HK");
    let asked = server.received_requests().await.unwrap();
    assert!(asked.iter().any(|r| r.url.path() == "/s3/" && r.url.query().unwrap().contains("q=hua%20hong")));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nothing_found_exits_1_and_says_so() {
    let server = MockServer::start().await;
    nothing_else(&server).await;
    let home = tempfile::tempdir().unwrap();
    let cfg = config(home.path(), &server, None);
    let o = run(home.path(), &cfg, &["zzqqxx"]).await;
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert_eq!(stdout(&o), "");
    assert!(stderr(&o).contains("chiptape: nothing found for \"zzqqxx\""), "{}", stderr(&o));
    let o = run(home.path(), &cfg, &["zzqqxx", "--format", "json"]).await;
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(json_of(&o), Vec::<Value>::new());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_source_is_named_and_the_other_still_answers() {
    let server = MockServer::start().await;
    yahoo_for(&server, "cambricon", yahoo_answer(cambricon_yahoo())).await;
    Mock::given(method("GET"))
        .and(path("/s3/"))
        .respond_with(ResponseTemplate::new(500))
        .mount(&server)
        .await;
    let home = tempfile::tempdir().unwrap();
    let cfg = config(home.path(), &server, Some(r#"["yahoo", "tencent"]"#));
    let o = run(home.path(), &cfg, &["cambricon"]).await;
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stderr(&o).contains("chiptape: tencent: server answered HTTP 500"), "{}", stderr(&o));
    assert!(stdout(&o).contains("688256.SS") && stdout(&o).contains(CAMBRICON_EN), "{}", stdout(&o));

    // Both failing, and nothing local: nothing found.
    let server = MockServer::start().await;
    let page = "<html><body>Gateway</body></html>";
    Mock::given(method("GET"))
        .and(path("/s3/"))
        .respond_with(ResponseTemplate::new(502))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/finance/search"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(page, "text/html"))
        .mount(&server)
        .await;
    let cfg = config(home.path(), &server, Some(r#"["yahoo", "tencent"]"#));
    let o = run(home.path(), &cfg, &["cambricon"]).await;
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(err.contains("chiptape: yahoo: unreadable answer:") && err.contains("HTML"), "{err}");
    assert!(err.contains("chiptape: tencent: server answered HTTP 502"), "{err}");
    assert!(err.contains("nothing found"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_blank_query_is_a_usage_error() {
    let server = MockServer::start().await;
    let home = tempfile::tempdir().unwrap();
    let cfg = config(home.path(), &server, None);
    let o = run(home.path(), &cfg, &["  ", "\t"]).await;
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).starts_with("chiptape: "), "{}", stderr(&o));
    let o = run(home.path(), &cfg, &[]).await;
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(server.received_requests().await.unwrap().is_empty(), "nothing was asked");
}
