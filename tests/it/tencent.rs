//! Tencent's quote client for every market it serves (US, Hong Kong, Shanghai/Shenzhen), against a
//! local stand-in on 127.0.0.1 that answers GBK text written here. Nothing here touches the
//! internet.

use std::sync::Arc;

use chiptape::market::calendar::Calendar;
use chiptape::market::clock::FixedClock;
use chiptape::market::{MarketState, PriceSource, Quote, QuoteError, QuoteOutcome, Symbol};
use chiptape::providers::QuoteSource;
use chiptape::providers::http::HttpOptions;
use chiptape::providers::names::Learned;
use chiptape::providers::router::{Entry, Router};
use chiptape::providers::tencent::Tencent;
use chrono::{DateTime, Utc};
use wiremock::matchers::{method, path, path_regex};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

/// Tuesday 11:00 in Shanghai and Hong Kong (both trading), 22:00 Monday in New York (closed).
const ASIA_MORNING: &str = "2026-11-24T03:00:05Z";
/// Tuesday 10:30 in New York (trading), 23:30 in Shanghai and Hong Kong (closed).
const NEW_YORK_MORNING: &str = "2026-11-24T15:30:05Z";

fn sym(s: &str) -> Symbol {
    Symbol::parse(s).unwrap()
}

pub(crate) fn gbk(text: &str) -> Vec<u8> {
    let (bytes, _, unmappable) = encoding_rs::GBK.encode(text);
    assert!(!unmappable, "the test text is GBK");
    bytes.into_owned()
}

fn answer(body: Vec<u8>) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_raw(body, "text/html; charset=GBK")
}

/// One `v_CODE="…";` line of `n` fields with our numbers in the given ones.
pub(crate) fn line(code: &str, n: usize, fields: &[(usize, &str)]) -> String {
    let mut f = vec!["0".to_string(); n];
    for (i, v) in fields {
        f[*i] = (*v).to_string();
    }
    format!("v_{code}=\"{}\";\n", f.join("~"))
}

/// NVIDIA as Tencent's US layout writes it (72 fields).
fn nvda() -> String {
    line(
        "usNVDA",
        72,
        &[
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
        ],
    )
}

/// SMIC in Hong Kong as Tencent's HK layout writes it (78 fields).
fn smic() -> String {
    line(
        "r_hk00981",
        78,
        &[
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
        ],
    )
}

/// Cambricon in Shanghai as Tencent's A-share layout writes it (88 fields).
pub(crate) fn cambricon() -> String {
    line(
        "sh688256",
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
    )
}

fn client(server: &MockServer, now: &str, learned: &Learned) -> Tencent {
    let clock = Arc::new(FixedClock(now.parse::<DateTime<Utc>>().unwrap()));
    Tencent::new(&server.uri(), &HttpOptions::default(), clock, Calendar::default(), learned.clone()).unwrap()
}

fn quote(results: &[(Symbol, QuoteOutcome)], s: &str) -> Quote {
    let (_, o) = results.iter().find(|(x, _)| x.as_str() == s).unwrap_or_else(|| panic!("no {s}"));
    o.clone().unwrap_or_else(|e| panic!("{s}: {e}"))
}

async fn mixed(now: &str) -> (Vec<(Symbol, QuoteOutcome)>, Learned) {
    let server = MockServer::start().await;
    // Tencent answers in its own order; ours is kept.
    Mock::given(method("GET"))
        .and(path("/q=usNVDA,r_hk00981,sh688256"))
        .respond_with(answer(gbk(&format!("{}{}{}", cambricon(), smic(), nvda()))))
        .expect(1)
        .mount(&server)
        .await;
    let learned = Learned::default();
    let tencent = client(&server, now, &learned);
    let got = tencent.quotes(&[sym("NVDA"), sym("0981.HK"), sym("688256.SS")]).await.unwrap();
    (got, learned)
}

