//! The config file in motion: the watcher sees saves (rewrite and rename-over), refuses broken ones
//! with file:line:col, survives deletion, and a valid change re-plans the refresh at once.

use crate::common::sources::{self, Empty, Prices};

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use chiptape::app::watcher;
use chiptape::app::{Runtime, run};
use chiptape::market::Symbol;
use chiptape::market::clock::ShiftedClock;
use chiptape::msg::Msg;
use chiptape::state::State;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use tokio::sync::mpsc;

const EVERY: Duration = Duration::from_millis(250);
const POLL: watcher::Watch = watcher::Watch { every: EVERY, notify: false };

fn group_file(symbols: &[&str]) -> String {
    let list: Vec<String> = symbols.iter().map(|s| format!("{s:?}")).collect();
    format!("# my watchlist\n[[groups]]\nname = \"Mine\"\nsymbols = [{}]\n", list.join(", "))
}

async fn next_config(rx: &mut mpsc::UnboundedReceiver<Msg>) -> Result<chiptape::config::Config, String> {
    let msg =
        tokio::time::timeout(Duration::from_secs(30), rx.recv()).await.expect("a config message").unwrap();
    match msg {
        Msg::Config(c) => *c,
        other => panic!("unexpected {other:?}"),
    }
}

fn symbols(c: &chiptape::config::Config) -> Vec<String> {
    c.groups[0].symbols.iter().map(|s| s.to_string()).collect()
}

fn start_watcher(path: &Path) -> mpsc::UnboundedReceiver<Msg> {
    let (tx, rx) = mpsc::unbounded_channel();
    let known = watcher::known(path);
    tokio::spawn(watcher::run(path.to_path_buf(), POLL, known, tx));
    rx
}

#[tokio::test(start_paused = true)]
async fn rewrite_rename_broken_fixed_deleted() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("config.toml");
    std::fs::write(&path, group_file(&["NVDA"])).unwrap();
    let mut rx = start_watcher(&path);

    // Saved by rewriting in place.
    std::fs::write(&path, group_file(&["NVDA", "AMD"])).unwrap();
    assert_eq!(symbols(&next_config(&mut rx).await.unwrap()), ["NVDA", "AMD"]);

    // Saved the way vim and most editors do: a new file renamed over the old one.
    let tmp = dir.path().join("config.toml.swp");
    std::fs::write(&tmp, group_file(&["NVDA", "AMD", "0981.HK"])).unwrap();
    std::fs::rename(&tmp, &path).unwrap();
    assert_eq!(symbols(&next_config(&mut rx).await.unwrap()), ["NVDA", "AMD", "0981.HK"]);

    // A broken save: refused, located.
    std::fs::write(&path, "# my watchlist\nrefresh_secs = 1\n").unwrap();
    let err = next_config(&mut rx).await.unwrap_err();
    let name = path.file_name().unwrap().to_string_lossy();
    assert!(err.starts_with(&format!("{name}:2:16")) && err.contains("refresh_secs"), "{err}");

    // Fixed again.
    std::fs::write(&path, group_file(&["TSM"])).unwrap();
    assert_eq!(symbols(&next_config(&mut rx).await.unwrap()), ["TSM"]);

    // Deleted: said once, nothing else breaks; a new file is picked up.
    std::fs::remove_file(&path).unwrap();
    assert!(next_config(&mut rx).await.unwrap_err().contains("deleted"));
    std::fs::write(&path, group_file(&["MU"])).unwrap();
    assert_eq!(symbols(&next_config(&mut rx).await.unwrap()), ["MU"]);
}

/// Told by the kernel, the watcher sees a save at once (rewritten in place, or renamed over the
/// file), though it looks on its own only once an hour. Real time: the kernel's word is real I/O.
#[cfg(target_os = "linux")]
#[tokio::test]
async fn a_save_is_seen_at_once_when_the_kernel_tells() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("config.toml");
    std::fs::write(&path, group_file(&["NVDA"])).unwrap();
    let (tx, mut rx) = mpsc::unbounded_channel();
    let hourly = watcher::Watch { every: Duration::from_secs(3600), notify: true };
    tokio::spawn(watcher::run(path.to_path_buf(), hourly, watcher::known(&path), tx));
    // Another file in the directory is no save.
    std::fs::write(dir.path().join("notes.txt"), "x").unwrap();
    std::fs::write(&path, group_file(&["NVDA", "AMD"])).unwrap();
    assert_eq!(symbols(&next_config(&mut rx).await.unwrap()), ["NVDA", "AMD"]);
    let tmp = dir.path().join("config.toml.swp");
    std::fs::write(&tmp, group_file(&["TSM"])).unwrap();
    std::fs::rename(&tmp, &path).unwrap();
    assert_eq!(symbols(&next_config(&mut rx).await.unwrap()), ["TSM"]);
}

