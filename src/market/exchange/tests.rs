//! Sessions, states and changes of every exchange in the table, on plain weekdays (the holiday
//! tests are in `calendar/tests.rs`).

use super::*;

/// Plain session hours: the holiday tests are in `calendar.rs`.
const W: &Calendar = &Calendar::WEEKENDS_ONLY;
use SessionState::{Closed, Lunch, Open, Post, Pre};
use proptest::prelude::*;

fn local(ex: &Exchange, y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
    ex.tz.with_ymd_and_hms(y, mo, d, h, mi, 0).single().expect("test times are unambiguous").to_utc()
}

fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, mo, d, h, mi, 0).unwrap()
}

fn date(y: i32, mo: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, mo, d).unwrap()
}

fn states(ex: &Exchange, day: (i32, u32, u32), times: &[((u32, u32), SessionState)]) {
    for &((h, mi), want) in times {
        let t = local(ex, day.0, day.1, day.2, h, mi);
        assert_eq!(ex.state_at(t, W), want, "{} at {h:02}:{mi:02}", ex.code);
    }
}

// 2026-03-04 is a Wednesday.
const WED: (i32, u32, u32) = (2026, 3, 4);
const WED_DATE: NaiveDate = NaiveDate::from_ymd_opt(2026, 3, 4).unwrap();

#[test]
fn hong_kong_has_a_lunch_break() {
    assert_eq!(WED_DATE.weekday(), Weekday::Wed);
    let hk = exchange_for("0700.HK");
    assert_eq!(hk.code, "HKEX");
    states(
        hk,
        WED,
        &[
            ((9, 29), Closed),
            ((9, 30), Open),
            ((11, 59), Open),
            ((12, 0), Lunch),
            ((12, 30), Lunch),
            ((13, 0), Open),
            ((15, 59), Open),
            ((16, 0), Closed),
        ],
    );
}

#[test]
fn shanghai_has_a_lunch_break() {
    let sse = exchange_for("600519.SS");
    assert_eq!(sse.code, "SSE");
    states(
        sse,
        WED,
        &[((9, 30), Open), ((11, 30), Lunch), ((12, 59), Lunch), ((13, 0), Open), ((15, 0), Closed)],
    );
}

#[test]
fn us_has_pre_and_post_market() {
    states(
        exchange_for("NVDA"),
        WED,
        &[
            ((3, 59), Closed),
            ((4, 0), Pre),
            ((9, 29), Pre),
            ((9, 30), Open),
            ((15, 59), Open),
            ((16, 0), Post),
            ((19, 59), Post),
            ((20, 0), Closed),
        ],
    );
}

#[test]
fn tokyo_has_a_lunch_break() {
    let tse = exchange_for("7203.T");
    states(tse, WED, &[((11, 29), Open), ((12, 0), Lunch), ((12, 30), Open)]);
}

#[test]
fn saturday_is_closed_everywhere() {
    for ex in all_exchanges() {
        for minute in (0..24 * 60).step_by(15) {
            let t = local(ex, 2026, 3, 7, minute / 60, minute % 60);
            assert_eq!(ex.state_at(t, W), Closed, "{} {minute}", ex.code);
        }
        assert!(ex.regular_sessions_on(date(2026, 3, 7), W).is_empty());
    }
}

