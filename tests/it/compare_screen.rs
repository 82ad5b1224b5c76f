//! The comparison chart on fixed demo data: text snapshots at 80x24, 120x35 and 200x60 in the dark
//! and mono themes, and its colours and glyphs asserted on the cells.

use crate::common;

use chiptape::config::{Key, ThemeName, builtin};
use chiptape::market::series::ChartRange;
use chiptape::msg::Msg;
use chiptape::providers::demo::DemoMarket;
use chiptape::state::{State, update};
use chiptape::ui::theme::Theme;
use common::{draw, loaded_with, t0, text};
use ratatui::buffer::Buffer;
use std::sync::Arc;

/// The built-in list with every member's 6M series from the demo market, the comparison open on 6M.
fn compare_screen(mono: bool, w: u16, h: u16) -> (State, Buffer) {
    let mut cfg = builtin();
    if mono {
        cfg.theme.name = ThemeName::Mono;
    }
    let mut s = loaded_with(cfg.clone(), t0(), w, h);
    let demo = DemoMarket::new(7, Arc::new(chiptape::market::clock::FixedClock(t0())), &cfg);
    for sym in cfg.all_symbols() {
        let series = demo.series(&sym, ChartRange::M6, t0());
        let generation = s.generation;
        update(
            &mut s,
            Msg::Series { generation, symbol: sym, range: ChartRange::M6, result: Ok(series) },
            t0(),
        );
    }
    update(&mut s, Msg::Key(Key::ch('c')), t0());
    update(&mut s, Msg::Key(Key::ch('4')), t0());
    let buf = draw(&s, w, h);
    (s, buf)
}

#[test]
fn compare_dark_80x24() {
    insta::assert_snapshot!("compare_dark_80x24", text(&compare_screen(false, 80, 24).1));
}

#[test]
fn compare_dark_120x35() {
    insta::assert_snapshot!("compare_dark_120x35", text(&compare_screen(false, 120, 35).1));
}

#[test]
fn compare_dark_200x60() {
    insta::assert_snapshot!("compare_dark_200x60", text(&compare_screen(false, 200, 60).1));
}

#[test]
fn compare_mono_80x24() {
    insta::assert_snapshot!("compare_mono_80x24", text(&compare_screen(true, 80, 24).1));
}

#[test]
fn compare_mono_120x35() {
    insta::assert_snapshot!("compare_mono_120x35", text(&compare_screen(true, 120, 35).1));
}

#[test]
fn compare_mono_200x60() {
    insta::assert_snapshot!("compare_mono_200x60", text(&compare_screen(true, 200, 60).1));
}

/// The legend: best first, each line's glyph in its own colour, its figure in its direction's.
#[test]
fn the_legend_is_best_first_in_each_lines_colour() {
    let (s, buf) = compare_screen(false, 120, 35);
    let theme = Theme::new(&s.config.theme, false);
    let cmp = s.comparison(s.compare_view().unwrap());
    let finals: Vec<f64> = cmp.lines.iter().map(|l| l.final_pct().unwrap()).collect();
    assert!(finals.windows(2).all(|w| w[0] >= w[1]), "{finals:?}");
    let screen = text(&buf);
    for l in &cmp.lines {
        let (row, line) =
            screen.lines().enumerate().skip(3).find(|(_, t)| t.contains(&format!(" {} ", l.name))).unwrap();
        let col = line.find(&format!(" {} ", l.name)).unwrap();
        // The glyph just before the name's space, in the line's colour.
        let x = UnicodeWidth::width(&line[..col]) as u16 - 1;
        let cell = &buf[(x, row as u16)];
        assert_eq!(Some(cell.fg), theme.lines.map(|c| c[l.index]), "{}: {line}", l.name);
        let figure = chiptape::present::number::pct(l.final_pct().unwrap());
        assert!(line.contains(&figure), "{line}");
    }
}

/// Mono: no colour, so each line has a glyph of its own, drawn along it.
#[test]
fn mono_tells_the_lines_apart_by_their_glyphs() {
    let (s, buf) = compare_screen(true, 120, 35);
    let cmp = s.comparison(s.compare_view().unwrap());
    let screen = text(&buf);
    let plot: String =
        screen.lines().skip(4).take(25).map(|l| l.chars().take(80).collect::<String>()).collect();
    let glyphs = ["*", "o", "+", "x"];
    for l in &cmp.lines {
        let g = glyphs[l.index];
        assert!(plot.matches(g).count() > 20, "{} drawn with {g}:\n{screen}", l.name);
    }
    assert!(buf.content.iter().all(|c| c.fg == ratatui::style::Color::Reset), "no colour in mono");
}

use unicode_width::UnicodeWidthStr as UnicodeWidth;

/// Every size from the smallest the app draws to a wide one, with series, without any, and with a
/// single bar: never a panic, always the box.
#[test]
fn compare_draws_at_every_size() {
    let empty = {
        let mut s = common::loaded(120, 35);
        update(&mut s, Msg::Key(Key::ch('c')), t0());
        update(&mut s, Msg::Key(Key::ch('7')), t0());
        s
    };
    let (full, _) = compare_screen(false, 120, 35);
    let (mono, _) = compare_screen(true, 120, 35);
    for s in [empty, full, mono] {
        for w in (40..=200).step_by(7) {
            for h in (12..=60).step_by(5) {
                let mut s = s.clone();
                update(&mut s, Msg::Resize(w, h), t0());
                let buf = draw(&s, w, h);
                assert!(text(&buf).contains("Compare ·"), "{w}x{h}:\n{}", text(&buf));
            }
        }
    }
}

/// The lines' colours: eight, told apart from each other and from the up, down and dim colours,
/// in the dark and the light theme.
#[test]
fn line_colours_are_distinct_in_dark_and_light() {
    for name in [ThemeName::Dark, ThemeName::Light] {
        let mut cfg = builtin().theme;
        cfg.name = name;
        let theme = Theme::new(&cfg, false);
        let lines = theme.lines.expect("colours outside mono");
        for (i, a) in lines.iter().enumerate() {
            assert!(lines[i + 1..].iter().all(|b| b != a), "{name:?}: {a:?} twice");
            for other in [theme.up.fg, theme.down.fg, theme.dim.fg, theme.flat.fg] {
                assert_ne!(Some(*a), other, "{name:?}: {a:?} means something else");
            }
        }
    }
    assert!(Theme::new(&builtin().theme, true).lines.is_none(), "NO_COLOR: glyphs only");
}
