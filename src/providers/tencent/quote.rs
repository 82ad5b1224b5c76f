//! Tencent's snapshot answer, decoded (`qt.gtimg.cn/q=usNVDA,r_hk00981,sh688256`).
//!
//! The answer is GBK text, one `v_CODE="f0~f1~…";` per code, the code echoed as it was asked; a
//! code Tencent does not know gets `v_pv_none_match="1";` instead, which does not say which code it
//! stands for. The three markets share the first fields but not their units, clocks or where the
//! English name and the currency sit, so each has its own layout (0-based field numbers; the
//! numbers we read, all others ignored):
//!
//! | field | Shanghai/Shenzhen (`sh`, `sz`) | Hong Kong (`r_hk`) | US (`us`) |
//! |---|---|---|---|
//! | 0 | market marker (`1`, `51`) | `100` (easyquotation reads a board lot) | `200` |
//! | 1 | name (Chinese) | Chinese name | Chinese name |
//! | 2 | code (`688256`) | code, five digits (`00981`) | code and venue (`NVDA.OQ` Nasdaq, `.N` NYSE, `.AM` NYSE American/Arca; `BRK.B.N`) |
//! | 3, 4, 5 | last, previous close, open | same | same |
//! | 6 | volume in lots of 100 shares | volume in shares | volume in shares |
//! | 30 | time `YYYYMMDDHHMMSS`, Shanghai | `YYYY/MM/DD HH:MM:SS`, Hong Kong | `YYYY-MM-DD HH:MM:SS`, New York |
//! | 31, 32 | change, change % | same | same |
//! | 33, 34 | day high, day low | same | same |
//! | 35 | last/volume/turnover in one | last again | currency (`USD`) |
//! | 45 | total market cap, 100 million CNY | 100 million HKD | 100 million USD |
//! | 46 | — | English name (`TENCENT`) | English name (`NVIDIA Corp`) |
//! | 47, 48 | limit up, limit down (the day's, from the exchange) | — | — |
//! | 48, 49 | — | 52-week high, low | 52-week high, low |
//! | 75 | — | currency (`HKD`; a 2018 recording stops at field 59 and has none) | — |
//!
//! A suspended A share still gets its line: the last price is the previous close, the open `0.00`
//! and the volume 0 (fields 5 and 6). Past 09:30 that is read as halted (`market::limits`); no
//! field says so outright in any recording we read. Hong Kong halts are not read from this answer:
//! an illiquid Hong Kong name can go a day without a trade, so no volume there proves nothing.
//!
//! The times carry no zone: each is the exchange's wall clock. There is no pre- or post-market
//! price in the US answer, so `extended_price` stays empty rather than guessed.

use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;

use crate::market::calendar::Calendar;
use crate::market::exchange::exchange_for;
use crate::market::limits::looks_suspended;
use crate::market::{MarketState, PriceSource, Quote, QuoteError, QuoteOutcome, Symbol};
use crate::present::sanitize::clean;

/// At most this many codes in one request.
pub const MAX_CODES: usize = 60;

/// Minutes behind the market for Hong Kong. `r_hk` (rather than bare `hk`) is the prefix public
/// clients use for "real-time" Hong Kong quotes: easyquotation's README calls `r_hk00700` 腾讯港股
/// 时时/实时行情 (shidenggui/easyquotation, README.md and easyquotation/hkquote.py), and leek-fund
/// moved from `hk` to `r_hk` in "fix: 修正腾讯自选股港股接口数据延迟问题" (LeekHub/leek-fund 45acd46,
/// src/shared/tencentStock.ts, PR #487). But nothing in the answer marks a quote as live or late
/// (no such field in any recording we read, 2018 or 2026), users of Tencent's HK quotes still report 15-minute
/// lags (chengzuopeng/stock-sdk issue #78 with `hk`; RainyQing/leeks issue #5 after its "fix";
/// huage2580/leeks issue #178), and Chef5/stock-bar PR #53 gives the reason: mainland vendors must
/// show Hong Kong 15 minutes late. Unverified live from here, so the row says 15: a live price
/// marked late misleads less than a late one marked live.
pub const HK_DELAY_MIN: u32 = 15;

/// The markets Tencent quotes for us.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Market {
    /// Shanghai and Shenzhen A-shares.
    Mainland,
    HongKong,
    Us,
}

