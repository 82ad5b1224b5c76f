//! Telling the user an alert fired, outside the screen: the terminal's bell and `alerts_command`.

use std::io::Write;
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::mpsc;

use crate::msg::Msg;

/// How long an alert command may run before it is killed.
const COMMAND_TIMEOUT: Duration = Duration::from_secs(10);

/// Rings the bell; tests count instead.
pub type Bell = Arc<dyn Fn() + Send + Sync>;

/// BEL on the terminal: the terminal decides what it sounds or looks like.
pub fn terminal_bell() -> Bell {
    Arc::new(|| {
        let mut out = std::io::stdout();
        let _ = out.write_all(b"\x07");
        let _ = out.flush();
    })
}

/// Run `command` (program and its arguments, no shell) with `message` appended, on a blocking
/// thread: waited for (no zombie), killed after `COMMAND_TIMEOUT`, and a failure reported as a
/// notice, never fatal.
pub fn run_alert_command(command: &[String], message: String, inbox: mpsc::UnboundedSender<Msg>) {
    let Some((program, args)) = command.split_first() else { return };
    let (program, args) = (program.clone(), args.to_vec());
    tokio::task::spawn_blocking(move || {
        if let Err(e) = run(&program, &args, &message, COMMAND_TIMEOUT) {
            tracing::warn!(program, error = %e, "alert command failed");
            let _ = inbox.send(Msg::Notice(format!("alert command {program}: {e}")));
        }
    });
}

fn run(program: &str, args: &[String], message: &str, timeout: Duration) -> Result<(), String> {
    let mut child = std::process::Command::new(program)
        .args(args)
        .arg(message)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .map_err(|e| format!("cannot run it ({e})"))?;
    let started = Instant::now();
    loop {
        match child.try_wait().map_err(|e| e.to_string())? {
            Some(s) if s.success() => return Ok(()),
            Some(s) => return Err(format!("exited with {s}")),
            None if started.elapsed() > timeout => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!("still running after {}s: stopped", timeout.as_secs()));
            }
            None => std::thread::sleep(Duration::from_millis(50)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The message is the last argument; a failing, missing or hanging program is an error to show,
    /// and the hanging one is stopped (and waited for).
    #[test]
    fn the_command_runs_fails_or_is_stopped() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out.txt");
        let echo = format!("printf '%s|%s' \"$0\" \"$1\" > '{}'", out.display());
        run("sh", &["-c".into(), echo, "chiptape".into()], "NVDA below 100", Duration::from_secs(5)).unwrap();
        assert_eq!(std::fs::read_to_string(&out).unwrap(), "chiptape|NVDA below 100");
        let e = run("sh", &["-c".into(), "exit 3".into()], "m", Duration::from_secs(5)).unwrap_err();
        assert!(e.contains("exit status: 3"), "{e}");
        let e = run("/nonexistent/notifier", &[], "m", Duration::from_secs(5)).unwrap_err();
        assert!(e.starts_with("cannot run it"), "{e}");
        let started = Instant::now();
        let e = run("sh", &["-c".into(), "sleep 30".into()], "m", Duration::from_millis(300)).unwrap_err();
        assert!(e.contains("stopped") && started.elapsed() < Duration::from_secs(5), "{e}");
    }
}
