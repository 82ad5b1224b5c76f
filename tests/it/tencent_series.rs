//! Tencent's series for the charts, through the public `ChartSource` of a `TencentSeries` pointed
//! at a local stand-in (wiremock on 127.0.0.1) that serves answers written here in the shapes
//! Tencent's endpoints use: kline JSON, minute JSON, and GBK quote lines. Nothing here touches the
//! internet.

use std::sync::Arc;

use chiptape::market::Symbol;
use chiptape::market::clock::FixedClock;
use chiptape::market::series::{ChartRange, Series};
use chiptape::providers::http::HttpOptions;
use chiptape::providers::tencent::series::TencentSeries;
use chiptape::providers::{ChartSource, ProviderError};
use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc, Weekday};
use serde_json::{Value, json};
use wiremock::matchers::{method, path, path_regex, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// Tuesday 2026-11-24 12:00 UTC: 20:00 in Shanghai and Hong Kong (both closed for the day), 07:00
/// in New York (before Tuesday's open; Monday the 23rd was the last session).
const NOW: &str = "2026-11-24T12:00:00Z";

const APP: &str = "/appstock/app";

fn sym(s: &str) -> Symbol {
    Symbol::parse(s).unwrap()
}

fn at(s: &str) -> DateTime<Utc> {
    s.parse().unwrap()
}

fn day(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn source(server: &MockServer) -> TencentSeries {
    let clock = Arc::new(FixedClock(at(NOW)));
    // The quote answers and the series come from different hosts in production: two prefixes here.
    let (quote, series) = (format!("{}/qt", server.uri()), format!("{}/web/", server.uri()));
    TencentSeries::new(&quote, &series, &HttpOptions::default(), clock).expect("the client builds")
}

fn gbk(text: &str) -> Vec<u8> {
    let (bytes, _, unmappable) = encoding_rs::GBK.encode(text);
    assert!(!unmappable, "the test text is GBK");
    bytes.into_owned()
}

fn gbk_answer(text: &str) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_raw(gbk(text), "text/html; charset=GBK")
}

fn json_answer(v: Value) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_raw(v.to_string(), "application/json")
}

/// The `n` weekdays up to and including `last`, oldest first.
fn weekdays(last: &str, n: usize) -> Vec<NaiveDate> {
    let mut out: Vec<NaiveDate> = std::iter::successors(Some(day(last)), |d| d.pred_opt())
        .filter(|d| !matches!(d.weekday(), Weekday::Sat | Weekday::Sun))
        .take(n)
        .collect();
    out.reverse();
    out
}

/// The `n` Fridays up to and including `last`, oldest first.
fn fridays(last: &str, n: usize) -> Vec<NaiveDate> {
    let mut out: Vec<NaiveDate> = (0..n as i64).map(|i| day(last) - Duration::weeks(i)).collect();
    out.reverse();
    out
}

/// Bars in Tencent's row layout: `[date, open, close, high, low, volume, {}, …]`, the close rising
/// by one from `first_close`. `extra` adds the object and the trailing fields HK and US rows carry.
fn rows(dates: &[NaiveDate], first_close: f64, extra: bool) -> Value {
    let rows: Vec<Value> = dates
        .iter()
        .enumerate()
        .map(|(i, d)| {
            let c = first_close + i as f64;
            let mut r = json!([
                d.to_string(),
                format!("{:.3}", c - 0.5),
                format!("{c:.3}"),
                format!("{:.3}", c + 1.0),
                format!("{:.3}", c - 1.0),
                "123456.000"
            ]);
            if extra {
                let a = r.as_array_mut().unwrap();
                a.push(json!({}));
                a.push(json!("0.15"));
                a.push(json!("48079.57"));
            }
            r
        })
        .collect();
    Value::Array(rows)
}

/// A kline answer: `rows` under `key` in `code`'s entry, beside its quote and the other fields.
fn kline(code: &str, key: &str, rows: Value) -> Value {
    json!({ "code": 0, "msg": "", "data": { code: {
        key: rows,
        "qt": { code: ["1", "名称", code, "10.00", "9.90"], "market": ["x"] },
        "mx_price": { "mx": [], "price": [] },
        "prec": "1.000",
        "version": "16"
    } } })
}

