//! The desk in Shanghai, end to end: the A/H premium through `quotes --format json` against a
//! local Yahoo fake (the other line and the rates in the one batched request), price limits and
//! suspensions through Tencent's answer, and how the rows and the detail view show them.

use crate::common;
use crate::tencent::{gbk, line};

use chiptape::market::{Quote, Symbol};
use chiptape::state::update;
use serde_json::{Value, json};
use wiremock::matchers::{method, path, path_regex, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const FILINGS_OFF: &str = "[filings]\nsec = false\nfederal_register = false\nhkex = false\ncninfo = false\n";

fn yahoo_quote(symbol: &str, price: f64, currency: &str) -> Value {
    json!({"symbol": symbol, "currency": currency, "regularMarketPrice": price,
           "regularMarketPreviousClose": price, "regularMarketChange": 0.0,
           "regularMarketChangePercent": 0.0, "marketState": "CLOSED"})
}

/// A Yahoo fake that answers once for the batch: the H line 60.00 HKD, the A line 80.00 CNY and
/// the two rates to USD; `cny_rate: None` leaves CNYUSD=X out of the answer.
async fn yahoo(cny_rate: Option<f64>) -> MockServer {
    let server = MockServer::start().await;
    common::mount_yahoo_session(&server, "abcDEF12345").await;
    let mut result = vec![
        yahoo_quote("0981.HK", 60.0, "HKD"),
        yahoo_quote("688981.SS", 80.0, "CNY"),
        yahoo_quote("HKDUSD=X", 0.1285, "USD"),
    ];
    if let Some(r) = cny_rate {
        result.push(yahoo_quote("CNYUSD=X", r, "USD"));
    }
    Mock::given(method("GET"))
        .and(path("/v7/finance/quote"))
        .and(query_param("crumb", "abcDEF12345"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"quoteResponse": {"result": result}})))
        .expect(1)
        .mount(&server)
        .await;
    server
}

fn quotes_json(home: &std::path::Path, toml: String) -> (Option<i32>, Vec<Value>, String) {
    let cfg = home.join("c.toml");
    std::fs::write(&cfg, toml).unwrap();
    let o = common::chiptape_cmd(home)
        .args(["--config", cfg.to_str().unwrap(), "quotes", "--format", "json"])
        .output()
        .unwrap();
    let rows: Vec<Value> = serde_json::from_slice(&o.stdout).unwrap_or_default();
    (o.status.code(), rows, String::from_utf8_lossy(&o.stderr).into_owned())
}

fn yahoo_config(server: &MockServer) -> String {
    format!(
        "[provider]\nquery_url = \"{uri}\"\ncookie_url = \"{uri}/cookie\"\nstream = false\nmainland = \"yahoo\"\n\
         quotes = [\"yahoo\"]\n\n[[groups]]\nname = \"H only\"\nsymbols = [\"0981.HK\"]\n\n{FILINGS_OFF}",
        uri = server.uri()
    )
}

/// Only the H line is watched: the A line and both rates come in the same request (the fake
/// answers exactly one), the A line is not printed, and the premium is the hand-worked figure.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_ah_premium_in_quotes_json_from_one_batched_request() {
    let server = yahoo(Some(0.1397)).await;
    let home = tempfile::tempdir().unwrap();
    let toml = yahoo_config(&server);
    let h = home.path().to_path_buf();
    let (code, rows, stderr) = tokio::task::spawn_blocking(move || quotes_json(&h, toml)).await.unwrap();
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(rows.len(), 1, "the other line is fetched, not printed: {rows:?}");
    let r = &rows[0];
    assert_eq!(r["symbol"], "0981.HK");
    assert_eq!(r["pair"], "688981.SS");
    // By hand: 0.1285 / 0.1397 = 0.919828… CNY per HKD; 60 HKD is 55.1897 CNY; 80 / 55.1897 − 1.
    let by_hand: f64 = (80.0 / (60.0 * (0.1285 / 0.1397)) - 1.0) * 100.0;
    assert!((by_hand - 44.9546).abs() < 1e-3, "{by_hand}");
    let got = r["ah_premium_pct"].as_f64().expect("a number");
    assert!((got - by_hand).abs() < 1e-9, "{got} vs {by_hand}");
    assert_eq!(
        (r["limit_up"].clone(), r["at_limit"].clone(), r["halted"].clone()),
        (Value::Null, Value::Null, json!(false))
    );
    let asked = &server.received_requests().await.unwrap();
    let batch: Vec<_> = asked.iter().filter(|r| r.url.path() == "/v7/finance/quote").collect();
    let symbols = batch[0].url.query_pairs().find(|(k, _)| k == "symbols").unwrap().1.to_string();
    for s in ["0981.HK", "688981.SS", "HKDUSD=X", "CNYUSD=X"] {
        assert!(symbols.split(',').any(|x| x == s), "{s} in the one request: {symbols}");
    }
}

