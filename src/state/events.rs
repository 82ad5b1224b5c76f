//! Coming events on screen: the next earnings of a row, and how its badge shares the Note column
//! with the freshness note.

use crate::market::Symbol;
use crate::market::events::NextEarnings;
use crate::market::exchange::exchange_for;
use crate::market::limits::AtLimit;
use crate::state::State;
use crate::state::columns::Col;
use crate::state::stream::Freshness;

/// What the Note column of a row shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowNote {
    pub text: String,
    /// The freshness note is in the text (it decides the style).
    pub freshness: Option<Freshness>,
    /// The earnings badge is in the text.
    pub badge: bool,
    /// The row's price is at its limit, and the text says so (it decides the style).
    pub limit: Option<AtLimit>,
}

/// The freshness note and the earnings badge in `width` cells. Both when they fit ("rt E 3d").
/// Otherwise a note that doubts the price (an error, an old price, a stand-in source) wins, since
/// the row's figures depend on it; the badge wins over a routine one (live, rt, 15m), which the
/// detail view still spells out.
pub fn compose(note: Option<(String, bool)>, badge: Option<String>, width: usize) -> (String, bool, bool) {
    use crate::present::text::width as cells;
    match (note, badge) {
        (None, None) => (String::new(), false, false),
        (Some((n, _)), None) => (n, true, false),
        (None, Some(b)) => (b, false, true),
        (Some((n, doubts)), Some(b)) => {
            if cells(&n) + 1 + cells(&b) <= width {
                (format!("{n} {b}"), true, true)
            } else if doubts {
                (n, true, false)
            } else {
                (b, false, true)
            }
        }
    }
}

/// Widen the Note column to `need` cells out of the name's spare room (what it has beyond its
/// own width), so a badge sits beside the freshness note instead of taking its place; no other
/// column moves. Without spare room the priority of `compose` decides.
pub fn widen_note(cols: &mut [(Col, usize)], need: usize) {
    let note = cols.iter().position(|(c, _)| *c == Col::Note);
    let name = cols.iter().position(|(c, _)| *c == Col::Name);
    if let (Some(note), Some(name)) = (note, name) {
        let spare = cols[name].1.saturating_sub(Col::Name.width());
        let take = need.saturating_sub(cols[note].1).min(spare);
        cols[name].1 -= take;
        cols[note].1 += take;
    }
}

impl State {
    /// The watchlist's columns, the Note column widened for the badges of the rows in view.
    pub fn watch_columns_noted(&self, inner: usize) -> Vec<(Col, usize)> {
        let mut cols = self.watch_columns(inner);
        let need = self
            .watch_rows()
            .iter()
            .skip(self.watch.offset)
            .take(self.watch_page())
            .filter(|s| self.next_earnings(s).and_then(|e| e.badge()).is_some())
            .map(|s| crate::present::text::width(&self.row_note(s, usize::MAX).text))
            .max()
            .unwrap_or(0);
        widen_note(&mut cols, need);
        cols
    }

    /// The symbol's next earnings as of now, in its exchange's local dates.
    pub fn next_earnings(&self, sym: &Symbol) -> Option<NextEarnings> {
        let q = self.quotes.get(sym)?.quote.as_ref()?;
        q.events.next_earnings(exchange_for(sym.as_str()).tz, self.now)
    }

    /// The Note column of a row `width` cells wide: its freshness and its earnings badge.
    pub fn row_note(&self, sym: &Symbol, width: usize) -> RowNote {
        let fresh = self.freshness(sym);
        let stand_in = self.stand_in(sym);
        let limit = self.at_limit(sym);
        // At a limit, the word over a routine freshness note: it says the price cannot move on.
        let routine = matches!(fresh, Some(Freshness::Live | Freshness::RealTime | Freshness::Delayed(_)));
        if let (Some(l), true) = (limit, routine) {
            let (text, _, badge) = compose(Some((self.limit_mark(sym, l).to_string(), true)), None, width);
            return RowNote { text, freshness: None, badge, limit: Some(l) };
        }
        let note = fresh.map(|f| match (stand_in, f) {
            // A stand-in serving the row says so in one word before the freshness ("tc rt").
            (Some(src), Freshness::RealTime | Freshness::Live | Freshness::Delayed(_)) => {
                (format!("{} {}", src.short(), f.note(self.now)), true)
            }
            (_, Freshness::Error | Freshness::Old(_) | Freshness::Halted) => (f.note(self.now), true),
            _ => (f.note(self.now), false),
        });
        let badge = self.next_earnings(sym).and_then(|e| e.badge());
        let (text, with_note, badge) = compose(note, badge, width);
        RowNote { text, freshness: fresh.filter(|_| with_note), badge, limit: None }
    }

