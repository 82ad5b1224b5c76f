//! Opening a headline's link in the browser, off the loop.

use std::sync::Arc;

use tokio::sync::mpsc;

use crate::msg::Msg;

/// Hands a link to whatever opens it (the browser). It may take its time, so it runs off the loop.
pub type Opener = Arc<dyn Fn(&str) -> Result<(), String> + Send + Sync>;

/// The system's opener, or the program named by `CHIPTAPE_OPENER` (tests record links with it).
pub fn system_opener() -> Opener {
    match std::env::var_os("CHIPTAPE_OPENER") {
        Some(prog) => Arc::new(move |url: &str| run_opener(&prog, url)),
        None => Arc::new(|url: &str| open::that_detached(url).map_err(|e| e.to_string())),
    }
}

/// `prog url`, no shell, waited for: it leaves no zombie behind.
fn run_opener(prog: &std::ffi::OsStr, url: &str) -> Result<(), String> {
    let status = std::process::Command::new(prog)
        .arg(url)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .map_err(|e| e.to_string())?;
    if status.success() { Ok(()) } else { Err(format!("{} exited with {status}", prog.to_string_lossy())) }
}

/// Hand an http(s) link to the opener on a blocking thread: launchers can take a while, and the
/// loop must not wait for them. A failure comes back as a notice.
pub fn open_link(opener: Opener, url: String, inbox: mpsc::UnboundedSender<Msg>) {
    if !crate::state::is_web_link(&url) {
        return;
    }
    tokio::task::spawn_blocking(move || {
        if let Err(e) = opener(&url) {
            tracing::warn!(error = %e, url, "could not open link");
            let _ = inbox.send(Msg::Notice(format!("cannot open the link: {e}")));
        }
    });
}
