//! `chiptape line` (issue 29, item 6): the real binary against local fakes of Yahoo and Tencent,
//! with the cache the TUI writes seeded in a private home. A fresh cache asks nothing; a stale one
//! is fetched once, however many callers at once, and written back. Nothing here touches the
//! internet.

use crate::common;

use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::Duration;

use chiptape::market::{MarketState, Quote, Symbol};
use chiptape::store::cache::{Cache, CachedQuote, Contents, SCHEMA, Stories};
use chrono::{DateTime, Utc};
use serde_json::{Value, json};
use wiremock::matchers::{any, method, path, path_regex};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// Tuesday 10:00 in New York: the US market trades; Shanghai and Hong Kong are shut for the night.
const OPEN: &str = "2026-11-24T15:00:00Z";

fn t(s: &str) -> DateTime<Utc> {
    s.parse().unwrap()
}

fn sym(s: &str) -> Symbol {
    Symbol::parse(s).unwrap()
}

/// A fake with Yahoo's session and quote endpoint (NVDA at 181.20, up 0.67 %) and Tencent's
/// (Cambricon), each answering after `delay`; Yahoo's quote endpoint answers `status`.
async fn fake(status: u16, delay: Duration) -> MockServer {
    let server = MockServer::start().await;
    common::mount_yahoo_session(&server, "lineCrumb1").await;
    let body = json!({"quoteResponse": {"error": null, "result": [
        {"symbol": "NVDA", "shortName": "NVIDIA Corp", "currency": "USD", "regularMarketPrice": 181.2,
         "regularMarketPreviousClose": 180.0, "regularMarketChange": 1.2, "regularMarketChangePercent": 0.6667,
         "marketState": "REGULAR", "regularMarketTime": 1_764_000_000},
    ]}});
    let answer = match status {
        200 => ResponseTemplate::new(200).set_body_json(body),
        s => ResponseTemplate::new(s).set_body_string("down for maintenance"),
    };
    Mock::given(method("GET"))
        .and(path("/v7/finance/quote"))
        .respond_with(answer.set_delay(delay))
        .mount(&server)
        .await;
    let tencent = ResponseTemplate::new(200)
        .set_body_raw(crate::tencent::gbk(&crate::tencent::cambricon()), "text/html; charset=GBK")
        .set_delay(delay);
    Mock::given(method("GET")).and(path_regex("^/q=")).respond_with(tencent).mount(&server).await;
    server
}

/// A config watching `symbols` in one group, Yahoo and Tencent at `uri`, the official sources off.
fn config(home: &Path, uri: &str, symbols: &[&str], extra: &str) -> PathBuf {
    // One file per variant: a test may use two at once.
    let p = home.join(if extra.is_empty() { "c.toml" } else { "c-extra.toml" });
    let list: Vec<String> = symbols.iter().map(|s| format!("{s:?}")).collect();
    std::fs::write(
        &p,
        format!(
            "refresh_secs = 15\n{extra}\n[provider]\nquery_url = \"{uri}\"\ncookie_url = \"{uri}/cookie\"\n\
             tencent_url = \"{uri}\"\nstream = false\nmainland = \"tencent\"\nquotes = [\"yahoo\"]\n\n\
             [filings]\nsec = false\nfederal_register = false\nhkex = false\ncninfo = false\n\n\
             [[groups]]\nname = \"Mine\"\nsymbols = [{}]\n\n[[groups]]\nname = \"Other\"\nsymbols = [\"AMD\"]\n",
            list.join(", ")
        ),
    )
    .unwrap();
    p
}

fn cache(home: &Path) -> Cache {
    Cache::at(home.join("data/chiptape/cache.json"))
}

fn quote(s: &str, price: f64, change: f64, pct: f64) -> Quote {
    Quote {
        symbol: sym(s),
        name: Some(format!("{s} from the cache")),
        currency: Some("USD".into()),
        price: Some(price),
        change: Some(change),
        change_pct: Some(pct),
        market_state: MarketState::Regular,
        time: Some(t("2026-11-24T14:00:00Z")),
        ..Quote::default()
    }
}

