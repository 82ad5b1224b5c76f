//! Baskets and comparison lines: a group's move as the mean of its members', and several price
//! series rebased to 0 % at the start of a range on one shared axis.
//!
//! Series of different markets are aligned by what a bar *is*, never by its position: a daily bar
//! by its trading date in its own exchange, an intraday bar by its instant. A Hong Kong holiday is a
//! date the Hong Kong members have no bar on; the US line carries on over it unmoved.

use chrono::{DateTime, Utc};

/// Today's move of a basket: the mean of its members' change %, members without one left out and
/// counted.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DayMove {
    pub pct: f64,
    pub priced: usize,
    pub members: usize,
}

/// The equal-weighted mean of the change % known; `None` when no member has one.
pub fn day_move(changes: impl IntoIterator<Item = Option<f64>>) -> Option<DayMove> {
    let (mut sum, mut priced, mut members) = (0.0, 0, 0);
    for c in changes {
        members += 1;
        if let Some(c) = c.filter(|c| c.is_finite()) {
            sum += c;
            priced += 1;
        }
    }
    (priced > 0).then(|| DayMove { pct: sum / priced as f64, priced, members })
}

/// One member's prices for a line, each bar with its key on the axis: worked out once per series
/// (a timestamp's arithmetic is most of the cost at five years of 160 members).
#[derive(Debug, Clone, PartialEq)]
pub struct Track {
    pub bars: Vec<(i64, f64)>,
    /// The close before the range: the 1D reference.
    pub previous_close: Option<f64>,
}

/// A line's member: its track and its weight (1 for an equal-weighted basket).
pub type Member<'a> = (&'a Track, f64);

impl Track {
    /// `offset_secs`: the member's exchange's offset from UTC, so a daily bar's date is local.
    /// Prices that are not positive numbers are left out (a gap, not a zero).
    pub fn new(points: &[(DateTime<Utc>, f64)], offset_secs: i64, daily: bool) -> Track {
        let bars = points
            .iter()
            .filter(|(_, p)| p.is_finite() && *p > 0.0)
            .map(|(t, p)| {
                let s = t.timestamp();
                (if daily { (s + offset_secs).div_euclid(86_400) } else { s }, *p)
            })
            .collect();
        Track { bars, previous_close: None }
    }
}

/// The shared horizontal axis: every bar key any track has, in order. A key is a day number (days
/// since 1970 in the bar's own exchange) for daily bars, else seconds since 1970.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Axis {
    pub keys: Vec<i64>,
    pub daily: bool,
    /// For a daily axis, each day's place on it from the first key on (`u32::MAX`: not on it): a
    /// bar finds its place without a search (5 years are under 2,000 days).
    places: Vec<u32>,
}

/// Days a dense table may span: far more than any range asks (5 years are 1,826).
const DENSE_DAYS: i64 = 8_192;

impl Axis {
    pub fn of<'a>(tracks: impl IntoIterator<Item = &'a Track> + Clone, daily: bool) -> Axis {
        let bounds = tracks.clone().into_iter().filter_map(|t| Some((t.bars.first()?.0, t.bars.last()?.0)));
        let (lo, hi) = bounds.fold((i64::MAX, i64::MIN), |(lo, hi), (a, b)| (lo.min(a), hi.max(b)));
        if daily && lo <= hi && hi - lo < DENSE_DAYS {
            // Days: mark each one any track has, then read them off in order.
            let mut places = vec![u32::MAX; (hi - lo + 1) as usize];
            for t in tracks {
                for (k, _) in &t.bars {
                    places[(k - lo) as usize] = 0;
                }
            }
            let mut keys = Vec::new();
            for (i, p) in places.iter_mut().enumerate() {
                if *p == 0 {
                    *p = keys.len() as u32;
                    keys.push(lo + i as i64);
                }
            }
            return Axis { keys, daily, places };
        }
        Axis { keys: merged(tracks), daily, places: Vec::new() }
    }

    fn index(&self, key: i64) -> Option<usize> {
        match (self.places.is_empty(), self.keys.first()) {
            (false, Some(first)) => {
                let p = *self.places.get(usize::try_from(key - first).ok()?)?;
                (p != u32::MAX).then_some(p as usize)
            }
            _ => self.keys.binary_search(&key).ok(),
        }
    }
}

