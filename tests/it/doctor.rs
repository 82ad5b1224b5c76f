//! `chiptape doctor` against local stand-ins of every source (Yahoo, its streamer, Tencent, feeds):
//! good answers, refusals, hosts that hang, garbage. The real binary where the exit code and the
//! printed text matter; `doctor::run` with a short timeout where time does. No internet.

use crate::common;

use std::path::Path;
use std::process::Output;
use std::time::Duration;

use chiptape::cli::doctor::{self, Options, Report};
use chiptape::config::{Mainland, SourceName};
use serde_json::{Value, json};
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const CRUMB: &str = "abcDEF12345";
const TENCENT_QUOTE: &str = "/q=usNVDA,sh688256";
const TENCENT_SERIES: &str = "/appstock/app/fqkline/get";
const RSS: &str = r#"<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title>
<item><title>Nvidia ships</title><link>https://w.example/1</link></item>
<item><title>SMIC grows</title><link>https://w.example/2</link></item>
<item><title>Cambricon rises</title><link>https://w.example/3</link></item>
</channel></rss>"#;

/// Where each source lives this time.
struct Urls {
    yahoo: String,
    stream: String,
    tencent: String,
    feeds: String,
}

impl Urls {
    /// Every HTTP source on `server`; the streamer on a port nothing listens on.
    fn on(server: &MockServer) -> Urls {
        let uri = server.uri();
        Urls { yahoo: uri.clone(), stream: "ws://127.0.0.1:9/".into(), tencent: uri.clone(), feeds: uri }
    }
}

/// Every source, on the stand-ins at `u`; `provider` lines added to (or overriding) the defaults.
fn config_text(u: &Urls, provider: &str) -> String {
    format!(
        "[provider]\nquery_url = \"{y}\"\ncookie_url = \"{y}/cookie\"\nstream = true\nstream_url = \"{s}\"\n\
         tencent_url = \"{t}\"\ntencent_series_url = \"{t}\"\n{provider}\n\n\
         [filings]\nsec = false\nfederal_register = false\nhkex = false\ncninfo = false\n\n[news]\nyahoo_symbols = true\nyahoo_rss_url = \"{f}/rss\"\n\n\
         [[news.feeds]]\nname = \"Chip wire\"\nurl = \"{f}/feed.xml\"\n",
        y = u.yahoo,
        s = u.stream,
        t = u.tencent,
        f = u.feeds,
    )
}

fn config(u: &Urls, provider: &str) -> chiptape::config::Config {
    chiptape::config::parse_str(&config_text(u, provider), "doctor.toml").unwrap()
}

fn gbk(text: &str) -> Vec<u8> {
    encoding_rs::GBK.encode(text).0.into_owned()
}

/// A Tencent line: name in field 1, last price in 3, currency in 35.
fn tencent_line(code: &str, name: &str, price: &str, currency: &str) -> String {
    let mut f = vec![String::new(); 60];
    (f[1], f[3], f[35]) = (name.to_string(), price.to_string(), currency.to_string());
    format!("v_{code}=\"{}\";\n", f.join("~"))
}

fn gbk_answer(body: Vec<u8>) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_raw(body, "text/plain; charset=GBK")
}

/// Yahoo answering properly: the session, NVDA's quote and chart, headlines; and a feed.
pub(crate) async fn good_yahoo() -> MockServer {
    let server = MockServer::start().await;
    common::mount_yahoo_session(&server, CRUMB).await;
    let quote = json!({"quoteResponse": {"result": [{"symbol": "NVDA", "currency": "USD",
        "regularMarketPrice": 181.37, "marketState": "REGULAR"}], "error": null}});
    Mock::given(path("/v7/finance/quote"))
        .and(query_param("crumb", CRUMB))
        .and(query_param("symbols", "NVDA"))
        .respond_with(ResponseTemplate::new(200).set_body_json(quote))
        .mount(&server)
        .await;
    let chart = json!({"chart": {"result": [{"meta": {"symbol": "NVDA", "currency": "USD",
        "regularMarketPrice": 181.37}, "timestamp": [1, 2, 3, 4]}], "error": null}});
    Mock::given(path("/v8/finance/chart/NVDA"))
        .respond_with(ResponseTemplate::new(200).set_body_json(chart))
        .mount(&server)
        .await;
    for p in ["/rss", "/feed.xml"] {
        Mock::given(path(p))
            .respond_with(ResponseTemplate::new(200).set_body_string(RSS))
            .mount(&server)
            .await;
    }
    server
}