impl Market {
    pub const ALL: [Market; 3] = [Market::Mainland, Market::HongKong, Market::Us];
}

/// How one market's answer is laid out (see the module's table).
struct Layout {
    /// The highest field we read, plus one: a shorter line is a layout we do not know.
    min_fields: usize,
    time_format: &'static str,
    tz: Tz,
    /// Shares in one unit of field 6.
    volume_unit: f64,
    /// Where the currency is written, and what it is when the field is absent.
    currency_field: Option<usize>,
    currency: &'static str,
    english_name: Option<usize>,
    year_range: Option<(usize, usize)>,
    /// The day's limit up and down, where the market has them.
    limits: Option<(usize, usize)>,
    delay_min: u32,
}

const MAINLAND: Layout = Layout {
    min_fields: 46,
    time_format: "%Y%m%d%H%M%S",
    tz: chrono_tz::Asia::Shanghai,
    volume_unit: 100.0,
    currency_field: None,
    currency: "CNY",
    english_name: None,
    year_range: None,
    limits: Some((47, 48)),
    // A-share snapshots are live (the reason Tencent is asked at all; Yahoo's are 15 late).
    delay_min: 0,
};

const HONG_KONG: Layout = Layout {
    min_fields: 50,
    time_format: "%Y/%m/%d %H:%M:%S",
    tz: chrono_tz::Asia::Hong_Kong,
    volume_unit: 1.0,
    currency_field: Some(75),
    // Older answers end before field 75; most Hong Kong listings trade in HKD.
    currency: "HKD",
    english_name: Some(46),
    year_range: Some((48, 49)),
    limits: None,
    delay_min: HK_DELAY_MIN,
};

const US: Layout = Layout {
    min_fields: 50,
    time_format: "%Y-%m-%d %H:%M:%S",
    tz: chrono_tz::America::New_York,
    volume_unit: 1.0,
    currency_field: Some(35),
    currency: "USD",
    english_name: Some(46),
    year_range: Some((48, 49)),
    limits: None,
    // Regular-hours US prices on Tencent are the last trade, as they happen.
    delay_min: 0,
};

/// No field past this one is read (Hong Kong's currency is the last): a line with more is not
/// split further, so a hostile answer cannot make us build a huge list.
const MAX_FIELDS: usize = 76;

fn layout(market: Market) -> &'static Layout {
    match market {
        Market::Mainland => &MAINLAND,
        Market::HongKong => &HONG_KONG,
        Market::Us => &US,
    }
}

/// The market of a symbol Tencent can quote, and Tencent's code for it: `688256.SS` → `sh688256`,
/// `0981.HK` → `r_hk00981`, `NVDA` → `usNVDA`, `BRK-B` → `usBRK.B`. None for anything else: indices
/// (`^GSPC`), FX (`EURUSD=X`), futures (`GC=F`), crypto (`BTC-USD`), other listings (`ASML.AS`).
pub fn market_code(sym: &Symbol) -> Option<(Market, String)> {
    let s = sym.as_str();
    let digits = |b: &str| !b.is_empty() && b.bytes().all(|c| c.is_ascii_digit());
    if let Some((base, suffix)) = s.rsplit_once('.') {
        return match suffix {
            "SS" if base.len() == 6 && digits(base) => Some((Market::Mainland, format!("sh{base}"))),
            "SZ" if base.len() == 6 && digits(base) => Some((Market::Mainland, format!("sz{base}"))),
            // Yahoo drops leading zeros to four digits; Tencent wants five.
            "HK" if base.len() <= 5 && digits(base) => Some((Market::HongKong, format!("r_hk{base:0>5}"))),
            _ => None,
        };
    }
    us_ticker(s).map(|t| (Market::Us, format!("us{t}")))
}

/// Tencent's code for a symbol it quotes; none for others.
pub fn code_for(sym: &Symbol) -> Option<String> {
    market_code(sym).map(|(_, code)| code)
}

