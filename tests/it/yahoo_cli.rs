//! `chiptape quotes` against a local fake of Yahoo: the real binary, the real HTTP path, no internet.

use crate::common;

use std::path::Path;
use std::process::Output;

use serde_json::{Value, json};
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn quote(symbol: &str, price: f64, prev: f64, currency: &str, state: &str, delay: u32) -> Value {
    json!({
        "symbol": symbol,
        "shortName": format!("{symbol} Ltd"),
        "currency": currency,
        "regularMarketPrice": price,
        "regularMarketChange": price - prev,
        "regularMarketChangePercent": (price - prev) / prev * 100.0,
        "regularMarketPreviousClose": prev,
        "regularMarketOpen": prev,
        "regularMarketDayHigh": price.max(prev),
        "regularMarketDayLow": price.min(prev),
        "regularMarketVolume": 1_234_567,
        "regularMarketTime": 1_764_000_000,
        "marketState": state,
        "fullExchangeName": "Test",
        "exchangeDataDelayedBy": delay,
        "preMarketPrice": price * 1.01,
        "preMarketChangePercent": 1.0,
    })
}

/// A Yahoo fake on 127.0.0.1 that knows 0981.HK and NVDA, and nothing of ZZZZ.HK.
async fn fake_yahoo() -> MockServer {
    let server = MockServer::start().await;
    common::mount_yahoo_session(&server, "abcDEF12345").await;
    let body = json!({"quoteResponse": {"result": [
        quote("0981.HK", 72.5, 70.0, "HKD", "CLOSED", 15),
        {"symbol": "NVDA", "currency": "USD", "regularMarketPrice": {"raw": 181.2, "fmt": "181.20"},
         "regularMarketPreviousClose": 180.0, "regularMarketChange": 1.2, "regularMarketChangePercent": 0.6667,
         "marketState": "PRE", "preMarketPrice": 182.0, "preMarketChangePercent": 0.44},
    ], "error": null}});
    Mock::given(method("GET"))
        .and(path("/v7/finance/quote"))
        .and(query_param("crumb", "abcDEF12345"))
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
        .mount(&server)
        .await;
    server
}

fn run(home: &Path, config: &Path, args: &[&str]) -> Output {
    common::chiptape_cmd(home).args(["--config", config.to_str().unwrap()]).args(args).output().unwrap()
}

