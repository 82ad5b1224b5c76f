//! Tencent's three layouts with fixtures written here (our numbers, the recorded shapes).

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
    assert!(matches!(&got[2].1, Err(QuoteError::Transient(t)) if t.contains("r_hk00981")), "{:?}", got[2].1);
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
        assert!(got.iter().all(|(_, o)| o.is_err()), "{:?}", String::from_utf8_lossy(&g[..g.len().min(40)]));
    }
}

/// An A share's line with the day's limits in fields 47 and 48 (Cambricon on STAR: ±20 % of the
/// previous close 1,272.59), its price set to `price`, its open, volume and time to those given.
fn cambricon_at(price: &str, open: &str, volume: &str, time: &str) -> String {
    let v = value(
        88,
        &[
            (0, "1"),
            (1, "寒武纪"),
            (2, "688256"),
            (3, price),
            (4, "1272.59"),
            (5, open),
            (6, volume),
            (30, time),
            (31, "0.00"),
            (32, "0.00"),
            (45, "5342.18"),
            (47, "1527.11"),
            (48, "1018.07"),
        ],
    );
    line("sh688256", &v)
}

#[test]
fn mainland_limits_are_read_and_a_price_at_one_is_at_it() {
    let q = one(&gbk(&cambricon_at("1527.11", "1300.00", "52311", "20261124110003")), "688256.SS").unwrap();
    assert_eq!((q.limit_up, q.limit_down), (Some(1527.11), Some(1018.07)));
    assert!(!q.halted);
    assert_eq!(crate::market::limits::at_limit(&q), Some(crate::market::limits::AtLimit::Up));
    let q = one(&gbk(&cambricon_at("1018.07", "1100.00", "52311", "20261124110003")), "688256.SS").unwrap();
    assert_eq!(crate::market::limits::at_limit(&q), Some(crate::market::limits::AtLimit::Down));
    // Hong Kong has no daily limits: its fields 47/48 are not read as such.
    let q = one(&gbk(&smic()), "0981.HK").unwrap();
    assert_eq!((q.limit_up, q.limit_down, q.halted), (None, None, false));
    // A short answer (a fund's 50 fields, or an older layout) just has none.
    let short =
        line("sh688256", &value(46, &[(0, "1"), (2, "688256"), (3, "1279.81"), (30, "20261124110003")]));
    let q = one(&gbk(&short), "688256.SS").unwrap();
    assert_eq!((q.limit_up, q.limit_down), (None, None));
}

#[test]
fn a_suspended_a_share_is_halted_past_the_open_only() {
    // Suspended: the previous close as the price, no open, no volume, at 11:00.
    let q = one(&gbk(&cambricon_at("1272.59", "0.00", "0", "20261124110003")), "688256.SS").unwrap();
    assert!(q.halted, "{q:?}");
    assert_eq!(crate::market::limits::at_limit(&q), None, "a halted name is at no limit");
    // The same at 09:20, in the call auction: nothing has traded yet, for any stock.
    let q = one(&gbk(&cambricon_at("1272.59", "0.00", "0", "20261124092000")), "688256.SS").unwrap();
    assert!(!q.halted);
    // Traded: an open and a volume.
    let q = one(&gbk(&cambricon_at("1279.81", "1275.00", "52311", "20261124110003")), "688256.SS").unwrap();
    assert!(!q.halted);
}
