//! The screen on fixed demo data and a fixed clock, at the sizes people use: the regions that say
//! what the screen is as text snapshots, and their styles asserted on the cells.

use crate::common;

use chiptape::config::Key;
use chiptape::msg::Msg;
use chiptape::state::layout::{Area, Layout};
use chiptape::state::{State, update};
use chiptape::ui::theme::Theme;
use common::{draw, loaded, region, t0, text};
use ratatui::buffer::Buffer;
use ratatui::style::{Color, Modifier};
use unicode_width::UnicodeWidthStr;

/// Each part's name and text, one after the other.
fn regions(buf: &Buffer, parts: &[(&str, Area)]) -> String {
    parts.iter().map(|(name, area)| format!("{name}:\n{}", region(buf, *area))).collect()
}

/// The top `rows` of `area`.
fn top(area: Area, rows: u16) -> Area {
    Area { height: area.height.min(rows), ..area }
}

/// The parts of the screen that say what it is, each on its own: the tabs and clocks, the top of
/// the watchlist (its title, headings and first two rows), the top of the headlines and the status
/// bar. What lies between depends on every symbol of the demo day, and is left to narrower tests.
fn overview(l: &Layout) -> [(&'static str, Area); 4] {
    [
        ("tabs and clocks", l.tabs.union(l.clocks)),
        ("watchlist", top(l.watch, 4)),
        ("headlines", top(l.news, 3)),
        ("status bar", l.status),
    ]
}

/// The box drawn over the screen whose title starts with `title`: from its top-left corner to
/// the bottom-right one.
fn popup(buf: &Buffer, title: &str) -> Area {
    let (w, h) = (buf.area.width, buf.area.height);
    let (x, y) = (0..h)
        .find_map(|y| column_of(buf, y, &format!("┌ {title}")).map(|x| (x, y)))
        .unwrap_or_else(|| panic!("no box titled {title:?}:\n{}", text(buf)));
    let right = (x..w).find(|r| buf[(*r, y)].symbol() == "┐").expect("the top-right corner");
    let bottom = (y..h).find(|b| buf[(x, *b)].symbol() == "└").expect("the bottom-left corner");
    assert_eq!(buf[(right, bottom)].symbol(), "┘", "a closed box");
    Area::new(x, y, right - x + 1, bottom - y + 1)
}

/// Where `needle` first appears inside `area`, as (column, row).
fn find_in(buf: &Buffer, area: Area, needle: &str) -> (u16, u16) {
    (area.y..area.bottom())
        .find_map(|y| {
            let line = region(buf, Area { y, height: 1, ..area });
            line.find(needle).map(|b| (area.x + UnicodeWidthStr::width(&line[..b]) as u16, y))
        })
        .unwrap_or_else(|| panic!("no {needle:?} in {area:?}:\n{}", text(buf)))
}

/// The row of `area` holding `needle`.
fn row_with(buf: &Buffer, area: Area, needle: &str) -> Area {
    Area { y: find_in(buf, area, needle).1, height: 1, ..area }
}

/// Where `needle` starts on row `y`, in cells.
fn column_of(buf: &Buffer, y: u16, needle: &str) -> Option<u16> {
    let line = region(buf, Area::new(0, y, buf.area.width, 1));
    line.find(needle).map(|b| UnicodeWidthStr::width(&line[..b]) as u16)
}

/// The regions as text, and their styles cell by cell: the group in view is the selected tab, the
/// others are dim; the cursor's row is selected wherever it has text, and the next row nowhere;
/// the demo badge is drawn as a badge.
fn screen(w: u16, h: u16) -> String {
    let s = loaded(w, h);
    let buf = draw(&s, w, h);
    let theme = Theme::new(&s.config.theme, false);
    let l = Layout::compute(w, h);
    let at = |y: u16, needle: &str| {
        let x =
            column_of(&buf, y, needle).unwrap_or_else(|| panic!("{needle:?} on row {y}:\n{}", text(&buf)));
        buf[(x, y)].clone()
    };
    let tab = at(0, "China AI chips");
    assert_eq!(Some(tab.bg), theme.selected.bg, "{w}x{h}: the tab in view");
    assert!(tab.modifier.contains(Modifier::BOLD), "{w}x{h}: the tab in view");
    if let Some(x) = column_of(&buf, 0, "China cloud") {
        assert_eq!(Some(buf[(x, 0)].fg), theme.dim.fg, "{w}x{h}: a tab not in view");
    }
    let selected = theme.selected.bg.unwrap();
    let (cursor, next) = (l.watch.y + 2, l.watch.y + 3);
    for x in l.watch.x + 1..l.watch.right() - 1 {
        if buf[(x, cursor)].symbol() != " " {
            assert_eq!(buf[(x, cursor)].bg, selected, "{w}x{h}: the cursor's row at {x}");
        }
        assert_eq!(buf[(x, next)].bg, Color::Reset, "{w}x{h}: the next row at {x}");
    }
    let badge = at(h - 1, "DEMO");
    assert_eq!((Some(badge.fg), Some(badge.bg)), (theme.badge.fg, theme.badge.bg), "{w}x{h}: the badge");
    regions(&buf, &overview(&l))
}

#[test]
fn screen_200x60() {
    insta::assert_snapshot!("screen_200x60_regions", screen(200, 60));
}

#[test]
fn screen_120x40() {
    insta::assert_snapshot!("screen_120x40_regions", screen(120, 40));
}

#[test]
fn screen_80x24() {
    insta::assert_snapshot!("screen_80x24_regions", screen(80, 24));
}

#[test]
fn screen_40x12() {
    insta::assert_snapshot!("screen_40x12_regions", screen(40, 12));
}

/// The help box over the screen: its text, and the status bar under it unchanged.
#[test]
fn help_overlay_120x40() {
    let mut s = loaded(120, 40);
    update(&mut s, Msg::Key(Key::ch('?')), t0());
    let buf = draw(&s, 120, 40);
    let status = Layout::compute(120, 40).status;
    insta::assert_snapshot!(
        "help_overlay_120x40_regions",
        regions(&buf, &[("help", popup(&buf, "keys")), ("status bar", status)])
    );
}

/// A search narrows the watchlist to its matches and says when no headline matches; the status
/// bar holds the prompt.
#[test]
fn search_prompt_80x24() {
    let mut s = loaded(80, 24);
    for c in "/smic".chars() {
        update(&mut s, Msg::Key(Key::ch(c)), t0());
    }
    let buf = draw(&s, 80, 24);
    let l = Layout::compute(80, 24);
    let parts = [("watchlist", l.watch), ("headlines", top(l.news, 2)), ("status bar", l.status)];
    insta::assert_snapshot!("search_prompt_80x24_regions", regions(&buf, &parts));
}

#[test]
fn every_size_draws_without_panic() {
    let mut s = loaded(120, 50);
    for w in 1..=120 {
        for h in 1..=50 {
            update(&mut s, Msg::Resize(w, h), t0());
            let buf = draw(&s, w, h);
            if w < 40 || h < 12 {
                assert!(text(&buf).contains("too small") || w < 10, "{w}x{h} says why it is blank");
            }
        }
    }
}

#[test]
fn help_draws_at_every_size() {
    let mut s = loaded(120, 50);
    update(&mut s, Msg::Key(Key::ch('?')), t0());
    for w in (40..=120).step_by(7) {
        for h in 12..=50 {
            update(&mut s, Msg::Resize(w, h), t0());
            let t = text(&draw(&s, w, h));
            assert!(t.contains("keys"), "{w}x{h}:\n{t}");
        }
    }
}

#[test]
fn side_by_side_from_100_columns_stacked_below() {
    let wide = text(&draw(&loaded(120, 30), 120, 30));
    let line = wide.lines().nth(2).unwrap();
    assert!(line.contains("China AI chips") && line.contains("Headlines"), "{line}");
    let narrow = text(&draw(&loaded(99, 30), 99, 30));
    assert!(!narrow.lines().nth(2).unwrap().contains("Headlines"));
    assert!(narrow.lines().any(|l| l.contains("Headlines")));
}

/// Direction is coloured and also signed and arrowed, so it survives without colour.
#[test]
fn up_and_down_colours_and_arrows() {
    let s = loaded(200, 60);
    let buf = draw(&s, 200, 60);
    let t = text(&buf);
    let mut seen_up = false;
    let mut seen_down = false;
    for (y, line) in t.lines().enumerate() {
        for (arrow, colour) in [("▲+", Color::Green), ("▼-", Color::Red)] {
            if let Some(byte) = line.find(arrow) {
                let x = line[..byte].chars().count() as u16;
                assert_eq!(buf[(x, y as u16)].fg, colour, "row {y}: {line}");
                seen_up |= colour == Color::Green;
                seen_down |= colour == Color::Red;
            }
        }
    }
    assert!(seen_up && seen_down, "the demo day has risers and fallers:\n{t}");
}

#[test]
fn no_color_draws_without_colour() {
    let mut s = loaded(120, 40);
    s.no_color = true;
    let buf = draw(&s, 120, 40);
    for cell in buf.content() {
        assert!(matches!(cell.fg, Color::Reset) && matches!(cell.bg, Color::Reset), "{cell:?}");
    }
    assert!(text(&buf).contains('▲') || text(&buf).contains('▼'));
}

#[test]
fn cjk_titles_keep_their_width() {
    let s = loaded(120, 40);
    let t = text(&draw(&s, 120, 40));
    for line in t.lines() {
        assert_eq!(unicode_width::UnicodeWidthStr::width(line), 120, "{line}");
    }
    assert!(t.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)), "some CJK headline is on screen");
}

