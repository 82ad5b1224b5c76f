//! End to end, issue 22: the comparison chart in the real binary, in a pseudo-terminal.
#![cfg(unix)]

use crate::common;

use std::time::{Duration, Instant};

use common::pty::*;
use vt100::{Color, Screen};

const NOW: &str = "2026-11-24T15:00:00Z";
const GROUPS: [&str; 4] = ["China AI chips", "China cloud & models", "US AI chips", "Cloud"];

/// Every group's line in the legend with its figure: the chart is drawn from every member.
fn complete(s: &Screen) -> bool {
    find(s, "Compare · groups as baskets").is_some()
        && find(s, "loading").is_none()
        && GROUPS.iter().all(|g| {
            (3..u16::from(s.size().0)).any(|r| {
                let l = line(s, r);
                l.contains(&format!(" {g} +")) || l.contains(&format!(" {g} -"))
            })
        })
}

fn selected_range(s: &Screen) -> Option<&'static str> {
    ["1D", "5D", "1M", "6M", "YTD", "1Y", "5Y"].into_iter().find(|r| {
        find_from(s, 3, &format!(" {r} ")).is_some_and(|at| bg(s, (at.0, at.1 + 1)) != Color::Default)
    })
}

/// `c` draws the groups as baskets, the ranges switch, `Esc` returns; drawn again from the series
/// it has, the chart is back at once (well within a second).
#[test]
fn c_draws_the_comparison_ranges_switch_and_esc_returns() {
    let mut tui = Tui::start(&["--demo", "--fake-now", NOW]);
    tui.resize(35, 120);
    tui.wait_for("the watchlist", |s| find(s, "0981.HK").is_some() && line(s, 34).contains("? help"));
    tui.press("c");
    tui.wait_for("every group's line", complete);
    tui.with_screen(|s| assert_eq!(selected_range(s), Some("1D"), "{}", dump(s)));
    tui.press("4");
    tui.wait_for("the 6M range, every line", |s| selected_range(s) == Some("6M") && complete(s));
    tui.press("l");
    tui.wait_for("YTD", |s| selected_range(s) == Some("YTD") && complete(s));
    tui.escape("back to the list", |s| find(s, "Compare ·").is_none() && find(s, "0981.HK").is_some());
    let asked = Instant::now();
    tui.press("c");
    tui.wait_for("the chart again, from the series in hand", complete);
    let took = asked.elapsed();
    assert!(took < Duration::from_secs(1), "the chart took {took:?} with its series in hand");
    // Marks: space on a row, then c draws the marked rows.
    tui.escape("back to the list", |s| find(s, "Compare ·").is_none());
    tui.press(" ");
    tui.wait_for("the row marked", |s| find(s, "•0981.HK").is_some());
    tui.press("c");
    tui.wait_for("the marked row's line", |s| {
        find(s, "Compare · marked rows").is_some()
            && (3..34).any(|r| line(s, r).contains("0981.HK +") || line(s, r).contains("0981.HK -"))
    });
    tui.press("q");
    tui.press("q");
    assert!(tui.wait_exit().success());
}
