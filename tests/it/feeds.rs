//! Headline feeds: bytes to headlines (encodings, dates, hostile input), tagging, merging, and
//! fetching from a local fake server. Fixtures are ours (tests/fixtures/feeds); nothing goes online.

use std::time::{Duration, Instant};

use chiptape::market::Headline;
use chiptape::market::news::{link_key, merge, title_key};
use chiptape::market::tags::Tagger;
use chiptape::present::sanitize::clean;
use chiptape::providers::NewsBatch;
use chiptape::providers::feeds::Feeds;
use chiptape::providers::feeds::dates::parse_lenient;
use chiptape::providers::feeds::parse::{Context, parse};
use chiptape::providers::http::{Http, HttpOptions};
use chrono::{DateTime, Utc};
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const GOOGLE_URL: &str = "https://news.google.com/rss/search?q=SMIC&hl=en-US&gl=US&ceid=US:en";
const YAHOO_URL: &str =
    "https://feeds.finance.yahoo.com/rss/2.0/headline?s=0981.HK,NVDA&region=US&lang=en-US";

// --- helpers -------------------------------------------------------------------------------------

fn fixture(name: &str) -> Vec<u8> {
    let p = format!("{}/tests/fixtures/feeds/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&p).unwrap_or_else(|e| panic!("{p}: {e}"))
}

/// The test clock: Tuesday 2026-11-24 15:00 UTC (the fixtures' dates are around it).
fn now() -> DateTime<Utc> {
    "2026-11-24T15:00:00Z".parse().unwrap()
}

fn at(s: &str) -> Option<DateTime<Utc>> {
    Some(s.parse().unwrap())
}

/// The built-in watchlist's tagger: its symbols carry the names and aliases headlines use.
fn tagger() -> Tagger {
    chiptape::config::builtin().tagger()
}

/// Parse `bytes` as the feed `name` at `url`; `source` as the Yahoo job passes it.
fn parse_feed(bytes: &[u8], name: &str, url: &str, source: Option<&str>) -> Result<Vec<Headline>, String> {
    let tagger = tagger();
    parse(
        bytes,
        &Context { feed_name: name, source, feed_url: url, headers: None, tagger: &tagger, tz: None },
    )
}

fn parse_ok(bytes: &[u8], url: &str) -> Vec<Headline> {
    parse_feed(bytes, "Test", url, None).unwrap()
}

/// A minimal RSS 2.0 document around `items`.
fn rss(items: &str) -> Vec<u8> {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\"><channel><title>Gen</title>\
         <link>https://gen.example/</link>{items}</channel></rss>"
    )
    .into_bytes()
}

fn item(title: &str, link: &str) -> String {
    format!("<item><title>{title}</title><link>{link}</link></item>")
}

fn syms(h: &Headline) -> Vec<&str> {
    h.symbols.iter().map(|s| s.as_str()).collect()
}

fn titles(items: &[Headline]) -> Vec<&str> {
    items.iter().map(|h| h.title.as_str()).collect()
}

fn tags(text: &str) -> Vec<String> {
    tagger().tag(&[text]).iter().map(|s| s.to_string()).collect()
}

/// Nothing a terminal would act on: no control character (C0, DEL, C1 such as the 8-bit CSI),
/// no bidi override, no markup.
fn assert_printable(s: &str) {
    let bad = |c: char| c.is_control() || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}');
    assert!(!s.chars().any(bad), "{s:?} still has a control or bidi character");
    assert!(!s.contains('<') && !s.contains('>'), "{s:?} still has markup");
}

// --- formats and encodings -----------------------------------------------------------------------

#[test]
fn google_news_titles_give_their_publisher_as_the_source() {
    let items = parse_ok(&fixture("google-news-smic.xml"), GOOGLE_URL);
    assert_eq!(
        titles(&items),
        [
            "SMIC quarterly revenue beats estimates as China chip demand holds",
            "中芯国际扩产：28纳米产能再提升",
            "Hua Hong & SMIC: who wins the mature-node race?",
        ]
    );
    let sources: Vec<&str> = items.iter().map(|h| h.source.as_str()).collect();
    assert_eq!(sources, ["Reuters", "新浪财经", "Nikkei Asia"]);
    let first = &items[0];
    assert_eq!(first.link, "https://news.google.com/rss/articles/CBMiU01JQy1yZXZlbnVlLWJlYXRz?oc=5");
    assert_eq!(first.published, at("2026-11-24T09:30:00Z"));
    assert_eq!(first.guid.as_deref(), Some("CBMiU01JQy1yZXZlbnVlLWJlYXRz"));
    assert_eq!(first.feed, "Test");
    assert_eq!(syms(first), ["0981.HK", "688981.SS"]);
    // The HTML-in-description is text once parsed: no tags, no &nbsp; entity left.
    assert_eq!(
        first.summary.as_deref(),
        Some("SMIC quarterly revenue beats estimates as China chip demand holds Reuters")
    );
    assert_eq!(syms(&items[2]), ["0981.HK", "688981.SS", "1347.HK", "688347.SS"]);
}

#[test]
fn the_publisher_suffix_is_only_split_for_google_news() {
    // The same bytes from another host: " - Reuters" may be part of a real title there.
    let items = parse_ok(&fixture("google-news-smic.xml"), "https://mirror.example/smic.rss");
    assert_eq!(items[0].title, "SMIC quarterly revenue beats estimates as China chip demand holds - Reuters");
    assert_eq!(items[0].source, "\"SMIC\" - Google News", "no publisher: the channel title");
}