/// 07:00 in New York: pre-market prices beside the regular ones, Asian quotes delayed 15 minutes.
#[test]
fn us_premarket_120x40() {
    let at = "2026-11-24T12:00:00Z".parse().unwrap();
    let mut s = common::loaded_with(chiptape::config::builtin(), at, 120, 40);
    update(&mut s, Msg::Key(Key::ch('3')), at);
    let buf = draw(&s, 120, 40);
    let t = text(&buf);
    assert!(t.contains("pre +") || t.contains("pre -"), "{t}");
    let l = Layout::compute(120, 40);
    let parts = [("clocks", l.clocks), ("watchlist", top(l.watch, 4))];
    insta::assert_snapshot!("us_premarket_120x40_regions", regions(&buf, &parts));
}

/// A quote older than twice its refresh interval is dimmed and says how old it is.
#[test]
fn stale_quotes_show_their_age() {
    let mut s = loaded(200, 60);
    let later = t0() + chrono::Duration::minutes(12);
    update(&mut s, Msg::Tick, later);
    let buf = draw(&s, 200, 60);
    let t = text(&buf);
    assert!(t.contains("old 12m"), "{t}");
    // The stale row is drawn dim, every character of it; the same row twelve minutes earlier is not.
    let y = t.lines().position(|l| l.contains("0981.HK")).unwrap() as u16;
    assert!(t.lines().nth(y as usize).unwrap().contains("old 12m"), "{t}");
    let fresh = draw(&loaded(200, 60), 200, 60);
    assert!(text(&fresh).lines().nth(y as usize).unwrap().contains("0981.HK"));
    let watch = Layout::compute(200, 60).watch;
    let inked: Vec<u16> = (watch.x + 1..watch.right() - 1).filter(|x| buf[(*x, y)].symbol() != " ").collect();
    assert!(inked.len() > 30, "{inked:?}");
    for x in inked {
        assert!(buf[(x, y)].modifier.contains(Modifier::DIM), "stale, column {x}: {:?}", buf[(x, y)]);
        assert!(!fresh[(x, y)].modifier.contains(Modifier::DIM), "fresh, column {x}: {:?}", fresh[(x, y)]);
    }
}

fn themed(toml: &str) -> ratatui::buffer::Buffer {
    let cfg = chiptape::config::parse_str(toml, "t").unwrap();
    let s = common::loaded_with(cfg, t0(), 120, 40);
    draw(&s, 120, 40)
}

/// The colour of the first cell of the first "▲+" on screen.
fn up_colour(buf: &ratatui::buffer::Buffer) -> Color {
    let t = text(buf);
    for (y, line) in t.lines().enumerate() {
        if let Some(b) = line.find("▲+") {
            return buf[(line[..b].chars().count() as u16, y as u16)].fg;
        }
    }
    panic!("no riser on screen:\n{t}");
}

/// The colour of the first cell of the first "▼-" on screen.
fn down_colour(buf: &ratatui::buffer::Buffer) -> Color {
    let t = text(buf);
    for (y, line) in t.lines().enumerate() {
        if let Some(b) = line.find("▼-") {
            return buf[(line[..b].chars().count() as u16, y as u16)].fg;
        }
    }
    panic!("no faller on screen:\n{t}");
}

/// `convention = "cn"`: a rise is red and a fall green on screen, in the theme's every use of a
/// move (the heat map's scale too); the arrows and signs stay, an open market stays green, an
/// error stays red, and `up` in the config still names a rise's colour.
#[test]
fn red_for_up_under_the_cn_convention() {
    let cn = themed("[theme]\nconvention = \"cn\"\n");
    assert_eq!((up_colour(&cn), down_colour(&cn)), (Color::Red, Color::Green));
    let western = themed("[theme]\nconvention = \"western\"\n");
    assert_eq!((up_colour(&western), down_colour(&western)), (Color::Green, Color::Red));
    let light = themed("[theme]\nname = \"light\"\nconvention = \"cn\"\n");
    assert_eq!(up_colour(&light), Color::Rgb(190, 20, 20));
    let custom = themed("[theme]\nconvention = \"cn\"\nup = \"#ff8800\"\n");
    assert_eq!(up_colour(&custom), Color::Rgb(0xff, 0x88, 0x00), "an explicit rise colour wins");

    let cfg = chiptape::config::parse_str("[theme]\nconvention = \"cn\"\n", "t").unwrap();
    let theme = chiptape::ui::theme::Theme::new(&cfg.theme, false);
    assert_eq!((theme.open.fg, theme.error.fg), (Some(Color::Green), Some(Color::Red)));
    let heat = theme.heat.unwrap();
    assert_eq!((heat.up, heat.down), ((185, 35, 35), (20, 150, 60)), "the heat map's scale turns too");
    let mono = chiptape::ui::theme::Theme::new(&cfg.theme, true);
    assert_eq!(mono.up, ratatui::style::Style::new().add_modifier(ratatui::style::Modifier::BOLD));
}

