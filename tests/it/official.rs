//! The official sources against a local server serving fixtures modelled on the recordings: the
//! Federal Register's BIS rules and public inspection, SEC EDGAR's submissions. No internet.

use std::sync::Arc;
use std::time::Duration;

use chiptape::market::{HeadlineKind, Symbol};
use chiptape::providers::NewsSource;
use chiptape::providers::http::{Http, HttpOptions};
use chiptape::providers::official::federal_register::FederalRegister;
use chiptape::providers::official::sec::{BACKOFF, Sec, SecOptions};
use chiptape::providers::official::{FEDERAL_REGISTER, SEC_EDGAR, Scheduled};
use wiremock::matchers::{header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const UA: &str = "Chiptape Tests tests@example.com";

pub(crate) fn fixture(name: &str) -> String {
    let p = format!("{}/tests/fixtures/official/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{p}: {e}"))
}

pub(crate) fn json(body: String) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_raw(body.into_bytes(), "application/json")
}

pub(crate) fn sym(s: &str) -> Symbol {
    Symbol::parse(s).unwrap()
}

fn at(s: &str) -> chrono::DateTime<chrono::Utc> {
    s.parse().unwrap()
}

fn federal_register(server: &MockServer) -> FederalRegister {
    let tagger = Arc::new(chiptape::config::builtin().tagger());
    FederalRegister::new(Http::new(&HttpOptions::default()).unwrap(), &server.uri(), tagger)
}

