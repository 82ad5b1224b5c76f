//! End to end with the on-disk cache: a restart with the network gone shows the last data at once,
//! marked stale; read marks survive; SIGHUP saves and gives the terminal back in cooked mode.
#![cfg(unix)]

use crate::common;

use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use chiptape::market::{Headline, Quote, Symbol};
use chiptape::store::cache::{Cache, CachedQuote, Contents, SCHEMA};
use common::pty::*;
use tempfile::TempDir;

const NOW: &str = "2026-11-24T15:00:00Z";

/// A server that accepts connections and never answers.
fn silent_server() -> (std::net::TcpListener, u16) {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    (l, port)
}

fn story(n: u32) -> Headline {
    let link = format!("https://news.example.com/smic-{n}");
    let title = format!("SMIC cached story number {n}");
    Headline {
        id: chiptape::market::news::identity(&link, &title),
        title,
        link,
        source: "Wire".into(),
        published: Some(format!("2026-11-24T1{n}:00:00Z").parse().unwrap()),
        symbols: vec![Symbol::parse("0981.HK").unwrap()],
        feed: "Chip wire".into(),
        also_in: vec![],
        feed_id: String::new(),
        also_in_ids: vec![],
        summary: None,
        guid: None,
        kind: chiptape::market::HeadlineKind::News,
        form: None,
    }
}

/// A place that outlives each run: the config pointing every source at `port`, a cache from three
/// hours ago in its data dir, and an opener that records nothing.
fn warm_place(port: u16) -> TempDir {
    let place = TempDir::new().unwrap();
    std::fs::write(
        place.path().join("c.toml"),
        format!(
            "[provider]\nquery_url = \"http://127.0.0.1:{port}\"\ncookie_url = \"http://127.0.0.1:{port}/cookie\"\nstream = false\nmainland = \"yahoo\"\nquotes = [\"yahoo\"]\n\n\
             [[groups]]\nname = \"Watch\"\nsymbols = [\"0981.HK\", \"NVDA\"]\n\n\
             [filings]\nsec = false\nfederal_register = false\nhkex = false\ncninfo = false\n\n[news]\nyahoo_symbols = false\n\n[[news.feeds]]\nname = \"Chip wire\"\nurl = \"http://127.0.0.1:{port}/feed.xml\"\n"
        ),
    )
    .unwrap();
    let smic = Quote { symbol: Symbol::parse("0981.HK").unwrap(), price: Some(72.35), ..Quote::default() };
    let contents = Contents {
        schema: SCHEMA,
        saved_at: Some("2026-11-24T12:00:05Z".parse().unwrap()),
        quotes: vec![CachedQuote::new(&smic, "2026-11-24T12:00:00Z".parse().unwrap())],
        headlines: vec![story(2), story(1)],
        read: vec![],
        series: vec![],
        ..Contents::default()
    };
    cache(place.path()).save(&contents).unwrap();
    let opener = place.path().join("opener.sh");
    std::fs::write(&opener, "#!/bin/sh\nexit 0\n").unwrap();
    std::fs::set_permissions(&opener, std::fs::Permissions::from_mode(0o755)).unwrap();
    place
}

/// Where the app keeps its cache, with `XDG_DATA_HOME` at `place/data`.
fn cache(place: &Path) -> Cache {
    Cache::at(place.join("data/chiptape/cache.json"))
}

/// The app with its data dir (and config, and opener) in `place`, everything else private.
fn start(place: &Path) -> Tui {
    let cfg = place.join("c.toml").to_str().unwrap().to_string();
    let data = place.join("data").to_str().unwrap().to_string();
    let opener = place.join("opener.sh").to_str().unwrap().to_string();
    Tui::start_in(
        TempDir::new().unwrap(),
        &["--config", &cfg, "--fake-now", NOW],
        &[("XDG_DATA_HOME", data.as_str()), ("CHIPTAPE_OPENER", opener.as_str())],
    )
}

fn row(s: &vt100::Screen) -> String {
    find(s, "0981.HK").map(|(r, _)| line(s, r)).unwrap_or_default()
}

/// Offline, with a warm cache: the last prices and headlines are on screen though the server never
/// answers, each price marked with its age; a headline read stays read after a restart; SIGHUP saves
/// and gives the terminal back in cooked mode.
#[test]
fn a_restart_offline_shows_the_cache_keeps_read_marks_and_sighup_saves() {
    let (_server, port) = silent_server();
    let place = warm_place(port);
    let mut tui = start(place.path());
    tui.wait_for("the cached price with its age, and the cached headlines", |s| {
        let r = row(s);
        r.contains("72.35")
            && r.contains("old 3h")
            && r.contains("●2")
            && find(s, "SMIC cached story number 2").is_some()
    });

    tui.press("\t");
    tui.press("o");
    tui.wait_for("one headline read", |s| row(s).contains("●1"));

    // The pane closes: the cache is saved and the terminal handed back in cooked mode.
    tui.signal(libc::SIGHUP);
    assert!(tui.wait_exit().success());
    assert!(!tui.with_screen(|s| s.alternate_screen()));
    assert!(tui.cooked(), "the terminal is back in cooked mode");
    let saved = cache(place.path()).load();
    assert_eq!(saved.read.len(), 1, "the read mark was saved");
    assert_eq!(saved.quotes.len(), 1);
    drop(tui);

    // Started again, still offline: the same data, and the headline still read.
    let mut again = start(place.path());
    again.wait_for("the cache again, one unread", |s| row(s).contains("72.35") && row(s).contains("●1"));
    again.press("q");
    assert!(again.wait_exit().success());
}

/// SIGTERM while a prompt holds the keyboard: the app still quits, saves the cache and hands the
/// terminal back.
#[test]
fn sigterm_with_a_prompt_open_saves_and_restores() {
    let (_server, port) = silent_server();
    let place = warm_place(port);
    std::fs::remove_file(cache(place.path()).path()).unwrap();
    let mut tui = start(place.path());
    tui.wait_for("the screen", |s| find(s, "0981.HK").is_some());
    tui.press("a");
    tui.wait_for("the add prompt", |s| status_line(s).contains("add to Watch:"));
    tui.signal(libc::SIGTERM);
    assert!(tui.wait_exit().success());
    assert!(!tui.with_screen(|s| s.alternate_screen()) && tui.cooked());
    assert!(cache(place.path()).path().exists(), "saved on the way out");
}
