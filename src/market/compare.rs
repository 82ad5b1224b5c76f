//! A comparison: several lines (groups as baskets, single symbols, the holdings by value) on one
//! axis, each rebased to 0 % at the start of the range. The TUI's chart and `chiptape compare`
//! both come from here.

use chrono::{DateTime, NaiveDate, Offset, TimeZone, Utc};

use super::Symbol;
use std::sync::Arc;

use super::basket::{self, Axis, Line, Member, Track};
use super::exchange::exchange_for;
use super::series::{ChartRange, Series};

/// The holdings line's name: it is weighted by value, unlike the groups.
pub const HOLDINGS: &str = "Holdings (by value)";

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum LineKind {
    Group,
    Symbol,
    Holdings,
}

/// What one line is made of: its members and their weights (1 each for an equal-weighted basket).
#[derive(Debug, Clone, PartialEq)]
pub struct LineSpec {
    pub name: String,
    pub kind: LineKind,
    pub members: Vec<(Symbol, f64)>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct CompareLine {
    /// Its place among the specs asked for: its colour and glyph stay when the ranking changes.
    pub index: usize,
    pub name: String,
    pub kind: LineKind,
    pub members: usize,
    pub line: Line,
}

impl CompareLine {
    pub fn final_pct(&self) -> Option<f64> {
        self.line.final_pct()
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Comparison {
    pub range: ChartRange,
    pub axis: Axis,
    /// Best first; lines without data last, in the order asked.
    pub lines: Vec<CompareLine>,
}

impl LineSpec {
    /// A group as an equal-weighted basket, each symbol once.
    pub fn group(name: &str, symbols: &[Symbol]) -> LineSpec {
        let mut seen = std::collections::HashSet::new();
        let members = symbols.iter().filter(|s| seen.insert(*s)).map(|s| (s.clone(), 1.0)).collect();
        LineSpec { name: name.to_string(), kind: LineKind::Group, members }
    }
}

/// Every member of `specs` once, in the order of the lines: the series to fetch.
pub fn members(specs: &[LineSpec]) -> Vec<Symbol> {
    let mut seen = std::collections::HashSet::new();
    specs.iter().flat_map(|l| &l.members).filter(|(s, _)| seen.insert(s)).map(|(s, _)| s.clone()).collect()
}

/// The comparison of `specs` over `range`, from each member's track (`track_of` its series).
pub fn compare(
    specs: &[LineSpec],
    range: ChartRange,
    track: impl Fn(&Symbol) -> Option<Arc<Track>>,
) -> Comparison {
    let tracks: Vec<Vec<(Arc<Track>, f64)>> = specs
        .iter()
        .map(|spec| {
            spec.members
                .iter()
                .filter(|(_, w)| w.is_finite() && *w > 0.0)
                .filter_map(|(sym, w)| Some((track(sym)?, *w)))
                .collect()
        })
        .collect();
    let axis = Axis::of(tracks.iter().flatten().map(|(t, _)| &**t), !range.intraday());
    let mut lines: Vec<CompareLine> = specs
        .iter()
        .zip(&tracks)
        .enumerate()
        .map(|(index, (spec, t))| {
            let members: Vec<Member> = t.iter().map(|(t, w)| (&**t, *w)).collect();
            CompareLine {
                index,
                name: spec.name.clone(),
                kind: spec.kind,
                members: spec.members.len(),
                // A day is measured from the previous close, so a basket ends at its members' mean move.
                line: if range == ChartRange::D1 {
                    basket::from_previous_close(&members, &axis)
                } else {
                    basket::rebalanced(&members, &axis)
                },
            }
        })
        .collect();
    // Stable: equal figures and lines without data keep the order asked.
    lines.sort_by(|a, b| match (a.final_pct(), b.final_pct()) {
        (Some(x), Some(y)) => y.total_cmp(&x),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => std::cmp::Ordering::Equal,
    });
    Comparison { range, axis, lines }
}

/// `series` of `sym` as a track on a `range` axis: bars keyed by date in the symbol's exchange
/// for daily ranges, by instant for the others. `None` without a bar.
pub fn track_of(sym: &Symbol, series: &Series, range: ChartRange) -> Option<Track> {
    let (last, _) = series.points.last()?;
    // One offset per series: a daily bar is far from midnight, so a DST change inside the
    // range cannot move it to another date.
    let tz = exchange_for(sym.as_str()).tz;
    let offset_secs = i64::from(tz.offset_from_utc_datetime(&last.naive_utc()).fix().local_minus_utc());
    let t = Track::new(&series.points, offset_secs, !range.intraday());
    Some(Track { previous_close: series.previous_close, ..t })
}

/// Where a key of the axis is in time: a trading date for daily bars, an instant for the others.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum At {
    Date(NaiveDate),
    Time(DateTime<Utc>),
}

impl Axis {
    pub fn at(&self, i: usize) -> Option<At> {
        let k = *self.keys.get(i)?;
        if self.daily {
            NaiveDate::from_ymd_opt(1970, 1, 1)?.checked_add_signed(chrono::Duration::days(k)).map(At::Date)
        } else {
            Utc.timestamp_opt(k, 0).single().map(At::Time)
        }
    }
}

impl std::fmt::Display for At {
    /// Dates as `2026-03-02`, instants in RFC 3339: the JSON's and the CSV's form.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            At::Date(d) => write!(f, "{}", d.format("%Y-%m-%d")),
            At::Time(t) => f.write_str(&t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sym(s: &str) -> Symbol {
        Symbol::parse(s).unwrap()
    }

    fn daily(s: &str, hour: u32, prices: &[(u32, f64)]) -> Series {
        let points = prices
            .iter()
            .map(|(d, p)| (Utc.with_ymd_and_hms(2026, 3, *d, hour, 0, 0).unwrap(), *p))
            .collect();
        Series { symbol: sym(s), points, previous_close: None, currency: None }
    }

    #[test]
    fn lines_come_best_first_and_without_data_last() {
        let all =
            [daily("NVDA", 21, &[(2, 100.0), (3, 101.0)]), daily("0981.HK", 8, &[(2, 10.0), (3, 12.0)])];
        let find = |s: &Symbol| all.iter().find(|x| &x.symbol == s);
        let specs = vec![
            LineSpec { name: "US".into(), kind: LineKind::Group, members: vec![(sym("NVDA"), 1.0)] },
            LineSpec { name: "empty".into(), kind: LineKind::Group, members: vec![(sym("X"), 1.0)] },
            LineSpec { name: "China".into(), kind: LineKind::Group, members: vec![(sym("0981.HK"), 1.0)] },
        ];
        let c = compare(&specs, ChartRange::M6, |s| Some(Arc::new(track_of(s, find(s)?, ChartRange::M6)?)));
        let names: Vec<&str> = c.lines.iter().map(|l| l.name.as_str()).collect();
        assert_eq!(names, ["China", "US", "empty"]);
        assert_eq!(c.lines[2].final_pct(), None);
        assert_eq!(c.lines[2].members, 1);
        // Both markets' closes on the 2nd share one date on the axis.
        assert_eq!(c.axis.keys.len(), 2);
        assert_eq!(c.axis.at(0).map(|a| a.to_string()).as_deref(), Some("2026-03-02"));
    }

    #[test]
    fn a_day_is_measured_from_the_previous_close() {
        let t = Utc.with_ymd_and_hms(2026, 3, 2, 15, 0, 0).unwrap();
        let s = Series {
            symbol: sym("AMD"),
            points: vec![(t, 103.0)],
            previous_close: Some(100.0),
            currency: None,
        };
        let spec =
            [LineSpec { name: "AMD".into(), kind: LineKind::Symbol, members: vec![(sym("AMD"), 1.0)] }];
        let c = compare(&spec, ChartRange::D1, |x| Some(Arc::new(track_of(x, &s, ChartRange::D1)?)));
        assert_eq!(c.lines[0].final_pct().map(|v| (v * 1e6).round() / 1e6), Some(3.0));
        assert_eq!(c.axis.at(0).map(|a| a.to_string()).as_deref(), Some("2026-03-02T15:00:00Z"));
    }
}
