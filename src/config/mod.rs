//! The config file: schema, loading with located errors, the built-in default, and where it lives.

mod changes;
pub mod edit;
pub mod keys;
pub mod locate;
mod news;
mod proxy;
pub mod raw;
mod validate;

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use crate::market::Symbol;
pub use crate::market::alerts::{Alert, Rule};
use crate::market::calendar::Calendar;
pub use crate::market::portfolio::Position;
use crate::present::sanitize::printable;
pub use changes::{Changes, changes};
pub use keys::{Action, Key, KeyCode, KeyMap};
pub use proxy::{PROXY_SCHEMES, ProxyConfig, ProxySetting, ProxyUrl};
pub use validate::{parse_builtin, parse_str};

/// The built-in watchlist, used when there is no config file and as the base for missing keys.
pub const DEFAULT_TOML: &str = include_str!("default.toml");
/// The commented example that `config init` writes.
pub const EXAMPLE_TOML: &str = include_str!("../../config.example.toml");

pub const MIN_REFRESH_SECS: u64 = 5;
pub const MIN_NEWS_REFRESH_SECS: u64 = 60;
/// `[theme] heat_cap` when the file says nothing: a 5 % day is a big one for these names.
pub const DEFAULT_HEAT_CAP: f64 = 5.0;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProviderKind {
    Yahoo,
    Demo,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ProviderConfig {
    pub kind: ProviderKind,
    pub query_url: String,
    pub cookie_url: String,
    pub user_agent: Option<String>,
    /// Take pushed prices from `stream_url` where it delivers them; polling stays the safety net.
    pub stream: bool,
    pub stream_url: String,
    /// Where Shanghai and Shenzhen prices come from.
    pub mainland: Mainland,
    pub tencent_url: String,
    /// Tencent's series service (`/appstock/app/fqkline/get`, `/appstock/app/minute/query`).
    pub tencent_series_url: String,
    /// Quote sources in order of preference: the next serves a symbol the moment one fails for it.
    /// `mainland` still decides which comes first for Shanghai and Shenzhen.
    pub quotes: Vec<SourceName>,
    /// Series sources, in the same way.
    pub charts: Vec<SourceName>,
    /// How long a source that failed for a symbol rests before it is asked for it again.
    pub fallback_secs: u64,
    /// Where `a` and `chiptape search` look for a name, in order (local: the catalogue, no request).
    pub search: Vec<SearchSource>,
    /// Tencent's suggest service.
    pub suggest_url: String,
}

/// A place to look for a listing by its name, as the config names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SearchSource {
    /// The built-in catalogue and every `[symbols]` entry: no request.
    Local,
    Yahoo,
    Tencent,
}

impl SearchSource {
    pub const ALL: [(&'static str, SearchSource); 3] =
        [("local", SearchSource::Local), ("yahoo", SearchSource::Yahoo), ("tencent", SearchSource::Tencent)];

    pub fn name(self) -> &'static str {
        match self {
            SearchSource::Local => "local",
            SearchSource::Yahoo => "yahoo",
            SearchSource::Tencent => "tencent",
        }
    }
}

/// A source of prices and series, as the config names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SourceName {
    Yahoo,
    Tencent,
}

impl SourceName {
    pub const ALL: [(&'static str, SourceName); 2] =
        [("yahoo", SourceName::Yahoo), ("tencent", SourceName::Tencent)];

    pub fn name(self) -> &'static str {
        match self {
            SourceName::Yahoo => "yahoo",
            SourceName::Tencent => "tencent",
        }
    }

    /// A price from `p` came from this source.
    pub fn gave(self, p: crate::market::PriceSource) -> bool {
        use crate::market::PriceSource;
        match self {
            SourceName::Yahoo => matches!(p, PriceSource::Yahoo | PriceSource::YahooStream),
            SourceName::Tencent => p == PriceSource::Tencent,
        }
    }
}

pub const DEFAULT_STREAM_URL: &str = "wss://streamer.finance.yahoo.com/?version=2";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mainland {
    /// Tencent's real-time snapshots, Yahoo when Tencent fails.
    Tencent,
    /// Yahoo's (delayed) quotes only.
    Yahoo,
}

impl ProviderConfig {
    /// A source polls `sym` in real time (Tencent for Shanghai and Shenzhen): the stream need not
    /// follow it, and its late push of it is not wanted.
    pub fn polled_in_real_time(&self, sym: &Symbol) -> bool {
        self.kind != ProviderKind::Demo
            && self.mainland == Mainland::Tencent
            && matches!(sym.suffix(), Some("SS" | "SZ"))
    }

    /// Quotes are taken from `source` at all: it is in `quotes`, or `mainland` names it.
    pub fn quotes_from(&self, source: SourceName) -> bool {
        self.kind != ProviderKind::Demo && (self.quotes.contains(&source) || self.mainland_source() == source)
    }

