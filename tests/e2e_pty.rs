//! End to end: the real binary in a pseudo-terminal, judged by the parsed screen as a person would see it.
//!
//! Every wait polls the screen against a deadline and, on timeout, panics with the screen it saw.
#![cfg(unix)]

use std::ffi::OsString;
use std::io::{ErrorKind, Read, Write};
use std::num::NonZeroU16;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use portable_pty::{Child, CommandBuilder, ExitStatus, MasterPty, PtySize, native_pty_system};
use tempfile::TempDir;
use vt100::{Color, Screen};

const ROWS: u16 = 35;
const COLS: u16 = 120;
const TIMEOUT: Duration = Duration::from_secs(10);
const POLL: Duration = Duration::from_millis(25);
/// Tuesday 15:00 UTC: New York trading, Hong Kong and Shanghai closed; the demo market needs no network.
const DEMO: [&str; 3] = ["--demo", "--fake-now", "2026-11-24T15:00:00Z"];
const ESC: &str = "\x1b";

/// A child that sees none of the user's config, state or environment.
fn private_env(home: &Path) -> Vec<(&'static str, OsString)> {
    let path = std::env::var_os("PATH").unwrap_or_else(|| "/usr/bin:/bin".into());
    vec![
        ("PATH", path),
        ("HOME", home.into()),
        ("TERM", "xterm-256color".into()),
        ("XDG_CONFIG_HOME", home.join("config").into()),
        ("XDG_STATE_HOME", home.join("state").into()),
        ("XDG_DATA_HOME", home.join("data").into()),
        ("XDG_CACHE_HOME", home.join("cache").into()),
    ]
}

/// What the reader thread keeps up to date.
struct Term {
    parser: vt100::Parser,
    /// Sampled after every byte, so entering and leaving within one read is still seen.
    saw_alternate: bool,
    /// The child's side is gone: the screen will not change any more.
    closed: bool,
}

/// The app running in a PTY. Dropping it kills the child, so a failed test leaves nothing behind.
struct Tui {
    child: Box<dyn Child + Send + Sync>,
    writer: Box<dyn Write + Send>,
    term: Arc<Mutex<Term>>,
    reader: Option<JoinHandle<()>>,
    _master: Box<dyn MasterPty + Send>,
    /// The child's HOME and cwd; deleted only after `drop` has ended the child.
    _home: TempDir,
}

/// A check that fails panics while holding the lock; the screen is still worth reading afterwards.
fn lock(term: &Mutex<Term>) -> MutexGuard<'_, Term> {
    term.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Tui {
    fn start(args: &[&str]) -> Tui {
        Tui::start_in(TempDir::new().expect("temp dir"), args, &[])
    }

    fn start_in(home: TempDir, args: &[&str], extra_env: &[(&str, &str)]) -> Tui {
        let pair = native_pty_system()
            .openpty(PtySize { rows: ROWS, cols: COLS, pixel_width: 0, pixel_height: 0 })
            .expect("open a pty");
        let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_chiptape"));
        cmd.args(args);
        cmd.env_clear();
        for (k, v) in private_env(home.path()) {
            cmd.env(k, v);
        }
        for (k, v) in extra_env {
            cmd.env(k, v);
        }
        cmd.cwd(home.path());
        let child = pair.slave.spawn_command(cmd).expect("spawn chiptape");
        // Our copy of the slave would keep the PTY open after the child exits, and the reader would never end.
        drop(pair.slave);

        let mut reader = pair.master.try_clone_reader().expect("pty reader");
        let writer = pair.master.take_writer().expect("pty writer");
        let term = Arc::new(Mutex::new(Term {
            parser: vt100::Parser::new(NonZeroU16::new(ROWS).unwrap(), NonZeroU16::new(COLS).unwrap(), 0),
            saw_alternate: false,
            closed: false,
        }));
        let shared = Arc::clone(&term);
        // Read all the time: a child blocked on a full PTY buffer would look like a hung app.
        let reader = std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            loop {
                match reader.read(&mut buf) {
                    Ok(0) => break,
                    Ok(n) => {
                        let mut t = lock(&shared);
                        for b in &buf[..n] {
                            t.parser.process(std::slice::from_ref(b));
                            t.saw_alternate |= t.parser.screen().alternate_screen();
                        }
                    }
                    Err(e) if e.kind() == ErrorKind::Interrupted => {}
                    // Linux reports the closed slave as EIO, not as a zero read.
                    Err(_) => break,
                }
            }
            lock(&shared).closed = true;
        });
        Tui { child, writer, term, reader: Some(reader), _master: pair.master, _home: home }
    }

    fn press(&mut self, keys: &str) {
        self.writer.write_all(keys.as_bytes()).expect("write to pty");
        self.writer.flush().expect("flush pty");
    }

    /// ESC followed closely by another byte reads as Alt+key, so it goes alone and its effect is awaited.
    fn escape(&mut self, what: &str, effect: impl Fn(&Screen) -> bool) {
        self.press(ESC);
        self.wait_for(what, effect);
    }

    fn wait_for(&self, what: &str, cond: impl Fn(&Screen) -> bool) {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let (ok, closed) = {
                let t = lock(&self.term);
                (cond(t.parser.screen()), t.closed)
            };
            if ok {
                return;
            }
            // Once the child's side is closed the screen is final: no point waiting out the deadline.
            if closed {
                panic!("the app closed the terminal while waiting for {what}; {}", self.with_screen(dump));
            }
            if Instant::now() >= deadline {
                panic!("timed out after {TIMEOUT:?} waiting for {what}; {}", self.with_screen(dump));
            }
            std::thread::sleep(POLL);
        }
    }

    fn with_screen<T>(&self, f: impl FnOnce(&Screen) -> T) -> T {
        f(lock(&self.term).parser.screen())
    }

    fn saw_alternate(&self) -> bool {
        lock(&self.term).saw_alternate
    }

    fn running(&mut self) -> bool {
        self.child.try_wait().expect("try_wait").is_none()
    }

    fn signal(&self, sig: libc::c_int) {
        let pid = self.child.process_id().expect("child pid");
        // SAFETY: kill(2) on the pid of our own child, which has not been reaped yet.
        let rc = unsafe { libc::kill(pid as libc::pid_t, sig) };
        assert_eq!(rc, 0, "kill({pid}, {sig}): {}", std::io::Error::last_os_error());
    }

    /// Wait for the child to exit and for its last output to be parsed.
    fn wait_exit(&mut self) -> ExitStatus {
        let deadline = Instant::now() + TIMEOUT;
        let status = loop {
            if let Some(s) = self.child.try_wait().expect("try_wait") {
                break s;
            }
            if Instant::now() >= deadline {
                panic!("the app did not exit within {TIMEOUT:?}; {}", self.with_screen(dump));
            }
            std::thread::sleep(POLL);
        };
        let reader = self.reader.take().expect("reader joined once");
        while !reader.is_finished() {
            assert!(Instant::now() < deadline, "the PTY stayed open after the app exited");
            std::thread::sleep(POLL);
        }
        reader.join().expect("reader thread");
        status
    }
}

