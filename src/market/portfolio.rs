//! Positions and totals: lots added up per symbol, values converted to the base currency.

use std::collections::{BTreeMap, BTreeSet};

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
    /// In the trading currency; unknown without a price.
    pub value: Option<f64>,
    /// In the base currency; unknown without a price or a rate.
    pub value_base: Option<f64>,
    pub day_pnl: Option<f64>,
    /// The day's P&L in the base currency, beside `value_base`; unknown without a rate. Not in the
    /// command line's JSON, whose fields are a contract.
    #[serde(skip)]
    pub day_pnl_base: Option<f64>,
    pub total_pnl: Option<f64>,
    pub total_pnl_pct: Option<f64>,
    /// Share of the book's gross value (every |value| in the base currency added up), in percent:
    /// a short counts by its size, so weights stay between 0 and 100 with shorts in the book.
    pub weight_pct: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Totals {
    pub currency: String,
    pub value: f64,
    pub day_pnl: f64,
    pub total_pnl: f64,
    /// Against the gross cost (every |cost| added up): a long and a short of similar size net to a
    /// small cost, and a percentage of that would say nothing about the money at risk.
    pub total_pnl_pct: Option<f64>,
    /// Currencies held that could not be converted; their holdings are left out of every sum.
    pub missing_rates: Vec<String>,
    /// Symbols held without a price; left out of every sum (value and cost alike).
    pub missing_prices: Vec<String>,
}

/// Every holding valued, and the totals in the base currency.
#[derive(Debug, Clone, PartialEq)]
pub struct Valued {
    pub holdings: BTreeMap<Symbol, Holding>,
    pub totals: Totals,
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

/// The currency a listing usually trades in, told by its suffix: what a quote will most likely say
/// before one has come (the quote's own currency wins once it has). `None` where the suffix says
/// nothing (an index, a future, an exchange not in this table).
pub fn listing_currency(sym: &Symbol) -> Option<&'static str> {
    let s = sym.as_str();
    if s.starts_with('^') || s.ends_with("=X") || s.ends_with("=F") || s.contains('-') && !s.contains('.') {
        return None;
    }
    Some(match sym.suffix() {
        None => "USD",
        Some("HK") => "HKD",
        Some("SS" | "SZ") => "CNY",
        Some("T") => "JPY",
        Some("TW" | "TWO") => "TWD",
        Some("KS" | "KQ") => "KRW",
        Some("L") => "GBp",
        Some("AS" | "PA" | "DE" | "F" | "MI" | "BR") => "EUR",
        Some("TO" | "V") => "CAD",
        Some("AX") => "AUD",
        Some("SI") => "SGD",
        Some("BO" | "NS") => "INR",
        Some("SW") => "CHF",
        _ => return None,
    })
}

