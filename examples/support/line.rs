//! `chiptape line` in the harness (issue 29, item 6): a cold call (no cache: one fetch from the
//! stand-in), warm calls (a fresh cache: no request, timed), and ten calls at once on a stale
//! cache, counting the quote requests the stand-in got. A home of its own, so the TUI phases'
//! cache plays no part.

use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};

use super::pty::private_env;
use super::standins::Seen;

/// One row of the harness's table.
pub struct Figure {
    pub name: &'static str,
    pub value: Option<String>,
    pub unit: &'static str,
    pub how: String,
}

pub struct Setup<'a> {
    pub bin: &'a Path,
    pub home: &'a Path,
    pub config: &'a Path,
    /// The group shown: one whose market is open at `now`, so only a fresh cache answers alone.
    pub group: &'a str,
    pub now: DateTime<Utc>,
    pub warm_runs: usize,
    /// How long the stand-in holds its answers while the ten calls run, so that they overlap.
    pub delay_ms: u64,
}

fn command(s: &Setup, now: DateTime<Utc>) -> Command {
    let mut cmd = Command::new(s.bin);
    cmd.env_clear()
        .envs(private_env(s.home))
        .current_dir(s.home)
        .arg("--config")
        .arg(s.config)
        .args(["--fake-now", &now.to_rfc3339(), "line", "--group", s.group])
        .stdin(Stdio::null());
    cmd
}

fn timed(s: &Setup, now: DateTime<Utc>) -> Result<(Duration, Output), String> {
    let t0 = Instant::now();
    let out = command(s, now).output().map_err(|e| format!("run {}: {e}", s.bin.display()))?;
    Ok((t0.elapsed(), out))
}

fn ms(d: Duration) -> String {
    format!("{:.1}", d.as_secs_f64() * 1e3)
}

/// `measure` in a temporary home, 500 ms answers for the ten at once.
pub fn measure_in_new_home(
    bin: &Path,
    config: &Path,
    group: &str,
    now: DateTime<Utc>,
    warm_runs: usize,
    seen: &Seen,
    notes: &mut Vec<String>,
) -> Result<Vec<Figure>, String> {
    let home = tempfile::TempDir::new().map_err(|e| format!("temp dir: {e}"))?;
    let setup = Setup { bin, home: home.path(), config, group, now, warm_runs, delay_ms: 500 };
    measure(&setup, seen, notes)
}

pub fn measure(s: &Setup, seen: &Seen, notes: &mut Vec<String>) -> Result<Vec<Figure>, String> {
    let mut figures = Vec::new();
    let asked = || seen.quotes().len();

    let before = asked();
    let (cold, out) = timed(s, s.now)?;
    let cold_asked = asked() - before;
    let printed: String = String::from_utf8_lossy(&out.stdout).trim().chars().take(160).collect();
    notes.push(format!("line: cold: exit {:?}, {printed}…", out.status.code()));
    figures.push(Figure {
        name: "line: cold (no cache)",
        value: Some(ms(cold)),
        unit: "ms",
        how: format!("wall time of one `chiptape line --group {:?}` with no cache: {cold_asked} quote request(s), the cache written", s.group),
    });

    let before = asked();
    let mut times = Vec::with_capacity(s.warm_runs);
    for _ in 0..s.warm_runs {
        let (t, out) = timed(s, s.now)?;
        if !out.status.success() {
            notes.push(format!(
                "line: warm run exit {:?}: {}",
                out.status.code(),
                String::from_utf8_lossy(&out.stderr)
            ));
        }
        times.push(t);
    }
    times.sort();
    let warm_asked = asked() - before;
    let median = times.get(times.len() / 2).copied();
    figures.push(Figure {
        name: "line: warm cache, median",
        value: median.map(ms),
        unit: "ms",
        how: format!(
            "wall time, {} runs on the cache the cold run wrote (fresh): min {}, max {} ms; {warm_asked} quote requests (target < 50 ms, 0 requests)",
            times.len(),
            times.first().map_or("-".into(), |t| ms(*t)),
            times.last().map_or("-".into(), |t| ms(*t)),
        ),
    });

    // A minute on, the cache is stale (refresh_secs is 5): ten callers at once, the stand-in slow.
    let later = s.now + chrono::Duration::minutes(1);
    seen.delay_ms.store(s.delay_ms, Ordering::Relaxed);
    let before = asked();
    let t0 = Instant::now();
    let children: Vec<_> = (0..10)
        .map(|_| command(s, later).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn())
        .collect::<Result<_, _>>()
        .map_err(|e| format!("spawn: {e}"))?;
    let outs: Vec<Output> = children
        .into_iter()
        .map(|c| c.wait_with_output())
        .collect::<Result<_, _>>()
        .map_err(|e| format!("wait: {e}"))?;
    let all = t0.elapsed();
    seen.delay_ms.store(0, Ordering::Relaxed);
    let stale_asked = asked() - before;
    let ok = outs.iter().filter(|o| o.status.success()).count();
    let lines: std::collections::BTreeSet<String> =
        outs.iter().map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string()).collect();
    notes.push(format!("line: ten at once: {ok}/10 exit 0, {} distinct line(s)", lines.len()));
    figures.push(Figure {
        name: "line: 10 at once, stale cache",
        value: Some(stale_asked.to_string()),
        unit: "requests",
        how: format!(
            "Yahoo quote requests the stand-in got: one source here, one fetch is {cold_asked} request(s) of up to 50 symbols (as the cold run); answers held {} ms; all ten done in {} ms",
            s.delay_ms,
            ms(all)
        ),
    });
    Ok(figures)
}
