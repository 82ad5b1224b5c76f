//! The real loop on a TestBackend with injected input and a virtual clock: keys in, screen out,
//! and how often it wakes and draws when nothing happens.

use crate::common;
use crate::common::sources;

use std::io;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chiptape::app::{Runtime, Stats, run};
use chiptape::config::builtin;
use chiptape::market::clock::{Clock, ShiftedClock};
use chiptape::market::search::{Candidate, Kind};
use chiptape::market::{QuoteOutcome, Symbol};
use chiptape::msg::Msg;
use chiptape::providers::{ProviderError, QuoteSource, SymbolSearch};
use chiptape::state::State;
use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use futures::Stream;
use futures::future::BoxFuture;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use tokio::sync::mpsc;
use tokio_stream::wrappers::UnboundedReceiverStream;

struct Harness {
    terminal: Terminal<TestBackend>,
    control: mpsc::UnboundedSender<Msg>,
    runtime: Runtime,
    state: State,
}

fn harness(start: &str, w: u16, h: u16) -> Harness {
    harness_with(builtin(), start, w, h)
}

fn harness_with(cfg: chiptape::config::Config, start: &str, w: u16, h: u16) -> Harness {
    let now = start.parse().unwrap();
    let clock: Arc<dyn Clock> = Arc::new(ShiftedClock::starting_at(now));
    let mut providers = chiptape::providers::build(&cfg, true, 7, clock.clone());
    // Polling alone, so the schedules below are the refresh task's; the stream tests add one.
    providers.stream = None;
    let (control, control_rx) = mpsc::unbounded_channel();
    Harness {
        terminal: Terminal::new(TestBackend::new(w, h)).unwrap(),
        control,
        runtime: Runtime::new(providers, clock.clone(), control_rx),
        state: State::new(cfg, true, clock.now()),
    }
}

async fn run_with<E>(mut h: Harness, events: E) -> (Stats, String)
where
    E: Stream<Item = io::Result<Event>> + Unpin,
{
    let mut events = Some(events);
    let make = move || events.take().expect("the input stream is made once: no editor in these tests");
    let stats = run(&mut h.terminal, make, h.state, h.runtime).await.unwrap();
    (stats, common::text(h.terminal.backend().buffer()))
}

/// Saturday: every market is closed, so nothing moves and only clocks and ages could change.
#[tokio::test(start_paused = true)]
async fn idle_with_markets_closed_draws_at_most_once_a_second() {
    let h = harness("2026-11-28T10:00:00.250Z", 120, 40);
    let control = h.control.clone();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_secs(10)).await;
        let _ = control.send(Msg::Shutdown);
    });
    let (stats, screen) = run_with(h, futures::stream::pending()).await;
    eprintln!("idle 10 s: {stats:?}");
    assert!(screen.contains("closed"), "{screen}");
    assert!(stats.draws <= 11, "{stats:?}");
    // At most one tick a second, plus the first answers from the refresh task and the shutdown.
    assert!(stats.wakeups <= 10 + 3 + 1, "{stats:?}");
}

/// Once no time on screen counts seconds, an idle pane wakes when a shown time changes (each
/// headline age on its own minute, the clocks on the wall's), never once a second.
#[tokio::test(start_paused = true)]
async fn idle_for_ten_minutes_wakes_on_the_minute() {
    let h = harness("2026-11-28T10:00:00.250Z", 120, 40);
    let control = h.control.clone();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_secs(600)).await;
        let _ = control.send(Msg::Shutdown);
    });
    let (stats, _) = run_with(h, futures::stream::pending()).await;
    eprintln!("idle 600 s: {stats:?}");
    // Ages flip every 10 s in their first minute, then each on its own minute; clocks every minute;
    // and a closed market refreshes quotes and news every 300 s: several dozen wakes, far below 600,
    // and each one for a change on screen.
    assert!(stats.wakeups <= 100, "{stats:?}");
    assert!(stats.draws + 5 >= stats.wakeups, "a wake without a change to draw: {stats:?}");
}

fn key(c: char) -> io::Result<Event> {
    Ok(Event::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)))
}

