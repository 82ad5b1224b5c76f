//! Pushed prices: ticks folded into the quotes, the connection's state, and which symbols are live.

use std::collections::BTreeSet;

use chrono::{DateTime, Duration, Utc};

use super::State;
use crate::market::exchange::{SessionState, exchange_for};
use crate::market::stream::{StreamEvent, Tick};
use crate::market::{PriceSource, Quote, Symbol};
use crate::msg::{Effect, Outcome};

/// A symbol is live while its last tick is this recent (and its market trades).
pub const LIVE_FOR: Duration = Duration::seconds(60);

/// The status bar names unreadable frames once this many arrived on one connection: one or two
/// can be a hiccup, more say the source changed its format.
pub const UNREADABLE_SHOWN: u64 = 5;

/// The stream connection, for the status bar.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StreamStatus {
    /// The app runs a stream at all (`provider.stream` and a source that has one).
    pub on: bool,
    pub connected: bool,
    pub subscribed: usize,
    /// While reconnecting: when the next attempt comes, and why the last one ended.
    pub retry_at: Option<DateTime<Utc>>,
    pub error: Option<String>,
    /// Frames that could not be read since the start.
    pub undecodable: u64,
    /// `undecodable` when the connection was made: the count it starts from.
    pub undecodable_at_connect: u64,
}

impl StreamStatus {
    /// Frames that could not be read on this connection.
    pub fn unreadable(&self) -> u64 {
        self.undecodable.saturating_sub(self.undecodable_at_connect)
    }

    /// How many the status bar names: `UNREADABLE_SHOWN` or more on a live connection.
    pub fn unreadable_shown(&self) -> Option<u64> {
        let n = self.unreadable();
        (self.connected && n >= UNREADABLE_SHOWN).then_some(n)
    }
}

impl State {
    /// `sym`'s price is streamed: a tick within `LIVE_FOR` on a connected stream while its market trades.
    pub fn is_live(&self, sym: &Symbol) -> bool {
        self.stream.connected
            && self.quotes.get(sym).and_then(|e| e.tick_at).is_some_and(|t| self.now - t < LIVE_FOR)
            && self.session_of(sym) == SessionState::Open
    }

    fn session_of(&self, sym: &Symbol) -> SessionState {
        exchange_for(sym.as_str()).state_at(self.now, &self.config.calendar)
    }

    /// Every live symbol: these are polled at the slow rate.
    pub fn live_symbols(&self) -> BTreeSet<Symbol> {
        if !self.stream.connected {
            return BTreeSet::new();
        }
        self.quotes
            .iter()
            .filter(|(_, e)| e.tick_at.is_some())
            .map(|(s, _)| s)
            .filter(|s| self.is_live(s))
            .cloned()
            .collect()
    }

    /// When the first live symbol stops being live unless another tick comes.
    pub(super) fn live_ends(&self) -> Option<DateTime<Utc>> {
        self.planned_live.iter().filter_map(|s| self.quotes.get(s)?.tick_at).min().map(|t| t + LIVE_FOR)
    }

    /// The symbols the stream should follow: everything the refresh task polls, except those a
    /// source polls in real time (the push of them would only be a late copy).
    pub fn stream_symbols(&self) -> Vec<Symbol> {
        let mut all = self.streamed_from_config();
        for fx in self.fx_symbols() {
            if !all.contains(&fx) {
                all.push(fx);
            }
        }
        all
    }

    fn streamed_from_config(&self) -> Vec<Symbol> {
        let mut all = self.config.all_symbols();
        all.retain(|s| self.demo || !self.config.provider.polled_in_real_time(s));
        all
    }

    /// A new plan when the set of live symbols changed: they move between the fast and slow batches.
    pub(super) fn replan_if_live_changed(&mut self, out: &mut Outcome) {
        let live = self.live_symbols();
        if live != self.planned_live {
            self.planned_live = live;
            out.effects.push(Effect::Replan);
            // The status bar counts them.
            out.redraw = true;
        }
    }

