//! Official sources beside the headlines: filings and rules, straight from the publisher. Each is
//! a `NewsSource` whose items carry a kind and a form; each is asked at most once per
//! `filings.refresh_secs` however often the news refresh runs, and keeps its last good items when
//! a later answer fails, so a failing source never blanks what was shown.

pub mod cninfo;
pub mod federal_register;
pub mod hkex;
mod ids;
mod pace;
pub mod sec;
mod seen;

use std::sync::Arc;
use std::time::Duration;

use futures::future::BoxFuture;
use tokio::time::Instant;

use super::{NewsBatch, NewsSource};
use crate::market::Symbol;

/// A failed answer is asked again this soon (or at the source's interval, when shorter): a
/// network hiccup should not hide a source for half an hour.
const RETRY: Duration = Duration::from_secs(300);

/// What the status bar and the headlines call each source.
pub const FEDERAL_REGISTER: &str = "Federal Register";
pub const SEC_EDGAR: &str = "SEC EDGAR";
pub const HKEXNEWS: &str = "HKEXnews";
pub const CNINFO: &str = "cninfo";

/// One source, asked at most once per `every`.
pub struct Scheduled {
    source: Box<dyn NewsSource>,
    every: Duration,
    last: tokio::sync::Mutex<Option<(Instant, Duration, NewsBatch)>>,
}

impl Scheduled {
    pub fn new(source: Box<dyn NewsSource>, every: Duration) -> Scheduled {
        Scheduled { source, every, last: tokio::sync::Mutex::new(None) }
    }

    async fn fetch(&self, symbols: &[Symbol]) -> NewsBatch {
        // Held across the request: two refreshes at once must not both ask.
        let mut last = self.last.lock().await;
        if let Some((at, wait, batch)) = last.as_ref()
            && at.elapsed() < *wait
        {
            return batch.clone();
        }
        let mut fresh = self.source.headlines(symbols).await;
        if let Some((_, _, old)) = last.as_ref()
            && fresh.headlines.is_empty()
            && !fresh.errors.is_empty()
        {
            fresh.headlines.clone_from(&old.headlines);
        }
        let wait = if fresh.errors.is_empty() { self.every } else { self.every.min(RETRY) };
        *last = Some((Instant::now(), wait, fresh.clone()));
        fresh
    }
}

impl NewsSource for Scheduled {
    fn headlines<'a>(&'a self, symbols: &'a [Symbol]) -> BoxFuture<'a, NewsBatch> {
        Box::pin(self.fetch(symbols))
    }
}

/// The feeds and the official sources together: asked at once, merged, each one's errors named.
///
/// An official source can take minutes (EDGAR at five requests a second over sixty companies):
/// each runs on a task of its own. A caller with a deadline gets the feeds and whatever official
/// batches are ready by then (the last complete batch of a source still at work), and
/// `remainder` gives the rest as the sources finish, so the feeds are never held back for them.
pub struct WithOfficial {
    feeds: Arc<dyn NewsSource>,
    official: Vec<Background>,
    /// The feeds' errors of the latest round: a remainder repeats them, since a batch stands for
    /// every source's state.
    feed_errors: std::sync::Mutex<Vec<(String, String)>>,
}

struct Background {
    source: Arc<dyn NewsSource>,
    running: tokio::sync::Mutex<Option<tokio::task::JoinHandle<NewsBatch>>>,
    last: std::sync::Mutex<NewsBatch>,
}

impl Background {
    /// A round of this source on its task, unless one is under way.
    async fn start(&self, symbols: &[Symbol]) {
        let mut running = self.running.lock().await;
        if running.is_none() {
            let (source, symbols) = (self.source.clone(), symbols.to_vec());
            *running = Some(tokio::spawn(async move { source.headlines(&symbols).await }));
        }
    }

    /// This source's newest complete batch, waiting for a round in progress until `deadline`
    /// (without one, until it ends); and whether that round ended now.
    async fn batch(&self, deadline: Option<Instant>) -> (NewsBatch, bool) {
        let mut running = self.running.lock().await;
        let Some(task) = running.as_mut() else { return (self.last().clone(), false) };
        let done = match deadline {
            Some(d) => tokio::time::timeout_at(d, &mut *task).await.ok(),
            None => Some(task.await),
        };
        if let Some(result) = done {
            *running = None;
            let mut last = self.last();
            *last = result.unwrap_or_else(|e| NewsBatch {
                headlines: last.headlines.clone(),
                errors: vec![("official".to_string(), format!("the fetch stopped: {e}"))],
            });
        }
        (self.last().clone(), running.is_none())
    }

