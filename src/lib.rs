//! chiptape: a terminal watchlist for the AI-chip and cloud race.

pub mod app;
pub mod cli;
pub mod clock;
pub mod columns;
pub mod commands;
pub mod config;
pub mod edits;
pub mod format;
pub mod fsutil;
pub mod launch;
pub mod layout;
pub mod market;
pub mod msg;
pub mod portfolio;
pub mod providers;
pub mod refresh;
pub mod state;
pub mod term;
pub mod text;
pub mod timefmt;
pub mod ui;
