//! Measures the real release binary in a pseudo-terminal against a local stand-in for Yahoo and a
//! feed on 127.0.0.1 (nothing goes to the internet), and prints a table of figures:
//!
//! ```text
//! cargo build --release && cargo run --release --example harness
//! cargo build --release && cargo run --release --example harness -- --symbols 1000 --headlines 5000
//! cargo run --release --example harness -- --idle-secs 10 --window-secs 15   # a quick run
//! ```
//!
//! Without `--symbols` the built-in watchlist is used; with it, one group of US-style tickers
//! `S0000`, `S0001`, …. `--help` lists every flag. Linux only: CPU time and peak RSS come from
//! `/proc/<pid>/stat` and `/proc/<pid>/status`.

#[cfg(not(target_os = "linux"))]
fn main() {
    eprintln!("the harness reads /proc: Linux only");
}

#[cfg(target_os = "linux")]
fn main() {
    std::process::exit(linux::main());
}

#[cfg(target_os = "linux")]
#[path = "../tests/common/env.rs"]
mod env;
#[cfg(target_os = "linux")]
#[path = "support/line.rs"]
mod line;
#[cfg(target_os = "linux")]
#[path = "support/official.rs"]
mod official;
#[cfg(target_os = "linux")]
#[path = "support/pty.rs"]
mod pty;
#[cfg(target_os = "linux")]
#[path = "../tests/common/session.rs"]
mod session;
#[cfg(target_os = "linux")]
#[path = "support/standins.rs"]
mod standins;

#[cfg(target_os = "linux")]
mod linux {
    use std::path::PathBuf;
    use std::sync::Arc;
    use std::sync::atomic::Ordering;
    use std::time::{Duration, Instant};

    use chrono::{DateTime, Utc};
    use clap::Parser;
    use tempfile::TempDir;

    use super::official::{Asked, mount_official, us_tickers};
    use super::pty::{Tui, check_config, clock_ticks, fine_delta, release_bin, sleep_until};
    use super::session::mount_yahoo_session;
    use super::standins::{Feed, Quotes, Seen, base_price, feed_xml, mount_the_rest};
    use wiremock::matchers::{method, path};
    use wiremock::{Mock, MockServer};

    const ROWS: u16 = 35;
    const COLS: u16 = 120;
    /// Tuesday 10:00 in New York: the US market is open (Hong Kong and Shanghai are closed).
    const OPEN: &str = "2026-11-24T15:00:00Z";
    /// Saturday: every market is closed.
    const CLOSED: &str = "2026-11-28T15:00:00Z";
    /// Quote requests further apart than this belong to different refresh cycles.
    const CYCLE_GAP: Duration = Duration::from_secs(1);
    const FEED_NAME: &str = "Local wire";

    #[derive(Parser, Debug)]
    #[command(about = "Measure the chiptape release binary in a PTY against a local server")]
    struct Args {
        /// The binary to measure [default: $CARGO_TARGET_DIR/release/chiptape, else target/release/chiptape].
        #[arg(long)]
        bin: Option<PathBuf>,
        /// One group of N generated tickers (S0000…); without it, the built-in watchlist.
        #[arg(long)]
        symbols: Option<usize>,
        /// Items in the local feed.
        #[arg(long, default_value_t = 60)]
        headlines: usize,
        /// Length of the idle window (markets closed), seconds.
        #[arg(long, default_value_t = 60)]
        idle_secs: u64,
        /// Length of the refresh window (market open, refresh_secs = 5), seconds.
        #[arg(long, default_value_t = 60)]
        window_secs: u64,
        /// Key presses (j and k alternately) for the CPU-per-key figure.
        #[arg(long, default_value_t = 200)]
        keys: usize,
        /// Milliseconds between key presses.
        #[arg(long, default_value_t = 25)]
        key_gap_ms: u64,
        /// Seconds skipped after start-up before a window starts.
        #[arg(long, default_value_t = 3)]
        settle_secs: u64,
        /// How long the server holds quote answers during the warm start, milliseconds.
        #[arg(long, default_value_t = 2000)]
        quote_delay_ms: u64,
        /// How long any single wait may take before it is reported as timed out, seconds.
        #[arg(long, default_value_t = 60)]
        timeout_secs: u64,
        /// Print the screen at the end of each phase.
        #[arg(long)]
        screens: bool,
        /// Every official source on (the Federal Register, EDGAR with a contact, HKEXnews, cninfo),
        /// answered by local stand-ins; without it, all four are off.
        #[arg(long)]
        official: bool,
        /// Timed runs of `chiptape line` on a fresh cache.
        #[arg(long, default_value_t = 20)]
        line_runs: usize,
        /// Only the `chiptape line` figures, not the TUI's.
        #[arg(long)]
        line_only: bool,
    }

