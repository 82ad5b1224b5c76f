//! `update` unit tests: a state, messages at a fixed instant, the state and effects that follow.

use std::sync::Arc;

use chrono::{DateTime, Utc};

use super::*;
use crate::config::{Action, Key, KeyCode, builtin};
use crate::market::clock::FixedClock;
use crate::market::exchange::SessionState;
use crate::market::search::Candidate;
use crate::msg::SearchEvent;
use crate::msg::{DataKind, DataMsg};
use crate::providers::demo::DemoMarket;
use crate::state::Prompt;

fn t0() -> DateTime<Utc> {
    "2026-11-24T15:00:00Z".parse().unwrap()
}

fn sym(s: &str) -> Symbol {
    Symbol::parse(s).unwrap()
}

/// A state at 120x35 with demo quotes for every symbol and demo headlines.
fn loaded() -> State {
    let cfg = builtin();
    let demo = DemoMarket::new(1, Arc::new(FixedClock(t0())), &cfg);
    let mut s = State::new(cfg.clone(), true, t0());
    update(&mut s, Msg::Resize(120, 35), t0());
    let results = cfg.all_symbols().iter().map(|x| (x.clone(), Ok(demo.quote(x, t0())))).collect();
    let generation = s.generation;
    update(&mut s, data(generation, DataKind::Quotes { note: None, source: "demo".into(), results }), t0());
    update(&mut s, data(generation, DataKind::News { headlines: demo.news(t0()), errors: vec![] }), t0());
    s
}

fn data(generation: u64, kind: DataKind) -> Msg {
    Msg::Data(DataMsg { generation, at: t0(), kind })
}

fn press(s: &mut State, k: Key) -> Outcome {
    update(s, Msg::Key(k), t0())
}

fn ch(s: &mut State, c: char) -> Outcome {
    press(s, Key::ch(c))
}

fn selected(s: &State) -> String {
    s.selected_symbol().unwrap().to_string()
}

#[test]
fn navigation_moves_and_clamps() {
    let mut s = loaded();
    assert_eq!(selected(&s), "0981.HK");
    assert!(ch(&mut s, 'j').redraw);
    assert_eq!(selected(&s), "688981.SS");
    press(&mut s, Key::plain(KeyCode::Down));
    assert_eq!(selected(&s), "1347.HK");
    ch(&mut s, 'k');
    assert_eq!(selected(&s), "688981.SS");
    ch(&mut s, 'G');
    assert_eq!(selected(&s), "688012.SS");
    ch(&mut s, 'j');
    assert_eq!(selected(&s), "688012.SS", "stays on the last row");
    ch(&mut s, 'g');
    assert_eq!(selected(&s), "0981.HK");
    ch(&mut s, 'k');
    assert_eq!(selected(&s), "0981.HK", "stays on the first row");
    press(&mut s, Key::plain(KeyCode::End));
    press(&mut s, Key::plain(KeyCode::Home));
    assert_eq!(selected(&s), "0981.HK");
}

#[test]
fn paging_keeps_the_selection_in_view() {
    let mut s = loaded();
    update(&mut s, Msg::Resize(80, 14), t0());
    let page = s.layout().watch_rows();
    assert!(page < 10, "the test needs a page smaller than the group ({page})");
    press(&mut s, Key::plain(KeyCode::PageDown));
    let rows: Vec<String> = s.watch_rows().iter().map(|x| x.to_string()).collect();
    assert_eq!(selected(&s), rows[page]);
    assert!(s.watch.offset > 0 && s.watch.offset <= page);
    press(&mut s, Key::plain(KeyCode::PageUp));
    assert_eq!(selected(&s), rows[0]);
    assert_eq!(s.watch.offset, 0);
}

#[test]
fn focus_switches_and_moves_the_right_pane() {
    let mut s = loaded();
    press(&mut s, Key::plain(KeyCode::Tab));
    assert_eq!(s.focus, Focus::Headlines);
    let first = s.selected_headline().unwrap().link.clone();
    ch(&mut s, 'j');
    assert_ne!(s.selected_headline().unwrap().link, first);
    assert_eq!(selected(&s), "0981.HK", "the watchlist did not move");
    press(&mut s, Key::plain(KeyCode::BackTab));
    assert_eq!(s.focus, Focus::Watchlist);
}

#[test]
fn group_switching_by_brackets_and_numbers() {
    let mut s = loaded();
    let out = ch(&mut s, ']');
    assert_eq!(s.group, 1);
    assert!(out.effects.contains(&Effect::Replan), "the group in view is refreshed fast");
    assert_eq!(selected(&s), "9988.HK");
    ch(&mut s, '[');
    ch(&mut s, '[');
    assert_eq!(s.group, s.config.groups.len() - 1, "wraps around");
    ch(&mut s, '3');
    assert_eq!(s.group, 2);
    let out = ch(&mut s, '9');
    assert_eq!(s.group, 2, "no ninth group: nothing happens");
    assert!(out.effects.is_empty());
    let plan = s.plan(0);
    // The rates of the A/H premium go with the first refresh, whatever the group.
    let listed: Vec<Symbol> = plan.fast.iter().filter(|x| !x.as_str().ends_with("=X")).cloned().collect();
    assert_eq!(listed, s.config.groups[2].symbols);
    assert!(!plan.slow.iter().any(|x| plan.fast.contains(x)));
}

#[test]
fn search_filters_both_panes_and_captures_keys() {
    let mut s = loaded();
    ch(&mut s, '/');
    assert!(s.filtering());
    for c in "smic".chars() {
        let out = ch(&mut s, c);
        assert!(out.effects.is_empty());
    }
    assert_eq!(s.filter, "smic");
    let rows: Vec<String> = s.watch_rows().iter().map(|x| x.to_string()).collect();
    assert_eq!(rows, vec!["0981.HK", "688981.SS"]);
    assert!(!s.news_rows().is_empty());
    assert!(s.news_rows().iter().all(|h| h.title.to_lowercase().contains("smic")
        || h.symbols.iter().any(|x| x.as_str() == "0981.HK" || x.as_str() == "688981.SS")));
    // q is text while the prompt is open.
    let out = ch(&mut s, 'q');
    assert!(!out.effects.contains(&Effect::Quit));
    assert_eq!(s.filter, "smicq");
    press(&mut s, Key::plain(KeyCode::Backspace));
    press(&mut s, Key::plain(KeyCode::Enter));
    assert!(!s.filtering());
    assert_eq!(s.filter, "smic", "Enter keeps the filter");
    ch(&mut s, 'j');
    assert_eq!(selected(&s), "688981.SS", "keys act again after Enter");
    press(&mut s, Key::plain(KeyCode::Esc));
    assert_eq!(s.filter, "");
    assert_eq!(s.watch_rows().len(), s.group_symbols().len());
    // Esc while typing clears at once.
    ch(&mut s, '/');
    ch(&mut s, 'x');
    press(&mut s, Key::plain(KeyCode::Esc));
    assert!(!s.filtering() && s.filter.is_empty());
}

#[test]
fn search_matches_chinese_aliases() {
    let mut s = loaded();
    ch(&mut s, '/');
    for c in "寒武纪".chars() {
        ch(&mut s, c);
    }
    let rows: Vec<String> = s.watch_rows().iter().map(|x| x.to_string()).collect();
    assert_eq!(rows, vec!["688256.SS"]);
}

#[test]
fn sort_cycles_and_reverses() {
    let mut s = loaded();
    let user: Vec<Symbol> = s.watch_rows().iter().cloned().collect();
    ch(&mut s, 's');
    assert_eq!(s.sort, SortKey::ChangePct);
    let pct = |s: &State, x: &Symbol| s.quotes[x].quote.as_ref().unwrap().change_pct.unwrap();
    let rows: Vec<Symbol> = s.watch_rows().iter().cloned().collect();
    assert!(rows.windows(2).all(|w| pct(&s, &w[0]) >= pct(&s, &w[1])), "biggest gainer first");
    ch(&mut s, 'S');
    let rev: Vec<Symbol> = s.watch_rows().iter().cloned().collect();
    assert_eq!(rev, rows.iter().rev().cloned().collect::<Vec<_>>());
    ch(&mut s, 's');
    assert_eq!(s.sort, SortKey::Symbol);
    let rows: Vec<Symbol> = s.watch_rows().iter().cloned().collect();
    assert!(rows.windows(2).all(|w| w[0] <= w[1]));
    ch(&mut s, 's');
    assert_eq!(s.sort, SortKey::User);
    assert_eq!(s.watch_rows().iter().cloned().collect::<Vec<_>>(), user);
}

#[test]
fn selection_follows_the_symbol_when_sorting() {
    let mut s = loaded();
    let row_of = |s: &State, sym: &str| s.watch_rows().iter().position(|x| x.as_str() == sym).unwrap();
    // Find a symbol that the change-% sort moves to another row, and select it.
    let unsorted: Vec<String> = s.watch_rows().iter().map(|x| x.to_string()).collect();
    let mut sorted = s.clone();
    ch(&mut sorted, 's');
    let mover = unsorted
        .iter()
        .find(|x| row_of(&sorted, x) != row_of(&s, x))
        .expect("the sort moves some row")
        .clone();
    while selected(&s) != mover {
        ch(&mut s, 'j');
    }
    let before = row_of(&s, &mover);
    ch(&mut s, 's');
    assert_eq!(s.sort, SortKey::ChangePct);
    assert_ne!(row_of(&s, &mover), before, "the row moved");
    assert_eq!(selected(&s), mover, "and the selection moved with it");
}

#[test]
fn pause_replans_and_refresh_asks_for_data() {
    let mut s = loaded();
    let out = ch(&mut s, 'p');
    assert!(s.paused);
    assert!(out.effects.contains(&Effect::Replan));
    assert!(s.plan(0).paused);
    let out = ch(&mut s, 'r');
    assert!(!out.effects.contains(&Effect::RefreshNow), "no fetching while paused");
    ch(&mut s, 'p');
    assert!(!s.paused);
    let out = ch(&mut s, 'r');
    assert!(out.effects.contains(&Effect::RefreshNow));
}

/// Paused, nothing on screen moves (issue 26, item 7): new prices and headlines wait, counted;
/// `p` again applies them at once.
#[test]
fn pause_holds_what_comes_in_and_resume_applies_it() {
    let mut s = loaded();
    let nvda = sym("NVDA");
    let before = s.quotes.get(&nvda).and_then(|e| e.quote.as_ref()).and_then(|q| q.price);
    ch(&mut s, 'p');
    let mut q = s.quotes.get(&nvda).and_then(|e| e.quote.clone()).unwrap();
    q.price = Some(before.unwrap() + 10.0);
    let generation = s.generation;
    let kind = DataKind::Quotes { note: None, source: "demo".into(), results: vec![(nvda.clone(), Ok(q))] };
    let heads_before = s.headlines.len();
    let mut fresh = s.headlines[0].clone();
    fresh.id = "fresh".into();
    fresh.title = "Fresh while paused".into();
    fresh.link = "https://news.example.com/fresh".into();
    fresh.guid = None;
    update(&mut s, data(generation, kind), t0());
    update(&mut s, data(generation, DataKind::News { headlines: vec![fresh], errors: vec![] }), t0());
    assert_eq!(
        s.quotes.get(&nvda).and_then(|e| e.quote.as_ref()).and_then(|q| q.price),
        before,
        "price held"
    );
    assert_eq!(s.headlines.len(), heads_before, "headlines held");
    assert_eq!(s.held.len(), 2);
    ch(&mut s, 'p');
    assert!(s.held.is_empty());
    assert_eq!(
        s.quotes.get(&nvda).and_then(|e| e.quote.as_ref()).and_then(|q| q.price),
        before.map(|p| p + 10.0)
    );
    assert_eq!(s.headlines.len(), heads_before + 1);
}

