//! `[proxy]` end to end: the real binary, each source's requests counted at in-test proxies on
//! 127.0.0.1, the environment set only in the child. A configured proxy carries its source's
//! requests, "direct" ignores the environment's, a source without an entry follows it; doctor
//! names the way each check went.

use crate::common;
use crate::faults_tencent::answer;

use std::path::Path;
use std::process::Output;

use serde_json::{Value, json};
use wiremock::{Mock, MockServer, ResponseTemplate};

use common::proxy::{Kind, Proxy, refusing_url};

const NO_FILINGS: &str = "[filings]\nsec = false\nfederal_register = false\nhkex = false\ncninfo = false\n";

/// Yahoo's session, NVDA's quote and chart, its headlines, and a feed: doctor's good Yahoo.
use super::doctor::good_yahoo as yahoo;

/// Tencent's quote of Cambricon (GBK), for any `/q=`.
async fn tencent() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::path_regex("^/q="))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_raw(answer("sh688256", 1279.81, None), "text/plain; charset=GBK"),
        )
        .mount(&server)
        .await;
    server
}

/// The binary with `config` in a private home, and `env` set in the child alone.
async fn run(home: &Path, config: &str, args: &[&str], env: &[(&str, String)]) -> Output {
    let file = home.join("c.toml");
    std::fs::write(&file, config).unwrap();
    let mut cmd = common::chiptape_cmd(home);
    cmd.args(["--config", file.to_str().unwrap()]).args(args);
    for (k, v) in env {
        cmd.env(k, v);
    }
    tokio::process::Command::from(cmd).output().await.unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// Every source at the stand-ins; `proxy` is the `[proxy]` table's body.
fn config(y: &MockServer, t: &MockServer, stream: &str, proxy: &str) -> String {
    format!(
        "[provider]\nquery_url = \"{y}\"\ncookie_url = \"{y}/cookie\"\nstream = {on}\nstream_url = \"{stream}\"\n\
         tencent_url = \"{t}\"\ntencent_series_url = \"{t}\"\nquotes = [\"yahoo\"]\ncharts = [\"yahoo\"]\nmainland = \"tencent\"\n\n\
         [proxy]\n{proxy}\n\n{NO_FILINGS}\n[news]\nyahoo_symbols = true\nyahoo_rss_url = \"{y}/rss\"\n\n\
         [[news.feeds]]\nname = \"Chip wire\"\nurl = \"{y}/feed.xml\"\n\n\
         [[groups]]\nname = \"Mix\"\nsymbols = [\"NVDA\", \"688256.SS\"]\n",
        y = y.uri(),
        t = t.uri(),
        on = !stream.is_empty(),
        stream = if stream.is_empty() { "ws://127.0.0.1:9/" } else { stream },
    )
}

/// Yahoo's session and quote go through Yahoo's proxy; Tencent, "direct", through no proxy at all,
/// not even the one the environment names (which sees nothing: a configured proxy ignores it too).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn yahoo_goes_through_its_proxy_and_a_direct_tencent_through_none() {
    let (y, t) = (yahoo().await, tencent().await);
    let (to_yahoo, from_env) = (Proxy::start(Kind::Http).await, Proxy::start(Kind::Http).await);
    let home = tempfile::tempdir().unwrap();
    let proxy = format!("yahoo = \"{}\"\ntencent = \"direct\"", to_yahoo.url());
    let env = [("HTTP_PROXY", from_env.url()), ("ALL_PROXY", from_env.url())];
    let o = run(home.path(), &config(&y, &t, "", &proxy), &["quotes", "--format", "json"], &env).await;
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let rows: Value = serde_json::from_slice(&o.stdout).unwrap();
    let price = |i: usize| (rows[i]["symbol"].clone(), rows[i]["price"].clone(), rows[i]["source"].clone());
    assert_eq!(price(0), (json!("NVDA"), json!(181.37), json!("yahoo")));
    assert_eq!(price(1), (json!("688256.SS"), json!(1279.81), json!("tencent")));
    let seen = to_yahoo.seen();
    for p in ["/cookie", "/v1/test/getcrumb", "/v7/finance/quote"] {
        let want = format!("GET {}{p}", y.uri());
        assert!(seen.iter().any(|s| s.starts_with(&want)), "{want} not in {seen:?}");
    }
    assert!(seen.iter().all(|s| !s.contains(&t.uri())), "{seen:?}");
    assert_eq!(from_env.seen(), Vec::<String>::new());
    assert_eq!(t.received_requests().await.unwrap().len(), 1, "Tencent asked, directly");
}

