//! A long run of the release binary in a pseudo-terminal against local stand-ins (nothing goes to
//! the internet), to see that the app is as good in its fifth hour as in its first minute:
//!
//! ```text
//! cargo build --release && cargo run --release --example soak -- --minutes 30
//! cargo run --release --example soak -- --hours 4
//! cargo run --release --example soak -- --minutes 3 --minute-secs 10 --settle-minutes 1   # a quick try
//! ```
//!
//! What it does to the app, every "minute" (`--minute-secs`, 60 by default): a flood of streamed
//! ticks all along (`--ticks-per-sec` over `--symbols` symbols), a feed whose items all change, a
//! resize (120x35 and 160x45 in turn); every fifth minute a save of the config file (one symbol
//! taken out or put back); one minute in ten the quote stand-in answers HTTP 500.
//!
//! What it reports each minute: resident memory (the heap and the mapped files apart), open file
//! descriptors, threads, the runtime's tasks, frames drawn per second, the latest frame, and CPU.
//! It fails (exit 1) when, after `--settle-minutes`, resident memory grows by more than 1 MB an
//! hour (least squares over the minutes), descriptors or threads grow (their floor rises: pooled
//! connections come and go), or any frame is drawn more than 100 ms after it was due (the app
//! measures this itself and logs it once a minute).

#[cfg(not(target_os = "linux"))]
fn main() {
    eprintln!("the soak run reads /proc: Linux only");
}

#[cfg(target_os = "linux")]
fn main() {
    std::process::exit(linux::main());
}

#[cfg(target_os = "linux")]
#[path = "../tests/common/env.rs"]
mod env;
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
#[path = "../tests/common/ws.rs"]
#[allow(dead_code)] // the tests' stand-in: the soak only floods
mod ws;

#[cfg(target_os = "linux")]
mod linux {
    use std::path::{Path, PathBuf};
    use std::sync::Arc;
    use std::sync::atomic::{AtomicU64, Ordering};
    use std::time::{Duration, Instant};

    use chiptape::providers::yahoo::stream::{PricingData, encode_frame};
    use chrono::{DateTime, Utc};
    use clap::Parser;
    use tempfile::TempDir;
    use tokio_tungstenite::tungstenite::Message;
    use wiremock::matchers::{method, path};
    use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

    use super::pty::{Tui, check_config, release_bin, sleep_until};
    use super::session::mount_yahoo_session;
    use super::standins::{Quotes, Seen, base_price, feed_xml, mount_the_rest};
    use super::ws;

    /// Tuesday 10:00 in New York: the US market is open for the next six hours.
    const OPEN: &str = "2026-11-24T15:00:00Z";
    const SIZES: [(u16, u16); 2] = [(120, 35), (160, 45)];
    /// Growth allowed after the settling minutes, MB an hour.
    const RSS_SLOPE_MAX: f64 = 1.0;
    /// A frame later than this fails the run (the app's own `stats::LATE`).
    const LATE_MS: f64 = 100.0;

    #[derive(Parser, Debug)]
    #[command(about = "Run the chiptape release binary for a long time against local stand-ins")]
    struct Args {
        /// The binary [default: $CARGO_TARGET_DIR/release/chiptape, else target/release/chiptape].
        #[arg(long)]
        bin: Option<PathBuf>,
        /// Length of the run in minutes.
        #[arg(long, default_value_t = 30)]
        minutes: u64,
        /// Length of the run in hours (instead of --minutes; at most 6, the New York session).
        #[arg(long)]
        hours: Option<u64>,
        /// Seconds in one of the run's minutes (shorter for a quick try).
        #[arg(long, default_value_t = 60)]
        minute_secs: u64,
        /// Minutes before growth is judged.
        #[arg(long, default_value_t = 10)]
        settle_minutes: u64,
        /// Symbols in the watchlist (all streamed).
        #[arg(long, default_value_t = 200)]
        symbols: usize,
        /// Streamed ticks a second, spread over the symbols.
        #[arg(long, default_value_t = 1000)]
        ticks_per_sec: usize,
        /// Items in the feed.
        #[arg(long, default_value_t = 60)]
        headlines: usize,
    }

    /// One minute's figures.
    #[derive(Debug, Default, Clone)]
    struct Sample {
        minute: u64,
        rss: f64,
        anon: f64,
        file: f64,
        fds: usize,
        threads: usize,
        cpu: f64,
        loop_line: Option<Loop>,
    }

    /// The app's own line about its loop (`chiptape::stats`).
    #[derive(Debug, Default, Clone, Copy)]
    struct Loop {
        secs: f64,
        draws: f64,
        latest_ms: f64,
        late: f64,
        tasks: f64,
        total_latest_ms: f64,
    }

