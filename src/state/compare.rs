//! The comparison chart (`c`) and the basket figures: which lines it draws (the groups as baskets
//! and the holdings, or the rows marked with `space`), the series it needs, each group's move today.

use std::sync::Arc;

use super::State;
use super::layout::{Area, tab_areas, tab_label};
use super::memo::CompareKey;
use crate::market::Symbol;
use crate::market::basket::{DayMove, day_move};
use crate::market::compare::{Comparison, HOLDINGS, LineKind, LineSpec, compare, members};
use crate::market::series::ChartRange;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Compare {
    pub range: ChartRange,
    /// The marked rows rather than the groups (only while some are marked).
    pub marked: bool,
}

/// A group's tab as drawn: ` 1 China AI chips `, its basket's move today after the name
/// (`+2.14% (11 of 12) `), and where it stands on the tab line.
#[derive(Debug, Clone, PartialEq)]
pub struct Tab {
    pub label: String,
    /// The figure's text and its sign.
    pub figure: Option<(String, f64)>,
    pub area: Area,
}

impl State {
    /// Today's move of group `i` as a basket: the mean of its members' change %.
    pub fn group_move(&self, i: usize) -> Option<DayMove> {
        let g = self.config.groups.get(i)?;
        day_move(g.symbols.iter().map(|s| self.quotes.get(s)?.quote.as_ref()?.change_pct))
    }

    /// The group tabs on `line`: with each basket's figure and how many members it counts when
    /// every tab fits so, else the figure alone, else the names alone; `None` when not even the
    /// names fit (then only the group in view is named).
    pub fn tabs(&self, line: Area) -> Option<Vec<Tab>> {
        let width = crate::present::text::width;
        let moves: Vec<Option<DayMove>> = (0..self.config.groups.len()).map(|i| self.group_move(i)).collect();
        let labels: Vec<String> =
            self.config.groups.iter().enumerate().map(|(i, g)| tab_label(i, &g.name)).collect();
        for detail in [2, 1, 0] {
            let figures: Vec<Option<(String, f64)>> = moves
                .iter()
                .map(|m| {
                    let m = m.as_ref().filter(|_| detail > 0)?;
                    let count = if detail == 2 && m.priced < m.members {
                        format!(" ({} of {})", m.priced, m.members)
                    } else {
                        String::new()
                    };
                    Some((format!("{}{count} ", crate::present::number::pct(m.pct)), m.pct))
                })
                .collect();
            let widths =
                labels.iter().zip(&figures).map(|(l, f)| width(l) + f.as_ref().map_or(0, |f| width(&f.0)));
            if let Some(areas) = tab_areas(widths, line) {
                let tabs = labels.iter().zip(figures).zip(areas);
                return Some(
                    tabs.map(|((label, figure), area)| Tab { label: label.clone(), figure, area }).collect(),
                );
            }
        }
        None
    }

    /// The held basket's move today, weighted by value in the base currency: the day's P&L over
    /// the value it started the day at.
    pub fn holdings_move(&self) -> Option<f64> {
        let t = self.portfolio()?.totals;
        let start = t.value - t.day_pnl;
        (start > 0.0 && t.missing_prices.len() + t.missing_rates.len() < self.config.positions.len())
            .then(|| t.day_pnl / start * 100.0)
    }

    /// The open comparison, when it is the view on top of the lists.
    pub fn compare_view(&self) -> Option<&Compare> {
        match self.view_overlay()? {
            super::Overlay::Compare(c) => Some(c),
            _ => None,
        }
    }

    pub(super) fn compare_mut(&mut self) -> Option<&mut Compare> {
        self.overlays.iter_mut().rev().find_map(|o| match o {
            super::Overlay::Compare(c) => Some(c),
            _ => None,
        })
    }

    /// `c`: the marked rows when there are some, else the groups; the range of an open detail view.
    pub fn open_compare(&mut self) {
        let range = self.detail().map_or(ChartRange::D1, |d| d.range);
        let marked = !self.compare_marks.is_empty();
        self.open(super::Overlay::Compare(Compare { range, marked }));
    }

    /// `space` on a watchlist row: marked for the comparison, or unmarked; the status bar says
    /// how many are marked and what `c` will draw.
    pub fn mark_selected(&mut self) {
        let sym = match self.selected_symbol() {
            Some(sym) if self.focus == super::Focus::Watchlist => sym,
            _ => {
                self.notice = Some("space marks a watchlist row for the comparison".into());
                return;
            }
        };
        let on = !self.compare_marks.remove(&sym);
        if on {
            self.compare_marks.insert(sym.clone());
        }
        let n = self.compare_marks.len();
        self.notice = Some(
            match (on, n) {
                (true, _) => format!("{sym} marked ({n}): c compares the marked rows"),
                (false, 0) => format!("{sym} unmarked: c compares the groups"),
                (false, _) => format!("{sym} unmarked ({n} marked)"),
            }
            .into(),
        );
    }

    /// The marked symbols in watchlist order (every group, each once).
    pub fn marked_symbols(&self) -> Vec<Symbol> {
        self.config.all_symbols().into_iter().filter(|s| self.compare_marks.contains(s)).collect()
    }

    /// The lines of `c`: one per marked symbol, or one per group (each an equal-weighted basket) and
    /// the holdings weighted by value.
    pub fn compare_specs(&self, c: &Compare) -> Vec<LineSpec> {
        if c.marked && !self.compare_marks.is_empty() {
            return self
                .marked_symbols()
                .into_iter()
                .map(|s| LineSpec { name: s.to_string(), kind: LineKind::Symbol, members: vec![(s, 1.0)] })
                .collect();
        }
        let mut specs: Vec<LineSpec> =
            self.config.groups.iter().map(|g| LineSpec::group(&g.name, &g.symbols)).collect();
        if let Some(v) = self.portfolio() {
            // Longs by their value in the base currency; a short has no place in a basket's mean.
            let members = v
                .holdings
                .iter()
                .map(|(s, h)| (s.clone(), h.value_base.filter(|v| *v > 0.0).unwrap_or(0.0)))
                .collect();
            specs.push(LineSpec { name: HOLDINGS.into(), kind: LineKind::Holdings, members });
        }
        specs
    }

    /// The comparison `c` draws, kept until what it is made from changes.
    pub fn comparison(&self, c: &Compare) -> Arc<Comparison> {
        let holdings = !c.marked && !self.config.positions.is_empty();
        let key = CompareKey {
            range: c.range,
            marked: c.marked.then(|| self.marked_symbols()),
            config: self.config.version(),
            series: self.series.version(),
            quotes: if holdings { self.quotes.version() } else { 0 },
        };
        self.rows.comparison(key, || {
            let specs = self.compare_specs(c);
            self.rows.keep_tracks(|k| self.series.contains_key(k));
            compare(&specs, c.range, |s| {
                let key = (s.clone(), c.range);
                let e = self.series.get(&key)?;
                self.rows.track(&key, e.fetched, e.series.as_ref()?)
            })
        })
    }

    /// The series the comparison needs, each member once, in the order of the lines.
    pub(super) fn compare_wanted(&self, c: &Compare) -> Vec<Symbol> {
        members(&self.compare_specs(c))
    }

    /// Members whose series has not come yet (asked, or about to be): the title says so.
    pub fn compare_pending(&self, c: &Compare) -> usize {
        self.compare_wanted(c)
            .into_iter()
            .filter(|s| !self.series.contains_key(&(s.clone(), c.range)))
            .count()
    }
}