async fn mount_fr(
    server: &MockServer,
    rules: ResponseTemplate,
    page2: ResponseTemplate,
    pi: ResponseTemplate,
) {
    Mock::given(method("GET")).and(path("/api/v1/documents.json")).respond_with(rules).mount(server).await;
    Mock::given(method("GET"))
        .and(path("/api/v1/documents"))
        .and(query_param("page", "2"))
        .respond_with(page2)
        .mount(server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v1/public-inspection-documents.json"))
        .respond_with(pi)
        .mount(server)
        .await;
}

fn page1(server: &MockServer) -> ResponseTemplate {
    json(fixture("fr-rules-page1.json").replace("{{BASE}}", &server.uri()))
}

/// Both pages of rules (the cursor followed as given) and the BIS rule on public inspection;
/// each tagged to the names it mentions, in English or Chinese; dated in Washington's zone.
#[tokio::test]
async fn federal_register_rules_are_tagged_by_name() {
    let server = MockServer::start().await;
    let (p1, p2, pi) =
        (page1(&server), json(fixture("fr-rules-page2.json")), json(fixture("fr-inspection.json")));
    mount_fr(&server, p1, p2, pi).await;
    let batch = federal_register(&server).headlines(&[]).await;
    assert!(batch.errors.is_empty(), "{:?}", batch.errors);
    let titles: Vec<&str> = batch.headlines.iter().map(|h| h.title.as_str()).collect();
    assert_eq!(
        titles,
        [
            "Additions to the Entity List: Hua Hong Semiconductor and Others",
            "Additions to the Entity List",
            "Revisions to License Exception ACA for Advanced Computing Items",
            "Entity List Additions; Corrections",
        ],
        "newest first; the other agency's notice left out"
    );
    let [pi, smic, aca, fix] = &batch.headlines[..] else { panic!() };
    assert_eq!(smic.symbols, [sym("0981.HK"), sym("688981.SS")]);
    assert_eq!((smic.kind, smic.form.as_deref()), (HeadlineKind::Rule, Some("RULE")));
    assert_eq!(smic.published, Some(at("2026-12-03T05:00:00Z")), "midnight in New York (EST)");
    assert!(smic.link.starts_with("https://www.federalregister.gov/documents/2026/12/03/"));
    assert_eq!(smic.source, FEDERAL_REGISTER);
    assert!(aca.symbols.is_empty());
    assert_eq!(fix.symbols, [sym("0981.HK"), sym("688981.SS"), sym("688256.SS")], "中芯国际 and Cambricon");
    assert_eq!(pi.symbols, [sym("1347.HK"), sym("688347.SS")]);
    assert_eq!((pi.kind, pi.form.as_deref()), (HeadlineKind::Rule, Some("PI")));
    assert_eq!(pi.published, Some(at("2026-12-04T13:45:00Z")), "filed_at is UTC");
}

/// No match answers without a `results` key: nothing, and no error.
#[tokio::test]
async fn federal_register_zero_match_is_empty_not_an_error() {
    let server = MockServer::start().await;
    let zero = || json(fixture("fr-zero.json"));
    mount_fr(&server, zero(), zero(), zero()).await;
    let batch = federal_register(&server).headlines(&[]).await;
    assert!(batch.headlines.is_empty() && batch.errors.is_empty(), "{batch:?}");
}

/// A stale cursor answers 400: the first page is kept, and the error is this source's alone.
#[tokio::test]
async fn federal_register_cursor_400_keeps_the_first_page() {
    let server = MockServer::start().await;
    let bad = ResponseTemplate::new(400)
        .set_body_raw(fixture("fr-cursor-400.json").into_bytes(), "application/json");
    mount_fr(&server, page1(&server), bad, json(fixture("fr-zero.json"))).await;
    let batch = federal_register(&server).headlines(&[]).await;
    assert_eq!(batch.headlines.len(), 2);
    assert_eq!(batch.errors.len(), 1);
    let (name, e) = &batch.errors[0];
    assert_eq!(name, FEDERAL_REGISTER);
    assert!(e.contains("rules") && e.contains("400"), "{e}");
}

/// A 500, garbage, and a web page where JSON was expected: a named error, never a panic.
#[tokio::test]
async fn federal_register_faults_are_errors() {
    let answers = [
        ResponseTemplate::new(500),
        ResponseTemplate::new(200).set_body_raw(b"\x00\xff{{{garbage".to_vec(), "application/json"),
        ResponseTemplate::new(200).set_body_raw(fixture("sec-rate-limit.html").into_bytes(), "text/html"),
        ResponseTemplate::new(200).set_body_raw(b"\"a string, not a page\"".to_vec(), "application/json"),
    ];
    for answer in answers {
        let server = MockServer::start().await;
        mount_fr(&server, answer.clone(), answer.clone(), answer).await;
        let batch = federal_register(&server).headlines(&[]).await;
        assert!(batch.headlines.is_empty());
        assert_eq!(batch.errors.len(), 1, "{batch:?}");
        assert!(batch.errors[0].1.contains("rules:") && batch.errors[0].1.contains("public inspection:"));
    }
}

fn sec(server: &MockServer, contact: Option<&str>, map_path: Option<std::path::PathBuf>) -> Sec {
    let opts = SecOptions {
        user_agent: contact.map(str::to_string),
        data_url: server.uri(),
        files_url: server.uri(),
        forms: ["8-K", "10-K", "4", "SC 13G"].map(String::from).to_vec(),
        map_path,
        every: Duration::from_secs(1800),
    };
    let http = contact
        .map(|ua| Http::new(&HttpOptions { user_agent: ua.into(), ..HttpOptions::default() }).unwrap());
    Sec::new(opts, http)
}

async fn mount_nvda(server: &MockServer) {
    Mock::given(method("GET"))
        .and(path("/submissions/CIK0001045810.json"))
        .and(header("user-agent", UA))
        .respond_with(json(fixture("sec-submissions-nvda.json")))
        .mount(server)
        .await;
}

/// The configured forms only (an amendment with its form), tagged by CIK, linked to the document,
/// and dated by `filingDate`: the 8-K whose `acceptanceDateTime` reads 16:31Z (New York's wall
/// clock with a Z) is dated 2026-02-25 at midnight in New York, not at 16:31 UTC.
#[tokio::test]
async fn sec_filings_dodge_the_time_trap() {
    let server = MockServer::start().await;
    mount_nvda(&server).await;
    let batch = sec(&server, Some(UA), None).headlines(&[sym("NVDA"), sym("0981.HK")]).await;
    assert!(batch.errors.is_empty(), "{:?}", batch.errors);
    let forms: Vec<&str> = batch.headlines.iter().filter_map(|h| h.form.as_deref()).collect();
    assert_eq!(forms, ["4", "10-K", "8-K", "8-K", "SC 13G/A"], "no 144");
    let k8 = &batch.headlines[2];
    assert_eq!(k8.published, Some(at("2026-02-25T05:00:00Z")));
    assert_ne!(k8.published, Some(at("2026-02-25T16:31:25Z")));
    assert_eq!(
        k8.link,
        "https://www.sec.gov/Archives/edgar/data/1045810/000104581026000019/nvda-20260225.htm"
    );
    assert_eq!(k8.title, "NVIDIA CORP: 8-K (results)");
    assert_eq!((k8.kind, k8.symbols.clone()), (HeadlineKind::Filing, vec![sym("NVDA")]));
    assert_eq!(k8.source, SEC_EDGAR);
    assert_eq!(server.received_requests().await.unwrap().len(), 1, "one request per CIK; none for 0981.HK");
}

/// Without a contact EDGAR is not asked at all, and the error says what to set.
#[tokio::test]
async fn sec_without_a_contact_asks_nothing() {
    let server = MockServer::start().await;
    mount_nvda(&server).await;
    let source = sec(&server, None, None);
    let batch = source.headlines(&[sym("NVDA")]).await;
    assert!(batch.headlines.is_empty());
    assert_eq!(batch.errors.len(), 1);
    assert!(batch.errors[0].1.contains("sec_user_agent"), "{:?}", batch.errors);
    // Said once: the next refresh leaves the status bar to the sources that are asked.
    assert!(source.headlines(&[sym("NVDA")]).await.errors.is_empty());
    assert!(server.received_requests().await.unwrap().is_empty());
    // Nothing US-listed: nothing to say either.
    assert!(sec(&server, None, None).headlines(&[sym("0981.HK")]).await.errors.is_empty());
}

/// The SEC's "rate threshold" page (served with 200 or 403/429) blocks EDGAR for ten minutes: it
/// says so, asks nothing meanwhile, and asks again after.
#[tokio::test]
async fn sec_rate_limit_page_backs_off_ten_minutes() {
    for status in [200, 403, 429] {
        let server = MockServer::start().await;
        let page = ResponseTemplate::new(status)
            .set_body_raw(fixture("sec-rate-limit.html").into_bytes(), "text/html");
        Mock::given(method("GET")).respond_with(page).mount(&server).await;
        let source = sec(&server, Some(UA), None);
        let requests = || async { server.received_requests().await.unwrap().len() };
        let batch = source.headlines(&[sym("NVDA"), sym("AMD")]).await;
        assert!(batch.errors[0].1.contains("limiting requests"), "{status}: {:?}", batch.errors);
        assert_eq!(requests().await, 1, "the block stops the round");
        tokio::time::pause();
        tokio::time::advance(BACKOFF - Duration::from_secs(1)).await;
        let batch = source.headlines(&[sym("NVDA")]).await;
        assert!(batch.errors[0].1.contains("limiting requests"));
        assert_eq!(requests().await, 1, "nothing asked while blocked");
        tokio::time::advance(Duration::from_secs(2)).await;
        tokio::time::resume();
        source.headlines(&[sym("NVDA")]).await;
        assert_eq!(requests().await, 2, "asked again after ten minutes");
    }
}

/// The block says when EDGAR is asked again as a time on the reader's clock, the block's end, and
/// still says the same time four minutes on (a count of minutes would be wrong by then). The
/// error stays typed: a refusal read outside a round (doctor's) has no end to name.
#[tokio::test]
async fn sec_block_names_the_time_it_ends() {
    let server = MockServer::start().await;
    Mock::given(method("GET")).respond_with(ResponseTemplate::new(429)).mount(&server).await;
    let source = sec(&server, Some(UA), None);
    let ten = chrono::Duration::from_std(BACKOFF).unwrap();
    let before = chrono::Utc::now();
    let first = source.headlines(&[sym("NVDA")]).await;
    let after = chrono::Utc::now();
    // The reader's clock, read here the way a person would: the wall time ten minutes on.
    let reads = |t: chrono::DateTime<chrono::Utc>| {
        let local = t.with_timezone(&chrono::Local);
        let today = before.with_timezone(&chrono::Local).date_naive() == local.date_naive();
        local.format(if today { "%H:%M" } else { "%b %d %H:%M" }).to_string()
    };
    let said = |b: &chiptape::providers::NewsBatch| b.errors[0].1.clone();
    let ok = |m: &str| {
        [before + ten, after + ten].iter().any(|t| m.contains(&format!("asking again after {}", reads(*t))))
    };
    assert!(ok(&said(&first)), "{:?}", first.errors);
    assert!(!said(&first).contains("in 10 minutes"), "{:?}", first.errors);
    tokio::time::pause();
    tokio::time::advance(Duration::from_secs(4 * 60)).await;
    let later = source.headlines(&[sym("NVDA")]).await;
    assert_eq!(server.received_requests().await.unwrap().len(), 1, "nothing asked while blocked");
    assert_eq!(said(&later), said(&first), "the same end, four minutes on");
    assert!(ok(&said(&later)), "{:?}", later.errors);
    tokio::time::resume();

    let outside = chiptape::providers::official::sec::refusal_in(429, b"");
    assert!(matches!(outside, Some(chiptape::providers::official::sec::SecError::Blocked { until: None })));
    assert_eq!(
        outside.unwrap().to_string(),
        "the SEC is limiting requests; it lets a client in again after 10 minutes"
    );
}

/// A name without a built-in CIK is looked up in the exchange's ticker map, which is kept on disk
/// and read from there next time; a name not in it is no filer, not an error. Faults of the
/// submissions JSON are that symbol's error only.
#[tokio::test]
async fn sec_ticker_map_is_cached_on_disk() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/files/company_tickers_exchange.json"))
        .respond_with(json(fixture("sec-tickers-exchange.json")))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/submissions/CIK0000050863.json"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(b"<html>oops</html>".to_vec(), "text/html"))
        .mount(&server)
        .await;
    mount_nvda(&server).await;
    let dir = tempfile::tempdir().unwrap();
    let map = dir.path().join("data/sec.json");
    let syms = [sym("NVDA"), sym("INTC"), sym("QQQX")];
    let batch = sec(&server, Some(UA), Some(map.clone())).headlines(&syms).await;
    assert_eq!(batch.headlines.len(), 5, "NVDA's filings still come");
    assert_eq!(batch.errors.len(), 1);
    assert!(batch.errors[0].1.starts_with("INTC: unreadable answer"), "{:?}", batch.errors);
    assert!(map.exists());
    let asked_map =
        |r: &Vec<wiremock::Request>| r.iter().filter(|r| r.url.path().starts_with("/files/")).count();
    sec(&server, Some(UA), Some(map)).headlines(&syms).await;
    assert_eq!(asked_map(&server.received_requests().await.unwrap()), 1, "the second run read the disk");
}

