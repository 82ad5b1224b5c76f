//! `chiptape quotes`: fetch once, print every watchlist symbol (or one group), exit.

use std::collections::HashMap;
use std::io::Write;

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::{EXIT_OK, EXIT_PARTIAL, EXIT_USAGE, Io, QuoteFormat, QuotesArgs};
use crate::config::Config;
use crate::market::exchange::exchange_for;
use crate::market::limits::AtLimit;
use crate::market::portfolio::{self, Holding, Totals};
use crate::market::rfc3339;
use crate::market::{MarketState, Quote, QuoteOutcome, Symbol};
use crate::present::money::Money;
use crate::present::number;
use crate::present::sanitize::clean;
use crate::providers::{ProviderError, Providers};
use crate::store::cache::CachedQuote;

/// One line of `quotes --format json`: the stable contract of PRODUCT.md. The quote's own fields
/// are the domain type's, flattened in.
#[derive(Debug, Serialize)]
pub struct QuoteRecord {
    #[serde(flatten)]
    pub quote: Quote,
    /// The first group (of those printed) that lists the symbol.
    pub group: String,
    pub stale: bool,
    pub error: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub position: Option<Holding>,
    /// The other line of a dual listing.
    pub pair: Option<Symbol>,
    /// The A line over the H line, in percent, on both rows; null when a side or the rate is missing.
    pub ah_premium_pct: Option<f64>,
    pub at_limit: Option<AtLimit>,
}

/// The config's name for a symbol wins over the source's; a symbol without a quote still has its
/// market's state.
fn record(
    cfg: &Config,
    sym: &Symbol,
    group: &str,
    outcome: &QuoteOutcome,
    now: DateTime<Utc>,
) -> QuoteRecord {
    let name = cfg.name_of(sym).map(str::to_string);
    let (quote, error) = match outcome {
        Ok(q) => (Quote { symbol: sym.clone(), name: name.or_else(|| q.name.clone()), ..q.clone() }, None),
        Err(e) => {
            let market_state =
                MarketState::from_session(exchange_for(sym.as_str()).state_at(now, &cfg.calendar));
            (Quote { symbol: sym.clone(), name, market_state, ..Quote::default() }, Some(e.to_string()))
        }
    };
    let pair = cfg.pair_of(sym).cloned();
    QuoteRecord {
        quote,
        group: group.to_string(),
        stale: false,
        error,
        position: None,
        pair,
        ah_premium_pct: None,
        at_limit: None,
    }
}

/// The last run's quote for `sym`, when the source could not give one now: printed as stale, with
/// why the fresh one is missing.
fn from_cache(
    cfg: &Config,
    cached: &[CachedQuote],
    sym: &Symbol,
    group: &str,
    why: &str,
) -> Option<QuoteRecord> {
    let c = cached.iter().find(|c| &c.quote.symbol == sym)?;
    let quote = c.clone().into_quote();
    let name = cfg.name_of(sym).map(str::to_string).or_else(|| quote.name.clone());
    let quote = Quote { name, ..quote };
    Some(QuoteRecord {
        quote,
        group: group.to_string(),
        stale: true,
        error: Some(why.to_string()),
        position: None,
        pair: cfg.pair_of(sym).cloned(),
        ah_premium_pct: None,
        at_limit: None,
    })
}

/// Quotes for `symbols` added to `known`, as far as the source gives them.
async fn fetch_into(providers: &Providers, symbols: &[Symbol], known: &mut HashMap<Symbol, Quote>) {
    if let Ok(r) = providers.quotes.quotes(symbols).await {
        known.extend(r.into_iter().filter_map(|(s, o)| o.ok().map(|q| (s, q))));
    }
}

/// A request that failed as a whole: said on stderr, with the exit code it means.
pub(super) fn fail(err: &mut dyn Write, e: &ProviderError) -> i32 {
    let _ = writeln!(err, "chiptape: {e}");
    if matches!(e, ProviderError::Unsupported(_)) { EXIT_USAGE } else { EXIT_PARTIAL }
}