#[test]
fn yahoo_headline_rss_takes_the_source_the_job_names() {
    let items =
        parse_feed(&fixture("yahoo-headline-0981-hk.xml"), "Yahoo Finance", YAHOO_URL, Some("Yahoo Finance"))
            .unwrap();
    assert_eq!(items.len(), 3);
    assert!(items.iter().all(|h| h.source == "Yahoo Finance" && h.feed == "Yahoo Finance"));
    let nvda = &items[1];
    assert_eq!(nvda.title, "Nvidia readies an H20 successor for China");
    assert_eq!(
        nvda.link,
        "https://finance.yahoo.com/news/nvidia-h20-successor-china-120000456.html?.tsrc=rss"
    );
    assert_eq!(nvda.guid.as_deref(), Some("2b7d4c1a-nvda-3b1e-8c0d-h20-successor"));
    assert_eq!(nvda.published, at("2026-11-24T12:00:00Z"));
    assert_eq!(syms(nvda), ["NVDA"]);
    assert_eq!(items[2].published, at("2026-11-24T13:47:10Z"), "the 12-hour date Yahoo has sent");
}

#[test]
fn atom_entries_keep_cjk_and_lose_entities_and_html() {
    let items = parse_ok(&fixture("atom-hua-hong.xml"), "https://foundrywatch.example/feed.atom");
    assert_eq!(items.len(), 3);
    let cjk = &items[0];
    assert_eq!(cjk.title, "华虹半导体第三季度营收创新高");
    assert_eq!(cjk.summary.as_deref(), Some("华虹公司12英寸产线满载，成熟制程需求稳定。"));
    assert_eq!(cjk.link, "https://foundrywatch.example/2026/11/hua-hong-q3");
    assert_eq!(cjk.source, "Foundry Watch");
    assert_eq!(cjk.published, at("2026-11-24T00:00:00Z"), "updated, +08:00 read as UTC");
    assert_eq!(cjk.guid.as_deref(), Some("tag:foundrywatch.example,2026:hua-hong-q3"));
    assert_eq!(syms(cjk), ["1347.HK", "688347.SS"]);

    let capex = &items[1];
    // Double-escaped entities decode to text; `&lt;preview&gt;` is no HTML element, so it is text too
    // (a reader of the page sees "<preview>").
    assert_eq!(capex.title, "Alibaba & Baidu: \"cloud\" capex — 2027 <preview>");
    assert_eq!(capex.published, at("2026-11-23T21:30:00Z"), "published wins over updated");
    // Inline tags join the words around them; the script's body goes with it.
    assert_eq!(capex.summary.as_deref(), Some("Capex plans at Alibaba and Baidu."));
    assert_eq!(syms(capex), ["9988.HK", "BABA", "9888.HK", "BIDU"]);
}

#[test]
fn latin1_edgar_atom_with_xml_content_is_read() {
    let bytes = fixture("edgar-smic-latin1.xml");
    // The fixture must really be Latin-1, or this test proves nothing.
    assert!(bytes.contains(&0xE9) && !bytes.windows(2).any(|w| w == [0xC3, 0xA9]));
    let items = parse_ok(&bytes, "https://www.sec.gov/cgi-bin/browse-edgar?action=getcompany&CIK=0001267482");
    assert_eq!(items.len(), 2, "the <content type=\"text/xml\"> blocks do not sink the feed");
    let k6 = &items[0];
    assert_eq!(k6.title, "6-K - Report of foreign issuer: résumé of third-quarter results");
    assert_eq!(
        k6.link,
        "https://www.sec.gov/Archives/edgar/data/1267482/000119312526412345/0001193125-26-412345-index.htm"
    );
    assert_eq!(k6.summary.as_deref(), Some("Filed: 2026-11-24 AccNo: 0001193125-26-412345 Size: 312 KB"));
    assert_eq!(k6.published, at("2026-11-24T11:12:40Z"));
    assert_eq!(k6.source, "SEMICONDUCTOR MANUFACTURING INTERNATION…", "the channel title, cut to 40 cells");
    assert_eq!(syms(&items[1]), ["0981.HK", "688981.SS"], "tagged by the company's full name");
}

#[test]
fn other_encodings_and_byte_order_marks_are_transcoded() {
    let doc = |enc: &str| {
        format!(
            "<?xml version=\"1.0\" encoding=\"{enc}\"?>\n<rss version=\"2.0\"><channel><title>编码</title>\
             <item><title>中芯国际扩产</title><link>https://gen.example/1</link></item></channel></rss>"
        )
    };
    let gbk = encoding_rs::GBK.encode(&doc("GB2312")).0.into_owned();
    // A UTF-16 file keeps saying encoding="UTF-16" once its BOM has been read.
    let mut utf16 = vec![0xFF, 0xFE];
    utf16.extend(doc("UTF-16").encode_utf16().flat_map(u16::to_le_bytes));
    let mut utf8_bom = vec![0xEF, 0xBB, 0xBF];
    utf8_bom.extend_from_slice(doc("UTF-8").as_bytes());
    for (what, bytes) in [("GBK", gbk), ("UTF-16LE with BOM", utf16), ("UTF-8 with BOM", utf8_bom)] {
        let items = parse_feed(&bytes, "Test", "https://gen.example/", None)
            .unwrap_or_else(|e| panic!("{what}: {e}"));
        assert_eq!(titles(&items), ["中芯国际扩产"], "{what}");
        assert_eq!(items[0].source, "编码", "{what}");
    }
}

#[test]
fn a_long_cjk_feed_is_not_cut_inside_a_character() {
    // Long enough that the first 4 KiB end inside a three-byte character for some padding.
    for pad in 0..3 {
        let mut items = format!("<!--{}-->", "x".repeat(pad));
        for i in 0..40 {
            items.push_str(&item(
                &format!("中芯国际扩产第{i}期，华虹半导体同步扩产"),
                &format!("https://gen.example/{i}"),
            ));
        }
        let got = parse_feed(&rss(&items), "Test", "https://gen.example/", None);
        assert_eq!(got.map(|v| v.len()), Ok(40), "padding {pad}");
    }
}

