//! Headlines on the chart: a marker on the time axis for each headline about the symbol inside the
//! chart's range, the move since each in the detail view's list, `J`/`K` picking one (its marker
//! highlighted). Demo data at a fixed clock, as the other detail snapshots.

use crate::common;

use chiptape::config::{Key, KeyCode};
use chiptape::msg::Msg;
use chiptape::state::layout::Area;
use chiptape::state::{State, update};
use chiptape::ui::theme::Theme;
use common::{draw, loaded, region, t0, text};
use ratatui::buffer::Buffer;
use ratatui::style::Modifier;

/// NVDA's detail view, with `keys` pressed in it.
fn nvda(w: u16, h: u16, keys: &[Key]) -> (State, Buffer) {
    let mut s = loaded(w, h);
    let sym = chiptape::market::Symbol::parse("NVDA").unwrap();
    s.open_detail(sym);
    for k in keys {
        update(&mut s, Msg::Key(*k), t0());
    }
    let buf = draw(&s, w, h);
    (s, buf)
}

/// The row of the axis rule under the plot (ticks `┴` on it) and the columns of the markers on it.
fn rule(buf: &Buffer) -> (u16, Vec<u16>) {
    let (w, h) = (buf.area.width, buf.area.height);
    let y = (0..h)
        .find(|y| (0..w).any(|x| buf[(x, *y)].symbol() == "┴"))
        .unwrap_or_else(|| panic!("no axis rule:\n{}", text(buf)));
    let marks = (0..w).filter(|x| buf[(*x, y)].symbol() == "▲").collect();
    (y, marks)
}

#[test]
fn markers_80x24() {
    let (_, buf) = nvda(80, 24, &[]);
    insta::assert_snapshot!("markers_80x24", text(&buf));
}

#[test]
fn markers_160x48() {
    let (_, buf) = nvda(160, 48, &[]);
    insta::assert_snapshot!("markers_160x48", text(&buf));
}

/// `J` picks the newest headline: its marker is drawn reversed and bold, the others are not, and
/// its row in the list is drawn selected; `K` then holds at the newest, `J` moves to the next.
#[test]
fn the_picked_headlines_marker_is_highlighted() {
    let (s, plain) = nvda(160, 48, &[]);
    let theme = Theme::new(&s.config.theme, false);
    let (y, marks) = rule(&plain);
    assert!(marks.len() >= 2, "two of the demo's NVDA headlines fall inside the day:\n{}", text(&plain));
    assert!(marks.iter().all(|x| !plain[(*x, y)].modifier.contains(Modifier::REVERSED)), "none picked yet");

    let (s, buf) = nvda(160, 48, &[Key::ch('J')]);
    assert_eq!(s.detail_picked(s.detail().unwrap()), Some(0));
    let picked: Vec<u16> =
        marks.iter().copied().filter(|x| buf[(*x, y)].modifier.contains(Modifier::REVERSED)).collect();
    // The newest headline is the later instant: the rightmost marker.
    assert_eq!(picked, vec![*marks.last().unwrap()], "{}", region(&buf, Area::new(0, y, 160, 1)));
    assert!(buf[(picked[0], y)].modifier.contains(Modifier::BOLD));
    assert_eq!(buf[(picked[0], y)].fg, theme.accent.fg.unwrap_or(buf[(picked[0], y)].fg));
    // Its row in the list: the row under "Headlines", drawn in the selection's colours.
    let (hx, hy) = (0..48)
        .find_map(|r| {
            let line = region(&buf, Area::new(0, r, 160, 1));
            line.find("Headlines").map(|b| (unicode_width::UnicodeWidthStr::width(&line[..b]) as u16, r))
        })
        .unwrap();
    assert_eq!(buf[(hx + 1, hy + 1)].bg, theme.selected.bg.unwrap_or_default(), "{}", text(&buf));

    let (s, buf) = nvda(160, 48, &[Key::ch('J'), Key::ch('J')]);
    assert_eq!(s.detail_picked(s.detail().unwrap()), Some(1));
    let picked: Vec<u16> =
        marks.iter().copied().filter(|x| buf[(*x, y)].modifier.contains(Modifier::REVERSED)).collect();
    assert_eq!(picked, vec![marks[0]], "the second newest is the earlier marker");
    let (s, _) = nvda(160, 48, &[Key::ch('J'), Key::ch('K'), Key::ch('K')]);
    assert_eq!(s.detail_picked(s.detail().unwrap()), Some(0), "K holds at the newest");
}

