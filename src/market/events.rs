//! What is coming next for a listing: its next earnings (a confirmed time or an estimated window)
//! and its dividend dates, as the quote source reports them beside the price. Pure: the state, the
//! view and the command line call these.

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use super::rfc3339_or_null;

/// Earnings this many days away or nearer put a badge on the row.
pub const BADGE_DAYS: i64 = 7;

/// The event fields of a quote. Every field is unknown (`None`) where the source has none (Tencent,
/// the chart fallback). Its JSON is the `events` object of `quotes --format json`; a cache written
/// before it existed reads as all unknown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Events {
    /// The earnings report's time as the source gives it. It can be the last report, already past,
    /// while `earnings_start`/`earnings_end` hold the next expected window.
    #[serde(serialize_with = "rfc3339_or_null")]
    pub earnings: Option<DateTime<Utc>>,
    #[serde(serialize_with = "rfc3339_or_null")]
    pub earnings_start: Option<DateTime<Utc>>,
    #[serde(serialize_with = "rfc3339_or_null")]
    pub earnings_end: Option<DateTime<Utc>>,
    /// The source's own word on whether the date is an estimate.
    pub earnings_estimate: Option<bool>,
    pub ex_dividend: Option<NaiveDate>,
    /// The payment date.
    pub dividend: Option<NaiveDate>,
}

/// Before 1990 or from 2100 on, a timestamp is a broken answer, not an event.
const EARLIEST: i64 = 631_152_000;
const LATEST: i64 = 4_102_444_800;

/// A source's unix seconds as an event time; `None` when absurd.
pub fn time_of(secs: i64) -> Option<DateTime<Utc>> {
    (EARLIEST..LATEST).contains(&secs).then(|| DateTime::from_timestamp(secs, 0)).flatten()
}

/// A source's unix seconds as a calendar date. Dividend dates come as midnight UTC of the date
/// meant, so the UTC date is the one.
pub fn date_of(secs: i64) -> Option<NaiveDate> {
    time_of(secs).map(|t| t.date_naive())
}

/// The next earnings as the screen and the commands show them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NextEarnings {
    /// The exchange-local date.
    pub date: NaiveDate,
    /// The announced time; `None` for an estimate, whose times are placeholders.
    pub time: Option<DateTime<Utc>>,
    pub estimate: bool,
    /// From today (exchange-local) to `date`: 0 is today.
    pub days: i64,
}

fn local_date(t: DateTime<Utc>, tz: Tz) -> NaiveDate {
    t.with_timezone(&tz).date_naive()
}

impl Events {
    /// Nothing known.
    pub fn is_empty(&self) -> bool {
        *self == Events::default()
    }

    /// The next earnings on or after today in `tz` (the exchange's zone). A report time that is
    /// already past gives way to the expected window; inside that window, the date is today.
    pub fn next_earnings(&self, tz: Tz, now: DateTime<Utc>) -> Option<NextEarnings> {
        let today = local_date(now, tz);
        if let Some(at) = self.earnings {
            let date = local_date(at, tz);
            if date >= today {
                // A window after the report is the next one, and the flag speaks of it.
                let flag_is_windows = self.earnings_start.is_some_and(|s| local_date(s, tz) > date);
                let estimate = self.earnings_estimate == Some(true) && !flag_is_windows;
                let days = (date - today).num_days();
                return Some(NextEarnings { date, time: (!estimate).then_some(at), estimate, days });
            }
        }
        let start = self.earnings_start?;
        let end = self.earnings_end.filter(|e| *e >= start).unwrap_or(start);
        let (first, last) = (local_date(start, tz), local_date(end, tz));
        if last < today {
            return None;
        }
        let estimate = first != last || self.earnings_estimate != Some(false);
        let date = first.max(today);
        let time = (!estimate).then_some(start);
        Some(NextEarnings { date, time, estimate, days: (date - today).num_days() })
    }
}

