//! The user's editor on the config file (`e`): the screen suspended around it, and hung up on when
//! a signal asks the app to quit meanwhile.

use std::path::Path;

use crate::term::Suspend;

/// `$VISUAL`, else `$EDITOR`, else `vi`, split into program and arguments (no shell).
pub fn editor_command() -> Result<(String, Vec<String>), String> {
    let var = ["VISUAL", "EDITOR"]
        .iter()
        .filter_map(|v| std::env::var(v).ok())
        .find(|v| !v.trim().is_empty())
        .unwrap_or_else(|| "vi".to_string());
    let mut words =
        shell_words::split(&var).map_err(|e| format!("cannot read the editor command {var:?}: {e}"))?;
    if words.is_empty() {
        return Err("the editor command is empty".to_string());
    }
    let program = words.remove(0);
    Ok((program, words))
}

/// How a run of the editor ended.
#[derive(Debug, PartialEq)]
pub enum Edited {
    /// The editor exited; the note says how.
    Done(String),
    /// A shutdown came (SIGTERM, SIGHUP) while the editor ran: it was hung up on.
    Interrupted,
}

/// Suspend the screen, run the editor on `path` (writing the commented example first if there is
/// no file yet), and take the screen back whatever happened. When `stop` completes first (a signal
/// to quit), the editor is hung up on rather than waited for.
pub async fn edit_in_editor(
    path: &Path,
    suspend: &mut dyn Suspend,
    stop: impl std::future::Future<Output = ()>,
) -> Result<Edited, String> {
    let mut note = String::new();
    if !path.exists() {
        crate::config::init(path, false).map_err(|e| e.to_string())?;
        note = format!("wrote {} from the commented example; ", path.display());
    }
    let (program, args) = editor_command()?;
    suspend.suspend().map_err(|e| format!("cannot leave the screen: {e}"))?;
    let result = match tokio::process::Command::new(&program).args(&args).arg(path).spawn() {
        Err(e) => Err(format!("cannot run {program}: {e}")),
        Ok(mut child) => {
            let exited = tokio::select! {
                status = child.wait() => Some(status),
                () = stop => None,
            };
            match exited {
                Some(Ok(s)) if s.success() => Ok(Edited::Done(format!("{note}back from {program}"))),
                Some(Ok(s)) => Ok(Edited::Done(format!("{note}{program} exited with {s}"))),
                Some(Err(e)) => Err(format!("cannot wait for {program}: {e}")),
                None => {
                    hang_up(&mut child).await;
                    Ok(Edited::Interrupted)
                }
            }
        }
    };
    suspend.resume().map_err(|e| format!("cannot take the screen back: {e}"))?;
    result
}

/// How long an editor that was hung up on gets to keep its work before it is killed.
const HANG_UP_GRACE: std::time::Duration = std::time::Duration::from_secs(3);

/// SIGHUP, as if its terminal had closed: editors keep unsaved work for recovery (vim's swap file,
/// nano's .save) and exit. One that does not is killed after a grace period.
async fn hang_up(child: &mut tokio::process::Child) {
    #[cfg(unix)]
    if let Some(pid) = child.id() {
        // SAFETY: kill(2) on our own child, which cannot have been reaped: we hold its handle.
        unsafe {
            libc::kill(pid as libc::pid_t, libc::SIGHUP);
        }
    }
    if tokio::time::timeout(HANG_UP_GRACE, child.wait()).await.is_err() {
        let _ = child.kill().await;
    }
}
