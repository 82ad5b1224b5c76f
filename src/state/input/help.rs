//! Keys while the help is open: it closes on `?`, Esc, or quit; every other key waits.

use super::super::State;
use crate::config::{Action, Key, KeyCode};
use crate::msg::Outcome;

pub fn key(s: &mut State, k: Key, action: Option<Action>, out: &mut Outcome) {
    if matches!(action, Some(Action::Help | Action::Close | Action::Quit)) || k.code == KeyCode::Esc {
        s.close();
        out.redraw = true;
    }
}
