//! Tencent's quote source through the fault matrix of `faults`: the same misbehaving server (its
//! `/q=` answering GBK text written here), the same real app loop, real time and short deadlines
//! for the reasons given there. Nothing here touches the internet: every URL is 127.0.0.1.
//!
//! - every fault with Tencent the only quote source, for a US and a mainland symbol;
//! - bad answers of Tencent's own, for one symbol of a batch (the rest keep pricing);
//! - Yahoo failing with Tencent behind it: the row moves in the same refresh, and back after the rest.

use crate::common::sources;
use crate::faults::{
    App, Case, FAULTS, Fault, NOW, REFRESH_SECS, RETRY_BASE, Server, config, options, quotes_survive, row,
    status, wait_for,
};

use std::sync::{Arc, Mutex};
use std::time::Duration;

use chiptape::config::{Config, Group, Mainland, SourceName};
use chiptape::market::clock::{Clock, ShiftedClock};
use chiptape::market::{PriceSource, QuoteOutcome, Symbol};
use chiptape::providers::names::Learned;
use chiptape::providers::tencent::code_for;
use chiptape::providers::yahoo::{Yahoo, session::Store};
use chiptape::providers::{ProviderError, Providers, QuoteSource, quote_router};
use futures::future::BoxFuture;
use tokio::time::Instant;

fn gbk(text: &str) -> Vec<u8> {
    let (bytes, _, unmappable) = encoding_rs::GBK.encode(text);
    assert!(!unmappable, "the test text is GBK");
    bytes.into_owned()
}

/// The names Tencent gives the symbols here: (code, Chinese, English).
const NAMES: [(&str, &str, &str); 4] = [
    ("usNVDA", "英伟达", "NVIDIA Corp"),
    ("usAMD", "超威半导体", "Advanced Micro Devices"),
    ("sh688256", "寒武纪", ""),
    ("sz002371", "北方华创", ""),
];

/// The fields of `code`'s line at `price` (previous close 99), GBK each, in its market's layout
/// (the table in src/providers/tencent/quote.rs).
fn fields(code: &str, price: f64) -> Vec<Vec<u8>> {
    let (zh, en) = NAMES.iter().find(|n| n.0 == code).map_or(("测试", "Test"), |n| (n.1, n.2));
    let change = price - 99.0;
    let mut f: Vec<String>;
    if let Some(ticker) = code.strip_prefix("us") {
        f = vec!["0".into(); 72];
        f[0] = "200".into();
        f[2] = format!("{ticker}.OQ");
        f[30] = "2026-11-24 09:59:58".into();
        f[35] = "USD".into();
        f[46] = en.into();
        f[48] = "212.19".into();
        f[49] = "86.62".into();
    } else {
        f = vec!["0".into(); 88];
        f[0] = "1".into();
        f[2] = code[2..].into();
        f[30] = "20261124145958".into();
    }
    f[1] = zh.into();
    f[3] = format!("{price:.2}");
    f[4] = "99.00".into();
    f[5] = "99.50".into();
    f[6] = "10000".into();
    f[31] = format!("{change:.2}");
    f[32] = format!("{:.2}", change / 99.0 * 100.0);
    f[33] = format!("{:.2}", price + 1.0);
    f[34] = "98.00".into();
    f[45] = "1000".into();
    f.iter().map(|s| gbk(s)).collect()
}

fn line(code: &str, fields: &[Vec<u8>]) -> Vec<u8> {
    let mut out = format!("v_{code}=\"").into_bytes();
    out.extend(fields.join(&b'~'));
    out.extend(b"\";\n");
    out
}

/// Bad answers of Tencent's own, for one code of a batch.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Bad {
    /// A `~` line with fewer fields than its layout.
    FewerFields,
    /// A date where the price belongs.
    DateForPrice,
    /// One field more at the front: every field one place late.
    Shifted,
    /// The name's GBK broken: a lead byte before an escape sequence, and a character cut in two
    /// right before the `~` (which is a valid GBK trail byte).
    BrokenGbk,
    /// `v_pv_none_match="1";` in the code's place.
    NoneMatch,
    /// No line for the code at all.
    Omitted,
}

