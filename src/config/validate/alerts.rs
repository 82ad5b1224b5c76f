//! `[[alerts]]`: price limits on a symbol, phrases in headlines, coming earnings dates.

use super::super::*;
use super::Validator;
use super::raw;
use crate::config::locate::KeyPath;

/// The most days ahead an earnings alert may look: sources know the next report a quarter ahead
/// at best, and a longer lead would be noise.
pub const EARNINGS_MAX_DAYS: i64 = 90;

impl Validator {
    pub(super) fn alerts(&mut self, raw: Vec<raw::RawAlert>) -> Vec<Alert> {
        let p = KeyPath::root().key("alerts");
        let mut out = Vec::new();
        for (i, r) in raw.into_iter().enumerate() {
            let ap = p.index(i);
            if let Some(days) = r.earnings_within_days {
                out.extend(self.earnings_alert(&ap, days, r));
                continue;
            }
            let prices = [("above", r.above), ("below", r.below), ("move_pct", r.move_pct)];
            let has_price = prices.iter().any(|(_, v)| v.is_some());
            match (r.symbol, r.keywords) {
                (Some(_), Some(_)) => {
                    self.bad(
                        ap.key("keywords"),
                        "an alert is on a symbol's price or on headlines' keywords, not both",
                    );
                }
                (None, None) => self.bad(
                    ap.clone(),
                    "an alert needs a symbol with above, below or move_pct, headline keywords, or earnings_within_days",
                ),
                (Some(raw_sym), None) => {
                    if r.symbols.is_some() {
                        self.bad(
                            ap.key("symbols"),
                            "`symbols` narrows a keyword alert; a price alert has `symbol`",
                        );
                    }
                    if !has_price {
                        self.bad(ap.clone(), "an alert needs at least one of above, below, move_pct");
                    }
                    for (k, v) in prices {
                        if let Some(v) = v {
                            self.check(ap.key(k), v.is_finite() && v > 0.0, "a positive number", v);
                        }
                    }
                    if let (Some(a), Some(b)) = (r.above, r.below)
                        && a <= b
                    {
                        self.bad(ap.key("above"), format!("must be greater than below ({a} <= {b})"));
                    }
                    if let Some(symbol) = self.symbol(ap.key("symbol"), &raw_sym) {
                        let rules = [
                            r.above.map(Rule::Above),
                            r.below.map(Rule::Below),
                            r.move_pct.map(Rule::MovePct),
                        ];
                        out.extend(
                            rules
                                .into_iter()
                                .flatten()
                                .map(|rule| Alert::Price { symbol: symbol.clone(), rule }),
                        );
                    }
                }
                (None, Some(words)) => {
                    for (k, v) in prices {
                        if v.is_some() {
                            self.bad(
                                ap.key(k),
                                "a keyword alert fires on headlines; price limits need a `symbol`",
                            );
                        }
                    }
                    let keywords = self.phrases(ap.key("keywords"), words);
                    if keywords.is_empty() {
                        self.bad(ap.key("keywords"), "give at least one phrase");
                    }
                    let symbols = self.alert_symbols(&ap, r.symbols);
                    out.push(Alert::Headline { keywords, symbols });
                }
            }
        }
        out
    }

    /// An alert's `symbols`, each checked where it stands.
    fn alert_symbols(&mut self, ap: &KeyPath, raw: Option<Vec<String>>) -> Vec<crate::market::Symbol> {
        let raw = raw.unwrap_or_default();
        raw.iter().enumerate().filter_map(|(j, s)| self.symbol(ap.key("symbols").index(j), s)).collect()
    }

    /// `earnings_within_days = N`, with `symbols` to narrow it: nothing else goes with it.
    fn earnings_alert(&mut self, ap: &KeyPath, days: i64, r: raw::RawAlert) -> Option<Alert> {
        let others = [
            ("symbol", r.symbol.is_some()),
            ("above", r.above.is_some()),
            ("below", r.below.is_some()),
            ("move_pct", r.move_pct.is_some()),
            ("keywords", r.keywords.is_some()),
        ];
        for (k, _) in others.iter().filter(|(_, set)| *set) {
            self.bad(
                ap.key(k),
                "an earnings alert takes only `symbols` beside earnings_within_days (make it its own [[alerts]])",
            );
        }
        let ok = (0..=EARNINGS_MAX_DAYS).contains(&days);
        self.check(
            ap.key("earnings_within_days"),
            ok,
            &format!("a whole number of days from 0 (on the day) to {EARNINGS_MAX_DAYS}"),
            days,
        );
        let symbols = self.alert_symbols(ap, r.symbols);
        let within_days = u32::try_from(days).ok().filter(|_| ok)?;
        Some(Alert::Earnings { within_days, symbols })
    }
}
