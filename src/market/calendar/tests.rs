//! Each exchange's calendar against days looked up in its own notice (the notes beside each year
//! of `holidays.toml` say where), checked through the session state the whole app reads.

use chrono::{DateTime, NaiveDate, TimeDelta, TimeZone, Utc};
use proptest::prelude::*;

use super::*;
use crate::market::exchange::{Exchange, SessionState, all_exchanges, calendar_labels};

fn exchange(label: &str) -> &'static Exchange {
    all_exchanges().iter().find(|e| e.label == label).unwrap_or_else(|| panic!("no exchange {label}"))
}

fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// `hh:mm` on `day` at the exchange, as an instant.
fn local(ex: &Exchange, day: &str, hh: u32, mm: u32) -> DateTime<Utc> {
    ex.tz.from_local_datetime(&date(day).and_hms_opt(hh, mm, 0).unwrap()).earliest().unwrap().to_utc()
}

/// Closed at every quarter hour of the local day, with the holiday's name on the clock.
fn assert_closed(label: &str, day: &str) {
    let (ex, cal) = (exchange(label), Calendar::default());
    let name = cal.special(label, date(day)).map(|s| s.name);
    assert!(name.is_some(), "{label} {day}: not in the calendar");
    for q in 0..96 {
        let t = local(ex, day, q / 4, (q % 4) * 15);
        assert_eq!(ex.state_at(t, &cal), SessionState::Closed, "{label} {day} at {t}");
        assert_eq!(ex.special_at(t, &cal).map(|s| s.name), name, "{label} {day} at {t}");
    }
    assert!(ex.regular_sessions_on(date(day), &cal).is_empty(), "{label} {day} has sessions");
}

/// Open a minute before `close` and closed from it, the day's last session ending then.
fn assert_half_day(label: &str, day: &str, close: (u32, u32)) {
    let (ex, cal) = (exchange(label), Calendar::default());
    let (h, m) = close;
    let before = local(ex, day, h, m) - TimeDelta::minutes(1);
    assert_eq!(ex.state_at(before, &cal), SessionState::Open, "{label} {day} just before {h}:{m:02}");
    let after = ex.state_at(local(ex, day, h, m), &cal);
    assert!(
        !matches!(after, SessionState::Open | SessionState::Lunch),
        "{label} {day} at {h}:{m:02}: {after:?}"
    );
    let sessions = ex.regular_sessions_on(date(day), &cal);
    assert_eq!(sessions.last().map(|s| s.1), Some(local(ex, day, h, m)), "{label} {day}");
    assert!(ex.state_at(local(ex, day, h + 1, m), &cal) != SessionState::Open, "{label} {day} afternoon");
}

/// An ordinary trading day: the calendar has nothing for it.
fn assert_trades(label: &str, day: &str) {
    let (ex, cal) = (exchange(label), Calendar::default());
    assert_eq!(cal.special(label, date(day)), None, "{label} {day}");
    assert!(!ex.regular_sessions_on(date(day), &cal).is_empty(), "{label} {day} has no session");
}

fn assert_unpublished(label: &str, year: i32) {
    assert_eq!(Calendar::default().coverage(label, year), Coverage::NotPublished, "{label} {year}");
}

