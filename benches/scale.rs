//! Costs at scale: 1,000 symbols and 5,000 headlines. `cargo bench --bench scale`; figures in
//! docs/PERFORMANCE.md.

#[path = "../tests/common/scale.rs"]
mod scale;

use std::hint::black_box;

use chiptape::config::Key;
use chiptape::msg::Msg;
use chiptape::state::update;
use divan::Bencher;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn main() {
    divan::main();
}

#[divan::bench]
fn full_frame_200x60(b: Bencher) {
    let s = scale::state(1000, 5000, 200, 60);
    let mut t = Terminal::new(TestBackend::new(200, 60)).unwrap();
    b.bench_local(|| {
        t.draw(|f| chiptape::ui::view(black_box(&s), f)).unwrap();
    });
}

#[divan::bench]
fn key_j_then_frame_200x60(b: Bencher) {
    let mut s = scale::state(1000, 5000, 200, 60);
    let mut t = Terminal::new(TestBackend::new(200, 60)).unwrap();
    let now = scale::now();
    b.bench_local(|| {
        black_box(update(&mut s, Msg::Key(Key::ch('j')), now));
        t.draw(|f| chiptape::ui::view(&s, f)).unwrap();
    });
}
