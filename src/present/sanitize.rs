//! Text from the network, made safe and plain before it reaches state and the terminal.

/// Text that is shown as written but must not steer the terminal (a config file's key names, error
/// messages quoting it): escape sequences, control and invisible characters removed, nothing else.
pub fn printable(raw: &str) -> String {
    strip_escapes(raw).chars().filter(|c| !c.is_control() && !is_invisible(*c)).collect()
}

/// Tags stripped, entities decoded, control characters, escape sequences, bidi overrides and
/// zero-width spaces removed, whitespace collapsed.
pub fn clean(raw: &str) -> String {
    let decode = |s: &str| html_escape::decode_html_entities(s).into_owned();
    // Tags first, then entities: `&lt;blink&gt;` in HTML is the word "<blink>", not a tag.
    let once = decode(&strip_tags(&strip_escapes(raw)));
    // Feeds double-escape often enough (`&amp;lt;b&amp;gt;`, "&amp;amp;"): what is markup or an
    // entity once the first escapes are undone is read once more.
    let text = if looks_like_html(&once) { decode(&strip_tags(&once)) } else { once };
    visible(&text)
}

/// Whether text that says nothing of its type is HTML: a closing tag or an entity in it (as
/// feedparser and newsboat decide).
pub fn looks_like_html(s: &str) -> bool {
    let closing = s.match_indices("</").any(|(i, _)| {
        let rest = &s[i + 2..];
        let name_len = rest.bytes().take_while(u8::is_ascii_alphanumeric).count();
        name_len > 0 && rest[name_len..].starts_with('>')
    });
    let entity = s.match_indices('&').any(|(i, _)| {
        let rest = s[i + 1..].trim_start_matches('#');
        let n = rest.bytes().take_while(u8::is_ascii_alphanumeric).count();
        n > 0 && rest[n..].starts_with(';')
    });
    closing || entity
}

/// Text that is text, not HTML (an Atom `type="text"` title, an RSS title without markup): shown
/// as written, `<blink>` and `&amp;` included, with what `clean` removes besides markup removed.
pub fn plain(raw: &str) -> String {
    visible(raw)
}

