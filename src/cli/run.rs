//! From parsed arguments to a running command: config first (fail fast), then the TUI or a one-shot.

use std::io::{self, IsTerminal};
use std::sync::Arc;

use chrono::{DateTime, Utc};
use tokio::sync::mpsc;

use crate::cli::{Cli, Command};
use crate::cli::{EXIT_OK, EXIT_USAGE, Io};
use crate::config::{Config, Source};
use crate::market::clock::{Clock, ShiftedClock, SystemClock};
use crate::state::State;

fn source(cli: &Cli) -> Source {
    match &cli.config {
        Some(p) => Source::Explicit(p.clone()),
        None => Source::Default(crate::config::default_path()),
    }
}

/// What `--fake-now` looks like: a weekday afternoon in New York.
const FAKE_NOW_EXAMPLE: &str = "2026-11-24T15:00:00Z";

fn clock(cli: &Cli) -> Result<Arc<dyn Clock>, String> {
    match &cli.fake_now {
        Some(t) => DateTime::parse_from_rfc3339(t)
            .map(|t| Arc::new(ShiftedClock::starting_at(t.with_timezone(&Utc))) as Arc<dyn Clock>)
            .map_err(|e| format!("--fake-now {t:?}: expected RFC 3339, e.g. {FAKE_NOW_EXAMPLE} ({e})")),
        None => Ok(Arc::new(SystemClock)),
    }
}

/// glibc gives each thread that allocates an arena of its own and keeps what it frees: a feed
/// parsed on one worker and the state kept on another then each hold their own peak (49 MB resident
/// at 1,000 symbols and 5,000 headlines; 36 MB with one arena and fixed thresholds, at no measured
/// cost in CPU). Set before any thread starts; other C libraries ignore it.
fn tune_malloc() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets allocator parameters; called before any other thread exists.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 1);
        libc::mallopt(libc::M_TRIM_THRESHOLD, 128 * 1024);
        libc::mallopt(libc::M_MMAP_THRESHOLD, 128 * 1024);
    }
}

/// Longer than any idle gap between two uses of the blocking pool (the closed-market refresh).
const BLOCKING_KEEP_ALIVE: std::time::Duration = std::time::Duration::from_secs(3600);

/// The app's runtime: two workers, and blocking threads kept between uses. DNS lookups, cache and
/// headline writes run on the blocking pool every few minutes while idle; threads that outlive
/// those gaps are reused instead of made and ended each time.
pub fn runtime() -> io::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_keep_alive(BLOCKING_KEEP_ALIVE)
        .enable_all()
        .build()
}