    pub fn fallback(&self) -> chrono::Duration {
        chrono::Duration::seconds(self.fallback_secs as i64)
    }

    /// The source asked first for `sym`: `mainland`'s for Shanghai and Shenzhen, else the first
    /// of `quotes`.
    pub fn first_source(&self, sym: &Symbol) -> SourceName {
        match sym.suffix() {
            Some("SS" | "SZ") => self.mainland_source(),
            _ => self.quotes.first().copied().unwrap_or(SourceName::Yahoo),
        }
    }

    /// The source `mainland` names, first for Shanghai and Shenzhen.
    pub fn mainland_source(&self) -> SourceName {
        match self.mainland {
            Mainland::Tencent => SourceName::Tencent,
            Mainland::Yahoo => SourceName::Yahoo,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    pub name: String,
    pub symbols: Vec<Symbol>,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct SymbolMeta {
    pub name: Option<String>,
    pub aliases: Vec<String>,
    /// The other line of an A+H dual listing; set on both sides.
    pub pair: Option<Symbol>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Feed {
    pub name: String,
    pub url: String,
    /// The zone of dates written without an offset (and of "CST" when it is China's).
    pub tz: Option<chrono_tz::Tz>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct NewsConfig {
    pub yahoo_symbols: bool,
    pub yahoo_rss_url: String,
    pub max_items: usize,
    /// Phrases marked wherever headlines are shown (any case for Latin script, exact for CJK).
    pub highlight: Vec<String>,
    pub feeds: Vec<Feed>,
}

/// The feed name of Yahoo's per-symbol headlines.
pub const YAHOO_FEED: &str = "Yahoo Finance";
/// The feed id of Yahoo's per-symbol headlines (one feed, whatever symbols it is asked for).
pub const YAHOO_FEED_ID: &str = "yahoo-symbols";

impl NewsConfig {
    /// What the headline pane says when no source of headlines is configured at all.
    pub fn empty_hint(&self) -> Option<&'static str> {
        (self.feeds.is_empty() && !self.yahoo_symbols)
            .then_some("no feeds configured: add [[news.feeds]] or set news.yahoo_symbols")
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ThemeName {
    Dark,
    Light,
    Mono,
}

/// A colour as written in the file: a terminal colour name, or `#rrggbb`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ColorSpec {
    Named(String),
    Rgb(u8, u8, u8),
}

#[derive(Debug, Clone, PartialEq)]
pub struct ThemeConfig {
    pub name: ThemeName,
    /// Which colour means up: green in the West, red in China.
    pub convention: Convention,
    pub up: Option<ColorSpec>,
    pub down: Option<ColorSpec>,
    pub flat: Option<ColorSpec>,
    /// The heat map's colour scale saturates at ± this change, in percent.
    pub heat_cap: f64,
}

/// What a rising price is coloured: `Western` green (falling red), `Cn` red (falling green).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Convention {
    #[default]
    Western,
    Cn,
}

/// `[filings]`: the official sources beside the headlines.
#[derive(Debug, Clone, PartialEq)]
pub struct FilingsConfig {
    pub sec: bool,
    /// The contact EDGAR requires ("Name you@example.com"); without it EDGAR is not asked.
    pub sec_user_agent: Option<String>,
    pub federal_register: bool,
    pub hkex: bool,
    pub cninfo: bool,
    /// SEC forms to show, as EDGAR spells them (an amendment, "/A", goes with its form).
    pub forms: Vec<String>,
    pub language: FilingsLanguage,
    pub refresh_secs: u64,
    pub sec_url: String,
    pub sec_files_url: String,
    pub federal_register_url: String,
    pub hkex_url: String,
    pub cninfo_url: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FilingsLanguage {
    En,
    Zh,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    pub refresh_secs: u64,
    pub closed_refresh_secs: u64,
    pub news_refresh_secs: u64,
    pub base_currency: String,
    pub alerts_bell: bool,
    pub alerts_command: Vec<String>,
    /// Clicks and the wheel in the TUI; off leaves the terminal's own selection alone.
    pub mouse: bool,
    /// Start in the discreet mode: money amounts hidden until `x`.
    pub discreet: bool,
    pub provider: ProviderConfig,
    pub groups: Vec<Group>,
    /// Built-in names merged under the user's, so a bare ticker still gets its company name.
    pub symbols: BTreeMap<Symbol, SymbolMeta>,
    pub news: NewsConfig,
    pub positions: Vec<Position>,
    pub alerts: Vec<Alert>,
    /// The trading calendar: built-in tables plus `[[holidays]]`.
    pub calendar: Calendar,
    pub keys: KeyMap,
    pub theme: ThemeConfig,
    pub filings: FilingsConfig,
    /// `[proxy]`: how each source reaches the network.
    pub proxy: ProxyConfig,
}

/// The built-in configuration (the embedded default file, checked by tests). Parsed when asked
/// for: it is small, and nothing is kept behind the caller's back.
pub fn builtin() -> Config {
    parse_builtin().expect("the embedded default config is valid")
}

impl Config {
    pub fn name_of(&self, sym: &Symbol) -> Option<&str> {
        self.symbols.get(sym).and_then(|m| m.name.as_deref())
    }

    /// The other line of `sym`'s dual listing (A for H, H for A), where one is known.
    pub fn pair_of(&self, sym: &Symbol) -> Option<&Symbol> {
        self.symbols.get(sym)?.pair.as_ref()
    }

    /// The other lines of `symbols`' dual listings that are not among them: asked for in the same
    /// batch, for the A/H premium.
    pub fn pairs_missing_from(&self, symbols: &[Symbol]) -> Vec<Symbol> {
        let have: std::collections::HashSet<&Symbol> = symbols.iter().collect();
        let mut out: Vec<Symbol> = Vec::new();
        for p in symbols.iter().filter_map(|s| self.pair_of(s)) {
            if !have.contains(p) && !out.contains(p) {
                out.push(p.clone());
            }
        }
        out
    }

    /// Every symbol of every group, each once, in group order.
    pub fn all_symbols(&self) -> Vec<Symbol> {
        // A set beside the list: a linear `contains` made this quadratic in the watchlist's length.
        let mut seen: std::collections::HashSet<&Symbol> = std::collections::HashSet::new();
        self.groups.iter().flat_map(|g| &g.symbols).filter(|s| seen.insert(*s)).cloned().collect()
    }

    pub fn group(&self, name: &str) -> Option<&Group> {
        self.groups.iter().find(|g| g.name.eq_ignore_ascii_case(name))
    }

    /// Names that tie headlines to `sym`: its aliases; the display name only when it has none, since
    /// short display names ("Arm", "Meta") are ordinary words that would tag unrelated news.
    pub fn tag_names(&self, sym: &Symbol) -> Vec<&str> {
        match self.symbols.get(sym) {
            Some(m) if !m.aliases.is_empty() => m.aliases.iter().map(String::as_str).collect(),
            Some(m) => m.name.iter().map(String::as_str).collect(),
            None => Vec::new(),
        }
    }

    /// Names to search the watchlist by: the display name and every alias.
    pub fn search_names(&self, sym: &Symbol) -> Vec<&str> {
        match self.symbols.get(sym) {
            Some(m) => {
                m.name.iter().map(String::as_str).chain(m.aliases.iter().map(String::as_str)).collect()
            }
            None => Vec::new(),
        }
    }

    /// The local catalogue's candidates for `query`: every `[symbols]` entry (the built-in ones
    /// included) and every watchlist symbol, searched with no request.
    pub fn search_local(&self, query: &str) -> Vec<crate::market::search::Candidate> {
        use crate::market::search::{Entry, local};
        let listed = self.all_symbols();
        let unnamed = listed.iter().filter(|s| !self.symbols.contains_key(*s));
        let entries = (self.symbols.iter())
            .map(|(symbol, m)| Entry { symbol, name: m.name.as_deref(), aliases: &m.aliases })
            .chain(unnamed.map(|symbol| Entry { symbol, name: None, aliases: &[] }));
        local(entries, query)
    }

    pub fn tagger(&self) -> crate::market::tags::Tagger {
        self.tagger_with(&BTreeMap::new())
    }

    /// The tagger, with a name learned from a source added to its symbol's names (Tencent's
    /// Chinese name of a mainland listing).
    pub fn tagger_with(&self, learned: &BTreeMap<Symbol, String>) -> crate::market::tags::Tagger {
        crate::market::tags::Tagger::new(self.all_symbols().into_iter().map(|s| {
            let mut names = self.tag_names(&s);
            if let Some(n) = learned.get(&s).filter(|n| !names.contains(&n.as_str())) {
                names.push(n);
            }
            (s, names)
        }))
    }
}

/// One problem in a config file, located.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issue {
    pub line: usize,
    pub col: usize,
    pub key: Option<String>,
    pub message: String,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// No file where one was named: the command line suggests writing the example there.
    #[error("no config file at {path}")]
    Missing { path: String },
    #[error("cannot read config file {path}: {source}")]
    Read { path: String, source: std::io::Error },
    #[error("{}", format_issues(.file, .issues))]
    Invalid { file: String, issues: Vec<Issue> },
}

impl ConfigError {
    /// One line for the status bar: the first problem, and how many more `config check` lists.
    pub fn summary(&self) -> String {
        match self {
            ConfigError::Invalid { file, issues } if issues.len() > 1 => {
                format!("{} (+{} more; `chiptape config check`)", issues[0].located(file), issues.len() - 1)
            }
            other => other.to_string(),
        }
    }
}

fn format_issues(file: &str, issues: &[Issue]) -> String {
    let mut out = String::new();
    for (i, is) in issues.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        out.push_str(&is.located(file));
    }
    out
}

impl Issue {
    /// `file:line:col: key `k`: message`, printable: key names and messages quote the file, which
    /// may hold escape sequences.
    pub fn located(&self, file: &str) -> String {
        let text = match &self.key {
            Some(k) => format!("{file}:{}:{}: key `{k}`: {}", self.line, self.col, self.message),
            None => format!("{file}:{}:{}: {}", self.line, self.col, self.message),
        };
        printable(&text)
    }
}

impl fmt::Display for Issue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.located("config"))
    }
}

/// Read and validate the file at `path`.
pub fn load_file(path: &Path) -> Result<Config, ConfigError> {
    let shown = || printable(&path.display().to_string());
    let text = std::fs::read_to_string(path).map_err(|source| match source.kind() {
        std::io::ErrorKind::NotFound => ConfigError::Missing { path: shown() },
        _ => ConfigError::Read { path: shown(), source },
    })?;
    parse_str(&text, &path.display().to_string())
}

/// Where the config comes from this run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// `--config`/`CHIPTAPE_CONFIG`: the file must exist.
    Explicit(PathBuf),
    /// The default path: used if present, else the built-in watchlist.
    Default(Option<PathBuf>),
}