/// The union of the tracks' keys, in order: each track is in order, so merging keeps the union
/// sorted without sorting it.
fn merged<'a>(tracks: impl IntoIterator<Item = &'a Track>) -> Vec<i64> {
    let mut keys: Vec<i64> = Vec::new();
    let mut merged = Vec::new();
    for t in tracks {
        merged.clear();
        let (mut a, mut b) = (keys.iter().copied().peekable(), t.bars.iter().map(|(k, _)| *k).peekable());
        loop {
            let next = match (a.peek(), b.peek()) {
                (Some(x), Some(y)) if x < y => a.next(),
                (Some(x), Some(y)) if x > y => b.next(),
                (Some(_), Some(_)) => {
                    b.next();
                    a.next()
                }
                (Some(_), None) => a.next(),
                (None, Some(_)) => b.next(),
                (None, None) => break,
            };
            if let Some(k) = next
                && merged.last() != Some(&k)
            {
                merged.push(k);
            }
        }
        std::mem::swap(&mut keys, &mut merged);
    }
    keys
}

/// A line on the axis: its value in % at each key from `start` to `end` (inclusive), `NaN` outside.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    pub values: Vec<f64>,
    pub start: Option<usize>,
    pub end: Option<usize>,
    /// Members with at least one bar in the range.
    pub priced: usize,
}

impl Line {
    /// The value at the line's last own key.
    pub fn final_pct(&self) -> Option<f64> {
        self.end.map(|e| self.values[e]).filter(|v| v.is_finite())
    }

    fn empty(len: usize) -> Line {
        Line { values: vec![f64::NAN; len], start: None, end: None, priced: 0 }
    }

    fn span(&mut self, first: usize, last: usize) {
        self.start = Some(self.start.map_or(first, |s| s.min(first)));
        self.end = Some(self.end.map_or(last, |e| e.max(last)));
    }
}

/// A basket rebalanced at every bar: at each key, the weighted mean of the returns of the members
/// that have a bar there (each from its own previous bar), compounded from 0 % at the line's
/// first key. A member listed mid-range joins at its first bar; one without a bar on a date (a
/// holiday, a missing price) sits that step out and its next return spans the gap. One member
/// alone is its own price rebased.
pub fn rebalanced(members: &[Member], axis: &Axis) -> Line {
    let n = axis.keys.len();
    let mut line = Line::empty(n);
    let mut sum = vec![0.0; n];
    let mut weight = vec![0.0; n];
    for &(t, w) in members {
        // The close before the bar in hand, and that bar's return as counted so far.
        let mut base: Option<f64> = None;
        let mut counted: Option<f64> = None;
        let mut prev: Option<f64> = None;
        let mut first = None;
        let mut last = 0;
        for &(k, p) in &t.bars {
            let Some(cursor) = axis.index(k) else { continue };
            if first.is_some() && cursor == last {
                // A second bar on the same day (a source's live bar beside the close): it
                // replaces the first, measured from the same close.
                if let Some(r) = counted.take() {
                    sum[cursor] -= w * r;
                    weight[cursor] -= w;
                }
            } else {
                base = prev;
            }
            if let Some(b) = base {
                let r = p / b - 1.0;
                sum[cursor] += w * r;
                weight[cursor] += w;
                counted = Some(r);
            }
            first.get_or_insert(cursor);
            last = cursor;
            prev = Some(p);
        }
        if let Some(first) = first {
            line.priced += 1;
            line.span(first, last);
        }
    }
    if let (Some(start), Some(end)) = (line.start, line.end) {
        let mut level = 1.0;
        for i in start..=end {
            if weight[i] > 0.0 {
                level *= 1.0 + sum[i] / weight[i];
            }
            line.values[i] = (level - 1.0) * 100.0;
        }
    }
    line
}