#[test]
fn themes_and_colour_overrides() {
    let dark = themed("");
    let light = themed("[theme]\nname = \"light\"\n");
    assert_eq!(up_colour(&dark), Color::Green);
    assert_ne!(up_colour(&light), Color::Green, "light has its own, darker green for white backgrounds");
    let custom = themed("[theme]\nup = \"#00aaff\"\n");
    assert_eq!(up_colour(&custom), Color::Rgb(0, 0xaa, 0xff));
    let mono = themed("[theme]\nname = \"mono\"\n");
    assert!(mono.content().iter().all(|c| c.fg == Color::Reset && c.bg == Color::Reset));
    assert!(text(&mono).contains('▲'), "direction still shows without colour");
}

#[test]
fn help_shows_the_live_key_map() {
    let cfg =
        chiptape::config::parse_str("[keys]\n\"ctrl-r\" = \"refresh\"\nq = \"none\"\nx = \"quit\"\n", "t")
            .unwrap();
    let mut s = common::loaded_with(cfg, t0(), 120, 40);
    update(&mut s, Msg::Key(Key::ch('?')), t0());
    let t = text(&draw(&s, 120, 40));
    let quit = t.lines().find(|l| l.contains(" quit ")).unwrap();
    assert!(quit.contains("x ctrl-c") && !quit.contains("│q "), "{quit}");
    let refresh = t.lines().find(|l| l.contains("refresh now")).unwrap();
    assert!(refresh.contains("r ctrl-r"), "{refresh}");
    assert!(t.lines().last().unwrap().contains("x quit"), "the hints follow the map too");
}

/// At 80x24 the help is a page of its sections between the tabs and the status bar, says how much
/// is below, and `G` brings its last section into view.
#[test]
fn help_scrolls_at_80x24() {
    let mut s = loaded(80, 24);
    update(&mut s, Msg::Key(Key::ch('?')), t0());
    let buf = draw(&s, 80, 24);
    let boxed = popup(&buf, "keys");
    let t = region(&buf, boxed);
    assert!(t.contains("watchlist and headlines") && t.contains("more: j/PgDn"), "{t}");
    assert!(boxed.y >= 1 && boxed.bottom() <= 23, "the tabs and the status bar stay: {boxed:?}");
    assert!(text(&buf).lines().last().unwrap().contains("? help"), "{}", text(&buf));
    update(&mut s, Msg::Key(Key::ch('G')), t0());
    let buf = draw(&s, 80, 24);
    let t = region(&buf, popup(&buf, "keys"));
    assert!(t.contains("scroll a page") && t.contains("top: g") && !t.contains("more"), "{t}");
}

/// Where it fits side by side (120x35), the help is two columns and the whole of it, unscrolled.
#[test]
fn help_in_two_columns_when_wide() {
    let mut s = loaded(120, 35);
    update(&mut s, Msg::Key(Key::ch('?')), t0());
    let buf = draw(&s, 120, 35);
    let t = region(&buf, popup(&buf, "keys"));
    for section in ["── watchlist and headlines", "── detail", "── prompt", "── alert log", "── help"]
    {
        assert!(t.contains(section), "{section}:\n{t}");
    }
    assert!(!t.contains("more") && s.help_max_scroll() == 0, "{t}");
    let two = t.lines().find(|l| l.contains("quit")).unwrap();
    assert!(two.contains("open in the browser") || two.contains("range: 1D"), "side by side: {two}");
}

/// However long the status text, at 80 columns it is cut before the `? help` hint is.
#[test]
fn the_help_hint_stays_in_the_status_bar() {
    let mut s = loaded(80, 24);
    s.notice =
        Some("a notice far longer than the status bar, which must give way to the hint".repeat(2).into());
    let last = text(&draw(&s, 80, 24)).lines().last().unwrap().to_string();
    assert!(last.trim_end().ends_with("? help"), "{last}");
    s.notice = None;
    let last = text(&draw(&s, 80, 24)).lines().last().unwrap().to_string();
    assert!(last.contains("? help"), "the sources' text at 80 columns: {last}");
}

fn detail_of(symbol: &str, w: u16, h: u16) -> String {
    text(&detail_screen(symbol, w, h).1)
}

/// The detail view of `symbol`, reached as a person would: its group's key, `j` to its row, Enter.
fn detail_screen(symbol: &str, w: u16, h: u16) -> (State, Buffer) {
    let mut s = loaded(w, h);
    let rows: Vec<String> = s.watch_rows().iter().map(|x| x.to_string()).collect();
    let group = s.config.groups.iter().position(|g| g.symbols.iter().any(|x| x.as_str() == symbol)).unwrap();
    update(&mut s, Msg::Key(Key::ch(char::from(b'1' + group as u8))), t0());
    let rows_now: Vec<String> = s.watch_rows().iter().map(|x| x.to_string()).collect();
    let steps = rows_now.iter().position(|x| x == symbol).unwrap();
    for _ in 0..steps {
        update(&mut s, Msg::Key(Key::ch('j')), t0());
    }
    update(&mut s, Msg::Key(Key::plain(chiptape::config::KeyCode::Enter)), t0());
    assert_eq!(s.detail().unwrap().symbol.as_str(), symbol, "{rows:?}");
    let buf = draw(&s, w, h);
    (s, buf)
}

/// The detail box of `symbol`: its title and ranges, and its figures, as text; the range in view
/// drawn selected, and the change coloured by its direction.
fn detail_regions(symbol: &str, w: u16, h: u16, rising: bool) -> String {
    let (s, buf) = detail_screen(symbol, w, h);
    let theme = Theme::new(&s.config.theme, false);
    let boxed = popup(&buf, symbol);
    let inner = Area::new(boxed.x + 1, boxed.y + 1, boxed.width - 2, boxed.height - 2);
    let (x, y) = find_in(&buf, inner, "Last ");
    // Six rows of figures, or down to the box's bottom where they stack under the chart.
    let figures = Area::new(x, y, inner.right() - x, 6.min(inner.bottom() - y));
    let (x, y) = find_in(&buf, inner, "1D");
    assert_eq!(Some(buf[(x, y)].bg), theme.selected.bg, "the range in view");
    let (arrow, colour) = if rising { ("▲", theme.up.fg) } else { ("▼", theme.down.fg) };
    let (x, y) = find_in(&buf, figures, arrow);
    assert_eq!(
        Some(buf[(x, y)].fg),
        colour,
        "the change of a {} day",
        if rising { "rising" } else { "falling" }
    );
    regions(&buf, &[("title and ranges", top(boxed, 2)), ("figures", figures)])
}