// --- dates ---------------------------------------------------------------------------------------

#[test]
fn dates_are_read_leniently_and_never_from_the_future() {
    let items = parse_ok(&fixture("dates.xml"), "https://chipdesk.example/rss");
    let got: Vec<(&str, Option<String>)> =
        items.iter().map(|h| (h.title.as_str(), h.published.map(|d| d.to_rfc3339()))).collect();
    let want = [
        ("Cambricon books record AI accelerator orders", Some("2026-11-24T00:00:00+00:00")),
        ("Hua Hong lifts wafer prices for 2027", Some("2026-11-24T01:15:00+00:00")),
        ("AMD and NVIDIA trade places in the AI race", Some("2026-11-24T14:02:33+00:00")),
        ("Alibaba Cloud cuts Qwen API prices", None),
        ("SMIC results leak from the future", Some("2026-11-28T09:00:00+00:00")),
        ("Baidu Ernie Bot update lands tomorrow in Beijing", Some("2026-11-25T01:00:00+00:00")),
    ];
    let want: Vec<(&str, Option<String>)> = want.iter().map(|(t, d)| (*t, d.map(str::to_string))).collect();
    assert_eq!(got, want, "the parser keeps dates as written");
    // Merged when first seen (as the TUI and `news` do), dates ahead of the clock count from then.
    let mut seen = Vec::new();
    merge(&mut seen, items, 100, Some(now()));
    let order: Vec<(&str, Option<String>)> =
        seen.iter().map(|h| (h.title.as_str(), h.published.map(|d| d.to_rfc3339()))).collect();
    let now = Some(now().to_rfc3339());
    assert_eq!(order[0], ("SMIC results leak from the future", now.clone()));
    assert_eq!(order[1], ("Baidu Ernie Bot update lands tomorrow in Beijing", now));
    assert_eq!(order[2].0, "AMD and NVIDIA trade places in the AI race");
    assert_eq!(order[5].0, "Alibaba Cloud cuts Qwen API prices", "undated last");
}

/// A mainland feed's "CST" is UTC+8 and its zone-less times are Beijing time (they were read as
/// US Central and UTC, and sat at the top with age "now" for up to a day).
#[test]
fn china_time_in_a_mainland_feed() {
    let items = parse_ok(&fixture("sina-cst.xml"), "https://rss.sina.com.cn/tech.xml");
    let got: Vec<String> = items.iter().map(|h| h.published.unwrap().to_rfc3339()).collect();
    assert_eq!(got, ["2026-11-24T14:00:00+00:00", "2026-11-24T13:30:00+00:00", "2026-11-24T12:00:00+00:00"]);
    // The same feed with no language and a neutral host: the configured zone says it.
    let neutral =
        String::from_utf8(fixture("sina-cst.xml")).unwrap().replace("<language>zh-cn</language>", "");
    let tagger = tagger();
    let cx = |tz| Context {
        feed_name: "x",
        source: None,
        feed_url: "https://mirror.example.com/rss",
        headers: None,
        tagger: &tagger,
        tz,
    };
    let dates = |tz| -> Vec<String> {
        parse(neutral.as_bytes(), &cx(tz))
            .unwrap()
            .iter()
            .map(|h| h.published.unwrap().to_rfc3339())
            .collect()
    };
    assert_eq!(
        dates(Some(chrono_tz::Tz::Asia__Shanghai))[..2],
        ["2026-11-24T14:00:00+00:00", "2026-11-24T13:30:00+00:00"]
    );
    assert_eq!(
        dates(None)[..2],
        ["2026-11-25T04:00:00+00:00", "2026-11-24T21:30:00+00:00"],
        "nothing says China"
    );
}

#[test]
fn a_feed_zone_must_be_a_real_one() {
    let text =
        "[[news.feeds]]\nname = \"Sina\"\nurl = \"https://rss.sina.com.cn/x.xml\"\ntz = \"Asia/Beijing\"\n";
    let err = chiptape::config::parse_str(text, "c.toml").unwrap_err().to_string();
    assert!(err.starts_with("c.toml:4:6: key `news.feeds[0].tz`"), "{err}");
    assert!(err.contains("IANA"), "{err}");
    let ok = text.replace("Asia/Beijing", "Asia/Shanghai");
    let cfg = chiptape::config::parse_str(&ok, "c.toml").unwrap();
    assert_eq!(cfg.news.feeds[0].tz, Some(chrono_tz::Tz::Asia__Shanghai));
}

#[test]
fn lenient_date_forms() {
    let p = |s: &str| parse_lenient(s).map(|d| d.to_rfc3339());
    let cases = [
        ("Tue, 24 Nov 2026 09:30:00 GMT", "2026-11-24T09:30:00+00:00"),
        ("Tue, 24 Nov 2026 17:30:00 +0800", "2026-11-24T09:30:00+00:00"),
        ("2026-11-24T17:30:00+08:00", "2026-11-24T09:30:00+00:00"),
        ("2026-11-24T09:30:00Z", "2026-11-24T09:30:00+00:00"),
        ("Sat, Dec 16 2023 02:02:33 PM", "2023-12-16T14:02:33+00:00"),
        ("Tue, 24 Nov 2026 17:30:00 HKT", "2026-11-24T09:30:00+00:00"),
        // A wrong weekday (often taken in another zone) does not throw the date away.
        ("Mon, 24 Nov 2026 09:30:00 GMT", "2026-11-24T09:30:00+00:00"),
    ];
    for (raw, want) in cases {
        assert_eq!(p(raw).as_deref(), Some(want), "{raw}");
    }
    for raw in ["", "sometime last week", "Tue, 31 Nov 2026 09:30:00 GMT", "Mon, yesterday"] {
        assert_eq!(p(raw), None, "{raw}");
    }
}

