//! What flows between the layers: messages into `update`, the effects it asks for, the results of
//! the refresh task, and the plan that task follows.

use std::time::Duration;

use chrono::{DateTime, Utc};

use crate::config::{Config, Key, SymbolMeta};
use crate::market::calendar::Calendar;
use crate::market::search::Candidate;
use crate::market::series::{ChartRange, Series};
use crate::market::stream::StreamEvent;
use crate::market::{Headline, QuoteOutcome, Symbol};

#[derive(Debug, Clone)]
pub enum Msg {
    Key(Key),
    Resize(u16, u16),
    /// The 1 Hz clock: redraws only if a time on screen changed.
    Tick,
    Shutdown,
    Data(DataMsg),
    /// A config file change was read: the new config, or why it was refused.
    Config(Box<Result<Config, String>>),
    /// A one-line message for the status bar (an edit written, …).
    Notice(String),
    /// The same, for what went wrong (an edit refused): it stays longer.
    Warning(String),
    /// The opener could not open `link`: why, in words a person can act on.
    OpenFailed {
        link: String,
        why: String,
    },
    /// The price stream pushed ticks or changed state.
    Stream(StreamEvent),
    /// A price series arrived (or could not be had), for the sources of this generation.
    Series {
        generation: u64,
        symbol: Symbol,
        range: ChartRange,
        result: Result<Series, String>,
    },
    /// A search source took up the text of the add prompt, or answered it.
    Search(SearchEvent),
    /// A click or a turn of the wheel, at a cell of the screen.
    Mouse(Mouse),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mouse {
    pub kind: MouseKind,
    pub col: u16,
    pub row: u16,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MouseKind {
    /// The left button went down.
    Click,
    WheelUp,
    WheelDown,
}

/// From the search tasks, each stamped with the prompt text's number it answers, so an answer to
/// text since changed is dropped.
#[derive(Debug, Clone)]
pub enum SearchEvent {
    /// `source` (its config name) asked about the text numbered `seq`.
    Asking {
        seq: u64,
        source: &'static str,
    },
    Answer {
        seq: u64,
        source: &'static str,
        result: Result<Vec<Candidate>, String>,
    },
}

/// Results from the refresh task, stamped with the plan generation they answer.
#[derive(Debug, Clone)]
pub struct DataMsg {
    pub generation: u64,
    pub at: DateTime<Utc>,
    pub kind: DataKind,
}

#[derive(Debug, Clone)]
pub enum DataKind {
    /// `note`: a fallback the source has in force, for the status bar.
    Quotes {
        source: String,
        note: Option<String>,
        results: Vec<(Symbol, QuoteOutcome)>,
    },
    QuotesFailed {
        source: String,
        error: String,
        retry_in: Duration,
    },
    News {
        headlines: Vec<Headline>,
        errors: Vec<(String, String)>,
    },
}

/// What `update` asks for; the loop carries it out.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    Quit,
    /// Fetch everything now.
    RefreshNow,
    /// Symbols, intervals or pause changed: send the refresh task a new plan.
    Replan,
    OpenLink(String),
    /// An alert fired and `alerts_bell` is on: ring the terminal's bell.
    Bell,
    /// An alert fired: run `alerts_command` with this message appended.
    AlertCommand(String),
    /// Something the cache keeps changed (quotes, headlines, read marks, series): save it soon.
    SaveCache,
    /// Fetch these series (each is marked in flight in the state until its answer comes); the
    /// answers carry `generation`, so those of sources since replaced are dropped.
    FetchSeries {
        generation: u64,
        keys: Vec<(Symbol, ChartRange)>,
    },
    /// The config changed: rebuild the sources and restart the refresh task with it.
    Reconfigure,
    /// Write these symbols into the group's list in the config file; with them, the names of
    /// those a search found, for a `[symbols."X"]` table when the file has none.
    AddSymbols {
        group: String,
        symbols: Vec<Symbol>,
        names: Vec<(Symbol, SymbolMeta)>,
    },
    /// The add prompt's text changed: the search tasks take it up (after a pause in typing).
    Search {
        seq: u64,
        query: String,
    },
    /// Take the symbol out of the group's list in the config file.
    RemoveSymbol {
        group: String,
        symbol: Symbol,
    },
    /// Suspend the screen and run the user's editor on the config file.
    EditConfig,
    /// Something the user should find in the log file too.
    Log(String),
    /// `mouse` changed in the config: take the mouse (clicks, the wheel) or leave it to the terminal.
    MouseCapture(bool),
}

/// What one `update` call produced.
#[derive(Debug, Default, PartialEq)]
pub struct Outcome {
    pub effects: Vec<Effect>,
    /// Something visible changed: draw.
    pub redraw: bool,
}

/// What to fetch and how often. The latest plan wins.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Plan {
    pub generation: u64,
    /// The group in view: refreshed at `refresh_secs` while one of its markets trades.
    pub fast: Vec<Symbol>,
    /// Every other symbol: at `closed_refresh_secs`.
    pub slow: Vec<Symbol>,
    pub refresh_secs: u64,
    pub closed_refresh_secs: u64,
    pub news_refresh_secs: u64,
    pub paused: bool,
    /// Bumped by `r`: fetch everything now.
    pub refresh_seq: u64,
    /// Decides which markets trade, so a holiday polls at the closed rate.
    pub calendar: Calendar,
}