/// Escape sequences, control and invisible characters removed, whitespace collapsed.
fn visible(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut space = false;
    for c in strip_escapes(raw).chars() {
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

/// Invisible formatting characters (Unicode's "Cf"): bidi overrides, marks and isolates, zero-width
/// spaces, soft hyphens, deprecated format controls, interlinear annotations and the tag
/// characters. They reorder, hide or smuggle text. The zero-width joiner and non-joiner are not
/// among them: they are part of the text (emoji sequences, Persian and Indic words).
pub fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{0600}'..='\u{0605}' | '\u{061C}' | '\u{06DD}' | '\u{070F}' | '\u{0890}'..='\u{0891}'
        | '\u{08E2}' | '\u{180E}' | '\u{200B}' | '\u{200E}'..='\u{200F}' | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{206F}' | '\u{FEFF}' | '\u{FFF9}'..='\u{FFFB}' | '\u{110BD}' | '\u{110CD}'
        | '\u{13430}'..='\u{1343F}' | '\u{1BCA0}'..='\u{1BCA3}' | '\u{1D173}'..='\u{1D17A}'
        | '\u{E0000}'..='\u{E007F}')
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

/// Element names of HTML (current and obsolete). Only these are markup: `NVDA<AMD on margins > INTC`
/// is a sentence, not a tag, and stays as written.
const ELEMENTS: &[&str] = &[
    "a",
    "abbr",
    "acronym",
    "address",
    "applet",
    "area",
    "article",
    "aside",
    "audio",
    "b",
    "base",
    "basefont",
    "bdi",
    "bdo",
    "big",
    "blink",
    "blockquote",
    "body",
    "br",
    "button",
    "canvas",
    "caption",
    "center",
    "cite",
    "code",
    "col",
    "colgroup",
    "data",
    "datalist",
    "dd",
    "del",
    "details",
    "dfn",
    "dialog",
    "dir",
    "div",
    "dl",
    "dt",
    "em",
    "embed",
    "fieldset",
    "figcaption",
    "figure",
    "font",
    "footer",
    "form",
    "frame",
    "frameset",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "head",
    "header",
    "hgroup",
    "hr",
    "html",
    "i",
    "iframe",
    "img",
    "input",
    "ins",
    "kbd",
    "label",
    "legend",
    "li",
    "link",
    "main",
    "map",
    "mark",
    "marquee",
    "math",
    "menu",
    "meta",
    "meter",
    "nav",
    "nobr",
    "noembed",
    "noframes",
    "noscript",
    "object",
    "ol",
    "optgroup",
    "option",
    "output",
    "p",
    "param",
    "picture",
    "plaintext",
    "pre",
    "progress",
    "q",
    "rb",
    "rp",
    "rt",
    "rtc",
    "ruby",
    "s",
    "samp",
    "script",
    "search",
    "section",
    "select",
    "slot",
    "small",
    "source",
    "span",
    "strike",
    "strong",
    "style",
    "sub",
    "summary",
    "sup",
    "svg",
    "table",
    "tbody",
    "td",
    "template",
    "textarea",
    "tfoot",
    "th",
    "thead",
    "time",
    "title",
    "tr",
    "track",
    "tt",
    "u",
    "ul",
    "var",
    "video",
    "wbr",
    "xmp",
];

/// Elements whose content is not text for a reader: it goes with them.
const OPAQUE: &[&str] = &["script", "style", "template", "svg", "math", "head", "title", "xmp", "noembed"];

/// Elements that sit inside a line ("<b>Nvidia</b>'s", "Baidu</a>."); any other tag separates words.
const INLINE: &[&str] = &[
    "a", "abbr", "b", "bdi", "bdo", "big", "cite", "code", "data", "del", "dfn", "em", "font", "i", "ins",
    "kbd", "mark", "nobr", "q", "s", "samp", "small", "span", "strike", "strong", "sub", "sup", "time", "tt",
    "u", "var", "wbr",
];

/// What starts at a `<`.
enum Markup<'a> {
    /// Not markup: the `<` is text.
    Text,
    /// A tag, comment, declaration or processing instruction, `len` bytes long.
    Tag { name: String, closing: bool, len: usize },
    /// `<![CDATA[…]]>`: its content is text.
    Cdata { text: &'a str, len: usize },
}

/// Read the markup (if any) at the start of `s`, which begins with `<`.
fn markup_at(s: &str) -> Markup<'_> {
    let skip_to = |open: &str, close: &str| match s[open.len()..].find(close) {
        Some(i) => Markup::Tag { name: String::new(), closing: false, len: open.len() + i + close.len() },
        None => Markup::Tag { name: String::new(), closing: false, len: s.len() },
    };
    if s.starts_with("<!--") {
        return skip_to("<!--", "-->");
    }
    if let Some(rest) = s.strip_prefix("<![CDATA[") {
        return match rest.find("]]>") {
            Some(i) => Markup::Cdata { text: &rest[..i], len: 9 + i + 3 },
            None => Markup::Cdata { text: rest, len: s.len() },
        };
    }
    let b = s.as_bytes();
    if b.get(1) == Some(&b'?') || (b.get(1) == Some(&b'!') && b.get(2).is_some_and(u8::is_ascii_alphabetic)) {
        // Up to the next `<` at most: scans never overlap, so hostile text stays linear.
        return match s[1..].find(['<', '>']).map(|i| i + 1) {
            Some(i) if b[i] == b'>' => Markup::Tag { name: String::new(), closing: false, len: i + 1 },
            _ => Markup::Text,
        };
    }
    let closing = b.get(1) == Some(&b'/');
    let start = 1 + usize::from(closing);
    let name_len = s[start..]
        .bytes()
        .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, b':' | b'-' | b'_'))
        .count();
    if name_len == 0 || !b[start].is_ascii_alphabetic() {
        return Markup::Text;
    }
    let name = s[start..start + name_len].to_ascii_lowercase();
    // Word's `<o:p>` and other prefixed names are markup too.
    if !ELEMENTS.contains(&name.as_str()) && !name.contains(':') {
        return Markup::Text;
    }
    match attributes_end(&s[start + name_len..]) {
        Some(end) => Markup::Tag { name, closing, len: start + name_len + end },
        None => Markup::Text,
    }
}

