//! SEC EDGAR: the filings of US-listed watchlist names, from each company's submissions JSON.
//! Tags come from the CIK the filing was fetched by, never from its text.
//!
//! Time: `acceptanceDateTime` ends in `Z` but is sometimes the New York wall clock (NVIDIA's
//! 2026-02-25 earnings 8-K reads 16:31Z, an hour the release cannot have had), so it is not used.
//! A filing is dated by its `filingDate`, EDGAR's business date in New York, at midnight there:
//! a date we can trust, and a "move since" from it starts at the previous close.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Mutex;
use std::time::Duration;

use chrono::{DateTime, Utc};
use futures::future::BoxFuture;
use serde::Deserialize;
use tokio::time::Instant;

use super::super::http::{Fetched, Http};
use super::super::{NewsBatch, NewsSource, ProviderError};
use super::SEC_EDGAR;
use super::pace::Pace;
use super::seen::Seen;
use crate::market::{Headline, HeadlineKind, Symbol};
use crate::present::sanitize::clean;
use crate::present::time::{LocalZone, stamp};

/// The SEC allows 10 requests a second from all of a user's machines; half leaves room for others.
const MIN_GAP: Duration = Duration::from_millis(200);
/// How long the SEC blocks a client that went over its limit.
pub const BACKOFF: Duration = Duration::from_secs(600);
/// How long the ticker map on disk is trusted.
const MAP_TTL: Duration = Duration::from_secs(7 * 24 * 3600);
/// Newest filings kept per company.
const PER_COMPANY: usize = 20;
const ARCHIVES: &str = "https://www.sec.gov/Archives/edgar/data";

/// CIKs of the built-in watchlist's US listings, so it needs no ticker map.
const BUILT_IN: &[(&str, u64)] = &[
    ("NVDA", 1_045_810),
    ("AMD", 2488),
    ("MSFT", 789_019),
    ("TSM", 1_046_179),
    ("ASML", 937_966),
    ("BABA", 1_577_552),
    ("BIDU", 1_329_099),
    ("AVGO", 1_730_168),
    ("ARM", 1_973_239),
    ("MU", 723_125),
    ("AMZN", 1_018_724),
    ("GOOGL", 1_652_044),
    ("META", 1_326_801),
    ("ORCL", 1_341_439),
];

/// How EDGAR is reached. `user_agent: None` means no contact was declared: nothing is asked.
pub struct SecOptions {
    pub user_agent: Option<String>,
    pub data_url: String,
    pub files_url: String,
    pub forms: Vec<String>,
    /// Where the ticker map is kept between runs (none: asked each run that needs it).
    pub map_path: Option<PathBuf>,
    /// Each company is asked at most this often (`filings.refresh_secs`).
    pub every: Duration,
}

pub struct Sec {
    http: Option<Http>,
    opts: SecOptions,
    pace: Pace,
    /// The block's end on the monotonic clock (what is checked) and on the wall clock (what is
    /// said): taken together, as the wall clock cannot be read back from an `Instant`.
    blocked_until: Mutex<Option<(Instant, DateTime<Utc>)>>,
    map: Mutex<Option<HashMap<String, u64>>>,
    /// Per CIK: the filings it gave last, and when it may be asked again.
    seen: Seen<u64>,
    /// The missing contact was said: once, so a first run's status bar tells what to set and the
    /// default config does not keep a standing error there all day (`doctor` says it every time).
    told: std::sync::atomic::AtomicBool,
}