/// A minute answer: the session's rows and date, and its quote (field 4: previous close).
fn minutes(code: &str, date: &str, rows: &[&str], previous_close: Option<&str>) -> Value {
    let mut entry = json!({ "data": { "data": rows, "date": date } });
    if let Some(p) = previous_close {
        entry["qt"] = json!({ code: ["1", "名称", code, "10.00", p, "9.95"], "market": ["x"] });
    }
    json!({ "code": 0, "msg": "", "data": { code: entry } })
}

fn kline_mock(endpoint: &str, param: &str, answer: ResponseTemplate) -> Mock {
    Mock::given(method("GET"))
        .and(path(format!("/web{APP}/{endpoint}/get")))
        .and(query_param("param", param))
        .respond_with(answer)
}

fn query_mock(endpoint: &str, code: &str, answer: ResponseTemplate) -> Mock {
    Mock::given(method("GET"))
        .and(path(format!("/web{APP}/{endpoint}/query")))
        .and(query_param("code", code))
        .respond_with(answer)
}

const NVDA_QUOTE: &str = "v_usNVDA=\"200~英伟达~NVDA.OQ~181.20~178.88~180.00~123456~0~0~181.10~\";\n";

fn nvda_quote_mock() -> Mock {
    Mock::given(method("GET")).and(path("/qt/q=usNVDA")).respond_with(gbk_answer(NVDA_QUOTE))
}

async fn series(src: &TencentSeries, s: &str, range: ChartRange) -> Series {
    src.series(&sym(s), range).await.unwrap_or_else(|e| panic!("{s} {range}: {e:?}"))
}

fn in_order(s: &Series) -> bool {
    s.points.windows(2).all(|w| w[0].0 < w[1].0)
}

fn close_to(a: Option<f64>, b: f64) -> bool {
    a.is_some_and(|a| (a - b).abs() < 1e-6)
}

/// The close of the last bar before `start` in bars made by `rows(dates, first, _)`.
fn close_before(dates: &[NaiveDate], first: f64, start: NaiveDate) -> f64 {
    let i = dates.iter().rposition(|d| *d < start).expect("a bar before the range");
    first + i as f64
}

async fn requests_to(server: &MockServer, prefix: &str) -> usize {
    server
        .received_requests()
        .await
        .unwrap_or_default()
        .iter()
        .filter(|r| r.url.path().starts_with(prefix))
        .count()
}

// ---------------------------------------------------------------- NVDA

#[tokio::test]
async fn nvda_learns_its_suffixed_code_once_then_asks_usfqkline() {
    let server = MockServer::start().await;
    nvda_quote_mock().expect(1).mount(&server).await;
    let session = ["0930 180.10 303686", "0931 180.55 1392198", "1559 182.00 7887853", "1600 181.20 7999999"];
    query_mock(
        "minute",
        "usNVDA.OQ",
        json_answer(minutes("usNVDA.OQ", "20261123", &session, Some("178.88"))),
    )
    .expect(1)
    .mount(&server)
    .await;
    let daily = weekdays("2026-11-23", 41);
    kline_mock(
        "usfqkline",
        "usNVDA.OQ,day,,,40,qfq",
        json_answer(kline("usNVDA.OQ", "day", rows(&daily, 140.0, true))),
    )
    .expect(1)
    .mount(&server)
    .await;
    let weekly = fridays("2026-11-20", 281);
    kline_mock(
        "usfqkline",
        "usNVDA.OQ,week,,,280,qfq",
        json_answer(kline("usNVDA.OQ", "week", rows(&weekly, 20.0, true))),
    )
    .expect(1)
    .mount(&server)
    .await;
    let src = source(&server);

    let d1 = series(&src, "NVDA", ChartRange::D1).await;
    assert_eq!(d1.symbol, sym("NVDA"));
    assert_eq!(d1.currency.as_deref(), Some("USD"));
    assert!(close_to(d1.previous_close, 178.88), "{:?}", d1.previous_close);
    // New York minutes, in November five hours behind UTC.
    assert_eq!(d1.points.first(), Some(&(at("2026-11-23T14:30:00Z"), 180.10)));
    assert_eq!(d1.points.last(), Some(&(at("2026-11-23T21:00:00Z"), 181.20)));
    assert_eq!(d1.points.len(), 4);
    assert!(in_order(&d1));

    let m1 = series(&src, "NVDA", ChartRange::M1).await;
    assert_eq!(m1.currency.as_deref(), Some("USD"));
    assert!(in_order(&m1));
    // A month back from Tuesday 24 November (New York): from 24 October on.
    let start = day("2026-10-24");
    assert_eq!(m1.points.first().map(|p| p.0), Some(at("2026-10-26T13:30:00Z")), "Monday's bar at the open");
    assert_eq!(m1.points.last(), Some(&(at("2026-11-23T14:30:00Z"), 140.0 + 40.0)));
    assert_eq!(m1.points.len(), daily.iter().filter(|d| **d >= start).count());
    assert!(close_to(m1.previous_close, close_before(&daily, 140.0, start)));

    let y5 = series(&src, "NVDA", ChartRange::Y5).await;
    assert!(in_order(&y5));
    let start = day("2021-11-24");
    assert_eq!(y5.points.len(), weekly.iter().filter(|d| **d >= start).count());
    assert!(y5.points.first().is_some_and(|p| p.0 >= at("2021-11-24T00:00:00Z")));
    assert!(close_to(y5.previous_close, close_before(&weekly, 20.0, start)));
    assert_eq!(y5.points.last().map(|p| p.1), Some(20.0 + 280.0));

    // Three ranges, one quote request: the suffixed code is remembered.
    server.verify().await;
}

