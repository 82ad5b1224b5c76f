//! Between the state and the on-disk cache: what of the state is kept, and putting it back at start.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Duration, Utc};
use tokio::time::Instant;

use crate::market::alerts::Fired;
use crate::market::series::ChartRange;
use crate::state::{QuoteEntry, SeriesEntry, State};
use crate::store::cache::{Cache, CachedQuote, CachedSeries, Contents, SCHEMA, Stories};

/// Series are kept while they are this fresh: those on screen recently.
const SERIES_KEPT_FOR: i64 = 30 * 60;
/// And at most this many, newest first.
const SERIES_KEPT: usize = 64;

/// What the cache keeps of `state`: quotes of the symbols watched, the headlines (already capped by
/// `news.max_items`) with their read marks, and the series fetched in the last half hour. The saver
/// takes the two halves apart; whole, for the tests of `restore`.
#[cfg(test)]
fn snapshot(state: &State, now: DateTime<Utc>) -> Contents {
    let Stories { headlines, read, .. } = stories(state, now);
    Contents { headlines, read, ..prices(state, now) }
}

/// All of it but the headlines and read marks: what `cache.json` holds.
fn prices(state: &State, now: DateTime<Utc>) -> Contents {
    // The exchange rates of the positions too: at the next start the totals have a rate at once.
    let mut kept = state.config.all_symbols();
    kept.extend(state.fx_symbols());
    kept.extend(state.pair_symbols());
    let quotes = kept
        .iter()
        .filter_map(|s| {
            let e = state.quotes.get(s)?;
            Some(CachedQuote::new(e.quote.as_ref()?, e.updated?))
        })
        .collect();
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
    let mut alerts_fired: Vec<String> =
        state.alerts.armed.iter().filter(|(_, armed)| !**armed).map(|(k, _)| k.clone()).collect();
    alerts_fired.sort();
    Contents {
        schema: SCHEMA,
        saved_at: Some(now),
        quotes,
        headlines: Vec::new(),
        read: Vec::new(),
        series,
        alerts_fired,
        alert_log: state.alerts.log.clone(),
    }
}

/// The headlines and the read marks of those kept: what the news file holds.
fn stories(state: &State, now: DateTime<Utc>) -> Stories {
    let ids: HashSet<&str> = state.headlines.iter().map(|h| h.id.as_str()).collect();
    let mut read: Vec<String> = state.read.iter().filter(|id| ids.contains(id.as_str())).cloned().collect();
    read.sort();
    Stories { schema: SCHEMA, saved_at: Some(now), headlines: state.headlines.to_vec(), read }
}

/// What decides the news file: the headlines (versioned) and the read marks (which only grow).
fn news_key(state: &State) -> (u64, usize) {
    (state.headlines.version(), state.read.len())
}

/// Put cached data into a state that has none yet: every quote marked as cached (stale, with its
/// age) until the source answers. Symbols no longer watched are left out.
pub fn restore(state: &mut State, contents: Contents) {
    let watched: HashSet<_> = state.config.all_symbols().into_iter().collect();
    // The watched symbols first: their currencies say which exchange rates the positions need.
    let (mine, rest): (Vec<_>, Vec<_>) =
        contents.quotes.into_iter().partition(|c| watched.contains(&c.quote.symbol));
    let put = |state: &mut State, c: crate::store::cache::CachedQuote| {
        let updated = Some(c.fetched);
        let quote = c.into_quote();
        state.quotes.insert(
            quote.symbol.clone(),
            QuoteEntry { quote: Some(quote), error: None, updated, cached: true, tick_at: None },
        );
    };
    for c in mine {
        put(state, c);
    }
    let rates: HashSet<_> = state.fx_symbols().into_iter().chain(state.pair_symbols()).collect();
    for c in rest.into_iter().filter(|c| rates.contains(&c.quote.symbol)) {
        put(state, c);
    }
    // Feeds taken out of the config since take their headlines with them, as a reload would.
    let news = &state.config.news;
    let mut headlines = contents.headlines;
    news.keep_configured(&mut headlines);
    headlines.truncate(news.max_items);
    let ids: HashSet<String> = headlines.iter().map(|h| h.id.clone()).collect();
    *state.headlines = headlines;
    state.read.extend(contents.read.into_iter().filter(|id| ids.contains(id)));
    // What fired before the restart and still held then is not fired again by the same condition.
    let alerts = &state.config.alerts;
    let kept: Vec<String> =
        contents.alerts_fired.into_iter().filter(|k| alerts.iter().any(|a| a.owns(k))).collect();
    for k in kept {
        state.alerts.armed.insert(k, false);
    }
    state.alerts.log = contents.alert_log;
    state.alerts.log.iter_mut().for_each(Fired::split_level);
    for c in contents.series {
        if watched.contains(&c.series.symbol) && ChartRange::ALL.contains(&c.range) {
            let key = (c.series.symbol.clone(), c.range);
            state.series.insert(key, SeriesEntry { series: Some(c.series), error: None, fetched: c.fetched });
        }
    }
    state.fix_offsets();
}