/// A source without an entry follows the environment (the feed); Yahoo's headlines go Yahoo's way,
/// here a SOCKS5 proxy that resolves the name itself.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn feeds_follow_the_environment_and_yahoos_headlines_its_socks5h_proxy() {
    let (y, t) = (yahoo().await, tencent().await);
    let (socks, from_env) = (Proxy::start(Kind::Socks5).await, Proxy::start(Kind::Http).await);
    let home = tempfile::tempdir().unwrap();
    let proxy = format!("yahoo = \"{}\"", socks.url());
    let env = [("HTTP_PROXY", from_env.url())];
    let o = run(home.path(), &config(&y, &t, "", &proxy), &["news", "--format", "json"], &env).await;
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let items: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(items[0]["title"], "Nvidia ships", "{items}");
    assert_eq!(from_env.seen(), [format!("GET {}/feed.xml", y.uri())]);
    let port = y.address().port();
    let seen = socks.seen();
    assert!(!seen.is_empty() && seen.iter().all(|s| *s == format!("SOCKS5 127.0.0.1:{port}")), "{seen:?}");
    let rss = y.received_requests().await.unwrap().into_iter().filter(|r| r.url.path() == "/rss").count();
    assert_eq!(rss, 1);
}

/// The streamer at an in-process server that answers each subscription with a frame.
async fn stream_server() -> (String, tokio::task::JoinHandle<()>) {
    let mut server = common::ws::server().await;
    let url = server.url.clone();
    let task = tokio::spawn(async move {
        let mut open = Vec::new();
        while let Some(mut conn) = server.conns.recv().await {
            if conn.inbox.recv().await.is_some() {
                conn.text("{\"type\":\"pricing\",\"message\":\"\"}".to_string());
            }
            open.push(conn);
        }
    });
    (url, task)
}

/// Every check names its way: Yahoo's (the streamer's too, tunnelled) through its proxy, Tencent
/// direct, the feed through the environment's; in JSON and in the table.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn doctor_names_the_proxy_each_check_used() {
    let (y, t) = (yahoo().await, tencent().await);
    let (ws, _task) = stream_server().await;
    let (to_yahoo, from_env) = (Proxy::start(Kind::Http).await, Proxy::start(Kind::Http).await);
    let home = tempfile::tempdir().unwrap();
    let cfg = config(&y, &t, &ws, &format!("yahoo = \"{}\"\ntencent = \"direct\"", to_yahoo.url()));
    let env = [("HTTP_PROXY", from_env.url())];
    let o = run(home.path(), &cfg, &["doctor", "--format", "json"], &env).await;
    let out = text(&o.stdout);
    assert_eq!(o.status.code(), Some(0), "{out}\n{}", text(&o.stderr));
    let v: Value = serde_json::from_str(&out).unwrap();
    let ways: Vec<(&str, &str)> = (v["checks"].as_array().unwrap().iter())
        .map(|c| (c["name"].as_str().unwrap(), c["proxy"].as_str().unwrap()))
        .collect();
    let via = format!("via {}", to_yahoo.url());
    let env_way = format!("environment (HTTP_PROXY={})", from_env.url());
    assert_eq!(
        ways,
        [
            ("yahoo cookie", via.as_str()),
            ("yahoo crumb", &via),
            ("yahoo quote", &via),
            ("yahoo chart", &via),
            ("yahoo stream", &via),
            ("tencent quote", "direct"),
            ("feed Chip wire", &env_way),
            ("yahoo headlines", &via),
        ]
    );
    let stream = &v["checks"][4];
    assert_eq!((stream["ok"].clone(), stream["status"].clone()), (json!(true), json!(101)), "{stream}");
    let ws_port = ws.trim_start_matches("ws://127.0.0.1:").split('/').next().unwrap();
    assert!(to_yahoo.seen().contains(&format!("CONNECT 127.0.0.1:{ws_port}")), "{:?}", to_yahoo.seen());
    assert_eq!(from_env.seen(), [format!("GET {}/feed.xml", y.uri())]);

    let o = run(home.path(), &cfg, &["doctor"], &env).await;
    let table = text(&o.stdout);
    assert!(table.lines().next().unwrap().contains(" VIA "), "{table}");
    let line = |name: &str| table.lines().find(|l| l.starts_with(name)).unwrap_or_default().to_string();
    assert!(line("yahoo cookie").contains(&via), "{table}");
    assert!(line("tencent quote").contains(" direct "), "{table}");
    assert!(line("feed Chip wire").contains(&env_way), "{table}");
}

