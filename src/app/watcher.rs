//! Polls the config file (editors save by rename, so a watch on the inode would go blind after the
//! first save) and sends each change as a `Msg::Config`.
//!
//! What the app last applied is known by its content, not by its metadata: a change is looked for by
//! size, times and inode, but a read file is applied only when its text differs from the last text
//! applied. So the app's own writes are not applied twice, and a save that lands right after one of
//! them is never mistaken for it.

use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use tokio::sync::mpsc;

use crate::msg::Msg;

/// What the file looked like: absent, or its size, times and identity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stamp {
    Missing,
    Present {
        len: u64,
        modified: Option<SystemTime>,
        /// Status change time and inode (unix): a rename-over or rewrite changes them even when the
        /// size and modification time (coarse on some file systems, or set back) do not.
        changed: (i64, i64, u64),
    },
}

pub fn stamp(path: &Path) -> Stamp {
    match std::fs::metadata(path) {
        Ok(m) => {
            #[cfg(unix)]
            let changed = {
                use std::os::unix::fs::MetadataExt;
                (m.ctime(), m.ctime_nsec(), m.ino())
            };
            #[cfg(not(unix))]
            let changed = (0, 0, 0);
            Stamp::Present { len: m.len(), modified: m.modified().ok(), changed }
        }
        Err(_) => Stamp::Missing,
    }
}

/// The text the app last applied, by its hash; shared with whoever writes the file.
pub type Known = Arc<Mutex<Option<u64>>>;

pub fn content_hash(text: &str) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    text.hash(&mut h);
    h.finish()
}

/// The file as it is now is what the app runs with.
pub fn known(path: &Path) -> Known {
    Arc::new(Mutex::new(std::fs::read_to_string(path).ok().map(|t| content_hash(&t))))
}

/// Record `text` as applied.
pub fn remember(known: &Known, text: Option<&str>) {
    if let Ok(mut k) = known.lock() {
        *k = text.map(content_hash);
    }
}

fn summary(path: &Path, e: crate::config::ConfigError) -> String {
    match e {
        // The file without its directories: it is the config file the user is editing.
        crate::config::ConfigError::Invalid { issues, .. } => {
            let file = path
                .file_name()
                .map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned());
            crate::config::ConfigError::Invalid { file, issues }.summary()
        }
        other => other.summary(),
    }
}

fn check(path: &Path, text: &str) -> Result<crate::config::Config, String> {
    crate::config::parse_str(text, &path.display().to_string()).map_err(|e| summary(path, e))
}

/// Read and check the file as it is now, for `Msg::Config` (an error in one line, for the status
/// bar), and record it as applied.
pub fn read(path: &Path, known: &Known) -> Result<crate::config::Config, String> {
    let text = std::fs::read_to_string(path).map_err(|source| {
        summary(path, crate::config::ConfigError::Read { path: path.display().to_string(), source })
    })?;
    remember(known, Some(&text));
    check(path, &text)
}

pub const DELETED: &str = "the config file was deleted; the last good config stays in use";

/// Poll `path` every `every` until the receiver is gone.
pub async fn run(path: PathBuf, every: Duration, known: Known, tx: mpsc::UnboundedSender<Msg>) {
    let mut tick = tokio::time::interval(every);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    // Nothing seen yet: the first look reads the file, and applies it only if it is not the text
    // the app started with (it may have changed before this task first ran).
    let mut seen: Option<Stamp> = None;
    let mut pending: Option<Stamp> = None;
    loop {
        tick.tick().await;
        let now = stamp(&path);
        if Some(now) == seen {
            pending = None;
            continue;
        }
        // Read only once the file held still for a poll: never half of an editor's write.
        if pending != Some(now) {
            pending = Some(now);
            continue;
        }
        pending = None;
        seen = Some(now);
        let msg = match now {
            // Nothing was applied from a file, and there is none: nothing changed.
            Stamp::Missing if known.lock().is_ok_and(|k| k.is_none()) => continue,
            Stamp::Missing => {
                remember(&known, None);
                Err(format!("{}: {DELETED}", path.display()))
            }
            Stamp::Present { .. } => match std::fs::read_to_string(&path) {
                // The text the app runs with already (its own write, or a save that changed nothing).
                Ok(text) if known.lock().is_ok_and(|k| *k == Some(content_hash(&text))) => continue,
                Ok(text) => {
                    remember(&known, Some(&text));
                    check(&path, &text)
                }
                Err(source) => Err(summary(
                    &path,
                    crate::config::ConfigError::Read { path: path.display().to_string(), source },
                )),
            },
        };
        if tx.send(Msg::Config(Box::new(msg))).is_err() {
            return;
        }
    }
}
