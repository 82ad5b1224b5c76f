//! Yahoo's streamer through a proxy: an HTTP CONNECT and a SOCKS5 tunnel to the in-process
//! WebSocket server, and a proxy that refuses or hangs (a failure named, retried, never a hang).
//! Paused clock, as in `stream`.

use crate::common;

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use chiptape::config::{ProxySetting, ProxyUrl};
use chiptape::market::Symbol;
use chiptape::market::stream::StreamEvent;
use chiptape::providers::StreamSource;
use chiptape::providers::yahoo::stream::{PricingData, YahooStream, encode_frame};
use tokio::sync::{mpsc, watch};

use common::proxy::{Kind, Mode, Proxy, refusing_url};
use common::ws::server;

fn via(url: &str) -> ProxySetting {
    ProxySetting::Url(ProxyUrl::parse(url).unwrap())
}

/// The stream of NVDA at `ws` through `proxy`: its events.
fn spawn(ws: &str, proxy: ProxySetting) -> (mpsc::Receiver<StreamEvent>, watch::Sender<Vec<Symbol>>) {
    let (symbols, rx) = watch::channel(vec![Symbol::parse("NVDA").unwrap()]);
    let (tx, events) = mpsc::channel(64);
    let s = YahooStream::new(ws.to_string())
        .via(proxy)
        .with_backoff(Duration::from_secs(1), Duration::from_secs(4));
    tokio::spawn(Arc::new(s).run(rx, tx));
    (events, symbols)
}

async fn within<T>(f: impl std::future::Future<Output = Option<T>>) -> T {
    tokio::time::timeout(Duration::from_secs(300), f).await.expect("timed out").expect("channel closed")
}

/// Subscribed and priced through the tunnel `kind` makes; the proxy saw the tunnel to the server.
async fn streams_through(kind: Kind) {
    let mut ws = server().await;
    let proxy = Proxy::start(kind).await;
    let (mut events, _symbols) = spawn(&ws.url, via(&proxy.url()));
    let mut conn = within(ws.conns.recv()).await;
    assert_eq!(within(conn.inbox.recv()).await, r#"{"subscribe":["NVDA"]}"#);
    assert_eq!(within(events.recv()).await, StreamEvent::Connected { subscribed: 1 });
    conn.text(encode_frame(&PricingData { id: "NVDA".into(), price: 187.19, ..PricingData::default() }));
    match within(events.recv()).await {
        StreamEvent::Ticks(t) => assert_eq!((t[0].symbol.as_str(), t[0].price), ("NVDA", 187.19)),
        other => panic!("{kind:?}: {other:?}"),
    }
    let port = ws.url.trim_start_matches("ws://127.0.0.1:").split('/').next().unwrap().to_string();
    let tunnel = match kind {
        Kind::Http => format!("CONNECT 127.0.0.1:{port}"),
        Kind::Socks5 => format!("SOCKS5 127.0.0.1:{port}"),
    };
    assert_eq!(proxy.seen(), [tunnel], "{kind:?}");
}

#[tokio::test(start_paused = true)]
async fn the_stream_goes_through_an_http_connect_tunnel() {
    streams_through(Kind::Http).await;
}

#[tokio::test(start_paused = true)]
async fn the_stream_goes_through_a_socks5h_tunnel() {
    streams_through(Kind::Socks5).await;
}

/// A proxy that refuses: the loss names the proxy, the server is never reached, and the streamer
/// keeps retrying (the app polls meanwhile).
#[tokio::test(start_paused = true)]
async fn a_refusing_proxy_is_a_named_loss_and_the_server_is_never_reached() {
    let ws = server().await;
    let proxy = refusing_url();
    let (mut events, _symbols) = spawn(&ws.url, via(&proxy));
    for _ in 0..2 {
        match within(events.recv()).await {
            StreamEvent::Reconnecting { error, .. } => {
                assert!(error.contains("cannot reach the proxy") && error.contains(&proxy), "{error}")
            }
            other => panic!("{other:?}"),
        }
    }
    assert_eq!(ws.attempts.load(Ordering::SeqCst), 0);
}

/// A proxy that accepts and never answers: given up after the connect timeout, then retried.
#[tokio::test(start_paused = true)]
async fn a_hanging_proxy_times_out_and_is_retried() {
    let ws = server().await;
    let proxy = Proxy::start(Kind::Http).await;
    proxy.set(Mode::Hang).await;
    let (mut events, _symbols) = spawn(&ws.url, via(&proxy.url()));
    let t0 = tokio::time::Instant::now();
    match within(events.recv()).await {
        StreamEvent::Reconnecting { error, .. } => {
            assert!(error.contains("no answer within 10 s"), "{error}")
        }
        other => panic!("{other:?}"),
    }
    assert!(t0.elapsed() >= Duration::from_secs(10), "{:?}", t0.elapsed());
    assert!(matches!(within(events.recv()).await, StreamEvent::Reconnecting { .. }));
    assert_eq!(proxy.seen(), ["HANG", "HANG"]);
    assert_eq!(ws.attempts.load(Ordering::SeqCst), 0);
}
