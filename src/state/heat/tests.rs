use super::*;
use crate::config::{Key, KeyCode, builtin};
use crate::msg::Msg;
use crate::state::{Overlay, update};

fn sym(s: &str) -> Symbol {
    Symbol::parse(s).unwrap()
}

fn entry(s: &str, pct: Option<f64>, weight: Option<f64>) -> Entry {
    Entry { symbol: sym(s), change_pct: pct, stale: false, weight }
}

/// `n` groups of `each` symbols, changes from -6 % up.
fn groups(n: usize, each: usize) -> Vec<GroupEntries> {
    (0..n)
        .map(|g| GroupEntries {
            name: format!("Group {g}"),
            entries: (0..each)
                .map(|i| entry(&format!("S{g}X{i}"), Some(i as f64 - 6.0), Some((i + 1) as f64)))
                .collect(),
        })
        .collect()
}

fn no_overlaps(tiles: &[Tile], inner: Area) {
    for (i, a) in tiles.iter().enumerate() {
        assert!(a.area.width > 0 && a.area.height > 0, "{a:?}");
        assert!(a.area.x >= inner.x && a.area.right() <= inner.right(), "{a:?} in {inner:?}");
        assert!(a.area.y >= inner.y && a.area.bottom() <= inner.bottom(), "{a:?} in {inner:?}");
        assert!(width(&a.label) <= usize::from(a.area.width), "{a:?}");
        for b in &tiles[i + 1..] {
            assert!(!a.area.intersects(b.area), "{a:?} and {b:?}");
        }
    }
}

/// The built-in list (four groups, 32 symbols) at 80x24: full labels, every group titled.
#[test]
fn the_builtin_list_fits_80x24_with_full_labels() {
    let g = vec![
        GroupEntries {
            name: "A".into(),
            entries: (0..10).map(|i| entry(&format!("68800{i}.SS"), Some(2.1), None)).collect(),
        },
        GroupEntries {
            name: "B".into(),
            entries: (0..9).map(|i| entry(&format!("000{i}.HK"), Some(-1.0), None)).collect(),
        },
        GroupEntries {
            name: "C".into(),
            entries: (0..8).map(|i| entry(&format!("NV{i}"), None, None)).collect(),
        },
        GroupEntries {
            name: "D".into(),
            entries: (0..5).map(|i| entry(&format!("MS{i}"), Some(12.5), None)).collect(),
        },
    ];
    let inner = Area::new(1, 2, 78, 20);
    let p = equal_layout(inner, &g, 5.0);
    assert_eq!((p.tiles.len(), p.hidden, p.sections.len()), (32, 0, 4));
    assert!(p.tiles.iter().all(|t| t.level == LabelLevel::Full), "{:?}", p.tiles[0]);
    no_overlaps(&p.tiles, inner);
    assert_eq!(p.tiles[0].label, "688000.SS +2.1%");
    assert_eq!(p.tiles[19].label, "NV0 —");
    assert_eq!(p.tiles[27].heat, Some(1.0), "12.5 % is past the 5 % cap");
    assert_eq!(p.tiles[10].heat, Some(-0.2));
    assert_eq!(p.tiles[19].heat, None);
}

/// As the pane shrinks: full labels, then symbols alone, then colour alone, then no headings;
/// never a tile outside the pane or over another.
#[test]
fn labels_degrade_as_the_pane_shrinks() {
    let g = groups(4, 10);
    let level = |w: u16, h: u16| {
        let inner = Area::new(1, 1, w, h);
        let p = equal_layout(inner, &g, 5.0);
        no_overlaps(&p.tiles, inner);
        (p.tiles.first().map(|t| t.level), p.sections.len(), p.hidden)
    };
    assert_eq!(level(150, 20), (Some(LabelLevel::Full), 4, 0));
    assert_eq!(level(40, 12), (Some(LabelLevel::Symbol), 4, 0));
    assert_eq!(level(38, 8), (Some(LabelLevel::Colour), 4, 0));
    assert_eq!(level(38, 5), (Some(LabelLevel::Colour), 0, 0));
    let (_, _, hidden) = level(10, 2);
    assert!(hidden > 0);
    for w in 0..60 {
        for h in 0..14 {
            let (_, _, hidden) = level(w, h);
            assert!(w > 0 && h > 0 || hidden == 40, "{w}x{h}");
        }
    }
}

/// Taller panes give taller tiles, with a gap row between rows of tiles from three rows on.
#[test]
fn tiles_grow_with_the_pane() {
    let p = equal_layout(Area::new(0, 0, 120, 40), &groups(2, 4), 5.0);
    let (a, b) = (p.tiles[0].area, p.tiles[4].area);
    assert_eq!(a.height, 3);
    assert!(b.y > a.bottom(), "a heading between groups");
    assert_eq!(p.tiles[1].area.x, a.right() + 1, "a gap column");
}

