//! The Yahoo quote provider against a local stand-in for Yahoo (wiremock on 127.0.0.1): the
//! cookie + crumb session, batching, both number shapes, the chart fallback, rate limits and
//! broken answers. Fixtures are in tests/fixtures/yahoo/; nothing here touches the internet.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use chiptape::config::{Mainland, ProviderConfig, ProviderKind};
use chiptape::market::clock::FixedClock;
use chiptape::market::{MarketState, Quote, QuoteOutcome, Symbol};
use chiptape::providers::http::HttpOptions;
use chiptape::providers::yahoo::{Yahoo, session::Store};
use chiptape::providers::{ProviderError, QuoteSource};
use serde_json::{Value, json};
use wiremock::matchers::{header, method, path, query_param};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

/// Tuesday 13:00 UTC: NVDA in pre-market, Amsterdam and London open, Hong Kong and China closed.
/// The fixtures' market states and times agree with it (the chart endpoint derives states from it).
const NOW: &str = "2026-11-24T13:00:00Z";
/// The `name=value` parts of the two Set-Cookie headers of the cookie host, as sent back.
const COOKIE: &str = "A3=d=AQABBKvc&S=AQAAAtFJ; A1=d=AQABBKvc&S=AQAAAtFJ";
const CRUMB: &str = "hT3oykQq9Zx";
/// Everything in quote.json, in its order.
const WATCHLIST: [&str; 6] = ["0981.HK", "688981.SS", "002371.SZ", "ASML.AS", "RR.L", "NVDA"];
/// The symbols that have a chart fixture.
const CHARTED: [&str; 3] = ["0981.HK", "ASML.AS", "NVDA"];

const QUOTE: &str = "/v7/finance/quote";
const CRUMB_PATH: &str = "/v1/test/getcrumb";
const CHART: &str = "/v8/finance/chart/";

// ---------------------------------------------------------------- helpers

fn fixture(name: &str) -> String {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/yahoo").join(name);
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn syms(list: &[&str]) -> Vec<Symbol> {
    list.iter().map(|s| Symbol::parse(s).unwrap()).collect()
}

fn json_body(body: impl Into<Vec<u8>>) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_raw(body, "application/json;charset=utf-8")
}

fn provider(server: &MockServer) -> Yahoo {
    provider_with(server, HttpOptions::default(), Store::at(None))
}

fn provider_with(server: &MockServer, opts: HttpOptions, store: Store) -> Yahoo {
    let cfg = ProviderConfig {
        kind: ProviderKind::Yahoo,
        query_url: server.uri(),
        cookie_url: format!("{}/cookie", server.uri()),
        user_agent: None,
        stream: false,
        mainland: Mainland::Yahoo,
        ..chiptape::config::builtin().provider
    };
    Yahoo::new(&cfg, opts, store, Arc::new(FixedClock(NOW.parse().unwrap()))).expect("the client builds")
}

/// Like the real cookie host: 404 with an HTML page, and the session cookies in Set-Cookie.
fn cookie_response() -> ResponseTemplate {
    ResponseTemplate::new(404)
        .append_header(
            "set-cookie",
            "A3=d=AQABBKvc&S=AQAAAtFJ; Expires=Wed, 24 Nov 2027 13:00:00 GMT; Max-Age=31557600; \
             Domain=.yahoo.com; Path=/; Secure; HttpOnly; SameSite=None",
        )
        .append_header(
            "set-cookie",
            "A1=d=AQABBKvc&S=AQAAAtFJ; Max-Age=31557600; Domain=.yahoo.com; Path=/; Secure",
        )
        .set_body_raw("<!doctype html><html><body>Not Found</body></html>", "text/html; charset=utf-8")
}

/// The cookie host, and a crumb endpoint that only answers `crumb` to a request that carries the cookie.
async fn mount_session(server: &MockServer, crumb: &str) {
    Mock::given(method("GET")).and(path("/cookie")).respond_with(cookie_response()).mount(server).await;
    Mock::given(method("GET"))
        .and(path(CRUMB_PATH))
        .and(header("cookie", COOKIE))
        .respond_with(ResponseTemplate::new(200).set_body_raw(crumb, "text/plain;charset=utf-8"))
        .mount(server)
        .await;
}

/// The quote endpoint answering `response` to requests with our crumb and cookie.
async fn mount_quote(server: &MockServer, response: impl Respond + 'static) {
    Mock::given(method("GET"))
        .and(path(QUOTE))
        .and(query_param("crumb", CRUMB))
        .and(header("cookie", COOKIE))
        .respond_with(response)
        .mount(server)
        .await;
}

/// The chart fixture of each charted symbol.
async fn mount_charts(server: &MockServer) {
    for sym in CHARTED {
        Mock::given(method("GET"))
            .and(path(format!("{CHART}{sym}")))
            .and(query_param("range", "1d"))
            .and(query_param("interval", "5m"))
            .and(query_param("includePrePost", "true"))
            .respond_with(json_body(fixture(&format!("chart-{sym}.json"))))
            .mount(server)
            .await;
    }
}

