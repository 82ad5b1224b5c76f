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

/// Issue 22: 4 baskets of 40 symbols (half New York, half Hong Kong, so the dates differ) with 5Y
/// of daily bars each, the comparison open on 5Y at 200x60.
fn compare_state() -> chiptape::state::State {
    use chiptape::market::Symbol;
    use chiptape::market::series::{ChartRange, Series};
    use chiptape::state::{SeriesEntry, State};
    let now = scale::now();
    let mut cfg = chiptape::config::builtin();
    cfg.groups = (0..4)
        .map(|g| chiptape::config::Group {
            name: format!("Basket {g}"),
            symbols: (0..40)
                .map(|i| {
                    let s = if i % 2 == 0 { format!("B{g}{i:02}") } else { format!("{:04}.HK", g * 100 + i) };
                    Symbol::parse(&s).unwrap()
                })
                .collect(),
        })
        .collect();
    let mut s = State::new(cfg.clone(), true, now);
    update(&mut s, Msg::Resize(200, 60), now);
    for (k, sym) in cfg.all_symbols().into_iter().enumerate() {
        // 1,260 weekdays back from today; Hong Kong's close at 08:00 UTC, New York's at 21:00.
        let hour = if sym.as_str().ends_with(".HK") { 8 } else { 21 };
        let mut t = now.date_naive().and_hms_opt(hour, 0, 0).unwrap().and_utc() - chrono::Duration::days(1);
        let mut points = Vec::with_capacity(1260);
        let mut p = 100.0;
        while points.len() < 1260 {
            if chrono::Datelike::weekday(&t).number_from_monday() <= 5 {
                p *= 1.0 + (((points.len() * 31 + k * 17) % 41) as f64 - 20.0) / 1000.0;
                points.push((t, p));
            }
            t -= chrono::Duration::days(1);
        }
        points.reverse();
        let series = Series { symbol: sym.clone(), points, previous_close: None, currency: None };
        s.series
            .insert((sym, ChartRange::Y5), SeriesEntry { series: Some(series), error: None, fetched: now });
    }
    update(&mut s, Msg::Key(Key::ch('c')), now);
    update(&mut s, Msg::Key(Key::ch('7')), now);
    assert_eq!(s.comparison(s.compare_view().unwrap()).lines.len(), 4);
    s
}

/// The lines worked out again (from the tracks kept per series) and drawn: what a new series'
/// arrival costs with the chart open.
#[divan::bench]
fn compare_4_baskets_of_40_over_5y_daily_then_frame(b: Bencher) {
    let mut s = compare_state();
    let any = s.series.keys().next().unwrap().clone();
    let mut t = Terminal::new(TestBackend::new(200, 60)).unwrap();
    b.bench_local(|| {
        // A write to the series: the comparison is worked out again.
        s.series.get_mut(&any);
        t.draw(|f| chiptape::ui::view(black_box(&s), f)).unwrap();
    });
}

/// Redrawn with nothing changed (a key, a tick): the comparison kept.
#[divan::bench]
fn compare_4_baskets_of_40_over_5y_daily_frame_only(b: Bencher) {
    let s = compare_state();
    let mut t = Terminal::new(TestBackend::new(200, 60)).unwrap();
    b.bench_local(|| {
        t.draw(|f| chiptape::ui::view(black_box(&s), f)).unwrap();
    });
}

/// From nothing kept: every series made a track, then the lines (`chiptape compare`'s path).
#[divan::bench]
fn compare_4_baskets_of_40_over_5y_daily_from_series(b: Bencher) {
    use chiptape::market::compare::{compare, track_of};
    use chiptape::market::series::ChartRange;
    let s = compare_state();
    let specs = s.compare_specs(s.compare_view().unwrap());
    b.bench_local(|| {
        black_box(compare(&specs, ChartRange::Y5, |sym| {
            let e = s.series.get(&(sym.clone(), ChartRange::Y5))?;
            Some(std::sync::Arc::new(track_of(sym, e.series.as_ref()?, ChartRange::Y5)?))
        }))
    });
}
