//! `chiptape compare`: groups as baskets, symbols, or the holdings, rebased to 0 % at the start of a
//! range; the series and the final figures, best first.

use std::collections::HashMap;
use std::io::Write;

use futures::StreamExt;
use serde::Serialize;

use super::{EXIT_OK, EXIT_PARTIAL, EXIT_USAGE, Io};
use crate::config::Config;
use crate::market::compare::{Comparison, HOLDINGS, LineKind, LineSpec, compare, members, track_of};
use crate::market::portfolio::{self, fx_pairs, listing_currency, lots};
use crate::market::series::{ChartRange, Series};
use crate::market::{Quote, Symbol};
use crate::present::text::{pad, width};
use crate::providers::Providers;

/// Series asked at once: as the TUI does.
const CONCURRENCY: usize = 4;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum RangeArg {
    #[value(name = "1d")]
    D1,
    #[value(name = "5d")]
    D5,
    #[value(name = "1m")]
    M1,
    #[value(name = "6m")]
    M6,
    Ytd,
    #[value(name = "1y")]
    Y1,
    #[value(name = "5y")]
    Y5,
}

impl From<RangeArg> for ChartRange {
    fn from(r: RangeArg) -> ChartRange {
        match r {
            RangeArg::D1 => ChartRange::D1,
            RangeArg::D5 => ChartRange::D5,
            RangeArg::M1 => ChartRange::M1,
            RangeArg::M6 => ChartRange::M6,
            RangeArg::Ytd => ChartRange::Ytd,
            RangeArg::Y1 => ChartRange::Y1,
            RangeArg::Y5 => ChartRange::Y5,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum CompareFormat {
    Table,
    Json,
    Csv,
}

#[derive(Debug, clap::Args)]
pub struct CompareArgs {
    #[arg(long, value_enum, default_value_t = RangeArg::D1)]
    pub range: RangeArg,
    /// A group of the config as an equal-weighted basket (repeat for more).
    #[arg(long, value_name = "NAME")]
    pub group: Vec<String>,
    /// Symbols, each a line of its own (with no group or symbol: every group, and the holdings).
    #[arg(value_name = "SYMBOL")]
    pub symbols: Vec<String>,
    #[arg(long, value_enum, default_value_t = CompareFormat::Table)]
    pub format: CompareFormat,
}

/// The JSON: the stable contract of PRODUCT.md.
#[derive(Debug, Serialize)]
struct Output {
    range: String,
    lines: Vec<LineOut>,
}

#[derive(Debug, Serialize)]
struct LineOut {
    name: String,
    kind: LineKind,
    final_pct: Option<f64>,
    members: usize,
    priced: usize,
    points: Vec<Point>,
}

#[derive(Debug, Serialize)]
struct Point {
    /// A date (`2026-03-02`) for daily bars, else RFC 3339.
    time: String,
    pct: f64,
}

/// Percentages to a hundredth of a basis point: more says nothing and bloats the output.
fn round(v: f64) -> f64 {
    (v * 1e4).round() / 1e4
}

fn output(c: &Comparison) -> Output {
    let lines = c
        .lines
        .iter()
        .map(|l| {
            let points = match (l.line.start, l.line.end) {
                (Some(a), Some(b)) => (a..=b)
                    .filter_map(|i| {
                        let v = l.line.values[i];
                        Some(Point { time: c.axis.at(i)?.to_string(), pct: round(v) })
                            .filter(|_| v.is_finite())
                    })
                    .collect(),
                _ => Vec::new(),
            };
            LineOut {
                name: l.name.clone(),
                kind: l.kind,
                final_pct: l.final_pct().map(round),
                members: l.members,
                priced: l.line.priced,
                points,
            }
        })
        .collect();
    Output { range: c.range.label().to_lowercase(), lines }
}

/// The lines asked for: the groups named and the symbols given, or every group and the holdings.
fn specs(cfg: &Config, args: &CompareArgs, held: &HashMap<Symbol, f64>) -> Result<Vec<LineSpec>, String> {
    let mut out = Vec::new();
    for name in &args.group {
        let g = cfg.group(name).ok_or_else(|| {
            let names: Vec<&str> = cfg.groups.iter().map(|g| g.name.as_str()).collect();
            format!("no group named {name:?}; groups: {}", names.join(", "))
        })?;
        out.push(LineSpec::group(&g.name, &g.symbols));
    }
    for raw in &args.symbols {
        let s = Symbol::parse(raw).map_err(|e| format!("{raw:?}: {e}"))?;
        out.push(LineSpec { name: s.to_string(), kind: LineKind::Symbol, members: vec![(s, 1.0)] });
    }
    if out.is_empty() {
        out.extend(cfg.groups.iter().map(|g| LineSpec::group(&g.name, &g.symbols)));
        if !cfg.positions.is_empty() {
            let members = lots(&cfg.positions)
                .into_keys()
                .map(|s| (s.clone(), held.get(&s).copied().unwrap_or(0.0)))
                .collect();
            out.push(LineSpec { name: HOLDINGS.into(), kind: LineKind::Holdings, members });
        }
    }
    Ok(out)
}

/// The holdings' values in the base currency (longs only), from one quote request.
async fn held_values(cfg: &Config, providers: &Providers) -> HashMap<Symbol, f64> {
    let held: Vec<Symbol> = lots(&cfg.positions).into_keys().collect();
    let mut ask = held.clone();
    ask.extend(fx_pairs(held.iter().filter_map(listing_currency), &cfg.base_currency));
    let Ok(answers) = providers.quotes.quotes(&ask).await else { return HashMap::new() };
    let quotes: HashMap<Symbol, Quote> =
        answers.into_iter().filter_map(|(s, o)| Some((s, o.ok()?))).collect();
    let v = portfolio::value_all(
        &cfg.positions,
        &cfg.base_currency,
        |s| quotes.get(s),
        |fx| quotes.get(fx)?.price,
    );
    v.holdings.into_iter().filter_map(|(s, h)| Some((s, h.value_base.filter(|v| *v > 0.0)?))).collect()
}

pub async fn run(cfg: &Config, providers: &Providers, args: &CompareArgs, io: Io<'_>) -> i32 {
    let Io { out, err } = io;
    let range = ChartRange::from(args.range);
    let wants_holdings = args.group.is_empty() && args.symbols.is_empty() && !cfg.positions.is_empty();
    let held = if wants_holdings { held_values(cfg, providers).await } else { HashMap::new() };
    let specs = match specs(cfg, args, &held) {
        Ok(s) => s,
        Err(e) => {
            let _ = writeln!(err, "chiptape: {e}");
            return EXIT_USAGE;
        }
    };
    let wanted = members(&specs);
    let answers: Vec<(Symbol, Result<Series, String>)> = futures::stream::iter(wanted)
        .map(|s| async move {
            let r = providers.charts.series(&s, range).await.map_err(|e| e.to_string());
            (s, r)
        })
        .buffered(CONCURRENCY)
        .collect()
        .await;
    let mut code = EXIT_OK;
    let mut series: HashMap<Symbol, Series> = HashMap::new();
    for (s, r) in answers {
        match r {
            Ok(x) => {
                series.insert(s, x);
            }
            Err(e) => {
                let _ = writeln!(err, "chiptape: {s}: {e}");
                code = EXIT_PARTIAL;
            }
        }
    }
    let c = compare(&specs, range, |s| Some(std::sync::Arc::new(track_of(s, series.get(s)?, range)?)));
    let printed = match args.format {
        CompareFormat::Json => serde_json::to_writer_pretty(&mut *out, &output(&c))
            .map_err(std::io::Error::other)
            .and_then(|_| writeln!(out)),
        CompareFormat::Csv => csv(&c, out),
        CompareFormat::Table => table(&c, out),
    };
    if let Err(e) = printed {
        let _ = writeln!(err, "chiptape: {e}");
        return EXIT_PARTIAL;
    }
    code
}

/// `line,kind,time,pct`, a row per point of every line.
fn csv(c: &Comparison, out: &mut dyn Write) -> std::io::Result<()> {
    let o = output(c);
    let mut w = csv::Writer::from_writer(out);
    w.write_record(["line", "kind", "time", "pct"])?;
    for l in &o.lines {
        let kind = serde_json::to_value(l.kind)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default();
        for p in &l.points {
            w.write_record([l.name.as_str(), kind.as_str(), p.time.as_str(), &p.pct.to_string()])?;
        }
    }
    w.flush()
}

/// The final figures, best first, each with a small line of its course.
fn table(c: &Comparison, out: &mut dyn Write) -> std::io::Result<()> {
    let names = c.lines.iter().map(|l| width(&l.name)).max().unwrap_or(4).max(4);
    writeln!(out, "{}  {:>9}     Priced  Course", pad("Line", names), c.range.label())?;
    for l in &c.lines {
        let fig = l.final_pct().map_or("no data".to_string(), crate::present::number::pct);
        let priced = format!("{} of {}", l.line.priced, l.members);
        writeln!(out, "{}  {fig:>9}  {priced:>9}  {}", pad(&l.name, names), course(l, 24))?;
    }
    Ok(())
}

/// The line's course in `cells` block characters, lowest to highest.
fn course(l: &crate::market::compare::CompareLine, cells: usize) -> String {
    const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
    let (Some(a), Some(b)) = (l.line.start, l.line.end) else { return String::new() };
    let vals = &l.line.values[a..=b];
    let (lo, hi) = vals.iter().fold((f64::MAX, f64::MIN), |(lo, hi), v| (lo.min(*v), hi.max(*v)));
    let n = vals.len();
    (0..cells.min(n))
        .map(|j| {
            let v = vals[j * (n - 1) / (cells.min(n) - 1).max(1)];
            let f = if hi > lo { (v - lo) / (hi - lo) } else { 0.5 };
            BARS[((f * 7.0).round() as usize).min(7)]
        })
        .collect()
}
