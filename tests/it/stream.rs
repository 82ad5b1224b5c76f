//! Yahoo's streamer against an in-process WebSocket server on 127.0.0.1, on tokio's paused clock.

use crate::common;

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use chiptape::market::Symbol;
use chiptape::market::stream::{StreamEvent, Tick};
use chiptape::providers::StreamSource;
use chiptape::providers::yahoo::stream::{PricingData, YahooStream, encode_base64, encode_frame};
use chrono::DateTime;
use prost::Message as _;
use tokio::sync::{mpsc, watch};
use tokio::task::JoinHandle;
use tokio::time::Instant;
use tokio_tungstenite::tungstenite::Message;

use common::ws::{Cmd, server};

fn syms(list: &[&str]) -> Vec<Symbol> {
    list.iter().map(|s| Symbol::parse(s).unwrap()).collect()
}

struct Client {
    symbols: watch::Sender<Vec<Symbol>>,
    events: mpsc::Receiver<StreamEvent>,
    task: JoinHandle<()>,
}

fn spawn_client(url: &str, symbols: &[&str]) -> Client {
    let (symbols_tx, symbols_rx) = watch::channel(syms(symbols));
    let (tx, events) = mpsc::channel(64);
    let task = tokio::spawn(Arc::new(YahooStream::new(url.to_string())).run(symbols_rx, tx));
    Client { symbols: symbols_tx, events, task }
}

/// The next value, failing the test after five (paused) minutes.
async fn within<T>(f: impl Future<Output = Option<T>>) -> T {
    tokio::time::timeout(Duration::from_secs(300), f).await.expect("timed out").expect("channel closed")
}

/// Events until `n` ticks have come; the ticks, and the other events in order.
async fn ticks(events: &mut mpsc::Receiver<StreamEvent>, n: usize) -> (Vec<Tick>, Vec<StreamEvent>) {
    let (mut ticks, mut others) = (Vec::new(), Vec::new());
    while ticks.len() < n {
        match within(events.recv()).await {
            StreamEvent::Ticks(t) => ticks.extend(t),
            e => others.push(e),
        }
    }
    (ticks, others)
}

fn pricing(id: &str, price: f32) -> PricingData {
    PricingData { id: id.into(), price, ..PricingData::default() }
}

fn secs(d: Duration) -> f64 {
    d.as_secs_f64()
}

const SUBSCRIBE: &str = r#"{"subscribe":["NVDA","0981.HK"]}"#;

#[tokio::test(start_paused = true)]
async fn subscribes_and_repeats_it_every_15_s() {
    let t0 = Instant::now();
    let mut server = server().await;
    let mut client = spawn_client(&server.url, &["NVDA", "0981.HK"]);
    let mut conn = within(server.conns.recv()).await;
    assert_eq!(within(conn.inbox.recv()).await, SUBSCRIBE);
    assert!(secs(t0.elapsed()) < 1.0);
    assert_eq!(within(client.events.recv()).await, StreamEvent::Connected { subscribed: 2 });
    // Eight heartbeats: two minutes of a quiet market, and the pings keep the link alive.
    for beat in 1..=8 {
        assert_eq!(within(conn.inbox.recv()).await, SUBSCRIBE);
        let at = secs(t0.elapsed());
        let due = 15.0 * f64::from(beat);
        assert!((due..due + 1.0).contains(&at), "heartbeat {beat} at {at} s");
    }
    assert!(client.events.try_recv().is_err(), "no event while the link is quiet but alive");
    assert_eq!(server.attempts.load(Ordering::SeqCst), 1);
}

#[tokio::test(start_paused = true)]
async fn ticks_carry_the_pushed_fields() {
    let mut server = server().await;
    let mut client = spawn_client(&server.url, &["NVDA", "0981.HK"]);
    let conn = within(server.conns.recv()).await;
    let nvda = PricingData {
        time: 1_795_964_400_000,
        change: 2.43,
        change_percent: 1.315,
        day_high: 188.5,
        day_low: 184.02,
        day_volume: 151_234_567,
        previous_close: 184.76,
        currency: "USD".into(),
        short_name: "NVIDIA".into(),
        ..pricing("NVDA", 187.19)
    };
    let smic = PricingData {
        time: 1_795_939_200_500,
        change: -1.35,
        change_percent: -2.01,
        day_high: 68.9,
        day_low: 65.1,
        day_volume: 98_765_432,
        ..pricing("0981.HK", 65.8)
    };
    conn.text(encode_frame(&nvda));
    conn.text(encode_frame(&smic));
    let (got, others) = ticks(&mut client.events, 2).await;
    assert_eq!(others, [StreamEvent::Connected { subscribed: 2 }]);
    let want = [
        Tick {
            symbol: Symbol::parse("NVDA").unwrap(),
            price: 187.19,
            time: Some("2026-11-29T15:00:00Z".parse().unwrap()),
            change: Some(2.43),
            change_pct: Some(1.315),
            day_high: Some(188.5),
            day_low: Some(184.02),
            volume: Some(151_234_567),
            source: chiptape::market::PriceSource::YahooStream,
        },
        Tick {
            symbol: Symbol::parse("0981.HK").unwrap(),
            price: 65.8,
            time: DateTime::from_timestamp_millis(1_795_939_200_500),
            change: Some(-1.35),
            change_pct: Some(-2.01),
            day_high: Some(68.9),
            day_low: Some(65.1),
            volume: Some(98_765_432),
            source: chiptape::market::PriceSource::YahooStream,
        },
    ];
    assert_eq!(got, want);
}