#[tokio::test(start_paused = true)]
async fn keys_in_screen_out() {
    let h = harness("2026-11-24T15:00:00Z", 120, 40);
    let (tx, rx) = mpsc::unbounded_channel();
    for c in [']', ']', '/', 'n', 'v'] {
        tx.send(key(c)).unwrap();
    }
    tx.send(Ok(Event::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)))).unwrap();
    let control = h.control.clone();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_secs(1)).await;
        let _ = control.send(Msg::Shutdown);
    });
    let (stats, screen) = run_with(h, UnboundedReceiverStream::new(rx)).await;
    assert!(screen.contains(" US AI chips "), "{screen}");
    assert!(screen.contains("NVDA") && !screen.contains("AMD  "), "{screen}");
    assert!(screen.contains("/nv"), "{screen}");
    // A burst of six keys and the first data is a frame or two, not one per message.
    assert!(stats.draws <= 4, "{stats:?}");
}

/// The input stream ends (the terminal went away): the app stops at once, having drawn its screen.
#[tokio::test(start_paused = true)]
async fn input_closing_ends_the_app() {
    let h = harness("2026-11-24T15:00:00Z", 80, 24);
    let started = tokio::time::Instant::now();
    // Nothing else would stop it: without the end of input this would run into the timeout.
    let (stats, screen) =
        tokio::time::timeout(Duration::from_secs(60), run_with(h, futures::stream::empty()))
            .await
            .expect("the app ends when its input does");
    assert!(started.elapsed() < Duration::from_secs(1), "at once, not on some timer");
    assert!(screen.contains("China AI chips"), "{screen}");
    assert!(stats.wakeups <= 2, "{stats:?}");
}

/// When each quote request went out (on the virtual clock) and for which symbols.
type Asked = Arc<Mutex<Vec<(Duration, Vec<Symbol>)>>>;

/// Counts quote requests by the symbols asked for.
struct Counting {
    inner: Arc<dyn QuoteSource>,
    asked: Asked,
    start: tokio::time::Instant,
}

impl QuoteSource for Counting {
    fn quotes<'a>(
        &'a self,
        symbols: &'a [Symbol],
    ) -> BoxFuture<'a, Result<Vec<(Symbol, QuoteOutcome)>, ProviderError>> {
        self.asked.lock().unwrap().push((self.start.elapsed(), symbols.to_vec()));
        self.inner.quotes(symbols)
    }
    fn label(&self) -> String {
        self.inner.label()
    }
}

/// Wraps the harness's quote source to record every request from now on.
fn count_quote_requests(h: &mut Harness) -> Asked {
    let asked: Asked = Arc::default();
    h.runtime.providers.quotes = Arc::new(Counting {
        inner: h.runtime.providers.quotes.clone(),
        asked: asked.clone(),
        start: tokio::time::Instant::now(),
    });
    asked
}

/// New York open and the US group in view: its quotes are fetched every `refresh_secs` (15 s), and
/// the screen shows the last of them.
#[tokio::test(start_paused = true)]
async fn open_market_refreshes_on_schedule() {
    let mut h = harness("2026-11-24T15:00:00Z", 120, 40);
    let asked = count_quote_requests(&mut h);
    let (tx, rx) = mpsc::unbounded_channel();
    tx.send(key('3')).unwrap();
    let control = h.control.clone();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_secs(61)).await;
        let _ = control.send(Msg::Shutdown);
    });
    let (_, screen) = run_with(h, UnboundedReceiverStream::new(rx)).await;
    let nvda = Symbol::parse("NVDA").unwrap();
    let times: Vec<u64> =
        asked.lock().unwrap().iter().filter(|(_, s)| s.contains(&nvda)).map(|(t, _)| t.as_secs()).collect();
    // The key comes before the first fetch: the US group is the fast batch from the start.
    assert_eq!(times, [0, 15, 30, 45, 60], "NVDA asked for at these seconds");
    // On screen: the price of the last fetch, one minute in.
    let cfg = builtin();
    let clock: Arc<dyn Clock> =
        Arc::new(chiptape::market::clock::FixedClock("2026-11-24T15:01:00Z".parse().unwrap()));
    let last = chiptape::providers::demo::DemoMarket::new(7, clock, &cfg)
        .quote(&nvda, "2026-11-24T15:01:00Z".parse().unwrap());
    let price = chiptape::present::number::price(last.price.unwrap());
    let row = screen.lines().find(|l| l.contains("NVDA")).unwrap();
    assert!(row.contains(&price), "{price} in {row}");
}

