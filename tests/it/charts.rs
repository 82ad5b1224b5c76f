//! The price charts: Yahoo's v8 chart endpoint decoded into series (through the public
//! `ChartSource` of a `Yahoo` pointed at a local stand-in, wiremock on 127.0.0.1), the
//! per-(symbol, range) cache, and the real loop asking only for the series the screen shows.
//! Fixtures are tests/fixtures/yahoo/series-*.json: this project's own, in the shape of Yahoo's
//! answers. Nothing here touches the internet.

use crate::common;
use crate::common::sources::{self, Empty, Prices};

use std::collections::HashMap;
use std::io;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chiptape::app::{Runtime, run};
use chiptape::config::{Mainland, ProviderConfig, ProviderKind};
use chiptape::market::Symbol;
use chiptape::market::clock::{Clock, FixedClock, ShiftedClock};
use chiptape::market::series::{ChartRange, Series};
use chiptape::msg::Msg;
use chiptape::providers::http::HttpOptions;
use chiptape::providers::yahoo::{Yahoo, session::Store};
use chiptape::providers::{ChartSource, ProviderError};
use chiptape::state::State;
use chiptape::state::layout::Layout;
use chrono::{DateTime, Datelike, NaiveTime, Utc};
use chrono_tz::America::New_York;
use chrono_tz::Asia::{Hong_Kong, Shanghai};
use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use futures::future::BoxFuture;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use serde_json::{Value, json};
use tokio::sync::mpsc;
use tokio_stream::wrappers::UnboundedReceiverStream;
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const CHART: &str = "/v8/finance/chart/";
/// What Yahoo really sends with a chart (the provider keeps the series at least a minute anyway).
const YAHOO_CACHE_CONTROL: &str = "public, max-age=10, stale-while-revalidate=20";

// ---------------------------------------------------------------- helpers

fn fixture(name: &str) -> String {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/yahoo").join(name);
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn sym(s: &str) -> Symbol {
    Symbol::parse(s).unwrap()
}

fn at(s: &str) -> DateTime<Utc> {
    s.parse().unwrap()
}

fn hm(h: u32, m: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(h, m, 0).unwrap()
}

fn json_body(body: impl Into<Vec<u8>>) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_raw(body, "application/json;charset=utf-8")
}

/// A chart fixture with its one `result` changed by `edit`: the variants Yahoo also sends.
fn edited(name: &str, edit: impl FnOnce(&mut serde_json::Map<String, Value>)) -> String {
    let mut body: Value = serde_json::from_str(&fixture(name)).unwrap();
    edit(body["chart"]["result"][0].as_object_mut().expect("a result object"));
    body.to_string()
}

/// A small chart body of our own for tests where the bars do not matter, only the requests.
fn small_chart(symbol: &str, range: ChartRange) -> String {
    let (r, i) = range.yahoo();
    let t0 = at("2026-11-24T14:30:00Z").timestamp();
    json!({ "chart": { "result": [{
        "meta": { "currency": "USD", "symbol": symbol, "previousClose": 100.0,
                  "chartPreviousClose": 99.0, "dataGranularity": i, "range": r },
        "timestamp": [t0, t0 + 300, t0 + 600],
        "indicators": { "quote": [{ "close": [100.5, 101.0, 100.75] }] }
    }], "error": null } })
    .to_string()
}

fn provider(server: &MockServer) -> Yahoo {
    let cfg = ProviderConfig {
        kind: ProviderKind::Yahoo,
        query_url: server.uri(),
        cookie_url: format!("{}/cookie", server.uri()),
        user_agent: None,
        stream: false,
        mainland: Mainland::Yahoo,
        ..chiptape::config::builtin().provider
    };
    // The clock only matters to quotes (market states); series carry their own times.
    let clock = Arc::new(FixedClock(at("2026-11-24T13:00:00Z")));
    Yahoo::new(&cfg, HttpOptions::default(), Store::at(None), clock).expect("the client builds")
}

