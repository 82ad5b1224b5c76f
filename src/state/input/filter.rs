//! Keys while the row filter is typed: every key is text, Enter keeps the filter (and goes to the
//! group where it matches when the one in view has nothing), Esc clears it.

use super::super::State;
use super::super::rows::Move;
use crate::config::{Key, KeyCode};
use crate::msg::Outcome;

/// Longer than any name or title worth typing.
const MAX_CHARS: usize = 64;

pub fn key(s: &mut State, k: Key, out: &mut Outcome) {
    out.redraw = true;
    match k.code {
        KeyCode::Esc => {
            s.filter.clear();
            s.close();
        }
        KeyCode::Enter => {
            s.close();
            // Nothing here but something in another group: Enter goes there, the search kept.
            if s.watch_rows().is_empty()
                && let Some(&(to, _)) = s.filter_elsewhere().first()
            {
                let filter = std::mem::take(&mut s.filter);
                super::switch_group(s, to, out);
                s.filter = filter;
            }
        }
        KeyCode::Backspace => {
            s.filter.pop();
        }
        KeyCode::Char('u') if k.ctrl => s.filter.clear(),
        KeyCode::Char(c) if !k.ctrl && !k.alt && !c.is_control() => {
            if s.filter.chars().count() < MAX_CHARS {
                s.filter.push(c);
            }
        }
        KeyCode::Down => s.move_selection(Move::By(1)),
        KeyCode::Up => s.move_selection(Move::By(-1)),
        _ => out.redraw = false,
    }
    s.fix_offsets();
}
