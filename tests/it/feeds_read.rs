//! Feeds read as feedparser reads them (issue 31): a test per finding of the differential run —
//! encodings, versions, links, titles and dates. The feeds are written here, small and to the point.

use chiptape::market::Headline;
use chiptape::providers::NewsBatch;
use chiptape::providers::feeds::Feeds;
use chiptape::providers::feeds::parse::{Context, parse};
use chiptape::providers::http::{Http, HttpOptions};
use wiremock::matchers::path;
use wiremock::{Mock, MockServer, ResponseTemplate};

const URL: &str = "https://wire.example/news/feed.xml";

fn read_at(bytes: &[u8], url: &str) -> Result<Vec<Headline>, String> {
    let tagger = chiptape::config::builtin().tagger();
    let cx =
        Context { feed_name: "Test", source: None, feed_url: url, headers: None, tagger: &tagger, tz: None };
    parse(bytes, &cx)
}

fn read(text: &str) -> Vec<Headline> {
    read_at(text.as_bytes(), URL).unwrap_or_else(|e| panic!("{e}: {text}"))
}

fn titles(items: &[Headline]) -> Vec<&str> {
    items.iter().map(|h| h.title.as_str()).collect()
}

fn links(items: &[Headline]) -> Vec<&str> {
    items.iter().map(|h| h.link.as_str()).collect()
}

fn dates(items: &[Headline]) -> Vec<String> {
    items.iter().map(|h| h.published.map_or("none".into(), |d| d.to_rfc3339())).collect()
}

fn rss2(items: &str) -> String {
    format!("<rss version=\"2.0\"><channel><title>Wire</title>{items}</channel></rss>")
}

async fn fetch_one(server: &MockServer, at: &str, body: Vec<u8>, content_type: &str) -> NewsBatch {
    Mock::given(path(at))
        .respond_with(ResponseTemplate::new(200).set_body_raw(body, content_type))
        .mount(server)
        .await;
    let mut cfg = chiptape::config::builtin();
    cfg.news.yahoo_symbols = false;
    cfg.news.feeds =
        vec![chiptape::config::Feed { name: "Wire".into(), url: format!("{}{at}", server.uri()), tz: None }];
    let http = Http::new(&HttpOptions::default()).unwrap();
    Feeds::new(&cfg, http, Default::default()).fetch(&[]).await
}

// --- 2. Encodings ---------------------------------------------------------------------------------

/// UTF-16 and UTF-32 with no byte-order mark and no declaration: the zero bytes around `<` say
/// which (the old reader showed "Cafï뾽…").
#[test]
fn utf16_and_utf32_without_a_mark_or_a_declaration_are_read() {
    let text = rss2("<item><title>Café 中芯 lifts output</title><link>https://wire.example/1</link></item>");
    let utf16 = |be: bool| -> Vec<u8> {
        text.encode_utf16().flat_map(|u| if be { u.to_be_bytes() } else { u.to_le_bytes() }).collect()
    };
    let utf32 = |be: bool| -> Vec<u8> {
        text.chars()
            .flat_map(|c| if be { (c as u32).to_be_bytes() } else { (c as u32).to_le_bytes() })
            .collect()
    };
    for (name, bytes) in
        [("16be", utf16(true)), ("16le", utf16(false)), ("32be", utf32(true)), ("32le", utf32(false))]
    {
        let items = read_at(&bytes, URL).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(titles(&items), ["Café 中芯 lifts output"], "{name}");
    }
}

/// A GB2312 feed that says so only in the HTTP `Content-Type` (no declaration), and one whose
/// header contradicts its declaration: the header wins, as RFC 7303 says.
#[tokio::test]
async fn the_charset_in_the_http_header_is_read() {
    let server = MockServer::start().await;
    let text = rss2("<item><title>中芯国际扩产</title><link>https://wire.example/smic</link></item>");
    let (gb, _, _) = encoding_rs::GBK.encode(&text);
    let batch = fetch_one(&server, "/gb", gb.to_vec(), "application/rss+xml; charset=GB2312").await;
    assert!(batch.errors.is_empty(), "{:?}", batch.errors);
    assert_eq!(titles(&batch.headlines), ["中芯国际扩产"]);

    let declared = format!("<?xml version=\"1.0\" encoding=\"iso-8859-1\"?>{text}");
    let (gb, _, _) = encoding_rs::GBK.encode(&declared);
    let batch = fetch_one(&server, "/lying", gb.to_vec(), "text/xml; charset=gbk").await;
    assert_eq!(titles(&batch.headlines), ["中芯国际扩产"]);
}