/// Opening a link hands it to the opener off the loop: keys keep working (here `q` quits) while a
/// slow launcher is still busy, and the link reaches it.
#[tokio::test(start_paused = true)]
async fn a_slow_link_opener_never_blocks_the_loop() {
    let mut h = harness("2026-11-24T15:00:00Z", 120, 40);
    let (called_tx, called) = std::sync::mpsc::channel::<String>();
    let (release, released) = std::sync::mpsc::channel::<()>();
    let released = Mutex::new(released);
    let finished = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let done = finished.clone();
    h.runtime.opener = Arc::new(move |url: &str| {
        let _ = called_tx.send(url.to_string());
        // A launcher that takes its time (real time: the test holds it until the app has quit).
        let _ = released.lock().unwrap().recv_timeout(Duration::from_secs(20));
        done.store(true, std::sync::atomic::Ordering::SeqCst);
        Ok(())
    });
    // Wait for the first headlines, then Tab to them, Enter to open, q to quit.
    let (tx, rx) = mpsc::unbounded_channel();
    let keys = tx.clone();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(100)).await;
        for k in ['\t', '\r', 'q'] {
            let code = match k {
                '\t' => KeyCode::Tab,
                '\r' => KeyCode::Enter,
                c => KeyCode::Char(c),
            };
            let _ = keys.send(Ok(Event::Key(KeyEvent::new(code, KeyModifiers::NONE))));
        }
    });
    let (_, screen) =
        tokio::time::timeout(Duration::from_secs(60), run_with(h, UnboundedReceiverStream::new(rx)))
            .await
            .expect("q quits while the opener is busy");
    drop(tx);
    let url = called.recv_timeout(Duration::from_secs(10)).expect("the opener got the link");
    assert!(url.starts_with("https://"), "{url}");
    assert!(!finished.load(std::sync::atomic::Ordering::SeqCst), "the app quit before the opener returned");
    assert!(screen.contains("Headlines"), "{screen}");
    release.send(()).unwrap();
}

fn cached_contents(fetched: &str) -> chiptape::store::cache::Contents {
    use chiptape::market::{Headline, Quote};
    use chiptape::store::cache::{CachedQuote, Contents, SCHEMA};
    let smic = Symbol::parse("0981.HK").unwrap();
    let quote = Quote { symbol: smic.clone(), price: Some(72.35), change: Some(1.2), ..Quote::default() };
    let link = "https://news.example.com/smic-cached".to_string();
    let title = "SMIC story kept from the last run".to_string();
    let headline = Headline {
        id: chiptape::market::news::identity(&link, &title),
        title,
        link,
        source: "Wire".into(),
        published: Some("2026-11-24T11:00:00Z".parse().unwrap()),
        symbols: vec![smic],
        feed: chiptape::config::YAHOO_FEED.into(),
        also_in: vec![],
        feed_id: String::new(),
        also_in_ids: vec![],
        summary: None,
        guid: None,
        kind: chiptape::market::HeadlineKind::News,
        form: None,
    };
    Contents {
        schema: SCHEMA,
        saved_at: Some(fetched.parse().unwrap()),
        quotes: vec![CachedQuote::new(&quote, fetched.parse().unwrap())],
        headlines: vec![headline],
        read: vec![],
        series: vec![],
        ..Contents::default()
    }
}

/// A warm cache and sources that never answer: the first frame already has the cached price
/// (marked with its age) and the cached headline; at exit the cache is written back.
#[tokio::test(start_paused = true)]
async fn cached_data_is_on_the_first_frame_before_any_answer() {
    let dir = tempfile::tempdir().unwrap();
    let cache = chiptape::store::cache::Cache::at(dir.path().join("cache.json"));
    cache.save(&cached_contents("2026-11-24T12:00:00Z")).unwrap();
    let mut h = harness("2026-11-24T15:00:00Z", 120, 40);
    h.state = State::new(builtin(), false, "2026-11-24T15:00:00Z".parse().unwrap());
    // Sources that never answer: whatever is on screen came from elsewhere (the cache).
    h.runtime.providers = sources::providers().build();
    h.runtime.cache = Some(cache.clone());
    let control = h.control.clone();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_secs(1)).await;
        let _ = control.send(Msg::Shutdown);
    });
    let (stats, screen) = run_with(h, futures::stream::pending()).await;
    assert_eq!(stats.draws, 1, "only the first frame: nothing ever answered");
    let row = screen.lines().find(|l| l.contains("0981.HK")).unwrap();
    assert!(row.contains("72.35") && row.contains("old 3h"), "{row}");
    assert!(screen.contains("SMIC story kept from the last run"), "{screen}");
    assert!(screen.lines().last().unwrap().contains("quotes: loading…"), "the source has not answered yet");
    let saved = cache.load();
    assert_eq!(saved.quotes.len(), 1, "written back at exit, with what it had");
    assert_eq!(saved.headlines.len(), 1);
}

