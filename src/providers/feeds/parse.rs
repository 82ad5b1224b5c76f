//! Feed bytes to headlines: any RSS, Atom or JSON feed in any encoding, hostile input refused early.

use chrono_tz::Tz;
use reqwest::header::HeaderMap;

use crate::market::tags::Tagger;
use crate::market::{Headline, Symbol};
use crate::present::sanitize::{clean, plain, printable};
use crate::present::text::fit;
use crate::providers::feeds::dates::{FeedZone, parse_in};
use crate::providers::feeds::encoding::{charset, to_utf8};
use crate::providers::feeds::read::{self, Item, Raw, Text};

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
    /// The answer's HTTP headers: `Content-Type`'s charset outranks the XML declaration, and
    /// `Content-Location` is the base of relative links.
    pub headers: Option<&'a HeaderMap>,
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

/// What a text construct shows: HTML stripped, text as written, nothing that steers a terminal.
fn shown(t: &Text) -> String {
    if t.html { clean(&t.body) } else { plain(&t.body) }
}

/// A link as it may be shown and opened: nothing invisible or controlling, no spaces around.
fn safe_link(link: &str) -> String {
    printable(link).trim().to_string()
}

/// A JSON Feed (1.0 or 1.1) as the XML reader's items. Read field by field from the JSON value, so
/// one odd item (a numeric id, a title that is no string) costs that field, never the feed.
fn json(text: &str) -> Result<Raw, String> {
    let feed: serde_json::Value =
        serde_json::from_str(text).map_err(|e| format!("not a readable JSON feed ({e})"))?;
    let Some(items) = feed.get("items").and_then(serde_json::Value::as_array) else {
        return Err("a JSON document, but not a JSON Feed (no list of items)".to_string());
    };
    let string = |v: &serde_json::Value, key: &str| match v.get(key)? {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        _ => None,
    };
    // Titles and summaries are plain text by the spec, but feeds put markup in them too.
    let text_of = |v: &serde_json::Value, key: &str, html: bool| {
        string(v, key)
            .map(|body| Text { html: html || crate::present::sanitize::looks_like_html(&body), body })
    };
    let items = items
        .iter()
        .map(|e| Item {
            title: text_of(e, "title", false),
            link: string(e, "url").or_else(|| string(e, "external_url")),
            guid: string(e, "id"),
            summary: text_of(e, "summary", false),
            content: text_of(e, "content_html", true).or_else(|| text_of(e, "content_text", false)),
            published: string(e, "date_published"),
            updated: string(e, "date_modified"),
            ..Item::default()
        })
        .collect();
    Ok(Raw { title: text_of(&feed, "title", false), items })
}

/// An item's headline. What has no title is still shown, under the first words of its summary or
/// its link's host, as feedparser and newsboat keep it.
fn headline(item: Item, cx: &Context<'_>, host: &str, zone: FeedZone, channel: Option<&String>) -> Headline {
    let nonempty = |s: &String| !s.is_empty();
    let summary = item
        .summary
        .as_ref()
        .map(shown)
        .filter(nonempty)
        .or_else(|| item.content.as_ref().map(shown).filter(nonempty));
    let is_web = |l: &String| {
        let l = l.get(..8).unwrap_or(l).to_ascii_lowercase();
        l.starts_with("https://") || l.starts_with("http://")
    };
    let link = item.link.or(item.permalink.filter(is_web)).map(|l| safe_link(&l)).unwrap_or_default();
    let raw_title = item
        .title
        .as_ref()
        .map(shown)
        .filter(nonempty)
        .or_else(|| item.dc_title.as_ref().map(shown).filter(nonempty))
        .or_else(|| summary.as_deref().map(|s| fit(s, 80)))
        .or_else(|| url::Url::parse(&link).ok().and_then(|u| u.host_str().map(str::to_string)))
        .unwrap_or_else(|| "(untitled)".to_string());
    let (title, publisher) = split_publisher(&raw_title, host);
    let summary = summary.filter(|s| *s != title).map(|s| fit(&s, 600));
    // A date ahead of now is kept as written: merging decides what it means (see `news::merge`).
    let date = |d: &Option<String>| d.as_deref().and_then(|d| parse_in(d, zone));
    let published = date(&item.published).or_else(|| date(&item.updated));
    let symbols: Vec<Symbol> = cx.tagger.tag(&[&title, summary.as_deref().unwrap_or("")]);
    let source = publisher
        .or_else(|| cx.source.map(str::to_string))
        .or_else(|| channel.cloned())
        .unwrap_or_else(|| cx.feed_name.to_string());
    Headline {
        id: crate::market::news::identity(&link, &title),
        title,
        link,
        source: fit(&source, 40),
        published,
        symbols,
        feed: cx.feed_name.to_string(),
        also_in: Vec::new(),
        feed_id: String::new(),
        also_in_ids: vec![],
        summary,
        guid: item.guid.map(|g| printable(&g)).filter(|g| !g.is_empty()),
        kind: crate::market::HeadlineKind::News,
        form: None,
    }
}