// --- 3. Versions ----------------------------------------------------------------------------------

/// Every RSS version, none at all, RSS 0.90 and 1.0 in RDF, RSS 2.0 in Userland's namespace,
/// Atom 0.3 and 1.0, and an Atom entry on its own: one headline each, with its link.
#[test]
fn every_version_and_namespace_is_read() {
    let item = "<item><title>SMIC adds a fab</title><link>https://wire.example/fab</link></item>";
    let rdf = |ns: &str| {
        format!(
            "<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\" xmlns=\"{ns}\">\
             <channel><title>Wire</title></channel>{item}</rdf:RDF>"
        )
    };
    let entry = "<entry><title>SMIC adds a fab</title><link rel=\"alternate\" href=\"https://wire.example/fab\"/></entry>";
    let feeds = [
        ("0.91", format!("<rss version=\"0.91\"><channel>{item}</channel></rss>")),
        ("0.93", format!("<rss version=\"0.93\"><channel>{item}</channel></rss>")),
        ("2.01", format!("<rss version=\"2.01\"><channel>{item}</channel></rss>")),
        ("2.1", format!("<rss version=\"2.1\"><channel>{item}</channel></rss>")),
        ("none", format!("<rss><channel>{item}</channel></rss>")),
        ("0.90", rdf("http://my.netscape.com/rdf/simple/0.9/")),
        ("1.0", rdf("http://purl.org/rss/1.0/")),
        (
            "userland",
            format!(
                "<rss version=\"2.0\" xmlns=\"http://backend.userland.com/rss2\"><channel>{item}</channel></rss>"
            ),
        ),
        ("atom 0.3", format!("<feed version=\"0.3\" xmlns=\"http://purl.org/atom/ns#\">{entry}</feed>")),
        ("atom 1.0", format!("<feed xmlns=\"http://www.w3.org/2005/Atom\">{entry}</feed>")),
        ("atom entry", entry.replace("<entry>", "<entry xmlns=\"http://www.w3.org/2005/Atom\">")),
    ];
    for (version, feed) in feeds {
        let items = read(&feed);
        assert_eq!(titles(&items), ["SMIC adds a fab"], "{version}");
        assert_eq!(links(&items), ["https://wire.example/fab"], "{version}");
    }
}

/// What is not a feed, or a feed whose items are in a namespace no feed format uses, is an error
/// that names why (shown beside the feed's name), never a silent empty pane.
#[test]
fn a_document_with_nothing_recognisable_says_why() {
    let opml = read_at(b"<opml version=\"2.0\"><body><outline text=\"x\"/></body></opml>", URL).unwrap_err();
    assert!(opml.contains("not an RSS or Atom feed (its root is <opml>)"), "{opml}");
    let foreign = "<rss version=\"2.0\" xmlns:x=\"http://example.com/not-rss\"><channel>\
                   <x:item><x:title>SMIC</x:title></x:item></channel></rss>";
    let e = read_at(foreign.as_bytes(), URL).unwrap_err();
    assert!(e.contains("http://example.com/not-rss"), "{e}");
    // A real feed with no items is just empty.
    assert!(read(&rss2("")).is_empty());
}

/// One bad entry costs only itself: an odd title type, an entry with nothing but a guid, an empty
/// `<item/>` and a feed cut off in its last item still give every other item.
#[test]
fn one_bad_entry_never_costs_the_others() {
    let atom = "<feed xmlns=\"http://www.w3.org/2005/Atom\">\
        <entry><title type=\"application/x-unknown\">%%%</title><link href=\"https://wire.example/a\"/></entry>\
        <entry><title>Hua Hong ships</title><link href=\"https://wire.example/b\"/></entry></feed>";
    let items = read(atom);
    assert_eq!(items.len(), 2);
    assert_eq!(items[1].title, "Hua Hong ships");
    let cut = "<rss version=\"2.0\"><channel><item><title>SMIC adds a fab</title><link>https://wire.example/1</link></item>\
               <item><guid isPermaLink=\"false\">x-1</guid></item><item/><item><title>Cambricon cut off";
    let items = read(cut);
    assert_eq!(titles(&items), ["SMIC adds a fab", "(untitled)", "(untitled)", "Cambricon cut off"]);
}

