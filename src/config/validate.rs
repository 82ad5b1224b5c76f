//! From raw serde structs to a checked `Config`, with every problem located in the file.

use std::collections::BTreeMap;
use std::fmt::Display;

use toml_edit::Document;

use super::locate::{self, KeyPath};
use super::raw::RawConfig;
use super::*;
use crate::market::calendar::{Holiday, parse_hhmm};
use crate::market::exchange::calendar_labels;

const COLOR_NAMES: &[&str] = &[
    "black",
    "red",
    "green",
    "yellow",
    "blue",
    "magenta",
    "cyan",
    "gray",
    "grey",
    "darkgray",
    "darkgrey",
    "lightred",
    "lightgreen",
    "lightyellow",
    "lightblue",
    "lightmagenta",
    "lightcyan",
    "white",
    "reset",
];

/// Parse and validate config text; `file` names it in messages. Missing keys take the built-in values.
pub fn parse_str(text: &str, file: &str) -> Result<Config, ConfigError> {
    parse_with_base(text, file, Some(&builtin()))
}

/// The embedded default, parsed on its own (it is the base of every other file).
pub fn parse_builtin() -> Result<Config, ConfigError> {
    parse_with_base(DEFAULT_TOML, "<built-in default>", None)
}

fn parse_with_base(text: &str, file: &str, base: Option<&Config>) -> Result<Config, ConfigError> {
    let doc = Document::parse(text).ok();
    let raw: RawConfig = match toml::from_str(text) {
        Ok(r) => r,
        Err(e) => {
            let offset = e.span().map_or(0, |s| s.start);
            let (line, col) = locate::line_col(text, offset);
            let key = doc.as_ref().and_then(|d| locate::path_at(d, offset)).map(|p| p.to_string());
            let message = e.message().trim().to_string();
            return Err(ConfigError::Invalid {
                file: file.to_string(),
                issues: vec![Issue { line, col, key, message }],
            });
        }
    };
    let mut v = Validator { problems: Vec::new() };
    let cfg = v.config(raw, base);
    if v.problems.is_empty() {
        return Ok(cfg);
    }
    let issues = v
        .problems
        .into_iter()
        .map(|(path, message)| {
            let offset = doc.as_ref().and_then(|d| locate::span_of(d, &path)).map_or(0, |s| s.start);
            let (line, col) = locate::line_col(text, offset);
            let key = (!path.0.is_empty()).then(|| path.to_string());
            Issue { line, col, key, message }
        })
        .collect();
    Err(ConfigError::Invalid { file: file.to_string(), issues })
}

struct Validator {
    problems: Vec<(KeyPath, String)>,
}

fn fallback_scalars() -> (u64, u64, u64) {
    (15, 300, 300)
}

/// Printable, non-empty text (once trimmed): names, aliases, phrases, the User-Agent.
fn is_text(s: &str) -> bool {
    !s.trim().is_empty() && !s.chars().any(char::is_control)
}

impl Validator {
    fn bad(&mut self, path: KeyPath, msg: impl Into<String>) {
        self.problems.push((path, msg.into()));
    }

    /// A located "must be {what} (got {got})".
    fn must_be(&mut self, path: KeyPath, what: impl Display, got: impl Display) {
        self.bad(path, format!("must be {what} (got {got})"));
    }

    /// `ok`, or a located "must be {what} (got {got})".
    fn check(&mut self, path: KeyPath, ok: bool, what: &str, got: impl Display) {
        if !ok {
            self.must_be(path, what, got);
        }
    }

    /// `raw` trimmed when it is printable, non-empty text; else `None` and a located `msg`.
    fn text(&mut self, path: KeyPath, raw: &str, msg: &str) -> Option<String> {
        if is_text(raw) {
            return Some(raw.trim().to_string());
        }
        self.bad(path, msg);
        None
    }

