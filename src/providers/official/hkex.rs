//! HKEXnews: the announcements of the watchlist's Hong Kong listings, from the exchange's title
//! search. Tags come from the stock the search was made for, never from a title.
//!
//! The search takes HKEX's internal stock id, not the code: it is looked up once with the
//! exchange's own code search and kept on disk. An id that is wrong still answers 200 (with
//! another company's announcements), so every row's codes are checked against the one asked for.
//! The answer's `result` is a JSON array inside a string. Times are Hong Kong wall clock.

use std::path::PathBuf;
use std::time::Duration;

use chrono::{DateTime, NaiveDateTime, Utc};
use futures::future::BoxFuture;
use serde::Deserialize;
use serde_json::Value;

use super::super::http::Http;
use super::super::{NewsBatch, NewsSource, ProviderError};
use super::HKEXNEWS;
use super::ids::{IdBook, LookupError};
use super::pace::Pace;
use super::seen::Seen;
use crate::config::FilingsLanguage;
use crate::market::{Headline, HeadlineKind, Symbol};
use crate::present::sanitize::clean;

/// Where the documents live, whatever host the search was asked at.
const SITE: &str = "https://www1.hkexnews.hk";
/// Shown for an item whose documents have no single link ("Multiple Files").
const SEARCH_PAGE: &str = "https://www1.hkexnews.hk/search/titlesearch.xhtml";
/// Newest announcements kept per company, and how far back they are looked for.
const PER_COMPANY: usize = 20;
const DAYS_BACK: i64 = 180;
/// A courteous pace: the exchange publishes no limit.
const GAP: Duration = Duration::from_millis(300);

pub struct HkexOptions {
    pub base: String,
    pub language: FilingsLanguage,
    /// Each company is asked at most this often (`filings.refresh_secs`).
    pub every: Duration,
    /// Where the stock ids are kept between runs.
    pub ids_path: Option<PathBuf>,
}

pub struct Hkex {
    http: Http,
    base: String,
    language: FilingsLanguage,
    pace: Pace,
    ids: IdBook,
    seen: Seen<String>,
}

/// The title search's answer.
#[derive(Debug, Deserialize)]
struct Answer {
    /// The rows as a JSON array in a string; `null` or "null" when nothing matched.
    #[serde(default)]
    result: Value,
}

/// HKEX's five-digit code of a Hong Kong listing ("0981.HK" → "00981").
pub fn code_of(s: &Symbol) -> Option<String> {
    let (base, suffix) = s.as_str().rsplit_once('.')?;
    if suffix != "HK" || base.is_empty() || base.len() > 5 || !base.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some(format!("{:0>5}", base))
}

/// The code search's URL for `code`.
pub fn lookup_url(base: &str, code: &str) -> String {
    format!(
        "{}/search/prefix.do?callback=callback&lang=EN&type=A&name={code}&market={}",
        base.trim_end_matches('/'),
        market_of(code)
    )
}

/// GEM's codes are the 8000s; everything else is the Main Board.
fn market_of(code: &str) -> &'static str {
    if code.starts_with("08") { "GEM" } else { "SEHK" }
}

/// The stock id of exactly `code` in the code search's JSONP answer (codes that share its
/// digits as a prefix, warrants and the like, follow it in the list).
pub fn stock_id_in(body: &[u8], code: &str) -> Result<String, LookupError> {
    let text = String::from_utf8_lossy(body);
    let json = match (text.find('('), text.rfind(')')) {
        (Some(a), Some(b)) if a < b => &text[a + 1..b],
        _ => text.trim(),
    };
    let v: Value = serde_json::from_str(json).map_err(|e| ProviderError::Decode(e.to_string()))?;
    let rows = v.get("stockInfo").and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default();
    rows.iter()
        .find(|r| r.get("code").and_then(text_of).is_some_and(|c| same_code(&c, code)))
        .and_then(|r| r.get("stockId").and_then(text_of))
        .filter(|id| !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit()))
        .ok_or_else(|| LookupError::Unknown { publisher: HKEXNEWS, code: code.to_string() })
}

