//! Keys: the overlay on top sees them first (one file each), then the key map.

mod alert_log;
mod compare;
mod detail;
mod filter;
mod heat;
mod help;
mod mouse;
mod prompt;
mod search;

use super::rows::Move;
use super::{Focus, Notice, Overlay, Prompt, State};
use crate::config::{Action, Key};
use crate::msg::{Effect, Outcome};

/// Shown after `r` until the answer arrives.
pub const REFRESHING: &str = "refreshing…";

pub use mouse::mouse;

pub fn key(s: &mut State, k: Key, out: &mut Outcome) {
    // ctrl-c quits from anywhere, whatever the key map says, so nobody is ever stuck.
    if k == Key::ctrl('c') {
        out.effects.push(Effect::Quit);
        return;
    }
    let action = s.config.keys.action(&k);
    // The discreet mode is one key from every view that shows money (someone walks up to the
    // desk); only where keys are text does `x` stay a letter.
    let typing = matches!(s.overlay(), Some(Overlay::Filter | Overlay::Prompt(_) | Overlay::Search(_)));
    if action == Some(Action::Discreet) && !typing {
        return toggle_discreet(s, out);
    }
    match s.overlay() {
        Some(Overlay::Filter) => return filter::key(s, k, out),
        Some(Overlay::Prompt(_)) => return prompt::key(s, k, out),
        Some(Overlay::Search(_)) => return search::key(s, k, out),
        Some(Overlay::Help { .. }) => return help::key(s, k, action, out),
        Some(Overlay::AlertLog) => return alert_log::key(s, k, action, out),
        Some(Overlay::Compare(_)) => {
            if compare::key(s, k, action, out) {
                return;
            }
        }
        Some(Overlay::Heat(_)) => return heat::key(s, k, action, out),
        Some(Overlay::Detail(_)) | None => {}
    }
    if s.notice.take().is_some() {
        out.redraw = true;
    }
    if s.detail().is_some() && detail::key(s, k, action, out) {
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
        s.notice = Some("no headline selected".into());
        out.redraw = true;
        return;
    };
    out.redraw = true;
    if link.is_empty() {
        // Read by opening it is the only way it would be marked: the feed gave it no link.
        s.read.insert(id);
        out.effects.push(Effect::SaveCache);
        s.notice = Some("this headline has no link".into());
    } else if is_web_link(&link) {
        s.read.insert(id);
        out.effects.push(Effect::SaveCache);
        out.effects.push(Effect::OpenLink(link));
    } else {
        s.notice = Some(Notice::warn("refusing to open non-web link"));
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
        GroupPrev | GroupNext => {
            let n = s.config.groups.len();
            if n > 1 {
                let to = if action == GroupNext { s.group + 1 } else { s.group + n - 1 };
                switch_group(s, to % n, out);
            } else {
                s.notice = Some("only one group: add [[groups]] to the config for more".into());
            }
        }
        Group1 | Group2 | Group3 | Group4 | Group5 | Group6 | Group7 | Group8 | Group9 => {
            let n = s.config.groups.len();
            match action.group_index() {
                Some(i) if i < n => switch_group(s, i, out),
                Some(i) => {
                    s.notice =
                        Some(format!("no group {}: {n} group{}", i + 1, if n == 1 { "" } else { "s" }).into())
                }
                None => {}
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
        Filter => s.open(Overlay::Filter),
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
                s.notice = Some("updates are paused (p resumes)".into());
            } else {
                out.effects.push(Effect::RefreshNow);
                s.notice = Some(REFRESHING.into());
            }
        }
        AddSymbol => {
            if s.config.groups.get(s.group).is_some() {
                s.open(Overlay::Search(Box::default()));
            } else {
                s.notice = Some("no group to add to: add [[groups]] to the config".into());
            }
        }
        RemoveSymbol => match s.selected_symbol() {
            Some(sym) if s.focus == Focus::Watchlist => s.open(Overlay::Prompt(Prompt::Remove(sym))),
            _ if s.config.groups.get(s.group).is_some_and(|g| g.symbols.is_empty()) => {
                s.notice =
                    Some(format!("nothing to remove: {} is empty", s.config.groups[s.group].name).into());
            }
            _ => s.notice = Some("select a symbol in the watchlist to remove it".into()),
        },
        EditConfig => out.effects.push(Effect::EditConfig),
        Pause => {
            s.paused = !s.paused;
            out.effects.push(Effect::Replan);
            if !s.paused {
                // What waited is applied at once, in the order it came.
                for m in std::mem::take(&mut s.held) {
                    let o = super::update(s, m, s.now);
                    out.effects.extend(o.effects);
                }
            }
        }
        AlertLog => s.open_alert_log(),
        Compare => s.open_compare(),
        HeadlineKind => s.next_news_kind(),
        Discreet => toggle_discreet(s, out),
        Mark => s.mark_selected(),
        HeatMap | HeatMapSized => {
            let selected = s.selected_symbol();
            s.open(Overlay::Heat(super::heat::Heat { sized: action == HeatMapSized, selected }));
        }
        Help => s.open(Overlay::Help { scroll: 0 }),
        Close => {
            if s.news_filter.is_some() {
                s.news_filter = None;
            } else if !s.filter.is_empty() {
                s.filter.clear();
            } else {
                out.redraw = false;
            }
            s.fix_offsets();
        }
    }
}

fn toggle_discreet(s: &mut State, out: &mut Outcome) {
    s.discreet = !s.discreet;
    let how = if s.discreet { "on: amounts hidden" } else { "off: amounts shown" };
    s.notice = Some(format!("discreet mode {how}").into());
    out.redraw = true;
}
