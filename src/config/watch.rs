//! Polls the config file's size and mtime (editors save by rename, so a watch on the inode would
//! go blind after the first save) and sends each change as a `Msg::Config`.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use tokio::sync::mpsc;

use crate::msg::Msg;

/// What the file looked like: absent, or its length and modification time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stamp {
    Missing,
    Present { len: u64, modified: Option<SystemTime> },
}

pub fn stamp(path: &Path) -> Stamp {
    match std::fs::metadata(path) {
        Ok(m) => Stamp::Present { len: m.len(), modified: m.modified().ok() },
        Err(_) => Stamp::Missing,
    }
}

/// The stamp last seen, shared so that the app can record its own writes and not reload them twice.
pub type Known = Arc<Mutex<Stamp>>;

pub fn known(path: &Path) -> Known {
    Arc::new(Mutex::new(stamp(path)))
}

/// Read and check the file as it is now, for `Msg::Config`: an error in one line for the status bar,
/// naming the file without its directories (it is the config file the user is editing).
pub fn read(path: &Path) -> Result<super::Config, String> {
    super::load_file(path).map_err(|e| match e {
        super::ConfigError::Invalid { issues, .. } => {
            let file = path
                .file_name()
                .map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned());
            super::ConfigError::Invalid { file, issues }.summary()
        }
        other => other.summary(),
    })
}

pub const DELETED: &str = "the config file was deleted; the last good config stays in use";

/// Poll `path` every `every` until the receiver is gone.
pub async fn run(path: PathBuf, every: Duration, known: Known, tx: mpsc::UnboundedSender<Msg>) {
    let mut tick = tokio::time::interval(every);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut pending: Option<Stamp> = None;
    loop {
        tick.tick().await;
        let now = stamp(&path);
        let changed = match known.lock() {
            Ok(k) => *k != now,
            Err(_) => return,
        };
        if !changed {
            pending = None;
            continue;
        }
        // Read only once the file held still for a poll: never half of an editor's write.
        if pending != Some(now) {
            pending = Some(now);
            continue;
        }
        pending = None;
        if let Ok(mut k) = known.lock() {
            *k = now;
        }
        let msg = match now {
            Stamp::Missing => Err(format!("{}: {DELETED}", path.display())),
            Stamp::Present { .. } => read(&path),
        };
        if tx.send(Msg::Config(Box::new(msg))).is_err() {
            return;
        }
    }
}