/// The chart request the provider must send for `symbol` and `range`. `prepost` is spelled out
/// by each test: pre/post-market bars are asked for only for a US symbol's one-day chart.
fn chart_mock(symbol: &str, range: ChartRange, prepost: bool, response: ResponseTemplate) -> Mock {
    let (r, i) = range.yahoo();
    Mock::given(method("GET"))
        .and(path(format!("{CHART}{symbol}")))
        .and(query_param("range", r))
        .and(query_param("interval", i))
        .and(query_param("includePrePost", prepost.to_string()))
        .respond_with(response)
}

/// `symbol`'s series for `range` from a fresh provider and a server that answers `response` once.
async fn series_from(
    symbol: &str,
    range: ChartRange,
    prepost: bool,
    response: ResponseTemplate,
) -> Result<Series, ProviderError> {
    let server = MockServer::start().await;
    chart_mock(symbol, range, prepost, response).expect(1).mount(&server).await;
    let result = provider(&server).series(&sym(symbol), range).await;
    server.verify().await;
    result
}

/// Like `series_from`, for a 200 with a body that must decode.
async fn decoded(symbol: &str, range: ChartRange, prepost: bool, body: String) -> Series {
    series_from(symbol, range, prepost, json_body(body))
        .await
        .unwrap_or_else(|e| panic!("{symbol} {range}: {e:?}"))
}

fn times(s: &Series) -> Vec<DateTime<Utc>> {
    s.points.iter().map(|p| p.0).collect()
}

/// Minutes between each point and the next.
fn steps(s: &Series) -> Vec<i64> {
    s.points.windows(2).map(|w| (w[1].0 - w[0].0).num_minutes()).collect()
}

fn close_to(a: Option<f64>, b: f64) -> bool {
    a.is_some_and(|a| (a - b).abs() < 1e-4)
}

/// Requests that reached `server` so far.
async fn hits(server: &MockServer) -> usize {
    server.received_requests().await.expect("request recording is on").len()
}

// ---------------------------------------------------------------- decoding

/// A US one-day chart with the extended sessions: 5-minute bars from 04:00 to 20:00 New York
/// (the last bar starts at 19:55), the reference line at yesterday's close.
#[tokio::test]
async fn us_one_day_has_pre_and_post_market_bars() {
    let s = decoded("NVDA", ChartRange::D1, true, fixture("series-NVDA-1d-prepost.json")).await;
    assert_eq!(s.symbol.as_str(), "NVDA");
    assert_eq!(s.currency.as_deref(), Some("USD"));
    assert_eq!(s.points.len(), 16 * 12, "sixteen hours of 5-minute bars");
    let ny = |t: DateTime<Utc>| t.with_timezone(&New_York).naive_local();
    assert_eq!(ny(s.points[0].0).to_string(), "2026-11-24 04:00:00");
    assert_eq!(ny(s.points[191].0).to_string(), "2026-11-24 19:55:00");
    assert!(steps(&s).iter().all(|m| *m == 5), "oldest first, no gaps: {:?}", steps(&s));

    // 66 pre-market bars (04:00–09:25), 78 regular (09:30–15:55), 48 post-market (16:00–19:55).
    let session = |from: NaiveTime, to: NaiveTime| {
        s.points.iter().filter(|p| (from..to).contains(&ny(p.0).time())).count()
    };
    assert_eq!(session(hm(4, 0), hm(9, 30)), 66);
    assert_eq!(session(hm(9, 30), hm(16, 0)), 78);
    assert_eq!(session(hm(16, 0), hm(20, 0)), 48);

    // The 15:55 bar closes at the day's price (meta.regularMarketPrice); the post-market goes on.
    let close_1555 = s.points.iter().find(|p| ny(p.0).time() == hm(15, 55)).map(|p| p.1);
    assert!(close_to(close_1555, 182.55), "{close_1555:?}");
    assert!(close_to(s.last(), 183.47), "{:?}", s.last());
    assert_eq!(s.previous_close, Some(180.1), "meta.previousClose");
    let (lo, hi) = s.min_max().unwrap();
    assert!(lo > 180.0 && hi < 183.5, "{lo}..{hi}");
}

