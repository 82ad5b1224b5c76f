//! The release binary in a pseudo-terminal, read through a vt100 screen, and what `/proc` says
//! about it: shared by the harness and the soak run.

// Shared by two examples, each of which uses a part.
#![allow(dead_code)]

use std::io::{ErrorKind, Read, Write};
use std::num::NonZeroU16;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use portable_pty::{Child, CommandBuilder, MasterPty, PtySize, native_pty_system};

pub struct Term {
    parser: vt100::Parser,
    closed: bool,
}

pub fn lock(t: &Mutex<Term>) -> MutexGuard<'_, Term> {
    t.lock().unwrap_or_else(PoisonError::into_inner)
}

pub struct Tui {
    child: Box<dyn Child + Send + Sync>,
    writer: Box<dyn Write + Send>,
    term: Arc<Mutex<Term>>,
    master: Box<dyn MasterPty + Send>,
    pub spawned: Instant,
    pub pid: i32,
    /// Columns and rows.
    pub size: (u16, u16),
}

/// The tests' private environment, and links never opened (if one were, nothing would run).
pub fn private_env(home: &Path) -> Vec<(&'static str, std::ffi::OsString)> {
    let mut env = crate::env::private_env(home);
    env.push(("BROWSER", "true".into()));
    env
}

impl Tui {
    pub fn start(bin: &Path, home: &Path, args: &[&str], size: (u16, u16)) -> Result<Tui, String> {
        Tui::start_with(bin, home, args, size, &[])
    }

    /// `start` with more variables in the app's environment.
    pub fn start_with(
        bin: &Path,
        home: &Path,
        args: &[&str],
        (cols, rows): (u16, u16),
        env: &[(&str, &str)],
    ) -> Result<Tui, String> {
        let pair = native_pty_system()
            .openpty(PtySize { rows, cols, pixel_width: 0, pixel_height: 0 })
            .map_err(|e| format!("open a pty: {e}"))?;
        let mut cmd = CommandBuilder::new(bin);
        cmd.args(args);
        cmd.env_clear();
        for (k, v) in private_env(home) {
            cmd.env(k, v);
        }
        for (k, v) in env {
            cmd.env(k, v);
        }
        cmd.cwd(home);
        let mut reader = pair.master.try_clone_reader().map_err(|e| format!("pty reader: {e}"))?;
        let writer = pair.master.take_writer().map_err(|e| format!("pty writer: {e}"))?;
        let term = Arc::new(Mutex::new(Term {
            parser: vt100::Parser::new(
                NonZeroU16::new(rows).ok_or("no rows")?,
                NonZeroU16::new(cols).ok_or("no columns")?,
                0,
            ),
            closed: false,
        }));
        let spawned = Instant::now();
        let child = pair.slave.spawn_command(cmd).map_err(|e| format!("spawn {}: {e}", bin.display()))?;
        drop(pair.slave);
        let pid = child.process_id().map_or(0, |p| p as i32);
        let shared = Arc::clone(&term);
        // Read all the time: a child blocked on a full PTY buffer would look like a slow app.
        std::thread::spawn(move || {
            let mut buf = [0u8; 16384];
            loop {
                match reader.read(&mut buf) {
                    Ok(0) => break,
                    Ok(n) => lock(&shared).parser.process(&buf[..n]),
                    Err(e) if e.kind() == ErrorKind::Interrupted => {}
                    Err(_) => break,
                }
            }
            lock(&shared).closed = true;
        });
        Ok(Tui { child, writer, term, master: pair.master, spawned, pid, size: (cols, rows) })
    }

    pub fn press(&mut self, keys: &str) {
        let _ = self.writer.write_all(keys.as_bytes()).and_then(|()| self.writer.flush());
    }

    /// Polls every `poll` until `cond` holds: the time since spawn, or `None` on timeout or exit.
    pub fn wait_for(
        &self,
        timeout: Duration,
        poll: Duration,
        cond: impl Fn(&vt100::Screen) -> bool,
    ) -> Option<Duration> {
        let deadline = Instant::now() + timeout;
        loop {
            let (ok, closed) = {
                let t = lock(&self.term);
                (cond(t.parser.screen()), t.closed)
            };
            if ok {
                return Some(self.spawned.elapsed());
            }
            if closed || Instant::now() >= deadline {
                return None;
            }
            std::thread::sleep(poll);
        }
    }

    pub fn screen_text(&self) -> String {
        let t = lock(&self.term);
        let s = t.parser.screen();
        s.rows(0, self.size.0).enumerate().map(|(i, r)| format!("{i:2}│{r}\n")).collect()
    }

    pub fn status_line(&self) -> String {
        let t = lock(&self.term);
        t.parser
            .screen()
            .rows(0, self.size.0)
            .nth(self.size.1 as usize - 1)
            .unwrap_or_default()
            .trim_end()
            .to_string()
    }

