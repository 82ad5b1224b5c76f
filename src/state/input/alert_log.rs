//! Keys while the alert log is open: move, open an alert's headline, close.

use super::super::State;
use super::is_web_link;
use crate::config::{Action, Key, KeyCode};
use crate::msg::{Effect, Outcome};

pub fn key(s: &mut State, k: Key, action: Option<Action>, out: &mut Outcome) {
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
        Some(Action::AlertLog | Action::Close | Action::Quit) => s.close(),
        _ if k.code == KeyCode::Esc => s.close(),
        _ => out.redraw = false,
    }
}