/// `a` writes the file; a save lands right after, with the same size and the same modification
/// time (a coarse clock, or an editor that keeps times). It is reloaded, and our own write is not
/// applied a second time by the watcher.
#[tokio::test(start_paused = true)]
async fn a_save_right_after_our_own_write_is_reloaded() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("config.toml");
    std::fs::write(&path, group_file(&["NVDA"])).unwrap();
    let (tx, mut rx) = mpsc::unbounded_channel();
    let known = watcher::known(&path);
    tokio::spawn(watcher::run(path.to_path_buf(), POLL, known.clone(), tx));
    let (inbox, mut applied) = mpsc::unbounded_channel();
    let job = chiptape::app::edits::Job { path: path.clone(), known, inbox, one_at_a_time: Arc::default() };
    job.write(|t| {
        chiptape::config::edit::add_symbols(t, "Mine", &[Symbol::parse("TSM").unwrap()]).map(|(t, _)| t)
    })
    .unwrap();
    assert!(matches!(applied.try_recv(), Ok(Msg::Config(_))), "the edit is applied at once");
    let ours = std::fs::read_to_string(&path).unwrap();
    let mtime = std::fs::metadata(&path).unwrap().modified().unwrap();
    // The user's save: same length, same mtime, renamed over ours.
    let theirs = ours.replace("TSM", "ASX");
    assert_eq!(theirs.len(), ours.len());
    let tmp = dir.path().join("config.toml.swp");
    std::fs::write(&tmp, &theirs).unwrap();
    std::fs::File::options().write(true).open(&tmp).unwrap().set_modified(mtime).unwrap();
    std::fs::rename(&tmp, &path).unwrap();
    assert_eq!(symbols(&next_config(&mut rx).await.unwrap()), ["NVDA", "ASX"], "their save, not ours again");
    // Our own write, seen alone, is not applied again.
    job.write(|t| {
        chiptape::config::edit::add_symbols(t, "Mine", &[Symbol::parse("MU").unwrap()]).map(|(t, _)| t)
    })
    .unwrap();
    let quiet = tokio::time::timeout(Duration::from_secs(5), rx.recv()).await;
    assert!(quiet.is_err(), "the watcher applied our own write again: {quiet:?}");
}

#[tokio::test(start_paused = true)]
async fn a_valid_change_fetches_the_new_symbol_once_at_once_and_a_broken_one_keeps_the_old() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("config.toml");
    std::fs::write(&path, group_file(&["NVDA"])).unwrap();
    let config = chiptape::config::load_file(&path).unwrap();

    let (tx, mut requests) = mpsc::unbounded_channel();
    let prices = Prices::telling(tx);
    let providers = sources::providers()
        .quotes(Arc::new(prices.clone()))
        .news(Arc::new(Empty))
        .charts(Arc::new(Empty))
        .build();
    // Saturday: every market closed, so the next scheduled refresh is five minutes away.
    let clock = Arc::new(ShiftedClock::starting_at("2026-11-28T10:00:00Z".parse().unwrap()));
    let (control_tx, control_rx) = mpsc::unbounded_channel();
    let mut rt = Runtime::new(providers.clone(), clock.clone(), control_rx);
    rt.config_path = Some(path.clone());
    rt.watch = POLL;
    rt.rebuild = Some(Arc::new(move |_, _, current| current.clone()));
    let state = State::new(config, false, chrono::Utc::now());
    let app = tokio::spawn(async move {
        let mut terminal = Terminal::new(TestBackend::new(100, 30)).unwrap();
        let stats = run(&mut terminal, futures::stream::pending, state, rt).await.unwrap();
        (stats, terminal)
    });

    assert_eq!(requests.recv().await.unwrap(), ["NVDA"]);
    std::fs::write(&path, group_file(&["NVDA", "AAPL"])).unwrap();
    let next = tokio::time::timeout(Duration::from_secs(2), requests.recv())
        .await
        .expect("fetched at once")
        .unwrap();
    assert_eq!(next, ["NVDA", "AAPL"]);

    // A broken save: the old config keeps running and its error is on screen.
    std::fs::write(&path, "[[groups]]\nname = \"Mine\"\nsymbols = [\"NVDA\", \"NV DA\"]\n").unwrap();
    tokio::time::sleep(Duration::from_secs(60)).await;
    control_tx.send(Msg::Shutdown).unwrap();
    let (_, terminal) = app.await.unwrap();
    let screen: String = terminal.backend().buffer().content().iter().map(|c| c.symbol()).collect();
    assert!(screen.contains("config:") && screen.contains(":3:"), "the error is shown: {screen}");
    assert!(screen.contains("AAPL"), "the last good config is still in view");
    let log = prices.requests();
    let aapl = log.iter().filter(|r| r.contains(&"AAPL".to_string())).count();
    assert_eq!(aapl, 1, "the new symbol was fetched once, not on every poll: {log:?}");
}