/// At most one write every this long while headlines or read marks change.
const EVERY: std::time::Duration = std::time::Duration::from_secs(5);
/// And this long while only prices do: they are refreshed at the next start anyway, and a pane left
/// open all day should not rewrite its cache every few seconds.
const PRICES_EVERY: std::time::Duration = std::time::Duration::from_secs(30);

/// The last snapshot taken, for the panic hook: what it can still save.
pub type LastSnapshot = Arc<Mutex<Option<Snapshot>>>;

/// What the panic hook can still save: the prices, and the headlines while their file is behind
/// (shared with the writer, not copied; let go once written, so no second copy of every headline
/// stays in memory).
#[derive(Clone)]
pub struct Snapshot {
    pub prices: Arc<Contents>,
    pub news: Option<Arc<Stories>>,
}

impl Snapshot {
    pub fn save(&self, cache: &Cache) {
        let _ = write(cache, &self.prices, self.news.as_deref());
    }
}

/// Saves the cache off the loop: at most every `EVERY` while something changed, one write at a
/// time, and once more at exit. The headlines are copied and written only when they or their read
/// marks changed, and the copy is let go once written.
pub struct Saver {
    cache: Cache,
    last: LastSnapshot,
    due: Option<Instant>,
    last_write: Option<Instant>,
    writing: Option<tokio::task::JoinHandle<()>>,
    /// What the news file was last written from: set by the write once it has landed, so a write
    /// that failed leaves it as it was and the next save tries the headlines again.
    news_saved: Arc<Mutex<Option<(u64, usize)>>>,
}

impl Saver {
    pub fn new(cache: Cache, last: LastSnapshot) -> Saver {
        Saver { cache, last, due: None, last_write: None, writing: None, news_saved: Arc::default() }
    }

