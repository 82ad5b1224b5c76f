//! The loop: one `select!` over control, input, data and a clock tick; draws only when `update` says so.

pub mod cache;
pub mod editor;
pub mod edits;
pub mod notify;
pub mod opener;
pub mod watcher;

use std::io;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use crossterm::event::{Event, KeyCode as CtKey, KeyEvent, KeyEventKind, KeyModifiers};
use futures::{Stream, StreamExt};
use ratatui::Terminal;
use ratatui::backend::Backend;
use tokio::sync::{mpsc, watch};
use tokio::time::Instant;

use crate::app::watcher as config_watch;
use crate::config::{Config, Key, KeyCode};
use crate::market::Symbol;
use crate::market::clock::Clock;
use crate::market::series::ChartRange;
use crate::market::stream::StreamEvent;
use crate::msg::{Effect, Msg, Plan};
use crate::present::sanitize::clean;
use crate::providers::{Providers, StreamSource};
use crate::state::{State, update};
use crate::term::Suspend;

/// Counters for tests and benchmarks: how often the loop woke and drew.
#[derive(Debug, Default, Clone, Copy)]
pub struct Stats {
    pub wakeups: u64,
    pub draws: u64,
}

/// Builds the sources for a (new) config; gets the old config and sources so it can keep what did
/// not change (a Yahoo session and its rate-limit state survive an edit of the watchlist).
pub type Rebuild = Arc<dyn Fn(&Config, &Config, &Providers) -> Providers + Send + Sync>;

pub struct Runtime {
    pub providers: Providers,
    pub clock: Arc<dyn Clock>,
    /// Signals and other out-of-band messages (Shutdown).
    pub control: mpsc::UnboundedReceiver<Msg>,
    /// The config file to watch and to write `a`/`d` edits into.
    pub config_path: Option<PathBuf>,
    pub watch_every: Duration,
    pub rebuild: Option<Rebuild>,
    pub suspend: Option<Box<dyn Suspend>>,
    pub opener: opener::Opener,
    pub bell: notify::Bell,
    /// The on-disk cache: read before the first frame, written while running and at exit.
    pub cache: Option<crate::store::cache::Cache>,
    /// The last snapshot of the cache taken, shared with the panic hook.
    pub last_snapshot: cache::LastSnapshot,
}

impl Runtime {
    pub fn new(
        providers: Providers,
        clock: Arc<dyn Clock>,
        control: mpsc::UnboundedReceiver<Msg>,
    ) -> Runtime {
        Runtime {
            providers,
            clock,
            control,
            config_path: None,
            // A stat a second: a save shows within a second, and an idle pane wakes little for it.
            watch_every: Duration::from_secs(1),
            rebuild: None,
            suspend: None,
            opener: opener::system_opener(),
            bell: notify::terminal_bell(),
            cache: None,
            last_snapshot: Default::default(),
        }
    }
}

/// Terminal key event to the app's key; `None` for releases and keys the app has no name for.
pub fn key_from(ev: KeyEvent) -> Option<Key> {
    if ev.kind == KeyEventKind::Release {
        return None;
    }
    let code = match ev.code {
        CtKey::Char(c) => KeyCode::Char(c),
        CtKey::Enter => KeyCode::Enter,
        CtKey::Esc => KeyCode::Esc,
        CtKey::Tab if ev.modifiers.contains(KeyModifiers::SHIFT) => KeyCode::BackTab,
        CtKey::Tab => KeyCode::Tab,
        CtKey::BackTab => KeyCode::BackTab,
        CtKey::Backspace => KeyCode::Backspace,
        CtKey::Up => KeyCode::Up,
        CtKey::Down => KeyCode::Down,
        CtKey::Left => KeyCode::Left,
        CtKey::Right => KeyCode::Right,
        CtKey::Home => KeyCode::Home,
        CtKey::End => KeyCode::End,
        CtKey::PageUp => KeyCode::PageUp,
        CtKey::PageDown => KeyCode::PageDown,
        CtKey::Delete => KeyCode::Delete,
        CtKey::Insert => KeyCode::Insert,
        CtKey::F(n) => KeyCode::F(n),
        _ => return None,
    };
    let ctrl = ev.modifiers.contains(KeyModifiers::CONTROL);
    let code = match code {
        KeyCode::Char(c) if ctrl => KeyCode::Char(c.to_ascii_lowercase()),
        other => other,
    };
    Some(Key { code, ctrl, alt: ev.modifiers.contains(KeyModifiers::ALT) })
}

