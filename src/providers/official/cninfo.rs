//! cninfo (巨潮资讯): the announcements of the watchlist's Shanghai and Shenzhen listings, from the
//! site's announcement search. Tags come from the stock the search was made for.
//!
//! The search takes cninfo's orgId with the code. It is looked up with the site's own search and
//! kept on disk, never built from the code: a wrong orgId answers 200 with an empty list, which
//! reads like a quiet company. So an id from disk that gives nothing is looked up again next time.
//! Titles are Chinese whatever `[filings] language` says (the site has no other).

use std::path::PathBuf;
use std::time::Duration;

use chrono::{DateTime, Utc};
use futures::future::BoxFuture;
use serde_json::Value;

use super::super::http::Http;
use super::super::{NewsBatch, NewsSource, ProviderError};
use super::CNINFO;
use super::ids::{IdBook, LookupError};
use super::pace::Pace;
use super::seen::Seen;
use crate::market::{Headline, HeadlineKind, Symbol};
use crate::present::sanitize::clean;

/// Where the documents are served, whatever host the search was asked at.
const FILES: &str = "https://static.cninfo.com.cn";
const SITE: &str = "https://www.cninfo.com.cn";
const LIST_PAGE: &str = "https://www.cninfo.com.cn/new/commonUrl?url=disclosure/list/notice";
/// The site answers at most 30 a page; the newest 20 are kept.
const PAGE: &str = "30";
const PER_COMPANY: usize = 20;
const DAYS_BACK: i64 = 180;
const GAP: Duration = Duration::from_millis(300);

pub struct CninfoOptions {
    pub base: String,
    pub every: Duration,
    pub ids_path: Option<PathBuf>,
}

pub struct Cninfo {
    http: Http,
    base: String,
    pace: Pace,
    ids: IdBook,
    seen: Seen<String>,
}

/// The code and the exchange's column and plate of a mainland listing ("688981.SS" →
/// "688981", "sse", "sh").
pub fn listing_of(s: &Symbol) -> Option<(String, &'static str, &'static str)> {
    let (base, suffix) = s.as_str().rsplit_once('.')?;
    if base.len() != 6 || !base.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    match suffix {
        "SS" => Some((base.to_string(), "sse", "sh")),
        "SZ" => Some((base.to_string(), "szse", "sz")),
        _ => None,
    }
}

pub fn lookup_url(base: &str) -> String {
    format!("{}/new/information/topSearch/query", base.trim_end_matches('/'))
}

