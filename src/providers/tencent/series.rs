//! Tencent's price series for the charts: Shanghai, Shenzhen, Hong Kong and US listings.
//!
//! Endpoints (under the series base, `web.ifzq.gtimg.cn` in production), as public clients use them:
//! - bars: `appstock/app/{fqkline|hkfqkline|usfqkline}/get?param=CODE,day|week,,,COUNT,qfq`; the
//!   rows sit at `data.CODE.qfqday` (or `day`, `qfqweek`, `week`), each
//!   `[date "YYYY-MM-DD", open, close, high, low, volume, …]` as strings, with an object (`{}` or
//!   dividend facts) among the later elements. A row's date is the exchange's trading date (a
//!   weekly row carries the week's last trading date).
//! - one day of minutes: `appstock/app/minute/query?code=CODE`: `data.CODE.data.data` rows
//!   `"HHMM price volume [amount]"` (US rows have no amount) in exchange-local time, the session in
//!   `data.CODE.data.date` (`YYYYMMDD`), the quote in `data.CODE.qt.CODE` (field 4: previous close).
//! - five days of minutes: `appstock/app/day/query?code=CODE` (`dayus/query` for US):
//!   `data.CODE.data` is a list of `{date, data: [rows as above], prec}`, newest first.
//!
//! Codes: `688256.SS` → `sh688256`, `002371.SZ` → `sz002371`, `0981.HK` → `hk00981`, and for US the
//! exchange-suffixed code (`usNVDA.OQ`) read from field 2 of the quote answer, asked once per symbol.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Datelike, Months, NaiveDate, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;
use futures::future::BoxFuture;
use serde_json::{Map, Value};

use super::quote::{self, market_code};
use crate::market::Symbol;
use crate::market::clock::Clock;
use crate::market::series::{ChartRange, Series};
use crate::present::sanitize::clean;
use crate::providers::http::{Http, HttpOptions};
use crate::providers::{ChartSource, ProviderError};

/// A price above this is not a price (a misplaced volume, a broken row).
const PLAUSIBLE: f64 = 1e9;

/// Daily bars asked for the previous close when an intraday answer does not carry it.
const PREV_CLOSE_BARS: u32 = 10;

/// The markets Tencent keeps series for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Market {
    /// Shanghai and Shenzhen.
    Mainland,
    HongKong,
    Us,
}

impl Market {
    fn tz(self) -> Tz {
        match self {
            Market::Mainland => chrono_tz::Asia::Shanghai,
            Market::HongKong => chrono_tz::Asia::Hong_Kong,
            Market::Us => chrono_tz::America::New_York,
        }
    }

    fn currency(self) -> &'static str {
        match self {
            Market::Mainland => "CNY",
            Market::HongKong => "HKD",
            Market::Us => "USD",
        }
    }

    /// Where a daily or weekly bar is placed: the regular session's opening minute (09:30 local in
    /// all three markets), as Yahoo places its daily bars.
    fn bar_time(self) -> NaiveTime {
        NaiveTime::from_hms_opt(9, 30, 0).unwrap_or(NaiveTime::MIN)
    }

    fn kline_path(self) -> &'static str {
        match self {
            Market::Mainland => "fqkline",
            Market::HongKong => "hkfqkline",
            Market::Us => "usfqkline",
        }
    }

    fn five_day_path(self) -> &'static str {
        match self {
            Market::Us => "dayus",
            _ => "day",
        }
    }
}

/// Where Tencent keeps `sym`: its market and code (for US, the quote code `usNVDA`, before the
/// exchange suffix is known). None for everything else (indices, FX, other exchanges).
pub fn locate(sym: &Symbol) -> Option<(Market, String)> {
    // The quote service's codes, with Hong Kong's `r_` (its real-time quote line) dropped: the
    // series endpoints want the bare `hk00981`.
    let (market, code) = market_code(sym)?;
    Some(match market {
        quote::Market::Mainland => (Market::Mainland, code),
        quote::Market::HongKong => (Market::HongKong, code.trim_start_matches("r_").to_string()),
        quote::Market::Us => (Market::Us, code),
    })
}

/// What a series answer said, short of a series.
#[derive(Debug, Clone, PartialEq)]
pub enum Bad {
    /// Tencent knows no such code.
    NoData(String),
    /// Not an answer we can read.
    Decode(String),
}

impl Bad {
    fn into_error(self, sym: &Symbol) -> ProviderError {
        match self {
            Bad::NoData(why) => ProviderError::NoData(format!("{sym} ({why})")),
            Bad::Decode(why) => ProviderError::Decode(why),
        }
    }
}