/// A plain US ticker in Tencent's spelling: letters and digits from a letter, up to six, and one
/// share class after a dash, written with a dot (`BRK-B` → `BRK.B`). A longer tail after the dash is
/// Yahoo's crypto or a preferred series, not a class.
fn us_ticker(s: &str) -> Option<String> {
    let (base, class) = match s.split_once('-') {
        Some((b, c)) => (b, Some(c)),
        None => (s, None),
    };
    let base_ok = (1..=6).contains(&base.len())
        && base.starts_with(|c: char| c.is_ascii_uppercase())
        && base.bytes().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit());
    match class {
        None if base_ok => Some(base.to_string()),
        Some(c) if base_ok && c.len() == 1 && c.bytes().all(|b| b.is_ascii_uppercase()) => {
            Some(format!("{base}.{c}"))
        }
        _ => None,
    }
}

/// One `v_…="…"` of an answer: its value's bytes, or none when the answer ends inside it.
struct Line<'a> {
    code: &'a str,
    value: Option<&'a [u8]>,
}

/// The lines of an answer, read as bytes: a name whose GBK is broken must not swallow the quote
/// or the `~` after it (`~` is a valid GBK trail byte), so text is decoded one field at a time.
fn lines(body: &[u8]) -> Vec<Line<'_>> {
    let mut out = Vec::new();
    let mut rest = body;
    while let Some(at) = find(rest, b"v_") {
        let after = &rest[at + 2..];
        let Some(eq) = after.iter().position(|&b| b == b'=') else { break };
        let code = &after[..eq];
        let value = after[eq + 1..].trim_ascii_start();
        let ok = !code.is_empty()
            && code.len() <= 32
            && code.iter().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.'));
        match (ok, value.strip_prefix(b"\"")) {
            (true, Some(v)) => {
                let code = std::str::from_utf8(code).unwrap_or_default();
                match v.iter().position(|&b| b == b'"') {
                    Some(end) => {
                        out.push(Line { code, value: Some(&v[..end]) });
                        rest = &v[end + 1..];
                    }
                    None => {
                        out.push(Line { code, value: None });
                        break;
                    }
                }
            }
            _ => rest = after,
        }
    }
    out
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

fn gbk(bytes: &[u8]) -> String {
    encoding_rs::GBK.decode_without_bom_handling(bytes).0.into_owned()
}

/// The quotes for `requested` in a GBK answer: each symbol gets its quote or why it has none (an
/// unknown code, a missing line, a changed layout, a symbol Tencent does not quote).
pub fn decode(
    body: &[u8],
    requested: &[Symbol],
    now: DateTime<Utc>,
    cal: &Calendar,
) -> Vec<(Symbol, QuoteOutcome)> {
    let lines = lines(body);
    let line_for = |code: &str| lines.iter().find(|l| l.code.eq_ignore_ascii_case(code));
    // `pv_none_match` names no code: it can only be pinned on the codes left without a line when
    // there are exactly as many of each. Otherwise a line is missing for another reason (a cut
    // answer), which is worth asking again.
    let none_match = lines.iter().filter(|l| l.code == "pv_none_match").count();
    let mut missing: Vec<String> =
        requested.iter().filter_map(code_for).filter(|c| line_for(c).is_none()).collect();
    missing.sort();
    missing.dedup();
    let unknown = none_match > 0 && none_match == missing.len();
    requested
        .iter()
        .map(|sym| {
            let outcome = match market_code(sym) {
                None => Err(QuoteError::Unsupported(format!("Tencent does not quote {sym}"))),
                Some((market, code)) => match line_for(&code) {
                    None if unknown => Err(QuoteError::Unknown(format!("Tencent has no {sym} ({code})"))),
                    None => Err(QuoteError::Transient(format!("Tencent did not answer for {code}"))),
                    Some(Line { value: None, .. }) => {
                        Err(QuoteError::Transient(format!("Tencent's answer for {code} was cut off")))
                    }
                    Some(Line { value: Some(v), .. }) => quote(sym, market, &code, v, now, cal),
                },
            };
            (sym.clone(), outcome)
        })
        .collect()
}

/// The fields of one value, split on `~` before decoding (see `lines`) and bounded.
fn split_bytes(value: &[u8]) -> Vec<String> {
    value.split(|&b| b == b'~').take(MAX_FIELDS).map(gbk).collect()
}

/// The same, decoded first: for a name holding a GBK character whose second byte is `~`.
fn split_text(value: &[u8]) -> Vec<String> {
    gbk(value).split('~').take(MAX_FIELDS).map(str::to_string).collect()
}