    /// The value `raw` names in `choices` (none given means the first one), else the first one and
    /// a located "must be a, b or c (got …)", the names in quotes when `quoted`.
    fn choice<T: Copy>(
        &mut self,
        path: KeyPath,
        raw: Option<&str>,
        choices: &[(&str, T)],
        quoted: bool,
    ) -> T {
        let first = choices[0].1;
        let Some(raw) = raw.map(str::trim) else { return first };
        if let Some(&(_, value)) = choices.iter().find(|(name, _)| *name == raw) {
            return value;
        }
        let names: Vec<String> =
            choices.iter().map(|(n, _)| if quoted { format!("{n:?}") } else { n.to_string() }).collect();
        let (last, rest) = names.split_last().expect("there are choices");
        self.must_be(path, format!("{} or {last}", rest.join(", ")), format!("{raw:?}"));
        first
    }

    fn secs(&mut self, v: Option<i64>, key: &str, min: u64, default: u64) -> u64 {
        match v {
            None => default,
            Some(n) if n < min as i64 => {
                self.must_be(KeyPath::root().key(key), format!("at least {min} seconds"), n);
                default
            }
            Some(n) if n > 86_400 => {
                self.must_be(KeyPath::root().key(key), "at most 86400 seconds", n);
                default
            }
            Some(n) => n as u64,
        }
    }

    fn url(&mut self, path: KeyPath, raw: &str) -> String {
        self.url_of(path, raw, ["http", "https"]).trim_end_matches('/').to_string()
    }

    /// A URL with one of `schemes` and a host, else an empty string and a located error.
    fn url_of(&mut self, path: KeyPath, raw: &str, schemes: [&str; 2]) -> String {
        match url::Url::parse(raw.trim()) {
            Ok(u) if schemes.contains(&u.scheme()) && u.host().is_some() => raw.trim().to_string(),
            Ok(u) => {
                let [a, b] = schemes;
                self.must_be(path, format!("an {a} or {b} URL"), format!("scheme {:?}", u.scheme()));
                String::new()
            }
            Err(e) => {
                self.bad(path, format!("is not a valid URL ({e}): {raw:?}"));
                String::new()
            }
        }
    }

    fn symbol(&mut self, path: KeyPath, raw: &str) -> Option<Symbol> {
        match Symbol::parse(raw) {
            Ok(s) => Some(s),
            Err(e) => {
                self.bad(path, e.to_string());
                None
            }
        }
    }