/// Tencent answering properly: a US and a Shanghai quote (GBK), and two day bars.
async fn good_tencent() -> MockServer {
    let server = MockServer::start().await;
    let body = format!(
        "{}{}",
        tencent_line("usNVDA", "英伟达", "181.37", "USD"),
        tencent_line("sh688256", "寒武纪", "1279.81", "")
    );
    Mock::given(path(TENCENT_QUOTE)).respond_with(gbk_answer(gbk(&body))).mount(&server).await;
    let series = json!({"code": 0, "msg": "", "data": {"sh688256": {"qfqday": [
        ["2026-11-23", "1270.00", "1272.59", "1280.00", "1260.00", "100"],
        ["2026-11-24", "1275.00", "1279.81", "1290.00", "1265.50", "200"]]}}});
    Mock::given(path(TENCENT_SERIES))
        .and(query_param("param", "sh688256,day,,,2,qfq"))
        .respond_with(ResponseTemplate::new(200).set_body_json(series))
        .mount(&server)
        .await;
    server
}

/// A streamer that answers each subscription with one frame; the subscriptions it got come out of
/// the returned channel.
async fn good_stream() -> (String, tokio::sync::mpsc::UnboundedReceiver<String>) {
    let mut server = common::ws::server().await;
    let url = server.url.clone();
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    tokio::spawn(async move {
        let mut open = Vec::new();
        while let Some(mut conn) = server.conns.recv().await {
            if let Some(sub) = conn.inbox.recv().await {
                let _ = tx.send(sub);
                conn.text("{\"type\":\"pricing\",\"message\":\"\"}".to_string());
            }
            open.push(conn);
        }
    });
    (url, rx)
}

fn run_binary(home: &Path, config: &str, args: &[&str]) -> tokio::process::Command {
    let file = home.join("doctor.toml");
    std::fs::write(&file, config).unwrap();
    let mut cmd = common::chiptape_cmd(home);
    cmd.args(["--config", file.to_str().unwrap(), "doctor"]).args(args);
    tokio::process::Command::from(cmd)
}

async fn output(home: &Path, config: &str, args: &[&str]) -> Output {
    run_binary(home, config, args).output().await.unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).unwrap()
}

fn check<'a>(rep: &'a Report, name: &str) -> &'a doctor::Check {
    rep.checks.iter().find(|c| c.name == name).unwrap_or_else(|| panic!("no check {name}: {rep:#?}"))
}

/// Every stand-in answering properly.
async fn all_good() -> (MockServer, MockServer, Urls, tokio::sync::mpsc::UnboundedReceiver<String>) {
    let (yahoo, tencent) = (good_yahoo().await, good_tencent().await);
    let (stream, subs) = good_stream().await;
    let urls = Urls { yahoo: yahoo.uri(), stream, tencent: tencent.uri(), feeds: yahoo.uri() };
    (yahoo, tencent, urls, subs)
}