#[tokio::test]
async fn a_us_hong_kong_and_mainland_batch_in_one_request() {
    let (got, learned) = mixed(ASIA_MORNING).await;
    let order: Vec<&str> = got.iter().map(|(s, _)| s.as_str()).collect();
    assert_eq!(order, ["NVDA", "0981.HK", "688256.SS"]);

    let n = quote(&got, "NVDA");
    assert_eq!((n.name.as_deref(), n.name_zh.as_deref()), (Some("NVIDIA Corp"), Some("英伟达")));
    assert_eq!((n.price, n.previous_close, n.open), (Some(181.2), Some(178.5), Some(179.1)));
    assert_eq!((n.change, n.change_pct), (Some(2.7), Some(1.51)));
    assert_eq!((n.day_low, n.day_high), (Some(178.9), Some(182.4)));
    assert_eq!(n.volume, Some(152_340_567), "shares");
    assert_eq!(n.market_cap, Some(4_412_350_000_000.0), "44,123.5 × 100 million USD");
    assert_eq!(n.currency.as_deref(), Some("USD"));
    assert_eq!(n.time, Some("2026-11-23T21:00:01Z".parse().unwrap()), "16:00:01 in New York");
    assert_eq!((n.market_state, n.delay_min, n.source), (MarketState::Closed, 0, PriceSource::Tencent));
    assert_eq!((n.exchange.as_deref(), n.extended_price), (Some("US"), None));

    let h = quote(&got, "0981.HK");
    assert_eq!((h.name.as_deref(), h.name_zh.as_deref()), (Some("SMIC"), Some("中芯国际")));
    assert_eq!((h.price, h.previous_close, h.open), (Some(72.5), Some(70.0), Some(70.8)));
    assert_eq!((h.change, h.change_pct), (Some(2.5), Some(3.57)));
    assert_eq!((h.day_low, h.day_high), (Some(70.5), Some(73.1)));
    assert_eq!(h.volume, Some(123_456_789), "shares");
    assert_eq!(h.market_cap, Some(578_012_000_000.0), "5,780.12 × 100 million HKD");
    assert_eq!(h.currency.as_deref(), Some("HKD"));
    assert_eq!(h.time, Some("2026-11-24T02:59:58Z".parse().unwrap()), "10:59:58 in Hong Kong");
    assert_eq!((h.market_state, h.delay_min, h.source), (MarketState::Regular, 15, PriceSource::Tencent));
    assert_eq!(h.exchange.as_deref(), Some("HKEX"));

    let c = quote(&got, "688256.SS");
    assert_eq!((c.name.as_deref(), c.name_zh.as_deref()), (Some("寒武纪"), Some("寒武纪")));
    assert_eq!((c.price, c.previous_close, c.open), (Some(1279.81), Some(1272.59), Some(1275.0)));
    assert_eq!((c.change, c.change_pct), (Some(7.22), Some(0.57)));
    assert_eq!((c.day_low, c.day_high), (Some(1265.5), Some(1290.0)));
    assert_eq!(c.volume, Some(5_231_100), "52,311 lots of 100");
    assert_eq!(c.market_cap, Some(534_218_000_000.0), "5,342.18 × 100 million CNY");
    assert_eq!(c.currency.as_deref(), Some("CNY"));
    assert_eq!((c.market_state, c.delay_min, c.source), (MarketState::Regular, 0, PriceSource::Tencent));
    assert_eq!(c.exchange.as_deref(), Some("SSE"));

    // The Chinese names tag headlines from now on, US and Hong Kong ones too.
    let names = learned.names();
    assert_eq!(names.get(&sym("NVDA")).map(String::as_str), Some("英伟达"));
    assert_eq!(names.get(&sym("0981.HK")).map(String::as_str), Some("中芯国际"));
    assert_eq!(names.get(&sym("688256.SS")).map(String::as_str), Some("寒武纪"));
}

#[tokio::test]
async fn each_market_state_follows_its_own_exchange() {
    let (got, _) = mixed(NEW_YORK_MORNING).await;
    assert_eq!(quote(&got, "NVDA").market_state, MarketState::Regular);
    assert_eq!(quote(&got, "0981.HK").market_state, MarketState::Closed);
    assert_eq!(quote(&got, "688256.SS").market_state, MarketState::Closed);
}