#[test]
fn us_open_follows_both_2026_dst_changes() {
    let us = exchange_for("AAPL");
    let open_on = |d: NaiveDate| us.regular_sessions_on(d, W)[0];
    // Clocks go forward on Sunday 2026-03-08 and back on Sunday 2026-11-01.
    assert_eq!(open_on(date(2026, 3, 6)), (utc(2026, 3, 6, 14, 30), utc(2026, 3, 6, 21, 0)));
    assert_eq!(open_on(date(2026, 3, 9)), (utc(2026, 3, 9, 13, 30), utc(2026, 3, 9, 20, 0)));
    assert_eq!(open_on(date(2026, 10, 30)), (utc(2026, 10, 30, 13, 30), utc(2026, 10, 30, 20, 0)));
    assert_eq!(open_on(date(2026, 11, 2)), (utc(2026, 11, 2, 14, 30), utc(2026, 11, 2, 21, 0)));
    assert_eq!(us.state_at(utc(2026, 3, 6, 14, 29), W), Pre);
    assert_eq!(us.state_at(utc(2026, 3, 6, 14, 30), W), Open);
    assert_eq!(us.state_at(utc(2026, 3, 9, 13, 29), W), Pre);
    assert_eq!(us.state_at(utc(2026, 3, 9, 13, 30), W), Open);
    assert_eq!(us.state_at(utc(2026, 10, 30, 13, 30), W), Open);
    assert_eq!(us.state_at(utc(2026, 11, 2, 13, 30), W), Pre);
    assert_eq!(us.state_at(utc(2026, 11, 2, 14, 30), W), Open);
    // Pre-market on the Monday after the spring change opens at 04:00 EDT.
    assert_eq!(us.next_change(utc(2026, 3, 7, 12, 0), W), utc(2026, 3, 9, 8, 0));
    assert_eq!(us.next_change(utc(2026, 10, 31, 12, 0), W), utc(2026, 11, 2, 9, 0));
}

#[test]
fn symbols_map_to_their_exchange() {
    let code = |s: &str| exchange_for(s).code;
    let label = |s: &str| exchange_for(s).label;
    assert_eq!(code("AAPL"), "US");
    assert_eq!(code("BRK-B"), "US");
    assert_eq!(code("^GSPC"), "US");
    assert_eq!(code("^IXIC"), "US");
    assert_eq!(code("^HSI"), "HKEX");
    assert_eq!(code("^N225"), "TSE");
    assert_eq!(code("0981.HK"), "HKEX");
    assert_eq!(code("0981.hk"), "HKEX");
    assert_eq!(code("600519.SS"), "SSE");
    assert_eq!(code("000001.SZ"), "SZSE");
    assert_eq!(code("2330.TW"), "TWSE");
    assert_eq!(code("6488.TWO"), "TPEx");
    assert_eq!(label("ASML.AS"), "AMS");
    assert_eq!(label("MC.PA"), "PAR");
    assert_eq!(exchange_for("ENI.MI").tz, Europe::Rome);
    assert_eq!(code("SAP.DE"), "Xetra");
    assert_eq!(exchange_for("SAP.F"), exchange_for("SAP.DE"));
    assert_eq!(code("ARM.L"), "LSE");
    assert_eq!(code("005930.KS"), "KRX");
    assert_eq!(code("035720.KQ"), "KRX");
    assert_eq!(code("8035.T"), "TSE");
    assert_eq!(code("RELIANCE.NS"), "NSE");
    assert_eq!(code("RELIANCE.BO"), "BSE");
    assert_eq!(code("EURUSD=X"), "FX");
    assert_eq!(code("JPY=X"), "FX");
    assert_eq!(code("FOO.XYZ"), "OTHER");
    assert_eq!(exchange_for("FOO.XYZ").tz, chrono_tz::UTC);
    for (i, ex) in [(US, "US"), (FX, "FX"), (OTHER, "OTHER")] {
        assert_eq!(all_exchanges()[i].code, ex);
    }
}

#[test]
fn fx_trades_from_sunday_evening_to_friday_evening() {
    let fx = exchange_for("EURUSD=X");
    // 2026-03-01 is a Sunday.
    states(fx, (2026, 3, 1), &[((16, 59), Closed), ((17, 0), Open)]);
    states(fx, WED, &[((3, 0), Open), ((17, 0), Open), ((23, 59), Open)]);
    states(fx, (2026, 3, 6), &[((16, 59), Open), ((17, 0), Closed)]);
    assert_eq!(
        fx.regular_sessions_on(date(2026, 3, 2), W),
        vec![(local(fx, 2026, 3, 1, 17, 0), local(fx, 2026, 3, 2, 17, 0))]
    );
    assert_eq!(fx.trading_date(local(fx, 2026, 3, 3, 18, 0), W), WED_DATE);
    assert_eq!(fx.trading_date(local(fx, 2026, 3, 7, 12, 0), W), date(2026, 3, 6));
    assert_eq!(fx.next_change(local(fx, 2026, 3, 3, 12, 0), W), local(fx, 2026, 3, 6, 17, 0));
}