/// The FX pairs that convert these currencies into `base`, each once and in order.
pub fn fx_pairs<'a>(currencies: impl IntoIterator<Item = &'a str>, base: &str) -> Vec<Symbol> {
    currencies.into_iter().filter_map(|c| fx_symbol(c, base)).collect::<BTreeSet<_>>().into_iter().collect()
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

/// `rate`: units of the base currency per unit of the quote's major currency.
pub fn holding(quantity: f64, cost: f64, quote: Option<&Quote>, rate: Option<f64>) -> Holding {
    let avg_cost = if quantity != 0.0 { cost / quantity } else { 0.0 };
    let price = quote.and_then(|q| q.price);
    let value = price.map(|p| p * quantity);
    let factor = quote.and_then(|q| q.currency.as_deref()).map_or(1.0, |c| major_currency(c).1);
    let value_base = value.zip(rate).map(|(v, r)| v * factor * r);
    let day_pnl = quote.and_then(|q| q.change).map(|c| c * quantity);
    let day_pnl_base = day_pnl.zip(rate).map(|(d, r)| d * factor * r);
    let total_pnl = value.map(|v| v - cost);
    let total_pnl_pct = total_pnl.filter(|_| cost != 0.0).map(|t| t / cost.abs() * 100.0);
    Holding {
        quantity,
        avg_cost,
        value,
        value_base,
        day_pnl,
        day_pnl_base,
        total_pnl,
        total_pnl_pct,
        weight_pct: None,
    }
}

/// Value every position: `quote` gives a symbol's quote, `rate` the price of an FX pair
/// (`HKDUSD=X`). Unknown is never zero: a holding without a price, or whose currency cannot be
/// converted, is left out of the value and of the cost alike, and named in the totals.
pub fn value_all<'a>(
    positions: &[Position],
    base: &str,
    quote: impl Fn(&Symbol) -> Option<&'a Quote>,
    rate: impl Fn(&Symbol) -> Option<f64>,
) -> Valued {
    let mut t = Totals {
        currency: base.to_string(),
        value: 0.0,
        day_pnl: 0.0,
        total_pnl: 0.0,
        total_pnl_pct: None,
        missing_rates: Vec::new(),
        missing_prices: Vec::new(),
    };
    let mut gross_cost = 0.0;
    let mut gross_value = 0.0;
    let mut holdings = BTreeMap::new();
    for (sym, (qty, cost)) in lots(positions) {
        let q = quote(&sym);
        let cur = q.and_then(|q| q.currency.as_deref());
        let r = cur.and_then(|c| match fx_symbol(c, base) {
            None => Some(1.0),
            Some(fx) => rate(&fx),
        });
        let h = holding(qty, cost, q, r);
        match (h.value, h.value_base) {
            (None, _) => t.missing_prices.push(sym.to_string()),
            (Some(_), None) => {
                let name = cur.map_or_else(|| format!("{sym}'s currency"), |c| major_currency(c).0);
                if !t.missing_rates.contains(&name) {
                    t.missing_rates.push(name);
                }
            }
            (Some(_), Some(value_base)) => {
                // Trading currency to base: the minor unit's factor (pence) times the rate.
                let k = cur.map_or(1.0, |c| major_currency(c).1) * r.unwrap_or(1.0);
                t.value += value_base;
                t.day_pnl += h.day_pnl.unwrap_or(0.0) * k;
                t.total_pnl += h.total_pnl.unwrap_or(0.0) * k;
                gross_cost += (cost * k).abs();
                gross_value += value_base.abs();
            }
        }
        holdings.insert(sym, h);
    }
    if gross_cost != 0.0 {
        t.total_pnl_pct = Some(t.total_pnl / gross_cost * 100.0);
    }
    if gross_value != 0.0 {
        for h in holdings.values_mut() {
            h.weight_pct = h.value_base.map(|v| v.abs() / gross_value * 100.0);
        }
    }
    Valued { holdings, totals: t }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(sym: &str, price: Option<f64>, change: f64, cur: &str) -> Quote {
        Quote {
            symbol: Symbol::parse(sym).unwrap(),
            price,
            change: Some(change),
            currency: Some(cur.to_string()),
            ..Quote::default()
        }
    }

    fn lot(sym: &str, quantity: f64, unit_cost: f64) -> Position {
        Position { symbol: Symbol::parse(sym).unwrap(), quantity, unit_cost }
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    /// Lots add up; the average cost is their weighted mean; P&L against it.
    #[test]
    fn lots_average_cost_and_pnl() {
        let quotes = [q("NVDA", Some(180.0), 2.0, "USD")];
        let v = value_all(
            &[lot("NVDA", 10.0, 100.0), lot("NVDA", 10.0, 200.0)],
            "USD",
            |s| quotes.iter().find(|x| &x.symbol == s),
            |_| None,
        );
        let h = &v.holdings[&Symbol::parse("NVDA").unwrap()];
        assert_eq!((h.quantity, h.avg_cost), (20.0, 150.0)); // (10×100 + 10×200) / 20
        assert_eq!(h.value, Some(3600.0)); // 20 × 180
        assert_eq!(h.day_pnl, Some(40.0)); // 20 × 2
        assert_eq!(h.total_pnl, Some(600.0)); // 3600 − 3000
        assert_eq!(h.total_pnl_pct, Some(20.0)); // 600 / 3000
        assert_eq!(h.weight_pct, Some(100.0));
        assert_eq!((v.totals.value, v.totals.total_pnl, v.totals.total_pnl_pct), (3600.0, 600.0, Some(20.0)));
    }

    /// A short position: negative quantity and value, a gain when the price falls.
    #[test]
    fn shorts() {
        let quotes = [q("INTC", Some(20.0), -1.0, "USD")];
        let v = value_all(
            &[lot("INTC", -100.0, 25.0)],
            "USD",
            |s| quotes.iter().find(|x| &x.symbol == s),
            |_| None,
        );
        let h = &v.holdings[&Symbol::parse("INTC").unwrap()];
        assert_eq!(h.avg_cost, 25.0);
        assert_eq!(h.value, Some(-2000.0)); // −100 × 20
        assert_eq!(h.total_pnl, Some(500.0)); // −2000 − (−2500)
        assert_eq!(h.total_pnl_pct, Some(20.0)); // 500 / 2500
        assert_eq!(h.day_pnl, Some(100.0)); // −100 × −1
    }

    /// A long and a short: P&L % against what is at risk (the gross cost), weights by size. Netted,
    /// the book showed +141 % and a weight of 724 %.
    #[test]
    fn a_book_with_shorts_against_its_gross() {
        let quotes = [q("NVDA", Some(110.0), 1.0, "USD"), q("INTC", Some(24.0), -0.5, "USD")];
        let v = value_all(
            &[lot("NVDA", 100.0, 100.0), lot("INTC", -350.0, 26.0)],
            "USD",
            |s| quotes.iter().find(|x| &x.symbol == s),
            |_| None,
        );
        // Long: 11000 − 10000 = +1000; short: −8400 − (−9100) = +700.
        assert!(close(v.totals.total_pnl, 1700.0));
        // Gross cost 10000 + 9100; the net cost (900) would have made it +189 %.
        let pct = v.totals.total_pnl_pct.unwrap();
        assert!(close(pct, 1700.0 / 19100.0 * 100.0), "{pct}");
        assert!(close(v.totals.value, 11000.0 - 8400.0)); // the net value stays the sum
        let w = |s: &str| v.holdings[&Symbol::parse(s).unwrap()].weight_pct.unwrap();
        assert!(close(w("NVDA"), 11000.0 / 19400.0 * 100.0));
        assert!(close(w("INTC"), 8400.0 / 19400.0 * 100.0));
        assert!(close(w("NVDA") + w("INTC"), 100.0));
    }

    /// HKD, CNY and EUR at their rates, pence as a hundredth of a pound; weights in USD.
    #[test]
    fn fx_and_weights() {
        let quotes = [
            q("0981.HK", Some(72.0), 1.0, "HKD"),
            q("688256.SS", Some(1600.0), -10.0, "CNY"),
            q("ASML.AS", Some(700.0), 5.0, "EUR"),
            q("ARM.L", Some(1200.0), 10.0, "GBp"),
        ];
        let rates = [("HKDUSD=X", 0.128), ("CNYUSD=X", 0.14), ("EURUSD=X", 1.05), ("GBPUSD=X", 1.25)];
        let v = value_all(
            &[
                lot("0981.HK", 1000.0, 40.0),
                lot("688256.SS", 10.0, 1000.0),
                lot("ASML.AS", 2.0, 600.0),
                lot("ARM.L", 100.0, 1000.0),
            ],
            "USD",
            |s| quotes.iter().find(|x| &x.symbol == s),
            |fx| rates.iter().find(|(s, _)| *s == fx.as_str()).map(|(_, r)| *r),
        );
        let base = |s: &str| v.holdings[&Symbol::parse(s).unwrap()].value_base.unwrap();
        assert!(close(base("0981.HK"), 9216.0)); // 1000 × 72 HKD × 0.128
        assert!(close(base("688256.SS"), 2240.0)); // 10 × 1600 CNY × 0.14
        assert!(close(base("ASML.AS"), 1470.0)); // 2 × 700 EUR × 1.05
        assert!(close(base("ARM.L"), 1500.0)); // 100 × 1200 p = £1200 × 1.25
        let day = |s: &str| v.holdings[&Symbol::parse(s).unwrap()].day_pnl_base.unwrap();
        assert!(close(day("0981.HK"), 128.0)); // 1 HKD × 1000 × 0.128
        assert!(close(day("ARM.L"), 12.5)); // 10 p × 100 = £10 × 1.25
        let total = 9216.0 + 2240.0 + 1470.0 + 1500.0;
        assert!(close(v.totals.value, total));
        // P&L in USD: (72−40)×1000×0.128 + (1600−1000)×10×0.14 + (700−600)×2×1.05 + (1200−1000)p×100×0.01×1.25
        assert!(close(v.totals.total_pnl, 4096.0 + 840.0 + 210.0 + 250.0));
        // Day: 1×1000×0.128 − 10×10×0.14 + 5×2×1.05 + 10p×100×0.01×1.25
        assert!(close(v.totals.day_pnl, 128.0 - 14.0 + 10.5 + 12.5));
        let weight = v.holdings[&Symbol::parse("0981.HK").unwrap()].weight_pct.unwrap();
        assert!(close(weight, 9216.0 / total * 100.0));
        assert!(v.totals.missing_rates.is_empty() && v.totals.missing_prices.is_empty());
    }

    /// Unknown is never zero: a holding without a price or without a rate is left out of value and
    /// cost alike (a price-less holding used to add 0 to the value and all of its cost), and named.
    #[test]
    fn a_missing_rate_and_a_missing_price() {
        let quotes = [
            q("NVDA", Some(110.0), 1.0, "USD"),
            q("0981.HK", Some(72.0), 1.0, "HKD"),
            q("ZZZ", None, 0.0, "USD"),
        ];
        let v = value_all(
            &[lot("NVDA", 10.0, 100.0), lot("0981.HK", 1000.0, 40.0), lot("ZZZ", 50.0, 10.0)],
            "USD",
            |s| quotes.iter().find(|x| &x.symbol == s),
            |_| None,
        );
        assert_eq!(v.totals.value, 1100.0); // NVDA only: 10 × 110
        assert_eq!(v.totals.total_pnl, 100.0); // 1100 − 1000
        assert_eq!(v.totals.total_pnl_pct, Some(10.0)); // 100 / 1000, not 100 / 1500 with ZZZ's cost
        assert_eq!(v.totals.missing_rates, ["HKD"]);
        assert_eq!(v.totals.missing_prices, ["ZZZ"]);
        assert_eq!(v.holdings[&Symbol::parse("ZZZ").unwrap()].value, None);
    }

    #[test]
    fn fx_symbols() {
        assert_eq!(fx_symbol("GBp", "USD").unwrap().as_str(), "GBPUSD=X");
        assert_eq!(fx_symbol("HKD", "EUR").unwrap().as_str(), "HKDEUR=X");
        assert_eq!(fx_symbol("USD", "USD"), None);
    }

    /// One pair per foreign currency, in order; the base currency and a quote without one need none.
    #[test]
    fn fx_pairs_of_quotes() {
        let quotes = [
            q("ARM.L", Some(1200.0), 10.0, "GBp"),
            q("0981.HK", Some(72.0), 1.0, "HKD"),
            q("NVDA", Some(110.0), 1.0, "USD"),
            q("0700.HK", Some(500.0), 1.0, "HKD"),
            Quote { currency: None, ..q("ZZZ", None, 0.0, "USD") },
        ];
        let currencies = quotes.iter().filter_map(|q| q.currency.as_deref());
        let pairs: Vec<String> = fx_pairs(currencies, "USD").iter().map(|s| s.to_string()).collect();
        assert_eq!(pairs, ["GBPUSD=X", "HKDUSD=X"]);
    }

    #[test]
    fn a_listing_currency_by_its_suffix() {
        let cur = |s: &str| listing_currency(&Symbol::parse(s).unwrap());
        assert_eq!(
            [cur("0981.HK"), cur("688981.SS"), cur("NVDA"), cur("ASML.AS")],
            [Some("HKD"), Some("CNY"), Some("USD"), Some("EUR")]
        );
        assert_eq!([cur("^HSI"), cur("EURUSD=X"), cur("GC=F"), cur("BTC-USD"), cur("X.ZZ")], [None; 5]);
    }
}
