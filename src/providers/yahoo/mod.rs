//! Yahoo Finance quotes: the v7 batch endpoint with a cookie + crumb session, and the v8 chart
//! endpoint as a fallback when Yahoo refuses the first. Rate limits stop all Yahoo traffic.

mod chart;
#[cfg(test)]
mod fuzz;
pub mod headlines;
mod num;
pub mod search;
pub mod session;
pub mod stream;
pub mod v7;

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use futures::StreamExt;
use futures::future::BoxFuture;
use tokio::time::Instant;

use super::http::{Http, HttpOptions};
use super::{ChartSource, ProviderError, QuoteSource};
use crate::config::ProviderConfig;
use crate::market::calendar::Calendar;
use crate::market::clock::Clock;
use crate::market::series::{ChartRange, Series};
use crate::market::{Quote, QuoteError, QuoteOutcome, Symbol};
use session::{Session, Store};

/// Symbols per v7 request: Yahoo answers 429 to much longer lists.
pub const BATCH: usize = 50;
/// Chart requests in flight at once in fallback mode.
const CHART_CONCURRENCY: usize = 4;
/// How long to stay on the chart endpoint once the quote endpoint refused us.
const FALLBACK_FOR: Duration = Duration::from_secs(30 * 60);
const BACKOFF_MIN: Duration = Duration::from_secs(30);
const BACKOFF_MAX: Duration = Duration::from_secs(15 * 60);

/// Why the bytes are not JSON, in words a status bar can show.
pub(crate) fn not_json(body: &[u8], e: &serde_json::Error) -> String {
    let head = String::from_utf8_lossy(&body[..body.len().min(256)]).trim_start().to_ascii_lowercase();
    if body.iter().all(u8::is_ascii_whitespace) {
        "empty answer".to_string()
    } else if head.starts_with("<!doctype") || head.starts_with("<html") || head.starts_with('<') {
        "an HTML page instead of data".to_string()
    } else if e.is_eof() {
        "the answer was cut short".to_string()
    } else {
        format!("not the expected JSON ({e})")
    }
}

struct Inner {
    session: Option<Session>,
    /// While set and in the future, quotes come from the chart endpoint.
    fallback_until: Option<Instant>,
}

/// After a 429 no Yahoo request at all goes out before `blocked_until`: quotes and charts alike.
struct Gate {
    blocked_until: Option<Instant>,
    next_backoff: Duration,
}

pub struct Yahoo {
    http: Http,
    query_url: String,
    cookie_url: String,
    store: Store,
    clock: Arc<dyn Clock>,
    /// Says whether a market is open when Yahoo's answer does not.
    calendar: Calendar,
    /// Locked only to read or change the session state, never across a request: a slow Yahoo must
    /// not hold up a second caller (the symbol check of `a` beside a refresh).
    inner: std::sync::Mutex<Inner>,
    gate: std::sync::Mutex<Gate>,
    /// Series by (symbol, range) with the instant they go stale.
    charts: std::sync::Mutex<HashMap<(Symbol, ChartRange), (Instant, Series)>>,
}

enum V7 {
    Quotes(Vec<Quote>),
    /// 401/403 or "Invalid Crumb": the session is not (or no longer) accepted.
    Refused,
}

impl Yahoo {
    /// `opts` are the client's settings as `providers::build` makes them, the configured
    /// User-Agent included (`http_options` is the one place it is applied).
    pub fn new(
        cfg: &ProviderConfig,
        opts: HttpOptions,
        store: Store,
        clock: Arc<dyn Clock>,
    ) -> Result<Yahoo, ProviderError> {
        Ok(Yahoo {
            http: Http::new(&opts)?,
            query_url: cfg.query_url.trim_end_matches('/').to_string(),
            cookie_url: cfg.cookie_url.clone(),
            store,
            clock,
            calendar: Calendar::default(),
            inner: std::sync::Mutex::new(Inner { session: None, fallback_until: None }),
            gate: std::sync::Mutex::new(Gate { blocked_until: None, next_backoff: BACKOFF_MIN }),
            charts: std::sync::Mutex::new(HashMap::new()),
        })
    }