/// The TUI's cache holding `quotes` (each with when it was fetched), an alert mark, and a news file
/// beside it, whose bytes are returned.
fn seed(home: &Path, quotes: &[(Quote, &str)]) -> Vec<u8> {
    let c = cache(home);
    let contents = Contents {
        schema: SCHEMA,
        saved_at: Some(t("2026-11-24T14:00:00Z")),
        quotes: quotes.iter().map(|(q, at)| CachedQuote::new(q, t(at))).collect(),
        alerts_fired: vec!["NVDA below 200".into()],
        ..Contents::default()
    };
    c.save_prices(&contents).unwrap();
    let stories =
        Stories { schema: SCHEMA, saved_at: contents.saved_at, headlines: vec![], read: vec!["seen".into()] };
    c.save_news(&stories).unwrap();
    std::fs::read(c.news_path()).unwrap()
}

async fn run(home: &Path, cfg: &Path, now: &str, args: &[&str]) -> Output {
    let mut cmd = common::chiptape_cmd(home);
    // The tooltip's times are on the reader's clock: one the test knows.
    cmd.env("TZ", "UTC").args(["--config", cfg.to_str().unwrap(), "--fake-now", now, "line"]).args(args);
    tokio::task::spawn_blocking(move || cmd.output().unwrap()).await.unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).trim_end().to_string()
}

fn requests(received: &[wiremock::Request], p: &str) -> usize {
    received.iter().filter(|r| r.url.path().starts_with(p)).count()
}

/// Nothing may be asked: any request at all fails `verify`.
async fn silent() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any()).respond_with(ResponseTemplate::new(500)).expect(0).mount(&server).await;
    server
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fresh_cache_answers_without_a_request() {
    let server = silent().await;
    let home = tempfile::tempdir().unwrap();
    let cfg = config(home.path(), &server.uri(), &["NVDA", "AMD"], "");
    seed(
        home.path(),
        &[
            (quote("NVDA", 170.0, 2.0, 1.19), "2026-11-24T14:59:50Z"),
            (quote("AMD", 140.0, -0.6, -0.43), "2026-11-24T14:59:55Z"),
        ],
    );
    let o = run(home.path(), &cfg, OPEN, &[]).await;
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(stdout(&o), "NVDA 170.00 ▲1.2% · AMD 140.00 ▼0.4%");
    assert!(o.stderr.is_empty());
    server.verify().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stale_cache_is_fetched_once_and_written_back_with_the_rest_kept() {
    let server = fake(200, Duration::ZERO).await;
    let home = tempfile::tempdir().unwrap();
    let cfg = config(home.path(), &server.uri(), &["NVDA"], "");
    let news = seed(
        home.path(),
        &[
            (quote("NVDA", 170.0, 2.0, 1.19), "2026-11-24T14:00:00Z"),
            (quote("AMD", 140.0, -0.6, -0.43), "2026-11-24T14:00:00Z"),
        ],
    );
    let o = run(home.path(), &cfg, OPEN, &[]).await;
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(stdout(&o), "NVDA 181.20 ▲0.7%");
    let received = server.received_requests().await.unwrap();
    assert_eq!(requests(&received, "/v7/finance/quote"), 1);

    let back = cache(home.path()).load();
    let nvda = back.quotes.iter().find(|c| c.quote.symbol == sym("NVDA")).unwrap();
    assert_eq!(nvda.quote.price, Some(181.2), "written back");
    // --fake-now starts the clock there; it runs on.
    assert!(
        nvda.fetched >= t(OPEN) && nvda.fetched < t("2026-11-24T15:00:10Z"),
        "fetched now: {}",
        nvda.fetched
    );
    let amd = back.quotes.iter().find(|c| c.quote.symbol == sym("AMD")).unwrap();
    assert_eq!(amd.quote.price, Some(140.0), "a quote not asked for is kept");
    assert_eq!(back.alerts_fired, vec!["NVDA below 200".to_string()], "the rest of the cache is kept");
    assert_eq!(std::fs::read(cache(home.path()).news_path()).unwrap(), news, "the headlines' file untouched");

    // Written back, it is fresh: the next call asks nothing.
    let again = run(home.path(), &cfg, "2026-11-24T15:00:10Z", &[]).await;
    assert_eq!(stdout(&again), "NVDA 181.20 ▲0.7%");
    assert_eq!(requests(&server.received_requests().await.unwrap(), "/v7/finance/quote"), 1);
}

/// Sunday: every market in view is shut. A price fetched after Friday's close is kept all weekend;
/// one fetched mid-session is not the close, so it is fetched once, then kept.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_market_closed_asks_nothing_once_the_cache_holds_the_close() {
    const SUNDAY: &str = "2026-11-29T15:00:00Z";
    let server = silent().await;
    let home = tempfile::tempdir().unwrap();
    let cfg = config(home.path(), &server.uri(), &["NVDA", "688256.SS"], "");
    let cambricon = Quote {
        symbol: sym("688256.SS"),
        currency: Some("CNY".into()),
        ..quote("NVDA", 1279.81, 7.22, 0.57)
    };
    seed(
        home.path(),
        &[
            (quote("NVDA", 170.0, 2.0, 1.19), "2026-11-28T12:00:00Z"),
            (cambricon.clone(), "2026-11-27T09:00:00Z"),
        ],
    );
    let o = run(home.path(), &cfg, SUNDAY, &[]).await;
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(stdout(&o), "NVDA 170.00 ▲1.2% · 688256.SS 1279.81 ▲0.6%");
    server.verify().await;

    let server = fake(200, Duration::ZERO).await;
    let cfg = config(home.path(), &server.uri(), &["NVDA"], "");
    seed(home.path(), &[(quote("NVDA", 170.0, 2.0, 1.19), "2026-11-27T15:00:00Z")]);
    // Three hours on, the close fetched on Sunday still stands.
    for now in [SUNDAY, "2026-11-29T18:00:00Z"] {
        let o = run(home.path(), &cfg, now, &[]).await;
        assert_eq!(stdout(&o), "NVDA 181.20 ▲0.7%", "{}", String::from_utf8_lossy(&o.stderr));
    }
    assert_eq!(requests(&server.received_requests().await.unwrap(), "/v7/finance/quote"), 1);
}