/// A rate the source does not give: the premium is null, never 0, and the row still prints.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_missing_rate_makes_the_premium_null() {
    let server = yahoo(None).await;
    let home = tempfile::tempdir().unwrap();
    let toml = yahoo_config(&server);
    let h = home.path().to_path_buf();
    let (code, rows, stderr) = tokio::task::spawn_blocking(move || quotes_json(&h, toml)).await.unwrap();
    assert_eq!(code, Some(0), "the watched symbol came: {stderr}");
    assert_eq!(rows[0]["pair"], "688981.SS");
    assert!(rows[0]["ah_premium_pct"].is_null(), "{:?}", rows[0]);
    assert!(stderr.contains("CNYUSD=X") && stderr.contains("A/H premium"), "said why: {stderr}");
}

/// An A share's Tencent line: the previous close 100.00, limits ±10 % (110.00 / 90.00), and the
/// price, open, volume and time given.
fn a_share(code: &str, name: &str, price: &str, open: &str, volume: &str, time: &str) -> String {
    line(
        code,
        88,
        &[
            (0, "1"),
            (1, name),
            (2, &code[2..]),
            (3, price),
            (4, "100.00"),
            (5, open),
            (6, volume),
            (30, time),
            (31, "0.00"),
            (32, "0.00"),
            (47, "110.00"),
            (48, "90.00"),
        ],
    )
}

/// Tuesday 2026-11-24 11:00 in Shanghai.
const SHANGHAI_MORNING: &str = "2026-11-24T03:00:00Z";

/// Limits, a name at its limit up, one at its limit down and one suspended, from Tencent's
/// answer to `quotes --format json`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn limits_and_a_suspension_in_quotes_json() {
    let server = MockServer::start().await;
    let body = [
        a_share("sz002371", "北方华创", "110.00", "101.00", "5231", "20261124110003"),
        a_share("sh688012", "中微公司", "90.00", "99.00", "4100", "20261124110003"),
        a_share("sh688041", "海光信息", "100.00", "0.00", "0", "20261124110003"),
        a_share("sh688256", "寒武纪", "104.50", "101.00", "52311", "20261124110003"),
    ]
    .concat();
    Mock::given(path_regex("^/q="))
        .respond_with(ResponseTemplate::new(200).set_body_bytes(gbk(&body)))
        .mount(&server)
        .await;
    let home = tempfile::tempdir().unwrap();
    let toml = format!(
        "[provider]\ntencent_url = \"{uri}\"\nstream = false\nquotes = [\"tencent\"]\n\n[[groups]]\nname = \"A\"\n\
         symbols = [\"002371.SZ\", \"688012.SS\", \"688041.SS\", \"688256.SS\"]\n\n{FILINGS_OFF}",
        uri = server.uri()
    );
    let h = home.path().to_path_buf();
    let (code, rows, stderr) = tokio::task::spawn_blocking(move || {
        let cfg = h.join("c.toml");
        std::fs::write(&cfg, toml).unwrap();
        let o = common::chiptape_cmd(&h)
            .args([
                "--config",
                cfg.to_str().unwrap(),
                "--fake-now",
                SHANGHAI_MORNING,
                "quotes",
                "--format",
                "json",
            ])
            .output()
            .unwrap();
        let rows: Vec<Value> = serde_json::from_slice(&o.stdout).unwrap_or_default();
        (o.status.code(), rows, String::from_utf8_lossy(&o.stderr).into_owned())
    })
    .await
    .unwrap();
    assert_eq!(code, Some(0), "{stderr}");
    let row = |s: &str| rows.iter().find(|r| r["symbol"] == s).unwrap_or_else(|| panic!("{s}: {rows:?}"));
    let fields = |s: &str| {
        let r = row(s);
        (r["limit_up"].as_f64(), r["limit_down"].as_f64(), r["at_limit"].clone(), r["halted"].clone())
    };
    assert_eq!(fields("002371.SZ"), (Some(110.0), Some(90.0), json!("up"), json!(false)));
    assert_eq!(fields("688012.SS"), (Some(110.0), Some(90.0), json!("down"), json!(false)));
    assert_eq!(fields("688041.SS"), (Some(110.0), Some(90.0), Value::Null, json!(true)));
    assert_eq!(fields("688256.SS"), (Some(110.0), Some(90.0), Value::Null, json!(false)));
    assert!(row("688041.SS")["error"].is_null(), "halted is no error");
    assert_eq!(row("688256.SS")["pair"], Value::Null);
}

fn put(s: &mut chiptape::state::State, q: Quote) {
    let msg = crate::screen::quotes_msg(s, vec![(q.symbol.clone(), Ok(q))]);
    update(s, msg, common::t0());
}

fn a_quote(sym: &str, price: f64, up: f64, down: f64, halted: bool) -> Quote {
    Quote {
        symbol: Symbol::parse(sym).unwrap(),
        price: Some(price),
        change: Some(price - 100.0),
        change_pct: Some(price - 100.0),
        previous_close: Some(100.0),
        limit_up: Some(up),
        limit_down: Some(down),
        halted,
        time: Some(common::t0()),
        currency: Some("CNY".into()),
        ..Quote::default()
    }
}

