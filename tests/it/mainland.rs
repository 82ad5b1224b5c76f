//! Shanghai and Shenzhen from Tencent (a local stand-in on 127.0.0.1 serving GBK answers written in tencent.rs and
//! here), the rest from Yahoo (a recording fake), and the 10-minute fallback to Yahoo when Tencent
//! fails in any way. Nothing here touches the internet.

use crate::common::sources;
use crate::tencent::{cambricon, gbk};

use std::sync::{Arc, Mutex};
use std::time::Duration;

use chiptape::config::ProviderConfig;
use chiptape::market::calendar::Calendar;
use chiptape::market::clock::Clock;
use chiptape::market::{PriceSource, Quote, QuoteOutcome, Symbol};
use chiptape::msg::{DataKind, Msg, Plan};
use chiptape::providers::http::HttpOptions;
use chiptape::providers::names::Learned;
use chiptape::providers::{ProviderError, QuoteSource};
use chrono::{DateTime, Utc};
use futures::future::BoxFuture;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// Tuesday 11:00 in Shanghai: both mainland exchanges trade.
const NOW: &str = "2026-11-24T03:00:05Z";

fn sym(s: &str) -> Symbol {
    Symbol::parse(s).unwrap()
}

/// A clock the test moves by hand.
struct Manual(Mutex<DateTime<Utc>>);

impl Manual {
    fn advance(&self, by: chrono::Duration) {
        let mut t = self.0.lock().unwrap();
        *t += by;
    }
}

impl Clock for Manual {
    fn now(&self) -> DateTime<Utc> {
        *self.0.lock().unwrap()
    }
}

/// Yahoo as the router sees it: answers every symbol with a delayed quote, and records what it was
/// asked.
#[derive(Default)]
struct FakeYahoo {
    asked: Mutex<Vec<Vec<Symbol>>>,
}

impl QuoteSource for FakeYahoo {
    fn quotes<'a>(
        &'a self,
        symbols: &'a [Symbol],
    ) -> BoxFuture<'a, Result<Vec<(Symbol, QuoteOutcome)>, ProviderError>> {
        self.asked.lock().unwrap().push(symbols.to_vec());
        Box::pin(async move {
            Ok(symbols
                .iter()
                .map(|s| {
                    let q = Quote {
                        symbol: s.clone(),
                        price: Some(1.0),
                        delay_min: if s.as_str().contains('.') { 15 } else { 0 },
                        source: PriceSource::Yahoo,
                        ..Quote::default()
                    };
                    (s.clone(), Ok(q))
                })
                .collect())
        })
    }

    fn label(&self) -> String {
        "Yahoo".to_string()
    }
}

/// One A-share line (88 fields) with our numbers in the fields we read.
fn line(code: &str, name: &str, fields: &[(usize, &str)]) -> String {
    let head = [(0, "1"), (1, name), (2, &code[2..])];
    let all: Vec<(usize, &str)> = head.into_iter().chain(fields.iter().copied()).collect();
    crate::tencent::line(code, 88, &all)
}

fn naura() -> String {
    line("sz002371", "北方华创", &[(3, "498.83"), (4, "497.62"), (6, "1200"), (30, "20261124110001")])
}

struct Setup {
    server: MockServer,
    clock: Arc<Manual>,
    yahoo: Arc<FakeYahoo>,
    learned: Learned,
    router: Arc<dyn QuoteSource>,
}

async fn setup() -> Setup {
    setup_with(HttpOptions::default()).await
}

async fn setup_with(opts: HttpOptions) -> Setup {
    let server = MockServer::start().await;
    let clock = Arc::new(Manual(Mutex::new(NOW.parse().unwrap())));
    let yahoo = Arc::new(FakeYahoo::default());
    let learned = Learned::default();
    let p = ProviderConfig { tencent_url: server.uri(), ..chiptape::config::builtin().provider };
    let router = chiptape::providers::quote_router(
        &p,
        &opts,
        yahoo.clone(),
        clock.clone(),
        Calendar::default(),
        learned.clone(),
    );
    Setup { server, clock, yahoo, learned, router }
}

fn answer(body: Vec<u8>) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_raw(body, "text/html; charset=GBK")
}

fn quote(results: &[(Symbol, QuoteOutcome)], s: &str) -> Quote {
    let (_, o) = results.iter().find(|(x, _)| x.as_str() == s).unwrap_or_else(|| panic!("no {s}"));
    o.clone().unwrap_or_else(|e| panic!("{s}: {e}"))
}

