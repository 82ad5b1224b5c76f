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
    map: Mutex<HashMap<K, (Instant, Vec<Headline>)>>,
}

impl<K: Eq + Hash> Seen<K> {
    pub fn new(every: Duration) -> Seen<K> {
        Seen { every, map: Mutex::new(HashMap::new()) }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<K, (Instant, Vec<Headline>)>> {
        self.map.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The items `key` gave last, and whether it is too soon to ask again.
    pub fn remembered(&self, key: &K) -> (Vec<Headline>, bool) {
        match self.lock().get(key) {
            Some((next, items)) => (items.clone(), Instant::now() < *next),
            None => (Vec::new(), false),
        }
    }

    /// A good answer: kept, and not asked again for a whole interval.
    pub fn keep(&self, key: K, items: Vec<Headline>) {
        self.lock().insert(key, (Instant::now() + self.every, items));
    }

    /// A failed answer: the old items stay, and the company is asked again sooner, so a
    /// hiccup does not hide it for half an hour.
    pub fn failed(&self, key: K) {
        let next = Instant::now() + self.every.min(RETRY);
        self.lock().entry(key).and_modify(|e| e.0 = next).or_insert((next, Vec::new()));
    }
}
