//! End to end: the real binary in a pseudo-terminal, judged by the parsed screen as a person would see it.
//!
//! Every wait polls the screen against a deadline and, on timeout, panics with the screen it saw.
#![cfg(unix)]

use crate::common;

use std::path::{Path, PathBuf};

use common::pty::*;
use tempfile::TempDir;
use vt100::{Color, Screen};

/// Tuesday 15:00 UTC: New York trading, Hong Kong and Shanghai closed; the demo market needs no network.
const DEMO: [&str; 3] = ["--demo", "--fake-now", "2026-11-24T15:00:00Z"];

/// The panes' top-left corners on the first body row: the watchlist's, then the headlines'.
fn pane_corners(screen: &Screen) -> Vec<(u16, u16)> {
    (0..COLS)
        .filter(|&c| screen.cell(2, c).is_some_and(|cell| cell.contents() == "┌"))
        .map(|c| (2, c))
        .collect()
}

/// Border colours of (watchlist, headlines).
fn border_colours(screen: &Screen) -> (Color, Color) {
    let corners = pane_corners(screen);
    assert_eq!(corners.len(), 2, "expected two panes side by side:\n{}", dump(screen));
    (fg(screen, corners[0]), fg(screen, corners[1]))
}

/// A watchlist row for `symbol` (below the tabs) with a price in it; `None` while it is still loading.
fn priced_row(screen: &Screen, symbol: &str) -> Option<(u16, u16)> {
    let at = find_from(screen, 2, symbol)?;
    let watch_width = pane_corners(screen).get(1)?.1;
    let row = text_at(screen, at.0, 0, watch_width);
    let priced = row.split_whitespace().any(|t| t.contains('.') && t.parse::<f64>().is_ok_and(|p| p > 0.0));
    priced.then_some(at)
}

/// The help popup's inner lines, found by its title.
fn popup_lines(screen: &Screen) -> Option<Vec<String>> {
    let (top, title) = find(screen, "keys · Esc closes")?;
    let left = (0..title).rev().find(|&c| screen.cell(top, c).is_some_and(|x| x.contents() == "┌"))?;
    let right = (title..COLS).find(|&c| screen.cell(top, c).is_some_and(|x| x.contents() == "┐"))?;
    let bottom = (top + 1..ROWS).find(|&r| screen.cell(r, left).is_some_and(|x| x.contents() == "└"))?;
    Some((top + 1..bottom).map(|r| text_at(screen, r, left + 1, right - left - 1)).collect())
}

/// Start the demo and wait until the first group has prices.
fn start_demo() -> Tui {
    let tui = Tui::start(&DEMO);
    tui.wait_for("the first group with prices", |s| {
        s.alternate_screen() && priced_row(s, "0981.HK").is_some()
    });
    tui
}

/// The size is kept between frames and asked again on a resize (or after a second): a resize must
/// still be seen, growing and shrinking, even in quick succession, and frames then fill the new size
/// (the headline pane's corner moves with the width).
#[test]
fn resizing_the_terminal_redraws_at_the_new_size() {
    let mut tui = start_demo();
    let corner_at = |s: &Screen, cols: u16| {
        (0..cols).filter(|&c| s.cell(2, c).is_some_and(|x| x.contents() == "┐")).max()
    };
    tui.with_screen(|s| assert_eq!(corner_at(s, COLS), Some(COLS - 1), "{}", dump(s)));
    for (rows, cols) in [(40, 160), (24, 80), (ROWS, COLS)] {
        tui.resize(rows, cols);
        tui.wait_for(&format!("the frame at {cols}x{rows}"), |s| {
            corner_at(s, cols) == Some(cols - 1)
                && (0..cols).any(|c| s.cell(rows - 1, c).is_some_and(|x| !x.contents().trim().is_empty()))
        });
        // Keys still draw at the new size.
        tui.press("j");
        tui.with_screen(|s| assert_eq!(corner_at(s, cols), Some(cols - 1), "{}", dump(s)));
    }
    tui.press("q");
    assert!(tui.wait_exit().success());
}

