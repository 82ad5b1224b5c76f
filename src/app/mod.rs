//! The runtime: one `select!` over control, input, data and a clock tick (`event_loop`), which
//! draws only when `update` says so and runs the effects it asks for.

pub mod cache;
pub mod editor;
pub mod edits;
mod event_loop;
pub mod input;
mod jump;
pub mod notify;
pub mod opener;
pub mod search;
mod stats;
mod tasks;
pub mod watcher;

use std::io;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use crossterm::event::Event;
use futures::Stream;
use ratatui::Terminal;
use ratatui::backend::Backend;
use tokio::sync::mpsc;
use tokio::time::Instant;

use crate::config::Config;
use crate::market::Symbol;
use crate::market::clock::Clock;
use crate::market::series::ChartRange;
use crate::msg::{Effect, Msg};
use crate::present::sanitize::clean;
use crate::providers::Providers;
use crate::state::{State, update};
use crate::term::Suspend;
use event_loop::{Flow, Loop, Wake};
use jump::ClockJump;
pub use stats::Stats;
use tasks::{Refresher, Streamer};

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
    pub watch: watcher::Watch,
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
            // A stat a second: a save shows within a second. The app also asks the kernel (see
            // `cli::run`); tests keep to the poll, which the paused clock drives.
            watch: watcher::Watch { every: Duration::from_secs(1), notify: false },
            rebuild: None,
            suspend: None,
            opener: opener::system_opener(),
            bell: notify::terminal_bell(),
            cache: None,
            last_snapshot: Default::default(),
        }
    }
}

pub use event_loop::FRAME;
pub use input::key_from;

/// Run until quit or shutdown. Spawns the refresh task (and the config watcher) and stops them on
/// the way out. `make_events` gives the input stream, again after the editor has had the terminal.
pub async fn run<B, E, F>(
    terminal: &mut Terminal<B>,
    make_events: F,
    state: State,
    rt: Runtime,
) -> io::Result<Stats>
where
    B: Backend,
    E: Stream<Item = io::Result<Event>> + Unpin,
    F: FnMut() -> E,
{
    let mut lp = start(terminal, make_events, state, rt)?;
    lp.draw()?;
    lp.tick_at = Instant::now() + lp.state.next_time_change();
    loop {
        match lp.wait().await {
            Wake::Msg(m) => {
                if lp.turn(m).await? == Flow::Quit {
                    break;
                }
            }
            Wake::Draw => lp.draw()?,
            Wake::Save => lp.save(),
            Wake::Nothing => {}
        }
    }
    Ok(lp.finish().await)
}

/// The loop before its first frame: what the last run knew restored, the tasks started.
fn start<B, E, F>(
    terminal: &mut Terminal<B>,
    mut make_events: F,
    mut state: State,
    rt: Runtime,
) -> io::Result<Loop<'_, B, E, F>>
where
    B: Backend,
    E: Stream<Item = io::Result<Event>> + Unpin,
    F: FnMut() -> E,
{
    let size = terminal.size().map_err(|e| io::Error::other(e.to_string()))?;
    let now = rt.clock.now();
    // What the last run knew is on the first frame, marked stale, before any source answers.
    let saver = rt.cache.clone().map(|c| {
        cache::restore(&mut state, c.load());
        cache::Saver::new(c, rt.last_snapshot.clone())
    });
    let first = update(&mut state, Msg::Resize(size.width, size.height), now);
    let (data_tx, data_rx) = mpsc::channel(64);
    let refresher = Refresher::start(&rt.providers, &rt.clock, state.plan(0), data_tx.clone());
    let streamer = Streamer::start(&rt.providers, state.stream_symbols());
    let (inbox_tx, inbox) = mpsc::unbounded_channel::<Msg>();
    tasks::say_if_stream_off(&state.config, state.demo, &inbox_tx);
    let known = rt.config_path.as_deref().map(watcher::known);
    let watcher = match (&rt.config_path, &known) {
        (Some(p), Some(k)) => {
            Some(tokio::spawn(watcher::run(p.clone(), rt.watch, k.clone(), inbox_tx.clone())))
        }
        _ => None,
    };
    for eff in first.effects {
        if let Effect::FetchSeries { generation, keys } = eff {
            fetch_series(&rt.providers, generation, keys, &inbox_tx);
        }
    }
    let events = Some(make_events());
    let jump = ClockJump::new(rt.clock.now(), Instant::now());
    Ok(Loop {
        terminal,
        make_events,
        events,
        input_open: true,
        built_from: (*state.config).clone(),
        state,
        rt,
        meter: stats::Meter::new(Instant::now()),
        saver,
        refresh_seq: 0,
        data_tx,
        data_rx,
        refresher,
        streamer,
        inbox_tx,
        inbox,
        known,
        edit_lock: Arc::new(std::sync::Mutex::new(())),
        searchers: None,
        watcher,
        last_draw: Instant::now(),
        turn_began: Instant::now(),
        draw_at: None,
        tick_at: Instant::now(),
        jump,
    })
}

/// Fetch these series; each answer comes back as a `Msg::Series`, its error made safe to show.
fn fetch_series(
    providers: &Providers,
    generation: u64,
    keys: Vec<(Symbol, ChartRange)>,
    inbox: &mpsc::UnboundedSender<Msg>,
) {
    for (symbol, range) in keys {
        let (charts, inbox) = (providers.charts.clone(), inbox.clone());
        tokio::spawn(async move {
            let result = charts.series(&symbol, range).await.map_err(|e| clean(&e.to_string()));
            let _ = inbox.send(Msg::Series { generation, symbol, range, result });
        });
    }
}