    fn news_saved(&self) -> Option<(u64, usize)> {
        *self.news_saved.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
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

    /// Start writing `state` now, on a blocking thread; a write still running puts it off a second,
    /// and a change of prices alone waits for `PRICES_EVERY`.
    pub fn save(&mut self, state: &State, now: DateTime<Utc>) {
        let at = Instant::now();
        if self.writing.as_ref().is_some_and(|w| !w.is_finished()) {
            self.due = Some(at + std::time::Duration::from_secs(1));
            return;
        }
        let key = news_key(state);
        let news_changed = self.news_saved() != Some(key);
        if !news_changed && let Some(t) = self.last_write.map(|t| t + PRICES_EVERY).filter(|t| *t > at) {
            self.due = Some(t);
            return;
        }
        let news = news_changed.then(|| Arc::new(stories(state, now)));
        let snap = Snapshot { prices: Arc::new(prices(state, now)), news };
        if let Ok(mut last) = self.last.lock() {
            *last = Some(snap.clone());
        }
        let (cache, last, saved) = (self.cache.clone(), self.last.clone(), self.news_saved.clone());
        self.writing = Some(tokio::task::spawn_blocking(move || {
            // Not written: the record stays, and so does the copy the panic hook may still save.
            if !write(&cache, &snap.prices, snap.news.as_deref()) {
                return;
            }
            if let Some(written) = &snap.news {
                *saved.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = Some(key);
                if let Ok(mut last) = last.lock()
                    && let Some(l) = last.as_mut()
                    && l.news.as_ref().is_some_and(|n| Arc::ptr_eq(n, written))
                {
                    l.news = None;
                }
            }
        }));
        self.last_write = Some(at);
        self.due = None;
    }

    /// The write at exit: after any still running, so the last one to land is the newest.
    pub async fn finish(mut self, state: &State, now: DateTime<Utc>) {
        if let Some(w) = self.writing.take() {
            let _ = w.await;
        }
        let news_changed = self.news_saved() != Some(news_key(state));
        let (cache, prices) = (self.cache.clone(), prices(state, now));
        let news = news_changed.then(|| stories(state, now));
        let _ = tokio::task::spawn_blocking(move || write(&cache, &prices, news.as_ref())).await;
    }
}

/// Write the prices, and the headlines when given; a failure is logged, never in the way. Whether
/// all of it was written.
fn write(cache: &Cache, prices: &Contents, news: Option<&Stories>) -> bool {
    let result = cache.save_prices(prices).and_then(|()| news.map_or(Ok(()), |n| cache.save_news(n)));
    if let Err(e) = &result {
        tracing::warn!(path = %cache.path().display(), error = %e, "cannot save the cache");
    }
    result.is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{Feed, builtin};
    use crate::market::{Headline, Quote, Symbol};

    fn t(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    fn story(n: u32, feed: &str) -> Headline {
        let link = format!("https://x.example/{n}");
        let title = format!("Story {n}");
        Headline {
            id: crate::market::news::identity(&link, &title),
            title,
            link,
            source: "Wire".into(),
            published: Some(t("2026-11-24T10:00:00Z")),
            symbols: vec![],
            feed: feed.into(),
            also_in: vec![],
            feed_id: String::new(),
            also_in_ids: vec![],
            summary: None,
            guid: None,
            kind: crate::market::HeadlineKind::News,
            form: None,
        }
    }

    /// Until the write in flight has landed.
    /// A fresh quote of `q.symbol`, fetched at `now`, into the state.
    fn put(s: &mut State, q: Quote, now: DateTime<Utc>) {
        let entry = QuoteEntry {
            quote: Some(q.clone()),
            error: None,
            updated: Some(now),
            cached: false,
            tick_at: None,
        };
        s.quotes.insert(q.symbol, entry);
    }

    /// A price moves (NVDA to 10), and the saver is told.
    fn a_price_moves(s: &mut State, saver: &mut Saver, now: DateTime<Utc>) {
        put(s, Quote { symbol: Symbol::parse("NVDA").unwrap(), price: Some(10.0), ..Quote::default() }, now);
        saver.changed();
    }

    async fn wait(saver: &mut Saver) {
        if let Some(w) = saver.writing.take() {
            w.await.unwrap();
        }
    }

    /// What a state keeps comes back as it was, marked cached; what the config no longer has
    /// (a symbol, a feed) does not come back, nor do read marks of headlines gone.
    #[test]
    fn snapshot_and_restore() {
        let now = t("2026-11-24T15:00:00Z");
        let mut cfg = builtin();
        cfg.news.feeds = vec![Feed { name: "Wire".into(), url: "https://x.example/rss".into(), tz: None }];
        let alert = crate::config::Alert::Price {
            symbol: Symbol::parse("NVDA").unwrap(),
            rule: crate::config::Rule::Below(20.0),
        };
        cfg.alerts = vec![alert.clone()];
        let mut s = State::new(cfg.clone(), false, now);
        s.alerts.armed.insert(alert.key(), false);
        s.alerts.armed.insert("gone alert".into(), false);
        s.alerts.log.push(crate::market::alerts::Fired {
            at: now,
            symbol: Some(Symbol::parse("NVDA").unwrap()),
            what: "below".into(),
            level: Some(20.0),
            price: Some(10.0),
            headline: None,
        });
        let nvda = Symbol::parse("NVDA").unwrap();
        let zzz = Symbol::parse("ZZZ").unwrap();
        for sym in [&nvda, &zzz] {
            let q =
                Quote { symbol: sym.clone(), price: Some(10.0), year_high: Some(12.0), ..Quote::default() };
            put(&mut s, q, now);
        }
        *s.headlines = vec![story(1, "Wire"), story(2, "Gone feed"), story(3, crate::config::YAHOO_FEED)];
        s.read = s.headlines.iter().map(|h| h.id.clone()).chain(["stray".to_string()]).collect();
        let snap = snapshot(&s, now);
        assert_eq!(snap.quotes.len(), 1, "only symbols the config watches");
        assert_eq!(snap.read.len(), 3, "only marks of headlines kept");

        let mut fresh = State::new(cfg, false, now);
        restore(&mut fresh, snap);
        let e = &fresh.quotes[&nvda];
        assert!(e.cached && e.updated == Some(now));
        assert_eq!(e.quote.as_ref().unwrap().year_high, Some(12.0));
        assert!(fresh.stale_since(&nvda).is_some(), "cached means stale until refreshed");
        let titles: Vec<&str> = fresh.headlines.iter().map(|h| h.title.as_str()).collect();
        assert_eq!(titles, ["Story 1", "Story 3"], "the removed feed's headline stays gone");
        assert_eq!(fresh.read.len(), 2);
        assert_eq!(fresh.alerts.armed.get(&alert.key()), Some(&false), "fired, and kept from firing again");
        assert!(!fresh.alerts.armed.contains_key("gone alert"), "an alert no longer configured is forgotten");
        assert_eq!(fresh.alerts.log.len(), 1);
    }

    /// Issue 22, item 4: an earnings alert's fired events are kept like the other alerts' state,
    /// and the same event does not fire again after a restart; those of a removed alert are dropped.
    #[test]
    fn an_earnings_event_that_fired_does_not_fire_again_after_a_restart() {
        use crate::msg::{DataKind, DataMsg, Msg};
        let now = t("2026-11-25T15:00:00Z");
        let alert = crate::config::Alert::Earnings { within_days: 1, symbols: vec![] };
        let mut cfg = builtin();
        cfg.alerts = vec![alert.clone()];
        let report = t("2026-11-26T21:20:00Z");
        let nvda = Symbol::parse("NVDA").unwrap();
        let q = Quote {
            symbol: nvda.clone(),
            price: Some(180.0),
            events: crate::market::events::Events {
                earnings: Some(report),
                earnings_start: Some(report),
                earnings_end: Some(report),
                ..Default::default()
            },
            ..Quote::default()
        };
        let feed = |s: &mut State| {
            let results = vec![(nvda.clone(), Ok(q.clone()))];
            let kind = DataKind::Quotes { note: None, source: "yahoo".into(), results };
            crate::state::update(s, Msg::Data(DataMsg { generation: s.generation, at: now, kind }), now);
        };
        let mut s = State::new(cfg.clone(), false, now);
        feed(&mut s);
        assert_eq!(s.alerts.log.len(), 1, "it fires the first time");
        let snap = snapshot(&s, now);
        assert_eq!(snap.alerts_fired, [alert.event_key(&nvda, report.date_naive())]);
        let mut restarted = State::new(cfg.clone(), false, now);
        restore(&mut restarted, snap.clone());
        feed(&mut restarted);
        assert_eq!(restarted.alerts.log.len(), 1, "the logged one only, nothing new");
        let mut other = cfg;
        other.alerts = vec![crate::config::Alert::Earnings { within_days: 2, symbols: vec![] }];
        let mut changed = State::new(other, false, now);
        restore(&mut changed, snap);
        assert!(changed.alerts.armed.is_empty(), "another alert's events are not kept");
    }

    /// A refresh that changes prices rewrites only `cache.json`, at most every `PRICES_EVERY`; the
    /// headlines are copied and written again only when they or their read marks change.
    #[tokio::test(start_paused = true)]
    async fn prices_alone_leave_the_headlines_file_alone() {
        let now = t("2026-11-24T15:00:00Z");
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::at(dir.path().join("cache.json"));
        let mut s = State::new(builtin(), false, now);
        *s.headlines = vec![story(1, "Wire"), story(2, "Wire")];
        let last = LastSnapshot::default();
        let mut saver = Saver::new(cache.clone(), last.clone());
        saver.changed();
        saver.save(&s, now);
        wait(&mut saver).await;
        assert_eq!(cache.load().headlines.len(), 2);
        assert!(
            last.lock().unwrap().as_ref().unwrap().news.is_none(),
            "written: no copy of the headlines kept"
        );

        // Prices change: not before PRICES_EVERY, and then without the headlines.
        std::fs::remove_file(cache.news_path()).unwrap();
        a_price_moves(&mut s, &mut saver, now);
        tokio::time::advance(EVERY).await;
        saver.save(&s, now);
        assert!(saver.writing.is_none(), "only prices changed: put off");
        let due = saver.due().expect("still due");
        tokio::time::advance(due - Instant::now()).await;
        assert!(PRICES_EVERY > EVERY && saver.due() == Some(Instant::now()));
        saver.save(&s, now);
        wait(&mut saver).await;
        assert_eq!(cache.load().quotes.len(), 1, "the price is written");
        assert!(!cache.news_path().exists(), "the headlines are not written again");
        assert!(last.lock().unwrap().as_ref().unwrap().news.is_none(), "nor copied again");

        // A read mark: the headlines file is written again, at the shorter interval.
        s.read.insert(s.headlines[0].id.clone());
        saver.changed();
        assert_eq!(saver.due(), Some(Instant::now() + EVERY));
        tokio::time::advance(EVERY).await;
        saver.save(&s, now);
        wait(&mut saver).await;
        assert_eq!(cache.load().read, vec![s.headlines[0].id.clone()]);
    }

    /// Issue 27, item 1: the positions' exchange rates are kept, so the next start values them at
    /// once, marked as the cache's until this run's come.
    #[test]
    fn the_positions_rates_are_kept_and_come_back_marked_cached() {
        let cfg = crate::config::parse_str(
            "[[groups]]\nname = \"A\"\nsymbols = [\"0981.HK\"]\n[[positions]]\nsymbol = \"0981.HK\"\nquantity = 10\nunit_cost = 60\n",
            "c.toml",
        )
        .unwrap();
        let now = Utc::now();
        let mut s = State::new(cfg.clone(), false, now);
        let smic = Symbol::parse("0981.HK").unwrap();
        let hkd = Symbol::parse("HKDUSD=X").unwrap();
        for (sym, cur, price) in [(&smic, "HKD", 70.0), (&hkd, "USD", 0.1285)] {
            let q = Quote {
                symbol: sym.clone(),
                price: Some(price),
                currency: Some(cur.into()),
                ..Quote::default()
            };
            put(&mut s, q, now);
        }
        let snap = snapshot(&s, now);
        assert!(snap.quotes.iter().any(|q| q.quote.symbol == hkd), "the rate is kept");
        let mut fresh = State::new(cfg, false, now + Duration::hours(3));
        restore(&mut fresh, snap);
        assert_eq!(fresh.fx_cached_since(), Some(now));
        assert!(fresh.portfolio().unwrap().totals.missing_rates.is_empty(), "valued with the cached rate");
        // CNY's rate is the built-in pairs' (the A/H premium), never fetched here.
        assert_eq!(
            fresh.fx_pending(),
            [Symbol::parse("CNYUSD=X").unwrap(), hkd],
            "and asked for again with the first refresh"
        );
    }

    /// Issue 27, item 4: a headlines file that could not be written is not recorded as written.
    /// The next save, even one for prices alone, writes it; meanwhile the panic hook keeps the copy.
    #[tokio::test(start_paused = true)]
    async fn a_failed_headlines_write_is_tried_again_at_the_next_save() {
        let now = t("2026-11-24T15:00:00Z");
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::at(dir.path().join("cache.json"));
        // A directory where the file goes: no rename replaces it, even as root.
        std::fs::create_dir(cache.news_path()).unwrap();
        let mut s = State::new(builtin(), false, now);
        *s.headlines = vec![story(1, "Wire"), story(2, "Wire")];
        let last = LastSnapshot::default();
        let mut saver = Saver::new(cache.clone(), last.clone());
        saver.changed();
        saver.save(&s, now);
        wait(&mut saver).await;
        assert!(cache.news_path().is_dir(), "the headlines could not be written");
        assert!(
            last.lock().unwrap().as_ref().unwrap().news.is_some(),
            "not written: the panic hook keeps the headlines to save"
        );

        // The obstacle goes; a price changes: the headlines go out with it, at the shorter interval.
        std::fs::remove_dir(cache.news_path()).unwrap();
        a_price_moves(&mut s, &mut saver, now);
        assert_eq!(saver.due(), Some(Instant::now() + EVERY));
        tokio::time::advance(EVERY).await;
        saver.save(&s, now);
        wait(&mut saver).await;
        let loaded = cache.load();
        assert_eq!(loaded.quotes.len(), 1, "the price is written");
        assert_eq!(loaded.headlines.len(), 2, "and the headlines, this time");
        assert!(last.lock().unwrap().as_ref().unwrap().news.is_none(), "written: the copy is let go");

        // Recorded now: a price alone leaves the file alone again.
        std::fs::remove_file(cache.news_path()).unwrap();
        saver.changed();
        tokio::time::advance(PRICES_EVERY).await;
        saver.save(&s, now);
        wait(&mut saver).await;
        assert!(!cache.news_path().exists(), "written once, not again");
    }
}