/// However often the news refresh asks, a source is asked once per `filings.refresh_secs`; a
/// failure later keeps the items already had.
#[tokio::test]
async fn scheduled_asks_once_per_interval() {
    let server = MockServer::start().await;
    mount_nvda(&server).await;
    let s = Scheduled::new(Box::new(sec(&server, Some(UA), None)), Duration::from_secs(1800));
    let first = s.headlines(&[sym("NVDA")]).await;
    let second = s.headlines(&[sym("NVDA")]).await;
    assert_eq!(first, second);
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}

/// A config whose official sources all point at `server`, and nothing else asked.
fn cli_config(home: &std::path::Path, server: &MockServer) -> std::path::PathBuf {
    let uri = server.uri();
    let text = format!(
        // Charts (the move since in `news --format json`) asked of the fake server too.
        "[provider]\nquery_url = \"{uri}\"\ncookie_url = \"{uri}/cookie\"\nstream = false\nmainland = \"yahoo\"\n\
         quotes = [\"yahoo\"]\ncharts = [\"yahoo\"]\n\n\
         [filings]\nsec_user_agent = \"{UA}\"\nsec_url = \"{uri}\"\nsec_files_url = \"{uri}\"\n\
         federal_register_url = \"{uri}\"\nhkex = false\ncninfo = false\n\n[news]\nyahoo_symbols = false\nfeeds = []\n\n\
         [[groups]]\nname = \"Watch\"\nsymbols = [\"NVDA\", \"0981.HK\", \"688981.SS\"]\n"
    );
    let file = home.join("chiptape.toml");
    std::fs::write(&file, text).unwrap();
    file
}

