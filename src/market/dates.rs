//! Feed dates, read leniently: RFC 822 and RFC 3339 first, then the variants feeds really send.

use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeZone, Utc};

const NAIVE: &[&str] = &[
    "%a, %b %d %Y %I:%M:%S %p", // Sat, Dec 16 2023 02:02:33 PM
    "%a, %b %d %Y %H:%M:%S",
    "%a, %d %b %Y %H:%M:%S", // RFC 822 without a zone
    "%a, %d %b %Y %H:%M",
    "%d %b %Y %H:%M:%S",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%dT%H:%M:%S%.f",
    "%Y/%m/%d %H:%M:%S",
    "%b %d, %Y %I:%M %p", // Dec 16, 2023 2:02 PM
];

const ZONED: &[&str] = &[
    "%a, %d %b %Y %H:%M:%S %z",
    "%a, %d %b %Y %H:%M %z",
    "%d %b %Y %H:%M:%S %z",
    "%Y-%m-%d %H:%M:%S %z",
    "%Y-%m-%dT%H:%M:%S%z",
    "%a %b %d %H:%M:%S %z %Y", // Sat Dec 16 14:02:33 +0000 2023
];

/// Zone names feeds use that `%z` does not read; naive times count as UTC.
fn zone_offset(name: &str) -> Option<i32> {
    Some(match name {
        "GMT" | "UTC" | "UT" | "Z" => 0,
        "EST" => -5 * 3600,
        "EDT" => -4 * 3600,
        "CST" => -6 * 3600,
        "CDT" => -5 * 3600,
        "PST" => -8 * 3600,
        "PDT" => -7 * 3600,
        "HKT" => 8 * 3600,
        "CET" => 3600,
        "CEST" => 2 * 3600,
        "JST" => 9 * 3600,
        _ => return None,
    })
}

pub fn parse_lenient(raw: &str) -> Option<DateTime<Utc>> {
    let s = raw.trim();
    if s.is_empty() {
        return None;
    }
    if let Ok(d) = DateTime::parse_from_rfc2822(s) {
        return Some(d.with_timezone(&Utc));
    }
    if let Ok(d) = DateTime::parse_from_rfc3339(s) {
        return Some(d.with_timezone(&Utc));
    }
    for f in ZONED {
        if let Ok(d) = DateTime::parse_from_str(s, f) {
            return Some(d.with_timezone(&Utc));
        }
    }
    // A trailing zone name: "Sat, 16 Dec 2023 14:02:33 HKT".
    let (body, offset) = match s.rsplit_once(' ').and_then(|(b, z)| zone_offset(z).map(|o| (b, o))) {
        Some((b, o)) => (b, o),
        None => (s, 0),
    };
    for f in NAIVE {
        if let Ok(n) = NaiveDateTime::parse_from_str(body, f) {
            let tz = chrono::FixedOffset::east_opt(offset)?;
            return tz.from_local_datetime(&n).single().map(|d| d.with_timezone(&Utc));
        }
    }
    if let Some(d) = NaiveDate::parse_from_str(body, "%Y-%m-%d").ok().and_then(|d| d.and_hms_opt(0, 0, 0)) {
        return Some(d.and_utc());
    }
    // chrono refuses a date whose weekday is wrong ("Mon, 24 Nov 2026" on a Tuesday, often a weekday
    // taken in another zone); the day, month and time are still right, so read them without it.
    match s.split_once(',') {
        Some((day, rest)) if !day.is_empty() && day.chars().all(|c| c.is_ascii_alphabetic()) => {
            parse_lenient(rest)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> String {
        parse_lenient(s).map(|d| d.to_rfc3339()).unwrap_or_else(|| "none".into())
    }

    #[test]
    fn common_forms() {
        assert_eq!(p("Sat, 01 Aug 2020 20:57:44 +0000"), "2020-08-01T20:57:44+00:00");
        assert_eq!(p("Sun, 08 Mar 2020 10:32:07 GMT"), "2020-03-08T10:32:07+00:00");
        assert_eq!(p("2021-04-29T16:45:49-04:00"), "2021-04-29T20:45:49+00:00");
        assert_eq!(p("Sat, Dec 16 2023 02:02:33 PM"), "2023-12-16T14:02:33+00:00");
        assert_eq!(p("Sat, 16 Dec 2023 22:02:33 HKT"), "2023-12-16T14:02:33+00:00");
        assert_eq!(p("2023-12-16 14:02:33"), "2023-12-16T14:02:33+00:00");
        assert_eq!(p("2023-12-16"), "2023-12-16T00:00:00+00:00");
        assert_eq!(p("Sat Dec 16 14:02:33 +0000 2023"), "2023-12-16T14:02:33+00:00");
    }

    #[test]
    fn nonsense_is_none() {
        for s in ["", "yesterday", "32 Foo 2023", "2023-13-45"] {
            assert_eq!(parse_lenient(s), None, "{s}");
        }
    }
}