/// The box of the detail view, its chart's axis corner (`└` under the prices) and its label row.
fn chart_axis(buf: &Buffer, symbol: &str) -> (Area, u16, u16) {
    let boxed = popup(buf, symbol);
    let inner = Area::new(boxed.x + 1, boxed.y + 1, boxed.width - 2, boxed.height - 2);
    let (x, y) = find_in(buf, inner, "└");
    (inner, x, y)
}

/// The title names the company once: `AMD · Advanced Micro Devices`, not `AMD AMD` (the config's
/// name is the symbol, so an alias says more).
#[test]
fn detail_title_names_the_company() {
    let t = detail_of("AMD", 120, 40);
    assert!(t.lines().nth(2).unwrap().contains("┌ AMD · Advanced Micro Devices ─"), "{t}");
    let t = detail_of("0981.HK", 80, 24);
    assert!(t.lines().nth(2).unwrap().contains("┌ 0981.HK · SMIC ─"), "{t}");
}

/// The prices take the same gutter for every symbol and range, so the chart never jumps sideways.
#[test]
fn detail_chart_gutter_is_fixed() {
    let mut seen = Vec::new();
    for (symbol, w, h) in [("NVDA", 120, 40), ("688256.SS", 120, 40), ("AMD", 80, 24), ("0981.HK", 200, 60)] {
        let (mut s, buf) = detail_screen(symbol, w, h);
        let (inner, x, _) = chart_axis(&buf, symbol);
        seen.push((symbol, "1D", x - inner.x));
        for range in ['2', '6'] {
            update(&mut s, Msg::Key(Key::ch(range)), t0());
            let key = (s.detail().unwrap().symbol.clone(), s.detail().unwrap().range);
            let demo = chiptape::providers::demo::DemoMarket::new(
                1,
                std::sync::Arc::new(chiptape::market::clock::FixedClock(t0())),
                &s.config,
            );
            let series = demo.series(&key.0, key.1, t0());
            let m = Msg::Series { generation: s.generation, symbol: key.0, range: key.1, result: Ok(series) };
            update(&mut s, m, t0());
            let buf = draw(&s, w, h);
            let (inner, x, _) = chart_axis(&buf, symbol);
            seen.push((symbol, if range == '2' { "5D" } else { "5Y" }, x - inner.x));
        }
    }
    assert!(seen.iter().all(|(_, _, g)| *g == seen[0].2), "{seen:?}");
}

/// At 10:00 in New York the day chart's line ends 6 hours into the 16 of the extended day (not at
/// the right edge), pre- and post-market are shaded, and every hour has its label.
#[test]
fn detail_day_chart_spans_the_session() {
    let (s, buf) = detail_screen("NVDA", 120, 40);
    let theme = Theme::new(&s.config.theme, false);
    let (inner, corner, axis_y) = chart_axis(&buf, "NVDA");
    let right = (corner..inner.right()).take_while(|x| buf[(*x, axis_y)].symbol() != " ").last().unwrap();
    let (x0, width) = (corner + 1, right - corner);
    let plot_rows = inner.y + 1..axis_y;
    let line_cols: Vec<u16> = (x0..=right)
        .filter(|x| {
            plot_rows.clone().any(|y| Some(buf[(*x, y)].fg) == theme.up.fg && buf[(*x, y)].symbol() != " ")
        })
        .collect();
    let last = *line_cols.last().unwrap();
    let expected = x0 + (f64::from(width - 1) * 6.0 / 16.0).round() as u16;
    assert!(last.abs_diff(expected) <= 1, "the line ends at {last}, 10:00 is at {expected}:\n{}", text(&buf));
    let shade = theme.selected_unfocused.bg.unwrap();
    let mid = inner.y + 2;
    assert_eq!(buf[(x0 + 1, mid)].bg, shade, "04:00, pre-market");
    assert_eq!(buf[(right - 1, mid)].bg, shade, "19:59, post-market");
    assert_ne!(buf[(expected, mid)].bg, shade, "10:00, regular hours");
    // The previous close: a dot every other cell, never a solid line.
    let dotted = plot_rows.clone().any(|y| {
        let dim =
            (x0..=right).filter(|x| Some(buf[(*x, y)].fg) == theme.dim.fg && buf[(*x, y)].symbol() != " ");
        let cols: Vec<u16> = dim.collect();
        cols.len() > 10 && cols.windows(2).all(|w| w[1] - w[0] >= 2)
    });
    assert!(dotted, "{}", text(&buf));
    // The demo's headlines about NVDA are marked on the rule in the pre-market: read them as dots.
    let rule = region(&buf, Area::new(x0, axis_y, width, 1)).trim_end().replace('▲', "┄");
    assert!(
        rule.starts_with("┴┄") && rule.ends_with("┄┴") && rule.contains("┴────┴"),
        "dotted outside: {rule}"
    );
    let labels = region(&buf, Area::new(x0, axis_y + 1, width, 1));
    let hours: Vec<u32> = labels.split_whitespace().map(|h| h[..2].parse().unwrap()).collect();
    assert_eq!(hours, (4..=20).collect::<Vec<_>>(), "{labels}");
}

/// The side panel is as wide as its widest figure, not a fixed 36 columns.
#[test]
fn detail_side_panel_fits_its_figures() {
    let (_, buf) = detail_screen("NVDA", 120, 40);
    let boxed = popup(&buf, "NVDA");
    let inner = Area::new(boxed.x + 1, boxed.y + 1, boxed.width - 2, boxed.height - 2);
    let (x, y) = find_in(&buf, inner, "Last ");
    // The figures end where the headlines start (the event dates are figures too).
    let widest = (y..inner.bottom())
        .map(|r| region(&buf, Area::new(x, r, inner.right() - x, 1)))
        .take_while(|line| !line.starts_with("Headlines"))
        .map(|line| UnicodeWidthStr::width(line.trim_end()))
        .max()
        .unwrap() as u16;
    assert_eq!(inner.right() - x, widest.max(24), "{}", text(&buf));
}

/// NVDA is up on the demo day at this instant, 688981.SS down: one of each direction.
#[test]
fn detail_rising_120x40() {
    insta::assert_snapshot!("detail_rising_120x40_regions", detail_regions("NVDA", 120, 40, true));
}

#[test]
fn detail_falling_120x40() {
    insta::assert_snapshot!("detail_falling_120x40_regions", detail_regions("688981.SS", 120, 40, false));
}

#[test]
fn detail_rising_80x24() {
    insta::assert_snapshot!("detail_rising_80x24_regions", detail_regions("NVDA", 80, 24, true));
}

#[test]
fn detail_falling_80x24() {
    insta::assert_snapshot!("detail_falling_80x24_regions", detail_regions("688981.SS", 80, 24, false));
}