    /// utime + stime of the whole process (every thread), in seconds.
    pub fn cpu(&self) -> Option<f64> {
        let stat = std::fs::read_to_string(format!("/proc/{}/stat", self.pid)).ok()?;
        // Fields after the last ')' start at field 3 (state); utime and stime are fields 14 and 15.
        let tail = stat.rsplit_once(')')?.1;
        let f: Vec<&str> = tail.split_whitespace().collect();
        let ticks = f.get(11)?.parse::<u64>().ok()? + f.get(12)?.parse::<u64>().ok()?;
        Some(ticks as f64 / clock_ticks())
    }

    /// Nanoseconds on a CPU of each thread alive now, from `/proc/<pid>/task/*/schedstat`.
    pub fn cpu_fine(&self) -> Option<Fine> {
        let mut out = Fine::new();
        for t in std::fs::read_dir(format!("/proc/{}/task", self.pid)).ok()?.flatten() {
            let Some(tid) = t.file_name().to_str().and_then(|s| s.parse::<u64>().ok()) else { continue };
            let s = std::fs::read_to_string(t.path().join("schedstat")).unwrap_or_default();
            if let Some(ns) = s.split_whitespace().next().and_then(|v| v.parse::<u64>().ok()) {
                out.insert(tid, ns);
            }
        }
        Some(out)
    }

    /// A `/proc/<pid>/status` figure in kB (`VmHWM`, `VmRSS`, `RssAnon`, `RssFile`), in MB.
    pub fn status_mb(&self, field: &str) -> Option<f64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.pid)).ok()?;
        let line = status.lines().find(|l| l.split(':').next() == Some(field))?;
        let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
        Some(kb / 1024.0)
    }

    /// Peak resident set (VmHWM), in MB.
    pub fn peak_rss_mb(&self) -> Option<f64> {
        self.status_mb("VmHWM")
    }

    /// Entries of `/proc/<pid>/<dir>`: `fd` for open descriptors, `task` for threads.
    pub fn count(&self, dir: &str) -> Option<usize> {
        Some(std::fs::read_dir(format!("/proc/{}/{dir}", self.pid)).ok()?.count())
    }

    /// Resize the terminal (the app gets SIGWINCH) and the screen that reads it.
    pub fn resize(&mut self, (cols, rows): (u16, u16)) -> Result<(), String> {
        self.master
            .resize(PtySize { rows, cols, pixel_width: 0, pixel_height: 0 })
            .map_err(|e| format!("resize: {e}"))?;
        let (r, c) = (NonZeroU16::new(rows).ok_or("no rows")?, NonZeroU16::new(cols).ok_or("no columns")?);
        lock(&self.term).parser.set_size(r, c);
        self.size = (cols, rows);
        Ok(())
    }

    pub fn running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    /// `q`, then wait for the exit; killed if it does not come.
    pub fn quit(&mut self, timeout: Duration) -> bool {
        self.press("q");
        let deadline = Instant::now() + timeout;
        while Instant::now() < deadline {
            if !self.running() {
                return true;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        false
    }
}

impl Drop for Tui {
    fn drop(&mut self) {
        if self.running() {
            // SAFETY: kill(2) on our own child, not yet reaped, so the pid is still its own.
            unsafe { libc::kill(self.pid, libc::SIGKILL) };
            let _ = self.child.wait();
        }
    }
}

pub type Fine = std::collections::HashMap<u64, u64>;

/// Seconds of CPU between two schedstat samples: each thread's own difference (a thread that
/// started in between counts whole). A thread that exited in between is missing: a lower bound.
pub fn fine_delta(a: &Option<Fine>, b: &Option<Fine>) -> Option<f64> {
    let (a, b) = (a.as_ref()?, b.as_ref()?);
    let ns: u64 = b.iter().map(|(tid, end)| end.saturating_sub(a.get(tid).copied().unwrap_or(0))).sum();
    Some(ns as f64 / 1e9)
}

pub fn clock_ticks() -> f64 {
    // SAFETY: sysconf has no preconditions.
    let t = unsafe { libc::sysconf(libc::_SC_CLK_TCK) };
    if t > 0 { t as f64 } else { 100.0 }
}

pub fn sleep_until(t: Instant) {
    let now = Instant::now();
    if t > now {
        std::thread::sleep(t - now);
    }
}

/// The binary to run: `arg`, else `$CARGO_TARGET_DIR/release/chiptape`, else `target/release/chiptape`.
pub fn release_bin(arg: Option<PathBuf>) -> Result<PathBuf, String> {
    let bin = arg.unwrap_or_else(|| {
        let dir = std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| PathBuf::from("target"), PathBuf::from);
        dir.join("release/chiptape")
    });
    std::fs::canonicalize(&bin)
        .map_err(|e| format!("{}: {e} (build it with `cargo build --release`)", bin.display()))
}

/// `chiptape config check` of a generated config, in the app's private environment.
pub fn check_config(bin: &Path, config: &Path, home: &Path) -> Result<(), String> {
    let check = std::process::Command::new(bin)
        .args(["config", "check"])
        .arg(config)
        .env_clear()
        .envs(private_env(home))
        .output()
        .map_err(|e| format!("run {}: {e}", bin.display()))?;
    if check.status.success() {
        return Ok(());
    }
    Err(format!(
        "the generated config is refused:\n{}{}",
        String::from_utf8_lossy(&check.stdout),
        String::from_utf8_lossy(&check.stderr)
    ))
}
