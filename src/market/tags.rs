//! Ties headlines to watchlist symbols by ticker and by the names people use in headlines.

use std::collections::HashMap;

use aho_corasick::AhoCorasick;

use super::Symbol;

/// One automaton over every needle of one kind, and which entries each needle belongs to.
struct Needles {
    matcher: Option<AhoCorasick>,
    /// Per needle: the entries (watchlist positions) it names, and whether it matches anywhere
    /// (CJK) rather than as a whole word.
    owners: Vec<(Vec<usize>, bool)>,
}

impl Needles {
    fn new(list: Vec<(String, usize, bool)>) -> Needles {
        let mut index: HashMap<String, usize> = HashMap::new();
        let mut needles: Vec<String> = Vec::new();
        let mut owners: Vec<(Vec<usize>, bool)> = Vec::new();
        for (needle, entry, substring) in list {
            if needle.is_empty() {
                continue;
            }
            let i = *index.entry(needle.clone()).or_insert_with(|| {
                needles.push(needle);
                owners.push((Vec::new(), substring));
                owners.len() - 1
            });
            if !owners[i].0.contains(&entry) {
                owners[i].0.push(entry);
            }
        }
        // Building fails only past the automaton's size limits: then nothing is tagged, which is
        // better than a failure.
        let matcher = (!needles.is_empty()).then(|| AhoCorasick::new(&needles).ok()).flatten();
        Needles { matcher, owners }
    }

    /// Marks in `hit` every entry a needle found in `hay` names.
    fn mark(&self, hay: &str, hit: &mut [bool]) {
        let Some(m) = &self.matcher else { return };
        for found in m.find_overlapping_iter(hay) {
            let (entries, substring) = &self.owners[found.pattern().as_usize()];
            if entries.iter().all(|e| hit[*e]) {
                continue;
            }
            let before_ok = hay[..found.start()].chars().next_back().is_none_or(|c| !is_word_char(c));
            let after_ok = hay[found.end()..].chars().next().is_none_or(|c| !is_word_char(c));
            if *substring || (before_ok && after_ok) {
                for e in entries {
                    hit[*e] = true;
                }
            }
        }
    }
}

/// Every needle of every symbol in one pass over the text, however long the watchlist.
pub struct Tagger {
    symbols: Vec<Symbol>,
    /// Tickers are case-sensitive ("AMD" the ticker, not "amd" in a URL slug).
    exact: Needles,
    /// Names match in any case: they are looked for in the lowercased text.
    any_case: Needles,
}

/// Text written in Chinese (or Japanese, Korean): some of it is.
pub fn has_cjk(s: &str) -> bool {
    s.chars().any(is_cjk)
}

fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3040..=0x30FF   // kana
        | 0x3400..=0x4DBF // CJK ext A
        | 0x4E00..=0x9FFF // CJK unified
        | 0xAC00..=0xD7AF // hangul
        | 0xF900..=0xFAFF
        | 0x20000..=0x2FA1F)
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() && !is_cjk(c)
}

impl Tagger {
    /// `entries`: each watchlist symbol with its display name and aliases.
    pub fn new<'a>(entries: impl IntoIterator<Item = (Symbol, Vec<&'a str>)>) -> Tagger {
        let (mut symbols, mut exact, mut any_case) = (Vec::new(), Vec::new(), Vec::new());
        for (i, (sym, names)) in entries.into_iter().enumerate() {
            exact.push((sym.as_str().to_string(), i, false));
            for n in names {
                let n = n.trim();
                // CJK has no spaces between words, so a name there matches as a plain substring.
                let substring = n.chars().any(is_cjk);
                any_case.push((n.to_lowercase(), i, substring));
            }
            symbols.push(sym);
        }
        Tagger { symbols, exact: Needles::new(exact), any_case: Needles::new(any_case) }
    }

    /// The symbols `texts` are about, in watchlist order, each once.
    pub fn tag(&self, texts: &[&str]) -> Vec<Symbol> {
        let mut hit = vec![false; self.symbols.len()];
        for t in texts {
            self.exact.mark(t, &mut hit);
            self.any_case.mark(&t.to_lowercase(), &mut hit);
        }
        self.symbols.iter().zip(hit).filter(|(_, h)| *h).map(|(s, _)| s.clone()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tagger() -> Tagger {
        let s = |x: &str| Symbol::parse(x).unwrap();
        Tagger::new(vec![
            (s("AMD"), vec!["AMD", "Advanced Micro Devices"]),
            (s("0981.HK"), vec!["SMIC", "中芯国际"]),
            (s("688981.SS"), vec!["SMIC (A)", "SMIC", "中芯国际"]),
            (s("NVDA"), vec!["NVIDIA", "英伟达"]),
        ])
    }

    fn tags(t: &str) -> Vec<String> {
        tagger().tag(&[t]).iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn ticker_whole_word_case_sensitive() {
        assert_eq!(tags("NVDA slips"), vec!["NVDA"]);
        assert_eq!(tags("$NVDA slips"), vec!["NVDA"]);
        assert_eq!(tags("nvdax rallies"), Vec::<String>::new());
        assert_eq!(tags("Amdocs beats estimates"), Vec::<String>::new());
        assert_eq!(tags("0981.HK jumps"), vec!["0981.HK"]);
    }

    #[test]
    fn alias_case_insensitive_whole_word() {
        assert_eq!(tags("Nvidia's new chip"), vec!["NVDA"]);
        assert_eq!(tags("advanced micro devices cuts"), vec!["AMD"]);
        assert_eq!(tags("smic expands"), vec!["0981.HK", "688981.SS"]);
        assert_eq!(tags("SMICS is not a word"), Vec::<String>::new());
    }

    #[test]
    fn cjk_alias_is_a_substring() {
        assert_eq!(tags("中芯国际扩产"), vec!["0981.HK", "688981.SS"]);
        assert_eq!(tags("英伟达H20"), vec!["NVDA"]);
    }
}