#[tokio::test]
async fn nvda_five_days_from_dayus() {
    let server = MockServer::start().await;
    nvda_quote_mock().expect(1).mount(&server).await;
    let days: Vec<Value> = ["20261123", "20261120", "20261119", "20261118", "20261117", "20261116"]
        .iter()
        .enumerate()
        .map(|(i, d)| {
            let p = 180.0 - i as f64;
            json!({ "date": d, "prec": format!("{:.2}", p - 0.5),
                    "data": [format!("0930 {p:.2} 100"), format!("1600 {:.2} 900", p + 0.25)] })
        })
        .collect();
    let answer = json!({ "code": 0, "msg": "", "data": { "usNVDA.OQ": { "data": days } } });
    query_mock("dayus", "usNVDA.OQ", json_answer(answer)).expect(1).mount(&server).await;

    let d5 = series(&source(&server), "NVDA", ChartRange::D5).await;
    // Five sessions (the sixth, oldest, dropped), oldest first.
    assert_eq!(d5.points.len(), 10);
    assert!(in_order(&d5));
    assert_eq!(d5.points.first(), Some(&(at("2026-11-17T14:30:00Z"), 176.0)));
    assert_eq!(d5.points.last(), Some(&(at("2026-11-23T21:00:00Z"), 180.25)));
    // The close before the range: the oldest kept session's previous close.
    assert!(close_to(d5.previous_close, 175.5), "{:?}", d5.previous_close);
    server.verify().await;
}

#[tokio::test]
async fn an_unknown_us_code_is_no_data_and_asks_for_no_series() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/qt/q=usZZZZQ"))
        .respond_with(gbk_answer("v_pv_none_match=\"1\";\n"))
        .expect(2)
        .mount(&server)
        .await;
    let src = source(&server);
    for range in [ChartRange::D1, ChartRange::Y1] {
        let err = src.series(&sym("ZZZZQ"), range).await.unwrap_err();
        assert!(matches!(&err, ProviderError::NoData(t) if t.contains("ZZZZQ")), "{err:?}");
    }
    assert_eq!(requests_to(&server, "/web").await, 0);
    server.verify().await;
}

// ---------------------------------------------------------------- 0981.HK

