//! Yahoo's unofficial price streamer: a WebSocket that pushes a protobuf `PricingData`, base64
//! encoded, for each price change of the symbols we subscribe to.
//!
//! We send `{"subscribe":[...]}` (again every 15 s, which Yahoo expects as a heartbeat) and
//! `{"unsubscribe":[...]}`. Frames come as the `version=2` JSON envelope
//! `{"type":"pricing","message":"<base64>"}`, as bare base64 text, or as binary (raw protobuf or
//! base64); envelopes without a `message` are acks. Nothing here is documented by Yahoo.

use std::sync::Arc;
use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, STANDARD_PAD_INDIFFERENT};
use chrono::DateTime;
use futures::future::BoxFuture;
use futures::{FutureExt, SinkExt, Stream, StreamExt};
use prost::Message as _;
use tokio::sync::{mpsc, watch};
use tokio::time::{Instant, MissedTickBehavior};
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::tungstenite::{Error as WsError, Message};

use crate::config::ProxySetting;
use crate::market::stream::{StreamEvent, Tick};
use crate::market::{PriceSource, Symbol};
use crate::present::sanitize::clean;
use crate::providers::{StreamSource, proxy, tunnel};

/// How often the subscription is re-sent, with a WebSocket ping beside it.
const HEARTBEAT: Duration = Duration::from_secs(15);
/// Yahoo sends nothing while markets are closed, so silence alone proves nothing; but the pings
/// must be answered. Nothing at all (not even a pong) for this long means the link is dead.
const IDLE_LIMIT: Duration = Duration::from_secs(60);
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// A connection that lived this long counts as good: the next failure retries after `base` again.
const STABLE_AFTER: Duration = Duration::from_secs(60);
/// At most this many frames folded into one `Ticks` event.
const BATCH_MAX: usize = 500;
/// Larger frames end the connection (and count as a failure).
const MAX_MESSAGE: usize = 1 << 20;
/// Undecodable frames are logged the first time and then every this many.
const LOG_EVERY: u64 = 100;
/// Retry delays are stretched by up to this fraction, so that clients do not retry in step.
const JITTER: f64 = 0.2;

/// Yahoo's `PricingData` (proto3), the fields we know of. Public so that tests can build frames.
#[derive(Clone, PartialEq, prost::Message)]
pub struct PricingData {
    #[prost(string, tag = "1")]
    pub id: String,
    #[prost(float, tag = "2")]
    pub price: f32,
    /// Epoch milliseconds.
    #[prost(sint64, tag = "3")]
    pub time: i64,
    #[prost(string, tag = "4")]
    pub currency: String,
    #[prost(string, tag = "5")]
    pub exchange: String,
    #[prost(int32, tag = "6")]
    pub quote_type: i32,
    #[prost(int32, tag = "7")]
    pub market_hours: i32,
    #[prost(float, tag = "8")]
    pub change_percent: f32,
    #[prost(sint64, tag = "9")]
    pub day_volume: i64,
    #[prost(float, tag = "10")]
    pub day_high: f32,
    #[prost(float, tag = "11")]
    pub day_low: f32,
    #[prost(float, tag = "12")]
    pub change: f32,
    #[prost(string, tag = "13")]
    pub short_name: String,
    #[prost(float, tag = "15")]
    pub open_price: f32,
    #[prost(float, tag = "16")]
    pub previous_close: f32,
    #[prost(sint64, tag = "27")]
    pub price_hint: i64,
    #[prost(double, tag = "33")]
    pub market_cap: f64,
}

/// Why a frame could not be read. The texts are safe to log: nothing from the frame is echoed raw.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DecodeError {
    #[error("not JSON ({0})")]
    Json(String),
    #[error("not base64")]
    Base64,
    #[error("not a PricingData message ({0})")]
    Protobuf(String),
    #[error("bad symbol {0:?}")]
    Symbol(String),
    #[error("no usable price for {0}")]
    Price(Symbol),
}

/// `p` as Yahoo's `version=2` envelope.
pub fn encode_frame(p: &PricingData) -> String {
    serde_json::json!({ "type": "pricing", "message": encode_base64(p) }).to_string()
}

