//! A publisher's own id for each stock code (HKEXnews' stock id, cninfo's orgId), looked up once
//! and kept on disk: the ids are internal and cannot be worked out from the code, and asking for
//! them every run would double the requests.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Mutex;

use super::super::ProviderError;

/// Why a company's items could not be had, where the lookup is the part that failed.
#[derive(Debug, thiserror::Error)]
pub enum LookupError {
    #[error("{0}")]
    Provider(#[from] ProviderError),
    /// The publisher's search knows no such code.
    #[error("{publisher} knows no stock {code}")]
    Unknown { publisher: &'static str, code: String },
    /// The id kept for the code answers for another company: it is looked up again next time.
    #[error("the id {id} kept for it answered for another company; it is looked up again next time")]
    WrongId { id: String },
}

pub struct IdBook {
    path: Option<PathBuf>,
    ids: Mutex<BTreeMap<String, String>>,
}

impl IdBook {
    /// The ids kept at `path`; a missing or unreadable file is an empty book (it is rebuilt by
    /// asking again).
    pub fn open(path: Option<PathBuf>) -> IdBook {
        let ids = path
            .as_ref()
            .and_then(|p| std::fs::read(p).ok())
            .and_then(|b| serde_json::from_slice::<BTreeMap<String, String>>(&b).ok())
            .unwrap_or_default();
        IdBook { path, ids: Mutex::new(ids) }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, BTreeMap<String, String>> {
        self.ids.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    pub fn get(&self, code: &str) -> Option<String> {
        self.lock().get(code).cloned()
    }

    pub fn put(&self, code: &str, id: &str) {
        let mut ids = self.lock();
        if ids.get(code).map(String::as_str) != Some(id) {
            ids.insert(code.to_string(), id.to_string());
            self.save(&ids);
        }
    }

    /// An id the publisher no longer answers to: looked up again next time.
    pub fn forget(&self, code: &str) {
        let mut ids = self.lock();
        if ids.remove(code).is_some() {
            self.save(&ids);
        }
    }

    fn save(&self, ids: &BTreeMap<String, String>) {
        let Some(p) = &self.path else { return };
        if let Some(dir) = p.parent() {
            let _ = std::fs::create_dir_all(dir);
        }
        let body = serde_json::to_vec_pretty(ids).unwrap_or_default();
        if let Err(e) = crate::store::atomic::write_atomic(p, &body) {
            tracing::warn!(error = %e, path = %p.display(), "official ids could not be kept on disk");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_survive_a_restart_and_a_forgotten_one_does_not() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ids.json");
        let book = IdBook::open(Some(path.clone()));
        book.put("00981", "12345");
        book.put("01347", "777");
        book.forget("01347");
        let again = IdBook::open(Some(path.clone()));
        assert_eq!(again.get("00981").as_deref(), Some("12345"));
        assert_eq!(again.get("01347"), None);
        std::fs::write(&path, b"not json").unwrap();
        assert_eq!(IdBook::open(Some(path)).get("00981"), None);
    }
}
