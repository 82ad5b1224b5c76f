//! `chiptape compare` against a local fake of Yahoo's chart endpoint: hand-made daily series with a
//! Hong Kong holiday, a symbol listed mid-range and one that fails, and the JSON checked against
//! the numbers worked out by hand.

use crate::common;

use std::path::Path;
use std::process::Output;

use serde_json::{Value, json};
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// Daily bars stamped at the open: New York 14:30 UTC, Hong Kong 01:30 UTC (2026-03-02 is a Monday).
fn chart(symbol: &str, open_utc: &str, closes: &[(u32, f64)]) -> Value {
    let ts: Vec<i64> = closes
        .iter()
        .map(|(d, _)| {
            format!("2026-03-{d:02}T{open_utc}:00Z")
                .parse::<chrono::DateTime<chrono::Utc>>()
                .unwrap()
                .timestamp()
        })
        .collect();
    let c: Vec<f64> = closes.iter().map(|(_, p)| *p).collect();
    json!({"chart": {"result": [{
        "meta": {"symbol": symbol, "currency": "USD", "chartPreviousClose": c[0]},
        "timestamp": ts,
        "indicators": {"quote": [{"close": c, "open": c, "high": c, "low": c, "volume": c}]}
    }], "error": null}})
}

async fn fake_charts() -> MockServer {
    let server = MockServer::start().await;
    let serve = |sym: &str, body: Value| {
        Mock::given(method("GET"))
            .and(path(format!("/v8/finance/chart/{sym}")))
            .and(query_param("range", "6mo"))
            .respond_with(ResponseTemplate::new(200).set_body_json(body))
    };
    serve("NVDA", chart("NVDA", "14:30", &[(2, 100.0), (3, 102.0), (4, 104.04)])).mount(&server).await;
    // Listed on the 3rd, doubles the day after.
    serve("AMD", chart("AMD", "14:30", &[(3, 20.0), (4, 40.0)])).mount(&server).await;
    // Hong Kong is shut on the 3rd.
    serve("0981.HK", chart("0981.HK", "01:30", &[(2, 10.0), (4, 11.0)])).mount(&server).await;
    Mock::given(method("GET"))
        .and(path("/v8/finance/chart/9988.HK"))
        .respond_with(ResponseTemplate::new(500))
        .mount(&server)
        .await;
    server
}

fn config(home: &Path, server: &MockServer) -> std::path::PathBuf {
    let p = home.join("c.toml");
    std::fs::write(
        &p,
        format!(
            "[provider]\nquery_url = \"{uri}\"\ncookie_url = \"{uri}/cookie\"\nstream = false\nmainland = \"yahoo\"\n\
             quotes = [\"yahoo\"]\ncharts = [\"yahoo\"]\n\n\
             [[groups]]\nname = \"US\"\nsymbols = [\"NVDA\", \"AMD\"]\n\n\
             [[groups]]\nname = \"China\"\nsymbols = [\"0981.HK\", \"9988.HK\"]\n",
            uri = server.uri()
        ),
    )
    .unwrap();
    p
}

fn run(home: &Path, config: &Path, args: &[&str]) -> Output {
    common::chiptape_cmd(home).args(["--config", config.to_str().unwrap()]).args(args).output().unwrap()
}

async fn compare(args: &'static [&'static str]) -> (Output, MockServer) {
    let server = fake_charts().await;
    let home = tempfile::tempdir().unwrap();
    let cfg = config(home.path(), &server);
    let h = home.path().to_path_buf();
    let o = tokio::task::spawn_blocking(move || run(&h, &cfg, args)).await.unwrap();
    (o, server)
}

fn points(line: &Value) -> Vec<(String, f64)> {
    line["points"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["time"].as_str().unwrap().to_string(), p["pct"].as_f64().unwrap()))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn groups_are_baskets_aligned_by_date_best_first() {
    let (o, _server) = compare(&["compare", "--range", "6m", "--format", "json"]).await;
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "a series failed: exit 1, the rest printed; {err}");
    assert!(err.contains("9988.HK"), "{err}");
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["range"], "6m");
    let lines = v["lines"].as_array().unwrap();
    let names: Vec<&str> = lines.iter().map(|l| l["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["US", "China"], "best first");
    let (us, cn) = (&lines[0], &lines[1]);
    assert_eq!(
        (us["kind"].as_str(), us["members"].as_u64(), us["priced"].as_u64()),
        (Some("group"), Some(2), Some(2))
    );
    // The 3rd: NVDA +2 % alone (AMD's first bar only sets its base); the 4th: the mean of NVDA's
    // +2 % and AMD's +100 % is +51 %, compounded: 1.02 × 1.51 − 1.
    assert_eq!(
        points(us),
        [("2026-03-02".to_string(), 0.0), ("2026-03-03".to_string(), 2.0), ("2026-03-04".to_string(), 54.02)]
    );
    assert_eq!(us["final_pct"].as_f64(), Some(54.02));
    // Hong Kong's holiday holds its line on the 3rd: dates, not bar positions.
    assert_eq!(
        points(cn),
        [("2026-03-02".to_string(), 0.0), ("2026-03-03".to_string(), 0.0), ("2026-03-04".to_string(), 10.0)]
    );
    assert_eq!((cn["members"].as_u64(), cn["priced"].as_u64()), (Some(2), Some(1)));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn symbols_are_lines_of_their_own_and_csv_and_table_print_them() {
    let (o, _server) = compare(&["compare", "--range", "6m", "NVDA", "0981.HK", "--format", "csv"]).await;
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    let csv = String::from_utf8_lossy(&o.stdout);
    let rows: Vec<&str> = csv.lines().collect();
    assert_eq!(rows[0], "line,kind,time,pct");
    assert!(rows.contains(&"0981.HK,symbol,2026-03-04,10"), "{csv}");
    assert!(rows.contains(&"NVDA,symbol,2026-03-04,4.04"), "{csv}");
    let (o, _server) = compare(&["compare", "--range", "6m", "--group", "China"]).await;
    let table = String::from_utf8_lossy(&o.stdout);
    assert!(table.contains("China") && table.contains("+10.00%") && table.contains("1 of 2"), "{table}");
    assert!(!table.contains("US "), "only the group asked: {table}");
    let (o, _server) = compare(&["compare", "--group", "Nope"]).await;
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("no group named \"Nope\""));
}
