//! Pushed prices: ticks folded into the quotes, the connection's state, and which symbols are live.

use std::collections::BTreeSet;

use chrono::{DateTime, Duration, Utc};

use super::State;
use crate::market::exchange::exchange_for;
use crate::market::stream::{StreamEvent, Tick};
use crate::market::{PriceSource, Quote, Symbol};
use crate::msg::{Effect, Outcome};

/// A symbol is live while its last tick is this recent (and its market trades).
pub const LIVE_FOR: Duration = Duration::seconds(60);

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
}

impl State {
    /// `sym`'s price is streamed: a tick within `LIVE_FOR` on a connected stream while its market trades.
    pub fn is_live(&self, sym: &Symbol) -> bool {
        self.stream.connected
            && self.quotes.get(sym).and_then(|e| e.tick_at).is_some_and(|t| self.now - t < LIVE_FOR)
            && exchange_for(sym.as_str()).state_at(self.now, &self.config.calendar).is_trading()
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

    /// The symbols the stream should follow: everything the refresh task polls.
    pub fn stream_symbols(&self) -> Vec<Symbol> {
        let mut all = self.config.all_symbols();
        for fx in self.fx_symbols() {
            if !all.contains(&fx) {
                all.push(fx);
            }
        }
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

    /// Whether a change of any of `changed` shows: rows in view, the detail view's symbol, and
    /// anything the positions' summary is computed from.
    fn shows_any(&self, changed: &[Symbol]) -> bool {
        if let Some(d) = &self.detail {
            return changed.contains(&d.symbol);
        }
        let fx = self.fx_symbols();
        if changed.iter().any(|c| fx.contains(c) || self.config.positions.iter().any(|p| &p.symbol == c)) {
            return true;
        }
        self.watch_rows()
            .into_iter()
            .skip(self.watch.offset)
            .take(self.watch_page())
            .any(|s| changed.contains(s))
    }
}

pub fn apply(s: &mut State, ev: StreamEvent, out: &mut Outcome) {
    match ev {
        StreamEvent::Ticks(ticks) => {
            let mut changed: Vec<Symbol> = Vec::new();
            for t in ticks {
                if fold(s, &t) && !changed.contains(&t.symbol) {
                    changed.push(t.symbol);
                }
            }
            if changed.is_empty() {
                return;
            }
            out.effects.push(Effect::SaveCache);
            out.redraw |= s.shows_any(&changed);
            let fresh: Vec<Quote> =
                changed.iter().filter_map(|sym| s.quotes.get(sym)?.quote.clone()).collect();
            let fresh: Vec<&Quote> = fresh.iter().collect();
            let now = s.now;
            s.check_price_alerts(&fresh, now, out);
        }
        StreamEvent::Connected { subscribed } => {
            s.stream = StreamStatus {
                on: true,
                connected: true,
                subscribed,
                undecodable: s.stream.undecodable,
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
        StreamEvent::Undecodable { total } => {
            if s.stream.undecodable == 0 {
                out.effects.push(Effect::Log(format!(
                    "the price stream sent a frame that could not be read ({total} so far)"
                )));
            }
            s.stream.undecodable = total;
        }
    }
    s.replan_if_live_changed(out);
}

/// One tick into its symbol's quote; whether anything shown changed. A tick carries only what
/// moves; the rest of the quote stays the poll's. A symbol not polled yet starts from the tick.
fn fold(s: &mut State, t: &Tick) -> bool {
    let (now, demo) = (s.now, s.demo);
    let e = s.quotes.entry(t.symbol.clone()).or_default();
    e.tick_at = Some(now);
    e.updated = Some(now);
    e.cached = false;
    let q = e.quote.get_or_insert_with(|| Quote { symbol: t.symbol.clone(), ..Quote::default() });
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
    if !demo {
        q.source = PriceSource::YahooStream;
    }
    before != (q.price, q.change, q.change_pct, q.day_high, q.day_low, q.volume)
}

/// How fresh a row's price is, as its note says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Freshness {
    /// The last fetch failed (the last good price stays beside it).
    Error,
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
    /// `None` until there is a quote or an error.
    pub fn freshness(&self, sym: &Symbol) -> Option<Freshness> {
        let e = self.quotes.get(sym)?;
        if e.error.is_some() {
            return Some(Freshness::Error);
        }
        let q = e.quote.as_ref()?;
        Some(if let Some(t) = self.stale_since(sym) {
            Freshness::Old(t)
        } else if self.is_live(sym) {
            Freshness::Live
        } else if q.delay_min > 0 {
            Freshness::Delayed(q.delay_min)
        } else {
            Freshness::RealTime
        })
    }
}
