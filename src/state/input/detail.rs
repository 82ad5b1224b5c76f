//! Keys of the detail view: ranges, walking the watchlist under the chart, close. What it does not
//! take (help, refresh, pause, edit) goes on to the key map.

use super::super::rows::Move;
use super::super::{Focus, State};
use crate::config::{Action, Key, KeyCode};
use crate::market::series::ChartRange;
use crate::msg::Outcome;

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
            {
                d.symbol = sym;
            }
        }
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
