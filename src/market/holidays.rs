//! The built-in holiday tables, read once from the embedded `holidays.toml`: one table per
//! exchange (by clock label) and year, each naming the exchange's own notice it was taken from.

use std::sync::LazyLock;

use chrono::{Datelike, NaiveDate};
use serde::Deserialize;

use super::calendar::{Minute, Special, parse_hhmm};

const DATA: &str = include_str!("holidays.toml");

/// One exchange's year.
#[derive(Debug, PartialEq, Eq)]
pub struct YearTable {
    pub exchange: String,
    pub year: i32,
    /// False while the exchange has not published the year: then `days` is empty.
    pub published: bool,
    /// The exchange's notice, in short: what `chiptape calendar` names under its table.
    pub notice: String,
    /// Where the days were read and how they were checked, in full: for whoever corrects them.
    pub source: String,
    pub days: Vec<Special>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    calendar: Vec<RawTable>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTable {
    exchange: String,
    year: i32,
    published: bool,
    notice: String,
    source: String,
    days: Vec<RawDay>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDay {
    date: NaiveDate,
    name: String,
    open: Option<String>,
    close: Option<String>,
}

fn minute(table: &RawTable, raw: &Option<String>) -> Result<Option<Minute>, String> {
    raw.as_deref()
        .map(|t| {
            parse_hhmm(t).ok_or_else(|| format!("{} {}: {t:?} is not HH:MM", table.exchange, table.year))
        })
        .transpose()
}

/// The tables of a holidays file, checked: every day a weekday of the table's year, and nothing
/// listed for a year not yet published.
pub fn parse(text: &str) -> Result<Vec<YearTable>, String> {
    let file: File = toml::from_str(text).map_err(|e| e.to_string())?;
    let mut out = Vec::new();
    for t in &file.calendar {
        if !t.published && !t.days.is_empty() {
            return Err(format!("{} {}: an unpublished year lists days", t.exchange, t.year));
        }
        let mut days = Vec::new();
        for d in &t.days {
            if d.date.year() != t.year || d.date.weekday().number_from_monday() > 5 {
                return Err(format!("{} {}: {} is not a weekday of the year", t.exchange, t.year, d.date));
            }
            days.push(Special {
                date: d.date,
                name: d.name.clone(),
                open: minute(t, &d.open)?,
                close: minute(t, &d.close)?,
                from_config: false,
            });
        }
        days.sort_by_key(|d| d.date);
        out.push(YearTable {
            exchange: t.exchange.clone(),
            year: t.year,
            published: t.published,
            notice: t.notice.clone(),
            source: t.source.clone(),
            days,
        });
    }
    Ok(out)
}

/// The built-in tables. The embedded file is checked by the tests; were it ever unreadable, the
/// calendar would fall back to weekends only rather than stop the app.
pub fn builtin() -> &'static [YearTable] {
    static TABLES: LazyLock<Vec<YearTable>> = LazyLock::new(|| parse(DATA).unwrap_or_default());
    &TABLES
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_file_parses() {
        let tables = parse(DATA).expect("holidays.toml is valid");
        assert!(tables.len() >= 36, "{} tables", tables.len());
    }

    /// The notice is one short line to print under a table; the research goes in `source`.
    #[test]
    fn every_notice_is_short_and_names_no_address() {
        for t in parse(DATA).unwrap() {
            let n = &t.notice;
            assert!(n.chars().count() <= 72 && !n.contains("://"), "{} {}: {n}", t.exchange, t.year);
            assert_eq!(!t.published, n.starts_with("not published yet"), "{} {}: {n}", t.exchange, t.year);
        }
    }

    #[test]
    fn bad_tables_are_refused() {
        let head = "[[calendar]]\nexchange = \"NY\"\nyear = 2026\nnotice = \"n\"\nsource = \"x\"\n";
        let saturday =
            format!("{head}published = true\ndays = [{{ date = \"2026-11-28\", name = \"x\" }}]\n");
        let wrong_year =
            format!("{head}published = true\ndays = [{{ date = \"2027-11-26\", name = \"x\" }}]\n");
        let guessed =
            format!("{head}published = false\ndays = [{{ date = \"2026-11-26\", name = \"x\" }}]\n");
        let bad_time = format!(
            "{head}published = true\ndays = [{{ date = \"2026-11-27\", name = \"x\", close = \"1pm\" }}]\n"
        );
        for text in [saturday, wrong_year, guessed, bad_time] {
            assert!(parse(&text).is_err(), "accepted:\n{text}");
        }
        let good = format!(
            "{head}published = true\ndays = [{{ date = \"2026-11-27\", name = \"x\", close = \"13:00\" }}]\n"
        );
        assert_eq!(parse(&good).unwrap()[0].days[0].close, Some(13 * 60));
    }
}
