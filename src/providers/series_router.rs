//! Series sources in order, as quotes have theirs (`router`): a symbol's chart comes from the first
//! source that serves it; one that fails for it rests for that symbol while the next one draws it.

use std::collections::HashMap;
use std::collections::hash_map::RandomState;
use std::sync::{Arc, Mutex, PoisonError};

use chrono::{DateTime, Utc};
use futures::future::BoxFuture;

use super::router::{FALLBACK, Pick, retry_after};
use super::{ChartSource, ProviderError};
use crate::market::Symbol;
use crate::market::clock::Clock;
use crate::market::series::{ChartRange, Series};

pub struct SeriesRouter {
    /// (how errors name it, the source), in order.
    sources: Vec<(String, Arc<dyn ChartSource>)>,
    first_for: Option<(usize, Pick)>,
    clock: Arc<dyn Clock>,
    /// Per symbol, the sources that failed for it (a bit each), and until when they rest.
    resting: Mutex<HashMap<Symbol, (u64, DateTime<Utc>)>>,
    random: RandomState,
    rest: chrono::Duration,
}

impl SeriesRouter {
    pub fn new(sources: Vec<(String, Arc<dyn ChartSource>)>, clock: Arc<dyn Clock>) -> SeriesRouter {
        SeriesRouter {
            sources,
            first_for: None,
            clock,
            resting: Mutex::new(HashMap::new()),
            random: RandomState::new(),
            rest: FALLBACK,
        }
    }

    /// Rest a failed source this long (`provider.fallback_secs`).
    pub fn resting_for(mut self, rest: chrono::Duration) -> SeriesRouter {
        self.rest = rest;
        self
    }

    /// Put source `i` first for the symbols `which` says yes to.
    pub fn first_for(mut self, i: usize, which: Pick) -> SeriesRouter {
        if i < self.sources.len() {
            self.first_for = Some((i, which));
        }
        self
    }

    fn resting(&self) -> std::sync::MutexGuard<'_, HashMap<Symbol, (u64, DateTime<Utc>)>> {
        self.resting.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn order(&self, sym: &Symbol) -> Vec<usize> {
        let mut order: Vec<usize> = (0..self.sources.len()).collect();
        if let Some((i, _)) = self.first_for.filter(|(_, which)| which(sym)) {
            order.retain(|j| *j != i);
            order.insert(0, i);
        }
        order
    }

    async fn fetch(&self, symbol: &Symbol, range: ChartRange) -> Result<Series, ProviderError> {
        let now = self.clock.now();
        let skip = {
            let mut resting = self.resting();
            resting.retain(|_, (_, until)| *until > now);
            resting.get(symbol).map_or(0, |(skip, _)| *skip)
        };
        let order: Vec<usize> = self.order(symbol).into_iter().filter(|i| skip & (1 << i) == 0).collect();
        let mut errors: Vec<(usize, ProviderError)> = Vec::new();
        for (k, &i) in order.iter().enumerate() {
            match self.sources[i].1.series(symbol, range).await {
                Ok(series) => return Ok(series),
                // Not served here (a market, a range): no fault of the source's, nothing to rest.
                Err(e @ ProviderError::Unsupported(_)) => errors.push((i, e)),
                Err(e) => {
                    if k + 1 < order.len() {
                        tracing::warn!(symbol = %symbol, error = %e, source = %self.sources[i].0, "no series; the next source for now");
                        let until = retry_after(&self.random, now, self.rest);
                        let mut resting = self.resting();
                        let r = resting.entry(symbol.clone()).or_insert((0, until));
                        r.0 |= 1 << i;
                    }
                    errors.push((i, e));
                }
            }
        }
        match errors.len() {
            0 => Err(ProviderError::Unsupported(format!("no chart source serves {symbol}"))),
            1 => Err(errors.remove(0).1),
            _ => {
                let text: Vec<String> =
                    errors.iter().map(|(i, e)| format!("{}: {e}", self.sources[*i].0)).collect();
                Err(ProviderError::Sources(text.join(" · ")))
            }
        }
    }
}

