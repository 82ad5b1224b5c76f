//! The Federal Register: the Bureau of Industry and Security's rules (the Entity List lives in
//! them), and the documents on public inspection, which are the day's warning of tomorrow's rules.
//! Each is tagged to every watchlist name and alias its title or abstract names.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use futures::future::BoxFuture;
use serde::Deserialize;

use super::super::http::Http;
use super::super::{NewsBatch, NewsSource, ProviderError};
use super::FEDERAL_REGISTER;
use crate::market::tags::Tagger;
use crate::market::{Headline, HeadlineKind, Symbol};
use crate::present::sanitize::clean;

/// BIS as the API names it.
pub const BIS: &str = "industry-and-security-bureau";
/// Pages followed per query: the newest rules fit in one; the second only covers a busy day.
const MAX_PAGES: usize = 2;
const PER_PAGE: usize = 20;

pub struct FederalRegister {
    http: Http,
    base: String,
    tagger: Arc<Tagger>,
}

#[derive(Debug, Deserialize)]
struct Page {
    /// Absent when nothing matched: an empty answer, not a broken one.
    #[serde(default)]
    results: Vec<Document>,
    #[serde(default)]
    next_page_url: Option<String>,
}

#[derive(Debug, Deserialize)]
struct Document {
    #[serde(default)]
    title: Option<String>,
    #[serde(default, rename = "type")]
    kind: Option<String>,
    #[serde(default, rename = "abstract")]
    summary: Option<String>,
    #[serde(default)]
    document_number: Option<String>,
    #[serde(default)]
    html_url: Option<String>,
    #[serde(default)]
    publication_date: Option<String>,
    /// Public inspection only: when it was filed there, in UTC.
    #[serde(default)]
    filed_at: Option<String>,
    #[serde(default)]
    agencies: Vec<Agency>,
}

#[derive(Debug, Deserialize)]
struct Agency {
    #[serde(default)]
    slug: Option<String>,
}

impl FederalRegister {
    pub fn new(http: Http, base: &str, tagger: Arc<Tagger>) -> FederalRegister {
        FederalRegister { http, base: base.trim_end_matches('/').to_string(), tagger }
    }

    fn rules_url(&self) -> String {
        format!(
            "{}/api/v1/documents.json?conditions[agencies][]={BIS}&conditions[type][]=RULE&order=newest&per_page={PER_PAGE}",
            self.base
        )
    }

    fn inspection_url(&self) -> String {
        format!(
            "{}/api/v1/public-inspection-documents.json?conditions[agencies][]={BIS}&per_page={PER_PAGE}",
            self.base
        )
    }

    /// The documents of a query, following `next_page_url` as given for at most `MAX_PAGES`; a
    /// later page that fails (a stale cursor answers 400) keeps the earlier pages, and says so.
    async fn query(&self, first: String) -> (Vec<Document>, Option<ProviderError>) {
        let mut url = first;
        let mut out = Vec::new();
        for _ in 0..MAX_PAGES {
            let page = match self.page(&url).await {
                Ok(p) => p,
                Err(e) => return (out, Some(e)),
            };
            out.extend(page.results);
            match page.next_page_url.filter(|u| u.starts_with("https://") || u.starts_with("http://")) {
                Some(next) => url = next,
                None => break,
            }
        }
        (out, None)
    }

    async fn page(&self, url: &str) -> Result<Page, ProviderError> {
        let r = self.http.get(url, None).await?;
        r.expect(&[200])?;
        serde_json::from_slice(&r.body).map_err(|e| ProviderError::Decode(e.to_string()))
    }

    fn headline(&self, d: Document, inspection: bool) -> Option<Headline> {
        let title = clean(d.title.as_deref()?);
        let link = d.html_url.filter(|l| l.starts_with("https://"))?;
        let summary = d.summary.as_deref().map(clean).filter(|s| !s.is_empty());
        let published = if inspection {
            d.filed_at
                .as_deref()
                .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
                .map(|t| t.with_timezone(&Utc))
        } else {
            // A date only: the issue of that day, in Washington's terms.
            d.publication_date.as_deref().and_then(super::new_york_day)
        };
        let symbols = self.tagger.tag(&[&title, summary.as_deref().unwrap_or("")]);
        let form = if inspection { "PI" } else { "RULE" };
        let item = super::Item {
            title,
            link,
            published,
            symbols,
            summary,
            guid: d.document_number,
            kind: HeadlineKind::Rule,
            form: form.to_string(),
        };
        Some(item.into_headline(FEDERAL_REGISTER, "federal-register"))
    }

    pub async fn fetch(&self) -> NewsBatch {
        let (rules, inspection) =
            futures::join!(self.query(self.rules_url()), self.query(self.inspection_url()));
        let mut batch = NewsBatch::default();
        let mut errors = Vec::new();
        let (docs, e) = rules;
        batch.headlines.extend(docs.into_iter().filter_map(|d| self.headline(d, false)));
        errors.extend(e.map(|e| format!("rules: {e}")));
        // The agency filter of this search is not documented: the documents are checked too.
        let (docs, e) = inspection;
        batch.headlines.extend(
            docs.into_iter()
                .filter(|d| d.agencies.iter().any(|a| a.slug.as_deref() == Some(BIS)))
                .filter(|d| d.kind.as_deref().is_some_and(|k| k.eq_ignore_ascii_case("rule")))
                .filter_map(|d| self.headline(d, true)),
        );
        errors.extend(e.map(|e| format!("public inspection: {e}")));
        if !errors.is_empty() {
            batch.errors.push((FEDERAL_REGISTER.to_string(), errors.join("; ")));
        }
        crate::market::sort_newest_first(&mut batch.headlines);
        batch
    }
}

impl NewsSource for FederalRegister {
    fn headlines<'a>(&'a self, _symbols: &'a [Symbol]) -> BoxFuture<'a, NewsBatch> {
        Box::pin(self.fetch())
    }
}
