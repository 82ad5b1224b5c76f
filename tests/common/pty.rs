//! A pseudo-terminal harness: the real binary, judged by the parsed screen as a person would see it.
//!
//! Every wait polls the screen against a deadline and, on timeout, panics with the screen it saw.

use std::io::{ErrorKind, Read, Write};
use std::num::NonZeroU16;
use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use portable_pty::{Child, CommandBuilder, ExitStatus, MasterPty, PtySize, native_pty_system};
use tempfile::TempDir;
use vt100::{Color, Screen};

pub const ROWS: u16 = 35;
pub const COLS: u16 = 120;
pub const TIMEOUT: Duration = Duration::from_secs(10);
pub const POLL: Duration = Duration::from_millis(25);
pub const ESC: &str = "\x1b";

pub use super::env::private_env;

/// Counts the terminal bells the app rings.
pub struct Bells(pub usize);

impl vt100::Callbacks for Bells {
    fn audible_bell(&mut self, _: &mut Screen) {
        self.0 += 1;
    }
}

/// What the reader thread keeps up to date.
pub struct Term {
    parser: vt100::Parser<Bells>,
    /// Sampled after every byte, so entering and leaving within one read is still seen.
    saw_alternate: bool,
    /// A mouse mode or the SGR mouse encoding was turned on at some point (`\x1b[?1000h`, `?1006h`).
    saw_mouse: bool,
    /// The child's side is gone: the screen will not change any more.
    closed: bool,
}

/// The app running in a PTY. Dropping it kills the child, so a failed test leaves nothing behind.
pub struct Tui {
    child: Box<dyn Child + Send + Sync>,
    writer: Box<dyn Write + Send>,
    term: Arc<Mutex<Term>>,
    reader: Option<JoinHandle<()>>,
    _master: Box<dyn MasterPty + Send>,
    /// The child's HOME and cwd; deleted only after `drop` has ended the child.
    _home: TempDir,
}