/// Spatial moves: j goes to the tile below (into the next group from a group's last row), l to the
/// right, nothing past the edges.
#[test]
fn moves_follow_the_tiles_on_screen() {
    let g = groups(2, 7);
    // 3 columns: rows of 3, 3, 1 in each group.
    let p = equal_layout(Area::new(0, 0, 41, 30), &g, 5.0);
    let at = |i: usize| (p.tiles[i].area.x, p.tiles[i].area.y);
    assert_eq!(at(1).1, at(0).1);
    assert_eq!(at(3).0, at(0).0);
    assert_eq!(step(&p.tiles, 0, Dir::Down), Some(3));
    assert_eq!(step(&p.tiles, 0, Dir::Right), Some(1));
    assert_eq!(step(&p.tiles, 0, Dir::Left), None);
    assert_eq!(step(&p.tiles, 0, Dir::Up), None);
    // From the second column of the second row down to the short third row's only tile, then
    // down into the next group, same column as that tile.
    assert_eq!(step(&p.tiles, 4, Dir::Down), Some(6));
    assert_eq!(step(&p.tiles, 6, Dir::Down), Some(7));
    assert_eq!(step(&p.tiles, 7, Dir::Up), Some(6));
    assert_eq!(step(&p.tiles, 13, Dir::Down), None);
    assert_eq!(step(&p.tiles, 2, Dir::Right), None);
}

/// Sized: room by weight, unweighted symbols left out; every tile inside, none over another.
#[test]
fn sized_tiles_take_room_by_weight() {
    let mut g = groups(2, 4);
    g[0].entries[0].weight = Some(1000.0);
    g[1].entries[2].weight = None;
    let inner = Area::new(1, 1, 100, 30);
    let p = sized_layout(inner, &g, 5.0);
    no_overlaps(&p.tiles, inner);
    assert_eq!(p.tiles.len(), 7);
    let cells =
        |s: &str| p.tiles.iter().find(|t| t.symbol.as_str() == s).map(|t| t.area.width * t.area.height);
    assert!(cells("S0X0").unwrap() > 10 * cells("S0X1").unwrap());
    assert_eq!(cells("S1X2"), None);
    assert_eq!(p.sections.len(), 2);
    for (w, h) in [(0, 0), (1, 1), (3, 2), (40, 8), (7, 30)] {
        let inner = Area::new(2, 2, w, h);
        let p = sized_layout(inner, &g, 5.0);
        no_overlaps(&p.tiles, inner);
        assert_eq!(p.tiles.len() + p.hidden, 7, "{w}x{h}");
    }
}

const T0: chrono::DateTime<chrono::Utc> = chrono::DateTime::UNIX_EPOCH;

fn key(s: &mut State, k: Key) {
    update(s, Msg::Key(k), T0);
}

fn loaded() -> State {
    let cfg = builtin();
    let mut s = State::new(cfg, true, T0);
    update(&mut s, Msg::Resize(80, 24), T0);
    s
}

/// `m` opens the map on the watchlist's symbol, moves select, Enter opens the detail, Esc comes
/// back to the map and Esc again to the lists.
#[test]
fn keys_open_move_enter_and_close() {
    let mut s = loaded();
    key(&mut s, Key::ch('m'));
    let map = s.heat_map(&s.layout()).unwrap();
    assert_eq!(map.tiles.len(), builtin().all_symbols().len());
    assert_eq!(map.tiles[map.selected.unwrap()].symbol.as_str(), "0981.HK");
    key(&mut s, Key::ch('l'));
    key(&mut s, Key::ch('j'));
    let map = s.heat_map(&s.layout()).unwrap();
    let chosen = map.tiles[map.selected.unwrap()].symbol.clone();
    assert_eq!(step(&map.tiles, 0, Dir::Right).and_then(|i| step(&map.tiles, i, Dir::Down)), map.selected);
    key(&mut s, Key::plain(KeyCode::Enter));
    assert_eq!(s.detail().unwrap().symbol, chosen);
    assert!(s.heat().is_none(), "the detail is over the map");
    // The watchlist behind rests on it, so j in the detail view goes to its next row.
    assert_eq!(s.selected_symbol().as_ref(), Some(&chosen));
    key(&mut s, Key::ch('j'));
    let next = s.detail().unwrap().symbol.clone();
    assert_eq!(s.selected_symbol().as_ref(), Some(&next));
    assert_ne!(next, chosen);
    key(&mut s, Key::ch('k'));
    assert_eq!(s.detail().unwrap().symbol, chosen);
    key(&mut s, Key::plain(KeyCode::Esc));
    assert_eq!(s.heat().unwrap().selected.as_ref(), Some(&chosen));
    key(&mut s, Key::ch('M'));
    assert!(s.heat().unwrap().sized);
    let title = s.heat_map(&s.layout()).unwrap().title;
    assert!(title.contains("no [[positions]]"), "{title}");
    key(&mut s, Key::plain(KeyCode::Esc));
    assert!(s.overlays.is_empty());
    key(&mut s, Key::ch('M'));
    assert!(matches!(s.overlay(), Some(Overlay::Heat(Heat { sized: true, .. }))));
    key(&mut s, Key::ch('q'));
    assert!(s.overlays.is_empty(), "q closes the map, it does not quit");
}