/// A field that may come as a string or a number.
fn text_of(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.trim().to_string()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn same_code(a: &str, b: &str) -> bool {
    let (a, b) = (a.trim().trim_start_matches('0'), b.trim().trim_start_matches('0'));
    !a.is_empty() && a == b
}

/// The rows of a title search's answer, the string inside it read as JSON.
fn rows_in(body: &[u8]) -> Result<Vec<Value>, ProviderError> {
    let a: Answer = serde_json::from_slice(body).map_err(|e| ProviderError::Decode(e.to_string()))?;
    let rows = match a.result {
        Value::Null => return Ok(Vec::new()),
        Value::String(s) if s.trim().is_empty() || s.trim() == "null" => return Ok(Vec::new()),
        Value::String(s) => serde_json::from_str::<Value>(&s)
            .map_err(|e| ProviderError::Decode(format!("the result string is not JSON: {e}")))?,
        v => v,
    };
    match rows {
        Value::Array(rows) => Ok(rows),
        Value::Null => Ok(Vec::new()),
        _ => Err(ProviderError::Decode("the result is not a list".into())),
    }
}

/// `dd/MM/yyyy HH:mm` (or with dashes) in Hong Kong.
fn hong_kong_time(s: &str) -> Option<DateTime<Utc>> {
    let s = s.trim().replace('-', "/");
    let t = NaiveDateTime::parse_from_str(&s, "%d/%m/%Y %H:%M").ok()?;
    let local = t.and_local_timezone(chrono_tz::Asia::Hong_Kong).earliest()?;
    Some(local.with_timezone(&Utc))
}

/// The announcements among `rows` that are `code`'s, as headlines tagged `sym`; and whether any
/// row was there at all (all of them another company's means the id is wrong).
fn announcements(rows: &[Value], sym: &Symbol, code: &str) -> Vec<Headline> {
    let field = |r: &Value, k: &str| r.get(k).and_then(text_of).unwrap_or_default();
    let mut out = Vec::new();
    for r in rows {
        // A row for several counters joins their codes and names with <br/>.
        let codes: Vec<String> = split_br(&field(r, "STOCK_CODE"));
        let Some(at) = codes.iter().position(|c| same_code(c, code)) else { continue };
        let names = split_br(&field(r, "STOCK_NAME"));
        let name = names.get(at).or(names.first()).map(|n| clean(n)).filter(|n| !n.is_empty());
        let text = clean(&field(r, "TITLE"));
        if text.is_empty() {
            continue;
        }
        let title = match name {
            Some(n) => format!("{n}: {text}"),
            None => text,
        };
        let link = super::link_on(SITE, &field(r, "FILE_LINK")).unwrap_or_else(|| SEARCH_PAGE.to_string());
        let category = clean(&field(r, "LONG_TEXT"));
        let item = super::Item {
            title,
            link,
            published: hong_kong_time(&field(r, "DATE_TIME")),
            symbols: vec![sym.clone()],
            summary: (!category.is_empty()).then_some(category),
            guid: Some(field(r, "NEWS_ID")).filter(|g| !g.is_empty()),
            kind: HeadlineKind::Filing,
            form: "HKEX".to_string(),
        };
        out.push(item.into_headline(HKEXNEWS, "hkex"));
        if out.len() == PER_COMPANY {
            break;
        }
    }
    out
}

fn split_br(s: &str) -> Vec<String> {
    let lower = s.to_ascii_lowercase();
    let mut out = Vec::new();
    let mut from = 0;
    for (i, _) in lower.match_indices("<br") {
        out.push(s[from..i].trim().to_string());
        from = lower[i..].find('>').map_or(s.len(), |j| i + j + 1);
    }
    out.push(s[from.min(s.len())..].trim().to_string());
    out.retain(|p| !p.is_empty());
    out
}

impl Hkex {
    pub fn new(http: Http, opts: HkexOptions) -> Hkex {
        Hkex {
            http,
            base: opts.base.trim_end_matches('/').to_string(),
            language: opts.language,
            pace: Pace::new(GAP),
            ids: IdBook::open(opts.ids_path),
            seen: Seen::new(opts.every),
        }
    }

    async fn get(&self, url: &str) -> Result<Vec<u8>, ProviderError> {
        self.pace.wait().await;
        let headers =
            [("referer", SEARCH_PAGE.to_string()), ("x-requested-with", "XMLHttpRequest".to_string())];
        let r = self.http.get_with(url, &headers).await?;
        r.expect(&[200])?;
        Ok(r.body)
    }

    fn search_url(&self, id: &str, code: &str) -> String {
        let today = Utc::now().with_timezone(&chrono_tz::Asia::Hong_Kong).date_naive();
        let from = today - chrono::Duration::days(DAYS_BACK);
        let lang = match self.language {
            FilingsLanguage::En => "EN",
            FilingsLanguage::Zh => "ZH",
        };
        format!(
            "{}/search/titleSearchServlet.do?sortDir=0&sortByOptions=DateTime&category=0&market={}\
             &stockId={id}&documentType=-1&fromDate={}&toDate={}&title=&searchType=0\
             &t1code=-2&t2Gcode=-2&t2code=-2&rowRange={PER_COMPANY}&lang={lang}",
            self.base,
            market_of(code),
            from.format("%Y%m%d"),
            today.format("%Y%m%d"),
        )
    }

    async fn company(&self, sym: &Symbol, code: &str) -> Result<Vec<Headline>, LookupError> {
        let id = match self.ids.get(code) {
            Some(id) => id,
            None => {
                let id = stock_id_in(&self.get(&lookup_url(&self.base, code)).await?, code)?;
                self.ids.put(code, &id);
                id
            }
        };
        let rows = rows_in(&self.get(&self.search_url(&id, code)).await?)?;
        let items = announcements(&rows, sym, code);
        if items.is_empty() && !rows.is_empty() {
            self.ids.forget(code);
            return Err(LookupError::WrongId { id });
        }
        Ok(items)
    }

    pub async fn fetch(&self, symbols: &[Symbol]) -> NewsBatch {
        let keyed = symbols.iter().filter_map(|s| code_of(s).map(|c| (s, c))).collect();
        self.seen.round(HKEXNEWS, keyed, |sym, code| async move { self.company(sym, &code).await }).await
    }
}

impl NewsSource for Hkex {
    fn headlines<'a>(&'a self, symbols: &'a [Symbol]) -> BoxFuture<'a, NewsBatch> {
        Box::pin(self.fetch(symbols))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_five_digits_of_hong_kong_listings_only() {
        let c = |s: &str| code_of(&Symbol::parse(s).unwrap());
        assert_eq!(c("0981.HK").as_deref(), Some("00981"));
        assert_eq!(c("9988.HK").as_deref(), Some("09988"));
        assert_eq!(c("NVDA"), None);
        assert_eq!(c("688981.SS"), None);
    }

    #[test]
    fn the_exact_code_wins_over_codes_it_is_a_prefix_of() {
        let body = br#"callback({"more":"1","stockInfo":[{"stockId":1000,"code":"09810","name":"X"},{"stockId":42,"code":"00981","name":"SMIC"}]});"#;
        assert_eq!(stock_id_in(body, "00981").unwrap(), "42");
        assert!(matches!(stock_id_in(body, "01347"), Err(LookupError::Unknown { .. })));
        assert!(stock_id_in(b"<html>busy</html>", "00981").is_err());
    }

    #[test]
    fn rows_are_read_from_the_string_and_null_is_empty() {
        let inner = r#"[{"NEWS_ID":"1","TITLE":"A &amp; B","STOCK_CODE":"00700<br/>80700","STOCK_NAME":"TENCENT<br/>TENCENT-R","DATE_TIME":"05/12/2026 16:30","FILE_LINK":"/listedco/listconews/sehk/2026/1205/1.pdf"}]"#;
        let body = serde_json::json!({ "result": inner, "hasNextRow": false }).to_string();
        let rows = rows_in(body.as_bytes()).unwrap();
        let sym = Symbol::parse("0700.HK").unwrap();
        let items = announcements(&rows, &sym, "00700");
        assert_eq!(items[0].title, "TENCENT: A & B");
        assert_eq!(items[0].link, "https://www1.hkexnews.hk/listedco/listconews/sehk/2026/1205/1.pdf");
        // 16:30 in Hong Kong is 08:30 UTC.
        assert_eq!(items[0].published.unwrap().to_rfc3339(), "2026-12-05T08:30:00+00:00");
        assert!(rows_in(br#"{"result":null}"#).unwrap().is_empty());
        assert!(rows_in(br#"{"result":"null"}"#).unwrap().is_empty());
        assert!(rows_in(br#"{"result":"[{oops"}"#).is_err());
    }
}
