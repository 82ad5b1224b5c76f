//! Quote sources in order, and each symbol's current one. A symbol goes to the first source that
//! serves it; when that source fails for it (the whole request, or that one code), the next one in
//! line answers for it in the same fetch, and it stays there until the first is tried again.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use chrono::{DateTime, Utc};
use futures::future::BoxFuture;

use super::{ProviderError, QuoteSource};
use crate::market::clock::Clock;
use crate::market::{QuoteOutcome, Symbol};

/// How long a symbol a source failed for stays with the next one before the first is asked again.
pub const FALLBACK: chrono::Duration = chrono::Duration::minutes(30);

/// A symbol moved off its first sources, and until when.
#[derive(Debug, Clone)]
struct Moved {
    /// Sources up to this index are skipped for it.
    past: usize,
    until: DateTime<Utc>,
    /// The whole request failed (not just this code).
    unreachable: bool,
}

/// How the status bar words a stand-in: "{scope}: {why}, using {stand_in}".
#[derive(Debug, Clone)]
pub struct Wording {
    pub scope: String,
    pub stand_in: String,
}

pub struct Router {
    /// In order: each answers what it supports and the ones before it failed for.
    sources: Vec<Arc<dyn QuoteSource>>,
    clock: Arc<dyn Clock>,
    wording: Wording,
    moved: Mutex<HashMap<Symbol, Moved>>,
}

impl Router {
    /// `sources` in order of preference; the last should serve everything.
    pub fn new(sources: Vec<Arc<dyn QuoteSource>>, clock: Arc<dyn Clock>, wording: Wording) -> Router {
        Router { sources, clock, wording, moved: Mutex::new(HashMap::new()) }
    }

    fn moved(&self) -> std::sync::MutexGuard<'_, HashMap<Symbol, Moved>> {
        self.moved.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Source `i` may be asked for `sym`: it serves it, and `sym` was not moved past it.
    fn routes_to(&self, i: usize, sym: &Symbol) -> bool {
        self.sources[i].supports(sym) && self.moved().get(sym).is_none_or(|m| m.past < i)
    }

    /// Ask source `i` for what is still missing, chunk by chunk. A failure moves the symbols on to
    /// the next source; the last source's failures are the answer.
    async fn ask(
        &self,
        i: usize,
        missing: &[Symbol],
        got: &mut HashMap<Symbol, QuoteOutcome>,
        now: DateTime<Utc>,
    ) -> Result<(), ProviderError> {
        let last = i + 1 == self.sources.len();
        let source = &self.sources[i];
        let ask: Vec<Symbol> = missing.iter().filter(|s| self.routes_to(i, s)).cloned().collect();
        for chunk in ask.chunks(source.max_batch().max(1)) {
            match source.quotes(chunk).await {
                Ok(results) => {
                    for (sym, outcome) in results {
                        match outcome {
                            Err(e) if !last => {
                                tracing::warn!(symbol = %sym, error = %e, source = %source.label(), "no quote; the next source for now");
                                self.moved().insert(
                                    sym,
                                    Moved { past: i, until: now + FALLBACK, unreachable: false },
                                );
                            }
                            outcome => {
                                got.insert(sym, outcome);
                            }
                        }
                    }
                }
                // Nothing at all from the last source: the caller retries the whole batch.
                Err(e) if last && got.is_empty() => return Err(e),
                Err(e) if last => got.extend(chunk.iter().map(|s| (s.clone(), Err(e.to_string().into())))),
                Err(e) => {
                    tracing::warn!(error = %e, source = %source.label(), "failed; the next source for now");
                    let mut moved = self.moved();
                    for sym in chunk {
                        moved
                            .insert(sym.clone(), Moved { past: i, until: now + FALLBACK, unreachable: true });
                    }
                }
            }
        }
        Ok(())
    }

    /// What the status bar says while some symbols are away from their first source.
    fn note_at(&self, now: DateTime<Utc>) -> Option<String> {
        let moved = self.moved();
        let mut on: Vec<(&Symbol, &Moved)> = moved.iter().filter(|(_, m)| m.until > now).collect();
        on.sort_by(|a, b| a.0.cmp(b.0));
        let (first, m) = on.first()?;
        let from = self.sources[m.past].label();
        let why = if on.iter().any(|(_, m)| m.unreachable) {
            format!("{from} unreachable")
        } else if on.len() == 1 {
            format!("{from} has no {first}")
        } else {
            format!("{from} has no {first} (+{} more)", on.len() - 1)
        };
        Some(format!("{}: {why}, using {}", self.wording.scope, self.wording.stand_in))
    }
}

