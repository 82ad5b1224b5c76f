//! How each source is doing: when it last answered, its last error, when it is tried again. One
//! map, so a second quote source or each feed gets its own line without a new field.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

/// Freshness of one data source, for the status bar.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SourceStatus {
    pub label: String,
    pub last_ok: Option<DateTime<Utc>>,
    pub error: Option<String>,
    pub retry_at: Option<DateTime<Utc>>,
    /// A fallback in force, as the source words it (which source stands in, and why).
    pub note: Option<String>,
}

/// What a status is about: prices and headlines as the status bar sums them up, and each feed.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SourceKey {
    Quotes,
    News,
    /// One feed, by its name.
    Feed(String),
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Statuses(BTreeMap<SourceKey, SourceStatus>);

/// A source not heard from yet.
static NONE: SourceStatus =
    SourceStatus { label: String::new(), last_ok: None, error: None, retry_at: None, note: None };

impl Statuses {
    pub fn get(&self, key: &SourceKey) -> &SourceStatus {
        self.0.get(key).unwrap_or(&NONE)
    }

    pub fn entry(&mut self, key: SourceKey) -> &mut SourceStatus {
        self.0.entry(key).or_default()
    }

    pub fn quotes(&self) -> &SourceStatus {
        self.get(&SourceKey::Quotes)
    }

    pub fn news(&self) -> &SourceStatus {
        self.get(&SourceKey::News)
    }

    /// What the status bar shows: the two summaries.
    pub fn shown(&self) -> [&SourceStatus; 2] {
        [self.quotes(), self.news()]
    }

    /// Each feed that has failed, with its error, by name.
    pub fn failing_feeds(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().filter_map(|(k, st)| match (k, &st.error) {
            (SourceKey::Feed(name), Some(e)) => Some((name.as_str(), e.as_str())),
            _ => None,
        })
    }

    /// A round of headlines came in at `at`: every feed not in `errors` answered, each in `errors`
    /// failed with its own error (not just the first).
    pub fn feeds_answered(&mut self, errors: &[(String, String)], at: DateTime<Utc>) {
        for (key, st) in self.0.iter_mut() {
            if let SourceKey::Feed(name) = key
                && !errors.iter().any(|(f, _)| f == name)
            {
                st.error = None;
                st.last_ok = Some(at);
            }
        }
        for (feed, e) in errors {
            let st = self.entry(SourceKey::Feed(feed.clone()));
            st.label = feed.clone();
            st.error = Some(e.clone());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_failing_feed_keeps_its_own_error_until_it_answers() {
        let mut s = Statuses::default();
        let at: DateTime<Utc> = "2026-11-24T15:00:00Z".parse().unwrap();
        let errors = vec![("Wire".to_string(), "HTTP 500".to_string()), ("Blog".into(), "timeout".into())];
        s.feeds_answered(&errors, at);
        let failing: Vec<_> = s.failing_feeds().collect();
        assert_eq!(failing, [("Blog", "timeout"), ("Wire", "HTTP 500")]);
        s.feeds_answered(&errors[..1], at + chrono::Duration::minutes(5));
        assert_eq!(s.failing_feeds().collect::<Vec<_>>(), [("Wire", "HTTP 500")]);
        let blog = s.get(&SourceKey::Feed("Blog".into()));
        assert_eq!((blog.error.as_deref(), blog.last_ok), (None, Some(at + chrono::Duration::minutes(5))));
        assert_eq!(s.quotes(), &SourceStatus::default(), "a source not heard from");
    }
}
