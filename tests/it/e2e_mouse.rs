//! End to end, issue 23: the real binary in a pseudo-terminal, clicked and scrolled with the SGR
//! mouse sequences a terminal sends; and with `mouse = false`, no mouse mode at all.
#![cfg(unix)]

use crate::common;

use common::pty::*;
use tempfile::TempDir;
use vt100::Color;

const NOW: &str = "2026-11-24T15:00:00Z";

fn demo(rows: u16, cols: u16) -> Tui {
    let tui = Tui::start(&["--demo", "--fake-now", NOW]);
    tui.resize(rows, cols);
    // The headlines in too (an hour-old one shows), so no first batch lands mid-test.
    tui.wait_for("the watchlist and the headlines at this size", |s| {
        line(s, rows - 1).contains("? help")
            && find(s, "688347.SS").is_some()
            && find(s, "0981.HK").is_some()
            && s.contents().contains(" 1h ")
    });
    tui
}

/// Issue 23: at 80x24 and 160x40, a click selects the row under it and a second click opens it.
#[test]
fn a_click_selects_the_row_under_it_and_a_second_opens_it() {
    for (rows, cols) in [(24, 80), (40, 160)] {
        let mut tui = demo(rows, cols);
        let (target, first) =
            tui.with_screen(|s| (find(s, "688347.SS").unwrap(), find(s, "0981.HK").unwrap()));
        tui.wait_for("the first row selected", |s| bg(s, first) != Color::Default);
        tui.click((target.0, target.1 + 3));
        tui.wait_for("the clicked row selected, the first not", |s| {
            bg(s, target) != Color::Default && bg(s, first) == Color::Default
        });
        tui.click((target.0, target.1 + 3));
        tui.wait_for("its detail view", |s| {
            find(s, "h/l range").is_some() && find(s, "Hua Hong (A)").is_some()
        });
        // q closes the detail view first, then quits.
        tui.press("q");
        tui.wait_for("the lists again", |s| find(s, "h/l range").is_none());
        tui.press("q");
        assert!(tui.wait_exit().success(), "{rows}x{cols}");
    }
}

#[test]
fn the_wheel_scrolls_the_headlines_a_tab_and_a_range_switch_on_a_click() {
    let mut tui = demo(35, 120);
    // A headline's title, without its age (which may tick meanwhile), `n` rows under the pane's top.
    let title = tui.with_screen(|s| find(s, " Headlines ").unwrap());
    let headline = |s: &vt100::Screen, n: u16| text_at(s, title.0 + 1 + n, title.1 + 18, 30);
    let (top, seventh) = tui.with_screen(|s| (headline(s, 0), headline(s, 6)));
    // Two notches down over the headlines: six rows further, though the watchlist has the focus.
    tui.wheel((title.0 + 3, title.1 + 5), true);
    tui.wheel((title.0 + 3, title.1 + 5), true);
    tui.wait_for("the headlines six rows further", |s| headline(s, 0) == seventh);
    tui.wheel((title.0 + 3, title.1 + 5), false);
    tui.wheel((title.0 + 3, title.1 + 5), false);
    tui.wait_for("back at the top", |s| headline(s, 0) == top);

    let tab = tui.with_screen(|s| find(s, " 3 US AI chips ").unwrap());
    tui.click((tab.0, tab.1 + 2));
    tui.wait_for("the third group", |s| {
        find(s, "NVDA").is_some() && bg(s, (tab.0, tab.1 + 2)) != Color::Default
    });

    tui.press("\r");
    tui.wait_for("the detail view", |s| find(s, " 4 6M ").is_some());
    let label = tui.with_screen(|s| find(s, " 4 6M ").unwrap());
    tui.wait_for("1D first", |s| bg(s, (label.0, label.1 + 2)) == Color::Default);
    tui.click((label.0, label.1 + 2));
    tui.wait_for("6M picked", |s| bg(s, (label.0, label.1 + 2)) != Color::Default);
    tui.press("q");
    tui.wait_for("the lists again", |s| find(s, "h/l range").is_none());
    tui.press("q");
    assert!(tui.wait_exit().success());
}

/// With the mouse on (the default) the terminal reports presses and the wheel in SGR form while the
/// app runs, and stops when it quits or is told to by a signal; with `mouse = false` it never does.
#[test]
fn mouse_modes_are_set_only_when_wanted_and_restored_on_exit_and_sigterm() {
    for quit in ["q", "TERM"] {
        let mut tui = demo(35, 120);
        tui.with_screen(|s| {
            assert_eq!(s.mouse_protocol_mode(), vt100::MouseProtocolMode::PressRelease, "{}", dump(s));
            assert_eq!(s.mouse_protocol_encoding(), vt100::MouseProtocolEncoding::Sgr);
        });
        if quit == "q" {
            tui.press("q");
        } else {
            tui.signal(libc::SIGTERM);
        }
        assert!(tui.wait_exit().success());
        tui.with_screen(|s| assert!(!mouse_on(s) && !s.alternate_screen(), "{quit}: mouse left on"));
        assert!(tui.cooked());
    }
    let home = TempDir::new().unwrap();
    let cfg = home.path().join("c.toml");
    std::fs::write(&cfg, "mouse = false\n").unwrap();
    let cfg = cfg.to_str().unwrap().to_string();
    let mut tui = Tui::start_in(home, &["--demo", "--config", &cfg, "--fake-now", NOW], &[]);
    tui.wait_for("the watchlist", |s| find(s, "0981.HK").is_some());
    // A click the terminal would not send anyway changes nothing either way; the point is the mode.
    tui.press("q");
    assert!(tui.wait_exit().success());
    assert!(tui.saw_alternate() && !tui.saw_mouse(), "mouse = false turned a mouse mode on");
}