#[test]
fn new_york() {
    for d in
        ["2026-04-03", "2026-07-03", "2026-11-26", "2027-06-18", "2027-07-05", "2027-11-25", "2027-12-24"]
    {
        assert_closed("NY", d);
    }
    assert_half_day("NY", "2026-11-27", (13, 0));
    assert_half_day("NY", "2026-12-24", (13, 0));
    assert_half_day("NY", "2027-11-26", (13, 0));
    // New Year's Day 2028 is a Saturday: nothing is observed on the Friday before.
    assert_trades("NY", "2027-12-31");
    let (ny, cal) = (exchange("NY"), Calendar::default());
    // The day after Thanksgiving: after-hours trading starts at the early close.
    assert_eq!(ny.state_at(local(ny, "2026-11-27", 13, 30), &cal), SessionState::Post);
    assert_eq!(ny.state_at(local(ny, "2026-11-27", 8, 0), &cal), SessionState::Pre);
    // …and ends four hours later, at 17:00, not at the usual 20:00 (issue 27, item 5).
    assert_eq!(ny.state_at(local(ny, "2026-11-27", 16, 59), &cal), SessionState::Post);
    assert_eq!(ny.state_at(local(ny, "2026-11-27", 17, 0), &cal), SessionState::Closed);
    assert_eq!(ny.state_at(local(ny, "2026-12-24", 19, 0), &cal), SessionState::Closed);
}

#[test]
fn hong_kong() {
    // Lunar New Year, and the holidays that move to the next weekday when they fall on a Sunday.
    for d in ["2026-02-17", "2026-02-18", "2026-02-19", "2026-04-07", "2026-05-25", "2026-10-19"] {
        assert_closed("HK", d);
    }
    for d in ["2027-02-08", "2027-02-09", "2027-09-16", "2027-12-27"] {
        assert_closed("HK", d);
    }
    assert_eq!(
        Calendar::default().special("HK", date("2026-10-19")).map(|s| s.name).as_deref(),
        Some("The day following Chung Yeung Festival")
    );
    // Half days keep the morning session only.
    assert_half_day("HK", "2026-02-16", (12, 0));
    assert_half_day("HK", "2026-12-31", (12, 0));
    assert_half_day("HK", "2027-02-05", (12, 0));
    assert_half_day("HK", "2027-12-24", (12, 0));
    // Boxing Day 2026 is a Saturday and not moved.
    assert_trades("HK", "2026-12-28");
}

#[test]
fn shanghai_and_shenzhen() {
    for label in ["SH", "SZ"] {
        // Spring Festival, Labour Day, and Golden Week (1-7 October).
        for d in ["2026-02-16", "2026-02-23", "2026-05-05", "2026-09-25"] {
            assert_closed(label, d);
        }
        for d in ["2026-10-01", "2026-10-02", "2026-10-05", "2026-10-06", "2026-10-07"] {
            assert_closed(label, d);
        }
        assert_trades(label, "2026-10-08");
        assert_trades(label, "2026-02-24");
        // Make-up working Saturdays and Sundays are still no trading days.
        let (ex, cal) = (exchange(label), Calendar::default());
        for d in ["2026-02-14", "2026-02-28", "2026-09-20", "2026-10-10"] {
            assert!(ex.regular_sessions_on(date(d), &cal).is_empty(), "{label} {d}");
            assert_eq!(ex.state_at(local(ex, d, 10, 0), &cal), SessionState::Closed, "{label} {d}");
        }
        assert_unpublished(label, 2027);
    }
}

#[test]
fn taiwan() {
    for d in ["2026-02-12", "2026-02-13", "2026-02-20", "2026-09-28"] {
        assert_closed("TW", d);
    }
    assert_trades("TW", "2026-02-23");
    assert_unpublished("TW", 2027);
}

#[test]
fn singapore() {
    for d in ["2026-05-27", "2026-06-01", "2026-11-09"] {
        assert_closed("SIN", d);
    }
    assert_half_day("SIN", "2026-02-16", (12, 0));
    assert_half_day("SIN", "2026-12-24", (12, 0));
    assert_unpublished("SIN", 2027);
}

#[test]
fn tokyo() {
    for d in ["2026-01-02", "2026-05-06", "2026-09-22", "2027-01-11", "2027-03-22", "2027-12-31"] {
        assert_closed("TYO", d);
    }
    assert_trades("TYO", "2026-12-30");
}