#[tokio::test]
async fn smic_0981_hk_from_hkfqkline_and_minutes() {
    let server = MockServer::start().await;
    let session =
        ["0930 70.10 1000 70100.00", "1200 70.60 2000 1.0", "1300 70.40 3000 1.0", "1608 71.05 9000 1.0"];
    query_mock("minute", "hk00981", json_answer(minutes("hk00981", "20261124", &session, Some("69.80"))))
        .expect(1)
        .mount(&server)
        .await;
    let daily = weekdays("2026-11-24", 41);
    kline_mock(
        "hkfqkline",
        "hk00981,day,,,40,qfq",
        json_answer(kline("hk00981", "qfqday", rows(&daily, 50.0, true))),
    )
    .expect(1)
    .mount(&server)
    .await;
    let weekly = fridays("2026-11-20", 281);
    kline_mock(
        "hkfqkline",
        "hk00981,week,,,280,qfq",
        json_answer(kline("hk00981", "qfqweek", rows(&weekly, 10.0, true))),
    )
    .expect(1)
    .mount(&server)
    .await;
    let src = source(&server);

    let d1 = series(&src, "0981.HK", ChartRange::D1).await;
    assert_eq!(d1.currency.as_deref(), Some("HKD"));
    assert!(close_to(d1.previous_close, 69.80));
    assert_eq!(d1.points.first(), Some(&(at("2026-11-24T01:30:00Z"), 70.10)));
    assert_eq!(d1.points.last(), Some(&(at("2026-11-24T08:08:00Z"), 71.05)), "the closing auction");
    assert!(in_order(&d1));

    let m1 = series(&src, "0981.HK", ChartRange::M1).await;
    assert_eq!(m1.currency.as_deref(), Some("HKD"));
    assert!(in_order(&m1));
    let start = day("2026-10-24");
    assert_eq!(m1.points.len(), daily.iter().filter(|d| **d >= start).count());
    assert_eq!(m1.points.last(), Some(&(at("2026-11-24T01:30:00Z"), 90.0)));
    assert!(close_to(m1.previous_close, close_before(&daily, 50.0, start)));

    let y5 = series(&src, "0981.HK", ChartRange::Y5).await;
    assert!(in_order(&y5));
    let start = day("2021-11-24");
    assert_eq!(y5.points.len(), weekly.iter().filter(|d| **d >= start).count());
    assert!(close_to(y5.previous_close, close_before(&weekly, 10.0, start)));
    // Hong Kong needs no quote request.
    assert_eq!(requests_to(&server, "/qt").await, 0);
    server.verify().await;
}

// ---------------------------------------------------------------- 688256.SS

#[tokio::test]
async fn cambricon_688256_ss_from_fqkline_and_minutes() {
    let server = MockServer::start().await;
    let session = [
        "0930 1279.81 1234 157000.00",
        "1130 1285.00 2000 1.0",
        "1300 1284.00 2100 1.0",
        "1500 1290.50 9999 1.0",
    ];
    query_mock("minute", "sh688256", json_answer(minutes("sh688256", "20261124", &session, Some("1272.59"))))
        .expect(1)
        .mount(&server)
        .await;
    let daily = weekdays("2026-11-24", 41);
    // A stock without adjustments keeps its rows under `day`; an ex-dividend row carries an object.
    let mut daily_rows = rows(&daily, 1200.0, false);
    daily_rows[30].as_array_mut().unwrap().push(json!({ "nd": "2026", "fh_sh": "1.5" }));
    kline_mock("fqkline", "sh688256,day,,,40,qfq", json_answer(kline("sh688256", "day", daily_rows)))
        .expect(1)
        .mount(&server)
        .await;
    let weekly = fridays("2026-11-20", 281);
    kline_mock(
        "fqkline",
        "sh688256,week,,,280,qfq",
        json_answer(kline("sh688256", "qfqweek", rows(&weekly, 300.0, false))),
    )
    .expect(1)
    .mount(&server)
    .await;
    let src = source(&server);

    let d1 = series(&src, "688256.SS", ChartRange::D1).await;
    assert_eq!(d1.currency.as_deref(), Some("CNY"));
    assert!(close_to(d1.previous_close, 1272.59));
    assert_eq!(d1.points.first(), Some(&(at("2026-11-24T01:30:00Z"), 1279.81)));
    assert_eq!(d1.points.last(), Some(&(at("2026-11-24T07:00:00Z"), 1290.50)));
    assert!(in_order(&d1));

    let m1 = series(&src, "688256.SS", ChartRange::M1).await;
    assert!(in_order(&m1));
    let start = day("2026-10-24");
    assert_eq!(m1.points.len(), daily.iter().filter(|d| **d >= start).count());
    assert!(close_to(m1.previous_close, close_before(&daily, 1200.0, start)));
    assert_eq!(m1.currency.as_deref(), Some("CNY"));

    let y5 = series(&src, "688256.SS", ChartRange::Y5).await;
    assert!(in_order(&y5));
    let start = day("2021-11-24");
    assert_eq!(y5.points.len(), weekly.iter().filter(|d| **d >= start).count());
    assert!(close_to(y5.previous_close, close_before(&weekly, 300.0, start)));
    server.verify().await;
}

