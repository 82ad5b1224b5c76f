//! Where quotes and headlines come from. Providers never touch the terminal; they hand back domain types.

pub mod demo;
pub mod feeds;
pub mod http;
pub mod names;
pub mod official;
pub mod proxy;
pub mod router;
pub mod series_router;
pub mod tencent;
pub mod tunnel;
pub mod yahoo;

use std::sync::Arc;
use std::time::Duration;

use futures::future::BoxFuture;

use crate::config::{Config, ProviderConfig, ProviderKind, SearchSource, SourceName};
use crate::market::calendar::Calendar;
use crate::market::clock::Clock;
use crate::market::search::Candidate;
use crate::market::series::{ChartRange, Series};
use crate::market::stream::StreamEvent;
use crate::market::{Headline, QuoteOutcome, Symbol};
use names::Learned;
use router::Router;

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ProviderError {
    #[error("{0}")]
    Unsupported(String),
    #[error("network error: {0}")]
    Network(String),
    #[error("server answered HTTP {0}")]
    Status(u16),
    #[error("rate limited")]
    RateLimited { retry_after: Option<Duration> },
    #[error("unreadable answer: {0}")]
    Decode(String),
    #[error("answer larger than {} MiB", .0 / (1024 * 1024))]
    TooLarge(usize),
    /// The source has nothing for this symbol (Yahoo's "No data found, symbol may be delisted").
    #[error("no data for {0}")]
    NoData(String),
    /// Every source in line failed, each for its own reason (named in the text).
    #[error("{0}")]
    Sources(String),
    /// A step before the request proper failed (a session's cookie host): which step, and how.
    /// Classified as its cause.
    #[error("{step}: {cause}")]
    Step { step: &'static str, cause: Box<ProviderError> },
}

pub trait QuoteSource: Send + Sync {
    /// One answer per requested symbol, in request order; `Err` only when nothing could be fetched.
    fn quotes<'a>(
        &'a self,
        symbols: &'a [Symbol],
    ) -> BoxFuture<'a, Result<Vec<(Symbol, QuoteOutcome)>, ProviderError>>;

    /// How the status bar names this source ("demo", "Yahoo", "Yahoo (chart fallback)").
    fn label(&self) -> String;

    /// A fallback in force that the status bar should name beside the label.
    fn note(&self) -> Option<String> {
        None
    }

    /// This source can quote `sym` at all (Tencent: Shanghai and Shenzhen only).
    fn supports(&self, _sym: &Symbol) -> bool {
        true
    }

    /// At most this many symbols in one call (the router splits longer lists).
    fn max_batch(&self) -> usize {
        usize::MAX
    }
}

/// Headlines from all sources of one kind, with the failures of those that failed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NewsBatch {
    pub headlines: Vec<Headline>,
    /// (feed name, error) for each source that failed this time.
    pub errors: Vec<(String, String)>,
}

pub trait ChartSource: Send + Sync {
    fn series<'a>(
        &'a self,
        symbol: &'a Symbol,
        range: ChartRange,
    ) -> BoxFuture<'a, Result<Series, ProviderError>>;
}

/// A push source of prices. `run` keeps one connection subscribed to whatever `symbols` holds
/// (following its changes), reconnects on its own, and ends when `tx` is closed.
pub trait StreamSource: Send + Sync {
    fn run(
        self: Arc<Self>,
        symbols: tokio::sync::watch::Receiver<Vec<Symbol>>,
        tx: tokio::sync::mpsc::Sender<StreamEvent>,
    ) -> BoxFuture<'static, ()>;
}

/// Where a listing is looked up by its name or code (the local catalogue is searched apart, with
/// no request).
pub trait SymbolSearch: Send + Sync {
    /// The config's name of this source (`provider.search`): the `source` of its candidates.
    fn name(&self) -> &'static str;

    /// How a prompt or a message names it ("Yahoo", "Tencent").
    fn label(&self) -> &'static str {
        self.name()
    }

    /// Up to `market::search::MAX` candidates for `query` (already cleaned), in Yahoo form.
    fn search<'a>(&'a self, query: &'a str) -> BoxFuture<'a, Result<Vec<Candidate>, ProviderError>>;
}

pub trait NewsSource: Send + Sync {
    fn headlines<'a>(&'a self, symbols: &'a [Symbol]) -> BoxFuture<'a, NewsBatch>;