#[tokio::test]
async fn each_symbol_gets_its_own_outcome_in_a_faulty_answer() {
    let server = MockServer::start().await;
    // A date where the price should be.
    let date_for_price =
        line("r_hk09988", 78, &[(0, "100"), (1, "阿里巴巴"), (2, "09988"), (3, "2026/11/24 10:59:58")]);
    let body = format!("{}v_pv_none_match=\"1\";\n{date_for_price}", nvda());
    Mock::given(path("/q=usNVDA,usZZZZ,r_hk09988")).respond_with(answer(gbk(&body))).mount(&server).await;
    let tencent = client(&server, ASIA_MORNING, &Learned::default());
    let asked = [sym("NVDA"), sym("ZZZZ"), sym("9988.HK"), sym("^GSPC")];
    let got = tencent.quotes(&asked).await.unwrap();
    assert_eq!(quote(&got, "NVDA").price, Some(181.2));
    assert!(matches!(got[1].1, Err(QuoteError::Unknown(_))), "{:?}", got[1].1);
    assert!(matches!(got[2].1, Err(QuoteError::Transient(_))), "{:?}", got[2].1);
    assert!(matches!(got[3].1, Err(QuoteError::Unsupported(_))), "{:?}", got[3].1);
}

#[tokio::test]
async fn serves_every_market_it_quotes_and_nothing_else() {
    let server = MockServer::start().await;
    let tencent = client(&server, ASIA_MORNING, &Learned::default());
    for (s, served) in [
        ("688256.SS", true),
        ("002371.SZ", true),
        ("0981.HK", true),
        ("NVDA", true),
        ("BRK-B", true),
        ("^GSPC", false),
        ("EURUSD=X", false),
        ("GC=F", false),
        ("ASML.AS", false),
    ] {
        assert_eq!(tencent.supports(&sym(s)), served, "{s}");
    }
    assert_eq!(tencent.max_batch(), 60);
}

/// A stand-in Tencent that answers any list of codes with a line for each, in its own layout.
struct Echo;

impl Respond for Echo {
    fn respond(&self, req: &Request) -> ResponseTemplate {
        let codes = req.url.path().trim_start_matches("/q=").to_string();
        let body: String = codes
            .split(',')
            .map(|code| {
                if let Some(t) = code.strip_prefix("us") {
                    let venue = format!("{t}.N");
                    line(code, 72, &[(0, "200"), (1, "测试"), (2, &venue), (3, "10.00"), (46, "Test Inc")])
                } else if let Some(d) = code.strip_prefix("r_hk") {
                    line(code, 78, &[(0, "100"), (1, "测试"), (2, d), (3, "10.000"), (46, "TEST")])
                } else {
                    line(code, 88, &[(0, "1"), (1, "测试"), (2, &code[2..]), (3, "10.00")])
                }
            })
            .collect();
        answer(gbk(&body))
    }
}

#[tokio::test]
async fn sixty_one_codes_go_as_two_requests_of_at_most_sixty() {
    let server = MockServer::start().await;
    Mock::given(path_regex("^/q=")).respond_with(Echo).expect(2).mount(&server).await;
    let tencent = client(&server, ASIA_MORNING, &Learned::default());
    let clock = Arc::new(FixedClock(ASIA_MORNING.parse().unwrap()));
    let router =
        Router::new(vec![Entry { name: "Tencent".into(), source: Arc::new(tencent), only: None }], clock);
    let asked: Vec<Symbol> = (0..61)
        .map(|i| match i % 3 {
            0 => sym(&format!("TQ{i}")),
            1 => sym(&format!("{}.HK", 1000 + i)),
            _ => sym(&format!("{}.SS", 600_000 + i)),
        })
        .collect();
    let got = router.quotes(&asked).await.unwrap();
    assert_eq!(got.len(), 61);
    for (s, o) in &got {
        let q = o.as_ref().unwrap_or_else(|e| panic!("{s}: {e}"));
        assert_eq!((q.price, q.source), (Some(10.0), PriceSource::Tencent), "{s}");
    }
    let requests = server.received_requests().await.unwrap();
    let sizes: Vec<usize> =
        requests.iter().map(|r| r.url.path().trim_start_matches("/q=").split(',').count()).collect();
    assert_eq!(sizes.len(), 2, "{sizes:?}");
    assert!(sizes.iter().all(|n| *n <= 60), "{sizes:?}");
    assert_eq!(sizes.iter().sum::<usize>(), 61);
    let mut sent: Vec<String> = requests
        .iter()
        .flat_map(|r| {
            r.url.path().trim_start_matches("/q=").split(',').map(str::to_string).collect::<Vec<_>>()
        })
        .collect();
    sent.sort();
    sent.dedup();
    assert_eq!(sent.len(), 61, "each code once");
    assert!(sent.contains(&"usTQ0".to_string()) && sent.contains(&"r_hk01001".to_string()));
    assert!(sent.contains(&"sh600002".to_string()));
}