/// What reached `server` on paths starting with `prefix`.
async fn requests_to(server: &MockServer, prefix: &str) -> Vec<Request> {
    let all = server.received_requests().await.expect("request recording is on");
    all.into_iter().filter(|r| r.url.path().starts_with(prefix)).collect()
}

fn param(r: &Request, name: &str) -> Option<String> {
    r.url.query_pairs().find(|(k, _)| k == name).map(|(_, v)| v.into_owned())
}

fn quote<'a>(results: &'a [(Symbol, QuoteOutcome)], sym: &str) -> &'a Quote {
    let (_, outcome) = results
        .iter()
        .find(|(s, _)| s.as_str() == sym)
        .unwrap_or_else(|| panic!("{sym} is not in the answer"));
    outcome.as_ref().unwrap_or_else(|e| panic!("{sym}: {e}"))
}

fn close_to(a: Option<f64>, b: Option<f64>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => (a - b).abs() < 1e-3,
        (a, b) => a == b,
    }
}

/// The decoded quotes of a quote-endpoint `body` for `list`, through a fresh server and provider.
async fn quotes_from_body(body: String, list: &[&str]) -> Vec<(Symbol, QuoteOutcome)> {
    let server = MockServer::start().await;
    mount_session(&server, CRUMB).await;
    mount_quote(&server, json_body(body)).await;
    provider(&server).quotes(&syms(list)).await.expect("the quotes arrive")
}

/// Rewrite every number as `{"raw": n, "fmt": "n"}` (`formatted`) or as a plain number.
fn reshape(v: &Value, formatted: bool) -> Value {
    match v {
        Value::Number(n) if formatted => json!({ "raw": n, "fmt": n.to_string() }),
        Value::Object(o) if o.contains_key("raw") => {
            if formatted {
                v.clone()
            } else {
                o["raw"].clone()
            }
        }
        Value::Object(o) => {
            Value::Object(o.iter().map(|(k, v)| (k.clone(), reshape(v, formatted))).collect())
        }
        Value::Array(a) => Value::Array(a.iter().map(|v| reshape(v, formatted)).collect()),
        other => other.clone(),
    }
}

// ---------------------------------------------------------------- the session and decoding

#[tokio::test]
async fn session_flow_then_quotes_decode() {
    let server = MockServer::start().await;
    // Each step only answers when the previous one's result is sent along: the crumb request
    // needs the cookie, the quote request the crumb and the cookie. `expect` makes it exact.
    Mock::given(method("GET"))
        .and(path("/cookie"))
        .respond_with(cookie_response())
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(CRUMB_PATH))
        .and(header("cookie", COOKIE))
        .respond_with(ResponseTemplate::new(200).set_body_raw(CRUMB, "text/plain;charset=utf-8"))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(QUOTE))
        .and(query_param("symbols", WATCHLIST.join(",")))
        .and(query_param("crumb", CRUMB))
        .and(header("cookie", COOKIE))
        .respond_with(json_body(fixture("quote.json")))
        .expect(1)
        .mount(&server)
        .await;

    let y = provider(&server);
    let results = y.quotes(&syms(&WATCHLIST)).await.expect("the quotes arrive");
    server.verify().await;
    assert_eq!(y.label(), "Yahoo");

    // Yahoo answers 429 to clients that do not look like a browser.
    for r in server.received_requests().await.unwrap() {
        let ua = r.headers.get("user-agent").and_then(|v| v.to_str().ok()).unwrap_or("");
        assert!(ua.starts_with("Mozilla/5.0"), "{} sent User-Agent {ua:?}", r.url.path());
    }

    let order: Vec<&str> = results.iter().map(|(s, _)| s.as_str()).collect();
    assert_eq!(order, WATCHLIST, "one answer per symbol, in request order");

    let smic = quote(&results, "0981.HK");
    assert_eq!(smic.currency.as_deref(), Some("HKD"));
    assert_eq!(smic.name.as_deref(), Some("SMIC"));
    assert_eq!(smic.price, Some(72.45));
    assert_eq!(smic.change, Some(1.85));
    assert_eq!(smic.change_pct, Some(2.6203966));
    assert_eq!(smic.previous_close, Some(70.6));
    assert_eq!(smic.open, Some(71.0));
    assert_eq!((smic.day_low, smic.day_high), (Some(70.25), Some(73.1)));
    assert_eq!((smic.year_low, smic.year_high), (Some(38.8), Some(92.6)));
    assert_eq!(smic.volume, Some(98_765_432));
    assert_eq!(smic.market_cap, Some(578e9));
    assert_eq!(smic.market_state, MarketState::Closed);
    assert_eq!(smic.exchange.as_deref(), Some("HKSE"));
    assert_eq!(smic.time, Some("2026-11-24T08:08:00Z".parse().unwrap()));
    assert_eq!(smic.delay_min, 15);

    let star = quote(&results, "688981.SS");
    assert_eq!(star.currency.as_deref(), Some("CNY"));
    assert_eq!(star.price, Some(118.5));
    assert_eq!(star.market_state, MarketState::Closed, "POSTPOST is closed");
    assert_eq!(star.time, Some("2026-11-24T07:00:03Z".parse().unwrap()));

    let naura = quote(&results, "002371.SZ");
    assert_eq!(naura.currency.as_deref(), Some("CNY"));
    assert_eq!((naura.price, naura.change, naura.previous_close), (Some(412.3), Some(7.3), Some(405.0)));
    assert_eq!(naura.market_state, MarketState::Closed);

    let asml = quote(&results, "ASML.AS");
    assert_eq!(asml.currency.as_deref(), Some("EUR"));
    assert_eq!(asml.price, Some(912.4));
    assert_eq!(asml.change_pct, Some(1.5922503));
    assert_eq!(asml.volume, Some(612_345));
    assert_eq!(asml.market_state, MarketState::Regular);
    assert_eq!(asml.time, Some("2026-11-24T12:44:30Z".parse().unwrap()));

    // Pence stay pence: the currency code says so, nothing is converted.
    let rr = quote(&results, "RR.L");
    assert_eq!(rr.currency.as_deref(), Some("GBp"));
    assert_eq!((rr.price, rr.change, rr.change_pct), (Some(1043.5), Some(-12.5), Some(-1.1837121)));
    assert_eq!(rr.market_state, MarketState::Regular);

    // In pre-market the regular price is yesterday's close; the pre-market price is the extended one
    // (not yesterday's post-market price, which the answer also holds).
    let nvda = quote(&results, "NVDA");
    assert_eq!(nvda.currency.as_deref(), Some("USD"));
    assert_eq!(nvda.price, Some(182.55));
    assert_eq!(nvda.market_state, MarketState::Pre);
    assert_eq!(nvda.extended_price, Some(185.2));
    assert_eq!(nvda.extended_change_pct, Some(1.4516571));
    assert_eq!(nvda.delay_min, 0);
    assert_eq!(nvda.market_cap, Some(4.448e12));

    for sym in ["0981.HK", "688981.SS", "002371.SZ", "ASML.AS", "RR.L"] {
        let q = quote(&results, sym);
        assert_eq!((q.extended_price, q.extended_change_pct), (None, None), "{sym} has no extended price");
    }
}

