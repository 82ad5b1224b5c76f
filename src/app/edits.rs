//! The I/O behind `a` and `d`: check new symbols with the quote source, write the file back.
//! Results come back into the loop as messages.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use tokio::sync::mpsc;

use crate::app::watcher::{self, Known};
use crate::config::SymbolMeta;
use crate::config::edit::{self, EditError, WriteError};
use crate::market::{QuoteError, Symbol};
use crate::msg::Msg;
use crate::providers::Providers;

#[derive(Clone)]
pub struct Job {
    pub path: PathBuf,
    pub known: Known,
    pub inbox: mpsc::UnboundedSender<Msg>,
    /// One edit at a time: `a` then `d` in quick succession must not both start from the same file.
    pub one_at_a_time: Arc<Mutex<()>>,
}

impl Job {
    fn notice(&self, text: String) {
        let _ = self.inbox.send(Msg::Notice(text));
    }

    fn warn(&self, text: String) {
        let _ = self.inbox.send(Msg::Warning(text));
    }

    /// Apply `change` to the file (the commented example first when there is none), write it
    /// atomically, and hand the new config to the loop at once instead of waiting for the watcher.
    /// A save made meanwhile (an editor's, between our read and our rename) is never overwritten:
    /// the edit is made again on top of it, once; if the file changes again, nothing is written.
    /// Blocking file I/O: call it off the async workers.
    pub fn write(&self, mut change: impl FnMut(&str) -> Result<String, EditError>) -> Result<bool, String> {
        let _one = self.one_at_a_time.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        for _ in 0..2 {
            let current = match std::fs::read_to_string(&self.path) {
                Ok(t) => Some(t),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
                Err(e) => return Err(format!("cannot read {}: {e}", self.path.display())),
            };
            let text = change(&edit::base_text(current.as_deref())).map_err(|e| e.to_string())?;
            let config =
                crate::config::parse_str(&text, &self.path.display().to_string()).map_err(|e| e.summary())?;
            match edit::write(&self.path, &text, current.as_deref()) {
                Ok(()) => {
                    // The watcher will see the file change and find it holds what the app runs with.
                    watcher::remember(&self.known, Some(&text));
                    let _ = self.inbox.send(Msg::Config(Box::new(Ok(config))));
                    return Ok(current.is_none());
                }
                Err(WriteError::Changed) => continue,
                Err(WriteError::Io(e)) => return Err(format!("cannot write {}: {e}", self.path.display())),
            }
        }
        Err(format!("not saved: {} kept changing while it was being written; try again", self.path.display()))
    }

    fn where_note(&self, created: bool) -> String {
        if created {
            format!(" (wrote {} from the commented example)", self.path.display())
        } else {
            String::new()
        }
    }
}

/// Only symbols the source knows go in: a code it says does not exist is refused; one it could not
/// answer for this time (or at all, offline) goes in anyway.
/// `names`: what a search knew of them, written as `[symbols."X"]` where the file has none.
pub async fn add(
    job: Job,
    providers: Providers,
    group: String,
    symbols: Vec<Symbol>,
    names: Vec<(Symbol, SymbolMeta)>,
) {
    let mut checked: Vec<(Symbol, Option<String>)> = symbols.iter().map(|s| (s.clone(), None)).collect();
    let mut unknown: Vec<String> = Vec::new();
    if let Ok(results) = providers.quotes.quotes(&symbols).await {
        checked.clear();
        for (sym, outcome) in results {
            match outcome {
                Ok(q) => checked.push((sym, q.name)),
                Err(QuoteError::Unknown(_)) => unknown.push(sym.to_string()),
                Err(_) => checked.push((sym, None)),
            }
        }
    }
    if checked.is_empty() {
        job.warn(format!("not added: no data for {}", unknown.join(", ")));
        return;
    }
    let to_add: Vec<Symbol> = checked.iter().map(|(s, _)| s.clone()).collect();
    let (writer, to) = (job.clone(), group.clone());
    let names_kept = names.clone();
    let result = off_the_workers(move || {
        let mut added = Vec::new();
        let created = writer.write(|text| {
            let (t, a) = edit::add_symbols(text, &to, &to_add)?;
            let named: Vec<(Symbol, SymbolMeta)> =
                names_kept.iter().filter(|(s, _)| a.contains(s)).cloned().collect();
            added = a;
            edit::add_names(&t, &named)
        })?;
        Ok((created, added))
    })
    .await;
    match result {
        Ok((created, added)) => {
            let list: Vec<String> = checked
                .iter()
                .filter(|(s, _)| added.contains(s))
                .map(|(s, n)| {
                    let found = names.iter().find(|(x, _)| x == s).and_then(|(_, m)| m.name.as_ref());
                    n.as_ref().or(found).map_or(s.to_string(), |n| format!("{s} ({n})"))
                })
                .collect();
            let mut note = if list.is_empty() {
                format!("already in {group}")
            } else {
                format!("added {} to {group}{}", list.join(", "), job.where_note(created))
            };
            if !unknown.is_empty() {
                note.push_str(&format!("; no data for {}", unknown.join(", ")));
            }
            job.notice(note);
        }
        Err(e) => job.warn(e),
    }
}

