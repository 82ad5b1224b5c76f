//! Results from the refresh task and config reloads.

use chrono::Duration;

use super::{QuoteEntry, SourceKey, SourceStatus, State};
use crate::config::Config;
use crate::msg::{DataKind, DataMsg, Effect, Outcome};

pub fn apply(s: &mut State, d: DataMsg, out: &mut Outcome) {
    if d.generation < s.generation {
        return; // an answer to a plan that no longer holds
    }
    out.redraw = true;
    out.effects.push(Effect::SaveCache);
    if matches!(d.kind, DataKind::Quotes { .. } | DataKind::QuotesFailed { .. })
        && s.notice.as_deref() == Some(super::input::REFRESHING)
    {
        s.notice = None;
    }
    match d.kind {
        DataKind::Quotes { source, note, results } => {
            let fx_before = (s.fx_symbols(), s.fx_pending());
            let fresh: Vec<crate::market::Quote> =
                results.iter().filter_map(|(_, o)| o.as_ref().ok().cloned()).collect();
            for (sym, outcome) in results {
                let e: &mut QuoteEntry = s.quotes.entry(sym).or_default();
                match outcome {
                    Ok(mut q) => {
                        // A source without event dates (a stand-in, the chart fallback) does not
                        // erase those the first source gave: the dates outlive the price's source.
                        if q.events.is_empty()
                            && let Some(old) = &e.quote
                        {
                            q.events = old.events;
                        }
                        e.quote = Some(q);
                        e.error = None;
                        e.updated = Some(d.at);
                        e.cached = false;
                    }
                    // Keep the last good quote beside the error.
                    Err(err) => e.error = Some(err.to_string()),
                }
            }
            *s.sources.entry(SourceKey::Quotes) =
                SourceStatus { label: source, note, last_ok: Some(d.at), error: None, retry_at: None };
            s.fix_offsets();
            // A held quote's currency is first known now (its rate joins the plan), or a pending
            // rate came (it goes with the slow batch from now on).
            if (s.fx_symbols(), s.fx_pending()) != fx_before {
                out.effects.push(Effect::Replan);
            }
            let fresh: Vec<&crate::market::Quote> = fresh.iter().collect();
            s.check_price_alerts(&fresh, d.at, out);
            s.check_earnings_alerts(&fresh, d.at, out);
        }
        DataKind::QuotesFailed { source, error, retry_in } => {
            let st = s.sources.entry(SourceKey::Quotes);
            st.label = source;
            st.error = Some(error);
            st.retry_at = Duration::from_std(retry_in).ok().and_then(|r| d.at.checked_add_signed(r));
        }
        DataKind::News { headlines, errors } => {
            // Reading from the top means following the newest: a batch of news must not leave the
            // view sitting on what used to be first.
            let at_top = s.news.offset == 0
                && s.news_rows()
                    .first()
                    .is_none_or(|h| s.news.selected.as_ref().is_none_or(|id| *id == h.id));
            let answered = !headlines.is_empty() || errors.is_empty();
            // Reading further down: the first headline in view stays first, wherever new ones land.
            let first_in_view =
                (!at_top).then(|| s.news_rows().get(s.news.offset).map(|h| h.id.clone())).flatten();
            let known: std::collections::HashSet<String> = s.headlines.iter().map(|h| h.id.clone()).collect();
            crate::market::news::merge(&mut s.headlines, headlines, s.config.news.max_items, Some(d.at));
            if let Some(id) = first_in_view {
                let rows = s.news_rows();
                if let Some(i) = rows.position(&id) {
                    s.news_above += rows.iter().take(i).filter(|h| !known.contains(&h.id)).count();
                    s.news.offset = i;
                }
            }
            let new: Vec<crate::market::Headline> =
                s.headlines.iter().filter(|h| !known.contains(&h.id)).cloned().collect();
            if answered {
                let new: Vec<&crate::market::Headline> = new.iter().collect();
                s.check_headline_alerts(&new, d.at, out);
            }
            if at_top {
                s.news.selected = None;
            }
            if answered {
                s.sources.entry(SourceKey::News).last_ok = Some(d.at);
            }
            s.sources.feeds_answered(&errors, d.at);
            let st = s.sources.entry(SourceKey::News);
            st.label = "news".to_string();
            // The first failing feed by name, and how many more: the status bar has one line.
            st.error = errors.first().map(|(f, e)| match errors.len() {
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
            let changed = crate::config::changes(&s.config, &cfg);
            if cfg.mouse != s.config.mouse {
                out.effects.push(Effect::MouseCapture(cfg.mouse));
            }
            // An edit of `discreet` applies; a reload that leaves it alone keeps what `x` chose.
            if cfg.discreet != s.config.discreet {
                s.discreet = cfg.discreet;
            }
            let group_name = s.config.groups.get(s.group).map(|g| g.name.clone());
            crate::market::news::forget_feeds(&mut s.headlines, &s.config.news.feeds_gone_in(&cfg.news));
            *s.config = cfg;
            s.config_error = None;
            if !s.config.provider.stream {
                // The stream task is stopped with it: no row stays "live".
                s.stream = super::StreamStatus::default();
                s.replan_if_live_changed(out);
            }
            // A new symbol or feed brings its backlog in its first batch, as every feed does at
            // start: that batch is the baseline, not a storm of alerts on old stories.
            if changed.alerts || changed.symbols || changed.news_sources {
                s.alerts_reconfigured();
            }
            s.group = group_name
                .and_then(|n| s.config.groups.iter().position(|g| g.name == n))
                .unwrap_or(0)
                .min(s.config.groups.len().saturating_sub(1));
            // New sources answer a new plan: whatever the old ones still deliver (a removed feed's
            // late headlines, quotes of a removed symbol) is dropped by its generation.
            if changed.sources() {
                s.generation += 1;
            }
            s.fix_offsets();
            if changed.sources() {
                out.effects.push(Effect::Reconfigure);
            } else if changed.plan {
                out.effects.push(Effect::Replan);
            }
        }
        Err(e) => s.config_error = Some(e),
    }
}
