//! Finding a listing by its name or code: candidates from every source, merged into one list of
//! Yahoo-form symbols, and the local catalogue searched with no request at all.

use serde::Serialize;

use super::Symbol;
use super::exchange::exchange_for;

/// At most this many candidates are shown or printed.
pub const MAX: usize = 10;

/// What a candidate is, as far as the source says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Equity,
    Etf,
    Index,
    Fund,
    Currency,
    Crypto,
    Future,
    Other,
}

impl Kind {
    pub fn label(self) -> &'static str {
        match self {
            Kind::Equity => "equity",
            Kind::Etf => "ETF",
            Kind::Index => "index",
            Kind::Fund => "fund",
            Kind::Currency => "currency",
            Kind::Crypto => "crypto",
            Kind::Future => "future",
            Kind::Other => "other",
        }
    }
}

/// One listing a search found.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Candidate {
    pub symbol: Symbol,
    /// The name in Latin letters.
    pub name: Option<String>,
    /// The Chinese name.
    pub name_zh: Option<String>,
    /// Where it trades, as the source names it ("NASDAQ", "Hong Kong", "SH").
    pub exchange: Option<String>,
    #[serde(rename = "type")]
    pub kind: Kind,
    /// The search that found it first: "local" or a source's config name.
    pub source: &'static str,
}

impl Candidate {
    /// `name` goes where it belongs: into `name_zh` when it is written in Chinese.
    pub fn named(mut self, name: &str) -> Candidate {
        let name = name.trim();
        if name.is_empty() {
            return self;
        }
        if has_han(name) {
            self.name_zh.get_or_insert_with(|| name.to_string());
        } else {
            self.name.get_or_insert_with(|| name.to_string());
        }
        self
    }

    /// The names a watchlist row shows and headlines are tagged by: (display name, aliases).
    pub fn names(&self) -> (Option<String>, Vec<String>) {
        let display = self.name.clone().or_else(|| self.name_zh.clone());
        let aliases = self.name.iter().chain(&self.name_zh).cloned().collect();
        (display, aliases)
    }
}

/// A Han character anywhere in `s`.
pub fn has_han(s: &str) -> bool {
    s.chars()
        .any(|c| matches!(c, '\u{3400}'..='\u{9fff}' | '\u{f900}'..='\u{faff}' | '\u{20000}'..='\u{2ffff}'))
}

/// A query as the sources are asked it: trimmed, inner runs of space made one, control characters
/// dropped, at most 64 characters (no name is longer). Empty when nothing is left to look for.
pub fn clean_query(raw: &str) -> String {
    let words: Vec<&str> =
        raw.split(|c: char| c.is_whitespace() || c.is_control()).filter(|w| !w.is_empty()).collect();
    words.join(" ").chars().filter(|c| !c.is_control()).take(64).collect()
}

/// One entry of the local catalogue: a symbol with its display name and aliases.
pub struct Entry<'a> {
    pub symbol: &'a Symbol,
    pub name: Option<&'a str>,
    pub aliases: &'a [String],
}

/// The local catalogue's candidates for `query`, best first: the exact code, then codes that begin
/// with it, then names that begin with it, then names that hold it, then pinyin matches.
pub fn local<'a>(entries: impl IntoIterator<Item = Entry<'a>>, query: &str) -> Vec<Candidate> {
    let q = clean_query(query).to_lowercase();
    if q.is_empty() {
        return Vec::new();
    }
    let mut scored: Vec<(u8, usize, Candidate)> = Vec::new();
    for (i, e) in entries.into_iter().enumerate() {
        let names = || e.name.into_iter().chain(e.aliases.iter().map(String::as_str));
        let code = e.symbol.as_str().to_lowercase();
        let bare = code.split('.').next().unwrap_or(&code);
        // Hong Kong codes are typed with or without their leading zeros.
        let unpadded = q.trim_start_matches('0');
        let score = if code == q || bare == q {
            0
        } else if code.starts_with(&q)
            || !unpadded.is_empty() && bare.trim_start_matches('0').starts_with(unpadded)
        {
            1
        } else if names().any(|n| n.to_lowercase().starts_with(&q)) {
            2
        } else if names().any(|n| n.to_lowercase().contains(&q)) {
            3
        } else if names().any(|n| super::pinyin::matches(n, &q)) {
            4
        } else {
            continue;
        };
        let mut c = Candidate {
            symbol: e.symbol.clone(),
            name: None,
            name_zh: None,
            exchange: Some(exchange_for(e.symbol.as_str()).code.to_string()),
            kind: if e.symbol.as_str().starts_with('^') { Kind::Index } else { Kind::Equity },
            source: "local",
        };
        for n in names() {
            c = c.named(n);
        }
        scored.push((score, i, c));
    }
    scored.sort_by_key(|(score, i, _)| (*score, *i));
    scored.into_iter().map(|(_, _, c)| c).take(MAX).collect()
}