// --- hostile input -------------------------------------------------------------------------------

#[test]
fn escape_sequences_controls_bidi_and_html_never_survive() {
    let items = parse_ok(&fixture("hostile-titles.xml"), "https://hostile.example/rss");
    assert_eq!(
        titles(&items),
        [
            "NVDA jumps 5%",           // ESC [ 31 m … ESC [ 0 m
            "AMD ships MI400 on time", // OSC 8 hyperlink, ST-terminated: the URL goes too
            "Alibaba beats on cloud",  // OSC 0 (window title), BEL-terminated
            "Cambricon rallies",       // 8-bit CSI (U+009B)
            "SMIC gnp.exe results",    // U+202E right-to-left override
            "Hua Hong beats",          // raw SOH, BS, DEL, VT
            "Nvidia unveils Rubin",    // <b>, <script>…</script>, <img onerror>
            "Baidu clears the screen", // the same escapes as character references
        ]
    );
    for h in &items {
        assert_printable(&h.title);
        assert_printable(h.summary.as_deref().unwrap_or(""));
        assert!(!h.title.contains("evil") && !h.title.contains("pwned"), "{:?}", h.title);
    }
    assert_eq!(items[0].summary.as_deref(), Some("Shares rise."));
    assert_eq!(syms(&items[0]), ["NVDA"], "tags are read from the clean text");
}

#[test]
fn clean_joins_inline_markup_and_separates_blocks() {
    assert_eq!(clean("<b>Nvidia</b>'s <i>Rubin</i>, <a href=\"x\">AMD</a>."), "Nvidia's Rubin, AMD.");
    assert_eq!(clean("Line one<br>Line two<p>Para</p>"), "Line one Line two Para");
    assert_eq!(clean("SMIC &amp;amp; Hua Hong &#x4e2d;&#33455;"), "SMIC & Hua Hong 中芯");
    assert_eq!(clean("a\u{1b}]8;;https://evil.example/\u{7}link\u{1b}]8;;\u{7} b"), "alink b");
}

/// Entities a feed declares are never expanded (no billion laughs, no file read): the feed is
/// read, the reference shown as written, where it was refused whole before issue 31.
#[test]
fn billion_laughs_is_read_without_expanding_a_single_entity() {
    let items =
        parse_feed(&fixture("billion-laughs.xml"), "Laughs", "https://laughs.example/rss", None).unwrap();
    assert_eq!(titles(&items), ["&lol9;"]);
    assert_eq!(items[0].link, "https://laughs.example/1");
}

#[test]
fn deep_nesting_fails_the_feed() {
    let deep = |open: &str, close: &str| {
        let body = format!("{}{}", open.repeat(10_000), close.repeat(10_000));
        rss(&format!("<item><title>deep</title><link>https://gen.example/d</link>{body}</item>"))
    };
    for (what, bytes) in [
        ("plain", deep("<x>", "</x>")),
        ("underscore names", deep("<_x>", "</_x>")),
        // Closing tags hidden in CDATA must not cancel real opening tags.
        ("disguised by CDATA", deep("<x><![CDATA[ > </q> ]]>", "</x>")),
    ] {
        let err = parse_feed(&bytes, "Deep", "https://gen.example/", None).unwrap_err();
        assert!(err.contains("nested"), "{what}: {err}");
    }
}

#[test]
fn html_inside_cdata_is_not_nesting() {
    // Real descriptions carry unclosed <br> and <img> in CDATA; 80 of them are not 80 levels deep.
    let items: String = (0..80)
        .map(|i| {
            format!(
                "<item><title>NVDA note {i}</title><link>https://gen.example/{i}</link><description>\
                 <![CDATA[Line one<br>Line two<img src=\"chart.png\">]]></description></item>"
            )
        })
        .collect();
    let got = parse_feed(&rss(&items), "Test", "https://gen.example/", None).unwrap();
    assert_eq!(got.len(), 80);
    assert_eq!(got[0].summary.as_deref(), Some("Line one Line two"));
}

#[test]
fn pages_and_garbage_are_not_feeds() {
    for body in [&b"<!DOCTYPE html><html><body>Consent</body></html>"[..], b"Service Unavailable", b""] {
        assert!(
            parse_feed(body, "Bad", "https://gen.example/", None).is_err(),
            "{:?}",
            String::from_utf8_lossy(body)
        );
    }
}

// --- tags ----------------------------------------------------------------------------------------

#[test]
fn tickers_match_as_case_sensitive_whole_words() {
    assert_eq!(tags("NVDA slips after hours"), ["NVDA"]);
    assert_eq!(tags("$NVDA slips"), ["NVDA"]);
    assert_eq!(tags("Why NVDA's guidance matters"), ["NVDA"]);
    assert_eq!(tags("0981.HK jumps 5%"), ["0981.HK"], "one listing only: the ticker names it");
    assert!(tags("nvda slips").is_empty(), "a ticker is case-sensitive");
    assert!(tags("NVDAX and 10981.HK are other things").is_empty(), "whole words only");
}

#[test]
fn names_and_aliases_match_case_insensitively_as_whole_words() {
    assert_eq!(tags("nvidia's new chip"), ["NVDA"]);
    assert_eq!(tags("Advanced Micro Devices cuts prices"), ["AMD"]);
    assert_eq!(tags("Hua Hong Semiconductor"), ["1347.HK", "688347.SS"]);
    assert!(tags("Amdocs beats estimates").is_empty(), "AMD is not inside Amdocs");
    assert!(tags("SMICS is not a company").is_empty());
}