/// A price from a row cell: a number or a numeric string, finite, positive and plausible.
fn price(v: &Value) -> Option<f64> {
    let x = match v {
        Value::String(s) => s.trim().parse::<f64>().ok()?,
        Value::Number(n) => n.as_f64()?,
        _ => return None,
    };
    (x.is_finite() && x > 0.0 && x < PLAUSIBLE).then_some(x)
}

fn price_str(s: &str) -> Option<f64> {
    price(&Value::String(s.to_string()))
}

/// `2026-11-24` or `20261124`.
fn date(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    NaiveDate::parse_from_str(s, "%Y-%m-%d").or_else(|_| NaiveDate::parse_from_str(s, "%Y%m%d")).ok()
}

/// `0930` → 09:30.
fn minute(s: &str) -> Option<NaiveTime> {
    if s.len() != 4 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let (h, m) = (s[..2].parse().ok()?, s[2..].parse().ok()?);
    NaiveTime::from_hms_opt(h, m, 0)
}

/// The JSON of an answer (a `name=` prefix and a trailing `;`, as JSONP answers have, are dropped).
fn json(body: &[u8]) -> Result<Value, Bad> {
    let text = std::str::from_utf8(body).map_err(|_| Bad::Decode("the answer is not UTF-8".to_string()))?;
    let mut t = text.trim();
    if !t.starts_with('{')
        && let Some((name, rest)) = t.split_once('=')
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
    {
        t = rest.trim();
    }
    let t = t.strip_suffix(';').unwrap_or(t);
    serde_json::from_str(t).map_err(|e| {
        let what = if t.is_empty() { "an empty answer".to_string() } else { format!("not JSON ({e})") };
        Bad::Decode(what)
    })
}

/// `v[key]`, where the key is our code, or the code without its exchange suffix (`usNVDA` for
/// `usNVDA.OQ`), or the other way round.
fn keyed<'a>(map: &'a Map<String, Value>, code: &str) -> Option<&'a Value> {
    map.get(code).or_else(|| {
        let base = code.split('.').next().unwrap_or(code);
        map.get(base).or_else(|| {
            map.iter().find(|(k, _)| k.split('.').next() == Some(base) && k.starts_with("us")).map(|(_, v)| v)
        })
    })
}

/// The answer's entry for `code`: `data.CODE`, after checking Tencent's own return code.
fn entry<'a>(v: &'a Value, code: &str) -> Result<&'a Map<String, Value>, Bad> {
    let top = v.as_object().ok_or_else(|| Bad::Decode("the answer is not a JSON object".to_string()))?;
    let rc = match top.get("code") {
        None | Some(Value::Null) => 0,
        Some(Value::Number(n)) => n.as_i64().unwrap_or(-1),
        Some(Value::String(s)) => s.trim().parse().unwrap_or(-1),
        Some(_) => -1,
    };
    if rc != 0 {
        let msg = top.get("msg").and_then(Value::as_str).map(clean).unwrap_or_default();
        let msg = msg.chars().take(80).collect::<String>();
        return Err(Bad::Decode(format!("Tencent answered code {rc} {msg}").trim_end().to_string()));
    }
    let data = top
        .get("data")
        .and_then(Value::as_object)
        .ok_or_else(|| Bad::Decode("the answer has no data".to_string()))?;
    keyed(data, code)
        .and_then(Value::as_object)
        .ok_or_else(|| Bad::Decode(format!("the answer has nothing under {code}")))
}

/// The quote inside an entry (`qt.CODE`), as fields; empty when there is none. Tencent answers an
/// unknown code with an empty one.
fn qt_fields(e: &Map<String, Value>, code: &str) -> Vec<String> {
    let Some(q) = e.get("qt").and_then(Value::as_object).and_then(|qt| keyed(qt, code)) else {
        return Vec::new();
    };
    match q {
        Value::Array(a) => {
            let fields: Vec<String> = a.iter().map(|x| x.as_str().unwrap_or_default().to_string()).collect();
            // One `~`-joined string instead of a list: the same fields.
            match fields.as_slice() {
                [one] if one.contains('~') => one.split('~').map(str::to_string).collect(),
                _ => fields,
            }
        }
        Value::String(s) => s.split('~').map(str::to_string).collect(),
        _ => Vec::new(),
    }
}

/// An entry without what was asked for: an unknown code when its quote is empty too, otherwise a
/// layout we do not know.
fn missing(e: &Map<String, Value>, code: &str, what: &str) -> Bad {
    if qt_fields(e, code).iter().all(|f| f.trim().is_empty()) {
        Bad::NoData(format!("Tencent has no {code}"))
    } else {
        Bad::Decode(format!("no {what} in the answer for {code}"))
    }
}

