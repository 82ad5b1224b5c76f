//! What each company gave last, and when it may be asked again: one request per company per
//! `filings.refresh_secs` however often the news refresh runs, and the last good items kept
//! through a failure.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::Mutex;
use std::time::Duration;

use tokio::time::Instant;

use super::RETRY;
use crate::market::Headline;

pub struct Seen<K> {
    every: Duration,
    map: Mutex<HashMap<K, Entry>>,
}

/// When a company may be asked again, what it gave last, and why its last answer failed.
struct Entry {
    next: Instant,
    items: Vec<Headline>,
    error: Option<String>,
}

/// What is known of a company between its requests.
pub struct Known {
    pub items: Vec<Headline>,
    /// Too soon to ask again.
    pub fresh: bool,
    /// Its last answer failed: said again on every round until it answers, so a failing
    /// company does not look well between its tries.
    pub error: Option<String>,
}

impl<K: Eq + Hash> Seen<K> {
    pub fn new(every: Duration) -> Seen<K> {
        Seen { every, map: Mutex::new(HashMap::new()) }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<K, Entry>> {
        self.map.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// What `key` gave last, and whether it is too soon to ask again.
    pub fn remembered(&self, key: &K) -> Known {
        match self.lock().get(key) {
            Some(e) => {
                Known { items: e.items.clone(), fresh: Instant::now() < e.next, error: e.error.clone() }
            }
            None => Known { items: Vec::new(), fresh: false, error: None },
        }
    }

    /// A good answer: kept, and not asked again for a whole interval.
    pub fn keep(&self, key: K, items: Vec<Headline>) {
        self.lock().insert(key, Entry { next: Instant::now() + self.every, items, error: None });
    }

    /// A failed answer: the old items stay, and the company is asked again sooner, so a
    /// hiccup does not hide it for half an hour.
    pub fn failed(&self, key: K, error: String) {
        let next = Instant::now() + self.every.min(RETRY);
        let mut map = self.lock();
        let e = map.entry(key).or_insert(Entry { next, items: Vec::new(), error: None });
        e.next = next;
        e.error = Some(error);
    }
}
