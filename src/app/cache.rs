//! Between the state and the on-disk cache: what of the state is kept, and putting it back at start.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Duration, Utc};
use tokio::time::Instant;

use crate::market::series::ChartRange;
use crate::state::{QuoteEntry, SeriesEntry, State};
use crate::store::cache::{Cache, CachedQuote, CachedSeries, Contents, SCHEMA};

/// Series are kept while they are this fresh: those on screen recently.
const SERIES_KEPT_FOR: i64 = 30 * 60;
/// And at most this many, newest first.
const SERIES_KEPT: usize = 64;

/// What the cache keeps of `state`: quotes of the symbols watched, the headlines (already capped by
/// `news.max_items`) with their read marks, and the series fetched in the last half hour.
pub fn snapshot(state: &State, now: DateTime<Utc>) -> Contents {
    let quotes = state
        .config
        .all_symbols()
        .iter()
        .filter_map(|s| {
            let e = state.quotes.get(s)?;
            Some(CachedQuote::new(e.quote.as_ref()?, e.updated?))
        })
        .collect();
    let ids: HashSet<&str> = state.headlines.iter().map(|h| h.id.as_str()).collect();
    let mut read: Vec<String> = state.read.iter().filter(|id| ids.contains(id.as_str())).cloned().collect();
    read.sort();
    let mut series: Vec<CachedSeries> = state
        .series
        .iter()
        .filter(|(_, e)| now - e.fetched < Duration::seconds(SERIES_KEPT_FOR))
        .filter_map(|((_, range), e)| {
            Some(CachedSeries { range: *range, fetched: e.fetched, series: e.series.clone()? })
        })
        .collect();
    series.sort_by_key(|s| std::cmp::Reverse(s.fetched));
    series.truncate(SERIES_KEPT);
    Contents { schema: SCHEMA, saved_at: Some(now), quotes, headlines: state.headlines.clone(), read, series }
}

/// Put cached data into a state that has none yet: every quote marked as cached (stale, with its
/// age) until the source answers. Symbols no longer watched are left out.
pub fn restore(state: &mut State, contents: Contents) {
    let watched: HashSet<_> = state.config.all_symbols().into_iter().collect();
    for c in contents.quotes {
        if !watched.contains(&c.quote.symbol) {
            continue;
        }
        let updated = Some(c.fetched);
        let quote = c.into_quote();
        state.quotes.insert(
            quote.symbol.clone(),
            QuoteEntry { quote: Some(quote), error: None, updated, cached: true },
        );
    }
    let ids: HashSet<String> = contents.headlines.iter().map(|h| h.id.clone()).collect();
    state.headlines = contents.headlines;
    state.headlines.truncate(state.config.news.max_items);
    state.read.extend(contents.read.into_iter().filter(|id| ids.contains(id)));
    for c in contents.series {
        if watched.contains(&c.series.symbol) && ChartRange::ALL.contains(&c.range) {
            let key = (c.series.symbol.clone(), c.range);
            state.series.insert(key, SeriesEntry { series: Some(c.series), error: None, fetched: c.fetched });
        }
    }
    state.fix_offsets();
}

/// At most one write every this long while things change.
const EVERY: std::time::Duration = std::time::Duration::from_secs(5);

/// The last snapshot taken, for the panic hook: what it can still save.
pub type LastSnapshot = Arc<Mutex<Option<Contents>>>;

/// Saves the cache off the loop: at most every `EVERY` while something changed, one write at a
/// time, and once more at exit.
pub struct Saver {
    cache: Cache,
    last: LastSnapshot,
    due: Option<Instant>,
    last_write: Option<Instant>,
    writing: Option<tokio::task::JoinHandle<()>>,
}

impl Saver {
    pub fn new(cache: Cache, last: LastSnapshot) -> Saver {
        Saver { cache, last, due: None, last_write: None, writing: None }
    }

    /// Something kept in the cache changed: save it when the interval allows.
    pub fn changed(&mut self) {
        if self.due.is_none() {
            let now = Instant::now();
            self.due = Some(self.last_write.map_or(now, |t| (t + EVERY).max(now)));
        }
    }

    /// When the next write is due, if one is.
    pub fn due(&self) -> Option<Instant> {
        self.due
    }

    /// Start writing `state` now, on a blocking thread; a write still running puts it off a second.
    pub fn save(&mut self, state: &State, now: DateTime<Utc>) {
        if self.writing.as_ref().is_some_and(|w| !w.is_finished()) {
            self.due = Some(Instant::now() + std::time::Duration::from_secs(1));
            return;
        }
        let snap = snapshot(state, now);
        if let Ok(mut last) = self.last.lock() {
            *last = Some(snap.clone());
        }
        let cache = self.cache.clone();
        self.writing = Some(tokio::task::spawn_blocking(move || write(&cache, &snap)));
        self.last_write = Some(Instant::now());
        self.due = None;
    }

    /// The write at exit: after any still running, so the last one to land is the newest.
    pub async fn finish(mut self, state: &State, now: DateTime<Utc>) {
        if let Some(w) = self.writing.take() {
            let _ = w.await;
        }
        let (cache, snap) = (self.cache.clone(), snapshot(state, now));
        let _ = tokio::task::spawn_blocking(move || write(&cache, &snap)).await;
    }
}

fn write(cache: &Cache, contents: &Contents) {
    if let Err(e) = cache.save(contents) {
        tracing::warn!(path = %cache.path().display(), error = %e, "cannot save the cache");
    }
}