/// Six months of daily bars of a Shanghai STAR share: one bar a trading day at the 09:30 open,
/// none on weekends or over the National Day week, in CNY, the reference line at the close
/// before the range (a six-month body has no `previousClose` at all).
#[tokio::test]
async fn six_months_of_daily_bars() {
    let body = fixture("series-688256.SS-6mo.json");
    assert!(!body.contains("\"previousClose\""), "shaped like Yahoo's: chartPreviousClose only");
    let s = decoded("688256.SS", ChartRange::M6, false, body).await;
    assert_eq!(s.currency.as_deref(), Some("CNY"));
    assert_eq!(s.points.len(), 125);
    assert_eq!(s.points[0].0, at("2026-05-25T01:30:00Z"));
    assert_eq!(s.points[124].0, at("2026-11-24T01:30:00Z"));
    for t in times(&s) {
        let local = t.with_timezone(&Shanghai).naive_local();
        assert_eq!(local.time(), hm(9, 30), "{t}");
        assert!(local.weekday().number_from_monday() <= 5, "a bar on a weekend: {t}");
        assert!(
            !(at("2026-10-01T00:00:00Z")..at("2026-10-08T00:00:00Z")).contains(&t),
            "a bar in the holiday: {t}"
        );
    }
    assert_eq!(s.previous_close, Some(1175.5), "meta.chartPreviousClose");
    assert!(close_to(s.last(), 1438.88), "{:?}", s.last());
}

/// For one day the reference line is yesterday's close; for longer ranges the close before the
/// range. Each falls back on the other when the body lacks it.
#[tokio::test]
async fn reference_line_prefers_the_close_the_range_needs() {
    let nvda = "series-NVDA-1d-prepost.json";
    let star = "series-688256.SS-6mo.json";
    let body = edited(nvda, |r| r["meta"]["chartPreviousClose"] = json!(150.0));
    assert_eq!(decoded("NVDA", ChartRange::D1, true, body).await.previous_close, Some(180.1));
    let body = edited(nvda, |r| {
        r["meta"].as_object_mut().unwrap().remove("previousClose");
    });
    assert_eq!(decoded("NVDA", ChartRange::D1, true, body).await.previous_close, Some(180.1));
    let body = edited(nvda, |r| {
        r["meta"].as_object_mut().unwrap().remove("previousClose");
        r["meta"]["chartPreviousClose"] = json!(150.0);
    });
    assert_eq!(decoded("NVDA", ChartRange::D1, true, body).await.previous_close, Some(150.0));

    let body = edited(star, |r| r["meta"]["previousClose"] = json!(1420.0));
    assert_eq!(decoded("688256.SS", ChartRange::M6, false, body).await.previous_close, Some(1175.5));
    let body = edited(star, |r| {
        r["meta"].as_object_mut().unwrap().remove("chartPreviousClose");
        r["meta"]["previousClose"] = json!(1420.0);
    });
    assert_eq!(decoded("688256.SS", ChartRange::M6, false, body).await.previous_close, Some(1420.0));
}

/// Bars without a close (no trade in those 15 minutes: the first, one in the middle, two in a
/// row, the last) and a bar without a time are left out, never drawn as zero; the bars around
/// them keep their own closes.
#[tokio::test]
async fn null_bars_are_skipped_not_zero() {
    let body = fixture("series-002371.SZ-5d-nulls.json");
    let s = decoded("002371.SZ", ChartRange::D5, false, body).await;
    assert_eq!(s.points.len(), 80 - 5 - 1, "80 bars less 5 without a close and 1 without a time");
    assert!(s.points.iter().all(|p| p.1 > 400.0 && p.1 < 420.0), "no zero, no stray value: {:?}", s.points);
    assert!(steps(&s).iter().all(|m| *m > 0), "strictly oldest first");

    let ts = times(&s);
    for gone in [
        "2026-11-18T01:30:00Z", // 09:30, the first bar of the range
        "2026-11-19T01:45:00Z",
        "2026-11-20T05:00:00Z", // 13:00 and 13:15, two in a row
        "2026-11-20T05:15:00Z",
        "2026-11-23T02:00:00Z", // the bar without a time, which has a close (409.5)
        "2026-11-24T06:45:00Z", // 14:45, the last bar of the range
    ] {
        assert!(!ts.contains(&at(gone)), "{gone} has no close or no time, yet is a point");
    }
    assert!(s.points.iter().all(|p| p.1 != 409.5), "the close of the bar without a time is dropped with it");

    let close_at = |t: &str| s.points.iter().find(|p| p.0 == at(t)).map(|p| p.1);
    assert!(close_to(close_at("2026-11-18T01:45:00Z"), 405.54), "the first point is the second bar");
    assert!(close_to(close_at("2026-11-23T01:45:00Z"), 408.97), "before the bar without a time");
    assert!(close_to(close_at("2026-11-23T02:15:00Z"), 410.04), "after it: not shifted onto its time");
    assert_eq!(s.points.last().map(|p| p.0), Some(at("2026-11-24T06:30:00Z")));
    assert!(close_to(s.last(), 413.3), "{:?}", s.last());
    assert_eq!(s.previous_close, Some(401.2), "five days: meta.chartPreviousClose");
}

