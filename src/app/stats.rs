//! What the loop counts about itself: wake-ups, frames and how late they were. Tests and benches read
//! the totals; a long run (the soak) reads a line a minute from the log (`CHIPTAPE_LOG=chiptape::stats=debug`).

use std::time::Duration;

use tokio::time::Instant;

/// A frame drawn later than this after it was due is late: a person sees the stutter.
pub const LATE: Duration = Duration::from_millis(100);

/// One line in the log this often, while frames are drawn.
const REPORT_EVERY: Duration = Duration::from_secs(60);

/// Totals over the whole run.
#[derive(Debug, Default, Clone, Copy)]
pub struct Stats {
    pub wakeups: u64,
    pub draws: u64,
    /// The most any frame was drawn after it was due (the frame timer, or the message that asked).
    pub latest: Duration,
    /// Frames drawn more than `LATE` after they were due.
    pub late: u64,
}

/// The totals and the window of the next log line.
pub struct Meter {
    pub stats: Stats,
    from: Instant,
    /// The totals when the window began.
    then: Stats,
    /// The latest frame within the window.
    latest: Duration,
}

impl Meter {
    pub fn new(now: Instant) -> Meter {
        Meter { stats: Stats::default(), from: now, then: Stats::default(), latest: Duration::ZERO }
    }

    pub fn woke(&mut self) {
        self.stats.wakeups += 1;
    }

    /// A frame due at `due` was on the terminal at `now`.
    pub fn drew(&mut self, due: Instant, now: Instant) {
        let late = now.saturating_duration_since(due);
        let s = &mut self.stats;
        s.draws += 1;
        s.latest = s.latest.max(late);
        s.late += u64::from(late > LATE);
        self.latest = self.latest.max(late);
        let since = now.saturating_duration_since(self.from);
        if since >= REPORT_EVERY {
            self.report(since);
            (self.from, self.then, self.latest) = (now, self.stats, Duration::ZERO);
        }
    }

    fn report(&self, since: Duration) {
        let (s, then) = (&self.stats, &self.then);
        let tasks = tokio::runtime::Handle::try_current().map_or(0, |h| h.metrics().num_alive_tasks());
        tracing::debug!(
            target: "chiptape::stats",
            secs = since.as_secs_f64(),
            draws = s.draws - then.draws,
            wakeups = s.wakeups - then.wakeups,
            latest_ms = self.latest.as_secs_f64() * 1e3,
            late = s.late - then.late,
            tasks,
            total_latest_ms = s.latest.as_secs_f64() * 1e3,
            "loop"
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_frame_drawn_long_after_it_was_due_is_counted_late() {
        let t0 = Instant::now();
        let mut m = Meter::new(t0);
        m.drew(t0, t0 + Duration::from_millis(16));
        m.drew(t0 + Duration::from_millis(100), t0 + Duration::from_millis(250));
        // Drawn before it was due (a key drew a frame the timer had set for later): not late at all.
        m.drew(t0 + Duration::from_millis(400), t0 + Duration::from_millis(300));
        assert_eq!(m.stats.draws, 3);
        assert_eq!(m.stats.late, 1);
        assert_eq!(m.stats.latest, Duration::from_millis(150));
    }
}