    /// The same, for a caller that would rather have the batch by `deadline` than everything: a
    /// part still coming then is left for a later call. Most sources have nothing to leave.
    fn headlines_by<'a>(
        &'a self,
        symbols: &'a [Symbol],
        _deadline: tokio::time::Instant,
    ) -> BoxFuture<'a, NewsBatch> {
        self.headlines(symbols)
    }

    /// After `headlines_by`: what was still coming at its deadline, once it comes or `deadline`
    /// does (`None` when nothing was). The batch names every source's errors, as a round's does.
    fn remainder(&self, _deadline: tokio::time::Instant) -> BoxFuture<'_, Option<NewsBatch>> {
        Box::pin(async { None })
    }
}

#[derive(Clone)]
pub struct Providers {
    pub quotes: Arc<dyn QuoteSource>,
    pub news: Arc<dyn NewsSource>,
    pub charts: Arc<dyn ChartSource>,
    /// Pushed prices, when streaming is on.
    pub stream: Option<Arc<dyn StreamSource>>,
    /// Where `a` and `chiptape search` look beyond the local catalogue, in `provider.search`'s
    /// order (none in the demo: its market is all in the catalogue).
    pub search: Vec<Arc<dyn SymbolSearch>>,
    /// Names learned from quotes, which the headline tagger uses too.
    pub learned: Learned,
    pub demo: bool,
    /// SEC EDGAR, kept across config edits while `[filings]` is unchanged, so each company is
    /// still asked once per `filings.refresh_secs` (none in the demo, or with `sec = false`).
    pub sec: Option<Arc<dyn NewsSource>>,
    /// The shortest first wait before a failed quote fetch is tried again (the refresh interval
    /// when that is longer; it doubles with each failure): `RETRY_BASE`, shorter only in tests.
    pub retry_base: Duration,
}

/// The shortest first wait before retrying a failed quote fetch.
pub const RETRY_BASE: Duration = Duration::from_secs(5);

/// Sources for `config` (or the simulated market when `demo`).
pub fn build(config: &Config, demo: bool, seed: u64, clock: Arc<dyn Clock>) -> Providers {
    if demo || config.provider.kind == ProviderKind::Demo {
        let market = Arc::new(demo::DemoMarket::new(seed, clock, config));
        return Providers {
            quotes: market.clone(),
            news: market.clone(),
            charts: market.clone(),
            stream: config.provider.stream.then_some(market as Arc<dyn StreamSource>),
            search: Vec::new(),
            learned: Learned::default(),
            demo: true,
            sec: None,
            retry_base: RETRY_BASE,
        };
    }
    let learned = Learned::default();
    let (yahoo_quotes, yahoo_charts): (Arc<dyn QuoteSource>, Arc<dyn ChartSource>) = match yahoo::Yahoo::new(
        &config.provider,
        http_options(config, &config.proxy.yahoo),
        yahoo::session::Store::default_location(),
        clock.clone(),
    ) {
        Ok(y) => {
            let y = Arc::new(y.with_calendar(config.calendar.clone()));
            (y.clone(), y)
        }
        Err(e) => {
            let b = Arc::new(Broken(e.to_string()));
            (b.clone(), b)
        }
    };
    let tencent = http_options(config, &config.proxy.tencent);
    let charts = series_router(&config.provider, &tencent, yahoo_charts, clock.clone());
    let quotes = quote_router(
        &config.provider,
        &tencent,
        yahoo_quotes,
        clock,
        config.calendar.clone(),
        learned.clone(),
    );
    let stream = stream_source(config);
    let sec = sec_source(config);
    Providers {
        quotes,
        news: news_source(config, &learned, sec.clone()),
        charts,
        stream,
        search: search_sources(config),
        learned,
        demo: false,
        sec,
        retry_base: RETRY_BASE,
    }
}

/// The quote sources of `provider.quotes` in order, with `mainland`'s source first for Shanghai and
/// Shenzhen (and in line even when the list leaves it out). `yahoo` is Yahoo's client (a fake in
/// tests); Tencent's is built here. A Tencent client that fails to start is left out, and said so.
pub fn quote_router(
    p: &ProviderConfig,
    opts: &http::HttpOptions,
    yahoo: Arc<dyn QuoteSource>,
    clock: Arc<dyn Clock>,
    calendar: Calendar,
    learned: Learned,
) -> Arc<dyn QuoteSource> {
    let mut order = p.quotes.clone();
    let first = p.mainland_source();
    if !order.contains(&first) {
        order.push(first);
    }
    let mut entries: Vec<router::Entry> = Vec::new();
    for name in order {
        let source: Arc<dyn QuoteSource> = match name {
            SourceName::Yahoo => yahoo.clone(),
            SourceName::Tencent => {
                match tencent::Tencent::new(
                    &p.tencent_url,
                    opts,
                    clock.clone(),
                    calendar.clone(),
                    learned.clone(),
                ) {
                    Ok(t) => Arc::new(t),
                    Err(e) => {
                        tracing::warn!(error = %e, "Tencent's client failed to start; it is left out");
                        continue;
                    }
                }
            }
        };
        // Named in `quotes`, a source serves all it can; in line only for `mainland`, it serves
        // Shanghai and Shenzhen alone (`quotes = ["yahoo"]` fails over to nothing else).
        let only: Option<router::Pick> = (!p.quotes.contains(&name)).then_some(is_mainland);
        entries.push(router::Entry { name: display_name(name).to_string(), source, only });
    }
    let mainland_at = entries.iter().position(|e| e.name == display_name(first));
    let router = Router::new(entries, clock).resting(p.fallback());
    Arc::new(match mainland_at {
        Some(i) => router.first_for(i, is_mainland),
        None => router,
    })
}

