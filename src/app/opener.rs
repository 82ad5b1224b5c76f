//! Opening a headline's link in the browser, off the loop.

use std::sync::Arc;

use tokio::sync::mpsc;

use crate::msg::Msg;

/// Hands a link to whatever opens it (the browser). It may take its time, so it runs off the loop.
pub type Opener = Arc<dyn Fn(&str) -> Result<(), String> + Send + Sync>;

/// The system's opener, or the program named by `CHIPTAPE_OPENER` (tests record links with it).
/// Its failures are said as what to do, never as an OS error's debug text.
pub fn system_opener() -> Opener {
    match std::env::var_os("CHIPTAPE_OPENER") {
        Some(prog) => Arc::new(move |url: &str| run_opener(&prog, url)),
        None => Arc::new(|url: &str| {
            open::that_detached(url).map_err(|_| {
                "no browser found: set CHIPTAPE_OPENER to one (e.g. CHIPTAPE_OPENER=firefox)".to_string()
            })
        }),
    }
}

/// `prog url`, no shell, waited for: it leaves no zombie behind.
fn run_opener(prog: &std::ffi::OsStr, url: &str) -> Result<(), String> {
    let name = prog.to_string_lossy();
    let status = std::process::Command::new(prog)
        .arg(url)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => {
                format!("CHIPTAPE_OPENER={name} is not a program here: set it to your browser")
            }
            _ => format!("CHIPTAPE_OPENER={name} could not be started ({e})"),
        })?;
    if status.success() { Ok(()) } else { Err(format!("{name} {status}: is CHIPTAPE_OPENER a browser?")) }
}

/// Hand an http(s) link to the opener on a blocking thread: launchers can take a while, and the
/// loop must not wait for them. A failure comes back, to unmark the headline and say what to do.
pub fn open_link(opener: Opener, url: String, inbox: mpsc::UnboundedSender<Msg>) {
    if !crate::state::is_web_link(&url) {
        return;
    }
    tokio::task::spawn_blocking(move || {
        if let Err(why) = opener(&url) {
            tracing::warn!(error = %why, url, "could not open link");
            let _ = inbox.send(Msg::OpenFailed { link: url, why });
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_opener_that_is_not_there_is_named_with_what_to_set() {
        let e = run_opener(std::ffi::OsStr::new("/nonexistent/chiptape-browser"), "https://x.example/")
            .unwrap_err();
        assert!(e.contains("CHIPTAPE_OPENER=/nonexistent/chiptape-browser is not a program here"), "{e}");
        assert!(!e.contains("os error") && !e.contains("Os {"), "no debug text: {e}");
        let e = run_opener(std::ffi::OsStr::new("false"), "https://x.example/").unwrap_err();
        assert!(e.starts_with("false exit status: 1"), "{e}");
    }
}