/// The lists of every source (in the order the config gives them) as one: each symbol once, where
/// it came first, its missing names and exchange filled from the others; the listing whose code is
/// the query itself first; at most `MAX`.
pub fn merge<'a>(lists: impl IntoIterator<Item = &'a [Candidate]>, query: &str) -> Vec<Candidate> {
    let mut out: Vec<Candidate> = Vec::new();
    for c in lists.into_iter().flatten() {
        match out.iter_mut().find(|o| o.symbol == c.symbol) {
            Some(o) => {
                if o.name.is_none() {
                    o.name = c.name.clone();
                }
                if o.name_zh.is_none() {
                    o.name_zh = c.name_zh.clone();
                }
                if o.exchange.is_none() {
                    o.exchange = c.exchange.clone();
                }
                if o.kind == Kind::Other {
                    o.kind = c.kind;
                }
            }
            None => out.push(c.clone()),
        }
    }
    let exact = clean_query(query).to_ascii_uppercase();
    if let Some(i) = out.iter().position(|c| c.symbol.as_str() == exact) {
        let c = out.remove(i);
        out.insert(0, c);
    }
    out.truncate(MAX);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sym(s: &str) -> Symbol {
        Symbol::parse(s).unwrap()
    }

    fn cand(s: &str, name: Option<&str>, zh: Option<&str>, source: &'static str) -> Candidate {
        Candidate {
            symbol: sym(s),
            name: name.map(str::to_string),
            name_zh: zh.map(str::to_string),
            exchange: None,
            kind: Kind::Equity,
            source,
        }
    }

    #[test]
    fn the_same_listing_from_two_sources_is_one_with_both_names() {
        let yahoo = [cand("688256.SS", Some("Cambricon Technologies"), None, "yahoo")];
        let tencent = [
            cand("688256.SS", None, Some("寒武纪"), "tencent"),
            cand("688256.SZ", None, Some("别的"), "tencent"),
        ];
        let m = merge([&yahoo[..], &tencent[..]], "cambricon");
        assert_eq!(m.len(), 2);
        assert_eq!(m[0].name.as_deref(), Some("Cambricon Technologies"));
        assert_eq!(m[0].name_zh.as_deref(), Some("寒武纪"));
        assert_eq!(m[0].source, "yahoo", "named by the source that found it first");
    }

    #[test]
    fn the_exact_code_comes_first_and_the_list_is_capped() {
        let many: Vec<Candidate> = (0..15).map(|i| cand(&format!("A{i}"), None, None, "yahoo")).collect();
        let m = merge([&many[..]], " a12 ");
        assert_eq!(m.len(), MAX);
        assert_eq!(m[0].symbol.as_str(), "A12");
    }

    fn catalogue() -> Vec<(Symbol, Option<String>, Vec<String>)> {
        vec![
            (sym("0981.HK"), Some("SMIC".into()), vec!["SMIC".into(), "中芯国际".into()]),
            (sym("688981.SS"), Some("SMIC (A)".into()), vec!["SMIC".into(), "中芯国际".into()]),
            (sym("688256.SS"), Some("Cambricon".into()), vec!["寒武纪".into()]),
            (sym("AMD"), Some("AMD".into()), vec![]),
            (sym("NVDA"), Some("Nvidia".into()), vec![]),
        ]
    }

    fn search(q: &str) -> Vec<String> {
        let cat = catalogue();
        let entries = cat.iter().map(|(s, n, a)| Entry { symbol: s, name: n.as_deref(), aliases: a });
        local(entries, q).into_iter().map(|c| c.symbol.to_string()).collect()
    }

    #[test]
    fn the_local_catalogue_is_searched_by_code_name_chinese_and_pinyin() {
        assert_eq!(search("smic"), ["0981.HK", "688981.SS"]);
        assert_eq!(search("中芯"), ["0981.HK", "688981.SS"]);
        assert_eq!(search("zxgj"), ["0981.HK", "688981.SS"]);
        assert_eq!(search("hwj"), ["688256.SS"]);
        assert_eq!(search("寒武纪"), ["688256.SS"]);
        assert_eq!(search("688256"), ["688256.SS"]);
        assert_eq!(search("981"), ["0981.HK"], "a Hong Kong code without its leading zero");
        assert_eq!(search("nv"), ["NVDA"]);
        assert_eq!(search("   "), Vec::<String>::new());
        assert_eq!(search("\u{1b}[31m"), Vec::<String>::new());
    }

    #[test]
    fn local_candidates_carry_both_names() {
        let cat = catalogue();
        let entries = cat.iter().map(|(s, n, a)| Entry { symbol: s, name: n.as_deref(), aliases: a });
        let c = &local(entries, "hwj")[0];
        assert_eq!((c.name.as_deref(), c.name_zh.as_deref()), (Some("Cambricon"), Some("寒武纪")));
        assert_eq!(c.names(), (Some("Cambricon".into()), vec!["Cambricon".into(), "寒武纪".into()]));
    }

    #[test]
    fn queries_are_cleaned() {
        assert_eq!(clean_query("  Hua \t Hong  "), "Hua Hong");
        assert_eq!(clean_query("a\u{7}b"), "a b");
        assert_eq!(clean_query(&"x".repeat(200)).len(), 64);
        assert_eq!(clean_query("   "), "");
    }
}