pub async fn remove(job: Job, group: String, symbol: Symbol) {
    let (writer, from, sym) = (job.clone(), group.clone(), symbol.clone());
    match off_the_workers(move || writer.write(|text| edit::remove_symbol(text, &from, &sym))).await {
        Ok(created) => job.notice(format!("removed {symbol} from {group}{}", job.where_note(created))),
        Err(e) => job.warn(e),
    }
}

/// Run blocking file work on tokio's blocking threads, so the async workers never wait on a disk.
async fn off_the_workers<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, String> + Send + 'static,
) -> Result<T, String> {
    tokio::task::spawn_blocking(work).await.unwrap_or_else(|e| Err(format!("the edit failed: {e}")))
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    /// Its group is also in the built-in default, which an edit starts from when there is no file.
    const START: &str = "# mine\n[[groups]]\nname = \"US AI chips\"\nsymbols = [\"NVDA\"] # core\n";

    fn job(dir: &Path) -> (Job, mpsc::UnboundedReceiver<Msg>) {
        let path = dir.join("config.toml");
        std::fs::write(&path, START).unwrap();
        let (inbox, rx) = mpsc::unbounded_channel();
        let known = watcher::known(&path);
        (Job { path, known, inbox, one_at_a_time: Arc::default() }, rx)
    }

    fn add(text: &str, sym: &str) -> Result<String, EditError> {
        edit::add_symbols(text, "US AI chips", &[Symbol::parse(sym).unwrap()]).map(|(t, _)| t)
    }

    /// An editor saves between our read and our rename: its save is kept, and our edit is made
    /// again on top of it.
    #[test]
    fn a_save_made_during_an_edit_is_kept() {
        let dir = tempfile::tempdir().unwrap();
        let (job, mut rx) = job(dir.path());
        let users = START.replace("# mine", "# mine, edited in vim");
        let mut calls = 0;
        let created = job
            .write(|text| {
                calls += 1;
                if calls == 1 {
                    std::fs::write(&job.path, &users).unwrap();
                }
                add(text, "TSM")
            })
            .unwrap();
        assert!(!created);
        assert_eq!(calls, 2, "made again on the new text");
        let now = std::fs::read_to_string(&job.path).unwrap();
        assert!(now.starts_with("# mine, edited in vim\n"), "the user's save survives: {now}");
        assert!(now.contains("\"NVDA\", \"TSM\"] # core"), "{now}");
        assert!(matches!(rx.try_recv(), Ok(Msg::Config(c)) if c.is_ok()));
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1, "no temporary file left");
    }

    /// A file that keeps changing under us: nothing is written, the user's text stays, and we say so.
    #[test]
    fn an_edit_gives_up_when_the_file_keeps_changing() {
        let dir = tempfile::tempdir().unwrap();
        let (job, mut rx) = job(dir.path());
        let mut calls = 0;
        let err = job
            .write(|text| {
                calls += 1;
                std::fs::write(&job.path, format!("# save {calls}\n{START}")).unwrap();
                add(text, "TSM")
            })
            .unwrap_err();
        assert!(err.starts_with("not saved:"), "{err}");
        assert_eq!(std::fs::read_to_string(&job.path).unwrap(), format!("# save 2\n{START}"));
        assert!(rx.try_recv().is_err(), "no config applied");
    }

    /// Appearing meanwhile counts as changing: a file created while we built it from the default is kept.
    #[test]
    fn a_file_created_meanwhile_is_not_overwritten() {
        let dir = tempfile::tempdir().unwrap();
        let (job, _rx) = job(dir.path());
        std::fs::remove_file(&job.path).unwrap();
        let mut calls = 0;
        let created = job
            .write(|text| {
                calls += 1;
                if calls == 1 {
                    std::fs::write(&job.path, START).unwrap();
                }
                add(text, "TSM")
            })
            .unwrap();
        assert!(!created, "the second attempt edited the file that appeared");
        assert!(std::fs::read_to_string(&job.path).unwrap().starts_with("# mine\n"));
    }

    fn notices(rx: &mut mpsc::UnboundedReceiver<Msg>) -> Vec<String> {
        let mut notes = Vec::new();
        while let Ok(m) = rx.try_recv() {
            if let Msg::Notice(n) | Msg::Warning(n) = m {
                notes.push(n);
            }
        }
        notes
    }

    /// The first `d` (or `a`) with no file writes the commented example with the change made, and
    /// says where.
    #[tokio::test]
    async fn the_first_edit_without_a_file_writes_the_commented_example() {
        let dir = tempfile::tempdir().unwrap();
        let (job, mut rx) = job(dir.path());
        std::fs::remove_file(&job.path).unwrap();
        let orcl = Symbol::parse("ORCL").unwrap();
        super::remove(job.clone(), "Cloud".into(), orcl.clone()).await;
        let text = std::fs::read_to_string(&job.path).unwrap();
        assert!(text.starts_with("# chiptape configuration\n"), "{text}");
        let cfg = crate::config::parse_str(&text, "x").unwrap();
        assert!(!cfg.group("Cloud").unwrap().symbols.contains(&orcl));
        assert!(cfg.positions.is_empty());
        let notes = notices(&mut rx);
        let want =
            format!("removed ORCL from Cloud (wrote {} from the commented example)", job.path.display());
        assert_eq!(notes, [want]);
        super::remove(job.clone(), "Cloud".into(), Symbol::parse("META").unwrap()).await;
        assert_eq!(notices(&mut rx), ["removed META from Cloud"], "said once, when it was written");
    }

    /// Answers `ZZZZ` with "no such code" and `AMD` with a failure of this answer.
    struct Verdicts;

    impl crate::providers::QuoteSource for Verdicts {
        fn quotes<'a>(
            &'a self,
            symbols: &'a [Symbol],
        ) -> futures::future::BoxFuture<
            'a,
            Result<Vec<(Symbol, crate::market::QuoteOutcome)>, crate::providers::ProviderError>,
        > {
            let out = symbols
                .iter()
                .map(|s| {
                    let outcome = match s.as_str() {
                        "ZZZZ" => Err(QuoteError::Unknown("no data for ZZZZ".into())),
                        _ => Err(QuoteError::Transient("HTTP 502".into())),
                    };
                    (s.clone(), outcome)
                })
                .collect();
            Box::pin(async move { Ok(out) })
        }
        fn label(&self) -> String {
            "verdicts".into()
        }
    }

    /// `a` refuses only a code the source says does not exist; one it failed to answer for goes in.
    #[tokio::test]
    async fn add_refuses_only_codes_the_source_does_not_know() {
        let dir = tempfile::tempdir().unwrap();
        let (job, mut rx) = job(dir.path());
        let mut providers = crate::providers::build(
            &crate::config::builtin(),
            true,
            1,
            std::sync::Arc::new(crate::market::clock::FixedClock(chrono::Utc::now())),
        );
        providers.quotes = Arc::new(Verdicts);
        let (zzzz, amd) = (Symbol::parse("ZZZZ").unwrap(), Symbol::parse("AMD").unwrap());
        super::add(job.clone(), providers, "US AI chips".into(), vec![zzzz, amd], vec![]).await;
        let text = std::fs::read_to_string(&job.path).unwrap();
        assert!(text.contains("\"AMD\"") && !text.contains("ZZZZ"), "{text}");
        let mut notes = Vec::new();
        while let Ok(m) = rx.try_recv() {
            if let Msg::Notice(n) | Msg::Warning(n) = m {
                notes.push(n);
            }
        }
        assert!(notes.iter().any(|n| n.contains("added AMD") && n.contains("ZZZZ")), "{notes:?}");
    }
}
