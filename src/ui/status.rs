//! The bottom line: per-source freshness or error, the search prompt, notices, key hints.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::theme::Theme;
use crate::config::Action;
use crate::present::text::{fit, one_line, width};
use crate::present::time;
use crate::state::{Level, Prompt, SourceStatus, State};

fn source_text(st: &SourceStatus, name: &str, now: chrono::DateTime<chrono::Utc>) -> (String, bool) {
    let label =
        if st.label.is_empty() || st.label == name { String::new() } else { format!(" {}", st.label) };
    let ago = st.last_ok.map(|t| {
        let age = time::age(t, now);
        if age == "now" { "just now".to_string() } else { format!("{age} ago") }
    });
    match (&st.error, ago) {
        (Some(e), ago) => {
            // Once the retry is due it is in flight: a countdown stuck at 0s would say nothing.
            let retry = match st.retry_at {
                Some(t) if t > now => format!(" — retrying in {}", time::until(t, now)),
                Some(_) => " — retrying…".to_string(),
                None => String::new(),
            };
            // Some sources answered (headlines from other feeds): say when, then what failed.
            let when = ago.map(|a| format!(" {a}")).unwrap_or_default();
            (format!("{name}{label}{when}: {e}{retry}"), true)
        }
        // A fallback in force reads as a warning: the prices are not what the user asked for. It
        // names the sources itself ("quotes: A rate limited — B serving 24 · just now").
        (None, Some(a)) => match &st.note {
            Some(n) => (format!("{name}: {n} · {a}"), true),
            None => (format!("{name}{label} {a}"), false),
        },
        (None, None) => (format!("{name}: loading…"), false),
    }
}

/// A config error for an 80-column bar: the file by its name, not its whole path, so the line,
/// column and what is wrong come first (the message log keeps the full text).
fn short_config_error(e: &str) -> String {
    let e = one_line(e);
    match e.find(".toml:") {
        Some(i) => match e[..i].rfind('/') {
            Some(slash) => e[slash + 1..].to_string(),
            None => e,
        },
        None => e,
    }
}

/// The quotes' freshness. While symbols stream, "2m ago" alone would read as stale prices: it is
/// when the polled ones last came, and the bar says so (`quotes live · demo polled 2m ago`).
fn quotes_text(state: &State) -> (String, bool) {
    let st = state.sources.quotes();
    let live = state.stream.connected && !state.planned_live.is_empty();
    match st.last_ok {
        Some(t) if live && st.error.is_none() && st.note.is_none() => {
            let label = if st.label.is_empty() { String::new() } else { format!(" {}", st.label) };
            let age = time::age(t, state.now);
            let ago = if age == "now" { "just now".to_string() } else { format!("{age} ago") };
            (format!("quotes live ·{label} polled {ago}"), false)
        }
        _ => source_text(st, "quotes", state.now),
    }
}

/// The price stream: how many symbols it keeps live, or when it tries again and why.
fn stream_text(state: &State) -> Option<(String, bool)> {
    let st = &state.stream;
    // Nothing to follow (an empty watchlist, or only symbols polled in real time): no claim.
    if !st.on || state.stream_symbols().is_empty() {
        return None;
    }
    if st.connected {
        let live = match state.planned_live.len() {
            0 => "stream connected".to_string(),
            n => format!("stream live ({n})"),
        };
        // Said beside the live count, not instead of it: the stream still works for the rest.
        return Some(match st.unreadable_shown() {
            Some(n) => (format!("{live} · {n} unreadable frames"), true),
            None => (live, false),
        });
    }
    let when = match st.retry_at {
        Some(t) if t > state.now => format!(" in {}", time::until(t, state.now)),
        _ => "…".to_string(),
    };
    let why = st.error.as_deref().map(|e| format!(" ({})", one_line(e))).unwrap_or_default();
    Some((format!("stream reconnecting{when}{why}"), true))
}

