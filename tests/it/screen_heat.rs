//! The heat map (issue 22, item 3) on the demo day at a fixed clock: its text as snapshots at the
//! sizes people use, in dark and mono; its colours asserted on the cells.

use crate::common;

use chiptape::config::{Key, parse_str};
use chiptape::msg::Msg;
use chiptape::state::heat::HeatMap;
use chiptape::state::{State, update};
use chiptape::ui::theme::Theme;
use common::{draw, region, t0, text};
use ratatui::buffer::Buffer;
use ratatui::style::{Color, Modifier};

/// The built-in watchlist with `toml` on top, `m` pressed, drawn at `w` x `h`.
fn heat(toml: &str, w: u16, h: u16) -> (State, HeatMap, Buffer) {
    let cfg = parse_str(toml, "t").unwrap();
    let mut s = common::loaded_with(cfg, t0(), w, h);
    update(&mut s, Msg::Key(Key::ch('m')), t0());
    let map = s.heat_map(&s.layout()).expect("the heat map shows");
    let buf = draw(&s, w, h);
    (s, map, buf)
}

const MONO: &str = "[theme]\nname = \"mono\"\n";

/// The map's box as text; every symbol of the built-in list in it once, whatever the size.
fn snapshot(toml: &str, w: u16, h: u16) -> String {
    let (s, map, buf) = heat(toml, w, h);
    assert_eq!(map.tiles.len(), s.config.all_symbols().len(), "{w}x{h}: every symbol a tile");
    region(&buf, map.area)
}

#[test]
fn heat_80x24_dark() {
    insta::assert_snapshot!("heat_80x24_dark", snapshot("", 80, 24));
}

#[test]
fn heat_120x35_dark() {
    insta::assert_snapshot!("heat_120x35_dark", snapshot("", 120, 35));
}

#[test]
fn heat_200x60_dark() {
    insta::assert_snapshot!("heat_200x60_dark", snapshot("", 200, 60));
}

#[test]
fn heat_80x24_mono() {
    insta::assert_snapshot!("heat_80x24_mono", snapshot(MONO, 80, 24));
}

#[test]
fn heat_120x35_mono() {
    insta::assert_snapshot!("heat_120x35_mono", snapshot(MONO, 120, 35));
}

#[test]
fn heat_200x60_mono() {
    insta::assert_snapshot!("heat_200x60_mono", snapshot(MONO, 200, 60));
}

/// At 80x24 every tile says its symbol and change, every group has its heading.
#[test]
fn the_builtin_list_fits_80x24_with_full_labels() {
    let (s, map, buf) = heat("", 80, 24);
    let t = region(&buf, map.area);
    for g in &s.config.groups {
        assert!(t.contains(&format!("── {} ", g.name)), "{}:\n{t}", g.name);
    }
    for tile in &map.tiles {
        assert!(
            tile.label.starts_with(&format!("{} ", tile.symbol)) && tile.label.ends_with('%'),
            "{tile:?}"
        );
        assert!(t.contains(&tile.label), "{}:\n{t}", tile.label);
    }
}

/// The background of a tile, away from its label.
fn tile_bg(buf: &Buffer, map: &HeatMap, i: usize) -> Color {
    let a = map.tiles[i].area;
    buf[(a.x, a.y)].bg
}

fn rgb(c: Color) -> (u8, u8, u8) {
    match c {
        Color::Rgb(r, g, b) => (r, g, b),
        other => panic!("no RGB colour: {other:?}"),
    }
}

/// Up tiles are green-ish, down tiles red-ish, the deeper the bigger the move; at the cap and past
/// it, the full colour. The selected tile is drawn reversed.
#[test]
fn colours_by_change_and_capped() {
    let (_, map, buf) = heat("", 120, 35);
    let sel = map.selected.unwrap();
    let tiles = || map.tiles.iter().enumerate().filter(|(i, t)| *i != sel && t.heat.is_some());
    let up = tiles()
        .filter(|(_, t)| t.heat.unwrap() > 0.1)
        .max_by(|a, b| a.1.heat.unwrap().total_cmp(&b.1.heat.unwrap()));
    let down = tiles()
        .filter(|(_, t)| t.heat.unwrap() < -0.1)
        .min_by(|a, b| a.1.heat.unwrap().total_cmp(&b.1.heat.unwrap()));
    let (up, down) = (up.expect("a riser on the demo day").0, down.expect("a faller on the demo day").0);
    let (r, g, _) = rgb(tile_bg(&buf, &map, up));
    assert!(g > r + 20, "{}: {r} {g}", map.tiles[up].label);
    let (r, g, _) = rgb(tile_bg(&buf, &map, down));
    assert!(r > g + 20, "{}: {r} {g}", map.tiles[down].label);
    let full = Theme::new(&parse_str("", "t").unwrap().theme, false).heat.unwrap();
    assert_ne!(rgb(tile_bg(&buf, &map, up)), full.up, "below the 5 % cap: not the full colour");
    // A cap of 0.1 %: every move past it is the full colour, the same for all.
    let (_, map, buf) = heat("[theme]\nheat_cap = 0.1\n", 120, 35);
    assert_eq!(map.tiles[up].heat, Some(1.0));
    assert_eq!(rgb(tile_bg(&buf, &map, up)), full.up);
    assert_eq!(rgb(tile_bg(&buf, &map, down)), full.down);
    let a = map.tiles[map.selected.unwrap()].area;
    assert!(buf[(a.x, a.y)].modifier.contains(Modifier::REVERSED), "the selected tile");
    assert!(!buf[(map.tiles[up].area.x, map.tiles[up].area.y)].modifier.contains(Modifier::REVERSED));
}

