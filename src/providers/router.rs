//! Quote sources in order, and each symbol's current one. A symbol goes to the first source that
//! serves it; when that source fails for it (the whole request, or that one code), the next one in
//! line answers for it in the same fetch, and it stays there until the first is tried again.

use std::collections::HashMap;
use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::sync::{Arc, Mutex, PoisonError};

use chrono::{DateTime, Utc};
use futures::future::BoxFuture;

use super::{ProviderError, QuoteSource};
use crate::market::clock::Clock;
use crate::market::{QuoteError, QuoteOutcome, Symbol};

/// How long a symbol a source failed for stays with the next one before the first is asked again.
pub const FALLBACK: chrono::Duration = chrono::Duration::minutes(10);

/// At most this much is added to the rest, at random, so that many symbols (and many users) moved
/// at once do not all knock again in the same second.
pub const JITTER: chrono::Duration = chrono::Duration::seconds(60);

/// When a source that failed is asked again: `FALLBACK` from `now`, plus up to `JITTER`.
pub fn retry_after(random: &RandomState, now: DateTime<Utc>, rest: chrono::Duration) -> DateTime<Utc> {
    let mut h = random.build_hasher();
    h.write_i64(now.timestamp_nanos_opt().unwrap_or_default());
    // A tenth of the rest, at most a minute: a short rest (tests) is not doubled by it.
    let span = JITTER.min(rest / 10).num_milliseconds().max(1) as u64;
    now + rest + chrono::Duration::milliseconds((h.finish() % span) as i64)
}

/// Why a source stopped serving a symbol, as the status bar words it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Why {
    RateLimited,
    Refused(u16),
    Status(u16),
    Unreachable,
    Unreadable,
    /// This one code: the source does not know it, or its line could not be read.
    NoSymbol,
}

impl Why {
    fn of(e: &ProviderError) -> Why {
        match e {
            ProviderError::RateLimited { .. } => Why::RateLimited,
            ProviderError::Status(s @ (401 | 403)) => Why::Refused(*s),
            ProviderError::Status(s) => Why::Status(*s),
            ProviderError::Network(_) | ProviderError::Unsupported(_) | ProviderError::Sources(_) => {
                Why::Unreachable
            }
            ProviderError::Decode(_) | ProviderError::TooLarge(_) => Why::Unreadable,
            ProviderError::NoData(_) => Why::NoSymbol,
            ProviderError::Step { cause, .. } => Why::of(cause),
        }
    }

    fn words(&self, first: &Symbol, n: usize) -> String {
        match self {
            Why::RateLimited => "rate limited".into(),
            Why::Refused(s) => format!("refused (HTTP {s})"),
            Why::Status(s) => format!("HTTP {s}"),
            Why::Unreachable => "unreachable".into(),
            Why::Unreadable => "answer unreadable".into(),
            Why::NoSymbol if n == 1 => format!("has no {first}"),
            Why::NoSymbol => format!("has no {first} (+{} more)", n - 1),
        }
    }
}

/// A symbol moved off sources that failed for it, and until when.
#[derive(Debug, Clone)]
struct Moved {
    /// The sources (by index) it is not sent to meanwhile.
    skip: u64,
    /// The first that failed, and why.
    from: usize,
    why: Why,
    until: DateTime<Utc>,
    /// The source that answers for it now.
    to: Option<usize>,
}

/// One source in line: how the status bar names it ("Yahoo", "Tencent"), and the source.
pub struct Entry {
    pub name: String,
    pub source: Arc<dyn QuoteSource>,
    /// Only the symbols this says yes to (a source in line for `mainland` alone), else all it
    /// supports.
    pub only: Option<Pick>,
}

/// Which symbols a source is put first for.
pub type Pick = fn(&Symbol) -> bool;

/// What one request of one chunk gave: the chunk, and its answer.
type Asked = (Vec<Symbol>, Result<Vec<(Symbol, QuoteOutcome)>, ProviderError>);

pub struct Router {
    /// In order: each answers what it supports and the ones before it failed for.
    sources: Vec<Entry>,
    /// The source put first for the symbols this says yes to (`mainland`: Tencent, or Yahoo, for
    /// Shanghai and Shenzhen), whatever the order.
    first_for: Option<(usize, Pick)>,
    clock: Arc<dyn Clock>,
    moved: Mutex<HashMap<Symbol, Moved>>,
    /// Symbols no source serves, or that skip the first, already logged.
    said: Mutex<std::collections::HashSet<Symbol>>,
    random: RandomState,
    /// How long a source that failed for a symbol rests for it (`FALLBACK` unless configured).
    rest: chrono::Duration,
}