fn event_msg(ev: Event) -> Option<Msg> {
    match ev {
        Event::Key(k) => key_from(k).map(Msg::Key),
        Event::Resize(w, h) => Some(Msg::Resize(w, h)),
        _ => None,
    }
}

/// The refresh task and the channels to it; restarted whole when the config changes.
struct Refresher {
    plan_tx: watch::Sender<Plan>,
    task: tokio::task::JoinHandle<()>,
}

impl Refresher {
    fn start(
        providers: &Providers,
        clock: &Arc<dyn Clock>,
        plan: Plan,
        data_tx: mpsc::Sender<Msg>,
    ) -> Refresher {
        let (plan_tx, plan_rx) = watch::channel(plan);
        let task = tokio::spawn(crate::refresh::run(providers.clone(), clock.clone(), plan_rx, data_tx));
        Refresher { plan_tx, task }
    }
}

impl Drop for Refresher {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// The price stream's task and the symbol list it follows. It outlives config edits that keep its
/// source, so `a`/`d` change the subscription without a reconnect.
struct Streamer {
    source: Arc<dyn StreamSource>,
    symbols: watch::Sender<Vec<Symbol>>,
    /// Its own channel: what a replaced stream had queued goes with it.
    events: mpsc::Receiver<StreamEvent>,
    task: tokio::task::JoinHandle<()>,
}

impl Streamer {
    fn start(providers: &Providers, symbols: Vec<Symbol>) -> Option<Streamer> {
        let source = providers.stream.clone()?;
        let (symbols, rx) = watch::channel(symbols);
        // A flood of ticks waits here rather than in memory: the stream task slows to what the loop takes.
        let (tx, events) = mpsc::channel(256);
        let task = tokio::spawn(source.clone().run(rx, tx));
        Some(Streamer { source, symbols, events, task })
    }

    /// Still the stream `providers` has (an edit that kept the provider settings keeps it).
    fn serves(&self, providers: &Providers) -> bool {
        providers.stream.as_ref().is_some_and(|s| Arc::ptr_eq(s, &self.source))
    }