    /// What a change of price can show on: the detail view's symbol, or the rows in view and
    /// everything the positions' summary is computed from.
    fn in_view(&self) -> Vec<Symbol> {
        match self.view_overlay() {
            Some(super::Overlay::Detail(d)) => return vec![d.symbol.clone()],
            // The chart draws from series, not ticks; the tab figures are redrawn with the next frame.
            Some(super::Overlay::Compare(_)) => return Vec::new(),
            // The heat map has a tile for every symbol.
            Some(super::Overlay::Heat(_)) => return self.config.all_symbols(),
            _ => {}
        }
        let mut shown: Vec<Symbol> =
            self.watch_rows().iter().skip(self.watch.offset).take(self.watch_page()).cloned().collect();
        shown.extend(self.config.positions.iter().map(|p| p.symbol.clone()));
        shown.extend(self.fx_symbols());
        shown
    }
}

pub fn apply(s: &mut State, ev: StreamEvent, out: &mut Outcome) {
    match ev {
        StreamEvent::Ticks(ticks) => {
            // Only what we asked for: a late tick of a removed symbol, or a server pushing ids of
            // its own, must not grow the quotes.
            let listed =
                s.rows.streamed(s.config.version(), || s.streamed_from_config().into_iter().collect());
            let fx = s.fx_symbols();
            let wanted = |sym: &Symbol| listed.contains(sym) || fx.contains(sym);
            let before = s.in_view();
            let mut changed: Vec<Symbol> = Vec::new();
            for t in ticks.iter().filter(|t| wanted(&t.symbol)) {
                if fold(s, t) && !changed.contains(&t.symbol) {
                    changed.push(t.symbol.clone());
                }
            }
            if changed.is_empty() {
                return;
            }
            out.effects.push(Effect::SaveCache);
            // A row sorted off the page by its new change counts too, and the cursor stays in view.
            s.fix_offsets();
            let after = s.in_view();
            out.redraw |= changed.iter().any(|c| before.contains(c) || after.contains(c));
            let fresh: Vec<Quote> =
                changed.iter().filter_map(|sym| s.quotes.get(sym)?.quote.clone()).collect();
            let fresh: Vec<&Quote> = fresh.iter().collect();
            let now = s.now;
            s.check_price_alerts(&fresh, now, out);
            // Only these can have become live; ending is the clock's business (on `Msg::Tick`).
            let new: Vec<Symbol> =
                changed.into_iter().filter(|c| !s.planned_live.contains(c) && s.is_live(c)).collect();
            if !new.is_empty() {
                s.planned_live.extend(new);
                out.effects.push(Effect::Replan);
                out.redraw = true;
            }
            return;
        }
        StreamEvent::Connected { subscribed } => {
            s.stream = StreamStatus {
                on: true,
                connected: true,
                subscribed,
                undecodable: s.stream.undecodable,
                // A new connection starts counting again.
                undecodable_at_connect: s.stream.undecodable,
                ..StreamStatus::default()
            };
            out.redraw = true;
        }
        StreamEvent::Reconnecting { retry_in, error } => {
            let retry_at = Duration::from_std(retry_in).ok().and_then(|r| s.now.checked_add_signed(r));
            s.stream =
                StreamStatus { on: true, connected: false, retry_at, error: Some(error), ..s.stream.clone() };
            out.redraw = true;
        }
        // The stream task logs them; the status bar names them once there are a few.
        StreamEvent::Undecodable { total } => {
            let shown = s.stream.unreadable_shown();
            s.stream.undecodable = total;
            out.redraw |= s.stream.unreadable_shown() != shown;
        }
    }
    s.replan_if_live_changed(out);
}

