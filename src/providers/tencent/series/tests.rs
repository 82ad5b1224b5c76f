//! The series client's reading of Tencent's answers, and its codes and ranges.

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
    let rows = json!([["2026-11-24", "1", "3.5", "4", "1", "9"], ["2026-11-21", "1", "2.5", "4", "1", "9"]]);
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
    assert!(matches!(parse_bars(&kline("sh688256", "qfqday", junk), "sh688256", "day"), Err(Bad::Decode(_))));
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
    let us = parse_minutes(&minutes_answer("usNVDA.OQ", "20261124", &["0930 181.2 303686"], ""), "usNVDA.OQ")
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
    let bars =
        vec![(d("2026-10-22"), 1.0), (d("2026-10-23"), 2.0), (d("2026-10-26"), 3.0), (d("2026-11-24"), 4.0)];
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
