//! What the price did after a headline: the figure the chart's markers, the headline lists and
//! `news --format json` show beside each headline.

use chrono::{DateTime, Utc};

use super::series::Series;

/// The index of the last bar at or before `t`; `None` when `t` is before the first bar (the
/// series does not reach back to it).
pub fn bar_at_or_before(points: &[(DateTime<Utc>, f64)], t: DateTime<Utc>) -> Option<usize> {
    // Bars are in time order: the first bar after `t` is where the search stops.
    points.partition_point(|(at, _)| *at <= t).checked_sub(1)
}

/// The move in percent from the last price at or before `published` to the series' last price.
/// `None` without a time, before the series' first bar, or from a price of zero.
pub fn move_since_pct(series: &Series, published: Option<DateTime<Utc>>) -> Option<f64> {
    let i = bar_at_or_before(&series.points, published?)?;
    let then = series.points[i].1;
    let now = series.points.last()?.1;
    (then != 0.0).then(|| (now - then) / then * 100.0)
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;
    use crate::market::Symbol;

    fn t(h: u32, m: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 24, h, m, 0).unwrap()
    }

    /// Bars at 14:30 (100), 15:00 (110), 15:30 (120): the last price is 120.
    fn series() -> Series {
        Series {
            symbol: Symbol::parse("NVDA").unwrap(),
            points: vec![(t(14, 30), 100.0), (t(15, 0), 110.0), (t(15, 30), 120.0)],
            previous_close: Some(95.0),
            currency: None,
        }
    }

    #[test]
    fn since_between_two_bars_takes_the_earlier() {
        // 14:45 falls between 14:30 (100) and 15:00: 100 → 120 is +20 %.
        let m = move_since_pct(&series(), Some(t(14, 45))).unwrap();
        assert!((m - 20.0).abs() < 1e-9, "{m}");
    }

    #[test]
    fn since_exactly_on_a_bar_takes_that_bar() {
        // 15:00 is the 110 bar: 110 → 120 is +9.0909… %.
        let m = move_since_pct(&series(), Some(t(15, 0))).unwrap();
        assert!((m - 100.0 / 11.0).abs() < 1e-9, "{m}");
    }

    #[test]
    fn since_before_the_first_bar_is_not_covered() {
        assert_eq!(move_since_pct(&series(), Some(t(14, 29))), None);
        assert_eq!(bar_at_or_before(&series().points, t(14, 29)), None);
    }

    #[test]
    fn since_after_the_last_bar_is_no_move_yet() {
        assert_eq!(move_since_pct(&series(), Some(t(16, 0))), Some(0.0));
        assert_eq!(bar_at_or_before(&series().points, t(16, 0)), Some(2));
    }

    #[test]
    fn since_without_a_time_is_not_covered() {
        assert_eq!(move_since_pct(&series(), None), None);
    }

    #[test]
    fn since_an_empty_series_is_not_covered() {
        let empty = Series { points: vec![], ..series() };
        assert_eq!(move_since_pct(&empty, Some(t(15, 0))), None);
    }
}