#[test]
fn help_opens_and_swallows_keys() {
    let mut s = loaded();
    ch(&mut s, '?');
    assert!(s.help_open());
    ch(&mut s, 'j');
    assert_eq!(selected(&s), "0981.HK", "keys do not reach the list under the help");
    let out = ch(&mut s, 'q');
    assert!(!s.help_open(), "q closes the help first");
    assert!(!out.effects.contains(&Effect::Quit));
    ch(&mut s, '?');
    press(&mut s, Key::plain(KeyCode::Esc));
    assert!(!s.help_open());
}

#[test]
fn quit_and_ctrl_c_and_shutdown() {
    let mut s = loaded();
    assert!(ch(&mut s, 'q').effects.contains(&Effect::Quit));
    ch(&mut s, '/');
    assert!(press(&mut s, Key::ctrl('c')).effects.contains(&Effect::Quit), "ctrl-c quits from the prompt");
    assert!(update(&mut s, Msg::Shutdown, t0()).effects.contains(&Effect::Quit));
}

#[test]
fn remapped_keys_are_honoured() {
    let mut s = loaded();
    s.config.keys =
        crate::config::KeyMap::with_overrides(&[(Key::ch('x'), Some(Action::Quit)), (Key::ch('q'), None)]);
    assert!(ch(&mut s, 'q').effects.is_empty());
    assert!(ch(&mut s, 'x').effects.contains(&Effect::Quit));
}

#[test]
fn news_filter_by_selected_symbol_toggles() {
    let mut s = loaded();
    ch(&mut s, 'n');
    assert_eq!(s.news_filter.as_ref().map(|x| x.as_str()), Some("0981.HK"));
    assert!(s.news_rows().iter().all(|h| h.symbols.contains(&sym("0981.HK"))));
    ch(&mut s, 'n');
    assert_eq!(s.news_filter, None);
    ch(&mut s, 'n');
    press(&mut s, Key::plain(KeyCode::Esc));
    assert_eq!(s.news_filter, None, "Esc clears it too");
}

#[test]
fn opening_links_marks_read_and_refuses_non_web() {
    let mut s = loaded();
    press(&mut s, Key::plain(KeyCode::Tab));
    // A headline about a symbol, so its badge count can be watched.
    let (id, link, about) = s
        .news_rows()
        .iter()
        .find_map(|h| h.symbols.first().map(|sym| (h.id.clone(), h.link.clone(), sym.clone())))
        .expect("the demo has headlines about symbols");
    s.news.selected = Some(id.clone());
    s.fix_offsets();
    let unread_before = s.unread_about(&about);
    assert!(unread_before > 0);
    let out = press(&mut s, Key::plain(KeyCode::Enter));
    assert_eq!(
        out.effects,
        vec![Effect::SaveCache, Effect::OpenLink(link.clone())],
        "the read mark kept, and opened"
    );
    assert!(s.read.contains(&id));
    assert_eq!(s.unread_about(&about), unread_before - 1);
    s.headlines[0].link = "javascript:alert(1)".into();
    s.news = Default::default();
    s.fix_offsets();
    let out = ch(&mut s, 'o');
    assert!(out.effects.is_empty());
    assert_eq!(s.notice.as_deref(), Some("refusing to open non-web link"));
}

#[test]
fn stale_generations_are_dropped_and_errors_keep_last_quotes() {
    let mut s = loaded();
    let nvda = sym("0981.HK");
    let price = s.quotes[&nvda].quote.as_ref().unwrap().price;
    let old = s.generation - 1;
    update(
        &mut s,
        data(
            old,
            DataKind::Quotes {
                note: None,
                source: "demo".into(),
                results: vec![(nvda.clone(), Err("x".into()))],
            },
        ),
        t0(),
    );
    assert_eq!(s.quotes[&nvda].error, None, "an answer to an old plan is ignored");
    let generation = s.generation;
    update(
        &mut s,
        data(
            generation,
            DataKind::QuotesFailed {
                source: "demo".into(),
                error: "HTTP 500".into(),
                retry_in: std::time::Duration::from_secs(30),
            },
        ),
        t0(),
    );
    assert_eq!(s.sources.quotes().error.as_deref(), Some("HTTP 500"));
    assert_eq!(s.quotes[&nvda].quote.as_ref().unwrap().price, price, "last good quote kept");
    update(
        &mut s,
        data(
            generation,
            DataKind::Quotes {
                note: None,
                source: "demo".into(),
                results: vec![(nvda.clone(), Err("no data".into()))],
            },
        ),
        t0(),
    );
    assert_eq!(s.quotes[&nvda].error.as_deref(), Some("no data"));
    assert_eq!(s.quotes[&nvda].quote.as_ref().unwrap().price, price);
    assert_eq!(s.sources.quotes().error, None);
}

#[test]
fn tick_redraws_only_when_a_shown_time_changes() {
    let mut s = loaded();
    let at = |secs: i64| t0() + chrono::Duration::seconds(secs);
    assert!(!update(&mut s, Msg::Tick, at(1)).redraw, "nothing on screen changed in one second");
    // The status bar's age flips from "just now" to "10s ago".
    assert!(update(&mut s, Msg::Tick, at(10)).redraw);
    assert!(!update(&mut s, Msg::Tick, at(10)).redraw);
}

#[test]
fn headlines_are_merged_by_link_and_capped() {
    let mut s = loaded();
    let n = s.headlines.len();
    let generation = s.generation;
    let again = s.headlines.to_vec();
    update(&mut s, data(generation, DataKind::News { headlines: again, errors: vec![] }), t0());
    assert_eq!(s.headlines.len(), n, "the same links are not added twice");
    s.config.news.max_items = 5;
    let again = s.headlines.to_vec();
    update(
        &mut s,
        data(
            generation,
            DataKind::News { headlines: again, errors: vec![("feed".into(), "HTTP 500".into())] },
        ),
        t0(),
    );
    assert_eq!(s.headlines.len(), 5);
    assert!(s.sources.news().error.as_deref().unwrap().contains("HTTP 500"));
}

/// Keys at sizes too small to draw (and just big enough): the state stays sound. Drawing those
/// sizes is `tests/it/screen.rs`'s `every_size_draws_without_panic`.
#[test]
fn tiny_terminal_is_survived() {
    let mut s = loaded();
    for (w, h) in [(0, 0), (1, 1), (39, 11), (40, 12), (39, 40), (120, 11)] {
        update(&mut s, Msg::Resize(w, h), t0());
        for c in ['j', 'G', 'g', ']', 'j'] {
            ch(&mut s, c);
        }
        press(&mut s, Key::plain(KeyCode::PageDown));
        let small = w < 40 || h < 12;
        assert_eq!(s.layout().too_small, small, "{w}x{h}");
        assert_eq!(s.layout().watch_rows() == 0, small, "{w}x{h}: no rows without a view");
        // The selection still names a row of the list, in view when there is a view.
        let rows = s.watch_rows().len();
        assert!(s.selected_symbol().is_some(), "{w}x{h}");
        assert!(s.watch.offset < rows, "{w}x{h}: offset {} of {rows}", s.watch.offset);
        if !small {
            assert!(s.watch.offset <= rows.saturating_sub(s.layout().watch_rows()), "{w}x{h}");
        }
    }
}

#[test]
fn config_reload_keeps_the_group_and_bumps_generation() {
    let mut s = loaded();
    ch(&mut s, '2');
    let mut cfg = (*s.config).clone();
    cfg.groups.insert(0, crate::config::Group { name: "New".into(), symbols: vec![sym("AAPL")] });
    let generation = s.generation;
    let out = update(&mut s, Msg::Config(Box::new(Ok(cfg))), t0());
    assert_eq!(s.config.groups[s.group].name, "China cloud & models");
    assert_eq!(s.generation, generation + 1);
    assert!(out.effects.contains(&Effect::Reconfigure), "new sources and a new plan for the new config");
    update(&mut s, Msg::Config(Box::new(Err("c.toml:1:1: bad".into()))), t0());
    assert_eq!(s.config_error.as_deref(), Some("c.toml:1:1: bad"));
    assert_eq!(s.config.groups[0].name, "New", "the last good config keeps running");
}

#[test]
fn refreshing_notice_gives_way_to_the_answer() {
    let mut s = loaded();
    ch(&mut s, 'r');
    assert_eq!(s.notice.as_deref(), Some("refreshing…"));
    let generation = s.generation;
    let failed = DataKind::QuotesFailed {
        source: "Yahoo".into(),
        error: "server answered HTTP 500".into(),
        retry_in: std::time::Duration::from_secs(5),
    };
    update(&mut s, data(generation, failed), t0());
    assert_eq!(s.notice, None);
    assert_eq!(s.sources.quotes().retry_at, Some(t0() + chrono::Duration::seconds(5)));
}

#[test]
fn add_prompt_takes_codes_and_asks_for_the_edit() {
    let mut s = loaded();
    ch(&mut s, ']');
    ch(&mut s, 'a');
    assert_eq!(s.search().map(|x| x.text.as_str()), Some(""));
    for c in "nvda, 0700.hk ,q".chars() {
        let out = ch(&mut s, c);
        assert!(
            out.effects.iter().all(|e| matches!(e, Effect::Search { .. })),
            "keys are text while the prompt is open (even q)"
        );
    }
    let out = press(&mut s, Key::plain(KeyCode::Enter));
    assert!(s.search().is_none());
    assert_eq!(
        out.effects,
        vec![Effect::AddSymbols {
            group: "China cloud & models".into(),
            symbols: vec![sym("NVDA"), sym("0700.HK"), sym("Q")],
            names: vec![],
        }]
    );
}

#[test]
fn add_prompt_refuses_what_it_cannot_find_and_esc_cancels() {
    let mut s = loaded();
    ch(&mut s, 'a');
    for c in "NV DA!".chars() {
        ch(&mut s, c);
    }
    let out = press(&mut s, Key::plain(KeyCode::Enter));
    assert!(out.effects.is_empty());
    // The error is inside the prompt, which keeps the text.
    let error = s.prompt_error.clone().unwrap();
    assert!(error.contains("nothing found for \"NV DA!\""), "{error}");
    assert_eq!(s.search().map(|x| x.text.as_str()), Some("NV DA!"), "the prompt stays open with the text");
    press(&mut s, Key::plain(KeyCode::Backspace));
    assert_eq!(s.prompt_error, None, "editing answers the error");
    // Codes typed as a list are still checked as codes.
    for c in ", N!".chars() {
        ch(&mut s, c);
    }
    press(&mut s, Key::plain(KeyCode::Enter));
    assert!(s.prompt_error.as_deref().is_some_and(|e| e.contains("N!")), "{:?}", s.prompt_error);
    press(&mut s, Key::plain(KeyCode::Esc));
    assert!(s.search().is_none());
}

fn type_in(s: &mut State, text: &str) -> Vec<Effect> {
    text.chars().flat_map(|c| ch(s, c).effects).collect()
}

fn shown(s: &State) -> Vec<String> {
    s.search().unwrap().shown.iter().map(|c| c.symbol.to_string()).collect()
}

#[test]
fn the_add_prompt_finds_a_company_by_name_chinese_or_pinyin_offline() {
    let mut s = loaded();
    ch(&mut s, 'a');
    let effects = type_in(&mut s, "hwj");
    assert_eq!(shown(&s), ["688256.SS"], "the local catalogue answers at once");
    // Every change of the text is handed to the search tasks, numbered.
    let seqs: Vec<u64> = effects
        .iter()
        .map(|e| match e {
            Effect::Search { seq, .. } => *seq,
            other => panic!("{other:?}"),
        })
        .collect();
    assert!(seqs.windows(2).all(|w| w[0] < w[1]), "{seqs:?}");
    assert!(matches!(effects.last(), Some(Effect::Search { query, .. }) if query == "hwj"));
    let out = press(&mut s, Key::plain(KeyCode::Enter));
    assert!(s.search().is_none(), "Enter adds and closes");
    let Some(Effect::AddSymbols { symbols, names, .. }) = out.effects.first() else { panic!("{out:?}") };
    assert_eq!(symbols, &[sym("688256.SS")]);
    assert_eq!(names[0].1.name.as_deref(), Some("Cambricon"));
    assert!(names[0].1.aliases.contains(&"寒武纪".to_string()), "{names:?}");
    for q in ["中芯", "smic", "zxgj", "zhongxin"] {
        ch(&mut s, 'a');
        type_in(&mut s, q);
        assert_eq!(shown(&s), ["0981.HK", "688981.SS"], "{q}");
        press(&mut s, Key::plain(KeyCode::Esc));
    }
}

