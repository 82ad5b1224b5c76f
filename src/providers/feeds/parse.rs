//! Feed bytes to headlines: any RSS or Atom feed, any declared encoding, hostile input refused early.

use chrono_tz::Tz;

use crate::market::tags::Tagger;
use crate::market::{Headline, Symbol};
use crate::present::sanitize::clean;
use crate::providers::feeds::dates::{FeedZone, parse_in};

/// Deeper than this is not a news feed; it is an attempt to exhaust a recursive parser.
const MAX_DEPTH: usize = 64;

/// The encoding named in `<?xml … encoding="…"?>` at the start of `head`, as written.
fn declared_encoding(head: &str) -> Option<String> {
    head.strip_prefix("<?xml").and_then(|h| h.split("?>").next()).and_then(|decl| {
        let i = decl.find("encoding")?;
        let rest = decl[i + 8..].trim_start().strip_prefix('=')?.trim_start();
        // Only a real quote opens the value: a curly quote or stray byte here is not a declaration.
        let q = rest.chars().next().filter(|c| matches!(c, '"' | '\''))?;
        let body = &rest[q.len_utf8()..];
        Some(body[..body.find(q)?].to_string())
    })
}

/// The XML declaration's encoding (or a BOM's), transcoded to UTF-8 with the declaration to match.
/// Takes the bytes, so a feed already in UTF-8 (most) becomes text without a second copy.
fn to_utf8(bytes: Vec<u8>) -> String {
    let (text, declared) = match encoding_rs::Encoding::for_bom(&bytes) {
        Some((enc, bom)) => {
            let text = enc.decode_without_bom_handling(&bytes[bom..]).0.into_owned();
            let declared = declared_encoding(&text);
            (text, declared)
        }
        None => {
            let declared = declared_encoding(&String::from_utf8_lossy(&bytes[..bytes.len().min(200)]));
            let enc = declared
                .as_deref()
                .and_then(|l| encoding_rs::Encoding::for_label(l.as_bytes()))
                .unwrap_or(encoding_rs::UTF_8);
            let text = if enc == encoding_rs::UTF_8 {
                String::from_utf8(bytes)
                    .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
            } else {
                enc.decode_without_bom_handling(&bytes).0.into_owned()
            };
            (text, declared)
        }
    };
    // The text is UTF-8 now: the declaration must not send a parser back to the old encoding (a
    // UTF-16 file with a BOM still says encoding="UTF-16").
    match declared {
        Some(label)
            if encoding_rs::Encoding::for_label(label.as_bytes())
                .is_some_and(|e| e != encoding_rs::UTF_8) =>
        {
            text.replacen(&label, "UTF-8", 1)
        }
        _ => text,
    }
}

fn max_depth(text: &str) -> usize {
    let (mut depth, mut max) = (0usize, 0usize);
    let mut rest = text;
    while let Some(i) = rest.find('<') {
        rest = &rest[i..];
        // Comments and CDATA are text: a `<br>` or `</x>` inside them opens or closes nothing.
        let close = if rest.starts_with("<!--") {
            "-->"
        } else if rest.starts_with("<![CDATA[") {
            "]]>"
        } else {
            ">"
        };
        let end = rest.find(close).map_or(rest.len(), |e| e + close.len());
        match rest.as_bytes().get(1) {
            Some(b'/') => depth = depth.saturating_sub(1),
            Some(b'!' | b'?') | None => {}
            // Any other name opens an element (`<_x>` and `<中>` too), unless it closes itself.
            Some(_) if !rest[..end].ends_with("/>") => {
                depth += 1;
                max = max.max(depth);
            }
            Some(_) => {}
        }
        rest = &rest[end..];
    }
    max
}

/// EDGAR's Atom puts XML (`type="text/xml"`) inside <content>, which feed-rs refuses; the summary
/// and title carry what we show, so those blocks go.
fn drop_xml_content(text: String) -> String {
    let mut out: Option<String> = None;
    let mut rest = text.as_str();
    while let Some(i) = rest.find("<content") {
        let open_end = rest[i..].find('>').map(|e| i + e);
        let Some(open_end) = open_end else { break };
        let tag = &rest[i..=open_end];
        let xmlish = tag.contains("text/xml") || tag.contains("application/xml") || tag.contains("+xml\"");
        if !xmlish || tag.ends_with("/>") {
            if let Some(out) = &mut out {
                out.push_str(&rest[..=open_end]);
            }
            rest = &rest[open_end + 1..];
            continue;
        }
        // The first XML content: only now is a copy needed, of everything before it.
        let out = out.get_or_insert_with(|| {
            let mut o = String::with_capacity(text.len());
            o.push_str(&text[..text.len() - rest.len()]);
            o
        });
        out.push_str(&rest[..i]);
        rest = match rest[open_end..].find("</content>") {
            Some(j) => &rest[open_end + j + "</content>".len()..],
            None => "",
        };
    }
    match out {
        Some(mut out) => {
            out.push_str(rest);
            out
        }
        None => text,
    }
}