#[tokio::test]
async fn six_months_and_a_year_from_daily_bars() {
    let server = MockServer::start().await;
    let daily = weekdays("2026-11-24", 281);
    let body = json_answer(kline("sz002371", "qfqday", rows(&daily, 100.0, false)));
    kline_mock("fqkline", "sz002371,day,,,160,qfq", body.clone()).expect(1).mount(&server).await;
    kline_mock("fqkline", "sz002371,day,,,280,qfq", body).expect(1).mount(&server).await;
    let src = source(&server);
    for (range, start) in [(ChartRange::M6, "2026-05-24"), (ChartRange::Y1, "2025-11-24")] {
        let s = series(&src, "002371.SZ", range).await;
        let start = day(start);
        assert!(in_order(&s));
        assert_eq!(s.points.len(), daily.iter().filter(|d| **d >= start).count(), "{range}");
        assert!(close_to(s.previous_close, close_before(&daily, 100.0, start)), "{range}");
    }
    server.verify().await;
}

#[tokio::test]
async fn one_day_without_a_quote_takes_the_previous_close_from_the_daily_bars() {
    let server = MockServer::start().await;
    let session = ["0930 1279.81 1234 1.0", "0931 1280.00 1300 1.0"];
    query_mock("minute", "sh688256", json_answer(minutes("sh688256", "20261124", &session, None)))
        .expect(1)
        .mount(&server)
        .await;
    // The last bar is today's (the session itself): the close before it is Monday's.
    let daily = weekdays("2026-11-24", 11);
    kline_mock(
        "fqkline",
        "sh688256,day,,,10,qfq",
        json_answer(kline("sh688256", "qfqday", rows(&daily, 1260.0, false))),
    )
    .expect(1)
    .mount(&server)
    .await;
    let d1 = series(&source(&server), "688256.SS", ChartRange::D1).await;
    assert!(close_to(d1.previous_close, 1260.0 + 9.0), "{:?}", d1.previous_close);
    assert_eq!(d1.points.len(), 2);
    server.verify().await;
}

#[tokio::test]
async fn five_days_for_shanghai_from_day_query() {
    let server = MockServer::start().await;
    let days: Vec<Value> = ["20261124", "20261123", "20261120"]
        .iter()
        .map(|d| json!({ "date": d, "data": ["0930 1270.00 1", "1500 1275.00 2"] }))
        .collect();
    let answer = json!({ "code": 0, "msg": "", "data": { "sh688256": { "data": days } } });
    query_mock("day", "sh688256", json_answer(answer)).expect(1).mount(&server).await;
    // No `prec` in the answer: the close before the first session from the daily bars.
    let daily = weekdays("2026-11-24", 11);
    kline_mock(
        "fqkline",
        "sh688256,day,,,10,qfq",
        json_answer(kline("sh688256", "qfqday", rows(&daily, 1200.0, false))),
    )
    .expect(1)
    .mount(&server)
    .await;
    let d5 = series(&source(&server), "688256.SS", ChartRange::D5).await;
    assert_eq!(d5.points.len(), 6);
    assert!(in_order(&d5));
    assert_eq!(d5.points.first().map(|p| p.0), Some(at("2026-11-20T01:30:00Z")));
    assert!(close_to(d5.previous_close, close_before(&daily, 1200.0, day("2026-11-20"))));
    server.verify().await;
}