// --- 4. Links -------------------------------------------------------------------------------------

/// The story's own link: never comments, a licence, an enclosure or replies, whatever comes first.
#[test]
fn the_link_is_the_alternate_one() {
    let items = read(&rss2(
        "<item><comments>https://wire.example/1#comments</comments><title>A</title>\
         <link>https://wire.example/1</link></item>",
    ));
    assert_eq!(links(&items), ["https://wire.example/1"]);
    let atom = "<feed xmlns=\"http://www.w3.org/2005/Atom\"><entry><title>B</title>\
        <link rel=\"license\" href=\"https://creativecommons.org/by/4.0/\"/>\
        <link rel=\"enclosure\" href=\"https://wire.example/b.mp3\"/>\
        <link rel=\"replies\" href=\"https://wire.example/b/comments\"/>\
        <link rel=\"self\" href=\"https://wire.example/b.atom\"/>\
        <link href=\"https://wire.example/b\"/></entry></feed>";
    assert_eq!(links(&read(atom)), ["https://wire.example/b"]);
}

/// No `<link>`: a `<guid>` that is a permalink (RSS 2.0's default) is the link; one marked
/// `isPermaLink="false"`, or that is no web address, is not.
#[test]
fn a_permalink_guid_is_the_link_when_there_is_none() {
    let items = read(&rss2(
        "<item><title>A</title><guid>https://wire.example/a</guid></item>\
         <item><title>B</title><guid isPermaLink=\"false\">https://wire.example/b</guid></item>\
         <item><title>C</title><guid>tag:wire.example,2026:c</guid></item>",
    ));
    assert_eq!(links(&items), ["https://wire.example/a", "", ""]);
}

/// Relative links resolved against `xml:base` (nested, itself relative) and the feed's address;
/// the opener refused them before.
#[test]
fn relative_links_are_resolved_against_xml_base_and_the_feed() {
    let atom = "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:base=\"https://base.example/blog/\">\
        <entry xml:base=\"2026/\"><title>A</title><link href=\"smic.html\"/></entry>\
        <entry><title>B</title><link href=\"/about\"/></entry></feed>";
    assert_eq!(
        links(&read(atom)),
        ["https://base.example/blog/2026/smic.html", "https://base.example/about"]
    );
    let rss = rss2("<item><title>C</title><link>../story/7</link></item>");
    assert_eq!(links(&read(&rss)), ["https://wire.example/story/7"]);
}

/// A link is sanitised like text: no bidi override, no 8-bit CSI, in resolved or unresolvable links.
#[test]
fn links_carry_no_control_or_bidi_character() {
    let rss = rss2(
        "<item><title>A</title><link>/x&#x202E;gpj.exe&#x9B;2J</link></item>\
         <item><title>B</title><link>https://wire.example/&#x202E;evil&#x9B;</link></item>",
    );
    for base in [URL, "not a url"] {
        let items = read_at(rss.as_bytes(), base).unwrap();
        for h in &items {
            assert!(
                !h.link.chars().any(|c| c == '\u{202E}' || c == '\u{9B}' || c.is_control()),
                "{:?}",
                h.link
            );
        }
    }
}

// --- 5. Titles and dates --------------------------------------------------------------------------

/// `type="text"` is text: "<blink>" is a word; `type="html"` and XHTML lose their markup only.
#[test]
fn titles_are_read_by_their_type() {
    let atom = "<feed xmlns=\"http://www.w3.org/2005/Atom\">\
        <entry><title type=\"text\">History of the &lt;blink&gt; tag</title></entry>\
        <entry><title type=\"html\">History of the &lt;b&gt;bold&lt;/b&gt; &amp;lt;blink&amp;gt; tag</title></entry>\
        <entry><title type=\"xhtml\"><div xmlns=\"http://www.w3.org/1999/xhtml\">History of the &lt;blink&gt; <b>bold</b> tag</div></title></entry>\
        <entry><title>AT&amp;T &lt;3 Nvidia</title></entry></feed>";
    assert_eq!(
        titles(&read(atom)),
        [
            "History of the <blink> tag",
            "History of the bold <blink> tag",
            "History of the <blink> bold tag",
            "AT&T <3 Nvidia"
        ]
    );
}