    fn color(&mut self, path: KeyPath, raw: Option<String>) -> Option<ColorSpec> {
        let raw = raw?;
        let s = raw.trim().to_ascii_lowercase();
        if let Some(hex) = s.strip_prefix('#') {
            if hex.len() == 6 && hex.chars().all(|c| c.is_ascii_hexdigit()) {
                let p = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).unwrap_or(0);
                return Some(ColorSpec::Rgb(p(0), p(2), p(4)));
            }
        } else if COLOR_NAMES.contains(&s.as_str()) {
            return Some(ColorSpec::Named(s));
        }
        self.bad(
            path,
            format!("{raw:?} is not a colour: use a name ({}) or #rrggbb", COLOR_NAMES.join(", ")),
        );
        None
    }

    fn config(&mut self, raw: RawConfig, base: Option<&Config>) -> Config {
        let root = KeyPath::root();
        let (dr, dc, dn) =
            base.map_or(fallback_scalars(), |b| (b.refresh_secs, b.closed_refresh_secs, b.news_refresh_secs));
        let refresh_secs = self.secs(raw.refresh_secs, "refresh_secs", MIN_REFRESH_SECS, dr);
        let closed_refresh_secs =
            self.secs(raw.closed_refresh_secs, "closed_refresh_secs", MIN_REFRESH_SECS, dc);
        let news_refresh_secs =
            self.secs(raw.news_refresh_secs, "news_refresh_secs", MIN_NEWS_REFRESH_SECS, dn);

        let base_currency = match raw.base_currency {
            None => base.map_or("USD".to_string(), |b| b.base_currency.clone()),
            Some(c) if c.len() == 3 && c.chars().all(|ch| ch.is_ascii_alphabetic()) => c.to_ascii_uppercase(),
            Some(c) => {
                self.must_be(
                    root.key("base_currency"),
                    "a 3-letter currency code like \"USD\"",
                    format!("{c:?}"),
                );
                "USD".to_string()
            }
        };
        let alerts_command = raw.alerts_command.unwrap_or_default();
        if alerts_command.first().is_some_and(|p| p.trim().is_empty()) {
            self.bad(root.key("alerts_command").index(0), "the program name cannot be empty");
        }

        let provider = self.provider(raw.provider.unwrap_or_default());
        let groups = self.groups(raw.groups, base);
        let symbols = self.symbols(raw.symbols, base);
        let news = self.news(raw.news, base);
        let positions = self.positions(raw.positions.unwrap_or_default());
        let alerts = self.alerts(raw.alerts.unwrap_or_default());
        let calendar = Calendar::with(self.holidays(raw.holidays.unwrap_or_default()));
        let keys = self.keys(raw.keys.unwrap_or_default());
        let theme = self.theme(raw.theme.unwrap_or_default());
        let filings = self.filings(raw.filings.unwrap_or_default());
        let proxy = self.proxy(raw.proxy.unwrap_or_default());

        Config {
            refresh_secs,
            closed_refresh_secs,
            news_refresh_secs,
            base_currency,
            alerts_bell: raw.alerts_bell.unwrap_or(false),
            alerts_command,
            mouse: raw.mouse.unwrap_or(true),
            discreet: raw.discreet.unwrap_or(false),
            provider,
            groups,
            symbols,
            news,
            positions,
            alerts,
            calendar,
            keys,
            theme,
            filings,
            proxy,
        }
    }

    fn groups(&mut self, raw: Option<Vec<raw::RawGroup>>, base: Option<&Config>) -> Vec<Group> {
        let p = KeyPath::root().key("groups");
        let Some(raw) = raw else {
            return match base {
                Some(b) => b.groups.clone(),
                None => {
                    self.bad(p, "at least one group is needed");
                    Vec::new()
                }
            };
        };
        if raw.is_empty() {
            self.bad(p.clone(), "at least one group is needed");
        }
        let mut out: Vec<Group> = Vec::new();
        for (i, g) in raw.into_iter().enumerate() {
            let gp = p.index(i);
            let name = g.name.trim().to_string();
            if !is_text(&name) {
                self.bad(gp.key("name"), "a group needs a printable, non-empty name");
            } else if out.iter().any(|o| o.name.eq_ignore_ascii_case(&name)) {
                self.bad(gp.key("name"), format!("there is already a group named {name:?}"));
            }
            let mut symbols: Vec<Symbol> = Vec::new();
            for (j, s) in g.symbols.iter().enumerate() {
                if let Some(sym) = self.symbol(gp.key("symbols").index(j), s) {
                    if symbols.contains(&sym) {
                        self.bad(gp.key("symbols").index(j), format!("{sym} is listed twice in this group"));
                    } else {
                        symbols.push(sym);
                    }
                }
            }
            out.push(Group { name, symbols });
        }
        out
    }

    fn symbols(
        &mut self,
        raw: Option<BTreeMap<String, raw::RawSymbolMeta>>,
        base: Option<&Config>,
    ) -> BTreeMap<Symbol, SymbolMeta> {
        let p = KeyPath::root().key("symbols");
        let mut out = base.map(|b| b.symbols.clone()).unwrap_or_default();
        let mut pairs: Vec<(Symbol, Symbol)> = Vec::new();
        for (k, m) in raw.unwrap_or_default() {
            let sp = p.key(&k);
            let Some(sym) = self.symbol(sp.clone(), &k) else { continue };
            let entry = out.entry(sym.clone()).or_default();
            if let Some(name) =
                m.name.and_then(|n| self.text(sp.key("name"), &n, "must be printable, non-empty text"))
            {
                entry.name = Some(name);
            }
            if let Some(aliases) = m.aliases {
                let alias = "an alias must be printable, non-empty text";
                entry.aliases = (aliases.iter().enumerate())
                    .filter_map(|(i, a)| self.text(sp.key("aliases").index(i), a, alias))
                    .collect();
            }
            if let Some(raw_pair) = m.pair {
                let pp = sp.key("pair");
                let pair = self.symbol(pp.clone(), &raw_pair);
                match pair {
                    Some(p) if crate::market::dual::is_ah(&sym, &p) => pairs.push((sym.clone(), p)),
                    Some(p) => self.bad(
                        pp,
                        format!(
                            "{p} is not the other line of {sym}: a pair is one .HK and one .SS or .SZ symbol"
                        ),
                    ),
                    None => {}
                }
            }
        }
        // A pair is written on one side and known on both; the user's pairs over the built-in.
        for (a, b) in pairs {
            // Each side's old other line forgets it first, then the two point at each other.
            for side in [&a, &b] {
                if let Some(old) = out.get(side).and_then(|m| m.pair.clone()) {
                    out.entry(old).or_default().pair = None;
                }
            }
            out.entry(a.clone()).or_default().pair = Some(b.clone());
            out.entry(b).or_default().pair = Some(a);
        }
        out
    }

    fn news(&mut self, raw: Option<raw::RawNews>, base: Option<&Config>) -> NewsConfig {
        let p = KeyPath::root().key("news");
        let raw = raw.unwrap_or_default();
        let yahoo_rss_url = self.url(
            p.key("yahoo_rss_url"),
            raw.yahoo_rss_url.as_deref().unwrap_or("https://feeds.finance.yahoo.com/rss/2.0/headline"),
        );
        let max_items = match raw.max_items {
            None => 500,
            Some(n @ 1..=5000) => n as usize,
            Some(n) => {
                self.must_be(p.key("max_items"), "between 1 and 5000", n);
                500
            }
        };
        let feeds = match raw.feeds {
            None => base.map(|b| b.news.feeds.clone()).unwrap_or_default(),
            Some(list) => {
                let mut out: Vec<Feed> = Vec::new();
                for (i, f) in list.into_iter().enumerate() {
                    let fp = p.key("feeds").index(i);
                    let name = f.name.trim().to_string();
                    if !is_text(&name) {
                        self.bad(fp.key("name"), "a feed needs a printable, non-empty name");
                    }
                    let url = self.url(fp.key("url"), &f.url);
                    let tz = f.tz.and_then(|z| match z.trim().parse::<chrono_tz::Tz>() {
                        Ok(tz) => Some(tz),
                        Err(_) => {
                            self.bad(
                                fp.key("tz"),
                                format!(
                                    "{z:?} is not a time zone: use an IANA name such as \"Asia/Shanghai\""
                                ),
                            );
                            None
                        }
                    });
                    out.push(Feed { name, url, tz });
                }
                out
            }
        };
        let highlight = match raw.highlight {
            Some(list) => self.phrases(p.key("highlight"), list),
            None => base.map(|b| b.news.highlight.clone()).unwrap_or_default(),
        };
        NewsConfig {
            yahoo_symbols: raw.yahoo_symbols.unwrap_or(true),
            yahoo_rss_url,
            max_items,
            highlight,
            feeds,
        }
    }

    fn positions(&mut self, raw: Vec<raw::RawPosition>) -> Vec<Position> {
        let p = KeyPath::root().key("positions");
        let mut out = Vec::new();
        for (i, r) in raw.into_iter().enumerate() {
            let pp = p.index(i);
            let sym = self.symbol(pp.key("symbol"), &r.symbol);
            let (qty, cost) = (r.quantity, r.unit_cost);
            self.check(pp.key("quantity"), qty.is_finite() && qty != 0.0, "a non-zero number", qty);
            self.check(pp.key("unit_cost"), cost.is_finite() && cost >= 0.0, "zero or more", cost);
            if let Some(symbol) = sym {
                out.push(Position { symbol, quantity: r.quantity, unit_cost: r.unit_cost });
            }
        }
        out
    }

    fn holidays(&mut self, raw: Vec<raw::RawHoliday>) -> Vec<Holiday> {
        let p = KeyPath::root().key("holidays");
        let mut out = Vec::new();
        for (i, r) in raw.into_iter().enumerate() {
            let pp = p.index(i);
            let exchange = r.exchange.trim().to_ascii_uppercase();
            let known = calendar_labels();
            if !known.contains(&exchange.as_str()) {
                self.bad(
                    pp.key("exchange"),
                    format!(
                        "{:?} is not an exchange code; use one the clocks show: {}",
                        r.exchange,
                        known.join(", ")
                    ),
                );
            }
            let date = chrono::NaiveDate::parse_from_str(r.date.trim(), "%Y-%m-%d").ok();
            if date.is_none() {
                self.bad(pp.key("date"), format!("{:?} is not a date: write YYYY-MM-DD", r.date));
            }
            let name = printable(r.name.trim());
            if name.is_empty() {
                self.bad(pp.key("name"), "the holiday needs a name");
            }
            let open = r.open.as_deref().and_then(|t| self.local_time(pp.key("open"), t));
            let close = r.close.as_deref().and_then(|t| self.local_time(pp.key("close"), t));
            if let (Some(o), Some(c)) = (open, close)
                && o >= c
            {
                self.bad(pp.key("close"), "must be later than open");
            }
            if let Some(date) = date
                && known.contains(&exchange.as_str())
                && !name.is_empty()
            {
                out.push(Holiday { exchange, date, name, open, close });
            }
        }
        out
    }

    /// A local "HH:MM" time as minutes of the day.
    fn local_time(&mut self, path: KeyPath, raw: &str) -> Option<u32> {
        let parsed = parse_hhmm(raw);
        if parsed.is_none() {
            self.bad(
                path,
                format!("{raw:?} is not a time: write HH:MM (24-hour, the exchange's local time)"),
            );
        }
        parsed
    }

    /// Printable, non-empty phrases: keywords of a headline alert, or headlines to highlight.
    fn phrases(&mut self, path: KeyPath, raw: Vec<String>) -> Vec<String> {
        let mut out = Vec::new();
        for (i, p) in raw.iter().enumerate() {
            if let Some(p) = self.text(path.index(i), p, "a phrase must be printable, non-empty text")
                && !out.contains(&p)
            {
                out.push(p);
            }
        }
        out
    }

    fn keys(&mut self, raw: BTreeMap<String, String>) -> KeyMap {
        let p = KeyPath::root().key("keys");
        let mut overrides = Vec::new();
        for (k, a) in raw {
            let kp = p.key(&k);
            let key = match Key::parse(&k) {
                Ok(key) => Some(key),
                Err(e) => {
                    self.bad(kp.clone(), e);
                    None
                }
            };
            let action = if a.trim() == "none" {
                Some(None)
            } else {
                match Action::from_name(a.trim()) {
                    Some(act) => Some(Some(act)),
                    None => {
                        let names: Vec<&str> = Action::ALL.iter().map(|a| a.name()).collect();
                        self.bad(kp, format!("unknown action {a:?}; known: none, {}", names.join(", ")));
                        None
                    }
                }
            };
            if let (Some(key), Some(action)) = (key, action) {
                overrides.push((key, action));
            }
        }
        KeyMap::with_overrides(&overrides)
    }

    fn theme(&mut self, raw: raw::RawTheme) -> ThemeConfig {
        let p = KeyPath::root().key("theme");
        let names = [("dark", ThemeName::Dark), ("light", ThemeName::Light), ("mono", ThemeName::Mono)];
        let name = self.choice(p.key("name"), raw.name.as_deref(), &names, false);
        let conventions = [("western", Convention::Western), ("cn", Convention::Cn)];
        let convention = self.choice(p.key("convention"), raw.convention.as_deref(), &conventions, false);
        ThemeConfig {
            name,
            convention,
            up: self.color(p.key("up"), raw.up),
            down: self.color(p.key("down"), raw.down),
            flat: self.color(p.key("flat"), raw.flat),
            heat_cap: self.heat_cap(p.key("heat_cap"), raw.heat_cap),
        }
    }

    fn heat_cap(&mut self, path: KeyPath, raw: Option<f64>) -> f64 {
        let Some(cap) = raw else { return DEFAULT_HEAT_CAP };
        // A zero, negative or infinite cap leaves no scale to colour by.
        self.check(path, cap.is_finite() && cap > 0.0, "a positive number of percent, like 5.0", cap);
        if cap.is_finite() && cap > 0.0 { cap } else { DEFAULT_HEAT_CAP }
    }
}

mod alerts;
mod filings;
mod provider;
mod proxy;
#[cfg(test)]
mod tests;
