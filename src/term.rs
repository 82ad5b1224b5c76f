//! Taking the terminal and always giving it back: on quit, on signals, and on panics in any task.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicI32, Ordering};

use tokio::sync::mpsc;

use crate::msg::Msg;

/// The signals that quit the app as a person asks it to (exit code 0): SIGTERM, SIGHUP (the pane
/// closed), SIGQUIT and SIGINT.
#[cfg(unix)]
const QUIT: [i32; 4] = [libc::SIGTERM, libc::SIGHUP, libc::SIGQUIT, libc::SIGINT];

/// Every other catchable signal whose default is to end the process: caught too, so the terminal is
/// restored (the app then exits with 128 + its number). Faults (SIGSEGV, SIGBUS, …) cannot be
/// handled safely; SIGPIPE is ignored by Rust programs anyway.
#[cfg(unix)]
fn other_terminating() -> Vec<i32> {
    let mut out = vec![
        libc::SIGUSR1,
        libc::SIGUSR2,
        libc::SIGALRM,
        libc::SIGVTALRM,
        libc::SIGPROF,
        libc::SIGXCPU,
        libc::SIGXFSZ,
        libc::SIGIO,
    ];
    #[cfg(any(target_os = "linux", target_os = "android"))]
    {
        out.extend([libc::SIGPWR, libc::SIGSTKFLT]);
        out.extend(libc::SIGRTMIN()..=libc::SIGRTMAX());
    }
    out
}

/// Every terminating signal becomes `Msg::Shutdown`; `caught` keeps the number of one that is not a
/// plain request to quit, for the exit code. Install before taking the terminal.
#[cfg(unix)]
pub fn forward_signals(tx: mpsc::UnboundedSender<Msg>, caught: Arc<AtomicI32>) -> std::io::Result<()> {
    use tokio::signal::unix::{SignalKind, signal};
    // SIGINT too: ctrl-c at the keyboard arrives as a key in raw mode, but `kill -INT` must not leave a raw terminal.
    for n in QUIT.into_iter().chain(other_terminating()) {
        let mut s = signal(SignalKind::from_raw(n))?;
        let (tx, caught) = (tx.clone(), caught.clone());
        tokio::spawn(async move {
            while s.recv().await.is_some() {
                if !QUIT.contains(&n) {
                    caught.store(n, Ordering::SeqCst);
                }
                if tx.send(Msg::Shutdown).is_err() {
                    break;
                }
            }
        });
    }
    Ok(())
}

#[cfg(not(unix))]
pub fn forward_signals(_tx: mpsc::UnboundedSender<Msg>, _caught: Arc<AtomicI32>) -> std::io::Result<()> {
    Ok(())
}

/// The mouse is wanted (the config's `mouse`) and taken now: every path that gives the terminal
/// back reads them, the panic and signal paths included.
static MOUSE_WANTED: AtomicBool = AtomicBool::new(false);
static MOUSE_ON: AtomicBool = AtomicBool::new(false);

/// Button presses and the wheel (1000), reported in SGR form (1006), which has no limit on the
/// column. No motion tracking: moving the pointer sends nothing and costs nothing.
const MOUSE_CAPTURE: &str = "\x1b[?1000h\x1b[?1006h";
const MOUSE_RELEASE: &str = "\x1b[?1006l\x1b[?1000l";

/// Take the terminal: raw mode, the alternate screen, and the mouse when `mouse`.
pub fn take(mouse: bool) -> std::io::Result<()> {
    crossterm::terminal::enable_raw_mode()?;
    crossterm::execute!(std::io::stdout(), crossterm::terminal::EnterAlternateScreen)?;
    set_mouse(mouse)
}

/// Take the mouse or leave it to the terminal (its own selection, copying text).
pub fn set_mouse(on: bool) -> std::io::Result<()> {
    use std::io::Write;
    MOUSE_WANTED.store(on, Ordering::SeqCst);
    if MOUSE_ON.swap(on, Ordering::SeqCst) == on {
        return Ok(());
    }
    screen_write(|| {
        let mut out = std::io::stdout();
        out.write_all(if on { MOUSE_CAPTURE } else { MOUSE_RELEASE }.as_bytes())?;
        out.flush()
    })
}