/// Parse one feed body. `Err` names why the feed as a whole is unusable.
/// Takes the body: a big feed is held once, not once per step, while its items are read.
pub fn parse(bytes: impl Into<Vec<u8>>, cx: &Context<'_>) -> Result<Vec<Headline>, String> {
    let bytes = bytes.into();
    // No byte sequence is known to make the reader panic any more: in a debug build, the tests
    // make it panic on purpose, to show that a panic while parsing costs one feed only.
    #[cfg(debug_assertions)]
    if bytes.starts_with(b"<!-- chiptape test: panic -->") {
        panic!("a test feed asked the parser to panic");
    }
    let header = |name: &str| cx.headers.and_then(|h| h.get(name)).and_then(|v| v.to_str().ok());
    let text = to_utf8(bytes, header("content-type").and_then(charset));
    // The first 4 KiB, cut on a character boundary (CJK feeds have few single-byte characters).
    let mut head_end = text.len().min(4096);
    while !text.is_char_boundary(head_end) {
        head_end -= 1;
    }
    let lower_head = text[..head_end].to_ascii_lowercase();
    let start = lower_head.trim_start_matches('\u{feff}').trim_start();
    if start.starts_with("<!doctype html") || start.starts_with("<html") {
        return Err("an HTML page instead of a feed".to_string());
    }
    let host =
        url::Url::parse(cx.feed_url).ok().and_then(|u| u.host_str().map(str::to_string)).unwrap_or_default();
    let zone = FeedZone::infer(cx.tz, declared_language(&text[..head_end]).as_deref(), &host);
    let raw = if start.starts_with('{') {
        json(&text)?
    } else {
        // RFC 3986: the address the server says the document has, else the one it came from.
        let base = url::Url::parse(cx.feed_url).ok().map(|u| match header("content-location") {
            Some(at) => u.join(at).unwrap_or(u),
            None => u,
        });
        read::read(&text, base).map_err(|e| e.to_string())?
    };
    drop(text);
    let channel = raw.title.as_ref().map(shown).filter(|t| !t.is_empty());
    Ok(raw.items.into_iter().map(|item| headline(item, cx, &host, zone, channel.as_ref())).collect())
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

    fn tagger() -> Tagger {
        crate::config::builtin().tagger()
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(256))]
        /// Any bytes, and a feed whose title, link, date and description are anything: headlines or
        /// a reason, never a panic, and no title, summary or link with a control, bidi, zero-width
        /// or tag character.
        #[test]
        fn any_feed(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..512),
                    title in "\\PC{0,40}", link in "\\PC{0,40}", date in "\\PC{0,30}", desc in "\\PC{0,60}") {
            let tagger = tagger();
            let cx = Context { feed_name: "f", source: None, feed_url: "https://x.cn/rss", headers: None, tagger: &tagger, tz: None };
            let _ = parse(bytes, &cx);
            let esc = |s: &str| s.replace('&', "&amp;").replace('<', "&lt;");
            let xml = format!(
                "<rss version=\"2.0\"><channel><title>t</title><item><title>{}</title><link>{}</link>\
                 <pubDate>{}</pubDate><description>{}</description></item></channel></rss>",
                esc(&title), esc(&link), esc(&date), esc(&desc)
            );
            if let Ok(items) = parse(xml.as_bytes(), &cx) {
                for h in items {
                    for text in [Some(h.title.as_str()), h.summary.as_deref(), Some(h.link.as_str())].into_iter().flatten() {
                        proptest::prop_assert!(
                            !text.chars().any(|c| c.is_control() || crate::present::sanitize::is_invisible(c)),
                            "{text:?}"
                        );
                    }
                }
            }
        }

        /// A feed in UTF-8, UTF-16 or UTF-32 of either byte order, with or without a byte-order
        /// mark, declaring its own encoding, another, a bogus one or none, then cut short or with
        /// arbitrary bytes spliced in: never a panic (the entry point itself, no containment), and
        /// while the bytes are whole, the same headlines as the UTF-8 feed.
        #[test]
        fn any_encoding(enc in 0usize..5, bom in proptest::prelude::any::<bool>(), decl in 0usize..5,
                        title in "\\PC{0,30}", junk in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..12),
                        splice in proptest::prelude::any::<proptest::sample::Index>(),
                        cut in proptest::prelude::any::<proptest::sample::Index>(), whole in proptest::prelude::any::<bool>()) {
            let tagger = tagger();
            let cx = Context { feed_name: "f", source: None, feed_url: "https://x.cn/rss", headers: None, tagger: &tagger, tz: None };
            let declaration = ["", "<?xml version=\"1.0\" encoding=\"utf-16\"?>", "<?xml version=\"1.0\" encoding=\"UTF-8\"?>",
                               "<?xml version='1.0' encoding='utf-32'?>", "<?xml version=\"1.0\" encoding=\"x-\u{fffd}\"?>"][decl];
            let esc = title.replace('&', "&amp;").replace('<', "&lt;");
            let text = format!("{declaration}<rss version=\"2.0\"><channel><item><title>{esc}</title>\
                                <link>https://x.cn/1</link></item></channel></rss>");
            let mut bytes: Vec<u8> = match enc {
                0 => [&b"\xEF\xBB\xBF"[..][..if bom { 3 } else { 0 }], text.as_bytes()].concat(),
                1 | 2 => {
                    let be = enc == 1;
                    let mark: Vec<u8> = if bom { if be { vec![0xFE, 0xFF] } else { vec![0xFF, 0xFE] } } else { vec![] };
                    mark.into_iter().chain(text.encode_utf16().flat_map(|u| if be { u.to_be_bytes() } else { u.to_le_bytes() })).collect()
                }
                _ => {
                    let be = enc == 3;
                    let mark: Vec<u8> = if !bom { vec![] } else if be { vec![0, 0, 0xFE, 0xFF] } else { vec![0xFF, 0xFE, 0, 0] };
                    mark.into_iter().chain(text.chars().flat_map(|c| if be { (c as u32).to_be_bytes() } else { (c as u32).to_le_bytes() })).collect()
                }
            };
            if whole {
                let reference = parse(text.as_bytes(), &cx).map(|h| h.into_iter().map(|h| h.title).collect::<Vec<_>>());
                let got = parse(bytes, &cx).map(|h| h.into_iter().map(|h| h.title).collect::<Vec<_>>());
                proptest::prop_assert_eq!(got, reference);
            } else {
                let at = splice.index(bytes.len() + 1);
                bytes.splice(at..at, junk);
                bytes.truncate(cut.index(bytes.len() + 1));
                let _ = parse(bytes, &cx);
            }
        }
    }
}