    fn follow(&self, symbols: Vec<Symbol>) {
        self.symbols.send_if_modified(|v| {
            let changed = *v != symbols;
            *v = symbols;
            changed
        });
    }
}

impl Drop for Streamer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Data (ticks above all) is drawn at most this often; keys and resizes draw at once.
pub const FRAME: Duration = Duration::from_millis(100);

/// Run until quit or shutdown. Spawns the refresh task (and the config watcher) and stops them on
/// the way out. `make_events` gives the input stream, again after the editor has had the terminal.
pub async fn run<B, E, F>(
    terminal: &mut Terminal<B>,
    mut make_events: F,
    mut state: State,
    mut rt: Runtime,
) -> io::Result<Stats>
where
    B: Backend,
    E: Stream<Item = io::Result<Event>> + Unpin,
    F: FnMut() -> E,
{
    let mut stats = Stats::default();
    let size = terminal.size().map_err(|e| io::Error::other(e.to_string()))?;
    let now = rt.clock.now();
    // What the last run knew is on the first frame, marked stale, before any source answers.
    let mut saver = rt.cache.clone().map(|c| {
        cache::restore(&mut state, c.load());
        cache::Saver::new(c, rt.last_snapshot.clone())
    });
    let first = update(&mut state, Msg::Resize(size.width, size.height), now);

    let mut refresh_seq = 0;
    let (data_tx, mut data_rx) = mpsc::channel(64);
    let mut refresher = Refresher::start(&rt.providers, &rt.clock, state.plan(refresh_seq), data_tx.clone());
    let mut streamer = Streamer::start(&rt.providers, state.stream_symbols());
    // Config changes and the results of edits come in here.
    let (inbox_tx, mut inbox) = mpsc::unbounded_channel::<Msg>();
    let known = rt.config_path.as_deref().map(config_watch::known);
    let edit_lock = Arc::new(std::sync::Mutex::new(()));
    let watcher = match (&rt.config_path, &known) {
        (Some(p), Some(k)) => Some(tokio::spawn(crate::app::watcher::run(
            p.clone(),
            rt.watch_every,
            k.clone(),
            inbox_tx.clone(),
        ))),
        _ => None,
    };
    let mut events = make_events();
    for eff in first.effects {
        if let Effect::FetchSeries(keys) = eff {
            fetch_series(&rt.providers, keys, &inbox_tx);
        }
    }
    // The config the running sources were built from, to see what an edit changed.
    let mut built_from = state.config.clone();

    draw(terminal, &state, &mut stats)?;
    let mut last_draw = Instant::now();
    // Ticks changed what is shown but the last frame is too recent: draw at this instant.
    let mut draw_at: Option<Instant> = None;
    let mut tick_at = Instant::now() + state.next_time_change();
    let mut input_open = true;
    // The wall clock against the monotonic one: a laptop's sleep stops the second, not the first.
    let mut clocks = (rt.clock.now(), Instant::now());
    'outer: loop {
        let tick_armed = !state.layout().too_small;
        let first = tokio::select! {
            biased;
            Some(m) = rt.control.recv() => m,
            ev = events.next(), if input_open => match ev {
                Some(Ok(e)) => match event_msg(e) { Some(m) => m, None => continue },
                Some(Err(e)) => { tracing::error!(error = %e, "terminal input failed"); Msg::Shutdown }
                None => { input_open = false; Msg::Shutdown }
            },
            Some(m) = data_rx.recv() => m,
            Some(m) = inbox.recv() => m,
            _ = sleep_until_some(draw_at) => {
                draw(terminal, &state, &mut stats)?;
                (last_draw, draw_at) = (Instant::now(), None);
                continue;
            }
            _ = sleep_until_some(saver.as_ref().and_then(cache::Saver::due)) => {
                if let Some(s) = saver.as_mut() {
                    s.save(&state, rt.clock.now());
                }
                continue;
            }
            _ = tokio::time::sleep_until(tick_at), if tick_armed => {
                Msg::Tick
            }
            // Last: a flood of ticks must not hold up input, the clock, or the frame timer.
            Some(ev) = async { streamer.as_mut()?.events.recv().await }, if streamer.is_some() => Msg::Stream(ev),
        };
        stats.wakeups += 1;
        let (wall, mono) = (rt.clock.now(), Instant::now());
        let slept = chrono::Duration::from_std(mono - clocks.1).unwrap_or_default();
        if wall - clocks.0 - slept > chrono::Duration::seconds(JUMP) {
            // Back from a suspend (or the clock was set forward): everything due meanwhile, now.
            tracing::info!(
                by_secs = (wall - clocks.0 - slept).num_seconds(),
                "the wall clock jumped forward"
            );
            refresh_seq += 1;
            refresher.plan_tx.send_replace(state.plan(refresh_seq));
        }
        clocks = (wall, mono);
        let mut pending = vec![first];
        let (mut redraw, mut due) = (false, false);
        while let Some(msg) = pending.pop() {
            // What the user did is drawn at once; what came in (ticks, quotes, the clock) at most
            // once a frame, so a tick flood costs ten frames a second and no more.
            let urgent = matches!(msg, Msg::Key(_) | Msg::Resize(..));
            let out = update(&mut state, msg, rt.clock.now());
            if urgent {
                redraw |= out.redraw;
            } else {
                due |= out.redraw;
            }
            for eff in out.effects {
                match eff {
                    Effect::Quit => break 'outer,
                    Effect::RefreshNow => {
                        refresh_seq += 1;
                        refresher.plan_tx.send_replace(state.plan(refresh_seq));
                    }
                    Effect::Replan => {
                        refresher.plan_tx.send_replace(state.plan(refresh_seq));
                        if let Some(s) = &streamer {
                            s.follow(state.stream_symbols());
                        }
                    }
                    Effect::Reconfigure => {
                        if let Some(rebuild) = &rt.rebuild {
                            rt.providers = rebuild(&state.config, &built_from, &rt.providers);
                        }
                        built_from = state.config.clone();
                        // Drop the old task first: its late answers carry the old generation anyway.
                        drop(refresher);
                        refresher = Refresher::start(
                            &rt.providers,
                            &rt.clock,
                            state.plan(refresh_seq),
                            data_tx.clone(),
                        );
                        match &streamer {
                            Some(s) if s.serves(&rt.providers) => s.follow(state.stream_symbols()),
                            _ => {
                                drop(streamer.take());
                                streamer = Streamer::start(&rt.providers, state.stream_symbols());
                            }
                        }
                    }
                    Effect::FetchSeries(keys) => fetch_series(&rt.providers, keys, &inbox_tx),
                    Effect::Bell => (rt.bell)(),
                    Effect::Log(line) => tracing::warn!("{line}"),
                    Effect::AlertCommand(message) => {
                        notify::run_alert_command(&state.config.alerts_command, message, inbox_tx.clone())
                    }
                    Effect::SaveCache => {
                        if let Some(s) = saver.as_mut() {
                            s.changed();
                        }
                    }
                    Effect::OpenLink(url) => opener::open_link(rt.opener.clone(), url, inbox_tx.clone()),
                    Effect::AddSymbols { group, symbols } => {
                        match edit_job(&rt, &known, &inbox_tx, &edit_lock) {
                            Some(job) => drop(tokio::spawn(crate::app::edits::add(
                                job,
                                rt.providers.clone(),
                                group,
                                symbols,
                            ))),
                            None => pending.push(Msg::Notice(NO_FILE.to_string())),
                        }
                    }
                    Effect::RemoveSymbol { group, symbol } => {
                        match edit_job(&rt, &known, &inbox_tx, &edit_lock) {
                            Some(job) => drop(tokio::spawn(crate::app::edits::remove(job, group, symbol))),
                            None => pending.push(Msg::Notice(NO_FILE.to_string())),
                        }
                    }
                    Effect::EditConfig => {
                        let (Some(path), Some(suspend)) = (rt.config_path.clone(), rt.suspend.as_mut())
                        else {
                            pending
                                .push(Msg::Notice("editing needs a terminal and a config path".to_string()));
                            continue;
                        };
                        // The input stream must let go of the terminal, or it would eat the editor's keys.
                        drop(events);
                        // Only a shutdown stops the editor; the control channel closing does not.
                        let control = &mut rt.control;
                        let stop = async {
                            while let Some(m) = control.recv().await {
                                if matches!(m, Msg::Shutdown) {
                                    return;
                                }
                            }
                            futures::future::pending().await
                        };
                        let outcome = editor::edit_in_editor(&path, suspend.as_mut(), stop).await;
                        events = make_events();
                        // Resizes while the editor had the terminal were not seen: ask again.
                        if let Ok(size) = terminal.size() {
                            pending.push(Msg::Resize(size.width, size.height));
                        }
                        // The editor left its own screen behind; ratatui only writes what changed, so draw
                        // a blank frame first and the next one paints every cell. (Terminal::clear would
                        // ask the terminal for the cursor position, which not every terminal answers.)
                        terminal
                            .draw(|f| f.render_widget(ratatui::widgets::Clear, f.area()))
                            .map_err(|e| io::Error::other(e.to_string()))?;
                        redraw = true;
                        match outcome {
                            Ok(editor::Edited::Done(note)) => {
                                pending.push(Msg::Notice(note));
                                // Read now, not at the watcher's next poll; it then knows this text.
                                let known = known.clone().unwrap_or_default();
                                pending.push(Msg::Config(Box::new(config_watch::read(&path, &known))));
                            }
                            Ok(editor::Edited::Interrupted) => pending.push(Msg::Shutdown),
                            Err(e) => pending.push(Msg::Notice(e)),
                        }
                    }
                }
            }
            // Whatever is already queued is handled before drawing: a burst becomes one frame.
            if !pending.is_empty() {
                continue;
            }
            if let Ok(m) = rt.control.try_recv() {
                pending.push(m);
            } else if let Some(m) = poll_input(&mut events, &mut input_open).await {
                pending.push(m);
            } else if let Ok(m) = data_rx.try_recv() {
                pending.push(m);
            } else if let Ok(m) = inbox.try_recv() {
                pending.push(m);
            } else if !(redraw || (due && last_draw.elapsed() >= FRAME)) {
                // More ticks only while no frame is owed: a steady flood still gets drawn.
                if let Some(ev) = streamer.as_mut().and_then(|s| s.events.try_recv().ok()) {
                    pending.push(Msg::Stream(ev));
                }
            }
        }
        if redraw || (due && last_draw.elapsed() >= FRAME) {
            draw(terminal, &state, &mut stats)?;
            (last_draw, draw_at) = (Instant::now(), None);
        } else if due && draw_at.is_none() {
            draw_at = Some(last_draw + FRAME);
        }
        tick_at = Instant::now() + state.next_time_change();
    }
    if let Some(w) = watcher {
        w.abort();
    }
    drop(refresher);
    drop(streamer);
    if let Some(s) = saver {
        s.finish(&state, rt.clock.now()).await;
    }
    Ok(stats)
}

