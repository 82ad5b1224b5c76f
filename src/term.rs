//! Taking the terminal and always giving it back: on quit, on signals, and on panics in any task.

use tokio::sync::mpsc;

use crate::msg::Msg;

/// SIGTERM, SIGHUP (the pane closed), SIGQUIT and SIGINT become `Msg::Shutdown`. Install before taking the terminal.
#[cfg(unix)]
pub fn forward_signals(tx: mpsc::UnboundedSender<Msg>) -> std::io::Result<()> {
    use tokio::signal::unix::{SignalKind, signal};
    // SIGINT too: ctrl-c at the keyboard arrives as a key in raw mode, but `kill -INT` must not leave a raw terminal.
    for kind in [SignalKind::terminate(), SignalKind::hangup(), SignalKind::quit(), SignalKind::interrupt()] {
        let mut s = signal(kind)?;
        let tx = tx.clone();
        tokio::spawn(async move {
            while s.recv().await.is_some() {
                if tx.send(Msg::Shutdown).is_err() {
                    break;
                }
            }
        });
    }
    Ok(())
}

#[cfg(not(unix))]
pub fn forward_signals(_tx: mpsc::UnboundedSender<Msg>) -> std::io::Result<()> {
    Ok(())
}

/// Restore the terminal, log and print the panic, and exit non-zero: a panicking task must not leave
/// a half-alive UI behind. The hook owns the log writer's guard: `process::exit` runs no
/// destructors, so the hook flushes the log itself before it exits.
pub fn install_panic_hook(log: Option<tracing_appender::non_blocking::WorkerGuard>) {
    let previous = std::panic::take_hook();
    let log = std::sync::Mutex::new(log);
    std::panic::set_hook(Box::new(move |info| {
        ratatui::restore();
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
