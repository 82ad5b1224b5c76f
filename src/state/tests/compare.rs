//! Issue 22: the comparison chart (`c`), marks (`space`) and the baskets' figures in the tab bar.

use super::*;
use crate::market::compare::LineKind;
use crate::market::series::Series;

fn fetches(out: &Outcome) -> Vec<(Symbol, ChartRange)> {
    out.effects
        .iter()
        .filter_map(|e| if let Effect::FetchSeries { keys, .. } = e { Some(keys.clone()) } else { None })
        .flatten()
        .collect()
}

/// A series answered for `sym`: daily closes at 21:00 UTC from 2026-03-02 on.
fn answer(s: &mut State, sym: &Symbol, range: ChartRange, closes: &[f64]) -> Outcome {
    let start: DateTime<Utc> = "2026-03-02T21:00:00Z".parse().unwrap();
    let points =
        closes.iter().enumerate().map(|(i, p)| (start + chrono::Duration::days(i as i64), *p)).collect();
    let series = Series { symbol: sym.clone(), points, previous_close: None, currency: None };
    let generation = s.generation;
    update(s, Msg::Series { generation, symbol: sym.clone(), range, result: Ok(series) }, t0())
}

#[test]
fn c_compares_the_groups_and_asks_for_every_members_series() {
    let mut s = loaded();
    let out = ch(&mut s, 'c');
    assert!(s.compare_view().is_some() && out.redraw);
    assert_eq!(s.compare_view().unwrap().range, ChartRange::D1);
    let specs = s.compare_specs(s.compare_view().unwrap());
    let names: Vec<&str> = specs.iter().map(|l| l.name.as_str()).collect();
    let groups: Vec<&str> = s.config.groups.iter().map(|g| g.name.as_str()).collect();
    assert_eq!(names, groups, "every group, as a basket");
    assert!(specs.iter().all(|l| l.kind == LineKind::Group));
    // Four at a time (the sparklines' D1 series in view are asked already).
    assert!(!s.series_inflight.is_empty() && s.series_inflight.len() <= 4);
    // A range key switches, and the next answers bring that range's series.
    let out = ch(&mut s, '6');
    assert_eq!(s.compare_view().unwrap().range, ChartRange::Y1);
    let first = s.series_inflight.iter().next().cloned().unwrap();
    let out2 = answer(&mut s, &first.0, first.1, &[10.0, 11.0]);
    let asked: Vec<(Symbol, ChartRange)> = fetches(&out).into_iter().chain(fetches(&out2)).collect();
    assert!(asked.iter().any(|(_, r)| *r == ChartRange::Y1), "{asked:?}");
    // Every member of every group is wanted, each once.
    let wanted = s.compare_wanted(s.compare_view().unwrap());
    let all = s.config.all_symbols();
    assert_eq!(wanted.len(), all.len());
    // Esc goes back to the lists.
    press(&mut s, Key::plain(KeyCode::Esc));
    assert!(s.compare_view().is_none() && s.overlay().is_none());
}

#[test]
fn a_comparison_is_drawn_from_the_series_that_came() {
    let mut s = loaded();
    ch(&mut s, 'c');
    ch(&mut s, '4');
    let c = s.compare_view().unwrap().clone();
    let us = s.config.groups[2].symbols.clone();
    // Two members of "US AI chips" answer: +10 % and +20 % by the end, the rest nothing yet.
    answer(&mut s, &us[0], ChartRange::M6, &[100.0, 110.0]);
    answer(&mut s, &us[1], ChartRange::M6, &[50.0, 60.0]);
    let cmp = s.comparison(&c);
    let best = &cmp.lines[0];
    assert_eq!(best.name, s.config.groups[2].name);
    assert_eq!(best.final_pct().map(|v| (v * 1e6).round() / 1e6), Some(15.0));
    assert_eq!((best.line.priced, best.members), (2, us.len()));
    assert!(cmp.lines[1..].iter().all(|l| l.final_pct().is_none()), "no data yet: last");
    assert!(s.compare_pending(&c) > 0, "the title says what is still loading");
}

#[test]
fn space_marks_rows_and_c_compares_them() {
    let mut s = loaded();
    let first = s.selected_symbol().unwrap();
    ch(&mut s, ' ');
    assert!(s.compare_marks.contains(&first));
    assert!(s.notice.as_ref().unwrap().text.contains("marked (1)"), "{:?}", s.notice);
    ch(&mut s, 'j');
    let second = s.selected_symbol().unwrap();
    ch(&mut s, ' ');
    ch(&mut s, 'c');
    let c = s.compare_view().unwrap().clone();
    assert!(c.marked);
    let specs = s.compare_specs(&c);
    let names: Vec<String> = specs.iter().map(|l| l.name.clone()).collect();
    assert_eq!(names, [first.to_string(), second.to_string()], "the marked rows, in watchlist order");
    assert!(specs.iter().all(|l| l.kind == LineKind::Symbol && l.members.len() == 1));
    // Tab flips to the groups and back.
    press(&mut s, Key::plain(KeyCode::Tab));
    assert!(!s.compare_view().unwrap().marked);
    assert_eq!(s.compare_specs(s.compare_view().unwrap())[0].kind, LineKind::Group);
    press(&mut s, Key::plain(KeyCode::Esc));
    // Space again unmarks.
    ch(&mut s, ' ');
    assert!(!s.compare_marks.contains(&second));
    // Marks are made in the watchlist only.
    press(&mut s, Key::plain(KeyCode::Tab));
    ch(&mut s, ' ');
    assert_eq!(s.compare_marks.len(), 1);
}

