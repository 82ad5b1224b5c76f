//! Keys while the help is open: it scrolls with the keys that move a list, and closes on `?`,
//! Esc, or quit; every other key waits.

use super::super::{Overlay, State};
use crate::config::{Action, Key, KeyCode};
use crate::msg::Outcome;

pub fn key(s: &mut State, k: Key, action: Option<Action>, out: &mut Outcome) {
    if matches!(action, Some(Action::Help | Action::Close | Action::Quit)) || k.code == KeyCode::Esc {
        s.close();
        out.redraw = true;
        return;
    }
    let (page, max) = (s.help_page(), s.help_max_scroll());
    let Some(Overlay::Help { scroll }) = s.overlays.last_mut() else { return };
    // From where it shows, so a resize that shortened the list leaves no dead keys.
    let at = (*scroll).min(max);
    let to = match action {
        Some(Action::Down) => at + 1,
        Some(Action::Up) => at.saturating_sub(1),
        Some(Action::PageDown) => at + page.saturating_sub(1).max(1),
        Some(Action::PageUp) => at.saturating_sub(page.saturating_sub(1).max(1)),
        Some(Action::Top) => 0,
        Some(Action::Bottom) => max,
        _ => return,
    }
    .min(max);
    out.redraw = to != *scroll;
    *scroll = to;
}