    /// The quote stand-in, down one minute in ten (the tenth).
    struct Flaky {
        quotes: Quotes,
        start: Instant,
        minute: Duration,
    }

    impl Respond for Flaky {
        fn respond(&self, req: &Request) -> ResponseTemplate {
            if minute_of(self.start, self.minute) % 10 == 9 {
                ResponseTemplate::new(500).set_body_string("stand-in down for the minute")
            } else {
                self.quotes.respond(req)
            }
        }
    }

    /// A feed whose items are all new each minute.
    struct Changing {
        symbols: Vec<String>,
        headlines: usize,
        base: String,
        open: DateTime<Utc>,
        start: Instant,
        minute: Duration,
    }

    impl Respond for Changing {
        fn respond(&self, _: &Request) -> ResponseTemplate {
            let k = minute_of(self.start, self.minute);
            let now = self.open + chrono::Duration::from_std(self.start.elapsed()).unwrap_or_default();
            let base = format!("{}/m{k}", self.base);
            let body = feed_xml(self.headlines, &self.symbols, &self.symbols, now, &base);
            ResponseTemplate::new(200).set_body_raw(body, "application/rss+xml; charset=utf-8")
        }
    }

    fn minute_of(start: Instant, minute: Duration) -> u64 {
        start.elapsed().as_secs() / minute.as_secs().max(1)
    }