#[tokio::test]
async fn long_watchlist_is_fetched_in_batches_of_50() {
    // 0001.HK … 0120.HK; the server answers each batch with exactly the symbols asked for, priced
    // from their number, so an answer that lands on the wrong symbol shows.
    let names: Vec<String> = (1..=120).map(|n| format!("{n:04}.HK")).collect();
    let list: Vec<&str> = names.iter().map(String::as_str).collect();
    let server = MockServer::start().await;
    mount_session(&server, CRUMB).await;
    mount_quote(&server, |req: &Request| {
        let asked = param(req, "symbols").unwrap_or_default();
        let result: Vec<Value> = asked
            .split(',')
            .map(|s| {
                let n: f64 = s.trim_end_matches(".HK").parse().unwrap();
                json!({ "symbol": s, "currency": "HKD", "regularMarketPrice": n / 4.0, "marketState": "CLOSED" })
            })
            .collect();
            json_body(json!({ "quoteResponse": { "result": result, "error": null } }).to_string())
    })
    .await;

    let results = provider(&server).quotes(&syms(&list)).await.expect("the quotes arrive");

    let batches: Vec<Vec<String>> = requests_to(&server, QUOTE)
        .await
        .iter()
        .map(|r| param(r, "symbols").unwrap().split(',').map(str::to_string).collect())
        .collect();
    assert_eq!(batches.iter().map(Vec::len).collect::<Vec<_>>(), [50, 50, 20]);
    assert_eq!(batches.concat(), names, "every symbol asked for once, in order");

    assert_eq!(results.len(), 120);
    for (n, (sym, outcome)) in (1..=120).zip(&results) {
        assert_eq!(sym.as_str(), format!("{n:04}.HK"));
        let q = outcome.as_ref().unwrap_or_else(|e| panic!("{sym}: {e}"));
        assert_eq!(q.price, Some(f64::from(n) / 4.0), "{sym}");
    }
}