pub async fn quotes(
    cfg: &Config,
    providers: &Providers,
    cached: &[CachedQuote],
    args: &QuotesArgs,
    now: DateTime<Utc>,
    io: Io<'_>,
) -> i32 {
    let Io { out, err } = io;
    let (fmt, with_totals) = (args.format, args.totals);
    let groups: Vec<&crate::config::Group> = match args.group.as_deref() {
        Some(name) => match cfg.group(name) {
            Some(g) => vec![g],
            None => {
                let names: Vec<&str> = cfg.groups.iter().map(|g| g.name.as_str()).collect();
                let _ = writeln!(err, "chiptape: no group named {name:?}; groups: {}", names.join(", "));
                return EXIT_USAGE;
            }
        },
        None => cfg.groups.iter().collect(),
    };
    // Every symbol once, in config order, with the first group that lists it.
    let mut listed: Vec<(&Symbol, &str)> = Vec::new();
    for g in &groups {
        for s in &g.symbols {
            if !listed.iter().any(|(x, _)| *x == s) {
                listed.push((s, g.name.as_str()));
            }
        }
    }
    let symbols: Vec<Symbol> = listed.iter().map(|(s, _)| (*s).clone()).collect();
    // A dual listing's other line and the rates between their currencies go in the same batch.
    let pairs = cfg.pairs_missing_from(&symbols);
    let dual_fx = if symbols.iter().any(|s| cfg.pair_of(s).is_some()) {
        portfolio::fx_pairs(crate::market::dual::CURRENCIES, &cfg.base_currency)
    } else {
        Vec::new()
    };
    let batch: Vec<Symbol> = symbols.iter().chain(&pairs).chain(&dual_fx).cloned().collect();
    let results = match providers.quotes.quotes(&batch).await {
        Ok(r) => r,
        Err(e) if !cached.iter().any(|c| symbols.contains(&c.quote.symbol)) => return fail(err, &e),
        // Nothing fresh: every symbol fails the same way, and the cache stands in, marked stale.
        Err(e) => symbols.iter().map(|s| (s.clone(), Err(clean(&e.to_string()).into()))).collect(),
    };
    let by_symbol: HashMap<&Symbol, &QuoteOutcome> = results.iter().map(|(s, o)| (s, o)).collect();
    let missing: QuoteOutcome = Err("no data".into());
    let mut code = EXIT_OK;
    let mut records = Vec::new();
    // What the batch brought for the other lines and the rates is used, never printed.
    let extra: Vec<&Symbol> = pairs.iter().chain(&dual_fx).collect();
    for (s, o) in results.iter().filter(|(s, _)| extra.contains(&s)) {
        if let Err(e) = o {
            let _ = writeln!(err, "chiptape: {s} (for the A/H premium): {}", clean(&e.to_string()));
        }
    }
    for (sym, group) in &listed {
        let outcome = by_symbol.get(sym).copied().unwrap_or(&missing);
        if let Err(e) = outcome {
            let e = e.to_string();
            let _ = writeln!(err, "chiptape: {sym}: {}", clean(&e));
            code = EXIT_PARTIAL;
            if let Some(r) = from_cache(cfg, cached, sym, group, &clean(&e)) {
                records.push(r);
                continue;
            }
        }
        records.push(record(cfg, sym, group, outcome, now));
    }
    desk_figures(cfg, &mut records, &results);

    // Positions: rates to the base currency come from the same source, as FX pairs.
    let mut totals = None;
    if !cfg.positions.is_empty() {
        let mut known: HashMap<Symbol, Quote> = HashMap::new();
        for (s, o) in &results {
            if let Ok(q) = o {
                known.insert(s.clone(), q.clone());
            }
        }
        let held: Vec<Symbol> = portfolio::lots(&cfg.positions).into_keys().collect();
        let extra: Vec<Symbol> = held.iter().filter(|s| !known.contains_key(*s)).cloned().collect();
        if with_totals && !extra.is_empty() {
            fetch_into(providers, &extra, &mut known).await;
        }
        let fx: Vec<Symbol> =
            portfolio::fx_pairs(known.values().filter_map(|q| q.currency.as_deref()), &cfg.base_currency)
                .into_iter()
                // The A/H premium's rates came with the batch.
                .filter(|s| !known.contains_key(s))
                .collect();
        if !fx.is_empty() {
            fetch_into(providers, &fx, &mut known).await;
        }
        let valued = portfolio::value_all(
            &cfg.positions,
            &cfg.base_currency,
            |s| known.get(s),
            |fx| known.get(fx).and_then(|q| q.price),
        );
        for r in &mut records {
            r.position = valued.holdings.get(&r.quote.symbol).cloned();
        }
        totals = with_totals.then_some(valued.totals);
    }

    let written = match fmt {
        QuoteFormat::Json => write_json(out, &records, totals.as_ref()),
        QuoteFormat::Csv => write_csv(out, &records, totals.as_ref()),
        QuoteFormat::Table => write_table(out, &records, totals.as_ref()),
    };
    if let Err(e) = written {
        let _ = writeln!(err, "chiptape: cannot write output: {e}");
        return EXIT_PARTIAL;
    }
    code
}

