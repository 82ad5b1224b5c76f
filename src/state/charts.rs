//! The detail view and the series behind charts and sparklines: what is wanted, what arrived.

use chrono::{DateTime, Duration, Utc};

use super::State;
use crate::market::series::{ChartRange, Series};
use crate::market::{MarketState, Symbol};
use crate::msg::{Effect, Outcome};
use crate::state::columns::{Col, Shown, columns};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Detail {
    pub symbol: Symbol,
    pub range: ChartRange,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SeriesEntry {
    pub series: Option<Series>,
    pub error: Option<String>,
    pub fetched: DateTime<Utc>,
}

/// Sparklines are refreshed at most this often; a chart in the detail view a little more often.
const SPARK_FRESH: i64 = 300;
const DETAIL_FRESH: i64 = 60;
/// Series requests in flight at once.
const CONCURRENCY: usize = 4;

/// Ask for the series the screen wants and nobody is fetching yet, at most `CONCURRENCY` at once.
/// Paused means no traffic at all, charts included.
pub fn request(s: &mut State, out: &mut Outcome) {
    if s.paused {
        return;
    }
    let mut keys = Vec::new();
    for key in s.wanted_series() {
        if s.series_inflight.len() >= CONCURRENCY {
            break;
        }
        if s.series_inflight.insert(key.clone()) {
            keys.push(key);
        }
    }
    if !keys.is_empty() {
        out.effects.push(Effect::FetchSeries { generation: s.generation, keys });
    }
}

pub fn arrived(
    s: &mut State,
    generation: u64,
    key: (Symbol, ChartRange),
    result: Result<Series, String>,
    now: DateTime<Utc>,
    out: &mut Outcome,
) {
    s.series_inflight.remove(&key);
    if generation < s.generation {
        // A source since replaced answered: asked again of the new one (it is still not fresh).
        return;
    }
    let entry = s.series.entry(key).or_insert(SeriesEntry { series: None, error: None, fetched: now });
    entry.fetched = now;
    match result {
        Ok(series) => {
            entry.series = Some(series);
            entry.error = None;
        }
        // A failed refresh keeps the last good series on screen beside its error.
        Err(e) => entry.error = Some(e),
    }
    out.redraw = true;
    out.effects.push(Effect::SaveCache);
}

impl State {
    /// Some row on the page has a pre/post-market price: the watchlist makes room for it (looking
    /// at the page only, so the cost follows the pane, not the list).
    pub fn watch_has_extended(&self) -> bool {
        self.watch_rows().iter().skip(self.watch.offset).take(self.watch_page()).any(|s| {
            self.quotes.get(s).and_then(|e| e.quote.as_ref()).is_some_and(|q| {
                q.extended_price.is_some() && matches!(q.market_state, MarketState::Pre | MarketState::Post)
            })
        })
    }

    /// The watchlist's columns for `inner` cells (the pane inside its border).
    pub fn watch_columns(&self, inner: usize) -> Vec<(Col, usize)> {
        let held = !self.config.positions.is_empty();
        columns(inner, Shown { extended: self.watch_has_extended(), held })
    }

    pub fn shows_sparklines(&self) -> bool {
        let inner = self.layout().watch.width.saturating_sub(2) as usize;
        self.detail().is_none() && self.watch_columns(inner).iter().any(|(c, _)| *c == Col::Trend)
    }

    /// Fetched within `secs`. A fetch "in the future" (the wall clock went back) is not fresh: it
    /// must not hold a refresh off until the clock catches up.
    fn is_fresh(&self, key: &(Symbol, ChartRange), secs: i64) -> bool {
        self.series.get(key).is_some_and(|e| {
            let age = self.now - e.fetched;
            age >= Duration::zero() && age < Duration::seconds(secs)
        })
    }

    /// The series the screen needs now and does not have fresh: the open chart, then the
    /// sparklines of the rows in view. Nothing is fetched for rows off screen.
    pub fn wanted_series(&self) -> Vec<(Symbol, ChartRange)> {
        let mut out = Vec::new();
        if let Some(d) = self.detail() {
            let key = (d.symbol.clone(), d.range);
            if !self.is_fresh(&key, DETAIL_FRESH) {
                out.push(key);
            }
            return out;
        }
        if self.layout().too_small || !self.shows_sparklines() {
            return out;
        }
        let page = self.watch_page();
        for sym in self.watch_rows().iter().skip(self.watch.offset).take(page) {
            let key = (sym.clone(), ChartRange::D1);
            if !self.is_fresh(&key, SPARK_FRESH) {
                out.push(key);
            }
        }
        out
    }

    pub fn open_detail(&mut self, symbol: Symbol) {
        self.open(super::Overlay::Detail(Detail { symbol, range: ChartRange::D1 }));
    }
}