/// Where a tag's attributes end (just past its `>`), quotes respected; `None` when this is no tag.
/// A `<` ends the search, even inside quotes: no scan passes the next tag's start, so the work on
/// hostile text (`<b a="` a million times) stays linear.
fn attributes_end(s: &str) -> Option<usize> {
    let mut chars = s.char_indices().peekable();
    // The name must end here: `<bold>` is not `<b>`.
    match chars.peek() {
        Some((_, c)) if c.is_whitespace() || matches!(c, '/' | '>') => {}
        _ => return None,
    }
    while let Some((i, c)) = chars.next() {
        match c {
            '>' => return Some(i + 1),
            '"' | '\'' => {
                let (_, q) = chars.by_ref().find(|(_, q)| *q == c || *q == '<')?;
                if q == '<' {
                    return None;
                }
            }
            '<' => return None,
            _ => {}
        }
    }
    None
}

/// Remove HTML markup: tags, comments, declarations; script, style and their like with their content.
/// Anything that only looks like markup stays text. Linear in the input.
fn strip_tags(s: &str) -> String {
    // Lowered once (ASCII only, so offsets match): end tags are searched in it.
    let lower = s.to_ascii_lowercase();
    let mut out = String::with_capacity(s.len());
    let mut pos = 0;
    while let Some(i) = s[pos..].find('<').map(|i| i + pos) {
        out.push_str(&s[pos..i]);
        match markup_at(&s[i..]) {
            Markup::Text => {
                out.push('<');
                pos = i + 1;
            }
            Markup::Cdata { text, len } => {
                out.push_str(text);
                pos = i + len;
            }
            Markup::Tag { name, closing, len } => {
                pos = i + len;
                if !closing && OPAQUE.contains(&name.as_str()) {
                    pos = element_end(s, &lower, pos, &name);
                }
                if !INLINE.contains(&name.as_str()) {
                    out.push(' ');
                }
            }
        }
    }
    out.push_str(&s[pos..]);
    out
}

