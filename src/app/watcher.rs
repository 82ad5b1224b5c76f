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

/// How the watcher learns of a save.
#[derive(Debug, Clone, Copy)]
pub struct Watch {
    /// Look at the file this often.
    pub every: Duration,
    /// Also ask the kernel to tell when the file's directory changes (Linux), and then look only
    /// when told, or every `UNSEEN_EVERY` in case a change went unseen (a network file system): a
    /// save shows at once, and an idle app does not wake every second for it.
    pub notify: bool,
}

/// With the kernel's word, the file is still looked at this often.
pub const UNSEEN_EVERY: Duration = Duration::from_secs(30);

/// What woke the watcher.
enum Look {
    Tick,
    /// The kernel told of a change, and the directory has been quiet since.
    Told,
    /// The kernel stopped telling (the directory went away): poll from now on.
    Deaf,
}

fn interval(every: Duration) -> tokio::time::Interval {
    let mut tick = tokio::time::interval(every);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    tick
}

/// Watch `path` until the receiver is gone. The kernel is asked before this returns (call it
/// within the runtime): a save after the call is seen.
pub fn run(
    path: PathBuf,
    watch: Watch,
    known: Known,
    tx: mpsc::UnboundedSender<Msg>,
) -> impl Future<Output = ()> + Send + 'static {
    let notes = if watch.notify { notes::watch(&path) } else { None };
    looking(path, watch, notes, known, tx)
}

async fn looking(
    path: PathBuf,
    watch: Watch,
    mut notes: Option<notes::Notes>,
    known: Known,
    tx: mpsc::UnboundedSender<Msg>,
) {
    let mut tick = interval(if notes.is_some() { watch.every.max(UNSEEN_EVERY) } else { watch.every });
    // Nothing seen yet: the first look reads the file, and applies it only if it is not the text
    // the app started with (it may have changed before this task first ran).
    let mut seen: Option<Stamp> = None;
    let mut pending: Option<Stamp> = None;
    loop {
        let look = tokio::select! {
            _ = tick.tick() => Look::Tick,
            told = notes::changed(notes.as_mut()) => if told { Look::Told } else { Look::Deaf },
        };
        if let Look::Deaf = look {
            notes = None;
            tick = interval(watch.every);
            continue;
        }
        let now = stamp(&path);
        if Some(now) == seen {
            pending = None;
            continue;
        }
        // Read only once the file held still for a poll (or the directory was quiet after the
        // kernel's word): never half of an editor's write.
        if matches!(look, Look::Tick) && pending != Some(now) {
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

/// The kernel's word on changes in the file's directory (editors save by rename, so the directory
/// is watched, not the file).
#[cfg(target_os = "linux")]
mod notes {
    use std::ffi::OsString;
    use std::path::Path;
    use std::time::Duration;

    use futures::StreamExt;
    use inotify::{EventMask, Inotify, WatchMask};

    /// A change is looked at once the directory has been quiet this long.
    const QUIET: Duration = Duration::from_millis(100);

    pub struct Notes {
        events: inotify::EventStream<Vec<u8>>,
        name: OsString,
        /// The file changed and the directory has not been quiet since: kept here, not in the
        /// future that waits, because the watcher drops that future when its tick comes first.
        touched: bool,
    }

    /// `None` where the kernel cannot tell (no inotify, no directory): the watcher polls.
    pub fn watch(path: &Path) -> Option<Notes> {
        let name = path.file_name()?.to_owned();
        let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
        let inotify = Inotify::init().ok()?;
        let mask = WatchMask::CLOSE_WRITE
            | WatchMask::MODIFY
            | WatchMask::ATTRIB
            | WatchMask::CREATE
            | WatchMask::DELETE
            | WatchMask::MOVED_FROM
            | WatchMask::MOVED_TO
            | WatchMask::DELETE_SELF
            | WatchMask::MOVE_SELF;
        inotify.watches().add(dir, mask).ok()?;
        let events = inotify.into_event_stream(vec![0u8; 4096]).ok()?;
        Some(Notes { events, name, touched: false })
    }

    /// True once the file changed and the directory has been quiet for `QUIET` since; false when
    /// the kernel stopped telling (the directory went away). Never ends without notes. Safe to
    /// drop at any await: what it has read is kept in `Notes`.
    pub async fn changed(notes: Option<&mut Notes>) -> bool {
        let Some(n) = notes else { return std::future::pending().await };
        loop {
            let next = if n.touched {
                match tokio::time::timeout(QUIET, n.events.next()).await {
                    Ok(next) => next,
                    Err(_quiet) => {
                        n.touched = false;
                        return true;
                    }
                }
            } else {
                n.events.next().await
            };
            let Some(Ok(e)) = next else { return false };
            if e.mask.intersects(EventMask::IGNORED | EventMask::DELETE_SELF | EventMask::MOVE_SELF) {
                return false;
            }
            n.touched |=
                e.name.as_deref() == Some(n.name.as_os_str()) || e.mask.contains(EventMask::Q_OVERFLOW);
        }
    }
}

#[cfg(not(target_os = "linux"))]
mod notes {
    use std::path::Path;

    pub struct Notes;

    pub fn watch(_: &Path) -> Option<Notes> {
        None
    }

    pub async fn changed(_: Option<&mut Notes>) -> bool {
        std::future::pending().await
    }
}