/// Google News titles end in " - Publisher": the publisher is the source, the rest the title.
fn split_publisher(title: &str, feed_host: &str) -> (String, Option<String>) {
    if feed_host.ends_with("news.google.com")
        && let Some((t, p)) = title.rsplit_once(" - ")
        && !p.trim().is_empty()
        && p.len() < 80
    {
        return (t.trim().to_string(), Some(p.trim().to_string()));
    }
    (title.to_string(), None)
}

pub struct Context<'a> {
    pub feed_name: &'a str,
    /// The source to show when an item names no publisher (e.g. "Yahoo Finance"); else the channel title.
    pub source: Option<&'a str>,
    pub feed_url: &'a str,
    /// The HTTP `Content-Type`, whose charset outranks the XML declaration.
    pub content_type: Option<&'a str>,
    pub tagger: &'a Tagger,
    /// The feed's configured zone (`[[news.feeds]] tz`).
    pub tz: Option<Tz>,
}

/// The language a feed declares: RSS `<language>`, else the root's `xml:lang`.
fn declared_language(head: &str) -> Option<String> {
    let tag = head
        .find("<language>")
        .map(|i| &head[i + "<language>".len()..])
        .and_then(|rest| rest.split('<').next());
    let attr = || {
        let i = head.find("xml:lang=")? + "xml:lang=".len();
        let q = head[i..].chars().next().filter(|c| matches!(c, '"' | '\''))?;
        let body = &head[i + 1..];
        Some(&body[..body.find(q)?])
    };
    tag.or_else(attr).map(|l| l.trim().to_string()).filter(|l| !l.is_empty() && l.len() < 40)
}

/// `parse`, with a panic inside it (a dependency's, on hostile bytes) made this feed's error.
pub fn read(bytes: Vec<u8>, cx: &Context<'_>) -> Result<Vec<Headline>, String> {
    crate::market::panics::contain(|| parse(bytes, cx))
        .map_err(|p| format!("the feed could not be read (its parser failed: {p})"))?
}