async fn run(home: &std::path::Path, config: &std::path::Path, args: &[&str]) -> std::process::Output {
    let mut cmd = crate::common::chiptape_cmd(home);
    cmd.arg("--config").arg(config).args(["--fake-now=2026-12-05T12:00:00Z"]).args(args);
    tokio::task::spawn_blocking(move || cmd.output().unwrap()).await.unwrap()
}

fn records(o: &std::process::Output) -> Vec<serde_json::Value> {
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap_or_else(|e| {
        panic!("{e}: {}\nstderr: {}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr))
    });
    v.as_array().expect("an array").clone()
}

/// `filings --format json`: rules and filings newest first, each with `kind` and `form`; narrowed
/// by symbol, form and days; a failing source exits 1 with what came still printed.
#[tokio::test]
async fn filings_cli_json() {
    let server = MockServer::start().await;
    let (p1, p2, pi) =
        (page1(&server), json(fixture("fr-rules-page2.json")), json(fixture("fr-inspection.json")));
    mount_fr(&server, p1, p2, pi).await;
    mount_nvda(&server).await;
    let home = tempfile::tempdir().unwrap();
    let config = cli_config(home.path(), &server);
    let o = run(home.path(), &config, &["filings", "--format", "json", "--days", "300"]).await;
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    let recs = records(&o);
    let got: Vec<(&str, &str)> =
        recs.iter().map(|r| (r["kind"].as_str().unwrap(), r["form"].as_str().unwrap())).collect();
    assert_eq!(
        got,
        [
            ("rule", "PI"),
            ("rule", "RULE"),
            ("rule", "RULE"),
            ("rule", "RULE"),
            ("filing", "4"),
            ("filing", "10-K"),
            ("filing", "8-K")
        ]
    );
    assert_eq!(recs[4]["symbols"], serde_json::json!(["NVDA"]));
    assert_eq!(recs[6]["published"], "2026-02-25T05:00:00Z");

    let o =
        run(home.path(), &config, &["filings", "--format", "json", "--symbol", "0981.hk", "--form", "rule"])
            .await;
    let titles: Vec<String> = records(&o).iter().map(|r| r["title"].as_str().unwrap().to_string()).collect();
    assert_eq!(titles, ["Additions to the Entity List", "Entity List Additions; Corrections"]);

    let o = run(home.path(), &config, &["news", "--format", "json", "--kind", "filing"]).await;
    let recs = records(&o);
    assert!(!recs.is_empty() && recs.iter().all(|r| r["kind"] == "filing"), "{recs:?}");

    server.reset().await;
    mount_fr(&server, page1(&server), ResponseTemplate::new(500), json(fixture("fr-zero.json"))).await;
    let o = run(home.path(), &config, &["filings", "--format", "json"]).await;
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("chiptape: SEC EDGAR: NVDA") && err.contains("chiptape: Federal Register: rules"),
        "{err}"
    );
    assert_eq!(records(&o).len(), 2, "the first page of rules still printed");
}