impl QuoteSource for Router {
    fn quotes<'a>(
        &'a self,
        symbols: &'a [Symbol],
    ) -> BoxFuture<'a, Result<Vec<(Symbol, QuoteOutcome)>, ProviderError>> {
        Box::pin(async move {
            let now = self.clock.now();
            // Moves that ended are forgotten: those symbols try their first source again.
            self.moved().retain(|_, m| m.until > now);
            let mut got: HashMap<Symbol, QuoteOutcome> = HashMap::new();
            for i in 0..self.sources.len() {
                let missing: Vec<Symbol> =
                    symbols.iter().filter(|s| !got.contains_key(*s)).cloned().collect();
                if missing.is_empty() {
                    break;
                }
                self.ask(i, &missing, &mut got, now).await?;
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

    /// The source that answers for most: the last in line.
    fn label(&self) -> String {
        self.sources.last().map(|s| s.label()).unwrap_or_default()
    }

    fn note(&self) -> Option<String> {
        self.note_at(self.clock.now())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::market::{Quote, QuoteError};

    /// Quotes what it is told to, fails the rest per code, or fails whole; counts what it is asked.
    struct Fake {
        name: &'static str,
        knows: fn(&Symbol) -> bool,
        down: bool,
        asked: Mutex<Vec<Symbol>>,
    }

    impl QuoteSource for Fake {
        fn quotes<'a>(
            &'a self,
            symbols: &'a [Symbol],
        ) -> BoxFuture<'a, Result<Vec<(Symbol, QuoteOutcome)>, ProviderError>> {
            self.asked.lock().unwrap().extend(symbols.iter().cloned());
            Box::pin(async move {
                if self.down {
                    return Err(ProviderError::Status(503));
                }
                Ok(symbols
                    .iter()
                    .map(|s| {
                        let q = Quote { symbol: s.clone(), name: Some(self.name.into()), ..Quote::default() };
                        let o =
                            if (self.knows)(s) { Ok(q) } else { Err(QuoteError::Unknown(format!("no {s}"))) };
                        (s.clone(), o)
                    })
                    .collect())
            })
        }
        fn label(&self) -> String {
            self.name.to_string()
        }
    }

    struct Manual(Mutex<DateTime<Utc>>);
    impl Clock for Manual {
        fn now(&self) -> DateTime<Utc> {
            *self.0.lock().unwrap()
        }
    }

    fn fake(name: &'static str, knows: fn(&Symbol) -> bool, down: bool) -> Arc<Fake> {
        Arc::new(Fake { name, knows, down, asked: Mutex::new(Vec::new()) })
    }

    fn sym(s: &str) -> Symbol {
        Symbol::parse(s).unwrap()
    }

    fn source_of(results: &[(Symbol, QuoteOutcome)], s: &str) -> Option<String> {
        results.iter().find(|(x, _)| x.as_str() == s)?.1.as_ref().ok()?.name.clone()
    }

    #[tokio::test]
    async fn a_symbol_the_first_source_fails_for_is_served_by_the_next_until_it_is_tried_again() {
        let first = fake("first", |s| s.as_str() != "AMD", false);
        let second = fake("second", |_| true, false);
        let clock = Arc::new(Manual(Mutex::new("2026-11-24T15:00:00Z".parse().unwrap())));
        let wording = Wording { scope: "quotes".into(), stand_in: "second".into() };
        let router = Router::new(vec![first.clone(), second.clone()], clock.clone(), wording);
        let list = [sym("NVDA"), sym("AMD")];
        let got = router.quotes(&list).await.unwrap();
        assert_eq!(source_of(&got, "NVDA").as_deref(), Some("first"));
        assert_eq!(source_of(&got, "AMD").as_deref(), Some("second"), "in the same fetch");
        assert_eq!(router.note().as_deref(), Some("quotes: first has no AMD, using second"));
        // It stays with the second: the first is not asked for it on every refresh.
        first.asked.lock().unwrap().clear();
        router.quotes(&list).await.unwrap();
        assert_eq!(*first.asked.lock().unwrap(), [sym("NVDA")]);
        // After the wait the first is asked again.
        *clock.0.lock().unwrap() += FALLBACK + chrono::Duration::seconds(1);
        first.asked.lock().unwrap().clear();
        router.quotes(&list).await.unwrap();
        assert_eq!(*first.asked.lock().unwrap(), list);
    }

    #[tokio::test]
    async fn a_source_that_is_down_moves_everything_and_the_last_ones_failure_is_the_answer() {
        let first = fake("first", |_| true, true);
        let second = fake("second", |_| true, false);
        let clock = Arc::new(Manual(Mutex::new("2026-11-24T15:00:00Z".parse().unwrap())));
        let wording = Wording { scope: "quotes".into(), stand_in: "second".into() };
        let router = Router::new(vec![first, second], clock.clone(), wording.clone());
        let got = router.quotes(&[sym("NVDA")]).await.unwrap();
        assert_eq!(source_of(&got, "NVDA").as_deref(), Some("second"));
        assert_eq!(router.note().as_deref(), Some("quotes: first unreachable, using second"));
        let alone = Router::new(vec![fake("only", |_| true, true)], clock, wording);
        assert_eq!(alone.quotes(&[sym("NVDA")]).await.unwrap_err(), ProviderError::Status(503));
    }
}