/// Seconds the wall clock may run ahead of the monotonic clock between two wakes before it counts as
/// a jump (a suspend and resume).
const JUMP: i64 = 30;

/// Sleeps until `at`, or for ever when there is nothing to wait for.
async fn sleep_until_some(at: Option<Instant>) {
    match at {
        Some(at) => tokio::time::sleep_until(at).await,
        None => std::future::pending().await,
    }
}

/// Fetch these series; each answer comes back as a `Msg::Series`, its error made safe to show.
fn fetch_series(providers: &Providers, keys: Vec<(Symbol, ChartRange)>, inbox: &mpsc::UnboundedSender<Msg>) {
    for (symbol, range) in keys {
        let (charts, inbox) = (providers.charts.clone(), inbox.clone());
        tokio::spawn(async move {
            let result = charts.series(&symbol, range).await.map_err(|e| clean(&e.to_string()));
            let _ = inbox.send(Msg::Series { symbol, range, result });
        });
    }
}

/// What an edit task needs: the file, the watcher's record of it, and the way back into the loop.
fn edit_job(
    rt: &Runtime,
    known: &Option<config_watch::Known>,
    inbox: &mpsc::UnboundedSender<Msg>,
    one_at_a_time: &Arc<std::sync::Mutex<()>>,
) -> Option<crate::app::edits::Job> {
    let (path, known) = (rt.config_path.clone()?, known.clone()?);
    Some(crate::app::edits::Job { path, known, inbox: inbox.clone(), one_at_a_time: one_at_a_time.clone() })
}

const NO_FILE: &str = "no config file path for this user: edits cannot be saved";

/// Input that is ready now, without waiting. `poll!` registers this task's own waker: crossterm's
/// stream keeps the first waker it is given, so polling it with a throwaway one would stall input.
async fn poll_input<E>(events: &mut E, open: &mut bool) -> Option<Msg>
where
    E: Stream<Item = io::Result<Event>> + Unpin,
{
    while *open {
        match futures::poll!(events.next()) {
            std::task::Poll::Pending => return None,
            std::task::Poll::Ready(Some(Ok(e))) => {
                if let Some(m) = event_msg(e) {
                    return Some(m);
                }
            }
            std::task::Poll::Ready(Some(Err(_)) | None) => {
                *open = false;
                return Some(Msg::Shutdown);
            }
        }
    }
    None
}

fn draw<B: Backend>(terminal: &mut Terminal<B>, state: &State, stats: &mut Stats) -> io::Result<()> {
    stats.draws += 1;
    terminal.draw(|f| crate::ui::view(state, f)).map(|_| ()).map_err(|e| io::Error::other(e.to_string()))
}
