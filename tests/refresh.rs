//! The refresh task's schedule, on tokio's virtual clock: what is fetched when.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use chiptape::clock::ShiftedClock;
use chiptape::market::series::{ChartRange, Series};
use chiptape::market::{Quote, QuoteOutcome, Symbol};
use chiptape::msg::Msg;
use chiptape::providers::{ChartSource, NewsBatch, NewsSource, ProviderError, Providers, QuoteSource};
use chiptape::refresh::{Plan, run};
use futures::future::BoxFuture;
use tokio::sync::{mpsc, watch};
use tokio::time::Instant;

/// When each quote request was made, on the virtual clock.
type Log = Arc<Mutex<Vec<Instant>>>;

struct Recorder(Log);

impl QuoteSource for Recorder {
    fn quotes<'a>(
        &'a self,
        symbols: &'a [Symbol],
    ) -> BoxFuture<'a, Result<Vec<(Symbol, QuoteOutcome)>, ProviderError>> {
        self.0.lock().unwrap().push(Instant::now());
        Box::pin(async move {
            Ok(symbols
                .iter()
                .map(|s| (s.clone(), Ok(Quote { symbol: s.clone(), ..Quote::default() })))
                .collect())
        })
    }
    fn label(&self) -> String {
        "rec".into()
    }
}

/// A feed server that never answers.
struct Stalled;

impl NewsSource for Stalled {
    fn headlines<'a>(&'a self, _: &'a [Symbol]) -> BoxFuture<'a, NewsBatch> {
        Box::pin(futures::future::pending())
    }
}

impl ChartSource for Stalled {
    fn series<'a>(&'a self, _: &'a Symbol, _: ChartRange) -> BoxFuture<'a, Result<Series, ProviderError>> {
        Box::pin(futures::future::pending())
    }
}

fn plan(fast: &[&str]) -> Plan {
    Plan {
        generation: 1,
        fast: fast.iter().map(|s| Symbol::parse(s).unwrap()).collect(),
        slow: vec![],
        refresh_secs: 15,
        closed_refresh_secs: 300,
        news_refresh_secs: 300,
        paused: false,
        refresh_seq: 0,
    }
}

/// Starts the task at `at` and returns the request log after `run_for` of virtual time.
async fn requests(at: &str, fast: &[&str], run_for: Duration) -> Vec<Duration> {
    let log = Arc::new(Mutex::new(Vec::new()));
    let providers = Providers {
        quotes: Arc::new(Recorder(log.clone())),
        news: Arc::new(Stalled),
        charts: Arc::new(Stalled),
        demo: false,
    };
    let clock = Arc::new(ShiftedClock::starting_at(at.parse().unwrap()));
    let (_plan_tx, plan_rx) = watch::channel(plan(fast));
    let (tx, mut rx) = mpsc::channel::<Msg>(64);
    let start = Instant::now();
    let task = tokio::spawn(run(providers, clock, plan_rx, tx));
    let drain = tokio::spawn(async move { while rx.recv().await.is_some() {} });
    tokio::time::sleep(run_for).await;
    task.abort();
    drain.abort();
    let log = log.lock().unwrap();
    log.iter().map(|t| t.duration_since(start)).collect()
}

/// Hong Kong opens at 09:30 (01:30 UTC): a fetch at 09:29 must not leave the next one for 5 minutes.
#[tokio::test(start_paused = true)]
async fn a_market_opening_is_fetched_as_it_opens() {
    let times = requests("2026-11-24T01:29:00Z", &["0981.HK"], Duration::from_secs(120)).await;
    assert_eq!(times[0], Duration::ZERO);
    let second = times[1];
    assert!(second >= Duration::from_secs(60) && second <= Duration::from_secs(62), "{times:?}");
    // Then the open market's fast rate: every 15 s.
    assert_eq!(times[2] - times[1], Duration::from_secs(15), "{times:?}");
}

/// The lunch break ends at 13:00: fetched then, not five minutes later.
#[tokio::test(start_paused = true)]
async fn the_end_of_lunch_is_fetched_at_once() {
    let times = requests("2026-11-24T04:58:00Z", &["0981.HK"], Duration::from_secs(150)).await;
    assert!(times[1] >= Duration::from_secs(120) && times[1] <= Duration::from_secs(122), "{times:?}");
}

/// Headlines from a server that never answers must not hold up quotes.
#[tokio::test(start_paused = true)]
async fn a_stalled_feed_does_not_stop_quotes() {
    // New York open: quotes every 15 s, whatever the news source does.
    let times = requests("2026-11-24T15:00:00Z", &["NVDA"], Duration::from_secs(61)).await;
    assert!(times.len() >= 5, "{times:?}");
}