/// A day without trading (Thanksgiving): Yahoo answers with the meta alone. That is an empty
/// series that still has its reference line, not an error; so are the other empty shapes.
#[tokio::test]
async fn a_day_without_bars_is_an_empty_series() {
    let name = "series-AMD-1d-holiday.json";
    let variants = [
        ("meta only", fixture(name)),
        (
            "an empty quote",
            edited(name, |r| {
                r.insert("indicators".into(), json!({ "quote": [{}] }));
            }),
        ),
        (
            "empty arrays",
            edited(name, |r| {
                r.insert("timestamp".into(), json!([]));
                r.insert("indicators".into(), json!({ "quote": [{ "close": [], "open": [] }] }));
            }),
        ),
    ];
    for (what, body) in variants {
        let s = decoded("AMD", ChartRange::D1, true, body).await;
        assert!(s.points.is_empty(), "{what}: {:?}", s.points);
        assert_eq!((s.last(), s.min_max()), (None, None), "{what}");
        assert_eq!(s.previous_close, Some(214.3), "{what}");
        assert_eq!(s.currency.as_deref(), Some("USD"), "{what}");
        assert_eq!(s.symbol.as_str(), "AMD", "{what}");
    }
}

/// Hong Kong's lunch break: no bars from 12:00 to 13:00, and the 11:55 bar is followed directly by
/// the 13:00 bar (the chart draws by index, so the break takes no room). No extended session is
/// asked for outside the US.
#[tokio::test]
async fn hong_kong_day_has_a_lunch_break_without_bars() {
    let s = decoded("0981.HK", ChartRange::D1, false, fixture("series-0981.HK-1d.json")).await;
    assert_eq!(s.currency.as_deref(), Some("HKD"));
    assert_eq!(s.points.len(), 30 + 36, "09:30–11:55 and 13:00–15:55 in 5-minute bars");
    let hk: Vec<NaiveTime> = times(&s).iter().map(|t| t.with_timezone(&Hong_Kong).time()).collect();
    assert_eq!((hk[0], hk[65]), (hm(9, 30), hm(15, 55)));
    assert!(hk.iter().all(|t| !(hm(12, 0)..hm(13, 0)).contains(t)), "a bar in the lunch break: {hk:?}");
    assert_eq!((hk[29], hk[30]), (hm(11, 55), hm(13, 0)), "one index apart");
    let steps = steps(&s);
    assert_eq!(steps[29], 65, "the break");
    assert!(steps.iter().enumerate().all(|(i, m)| i == 29 || *m == 5), "{steps:?}");
    assert_eq!(s.previous_close, Some(70.6));
    assert!(close_to(s.last(), 72.45), "{:?}", s.last());
}

/// Yahoo's 404 for a symbol it has nothing for: `NoData` naming the symbol, Yahoo's words kept.
/// A 404 that is not even JSON is still "no data", not an unreadable answer.
#[tokio::test]
async fn not_found_is_no_data_naming_the_symbol() {
    let not_found = json!({ "chart": { "result": null, "error": {
        "code": "Not Found", "description": "No data found, symbol may be delisted" } } });
    let r = ResponseTemplate::new(404).set_body_raw(not_found.to_string(), "application/json;charset=utf-8");
    let err = series_from("ZZZZ.HK", ChartRange::M1, false, r).await.expect_err("no chart");
    let ProviderError::NoData(what) = &err else { panic!("expected NoData, got {err:?}") };
    assert!(what.contains("ZZZZ.HK") && what.contains("delisted"), "{what}");
    assert!(err.to_string().starts_with("no data for ZZZZ.HK"), "{err}");

    let page = ResponseTemplate::new(404).set_body_raw("<html><body>Not Found</body></html>", "text/html");
    let err = series_from("ZZZZ", ChartRange::D1, true, page).await.expect_err("no chart");
    assert_eq!(err, ProviderError::NoData("ZZZZ".into()));
}

