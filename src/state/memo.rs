//! Row lists and unread counts kept between messages: worked out again only when what decides
//! them changes (its key), so a key press or a frame costs what is on screen, not the list length.

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use chrono::{DateTime, Utc};

use super::rows::SortKey;
use crate::market::Symbol;
use crate::market::basket::Track;
use crate::market::compare::Comparison;
use crate::market::exchange::Exchange;
use crate::market::series::{ChartRange, Series};

/// What the watchlist rows are worked out from.
#[derive(Debug, Clone, PartialEq)]
pub struct WatchKey {
    pub config: u64,
    pub group: usize,
    pub filter: String,
    pub sort: SortKey,
    pub reverse: bool,
    pub quotes: u64,
}

/// What the headline rows are worked out from.
#[derive(Debug, Clone, PartialEq)]
pub struct NewsKey {
    pub config: u64,
    pub news: u64,
    pub filter: String,
    pub symbol: Option<Symbol>,
    pub kind: super::rows::PaneKind,
}

/// What a comparison is worked out from.
#[derive(Debug, Clone, PartialEq)]
pub struct CompareKey {
    pub range: ChartRange,
    pub marked: Option<Vec<Symbol>>,
    pub config: u64,
    pub series: u64,
    /// The quotes' version when the holdings are a line (their weights are values), else 0.
    pub quotes: u64,
}

type Kept<K, V> = Mutex<Option<(K, V)>>;
/// A thing made from a series, with the fetch it was made from.
type Made<T> = (DateTime<Utc>, Arc<T>);

/// How much listing work was done: symbols and headlines looked at to build lists. Tests compare
/// it across list lengths.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Work {
    pub symbols: u64,
    pub headlines: u64,
}

#[derive(Debug, Default)]
pub struct RowCache {
    watch: Kept<WatchKey, Arc<[Symbol]>>,
    news: Kept<NewsKey, Arc<[usize]>>,
    unread: Kept<(u64, usize), Arc<HashMap<Symbol, usize>>>,
    streamed: Kept<u64, Arc<HashSet<Symbol>>>,
    /// Whether a watched symbol has a dual listing, by config version.
    dual: Kept<u64, bool>,
    exchanges: Kept<(u64, usize), Arc<[&'static Exchange]>>,
    /// Each series as a comparison's track, with the fetch it was made from.
    tracks: Mutex<HashMap<(Symbol, ChartRange), Made<Track>>>,
    comparison: Kept<CompareKey, Arc<Comparison>>,
    symbols: AtomicU64,
    headlines: AtomicU64,
}

/// A copy of the state starts with nothing kept (it is worked out again on first use).
impl Clone for RowCache {
    fn clone(&self) -> Self {
        RowCache::default()
    }
}

fn kept<K: PartialEq, V: Clone>(slot: &Kept<K, V>, key: K, make: impl FnOnce() -> V) -> V {
    let mut g = slot.lock().unwrap_or_else(PoisonError::into_inner);
    match &*g {
        Some((k, v)) if *k == key => v.clone(),
        _ => {
            let v = make();
            *g = Some((key, v.clone()));
            v
        }
    }
}

impl RowCache {
    pub fn watch(&self, key: WatchKey, make: impl FnOnce() -> Arc<[Symbol]>) -> Arc<[Symbol]> {
        kept(&self.watch, key, make)
    }

    pub fn news(&self, key: NewsKey, make: impl FnOnce() -> Arc<[usize]>) -> Arc<[usize]> {
        kept(&self.news, key, make)
    }

    pub fn unread(
        &self,
        key: (u64, usize),
        make: impl FnOnce() -> Arc<HashMap<Symbol, usize>>,
    ) -> Arc<HashMap<Symbol, usize>> {
        kept(&self.unread, key, make)
    }

    /// The watchlist symbols the stream follows, by config version.
    pub fn streamed(&self, config: u64, make: impl FnOnce() -> HashSet<Symbol>) -> Arc<HashSet<Symbol>> {
        kept(&self.streamed, config, || Arc::new(make()))
    }

    pub fn dual(&self, config: u64, make: impl FnOnce() -> bool) -> bool {
        kept(&self.dual, config, make)
    }

    /// The exchanges of the group in view, by config version and group.
    pub fn exchanges(
        &self,
        key: (u64, usize),
        make: impl FnOnce() -> Arc<[&'static Exchange]>,
    ) -> Arc<[&'static Exchange]> {
        kept(&self.exchanges, key, make)
    }

    pub fn comparison(&self, key: CompareKey, make: impl FnOnce() -> Comparison) -> Arc<Comparison> {
        kept(&self.comparison, key, || Arc::new(make()))
    }

    /// `series` as a track, made again only when it was fetched again.
    pub fn track(
        &self,
        key: &(Symbol, ChartRange),
        fetched: DateTime<Utc>,
        series: &Series,
    ) -> Option<Arc<Track>> {
        let mut g = self.tracks.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some((at, t)) = g.get(key)
            && *at == fetched
        {
            return Some(t.clone());
        }
        let t = Arc::new(crate::market::compare::track_of(&key.0, series, key.1)?);
        g.insert(key.clone(), (fetched, t.clone()));
        Some(t)
    }

    /// Forget the tracks of series no longer held.
    pub fn keep_tracks(&self, held: impl Fn(&(Symbol, ChartRange)) -> bool) {
        self.tracks.lock().unwrap_or_else(PoisonError::into_inner).retain(|k, _| held(k));
    }

    pub fn count_symbols(&self, n: usize) {
        self.symbols.fetch_add(n as u64, Ordering::Relaxed);
    }

    pub fn count_headlines(&self, n: usize) {
        self.headlines.fetch_add(n as u64, Ordering::Relaxed);
    }

    pub fn work(&self) -> Work {
        Work {
            symbols: self.symbols.load(Ordering::Relaxed),
            headlines: self.headlines.load(Ordering::Relaxed),
        }
    }
}