    fn last(&self) -> std::sync::MutexGuard<'_, NewsBatch> {
        self.last.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl Drop for Background {
    fn drop(&mut self) {
        if let Some(t) = self.running.get_mut().take() {
            t.abort();
        }
    }
}

impl WithOfficial {
    pub fn new(feeds: Arc<dyn NewsSource>, official: Vec<Arc<dyn NewsSource>>) -> WithOfficial {
        let official = official
            .into_iter()
            .map(|source| Background {
                source,
                running: tokio::sync::Mutex::new(None),
                last: std::sync::Mutex::new(NewsBatch::default()),
            })
            .collect();
        WithOfficial { feeds, official, feed_errors: std::sync::Mutex::new(Vec::new()) }
    }

    async fn fetch(&self, symbols: &[Symbol], deadline: Option<Instant>) -> NewsBatch {
        // Started first, so whatever finishes while the feeds are read comes with them.
        futures::future::join_all(self.official.iter().map(|s| s.start(symbols))).await;
        let mut batch = self.feeds.headlines(symbols).await;
        let official = futures::future::join_all(self.official.iter().map(|s| s.batch(deadline))).await;
        *self.feed_errors.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = batch.errors.clone();
        add(&mut batch, official);
        batch
    }

    /// The official items, once the sources still at work when the last round was given finish
    /// or `deadline` comes; none when no source finished meanwhile (nothing new to give).
    async fn rest(&self, deadline: Instant) -> Option<NewsBatch> {
        let official = futures::future::join_all(self.official.iter().map(|s| s.batch(Some(deadline)))).await;
        if !official.iter().any(|(_, ended)| *ended) {
            return None;
        }
        let errors = self.feed_errors.lock().unwrap_or_else(std::sync::PoisonError::into_inner).clone();
        let mut batch = NewsBatch { headlines: Vec::new(), errors };
        add(&mut batch, official);
        Some(batch)
    }
}

/// The official sources' batches merged into `batch`, their errors after its own.
fn add(batch: &mut NewsBatch, official: Vec<(NewsBatch, bool)>) {
    for (b, _) in official {
        crate::market::news::merge(&mut batch.headlines, b.headlines, usize::MAX, None);
        batch.errors.extend(b.errors);
    }
}

impl NewsSource for WithOfficial {
    fn headlines<'a>(&'a self, symbols: &'a [Symbol]) -> BoxFuture<'a, NewsBatch> {
        Box::pin(self.fetch(symbols, None))
    }

    fn headlines_by<'a>(&'a self, symbols: &'a [Symbol], deadline: Instant) -> BoxFuture<'a, NewsBatch> {
        Box::pin(self.fetch(symbols, Some(deadline)))
    }

    fn remainder(&self, deadline: Instant) -> BoxFuture<'_, Option<NewsBatch>> {
        Box::pin(self.rest(deadline))
    }
}

/// Midnight of `date` in New York, the zone both US sources date their documents in.
pub fn new_york_day(date: &str) -> Option<chrono::DateTime<chrono::Utc>> {
    let d = chrono::NaiveDate::parse_from_str(date.trim(), "%Y-%m-%d").ok()?;
    let local = d.and_hms_opt(0, 0, 0)?.and_local_timezone(chrono_tz::America::New_York).earliest()?;
    Some(local.with_timezone(&chrono::Utc))
}

/// What one official item says; `Item::into_headline` gives it the fields every official item
/// shares.
pub(super) struct Item {
    pub title: String,
    pub link: String,
    pub published: Option<chrono::DateTime<chrono::Utc>>,
    pub symbols: Vec<Symbol>,
    pub summary: Option<String>,
    /// The publisher's own id for the document.
    pub guid: Option<String>,
    pub kind: crate::market::HeadlineKind,
    pub form: String,
}

impl Item {
    /// As a headline of `source`, whose feed id is `key` under the official prefix.
    pub fn into_headline(self, source: &str, key: &str) -> crate::market::Headline {
        crate::market::Headline {
            id: crate::market::news::identity(&self.link, &self.title),
            title: self.title,
            link: self.link,
            source: source.to_string(),
            published: self.published,
            symbols: self.symbols,
            feed: source.to_string(),
            also_in: Vec::new(),
            feed_id: format!("{}{key}", crate::market::news::OFFICIAL_ID_PREFIX),
            also_in_ids: Vec::new(),
            summary: self.summary,
            guid: self.guid,
            kind: self.kind,
            form: Some(self.form),
        }
    }
}

/// A link on the publisher's own site: `path` when it is a plain absolute path there, else none.
pub(super) fn link_on(site: &str, path: &str) -> Option<String> {
    let path = path.trim();
    let plain = path.starts_with('/')
        && !path.starts_with("//")
        && !path.contains("..")
        && path.bytes().all(|b| b.is_ascii_graphic());
    plain.then(|| format!("{site}{path}"))
}
