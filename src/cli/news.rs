//! `chiptape news`: fetch headlines once, print them newest first, exit.

use chrono::{DateTime, Duration, Utc};
use futures::StreamExt;
use std::collections::HashMap;
use std::io::Write;

use serde::Serialize;

use super::{EXIT_OK, EXIT_PARTIAL, EXIT_USAGE, Io, NewsFormat};
use crate::config::Config;
use crate::market::rfc3339;
use crate::market::series::{ChartRange, Series};
use crate::market::since::move_since_pct;
use crate::market::{Headline, HeadlineKind, Symbol};
use crate::present::sanitize::clean;
use crate::present::time;
use crate::providers::Providers;

/// One line of `news --format json`.
#[derive(Debug, Serialize)]
pub struct NewsRecord<'a> {
    pub title: &'a str,
    pub link: &'a str,
    pub source: &'a str,
    pub published: Option<String>,
    pub symbols: &'a [Symbol],
    pub feed: &'a str,
    /// The `news.highlight` phrases the title contains.
    pub highlight: Vec<&'a str>,
    pub kind: HeadlineKind,
    /// The filing's form or category ("8-K"), or null.
    pub form: Option<&'a str>,
    /// The first symbol's price now against the last at or before `published`, in percent; null
    /// when no series covers that time.
    pub move_since_pct: Option<f64>,
}

/// Series asked for at once for the move since.
const SERIES_CONCURRENCY: usize = 4;
/// A symbol whose oldest headline is younger than this gets a five-day series (finer bars), else
/// a month: five trading days reach back at least this far.
const FIVE_DAYS_REACH: i64 = 4;

/// The move since each headline, for its first symbol: one series per distinct symbol, `5D` or
/// `1M` by its oldest headline's age, a few at a time. A series that fails leaves its moves null.
pub async fn moves_since(providers: &Providers, items: &[&Headline], now: DateTime<Utc>) -> Vec<Option<f64>> {
    let mut oldest: Vec<(Symbol, DateTime<Utc>)> = Vec::new();
    for h in items {
        let (Some(sym), Some(at)) = (h.symbols.first(), h.published) else { continue };
        match oldest.iter_mut().find(|(s, _)| s == sym) {
            Some((_, t)) => *t = (*t).min(at),
            None => oldest.push((sym.clone(), at)),
        }
    }
    let jobs = oldest.into_iter().map(|(sym, at)| {
        let range = if now - at <= Duration::days(FIVE_DAYS_REACH) { ChartRange::D5 } else { ChartRange::M1 };
        async move {
            let series = providers.charts.series(&sym, range).await.ok();
            (sym, series)
        }
    });
    let series: HashMap<Symbol, Series> = futures::stream::iter(jobs)
        .buffer_unordered(SERIES_CONCURRENCY)
        .filter_map(|(sym, s)| async move { s.map(|s| (sym, s)) })
        .collect()
        .await;
    items.iter().map(|h| move_since_pct(series.get(h.symbols.first()?)?, h.published)).collect()
}

/// The moves since for `print` in `fmt`: `news` and `filings` print the same figure.
pub async fn moves_for(
    fmt: NewsFormat,
    providers: &Providers,
    items: &[&Headline],
    now: DateTime<Utc>,
) -> Vec<Option<f64>> {
    match fmt {
        // The table has no room for it: only the machine formats wait for the series.
        NewsFormat::Table => Vec::new(),
        NewsFormat::Json | NewsFormat::Csv => moves_since(providers, items, now).await,
    }
}

/// What `news` narrows the list to.
#[derive(Debug, Clone, Copy, Default)]
pub struct Only<'a> {
    pub symbol: Option<&'a str>,
    pub kind: Option<HeadlineKind>,
}

pub async fn news(
    providers: &Providers,
    cfg: &Config,
    only: Only<'_>,
    limit: usize,
    fmt: NewsFormat,
    now: DateTime<Utc>,
    io: Io<'_>,
) -> i32 {
    let Io { out, err } = io;
    let filter = match watchlist_symbol(cfg, only.symbol, err) {
        Ok(f) => f,
        Err(code) => return code,
    };
    let batch = providers.news.headlines(&cfg.all_symbols()).await;
    let mut code = EXIT_OK;
    for (feed, e) in &batch.errors {
        let _ = writeln!(err, "chiptape: feed {feed:?}: {}", clean(e));
        // EDGAR left alone for want of a contact is a setting, not data that failed to come.
        if e != crate::providers::official::sec::NO_CONTACT {
            code = EXIT_PARTIAL;
        }
    }
    // Merged as the TUI merges them: a date from a clock hours ahead counts from now.
    let mut items: Vec<Headline> = Vec::new();
    crate::market::news::merge(&mut items, batch.headlines, usize::MAX, Some(now));
    let items: Vec<&Headline> = items
        .iter()
        .filter(|h| filter.as_ref().is_none_or(|s| h.symbols.contains(s)))
        .filter(|h| only.kind.is_none_or(|k| h.kind == k))
        .take(limit)
        .collect();
    let moves = moves_for(fmt, providers, &items, now).await;
    if let Err(e) = print(out, cfg, &items, &moves, fmt, now) {
        let _ = writeln!(err, "chiptape: cannot write output: {e}");
        return EXIT_PARTIAL;
    }
    code
}