fn is_mainland(s: &Symbol) -> bool {
    matches!(s.suffix(), Some("SS" | "SZ"))
}

/// The series sources of `provider.charts` in order, `mainland`'s first for Shanghai and Shenzhen
/// when it is in the list. `yahoo` is Yahoo's client; Tencent's is built here.
pub fn series_router(
    p: &ProviderConfig,
    opts: &http::HttpOptions,
    yahoo: Arc<dyn ChartSource>,
    clock: Arc<dyn Clock>,
) -> Arc<dyn ChartSource> {
    let mut sources: Vec<(String, Arc<dyn ChartSource>)> = Vec::new();
    for &name in &p.charts {
        let source: Arc<dyn ChartSource> = match name {
            SourceName::Yahoo => yahoo.clone(),
            SourceName::Tencent => {
                match tencent::series::TencentSeries::new(
                    &p.tencent_url,
                    &p.tencent_series_url,
                    opts,
                    clock.clone(),
                ) {
                    Ok(t) => Arc::new(t),
                    Err(e) => {
                        tracing::warn!(error = %e, "Tencent's series client failed to start; it is left out");
                        continue;
                    }
                }
            }
        };
        sources.push((display_name(name).to_string(), source));
    }
    let first = display_name(p.mainland_source());
    let mainland_at = sources.iter().position(|(n, _)| n == first);
    let router = series_router::SeriesRouter::new(sources, clock).resting_for(p.fallback());
    Arc::new(match mainland_at {
        Some(i) => router.first_for(i, is_mainland),
        None => router,
    })
}

/// How the status bar names a source.
pub fn display_name(s: SourceName) -> &'static str {
    match s {
        SourceName::Yahoo => "Yahoo",
        SourceName::Tencent => "Tencent",
    }
}

fn news_source(config: &Config, learned: &Learned, sec: Option<Arc<dyn NewsSource>>) -> Arc<dyn NewsSource> {
    let clients = http::Http::new(&http_options(config, &config.proxy.feeds))
        .and_then(|http| Ok((yahoo_headlines(config, &http)?, http)));
    match clients {
        Ok((per_symbol, http)) => {
            let feeds = feeds::Feeds::new(config, http, learned.clone());
            let feeds: Arc<dyn NewsSource> = Arc::new(feeds.with_per_symbol_via(per_symbol));
            let mut official = official_sources(config, learned);
            official.extend(sec);
            if official.is_empty() {
                return feeds;
            }
            Arc::new(official::WithOfficial::new(feeds, official))
        }
        Err(e) => Arc::new(Broken(e.to_string())),
    }
}

/// Yahoo's per-symbol headlines, when `[news]` asks for them, with the client they go by: Yahoo's
/// headlines go the way its quotes go, not the feeds' way. One client serves both when the two go
/// the same way (each client holds its own TLS roots).
fn yahoo_headlines(
    config: &Config,
    feeds: &http::Http,
) -> Result<Option<feeds::PerSymbolVia>, ProviderError> {
    let Some(y) = yahoo::headlines::YahooHeadlines::from_config(&config.news) else { return Ok(None) };
    let http = if config.proxy.yahoo == config.proxy.feeds {
        feeds.clone()
    } else {
        http::Http::new(&http_options(config, &config.proxy.yahoo))?
    };
    Ok(Some((Box::new(y), http)))
}