/// `filings` carries the move since publication as `news` does, worked out by hand: NVDA's month
/// of daily bars closes 100 (Feb 24, 21:00Z), 80 (Feb 25), 120 (Mar 3) and 110 (Mar 5, the last).
/// The 8-K and 10-K are dated Feb 25 at midnight in New York (05:00Z): the bar at or before is
/// Feb 24's 100, so 100 → 110 is +10 %. The Form 4 of Mar 4 (05:00Z) starts from Mar 3's 120:
/// 120 → 110 is −8.333… %. One series for the three filings; the csv has the same figures.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn filings_cli_carries_the_move_since() {
    let server = MockServer::start().await;
    mount_nvda(&server).await;
    let bars =
        ["2026-02-24T21:00:00Z", "2026-02-25T21:00:00Z", "2026-03-03T21:00:00Z", "2026-03-05T21:00:00Z"];
    let ts: Vec<i64> = bars.iter().map(|b| at(b).timestamp()).collect();
    let c = [100.0, 80.0, 120.0, 110.0];
    let chart = serde_json::json!({"chart": {"result": [{
        "meta": {"symbol": "NVDA", "currency": "USD", "chartPreviousClose": 99.0},
        "timestamp": ts,
        "indicators": {"quote": [{"close": c, "open": c, "high": c, "low": c, "volume": c}]}
    }], "error": null}});
    Mock::given(method("GET"))
        .and(path("/v8/finance/chart/NVDA"))
        .and(query_param("range", "1mo"))
        .respond_with(ResponseTemplate::new(200).set_body_json(chart))
        .expect(2)
        .mount(&server)
        .await;
    let home = tempfile::tempdir().unwrap();
    let uri = server.uri();
    let config = home.path().join("chiptape.toml");
    std::fs::write(
        &config,
        format!(
            "[provider]\nquery_url = \"{uri}\"\ncookie_url = \"{uri}/cookie\"\nstream = false\nmainland = \"yahoo\"\n\
             quotes = [\"yahoo\"]\ncharts = [\"yahoo\"]\n\n[filings]\nsec_user_agent = \"{UA}\"\nsec_url = \"{uri}\"\n\
             sec_files_url = \"{uri}\"\nfederal_register = false\nhkex = false\ncninfo = false\n\n\
             [news]\nyahoo_symbols = false\nfeeds = []\n\n[[groups]]\nname = \"Watch\"\nsymbols = [\"NVDA\"]\n"
        ),
    )
    .unwrap();
    let ask = |fmt: &'static str| {
        let mut cmd = crate::common::chiptape_cmd(home.path());
        cmd.arg("--config").arg(&config).args([
            "--fake-now=2026-03-05T21:00:00Z",
            "filings",
            "--format",
            fmt,
        ]);
        tokio::task::spawn_blocking(move || cmd.output().unwrap())
    };
    let o = ask("json").await.unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    let got: Vec<(String, Option<f64>)> = records(&o)
        .iter()
        .map(|r| (r["form"].as_str().unwrap().to_string(), r["move_since_pct"].as_f64()))
        .collect();
    let forms: Vec<&str> = got.iter().map(|(f, _)| f.as_str()).collect();
    assert_eq!(forms, ["4", "10-K", "8-K"], "{got:?}");
    let close = |m: Option<f64>, want: f64| m.is_some_and(|m| (m - want).abs() < 1e-9);
    assert!(close(got[0].1, -100.0 / 12.0), "{got:?}");
    assert!(close(got[1].1, 10.0) && close(got[2].1, 10.0), "{got:?}");

    let o = ask("csv").await.unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    let mut rd = csv::Reader::from_reader(&o.stdout[..]);
    let col = rd.headers().unwrap().iter().position(|h| h == "move_since_pct").expect("the column");
    let moves: Vec<f64> = rd.records().map(|r| r.unwrap()[col].parse().unwrap()).collect();
    assert_eq!(moves.len(), 3);
    assert!(close(Some(moves[0]), -100.0 / 12.0) && close(Some(moves[2]), 10.0), "{moves:?}");
}