    /// The calendar in force (the config's `[[holidays]]` with the built-in tables).
    pub fn with_calendar(mut self, calendar: Calendar) -> Yahoo {
        self.calendar = calendar;
        self
    }

    fn gate(&self) -> std::sync::MutexGuard<'_, Gate> {
        self.gate.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn inner(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn on_fallback(&self) -> bool {
        self.inner().fallback_until.is_some_and(|u| u > Instant::now())
    }

    /// `Some(wait)` while a rate limit is in force.
    fn blocked(&self) -> Option<Duration> {
        let now = Instant::now();
        self.gate().blocked_until.filter(|u| *u > now).map(|u| u - now)
    }

    fn rate_limited(&self, retry_after: Option<Duration>) -> ProviderError {
        let mut gate = self.gate();
        // Jitter spreads clients that were limited together; Retry-After is a floor, never shortened.
        // Only our own doubling is capped (`next_backoff` stays within BACKOFF_MAX).
        let base = gate.next_backoff;
        let jitter = base.mul_f64(fastrand::f64() * 0.2);
        let wait = retry_after.map_or(base, |r| r.max(base)) + jitter;
        gate.blocked_until = Some(Instant::now() + wait);
        gate.next_backoff = (base * 2).min(BACKOFF_MAX);
        tracing::warn!(wait_secs = wait.as_secs(), "Yahoo rate limit: pausing all requests");
        ProviderError::RateLimited { retry_after: Some(wait) }
    }

    fn check(&self, e: ProviderError) -> ProviderError {
        match e {
            ProviderError::RateLimited { retry_after } => self.rate_limited(retry_after),
            other => other,
        }
    }

    fn succeeded(&self) {
        self.gate().next_backoff = BACKOFF_MIN;
    }

    async fn session(&self) -> Result<Session, ProviderError> {
        let now = self.clock.now();
        if let Some(s) = self.inner().session.as_ref().filter(|s| s.expires > now) {
            return Ok(s.clone());
        }
        if let Some(s) = self.store.load(now) {
            self.inner().session = Some(s.clone());
            return Ok(s);
        }
        // Two callers without a session may both fetch one; the later simply replaces the earlier.
        let s = session::fetch(&self.http, &self.cookie_url, &self.query_url, now).await?;
        self.store.save(&s);
        self.inner().session = Some(s.clone());
        Ok(s)
    }

    /// Forget `refused`, unless another caller has already put a newer session in its place.
    fn drop_session(&self, refused: &Session) {
        let mut inner = self.inner();
        if inner.session.as_ref().is_none_or(|s| s == refused) {
            inner.session = None;
            self.store.forget();
        }
    }

    async fn v7(&self, s: &Session, symbols: &[Symbol]) -> Result<V7, ProviderError> {
        let list: Vec<&str> = symbols.iter().map(Symbol::as_str).collect();
        let mut url = url::Url::parse(&format!("{}/v7/finance/quote", self.query_url))
            .map_err(|e| ProviderError::Unsupported(format!("bad query_url: {e}")))?;
        url.query_pairs_mut().append_pair("symbols", &list.join(",")).append_pair("crumb", &s.crumb);
        let r = self.http.get(url.as_str(), Some(&s.cookie)).await?;
        if matches!(r.status, 401 | 403) {
            return Ok(V7::Refused);
        }
        r.expect(&[200])?;
        match v7::decode(&r.body, self.clock.now(), &self.calendar).map_err(ProviderError::Decode)? {
            v7::Decoded::Quotes(q) => Ok(V7::Quotes(q)),
            v7::Decoded::Refused(why) => {
                tracing::info!(why, "Yahoo refused the quote request");
                Ok(V7::Refused)
            }
        }
    }

    /// The quote endpoint, with one new session and one retry when the session is refused.
    /// `Ok(None)`: refused even then; the caller falls back to charts.
    async fn via_quote_endpoint(&self, symbols: &[Symbol]) -> Result<Option<Vec<Quote>>, ProviderError> {
        let mut out = Vec::new();
        for chunk in symbols.chunks(BATCH) {
            let mut renewed = false;
            loop {
                let s = match self.session().await {
                    Ok(s) => s,
                    Err(ProviderError::RateLimited { retry_after }) => {
                        return Err(ProviderError::RateLimited { retry_after });
                    }
                    // Offline or a broken server: a plain failure, retried later as it is.
                    Err(
                        e @ (ProviderError::Step { .. }
                        | ProviderError::Network(_)
                        | ProviderError::TooLarge(_)),
                    ) => return Err(e),
                    Err(ProviderError::Status(st)) if st >= 500 => return Err(ProviderError::Status(st)),
                    // Yahoo will not give us a session: the chart endpoint needs none.
                    Err(e) => {
                        tracing::info!(error = %e, "no Yahoo session; using the chart endpoint");
                        return Ok(None);
                    }
                };
                match self.v7(&s, chunk).await? {
                    V7::Quotes(q) => {
                        out.extend(q);
                        break;
                    }
                    V7::Refused if !renewed => {
                        self.drop_session(&s);
                        renewed = true;
                    }
                    V7::Refused => return Ok(None),
                }
            }
        }
        Ok(Some(out))
    }

    async fn chart_one(&self, sym: &Symbol) -> Result<QuoteOutcome, ProviderError> {
        let url = format!(
            "{}/v8/finance/chart/{}?range=1d&interval=5m&includePrePost=true",
            self.query_url,
            url::form_urlencoded::byte_serialize(sym.as_str().as_bytes()).collect::<String>()
        );
        let r = self.http.get(&url, None).await?;
        r.expect(&[200, 404])?;
        match chart::decode(&r.body, sym, self.clock.now(), &self.calendar) {
            Ok(chart::Decoded::Quote(q)) => Ok(Ok(*q)),
            Ok(chart::Decoded::NoData(why)) => {
                Ok(Err(QuoteError::Unknown(format!("no data for {sym} ({why})"))))
            }
            Err(_) if r.status == 404 => Ok(Err(QuoteError::Unknown(format!("no data for {sym}")))),
            Err(e) => Err(ProviderError::Decode(e)),
        }
    }

    async fn via_charts(&self, symbols: &[Symbol]) -> Result<Vec<(Symbol, QuoteOutcome)>, ProviderError> {
        // Owned symbols and a Vec of futures keep the boxed future free of higher-ranked lifetimes.
        let jobs: Vec<_> = symbols
            .iter()
            .cloned()
            .enumerate()
            .map(|(i, s)| async move { (i, self.chart_one(&s).await) })
            .collect();
        let mut results: Vec<(usize, Result<QuoteOutcome, ProviderError>)> =
            futures::stream::iter(jobs).buffer_unordered(CHART_CONCURRENCY).collect().await;
        results.sort_by_key(|(i, _)| *i);
        // A rate limit anywhere stops everything, even when another symbol failed otherwise first.
        if let Some(e) = results.iter().find_map(|(_, r)| match r {
            Err(e @ ProviderError::RateLimited { .. }) => Some(e.clone()),
            _ => None,
        }) {
            return Err(e);
        }
        // A whole-source failure (every symbol failed the same way) is an error, not N "no data".
        if let Some(e) = results.iter().find_map(|(_, r)| r.as_ref().err().cloned())
            && results.iter().all(|(_, r)| r.is_err())
        {
            return Err(e);
        }
        Ok(results
            .into_iter()
            .map(|(i, r)| (symbols[i].clone(), r.unwrap_or_else(|e| Err(e.to_string().into()))))
            .collect())
    }

    async fn fetch(&self, symbols: &[Symbol]) -> Result<Vec<(Symbol, QuoteOutcome)>, ProviderError> {
        if let Some(wait) = self.blocked() {
            return Err(ProviderError::RateLimited { retry_after: Some(wait) });
        }
        if !self.on_fallback() {
            match self.via_quote_endpoint(symbols).await {
                Ok(Some(quotes)) => {
                    self.succeeded();
                    self.inner().fallback_until = None;
                    // By symbol: a thousand symbols looked up one by one in a list was a million
                    // comparisons, a quarter of a refresh.
                    let by_symbol: HashMap<&Symbol, &Quote> = quotes.iter().map(|q| (&q.symbol, q)).collect();
                    let results = symbols
                        .iter()
                        .map(|s| {
                            let q = by_symbol.get(s).map(|q| (*q).clone());
                            // v7 leaves out what it does not know.
                            (s.clone(), q.ok_or_else(|| QuoteError::Unknown(format!("no data for {s}"))))
                        })
                        .collect();
                    return Ok(results);
                }
                Ok(None) => {
                    tracing::warn!(
                        "Yahoo's quote endpoint refused us; using the chart endpoint for 30 minutes"
                    );
                    self.inner().fallback_until = Some(Instant::now() + FALLBACK_FOR);
                }
                Err(e) => return Err(self.check(e)),
            }
        }
        match self.via_charts(symbols).await {
            Ok(r) => {
                self.succeeded();
                Ok(r)
            }
            Err(e) => Err(self.check(e)),
        }
    }
}

/// How long a series is reused: Yahoo's `max-age`, but at least a minute and at most five.
fn series_ttl(cache_control: Option<&str>) -> Duration {
    let max_age = cache_control
        .and_then(|cc| cc.split(',').find_map(|d| d.trim().strip_prefix("max-age=")?.parse::<u64>().ok()))
        .unwrap_or(0);
    Duration::from_secs(max_age.clamp(60, 300))
}

impl Yahoo {
    async fn fetch_series(&self, sym: &Symbol, range: ChartRange) -> Result<Series, ProviderError> {
        let key = (sym.clone(), range);
        if let Ok(cache) = self.charts.lock()
            && let Some((until, s)) = cache.get(&key)
            && *until > Instant::now()
        {
            return Ok(s.clone());
        }
        if let Some(wait) = self.blocked() {
            return Err(ProviderError::RateLimited { retry_after: Some(wait) });
        }
        let (r, i) = range.yahoo();
        // Pre- and post-market bars only exist for US listings, and only matter for one day.
        let prepost = range == ChartRange::D1 && sym.suffix().is_none();
        let url = format!(
            "{}/v8/finance/chart/{}?range={r}&interval={i}&includePrePost={prepost}",
            self.query_url,
            url::form_urlencoded::byte_serialize(sym.as_str().as_bytes()).collect::<String>()
        );
        let resp = self.http.get(&url, None).await.map_err(|e| self.check(e))?;
        resp.expect(&[200, 404]).map_err(|e| self.check(e))?;
        match chart::decode_series(&resp.body, sym, range) {
            Ok(chart::SeriesDecoded::Series(s)) => {
                self.succeeded();
                let cc = resp.headers.get("cache-control").and_then(|v| v.to_str().ok());
                if let Ok(mut cache) = self.charts.lock() {
                    cache.retain(|_, (until, _)| *until > Instant::now());
                    cache.insert(key, (Instant::now() + series_ttl(cc), s.clone()));
                }
                Ok(s)
            }
            Ok(chart::SeriesDecoded::NoData(why)) => Err(ProviderError::NoData(format!("{sym} ({why})"))),
            Err(_) if resp.status == 404 => Err(ProviderError::NoData(sym.to_string())),
            Err(e) => Err(ProviderError::Decode(e)),
        }
    }
}

impl ChartSource for Yahoo {
    fn series<'a>(
        &'a self,
        symbol: &'a Symbol,
        range: ChartRange,
    ) -> BoxFuture<'a, Result<Series, ProviderError>> {
        Box::pin(self.fetch_series(symbol, range))
    }
}

impl QuoteSource for Yahoo {
    fn quotes<'a>(
        &'a self,
        symbols: &'a [Symbol],
    ) -> BoxFuture<'a, Result<Vec<(Symbol, QuoteOutcome)>, ProviderError>> {
        Box::pin(self.fetch(symbols))
    }

    fn label(&self) -> String {
        if self.on_fallback() { "Yahoo (chart fallback)".to_string() } else { "Yahoo".to_string() }
    }
}
