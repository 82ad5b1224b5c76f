//! Keys of the comparison chart: ranges as in the detail view, `Tab` between the groups and the
//! marked rows, close. What it does not take (help, refresh, pause, edit) goes on to the key map.

use super::super::State;
use crate::config::{Action, Key, KeyCode};
use crate::market::series::ChartRange;
use crate::msg::Outcome;

/// `false` lets the key map handle the key.
pub fn key(s: &mut State, k: Key, action: Option<Action>, out: &mut Outcome) -> bool {
    let has_marks = !s.compare_marks.is_empty();
    let Some(c) = s.compare_mut() else { return false };
    out.redraw = true;
    let range = match k.code {
        KeyCode::Char(ch @ '1'..='9') if !k.ctrl && !k.alt => {
            ChartRange::ALL.get((ch as u8 - b'1') as usize).copied()
        }
        KeyCode::Char('h') | KeyCode::Left => Some(c.range.prev()),
        KeyCode::Char('l') | KeyCode::Right => Some(c.range.next()),
        _ => None,
    };
    if let Some(r) = range {
        c.range = r;
        return true;
    }
    if k.code == KeyCode::Tab && !k.ctrl && !k.alt {
        if has_marks {
            c.marked = !c.marked;
        } else {
            s.notice = Some("no rows marked: space marks a row in the watchlist".into());
        }
        return true;
    }
    match action {
        Some(Action::Close | Action::Quit | Action::Compare) => s.close(),
        Some(Action::Refresh) => {
            // Every series of the chart is asked again, not only the quotes.
            let range = c.range;
            for e in s.series.iter_mut().filter(|((_, r), _)| *r == range).map(|(_, e)| e) {
                e.fetched = chrono::DateTime::UNIX_EPOCH;
            }
            return false;
        }
        // The other views open over this one; Esc comes back here.
        Some(
            Action::Help
            | Action::Pause
            | Action::EditConfig
            | Action::AlertLog
            | Action::HeatMap
            | Action::HeatMapSized,
        ) => return false,
        _ => out.redraw = false,
    }
    true
}
