//! The simulated market's coming events: a few of its symbols report earnings on a short cycle, so
//! `--demo` always has a badge, a date in the detail view and a line in `chiptape events`.

use chrono::{DateTime, Duration, NaiveDate, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;

use crate::market::Symbol;
use crate::market::events::Events;

/// A symbol that reports on a cycle.
struct Cycle {
    symbol: &'static str,
    /// Days between reports, and where in the cycle day 0 (1970-01-01) falls.
    every: i64,
    offset: i64,
    estimate: bool,
    /// The report's local time, hours and minutes.
    at: (u32, u32),
}

const CYCLES: [Cycle; 3] = [
    Cycle { symbol: "NVDA", every: 9, offset: 2, estimate: false, at: (16, 20) },
    Cycle { symbol: "0981.HK", every: 11, offset: 5, estimate: true, at: (12, 0) },
    Cycle { symbol: "BABA", every: 13, offset: 0, estimate: false, at: (6, 30) },
];

/// The first date on or after `today` on the cycle: it counts down and then jumps a cycle ahead,
/// the same for every run on the same day.
fn next_on_cycle(today: NaiveDate, cycle: i64, offset: i64) -> NaiveDate {
    let day = today.signed_duration_since(NaiveDate::default()).num_days();
    let ahead = (cycle - (day + offset).rem_euclid(cycle)) % cycle;
    today + Duration::days(ahead)
}

pub fn events(sym: &Symbol, tz: Tz, now: DateTime<Utc>) -> Events {
    let Some(c) = CYCLES.iter().find(|c| c.symbol == sym.as_str()) else {
        return Events::default();
    };
    let (estimate, (h, m)) = (c.estimate, c.at);
    // As Yahoo does, the last report stays a day after it (after its window, for an estimate):
    // the quote changes at a local midnight a day later, never on the evening of the report.
    let window = if estimate { 2 } else { 0 };
    let today = now.with_timezone(&tz).date_naive();
    let date = next_on_cycle(today - Duration::days(window + 1), c.every, c.offset);
    let local = date.and_time(NaiveTime::from_hms_opt(h, m, 0).unwrap_or_default());
    let Some(at) = tz.from_local_datetime(&local).earliest().map(|t| t.with_timezone(&Utc)) else {
        return Events::default();
    };
    Events {
        earnings: Some(at),
        earnings_start: Some(at),
        // An estimate is a window of two days.
        earnings_end: Some(at + Duration::days(window)),
        earnings_estimate: Some(estimate),
        ex_dividend: (!estimate).then(|| date + Duration::days(14)),
        dividend: (!estimate).then(|| date + Duration::days(28)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn some_symbols_have_coming_earnings_within_a_cycle() {
        let now = DateTime::parse_from_rfc3339("2026-11-24T15:00:00Z").unwrap().with_timezone(&Utc);
        let nvda = Symbol::parse("NVDA").unwrap();
        let next = events(&nvda, chrono_tz::America::New_York, now)
            .next_earnings(chrono_tz::America::New_York, now)
            .unwrap();
        assert!((0..9).contains(&next.days), "{next:?}");
        // The day after the report, the quote still has it (and nothing is coming); then the next.
        let report = events(&nvda, chrono_tz::America::New_York, now).earnings.unwrap();
        let after = report + Duration::days(1);
        assert_eq!(events(&nvda, chrono_tz::America::New_York, after).earnings, Some(report));
        assert_eq!(
            events(&nvda, chrono_tz::America::New_York, after)
                .next_earnings(chrono_tz::America::New_York, after),
            None
        );
        let later = events(&nvda, chrono_tz::America::New_York, report + Duration::days(2)).earnings.unwrap();
        assert_eq!(later - report, Duration::days(9));
        assert!(!next.estimate);
        let smic = Symbol::parse("0981.HK").unwrap();
        assert!(
            events(&smic, chrono_tz::Asia::Hong_Kong, now)
                .next_earnings(chrono_tz::Asia::Hong_Kong, now)
                .unwrap()
                .estimate
        );
        assert!(events(&Symbol::parse("AMD").unwrap(), chrono_tz::America::New_York, now).is_empty());
        for day in 0..30 {
            let today = NaiveDate::from_ymd_opt(2026, 11, 1).unwrap() + Duration::days(day);
            let d = next_on_cycle(today, 9, 2);
            assert!(d >= today && (d - today).num_days() < 9);
        }
    }
}