#[test]
fn detail_at_40x12_still_says_something() {
    let t = detail_of("NVDA", 40, 12);
    assert!(t.contains("NVDA") && t.contains("1D"), "{t}");
}

#[test]
fn detail_draws_at_every_size() {
    let mut s = loaded(120, 50);
    update(&mut s, Msg::Key(Key::plain(chiptape::config::KeyCode::Enter)), t0());
    let sym = s.detail().unwrap().symbol.to_string();
    for w in (1..=120).step_by(3) {
        for h in 1..=50 {
            update(&mut s, Msg::Resize(w, h), t0());
            let t = text(&draw(&s, w, h));
            if w < 40 || h < 12 {
                assert!(t.contains("too small") || w < 10, "{w}x{h}:\n{t}");
            } else {
                // The symbol in the title, the range picker and the price, at every size that fits.
                assert!(t.contains(&sym) && t.contains("1D") && t.contains("Last"), "{w}x{h}:\n{t}");
            }
        }
    }
}

/// Screens far larger than any today: the arithmetic must not wrap (at 1300 columns the watchlist
/// was 71 columns wide; a debug build panicked from 1171 columns or 1192 rows).
#[test]
fn huge_terminals_draw_like_large_ones() {
    let mut s = loaded(120, 50);
    for w in [40, 99, 100, 1170, 1171, 1300, 2000] {
        for h in [12, 40, 1191, 1192, 1500] {
            update(&mut s, Msg::Resize(w, h), t0());
            let t = text(&draw(&s, w, h));
            let rows: Vec<&str> = t.lines().collect();
            assert_eq!(rows.len(), h as usize);
            assert!(rows[0].contains("China AI chips"), "{w}x{h}");
            if w >= 100 {
                // The watchlist's right border, then the headline pane beside it, from 60 columns
                // to its full table.
                let top: Vec<char> = rows[2].chars().collect();
                let edge = top.iter().position(|c| *c == '┐').unwrap();
                let most = chiptape::state::columns::full_width(false) + 2;
                assert!((59..most).contains(&edge), "{w}x{h}: watchlist {} wide", edge + 1);
                assert!(rows[2].contains("Headlines"), "{w}x{h}");
            }
            assert!(rows[h as usize - 1].contains("quotes"), "{w}x{h}: the status bar");
        }
    }
}

/// A broken save with several errors: the status bar shows the first, located, and how many more
/// there are (they used to be joined with newlines into the one-line bar).
#[test]
fn several_config_errors_fit_the_status_bar() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.toml");
    std::fs::write(&path, "refresh_secs = 1\nnews_refresh_secs = 2\n[theme]\nname = \"neon\"\n").unwrap();
    let err = chiptape::app::watcher::read(&path, &Default::default()).unwrap_err();
    assert!(!err.contains('\n'), "{err}");
    // Wide enough for the whole line beside the `? help` hint, which never gives way.
    let mut s = loaded(130, 30);
    update(&mut s, Msg::Config(Box::new(Err(err))), t0());
    let t = text(&draw(&s, 130, 30));
    let status = t.lines().last().unwrap();
    assert!(status.contains("c.toml:1:16: key `refresh_secs`"), "{status}");
    assert!(status.contains("(+2 more; `chiptape config check`)"), "{status}");
}

/// Tencent failing: the quotes still come (from Yahoo), and the status bar says which fallback is
/// in force, as a warning, at 120 and 80 columns.
#[test]
fn a_fallback_in_force_is_named_in_the_status_bar() {
    use chiptape::msg::{DataKind, DataMsg};
    let mut s = loaded(120, 30);
    let note = "Tencent unreachable — Yahoo serving 3";
    let msg = |s: &chiptape::state::State, note: Option<&str>| {
        Msg::Data(DataMsg {
            generation: s.generation,
            at: t0(),
            kind: DataKind::Quotes {
                note: note.map(str::to_string),
                source: "Yahoo".into(),
                results: vec![],
            },
        })
    };
    let m = msg(&s, Some(note));
    update(&mut s, m, t0());
    let status = text(&draw(&s, 120, 30)).lines().last().unwrap().to_string();
    assert!(status.contains(&format!("quotes: {note} · just now")), "{status}");
    // A narrow pane keeps the start of it, key hints give way.
    update(&mut s, Msg::Resize(80, 24), t0());
    let status = text(&draw(&s, 80, 24)).lines().last().unwrap().to_string();
    assert!(status.contains("quotes: Tencent unreachable"), "{status}");
    // Once Tencent answers again the note goes.
    let m = msg(&s, None);
    update(&mut s, m, t0());
    let status = text(&draw(&s, 80, 24)).lines().last().unwrap().to_string();
    assert!(!status.contains("mainland"), "{status}");
}

pub(crate) fn quotes_msg(
    s: &chiptape::state::State,
    results: Vec<(chiptape::market::Symbol, chiptape::market::QuoteOutcome)>,
) -> Msg {
    use chiptape::msg::{DataKind, DataMsg};
    Msg::Data(DataMsg {
        generation: s.generation,
        at: t0(),
        kind: DataKind::Quotes { note: None, source: "Yahoo".into(), results },
    })
}

/// A symbol the source answers for without a usable price used to show "…" (waiting) forever; one
/// the source knows under a name of its own keeps that name in the detail view's title.
#[test]
fn what_is_missing_is_said() {
    use chiptape::market::{Quote, Symbol};
    let mut cfg = chiptape::config::builtin();
    let zzz = Symbol::parse("ZZZ").unwrap();
    cfg.groups[0].symbols.insert(0, zzz.clone());
    let mut s = chiptape::state::State::new(cfg, false, t0());
    update(&mut s, Msg::Resize(120, 30), t0());
    let before = text(&draw(&s, 120, 30));
    assert!(before.lines().find(|l| l.contains("ZZZ")).unwrap().contains('…'), "waiting, before any answer");
    let nameless =
        Quote { symbol: zzz.clone(), name: Some("Zeta Semi".into()), price: None, ..Quote::default() };
    let msg = quotes_msg(&s, vec![(zzz.clone(), Ok(nameless))]);
    update(&mut s, msg, t0());
    let after = text(&draw(&s, 120, 30));
    let row = after.lines().find(|l| l.contains("ZZZ")).unwrap();
    assert!(row.contains("no price") && !row.contains('…'), "{row}");
    let other = after.lines().find(|l| l.contains("0981.HK")).unwrap();
    assert!(other.contains("no price"), "the source answered, without this one: {other}");
    update(&mut s, Msg::Key(Key::plain(chiptape::config::KeyCode::Enter)), t0());
    let detail = text(&draw(&s, 120, 30));
    assert!(detail.lines().nth(2).unwrap().contains("┌ ZZZ · Zeta Semi ─"), "{detail}");
}