/// The official sources `[filings]` turns on but EDGAR (see `sec_source`), each asked at most
/// once per `filings.refresh_secs`.
pub fn official_sources(config: &Config, learned: &Learned) -> Vec<Arc<dyn NewsSource>> {
    let f = &config.filings;
    let every = Duration::from_secs(f.refresh_secs);
    let filings = http_options(config, &config.proxy.filings);
    let mut out: Vec<Arc<dyn NewsSource>> = Vec::new();
    if f.federal_register {
        match http::Http::new(&filings) {
            Ok(http) => {
                let tagger = Arc::new(config.tagger_with(&learned.names()));
                let fr =
                    official::federal_register::FederalRegister::new(http, &f.federal_register_url, tagger);
                out.push(Arc::new(official::Scheduled::new(Box::new(fr), every)));
            }
            Err(e) => out.push(Arc::new(Broken(e.to_string()))),
        }
    }
    let kept = |file: &str| data_file(file);
    if f.hkex {
        out.push(match http::Http::new(&filings) {
            Ok(http) => Arc::new(official::hkex::Hkex::new(
                http,
                official::hkex::HkexOptions {
                    base: f.hkex_url.clone(),
                    language: f.language,
                    every,
                    ids_path: kept("hkex_stock_ids.json"),
                },
            )),
            Err(e) => Arc::new(Broken(e.to_string())),
        });
    }
    if f.cninfo {
        out.push(match http::Http::new(&filings) {
            Ok(http) => Arc::new(official::cninfo::Cninfo::new(
                http,
                official::cninfo::CninfoOptions {
                    base: f.cninfo_url.clone(),
                    every,
                    ids_path: kept("cninfo_org_ids.json"),
                },
            )),
            Err(e) => Arc::new(Broken(e.to_string())),
        });
    }
    out
}

/// A file in the program's data folder, where what was learned from a source is kept.
fn data_file(name: &str) -> Option<std::path::PathBuf> {
    directories::ProjectDirs::from("", "", "chiptape").map(|d| d.data_dir().join(name))
}

/// SEC EDGAR when `[filings] sec` is on, each company asked at most once per
/// `filings.refresh_secs`. Without a contact it is built too: it asks nothing, and says what to set.
pub fn sec_source(config: &Config) -> Option<Arc<dyn NewsSource>> {
    let f = &config.filings;
    if !f.sec {
        return None;
    }
    let http = f.sec_user_agent.as_ref().and_then(|ua| {
        let opts = http_options(config, &config.proxy.filings);
        http::Http::new(&http::HttpOptions { user_agent: ua.clone(), ..opts }).ok()
    });
    let map_path = data_file("sec_company_tickers_exchange.json");
    let opts = official::sec::SecOptions {
        user_agent: f.sec_user_agent.clone(),
        data_url: f.sec_url.clone(),
        files_url: f.sec_files_url.clone(),
        forms: f.forms.clone(),
        map_path,
        every: Duration::from_secs(f.refresh_secs),
    };
    Some(Arc::new(official::sec::Sec::new(opts, http)))
}

/// Sources after a config change. The quote source is kept when its settings did not change, so a
/// Yahoo session, its fallback and its rate-limit pause survive an edit of the watchlist; the news
/// source is rebuilt (its feeds and the names it tags by may have changed). A changed calendar
/// rebuilds the quote source too (the session itself is kept on disk).
pub fn rebuild(
    new: &Config,
    old: &Config,
    current: &Providers,
    demo: bool,
    seed: u64,
    clock: Arc<dyn Clock>,
) -> Providers {
    let demo_now = demo || new.provider.kind == ProviderKind::Demo;
    if demo_now || current.demo || crate::config::changes(old, new).quote_sources {
        let mut built = build(new, demo, seed, clock);
        // The simulated stream prices whatever it is asked to follow: kept, it takes up the new list
        // the way Yahoo's does, without a new connection (a/d in the demo restarted it).
        if built.demo && current.demo && built.stream.is_some() {
            built.stream = current.stream.clone().or(built.stream);
        }
        return built;
    }
    let sec = match &current.sec {
        Some(s) if old.filings == new.filings => Some(s.clone()),
        _ => sec_source(new),
    };
    Providers {
        quotes: current.quotes.clone(),
        news: news_source(new, &current.learned, sec.clone()),
        charts: current.charts.clone(),
        stream: current.stream.clone(),
        search: search_sources(new),
        learned: current.learned.clone(),
        demo: false,
        sec,
        retry_base: current.retry_base,
    }
}