impl Source {
    pub fn path(&self) -> Option<&Path> {
        match self {
            Source::Explicit(p) => Some(p),
            Source::Default(p) => p.as_deref(),
        }
    }

    pub fn load(&self) -> Result<Config, ConfigError> {
        match self {
            Source::Explicit(p) => load_file(p),
            Source::Default(Some(p)) if p.exists() => load_file(p),
            Source::Default(_) => Ok(builtin()),
        }
    }
}

/// The default config path (Linux: `~/.config/chiptape/config.toml`).
pub fn default_path() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "chiptape").map(|d| d.config_dir().join("config.toml"))
}

#[derive(Debug, thiserror::Error)]
pub enum InitError {
    #[error("{0} already exists; use --force to overwrite it (the old file is kept as a .bak)")]
    Exists(String),
    #[error("cannot write {path}: {source}")]
    Write { path: String, source: std::io::Error },
    #[error("cannot keep the old file as {path}: {source}; nothing was written")]
    Backup { path: String, source: std::io::Error },
}

/// Write the commented example to `path` (atomically, so a crash never leaves half a file). With
/// `force`, an existing file is copied aside first; returns where, so the caller can say so.
pub fn init(path: &Path, force: bool) -> Result<Option<PathBuf>, InitError> {
    let exists = path.exists();
    if exists && !force {
        return Err(InitError::Exists(path.display().to_string()));
    }
    let backup = if exists { Some(keep_aside(path)?) } else { None };
    let err = |source| InitError::Write { path: path.display().to_string(), source };
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(err)?;
    }
    crate::store::atomic::write_atomic(path, EXAMPLE_TOML.as_bytes()).map_err(err)?;
    Ok(backup)
}

