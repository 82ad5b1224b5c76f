//! Positions and totals: lots added up per symbol, values converted to the base currency.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::market::{Quote, Symbol};

/// One lot of a holding, as the config file lists it (several lots of a symbol add up).
#[derive(Debug, Clone, PartialEq)]
pub struct Position {
    pub symbol: Symbol,
    pub quantity: f64,
    pub unit_cost: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Holding {
    pub quantity: f64,
    pub avg_cost: f64,
    pub value: Option<f64>,
    pub value_base: Option<f64>,
    pub day_pnl: Option<f64>,
    pub total_pnl: Option<f64>,
    pub total_pnl_pct: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Totals {
    pub currency: String,
    pub value: f64,
    pub day_pnl: f64,
    pub total_pnl: f64,
    pub total_pnl_pct: Option<f64>,
    /// Currencies held that could not be converted; their holdings are left out of the sums.
    pub missing_rates: Vec<String>,
}

/// London quotes come in pence (`GBp`): the major currency and the factor to it.
pub fn major_currency(cur: &str) -> (String, f64) {
    match cur {
        "GBp" | "GBX" => ("GBP".to_string(), 0.01),
        "ZAc" => ("ZAR".to_string(), 0.01),
        "ILA" => ("ILS".to_string(), 0.01),
        other => (other.to_ascii_uppercase(), 1.0),
    }
}

/// The FX symbol whose price converts `cur` into `base` (`HKDUSD=X`), or None when no conversion is needed.
pub fn fx_symbol(cur: &str, base: &str) -> Option<Symbol> {
    let (major, _) = major_currency(cur);
    if major == base {
        return None;
    }
    Symbol::parse(&format!("{major}{base}=X")).ok()
}

/// Lots of each symbol added up.
pub fn lots(positions: &[Position]) -> BTreeMap<Symbol, (f64, f64)> {
    let mut out: BTreeMap<Symbol, (f64, f64)> = BTreeMap::new();
    for p in positions {
        let e = out.entry(p.symbol.clone()).or_insert((0.0, 0.0));
        e.0 += p.quantity;
        e.1 += p.quantity * p.unit_cost;
    }
    out
}

/// The holding in `sym`, when the positions list it: its lots added up and valued at `quote`.
pub fn holding_in(
    positions: &[Position],
    sym: &Symbol,
    quote: Option<&Quote>,
    rate: Option<f64>,
) -> Option<Holding> {
    lots(positions).get(sym).map(|(qty, cost)| holding(*qty, *cost, quote, rate))
}

/// `rate`: units of the base currency per unit of the quote's major currency.
pub fn holding(quantity: f64, cost: f64, quote: Option<&Quote>, rate: Option<f64>) -> Holding {
    let avg_cost = if quantity != 0.0 { cost / quantity } else { 0.0 };
    let price = quote.and_then(|q| q.price);
    let value = price.map(|p| p * quantity);
    let factor = quote.and_then(|q| q.currency.as_deref()).map_or(1.0, |c| major_currency(c).1);
    let value_base = value.zip(rate).map(|(v, r)| v * factor * r);
    let day_pnl = quote.and_then(|q| q.change).map(|c| c * quantity);
    let total_pnl = value.map(|v| v - cost);
    let total_pnl_pct = total_pnl.filter(|_| cost != 0.0).map(|t| t / cost.abs() * 100.0);
    Holding { quantity, avg_cost, value, value_base, day_pnl, total_pnl, total_pnl_pct }
}

/// Sum holdings in the base currency. `held`: (holding, quote currency, rate to base).
pub fn totals(base: &str, held: &[(Holding, Option<String>, Option<f64>)]) -> Totals {
    let mut t = Totals {
        currency: base.to_string(),
        value: 0.0,
        day_pnl: 0.0,
        total_pnl: 0.0,
        total_pnl_pct: None,
        missing_rates: Vec::new(),
    };
    let mut cost_base = 0.0;
    for (h, cur, rate) in held {
        let factor = cur.as_deref().map_or(1.0, |c| major_currency(c).1);
        let Some(rate) = rate else {
            if let Some(c) = cur {
                let major = major_currency(c).0;
                if !t.missing_rates.contains(&major) {
                    t.missing_rates.push(major);
                }
            }
            continue;
        };
        let k = factor * rate;
        t.value += h.value.unwrap_or(0.0) * k;
        t.day_pnl += h.day_pnl.unwrap_or(0.0) * k;
        t.total_pnl += h.total_pnl.unwrap_or(0.0) * k;
        cost_base += h.avg_cost * h.quantity * k;
    }
    if cost_base != 0.0 {
        t.total_pnl_pct = Some(t.total_pnl / cost_base.abs() * 100.0);
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(price: f64, change: f64, cur: &str) -> Quote {
        Quote {
            price: Some(price),
            change: Some(change),
            currency: Some(cur.to_string()),
            ..Quote::default()
        }
    }

    #[test]
    fn lots_add_up() {
        let s = Symbol::parse("NVDA").unwrap();
        let p = |q, c| Position { symbol: s.clone(), quantity: q, unit_cost: c };
        let l = lots(&[p(10.0, 100.0), p(10.0, 200.0)]);
        let (qty, cost) = l[&s];
        let h = holding(qty, cost, Some(&q(180.0, 2.0, "USD")), Some(1.0));
        assert_eq!(h.quantity, 20.0);
        assert_eq!(h.avg_cost, 150.0);
        assert_eq!(h.value, Some(3600.0));
        assert_eq!(h.day_pnl, Some(40.0));
        assert_eq!(h.total_pnl, Some(600.0));
        assert_eq!(h.total_pnl_pct, Some(20.0));
    }

    #[test]
    fn pence_and_missing_rates() {
        let h = holding(100.0, 10_000.0, Some(&q(120.0, 1.0, "GBp")), Some(1.25));
        assert_eq!(h.value_base, Some(150.0)); // 100 × 120p = £120 → $150
        let t = totals(
            "USD",
            &[
                (h, Some("GBp".into()), Some(1.25)),
                (holding(1.0, 1.0, Some(&q(2.0, 0.0, "HKD")), None), Some("HKD".into()), None),
            ],
        );
        assert_eq!(t.value, 150.0);
        assert_eq!(t.missing_rates, vec!["HKD"]);
        assert_eq!(fx_symbol("GBp", "USD").unwrap().as_str(), "GBPUSD=X");
        assert_eq!(fx_symbol("USD", "USD"), None);
    }

    #[test]
    fn unknown_price_is_unknown_value() {
        let h = holding(5.0, 50.0, None, Some(1.0));
        assert_eq!(h.value, None);
        assert_eq!(h.total_pnl, None);
    }
}