#[tokio::test(start_paused = true)]
async fn every_frame_format_decodes_and_acks_are_ignored() {
    let mut server = server().await;
    let mut client = spawn_client(&server.url, &["NVDA"]);
    let conn = within(server.conns.recv()).await;
    conn.send(vec![
        Message::text(r#"{"type":"subscribed","subscriptions":["NVDA"]}"#),
        Message::text(encode_frame(&pricing("NVDA", 1.5))),
        Message::text(encode_base64(&pricing("NVDA", 2.5))),
        Message::text(r#"{"type":"heartbeat"}"#),
        Message::binary(pricing("NVDA", 3.5).encode_to_vec()),
        Message::binary(encode_base64(&pricing("NVDA", 4.5)).into_bytes()),
        Message::binary(encode_frame(&pricing("NVDA", 5.5)).into_bytes()),
    ]);
    let (got, others) = ticks(&mut client.events, 5).await;
    assert_eq!(got.iter().map(|t| t.price).collect::<Vec<_>>(), [1.5, 2.5, 3.5, 4.5, 5.5]);
    assert_eq!(others, [StreamEvent::Connected { subscribed: 1 }]);
    // Had an ack been counted, this garbage would make the total 2 or 3.
    conn.text("%%%".into());
    assert_eq!(within(client.events.recv()).await, StreamEvent::Undecodable { total: 1 });
}

#[tokio::test(start_paused = true)]
async fn garbage_is_counted_and_the_stream_goes_on() {
    let mut server = server().await;
    let mut client = spawn_client(&server.url, &["NVDA"]);
    let conn = within(server.conns.recv()).await;
    let hostile = PricingData { id: "\u{1b}[2JNVDA".into(), ..pricing("NVDA", 1.0) };
    conn.send(vec![
        Message::text("not base64!!"),
        Message::text(base64_of(&[0xff; 5])),
        Message::text(r#"{"type":"pricing","message":"#),
        Message::binary(vec![0x01, 0x02, 0x03]),
        Message::text(encode_frame(&hostile)),
        Message::text(encode_frame(&pricing("NVDA", f32::NAN))),
        Message::text(encode_frame(&pricing("NVDA", 187.5))),
    ]);
    let mut totals = Vec::new();
    let mut got = Vec::new();
    while got.is_empty() || totals.last() != Some(&6) {
        match within(client.events.recv()).await {
            StreamEvent::Ticks(t) => got.extend(t),
            StreamEvent::Undecodable { total } => totals.push(total),
            StreamEvent::Connected { .. } => {}
            e => panic!("unexpected {e:?}"),
        }
    }
    assert!(totals.windows(2).all(|w| w[0] < w[1]), "{totals:?}");
    assert_eq!(got.iter().map(|t| t.price).collect::<Vec<_>>(), [187.5]);
    conn.text(encode_frame(&pricing("NVDA", 188.0)));
    let (got, others) = ticks(&mut client.events, 1).await;
    assert_eq!((got[0].price, others), (188.0, vec![]));
}

fn base64_of(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

#[tokio::test(start_paused = true)]
async fn a_flood_is_folded_into_few_events() {
    let mut server = server().await;
    let mut client = spawn_client(&server.url, &["NVDA"]);
    let conn = within(server.conns.recv()).await;
    assert_eq!(within(client.events.recv()).await, StreamEvent::Connected { subscribed: 1 });
    let frames = (1..=600).map(|i| Message::text(encode_frame(&pricing("NVDA", i as f32)))).collect();
    conn.send(frames);
    let mut sizes = Vec::new();
    while sizes.iter().sum::<usize>() < 600 {
        match within(client.events.recv()).await {
            StreamEvent::Ticks(t) => sizes.push(t.len()),
            e => panic!("unexpected {e:?}"),
        }
    }
    assert!(sizes.len() <= 4 && sizes.iter().all(|n| *n <= 500), "{sizes:?}");
}

/// The retry delay, checked against the undithered value and the 20 % jitter bound.
fn assert_retry(event: StreamEvent, base_secs: f64) {
    let StreamEvent::Reconnecting { retry_in, error } = event else { panic!("not a retry: {event:?}") };
    let s = secs(retry_in);
    assert!((base_secs..=base_secs * 1.2).contains(&s), "retry in {s} s, expected {base_secs} s + jitter");
    assert!(!error.is_empty() && !error.chars().any(char::is_control), "{error:?}");
}

#[tokio::test(start_paused = true)]
async fn reconnects_with_a_doubling_delay_reset_by_a_good_connection() {
    let mut server = server().await;
    server.refuse.store(3, Ordering::SeqCst);
    let t0 = Instant::now();
    let mut client = spawn_client(&server.url, &["NVDA", "0981.HK"]);
    for (n, delay) in [(1, 1.0), (2, 2.0), (3, 4.0)] {
        assert_retry(within(client.events.recv()).await, delay);
        assert_eq!(server.attempts.load(Ordering::SeqCst), n);
    }
    assert_eq!(within(client.events.recv()).await, StreamEvent::Connected { subscribed: 2 });
    assert_eq!(server.attempts.load(Ordering::SeqCst), 4);
    let waited = secs(t0.elapsed());
    assert!((7.0..=8.4 + 0.5).contains(&waited), "{waited}");

    // A connection that carried nothing does not reset the delay...
    let conn = within(server.conns.recv()).await;
    drop(conn);
    assert_retry(within(client.events.recv()).await, 8.0);
    assert_eq!(within(client.events.recv()).await, StreamEvent::Connected { subscribed: 2 });
    assert_eq!(server.attempts.load(Ordering::SeqCst), 5);

    // ...one that delivered a frame does.
    let conn = within(server.conns.recv()).await;
    conn.text(encode_frame(&pricing("NVDA", 190.0)));
    ticks(&mut client.events, 1).await;
    drop(conn);
    assert_retry(within(client.events.recv()).await, 1.0);
    assert_eq!(within(client.events.recv()).await, StreamEvent::Connected { subscribed: 2 });
    let mut conn = within(server.conns.recv()).await;
    assert_eq!(within(conn.inbox.recv()).await, SUBSCRIBE);
}

#[tokio::test(start_paused = true)]
async fn unanswered_pings_mean_a_dead_link() {
    let t0 = Instant::now();
    let mut server = server().await;
    let mut client = spawn_client(&server.url, &["NVDA"]);
    let conn = within(server.conns.recv()).await;
    assert_eq!(within(client.events.recv()).await, StreamEvent::Connected { subscribed: 1 });
    conn.cmds.send(Cmd::GoDeaf).unwrap();
    let event = within(client.events.recv()).await;
    let at = secs(t0.elapsed());
    assert!((60.0..61.0).contains(&at), "gave up at {at} s");
    assert!(
        matches!(&event, StreamEvent::Reconnecting { error, .. } if error.contains("no answer")),
        "{event:?}"
    );
    // Up for a minute: a good connection, so the delay starts over.
    assert_retry(event, 1.0);
    assert_eq!(within(client.events.recv()).await, StreamEvent::Connected { subscribed: 1 });
}

#[tokio::test(start_paused = true)]
async fn a_changed_list_unsubscribes_the_removed_and_resubscribes() {
    let mut server = server().await;
    let mut client = spawn_client(&server.url, &["NVDA", "0981.HK"]);
    let mut conn = within(server.conns.recv()).await;
    assert_eq!(within(conn.inbox.recv()).await, SUBSCRIBE);
    assert_eq!(within(client.events.recv()).await, StreamEvent::Connected { subscribed: 2 });

    client.symbols.send(syms(&["NVDA", "AMD", "NVDA"])).unwrap();
    assert_eq!(within(conn.inbox.recv()).await, r#"{"unsubscribe":["0981.HK"]}"#);
    assert_eq!(within(conn.inbox.recv()).await, r#"{"subscribe":["NVDA","AMD"]}"#);

    client.symbols.send(syms(&["AMD", "TSM"])).unwrap();
    assert_eq!(within(conn.inbox.recv()).await, r#"{"unsubscribe":["NVDA"]}"#);
    assert_eq!(within(conn.inbox.recv()).await, r#"{"subscribe":["AMD","TSM"]}"#);

    // Only additions: no unsubscribe. The count changed, so a new Connected (and none before).
    client.symbols.send(syms(&["AMD", "TSM", "ASML"])).unwrap();
    assert_eq!(within(conn.inbox.recv()).await, r#"{"subscribe":["AMD","TSM","ASML"]}"#);
    assert_eq!(within(client.events.recv()).await, StreamEvent::Connected { subscribed: 3 });

    // The heartbeat repeats the current list.
    assert_eq!(within(conn.inbox.recv()).await, r#"{"subscribe":["AMD","TSM","ASML"]}"#);
}

#[tokio::test(start_paused = true)]
async fn an_empty_list_stays_disconnected_until_symbols_arrive() {
    let mut server = server().await;
    let mut client = spawn_client(&server.url, &[]);
    let none = tokio::time::timeout(Duration::from_secs(120), server.conns.recv()).await;
    assert!(none.is_err(), "connected without symbols");
    assert_eq!(server.attempts.load(Ordering::SeqCst), 0);

    client.symbols.send(syms(&["NVDA"])).unwrap();
    let mut conn = within(server.conns.recv()).await;
    assert_eq!(within(conn.inbox.recv()).await, r#"{"subscribe":["NVDA"]}"#);
    assert_eq!(within(client.events.recv()).await, StreamEvent::Connected { subscribed: 1 });

    // Emptied: unsubscribe, hang up, and stay away.
    client.symbols.send(Vec::new()).unwrap();
    assert_eq!(within(conn.inbox.recv()).await, r#"{"unsubscribe":["NVDA"]}"#);
    assert!(within(async { Some(conn.inbox.recv().await.is_none()) }).await, "connection kept open");
    let none = tokio::time::timeout(Duration::from_secs(120), server.conns.recv()).await;
    assert!(none.is_err(), "reconnected without symbols");
    assert_eq!(server.attempts.load(Ordering::SeqCst), 1);
    assert!(client.events.try_recv().is_err());
}

#[tokio::test(start_paused = true)]
async fn ends_when_the_receiver_is_gone() {
    let mut server = server().await;
    let client = spawn_client(&server.url, &["NVDA"]);
    let _conn = within(server.conns.recv()).await;
    drop(client.events);
    within(async { client.task.await.ok() }).await;

    // Also while waiting to retry.
    server.refuse.store(1, Ordering::SeqCst);
    let mut client = spawn_client(&server.url, &["NVDA"]);
    assert!(matches!(within(client.events.recv()).await, StreamEvent::Reconnecting { .. }));
    drop(client.events);
    within(async { client.task.await.ok() }).await;
}

fn varint(mut v: u64, out: &mut Vec<u8>) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

/// A frame of the recorded shape (the `version=2` envelope; time as zigzag epoch milliseconds;
/// fields we do not read, 22, 28, 29, 30 and 32, among those we do), with our own values: the
/// unknown fields are skipped and the known ones land where they belong.
#[test]
fn a_frame_of_the_recorded_shape_decodes() {
    let known = PricingData {
        id: "688256.SS".into(),
        price: 1279.81,
        time: 1_764_039_603_000,
        currency: "CNY".into(),
        exchange: "SHH".into(),
        quote_type: 8,
        market_hours: 1,
        change_percent: 0.57,
        day_volume: 5_231_100,
        day_high: 1290.0,
        day_low: 1265.5,
        change: 7.22,
        open_price: 1275.0,
        previous_close: 1272.59,
        price_hint: 2,
        market_cap: 534_218_000_000.0,
        ..PricingData::default()
    };
    let mut bytes = known.encode_to_vec();
    for field in [22u64, 28, 29] {
        varint(field << 3, &mut bytes);
        varint(5_231_100, &mut bytes);
    }
    varint((30 << 3) | 2, &mut bytes);
    varint(3, &mut bytes);
    bytes.extend_from_slice(b"CAM");
    varint((32 << 3) | 1, &mut bytes);
    bytes.extend_from_slice(&19_941_792.0f64.to_le_bytes());
    let frame = format!("{{\"type\":\"pricing\",\"message\":\"{}\"}}", base64_of(&bytes));
    let tick = chiptape::providers::yahoo::stream::decode_text(&frame).unwrap().unwrap();
    assert_eq!(tick.symbol.as_str(), "688256.SS");
    assert_eq!((tick.price, tick.change, tick.change_pct), (1279.81, Some(7.22), Some(0.57)));
    assert_eq!((tick.day_high, tick.day_low, tick.volume), (Some(1290.0), Some(1265.5), Some(5_231_100)));
    assert_eq!(tick.time, DateTime::from_timestamp_millis(1_764_039_603_000));
}