fn found(symbol: &str, name: Option<&str>, zh: Option<&str>, source: &'static str) -> Candidate {
    Candidate {
        symbol: sym(symbol),
        name: name.map(str::to_string),
        name_zh: zh.map(str::to_string),
        exchange: None,
        kind: crate::market::search::Kind::Equity,
        source,
    }
}

fn answer(s: &mut State, source: &'static str, result: Result<Vec<Candidate>, String>) -> Outcome {
    let seq = s.search().unwrap().seq;
    update(s, Msg::Search(SearchEvent::Answer { seq, source, result }), t0())
}

#[test]
fn remote_answers_merge_in_config_order_and_stale_ones_are_dropped() {
    let mut s = loaded();
    ch(&mut s, 'a');
    type_in(&mut s, "sndk");
    let old = s.search().unwrap().seq;
    ch(&mut s, 'x');
    let late = Msg::Search(SearchEvent::Answer {
        seq: old,
        source: "yahoo",
        result: Ok(vec![found("SNDK", None, None, "yahoo")]),
    });
    assert!(!update(&mut s, late, t0()).redraw, "an answer to older text is dropped");
    assert!(shown(&s).is_empty());
    let seq = s.search().unwrap().seq;
    update(&mut s, Msg::Search(SearchEvent::Asking { seq, source: "tencent" }), t0());
    assert_eq!(s.search().unwrap().asking(), ["tencent"]);
    // Tencent answers first, but Yahoo comes first in `provider.search`.
    answer(
        &mut s,
        "tencent",
        Ok(vec![
            found("0700.HK", None, Some("腾讯控股"), "tencent"),
            found("SNDKX", None, Some("闪迪"), "tencent"),
        ]),
    );
    answer(&mut s, "yahoo", Ok(vec![found("SNDKX", Some("Sandisk"), None, "yahoo")]));
    assert_eq!(shown(&s), ["SNDKX", "0700.HK"]);
    let first = &s.search().unwrap().shown[0];
    assert_eq!(
        (first.name.as_deref(), first.name_zh.as_deref()),
        (Some("Sandisk"), Some("闪迪")),
        "one row, both names"
    );
    assert!(s.search().unwrap().asking().is_empty());
}

#[test]
fn a_failing_source_is_named_and_the_others_still_show() {
    let mut s = loaded();
    ch(&mut s, 'a');
    type_in(&mut s, "moore");
    answer(&mut s, "tencent", Err("server answered HTTP 500".into()));
    answer(&mut s, "yahoo", Ok(vec![found("688795.SS", Some("Moore Threads Technology"), None, "yahoo")]));
    let search = s.search().unwrap();
    assert_eq!(search.failed(), [("tencent", "server answered HTTP 500")]);
    assert!(shown(&s).contains(&"688795.SS".to_string()));
}

#[test]
fn arrows_pick_j_and_k_type_until_an_arrow_moves_into_the_list() {
    let mut s = loaded();
    ch(&mut s, 'a');
    type_in(&mut s, "smic");
    assert_eq!(s.search().unwrap().selected, 0);
    press(&mut s, Key::plain(KeyCode::Down));
    assert_eq!(s.search().unwrap().selected, 1);
    ch(&mut s, 'k');
    assert_eq!(
        (s.search().unwrap().selected, s.search().unwrap().text.as_str()),
        (0, "smic"),
        "k moves in the list"
    );
    press(&mut s, Key::plain(KeyCode::Backspace));
    ch(&mut s, 'j');
    assert_eq!(s.search().unwrap().text, "smij", "after an edit, j is a letter again");
    press(&mut s, Key::ctrl('u'));
    type_in(&mut s, "smic");
    press(&mut s, Key::ctrl('n'));
    let out = press(&mut s, Key::plain(KeyCode::Tab));
    let Some(Effect::AddSymbols { symbols, .. }) = out.effects.first() else { panic!("{out:?}") };
    assert_eq!(symbols, &[sym("688981.SS")]);
    let search = s.search().expect("Tab keeps the prompt open");
    assert_eq!(search.added, [sym("688981.SS")]);
}

#[test]
fn a_code_nothing_lists_is_added_as_typed() {
    let mut s = loaded();
    ch(&mut s, 'a');
    type_in(&mut s, "sndk");
    assert!(shown(&s).is_empty());
    let out = press(&mut s, Key::plain(KeyCode::Enter));
    assert!(
        matches!(out.effects.first(), Some(Effect::AddSymbols { symbols, names, .. }) if symbols == &[sym("SNDK")] && names.is_empty())
    );
}

#[test]
fn remove_asks_first() {
    let mut s = loaded();
    ch(&mut s, 'j');
    ch(&mut s, 'd');
    assert_eq!(s.prompt(), Some(&Prompt::Remove(sym("688981.SS"))));
    assert!(ch(&mut s, 'x').effects.is_empty(), "only y or n answer");
    assert!(ch(&mut s, 'n').effects.is_empty());
    assert_eq!(s.prompt(), None);
    ch(&mut s, 'd');
    let out = ch(&mut s, 'y');
    assert_eq!(
        out.effects,
        vec![Effect::RemoveSymbol { group: "China AI chips".into(), symbol: sym("688981.SS") }]
    );
}

#[test]
fn edit_key_asks_for_the_editor() {
    let mut s = loaded();
    assert_eq!(ch(&mut s, 'e').effects, vec![Effect::EditConfig]);
}

#[test]
fn notices_show() {
    let mut s = loaded();
    let out = update(&mut s, Msg::Notice("added AAPL to Cloud".into()), t0());
    assert!(out.redraw);
    assert_eq!(s.notice.as_deref(), Some("added AAPL to Cloud"));
}

#[test]
fn headline_view_follows_the_newest_until_the_user_moves() {
    let mut s = loaded();
    let generation = s.generation;
    let fresh = |n: i64| crate::market::Headline {
        id: format!("fresh-{n}"),
        title: format!("Fresh story {n}"),
        link: format!("https://news.example.com/fresh-{n}"),
        source: "Wire".into(),
        published: Some(t0() + chrono::Duration::seconds(n * 10)),
        symbols: vec![],
        feed: "wire".into(),
        also_in: vec![],
        feed_id: String::new(),
        also_in_ids: vec![],
        summary: None,
        guid: None,
        kind: crate::market::HeadlineKind::News,
        form: None,
    };
    update(
        &mut s,
        data(generation, DataKind::News { headlines: (1..=30).map(fresh).collect(), errors: vec![] }),
        t0(),
    );
    assert_eq!(s.selected_headline().unwrap().title, "Fresh story 30", "the newest is selected and in view");
    assert_eq!(s.news.offset, 0);
    // Once the user has moved down, new items do not yank the selection away.
    press(&mut s, Key::plain(KeyCode::Tab));
    ch(&mut s, 'j');
    let chosen = s.selected_headline().unwrap().link.clone();
    update(
        &mut s,
        data(generation, DataKind::News { headlines: (31..=32).map(fresh).collect(), errors: vec![] }),
        t0(),
    );
    assert_eq!(s.selected_headline().unwrap().link, chosen);
}

#[test]
fn config_reload_refetches_only_what_changed() {
    let mut s = loaded();
    let mut cfg = (*s.config).clone();
    cfg.theme.name = crate::config::ThemeName::Light;
    let out = update(&mut s, Msg::Config(Box::new(Ok(cfg.clone()))), t0());
    assert!(out.effects.is_empty(), "a new theme needs no new sources: {:?}", out.effects);
    cfg.refresh_secs = 30;
    let out = update(&mut s, Msg::Config(Box::new(Ok(cfg.clone()))), t0());
    assert_eq!(out.effects, vec![Effect::Replan], "new intervals: a new plan, same sources");
    cfg.news.max_items = 10;
    let out = update(&mut s, Msg::Config(Box::new(Ok(cfg))), t0());
    assert_eq!(out.effects, vec![Effect::Reconfigure]);
}

fn story(n: usize, feed: &str) -> crate::market::Headline {
    crate::market::Headline {
        id: format!("story-{n}"),
        title: format!("Story {n}"),
        link: format!("https://news.example.com/{n}"),
        source: "Wire".into(),
        published: Some(t0() - chrono::Duration::minutes(n as i64)),
        symbols: vec![],
        feed: feed.into(),
        also_in: vec![],
        feed_id: String::new(),
        also_in_ids: vec![],
        summary: None,
        guid: None,
        kind: crate::market::HeadlineKind::News,
        form: None,
    }
}

fn with_feeds(names: &[&str]) -> crate::config::Config {
    let mut cfg = builtin();
    cfg.news.feeds = names
        .iter()
        .map(|n| crate::config::Feed {
            name: n.to_string(),
            url: format!("https://{n}.example.com/rss"),
            tz: None,
        })
        .collect();
    cfg
}

/// Removing a feed from the config takes its headlines off the screen (those another feed also
/// carries stay), and an answer the removed feed's fetch still delivers is dropped.
#[test]
fn removing_a_feed_removes_its_headlines_and_its_late_answers() {
    let mut s = State::new(with_feeds(&["Alpha", "Beta"]), false, t0());
    update(&mut s, Msg::Resize(120, 35), t0());
    let generation = s.generation;
    let mut shared = story(3, "Beta");
    shared.also_in = vec![];
    let batch = vec![story(1, "Alpha"), story(2, "Beta"), story(3, "Alpha"), shared];
    update(&mut s, data(generation, DataKind::News { headlines: batch, errors: vec![] }), t0());
    assert_eq!(s.headlines.len(), 3);
    let out = update(&mut s, Msg::Config(Box::new(Ok(with_feeds(&["Beta"])))), t0());
    assert!(out.effects.contains(&Effect::Reconfigure));
    let titles: Vec<&str> = s.headlines.iter().map(|h| h.title.as_str()).collect();
    assert_eq!(titles, vec!["Story 2", "Story 3"], "Alpha's own headline went; the shared one stayed");
    assert_eq!(s.headlines[1].feed, "Beta");
    // The old refresh task's fetch of Alpha answers late: it answers the old plan.
    update(
        &mut s,
        data(generation, DataKind::News { headlines: vec![story(9, "Alpha")], errors: vec![] }),
        t0(),
    );
    assert!(s.headlines.iter().all(|h| h.title != "Story 9"), "a removed feed's late answer is dropped");
    // A feed pointed at a new address is a new feed: the old address's headlines go.
    let mut moved = with_feeds(&["Beta"]);
    moved.news.feeds[0].url = "https://elsewhere.example.com/rss".into();
    update(&mut s, Msg::Config(Box::new(Ok(moved))), t0());
    assert!(s.headlines.is_empty());
}

/// Yahoo's per-symbol headlines go when they are switched off.
#[test]
fn switching_off_yahoo_headlines_removes_them() {
    let mut s = State::new(with_feeds(&["Alpha"]), false, t0());
    let generation = s.generation;
    let batch = vec![story(1, "Alpha"), story(2, crate::config::YAHOO_FEED)];
    update(&mut s, data(generation, DataKind::News { headlines: batch, errors: vec![] }), t0());
    let mut cfg = with_feeds(&["Alpha"]);
    cfg.news.yahoo_symbols = false;
    update(&mut s, Msg::Config(Box::new(Ok(cfg))), t0());
    let titles: Vec<&str> = s.headlines.iter().map(|h| h.title.as_str()).collect();
    assert_eq!(titles, vec!["Story 1"]);
}