/// Logs go to a file in the state (or data) dir; never to the terminal.
fn init_logging() -> Option<tracing_appender::non_blocking::WorkerGuard> {
    let dirs = directories::ProjectDirs::from("", "", "chiptape")?;
    let dir = dirs.state_dir().unwrap_or(dirs.data_local_dir()).to_path_buf();
    std::fs::create_dir_all(&dir).ok()?;
    let file = tracing_appender::rolling::never(&dir, "chiptape.log");
    // The default queue is 128,000 lines, allocated and touched at start: 4 MB resident for a
    // log that writes a few lines an hour. Lines past a full queue are dropped (lossy), never waited on.
    let (writer, guard) = tracing_appender::non_blocking::NonBlockingBuilder::default()
        .buffered_lines_limit(1024)
        .lossy(true)
        .finish(file);
    let filter = tracing_subscriber::EnvFilter::try_from_env("CHIPTAPE_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    tracing_subscriber::fmt().with_writer(writer).with_ansi(false).with_env_filter(filter).try_init().ok()?;
    Some(guard)
}

/// Run the command line; returns the process exit code.
pub fn run(cli: Cli) -> i32 {
    tune_malloc();
    let source = source(&cli);
    match &cli.command {
        // Made from the command line alone: no config is read.
        Some(Command::Completions { shell }) => {
            return crate::cli::completions::completions(*shell, &mut io::stdout());
        }
        Some(Command::Man) => return crate::cli::man::man(&mut io::stdout()),
        _ => {}
    }
    if let Some(Command::Config { command }) = &cli.command {
        return crate::cli::config::config_cmd(command, &source, &mut io::stdout(), &mut io::stderr());
    }
    let config: Config = match source.load() {
        Ok(c) => c,
        Err(e) => {
            crate::cli::config_error(&mut io::stderr(), &e);
            return EXIT_USAGE;
        }
    };
    let clock = match clock(&cli) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("chiptape: {e}");
            return EXIT_USAGE;
        }
    };
    if let Some(Command::Calendar { exchange, year, format }) = &cli.command {
        let io = Io { out: &mut io::stdout(), err: &mut io::stderr() };
        return crate::cli::calendar::calendar(&config, exchange.as_deref(), *year, *format, clock.now(), io);
    }
    // Held until the end of `run`, or handed to the TUI's panic hook (see `term::install_panic_hook`).
    let mut log = init_logging();
    let rt = match runtime() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("chiptape: cannot start the runtime: {e}");
            return 1;
        }
    };
    if let Some(Command::Line(args)) = &cli.command {
        let code = line(&cli, &config, args, clock, &rt);
        rt.shutdown_timeout(std::time::Duration::from_millis(100));
        return code;
    }
    let providers = crate::providers::build(&config, cli.demo, cli.seed, clock.clone());
    let now = clock.now();
    let code = match &cli.command {
        Some(
            cmd @ (Command::Quotes(_)
            | Command::News { .. }
            | Command::Filings { .. }
            | Command::Events { .. }
            | Command::Search { .. }
            | Command::Compare(_)
            | Command::Doctor { .. }),
        ) => rt.block_on(fetch_once(cmd, cli.demo, &config, &providers, now)),
        Some(
            Command::Config { .. }
            | Command::Calendar { .. }
            | Command::Line(_)
            | Command::Completions { .. }
            | Command::Man,
        ) => EXIT_OK,
        None => {
            if !io::stdout().is_terminal() {
                eprintln!(
                    "chiptape: the watchlist needs a terminal (try `chiptape quotes` for plain output)"
                );
                return EXIT_USAGE;
            }
            let mut state = State::new(config, providers.demo, now);
            state.no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
            state.zone = crate::present::time::LocalZone::System;
            let path = source.path().map(|p| p.to_path_buf());
            let caught = Arc::new(std::sync::atomic::AtomicI32::new(0));
            match rt.block_on(tui(state, providers, clock, path, &cli, log.take(), caught.clone())) {
                // Ended by a signal that is not a request to quit: say so the shell's way.
                Ok(()) => match caught.load(std::sync::atomic::Ordering::SeqCst) {
                    0 => EXIT_OK,
                    n => 128 + n,
                },
                Err(e) => {
                    eprintln!("chiptape: {e}");
                    1
                }
            }
        }
    };
    // A link opener, an editor or a feed parser still busy on a blocking thread (or a task on a
    // worker) must not keep us from exiting.
    rt.shutdown_timeout(std::time::Duration::from_millis(100));
    code
}

/// The commands that fetch once, print and exit: each with the sources built for this run.
async fn fetch_once(
    cmd: &Command,
    demo: bool,
    config: &Config,
    providers: &crate::providers::Providers,
    now: DateTime<Utc>,
) -> i32 {
    let (mut out, mut err) = (io::stdout(), io::stderr());
    let io = Io { out: &mut out, err: &mut err };
    match cmd {
        Command::Quotes(args) => {
            crate::cli::quotes::quotes(
                config,
                providers,
                // The last run's quotes stand in (marked stale) for those the source cannot give now.
                &cached_quotes(providers.demo),
                args,
                now,
                io,
            )
            .await
        }
        Command::News { symbol, limit, format, kind } => {
            let only = crate::cli::news::Only { symbol: symbol.as_deref(), kind: kind.map(|k| k.kind()) };
            crate::cli::news::news(providers, config, only, *limit, *format, now, io).await
        }
        Command::Filings { symbol, form, days, format } => {
            let ask = crate::cli::filings::Ask { symbol: symbol.as_deref(), forms: form, days: *days };
            crate::cli::filings::filings(providers, config, ask, *format, now, io).await
        }
        Command::Events { days, format } => {
            crate::cli::events::events(
                config,
                providers,
                &cached_quotes(providers.demo),
                *days,
                *format,
                now,
                io,
            )
            .await
        }
        Command::Search { query, format } => {
            crate::cli::search::search(config, providers, query, *format, io).await
        }
        Command::Compare(args) => crate::cli::compare::run(config, providers, args, io).await,
        Command::Doctor { format } => {
            crate::cli::doctor::doctor(config, demo, *format, &crate::cli::doctor::Options::default(), io)
                .await
        }
        _ => EXIT_OK,
    }
}

/// `chiptape line`: the sources are built only when the cache cannot answer, so a status bar's
/// poll of a fresh cache costs a file read, not a TLS client.
fn line(
    cli: &Cli,
    config: &Config,
    args: &crate::cli::line::LineArgs,
    clock: Arc<dyn Clock>,
    rt: &tokio::runtime::Runtime,
) -> i32 {
    let demo = cli.demo || config.provider.kind == crate::config::ProviderKind::Demo;
    let now = clock.now();
    let mut fetch = |symbols: &[crate::market::Symbol]| {
        let providers = crate::providers::build(config, cli.demo, cli.seed, clock.clone());
        rt.block_on(providers.quotes.quotes(symbols))
    };
    let sources = crate::cli::line::Sources {
        now,
        // Demo prices are not a real market's: they never go into the cache, nor come from it.
        cache: (!demo).then(crate::store::cache::Cache::default_location).flatten(),
        fetch: &mut fetch,
        wait: crate::cli::line::WAIT,
        zone: crate::present::time::LocalZone::System,
    };
    let io = Io { out: &mut io::stdout(), err: &mut io::stderr() };
    crate::cli::line::line(config, args, sources, io)
}

