//! Shared fixtures: a state loaded from the demo market at a fixed instant.
#![allow(dead_code)]

#[cfg(unix)]
pub mod pty;

use std::sync::Arc;

use chiptape::clock::FixedClock;
use chiptape::config::{Config, builtin};
use chiptape::market::series::ChartRange;
use chiptape::msg::{DataKind, DataMsg, Msg};
use chiptape::providers::demo::DemoMarket;
use chiptape::state::{State, update};
use chrono::{DateTime, Utc};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use unicode_width::UnicodeWidthStr;

/// Tuesday 2026-11-24 15:00 UTC: New York open, Hong Kong and Shanghai closed.
pub fn t0() -> DateTime<Utc> {
    "2026-11-24T15:00:00Z".parse().unwrap()
}

pub fn loaded_with(cfg: Config, now: DateTime<Utc>, w: u16, h: u16) -> State {
    let demo = DemoMarket::new(7, Arc::new(FixedClock(now)), &cfg);
    let mut s = State::new(cfg.clone(), true, now);
    update(&mut s, Msg::Resize(w, h), now);
    let results = cfg.all_symbols().iter().map(|x| (x.clone(), Ok(demo.quote(x, now)))).collect();
    let generation = s.generation;
    let msg = |kind| Msg::Data(DataMsg { generation, at: now, kind });
    update(&mut s, msg(DataKind::Quotes { source: "demo".into(), results }), now);
    update(&mut s, msg(DataKind::News { headlines: demo.news(now), errors: vec![] }), now);
    // Today's series for every symbol: the sparklines and the 1D chart.
    for sym in cfg.all_symbols() {
        let series = demo.series(&sym, ChartRange::D1, now);
        update(&mut s, Msg::Series { symbol: sym, range: ChartRange::D1, result: Ok(series) }, now);
    }
    s
}

pub fn loaded(w: u16, h: u16) -> State {
    loaded_with(builtin(), t0(), w, h)
}

pub fn draw(state: &State, w: u16, h: u16) -> Buffer {
    let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
    terminal.draw(|f| chiptape::ui::view(state, f)).unwrap();
    terminal.backend().buffer().clone()
}

/// The buffer as text, one line a row; the cell after a wide character is skipped.
pub fn text(buf: &Buffer) -> String {
    let mut out = String::new();
    for y in 0..buf.area.height {
        let mut skip = 0;
        for x in 0..buf.area.width {
            if skip > 0 {
                skip -= 1;
                continue;
            }
            let sym = buf[(x, y)].symbol();
            out.push_str(sym);
            skip = UnicodeWidthStr::width(sym).saturating_sub(1);
        }
        out.push('\n');
    }
    out
}