/// Only the times on screen flip the screen, and each flips when its text does: a headline aged
/// 1m30s says "2m" 30 s later, not at the next minute of the wall clock.
#[test]
fn ages_of_a_minute_or_more_update_when_they_flip() {
    let now: DateTime<Utc> = "2026-11-24T15:00:00.500Z".parse().unwrap();
    let mut s = State::new(builtin(), true, now);
    update(&mut s, Msg::Resize(120, 35), now);
    let mut h = story(1, "wire");
    h.published = Some(now - chrono::Duration::seconds(90));
    let generation = s.generation;
    update(&mut s, data(generation, DataKind::News { headlines: vec![h], errors: vec![] }), now);
    s.sources.entry(SourceKey::News).last_ok = None;
    update(&mut s, Msg::Tick, now);
    let wake = s.next_time_change();
    assert!(wake <= std::time::Duration::from_millis(30_005), "{wake:?}");
    assert!(wake >= std::time::Duration::from_millis(30_000), "{wake:?}");
}

/// The detail view's headline ages are on screen too: they flip the screen when they change.
#[test]
fn detail_view_ages_update() {
    let now = t0();
    let mut s = loaded();
    let sym = s.watch_rows()[0].clone();
    let mut h = story(1, "wire");
    h.symbols = vec![sym.clone()];
    // Five and a half minutes old: "5m" turns "6m" at 15:00:30, off the minute.
    h.published = Some(now - chrono::Duration::seconds(330));
    *s.headlines = vec![h];
    press(&mut s, Key::plain(KeyCode::Enter));
    assert_eq!(s.detail().map(|d| d.symbol.clone()), Some(sym));
    s.sources.entry(SourceKey::Quotes).last_ok = None;
    s.sources.entry(SourceKey::News).last_ok = None;
    update(&mut s, Msg::Tick, now);
    assert!(!update(&mut s, Msg::Tick, now + chrono::Duration::seconds(29)).redraw);
    assert!(s.next_time_change() <= std::time::Duration::from_millis(1_005));
    assert!(update(&mut s, Msg::Tick, now + chrono::Duration::seconds(30)).redraw, "5m became 6m");
}

/// Series are asked for by an effect and kept in flight in the state: once each, at most four at
/// once, none while paused, and asked again only after the answer is stale.
#[test]
fn series_are_fetched_through_effects() {
    let cfg = builtin();
    let mut s = State::new(cfg, true, t0());
    let fetches = |out: &Outcome| -> Vec<(Symbol, ChartRange)> {
        out.effects
            .iter()
            .filter_map(|e| if let Effect::FetchSeries { keys, .. } = e { Some(keys.clone()) } else { None })
            .flatten()
            .collect()
    };
    let out = update(&mut s, Msg::Resize(140, 35), t0());
    let first = fetches(&out);
    assert_eq!(first.len(), 4, "sparklines of the rows in view, four at a time: {first:?}");
    assert_eq!(s.series_inflight.len(), 4);
    assert!(fetches(&ch(&mut s, 'j')).is_empty(), "nothing twice, nothing past four");
    // An answer frees a place: the next row's sparkline is asked for.
    let (sym, range) = first[0].clone();
    let series = crate::market::series::Series {
        symbol: sym.clone(),
        points: vec![],
        previous_close: None,
        currency: None,
    };
    let generation = s.generation;
    let out =
        update(&mut s, Msg::Series { generation, symbol: sym.clone(), range, result: Ok(series) }, t0());
    let next = fetches(&out);
    assert_eq!(next.len(), 1);
    assert!(!first.contains(&next[0]), "{next:?}");
    assert!(!s.series_inflight.contains(&(sym, range)));
    // Paused: no traffic, charts included.
    ch(&mut s, 'p');
    s.series_inflight.clear();
    assert!(fetches(&ch(&mut s, 'j')).is_empty());
}

/// A headline without a link is kept and shown; Enter says it cannot be opened (and marks it read).
#[test]
fn a_headline_without_a_link_shows_but_does_not_open() {
    let mut s = loaded();
    let generation = s.generation;
    let mut h = story(1, "wire");
    h.link = String::new();
    h.published = Some(t0() + chrono::Duration::seconds(1));
    let id = h.id.clone();
    update(&mut s, data(generation, DataKind::News { headlines: vec![h], errors: vec![] }), t0());
    press(&mut s, Key::plain(KeyCode::Tab));
    assert_eq!(s.selected_headline().map(|h| h.id.clone()), Some(id.clone()));
    let out = press(&mut s, Key::plain(KeyCode::Enter));
    assert_eq!(out.effects, vec![Effect::SaveCache], "nothing to open; the read mark is kept");
    assert_eq!(s.notice.as_deref(), Some("this headline has no link"));
    assert!(s.read.contains(&id));
}

mod alerts {
    use super::*;
    use crate::config::{Alert, Rule};
    use crate::market::Quote;

    fn with_alerts(alerts: Vec<Alert>) -> State {
        let mut cfg = builtin();
        cfg.alerts = alerts;
        cfg.alerts_command = vec!["notify-send".into()];
        cfg.alerts_bell = true;
        let mut s = State::new(cfg, false, t0());
        update(&mut s, Msg::Resize(120, 35), t0());
        s
    }

    fn price(s: &mut State, sym: &str, p: f64, pct: f64) -> Outcome {
        let q = Quote { symbol: super::sym(sym), price: Some(p), change_pct: Some(pct), ..Quote::default() };
        let generation = s.generation;
        update(
            s,
            data(
                generation,
                DataKind::Quotes {
                    note: None,
                    source: "Yahoo".into(),
                    results: vec![(super::sym(sym), Ok(q))],
                },
            ),
            t0(),
        )
    }

    fn fired(out: &Outcome) -> Vec<String> {
        out.effects
            .iter()
            .filter_map(|e| if let Effect::AlertCommand(m) = e { Some(m.clone()) } else { None })
            .collect()
    }

    fn news(s: &mut State, items: Vec<crate::market::Headline>) -> Outcome {
        let generation = s.generation;
        update(s, data(generation, DataKind::News { headlines: items, errors: vec![] }), t0())
    }

    fn about(n: usize, title: &str, syms: &[&str]) -> crate::market::Headline {
        let mut h = story(n, "wire");
        h.title = title.into();
        h.id = format!("{title}-{n}");
        h.symbols = syms.iter().map(|x| super::sym(x)).collect();
        h.published = Some(t0() - chrono::Duration::minutes(n as i64));
        h
    }

    /// Fires once when the price crosses below, not again while it stays there, re-arms when it
    /// comes back above, and fires on the next crossing.
    #[test]
    fn crossing_fires_once_and_rearms() {
        let mut s = with_alerts(vec![Alert::Price { symbol: sym("0981.HK"), rule: Rule::Below(40.0) }]);
        assert!(fired(&price(&mut s, "0981.HK", 45.0, 0.0)).is_empty());
        let out = price(&mut s, "0981.HK", 39.5, -2.0);
        assert_eq!(fired(&out), ["0981.HK below 40.00 at 39.50"]);
        assert!(out.effects.contains(&Effect::Bell));
        assert!(s.notice.as_deref().unwrap().starts_with("alert: 0981.HK below 40.00"));
        assert!(s.alerts.marked.contains(&sym("0981.HK")), "the row is marked");
        for p in [39.0, 38.0, 39.9] {
            assert!(fired(&price(&mut s, "0981.HK", p, -3.0)).is_empty(), "no repeat at {p}");
        }
        assert!(fired(&price(&mut s, "0981.HK", 41.0, 1.0)).is_empty(), "re-armed, silently");
        assert_eq!(fired(&price(&mut s, "0981.HK", 38.0, -4.0)).len(), 1, "the next crossing fires");
        assert_eq!(s.alerts.log.len(), 2);
    }

    /// Crossing up, a day move in either direction, and several rules on one symbol each firing
    /// on its own.
    #[test]
    fn above_move_pct_and_several_on_one_symbol() {
        let nvda = sym("NVDA");
        let mut s = with_alerts(vec![
            Alert::Price { symbol: nvda.clone(), rule: Rule::Above(200.0) },
            Alert::Price { symbol: nvda.clone(), rule: Rule::MovePct(7.5) },
        ]);
        assert!(fired(&price(&mut s, "NVDA", 190.0, 2.0)).is_empty());
        assert_eq!(fired(&price(&mut s, "NVDA", 205.0, 5.0)), ["NVDA above 200.00 at 205.00"]);
        assert_eq!(fired(&price(&mut s, "NVDA", 215.0, 8.0)), ["NVDA moved +8.00% at 215.00"]);
        assert!(
            fired(&price(&mut s, "NVDA", 190.0, -7.6)).is_empty(),
            "the move rule holds still (absolute)"
        );
        assert_eq!(
            fired(&price(&mut s, "NVDA", 201.0, 1.0)),
            ["NVDA above 200.00 at 201.00"],
            "the other re-armed"
        );
    }

    /// Cached quotes never fire; with the alert state kept from the last run, a condition that was
    /// already true then does not fire again at start.
    #[test]
    fn start_up_with_a_cached_state_does_not_fire_again() {
        let alert = Alert::Price { symbol: sym("0981.HK"), rule: Rule::Below(40.0) };
        let mut s = with_alerts(vec![alert.clone()]);
        s.alerts.armed.insert(alert.key(), false);
        assert!(fired(&price(&mut s, "0981.HK", 39.0, -1.0)).is_empty());
        // A quote from the cache is restored, not received: nothing evaluates it.
        let mut cached = with_alerts(vec![alert]);
        let q = Quote { symbol: sym("0981.HK"), price: Some(30.0), ..Quote::default() };
        cached.quotes.insert(
            sym("0981.HK"),
            QuoteEntry { quote: Some(q), error: None, updated: Some(t0()), cached: true, tick_at: None },
        );
        assert!(fired(&update(&mut cached, Msg::Tick, t0())).is_empty());
    }

    /// Keyword alerts: once per new headline, with or without a symbol filter, CJK phrases exact;
    /// the first batch (a feed's 500 old items) is the baseline, and so is the first after a
    /// config change.
    #[test]
    fn keyword_alerts() {
        let mut s = with_alerts(vec![
            Alert::Headline { keywords: vec!["Entity List".into(), "实体清单".into()], symbols: vec![] },
            Alert::Headline { keywords: vec!["capacity".into()], symbols: vec![sym("0981.HK")] },
        ]);
        let old: Vec<_> = (0..500).map(|i| about(100 + i, "Old news about the entity list", &[])).collect();
        assert!(fired(&news(&mut s, old)).is_empty(), "no storm on the first load");
        let out = news(
            &mut s,
            vec![
                about(1, "US adds SMIC units to the ENTITY LIST", &[]),
                about(2, "美国将中芯国际列入实体清单", &["0981.HK"]),
                about(3, "Capacity grows at Hua Hong", &["1347.HK"]),
                about(4, "SMIC capacity is full", &["0981.HK"]),
                about(5, "Nothing to see", &[]),
            ],
        );
        assert_eq!(
            fired(&out),
            [
                "headline (Entity List): US adds SMIC units to the ENTITY LIST",
                "headline (实体清单): 美国将中芯国际列入实体清单",
                "headline (capacity): SMIC capacity is full",
            ]
        );
        assert!(s.alerts.marked_headlines.contains("US adds SMIC units to the ENTITY LIST-1"));
        assert!(
            fired(&news(&mut s, vec![about(1, "US adds SMIC units to the ENTITY LIST", &[])])).is_empty(),
            "once per headline"
        );
        let cfg = (*s.config).clone();
        let mut changed = cfg.clone();
        changed.alerts.push(Alert::Headline { keywords: vec!["gallium".into()], symbols: vec![] });
        update(&mut s, Msg::Config(Box::new(Ok(changed))), t0());
        assert!(
            fired(&news(&mut s, vec![about(6, "Entity List grows again", &[])])).is_empty(),
            "baseline after a change"
        );
        assert_eq!(fired(&news(&mut s, vec![about(7, "Gallium curbs", &[])])).len(), 1);

        // A symbol added to a group (issue 26, item 10): its backlog is a baseline too.
        let mut added = (*s.config).clone();
        added.groups[0].symbols.push(sym("AAPL"));
        update(&mut s, Msg::Config(Box::new(Ok(added))), t0());
        let backlog = vec![about(8, "Apple joins the Entity List talk", &["AAPL"])];
        assert!(fired(&news(&mut s, backlog)).is_empty(), "a new symbol's old headlines fire nothing");
        assert_eq!(
            fired(&news(&mut s, vec![about(9, "Gallium curbs widen", &[])])).len(),
            1,
            "later ones do"
        );
    }

