//! Fake sources, and the one place the tests build `Providers`.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use chiptape::market::series::{ChartRange, Series};
use chiptape::market::{Quote, QuoteOutcome, Symbol};
use chiptape::providers::{
    ChartSource, NewsBatch, NewsSource, ProviderError, Providers, QuoteSource, RETRY_BASE, SymbolSearch,
};
use futures::future::BoxFuture;
use tokio::sync::mpsc;
use tokio::time::Instant;

/// `Providers` being put together: every source silent until replaced, no stream, the app's retry base.
pub struct Build(Providers);

pub fn providers() -> Build {
    Build(Providers {
        quotes: Arc::new(Silent),
        news: Arc::new(Silent),
        charts: Arc::new(Silent),
        stream: None,
        search: Vec::new(),
        learned: Default::default(),
        demo: false,
        sec: None,
        retry_base: RETRY_BASE,
    })
}

/// Sources already built (the demo market, say), some of them to be replaced.
pub fn from(providers: Providers) -> Build {
    Build(providers)
}

impl Build {
    pub fn search(mut self, search: Vec<Arc<dyn SymbolSearch>>) -> Build {
        self.0.search = search;
        self
    }

    pub fn quotes(mut self, quotes: Arc<dyn QuoteSource>) -> Build {
        self.0.quotes = quotes;
        self
    }

    pub fn news(mut self, news: Arc<dyn NewsSource>) -> Build {
        self.0.news = news;
        self
    }

    pub fn charts(mut self, charts: Arc<dyn ChartSource>) -> Build {
        self.0.charts = charts;
        self
    }

    /// The first wait before a failed quote fetch is tried again (the app's is `RETRY_BASE`).
    pub fn retry_base(mut self, base: Duration) -> Build {
        self.0.retry_base = base;
        self
    }

    pub fn build(self) -> Providers {
        self.0
    }
}

/// Sources that never answer: whatever is on screen came from elsewhere (the cache), and a fetch
/// that hangs must hold nothing else up.
pub struct Silent;

impl QuoteSource for Silent {
    fn quotes<'a>(
        &'a self,
        _: &'a [Symbol],
    ) -> BoxFuture<'a, Result<Vec<(Symbol, QuoteOutcome)>, ProviderError>> {
        Box::pin(futures::future::pending())
    }
    fn label(&self) -> String {
        "Yahoo".into()
    }
}

impl NewsSource for Silent {
    fn headlines<'a>(&'a self, _: &'a [Symbol]) -> BoxFuture<'a, NewsBatch> {
        Box::pin(futures::future::pending())
    }
}

impl ChartSource for Silent {
    fn series<'a>(&'a self, _: &'a Symbol, _: ChartRange) -> BoxFuture<'a, Result<Series, ProviderError>> {
        Box::pin(futures::future::pending())
    }
}

/// No headlines, and no chart for any symbol.
pub struct Empty;

impl NewsSource for Empty {
    fn headlines<'a>(&'a self, _: &'a [Symbol]) -> BoxFuture<'a, NewsBatch> {
        Box::pin(async { NewsBatch::default() })
    }
}

impl ChartSource for Empty {
    fn series<'a>(&'a self, s: &'a Symbol, _: ChartRange) -> BoxFuture<'a, Result<Series, ProviderError>> {
        Box::pin(async move { Err(ProviderError::NoData(s.to_string())) })
    }
}

type Asked = Arc<Mutex<Vec<(Instant, Vec<Symbol>)>>>;

/// A price for every symbol (101.00, up 1.00 from 100.00, in USD), recording each request: when
/// (on tokio's clock, virtual when it is paused) and for which symbols.
#[derive(Clone, Default)]
pub struct Prices {
    asked: Asked,
    tell: Option<mpsc::UnboundedSender<Vec<String>>>,
}

impl Prices {
    /// Also sends the symbols of each request on `tx` as it is made.
    pub fn telling(tx: mpsc::UnboundedSender<Vec<String>>) -> Prices {
        Prices { tell: Some(tx), ..Prices::default() }
    }

    /// When each request was made.
    pub fn times(&self) -> Vec<Instant> {
        self.asked.lock().unwrap().iter().map(|(t, _)| *t).collect()
    }

    /// The symbols of each request.
    pub fn requests(&self) -> Vec<Vec<String>> {
        let asked = self.asked.lock().unwrap();
        asked.iter().map(|(_, symbols)| symbols.iter().map(|s| s.to_string()).collect()).collect()
    }
}

impl QuoteSource for Prices {
    fn quotes<'a>(
        &'a self,
        symbols: &'a [Symbol],
    ) -> BoxFuture<'a, Result<Vec<(Symbol, QuoteOutcome)>, ProviderError>> {
        self.asked.lock().unwrap().push((Instant::now(), symbols.to_vec()));
        if let Some(tx) = &self.tell {
            let _ = tx.send(symbols.iter().map(|s| s.to_string()).collect());
        }
        let quote = |s: &Symbol| Quote {
            symbol: s.clone(),
            currency: Some("USD".into()),
            price: Some(101.0),
            change: Some(1.0),
            change_pct: Some(1.0),
            previous_close: Some(100.0),
            ..Quote::default()
        };
        Box::pin(async move { Ok(symbols.iter().map(|s| (s.clone(), Ok(quote(s)))).collect()) })
    }

    fn label(&self) -> String {
        "fake".into()
    }
}

/// A quote source whose every fetch fails (a network error), recording when each was tried.
#[derive(Clone, Default)]
pub struct Down(Arc<Mutex<Vec<Instant>>>);

impl Down {
    pub fn times(&self) -> Vec<Instant> {
        self.0.lock().unwrap().clone()
    }
}

impl QuoteSource for Down {
    fn quotes<'a>(
        &'a self,
        _: &'a [Symbol],
    ) -> BoxFuture<'a, Result<Vec<(Symbol, QuoteOutcome)>, ProviderError>> {
        self.0.lock().unwrap().push(Instant::now());
        Box::pin(async { Err(ProviderError::Network("connection refused".into())) })
    }
    fn label(&self) -> String {
        "down".into()
    }
}