    /// The row holding `needle` shows a price near `price` (±2 %), in any of its words.
    fn row_shows_price(screen: &vt100::Screen, needle: &str, price: f64) -> bool {
        screen.rows(0, COLS).any(|row| {
            row.contains(needle)
                && row.split_whitespace().any(|w| {
                    let w: String = w.chars().filter(|c| c.is_ascii_digit() || *c == '.').collect();
                    w.contains('.') && w.parse::<f64>().is_ok_and(|v| (v - price).abs() <= price * 0.02)
                })
        })
    }

    // ------------------------------------------------------------------ figures

    struct Table(Vec<[String; 4]>);

    impl Table {
        fn add(&mut self, name: &str, value: Option<String>, unit: &str, how: &str) {
            let (value, unit) = match value {
                Some(v) => (v, unit.to_string()),
                None => ("timed out".to_string(), String::new()),
            };
            self.0.push([name.to_string(), value, unit, how.to_string()]);
        }

        fn print(&self) {
            let w = |i: usize| self.0.iter().map(|r| r[i].chars().count()).max().unwrap_or(0);
            let (a, b, c) = (w(0), w(1), w(2));
            for r in &self.0 {
                println!("{:<a$}  {:>b$}  {:<c$}  {}", r[0], r[1], r[2], r[3]);
            }
        }
    }

    /// Requests in `[from, to)` split into cycles: (cycles, requests, symbols).
    fn cycles(log: &[(Instant, usize)], from: Instant, to: Instant) -> (usize, usize, usize) {
        let mut times: Vec<(Instant, usize)> =
            log.iter().copied().filter(|(t, _)| *t >= from && *t < to).collect();
        times.sort_by_key(|(t, _)| *t);
        let mut n = 0;
        let mut last: Option<Instant> = None;
        for (t, _) in &times {
            if last.is_none_or(|l| t.duration_since(l) > CYCLE_GAP) {
                n += 1;
            }
            last = Some(*t);
        }
        (n, times.len(), times.iter().map(|(_, s)| s).sum())
    }

    fn note_screen(notes: &mut Vec<String>, args: &Args, what: &str, tui: &Tui) {
        let status = tui.status_line();
        notes.push(format!("{what}: status line: {}", status.trim()));
        if args.screens {
            println!("--- screen, {what} ---\n{}", tui.screen_text());
        }
    }

    pub fn main() -> i32 {
        let args = Args::parse();
        match run(&args) {
            Ok(()) => 0,
            Err(e) => {
                eprintln!("harness: {e}");
                1
            }
        }
    }

