//! Runs key presses and frames at scale in a loop, for a profiler:
//! `cargo build --release --example scale_profile && perf record -g target/release/examples/scale_profile`.

#[path = "../tests/common/scale.rs"]
mod scale;

use chiptape::config::Key;
use chiptape::msg::Msg;
use chiptape::state::update;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn main() {
    let mut s = scale::state(1000, 5000, 200, 60);
    let mut t = Terminal::new(TestBackend::new(200, 60)).unwrap();
    let now = scale::now();
    let start = std::time::Instant::now();
    let n = 3000;
    for i in 0..n {
        let k = if (i / 40) % 2 == 0 { 'j' } else { 'k' };
        update(&mut s, Msg::Key(Key::ch(k)), now);
        t.draw(|f| chiptape::ui::view(&s, f)).unwrap();
    }
    println!("{:.1} µs per key and frame", start.elapsed().as_secs_f64() * 1e6 / n as f64);
}