/// Field 2 names the code asked for: the check that the fields are where the layout says.
fn is_code(field: &str, market: Market, code: &str) -> bool {
    let field = field.trim();
    match market {
        Market::Mainland => field == &code[2..],
        Market::HongKong => field == &code[4..],
        // `NVDA.OQ`, `BRK.B.N`: the ticker and then the venue.
        Market::Us => {
            let t = &code[2..];
            field.eq_ignore_ascii_case(t)
                || (field.len() > t.len()
                    && field.is_char_boundary(t.len())
                    && field[..t.len()].eq_ignore_ascii_case(t)
                    && field.as_bytes()[t.len()] == b'.')
        }
    }
}

fn quote(
    sym: &Symbol,
    market: Market,
    code: &str,
    value: &[u8],
    now: DateTime<Utc>,
    cal: &Calendar,
) -> QuoteOutcome {
    let lay = layout(market);
    let mut f = split_bytes(value);
    if f.len() <= 1 {
        // `v_CODE="1"`: the code is not Tencent's.
        return Err(QuoteError::Unknown(format!("Tencent has no {sym} ({code})")));
    }
    if f.len() >= 3 && !is_code(&f[2], market, code) {
        let text = split_text(value);
        if text.len() >= 3 && is_code(&text[2], market, code) {
            f = text;
        }
    }
    if f.len() < lay.min_fields {
        return Err(QuoteError::Transient(format!(
            "Tencent's answer for {sym} has {} fields, not the {} of its layout",
            f.len(),
            lay.min_fields
        )));
    }
    if !is_code(&f[2], market, code) {
        return Err(QuoteError::Transient(format!(
            "Tencent's answer for {sym} is not in the layout we know"
        )));
    }
    let num = |i: usize| f.get(i)?.trim().parse::<f64>().ok().filter(|x| x.is_finite());
    let positive = |i: usize| num(i).filter(|x| *x > 0.0);
    let price = positive(3)
        .ok_or_else(|| QuoteError::Transient(format!("Tencent's price for {sym} is not a number")))?;
    let local = NaiveDateTime::parse_from_str(f[30].trim(), lay.time_format).ok();
    let time = local.and_then(|t| lay.tz.from_local_datetime(&t).earliest()).map(|t| t.with_timezone(&Utc));
    let volume = num(6).filter(|v| *v >= 0.0).map(|v| (v * lay.volume_unit).round() as u64);
    let limits = lay.limits.map(|(up, down)| (positive(up), positive(down)));
    let halted = limits.is_some() && local.is_some_and(|t| looks_suspended(num(5), volume, t.time()));
    let currency = lay
        .currency_field
        .and_then(|i| f.get(i))
        .map(|c| c.trim())
        .filter(|c| c.len() == 3 && c.bytes().all(|b| b.is_ascii_uppercase()))
        .unwrap_or(lay.currency);
    let name_zh = name(&f[1]);
    let english = lay.english_name.and_then(|i| name(&f[i]));
    let ex = exchange_for(sym.as_str());
    Ok(Quote {
        symbol: sym.clone(),
        // The row is read in English where Tencent has it; the Chinese name stays beside it.
        name: english.or_else(|| name_zh.clone()),
        name_zh,
        currency: Some(currency.to_string()),
        price: Some(price),
        change: num(31),
        change_pct: num(32),
        previous_close: positive(4),
        open: positive(5),
        day_high: positive(33),
        day_low: positive(34),
        volume,
        market_cap: positive(45).map(|c| c * 1e8),
        market_state: MarketState::from_session(ex.state_at(now, cal)),
        exchange: Some(ex.code.to_string()),
        time,
        delay_min: lay.delay_min,
        source: PriceSource::Tencent,
        year_high: lay.year_range.and_then(|(hi, _)| positive(hi)),
        year_low: lay.year_range.and_then(|(_, lo)| positive(lo)),
        limit_up: limits.and_then(|l| l.0),
        limit_down: limits.and_then(|l| l.1),
        halted,
        ..Quote::default()
    })
}

/// A name fit for the screen: no escapes or control characters, and no stand-ins for bytes that
/// were not GBK (they say nothing).
fn name(raw: &str) -> Option<String> {
    let n: String = clean(raw).chars().filter(|c| *c != char::REPLACEMENT_CHARACTER).collect();
    let n = n.trim().to_string();
    (!n.is_empty()).then_some(n)
}

#[cfg(test)]
mod tests;