/// A day's line against the previous close: at each key, the weighted mean of every member's
/// change since its previous close as of its latest bar (a member yet to trade counts as
/// unchanged). Its last value is then the mean of the members' change %.
pub fn from_previous_close(members: &[Member], axis: &Axis) -> Line {
    let n = axis.keys.len();
    let mut line = Line::empty(n);
    let mut sum = vec![0.0; n];
    let mut total = 0.0;
    for &(t, w) in members {
        let keyed: Vec<(usize, f64)> =
            t.bars.iter().filter_map(|&(k, p)| Some((axis.index(k)?, p))).collect();
        let Some(&(first, p0)) = keyed.first() else { continue };
        let reference = t.previous_close.filter(|p| p.is_finite() && *p > 0.0).unwrap_or(p0);
        total += w;
        line.priced += 1;
        line.span(first, keyed.last().map_or(first, |k| k.0));
        let mut at = keyed.iter().peekable();
        let mut pct = 0.0;
        for (i, s) in sum.iter_mut().enumerate() {
            while let Some((_, p)) = at.next_if(|(j, _)| *j <= i) {
                pct = (p / reference - 1.0) * 100.0;
            }
            *s += w * pct;
        }
    }
    if let (Some(start), Some(end)) = (line.start, line.end)
        && total > 0.0
    {
        for (v, s) in line.values[start..=end].iter_mut().zip(&sum[start..=end]) {
            *v = s / total;
        }
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{NaiveDate, TimeZone};

    fn close(y: i32, m: u32, d: u32, hour_utc: u32) -> DateTime<Utc> {
        Utc.from_utc_datetime(&NaiveDate::from_ymd_opt(y, m, d).unwrap().and_hms_opt(hour_utc, 0, 0).unwrap())
    }

    /// Daily closes: New York at 21:00 UTC, Hong Kong at 08:00 UTC.
    fn days(hour: u32, prices: &[(u32, f64)]) -> Vec<(DateTime<Utc>, f64)> {
        prices.iter().map(|(d, p)| (close(2026, 3, *d, hour), *p)).collect()
    }

    /// Every track at weight 1.
    fn eq(tracks: &[Track]) -> Vec<Member<'_>> {
        tracks.iter().map(|t| (t, 1.0)).collect()
    }

    /// Daily bars in an exchange `offset_hours` from UTC.
    fn track(points: &[(DateTime<Utc>, f64)], offset_hours: i64) -> Track {
        Track::new(points, offset_hours * 3600, true)
    }

    fn round(v: f64) -> f64 {
        (v * 1e6).round() / 1e6
    }

    #[test]
    fn the_day_move_is_the_mean_of_the_changes_known() {
        let m = day_move([Some(2.0), None, Some(-1.0), Some(5.0)]).unwrap();
        assert_eq!((round(m.pct), m.priced, m.members), (2.0, 3, 4));
        assert_eq!(day_move([None, None]), None);
        assert_eq!(day_move([Some(f64::NAN), Some(1.0)]).map(|m| (m.pct, m.priced)), Some((1.0, 1)));
    }

    #[test]
    fn one_member_is_its_price_rebased() {
        let a = days(21, &[(2, 100.0), (3, 110.0), (4, 99.0)]);
        let t = [track(&a, -5)];
        let axis = Axis::of(&t, true);
        let line = rebalanced(&eq(&t), &axis);
        let v: Vec<f64> = line.values.iter().map(|v| round(*v)).collect();
        assert_eq!(v, vec![0.0, 10.0, -1.0]);
        assert_eq!(line.final_pct().map(round), Some(-1.0));
    }

    #[test]
    fn a_basket_rebalances_every_day_to_equal_weights() {
        // A: +10 % then +0 %; B: -10 % then +20 %. Day 1 mean 0 %, day 2 mean +10 %.
        let a = days(21, &[(2, 100.0), (3, 110.0), (4, 110.0)]);
        let b = days(21, &[(2, 50.0), (3, 45.0), (4, 54.0)]);
        let t = [track(&a, -5), track(&b, -5)];
        let axis = Axis::of(&t, true);
        let line = rebalanced(&eq(&t), &axis);
        assert_eq!(line.values.iter().map(|v| round(*v)).collect::<Vec<_>>(), vec![0.0, 0.0, 10.0]);
        assert_eq!(line.priced, 2);
    }

    #[test]
    fn a_holiday_in_one_market_shifts_no_other_line() {
        // Hong Kong is shut on the 3rd (a holiday); New York trades all three days.
        let us = days(21, &[(2, 100.0), (3, 102.0), (4, 104.04)]);
        let hk = days(8, &[(2, 10.0), (4, 11.0)]);
        let (tu, th) = ([track(&us, -5)], [track(&hk, 8)]);
        let axis = Axis::of(tu.iter().chain(th.iter()), true);
        assert_eq!(axis.keys.len(), 3, "dates, not bar positions: {:?}", axis.keys);
        let us_line = rebalanced(&eq(&tu), &axis);
        let hk_line = rebalanced(&eq(&th), &axis);
        assert_eq!(us_line.values.iter().map(|v| round(*v)).collect::<Vec<_>>(), vec![0.0, 2.0, 4.04]);
        // The holiday holds the line where it was; the next bar's return spans it.
        assert_eq!(hk_line.values.iter().map(|v| round(*v)).collect::<Vec<_>>(), vec![0.0, 0.0, 10.0]);
        // By bar index the Hong Kong line would have reached +10 % on the 3rd.
    }

    #[test]
    fn a_bar_is_dated_in_its_own_exchange() {
        // Sydney closes at 16:00 local: 05:00 UTC the same day in winter, but its 10:00 open is
        // 23:00 UTC the day before. A daily bar stamped at the open belongs to the local date.
        let syd = vec![(close(2026, 3, 1, 23), 10.0), (close(2026, 3, 2, 23), 11.0)];
        let us = days(21, &[(2, 100.0), (3, 101.0)]);
        let t = [track(&syd, 11), track(&us, -5)];
        let axis = Axis::of(&t, true);
        assert_eq!(axis.keys.len(), 2, "{:?}", axis.keys);
    }

    #[test]
    fn a_member_listed_mid_range_joins_at_its_first_bar() {
        let a = days(21, &[(2, 100.0), (3, 101.0), (4, 102.01)]);
        // B lists on the 3rd and doubles the day after.
        let b = days(21, &[(3, 20.0), (4, 40.0)]);
        let t = [track(&a, -5), track(&b, -5)];
        let axis = Axis::of(&t, true);
        let line = rebalanced(&eq(&t), &axis);
        // Day 3: A alone +1 %; day 4: mean of +1 % and +100 % = +50.5 %.
        let v: Vec<f64> = line.values.iter().map(|v| round(*v)).collect();
        assert_eq!(v, vec![0.0, 1.0, round((1.01 * 1.505 - 1.0) * 100.0)]);
    }

    #[test]
    fn a_missing_price_is_a_gap_not_a_zero() {
        let a = vec![
            (close(2026, 3, 2, 21), 100.0),
            (close(2026, 3, 3, 21), f64::NAN),
            (close(2026, 3, 4, 21), 0.0),
        ];
        let b = days(21, &[(2, 10.0), (3, 11.0), (4, 12.1)]);
        let t = [track(&a, -5), track(&b, -5)];
        let axis = Axis::of(&t, true);
        let line = rebalanced(&eq(&t), &axis);
        // A has one good bar only: it is priced, but B alone moves the line.
        assert_eq!(line.values.iter().map(|v| round(*v)).collect::<Vec<_>>(), vec![0.0, 10.0, 21.0]);
        let none: [Track; 0] = [];
        let empty = rebalanced(&eq(&none), &Axis::of(&none, true));
        assert_eq!((empty.final_pct(), empty.priced), (None, 0));
    }

    #[test]
    fn a_day_line_ends_at_the_mean_change_since_the_previous_close() {
        let t0 = close(2026, 3, 2, 14);
        let at = |m: i64| t0 + chrono::Duration::minutes(m);
        let a = vec![(at(0), 101.0), (at(5), 102.0), (at(10), 103.0)];
        // B trades later (another market): unchanged until its first bar.
        let b = vec![(at(10), 9.0)];
        let ta = Track { previous_close: Some(100.0), ..Track::new(&a, 0, false) };
        let tb = Track { previous_close: Some(10.0), ..Track::new(&b, 0, false) };
        let t = [ta, tb];
        let axis = Axis::of(&t, false);
        let line = from_previous_close(&eq(&t), &axis);
        let v: Vec<f64> = line.values.iter().map(|v| round(*v)).collect();
        assert_eq!(v, vec![0.5, 1.0, -3.5]);
        assert_eq!(line.final_pct().map(round), Some(round((3.0 - 10.0) / 2.0)));
    }

    #[test]
    fn a_second_bar_on_a_day_replaces_the_first() {
        let a = vec![
            (close(2026, 3, 2, 21), 100.0),
            (close(2026, 3, 3, 15), 101.0),
            (close(2026, 3, 3, 20), 105.0),
        ];
        let t = [track(&a, -5)];
        let axis = Axis::of(&t, true);
        assert_eq!(axis.keys.len(), 2);
        assert_eq!(
            rebalanced(&eq(&t), &axis).values.iter().map(|v| round(*v)).collect::<Vec<_>>(),
            vec![0.0, 5.0]
        );
    }

    #[test]
    fn weights_tilt_the_mean() {
        let a = days(21, &[(2, 100.0), (3, 110.0)]);
        let b = days(21, &[(2, 100.0), (3, 90.0)]);
        let t = [track(&a, -5), track(&b, -5)];
        let axis = Axis::of(&t, true);
        assert_eq!(rebalanced(&[(&t[0], 3.0), (&t[1], 1.0)], &axis).final_pct().map(round), Some(5.0));
    }
}