/// The remote sources of `provider.search`, in its order (the local catalogue is searched apart).
/// A client that fails to start is left out, and said so.
pub fn search_sources(config: &Config) -> Vec<Arc<dyn SymbolSearch>> {
    // An answer is a few kilobytes and someone is waiting at the prompt: a slow one is a failure
    // to name, not a big body to wait for.
    let opts =
        http::HttpOptions { timeout: Duration::from_secs(8), ..http_options(config, &config.proxy.search) };
    let p = &config.provider;
    let mut out: Vec<Arc<dyn SymbolSearch>> = Vec::new();
    for &source in &p.search {
        let build: Box<dyn Fn() -> Result<Arc<dyn SymbolSearch>, ProviderError> + Send + Sync> = match source
        {
            SearchSource::Local => continue,
            SearchSource::Yahoo => {
                let (url, opts) = (p.query_url.clone(), opts.clone());
                Box::new(move || yahoo::search::YahooSearch::new(&url, &opts).map(|s| Arc::new(s) as _))
            }
            SearchSource::Tencent => {
                let (url, opts) = (p.suggest_url.clone(), opts.clone());
                Box::new(move || tencent::suggest::TencentSuggest::new(&url, &opts).map(|s| Arc::new(s) as _))
            }
        };
        out.push(Arc::new(OnFirstUse { name: source.name(), build, built: std::sync::OnceLock::new() }));
    }
    out
}

/// A search source built when it is first asked: most runs never search, and every HTTP client
/// holds its own parsed TLS roots (see docs/PERFORMANCE.md for what that costs resident).
struct OnFirstUse {
    name: &'static str,
    build: Box<dyn Fn() -> Result<Arc<dyn SymbolSearch>, ProviderError> + Send + Sync>,
    built: std::sync::OnceLock<Result<Arc<dyn SymbolSearch>, String>>,
}

impl SymbolSearch for OnFirstUse {
    fn name(&self) -> &'static str {
        self.name
    }

    fn search<'a>(&'a self, query: &'a str) -> BoxFuture<'a, Result<Vec<Candidate>, ProviderError>> {
        match self.built.get_or_init(|| (self.build)().map_err(|e| e.to_string())) {
            Ok(source) => source.search(query),
            Err(e) => {
                let e = format!("the search client failed to start: {e}");
                Box::pin(async move { Err(ProviderError::Network(e)) })
            }
        }
    }
}

/// A source's client settings: the config's User-Agent, and the source's `[proxy]` entry.
pub fn http_options(config: &Config, proxy: &crate::config::ProxySetting) -> http::HttpOptions {
    let mut o = http::HttpOptions { proxy: proxy.clone(), ..http::HttpOptions::default() };
    if let Some(ua) = &config.provider.user_agent {
        o.user_agent = ua.clone();
    }
    o
}

/// Yahoo's streamer, through Yahoo's proxy. Who takes no quotes from Yahoo wants no connection to
/// it either; and a proxy the streamer cannot tunnel through leaves the prices to polling.
pub fn stream_source(config: &Config) -> Option<Arc<dyn StreamSource>> {
    if !(config.provider.stream && config.provider.quotes_from(SourceName::Yahoo)) {
        return None;
    }
    if let Some(why) = stream_off(config) {
        tracing::warn!(error = %why, "the Yahoo stream is off; prices are polled");
        return None;
    }
    let url = &config.provider.stream_url;
    let s = yahoo::stream::YahooStream::new(url.clone()).via(config.proxy.yahoo.clone());
    Some(Arc::new(s))
}

/// Why the stream the config asks for cannot run (a proxy it cannot tunnel through), said so the
/// screen can tell the user prices are polled instead.
pub fn stream_off(config: &Config) -> Option<String> {
    if !(config.provider.stream && config.provider.quotes_from(SourceName::Yahoo)) {
        return None;
    }
    let e = tunnel::usable(&config.proxy.yahoo, &config.provider.stream_url, &proxy::system_env).err()?;
    Some(format!("price stream off: {e}; prices are polled (chiptape doctor says more)"))
}

/// A source that could not be built (the TLS stack failed to start): says why on every call.
struct Broken(String);

impl QuoteSource for Broken {
    fn quotes<'a>(
        &'a self,
        _: &'a [Symbol],
    ) -> BoxFuture<'a, Result<Vec<(Symbol, QuoteOutcome)>, ProviderError>> {
        Box::pin(async { Err(ProviderError::Network(self.0.clone())) })
    }
    fn label(&self) -> String {
        "Yahoo".to_string()
    }
}

impl ChartSource for Broken {
    fn series<'a>(&'a self, _: &'a Symbol, _: ChartRange) -> BoxFuture<'a, Result<Series, ProviderError>> {
        Box::pin(async { Err(ProviderError::Network(self.0.clone())) })
    }
}

impl NewsSource for Broken {
    fn headlines<'a>(&'a self, _: &'a [Symbol]) -> BoxFuture<'a, NewsBatch> {
        Box::pin(async {
            NewsBatch { headlines: Vec::new(), errors: vec![("news".to_string(), self.0.clone())] }
        })
    }
}