/// `dc:title` when there is no title; an item with none is still shown, under its summary's first
/// words or its link's host; RSS 1.0 items without a link are kept.
#[test]
fn items_without_a_title_or_a_link_are_shown() {
    let rss = rss2(
        "<item xmlns:dc=\"http://purl.org/dc/elements/1.1/\"><dc:title>SMIC via Dublin Core</dc:title></item>\
         <item><description>&lt;p&gt;Hua Hong raises its wafer prices for the second time this year, people say&lt;/p&gt;</description></item>\
         <item><link>https://news.example.com/a/1</link></item>",
    );
    let items = read(&rss);
    assert_eq!(items[0].title, "SMIC via Dublin Core");
    assert!(items[1].title.starts_with("Hua Hong raises its wafer prices"), "{}", items[1].title);
    assert!(items[1].title.chars().count() <= 80, "{}", items[1].title);
    assert_eq!(items[2].title, "news.example.com");
    let rdf = "<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\" xmlns=\"http://purl.org/rss/1.0/\">\
        <item rdf:about=\"urn:x\"><title>No link here</title></item></rdf:RDF>";
    assert_eq!(titles(&read(rdf)), ["No link here"]);
}

/// `dc:date` and `dcterms:issued/created/modified` are dates, as `pubDate` and Atom's are.
#[test]
fn dublin_core_dates_are_read() {
    let ns = "xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:dcterms=\"http://purl.org/dc/terms/\"";
    let rss = format!(
        "<rss version=\"2.0\" {ns}><channel>\
         <item><title>a</title><dc:date>2026-11-24T09:30:00+08:00</dc:date></item>\
         <item><title>b</title><dcterms:issued>2026-11-23T10:00:00Z</dcterms:issued></item>\
         <item><title>c</title><dcterms:created>2026-11-22T10:00:00Z</dcterms:created></item>\
         <item><title>d</title><dcterms:modified>2026-11-21T10:00:00Z</dcterms:modified></item>\
         </channel></rss>"
    );
    assert_eq!(
        dates(&read(&rss)),
        [
            "2026-11-24T01:30:00+00:00",
            "2026-11-23T10:00:00+00:00",
            "2026-11-22T10:00:00+00:00",
            "2026-11-21T10:00:00+00:00"
        ]
    );
}

/// The zero-width joiner and non-joiner are part of the words (emoji sequences, Persian); bidi
/// overrides and zero-width spaces are not.
#[test]
fn joiners_are_kept_and_overrides_are_not() {
    let items = read(&rss2("<item><title>👩&#x200D;💻 می&#x200C;خواهم &#x202E;evil&#x200B;</title></item>"));
    assert_eq!(items[0].title, "👩\u{200D}💻 می\u{200C}خواهم evil");
}

/// JSON Feed 1.0 and 1.1: titles, links (`url`, else `external_url`), summaries, dates; an item
/// with a numeric id or no title still counts; a JSON document that is no feed says so.
#[test]
fn json_feeds_are_read() {
    let feed = r#"{"version": "https://jsonfeed.org/version/1.1", "title": "Chip wire",
        "items": [
          {"id": "a1", "url": "https://wire.example/a1", "title": "SMIC <b>raises</b> capex",
           "summary": "Fabs in Beijing", "date_published": "2026-11-24T08:00:00+08:00"},
          {"id": 2, "external_url": "https://other.example/b2", "content_text": "Hua Hong reports",
           "date_modified": "2026-11-24T01:00:00Z"},
          {"id": "c3", "url": "https://wire.example/c3", "title": "Cambricon \u001b[31mred", "content_html": "<p>Body</p>"}
        ]}"#;
    let items = read(feed);
    assert_eq!(titles(&items), ["SMIC raises capex", "Hua Hong reports", "Cambricon red"]);
    assert_eq!(
        links(&items),
        ["https://wire.example/a1", "https://other.example/b2", "https://wire.example/c3"]
    );
    assert_eq!(dates(&items)[..2], ["2026-11-24T00:00:00+00:00", "2026-11-24T01:00:00+00:00"]);
    assert_eq!(items[0].summary.as_deref(), Some("Fabs in Beijing"));
    assert_eq!(items[2].summary.as_deref(), Some("Body"));
    assert!(read_at(br#"{"version": 1, "items": 3}"#, "https://x.example/f.json").is_err());
    assert!(read_at(b"{ not json", "https://x.example/f.json").is_err());
}
