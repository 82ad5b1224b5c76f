//! Feed dates, read leniently: RFC 822 and RFC 3339 first, then the variants feeds really send.

use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;

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

/// What a feed says about its own clock: the zone of times written without an offset, and whether
/// "CST" there means China Standard Time (UTC+8) rather than US Central.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct FeedZone {
    pub naive: Option<Tz>,
    pub china: bool,
}

/// Zones whose "CST" is China's.
const CHINA_ZONES: &[Tz] = &[
    Tz::Asia__Shanghai,
    Tz::Asia__Chongqing,
    Tz::Asia__Chungking,
    Tz::Asia__Harbin,
    Tz::Asia__Hong_Kong,
    Tz::Asia__Macau,
    Tz::Asia__Taipei,
    Tz::PRC,
    Tz::ROC,
    Tz::Hongkong,
];

impl FeedZone {
    /// From the feed's configured `tz`, its `<language>` (or `xml:lang`) and its host, in that order.
    pub fn infer(tz: Option<Tz>, language: Option<&str>, host: &str) -> FeedZone {
        let lang = language.map(|l| l.trim().to_ascii_lowercase()).unwrap_or_default();
        let host = host.trim_end_matches('.').to_ascii_lowercase();
        let by_host = [
            (".cn", Tz::Asia__Shanghai),
            (".hk", Tz::Asia__Hong_Kong),
            (".tw", Tz::Asia__Taipei),
            (".mo", Tz::Asia__Macau),
        ]
        .into_iter()
        .find(|(end, _)| host.ends_with(end))
        .map(|(_, tz)| tz);
        let naive = tz.or_else(|| language_zone(&lang)).or(by_host);
        let china = match tz {
            Some(tz) => CHINA_ZONES.contains(&tz),
            None => lang.starts_with("zh") || by_host.is_some(),
        };
        FeedZone { naive, china }
    }
}

/// The zone most feeds in `lang` write their dates in; none for languages spoken across many zones.
fn language_zone(lang: &str) -> Option<Tz> {
    let (main, region) = lang.split_once(['-', '_']).unwrap_or((lang, ""));
    Some(match main {
        "zh" if region.contains("tw") || region.contains("hant") && !region.contains("hk") => {
            Tz::Asia__Taipei
        }
        "zh" if region.contains("hk") || region.contains("mo") => Tz::Asia__Hong_Kong,
        "zh" => Tz::Asia__Shanghai,
        "ja" => Tz::Asia__Tokyo,
        "ko" => Tz::Asia__Seoul,
        _ => return None,
    })
}

/// Zone names feeds use that `%z` does not read.
fn zone_offset(name: &str, zone: FeedZone) -> Option<i32> {
    Some(match name {
        "GMT" | "UTC" | "UT" | "Z" => 0,
        "EST" => -5 * 3600,
        "EDT" => -4 * 3600,
        "CST" if zone.china => 8 * 3600,
        "CST" => -6 * 3600,
        "CDT" => -5 * 3600,
        "PST" => -8 * 3600,
        "PDT" => -7 * 3600,
        "HKT" | "SGT" | "AWST" => 8 * 3600,
        "CET" => 3600,
        "CEST" => 2 * 3600,
        "JST" | "KST" => 9 * 3600,
        _ => return None,
    })
}

/// A feed date with no zone of its own; `zone` says where the feed's clock is.
pub fn parse_lenient(raw: &str) -> Option<DateTime<Utc>> {
    parse_in(raw, FeedZone::default())
}

/// `parse_lenient` for a feed whose zone is known: "CST" in a Chinese feed is UTC+8, and a time
/// without an offset is read in the feed's zone (UTC when nothing says otherwise).
pub fn parse_in(raw: &str, zone: FeedZone) -> Option<DateTime<Utc>> {
    let s = raw.trim();
    if s.is_empty() {
        return None;
    }
    // chrono reads RFC 822's "CST" as US Central, whatever the feed: a Chinese feed's goes first.
    let china_cst = zone.china && s.ends_with(" CST");
    if !china_cst {
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
    }
    // A trailing zone name: "Sat, 16 Dec 2023 14:02:33 HKT".
    let named = s.rsplit_once(' ').and_then(|(b, z)| zone_offset(z, zone).map(|o| (b, o)));
    let body = named.map_or(s, |(b, _)| b);
    let local = |n: NaiveDateTime| -> Option<DateTime<Utc>> {
        match (named, zone.naive) {
            (Some((_, offset)), _) => chrono::FixedOffset::east_opt(offset)?
                .from_local_datetime(&n)
                .single()
                .map(|d| d.with_timezone(&Utc)),
            // The earlier of an hour that occurs twice; a skipped hour is read as the one after.
            (None, Some(tz)) => tz
                .from_local_datetime(&n)
                .earliest()
                .or_else(|| tz.from_local_datetime(&(n + chrono::Duration::hours(1))).earliest())
                .map(|d| d.with_timezone(&Utc)),
            (None, None) => Some(n.and_utc()),
        }
    };
    for f in NAIVE {
        if let Ok(n) = NaiveDateTime::parse_from_str(body, f) {
            return local(n);
        }
    }
    if let Some(n) = NaiveDate::parse_from_str(body, "%Y-%m-%d").ok().and_then(|d| d.and_hms_opt(0, 0, 0)) {
        return local(n);
    }
    // chrono refuses a date whose weekday is wrong ("Mon, 24 Nov 2026" on a Tuesday, often a weekday
    // taken in another zone); the day, month and time are still right, so read them without it.
    match s.split_once(',') {
        Some((day, rest)) if !day.is_empty() && day.chars().all(|c| c.is_ascii_alphabetic()) => {
            parse_in(rest, zone)
        }
        _ => short_offset(s).and_then(|s| parse_in(&s, zone)),
    }
}