/// The form the lookup posts for `code`.
pub fn lookup_form(code: &str) -> [(&'static str, &str); 2] {
    [("keyWord", code), ("maxNum", "10")]
}

/// The orgId of exactly `code` in the site search's answer, an A share's first.
pub fn org_id_in(body: &[u8], code: &str) -> Result<String, LookupError> {
    let v: Value = serde_json::from_slice(body).map_err(|e| ProviderError::Decode(e.to_string()))?;
    let rows = v.as_array().map(Vec::as_slice).unwrap_or_default();
    let exact = |r: &&Value| r.get("code").and_then(Value::as_str).is_some_and(|c| c.trim() == code);
    let a_share = |r: &&Value| r.get("category").and_then(Value::as_str).is_some_and(|c| c.contains("A股"));
    let pick = rows.iter().filter(exact).find(a_share).or_else(|| rows.iter().find(exact));
    pick.and_then(|r| r.get("orgId").and_then(Value::as_str))
        .map(str::trim)
        .filter(|id| !id.is_empty() && id.len() <= 40 && id.bytes().all(|b| b.is_ascii_alphanumeric()))
        .map(str::to_string)
        .ok_or_else(|| LookupError::Unknown { publisher: CNINFO, code: code.to_string() })
}

/// The announcements in a search answer that are `code`'s, as headlines tagged `sym`.
fn announcements(rows: &[Value], sym: &Symbol, code: &str, org_id: &str) -> Vec<Headline> {
    let field = |r: &Value, k: &str| match r.get(k) {
        Some(Value::String(s)) => s.trim().to_string(),
        Some(Value::Number(n)) => n.to_string(),
        _ => String::new(),
    };
    let mut out = Vec::new();
    for r in rows {
        if field(r, "secCode") != code {
            continue;
        }
        // The search marks its hits with <em>: `clean` takes the tags out.
        let text = clean(&field(r, "announcementTitle"));
        if text.is_empty() {
            continue;
        }
        let name = clean(&field(r, "secName"));
        let title = if name.is_empty() { text } else { format!("{name}: {text}") };
        let id = field(r, "announcementId");
        let pdf = field(r, "adjunctUrl");
        let link = super::link_on(FILES, &format!("/{}", pdf.trim_start_matches('/')))
            .filter(|_| !pdf.is_empty())
            .or_else(|| {
                id.bytes().all(|b| b.is_ascii_digit()).then(|| {
                    format!(
                        "{SITE}/new/disclosure/detail?stockCode={code}&announcementId={id}&orgId={org_id}"
                    )
                })
            })
            .unwrap_or_else(|| LIST_PAGE.to_string());
        // Epoch milliseconds of the day's midnight in Shanghai, mostly: a true instant.
        let published =
            r.get("announcementTime").and_then(Value::as_i64).and_then(DateTime::from_timestamp_millis);
        let item = super::Item {
            title,
            link,
            published,
            symbols: vec![sym.clone()],
            summary: None,
            guid: Some(id).filter(|g| !g.is_empty()),
            kind: HeadlineKind::Filing,
            form: "公告".to_string(),
        };
        out.push(item.into_headline(CNINFO, "cninfo"));
        if out.len() == PER_COMPANY {
            break;
        }
    }
    out
}

/// The rows of a search answer. The list is `null` when nothing matched, but an answer without
/// it is not the search's.
fn rows_in(body: &[u8]) -> Result<Vec<Value>, ProviderError> {
    let v: Value = serde_json::from_slice(body).map_err(|e| ProviderError::Decode(e.to_string()))?;
    match v.get("announcements") {
        Some(Value::Array(rows)) => Ok(rows.clone()),
        Some(Value::Null) => Ok(Vec::new()),
        _ => Err(ProviderError::Decode("no announcements list in the answer".into())),
    }
}

impl Cninfo {
    pub fn new(http: Http, opts: CninfoOptions) -> Cninfo {
        Cninfo {
            http,
            base: opts.base.trim_end_matches('/').to_string(),
            pace: Pace::new(GAP),
            ids: IdBook::open(opts.ids_path),
            seen: Seen::new(opts.every),
        }
    }

    async fn post(&self, url: &str, form: &[(&str, &str)]) -> Result<Vec<u8>, ProviderError> {
        self.pace.wait().await;
        let headers = [
            ("referer", LIST_PAGE.to_string()),
            ("origin", SITE.to_string()),
            ("x-requested-with", "XMLHttpRequest".to_string()),
        ];
        let r = self.http.post_form(url, form, &headers).await?;
        r.expect(&[200])?;
        Ok(r.body)
    }

    async fn search(
        &self,
        code: &str,
        org_id: &str,
        column: &str,
        plate: &str,
    ) -> Result<Vec<Value>, ProviderError> {
        let today = Utc::now().with_timezone(&chrono_tz::Asia::Shanghai).date_naive();
        let from = today - chrono::Duration::days(DAYS_BACK);
        let stock = format!("{code},{org_id}");
        let dates = format!("{}~{}", from.format("%Y-%m-%d"), today.format("%Y-%m-%d"));
        let form = [
            ("pageNum", "1"),
            ("pageSize", PAGE),
            ("column", column),
            ("tabName", "fulltext"),
            ("plate", plate),
            ("stock", stock.as_str()),
            ("searchkey", ""),
            ("secid", ""),
            ("category", ""),
            ("trade", ""),
            ("seDate", dates.as_str()),
            ("sortName", ""),
            ("sortType", ""),
            ("isHLtitle", "true"),
        ];
        rows_in(&self.post(&format!("{}/new/hisAnnouncement/query", self.base), &form).await?)
    }

    async fn company(&self, sym: &Symbol) -> Result<Vec<Headline>, LookupError> {
        let Some((code, column, plate)) = listing_of(sym) else { return Ok(Vec::new()) };
        let (org_id, kept) = match self.ids.get(&code) {
            Some(id) => (id, true),
            None => {
                let id = org_id_in(&self.post(&lookup_url(&self.base), &lookup_form(&code)).await?, &code)?;
                self.ids.put(&code, &id);
                (id, false)
            }
        };
        let rows = self.search(&code, &org_id, column, plate).await?;
        let items = announcements(&rows, sym, &code, &org_id);
        if items.is_empty() && !rows.is_empty() {
            self.ids.forget(&code);
            return Err(LookupError::WrongId { id: org_id });
        }
        if rows.is_empty() && kept {
            // Quiet for half a year, or an id that went stale: asked again, to be sure.
            self.ids.forget(&code);
        }
        Ok(items)
    }

    pub async fn fetch(&self, symbols: &[Symbol]) -> NewsBatch {
        let keyed = symbols.iter().filter(|s| listing_of(s).is_some()).map(|s| (s, s.to_string())).collect();
        self.seen.round(CNINFO, keyed, |sym, _| self.company(sym)).await
    }
}

impl NewsSource for Cninfo {
    fn headlines<'a>(&'a self, symbols: &'a [Symbol]) -> BoxFuture<'a, NewsBatch> {
        Box::pin(self.fetch(symbols))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mainland_listings_only() {
        let l = |s: &str| listing_of(&Symbol::parse(s).unwrap());
        assert_eq!(l("688981.SS"), Some(("688981".to_string(), "sse", "sh")));
        assert_eq!(l("300750.SZ"), Some(("300750".to_string(), "szse", "sz")));
        assert_eq!(l("0981.HK"), None);
        assert_eq!(l("NVDA"), None);
    }

    #[test]
    fn the_org_id_is_the_exact_codes_and_never_made_up() {
        let body = r#"[{"code":"688981","orgId":"gshk0000981","zwjc":"中芯国际","category":"A股"},{"code":"6889810","orgId":"x"}]"#;
        assert_eq!(org_id_in(body.as_bytes(), "688981").unwrap(), "gshk0000981");
        assert!(matches!(org_id_in(b"[]", "688347"), Err(LookupError::Unknown { .. })));
        assert!(org_id_in(br#"[{"code":"688347","orgId":"bad id"}]"#, "688347").is_err());
    }

    #[test]
    fn titles_lose_their_highlights_and_links_go_to_the_pdf() {
        let rows: Vec<Value> = serde_json::from_str(
            r#"[{"secCode":"688981","secName":"中芯国际","announcementId":"1224","announcementTitle":"<em>中芯国际</em>2026年第三季度报告","announcementTime":1762185600000,"adjunctUrl":"finalpage/2025-11-04/1224.PDF"},
                {"secCode":"000001","secName":"平安银行","announcementTitle":"其他","announcementTime":1}]"#,
        )
        .unwrap();
        let sym = Symbol::parse("688981.SS").unwrap();
        let items = announcements(&rows, &sym, "688981", "gshk0000981");
        assert_eq!(items.len(), 1);
        assert_eq!(items[0].title, "中芯国际: 中芯国际2026年第三季度报告");
        assert_eq!(items[0].link, "https://static.cninfo.com.cn/finalpage/2025-11-04/1224.PDF");
        // 1762185600000 ms is 2025-11-03 16:00 UTC: midnight of the 4th in Shanghai.
        assert_eq!(items[0].published.unwrap().to_rfc3339(), "2025-11-03T16:00:00+00:00");
        assert!(rows_in(br#"{"announcements":null,"hasMore":false}"#).unwrap().is_empty());
    }
}