    fn run(args: &Args) -> Result<(), String> {
        let bin = release_bin(args.bin.clone())?;
        let bin_size = std::fs::metadata(&bin).map(|m| m.len()).unwrap_or(0);
        let timeout = Duration::from_secs(args.timeout_secs);

        // The watchlist: generated tickers, or the built-in list (asked for from the same server).
        let builtin = chiptape::config::builtin();
        let (symbols, names, groups_toml) = match args.symbols {
            Some(n) => {
                let syms: Vec<String> = (0..n.max(1)).map(|i| format!("S{i:04}")).collect();
                let list = syms.iter().map(|s| format!("\"{s}\"")).collect::<Vec<_>>().join(", ");
                let toml = format!("[[groups]]\nname = \"Scale\"\nsymbols = [{list}]\n\n");
                (syms.clone(), syms, toml)
            }
            None => {
                let syms: Vec<String> =
                    builtin.all_symbols().iter().map(|s| s.as_str().to_string()).collect();
                let names = syms
                    .iter()
                    .map(|s| {
                        builtin
                            .symbols
                            .iter()
                            .find(|(k, _)| k.as_str() == s)
                            .and_then(|(_, m)| m.name.clone())
                            .unwrap_or_else(|| s.clone())
                    })
                    .collect();
                (syms, names, String::new())
            }
        };
        // The group the refresh run looks at, and what the harness waits to see priced.
        let (view_key, view): (Option<&str>, Vec<String>) = match args.symbols {
            Some(_) => (None, symbols.clone()),
            None => {
                // The first built-in group trades in Asia, closed at OPEN: look at the US chips.
                let g = builtin.groups.iter().position(|g| g.name == "US AI chips").unwrap_or(0);
                let key = ["1", "2", "3", "4", "5", "6", "7", "8", "9"].get(g).copied();
                (key, builtin.groups[g].symbols.iter().map(|s| s.as_str().to_string()).collect())
            }
        };
        let first = builtin_first(&symbols, args.symbols.is_some(), &builtin);
        let first_view = view.first().cloned().unwrap_or_default();

        let rt = tokio::runtime::Runtime::new().map_err(|e| format!("tokio: {e}"))?;
        let seen = Arc::new(Seen::default());
        let asked = Arc::new(Asked::default());
        let server = rt.block_on(async {
            let listener = std::net::TcpListener::bind("127.0.0.1:0").map_err(|e| format!("bind: {e}"))?;
            Ok::<_, String>(MockServer::builder().listener(listener).start().await)
        })?;
        let base = server.uri();
        let open: DateTime<Utc> = OPEN.parse().map_err(|e| format!("{e}"))?;
        let feed = feed_xml(args.headlines, &symbols, &names, open, &base);
        rt.block_on(async {
            mount_yahoo_session(&server, "crumbHarness1").await;
            Mock::given(method("GET"))
                .and(path("/v7/finance/quote"))
                .respond_with(Quotes(seen.clone()))
                .mount(&server)
                .await;
            Mock::given(method("GET"))
                .and(path("/feed.xml"))
                .respond_with(Feed(seen.clone(), feed))
                .mount(&server)
                .await;
            if args.official {
                mount_official(&server, &asked, &us_tickers(&symbols)).await;
            }
            mount_the_rest(&server, &seen).await;
        });

        let home = TempDir::new().map_err(|e| format!("temp dir: {e}"))?;
        let max_items = args.headlines.clamp(1, 5000);
        let cfg_path = home.path().join("harness.toml");
        let cfg = format!(
            "refresh_secs = 5\n\n[provider]\nquery_url = \"{base}\"\ncookie_url = \"{base}/cookie\"\n\
             stream = false\nstream_url = \"{ws}/stream\"\nmainland = \"yahoo\"\nquotes = [\"yahoo\"]\ntencent_url = \"{base}/tencent\"\n\n\
             {groups_toml}[news]\nyahoo_symbols = false\nyahoo_rss_url = \"{base}/rss\"\nmax_items = {max_items}\n\n\
             {filings}\n[[news.feeds]]\nname = \"{FEED_NAME}\"\nurl = \"{base}/feed.xml\"\n",
            ws = base.replacen("http://", "ws://", 1),
            filings = if args.official {
                format!(
                    "[filings]\nsec_user_agent = \"Harness harness@example.com\"\nsec_url = \"{base}\"\n\
                     sec_files_url = \"{base}\"\nfederal_register_url = \"{base}\"\nhkex_url = \"{base}\"\n\
                     cninfo_url = \"{base}\"\n"
                )
            } else {
                "[filings]\nsec = false\nfederal_register = false\nhkex = false\ncninfo = false\n".to_string()
            },
        );
        std::fs::write(&cfg_path, cfg).map_err(|e| format!("write config: {e}"))?;
        check_config(&bin, &cfg_path, home.path())?;
        let cfg_arg = cfg_path.to_string_lossy().to_string();

        let model = std::fs::read_to_string("/proc/cpuinfo")
            .ok()
            .and_then(|c| c.lines().find(|l| l.starts_with("model name")).map(|l| l.to_string()))
            .and_then(|l| l.split_once(':').map(|(_, m)| m.trim().to_string()))
            .unwrap_or_else(|| "unknown".into());
        let nproc = std::thread::available_parallelism().map_or(0, |n| n.get());
        println!("machine: {nproc} CPUs, {model}");
        println!("binary:  {} ({:.1} MB)", bin.display(), bin_size as f64 / 1e6);
        println!(
            "config:  {} symbols ({}), {} headlines in the feed (max_items {max_items}), official sources {}, terminal {COLS}x{ROWS}, server {base}",
            symbols.len(),
            if args.symbols.is_some() { "generated, one group" } else { "built-in watchlist" },
            args.headlines,
            if args.official { "on" } else { "off" },
        );
        println!();

        let mut table = Table(Vec::new());
        let mut notes: Vec<String> = Vec::new();
        let first_price = base_price(&first.0);
        let priced = |s: &vt100::Screen| row_shows_price(s, &first.1, first_price);
        let poll = Duration::from_millis(5);

        // 0. `chiptape line`, in a home of its own: the TUI's figures below are not touched by it.
        eprintln!("[0/4] chiptape line: cold, warm x{}, ten at once", args.line_runs);
        let group = if args.symbols.is_some() { "Scale" } else { "US AI chips" };
        for f in
            super::line::measure_in_new_home(&bin, &cfg_path, group, open, args.line_runs, &seen, &mut notes)?
        {
            table.add(f.name, f.value, f.unit, &f.how);
        }
        if args.line_only {
            table.print();
            notes.iter().for_each(|n| println!("note: {n}"));
            return Ok(());
        }

        // 1. Warm start: a first run fills the cache; the second is timed to its first priced row.
        {
            eprintln!("[1/4] warm start: first run to fill the cache");
            let mut tui =
                Tui::start(&bin, home.path(), &["--config", &cfg_arg, "--fake-now", OPEN], (COLS, ROWS))?;
            let cold = tui.wait_for(timeout, poll, priced);
            // Headlines too, so the cache holds them.
            let news = tui.wait_for(timeout, Duration::from_millis(50), |s| {
                s.rows(0, COLS).any(|r| r.contains(FEED_NAME))
            });
            table.add(
                "cold start, first priced row",
                cold.map(|d| format!("{:.0}", d.as_secs_f64() * 1e3)),
                "ms",
                "spawn to the first row of the list showing a price, empty cache, answers at once",
            );
            if news.is_none() {
                notes.push("first run: the headlines did not appear before the timeout".into());
            }
            note_screen(&mut notes, args, "first run", &tui);
            std::thread::sleep(Duration::from_millis(500));
            if !tui.quit(timeout) {
                notes.push("first run: did not exit after q (killed); the cache may be missing".into());
            }
            drop(tui);
            for name in ["cache.json", "cache.news.json"] {
                let cache = home.path().join("data/chiptape").join(name);
                match std::fs::metadata(&cache) {
                    Ok(m) => notes.push(format!("{name} after the first run: {} kB", m.len() / 1024)),
                    Err(e) => notes.push(format!("no {name} after the first run ({}: {e})", cache.display())),
                }
            }

            eprintln!("[1/4] warm start: timed run, quote answers held {} ms", args.quote_delay_ms);
            seen.delay_ms.store(args.quote_delay_ms, Ordering::Relaxed);
            let before = seen.quotes().len();
            let tui =
                Tui::start(&bin, home.path(), &["--config", &cfg_arg, "--fake-now", OPEN], (COLS, ROWS))?;
            let warm = tui.wait_for(timeout, poll, priced);
            let first_req = seen.quotes().get(before).map(|(t, _)| t.saturating_duration_since(tui.spawned));
            let from_cache = match (warm, first_req) {
                (Some(w), Some(r)) => w < r + Duration::from_millis(args.quote_delay_ms),
                (Some(_), None) => true,
                _ => false,
            };
            table.add(
                "warm start, first priced row",
                warm.map(|d| format!("{:.0}", d.as_secs_f64() * 1e3)),
                "ms",
                &format!(
                    "spawn to the first row showing a price; cache from the first run, quote answers held {} ms{}",
                    args.quote_delay_ms,
                    if warm.is_some() && !from_cache { " (CAME AFTER A QUOTE ANSWER: not from the cache)" } else { "" }
                ),
            );
            if let Some(r) = first_req {
                notes.push(format!(
                    "warm start: first quote request reached the server {:.0} ms after spawn",
                    r.as_secs_f64() * 1e3
                ));
            }
            note_screen(&mut notes, args, "warm start", &tui);
            drop(tui);
            seen.delay_ms.store(0, Ordering::Relaxed);
        }

        // 2. Idle with every market closed.
        {
            eprintln!("[2/4] idle, markets closed, {} s window", args.idle_secs);
            let tui =
                Tui::start(&bin, home.path(), &["--config", &cfg_arg, "--fake-now", CLOSED], (COLS, ROWS))?;
            let up = tui.wait_for(timeout, Duration::from_millis(20), priced);
            std::thread::sleep(Duration::from_secs(args.settle_secs));
            let (q0, t0, c0, f0) = (seen.quotes().len(), Instant::now(), tui.cpu(), tui.cpu_fine());
            sleep_until(t0 + Duration::from_secs(args.idle_secs));
            let (c1, t1, f1) = (tui.cpu(), Instant::now(), tui.cpu_fine());
            if let Some(d) = fine_delta(&f0, &f1) {
                notes.push(format!(
                    "idle: per-thread schedstat (ns resolution, exited threads missing): {:.4} s/min",
                    d * 60.0 / (t1 - t0).as_secs_f64()
                ));
            }
            let reqs = seen.quotes().len() - q0;
            let per_min = match (c0, c1, up) {
                (Some(a), Some(b), Some(_)) => Some((b - a) * 60.0 / (t1 - t0).as_secs_f64()),
                _ => None,
            };
            table.add(
                "idle CPU, markets closed",
                per_min.map(|v| format!("{v:.3}")),
                "s/min",
                &format!(
                    "utime+stime over {:.0} s after a {} s settle, --fake-now {CLOSED} (Saturday); {reqs} quote requests in the window",
                    (t1 - t0).as_secs_f64(),
                    args.settle_secs
                ),
            );
            note_screen(&mut notes, args, "idle", &tui);
        }

        // 3-6. Refreshing with the market open, then keys while paused.
        {
            eprintln!("[3/4] refreshing, market open, {} s window", args.window_secs);
            let mut tui =
                Tui::start(&bin, home.path(), &["--config", &cfg_arg, "--fake-now", OPEN], (COLS, ROWS))?;
            let up = tui.wait_for(timeout, Duration::from_millis(20), priced);
            if let Some(k) = view_key {
                tui.press(k);
                let price = base_price(&first_view);
                let name = builtin
                    .symbols
                    .iter()
                    .find(|(s, _)| s.as_str() == first_view)
                    .and_then(|(_, m)| m.name.clone())
                    .unwrap_or_else(|| first_view.clone());
                if tui
                    .wait_for(timeout, Duration::from_millis(20), |s| row_shows_price(s, &name, price))
                    .is_none()
                {
                    notes.push(format!("refresh run: group {k} did not show {first_view} priced"));
                }
            }
            std::thread::sleep(Duration::from_secs(args.settle_secs));
            let (t0, c0, f0) = (Instant::now(), tui.cpu(), tui.cpu_fine());
            sleep_until(t0 + Duration::from_secs(args.window_secs));
            let (t1, c1, f1) = (Instant::now(), tui.cpu(), tui.cpu_fine());
            let rss = tui.peak_rss_mb();
            let (n_cycles, n_req, n_sym) = cycles(&seen.quotes(), t0, t1);
            let cpu = match (c0, c1, up) {
                (Some(a), Some(b), Some(_)) => Some(b - a),
                _ => None,
            };
            let secs = (t1 - t0).as_secs_f64();
            if let Some(d) = fine_delta(&f0, &f1) {
                notes.push(format!(
                    "refresh: per-thread schedstat (ns resolution, exited threads missing): {:.2} ms per refresh, {:.4} s/min",
                    d * 1e3 / n_cycles.max(1) as f64,
                    d * 60.0 / secs
                ));
            }
            let expected = view.len().div_ceil(50);
            table.add(
                "CPU per refresh",
                cpu.filter(|_| n_cycles > 0).map(|c| format!("{:.1}", c * 1e3 / n_cycles as f64)),
                "ms",
                &format!(
                    "utime+stime over {secs:.0} s / {n_cycles} refresh cycles seen at the server (requests >{}s apart start a cycle); refresh_secs = 5, --fake-now {OPEN}, {} symbols in view",
                    CYCLE_GAP.as_secs(),
                    view.len()
                ),
            );
            table.add(
                "CPU while refreshing",
                cpu.map(|c| format!("{:.3}", c * 60.0 / secs)),
                "s/min",
                &format!("the same window, per minute ({n_req} quote requests, {n_sym} symbols asked)"),
            );
            table.add(
                "requests per refresh",
                (n_cycles > 0).then(|| format!("{:.2}", n_req as f64 / n_cycles as f64)),
                "req",
                &format!(
                    "quote requests in the window / cycles; expected ceil({}/50) = {expected}",
                    view.len()
                ),
            );
            table.add(
                "peak RSS",
                rss.map(|r| format!("{r:.1}")),
                "MB",
                "VmHWM from /proc/<pid>/status at the end of the refresh window",
            );
            note_screen(&mut notes, args, "refreshing", &tui);

            eprintln!("[4/4] keys while paused: {} presses", args.keys);
            tui.press("p");
            let paused = tui.wait_for(Duration::from_secs(5), Duration::from_millis(20), |s| {
                s.rows(0, COLS).any(|r| r.to_lowercase().contains("paused"))
            });
            if paused.is_none() {
                notes.push("keys: no \"paused\" on screen after p".into());
            }
            std::thread::sleep(Duration::from_secs(args.settle_secs));
            let gap = Duration::from_millis(args.key_gap_ms);
            let span = gap * args.keys as u32 + Duration::from_millis(500);
            // Idle for as long as the presses take, then the presses, so the idle part can be taken off.
            let (i0, ic0, if0) = (Instant::now(), tui.cpu(), tui.cpu_fine());
            sleep_until(i0 + span);
            let (i1, ic1, if1) = (Instant::now(), tui.cpu(), tui.cpu_fine());
            let q_before = seen.quotes().len();
            let (k0, kc0, kf0) = (Instant::now(), tui.cpu(), tui.cpu_fine());
            for i in 0..args.keys {
                tui.press(if i % 2 == 0 { "j" } else { "k" });
                sleep_until(k0 + gap * (i as u32 + 1));
            }
            sleep_until(k0 + span);
            let (k1, kc1, kf1) = (Instant::now(), tui.cpu(), tui.cpu_fine());
            if let (Some(idle), Some(during)) = (fine_delta(&if0, &if1), fine_delta(&kf0, &kf1))
                && args.keys > 0
            {
                let idle = idle / (i1 - i0).as_secs_f64() * (k1 - k0).as_secs_f64();
                notes.push(format!(
                    "keys: per-thread schedstat (ns resolution, exited threads missing): {:.3} ms per key ({:.4} s during, {:.4} s idle subtracted)",
                    (during - idle) * 1e3 / args.keys as f64,
                    during,
                    idle
                ));
            }
            let q_during = seen.quotes().len() - q_before;
            let per_key = match (ic0, ic1, kc0, kc1) {
                (Some(a), Some(b), Some(c), Some(d)) if args.keys > 0 => {
                    let idle_rate = (b - a) / (i1 - i0).as_secs_f64();
                    let keys = (d - c) - idle_rate * (k1 - k0).as_secs_f64();
                    notes.push(format!(
                        "keys: {:.3} s CPU during the presses, {:.3} s idle over the same {:.1} s (subtracted); {q_during} quote requests meanwhile",
                        d - c,
                        idle_rate * (k1 - k0).as_secs_f64(),
                        (k1 - k0).as_secs_f64()
                    ));
                    Some(keys * 1e3 / args.keys as f64)
                }
                _ => None,
            };
            table.add(
                "CPU per key",
                per_key.map(|v| format!("{v:.3}")),
                "ms",
                &format!(
                    "paused (p); {} presses of j/k {} ms apart; (CPU during - idle CPU over the same time) / presses; clock ticks are {:.0} ms",
                    args.keys,
                    args.key_gap_ms,
                    1e3 / clock_ticks()
                ),
            );
            note_screen(&mut notes, args, "after the keys", &tui);
            if !tui.quit(timeout) {
                notes.push("refresh run: did not exit after q (killed)".into());
            }
        }

        table.print();
        println!();
        println!(
            "server: {} quote requests, {} feed fetches, {} chart requests (answered 404), {} other requests",
            seen.quotes().len(),
            seen.feed.load(Ordering::Relaxed),
            seen.charts.load(Ordering::Relaxed),
            seen.other.load(Ordering::Relaxed)
        );
        for line in asked.summary() {
            println!("official: {line}");
        }
        for n in notes {
            println!("note: {n}");
        }
        Ok(())
    }

    /// The first symbol of the list as (symbol, text its row shows): the name for built-in symbols.
    fn builtin_first(
        symbols: &[String],
        generated: bool,
        builtin: &chiptape::config::Config,
    ) -> (String, String) {
        let sym = symbols.first().cloned().unwrap_or_default();
        if generated {
            return (sym.clone(), sym);
        }
        let name = builtin
            .symbols
            .iter()
            .find(|(k, _)| k.as_str() == sym)
            .and_then(|(_, m)| m.name.clone())
            .unwrap_or_else(|| sym.clone());
        (sym, name)
    }
}
