//! Clicks and the wheel. Where each thing stands comes from the one layout (the view draws there
//! too): a click selects the row under it and focuses its pane, a click on the selected row of the
//! focused pane opens it (so a double-click does both), the wheel scrolls the pane under the
//! pointer, a tab or a range label switches, a click outside an overlay closes it. Borders, the
//! status bar and empty space take no click.

use super::super::layout::range_areas;
use super::super::rows::Move;
use super::super::{Focus, Overlay, State};
use crate::config::{Action, Key, KeyCode};
use crate::msg::{Mouse, MouseKind, Outcome};

/// Rows the wheel moves a pane by, a notch at a time.
const WHEEL_ROWS: isize = 3;

pub fn mouse(s: &mut State, m: Mouse, out: &mut Outcome) {
    let layout = s.layout();
    if layout.too_small {
        return;
    }
    if overlay(s, m, out) {
        return;
    }
    let wheel = match m.kind {
        MouseKind::Click => 0,
        MouseKind::WheelUp => -WHEEL_ROWS,
        MouseKind::WheelDown => WHEEL_ROWS,
    };
    if layout.tabs.contains(m.col, m.row) {
        if wheel == 0 {
            click_tab(s, m.col, out);
        }
        return;
    }
    if s.view_overlay().is_some() {
        // The chart covers both lists: only its range labels take a click.
        let hit = range_areas(layout.detail()).into_iter().find(|(_, _, a)| a.contains(m.col, m.row));
        if let (Some((to, ..)), 0, Some(range)) = (hit, wheel, s.view_range_mut()) {
            out.redraw = *range != to;
            *range = to;
        }
        return;
    }
    let pane = if layout.watch.contains(m.col, m.row) {
        Focus::Watchlist
    } else if layout.news.contains(m.col, m.row) {
        Focus::Headlines
    } else {
        return;
    };
    if wheel != 0 {
        scroll(s, pane, wheel);
        out.redraw = true;
        return;
    }
    let Some(row) = row_under(s, pane, m.col, m.row) else { return };
    out.redraw = true;
    if s.focus == pane && s.selected_row(pane) == Some(row) {
        // Again on the selected row (the second click of a double-click): open it.
        super::act(s, Action::Activate, out);
        return;
    }
    s.focus = pane;
    s.move_in(pane, Move::To(row));
    s.alert_seen();
}

/// A click or the wheel while an overlay is open: whether it took it.
fn overlay(s: &mut State, m: Mouse, out: &mut Outcome) -> bool {
    let layout = s.layout();
    let inside = s.overlay_box(&layout).is_some_and(|b| b.contains(m.col, m.row));
    let step = match m.kind {
        MouseKind::Click => None,
        MouseKind::WheelUp => Some((KeyCode::Up, Action::Up)),
        MouseKind::WheelDown => Some((KeyCode::Down, Action::Down)),
    };
    match s.overlay() {
        Some(Overlay::Help { .. } | Overlay::AlertLog) => {
            match step {
                // The wheel scrolls what the overlay shows, as j/k do.
                Some((code, action)) => {
                    for _ in 0..WHEEL_ROWS {
                        if matches!(s.overlay(), Some(Overlay::Help { .. })) {
                            super::help::key(s, Key::plain(code), Some(action), out);
                        } else {
                            super::alert_log::key(s, Key::plain(code), Some(action), out);
                        }
                    }
                }
                None if !inside => {
                    s.close();
                    out.redraw = true;
                }
                None => {}
            }
            true
        }
        Some(Overlay::Search(_)) => {
            super::search::mouse(s, m, step.map(|(code, _)| code), inside, out);
            true
        }
        Some(Overlay::Prompt(_)) => {
            if step.is_none() {
                s.close();
                out.redraw = true;
            }
            true
        }
        // Typing the filter: a click ends the typing, the filter kept (as Enter), then acts.
        Some(Overlay::Filter) => {
            if step.is_none() {
                s.close();
                out.redraw = true;
            }
            false
        }
        Some(Overlay::Heat(_)) => {
            if step.is_none() {
                super::heat::click(s, m.col, m.row, out);
            }
            true
        }
        Some(Overlay::Detail(_) | Overlay::Compare(_)) | None => false,
    }
}

fn click_tab(s: &mut State, col: u16, out: &mut Outcome) {
    let layout = s.layout();
    let Some(tabs) = s.tabs(layout.tabs) else { return };
    let Some(i) = tabs.iter().position(|t| t.area.contains(col, layout.tabs.y)) else { return };
    // A tab click goes back to the lists, on that group.
    while s.view_overlay().is_some() {
        s.close();
        out.redraw = true;
    }
    super::switch_group(s, i, out);
}

/// The index in `pane`'s rows of the row drawn at this cell, if one is (not its border).
fn row_under(s: &State, pane: Focus, x: u16, y: u16) -> Option<usize> {
    let layout = s.layout();
    let (area, first, shown, offset, len) = match pane {
        // Under the column headings.
        Focus::Watchlist => {
            (layout.watch, layout.watch.y + 2, s.watch_page(), s.watch.offset, s.watch_rows().len())
        }
        Focus::Headlines => {
            (layout.news, layout.news.y + 1, layout.news_rows(), s.news.offset, s.news_rows().len())
        }
    };
    if !area.inner().contains(x, y) {
        return None;
    }
    let at = usize::from(y.checked_sub(first)?);
    (at < shown).then_some(offset + at).filter(|i| *i < len)
}

fn scroll(s: &mut State, pane: Focus, by: isize) {
    s.move_in(pane, Move::Scroll(by));
    s.alert_seen();
}