    /// The log lists every alert, newest first; opening it marks everything seen; Enter on a
    /// headline entry opens its link; a marked row is seen once selected.
    #[test]
    fn the_log_and_seen_marks() {
        let mut s = with_alerts(vec![
            Alert::Price { symbol: sym("688981.SS"), rule: Rule::Above(10.0) },
            Alert::Headline { keywords: vec!["SMIC".into()], symbols: vec![] },
        ]);
        price(&mut s, "688981.SS", 11.0, 1.0);
        assert!(s.alerts.marked.contains(&sym("688981.SS")));
        ch(&mut s, 'j');
        assert_eq!(selected(&s), "688981.SS");
        assert!(s.alerts.marked.is_empty(), "seen once selected");
        news(&mut s, vec![]);
        let mut h = about(1, "SMIC wins", &[]);
        h.link = "https://news.example.com/smic-wins".into();
        news(&mut s, vec![h]);
        assert!(!s.alerts.marked_headlines.is_empty());
        ch(&mut s, 'A');
        assert!(s.alert_log_open() && s.alerts.marked_headlines.is_empty());
        assert_eq!(s.alerts.cursor, 0);
        let out = press(&mut s, Key::plain(KeyCode::Enter));
        assert!(
            out.effects.contains(&Effect::OpenLink("https://news.example.com/smic-wins".into())),
            "{:?}",
            out.effects
        );
        ch(&mut s, 'j');
        let out = press(&mut s, Key::plain(KeyCode::Enter));
        assert!(!out.effects.iter().any(|e| matches!(e, Effect::OpenLink(_))));
        assert_eq!(s.notice.as_deref(), Some("a price alert has no link to open"));
        assert!(ch(&mut s, 'q').effects.is_empty(), "q closes the log, it does not quit");
        assert!(!s.alert_log_open());
    }
}

/// The clocks name the holiday a market is shut for, and when a half day ends while it is open.
#[test]
fn clocks_follow_the_calendar() {
    let at = |s: &str| s.parse::<DateTime<Utc>>().unwrap();
    let hk = exchange_for("0981.HK");
    let ny = exchange_for("NVDA");
    // Lunar New Year's Day 2026, 10:00 in Hong Kong: a weekday the market is shut.
    let s = State::new(builtin(), true, at("2026-02-17T02:00:00Z"));
    assert_eq!(s.session(hk), (SessionState::Closed, "Lunar New Year's Day".to_string()));
    // Its eve, 10:00: open for the morning only.
    let s = State::new(builtin(), true, at("2026-02-16T02:00:00Z"));
    assert_eq!(s.session(hk), (SessionState::Open, "open to 12:00".to_string()));
    // The same weekday a week later: an ordinary day.
    let s = State::new(builtin(), true, at("2026-02-24T02:00:00Z"));
    assert_eq!(s.session(hk), (SessionState::Open, "open".to_string()));
    // Thanksgiving in New York, whatever the hour.
    for t in ["2026-11-26T15:00:00Z", "2026-11-26T23:00:00Z"] {
        let s = State::new(builtin(), true, at(t));
        assert_eq!(s.session(ny), (SessionState::Closed, "Thanksgiving Day".to_string()), "{t}");
    }
    // A Saturday is just closed.
    let s = State::new(builtin(), true, at("2026-11-28T15:00:00Z"));
    assert_eq!(s.session(ny), (SessionState::Closed, "closed".to_string()));
}

/// Past the end of a table the exchange keeps weekends only, and says so once: in the status bar
/// and in the log.
#[test]
fn a_calendar_past_its_last_year_is_noted_once() {
    let in_2027: DateTime<Utc> = "2027-03-10T03:00:00Z".parse().unwrap();
    let mut s = State::new(builtin(), true, in_2027);
    let out = update(&mut s, Msg::Tick, in_2027);
    let note = "holiday calendars for SH, SZ end 2026: weekends only from here";
    assert_eq!(s.notice.as_deref(), Some(note));
    assert!(out.effects.contains(&Effect::Log(note.to_string())), "{:?}", out.effects);
    // Hong Kong's 2027 is published: not named.
    s.notice = None;
    let out = update(&mut s, Msg::Tick, in_2027);
    assert_eq!(s.notice, None, "said once");
    assert!(!out.effects.iter().any(|e| matches!(e, Effect::Log(_))));
    // In the table's years nothing is said.
    let mut s = State::new(builtin(), true, t0());
    let out = update(&mut s, Msg::Tick, t0());
    assert_eq!(s.notice, None);
    assert!(!out.effects.iter().any(|e| matches!(e, Effect::Log(_))));
    // The user's own entries for the year count as a calendar.
    let mut cfg = builtin();
    let extra = |ex: &str| crate::market::calendar::Holiday {
        exchange: ex.into(),
        date: "2027-02-08".parse().unwrap(),
        name: "Spring Festival".into(),
        open: None,
        close: None,
    };
    cfg.calendar = crate::market::calendar::Calendar::with(vec![extra("SH"), extra("SZ")]);
    let mut s = State::new(cfg, true, in_2027);
    update(&mut s, Msg::Tick, in_2027);
    assert_eq!(s.notice, None);
    // Another group brings another exchange into view: named when it does.
    let cfg = crate::config::parse_str(
        "[[groups]]\nname = \"a\"\nsymbols = [\"0981.HK\"]\n[[groups]]\nname = \"b\"\nsymbols = [\"2330.TW\"]\n",
        "c.toml",
    )
    .unwrap();
    let mut s = State::new(cfg, true, in_2027);
    update(&mut s, Msg::Tick, in_2027);
    assert_eq!(s.notice, None);
    update(&mut s, Msg::Key(Key::ch('2')), in_2027);
    assert_eq!(s.notice.as_deref(), Some("holiday calendar for TW ends 2026: weekends only from here"));
}

// ---------------------------------------------------------------- the price stream

fn tick(s: &str, price: f64) -> crate::market::stream::Tick {
    crate::market::stream::Tick {
        symbol: sym(s),
        price,
        time: Some(t0()),
        change: Some(1.5),
        change_pct: Some(0.8),
        day_high: Some(price + 1.0),
        day_low: Some(price - 3.0),
        volume: Some(12_345_678),
        source: crate::market::PriceSource::YahooStream,
    }
}

fn stream(s: &mut State, ev: crate::market::stream::StreamEvent, at: DateTime<Utc>) -> Outcome {
    update(s, Msg::Stream(ev), at)
}

fn ticks(s: &mut State, list: Vec<crate::market::stream::Tick>, at: DateTime<Utc>) -> Outcome {
    stream(s, crate::market::stream::StreamEvent::Ticks(list), at)
}

fn connected(s: &mut State) {
    stream(s, crate::market::stream::StreamEvent::Connected { subscribed: 40 }, t0());
}

/// New York trades at t0; the US group in view.
fn us_streaming() -> State {
    let mut s = loaded();
    s.demo = false;
    ch(&mut s, '3');
    connected(&mut s);
    s
}

#[test]
fn a_tick_moves_what_it_carries_and_keeps_what_the_poll_gave() {
    let mut s = us_streaming();
    let before = s.quotes[&sym("NVDA")].quote.clone().unwrap();
    let out = ticks(&mut s, vec![tick("NVDA", 201.25), tick("AMD", 150.5)], t0());
    assert!(out.redraw, "both rows are in view");
    for (name, price) in [("NVDA", 201.25), ("AMD", 150.5)] {
        let q = s.quotes[&sym(name)].quote.clone().unwrap();
        assert_eq!((q.price, q.change, q.change_pct), (Some(price), Some(1.5), Some(0.8)), "{name}");
        assert_eq!(
            (q.day_high, q.day_low, q.volume),
            (Some(price + 1.0), Some(price - 3.0), Some(12_345_678))
        );
        assert_eq!(q.source, crate::market::PriceSource::YahooStream);
    }
    let after = s.quotes[&sym("NVDA")].quote.clone().unwrap();
    assert_eq!(
        (after.name, after.market_cap, after.previous_close),
        (before.name, before.market_cap, before.previous_close)
    );
    assert_eq!(s.freshness(&sym("NVDA")), Some(stream::Freshness::Live));
    assert_eq!(s.freshness(&sym("AVGO")), Some(stream::Freshness::RealTime), "no tick: polled");
}

#[test]
fn live_symbols_are_polled_slowly_and_the_others_stay_fast() {
    let mut s = us_streaming();
    let out = ticks(&mut s, vec![tick("NVDA", 201.25)], t0());
    assert!(out.effects.contains(&Effect::Replan), "{:?}", out.effects);
    let plan = s.plan(0);
    assert!(!plan.fast.contains(&sym("NVDA")) && plan.slow.contains(&sym("NVDA")), "live: slow rate");
    // Subscribed but silent (Yahoo may not stream a listing): it stays on the fast batch.
    assert!(plan.fast.contains(&sym("AMD")));
    // Another tick of a live symbol changes no plan.
    let again = ticks(&mut s, vec![tick("NVDA", 201.5)], t0() + chrono::Duration::seconds(30));
    assert!(!again.effects.contains(&Effect::Replan));
    // A minute without ticks: the loop wakes for it, and NVDA goes back to fast polling.
    let quiet = t0() + chrono::Duration::seconds(30) + stream::LIVE_FOR;
    assert!(s.next_time_change() <= std::time::Duration::from_secs(61));
    let out = update(&mut s, Msg::Tick, quiet);
    assert!(out.effects.contains(&Effect::Replan) && out.redraw);
    assert!(s.plan(0).fast.contains(&sym("NVDA")));
    // No poll has come in this test: the row says how old its price is.
    assert!(matches!(s.freshness(&sym("NVDA")), Some(stream::Freshness::Old(_))));
}

#[test]
fn a_lost_connection_ends_live_at_once() {
    let mut s = us_streaming();
    ticks(&mut s, vec![tick("NVDA", 201.25)], t0());
    let lost = crate::market::stream::StreamEvent::Reconnecting {
        retry_in: std::time::Duration::from_secs(8),
        error: "connection reset".into(),
    };
    let out = stream(&mut s, lost, t0());
    assert!(out.effects.contains(&Effect::Replan) && out.redraw);
    assert!(s.plan(0).fast.contains(&sym("NVDA")), "polled at the fast rate meanwhile");
    assert_ne!(s.freshness(&sym("NVDA")), Some(stream::Freshness::Live));
    assert_eq!(s.stream.retry_at, Some(t0() + chrono::Duration::seconds(8)));
    // The countdown is on screen: the loop wakes every second for it.
    assert!(s.next_time_change() <= std::time::Duration::from_millis(1005));
}

