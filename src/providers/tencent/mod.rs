//! Tencent's quote service: real-time snapshots for Shanghai and Shenzhen. The client asks; the
//! answer is read in `quote`. Which symbols it serves, and what stands in when it fails, is the
//! router's business.

pub mod quote;
pub mod series;

use std::sync::Arc;
use std::time::Duration;

use futures::future::BoxFuture;

pub use quote::{MAX_CODES, code_for, decode};

use super::http::{Http, HttpOptions};
use super::names::Learned;
use super::{ProviderError, QuoteSource};
use crate::market::calendar::Calendar;
use crate::market::clock::Clock;
use crate::market::{QuoteOutcome, Symbol};

pub struct Tencent {
    base: String,
    http: Http,
    clock: Arc<dyn Clock>,
    calendar: Calendar,
    /// Chinese names from the answers, which the headline tagger uses too.
    learned: Learned,
}

impl Tencent {
    pub fn new(
        url: &str,
        opts: &HttpOptions,
        clock: Arc<dyn Clock>,
        calendar: Calendar,
        learned: Learned,
    ) -> Result<Tencent, ProviderError> {
        // A snapshot is small and comes from one host: a slow answer means trouble, not a big body.
        let opts = HttpOptions { timeout: opts.timeout.min(Duration::from_secs(8)), ..opts.clone() };
        Ok(Tencent {
            base: url.trim_end_matches('/').to_string(),
            http: Http::new(&opts)?,
            clock,
            calendar,
            learned,
        })
    }

    /// One request of at most `MAX_CODES` symbols: each gets its quote or the reason it has none.
    async fn fetch(&self, symbols: &[Symbol]) -> Result<Vec<(Symbol, QuoteOutcome)>, ProviderError> {
        let codes: Vec<String> = symbols.iter().filter_map(code_for).collect();
        let url = format!("{}/q={}", self.base, codes.join(","));
        let r = self.http.get(&url, None).await?;
        r.expect(&[200])?;
        // No `v_` line at all (ASCII in GBK too) is not Tencent speaking: an empty answer, a login
        // page, garbage. Unknown codes and changed layouts are answers, per symbol.
        if !r.body.windows(2).any(|w| w == b"v_") {
            return Err(ProviderError::Decode("no usable answer".to_string()));
        }
        let results = decode(&r.body, symbols, self.clock.now(), &self.calendar);
        for (sym, q) in results.iter().filter_map(|(s, o)| Some((s, o.as_ref().ok()?))) {
            if let Some(name) = &q.name {
                self.learned.add(sym, name);
            }
        }
        Ok(results)
    }
}

impl QuoteSource for Tencent {
    fn quotes<'a>(
        &'a self,
        symbols: &'a [Symbol],
    ) -> BoxFuture<'a, Result<Vec<(Symbol, QuoteOutcome)>, ProviderError>> {
        Box::pin(self.fetch(symbols))
    }

    fn label(&self) -> String {
        "Tencent".to_string()
    }

    fn supports(&self, sym: &Symbol) -> bool {
        code_for(sym).is_some()
    }

    fn max_batch(&self) -> usize {
        MAX_CODES
    }
}