/// A click selects a tile, a second click on it opens its detail.
#[test]
fn a_click_selects_and_a_second_opens() {
    use crate::msg::{Mouse, MouseKind};
    let mut s = loaded();
    key(&mut s, Key::ch('m'));
    let map = s.heat_map(&s.layout()).unwrap();
    let t = map.tiles[5].clone();
    let click = Msg::Mouse(Mouse { kind: MouseKind::Click, col: t.area.x, row: t.area.y });
    update(&mut s, click.clone(), T0);
    assert_eq!(s.heat().unwrap().selected.as_ref(), Some(&t.symbol));
    update(&mut s, click, T0);
    assert_eq!(s.detail().unwrap().symbol, t.symbol);
}

/// Every size from the smallest up, sized or not: tiles inside the box, no panic.
#[test]
fn every_size_lays_out() {
    let mut s = loaded();
    key(&mut s, Key::ch('m'));
    for sized in [false, true] {
        for w in (40..=220).step_by(9) {
            for h in (12..=70).step_by(5) {
                update(&mut s, Msg::Resize(w, h), T0);
                let map = s.heat_map(&s.layout()).unwrap();
                no_overlaps(&map.tiles, map.area.inner());
                assert_eq!(map.tiles.len(), 32, "{w}x{h}");
            }
        }
        // Far past any screen: the arithmetic must not wrap.
        for (w, h) in [(u16::MAX, u16::MAX), (u16::MAX, 12), (40, u16::MAX), (2000, 1500)] {
            update(&mut s, Msg::Resize(w, h), T0);
            let map = s.heat_map(&s.layout()).unwrap();
            no_overlaps(&map.tiles, map.area.inner());
        }
        key(&mut s, Key::ch('M'));
        let _ = sized;
    }
}

/// The help, with the heat map's keys in it, still fits two columns at 120x35 (with a line to spare).
#[test]
fn the_help_stays_two_columns_at_120x35() {
    let mut s = loaded();
    update(&mut s, Msg::Resize(120, 35), T0);
    let lines = s.help_lines();
    assert!(lines.iter().any(|l| matches!(l, crate::state::HelpLine::Entry { keys, .. } if keys == "m M")));
    assert!(s.help_split().is_some(), "{}", lines.len());
    assert!(lines.len() < 2 * s.help_page(), "{}", lines.len());
}

/// The map's keys are remappable: `[keys]` moves `m` elsewhere and the footer follows the map.
#[test]
fn keys_remap() {
    let cfg = crate::config::parse_str(
        "[keys]\nm = \"none\"\nM = \"none\"\nf2 = \"heat_map\"\nz = \"heat_map_sized\"\n",
        "t",
    )
    .unwrap();
    let mut s = State::new(cfg, true, T0);
    update(&mut s, Msg::Resize(80, 24), T0);
    key(&mut s, Key::ch('m'));
    assert!(s.heat().is_none());
    key(&mut s, Key::plain(KeyCode::F(2)));
    assert!(s.heat().is_some_and(|h| !h.sized));
    key(&mut s, Key::ch('z'));
    assert!(s.heat().is_some_and(|h| h.sized));
    let map = s.heat_map(&s.layout()).unwrap();
    assert!(map.footer.contains("z sizes"), "{}", map.footer);
    key(&mut s, Key::plain(KeyCode::F(2)));
    assert!(s.overlays.is_empty(), "its own key closes it");
}

/// A streamed price of a symbol outside the group in view redraws the map (a tile shows it), not
/// the lists (no row does).
#[test]
fn ticks_of_any_symbol_redraw_the_map() {
    let mut s = loaded();
    s.demo = false;
    let tick = |price: f64| {
        Msg::Stream(crate::market::stream::StreamEvent::Ticks(vec![crate::market::stream::Tick {
            symbol: sym("NVDA"),
            price,
            time: Some(T0),
            change: Some(1.5),
            change_pct: Some(0.8),
            day_high: None,
            day_low: None,
            volume: None,
            source: crate::market::PriceSource::YahooStream,
        }]))
    };
    assert!(!update(&mut s, tick(100.0), T0).redraw, "NVDA is not in the first group");
    key(&mut s, Key::ch('m'));
    assert!(update(&mut s, tick(101.0), T0).redraw, "NVDA has a tile");
}
