//! The detail view and the series behind charts and sparklines: what is wanted, what arrived.

use chrono::{DateTime, Duration, Timelike, Utc};
use chrono_tz::Tz;

use super::State;
use crate::market::exchange::{SessionState, exchange_for};
use crate::market::series::{ChartRange, Series};
use crate::market::since;
use crate::market::{MarketState, Symbol};
use crate::msg::{Effect, Outcome};
use crate::state::columns::{Col, Shown, columns};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Detail {
    pub symbol: Symbol,
    pub range: ChartRange,
    /// The id of the headline picked in the detail view's list (`J`/`K`): its marker on the chart
    /// is drawn highlighted. An id, so the pick stays on its story when newer ones arrive.
    pub headline: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SeriesEntry {
    pub series: Option<Series>,
    pub error: Option<String>,
    pub fetched: DateTime<Utc>,
}

/// Where a day chart's instants go across its width: the day's sessions end to end, each as wide
/// as it lasts, so the line stops where the day has got to; the gaps between sessions (lunch)
/// take no room.
#[derive(Debug, Clone, PartialEq)]
pub struct SessionAxis {
    pub sessions: Vec<(DateTime<Utc>, DateTime<Utc>, SessionState)>,
}

impl SessionAxis {
    /// Seconds of trading in the day: the axis runs from 0 to this.
    pub fn span(&self) -> f64 {
        self.sessions.iter().map(|(a, b, _)| (*b - *a).num_seconds() as f64).sum()
    }

    /// Seconds of trading before `t`; an instant outside every session sits at the edge of the
    /// one before it.
    pub fn x(&self, t: DateTime<Utc>) -> f64 {
        self.sessions.iter().map(|(a, b, _)| (t.clamp(*a, *b) - *a).num_seconds() as f64).sum()
    }

    /// The pre- and post-market stretches, as `(from, to)` along the axis.
    pub fn extended(&self) -> Vec<(f64, f64)> {
        self.sessions
            .iter()
            .filter(|(_, _, st)| matches!(st, SessionState::Pre | SessionState::Post))
            .map(|(a, b, _)| (self.x(*a), self.x(*b)))
            .collect()
    }

    /// Where to mark the exchange's clock: each session's start, each whole hour inside a session,
    /// the day's last close. One instant per place (the afternoon's open, not the lunch's start).
    pub fn ticks(&self, tz: Tz) -> Vec<(f64, DateTime<Utc>)> {
        let mut out: Vec<(f64, DateTime<Utc>)> = Vec::new();
        let mut push = |x: f64, t: DateTime<Utc>| match out.last_mut() {
            Some(last) if (last.0 - x).abs() < 1.0 => *last = (x, t),
            _ => out.push((x, t)),
        };
        for (a, b, _) in &self.sessions {
            push(self.x(*a), *a);
            let local = a.with_timezone(&tz);
            let past = 3600 - i64::from(local.minute() * 60 + local.second());
            let mut t = *a + Duration::seconds(past);
            while t < *b {
                push(self.x(t), t);
                t += Duration::hours(1);
            }
        }
        if let Some((_, end, _)) = self.sessions.last() {
            push(self.x(*end), *end);
        }
        out
    }
}

/// Sparklines are refreshed at most this often; a chart in the detail view a little more often.
const SPARK_FRESH: i64 = 300;
const DETAIL_FRESH: i64 = 60;
/// The comparison asks for a series per member: as seldom as the sparklines.
const COMPARE_FRESH: i64 = SPARK_FRESH;
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
        columns(inner, Shown { extended: self.watch_has_extended(), held, paired: self.watch_has_pair() })
    }

    /// Some row in view is one line of a dual listing.
    pub fn watch_has_pair(&self) -> bool {
        let rows = self.watch_rows();
        rows.iter().skip(self.watch.offset).take(self.watch_page()).any(|s| self.config.pair_of(s).is_some())
    }

    pub fn shows_sparklines(&self) -> bool {
        let inner = self.layout().watch.width.saturating_sub(2) as usize;
        self.view_overlay().is_none() && self.watch_columns(inner).iter().any(|(c, _)| *c == Col::Trend)
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
        if let Some(c) = self.compare_view() {
            for sym in self.compare_wanted(c) {
                let key = (sym, c.range);
                if !self.is_fresh(&key, COMPARE_FRESH) {
                    out.push(key);
                }
            }
            return out;
        }
        if let Some(d) = self.detail() {
            let key = (d.symbol.clone(), d.range);
            if !self.is_fresh(&key, DETAIL_FRESH) {
                out.push(key);
            }
            // The move since a headline older than the day chart comes from five days of bars.
            let five = (d.symbol.clone(), ChartRange::D5);
            if self.wants_older_moves(d) && !self.is_fresh(&five, SPARK_FRESH) {
                out.push(five);
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

    /// On the 1D chart, some headline about the symbol is older than the day's first bar: its move
    /// since needs a longer series.
    fn wants_older_moves(&self, d: &Detail) -> bool {
        if d.range != ChartRange::D1 {
            return false;
        }
        let day = self.series.get(&(d.symbol.clone(), ChartRange::D1)).and_then(|e| e.series.as_ref());
        let Some((first, _)) = day.and_then(|s| s.points.first()) else { return false };
        self.detail_headlines(d).any(|h| h.published.is_some_and(|p| p < *first))
    }

    /// The 1D chart's clock axis: the sessions of the day its last bar belongs to. `None` for
    /// other ranges (drawn bar by bar) and when the exchange has no sessions that day.
    pub fn session_axis(&self, d: &Detail) -> Option<SessionAxis> {
        if d.range != ChartRange::D1 {
            return None;
        }
        let series = self.series.get(&(d.symbol.clone(), d.range))?.series.as_ref()?;
        let ex = exchange_for(d.symbol.as_str());
        let (last, _) = series.points.last()?;
        let day = last.with_timezone(&ex.tz).date_naive();
        let cal = &self.config.calendar;
        let within = |s: &Vec<(DateTime<Utc>, DateTime<Utc>, SessionState)>| {
            s.first().zip(s.last()).is_some_and(|(a, b)| a.0 <= *last && *last <= b.1)
        };
        // A session that opens the evening before its date (FX) holds the evening's bars.
        let sessions = ex.sessions_on(day, cal);
        let sessions = match day.succ_opt().map(|next| ex.sessions_on(next, cal)) {
            Some(next) if !within(&sessions) && within(&next) => next,
            _ => sessions,
        };
        (!sessions.is_empty()).then_some(SessionAxis { sessions })
    }

    /// The detail view's title: the symbol, and its name when there is one that says more than the
    /// symbol (a config name equal to the symbol gives way to the source's name, then an alias).
    pub fn detail_title(&self, symbol: &Symbol) -> String {
        let config = self.config.symbols.get(symbol);
        let quote = self.quotes.get(symbol).and_then(|e| e.quote.as_ref()).and_then(|q| q.name.as_deref());
        let name = config
            .and_then(|m| m.name.as_deref())
            .into_iter()
            .chain(quote)
            .chain(config.into_iter().flat_map(|m| m.aliases.iter().map(String::as_str)))
            .map(str::trim)
            .find(|n| !n.is_empty() && !n.eq_ignore_ascii_case(symbol.as_str()));
        match name {
            Some(n) => format!("{symbol} · {n}"),
            None => symbol.to_string(),
        }
    }

    pub fn open_detail(&mut self, symbol: Symbol) {
        self.open(super::Overlay::Detail(Detail { symbol, range: ChartRange::D1, headline: None }));
    }

    /// The move since `published` for `sym`, from a series already loaded: the finest range that
    /// reaches back to it. Nothing is fetched for it.
    pub fn move_since(&self, sym: &Symbol, published: Option<DateTime<Utc>>) -> Option<f64> {
        ChartRange::ALL.iter().find_map(|r| {
            let series = self.series.get(&(sym.clone(), *r))?.series.as_ref()?;
            since::move_since_pct(series, published)
        })
    }

    /// Where the picked headline is in the detail view's list, if it is still there.
    pub fn detail_picked(&self, d: &Detail) -> Option<usize> {
        let id = d.headline.as_ref()?;
        self.detail_headlines(d).position(|h| &h.id == id)
    }

    /// The chart's headline markers: the instant of each headline about the symbol that falls
    /// inside the chart (from its first bar to now), and whether it is the one picked in the list.
    pub fn detail_markers(&self, d: &Detail) -> Vec<(DateTime<Utc>, bool)> {
        let Some(series) = self.series.get(&(d.symbol.clone(), d.range)).and_then(|e| e.series.as_ref())
        else {
            return Vec::new();
        };
        let Some((first, _)) = series.points.first() else { return Vec::new() };
        let mut out: Vec<(DateTime<Utc>, bool)> = self
            .detail_headlines(d)
            .filter_map(|h| h.published.map(|t| (t, d.headline.as_ref() == Some(&h.id))))
            .filter(|(t, _)| first <= t && *t <= self.now)
            .collect();
        // The picked one drawn last, so a neighbour in the same cell cannot hide it.
        out.sort_by_key(|(_, picked)| *picked);
        out
    }
}
