//! One fetch at a time into the cache: a status bar runs `chiptape line` every few seconds, and a
//! tmux server with several clients, or a waybar on two outputs, runs it several times at once.
//! The first caller takes an OS file lock beside the cache and fetches; the others wait on the lock
//! and then read what it wrote. The lock dies with its process, so a crashed caller blocks no one.
//! The lock file also keeps a note of the last fetch, so a source that failed (or has no quote for
//! a symbol) is asked again only after `refresh_secs`, however often the bar polls.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::market::Symbol;

/// The last fetch: when, for which symbols, and what failed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Attempt {
    pub at: DateTime<Utc>,
    pub symbols: Vec<Symbol>,
    /// The messages it printed on stderr, printed again by those who rely on it.
    pub errors: Vec<String>,
    /// Noted again once the answer came: a note left undone is a caller that died mid-fetch, and
    /// stands for nothing.
    #[serde(default)]
    pub done: bool,
}

impl Attempt {
    /// Made less than `secs` from `now`, either way: a caller that waited on the lock read its clock
    /// before the holder noted its fetch. A note from further ahead (a clock set back) is not.
    pub fn recent(&self, now: DateTime<Utc>, secs: u64) -> bool {
        (now - self.at).abs() < chrono::Duration::seconds(secs as i64)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum LockError {
    /// The lock file cannot be made or opened (a read-only data dir): the caller fetches unshared.
    #[error("cannot open the lock file {path}: {source}")]
    Open { path: PathBuf, source: std::io::Error },
    /// Another caller held it for all of the wait.
    #[error("another chiptape was still fetching after {}s", .0.as_secs())]
    Busy(Duration),
}

/// The lock, held until this is dropped (closing the file releases it).
#[derive(Debug)]
pub struct Held {
    file: File,
}

impl Held {
    /// The note of the last fetch, if one can be read.
    pub fn attempt(&mut self) -> Option<Attempt> {
        let mut text = String::new();
        self.file.seek(SeekFrom::Start(0)).ok()?;
        self.file.read_to_string(&mut text).ok()?;
        serde_json::from_str(&text).ok()
    }

    /// Replace the note. Only the holder writes it, and readers read it holding the lock: no
    /// atomic rename needed, and a note cut short by a crash reads as none.
    pub fn note(&mut self, attempt: &Attempt) -> std::io::Result<()> {
        let bytes = serde_json::to_vec(attempt).map_err(std::io::Error::other)?;
        self.file.set_len(0)?;
        self.file.seek(SeekFrom::Start(0))?;
        self.file.write_all(&bytes)
    }
}

/// Take the lock at `path`, waiting at most `wait` for whoever holds it.
pub fn acquire(path: &Path, wait: Duration) -> Result<Held, LockError> {
    let open = |e: std::io::Error| LockError::Open { path: path.to_path_buf(), source: e };
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(open)?;
    }
    let file = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(path)
        .map_err(open)?;
    let mut lock = fd_lock::RwLock::new(file);
    let tried = match lock.try_write() {
        // The guard would unlock on drop; the lock is to last as long as the file is open instead,
        // so it can be handed back without a borrow (closing the file releases it).
        Ok(guard) => {
            std::mem::forget(guard);
            Ok(())
        }
        Err(e) => Err(e),
    };
    match tried {
        Ok(()) => Ok(Held { file: lock.into_inner() }),
        Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => wait_for(lock, wait, path),
        Err(e) => Err(open(e)),
    }
}

/// Block on the lock on a thread of its own, so the wait wakes the moment the holder lets go and
/// still has an end. A thread still blocked when we give up dies with the process; if it gets the
/// lock first, it drops it at once, as no one is there to take it.
fn wait_for(mut lock: fd_lock::RwLock<File>, wait: Duration, path: &Path) -> Result<Held, LockError> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let taken = match lock.write() {
            Ok(guard) => {
                std::mem::forget(guard);
                Ok(())
            }
            Err(e) => Err(e),
        };
        let _ = tx.send(taken.map(|()| lock.into_inner()));
    });
    match rx.recv_timeout(wait) {
        Ok(Ok(file)) => Ok(Held { file }),
        Ok(Err(e)) => Err(LockError::Open { path: path.to_path_buf(), source: e }),
        Err(_) => Err(LockError::Busy(wait)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    #[test]
    fn the_second_caller_waits_and_gets_it_once_the_first_lets_go() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("deep/cache.lock");
        let first = acquire(&path, Duration::from_secs(1)).unwrap();
        let busy = acquire(&path, Duration::from_millis(50));
        assert!(matches!(busy, Err(LockError::Busy(_))), "{busy:?}");
        // Let go while the second waits on its thread: it wakes with the lock.
        let waiter = std::thread::spawn({
            let path = path.clone();
            move || acquire(&path, Duration::from_secs(30))
        });
        drop(first);
        assert!(waiter.join().unwrap().is_ok());
    }

    #[test]
    fn the_note_is_kept_between_holders_and_a_torn_one_is_none() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cache.lock");
        let mut held = acquire(&path, Duration::from_secs(1)).unwrap();
        assert_eq!(held.attempt(), None, "a new lock file has no note");
        let a = Attempt {
            at: t("2026-11-24T15:00:00Z"),
            symbols: vec![Symbol::parse("NVDA").unwrap()],
            errors: vec!["server answered HTTP 500".into()],
            done: true,
        };
        held.note(&a).unwrap();
        held.note(&Attempt { errors: vec![], ..a.clone() }).unwrap();
        drop(held);
        let mut held = acquire(&path, Duration::from_secs(1)).unwrap();
        assert_eq!(
            held.attempt(),
            Some(Attempt { errors: vec![], ..a.clone() }),
            "the shorter note replaced it"
        );
        std::fs::write(&path, b"{\"at\":\"2026-11").unwrap();
        assert_eq!(held.attempt(), None);
        assert!(a.recent(t("2026-11-24T15:00:14Z"), 15));
        assert!(!a.recent(t("2026-11-24T15:00:15Z"), 15));
        assert!(a.recent(t("2026-11-24T14:59:59Z"), 15), "a waiter read its clock before the note");
        assert!(!a.recent(t("2026-11-24T14:59:45Z"), 15), "from further ahead: not trusted");
    }

    #[test]
    fn an_unopenable_lock_says_where() {
        let dir = tempfile::tempdir().unwrap();
        let blocker = dir.path().join("file");
        std::fs::write(&blocker, b"").unwrap();
        let e = acquire(&blocker.join("cache.lock"), Duration::from_secs(1)).unwrap_err();
        assert!(matches!(e, LockError::Open { .. }), "{e:?}");
        assert!(e.to_string().contains("cache.lock"), "{e}");
    }
}