#[test]
fn a_tick_off_screen_draws_nothing() {
    let mut s = us_streaming();
    // MSFT is in another group; the US group is in view. Its first tick makes it live (the
    // status bar counts it); the next one shows nowhere.
    assert!(ticks(&mut s, vec![tick("MSFT", 499.0)], t0()).redraw);
    let out = ticks(&mut s, vec![tick("MSFT", 500.0)], t0());
    assert!(!out.redraw, "nothing visible changed");
    assert_eq!(s.quotes[&sym("MSFT")].quote.as_ref().unwrap().price, Some(500.0), "kept all the same");
    // The same price again changes nothing at all.
    let out = ticks(&mut s, vec![tick("NVDA", 201.25)], t0());
    assert!(out.redraw);
    let out = ticks(&mut s, vec![tick("NVDA", 201.25)], t0());
    assert!(!out.redraw && !out.effects.contains(&Effect::SaveCache));
}

#[test]
fn a_closed_market_is_never_live() {
    let mut s = us_streaming();
    // 03:00 in New York: a stray tick does not make NVDA live.
    let night = "2026-11-25T08:00:00Z".parse().unwrap();
    ticks(&mut s, vec![tick("NVDA", 201.25)], night);
    assert!(!s.is_live(&sym("NVDA")));
    assert!(s.planned_live.is_empty());
}

#[test]
fn ticks_of_symbols_not_watched_are_dropped() {
    let mut s = us_streaming();
    let before = s.quotes.len();
    let out = ticks(&mut s, vec![tick("ZZZZ", 1.0), tick("EVIL1", 2.0)], t0());
    assert_eq!(s.quotes.len(), before, "no entry for what we never asked for");
    assert!(!out.redraw && s.planned_live.is_empty());
}

#[test]
fn mainland_symbols_stay_with_tencent() {
    let mut s = us_streaming();
    assert_eq!(s.config.provider.mainland, crate::config::Mainland::Tencent);
    let followed = s.stream_symbols();
    assert!(followed.contains(&sym("0981.HK")) && followed.contains(&sym("NVDA")));
    assert!(
        !followed.iter().any(|x| x.as_str().ends_with(".SS") || x.as_str().ends_with(".SZ")),
        "{followed:?}"
    );
    // Even a tick that comes anyway does not replace a Tencent snapshot (11:00 in Shanghai).
    let at = "2026-11-25T03:00:00Z".parse().unwrap();
    let smic = sym("688981.SS");
    let e = s.quotes.get_mut(&smic).unwrap();
    e.quote.as_mut().unwrap().source = crate::market::PriceSource::Tencent;
    let price = e.quote.as_ref().unwrap().price;
    s.config.provider.mainland = crate::config::Mainland::Yahoo;
    ticks(&mut s, vec![tick("688981.SS", 1.0)], at);
    assert_eq!(s.quotes[&smic].quote.as_ref().unwrap().price, price);
}

#[test]
fn a_pre_market_tick_is_the_pre_market_price() {
    let mut s = us_streaming();
    // 07:00 in New York.
    let pre = "2026-11-25T12:00:00Z".parse().unwrap();
    let close = s.quotes[&sym("NVDA")].quote.as_ref().unwrap().price;
    ticks(&mut s, vec![tick("NVDA", 205.0)], pre);
    let q = s.quotes[&sym("NVDA")].quote.clone().unwrap();
    assert_eq!((q.price, q.extended_price, q.extended_change_pct), (close, Some(205.0), Some(0.8)));
    assert!(!s.is_live(&sym("NVDA")), "live means the regular session");
}

#[test]
fn a_tick_clears_the_error_of_a_failed_poll() {
    let mut s = us_streaming();
    let g = s.generation;
    update(
        &mut s,
        data(
            g,
            DataKind::Quotes {
                note: None,
                source: "Yahoo".into(),
                results: vec![(sym("NVDA"), Err("HTTP 500".into()))],
            },
        ),
        t0(),
    );
    assert_eq!(s.freshness(&sym("NVDA")), Some(stream::Freshness::Error));
    ticks(&mut s, vec![tick("NVDA", 201.0)], t0());
    assert_eq!(s.freshness(&sym("NVDA")), Some(stream::Freshness::Live));
}

#[test]
fn a_row_sorted_off_the_page_by_its_tick_is_drawn() {
    let mut s = us_streaming();
    update(&mut s, Msg::Resize(120, 9), t0());
    s.sort = SortKey::ChangePct;
    s.fix_offsets();
    let page = s.watch_page();
    let rows: Vec<Symbol> = s.watch_rows().iter().cloned().collect();
    assert!(rows.len() > page, "a page shorter than the group");
    let top = rows[0].clone();
    let mut fall = tick(top.as_str(), 1.0);
    fall.change_pct = Some(-99.0);
    let out = ticks(&mut s, vec![fall], t0());
    assert!(out.redraw, "the row left the page: the page changed");
    assert_eq!(s.watch_rows().last(), Some(&top));
}

/// A `[[holidays]]` entry for today, added while New York trades: the sources are rebuilt with the
/// new calendar and the refresh task gets a plan that polls at the closed rate.
#[test]
fn a_holidays_only_edit_reaches_the_plan_and_the_sources() {
    let mut s = loaded();
    let nvda_group = s.config.groups.iter().position(|g| g.symbols.contains(&sym("NVDA"))).unwrap();
    s.group = nvda_group;
    let trading = |p: &crate::msg::Plan| {
        p.fast.iter().filter(|x| !x.as_str().ends_with("=X")).any(|x| {
            crate::market::exchange::exchange_for(x.as_str()).state_at(t0(), &p.calendar).is_trading()
        })
    };
    assert!(trading(&s.plan(0)), "New York is open at 10:00 on a Tuesday");
    let mut cfg = (*s.config).clone();
    let holiday = crate::market::calendar::Holiday {
        exchange: "NY".into(),
        date: chrono::NaiveDate::from_ymd_opt(2026, 11, 24).unwrap(),
        name: "Test day".into(),
        open: None,
        close: None,
    };
    cfg.calendar = crate::market::calendar::Calendar::with(vec![holiday]);
    let out = update(&mut s, Msg::Config(Box::new(Ok(cfg))), t0());
    assert!(out.effects.contains(&Effect::Reconfigure), "{:?}", out.effects);
    assert!(!trading(&s.plan(0)), "the plan the refresh task gets sees the holiday");
}

/// Overlays stack: help opened over the detail view closes back to it, and a key reaches only the
/// overlay on top.
#[test]
fn help_over_the_detail_view_closes_back_to_it() {
    let mut s = loaded();
    press(&mut s, Key::plain(KeyCode::Enter));
    let sym = s.detail().map(|d| d.symbol.clone()).expect("the detail view is open");
    ch(&mut s, '?');
    assert!(s.help_open() && s.detail().is_some());
    assert_eq!(s.overlay(), Some(&Overlay::Help { scroll: 0 }), "help is on top");
    // A range key goes to the help (which ignores it), not to the chart under it.
    ch(&mut s, '3');
    assert_eq!(s.detail().unwrap().range, ChartRange::D1);
    press(&mut s, Key::plain(KeyCode::Esc));
    assert!(!s.help_open());
    assert_eq!(s.detail().map(|d| d.symbol.clone()), Some(sym), "back on the chart");
    press(&mut s, Key::plain(KeyCode::Esc));
    assert!(s.detail().is_none() && s.overlay().is_none());
}

/// A chart answer from sources an edit has since replaced is dropped, and the series is asked of
/// the new ones at once.
#[test]
fn a_series_from_replaced_sources_is_dropped_and_asked_again() {
    let mut s = State::new(builtin(), true, t0());
    let out = update(&mut s, Msg::Resize(140, 35), t0());
    let (old, keys) = out
        .effects
        .iter()
        .find_map(|e| {
            if let Effect::FetchSeries { generation, keys } = e {
                Some((*generation, keys.clone()))
            } else {
                None
            }
        })
        .expect("sparklines asked for");
    let mut cfg = (*s.config).clone();
    cfg.news.max_items = 10;
    update(&mut s, Msg::Config(Box::new(Ok(cfg))), t0());
    assert!(s.generation > old, "new sources, a new generation");
    let (sym, range) = keys[0].clone();
    let series = crate::market::series::Series {
        symbol: sym.clone(),
        points: vec![],
        previous_close: None,
        currency: None,
    };
    let out =
        update(&mut s, Msg::Series { generation: old, symbol: sym.clone(), range, result: Ok(series) }, t0());
    assert!(!s.series.contains_key(&(sym.clone(), range)), "the old source's answer is not kept");
    let again = out.effects.iter().any(|e| {
        matches!(e, Effect::FetchSeries { generation, keys } if *generation == s.generation && keys.contains(&(sym.clone(), range)))
    });
    assert!(again, "asked of the new sources: {:?}", out.effects);
}

/// A key that cannot act says why (issue 26, item 5): a group number past the last group, `d` in
/// an empty group, group switching with a single group.
#[test]
fn keys_that_cannot_act_say_why() {
    let mut s = loaded();
    let n = s.config.groups.len();
    assert!(n < 9, "the built-in list has fewer than nine groups");
    ch(&mut s, '9');
    assert_eq!(s.notice.as_deref(), Some(format!("no group 9: {n} groups").as_str()));
    assert_eq!(s.group, 0, "the group in view stays");

    let mut cfg = builtin();
    cfg.groups.truncate(1);
    cfg.groups[0].symbols.clear();
    let mut s = State::new(cfg, true, t0());
    update(&mut s, Msg::Resize(120, 35), t0());
    ch(&mut s, 'd');
    let name = s.config.groups[0].name.clone();
    assert_eq!(s.notice.as_deref(), Some(format!("nothing to remove: {name} is empty").as_str()));
    ch(&mut s, ']');
    assert!(s.notice.as_deref().is_some_and(|n| n.starts_with("only one group")), "{:?}", s.notice);
}

/// A link the opener could not open (issue 26, item 9): the headline is not marked read, and the
/// status bar says what to do, in words.
#[test]
fn a_failed_open_leaves_the_headline_unread_and_says_what_to_set() {
    let mut s = loaded();
    s.focus = Focus::Headlines;
    let (id, link) =
        s.news_rows().iter().find(|h| !h.link.is_empty()).map(|h| (h.id.clone(), h.link.clone())).unwrap();
    s.news.selected = Some(id.clone());
    s.fix_offsets();
    press(&mut s, Key::plain(KeyCode::Enter));
    assert!(s.read.contains(&id));
    let why = "no browser found: set CHIPTAPE_OPENER to one (e.g. CHIPTAPE_OPENER=firefox)".to_string();
    let out = update(&mut s, Msg::OpenFailed { link, why: why.clone() }, t0());
    assert!(!s.read.contains(&id), "not opened, so not read");
    assert!(out.effects.contains(&Effect::SaveCache));
    assert_eq!(s.notice.as_deref(), Some(format!("cannot open the link: {why}").as_str()));
}

/// New headlines above the view while the reader is further down (issue 26, item 11): the
/// selection and the first headline in view stay put, and the pane counts what came in above
/// until the view is back at the top.
#[test]
fn new_headlines_above_the_view_do_not_move_it() {
    let mut s = loaded();
    s.focus = Focus::Headlines;
    for _ in 0..4 {
        ch(&mut s, 'j');
    }
    s.news.offset = 2;
    s.fix_offsets();
    let (selected, offset) = (s.news.selected.clone(), s.news.offset);
    let first = s.news_rows().get(offset).unwrap().id.clone();
    let newer: Vec<Headline> = (0..3)
        .map(|i| {
            let mut h = s.headlines[0].clone();
            h.id = format!("newer-{i}");
            h.title = format!("Breaking {i}");
            h.link = format!("https://news.example.com/breaking-{i}");
            h.guid = None;
            h.published = Some(t0() + chrono::Duration::seconds(i));
            h
        })
        .collect();
    let generation = s.generation;
    update(&mut s, data(generation, DataKind::News { headlines: newer, errors: vec![] }), t0());
    assert_eq!(s.news.selected, selected, "the selection stays on its headline");
    assert_eq!(s.news_rows().get(s.news.offset).unwrap().id, first, "the view stays where it was");
    assert_eq!(s.news_above, 3);
    ch(&mut s, 'g');
    assert_eq!(s.news_above, 0, "back at the top, all seen");
}

