//! `chiptape doctor`: one check per configured source, each one request (the crumb reuses the
//! cookie, the quote both), all at once, each within its own timeout and the whole within a budget.
//! Exit 0 when some source gives quotes, 1 when none does.

mod feeds;
mod official;
mod report;
mod tencent;
mod yahoo;

use std::future::Future;
use std::time::Duration;

use futures::future::{BoxFuture, join_all};
use serde::Serialize;
use tokio::time::Instant;

use super::{DoctorFormat, EXIT_OK, EXIT_PARTIAL, Io};
use crate::config::{Config, Mainland, ProviderKind, ProxyConfig, SourceName};
use crate::present::sanitize::{clean, printable};
use crate::providers::ProviderError;
use crate::providers::http::{BROWSER_UA, Fetched, Http, HttpOptions};
use crate::providers::proxy::{route, system_env};

/// How long the checks may take.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Options {
    /// Each request (a check, or one step of the cookie → crumb → quote chain).
    pub timeout: Duration,
    /// The whole run: no check outlives it, however the chain's steps add up.
    pub budget: Duration,
}

impl Default for Options {
    /// Six seconds a check, eighteen in all: the command is over within 20 s even when every host hangs.
    fn default() -> Options {
        Options::with_timeout(Duration::from_secs(6))
    }
}

impl Options {
    /// `timeout` a check, and room for the three steps of Yahoo's chain.
    pub fn with_timeout(timeout: Duration) -> Options {
        Options { timeout, budget: timeout * 3 }
    }
}

/// Which part of the program a check stands for: it decides the advice on failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Kind {
    /// Cookie, crumb, quote: what Yahoo's quotes need.
    #[default]
    YahooQuotes,
    YahooChart,
    Stream,
    TencentQuote,
    TencentSeries,
    Feed,
    YahooHeadlines,
    SecEdgar,
    FederalRegister,
    Hkex,
    Cninfo,
}

/// Why a check failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fail {
    /// No answer in time (after this long).
    TimedOut(Duration),
    /// The connection failed (refused, reset, no route, TLS).
    Net(String),
    Status(u16),
    /// An answer, but not one chiptape can read.
    Unreadable(String),
    /// The source answered and said no (Yahoo's "Invalid Crumb").
    Refused(String),
    /// Not tried: the way the config sets cannot be taken (the streamer and an https:// proxy).
    Unsupported(String),
    /// Not asked: an earlier step it needs failed.
    Skipped(&'static str),
}

impl From<ProviderError> for Fail {
    fn from(e: ProviderError) -> Fail {
        match e {
            ProviderError::Network(s) => Fail::Net(s),
            ProviderError::Status(s) => Fail::Status(s),
            ProviderError::RateLimited { .. } => Fail::Status(429),
            ProviderError::Decode(s) | ProviderError::NoData(s) => Fail::Unreadable(s),
            e @ ProviderError::TooLarge(_) => Fail::Unreadable(e.to_string()),
            ProviderError::Unsupported(s) | ProviderError::Sources(s) => Fail::Net(s),
            ProviderError::Step { cause, .. } => Fail::from(*cause),
        }
    }
}

/// One line of the report (one object of `--format json`'s `checks`).
#[derive(Debug, Clone, Serialize, PartialEq, Default)]
pub struct Check {
    pub name: String,
    /// "yahoo", "tencent" or "feeds".
    pub source: &'static str,
    /// What was asked (the crumb left out).
    pub url: String,
    pub ok: bool,
    pub status: Option<u16>,
    pub latency_ms: Option<u64>,
    /// What a good answer held ("NVDA 181.37 USD", "4 items").
    pub sample: Option<String>,
    pub error: Option<String>,
    pub advice: Option<String>,
    /// The way it went: "via socks5h://127.0.0.1:1080", "direct", "environment (HTTPS_PROXY=…)".
    pub proxy: String,
    #[serde(skip)]
    pub kind: Kind,
    /// A good answer means quotes can be had (Yahoo's quote, Tencent's quote).
    #[serde(skip)]
    pub gives_quotes: bool,
    #[serde(skip)]
    pub fail: Option<Fail>,
}