#[test]
fn an_alias_tags_every_symbol_that_has_it() {
    assert_eq!(tags("SMIC expands capacity"), ["0981.HK", "688981.SS"]);
    assert_eq!(tags("smic expands capacity"), ["0981.HK", "688981.SS"]);
    assert_eq!(tags("Alibaba Cloud and Qwen"), ["9988.HK", "BABA"]);
}

#[test]
fn cjk_names_match_as_substrings() {
    assert_eq!(tags("中芯国际扩产"), ["0981.HK", "688981.SS"]);
    assert_eq!(tags("英伟达H20对华供货"), ["NVDA"]);
    assert_eq!(tags("寒武纪和华虹公司"), ["1347.HK", "688347.SS", "688256.SS"]);
    // Latin next to CJK is still a whole word: no spaces between them in Chinese text.
    assert_eq!(tags("中芯国际SMIC"), ["0981.HK", "688981.SS"]);
    assert_eq!(tags("与NVDA竞争"), ["NVDA"]);
}

#[test]
fn tags_come_from_the_title_or_the_summary() {
    let t = tagger();
    let got = |title: &str, summary: &str| -> Vec<String> {
        t.tag(&[title, summary]).iter().map(|s| s.to_string()).collect()
    };
    assert_eq!(got("Chip stocks rally", "Cambricon leads"), ["688256.SS"]);
    assert_eq!(got("Cambricon leads", ""), ["688256.SS"]);
    assert_eq!(got("NVDA and AMD", "Nvidia"), ["NVDA", "AMD"], "each symbol once, watchlist order");
    let items = parse_ok(&fixture("atom-hua-hong.xml"), "https://foundrywatch.example/feed.atom");
    assert_eq!(items[2].title, "Which accelerator maker ships first in 2027?");
    assert_eq!(syms(&items[2]), ["688256.SS"], "only the summary names Cambricon");
}

// --- duplicates ----------------------------------------------------------------------------------

#[test]
fn link_and_title_keys_fold_what_does_not_make_another_story() {
    let base = "https://finance.yahoo.com/news/smic-beats-093000123.html";
    for variant in [
        "http://finance.yahoo.com/news/smic-beats-093000123.html",
        "https://finance.yahoo.com/news/smic-beats-093000123.html/",
        "https://finance.yahoo.com/news/smic-beats-093000123.html?.tsrc=rss",
        "https://finance.yahoo.com/news/smic-beats-093000123.html?utm_source=x&utm_campaign=y",
        "https://finance.yahoo.com/news/smic-beats-093000123.html?guccounter=2#comments",
        "https://www.finance.yahoo.com/news/smic-beats-093000123.html",
    ] {
        assert_eq!(link_key(variant), link_key(base), "{variant}");
    }
    assert_ne!(link_key("https://gen.example/a?id=1"), link_key("https://gen.example/a?id=2"));
    assert_eq!(title_key("SMIC: Revenue  BEATS!"), title_key("smic revenue beats"));
    assert_eq!(title_key("中芯国际，扩产"), title_key("中芯国际 扩产"));
}

#[test]
fn duplicates_across_feeds_keep_the_first_source_and_the_newest_date() {
    let mut all = Vec::new();
    let google = parse_feed(&fixture("google-news-smic.xml"), "SMIC", GOOGLE_URL, None).unwrap();
    let yahoo =
        parse_feed(&fixture("yahoo-headline-0981-hk.xml"), "Yahoo Finance", YAHOO_URL, Some("Yahoo Finance"))
            .unwrap();
    let wire = parse_feed(&fixture("chip-wire-dupes.xml"), "Chip Wire", "https://chipwire.example/rss", None)
        .unwrap();
    merge(&mut all, google, 100, None);
    merge(&mut all, yahoo, 100, None);
    merge(&mut all, wire, 100, None);

    let summary: Vec<(&str, &str, Option<String>)> = all
        .iter()
        .map(|h| (h.title.as_str(), h.source.as_str(), h.published.map(|d| d.to_rfc3339())))
        .collect();
    let want = [
        // Same guid: Yahoo's is newer and first.
        (
            "China's foundries run near full capacity into year-end",
            "Yahoo Finance",
            "2026-11-24T13:47:10+00:00",
        ),
        // Same link modulo scheme, slash and tracking: Chip Wire's later date wins, Yahoo's source stays.
        ("Nvidia readies an H20 successor for China", "Yahoo Finance", "2026-11-24T12:30:00+00:00"),
        ("Cambricon and Hua Hong join the Shanghai AI chip index", "Chip Wire", "2026-11-24T11:00:00+00:00"),
        // Same folded title three times: Google's source, Yahoo's newer date.
        (
            "SMIC quarterly revenue beats estimates as China chip demand holds",
            "Reuters",
            "2026-11-24T10:05:00+00:00",
        ),
        ("中芯国际扩产：28纳米产能再提升", "新浪财经", "2026-11-24T06:15:00+00:00"),
        ("Hua Hong & SMIC: who wins the mature-node race?", "Nikkei Asia", "2026-11-23T22:05:00+00:00"),
    ];
    let want: Vec<(&str, &str, Option<String>)> =
        want.iter().map(|(t, s, d)| (*t, *s, Some(d.to_string()))).collect();
    assert_eq!(summary, want);
    let smic = &all[3];
    assert_eq!(
        smic.link, "https://news.google.com/rss/articles/CBMiU01JQy1yZXZlbnVlLWJlYXRz?oc=5",
        "first link kept"
    );
    assert_eq!(smic.feed, "SMIC");
}