    /// The row's price against the day's limits.
    pub fn at_limit(&self, sym: &Symbol) -> Option<AtLimit> {
        crate::market::limits::at_limit(self.quotes.get(sym)?.quote.as_ref()?)
    }

    /// `LIMIT ▲`, or `涨停` where the row's name is written in Chinese.
    pub fn limit_mark(&self, sym: &Symbol, l: AtLimit) -> &'static str {
        l.mark(self.name_of(sym).is_some_and(crate::market::tags::has_cjk))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(note: Option<(&str, bool)>, badge: Option<&str>, w: usize) -> String {
        compose(note.map(|(n, d)| (n.to_string(), d)), badge.map(str::to_string), w).0
    }

    #[test]
    fn the_badge_shares_the_note_column_by_priority() {
        assert_eq!(c(Some(("rt", false)), Some("E 3d"), 7), "rt E 3d", "both fit");
        assert_eq!(c(Some(("15m", false)), Some("E~3d"), 7), "E~3d", "over a routine note");
        assert_eq!(c(Some(("error", true)), Some("E 3d"), 7), "error", "never over an error");
        assert_eq!(c(Some(("old 12m", true)), Some("E today"), 7), "old 12m", "nor over an old price");
        assert_eq!(c(Some(("tc rt", true)), Some("E 3d"), 7), "tc rt", "nor over a stand-in");
        assert_eq!(c(Some(("15m", false)), Some("E~3d"), 12), "15m E~3d", "a wider column has both");
        assert_eq!(c(None, Some("E 3d"), 7), "E 3d");
        assert_eq!(c(Some(("live", false)), None, 7), "live");
    }

    #[test]
    fn the_note_widens_out_of_the_names_spare_room_only() {
        let mut cols = vec![(Col::Symbol, 10), (Col::Name, 12), (Col::Note, 7), (Col::Volume, 7)];
        widen_note(&mut cols, 9);
        assert_eq!(cols, [(Col::Symbol, 10), (Col::Name, 10), (Col::Note, 9), (Col::Volume, 7)]);
        widen_note(&mut cols, 20);
        assert_eq!(cols[1..3], [(Col::Name, 8), (Col::Note, 11)], "never below the name's own width");
        let mut narrow = vec![(Col::Symbol, 10), (Col::Name, 8), (Col::Note, 7)];
        widen_note(&mut narrow, 9);
        assert_eq!(narrow[2], (Col::Note, 7));
    }

    use crate::config::{Alert, builtin};
    use crate::market::events::Events;
    use crate::market::{Quote, Symbol};
    use crate::msg::{DataKind, DataMsg, Effect, Msg, Outcome};
    use crate::state::update;
    use chrono::{DateTime, Duration, Utc};

    fn t0() -> DateTime<Utc> {
        "2026-11-24T15:00:00Z".parse().unwrap()
    }

    fn nvda() -> Symbol {
        Symbol::parse("NVDA").unwrap()
    }

    /// NVDA reporting at `at` (confirmed).
    fn reporting(at: &str) -> Quote {
        let t: DateTime<Utc> = at.parse().unwrap();
        let events = Events {
            earnings: Some(t),
            earnings_start: Some(t),
            earnings_end: Some(t),
            earnings_estimate: Some(false),
            ..Events::default()
        };
        Quote { symbol: nvda(), price: Some(180.0), events, ..Quote::default() }
    }

    fn quotes(s: &mut State, q: Quote, at: DateTime<Utc>) -> Outcome {
        let results = vec![(q.symbol.clone(), Ok(q))];
        let kind = DataKind::Quotes { note: None, source: "yahoo".into(), results };
        update(s, Msg::Data(DataMsg { generation: s.generation, at, kind }), at)
    }

    fn fired(out: &Outcome) -> Vec<String> {
        out.effects
            .iter()
            .filter_map(|e| if let Effect::AlertCommand(m) = e { Some(m.clone()) } else { None })
            .collect()
    }

    fn with_alerts(alerts: Vec<Alert>) -> State {
        let mut cfg = builtin();
        cfg.alerts = alerts;
        cfg.alerts_command = vec!["notify-send".into()];
        State::new(cfg, false, t0())
    }