impl Check {
    /// `name` and `url` come from the config: kept as written (no entity decoding in a URL's
    /// `&reg=`), only made printable.
    pub fn new(name: impl Into<String>, source: &'static str, kind: Kind, url: &str) -> Check {
        Check { name: printable(&name.into()), source, url: printable(url), kind, ..Check::default() }
    }

    /// A check that counts toward "quotes can be fetched".
    pub fn quoting(mut self) -> Check {
        self.gives_quotes = true;
        self
    }

    /// A good answer, and what it held (sanitised: it came from the network).
    pub fn passed(mut self, status: u16, sample: &str) -> Check {
        self.ok = true;
        self.status = Some(status);
        self.sample = Some(clean(sample));
        self
    }

    /// A failure; `status` when the server answered at all.
    pub fn failed(mut self, status: Option<u16>, why: impl Into<Fail>) -> Check {
        self.ok = false;
        self.status = status;
        self.fail = Some(why.into());
        self
    }
}

/// What `doctor` found.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Report {
    /// Some source gives quotes.
    pub ok: bool,
    pub checks: Vec<Check>,
}

/// What every check shares: each source's client and the clock's limits.
pub(crate) struct Ctx {
    /// One client per source, each with its source's proxy, by the name checks give their source.
    clients: Vec<(&'static str, Http)>,
    pub proxies: ProxyConfig,
    pub timeout: Duration,
    pub deadline: Instant,
}

/// The sources doctor asks, by the name their checks carry (the keys of `[proxy]`).
const SOURCES: [&str; 4] = ["yahoo", "tencent", "feeds", "filings"];

impl Ctx {
    /// The client of `source` (a check's `source`), built with that source's proxy.
    pub fn http(&self, source: &str) -> &Http {
        let found = self.clients.iter().find(|(s, _)| *s == source);
        &found.unwrap_or(&self.clients[0]).1
    }

    /// The time this check may still take: its own timeout, within the run's budget.
    pub fn limit(&self) -> Duration {
        self.timeout.min(self.deadline.saturating_duration_since(Instant::now()))
    }

    /// `step` run within the limit and timed; `base` failed as timed out when it takes longer.
    pub async fn timed<T>(
        &self,
        base: Check,
        step: impl Future<Output = (Check, Option<T>)>,
    ) -> (Check, Option<T>) {
        let (start, limit) = (Instant::now(), self.limit());
        let (mut check, value) = match tokio::time::timeout(limit, step).await {
            Ok(done) => done,
            Err(_) => (base.failed(None, Fail::TimedOut(limit)), None),
        };
        check.latency_ms = Some(start.elapsed().as_millis() as u64);
        (check, value)
    }

    /// `timed`, for a check that hands nothing on.
    pub async fn check(&self, base: Check, step: impl Future<Output = Check>) -> Check {
        self.timed(base, async { (step.await, None::<()>) }).await.0
    }

