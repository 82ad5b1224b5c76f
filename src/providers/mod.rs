//! Where quotes and headlines come from. Providers never touch the terminal; they hand back domain types.

pub mod demo;
pub mod demo_catalog;

use std::sync::Arc;
use std::time::Duration;

use futures::future::BoxFuture;

use crate::clock::Clock;
use crate::config::{Config, ProviderKind};
use crate::market::{Headline, QuoteOutcome, Symbol};

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
    #[error("unreadable response: {0}")]
    Decode(String),
}

pub trait QuoteSource: Send + Sync {
    /// One answer per requested symbol, in request order; `Err` only when nothing could be fetched.
    fn quotes<'a>(
        &'a self,
        symbols: &'a [Symbol],
    ) -> BoxFuture<'a, Result<Vec<(Symbol, QuoteOutcome)>, ProviderError>>;

    /// How the status bar names this source ("demo", "Yahoo", "Yahoo (chart fallback)").
    fn label(&self) -> String;
}

/// Headlines from all sources of one kind, with the failures of those that failed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NewsBatch {
    pub headlines: Vec<Headline>,
    /// (feed name, error) for each source that failed this time.
    pub errors: Vec<(String, String)>,
}

pub trait NewsSource: Send + Sync {
    fn headlines<'a>(&'a self, symbols: &'a [Symbol]) -> BoxFuture<'a, NewsBatch>;
}

#[derive(Clone)]
pub struct Providers {
    pub quotes: Arc<dyn QuoteSource>,
    pub news: Arc<dyn NewsSource>,
    pub demo: bool,
}

/// Sources for `config` (or the simulated market when `demo`).
pub fn build(config: &Config, demo: bool, seed: u64, clock: Arc<dyn Clock>) -> Providers {
    if demo || config.provider.kind == ProviderKind::Demo {
        let market = Arc::new(demo::DemoMarket::new(seed, clock, config));
        return Providers { quotes: market.clone(), news: market, demo: true };
    }
    let pending = Arc::new(NotYet);
    Providers { quotes: pending.clone(), news: pending, demo: false }
}

/// Stands in for the Yahoo and feed providers until they land.
struct NotYet;

pub const NOT_YET: &str = "live Yahoo data is not supported yet; run with --demo";

impl QuoteSource for NotYet {
    fn quotes<'a>(
        &'a self,
        _: &'a [Symbol],
    ) -> BoxFuture<'a, Result<Vec<(Symbol, QuoteOutcome)>, ProviderError>> {
        Box::pin(async { Err(ProviderError::Unsupported(NOT_YET.to_string())) })
    }
    fn label(&self) -> String {
        "Yahoo".to_string()
    }
}

impl NewsSource for NotYet {
    fn headlines<'a>(&'a self, _: &'a [Symbol]) -> BoxFuture<'a, NewsBatch> {
        Box::pin(async {
            NewsBatch { headlines: Vec::new(), errors: vec![("news".to_string(), NOT_YET.to_string())] }
        })
    }
}
