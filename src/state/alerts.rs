//! Firing alerts: each price rule once per crossing, each new headline once; the log, the marks
//! that wait to be seen, and what the runtime is asked to do (bell, command).

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};

use super::State;
use super::layout::Area;
use crate::market::alerts::{Alert, Fired, FiredHeadline};
use crate::market::{Headline, Quote, Symbol};
use crate::msg::{Effect, Outcome};
use crate::present::money::Money;
use crate::present::number;

/// Entries the log keeps.
const LOG_MAX: usize = 200;

/// How long after its date an event's fired mark is kept (a date moved back stays quiet).
const EVENTS_KEPT_DAYS: i64 = 30;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Alerts {
    /// Per alert (its key): `false` once it fired while its condition still holds; it re-arms when
    /// the condition stops holding. Kept in the cache, so a restart does not fire it again.
    pub armed: HashMap<String, bool>,
    /// Oldest first.
    pub log: Vec<Fired>,
    /// Rows and headlines with an alert the user has not seen yet.
    pub marked: HashSet<Symbol>,
    pub marked_headlines: HashSet<String>,
    /// The next headlines are a baseline (at start, after a config change): seen, never fired, so
    /// a feed's first 500 old items are no alert storm.
    pub baseline: bool,
    /// The alert log's selected entry (0 = newest).
    pub cursor: usize,
    /// The log shows its second tab: every message and error of the session.
    pub messages_tab: bool,
}

/// One line for the status bar, the log and the alert command; the rule's level written through
/// `money` (hidden in the discreet mode). The price it fired at is the market's, and shown.
pub fn message(f: &Fired, money: Money) -> String {
    let what = match f.level {
        Some(level) => format!("{} {}", f.what, money.price(level)),
        None => f.what.clone(),
    };
    match (&f.symbol, &f.headline) {
        (_, Some(h)) => format!("headline ({what}): {}", h.title),
        (Some(s), None) => {
            let at = f.price.map(|p| format!(" at {}", number::price(p))).unwrap_or_default();
            format!("{s} {what}{at}")
        }
        (None, None) => what,
    }
}

impl State {
    fn fire(&mut self, fired: Fired, out: &mut Outcome) {
        let text = message(&fired, Money::SHOWN);
        let hidden = message(&fired, Money::HIDDEN);
        tracing::info!(alert = %text, "alert fired");
        self.notice =
            Some(super::Notice::warn(format!("alert: {text}")).with_discreet(format!("alert: {hidden}")));
        if let Some(s) = &fired.symbol {
            self.alerts.marked.insert(s.clone());
        }
        if let Some(h) = &fired.headline {
            self.alerts.marked_headlines.insert(h.id.clone());
        }
        self.alerts.log.push(fired);
        if self.alerts.log.len() > LOG_MAX {
            self.alerts.log.remove(0);
        }
        if self.config.alerts_bell {
            out.effects.push(Effect::Bell);
        }
        if !self.config.alerts_command.is_empty() {
            // A desktop notification is on the screen too.
            out.effects.push(Effect::AlertCommand(if self.discreet { hidden } else { text }));
        }
        out.effects.push(Effect::SaveCache);
        out.redraw = true;
    }

    /// Fresh quotes from the source (never cached or stale ones): each price rule fires when its
    /// condition holds and it is armed, then waits until the condition stops holding.
    pub(super) fn check_price_alerts(&mut self, quotes: &[&Quote], at: DateTime<Utc>, out: &mut Outcome) {
        let mut fired = Vec::new();
        for alert in &self.config.alerts {
            let Alert::Price { symbol, rule } = alert else { continue };
            let Some(q) = quotes.iter().find(|q| &q.symbol == symbol) else { continue };
            let Some(holds) = rule.holds(q) else { continue };
            let key = alert.key();
            let armed = self.alerts.armed.get(&key).copied().unwrap_or(true);
            self.alerts.armed.insert(key, !holds);
            if holds && armed {
                let (what, level) = match rule {
                    crate::market::alerts::Rule::Above(x) => ("above".to_string(), Some(*x)),
                    crate::market::alerts::Rule::Below(x) => ("below".to_string(), Some(*x)),
                    crate::market::alerts::Rule::MovePct(x) => {
                        (format!("moved {}", number::pct(q.change_pct.unwrap_or(*x))), None)
                    }
                };
                fired.push(Fired {
                    at,
                    symbol: Some(symbol.clone()),
                    what,
                    level,
                    price: q.price,
                    headline: None,
                });
            }
        }
        for f in fired {
            self.fire(f, out);
        }
    }

