//! Requests to one publisher spaced out: a round over twenty companies must not arrive as a burst.

use std::time::Duration;

use tokio::time::Instant;

pub struct Pace {
    gap: Duration,
    last: tokio::sync::Mutex<Option<Instant>>,
}

impl Pace {
    pub fn new(gap: Duration) -> Pace {
        Pace { gap, last: tokio::sync::Mutex::new(None) }
    }

    /// Returns when the next request may go out, and counts it as gone.
    pub async fn wait(&self) {
        let mut last = self.last.lock().await;
        if let Some(at) = *last {
            tokio::time::sleep_until(at + self.gap).await;
        }
        *last = Some(Instant::now());
    }
}