#[tokio::test]
async fn mainland_from_tencent_the_rest_from_yahoo_in_request_order() {
    let t = setup().await;
    Mock::given(method("GET"))
        .and(path("/q=sh688256,sz002371"))
        .respond_with(answer(gbk(&format!("{}{}", cambricon(), naura()))))
        .expect(1)
        .mount(&t.server)
        .await;
    let asked = [sym("NVDA"), sym("688256.SS"), sym("0981.HK"), sym("002371.SZ")];
    let got = t.router.quotes(&asked).await.unwrap();
    let order: Vec<&str> = got.iter().map(|(s, _)| s.as_str()).collect();
    assert_eq!(order, ["NVDA", "688256.SS", "0981.HK", "002371.SZ"]);
    let c = quote(&got, "688256.SS");
    assert_eq!((c.source, c.delay_min), (PriceSource::Tencent, 0), "real time");
    assert_eq!(c.name.as_deref(), Some("寒武纪"));
    assert_eq!((c.price, c.previous_close, c.open), (Some(1279.81), Some(1272.59), Some(1275.0)));
    assert_eq!(
        (c.change, c.change_pct, c.day_high, c.day_low),
        (Some(7.22), Some(0.57), Some(1290.0), Some(1265.5))
    );
    assert_eq!(c.volume, Some(5_231_100), "52,311 lots of 100 shares");
    assert_eq!(c.market_cap, Some(534_218_000_000.0), "in 100 million CNY");
    assert_eq!(c.time, Some("2026-11-24T03:00:03Z".parse().unwrap()), "11:00:03 in Shanghai");
    assert_eq!(quote(&got, "002371.SZ").volume, Some(120_000));
    // Hong Kong and New York stay on Yahoo; Tencent is asked only for the mainland.
    assert_eq!(*t.yahoo.asked.lock().unwrap(), vec![vec![sym("NVDA"), sym("0981.HK")]]);
    assert_eq!(quote(&got, "0981.HK").source, PriceSource::Yahoo);
    assert_eq!(t.router.note(), None, "no fallback in force");
    // The Chinese names tag headlines from now on.
    let names = t.learned.names();
    assert_eq!(names.get(&sym("688256.SS")).map(String::as_str), Some("寒武纪"));
    assert_eq!(names.get(&sym("002371.SZ")).map(String::as_str), Some("北方华创"));
}

#[tokio::test]
async fn sixty_codes_a_request() {
    let t = setup().await;
    let asked: Vec<Symbol> = (0..130).map(|i| sym(&format!("{:06}.SS", 600_000 + i))).collect();
    let body = |range: std::ops::Range<usize>| {
        let text: String =
            range.map(|i| line(&format!("sh{:06}", 600_000 + i), "测试", &[(3, "10.00")])).collect();
        gbk(&text)
    };
    for (from, to) in [(0, 60), (60, 120), (120, 130)] {
        let codes: Vec<String> = (from..to).map(|i| format!("sh{:06}", 600_000 + i)).collect();
        Mock::given(path(format!("/q={}", codes.join(","))))
            .respond_with(answer(body(from..to)))
            .expect(1)
            .mount(&t.server)
            .await;
    }
    let got = t.router.quotes(&asked).await.unwrap();
    assert_eq!(got.len(), 130);
    assert!(got.iter().all(|(_, o)| o.as_ref().is_ok_and(|q| q.source == PriceSource::Tencent)));
    assert!(t.yahoo.asked.lock().unwrap().is_empty());
}

#[tokio::test]
async fn an_unknown_code_goes_to_yahoo_alone_and_says_so() {
    let t = setup().await;
    Mock::given(path("/q=sh688256,sh688795"))
        .respond_with(answer(gbk(&format!("{}v_pv_none_match=\"1\";\n", cambricon()))))
        .mount(&t.server)
        .await;
    let got = t.router.quotes(&[sym("688256.SS"), sym("688795.SS")]).await.unwrap();
    assert_eq!(quote(&got, "688256.SS").source, PriceSource::Tencent);
    let m = quote(&got, "688795.SS");
    assert_eq!((m.source, m.delay_min), (PriceSource::Yahoo, 15));
    assert_eq!(t.router.note().as_deref(), Some("Tencent has no 688795.SS — Yahoo serving 1"));
}

