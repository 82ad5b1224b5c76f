//! `chiptape line`: one line of prices for a status bar (tmux, waybar, polybar). A bar runs it
//! every few seconds, often several at once, so it answers from the cache the TUI writes while
//! that is fresh, and otherwise fetches once for everyone (see `lock`) and writes the cache back.

mod lock;
mod render;

use std::collections::HashMap;
use std::io::Write;
use std::time::Duration;

use chrono::{DateTime, Utc};

use super::{EXIT_OK, EXIT_PARTIAL, EXIT_USAGE, Io};
use crate::config::Config;
use crate::market::exchange::exchange_for;
use crate::market::{Quote, QuoteOutcome, Symbol};
use crate::present::sanitize::clean;
use crate::present::time::{self, LocalZone};
use crate::providers::ProviderError;
use crate::store::cache::{Cache, CachedQuote, SCHEMA};
pub use render::{DEFAULT_TEMPLATE, Row, Template, TemplateError};

#[derive(Debug, clap::Args)]
pub struct LineArgs {
    /// This group's symbols (default: the symbols given, else the first group).
    #[arg(long, conflicts_with = "symbols")]
    pub group: Option<String>,
    /// The symbols to show, in this order.
    #[arg(value_name = "SYMBOL")]
    pub symbols: Vec<String>,
    /// What each symbol shows: {symbol} {name} {price} {change} {change_pct} {arrow} {sign}
    /// {currency} ({change} and {change_pct} are unsigned: {arrow} or {sign} says which way;
    /// `{{` and `}}` are braces).
    #[arg(long, value_name = "T", default_value = DEFAULT_TEMPLATE)]
    pub template: String,
    #[arg(long, value_enum, default_value_t = LineFormat::Text)]
    pub format: LineFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LineFormat {
    /// Plain text (polybar, i3blocks, a shell prompt).
    Text,
    /// tmux's status line: rises and falls in their colours (`#[fg=…]`).
    Tmux,
    /// waybar's custom module: `{"text", "tooltip", "class"}`.
    Json,
}

/// How long a caller waits for another's fetch before printing what the cache has: longer than a
/// source takes to answer on a good day, shorter than a status bar's patience.
pub const WAIT: Duration = Duration::from_secs(5);

/// One fetch of quotes with the sources the TUI uses (the demo's market under `--demo`).
pub type Fetch<'a> = dyn FnMut(&[Symbol]) -> Result<Vec<(Symbol, QuoteOutcome)>, ProviderError> + 'a;

/// Where the prices come from.
pub struct Sources<'a> {
    pub now: DateTime<Utc>,
    /// The TUI's cache; `None` for the demo's market, whose prices are never cached.
    pub cache: Option<Cache>,
    pub fetch: &'a mut Fetch<'a>,
    /// At most this long for another caller's fetch (`WAIT`).
    pub wait: Duration,
    /// The reader's time zone for the tooltip's times.
    pub zone: LocalZone,
}

/// The symbols asked for: those given, else the group's, else the first group's.
fn pick(cfg: &Config, args: &LineArgs) -> Result<Vec<Symbol>, String> {
    let mut out: Vec<Symbol> = Vec::new();
    if !args.symbols.is_empty() {
        for raw in &args.symbols {
            let s = Symbol::parse(raw).map_err(|e| format!("{:?} is not a symbol: {e}", clean(raw)))?;
            if !out.contains(&s) {
                out.push(s);
            }
        }
        return Ok(out);
    }
    let group = match &args.group {
        Some(name) => cfg.group(name).ok_or_else(|| {
            let names: Vec<&str> = cfg.groups.iter().map(|g| g.name.as_str()).collect();
            format!("no group named {name:?}; groups: {}", names.join(", "))
        })?,
        None => {
            cfg.groups.first().ok_or("the config has no groups: name symbols (`chiptape line NVDA AMD`)")?
        }
    };
    if group.symbols.is_empty() {
        return Err(format!("the group {:?} lists no symbols", group.name));
    }
    Ok(group.symbols.clone())
}