/// A check that fails panics while holding the lock; the screen is still worth reading afterwards.
pub fn lock(term: &Mutex<Term>) -> MutexGuard<'_, Term> {
    term.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Tui {
    pub fn start(args: &[&str]) -> Tui {
        Tui::start_in(TempDir::new().expect("temp dir"), args, &[])
    }

    pub fn start_in(home: TempDir, args: &[&str], extra_env: &[(&str, &str)]) -> Tui {
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
            parser: vt100::Parser::new_with_callbacks(
                NonZeroU16::new(ROWS).unwrap(),
                NonZeroU16::new(COLS).unwrap(),
                0,
                Bells(0),
            ),
            saw_alternate: false,
            saw_mouse: false,
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
                            t.saw_mouse |= mouse_on(t.parser.screen());
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

    pub fn press(&mut self, keys: &str) {
        self.writer.write_all(keys.as_bytes()).expect("write to pty");
        self.writer.flush().expect("flush pty");
    }

    /// ESC followed closely by another byte reads as Alt+key, so it goes alone and its effect is awaited.
    pub fn escape(&mut self, what: &str, effect: impl Fn(&Screen) -> bool) {
        self.press(ESC);
        self.wait_for(what, effect);
    }

    pub fn wait_for(&self, what: &str, cond: impl Fn(&Screen) -> bool) {
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

    pub fn with_screen<T>(&self, f: impl FnOnce(&Screen) -> T) -> T {
        f(lock(&self.term).parser.screen())
    }

    /// How many times the terminal's bell rang.
    pub fn bells(&self) -> usize {
        lock(&self.term).parser.callbacks().0
    }

    pub fn saw_alternate(&self) -> bool {
        lock(&self.term).saw_alternate
    }

    pub fn saw_mouse(&self) -> bool {
        lock(&self.term).saw_mouse
    }

    /// A press of the left button at this cell (0-based), and its release, in SGR form.
    pub fn click(&mut self, (row, col): (u16, u16)) {
        self.press(&format!("\x1b[<0;{c};{r}M\x1b[<0;{c};{r}m", c = col + 1, r = row + 1));
    }

    /// A notch of the wheel at this cell, down or up.
    pub fn wheel(&mut self, (row, col): (u16, u16), down: bool) {
        let button = if down { 65 } else { 64 };
        self.press(&format!("\x1b[<{button};{};{}M", col + 1, row + 1));
    }

    /// The child's HOME (its state dir, log and config live under it).
    pub fn home(&self) -> &Path {
        self._home.path()
    }

    /// The terminal is in cooked mode (line editing and echo on), as a shell wants it back.
    pub fn cooked(&self) -> bool {
        let fd = self._master.as_raw_fd().expect("the master's fd");
        // SAFETY: a zeroed termios is a valid out-parameter; `fd` is our open PTY master.
        let mut t: libc::termios = unsafe { std::mem::zeroed() };
        let rc = unsafe { libc::tcgetattr(fd, &mut t) };
        assert_eq!(rc, 0, "tcgetattr: {}", std::io::Error::last_os_error());
        t.c_lflag & libc::ICANON != 0 && t.c_lflag & libc::ECHO != 0
    }

    /// Resize the terminal, as a person dragging the pane's edge: the PTY (SIGWINCH) and our screen.
    pub fn resize(&self, rows: u16, cols: u16) {
        lock(&self.term).parser.set_size(NonZeroU16::new(rows).unwrap(), NonZeroU16::new(cols).unwrap());
        self._master.resize(PtySize { rows, cols, pixel_width: 0, pixel_height: 0 }).expect("resize the pty");
    }

    pub fn pid(&self) -> u32 {
        self.child.process_id().expect("child pid")
    }

    /// Children of the app that have exited and were never waited for.
    pub fn zombies(&self) -> Vec<u32> {
        let me = self.pid();
        let mut out = Vec::new();
        for entry in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
            let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else { continue };
            // pid (comm) state ppid …; comm may hold spaces and parentheses, so read after the last ')'.
            let Some((head, tail)) = stat.rsplit_once(')') else { continue };
            let fields: Vec<&str> = tail.split_whitespace().collect();
            let pid = head.split_whitespace().next().and_then(|p| p.parse::<u32>().ok());
            if let (Some(pid), Some(&"Z"), Some(ppid)) = (pid, fields.first(), fields.get(1))
                && ppid.parse::<u32>() == Ok(me)
            {
                out.push(pid);
            }
        }
        out
    }

    pub fn running(&mut self) -> bool {
        self.child.try_wait().expect("try_wait").is_none()
    }

    pub fn signal(&self, sig: libc::c_int) {
        let pid = self.child.process_id().expect("child pid");
        // SAFETY: kill(2) on the pid of our own child, which has not been reaped yet.
        let rc = unsafe { libc::kill(pid as libc::pid_t, sig) };
        assert_eq!(rc, 0, "kill({pid}, {sig}): {}", std::io::Error::last_os_error());
    }

    /// Wait for the child to exit and for its last output to be parsed.
    pub fn wait_exit(&mut self) -> ExitStatus {
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
pub fn dump(screen: &Screen) -> String {
    let alt = if screen.alternate_screen() { "alternate" } else { "main" };
    let rows: Vec<String> =
        screen.rows(0, screen.size().1.get()).enumerate().map(|(i, r)| format!("{i:2}│{r}")).collect();
    format!("{alt} screen:\n{}", rows.join("\n"))
}

/// One row's text, cell by cell, with the column each byte came from (wide characters take two cells).
pub fn row_cells(screen: &Screen, row: u16) -> (String, Vec<u16>) {
    let mut text = String::new();
    let mut cols = Vec::new();
    for col in 0..screen.size().1.get() {
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
pub fn find_from(screen: &Screen, from_row: u16, needle: &str) -> Option<(u16, u16)> {
    (from_row..screen.size().0.get()).find_map(|row| {
        let (text, cols) = row_cells(screen, row);
        text.find(needle).map(|i| (row, cols[i]))
    })
}

pub fn find(screen: &Screen, needle: &str) -> Option<(u16, u16)> {
    find_from(screen, 0, needle)
}

/// The text of `row` from column `from` for `width` cells.
pub fn text_at(screen: &Screen, row: u16, from: u16, width: u16) -> String {
    screen.rows(from, width).nth(row as usize).unwrap_or_default()
}

pub fn line(screen: &Screen, row: u16) -> String {
    text_at(screen, row, 0, screen.size().1.get())
}

pub fn status_line(screen: &Screen) -> String {
    line(screen, ROWS - 1)
}

pub fn bg(screen: &Screen, (row, col): (u16, u16)) -> Color {
    screen.cell(row, col).map_or(Color::Default, |c| c.bgcolor())
}

pub fn fg(screen: &Screen, (row, col): (u16, u16)) -> Color {
    screen.cell(row, col).map_or(Color::Default, |c| c.fgcolor())
}

/// Poll the file until `cond` holds (the app writes it from a task); its text then.
pub fn wait_file(path: &str, what: &str, cond: impl Fn(&str) -> bool) -> String {
    let deadline = Instant::now() + TIMEOUT;
    loop {
        let text = std::fs::read_to_string(path).unwrap_or_default();
        if cond(&text) {
            return text;
        }
        assert!(Instant::now() < deadline, "the file never showed {what}:\n{text}");
        std::thread::sleep(POLL);
    }
}

/// The terminal reports the mouse to the app: a tracking mode or the SGR encoding is on.
pub fn mouse_on(screen: &Screen) -> bool {
    screen.mouse_protocol_mode() != vt100::MouseProtocolMode::None
        || screen.mouse_protocol_encoding() == vt100::MouseProtocolEncoding::Sgr
}