#[tokio::test]
async fn plain_and_formatted_numbers_agree_and_missing_is_none() {
    let mixed = fixture("quote.json");
    let parsed: Value = serde_json::from_str(&mixed).unwrap();
    assert!(
        mixed.contains("\"raw\"") && mixed.contains("\"regularMarketPrice\": 118.5"),
        "the fixture mixes shapes"
    );

    let plain = reshape(&parsed, false);
    let mut formatted = reshape(&parsed, true);
    // With formatted=true Yahoo sends `{}` for a number it does not have; null also means unknown.
    let naura = &mut formatted["quoteResponse"]["result"][2];
    assert_eq!(naura["symbol"], "002371.SZ");
    naura["marketCap"] = json!({});
    naura["regularMarketVolume"] = Value::Null;
    naura["regularMarketOpen"] = json!({ "raw": null, "fmt": "N/A" });

    let from_mixed = quotes_from_body(mixed, &WATCHLIST).await;
    let from_plain = quotes_from_body(plain.to_string(), &WATCHLIST).await;
    let from_formatted = quotes_from_body(formatted.to_string(), &WATCHLIST).await;
    assert_eq!(from_plain, from_mixed);
    assert_eq!(from_formatted, from_mixed);

    // 002371.SZ leaves these out (or, formatted, leaves them empty): unknown, never zero.
    for results in [&from_mixed, &from_formatted] {
        let q = quote(results, "002371.SZ");
        assert_eq!(q.market_cap, None);
        assert_eq!(q.volume, None);
        assert_eq!(q.open, None);
        assert_eq!((q.year_low, q.year_high), (None, None));
        assert_eq!(q.delay_min, 0, "no exchangeDataDelayedBy: not known to be delayed");
        assert_eq!(q.price, Some(412.3), "the fields it has are still there");
    }
}

/// Issue 22, item 4: the event dates, as recorded for a listing between reports (the report time
/// is the last one, past; the window is the next, estimated), in both number shapes; a listing
/// without them has none.
#[tokio::test]
async fn earnings_and_dividend_dates_are_read() {
    use chiptape::market::events::Events;
    let results = quotes_from_body(fixture("quote.json"), &["NVDA", "0981.HK"]).await;
    let at = |s: &str| Some(s.parse::<chrono::DateTime<chrono::Utc>>().unwrap());
    let day = |s: &str| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").ok();
    let nvda = quote(&results, "NVDA");
    assert_eq!(
        nvda.events,
        Events {
            earnings: at("2026-11-19T21:20:00Z"),
            earnings_start: at("2027-02-25T10:59:00Z"),
            earnings_end: at("2027-03-02T12:00:00Z"),
            earnings_estimate: Some(true),
            ex_dividend: day("2026-12-04"),
            dividend: day("2026-12-26"),
        }
    );
    let next = nvda.events.next_earnings(chrono_tz::America::New_York, NOW.parse().unwrap()).unwrap();
    assert_eq!(
        (next.date, next.estimate),
        (day("2027-02-25").unwrap(), true),
        "the window, not the past report"
    );
    assert_eq!(quote(&results, "0981.HK").events, Events::default());
}

#[tokio::test]
async fn unknown_symbol_gets_its_own_error() {
    // Yahoo leaves an unknown symbol out of `result`; it is not an error status.
    let list = ["0981.HK", "ZZZZ.HK", "NVDA"];
    let results = quotes_from_body(fixture("quote.json"), &list).await;
    assert_eq!(results.iter().map(|(s, _)| s.as_str()).collect::<Vec<_>>(), list);
    let err = results[1].1.as_ref().expect_err("ZZZZ.HK has no quote");
    assert!(matches!(err, chiptape::market::QuoteError::Unknown(_)), "a code it does not know: {err:?}");
    let err = err.to_string();
    assert!(err.contains("no data for ZZZZ.HK"), "{err}");
    assert_eq!(quote(&results, "0981.HK").price, Some(72.45));
    assert_eq!(quote(&results, "NVDA").price, Some(182.55));
}

#[tokio::test]
async fn empty_watchlist_sends_nothing() {
    let server = MockServer::start().await;
    mount_session(&server, CRUMB).await;
    let results = provider(&server).quotes(&[]).await.expect("nothing to fetch is not an error");
    assert!(results.is_empty());
    assert!(server.received_requests().await.unwrap().is_empty(), "not even a session");
}

// ---------------------------------------------------------------- refusals and the chart fallback

#[tokio::test]
async fn expired_crumb_renews_the_session_once() {
    // Refused by status (401 + Invalid Crumb) and by body alone (200 + Invalid Crumb).
    for status in [401, 200] {
        let server = MockServer::start().await;
        Mock::given(method("GET")).and(path("/cookie")).respond_with(cookie_response()).mount(&server).await;
        // The first session's crumb has expired; the second session gets a new one.
        let crumb = |c: &str| ResponseTemplate::new(200).set_body_raw(c, "text/plain");
        Mock::given(path(CRUMB_PATH))
            .respond_with(crumb("oldCrumb111"))
            .up_to_n_times(1)
            .mount(&server)
            .await;
        Mock::given(path(CRUMB_PATH)).respond_with(crumb("newCrumb222")).mount(&server).await;
        Mock::given(path(QUOTE))
            .and(query_param("crumb", "oldCrumb111"))
            .respond_with(
                ResponseTemplate::new(status).set_body_raw(fixture("invalid-crumb.json"), "application/json"),
            )
            .mount(&server)
            .await;
        Mock::given(path(QUOTE))
            .and(query_param("crumb", "newCrumb222"))
            .and(header("cookie", COOKIE))
            .respond_with(json_body(fixture("quote.json")))
            .mount(&server)
            .await;

        let y = provider(&server);
        let results = y.quotes(&syms(&WATCHLIST)).await.expect("the retry succeeds");
        assert_eq!(quote(&results, "ASML.AS").price, Some(912.4));
        assert_eq!(requests_to(&server, "/cookie").await.len(), 2, "status {status}");
        assert_eq!(requests_to(&server, CRUMB_PATH).await.len(), 2, "status {status}");
        assert_eq!(requests_to(&server, QUOTE).await.len(), 2, "status {status}");
        assert_eq!(requests_to(&server, CHART).await.len(), 0, "status {status}");
        assert_eq!(y.label(), "Yahoo");

        // The renewed session is kept.
        y.quotes(&syms(&WATCHLIST)).await.expect("the quotes arrive");
        assert_eq!(requests_to(&server, CRUMB_PATH).await.len(), 2, "status {status}");
        assert_eq!(requests_to(&server, QUOTE).await.len(), 3, "status {status}");
    }
}

