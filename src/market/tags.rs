//! Ties headlines to watchlist symbols by ticker and by the names people use in headlines.

use super::Symbol;

struct Pattern {
    needle: String,
    /// Tickers are case-sensitive ("AMD" the ticker, not "amd" in a URL slug).
    case_sensitive: bool,
    /// CJK has no spaces between words, so a name there matches as a plain substring.
    substring: bool,
}

pub struct Tagger {
    entries: Vec<(Symbol, Vec<Pattern>)>,
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

fn find_word(hay: &str, needle: &str, substring: bool) -> bool {
    if needle.is_empty() {
        return false;
    }
    let mut from = 0;
    while let Some(pos) = hay[from..].find(needle) {
        let start = from + pos;
        let end = start + needle.len();
        if substring {
            return true;
        }
        let before_ok = hay[..start].chars().next_back().is_none_or(|c| !is_word_char(c));
        let after_ok = hay[end..].chars().next().is_none_or(|c| !is_word_char(c));
        if before_ok && after_ok {
            return true;
        }
        from = start + needle.chars().next().map_or(1, char::len_utf8);
    }
    false
}

impl Tagger {
    /// `entries`: each watchlist symbol with its display name and aliases.
    pub fn new<'a>(entries: impl IntoIterator<Item = (Symbol, Vec<&'a str>)>) -> Tagger {
        let entries = entries
            .into_iter()
            .map(|(sym, names)| {
                let mut pats = vec![Pattern {
                    needle: sym.as_str().to_string(),
                    case_sensitive: true,
                    substring: false,
                }];
                for n in names {
                    let n = n.trim();
                    if n.is_empty() {
                        continue;
                    }
                    let substring = n.chars().any(is_cjk);
                    pats.push(Pattern { needle: n.to_lowercase(), case_sensitive: false, substring });
                }
                (sym, pats)
            })
            .collect();
        Tagger { entries }
    }

    /// The symbols `texts` are about, in watchlist order, each once.
    pub fn tag(&self, texts: &[&str]) -> Vec<Symbol> {
        let lowered: Vec<String> = texts.iter().map(|t| t.to_lowercase()).collect();
        let mut out: Vec<Symbol> = Vec::new();
        for (sym, pats) in &self.entries {
            if out.contains(sym) {
                continue;
            }
            let hit = pats.iter().any(|p| {
                if p.case_sensitive {
                    texts.iter().any(|t| find_word(t, &p.needle, p.substring))
                } else {
                    lowered.iter().any(|t| find_word(t, &p.needle, p.substring))
                }
            });
            if hit {
                out.push(sym.clone());
            }
        }
        out
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