/// Each way Tencent can fail: the mainland symbols come from Yahoo for 10 minutes (Tencent is not
/// asked meanwhile), the note says so, and then Tencent is tried again.
#[tokio::test]
async fn every_failure_falls_back_to_yahoo_for_ten_minutes_then_tencent_again() {
    let short = "v_sh688256=\"1~寒武纪~688256~1279.81~1272.59\";\n".to_string();
    let failures: Vec<(&str, ResponseTemplate)> = vec![
        ("empty", answer(Vec::new())),
        ("403", ResponseTemplate::new(403).set_body_string("Forbidden")),
        ("500", ResponseTemplate::new(500)),
        ("garbage", answer(vec![0xff, 0xfe, 0x00, 0x81, b'<', b'h'])),
        ("html", answer(b"<html><body>login</body></html>".to_vec())),
        ("unknown", answer(gbk("v_pv_none_match=\"1\";\n"))),
        ("fewer fields", answer(gbk(&short))),
        ("timeout", answer(gbk(&cambricon())).set_delay(Duration::from_secs(5))),
    ];
    for (what, failure) in failures {
        let t =
            setup_with(HttpOptions { timeout: Duration::from_millis(500), ..HttpOptions::default() }).await;
        let asked = [sym("688256.SS"), sym("NVDA")];
        Mock::given(path("/q=sh688256")).respond_with(failure).mount(&t.server).await;
        let got = t.router.quotes(&asked).await.unwrap();
        assert_eq!(quote(&got, "688256.SS").source, PriceSource::Yahoo, "{what}");
        let note = t.router.note().unwrap_or_else(|| panic!("{what}: no note"));
        assert!(note.starts_with("Tencent ") && note.ends_with(" — Yahoo serving 1"), "{what}: {note}");
        let before = t.server.received_requests().await.unwrap_or_default().len();
        // 9 minutes on: still Yahoo, and Tencent is not asked.
        t.clock.advance(chrono::Duration::minutes(9));
        let got = t.router.quotes(&asked).await.unwrap();
        assert_eq!(quote(&got, "688256.SS").source, PriceSource::Yahoo, "{what}");
        assert_eq!(
            t.server.received_requests().await.unwrap_or_default().len(),
            before,
            "{what}: Tencent rests during the fallback"
        );
        // Past 10 minutes (and the minute of jitter at most) Tencent answers again, and the note goes.
        t.server.reset().await;
        Mock::given(path("/q=sh688256")).respond_with(answer(gbk(&cambricon()))).mount(&t.server).await;
        t.clock.advance(chrono::Duration::minutes(2));
        let got = t.router.quotes(&asked).await.unwrap();
        assert_eq!(quote(&got, "688256.SS").source, PriceSource::Tencent, "{what}");
        assert_eq!(t.router.note(), None, "{what}");
    }
}

#[tokio::test]
async fn an_unreachable_tencent_is_named_as_such() {
    let t = setup().await;
    Mock::given(path("/q=sh688256,sz002371")).respond_with(ResponseTemplate::new(403)).mount(&t.server).await;
    let got = t.router.quotes(&[sym("688256.SS"), sym("002371.SZ")]).await.unwrap();
    assert!(got.iter().all(|(_, o)| o.as_ref().is_ok_and(|q| q.source == PriceSource::Yahoo)));
    assert_eq!(t.router.note().as_deref(), Some("Tencent refused (HTTP 403) — Yahoo serving 2"));
}

/// The refresh task carries the router's note to the loop with the quotes (the status bar draws it:
/// tests/it/screen.rs `a_fallback_in_force_is_named_in_the_status_bar`).
#[tokio::test]
async fn the_note_reaches_the_loop_with_the_quotes() {
    let t = setup().await;
    Mock::given(path("/q=sh688256")).respond_with(ResponseTemplate::new(403)).mount(&t.server).await;
    let router: Arc<dyn QuoteSource> = t.router;
    let demo = chiptape::providers::build(&chiptape::config::builtin(), true, 1, t.clock.clone());
    let providers = sources::from(demo).quotes(router).build();
    let plan = Plan {
        generation: 1,
        fast: vec![sym("688256.SS")],
        refresh_secs: 15,
        closed_refresh_secs: 300,
        news_refresh_secs: 3600,
        ..Plan::default()
    };
    let (_plan_tx, plan_rx) = tokio::sync::watch::channel(plan);
    let (tx, mut rx) = tokio::sync::mpsc::channel(8);
    let task = tokio::spawn(chiptape::refresh::run(providers, t.clock.clone(), plan_rx, tx));
    loop {
        match rx.recv().await {
            Some(Msg::Data(d)) => {
                if let DataKind::Quotes { note, .. } = d.kind {
                    assert_eq!(note.as_deref(), Some("Tencent refused (HTTP 403) — Yahoo serving 1"));
                    break;
                }
            }
            other => assert!(other.is_some(), "the refresh task ended"),
        }
    }
    task.abort();
}