#[test]
fn keys_drive_the_screen_and_q_quits() {
    let mut tui = start_demo();
    tui.wait_for("the headlines", |s| {
        let Some((row, col)) = find_from(s, 2, "Headlines") else { return false };
        // Anything but the placeholder on the first row under the title means headlines arrived.
        let first = text_at(s, row + 1, col, COLS - col);
        !first.trim().is_empty() && !first.contains("waiting for headlines")
    });
    let (first, second, sel_bg) = tui.with_screen(|s| {
        let top = line(s, 0);
        assert!(
            top.contains(" 1 China AI chips ") && top.contains(" 2 China cloud & models "),
            "group tabs:\n{}",
            dump(s)
        );
        assert!(status_line(s).starts_with(" DEMO "), "no DEMO badge in the status bar:\n{}", dump(s));
        assert!(line(s, 1).contains("HK 23:00 ○ closed"), "HK clock:\n{}", dump(s));
        assert!(status_line(s).contains("? help  / search  q quit"), "key hints:\n{}", dump(s));
        let first = find_from(s, 2, "0981.HK").unwrap();
        let second = find_from(s, 2, "688981.SS").unwrap();
        assert_eq!(second.0, first.0 + 1, "688981.SS should follow 0981.HK:\n{}", dump(s));
        let sel_bg = bg(s, first);
        assert_ne!(sel_bg, Color::Default, "the first row starts selected:\n{}", dump(s));
        assert_eq!(bg(s, second), Color::Default, "only one row is selected:\n{}", dump(s));
        (first, second, sel_bg)
    });

    tui.press("j");
    tui.wait_for("the selection on 688981.SS", |s| bg(s, second) == sel_bg && bg(s, first) == Color::Default);

    let (watch_focused, news_unfocused) = tui.with_screen(border_colours);
    assert_ne!(watch_focused, news_unfocused, "the focused pane's border stands out");
    let news_x = tui.with_screen(|s| pane_corners(s)[1].1);
    tui.press("\t");
    tui.wait_for("focus on the headlines", |s| {
        let news_selected = (3..ROWS - 2).any(|r| bg(s, (r, news_x + 1)) == sel_bg);
        border_colours(s) == (news_unfocused, watch_focused) && news_selected && bg(s, second) != sel_bg
    });
    tui.press("\t");
    tui.wait_for("focus back on the watchlist", |s| {
        border_colours(s) == (watch_focused, news_unfocused) && bg(s, second) == sel_bg
    });

    tui.press("]");
    tui.wait_for("the second group", |s| {
        let Some(tab2) = find(s, " 2 China cloud & models ") else { return false };
        let tab1 = find(s, " 1 China AI chips ").expect("first tab");
        priced_row(s, "9988.HK").is_some()
            && find(s, "0981.HK").is_none()
            && bg(s, tab2) != Color::Default
            && bg(s, tab1) == Color::Default
    });

    tui.press("?");
    tui.wait_for("the help popup listing quit", |s| {
        popup_lines(s).is_some_and(|lines| lines.iter().any(|l| l.contains("quit")))
    });
    tui.escape("the help popup to close", |s| find(s, "keys · Esc closes").is_none());

    tui.press("/");
    tui.wait_for("the search prompt", |s| status_line(s).contains("/▏"));
    tui.press("qnv");
    tui.wait_for("the search text, not a quit", |s| {
        status_line(s).contains("/qnv▏") && find(s, "no symbol matches \"qnv\"").is_some()
    });
    assert!(tui.running(), "typing q into the search prompt quit the app");
    tui.escape("the search to clear", |s| {
        !status_line(s).contains("/qnv")
            && status_line(s).contains("q quit")
            && priced_row(s, "9988.HK").is_some()
    });

    tui.press("q");
    let status = tui.wait_exit();
    assert!(status.success(), "q should exit 0, got {status:?}");
    tui.with_screen(|s| assert!(!s.alternate_screen(), "the alternate screen was not left:\n{}", dump(s)));
}

fn signal_exits_cleanly(sig: libc::c_int) {
    let mut tui = start_demo();
    tui.signal(sig);
    let status = tui.wait_exit();
    assert!(status.success(), "signal {sig} should end the app with 0, got {status:?}");
    tui.with_screen(|s| assert!(!s.alternate_screen(), "the alternate screen was not left:\n{}", dump(s)));
}

#[test]
fn sigterm_exits_cleanly() {
    signal_exits_cleanly(libc::SIGTERM);
}

#[test]
fn sighup_exits_cleanly() {
    signal_exits_cleanly(libc::SIGHUP);
}

#[test]
fn sigquit_exits_cleanly() {
    signal_exits_cleanly(libc::SIGQUIT);
}

#[test]
fn sigint_from_outside_exits_cleanly() {
    signal_exits_cleanly(libc::SIGINT);
}

/// Any other signal that would end the process is caught too: the terminal is restored, and the exit
/// code says which signal it was (128 + its number). SIGUSR1 and SIGALRM used to leave a raw terminal
/// in the alternate screen.
#[test]
fn other_terminating_signals_restore_the_terminal() {
    for sig in [libc::SIGUSR1, libc::SIGALRM, libc::SIGRTMIN() + 3] {
        let mut tui = start_demo();
        tui.signal(sig);
        let status = tui.wait_exit();
        assert_eq!(status.exit_code(), 128 + sig as u32, "signal {sig}: {status:?}");
        tui.with_screen(|s| {
            assert!(!s.alternate_screen(), "signal {sig}: the alternate screen was not left:\n{}", dump(s));
            assert!(!s.hide_cursor(), "signal {sig}: the cursor is still hidden");
        });
    }
}