/// Why EDGAR gave nothing, where the caller must tell the cases apart.
#[derive(Debug, thiserror::Error)]
pub enum SecError {
    #[error("{0}")]
    Provider(#[from] ProviderError),
    /// The SEC's block (403/429 or its "rate threshold" page): nothing is asked for ten minutes.
    /// Said with the block's end as a time of day, which stays true however long the message is
    /// shown (a count of minutes would not, and the status bar keeps it until the next round).
    #[error("the SEC is limiting requests; {}", again(.until))]
    Blocked {
        /// When it will be asked again; `None` where nothing asks again (`doctor`).
        until: Option<DateTime<Utc>>,
    },
    /// The SEC's page for clients without a declared contact.
    #[error("the SEC refused the contact in [filings] sec_user_agent; use \"Your Name you@example.com\"")]
    Undeclared,
}

#[derive(Debug, Deserialize)]
struct Submissions {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    filings: Option<Filings>,
}

#[derive(Debug, Deserialize)]
struct Filings {
    #[serde(default)]
    recent: Option<Recent>,
}

/// Column-wise: row i of every list is one filing, newest first. A large filer's lists are a
/// thousand long; only the newest `ROWS_READ` of each are kept, the rest skipped unread.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Recent {
    #[serde(default, deserialize_with = "newest")]
    accession_number: Vec<String>,
    #[serde(default, deserialize_with = "newest")]
    filing_date: Vec<String>,
    #[serde(default, deserialize_with = "newest")]
    form: Vec<String>,
    #[serde(default, deserialize_with = "newest")]
    items: Vec<String>,
    #[serde(default, deserialize_with = "newest")]
    primary_document: Vec<String>,
    #[serde(default, deserialize_with = "newest")]
    primary_doc_description: Vec<String>,
}

/// Rows of a company's list looked at: enough for `PER_COMPANY` of the wanted forms even from a
/// filer of daily Form 4s.
const ROWS_READ: usize = 300;

/// The first `ROWS_READ` strings of a list (a number or null as empty), the rest skipped.
fn newest<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    struct Newest;
    impl<'de> serde::de::Visitor<'de> for Newest {
        type Value = Vec<String>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a list of strings")
        }
        fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<String>, A::Error> {
            let mut out = Vec::new();
            while out.len() < ROWS_READ {
                match seq.next_element::<serde_json::Value>()? {
                    Some(serde_json::Value::String(s)) => out.push(s),
                    Some(_) => out.push(String::new()),
                    None => return Ok(out),
                }
            }
            while seq.next_element::<serde::de::IgnoredAny>()?.is_some() {}
            Ok(out)
        }
    }
    d.deserialize_seq(Newest)
}

#[derive(Debug, Deserialize)]
struct TickerMap {
    fields: Vec<String>,
    data: Vec<Vec<serde_json::Value>>,
}

impl Sec {
    pub fn new(opts: SecOptions, http: Option<Http>) -> Sec {
        let http = if opts.user_agent.is_some() { http } else { None };
        let every = opts.every;
        Sec {
            http,
            opts,
            pace: Pace::new(MIN_GAP),
            blocked_until: Mutex::new(None),
            map: Mutex::new(None),
            seen: Seen::new(every),
            told: std::sync::atomic::AtomicBool::new(false),
        }
    }

    /// The block in force: its end on the wall clock.
    fn blocked(&self) -> Option<SecError> {
        let b = self.blocked_until.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        b.filter(|(until, _)| Instant::now() < *until)
            .map(|(_, wall)| SecError::Blocked { until: Some(wall) })
    }

    /// One GET at the SEC's pace; a block, by status or by page, is its own error.
    async fn get(&self, http: &Http, url: &str) -> Result<Fetched, SecError> {
        // A block met by an earlier request of this round (the ticker map's) holds for the rest.
        if let Some(e) = self.blocked() {
            return Err(e);
        }
        self.pace.wait().await;
        let r = http.get(url, None).await?;
        if let Some(mut e) = refusal_in(r.status, &r.body) {
            if let SecError::Blocked { until } = &mut e {
                let wall = Utc::now() + chrono::Duration::from_std(BACKOFF).unwrap_or_default();
                *until = Some(wall);
                *self.blocked_until.lock().unwrap_or_else(std::sync::PoisonError::into_inner) =
                    Some((Instant::now() + BACKOFF, wall));
            }
            return Err(e);
        }
        r.expect(&[200])?;
        Ok(r)
    }

