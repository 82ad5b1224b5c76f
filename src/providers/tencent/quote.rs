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
//! | 0 | market marker (`1`, `51`) | `100` | `200` |
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
//! | 48, 49 | — (limit prices sit at 47/48) | 52-week high, low | 52-week high, low |
//! | 75 | — | currency (`HKD`; answers before ~2020 stop at 60 fields and have none) | — |
//!
//! The times carry no zone: each is the exchange's wall clock. There is no pre- or post-market
//! price in the US answer, so `extended_price` stays empty rather than guessed.

use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;

use crate::market::calendar::Calendar;
use crate::market::exchange::exchange_for;
use crate::market::{MarketState, PriceSource, Quote, QuoteError, QuoteOutcome, Symbol};
use crate::present::sanitize::clean;

/// At most this many codes in one request.
pub const MAX_CODES: usize = 60;

/// Minutes behind the market for Hong Kong. `r_hk` (rather than bare `hk`) is the prefix public
/// clients use for "real-time" Hong Kong quotes: easyquotation's README calls `r_hk00700` 腾讯港股
/// 实时行情 (shidenggui/easyquotation, easyquotation/hkquote.py), and leek-fund moved from `hk` to
/// `r_hk` in "fix: 修正腾讯自选股港股接口数据延迟问题" (LeekHub/leek-fund 45acd46,
/// src/shared/tencentStock.ts, PR #487). But nothing in the answer marks a quote as live or late
/// (no field differs between the two prefixes), users of Tencent's HK quotes still report 15-minute
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
    let num = |i: usize| f[i].trim().parse::<f64>().ok().filter(|x| x.is_finite());
    let positive = |i: usize| num(i).filter(|x| *x > 0.0);
    let price = positive(3)
        .ok_or_else(|| QuoteError::Transient(format!("Tencent's price for {sym} is not a number")))?;
    let time = NaiveDateTime::parse_from_str(f[30].trim(), lay.time_format)
        .ok()
        .and_then(|t| lay.tz.from_local_datetime(&t).earliest())
        .map(|t| t.with_timezone(&Utc));
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
        volume: num(6).filter(|v| *v >= 0.0).map(|v| (v * lay.volume_unit).round() as u64),
        market_cap: positive(45).map(|c| c * 1e8),
        market_state: MarketState::from_session(ex.state_at(now, cal)),
        exchange: Some(ex.code.to_string()),
        time,
        delay_min: lay.delay_min,
        source: PriceSource::Tencent,
        year_high: lay.year_range.and_then(|(hi, _)| positive(hi)),
        year_low: lay.year_range.and_then(|(_, lo)| positive(lo)),
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
mod tests {
    use super::*;

    fn sym(s: &str) -> Symbol {
        Symbol::parse(s).unwrap()
    }

    /// A value of `n` fields with our own numbers in the ones given (those past `n` left out).
    fn value(n: usize, set: &[(usize, &str)]) -> String {
        let mut f = vec!["0".to_string(); n];
        for (i, v) in set.iter().filter(|(i, _)| *i < n) {
            f[*i] = (*v).to_string();
        }
        f.join("~")
    }