impl Router {
    /// `sources` in order of preference (at most 64).
    pub fn new(sources: Vec<Entry>, clock: Arc<dyn Clock>) -> Router {
        Router {
            sources,
            first_for: None,
            clock,
            moved: Mutex::new(HashMap::new()),
            said: Mutex::new(Default::default()),
            random: Default::default(),
            rest: FALLBACK,
        }
    }

    /// Rest a failed source this long (`provider.fallback_secs`).
    pub fn resting(mut self, rest: chrono::Duration) -> Router {
        self.rest = rest;
        self
    }

    /// Put source `i` first for the symbols `which` says yes to.
    pub fn first_for(mut self, i: usize, which: Pick) -> Router {
        if i < self.sources.len() {
            self.first_for = Some((i, which));
        }
        self
    }

    fn moved(&self) -> std::sync::MutexGuard<'_, HashMap<Symbol, Moved>> {
        self.moved.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The sources that serve `sym`, in the order they are asked.
    fn order(&self, sym: &Symbol) -> Vec<usize> {
        let mut order: Vec<usize> = (0..self.sources.len()).collect();
        if let Some((i, _)) = self.first_for.filter(|(_, which)| which(sym)) {
            order.retain(|j| *j != i);
            order.insert(0, i);
        }
        order.retain(|i| {
            let e = &self.sources[*i];
            e.source.supports(sym) && e.only.is_none_or(|only| only(sym))
        });
        order
    }

    fn until(&self, now: DateTime<Utc>) -> DateTime<Utc> {
        retry_after(&self.random, now, self.rest)
    }

    /// Record that source `i` failed for `sym`; the next asked serves it until `until`.
    fn fail(&self, sym: &Symbol, i: usize, why: Why, until: DateTime<Utc>) {
        let mut moved = self.moved();
        let m = moved.entry(sym.clone()).or_insert(Moved { skip: 0, from: i, why, until, to: None });
        m.skip |= 1 << i;
    }

    /// Say once (in the log) that a symbol is not served by the first source, or by any.
    fn say_once(&self, sym: &Symbol, order: &[usize]) {
        let preferred = self.first_for.filter(|(_, which)| which(sym)).map_or(0, |(i, _)| i);
        if order.first() == Some(&preferred) {
            return;
        }
        if !self.said.lock().unwrap_or_else(PoisonError::into_inner).insert(sym.clone()) {
            return;
        }
        match order.first() {
            Some(i) => {
                tracing::info!(symbol = %sym, first = %self.sources[preferred].name, source = %self.sources[*i].name, "not served by the first source; another serves it")
            }
            None => tracing::warn!(symbol = %sym, "no configured source serves it"),
        }
    }

    /// What the status bar says while some symbols are away from their first source: the largest
    /// set that moved for one reason ("Yahoo rate limited — Tencent serving 24").
    fn note_at(&self, now: DateTime<Utc>) -> Option<String> {
        let moved = self.moved();
        let mut sets: HashMap<(usize, &Why, usize), Vec<&Symbol>> = HashMap::new();
        for (sym, m) in moved.iter().filter(|(_, m)| m.until > now) {
            if let Some(to) = m.to {
                sets.entry((m.from, &m.why, to)).or_default().push(sym);
            }
        }
        let total = sets.len();
        let ((from, why, to), mut syms) = sets
            .into_iter()
            .max_by(|a, b| a.1.len().cmp(&b.1.len()).then_with(|| (b.0.0, b.0.2).cmp(&(a.0.0, a.0.2))))?;
        syms.sort();
        let n = syms.len();
        let mut note = format!(
            "{} {} — {} serving {n}",
            self.sources[from].name,
            why.words(syms[0], n),
            self.sources[to].name
        );
        if total > 1 {
            note.push_str(&format!(" (+{} other)", total - 1));
        }
        Some(note)
    }