/// Tencent's answer to `codes` at `price`, `bad` spoiling one code's line.
pub(crate) fn answer(codes: &str, price: f64, bad: Option<(&str, Bad)>) -> Vec<u8> {
    let mut out = Vec::new();
    for code in codes.split(',') {
        let mut f = fields(code, price);
        match bad.filter(|(victim, _)| *victim == code).map(|(_, b)| b) {
            None => {}
            Some(Bad::FewerFields) => f.truncate(20),
            Some(Bad::DateForPrice) => f[3] = f[30].clone(),
            Some(Bad::Shifted) => f.insert(1, b"GP-A".to_vec()),
            Some(Bad::BrokenGbk) => {
                let mut name = gbk("寒");
                name.extend([0xce, 0x1b]);
                name.extend(b"[31m");
                name.extend(gbk("武"));
                // The first byte of 纪 (BC CD), then the `~`.
                name.push(0xbc);
                f[1] = name;
            }
            Some(Bad::NoneMatch) => {
                out.extend(b"v_pv_none_match=\"1\";\n");
                continue;
            }
            Some(Bad::Omitted) => continue,
        }
        out.extend(line(code, &f));
    }
    out
}

/// What the loop was given: each quote fetch's answer, and when it was asked.
type Calls = Arc<Mutex<Vec<(Instant, Result<Vec<(Symbol, QuoteOutcome)>, ProviderError>)>>>;

/// The app's quote source, recording each answer it hands the loop.
struct Tap {
    inner: Arc<dyn QuoteSource>,
    calls: Calls,
}

impl QuoteSource for Tap {
    fn quotes<'a>(
        &'a self,
        symbols: &'a [Symbol],
    ) -> BoxFuture<'a, Result<Vec<(Symbol, QuoteOutcome)>, ProviderError>> {
        Box::pin(async move {
            let at = Instant::now();
            let r = self.inner.quotes(symbols).await;
            self.calls.lock().unwrap().push((at, r.clone()));
            r
        })
    }
    fn label(&self) -> String {
        self.inner.label()
    }
    fn note(&self) -> Option<String> {
        self.inner.note()
    }
    fn supports(&self, sym: &Symbol) -> bool {
        self.inner.supports(sym)
    }
    fn max_batch(&self) -> usize {
        self.inner.max_batch()
    }
}

/// `sym`'s outcome in the last answer.
fn last(calls: &Calls, sym: &str) -> QuoteOutcome {
    let calls = calls.lock().unwrap();
    calls
        .iter()
        .rev()
        .filter_map(|(_, r)| r.as_ref().ok())
        .find_map(|results| results.iter().find(|(s, _)| s.as_str() == sym).map(|(_, o)| o.clone()))
        .unwrap_or_else(|| panic!("no answer for {sym}"))
}

/// `config`'s server for everything, a group of `symbols` named by the answers (not the built-in
/// table), quotes from `quotes` with Tencent first for the mainland.
fn tencent_config(server: &Server, symbols: &[&str], quotes: Vec<SourceName>) -> Config {
    let mut cfg = config(server);
    cfg.groups = vec![Group {
        name: "Mix".into(),
        symbols: symbols.iter().map(|s| Symbol::parse(s).unwrap()).collect(),
    }];
    cfg.symbols.clear();
    cfg.closed_refresh_secs = REFRESH_SECS;
    cfg.provider.quotes = quotes;
    cfg.provider.mainland = Mainland::Tencent;
    cfg
}

/// The app's own router over `cfg`'s quote sources (`yahoo` standing for Yahoo), tapped.
fn tencent_providers(cfg: &Config, clock: Arc<dyn Clock>, yahoo: Arc<dyn QuoteSource>) -> (Providers, Calls) {
    let router =
        quote_router(&cfg.provider, &options(), yahoo, clock, cfg.calendar.clone(), Learned::default());
    let calls = Calls::default();
    let tap = Arc::new(Tap { inner: router, calls: calls.clone() });
    let p = sources::providers()
        .quotes(tap)
        .charts(Arc::new(sources::Empty))
        .news(Arc::new(sources::Empty))
        .retry_base(RETRY_BASE)
        .build();
    (p, calls)
}

fn clock() -> Arc<dyn Clock> {
    Arc::new(ShiftedClock::starting_at(NOW.parse().unwrap()))
}

/// Tencent the only quote source, for NVDA (`usNVDA`) and Cambricon (`sh688256`).
const TENCENT: Case = Case {
    symbols: &["NVDA", "688256.SS"],
    source: "quotes Tencent",
    build: |server, clock| {
        server.tencent(Arc::new(|codes, price| answer(codes, price, None)));
        let cfg = tencent_config(server, &["NVDA", "688256.SS"], vec![SourceName::Tencent]);
        let (p, _) = tencent_providers(&cfg, clock, Arc::new(sources::Down::default()));
        (cfg, p)
    },
};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tencent_alone_keeps_the_last_prices_through_every_fault_names_it_and_recovers() {
    let runs = FAULTS
        .into_iter()
        .chain([Fault::Refused, Fault::WrongType])
        .map(|f| tokio::spawn(quotes_survive(f, &TENCENT)));
    for r in futures::future::join_all(runs).await {
        r.unwrap();
    }
}

