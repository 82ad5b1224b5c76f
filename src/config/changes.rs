//! What an edit of the config changed. The state (what to fetch again, what to re-plan) and the
//! sources (what to rebuild, what to keep) both read it from here, so a key that matters to one
//! side cannot be forgotten by the other.

use super::Config;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Changes {
    /// The set of watched symbols.
    pub symbols: bool,
    /// What the quote and chart sources are built from: provider settings, and the calendar they
    /// judge a quote's session by.
    pub quote_sources: bool,
    /// What the headline sources are built from: feeds, and the names they tag by.
    pub news_sources: bool,
    /// What the refresh plan is made of: intervals, groups, and the calendar that decides which
    /// markets trade (a holiday polls at the closed rate).
    pub plan: bool,
    /// What the alerts watch.
    pub alerts: bool,
}

impl Changes {
    /// The sources must be rebuilt and the refresh task restarted (a new plan alone is not enough).
    pub fn sources(&self) -> bool {
        self.symbols || self.quote_sources || self.news_sources
    }
}

/// What changed from `old` to `new`. A new theme or key map changes nothing here: it needs neither
/// new sources nor a new plan, only a redraw.
pub fn changes(old: &Config, new: &Config) -> Changes {
    let calendar = old.calendar != new.calendar;
    Changes {
        symbols: old.all_symbols() != new.all_symbols(),
        // A proxy's change rebuilds the clients it is built into (the streamer follows Yahoo's).
        quote_sources: old.provider != new.provider
            || calendar
            || (&old.proxy.yahoo, &old.proxy.tencent) != (&new.proxy.yahoo, &new.proxy.tencent),
        news_sources: old.news != new.news
            || old.symbols != new.symbols
            || old.filings != new.filings
            || old.proxy != new.proxy,
        plan: old.refresh_secs != new.refresh_secs
            || old.closed_refresh_secs != new.closed_refresh_secs
            || old.news_refresh_secs != new.news_refresh_secs
            || old.groups != new.groups
            || calendar,
        alerts: old.alerts != new.alerts || old.news != new.news,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::market::calendar::{Calendar, Holiday};

    #[test]
    fn a_holiday_reaches_the_plan_and_the_quote_sources() {
        let old = super::super::builtin();
        let mut new = old.clone();
        let day = chrono::NaiveDate::from_ymd_opt(2026, 11, 24).unwrap();
        let holiday =
            Holiday { exchange: "NY".into(), date: day, name: "Test day".into(), open: None, close: None };
        new.calendar = Calendar::with(vec![holiday]);
        let c = changes(&old, &new);
        assert!(c.plan && c.quote_sources && c.sources(), "{c:?}");
        assert!(!c.symbols && !c.news_sources && !c.alerts, "{c:?}");
    }

    #[test]
    fn a_theme_changes_nothing_a_source_or_the_plan_sees() {
        let old = super::super::builtin();
        let mut new = old.clone();
        new.theme.name = super::super::ThemeName::Mono;
        assert_eq!(changes(&old, &new), Changes::default());
        let mut new = old.clone();
        new.refresh_secs += 5;
        assert_eq!(changes(&old, &new), Changes { plan: true, ..Changes::default() });
    }
}
