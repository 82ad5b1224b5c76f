//! End to end: the config file edited under a running app (by hand, by `a`/`d`, by `e`).
#![cfg(unix)]

use crate::common;

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::time::{Duration, Instant};

use common::pty::*;
use tempfile::TempDir;

const START: &str = "# my chip watchlist\nrefresh_secs = 5\n\n# the US names\n[[groups]]\nname = \"US\"\nsymbols = [\"NVDA\", \"AMD\"] # core\n";

/// The app on the demo market with `script` (written to `editor`) as its `$EDITOR`, showing the US group.
fn with_editor(home: TempDir, cfg: &str, editor: &Path, script: &str) -> Tui {
    std::fs::write(editor, script).unwrap();
    std::fs::set_permissions(editor, std::fs::Permissions::from_mode(0o755)).unwrap();
    let editor = editor.to_str().unwrap().to_string();
    let tui = Tui::start_in(
        home,
        &["--demo", "--config", cfg, "--fake-now", "2026-11-24T15:00:00Z"],
        &[("EDITOR", editor.as_str())],
    );
    tui.wait_for("the US group", |s| find(s, " 1 US ").is_some());
    tui
}

fn setup() -> (TempDir, String) {
    let home = TempDir::new().unwrap();
    let cfg = home.path().join("config.toml");
    std::fs::write(&cfg, START).unwrap();
    (home, cfg.to_str().unwrap().to_string())
}

fn nvda_price(s: &vt100::Screen) -> Option<String> {
    let (r, _) = find(s, "NVDA")?;
    line(s, r).split_whitespace().nth(2).map(str::to_string)
}

#[test]
fn edits_on_disk_apply_while_running() {
    let (home, cfg) = setup();
    let mut tui =
        Tui::start_in(home, &["--demo", "--config", &cfg, "--fake-now", "2026-11-24T15:00:00Z"], &[]);
    tui.wait_for("the US group", |s| {
        find(s, " 1 US ").is_some() && nvda_price(s).is_some_and(|p| p.contains('.'))
    });

    // A new group saved from outside shows as a tab (the watcher looks every 500 ms).
    std::fs::write(&cfg, format!("{START}\n[[groups]]\nname = \"Asia\"\nsymbols = [\"0981.HK\"]\n")).unwrap();
    tui.wait_for("the new tab", |s| find(s, " 2 Asia ").is_some());

    // A broken save: the error shows, the last good config keeps running and prices keep moving.
    let before = tui.with_screen(nvda_price).unwrap();
    std::fs::write(&cfg, "refresh_secs = 1\n").unwrap();
    tui.wait_for("the config error", |s| {
        status_line(s).contains("config:") && status_line(s).contains(":1:16")
    });
    tui.wait_for("prices still updating", |s| nvda_price(s).is_some_and(|p| p != before));
    tui.with_screen(|s| assert!(find(s, " 2 Asia ").is_some(), "the last good config stays:\n{}", dump(s)));

    // Fixed: the error goes.
    std::fs::write(&cfg, START).unwrap();
    tui.wait_for("the error cleared", |s| {
        !status_line(s).contains("config:") && find(s, " 2 Asia ").is_none()
    });

    // `a` + symbols + Enter: written into the file, comments kept, and on screen.
    tui.press("a");
    tui.wait_for("the add prompt", |s| status_line(s).contains("add to US:"));
    tui.press("tsm, mu\r");
    let text = wait_file(&cfg, "TSM and MU", |t| t.contains("\"TSM\"") && t.contains("\"MU\""));
    assert!(text.starts_with("# my chip watchlist\nrefresh_secs = 5\n\n# the US names\n"), "{text}");
    assert!(text.contains("# core"), "the trailing comment stays: {text}");
    tui.wait_for("TSM in the list", |s| find(s, "TSM").is_some() && status_line(s).contains("added TSM"));

    // `d` `y` on the selected row (NVDA, the first) takes it out.
    tui.press("d");
    tui.wait_for("the question", |s| status_line(s).contains("remove NVDA from US? y/n"));
    tui.press("y");
    let text = wait_file(&cfg, "NVDA gone", |t| !t.contains("NVDA"));
    assert!(text.contains("# my chip watchlist") && text.contains("\"AMD\""), "{text}");
    tui.wait_for("NVDA gone from the watchlist", |s| (3..ROWS - 1).all(|r| !line(s, r).starts_with("│NVDA")));

    tui.press("q");
    assert!(tui.wait_exit().success());
}

#[test]
fn e_runs_the_editor_and_comes_back_with_its_change() {
    let (home, cfg) = setup();
    let editor = home.path().join("editor.sh");
    // The "editor": appends a group with a new symbol, as a person would type it.
    let mut tui = with_editor(
        home,
        &cfg,
        &editor,
        "#!/bin/sh\nprintf '\\n[[groups]]\\nname = \"Edited\"\\nsymbols = [\"ASML\"]\\n' >> \"$1\"\n",
    );
    tui.press("e");
    tui.wait_for("the new group after the editor, the mouse taken again", |s| {
        s.alternate_screen() && find(s, " 2 Edited ").is_some() && mouse_on(s)
    });
    tui.press("2");
    tui.wait_for("its symbol", |s| find(s, "ASML").is_some());
    assert!(std::fs::read_to_string(Path::new(&cfg)).unwrap().contains("# my chip watchlist"));
    tui.press("q");
    assert!(tui.wait_exit().success());
}

/// SIGTERM or SIGHUP while the editor runs: the app does not wait for the editor to be closed by
/// hand. The editor is hung up on (SIGHUP, so it keeps unsaved work for recovery), the terminal
/// comes back, and the app exits cleanly.
#[test]
fn a_signal_during_the_editor_hangs_it_up_and_exits() {
    for (sig, name) in [(libc::SIGTERM, "TERM"), (libc::SIGHUP, "HUP")] {
        let (home, cfg) = setup();
        let signals = home.path().join("signals.txt");
        let editor = home.path().join("editor.sh");
        // An editor the user is still typing in: it only ends when told to.
        let script = format!(
            "#!/bin/sh\nlog='{log}'\ntrap 'echo hup >> \"$log\"; kill $!; exit 1' HUP\n\
             echo started >> \"$log\"\nsleep 60 &\nwait\n",
            log = signals.display()
        );
        let mut tui = with_editor(home, &cfg, &editor, &script);
        tui.with_screen(|s| assert!(mouse_on(s), "the app takes the mouse"));
        tui.press("e");
        let deadline = Instant::now() + Duration::from_secs(10);
        while !std::fs::read_to_string(&signals).unwrap_or_default().contains("started") {
            assert!(Instant::now() < deadline, "the editor never started");
            std::thread::sleep(Duration::from_millis(25));
        }
        // The editor gets the terminal as the shell had it: its clicks are its own.
        tui.with_screen(|s| {
            assert!(!mouse_on(s) && !s.alternate_screen(), "SIG{name}: the mouse is the editor's")
        });
        tui.signal(sig);
        let status = tui.wait_exit();
        assert!(status.success(), "SIG{name}: a clean exit, got {status:?}");
        assert_eq!(
            std::fs::read_to_string(&signals).unwrap(),
            "started\nhup\n",
            "SIG{name}: the editor was hung up on"
        );
        assert!(!tui.with_screen(|s| s.alternate_screen()), "SIG{name}: the terminal is back");
    }
}
