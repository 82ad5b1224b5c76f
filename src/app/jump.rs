//! A jump of the wall clock: a laptop's sleep stops the monotonic clock, not the wall clock, so
//! after a resume the wall clock has run ahead of it.

use chrono::{DateTime, Utc};
use tokio::time::Instant;

/// Seconds the wall clock may run ahead of the monotonic clock between two looks before it counts
/// as a jump (a suspend and resume, or the clock set forward).
pub const JUMP_SECS: i64 = 30;

/// The two clocks as of the last look.
#[derive(Debug, Clone, Copy)]
pub struct ClockJump {
    wall: DateTime<Utc>,
    mono: Instant,
}

impl ClockJump {
    pub fn new(wall: DateTime<Utc>, mono: Instant) -> ClockJump {
        ClockJump { wall, mono }
    }

    /// How far the wall clock ran ahead of the monotonic one since the last look, when that is a
    /// jump; the look is kept either way.
    pub fn look(&mut self, wall: DateTime<Utc>, mono: Instant) -> Option<chrono::Duration> {
        let slept = chrono::Duration::from_std(mono.saturating_duration_since(self.mono)).unwrap_or_default();
        let ahead = wall - self.wall - slept;
        *self = ClockJump { wall, mono };
        (ahead > chrono::Duration::seconds(JUMP_SECS)).then_some(ahead)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn at(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    #[test]
    fn clocks_that_run_together_never_jump() {
        let mono = Instant::now();
        let mut j = ClockJump::new(at("2026-11-24T15:00:00Z"), mono);
        // An idle hour, both clocks moving alike.
        assert_eq!(j.look(at("2026-11-24T16:00:00Z"), mono + Duration::from_secs(3600)), None);
        // Up to the threshold of drift is not a jump.
        let mono2 = mono + Duration::from_secs(3600 + 60);
        assert_eq!(j.look(at("2026-11-24T16:01:30Z"), mono2), None);
    }

    #[test]
    fn a_suspend_is_a_jump_once() {
        let mono = Instant::now();
        let mut j = ClockJump::new(at("2026-11-24T15:00:00Z"), mono);
        // The lid closed for two hours: the monotonic clock saw a second of it.
        let back = mono + Duration::from_secs(1);
        assert_eq!(j.look(at("2026-11-24T17:00:01Z"), back), Some(chrono::Duration::hours(2)));
        // The next look measures from the resume, not from before the suspend.
        assert_eq!(j.look(at("2026-11-24T17:00:11Z"), back + Duration::from_secs(10)), None);
    }

    #[test]
    fn a_clock_set_back_is_not_a_jump_forward() {
        let mono = Instant::now();
        let mut j = ClockJump::new(at("2026-11-24T15:00:00Z"), mono);
        assert_eq!(j.look(at("2026-11-24T14:00:00Z"), mono + Duration::from_secs(5)), None);
    }
}
