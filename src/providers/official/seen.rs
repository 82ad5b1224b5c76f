//! What each company gave last, and when it may be asked again: one request per company per
//! `filings.refresh_secs` however often the news refresh runs, and the last good items kept
//! through a failure.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::Mutex;
use std::time::Duration;

use tokio::time::Instant;

use super::super::NewsBatch;
use super::RETRY;

/// Companies asked per round at most, per source.
pub const PER_ROUND: usize = 60;
use crate::market::{Headline, Symbol};

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

    /// Which of `keys` to ask this round: those due, never-asked first (in the order given: the
    /// group in view comes first), then the longest waiting, at most `PER_ROUND`. A watchlist of a
    /// thousand companies is so spread over several rounds instead of read in one burst.
    pub fn due(&self, keys: &[K]) -> Vec<bool> {
        let now = Instant::now();
        let map = self.lock();
        // A company two symbols share (two share classes) is asked once.
        let mut first = std::collections::HashSet::new();
        let mut waiting: Vec<(Option<Instant>, usize)> = keys
            .iter()
            .enumerate()
            .filter(|(_, k)| first.insert(*k))
            .filter_map(|(i, k)| match map.get(k) {
                None => Some((None, i)),
                Some(e) if now >= e.next => Some((Some(e.next), i)),
                Some(_) => None,
            })
            .collect();
        waiting.sort();
        let mut out = vec![false; keys.len()];
        for (_, i) in waiting.into_iter().take(PER_ROUND) {
            out[i] = true;
        }
        out
    }

    /// One round of a source over its companies (`keyed`: each symbol and its key): the due
    /// ones asked with `ask`, the rest given as they were last; each failure named by its symbol
    /// under `source`.
    pub async fn round<'a, E, Fut>(
        &self,
        source: &str,
        keyed: Vec<(&'a Symbol, K)>,
        ask: impl Fn(&'a Symbol, K) -> Fut,
    ) -> NewsBatch
    where
        K: Clone,
        E: std::fmt::Display,
        Fut: std::future::Future<Output = Result<Vec<Headline>, E>>,
    {
        let mut batch = NewsBatch::default();
        let mut errors = Vec::new();
        let keys: Vec<K> = keyed.iter().map(|(_, k)| k.clone()).collect();
        for ((sym, key), due) in keyed.into_iter().zip(self.due(&keys)) {
            let known = self.remembered(&key);
            if !due {
                batch.headlines.extend(known.items);
                errors.extend(known.error.map(|e| format!("{sym}: {e}")));
                continue;
            }
            match ask(sym, key.clone()).await {
                Ok(items) => {
                    self.keep(key, items.clone());
                    batch.headlines.extend(items);
                }
                Err(e) => {
                    self.failed(key, e.to_string());
                    batch.headlines.extend(known.items);
                    errors.push(format!("{sym}: {e}"));
                }
            }
        }
        if !errors.is_empty() {
            batch.errors.push((source.to_string(), errors.join("; ")));
        }
        crate::market::sort_newest_first(&mut batch.headlines);
        batch
    }

    /// What `key` gave last.
    pub fn remembered(&self, key: &K) -> Known {
        match self.lock().get(key) {
            Some(e) => Known { items: e.items.clone(), error: e.error.clone() },
            None => Known { items: Vec::new(), error: None },
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

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn a_long_list_is_spread_over_rounds_never_asked_first() {
        let seen: Seen<u32> = Seen::new(Duration::from_secs(1800));
        let keys: Vec<u32> = (0..70).chain([3]).collect();
        let first = seen.due(&keys);
        assert_eq!(first.iter().filter(|a| **a).count(), PER_ROUND);
        assert!(first[..PER_ROUND].iter().all(|a| *a), "in the order given");
        assert!(!first[70], "a company two symbols share is asked once");
        for k in 0..PER_ROUND as u32 {
            seen.keep(k, Vec::new());
        }
        let second = seen.due(&keys);
        assert_eq!(second.iter().filter(|a| **a).count(), 10, "the rest, and nothing asked again");
        assert!(second[60..70].iter().all(|a| *a));
        seen.failed(65, "HTTP 500".into());
        tokio::time::advance(RETRY).await;
        let third = seen.due(&keys);
        assert!(third[65] && third[61] && !third[0], "the failed one again after the retry wait");
        assert_eq!(seen.remembered(&65).error.as_deref(), Some("HTTP 500"));
    }
}