/// Each record's limit mark, and a dual listing's premium from this batch's prices and rates (a
/// stale price from the cache is not mixed with a fresh one).
fn desk_figures(cfg: &Config, records: &mut [QuoteRecord], results: &[(Symbol, QuoteOutcome)]) {
    let price = |s: &Symbol| results.iter().find(|(x, _)| x == s)?.1.as_ref().ok()?.price;
    let rate = crate::market::dual::hkd_to_cny(&cfg.base_currency, price);
    for r in records.iter_mut() {
        r.at_limit = if r.stale { None } else { crate::market::limits::at_limit(&r.quote) };
        r.ah_premium_pct = r
            .pair
            .as_ref()
            .and_then(|p| crate::market::dual::a_and_h(&r.quote.symbol, p))
            .and_then(|(a, h)| crate::market::dual::ah_premium_pct(price(a), price(h), rate));
    }
}

fn write_json(out: &mut dyn Write, records: &[QuoteRecord], totals: Option<&Totals>) -> std::io::Result<()> {
    #[derive(Serialize)]
    struct WithTotals<'a> {
        quotes: &'a [QuoteRecord],
        totals: &'a Totals,
    }
    let text = match totals {
        Some(t) => serde_json::to_string_pretty(&WithTotals { quotes: records, totals: t }),
        None => serde_json::to_string_pretty(records),
    }
    .map_err(std::io::Error::other)?;
    writeln!(out, "{text}")
}

fn opt(v: Option<f64>) -> String {
    v.map_or(String::new(), |x| x.to_string())
}

/// A position's figure in full, or an empty cell.
fn held(v: Option<f64>) -> String {
    v.map_or(String::new(), |x| Money::SHOWN.exact(x))
}

/// The columns of `quotes --format csv`: the JSON's, then the position's; `group` stays last.
const CSV_HEADER: [&str; 36] = [
    "symbol",
    "name",
    "currency",
    "price",
    "change",
    "change_pct",
    "previous_close",
    "open",
    "day_high",
    "day_low",
    "volume",
    "market_cap",
    "market_state",
    "exchange",
    "time",
    "stale",
    "error",
    "extended_price",
    "extended_change_pct",
    "delay_min",
    "source",
    "quantity",
    "avg_cost",
    "value",
    "value_base",
    "day_pnl",
    "total_pnl",
    "total_pnl_pct",
    "name_zh",
    "pair",
    "ah_premium_pct",
    "limit_up",
    "limit_down",
    "at_limit",
    "halted",
    "group",
];

fn write_csv(out: &mut dyn Write, records: &[QuoteRecord], totals: Option<&Totals>) -> std::io::Result<()> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let header = CSV_HEADER;
    w.write_record(header).map_err(std::io::Error::other)?;
    for r in records {
        let p = r.position.as_ref();
        w.write_record([
            r.quote.symbol.to_string(),
            r.quote.name.clone().unwrap_or_default(),
            r.quote.currency.clone().unwrap_or_default(),
            opt(r.quote.price),
            opt(r.quote.change),
            opt(r.quote.change_pct),
            opt(r.quote.previous_close),
            opt(r.quote.open),
            opt(r.quote.day_high),
            opt(r.quote.day_low),
            r.quote.volume.map_or(String::new(), |v| v.to_string()),
            opt(r.quote.market_cap),
            r.quote.market_state.label().to_string(),
            r.quote.exchange.clone().unwrap_or_default(),
            r.quote.time.map(rfc3339).unwrap_or_default(),
            r.stale.to_string(),
            r.error.clone().unwrap_or_default(),
            opt(r.quote.extended_price),
            opt(r.quote.extended_change_pct),
            r.quote.delay_min.to_string(),
            r.quote.source.label().to_string(),
            held(p.map(|p| p.quantity)),
            held(p.map(|p| p.avg_cost)),
            held(p.and_then(|p| p.value)),
            held(p.and_then(|p| p.value_base)),
            held(p.and_then(|p| p.day_pnl)),
            held(p.and_then(|p| p.total_pnl)),
            held(p.and_then(|p| p.total_pnl_pct)),
            r.quote.name_zh.clone().unwrap_or_default(),
            r.pair.as_ref().map_or(String::new(), |p| p.to_string()),
            opt(r.ah_premium_pct),
            opt(r.quote.limit_up),
            opt(r.quote.limit_down),
            match r.at_limit {
                Some(AtLimit::Up) => "up".to_string(),
                Some(AtLimit::Down) => "down".to_string(),
                None => String::new(),
            },
            r.quote.halted.to_string(),
            r.group.clone(),
        ])
        .map_err(std::io::Error::other)?;
    }
    if let Some(t) = totals {
        w.write_record(totals_row(t)).map_err(std::io::Error::other)?;
    }
    let bytes = w.into_inner().map_err(|e| std::io::Error::other(e.to_string()))?;
    out.write_all(&bytes)
}

