//! Keys of the heat map: h j k l and the arrows move between tiles as they stand on screen, Enter
//! opens the selected tile's detail view (Esc there comes back here), the sized key switches how
//! tiles are sized, and close, quit or the map's own key close it. Help, refresh, pause, the editor
//! and the log go on to the key map.

use super::super::heat::{Dir, step};
use super::super::{Overlay, State};
use crate::config::{Action, Key, KeyCode};
use crate::msg::Outcome;

pub fn key(s: &mut State, k: Key, action: Option<Action>, out: &mut Outcome) {
    if s.notice.take().is_some() {
        out.redraw = true;
    }
    let plain = !k.ctrl && !k.alt;
    let dir = match k.code {
        KeyCode::Char('h') if plain => Some(Dir::Left),
        KeyCode::Char('j') if plain => Some(Dir::Down),
        KeyCode::Char('k') if plain => Some(Dir::Up),
        KeyCode::Char('l') if plain => Some(Dir::Right),
        KeyCode::Left => Some(Dir::Left),
        KeyCode::Down => Some(Dir::Down),
        KeyCode::Up => Some(Dir::Up),
        KeyCode::Right => Some(Dir::Right),
        _ => None,
    };
    let Some(map) = s.heat_map(&s.layout()) else { return };
    let to = match (dir, action) {
        (Some(d), _) => map.selected.and_then(|i| step(&map.tiles, i, d)),
        (None, Some(Action::Top)) => (!map.tiles.is_empty()).then_some(0),
        (None, Some(Action::Bottom)) => map.tiles.len().checked_sub(1),
        (None, Some(Action::Activate)) => {
            if let Some(t) = map.selected.and_then(|i| map.tiles.get(i)) {
                open(s, t.symbol.clone(), out);
            }
            return;
        }
        (None, Some(Action::HeatMapSized)) => {
            if let Some(h) = s.heat_mut() {
                h.sized = !h.sized;
            }
            out.redraw = true;
            return;
        }
        (None, Some(Action::HeatMap | Action::Close | Action::Quit)) => {
            s.close();
            out.redraw = true;
            return;
        }
        (
            None,
            Some(
                a @ (Action::Help
                | Action::Refresh
                | Action::Pause
                | Action::EditConfig
                | Action::AlertLog
                | Action::Compare),
            ),
        ) => {
            return super::act(s, a, out);
        }
        _ => None,
    };
    select(s, to.and_then(|i| map.tiles.get(i)).map(|t| t.symbol.clone()), out);
}

/// The detail view of `symbol`, with the watchlist behind it on its group and row, so `j`/`k` in
/// the detail view walk that group from there (as they do from the lists).
fn open(s: &mut State, symbol: crate::market::Symbol, out: &mut Outcome) {
    if let Some(g) = s.config.groups.iter().position(|g| g.symbols.contains(&symbol)) {
        super::switch_group(s, g, out);
    }
    s.focus = super::super::Focus::Watchlist;
    s.watch.selected = Some(symbol.clone());
    s.fix_offsets();
    s.open_detail(symbol);
    out.redraw = true;
}

/// Rest the selection on `symbol`, when there is one to move to.
fn select(s: &mut State, symbol: Option<crate::market::Symbol>, out: &mut Outcome) {
    let Some(symbol) = symbol else { return };
    if let Some(Overlay::Heat(h)) = s.overlays.last_mut() {
        out.redraw |= h.selected.as_ref() != Some(&symbol);
        h.selected = Some(symbol);
    }
}

/// A click on a tile selects it; on the selected one, opens its detail view (so a double-click
/// does both). The wheel and clicks beside the tiles do nothing.
pub fn click(s: &mut State, col: u16, row: u16, out: &mut Outcome) {
    let Some(map) = s.heat_map(&s.layout()) else { return };
    let Some(i) = super::super::heat::tile_at(&map.tiles, col, row) else { return };
    if map.selected == Some(i) {
        open(s, map.tiles[i].symbol.clone(), out);
    } else {
        select(s, Some(map.tiles[i].symbol.clone()), out);
    }
}