/// Whether `c` still says what `sym` trades at: younger than `refresh_secs`, or its market is shut
/// and has not traded since the price was current. A price fetched mid-session on Friday is not
/// the close, so it is fetched once more on Saturday and then kept until Monday's session. The
/// exchange's delay is taken off the fetch time: a quote 15 minutes late, fetched just after the
/// close, is not the close either. An age a little below zero is fresh too: a caller that waited
/// on the lock read its clock before the holder fetched.
pub fn is_fresh(cfg: &Config, c: &CachedQuote, now: DateTime<Utc>) -> bool {
    if (now - c.fetched).abs() < chrono::Duration::seconds(cfg.refresh_secs as i64) {
        return true;
    }
    let ex = exchange_for(c.quote.symbol.as_str());
    let seen = c.fetched - chrono::Duration::minutes(i64::from(c.quote.delay_min));
    let cal = &cfg.calendar;
    !ex.state_at(now, cal).is_trading()
        && !ex.state_at(seen, cal).is_trading()
        && ex.next_change(seen, cal) > now
}

/// The quotes known for the symbols asked, with whether each is fresh, and what went wrong.
#[derive(Default)]
struct Known {
    quotes: HashMap<Symbol, (Quote, DateTime<Utc>, bool)>,
    errors: Vec<String>,
    /// Said on stderr without changing the exit code: the prices came, only keeping them failed.
    warnings: Vec<String>,
    /// A fetch failed as a whole in a way that is the user's to fix (exit 2).
    usage: bool,
}

impl Known {
    fn from_cache(cfg: &Config, cached: Vec<CachedQuote>, symbols: &[Symbol], now: DateTime<Utc>) -> Known {
        let mut quotes = HashMap::new();
        for c in cached.into_iter().filter(|c| symbols.contains(&c.quote.symbol)) {
            let fresh = is_fresh(cfg, &c, now);
            let fetched = c.fetched;
            quotes.insert(c.quote.symbol.clone(), (c.into_quote(), fetched, fresh));
        }
        Known { quotes, ..Known::default() }
    }

    fn stale<'a>(&self, symbols: &'a [Symbol]) -> Vec<&'a Symbol> {
        symbols.iter().filter(|s| !self.quotes.get(*s).is_some_and(|(_, _, fresh)| *fresh)).collect()
    }
}

pub fn line(cfg: &Config, args: &LineArgs, src: Sources<'_>, io: Io<'_>) -> i32 {
    let Io { out, err } = io;
    let (symbols, template) = match (pick(cfg, args), Template::parse(&args.template)) {
        (Ok(s), Ok(t)) => (s, t),
        (Err(e), _) => return usage(err, &e),
        (_, Err(e)) => return usage(err, &e.to_string()),
    };
    let (now, zone) = (src.now, src.zone);
    let known = match src.cache.clone() {
        Some(cache) => gather(cfg, &cache, &symbols, src),
        None => fetch_all(&symbols, src.fetch, now),
    };
    let rows: Vec<Row> = symbols
        .iter()
        .map(|s| {
            let found = known.quotes.get(s);
            let name =
                cfg.name_of(s).map(str::to_string).or_else(|| found.and_then(|(q, _, _)| q.name.clone()));
            Row {
                symbol: s.clone(),
                name,
                quote: found.map(|(q, _, _)| q.clone()),
                fetched: found.map(|(_, at, _)| *at),
                stale: found.is_some_and(|(_, _, fresh)| !fresh),
            }
        })
        .collect();
    let printed = match args.format {
        LineFormat::Text => render::text(&template, &rows, now),
        LineFormat::Tmux => render::tmux(&template, &rows, now, &cfg.theme),
        LineFormat::Json => match serde_json::to_string(&render::waybar(&template, &rows, now, zone)) {
            Ok(j) => j,
            Err(e) => e.to_string(),
        },
    };
    for e in known.errors.iter().chain(&known.warnings) {
        let _ = writeln!(err, "chiptape: {}", clean(e));
    }
    if let Err(e) = writeln!(out, "{printed}") {
        let _ = writeln!(err, "chiptape: cannot write output: {e}");
        return EXIT_PARTIAL;
    }
    if known.usage {
        EXIT_USAGE
    } else if rows.iter().any(|r| r.stale || r.quote.is_none()) || !known.errors.is_empty() {
        EXIT_PARTIAL
    } else {
        EXIT_OK
    }
}