/// Running against a source that answers, the cache fills while the app runs, not only at exit.
#[tokio::test(start_paused = true)]
async fn the_cache_is_saved_while_running() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cache.json");
    let mut h = harness("2026-11-24T15:00:00Z", 120, 40);
    h.runtime.cache = Some(chiptape::store::cache::Cache::at(path.clone()));
    let (seen_tx, seen_rx) = std::sync::mpsc::channel();
    let control = h.control.clone();
    let watched = path.clone();
    tokio::spawn(async move {
        // The first answers come at once; a write follows within the 5 s interval.
        tokio::time::sleep(Duration::from_secs(6)).await;
        for _ in 0..200 {
            if watched.exists() {
                break;
            }
            // The write runs on a blocking thread, in real time: give it a moment.
            tokio::task::spawn_blocking(|| std::thread::sleep(Duration::from_millis(10))).await.unwrap();
        }
        let _ = seen_tx.send(watched.exists());
        let _ = control.send(Msg::Shutdown);
    });
    run_with(h, futures::stream::pending()).await;
    assert!(seen_rx.recv().unwrap(), "written while running");
    let saved = chiptape::store::cache::Cache::at(path).load();
    assert_eq!(saved.quotes.len(), builtin().all_symbols().len() + 2, "the A/H premium's two rates too");
    assert!(!saved.headlines.is_empty());
}

/// A wall clock that can be set forward or back while tokio's clock runs on (a suspend and resume,
/// or someone setting the time).
struct Jumping {
    inner: ShiftedClock,
    offset: std::sync::atomic::AtomicI64,
}

impl Clock for Jumping {
    fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.inner.now() + chrono::Duration::seconds(self.offset.load(std::sync::atomic::Ordering::SeqCst))
    }
}

/// Saturday (a quote refresh every 300 s), the wall clock moved by `jump` seconds 30 s in: when
/// each quote request of the group in view went out, over `secs`.
async fn requests_around_a_jump(jump: i64, secs: u64) -> Vec<u64> {
    let start = "2026-11-28T10:00:00Z";
    let mut h = harness(start, 120, 40);
    let clock = Arc::new(Jumping {
        inner: ShiftedClock::starting_at(start.parse().unwrap()),
        offset: std::sync::atomic::AtomicI64::new(0),
    });
    h.runtime.clock = clock.clone();
    let asked = count_quote_requests(&mut h);
    let control = h.control.clone();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_secs(30)).await;
        clock.offset.store(jump, std::sync::atomic::Ordering::SeqCst);
        tokio::time::sleep(Duration::from_secs(secs - 30)).await;
        let _ = control.send(Msg::Shutdown);
    });
    run_with(h, futures::stream::pending()).await;
    let smic = Symbol::parse("0981.HK").unwrap();
    let asked = asked.lock().unwrap();
    asked.iter().filter(|(_, s)| s.contains(&smic)).map(|(t, _)| t.as_secs()).collect()
}

/// Back from a two-hour suspend: everything due is fetched at once, not when the interval that
/// started before the suspend runs out.
#[tokio::test(start_paused = true)]
async fn after_a_suspend_everything_due_is_fetched_at_once() {
    let times = requests_around_a_jump(2 * 3600, 120).await;
    assert_eq!(times[0], 0);
    assert!(times.iter().any(|t| (30..=45).contains(t)), "fetched right after the jump: {times:?}");
}

/// A wall clock set back a day does not stall the schedule.
#[tokio::test(start_paused = true)]
async fn a_clock_set_back_does_not_stall_the_schedule() {
    let times = requests_around_a_jump(-86_400, 700).await;
    assert_eq!(times, [0, 300, 600], "every 300 s, as before");
}

/// A stream that floods: `per_batch` ticks every `every`, cycling over `symbols`, until `for_`.
struct Flood {
    symbols: Vec<Symbol>,
    every: Duration,
    per_batch: usize,
    for_: Duration,
    sent: Arc<std::sync::atomic::AtomicU64>,
}

