//! Tencent's quote service: snapshots for Shanghai and Shenzhen (real time), Hong Kong and US
//! listings. The client asks; the answer is read in `quote`. Which symbols go to it, and what stands
//! in when it fails, is the router's business; the client only says which it can serve.

pub mod quote;
pub mod series;
pub mod suggest;

use std::sync::Arc;
use std::time::Duration;

use futures::future::BoxFuture;

pub use quote::{MAX_CODES, Market, code_for, decode, market_code};

use super::http::{Http, HttpOptions};
use super::names::Learned;
use super::{ProviderError, QuoteSource};
use crate::market::calendar::Calendar;
use crate::market::clock::Clock;
use crate::market::{QuoteError, QuoteOutcome, Symbol};

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

    /// Tencent's code for `sym` (every market it quotes: which symbols it is asked for, and in
    /// what order after other sources, is the router's business).
    fn code(&self, sym: &Symbol) -> Option<String> {
        code_for(sym)
    }

    /// One request of at most `MAX_CODES` symbols: each gets its quote or the reason it has none.
    async fn fetch(&self, symbols: &[Symbol]) -> Result<Vec<(Symbol, QuoteOutcome)>, ProviderError> {
        let asked: Vec<Symbol> = symbols.iter().filter(|s| self.code(s).is_some()).cloned().collect();
        if asked.is_empty() {
            return Ok(symbols.iter().map(|s| (s.clone(), Err(self.unsupported(s)))).collect());
        }
        let codes: Vec<String> = asked.iter().filter_map(|s| self.code(s)).collect();
        let url = format!("{}/q={}", self.base, codes.join(","));
        let r = self.http.get(&url, None).await?;
        r.expect(&[200])?;
        // No `v_` line at all (ASCII in GBK too) is not Tencent speaking: an empty answer, a login
        // page, garbage. Unknown codes and changed layouts are answers, per symbol.
        if !r.body.windows(2).any(|w| w == b"v_") {
            return Err(ProviderError::Decode("no usable answer".to_string()));
        }
        let mut decoded = decode(&r.body, &asked, self.clock.now(), &self.calendar).into_iter();
        // In the order asked, the ones this client does not serve said so without a request.
        let results: Vec<(Symbol, QuoteOutcome)> = symbols
            .iter()
            .map(|s| match self.code(s) {
                Some(_) => decoded.next().unwrap_or_else(|| (s.clone(), Err(self.unsupported(s)))),
                None => (s.clone(), Err(self.unsupported(s))),
            })
            .collect();
        // The Chinese name, for headlines written in Chinese (英伟达, 中芯国际, 寒武纪).
        for (sym, q) in results.iter().filter_map(|(s, o)| Some((s, o.as_ref().ok()?))) {
            if let Some(name) = &q.name_zh {
                self.learned.add(sym, name);
            }
        }
        Ok(results)
    }

    fn unsupported(&self, sym: &Symbol) -> QuoteError {
        QuoteError::Unsupported(format!("Tencent is not asked for {sym}"))
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
        self.code(sym).is_some()
    }

    fn max_batch(&self) -> usize {
        MAX_CODES
    }
}