/// `doctor` checks each official source: the Federal Register's newest rule, and EDGAR only with a
/// contact; without one it is not asked, and the advice says what to set.
#[tokio::test]
async fn doctor_checks_the_official_sources() {
    use chiptape::cli::doctor::{Options, run};
    let server = MockServer::start().await;
    mount_fr(&server, page1(&server), json(fixture("fr-zero.json")), json(fixture("fr-zero.json"))).await;
    mount_nvda(&server).await;
    let uri = server.uri();
    let text = |contact: &str| {
        format!(
            "[provider]\nquotes = [\"tencent\"]\ncharts = [\"tencent\"]\nstream = false\ntencent_url = \"{uri}\"\n\
             tencent_series_url = \"{uri}\"\n\n[filings]\nsec_user_agent = \"{contact}\"\nsec_url = \"{uri}\"\n\
             federal_register_url = \"{uri}\"\nhkex = false\ncninfo = false\n\n[news]\nyahoo_symbols = false\nfeeds = []\n\n\
             [[groups]]\nname = \"W\"\nsymbols = [\"AMD\", \"NVDA\"]\n"
        )
    };
    let opts = Options::with_timeout(Duration::from_secs(5));
    let check = |rep: &chiptape::cli::doctor::Report, name: &str| {
        rep.checks.iter().find(|c| c.name == name).unwrap_or_else(|| panic!("{name}: {rep:?}")).clone()
    };
    let cfg = chiptape::config::parse_str(&text(""), "d.toml").unwrap();
    let rep = run(&cfg, &opts).await;
    let fr = check(&rep, "federal register");
    assert!(fr.ok && fr.sample.as_deref().unwrap().contains("3 BIS rules"), "{fr:?}");
    let sec = check(&rep, "sec edgar");
    assert!(!sec.ok && sec.advice.as_deref().unwrap().contains("sec_user_agent"), "{sec:?}");
    let asked = server.received_requests().await.unwrap();
    assert!(asked.iter().all(|r| !r.url.path().starts_with("/submissions")), "EDGAR not asked");

    let cfg = chiptape::config::parse_str(&text(UA), "d.toml").unwrap();
    let sec = check(&run(&cfg, &opts).await, "sec edgar");
    assert!(!sec.ok, "AMD's CIK is asked first, and the server has only NVIDIA's: {sec:?}");
    assert!(sec.url.ends_with("/submissions/CIK0000002488.json"));
    let cfg = chiptape::config::parse_str(&text(UA).replace("\"AMD\", ", ""), "d.toml").unwrap();
    let sec = check(&run(&cfg, &opts).await, "sec edgar");
    assert!(sec.ok && sec.sample.as_deref() == Some("NVIDIA CORP: 6 recent filings"), "{sec:?}");
}