#[test]
fn merging_a_thousand_headlines_keeps_each_story_once() {
    // Ten feeds of 100, then the same ten again (with tracking parameters): every story once.
    let story = |i: usize, tracking: &str| Headline {
        id: format!("{i}{tracking}"),
        title: format!("Chip story number {i}"),
        link: format!("https://news.example/{i}{tracking}"),
        source: "Wire".into(),
        published: at("2026-11-24T10:00:00Z").map(|d| d + chrono::Duration::minutes(i as i64)),
        symbols: vec![],
        feed: "Wire".into(),
        also_in: vec![],
        feed_id: String::new(),
        also_in_ids: vec![],
        summary: None,
        guid: None,
        kind: chiptape::market::HeadlineKind::News,
        form: None,
    };
    let mut all = Vec::new();
    for tracking in ["", "?utm_source=rss"] {
        for feed in 0..10 {
            merge(&mut all, (0..100).map(|i| story(feed * 100 + i, tracking)).collect(), usize::MAX, None);
        }
    }
    assert_eq!(all.len(), 1000);
    assert_eq!(all[0].title, "Chip story number 999");
}

// --- fetching over HTTP --------------------------------------------------------------------------

fn config(toml: &str) -> chiptape::config::Config {
    chiptape::config::parse_str(toml, "test.toml").unwrap()
}

/// A `[news]` section with only these feeds (no Yahoo, no built-in Google feeds).
fn feeds_config(server: &MockServer, feeds: &[(&str, &str)]) -> chiptape::config::Config {
    let mut t = String::from(
        "[filings]\nsec = false\nfederal_register = false\nhkex = false\ncninfo = false\n\n[news]\nyahoo_symbols = false\n",
    );
    for (name, p) in feeds {
        t.push_str(&format!("\n[[news.feeds]]\nname = {name:?}\nurl = \"{}{p}\"\n", server.uri()));
    }
    config(&t)
}

fn feeds_for(cfg: &chiptape::config::Config) -> Feeds {
    Feeds::new(cfg, Http::new(&HttpOptions::default()).unwrap(), Default::default())
}

async fn serve(server: &MockServer, p: &str, response: ResponseTemplate) {
    Mock::given(method("GET")).and(path(p)).respond_with(response).mount(server).await;
}

fn xml(body: Vec<u8>) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_raw(body, "application/rss+xml")
}

async fn fetch(feeds: &Feeds) -> NewsBatch {
    feeds.fetch(&chiptape::config::builtin().all_symbols()).await
}

#[tokio::test]
async fn a_6_mib_feed_fails_alone_and_the_others_still_deliver() {
    let server = MockServer::start().await;
    serve(&server, "/desk", xml(fixture("dates.xml"))).await;
    serve(&server, "/huge", xml(rss(&"<!-- padding -->".repeat(6 * 1024 * 1024 / 16)))).await;
    serve(&server, "/foundry", xml(fixture("atom-hua-hong.xml"))).await;
    serve(&server, "/laughs", xml(fixture("billion-laughs.xml"))).await;
    let cfg = feeds_config(
        &server,
        &[("Chip Desk", "/desk"), ("Huge", "/huge"), ("Foundry", "/foundry"), ("Laughs", "/laughs")],
    );
    let batch = fetch(&feeds_for(&cfg)).await;

    let errors: Vec<&str> = batch.errors.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(errors, ["Huge"], "{:?}", batch.errors);
    assert!(batch.errors[0].1.contains("larger than 5 MiB"), "{:?}", batch.errors[0]);
    assert_eq!(batch.headlines.len(), 10, "6 from Chip Desk, 3 from Foundry Watch, 1 unexpanded laugh");
    let feeds: Vec<&str> = batch.headlines.iter().map(|h| h.feed.as_str()).collect();
    assert!(feeds.contains(&"Chip Desk") && feeds.contains(&"Foundry"));
    // Newest first, undated last.
    let dates: Vec<_> = batch.headlines.iter().map(|h| h.published).collect();
    let mut sorted = dates.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(dates, sorted);
}

#[tokio::test]
async fn the_first_configured_feed_keeps_its_source_whatever_answers_first() {
    let server = MockServer::start().await;
    // The first feed answers last: merging must still follow the configured order.
    serve(
        &server,
        "/yahoo",
        xml(fixture("yahoo-headline-0981-hk.xml")).set_delay(Duration::from_millis(300)),
    )
    .await;
    serve(&server, "/wire", xml(fixture("chip-wire-dupes.xml"))).await;
    let cfg = feeds_config(&server, &[("Yahoo 0981", "/yahoo"), ("Chip Wire", "/wire")]);
    let batch = fetch(&feeds_for(&cfg)).await;
    assert!(batch.errors.is_empty(), "{:?}", batch.errors);
    assert_eq!(batch.headlines.len(), 4, "3 from Yahoo, 1 new from Chip Wire");
    let nvda = batch.headlines.iter().find(|h| h.title.starts_with("Nvidia")).unwrap();
    assert_eq!(nvda.feed, "Yahoo 0981");
    assert_eq!(nvda.source, "Yahoo! Finance: 0981.HK,NVDA News");
    assert_eq!(nvda.published, at("2026-11-24T12:30:00Z"));
}

