//! Keys: the search prompt and the help overlay see them first, then the key map.

use super::rows::Move;
use super::{Focus, Prompt, State};
use crate::config::{Action, Key, KeyCode};
use crate::market::Symbol;
use crate::market::series::ChartRange;
use crate::msg::{Effect, Outcome};

/// Shown after `r` until the answer arrives.
pub const REFRESHING: &str = "refreshing…";

pub fn key(s: &mut State, k: Key, out: &mut Outcome) {
    // ctrl-c quits from anywhere, whatever the key map says, so nobody is ever stuck.
    if k == Key::ctrl('c') {
        out.effects.push(Effect::Quit);
        return;
    }
    if s.searching {
        search_key(s, k, out);
        return;
    }
    if s.prompt.is_some() {
        prompt_key(s, k, out);
        return;
    }
    let action = s.config.keys.action(&k);
    if s.help {
        if matches!(action, Some(Action::Help | Action::Close | Action::Quit)) || k.code == KeyCode::Esc {
            s.help = false;
            out.redraw = true;
        }
        return;
    }
    if s.alerts.open {
        alert_log_key(s, k, action, out);
        return;
    }
    if s.notice.take().is_some() {
        out.redraw = true;
    }
    if s.detail.is_some() && detail_key(s, k, action, out) {
        return;
    }
    let Some(action) = action else { return };
    act(s, action, out);
    // A marked row or headline the selection now rests on has been seen.
    if matches!(
        action,
        Action::Down | Action::Up | Action::Top | Action::Bottom | Action::PageUp | Action::PageDown
    ) {
        s.alert_seen();
    }
}

/// Keys of the detail view; `false` lets the key map handle it (help, refresh, quit by ctrl-c).
fn detail_key(s: &mut State, k: Key, action: Option<Action>, out: &mut Outcome) -> bool {
    let Some(d) = s.detail.as_mut() else { return false };
    out.redraw = true;
    let range = match k.code {
        KeyCode::Char(c @ '1'..='6') if !k.ctrl && !k.alt => Some(ChartRange::ALL[(c as u8 - b'1') as usize]),
        KeyCode::Char('h') | KeyCode::Left => Some(d.range.prev()),
        KeyCode::Char('l') | KeyCode::Right => Some(d.range.next()),
        _ => None,
    };
    if let Some(r) = range {
        d.range = r;
        return true;
    }
    match action {
        Some(Action::Close | Action::Quit) => s.detail = None,
        // j/k walk the watchlist without leaving the chart.
        Some(Action::Down | Action::Up) => {
            let was = s.focus;
            s.focus = Focus::Watchlist;
            s.move_selection(Move::By(if action == Some(Action::Down) { 1 } else { -1 }));
            s.focus = was;
            if let Some(sym) = s.selected_symbol()
                && let Some(d) = s.detail.as_mut()
            {
                d.symbol = sym;
            }
        }
        Some(Action::Refresh) => {
            if let Some(e) = s.series.get_mut(&(d.symbol.clone(), d.range)) {
                e.fetched = chrono::DateTime::UNIX_EPOCH;
            }
            return false;
        }
        Some(Action::Help | Action::Pause | Action::EditConfig) => return false,
        _ => out.redraw = false,
    }
    true
}

/// The alert log takes the keyboard: move, open an alert's headline, close.
fn alert_log_key(s: &mut State, k: Key, action: Option<Action>, out: &mut Outcome) {
    out.redraw = true;
    let last = s.alerts.log.len().saturating_sub(1);
    let cursor = &mut s.alerts.cursor;
    match action {
        Some(Action::Down) => *cursor = (*cursor + 1).min(last),
        Some(Action::Up) => *cursor = cursor.saturating_sub(1),
        Some(Action::Top) => *cursor = 0,
        Some(Action::Bottom) => *cursor = last,
        Some(Action::Activate | Action::OpenLink) => {
            // Newest first on screen.
            let entry = s.alerts.log.len().checked_sub(*cursor + 1).and_then(|i| s.alerts.log.get(i));
            match entry.and_then(|f| f.headline.clone()) {
                Some(h) if is_web_link(&h.link) => {
                    s.read.insert(h.id);
                    out.effects.push(Effect::SaveCache);
                    out.effects.push(Effect::OpenLink(h.link));
                }
                Some(_) => s.notice = Some("refusing to open non-web link".to_string()),
                None => s.notice = Some("a price alert has no link to open".to_string()),
            }
        }
        Some(Action::AlertLog | Action::Close | Action::Quit) => s.alerts.open = false,
        _ if k.code == KeyCode::Esc => s.alerts.open = false,
        _ => out.redraw = false,
    }
}