/// Without a contact, `filings` says what to set and still prints the rules: a setting, not a
/// failure (exit 0).
#[tokio::test]
async fn filings_cli_without_a_contact() {
    let server = MockServer::start().await;
    mount_fr(&server, page1(&server), json(fixture("fr-zero.json")), json(fixture("fr-zero.json"))).await;
    let home = tempfile::tempdir().unwrap();
    let config = cli_config(home.path(), &server);
    let text = std::fs::read_to_string(&config).unwrap().replace(UA, "");
    std::fs::write(&config, text).unwrap();
    let o = run(home.path(), &config, &["filings", "--format", "json"]).await;
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert!(err.contains("sec_user_agent = \"Your Name you@example.com\""), "{err}");
    assert_eq!(records(&o).len(), 2);
    assert!(
        server.received_requests().await.unwrap().iter().all(|r| !r.url.path().starts_with("/submissions"))
    );
}

/// Feeds that answer.
struct Wire;

impl NewsSource for Wire {
    fn headlines<'a>(
        &'a self,
        _: &'a [Symbol],
    ) -> futures::future::BoxFuture<'a, chiptape::providers::NewsBatch> {
        let story = chiptape::market::Headline {
            id: "wire".into(),
            title: "Chip story".into(),
            link: "https://wire.example/1".into(),
            source: "Wire".into(),
            published: Some(at("2026-12-05T10:00:00Z")),
            symbols: vec![],
            feed: "Wire".into(),
            also_in: vec![],
            feed_id: String::new(),
            also_in_ids: vec![],
            summary: None,
            guid: None,
            kind: HeadlineKind::News,
            form: None,
        };
        Box::pin(async move { chiptape::providers::NewsBatch { headlines: vec![story], errors: vec![] } })
    }
}

/// An official source that starts failing never blanks the news, nor its own items from before:
/// the feeds' stories and its last good items come with its error.
#[tokio::test]
async fn a_failing_official_source_blanks_nothing() {
    use chiptape::providers::official::WithOfficial;
    let server = MockServer::start().await;
    let (p1, p2, pi) = (page1(&server), json(fixture("fr-rules-page2.json")), json(fixture("fr-zero.json")));
    mount_fr(&server, p1, p2, pi).await;
    let fr = Arc::new(Scheduled::new(Box::new(federal_register(&server)), Duration::from_secs(1800)));
    let news = WithOfficial::new(Arc::new(Wire), vec![fr]);
    let first = news.headlines(&[]).await;
    assert_eq!((first.headlines.len(), first.errors.len()), (4, 0));
    server.reset().await;
    Mock::given(method("GET")).respond_with(ResponseTemplate::new(500)).mount(&server).await;
    tokio::time::pause();
    tokio::time::advance(Duration::from_secs(1801)).await;
    tokio::time::resume();
    let later = news.headlines(&[]).await;
    assert_eq!(later.headlines, first.headlines, "the rules from before, and the feed's story");
    assert_eq!(later.errors.len(), 1);
    assert!(
        later.errors[0].0 == FEDERAL_REGISTER && later.errors[0].1.contains("HTTP 500"),
        "{:?}",
        later.errors
    );
    assert!(!server.received_requests().await.unwrap().is_empty(), "asked again after the interval");
}

/// A block met on the ticker map holds for the companies of the same round: nothing more is asked.
#[tokio::test]
async fn sec_block_on_the_ticker_map_stops_the_round() {
    let server = MockServer::start().await;
    Mock::given(method("GET")).respond_with(ResponseTemplate::new(429)).mount(&server).await;
    let batch = sec(&server, Some(UA), None).headlines(&[sym("INTC"), sym("NVDA"), sym("AMD")]).await;
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
    assert!(batch.errors[0].1.contains("limiting requests"), "{:?}", batch.errors);
}

