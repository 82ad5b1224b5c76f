//! Chinese names typed in Latin letters, the way mainland users type them: full pinyin (`zhongxin`),
//! initials (`zxgj` for 中芯国际) or a mix (`zhongxgj`), any reading of a character with several.

use pinyin::{PinyinMulti, ToPinyinMulti};

/// `name` read aloud in pinyin holds `query` (lower-case ASCII letters and digits; spaces are
/// ignored). Only names with at least one Han character can match here: a Latin name is matched
/// as text by the caller.
pub fn matches(name: &str, query: &str) -> bool {
    let q: Vec<u8> =
        query.bytes().filter(|b| !b.is_ascii_whitespace()).map(|b| b.to_ascii_lowercase()).collect();
    if q.is_empty() || !q.iter().all(u8::is_ascii_alphanumeric) || !super::search::has_han(name) {
        return false;
    }
    let chars: Vec<Reading> = name.chars().map(Reading::of).collect();
    let mut memo = Memo::new(q.len(), chars.len());
    (0..chars.len()).any(|start| from(&q, 0, &chars, start, &mut memo))
}

/// How one character of a name can be typed.
enum Reading {
    /// Every reading of a Han character (read plain, without tones, `ü` typed `v`).
    Han(PinyinMulti),
    /// A letter or digit, typed as itself.
    Literal(u8),
    /// Punctuation and spaces: typed or not, they never stop a match.
    Skip,
}

impl Reading {
    fn of(c: char) -> Reading {
        if c.is_ascii_alphanumeric() {
            return Reading::Literal(c.to_ascii_lowercase() as u8);
        }
        match c.to_pinyin_multi() {
            Some(multi) => Reading::Han(multi),
            None => Reading::Skip,
        }
    }
}

/// Which (query position, character position) pairs are known not to match, so a long query over
/// a name full of characters with several readings stays linear in practice.
struct Memo {
    failed: Vec<bool>,
    width: usize,
}

impl Memo {
    fn new(q: usize, n: usize) -> Memo {
        Memo { failed: vec![false; (q + 1) * (n + 1)], width: n + 1 }
    }
}

/// The query from `qi` on can be typed from character `ci` on.
fn from(q: &[u8], qi: usize, chars: &[Reading], ci: usize, memo: &mut Memo) -> bool {
    if qi == q.len() {
        return true;
    }
    if ci == chars.len() || memo.failed[qi * memo.width + ci] {
        return false;
    }
    let rest = &q[qi..];
    let found = match &chars[ci] {
        Reading::Skip => from(q, qi, chars, ci + 1, memo),
        Reading::Literal(b) => rest[0] == *b && from(q, qi + 1, chars, ci + 1, memo),
        Reading::Han(multi) => multi.into_iter().any(|p| {
            let plain = p.plain();
            // Only lü, nü and their kin hold a ü: the rest are read without a copy.
            let typed = if plain.contains('ü') {
                std::borrow::Cow::Owned(plain.replace('ü', "v"))
            } else {
                plain.into()
            };
            let r = typed.as_bytes();
            // The whole syllable, then on; or the query ends inside it (`zhongx`, `zhon`).
            if rest.starts_with(r) && from(q, qi + r.len(), chars, ci + 1, memo) || r.starts_with(rest) {
                return true;
            }
            // Its initial: the first letter, or zh/ch/sh whole.
            let initial =
                if r.len() > 1 && r[1] == b'h' && matches!(r[0], b'z' | b'c' | b's') { 2 } else { 1 };
            (1..=initial).any(|n| rest.starts_with(&r[..n]) && from(q, qi + n, chars, ci + 1, memo))
        }),
    };
    if !found {
        memo.failed[qi * memo.width + ci] = true;
    }
    found
}

#[cfg(test)]
mod tests {
    use super::matches;

    #[test]
    fn initials_full_and_mixed() {
        assert!(matches("中芯国际", "zxgj"));
        assert!(matches("中芯国际", "zhongxinguoji"));
        assert!(matches("中芯国际", "zhongxgj"));
        assert!(matches("中芯国际", "zhong xin"));
        assert!(matches("中芯国际", "ZXGJ"), "case does not matter");
        assert!(matches("寒武纪", "hwj"));
        assert!(matches("寒武纪", "hanwu"));
        assert!(matches("寒武纪", "hanw"));
        assert!(matches("中芯国际", "gj"), "anywhere in the name, as the filter matches text");
        assert!(matches("中芯国际", "zhxgj"), "zh typed whole as an initial");
    }

    #[test]
    fn characters_with_several_readings_match_by_any() {
        // 行 is xing or hang; 长 is chang or zhang.
        assert!(matches("银行", "yh"));
        assert!(matches("银行", "yinhang"));
        assert!(matches("长江存储", "cjcc"));
        assert!(matches("长江存储", "zhangjiang"));
    }

    #[test]
    fn letters_and_digits_in_the_name_are_typed_as_themselves() {
        assert!(matches("沪深300ETF", "hs300etf"));
        assert!(matches("华虹公司(A)", "hhgsa"));
        assert!(matches("女装", "nvz"), "ü is typed v");
    }

    #[test]
    fn what_does_not_match() {
        assert!(!matches("中芯国际", "zxgjx"), "longer than the name");
        assert!(!matches("中芯国际", "xz"), "out of order");
        assert!(!matches("中芯国际", "zhonga"));
        assert!(!matches("Cambricon", "cam"), "a Latin name is the caller's to match");
        assert!(!matches("中芯国际", ""));
        assert!(!matches("中芯国际", "中芯"), "only Latin letters are pinyin");
    }

    #[test]
    fn a_long_query_over_a_long_name_ends() {
        let name = "行".repeat(40);
        assert!(!matches(&name, &"h".repeat(200)));
        assert!(matches(&name, &"x".repeat(40)));
    }
}