/// An offset missing its last digit ("+09:0", seen in a Japanese RSS 1.0 feed) completed with a 0.
fn short_offset(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let n = b.len();
    (n > 6
        && matches!(b[n - 5], b'+' | b'-')
        && b[n - 4].is_ascii_digit()
        && b[n - 3].is_ascii_digit()
        && b[n - 2] == b':'
        && b[n - 1].is_ascii_digit())
    .then(|| format!("{s}0"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_offset_short_of_a_digit_is_completed() {
        assert_eq!(p("2017-06-13T12:18:00+09:0"), "2017-06-13T03:18:00+00:00");
        assert_eq!(p("2017-06-13T12:18:00+09:"), "none");
    }

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

    /// Sina and other mainland feeds write China's time as "CST" or with no zone at all.
    #[test]
    fn china_time_in_chinese_feeds() {
        let cn = FeedZone::infer(None, Some("zh-cn"), "finance.sina.com.cn");
        assert_eq!(cn, FeedZone { naive: Some(Tz::Asia__Shanghai), china: true });
        let q =
            |s: &str, z: FeedZone| parse_in(s, z).map(|d| d.to_rfc3339()).unwrap_or_else(|| "none".into());
        assert_eq!(q("Wed, 02 Dec 2026 10:00:00 CST", cn), "2026-12-02T02:00:00+00:00");
        assert_eq!(q("2026-12-02 09:30:00", cn), "2026-12-02T01:30:00+00:00");
        assert_eq!(q("2026-12-02", cn), "2026-12-01T16:00:00+00:00");
        // An explicit offset wins over everything the feed's zone says.
        assert_eq!(q("Wed, 02 Dec 2026 10:00:00 +0000", cn), "2026-12-02T10:00:00+00:00");
        // A US feed keeps US Central.
        let us = FeedZone::infer(None, Some("en-us"), "www.example.com");
        assert_eq!(us, FeedZone::default());
        assert_eq!(q("Wed, 02 Dec 2026 10:00:00 CST", us), "2026-12-02T16:00:00+00:00");
        assert_eq!(q("2026-12-02 09:30:00", us), "2026-12-02T09:30:00+00:00");
        // Each hint alone is enough: the configured zone, the language, the host.
        let by_tz = FeedZone::infer(Some(Tz::Asia__Hong_Kong), None, "news.google.com");
        assert!(by_tz.china);
        assert_eq!(q("Wed, 02 Dec 2026 10:00:00 CST", by_tz), "2026-12-02T02:00:00+00:00");
        assert!(FeedZone::infer(None, Some("zh-TW"), "x.com").china);
        assert_eq!(FeedZone::infer(None, Some("zh-TW"), "x.com").naive, Some(Tz::Asia__Taipei));
        assert!(FeedZone::infer(None, None, "rss.example.hk").china);
        // A configured zone outside China: naive times there, "CST" stays American.
        let ny = FeedZone::infer(Some(Tz::America__New_York), Some("zh-cn"), "x.cn");
        assert_eq!(ny, FeedZone { naive: Some(Tz::America__New_York), china: false });
        assert_eq!(q("2026-12-02 09:30:00", ny), "2026-12-02T14:30:00+00:00");
        // Japanese and Korean feeds: their own zones for naive times.
        assert_eq!(
            q("2026-12-02 09:30:00", FeedZone::infer(None, Some("ja"), "x.jp")),
            "2026-12-02T00:30:00+00:00"
        );
    }

    #[test]
    fn nonsense_is_none() {
        for s in ["", "yesterday", "32 Foo 2023", "2023-13-45"] {
            assert_eq!(parse_lenient(s), None, "{s}");
        }
    }
}
