//! Tencent's snapshot answer, decoded (`qt.gtimg.cn/q=sh688256,sz002371`).
//!
//! The answer is GBK text, one `v_CODE="f0~f1~…";` per code. Field numbers (0-based): 1 name,
//! 3 last, 4 previous close, 5 open, 6 volume in lots of 100, 30 time `YYYYMMDDHHMMSS` (Shanghai),
//! 31 change, 32 change %, 33 high, 34 low, 45 total market cap in 100 million CNY.

use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Asia::Shanghai;

use crate::market::calendar::Calendar;
use crate::market::exchange::exchange_for;
use crate::market::{MarketState, PriceSource, Quote, QuoteError, QuoteOutcome, Symbol};
use crate::present::sanitize::clean;

/// An answer with fewer fields than this is not the layout we know.
const MIN_FIELDS: usize = 46;

/// At most this many codes in one request.
pub const MAX_CODES: usize = 60;

/// Tencent's code for a Shanghai or Shenzhen symbol (`688256.SS` → `sh688256`); none for others.
pub fn code_for(sym: &Symbol) -> Option<String> {
    let (base, suffix) = sym.as_str().rsplit_once('.')?;
    let prefix = match suffix {
        "SS" => "sh",
        "SZ" => "sz",
        _ => return None,
    };
    (base.len() == 6 && base.bytes().all(|b| b.is_ascii_digit())).then(|| format!("{prefix}{base}"))
}

/// The quotes for `requested` in a GBK answer: each symbol gets its quote or why it has none (an
/// unknown code, a missing line, a changed layout).
pub fn decode(
    body: &[u8],
    requested: &[Symbol],
    now: DateTime<Utc>,
    cal: &Calendar,
) -> Vec<(Symbol, QuoteOutcome)> {
    let (text, _, _) = encoding_rs::GBK.decode(body);
    let mut lines: Vec<(&str, &str)> = Vec::new();
    for part in text.split(';') {
        let part = part.trim();
        let Some(rest) = part.strip_prefix("v_") else { continue };
        let Some((code, value)) = rest.split_once('=') else { continue };
        lines.push((code.trim(), value.trim().trim_matches('"')));
    }
    requested
        .iter()
        .map(|sym| {
            let outcome = match code_for(sym) {
                None => Err(QuoteError::Unsupported(format!("{sym} is not a Shanghai or Shenzhen symbol"))),
                Some(code) => match lines.iter().find(|(c, _)| *c == code) {
                    None => Err(QuoteError::Transient(format!("Tencent did not answer for {code}"))),
                    Some((_, v)) => quote(sym, v, now, cal),
                },
            };
            (sym.clone(), outcome)
        })
        .collect()
}

