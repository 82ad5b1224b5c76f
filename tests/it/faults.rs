//! The fault matrix: a local server misbehaving in every way a network does, behind the real app
//! loop (quotes) and the real providers (charts, feeds). After each fault the last good data stays,
//! the error is named, requests stay bounded, and everything recovers on its own.
//!
//! Real time, real sockets (a paused clock would fire the request deadlines while a socket waits).
//! The request deadline here is 2 s (the app's is 15 s; README says so); the modes run at once.
//! Quotes are polled every second and a failure is retried after 1 s, then 2 s (the app waits at
//! least 5 s: `Providers::retry_base`), so the whole file takes seconds of real time.
//!
//! The server, the faults and the quote scenario are shared with `faults_tencent`: the same server
//! answers Tencent's `/q=` with whatever text that file writes.

use crate::common;
use crate::common::sources;

use common::backend::SharedBackend;

use std::io::Write;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chiptape::app::{Runtime, run};
use chiptape::config::{Config, Feed, Group, Mainland, ProviderConfig, ProviderKind, SourceName};
use chiptape::market::Symbol;
use chiptape::market::clock::{Clock, ShiftedClock};
use chiptape::market::series::ChartRange;
use chiptape::msg::Msg;
use chiptape::providers::Providers;
use chiptape::providers::feeds::Feeds;
use chiptape::providers::http::{Http, HttpOptions};
use chiptape::providers::yahoo::{Yahoo, session::Store};
use chiptape::state::State;
use ratatui::Terminal;
use tokio::io::AsyncWriteExt;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;

/// Tuesday 10:00 in New York: NVDA trades, quotes every second (`REFRESH_SECS`).
pub(crate) const NOW: &str = "2026-11-24T15:00:00Z";
pub(crate) const DEADLINE: Duration = Duration::from_secs(2);
pub(crate) const REFRESH_SECS: u64 = 1;
/// The first wait before a failed quote fetch is tried again: no longer than the refresh interval.
pub(crate) const RETRY_BASE: Duration = Duration::from_secs(REFRESH_SECS);

#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Fault {
    Healthy,
    Status(u16),
    Html,
    Truncated,
    Oversized,
    SlowDrip,
    Endless,
    WrongType,
    InvalidUtf8,
    GzipBomb,
    Reset,
    Silent,
    Refused,
    RedirectLoop,
    RedirectToFile,
}

/// Every fault, each on a server of its own.
pub(crate) const FAULTS: [Fault; 15] = [
    Fault::RedirectLoop,
    Fault::RedirectToFile,
    Fault::Status(500),
    Fault::Status(503),
    Fault::Status(404),
    Fault::Status(403),
    Fault::Html,
    Fault::Truncated,
    Fault::Oversized,
    Fault::SlowDrip,
    Fault::Endless,
    Fault::InvalidUtf8,
    Fault::GzipBomb,
    Fault::Reset,
    Fault::Silent,
];

/// Tencent's answer to `/q=CODES` at a price: the codes as asked (`usNVDA,sh688256`).
pub(crate) type TencentText = Arc<dyn Fn(&str, f64) -> Vec<u8> + Send + Sync>;

struct Shared {
    fault: Mutex<Fault>,
    price: Mutex<f64>,
    quote_requests: AtomicUsize,
    tencent: Mutex<TencentText>,
}

/// A Yahoo, Tencent, chart and feed server whose data endpoints misbehave on demand (the session
/// endpoints stay healthy: the session is fetched while healthy anyway).
pub(crate) struct Server {
    addr: SocketAddr,
    shared: Arc<Shared>,
    accept: Mutex<Option<tokio::task::JoinHandle<()>>>,
}

impl Server {
    pub(crate) async fn start() -> Arc<Server> {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let shared = Arc::new(Shared {
            fault: Mutex::new(Fault::Healthy),
            price: Mutex::new(100.0),
            quote_requests: AtomicUsize::new(0),
            tencent: Mutex::new(Arc::new(|_, _| Vec::new())),
        });
        let server = Arc::new(Server { addr, shared, accept: Mutex::new(None) });
        server.listen(listener);
        server
    }