    /// Ticker → CIK from the exchange's map: the copy on disk while it is a week old at most.
    async fn ticker_map(&self, http: &Http) -> Result<HashMap<String, u64>, SecError> {
        if let Some(m) = self.map.lock().unwrap_or_else(std::sync::PoisonError::into_inner).clone() {
            return Ok(m);
        }
        let fresh_on_disk = self.opts.map_path.as_ref().and_then(|p| {
            let age = std::fs::metadata(p).ok()?.modified().ok()?.elapsed().ok()?;
            (age < MAP_TTL).then(|| std::fs::read(p).ok()).flatten()
        });
        let map = match fresh_on_disk.and_then(|b| parse_ticker_map(&b).ok()) {
            Some(m) => m,
            None => {
                let url = format!("{}/files/company_tickers_exchange.json", self.opts.files_url);
                let r = self.get(http, &url).await?;
                let m = parse_ticker_map(&r.body)?;
                if let Some(p) = &self.opts.map_path {
                    if let Some(dir) = p.parent() {
                        let _ = std::fs::create_dir_all(dir);
                    }
                    if let Err(e) = crate::store::atomic::write_atomic(p, &r.body) {
                        tracing::warn!(error = %e, "the SEC ticker map could not be kept on disk");
                    }
                }
                m
            }
        };
        *self.map.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = Some(map.clone());
        Ok(map)
    }

    /// The CIK of each US listing among `symbols`, the built-in ones without asking.
    async fn ciks(&self, http: &Http, symbols: &[Symbol]) -> (Vec<(Symbol, u64)>, Option<String>) {
        let us: Vec<&Symbol> = symbols.iter().filter(|s| is_us_listing(s)).collect();
        let builtin = |s: &Symbol| builtin_cik(s.as_str());
        let mut out: Vec<(Symbol, u64)> = Vec::new();
        let missing: Vec<&Symbol> = us.iter().filter(|s| builtin(s).is_none()).copied().collect();
        let map = if missing.is_empty() { None } else { Some(self.ticker_map(http).await) };
        let mut error = None;
        for s in us {
            if let Some(c) = builtin(s) {
                out.push((s.clone(), c));
            } else if let Some(Ok(m)) = &map
                && let Some(c) = m.get(s.as_str())
            {
                out.push((s.clone(), *c));
            }
            // Not in the map: a fund, an index or a name that files elsewhere, not a failure.
        }
        if let Some(Err(e)) = map {
            error = Some(format!("ticker map: {e}"));
        }
        (out, error)
    }

    async fn company(&self, http: &Http, sym: &Symbol, cik: u64) -> Result<Vec<Headline>, SecError> {
        let url = format!("{}/submissions/CIK{cik:010}.json", self.opts.data_url);
        let r = self.get(http, &url).await?;
        let s: Submissions =
            serde_json::from_slice(&r.body).map_err(|e| ProviderError::Decode(e.to_string()))?;
        let name = s.name.as_deref().map(clean).unwrap_or_else(|| sym.to_string());
        let recent = s.filings.and_then(|f| f.recent).unwrap_or_default();
        Ok(filings(&recent, &name, sym, cik, &self.opts.forms))
    }