/// `p` as a bare base64 text frame (the streamer without `version=2`).
pub fn encode_base64(p: &PricingData) -> String {
    STANDARD.encode(p.encode_to_vec())
}

/// A text frame: `Ok(None)` for an ack or any other envelope without a price.
pub fn decode_text(text: &str) -> Result<Option<Tick>, DecodeError> {
    #[derive(serde::Deserialize)]
    struct Envelope {
        message: Option<String>,
    }
    let text = text.trim();
    if !text.starts_with('{') {
        return from_base64(text).map(Some);
    }
    let env: Envelope = serde_json::from_str(text).map_err(|e| DecodeError::Json(clean(&e.to_string())))?;
    env.message.map(|m| from_base64(&m)).transpose()
}

/// A binary frame: the protobuf itself, or text (base64 or the envelope) sent as bytes.
pub fn decode_binary(bytes: &[u8]) -> Result<Option<Tick>, DecodeError> {
    // Text is printable ASCII. A PricingData with a price never is: the price's tag byte is 0x15.
    if !bytes.is_empty() && bytes.iter().all(|b| b.is_ascii_graphic() || b.is_ascii_whitespace()) {
        if let Ok(text) = std::str::from_utf8(bytes) {
            return decode_text(text);
        }
    }
    from_protobuf(bytes).map(Some)
}

fn decode_message(msg: &Message) -> Result<Option<Tick>, DecodeError> {
    match msg {
        Message::Text(t) => decode_text(t.as_str()),
        Message::Binary(b) => decode_binary(b),
        _ => Ok(None),
    }
}

fn from_base64(text: &str) -> Result<Tick, DecodeError> {
    let bytes = STANDARD_PAD_INDIFFERENT.decode(text.trim()).map_err(|_| DecodeError::Base64)?;
    from_protobuf(&bytes)
}

fn from_protobuf(bytes: &[u8]) -> Result<Tick, DecodeError> {
    let p = PricingData::decode(bytes).map_err(|e| DecodeError::Protobuf(e.to_string()))?;
    tick(&p)
}

/// Yahoo's floats are f32; the shortest decimal that reads back as the same f32 is what Yahoo
/// meant (187.19, not 187.19000244140625).
fn widen(x: f32) -> f64 {
    x.to_string().parse().unwrap_or(f64::from(x))
}

fn tick(p: &PricingData) -> Result<Tick, DecodeError> {
    let symbol =
        Symbol::parse(&p.id).map_err(|_| DecodeError::Symbol(clean(&p.id).chars().take(32).collect()))?;
    let price = widen(p.price);
    if !(price.is_finite() && price > 0.0) {
        return Err(DecodeError::Price(symbol));
    }
    let positive = |x: f32| Some(widen(x)).filter(|v| v.is_finite() && *v > 0.0);
    // proto3 sends no zeros, so an absent field reads as 0. A zero high, low or volume is never
    // real. A zero change is: the price is back at the previous close, and it is kept, unless the
    // frame's own previous close says the price moved (then the change was simply not sent).
    let moved = positive(p.previous_close).is_some_and(|prev| prev != price);
    let change = |x: f32| Some(widen(x)).filter(|v| v.is_finite() && !(*v == 0.0 && moved));
    Ok(Tick {
        symbol,
        price,
        time: (p.time > 0).then(|| DateTime::from_timestamp_millis(p.time)).flatten(),
        change: change(p.change),
        change_pct: change(p.change_percent),
        day_high: positive(p.day_high),
        day_low: positive(p.day_low),
        volume: (p.day_volume > 0).then_some(p.day_volume as u64),
        source: PriceSource::YahooStream,
    })
}

/// Symbols in order, each once.
fn unique(list: &[Symbol]) -> Vec<Symbol> {
    let mut out: Vec<Symbol> = Vec::with_capacity(list.len());
    for s in list {
        if !out.contains(s) {
            out.push(s.clone());
        }
    }
    out
}

fn command(verb: &str, list: &[Symbol]) -> Message {
    let names: Vec<&str> = list.iter().map(Symbol::as_str).collect();
    Message::text(serde_json::json!({ verb: names }).to_string())
}

/// The streamer at `url`, reconnecting with a doubling, jittered delay.
pub struct YahooStream {
    url: String,
    base: Duration,
    cap: Duration,
    proxy: ProxySetting,
}