    /// Streams ticks to whoever connects, `per_sec` a second in batches every 10 ms, until the
    /// connection goes; then waits for the next one.
    async fn flood(mut server: ws::Server, symbols: Vec<String>, per_sec: usize, sent: Arc<AtomicU64>) {
        let batch = (per_sec / 100).max(1);
        let mut k = 0usize;
        while let Some(mut conn) = server.conns.recv().await {
            let mut every = tokio::time::interval(Duration::from_millis(10));
            every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                every.tick().await;
                while conn.inbox.try_recv().is_ok() {}
                let msgs: Vec<Message> = (0..batch)
                    .map(|_| {
                        k += 1;
                        let s = &symbols[k % symbols.len()];
                        let prev = base_price(s);
                        let price = prev * (1.0 + 0.0005 * ((k % 21) as f64 - 10.0));
                        Message::text(encode_frame(&PricingData {
                            id: s.clone(),
                            price: price as f32,
                            change: (price - prev) as f32,
                            change_percent: ((price - prev) / prev * 100.0) as f32,
                            day_high: (prev * 1.01) as f32,
                            day_low: (prev * 0.99) as f32,
                            ..PricingData::default()
                        }))
                    })
                    .collect();
                if conn.cmds.send(ws::Cmd::Send(msgs)).is_err() {
                    break;
                }
                sent.fetch_add(batch as u64, Ordering::Relaxed);
            }
        }
    }

    fn config(base: &str, ws: &str, symbols: &[String], headlines: usize) -> String {
        let list = symbols.iter().map(|s| format!("\"{s}\"")).collect::<Vec<_>>().join(", ");
        format!(
            "refresh_secs = 10\n\n[provider]\nquery_url = \"{base}\"\ncookie_url = \"{base}/cookie\"\n\
             stream_url = \"{ws}\"\nmainland = \"yahoo\"\nquotes = [\"yahoo\"]\ntencent_url = \"{base}/tencent\"\n\n\
             [[groups]]\nname = \"Soak\"\nsymbols = [{list}]\n\n\
             [news]\nyahoo_symbols = false\nyahoo_rss_url = \"{base}/rss\"\nmax_items = {headlines}\n\n\
             [filings]\nsec = false\nfederal_register = false\nhkex = false\ncninfo = false\n\n[[news.feeds]]\nname = \"Local wire\"\nurl = \"{base}/feed.xml\"\n"
        )
    }

    /// The last line the app wrote about its loop.
    fn last_loop_line(log: &Path) -> Option<Loop> {
        let text = std::fs::read_to_string(log).ok()?;
        let line = text.lines().rev().find(|l| l.contains("chiptape::stats"))?;
        let field = |name: &str| -> f64 {
            line.split_whitespace()
                .find_map(|w| w.strip_prefix(name)?.strip_prefix('='))
                .and_then(|v| v.parse().ok())
                .unwrap_or(f64::NAN)
        };
        Some(Loop {
            secs: field("secs"),
            draws: field("draws"),
            latest_ms: field("latest_ms"),
            late: field("late"),
            tasks: field("tasks"),
            total_latest_ms: field("total_latest_ms"),
        })
    }

    /// Least-squares slope of (minute, MB), in MB an hour.
    fn slope_per_hour(points: &[(f64, f64)]) -> f64 {
        let n = points.len() as f64;
        if n < 2.0 {
            return 0.0;
        }
        let (mx, my) =
            (points.iter().map(|p| p.0).sum::<f64>() / n, points.iter().map(|p| p.1).sum::<f64>() / n);
        let sxy: f64 = points.iter().map(|(x, y)| (x - mx) * (y - my)).sum();
        let sxx: f64 = points.iter().map(|(x, _)| (x - mx).powi(2)).sum();
        if sxx == 0.0 { 0.0 } else { sxy / sxx * 60.0 }
    }

    fn bar(v: f64, lo: f64, hi: f64, width: usize) -> String {
        let n = if hi > lo { ((v - lo) / (hi - lo) * width as f64).round() as usize } else { 0 };
        "█".repeat(n.min(width) + 1)
    }

    pub fn main() -> i32 {
        let args = Args::parse();
        match run(&args) {
            Ok(true) => 0,
            Ok(false) => 1,
            Err(e) => {
                eprintln!("soak: {e}");
                2
            }
        }
    }

    fn run(args: &Args) -> Result<bool, String> {
        let bin = release_bin(args.bin.clone())?;
        let minutes = args.hours.map_or(args.minutes, |h| h.min(6) * 60).max(1);
        let minute = Duration::from_secs(args.minute_secs.max(1));
        let symbols: Vec<String> = (0..args.symbols.max(1)).map(|i| format!("S{i:04}")).collect();

        let rt = tokio::runtime::Runtime::new().map_err(|e| format!("tokio: {e}"))?;
        let start = Instant::now();
        let open: DateTime<Utc> = OPEN.parse().map_err(|e| format!("{e}"))?;
        let seen = Arc::new(Seen::default());
        let server = rt.block_on(MockServer::start());
        let base = server.uri();
        let streamer = rt.block_on(ws::server());
        let ws_url = streamer.url.clone();
        let sent = Arc::new(AtomicU64::new(0));
        rt.spawn(flood(streamer, symbols.clone(), args.ticks_per_sec, sent.clone()));
        rt.block_on(async {
            mount_yahoo_session(&server, "crumbSoak1").await;
            Mock::given(method("GET"))
                .and(path("/v7/finance/quote"))
                .respond_with(Flaky { quotes: Quotes(seen.clone()), start, minute })
                .mount(&server)
                .await;
            Mock::given(method("GET"))
                .and(path("/feed.xml"))
                .respond_with(Changing {
                    symbols: symbols.clone(),
                    headlines: args.headlines,
                    base: base.clone(),
                    open,
                    start,
                    minute,
                })
                .mount(&server)
                .await;
            mount_the_rest(&server, &seen).await;
        });

        let home = TempDir::new().map_err(|e| format!("temp dir: {e}"))?;
        let cfg_path = home.path().join("soak.toml");
        let write_config = |all: bool| {
            let list = if all { &symbols[..] } else { &symbols[..symbols.len() - 1] };
            std::fs::write(&cfg_path, config(&base, &ws_url, list, args.headlines))
                .map_err(|e| format!("write config: {e}"))
        };
        write_config(true)?;
        check_config(&bin, &cfg_path, home.path())?;
        let log = home.path().join("state/chiptape/chiptape.log");
        let cfg_arg = cfg_path.to_string_lossy().to_string();
        let mut tui = Tui::start_with(
            &bin,
            home.path(),
            &["--config", &cfg_arg, "--fake-now", OPEN],
            SIZES[0],
            &[("CHIPTAPE_LOG", "info,chiptape::stats=debug")],
        )?;

        println!(
            "soak: {minutes} minutes of {} s, {} symbols, {} ticks/s, binary {}",
            minute.as_secs(),
            symbols.len(),
            args.ticks_per_sec,
            bin.display()
        );
        println!(
            "{:>4}  {:>7} {:>6} {:>6}  {:>4} {:>7} {:>5}  {:>7} {:>9}  {:>7}  events",
            "min", "RSS MB", "heap", "files", "fds", "threads", "tasks", "draws/s", "latest ms", "CPU s",
        );
        let mut samples: Vec<Sample> = Vec::new();
        let mut cpu_before = tui.cpu().unwrap_or(0.0);
        for m in 1..=minutes {
            // What this minute brings, then the figures at its end.
            let mut events = Vec::new();
            if m > 1 {
                tui.resize(SIZES[(m % 2) as usize])?;
                events.push(format!("resize {}x{}", SIZES[(m % 2) as usize].0, SIZES[(m % 2) as usize].1));
            }
            if m % 5 == 0 {
                write_config(m % 10 != 0)?;
                events.push("config saved".to_string());
            }
            if (m - 1) % 10 == 9 {
                events.push("quotes down".to_string());
            }
            sleep_until(start + minute * m as u32);
            if !tui.running() {
                println!("the app exited in minute {m}:\n{}", tui.screen_text());
                return Ok(false);
            }
            let cpu_now = tui.cpu().unwrap_or(cpu_before);
            let s = Sample {
                minute: m,
                rss: tui.status_mb("VmRSS").unwrap_or(f64::NAN),
                anon: tui.status_mb("RssAnon").unwrap_or(f64::NAN),
                file: tui.status_mb("RssFile").unwrap_or(f64::NAN),
                fds: tui.count("fd").unwrap_or(0),
                threads: tui.count("task").unwrap_or(0),
                cpu: cpu_now - cpu_before,
                loop_line: last_loop_line(&log),
            };
            cpu_before = cpu_now;
            let l = s.loop_line.unwrap_or_default();
            println!(
                "{:>4}  {:>7.2} {:>6.2} {:>6.2}  {:>4} {:>7} {:>5}  {:>7.1} {:>9.1}  {:>7.2}  {}",
                s.minute,
                s.rss,
                s.anon,
                s.file,
                s.fds,
                s.threads,
                l.tasks,
                l.draws / l.secs,
                l.latest_ms,
                s.cpu,
                events.join(", ")
            );
            samples.push(s);
        }
        let status = tui.status_line();
        let quit = tui.quit(Duration::from_secs(10));
        let ticks = sent.load(Ordering::Relaxed);
        println!(
            "\nticks sent: {ticks} ({:.0}/s); quote requests: {}",
            ticks as f64 / start.elapsed().as_secs_f64(),
            seen.quotes().len()
        );
        println!("status line at the end: {}", status.trim());
        Ok(verdict(&samples, args.settle_minutes, minute, quit))
    }

    /// Prints the curve and the judgement; true when the run passed.
    fn verdict(samples: &[Sample], settle: u64, minute: Duration, quit: bool) -> bool {
        let (lo, hi) =
            samples.iter().fold((f64::MAX, f64::MIN), |(lo, hi), s| (lo.min(s.rss), hi.max(s.rss)));
        println!("\nresident memory, MB ({lo:.2} … {hi:.2}):");
        for s in samples {
            println!("{:>4}  {:>6.2}  {}", s.minute, s.rss, bar(s.rss, lo, hi, 40));
        }
        let after: Vec<&Sample> = samples.iter().filter(|s| s.minute >= settle).collect();
        let points: Vec<(f64, f64)> = after.iter().map(|s| (s.minute as f64, s.rss)).collect();
        let slope = slope_per_hour(&points);
        // Idle connections in the HTTP pool come and go, so a count is judged by its floor: the
        // fewest in the first third of the minutes after settling and in the last third. A leak
        // raises the floor; the pool only moves the peaks.
        let floors = |f: fn(&Sample) -> usize| -> Option<(usize, usize, usize)> {
            let third = after.len().div_ceil(3);
            let first = after.iter().take(third).map(|s| f(s)).min()?;
            let last = after.iter().rev().take(third).map(|s| f(s)).min()?;
            Some((first, last, after.iter().map(|s| f(s)).max()?))
        };
        let steady = |f: fn(&Sample) -> usize| floors(f).is_none_or(|(a, b, _)| b <= a);
        let said = |f: fn(&Sample) -> usize| {
            floors(f).map_or("no samples".into(), |(a, b, max)| {
                format!("at least {a}, then at least {b} (at most {max})")
            })
        };
        let latest =
            samples.iter().filter_map(|s| s.loop_line).map(|l| l.total_latest_ms).fold(0.0, f64::max);
        let late: u64 = samples.iter().filter_map(|s| s.loop_line).map(|l| l.late as u64).sum();
        let mut ok = true;
        let mut judge = |pass: bool, what: String| {
            println!("{}  {what}", if pass { "pass" } else { "FAIL" });
            ok &= pass;
        };
        judge(
            slope <= RSS_SLOPE_MAX,
            format!("RSS after minute {settle}: {slope:+.2} MB an hour (at most {RSS_SLOPE_MAX})"),
        );
        judge(steady(|s| s.fds), format!("open descriptors after minute {settle}: {}", said(|s| s.fds)));
        judge(steady(|s| s.threads), format!("threads after minute {settle}: {}", said(|s| s.threads)));
        judge(
            latest <= LATE_MS && late == 0,
            format!("latest frame {latest:.1} ms after it was due, {late} frames over {LATE_MS} ms"),
        );
        // The app counts its minutes from its own start: the first may end just after the first
        // sample. It reports once a real minute, so shorter minutes (a quick try) are not judged.
        if minute >= Duration::from_secs(60) {
            judge(
                samples.iter().skip(1).all(|s| s.loop_line.is_some()),
                "the app reported its loop every minute".to_string(),
            );
        } else {
            println!("      the app's minute lines are not judged with minutes of {} s", minute.as_secs());
        }
        judge(quit, "q quit the app".to_string());
        ok
    }
}