#[tokio::test]
async fn an_unknown_mainland_code_is_no_data() {
    let server = MockServer::start().await;
    let unknown = json!({ "code": 0, "msg": "", "data": { "sh699999": { "qt": { "sh699999": [], "market": ["x"] } } } });
    Mock::given(method("GET"))
        .and(path_regex(r"^/web/appstock/app/(fqkline/get|minute/query)$"))
        .respond_with(json_answer(unknown))
        .mount(&server)
        .await;
    let src = source(&server);
    for range in [ChartRange::D1, ChartRange::M1] {
        let err = src.series(&sym("699999.SS"), range).await.unwrap_err();
        assert!(matches!(&err, ProviderError::NoData(t) if t.contains("699999.SS")), "{range}: {err:?}");
    }
}

// ---------------------------------------------------------------- what Tencent does not serve

#[tokio::test]
async fn a_market_tencent_does_not_serve_says_so_and_asks_nothing() {
    let server = MockServer::start().await;
    let src = source(&server);
    let cases = [
        ("ASML.AS", ChartRange::D1, "1D: no intraday series from Tencent for ASML.AS"),
        ("^HSI", ChartRange::D5, "5D: no intraday series from Tencent for ^HSI"),
        ("EURUSD=X", ChartRange::M6, "6M: no daily series from Tencent for EURUSD=X"),
        ("SAP.DE", ChartRange::Y5, "5Y: no weekly series from Tencent for SAP.DE"),
    ];
    for (s, range, text) in cases {
        let err = src.series(&sym(s), range).await.unwrap_err();
        assert_eq!(err, ProviderError::Unsupported(text.to_string()));
        assert_eq!(err.to_string(), text, "the chart shows the error's text");
    }
    assert_eq!(server.received_requests().await.unwrap_or_default().len(), 0);
}

// ---------------------------------------------------------------- bad answers

/// What an error must be.
type Expected = fn(&ProviderError) -> bool;

#[tokio::test]
async fn bad_answers_are_errors_never_panics() {
    let cases: Vec<(ResponseTemplate, Expected)> = vec![
        (ResponseTemplate::new(500), |e| *e == ProviderError::Status(500)),
        (ResponseTemplate::new(404).set_body_string("not found"), |e| *e == ProviderError::Status(404)),
        (ResponseTemplate::new(429), |e| matches!(e, ProviderError::RateLimited { .. })),
        (ResponseTemplate::new(200), |e| matches!(e, ProviderError::Decode(_))),
        (ResponseTemplate::new(200).set_body_string("<html><body>busy</body></html>"), |e| {
            matches!(e, ProviderError::Decode(_))
        }),
        (json_answer(json!({ "code": -1 })), |e| matches!(e, ProviderError::Decode(_))),
        (
            json_answer(
                json!({ "code": 0, "data": { "sh688256": { "qfqday": [["2026-11-24", "1", "abc"], ["x"]], "data": { "date": "20261124", "data": ["0930 NaN 1"] }, "qt": { "sh688256": ["1"] } } } }),
            ),
            |e| matches!(e, ProviderError::Decode(_)),
        ),
    ];
    for (i, (answer, expected)) in cases.into_iter().enumerate() {
        let server = MockServer::start().await;
        Mock::given(method("GET")).and(path_regex(r"^/web/")).respond_with(answer).mount(&server).await;
        let src = source(&server);
        for range in [ChartRange::D1, ChartRange::M1] {
            let err = src.series(&sym("688256.SS"), range).await.unwrap_err();
            assert!(expected(&err), "case {i} {range}: {err:?}");
        }
    }
}

#[tokio::test]
async fn a_failing_us_quote_is_the_error() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/qt/q=usNVDA"))
        .respond_with(ResponseTemplate::new(503))
        .mount(&server)
        .await;
    let err = source(&server).series(&sym("NVDA"), ChartRange::M1).await.unwrap_err();
    assert_eq!(err, ProviderError::Status(503));
    assert_eq!(requests_to(&server, "/web").await, 0);
}

#[tokio::test]
async fn a_session_not_yet_open_is_an_empty_series() {
    let server = MockServer::start().await;
    query_mock("minute", "hk00981", json_answer(minutes("hk00981", "20261125", &[], Some("71.05"))))
        .mount(&server)
        .await;
    let d1 = series(&source(&server), "0981.HK", ChartRange::D1).await;
    assert!(d1.points.is_empty());
    assert!(close_to(d1.previous_close, 71.05));
}