#[test]
fn unknown_venues_trade_all_weekday_on_utc() {
    let other = exchange_for("X.NOPE");
    assert_eq!(other.state_at(utc(2026, 3, 4, 0, 0), W), Open);
    assert_eq!(other.state_at(utc(2026, 3, 6, 23, 59), W), Open);
    assert_eq!(other.state_at(utc(2026, 3, 7, 0, 0), W), Closed);
    assert_eq!(other.next_change(utc(2026, 3, 4, 5, 0), W), utc(2026, 3, 7, 0, 0));
    assert_eq!(other.clamp_to_regular(utc(2026, 3, 8, 5, 0), W), utc(2026, 3, 7, 0, 0));
}

#[test]
fn trading_dates_roll_back_over_weekends() {
    let us = exchange_for("MSFT");
    let friday = date(2026, 3, 6);
    let monday = date(2026, 3, 9);
    assert_eq!(us.trading_date(local(us, 2026, 3, 7, 12, 0), W), friday);
    assert_eq!(us.trading_date(local(us, 2026, 3, 9, 8, 0), W), friday);
    assert_eq!(us.trading_date(local(us, 2026, 3, 9, 10, 0), W), monday);
    assert_eq!(us.trading_date(local(us, 2026, 3, 9, 18, 0), W), monday);
    assert_eq!(us.previous_trading_date(monday, W), friday);
    assert_eq!(us.previous_trading_date(date(2026, 3, 8), W), friday);
    assert_eq!(us.previous_trading_date(date(2026, 3, 10), W), monday);
    let hk = exchange_for("0700.HK");
    assert_eq!(hk.trading_date(local(hk, 2026, 3, 4, 12, 30), W), WED_DATE);
}

#[test]
fn clamp_goes_back_to_the_last_regular_close() {
    let hk = exchange_for("0700.HK");
    let open = local(hk, 2026, 3, 4, 10, 15);
    assert_eq!(hk.clamp_to_regular(open, W), open);
    assert_eq!(hk.clamp_to_regular(local(hk, 2026, 3, 4, 12, 30), W), local(hk, 2026, 3, 4, 12, 0));
    assert_eq!(hk.clamp_to_regular(local(hk, 2026, 3, 8, 9, 0), W), local(hk, 2026, 3, 6, 16, 0));
    let us = exchange_for("AMD");
    assert_eq!(us.clamp_to_regular(local(us, 2026, 3, 5, 18, 0), W), local(us, 2026, 3, 5, 16, 0));
}

#[test]
fn session_state_labels() {
    let all = [Pre, Open, Lunch, Post, Closed];
    let labels: Vec<_> = all.iter().map(|s| s.label()).collect();
    assert_eq!(labels, ["pre", "open", "lunch", "post", "closed"]);
    let trading: Vec<_> = all.iter().map(|s| s.is_trading()).collect();
    assert_eq!(trading, [true, true, false, true, false]);
}

#[test]
fn extreme_instants_do_not_panic() {
    for ex in all_exchanges() {
        for t in [DateTime::<Utc>::MIN_UTC, DateTime::<Utc>::MAX_UTC] {
            let _ = ex.state_at(t, W);
            let _ = ex.next_change(t, W);
            let _ = ex.clamp_to_regular(t, W);
            let d = ex.trading_date(t, W);
            let _ = ex.previous_trading_date(d, W);
            let _ = ex.regular_sessions_on(d, W);
        }
        let _ = ex.previous_trading_date(NaiveDate::MIN, W);
        let _ = ex.regular_sessions_on(NaiveDate::MAX, W);
    }
}

/// Sessions placed on purpose where zones jump, including jumps at midnight on a weekday.
fn awkward_exchanges() -> Vec<Exchange> {
    const NIGHT: &[Span] = &[(hm(0, 30), hm(1, 30)), (hm(2, 30), hm(23, 30))];
    let night =
        Hours::Daily { regular: NIGHT, pre: Some((0, hm(0, 30))), post: Some((hm(23, 30), hm(24, 0))) };
    let make = |tz: Tz, hours: Hours| Exchange {
        code: "TEST",
        label: "TEST",
        city: "Test",
        tz,
        suffixes: &[],
        hours,
    };
    vec![
        make(Asia::Tehran, night.clone()),
        make(chrono_tz::Africa::Cairo, night.clone()),
        make(Asia::Jerusalem, night.clone()),
        make(America::New_York, night),
        make(Europe::London, Hours::Rolling { roll: hm(1, 30) }),
        make(America::New_York, Hours::Rolling { roll: hm(2, 30) }),
    ]
}