/// `--totals` in CSV: a last row under the same header, `TOTAL` for a symbol, the base currency
/// for its currency, the sums in the base-currency columns, and what was left out in `error`, so a
/// spreadsheet sums nothing twice and a script finds it by its symbol.
fn totals_row(t: &Totals) -> Vec<String> {
    let mut row = vec![String::new(); CSV_HEADER.len()];
    let mut left_out = Vec::new();
    if !t.missing_rates.is_empty() {
        left_out.push(format!("no exchange rate for {}", t.missing_rates.join(", ")));
    }
    if !t.missing_prices.is_empty() {
        left_out.push(format!("no price for {}", t.missing_prices.join(", ")));
    }
    let mut set = |column: &str, v: String| {
        if let Some(i) = CSV_HEADER.iter().position(|c| *c == column) {
            row[i] = v;
        }
    };
    set("symbol", "TOTAL".into());
    set("currency", t.currency.clone());
    set("error", left_out.join("; "));
    set("value_base", held(Some(t.value)));
    set("day_pnl", held(Some(t.day_pnl)));
    set("total_pnl", held(Some(t.total_pnl)));
    set("total_pnl_pct", held(t.total_pnl_pct));
    row
}

fn write_table(out: &mut dyn Write, records: &[QuoteRecord], totals: Option<&Totals>) -> std::io::Result<()> {
    use crate::present::text::{pad, rpad};
    writeln!(
        out,
        "{} {} {} {} {} {} {} STATE",
        pad("SYMBOL", 10),
        pad("NAME", 18),
        rpad("LAST", 10),
        rpad("CHG", 9),
        rpad("CHG%", 9),
        rpad("VOLUME", 8),
        pad("CUR", 4),
    )?;
    let several = records.iter().any(|r| r.group != records[0].group);
    let mut group: Option<&str> = None;
    for r in records {
        // Several groups: each under its name.
        if several && group != Some(r.group.as_str()) {
            writeln!(out, "── {} ──", r.group)?;
            group = Some(r.group.as_str());
        }
        let last = r.quote.price.map_or("—".to_string(), number::price);
        let mut state = match &r.error {
            Some(e) => format!("error: {}", clean(e)),
            None if r.quote.halted => "halted".to_string(),
            None if r.quote.delay_min > 0 => {
                format!("{} ({}m delay)", r.quote.market_state.label(), r.quote.delay_min)
            }
            None => r.quote.market_state.label().to_string(),
        };
        if let Some(l) = r.at_limit {
            state.push_str(&format!(" · {}", l.mark(false)));
        }
        if let Some(p) = r.ah_premium_pct {
            state.push_str(&format!(" · A/H {}", number::pct(p)));
        }
        writeln!(
            out,
            "{} {} {} {} {} {} {} {}",
            pad(r.quote.symbol.as_str(), 10),
            pad(r.quote.name.as_deref().unwrap_or(""), 18),
            rpad(&last, 10),
            rpad(&r.quote.change.map_or(String::new(), |c| number::change_at(c, r.quote.price)), 9),
            rpad(&r.quote.change_pct.map_or(String::new(), number::pct), 9),
            rpad(&r.quote.volume.map_or(String::new(), |v| number::compact(v as f64)), 8),
            pad(r.quote.currency.as_deref().unwrap_or(""), 4),
            state
        )?;
    }
    if let Some(t) = totals {
        let money = Money::SHOWN;
        let pct = t.total_pnl_pct.map_or(String::new(), |p| format!(" ({})", money.pct(p)));
        writeln!(
            out,
            "\nTOTAL {} {}   day {}   total {}{}",
            t.currency,
            money.cents(t.value),
            money.change(t.day_pnl),
            money.change(t.total_pnl),
            pct
        )?;
        if !t.missing_rates.is_empty() {
            writeln!(out, "(no exchange rate for {}: left out)", t.missing_rates.join(", "))?;
        }
        if !t.missing_prices.is_empty() {
            writeln!(out, "(no price for {}: left out)", t.missing_prices.join(", "))?;
        }
    }
    Ok(())
}