/// Notices come and go (issue 26, items 1 and 2): an information leaves after 8 s and a warning
/// after 30 s, and the loop wakes for it; an information never hides a standing error; every
/// message and error goes to the session's log with its time.
#[test]
fn notices_expire_never_hide_an_error_and_are_logged() {
    let mut s = loaded();
    let at = |secs: i64| t0() + chrono::Duration::seconds(secs);
    update(&mut s, Msg::Notice("added AAPL to Cloud".into()), t0());
    assert_eq!(s.notice_shown().map(|n| n.text.as_str()), Some("added AAPL to Cloud"));
    assert!(s.next_time_change() <= std::time::Duration::from_millis(8_005), "wakes to take it down");
    let out = update(&mut s, Msg::Tick, at(8));
    assert!(out.redraw && s.notice_shown().is_none(), "gone after 8 s");

    update(&mut s, Msg::Warning("not added: no data for ZZZZ".into()), at(10));
    update(&mut s, Msg::Tick, at(39));
    assert!(s.notice_shown().is_some(), "a warning stays 30 s");
    update(&mut s, Msg::Tick, at(40));
    assert!(s.notice_shown().is_none());

    let generation = s.generation;
    let failed = DataKind::QuotesFailed {
        source: "demo".into(),
        error: "HTTP 500".into(),
        retry_in: std::time::Duration::from_secs(30),
    };
    update(&mut s, Msg::Data(DataMsg { generation, at: at(50), kind: failed }), at(50));
    update(&mut s, Msg::Notice("saved".into()), at(51));
    assert!(s.notice_shown().is_none() && s.notice_held(), "the error stays in view, the notice is +1");

    let log: Vec<(Level, &str)> = s.messages.0.iter().map(|m| (m.level, m.text.as_str())).collect();
    assert_eq!(
        log,
        [
            (Level::Info, "added AAPL to Cloud"),
            (Level::Warn, "not added: no data for ZZZZ"),
            (Level::Error, "quotes: HTTP 500"),
            (Level::Info, "saved"),
        ]
    );
    assert_eq!(s.messages.0[2].at, at(50));
}

/// `/` searches every group (issue 26, item 8): the prompt names the other groups where the
/// text is found, and Enter goes there when the group in view has no match.
#[test]
fn search_finds_symbols_in_other_groups_and_enter_goes_there() {
    let mut s = loaded();
    let home = s.group;
    let amd_group = s.config.groups.iter().position(|g| g.symbols.contains(&sym("AMD"))).unwrap();
    assert_ne!(home, amd_group, "the test needs AMD in another group");
    ch(&mut s, '/');
    for c in "AMD".chars() {
        ch(&mut s, c);
    }
    assert!(s.watch_rows().is_empty(), "no AMD in the group in view");
    assert!(s.filter_elsewhere().iter().any(|(g, n)| *g == amd_group && *n >= 1));
    press(&mut s, Key::plain(KeyCode::Enter));
    assert_eq!(s.group, amd_group, "Enter went to the group with the match");
    assert_eq!(s.filter, "AMD", "the search is kept");
    assert_eq!(selected(&s), "AMD");
}

/// At 80x24 the help is longer than its box: the list keys scroll it, within its length, and a
/// resize that makes room never leaves it scrolled past its end.
#[test]
fn help_scrolls_at_80x24() {
    let mut s = loaded();
    update(&mut s, Msg::Resize(80, 24), t0());
    ch(&mut s, '?');
    let max = s.help_max_scroll();
    assert!(max > 0, "the help is longer than 20 lines");
    assert_eq!(s.help_scroll(), Some(0));
    ch(&mut s, 'j');
    ch(&mut s, 'j');
    assert_eq!(s.help_scroll(), Some(2));
    ch(&mut s, 'k');
    assert_eq!(s.help_scroll(), Some(1));
    press(&mut s, Key::plain(KeyCode::PageDown));
    assert_eq!(s.help_scroll(), Some((1 + s.help_page() - 1).min(max)));
    ch(&mut s, 'G');
    assert_eq!(s.help_scroll(), Some(max));
    assert!(!ch(&mut s, 'j').redraw, "nothing below the end");
    assert_eq!(s.help_scroll(), Some(max));
    ch(&mut s, 'g');
    assert_eq!(s.help_scroll(), Some(0));
    ch(&mut s, 'G');
    update(&mut s, Msg::Resize(200, 60), t0());
    let max_then = s.help_max_scroll();
    assert!(max_then < max && s.help_scroll() == Some(max_then), "the taller box shows the end");
    ch(&mut s, 'k');
    assert_eq!(s.help_scroll(), Some(max_then.saturating_sub(1)), "k moves from what is shown");
    assert_eq!(selected(&s), "0981.HK", "the list under the help did not move");
}

/// The help is the key map in force, by where the keys work: a remap shows, an unbound key is
/// gone, and each place has its section.
#[test]
fn help_follows_the_key_map_by_place() {
    let mut cfg = builtin();
    cfg.keys = crate::config::KeyMap::with_overrides(&[
        (Key::ctrl('r'), Some(Action::Refresh)),
        (Key::ch('q'), None),
        (Key::ch('x'), Some(Action::Quit)),
    ]);
    let s = State::new(cfg, true, t0());
    let lines = s.help_lines();
    let sections: Vec<&str> =
        lines.iter().filter_map(|l| if let HelpLine::Section(n) = l { Some(*n) } else { None }).collect();
    for want in ["watchlist", "headlines", "detail", "prompt", "alert log"] {
        assert!(sections.iter().any(|n| n.starts_with(want)), "{want}: {sections:?}");
    }
    let keys_of = |what: &str| -> Vec<String> {
        lines
            .iter()
            .filter_map(|l| match l {
                HelpLine::Entry { keys, what: w } if *w == what => Some(keys.clone()),
                _ => None,
            })
            .collect()
    };
    assert_eq!(keys_of("refresh now / pause updates"), ["r ctrl-r p"]);
    assert_eq!(keys_of("quit"), ["x ctrl-c"]);
    assert_eq!(keys_of("back to the list"), ["esc x ctrl-c"], "the detail view's close");
}

/// A US day chart runs 04:00–20:00 New York by the clock: 10:00 is 6 of its 16 hours in, pre- and
/// post-market are the shaded ends, and every hour has a tick. Hong Kong's lunch takes no room.
#[test]
fn day_chart_axis_follows_the_sessions() {
    use chrono::TimeZone;
    let mut s = loaded();
    let d = Detail { symbol: sym("NVDA"), range: ChartRange::D1, headline: None };
    let ny = chrono_tz::America::New_York;
    let at = |tz: chrono_tz::Tz, h: u32, m: u32| tz.with_ymd_and_hms(2026, 11, 24, h, m, 0).unwrap().to_utc();
    let series = |symbol: &str, t: DateTime<Utc>| crate::market::series::Series {
        symbol: sym(symbol),
        points: vec![(t, 1.0)],
        previous_close: None,
        currency: None,
    };
    for (symbol, t) in [("NVDA", at(ny, 10, 0)), ("0981.HK", at(chrono_tz::Asia::Hong_Kong, 14, 0))] {
        let entry = SeriesEntry { series: Some(series(symbol, t)), error: None, fetched: t0() };
        s.series.insert((sym(symbol), ChartRange::D1), entry);
    }
    let axis = s.session_axis(&d).expect("a trading day");
    let hour = 3600.0;
    assert_eq!(axis.span(), 16.0 * hour);
    assert_eq!(axis.x(at(ny, 10, 0)), 6.0 * hour);
    assert_eq!(axis.x(at(ny, 21, 0)), 16.0 * hour, "after the close: the end");
    assert_eq!(axis.extended(), vec![(0.0, 5.5 * hour), (12.0 * hour, 16.0 * hour)]);
    let hours: Vec<String> =
        axis.ticks(ny).iter().map(|(_, t)| t.with_timezone(&ny).format("%H:%M").to_string()).collect();
    let mut want: Vec<String> = (4..=20).map(|h| format!("{h:02}:00")).collect();
    want.insert(6, "09:30".to_string());
    assert_eq!(hours, want);
    assert!(s.session_axis(&Detail { range: ChartRange::D5, ..d }).is_none(), "5D goes bar by bar");
    let hk =
        s.session_axis(&Detail { symbol: sym("0981.HK"), range: ChartRange::D1, headline: None }).unwrap();
    let hk_tz = chrono_tz::Asia::Hong_Kong;
    assert_eq!(hk.span(), 5.5 * hour);
    assert_eq!(hk.x(at(hk_tz, 12, 30)), hk.x(at(hk_tz, 13, 0)), "lunch takes no room");
    assert!(hk.extended().is_empty());
    let ticks: Vec<String> =
        hk.ticks(hk_tz).iter().map(|(_, t)| t.with_timezone(&hk_tz).format("%H:%M").to_string()).collect();
    assert_eq!(ticks, ["09:30", "10:00", "11:00", "13:00", "14:00", "15:00", "16:00"]);
    // 18:00 in New York is in the FX session of the next date, which opened at 17:00.
    let fx = "EURUSD=X";
    let entry = SeriesEntry { series: Some(series(fx, at(ny, 18, 0))), error: None, fetched: t0() };
    s.series.insert((sym(fx), ChartRange::D1), entry);
    let fx = s.session_axis(&Detail { symbol: sym(fx), range: ChartRange::D1, headline: None }).unwrap();
    assert_eq!(fx.x(at(ny, 18, 0)), hour, "an hour into the session");
}

/// The detail view's title: symbol and a name that says more than the symbol, else the symbol.
#[test]
fn detail_title_says_the_name_once() {
    let s = loaded();
    assert_eq!(
        s.detail_title(&sym("AMD")),
        "AMD · Advanced Micro Devices",
        "the config's name is the symbol"
    );
    assert_eq!(s.detail_title(&sym("NVDA")), "NVDA · NVIDIA");
    assert_eq!(s.detail_title(&sym("ZZZ")), "ZZZ", "nothing known: the symbol alone");
}

#[test]
fn the_add_prompt_takes_odd_input_calmly() {
    let mut s = loaded();
    ch(&mut s, 'a');
    // Only spaces: nothing to look for, nothing asked, and Enter just closes.
    let effects = type_in(&mut s, "   ");
    assert!(!s.search().unwrap().has_query());
    assert!(effects.iter().all(|e| matches!(e, Effect::Search { .. })));
    let out = press(&mut s, Key::plain(KeyCode::Enter));
    assert!(out.effects.is_empty() && s.search().is_none());
    // 200 characters at most; control characters are not text.
    ch(&mut s, 'a');
    type_in(&mut s, &"x".repeat(250));
    press(&mut s, Key::ch('\u{1b}'));
    press(&mut s, Key::ch('\u{7}'));
    assert_eq!(s.search().unwrap().text.chars().count(), 200);
    assert!(shown(&s).is_empty());
    let out = press(&mut s, Key::plain(KeyCode::Enter));
    assert!(out.effects.is_empty());
    assert!(
        s.prompt_error.as_deref().is_some_and(|e| e.starts_with("nothing found")),
        "{:?}",
        s.prompt_error
    );
}