/// An HTML page with status 200 (Yahoo's "Will be right back"): a Decode error that says so. A
/// failure is not cached: the next call asks again and gets the chart.
#[tokio::test]
async fn html_page_is_a_decode_error_and_not_cached() {
    let server = MockServer::start().await;
    let page = ResponseTemplate::new(200).set_body_raw(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><title>Yahoo</title></head><body>Will be right back…</body></html>",
        "text/html; charset=utf-8",
    );
    chart_mock("NVDA", ChartRange::D5, false, page).up_to_n_times(1).mount(&server).await;
    let good = json_body(small_chart("NVDA", ChartRange::D5));
    chart_mock("NVDA", ChartRange::D5, false, good).mount(&server).await;

    let y = provider(&server);
    match y.series(&sym("NVDA"), ChartRange::D5).await {
        Err(ProviderError::Decode(msg)) => assert!(msg.contains("HTML"), "{msg}"),
        other => panic!("expected a Decode error, got {other:?}"),
    }
    let s = y.series(&sym("NVDA"), ChartRange::D5).await.expect("the second answer is a chart");
    assert_eq!(s.points.len(), 3);
    assert_eq!(hits(&server).await, 2);
}

// ---------------------------------------------------------------- the cache

/// The same (symbol, range) twice within a minute is one request; another range or another
/// symbol is another request. Yahoo's own 10-second max-age does not shorten that minute.
#[tokio::test]
async fn same_chart_twice_within_a_minute_is_one_request() {
    let server = MockServer::start().await;
    for (s, range, prepost) in
        [("NVDA", ChartRange::D1, true), ("NVDA", ChartRange::D5, false), ("AMD", ChartRange::D1, true)]
    {
        let r = json_body(small_chart(s, range)).insert_header("cache-control", YAHOO_CACHE_CONTROL);
        chart_mock(s, range, prepost, r).expect(1).mount(&server).await;
    }
    let y = provider(&server);
    let first = y.series(&sym("NVDA"), ChartRange::D1).await.unwrap();
    let again = y.series(&sym("NVDA"), ChartRange::D1).await.unwrap();
    assert_eq!(again, first, "the cached series is the same series");
    for _ in 0..2 {
        let five = y.series(&sym("NVDA"), ChartRange::D5).await.unwrap();
        assert_eq!(five.previous_close, Some(99.0), "the 5D series, not the 1D one");
        y.series(&sym("AMD"), ChartRange::D1).await.unwrap();
    }
    server.verify().await;
}

/// Move the tokio clock (which the cache reads) on by `secs` without waiting. The clock is paused
/// only for the jump: requests run on real time, and the stand-in server on a runtime of its own.
async fn jump(secs: u64) {
    tokio::time::pause();
    tokio::time::advance(Duration::from_secs(secs)).await;
    tokio::time::resume();
}

/// How long a series is reused: Yahoo's `max-age`, but at least a minute and at most five.
#[tokio::test]
async fn cache_lifetime_follows_max_age_between_one_and_five_minutes() {
    let cases = [
        (Some(YAHOO_CACHE_CONTROL), 60),
        (Some("max-age=600"), 300),
        (Some("public, max-age=120"), 120),
        (None, 60),
    ];
    for (cache_control, ttl) in cases {
        let server = MockServer::start().await;
        let mut r = json_body(small_chart("AMD", ChartRange::M1));
        if let Some(cc) = cache_control {
            r = r.insert_header("cache-control", cc);
        }
        chart_mock("AMD", ChartRange::M1, false, r).mount(&server).await;
        let (y, amd) = (provider(&server), sym("AMD"));

        y.series(&amd, ChartRange::M1).await.expect("a chart");
        jump(ttl - 1).await;
        y.series(&amd, ChartRange::M1).await.expect("a chart");
        assert_eq!(hits(&server).await, 1, "{cache_control:?}: still cached after {} s", ttl - 1);
        jump(2).await;
        y.series(&amd, ChartRange::M1).await.expect("a chart");
        assert_eq!(hits(&server).await, 2, "{cache_control:?}: stale after {} s", ttl + 1);
    }
}