    fn listen(&self, listener: TcpListener) {
        let shared = self.shared.clone();
        let task = tokio::spawn(async move {
            while let Ok((sock, _)) = listener.accept().await {
                tokio::spawn(answer(sock, shared.clone()));
            }
        });
        *self.accept.lock().unwrap() = Some(task);
    }

    /// `Refused` closes the port; anything else opens it again if it was closed.
    pub(crate) async fn set(&self, fault: Fault, price: f64) {
        *self.shared.fault.lock().unwrap() = fault;
        *self.shared.price.lock().unwrap() = price;
        let closed = self.accept.lock().unwrap().as_ref().is_none_or(|t| t.is_finished());
        if fault == Fault::Refused {
            let task = self.accept.lock().unwrap().take();
            if let Some(t) = task {
                t.abort();
                let _ = t.await;
            }
        } else if closed {
            self.listen(TcpListener::bind(self.addr).await.expect("the port again"));
        }
    }

    pub(crate) fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Quote requests so far: Yahoo's `/v7/` and Tencent's `/q=`, each hop of a redirect.
    pub(crate) fn quote_requests(&self) -> usize {
        self.shared.quote_requests.load(Ordering::SeqCst)
    }

    /// What `/q=` answers from now on (a healthy answer, which the fault then spoils).
    pub(crate) fn tencent(&self, text: TencentText) {
        *self.shared.tencent.lock().unwrap() = text;
    }
}

pub(crate) fn quote_json(price: f64) -> Vec<u8> {
    serde_json::json!({ "quoteResponse": { "result": [{
        "symbol": "NVDA", "shortName": "NVIDIA", "currency": "USD", "marketState": "REGULAR",
        "regularMarketPrice": price, "regularMarketPreviousClose": 99.0, "regularMarketTime": 1_764_000_000,
        "fullExchangeName": "NasdaqGS"
    }], "error": null } })
    .to_string()
    .into_bytes()
}

fn chart_json(price: f64) -> Vec<u8> {
    let t0 = 1_764_000_000;
    serde_json::json!({ "chart": { "result": [{
        "meta": { "symbol": "NVDA", "currency": "USD", "regularMarketPrice": price, "previousClose": 99.0 },
        "timestamp": [t0, t0 + 300],
        "indicators": { "quote": [{ "close": [price - 0.5, price] }] }
    }], "error": null } })
    .to_string()
    .into_bytes()
}

pub(crate) fn feed_xml(title: &str) -> Vec<u8> {
    format!(
        "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Wire</title><item><title>{title}</title>\
         <link>https://news.example.com/{}</link><pubDate>Tue, 24 Nov 2026 14:00:00 GMT</pubDate></item></channel></rss>",
        title.len()
    )
    .into_bytes()
}

/// 64 MiB of zeros, gzipped to a few tens of KiB.
fn gzip_bomb() -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    let zeros = vec![0u8; 1024 * 1024];
    for _ in 0..64 {
        e.write_all(&zeros).unwrap();
    }
    e.finish().unwrap()
}

pub(crate) use common::proxy::head;

pub(crate) async fn respond(sock: &mut TcpStream, status: u16, kind: &str, extra: &str, body: &[u8]) {
    let head = format!(
        "HTTP/1.1 {status} X\r\ncontent-type: {kind}\r\ncontent-length: {}\r\nconnection: close\r\n{extra}\r\n",
        body.len()
    );
    let _ = sock.write_all(head.as_bytes()).await;
    let _ = sock.write_all(body).await;
}