/// Daily or weekly closes from a kline answer, oldest first, one per date. `period` is `day` or
/// `week`. Unreadable rows are skipped; rows that are all unreadable are an error.
pub fn parse_bars(body: &[u8], code: &str, period: &str) -> Result<Vec<(NaiveDate, f64)>, Bad> {
    let v = json(body)?;
    let e = entry(&v, code)?;
    let rows = [format!("qfq{period}"), period.to_string()]
        .iter()
        .find_map(|k| e.get(k))
        .ok_or_else(|| missing(e, code, "bars"))?;
    let rows = rows.as_array().ok_or_else(|| Bad::Decode(format!("the bars for {code} are not a list")))?;
    let mut bars: Vec<(NaiveDate, f64)> = rows
        .iter()
        .filter_map(|r| {
            let r = r.as_array()?;
            Some((date(r.first()?.as_str()?)?, price(r.get(2)?)?))
        })
        .collect();
    if bars.is_empty() && !rows.is_empty() {
        return Err(Bad::Decode(format!("none of the {} bars for {code} is readable", rows.len())));
    }
    bars.sort_by_key(|b| b.0);
    // The later of two rows for one date wins.
    bars.reverse();
    bars.dedup_by_key(|b| b.0);
    bars.reverse();
    Ok(bars)
}

/// One session of minute prices.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Session {
    /// The trading date; none when the answer names none (then there are no rows either).
    pub date: Option<NaiveDate>,
    /// Exchange-local minute and price, in time order.
    pub rows: Vec<(NaiveTime, f64)>,
    /// The close before this session, when the answer says.
    pub previous_close: Option<f64>,
}

/// `"HHMM price …"` rows, in time order, one per minute; unreadable rows skipped.
fn minute_rows(rows: &[Value]) -> Vec<(NaiveTime, f64)> {
    let mut out: Vec<(NaiveTime, f64)> = rows
        .iter()
        .filter_map(|r| {
            let mut f = r.as_str()?.split_whitespace();
            Some((minute(f.next()?)?, price_str(f.next()?)?))
        })
        .collect();
    out.sort_by_key(|r| r.0);
    out.reverse();
    out.dedup_by_key(|r| r.0);
    out.reverse();
    out
}

/// A session from its `{date, data: [rows]}` object. Rows without a readable date are an error.
fn session(day: &Map<String, Value>, code: &str) -> Result<Session, Bad> {
    let raw = match day.get("data") {
        None | Some(Value::Null) => &[][..],
        Some(Value::Array(a)) => a.as_slice(),
        Some(_) => return Err(Bad::Decode(format!("the minutes for {code} are not a list"))),
    };
    let rows = minute_rows(raw);
    if rows.is_empty() && raw.iter().any(|r| r.as_str().is_some_and(|s| s.split_whitespace().count() >= 2)) {
        return Err(Bad::Decode(format!("none of the {} minutes for {code} is readable", raw.len())));
    }
    let date = day.get("date").and_then(Value::as_str).and_then(date);
    if date.is_none() && !rows.is_empty() {
        return Err(Bad::Decode(format!("the minutes for {code} have no date")));
    }
    let previous_close = day.get("prec").and_then(price);
    Ok(Session { date, rows, previous_close })
}

/// Today's minutes from a `minute/query` answer, with the previous close from its quote.
pub fn parse_minutes(body: &[u8], code: &str) -> Result<Session, Bad> {
    let v = json(body)?;
    let e = entry(&v, code)?;
    let day = e.get("data").and_then(Value::as_object).ok_or_else(|| missing(e, code, "minutes"))?;
    let mut s = session(day, code)?;
    s.previous_close = qt_fields(e, code).get(4).and_then(|f| price_str(f)).or(s.previous_close);
    Ok(s)
}

/// The sessions of a `day/query` answer, oldest first, one per date.
pub fn parse_days(body: &[u8], code: &str) -> Result<Vec<Session>, Bad> {
    let v = json(body)?;
    let e = entry(&v, code)?;
    let days = e.get("data").ok_or_else(|| missing(e, code, "sessions"))?;
    let days =
        days.as_array().ok_or_else(|| Bad::Decode(format!("the sessions for {code} are not a list")))?;
    let mut out = Vec::new();
    for d in days {
        let d = d.as_object().ok_or_else(|| Bad::Decode(format!("a session for {code} is not an object")))?;
        let s = session(d, code)?;
        if s.date.is_some() {
            out.push(s);
        }
    }
    out.sort_by_key(|s| s.date);
    out.dedup_by_key(|s| s.date);
    Ok(out)
}