/// The defect of issue 30: with New York open and quotes every 5 s, a `[[holidays]]` entry for
/// today added to the file must bring the refresh down to the closed rate (one a minute), not only
/// change the clock in the header.
#[tokio::test(start_paused = true)]
async fn a_holiday_added_while_the_market_trades_slows_the_polling_to_the_closed_rate() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("config.toml");
    let base = format!("refresh_secs = 5\nclosed_refresh_secs = 60\n{}", group_file(&["NVDA"]));
    std::fs::write(&path, &base).unwrap();
    let config = chiptape::config::load_file(&path).unwrap();
    let prices = Prices::default();
    let providers = sources::providers().quotes(Arc::new(prices.clone())).news(Arc::new(Empty)).build();
    // Tuesday 10:00 in New York.
    let clock = Arc::new(ShiftedClock::starting_at("2026-11-24T15:00:00Z".parse().unwrap()));
    let (control_tx, control_rx) = mpsc::unbounded_channel();
    let mut rt = Runtime::new(providers, clock.clone(), control_rx);
    rt.config_path = Some(path.clone());
    rt.watch = POLL;
    rt.rebuild = Some(Arc::new(move |_, _, current| current.clone()));
    let state = State::new(config, false, "2026-11-24T15:00:00Z".parse().unwrap());
    let app = tokio::spawn(async move {
        let mut terminal = Terminal::new(TestBackend::new(100, 30)).unwrap();
        run(&mut terminal, futures::stream::pending, state, rt).await.unwrap();
    });
    let count = || prices.requests().len();
    tokio::time::sleep(Duration::from_secs(20)).await;
    let open = count();
    assert!(open >= 4, "the open rate: {open} requests in 20 s");

    let holiday = "[[holidays]]\nexchange = \"NY\"\ndate = \"2026-11-24\"\nname = \"Test day\"\n";
    std::fs::write(&path, format!("{base}{holiday}")).unwrap();
    tokio::time::sleep(Duration::from_secs(2)).await;
    let after_edit = count();
    tokio::time::sleep(Duration::from_secs(120)).await;
    let closed = count() - after_edit;
    assert!(closed <= 2, "the closed rate is one a minute: {closed} requests in 120 s");
    control_tx.send(Msg::Shutdown).unwrap();
    app.await.unwrap();
}

/// Issue 27, item 5: in the demo, `a` and `d` (a config change of the watchlist) keep the simulated
/// stream, which then follows the new list, as Yahoo's does; it is not started again.
#[test]
fn the_demo_keeps_its_stream_across_a_watchlist_edit() {
    use chiptape::market::clock::FixedClock;
    let clock: std::sync::Arc<dyn chiptape::market::clock::Clock> =
        std::sync::Arc::new(FixedClock("2026-11-24T15:00:00Z".parse().unwrap()));
    let old = chiptape::config::builtin();
    let providers = chiptape::providers::build(&old, true, 1, clock.clone());
    let mut new = old.clone();
    new.groups[0].symbols.push(chiptape::market::Symbol::parse("NVDA").unwrap());
    let rebuilt = chiptape::providers::rebuild(&new, &old, &providers, true, 1, clock);
    let (a, b) = (providers.stream.unwrap(), rebuilt.stream.unwrap());
    assert!(std::sync::Arc::ptr_eq(&a, &b), "the stream was replaced");
}