/// `--symbol`, parsed and on the watchlist; else the exit code, the reason said on `err`.
pub fn watchlist_symbol(cfg: &Config, raw: Option<&str>, err: &mut dyn Write) -> Result<Option<Symbol>, i32> {
    let filter = match raw.map(Symbol::parse).transpose() {
        Ok(f) => f,
        Err(e) => {
            let _ = writeln!(err, "chiptape: --symbol: {e}");
            return Err(EXIT_USAGE);
        }
    };
    // Headlines are tied to the watchlist's symbols only: any other would print an empty list that
    // reads as "no news", so it is refused instead.
    if let Some(s) = &filter
        && !cfg.all_symbols().contains(s)
    {
        let _ = writeln!(
            err,
            "chiptape: --symbol {s}: not on the watchlist, and headlines are only tied to its symbols; \
             add it to a [[groups]] list (or with `a` in the app) first"
        );
        return Err(EXIT_USAGE);
    }
    Ok(filter)
}

/// The list in `fmt`: `news` and `filings` print the same records. `moves` are the items' moves
/// since, in their order (missing ones null).
pub fn print(
    out: &mut dyn Write,
    cfg: &Config,
    items: &[&Headline],
    moves: &[Option<f64>],
    fmt: NewsFormat,
    now: DateTime<Utc>,
) -> std::io::Result<()> {
    match fmt {
        NewsFormat::Csv => write_csv(out, cfg, items, moves),
        NewsFormat::Json => {
            let recs: Vec<NewsRecord> = items
                .iter()
                .enumerate()
                .map(|(i, h)| NewsRecord {
                    title: &h.title,
                    link: &h.link,
                    source: &h.source,
                    published: h.published.map(rfc3339),
                    symbols: &h.symbols,
                    feed: &h.feed,
                    highlight: crate::market::alerts::phrases_in(&h.title, &cfg.news.highlight),
                    kind: h.kind,
                    form: h.form.as_deref(),
                    move_since_pct: moves.get(i).copied().flatten(),
                })
                .collect();
            serde_json::to_string_pretty(&recs)
                .map_err(std::io::Error::other)
                .and_then(|t| writeln!(out, "{t}"))
        }
        NewsFormat::Table => items.iter().try_for_each(|h| {
            use crate::present::text::{fit, pad, rpad};
            let age = h.published.map_or(String::new(), |p| time::age(p, now));
            let syms: Vec<&str> = h.symbols.iter().map(|s| s.as_str()).collect();
            let source = match &h.form {
                Some(f) => format!("{} {f}", h.source),
                None => h.source.clone(),
            };
            writeln!(
                out,
                "{} {} {} {}",
                rpad(&age, 4),
                pad(&source, 14),
                pad(&syms.join(","), 18),
                fit(&h.title, 120)
            )
        }),
    }
}

/// The JSON's fields as columns; lists (symbols, highlight) joined by `;`.
fn write_csv(
    out: &mut dyn std::io::Write,
    cfg: &Config,
    items: &[&Headline],
    moves: &[Option<f64>],
) -> std::io::Result<()> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let header = [
        "title",
        "link",
        "source",
        "published",
        "symbols",
        "feed",
        "highlight",
        "kind",
        "form",
        "move_since_pct",
    ];
    w.write_record(header).map_err(std::io::Error::other)?;
    for (i, h) in items.iter().enumerate() {
        let symbols: Vec<&str> = h.symbols.iter().map(|s| s.as_str()).collect();
        let kind = serde_json::to_value(h.kind).ok().and_then(|v| v.as_str().map(str::to_string));
        w.write_record([
            h.title.as_str(),
            &h.link,
            &h.source,
            &h.published.map(rfc3339).unwrap_or_default(),
            &symbols.join(";"),
            &h.feed,
            &crate::market::alerts::phrases_in(&h.title, &cfg.news.highlight).join(";"),
            &kind.unwrap_or_default(),
            h.form.as_deref().unwrap_or(""),
            &moves.get(i).copied().flatten().map(|m| m.to_string()).unwrap_or_default(),
        ])
        .map_err(std::io::Error::other)?;
    }
    let bytes = w.into_inner().map_err(|e| std::io::Error::other(e.to_string()))?;
    out.write_all(&bytes)
}
