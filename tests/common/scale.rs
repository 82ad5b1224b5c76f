//! A watchlist at scale for the benches and the structural tests: `n` US symbols in one group, demo
//! quotes for each, and `m` headlines about them.

use std::sync::Arc;

use chiptape::config::{Config, Group, builtin};
use chiptape::market::clock::FixedClock;
use chiptape::market::{Headline, Symbol};
use chiptape::msg::{DataKind, DataMsg, Msg};
use chiptape::providers::demo::DemoMarket;
use chiptape::state::{State, update};
use chrono::{DateTime, Duration, Utc};

/// Tuesday 10:00 in New York: the symbols trade.
pub fn now() -> DateTime<Utc> {
    "2026-11-24T15:00:00Z".parse().unwrap()
}

pub fn symbols(n: usize) -> Vec<Symbol> {
    (0..n).map(|i| Symbol::parse(&format!("S{i:04}")).unwrap()).collect()
}

pub fn config(n: usize) -> Config {
    let mut cfg = builtin();
    cfg.groups = vec![Group { name: "Big".into(), symbols: symbols(n) }];
    cfg
}

/// `m` headlines, newest first, a minute apart, each about one or two of the symbols.
pub fn headlines(m: usize, symbols: &[Symbol], now: DateTime<Utc>) -> Vec<Headline> {
    (0..m)
        .map(|i| {
            let a = &symbols[(i * 7) % symbols.len()];
            let b = &symbols[(i * 13 + 5) % symbols.len()];
            let link = format!("https://wire.example/{i}");
            let title = format!("{a} and {b} in story number {i} about chips and export controls");
            Headline {
                id: chiptape::market::news::identity(&link, &title),
                link,
                title,
                source: ["Reuters", "Bloomberg", "财新", "SCMP"][i % 4].to_string(),
                published: Some(now - Duration::minutes(i as i64)),
                symbols: if i % 3 == 0 { vec![a.clone()] } else { vec![a.clone(), b.clone()] },
                feed: "Wire".into(),
                also_in: vec![],
                feed_id: String::new(),
                also_in_ids: vec![],
                summary: Some(format!("Summary of story {i}.")),
                guid: None,
                kind: chiptape::market::HeadlineKind::News,
                form: None,
            }
        })
        .collect()
}

/// `config(n)` with every symbol named in English and Chinese, as a China watchlist is.
#[allow(dead_code)] // the benches use it; the harness and the tests that share this file do not
pub fn named_config(n: usize) -> Config {
    const ZH: [&str; 10] = [
        "中芯国际",
        "华虹半导体",
        "寒武纪",
        "海光信息",
        "摩尔线程",
        "沐曦股份",
        "北方华创",
        "中微公司",
        "阿里巴巴",
        "腾讯控股",
    ];
    let mut cfg = config(n);
    for (i, sym) in symbols(n).into_iter().enumerate() {
        let meta = chiptape::config::SymbolMeta {
            name: Some(format!("Company {i}")),
            aliases: vec![format!("Company {i}"), format!("{}{i}", ZH[i % ZH.len()])],
            pair: None,
        };
        cfg.symbols.insert(sym, meta);
    }
    cfg
}

/// A state of `n` symbols with quotes and `m` headlines, laid out for `w`x`h`.
pub fn state(n: usize, m: usize, w: u16, h: u16) -> State {
    state_with(config(n), m, w, h)
}

/// The same for a config of one's own (its first group is the watchlist).
pub fn state_with(cfg: Config, m: usize, w: u16, h: u16) -> State {
    let now = now();
    let demo = DemoMarket::new(7, Arc::new(FixedClock(now)), &cfg);
    let mut s = State::new(cfg.clone(), true, now);
    update(&mut s, Msg::Resize(w, h), now);
    let syms = cfg.all_symbols();
    let results = syms.iter().map(|x| (x.clone(), Ok(demo.quote(x, now)))).collect();
    let generation = s.generation;
    let msg = |kind| Msg::Data(DataMsg { generation, at: now, kind });
    update(&mut s, msg(DataKind::Quotes { source: "demo".into(), note: None, results }), now);
    update(&mut s, msg(DataKind::News { headlines: headlines(m, &syms, now), errors: vec![] }), now);
    s
}
