//! Everything the screen shows, and the pure `update` that changes it. No I/O, no clock of its own.

mod alerts;
mod calendar;
mod charts;
pub mod columns;
mod compare;
mod data;
mod dual;
pub mod events;
pub mod heat;
mod help;
mod input;
pub mod layout;
pub mod memo;
mod notice;
mod overlay;
mod portfolio;
mod rows;
mod search;
mod status;
pub mod stream;
mod versioned;

pub use input::is_web_link;

use std::collections::{HashMap, HashSet};
use std::hash::{Hash, Hasher};
use std::sync::Arc;

use chrono::{DateTime, Utc};

use crate::config::Config;
use crate::market::exchange::{Exchange, exchange_for};
use crate::market::series::ChartRange;
use crate::market::{Headline, Quote, Symbol};
use crate::msg::{Effect, Msg, Outcome};
use crate::present::money::Money;
use crate::present::time;
use crate::state::layout::Layout;

pub use alerts::{Alerts, LogBox, message as alert_message};
pub use charts::{Detail, SeriesEntry, SessionAxis};
pub use compare::{Compare, Tab};
pub use help::{HELP_GAP, HELP_TITLE, HelpBox, HelpLine, help_widths};
pub use notice::{Level, Logged, Messages, Notice};
pub use overlay::{Overlay, Prompt};
pub use rows::{NewsRows, PaneKind, SortKey};
pub use search::{Answer, Search};
pub use status::{SourceKey, SourceStatus, Statuses};
pub use stream::StreamStatus;
pub use versioned::Versioned;

