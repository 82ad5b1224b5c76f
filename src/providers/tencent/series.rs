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

use chrono::{DateTime, Months, NaiveDate, NaiveTime, TimeZone, Utc};
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
    /// Bars of `period` (`day`, `week`), `count` of them, cut to the last `months`.
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
                let start = today.checked_sub_months(Months::new(months)).unwrap_or(today);
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
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    fn sym(s: &str) -> Symbol {
        Symbol::parse(s).unwrap()
    }

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn at(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    fn hm(h: u32, m: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(h, m, 0).unwrap()
    }

    /// A kline answer in Tencent's layout: `key` holds `rows`, with the quote beside them.
    fn kline(code: &str, key: &str, rows: Value) -> Vec<u8> {
        json!({ "code": 0, "msg": "", "data": { code: {
            key: rows,
            "qt": { code: ["1", "name", "000000", "10.00", "9.90"] },
            "mx_price": { "mx": [], "price": [] },
            "prec": "9.90",
            "version": "16"
        } } })
        .to_string()
        .into_bytes()
    }

    fn minutes_answer(code: &str, date: &str, rows: &[&str], prev: &str) -> Vec<u8> {
        json!({ "code": 0, "msg": "", "data": { code: {
            "data": { "data": rows, "date": date },
            "qt": { code: ["1", "name", "000000", "10.00", prev, "9.95"], "market": ["x"] }
        } } })
        .to_string()
        .into_bytes()
    }

    #[test]
    fn codes_by_market() {
        assert_eq!(locate(&sym("688256.SS")), Some((Market::Mainland, "sh688256".into())));
        assert_eq!(locate(&sym("002371.SZ")), Some((Market::Mainland, "sz002371".into())));
        assert_eq!(locate(&sym("0981.HK")), Some((Market::HongKong, "hk00981".into())));
        assert_eq!(locate(&sym("700.HK")), Some((Market::HongKong, "hk00700".into())));
        assert_eq!(locate(&sym("NVDA")), Some((Market::Us, "usNVDA".into())));
        assert_eq!(locate(&sym("BRK-B")), Some((Market::Us, "usBRK.B".into())));
        for other in ["ASML.AS", "^HSI", "EURUSD=X", "123456.HK", "12345.SS", "1NVDA", "HK.HK"] {
            assert_eq!(locate(&sym(other)), None, "{other}");
        }
    }

    #[test]
    fn us_code_is_field_two_of_the_quote() {
        let (body, _, _) = encoding_rs::GBK.encode("v_usNVDA=\"200~英伟达~NVDA.OQ~181.20~178.88~0~\";\n");
        assert_eq!(parse_us_code(&body, "usNVDA"), Ok(Some("usNVDA.OQ".to_string())));
        let two = b"v_usAMD=\"200~x~AMD.OQ~1\";\nv_usTSM=\"200~x~TSM.N~1\";";
        assert_eq!(parse_us_code(two, "usTSM"), Ok(Some("usTSM.N".to_string())));
        assert_eq!(parse_us_code(b"v_pv_none_match=\"1\";\n", "usZZZZ"), Ok(None));
        assert!(parse_us_code(b"", "usNVDA").is_err());
        assert!(parse_us_code(b"<html>blocked</html>", "usNVDA").is_err());
        assert!(parse_us_code(b"v_usNVDA=\"200~x~~1\";", "usNVDA").is_err());
        assert!(parse_us_code(b"v_usNVDA=\"200~x~<b>~1\";", "usNVDA").is_err());
        assert!(parse_us_code(b"v_usNVDA=\"200\";", "usNVDA").is_err());
    }

    #[test]
    fn bars_read_the_close_the_third_element() {
        let rows = json!([
            ["2026-11-20", "10.00", "10.50", "10.80", "9.90", "12345.000"],
            ["2026-11-23", "10.50", "10.20", "10.60", "10.10", "23456.000", {}, "0.20", "1000.0"],
            ["2026-11-24", "10.20", "10.90", "11.00", "10.10", "34567.000", {"nd": "2026", "fh_sh": "1.5"}]
        ]);
        let bars = parse_bars(&kline("sh688256", "qfqday", rows), "sh688256", "day").unwrap();
        assert_eq!(bars, vec![(d("2026-11-20"), 10.5), (d("2026-11-23"), 10.2), (d("2026-11-24"), 10.9)]);
    }

    #[test]
    fn bars_under_either_key_and_in_order() {
        // US answers keep the rows under `day`; weekly under `qfqweek` or `week`.
        let rows =
            json!([["2026-11-24", "1", "3.5", "4", "1", "9"], ["2026-11-21", "1", "2.5", "4", "1", "9"]]);
        let us = parse_bars(&kline("usNVDA.OQ", "day", rows.clone()), "usNVDA.OQ", "day").unwrap();
        assert_eq!(us, vec![(d("2026-11-21"), 2.5), (d("2026-11-24"), 3.5)]);
        let week = parse_bars(&kline("hk00981", "week", rows), "hk00981", "week").unwrap();
        assert_eq!(week.len(), 2);
        // Keyed without the exchange suffix: still ours.
        let plain = kline("usNVDA", "day", json!([["2026-11-24", "1", "3.5", "4", "1", "9"]]));
        assert_eq!(parse_bars(&plain, "usNVDA.OQ", "day").unwrap().len(), 1);
    }

    #[test]
    fn odd_rows_are_skipped_and_all_odd_is_an_error() {
        let rows = json!([
            ["2026-11-20", "1", "abc", "1", "1", "1"],
            ["2026-11-21", "1", "NaN", "1", "1", "1"],
            ["2026-11-22", "1", "inf", "1", "1", "1"],
            ["2026-11-23", "1", "-2", "1", "1", "1"],
            ["2026-11-24", "1"],
            ["yesterday", "1", "2", "1", "1", "1"],
            "2026-11-25 1 2 1 1 1",
            [20261126, "1", "2"],
            {"date": "2026-11-27"},
            null,
            ["2026-11-30", "1", 7.25, "1", "1", "1"]
        ]);
        let bars = parse_bars(&kline("sh688256", "qfqday", rows), "sh688256", "day").unwrap();
        assert_eq!(bars, vec![(d("2026-11-30"), 7.25)]);
        let junk = json!([["2026-11-20", "1", "x"], [null]]);
        assert!(matches!(
            parse_bars(&kline("sh688256", "qfqday", junk), "sh688256", "day"),
            Err(Bad::Decode(_))
        ));
        // No rows at all is an empty series, not an error (a listing's first day).
        assert_eq!(parse_bars(&kline("sh688256", "qfqday", json!([])), "sh688256", "day"), Ok(vec![]));
    }

    #[test]
    fn an_unknown_code_is_no_data_a_changed_layout_is_decode() {
        // What Tencent answers for a code it does not know: an empty quote and no rows.
        let unknown = br#"{"code":0,"msg":"","data":{"sh999999":{"qt":{"sh999999":[],"market":["x"]}}}}"#;
        assert!(matches!(parse_bars(unknown, "sh999999", "day"), Err(Bad::NoData(_))));
        assert!(matches!(parse_minutes(unknown, "sh999999"), Err(Bad::NoData(_))));
        let renamed = kline("sh688256", "candles", json!([["2026-11-24", "1", "2"]]));
        assert!(matches!(parse_bars(&renamed, "sh688256", "day"), Err(Bad::Decode(_))));
    }

    /// Bodies no parser may panic on, and must call unreadable.
    const ODD: &[&str] = &[
        "",
        "   ",
        "<!DOCTYPE html><html><body>403 Forbidden</body></html>",
        "{\"code\":-1}",
        "{\"code\":-1,\"msg\":\"param error\"}",
        "{\"code\":\"1\",\"msg\":\"<b>busy</b>\",\"data\":{}}",
        "{\"code\":0}",
        "{\"code\":0,\"data\":[]}",
        "{\"code\":0,\"data\":null}",
        "{\"code\":0,\"data\":{}}",
        "{\"code\":0,\"data\":{\"sh688256\":[]}}",
        "{\"code\":0,\"data\":{\"sh688256\":{\"qfqday\":{},\"day\":3,\"data\":\"x\",\"qt\":{\"sh688256\":[\"1\"]}}}}",
        "{\"code\":0,\"data\":{\"sh688256\":{\"qfqday\":\"rows\",\"data\":[1,2],\"qt\":{\"sh688256\":[\"1\"]}}}}",
        "{\"code\":0,\"data\":{\"sh688256\":{\"qfqday\":[[\"2026-11-24\",\"1\",\"NaN\"]],\"data\":{\"date\":\"20261124\",\"data\":[\"0930 NaN 1\"]},\"qt\":{\"sh688256\":[\"1\"]}}}}",
        "{\"code\":0,\"data\":{\"sh688256\":{\"qfqday\":[[\"2026-11-24\"]],\"data\":{\"date\":\"x\",\"data\":[\"0930 10.5 1\"]},\"qt\":{\"sh688256\":[\"1\"]}}}}",
        "[1,2,3]",
        "null",
        "{\"code\":0,\"data\":{\"sh688256\":{\"qfqday\":[[\"2026-11-24\",\"1\",\"2\"]",
        "\u{feff}garbage",
        "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[",
    ];

    #[test]
    fn odd_bodies_are_unreadable() {
        for body in ODD {
            let b = body.as_bytes();
            assert!(matches!(parse_bars(b, "sh688256", "day"), Err(Bad::Decode(_))), "bars: {body}");
            assert!(matches!(parse_minutes(b, "sh688256"), Err(Bad::Decode(_))), "minutes: {body}");
            assert!(matches!(parse_days(b, "sh688256"), Err(Bad::Decode(_))), "days: {body}");
        }
        // Not UTF-8 at all.
        assert!(matches!(parse_bars(&[0xff, 0xfe, 0x00], "sh688256", "day"), Err(Bad::Decode(_))));
    }

    #[test]
    fn tencent_return_codes_name_themselves() {
        let Err(Bad::Decode(why)) = parse_bars(b"{\"code\":-1,\"msg\":\"param error\"}", "sh688256", "day")
        else {
            panic!("an error");
        };
        assert_eq!(why, "Tencent answered code -1 param error");
    }

    #[test]
    fn a_jsonp_answer_reads_as_json() {
        let mut body = b"kline_dayqfq=".to_vec();
        body.extend(kline("sh688256", "qfqday", json!([["2026-11-24", "1", "2", "3", "1", "9"]])));
        body.push(b';');
        assert_eq!(parse_bars(&body, "sh688256", "day").unwrap(), vec![(d("2026-11-24"), 2.0)]);
    }

    #[test]
    fn minutes_with_their_date_and_previous_close() {
        let rows = ["0930 1279.81 1234 157000.00", "0931 1281.00 2345 300000.00", "1500 1290.50 9999 1.0"];
        let s = parse_minutes(&minutes_answer("sh688256", "20261124", &rows, "1270.00"), "sh688256").unwrap();
        assert_eq!(s.date, Some(d("2026-11-24")));
        assert_eq!(s.rows, vec![(hm(9, 30), 1279.81), (hm(9, 31), 1281.0), (hm(15, 0), 1290.5)]);
        assert_eq!(s.previous_close, Some(1270.0));
        // US rows have no amount; the quote may be keyed with the suffix.
        let us =
            parse_minutes(&minutes_answer("usNVDA.OQ", "20261124", &["0930 181.2 303686"], ""), "usNVDA.OQ")
                .unwrap();
        assert_eq!(us.rows, vec![(hm(9, 30), 181.2)]);
        assert_eq!(us.previous_close, None);
    }

    #[test]
    fn odd_minutes_are_skipped() {
        let rows = ["bad row", "2561 1.0 1 1", "0931 abc 1", "0932", "0933 NaN 1", "  0", "0934 10.5 1 1"];
        let s = parse_minutes(&minutes_answer("sh688256", "20261124", &rows, "x"), "sh688256").unwrap();
        assert_eq!(s.rows, vec![(hm(9, 34), 10.5)]);
        // Before the open: no rows, maybe no date. An empty session, not an error.
        let empty = parse_minutes(&minutes_answer("sh688256", "", &["  0"], "10"), "sh688256").unwrap();
        assert_eq!(empty, Session { date: None, rows: vec![], previous_close: Some(10.0) });
        // Rows but no date to put them on: unreadable.
        let undated = minutes_answer("sh688256", "", &["0930 10.5 1"], "10");
        assert!(matches!(parse_minutes(&undated, "sh688256"), Err(Bad::Decode(_))));
    }

    #[test]
    fn five_days_oldest_first_with_their_previous_closes() {
        let body = json!({ "code": 0, "msg": "", "data": { "hk00981": { "data": [
            { "date": "20261124", "data": ["0930 70.10 1", "1600 71.00 2"], "prec": "69.50" },
            { "date": "20261121", "data": ["0930 69.00 1"], "prec": "68.00" },
            { "date": "20261120", "data": [], "prec": "67.00" }
        ] } } })
        .to_string();
        let days = parse_days(body.as_bytes(), "hk00981").unwrap();
        let dates: Vec<_> = days.iter().map(|s| s.date.unwrap()).collect();
        assert_eq!(dates, vec![d("2026-11-20"), d("2026-11-21"), d("2026-11-24")]);
        assert_eq!(days[0].previous_close, Some(67.0));
        assert_eq!(days[2].rows, vec![(hm(9, 30), 70.1), (hm(16, 0), 71.0)]);
    }

    #[test]
    fn minutes_are_placed_in_the_exchange_zone() {
        let s = |date: &str, t: NaiveTime| Session {
            date: Some(d(date)),
            rows: vec![(t, 1.0)],
            previous_close: None,
        };
        let first = |m: Market, date: &str| session_points(m, &[s(date, hm(9, 30))])[0].0;
        assert_eq!(first(Market::Mainland, "2026-11-24"), at("2026-11-24T01:30:00Z"));
        assert_eq!(first(Market::HongKong, "2026-11-24"), at("2026-11-24T01:30:00Z"));
        assert_eq!(first(Market::Us, "2026-11-24"), at("2026-11-24T14:30:00Z"));
        assert_eq!(first(Market::Us, "2026-07-14"), at("2026-07-14T13:30:00Z"));
    }

    #[test]
    fn bars_cut_to_the_range_with_the_close_before_it() {
        let bars = vec![
            (d("2026-10-22"), 1.0),
            (d("2026-10-23"), 2.0),
            (d("2026-10-26"), 3.0),
            (d("2026-11-24"), 4.0),
        ];
        let (points, prev) = cut(Market::Us, &bars, d("2026-10-24"));
        // Daily bars sit where Yahoo puts them: the session's opening minute.
        assert_eq!(points, vec![(at("2026-10-26T13:30:00Z"), 3.0), (at("2026-11-24T14:30:00Z"), 4.0)]);
        assert_eq!(prev, Some(2.0));
        let (points, prev) = cut(Market::Mainland, &bars, d("2026-01-01"));
        assert_eq!(points.len(), 4);
        assert_eq!(prev, None);
    }

    #[test]
    fn every_range_asks_enough() {
        for r in ChartRange::ALL {
            if let Ask::Bars { period, count, months } = ask(r) {
                let per_month = if period == "week" { 4.4 } else { 21.0 };
                assert!(f64::from(count) > f64::from(months) * per_month + 5.0, "{r}");
                assert!(count <= 300, "{r}: Tencent serves about 300 bars an answer");
            }
        }
        assert_eq!(kind(ChartRange::D1), "intraday");
        assert_eq!(kind(ChartRange::M6), "daily");
        assert_eq!(kind(ChartRange::Y5), "weekly");
    }

    proptest! {
        #[test]
        fn no_body_panics(body in proptest::collection::vec(any::<u8>(), 0..400)) {
            let _ = parse_bars(&body, "sh688256", "day");
            let _ = parse_minutes(&body, "sh688256");
            let _ = parse_days(&body, "sh688256");
            let _ = parse_us_code(&body, "usNVDA");
        }

        #[test]
        fn no_row_panics(
            cells in proptest::collection::vec(
                prop_oneof![
                    ".{0,12}".prop_map(Value::from),
                    any::<f64>().prop_map(|x| serde_json::Number::from_f64(x).map_or(Value::Null, Value::Number)),
                    Just(json!({})),
                    Just(Value::Null),
                ],
                0..8,
            ),
            minute_rows in proptest::collection::vec("[0-9 .a-z]{0,16}", 0..6),
            date in "[0-9-]{0,10}",
        ) {
            let code = "sh688256";
            let body = json!({ "code": 0, "data": { code: {
                "qfqday": [cells.clone(), cells],
                "data": { "date": date.clone(), "data": minute_rows.clone() },
                "qt": { code: ["1", "x", "688256", "1", "2"] }
            } } }).to_string();
            if let Ok(bars) = parse_bars(body.as_bytes(), code, "day") {
                prop_assert!(bars.iter().all(|b| b.1.is_finite() && b.1 > 0.0));
            }
            if let Ok(s) = parse_minutes(body.as_bytes(), code) {
                prop_assert!(s.rows.iter().all(|r| r.1.is_finite() && r.1 > 0.0));
                prop_assert!(s.rows.windows(2).all(|w| w[0].0 < w[1].0));
            }
            let days = json!({ "code": 0, "data": { code: { "data": [{ "date": date, "data": minute_rows }] } } });
            let _ = parse_days(days.to_string().as_bytes(), code);
        }
    }
}