/// The exchange-suffixed US code (`usNVDA.OQ`) from a GBK quote answer for `quote_code`
/// (`usNVDA`): field 2 of its line. `Ok(None)`: Tencent knows no such code.
pub fn parse_us_code(body: &[u8], quote_code: &str) -> Result<Option<String>, String> {
    let (text, _, _) = encoding_rs::GBK.decode(body);
    let mut none = false;
    for part in text.split(';') {
        let Some((name, value)) = part.trim().split_once('=') else { continue };
        let Some(name) = name.trim().strip_prefix("v_") else { continue };
        if name == "pv_none_match" {
            none = true;
            continue;
        }
        if name != quote_code {
            continue;
        }
        let fields: Vec<&str> = value.trim().trim_matches('"').split('~').collect();
        let Some(sym) = fields.get(2).map(|s| s.trim()) else { break };
        let ok = !sym.is_empty()
            && sym.len() <= 24
            && sym.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-');
        if ok {
            return Ok(Some(format!("us{sym}")));
        }
        return Err(format!("Tencent's quote for {quote_code} names no code"));
    }
    if none {
        return Ok(None);
    }
    Err(format!("Tencent's quote answer has no line for {quote_code}"))
}

/// A local date and minute in `tz` as an instant (the earlier one in a DST overlap, none in a gap).
fn instant(tz: Tz, d: NaiveDate, t: NaiveTime) -> Option<DateTime<Utc>> {
    tz.from_local_datetime(&d.and_time(t)).earliest().map(|x| x.with_timezone(&Utc))
}

/// The points of one or more sessions.
fn session_points(market: Market, sessions: &[Session]) -> Vec<(DateTime<Utc>, f64)> {
    sessions
        .iter()
        .filter_map(|s| Some((s.date?, &s.rows)))
        .flat_map(|(d, rows)| rows.iter().filter_map(move |(t, p)| Some((instant(market.tz(), d, *t)?, *p))))
        .collect()
}

/// The last close before `date`.
fn close_before(bars: &[(NaiveDate, f64)], date: NaiveDate) -> Option<f64> {
    bars.iter().rev().find(|b| b.0 < date).map(|b| b.1)
}

/// Bars from `start` on as points, with the close before them.
pub fn cut(
    market: Market,
    bars: &[(NaiveDate, f64)],
    start: NaiveDate,
) -> (Vec<(DateTime<Utc>, f64)>, Option<f64>) {
    let points = bars
        .iter()
        .filter(|b| b.0 >= start)
        .filter_map(|(d, p)| Some((instant(market.tz(), *d, market.bar_time())?, *p)));
    (points.collect(), close_before(bars, start))
}

/// What each range asks of Tencent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ask {
    /// Today's minutes.
    Minutes,
    /// Five sessions of minutes.
    FiveDays,
    /// Bars of `period` (`day`, `week`), `count` of them, cut to the last `months` (0: to the
    /// year's start).
    Bars { period: &'static str, count: u32, months: u32 },
}

fn ask(range: ChartRange) -> Ask {
    // Counts leave room for the close before the range: about 21 trading days a month, 52 weeks
    // a year (Tencent serves up to about 300 bars an answer).
    match range {
        ChartRange::D1 => Ask::Minutes,
        ChartRange::D5 => Ask::FiveDays,
        ChartRange::M1 => Ask::Bars { period: "day", count: 40, months: 1 },
        ChartRange::M6 => Ask::Bars { period: "day", count: 160, months: 6 },
        ChartRange::Ytd => Ask::Bars { period: "day", count: 280, months: 0 },
        ChartRange::Y1 => Ask::Bars { period: "day", count: 280, months: 12 },
        ChartRange::Y5 => Ask::Bars { period: "week", count: 280, months: 60 },
    }
}

/// The words for a range's kind of series, in the text shown when Tencent has none.
fn kind(range: ChartRange) -> &'static str {
    match ask(range) {
        Ask::Minutes | Ask::FiveDays => "intraday",
        Ask::Bars { period: "week", .. } => "weekly",
        Ask::Bars { .. } => "daily",
    }
}

pub struct TencentSeries {
    quote_base: String,
    series_base: String,
    http: Http,
    clock: Arc<dyn Clock>,
    /// US symbol → exchange-suffixed code (`NVDA` → `usNVDA.OQ`), learned from the quote answer.
    us_codes: Mutex<HashMap<Symbol, String>>,
}