/// Give the terminal back as it was: the mouse first, then the screen and cooked mode.
pub fn restore() {
    use std::io::Write;
    if MOUSE_ON.swap(false, Ordering::SeqCst) {
        let mut out = std::io::stdout();
        let _ = out.write_all(MOUSE_RELEASE.as_bytes());
        let _ = out.flush();
    }
    ratatui::restore();
}

/// Restore the terminal, save what can be saved (`save`), log and print the panic (on stderr, after
/// the terminal is back), and exit non-zero: a panicking task must not leave a half-alive UI behind.
/// The hook owns the log writer's guard: `process::exit` runs no destructors, so the hook flushes
/// the log itself before it exits.
pub fn install_panic_hook(
    log: Option<tracing_appender::non_blocking::WorkerGuard>,
    save: Box<dyn Fn() + Send + Sync>,
) {
    let previous = std::panic::take_hook();
    let log = std::sync::Mutex::new(log);
    std::panic::set_hook(Box::new(move |info| {
        // A panic the code around it turns into an error (a feed's parser): logged, not fatal.
        if crate::market::panics::contained() {
            tracing::warn!("contained panic: {info}");
            return;
        }
        stop_drawing();
        restore();
        save();
        tracing::error!("panic: {info}");
        drop(log.lock().unwrap_or_else(std::sync::PoisonError::into_inner).take());
        previous(info);
        std::process::exit(101);
    }));
}

/// The loop's writes to the screen and the panic hook's giving it back take turns: a panic in a
/// task runs its hook on another thread while the loop may be drawing, and a frame drawn after the
/// terminal is given back lands on the user's screen, over the panic's message.
static SCREEN: std::sync::Mutex<()> = std::sync::Mutex::new(());
static GIVEN_BACK: AtomicBool = AtomicBool::new(false);

