//! `chiptape filings`: the official items once (filings and rules), newest first, exit.

use chrono::{DateTime, Duration, Utc};

use super::news::{moves_for, print, watchlist_symbol};
use super::{EXIT_OK, EXIT_PARTIAL, Io, NewsFormat};
use crate::config::Config;
use crate::market::{Headline, HeadlineKind};
use crate::present::sanitize::clean;
use crate::providers::Providers;

/// What `filings` narrows the list to.
#[derive(Debug, Clone, Copy)]
pub struct Ask<'a> {
    pub symbol: Option<&'a str>,
    /// Forms as given (any case); empty means all.
    pub forms: &'a [String],
    pub days: u16,
}

/// `form` is one of `asked`, an amendment ("8-K/A") going with its form.
fn form_matches(form: Option<&str>, asked: &[String]) -> bool {
    let Some(form) = form else { return asked.is_empty() };
    let base = form.strip_suffix("/A").unwrap_or(form);
    asked.is_empty()
        || asked.iter().any(|a| a.trim().eq_ignore_ascii_case(form) || a.trim().eq_ignore_ascii_case(base))
}

pub async fn filings(
    providers: &Providers,
    cfg: &Config,
    ask: Ask<'_>,
    fmt: NewsFormat,
    now: DateTime<Utc>,
    io: Io<'_>,
) -> i32 {
    let Io { out, err } = io;
    let filter = match watchlist_symbol(cfg, ask.symbol, err) {
        Ok(f) => f,
        Err(code) => return code,
    };
    // The same sources the TUI asks, built from the same config; the demo has none.
    let sources = if providers.demo {
        Vec::new()
    } else {
        let mut s = crate::providers::official_sources(cfg, &providers.learned);
        s.extend(providers.sec.clone());
        s
    };
    if sources.is_empty() {
        let _ = writeln!(err, "chiptape: no official source is on (see [filings]; none in the demo)");
    }
    let symbols = cfg.all_symbols();
    let batches = futures::future::join_all(sources.iter().map(|s| s.headlines(&symbols))).await;
    let mut code = EXIT_OK;
    let mut items: Vec<Headline> = Vec::new();
    for b in batches {
        for (source, e) in &b.errors {
            let _ = writeln!(err, "chiptape: {source}: {}", clean(e));
            // EDGAR left alone for want of a contact is a setting, not data that failed to come.
            if e != crate::providers::official::sec::NO_CONTACT {
                code = EXIT_PARTIAL;
            }
        }
        crate::market::news::merge(&mut items, b.headlines, usize::MAX, Some(now));
    }
    let since = now - Duration::days(i64::from(ask.days));
    let items: Vec<&Headline> = items
        .iter()
        .filter(|h| h.kind != HeadlineKind::News)
        .filter(|h| filter.as_ref().is_none_or(|s| h.symbols.contains(s)))
        .filter(|h| form_matches(h.form.as_deref(), ask.forms))
        .filter(|h| h.published.is_some_and(|p| p >= since))
        .collect();
    let moves = moves_for(fmt, providers, &items, now).await;
    if let Err(e) = print(out, cfg, &items, &moves, fmt, now) {
        let _ = writeln!(err, "chiptape: cannot write output: {e}");
        return EXIT_PARTIAL;
    }
    code
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms_match_in_any_case_with_their_amendments() {
        let asked = vec!["8-k".to_string(), " RULE ".to_string()];
        assert!(form_matches(Some("8-K"), &asked) && form_matches(Some("8-K/A"), &asked));
        assert!(form_matches(Some("RULE"), &asked) && !form_matches(Some("10-Q"), &asked));
        assert!(form_matches(None, &[]) && !form_matches(None, &asked));
    }
}