const BATCH: [&str; 4] = ["NVDA", "AMD", "688256.SS", "002371.SZ"];

/// One bad line in a batch through the whole app: the other rows move on, the victim keeps its
/// last price and its reason, and all recover once the answer is whole again.
async fn one_bad_line(bad: Bad, victim: &'static str, why: &'static str) {
    let server = Server::start().await;
    let spoil: Arc<Mutex<Option<Bad>>> = Arc::default();
    let code = code_for(&Symbol::parse(victim).unwrap()).unwrap();
    let s = spoil.clone();
    server.tencent(Arc::new(move |codes, price| {
        let bad = *s.lock().unwrap();
        answer(codes, price, bad.map(|b| (code.as_str(), b)))
    }));
    let clock = clock();
    let cfg = tencent_config(&server, &BATCH, vec![SourceName::Tencent]);
    let yahoo = sources::Down::default();
    let (providers, calls) = tencent_providers(&cfg, clock.clone(), Arc::new(yahoo.clone()));
    let app = App::start(cfg, providers, clock);
    let name = format!("{bad:?} for {victim}");
    let priced = |s: &str, syms: &[&str], price: &str| syms.iter().all(|sym| row(s, sym).contains(price));
    wait_for(&format!("{name}: the first prices"), &app.backend, Duration::from_secs(10), |s| {
        priced(s, &BATCH, "100.00")
    })
    .await;

    *spoil.lock().unwrap() = Some(bad);
    server.set(Fault::Healthy, 110.0).await;
    let others: Vec<&str> = BATCH.into_iter().filter(|s| *s != victim).collect();
    if bad == Bad::BrokenGbk {
        // Broken text in a name is no reason to lose the price: read in place, shown clean.
        wait_for(&format!("{name}: every row moved on"), &app.backend, Duration::from_secs(10), |s| {
            priced(s, &BATCH, "110.00")
        })
        .await;
        let q = last(&calls, victim).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(
            (q.price, q.previous_close, q.change, q.day_high, q.currency.as_deref()),
            (Some(110.0), Some(99.0), Some(11.0), Some(111.0), Some("CNY")),
            "{name}: the fields where they belong"
        );
        assert_eq!(q.time, Some("2026-11-24T06:59:58Z".parse().unwrap()), "{name}");
        let zh = q.name_zh.clone().unwrap_or_default();
        assert!(zh.starts_with('寒') && zh.contains('武'), "{name}: {zh:?}");
        let r = row(&app.backend.screen(), victim);
        assert!(r.contains('寒'), "{name}: the name on screen: {r}");
        for text in [zh.as_str(), r.as_str()] {
            assert!(
                !text.chars().any(|c| c.is_control() || c == char::REPLACEMENT_CHARACTER),
                "{name}: {text:?}"
            );
        }
    } else {
        wait_for(
            &format!("{name}: the others moved on, {victim} kept"),
            &app.backend,
            Duration::from_secs(10),
            |s| {
                let v = row(s, victim);
                priced(s, &others, "110.00") && v.contains("100.00") && v.contains("error")
            },
        )
        .await;
        let e = last(&calls, victim).expect_err(&name).to_string();
        assert!(e.contains(why), "{name}: {e}");
        // The batch answered: no error for the source as a whole.
        let st = status(&app.backend.screen());
        assert!(st.contains("quotes Tencent") && !st.contains("retrying"), "{name}: {st}");
    }

    *spoil.lock().unwrap() = None;
    server.set(Fault::Healthy, 120.0).await;
    wait_for(&format!("{name}: recovered on its own"), &app.backend, Duration::from_secs(10), |s| {
        priced(s, &BATCH, "120.00") && !BATCH.iter().any(|sym| row(s, sym).contains("error"))
    })
    .await;
    assert!(yahoo.times().is_empty(), "{name}: Yahoo is not in the list, and not asked");
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bad_line_for_one_code_fails_that_symbol_alone_and_recovers() {
    let cases = [
        (Bad::FewerFields, "AMD", "has 20 fields"),
        (Bad::DateForPrice, "NVDA", "price for NVDA is not a number"),
        (Bad::Shifted, "002371.SZ", "not in the layout"),
        (Bad::BrokenGbk, "688256.SS", ""),
        (Bad::NoneMatch, "AMD", "Tencent has no AMD (usAMD)"),
        (Bad::Omitted, "688256.SS", "Tencent did not answer for sh688256"),
    ];
    let runs = cases.into_iter().map(|(bad, victim, why)| tokio::spawn(one_bad_line(bad, victim, why)));
    for r in futures::future::join_all(runs).await {
        r.unwrap();
    }
}

/// `quotes = ["yahoo", "tencent"]`, Yahoo's stand-in failing with `fault`: NVDA moves to Tencent in
/// the same refresh (never a fetch without its price) and the status line says why.
async fn yahoo_fails_tencent_stands_in(fault: Fault) {
    const REST_SECS: u64 = 2;
    let yahoo_server = Server::start().await;
    let tencent_server = Server::start().await;
    tencent_server.tencent(Arc::new(|codes, price| answer(codes, price, None)));
    tencent_server.set(Fault::Healthy, 200.0).await;
    let clock = clock();
    let mut cfg = tencent_config(&yahoo_server, &["NVDA"], vec![SourceName::Yahoo, SourceName::Tencent]);
    cfg.provider.tencent_url = tencent_server.url();
    cfg.provider.tencent_series_url = tencent_server.url();
    cfg.provider.fallback_secs = REST_SECS;
    let yahoo = Arc::new(Yahoo::new(&cfg.provider, options(), Store::at(None), clock.clone()).unwrap());
    let (providers, calls) = tencent_providers(&cfg, clock.clone(), yahoo);
    let app = App::start(cfg, providers, clock);
    let name = format!("Yahoo {fault:?}");
    let source =
        |calls: &Calls| last(calls, "NVDA").map(|q| q.source).unwrap_or_else(|e| panic!("{name}: {e}"));
    wait_for(&format!("{name}: Yahoo's price"), &app.backend, Duration::from_secs(10), |s| {
        row(s, "NVDA").contains("100.00")
    })
    .await;
    assert_eq!(source(&calls), PriceSource::Yahoo, "{name}");

    yahoo_server.set(fault, 100.0).await;
    let (failed_at, before) = (Instant::now(), yahoo_server.quote_requests());
    let why = if fault == Fault::Status(429) { "rate limited" } else { "HTTP 500" };
    let note = format!("Yahoo {why} — Tencent serving 1");
    wait_for(&format!("{name}: Tencent's price, said so"), &app.backend, Duration::from_secs(10), |s| {
        row(s, "NVDA").contains("200.00") && status(s).contains(&note)
    })
    .await;
    assert_eq!(source(&calls), PriceSource::Tencent, "{name}");

    yahoo_server.set(Fault::Healthy, 150.0).await;
    if fault == Fault::Status(429) {
        // Past the router's rest, Yahoo's own gate still holds after a 429 (30 s at least): it is
        // asked nothing, and Tencent keeps the row moving.
        let asked = yahoo_server.quote_requests();
        let limited_at = Instant::now();
        tencent_server.set(Fault::Healthy, 210.0).await;
        let past_rest = limited_at + Duration::from_millis(REST_SECS * 1000 + 500);
        wait_for(&format!("{name}: a fetch past the rest"), &app.backend, Duration::from_secs(10), |s| {
            let late = calls.lock().unwrap().iter().any(|(at, _)| *at > past_rest);
            late && row(s, "NVDA").contains("210.00")
        })
        .await;
        assert_eq!(yahoo_server.quote_requests(), asked, "{name}: Yahoo asked during its rate limit");
        assert!(status(&app.backend.screen()).contains(&note), "{name}");
        assert_eq!(source(&calls), PriceSource::Tencent, "{name}");
    } else {
        // After the rest Yahoo is asked again, and the row and the status line are Yahoo's again.
        wait_for(&format!("{name}: back to Yahoo"), &app.backend, Duration::from_secs(10), |s| {
            row(s, "NVDA").contains("150.00") && !status(s).contains("serving")
        })
        .await;
        assert_eq!(source(&calls), PriceSource::Yahoo, "{name}");
        // Yahoo rests between tries: one request each rest (and its jitter), not one a refresh.
        let during = (yahoo_server.quote_requests() - before) as f64;
        let rests = failed_at.elapsed().as_secs_f64() / REST_SECS as f64;
        assert!(during <= rests + 2.0, "{name}: {during} Yahoo requests in {rests:.1} rests");
    }
    // Not one fetch left NVDA without a price: the failover is within the fetch.
    for (_, r) in calls.lock().unwrap().iter() {
        let results = r.as_ref().unwrap_or_else(|e| panic!("{name}: a fetch failed: {e}"));
        assert!(results.iter().all(|(_, o)| o.is_ok()), "{name}: {results:?}");
    }
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn yahoo_failing_hands_the_row_to_tencent_in_the_same_refresh_and_takes_it_back_after_the_rest() {
    let runs =
        [Fault::Status(500), Fault::Status(429)].map(|f| tokio::spawn(yahoo_fails_tencent_stands_in(f)));
    for r in futures::future::join_all(runs).await {
        r.unwrap();
    }
}
