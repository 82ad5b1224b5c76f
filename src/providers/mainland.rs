//! Shanghai and Shenzhen from Tencent's real-time snapshots, everything else (and any mainland
//! symbol Tencent fails for) from Yahoo.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use chrono::{DateTime, Utc};
use futures::future::BoxFuture;

use super::http::{Http, HttpOptions};
use super::names::Learned;
use super::tencent::{self, MAX_CODES};
use super::{ProviderError, QuoteSource};
use crate::market::calendar::Calendar;
use crate::market::clock::Clock;
use crate::market::{QuoteOutcome, Symbol};

/// How long a symbol Tencent failed for stays on Yahoo before Tencent is asked again.
pub const FALLBACK: chrono::Duration = chrono::Duration::minutes(30);

/// Why a symbol is on Yahoo for now, and until when.
#[derive(Debug, Clone)]
struct Fallback {
    until: DateTime<Utc>,
    /// The whole request failed (not just this code).
    unreachable: bool,
}

pub struct Mainland {
    base: String,
    http: Http,
    yahoo: Arc<dyn QuoteSource>,
    clock: Arc<dyn Clock>,
    calendar: Calendar,
    learned: Learned,
    fallback: Mutex<HashMap<Symbol, Fallback>>,
}

impl Mainland {
    pub fn new(
        tencent_url: &str,
        opts: &HttpOptions,
        yahoo: Arc<dyn QuoteSource>,
        clock: Arc<dyn Clock>,
        calendar: Calendar,
        learned: Learned,
    ) -> Result<Mainland, ProviderError> {
        // A snapshot is small and comes from one host: a slow answer means trouble, not a big body.
        let opts = HttpOptions { timeout: opts.timeout.min(Duration::from_secs(8)), ..opts.clone() };
        Ok(Mainland {
            base: tencent_url.trim_end_matches('/').to_string(),
            http: Http::new(&opts)?,
            yahoo,
            clock,
            calendar,
            learned,
            fallback: Mutex::new(HashMap::new()),
        })
    }

    fn fallback(&self) -> std::sync::MutexGuard<'_, HashMap<Symbol, Fallback>> {
        self.fallback.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// One request of at most `MAX_CODES` symbols: each gets its quote or the reason it has none.
    async fn tencent(&self, symbols: &[Symbol]) -> Result<Vec<(Symbol, QuoteOutcome)>, String> {
        let codes: Vec<String> = symbols.iter().filter_map(tencent::code_for).collect();
        let url = format!("{}/q={}", self.base, codes.join(","));
        let r = self.http.get(&url, None).await.map_err(|e| e.to_string())?;
        r.expect(&[200]).map_err(|e| e.to_string())?;
        // No `v_` line at all (ASCII in GBK too) is not Tencent speaking: an empty answer, a login
        // page, garbage. Unknown codes and changed layouts are answers, per symbol.
        if !r.body.windows(2).any(|w| w == b"v_") {
            return Err("no usable answer".to_string());
        }
        Ok(tencent::decode(&r.body, symbols, self.clock.now(), &self.calendar))
    }

    /// What the status bar says while some mainland symbols are on Yahoo.
    fn note_at(&self, now: DateTime<Utc>) -> Option<String> {
        let fb = self.fallback();
        let mut on: Vec<(&Symbol, &Fallback)> = fb.iter().filter(|(_, f)| f.until > now).collect();
        on.sort_by(|a, b| a.0.cmp(b.0));
        let (first, _) = on.first()?;
        let why = if on.iter().any(|(_, f)| f.unreachable) {
            "Tencent unreachable".to_string()
        } else if on.len() == 1 {
            format!("Tencent has no {first}")
        } else {
            format!("Tencent has no {first} (+{} more)", on.len() - 1)
        };
        Some(format!("mainland: {why}, using Yahoo (15m delayed)"))
    }
}

impl QuoteSource for Mainland {
    fn quotes<'a>(
        &'a self,
        symbols: &'a [Symbol],
    ) -> BoxFuture<'a, Result<Vec<(Symbol, QuoteOutcome)>, ProviderError>> {
        Box::pin(async move {
            let now = self.clock.now();
            // Windows that ended are forgotten, so the map holds only what is on Yahoo now.
            self.fallback().retain(|_, f| f.until > now);
            let on_yahoo = |s: &Symbol| self.fallback().contains_key(s);
            let ask: Vec<Symbol> =
                symbols.iter().filter(|s| tencent::code_for(s).is_some() && !on_yahoo(s)).cloned().collect();
            let mut got: HashMap<Symbol, QuoteOutcome> = HashMap::new();
            for chunk in ask.chunks(MAX_CODES) {
                match self.tencent(chunk).await {
                    Ok(results) => {
                        for (sym, outcome) in results {
                            match outcome {
                                Ok(q) => {
                                    if let Some(name) = &q.name {
                                        self.learned.add(&sym, name);
                                    }
                                    self.fallback().remove(&sym);
                                    got.insert(sym, Ok(q));
                                }
                                Err(e) => {
                                    tracing::warn!(symbol = %sym, error = %e, "Tencent has no quote; Yahoo for now");
                                    let fb = Fallback { until: now + FALLBACK, unreachable: false };
                                    self.fallback().insert(sym, fb);
                                }
                            }
                        }
                    }
                    Err(e) => {
                        tracing::warn!(error = %e, "Tencent failed; Yahoo for now");
                        let mut fb = self.fallback();
                        for sym in chunk {
                            fb.insert(sym.clone(), Fallback { until: now + FALLBACK, unreachable: true });
                        }
                    }
                }
            }
            let rest: Vec<Symbol> = symbols.iter().filter(|s| !got.contains_key(*s)).cloned().collect();
            if !rest.is_empty() {
                match self.yahoo.quotes(&rest).await {
                    Ok(results) => got.extend(results),
                    // Nothing at all: the caller retries the whole batch.
                    Err(e) if got.is_empty() => return Err(e),
                    Err(e) => got.extend(rest.into_iter().map(|s| (s, Err(e.to_string().into())))),
                }
            }
            Ok(symbols
                .iter()
                .map(|s| {
                    let outcome =
                        got.get(s).cloned().unwrap_or_else(|| Err(format!("no answer for {s}").into()));
                    (s.clone(), outcome)
                })
                .collect())
        })
    }

    fn label(&self) -> String {
        self.yahoo.label()
    }

    fn note(&self) -> Option<String> {
        self.note_at(self.clock.now())
    }
}
