//! Domain types shared by providers, state and output: no I/O, no terminal.

pub mod alerts;
pub mod basket;
pub mod calendar;
pub mod clock;
pub mod compare;
pub mod dual;
pub mod events;
pub mod exchange;
pub mod holidays;
pub mod limits;
pub mod news;
pub mod panics;
pub mod pinyin;
pub mod portfolio;
pub mod search;
pub mod series;
pub mod since;
pub mod stream;
pub mod symbol;
pub mod tags;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

pub use symbol::{Symbol, SymbolError};

/// Yahoo's notion of which session a quote belongs to, folded to the four states users care about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum MarketState {
    Pre,
    Regular,
    Post,
    #[default]
    Closed,
}

impl MarketState {
    pub fn label(self) -> &'static str {
        match self {
            MarketState::Pre => "pre",
            MarketState::Regular => "regular",
            MarketState::Post => "post",
            MarketState::Closed => "closed",
        }
    }

    pub fn from_session(s: exchange::SessionState) -> Self {
        use exchange::SessionState as S;
        match s {
            S::Pre => MarketState::Pre,
            S::Open => MarketState::Regular,
            S::Post => MarketState::Post,
            S::Lunch | S::Closed => MarketState::Closed,
        }
    }
}

/// A time as every JSON output writes it: RFC 3339, whole seconds, UTC ("2026-11-24T15:00:00Z").
pub fn rfc3339(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

fn rfc3339_or_null<S: serde::Serializer>(t: &Option<DateTime<Utc>>, s: S) -> Result<S::Ok, S::Error> {
    match t {
        Some(t) => s.serialize_str(&rfc3339(*t)),
        None => s.serialize_none(),
    }
}

/// Where a price came from: the JSON `source` of a quote, and the row's freshness mark.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum PriceSource {
    #[default]
    #[serde(rename = "yahoo")]
    Yahoo,
    #[serde(rename = "yahoo-stream")]
    YahooStream,
    #[serde(rename = "tencent")]
    Tencent,
    #[serde(rename = "demo")]
    Demo,
}

impl PriceSource {
    /// A snapshot from this source is real time where a push of the same symbol is late (Yahoo
    /// pushes Shanghai and Shenzhen 15 minutes late; Tencent polls them live): a tick never
    /// replaces it.
    pub fn outranks_push(self) -> bool {
        self == PriceSource::Tencent
    }

    /// Two letters for the Note column, where a stand-in is named beside the freshness ("tc rt").
    pub fn short(self) -> &'static str {
        match self {
            PriceSource::Yahoo | PriceSource::YahooStream => "yh",
            PriceSource::Tencent => "tc",
            PriceSource::Demo => "de",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            PriceSource::Yahoo => "yahoo",
            PriceSource::YahooStream => "yahoo-stream",
            PriceSource::Tencent => "tencent",
            PriceSource::Demo => "demo",
        }
    }
}

/// One quote as the rest of the program sees it. Unknown numbers are `None`, never 0. Its JSON is
/// the quote part of `quotes --format json` (PRODUCT.md).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Quote {
    pub symbol: Symbol,
    pub name: Option<String>,
    /// The Chinese name where the source has one (Tencent), beside `name` (English where the
    /// source has both): the headline tagger matches Chinese headlines by it.
    #[serde(default)]
    pub name_zh: Option<String>,
    pub currency: Option<String>,
    /// Always the regular-session price; pre/post prices go in `extended_price`.
    pub price: Option<f64>,
    pub change: Option<f64>,
    pub change_pct: Option<f64>,
    pub previous_close: Option<f64>,
    pub open: Option<f64>,
    pub day_high: Option<f64>,
    pub day_low: Option<f64>,
    pub volume: Option<u64>,
    pub market_cap: Option<f64>,
    pub market_state: MarketState,
    pub exchange: Option<String>,
    /// The quote's market time.
    #[serde(serialize_with = "rfc3339_or_null", default)]
    pub time: Option<DateTime<Utc>>,
    pub extended_price: Option<f64>,
    pub extended_change_pct: Option<f64>,
    pub delay_min: u32,
    /// Where the price came from (a cache written before this field reads as Yahoo).
    #[serde(default)]
    pub source: PriceSource,
    /// Coming earnings and dividend dates, where the source reports them.
    #[serde(default)]
    pub events: events::Events,
    /// The day's price limits, where the exchange has them and the source gives them (mainland).
    #[serde(default)]
    pub limit_up: Option<f64>,
    #[serde(default)]
    pub limit_down: Option<f64>,
    /// Suspended from trading (not a stale price: the source answers, the stock does not trade).
    #[serde(default)]
    pub halted: bool,
    #[serde(skip)]
    pub year_high: Option<f64>,
    #[serde(skip)]
    pub year_low: Option<f64>,
}