/// Every change found by stepping minute by minute over a week, against the chain of
/// next_change calls over the same week.
fn assert_next_change_matches_scan(ex: &Exchange, start: DateTime<Utc>) {
    let end = start + TimeDelta::days(7);
    let mut scanned = Vec::new();
    let mut previous = ex.state_at(start, W);
    let mut t = start;
    while t < end {
        t += TimeDelta::minutes(1);
        let state = ex.state_at(t, W);
        if state != previous {
            scanned.push(t);
            previous = state;
        }
    }
    let mut chained = Vec::new();
    let mut t = ex.next_change(start, W);
    while t <= end {
        chained.push(t);
        t = ex.next_change(t, W);
    }
    assert_eq!(chained, scanned, "{} {:?} from {start}", ex.code, ex.tz);
}

#[test]
fn next_change_finds_every_change_in_dst_weeks() {
    // Weeks holding the 2026 US, EU and Sydney changes, then a plain week.
    let weeks = [
        utc(2026, 3, 5, 0, 0),
        utc(2026, 3, 26, 0, 0),
        utc(2026, 4, 2, 0, 0),
        utc(2026, 10, 1, 0, 0),
        utc(2026, 10, 22, 0, 0),
        utc(2026, 10, 29, 0, 0),
        utc(2026, 6, 10, 3, 17),
    ];
    for ex in all_exchanges() {
        for &start in &weeks {
            assert_next_change_matches_scan(ex, start);
        }
    }
}

#[test]
fn next_change_survives_jumps_across_sessions() {
    // Tehran 2021 (Mon 00:00 forward, Wed 00:00 back), Cairo 2024 (Fri 00:00 forward,
    // Thu 24:00 back), Jerusalem 2024 (Fri 02:00 forward) and US/UK 2026 weekends.
    let weeks = [
        utc(2021, 3, 18, 0, 0),
        utc(2021, 9, 18, 0, 0),
        utc(2024, 4, 23, 0, 0),
        utc(2024, 10, 28, 0, 0),
        utc(2024, 3, 26, 0, 0),
        utc(2026, 3, 5, 0, 0),
        utc(2026, 3, 26, 0, 0),
        utc(2026, 10, 22, 0, 0),
        utc(2026, 10, 29, 0, 0),
    ];
    for ex in &awkward_exchanges() {
        for &start in &weeks {
            assert_next_change_matches_scan(ex, start);
            let _ = ex.clamp_to_regular(start + TimeDelta::days(3), W);
            let _ = ex.trading_date(start + TimeDelta::days(3), W);
        }
    }
}

#[test]
fn skipped_session_edges_land_on_the_jump() {
    let ex = &awkward_exchanges()[0];
    // Tehran skipped 2021-03-22 00:00-01:00; the 00:30 open happens at the jump.
    let sessions = ex.regular_sessions_on(date(2021, 3, 22), W);
    assert_eq!(sessions[0].0, utc(2021, 3, 21, 20, 30));
    assert_eq!(ex.state_at(sessions[0].0, W), Open);
}

/// Independent statement of the expected hours, in the form a person would check them.
enum RefHours {
    Day { regular: &'static [&'static str], pre: Option<&'static str>, post: Option<&'static str> },
    FxWeek,
}

struct Spec {
    symbol: &'static str,
    zone: &'static str,
    hours: RefHours,
}

const fn day(symbol: &'static str, zone: &'static str, regular: &'static [&'static str]) -> Spec {
    Spec { symbol, zone, hours: RefHours::Day { regular, pre: None, post: None } }
}

const EU: &[&str] = &["09:00-17:30"];
const CN: &[&str] = &["09:30-11:30", "13:00-15:00"];

