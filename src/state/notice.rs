//! One-off messages in the status bar, and the session's log of every message and error. An
//! information leaves the bar after about 8 s, a warning after about 30 s; errors of a source or
//! of the config stay while they hold (they are not notices). The log keeps each with its time.

use std::collections::VecDeque;
use std::ops::Deref;

use chrono::{DateTime, Duration, Utc};

/// Messages the log keeps.
pub const LOG_MAX: usize = 500;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Info,
    Warn,
    Error,
}

impl Level {
    /// How long a notice of this level stays in the status bar.
    fn lasts(self) -> Option<Duration> {
        match self {
            Level::Info => Some(Duration::seconds(8)),
            Level::Warn => Some(Duration::seconds(30)),
            Level::Error => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Notice {
    pub text: String,
    /// The same message with the user's amounts as `•••`, for the discreet mode, when it has any.
    pub discreet: Option<String>,
    pub level: Level,
    /// When it was first shown: set by `update` when the message that raised it is done.
    pub at: Option<DateTime<Utc>>,
}

impl Notice {
    pub fn info(text: impl Into<String>) -> Notice {
        Notice { text: text.into(), discreet: None, level: Level::Info, at: None }
    }

    pub fn warn(text: impl Into<String>) -> Notice {
        Notice { text: text.into(), discreet: None, level: Level::Warn, at: None }
    }

    /// The text to show in the discreet mode instead.
    pub fn with_discreet(self, text: String) -> Notice {
        Notice { discreet: Some(text), ..self }
    }

    /// The text to show: the discreet one while the mode is on.
    pub fn text_for(&self, discreet: bool) -> &str {
        shown_text(&self.text, self.discreet.as_deref(), discreet)
    }

    /// When it leaves the status bar, if it does.
    pub fn until(&self) -> Option<DateTime<Utc>> {
        Some(self.at? + self.level.lasts()?)
    }

    pub fn shown(&self, now: DateTime<Utc>) -> bool {
        self.until().is_none_or(|u| now < u)
    }
}

impl From<String> for Notice {
    fn from(text: String) -> Notice {
        Notice::info(text)
    }
}

impl From<&str> for Notice {
    fn from(text: &str) -> Notice {
        Notice::info(text)
    }
}

/// The text, so `notice.as_deref()` reads as it did when a notice was a string.
impl Deref for Notice {
    type Target = str;
    fn deref(&self) -> &str {
        &self.text
    }
}

/// One line of the message log: the full text, never cut to the bar's width.
#[derive(Debug, Clone, PartialEq)]
pub struct Logged {
    pub at: DateTime<Utc>,
    pub level: Level,
    pub text: String,
    pub discreet: Option<String>,
}

impl Logged {
    pub fn text_for(&self, discreet: bool) -> &str {
        shown_text(&self.text, self.discreet.as_deref(), discreet)
    }
}

fn shown_text<'a>(text: &'a str, hidden: Option<&'a str>, discreet: bool) -> &'a str {
    match hidden {
        Some(h) if discreet => h,
        _ => text,
    }
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Messages(pub VecDeque<Logged>);

impl Messages {
    pub fn push(&mut self, at: DateTime<Utc>, level: Level, text: &str) {
        self.push_both(at, level, text, None);
    }

    /// A message with its discreet form (see `Notice::discreet`).
    fn push_both(&mut self, at: DateTime<Utc>, level: Level, text: &str, discreet: Option<String>) {
        if level != Level::Info {
            // Errors and warnings also go to the log file.
            tracing::warn!(message = text, "shown to the user");
        }
        self.0.push_back(Logged { at, level, text: text.to_string(), discreet });
        if self.0.len() > LOG_MAX {
            self.0.pop_front();
        }
    }
}

impl super::State {
    /// The errors that stand while their condition holds: the config's and each source's.
    pub(super) fn standing_errors(&self) -> [Option<String>; 3] {
        [self.config_error.clone(), self.sources.quotes().error.clone(), self.sources.news().error.clone()]
    }

    /// After a message: a notice raised by it is dated (its time in the bar starts now) and logged,
    /// and so is each standing error that is new or changed.
    pub(super) fn log_messages(&mut self, before: [Option<String>; 3], now: DateTime<Utc>) {
        if let Some(n) = self.notice.as_mut().filter(|n| n.at.is_none()) {
            n.at = Some(now);
            let (level, text, discreet) = (n.level, n.text.clone(), n.discreet.clone());
            self.messages.push_both(now, level, &text, discreet);
        }
        let after = self.standing_errors();
        for (what, (b, a)) in ["config", "quotes", "news"].iter().zip(before.iter().zip(after.iter())) {
            if let Some(e) = a.as_ref().filter(|a| b.as_ref() != Some(*a)) {
                self.messages.push(now, Level::Error, &format!("{what}: {e}"));
            }
        }
    }

    /// The notice the status bar shows now: none once it has had its time, and an information
    /// never over a standing error (the bar shows the error, and "+1" for the notice).
    pub fn notice_shown(&self) -> Option<&Notice> {
        let n = self.notice.as_ref().filter(|n| n.shown(self.now))?;
        let erring = self.standing_errors().iter().any(Option::is_some);
        (n.level != Level::Info || !erring).then_some(n)
    }

    /// An information held back by a standing error: the bar says "+1".
    pub fn notice_held(&self) -> bool {
        self.notice.as_ref().is_some_and(|n| n.shown(self.now)) && self.notice_shown().is_none()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn infos_last_8_seconds_warnings_30_and_the_log_is_bounded() {
        let t0: DateTime<Utc> = "2026-11-24T15:00:00Z".parse().unwrap();
        let mut n = Notice::info("added AAPL");
        assert!(n.shown(t0), "not yet dated: shown");
        n.at = Some(t0);
        assert!(n.shown(t0 + Duration::seconds(7)) && !n.shown(t0 + Duration::seconds(8)));
        let w = Notice { at: Some(t0), ..Notice::warn("alert: NVDA above 200") };
        assert!(w.shown(t0 + Duration::seconds(29)) && !w.shown(t0 + Duration::seconds(30)));
        let mut log = Messages::default();
        for i in 0..LOG_MAX + 3 {
            log.push(t0, Level::Info, &format!("m{i}"));
        }
        assert_eq!(log.0.len(), LOG_MAX);
        assert_eq!(log.0.front().unwrap().text, "m3");
    }
}
