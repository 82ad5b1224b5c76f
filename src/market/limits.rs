//! Mainland price limits and suspensions. A Shanghai or Shenzhen share may move only so far from
//! its previous close in a day (±10 % on the main boards, ±20 % on STAR and ChiNext, ±5 % for ST
//! names); the exchange publishes each day's two prices, and a stock at one of them cannot be
//! bought (at limit up) or sold (at limit down). A suspended stock does not trade at all.

use chrono::NaiveTime;
use serde::Serialize;

use super::Quote;

/// Where a price stands against the day's limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum AtLimit {
    Up,
    Down,
}

/// Within half the smallest price step (0.001 for funds) a price is at the limit: the two are
/// the same exchange price, written through floating point.
const AT: f64 = 0.0005;

impl AtLimit {
    /// The row's word and arrow, in the reader's script: colour is never the only cue.
    pub fn mark(self, chinese: bool) -> &'static str {
        match (self, chinese) {
            (AtLimit::Up, false) => "LIMIT ▲",
            (AtLimit::Down, false) => "LIMIT ▼",
            (AtLimit::Up, true) => "涨停",
            (AtLimit::Down, true) => "跌停",
        }
    }

    /// The sign of the move it stands for (a colour's direction).
    pub fn sign(self) -> f64 {
        match self {
            AtLimit::Up => 1.0,
            AtLimit::Down => -1.0,
        }
    }
}

/// The quote at its limit up or down; none without limits, or halted (a suspended stock's last
/// price is yesterday's close, at no limit).
pub fn at_limit(q: &Quote) -> Option<AtLimit> {
    if q.halted {
        return None;
    }
    let p = q.price?;
    if q.limit_up.is_some_and(|up| p >= up - AT) {
        Some(AtLimit::Up)
    } else if q.limit_down.is_some_and(|down| p <= down + AT) {
        Some(AtLimit::Down)
    } else {
        None
    }
}

/// The continuous session opens at 09:30 in Shanghai and Shenzhen: by then every stock that trades
/// today has an opening price from the call auction.
const OPEN: NaiveTime = match NaiveTime::from_hms_opt(9, 30, 0) {
    Some(t) => t,
    None => panic!("09:30 is a time"),
};

/// A mainland snapshot taken past the open (`local`: its exchange time of day) with no opening
/// price and no volume: the stock has not traded today, which for an A share means suspended.
/// Before the open nothing has traded yet, and that says nothing.
pub fn looks_suspended(open: Option<f64>, volume: Option<u64>, local: NaiveTime) -> bool {
    open.is_none_or(|o| o <= 0.0) && volume == Some(0) && local >= OPEN
}

/// The limits the board rules give for a mainland code from its previous close: ±20 % on STAR
/// (688…) and ChiNext (300…, 301…), ±10 % elsewhere, at the cent. ST names (±5 %) and the first
/// days of a listing (none) are not told by the code: the real sources give the exchange's own
/// figures, and only the demo market uses this.
pub fn board_limits(code: &str, previous_close: f64) -> (f64, f64) {
    let band = if ["688", "300", "301"].iter().any(|p| code.starts_with(p)) { 0.2 } else { 0.1 };
    let cent = |x: f64| (x * 100.0).round() / 100.0;
    (cent(previous_close * (1.0 + band)), cent(previous_close * (1.0 - band)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(price: f64, up: Option<f64>, down: Option<f64>) -> Quote {
        Quote { price: Some(price), limit_up: up, limit_down: down, ..Quote::default() }
    }

    #[test]
    fn at_a_limit_within_half_a_tick() {
        // Cambricon on STAR, previous close 1,250.00: limits 1,500.00 and 1,000.00.
        assert_eq!(at_limit(&q(1500.0, Some(1500.0), Some(1000.0))), Some(AtLimit::Up));
        assert_eq!(at_limit(&q(1499.9999, Some(1500.0), Some(1000.0))), Some(AtLimit::Up), "float noise");
        assert_eq!(at_limit(&q(1499.99, Some(1500.0), Some(1000.0))), None, "one tick below is not at it");
        assert_eq!(at_limit(&q(1000.0, Some(1500.0), Some(1000.0))), Some(AtLimit::Down));
        assert_eq!(at_limit(&q(1200.0, None, None)), None, "no limits, no mark");
        let halted = Quote { halted: true, ..q(1500.0, Some(1500.0), Some(1000.0)) };
        assert_eq!(at_limit(&halted), None);
    }

    #[test]
    fn board_limits_by_code() {
        assert_eq!(board_limits("688256", 1250.0), (1500.0, 1000.0));
        assert_eq!(board_limits("002371", 400.0), (440.0, 360.0));
        assert_eq!(board_limits("300750", 12.34), (14.81, 9.87));
    }

    #[test]
    fn marks_in_both_scripts() {
        assert_eq!(AtLimit::Up.mark(false), "LIMIT ▲");
        assert_eq!(AtLimit::Down.mark(false), "LIMIT ▼");
        assert_eq!(AtLimit::Up.mark(true), "涨停");
        assert_eq!(AtLimit::Down.mark(true), "跌停");
        assert_eq!(serde_json::to_string(&AtLimit::Up).unwrap(), "\"up\"");
    }

    #[test]
    fn suspended_is_no_trade_past_the_open() {
        let t = |h, m| NaiveTime::from_hms_opt(h, m, 0).unwrap();
        assert!(looks_suspended(None, Some(0), t(10, 5)));
        assert!(looks_suspended(Some(0.0), Some(0), t(15, 0)), "all day");
        assert!(!looks_suspended(None, Some(0), t(9, 20)), "the call auction: nothing traded yet");
        assert!(!looks_suspended(Some(62.1), Some(0), t(10, 5)), "an open price is a trade");
        assert!(!looks_suspended(None, Some(1200), t(10, 5)));
        assert!(!looks_suspended(None, None, t(10, 5)), "an unknown volume says nothing");
    }
}