/// `j` walks to another symbol: the pick is let go, it was about the last one.
#[test]
fn walking_the_watchlist_drops_the_pick() {
    let (s, _) = nvda(120, 40, &[Key::ch('J'), Key::ch('j')]);
    let d = s.detail().unwrap();
    assert!(d.symbol.as_str() != "NVDA" || d.headline.is_some());
    if d.symbol.as_str() != "NVDA" {
        assert_eq!(d.headline, None);
    }
}

/// Enter opens the picked headline, as in the headline pane.
#[test]
fn enter_opens_the_picked_headline() {
    let (mut s, _) = nvda(120, 40, &[Key::ch('J')]);
    let out = update(&mut s, Msg::Key(Key::plain(KeyCode::Enter)), t0());
    assert!(out.effects.iter().any(|e| matches!(e, chiptape::msg::Effect::OpenLink(_))), "{:?}", out.effects);
}

/// The headline pane filtered to NVDA (`n`) shows the move since at the end of each of its rows,
/// from the day's series already loaded for the sparkline: the same figure as the detail list.
#[test]
fn the_headline_pane_shows_the_move_since_for_the_filtered_symbol() {
    let mut s = loaded(160, 48);
    let rows: Vec<String> = s.watch_rows().iter().map(|x| x.to_string()).collect();
    let group = s.config.groups.iter().position(|g| g.symbols.iter().any(|x| x.as_str() == "NVDA")).unwrap();
    update(&mut s, Msg::Key(Key::ch(char::from(b'1' + group as u8))), t0());
    let rows_now: Vec<String> = s.watch_rows().iter().map(|x| x.to_string()).collect();
    for _ in 0..rows_now.iter().position(|x| x == "NVDA").unwrap() {
        update(&mut s, Msg::Key(Key::ch('j')), t0());
    }
    update(&mut s, Msg::Key(Key::ch('n')), t0());
    assert_eq!(s.news_filter.as_ref().map(|x| x.as_str()), Some("NVDA"), "{rows:?}");
    let buf = draw(&s, 160, 48);
    let screen = text(&buf);
    let line =
        screen.lines().find(|l| l.contains("Nvidia slides after")).unwrap_or_else(|| panic!("{screen}"));
    assert!(line.trim_end().trim_end_matches('│').trim_end().ends_with("+0.3%"), "{line}");
}

/// The pick holds on to its story: a newer headline about the symbol arriving above it does not
/// move the highlight to another marker.
#[test]
fn the_pick_stays_on_its_headline_when_newer_ones_arrive() {
    use chiptape::msg::{DataKind, DataMsg};
    let (mut s, _) = nvda(160, 48, &[Key::ch('J')]);
    let picked = s.detail().unwrap().headline.clone().unwrap();
    let mut fresh = s.detail_headlines(s.detail().unwrap()).next().unwrap().clone();
    fresh.id = "fresh".into();
    fresh.title = "NVDA: a newer story".into();
    fresh.link = "https://news.example.com/fresh".into();
    fresh.guid = None;
    fresh.published = Some(t0() - chrono::Duration::minutes(5));
    let mut all = s.headlines.to_vec();
    all.insert(0, fresh);
    let generation = s.generation;
    let kind = DataKind::News { headlines: all, errors: vec![] };
    update(&mut s, Msg::Data(DataMsg { generation, at: t0(), kind }), t0());
    let d = s.detail().unwrap();
    assert_eq!(d.headline.as_ref(), Some(&picked));
    assert_eq!(s.detail_picked(d), Some(1), "one newer above it now");
    let picked_marks: Vec<_> = s.detail_markers(d).into_iter().filter(|(_, p)| *p).collect();
    assert_eq!(picked_marks.len(), 1);
}

/// Past 1D the chart goes bar by bar, and so do the markers: a headline sits at the bar at or
/// before it. Four hand-made 5D bars spread over the plot's width at columns 0, ⅓, ⅔ and the end.
#[test]
fn on_a_bar_chart_a_marker_sits_at_the_bar_at_or_before_it() {
    use chiptape::market::series::{ChartRange, Series};
    let (mut s, _) = nvda(160, 48, &[]);
    let h = chrono::Duration::hours;
    let bars = [t0() - h(72), t0() - h(48), t0() - h(24), t0() - h(2)];
    let symbol = chiptape::market::Symbol::parse("NVDA").unwrap();
    let series = Series {
        symbol: symbol.clone(),
        points: bars.iter().zip([100.0, 101.0, 102.0, 103.0]).map(|(t, p)| (*t, p)).collect(),
        previous_close: Some(99.0),
        currency: None,
    };
    let generation = s.generation;
    update(&mut s, Msg::Series { generation, symbol, range: ChartRange::D5, result: Ok(series) }, t0());
    update(&mut s, Msg::Key(Key::ch('2')), t0());
    let buf = draw(&s, 160, 48);
    let (y, marks) = rule(&buf);
    let corner = (0..160).find(|x| buf[(*x, y)].symbol() == "└").unwrap();
    let right = (corner..160).rev().find(|x| ["─", "┴", "▲"].contains(&buf[(*x, y)].symbol())).unwrap();
    let (x0, w) = (corner + 1, right - corner);
    let d = s.detail().unwrap();
    let mut want: Vec<u16> = s
        .detail_markers(d)
        .iter()
        .map(|(t, _)| {
            let i = bars.iter().filter(|b| *b <= t).count() - 1;
            x0 + (f64::from(w - 1) * i as f64 / 3.0).round() as u16
        })
        .collect();
    want.sort();
    want.dedup();
    assert!(!want.is_empty(), "{}", text(&buf));
    assert_eq!(marks, want, "{}", region(&buf, Area::new(0, y, 160, 1)));
}