/// The cached quotes, unless the market is the demo's (its prices are never cached).
fn cached_quotes(demo: bool) -> Vec<crate::store::cache::CachedQuote> {
    let cache = (!demo).then(crate::store::cache::Cache::default_location).flatten();
    cache.map(|c| c.load().quotes).unwrap_or_default()
}

async fn tui(
    state: State,
    providers: crate::providers::Providers,
    clock: Arc<dyn Clock>,
    config_path: Option<std::path::PathBuf>,
    cli: &Cli,
    log: Option<tracing_appender::non_blocking::WorkerGuard>,
    caught_signal: Arc<std::sync::atomic::AtomicI32>,
) -> io::Result<()> {
    let (demo, seed) = (cli.demo, cli.seed);
    let (control_tx, control_rx) = mpsc::unbounded_channel();
    crate::term::forward_signals(control_tx.clone(), caught_signal)?;
    // ratatui::try_init, with the size asked once per resize (see `SizedBackend`).
    crate::term::take(state.config.mouse)?;
    let resized = Arc::new(std::sync::atomic::AtomicBool::new(true));
    let backend = ratatui::backend::CrosstermBackend::new(io::stdout());
    let mut terminal = ratatui::Terminal::new(crate::term::SizedBackend::new(backend, resized.clone()))?;
    // Demo prices are not a real market's: they never go into the cache.
    let cache = (!providers.demo).then(crate::store::cache::Cache::default_location).flatten();
    let last_snapshot = crate::app::cache::LastSnapshot::default();
    let save_on_panic: Box<dyn Fn() + Send + Sync> = match cache.clone() {
        Some(c) => {
            let last = last_snapshot.clone();
            // try_lock: the panic may have struck while the lock was held.
            Box::new(move || {
                if let Ok(slot) = last.try_lock()
                    && let Some(snapshot) = slot.as_ref()
                {
                    snapshot.save(&c);
                }
            })
        }
        None => Box::new(|| {}),
    };
    crate::term::install_panic_hook(log, save_on_panic);
    if cli.panic_for_test {
        tokio::spawn(async { panic!("a panic in a task, asked for by --panic-for-test") });
    }
    let rebuild_clock = clock.clone();
    let rebuild: crate::app::Rebuild = Arc::new(move |new, old, current| {
        crate::providers::rebuild(new, old, current, demo, seed, rebuild_clock.clone())
    });
    let mut runtime = crate::app::Runtime::new(providers, clock, control_rx);
    runtime.config_path = config_path;
    runtime.watch.notify = true;
    runtime.rebuild = Some(rebuild);
    runtime.suspend = Some(Box::new(crate::term::Screen));
    runtime.cache = cache;
    runtime.last_snapshot = last_snapshot;
    // A new stream means the terminal was away (the editor had it); a resize event, a new size.
    let events = move || {
        resized.store(true, std::sync::atomic::Ordering::SeqCst);
        let seen = resized.clone();
        futures::StreamExt::inspect(crossterm::event::EventStream::new(), move |e| {
            if let Ok(crossterm::event::Event::Resize(..)) = e {
                seen.store(true, std::sync::atomic::Ordering::SeqCst);
            }
        })
    };
    let result = crate::app::run(&mut terminal, events, state, runtime).await;
    crate::term::restore();
    drop(control_tx);
    tracing::info!(?result, "exit");
    crate::term::remove_panic_hook();
    result.map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Issue 27, item 2: idle, the app used its blocking pool (DNS lookups, cache writes) every few
    /// minutes, and each time the pool had let its thread go (tokio keeps one 10 s by default): a
    /// thread made and ended per refresh. The app's runtime keeps them. Real time, not the paused
    /// clock: the pool's keep-alive is a thread waiting on a condition variable, which no tokio clock
    /// drives; the 11 s wait is the idle gap under test and overlaps the rest of the suite.
    #[test]
    fn the_blocking_pool_keeps_its_thread_across_an_idle_gap() {
        let rt = runtime().unwrap();
        let id = || rt.block_on(rt.spawn_blocking(|| std::thread::current().id())).unwrap();
        let first = id();
        std::thread::sleep(std::time::Duration::from_secs(11));
        assert_eq!(id(), first, "the blocking thread was let go and a new one made");
    }
}