/// Each company at most once per interval, however the watchlist changes: adding a name asks for
/// that one alone, and a company that fails later keeps the filings it gave.
#[tokio::test]
async fn sec_asks_each_company_once_per_interval() {
    let server = MockServer::start().await;
    mount_nvda(&server).await;
    let source = sec(&server, Some(UA), None);
    let asked = |p: &'static str| {
        let server = &server;
        async move { server.received_requests().await.unwrap().iter().filter(|r| r.url.path() == p).count() }
    };
    let first = source.headlines(&[sym("NVDA")]).await;
    let second = source.headlines(&[sym("NVDA"), sym("AMD")]).await;
    assert_eq!(asked("/submissions/CIK0001045810.json").await, 1);
    assert_eq!(asked("/submissions/CIK0000002488.json").await, 1);
    assert_eq!(second.headlines, first.headlines, "AMD's 404 adds nothing");
    assert!(second.errors[0].1.starts_with("AMD: server answered HTTP 404"), "{:?}", second.errors);
    server.reset().await;
    Mock::given(method("GET")).respond_with(ResponseTemplate::new(500)).mount(&server).await;
    tokio::time::pause();
    tokio::time::advance(Duration::from_secs(1801)).await;
    tokio::time::resume();
    let later = source.headlines(&[sym("NVDA")]).await;
    assert_eq!(later.headlines, first.headlines, "kept through the failure");
    assert_eq!(asked("/submissions/CIK0001045810.json").await, 1, "asked again after the interval");
}

/// A config edit that leaves `[filings]` alone keeps EDGAR (and what it knows of each company);
/// one that changes it builds EDGAR anew.
#[tokio::test]
async fn rebuild_keeps_edgar_while_filings_are_unchanged() {
    let clock: Arc<dyn chiptape::market::clock::Clock> = Arc::new(chiptape::market::clock::SystemClock);
    let text = |groups: &str, forms: &str| {
        format!(
            "[filings]\nsec_user_agent = \"{UA}\"\nforms = [{forms}]\n\n[news]\nyahoo_symbols = false\nfeeds = []\n\n\
             [[groups]]\nname = \"W\"\nsymbols = [{groups}]\n"
        )
    };
    let old = chiptape::config::parse_str(&text("\"NVDA\"", "\"8-K\""), "a.toml").unwrap();
    let built = chiptape::providers::build(&old, false, 1, clock.clone());
    let more = chiptape::config::parse_str(&text("\"NVDA\", \"AMD\"", "\"8-K\""), "a.toml").unwrap();
    let kept = chiptape::providers::rebuild(&more, &old, &built, false, 1, clock.clone());
    assert!(Arc::ptr_eq(built.sec.as_ref().unwrap(), kept.sec.as_ref().unwrap()));
    let other = chiptape::config::parse_str(&text("\"NVDA\"", "\"10-K\""), "a.toml").unwrap();
    let anew = chiptape::providers::rebuild(&other, &old, &built, false, 1, clock);
    assert!(!Arc::ptr_eq(built.sec.as_ref().unwrap(), anew.sec.as_ref().unwrap()));
}

/// A hostile answer: escape sequences and control characters in a rule's title and abstract never
/// reach the screen, and an item whose link is not https is not kept with that link.
#[tokio::test]
async fn federal_register_text_is_made_safe() {
    let server = MockServer::start().await;
    let mut body: serde_json::Value =
        serde_json::from_str(&fixture("fr-rules-page1.json").replace("{{BASE}}", &server.uri())).unwrap();
    body.as_object_mut().unwrap().remove("next_page_url");
    body["results"][0]["title"] = "Entity List\u{1b}[2J\u{1b}]0;pwned\u{7} additions: SMIC\r\n\u{0}".into();
    body["results"][0]["abstract"] = "\u{1b}[31mred\u{1b}[0m".into();
    body["results"][1]["html_url"] = "javascript:alert(1)".into();
    let zero = || json(fixture("fr-zero.json"));
    mount_fr(&server, json(body.to_string()), zero(), zero()).await;
    let batch = federal_register(&server).headlines(&[]).await;
    for h in &batch.headlines {
        for text in [&h.title, &h.link, h.summary.as_deref().unwrap_or("")] {
            assert!(!text.chars().any(char::is_control), "{text:?}");
            assert!(!text.contains("[2J") && !text.contains("]0;"), "{text:?}");
        }
        assert!(h.link.is_empty() || h.link.starts_with("https://"), "{:?}", h.link);
    }
    assert!(batch.headlines.iter().any(|h| h.title.contains("Entity List")), "{batch:?}");
}
