//! Coming events (issue 22, item 4) through the real binary and the real v7 parsing, against a
//! local fake of Yahoo: `quotes --format json`'s `events`, and `chiptape events`.

use crate::common;

use std::path::{Path, PathBuf};
use std::process::Output;

use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// Monday 2026-12-07, 10:00 in New York.
const NOW: &str = "2026-12-07T15:00:00Z";

/// NVDA reports on Wednesday (confirmed, 16:20 New York), goes ex-dividend on the 20th and pays on
/// 2027-01-10; SMIC's next report is an estimated window from Thursday (its last one is past); AMD's
/// event fields are all of the wrong type or absurd; ZZZZ.HK is unknown.
async fn fake_yahoo() -> MockServer {
    let server = MockServer::start().await;
    common::mount_yahoo_session(&server, "abcDEF12345").await;
    let body = json!({"quoteResponse": {"result": [
        {"symbol": "NVDA", "currency": "USD", "regularMarketPrice": 181.2, "marketState": "REGULAR",
         "earningsTimestamp": 1_796_851_200, "earningsTimestampStart": 1_796_851_200,
         "earningsTimestampEnd": 1_796_851_200, "isEarningsDateEstimate": false,
         "exDividendDate": 1_797_724_800, "dividendDate": {"raw": 1_799_539_200, "fmt": "2027-01-10"}},
        {"symbol": "0981.HK", "currency": "HKD", "regularMarketPrice": 72.5, "marketState": "CLOSED",
         "earningsTimestamp": 1_787_817_600, "earningsTimestampStart": 1_796_868_000,
         "earningsTimestampEnd": 1_797_213_600, "isEarningsDateEstimate": true},
        {"symbol": "AMD", "currency": "USD", "regularMarketPrice": 140.0, "marketState": "REGULAR",
         "earningsTimestamp": "soon", "earningsTimestampStart": -5, "earningsTimestampEnd": 1e300,
         "isEarningsDateEstimate": "yes", "exDividendDate": {"fmt": "Dec 1"}, "dividendDate": 99_999_999_999_999i64},
    ], "error": null}});
    Mock::given(method("GET"))
        .and(path("/v7/finance/quote"))
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
        .mount(&server)
        .await;
    server
}

fn config(home: &Path, server: &MockServer, symbols: &[&str]) -> PathBuf {
    let p = home.join("c.toml");
    let list: Vec<String> = symbols.iter().map(|s| format!("{s:?}")).collect();
    std::fs::write(
        &p,
        format!(
            "[provider]\nquery_url = \"{uri}\"\ncookie_url = \"{uri}/cookie\"\nstream = false\nmainland = \"yahoo\"\nquotes = [\"yahoo\"]\n\n[[groups]]\nname = \"Mine\"\nsymbols = [{}]\n",
            list.join(", "),
            uri = server.uri()
        ),
    )
    .unwrap();
    p
}