impl NextEarnings {
    /// The row's badge when the report is at most `BADGE_DAYS` away: `E 3d`, `E today`; an
    /// estimated date puts `~` in place of the space (`E~3d`, `E~today`), so it stays as short.
    pub fn badge(&self) -> Option<String> {
        if !(0..=BADGE_DAYS).contains(&self.days) {
            return None;
        }
        let mark = if self.estimate { "~" } else { " " };
        let when = if self.days == 0 { "today".to_string() } else { format!("{}d", self.days) };
        Some(format!("E{mark}{when}"))
    }

    /// In words, for the detail view and alerts: "2026-12-08 (in 2 days, estimated)".
    pub fn words(&self) -> String {
        let when = match self.days {
            0 => "today".to_string(),
            1 => "tomorrow".to_string(),
            d => format!("in {d} days"),
        };
        let estimate = if self.estimate { ", estimated" } else { "" };
        format!("{} ({when}{estimate})", self.date)
    }
}

/// What kind of date a coming event is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    Earnings,
    ExDividend,
    Dividend,
}

impl EventKind {
    pub fn label(self) -> &'static str {
        match self {
            EventKind::Earnings => "earnings",
            EventKind::ExDividend => "ex-dividend",
            EventKind::Dividend => "dividend",
        }
    }
}

/// One coming date of one listing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Coming {
    pub date: NaiveDate,
    pub kind: EventKind,
    pub estimate: bool,
    pub time: Option<DateTime<Utc>>,
}

