//! Alerts: price rules on a symbol's quote, phrases in headlines; whether one holds, and what a
//! fired alert says. When to fire (once per crossing) is the state's business.

use std::ops::Range;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{Headline, Quote, Symbol};

/// One price condition.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub enum Rule {
    /// The regular-session price above this (trading currency).
    Above(f64),
    Below(f64),
    /// The absolute day change at least this many percent.
    MovePct(f64),
}

impl Rule {
    /// Whether `q` meets the rule; `None` when the quote lacks the number to tell.
    pub fn holds(self, q: &Quote) -> Option<bool> {
        match self {
            Rule::Above(x) => q.price.map(|p| p > x),
            Rule::Below(x) => q.price.map(|p| p < x),
            Rule::MovePct(x) => q.change_pct.map(|c| c.abs() >= x),
        }
    }
}

impl std::fmt::Display for Rule {
    /// "below 40", "above 212.5", "moves 7.5%": also the key its state is kept under.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Rule::Above(x) => write!(f, "above {x}"),
            Rule::Below(x) => write!(f, "below {x}"),
            Rule::MovePct(x) => write!(f, "moves {x}%"),
        }
    }
}

/// One alert as configured; a `[[alerts]]` entry with several of above/below/move_pct is one
/// alert per rule, each firing on its own.
#[derive(Debug, Clone, PartialEq)]
pub enum Alert {
    Price {
        symbol: Symbol,
        rule: Rule,
    },
    /// A new headline containing any of `keywords` (and, when `symbols` is not empty, about one of them).
    Headline {
        keywords: Vec<String>,
        symbols: Vec<Symbol>,
    },
    /// Each coming earnings date once, when it is at most `within_days` away (exchange-local days;
    /// 0 = on the day); on every watchlist symbol, or on `symbols` when it is not empty.
    Earnings {
        within_days: u32,
        symbols: Vec<Symbol>,
    },
}

impl Alert {
    /// A name that stays the same while the config does: what its state is kept under.
    pub fn key(&self) -> String {
        match self {
            Alert::Price { symbol, rule } => format!("{symbol} {rule}"),
            Alert::Headline { keywords, symbols } => {
                let on: Vec<&str> = symbols.iter().map(Symbol::as_str).collect();
                format!("headline {} {}", keywords.join("|"), on.join(","))
            }
            Alert::Earnings { within_days, symbols } => {
                let on: Vec<&str> = symbols.iter().map(Symbol::as_str).collect();
                format!("earnings within {within_days}d {}", on.join(",")).trim_end().to_string()
            }
        }
    }

    /// The key one event of an earnings alert is kept under: fired once per symbol and date, so a
    /// restart or the next quote does not fire it again, and a moved date is a new event.
    pub fn event_key(&self, symbol: &Symbol, date: chrono::NaiveDate) -> String {
        format!("{} | {symbol} {date}", self.key())
    }

    /// Whether a kept key belongs to this alert (its own, or one of its events').
    pub fn owns(&self, key: &str) -> bool {
        let own = self.key();
        key == own || key.strip_prefix(own.as_str()).is_some_and(|rest| rest.starts_with(" | "))
    }

    /// The date of an event's key (`event_key`); `None` for an alert's own key.
    pub fn event_date(key: &str) -> Option<chrono::NaiveDate> {
        let (_, event) = key.rsplit_once(" | ")?;
        let (_, date) = event.rsplit_once(' ')?;
        chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d").ok()
    }

    /// Whether an earnings alert watches `sym`.
    pub fn watches(&self, sym: &Symbol) -> bool {
        match self {
            Alert::Earnings { symbols, .. } => symbols.is_empty() || symbols.contains(sym),
            _ => false,
        }
    }

    /// The phrases of a headline alert that `h` matches, when it is about the alert's symbols.
    pub fn matches<'a>(&'a self, h: &Headline) -> Vec<&'a str> {
        match self {
            Alert::Headline { keywords, symbols }
                if symbols.is_empty() || symbols.iter().any(|s| h.symbols.contains(s)) =>
            {
                let mut found = phrases_in(&h.title, keywords);
                if let Some(summary) = &h.summary {
                    found.extend(
                        phrases_in(summary, keywords)
                            .into_iter()
                            .filter(|p| !found.contains(p))
                            .collect::<Vec<_>>(),
                    );
                }
                found
            }
            _ => Vec::new(),
        }
    }
}

/// `phrase` in `text`, any case for Latin letters, exactly for everything else (CJK has no case).
/// `phrase` as it is looked for in text lowered by `to_ascii_lowercase` (which keeps byte offsets,
/// so what is found fits the original text). The text is lowered once for all the phrases.
fn needle(phrase: &str) -> std::borrow::Cow<'_, str> {
    if phrase.bytes().any(|b| b.is_ascii_uppercase()) {
        std::borrow::Cow::Owned(phrase.to_ascii_lowercase())
    } else {
        std::borrow::Cow::Borrowed(phrase)
    }
}

/// Where `phrase` stands in `hay`, the text already lowered.
fn occurrences(hay: &str, phrase: &str) -> Vec<Range<usize>> {
    let needle = needle(phrase);
    if needle.is_empty() {
        return Vec::new();
    }
    hay.match_indices(needle.as_ref()).map(|(i, m)| i..i + m.len()).collect()
}