// ---------------------------------------------------------------- the loop asks for what is on screen

/// Every series the loop asked for, in order, and the most it had in flight at once.
#[derive(Clone, Default)]
struct Asked {
    log: Arc<Mutex<Vec<(String, ChartRange)>>>,
    in_flight: Arc<AtomicUsize>,
    most_in_flight: Arc<AtomicUsize>,
}

impl Asked {
    fn all(&self) -> Vec<(String, ChartRange)> {
        self.log.lock().unwrap().clone()
    }

    /// The symbols asked for `range`, sorted (requests run four at a time, in no fixed order).
    fn symbols(&self, range: ChartRange) -> Vec<String> {
        let mut v: Vec<String> =
            self.all().into_iter().filter(|(_, r)| *r == range).map(|(s, _)| s).collect();
        v.sort();
        v
    }

    fn count(&self, symbol: &str, range: ChartRange) -> usize {
        self.all().iter().filter(|(s, r)| s == symbol && *r == range).count()
    }
}

/// Records each request and answers with a small series after a little (virtual) network time.
/// The delay matters: were the loop to ask again for what it just got, it would run up the count
/// here instead of spinning at one instant forever.
struct CountingCharts(Asked);

impl ChartSource for CountingCharts {
    fn series<'a>(
        &'a self,
        s: &'a Symbol,
        range: ChartRange,
    ) -> BoxFuture<'a, Result<Series, ProviderError>> {
        let asked = self.0.clone();
        asked.log.lock().unwrap().push((s.to_string(), range));
        let t0 = at("2026-11-24T14:30:00Z");
        let points = (0..3).map(|i| (t0 + chrono::Duration::minutes(5 * i), 100.0 + i as f64)).collect();
        let series =
            Series { symbol: s.clone(), points, previous_close: Some(99.0), currency: Some("USD".into()) };
        Box::pin(async move {
            let now = asked.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
            asked.most_in_flight.fetch_max(now, Ordering::SeqCst);
            tokio::time::sleep(Duration::from_millis(40)).await;
            asked.in_flight.fetch_sub(1, Ordering::SeqCst);
            Ok(series)
        })
    }
}

fn press(keys: &mpsc::UnboundedSender<io::Result<Event>>, code: KeyCode) {
    keys.send(Ok(Event::Key(KeyEvent::new(code, KeyModifiers::NONE)))).expect("the loop reads keys");
}

/// Let the loop handle what is queued and the fake answers arrive. Virtual time (the test runs
/// with the clock paused), so this costs nothing, and each key gets a frame of its own: keys sent
/// in one burst would be handled before the loop looks at what the screen wants.
async fn settle() {
    tokio::time::sleep(Duration::from_millis(250)).await;
}