impl Drop for Tui {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            if let Some(pid) = self.child.process_id() {
                // SAFETY: our own child, still unreaped, so the pid cannot have been reused.
                unsafe { libc::kill(pid as libc::pid_t, libc::SIGKILL) };
            }
            let _ = self.child.wait();
        }
    }
}

/// The screen with row numbers, for failure messages.
fn dump(screen: &Screen) -> String {
    let alt = if screen.alternate_screen() { "alternate" } else { "main" };
    let rows: Vec<String> = screen.rows(0, COLS).enumerate().map(|(i, r)| format!("{i:2}│{r}")).collect();
    format!("{alt} screen:\n{}", rows.join("\n"))
}

/// One row's text, cell by cell, with the column each byte came from (wide characters take two cells).
fn row_cells(screen: &Screen, row: u16) -> (String, Vec<u16>) {
    let mut text = String::new();
    let mut cols = Vec::new();
    for col in 0..COLS {
        let Some(cell) = screen.cell(row, col) else { break };
        if cell.is_wide_continuation() {
            continue;
        }
        let s = if cell.has_contents() { cell.contents() } else { " " };
        cols.extend(std::iter::repeat_n(col, s.len()));
        text.push_str(s);
    }
    (text, cols)
}

/// Where `needle` first appears at or below `from_row`, as (row, col).
fn find_from(screen: &Screen, from_row: u16, needle: &str) -> Option<(u16, u16)> {
    (from_row..ROWS).find_map(|row| {
        let (text, cols) = row_cells(screen, row);
        text.find(needle).map(|i| (row, cols[i]))
    })
}

fn find(screen: &Screen, needle: &str) -> Option<(u16, u16)> {
    find_from(screen, 0, needle)
}

/// The text of `row` from column `from` for `width` cells.
fn text_at(screen: &Screen, row: u16, from: u16, width: u16) -> String {
    screen.rows(from, width).nth(row as usize).unwrap_or_default()
}

fn line(screen: &Screen, row: u16) -> String {
    text_at(screen, row, 0, COLS)
}

fn status_line(screen: &Screen) -> String {
    line(screen, ROWS - 1)
}

fn bg(screen: &Screen, (row, col): (u16, u16)) -> Color {
    screen.cell(row, col).map_or(Color::Default, |c| c.bgcolor())
}

fn fg(screen: &Screen, (row, col): (u16, u16)) -> Color {
    screen.cell(row, col).map_or(Color::Default, |c| c.fgcolor())
}