#[test]
fn seoul() {
    for d in ["2026-06-03", "2026-07-17", "2026-09-24", "2026-09-25"] {
        assert_closed("SEL", d);
    }
    assert_trades("SEL", "2026-09-28");
    let (ex, cal) = (exchange("SEL"), Calendar::default());
    // The year's first day opens an hour late; the college entrance exam moves the whole day.
    assert_eq!(ex.state_at(local(ex, "2026-01-02", 9, 30), &cal), SessionState::Closed);
    assert_eq!(ex.state_at(local(ex, "2026-01-02", 10, 0), &cal), SessionState::Open);
    assert_eq!(ex.state_at(local(ex, "2026-11-19", 9, 30), &cal), SessionState::Closed);
    assert_eq!(ex.state_at(local(ex, "2026-11-19", 16, 0), &cal), SessionState::Open);
    assert_eq!(ex.state_at(local(ex, "2026-11-19", 16, 30), &cal), SessionState::Closed);
    assert_unpublished("SEL", 2027);
}

#[test]
fn sydney() {
    for d in ["2026-04-06", "2026-06-08", "2026-12-28"] {
        assert_closed("SYD", d);
    }
    assert_half_day("SYD", "2026-12-24", (14, 10));
    assert_trades("SYD", "2026-04-27");
    assert_unpublished("SYD", 2027);
}

#[test]
fn mumbai() {
    for d in ["2026-01-15", "2026-03-31", "2026-11-10"] {
        assert_closed("BOM", d);
    }
    assert_unpublished("BOM", 2027);
}

#[test]
fn london() {
    for d in ["2026-05-04", "2026-08-31", "2026-12-28", "2027-03-29", "2027-12-27", "2027-12-28"] {
        assert_closed("LDN", d);
    }
    assert_half_day("LDN", "2026-12-31", (12, 30));
    assert_half_day("LDN", "2027-12-24", (12, 30));
}

#[test]
fn frankfurt() {
    for d in ["2026-05-01", "2026-12-24", "2026-12-31", "2027-03-26", "2027-03-29", "2027-12-24"] {
        assert_closed("FRA", d);
    }
    assert_half_day("FRA", "2026-12-30", (14, 0));
    assert_half_day("FRA", "2027-12-30", (14, 0));
}

#[test]
fn euronext() {
    for label in ["AMS", "PAR", "BRU"] {
        for d in ["2026-04-06", "2026-05-01", "2026-12-25"] {
            assert_closed(label, d);
        }
        assert_half_day(label, "2026-12-24", (14, 5));
        assert_unpublished(label, 2027);
    }
    // Milan shuts for the whole of Christmas Eve and New Year's Eve instead.
    for d in ["2026-04-06", "2026-12-24", "2026-12-31"] {
        assert_closed("MIL", d);
    }
    assert_unpublished("MIL", 2027);
}

#[test]
fn zurich_and_toronto() {
    for d in ["2026-01-02", "2026-05-14", "2026-05-25", "2027-05-06", "2027-05-17", "2027-12-31"] {
        assert_closed("ZRH", d);
    }
    for d in ["2026-02-16", "2026-08-03", "2026-12-28"] {
        assert_closed("TOR", d);
    }
    assert_half_day("TOR", "2026-12-24", (13, 0));
    assert_unpublished("TOR", 2027);
}

/// Every exchange with a calendar has a table for this year and the next: published, or marked
/// as not published yet (never missing, never guessed).
#[test]
fn every_exchange_has_both_years() {
    let cal = Calendar::default();
    for label in calendar_labels() {
        for year in [2026, 2027] {
            let table = cal.tables().iter().find(|t| t.exchange == label && t.year == year);
            let table = table.unwrap_or_else(|| panic!("{label} {year}: no table"));
            assert!(!table.source.trim().is_empty(), "{label} {year}: no source");
            if table.published {
                assert!(table.days.len() >= 3, "{label} {year}: {} days", table.days.len());
            } else {
                assert!(table.days.is_empty(), "{label} {year}: unpublished but lists days");
            }
        }
        assert_eq!(cal.coverage(label, 2026), Coverage::Known, "{label}");
        assert_eq!(cal.coverage(label, 2031), Coverage::Unknown, "{label}");
    }
    for t in cal.tables() {
        assert!(calendar_labels().contains(&t.exchange.as_str()), "a table for unknown {}", t.exchange);
    }
}