/// The rows say `LIMIT ▲` / `LIMIT ▼` (`涨停` / `跌停` where the name is Chinese) and `halted`, in
/// words and arrows, not colour alone; the detail view gives the day's limits.
#[test]
fn rows_at_a_limit_say_so_in_words_and_halted_rows_say_halted() {
    let mut cfg = chiptape::config::builtin();
    cfg.groups = vec![chiptape::config::Group {
        name: "A".into(),
        symbols: ["002371.SZ", "688012.SS", "688041.SS", "688256.SS"]
            .iter()
            .map(|s| Symbol::parse(s).unwrap())
            .collect(),
    }];
    // Cambricon is named in Chinese here.
    cfg.symbols.entry(Symbol::parse("688256.SS").unwrap()).or_default().name = Some("寒武纪".into());
    let mut s = chiptape::state::State::new(cfg, false, common::t0());
    update(&mut s, chiptape::msg::Msg::Resize(120, 30), common::t0());
    put(&mut s, a_quote("002371.SZ", 110.0, 110.0, 90.0, false));
    put(&mut s, a_quote("688012.SS", 90.0, 110.0, 90.0, false));
    put(&mut s, a_quote("688041.SS", 100.0, 110.0, 90.0, true));
    put(&mut s, a_quote("688256.SS", 120.0, 120.0, 80.0, false));
    let screen = common::text(&common::draw(&s, 120, 30));
    let row = |sym: &str| screen.lines().find(|l| l.contains(sym)).unwrap().to_string();
    assert!(row("002371.SZ").contains("LIMIT ▲"), "{screen}");
    assert!(row("688012.SS").contains("LIMIT ▼"), "{screen}");
    assert!(row("688041.SS").contains("halted") && !row("688041.SS").contains("old"), "{screen}");
    assert!(row("688256.SS").contains("涨停"), "{screen}");
    assert!(!screen.lines().last().unwrap().contains("error"), "a halt raises no error");
    // Narrow (no Note column), the move's cell says it instead.
    update(&mut s, chiptape::msg::Msg::Resize(40, 12), common::t0());
    let narrow = common::text(&common::draw(&s, 40, 12));
    assert!(narrow.contains("LIMIT ▲") && narrow.contains("LIMIT ▼"), "{narrow}");
    // The detail view names the day's limits and that the price is at one.
    update(&mut s, chiptape::msg::Msg::Resize(120, 30), common::t0());
    s.open_detail(Symbol::parse("002371.SZ").unwrap());
    let detail = common::text(&common::draw(&s, 120, 30));
    assert!(detail.contains("Limits   ▲ 110.00 · ▼ 90.00 · at LIMIT ▲"), "{detail}");
    s.open_detail(Symbol::parse("688041.SS").unwrap());
    let detail = common::text(&common::draw(&s, 120, 30));
    assert!(detail.contains("halted (suspended)"), "{detail}");
}

/// The A/H column: the same premium on both rows of a pair (the state's figure against the
/// hand-worked one), empty on a row without one.
#[test]
fn the_ah_column_shows_the_premium_on_both_lines() {
    let mut cfg = chiptape::config::builtin();
    cfg.groups = vec![chiptape::config::Group {
        name: "Pair".into(),
        symbols: ["0981.HK", "688981.SS", "688256.SS"].iter().map(|s| Symbol::parse(s).unwrap()).collect(),
    }];
    let mut s = chiptape::state::State::new(cfg, false, common::t0());
    update(&mut s, chiptape::msg::Msg::Resize(200, 40), common::t0());
    let q = |sym: &str, price: f64, cur: &str| Quote {
        symbol: Symbol::parse(sym).unwrap(),
        price: Some(price),
        currency: Some(cur.into()),
        time: Some(common::t0()),
        ..Quote::default()
    };
    for x in [
        q("0981.HK", 60.0, "HKD"),
        q("688981.SS", 80.0, "CNY"),
        q("HKDUSD=X", 0.1285, "USD"),
        q("CNYUSD=X", 0.1397, "USD"),
    ] {
        put(&mut s, x);
    }
    let by_hand: f64 = (80.0 / (60.0 * (0.1285 / 0.1397)) - 1.0) * 100.0;
    let got = s.ah_premium(&Symbol::parse("0981.HK").unwrap()).unwrap();
    assert!((got - by_hand).abs() < 1e-9);
    let screen = common::text(&common::draw(&s, 200, 40));
    assert!(screen.contains("A/H"), "{screen}");
    let shown = chiptape::present::number::pct(by_hand);
    for sym in ["0981.HK", "688981.SS"] {
        let row = screen.lines().find(|l| l.contains(sym)).unwrap();
        assert!(row.contains(&shown), "{sym}: {row}");
    }
    let plan = s.plan(0);
    let asked: Vec<&Symbol> = plan.fast.iter().chain(&plan.slow).collect();
    assert!(asked.iter().any(|x| x.as_str() == "CNYUSD=X"), "the rates are asked for: {asked:?}");
}