/// The panes' top-left corners on the first body row: the watchlist's, then the headlines'.
fn pane_corners(screen: &Screen) -> Vec<(u16, u16)> {
    (0..COLS)
        .filter(|&c| screen.cell(2, c).is_some_and(|cell| cell.contents() == "┌"))
        .map(|c| (2, c))
        .collect()
}

/// Border colours of (watchlist, headlines).
fn border_colours(screen: &Screen) -> (Color, Color) {
    let corners = pane_corners(screen);
    assert_eq!(corners.len(), 2, "expected two panes side by side:\n{}", dump(screen));
    (fg(screen, corners[0]), fg(screen, corners[1]))
}

/// A watchlist row for `symbol` (below the tabs) with a price in it; `None` while it is still loading.
fn priced_row(screen: &Screen, symbol: &str) -> Option<(u16, u16)> {
    let at = find_from(screen, 2, symbol)?;
    let watch_width = pane_corners(screen).get(1)?.1;
    let row = text_at(screen, at.0, 0, watch_width);
    let priced = row.split_whitespace().any(|t| t.contains('.') && t.parse::<f64>().is_ok_and(|p| p > 0.0));
    priced.then_some(at)
}

/// The help popup's inner lines, found by its title.
fn popup_lines(screen: &Screen) -> Option<Vec<String>> {
    let (top, title) = find(screen, "keys · Esc closes")?;
    let left = (0..title).rev().find(|&c| screen.cell(top, c).is_some_and(|x| x.contents() == "┌"))?;
    let right = (title..COLS).find(|&c| screen.cell(top, c).is_some_and(|x| x.contents() == "┐"))?;
    let bottom = (top + 1..ROWS).find(|&r| screen.cell(r, left).is_some_and(|x| x.contents() == "└"))?;
    Some((top + 1..bottom).map(|r| text_at(screen, r, left + 1, right - left - 1)).collect())
}

/// Start the demo and wait until the first group has prices.
fn start_demo() -> Tui {
    let tui = Tui::start(&DEMO);
    tui.wait_for("the first group with prices", |s| {
        s.alternate_screen() && priced_row(s, "0981.HK").is_some()
    });
    tui
}

#[test]
fn keys_drive_the_screen_and_q_quits() {
    let mut tui = start_demo();
    tui.wait_for("the headlines", |s| {
        let Some((row, col)) = find_from(s, 2, "Headlines") else { return false };
        // Anything but the placeholder on the first row under the title means headlines arrived.
        let first = text_at(s, row + 1, col, COLS - col);
        !first.trim().is_empty() && !first.contains("waiting for headlines")
    });
    let (first, second, sel_bg) = tui.with_screen(|s| {
        let top = line(s, 0);
        assert!(
            top.contains(" 1 China AI chips ") && top.contains(" 2 China cloud & models "),
            "group tabs:\n{}",
            dump(s)
        );
        assert!(status_line(s).starts_with(" DEMO "), "no DEMO badge in the status bar:\n{}", dump(s));
        assert!(line(s, 1).contains("HK 23:00 ○ closed"), "HK clock:\n{}", dump(s));
        assert!(status_line(s).contains("? help  / search  q quit"), "key hints:\n{}", dump(s));
        let first = find_from(s, 2, "0981.HK").unwrap();
        let second = find_from(s, 2, "688981.SS").unwrap();
        assert_eq!(second.0, first.0 + 1, "688981.SS should follow 0981.HK:\n{}", dump(s));
        let sel_bg = bg(s, first);
        assert_ne!(sel_bg, Color::Default, "the first row starts selected:\n{}", dump(s));
        assert_eq!(bg(s, second), Color::Default, "only one row is selected:\n{}", dump(s));
        (first, second, sel_bg)
    });

    tui.press("j");
    tui.wait_for("the selection on 688981.SS", |s| bg(s, second) == sel_bg && bg(s, first) == Color::Default);

    let (watch_focused, news_unfocused) = tui.with_screen(border_colours);
    assert_ne!(watch_focused, news_unfocused, "the focused pane's border stands out");
    let news_x = tui.with_screen(|s| pane_corners(s)[1].1);
    tui.press("\t");
    tui.wait_for("focus on the headlines", |s| {
        let news_selected = (3..ROWS - 2).any(|r| bg(s, (r, news_x + 1)) == sel_bg);
        border_colours(s) == (news_unfocused, watch_focused) && news_selected && bg(s, second) != sel_bg
    });
    tui.press("\t");
    tui.wait_for("focus back on the watchlist", |s| {
        border_colours(s) == (watch_focused, news_unfocused) && bg(s, second) == sel_bg
    });

    tui.press("]");
    tui.wait_for("the second group", |s| {
        let Some(tab2) = find(s, " 2 China cloud & models ") else { return false };
        let tab1 = find(s, " 1 China AI chips ").expect("first tab");
        priced_row(s, "9988.HK").is_some()
            && find(s, "0981.HK").is_none()
            && bg(s, tab2) != Color::Default
            && bg(s, tab1) == Color::Default
    });

    tui.press("?");
    tui.wait_for("the help popup listing quit", |s| {
        popup_lines(s).is_some_and(|lines| lines.iter().any(|l| l.contains("quit")))
    });
    tui.escape("the help popup to close", |s| find(s, "keys · Esc closes").is_none());

    tui.press("/");
    tui.wait_for("the search prompt", |s| status_line(s).contains("/▏"));
    tui.press("qnv");
    tui.wait_for("the search text, not a quit", |s| {
        status_line(s).contains("/qnv▏") && find(s, "no symbol matches \"qnv\"").is_some()
    });
    assert!(tui.running(), "typing q into the search prompt quit the app");
    tui.escape("the search to clear", |s| {
        !status_line(s).contains("/qnv")
            && status_line(s).contains("q quit")
            && priced_row(s, "9988.HK").is_some()
    });

    tui.press("q");
    let status = tui.wait_exit();
    assert!(status.success(), "q should exit 0, got {status:?}");
    tui.with_screen(|s| assert!(!s.alternate_screen(), "the alternate screen was not left:\n{}", dump(s)));
}