    pub async fn fetch(&self, symbols: &[Symbol]) -> NewsBatch {
        let mut batch = NewsBatch::default();
        if !symbols.iter().any(is_us_listing) {
            return batch;
        }
        if self.opts.user_agent.is_none() {
            if !self.told.swap(true, std::sync::atomic::Ordering::Relaxed) {
                batch.errors.push((SEC_EDGAR.to_string(), NO_CONTACT.to_string()));
            }
            return batch;
        }
        let Some(http) = &self.http else {
            batch.errors.push((SEC_EDGAR.to_string(), "the HTTP client failed to start".to_string()));
            return batch;
        };
        if let Some(e) = self.blocked() {
            batch.errors.push((SEC_EDGAR.to_string(), e.to_string()));
            return batch;
        }
        let (ciks, map_error) = self.ciks(http, symbols).await;
        let mut errors: Vec<String> = map_error.into_iter().collect();
        let mut stopped = false;
        let keys: Vec<u64> = ciks.iter().map(|(_, c)| *c).collect();
        for ((sym, cik), ask) in ciks.into_iter().zip(self.seen.due(&keys)) {
            let known = self.seen.remembered(&cik);
            if !ask || stopped {
                batch.headlines.extend(known.items);
                errors.extend(known.error.filter(|_| !stopped).map(|e| format!("{sym}: {e}")));
                continue;
            }
            match self.company(http, &sym, cik).await {
                Ok(items) => {
                    self.seen.keep(cik, items.clone());
                    batch.headlines.extend(items);
                }
                Err(e) => {
                    batch.headlines.extend(known.items);
                    if matches!(e, SecError::Blocked { .. } | SecError::Undeclared) {
                        errors.push(e.to_string());
                        stopped = true;
                    } else {
                        self.seen.failed(cik, e.to_string());
                        errors.push(format!("{sym}: {e}"));
                    }
                }
            }
        }
        if !errors.is_empty() {
            batch.errors.push((SEC_EDGAR.to_string(), errors.join("; ")));
        }
        crate::market::sort_newest_first(&mut batch.headlines);
        batch
    }
}

/// What the status bar says when no contact is set.
pub const NO_CONTACT: &str = "not asked: EDGAR serves only clients that declare a contact; set [filings] sec_user_agent = \"Your Name you@example.com\"";

impl NewsSource for Sec {
    fn headlines<'a>(&'a self, symbols: &'a [Symbol]) -> BoxFuture<'a, NewsBatch> {
        Box::pin(self.fetch(symbols))
    }
}

/// When a blocked EDGAR may be asked again, on the reader's clock ("15:42", with the date when it
/// is another day there). "After": the ask itself waits for the next round of the refresh.
fn again(until: &Option<DateTime<Utc>>) -> String {
    match until {
        Some(t) => format!("asking again after {}", stamp(*t, Utc::now(), LocalZone::System)),
        None => format!("it lets a client in again after {} minutes", BACKOFF.as_secs() / 60),
    }
}

/// The built-in CIK of a ticker of the default watchlist.
pub fn builtin_cik(ticker: &str) -> Option<u64> {
    BUILT_IN.iter().find(|(t, _)| *t == ticker).map(|(_, c)| *c)
}

/// The SEC's block or its page for undeclared tools, recognised in an answer's first bytes.
pub fn refusal_in(status: u16, body: &[u8]) -> Option<SecError> {
    let head = String::from_utf8_lossy(&body[..body.len().min(4096)]);
    if head.contains("Undeclared Automated Tool") {
        Some(SecError::Undeclared)
    } else if matches!(status, 403 | 429) || head.contains("Request Rate Threshold Exceeded") {
        Some(SecError::Blocked { until: None })
    } else {
        None
    }
}

/// A US listing: no exchange suffix, and not an index (^), a currency or a future (=).
pub fn is_us_listing(s: &Symbol) -> bool {
    s.suffix().is_none() && !s.as_str().contains(['^', '='])
}

fn parse_ticker_map(body: &[u8]) -> Result<HashMap<String, u64>, ProviderError> {
    let m: TickerMap = serde_json::from_slice(body).map_err(|e| ProviderError::Decode(e.to_string()))?;
    let col = |name: &str| m.fields.iter().position(|f| f == name);
    let (Some(cik), Some(ticker)) = (col("cik"), col("ticker")) else {
        return Err(ProviderError::Decode("the ticker map has no cik or ticker column".into()));
    };
    let mut out = HashMap::new();
    for row in &m.data {
        let c = row.get(cik).and_then(serde_json::Value::as_u64);
        let t = row.get(ticker).and_then(serde_json::Value::as_str);
        if let (Some(c), Some(t)) = (c, t) {
            // Yahoo writes a class share with a dash, as the SEC does ("BRK-B").
            out.entry(t.to_ascii_uppercase()).or_insert(c);
        }
    }
    Ok(out)
}