    /// One GET of `url`: a 200 whose body `sample` can read passes, with what it read.
    pub async fn sampled(
        &self,
        base: Check,
        url: &str,
        sample: impl Fn(&[u8]) -> Result<String, String>,
    ) -> Check {
        self.check(base.clone(), async {
            match self.http(base.source).get(url, None).await {
                Ok(r) => verdict(base, &r, sample),
                Err(e) => base.failed(None, e),
            }
        })
        .await
    }
}

/// A 200 whose body `sample` can read passes, with what it read.
pub(crate) fn verdict(base: Check, r: &Fetched, sample: impl Fn(&[u8]) -> Result<String, String>) -> Check {
    if let Err(e) = r.expect(&[200]) {
        return base.failed(Some(r.status), e);
    }
    match sample(&r.body) {
        Ok(s) => base.passed(r.status, &s),
        Err(why) => base.failed(Some(r.status), Fail::Unreadable(why)),
    }
}

/// Each source's client, as the app builds it (its proxy), with the checks' timeouts; sources
/// that go the same way share one.
fn clients(cfg: &Config, opts: &Options) -> Result<Vec<(&'static str, Http)>, (&'static str, ProviderError)> {
    let mut out: Vec<(&'static str, Http)> = Vec::new();
    for source in SOURCES {
        let proxy = cfg.proxy.of(source);
        let same = out.iter().find(|(other, _)| cfg.proxy.of(other) == proxy).map(|(_, h)| h.clone());
        let http = match same {
            Some(h) => h,
            None => Http::new(&HttpOptions {
                connect_timeout: opts.timeout,
                timeout: opts.timeout,
                user_agent: cfg.provider.user_agent.clone().unwrap_or_else(|| BROWSER_UA.to_string()),
                proxy: proxy.clone(),
                ..HttpOptions::default()
            })
            .map_err(|e| (source, e))?,
        };
        out.push((source, http));
    }
    Ok(out)
}

/// Every check the config calls for, run at once.
pub async fn run(cfg: &Config, opts: &Options) -> Report {
    let mut checks = checks(cfg, opts).await;
    for c in &mut checks {
        c.proxy = route(cfg.proxy.of(c.source), &c.url, &system_env).to_string();
    }
    report::finish(checks)
}

async fn checks(cfg: &Config, opts: &Options) -> Vec<Check> {
    let clients = match clients(cfg, opts) {
        Ok(c) => c,
        Err((source, e)) => {
            return vec![Check::new("http client", source, Kind::YahooQuotes, "").failed(None, e)];
        }
    };
    let cx = Ctx {
        clients,
        proxies: cfg.proxy.clone(),
        timeout: opts.timeout,
        deadline: Instant::now() + opts.budget,
    };
    let (p, cx) = (&cfg.provider, &cx);
    let symbols = cfg.all_symbols();
    let mut jobs: Vec<BoxFuture<'_, Vec<Check>>> = Vec::new();
    if p.quotes.contains(&SourceName::Yahoo) {
        jobs.push(Box::pin(yahoo::quote_chain(cx, p)));
    }
    if p.charts.contains(&SourceName::Yahoo) {
        jobs.push(Box::pin(async move { vec![yahoo::chart(cx, p).await] }));
    }
    if p.stream {
        jobs.push(Box::pin(async move { vec![yahoo::stream(cx, &p.stream_url, &cx.proxies.yahoo).await] }));
    }
    if p.quotes.contains(&SourceName::Tencent) || p.mainland == Mainland::Tencent {
        jobs.push(Box::pin(async move { vec![tencent::quote(cx, &p.tencent_url).await] }));
    }
    if p.charts.contains(&SourceName::Tencent) {
        jobs.push(Box::pin(async move { vec![tencent::series(cx, &p.tencent_series_url).await] }));
    }
    let tagger = std::sync::Arc::new(cfg.tagger());
    for f in &cfg.news.feeds {
        jobs.push(Box::pin(feeds::feed(cx, f, tagger.clone())));
    }
    if cfg.news.yahoo_symbols {
        jobs.push(Box::pin(feeds::yahoo_headlines(cx, &cfg.news, tagger.clone())));
    }
    if cfg.filings.federal_register {
        jobs.push(Box::pin(official::federal_register(cx, &cfg.filings)));
    }
    if cfg.filings.sec && symbols.iter().any(crate::providers::official::sec::is_us_listing) {
        jobs.push(Box::pin(official::sec(cx, &cfg.filings, &symbols)));
    }
    if cfg.filings.hkex
        && let Some(code) = symbols.iter().find_map(crate::providers::official::hkex::code_of)
    {
        jobs.push(Box::pin(official::hkex(cx, &cfg.filings, code)));
    }
    if cfg.filings.cninfo
        && let Some((code, ..)) = symbols.iter().find_map(crate::providers::official::cninfo::listing_of)
    {
        jobs.push(Box::pin(official::cninfo(cx, &cfg.filings, code)));
    }
    join_all(jobs).await.into_iter().flatten().collect()
}

/// `chiptape doctor`: the demo needs no network; else run the checks and print them.
pub async fn doctor(cfg: &Config, demo: bool, fmt: DoctorFormat, opts: &Options, io: Io<'_>) -> i32 {
    let Io { out, err } = io;
    if demo || cfg.provider.kind == ProviderKind::Demo {
        let _ = writeln!(out, "chiptape doctor: the demo market is simulated here and needs no network");
        return EXIT_OK;
    }
    let rep = run(cfg, opts).await;
    let written = match fmt {
        DoctorFormat::Json => report::json(out, &rep),
        DoctorFormat::Table => report::table(out, &rep),
    };
    if let Err(e) = written {
        let _ = writeln!(err, "chiptape: cannot write output: {e}");
    }
    if rep.ok { EXIT_OK } else { EXIT_PARTIAL }
}