/// A session is handed out, but the quote endpoint refuses it every time.
async fn mount_refusing_quote_endpoint(server: &MockServer) {
    mount_session(server, CRUMB).await;
    Mock::given(path(QUOTE))
        .respond_with(
            ResponseTemplate::new(401).set_body_raw(fixture("unable-to-access.json"), "application/json"),
        )
        .mount(server)
        .await;
}

#[tokio::test]
async fn unable_to_access_falls_back_to_charts() {
    let server = MockServer::start().await;
    mount_refusing_quote_endpoint(&server).await;
    mount_charts(&server).await;

    let y = provider(&server);
    assert_eq!(y.label(), "Yahoo");
    let results = y.quotes(&syms(&CHARTED)).await.expect("the charts answer");
    assert_eq!(y.label(), "Yahoo (chart fallback)");
    // One renewal, then the charts: one request per symbol, without a crumb.
    assert_eq!(requests_to(&server, "/cookie").await.len(), 2);
    assert_eq!(requests_to(&server, CRUMB_PATH).await.len(), 2);
    assert_eq!(requests_to(&server, QUOTE).await.len(), 2);
    let charts = requests_to(&server, CHART).await;
    assert_eq!(charts.len(), 3);
    assert!(charts.iter().all(|r| param(r, "crumb").is_none()));

    // The chart meta carries the quote fixture's prices: the same quote, as far as a chart knows it.
    let v7 = quotes_from_body(fixture("quote.json"), &CHARTED).await;
    assert_eq!(results.iter().map(|(s, _)| s.as_str()).collect::<Vec<_>>(), CHARTED);
    for sym in CHARTED {
        let (c, q) = (quote(&results, sym), quote(&v7, sym));
        assert_eq!(c.currency, q.currency, "{sym}");
        assert_eq!(c.price, q.price, "{sym}");
        assert_eq!(c.previous_close, q.previous_close, "{sym}");
        assert!(close_to(c.change, q.change), "{sym}: change {:?} vs {:?}", c.change, q.change);
        assert!(close_to(c.change_pct, q.change_pct), "{sym}: {:?} vs {:?}", c.change_pct, q.change_pct);
        assert_eq!((c.day_low, c.day_high), (q.day_low, q.day_high), "{sym}");
        assert_eq!(c.volume, q.volume, "{sym}");
        assert_eq!(c.market_state, q.market_state, "{sym}");
        assert_eq!(c.time, q.time, "{sym}");
        assert_eq!(c.exchange, q.exchange, "{sym}");
    }
    // NVDA's pre-market price is the last pre-market bar with a close (the newest bar has none).
    let nvda = quote(&results, "NVDA");
    assert_eq!(nvda.extended_price, Some(185.2));
    assert!(close_to(nvda.extended_change_pct, Some(1.4516571)), "{:?}", nvda.extended_change_pct);
    assert_eq!(quote(&results, "ASML.AS").extended_price, None);

    // While on the fallback, the quote endpoint is left alone.
    y.quotes(&syms(&CHARTED)).await.expect("the charts answer again");
    assert_eq!(requests_to(&server, QUOTE).await.len(), 2);
    assert_eq!(requests_to(&server, CRUMB_PATH).await.len(), 2);
    assert_eq!(requests_to(&server, CHART).await.len(), 6);
    assert_eq!(y.label(), "Yahoo (chart fallback)");
}

#[tokio::test]
async fn chart_not_found_is_that_symbols_error() {
    let server = MockServer::start().await;
    mount_refusing_quote_endpoint(&server).await;
    mount_charts(&server).await;
    Mock::given(path(format!("{CHART}ZZZZ.HK")))
        .respond_with(
            ResponseTemplate::new(404).set_body_raw(fixture("chart-not-found.json"), "application/json"),
        )
        .mount(&server)
        .await;

    let results =
        provider(&server).quotes(&syms(&["0981.HK", "ZZZZ.HK", "NVDA"])).await.expect("the rest answer");
    let err = results[1].1.as_ref().expect_err("ZZZZ.HK has no chart");
    assert!(matches!(err, chiptape::market::QuoteError::Unknown(_)), "a code it does not know: {err:?}");
    let err = err.to_string();
    assert!(err.contains("no data for ZZZZ.HK") && err.contains("delisted"), "{err}");
    assert_eq!(quote(&results, "0981.HK").price, Some(72.45));
    assert_eq!(quote(&results, "NVDA").price, Some(182.55));
}