#[tokio::test]
async fn conditional_get_sends_the_validators_and_a_304_keeps_the_items() {
    let server = MockServer::start().await;
    let etag = "\"smic-v1\"";
    let modified = "Tue, 24 Nov 2026 14:45:00 GMT";
    // The more specific mock first: wiremock picks the first that matches. (If-Modified-Since is
    // checked on the recorded request below: wiremock's header matcher splits values at commas.)
    Mock::given(method("GET"))
        .and(path("/smic"))
        .and(header("if-none-match", etag))
        .respond_with(ResponseTemplate::new(304))
        .mount(&server)
        .await;
    serve(
        &server,
        "/smic",
        xml(fixture("google-news-smic.xml"))
            .insert_header("etag", etag)
            .insert_header("last-modified", modified),
    )
    .await;
    let cfg = feeds_config(&server, &[("SMIC", "/smic")]);
    let feeds = feeds_for(&cfg);

    let first = fetch(&feeds).await;
    assert!(first.errors.is_empty(), "{:?}", first.errors);
    assert_eq!(first.headlines.len(), 3);
    let second = fetch(&feeds).await;
    assert!(second.errors.is_empty(), "{:?}", second.errors);
    assert_eq!(second.headlines, first.headlines, "a 304 keeps the feed's items");

    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 2);
    assert!(requests[0].headers.get("if-none-match").is_none(), "nothing to validate the first time");
    assert_eq!(requests[1].headers.get("if-none-match").unwrap(), etag);
    assert_eq!(requests[1].headers.get("if-modified-since").unwrap(), modified);
}

#[tokio::test]
async fn at_most_four_feeds_are_fetched_at_once() {
    let server = MockServer::start().await;
    let delay = Duration::from_millis(400);
    serve(&server, "/slow", xml(fixture("dates.xml")).set_delay(delay)).await;
    let names: Vec<String> = (0..8).map(|i| format!("Slow {i}")).collect();
    let paths: Vec<String> = (0..8).map(|i| format!("/slow?n={i}")).collect();
    let list: Vec<(&str, &str)> =
        names.iter().map(String::as_str).zip(paths.iter().map(String::as_str)).collect();
    let feeds = feeds_for(&feeds_config(&server, &list));
    let t = Instant::now();
    let batch = fetch(&feeds).await;
    let took = t.elapsed();
    assert!(batch.errors.is_empty(), "{:?}", batch.errors);
    assert_eq!(server.received_requests().await.unwrap().len(), 8);
    // Eight 400 ms answers: two rounds of four (not one of eight, not eight one after another).
    assert!(took >= 2 * delay, "{took:?}: more than four at once");
    assert!(took < 8 * delay, "{took:?}: one at a time");
}

/// A feed that links every item to its home page, and an item with no link: every headline is
/// kept (the link-less one shows, but cannot be opened), none collapses into another.
#[test]
fn shared_and_missing_links_lose_no_headline() {
    let items = parse_ok(&fixture("home-page-links.xml"), "https://fabnotes.example/rss");
    let titles: Vec<&str> = items.iter().map(|h| h.title.as_str()).collect();
    assert_eq!(
        titles,
        [
            "SMIC adds a 7nm line in Shanghai",
            "Hua Hong books more power-chip orders",
            "Cambricon guidance, in brief"
        ]
    );
    assert_eq!(items[2].link, "", "no link: kept, not openable");
    let ids: std::collections::BTreeSet<&str> = items.iter().map(|h| h.id.as_str()).collect();
    assert_eq!(ids.len(), 3, "each has an identity of its own");
    let mut merged = Vec::new();
    merge(&mut merged, items.clone(), 100, None);
    assert_eq!(merged.len(), 3, "one link shared within a feed is no proof of one story");
    // The same story from another feed, under the same link and another title, is still one story.
    let mut other = items[0].clone();
    other.feed = "Wire".into();
    other.title = "SMIC's new 7nm line".into();
    other.guid = None;
    merge(&mut merged, vec![other], 100, None);
    assert_eq!(merged.len(), 3);
}

/// A feed of 40,000 distinct items merged at once (5 MiB allows about 85,000): the merge used to
/// compare every item with every kept one (54 s for 85k). A guard against that, not a speed target
/// (the benchmark has the figure).
#[test]
fn a_huge_feed_merges_in_linear_time() {
    let items: Vec<Headline> = (0..40_000)
        .map(|i| Headline {
            id: i.to_string(),
            title: format!("Story {i} about chips"),
            link: format!("https://wire.example/{i}"),
            source: "Wire".into(),
            published: at("2026-11-24T10:00:00Z").map(|d| d + chrono::Duration::seconds(i)),
            symbols: vec![],
            feed: "Wire".into(),
            also_in: vec![],
            feed_id: String::new(),
            also_in_ids: vec![],
            summary: None,
            guid: Some(format!("g{i}")),
            kind: chiptape::market::HeadlineKind::News,
            form: None,
        })
        .collect();
    let started = std::time::Instant::now();
    let mut all = Vec::new();
    merge(&mut all, items.clone(), usize::MAX, None);
    merge(&mut all, items, usize::MAX, None);
    assert_eq!(all.len(), 40_000);
    assert!(started.elapsed() < std::time::Duration::from_secs(20), "{:?}", started.elapsed());
}

/// XXE and external DTDs: nothing outside the feed is ever read into it.
#[test]
fn external_entities_and_dtds_are_never_read() {
    let dir = tempfile::tempdir().unwrap();
    let secret = dir.path().join("secret.txt");
    std::fs::write(&secret, "TOPSECRET").unwrap();
    let dtd = dir.path().join("evil.dtd");
    std::fs::write(&dtd, format!("<!ENTITY leak SYSTEM \"file://{}\">", secret.display())).unwrap();
    let item = "<item><title>SMIC &leak; news</title><link>https://x.example/1</link></item>";
    for body in [
        format!(
            "<?xml version=\"1.0\"?><!DOCTYPE rss [<!ENTITY leak SYSTEM \"file://{}\">]><rss version=\"2.0\"><channel><title>t</title>{item}</channel></rss>",
            secret.display()
        ),
        format!(
            "<?xml version=\"1.0\"?><!DOCTYPE rss SYSTEM \"file://{}\"><rss version=\"2.0\"><channel><title>t</title>{item}</channel></rss>",
            dtd.display()
        ),
    ] {
        match parse_feed(body.as_bytes(), "Test", "https://x.example/rss", None) {
            Err(_) => {}
            Ok(items) => assert!(items.iter().all(|h| !h.title.contains("TOPSECRET")), "{items:?}"),
        }
    }
}

