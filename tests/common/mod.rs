//! Shared fixtures: a state loaded from the demo market at a fixed instant.
#![allow(dead_code)]

pub mod backend;
pub mod env;
pub mod proxy;
#[cfg(unix)]
pub mod pty;
pub mod scale;
pub mod session;
pub mod sources;
pub mod ws;

pub use session::mount_yahoo_session;
use std::sync::Arc;

use chiptape::config::{Config, builtin};
use chiptape::market::clock::FixedClock;
use chiptape::market::series::ChartRange;
use chiptape::msg::{DataKind, DataMsg, Msg};
use chiptape::providers::demo::DemoMarket;
use chiptape::state::layout::Area;
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
    // What the refresh task asks for: every symbol, and the exchange rates and other lines of the
    // dual listings that the A/H premium needs.
    let plan = s.plan(0);
    let results = plan.fast.iter().chain(&plan.slow).map(|x| (x.clone(), Ok(demo.quote(x, now)))).collect();
    let generation = s.generation;
    let msg = |kind| Msg::Data(DataMsg { generation, at: now, kind });
    update(&mut s, msg(DataKind::Quotes { note: None, source: "demo".into(), results }), now);
    update(&mut s, msg(DataKind::News { headlines: demo.news(now), errors: vec![] }), now);
    // Today's series for every symbol: the sparklines and the 1D chart.
    for sym in cfg.all_symbols() {
        let series = demo.series(&sym, ChartRange::D1, now);
        let series = Msg::Series { generation, symbol: sym, range: ChartRange::D1, result: Ok(series) };
        update(&mut s, series, now);
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
    region(buf, Area::new(0, 0, buf.area.width, buf.area.height))
}

/// The text of `area`, one line a row; the cell after a wide character is skipped.
pub fn region(buf: &Buffer, area: Area) -> String {
    let mut out = String::new();
    for y in area.y..area.bottom() {
        let mut skip = 0;
        for x in area.x..area.right() {
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

/// The real binary with a private home: no user config, state or cache leaks in or out.
pub fn chiptape_cmd(home: &std::path::Path) -> std::process::Command {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_chiptape"));
    cmd.env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_CACHE_HOME", home.join("cache"))
        .env("XDG_STATE_HOME", home.join("state"))
        .env("XDG_DATA_HOME", home.join("data"))
        .current_dir(home);
    cmd
}

/// A config in `home` whose Yahoo is a port nobody listens on (watching NVDA and AMD), and the
/// last run's cache holding `cached` fetched at `fetched`: the commands' "source down, warm cache" case.
pub fn dead_yahoo_with_cache(
    home: &std::path::Path,
    cached: &chiptape::market::Quote,
    fetched: DateTime<Utc>,
) -> std::path::PathBuf {
    use chiptape::store::cache::{Cache, CachedQuote, Contents, SCHEMA};
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let cfg = home.join("c.toml");
    std::fs::write(
        &cfg,
        format!(
            "[provider]\nquery_url = \"http://127.0.0.1:{port}\"\ncookie_url = \"http://127.0.0.1:{port}/cookie\"\nstream = false\nmainland = \"yahoo\"\nquotes = [\"yahoo\"]\n\n\
             [[groups]]\nname = \"Mine\"\nsymbols = [\"NVDA\", \"AMD\"]\n"
        ),
    )
    .unwrap();
    // Where the binary, with the private home, keeps its cache.
    let contents =
        Contents { schema: SCHEMA, quotes: vec![CachedQuote::new(cached, fetched)], ..Contents::default() };
    Cache::at(home.join("data/chiptape/cache.json")).save(&contents).unwrap();
    cfg
}
