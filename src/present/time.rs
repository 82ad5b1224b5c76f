//! Texts that depend on the time, shared by the view and by the tick that decides whether to redraw.

use chrono::{DateTime, FixedOffset, Offset, TimeZone, Utc};

use crate::market::exchange::Exchange;

/// "14:05" in the exchange's own zone.
pub fn clock(ex: &Exchange, now: DateTime<Utc>) -> String {
    now.with_timezone(&ex.tz).format("%H:%M").to_string()
}

/// The reader's own zone, for the times of their session (when an alert fired). The app reads
/// the system's; tests fix one, so what they draw does not depend on the machine.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum LocalZone {
    System,
    Fixed(FixedOffset),
}

impl LocalZone {
    pub const UTC: LocalZone = LocalZone::Fixed(FixedOffset::east_opt(0).expect("zero is an offset"));

    /// The offset in force at `at` (the system's changes with daylight saving).
    pub fn offset(self, at: DateTime<Utc>) -> FixedOffset {
        match self {
            LocalZone::System => chrono::Local.offset_from_utc_datetime(&at.naive_utc()).fix(),
            LocalZone::Fixed(o) => o,
        }
    }
}

/// `then` on the reader's wall clock: "14:05" on the day of `now`, "Nov 23 14:05" on another.
pub fn stamp(then: DateTime<Utc>, now: DateTime<Utc>, zone: LocalZone) -> String {
    let t = then.with_timezone(&zone.offset(then));
    let n = now.with_timezone(&zone.offset(now));
    if t.date_naive() == n.date_naive() {
        t.format("%H:%M").to_string()
    } else {
        t.format("%b %d %H:%M").to_string()
    }
}

/// A compact age: "now", "40s" (in tens of seconds, so it does not redraw every second), "5m", "3h", "2d".
pub fn age(then: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let s = (now - then).num_seconds();
    match s {
        i64::MIN..=9 => "now".to_string(),
        10..=59 => format!("{}s", s / 10 * 10),
        60..=3599 => format!("{}m", s / 60),
        3600..=86_399 => format!("{}h", s / 3600),
        _ => format!("{}d", s / 86_400),
    }
}

/// Milliseconds until `age(then, now)` next reads differently.
pub fn age_changes_in(then: DateTime<Utc>, now: DateTime<Utc>) -> i64 {
    let ms = (now - then).num_milliseconds();
    // Dates ahead read "now" until they are ten seconds old.
    if ms < 0 {
        return 10_000 - ms;
    }
    let step = match ms {
        0..60_000 => 10_000,
        60_000..3_600_000 => 60_000,
        3_600_000..86_400_000 => 3_600_000,
        _ => 86_400_000,
    };
    step - ms % step
}

/// "in 30s", "in 4m".
pub fn until(at: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let s = (at - now).num_seconds().max(0);
    if s < 60 { format!("{s}s") } else { format!("{}m{:02}s", s / 60, s % 60) }
}

/// Minutes of a local day as "HH:MM".
pub fn hhmm(minute: u32) -> String {
    format!("{:02}:{:02}", minute / 60, minute % 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stamps_are_the_wall_clock_with_the_day_when_not_today() {
        let now: DateTime<Utc> = "2026-11-24T15:00:00Z".parse().unwrap();
        let shanghai = LocalZone::Fixed(FixedOffset::east_opt(8 * 3600).unwrap());
        assert_eq!(stamp("2026-11-24T14:05:00Z".parse().unwrap(), now, LocalZone::UTC), "14:05");
        assert_eq!(stamp("2026-11-23T23:59:00Z".parse().unwrap(), now, LocalZone::UTC), "Nov 23 23:59");
        // 23:59 UTC on the 23rd is 07:59 on the 24th in Shanghai: today there.
        assert_eq!(stamp("2026-11-23T23:59:00Z".parse().unwrap(), now, shanghai), "07:59");
    }

    #[test]
    fn ages() {
        let t: DateTime<Utc> = "2026-01-01T00:00:00Z".parse().unwrap();
        let a = |s: i64| age(t, t + chrono::Duration::seconds(s));
        assert_eq!(a(3), "now");
        assert_eq!(a(42), "40s");
        assert_eq!(a(300), "5m");
        assert_eq!(a(3 * 3600 + 5), "3h");
        assert_eq!(a(2 * 86400 + 1), "2d");
        assert_eq!(a(-30), "now", "a future date is not negative");
        assert_eq!(until(t + chrono::Duration::seconds(95), t), "1m35s");
    }

    #[test]
    fn an_age_changes_exactly_when_its_text_does() {
        let t: DateTime<Utc> = "2026-01-01T00:00:00Z".parse().unwrap();
        for ms in [
            -30_000, -1, 0, 1, 9_999, 10_000, 59_999, 60_000, 90_500, 3_599_999, 3_600_000, 86_399_999,
            90_000_000,
        ] {
            let now = t + chrono::Duration::milliseconds(ms);
            let d = age_changes_in(t, now);
            assert!(d > 0, "{ms}");
            let at = |off: i64| age(t, now + chrono::Duration::milliseconds(off));
            assert_eq!(at(0), at(d - 1), "{ms}: no change before");
            assert_ne!(at(0), at(d), "{ms}: a change at {d}");
        }
    }
}