/// The phrases found in `text`, in the order given.
pub fn phrases_in<'a>(text: &str, phrases: &'a [String]) -> Vec<&'a str> {
    let hay = text.to_ascii_lowercase();
    phrases
        .iter()
        .filter(|p| {
            let n = needle(p);
            !n.is_empty() && hay.contains(n.as_ref())
        })
        .map(String::as_str)
        .collect()
}

/// Where any of `phrases` stands in `text`, merged and in order: what to mark.
pub fn phrase_ranges(text: &str, phrases: &[String]) -> Vec<Range<usize>> {
    if phrases.is_empty() {
        return Vec::new();
    }
    let hay = text.to_ascii_lowercase();
    let mut all: Vec<Range<usize>> = phrases.iter().flat_map(|p| occurrences(&hay, p)).collect();
    all.sort_by_key(|r| r.start);
    let mut merged: Vec<Range<usize>> = Vec::new();
    for r in all {
        match merged.last_mut() {
            Some(last) if r.start <= last.end => last.end = last.end.max(r.end),
            _ => merged.push(r),
        }
    }
    merged
}

/// A headline an alert fired for: enough to show it and open it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FiredHeadline {
    pub id: String,
    pub title: String,
    pub link: String,
}

/// One entry of the alert log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Fired {
    pub at: DateTime<Utc>,
    pub symbol: Option<Symbol>,
    /// The rule ("below", with `level`) or the phrases ("export control") that fired.
    pub what: String,
    /// A price rule's level, the user's own figure: kept apart from `what` so that the discreet
    /// mode can hide it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub level: Option<f64>,
    pub price: Option<f64>,
    pub headline: Option<FiredHeadline>,
}

impl Fired {
    /// A log written before `level` was kept apart says "below 40.00" in `what`: split it, so
    /// the discreet mode hides old entries too.
    pub fn split_level(&mut self) {
        if self.level.is_some() || self.headline.is_some() {
            return;
        }
        let Some((word, figure)) = self.what.split_once(' ') else { return };
        if let ("above" | "below", Ok(x)) = (word, figure.replace(',', "").parse::<f64>()) {
            self.what = word.to_string();
            self.level = Some(x);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phrases_any_case_for_latin_exact_for_cjk() {
        let phrases = vec!["Entity List".to_string(), "出口管制".to_string(), "export control".to_string()];
        assert_eq!(phrases_in("US adds SMIC units to the entity list", &phrases), ["Entity List"]);
        assert_eq!(phrases_in("美国升级出口管制措施", &phrases), ["出口管制"]);
        assert_eq!(phrases_in("New EXPORT CONTROLS on chips", &phrases), ["export control"]);
        assert!(phrases_in("Exports rise", &phrases).is_empty());
        assert_eq!(phrase_ranges("entity list and Entity List", &phrases), [0..11, 16..27]);
        assert_eq!(
            phrase_ranges("升级出口管制", &phrases),
            vec![std::ops::Range { start: 6, end: 18 }],
            "byte ranges of the original text"
        );
    }

    #[test]
    fn an_old_log_entry_has_its_level_split_off() {
        let at = chrono::Utc::now();
        let old = |what: &str| Fired {
            at,
            symbol: None,
            what: what.into(),
            level: None,
            price: None,
            headline: None,
        };
        let mut f = old("below 1,234.50");
        f.split_level();
        assert_eq!((f.what.as_str(), f.level), ("below", Some(1234.5)));
        for kept in ["moved +8.00%", "earnings in 2 days", "above the clouds"] {
            let mut f = old(kept);
            f.split_level();
            assert_eq!((f.what.as_str(), f.level), (kept, None));
        }
    }

    #[test]
    fn rules() {
        let q = Quote { price: Some(39.5), change_pct: Some(-8.0), ..Quote::default() };
        assert_eq!(Rule::Below(40.0).holds(&q), Some(true));
        assert_eq!(Rule::Above(40.0).holds(&q), Some(false));
        assert_eq!(Rule::MovePct(7.5).holds(&q), Some(true), "absolute change");
        assert_eq!(Rule::Above(1.0).holds(&Quote::default()), None, "no price: cannot tell");
        assert_eq!(Rule::Below(40.0).to_string(), "below 40");
        assert_eq!(Rule::MovePct(7.5).to_string(), "moves 7.5%");
    }

    #[test]
    fn an_earnings_alert_owns_its_events_keys() {
        let nvda = Symbol::parse("NVDA").unwrap();
        let all = Alert::Earnings { within_days: 1, symbols: vec![] };
        let date = chrono::NaiveDate::from_ymd_opt(2026, 12, 8).unwrap();
        let k = all.event_key(&nvda, date);
        assert_eq!(k, "earnings within 1d | NVDA 2026-12-08");
        assert!(all.owns(&k) && all.owns(&all.key()));
        let two = Alert::Earnings { within_days: 2, symbols: vec![] };
        assert!(!two.owns(&k), "another alert's events");
        assert_eq!(Alert::event_date(&k), Some(date));
        assert_eq!(Alert::event_date(&all.key()), None);
        assert_eq!(Alert::event_date("NVDA below 40"), None);
        assert!(all.watches(&nvda));
        let amd_only = Alert::Earnings { within_days: 1, symbols: vec![Symbol::parse("AMD").unwrap()] };
        assert!(!amd_only.watches(&nvda));
    }
}
