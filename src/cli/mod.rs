//! The command line: the TUI by default, and one-shot subcommands.

pub mod calendar;
pub mod compare;
pub mod completions;
pub mod config;
pub mod doctor;
pub mod events;
pub mod filings;
pub mod line;
pub mod man;
pub mod news;
pub mod quotes;
pub mod run;
pub mod search;

use std::io::Write;
use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

/// `chiptape --version`: the package's version, and the commit when built from a git checkout
/// (`build.rs` reads it from `.git`): `0.1.0 (31a2ba6)`, else `0.1.0`.
pub fn version() -> &'static str {
    static VERSION: std::sync::LazyLock<String> =
        std::sync::LazyLock::new(|| match option_env!("CHIPTAPE_COMMIT") {
            Some(commit) => format!("{} ({commit})", env!("CARGO_PKG_VERSION")),
            None => env!("CARGO_PKG_VERSION").to_string(),
        });
    &VERSION
}

/// Commands that work as they are, and what each does: the end of `chiptape --help` and the man
/// page's EXAMPLES.
pub const EXAMPLES: [(&str, &str); 3] = [
    ("chiptape --demo", "the watchlist on a simulated market, no network needed"),
    ("chiptape quotes --format json", "every watchlist quote once, as JSON"),
    ("chiptape search 寒武纪", "a listing by its name or code, in any script"),
];

/// `EXAMPLES` as the help shows them: the commands in one column, whatever their width in cells.
fn examples_help() -> String {
    use crate::present::text::{pad, width};
    let cells = EXAMPLES.iter().map(|(cmd, _)| width(cmd)).max().unwrap_or(0);
    let lines = EXAMPLES.iter().map(|(cmd, what)| format!("  {}  {what}", pad(cmd, cells)));
    std::iter::once("Examples:".to_string()).chain(lines).collect::<Vec<_>>().join("\n")
}

#[derive(Debug, Parser)]
#[command(
    name = "chiptape",
    version = version(),
    about = "A terminal watchlist for the AI-chip and cloud race",
    after_help = examples_help()
)]
pub struct Cli {
    /// Config file to use (default: the per-user config path; see `chiptape config path`).
    #[arg(long, global = true, env = "CHIPTAPE_CONFIG", value_name = "PATH")]
    pub config: Option<PathBuf>,

    /// Use the built-in simulated market (no network); a DEMO badge shows it.
    #[arg(long, global = true)]
    pub demo: bool,

    /// Seed of the simulated market.
    #[arg(long, global = true, default_value_t = 1, value_name = "N")]
    pub seed: u64,

    /// Start the clock at this RFC 3339 instant, e.g. 2026-11-24T15:00:00Z (for demos and tests).
    #[arg(long, global = true, value_name = "TIME")]
    pub fake_now: Option<String>,