/// The listing's dates from today to `days` days ahead (exchange-local), earliest first.
pub fn coming(ev: &Events, tz: Tz, now: DateTime<Utc>, days: i64) -> Vec<Coming> {
    let today = local_date(now, tz);
    let within = |d: NaiveDate| (0..=days).contains(&(d - today).num_days());
    let mut out = Vec::new();
    if let Some(e) = ev.next_earnings(tz, now).filter(|e| e.days <= days) {
        out.push(Coming { date: e.date, kind: EventKind::Earnings, estimate: e.estimate, time: e.time });
    }
    for (kind, date) in [(EventKind::ExDividend, ev.ex_dividend), (EventKind::Dividend, ev.dividend)] {
        if let Some(date) = date.filter(|d| within(*d)) {
            out.push(Coming { date, kind, estimate: false, time: None });
        }
    }
    out.sort_by_key(|c| (c.date, c.kind));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    const NY: Tz = chrono_tz::America::New_York;
    const HK: Tz = chrono_tz::Asia::Hong_Kong;

    fn confirmed(t: &str) -> Events {
        let t = at(t);
        Events {
            earnings: Some(t),
            earnings_start: Some(t),
            earnings_end: Some(t),
            earnings_estimate: Some(false),
            ..Events::default()
        }
    }

    #[test]
    fn days_count_in_the_exchange_local_date() {
        // 21:30 UTC on Dec 8 is 16:30 in New York (Dec 8) but 05:30 on Dec 9 in Hong Kong.
        let ev = confirmed("2026-12-08T21:30:00Z");
        let now = at("2026-12-06T15:00:00Z");
        let ny = ev.next_earnings(NY, now).unwrap();
        assert_eq!((ny.date.to_string(), ny.days, ny.estimate), ("2026-12-08".to_string(), 2, false));
        assert_eq!(ny.time, Some(at("2026-12-08T21:30:00Z")));
        assert_eq!(ev.next_earnings(HK, now).unwrap().days, 3);
        // Late on Dec 7 in New York is already Dec 8 in UTC: still one day to go there.
        assert_eq!(ev.next_earnings(NY, at("2026-12-08T03:00:00Z")).unwrap().days, 1);
        assert_eq!(
            ev.next_earnings(NY, at("2026-12-08T22:00:00Z")).unwrap().days,
            0,
            "after the call, still today"
        );
        assert_eq!(ev.next_earnings(NY, at("2026-12-09T15:00:00Z")), None, "past");
    }

    /// As recorded for AAPL: the report time is the last one, the window holds the next.
    #[test]
    fn a_past_report_gives_way_to_the_estimated_window() {
        let ev = Events {
            earnings: Some(at("2025-01-30T21:30:00Z")),
            earnings_start: Some(at("2025-04-30T10:59:00Z")),
            earnings_end: Some(at("2025-05-05T12:00:00Z")),
            earnings_estimate: Some(true),
            ..Events::default()
        };
        let next = ev.next_earnings(NY, at("2025-02-17T15:00:00Z")).unwrap();
        assert_eq!(next.date.to_string(), "2025-04-30");
        assert!(next.estimate);
        assert_eq!(next.time, None, "an estimate's time is a placeholder");
        let inside = ev.next_earnings(NY, at("2025-05-02T15:00:00Z")).unwrap();
        assert_eq!((inside.date.to_string(), inside.days), ("2025-05-02".to_string(), 0));
        assert_eq!(ev.next_earnings(NY, at("2025-05-06T15:00:00Z")), None);
    }

    #[test]
    fn an_estimated_single_date_is_an_estimate() {
        let mut ev = confirmed("2026-12-09T12:00:00Z");
        ev.earnings_estimate = Some(true);
        let next = ev.next_earnings(NY, at("2026-12-06T15:00:00Z")).unwrap();
        assert!(next.estimate);
        assert_eq!(next.badge().as_deref(), Some("E~3d"));
        assert_eq!(Events::default().next_earnings(NY, at("2026-12-06T15:00:00Z")), None);
    }

    #[test]
    fn badges_within_a_week_only() {
        let b = |days, estimate| {
            NextEarnings { date: NaiveDate::from_ymd_opt(2026, 12, 8).unwrap(), time: None, estimate, days }
                .badge()
        };
        assert_eq!(b(3, false).as_deref(), Some("E 3d"));
        assert_eq!(b(0, false).as_deref(), Some("E today"));
        assert_eq!(b(0, true).as_deref(), Some("E~today"));
        assert_eq!(b(7, true).as_deref(), Some("E~7d"));
        assert_eq!(b(8, false), None);
        assert_eq!(b(-1, false), None);
    }

    #[test]
    fn absurd_timestamps_are_unknown() {
        assert_eq!(time_of(-5), None);
        assert_eq!(time_of(0), None);
        assert_eq!(time_of(i64::MAX), None);
        assert_eq!(time_of(9_999_999_999_999), None);
        assert_eq!(date_of(1_755_129_600).map(|d| d.to_string()).as_deref(), Some("2025-08-14"));
    }

    #[test]
    fn coming_dates_within_the_days_asked_earliest_first() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok();
        let ev = Events {
            ex_dividend: d("2026-12-07"),
            dividend: d("2027-01-20"),
            ..confirmed("2026-12-08T21:30:00Z")
        };
        let now = at("2026-12-06T15:00:00Z");
        let kinds = |days| coming(&ev, NY, now, days).iter().map(|c| c.kind).collect::<Vec<_>>();
        assert_eq!(kinds(30), [EventKind::ExDividend, EventKind::Earnings]);
        assert_eq!(kinds(60), [EventKind::ExDividend, EventKind::Earnings, EventKind::Dividend]);
        assert_eq!(kinds(1), [EventKind::ExDividend]);
        assert_eq!(kinds(0), Vec::<EventKind>::new());
        let later = at("2026-12-08T15:00:00Z");
        assert_eq!(coming(&ev, NY, later, 30).len(), 1, "a past ex-dividend date is not coming");
        assert_eq!(coming(&ev, NY, later, 30)[0].time, Some(at("2026-12-08T21:30:00Z")));
    }

    /// Old cache files have no `events`; a partial object fills the rest with unknowns.
    #[test]
    fn json_round_trip_and_defaults() {
        let ev =
            Events { ex_dividend: NaiveDate::from_ymd_opt(2026, 12, 1), ..confirmed("2026-12-08T21:30:00Z") };
        let text = serde_json::to_string(&ev).unwrap();
        assert!(text.contains(r#""earnings":"2026-12-08T21:30:00Z""#), "{text}");
        assert!(text.contains(r#""ex_dividend":"2026-12-01""#), "{text}");
        assert!(text.contains(r#""dividend":null"#), "{text}");
        assert_eq!(serde_json::from_str::<Events>(&text).unwrap(), ev);
        assert_eq!(serde_json::from_str::<Events>("{}").unwrap(), Events::default());
    }
}
