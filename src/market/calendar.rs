//! Trading calendars: the days an exchange is closed or keeps short hours, from the built-in
//! tables (`holidays.rs`, one per exchange and year, each naming the exchange's notice) and the
//! user's `[[holidays]]`. Exchanges are named by the label their clock shows ("HK", "NY", …).

use chrono::{Datelike, NaiveDate};

use super::holidays::{YearTable, builtin};

/// Minutes of the local day.
pub type Minute = u32;

/// A local "HH:MM" (24-hour) as minutes of the day.
pub fn parse_hhmm(text: &str) -> Option<Minute> {
    let t = chrono::NaiveTime::parse_from_str(text.trim(), "%H:%M").ok()?;
    Some(chrono::Timelike::hour(&t) * 60 + chrono::Timelike::minute(&t))
}

/// One day off an exchange's usual hours.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Special {
    pub date: NaiveDate,
    pub name: String,
    /// A later start than usual (local minutes).
    pub open: Option<Minute>,
    /// An earlier end than usual (local minutes): a half day.
    pub close: Option<Minute>,
    pub from_config: bool,
}

impl Special {
    /// Closed the whole day (no open or close time of its own).
    pub fn is_closed(&self) -> bool {
        self.open.is_none() && self.close.is_none()
    }
}

/// A `[[holidays]]` entry of the config: an addition or correction to the built-in table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Holiday {
    pub exchange: String,
    pub date: NaiveDate,
    pub name: String,
    pub open: Option<Minute>,
    pub close: Option<Minute>,
}

/// The calendars in force: the built-in tables and the config's additions, which win on a date
/// both name.
#[derive(Clone)]
pub struct Calendar {
    tables: &'static [YearTable],
    extra: Vec<Holiday>,
}

impl std::fmt::Debug for Calendar {
    /// The tables are long and always the same: counted, not printed.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Calendar").field("tables", &self.tables.len()).field("extra", &self.extra).finish()
    }
}

impl PartialEq for Calendar {
    /// The tables are static: the same tables are the same slice.
    fn eq(&self, other: &Calendar) -> bool {
        std::ptr::eq(self.tables, other.tables) && self.extra == other.extra
    }
}

impl Eq for Calendar {}

impl Default for Calendar {
    /// The built-in tables.
    fn default() -> Calendar {
        Calendar { tables: builtin(), extra: Vec::new() }
    }
}

/// What the table knows of one exchange's year.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Coverage {
    /// Published by the exchange and in the table.
    Known,
    /// The exchange has not published it yet: weekends only until it has.
    NotPublished,
    /// Beyond the table.
    Unknown,
}

impl Calendar {
    /// Weekends only: no table at all (tests of the plain session hours).
    pub const WEEKENDS_ONLY: Calendar = Calendar { tables: &[], extra: Vec::new() };

    /// The built-in tables with the config's `[[holidays]]` added.
    pub fn with(holidays: Vec<Holiday>) -> Calendar {
        Calendar { tables: builtin(), extra: holidays }
    }

    /// What is special about `date` at `exchange` (a clock label), if anything.
    pub fn special(&self, exchange: &str, date: NaiveDate) -> Option<Special> {
        if let Some(h) = self.extra.iter().find(|h| h.exchange == exchange && h.date == date) {
            return Some(Special {
                date,
                name: h.name.clone(),
                open: h.open,
                close: h.close,
                from_config: true,
            });
        }
        self.table(exchange, date.year())?.days.iter().find(|d| d.date == date).cloned()
    }

    fn table(&self, exchange: &str, year: i32) -> Option<&'static YearTable> {
        self.tables.iter().find(|t| t.exchange == exchange && t.year == year)
    }

    pub fn coverage(&self, exchange: &str, year: i32) -> Coverage {
        match self.table(exchange, year) {
            Some(t) if t.published => Coverage::Known,
            Some(_) => Coverage::NotPublished,
            None => Coverage::Unknown,
        }
    }

    /// Whether the config adds days to `exchange`'s `year`: then the user keeps that year's calendar.
    pub fn has_config_days(&self, exchange: &str, year: i32) -> bool {
        self.extra.iter().any(|h| h.exchange == exchange && h.date.year() == year)
    }

    /// The last year the table knows for `exchange`, if it knows any.
    pub fn last_year(&self, exchange: &str) -> Option<i32> {
        self.tables.iter().filter(|t| t.exchange == exchange && t.published).map(|t| t.year).max()
    }

    /// Every special day in force, by exchange and date; `exchange` and `year` narrow it.
    pub fn days(&self, exchange: Option<&str>, year: Option<i32>) -> Vec<(String, Special)> {
        let wanted = |ex: &str, y: i32| exchange.is_none_or(|e| e == ex) && year.is_none_or(|want| want == y);
        let mut out: Vec<(String, Special)> = Vec::new();
        for t in self.tables.iter().filter(|t| wanted(&t.exchange, t.year)) {
            for d in &t.days {
                if !self.extra.iter().any(|h| h.exchange == t.exchange && h.date == d.date) {
                    out.push((t.exchange.clone(), d.clone()));
                }
            }
        }
        for h in self.extra.iter().filter(|h| wanted(&h.exchange, h.date.year())) {
            out.push((
                h.exchange.clone(),
                Special {
                    date: h.date,
                    name: h.name.clone(),
                    open: h.open,
                    close: h.close,
                    from_config: true,
                },
            ));
        }
        out.sort_by(|a, b| (a.0.as_str(), a.1.date).cmp(&(b.0.as_str(), b.1.date)));
        out
    }

    /// The tables themselves, for `chiptape calendar` to say where each year comes from.
    pub fn tables(&self) -> &'static [YearTable] {
        self.tables
    }
}

#[cfg(test)]
mod tests;
