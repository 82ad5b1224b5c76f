//! Text from the network, made safe and plain before it reaches state and the terminal.

/// Entities decoded, tags stripped, control characters, escape sequences, bidi overrides and
/// zero-width characters removed, whitespace collapsed.
pub fn clean(raw: &str) -> String {
    let no_esc = strip_escapes(raw);
    let once = html_escape::decode_html_entities(&no_esc).into_owned();
    let no_tags = strip_tags(&once);
    // Feeds double-escape often enough ("&amp;amp;"); a second pass is text only, tags stay text.
    let decoded = html_escape::decode_html_entities(&no_tags).into_owned();
    let mut out = String::with_capacity(decoded.len());
    let mut space = false;
    for c in strip_escapes(&decoded).chars() {
        if c.is_whitespace() {
            space = !out.is_empty();
            continue;
        }
        if c.is_control() || is_invisible(c) {
            continue;
        }
        if space {
            out.push(' ');
            space = false;
        }
        out.push(c);
    }
    out
}

/// Bidi overrides and isolates, zero-width characters, soft hyphens: they reorder or hide text.
fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2064}'
        | '\u{2066}'..='\u{2069}' | '\u{061C}' | '\u{FEFF}' | '\u{00AD}' | '\u{180E}')
}

/// ANSI/VT escape sequences (CSI, OSC, two-byte ESC sequences, 8-bit CSI/OSC) removed whole.
fn strip_escapes(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut it = s.chars().peekable();
    while let Some(c) = it.next() {
        match c {
            '\u{1b}' => match it.next() {
                Some('[') => skip_csi(&mut it),
                Some(']' | 'P' | '_' | '^' | 'X') => skip_string(&mut it),
                _ => {}
            },
            '\u{9b}' => skip_csi(&mut it),
            '\u{9d}' | '\u{90}' | '\u{9e}' | '\u{9f}' | '\u{98}' => skip_string(&mut it),
            c => out.push(c),
        }
    }
    out
}

fn skip_csi(it: &mut std::iter::Peekable<std::str::Chars<'_>>) {
    for c in it.by_ref() {
        if ('\u{40}'..='\u{7e}').contains(&c) {
            break;
        }
    }
}

/// OSC, DCS and friends run to BEL or ST (ESC \ or 0x9C).
fn skip_string(it: &mut std::iter::Peekable<std::str::Chars<'_>>) {
    while let Some(c) = it.next() {
        match c {
            '\u{7}' | '\u{9c}' => break,
            '\u{1b}' => {
                if it.peek() == Some(&'\\') {
                    it.next();
                }
                break;
            }
            _ => {}
        }
    }
}

/// Remove `<tag …>` markup; `a < b` stays. Script and style bodies go with their tags.
fn strip_tags(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('<') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        let is_tag =
            after.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || matches!(c, '/' | '!' | '?'));
        if !is_tag {
            out.push('<');
            rest = after;
            continue;
        }
        let Some(end) = after.find('>') else {
            // An unclosed tag at the end: drop it.
            rest = "";
            break;
        };
        let tag = after[..end].trim_start_matches('/').to_ascii_lowercase();
        rest = &after[end + 1..];
        for body in ["script", "style"] {
            if tag.starts_with(body) && !after.starts_with('/') {
                let close = format!("</{body}");
                rest = match rest.to_ascii_lowercase().find(&close) {
                    Some(j) => rest[j..].find('>').map_or("", |k| &rest[j + k + 1..]),
                    None => "",
                };
            }
        }
        // Block tags separate words; inline ones sit inside them ("<b>Nvidia</b>'s", "Baidu</a>.").
        let name: String = tag.chars().take_while(char::is_ascii_alphanumeric).collect();
        if !INLINE_TAGS.contains(&name.as_str()) {
            out.push(' ');
        }
    }
    out.push_str(rest);
    out
}

const INLINE_TAGS: &[&str] = &[
    "a", "abbr", "b", "big", "cite", "code", "em", "font", "i", "mark", "q", "s", "small", "span", "strong",
    "sub", "sup", "time", "u",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entities_tags_and_space() {
        assert_eq!(clean("AMD &amp; Nvidia"), "AMD & Nvidia");
        assert_eq!(clean("&lt;b&gt;Bold&lt;/b&gt; move"), "Bold move");
        assert_eq!(clean("<p>One</p><p>Two</p>"), "One Two");
        assert_eq!(clean("  a \n\t b  "), "a b");
        assert_eq!(clean("1 < 2 and 3 > 2"), "1 < 2 and 3 > 2");
        assert_eq!(clean("x<script>alert(1)</script>y"), "x y");
        assert_eq!(clean("&amp;amp; twice"), "& twice");
        assert_eq!(clean("Nvidia&#39;s &#x4e2d;&#33455;"), "Nvidia's 中芯");
    }

    #[test]
    fn no_escape_sequence_or_control_survives() {
        for hostile in [
            "a\u{1b}[31mred\u{1b}[0m b",
            "a\u{1b}]0;pwned title\u{7} b",
            "a\u{1b}]8;;http://evil\u{1b}\\link\u{1b}]8;;\u{1b}\\ b",
            "a\u{9b}2J b",
            "a\u{0}\u{7}\u{8}\u{7f} b",
            "a &#27;[31m b",
        ] {
            let c = clean(hostile);
            assert!(!c.chars().any(|ch| ch.is_control()), "{hostile:?} -> {c:?}");
            assert!(!c.contains('\u{1b}'), "{c:?}");
            assert!(c.starts_with('a') && c.ends_with('b'), "{c:?}");
        }
    }

    #[test]
    fn bidi_and_zero_width_removed() {
        assert_eq!(clean("abc\u{202E}fed"), "abcfed");
        assert_eq!(clean("zero\u{200B}width\u{FEFF}"), "zerowidth");
        assert_eq!(clean("\u{2067}iso\u{2069}"), "iso");
    }

    #[test]
    fn cjk_and_emoji_kept() {
        assert_eq!(clean("中芯国际 扩产 🚀"), "中芯国际 扩产 🚀");
    }
}