fn search_key(s: &mut State, k: Key, out: &mut Outcome) {
    out.redraw = true;
    match k.code {
        KeyCode::Esc => {
            s.search.clear();
            s.searching = false;
        }
        KeyCode::Enter => s.searching = false,
        KeyCode::Backspace => {
            s.search.pop();
        }
        KeyCode::Char('u') if k.ctrl => s.search.clear(),
        KeyCode::Char(c) if !k.ctrl && !k.alt && !c.is_control() => {
            if s.search.chars().count() < 64 {
                s.search.push(c);
            }
        }
        KeyCode::Down => s.move_selection(Move::By(1)),
        KeyCode::Up => s.move_selection(Move::By(-1)),
        _ => out.redraw = false,
    }
    s.fix_offsets();
}

fn prompt_key(s: &mut State, k: Key, out: &mut Outcome) {
    out.redraw = true;
    let group = s.config.groups.get(s.group).map(|g| g.name.clone()).unwrap_or_default();
    match s.prompt.take() {
        Some(Prompt::Add(mut text)) => match k.code {
            KeyCode::Esc => {}
            KeyCode::Enter => {
                let mut symbols = Vec::new();
                let mut bad = Vec::new();
                for part in text.split([',', ' ']).filter(|p| !p.trim().is_empty()) {
                    match Symbol::parse(part) {
                        Ok(sym) if !symbols.contains(&sym) => symbols.push(sym),
                        Ok(_) => {}
                        Err(e) => bad.push(e.to_string()),
                    }
                }
                if !bad.is_empty() {
                    s.notice = Some(bad.join("; "));
                    s.prompt = Some(Prompt::Add(text));
                } else if !symbols.is_empty() {
                    s.notice = Some(format!(
                        "adding {}…",
                        symbols.iter().map(|x| x.as_str()).collect::<Vec<_>>().join(", ")
                    ));
                    out.effects.push(Effect::AddSymbols { group, symbols });
                }
            }
            KeyCode::Backspace => {
                text.pop();
                s.prompt = Some(Prompt::Add(text));
            }
            KeyCode::Char('u') if k.ctrl => s.prompt = Some(Prompt::Add(String::new())),
            KeyCode::Char(c) if !k.ctrl && !k.alt && !c.is_control() => {
                if text.chars().count() < 200 {
                    text.push(c);
                }
                s.prompt = Some(Prompt::Add(text));
            }
            _ => {
                out.redraw = false;
                s.prompt = Some(Prompt::Add(text));
            }
        },
        Some(Prompt::Remove(symbol)) => match k.code {
            KeyCode::Char('y' | 'Y') => {
                s.notice = Some(format!("removing {symbol}…"));
                out.effects.push(Effect::RemoveSymbol { group, symbol });
            }
            KeyCode::Char('n' | 'N') | KeyCode::Esc => {}
            _ => {
                out.redraw = false;
                s.prompt = Some(Prompt::Remove(symbol));
            }
        },
        None => {}
    }
}

fn switch_group(s: &mut State, to: usize, out: &mut Outcome) {
    if to == s.group || to >= s.config.groups.len() {
        return;
    }
    s.group = to;
    s.watch = Default::default();
    s.news_filter = None;
    s.fix_offsets();
    out.redraw = true;
    // The group in view is refreshed at the fast rate: tell the refresh task.
    out.effects.push(Effect::Replan);
}

