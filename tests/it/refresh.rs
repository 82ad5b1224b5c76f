//! The refresh task's schedule, on tokio's virtual clock: what is fetched when.

use crate::common::sources::{self, Down, Prices};

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use chiptape::market::Symbol;
use chiptape::market::calendar::Calendar;
use chiptape::market::clock::ShiftedClock;
use chiptape::msg::Msg;
use chiptape::msg::Plan;
use chiptape::providers::{NewsBatch, NewsSource};
use chiptape::refresh::{run, run_counted};
use futures::future::BoxFuture;
use tokio::sync::{mpsc, watch};
use tokio::time::Instant;

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
        calendar: Calendar::default(),
    }
}

/// Starts the task at `at` and returns the request log after `run_for` of virtual time.
async fn requests(at: &str, fast: &[&str], run_for: Duration) -> Vec<Duration> {
    // The news and chart sources never answer.
    let prices = Prices::default();
    let providers = sources::providers().quotes(Arc::new(prices.clone())).build();
    let clock = Arc::new(ShiftedClock::starting_at(at.parse().unwrap()));
    let (_plan_tx, plan_rx) = watch::channel(plan(fast));
    let (tx, mut rx) = mpsc::channel::<Msg>(64);
    let start = Instant::now();
    let task = tokio::spawn(run(providers, clock, plan_rx, tx));
    let drain = tokio::spawn(async move { while rx.recv().await.is_some() {} });
    tokio::time::sleep(run_for).await;
    task.abort();
    drain.abort();
    prices.times().into_iter().map(|t| t.duration_since(start)).collect()
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

/// Headlines from a server that never answers must not hold up quotes, past the point where the
/// next headline fetch falls due (300 s) and beyond.
#[tokio::test(start_paused = true)]
async fn a_stalled_feed_does_not_stop_quotes() {
    // New York open: quotes every 15 s, whatever the news source does.
    let times = requests("2026-11-24T15:00:00Z", &["NVDA"], Duration::from_secs(700)).await;
    assert_eq!(times.len(), 700 / 15 + 1, "{times:?}");
    assert!(times.windows(2).all(|w| w[1] - w[0] == Duration::from_secs(15)), "{times:?}");
}

/// A feed server that never answers, counting the fetches started and noticing when one is dropped.
#[derive(Default, Clone)]
struct Hanging {
    started: Arc<AtomicU64>,
    dropped: Arc<AtomicU64>,
}

struct CountDrop(Arc<AtomicU64>);

impl Drop for CountDrop {
    fn drop(&mut self) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

impl NewsSource for Hanging {
    fn headlines<'a>(&'a self, _: &'a [Symbol]) -> BoxFuture<'a, NewsBatch> {
        self.started.fetch_add(1, Ordering::SeqCst);
        let guard = CountDrop(self.dropped.clone());
        Box::pin(async move {
            let _guard = guard;
            futures::future::pending::<NewsBatch>().await
        })
    }
}

struct Spawned {
    plan_tx: watch::Sender<Plan>,
    turns: Arc<AtomicU64>,
    news: Hanging,
    task: tokio::task::JoinHandle<()>,
    _rx: mpsc::Receiver<Msg>,
}

fn spawn_with_hanging_news(at: &str, fast: &[&str]) -> Spawned {
    let news = Hanging::default();
    let providers =
        sources::providers().quotes(Arc::new(Prices::default())).news(Arc::new(news.clone())).build();
    let clock = Arc::new(ShiftedClock::starting_at(at.parse().unwrap()));
    let (plan_tx, plan_rx) = watch::channel(plan(fast));
    let (tx, rx) = mpsc::channel::<Msg>(1024);
    let turns = Arc::new(AtomicU64::new(0));
    let task = tokio::spawn(run_counted(providers, clock, plan_rx, tx, turns.clone()));
    Spawned { plan_tx, turns, news, task, _rx: rx }
}

/// Let every ready task run as far as it can. A task that spins is polled again on each yield.
async fn settle() {
    for _ in 0..50 {
        tokio::task::yield_now().await;
    }
}

/// Loop turns while virtual time moves by `secs`, a second at a time. The clock is moved by hand:
/// a spinning task never lets the runtime idle, so auto-advance would hang instead of failing.
async fn turns_over(s: &Spawned, secs: u64) -> u64 {
    let before = s.turns.load(Ordering::SeqCst);
    for _ in 0..secs {
        tokio::time::advance(Duration::from_secs(1)).await;
        settle().await;
    }
    s.turns.load(Ordering::SeqCst) - before
}

/// A feed that hangs, then `r` twice while it hangs, then a fetch outlasting `news_refresh_secs`:
/// the task sleeps through all of it (a deadline left in the past made it spin at 75 % of a core).
#[tokio::test(start_paused = true)]
async fn a_hanging_feed_never_makes_the_refresh_task_spin() {
    // Saturday: quotes every 300 s, headlines every 300 s.
    let s = spawn_with_hanging_news("2026-11-28T10:00:00Z", &["NVDA"]);
    settle().await;
    assert_eq!(s.news.started.load(Ordering::SeqCst), 1);
    let idle = turns_over(&s, 60).await;
    assert!(idle <= 2, "{idle} turns in a quiet minute");
    for seq in 1..=2 {
        s.plan_tx.send_modify(|p| p.refresh_seq = seq);
        let after_r = turns_over(&s, 5).await;
        assert!(after_r <= 4, "`r` while a feed hangs: {after_r} turns in 5 s");
    }
    // The hanging fetch outlasts the news interval: still asleep, and no second fetch piles up.
    let long = turns_over(&s, 400).await;
    assert!(long <= 6, "{long} turns in 400 s");
    assert_eq!(s.news.started.load(Ordering::SeqCst), 1, "one fetch at a time");
    s.task.abort();
}

/// Restarting the refresh task (a config reload) takes its headline fetch with it: a fetch of the old
/// feed list must not live on and deliver late.
#[tokio::test(start_paused = true)]
async fn stopping_the_refresh_task_stops_its_news_fetch() {
    let s = spawn_with_hanging_news("2026-11-28T10:00:00Z", &["NVDA"]);
    settle().await;
    assert_eq!(s.news.started.load(Ordering::SeqCst), 1);
    assert_eq!(s.news.dropped.load(Ordering::SeqCst), 0);
    s.task.abort();
    settle().await;
    assert_eq!(s.news.dropped.load(Ordering::SeqCst), 1, "the fetch died with its task");
}

/// When a slow fetch ends, the `r` pressed meanwhile is honoured at once.
#[tokio::test(start_paused = true)]
async fn a_refresh_asked_during_a_fetch_runs_when_it_ends() {
    let release = Arc::new(tokio::sync::Notify::new());
    let started = Arc::new(AtomicU64::new(0));
    struct Gated(Arc<tokio::sync::Notify>, Arc<AtomicU64>);
    impl NewsSource for Gated {
        fn headlines<'a>(&'a self, _: &'a [Symbol]) -> BoxFuture<'a, NewsBatch> {
            self.1.fetch_add(1, Ordering::SeqCst);
            let gate = self.0.clone();
            Box::pin(async move {
                gate.notified().await;
                NewsBatch::default()
            })
        }
    }
    let providers = sources::providers()
        .quotes(Arc::new(Prices::default()))
        .news(Arc::new(Gated(release.clone(), started.clone())))
        .build();
    let clock = Arc::new(ShiftedClock::starting_at("2026-11-28T10:00:00Z".parse().unwrap()));
    let (plan_tx, plan_rx) = watch::channel(plan(&["NVDA"]));
    let (tx, mut rx) = mpsc::channel::<Msg>(64);
    let task = tokio::spawn(run(providers, clock, plan_rx, tx));
    settle().await;
    assert_eq!(started.load(Ordering::SeqCst), 1);
    plan_tx.send_modify(|p| p.refresh_seq = 1);
    settle().await;
    assert_eq!(started.load(Ordering::SeqCst), 1, "not twice at once");
    release.notify_one();
    settle().await;
    assert_eq!(started.load(Ordering::SeqCst), 2, "the asked-for refresh follows the slow one");
    while rx.try_recv().is_ok() {}
    task.abort();
}

/// Intervals between successive requests.
fn gaps(times: &[Duration]) -> Vec<u64> {
    times.windows(2).map(|w| (w[1] - w[0]).as_secs()).collect()
}

/// Lunar New Year: Hong Kong is shut Tuesday to Thursday. The task polls at the closed rate the
/// whole time (no fast polling at 09:30 on any of those days), and its first fast fetch is the
/// real next open, Friday 09:30.
#[tokio::test(start_paused = true)]
async fn a_holiday_polls_at_the_closed_rate_until_the_real_next_open() {
    // Tuesday 17 February 2026, 09:00 in Hong Kong, until Friday 09:31.
    let start = "2026-02-17T01:00:00Z";
    let friday_open = Duration::from_secs(((3 * 24) * 60 + 30) * 60);
    let times = requests(start, &["0981.HK"], friday_open + Duration::from_secs(60)).await;
    let before: Vec<Duration> = times.iter().copied().filter(|t| *t < friday_open).collect();
    // One at the start, then one every 300 s: 72.5 hours of them, nothing faster.
    assert_eq!(before.len(), 1 + (friday_open.as_secs() - 1) as usize / 300, "{:?}", gaps(&before));
    assert!(gaps(&before).iter().all(|g| *g == 300), "{:?}", gaps(&before));
    let after: Vec<Duration> = times.iter().copied().filter(|t| *t >= friday_open).collect();
    assert!(after[0] <= friday_open + Duration::from_secs(2), "first fast fetch at {:?}", after[0]);
    assert!(after.len() >= 4 && gaps(&after).iter().all(|g| *g == 15), "{:?}", gaps(&after));
}

/// Thanksgiving: New York's pre-market, session and after-hours all stay shut; the fast rate
/// starts with Friday's pre-market at 04:00.
#[tokio::test(start_paused = true)]
async fn thanksgiving_is_polled_at_the_closed_rate() {
    // Thursday 26 November 2026, 08:00 in New York (13:00 UTC), until Friday 04:01 (09:01 UTC).
    let friday_pre = Duration::from_secs(20 * 3600);
    let times = requests("2026-11-26T13:00:00Z", &["NVDA"], friday_pre + Duration::from_secs(60)).await;
    let before: Vec<Duration> = times.iter().copied().filter(|t| *t < friday_pre).collect();
    assert_eq!(before.len(), 20 * 12, "{:?}", gaps(&before));
    assert!(gaps(&before).iter().all(|g| *g == 300), "{:?}", gaps(&before));
    let after: Vec<Duration> = times.iter().copied().filter(|t| *t >= friday_pre).collect();
    assert!(after[0] <= friday_pre + Duration::from_secs(2), "{:?}", after[0]);
    assert!(gaps(&after).iter().all(|g| *g == 15), "{:?}", gaps(&after));
}

/// The gaps between the first four fetches from a source that is down, with quotes due every
/// second (New York open) and `retry_base` as the first wait.
async fn retry_gaps(retry_base: Option<Duration>) -> Vec<Duration> {
    let down = Down::default();
    let mut build = sources::providers().quotes(Arc::new(down.clone()));
    if let Some(base) = retry_base {
        build = build.retry_base(base);
    }
    let clock = Arc::new(ShiftedClock::starting_at("2026-11-24T15:00:00Z".parse().unwrap()));
    let (_plan_tx, plan_rx) = watch::channel(Plan { refresh_secs: 1, ..plan(&["NVDA"]) });
    let (tx, mut rx) = mpsc::channel::<Msg>(64);
    let task = tokio::spawn(run(build.build(), clock, plan_rx, tx));
    let drain = tokio::spawn(async move { while rx.recv().await.is_some() {} });
    tokio::time::sleep(Duration::from_secs(60)).await;
    task.abort();
    drain.abort();
    down.times().windows(2).take(3).map(|w| w[1] - w[0]).collect()
}

/// A failed fetch waits the retry base, doubling, plus up to a fifth: 5 s in the app (whatever
/// the refresh interval below it), and what a test injects (the fault tests run on 1 s).
#[tokio::test(start_paused = true)]
async fn failures_back_off_from_the_retry_base() {
    let within = |gaps: &[Duration], base: f64| {
        gaps.len() == 3
            && gaps
                .iter()
                .zip([1.0, 2.0, 4.0])
                .all(|(g, k)| (base * k..=base * k * 1.2).contains(&g.as_secs_f64()))
    };
    let app = retry_gaps(None).await;
    assert!(within(&app, 5.0), "{app:?}");
    let injected = retry_gaps(Some(Duration::from_millis(200))).await;
    // The refresh interval (1 s) is the floor: a retry never comes sooner than the next fetch would.
    assert!(within(&injected, 1.0), "{injected:?}");
}