    #[test]
    fn an_earnings_alert_fires_once_per_event() {
        let mut s = with_alerts(vec![Alert::Earnings { within_days: 1, symbols: vec![] }]);
        let q = reporting("2026-11-26T21:20:00Z");
        assert!(fired(&quotes(&mut s, q.clone(), t0())).is_empty(), "two days ahead: not yet");
        let day = Duration::days(1);
        let out = quotes(&mut s, q.clone(), t0() + day);
        assert_eq!(fired(&out), ["NVDA earnings 2026-11-26 (tomorrow)"]);
        assert!(out.effects.contains(&Effect::SaveCache), "the fired set is saved");
        assert!(s.notice.as_deref().unwrap().starts_with("alert: NVDA earnings 2026-11-26"));
        assert!(s.alerts.marked.contains(&nvda()), "the row is marked");
        assert_eq!(s.alerts.log.len(), 1);
        assert!(fired(&quotes(&mut s, q.clone(), t0() + day + Duration::hours(1))).is_empty(), "once");
        assert!(fired(&quotes(&mut s, q, t0() + day * 2)).is_empty(), "on the day: the same event");
        // The report moves a day: a new event.
        let moved = reporting("2026-11-27T21:20:00Z");
        assert_eq!(fired(&quotes(&mut s, moved, t0() + day * 2)), ["NVDA earnings 2026-11-27 (tomorrow)"]);
        // A config change keeps what fired.
        let cfg = (*s.config).clone();
        update(&mut s, Msg::Config(Box::new(Ok(cfg))), t0() + day * 2);
        let again = reporting("2026-11-27T21:20:00Z");
        assert!(fired(&quotes(&mut s, again, t0() + day * 2)).is_empty());
        assert_eq!(s.alerts.armed.len(), 2);
        // A month after the events, their marks are let go.
        quotes(&mut s, reporting("2027-02-26T21:20:00Z"), t0() + day * 40);
        assert!(s.alerts.armed.is_empty(), "{:?}", s.alerts.armed);
    }

    #[test]
    fn an_earnings_alert_on_other_symbols_or_with_no_dates_stays_quiet() {
        let amd = Symbol::parse("AMD").unwrap();
        let mut s = with_alerts(vec![Alert::Earnings { within_days: 3, symbols: vec![amd] }]);
        assert!(fired(&quotes(&mut s, reporting("2026-11-25T21:20:00Z"), t0())).is_empty());
        let mut s = with_alerts(vec![Alert::Earnings { within_days: 3, symbols: vec![] }]);
        let bare = Quote { symbol: nvda(), price: Some(1.0), ..Quote::default() };
        assert!(fired(&quotes(&mut s, bare, t0())).is_empty());
        assert_eq!(
            fired(&quotes(&mut s, reporting("2026-11-24T21:20:00Z"), t0())),
            ["NVDA earnings 2026-11-24 (today)"]
        );
    }

    #[test]
    fn a_source_without_dates_keeps_the_last_ones_known() {
        let mut s = with_alerts(vec![]);
        quotes(&mut s, reporting("2026-11-27T21:20:00Z"), t0());
        let stand_in = Quote { symbol: nvda(), price: Some(181.0), ..Quote::default() };
        quotes(&mut s, stand_in, t0());
        let q = s.quotes[&nvda()].quote.clone().unwrap();
        assert_eq!(q.price, Some(181.0), "the new price");
        assert_eq!(s.next_earnings(&nvda()).map(|e| e.days), Some(3), "the known date stays");
        quotes(&mut s, reporting("2026-12-01T21:20:00Z"), t0());
        assert_eq!(s.next_earnings(&nvda()).map(|e| e.days), Some(7), "new dates replace them");
    }

    /// The row's note: the badge beside the freshness, or over a routine note where it does not fit.
    #[test]
    fn a_row_shows_its_badge_in_the_note() {
        let mut s = with_alerts(vec![]);
        quotes(&mut s, reporting("2026-11-27T21:20:00Z"), t0());
        let wide = s.row_note(&nvda(), 12);
        assert_eq!((wide.text.as_str(), wide.badge), ("rt E 3d", true));
        assert_eq!(s.row_note(&nvda(), 7).text, "rt E 3d");
        let mut delayed = reporting("2026-11-27T21:20:00Z");
        delayed.delay_min = 15;
        quotes(&mut s, delayed, t0());
        assert_eq!(s.row_note(&nvda(), 7).text, "E 3d", "no room: the badge over a routine note");
        assert_eq!(s.row_note(&nvda(), 8).text, "15m E 3d");
        quotes(&mut s, reporting("2026-12-09T21:20:00Z"), t0());
        let far = s.row_note(&nvda(), 12);
        assert_eq!((far.text.as_str(), far.badge), ("rt", false), "more than a week away");
    }
}