/// The form `f` is shown under: an amendment goes with its form.
fn wanted(form: &str, forms: &[String]) -> bool {
    let base = form.strip_suffix("/A").unwrap_or(form);
    forms.iter().any(|f| f.eq_ignore_ascii_case(base) || f.eq_ignore_ascii_case(form))
}

/// Short names of the 8-K items that move prices.
fn item_name(item: &str) -> Option<&'static str> {
    Some(match item {
        "1.01" => "material agreement",
        "2.02" => "results",
        "2.05" => "restructuring",
        "5.02" => "officers and directors",
        "7.01" => "Regulation FD disclosure",
        "8.01" => "other events",
        _ => return None,
    })
}

fn filings(r: &Recent, name: &str, sym: &Symbol, cik: u64, forms: &[String]) -> Vec<Headline> {
    fn at(v: &[String], i: usize) -> &str {
        v.get(i).map_or("", String::as_str)
    }
    let mut out = Vec::new();
    for i in 0..r.accession_number.len() {
        // The form is checked as it came (forms are plain ASCII), and cleaned only when kept.
        if !wanted(at(&r.form, i).trim(), forms) {
            continue;
        }
        let form = clean(at(&r.form, i));
        if form.is_empty() {
            continue;
        }
        let accession = at(&r.accession_number, i);
        let folder = accession.replace('-', "");
        if folder.is_empty() || !folder.bytes().all(|b| b.is_ascii_digit()) {
            continue;
        }
        let doc = at(&r.primary_document, i);
        let safe_doc = !doc.is_empty() && !doc.contains("..") && doc.bytes().all(|b| b.is_ascii_graphic());
        let link = if safe_doc {
            format!("{ARCHIVES}/{cik}/{folder}/{doc}")
        } else {
            format!("{ARCHIVES}/{cik}/{folder}/{accession}-index.htm")
        };
        let mut title = format!("{name}: {form}");
        let desc = clean(at(&r.primary_doc_description, i));
        if !desc.is_empty()
            && !desc.eq_ignore_ascii_case(&form)
            && !desc.eq_ignore_ascii_case(&format!("form {form}"))
        {
            title.push_str(&format!(" {desc}"));
        }
        if form.starts_with("8-K") {
            let items: Vec<&str> = at(&r.items, i).split(',').filter_map(|s| item_name(s.trim())).collect();
            if !items.is_empty() {
                title.push_str(&format!(" ({})", items.join(", ")));
            }
        }
        let item = super::Item {
            title,
            link,
            published: super::new_york_day(at(&r.filing_date, i)),
            symbols: vec![sym.clone()],
            summary: None,
            guid: Some(accession.to_string()),
            kind: HeadlineKind::Filing,
            form,
        };
        out.push(item.into_headline(SEC_EDGAR, "sec"));
        if out.len() == PER_COMPANY {
            break;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amendments_go_with_their_form() {
        let forms = vec!["8-K".to_string(), "SC 13G".to_string()];
        assert!(wanted("8-K", &forms) && wanted("8-K/A", &forms) && wanted("SC 13G/A", &forms));
        assert!(!wanted("144", &forms) && !wanted("10-K", &forms));
    }

    #[test]
    fn only_the_newest_rows_are_read() {
        let forms: Vec<String> = (0..1000).map(|i| format!("F{i}")).collect();
        let body = serde_json::json!({ "form": forms, "items": [1, null, "2.02"], "size": [1, 2] });
        let r: Recent = serde_json::from_value(body).unwrap();
        assert_eq!(r.form.len(), ROWS_READ);
        assert_eq!(r.form[ROWS_READ - 1], format!("F{}", ROWS_READ - 1));
        assert_eq!(r.items, ["", "", "2.02"]);
    }

    #[test]
    fn us_listings_only() {
        let s = |x: &str| Symbol::parse(x).unwrap();
        assert!(is_us_listing(&s("NVDA")) && is_us_listing(&s("BRK-B")));
        assert!(!is_us_listing(&s("0981.HK")) && !is_us_listing(&s("^GSPC")));
    }
}