/// With no feeds at all the headline pane says so instead of waiting forever; a retry that is due
/// says "retrying…", not "retrying in 0s" for as long as it runs.
#[test]
fn no_feeds_and_a_retry_in_flight_are_said() {
    use chiptape::msg::{DataKind, DataMsg};
    let mut cfg = chiptape::config::builtin();
    cfg.news.feeds.clear();
    cfg.news.yahoo_symbols = false;
    let mut s = chiptape::state::State::new(cfg, false, t0());
    update(&mut s, Msg::Resize(120, 30), t0());
    let failed = DataKind::QuotesFailed {
        source: "Yahoo".into(),
        error: "server answered HTTP 500".into(),
        retry_in: std::time::Duration::from_secs(5),
    };
    let generation = s.generation;
    update(&mut s, Msg::Data(DataMsg { generation, at: t0(), kind: failed }), t0());
    let t = text(&draw(&s, 120, 30));
    assert!(t.contains("no feeds configured"), "{t}");
    assert!(t.lines().last().unwrap().contains("retrying in 5s"), "{t}");
    update(&mut s, Msg::Tick, t0() + chrono::Duration::seconds(7));
    let status = text(&draw(&s, 120, 30)).lines().last().unwrap().to_string();
    assert!(status.contains("retrying…") && !status.contains("in 0s"), "{status}");
}

/// The built-in watchlist with positions in HKD, CNY and USD, their exchange rates from the demo.
pub(crate) fn with_positions(w: u16, h: u16) -> chiptape::state::State {
    use chiptape::config::Position;
    use chiptape::market::Symbol;
    let mut cfg = chiptape::config::builtin();
    let lot = |s: &str, quantity: f64, unit_cost: f64| Position {
        symbol: Symbol::parse(s).unwrap(),
        quantity,
        unit_cost,
    };
    cfg.positions =
        vec![lot("0981.HK", 2000.0, 45.80), lot("688256.SS", 100.0, 1100.0), lot("1347.HK", -500.0, 90.0)];
    let mut s = common::loaded_with(cfg.clone(), t0(), w, h);
    let demo = chiptape::providers::demo::DemoMarket::new(
        7,
        std::sync::Arc::new(chiptape::market::clock::FixedClock(t0())),
        &cfg,
    );
    let rates: Vec<_> =
        s.fx_symbols().into_iter().map(|fx| (fx.clone(), Ok(demo.quote(&fx, t0())))).collect();
    assert_eq!(rates.len(), 2, "HKD and CNY");
    let msg = quotes_msg(&s, rates);
    update(&mut s, msg, t0());
    s
}

#[test]
fn positions_80x24() {
    let s = with_positions(80, 24);
    insta::assert_snapshot!("positions_80x24_regions", positions(&s, &draw(&s, 80, 24)));
}

/// The watchlist's headings and first row, with the position columns, and the summary of the
/// positions under the rows.
fn positions(s: &State, buf: &Buffer) -> String {
    let l = s.layout();
    regions(buf, &[("watchlist", top(l.watch, 3)), ("summary", row_with(buf, l.watch, "Σ"))])
}

#[test]
fn positions_200x60() {
    let s = with_positions(200, 60);
    let buf = draw(&s, 200, 60);
    let t = text(&buf);
    let summary = t.lines().find(|l| l.contains('Σ')).expect("the summary line");
    assert!(summary.contains("USD") && summary.contains("day") && summary.contains("P&L"), "{summary}");
    insta::assert_snapshot!("positions_200x60_regions", positions(&s, &buf));
}

/// The watchlist's columns, by what their headings say, at the widths people use. With a holding,
/// 99 columns showed the four position columns and 100 (headlines beside) none; 140 brought back
/// only value and P&L %. Now what shows is always the head of one priority order, the day's P&L
/// right after the price and its move, and beside the headlines a wider terminal never shows less.
#[test]
fn position_columns_by_priority_at_every_width() {
    use chiptape::state::columns::Col;
    let mut beside = 0;
    for w in [80, 99, 100, 120, 140, 200] {
        let s = with_positions(w, 30);
        let l = s.layout();
        let cols: Vec<Col> =
            s.watch_columns(l.watch.width as usize - 2).into_iter().map(|(c, _)| c).collect();
        let offered: Vec<Col> = Col::PRIORITY.into_iter().filter(|c| *c != Col::Ext).collect();
        let by_priority: Vec<Col> = offered.iter().copied().filter(|c| cols.contains(c)).collect();
        assert_eq!(by_priority, offered[..cols.len()], "{w}: the head of the priority order");
        let buf = draw(&s, w, 30);
        let headings = region(&buf, Area { y: l.watch.y + 1, height: 1, ..l.watch });
        assert!(headings.contains("Day P&L"), "{w}: the day's P&L always shows\n{}", text(&buf));
        if w >= 100 {
            assert!(cols.len() >= beside, "{w}: fewer columns than a narrower terminal ({beside})");
            beside = cols.len();
        }
        if w == 200 {
            for c in [Col::Qty, Col::Value, Col::DayPnl, Col::PnlPct] {
                assert!(cols.contains(&c), "{w}: {c:?} with room to spare: {cols:?}");
            }
        }
    }
}

/// A pane with rows below its view says how many on its bottom border (costing no row), and says
/// nothing when every row fits.
#[test]
fn a_pane_with_more_rows_says_how_many() {
    let s = loaded(80, 24);
    let l = s.layout();
    let buf = draw(&s, 80, 24);
    let bottom = |a: Area| region(&buf, Area { y: a.bottom() - 1, height: 1, ..a });
    let hidden = s.watch_rows().len() - s.watch_page();
    assert!(hidden > 0, "the demo group is longer than an 80x24 watchlist");
    assert!(bottom(l.watch).contains(&format!("▼ {hidden} more")), "{}", text(&buf));
    let hidden = s.news_rows().len() - l.news_rows();
    assert!(bottom(l.news).contains(&format!("▼ {hidden} more")), "{}", text(&buf));
    // Every row of the group fits a tall watchlist: its border stays a border.
    let s = loaded(200, 60);
    let l = s.layout();
    assert!(s.watch_rows().len() <= s.watch_page());
    let buf = draw(&s, 200, 60);
    let border = region(&buf, Area { y: l.watch.bottom() - 1, height: 1, ..l.watch }).trim_end().to_string();
    assert!(!border.contains("more"), "{border}");
    assert!(border.trim_start_matches('└').trim_end_matches('┘').chars().all(|c| c == '─'), "{border}");
}

/// A change is written at its price's precision (a 12.34 price moves -0.07, not -0.070); position
/// values are in the base currency, which the Value heading names.
#[test]
fn changes_at_price_precision_and_values_in_the_base_currency() {
    use chiptape::market::{Quote, Symbol};
    use chiptape::present::money::Money;
    let mut s = with_positions(200, 60);
    let smic = Symbol::parse("0981.HK").unwrap();
    let l = s.layout();
    let buf = draw(&s, 200, 60);
    let headings = region(&buf, Area { y: l.watch.y + 1, height: 1, ..l.watch });
    assert!(headings.contains("Value USD"), "{headings}");
    let held = s.portfolio().unwrap().holdings[&smic].clone();
    let row = region(&buf, row_with(&buf, l.watch, "0981.HK"));
    assert!(row.contains(&Money::SHOWN.amount(held.value_base.unwrap())), "{row}");
    assert!(!row.contains(&Money::SHOWN.amount(held.value.unwrap())), "not in HKD: {row}");
    let q = Quote {
        symbol: smic.clone(),
        price: Some(12.34),
        change: Some(-0.07),
        change_pct: Some(-0.56),
        currency: Some("HKD".into()),
        ..Quote::default()
    };
    let msg = quotes_msg(&s, vec![(smic, Ok(q))]);
    update(&mut s, msg, t0());
    let buf = draw(&s, 200, 60);
    let row = region(&buf, row_with(&buf, l.watch, "0981.HK"));
    assert!(row.contains(" -0.07 ") && !row.contains("-0.070"), "{row}");
}

