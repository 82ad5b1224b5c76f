//! The XML of any RSS (0.90 to 2.x, 1.0, any or no version, Userland's namespace) or Atom (0.3,
//! 1.0) feed, read in one streaming pass into plain items: what each says, not yet what we show.

use std::rc::Rc;

use quick_xml::events::{BytesStart, Event};
use quick_xml::name::ResolveResult;
use url::Url;

use crate::present::sanitize::looks_like_html;

/// Deeper than this is not a news feed; it is an attempt to exhaust a recursive reader.
pub const MAX_DEPTH: usize = 64;

/// A text construct and how to read it.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Text {
    pub body: String,
    /// HTML to strip (Atom `type="html"`/`xhtml`, an RSS description, a title with markup);
    /// otherwise the words are shown as written, `<` and `&` included.
    pub html: bool,
}

#[derive(Debug, Default, Clone, PartialEq)]
pub struct Item {
    pub title: Option<Text>,
    pub dc_title: Option<Text>,
    /// The alternate link, resolved against `xml:base` and the feed's URL.
    pub link: Option<String>,
    /// An RSS `<guid>` that is a permalink (RSS 2.0's default), resolved like a link.
    pub permalink: Option<String>,
    pub guid: Option<String>,
    pub summary: Option<Text>,
    pub content: Option<Text>,
    pub published: Option<String>,
    pub updated: Option<String>,
}

#[derive(Debug, Default)]
pub struct Raw {
    pub title: Option<Text>,
    pub items: Vec<Item>,
}

#[derive(Debug, PartialEq)]
pub enum Failure {
    /// The root is not a feed's (`<html>`, `<opml>` …).
    NotAFeed(String),
    /// Items there are, but in a namespace no feed format uses.
    ForeignItems(String),
    TooDeep,
    /// Broken XML before a single item was read.
    Xml(String),
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Failure::NotAFeed(root) => write!(f, "not an RSS or Atom feed (its root is <{root}>)"),
            Failure::ForeignItems(ns) => {
                write!(f, "no item in a feed namespace: its items are in {ns}, which is no RSS or Atom")
            }
            Failure::TooDeep => write!(f, "XML nested deeper than {MAX_DEPTH} levels (refused)"),
            Failure::Xml(e) => write!(f, "not a readable RSS or Atom feed ({e})"),
        }
    }
}

/// Where an element's name comes from.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Ns {
    /// RSS and Atom in all their versions and namespaces.
    Core,
    Dc,
    Dcterms,
    Content,
    Media,
    Other,
}

const CORE: &[&str] = &[
    "http://purl.org/rss/1.0/",
    "http://my.netscape.com/rdf/simple/0.9/",
    "http://channel.netscape.com/rdf/simple/0.9/",
    "http://backend.userland.com/rss2",
    "http://backend.userland.com/rss",
    "http://blogs.law.harvard.edu/tech/rss",
    "http://www.w3.org/2005/Atom",
    "http://purl.org/atom/ns#",
    "http://purl.org/net/rss1.1#",
];

