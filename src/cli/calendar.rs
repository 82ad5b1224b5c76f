//! `chiptape calendar`: the trading calendar in force, from the built-in tables and `[[holidays]]`.

use chrono::{DateTime, Datelike, Utc};
use serde::Serialize;

use super::{CalendarFormat, EXIT_OK, EXIT_USAGE, Io};
use crate::config::Config;
use crate::market::calendar::{Coverage, Minute, Special};
use crate::market::exchange::calendar_labels;
use crate::present::text::{pad, rpad};
use crate::present::time;

/// One line of `calendar --format json`.
#[derive(Debug, Serialize)]
pub struct DayRecord<'a> {
    pub exchange: &'a str,
    pub date: String,
    pub name: &'a str,
    /// "closed" or "half_day" (any shortened day).
    pub kind: &'static str,
    /// Local "HH:MM" the session ends on a half day.
    pub close: Option<String>,
    /// Local "HH:MM" the session starts on a day that opens late.
    pub open: Option<String>,
    /// "built-in" or "config".
    pub source: &'static str,
}

fn hhmm(m: Option<Minute>) -> Option<String> {
    m.map(time::hhmm)
}

fn record<'a>(exchange: &'a str, d: &'a Special) -> DayRecord<'a> {
    DayRecord {
        exchange,
        date: d.date.format("%Y-%m-%d").to_string(),
        name: &d.name,
        kind: if d.is_closed() { "closed" } else { "half_day" },
        close: hhmm(d.close),
        open: hhmm(d.open),
        source: if d.from_config { "config" } else { "built-in" },
    }
}

pub fn calendar(
    cfg: &Config,
    exchange: Option<&str>,
    year: Option<i32>,
    fmt: CalendarFormat,
    now: DateTime<Utc>,
    io: Io<'_>,
) -> i32 {
    let Io { out, err } = io;
    let labels = calendar_labels();
    let exchange = exchange.map(|e| e.trim().to_ascii_uppercase());
    if let Some(e) = &exchange
        && !labels.contains(&e.as_str())
    {
        let _ = writeln!(
            err,
            "chiptape: --exchange {e:?} is not one of the clocks' codes: {}",
            labels.join(", ")
        );
        return EXIT_USAGE;
    }
    let cal = &cfg.calendar;
    // Without --year: this year and the next, the two the tables keep.
    let years: Vec<i32> = match year {
        Some(y) => vec![y],
        None => vec![now.year(), now.year() + 1],
    };
    let days: Vec<(String, Special)> =
        years.iter().flat_map(|y| cal.days(exchange.as_deref(), Some(*y))).collect();
    // Say which years are weekends only, so an empty answer is not read as "no holidays".
    let shown: Vec<&str> = exchange.as_deref().map_or(labels.clone(), |e| vec![e]);
    for &label in &shown {
        for &y in &years {
            let why = match cal.coverage(label, y) {
                Coverage::Known => continue,
                Coverage::NotPublished => "not published by the exchange yet",
                Coverage::Unknown => "beyond the built-in table",
            };
            let extra = if cal.has_config_days(label, y) { "; only the config's [[holidays]]" } else { "" };
            let _ = writeln!(err, "chiptape: {label} {y}: {why}: weekends only{extra}");
        }
    }
    let written = match fmt {
        CalendarFormat::Json => {
            let recs: Vec<DayRecord> = days.iter().map(|(e, d)| record(e, d)).collect();
            serde_json::to_string_pretty(&recs)
                .map_err(std::io::Error::other)
                .and_then(|t| writeln!(out, "{t}"))
        }
        CalendarFormat::Table => table(cfg, &days, &shown, &years, out),
    };
    // A closed pipe (`| head`) is not an error worth a message.
    let _ = written;
    EXIT_OK
}

fn table(
    cfg: &Config,
    days: &[(String, Special)],
    shown: &[&str],
    years: &[i32],
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    writeln!(
        out,
        "{} {} {} {} {} NAME",
        pad("EXCH", 5),
        pad("DATE", 10),
        pad("DAY", 3),
        pad("HOURS", 13),
        pad("FROM", 8)
    )?;
    for (ex, d) in days {
        let hours = match (hhmm(d.open), hhmm(d.close)) {
            (None, None) => "closed".to_string(),
            (Some(o), None) => format!("opens {o}"),
            (None, Some(c)) => format!("closes {c}"),
            (Some(o), Some(c)) => format!("{o}–{c}"),
        };
        let from = if d.from_config { "config" } else { "built-in" };
        writeln!(
            out,
            "{} {} {} {} {} {}",
            pad(ex, 5),
            d.date.format("%Y-%m-%d"),
            d.date.format("%a"),
            pad(&hours, 13),
            pad(from, 8),
            d.name
        )?;
    }
    // Whose notice each year's built-in days come from, one line each (the research behind it is
    // in holidays.toml, for whoever corrects a date, not for every reader of the table).
    writeln!(out)?;
    for t in cfg
        .calendar
        .tables()
        .iter()
        .filter(|t| shown.contains(&t.exchange.as_str()) && years.contains(&t.year))
    {
        writeln!(out, "{} {}  {}", pad(&t.exchange, 4), rpad(&t.year.to_string(), 4), t.notice)?;
    }
    Ok(())
}
