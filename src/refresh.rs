//! The background task that owns the schedule: it fetches on time and sends results into the loop.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{mpsc, watch};
use tokio::time::{Instant, sleep_until};

use crate::clock::Clock;
use crate::market::Symbol;
use crate::market::exchange::exchange_for;
use crate::msg::{DataKind, DataMsg, Msg};
use crate::providers::Providers;

/// What to fetch and how often. The latest plan wins.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Plan {
    pub generation: u64,
    /// The group in view: refreshed at `refresh_secs` while one of its markets trades.
    pub fast: Vec<Symbol>,
    /// Every other symbol: at `closed_refresh_secs`.
    pub slow: Vec<Symbol>,
    pub refresh_secs: u64,
    pub closed_refresh_secs: u64,
    pub news_refresh_secs: u64,
    pub paused: bool,
    /// Bumped by `r`: fetch everything now.
    pub refresh_seq: u64,
}

struct Due {
    fast: Instant,
    slow: Instant,
    news: Instant,
}

fn any_trading(symbols: &[Symbol], clock: &dyn Clock) -> bool {
    let now = clock.now();
    symbols.iter().any(|s| exchange_for(s.as_str()).state_at(now).is_trading())
}

/// Run until the plan sender or the result receiver is gone.
pub async fn run(
    providers: Providers,
    clock: Arc<dyn Clock>,
    mut plan_rx: watch::Receiver<Plan>,
    tx: mpsc::Sender<Msg>,
) {
    // Lets the end-to-end tests prove that a panic in a task restores the terminal.
    if std::env::var_os("CHIPTAPE_PANIC_FOR_TEST").is_some_and(|v| v == "refresh") {
        panic!("panic requested by CHIPTAPE_PANIC_FOR_TEST");
    }
    let mut plan = plan_rx.borrow_and_update().clone();
    let start = Instant::now();
    let mut due = Due { fast: start, slow: start, news: start };
    loop {
        if !plan.paused {
            let now = Instant::now();
            if now >= due.fast {
                let fast = plan.fast.clone();
                if !send_quotes(&providers, &*clock, &plan, &fast, &tx).await {
                    return;
                }
                let secs = if any_trading(&plan.fast, &*clock) {
                    plan.refresh_secs
                } else {
                    plan.closed_refresh_secs
                };
                due.fast = Instant::now() + Duration::from_secs(secs.max(1));
            }
            if now >= due.slow {
                let slow = plan.slow.clone();
                if !slow.is_empty() && !send_quotes(&providers, &*clock, &plan, &slow, &tx).await {
                    return;
                }
                due.slow = Instant::now() + Duration::from_secs(plan.closed_refresh_secs.max(1));
            }
            if now >= due.news {
                let mut all = plan.fast.clone();
                all.extend(plan.slow.iter().cloned());
                let batch = providers.news.headlines(&all).await;
                let msg = DataMsg {
                    generation: plan.generation,
                    at: clock.now(),
                    kind: DataKind::News { headlines: batch.headlines, errors: batch.errors },
                };
                if tx.send(Msg::Data(msg)).await.is_err() {
                    return;
                }
                due.news = Instant::now() + Duration::from_secs(plan.news_refresh_secs.max(1));
            }
        }
        let next = due.fast.min(due.slow).min(due.news);
        tokio::select! {
            changed = plan_rx.changed() => {
                if changed.is_err() {
                    return;
                }
                let new = plan_rx.borrow_and_update().clone();
                let now = Instant::now();
                if new.refresh_seq != plan.refresh_seq {
                    due = Due { fast: now, slow: now, news: now };
                }
                if new.fast != plan.fast || new.generation != plan.generation {
                    due.fast = now;
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

/// Fetch and send one batch; false when the loop is gone.
async fn send_quotes(
    providers: &Providers,
    clock: &dyn Clock,
    plan: &Plan,
    symbols: &[Symbol],
    tx: &mpsc::Sender<Msg>,
) -> bool {
    if symbols.is_empty() {
        return true;
    }
    let source = providers.quotes.label();
    let kind = match providers.quotes.quotes(symbols).await {
        Ok(results) => DataKind::Quotes { source, results },
        Err(e) => {
            tracing::warn!(error = %e, "quote fetch failed");
            let retry_in = Duration::from_secs(plan.refresh_secs.max(5));
            DataKind::QuotesFailed { source, error: e.to_string(), retry_in }
        }
    };
    let msg = DataMsg { generation: plan.generation, at: clock.now(), kind };
    tx.send(Msg::Data(msg)).await.is_ok()
}