impl chiptape::providers::StreamSource for Flood {
    fn run(
        self: Arc<Self>,
        _symbols: tokio::sync::watch::Receiver<Vec<Symbol>>,
        tx: mpsc::Sender<chiptape::market::stream::StreamEvent>,
    ) -> BoxFuture<'static, ()> {
        use chiptape::market::stream::{StreamEvent, Tick};
        Box::pin(async move {
            let _ = tx.send(StreamEvent::Connected { subscribed: self.symbols.len() }).await;
            let start = tokio::time::Instant::now();
            let mut n = 0usize;
            while start.elapsed() < self.for_ {
                tokio::time::sleep(self.every).await;
                let batch: Vec<Tick> = (0..self.per_batch)
                    .map(|i| {
                        n += 1;
                        Tick {
                            symbol: self.symbols[(n + i) % self.symbols.len()].clone(),
                            price: 100.0 + (n % 997) as f64 / 100.0,
                            ..Tick::default()
                        }
                    })
                    .collect();
                self.sent.fetch_add(batch.len() as u64, std::sync::atomic::Ordering::Relaxed);
                if tx.send(StreamEvent::Ticks(batch)).await.is_err() {
                    return;
                }
            }
            std::future::pending::<()>().await
        })
    }
}

/// 1,000 ticks a second for a minute across 50 symbols in view: the screen follows them at no more
/// than 10 frames a second, and does follow them (a frame at least every few hundred ms).
#[tokio::test(start_paused = true)]
async fn a_tick_flood_draws_at_most_ten_frames_a_second() {
    let mut h = harness("2026-11-24T15:00:00Z", 120, 70);
    let symbols: Vec<Symbol> = (0..50).map(|i| Symbol::parse(&format!("T{i:02}")).unwrap()).collect();
    let mut cfg = builtin();
    cfg.groups = vec![chiptape::config::Group { name: "Flood".into(), symbols: symbols.clone() }];
    h.state = State::new(cfg, true, h.state.now);
    let sent = Arc::new(std::sync::atomic::AtomicU64::new(0));
    h.runtime.providers.stream = Some(Arc::new(Flood {
        symbols,
        every: Duration::from_millis(10),
        per_batch: 10,
        for_: Duration::from_secs(60),
        sent: sent.clone(),
    }));
    let control = h.control.clone();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_secs(60)).await;
        let _ = control.send(Msg::Shutdown);
    });
    let (_tx, rx) = mpsc::unbounded_channel();
    let (stats, screen) = run_with(h, UnboundedReceiverStream::new(rx)).await;
    let sent = sent.load(std::sync::atomic::Ordering::Relaxed);
    assert!(sent >= 59_000, "the flood ran: {sent} ticks");
    // Ten a second, and the first frame.
    assert!(stats.draws <= 10 * 60 + 1, "{stats:?}");
    assert!(stats.draws >= 5 * 60, "frames keep coming while ticks flow: {stats:?}");
    assert!(screen.contains("live"), "{screen}");
}

/// A stream that records the symbol lists it is given (and how often it is started), and pushes a
/// tick for `ticking` every 2 s.
#[derive(Default)]
struct Scripted {
    ticking: Option<Symbol>,
    runs: std::sync::atomic::AtomicU64,
    seen: Mutex<Vec<Vec<Symbol>>>,
}

impl chiptape::providers::StreamSource for Scripted {
    fn run(
        self: Arc<Self>,
        mut symbols: tokio::sync::watch::Receiver<Vec<Symbol>>,
        tx: mpsc::Sender<chiptape::market::stream::StreamEvent>,
    ) -> BoxFuture<'static, ()> {
        use chiptape::market::stream::{StreamEvent, Tick};
        self.runs.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        Box::pin(async move {
            self.seen.lock().unwrap().push(symbols.borrow_and_update().clone());
            let _ = tx.send(StreamEvent::Connected { subscribed: 1 }).await;
            let mut price = 200.0;
            loop {
                tokio::select! {
                    changed = symbols.changed() => {
                        if changed.is_err() {
                            return;
                        }
                        self.seen.lock().unwrap().push(symbols.borrow_and_update().clone());
                    }
                    _ = tokio::time::sleep(Duration::from_secs(2)), if self.ticking.is_some() => {
                        price += 0.01;
                        let tick = Tick { symbol: self.ticking.clone().unwrap(), price, ..Tick::default() };
                        if tx.send(StreamEvent::Ticks(vec![tick])).await.is_err() {
                            return;
                        }
                    }
                }
            }
        })
    }
}