/// The acceptance: scrolling a 60-symbol watchlist on an 80x24 screen fetches series only
/// for rows that were on screen; opening the same detail twice within a minute fetches once.
#[tokio::test(start_paused = true)]
async fn scrolling_fetches_only_rows_on_screen_and_a_detail_once_a_minute() {
    const DOWN: usize = 15;
    let symbols: Vec<String> = (0..60).map(|i| format!("T{i:02}")).collect();
    let list: Vec<String> = symbols.iter().map(|s| format!("{s:?}")).collect();
    let toml = format!("[[groups]]\nname = \"Sixty\"\nsymbols = [{}]\n", list.join(", "));
    let config = chiptape::config::parse_str(&toml, "charts.toml").expect("the config is valid");
    assert_eq!(config.groups.len(), 1);

    let asked = Asked::default();
    let providers = sources::providers()
        .quotes(Arc::new(Prices::default()))
        .news(Arc::new(Empty))
        .charts(Arc::new(CountingCharts(asked.clone())))
        .build();
    // New York open: the sparklines of US rows matter, and quotes refresh every 15 s meanwhile.
    let start = common::t0();
    let clock: Arc<dyn Clock> = Arc::new(ShiftedClock::starting_at(start));
    let (control, control_rx) = mpsc::unbounded_channel();
    let runtime = Runtime::new(providers, clock.clone(), control_rx);
    let state = State::new(config, false, start);
    let (keys, key_rx) = mpsc::unbounded_channel();
    let app = tokio::spawn(async move {
        let mut terminal = Terminal::new(TestBackend::new(80, 24)).unwrap();
        let mut events = Some(UnboundedReceiverStream::new(key_rx));
        let make = move || events.take().expect("the input stream is made once: no editor here");
        run(&mut terminal, make, state, runtime).await.unwrap();
        common::text(terminal.backend().buffer())
    });

    // The sparklines of the first page, and nothing else.
    let page = Layout::compute(80, 24).watch_rows();
    assert!(page > 0 && DOWN + page < 30, "the 80x24 page ({page} rows) leaves rows 30–59 far below");
    settle().await;
    assert_eq!(asked.symbols(ChartRange::D1), symbols[..page], "the first page's sparklines");
    let most = asked.most_in_flight.load(Ordering::SeqCst);
    assert_eq!(most, page.min(4), "{page} sparklines, four at a time");

    // Down 15 rows, one key at a time: the view scrolls once the selection passes the page, so rows
    // 0 to 15 have each been on screen, and nothing below them ever was.
    for _ in 0..DOWN {
        press(&keys, KeyCode::Char('j'));
        settle().await;
    }
    let seen = (DOWN + 1).max(page);
    assert_eq!(asked.symbols(ChartRange::D1), symbols[..seen], "each row on screen got its sparkline");
    let below: Vec<_> = asked.all().into_iter().filter(|(s, _)| symbols[30..].contains(s)).collect();
    assert!(below.is_empty(), "rows never on screen were fetched: {below:?}");

    // The detail of the selected row: its 1D chart is the sparkline's series, seconds old, so only
    // the 5D range goes out. Closed and opened again, the 5D chart is still fresh.
    let selected = symbols[DOWN].as_str();
    press(&keys, KeyCode::Enter);
    settle().await;
    press(&keys, KeyCode::Char('l'));
    settle().await;
    assert_eq!(asked.count(selected, ChartRange::D5), 1, "{:?}", asked.all());
    press(&keys, KeyCode::Esc);
    settle().await;
    press(&keys, KeyCode::Enter);
    settle().await;
    press(&keys, KeyCode::Char('l'));
    settle().await;
    let elapsed = clock.now() - start;
    assert!(elapsed < chrono::Duration::minutes(1), "all within a minute of virtual time: {elapsed}");
    assert_eq!(asked.count(selected, ChartRange::D5), 1, "the 5D chart asked once: {:?}", asked.all());
    assert_eq!(asked.count(selected, ChartRange::D1), 1, "the 1D chart asked once: {:?}", asked.all());

    // Nothing was asked twice, and nothing but the sparklines seen and that one 5D chart.
    let mut counts: HashMap<(String, ChartRange), usize> = HashMap::new();
    for key in asked.all() {
        *counts.entry(key).or_default() += 1;
    }
    assert!(counts.values().all(|n| *n == 1), "asked more than once: {counts:?}");
    assert_eq!(asked.all().len(), seen + 1, "{:?}", asked.all());

    control.send(Msg::Shutdown).unwrap();
    let screen = app.await.unwrap();
    assert!(
        screen.contains(selected) && screen.contains("5D"),
        "the detail of {selected} is open:\n{screen}"
    );
}

/// Closes of ±1e308 (and 1e300) gave NaN axis labels and a flat line: values no price can have are
/// dropped from the series, as null bars are.
#[tokio::test]
async fn absurd_closes_are_dropped() {
    let body = small_chart("NVDA", ChartRange::D1).replace("[100.5,101.0,100.75]", "[1e308,101.0,-1e308]");
    let s = decoded("NVDA", ChartRange::D1, true, body).await;
    assert_eq!(s.points.iter().map(|p| p.1).collect::<Vec<_>>(), [101.0]);
    let body = small_chart("NVDA", ChartRange::D1).replace("[100.5,101.0,100.75]", "[1e300,1e300,1e300]");
    assert!(decoded("NVDA", ChartRange::D1, true, body).await.points.is_empty());
}