async fn run(symbols: &[&str], args: &[&str]) -> Output {
    let server = fake_yahoo().await;
    let home = tempfile::tempdir().unwrap();
    let cfg = config(home.path(), &server, symbols);
    let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
    let h = home.path().to_path_buf();
    tokio::task::spawn_blocking(move || {
        common::chiptape_cmd(&h)
            .args(["--config", cfg.to_str().unwrap(), "--fake-now", NOW])
            .args(&args)
            .output()
            .unwrap()
    })
    .await
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn quotes_json_carries_each_symbols_events_and_null_for_what_is_unknown_or_broken() {
    let o = run(&["NVDA", "0981.HK", "AMD"], &["quotes", "--format", "json"]).await;
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    let by = |s: &str| v.as_array().unwrap().iter().find(|q| q["symbol"] == s).unwrap()["events"].clone();
    assert_eq!(
        by("NVDA"),
        json!({"earnings": "2026-12-09T21:20:00Z", "earnings_start": "2026-12-09T21:20:00Z",
               "earnings_end": "2026-12-09T21:20:00Z", "earnings_estimate": false,
               "ex_dividend": "2026-12-20", "dividend": "2027-01-10"})
    );
    let smic = by("0981.HK");
    assert_eq!(smic["earnings"], "2026-08-27T08:00:00Z", "the source's value, past or not");
    assert_eq!(smic["earnings_end"], "2026-12-14T02:00:00Z");
    assert_eq!(smic["earnings_estimate"], true);
    assert!(smic["ex_dividend"].is_null() && smic["dividend"].is_null());
    let amd = by("AMD");
    for f in ["earnings", "earnings_start", "earnings_end", "earnings_estimate", "ex_dividend", "dividend"] {
        assert!(amd[f].is_null(), "a broken {f} is unknown: {amd}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn events_json_lists_coming_dates_in_order_and_exit_1_for_a_missing_symbol() {
    let o = run(&["AMD", "0981.HK", "NVDA", "ZZZZ.HK"], &["events", "--format", "json"]).await;
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("ZZZZ.HK"), "{stderr}");
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(
        v,
        json!([
            {"date": "2026-12-09", "symbol": "NVDA", "name": "NVIDIA", "kind": "earnings", "estimate": false,
             "time": "2026-12-09T21:20:00Z"},
            {"date": "2026-12-10", "symbol": "0981.HK", "name": "SMIC", "kind": "earnings", "estimate": true,
             "time": null},
            {"date": "2026-12-20", "symbol": "NVDA", "name": "NVIDIA", "kind": "ex_dividend", "estimate": false,
             "time": null},
        ]),
        "the payment on 2027-01-10 is past 30 days; AMD has nothing; names from the catalogue"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn events_days_narrows_and_widens_the_window_and_the_table_says_estimated() {
    let o = run(&["NVDA", "0981.HK"], &["events", "--days", "40"]).await;
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    let table = String::from_utf8_lossy(&o.stdout);
    let lines: Vec<&str> = table.lines().collect();
    assert_eq!(lines.len(), 5, "{table}");
    assert!(lines[1].starts_with("2026-12-09 NVDA") && lines[1].ends_with("earnings 16:20 EST"), "{table}");
    assert!(lines[2].contains("0981.HK") && lines[2].ends_with("earnings (estimated)"), "{table}");
    assert!(lines[4].starts_with("2027-01-10 NVDA") && lines[4].ends_with("dividend"), "{table}");
    let o = run(&["NVDA", "0981.HK"], &["events", "--days", "1"]).await;
    let table = String::from_utf8_lossy(&o.stdout);
    assert!(table.contains("no earnings or dividends known in the next 1 days"), "{table}");
    let o = run(&["NVDA"], &["events", "--days", "-3"]).await;
    assert_eq!(o.status.code(), Some(2), "a usage error");
}

/// With the source down, the last run's quotes stand in, as for `quotes`: their dates are printed,
/// the failure is said, and the exit code is 1.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dead_source_with_a_warm_cache_prints_the_last_known_dates() {
    use chiptape::market::events::Events;
    use chiptape::market::{Quote, Symbol};
    let home = tempfile::tempdir().unwrap();
    let report = "2026-12-09T21:20:00Z".parse().unwrap();
    let events = Events { earnings: Some(report), earnings_start: Some(report), ..Events::default() };
    let nvda = Quote { symbol: Symbol::parse("NVDA").unwrap(), events, ..Quote::default() };
    let cfg = common::dead_yahoo_with_cache(home.path(), &nvda, "2026-12-06T12:00:00Z".parse().unwrap());
    let h = home.path().to_path_buf();
    let o = tokio::task::spawn_blocking(move || {
        common::chiptape_cmd(&h)
            .args(["--config", cfg.to_str().unwrap(), "--fake-now", NOW, "events", "--format", "json"])
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("NVDA: ") && stderr.contains("(its dates from the last run)"), "{stderr}");
    let amd = stderr.lines().find(|l| l.starts_with("chiptape: AMD: ")).expect("AMD's failure is said");
    assert!(!amd.contains("last run"), "nothing cached for AMD: {amd}");
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v.as_array().map(Vec::len), Some(1), "{v}");
    assert_eq!((v[0]["symbol"].as_str(), v[0]["date"].as_str()), (Some("NVDA"), Some("2026-12-09")));
}