impl YahooStream {
    pub fn new(url: String) -> YahooStream {
        YahooStream {
            url,
            base: Duration::from_secs(1),
            cap: Duration::from_secs(60),
            proxy: ProxySetting::Env,
        }
    }

    /// Through Yahoo's `[proxy]` entry (the environment's proxy unless set).
    pub fn via(mut self, proxy: ProxySetting) -> YahooStream {
        self.proxy = proxy;
        self
    }

    /// Retry after `base`, doubling up to `cap` (1 s and 60 s unless set).
    pub fn with_backoff(mut self, base: Duration, cap: Duration) -> YahooStream {
        self.base = base;
        self.cap = cap;
        self
    }

    /// The wait before retry number `attempt` (0-based); `jitter` in 0..1 stretches it by up to 20 %.
    /// The jitter comes after the cap, so clients at the cap still spread out.
    pub fn backoff(&self, attempt: u32, jitter: f64) -> Duration {
        let factor = 1u32.checked_shl(attempt).unwrap_or(u32::MAX);
        let jitter = if jitter.is_finite() { jitter.clamp(0.0, 1.0) } else { 0.0 };
        self.base.saturating_mul(factor).min(self.cap).mul_f64(1.0 + JITTER * jitter)
    }

    async fn run_loop(&self, mut run: Run) {
        let mut attempt = 0u32;
        while let Some(list) = run.wanted().await {
            let started = Instant::now();
            let (error, delivered) = match self.session(&mut run, list).await {
                End::Closed => return,
                End::Idle => continue,
                End::Lost { error, delivered } => (error, delivered),
            };
            if delivered || started.elapsed() >= STABLE_AFTER {
                attempt = 0;
            }
            let retry_in = self.backoff(attempt, fastrand::f64());
            attempt = attempt.saturating_add(1);
            let error = clean(&error);
            tracing::info!(%error, retry_secs = retry_in.as_secs_f64(), "Yahoo stream lost");
            if !run.emit(StreamEvent::Reconnecting { retry_in, error }).await {
                return;
            }
            tokio::select! {
                _ = tokio::time::sleep(retry_in) => {}
                _ = run.tx.closed() => return,
            }
        }
    }

    /// One connection, from connect to loss.
    async fn session(&self, run: &mut Run, mut subscribed: Vec<Symbol>) -> End {
        let lost = |error: String| End::Lost { error, delivered: false };
        // A price frame is well under a kilobyte; no reason to buffer the library's 64 MiB. Our own
        // writes are small commands that should not wait for an ACK: no Nagle.
        let config =
            WebSocketConfig::default().max_message_size(Some(MAX_MESSAGE)).max_frame_size(Some(MAX_MESSAGE));
        // An https:// proxy is refused before the stream is built (`providers::stream_source`).
        let route = match tunnel::usable(&self.proxy, &self.url, &proxy::system_env) {
            Ok(r) => r,
            Err(e) => return lost(e.to_string()),
        };
        let connect = tunnel::websocket(&self.url, &route, Some(config));
        let mut ws = match tokio::time::timeout(CONNECT_TIMEOUT, connect).await {
            Err(_) => return lost(format!("no answer within {} s", CONNECT_TIMEOUT.as_secs())),
            Ok(Err(e)) => return lost(e.to_string()),
            Ok(Ok((ws, _))) => ws,
        };
        if let Err(e) = ws.send(command("subscribe", &subscribed)).await {
            return lost(format!("cannot subscribe: {e}"));
        }
        if !run.emit(StreamEvent::Connected { subscribed: subscribed.len() }).await {
            return End::Closed;
        }
        let mut heartbeat = tokio::time::interval_at(Instant::now() + HEARTBEAT, HEARTBEAT);
        heartbeat.set_missed_tick_behavior(MissedTickBehavior::Delay);
        let mut heard = Instant::now();
        let mut delivered = false;
        loop {
            tokio::select! {
                _ = run.tx.closed() => return End::Closed,
                first = ws.next() => {
                    let before = run.undecodable;
                    let batch = run.drain(&mut ws, first);
                    if batch.frames > 0 {
                        heard = Instant::now();
                    }
                    delivered |= batch.data;
                    if !run.flush(batch.ticks, before).await {
                        return End::Closed;
                    }
                    if let Some(error) = batch.end {
                        return End::Lost { error, delivered };
                    }
                }
                changed = run.symbols.changed(), if run.watching => {
                    if changed.is_err() {
                        // Nobody can change the list any more: keep streaming the last one.
                        run.watching = false;
                        continue;
                    }
                    let list = unique(&run.symbols.borrow_and_update());
                    if list == subscribed {
                        continue;
                    }
                    let removed: Vec<Symbol> =
                        subscribed.iter().filter(|s| !list.contains(s)).cloned().collect();
                    if !removed.is_empty() {
                        if let Err(e) = ws.send(command("unsubscribe", &removed)).await {
                            return End::Lost { error: format!("cannot unsubscribe: {e}"), delivered };
                        }
                    }
                    if list.is_empty() {
                        let _ = ws.close(None).await;
                        return End::Idle;
                    }
                    if let Err(e) = ws.send(command("subscribe", &list)).await {
                        return End::Lost { error: format!("cannot subscribe: {e}"), delivered };
                    }
                    let count_changed = list.len() != subscribed.len();
                    subscribed = list;
                    if count_changed && !run.emit(StreamEvent::Connected { subscribed: subscribed.len() }).await {
                        return End::Closed;
                    }
                }
                _ = heartbeat.tick() => {
                    if heard.elapsed() >= IDLE_LIMIT {
                        let error = format!("no answer for {} s", IDLE_LIMIT.as_secs());
                        return End::Lost { error, delivered };
                    }
                    let sent = match ws.feed(command("subscribe", &subscribed)).await {
                        Ok(()) => ws.send(Message::Ping(Default::default())).await,
                        Err(e) => Err(e),
                    };
                    if let Err(e) = sent {
                        return End::Lost { error: format!("connection lost: {e}"), delivered };
                    }
                }
            }
        }
    }
}