/// The alert log over the watchlist: newest first, with the reader's clock (the day when not
/// today) and ages; the marked row and headline.
#[test]
fn alert_log_120x40() {
    use chiptape::market::Symbol;
    use chiptape::market::alerts::{Fired, FiredHeadline};
    let mut s = loaded(120, 40);
    let at = |m: i64| t0() - chrono::Duration::minutes(m);
    s.alerts.log = vec![
        Fired {
            at: at(26 * 60),
            symbol: Some(Symbol::parse("NVDA").unwrap()),
            what: "below 170.00".into(),
            level: None,
            price: Some(169.5),
            headline: None,
        },
        Fired {
            at: at(42),
            symbol: Some(Symbol::parse("0981.HK").unwrap()),
            what: "above 70.00".into(),
            level: None,
            price: Some(70.35),
            headline: None,
        },
        Fired {
            at: at(7),
            symbol: None,
            what: "Entity List".into(),
            level: None,
            price: None,
            headline: Some(FiredHeadline {
                id: "x".into(),
                title: "US adds more Chinese chip firms to the Entity List".into(),
                link: "https://news.example.com/el".into(),
            }),
        },
        Fired {
            at: at(1),
            symbol: Some(Symbol::parse("688256.SS").unwrap()),
            what: "moved -8.12%".into(),
            level: None,
            price: Some(1290.0),
            headline: None,
        },
    ];
    s.alerts.marked.insert(Symbol::parse("0981.HK").unwrap());
    let marked = text(&draw(&s, 120, 40));
    assert!(marked.lines().any(|l| l.contains("│!0981.HK")), "{marked}");
    update(&mut s, Msg::Key(Key::ch('A')), t0());
    let buf = draw(&s, 120, 40);
    let t = text(&buf);
    assert!(!t.contains("│!0981.HK"), "seen once the log is open");
    insta::assert_snapshot!("alert_log_120x40_regions", regions(&buf, &[("alerts", popup(&buf, "alerts"))]));
}

/// Lunar New Year's Day 2026, 10:30 in Hong Kong and Shanghai: both clocks name the holiday, the
/// quotes stand at the eve's close, and the day charts show the eve's session.
#[test]
fn lunar_new_year_120x40() {
    let at: chrono::DateTime<chrono::Utc> = "2026-02-17T02:30:00Z".parse().unwrap();
    let s = common::loaded_with(chiptape::config::builtin(), at, 120, 40);
    let buf = draw(&s, 120, 40);
    let t = text(&buf);
    assert!(t.contains("HK 10:30 ○ Lunar New Year's Day"), "{t}");
    assert!(t.contains("SH 10:30 ○ Spring Festival"), "{t}");
    // The prices are those of hours later the same day: nothing moved.
    let later = common::loaded_with(chiptape::config::builtin(), at + chrono::Duration::hours(5), 120, 40);
    let quote = |s: &chiptape::state::State, sym: &str| {
        s.quotes[&chiptape::market::Symbol::parse(sym).unwrap()].quote.clone().unwrap()
    };
    for sym in ["0981.HK", "688981.SS"] {
        assert_eq!(quote(&s, sym).price, quote(&later, sym).price, "{sym}");
        assert_eq!(quote(&s, sym).market_state, chiptape::market::MarketState::Closed, "{sym}");
    }
    let l = Layout::compute(120, 40);
    let parts = [("clocks", l.clocks), ("watchlist", top(l.watch, 3))];
    insta::assert_snapshot!("lunar_new_year_120x40_regions", regions(&buf, &parts));
}

/// A price from a stand-in (its first source failing) names it in one word in the Note column and
/// in the detail view; a row at its first source (Yahoo for NVDA, Tencent for a mainland code)
/// names none.
#[test]
fn a_stand_in_is_named_in_the_note_column() {
    use chiptape::config::Group;
    use chiptape::market::{PriceSource, Quote, Symbol};
    use chiptape::msg::{DataKind, DataMsg};
    let now = t0();
    let mut cfg = chiptape::config::builtin();
    let syms: Vec<Symbol> = ["NVDA", "AMD", "688256.SS"].iter().map(|s| Symbol::parse(s).unwrap()).collect();
    cfg.groups = vec![Group { name: "Race".into(), symbols: syms.clone() }];
    let mut s = State::new(cfg, false, now);
    update(&mut s, Msg::Resize(120, 30), now);
    let quote = |sym: &Symbol, price: f64, source: PriceSource| {
        let q =
            Quote { symbol: sym.clone(), price: Some(price), time: Some(now), source, ..Quote::default() };
        (sym.clone(), Ok(q))
    };
    let results = vec![
        quote(&syms[0], 190.0, PriceSource::Tencent),
        quote(&syms[1], 150.0, PriceSource::Yahoo),
        quote(&syms[2], 1279.81, PriceSource::Tencent),
    ];
    let kind = DataKind::Quotes { note: None, source: "Yahoo".into(), results };
    let generation = s.generation;
    update(&mut s, Msg::Data(DataMsg { generation, at: now, kind }), now);
    let screen = text(&draw(&s, 120, 30));
    let row = |needle: &str| {
        screen.lines().find(|l| l.contains(needle)).unwrap_or_else(|| panic!("{screen}")).to_string()
    };
    assert!(row("NVDA").contains("tc rt"), "{}", row("NVDA"));
    assert!(!row("AMD").contains("yh ") && !row("AMD").contains("tc "), "{}", row("AMD"));
    assert!(!row("688256").contains("tc "), "{}", row("688256"));
    // The detail view says it in words.
    update(&mut s, Msg::Key(Key::plain(chiptape::config::KeyCode::Enter)), now);
    let detail = text(&draw(&s, 120, 30));
    assert!(detail.contains("Source   tencent (standing in)"), "{detail}");
}