impl TencentSeries {
    pub fn new(
        quote_url: &str,
        series_url: &str,
        opts: &HttpOptions,
        clock: Arc<dyn Clock>,
    ) -> Result<TencentSeries, ProviderError> {
        Ok(TencentSeries {
            quote_base: quote_url.trim_end_matches('/').to_string(),
            series_base: series_url.trim_end_matches('/').to_string(),
            http: Http::new(opts)?,
            clock,
            us_codes: Mutex::new(HashMap::new()),
        })
    }

    async fn get(&self, url: &str) -> Result<Vec<u8>, ProviderError> {
        let r = self.http.get(url, None).await?;
        r.expect(&[200])?;
        Ok(r.body)
    }

    /// Tencent's series code for `sym`: for US the suffixed one, asked once and remembered.
    async fn code(&self, sym: &Symbol, market: Market, code: String) -> Result<String, ProviderError> {
        if market != Market::Us {
            return Ok(code);
        }
        if let Some(c) = self.us_codes.lock().ok().and_then(|m| m.get(sym).cloned()) {
            return Ok(c);
        }
        let body = self.get(&format!("{}/q={code}", self.quote_base)).await?;
        match parse_us_code(&body, &code).map_err(ProviderError::Decode)? {
            Some(full) => {
                if let Ok(mut m) = self.us_codes.lock() {
                    m.insert(sym.clone(), full.clone());
                }
                Ok(full)
            }
            None => Err(ProviderError::NoData(format!("{sym} (Tencent knows no such code)"))),
        }
    }

    async fn bars(
        &self,
        sym: &Symbol,
        market: Market,
        code: &str,
        period: &str,
        count: u32,
    ) -> Result<Vec<(NaiveDate, f64)>, ProviderError> {
        let url = format!(
            "{}/appstock/app/{}/get?param={code},{period},,,{count},qfq",
            self.series_base,
            market.kline_path()
        );
        let body = self.get(&url).await?;
        parse_bars(&body, code, period).map_err(|b| b.into_error(sym))
    }

    /// The close before `date` from the daily bars, for an intraday answer without one. A failure
    /// here costs only the reference line.
    async fn close_before_date(
        &self,
        sym: &Symbol,
        market: Market,
        code: &str,
        date: NaiveDate,
    ) -> Option<f64> {
        let bars = self.bars(sym, market, code, "day", PREV_CLOSE_BARS).await.ok()?;
        close_before(&bars, date)
    }

    async fn fetch(&self, sym: &Symbol, range: ChartRange) -> Result<Series, ProviderError> {
        let Some((market, code)) = locate(sym) else {
            return Err(ProviderError::Unsupported(format!(
                "{range}: no {} series from Tencent for {sym}",
                kind(range)
            )));
        };
        let code = self.code(sym, market, code).await?;
        let today = self.clock.now().with_timezone(&market.tz()).date_naive();
        let (points, previous_close) = match ask(range) {
            Ask::Minutes => {
                let url = format!("{}/appstock/app/minute/query?code={code}", self.series_base);
                let body = self.get(&url).await?;
                let s = parse_minutes(&body, &code).map_err(|b| b.into_error(sym))?;
                let prev = match s.previous_close {
                    Some(p) => Some(p),
                    None => self.close_before_date(sym, market, &code, s.date.unwrap_or(today)).await,
                };
                (session_points(market, std::slice::from_ref(&s)), prev)
            }
            Ask::FiveDays => {
                let url =
                    format!("{}/appstock/app/{}/query?code={code}", self.series_base, market.five_day_path());
                let body = self.get(&url).await?;
                let mut days = parse_days(&body, &code).map_err(|b| b.into_error(sym))?;
                let first = days.len().saturating_sub(5);
                days.drain(..first);
                let prev = match days.first() {
                    Some(Session { previous_close: Some(p), .. }) => Some(*p),
                    Some(Session { date: Some(d), .. }) => {
                        self.close_before_date(sym, market, &code, *d).await
                    }
                    _ => None,
                };
                (session_points(market, &days), prev)
            }
            Ask::Bars { period, count, months } => {
                let bars = self.bars(sym, market, &code, period, count).await?;
                let start = match months {
                    0 => today.with_ordinal(1).unwrap_or(today),
                    m => today.checked_sub_months(Months::new(m)).unwrap_or(today),
                };
                cut(market, &bars, start)
            }
        };
        Ok(Series {
            symbol: sym.clone(),
            points,
            previous_close,
            currency: Some(market.currency().to_string()),
        })
    }
}

impl ChartSource for TencentSeries {
    fn series<'a>(
        &'a self,
        symbol: &'a Symbol,
        range: ChartRange,
    ) -> BoxFuture<'a, Result<Series, ProviderError>> {
        Box::pin(self.fetch(symbol, range))
    }
}

#[cfg(test)]
mod tests;
