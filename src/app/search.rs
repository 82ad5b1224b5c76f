//! The add prompt's remote searches: one task per source, started when the prompt first asks. Each
//! waits for a pause in typing, asks about the latest text only, and has at most one request in
//! flight; the loop never waits on any of them, so a key costs the same while a source hangs.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{mpsc, watch};

use crate::msg::{Msg, SearchEvent};
use crate::present::sanitize::clean;
use crate::providers::SymbolSearch;

/// Typing faster than this is one query: a source is asked once the text rests this long.
pub const DEBOUNCE: Duration = Duration::from_millis(250);

/// The tasks, and the channel of the text they follow. Dropped, they stop.
pub struct Searchers {
    text: watch::Sender<(u64, String)>,
    tasks: Vec<tokio::task::JoinHandle<()>>,
}

impl Searchers {
    pub fn start(sources: &[Arc<dyn SymbolSearch>], inbox: &mpsc::UnboundedSender<Msg>) -> Searchers {
        let (text, rx) = watch::channel((0, String::new()));
        let tasks = sources.iter().map(|s| tokio::spawn(run(s.clone(), rx.clone(), inbox.clone()))).collect();
        Searchers { text, tasks }
    }

    /// The prompt's text numbered `seq`: replaces any the tasks have not taken up yet.
    pub fn ask(&self, seq: u64, query: String) {
        self.text.send_replace((seq, query));
    }
}

impl Drop for Searchers {
    fn drop(&mut self) {
        for t in &self.tasks {
            t.abort();
        }
    }
}

async fn run(
    source: Arc<dyn SymbolSearch>,
    mut text: watch::Receiver<(u64, String)>,
    inbox: mpsc::UnboundedSender<Msg>,
) {
    let name = source.name();
    while text.changed().await.is_ok() {
        // Wait for a pause in typing: every change starts the wait again.
        loop {
            match tokio::time::timeout(DEBOUNCE, text.changed()).await {
                Ok(Ok(())) => continue,
                Ok(Err(_)) => return,
                Err(_) => break,
            }
        }
        let (seq, raw) = text.borrow_and_update().clone();
        let query = crate::market::search::clean_query(&raw);
        // Codes typed as a list are added as they are: nothing to look up.
        if query.is_empty() || query.contains(',') {
            continue;
        }
        let _ = inbox.send(Msg::Search(SearchEvent::Asking { seq, source: name }));
        let result = source.search(&query).await.map_err(|e| clean(&e.to_string()));
        let _ = inbox.send(Msg::Search(SearchEvent::Answer { seq, source: name, result }));
    }
}
