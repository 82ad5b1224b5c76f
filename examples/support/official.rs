//! Local stand-ins for the official sources (the Federal Register, SEC EDGAR, HKEXnews, cninfo),
//! for the harness's "every official source on" run: each answers any company with a small
//! document list of that company, and counts what it was asked per source and per company.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Mutex;

use serde_json::json;
use wiremock::matchers::{method, path, path_regex};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

/// Requests per source, and the companies each was asked about (and how often).
#[derive(Default)]
pub struct Asked(Mutex<BTreeMap<&'static str, BTreeMap<String, usize>>>);

impl Asked {
    fn note(&self, source: &'static str, what: &str) {
        let mut m = self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        *m.entry(source).or_default().entry(what.to_string()).or_default() += 1;
    }

    /// "source: N requests for K companies (at most M each)", one per source.
    pub fn summary(&self) -> Vec<String> {
        let m = self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        m.iter()
            .map(|(source, per)| {
                let total: usize = per.values().sum();
                let most = per.values().max().copied().unwrap_or(0);
                format!("{source}: {total} requests for {} companies (at most {most} each)", per.len())
            })
            .collect()
    }
}

fn fixture(name: &str) -> String {
    let p = format!("{}/tests/fixtures/official/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&p).unwrap_or_default()
}

fn json_body(body: String) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_raw(body.into_bytes(), "application/json")
}

/// What a stand-in answers a request with, and the company the request was about.
type Answer = Box<dyn Fn(&Request) -> (String, ResponseTemplate) + Send + Sync>;

struct Counted(std::sync::Arc<Asked>, &'static str, Answer);

impl Respond for Counted {
    fn respond(&self, req: &Request) -> ResponseTemplate {
        let (what, answer) = (self.2)(req);
        self.0.note(self.1, &what);
        answer
    }
}

fn query(req: &Request, key: &str) -> String {
    req.url.query_pairs().find(|(k, _)| k == key).map(|(_, v)| v.to_string()).unwrap_or_default()
}

fn form(req: &Request, key: &str) -> String {
    url::form_urlencoded::parse(&req.body)
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.to_string())
        .unwrap_or_default()
}

/// Every official endpoint the app asks, answering for `us` (the US-style tickers, given CIKs
/// 1, 2, …) and for any Hong Kong or mainland code.
pub async fn mount_official(server: &MockServer, asked: &std::sync::Arc<Asked>, us: &[String]) {
    let base = server.uri();
    let mount = |p: &'static str, regex: bool, post: bool, source: &'static str, f: Answer| {
        let m = if post { Mock::given(method("POST")) } else { Mock::given(method("GET")) };
        let m = if regex { m.and(path_regex(p)) } else { m.and(path(p)) };
        m.respond_with(Counted(asked.clone(), source, f))
    };
    let rules = fixture("fr-rules-page1.json").replace("{{BASE}}", &base);
    let (page2, inspection) = (fixture("fr-rules-page2.json"), fixture("fr-inspection.json"));
    let map = json!({
        "fields": ["cik", "name", "ticker", "exchange"],
        "data": us.iter().enumerate().map(|(i, t)| json!([i + 1, format!("{t} Inc"), t, "Nasdaq"])).collect::<Vec<_>>(),
    })
    .to_string();
    let submissions = full_size(&fixture("sec-submissions-nvda.json"));
    let hk_rows = fixture("hkex-title-search-00981.json");
    let cn_rows = fixture("cninfo-announcements-688981.json");
    let mocks = [
        mount(
            "/api/v1/documents.json",
            false,
            false,
            "federal register",
            Box::new(move |_| ("rules".into(), json_body(rules.clone()))),
        ),
        mount(
            "/api/v1/documents",
            false,
            false,
            "federal register",
            Box::new(move |_| ("rules page 2".into(), json_body(page2.clone()))),
        ),
        mount(
            "/api/v1/public-inspection-documents.json",
            false,
            false,
            "federal register",
            Box::new(move |_| ("public inspection".into(), json_body(inspection.clone()))),
        ),
        mount(
            "/files/company_tickers_exchange.json",
            false,
            false,
            "sec ticker map",
            Box::new(move |_| ("map".into(), json_body(map.clone()))),
        ),
        mount(
            r"^/submissions/CIK\d{10}\.json$",
            true,
            false,
            "sec edgar",
            Box::new(move |r| (r.url.path().to_string(), json_body(submissions.clone()))),
        ),
        mount(
            "/search/prefix.do",
            false,
            false,
            "hkexnews lookup",
            Box::new(|r| {
                let code = query(r, "name");
                let id = code.trim_start_matches('0').to_string();
                let body = format!(
                    r#"callback({{"more":"1","stockInfo":[{{"stockId":{id},"code":"{code}","name":"H{id}"}}]}});"#
                );
                (code, ResponseTemplate::new(200).set_body_string(body))
            }),
        ),
        mount(
            "/search/titleSearchServlet.do",
            false,
            false,
            "hkexnews",
            Box::new(move |r| {
                let code = format!("{:0>5}", query(r, "stockId"));
                (code.clone(), json_body(hk_rows.replace("00981", &code)))
            }),
        ),
        mount(
            "/new/information/topSearch/query",
            false,
            true,
            "cninfo lookup",
            Box::new(|r| {
                let code = form(r, "keyWord");
                let body =
                    json!([{"code": code, "orgId": format!("gs{code}"), "category": "A股"}]).to_string();
                (code, json_body(body))
            }),
        ),
        mount(
            "/new/hisAnnouncement/query",
            false,
            true,
            "cninfo",
            Box::new(move |r| {
                let code = form(r, "stock").split(',').next().unwrap_or_default().to_string();
                (code.clone(), json_body(cn_rows.replace("688981", &code)))
            }),
        ),
    ];
    for m in mocks {
        m.mount(server).await;
    }
}

/// A submissions body as long as a real one: a large filer's `recent` lists hold about a thousand
/// filings (NVIDIA's 1,007), each of its columns a list that long; the fixture's rows repeated.
fn full_size(body: &str) -> String {
    let Ok(mut v) = serde_json::from_str::<serde_json::Value>(body) else { return body.to_string() };
    if let Some(recent) = v.pointer_mut("/filings/recent").and_then(|r| r.as_object_mut()) {
        for (name, col) in recent.iter_mut() {
            let Some(rows) = col.as_array().cloned().filter(|r| !r.is_empty()) else { continue };
            let long: Vec<serde_json::Value> = (0..1000)
                .map(|i| match (name.as_str(), &rows[i % rows.len()]) {
                    ("accessionNumber", serde_json::Value::String(a)) => json!(format!("{a}{i}")),
                    (_, x) => x.clone(),
                })
                .collect();
            *col = serde_json::Value::Array(long);
        }
    }
    v.to_string()
}

/// The US-style tickers among `symbols`: the ones EDGAR is asked about.
pub fn us_tickers(symbols: &[String]) -> Vec<String> {
    let seen: BTreeSet<&String> = symbols.iter().filter(|s| !s.contains(['.', '^', '='])).collect();
    seen.into_iter().cloned().collect()
}