/// Mono (and NO_COLOR): no colour at all; the sign in the label and the shade glyph carry the
/// change, the selected tile is reversed.
#[test]
fn mono_carries_the_change_in_signs_and_shades() {
    let (_, map, buf) = heat(MONO, 120, 35);
    assert!(buf.content().iter().all(|c| c.fg == Color::Reset && c.bg == Color::Reset));
    let t = text(&buf);
    assert!(t.contains('+') && t.contains('-'), "{t}");
    assert!(["░", "▒", "▓", "█"].iter().any(|g| t.contains(g)), "{t}");
    let a = map.tiles[map.selected.unwrap()].area;
    assert!(buf[(a.x, a.y)].modifier.contains(Modifier::REVERSED), "the selected tile");
    // NO_COLOR, whatever the theme: the same cells.
    let cfg = parse_str("", "t").unwrap();
    let mut s = common::loaded_with(cfg, t0(), 120, 35);
    s.no_color = true;
    update(&mut s, Msg::Key(Key::ch('m')), t0());
    assert_eq!(draw(&s, 120, 35), buf);
}

/// A symbol without a price says so, in the neutral colour; a stale price gets a corner mark.
#[test]
fn no_price_and_stale() {
    let cfg = parse_str("", "t").unwrap();
    let mut s = common::loaded_with(cfg, t0(), 120, 35);
    let nvda = chiptape::market::Symbol::parse("NVDA").unwrap();
    s.quotes.remove(&nvda);
    let amd = chiptape::market::Symbol::parse("AMD").unwrap();
    s.quotes.get_mut(&amd).unwrap().cached = true;
    update(&mut s, Msg::Key(Key::ch('m')), t0());
    let map = s.heat_map(&s.layout()).unwrap();
    let buf = draw(&s, 120, 35);
    let i = map.tiles.iter().position(|t| t.symbol == nvda).unwrap();
    assert_eq!(map.tiles[i].label, "NVDA —");
    let scale = Theme::new(&s.config.theme, false).heat.unwrap();
    assert_eq!(rgb(tile_bg(&buf, &map, i)), scale.neutral);
    let a = map.tiles.iter().find(|t| t.symbol == amd).unwrap().area;
    assert_eq!(buf[(a.right() - 1, a.y)].symbol(), "°", "{}", region(&buf, a));
}

/// Every size from the smallest up, and below it: the map or the notice, never a panic.
#[test]
fn every_size_draws() {
    let held = "[[positions]]\nsymbol = \"NVDA\"\nquantity = 1000\nunit_cost = 1\n\
                [[positions]]\nsymbol = \"AMD\"\nquantity = 1\nunit_cost = 1\n\
                [[positions]]\nsymbol = \"0981.HK\"\nquantity = 10\nunit_cost = 1\n";
    let cfg = parse_str(held, "t").unwrap();
    let mut s = common::loaded_with(cfg, t0(), 80, 24);
    update(&mut s, Msg::Key(Key::ch('m')), t0());
    for sized in [false, true] {
        for (w, h) in (20..=230).step_by(7).flat_map(|w| (6..=72).step_by(5).map(move |h| (w, h))) {
            update(&mut s, Msg::Resize(w, h), t0());
            let t = text(&draw(&s, w, h));
            assert!(t.contains("Heat map") || t.contains("too small"), "{w}x{h}:\n{t}");
        }
        update(&mut s, Msg::Key(Key::ch('M')), t0());
        let _ = sized;
    }
}

/// Sized by position value: held symbols only, the biggest holding the biggest tile; the title
/// says what was left out. With no positions, the title says so over equal tiles.
#[test]
fn sized_by_position_value() {
    let toml = r#"
[[positions]]
symbol = "NVDA"
quantity = 1000
unit_cost = 100
[[positions]]
symbol = "AMD"
quantity = 10
unit_cost = 100
[[positions]]
symbol = "MSFT"
quantity = 100
unit_cost = 100
"#;
    let cfg = parse_str(toml, "t").unwrap();
    let mut s = common::loaded_with(cfg, t0(), 120, 35);
    update(&mut s, Msg::Key(Key::ch('M')), t0());
    let map = s.heat_map(&s.layout()).unwrap();
    let names: Vec<&str> = map.tiles.iter().map(|t| t.symbol.as_str()).collect();
    assert_eq!(names.len(), 3, "{names:?}");
    let cells = |s: &str| {
        let a = map.tiles.iter().find(|t| t.symbol.as_str() == s).unwrap().area;
        u32::from(a.width) * u32::from(a.height)
    };
    assert!(cells("NVDA") > cells("MSFT") && cells("MSFT") > cells("AMD"), "{map:#?}");
    assert!(
        map.title.contains("sized by position value · 29 not held or unvalued left out"),
        "{}",
        map.title
    );
    insta::assert_snapshot!("heat_sized_120x35", region(&draw(&s, 120, 35), map.area));
    let (_, map, _) = heat("", 80, 24);
    assert!(!map.title.contains("positions"));
    let cfg = parse_str("", "t").unwrap();
    let mut s = common::loaded_with(cfg, t0(), 80, 24);
    update(&mut s, Msg::Key(Key::ch('M')), t0());
    let map = s.heat_map(&s.layout()).unwrap();
    assert!(map.title.contains("no [[positions]] to size by"), "{}", map.title);
    assert_eq!(map.tiles.len(), 32);
}