fn quote(sym: &Symbol, value: &str, now: DateTime<Utc>, cal: &Calendar) -> QuoteOutcome {
    let f: Vec<&str> = value.split('~').collect();
    if f.len() < MIN_FIELDS {
        // `v_pv_none_match="1";` and friends: an unknown code, or a layout that changed.
        let text = format!("Tencent has no quote for {sym} ({} fields)", f.len());
        // One field is `v_pv_none_match="1"`: no such code. More is a layout we do not know.
        return Err(if f.len() <= 1 { QuoteError::Unknown(text) } else { QuoteError::Transient(text) });
    }
    let num = |i: usize| f[i].trim().parse::<f64>().ok().filter(|x| x.is_finite());
    let price = num(3)
        .filter(|p| *p > 0.0)
        .ok_or_else(|| QuoteError::Transient(format!("Tencent gave no price for {sym}")))?;
    let time = NaiveDateTime::parse_from_str(f[30].trim(), "%Y%m%d%H%M%S")
        .ok()
        .and_then(|t| Shanghai.from_local_datetime(&t).earliest())
        .map(|t| t.with_timezone(&Utc));
    let ex = exchange_for(sym.as_str());
    let name = clean(f[1]);
    Ok(Quote {
        symbol: sym.clone(),
        name: (!name.is_empty()).then_some(name),
        currency: Some("CNY".to_string()),
        price: Some(price),
        change: num(31),
        change_pct: num(32),
        previous_close: num(4).filter(|p| *p > 0.0),
        open: num(5).filter(|p| *p > 0.0),
        day_high: num(33).filter(|p| *p > 0.0),
        day_low: num(34).filter(|p| *p > 0.0),
        volume: num(6).filter(|v| *v >= 0.0).map(|lots| (lots * 100.0).round() as u64),
        market_cap: num(45).filter(|c| *c > 0.0).map(|c| c * 1e8),
        market_state: MarketState::from_session(ex.state_at(now, cal)),
        exchange: Some(ex.code.to_string()),
        time,
        delay_min: 0,
        source: PriceSource::Tencent,
        ..Quote::default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sym(s: &str) -> Symbol {
        Symbol::parse(s).unwrap()
    }

    /// A Tencent line for `code` with our own numbers in the fields we read.
    fn line(code: &str, name: &str, fields: &[(usize, &str)]) -> String {
        let mut f = vec![String::new(); 88];
        f[0] = "1".into();
        f[1] = name.into();
        f[2] = code[2..].into();
        for (i, v) in fields {
            f[*i] = (*v).to_string();
        }
        format!("v_{code}=\"{}\";\n", f.join("~"))
    }

    fn gbk(text: &str) -> Vec<u8> {
        encoding_rs::GBK.encode(text).0.into_owned()
    }

    fn now() -> DateTime<Utc> {
        "2026-11-24T03:00:05Z".parse().unwrap()
    }

    #[test]
    fn codes() {
        assert_eq!(code_for(&sym("688256.SS")).as_deref(), Some("sh688256"));
        assert_eq!(code_for(&sym("002371.SZ")).as_deref(), Some("sz002371"));
        assert_eq!(code_for(&sym("0981.HK")), None);
        assert_eq!(code_for(&sym("NVDA")), None);
    }

    #[test]
    fn fields_are_mapped_from_gbk() {
        let cambricon = line(
            "sh688256",
            "寒武纪",
            &[
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
        let naura = line(
            "sz002371",
            "北方华创",
            &[(3, "498.83"), (4, "497.62"), (6, "1200"), (30, "20261124110001")],
        );
        let body = gbk(&format!("{cambricon}{naura}"));
        let got = decode(&body, &[sym("688256.SS"), sym("002371.SZ")], now(), &Calendar::default());
        let q = got[0].1.as_ref().unwrap();
        assert_eq!(q.name.as_deref(), Some("寒武纪"));
        assert_eq!((q.price, q.previous_close, q.open), (Some(1279.81), Some(1272.59), Some(1275.0)));
        assert_eq!((q.change, q.change_pct), (Some(7.22), Some(0.57)));
        assert_eq!((q.day_high, q.day_low), (Some(1290.0), Some(1265.5)));
        assert_eq!(q.volume, Some(5_231_100), "lots of 100");
        assert_eq!(q.market_cap, Some(534_218_000_000.0));
        // 11:00:03 in Shanghai is 03:00:03 UTC.
        assert_eq!(q.time, Some("2026-11-24T03:00:03Z".parse().unwrap()));
        assert_eq!((q.currency.as_deref(), q.delay_min, q.source), (Some("CNY"), 0, PriceSource::Tencent));
        assert_eq!(q.market_state, MarketState::Regular);
        let n = got[1].1.as_ref().unwrap();
        assert_eq!((n.name.as_deref(), n.price, n.volume), (Some("北方华创"), Some(498.83), Some(120_000)));
        assert_eq!(n.exchange.as_deref(), Some("SZSE"));
    }

    #[test]
    fn unknown_missing_short_and_garbage_answers_are_errors_per_symbol() {
        let good = line("sh688981", "中芯国际", &[(3, "115.02"), (30, "20261124110003")]);
        let body = gbk(&format!("v_pv_none_match=\"1\";\n{good}v_sz002371=\"1~北方华创~002371~498.83\";\n"));
        let asked = [sym("688981.SS"), sym("688795.SS"), sym("002371.SZ"), sym("0981.HK")];
        let got = decode(&body, &asked, now(), &Calendar::default());
        assert!(got[0].1.is_ok());
        assert!(got[1].1.as_ref().unwrap_err().to_string().contains("sh688795"), "{:?}", got[1].1);
        assert!(got[2].1.as_ref().unwrap_err().to_string().contains("fields"), "{:?}", got[2].1);
        assert!(got[3].1.is_err());
        for garbage in [&b""[..], b"<html>403 Forbidden</html>", &[0xff, 0xfe, 0x00, 0x81][..]] {
            let got = decode(garbage, &asked[..1], now(), &Calendar::default());
            assert!(got[0].1.is_err(), "{garbage:?}");
        }
        // A name with control characters or escapes never reaches the screen as such.
        let hostile = line("sh688981", "中芯\u{1b}[31m国际", &[(3, "115.02")]);
        let got = decode(&gbk(&hostile), &asked[..1], now(), &Calendar::default());
        assert_eq!(got[0].1.as_ref().unwrap().name.as_deref(), Some("中芯国际"));
    }
}
