//! Keys of the detail view: ranges, walking the watchlist under the chart, walking its headlines
//! (each one's marker highlighted on the chart), close. What it does not take (help, refresh,
//! pause, edit) goes on to the key map.

use super::super::rows::Move;
use super::super::{Focus, Notice, State};
use super::is_web_link;
use crate::config::{Action, Key, KeyCode};
use crate::market::series::ChartRange;
use crate::msg::{Effect, Outcome};

/// `false` lets the key map handle the key.
pub fn key(s: &mut State, k: Key, action: Option<Action>, out: &mut Outcome) -> bool {
    let Some(d) = s.detail_mut() else { return false };
    out.redraw = true;
    let range = match k.code {
        KeyCode::Char(c @ '1'..='9') if !k.ctrl && !k.alt => {
            ChartRange::ALL.get((c as u8 - b'1') as usize).copied()
        }
        KeyCode::Char('h') | KeyCode::Left => Some(d.range.prev()),
        KeyCode::Char('l') | KeyCode::Right => Some(d.range.next()),
        _ => None,
    };
    if let Some(r) = range {
        d.range = r;
        return true;
    }
    // J/K walk the symbol's headlines, fixed like h/l: j/k already walk the watchlist here.
    let step = match k.code {
        KeyCode::Char('J') if !k.ctrl && !k.alt => Some(1),
        KeyCode::Char('K') if !k.ctrl && !k.alt => Some(-1),
        _ => None,
    };
    if let Some(step) = step {
        pick_headline(s, step);
        return true;
    }
    let key = (d.symbol.clone(), d.range);
    match action {
        Some(Action::Close | Action::Quit) => s.close(),
        // j/k walk the watchlist without leaving the chart.
        Some(Action::Down | Action::Up) => {
            let was = s.focus;
            s.focus = Focus::Watchlist;
            s.move_selection(Move::By(if action == Some(Action::Down) { 1 } else { -1 }));
            s.focus = was;
            if let Some(sym) = s.selected_symbol()
                && let Some(d) = s.detail_mut()
                && d.symbol != sym
            {
                d.symbol = sym;
                d.headline = None;
            }
        }
        Some(Action::Activate | Action::OpenLink) if key_picked(s) => open_picked(s, out),
        Some(Action::Refresh) => {
            if let Some(e) = s.series.get_mut(&key) {
                e.fetched = chrono::DateTime::UNIX_EPOCH;
            }
            return false;
        }
        Some(Action::Help | Action::Pause | Action::EditConfig | Action::Compare) => return false,
        _ => out.redraw = false,
    }
    true
}

/// Move the pick through the symbol's headlines: from none, down starts at the newest and up at
/// the oldest; the ends hold.
fn pick_headline(s: &mut State, step: isize) {
    let Some(d) = s.detail() else { return };
    let count = s.detail_headlines(d).count();
    let picked = match (s.detail_picked(d), count) {
        (_, 0) => None,
        (None, _) if step > 0 => Some(0),
        (None, _) => Some(count - 1),
        (Some(i), _) => Some(i.saturating_add_signed(step).min(count - 1)),
    };
    let picked = picked.and_then(|i| s.detail_headlines(d).nth(i)).map(|h| h.id.clone());
    if let Some(d) = s.detail_mut() {
        d.headline = picked;
    }
}

fn key_picked(s: &State) -> bool {
    s.detail().is_some_and(|d| d.headline.is_some())
}

/// Open the picked headline in the browser, as the headline pane does.
fn open_picked(s: &mut State, out: &mut Outcome) {
    let Some(d) = s.detail() else { return };
    let Some(h) = s.detail_picked(d).and_then(|i| s.detail_headlines(d).nth(i)) else { return };
    let (id, link) = (h.id.clone(), h.link.clone());
    if is_web_link(&link) {
        s.read.insert(id);
        out.effects.push(Effect::SaveCache);
        out.effects.push(Effect::OpenLink(link));
    } else if link.is_empty() {
        s.notice = Some("this headline has no link".into());
    } else {
        s.notice = Some(Notice::warn("refusing to open non-web link"));
    }
}
