//! One more row of the fault matrix: Yahoo's proxy refuses (its port closed) or hangs (accepts,
//! never answers). Yahoo's row keeps its last price while the status line names the failure;
//! Tencent, direct, keeps pricing its row, the feed keeps coming; all recover once the proxy is
//! back. The real app loop and real time with short deadlines, as in `faults`.

use crate::common;
use crate::faults::{
    App, DEADLINE, Fault, NOW, REFRESH_SECS, RETRY_BASE, Server, config, row, status, wait_for,
};
use crate::faults_tencent::answer;

use std::sync::Arc;
use std::time::Duration;

use chiptape::config::{Config, Group, Mainland, ProxySetting, ProxyUrl, SourceName};
use chiptape::market::Symbol;
use chiptape::market::clock::{Clock, ShiftedClock};
use chiptape::providers::feeds::Feeds;
use chiptape::providers::http::{Http, HttpOptions};
use chiptape::providers::names::Learned;
use chiptape::providers::yahoo::{Yahoo, session::Store};
use chiptape::providers::{NewsSource, Providers, QuoteSource, http_options, quote_router};

use common::proxy::{Kind, Mode, Proxy};

/// The app's client settings for a source under `setting`, with the matrix's short deadlines.
fn opts(cfg: &Config, setting: &ProxySetting) -> HttpOptions {
    HttpOptions { connect_timeout: Duration::from_secs(1), timeout: DEADLINE, ..http_options(cfg, setting) }
}

/// NVDA from Yahoo through `proxy`, Cambricon from Tencent direct, the feed direct; Yahoo's and
/// the feed's sources kept to be asked beside the app.
fn setup(
    server: &Server,
    proxy: &Proxy,
    clock: Arc<dyn Clock>,
) -> (Config, Providers, Arc<Yahoo>, Arc<Feeds>) {
    server.tencent(Arc::new(|codes, price| answer(codes, price, None)));
    let mut cfg = config(server);
    let symbols = ["NVDA", "688256.SS"].map(|s| Symbol::parse(s).unwrap()).to_vec();
    cfg.groups = vec![Group { name: "Mix".into(), symbols }];
    cfg.symbols.clear();
    cfg.closed_refresh_secs = REFRESH_SECS;
    (cfg.provider.quotes, cfg.provider.mainland) = (vec![SourceName::Yahoo], Mainland::Tencent);
    cfg.proxy.yahoo = ProxySetting::Url(ProxyUrl::parse(&proxy.url()).unwrap());
    (cfg.proxy.tencent, cfg.proxy.feeds) = (ProxySetting::Direct, ProxySetting::Direct);
    let yahoo = Arc::new(
        Yahoo::new(&cfg.provider, opts(&cfg, &cfg.proxy.yahoo), Store::at(None), clock.clone()).unwrap(),
    );
    let tencent = opts(&cfg, &cfg.proxy.tencent);
    let quotes =
        quote_router(&cfg.provider, &tencent, yahoo.clone(), clock, cfg.calendar.clone(), Learned::default());
    let feeds =
        Arc::new(Feeds::new(&cfg, Http::new(&opts(&cfg, &cfg.proxy.feeds)).unwrap(), Learned::default()));
    let p = common::sources::providers()
        .quotes(quotes)
        .charts(yahoo.clone())
        .news(feeds.clone())
        .retry_base(RETRY_BASE)
        .build();
    (cfg, p, yahoo, feeds)
}

async fn survives(mode: Mode) {
    let server = Server::start().await;
    let proxy = Proxy::start(Kind::Http).await;
    let clock: Arc<dyn Clock> = Arc::new(ShiftedClock::starting_at(NOW.parse().unwrap()));
    let (cfg, providers, yahoo, feeds) = setup(&server, &proxy, clock.clone());
    let app = App::start(cfg, providers, clock);
    let name = format!("proxy {mode:?}");
    let both = |s: &str, price: &str| row(s, "NVDA").contains(price) && row(s, "688256").contains(price);
    wait_for(&format!("{name}: the first prices"), &app.backend, Duration::from_secs(10), |s| {
        both(s, "100.00")
    })
    .await;
    assert!(proxy.seen().iter().any(|s| s.contains("/v7/finance/quote")), "{:?}", proxy.seen());

    proxy.set(mode).await;
    server.set(Fault::Healthy, 110.0).await;
    wait_for(
        &format!("{name}: Yahoo's row kept and its failure named, Tencent's moving on"),
        &app.backend,
        Duration::from_secs(20),
        |s| {
            let nvda = row(s, "NVDA");
            nvda.contains("100.00") && nvda.contains("error") && row(s, "688256").contains("110.00")
        },
    )
    .await;
    // What the row's error says: the proxy that is down, or the deadline it let pass.
    let nvda = [Symbol::parse("NVDA").unwrap()];
    let started = tokio::time::Instant::now();
    let e = yahoo.quotes(&nvda).await.expect_err("Yahoo is behind the proxy").to_string();
    assert!(started.elapsed() < DEADLINE + Duration::from_secs(1), "{name}: {:?}", started.elapsed());
    let want = match mode {
        Mode::Refuse => format!("cannot connect (through the proxy {})", proxy.url()),
        _ => "timed out".to_string(),
    };
    assert!(e.contains(&want), "{name}: {e}");
    let news = feeds.headlines(&[]).await;
    assert_eq!((news.headlines[0].title.as_str(), news.errors.len()), ("Headline at 110", 0), "{name}");

    proxy.set(Mode::Forward).await;
    wait_for(&format!("{name}: recovered on its own"), &app.backend, Duration::from_secs(25), |s| {
        both(s, "110.00") && !status(s).contains("retrying")
    })
    .await;
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_proxy_that_refuses_or_hangs_stops_its_source_alone() {
    let runs = [Mode::Refuse, Mode::Hang].map(|m| tokio::spawn(survives(m)));
    for r in futures::future::join_all(runs).await {
        r.unwrap();
    }
}