static SPECS: &[Spec] = &[
    Spec {
        symbol: "AAPL",
        zone: "America/New_York",
        hours: RefHours::Day {
            regular: &["09:30-16:00"],
            pre: Some("04:00-09:30"),
            post: Some("16:00-20:00"),
        },
    },
    day("0700.HK", "Asia/Hong_Kong", &["09:30-12:00", "13:00-16:00"]),
    day("600519.SS", "Asia/Shanghai", CN),
    day("000001.SZ", "Asia/Shanghai", CN),
    day("2330.TW", "Asia/Taipei", &["09:00-13:30"]),
    day("6488.TWO", "Asia/Taipei", &["09:00-13:30"]),
    day("ASML.AS", "Europe/Amsterdam", EU),
    day("MC.PA", "Europe/Paris", EU),
    day("ABI.BR", "Europe/Brussels", EU),
    day("ENI.MI", "Europe/Rome", EU),
    day("SAP.DE", "Europe/Berlin", EU),
    day("SAP.F", "Europe/Berlin", EU),
    day("VOD.L", "Europe/London", &["08:00-16:30"]),
    day("005930.KS", "Asia/Seoul", &["09:00-15:30"]),
    day("035720.KQ", "Asia/Seoul", &["09:00-15:30"]),
    day("7203.T", "Asia/Tokyo", &["09:00-11:30", "12:30-15:30"]),
    day("NESN.SW", "Europe/Zurich", EU),
    day("RY.TO", "America/Toronto", &["09:30-16:00"]),
    day("BHP.AX", "Australia/Sydney", &["10:00-16:00"]),
    day("RELIANCE.NS", "Asia/Kolkata", &["09:15-15:30"]),
    day("RELIANCE.BO", "Asia/Kolkata", &["09:15-15:30"]),
    day("D05.SI", "Asia/Singapore", &["09:00-12:00", "13:00-17:00"]),
    Spec { symbol: "EURUSD=X", zone: "America/New_York", hours: RefHours::FxWeek },
    day("FOO.XYZ", "UTC", &["00:00-24:00"]),
];

fn parse_span(text: &str) -> (u32, u32) {
    let minutes = |hhmm: &str| {
        let (h, m) = hhmm.split_once(':').unwrap();
        h.parse::<u32>().unwrap() * 60 + m.parse::<u32>().unwrap()
    };
    let (start, end) = text.split_once('-').unwrap();
    (minutes(start), minutes(end))
}

fn reference_state(spec: &Spec, t: DateTime<Utc>) -> SessionState {
    let tz: Tz = spec.zone.parse().unwrap();
    let wall = t.with_timezone(&tz);
    let minute = wall.hour() * 60 + wall.minute();
    let contains = |text: &str| {
        let (start, end) = parse_span(text);
        (start..end).contains(&minute)
    };
    match spec.hours {
        RefHours::FxWeek => {
            let open = match wall.weekday() {
                Weekday::Sun => minute >= 17 * 60,
                Weekday::Fri => minute < 17 * 60,
                Weekday::Sat => false,
                _ => true,
            };
            if open { Open } else { Closed }
        }
        RefHours::Day { .. } if matches!(wall.weekday(), Weekday::Sat | Weekday::Sun) => Closed,
        RefHours::Day { regular, pre, post } => {
            let spans: Vec<_> = regular.iter().map(|s| parse_span(s)).collect();
            if regular.iter().any(|s| contains(s)) {
                Open
            } else if spans.iter().any(|&(_, end)| end <= minute)
                && spans.iter().any(|&(start, _)| start > minute)
            {
                Lunch
            } else if pre.is_some_and(contains) {
                Pre
            } else if post.is_some_and(contains) {
                Post
            } else {
                Closed
            }
        }
    }
}

/// Wall-clock minutes worth probing for a spec: its edges, plus the FX roll.
fn spec_edges(spec: &Spec) -> Vec<u32> {
    match spec.hours {
        RefHours::FxWeek => vec![0, 17 * 60],
        RefHours::Day { regular, pre, post } => regular
            .iter()
            .chain(&pre)
            .chain(&post)
            .flat_map(|s| {
                let (a, b) = parse_span(s);
                [a, b % 1440]
            })
            .collect(),
    }
}

#[test]
fn reference_specs_cover_the_whole_table() {
    for ex in all_exchanges() {
        assert!(
            SPECS.iter().any(|s| std::ptr::eq(exchange_for(s.symbol), ex)),
            "no reference for {} {}",
            ex.code,
            ex.city
        );
    }
}