/// Parse one feed body. `Err` names why the feed as a whole is unusable.
/// Takes the body: a big feed is held once, not once per step, while the parser builds its entries.
pub fn parse(bytes: impl Into<Vec<u8>>, cx: &Context<'_>) -> Result<Vec<Headline>, String> {
    let text = to_utf8(bytes.into());
    // The first 4 KiB, cut on a character boundary (CJK feeds have few single-byte characters).
    let mut head_end = text.len().min(4096);
    while !text.is_char_boundary(head_end) {
        head_end -= 1;
    }
    let lower_head = text[..head_end].to_ascii_lowercase();
    if text.contains("<!ENTITY") {
        return Err("the feed declares XML entities (refused: entity expansion attacks)".to_string());
    }
    if lower_head.trim_start().starts_with("<!doctype html") || lower_head.trim_start().starts_with("<html") {
        return Err("an HTML page instead of a feed".to_string());
    }
    if max_depth(&text) > MAX_DEPTH {
        return Err(format!("XML nested deeper than {MAX_DEPTH} levels (refused)"));
    }
    let host =
        url::Url::parse(cx.feed_url).ok().and_then(|u| u.host_str().map(str::to_string)).unwrap_or_default();
    let zone = FeedZone::infer(cx.tz, declared_language(&text[..head_end]).as_deref(), &host);
    let text = drop_xml_content(text);
    let parser = feed_rs::parser::Builder::new().timestamp_parser(move |s| parse_in(s, zone)).build();
    let feed = parser.parse(text.as_bytes()).map_err(|e| format!("not a readable RSS or Atom feed ({e})"))?;
    drop(text);
    let channel = feed.title.as_ref().map(|t| clean(&t.content)).filter(|t| !t.is_empty());
    let mut out = Vec::with_capacity(feed.entries.len());
    for e in feed.entries {
        let raw_title = e.title.as_ref().map(|t| clean(&t.content)).unwrap_or_default();
        if raw_title.is_empty() {
            continue;
        }
        let (title, publisher) = split_publisher(&raw_title, &host);
        let link = e
            .links
            .iter()
            .find(|l| l.rel.as_deref().is_none_or(|r| r == "alternate"))
            .or(e.links.first())
            .map(|l| l.href.trim().to_string())
            .unwrap_or_default();
        let summary = e
            .summary
            .as_ref()
            .map(|s| clean(&s.content))
            .or_else(|| e.content.as_ref().and_then(|c| c.body.as_deref()).map(clean))
            .filter(|s| !s.is_empty() && *s != title)
            .map(|s| crate::present::text::fit(&s, 600));
        // A date ahead of now is kept as written: merging decides what it means (see `news::merge`).
        let published = e.published.or(e.updated);
        let symbols: Vec<Symbol> = cx.tagger.tag(&[&title, summary.as_deref().unwrap_or("")]);
        let source = publisher
            .or_else(|| cx.source.map(str::to_string))
            .or_else(|| channel.clone())
            .unwrap_or_else(|| cx.feed_name.to_string());
        out.push(Headline {
            id: crate::market::news::identity(&link, &title),
            title,
            link,
            source: crate::present::text::fit(&source, 40),
            published,
            symbols,
            feed: cx.feed_name.to_string(),
            also_in: Vec::new(),
            feed_id: String::new(),
            also_in_ids: vec![],
            summary,
            guid: Some(e.id).filter(|g| !g.is_empty()),
            kind: crate::market::HeadlineKind::News,
            form: None,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn languages() {
        assert_eq!(declared_language("<rss><channel><language>zh-cn</language>").as_deref(), Some("zh-cn"));
        assert_eq!(declared_language("<feed xmlns='x' xml:lang='zh-TW'>").as_deref(), Some("zh-TW"));
        assert_eq!(declared_language("<rss><channel><title>x</title>"), None);
        assert_eq!(declared_language("<feed xml:lang=\"en"), None);
    }

    #[test]
    fn odd_declarations_do_not_panic() {
        for decl in [
            "encoding=\u{201c}utf-8\u{201d}",
            "encoding=\u{fffd}x",
            "encoding=",
            "encoding = 'latin1'",
            "encoding=\"utf-8",
        ] {
            let head = format!("<?xml version=\"1.0\" {decl}?><rss/>");
            let _ = declared_encoding(&head);
            let _ = to_utf8(head.into_bytes());
        }
        assert_eq!(declared_encoding("<?xml version='1.0' encoding = 'latin1'?>").as_deref(), Some("latin1"));
        assert_eq!(declared_encoding("<?xml encoding=\u{201c}utf-8\u{201d}?>"), None);
    }

    fn tagger() -> Tagger {
        crate::config::builtin().tagger()
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(256))]
        /// Any bytes, and a feed whose title, link, date and description are anything: headlines or
        /// a reason, never a panic, and no title or summary with a control, bidi, zero-width or tag
        /// character.
        #[test]
        fn any_feed(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..512),
                    title in "\\PC{0,40}", link in "\\PC{0,40}", date in "\\PC{0,30}", desc in "\\PC{0,60}") {
            let tagger = tagger();
            let cx = Context { feed_name: "f", source: None, feed_url: "https://x.cn/rss", content_type: None, tagger: &tagger, tz: None };
            let _ = parse(bytes, &cx);
            let esc = |s: &str| s.replace('&', "&amp;").replace('<', "&lt;");
            let xml = format!(
                "<rss version=\"2.0\"><channel><title>t</title><item><title>{}</title><link>{}</link>\
                 <pubDate>{}</pubDate><description>{}</description></item></channel></rss>",
                esc(&title), esc(&link), esc(&date), esc(&desc)
            );
            if let Ok(items) = parse(xml.as_bytes(), &cx) {
                for h in items {
                    for text in [Some(h.title.as_str()), h.summary.as_deref()].into_iter().flatten() {
                        proptest::prop_assert!(
                            !text.chars().any(|c| c.is_control() || crate::present::sanitize::is_invisible(c)),
                            "{text:?}"
                        );
                    }
                }
            }
        }
    }
}
