//! Keys while the alert log is open: move, open an alert's headline, switch to the message log
//! (Tab), close.

use super::super::State;
use super::is_web_link;
use crate::config::{Action, Key, KeyCode};
use crate::msg::{Effect, Outcome};

pub fn key(s: &mut State, k: Key, action: Option<Action>, out: &mut Outcome) {
    out.redraw = true;
    if matches!(action, Some(Action::FocusNext | Action::FocusPrev)) {
        s.alerts.messages_tab = !s.alerts.messages_tab;
        s.alerts.cursor = 0;
        return;
    }
    let entries = if s.alerts.messages_tab { s.messages.0.len() } else { s.alerts.log.len() };
    let last = entries.saturating_sub(1);
    let cursor = &mut s.alerts.cursor;
    match action {
        Some(Action::Down) => *cursor = (*cursor + 1).min(last),
        Some(Action::Up) => *cursor = cursor.saturating_sub(1),
        Some(Action::Top) => *cursor = 0,
        Some(Action::Bottom) => *cursor = last,
        Some(Action::Activate | Action::OpenLink) if !s.alerts.messages_tab => {
            // Newest first on screen.
            let entry = s.alerts.log.len().checked_sub(*cursor + 1).and_then(|i| s.alerts.log.get(i));
            match entry.and_then(|f| f.headline.clone()) {
                Some(h) if is_web_link(&h.link) => {
                    s.read.insert(h.id);
                    out.effects.push(Effect::SaveCache);
                    out.effects.push(Effect::OpenLink(h.link));
                }
                Some(_) => s.notice = Some(crate::state::Notice::warn("refusing to open non-web link")),
                None => s.notice = Some("a price alert has no link to open".into()),
            }
        }
        Some(Action::AlertLog | Action::Close | Action::Quit) => s.close(),
        _ if k.code == KeyCode::Esc => s.close(),
        _ => out.redraw = false,
    }
}
