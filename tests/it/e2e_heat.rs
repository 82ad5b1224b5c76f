//! End to end, issue 22 item 3: the real binary on the demo market in a pseudo-terminal; `m` draws
//! the heat map, the selection moves between tiles as they stand, Enter opens the selected tile's
//! detail view and Esc comes back to the map, then to the lists.
#![cfg(unix)]

use crate::common;

use common::pty::*;
use vt100::Screen;

const NOW: &str = "2026-11-24T15:00:00Z";

/// The selected tile's symbol, as the map's bottom border names it.
fn selected(s: &Screen) -> Option<String> {
    let (row, col) = find(s, "· hjkl move")?;
    let before = text_at(s, row, 0, col);
    let words = before.trim_end().trim_start_matches(['└', '─', ' ']);
    words.split(" · ").next().map(str::to_string)
}

/// Where the tile of `symbol` says so (its label, not the border's name of it).
fn tile_of(s: &Screen, symbol: &str) -> Option<(u16, u16)> {
    let footer = find(s, "· hjkl move")?.0;
    (1..footer).find_map(|row| find_from(s, row, &format!("{symbol} ")).filter(|at| at.0 < footer))
}

/// The selection has left `from` and the whole frame shows it, not only the border: the new
/// tile is drawn reversed (a frame read half-written put the tiles where they were before).
fn moved_from(s: &Screen, from: &str) -> bool {
    selected(s).is_some_and(|x| {
        x != from && tile_of(s, &x).is_some_and(|t| s.cell(t.0, t.1).is_some_and(|c| c.inverse()))
    })
}

#[test]
fn heat_map_moves_opens_the_detail_and_comes_back() {
    let mut tui = Tui::start(&["--demo", "--fake-now", NOW]);
    tui.resize(24, 80);
    tui.wait_for("the lists with prices", |s| {
        line(s, 23).contains("? help") && find(s, "0981.HK").is_some() && find(s, "%").is_some()
    });
    tui.press("m");
    // Every tile with its price: the map lays itself out again as the other groups' prices come
    // (a tile without one says "—"), and a move is made on the map as it stands.
    tui.wait_for("the heat map on the first symbol, every tile priced", |s| {
        find(s, "Heat map").is_some() && selected(s).as_deref() == Some("0981.HK") && find(s, " —").is_none()
    });
    let every_group = tui.with_screen(|s| {
        ["── China AI chips", "── China cloud & models", "── US AI chips", "── Cloud"]
            .iter()
            .all(|g| find(s, g).is_some())
    });
    assert!(every_group, "{}", tui.with_screen(dump));
    let first = tui.with_screen(|s| tile_of(s, "0981.HK").unwrap());
    assert!(
        tui.with_screen(|s| s.cell(first.0, first.1).unwrap().inverse()),
        "the selected tile is reversed"
    );

    tui.press("l");
    tui.wait_for("the next tile to the right", |s| moved_from(s, "0981.HK"));
    // Both tiles read off one screen: the map lays itself out again as prices come in.
    let right = tui.with_screen(|s| selected(s).unwrap());
    let (now_first, at) = tui.with_screen(|s| (tile_of(s, "0981.HK").unwrap(), tile_of(s, &right).unwrap()));
    assert_eq!(at.0, now_first.0, "{right} on the same row");
    tui.press("j");
    tui.wait_for("the tile below", |s| moved_from(s, &right));
    let below = tui.with_screen(|s| selected(s).unwrap());
    let (at, under) = tui.with_screen(|s| (tile_of(s, &right).unwrap(), tile_of(s, &below).unwrap()));
    // Which tile is the one below is `step`'s geometry, tested in `state::heat::tests` on fixed
    // layouts; here the move is made and shown on the live map, a row further down.
    assert!(under.0 > at.0, "{below} at {under:?} under {right} at {at:?}\n{}", tui.with_screen(dump));

    tui.press("\r");
    tui.wait_for("the detail view of the tile below", |s| {
        find(s, "h/l range").is_some() && find(s, &format!("┌ {below} ")).is_some()
    });
    tui.escape("the heat map again, the same tile selected", |s| {
        find(s, "Heat map").is_some() && selected(s).as_deref() == Some(below.as_str())
    });
    tui.escape("the lists again", |s| find(s, "Heat map").is_none() && line(s, 23).contains("? help"));
    tui.press("q");
    assert!(tui.wait_exit().success());
}