fn namespace(resolved: &ResolveResult<'_>, prefixed: bool) -> Ns {
    let by_uri = |uri: &str| match uri.trim_end_matches('/') {
        "http://purl.org/dc/elements/1.1" => Ns::Dc,
        "http://purl.org/dc/terms" => Ns::Dcterms,
        "http://purl.org/rss/1.0/modules/content" => Ns::Content,
        "http://search.yahoo.com/mrss" => Ns::Media,
        u if CORE.iter().any(|c| c.trim_end_matches('/') == u) => Ns::Core,
        _ => Ns::Other,
    };
    match resolved {
        // An element without a prefix is the feed's own, whatever default namespace it declares.
        _ if !prefixed => Ns::Core,
        ResolveResult::Bound(ns) => by_uri(ns.as_ref()),
        // A prefix never declared: go by the usual prefix, as lenient readers do.
        ResolveResult::Unknown(p) => match p.as_str() {
            "dc" => Ns::Dc,
            "dcterms" => Ns::Dcterms,
            "content" => Ns::Content,
            "media" => Ns::Media,
            _ => Ns::Other,
        },
        ResolveResult::Unbound => Ns::Core,
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Field {
    FeedTitle,
    Title,
    DcTitle,
    Link,
    Guid { permalink: bool },
    Summary,
    Content,
    Published,
    Updated,
}

/// Text being gathered from one element.
struct Capture {
    depth: usize,
    field: Field,
    body: String,
    kind: Kind,
    /// Elements were met inside (markup in an RSS description, though the XML says it is not).
    nested: bool,
    base: Option<Rc<Url>>,
}

struct Open {
    ns: Ns,
    local: Box<str>,
    base: Option<Rc<Url>>,
}

fn attr(e: &BytesStart<'_>, key: &str) -> Option<String> {
    e.attributes().with_checks(false).flatten().find(|a| a.key.as_ref() == key).and_then(|a| {
        a.normalized_value(quick_xml::XmlVersion::Implicit1_0).ok().map(|v| v.trim().to_string())
    })
}

/// How a text construct is written, from its `type` (Atom 1.0) or `mode` (Atom 0.3).
#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    /// Nothing said: HTML if it looks like HTML (RSS), text in Atom.
    Unsaid,
    Text,
    Html,
    /// Inline XHTML: its elements are markup, its text is text.
    Xhtml,
    /// Any other media type: base64, as Atom says.
    Base64,
}

fn text_kind(e: &BytesStart<'_>) -> Kind {
    match attr(e, "mode").map(|m| m.to_ascii_lowercase()).as_deref() {
        Some("escaped") => return Kind::Html,
        Some("base64") => return Kind::Base64,
        _ => {}
    }
    match attr(e, "type").map(|t| t.to_ascii_lowercase()).as_deref() {
        None | Some("") => Kind::Unsaid,
        Some("text" | "text/plain") => Kind::Text,
        Some("html" | "text/html") => Kind::Html,
        Some("xhtml" | "application/xhtml+xml") => Kind::Xhtml,
        Some(t) if t.ends_with("/xml") || t.ends_with("+xml") => Kind::Xhtml,
        Some(t) if t.starts_with("text/") || !t.contains('/') => Kind::Text,
        Some(_) => Kind::Base64,
    }
}

/// Elements of XHTML that end a line: their words must not run into the next ones.
const BLOCKS: &[&str] =
    &["br", "p", "div", "li", "tr", "td", "th", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre"];

/// `href` resolved against the base in scope, or as written when it cannot be.
fn resolve(href: &str, base: Option<&Rc<Url>>) -> String {
    let href = href.trim();
    // An absolute address is kept as the feed wrote it (its host's case included).
    if Url::parse(href).is_ok() {
        return href.to_string();
    }
    match base.map(|b| b.join(href)) {
        Some(Ok(u)) => u.to_string(),
        _ => href.to_string(),
    }
}

/// The text an entity reference stands for: XML's five, character references and, since feeds
/// use them without declaring them, HTML's named entities; anything else stays as written. Entities
/// a feed declares itself are never expanded: no entity-expansion attack, no external file read.
fn entity(name: &str, char_ref: Option<char>) -> String {
    if let Some(c) = char_ref {
        return c.to_string();
    }
    let written = format!("&{name};");
    html_escape::decode_html_entities(&written).into_owned()
}

#[derive(Default)]
struct Reader {
    raw: Raw,
    stack: Vec<Open>,
    item: Option<(usize, Item)>,
    capture: Option<Capture>,
    /// The first namespace of `item`/`entry` elements that were not taken.
    foreign_items: Option<String>,
    /// The feed's URL, the base of the root element.
    root_base: Option<Rc<Url>>,
    /// An element was seen: text alone is no feed.
    rooted: bool,
    /// The root is Atom's: text constructs without a type are text.
    atom: bool,
}

impl Capture {
    /// An element inside a text construct: in XHTML, markup to drop (a block's end is a space);
    /// elsewhere kept as written, for the sanitiser to strip.
    fn element(&mut self, local: &str, raw: &str, empty: bool) {
        if self.kind == Kind::Xhtml {
            if BLOCKS.contains(&local) {
                self.body.push(' ');
            }
            return;
        }
        self.nested = true;
        self.body.push('<');
        self.body.push_str(raw);
        self.body.push_str(if empty { "/>" } else { ">" });
    }
}

impl Reader {
    fn start(&mut self, e: &BytesStart<'_>, ns: Ns, uri: Option<&str>, empty: bool) -> Result<(), Failure> {
        let local = e.local_name().as_ref().to_string();
        let parent_base = match self.stack.last() {
            Some(o) => o.base.clone(),
            None => self.root_base.clone(),
        };
        let base = match attr(e, "xml:base") {
            Some(b) => match parent_base.as_ref().map_or_else(|| Url::parse(&b), |p| p.join(&b)) {
                Ok(u) => Some(Rc::new(u)),
                Err(_) => parent_base,
            },
            None => parent_base,
        };
        if let Some(c) = &mut self.capture {
            c.element(&local, e, empty);
        } else if self.stack.is_empty() {
            self.rooted = true;
            self.atom = matches!(local.as_str(), "feed" | "entry");
            if !matches!(local.as_str(), "rss" | "RDF" | "rdf" | "feed" | "channel" | "entry") {
                return Err(Failure::NotAFeed(local));
            }
            // An Atom entry document is a feed of one.
            if local == "entry" {
                self.item = Some((0, Item::default()));
            }
        } else if ns == Ns::Core && matches!(local.as_str(), "item" | "entry") && self.item.is_none() {
            // `<item/>` is an item with nothing in it: it must not gather the next one's fields.
            if empty {
                self.raw.items.push(Item::default());
            } else {
                self.item = Some((self.stack.len(), Item::default()));
            }
        } else if matches!(local.as_str(), "item" | "entry") && self.item.is_none() {
            self.foreign_items.get_or_insert_with(|| uri.unwrap_or("an undeclared namespace").to_string());
        } else if let Some((depth, item)) = &mut self.item {
            if self.stack.len() == *depth + 1 {
                let field = Self::item_field(item, e, ns, &local, base.as_ref());
                if let Some(field) = field.filter(|_| !empty) {
                    self.begin(field, e, base.clone());
                }
            }
        } else if ns == Ns::Core
            && local == "title"
            && self.raw.title.is_none()
            && self.stack.last().is_some_and(|p| p.ns == Ns::Core && matches!(&*p.local, "channel" | "feed"))
            && !empty
        {
            self.begin(Field::FeedTitle, e, base.clone());
        }
        if !empty {
            if self.stack.len() >= MAX_DEPTH {
                return Err(Failure::TooDeep);
            }
            self.stack.push(Open { ns, local: local.into_boxed_str(), base });
        }
        Ok(())
    }

    /// What a direct child of an item holds. An Atom link is read from its attributes here.
    fn item_field(
        item: &mut Item,
        e: &BytesStart<'_>,
        ns: Ns,
        local: &str,
        base: Option<&Rc<Url>>,
    ) -> Option<Field> {
        Some(match (ns, local) {
            (Ns::Core, "title") => Field::Title,
            (Ns::Dc | Ns::Media, "title") => Field::DcTitle,
            (Ns::Core, "link") => {
                // Atom: no `rel` is "alternate"; comments, licence, enclosure, replies are not the story.
                let rel = attr(e, "rel").unwrap_or_else(|| "alternate".into());
                if rel != "alternate" {
                    return None;
                }
                match attr(e, "href") {
                    Some(href) => {
                        let htmlish = attr(e, "type").is_none_or(|t| t.contains("html"));
                        if htmlish && item.link.is_none() && !href.is_empty() {
                            item.link = Some(resolve(&href, base));
                        }
                        return None;
                    }
                    None => Field::Link,
                }
            }
            (Ns::Core, "guid") => Field::Guid {
                permalink: attr(e, "isPermaLink").is_none_or(|p| !p.eq_ignore_ascii_case("false")),
            },
            // An Atom id that is a web address is the entry's link when it has no other.
            (Ns::Core, "id") => Field::Guid { permalink: true },
            (Ns::Core, "description" | "summary") | (Ns::Dc, "description") => Field::Summary,
            (Ns::Core, "content") | (Ns::Content, "encoded") => Field::Content,
            (Ns::Core, "pubDate" | "published" | "issued" | "created")
            | (Ns::Dcterms, "issued" | "created") => Field::Published,
            (Ns::Core, "updated" | "modified") | (Ns::Dc, "date") | (Ns::Dcterms, "modified") => {
                Field::Updated
            }
            _ => return None,
        })
    }

    fn begin(&mut self, field: Field, e: &BytesStart<'_>, base: Option<Rc<Url>>) {
        let kind = match text_kind(e) {
            Kind::Unsaid if self.atom => Kind::Text,
            // An RSS description is HTML by definition.
            Kind::Unsaid if matches!(field, Field::Summary | Field::Content) => Kind::Html,
            k => k,
        };
        self.capture =
            Some(Capture { depth: self.stack.len(), field, body: String::new(), kind, nested: false, base });
    }

    fn text(&mut self, text: &str) {
        if let Some(c) = &mut self.capture {
            c.body.push_str(text);
        }
    }

    fn end(&mut self, raw_name: &str) {
        let Some(open) = self.stack.pop() else { return };
        let depth = self.stack.len();
        if let Some(c) = &mut self.capture
            && depth > c.depth
        {
            if c.kind == Kind::Xhtml {
                if BLOCKS.contains(&&*open.local) {
                    c.body.push(' ');
                }
            } else {
                c.body.push_str("</");
                c.body.push_str(raw_name);
                c.body.push('>');
            }
            return;
        }
        if let Some(c) = self.capture.take() {
            self.finish(c);
        }
        if self.item.as_ref().is_some_and(|(d, _)| *d == depth)
            && let Some((_, item)) = self.item.take()
        {
            self.raw.items.push(item);
        }
    }

    fn finish(&mut self, c: Capture) {
        let body = c.body.trim();
        if body.is_empty() {
            return;
        }
        let decoded;
        let body = if c.kind == Kind::Base64 {
            let packed: String = body.split_ascii_whitespace().collect();
            decoded = base64::Engine::decode(&base64::engine::general_purpose::STANDARD, packed)
                .map(|b| String::from_utf8_lossy(&b).into_owned())
                .unwrap_or_else(|_| body.to_string());
            decoded.trim()
        } else {
            body
        };
        let html = match c.kind {
            _ if c.nested => true,
            Kind::Html => true,
            Kind::Text | Kind::Xhtml => false,
            Kind::Unsaid | Kind::Base64 => looks_like_html(body),
        };
        let text = || Text { html, body: body.to_string() };
        if c.field == Field::FeedTitle {
            self.raw.title = Some(text());
            return;
        }
        let Some((_, item)) = &mut self.item else { return };
        let set = |slot: &mut Option<Text>| {
            if slot.is_none() {
                *slot = Some(text());
            }
        };
        match c.field {
            Field::FeedTitle => {}
            Field::Title => set(&mut item.title),
            Field::DcTitle => set(&mut item.dc_title),
            Field::Summary => set(&mut item.summary),
            Field::Content => set(&mut item.content),
            Field::Link => {
                item.link.get_or_insert_with(|| resolve(body, c.base.as_ref()));
            }
            Field::Guid { permalink } => {
                item.guid.get_or_insert_with(|| body.to_string());
                if permalink && item.permalink.is_none() {
                    item.permalink = Some(resolve(body, c.base.as_ref()));
                }
            }
            // A date given twice: the last one, as feedparser reads it.
            Field::Published => item.published = Some(body.to_string()),
            Field::Updated => item.updated = Some(body.to_string()),
        }
    }
}

/// Read a feed's XML. `base` is the base of relative links (the feed's address).
pub fn read(text: &str, base: Option<Url>) -> Result<Raw, Failure> {
    let mut xml = quick_xml::NsReader::from_str(text);
    let config = xml.config_mut();
    // Feeds are written by hand and by broken templates: read on where a strict parser stops.
    config.check_end_names = false;
    config.allow_unmatched_ends = true;
    config.allow_dangling_amp = true;
    config.check_comments = false;
    let mut r = Reader { root_base: base.map(Rc::new), ..Reader::default() };
    loop {
        let (resolved, event) = match xml.read_resolved_event() {
            Ok(x) => x,
            Err(e) => {
                // What was read before the break is kept: one broken entry costs itself only.
                if r.raw.items.is_empty() && r.item.is_none() {
                    return Err(Failure::Xml(e.to_string()));
                }
                break;
            }
        };
        match event {
            Event::Start(ref e) | Event::Empty(ref e) => {
                let empty = matches!(event, Event::Empty(_));
                let uri = match &resolved {
                    ResolveResult::Bound(ns) => Some(ns.as_ref().to_string()),
                    _ => None,
                };
                let ns = namespace(&resolved, e.name().prefix().is_some());
                r.start(e, ns, uri.as_deref(), empty)?;
            }
            Event::End(e) => r.end(e.name().as_ref()),
            Event::Text(t) => r.text(&t.xml10_content()),
            Event::CData(t) => {
                let t = t.xml10_content();
                r.text(&t);
            }
            Event::GeneralRef(g) => {
                let c = g.resolve_char_ref().ok().flatten();
                let name = g.xml10_content();
                r.text(&entity(&name, c));
            }
            Event::Eof => break,
            _ => {}
        }
    }
    // A feed cut off inside its last item still has that item.
    if let Some(c) = r.capture.take() {
        r.finish(c);
    }
    if let Some((_, item)) = r.item.take() {
        r.raw.items.push(item);
    }
    if !r.rooted {
        return Err(Failure::Xml("no root element".into()));
    }
    if r.raw.items.is_empty()
        && let Some(ns) = r.foreign_items
    {
        return Err(Failure::ForeignItems(ns));
    }
    Ok(r.raw)
}
