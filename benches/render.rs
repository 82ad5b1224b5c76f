//! Frame and update costs on the demo market, at the sizes people use. `cargo bench --bench render`.
//! Figures go in docs/PERFORMANCE.md.

use std::hint::black_box;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chiptape::config::{Key, builtin};
use chiptape::market::clock::FixedClock;
use chiptape::msg::{DataKind, DataMsg, Msg};
use chiptape::providers::demo::DemoMarket;
use chiptape::state::{State, update};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn time<F: FnMut()>(name: &str, mut f: F) {
    // Warm up, then run for about a second.
    for _ in 0..20 {
        f();
    }
    let start = Instant::now();
    let mut n = 0u32;
    while start.elapsed() < Duration::from_secs(1) {
        f();
        n += 1;
    }
    let per = start.elapsed() / n;
    println!("{name:<44} {:>10.1} µs/iter  ({n} iters)", per.as_secs_f64() * 1e6);
}

fn main() {
    let now = "2026-11-24T15:00:00Z".parse().unwrap();
    let cfg = builtin();
    let demo = DemoMarket::new(7, Arc::new(FixedClock(now)), &cfg);
    let symbols = cfg.all_symbols();
    let mut state = State::new(cfg.clone(), true, now);
    let results: Vec<_> = symbols.iter().map(|s| (s.clone(), Ok(demo.quote(s, now)))).collect();
    let generation = state.generation;
    let quotes = Msg::Data(DataMsg {
        generation,
        at: now,
        kind: DataKind::Quotes { note: None, source: "demo".into(), results: results.clone() },
    });
    update(&mut state, quotes.clone(), now);
    let news = Msg::Data(DataMsg {
        generation,
        at: now,
        kind: DataKind::News { headlines: demo.news(now), errors: vec![] },
    });
    update(&mut state, news, now);

    for (w, h) in [(200, 60), (120, 40), (80, 24)] {
        update(&mut state, Msg::Resize(w, h), now);
        let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
        time(&format!("draw a full frame {w}x{h}"), || {
            terminal.draw(|f| chiptape::ui::view(black_box(&state), f)).unwrap();
        });
    }
    update(&mut state, Msg::Resize(120, 40), now);
    // The heat map of the built-in list: a key in it lays the map out again.
    update(&mut state, Msg::Key(Key::ch('m')), now);
    time("update: key l in the heat map (built-in list)", || {
        black_box(update(&mut state, Msg::Key(Key::ch('l')), now));
    });
    update(&mut state, Msg::Key(Key::ch('m')), now);
    time("update: key j (move down)", || {
        black_box(update(&mut state, Msg::Key(Key::ch('j')), now));
    });
    time("update: tick (nothing changed)", || {
        black_box(update(&mut state, Msg::Tick, now));
    });
    time(&format!("update: quotes for {} symbols", symbols.len()), || {
        black_box(update(&mut state, quotes.clone(), now));
    });
    time(&format!("demo: {} quotes", symbols.len()), || {
        for s in &symbols {
            black_box(demo.quote(s, now));
        }
    });
    time("demo: headlines", || {
        black_box(demo.news(now));
    });
    // Merging runs on every news refresh: ten feeds of 100, then the same again with tracking tails.
    let story = |i: usize, tail: &str| chiptape::market::Headline {
        id: format!("{i}{tail}"),
        title: format!("Chip story number {i}"),
        link: format!("https://news.example/{i}{tail}"),
        source: "Wire".into(),
        published: None,
        symbols: vec![],
        feed: "Wire".into(),
        also_in: vec![],
        feed_id: String::new(),
        also_in_ids: vec![],
        summary: None,
        guid: None,
        kind: chiptape::market::HeadlineKind::News,
        form: None,
    };
    time("news: merge 2 x 1000 headlines", || {
        let mut all = Vec::new();
        for tail in ["", "?utm_source=rss"] {
            for feed in 0..10 {
                chiptape::market::news::merge(
                    &mut all,
                    (0..100).map(|i| story(feed * 100 + i, tail)).collect(),
                    usize::MAX,
                    None,
                );
            }
        }
        black_box(all);
    });
    // One hostile feed of 40,000 distinct items, merged into what is kept, then again (a refresh).
    let huge: Vec<_> = (0..40_000).map(|i| story(i, "")).collect();
    time("news: merge a 40,000-item feed twice", || {
        let mut all = Vec::new();
        chiptape::market::news::merge(&mut all, huge.clone(), usize::MAX, None);
        chiptape::market::news::merge(&mut all, huge.clone(), usize::MAX, None);
        black_box(all);
    });
    time("config: parse the built-in default", || {
        black_box(chiptape::config::parse_builtin().unwrap());
    });
    time("config: parse config.example.toml", || {
        black_box(chiptape::config::parse_str(chiptape::config::EXAMPLE_TOML, "x").unwrap());
    });
    // 1,000 streamed ticks across 50 symbols in view, as the loop takes them: frames decoded,
    // folded ten to an event, and drawn ten times (what 1,000 ticks a second cost per second).
    {
        use chiptape::market::stream::StreamEvent;
        use chiptape::providers::yahoo::stream::{PricingData, decode_text, encode_frame};
        let fifty: Vec<chiptape::market::Symbol> =
            (0..50).map(|i| chiptape::market::Symbol::parse(&format!("T{i:02}")).unwrap()).collect();
        let mut cfg = builtin();
        cfg.groups = vec![chiptape::config::Group { name: "Flood".into(), symbols: fifty.clone() }];
        let mut st = State::new(cfg, true, now);
        update(&mut st, Msg::Resize(200, 60), now);
        update(&mut st, Msg::Stream(StreamEvent::Connected { subscribed: 50 }), now);
        let frames: Vec<String> = (0..1000)
            .map(|i| {
                encode_frame(&PricingData {
                    id: fifty[i % 50].to_string(),
                    price: 100.0 + (i % 97) as f32 / 10.0,
                    change: 1.25,
                    change_percent: 0.5,
                    day_volume: 1_000_000 + i as i64,
                    ..PricingData::default()
                })
            })
            .collect();
        let mut terminal = Terminal::new(TestBackend::new(200, 60)).unwrap();
        time("stream: 1000 ticks (decode, fold, 10 frames)", || {
            for (n, chunk) in frames.chunks(10).enumerate() {
                let ticks = chunk.iter().filter_map(|f| decode_text(f).ok().flatten()).collect();
                black_box(update(&mut st, Msg::Stream(StreamEvent::Ticks(ticks)), now));
                if n % 10 == 9 {
                    terminal.draw(|f| chiptape::ui::view(&st, f)).unwrap();
                }
            }
        });
    }
    // The heat map of 1,000 symbols in 20 groups, with prices: laid out and drawn, a whole frame.
    {
        let mut cfg = builtin();
        cfg.groups = (0..20)
            .map(|g| chiptape::config::Group {
                name: format!("Group {g}"),
                symbols: (0..50)
                    .map(|i| chiptape::market::Symbol::parse(&format!("H{g:02}X{i:02}")).unwrap())
                    .collect(),
            })
            .collect();
        let demo = DemoMarket::new(7, Arc::new(FixedClock(now)), &cfg);
        let mut st = State::new(cfg.clone(), true, now);
        let results = cfg.all_symbols().iter().map(|s| (s.clone(), Ok(demo.quote(s, now)))).collect();
        let generation = st.generation;
        let kind = DataKind::Quotes { note: None, source: "demo".into(), results };
        update(&mut st, Msg::Data(DataMsg { generation, at: now, kind }), now);
        update(&mut st, Msg::Key(Key::ch('m')), now);
        for (w, h) in [(200, 60), (80, 24)] {
            update(&mut st, Msg::Resize(w, h), now);
            let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
            time(&format!("heat map: 1000 symbols, laid out and drawn {w}x{h}"), || {
                terminal.draw(|f| chiptape::ui::view(black_box(&st), f)).unwrap();
            });
        }
        time("heat map: 1000 symbols, laid out", || {
            black_box(st.heat_map(&st.layout()));
        });
        time("heat map: 1000 symbols, key l (move right)", || {
            black_box(update(&mut st, Msg::Key(Key::ch('l')), now));
        });
    }
    // Peak resident memory of this whole run (Linux), for a rough ceiling of the app's own footprint.
    if let Ok(status) = std::fs::read_to_string("/proc/self/status") {
        if let Some(line) = status.lines().find(|l| l.starts_with("VmHWM")) {
            println!("{line}");
        }
    }
}