#[test]
fn the_tabs_carry_each_baskets_move_and_count_what_is_missing() {
    let mut s = loaded();
    let g = s.config.groups[0].clone();
    let changes: Vec<f64> =
        g.symbols.iter().filter_map(|x| s.quotes.get(x)?.quote.as_ref()?.change_pct).collect();
    assert_eq!(changes.len(), g.symbols.len());
    let mean = changes.iter().sum::<f64>() / changes.len() as f64;
    // One member loses its price: it is left out of the mean, and counted.
    let gone = g.symbols[0].clone();
    s.quotes.get_mut(&gone).unwrap().quote.as_mut().unwrap().change_pct = None;
    let rest = (mean * changes.len() as f64 - changes[0]) / (changes.len() - 1) as f64;
    let m = s.group_move(0).unwrap();
    assert!((m.pct - rest).abs() < 1e-9);
    assert_eq!((m.priced, m.members), (g.symbols.len() - 1, g.symbols.len()));
    let wide = s.tabs(crate::state::layout::Area::new(0, 0, 200, 1)).unwrap();
    let (text, _) = wide[0].figure.clone().unwrap();
    let want = format!("{} ({} of {}) ", crate::present::number::pct(rest), m.priced, m.members);
    assert_eq!(text, want);
    // Narrower: the figures without the count, then the names alone, then none of it.
    let at = |w| s.tabs(crate::state::layout::Area::new(0, 0, w, 1));
    let fig = |w| at(w).map(|t| t[0].figure.clone().map(|f| f.0));
    assert_eq!(fig(110), Some(Some(format!("{} ", crate::present::number::pct(rest)))));
    assert_eq!(fig(80), Some(None));
    assert_eq!(at(40), None);
}

#[test]
fn the_holdings_are_a_line_weighted_by_value() {
    let cfg = crate::config::parse_str(
        "[[groups]]\nname = \"A\"\nsymbols = [\"NVDA\", \"AMD\"]\n\
         [[positions]]\nsymbol = \"NVDA\"\nquantity = 30\nunit_cost = 100\n\
         [[positions]]\nsymbol = \"AMD\"\nquantity = 10\nunit_cost = 100\n",
        "c.toml",
    )
    .unwrap();
    let mut s = State::new(cfg, false, t0());
    update(&mut s, Msg::Resize(120, 35), t0());
    let quote = |p: f64| crate::market::Quote {
        price: Some(p),
        change: Some(p * 0.01),
        change_pct: Some(1.0),
        currency: Some("USD".into()),
        ..Default::default()
    };
    let results = vec![(sym("NVDA"), Ok(quote(100.0))), (sym("AMD"), Ok(quote(100.0)))];
    let generation = s.generation;
    update(&mut s, data(generation, DataKind::Quotes { note: None, source: "t".into(), results }), t0());
    ch(&mut s, 'c');
    let c = s.compare_view().unwrap().clone();
    let specs = s.compare_specs(&c);
    let held = specs.iter().find(|l| l.kind == LineKind::Holdings).expect("a holdings line");
    assert_eq!(held.name, crate::market::compare::HOLDINGS);
    assert_eq!(held.members, vec![(sym("AMD"), 1000.0), (sym("NVDA"), 3000.0)]);
    // NVDA +10 %, AMD -10 %: weighted 3 to 1, +5 %; the equal-weighted group says 0 %.
    ch(&mut s, '4');
    answer(&mut s, &sym("NVDA"), ChartRange::M6, &[100.0, 110.0]);
    answer(&mut s, &sym("AMD"), ChartRange::M6, &[100.0, 90.0]);
    let cmp = s.comparison(s.compare_view().unwrap());
    let fig = |k: LineKind| {
        cmp.lines.iter().find(|l| l.kind == k).and_then(|l| l.final_pct()).map(|v| (v * 1e6).round() / 1e6)
    };
    assert_eq!(fig(LineKind::Holdings), Some(5.0));
    assert_eq!(fig(LineKind::Group), Some(0.0));
    // Today, by value: the day's P&L over the value it started at.
    let m = s.holdings_move().unwrap();
    assert!((m - 1.0 / 0.99).abs() < 1e-9, "{m}");
}

#[test]
fn the_comparison_and_the_heat_map_open_over_each_other() {
    let mut s = loaded();
    ch(&mut s, 'c');
    ch(&mut s, 'm');
    assert!(matches!(s.view_overlay(), Some(Overlay::Heat(_))), "{:?}", s.overlays);
    ch(&mut s, 'c');
    assert!(s.compare_view().is_some(), "{:?}", s.overlays);
    press(&mut s, Key::plain(KeyCode::Esc));
    assert!(matches!(s.view_overlay(), Some(Overlay::Heat(_))), "Esc goes back to what was under it");
    press(&mut s, Key::plain(KeyCode::Esc));
    assert!(s.view_overlay().is_none());
}