/// See `State::shown_times`.
#[derive(Debug, Clone, Default)]
struct ShownTimes {
    clocks: Arc<[&'static Exchange]>,
    ages: Vec<DateTime<Utc>>,
    countdowns: Vec<DateTime<Utc>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Focus {
    Watchlist,
    Headlines,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct QuoteEntry {
    pub quote: Option<Quote>,
    pub error: Option<String>,
    pub updated: Option<DateTime<Utc>>,
    /// Shown from the cache of an earlier run: stale until the source answers.
    pub cached: bool,
    /// When the last pushed price arrived.
    pub tick_at: Option<DateTime<Utc>>,
}

/// Selection kept by identity (a symbol, a link) so sorting and new data never move it to another row.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Cursor<K> {
    pub selected: Option<K>,
    pub offset: usize,
}

#[derive(Debug, Clone)]
pub struct State {
    /// Versioned, as `quotes` and `headlines`: the kept row lists follow their changes.
    pub config: Versioned<Config>,
    pub demo: bool,
    /// The reader's zone, for the wall-clock times of the session (the alert log).
    pub zone: crate::present::time::LocalZone,
    /// NO_COLOR was set: the mono theme whatever the config says.
    pub no_color: bool,
    pub size: (u16, u16),
    /// The instant the screen is drawn for; set from `now` on every message.
    pub now: DateTime<Utc>,
    pub group: usize,
    pub focus: Focus,
    pub quotes: Versioned<HashMap<Symbol, QuoteEntry>>,
    /// How each source is doing, for the status bar.
    pub sources: Statuses,
    pub headlines: Versioned<Vec<Headline>>,
    /// Ids of the headlines read (`Headline::id`).
    pub read: HashSet<String>,
    pub watch: Cursor<Symbol>,
    pub news: Cursor<String>,
    /// Headlines that arrived above the view while it was scrolled down: "3 new ↑" until the
    /// view is back at the top.
    pub news_above: usize,
    pub sort: SortKey,
    pub sort_reverse: bool,
    /// The row filter: rows and headlines that match it (symbol, name, alias, title).
    pub filter: String,
    /// Open overlays, the top one last: it takes the keys.
    pub overlays: Vec<Overlay>,
    /// Series by (symbol, range): sparklines and charts.
    pub series: Versioned<HashMap<(Symbol, ChartRange), SeriesEntry>>,
    /// Series asked for and not answered yet: each is asked for once.
    pub series_inflight: HashSet<(Symbol, ChartRange)>,
    pub news_filter: Option<Symbol>,
    /// What the headline pane lists (`f`).
    pub news_kind: PaneKind,
    /// Rows marked with `space`: the comparison draws them instead of the groups.
    pub compare_marks: std::collections::BTreeSet<Symbol>,
    pub paused: bool,
    /// Money amounts are `•••` on every screen (`x`; `discreet = true` starts so).
    pub discreet: bool,
    /// What arrived while paused (prices, ticks, headlines, series): applied, in order, on resume.
    pub held: Vec<Msg>,
    /// Bumped whenever the set of symbols changes, so late answers to an old plan are dropped.
    pub generation: u64,
    /// A one-off message in the status bar (a refused link, an edit saved): it leaves by itself.
    pub notice: Option<Notice>,
    /// Every message and error of the session, with its time, for the message log.
    pub messages: Messages,
    /// What is wrong with the text of the open add prompt, shown inside it.
    pub prompt_error: Option<String>,
    /// The last number given to the add prompt's text (see `Search::seq`).
    search_seq: u64,
    /// The latest config error (a broken edit); the last good config keeps running.
    pub config_error: Option<String>,
    pub alerts: Alerts,
    /// Exchanges and years already noted as past the end of their holiday table.
    pub calendar_noted: HashSet<(&'static str, i32)>,
    pub stream: StreamStatus,
    /// The live symbols the last plan was made with.
    pub planned_live: std::collections::BTreeSet<Symbol>,
    pub rows: memo::RowCache,
    time_sig: u64,
    /// The times on screen as of the last update: the loop asks when the next one changes.
    shown: ShownTimes,
}

impl State {
    pub fn new(config: Config, demo: bool, now: DateTime<Utc>) -> State {
        let discreet = config.discreet;
        let mut s = State {
            config: Versioned::new(config),
            demo,
            no_color: false,
            zone: crate::present::time::LocalZone::UTC,
            size: (80, 24),
            now,
            group: 0,
            focus: Focus::Watchlist,
            quotes: Versioned::default(),
            sources: Statuses::default(),
            headlines: Versioned::default(),
            read: HashSet::new(),
            watch: Cursor::default(),
            news: Cursor::default(),
            news_above: 0,
            sort: SortKey::User,
            sort_reverse: false,
            filter: String::new(),
            overlays: Vec::new(),
            series: Versioned::default(),
            series_inflight: HashSet::new(),
            news_filter: None,
            news_kind: PaneKind::All,
            compare_marks: Default::default(),
            paused: false,
            discreet,
            held: Vec::new(),
            generation: 1,
            prompt_error: None,
            search_seq: 0,
            messages: Messages::default(),
            notice: None,
            config_error: None,
            alerts: Alerts { baseline: true, ..Alerts::default() },
            calendar_noted: HashSet::new(),
            stream: StreamStatus::default(),
            planned_live: Default::default(),
            rows: Default::default(),
            time_sig: 0,
            shown: ShownTimes::default(),
        };
        s.note_shown_times();
        s
    }

    pub fn layout(&self) -> Layout {
        self.layout_at(self.size.0, self.size.1)
    }

    /// The layout for a terminal of this size: the watchlist beside the headlines has room for the
    /// position columns when there are positions.
    pub fn layout_at(&self, width: u16, height: u16) -> Layout {
        let held = !self.config.positions.is_empty();
        Layout::for_table(width, height, columns::full_width(held) + 2)
    }

    pub fn group_symbols(&self) -> &[Symbol] {
        self.config.groups.get(self.group).map_or(&[], |g| g.symbols.as_slice())
    }

    /// Exchanges of the group in view, each once, in the order their symbols appear. Kept: the
    /// clocks, the time signature and the calendar notes ask on every key press and tick.
    pub fn exchanges_in_view(&self) -> Arc<[&'static Exchange]> {
        let kept = self.rows.exchanges((self.config.version(), self.group), || {
            self.rows.count_symbols(self.group_symbols().len());
            self.compute_exchanges_in_view().into()
        });
        debug_assert_eq!(*kept, *self.compute_exchanges_in_view(), "exchanges kept past a change");
        kept
    }

    fn compute_exchanges_in_view(&self) -> Vec<&'static Exchange> {
        let mut out: Vec<&'static Exchange> = Vec::new();
        for s in self.group_symbols() {
            let ex = exchange_for(s.as_str());
            if !out.iter().any(|e| std::ptr::eq(*e, ex) || e.label == ex.label) {
                out.push(ex);
            }
        }
        out
    }

    /// The headlines the detail view lists under its numbers, newest first: the view draws them
    /// and the clock wakes for their ages from this one list.
    pub fn detail_headlines<'a>(&'a self, d: &'a Detail) -> impl Iterator<Item = &'a Headline> + 'a {
        self.headlines.iter().filter(|h| h.symbols.contains(&d.symbol))
    }

    /// How the user's money figures are written on screen now: hidden in the discreet mode.
    pub fn money(&self) -> Money {
        Money::new(self.discreet)
    }

    /// The name to show for `sym`: the config's, else the one its quote brought.
    pub fn name_of(&self, sym: &Symbol) -> Option<&str> {
        self.config.name_of(sym).or_else(|| self.quotes.get(sym)?.quote.as_ref()?.name.as_deref())
    }

    /// When `sym`'s quote was fetched, if it is stale: from the cache of an earlier run, or older than
    /// two refreshes of its market. The row then says "old 3h".
    pub fn stale_since(&self, sym: &Symbol) -> Option<DateTime<Utc>> {
        let e = self.quotes.get(sym)?;
        let updated = e.updated?;
        let interval = if exchange_for(sym.as_str()).state_at(self.now, &self.config.calendar).is_trading() {
            self.config.refresh_secs
        } else {
            self.config.closed_refresh_secs
        };
        (e.cached || (self.now - updated).num_seconds() > 2 * interval as i64).then_some(updated)
    }

    /// Every time-dependent text on screen, by the instants it is computed from. The tick's redraw
    /// test and the loop's next wake-up both read this one list, so they cannot disagree.
    fn shown_times(&self) -> ShownTimes {
        let mut ages: Vec<DateTime<Utc>> = self.sources.shown().iter().filter_map(|st| st.last_ok).collect();
        let mut countdowns: Vec<DateTime<Utc>> =
            self.sources.shown().iter().filter_map(|st| st.retry_at).collect();
        if !self.stream.connected {
            countdowns.extend(self.stream.retry_at);
        }
        let layout = self.layout();
        match self.view_overlay() {
            // The comparison and the heat map show no time that ages.
            Some(Overlay::Compare(_) | Overlay::Heat(_)) => {}
            // The detail view lists the symbol's headlines under its numbers: at most a pane's height.
            Some(Overlay::Detail(d)) => ages.extend(
                self.detail_headlines(d).take(layout.watch.height as usize).filter_map(|h| h.published),
            ),
            _ => {
                ages.extend(
                    self.news_rows()
                        .iter()
                        .skip(self.news.offset)
                        .take(layout.news_rows())
                        .filter_map(|h| h.published),
                );
                // "old 3h" beside a stale price.
                let rows = self.watch_rows();
                let shown = rows.iter().skip(self.watch.offset).take(self.watch_page());
                ages.extend(shown.filter_map(|s| self.stale_since(s)));
            }
        }
        ShownTimes { clocks: self.exchanges_in_view(), ages, countdowns }
    }

    /// Work out the times on screen and their hash; true when a text among them changed (the tick
    /// redraws only then).
    fn note_shown_times(&mut self) -> bool {
        let shown = self.shown_times();
        let mut h = std::collections::hash_map::DefaultHasher::new();
        let now = self.now;
        for &ex in shown.clocks.iter() {
            time::clock(ex, now).hash(&mut h);
            self.session(ex).hash(&mut h);
        }
        for t in &shown.ages {
            time::age(*t, now).hash(&mut h);
        }
        for t in &shown.countdowns {
            time::until(*t, now).hash(&mut h);
        }
        // A notice leaving the bar is a change on screen too.
        self.notice_shown().is_some().hash(&mut h);
        let sig = h.finish();
        self.shown = shown;
        std::mem::replace(&mut self.time_sig, sig) != sig
    }

    /// How long until a time shown on screen next changes: the exchange clocks on the minute, each
    /// age when it flips ("10s" to "20s", "5m" to "6m"), a retry countdown every second. The loop
    /// sleeps this long, so an idle pane wakes about once a minute.
    pub fn next_time_change(&self) -> std::time::Duration {
        let now = self.now;
        let ms_in_minute = now.timestamp().rem_euclid(60) * 1000 + i64::from(now.timestamp_subsec_millis());
        let mut next = 60_000 - ms_in_minute;
        let shown = &self.shown;
        debug_assert_eq!(shown.ages, self.shown_times().ages, "times on screen noted past a change");
        for &t in &shown.ages {
            next = next.min(time::age_changes_in(t, now));
        }
        if shown.countdowns.iter().any(|t| *t > now) {
            next = next.min(1000 - i64::from(now.timestamp_subsec_millis()));
        }
        if let Some(end) = self.notice.as_ref().and_then(Notice::until).filter(|u| *u > now) {
            next = next.min((end - now).num_milliseconds());
        }
        // A live symbol whose ticks stop goes back to polling (and its row says so).
        if let Some(end) = self.live_ends() {
            next = next.min((end - now).num_milliseconds().max(0));
        }
        // A few milliseconds late, so the text has surely changed when we look.
        std::time::Duration::from_millis(next.max(1) as u64 + 5)
    }

    /// The refresh plan this state asks for.
    pub fn plan(&self, refresh_seq: u64) -> crate::msg::Plan {
        // Streamed symbols need polling only to correct what ticks lack: the slow rate.
        let fast: Vec<Symbol> =
            self.group_symbols().iter().filter(|s| !self.planned_live.contains(*s)).cloned().collect();
        // Exchange rates for the positions go with the slow batch once this run has one; until then
        // with the next refresh, so the totals never wait a slow interval for them.
        let mut fast = fast;
        let pending = self.fx_pending();
        let mut slow: Vec<Symbol> =
            self.config.all_symbols().into_iter().filter(|s| !fast.contains(s)).collect();
        for fx in self.fx_symbols() {
            if fast.contains(&fx) || slow.contains(&fx) {
                continue;
            }
            if pending.contains(&fx) { fast.push(fx) } else { slow.push(fx) }
        }
        // The other line of a dual listing goes in the same batch as the row that needs it.
        for p in self.config.pairs_missing_from(&fast) {
            slow.retain(|s| *s != p);
            fast.push(p);
        }
        let listed: Vec<Symbol> = fast.iter().chain(&slow).cloned().collect();
        slow.extend(self.config.pairs_missing_from(&listed));
        crate::msg::Plan {
            generation: self.generation,
            fast,
            slow,
            refresh_secs: self.config.refresh_secs,
            closed_refresh_secs: self.config.closed_refresh_secs,
            news_refresh_secs: self.config.news_refresh_secs,
            paused: self.paused,
            refresh_seq,
            calendar: self.config.calendar.clone(),
        }
    }
}

/// Updates held while paused, at most: beyond it the oldest go (newer prices supersede them).
const HELD_MAX: usize = 5_000;

/// The one place state changes. `now` is the message's instant.
pub fn update(state: &mut State, msg: Msg, now: DateTime<Utc>) -> Outcome {
    state.now = now;
    let mut out = Outcome::default();
    // Paused, the screen stays as it is: what comes in waits, counted in the status bar.
    if state.paused && matches!(msg, Msg::Data(_) | Msg::Stream(_) | Msg::Series { .. }) {
        if state.held.len() >= HELD_MAX {
            state.held.remove(0);
        }
        state.held.push(msg);
        out.redraw = true;
        return out;
    }
    let errors_before = state.standing_errors();
    match msg {
        Msg::Key(k) => input::key(state, k, &mut out),
        Msg::Resize(w, h) => {
            state.size = (w, h);
            state.fix_offsets();
            out.redraw = true;
        }
        Msg::Tick => state.replan_if_live_changed(&mut out),
        Msg::Stream(ev) => stream::apply(state, ev, &mut out),
        Msg::Shutdown => out.effects.push(Effect::Quit),
        Msg::Data(d) => data::apply(state, d, &mut out),
        Msg::Config(c) => data::config(state, *c, &mut out),
        Msg::Series { generation, symbol, range, result } => {
            charts::arrived(state, generation, (symbol, range), result, now, &mut out)
        }
        Msg::Notice(n) => {
            state.notice = Some(n.into());
            out.redraw = true;
        }
        Msg::Warning(n) => {
            state.notice = Some(Notice::warn(n));
            out.redraw = true;
        }
        Msg::OpenFailed { link, why } => {
            // Not opened, so not read: the headline keeps its unread mark.
            let ids: Vec<String> =
                state.headlines.iter().filter(|h| h.link == link).map(|h| h.id.clone()).collect();
            let unmarked = ids.iter().filter(|id| state.read.remove(*id)).count();
            if unmarked > 0 {
                out.effects.push(Effect::SaveCache);
            }
            state.notice = Some(Notice::warn(format!("cannot open the link: {why}")));
            out.redraw = true;
        }
        Msg::Search(ev) => out.redraw = state.search_event(ev),
        Msg::Mouse(m) => input::mouse(state, m, &mut out),
    }
    charts::request(state, &mut out);
    calendar::note_gaps(state, &mut out);
    state.log_messages(errors_before, now);
    if state.note_shown_times() {
        out.redraw = true;
    }
    out
}

#[cfg(test)]
mod tests;