fn any_instant() -> impl Strategy<Value = DateTime<Utc>> {
    let from = utc(2020, 1, 1, 0, 0).timestamp();
    let to = utc(2031, 1, 1, 0, 0).timestamp();
    (from..to, 0u32..1_000_000_000).prop_map(|(secs, nanos)| DateTime::from_timestamp(secs, nanos).unwrap())
}

/// A spec and an instant within a minute and a half of one of its wall-clock edges.
fn near_an_edge() -> impl Strategy<Value = (usize, DateTime<Utc>)> {
    (0..SPECS.len(), 0i64..4018, 0usize..16, -90i64..=90).prop_map(|(i, day_offset, edge, seconds)| {
        let spec = &SPECS[i];
        let tz: Tz = spec.zone.parse().unwrap();
        let edges = spec_edges(spec);
        let day = date(2020, 1, 1) + TimeDelta::days(day_offset);
        let wall = local_minute(day, edges[edge % edges.len()]).unwrap();
        let at = tz.from_local_datetime(&wall).earliest().map_or_else(|| wall.and_utc(), |t| t.to_utc());
        (i, at + TimeDelta::seconds(seconds))
    })
}

fn check_next_change(ex: &Exchange, t: DateTime<Utc>) -> Result<(), TestCaseError> {
    let next = ex.next_change(t, W);
    let now = ex.state_at(t, W);
    prop_assert!(next > t, "{} next_change({t}) = {next}", ex.code);
    prop_assert!(next - t <= TimeDelta::days(8));
    let span = next - t;
    for k in 1..4 {
        let probe = t + span / 4 * k;
        prop_assert_eq!(ex.state_at(probe, W), now, "{} at {} before {}", ex.code, probe, next);
    }
    prop_assert_eq!(ex.state_at(next - TimeDelta::nanoseconds(1), W), now);
    prop_assert_ne!(ex.state_at(next, W), now, "{} at {}", ex.code, next);
    Ok(())
}

fn check_clamp(ex: &Exchange, t: DateTime<Utc>) -> Result<(), TestCaseError> {
    let clamped = ex.clamp_to_regular(t, W);
    let sessions = ex.regular_sessions_on(ex.trading_date(t, W), W);
    prop_assert!(clamped <= t);
    if ex.state_at(t, W) == Open {
        prop_assert_eq!(clamped, t);
        prop_assert!(sessions.iter().any(|&(s, e)| s <= t && t < e));
    } else {
        prop_assert!(
            sessions.iter().any(|&(_, end)| end == clamped),
            "{} clamp({t}) = {clamped} is no session end of {:?}",
            ex.code,
            sessions
        );
        prop_assert_eq!(ex.state_at(clamped - TimeDelta::seconds(1), W), Open);
        // Nothing reopens between the clamped close and t.
        let mut at = clamped;
        while at <= t {
            prop_assert_ne!(ex.state_at(at, W), Open, "{} reopened at {}", ex.code, at);
            at = ex.next_change(at, W);
        }
    }
    Ok(())
}

proptest! {
    #[test]
    fn state_matches_the_wall_clock(t in any_instant()) {
        for spec in SPECS {
            let ex = exchange_for(spec.symbol);
            prop_assert_eq!(ex.state_at(t, W), reference_state(spec, t), "{} at {}", spec.symbol, t);
        }
    }

    #[test]
    fn state_matches_the_wall_clock_near_edges((i, t) in near_an_edge()) {
        let spec = &SPECS[i];
        let ex = exchange_for(spec.symbol);
        prop_assert_eq!(ex.state_at(t, W), reference_state(spec, t), "{} at {}", spec.symbol, t);
        check_next_change(ex, t)?;
        check_clamp(ex, t)?;
    }

    #[test]
    fn next_change_is_the_next_change(t in any_instant()) {
        for ex in all_exchanges() {
            check_next_change(ex, t)?;
        }
    }

    #[test]
    fn clamp_lands_in_or_at_the_end_of_a_session(t in any_instant()) {
        for ex in all_exchanges() {
            check_clamp(ex, t)?;
        }
    }
}
