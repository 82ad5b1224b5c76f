//! `/v7/finance/quote`: the batched quote endpoint (needs cookie + crumb).

use chrono::{DateTime, Utc};
use serde::Deserialize;

use super::num;
use crate::market::calendar::Calendar;
use crate::market::events::{self, Events};
use crate::market::exchange::exchange_for;
use crate::market::{MarketState, PriceSource, Quote, Symbol};
use crate::present::sanitize::clean;

#[derive(Deserialize)]
struct Envelope<'a> {
    #[serde(rename = "quoteResponse", borrow)]
    quote_response: Option<Body<'a>>,
    finance: Option<FinanceError>,
}

/// Each result is kept as its raw text, so one that does not decode costs only its own symbol; read
/// straight into `Raw` with no tree of values in between.
#[derive(Deserialize)]
struct Body<'a> {
    #[serde(default, borrow)]
    result: Option<Vec<&'a serde_json::value::RawValue>>,
}

#[derive(Deserialize)]
struct FinanceError {
    error: Option<ErrorBody>,
}

#[derive(Deserialize)]
struct ErrorBody {
    #[serde(default)]
    description: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
struct Raw {
    symbol: Option<String>,
    short_name: Option<String>,
    long_name: Option<String>,
    display_name: Option<String>,
    currency: Option<String>,
    #[serde(deserialize_with = "num::opt")]
    regular_market_price: Option<f64>,
    #[serde(deserialize_with = "num::opt")]
    regular_market_change: Option<f64>,
    #[serde(deserialize_with = "num::opt")]
    regular_market_change_percent: Option<f64>,
    #[serde(deserialize_with = "num::opt")]
    regular_market_previous_close: Option<f64>,
    #[serde(deserialize_with = "num::opt")]
    regular_market_open: Option<f64>,
    #[serde(deserialize_with = "num::opt")]
    regular_market_day_high: Option<f64>,
    #[serde(deserialize_with = "num::opt")]
    regular_market_day_low: Option<f64>,
    #[serde(deserialize_with = "num::opt_u64")]
    regular_market_volume: Option<u64>,
    #[serde(deserialize_with = "num::opt_i64")]
    regular_market_time: Option<i64>,
    #[serde(deserialize_with = "num::opt")]
    market_cap: Option<f64>,
    market_state: Option<String>,
    full_exchange_name: Option<String>,
    exchange: Option<String>,
    #[serde(deserialize_with = "num::opt")]
    pre_market_price: Option<f64>,
    #[serde(deserialize_with = "num::opt")]
    pre_market_change_percent: Option<f64>,
    #[serde(deserialize_with = "num::opt")]
    post_market_price: Option<f64>,
    #[serde(deserialize_with = "num::opt")]
    post_market_change_percent: Option<f64>,
    #[serde(deserialize_with = "num::opt")]
    exchange_data_delayed_by: Option<f64>,
    #[serde(deserialize_with = "num::opt")]
    fifty_two_week_high: Option<f64>,
    #[serde(deserialize_with = "num::opt")]
    fifty_two_week_low: Option<f64>,
    #[serde(deserialize_with = "num::opt_i64")]
    earnings_timestamp: Option<i64>,
    #[serde(deserialize_with = "num::opt_i64")]
    earnings_timestamp_start: Option<i64>,
    #[serde(deserialize_with = "num::opt_i64")]
    earnings_timestamp_end: Option<i64>,
    #[serde(deserialize_with = "num::opt_bool")]
    is_earnings_date_estimate: Option<bool>,
    #[serde(deserialize_with = "num::opt_i64")]
    ex_dividend_date: Option<i64>,
    #[serde(deserialize_with = "num::opt_i64")]
    dividend_date: Option<i64>,
}

/// What a v7 body says.
#[derive(Debug)]
pub enum Decoded {
    Quotes(Vec<Quote>),
    /// Yahoo's own error text (e.g. "Invalid Crumb").
    Refused(String),
}

pub fn market_state(s: Option<&str>, sym: &Symbol, now: DateTime<Utc>, cal: &Calendar) -> MarketState {
    match s {
        Some("REGULAR") => MarketState::Regular,
        Some("PRE") => MarketState::Pre,
        Some("POST") => MarketState::Post,
        Some("PREPRE" | "POSTPOST" | "CLOSED") => MarketState::Closed,
        _ => MarketState::from_session(exchange_for(sym.as_str()).state_at(now, cal)),
    }
}

/// The first non-empty text, cleaned: names and exchanges from the network reach the screen.
fn first_text(opts: [&Option<String>; 3]) -> Option<String> {
    opts.into_iter().flatten().map(|s| clean(s)).find(|s| !s.is_empty())
}

fn convert(r: Raw, now: DateTime<Utc>, cal: &Calendar) -> Option<Quote> {
    let symbol = Symbol::parse(r.symbol.as_deref()?).ok()?;
    let state = market_state(r.market_state.as_deref(), &symbol, now, cal);
    let (extended_price, extended_change_pct) = match state {
        MarketState::Pre => (r.pre_market_price, r.pre_market_change_percent),
        MarketState::Post => (r.post_market_price, r.post_market_change_percent),
        _ => (None, None),
    };
    Some(Quote {
        name: first_text([&r.short_name, &r.long_name, &r.display_name]),
        name_zh: None,
        currency: r.currency.map(|c| clean(&c)).filter(|c| !c.is_empty()),
        price: r.regular_market_price,
        change: r.regular_market_change,
        change_pct: r.regular_market_change_percent,
        previous_close: r.regular_market_previous_close,
        open: r.regular_market_open,
        day_high: r.regular_market_day_high,
        day_low: r.regular_market_day_low,
        volume: r.regular_market_volume,
        market_cap: r.market_cap,
        market_state: state,
        exchange: first_text([&r.full_exchange_name, &r.exchange, &None]),
        time: r.regular_market_time.and_then(|t| DateTime::from_timestamp(t, 0)),
        extended_price,
        extended_change_pct,
        // Not said, or not a believable delay (over a day): not known to be delayed.
        delay_min: r.exchange_data_delayed_by.filter(|d| (0.0..=1440.0).contains(d)).map_or(0, |d| d as u32),
        source: PriceSource::Yahoo,
        events: Events {
            earnings: r.earnings_timestamp.and_then(events::time_of),
            earnings_start: r.earnings_timestamp_start.and_then(events::time_of),
            earnings_end: r.earnings_timestamp_end.and_then(events::time_of),
            earnings_estimate: r.is_earnings_date_estimate,
            ex_dividend: r.ex_dividend_date.and_then(events::date_of),
            dividend: r.dividend_date.and_then(events::date_of),
        },
        year_high: r.fifty_two_week_high,
        year_low: r.fifty_two_week_low,
        // Yahoo gives neither the mainland's limits nor a suspension.
        limit_up: None,
        limit_down: None,
        halted: false,
        symbol,
    })
}

/// Decode a v7 body. `Err` is for bodies that are not Yahoo's JSON at all (HTML, truncated, empty).
pub fn decode(body: &[u8], now: DateTime<Utc>, cal: &Calendar) -> Result<Decoded, String> {
    let env: Envelope = serde_json::from_slice(body).map_err(|e| super::not_json(body, &e))?;
    if let Some(qr) = env.quote_response {
        // A result entry that does not decode is skipped: that symbol then has no data.
        let quotes = qr
            .result
            .unwrap_or_default()
            .into_iter()
            .filter_map(|v| serde_json::from_str::<Raw>(v.get()).ok())
            .filter_map(|r| convert(r, now, cal))
            .collect();
        return Ok(Decoded::Quotes(quotes));
    }
    if let Some(desc) = env.finance.and_then(|f| f.error).and_then(|e| e.description) {
        return Ok(Decoded::Refused(clean(&desc)));
    }
    Err("no quoteResponse in the answer".to_string())
}
