//! `chiptape events`: the watchlist's coming earnings and dividends by date, from one fetch of its
//! quotes through the same sources as `chiptape quotes`.

use std::io::Write;

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::{EXIT_OK, EXIT_PARTIAL, EventsFormat, Io};
use crate::config::Config;
use crate::market::events::{Coming, EventKind, coming};
use crate::market::exchange::exchange_for;
use crate::market::{Quote, Symbol, rfc3339};
use crate::present::sanitize::clean;
use crate::present::text::pad;
use crate::providers::Providers;
use crate::store::cache::CachedQuote;

/// One line of `events --format json`.
#[derive(Debug, Serialize)]
pub struct EventRecord {
    /// The exchange-local date, YYYY-MM-DD.
    pub date: String,
    pub symbol: Symbol,
    pub name: Option<String>,
    pub kind: EventKind,
    pub estimate: bool,
    /// The announced time (RFC 3339); null for dates without one and for estimates.
    pub time: Option<String>,
}

/// Every watchlist symbol's coming dates, earliest first; on one date, in config order.
fn records(cfg: &Config, quotes: &[(usize, &Quote)], now: DateTime<Utc>, days: i64) -> Vec<EventRecord> {
    let mut all: Vec<(usize, &Quote, Coming)> = quotes
        .iter()
        .flat_map(|&(i, q)| {
            let tz = exchange_for(q.symbol.as_str()).tz;
            coming(&q.events, tz, now, days).into_iter().map(move |c| (i, q, c))
        })
        .collect();
    all.sort_by_key(|(i, _, c)| (c.date, *i, c.kind));
    all.into_iter()
        .map(|(_, q, c)| EventRecord {
            date: c.date.format("%Y-%m-%d").to_string(),
            symbol: q.symbol.clone(),
            name: cfg.name_of(&q.symbol).map(str::to_string).or_else(|| q.name.clone()),
            kind: c.kind,
            estimate: c.estimate,
            time: c.time.map(rfc3339),
        })
        .collect()
}

/// `cached` (the last run's quotes) stands in, as for `chiptape quotes`, for a symbol the source
/// cannot give now: event dates change rarely, so the last known ones are still worth printing.
pub async fn events(
    cfg: &Config,
    providers: &Providers,
    cached: &[CachedQuote],
    days: u16,
    fmt: EventsFormat,
    now: DateTime<Utc>,
    io: Io<'_>,
) -> i32 {
    let Io { out, err } = io;
    let symbols = cfg.all_symbols();
    let mut code = EXIT_OK;
    let results = match providers.quotes.quotes(&symbols).await {
        Ok(r) => r,
        Err(e) if !cached.iter().any(|c| symbols.contains(&c.quote.symbol)) => {
            // Nothing came: the (empty) list is still printed, so a script reads valid output.
            code = super::quotes::fail(err, &e);
            Vec::new()
        }
        Err(e) => symbols.iter().map(|s| (s.clone(), Err(clean(&e.to_string()).into()))).collect(),
    };
    let mut quotes: Vec<(usize, Quote)> = Vec::new();
    for (i, sym) in symbols.iter().enumerate() {
        let why = match results.iter().find(|(s, _)| s == sym).map(|(_, o)| o) {
            Some(Ok(q)) => {
                quotes.push((i, q.clone()));
                continue;
            }
            Some(Err(e)) => clean(&e.to_string()),
            None if results.is_empty() => continue,
            None => "no data".to_string(),
        };
        code = code.max(EXIT_PARTIAL);
        let last = cached.iter().find(|c| &c.quote.symbol == sym).map(|c| c.clone().into_quote());
        let note = if last.is_some() { " (its dates from the last run)" } else { "" };
        let _ = writeln!(err, "chiptape: {sym}: {why}{note}");
        quotes.extend(last.map(|q| (i, q)));
    }
    let quotes: Vec<(usize, &Quote)> = quotes.iter().map(|(i, q)| (*i, q)).collect();
    let list = records(cfg, &quotes, now, i64::from(days));
    let written = match fmt {
        EventsFormat::Json => serde_json::to_string_pretty(&list)
            .map_err(std::io::Error::other)
            .and_then(|text| writeln!(out, "{text}")),
        EventsFormat::Table => write_table(out, &list, days),
    };
    if let Err(e) = written {
        let _ = writeln!(err, "chiptape: cannot write output: {e}");
        return EXIT_PARTIAL;
    }
    code
}

fn write_table(out: &mut dyn Write, list: &[EventRecord], days: u16) -> std::io::Result<()> {
    if list.is_empty() {
        return writeln!(out, "no earnings or dividends known in the next {days} days");
    }
    writeln!(out, "{} {} {} EVENT", pad("DATE", 10), pad("SYMBOL", 10), pad("NAME", 18))?;
    for r in list {
        let mut what = r.kind.label().to_string();
        if r.estimate {
            what.push_str(" (estimated)");
        }
        if let Some(t) = r.time.as_deref().and_then(|t| DateTime::parse_from_rfc3339(t).ok()) {
            let tz = exchange_for(r.symbol.as_str()).tz;
            what.push_str(&t.with_timezone(&tz).format(" %H:%M %Z").to_string());
        }
        writeln!(
            out,
            "{} {} {} {what}",
            pad(&r.date, 10),
            pad(r.symbol.as_str(), 10),
            pad(r.name.as_deref().unwrap_or(""), 18)
        )?;
    }
    Ok(())
}