/// A status bar on two outputs, a tmux with several clients: ten calls at once on a stale cache
/// make one request per source. The fake answers late so the calls overlap.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_calls_at_once_share_one_fetch_per_source() {
    let server = fake(200, Duration::from_millis(700)).await;
    let home = tempfile::tempdir().unwrap();
    let cfg = config(home.path(), &server.uri(), &["NVDA", "688256.SS"], "");
    let cambricon = Quote { symbol: sym("688256.SS"), ..quote("NVDA", 1200.0, 1.0, 0.1) };
    seed(
        home.path(),
        &[(quote("NVDA", 170.0, 2.0, 1.19), "2026-11-24T14:00:00Z"), (cambricon, "2026-11-24T03:00:00Z")],
    );
    let children: Vec<std::process::Child> = (0..10)
        .map(|_| {
            let mut cmd = common::chiptape_cmd(home.path());
            cmd.args(["--config", cfg.to_str().unwrap(), "--fake-now", OPEN, "line"]);
            cmd.stdout(std::process::Stdio::piped()).stderr(std::process::Stdio::piped()).spawn().unwrap()
        })
        .collect();
    let outputs = tokio::task::spawn_blocking(move || {
        children.into_iter().map(|c| c.wait_with_output().unwrap()).collect::<Vec<_>>()
    })
    .await
    .unwrap();
    for o in &outputs {
        assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
        assert_eq!(stdout(o), "NVDA 181.20 ▲0.7% · 688256.SS 1279.81 ▲0.6%");
    }
    let received = server.received_requests().await.unwrap();
    assert_eq!(requests(&received, "/v7/finance/quote"), 1, "Yahoo asked once");
    assert_eq!(requests(&received, "/q="), 1, "Tencent asked once");
    assert_eq!(requests(&received, "/v1/test/getcrumb"), 1, "one session made");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tmux_json_and_a_template() {
    let server = silent().await;
    let home = tempfile::tempdir().unwrap();
    let cfg = config(home.path(), &server.uri(), &["NVDA", "AMD"], "");
    // Not in the built-in names: the name is the source's.
    let mut named = quote("QQQQ", 14.0, -0.6, -4.1);
    named.name = Some("Q <&> \u{1b}]0;pwned\u{7}#[fg=blue]".into());
    let at = "2026-11-24T14:59:50Z";
    seed(
        home.path(),
        &[(quote("NVDA", 170.0, 2.0, 1.19), at), (quote("AMD", 140.0, -0.6, -0.43), at), (named, at)],
    );

    let o = run(home.path(), &cfg, OPEN, &["--format", "tmux"]).await;
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(stdout(&o), "#[fg=green]NVDA 170.00 ▲1.2%#[default] · #[fg=red]AMD 140.00 ▼0.4%#[default]");

    let o = run(home.path(), &cfg, OPEN, &["--format", "tmux", "--template", "{symbol}"]).await;
    let cn = config(home.path(), &server.uri(), &["NVDA", "AMD"], "[theme]\nconvention = \"cn\"\n");
    let o_cn = run(home.path(), &cn, OPEN, &["--format", "tmux", "--template", "{symbol}"]).await;
    assert_eq!(stdout(&o), "#[fg=green]NVDA#[default] · #[fg=red]AMD#[default]");
    assert_eq!(stdout(&o_cn), "#[fg=red]NVDA#[default] · #[fg=green]AMD#[default]", "red means up");

    // Names come from the network: no escape sequence, and no tmux style or command, gets through.
    let o = run(home.path(), &cfg, OPEN, &["--format", "tmux", "--template", "{name}", "QQQQ"]).await;
    assert_eq!(stdout(&o), "#[fg=red]Q <&> ##[fg=blue]#[default]");
    let o = run(home.path(), &cfg, OPEN, &["--format", "json", "QQQQ"]).await;
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(
        v["tooltip"], "QQQQ Q &lt;&amp;&gt; #[fg=blue] 14.00 USD -0.60 (-4.10%) 14:00",
        "Pango escaped"
    );
    assert_eq!(v["class"], "down");

    let o = run(home.path(), &cfg, OPEN, &["--format", "json"]).await;
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["text"], "NVDA 170.00 ▲1.2% · AMD 140.00 ▼0.4%");
    assert_eq!(v["class"], "up");
    let tooltip = v["tooltip"].as_str().unwrap();
    let lines: Vec<&str> = tooltip.lines().collect();
    assert_eq!(lines.len(), 2, "{tooltip}");
    assert_eq!(lines[0], "NVDA NVIDIA 170.00 USD +2.00 (+1.19%) 14:00", "the quote's time");
    assert_eq!(lines[1], "AMD AMD 140.00 USD -0.60 (-0.43%) 14:00");

    let o = run(
        home.path(),
        &cfg,
        OPEN,
        &["--template", "{name}: {price} {currency} {sign}{change_pct}", "NVDA"],
    )
    .await;
    assert_eq!(stdout(&o), "NVIDIA: 170.00 USD +1.2%");
    let o = run(home.path(), &cfg, OPEN, &["--template", "{prcie}"]).await;
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("unknown placeholder {prcie}"));
    let o = run(home.path(), &cfg, OPEN, &["--group", "other"]).await;
    assert_eq!(stdout(&o), "AMD 140.00 ▼0.4%", "a group by its name, any case");
    server.verify().await;
}