/// The config's entries add days and win over the table's on the same date.
#[test]
fn config_entries_add_and_correct() {
    let extra = |date_s: &str, name: &str, close: Option<Minute>| Holiday {
        exchange: "HK".into(),
        date: date(date_s),
        name: name.into(),
        open: None,
        close,
    };
    let cal = Calendar::with(vec![
        extra("2026-12-28", "Typhoon day", None),
        extra("2026-12-31", "Eve of New Year", Some(11 * 60)),
    ]);
    let hk = exchange("HK");
    assert_eq!(hk.state_at(local(hk, "2026-12-28", 10, 0), &cal), SessionState::Closed);
    assert_eq!(hk.state_at(local(hk, "2026-12-31", 11, 30), &cal), SessionState::Closed);
    let days = cal.days(Some("HK"), Some(2026));
    let eve: Vec<_> = days.iter().filter(|(_, d)| d.date == date("2026-12-31")).collect();
    assert_eq!(eve.len(), 1, "the config's entry replaces the table's");
    assert!(eve[0].1.from_config);
    assert!(days.windows(2).all(|w| w[0].1.date <= w[1].1.date), "in date order");
    assert!(days.iter().any(|(_, d)| d.name == "Typhoon day" && d.from_config));
    assert!(days.iter().filter(|(_, d)| !d.from_config).count() >= 14);
    assert!(cal.days(Some("HK"), Some(2027)).iter().all(|(_, d)| !d.from_config));
}

fn instant_2026_2027() -> impl Strategy<Value = DateTime<Utc>> {
    let start = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap().timestamp();
    let end = Utc.with_ymd_and_hms(2028, 1, 1, 0, 0, 0).unwrap().timestamp();
    (start..end).prop_map(|s| DateTime::from_timestamp(s, 0).unwrap())
}

proptest! {
    /// At any instant the state is the one the day's sessions say: open inside a regular session,
    /// lunch between two, pre/post/closed outside; and a listed closure is closed all day long.
    #[test]
    fn one_state_at_every_instant(t in instant_2026_2027(), pick in 0usize..64) {
        let cal = Calendar::default();
        let labels = calendar_labels();
        let ex = exchange(labels[pick % labels.len()]);
        let state = ex.state_at(t, &cal);
        let day = ex.trading_date(t, &cal);
        let in_session = ex.regular_sessions_on(day, &cal).iter().any(|&(a, b)| a <= t && t < b);
        prop_assert_eq!(state == SessionState::Open, in_session, "{} at {}: {:?}", ex.label, t, state);
        if let Some(s) = ex.special_at(t, &cal).filter(Special::is_closed) {
            prop_assert_eq!(state, SessionState::Closed, "{} on {}", ex.label, s.name);
        }
    }

    /// Every closure of every table, at any minute of its local day: closed.
    #[test]
    fn closures_are_closed_all_day(pick in 0usize..10_000, minute in 0u32..1440) {
        let cal = Calendar::default();
        let closures: Vec<(String, Special)> =
            cal.days(None, None).into_iter().filter(|(_, s)| s.is_closed()).collect();
        let (label, day) = &closures[pick % closures.len()];
        let ex = exchange(label);
        let at = day.date.and_hms_opt(minute / 60, minute % 60, 0).unwrap();
        // A local time a DST jump skips does not exist; every other one is checked.
        if let Some(t) = ex.tz.from_local_datetime(&at).earliest() {
            prop_assert_eq!(ex.state_at(t.to_utc(), &cal), SessionState::Closed, "{} {}", label, day.date);
        }
    }
}
