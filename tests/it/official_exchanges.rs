//! HKEXnews and cninfo against a local server serving fixtures written from the protocol facts
//! (the code search's JSONP, the result list inside a string, cninfo's empty answer for a wrong
//! orgId). No internet.

use std::sync::Arc;
use std::time::Duration;

use chiptape::config::FilingsLanguage;
use chiptape::market::{HeadlineKind, Symbol};
use chiptape::providers::NewsSource;
use chiptape::providers::http::{Http, HttpOptions};
use chiptape::providers::official::cninfo::{Cninfo, CninfoOptions};
use chiptape::providers::official::hkex::{Hkex, HkexOptions};
use chiptape::providers::official::{CNINFO, HKEXNEWS};
use wiremock::matchers::{body_string_contains, header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

use super::official::{fixture, json, sym};

const EVERY: Duration = Duration::from_secs(1800);

fn hkex(server: &MockServer, ids: Option<std::path::PathBuf>) -> Hkex {
    let opts = HkexOptions { base: server.uri(), language: FilingsLanguage::En, every: EVERY, ids_path: ids };
    Hkex::new(Http::new(&HttpOptions::default()).unwrap(), opts)
}

fn cninfo(server: &MockServer, ids: Option<std::path::PathBuf>) -> Cninfo {
    Cninfo::new(
        Http::new(&HttpOptions::default()).unwrap(),
        CninfoOptions { base: server.uri(), every: EVERY, ids_path: ids },
    )
}

async fn mount_hkex_lookup(server: &MockServer) {
    Mock::given(method("GET"))
        .and(path("/search/prefix.do"))
        .and(query_param("name", "00981"))
        .and(query_param("market", "SEHK"))
        .respond_with(
            ResponseTemplate::new(200).set_body_raw(fixture("hkex-prefix-00981.jsonp"), "text/javascript"),
        )
        .mount(server)
        .await;
}

async fn mount_hkex_search(server: &MockServer, id: &str, body: &str) {
    Mock::given(method("GET"))
        .and(path("/search/titleSearchServlet.do"))
        .and(query_param("stockId", id))
        .and(query_param("lang", "EN"))
        .and(header("x-requested-with", "XMLHttpRequest"))
        .respond_with(json(fixture(body)))
        .mount(server)
        .await;
}

async fn requests(server: &MockServer, p: &str) -> usize {
    server.received_requests().await.unwrap().iter().filter(|r| r.url.path() == p).count()
}

/// The code is looked up for HKEX's stock id (the exact code, not the one it is a prefix of), the
/// search's string of rows is read, each row is tagged by the stock asked for, dated in Hong Kong
/// time, linked to its document (or to the search page when it has several), and made safe.
#[tokio::test]
async fn hkex_announcements_by_stock_id_in_hong_kong_time() {
    let server = MockServer::start().await;
    mount_hkex_lookup(&server).await;
    mount_hkex_search(&server, "31347", "hkex-title-search-00981.json").await;
    let dir = tempfile::tempdir().unwrap();
    let ids = dir.path().join("ids.json");
    let source = hkex(&server, Some(ids.clone()));
    let batch = source.headlines(&[sym("0981.HK"), sym("NVDA"), sym("688981.SS")]).await;
    assert!(batch.errors.is_empty(), "{:?}", batch.errors);
    let titles: Vec<&str> = batch.headlines.iter().map(|h| h.title.as_str()).collect();
    assert_eq!(
        titles,
        [
            "SMIC: Next Day Disclosure Return (Shares Repurchased)",
            "SMIC: Unaudited Results for the Three Months Ended 30 September 2026",
            "SMIC: Date of Board Meeting; Results & Outlook",
        ],
        "newest first, escapes and entities gone"
    );
    let results = &batch.headlines[1];
    // 16:45 in Hong Kong on 6 November is 08:45 UTC.
    assert_eq!(results.published, Some("2026-11-06T08:45:00Z".parse().unwrap()));
    assert_eq!(results.link, "https://www1.hkexnews.hk/listedco/listconews/sehk/2026/1106/2026110600812.pdf");
    assert_eq!((results.kind, results.form.as_deref()), (HeadlineKind::Filing, Some("HKEX")));
    assert_eq!(results.symbols, vec![sym("0981.HK")]);
    assert_eq!(results.source, HKEXNEWS);
    assert_eq!(results.summary.as_deref(), Some("Announcements and Notices - [Quarterly Results]"));
    assert_eq!(
        batch.headlines[2].link, "https://www1.hkexnews.hk/search/titlesearch.xhtml",
        "Multiple Files"
    );
    assert!(std::fs::read_to_string(&ids).unwrap().contains("31347"), "the id is kept on disk");

    // Within the interval nothing is asked; a new run with the id on disk skips the lookup.
    assert_eq!(source.headlines(&[sym("0981.HK")]).await.headlines.len(), 3);
    assert_eq!(
        (
            requests(&server, "/search/prefix.do").await,
            requests(&server, "/search/titleSearchServlet.do").await
        ),
        (1, 1)
    );
    let again = hkex(&server, Some(ids)).headlines(&[sym("0981.HK")]).await;
    assert_eq!(again.headlines.len(), 3);
    assert_eq!(requests(&server, "/search/prefix.do").await, 1, "the kept id is used");
}

/// An id that answers for another company (HKEX says 200 either way) is an error for that stock
/// only, and is forgotten: the next round looks the code up again and gets it right.
#[tokio::test]
async fn hkex_a_wrong_id_is_noticed_and_looked_up_again() {
    let server = MockServer::start().await;
    mount_hkex_lookup(&server).await;
    mount_hkex_search(&server, "999", "hkex-title-search-another-company.json").await;
    mount_hkex_search(&server, "31347", "hkex-title-search-00981.json").await;
    let dir = tempfile::tempdir().unwrap();
    let ids = dir.path().join("ids.json");
    std::fs::write(&ids, r#"{"00981":"999"}"#).unwrap();
    let source = hkex(&server, Some(ids.clone()));
    let batch = source.headlines(&[sym("0981.HK")]).await;
    assert!(batch.headlines.is_empty(), "another company's rows are not SMIC's");
    assert_eq!(batch.errors.len(), 1);
    assert!(
        batch.errors[0].1.contains("0981.HK") && batch.errors[0].1.contains("another company"),
        "{:?}",
        batch.errors
    );
    assert!(!std::fs::read_to_string(&ids).unwrap().contains("999"));
    tokio::time::pause();
    tokio::time::advance(Duration::from_secs(301)).await;
    tokio::time::resume();
    let batch = source.headlines(&[sym("0981.HK")]).await;
    assert!(batch.errors.is_empty(), "{:?}", batch.errors);
    assert_eq!(batch.headlines.len(), 3);
}

/// A code the exchange does not know, a failing lookup, an empty answer: each is that stock's
/// own matter; the other stocks' announcements still come.
#[tokio::test]
async fn hkex_a_failed_lookup_is_an_error_for_that_stock_only() {
    let server = MockServer::start().await;
    mount_hkex_lookup(&server).await;
    mount_hkex_search(&server, "31347", "hkex-title-search-00981.json").await;
    Mock::given(method("GET"))
        .and(path("/search/prefix.do"))
        .and(query_param("name", "01347"))
        .respond_with(ResponseTemplate::new(200).set_body_string(r#"callback({"more":"0","stockInfo":[]});"#))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/search/prefix.do"))
        .and(query_param("name", "09988"))
        .respond_with(ResponseTemplate::new(500))
        .mount(&server)
        .await;
    let source = hkex(&server, None);
    let batch = source.headlines(&[sym("1347.HK"), sym("0981.HK"), sym("9988.HK")]).await;
    assert_eq!(batch.headlines.len(), 3, "SMIC's still come");
    let e = &batch.errors[0].1;
    assert!(e.contains("1347.HK: HKEXnews knows no stock 01347"), "{e}");
    assert!(e.contains("9988.HK: ") && e.contains("500"), "{e}");
    // Asked again in five minutes, not at once; until then each round still says what failed.
    let before = server.received_requests().await.unwrap().len();
    let again = source.headlines(&[sym("1347.HK"), sym("0981.HK"), sym("9988.HK")]).await;
    assert_eq!(&again.errors[0].1, e, "the failures stay in view between tries");
    assert_eq!(again.headlines.len(), 3);
    assert_eq!(server.received_requests().await.unwrap().len(), before, "nothing asked again yet");
}

/// No results is `null` inside the string: an empty list, not an error.
#[tokio::test]
async fn hkex_no_results_is_empty() {
    let server = MockServer::start().await;
    mount_hkex_lookup(&server).await;
    mount_hkex_search(&server, "31347", "hkex-title-search-none.json").await;
    let batch = hkex(&server, None).headlines(&[sym("0981.HK")]).await;
    assert!(batch.errors.is_empty() && batch.headlines.is_empty(), "{:?}", batch.errors);
}

async fn mount_cninfo(server: &MockServer, announcements: &str) {
    Mock::given(method("POST"))
        .and(path("/new/information/topSearch/query"))
        .and(body_string_contains("keyWord=688981"))
        .respond_with(json(fixture("cninfo-top-search-688981.json")))
        .mount(server)
        .await;
    Mock::given(method("POST"))
        .and(path("/new/hisAnnouncement/query"))
        .and(body_string_contains("stock=688981%2Cgshk0000981"))
        .and(body_string_contains("column=sse"))
        .and(body_string_contains("plate=sh"))
        .respond_with(json(fixture(announcements)))
        .mount(server)
        .await;
}

/// The orgId is looked up (the A share's, not the bond's with the same code), the announcements
/// come with their highlights taken out, dated at the instant given (Shanghai's midnight), and
/// linked to the PDF; an unsafe PDF path is not followed.
#[tokio::test]
async fn cninfo_announcements_by_looked_up_org_id() {
    let server = MockServer::start().await;
    mount_cninfo(&server, "cninfo-announcements-688981.json").await;
    let batch = cninfo(&server, None).headlines(&[sym("688981.SS"), sym("0981.HK")]).await;
    assert!(batch.errors.is_empty(), "{:?}", batch.errors);
    assert_eq!(batch.headlines.len(), 3);
    let call = &batch.headlines[1];
    assert_eq!(call.title, "中芯国际: 中芯国际关于2026年第三季度业绩说明会召开情况的公告");
    // 1795708800000 ms: 2026-11-26 16:00 UTC, midnight of the 27th in Shanghai.
    assert_eq!(call.published, Some("2026-11-26T16:00:00Z".parse().unwrap()));
    assert_eq!(call.link, "https://static.cninfo.com.cn/finalpage/2026-11-27/1225012345.PDF");
    assert_eq!(
        (call.kind, call.form.as_deref(), call.source.as_str()),
        (HeadlineKind::Filing, Some("公告"), CNINFO)
    );
    assert_eq!(call.symbols, vec![sym("688981.SS")]);
    assert_eq!(
        batch.headlines[0].link, "https://www.cninfo.com.cn/new/commonUrl?url=disclosure/list/notice",
        "a path with .. is not followed"
    );
}

/// A wrong orgId answers 200 with nothing. An id from disk that gives nothing is forgotten, so the
/// next round looks it up again; a looked-up id that gives nothing is a quiet company, no error.
#[tokio::test]
async fn cninfo_an_empty_answer_for_a_kept_id_looks_it_up_again() {
    let server = MockServer::start().await;
    mount_cninfo(&server, "cninfo-announcements-688981.json").await;
    Mock::given(method("POST"))
        .and(path("/new/hisAnnouncement/query"))
        .and(body_string_contains("stock=688981%2Cgsstale"))
        .respond_with(json(fixture("cninfo-announcements-none.json")))
        .mount(&server)
        .await;
    let dir = tempfile::tempdir().unwrap();
    let ids = dir.path().join("ids.json");
    std::fs::write(&ids, r#"{"688981":"gsstale"}"#).unwrap();
    let source = cninfo(&server, Some(ids.clone()));
    let batch = source.headlines(&[sym("688981.SS")]).await;
    assert!(batch.errors.is_empty() && batch.headlines.is_empty());
    assert!(!std::fs::read_to_string(&ids).unwrap().contains("gsstale"));
    tokio::time::pause();
    tokio::time::advance(EVERY + Duration::from_secs(1)).await;
    tokio::time::resume();
    let batch = source.headlines(&[sym("688981.SS")]).await;
    assert_eq!(batch.headlines.len(), 3, "{:?}", batch.errors);
    assert!(std::fs::read_to_string(&ids).unwrap().contains("gshk0000981"));
}

/// Broken answers from either source: an error naming the stock, never a panic, and the items
/// the stock gave last are kept.
#[tokio::test]
async fn exchanges_keep_their_last_items_through_bad_answers() {
    let bad = [
        ResponseTemplate::new(500),
        ResponseTemplate::new(403).set_body_string("<html>Forbidden</html>"),
        ResponseTemplate::new(429),
        ResponseTemplate::new(200).set_body_string("\u{0}\u{1b}[2J garbage"),
        ResponseTemplate::new(200).set_body_raw("<!DOCTYPE html><html>maintenance</html>", "text/html"),
        json(r#"{"result":"[{not json"}"#.to_string()),
        json(r#"{"result":42,"announcements":"x"}"#.to_string()),
    ];
    for (i, answer) in bad.into_iter().enumerate() {
        let server = MockServer::start().await;
        let good = Mock::given(method("GET"))
            .and(path("/search/titleSearchServlet.do"))
            .respond_with(json(fixture("hkex-title-search-00981.json")))
            .up_to_n_times(1)
            .mount_as_scoped(&server)
            .await;
        mount_hkex_lookup(&server).await;
        mount_cninfo(&server, "cninfo-announcements-688981.json").await;
        let (hk, cn) = (hkex(&server, None), cninfo(&server, None));
        let symbols = [sym("0981.HK"), sym("688981.SS")];
        assert_eq!(hk.headlines(&symbols).await.headlines.len(), 3);
        assert_eq!(cn.headlines(&symbols).await.headlines.len(), 3);
        drop(good);
        server.reset().await;
        Mock::given(method("GET")).respond_with(answer.clone()).mount(&server).await;
        Mock::given(method("POST")).respond_with(answer).mount(&server).await;
        tokio::time::pause();
        tokio::time::advance(EVERY + Duration::from_secs(1)).await;
        tokio::time::resume();
        for b in [hk.headlines(&symbols).await, cn.headlines(&symbols).await] {
            assert_eq!(b.headlines.len(), 3, "case {i}: the last items stay");
            assert_eq!(b.errors.len(), 1, "case {i}");
            assert!(
                b.errors[0].1.contains(".HK: ") || b.errors[0].1.contains(".SS: "),
                "case {i}: {:?}",
                b.errors
            );
        }
    }
}

/// `chiptape filings` with both exchanges on: HKEX's and cninfo's items beside each other, each
/// tagged to its listing, `--symbol` narrowing to one and `--form` to its badge; the ids found are
/// kept in the data folder for the next run.
#[tokio::test]
async fn filings_cli_lists_both_exchanges() {
    let server = MockServer::start().await;
    mount_hkex_lookup(&server).await;
    mount_hkex_search(&server, "31347", "hkex-title-search-00981.json").await;
    mount_cninfo(&server, "cninfo-announcements-688981.json").await;
    let home = tempfile::tempdir().unwrap();
    let config = home.path().join("chiptape.toml");
    std::fs::write(
        &config,
        format!(
            "[provider]\nquery_url = \"{uri}\"\ncookie_url = \"{uri}/cookie\"\nstream = false\nmainland = \"yahoo\"\n\
             quotes = [\"yahoo\"]\ncharts = [\"yahoo\"]\n\n\
             [filings]\nsec = false\nfederal_register = false\nhkex_url = \"{uri}\"\ncninfo_url = \"{uri}\"\n\n\
             [news]\nyahoo_symbols = false\nfeeds = []\n\n\
             [[groups]]\nname = \"Fabs\"\nsymbols = [\"0981.HK\", \"688981.SS\"]\n",
            uri = server.uri()
        ),
    )
    .unwrap();
    let run = |args: &'static [&'static str]| {
        let mut cmd = crate::common::chiptape_cmd(home.path());
        cmd.arg("--config").arg(&config).arg("--fake-now=2026-12-05T12:00:00Z").args(args);
        tokio::task::spawn_blocking(move || cmd.output().unwrap())
    };
    let o = run(&["filings", "--format", "json", "--days", "45"]).await.unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    let recs: Vec<serde_json::Value> = serde_json::from_slice(&o.stdout).unwrap();
    let got: Vec<(&str, &str)> =
        recs.iter().map(|r| (r["form"].as_str().unwrap(), r["symbols"][0].as_str().unwrap())).collect();
    assert_eq!(
        got,
        [
            ("HKEX", "0981.HK"),
            ("公告", "688981.SS"),
            ("公告", "688981.SS"),
            ("HKEX", "0981.HK"),
            ("公告", "688981.SS")
        ],
        "newest first across both; the board-meeting notice of 16 October is over 45 days old"
    );
    let o = run(&["filings", "--symbol", "0981.HK", "--form", "hkex", "--days", "90", "--format", "csv"])
        .await
        .unwrap();
    let csv = String::from_utf8_lossy(&o.stdout);
    assert_eq!(csv.lines().count(), 4, "a header and SMIC's three: {csv}");
    assert!(!csv.contains("中芯国际"), "{csv}");
    let kept = home.path().join("data/chiptape");
    assert!(std::fs::read_to_string(kept.join("hkex_stock_ids.json")).unwrap().contains("31347"));
    assert!(std::fs::read_to_string(kept.join("cninfo_org_ids.json")).unwrap().contains("gshk0000981"));
}

/// `doctor` looks up the first Hong Kong and the first mainland listing's ids as the app does;
/// a code the exchange does not know fails with advice on turning the source off.
#[tokio::test]
async fn doctor_looks_up_each_exchanges_id() {
    use chiptape::cli::doctor::{Options, run};
    let server = MockServer::start().await;
    mount_hkex_lookup(&server).await;
    mount_cninfo(&server, "cninfo-announcements-688981.json").await;
    Mock::given(method("GET"))
        .and(path("/search/prefix.do"))
        .respond_with(ResponseTemplate::new(200).set_body_string(r#"callback({"more":"0","stockInfo":[]});"#))
        .mount(&server)
        .await;
    let text = |symbols: &str| {
        format!(
            "[provider]\nquotes = [\"tencent\"]\ncharts = [\"tencent\"]\nstream = false\ntencent_url = \"{uri}\"\n\
             tencent_series_url = \"{uri}\"\n\n[filings]\nsec = false\nfederal_register = false\n\
             hkex_url = \"{uri}\"\ncninfo_url = \"{uri}\"\n\n[news]\nyahoo_symbols = false\nfeeds = []\n\n\
             [[groups]]\nname = \"W\"\nsymbols = [{symbols}]\n",
            uri = server.uri()
        )
    };
    let opts = Options::with_timeout(Duration::from_secs(5));
    let cfg = chiptape::config::parse_str(&text("\"NVDA\", \"0981.HK\", \"688981.SS\""), "d.toml").unwrap();
    let rep = run(&cfg, &opts).await;
    let check = |name: &str| rep.checks.iter().find(|c| c.name == name).cloned();
    let hk = check("hkexnews").unwrap();
    assert!(hk.ok && hk.sample.as_deref() == Some("00981: stock id 31347"), "{hk:?}");
    let cn = check("cninfo").unwrap();
    assert!(cn.ok && cn.sample.as_deref() == Some("688981: orgId gshk0000981"), "{cn:?}");

    let cfg = chiptape::config::parse_str(&text("\"1347.HK\""), "d.toml").unwrap();
    let rep = run(&cfg, &opts).await;
    let hk = rep.checks.iter().find(|c| c.name == "hkexnews").unwrap();
    assert!(!hk.ok && hk.error.as_deref().unwrap().contains("knows no stock 01347"), "{hk:?}");
    assert!(hk.advice.as_deref().unwrap().contains("hkex = false"), "{hk:?}");
    assert!(rep.checks.iter().all(|c| c.name != "cninfo"), "no mainland listing, no check");
}

/// A source that answers one fixed item after `delay` (on the tokio clock).
struct Slow(Duration, &'static str);

impl NewsSource for Slow {
    fn headlines<'a>(
        &'a self,
        _: &'a [Symbol],
    ) -> futures::future::BoxFuture<'a, chiptape::providers::NewsBatch> {
        Box::pin(async move {
            tokio::time::sleep(self.0).await;
            let story = chiptape::market::Headline {
                id: self.1.to_string(),
                title: self.1.to_string(),
                link: String::new(),
                source: self.1.to_string(),
                published: None,
                symbols: vec![],
                feed: self.1.to_string(),
                also_in: vec![],
                feed_id: String::new(),
                also_in_ids: vec![],
                summary: None,
                guid: None,
                kind: HeadlineKind::Filing,
                form: None,
            };
            chiptape::providers::NewsBatch { headlines: vec![story], errors: vec![] }
        })
    }
}

/// An official source at work for minutes (EDGAR crawling sixty companies) never holds the
/// feeds back: a round gives the feeds as soon as they are in, the remainder gives the official
/// sources that finish within the patience, and the slow one's items come with the first round
/// after it is done; it is not asked twice meanwhile. Without a deadline (the commands) a round
/// waits for everything.
#[tokio::test(start_paused = true)]
async fn a_slow_official_source_never_holds_the_feeds_back() {
    use chiptape::providers::official::WithOfficial;
    let feeds = Arc::new(Slow(Duration::from_secs(1), "wire"));
    let crawl = Arc::new(Slow(Duration::from_secs(200), "edgar"));
    let quick = Arc::new(Slow(Duration::from_secs(2), "rules"));
    let news = WithOfficial::new(feeds.clone(), vec![crawl.clone(), quick.clone()]);
    let titles = |b: &chiptape::providers::NewsBatch| {
        let mut t: Vec<String> = b.headlines.iter().map(|h| h.title.clone()).collect();
        t.sort();
        t
    };
    let start = tokio::time::Instant::now();
    let first = news.headlines_by(&[], start).await;
    assert_eq!(titles(&first), ["wire"]);
    assert_eq!(start.elapsed(), Duration::from_secs(1), "the feeds as soon as they are in");
    let rest = news.remainder(start + Duration::from_secs(10)).await.expect("sources were at work");
    assert_eq!(titles(&rest), ["rules"], "the quick source, not the crawl");
    assert_eq!(start.elapsed(), Duration::from_secs(10), "waited for the crawl until the deadline only");
    tokio::time::sleep(Duration::from_secs(290)).await;
    let later = tokio::time::Instant::now();
    let second = news.headlines_by(&[], later + Duration::from_secs(10)).await;
    assert_eq!(titles(&second), ["edgar", "rules", "wire"], "the crawl's items, once it is done");
    assert!(later.elapsed() <= Duration::from_secs(10));
    assert!(news.remainder(later + Duration::from_secs(10)).await.is_none(), "nothing was left");
    // A remainder with nothing finished by its deadline gives nothing (no batch to merge again).
    let other = WithOfficial::new(feeds.clone(), vec![crawl.clone(), quick.clone()]);
    let now = tokio::time::Instant::now();
    assert_eq!(titles(&other.headlines_by(&[], now).await), ["wire"]);
    assert!(other.remainder(now + Duration::from_millis(1500)).await.is_none());
    let patient = WithOfficial::new(feeds, vec![crawl, quick]);
    let all = patient.headlines(&[]).await;
    assert_eq!(titles(&all), ["edgar", "rules", "wire"]);
}