/// Just past the end tag `</name>` (any case) at or after `from`, or the end when it never comes.
fn element_end(s: &str, lower: &str, from: usize, name: &str) -> usize {
    let close = format!("</{name}");
    let mut at = from;
    while let Some(j) = lower[at..].find(&close).map(|j| j + at) {
        if let Some(end) = attributes_end(&s[j + close.len()..]) {
            return j + close.len() + end;
        }
        at = j + close.len();
    }
    s.len()
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

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

    #[test]
    fn text_that_looks_like_markup_stays() {
        assert_eq!(clean("NVDA<AMD on margins > INTC"), "NVDA<AMD on margins > INTC");
        assert_eq!(clean("NVDA&lt;AMD on margins &gt; INTC"), "NVDA<AMD on margins > INTC");
        assert_eq!(clean("a <styles> b"), "a <styles> b", "not <style>: nothing is swallowed");
        assert_eq!(clean("<scripted> moves"), "<scripted> moves");
        assert_eq!(clean("x<y and y>z"), "x<y and y>z");
        assert_eq!(clean("<bold claim>"), "<bold claim>");
        assert_eq!(clean("1<2"), "1<2");
        assert_eq!(clean("unclosed <b tag"), "unclosed <b tag");
    }

    #[test]
    fn real_markup_goes() {
        assert_eq!(clean("<b>SMIC</b> up"), "SMIC up");
        assert_eq!(clean("<a href=\"https://x.com/?a=1&b=2\">Baidu</a>."), "Baidu.");
        assert_eq!(clean("see <img src='a>b.png' alt=\"x\"> chart"), "see chart");
        assert_eq!(clean("line<br/>break<BR>again"), "line break again");
        assert_eq!(clean("a<STYLE type=text/css>p{x:1}</Style >b"), "a b");
        assert_eq!(clean("a<script>if (a<b) x()</script>b"), "a b");
        assert_eq!(clean("a<!-- <b>hidden</b> -->b"), "a b");
        assert_eq!(clean("<![CDATA[kept <text>]]>"), "kept <text>");
        assert_eq!(clean("<o:p>Word</o:p> junk"), "Word junk");
        assert_eq!(clean("<p>One</p><p>Two</p>"), "One Two");
    }

    /// Hostile repetitions that made the scanner quadratic (1 MB of `<style></style>` took 1.8 s of
    /// CPU, 5 MB a minute). A generous guard, not a speed target: the old code blew far past it.
    #[test]
    fn hostile_repetitions_stay_linear() {
        let started = std::time::Instant::now();
        for (piece, kept) in
            [("<style></style>", ""), ("<b a=\"", "<b a=\""), ("<?x", "<?x"), ("<STYLE>x</Style >", "")]
        {
            let text = piece.repeat(1_000_000 / piece.len());
            let out = clean(&text);
            assert_eq!(out.is_empty(), kept.is_empty(), "{piece}");
        }
        assert!(started.elapsed() < std::time::Duration::from_secs(10), "{:?}", started.elapsed());
    }

    #[test]
    fn markup_goes_before_entities_are_undone_and_joiners_stay() {
        assert_eq!(clean("<p>History of the &lt;blink&gt; tag</p>"), "History of the <blink> tag");
        assert_eq!(clean("&lt;b&gt;bold&lt;/b&gt; &amp;amp; co"), "bold & co", "escaped twice");
        assert_eq!(clean("👩\u{200D}💻 می\u{200C}خواهم\u{200B}"), "👩\u{200D}💻 می\u{200C}خواهم");
        assert_eq!(super::plain("a <blink> &amp; b\u{202E}"), "a <blink> &amp; b");
    }

    #[test]
    fn every_invisible_kind_removed() {
        for c in [
            '\u{206A}',
            '\u{206F}',
            '\u{FFF9}',
            '\u{FFFB}',
            '\u{E0001}',
            '\u{E0041}',
            '\u{E007F}',
            '\u{00AD}',
        ] {
            assert_eq!(clean(&format!("a{c}b")), "ab", "U+{:04X}", c as u32);
        }
        assert_eq!(clean("a&#xE0041;&#x206B;b"), "ab", "encoded as entities too");
    }

    /// Written apart from `is_invisible`, from the Unicode classes the promise is about.
    fn forbidden(c: char) -> bool {
        let u = c as u32;
        c.is_control()
            || matches!(u, 0x200B | 0x200E..=0x200F | 0x202A..=0x202E | 0x2060..=0x206F | 0xFEFF | 0xFFF9..=0xFFFB | 0x00AD)
            || (0xE0000..=0xE007F).contains(&u)
            || c == '\u{061C}'
    }

    /// Pieces hostile input is made of, mixed with arbitrary text.
    fn hostile() -> impl Strategy<Value = String> {
        let piece = prop_oneof![
            any::<char>().prop_map(String::from),
            "[a-zA-Z0-9 <>/=\"'&;#!-]{0,6}",
            Just("<b>".to_string()),
            Just("</b>".to_string()),
            Just("<script>".to_string()),
            Just("<style".to_string()),
            Just("<!--".to_string()),
            Just("<![CDATA[".to_string()),
            Just("&#27;[31m".to_string()),
            Just("&#x202E;".to_string()),
            Just("&#xE0041;".to_string()),
            Just("&#x9b;".to_string()),
            Just("\u{1b}]8;;".to_string()),
            Just("&amp;lt;".to_string()),
        ];
        prop::collection::vec(piece, 0..24).prop_map(|v| v.concat())
    }

    /// Text with no markup, no entity and nothing invisible: only its spacing may change.
    fn plain() -> impl Strategy<Value = String> {
        let piece = prop_oneof![
            any::<char>()
                .prop_filter("plain", |c| !forbidden(*c) && !is_invisible(*c) && !matches!(c, '<' | '&'))
                .prop_map(String::from),
            // A `<` that opens nothing: before a space, a digit or `=`, or as a comparison.
            "<[ 0-9=]",
            Just(" > ".to_string()),
        ];
        prop::collection::vec(piece, 0..40).prop_map(|v| v.concat())
    }

    proptest! {
        #[test]
        fn nothing_unprintable_ever_comes_out(raw in hostile()) {
            let out = clean(&raw);
            prop_assert!(!out.chars().any(forbidden), "{raw:?} -> {out:?}");
            prop_assert!(!out.chars().any(is_invisible), "{raw:?} -> {out:?}");
        }

        #[test]
        fn text_without_markup_comes_out_unchanged(text in plain()) {
            let spaced: Vec<&str> = text.split_whitespace().collect();
            prop_assert_eq!(clean(&text), spaced.join(" "));
        }
    }
}