/// One tick into its symbol's quote; whether anything shown changed. A tick carries only what
/// moves; the rest of the quote stays the poll's. A symbol not polled yet starts from the tick.
fn fold(s: &mut State, t: &Tick) -> bool {
    let now = s.now;
    let session = s.session_of(&t.symbol);
    let e = s.quotes.entry(t.symbol.clone()).or_default();
    if e.quote.as_ref().is_some_and(|q| q.source.outranks_push()) {
        // A real-time snapshot beats a delayed push.
        return false;
    }
    e.updated = Some(now);
    e.cached = false;
    // A price is coming in: the last failed poll no longer describes the row.
    e.error = None;
    let q = e.quote.get_or_insert_with(|| Quote { symbol: t.symbol.clone(), ..Quote::default() });
    if matches!(session, SessionState::Pre | SessionState::Post) {
        // Outside the session the push is the pre/post-market price; `price` stays the close.
        let before = (q.extended_price, q.extended_change_pct);
        q.extended_price = Some(t.price);
        q.extended_change_pct = t.change_pct.or(q.extended_change_pct);
        return before != (q.extended_price, q.extended_change_pct);
    }
    e.tick_at = Some(now);
    let before = (q.price, q.change, q.change_pct, q.day_high, q.day_low, q.volume);
    q.price = Some(t.price);
    q.change = t.change.or(q.change);
    q.change_pct = t.change_pct.or(q.change_pct);
    q.day_high = t.day_high.or(q.day_high);
    q.day_low = t.day_low.or(q.day_low);
    q.volume = t.volume.or(q.volume);
    if t.time.is_some() {
        q.time = t.time;
    }
    q.source = t.source;
    before != (q.price, q.change, q.change_pct, q.day_high, q.day_low, q.volume)
}

/// How fresh a row's price is, as its note says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Freshness {
    /// The last fetch failed (the last good price stays beside it).
    Error,
    /// The source answers and the stock is suspended: its price stands still for that reason,
    /// which is not an old price.
    Halted,
    /// Fetched at this instant, too long ago (or from an earlier run).
    Old(DateTime<Utc>),
    /// Pushed within the last minute.
    Live,
    /// A snapshot the exchange does not delay.
    RealTime,
    /// Delayed by the exchange, in minutes.
    Delayed(u32),
}

impl State {
    /// The source a symbol's price came from when it is not the one asked first for it (a
    /// stand-in while the first fails): the Note column names it.
    pub fn stand_in(&self, sym: &Symbol) -> Option<PriceSource> {
        if self.demo || self.config.provider.kind == crate::config::ProviderKind::Demo {
            return None;
        }
        let q = self.quotes.get(sym)?.quote.as_ref()?;
        (!self.config.provider.first_source(sym).gave(q.source)).then_some(q.source)
    }

    /// `None` until there is a quote or an error.
    pub fn freshness(&self, sym: &Symbol) -> Option<Freshness> {
        let e = self.quotes.get(sym)?;
        if e.error.is_some() {
            return Some(Freshness::Error);
        }
        let q = e.quote.as_ref()?;
        Some(if q.halted {
            Freshness::Halted
        } else if let Some(t) = self.stale_since(sym) {
            Freshness::Old(t)
        } else if self.is_live(sym) && q.delay_min == 0 {
            Freshness::Live
        } else if q.delay_min > 0 {
            Freshness::Delayed(q.delay_min)
        } else {
            Freshness::RealTime
        })
    }
}

impl Freshness {
    /// The row's note: `live`, `rt`, `15m`, `old 12m`, `error`.
    pub fn note(self, now: DateTime<Utc>) -> String {
        match self {
            Freshness::Error => "error".to_string(),
            Freshness::Halted => "halted".to_string(),
            Freshness::Old(t) => format!("old {}", crate::present::time::age(t, now)),
            Freshness::Live => "live".to_string(),
            Freshness::RealTime => "rt".to_string(),
            Freshness::Delayed(m) => format!("{m}m"),
        }
    }

    /// The same in words, for the detail view ("live", "real time", "15m delay").
    pub fn words(self, now: DateTime<Utc>) -> String {
        match self {
            Freshness::RealTime => "real time".to_string(),
            Freshness::Halted => "halted: suspended from trading".to_string(),
            Freshness::Delayed(m) => format!("{m}m delay"),
            other => other.note(now),
        }
    }
}