/// The source fails on a stale cache: the cache's prices, marked with their age, exit 1 with the
/// error on stderr. A second call at once does not ask again: the failure is noted for
/// `refresh_secs`, and said again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_source_prints_the_old_prices_marked_and_exits_1() {
    let server = fake(500, Duration::ZERO).await;
    let home = tempfile::tempdir().unwrap();
    let cfg = config(home.path(), &server.uri(), &["NVDA", "ZZZZ"], "");
    seed(home.path(), &[(quote("NVDA", 170.0, 2.0, 1.19), "2026-11-24T14:00:00Z")]);
    for now in [OPEN, "2026-11-24T15:00:05Z"] {
        let o = run(home.path(), &cfg, now, &[]).await;
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(1), "{stderr}");
        assert_eq!(stdout(&o), "NVDA 170.00 ▲1.2% (old 1h) · ZZZZ —");
        assert!(stderr.starts_with("chiptape: ") && stderr.contains("500"), "{stderr}");
    }
    assert_eq!(requests(&server.received_requests().await.unwrap(), "/v7/finance/quote"), 1, "not hammered");
    assert_eq!(cache(home.path()).load().quotes[0].quote.price, Some(170.0), "the cache is left as it was");

    let o = run(home.path(), &cfg, OPEN, &["--format", "json"]).await;
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["class"], "stale");
}

/// A symbol the source does not know: a dash, exit 1, the rest fetched.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_missing_price_is_a_dash() {
    let server = fake(200, Duration::ZERO).await;
    let home = tempfile::tempdir().unwrap();
    let cfg = config(home.path(), &server.uri(), &["NVDA"], "");
    let o = run(home.path(), &cfg, OPEN, &["NVDA", "ZZZZ"]).await;
    assert_eq!(o.status.code(), Some(1), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(stdout(&o), "NVDA 181.20 ▲0.7% · ZZZZ —");
    assert!(String::from_utf8_lossy(&o.stderr).contains("ZZZZ"));
}