/// A panic in a spawned task (here the refresh task) must not leave a half-alive UI or a raw terminal.
#[test]
fn panic_in_a_task_restores_the_terminal_and_exits_non_zero() {
    let home = TempDir::new().expect("temp dir");
    let args: Vec<&str> = DEMO.iter().copied().chain(["--panic-for-test"]).collect();
    let mut tui = Tui::start_in(home, &args, &[]);
    let status = tui.wait_exit();
    assert!(!status.success(), "a panic must exit non-zero, got {status:?}");
    tui.with_screen(|s| {
        assert!(!s.alternate_screen(), "the alternate screen was not left:\n{}", dump(s));
        assert!(!mouse_on(s), "the mouse was left reporting:\n{}", dump(s));
        assert!(s.contents().contains("--panic-for-test"), "the panic is reported:\n{}", dump(s));
    });
    assert!(tui.saw_mouse(), "the mouse was taken before the panic");
    // The log is flushed before the hook exits (process::exit runs no destructors).
    let log = std::fs::read_to_string(tui.home().join("state/chiptape/chiptape.log")).unwrap_or_default();
    assert!(log.contains("panic:") && log.contains("--panic-for-test"), "the log says why: {log:?}");
}

/// A config the app rejects: `refresh_secs` below the minimum, at line 1, column 16.
fn bad_config(home: &Path) -> PathBuf {
    let path = home.join("bad.toml");
    std::fs::write(&path, "refresh_secs = 1\n").expect("write config");
    path
}

#[test]
fn config_error_exits_2_without_touching_the_terminal() {
    let home = TempDir::new().expect("temp dir");
    let config = bad_config(home.path());
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_chiptape"))
        .args(DEMO)
        .arg("--config")
        .arg(&config)
        .env_clear()
        .envs(private_env(home.path()))
        .current_dir(home.path())
        .stdin(std::process::Stdio::null())
        .output()
        .expect("run chiptape");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "stderr: {stderr}");
    assert!(out.stdout.is_empty(), "stdout: {:?}", String::from_utf8_lossy(&out.stdout));
    let where_ = format!("{}:1:16", config.display());
    assert!(stderr.contains(&where_) && stderr.contains("refresh_secs"), "stderr: {stderr}");
}

#[test]
fn config_error_in_a_pty_never_enters_the_alternate_screen() {
    let home = TempDir::new().expect("temp dir");
    let config = bad_config(home.path());
    let mut args: Vec<&str> = DEMO.to_vec();
    let config_arg = config.to_str().expect("utf-8 temp path");
    args.extend(["--config", config_arg]);
    let mut tui = Tui::start_in(home, &args, &[]);
    let status = tui.wait_exit();
    assert_eq!(status.exit_code(), 2, "{status:?}; screen:\n{}", tui.with_screen(dump));
    let where_ = format!("{config_arg}:1:16");
    tui.with_screen(|s| {
        let text = s.contents();
        assert!(text.contains(&where_) && text.contains("refresh_secs"), "{}", dump(s));
    });
    assert!(!tui.saw_alternate(), "the alternate screen was entered");
}

/// Enter opens the chart of the selected symbol, `l` changes the range, Esc comes back.
#[test]
fn detail_view_opens_changes_range_and_closes() {
    let mut tui = start_demo();
    tui.press("\r");
    tui.wait_for("the detail view", |s| {
        find(s, "0981.HK · SMIC").is_some() && find(s, "h/l range").is_some()
    });
    tui.wait_for("a chart", |s| find(s, "09:30").is_some() || find(s, "loading chart").is_none());
    let selected_range = |s: &Screen| {
        ["1D", "5D", "1M", "6M", "1Y", "5Y"]
            .into_iter()
            .find(|r| find(s, r).is_some_and(|at| bg(s, at) != Color::Default))
    };
    tui.with_screen(|s| assert_eq!(selected_range(s), Some("1D"), "{}", dump(s)));
    tui.press("l");
    tui.wait_for("the 5D range", |s| selected_range(s) == Some("5D"));
    tui.press("l");
    tui.wait_for("the 1M range", |s| selected_range(s) == Some("1M"));
    tui.escape("back to the list", |s| find(s, "h/l range").is_none() && priced_row(s, "0981.HK").is_some());
    tui.press("q");
    assert!(tui.wait_exit().success());
}

/// The real binary on Lunar New Year's Day: the clocks name the holiday and the detail view says
/// why the market is shut (that prices stand still is shown in `screen.rs` and `cli.rs`).
#[test]
fn a_holiday_is_named_on_the_clocks_and_in_the_detail_view() {
    let mut tui = Tui::start(&["--demo", "--fake-now", "2026-02-17T02:30:00Z"]);
    tui.wait_for("the holiday on the clocks", |s| {
        line(s, 1).contains("○ Lunar New Year's Day") && line(s, 1).contains("○ Spring Festival")
    });
    tui.wait_for("prices", |s| priced_row(s, "0981.HK").is_some());
    tui.press("\r");
    tui.wait_for("the detail view naming the holiday", |s| find(s, "Lunar New Year's Day HKEX").is_some());
    tui.escape("back to the list", |s| find(s, "h/l range").is_none());
    tui.press("q");
    assert!(tui.wait_exit().success());
}
