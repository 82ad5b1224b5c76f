//! Results from the refresh task and config reloads.

use chrono::Duration;

use super::{QuoteEntry, State};
use crate::config::Config;
use crate::msg::{DataKind, DataMsg, Effect, Outcome};

pub fn apply(s: &mut State, d: DataMsg, out: &mut Outcome) {
    if d.generation < s.generation {
        return; // an answer to a plan that no longer holds
    }
    out.redraw = true;
    if matches!(d.kind, DataKind::Quotes { .. } | DataKind::QuotesFailed { .. })
        && s.notice.as_deref() == Some(super::input::REFRESHING)
    {
        s.notice = None;
    }
    match d.kind {
        DataKind::Quotes { source, results } => {
            for (sym, outcome) in results {
                let e: &mut QuoteEntry = s.quotes.entry(sym).or_default();
                match outcome {
                    Ok(q) => {
                        e.quote = Some(q);
                        e.error = None;
                        e.updated = Some(d.at);
                    }
                    // Keep the last good quote beside the error.
                    Err(err) => e.error = Some(err),
                }
            }
            s.quote_status.label = source;
            s.quote_status.last_ok = Some(d.at);
            s.quote_status.error = None;
            s.quote_status.retry_at = None;
            s.fix_offsets();
        }
        DataKind::QuotesFailed { source, error, retry_in } => {
            s.quote_status.label = source;
            s.quote_status.error = Some(error);
            s.quote_status.retry_at = Duration::from_std(retry_in).ok().map(|r| d.at + r);
        }
        DataKind::News { headlines, errors } => {
            crate::market::news::merge(&mut s.headlines, headlines, s.config.news.max_items);
            if !s.headlines.is_empty() || errors.is_empty() {
                s.news_status.last_ok = Some(d.at);
            }
            s.news_status.label = "news".to_string();
            // The first failing feed by name, and how many more: the status bar has one line.
            s.news_status.error = errors.first().map(|(f, e)| match errors.len() {
                1 => format!("{f}: {e}"),
                n => format!("{f}: {e} (+{} more failing)", n - 1),
            });
            s.fix_offsets();
        }
    }
}

pub fn config(s: &mut State, c: Result<Config, String>, out: &mut Outcome) {
    out.redraw = true;
    match c {
        Ok(cfg) => {
            let symbols_changed = cfg.all_symbols() != s.config.all_symbols();
            let group_name = s.config.groups.get(s.group).map(|g| g.name.clone());
            s.config = cfg;
            s.config_error = None;
            s.group = group_name
                .and_then(|n| s.config.groups.iter().position(|g| g.name == n))
                .unwrap_or(0)
                .min(s.config.groups.len().saturating_sub(1));
            if symbols_changed {
                s.generation += 1;
            }
            s.fix_offsets();
            out.effects.push(Effect::Reconfigure);
        }
        Err(e) => s.config_error = Some(e),
    }
}