fn usage(err: &mut dyn Write, e: &str) -> i32 {
    let _ = writeln!(err, "chiptape: {e}");
    EXIT_USAGE
}

/// Straight from the source, nothing kept: the demo's market.
fn fetch_all(symbols: &[Symbol], fetch: &mut Fetch<'_>, now: DateTime<Utc>) -> Known {
    let mut known = Known::default();
    apply(&mut known, symbols, fetch(symbols), now);
    known
}

/// Put one fetch's answer into `known`; the quotes it gave.
fn apply(
    known: &mut Known,
    symbols: &[Symbol],
    answer: Result<Vec<(Symbol, QuoteOutcome)>, ProviderError>,
    now: DateTime<Utc>,
) -> Vec<Quote> {
    let answer = match answer {
        Ok(a) => a,
        Err(e) => {
            known.usage = matches!(e, ProviderError::Unsupported(_));
            known.errors.push(e.to_string());
            return Vec::new();
        }
    };
    let mut got = Vec::new();
    let mut answered: Vec<&Symbol> = Vec::new();
    for (s, outcome) in &answer {
        answered.push(s);
        match outcome {
            Ok(q) => {
                let q = Quote { symbol: s.clone(), ..q.clone() };
                known.quotes.insert(s.clone(), (q.clone(), now, true));
                got.push(q);
            }
            Err(e) => known.errors.push(format!("{s}: {e}")),
        }
    }
    for s in symbols.iter().filter(|s| !answered.contains(s)) {
        known.errors.push(format!("{s}: no data"));
    }
    got
}

/// From the cache when every symbol in it is fresh; else one fetch, shared through the lock with
/// every other caller, and the cache written back.
fn gather(cfg: &Config, cache: &Cache, symbols: &[Symbol], src: Sources<'_>) -> Known {
    let now = src.now;
    let known = Known::from_cache(cfg, cache.load_prices().quotes, symbols, now);
    if known.stale(symbols).is_empty() {
        return known;
    }
    let lock_path = cache.path().with_extension("lock");
    let mut held = match lock::acquire(&lock_path, src.wait) {
        Ok(h) => Some(h),
        Err(e @ lock::LockError::Busy(_)) => {
            // Whatever the other caller has written by now, marked as old where it is.
            let mut known = Known::from_cache(cfg, cache.load_prices().quotes, symbols, now);
            if !known.stale(symbols).is_empty() {
                known.errors.push(format!("{e}: the cache's prices are shown"));
            }
            return known;
        }
        // Better an unshared fetch than none: the data dir may be read-only.
        Err(e) => {
            tracing::warn!(error = %e, "chiptape line fetches without the lock");
            None
        }
    };
    // Another caller may have fetched while this one waited.
    let mut known = Known::from_cache(cfg, cache.load_prices().quotes, symbols, now);
    let stale = known.stale(symbols);
    if stale.is_empty() {
        return known;
    }
    let last = held.as_mut().and_then(lock::Held::attempt);
    let covers = |a: &lock::Attempt| a.done && stale.iter().all(|s| a.symbols.contains(s));
    if let Some(a) = last.filter(|a| a.recent(now, cfg.refresh_secs) && covers(a)) {
        // Asked a moment ago, and the source could not say: not asked again before `refresh_secs`.
        let when = time::stamp(a.at, now, src.zone);
        known.errors.extend(
            a.errors.iter().map(|e| format!("{e} (at {when}; asked again {}s later)", cfg.refresh_secs)),
        );
        return known;
    }
    let mut attempt = lock::Attempt { at: now, symbols: symbols.to_vec(), errors: Vec::new(), done: false };
    if let Some(h) = held.as_mut() {
        let _ = h.note(&attempt);
    }
    let got = apply(&mut known, symbols, (src.fetch)(symbols), now);
    if !got.is_empty()
        && let Err(e) = write_back(cache, &got, now)
    {
        known.warnings.push(format!("cannot write the cache {}: {e}", cache.path().display()));
    }
    (attempt.errors, attempt.done) = (known.errors.clone(), true);
    if let Some(h) = held.as_mut() {
        let _ = h.note(&attempt);
    }
    known
}