    /// Ask source `i` for `ask`, chunk by chunk: each symbol's outcome, or the request's failure.
    async fn ask(&self, i: usize, ask: Vec<Symbol>) -> Vec<Asked> {
        let source = &self.sources[i].source;
        let mut out = Vec::new();
        for chunk in ask.chunks(source.max_batch().max(1)) {
            out.push((chunk.to_vec(), source.quotes(chunk).await));
        }
        out
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
            let until = self.until(now);
            let orders: HashMap<Symbol, Vec<usize>> =
                symbols.iter().map(|s| (s.clone(), self.order(s))).collect();
            for (s, o) in &orders {
                self.say_once(s, o);
            }
            let mut got: HashMap<Symbol, QuoteOutcome> = HashMap::new();
            // The sources each symbol failed with in this fetch.
            let mut tried: HashMap<Symbol, u64> = HashMap::new();
            let mut failure: Option<ProviderError> = None;
            let mut any_answer = false;
            // The next source for `sym`: one it has not failed with, now or lately.
            let next = |sym: &Symbol, tried: &HashMap<Symbol, u64>| -> Option<usize> {
                let skip = self.moved().get(sym).map_or(0, |m| m.skip) | tried.get(sym).copied().unwrap_or(0);
                orders.get(sym)?.iter().copied().find(|i| skip & (1 << i) == 0)
            };
            loop {
                let mut rounds: Vec<Vec<Symbol>> = vec![Vec::new(); self.sources.len()];
                // Each symbol once (a symbol has one next source); a set, not a search of the round.
                let mut placed: std::collections::HashSet<&Symbol> = std::collections::HashSet::new();
                for s in symbols.iter().filter(|s| !got.contains_key(*s)) {
                    if let Some(i) = next(s, &tried).filter(|_| placed.insert(s)) {
                        rounds[i].push(s.clone());
                    }
                }
                if rounds.iter().all(Vec::is_empty) {
                    break;
                }
                let asked = futures::future::join_all(
                    rounds
                        .into_iter()
                        .enumerate()
                        .filter(|(_, r)| !r.is_empty())
                        .map(|(i, r)| async move { (i, self.ask(i, r).await) }),
                )
                .await;
                for (i, chunks) in asked {
                    let name = &self.sources[i].name;
                    for (chunk, answer) in chunks {
                        let (outcomes, why): (Vec<(Symbol, QuoteOutcome)>, Why) = match answer {
                            Ok(results) => {
                                any_answer = true;
                                (results, Why::NoSymbol)
                            }
                            Err(e) => {
                                tracing::warn!(error = %e, source = %name, "quote request failed");
                                let text = format!("{name}: {e}");
                                let why = Why::of(&e);
                                failure = Some(e);
                                (
                                    chunk
                                        .into_iter()
                                        .map(|s| (s, Err(QuoteError::Transient(text.clone()))))
                                        .collect(),
                                    why,
                                )
                            }
                        };
                        for (sym, outcome) in outcomes {
                            if !orders.contains_key(&sym) {
                                continue;
                            }
                            match outcome {
                                Ok(q) => {
                                    if let Some(m) = self.moved().get_mut(&sym) {
                                        m.to = Some(i);
                                    }
                                    got.insert(sym, Ok(q));
                                }
                                Err(e) => {
                                    *tried.entry(sym.clone()).or_default() |= 1 << i;
                                    if next(&sym, &tried).is_some() {
                                        // The next source answers for it in this same fetch.
                                        tracing::debug!(symbol = %sym, error = %e, source = %name, "no quote; the next source for now");
                                        self.fail(&sym, i, why.clone(), until);
                                    } else {
                                        got.insert(sym, Err(e));
                                    }
                                }
                            }
                        }
                    }
                }
            }
            // Nothing at all answered: the caller retries the whole batch.
            if let (false, Some(e)) = (any_answer, failure) {
                return Err(e);
            }
            Ok(symbols
                .iter()
                .map(|s| {
                    let outcome = got.get(s).cloned().unwrap_or_else(|| {
                        let names: Vec<&str> = self.sources.iter().map(|e| e.name.as_str()).collect();
                        Err(QuoteError::Unsupported(format!(
                            "none of the quote sources ({}) serves {s}",
                            names.join(", ")
                        )))
                    });
                    (s.clone(), outcome)
                })
                .collect())
        })
    }

    /// The first source in line: the one that answers for most.
    fn label(&self) -> String {
        self.sources.first().map(|e| e.source.label()).unwrap_or_default()
    }

    fn note(&self) -> Option<String> {
        self.note_at(self.clock.now())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::market::Quote;

    /// Quotes what it knows, fails the rest per code, or fails whole; counts what it is asked.
    struct Fake {
        name: &'static str,
        knows: fn(&Symbol) -> bool,
        serves: fn(&Symbol) -> bool,
        down: Mutex<Option<ProviderError>>,
        asked: Mutex<Vec<Symbol>>,
    }

    impl QuoteSource for Fake {
        fn quotes<'a>(
            &'a self,
            symbols: &'a [Symbol],
        ) -> BoxFuture<'a, Result<Vec<(Symbol, QuoteOutcome)>, ProviderError>> {
            self.asked.lock().unwrap().extend(symbols.iter().cloned());
            Box::pin(async move {
                if let Some(e) = self.down.lock().unwrap().clone() {
                    return Err(e);
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
        fn supports(&self, sym: &Symbol) -> bool {
            (self.serves)(sym)
        }
    }

    struct Manual(Mutex<DateTime<Utc>>);
    impl Clock for Manual {
        fn now(&self) -> DateTime<Utc> {
            *self.0.lock().unwrap()
        }
    }

    fn fake(name: &'static str, knows: fn(&Symbol) -> bool, down: Option<ProviderError>) -> Arc<Fake> {
        Arc::new(Fake {
            name,
            knows,
            serves: |_| true,
            down: Mutex::new(down),
            asked: Mutex::new(Vec::new()),
        })
    }

    fn router(sources: &[&Arc<Fake>], clock: &Arc<Manual>) -> Router {
        let entries = sources
            .iter()
            .map(|f| Entry {
                name: f.name.to_string(),
                source: (*f).clone() as Arc<dyn QuoteSource>,
                only: None,
            })
            .collect();
        Router::new(entries, clock.clone())
    }

    fn clock() -> Arc<Manual> {
        Arc::new(Manual(Mutex::new("2026-11-24T15:00:00Z".parse().unwrap())))
    }

    fn sym(s: &str) -> Symbol {
        Symbol::parse(s).unwrap()
    }

    fn source_of(results: &[(Symbol, QuoteOutcome)], s: &str) -> Option<String> {
        results.iter().find(|(x, _)| x.as_str() == s)?.1.as_ref().ok()?.name.clone()
    }

    #[tokio::test]
    async fn a_symbol_the_first_source_fails_for_is_served_by_the_next_until_it_is_tried_again() {
        let first = fake("Yahoo", |s| s.as_str() != "AMD", None);
        let second = fake("Tencent", |_| true, None);
        let clock = clock();
        let router = router(&[&first, &second], &clock);
        let list = [sym("NVDA"), sym("AMD")];
        let got = router.quotes(&list).await.unwrap();
        assert_eq!(source_of(&got, "NVDA").as_deref(), Some("Yahoo"));
        assert_eq!(source_of(&got, "AMD").as_deref(), Some("Tencent"), "in the same fetch");
        assert_eq!(router.note().as_deref(), Some("Yahoo has no AMD — Tencent serving 1"));
        // It stays with the second, up to the last second of the wait: never flipping back and forth.
        *clock.0.lock().unwrap() += FALLBACK - chrono::Duration::seconds(1);
        first.asked.lock().unwrap().clear();
        let got = router.quotes(&list).await.unwrap();
        assert_eq!(*first.asked.lock().unwrap(), [sym("NVDA")]);
        assert_eq!(source_of(&got, "AMD").as_deref(), Some("Tencent"));
        // After the wait (and its jitter) the first is asked again.
        *clock.0.lock().unwrap() += JITTER + chrono::Duration::seconds(1);
        first.asked.lock().unwrap().clear();
        router.quotes(&list).await.unwrap();
        assert_eq!(*first.asked.lock().unwrap(), list);
    }

    #[tokio::test]
    async fn a_source_that_fails_whole_moves_everything_at_once_and_the_note_says_why() {
        let cases = [
            (ProviderError::RateLimited { retry_after: None }, "rate limited"),
            (ProviderError::Status(403), "refused (HTTP 403)"),
            (ProviderError::Status(502), "HTTP 502"),
            (ProviderError::Network("timed out".into()), "unreachable"),
            (ProviderError::Decode("garbage".into()), "answer unreadable"),
        ];
        for (e, why) in cases {
            let first = fake("Yahoo", |_| true, Some(e.clone()));
            let second = fake("Tencent", |_| true, None);
            let router = router(&[&first, &second], &clock());
            let list: Vec<Symbol> = (0..24).map(|i| sym(&format!("S{i:02}"))).collect();
            let got = router.quotes(&list).await.unwrap();
            assert!(got.iter().all(|(_, o)| o.as_ref().is_ok_and(|q| q.name.as_deref() == Some("Tencent"))));
            assert_eq!(router.note(), Some(format!("Yahoo {why} — Tencent serving 24")), "{e}");
        }
    }

    #[tokio::test]
    async fn when_every_source_fails_the_request_fails_and_nothing_is_moved_past_the_last() {
        let first = fake("Yahoo", |_| true, Some(ProviderError::Status(503)));
        let second = fake("Tencent", |_| true, Some(ProviderError::Status(500)));
        let clock = clock();
        let router = router(&[&first, &second], &clock);
        assert_eq!(router.quotes(&[sym("NVDA")]).await.unwrap_err(), ProviderError::Status(500));
        // Tencent recovers: it serves at once (Yahoo rests meanwhile), and is not skipped itself.
        *second.down.lock().unwrap() = None;
        first.asked.lock().unwrap().clear();
        let got = router.quotes(&[sym("NVDA")]).await.unwrap();
        assert_eq!(source_of(&got, "NVDA").as_deref(), Some("Tencent"));
        assert!(first.asked.lock().unwrap().is_empty(), "Yahoo rests for the fallback time");
    }

    #[tokio::test]
    async fn the_mainland_source_comes_first_for_its_symbols_and_a_symbol_goes_only_where_it_is_served() {
        let yahoo = fake("Yahoo", |_| true, None);
        let tencent = Arc::new(Fake {
            name: "Tencent",
            knows: |_| true,
            serves: |s| s.suffix() != Some("AS"),
            down: Mutex::new(None),
            asked: Mutex::new(Vec::new()),
        });
        let clock = clock();
        let r = router(&[&yahoo, &tencent], &clock).first_for(1, |s| matches!(s.suffix(), Some("SS" | "SZ")));
        let list = [sym("NVDA"), sym("688256.SS"), sym("ASML.AS")];
        let got = r.quotes(&list).await.unwrap();
        assert_eq!(source_of(&got, "688256.SS").as_deref(), Some("Tencent"));
        assert_eq!(source_of(&got, "NVDA").as_deref(), Some("Yahoo"));
        assert_eq!(*tencent.asked.lock().unwrap(), [sym("688256.SS")]);
        // Yahoo down: ASML.AS has no other source, and says why; the rest move to Tencent.
        *yahoo.down.lock().unwrap() = Some(ProviderError::Status(429));
        let got = r.quotes(&list).await.unwrap();
        assert_eq!(source_of(&got, "NVDA").as_deref(), Some("Tencent"));
        let asml = &got.iter().find(|(s, _)| s.as_str() == "ASML.AS").unwrap().1;
        assert_eq!(asml.as_ref().unwrap_err().to_string(), "Yahoo: server answered HTTP 429");
        // Only Tencent: ASML.AS is served by nothing, and the row says so.
        let alone = router(&[&tencent], &clock);
        let got = alone.quotes(&[sym("ASML.AS")]).await.unwrap();
        assert!(
            matches!(&got[0].1, Err(QuoteError::Unsupported(t)) if t.contains("serves ASML.AS")),
            "{got:?}"
        );
    }

    #[tokio::test]
    async fn a_source_in_line_for_the_mainland_alone_stands_in_for_nothing_else() {
        let yahoo = fake("Yahoo", |_| true, Some(ProviderError::Status(500)));
        let tencent = fake("Tencent", |_| true, None);
        let entries = vec![
            Entry { name: "Yahoo".into(), source: yahoo.clone(), only: None },
            Entry {
                name: "Tencent".into(),
                source: tencent.clone(),
                only: Some(|s: &Symbol| matches!(s.suffix(), Some("SS" | "SZ"))),
            },
        ];
        let r = Router::new(entries, clock()).first_for(1, |s| matches!(s.suffix(), Some("SS" | "SZ")));
        let got = r.quotes(&[sym("NVDA"), sym("688256.SS")]).await.unwrap();
        assert_eq!(source_of(&got, "688256.SS").as_deref(), Some("Tencent"));
        assert!(got[0].1.is_err(), "NVDA has only Yahoo: {got:?}");
        assert_eq!(*tencent.asked.lock().unwrap(), [sym("688256.SS")]);
    }
}
