//! The background task that owns the schedule: it fetches on time and sends results into the loop.
//! Error texts from the network are made safe here, before they reach the state.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{mpsc, watch};
use tokio::time::{Instant, sleep_until};

use crate::market::Symbol;
use crate::market::calendar::Calendar;
use crate::market::clock::Clock;
use crate::market::exchange::exchange_for;
use crate::msg::{DataKind, DataMsg, Msg, Plan};
use crate::present::sanitize::clean;
use crate::providers::{ProviderError, Providers};

struct Due {
    fast: Instant,
    slow: Instant,
    news: Instant,
}

/// Some market of the batch is open. Exchange rates ride along with the first batch and trade
/// round the clock: they do not set its pace.
fn any_trading(symbols: &[Symbol], clock: &dyn Clock, cal: &Calendar) -> bool {
    let now = clock.now();
    symbols
        .iter()
        .filter(|s| !s.as_str().ends_with("=X"))
        .any(|s| exchange_for(s.as_str()).state_at(now, cal).is_trading())
}

/// A task that is aborted when its handle is dropped: the news fetch dies with the refresh task
/// that started it, so a config reload leaves no fetch of the old feed list running.
/// How long a headline round waits for official sources beyond the feeds: enough for a watchlist's
/// companies, not for a crawl of a thousand, whose items come with a later round.
const OFFICIAL_PATIENCE: Duration = Duration::from_secs(10);

struct Owned(tokio::task::JoinHandle<()>);