    /// Panic in a task once the screen is up: the end-to-end tests prove the terminal comes back.
    #[arg(long, hide = true)]
    pub panic_for_test: bool,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Fetch quotes once, print them, exit.
    #[command(after_help = "Example:\n  chiptape quotes --group \"US AI chips\" --format csv")]
    Quotes(QuotesArgs),
    /// One line of prices for a status bar (tmux, waybar, polybar): from the cache the TUI writes
    /// while it is fresh, else one fetch shared by every caller at that moment. Exit 1 when a
    /// price is missing or old (what there is is still printed).
    #[command(after_help = "Example:\n  chiptape line --format tmux NVDA 0981.HK")]
    Line(line::LineArgs),
    /// Fetch headlines once, print them newest first, exit.
    #[command(after_help = "Example:\n  chiptape news --symbol NVDA --limit 10")]
    News {
        /// Only headlines about this symbol (one on the watchlist: headlines are tied to those).
        #[arg(long)]
        symbol: Option<String>,
        /// At most this many headlines.
        #[arg(long, default_value_t = 50)]
        limit: usize,
        #[arg(long, value_enum, default_value_t = NewsFormat::Table)]
        format: NewsFormat,
        /// Only this kind: stories, filings (SEC EDGAR) or rules (the Federal Register).
        #[arg(long, value_enum)]
        kind: Option<NewsKind>,
    },
    /// Official items once, newest first: filings (SEC EDGAR) and rules (the Federal Register's
    /// BIS rules). Exit 1 when a source failed (what came is still printed).
    #[command(
        after_help = "Example:\n  chiptape filings --symbol NVDA --form 8-K,10-Q --days 90 --format json"
    )]
    Filings {
        /// Only items tagged to this symbol (one on the watchlist).
        #[arg(long)]
        symbol: Option<String>,
        /// Only these forms, comma-separated ("8-K,6-K", "RULE"); an amendment goes with its form.
        #[arg(long, value_delimiter = ',')]
        form: Vec<String>,
        /// Published within this many days.
        #[arg(long, default_value_t = 30, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=3660))]
        days: u16,
        #[arg(long, value_enum, default_value_t = NewsFormat::Table)]
        format: NewsFormat,
    },
    /// The watchlist's coming earnings and dividends by date (from one fetch of its quotes).
    /// Exit 1 when some quotes could not be fetched (what came is still printed).
    #[command(after_help = "Example:\n  chiptape events --days 14 --format json")]
    Events {
        /// From today to this many days ahead (each exchange's local date).
        #[arg(long, default_value_t = 30, value_name = "N", value_parser = clap::value_parser!(u16).range(0..=366))]
        days: u16,
        #[arg(long, value_enum, default_value_t = EventsFormat::Table)]
        format: EventsFormat,
    },
    /// Look a listing up by its name or code, in any script (the local catalogue, Yahoo, Tencent),
    /// merged in Yahoo form. Exit 1 when nothing is found.
    #[command(after_help = "Example:\n  chiptape search hua hong --format json")]
    Search {
        /// What to look for; several words are one query (`chiptape search hua hong`).
        #[arg(required = true, value_name = "QUERY")]
        query: Vec<String>,
        #[arg(long, value_enum, default_value_t = SearchFormat::Table)]
        format: SearchFormat,
    },
    /// The trading calendar in force: holidays and half days per exchange (built-in and [[holidays]]).
    #[command(after_help = "Example:\n  chiptape calendar --exchange HK --year 2026")]
    Calendar {
        /// Only this exchange, by the code its clock shows (HK, SH, NY, …).
        #[arg(long, value_name = "CODE")]
        exchange: Option<String>,
        /// Only this year (default: this year and the next).
        #[arg(long, value_name = "N")]
        year: Option<i32>,
        #[arg(long, value_enum, default_value_t = CalendarFormat::Table)]
        format: CalendarFormat,
    },
    /// Groups as equal-weighted baskets, symbols, or the holdings, rebased to 0 % at the start of
    /// the range: the series and the final figures, best first. Exit 1 when a series could not be
    /// fetched (the lines are still printed, counting what came).
    #[command(
        after_help = "Example:\n  chiptape compare --range 1y --group \"China AI chips\" --group \"US AI chips\""
    )]
    Compare(compare::CompareArgs),
    /// One check per configured source: reachable, HTTP status, latency, a sample, and what to do.
    /// Exit 0 when some source gives quotes, 1 when none does.
    #[command(after_help = "Example:\n  chiptape doctor --format json")]
    Doctor {
        #[arg(long, value_enum, default_value_t = DoctorFormat::Table)]
        format: DoctorFormat,
    },
    /// Where the config file is; check it; write the commented example.
    #[command(after_help = "Example:\n  chiptape config check")]
    Config {
        #[command(subcommand)]
        command: ConfigCommand,
    },
    /// Print a completion script for a shell to stdout (see the README for where it goes).
    #[command(
        after_help = "Example:\n  chiptape completions bash > ~/.local/share/bash-completion/completions/chiptape"
    )]
    Completions {
        /// The shell to complete for.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff) to stdout: every command and option, the keys, the files.
    #[command(after_help = "Example:\n  chiptape man > ~/.local/share/man/man1/chiptape.1")]
    Man,
}

#[derive(Debug, clap::Args)]
pub struct QuotesArgs {
    /// Only this group (default: every group, each symbol once).
    #[arg(long)]
    pub group: Option<String>,
    #[arg(long, value_enum, default_value_t = QuoteFormat::Table)]
    pub format: QuoteFormat,
    /// Add portfolio totals (from [[positions]]).
    #[arg(long)]
    pub totals: bool,
}

#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Print the config file's path.
    #[command(after_help = "Example:\n  chiptape config path")]
    Path,
    /// Validate a config file (default: the one in use).
    #[command(after_help = "Example:\n  chiptape config check ./config.toml")]
    Check {
        /// The file to check.
        path: Option<PathBuf>,
    },
    /// Write the commented example config to the config path.
    #[command(after_help = "Example:\n  chiptape --config ./config.toml config init")]
    Init {
        /// Replace an existing file; the old one is kept as config.toml.bak (or a timestamped .bak).
        #[arg(long)]
        force: bool,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum QuoteFormat {
    Table,
    Json,
    Csv,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CalendarFormat {
    Table,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum EventsFormat {
    Table,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DoctorFormat {
    Table,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SearchFormat {
    Table,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum NewsKind {
    News,
    Filing,
    Rule,
}

impl NewsKind {
    pub fn kind(self) -> crate::market::HeadlineKind {
        match self {
            NewsKind::News => crate::market::HeadlineKind::News,
            NewsKind::Filing => crate::market::HeadlineKind::Filing,
            NewsKind::Rule => crate::market::HeadlineKind::Rule,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum NewsFormat {
    Table,
    Json,
    Csv,
}

/// Where a command prints: results to `out`, problems to `err`.
pub struct Io<'a> {
    pub out: &'a mut dyn Write,
    pub err: &'a mut dyn Write,
}

/// A config that cannot be used, on stderr: every line starts `chiptape: `, and a file that is not
/// there comes with the command that writes one there.
pub fn config_error(err: &mut dyn Write, e: &crate::config::ConfigError) {
    if let crate::config::ConfigError::Missing { path } = e {
        let _ = writeln!(
            err,
            "chiptape: no config file at {path} (named by --config or CHIPTAPE_CONFIG); \
             `chiptape --config {} config init` writes the commented example there",
            shell_words::quote(path)
        );
        return;
    }
    for line in e.to_string().lines() {
        let _ = writeln!(err, "chiptape: {line}");
    }
}

pub const EXIT_OK: i32 = 0;
pub const EXIT_PARTIAL: i32 = 1;
pub const EXIT_USAGE: i32 = 2;