impl StreamSource for YahooStream {
    fn run(
        self: Arc<Self>,
        symbols: watch::Receiver<Vec<Symbol>>,
        tx: mpsc::Sender<StreamEvent>,
    ) -> BoxFuture<'static, ()> {
        Box::pin(async move { self.run_loop(Run { symbols, watching: true, tx, undecodable: 0 }).await })
    }
}

/// How a connection ended.
enum End {
    /// The receiver is gone: stop.
    Closed,
    /// The list became empty: wait for symbols before connecting again.
    Idle,
    /// Failed or dropped. `delivered`: at least one data frame came first.
    Lost { error: String, delivered: bool },
}

/// What one wake-up of the connection brought.
struct Batch {
    ticks: Vec<Tick>,
    /// Frames of any kind, pongs included: the link is alive.
    frames: usize,
    /// Some of them were prices: the server delivers.
    data: bool,
    /// Why the connection ended, if it did.
    end: Option<String>,
}

/// What outlives a single connection.
struct Run {
    symbols: watch::Receiver<Vec<Symbol>>,
    /// False once the symbols' sender is gone.
    watching: bool,
    tx: mpsc::Sender<StreamEvent>,
    undecodable: u64,
}

impl Run {
    /// The symbols to subscribe to, once there are any; `None` when there never will be or the
    /// receiver is gone.
    async fn wanted(&mut self) -> Option<Vec<Symbol>> {
        loop {
            let list = unique(&self.symbols.borrow_and_update());
            if !list.is_empty() {
                return Some(list);
            }
            if !self.watching {
                return None;
            }
            tokio::select! {
                changed = self.symbols.changed() => self.watching = changed.is_ok(),
                _ = self.tx.closed() => return None,
            }
        }
    }

    async fn emit(&self, event: StreamEvent) -> bool {
        self.tx.send(event).await.is_ok()
    }