/// New York open, the US group in view, NVDA streamed and the rest silent: NVDA is polled once
/// (before its first tick) and then only at the slow rate; AMD, which gets no ticks, every 15 s.
#[tokio::test(start_paused = true)]
async fn streamed_symbols_are_polled_slowly_and_silent_ones_fast() {
    let mut h = harness("2026-11-24T15:00:00Z", 120, 40);
    let asked = count_quote_requests(&mut h);
    let nvda = Symbol::parse("NVDA").unwrap();
    h.runtime.providers.stream =
        Some(Arc::new(Scripted { ticking: Some(nvda.clone()), ..Scripted::default() }));
    let (tx, rx) = mpsc::unbounded_channel();
    tx.send(key('3')).unwrap();
    let control = h.control.clone();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_secs(61)).await;
        let _ = control.send(Msg::Shutdown);
    });
    let (_, screen) = run_with(h, UnboundedReceiverStream::new(rx)).await;
    let when = |s: &Symbol| -> Vec<u64> {
        asked.lock().unwrap().iter().filter(|(_, l)| l.contains(s)).map(|(t, _)| t.as_secs()).collect()
    };
    assert_eq!(when(&nvda), [0], "live after its first tick: the slow rate (300 s)");
    assert_eq!(when(&Symbol::parse("AMD").unwrap()), [0, 15, 30, 45, 60], "no ticks: fast polling");
    assert!(screen.contains("stream live (1)"), "{screen}");
}

/// A config reload that adds a symbol changes the subscription of the running stream; it is not
/// restarted (no reconnect for an edit of the watchlist).
#[tokio::test(start_paused = true)]
async fn a_reload_changes_the_subscription_without_a_reconnect() {
    let mut h = harness("2026-11-24T15:00:00Z", 120, 40);
    let stream = Arc::new(Scripted::default());
    h.runtime.providers.stream = Some(stream.clone());
    let mut cfg = builtin();
    let added = Symbol::parse("QCOM").unwrap();
    cfg.groups[2].symbols.push(added.clone());
    let control = h.control.clone();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_secs(5)).await;
        let _ = control.send(Msg::Config(Box::new(Ok(cfg))));
        tokio::time::sleep(Duration::from_secs(5)).await;
        let _ = control.send(Msg::Shutdown);
    });
    let (_tx, rx) = mpsc::unbounded_channel();
    run_with(h, UnboundedReceiverStream::new(rx)).await;
    let seen = stream.seen.lock().unwrap().clone();
    assert_eq!(stream.runs.load(std::sync::atomic::Ordering::Relaxed), 1, "one connection throughout");
    // The built-in pairs' A/H premium brings two exchange rates (HKD and CNY in USD).
    assert!(!seen[0].contains(&added) && seen[0].len() == builtin().all_symbols().len() + 2, "{seen:?}");
    assert!(seen.last().unwrap().contains(&added), "{seen:?}");
}

/// A search source that never answers, and counts how often it was asked.
struct Hanging(Arc<Mutex<Vec<String>>>);

impl SymbolSearch for Hanging {
    fn name(&self) -> &'static str {
        "tencent"
    }
    fn search<'a>(&'a self, query: &'a str) -> BoxFuture<'a, Result<Vec<Candidate>, ProviderError>> {
        self.0.lock().unwrap().push(query.to_string());
        Box::pin(futures::future::pending())
    }
}

/// One that answers at once with a listing named after the query.
struct Quick(Arc<Mutex<Vec<String>>>);

impl SymbolSearch for Quick {
    fn name(&self) -> &'static str {
        "yahoo"
    }
    fn search<'a>(&'a self, query: &'a str) -> BoxFuture<'a, Result<Vec<Candidate>, ProviderError>> {
        self.0.lock().unwrap().push(query.to_string());
        let c = Candidate {
            symbol: Symbol::parse("ZZCB").unwrap(),
            name: Some(format!("Found {query}")),
            name_zh: None,
            exchange: Some("NASDAQ".into()),
            kind: Kind::Equity,
            source: "yahoo",
        };
        Box::pin(async move { Ok(vec![c]) })
    }
}