/// `quotes = ["tencent"]`: the CLI prints every field for US, Hong Kong and mainland symbols, and
/// Yahoo (its quote, cookie and crumb hosts, its streamer, its charts) is asked nothing at all.
#[tokio::test]
async fn quotes_json_from_tencent_alone_has_every_field_and_asks_yahoo_nothing() {
    let server = MockServer::start().await;
    let body = format!("{}{}{}", nvda(), smic(), cambricon());
    Mock::given(path_regex("^/q=")).respond_with(answer(gbk(&body))).mount(&server).await;
    // Anything else that arrives is a request Tencent-only should not send: counted below.
    Mock::given(wiremock::matchers::any())
        .respond_with(ResponseTemplate::new(404))
        .with_priority(10)
        .mount(&server)
        .await;
    let home = tempfile::TempDir::new().unwrap();
    let cfg = home.path().join("c.toml");
    std::fs::write(
        &cfg,
        format!(
            "[provider]\nquery_url = \"{uri}\"\ncookie_url = \"{uri}/cookie\"\nstream = true\n\
             stream_url = \"{ws}/stream\"\ntencent_url = \"{uri}\"\ntencent_series_url = \"{uri}\"\n\
             quotes = [\"tencent\"]\n\n[[groups]]\nname = \"Race\"\nsymbols = [\"NVDA\", \"0981.HK\", \"688256.SS\"]\n\n\
             [filings]\nsec = false\nfederal_register = false\nhkex = false\ncninfo = false\n\n[news]\nyahoo_symbols = false\nyahoo_rss_url = \"{uri}/rss\"\nfeeds = []\n",
            uri = server.uri(),
            ws = server.uri().replacen("http://", "ws://", 1)
        ),
    )
    .unwrap();
    let (h, c) = (home.path().to_path_buf(), cfg.clone());
    let out = tokio::task::spawn_blocking(move || {
        crate::common::chiptape_cmd(&h)
            .args([
                "--config",
                c.to_str().unwrap(),
                "--fake-now",
                NEW_YORK_MORNING,
                "quotes",
                "--format",
                "json",
            ])
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let rows: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(rows.len(), 3);
    for row in &rows {
        let s = row["symbol"].as_str().unwrap();
        for field in [
            "price",
            "previous_close",
            "change",
            "change_pct",
            "day_high",
            "day_low",
            "volume",
            "market_cap",
            "currency",
            "name",
            "name_zh",
            "market_state",
        ] {
            assert!(!row[field].is_null(), "{s}: {field} is null in {row}");
        }
        assert_eq!(row["source"], "tencent", "{s}");
        assert!(row["error"].is_null(), "{s}: {}", row["error"]);
    }
    let by = |s: &str| rows.iter().find(|r| r["symbol"] == s).unwrap();
    let (nvda, smic, cambricon) = (by("NVDA"), by("0981.HK"), by("688256.SS"));
    // The name is the catalogue's ("NVIDIA"), the Chinese one Tencent's.
    assert_eq!(nvda["name_zh"].as_str(), Some("英伟达"));
    assert_eq!((nvda["currency"].as_str(), nvda["market_state"].as_str()), (Some("USD"), Some("regular")));
    assert_eq!((nvda["price"].as_f64(), nvda["delay_min"].as_u64()), (Some(181.20), Some(0)));
    assert_eq!(nvda["market_cap"].as_f64(), Some(44123.5e8));
    assert_eq!((smic["currency"].as_str(), smic["market_state"].as_str()), (Some("HKD"), Some("closed")));
    assert_eq!(smic["name_zh"].as_str(), Some("中芯国际"));
    assert_eq!(
        (cambricon["currency"].as_str(), cambricon["volume"].as_u64()),
        (Some("CNY"), Some(5_231_100))
    );
    let asked: Vec<String> =
        server.received_requests().await.unwrap().iter().map(|r| r.url.path().to_string()).collect();
    assert!(!asked.is_empty() && asked.iter().all(|p| p.starts_with("/q=")), "{asked:?}");
}