/// `--demo`: the simulated market, no network (the config's sources are a port nobody listens on),
/// and nothing cached.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_prices_without_the_network() {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let home = tempfile::tempdir().unwrap();
    let cfg = config(home.path(), &format!("http://127.0.0.1:{port}"), &["NVDA", "0981.HK"], "");
    let o = run(home.path(), &cfg, OPEN, &["--demo"]).await;
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    let line = stdout(&o);
    let pieces: Vec<&str> = line.split(" · ").collect();
    assert_eq!(pieces.len(), 2, "{line}");
    assert!(pieces[0].starts_with("NVDA ") && pieces[1].starts_with("0981.HK "), "{line}");
    assert!(!line.contains('—'), "every demo symbol has a price: {line}");
    assert!(!cache(home.path()).path().exists(), "demo prices are never cached");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn symbols_and_group_are_exclusive_and_checked() {
    let server = silent().await;
    let home = tempfile::tempdir().unwrap();
    let cfg = config(home.path(), &server.uri(), &["NVDA"], "");
    for args in [&["--group", "Mine", "NVDA"][..], &["NV DA!"], &["--group", "nope"]] {
        let o = run(home.path(), &cfg, OPEN, args).await;
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", String::from_utf8_lossy(&o.stderr));
        assert!(o.stdout.is_empty());
    }
    server.verify().await;
}

/// Yahoo's quote endpoint that says when it is first asked, and holds that first answer a minute.
struct FirstHeld {
    asked: std::sync::Mutex<Option<std::sync::mpsc::Sender<()>>>,
}

impl wiremock::Respond for FirstHeld {
    fn respond(&self, _: &wiremock::Request) -> ResponseTemplate {
        let body = json!({"quoteResponse": {"error": null, "result": [
            {"symbol": "NVDA", "currency": "USD", "regularMarketPrice": 181.2, "regularMarketPreviousClose": 180.0,
             "regularMarketChange": 1.2, "regularMarketChangePercent": 0.6667, "marketState": "REGULAR"},
        ]}});
        let answer = ResponseTemplate::new(200).set_body_json(body);
        match self.asked.lock().unwrap().take() {
            Some(tx) => {
                let _ = tx.send(());
                answer.set_delay(Duration::from_secs(60))
            }
            None => answer,
        }
    }
}

/// A caller killed while it holds the lock (mid-fetch) does not hold up the next: the operating
/// system lets go of the lock with the process. Were it kept, the next call would wait its 5 s and
/// print the stale cache with exit 1.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_caller_killed_mid_fetch_leaves_no_lock_behind() {
    let server = MockServer::start().await;
    common::mount_yahoo_session(&server, "lineCrumb1").await;
    let (tx, rx) = std::sync::mpsc::channel();
    let held = FirstHeld { asked: std::sync::Mutex::new(Some(tx)) };
    Mock::given(method("GET")).and(path("/v7/finance/quote")).respond_with(held).mount(&server).await;
    let home = tempfile::tempdir().unwrap();
    let cfg = config(home.path(), &server.uri(), &["NVDA"], "");
    seed(home.path(), &[(quote("NVDA", 170.0, 2.0, 1.19), "2026-11-24T14:00:00Z")]);

    let mut first = common::chiptape_cmd(home.path());
    first.args(["--config", cfg.to_str().unwrap(), "--fake-now", OPEN, "line"]);
    let mut first =
        first.stdout(std::process::Stdio::null()).stderr(std::process::Stdio::null()).spawn().unwrap();
    // Asked: it holds the lock and waits on the answer. Killed there.
    tokio::task::spawn_blocking(move || rx.recv_timeout(Duration::from_secs(30)).unwrap()).await.unwrap();
    first.kill().unwrap();
    first.wait().unwrap();

    let o = run(home.path(), &cfg, OPEN, &[]).await;
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(stdout(&o), "NVDA 181.20 ▲0.7%");
}

/// No data dir to write to (a file stands where it would be): no lock, no cache, still one line
/// from one fetch, the failure to keep it on stderr, exit 0.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_writable_data_dir_the_line_still_comes() {
    let server = fake(200, Duration::ZERO).await;
    let home = tempfile::tempdir().unwrap();
    std::fs::write(home.path().join("data"), b"not a directory").unwrap();
    let cfg = config(home.path(), &server.uri(), &["NVDA"], "");
    let o = run(home.path(), &cfg, OPEN, &[]).await;
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{stderr}");
    assert_eq!(stdout(&o), "NVDA 181.20 ▲0.7%");
    assert!(stderr.starts_with("chiptape: cannot write the cache"), "{stderr}");
}
