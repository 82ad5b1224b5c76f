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

/// Issue 21: a key in the add prompt over 1,000 symbols named in Chinese: the local catalogue
/// searched (pinyin included) and the frame drawn, then the same for Backspace.
#[divan::bench]
fn add_prompt_key_1000_named_then_frame(b: Bencher) {
    prompt_key_then_frame(b, 'a');
}

/// Issue 21: a key of the `/` filter in pinyin over 1,000 named symbols and 5,000 headlines, then
/// Backspace, each with its frame.
#[divan::bench]
fn filter_pinyin_key_1000x5000_then_frame(b: Bencher) {
    prompt_key_then_frame(b, '/');
}

/// `open` opens a prompt, `zx` is typed; each sample types `g` then Backspace, each with its frame.
fn prompt_key_then_frame(b: Bencher, open: char) {
    let mut s = scale::state_with(scale::named_config(1000), 5000, 200, 60);
    let mut t = Terminal::new(TestBackend::new(200, 60)).unwrap();
    let now = scale::now();
    for c in [open, 'z', 'x'] {
        update(&mut s, Msg::Key(Key::ch(c)), now);
    }
    b.bench_local(|| {
        for k in [Key::ch('g'), Key::plain(chiptape::config::KeyCode::Backspace)] {
            black_box(update(&mut s, Msg::Key(k), now));
            t.draw(|f| chiptape::ui::view(&s, f)).unwrap();
        }
    });
}

/// Twenty v7 answers of 50 quotes each (as a refresh of 1,000 symbols fetches them), prices moved.
fn v7_bodies(symbols: &[chiptape::market::Symbol], bump: f64) -> Vec<Vec<u8>> {
    symbols
        .chunks(50)
        .map(|chunk| {
            let result: Vec<serde_json::Value> = chunk
                .iter()
                .enumerate()
                .map(|(i, s)| {
                    let price = 100.0 + i as f64 + bump;
                    serde_json::json!({
                        "symbol": s.as_str(), "currency": "USD", "shortName": format!("Company {s}"),
                        "regularMarketPrice": price, "regularMarketPreviousClose": 100.0,
                        "regularMarketChange": price - 100.0, "regularMarketChangePercent": (price - 100.0) / 100.0 * 100.0,
                        "regularMarketDayHigh": price + 1.0, "regularMarketDayLow": price - 1.0,
                        "regularMarketVolume": 1_000_000, "marketCap": 1.0e10, "marketState": "REGULAR",
                        "regularMarketTime": 1_795_507_680, "exchangeDataDelayedBy": 0
                    })
                })
                .collect();
            serde_json::to_vec(&serde_json::json!({"quoteResponse": {"result": result, "error": null}})).unwrap()
        })
        .collect()
}

#[divan::bench]
fn refresh_1000_quotes_decode_update_frame(b: Bencher) {
    use chiptape::msg::{DataKind, DataMsg};
    let mut s = scale::state(1000, 5000, 200, 60);
    let mut t = Terminal::new(TestBackend::new(200, 60)).unwrap();
    let now = scale::now();
    let cal = chiptape::market::calendar::Calendar::default();
    let bodies = [v7_bodies(&scale::symbols(1000), 0.5), v7_bodies(&scale::symbols(1000), 0.75)];
    let mut turn = 0;
    b.bench_local(|| {
        turn += 1;
        let mut results = Vec::new();
        for body in &bodies[turn % 2] {
            if let Ok(chiptape::providers::yahoo::v7::Decoded::Quotes(qs)) =
                chiptape::providers::yahoo::v7::decode(body, now, &cal)
            {
                results.extend(qs.into_iter().map(|q| (q.symbol.clone(), Ok(q))));
            }
        }
        let kind = DataKind::Quotes { source: "Yahoo".into(), note: None, results };
        let generation = s.generation;
        update(&mut s, Msg::Data(DataMsg { generation, at: now, kind }), now);
        t.draw(|f| chiptape::ui::view(&s, f)).unwrap();
    });
}

#[divan::bench]
fn merge_and_tag_5000_headlines(b: Bencher) {
    let cfg = scale::config(1000);
    let tagger = cfg.tagger();
    let symbols = scale::symbols(1000);
    let items = scale::headlines(5000, &symbols, scale::now());
    b.bench_local(|| {
        let mut kept = Vec::new();
        let mut fresh = items.clone();
        for h in &mut fresh {
            h.symbols = tagger.tag(&[&h.title]);
        }
        chiptape::market::news::merge(&mut kept, fresh, 5000, Some(scale::now()));
        black_box(kept)
    });
}

#[divan::bench]
fn stream_1000_ticks_then_frame(b: Bencher) {
    use chiptape::market::stream::{StreamEvent, Tick};
    let mut s = scale::state(1000, 5000, 200, 60);
    update(&mut s, Msg::Stream(StreamEvent::Connected { subscribed: 1000 }), scale::now());
    let mut t = Terminal::new(TestBackend::new(200, 60)).unwrap();
    let symbols = scale::symbols(1000);
    let now = scale::now();
    let mut n = 0u64;
    b.bench_local(|| {
        for chunk in symbols.chunks(10) {
            n += 1;
            let ticks = chunk
                .iter()
                .map(|sym| Tick {
                    symbol: sym.clone(),
                    price: 100.0 + (n % 89) as f64 / 10.0,
                    ..Tick::default()
                })
                .collect();
            update(&mut s, Msg::Stream(StreamEvent::Ticks(ticks)), now);
        }
        t.draw(|f| chiptape::ui::view(&s, f)).unwrap();
    });
}