/// Issue 21: keys typed while one source hangs are each applied and drawn at once; the sources are
/// asked once per pause in typing, and the hanging one never twice at a time.
#[tokio::test(start_paused = true)]
async fn typing_while_a_search_hangs_costs_what_any_key_costs() {
    let mut h = harness("2026-11-24T15:00:00Z", 120, 40);
    let (hung, quick) = (Arc::new(Mutex::new(Vec::new())), Arc::new(Mutex::new(Vec::new())));
    h.runtime.providers.search = vec![Arc::new(Quick(quick.clone())), Arc::new(Hanging(hung.clone()))];
    let (tx, rx) = mpsc::unbounded_channel();
    let control = h.control.clone();
    tokio::spawn(async move {
        tx.send(key('a')).unwrap();
        // Faster than the pause the sources wait for: one question for the whole word.
        for c in "zzcamb".chars() {
            tokio::time::sleep(Duration::from_millis(60)).await;
            tx.send(key(c)).unwrap();
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
        // The hanging source is still busy with "zzcamb": these keys must not wait for it.
        for c in "ric".chars() {
            tokio::time::sleep(Duration::from_millis(60)).await;
            tx.send(key(c)).unwrap();
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
        let _ = control.send(Msg::Shutdown);
        drop(tx);
    });
    let (stats, screen) = run_with(h, UnboundedReceiverStream::new(rx)).await;
    let status = screen.lines().last().unwrap().to_string();
    assert!(status.contains("zzcambric▏"), "every key applied:\n{screen}");
    assert!(screen.contains("Found zzcambric"), "the quick source's answer to the latest text:\n{screen}");
    assert!(screen.contains("searching tencent"), "the hanging one is named as still asking:\n{screen}");
    assert_eq!(*quick.lock().unwrap(), ["zzcamb", "zzcambric"], "asked once per pause");
    assert_eq!(*hung.lock().unwrap(), ["zzcamb"], "one question in flight at a time");
    // Each of the ten keys drew its own frame at once.
    assert!(stats.draws >= 10, "{stats:?}");
}

/// Issue 27, item 1: positions in HKD and EUR valued in USD have their rates with the first
/// prices, on a Saturday when the slow batch waits five minutes: never "no rate" once the prices show.
#[tokio::test(start_paused = true)]
async fn exchange_rates_come_with_the_first_prices() {
    let cfg = chiptape::config::parse_str(
        "base_currency = \"USD\"\n[[groups]]\nname = \"Held\"\nsymbols = [\"0981.HK\", \"ASML.AS\"]\n\
         [[positions]]\nsymbol = \"0981.HK\"\nquantity = 1000\nunit_cost = 60\n\
         [[positions]]\nsymbol = \"ASML.AS\"\nquantity = 10\nunit_cost = 600\n",
        "c.toml",
    )
    .unwrap();
    let h = harness_with(cfg, "2026-11-28T10:00:00.250Z", 120, 40);
    let control = h.control.clone();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_secs(30)).await;
        let _ = control.send(Msg::Shutdown);
    });
    let (_, screen) = run_with(h, futures::stream::pending()).await;
    assert!(screen.contains("Σ "), "the totals line:\n{screen}");
    assert!(!screen.contains("no rate"), "a rate waited for the slow batch:\n{screen}");
}

/// A stream the config asks for and an https:// proxy it cannot go through: the status bar says
/// the stream is off and prices are polled, rather than saying nothing of the stream at all.
#[tokio::test(start_paused = true)]
async fn a_stream_an_https_proxy_keeps_off_is_said_on_screen() {
    let cfg = chiptape::config::parse_str(
        "[provider]\nstream = true\n[proxy]\nyahoo = \"https://127.0.0.1:9\"\n",
        "c.toml",
    )
    .unwrap();
    let mut h = harness_with(cfg.clone(), "2026-11-24T15:00:00Z", 120, 40);
    // The sources stay the simulated ones (no network); the app is told it runs for real.
    h.state = State::new(cfg, false, h.state.now);
    let control = h.control.clone();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_secs(2)).await;
        let _ = control.send(Msg::Shutdown);
    });
    let (_, screen) = run_with(h, futures::stream::pending()).await;
    let status = screen.lines().last().unwrap();
    assert!(status.contains("price stream off"), "{status}");
}