/// Why a source has no quote for one symbol. Callers branch on the kind: only `Unknown` means the
/// code does not exist (`a` refuses it); `Unsupported` sends it to another source; `Transient` is
/// tried again. The text is what the row shows.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QuoteError {
    /// The source knows no such code (mistyped, delisted).
    #[error("{0}")]
    Unknown(String),
    /// The source does not serve this market or kind of symbol.
    #[error("{0}")]
    Unsupported(String),
    /// This answer failed (a changed layout, a missing line, the request itself): ask again later.
    #[error("{0}")]
    Transient(String),
}

impl QuoteError {
    /// The same kind of error with its text rewritten (made safe to show).
    pub fn map_text(self, f: impl FnOnce(&str) -> String) -> QuoteError {
        match self {
            QuoteError::Unknown(t) => QuoteError::Unknown(f(&t)),
            QuoteError::Unsupported(t) => QuoteError::Unsupported(f(&t)),
            QuoteError::Transient(t) => QuoteError::Transient(f(&t)),
        }
    }
}

/// A bare text is a failure of this answer, not a verdict on the code.
impl From<String> for QuoteError {
    fn from(text: String) -> QuoteError {
        QuoteError::Transient(text)
    }
}

impl From<&str> for QuoteError {
    fn from(text: &str) -> QuoteError {
        QuoteError::Transient(text.to_string())
    }
}

/// A quote request's answer for one symbol: a quote or why there is none.
pub type QuoteOutcome = Result<Quote, QuoteError>;

/// One headline, already sanitised and tagged with the watchlist symbols it is about.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Headline {
    /// What selection and read marks hold on to (`news::identity`).
    pub id: String,
    pub title: String,
    /// Empty when the feed gave none: the headline shows, but cannot be opened.
    pub link: String,
    pub source: String,
    pub published: Option<DateTime<Utc>>,
    pub symbols: Vec<Symbol>,
    pub feed: String,
    /// Other feeds that carry the same story: it stays while any of its feeds does.
    #[serde(default)]
    pub also_in: Vec<String>,
    /// The feed's id (`feed` is its name, which an edit may change): what config edits and merging
    /// match feeds by. Empty in headlines cached before feeds had ids; those are matched by name.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub feed_id: String,
    /// The ids of the feeds in `also_in`, in its order (shorter, or empty, where a feed has none).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub also_in_ids: Vec<String>,
    #[serde(default)]
    pub summary: Option<String>,
    /// The feed's own id for the item, when it has one.
    #[serde(default)]
    pub guid: Option<String>,
    /// A story, a filing or a rule. Caches written before kinds hold news only.
    #[serde(default, skip_serializing_if = "HeadlineKind::is_news")]
    pub kind: HeadlineKind,
    /// The filing's form or category ("8-K", "6-K"), when the source gives one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub form: Option<String>,
}

/// What a headline is: a story from a news feed, a filing, or a rule.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HeadlineKind {
    #[default]
    News,
    Filing,
    Rule,
}

impl HeadlineKind {
    pub fn is_news(&self) -> bool {
        *self == HeadlineKind::News
    }
}

/// Known values first, in `cmp`'s order; unknown ones after them, as equals (a stable sort keeps
/// their order).
pub fn known_first<T>(
    a: Option<T>,
    b: Option<T>,
    cmp: impl FnOnce(T, T) -> std::cmp::Ordering,
) -> std::cmp::Ordering {
    match (a, b) {
        (Some(x), Some(y)) => cmp(x, y),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => std::cmp::Ordering::Equal,
    }
}

/// Sort newest first; undated items keep their relative order after the dated ones.
pub fn sort_newest_first(items: &mut [Headline]) {
    items.sort_by(|a, b| known_first(a.published, b.published, |x, y| y.cmp(&x)));
}