/// The detail view's hint line names J/K at every width from 80 columns (nothing else on screen
/// says the symbol's headlines can be walked); where the full line does not fit, j/k go first, as
/// they walk the symbols the way they walk the list under the view.
#[test]
fn the_hint_line_names_the_headline_keys() {
    for (w, h) in [(80, 24), (100, 30), (120, 35), (160, 48)] {
        let (_, buf) = nvda(w, h, &[]);
        let line = text(&buf).lines().nth(3).unwrap().to_string();
        assert!(line.contains("1D") && line.contains("J/K headline"), "{w}x{h}: {line}");
        assert!(line.contains("h/l range") && line.contains("Esc"), "{w}x{h}: {line}");
    }
    let (_, buf) = nvda(120, 35, &[]);
    assert!(text(&buf).contains("h/l range · j/k symbol · J/K headline · Esc back"), "{}", text(&buf));
}

/// NVDA with twelve more stories about it, half an hour apart inside the day, newest first.
fn nvda_with_many_stories(w: u16, h: u16) -> State {
    use chiptape::msg::{DataKind, DataMsg};
    let (mut s, _) = nvda(w, h, &[]);
    let base = s.detail_headlines(s.detail().unwrap()).next().unwrap().clone();
    let mut all = s.headlines.to_vec();
    for i in 0..12 {
        let mut more = base.clone();
        more.id = format!("more-{i}");
        more.title = format!("NVDA story {}", i + 1);
        more.link = format!("https://news.example.com/more-{i}");
        more.guid = None;
        more.published = Some(t0() - chrono::Duration::minutes(20 + 30 * i64::from(i)));
        all.push(more);
    }
    chiptape::market::sort_newest_first(&mut all);
    let generation = s.generation;
    let kind = DataKind::News { headlines: all, errors: vec![] };
    update(&mut s, Msg::Data(DataMsg { generation, at: t0(), kind }), t0());
    s
}

/// At 80x24 the detail view stacks the chart, the figures (two columns) and a few of the symbol's
/// headlines; with more stories than rows, J walks down and the list scrolls so the picked one
/// stays in view, drawn selected, with the chart and the price still on screen.
#[test]
fn at_80x24_the_picked_headline_stays_in_view() {
    let mut s = nvda_with_many_stories(80, 24);
    let theme = Theme::new(&s.config.theme, false);
    let count = s.detail_headlines(s.detail().unwrap()).count();
    assert!(count >= 14, "{count}");
    let buf = draw(&s, 80, 24);
    let screen = text(&buf);
    let listed = screen.lines().filter(|l| l.contains("NVDA story") || l.contains("Nvidia")).count();
    assert!(listed >= 3, "a few headline rows:\n{screen}");
    for _ in 0..10 {
        update(&mut s, Msg::Key(chiptape::config::Key::ch('J')), t0());
    }
    let d = s.detail().unwrap();
    let picked = s.detail_picked(d).unwrap();
    assert_eq!(picked, 9);
    let title = s.detail_headlines(d).nth(picked).unwrap().title.clone();
    let buf = draw(&s, 80, 24);
    let screen = text(&buf);
    let row = screen.lines().position(|l| l.contains(&title)).unwrap_or_else(|| panic!("{title}:\n{screen}"));
    let col = screen.lines().nth(row).unwrap().chars().position(|c| c == 'N').unwrap() as u16;
    assert_eq!(buf[(col, row as u16)].bg, theme.selected.bg.unwrap_or_default(), "{screen}");
    assert!(screen.contains("Last") && screen.contains("Dividend"), "the figures:\n{screen}");
    let (_, marks) = rule(&buf);
    assert!(!marks.is_empty(), "the chart and its markers:\n{screen}");
    insta::assert_snapshot!("markers_80x24_scrolled", screen);
}