    /// Headlines not seen before: each fires once if any headline alert matches it (all matching
    /// phrases named). The first batch after start or a config change is the baseline.
    pub(super) fn check_headline_alerts(&mut self, new: &[&Headline], at: DateTime<Utc>, out: &mut Outcome) {
        if std::mem::take(&mut self.alerts.baseline) {
            return;
        }
        let mut fired = Vec::new();
        for h in new {
            let mut phrases: Vec<&str> = Vec::new();
            for alert in &self.config.alerts {
                phrases.extend(
                    alert.matches(h).into_iter().filter(|p| !phrases.contains(p)).collect::<Vec<_>>(),
                );
            }
            if phrases.is_empty() {
                continue;
            }
            fired.push(Fired {
                at,
                symbol: None,
                what: phrases.join(", "),
                level: None,
                price: None,
                headline: Some(FiredHeadline {
                    id: h.id.clone(),
                    title: h.title.clone(),
                    link: h.link.clone(),
                }),
            });
        }
        for f in fired {
            self.fire(f, out);
        }
    }

    /// Fresh quotes: each earnings date of a watched symbol fires once, when it comes within the
    /// alert's days (counted in the exchange's local dates). Its key is never re-armed: an event
    /// passes once.
    pub(super) fn check_earnings_alerts(&mut self, quotes: &[&Quote], at: DateTime<Utc>, out: &mut Outcome) {
        // Events long past are done with: their keys would only grow the cache.
        let done = at.date_naive() - chrono::Duration::days(EVENTS_KEPT_DAYS);
        self.alerts.armed.retain(|k, _| Alert::event_date(k).is_none_or(|d| d >= done));
        let mut fired = Vec::new();
        for alert in &self.config.alerts {
            let Alert::Earnings { within_days, .. } = alert else { continue };
            for q in quotes.iter().filter(|q| alert.watches(&q.symbol)) {
                let tz = crate::market::exchange::exchange_for(q.symbol.as_str()).tz;
                let Some(next) = q.events.next_earnings(tz, at) else { continue };
                if next.days > i64::from(*within_days) {
                    continue;
                }
                let key = alert.event_key(&q.symbol, next.date);
                if self.alerts.armed.insert(key, false) == Some(false) {
                    continue;
                }
                let what = format!("earnings {}", next.words());
                fired.push(Fired {
                    at,
                    symbol: Some(q.symbol.clone()),
                    what,
                    level: None,
                    price: None,
                    headline: None,
                });
            }
        }
        for f in fired {
            self.fire(f, out);
        }
    }

    /// A config change (alerts, symbols or feeds): alerts that are gone forget their state, and
    /// the next headlines are a baseline again.
    pub(super) fn alerts_reconfigured(&mut self) {
        let alerts = &self.config.alerts;
        self.alerts.armed.retain(|k, _| alerts.iter().any(|a| a.owns(k)));
        self.alerts.baseline = true;
    }

    /// The selection now rests on a marked row or headline: seen.
    pub(super) fn alert_seen(&mut self) {
        if let Some(s) = self.selected_symbol() {
            self.alerts.marked.remove(&s);
        }
        if let Some(id) = self.selected_headline().map(|h| h.id.clone()) {
            self.alerts.marked_headlines.remove(&id);
        }
    }

    /// The log is open: everything in it has been seen.
    pub(super) fn open_alert_log(&mut self) {
        self.open(super::Overlay::AlertLog);
        self.alerts.cursor = 0;
        self.alerts.marked.clear();
        self.alerts.marked_headlines.clear();
    }
}
/// Where the alert log (or the message log, its second tab) stands and which entries it shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LogBox {
    /// The box, its border included.
    pub area: Area,
    pub inner_w: usize,
    /// Newest first: the entries skipped above the view, and at most how many are shown.
    pub skip: usize,
    pub take: usize,
    /// As wide as the widest time stamp in view: "14:05" alone, "Nov 23 14:05" once another day shows.
    pub stamp_w: usize,
}

impl State {
    /// The log's box, centred on `screen`, as tall as what it shows needs; the selected entry in
    /// view. A message takes the rows its whole text needs at this width.
    pub fn log_box(&self, screen: Area) -> LogBox {
        use crate::present::text::{one_line, width};
        let inner_w = (screen.width as usize).saturating_sub(6).min(100);
        let room = (screen.height as usize).saturating_sub(4);
        let stamp = |at| width(&crate::present::time::stamp(at, self.now, self.zone));
        let cursor = self.alerts.cursor;
        let (inner_h, skip, take, stamp_w) = if self.alerts.messages_tab {
            let log = &self.messages.0;
            let skip = cursor.saturating_sub(room.saturating_sub(1));
            let shown = || log.iter().rev().skip(skip).take(room);
            let stamp_w = shown().map(|m| stamp(m.at)).max().unwrap_or(0);
            let rows = |m: &super::Logged| (stamp_w + 2 + width(&one_line(&m.text))).div_ceil(inner_w.max(1));
            (shown().map(rows).sum::<usize>().clamp(1, room.max(1)), skip, room, stamp_w)
        } else {
            let log = &self.alerts.log;
            let inner_h = log.len().max(1).min(room);
            let skip = cursor.saturating_sub(inner_h.saturating_sub(1));
            let stamp_w = log.iter().rev().skip(skip).take(inner_h).map(|f| stamp(f.at)).max().unwrap_or(0);
            (inner_h, skip, inner_h, stamp_w)
        };
        LogBox { area: screen.centred(inner_w, inner_h), inner_w, skip, take, stamp_w }
    }
}