pub fn draw(state: &State, theme: &Theme, frame: &mut Frame, area: Rect) {
    let w = area.width as usize;
    let hint = |a: Action, what: &str| state.config.keys.hint(a).map(|k| format!("{k} {what}"));
    let help = hint(Action::Help, "help");
    let others: Vec<String> =
        [hint(Action::Filter, "search"), hint(Action::Quit, "quit")].into_iter().flatten().collect();

    let mut left: Vec<Span> = Vec::new();
    if state.demo {
        left.push(Span::styled(" DEMO ", theme.badge));
        left.push(Span::raw(" "));
    }
    // Amounts are hidden: the mark says why they read `•••` (and that `x` shows them).
    if state.discreet {
        left.push(Span::styled("•••", theme.accent));
        left.push(Span::raw(" "));
    }
    if state.paused {
        left.push(Span::styled(" PAUSED ", theme.badge));
        match state.held.len() {
            0 => left.push(Span::raw(" ")),
            1 => left.push(Span::styled(" · 1 update waiting  ", theme.accent)),
            n => left.push(Span::styled(format!(" · {n} updates waiting  "), theme.accent)),
        }
    }
    if let Some(search) = state.search() {
        let group = state.config.groups.get(state.group).map_or("", |g| g.name.as_str());
        left.push(Span::styled(format!("add to {group}: {}▏", search.text), theme.accent));
        match &state.prompt_error {
            // Said inside the prompt, which stays open with the text to correct.
            Some(e) => left.push(Span::styled(format!("  {}", one_line(e)), theme.error)),
            None if search.text.is_empty() => left.push(Span::styled(
                "  a name or code, any script: Cambricon, 寒武纪, hwj, 0981.HK · Esc cancel",
                theme.dim,
            )),
            None => left.push(Span::styled("  ↑↓ pick · Enter add · Tab add more · Esc close", theme.dim)),
        }
    } else if let Some(Prompt::Remove(sym)) = state.prompt() {
        let group = state.config.groups.get(state.group).map_or("", |g| g.name.as_str());
        left.push(Span::styled(format!("remove {sym} from {group}? y/n"), theme.accent));
    } else if state.filtering() {
        left.push(Span::styled(format!("/{}▏", state.filter), theme.accent));
        // Every group is searched: where else the text is found, and where Enter goes.
        let elsewhere: Vec<String> = state
            .filter_elsewhere()
            .iter()
            .map(|(g, n)| format!("{} ({n})", state.config.groups[*g].name))
            .collect();
        if !elsewhere.is_empty() {
            left.push(Span::styled(format!("  also in {}", elsewhere.join(", ")), theme.accent));
        }
        left.push(Span::styled("  Enter keep · Esc clear", theme.dim));
    } else if let Some(n) = state.notice_shown() {
        let style = if n.level == Level::Info { theme.accent } else { theme.error };
        left.push(Span::styled(one_line(n.text_for(state.discreet)), style));
    } else if let Some(e) = &state.config_error {
        left.push(Span::styled(format!("config: {}", short_config_error(e)), theme.error));
    } else {
        // A kept filter is named first; the sources' state still shows beside it.
        if !state.filter.is_empty() {
            left.push(Span::styled(format!("/{} ", state.filter), theme.accent));
        }
        let (q, qerr) = quotes_text(state);
        let (n, nerr) = source_text(state.sources.news(), "news", state.now);
        left.push(Span::styled(q, if qerr { theme.error } else { theme.dim }));
        if let Some((text, bad)) = stream_text(state) {
            left.push(Span::styled(" │ ", theme.dim));
            left.push(Span::styled(text, if bad { theme.error } else { theme.dim }));
        }
        left.push(Span::styled(" │ ", theme.dim));
        left.push(Span::styled(n, if nerr { theme.error } else { theme.dim }));
    }
    // A message held back by an error is one key away, in the message log.
    if state.notice_held() {
        left.push(Span::styled(" +1", theme.accent));
    }
    let left_w: usize = left.iter().map(|s| width(&s.content)).sum();
    // The help hint stays whatever the left part says (it is cut instead): the one way to learn
    // every other key. The others show only where the left part leaves them room.
    let mut hints: Vec<String> = help.into_iter().collect();
    for h in others {
        let with = hints.iter().chain([&h]).map(|x| width(x) + 2).sum::<usize>();
        if left_w + with <= w {
            hints.push(h);
        }
    }
    let hints = hints.join("  ");
    let show_hints = !hints.is_empty() && width(&hints) + 2 <= w;
    let room = if show_hints { w - width(&hints) - 2 } else { w };
    // Cut the left part to its room, span by span.
    let mut spans: Vec<Span> = Vec::new();
    let mut used = 0;
    for s in left {
        let cw = width(&s.content);
        if used + cw <= room {
            used += cw;
            spans.push(s);
        } else {
            let t = fit(&s.content, room - used);
            used += width(&t);
            spans.push(Span::styled(t, s.style));
            break;
        }
    }
    if show_hints {
        spans.push(Span::raw(" ".repeat(w - used - width(&hints))));
        spans.push(Span::styled(hints, theme.dim));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}