async fn answer(mut sock: TcpStream, shared: Arc<Shared>) {
    let Some(head) = head(&mut sock).await else { return };
    let path = head.split_whitespace().nth(1).unwrap_or("").to_string();
    if path.starts_with("/cookie") {
        return respond(&mut sock, 404, "text/html", "set-cookie: A3=d=test; Path=/\r\n", b"<html></html>")
            .await;
    }
    if path.starts_with("/v1/test/getcrumb") {
        return respond(&mut sock, 200, "text/plain", "", b"crumbABC123").await;
    }
    let price = *shared.price.lock().unwrap();
    let (body, kind) = if path.starts_with("/v7/") {
        shared.quote_requests.fetch_add(1, Ordering::SeqCst);
        (quote_json(price), "application/json")
    } else if let Some(codes) = path.strip_prefix("/q=") {
        shared.quote_requests.fetch_add(1, Ordering::SeqCst);
        let text = shared.tencent.lock().unwrap().clone();
        (text(codes, price), "text/html; charset=GBK")
    } else if path.starts_with("/v8/") {
        (chart_json(price), "application/json")
    } else {
        (feed_xml(&format!("Headline at {price}")), "application/rss+xml")
    };
    let fault = *shared.fault.lock().unwrap();
    match fault {
        Fault::Healthy => respond(&mut sock, 200, kind, "", &body).await,
        Fault::WrongType => respond(&mut sock, 200, "text/plain; charset=iso-8859-1", "", &body).await,
        Fault::Status(s) => respond(&mut sock, s, "text/plain", "", b"no").await,
        Fault::Html => {
            respond(
                &mut sock,
                200,
                "text/html",
                "",
                b"<!doctype html><html><body>Please log in</body></html>",
            )
            .await
        }
        Fault::InvalidUtf8 => respond(&mut sock, 200, kind, "", &[0xff, 0xfe, b'{', 0x80, 0xc3]).await,
        Fault::Truncated => {
            let head =
                format!("HTTP/1.1 200 OK\r\ncontent-type: {kind}\r\ncontent-length: {}\r\n\r\n", body.len());
            let _ = sock.write_all(head.as_bytes()).await;
            let _ = sock.write_all(&body[..body.len() / 2]).await;
        }
        Fault::Oversized => {
            let big = vec![b' '; 6 * 1024 * 1024];
            respond(&mut sock, 200, kind, "", &big).await;
        }
        Fault::SlowDrip => {
            let head =
                format!("HTTP/1.1 200 OK\r\ncontent-type: {kind}\r\ncontent-length: {}\r\n\r\n", body.len());
            let _ = sock.write_all(head.as_bytes()).await;
            for b in &body {
                if sock.write_all(&[*b]).await.is_err() {
                    return;
                }
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
        }
        Fault::Endless => {
            let head =
                format!("HTTP/1.1 200 OK\r\ncontent-type: {kind}\r\ntransfer-encoding: chunked\r\n\r\n");
            let _ = sock.write_all(head.as_bytes()).await;
            while sock.write_all(b"400\r\n").await.is_ok() && sock.write_all(&[b'['; 0x400]).await.is_ok() {
                if sock.write_all(b"\r\n").await.is_err() {
                    return;
                }
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        }
        Fault::GzipBomb => respond(&mut sock, 200, kind, "content-encoding: gzip\r\n", &gzip_bomb()).await,
        Fault::Reset => {
            // Linger 0: the close is a RST. (Deprecated for blocking on drop, which 0 never does.)
            #[allow(deprecated)]
            let _ = sock.set_linger(Some(Duration::ZERO));
            drop(sock);
        }
        Fault::Silent => tokio::time::sleep(Duration::from_secs(120)).await,
        Fault::RedirectLoop => {
            respond(&mut sock, 302, "text/plain", &format!("location: {path}\r\n"), b"").await
        }
        Fault::RedirectToFile => {
            respond(&mut sock, 302, "text/plain", "location: file:///etc/passwd\r\n", b"").await
        }
        Fault::Refused => {}
    }
}

pub(crate) fn options() -> HttpOptions {
    HttpOptions { connect_timeout: Duration::from_secs(1), timeout: DEADLINE, ..HttpOptions::default() }
}

/// Every URL at `server`; no stream, no symbol headlines.
pub(crate) fn config(server: &Server) -> Config {
    config_at(&server.url())
}

/// Every URL at `base` (`http://127.0.0.1:PORT`); no stream, no symbol headlines.
pub(crate) fn config_at(base: &str) -> Config {
    let mut cfg = chiptape::config::builtin();
    cfg.groups = vec![Group { name: "US".into(), symbols: vec![Symbol::parse("NVDA").unwrap()] }];
    cfg.refresh_secs = REFRESH_SECS;
    cfg.provider = ProviderConfig {
        kind: ProviderKind::Yahoo,
        query_url: base.to_string(),
        cookie_url: format!("{base}/cookie"),
        user_agent: None,
        stream: false,
        stream_url: format!("{base}/stream").replacen("http://", "ws://", 1),
        tencent_url: base.to_string(),
        tencent_series_url: base.to_string(),
        mainland: Mainland::Yahoo,
        quotes: vec![SourceName::Yahoo],
        charts: vec![SourceName::Yahoo],
        ..chiptape::config::builtin().provider
    };
    cfg.news.yahoo_symbols = false;
    cfg.news.yahoo_rss_url = format!("{base}/rss");
    cfg.news.feeds = vec![Feed { name: "Wire".into(), url: format!("{base}/feed.xml"), tz: None }];
    // No official source reaches past the server, should a caller build sources from this.
    (cfg.filings.sec, cfg.filings.federal_register) = (false, false);
    (cfg.filings.hkex, cfg.filings.cninfo) = (false, false);
    cfg
}

fn providers(cfg: &Config, clock: Arc<dyn Clock>) -> Providers {
    let yahoo = Arc::new(Yahoo::new(&cfg.provider, options(), Store::at(None), clock).unwrap());
    let news = Arc::new(Feeds::new(cfg, Http::new(&options()).unwrap(), Default::default()));
    sources::providers().quotes(yahoo.clone()).charts(yahoo).news(news).retry_base(RETRY_BASE).build()
}

/// Wait (real time, polling the screen) until `cond` holds, or fail with the screen.
pub(crate) async fn wait_for(
    what: &str,
    backend: &SharedBackend,
    within: Duration,
    cond: impl Fn(&str) -> bool,
) {
    let deadline = tokio::time::Instant::now() + within;
    loop {
        let screen = backend.screen();
        if cond(&screen) {
            return;
        }
        assert!(tokio::time::Instant::now() < deadline, "timed out waiting for {what}:\n{screen}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The watchlist row of `sym` (the status line, last, is not a row).
pub(crate) fn row(screen: &str, sym: &str) -> String {
    let lines: Vec<&str> = screen.lines().collect();
    let rows = &lines[..lines.len().saturating_sub(1)];
    rows.iter().find(|l| l.contains(sym)).unwrap_or(&"").to_string()
}

pub(crate) fn status(screen: &str) -> String {
    screen.lines().last().unwrap_or("").to_string()
}

/// The real app loop drawing into a shared backend, until `stop`.
pub(crate) struct App {
    pub(crate) backend: SharedBackend,
    control: mpsc::UnboundedSender<Msg>,
    task: tokio::task::JoinHandle<std::io::Result<()>>,
}

impl App {
    pub(crate) fn start(cfg: Config, providers: Providers, clock: Arc<dyn Clock>) -> App {
        let (control, control_rx) = mpsc::unbounded_channel();
        let runtime = Runtime::new(providers, clock.clone(), control_rx);
        let state = State::new(cfg, false, clock.now());
        let backend = SharedBackend::new(120, 30);
        let mut terminal = Terminal::new(backend.clone()).unwrap();
        let task = tokio::spawn(async move {
            let mut events = Some(futures::stream::pending());
            run(&mut terminal, move || events.take().expect("no editor here"), state, runtime)
                .await
                .map(|_| ())
        });
        App { backend, control, task }
    }

    pub(crate) async fn stop(self) {
        let _ = self.control.send(Msg::Shutdown);
        self.task.await.unwrap().unwrap();
    }
}

/// The app of one quote source: its config and sources at a server, the rows it prices, and how
/// the status line names the source.
pub(crate) struct Case {
    pub(crate) symbols: &'static [&'static str],
    pub(crate) source: &'static str,
    pub(crate) build: fn(&Server, Arc<dyn Clock>) -> (Config, Providers),
}

const YAHOO: Case = Case {
    symbols: &["NVDA"],
    source: "quotes Yahoo",
    build: |server, clock| {
        let cfg = config(server);
        let p = providers(&cfg, clock);
        (cfg, p)
    },
};

/// One fault through the whole app: healthy, the fault, healthy again. Every row keeps its last
/// price while the status line names the error, and all of them recover on their own.
pub(crate) async fn quotes_survive(fault: Fault, case: &Case) {
    let server = Server::start().await;
    let clock: Arc<dyn Clock> = Arc::new(ShiftedClock::starting_at(NOW.parse().unwrap()));
    let (cfg, providers) = (case.build)(&server, clock.clone());
    let app = App::start(cfg, providers, clock);
    let all = |s: &str, price: &str| case.symbols.iter().all(|sym| row(s, sym).contains(price));
    let name = format!("{} {fault:?}", case.source);
    wait_for(&format!("{name}: the first prices"), &app.backend, Duration::from_secs(10), |s| {
        all(s, "100.00")
    })
    .await;

    if fault == Fault::WrongType {
        // A content type that says something else is no fault when the body is right.
        server.set(fault, 110.0).await;
        wait_for(&format!("{name}: still read"), &app.backend, Duration::from_secs(10), |s| all(s, "110.00"))
            .await;
        return app.stop().await;
    }
    server.set(fault, 100.0).await;
    let before = server.quote_requests();
    wait_for(
        &format!("{name}: the error, with the last prices kept"),
        &app.backend,
        Duration::from_secs(20),
        |s| {
            let status = status(s);
            status.contains(case.source) && status.contains(':') && all(s, "100.00")
        },
    )
    .await;
    let screen = app.backend.screen();
    assert!(!screen.chars().any(|c| c.is_control() && c != '\n'), "{name}:\n{screen}");

    server.set(Fault::Healthy, 123.45).await;
    wait_for(&format!("{name}: recovered on its own"), &app.backend, Duration::from_secs(25), |s| {
        all(s, "123.45") && !status(s).contains("retrying")
    })
    .await;
    let during = server.quote_requests() - before;
    // One failing request per retry (1 s, then 2 s, with jitter) and the one that recovered; a
    // redirect loop costs its five hops each time.
    let per_try = if fault == Fault::RedirectLoop { 6 } else { 1 };
    assert!(during <= 4 * per_try, "{name}: {during} quote requests through the fault");
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_fault_keeps_the_last_prices_names_the_error_and_recovers() {
    let runs = FAULTS
        .into_iter()
        .chain([Fault::Refused, Fault::WrongType])
        .map(|f| tokio::spawn(quotes_survive(f, &YAHOO)));
    for r in futures::future::join_all(runs).await {
        r.unwrap();
    }
}

/// Charts and feeds meet the same faults: an error within the deadline, never a hang or a crash,
/// and data again once the server is healthy.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn charts_and_feeds_fail_within_the_deadline_and_recover() {
    let runs = FAULTS.into_iter().map(|fault| {
        tokio::spawn(async move {
            let server = Server::start().await;
            let clock: Arc<dyn Clock> = Arc::new(ShiftedClock::starting_at(NOW.parse().unwrap()));
            let cfg = config(&server);
            let nvda = Symbol::parse("NVDA").unwrap();
            let p = providers(&cfg, clock);
            server.set(fault, 100.0).await;
            let both = async { (p.charts.series(&nvda, ChartRange::M1).await, p.news.headlines(&[]).await) };
            let (chart, feeds) = tokio::time::timeout(DEADLINE * 2 + Duration::from_secs(1), both)
                .await
                .unwrap_or_else(|_| panic!("{fault:?}: no answer within the deadlines"));
            if fault != Fault::WrongType {
                assert!(chart.is_err(), "{fault:?}: {chart:?}");
                assert!(feeds.headlines.is_empty() && feeds.errors.len() == 1, "{fault:?}: {feeds:?}");
            }
            server.set(Fault::Healthy, 101.0).await;
            assert_eq!(
                p.charts.series(&nvda, ChartRange::M6).await.unwrap().last(),
                Some(101.0),
                "{fault:?}"
            );
            assert_eq!(p.news.headlines(&[]).await.headlines[0].title, "Headline at 101", "{fault:?}");
        })
    });
    for r in futures::future::join_all(runs).await {
        r.unwrap();
    }
}

/// A host that does not resolve: an error naming it, within the deadline.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_host_is_an_error_not_a_hang() {
    let http = Http::new(&options()).unwrap();
    let get = http.get("http://quotes.chiptape.invalid/v7/finance/quote", None);
    let e = tokio::time::timeout(DEADLINE + Duration::from_secs(1), get)
        .await
        .expect("an answer within the deadline")
        .unwrap_err();
    assert!(matches!(e, chiptape::providers::ProviderError::Network(_)), "{e:?}");
}
