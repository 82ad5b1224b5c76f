//! `/v8/finance/chart/{symbol}`: needs no crumb; its `meta` is a quote of its own.

use chrono::{DateTime, Utc};
use serde::Deserialize;

use super::num;
use crate::market::calendar::Calendar;
use crate::market::exchange::exchange_for;
use crate::market::series::{ChartRange, Series};
use crate::market::{MarketState, PriceSource, Quote, Symbol};
use crate::present::sanitize::clean;

#[derive(Deserialize)]
struct Envelope {
    chart: Chart,
}

#[derive(Deserialize)]
struct Chart {
    #[serde(default)]
    result: Option<Vec<Result_>>,
    #[serde(default)]
    error: Option<ChartError>,
}

#[derive(Deserialize)]
struct ChartError {
    #[serde(default)]
    description: Option<String>,
}

#[derive(Deserialize)]
struct Result_ {
    meta: Meta,
    #[serde(default)]
    timestamp: Option<Vec<Option<i64>>>,
    #[serde(default)]
    indicators: Option<Indicators>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Indicators {
    quote: Vec<Bars>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Bars {
    close: Vec<Option<f64>>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
struct Meta {
    symbol: Option<String>,
    currency: Option<String>,
    exchange_name: Option<String>,
    full_exchange_name: Option<String>,
    short_name: Option<String>,
    long_name: Option<String>,
    #[serde(deserialize_with = "num::opt")]
    regular_market_price: Option<f64>,
    #[serde(deserialize_with = "num::opt")]
    previous_close: Option<f64>,
    #[serde(deserialize_with = "num::opt")]
    chart_previous_close: Option<f64>,
    #[serde(deserialize_with = "num::opt")]
    regular_market_day_high: Option<f64>,
    #[serde(deserialize_with = "num::opt")]
    regular_market_day_low: Option<f64>,
    #[serde(deserialize_with = "num::opt_u64")]
    regular_market_volume: Option<u64>,
    #[serde(deserialize_with = "num::opt_i64")]
    regular_market_time: Option<i64>,
    #[serde(deserialize_with = "num::opt")]
    fifty_two_week_high: Option<f64>,
    #[serde(deserialize_with = "num::opt")]
    fifty_two_week_low: Option<f64>,
    current_trading_period: Option<Periods>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Periods {
    regular: Option<Period>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Period {
    #[serde(deserialize_with = "num::opt_i64")]
    end: Option<i64>,
}

impl Result_ {
    fn closes(&self) -> &[Option<f64>] {
        self.indicators.as_ref().and_then(|i| i.quote.first()).map_or(&[], |q| q.close.as_slice())
    }
}

/// The body's one result, or why there is none (Yahoo's "No data found, symbol may be delisted").
/// `Err`: the body is not a chart at all.
fn first_result(body: &[u8]) -> Result<Result<Result_, String>, String> {
    let env: Envelope = serde_json::from_slice(body).map_err(|e| super::not_json(body, &e))?;
    if let Some(err) = env.chart.error {
        return Ok(Err(err.description.map(|d| clean(&d)).unwrap_or_else(|| "no data".to_string())));
    }
    Ok(env
        .chart
        .result
        .and_then(|mut v| (!v.is_empty()).then(|| v.swap_remove(0)))
        .ok_or_else(|| "no data".to_string()))
}

/// What a chart body says about one symbol.
#[derive(Debug)]
pub enum Decoded {
    Quote(Box<Quote>),
    /// Yahoo's "No data found, symbol may be delisted" and the like.
    NoData(String),
}

/// A quote from the chart's `meta`. `state` comes from the exchange table: the chart has no marketState.
pub fn decode(
    body: &[u8],
    requested: &Symbol,
    now: DateTime<Utc>,
    cal: &Calendar,
) -> Result<Decoded, String> {
    let r = match first_result(body)? {
        Ok(r) => r,
        Err(why) => return Ok(Decoded::NoData(why)),
    };
    let symbol =
        r.meta.symbol.as_deref().and_then(|s| Symbol::parse(s).ok()).unwrap_or_else(|| requested.clone());
    let prev = r.meta.previous_close.or(r.meta.chart_previous_close);
    let price = r.meta.regular_market_price;
    let change = price.zip(prev).map(|(p, c)| p - c);
    let change_pct = price.zip(prev).filter(|(_, c)| *c != 0.0).map(|(p, c)| (p - c) / c * 100.0);
    let state = MarketState::from_session(exchange_for(symbol.as_str()).state_at(now, cal));
    // Pre/post-market: the last bar after the regular session's end is the extended price.
    let extended_price = match state {
        MarketState::Pre | MarketState::Post => {
            let regular_end =
                r.meta.current_trading_period.as_ref().and_then(|p| p.regular.as_ref()).and_then(|p| p.end);
            let ts = r.timestamp.as_deref().unwrap_or(&[]);
            ts.iter().zip(r.closes()).rev().find_map(|(t, c)| match (t, c) {
                (Some(t), Some(c)) if state == MarketState::Pre || regular_end.is_none_or(|e| *t >= e) => {
                    Some(*c)
                }
                _ => None,
            })
        }
        _ => None,
    };
    let extended_change_pct =
        extended_price.zip(price).filter(|(_, p)| *p != 0.0).map(|(e, p)| (e - p) / p * 100.0);
    let m = r.meta;
    Ok(Decoded::Quote(Box::new(Quote {
        name: m.short_name.or(m.long_name).map(|s| clean(&s)).filter(|s| !s.is_empty()),
        name_zh: None,
        currency: m.currency.map(|c| clean(&c)),
        price,
        change,
        change_pct,
        previous_close: prev,
        open: None,
        day_high: m.regular_market_day_high,
        day_low: m.regular_market_day_low,
        volume: m.regular_market_volume,
        market_cap: None,
        market_state: state,
        exchange: m.full_exchange_name.or(m.exchange_name).map(|e| clean(&e)),
        time: m.regular_market_time.and_then(|t| DateTime::from_timestamp(t, 0)),
        extended_price,
        extended_change_pct,
        delay_min: 0,
        source: PriceSource::Yahoo,
        // The chart carries no event dates.
        events: Default::default(),
        year_high: m.fifty_two_week_high,
        year_low: m.fifty_two_week_low,
        // Yahoo gives neither the mainland's limits nor a suspension.
        limit_up: None,
        limit_down: None,
        halted: false,
        symbol,
    })))
}

/// What a chart body says as a series.
#[derive(Debug)]
pub enum SeriesDecoded {
    Series(Series),
    NoData(String),
}

/// The bars of a chart body as a series: null bars skipped; no `timestamp` (a weekend, a holiday)
/// is an empty series, not an error.
pub fn decode_series(body: &[u8], requested: &Symbol, range: ChartRange) -> Result<SeriesDecoded, String> {
    let r = match first_result(body)? {
        Ok(r) => r,
        Err(why) => return Ok(SeriesDecoded::NoData(why)),
    };
    let points = r
        .timestamp
        .as_deref()
        .unwrap_or(&[])
        .iter()
        .zip(r.closes())
        .filter_map(|(t, c)| match (t, c) {
            (Some(t), Some(c)) => {
                num::plausible(*c).and_then(|c| DateTime::from_timestamp(*t, 0).map(|t| (t, c)))
            }
            _ => None,
        })
        .collect();
    // For one day the reference is yesterday's close; for longer ranges, the close before the range.
    let previous_close = if range == ChartRange::D1 {
        r.meta.previous_close.or(r.meta.chart_previous_close)
    } else {
        r.meta.chart_previous_close.or(r.meta.previous_close)
    };
    Ok(SeriesDecoded::Series(Series {
        symbol: requested.clone(),
        points,
        previous_close,
        currency: r.meta.currency.map(|c| clean(&c)),
    }))
}