#[tokio::test]
async fn unusable_crumb_is_never_sent() {
    // Yahoo has answered the crumb request with these, status 200 and all.
    let bad_crumbs = ["Too Many Requests", "<!DOCTYPE html><html><head><title>Yahoo</title></head></html>"];
    for bad in bad_crumbs {
        let server = MockServer::start().await;
        mount_session(&server, bad).await;
        mount_quote(&server, json_body(fixture("quote.json"))).await;
        mount_charts(&server).await;

        let y = provider(&server);
        let results = y.quotes(&syms(&CHARTED)).await.expect("the charts answer");
        assert!(requests_to(&server, QUOTE).await.is_empty(), "{bad:?} was used as a crumb");
        assert_eq!(requests_to(&server, CRUMB_PATH).await.len(), 1);
        assert_eq!(requests_to(&server, CHART).await.len(), 3);
        assert_eq!(y.label(), "Yahoo (chart fallback)");
        assert_eq!(quote(&results, "ASML.AS").price, Some(912.4));
    }
}

/// Issue 27, item 3: a cookie host that answers 5xx is broken, not refusing. The fetch fails with
/// the session's error (the refresh task retries it with its backoff), the chart fallback is not
/// entered, and the next fetch asks for a session again.
#[tokio::test]
async fn a_cookie_host_5xx_is_a_failure_to_retry_not_a_refusal() {
    for status in [500, 503] {
        let server = MockServer::start().await;
        // Down once (no cookie, as a broken server answers), then itself again.
        Mock::given(method("GET"))
            .and(path("/cookie"))
            .respond_with(
                ResponseTemplate::new(status).set_body_raw("<html>Service down</html>", "text/html"),
            )
            .up_to_n_times(1)
            .mount(&server)
            .await;
        mount_session(&server, CRUMB).await;
        mount_quote(&server, json_body(fixture("quote.json"))).await;
        mount_charts(&server).await;

        let y = provider(&server);
        let err = y.quotes(&syms(&CHARTED)).await.expect_err("a broken cookie host is a failure");
        assert_eq!(err.to_string(), format!("Yahoo session: server answered HTTP {status}"));
        assert_eq!(y.label(), "Yahoo", "HTTP {status} is no refusal: no chart fallback");
        assert!(requests_to(&server, CHART).await.is_empty(), "HTTP {status}: no chart requests");
        assert!(requests_to(&server, CRUMB_PATH).await.is_empty(), "no cookie to ask a crumb with");

        // The retry: a session now, and the quote endpoint answers.
        let results = y.quotes(&syms(&CHARTED)).await.expect("the cookie host is back");
        assert_eq!(quote(&results, "ASML.AS").price, Some(912.4));
        assert_eq!(requests_to(&server, "/cookie").await.len(), 2, "HTTP {status}");
        assert_eq!(requests_to(&server, QUOTE).await.len(), 1, "HTTP {status}");
        assert!(requests_to(&server, CHART).await.is_empty(), "HTTP {status}");
        assert_eq!(y.label(), "Yahoo");
    }
}

/// The same for a cookie host that cannot be reached: a network failure, named as the session's.
#[tokio::test]
async fn an_unreachable_cookie_host_is_named_as_the_sessions() {
    let server = MockServer::start().await;
    mount_charts(&server).await;
    // A port that was just free: nothing listens there.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    let cfg = ProviderConfig {
        kind: ProviderKind::Yahoo,
        query_url: server.uri(),
        cookie_url: format!("http://{closed}/cookie"),
        user_agent: None,
        stream: false,
        mainland: Mainland::Yahoo,
        ..chiptape::config::builtin().provider
    };
    let clock = Arc::new(FixedClock(NOW.parse().unwrap()));
    let y = Yahoo::new(&cfg, HttpOptions::default(), Store::at(None), clock).unwrap();
    let err = y.quotes(&syms(&CHARTED)).await.expect_err("no session, no quotes");
    let text = err.to_string();
    assert!(text.starts_with("Yahoo session: network error"), "{text}");
    assert_eq!(y.label(), "Yahoo");
    assert!(requests_to(&server, CHART).await.is_empty());
}

// ---------------------------------------------------------------- rate limits