    /// `fields` with field `i` set to `v`.
    fn set(mut fields: Vec<(usize, &'static str)>, i: usize, v: &'static str) -> Vec<(usize, &'static str)> {
        fields.retain(|(j, _)| *j != i);
        fields.push((i, v));
        fields
    }

    fn line(code: &str, value: &str) -> String {
        format!("v_{code}=\"{value}\";\n")
    }

    fn gbk(text: &str) -> Vec<u8> {
        let (bytes, _, unmappable) = encoding_rs::GBK.encode(text);
        assert!(!unmappable, "the test text is GBK");
        bytes.into_owned()
    }

    /// Tuesday 11:00 in Shanghai and Hong Kong (both trading); 22:00 Monday in New York (closed).
    fn now() -> DateTime<Utc> {
        "2026-11-24T03:00:05Z".parse().unwrap()
    }

    fn nvda_fields() -> Vec<(usize, &'static str)> {
        vec![
            (0, "200"),
            (1, "英伟达"),
            (2, "NVDA.OQ"),
            (3, "181.20"),
            (4, "178.50"),
            (5, "179.10"),
            (6, "152340567"),
            (30, "2026-11-23 16:00:01"),
            (31, "2.70"),
            (32, "1.51"),
            (33, "182.40"),
            (34, "178.90"),
            (35, "USD"),
            (45, "44123.5"),
            (46, "NVIDIA Corp"),
            (48, "212.19"),
            (49, "86.62"),
        ]
    }

    fn nvda() -> String {
        line("usNVDA", &value(72, &nvda_fields()))
    }

    fn smic_fields() -> Vec<(usize, &'static str)> {
        vec![
            (0, "100"),
            (1, "中芯国际"),
            (2, "00981"),
            (3, "72.500"),
            (4, "70.000"),
            (5, "70.800"),
            (6, "123456789.0"),
            (30, "2026/11/24 10:59:58"),
            (31, "2.500"),
            (32, "3.57"),
            (33, "73.100"),
            (34, "70.500"),
            (35, "72.500"),
            (45, "5780.12"),
            (46, "SMIC"),
            (48, "92.300"),
            (49, "40.150"),
            (75, "HKD"),
        ]
    }

    fn smic() -> String {
        line("r_hk00981", &value(78, &smic_fields()))
    }

    fn cambricon() -> String {
        let v = value(
            88,
            &[
                (0, "1"),
                (1, "寒武纪"),
                (2, "688256"),
                (3, "1279.81"),
                (4, "1272.59"),
                (5, "1275.00"),
                (6, "52311"),
                (30, "20261124110003"),
                (31, "7.22"),
                (32, "0.57"),
                (33, "1290.00"),
                (34, "1265.50"),
                (45, "5342.18"),
            ],
        );
        line("sh688256", &v)
    }

    fn one(body: &[u8], s: &str) -> QuoteOutcome {
        decode(body, &[sym(s)], now(), &Calendar::default()).remove(0).1
    }

    #[test]
    fn codes_for_every_market_and_none_for_the_rest() {
        let table = [
            ("688256.SS", Some("sh688256")),
            ("002371.SZ", Some("sz002371")),
            ("0981.HK", Some("r_hk00981")),
            ("9988.HK", Some("r_hk09988")),
            ("00700.HK", Some("r_hk00700")),
            ("5.HK", Some("r_hk00005")),
            ("NVDA", Some("usNVDA")),
            ("amd", Some("usAMD")),
            ("BRK-B", Some("usBRK.B")),
            ("BF-B", Some("usBF.B")),
            ("^GSPC", None),
            ("^HSI", None),
            ("EURUSD=X", None),
            ("GC=F", None),
            ("BTC-USD", None),
            ("ASML.AS", None),
            ("SHOP.TO", None),
            ("123456.HK", None),
            ("ABCD.HK", None),
            ("68825.SS", None),
            ("600000.SH", None),
            ("BRK-", None),
            ("TOOLONGX", None),
            ("1ABC", None),
        ];
        for (s, want) in table {
            assert_eq!(code_for(&sym(s)).as_deref(), want, "{s}");
        }
        assert_eq!(market_code(&sym("NVDA")).map(|m| m.0), Some(Market::Us));
        assert_eq!(market_code(&sym("0981.HK")).map(|m| m.0), Some(Market::HongKong));
        assert_eq!(market_code(&sym("688256.SS")).map(|m| m.0), Some(Market::Mainland));
    }

    #[test]
    fn a_us_line_reads_english_and_chinese_names_shares_new_york_time_and_range() {
        let q = one(&gbk(&nvda()), "NVDA").unwrap();
        assert_eq!(q.name.as_deref(), Some("NVIDIA Corp"));
        assert_eq!(q.name_zh.as_deref(), Some("英伟达"));
        assert_eq!((q.price, q.previous_close, q.open), (Some(181.2), Some(178.5), Some(179.1)));
        assert_eq!((q.change, q.change_pct), (Some(2.7), Some(1.51)));
        assert_eq!((q.day_high, q.day_low), (Some(182.4), Some(178.9)));
        assert_eq!(q.volume, Some(152_340_567), "shares, not lots");
        assert_eq!(q.market_cap, Some(4_412_350_000_000.0), "in 100 million USD");
        assert_eq!((q.year_high, q.year_low), (Some(212.19), Some(86.62)));
        // 16:00:01 in New York in November (EST) is 21:00:01 UTC.
        assert_eq!(q.time, Some("2026-11-23T21:00:01Z".parse().unwrap()));
        assert_eq!(q.currency.as_deref(), Some("USD"));
        assert_eq!((q.delay_min, q.source, q.extended_price), (0, PriceSource::Tencent, None));
        assert_eq!(q.exchange.as_deref(), Some("US"));
        assert_eq!(q.market_state, MarketState::Closed, "22:00 in New York");
        // A class share: asked as `usBRK.B`, answered with its venue after the class.
        let f = set(set(nvda_fields(), 2, "BRK.B.N"), 46, "Berkshire Hathaway Inc");
        let q = one(&gbk(&line("usBRK.B", &value(72, &f))), "BRK-B").unwrap();
        assert_eq!((q.name.as_deref(), q.price), (Some("Berkshire Hathaway Inc"), Some(181.2)));
        // No English name: the Chinese one stands in.
        let f = set(nvda_fields(), 46, "");
        let q = one(&gbk(&line("usNVDA", &value(72, &f))), "NVDA").unwrap();
        assert_eq!(q.name.as_deref(), Some("英伟达"));
    }

    #[test]
    fn a_hong_kong_line_reads_shares_hong_kong_time_currency_and_is_marked_late() {
        let q = one(&gbk(&smic()), "0981.HK").unwrap();
        assert_eq!((q.name.as_deref(), q.name_zh.as_deref()), (Some("SMIC"), Some("中芯国际")));
        assert_eq!((q.price, q.previous_close, q.open), (Some(72.5), Some(70.0), Some(70.8)));
        assert_eq!(
            (q.change, q.change_pct, q.day_high, q.day_low),
            (Some(2.5), Some(3.57), Some(73.1), Some(70.5))
        );
        assert_eq!(q.volume, Some(123_456_789));
        assert_eq!(q.market_cap, Some(578_012_000_000.0), "in 100 million HKD");
        assert_eq!((q.year_high, q.year_low), (Some(92.3), Some(40.15)));
        assert_eq!(q.time, Some("2026-11-24T02:59:58Z".parse().unwrap()), "10:59:58 in Hong Kong");
        assert_eq!(q.currency.as_deref(), Some("HKD"));
        assert_eq!((q.delay_min, q.source), (HK_DELAY_MIN, PriceSource::Tencent));
        assert_eq!(HK_DELAY_MIN, 15);
        assert_eq!((q.exchange.as_deref(), q.market_state), (Some("HKEX"), MarketState::Regular));
        // An older answer ends at field 59 with no currency; a renminbi counter says so.
        let old = value(60, &smic_fields());
        assert_eq!(one(&gbk(&line("r_hk00981", &old)), "0981.HK").unwrap().currency.as_deref(), Some("HKD"));
        let f = set(smic_fields(), 75, "CNY");
        let q = one(&gbk(&line("r_hk00981", &value(78, &f))), "0981.HK").unwrap();
        assert_eq!(q.currency.as_deref(), Some("CNY"));
        // A four-digit Yahoo code is asked and matched as five.
        let f = set(smic_fields(), 2, "09988");
        let q = one(&gbk(&line("r_hk09988", &value(78, &f))), "9988.HK").unwrap();
        assert_eq!(q.price, Some(72.5));
    }

    #[test]
    fn a_mainland_line_keeps_lots_cny_and_the_chinese_name_in_both_places() {
        let naura = line(
            "sz002371",
            &value(
                88,
                &[
                    (1, "北方华创"),
                    (2, "002371"),
                    (3, "498.83"),
                    (4, "497.62"),
                    (6, "1200"),
                    (30, "20261124110001"),
                ],
            ),
        );
        let body = gbk(&format!("{}{naura}", cambricon()));
        let got = decode(&body, &[sym("688256.SS"), sym("002371.SZ")], now(), &Calendar::default());
        let q = got[0].1.as_ref().unwrap();
        assert_eq!((q.name.as_deref(), q.name_zh.as_deref()), (Some("寒武纪"), Some("寒武纪")));
        assert_eq!((q.price, q.previous_close, q.open), (Some(1279.81), Some(1272.59), Some(1275.0)));
        assert_eq!((q.change, q.change_pct), (Some(7.22), Some(0.57)));
        assert_eq!((q.day_high, q.day_low), (Some(1290.0), Some(1265.5)));
        assert_eq!(q.volume, Some(5_231_100), "lots of 100");
        assert_eq!(q.market_cap, Some(534_218_000_000.0));
        assert_eq!(q.time, Some("2026-11-24T03:00:03Z".parse().unwrap()), "11:00:03 in Shanghai");
        assert_eq!((q.currency.as_deref(), q.delay_min, q.source), (Some("CNY"), 0, PriceSource::Tencent));
        assert_eq!((q.market_state, q.year_high), (MarketState::Regular, None));
        let n = got[1].1.as_ref().unwrap();
        assert_eq!((n.name.as_deref(), n.price, n.volume), (Some("北方华创"), Some(498.83), Some(120_000)));
        assert_eq!(n.exchange.as_deref(), Some("SZSE"));
    }

    #[test]
    fn a_mixed_batch_is_read_per_symbol_in_the_order_asked() {
        // Tencent's order need not be ours.
        let body = gbk(&format!("{}{}{}", cambricon(), nvda(), smic()));
        let asked = [sym("NVDA"), sym("0981.HK"), sym("688256.SS"), sym("ASML.AS")];
        let got = decode(&body, &asked, now(), &Calendar::default());
        let order: Vec<&str> = got.iter().map(|(s, _)| s.as_str()).collect();
        assert_eq!(order, ["NVDA", "0981.HK", "688256.SS", "ASML.AS"]);
        let q = |i: usize| got[i].1.as_ref().unwrap();
        assert_eq!((q(0).price, q(0).currency.as_deref(), q(0).delay_min), (Some(181.2), Some("USD"), 0));
        assert_eq!((q(1).price, q(1).currency.as_deref(), q(1).delay_min), (Some(72.5), Some("HKD"), 15));
        assert_eq!((q(2).price, q(2).currency.as_deref(), q(2).delay_min), (Some(1279.81), Some("CNY"), 0));
        assert!(matches!(got[3].1, Err(QuoteError::Unsupported(_))), "{:?}", got[3].1);
    }

    #[test]
    fn none_match_is_unknown_only_when_it_accounts_for_every_missing_code() {
        let asked = [sym("NVDA"), sym("ZZZZ"), sym("0981.HK")];
        let body = gbk(&format!("{}v_pv_none_match=\"1\";\n{}", nvda(), smic()));
        let got = decode(&body, &asked, now(), &Calendar::default());
        assert!(got[0].1.is_ok() && got[2].1.is_ok());
        assert!(matches!(&got[1].1, Err(QuoteError::Unknown(t)) if t.contains("ZZZZ")), "{:?}", got[1].1);
        // Two codes without a line and one none_match: which is unknown is not said, so both are
        // asked again.
        let asked = [sym("NVDA"), sym("ZZZZ"), sym("0981.HK")];
        let body = gbk(&format!("{}v_pv_none_match=\"1\";\n", nvda()));
        let got = decode(&body, &asked, now(), &Calendar::default());
        assert!(matches!(&got[1].1, Err(QuoteError::Transient(_))), "{:?}", got[1].1);
        assert!(
            matches!(&got[2].1, Err(QuoteError::Transient(t)) if t.contains("r_hk00981")),
            "{:?}",
            got[2].1
        );
        // A code's own one-field line is Tencent not knowing it.
        assert!(matches!(one(&gbk("v_usZZZZ=\"1\";"), "ZZZZ"), Err(QuoteError::Unknown(_))));
    }

    #[test]
    fn short_lines_bad_prices_missing_and_cut_lines_are_transient() {
        let transient = |o: QuoteOutcome, what: &str| {
            assert!(matches!(o, Err(QuoteError::Transient(_))), "{what}: {o:?}");
        };
        // Too few fields for each layout, each one short of its last field read.
        transient(one(&gbk(&line("usNVDA", &value(49, &nvda_fields()))), "NVDA"), "US 49");
        transient(one(&gbk(&line("r_hk00981", &value(49, &smic_fields()))), "0981.HK"), "HK 49");
        let short = "v_sh688256=\"1~寒武纪~688256~1279.81~1272.59\";";
        transient(one(&gbk(short), "688256.SS"), "mainland 5");
        // A date, a word, nothing, zero, NaN in the price's place.
        for bad in ["2026-11-24", "N/A", "", "0", "NaN", "inf", "-3"] {
            let f = set(nvda_fields(), 3, bad);
            transient(one(&gbk(&line("usNVDA", &value(72, &f))), "NVDA"), bad);
        }
        // A symbol with no line at all, and a line the answer ends inside.
        transient(one(&gbk(&smic()), "NVDA"), "missing");
        let cut = nvda();
        let cut = &cut[..cut.len() / 2];
        transient(one(&gbk(cut), "NVDA"), "cut");
        // The fields are not where the layout says (another code's line under this name).
        transient(one(&gbk(&line("usNVDA", &value(72, &smic_fields()))), "NVDA"), "layout");
        // Other numbers that are not numbers are left out, not made up.
        let f = set(set(nvda_fields(), 4, "-"), 33, "x");
        let q = one(&gbk(&line("usNVDA", &value(72, &f))), "NVDA").unwrap();
        assert_eq!((q.previous_close, q.day_high, q.price), (None, None, Some(181.2)));
    }

    #[test]
    fn broken_gbk_in_a_name_neither_panics_nor_shifts_the_fields_nor_reaches_the_screen() {
        // 寒 then a lone lead byte then 纪: decoded as a whole, the lead byte would pair with the
        // next byte and, at the end of the name, with the `~` (a valid trail byte).
        for name in [
            &[0xba, 0xae, 0xce, 0xbc, 0xcd][..],
            &[0xba, 0xae, 0xce],
            &[0xff, 0x81],
            &[0x81, 0x1b, b'[', b'2', b'J'],
        ] {
            let mut body = b"v_sh688256=\"1~".to_vec();
            body.extend_from_slice(name);
            let rest = cambricon();
            let rest = &rest[rest.find("~688256").unwrap()..];
            body.extend_from_slice(&gbk(rest));
            let q = one(&body, "688256.SS").unwrap_or_else(|e| panic!("{name:x?}: {e}"));
            assert_eq!(q.price, Some(1279.81), "{name:x?}");
            let n = q.name.unwrap_or_default();
            assert!(!n.chars().any(|c| c.is_control() || c == char::REPLACEMENT_CHARACTER), "{n:?}");
        }
        // A real GBK character whose second byte is `~` (亊 is 0x81 0x7E) still reads.
        let q = one(&gbk(&cambricon().replace("寒武纪", "亊武纪")), "688256.SS").unwrap();
        assert_eq!((q.name.as_deref(), q.price), (Some("亊武纪"), Some(1279.81)));
        // Escapes and control characters in names are dropped, in both names.
        let hostile =
            line("usNVDA", &value(72, &nvda_fields()).replace("NVIDIA Corp", "NVIDIA\u{1b}[31m Corp\u{7}"));
        let hostile = hostile.replace("英伟达", "英伟\u{1b}]0;x\u{7}达");
        let q = one(&gbk(&hostile), "NVDA").unwrap();
        assert_eq!((q.name.as_deref(), q.name_zh.as_deref()), (Some("NVIDIA Corp"), Some("英伟达")));
    }

    #[test]
    fn garbage_answers_fail_every_symbol_without_panicking() {
        let asked = [sym("NVDA"), sym("0981.HK"), sym("688256.SS")];
        let tildes = format!("v_usNVDA=\"{}\";", "~".repeat(1_000_000));
        let garbage: [&[u8]; 7] = [
            b"",
            b"<html>403 Forbidden</html>",
            &[0xff, 0xfe, 0x00, 0x81],
            b"v_",
            b"v_usNVDA=",
            b"v_usNVDA=\"",
            tildes.as_bytes(),
        ];
        for g in garbage {
            let got = decode(g, &asked, now(), &Calendar::default());
            assert_eq!(got.len(), 3);
            assert!(
                got.iter().all(|(_, o)| o.is_err()),
                "{:?}",
                String::from_utf8_lossy(&g[..g.len().min(40)])
            );
        }
    }
}