/// Copy `path` to `config.toml.bak`, or, when that is taken (an earlier backup is never
/// overwritten), to `config.toml.YYYYMMDD-HHMMSS.bak`. Copied, not renamed: the file stays in
/// place until the new one replaces it, so the app never sees it missing.
fn keep_aside(path: &Path) -> Result<PathBuf, InitError> {
    let name = path.file_name().map_or_else(|| "config.toml".into(), |n| n.to_string_lossy().into_owned());
    let stamp = chrono::Local::now().format("%Y%m%d-%H%M%S").to_string();
    let candidates = std::iter::once(format!("{name}.bak"))
        .chain(std::iter::once(format!("{name}.{stamp}.bak")))
        .chain((1..100).map(|n| format!("{name}.{stamp}-{n}.bak")));
    let mut last = path.with_file_name(format!("{name}.bak"));
    for candidate in candidates {
        last = path.with_file_name(candidate);
        // create_new: a backup made meanwhile (another init in the same second) is never clobbered.
        match std::fs::OpenOptions::new().write(true).create_new(true).open(&last) {
            Ok(mut f) => {
                let copied = std::fs::read(path).and_then(|bytes| std::io::Write::write_all(&mut f, &bytes));
                return match copied {
                    Ok(()) => Ok(last),
                    Err(source) => {
                        let _ = std::fs::remove_file(&last);
                        Err(InitError::Backup { path: last.display().to_string(), source })
                    }
                };
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(source) => return Err(InitError::Backup { path: last.display().to_string(), source }),
        }
    }
    let source = std::io::Error::new(std::io::ErrorKind::AlreadyExists, "every backup name is taken");
    Err(InitError::Backup { path: last.display().to_string(), source })
}