thread_local! {
    /// This thread is inside a write: a panic there must not wait for itself.
    static WRITING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// One write to the screen, skipped once the terminal is given back for good.
fn screen_write<E>(write: impl FnOnce() -> Result<(), E>) -> Result<(), E> {
    let _turn = SCREEN.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    if GIVEN_BACK.load(Ordering::SeqCst) {
        return Ok(());
    }
    WRITING.set(true);
    let out = write();
    WRITING.set(false);
    out
}

/// No frame is written after this: waits for a write under way on another thread to end.
fn stop_drawing() {
    if WRITING.get() {
        GIVEN_BACK.store(true, Ordering::SeqCst);
        return;
    }
    let _turn = SCREEN.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    GIVEN_BACK.store(true, Ordering::SeqCst);
}

/// Put the default panic hook back; dropping ours flushes the log it holds.
pub fn remove_panic_hook() {
    drop(std::panic::take_hook());
}

/// Leaves and retakes the terminal around an external program (the editor).
pub trait Suspend: Send {
    fn suspend(&mut self) -> std::io::Result<()>;
    fn resume(&mut self) -> std::io::Result<()>;
    /// Take the mouse or give it back (the config's `mouse` changed).
    fn mouse(&mut self, _on: bool) -> std::io::Result<()> {
        Ok(())
    }
}

/// The real terminal: leave raw mode and the alternate screen for the editor, then come back.
pub struct Screen;

impl Suspend for Screen {
    fn suspend(&mut self) -> std::io::Result<()> {
        // The editor gets a plain terminal: its clicks are its own.
        let wanted = MOUSE_WANTED.load(Ordering::SeqCst);
        restore();
        MOUSE_WANTED.store(wanted, Ordering::SeqCst);
        Ok(())
    }

    fn resume(&mut self) -> std::io::Result<()> {
        crossterm::terminal::enable_raw_mode()?;
        crossterm::execute!(
            std::io::stdout(),
            crossterm::terminal::EnterAlternateScreen,
            crossterm::terminal::Clear(crossterm::terminal::ClearType::All)
        )?;
        set_mouse(MOUSE_WANTED.load(Ordering::SeqCst))
    }

    fn mouse(&mut self, on: bool) -> std::io::Result<()> {
        set_mouse(on)
    }
}

/// The terminal's backend, asked its size once per resize instead of before every frame: crossterm
/// opens `/dev/tty` and asks the kernel each time, and ratatui asks on every draw (a twentieth of a
/// key press's cost). `stale` is set by whoever sees a resize, or hands the terminal back after
/// another program had it; a size older than `SIZE_KEPT` is asked again anyway, since a resize
/// event can go missing (seen with two resizes in quick succession).
pub struct SizedBackend<B> {
    inner: B,
    size: std::cell::Cell<Option<(ratatui::layout::Size, std::time::Instant)>>,
    stale: Arc<std::sync::atomic::AtomicBool>,
}

const SIZE_KEPT: std::time::Duration = std::time::Duration::from_secs(1);

impl<B> SizedBackend<B> {
    pub fn new(inner: B, stale: Arc<std::sync::atomic::AtomicBool>) -> SizedBackend<B> {
        SizedBackend { inner, size: std::cell::Cell::new(None), stale }
    }
}

impl<B: ratatui::backend::Backend> ratatui::backend::Backend for SizedBackend<B> {
    type Error = B::Error;

    fn draw<'a, I>(&mut self, content: I) -> Result<(), Self::Error>
    where
        I: Iterator<Item = (u16, u16, &'a ratatui::buffer::Cell)>,
    {
        screen_write(|| self.inner.draw(content))
    }

    fn append_lines(&mut self, n: u16) -> Result<(), Self::Error> {
        screen_write(|| self.inner.append_lines(n))
    }

    fn hide_cursor(&mut self) -> Result<(), Self::Error> {
        screen_write(|| self.inner.hide_cursor())
    }

    fn show_cursor(&mut self) -> Result<(), Self::Error> {
        screen_write(|| self.inner.show_cursor())
    }

    fn get_cursor_position(&mut self) -> Result<ratatui::layout::Position, Self::Error> {
        self.inner.get_cursor_position()
    }

    fn set_cursor_position<P: Into<ratatui::layout::Position>>(
        &mut self,
        position: P,
    ) -> Result<(), Self::Error> {
        screen_write(|| self.inner.set_cursor_position(position))
    }

    fn clear(&mut self) -> Result<(), Self::Error> {
        screen_write(|| self.inner.clear())
    }

    fn clear_region(&mut self, clear_type: ratatui::backend::ClearType) -> Result<(), Self::Error> {
        screen_write(|| self.inner.clear_region(clear_type))
    }

    fn size(&self) -> Result<ratatui::layout::Size, Self::Error> {
        let stale = self.stale.swap(false, std::sync::atomic::Ordering::SeqCst);
        match self.size.get() {
            Some((size, at)) if !stale && at.elapsed() < SIZE_KEPT => Ok(size),
            _ => {
                let size = self.inner.size();
                // A failed ask is asked again next time.
                self.size.set(size.as_ref().ok().map(|s| (*s, std::time::Instant::now())));
                size
            }
        }
    }

    fn window_size(&mut self) -> Result<ratatui::backend::WindowSize, Self::Error> {
        self.inner.window_size()
    }

    fn flush(&mut self) -> Result<(), Self::Error> {
        screen_write(|| self.inner.flush())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Once the panic hook has given the terminal back, the loop's next frame writes nothing.
    #[test]
    fn nothing_is_drawn_after_the_terminal_is_given_back() {
        let backend = SizedBackend::new(ratatui::backend::TestBackend::new(20, 2), Arc::default());
        let mut terminal = ratatui::Terminal::new(backend).expect("terminal");
        let say = |t: &mut ratatui::Terminal<SizedBackend<ratatui::backend::TestBackend>>,
                   text: &'static str| {
            t.draw(|f| f.render_widget(ratatui::widgets::Paragraph::new(text), f.area())).expect("draw");
        };
        say(&mut terminal, "before");
        stop_drawing();
        say(&mut terminal, "after");
        let shown: String = terminal.backend().inner.buffer().content().iter().map(|c| c.symbol()).collect();
        assert!(shown.starts_with("before") && !shown.contains("after"), "{shown:?}");
    }
}