    /// `first` and whatever else has already arrived, without waiting: a flood becomes one event.
    fn drain<S>(&mut self, ws: &mut S, first: Option<Result<Message, WsError>>) -> Batch
    where
        S: Stream<Item = Result<Message, WsError>> + Unpin,
    {
        let mut batch = Batch { ticks: Vec::new(), frames: 0, data: false, end: None };
        let mut next = Some(first);
        while let Some(item) = next.take() {
            match item {
                Some(Ok(Message::Close(_))) | None => {
                    batch.end = Some("the server closed the connection".into());
                }
                Some(Err(e)) => batch.end = Some(format!("connection lost: {e}")),
                Some(Ok(msg)) => {
                    batch.frames += 1;
                    // Only prices prove the server delivers: one that sends an ack or garbage and
                    // hangs up must not be retried at the base delay for ever.
                    let before = batch.ticks.len();
                    self.take(&msg, &mut batch.ticks);
                    batch.data |= batch.ticks.len() > before;
                }
            }
            if batch.end.is_none() && batch.frames < BATCH_MAX {
                next = ws.next().now_or_never();
            }
        }
        batch
    }

    fn take(&mut self, msg: &Message, ticks: &mut Vec<Tick>) {
        match decode_message(msg) {
            Ok(Some(t)) => ticks.push(t),
            Ok(None) => {}
            Err(e) => {
                self.undecodable += 1;
                let total = self.undecodable;
                if total == 1 || total % LOG_EVERY == 0 {
                    tracing::warn!(total, error = %e, "undecodable Yahoo stream frame");
                }
            }
        }
    }