impl Drop for Owned {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// Run until the plan sender or the result receiver is gone.
pub async fn run(
    providers: Providers,
    clock: Arc<dyn Clock>,
    plan_rx: watch::Receiver<Plan>,
    tx: mpsc::Sender<Msg>,
) {
    run_counted(providers, clock, plan_rx, tx, Arc::default()).await
}

/// `run`, counting its loop turns into `turns`: tests prove with it that the task sleeps while it waits.
pub async fn run_counted(
    providers: Providers,
    clock: Arc<dyn Clock>,
    mut plan_rx: watch::Receiver<Plan>,
    tx: mpsc::Sender<Msg>,
    turns: Arc<std::sync::atomic::AtomicU64>,
) {
    let mut plan = plan_rx.borrow_and_update().clone();
    let start = Instant::now();
    let mut due = Due { fast: start, slow: start, news: start };
    // Consecutive failed fetches of each batch: the retry delay doubles with each.
    let (mut fast_failures, mut slow_failures) = (0u32, 0u32);
    // Headlines come from many slow servers: they are fetched on a task of their own, so a stalling
    // feed never holds up quotes or a change of plan.
    let mut news_task: Option<Owned> = None;
    // When each symbol was last asked for: a group switch refetches only what is not fresh.
    let mut asked: std::collections::HashMap<Symbol, Instant> = std::collections::HashMap::new();
    loop {
        turns.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        if !plan.paused {
            let now = Instant::now();
            if now >= due.fast {
                let secs = if any_trading(&plan.fast, &*clock, &plan.calendar) {
                    plan.refresh_secs
                } else {
                    plan.closed_refresh_secs
                };
                let fast = plan.fast.clone();
                let at = Instant::now();
                asked.extend(fast.iter().map(|s| (s.clone(), at)));
                match send_quotes(&providers, &*clock, &plan, &fast, &mut fast_failures, &tx).await {
                    Sent::Closed => return,
                    Sent::Ok => {
                        let regular = Instant::now() + Duration::from_secs(secs.max(1));
                        // A market that opens (or comes back from lunch) before then is fetched as it does.
                        due.fast = regular.min(next_session_change(&plan.fast, &*clock, &plan.calendar));
                    }
                    Sent::Failed(retry) => due.fast = Instant::now() + retry,
                }
            }
            if now >= due.slow {
                let slow = plan.slow.clone();
                let at = Instant::now();
                asked.extend(slow.iter().map(|s| (s.clone(), at)));
                let next = Duration::from_secs(plan.closed_refresh_secs.max(1));
                match send_quotes(&providers, &*clock, &plan, &slow, &mut slow_failures, &tx).await {
                    Sent::Closed => return,
                    Sent::Ok => due.slow = Instant::now() + next,
                    // The group in view retries sooner; the rest waits at least its slow interval.
                    Sent::Failed(retry) => due.slow = Instant::now() + retry.max(next),
                }
            }
            if now >= due.news && news_task.is_none() {
                let mut all = plan.fast.clone();
                all.extend(plan.slow.iter().cloned());
                let (news, clock, tx, generation) =
                    (providers.news.clone(), clock.clone(), tx.clone(), plan.generation);
                news_task = Some(Owned(tokio::spawn(async move {
                    let send = |batch: crate::providers::NewsBatch| {
                        let errors =
                            batch.errors.into_iter().map(|(feed, e)| (clean(&feed), clean(&e))).collect();
                        let kind = DataKind::News { headlines: batch.headlines, errors };
                        tx.send(Msg::Data(DataMsg { generation, at: clock.now(), kind }))
                    };
                    // The feeds as soon as they are in; the official sources' part as it comes, or
                    // with a later round when a source is still at work after the patience.
                    let _ = send(news.headlines_by(&all, Instant::now()).await).await;
                    if let Some(rest) = news.remainder(Instant::now() + OFFICIAL_PATIENCE).await {
                        let _ = send(rest).await;
                    }
                })));
                due.news = Instant::now() + Duration::from_secs(plan.news_refresh_secs.max(1));
            }
        }
        // While headlines are being fetched their deadline waits for the fetch to end: a deadline
        // left in the past would make this loop spin until it does.
        let next =
            if news_task.is_some() { due.fast.min(due.slow) } else { due.fast.min(due.slow).min(due.news) };
        tokio::select! {
            _ = async { if let Some(t) = news_task.as_mut() { let _ = (&mut t.0).await; } }, if news_task.is_some() => {
                news_task = None;
            }
            changed = plan_rx.changed() => {
                if changed.is_err() {
                    return;
                }
                let new = plan_rx.borrow_and_update().clone();
                let now = Instant::now();
                if new.refresh_seq != plan.refresh_seq {
                    due = Due { fast: now, slow: now, news: now };
                }
                let fresh = |s: &Symbol| asked.get(s).is_some_and(|t| now.duration_since(*t) < Duration::from_secs(new.refresh_secs));
                if new.generation != plan.generation || (new.fast != plan.fast && !new.fast.iter().all(fresh)) {
                    due.fast = now;
                } else if new.fast.iter().any(|s| !plan.fast.contains(s)) {
                    // Switched to a group fetched moments ago: its next turn comes at the fast rate.
                    // (A batch that only lost symbols, the rates gone to the slow one, keeps its time.)
                    due.fast = due.fast.min(now + Duration::from_secs(new.refresh_secs.max(1)));
                }
                // A group switch only moves symbols between the two sets; fetch the rest only when it changed.
                if new.generation != plan.generation {
                    due.slow = now;
                }
                if plan.paused && !new.paused {
                    // Back from a pause: whatever fell due meanwhile is fetched now.
                    due.fast = due.fast.min(now);
                }
                plan = new;
            }
            _ = sleep_until(next), if !plan.paused => {}
        }
    }
}

/// When the next exchange of `symbols` opens, breaks for lunch, or closes, as a tokio instant
/// (at most a day ahead).
fn next_session_change(symbols: &[Symbol], clock: &dyn Clock, cal: &Calendar) -> Instant {
    let now = clock.now();
    let mut soonest = Duration::from_secs(24 * 3600);
    let mut seen: Vec<&'static str> = Vec::new();
    for s in symbols {
        let ex = exchange_for(s.as_str());
        if seen.contains(&ex.code) {
            continue;
        }
        seen.push(ex.code);
        if let Ok(d) = (ex.next_change(now, cal) - now).to_std() {
            // A second late, so the market is surely open when we ask.
            soonest = soonest.min(d + Duration::from_secs(1));
        }
    }
    Instant::now() + soonest
}

enum Sent {
    Ok,
    /// Fetching failed: try again after this long.
    Failed(Duration),
    /// The loop is gone.
    Closed,
}

/// How long to wait after a failure: what a rate limit asks for (the provider has jittered it),
/// else the refresh interval doubling with each consecutive failure, up to five minutes, plus up to
/// a fifth more by `jitter` (0..1), so clients that failed together do not retry together.
pub fn retry_delay(err: &ProviderError, failures: u32, refresh_secs: u64, jitter: f64) -> Duration {
    backoff(err, failures, Duration::from_secs(refresh_secs).max(crate::providers::RETRY_BASE), jitter)
}

/// `retry_delay` from a first wait of `base` (the refresh interval, at least `Providers::retry_base`).
fn backoff(err: &ProviderError, failures: u32, base: Duration, jitter: f64) -> Duration {
    if let ProviderError::RateLimited { retry_after } = err {
        return retry_after.unwrap_or(Duration::from_secs(30));
    }
    let wait = base.saturating_mul(1u32 << failures.saturating_sub(1).min(10)).min(Duration::from_secs(300));
    wait.mul_f64(1.0 + 0.2 * jitter.clamp(0.0, 1.0))
}

/// Fetch one batch and send the answer into the loop.
async fn send_quotes(
    providers: &Providers,
    clock: &dyn Clock,
    plan: &Plan,
    symbols: &[Symbol],
    failures: &mut u32,
    tx: &mpsc::Sender<Msg>,
) -> Sent {
    if symbols.is_empty() {
        return Sent::Ok;
    }
    let result = providers.quotes.quotes(symbols).await;
    // After the fetch: the label says which path this answer took.
    let source = providers.quotes.label();
    let (kind, sent) = match result {
        Ok(mut results) => {
            *failures = 0;
            for (_, outcome) in &mut results {
                if let Err(e) = outcome {
                    *e = e.clone().map_text(clean);
                }
            }
            (DataKind::Quotes { source, note: providers.quotes.note().map(|n| clean(&n)), results }, Sent::Ok)
        }
        Err(e) => {
            *failures += 1;
            let base = Duration::from_secs(plan.refresh_secs).max(providers.retry_base);
            let retry_in = backoff(&e, *failures, base, fastrand::f64());
            tracing::warn!(error = %e, retry_secs = retry_in.as_secs(), "quote fetch failed");
            let error = match &e {
                ProviderError::RateLimited { .. } => format!("rate limited by {source}"),
                other => other.to_string(),
            };
            (DataKind::QuotesFailed { source, error: clean(&error), retry_in }, Sent::Failed(retry_in))
        }
    };
    let msg = DataMsg { generation: plan.generation, at: clock.now(), kind };
    if tx.send(Msg::Data(msg)).await.is_err() { Sent::Closed } else { sent }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_delays() {
        let net = ProviderError::Network("reset".into());
        assert_eq!(retry_delay(&net, 1, 15, 0.0), Duration::from_secs(15));
        assert_eq!(retry_delay(&net, 2, 15, 0.0), Duration::from_secs(30));
        assert_eq!(retry_delay(&net, 3, 15, 0.0), Duration::from_secs(60));
        assert_eq!(retry_delay(&net, 30, 15, 0.0), Duration::from_secs(300));
        assert_eq!(retry_delay(&net, 1, 15, 1.0), Duration::from_secs(18), "at most a fifth more");
        assert_eq!(retry_delay(&net, 30, 15, 0.5), Duration::from_secs(330));
        let limited = ProviderError::RateLimited { retry_after: Some(Duration::from_secs(90)) };
        assert_eq!(retry_delay(&limited, 1, 15, 0.7), Duration::from_secs(90));
    }
}