fn signal_exits_cleanly(sig: libc::c_int) {
    let mut tui = start_demo();
    tui.signal(sig);
    let status = tui.wait_exit();
    assert!(status.success(), "signal {sig} should end the app with 0, got {status:?}");
    tui.with_screen(|s| assert!(!s.alternate_screen(), "the alternate screen was not left:\n{}", dump(s)));
}

#[test]
fn sigterm_exits_cleanly() {
    signal_exits_cleanly(libc::SIGTERM);
}

#[test]
fn sighup_exits_cleanly() {
    signal_exits_cleanly(libc::SIGHUP);
}

#[test]
fn sigquit_exits_cleanly() {
    signal_exits_cleanly(libc::SIGQUIT);
}

#[test]
fn sigint_from_outside_exits_cleanly() {
    signal_exits_cleanly(libc::SIGINT);
}

/// A panic in a spawned task (here the refresh task) must not leave a half-alive UI or a raw terminal.
#[test]
fn panic_in_a_task_restores_the_terminal_and_exits_non_zero() {
    let home = TempDir::new().expect("temp dir");
    let mut tui = Tui::start_in(home, &DEMO, &[("CHIPTAPE_PANIC_FOR_TEST", "refresh")]);
    let status = tui.wait_exit();
    assert!(!status.success(), "a panic must exit non-zero, got {status:?}");
    tui.with_screen(|s| {
        assert!(!s.alternate_screen(), "the alternate screen was not left:\n{}", dump(s));
        assert!(s.contents().contains("CHIPTAPE_PANIC_FOR_TEST"), "the panic is reported:\n{}", dump(s));
    });
}

/// A config the app rejects: `refresh_secs` below the minimum, at line 1, column 16.
fn bad_config(home: &Path) -> PathBuf {
    let path = home.join("bad.toml");
    std::fs::write(&path, "refresh_secs = 1\n").expect("write config");
    path
}

#[test]
fn config_error_exits_2_without_touching_the_terminal() {
    let home = TempDir::new().expect("temp dir");
    let config = bad_config(home.path());
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_chiptape"))
        .args(DEMO)
        .arg("--config")
        .arg(&config)
        .env_clear()
        .envs(private_env(home.path()))
        .current_dir(home.path())
        .stdin(std::process::Stdio::null())
        .output()
        .expect("run chiptape");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "stderr: {stderr}");
    assert!(out.stdout.is_empty(), "stdout: {:?}", String::from_utf8_lossy(&out.stdout));
    let where_ = format!("{}:1:16", config.display());
    assert!(stderr.contains(&where_) && stderr.contains("refresh_secs"), "stderr: {stderr}");
}

#[test]
fn config_error_in_a_pty_never_enters_the_alternate_screen() {
    let home = TempDir::new().expect("temp dir");
    let config = bad_config(home.path());
    let mut args: Vec<&str> = DEMO.to_vec();
    let config_arg = config.to_str().expect("utf-8 temp path");
    args.extend(["--config", config_arg]);
    let mut tui = Tui::start_in(home, &args, &[]);
    let status = tui.wait_exit();
    assert_eq!(status.exit_code(), 2, "{status:?}; screen:\n{}", tui.with_screen(dump));
    let where_ = format!("{config_arg}:1:16");
    tui.with_screen(|s| {
        let text = s.contents();
        assert!(text.contains(&where_) && text.contains("refresh_secs"), "{}", dump(s));
    });
    assert!(!tui.saw_alternate(), "the alternate screen was entered");
}