/// An https:// proxy for Yahoo: the streamer cannot tunnel through one, so the app builds no
/// stream (it polls) and doctor says so plainly, with what to do.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_https_proxy_leaves_the_stream_off_and_doctor_says_so() {
    let (y, t) = (yahoo().await, tencent().await);
    let https = refusing_url().replacen("http://", "https://", 1);
    let cfg = config(
        &y,
        &t,
        "ws://127.0.0.1:9/",
        &format!("yahoo = \"{https}\"\ntencent = \"direct\"\nfeeds = \"direct\""),
    );
    let cfg = chiptape::config::parse_str(&cfg, "c.toml").unwrap();
    assert!(chiptape::providers::stream_source(&cfg).is_none(), "polled instead");
    let mut http_proxy = cfg.clone();
    http_proxy.proxy.yahoo =
        chiptape::config::ProxySetting::Url(chiptape::config::ProxyUrl::parse(&refusing_url()).unwrap());
    assert!(chiptape::providers::stream_source(&http_proxy).is_some(), "an http:// proxy is tunnelled");
    let why = chiptape::providers::stream_off(&cfg).expect("the screen is told why");
    assert!(why.contains("price stream off") && why.contains("polled"), "{why}");
    assert_eq!(chiptape::providers::stream_off(&http_proxy), None);

    let opts = chiptape::cli::doctor::Options::with_timeout(std::time::Duration::from_secs(2));
    let rep = chiptape::cli::doctor::run(&cfg, &opts).await;
    let stream = rep.checks.iter().find(|c| c.name == "yahoo stream").unwrap();
    assert!(!stream.ok);
    assert_eq!(stream.proxy, format!("via {https}"));
    let error = stream.error.as_deref().unwrap();
    assert!(error.contains("cannot go through an https:// proxy") && error.contains("polled"), "{error}");
    let advice = stream.advice.as_deref().unwrap();
    assert!(advice.contains("http:// or socks5h://") && advice.contains("[proxy]"), "{advice}");
    // Tencent, direct, still quotes: the report is good.
    assert!(rep.ok, "{rep:#?}");
}

/// A server that answers every path with a 404: enough to see where requests went.
async fn anything() -> MockServer {
    MockServer::start().await
}

/// `search` carries Yahoo's search and Tencent's suggest, whatever `yahoo` and `tencent` say.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn search_goes_through_the_search_proxy() {
    let s = anything().await;
    let (to_search, from_env) = (Proxy::start(Kind::Http).await, Proxy::start(Kind::Http).await);
    let home = tempfile::tempdir().unwrap();
    let cfg = format!(
        "[provider]\nquery_url = \"{u}\"\nsuggest_url = \"{u}/s3\"\nstream = false\nsearch = [\"yahoo\", \"tencent\"]\n\n\
         [proxy]\nsearch = \"{p}\"\nyahoo = \"direct\"\ntencent = \"direct\"\n\n{NO_FILINGS}\n\
         [news]\nyahoo_symbols = false\nfeeds = []\n\n[[groups]]\nname = \"US\"\nsymbols = [\"NVDA\"]\n",
        u = s.uri(),
        p = to_search.url()
    );
    let env = [("HTTP_PROXY", from_env.url())];
    let o = run(home.path(), &cfg, &["search", "zzqx", "--format", "json"], &env).await;
    assert_ne!(o.status.code(), Some(2), "{}", text(&o.stderr));
    let seen = to_search.seen();
    let asked = |p: &str| seen.iter().any(|l| l.starts_with(&format!("GET {}{p}", s.uri())));
    assert!(asked("/v1/finance/search?") && asked("/s3/?v=2&q=zzqx"), "{seen:?}");
    assert_eq!(from_env.seen(), Vec::<String>::new());
}

