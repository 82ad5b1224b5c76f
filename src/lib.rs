//! chiptape: a terminal watchlist for the AI-chip and cloud race.
//!
//! One folder a layer (see ARCHITECTURE.md): `cli` → `app` → `state`/`ui` → `config` → `market`;
//! `refresh` → `providers` → `market`; `present` and `store` serve those above them.

pub mod app;
pub mod cli;
pub mod config;
pub mod market;
pub mod msg;
pub mod present;
pub mod providers;
pub mod refresh;
pub mod state;
pub mod store;
pub mod term;
pub mod ui;