fn config(home: &Path, server: &MockServer, symbols: &[&str]) -> std::path::PathBuf {
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn json_has_the_contract_fields_and_exit_1_when_a_symbol_is_missing() {
    let server = fake_yahoo().await;
    let home = tempfile::tempdir().unwrap();
    let cfg = config(home.path(), &server, &["0981.HK", "NVDA", "ZZZZ.HK"]);
    let (h, c) = (home.path().to_path_buf(), cfg.clone());
    let o = tokio::task::spawn_blocking(move || run(&h, &c, &["quotes", "--format", "json"])).await.unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(String::from_utf8_lossy(&o.stderr).contains("no data for ZZZZ.HK"));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    let arr = v.as_array().unwrap();
    assert_eq!(arr.len(), 3, "every symbol is printed, the missing one with its error");
    let hk = &arr[0];
    assert_eq!(hk["symbol"], "0981.HK");
    assert_eq!(hk["price"], 72.5);
    assert_eq!(hk["currency"], "HKD");
    assert_eq!(hk["delay_min"], 15);
    assert_eq!(hk["market_state"], "closed");
    assert!(hk["extended_price"].is_null(), "no pre/post price outside pre/post");
    assert!(hk["market_cap"].is_null(), "unknown is null, never 0");
    let nvda = &arr[1];
    assert_eq!(nvda["price"], 181.2, "{{raw, fmt}} numbers are read");
    assert_eq!(nvda["market_state"], "pre");
    assert_eq!(nvda["extended_price"], 182.0);
    assert_eq!(nvda["extended_change_pct"], 0.44);
    assert!(nvda["volume"].is_null());
    let missing = &arr[2];
    assert_eq!(missing["symbol"], "ZZZZ.HK");
    assert!(missing["price"].is_null());
    assert!(missing["error"].as_str().unwrap().contains("no data for ZZZZ.HK"));
    for f in ["extended_price", "extended_change_pct", "delay_min", "stale", "time", "exchange", "source"] {
        assert!(hk.get(f).is_some(), "{f}");
    }
    assert_eq!((&hk["source"], &nvda["source"]), (&"yahoo".into(), &"yahoo".into()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exit_0_when_every_symbol_is_found_and_the_session_is_kept() {
    let server = fake_yahoo().await;
    let home = tempfile::tempdir().unwrap();
    let cfg = config(home.path(), &server, &["0981.HK", "NVDA"]);
    for _ in 0..2 {
        let (h, c) = (home.path().to_path_buf(), cfg.clone());
        let o =
            tokio::task::spawn_blocking(move || run(&h, &c, &["quotes", "--format", "csv"])).await.unwrap();
        assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    }
    let requests = server.received_requests().await.unwrap();
    let count = |p: &str| requests.iter().filter(|r| r.url.path() == p).count();
    assert_eq!(count("/v7/finance/quote"), 2);
    assert_eq!(count("/cookie"), 1, "the second run reuses the session kept in the cache dir");
    assert_eq!(count("/v1/test/getcrumb"), 1);
    assert!(home.path().join("cache/chiptape/yahoo-session.json").exists());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dead_server_is_exit_1_with_a_message() {
    // A port nobody listens on: bind one, note it, let it go.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let home = tempfile::tempdir().unwrap();
    let cfg = home.path().join("c.toml");
    std::fs::write(
        &cfg,
        format!("[provider]\nquery_url = \"http://127.0.0.1:{port}\"\ncookie_url = \"http://127.0.0.1:{port}/cookie\"\nstream = false\nmainland = \"yahoo\"\nquotes = [\"yahoo\"]\n"),
    )
    .unwrap();
    let (h, c) = (home.path().to_path_buf(), cfg.clone());
    let o = tokio::task::spawn_blocking(move || run(&h, &c, &["quotes"])).await.unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("cannot connect"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
}

/// The network is down but the last run left a cache: its quotes are printed, marked `stale: true`
/// with why the fresh ones are missing; symbols the cache does not have say so as before; exit 1.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dead_server_with_a_warm_cache_prints_stale_quotes() {
    use chiptape::market::{Quote, Symbol};
    let home = tempfile::tempdir().unwrap();
    let nvda = Quote { symbol: Symbol::parse("NVDA").unwrap(), price: Some(181.25), ..Quote::default() };
    let cfg = common::dead_yahoo_with_cache(home.path(), &nvda, "2026-11-24T12:00:00Z".parse().unwrap());
    let (h, c) = (home.path().to_path_buf(), cfg.clone());
    let o = tokio::task::spawn_blocking(move || run(&h, &c, &["quotes", "--format", "json"])).await.unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", String::from_utf8_lossy(&o.stderr));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    let nvda = &v[0];
    assert_eq!((nvda["symbol"].as_str(), nvda["price"].as_f64()), (Some("NVDA"), Some(181.25)));
    assert_eq!(nvda["stale"], Value::Bool(true));
    assert!(nvda["error"].as_str().unwrap().contains("cannot connect"), "{nvda}");
    let amd = &v[1];
    assert_eq!(
        (amd["stale"].as_bool(), amd["price"].is_null()),
        (Some(false), true),
        "nothing cached for AMD"
    );
}

/// `quotes --format json --totals` against a local Yahoo: positions in HKD, USD and pence, the
/// rates from FX pairs, one holding without a price — every figure to the cent.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn totals_are_right_to_the_cent() {
    let server = MockServer::start().await;
    common::mount_yahoo_session(&server, "abcDEF12345").await;
    let fx =
        |symbol: &str, price: f64| json!({"symbol": symbol, "currency": "USD", "regularMarketPrice": price});
    let body = json!({"quoteResponse": {"result": [
        quote("0981.HK", 72.5, 70.0, "HKD", "REGULAR", 15),
        quote("NVDA", 181.2, 180.0, "USD", "REGULAR", 0),
        quote("ARM.L", 1212.0, 1200.0, "GBp", "REGULAR", 0),
        {"symbol": "ZZZ", "currency": "USD"},
        fx("HKDUSD=X", 0.128),
        fx("GBPUSD=X", 1.25),
    ], "error": null}});
    Mock::given(method("GET"))
        .and(path("/v7/finance/quote"))
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
        .mount(&server)
        .await;
    let home = tempfile::tempdir().unwrap();
    let cfg = home.path().join("c.toml");
    std::fs::write(
        &cfg,
        format!(
            "[provider]\nquery_url = \"{uri}\"\ncookie_url = \"{uri}/cookie\"\nstream = false\nmainland = \"yahoo\"\nquotes = [\"yahoo\"]\n\n\
             [[groups]]\nname = \"Mine\"\nsymbols = [\"0981.HK\", \"NVDA\", \"ARM.L\", \"ZZZ\"]\n\n\
             [[positions]]\nsymbol = \"0981.HK\"\nquantity = 1000\nunit_cost = 40.10\n\n\
             [[positions]]\nsymbol = \"NVDA\"\nquantity = 10\nunit_cost = 120.50\n\n\
             [[positions]]\nsymbol = \"NVDA\"\nquantity = 5\nunit_cost = 150\n\n\
             [[positions]]\nsymbol = \"ARM.L\"\nquantity = 100\nunit_cost = 1000\n\n\
             [[positions]]\nsymbol = \"ZZZ\"\nquantity = 50\nunit_cost = 10\n",
            uri = server.uri()
        ),
    )
    .unwrap();
    let (h, c) = (home.path().to_path_buf(), cfg.clone());
    let o = tokio::task::spawn_blocking(move || run(&h, &c, &["quotes", "--format", "json", "--totals"]))
        .await
        .unwrap();
    let v: Value = serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&o.stderr)));
    let cents = |x: &Value| (x.as_f64().unwrap() * 100.0).round() as i64;
    let pos = |sym: &str| {
        v["quotes"].as_array().unwrap().iter().find(|q| q["symbol"] == sym).unwrap()["position"].clone()
    };
    // SMIC: 1000 × 72.50 HKD = 72,500 HKD, × 0.128 = 9,280.00 USD; P&L 72,500 − 40,100 = 32,400 HKD.
    let smic = pos("0981.HK");
    assert_eq!(
        (cents(&smic["value"]), cents(&smic["value_base"]), cents(&smic["total_pnl"])),
        (7_250_000, 928_000, 3_240_000)
    );
    // NVDA: 15 shares at (10 × 120.50 + 5 × 150) / 15 = 130.333…; value 15 × 181.20 = 2,718.00;
    // P&L 2,718.00 − 1,955.00 = 763.00; day 15 × 1.20 = 18.00.
    let nvda = pos("NVDA");
    assert_eq!(
        (cents(&nvda["value"]), cents(&nvda["total_pnl"]), cents(&nvda["day_pnl"])),
        (271_800, 76_300, 1_800)
    );
    assert_eq!((nvda["avg_cost"].as_f64().unwrap() * 1000.0).round(), 130_333.0);
    // ARM: 100 × 1212 p = £1,212.00, × 1.25 = $1,515.00; P&L (1212 − 1000) p × 100 = £212 = $265.00.
    assert_eq!(cents(&pos("ARM.L")["value_base"]), 151_500);
    let t = &v["totals"];
    assert_eq!(t["currency"], "USD");
    assert_eq!(cents(&t["value"]), 928_000 + 271_800 + 151_500);
    // P&L: 32,400 HKD × 0.128 = 4,147.20; + 763.00; + 265.00. ZZZ (no price) is in neither sum.
    assert_eq!(cents(&t["total_pnl"]), 414_720 + 76_300 + 26_500);
    // Cost in USD: 40,100 × 0.128 = 5,132.80; 1,955.00; £1,000 × 1.25 = 1,250.00.
    let pct = t["total_pnl_pct"].as_f64().unwrap();
    assert!((pct - 5_175.20 / 8_337.80 * 100.0).abs() < 1e-9, "{pct}");
    assert_eq!(t["missing_prices"], json!(["ZZZ"]));
    assert_eq!(t["missing_rates"], json!([]));
}
