//! The tasks the loop runs beside itself: the refresh task and the price stream. Each is aborted
//! when its handle is dropped.

use std::sync::Arc;

use tokio::sync::{mpsc, watch};

use crate::market::Symbol;
use crate::market::clock::Clock;
use crate::market::stream::StreamEvent;
use crate::msg::{Msg, Plan};
use crate::providers::{Providers, StreamSource};

/// The refresh task and the channel of its plan; restarted whole when the sources change.
pub struct Refresher {
    plan_tx: watch::Sender<Plan>,
    task: tokio::task::JoinHandle<()>,
}

impl Refresher {
    pub fn start(
        providers: &Providers,
        clock: &Arc<dyn Clock>,
        plan: Plan,
        data_tx: mpsc::Sender<Msg>,
    ) -> Refresher {
        let (plan_tx, plan_rx) = watch::channel(plan);
        let task = tokio::spawn(crate::refresh::run(providers.clone(), clock.clone(), plan_rx, data_tx));
        Refresher { plan_tx, task }
    }

    /// The latest plan wins: one the task has not read yet is replaced.
    pub fn plan(&self, plan: Plan) {
        self.plan_tx.send_replace(plan);
    }
}

impl Drop for Refresher {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// The price stream's task and the symbol list it follows. It outlives config edits that keep its
/// source, so `a`/`d` change the subscription without a reconnect.
pub struct Streamer {
    source: Arc<dyn StreamSource>,
    symbols: watch::Sender<Vec<Symbol>>,
    /// Its own channel: what a replaced stream had queued goes with it.
    pub events: mpsc::Receiver<StreamEvent>,
    task: tokio::task::JoinHandle<()>,
}

impl Streamer {
    pub fn start(providers: &Providers, symbols: Vec<Symbol>) -> Option<Streamer> {
        let source = providers.stream.clone()?;
        let (symbols, rx) = watch::channel(symbols);
        // A flood of ticks waits here rather than in memory: the stream task slows to what the loop takes.
        let (tx, events) = mpsc::channel(256);
        let task = tokio::spawn(source.clone().run(rx, tx));
        Some(Streamer { source, symbols, events, task })
    }

    /// Still the stream `providers` has (an edit that kept the provider settings keeps it).
    pub fn serves(&self, providers: &Providers) -> bool {
        providers.stream.as_ref().is_some_and(|s| Arc::ptr_eq(s, &self.source))
    }

    pub fn follow(&self, symbols: Vec<Symbol>) {
        self.symbols.send_if_modified(|v| {
            let changed = *v != symbols;
            *v = symbols;
            changed
        });
    }
}

impl Drop for Streamer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// The status bar says so when the config asks for a stream that cannot run (the simulated
/// market's own stream needs no proxy).
pub fn say_if_stream_off(config: &crate::config::Config, demo: bool, inbox: &mpsc::UnboundedSender<Msg>) {
    if let Some(why) = crate::providers::stream_off(config).filter(|_| !demo) {
        let _ = inbox.send(Msg::Warning(why));
    }
}