impl ChartSource for SeriesRouter {
    fn series<'a>(
        &'a self,
        symbol: &'a Symbol,
        range: ChartRange,
    ) -> BoxFuture<'a, Result<Series, ProviderError>> {
        Box::pin(self.fetch(symbol, range))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::providers::router::JITTER;

    /// Answers with a one-point series named by its price, or fails as told; counts its calls.
    struct Fake {
        price: f64,
        fails: Mutex<Option<ProviderError>>,
        asked: Mutex<usize>,
    }

    impl ChartSource for Fake {
        fn series<'a>(
            &'a self,
            symbol: &'a Symbol,
            _: ChartRange,
        ) -> BoxFuture<'a, Result<Series, ProviderError>> {
            *self.asked.lock().unwrap() += 1;
            let fails = self.fails.lock().unwrap().clone();
            Box::pin(async move {
                match fails {
                    Some(e) => Err(e),
                    None => Ok(Series {
                        symbol: symbol.clone(),
                        points: vec![(Utc::now(), self.price)],
                        previous_close: None,
                        currency: None,
                    }),
                }
            })
        }
    }

    struct Manual(Mutex<DateTime<Utc>>);
    impl Clock for Manual {
        fn now(&self) -> DateTime<Utc> {
            *self.0.lock().unwrap()
        }
    }

    fn fake(price: f64, fails: Option<ProviderError>) -> Arc<Fake> {
        Arc::new(Fake { price, fails: Mutex::new(fails), asked: Mutex::new(0) })
    }

    fn setup(a: &Arc<Fake>, b: &Arc<Fake>) -> (SeriesRouter, Arc<Manual>) {
        let clock = Arc::new(Manual(Mutex::new("2026-11-24T15:00:00Z".parse().unwrap())));
        let sources: Vec<(String, Arc<dyn ChartSource>)> =
            vec![("Yahoo".into(), a.clone()), ("Tencent".into(), b.clone())];
        (SeriesRouter::new(sources, clock.clone()), clock)
    }

    fn sym(s: &str) -> Symbol {
        Symbol::parse(s).unwrap()
    }

    #[tokio::test]
    async fn a_failing_first_source_rests_for_the_symbol_while_the_next_draws_it() {
        let (yahoo, tencent) = (fake(1.0, Some(ProviderError::Status(500))), fake(2.0, None));
        let (r, clock) = setup(&yahoo, &tencent);
        let got = r.series(&sym("NVDA"), ChartRange::M1).await.unwrap();
        assert_eq!(got.last(), Some(2.0));
        // The next range of the same symbol goes straight to Tencent.
        r.series(&sym("NVDA"), ChartRange::D1).await.unwrap();
        assert_eq!(*yahoo.asked.lock().unwrap(), 1);
        // Yahoo recovers; after the rest it draws the chart again.
        *yahoo.fails.lock().unwrap() = None;
        *clock.0.lock().unwrap() += FALLBACK + JITTER + chrono::Duration::seconds(1);
        assert_eq!(r.series(&sym("NVDA"), ChartRange::D1).await.unwrap().last(), Some(1.0));
    }

    #[tokio::test]
    async fn what_a_source_does_not_serve_is_no_failure_and_when_all_fail_each_says_why() {
        let unsupported = ProviderError::Unsupported("1D: no intraday series from Tencent for NVDA".into());
        let (yahoo, tencent) = (fake(1.0, Some(unsupported.clone())), fake(2.0, None));
        let (r, _) = setup(&yahoo, &tencent);
        r.series(&sym("NVDA"), ChartRange::D1).await.unwrap();
        r.series(&sym("NVDA"), ChartRange::D1).await.unwrap();
        assert_eq!(*yahoo.asked.lock().unwrap(), 2, "not rested: it only lacks this range");
        *tencent.fails.lock().unwrap() = Some(unsupported);
        *yahoo.fails.lock().unwrap() = Some(ProviderError::Status(503));
        let e = r.series(&sym("NVDA"), ChartRange::D1).await.unwrap_err();
        assert_eq!(
            e.to_string(),
            "Yahoo: server answered HTTP 503 · Tencent: 1D: no intraday series from Tencent for NVDA"
        );
    }

    #[tokio::test]
    async fn the_mainland_source_draws_its_symbols_first() {
        let (yahoo, tencent) = (fake(1.0, None), fake(2.0, None));
        let (r, _) = setup(&yahoo, &tencent);
        let r = r.first_for(1, |s| matches!(s.suffix(), Some("SS" | "SZ")));
        assert_eq!(r.series(&sym("688256.SS"), ChartRange::M1).await.unwrap().last(), Some(2.0));
        assert_eq!(r.series(&sym("NVDA"), ChartRange::M1).await.unwrap().last(), Some(1.0));
    }
}
