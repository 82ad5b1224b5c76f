//! Taking the terminal and always giving it back: on quit, on signals, and on panics in any task.

use std::sync::Arc;
use std::sync::atomic::{AtomicI32, Ordering};

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
        ratatui::restore();
        save();
        tracing::error!("panic: {info}");
        drop(log.lock().unwrap_or_else(std::sync::PoisonError::into_inner).take());
        previous(info);
        std::process::exit(101);
    }));
}

/// Put the default panic hook back; dropping ours flushes the log it holds.
pub fn remove_panic_hook() {
    drop(std::panic::take_hook());
}

/// Leaves and retakes the terminal around an external program (the editor).
pub trait Suspend: Send {
    fn suspend(&mut self) -> std::io::Result<()>;
    fn resume(&mut self) -> std::io::Result<()>;
}

/// The real terminal: leave raw mode and the alternate screen for the editor, then come back.
pub struct Screen;

impl Suspend for Screen {
    fn suspend(&mut self) -> std::io::Result<()> {
        ratatui::restore();
        Ok(())
    }

    fn resume(&mut self) -> std::io::Result<()> {
        crossterm::terminal::enable_raw_mode()?;
        crossterm::execute!(
            std::io::stdout(),
            crossterm::terminal::EnterAlternateScreen,
            crossterm::terminal::Clear(crossterm::terminal::ClearType::All)
        )
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
        self.inner.draw(content)
    }

    fn append_lines(&mut self, n: u16) -> Result<(), Self::Error> {
        self.inner.append_lines(n)
    }

    fn hide_cursor(&mut self) -> Result<(), Self::Error> {
        self.inner.hide_cursor()
    }

    fn show_cursor(&mut self) -> Result<(), Self::Error> {
        self.inner.show_cursor()
    }

    fn get_cursor_position(&mut self) -> Result<ratatui::layout::Position, Self::Error> {
        self.inner.get_cursor_position()
    }

    fn set_cursor_position<P: Into<ratatui::layout::Position>>(
        &mut self,
        position: P,
    ) -> Result<(), Self::Error> {
        self.inner.set_cursor_position(position)
    }

    fn clear(&mut self) -> Result<(), Self::Error> {
        self.inner.clear()
    }

    fn clear_region(&mut self, clear_type: ratatui::backend::ClearType) -> Result<(), Self::Error> {
        self.inner.clear_region(clear_type)
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
        self.inner.flush()
    }
}