#[tokio::test]
async fn rate_limit_stops_all_requests_until_the_backoff_ends() {
    // An HTTP date five minutes ahead, the way a server writes it.
    let date =
        (chrono::Utc::now() + chrono::Duration::seconds(300)).format("%a, %d %b %Y %H:%M:%S GMT").to_string();
    // (Retry-After header, the least wait that must be reported). 1800 s is above the 15-minute
    // cap of the provider's own backoff: the server's word still counts.
    let cases = [(None, 30), (Some("120"), 120), (Some("1800"), 1800), (Some(date.as_str()), 290)];
    for (retry_after, floor) in cases {
        let server = MockServer::start().await;
        mount_session(&server, CRUMB).await;
        let mut limited = ResponseTemplate::new(429).set_body_raw("Too Many Requests", "text/plain");
        if let Some(v) = retry_after {
            limited = limited.insert_header("retry-after", v);
        }
        mount_quote(&server, limited).await;

        let y = provider(&server);
        let first = y.quotes(&syms(&WATCHLIST)).await.expect_err("rate limited");
        let ProviderError::RateLimited { retry_after: Some(wait) } = first else {
            panic!("{retry_after:?}: expected RateLimited with a wait, got {first:?}");
        };
        assert!(wait >= Duration::from_secs(floor), "{retry_after:?}: waits {wait:?}");
        // The first backoff is the floor plus a little jitter, not minutes more.
        assert!(wait <= Duration::from_secs(floor + floor / 2), "{retry_after:?}: waits {wait:?}");
        let seen = server.received_requests().await.unwrap().len();

        let again = y.quotes(&syms(&WATCHLIST)).await.expect_err("still rate limited");
        let ProviderError::RateLimited { retry_after: Some(left) } = again else {
            panic!("{retry_after:?}: expected RateLimited again, got {again:?}");
        };
        assert!(left <= wait);
        assert_eq!(server.received_requests().await.unwrap().len(), seen, "nothing is sent while blocked");
    }
}

#[tokio::test]
async fn rate_limit_on_the_chart_endpoint_blocks_too() {
    let server = MockServer::start().await;
    mount_refusing_quote_endpoint(&server).await;
    // The first chart fails otherwise, the other two are rate limited: the limit must win,
    // whichever symbol comes first.
    let answers = [("0981.HK", 503), ("ASML.AS", 429), ("NVDA", 429)];
    for (sym, status) in answers {
        let r = ResponseTemplate::new(status).insert_header("retry-after", "60");
        Mock::given(path(format!("{CHART}{sym}"))).respond_with(r).mount(&server).await;
    }

    let y = provider(&server);
    let err = y.quotes(&syms(&CHARTED)).await.expect_err("rate limited");
    let ProviderError::RateLimited { retry_after: Some(wait) } = err else {
        panic!("expected RateLimited, got {err:?}");
    };
    assert!(wait >= Duration::from_secs(60), "waits {wait:?}");
    let seen = server.received_requests().await.unwrap().len();
    let again = y.quotes(&syms(&CHARTED)).await.expect_err("still rate limited");
    assert!(matches!(again, ProviderError::RateLimited { .. }), "{again:?}");
    assert_eq!(server.received_requests().await.unwrap().len(), seen, "nothing is sent while blocked");
}

// ---------------------------------------------------------------- broken answers

/// The quote endpoint answers `bad` once and the fixture afterwards: returns the first call's error,
/// and checks that the next call works (the provider is not stuck).
async fn fails_once(bad: ResponseTemplate, opts: HttpOptions) -> ProviderError {
    let server = MockServer::start().await;
    mount_session(&server, CRUMB).await;
    Mock::given(path(QUOTE)).respond_with(bad).up_to_n_times(1).mount(&server).await;
    mount_quote(&server, json_body(fixture("quote.json"))).await;

    let y = provider_with(&server, opts, Store::at(None));
    let err = y.quotes(&syms(&WATCHLIST)).await.expect_err("the first answer is unusable");
    let results = y.quotes(&syms(&WATCHLIST)).await.unwrap_or_else(|e| panic!("after {err:?}: {e:?}"));
    assert!(results.iter().all(|(_, r)| r.is_ok()), "after {err:?}");
    assert_eq!(y.label(), "Yahoo", "a broken answer is not a refusal");
    err
}

fn decode_error(e: ProviderError) -> String {
    match e {
        ProviderError::Decode(msg) => msg,
        other => panic!("expected a Decode error, got {other:?}"),
    }
}

#[tokio::test]
async fn server_error_is_a_status_error() {
    let err = fails_once(ResponseTemplate::new(500), HttpOptions::default()).await;
    assert_eq!(err, ProviderError::Status(500));
}

#[tokio::test]
async fn slow_answer_times_out() {
    let opts = HttpOptions { timeout: Duration::from_millis(300), ..HttpOptions::default() };
    // The only delay in these tests: an answer that arrives long after the client's timeout.
    let slow = json_body(fixture("quote.json")).set_delay(Duration::from_secs(2));
    match fails_once(slow, opts).await {
        ProviderError::Network(msg) => assert!(msg.contains("timed out"), "{msg}"),
        other => panic!("expected a Network error, got {other:?}"),
    }
}

#[tokio::test]
async fn html_page_is_a_decode_error() {
    let page = ResponseTemplate::new(200).set_body_raw(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><title>Yahoo</title></head><body>Will be right back…</body></html>",
        "text/html; charset=utf-8",
    );
    let msg = decode_error(fails_once(page, HttpOptions::default()).await);
    assert!(msg.contains("HTML"), "{msg}");
}