fn open_selected(s: &mut State, out: &mut Outcome) {
    let Some((id, link)) = s.selected_headline().map(|h| (h.id.clone(), h.link.clone())) else {
        s.notice = Some("no headline selected".to_string());
        out.redraw = true;
        return;
    };
    out.redraw = true;
    if link.is_empty() {
        // Read by opening it is the only way it would be marked: the feed gave it no link.
        s.read.insert(id);
        out.effects.push(Effect::SaveCache);
        s.notice = Some("this headline has no link".to_string());
    } else if is_web_link(&link) {
        s.read.insert(id);
        out.effects.push(Effect::SaveCache);
        out.effects.push(Effect::OpenLink(link));
    } else {
        s.notice = Some("refusing to open non-web link".to_string());
    }
}

/// Only http(s) links go to the system opener; `javascript:`, `file:` and friends never do.
pub fn is_web_link(link: &str) -> bool {
    url::Url::parse(link).is_ok_and(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some())
}

fn act(s: &mut State, action: Action, out: &mut Outcome) {
    use Action::*;
    out.redraw = true;
    match action {
        Quit => out.effects.push(Effect::Quit),
        Down => s.move_selection(Move::By(1)),
        Up => s.move_selection(Move::By(-1)),
        Top => s.move_selection(Move::Top),
        Bottom => s.move_selection(Move::Bottom),
        PageUp => s.move_selection(Move::PageUp),
        PageDown => s.move_selection(Move::PageDown),
        FocusNext | FocusPrev => {
            s.focus = match s.focus {
                Focus::Watchlist => Focus::Headlines,
                Focus::Headlines => Focus::Watchlist,
            }
        }
        GroupPrev => {
            let n = s.config.groups.len();
            if n > 1 {
                switch_group(s, (s.group + n - 1) % n, out);
            }
        }
        GroupNext => {
            let n = s.config.groups.len();
            if n > 1 {
                switch_group(s, (s.group + 1) % n, out);
            }
        }
        Group1 | Group2 | Group3 | Group4 | Group5 | Group6 | Group7 | Group8 | Group9 => {
            if let Some(i) = action.group_index() {
                switch_group(s, i, out);
            }
        }
        Activate => match s.focus {
            Focus::Headlines => open_selected(s, out),
            Focus::Watchlist => {
                if let Some(sym) = s.selected_symbol() {
                    s.open_detail(sym);
                }
            }
        },
        OpenLink => open_selected(s, out),
        FilterSymbol => {
            let sel = s.selected_symbol();
            s.news_filter = if s.news_filter.is_some() && s.news_filter == sel { None } else { sel };
            s.news = Default::default();
            s.fix_offsets();
        }
        Search => {
            s.searching = true;
        }
        Sort => {
            s.sort = s.sort.next();
            s.sort_reverse = false;
            s.fix_offsets();
        }
        SortReverse => {
            s.sort_reverse = !s.sort_reverse;
            s.fix_offsets();
        }
        Refresh => {
            if s.paused {
                s.notice = Some("updates are paused (p resumes)".to_string());
            } else {
                out.effects.push(Effect::RefreshNow);
                s.notice = Some(REFRESHING.to_string());
            }
        }
        AddSymbol => {
            if s.config.groups.get(s.group).is_some() {
                s.prompt = Some(Prompt::Add(String::new()));
            }
        }
        RemoveSymbol => match s.selected_symbol() {
            Some(sym) if s.focus == Focus::Watchlist => s.prompt = Some(Prompt::Remove(sym)),
            _ => s.notice = Some("select a symbol in the watchlist to remove it".to_string()),
        },
        EditConfig => out.effects.push(Effect::EditConfig),
        Pause => {
            s.paused = !s.paused;
            out.effects.push(Effect::Replan);
        }
        AlertLog => s.open_alert_log(),
        Help => s.help = true,
        Close => {
            if s.news_filter.is_some() {
                s.news_filter = None;
            } else if !s.search.is_empty() {
                s.search.clear();
            } else {
                out.redraw = false;
            }
            s.fix_offsets();
        }
    }
}
