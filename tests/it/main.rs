//! Every integration test in one binary: linking the library into each of two dozen test binaries
//! cost more than most of the tests take to run. Each file is a module; `cargo test --test it
//! faults::` runs one of them. The helpers stay in tests/common/ (the benches share a file of it).

#[path = "../common/mod.rs"]
mod common;

mod app_loop;
mod charts;
mod cli;
mod cli_term;
mod compare_cli;
mod compare_screen;
mod desk;
mod doctor;
mod e2e_alerts;
mod e2e_cache;
mod e2e_compare;
mod e2e_config;
mod e2e_failover;
mod e2e_heat;
mod e2e_mouse;
mod e2e_news;
mod e2e_pty;
mod e2e_search;
mod e2e_stream;
mod e2e_yahoo;
mod events_cli;
mod faults;
mod faults_official;
mod faults_proxy;
mod faults_tencent;
mod feeds;
mod feeds_read;
mod layers;
mod line_cli;
mod mainland;
mod news_cli;
mod official;
mod official_exchanges;
mod official_pane;
mod proxy;
mod refresh;
mod reload;
mod scale;
mod screen;
mod screen_discreet;
mod screen_heat;
mod screen_markers;
mod search;
mod stream;
mod stream_proxy;
mod tencent;
mod tencent_series;
mod yahoo;
mod yahoo_cli;
