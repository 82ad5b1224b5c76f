//! Hostile input for the Yahoo decoders: arbitrary bytes, arbitrary JSON, and real answers with one
//! field replaced by anything. They may refuse; they may never panic.

use chrono::{DateTime, Utc};
use proptest::prelude::*;
use serde_json::{Value, json};

use super::{chart, v7};
use crate::market::Symbol;
use crate::market::calendar::Calendar;
use crate::market::series::ChartRange;

fn now() -> DateTime<Utc> {
    "2026-11-24T15:00:00Z".parse().unwrap()
}

/// Any JSON value, a few levels deep, numbers at the edges included.
pub fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        prop_oneof![any::<f64>(), Just(1e308), Just(-1e308), Just(1e-320), Just(f64::MAX)]
            .prop_filter_map("JSON has no NaN", |f| serde_json::Number::from_f64(f).map(Value::Number)),
        "\\PC{0,12}".prop_map(Value::from),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::from),
            prop::collection::btree_map("[a-zA-Z]{1,8}", inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

fn quote_body() -> Value {
    json!({ "quoteResponse": { "result": [{
        "symbol": "NVDA", "shortName": "NVIDIA", "currency": "USD", "marketState": "REGULAR",
        "regularMarketPrice": 181.2, "regularMarketChange": 1.0, "regularMarketPreviousClose": 180.2,
        "regularMarketVolume": 1000, "regularMarketTime": 1_764_000_000, "exchangeDataDelayedBy": 0,
        "preMarketPrice": 182.0, "postMarketPrice": 181.0, "fiftyTwoWeekHigh": 212.0
    }], "error": null } })
}

fn chart_body() -> Value {
    json!({ "chart": { "result": [{
        "meta": { "symbol": "NVDA", "currency": "USD", "regularMarketPrice": 181.2, "previousClose": 180.2,
                  "currentTradingPeriod": { "regular": { "end": 1_764_000_000 } } },
        "timestamp": [1_763_990_000, 1_763_990_300],
        "indicators": { "quote": [{ "close": [180.5, 181.2] }] }
    }], "error": null } })
}

/// Every place in `v` a value sits, as a JSON pointer.
fn pointers(v: &Value, at: String, out: &mut Vec<String>) {
    out.push(at.clone());
    match v {
        Value::Object(m) => m.iter().for_each(|(k, x)| pointers(x, format!("{at}/{k}"), out)),
        Value::Array(a) => a.iter().enumerate().for_each(|(i, x)| pointers(x, format!("{at}/{i}"), out)),
        _ => {}
    }
}

/// `base` with the value at its `pick`-th place replaced by `with`.
fn mutated(base: Value, pick: usize, with: Value) -> Vec<u8> {
    let mut all = Vec::new();
    pointers(&base, String::new(), &mut all);
    let mut v = base;
    let at = &all[pick % all.len()];
    match v.pointer_mut(at) {
        Some(slot) => *slot = with,
        None => v = with,
    }
    v.to_string().into_bytes()
}

fn decode_all(bytes: &[u8]) {
    let nvda = Symbol::parse("NVDA").unwrap();
    let _ = v7::decode(bytes, now(), &Calendar::default());
    let _ = chart::decode(bytes, &nvda, now(), &Calendar::default());
    for range in ChartRange::ALL {
        if let Ok(chart::SeriesDecoded::Series(s)) = chart::decode_series(bytes, &nvda, range) {
            assert!(s.points.iter().all(|(_, p)| p.is_finite()), "{s:?}");
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn any_bytes(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        decode_all(&bytes);
    }

    #[test]
    fn any_json(v in json_value()) {
        decode_all(v.to_string().as_bytes());
    }

    #[test]
    fn a_quote_with_one_field_replaced(pick in any::<usize>(), with in json_value()) {
        decode_all(&mutated(quote_body(), pick, with));
    }

    #[test]
    fn a_chart_with_one_field_replaced(pick in any::<usize>(), with in json_value()) {
        decode_all(&mutated(chart_body(), pick, with));
    }
}