/// Requests `server` got for `p`.
async fn asked(server: &MockServer, p: &str) -> Vec<Request> {
    server.received_requests().await.unwrap().into_iter().filter(|r| r.url.path() == p).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_source_answering_is_exit_0_with_a_sample_for_each_check() {
    let (yahoo, tencent, urls, mut subs) = all_good().await;
    let home = tempfile::tempdir().unwrap();
    let o = output(home.path(), &config_text(&urls, ""), &[]).await;
    let out = text(&o.stdout);
    assert_eq!(o.status.code(), Some(0), "{out}\n{}", text(&o.stderr));
    for want in [
        "yahoo cookie",
        "cookie A3",
        "a crumb of 11 characters",
        "NVDA 181.37 USD",
        "NVDA 181.37 USD, 4 bars",
        "subscribed; a frame came after",
        "NVDA (英伟达) 181.37 USD, 688256.SS (寒武纪) 1279.81 CNY",
        "688256.SS 2 bars, last close 1279.81 on 2026-11-24",
        "feed Chip wire",
        "3 items",
        "quotes: available (yahoo quote, tencent quote)",
    ] {
        assert!(out.contains(want), "{want:?} missing from\n{out}");
    }
    assert!(!out.contains("FAIL") && !out.contains('→'), "{out}");
    assert_eq!(subs.recv().await.unwrap(), r#"{"subscribe":["NVDA"]}"#);
    // One request per check: the crumb reused the cookie, the quote both.
    for p in
        ["/cookie", "/v1/test/getcrumb", "/v7/finance/quote", "/v8/finance/chart/NVDA", "/rss", "/feed.xml"]
    {
        assert_eq!(asked(&yahoo, p).await.len(), 1, "{p}");
    }
    let crumb = asked(&yahoo, "/v1/test/getcrumb").await;
    assert_eq!(crumb[0].headers.get("cookie").unwrap(), "A3=d=test");
    let quote = asked(&yahoo, "/v7/finance/quote").await;
    assert_eq!(quote[0].headers.get("cookie").unwrap(), "A3=d=test");
    assert_eq!(asked(&tencent, TENCENT_QUOTE).await.len(), 1);
    assert_eq!(asked(&tencent, TENCENT_SERIES).await.len(), 1);
    let rss = asked(&yahoo, "/rss").await;
    assert!(rss[0].url.query().unwrap().contains("s=NVDA"), "{}", rss[0].url);
}

const FIELDS: [&str; 10] =
    ["name", "source", "url", "ok", "status", "latency_ms", "sample", "error", "advice", "proxy"];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn json_is_an_object_with_ok_and_one_entry_per_check() {
    let (_yahoo, _tencent, urls, _subs) = all_good().await;
    let home = tempfile::tempdir().unwrap();
    let o = output(home.path(), &config_text(&urls, ""), &["--format", "json"]).await;
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    let top: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(top, ["checks", "ok"]);
    assert_eq!(v["ok"], true);
    let checks = v["checks"].as_array().unwrap();
    let names: Vec<&str> = checks.iter().map(|c| c["name"].as_str().unwrap()).collect();
    assert_eq!(
        names,
        [
            "yahoo cookie",
            "yahoo crumb",
            "yahoo quote",
            "yahoo chart",
            "yahoo stream",
            "tencent quote",
            "tencent series",
            "feed Chip wire",
            "yahoo headlines"
        ]
    );
    for c in checks {
        let mut keys: Vec<&str> = c.as_object().unwrap().keys().map(String::as_str).collect();
        keys.sort_unstable();
        let mut want = FIELDS.to_vec();
        want.sort_unstable();
        assert_eq!(keys, want, "{c}");
        assert_eq!(c["ok"], true, "{c}");
        assert!(c["status"].is_u64() && c["latency_ms"].is_u64() && c["sample"].is_string(), "{c}");
        assert!(c["error"].is_null() && c["advice"].is_null(), "{c}");
        assert!(["yahoo", "tencent", "feeds"].contains(&c["source"].as_str().unwrap()), "{c}");
    }
    assert_eq!(checks[4]["status"], 101, "the WebSocket handshake");
    // The crumb is a session token: never printed, in the URL or anywhere.
    assert!(!text(&o.stdout).contains(CRUMB));
    assert!(checks[2]["url"].as_str().unwrap().ends_with("/v7/finance/quote?symbols=NVDA&crumb=…"));
    // URLs as the config and the app make them: no entity decoding of `&reg`.
    assert!(
        checks[8]["url"].as_str().unwrap().ends_with("/rss?s=NVDA&region=US&lang=en-US"),
        "{}",
        checks[8]
    );
}

/// The status and advice of the check named `name` in a JSON report.
fn entry<'a>(v: &'a Value, name: &str) -> &'a Value {
    v["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == name)
        .unwrap_or_else(|| panic!("{name}: {v}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refusals_are_failures_with_their_status_and_what_to_do() {
    let yahoo = MockServer::start().await;
    common::mount_yahoo_session(&yahoo, CRUMB).await;
    let answer =
        |p: &'static str, status: u16| Mock::given(path(p)).respond_with(ResponseTemplate::new(status));
    answer("/v7/finance/quote", 403).mount(&yahoo).await;
    answer("/v8/finance/chart/NVDA", 429).mount(&yahoo).await;
    answer("/rss", 500).mount(&yahoo).await;
    // /feed.xml: wiremock's 404.
    let tencent = MockServer::start().await;
    answer(TENCENT_QUOTE, 500).mount(&tencent).await;
    answer(TENCENT_SERIES, 403).mount(&tencent).await;
    // The streamer's URL answers plain HTTP: the handshake is refused with wiremock's 404.
    let stream = format!("ws://{}/?version=2", tencent.address());
    let urls = Urls { yahoo: yahoo.uri(), stream, tencent: tencent.uri(), feeds: yahoo.uri() };
    let home = tempfile::tempdir().unwrap();
    let o = output(home.path(), &config_text(&urls, ""), &["--format", "json"]).await;
    assert_eq!(o.status.code(), Some(1), "no source gives quotes: {}", text(&o.stdout));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["ok"], false);
    let host = |u: &str| u.trim_start_matches("http://").to_string();
    for (name, status, advice) in [
        ("yahoo quote", 403, format!("{} refuses this address", host(&yahoo.uri()))),
        ("yahoo chart", 429, "is rate-limiting this address: wait a few minutes".to_string()),
        ("yahoo stream", 404, "has no such page".to_string()),
        ("tencent quote", 500, "is failing: try again later".to_string()),
        ("tencent series", 403, "or take charts from Yahoo: charts = [\"yahoo\"]".to_string()),
        ("feed Chip wire", 404, "check the feed's url in [[news.feeds]]".to_string()),
        ("yahoo headlines", 500, "news.yahoo_symbols = false stops asking".to_string()),
    ] {
        let c = entry(&v, name);
        assert_eq!((c["ok"].as_bool(), c["status"].as_u64()), (Some(false), Some(status)), "{c}");
        assert!(c["error"].as_str().unwrap().contains(&format!("HTTP {status}")), "{c}");
        assert!(c["advice"].as_str().unwrap().contains(&advice), "{advice:?} not in {c}");
        assert!(c["sample"].is_null(), "{c}");
    }
    // Both quote sources failed: neither is offered in place of the other.
    assert!(!entry(&v, "yahoo quote")["advice"].as_str().unwrap().contains("quotes ="));
    assert_eq!(entry(&v, "yahoo crumb")["ok"], true);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn yahoo_down_and_tencent_up_is_exit_0_with_the_advice_to_use_tencent() {
    let yahoo = MockServer::start().await;
    Mock::given(method("GET")).respond_with(ResponseTemplate::new(500)).mount(&yahoo).await;
    let tencent = good_tencent().await;
    let stream = format!("ws://{}/", yahoo.address());
    let urls = Urls { yahoo: yahoo.uri(), stream, tencent: tencent.uri(), feeds: yahoo.uri() };
    let home = tempfile::tempdir().unwrap();
    let o = output(home.path(), &config_text(&urls, ""), &[]).await;
    let out = text(&o.stdout);
    assert_eq!(o.status.code(), Some(0), "{out}");
    assert!(out.contains("Tencent answers: quotes = [\"tencent\"] in [provider]"), "{out}");
    assert!(out.contains("quotes: available (tencent quote)"), "{out}");
    // The cookie host set no cookie: the crumb and the quote were not asked.
    assert!(out.contains("not asked: no cookie"), "{out}");
    assert!(asked(&yahoo, "/v7/finance/quote").await.is_empty());
}

/// A host that accepts connections and never says a word; the sockets stay open while it lives.
async fn silent_host() -> (String, tokio::task::JoinHandle<()>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let task = tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((sock, _)) = listener.accept().await {
            held.push(sock);
        }
    });
    (addr.to_string(), task)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hosts_that_hang_time_out_and_the_run_still_ends() {
    let (addr, host) = silent_host().await;
    let http = format!("http://{addr}");
    let urls =
        Urls { yahoo: http.clone(), stream: format!("ws://{addr}/"), tencent: http.clone(), feeds: http };
    let cfg = config(&urls, "");
    let timeout = Duration::from_millis(400);
    let started = std::time::Instant::now();
    let rep = doctor::run(&cfg, &Options::with_timeout(timeout)).await;
    // Every check is cut off at its own timeout, together: far from the sum of them all.
    assert!(started.elapsed() < Duration::from_secs(5), "{:?}", started.elapsed());
    assert!(!rep.ok);
    assert_eq!(rep.checks.len(), 9);
    for c in &rep.checks {
        assert!(!c.ok, "{c:?}");
        let (error, advice) = (c.error.as_deref().unwrap(), c.advice.as_deref().unwrap());
        if c.name == "yahoo crumb" || c.name == "yahoo quote" {
            assert!(error.starts_with("not asked"), "{c:?}");
        } else {
            assert!(error.contains("timed out"), "{c:?}");
            assert!(
                advice.contains(&format!("no answer from {addr}")) && advice.contains("HTTPS_PROXY"),
                "{c:?}"
            );
            assert!(c.latency_ms.unwrap() < 3000, "{c:?}");
            assert_eq!(c.status, None);
        }
    }
    host.abort();
    // The binary's own limits: 6 s a check, the whole within 20 s.
    let opts = Options::default();
    assert_eq!(opts.timeout, Duration::from_secs(6));
    assert!(opts.budget < Duration::from_secs(20));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_run_keeps_to_its_budget_when_the_chain_answers_slowly() {
    // Each step of Yahoo's chain answers just inside the timeout: the budget still ends the quote.
    let yahoo = MockServer::start().await;
    let step = |delay_ms: u64| Duration::from_millis(delay_ms);
    Mock::given(path("/cookie"))
        .respond_with(ResponseTemplate::new(404).insert_header("set-cookie", "A3=x").set_delay(step(200)))
        .mount(&yahoo)
        .await;
    Mock::given(path("/v1/test/getcrumb"))
        .respond_with(ResponseTemplate::new(200).set_body_string(CRUMB).set_delay(step(200)))
        .mount(&yahoo)
        .await;
    Mock::given(path("/v7/finance/quote"))
        .respond_with(ResponseTemplate::new(200).set_body_string("{}").set_delay(step(4000)))
        .mount(&yahoo)
        .await;
    let urls = Urls::on(&yahoo);
    let mut cfg = config(&urls, "");
    cfg.provider.quotes = vec![SourceName::Yahoo];
    cfg.provider.charts = Vec::new();
    cfg.provider.stream = false;
    cfg.provider.mainland = Mainland::Yahoo;
    cfg.news.feeds.clear();
    cfg.news.yahoo_symbols = false;
    // Five seconds a check, but two for the whole run.
    let opts = Options { timeout: Duration::from_secs(5), budget: Duration::from_secs(2) };
    let started = std::time::Instant::now();
    let rep = doctor::run(&cfg, &opts).await;
    let names: Vec<&str> = rep.checks.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["yahoo cookie", "yahoo crumb", "yahoo quote"]);
    assert!(check(&rep, "yahoo cookie").ok && check(&rep, "yahoo crumb").ok, "{rep:#?}");
    let quote = check(&rep, "yahoo quote");
    assert!(quote.error.as_deref().unwrap().starts_with("timed out after"), "{quote:?}");
    assert!(started.elapsed() < Duration::from_secs(4), "{:?}", started.elapsed());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn garbage_is_reported_unreadable_and_no_escape_reaches_the_terminal() {
    let yahoo = MockServer::start().await;
    common::mount_yahoo_session(&yahoo, CRUMB).await;
    let raw = |p: &'static str, body: &[u8]| {
        Mock::given(path(p)).respond_with(ResponseTemplate::new(200).set_body_raw(body.to_vec(), "text/html"))
    };
    raw("/v7/finance/quote", b"<html><title>\x1b]0;owned\x07Sign in</title>\x1b[2J</html>")
        .mount(&yahoo)
        .await;
    raw("/v8/finance/chart/NVDA", b"\x1b[31m\x9b2J{\"chart\": \x1b]8;;http://x\x07").mount(&yahoo).await;
    raw("/feed.xml", b"<!doctype html><html>\x1b[5mconsent\x1b[0m</html>").mount(&yahoo).await;
    // Text with no element at all (a cut-off feed with an item in it is read: that item is kept).
    raw("/rss", b"\x1b[31mred\x1b[0m and no feed").mount(&yahoo).await;
    let tencent = MockServer::start().await;
    // A price, and a name and currency full of escape sequences.
    let hostile = tencent_line("usNVDA", "\u{1b}[31mNVIDIA\u{1b}[0m\u{7}", "181.37", "\u{1b}[2JUSD");
    Mock::given(path(TENCENT_QUOTE)).respond_with(gbk_answer(gbk(&hostile))).mount(&tencent).await;
    raw(TENCENT_SERIES, b"\x1bP+q\x1b\\<html>busy</html>").mount(&tencent).await;
    let stream = format!("ws://{}/", tencent.address());
    let urls = Urls { yahoo: yahoo.uri(), stream, tencent: tencent.uri(), feeds: yahoo.uri() };
    let home = tempfile::tempdir().unwrap();
    for args in [&[][..], &["--format", "json"][..]] {
        let o = output(home.path(), &config_text(&urls, ""), args).await;
        let out = text(&o.stdout);
        assert_eq!(o.status.code(), Some(0), "Tencent gave a price: {out}");
        // Neither the characters nor, in JSON, their escaped forms.
        for c in ['\u{1b}', '\u{7}', '\u{9b}'] {
            assert!(!out.contains(c), "{c:?} in {out}");
        }
        for escaped in ["\\u001b", "\\u0007", "\\u009b", "owned"] {
            assert!(!out.contains(escaped), "{escaped} in {out}");
        }
        assert!(out.contains("NVDA (NVIDIA) 181.37 USD"), "{out}");
    }
    let rep = doctor::run(&config(&urls, ""), &Options::with_timeout(Duration::from_secs(10))).await;
    for name in ["yahoo quote", "yahoo chart", "tencent series", "feed Chip wire", "yahoo headlines"] {
        let c = check(&rep, name);
        assert!(!c.ok && c.status == Some(200), "{c:?}");
        assert!(c.error.as_deref().unwrap().starts_with("unreadable answer"), "{c:?}");
        assert!(c.advice.as_deref().unwrap().contains("a captive portal or a proxy's page?"), "{c:?}");
    }
    assert!(check(&rep, "yahoo quote").error.as_deref().unwrap().contains("an HTML page"));
    assert!(
        check(&rep, "feed Chip wire").error.as_deref().unwrap().contains("an HTML page instead of a feed")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_crumb_that_is_not_one_is_unreadable_and_the_quote_is_not_asked() {
    let yahoo = MockServer::start().await;
    Mock::given(path("/cookie"))
        .respond_with(ResponseTemplate::new(404).insert_header("set-cookie", "A3=x; Path=/"))
        .mount(&yahoo)
        .await;
    Mock::given(path("/v1/test/getcrumb"))
        .respond_with(ResponseTemplate::new(200).set_body_string("\u{1b}]0;pwned\u{7}"))
        .mount(&yahoo)
        .await;
    let urls = Urls::on(&yahoo);
    let mut cfg = config(&urls, "");
    (cfg.provider.quotes, cfg.provider.charts) = (vec![SourceName::Yahoo], vec![SourceName::Yahoo]);
    (cfg.provider.stream, cfg.provider.mainland) = (false, Mainland::Yahoo);
    cfg.news.feeds.clear();
    cfg.news.yahoo_symbols = false;
    let rep = doctor::run(&cfg, &Options::with_timeout(Duration::from_secs(10))).await;
    let crumb = check(&rep, "yahoo crumb");
    assert_eq!(crumb.error.as_deref(), Some("unreadable answer: no usable crumb"));
    assert!(crumb.sample.is_none());
    assert_eq!(check(&rep, "yahoo quote").error.as_deref(), Some("not asked: no crumb (see above)"));
    assert!(asked(&yahoo, "/v7/finance/quote").await.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_the_configured_sources_are_checked() {
    let urls = Urls {
        yahoo: "http://127.0.0.1:9".into(),
        stream: "ws://127.0.0.1:9/".into(),
        tencent: "http://127.0.0.1:9".into(),
        feeds: "http://127.0.0.1:9".into(),
    };
    let names = |provider: &str, news: bool| {
        let mut cfg = config(&urls, provider);
        // Without the headline sources, the streamer is left out too.
        cfg.provider.stream = news;
        if !news {
            cfg.news.feeds.clear();
            cfg.news.yahoo_symbols = false;
        }
        async move {
            let rep = doctor::run(&cfg, &Options::with_timeout(Duration::from_secs(10))).await;
            rep.checks.iter().map(|c| c.name.clone()).collect::<Vec<_>>()
        }
    };
    let tencent_only = "quotes = [\"tencent\"]";
    assert_eq!(names(tencent_only, false).await, ["tencent quote", "tencent series"]);
    let yahoo_only = "quotes = [\"yahoo\"]\nmainland = \"yahoo\"";
    assert_eq!(names(yahoo_only, false).await, ["yahoo cookie", "yahoo crumb", "yahoo quote", "yahoo chart"]);
    // Tencent for charts only, and for Shanghai and Shenzhen: its quote is checked too.
    let mixed = "quotes = [\"yahoo\"]\ncharts = [\"tencent\"]\nmainland = \"tencent\"";
    let got = names(mixed, true).await;
    assert_eq!(
        got,
        [
            "yahoo cookie",
            "yahoo crumb",
            "yahoo quote",
            "yahoo stream",
            "tencent quote",
            "tencent series",
            "feed Chip wire",
            "yahoo headlines"
        ]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_needs_no_network_and_a_bad_format_is_a_usage_error() {
    let home = tempfile::tempdir().unwrap();
    let mut cmd = tokio::process::Command::from(common::chiptape_cmd(home.path()));
    let o = cmd.args(["doctor", "--demo"]).output().await.unwrap();
    assert_eq!(o.status.code(), Some(0));
    assert!(text(&o.stdout).contains("needs no network"), "{}", text(&o.stdout));
    let mut cmd = tokio::process::Command::from(common::chiptape_cmd(home.path()));
    let o = cmd.args(["doctor", "--format", "xml"]).output().await.unwrap();
    assert_eq!(o.status.code(), Some(2));
    let o = output(home.path(), "refresh_secs = \"soon\"\n", &[]).await;
    assert_eq!(o.status.code(), Some(2), "a broken config: {}", text(&o.stderr));
    assert!(text(&o.stderr).contains("doctor.toml:1:"), "{}", text(&o.stderr));
}