/// Issue 21: `/` finds Chinese names by their pinyin, initials or full, in both panes.
#[test]
fn the_filter_matches_pinyin() {
    let mut s = loaded();
    for q in ["zxgj", "zhongxin", "ZhongXinGuoJi"] {
        ch(&mut s, '/');
        type_in(&mut s, q);
        let rows: Vec<String> = s.watch_rows().iter().map(|x| x.to_string()).collect();
        assert_eq!(rows, ["0981.HK", "688981.SS"], "{q}");
        assert!(s.news_rows().iter().any(|h| h.symbols.iter().any(|x| x.as_str() == "0981.HK")), "{q}");
        press(&mut s, Key::plain(KeyCode::Esc));
    }
    ch(&mut s, '/');
    type_in(&mut s, "hwj");
    let rows: Vec<String> = s.watch_rows().iter().map(|x| x.to_string()).collect();
    assert_eq!(rows, ["688256.SS"]);
}

fn click(s: &mut State, col: u16, row: u16) -> Outcome {
    update(s, Msg::Mouse(crate::msg::Mouse { kind: crate::msg::MouseKind::Click, col, row }), t0())
}

fn wheel(s: &mut State, down: bool, col: u16, row: u16) -> Outcome {
    let kind = if down { crate::msg::MouseKind::WheelDown } else { crate::msg::MouseKind::WheelUp };
    update(s, Msg::Mouse(crate::msg::Mouse { kind, col, row }), t0())
}

/// Issue 23: a click selects the row under it and focuses its pane; a click on the selected row
/// of the focused pane opens it.
#[test]
fn a_click_selects_and_a_second_opens() {
    let mut s = loaded();
    let l = s.layout();
    // The third data row of the watchlist: under the border and the column headings.
    let out = click(&mut s, l.watch.x + 3, l.watch.y + 4);
    assert!(out.redraw && out.effects.is_empty());
    assert_eq!((s.focus, selected(&s)), (Focus::Watchlist, s.watch_rows()[2].to_string()));
    assert!(s.detail().is_none());
    click(&mut s, l.watch.x + 3, l.watch.y + 4);
    assert_eq!(s.detail().map(|d| d.symbol.to_string()), Some(s.watch_rows()[2].to_string()), "opened");
    // A headline: the first click focuses the pane and selects it, the second opens its link.
    let mut s = loaded();
    let out = click(&mut s, l.news.x + 5, l.news.y + 2);
    assert_eq!(s.focus, Focus::Headlines);
    assert!(out.effects.is_empty());
    let id = s.news_rows().get(1).unwrap().id.clone();
    assert_eq!(s.news.selected.as_deref(), Some(id.as_str()));
    let out = click(&mut s, l.news.x + 5, l.news.y + 2);
    assert!(out.effects.iter().any(|e| matches!(e, Effect::OpenLink(_))), "{:?}", out.effects);
}

#[test]
fn borders_headings_the_status_bar_and_empty_rows_take_no_click() {
    let mut s = loaded();
    let l = s.layout();
    let before = (s.focus, s.watch.clone(), s.news.clone());
    for (col, row) in [
        (l.watch.x, l.watch.y + 4),            // the left border
        (l.watch.x + 3, l.watch.y),            // the top border
        (l.watch.x + 3, l.watch.y + 1),        // the column headings
        (l.watch.x + 3, l.watch.bottom() - 2), // below the last row
        (5, l.status.y),                       // the status bar
        (5, l.clocks.y),                       // the clocks
    ] {
        let out = click(&mut s, col, row);
        assert!(!out.redraw && out.effects.is_empty(), "({col}, {row})");
    }
    assert_eq!((s.focus, s.watch.clone(), s.news.clone()), before);
}

#[test]
fn the_wheel_scrolls_the_pane_under_the_pointer() {
    let mut s = loaded();
    let l = s.layout();
    assert_eq!(s.focus, Focus::Watchlist);
    wheel(&mut s, true, l.news.x + 5, l.news.y + 3);
    assert_eq!(s.news.offset, 3, "the headlines scroll, though the watchlist has the focus");
    assert_eq!(s.focus, Focus::Watchlist);
    wheel(&mut s, true, l.news.x + 5, l.news.y + 3);
    wheel(&mut s, false, l.news.x + 5, l.news.y + 3);
    assert_eq!(s.news.offset, 3);
    // A short list does not scroll past its end.
    for _ in 0..10 {
        wheel(&mut s, true, l.watch.x + 5, l.watch.y + 3);
    }
    assert_eq!(s.watch.offset, s.watch_rows().len().saturating_sub(s.watch_page()));
}

#[test]
fn tabs_and_range_labels_switch_on_a_click() {
    let mut s = loaded();
    let l = s.layout();
    let tabs = s.tabs(l.tabs).unwrap();
    let out = click(&mut s, tabs[2].area.x + 2, 0);
    assert_eq!(s.group, 2);
    assert!(out.effects.contains(&Effect::Replan));
    press(&mut s, Key::plain(KeyCode::Enter));
    assert!(s.detail().is_some());
    let ranges = super::layout::range_areas(l.detail());
    let (range, _, at) = &ranges[3];
    click(&mut s, at.x + 1, at.y);
    assert_eq!(s.detail().unwrap().range, *range);
    // A tab while the chart is up: the chart closes and the group switches.
    click(&mut s, tabs[0].area.x + 2, 0);
    assert!(s.detail().is_none());
    assert_eq!(s.group, 0);
}

#[test]
fn a_click_outside_an_overlay_closes_it_inside_does_not() {
    let mut s = loaded();
    let l = s.layout();
    ch(&mut s, '?');
    let b = s.overlay_box(&l).unwrap();
    click(&mut s, b.x + 2, b.y + 2);
    assert!(s.help_open(), "inside");
    wheel(&mut s, true, b.x + 2, b.y + 2);
    click(&mut s, 0, l.status.y);
    assert!(!s.help_open(), "outside");
    // The add prompt's candidates: a click picks, a click on the pick adds it.
    ch(&mut s, 'a');
    type_in(&mut s, "smic");
    let b = s.overlay_box(&l).unwrap();
    click(&mut s, b.x + 4, b.y + 2);
    assert_eq!(s.search().unwrap().selected, 1);
    let out = click(&mut s, b.x + 4, b.y + 2);
    assert!(
        matches!(out.effects.first(), Some(Effect::AddSymbols { symbols, .. }) if symbols == &[sym("688981.SS")])
    );
    assert!(s.search().is_none());
}

/// Issue 27, item 1: the rates of the held currencies are in the first plan, with the group in
/// view, until this run has them; then they go with the slow batch.
#[test]
fn exchange_rates_are_asked_with_the_first_prices_then_slowly() {
    let cfg = crate::config::parse_str(
        "[[groups]]\nname = \"A\"\nsymbols = [\"NVDA\"]\n[[groups]]\nname = \"B\"\nsymbols = [\"0981.HK\"]\n\
         [[positions]]\nsymbol = \"0981.HK\"\nquantity = 1000\nunit_cost = 60\n",
        "c.toml",
    )
    .unwrap();
    let mut s = State::new(cfg, false, t0());
    update(&mut s, Msg::Resize(120, 35), t0());
    let hkd = sym("HKDUSD=X");
    let plan = s.plan(0);
    assert!(plan.fast.contains(&hkd), "asked at once, though its holding is not in view: {plan:?}");
    // The rate comes: from now on it is refreshed with the rest, not the group in view.
    let demo = DemoMarket::new(1, Arc::new(FixedClock(t0())), &s.config);
    let results = vec![
        (sym("0981.HK"), Ok(demo.quote(&sym("0981.HK"), t0()))),
        (hkd.clone(), Ok(demo.quote(&hkd, t0()))),
    ];
    let generation = s.generation;
    let out = update(
        &mut s,
        data(generation, DataKind::Quotes { source: "demo".into(), note: None, results }),
        t0(),
    );
    assert!(out.effects.contains(&Effect::Replan));
    let plan = s.plan(0);
    assert!(!plan.fast.contains(&hkd) && plan.slow.contains(&hkd), "{plan:?}");
    assert_eq!(s.fx_cached_since(), None);
}

/// Unreadable stream frames (issue 27, item 5): counted from the connection, named from
/// `UNREADABLE_SHOWN` on (a redraw when that changes what the bar says), and never while
/// reconnecting.
#[test]
fn unreadable_frames_count_from_the_connection() {
    use crate::market::stream::StreamEvent;
    use stream::UNREADABLE_SHOWN;
    let mut s = us_streaming();
    let out = stream(&mut s, StreamEvent::Undecodable { total: UNREADABLE_SHOWN - 1 }, t0());
    assert!(!out.redraw, "a few: nothing to say yet");
    assert_eq!(s.stream.unreadable_shown(), None);
    let out = stream(&mut s, StreamEvent::Undecodable { total: UNREADABLE_SHOWN }, t0());
    assert!(out.redraw, "now the status bar says it");
    assert_eq!(s.stream.unreadable_shown(), Some(UNREADABLE_SHOWN));
    let out = stream(&mut s, StreamEvent::Undecodable { total: UNREADABLE_SHOWN + 1 }, t0());
    assert!(out.redraw, "the count it shows moved");

    let lost =
        StreamEvent::Reconnecting { retry_in: std::time::Duration::from_secs(8), error: "reset".into() };
    stream(&mut s, lost, t0());
    assert_eq!(s.stream.unreadable_shown(), None, "reconnecting says why instead");
    connected(&mut s);
    assert_eq!(s.stream.unreadable(), 0, "a new connection counts from none");
    assert_eq!(s.stream.undecodable, UNREADABLE_SHOWN + 1, "the total since the start is kept");
    stream(&mut s, StreamEvent::Undecodable { total: 2 * UNREADABLE_SHOWN }, t0());
    assert_eq!((s.stream.unreadable(), s.stream.unreadable_shown()), (UNREADABLE_SHOWN - 1, None));
    stream(&mut s, StreamEvent::Undecodable { total: 2 * UNREADABLE_SHOWN + 1 }, t0());
    assert_eq!(s.stream.unreadable_shown(), Some(UNREADABLE_SHOWN));
}

mod compare;

/// The detail view's day chart asks for five days of bars too when a headline about the symbol is
/// older than the day's first bar, so its move since can be shown; the finest series that reaches
/// back to a headline gives its move.
#[test]
fn older_headlines_in_the_detail_view_ask_for_five_days() {
    let mut s = loaded();
    s.open_detail(sym("NVDA"));
    let series = |first: DateTime<Utc>, prices: [f64; 2]| crate::market::series::Series {
        symbol: sym("NVDA"),
        points: vec![(first, prices[0]), (t0(), prices[1])],
        previous_close: None,
        currency: None,
    };
    let answer = |s: &mut State, range, x| {
        let generation = s.generation;
        update(s, Msg::Series { generation, symbol: sym("NVDA"), range, result: Ok(x) }, t0());
    };
    let d = s.detail().unwrap().clone();
    let oldest = s.detail_headlines(&d).filter_map(|h| h.published).min().unwrap();
    // The day starts after the oldest headline: five days are wanted.
    answer(&mut s, ChartRange::D1, series(oldest + chrono::Duration::minutes(1), [100.0, 110.0]));
    assert_eq!(s.wanted_series(), vec![(sym("NVDA"), ChartRange::D5)]);
    assert_eq!(s.move_since(&sym("NVDA"), Some(oldest)), None, "the day does not reach back");
    answer(&mut s, ChartRange::D5, series(oldest - chrono::Duration::days(3), [80.0, 120.0]));
    assert!(s.wanted_series().is_empty(), "both fresh");
    assert_eq!(s.move_since(&sym("NVDA"), Some(oldest)), Some(50.0), "80 → 120 over five days");
    // A day that reaches back to every headline needs no more.
    let mut s = loaded();
    s.open_detail(sym("NVDA"));
    answer(&mut s, ChartRange::D1, series(oldest, [100.0, 110.0]));
    assert!(s.wanted_series().is_empty());
    let m = s.move_since(&sym("NVDA"), Some(oldest)).unwrap();
    assert!((m - 10.0).abs() < 1e-9, "{m}");
}