/// A mainland symbol with no name in the config (VeriSilicon, not in the built-in list) is tagged by the Chinese name Tencent gave it, from
/// the first fetch after the name was learned.
#[tokio::test]
async fn a_name_learned_from_tencent_tags_headlines() {
    let server = MockServer::start().await;
    let body = rss(&item("芯原股份发布新一代GPU IP", "https://wire.example/mt"));
    serve(&server, "/wire", xml(body)).await;
    let mut cfg = feeds_config(&server, &[("Wire", "/wire")]);
    cfg.groups = vec![chiptape::config::Group {
        name: "A".into(),
        symbols: vec![chiptape::market::Symbol::parse("688521.SS").unwrap()],
    }];
    let learned = chiptape::providers::names::Learned::default();
    let feeds = Feeds::new(&cfg, Http::new(&HttpOptions::default()).unwrap(), learned.clone());
    let mt = chiptape::market::Symbol::parse("688521.SS").unwrap();
    let before = feeds.fetch(std::slice::from_ref(&mt)).await;
    assert!(before.headlines[0].symbols.is_empty(), "nothing names it yet");
    learned.add(&mt, "芯原股份");
    // A different answer, so the feed's 304 memory does not hand back the old tags.
    server.reset().await;
    serve(&server, "/wire", xml(rss(&item("芯原股份股价大涨", "https://wire.example/mt2")))).await;
    let after = feeds.fetch(std::slice::from_ref(&mt)).await;
    assert_eq!(after.headlines[0].symbols, vec![mt]);
}

/// The titles on screen after `cfg` is applied to a state that holds `batch`.
fn titles_after_edit(
    loaded: &chiptape::config::Config,
    batch: &NewsBatch,
    edited: &chiptape::config::Config,
) -> Vec<String> {
    use chiptape::msg::{DataKind, DataMsg, Msg};
    use chiptape::state::{State, update};
    let mut s = State::new(loaded.clone(), false, now());
    let kind = DataKind::News { headlines: batch.headlines.clone(), errors: vec![] };
    let generation = s.generation;
    update(&mut s, Msg::Data(DataMsg { generation, at: now(), kind }), now());
    update(&mut s, Msg::Config(Box::new(Ok(edited.clone()))), now());
    s.headlines.iter().map(|h| h.title.clone()).collect()
}

/// Feeds are known by their address: renaming one in the config keeps its headlines on screen,
/// pointing it at another address takes them away (what the other feed carries too stays).
#[tokio::test]
async fn a_renamed_feed_keeps_its_headlines_and_a_moved_one_loses_them() {
    let server = MockServer::start().await;
    serve(&server, "/wire", xml(rss(&item("SMIC adds a fab", "https://wire.example/fab")))).await;
    serve(&server, "/desk", xml(rss(&item("Hua Hong lifts prices", "https://desk.example/prices")))).await;
    let cfg = feeds_config(&server, &[("Wire", "/wire"), ("Desk", "/desk")]);
    let batch = fetch(&feeds_for(&cfg)).await;
    assert!(batch.errors.is_empty(), "{:?}", batch.errors);
    let mut all = titles_after_edit(&cfg, &batch, &cfg);
    all.sort();
    assert_eq!(all, ["Hua Hong lifts prices", "SMIC adds a fab"]);

    let renamed = feeds_config(&server, &[("Chip Wire", "/wire"), ("Desk", "/desk")]);
    let mut kept = titles_after_edit(&cfg, &batch, &renamed);
    kept.sort();
    assert_eq!(kept, all, "a new name is the same feed");

    let moved = feeds_config(&server, &[("Wire", "/wire.atom"), ("Desk", "/desk")]);
    assert_eq!(
        titles_after_edit(&cfg, &batch, &moved),
        ["Hua Hong lifts prices"],
        "a new address is another feed"
    );
}

/// A feed that makes the parser panic (a debug build panics on purpose on a marked feed: no byte
/// sequence is known to do it since issue 31) fails with its reason, the other feeds still give
/// their items, and nothing ends. The feed that made quick-xml panic before, big-endian UTF-16
/// declared `utf-16` without a byte-order mark, is read.
#[tokio::test]
async fn a_feed_whose_parser_panics_fails_alone() {
    let server = MockServer::start().await;
    let text = "<?xml version=\"1.0\" encoding=\"utf-16\"?><rss version=\"2.0\"><channel><title>T</title>\
                <item><title>Cambricon café</title><link>https://example.com/a</link></item></channel></rss>";
    let utf16: Vec<u8> = text.encode_utf16().flat_map(u16::to_be_bytes).collect();
    serve(&server, "/utf16", xml(utf16)).await;
    let mut marked = b"<!-- chiptape test: panic -->".to_vec();
    marked.extend(rss(&item("Never read", "https://example.com/n")));
    serve(&server, "/panic", xml(marked)).await;
    serve(&server, "/wire", xml(rss(&item("SMIC expands", "https://example.com/smic")))).await;
    let cfg = feeds_config(&server, &[("Wide", "/utf16"), ("Bad", "/panic"), ("Wire", "/wire")]);
    let batch = fetch(&feeds_for(&cfg)).await;
    let mut got = titles(&batch.headlines);
    got.sort();
    assert_eq!(got, ["Cambricon café", "SMIC expands"]);
    assert_eq!(batch.errors.len(), 1, "{:?}", batch.errors);
    assert_eq!(batch.errors[0].0, "Bad");
    assert!(batch.errors[0].1.contains("its parser failed"), "{:?}", batch.errors);
}