/// The fetched quotes into the cache, beside what it holds (other symbols, series, alerts; the
/// headlines' file is not touched). The TUI, if it runs, writes its own view later: last writer
/// wins, and each file is whole at every moment.
fn write_back(cache: &Cache, got: &[Quote], now: DateTime<Utc>) -> std::io::Result<()> {
    let mut contents = cache.load_prices();
    for q in got {
        let c = CachedQuote::new(q, now);
        match contents.quotes.iter_mut().find(|x| x.quote.symbol == q.symbol) {
            Some(slot) => *slot = c,
            None => contents.quotes.push(c),
        }
    }
    (contents.schema, contents.saved_at) = (SCHEMA, Some(now));
    // A cache from before the headlines had a file of their own still holds them: moved there, not
    // dropped.
    if !contents.headlines.is_empty() && !cache.news_path().exists() {
        return cache.save(&contents);
    }
    cache.save_prices(&contents)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    fn cached(sym: &str, delay_min: u32, fetched: &str) -> CachedQuote {
        let quote =
            Quote { symbol: Symbol::parse(sym).unwrap(), price: Some(1.0), delay_min, ..Quote::default() };
        CachedQuote::new(&quote, t(fetched))
    }

    #[test]
    fn fresh_while_young_or_while_the_market_has_not_traded_since() {
        let cfg = crate::config::builtin();
        let fresh = |sym, delay, fetched, now| is_fresh(&cfg, &cached(sym, delay, fetched), t(now));
        // New York trades on Tuesday at 10:00.
        assert!(fresh("NVDA", 0, "2026-11-24T14:59:50Z", "2026-11-24T15:00:00Z"));
        assert!(!fresh("NVDA", 0, "2026-11-24T14:59:00Z", "2026-11-24T15:00:00Z"));
        assert!(fresh("NVDA", 0, "2026-11-24T15:00:03Z", "2026-11-24T15:00:00Z"), "fetched while we waited");
        // The weekend: fetched after Friday's close, kept; fetched mid-session, not the close.
        assert!(fresh("NVDA", 0, "2026-11-28T12:00:00Z", "2026-11-29T20:00:00Z"));
        assert!(!fresh("NVDA", 0, "2026-11-27T15:00:00Z", "2026-11-29T20:00:00Z"));
        // Monday's pre-market trades: the weekend's price is old.
        assert!(!fresh("NVDA", 0, "2026-11-28T12:00:00Z", "2026-11-30T10:00:00Z"));
        // Hong Kong closes at 08:00 UTC; a quote 15 minutes late fetched at 08:05 is not the close.
        assert!(!fresh("0981.HK", 15, "2026-11-24T08:05:00Z", "2026-11-24T12:00:00Z"));
        assert!(fresh("0981.HK", 15, "2026-11-24T08:30:00Z", "2026-11-24T12:00:00Z"));
        // Lunch is a pause: kept through it, not past it.
        assert!(fresh("0981.HK", 0, "2026-11-24T04:10:00Z", "2026-11-24T04:50:00Z"));
        assert!(!fresh("0981.HK", 0, "2026-11-24T04:10:00Z", "2026-11-24T05:05:00Z"));
    }
}