#[tokio::test]
async fn empty_body_is_a_decode_error() {
    let msg = decode_error(fails_once(json_body(""), HttpOptions::default()).await);
    assert!(msg.contains("empty"), "{msg}");
}

#[tokio::test]
async fn truncated_body_is_a_decode_error() {
    let full = fixture("quote.json");
    let msg = decode_error(fails_once(json_body(&full[..full.len() / 2]), HttpOptions::default()).await);
    assert!(msg.contains("cut short"), "{msg}");
}

#[tokio::test]
async fn oversized_body_is_too_large() {
    // 6 MiB against the default 5 MiB cap (spaces: were it read, it would decode as "empty").
    let huge = json_body(vec![b' '; 6 * 1024 * 1024]);
    let err = fails_once(huge, HttpOptions::default()).await;
    assert_eq!(err, ProviderError::TooLarge(5 * 1024 * 1024));
}

// ---------------------------------------------------------------- the session cache

#[tokio::test]
async fn cached_session_is_reused_by_the_next_run() {
    let server = MockServer::start().await;
    mount_session(&server, CRUMB).await;
    mount_quote(&server, json_body(fixture("quote.json"))).await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("cache").join("yahoo-session.json");

    let first = provider_with(&server, HttpOptions::default(), Store::at(Some(file.clone())));
    first.quotes(&syms(&WATCHLIST)).await.expect("the quotes arrive");
    let stored = std::fs::read_to_string(&file).expect("the session is stored");
    assert!(stored.contains(CRUMB), "{stored}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "the cookie is for the user's eyes only");
    }
    drop(first);

    // A new instance (the next run) with the same file: straight to the quote endpoint.
    let second = provider_with(&server, HttpOptions::default(), Store::at(Some(file)));
    let results = second.quotes(&syms(&WATCHLIST)).await.expect("the quotes arrive");
    assert_eq!(quote(&results, "RR.L").price, Some(1043.5));
    assert_eq!(requests_to(&server, "/cookie").await.len(), 1);
    assert_eq!(requests_to(&server, CRUMB_PATH).await.len(), 1);
    assert_eq!(
        requests_to(&server, QUOTE).await.len(),
        2,
        "both runs' requests carried the crumb and cookie"
    );
}

// ---------------------------------------------------------------- no caller waits behind another

/// Answers after a long delay, and says when the request arrived.
struct SlowAndTell {
    arrived: tokio::sync::mpsc::UnboundedSender<()>,
    body: String,
}

impl Respond for SlowAndTell {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        let _ = self.arrived.send(());
        json_body(self.body.clone()).set_delay(Duration::from_secs(30))
    }
}

/// A refresh stuck on a slow answer must not hold up another caller (the symbol check of `a`, a
/// second batch): the provider no longer keeps its lock across requests.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_answer_never_holds_up_another_request() {
    let server = MockServer::start().await;
    mount_session(&server, CRUMB).await;
    let (arrived, mut slow_arrived) = tokio::sync::mpsc::unbounded_channel();
    Mock::given(method("GET"))
        .and(path(QUOTE))
        .and(query_param("symbols", "0981.HK"))
        .respond_with(SlowAndTell { arrived, body: fixture("quote.json") })
        .mount(&server)
        .await;
    mount_quote(&server, json_body(fixture("quote.json"))).await;
    let yahoo = Arc::new(provider(&server));
    let slow = {
        let yahoo = yahoo.clone();
        tokio::spawn(async move { yahoo.quotes(&syms(&["0981.HK"])).await })
    };
    slow_arrived.recv().await.expect("the slow request reached the server");
    let fast = tokio::time::timeout(Duration::from_secs(5), yahoo.quotes(&syms(&["NVDA"])))
        .await
        .expect("answered while the slow request still waits")
        .unwrap();
    assert!(quote(&fast, "NVDA").price.is_some());
    assert!(!slow.is_finished());
    slow.abort();
}

/// `regularMarketVolume: 1e30` printed as 18446744073709551615 and `exchangeDataDelayedBy: 1e300`
/// as a 4294967295-minute delay: out of range is unknown, never clamped.
#[tokio::test]
async fn numbers_out_of_range_are_unknown() {
    let mut v: Value = serde_json::from_str(&fixture("quote.json")).unwrap();
    let r = &mut v["quoteResponse"]["result"][5];
    assert_eq!(r["symbol"], "NVDA");
    r["regularMarketVolume"] = json!(1e30);
    r["exchangeDataDelayedBy"] = json!(1e300);
    r["marketCap"] = json!(-1e308);
    r["regularMarketPrice"] = json!(1e300);
    let results = quotes_from_body(v.to_string(), &WATCHLIST).await;
    let q = quote(&results, "NVDA");
    assert_eq!((q.volume, q.market_cap, q.price), (None, None, None));
    assert_eq!(q.delay_min, 0, "not known to be delayed");
    assert!(quote(&results, "0981.HK").volume.is_some(), "the others are untouched");
}
