//! Structural tests of cost at scale (no timings): what a key press does is the same for 100 and
//! 1,000 symbols, and an idle hour draws only when something on screen changed.

use crate::common;

use std::sync::Arc;
use std::time::Duration;

use chiptape::app::{Runtime, run};
use chiptape::config::Key;
use chiptape::market::clock::{Clock, ShiftedClock};
use chiptape::msg::Msg;
use chiptape::state::memo::Work;
use chiptape::state::{State, update};
use common::backend::SharedBackend;
use common::scale;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use tokio::sync::mpsc;

/// The listing work one key press and its frame do, in a copy of `base` (its kept rows start empty).
fn work_of_a_key(base: &State, key: char) -> (Work, usize) {
    let mut s = base.clone();
    let mut t = Terminal::new(TestBackend::new(200, 60)).unwrap();
    t.draw(|f| chiptape::ui::view(&s, f)).unwrap();
    let before = s.rows.work();
    update(&mut s, Msg::Key(Key::ch(key)), scale::now());
    t.draw(|f| chiptape::ui::view(&s, f)).unwrap();
    let after = s.rows.work();
    let work =
        Work { symbols: after.symbols - before.symbols, headlines: after.headlines - before.headlines };
    // Rows on screen with a symbol in them: what the frame laid out.
    let laid_out = common::text(t.backend().buffer()).lines().filter(|l| l.contains("│S0")).count();
    (work, laid_out)
}

#[test]
fn a_key_press_costs_the_same_for_100_and_1000_symbols() {
    // 100 and 1,000 symbols with 5,000 headlines, built once: building is most of this test's time.
    let (small_state, big_state) = (scale::state(100, 5000, 200, 60), scale::state(1000, 5000, 200, 60));
    for key in ['j', 'k', 'G', 'g'] {
        let (small, small_rows) = work_of_a_key(&small_state, key);
        let (big, big_rows) = work_of_a_key(&big_state, key);
        assert_eq!(small, big, "key {key}: the same listing work whatever the list length");
        assert_eq!(small, Work::default(), "key {key}: moving the cursor lists nothing again");
        assert_eq!(small_rows, big_rows, "key {key}: the page is laid out, not the list");
        assert!(big_rows > 0 && big_rows < 60);
    }
    // A search does list again, once; the next key does not.
    let mut s = big_state;
    for c in "/S09".chars() {
        update(&mut s, Msg::Key(Key::ch(c)), scale::now());
    }
    let _ = (s.watch_rows(), s.news_rows().len());
    let before = s.rows.work();
    let _ = (s.watch_rows(), s.news_rows().len());
    assert_eq!(s.rows.work(), before, "kept until the search changes");
}

/// An hour with every market closed (Saturday), the built-in list on the demo market: every frame
/// drawn changes something on screen (a clock, an age, a price after the slow refresh).
#[tokio::test(start_paused = true)]
async fn an_idle_hour_draws_only_what_changed() {
    let start = "2026-11-28T10:00:00Z".parse().unwrap();
    let clock: Arc<dyn Clock> = Arc::new(ShiftedClock::starting_at(start));
    let cfg = chiptape::config::builtin();
    let mut providers = chiptape::providers::build(&cfg, true, 7, clock.clone());
    providers.stream = None;
    let (control, control_rx) = mpsc::unbounded_channel();
    let runtime = Runtime::new(providers, clock.clone(), control_rx);
    let state = State::new(cfg, true, clock.now());
    let backend = SharedBackend::new(120, 40);
    let mut terminal = Terminal::new(backend.clone()).unwrap();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_secs(3600)).await;
        let _ = control.send(Msg::Shutdown);
    });
    let mut input = Some(futures::stream::pending());
    let stats = run(&mut terminal, move || input.take().unwrap(), state, runtime).await.unwrap();
    let (frames, unchanged) = backend.frames();
    eprintln!("idle hour: {frames} frames, {} wake-ups", stats.wakeups);
    assert_eq!(frames, stats.draws);
    assert_eq!(unchanged, 0, "{frames} frames, {unchanged} of them changing nothing");
    // The clocks move once a minute; ages and the slow refresh add some: far from a frame a second.
    assert!(frames <= 60 * 12, "{frames} frames in an hour");
}
