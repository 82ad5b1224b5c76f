//! Price series for charts and sparklines.

use std::fmt;

use chrono::{DateTime, Utc};

use super::Symbol;

/// The ranges the detail view offers, with Yahoo's interval for each.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
pub enum ChartRange {
    D1,
    D5,
    M1,
    M6,
    /// From the first trading day of the calendar year.
    Ytd,
    Y1,
    Y5,
}

impl ChartRange {
    pub const ALL: [ChartRange; 7] = [
        ChartRange::D1,
        ChartRange::D5,
        ChartRange::M1,
        ChartRange::M6,
        ChartRange::Ytd,
        ChartRange::Y1,
        ChartRange::Y5,
    ];

    pub fn label(self) -> &'static str {
        match self {
            ChartRange::D1 => "1D",
            ChartRange::D5 => "5D",
            ChartRange::M1 => "1M",
            ChartRange::M6 => "6M",
            ChartRange::Ytd => "YTD",
            ChartRange::Y1 => "1Y",
            ChartRange::Y5 => "5Y",
        }
    }

    /// Yahoo's `range` and `interval` parameters.
    pub fn yahoo(self) -> (&'static str, &'static str) {
        match self {
            ChartRange::D1 => ("1d", "5m"),
            ChartRange::D5 => ("5d", "15m"),
            ChartRange::M1 => ("1mo", "1h"),
            ChartRange::M6 => ("6mo", "1d"),
            ChartRange::Ytd => ("ytd", "1d"),
            ChartRange::Y1 => ("1y", "1d"),
            ChartRange::Y5 => ("5y", "1wk"),
        }
    }

    pub fn intraday(self) -> bool {
        matches!(self, ChartRange::D1 | ChartRange::D5 | ChartRange::M1)
    }

    pub fn index(self) -> usize {
        ChartRange::ALL.iter().position(|r| *r == self).unwrap_or(0)
    }

    pub fn next(self) -> ChartRange {
        ChartRange::ALL[(self.index() + 1).min(ChartRange::ALL.len() - 1)]
    }

    pub fn prev(self) -> ChartRange {
        ChartRange::ALL[self.index().saturating_sub(1)]
    }
}

impl fmt::Display for ChartRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// Prices over time, oldest first, without gaps for missing bars (they are simply absent).
#[derive(Debug, Clone, PartialEq, Default, serde::Serialize, serde::Deserialize)]
pub struct Series {
    pub symbol: Symbol,
    pub points: Vec<(DateTime<Utc>, f64)>,
    /// The close before the first point of the range (the reference line).
    pub previous_close: Option<f64>,
    pub currency: Option<String>,
}

impl Series {
    pub fn last(&self) -> Option<f64> {
        self.points.last().map(|p| p.1)
    }

    pub fn min_max(&self) -> Option<(f64, f64)> {
        let mut it = self.points.iter().map(|p| p.1);
        let first = it.next()?;
        Some(it.fold((first, first), |(lo, hi), v| (lo.min(v), hi.max(v))))
    }
}