    /// The batch's ticks, then the new undecodable count if it moved. False when the receiver is gone.
    async fn flush(&self, ticks: Vec<Tick>, undecodable_before: u64) -> bool {
        if !ticks.is_empty() && !self.emit(StreamEvent::Ticks(ticks)).await {
            return false;
        }
        self.undecodable == undecodable_before
            || self.emit(StreamEvent::Undecodable { total: self.undecodable }).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nvda() -> PricingData {
        PricingData {
            id: "NVDA".into(),
            price: 187.19,
            time: 1_795_964_400_000,
            change: 2.43,
            change_percent: 1.315,
            day_high: 188.5,
            day_low: 184.02,
            day_volume: 151_234_567,
            previous_close: 184.76,
            ..PricingData::default()
        }
    }

    fn expected() -> Tick {
        Tick {
            symbol: Symbol::parse("NVDA").unwrap(),
            price: 187.19,
            time: DateTime::from_timestamp_millis(1_795_964_400_000),
            change: Some(2.43),
            change_pct: Some(1.315),
            day_high: Some(188.5),
            day_low: Some(184.02),
            volume: Some(151_234_567),
            source: PriceSource::YahooStream,
        }
    }

    #[test]
    fn envelope_bare_and_binary_frames_decode_alike() {
        let p = nvda();
        assert_eq!(decode_text(&encode_frame(&p)), Ok(Some(expected())));
        assert_eq!(decode_text(&encode_base64(&p)), Ok(Some(expected())));
        assert_eq!(decode_text(&format!(" {}\n", encode_base64(&p))), Ok(Some(expected())));
        assert_eq!(decode_binary(&p.encode_to_vec()), Ok(Some(expected())));
        assert_eq!(decode_binary(encode_base64(&p).as_bytes()), Ok(Some(expected())));
        assert_eq!(decode_binary(encode_frame(&p).as_bytes()), Ok(Some(expected())));
        assert_eq!(decode_message(&Message::Binary(p.encode_to_vec().into())), Ok(Some(expected())));
    }

    #[test]
    fn acks_and_control_frames_are_not_ticks() {
        assert_eq!(decode_text(r#"{"type":"subscribed","subscriptions":["NVDA"]}"#), Ok(None));
        assert_eq!(decode_text(r#"{"type":"pricing","message":null}"#), Ok(None));
        assert_eq!(decode_message(&Message::Ping(Default::default())), Ok(None));
        assert_eq!(decode_message(&Message::Pong(Default::default())), Ok(None));
    }

    #[test]
    fn garbage_is_an_error() {
        assert_eq!(decode_text("not base64!!"), Err(DecodeError::Base64));
        assert!(matches!(decode_text(r#"{"type":"pricing","message":"#), Err(DecodeError::Json(_))));
        assert!(matches!(decode_text(r#"{"message":5}"#), Err(DecodeError::Json(_))));
        assert!(matches!(decode_text(&STANDARD.encode([0xff; 5])), Err(DecodeError::Protobuf(_))));
        assert!(matches!(decode_binary(&[0x0a, 0x20, 0x01]), Err(DecodeError::Protobuf(_))));
        assert!(matches!(decode_binary(&[]), Err(DecodeError::Symbol(_))));
        assert!(matches!(decode_text(""), Err(DecodeError::Symbol(_))));
    }

    #[test]
    fn a_price_must_be_finite_and_positive() {
        for price in [f32::NAN, f32::INFINITY, f32::NEG_INFINITY, 0.0, -3.5] {
            let p = PricingData { price, ..nvda() };
            assert!(matches!(decode_text(&encode_frame(&p)), Err(DecodeError::Price(_))), "{price}");
        }
    }

    #[test]
    fn a_hostile_id_is_rejected_and_not_echoed_raw() {
        let p = PricingData { id: "\u{1b}]8;;http://x\u{7}NVDA\u{1b}[2J".into(), ..nvda() };
        let err = decode_text(&encode_frame(&p)).unwrap_err();
        assert!(matches!(err, DecodeError::Symbol(_)));
        let shown = err.to_string();
        assert!(!shown.chars().any(|c| c.is_control()), "{shown:?}");
        let long = PricingData { id: "A".repeat(5000), ..nvda() };
        assert!(decode_text(&encode_frame(&long)).unwrap_err().to_string().len() < 64);
    }

    #[test]
    fn absent_fields_are_none_and_a_real_zero_change_is_kept() {
        let bare = PricingData { id: "amd".into(), price: 120.5, ..PricingData::default() };
        let t = decode_text(&encode_frame(&bare)).unwrap().unwrap();
        assert_eq!(t.symbol.as_str(), "AMD");
        assert_eq!((t.time, t.day_high, t.day_low, t.volume), (None, None, None, None));
        // No previous close to contradict it: unchanged.
        assert_eq!((t.change, t.change_pct), (Some(0.0), Some(0.0)));
        let flat = PricingData { previous_close: 120.5, ..bare.clone() };
        let t = decode_text(&encode_frame(&flat)).unwrap().unwrap();
        assert_eq!((t.change, t.change_pct), (Some(0.0), Some(0.0)));
        let moved = PricingData { previous_close: 118.0, ..bare };
        let t = decode_text(&encode_frame(&moved)).unwrap().unwrap();
        assert_eq!((t.change, t.change_pct), (None, None));
        let nan = PricingData { change: f32::NAN, day_high: f32::INFINITY, day_volume: -5, ..nvda() };
        let t = decode_text(&encode_frame(&nan)).unwrap().unwrap();
        assert_eq!((t.change, t.day_high, t.volume), (None, None, None));
    }

    #[test]
    fn backoff_doubles_to_the_cap_with_bounded_jitter() {
        let s = YahooStream::new(crate::config::DEFAULT_STREAM_URL.into());
        let secs = |a| s.backoff(a, 0.0).as_secs();
        assert_eq!([0, 1, 2, 3, 4, 5, 6, 7, 40].map(secs), [1, 2, 4, 8, 16, 32, 60, 60, 60]);
        assert_eq!(s.backoff(0, 1.0), Duration::from_millis(1200));
        assert_eq!(s.backoff(9, 1.0), Duration::from_secs(72));
        assert_eq!(s.backoff(2, 0.5), Duration::from_millis(4400));
        assert_eq!(s.backoff(0, f64::NAN), Duration::from_secs(1));
        assert_eq!(s.backoff(0, 7.0), Duration::from_millis(1200));
        let fast =
            YahooStream::new(String::new()).with_backoff(Duration::from_millis(10), Duration::from_secs(1));
        assert_eq!(fast.backoff(3, 0.0), Duration::from_millis(80));
        assert_eq!(fast.backoff(u32::MAX, 0.0), Duration::from_secs(1));
    }

    #[test]
    fn commands_and_unique() {
        let s = |x: &str| Symbol::parse(x).unwrap();
        let list = unique(&[s("NVDA"), s("0981.HK"), s("NVDA")]);
        assert_eq!(command("subscribe", &list), Message::text(r#"{"subscribe":["NVDA","0981.HK"]}"#));
        assert_eq!(command("unsubscribe", &list[1..]), Message::text(r#"{"unsubscribe":["0981.HK"]}"#));
    }
}
