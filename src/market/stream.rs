//! Pushed prices: one tick per change of a symbol's price, and what the stream connection is doing.

use std::time::Duration;

use chrono::{DateTime, Utc};

use super::{PriceSource, Symbol};

/// One pushed price change. Only what the push carries; names, market cap and the previous close
/// stay with the polled quote.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Tick {
    pub symbol: Symbol,
    pub price: f64,
    /// The exchange's time of the price.
    pub time: Option<DateTime<Utc>>,
    pub change: Option<f64>,
    pub change_pct: Option<f64>,
    pub day_high: Option<f64>,
    pub day_low: Option<f64>,
    /// Cumulative for the day, in shares.
    pub volume: Option<u64>,
    /// The stream that pushed it: the quote it is folded into says so.
    pub source: PriceSource,
}

/// What a stream tells the loop.
#[derive(Debug, Clone, PartialEq)]
pub enum StreamEvent {
    /// Connected and subscribed to this many symbols.
    Connected { subscribed: usize },
    /// Price changes, oldest first (a burst may be folded into one event).
    Ticks(Vec<Tick>),
    /// The connection failed or dropped: the next attempt comes after `retry_in`.
    Reconnecting { retry_in: Duration, error: String },
    /// Frames that could not be read so far (counted, logged, never fatal).
    Undecodable { total: u64 },
}