/// `filings` carries the official sources: the Federal Register's rules and EDGAR (built apart).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_official_sources_go_through_the_filings_proxy() {
    let f = anything().await;
    let (to_filings, from_env) = (Proxy::start(Kind::Http).await, Proxy::start(Kind::Http).await);
    let home = tempfile::tempdir().unwrap();
    let cfg = format!(
        "[provider]\nquery_url = \"{u}\"\nstream = false\nquotes = [\"yahoo\"]\nmainland = \"yahoo\"\n\n\
         [proxy]\nfilings = \"{p}\"\n\n\
         [filings]\nsec = true\nsec_user_agent = \"Test test@example.com\"\nsec_url = \"{u}\"\nsec_files_url = \"{u}\"\n\
         federal_register = true\nfederal_register_url = \"{u}\"\nhkex = false\ncninfo = false\n\n\
         [news]\nyahoo_symbols = false\nfeeds = []\n\n[[groups]]\nname = \"US\"\nsymbols = [\"NVDA\"]\n",
        u = f.uri(),
        p = to_filings.url()
    );
    let env = [("HTTP_PROXY", from_env.url())];
    let o = run(home.path(), &cfg, &["filings", "--format", "json"], &env).await;
    assert_ne!(o.status.code(), Some(2), "{}", text(&o.stderr));
    let seen = to_filings.seen();
    let asked = |p: &str| seen.iter().any(|l| l.starts_with(&format!("GET {}{p}", f.uri())));
    assert!(asked("/api/v1/documents.json?"), "the Federal Register: {seen:?}");
    assert!(asked("/submissions/CIK") || asked("/files/company_tickers_exchange.json"), "EDGAR: {seen:?}");
    assert_eq!(from_env.seen(), Vec::<String>::new());
}

/// No `[proxy]` table: every source follows the environment, the streamer included (tunnelled
/// through the HTTP_PROXY a ws:// URL takes); NO_PROXY takes the host out again, for all of them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_table_everything_follows_the_environment_the_stream_too() {
    let (y, t) = (yahoo().await, tencent().await);
    let (ws, _task) = stream_server().await;
    let from_env = Proxy::start(Kind::Http).await;
    let home = tempfile::tempdir().unwrap();
    let cfg = config(&y, &t, &ws, "");
    let ways = |out: &[u8]| -> Vec<String> {
        let v: Value = serde_json::from_slice(out).unwrap();
        v["checks"].as_array().unwrap().iter().map(|c| c["proxy"].as_str().unwrap().to_string()).collect()
    };
    let env = [("HTTP_PROXY", from_env.url())];
    let o = run(home.path(), &cfg, &["doctor", "--format", "json"], &env).await;
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stdout));
    let want = format!("environment (HTTP_PROXY={})", from_env.url());
    assert!(ways(&o.stdout).iter().all(|w| *w == want), "{}", text(&o.stdout));
    let ws_port = ws.trim_start_matches("ws://127.0.0.1:").split('/').next().unwrap();
    let seen = from_env.seen();
    assert!(seen.contains(&format!("CONNECT 127.0.0.1:{ws_port}")), "{seen:?}");
    assert!(seen.iter().any(|s| s.contains("/q=")), "Tencent too: {seen:?}");

    let before = from_env.seen().len();
    let env = [("HTTP_PROXY", from_env.url()), ("NO_PROXY", "127.0.0.1".to_string())];
    let o = run(home.path(), &cfg, &["doctor", "--format", "json"], &env).await;
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stdout));
    assert!(ways(&o.stdout).iter().all(|w| w == "direct (NO_PROXY)"), "{}", text(&o.stdout));
    assert_eq!(from_env.seen().len(), before, "{:?}", from_env.seen());
}