/// The message log (issue 26, item 2): the alert log's second tab (Tab) lists every message and
/// error of the session at the reader's clock, newest first, in full: a message longer than the
/// pane wraps, it is never cut.
#[test]
fn the_message_log_keeps_every_message_in_full() {
    let mut s = loaded(80, 24);
    let long = "config: TOML parse error at line 12, column 7: expected `=` after the key \
                `refresh_secs`, found a newline; the last good config keeps running until this is fixed";
    update(&mut s, Msg::Warning(long.into()), t0());
    update(&mut s, Msg::Notice("added AAPL to Cloud".into()), t0() + chrono::Duration::minutes(1));
    update(&mut s, Msg::Key(Key::ch('A')), t0() + chrono::Duration::minutes(2));
    update(&mut s, Msg::Key(Key::plain(chiptape::config::KeyCode::Tab)), t0() + chrono::Duration::minutes(2));
    let screen = text(&draw(&s, 80, 24));
    assert!(screen.contains("alerts │ messages (Tab)"), "{screen}");
    let newest = screen.find("15:01  added AAPL to Cloud").expect("the newest first, at its time");
    let older = screen.find("15:00  config: TOML parse error").expect("the warning, at its time");
    assert!(newest < older, "{screen}");
    assert!(screen.contains("running until this is fixed"), "wrapped, not cut: {screen}");
}

/// While symbols stream, the quotes' age is when the polled ones came, and the bar says so
/// (issue 26, item 4): `quotes live · demo polled 4m ago`, not `quotes demo 4m ago`.
#[test]
fn streaming_quotes_say_when_they_were_polled() {
    let mut s = loaded(120, 35);
    let later = t0() + chrono::Duration::minutes(4);
    s.stream.on = true;
    s.stream.connected = true;
    s.planned_live.insert(chiptape::market::Symbol::parse("NVDA").unwrap());
    s.now = later;
    let screen = text(&draw(&s, 120, 35));
    let status = screen.lines().last().unwrap();
    assert!(status.contains("quotes live · demo polled 4m ago"), "{status}");
    s.stream.connected = false;
    let screen = text(&draw(&s, 120, 35));
    assert!(screen.lines().last().unwrap().contains("quotes demo 4m ago"));
}

/// A config error after a reload (issue 26, item 3): the file's name, line, column and what is
/// wrong fit in the first 80 columns, whatever the path; the message log has the full text.
#[test]
fn a_config_error_says_where_and_what_in_80_columns() {
    let mut s = loaded(80, 24);
    let e = "/home/someone/.config/chiptape/watchlists/config.toml:3:16: string values must be quoted";
    update(&mut s, Msg::Config(Box::new(Err(e.to_string()))), t0());
    let screen = text(&draw(&s, 80, 24));
    let status = screen.lines().last().unwrap();
    assert!(status.contains("config: config.toml:3:16: string values must be quoted"), "{status}");
    assert_eq!(s.messages.0.back().map(|m| m.text.as_str()), Some(format!("config: {e}").as_str()));
}

/// Frames the stream cannot read (issue 27, item 5) are said beside the live count once a few
/// came on this connection, and a new connection counts from none again.
#[test]
fn unreadable_stream_frames_are_said_beside_the_live_count() {
    use chiptape::market::stream::{StreamEvent, Tick};
    let mut s = loaded(120, 35);
    let status = |s: &State| text(&draw(s, 120, 35)).lines().last().unwrap().to_string();
    // Connected, and NVDA pushed: one symbol live (New York trades at t0).
    let connect = |s: &mut State| {
        update(s, Msg::Stream(StreamEvent::Connected { subscribed: 16 }), t0());
        let tick = Tick {
            symbol: chiptape::market::Symbol::parse("NVDA").unwrap(),
            price: 201.25,
            time: Some(t0()),
            change: None,
            change_pct: None,
            day_high: None,
            day_low: None,
            volume: None,
            source: chiptape::market::PriceSource::YahooStream,
        };
        update(s, Msg::Stream(StreamEvent::Ticks(vec![tick])), t0());
    };
    connect(&mut s);
    update(&mut s, Msg::Stream(StreamEvent::Undecodable { total: 4 }), t0());
    let bar = status(&s);
    assert!(bar.contains("stream live (1) │") && !bar.contains("unreadable"), "a few are a hiccup: {bar}");
    let out = update(&mut s, Msg::Stream(StreamEvent::Undecodable { total: 7 }), t0());
    assert!(out.redraw, "the status bar changes");
    let bar = status(&s);
    assert!(bar.contains("stream live (1) · 7 unreadable frames"), "{bar}");

    // Reconnected: the count starts again from the new connection.
    let lost =
        StreamEvent::Reconnecting { retry_in: std::time::Duration::from_secs(5), error: "reset".into() };
    update(&mut s, Msg::Stream(lost), t0());
    connect(&mut s);
    update(&mut s, Msg::Stream(StreamEvent::Undecodable { total: 10 }), t0());
    let bar = status(&s);
    assert!(bar.contains("stream live (1) │") && !bar.contains("unreadable"), "3 since connecting: {bar}");
    update(&mut s, Msg::Stream(StreamEvent::Undecodable { total: 12 }), t0());
    let bar = status(&s);
    assert!(bar.contains("stream live (1) · 5 unreadable frames"), "{bar}");
}

/// Issue 27, item 5: with nothing to follow (an empty watchlist, or only symbols polled in real
/// time) the bar claims no stream at all, connected or not.
#[test]
fn an_empty_watchlist_claims_no_stream() {
    use chiptape::market::stream::StreamEvent;
    let cfg = chiptape::config::parse_str("[[groups]]\nname = \"Empty\"\nsymbols = []\n", "c.toml").unwrap();
    let mut s = common::loaded_with(cfg, t0(), 120, 35);
    update(&mut s, Msg::Stream(StreamEvent::Connected { subscribed: 0 }), t0());
    let bar = text(&draw(&s, 120, 35)).lines().last().unwrap().to_string();
    assert!(!bar.contains("stream"), "{bar}");
    // The same app with a symbol to follow says it.
    let mut s = loaded(120, 35);
    update(&mut s, Msg::Stream(StreamEvent::Connected { subscribed: 16 }), t0());
    let bar = text(&draw(&s, 120, 35)).lines().last().unwrap().to_string();
    assert!(bar.contains("stream connected") || bar.contains("stream live"), "{bar}");
}

/// Issue 22, item 4: the detail view lists the next earnings ("estimated" where so) and the
/// dividend dates under the figures, and at 80x24 the chart gives up the rows they need rather
/// than hiding them or the market line.
#[test]
fn detail_lists_the_coming_dates_at_80x24() {
    let (_, buf) = detail_screen("NVDA", 80, 24);
    let screen = text(&buf);
    for line in
        ["Market   regular", "Earnings 2026-12-01 (in 7 days)", "Dividend ex 2026-12-15 · pay 2026-12-29"]
    {
        assert!(screen.contains(line), "{line:?}:\n{screen}");
    }
    let (_, buf) = detail_screen("0981.HK", 80, 24);
    let screen = text(&buf);
    assert!(screen.contains("Earnings 2026-11-28 (in 4 days, estimated)"), "{screen}");
    assert!(!screen.contains("Dividend"), "no dividend dates known: no line\n{screen}");
    let (_, buf) = detail_screen("AMD", 80, 24);
    assert!(!text(&buf).contains("Earnings"), "nothing known, nothing said");
}
