//! Cutting text to a display width (screen and plain output alike): CJK and emoji are two cells, and nothing unprintable gets through.

use unicode_segmentation::UnicodeSegmentation;
use unicode_width::UnicodeWidthStr;

pub fn width(s: &str) -> usize {
    UnicodeWidthStr::width(s)
}

/// Printable ASCII only: one byte is one cell and nothing needs dropping (most symbols, prices
/// and English headlines), so the text is copied once, not rebuilt a character at a time.
fn plain_ascii(s: &str) -> bool {
    s.bytes().all(|b| (0x20..0x7f).contains(&b))
}

/// At most `max` cells, with "…" when cut; control characters dropped.
pub fn fit(s: &str, max: usize) -> String {
    if max == 0 {
        return String::new();
    }
    if plain_ascii(s) {
        return fit_plain(s, max);
    }
    let clean: String = s.chars().filter(|c| !c.is_control()).collect();
    // Printable ASCII is one cell a byte: most symbols, prices and English headlines.
    if clean.is_ascii() {
        if clean.len() <= max {
            return clean;
        }
        let mut out = clean[..max - 1].to_string();
        out.push('…');
        return out;
    }
    if width(&clean) <= max {
        return clean;
    }
    let mut out = String::new();
    let mut w = 0;
    for g in clean.graphemes(true) {
        let gw = width(g);
        if w + gw > max - 1 {
            break;
        }
        out.push_str(g);
        w += gw;
    }
    out.push('…');
    out
}

/// Every run of whitespace (newlines too) as one space: for a line that has room for one line.
pub fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `fit` of printable ASCII, `max` > 0.
fn fit_plain(s: &str, max: usize) -> String {
    if s.len() <= max {
        return s.to_string();
    }
    let mut out = String::with_capacity(max + 2);
    out.push_str(&s[..max - 1]);
    out.push('…');
    out
}

/// `fit`, then padded with spaces to exactly `cells` (left-aligned) .
pub fn pad(s: &str, cells: usize) -> String {
    if plain_ascii(s) && s.len() <= cells {
        let mut out = String::with_capacity(cells);
        out.push_str(s);
        out.extend(std::iter::repeat_n(' ', cells - s.len()));
        return out;
    }
    let mut t = fit(s, cells);
    let w = width(&t);
    t.extend(std::iter::repeat_n(' ', cells.saturating_sub(w)));
    t
}

/// Right-aligned in `cells`.
pub fn rpad(s: &str, cells: usize) -> String {
    let t =
        if plain_ascii(s) && s.len() <= cells { std::borrow::Cow::Borrowed(s) } else { fit(s, cells).into() };
    let w = width(&t);
    let mut out = String::with_capacity(cells.max(t.len()));
    out.extend(std::iter::repeat_n(' ', cells.saturating_sub(w)));
    out.push_str(&t);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cuts_by_cells() {
        assert_eq!(fit("hello", 10), "hello");
        assert_eq!(fit("hello world", 6), "hello…");
        assert_eq!(fit("中芯国际扩产", 7), "中芯国…");
        assert_eq!(width(&fit("中芯国际扩产", 6)), 5);
        assert_eq!(fit("a\u{1b}[31mb", 10), "a[31mb");
        assert_eq!(fit("x", 0), "");
        assert_eq!(pad("中", 4), "中  ");
        assert_eq!(rpad("1.00", 6), "  1.00");
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(512))]
        /// Never wider than asked, whatever the text: wide, combining, control and emoji characters.
        #[test]
        fn fit_and_pad_never_overflow(text in "\\PC{0,40}|[中a😀\\u{301}\\u{1b}\\t]{0,40}", max in 0usize..30) {
            proptest::prop_assert!(width(&fit(&text, max)) <= max);
            proptest::prop_assert!(width(&pad(&text, max)) == max);
            proptest::prop_assert!(width(&rpad(&text, max)) == max);
        }
    }
}
