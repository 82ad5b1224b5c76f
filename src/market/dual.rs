//! Dual listings: the same company in Hong Kong (the H line) and in Shanghai or Shenzhen (the A
//! line), and the A/H premium between them, the market's own gauge of mainland enthusiasm.

use super::Symbol;
use super::portfolio::fx_symbol;

/// The H line of a dual listing: Hong Kong.
pub fn is_h(sym: &Symbol) -> bool {
    sym.suffix() == Some("HK")
}

/// The A line: Shanghai or Shenzhen.
pub fn is_a(sym: &Symbol) -> bool {
    matches!(sym.suffix(), Some("SS" | "SZ"))
}

/// One line in Hong Kong and the other on the mainland, in either order.
pub fn is_ah(a: &Symbol, b: &Symbol) -> bool {
    (is_h(a) && is_a(b)) || (is_a(a) && is_h(b))
}

/// The two lines as (A, H), whichever of them `sym` is.
pub fn a_and_h<'a>(sym: &'a Symbol, pair: &'a Symbol) -> Option<(&'a Symbol, &'a Symbol)> {
    if is_a(sym) && is_h(pair) {
        Some((sym, pair))
    } else if is_h(sym) && is_a(pair) {
        Some((pair, sym))
    } else {
        None
    }
}

/// The currencies the premium converts between: the FX pairs that bring them to `base` are the
/// portfolio's own (`HKDUSD=X`, `CNYUSD=X`), so the two share their quotes.
pub const CURRENCIES: [&str; 2] = ["HKD", "CNY"];

/// Yuan per Hong Kong dollar, from each currency's rate to `base` (a cross through it: HKD→USD
/// over CNY→USD). `rate` gives the price of an FX symbol; None when one is missing or not positive.
pub fn hkd_to_cny(base: &str, rate: impl Fn(&Symbol) -> Option<f64>) -> Option<f64> {
    let to_base = |cur: &str| match fx_symbol(cur, base) {
        None => Some(1.0),
        Some(fx) => rate(&fx).filter(|r| r.is_finite() && *r > 0.0),
    };
    Some(to_base("HKD")? / to_base("CNY")?)
}

/// The premium of the A line over the H line, in percent: `A / (H × HKD→CNY) − 1`. None, never 0,
/// when a price or the rate is missing.
pub fn ah_premium_pct(a_cny: Option<f64>, h_hkd: Option<f64>, hkd_cny: Option<f64>) -> Option<f64> {
    let (a, h, r) = (a_cny?, h_hkd?, hkd_cny?);
    let h_in_cny = h * r;
    (a.is_finite() && a > 0.0 && h_in_cny.is_finite() && h_in_cny > 0.0).then(|| (a / h_in_cny - 1.0) * 100.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sym(s: &str) -> Symbol {
        Symbol::parse(s).unwrap()
    }

    /// Worked by hand: A 80.00 CNY, H 60.00 HKD at 0.92 CNY per HKD is 55.20 CNY, and
    /// 80 / 55.2 − 1 = 0.449275…: a premium of 44.93 %.
    #[test]
    fn the_premium_against_a_hand_computation() {
        let p = ah_premium_pct(Some(80.0), Some(60.0), Some(0.92)).unwrap();
        assert!((p - 44.927_536).abs() < 1e-5, "{p}");
        // An A line cheaper than its H line is a discount: negative.
        let d = ah_premium_pct(Some(50.0), Some(60.0), Some(0.92)).unwrap();
        assert!((d - (50.0 / 55.2 - 1.0) * 100.0).abs() < 1e-9 && d < 0.0, "{d}");
    }

    #[test]
    fn a_missing_side_or_rate_is_none_never_zero() {
        assert_eq!(ah_premium_pct(None, Some(60.0), Some(0.92)), None);
        assert_eq!(ah_premium_pct(Some(80.0), None, Some(0.92)), None);
        assert_eq!(ah_premium_pct(Some(80.0), Some(60.0), None), None);
        assert_eq!(ah_premium_pct(Some(80.0), Some(0.0), Some(0.92)), None, "no price is not a price of 0");
        assert_eq!(ah_premium_pct(Some(f64::NAN), Some(60.0), Some(0.92)), None);
    }

    /// The rate is a cross through the base currency, whatever the base.
    #[test]
    fn hkd_to_cny_crosses_through_the_base() {
        let rates = |pairs: &'static [(&'static str, f64)]| {
            move |s: &Symbol| pairs.iter().find(|(k, _)| *k == s.as_str()).map(|(_, v)| *v)
        };
        // 0.1285 USD per HKD over 0.1397 USD per CNY.
        let usd = hkd_to_cny("USD", rates(&[("HKDUSD=X", 0.1285), ("CNYUSD=X", 0.1397)])).unwrap();
        assert!((usd - 0.1285 / 0.1397).abs() < 1e-12, "{usd}");
        assert_eq!(hkd_to_cny("CNY", rates(&[("HKDCNY=X", 0.92)])), Some(0.92));
        let hkd = hkd_to_cny("HKD", rates(&[("CNYHKD=X", 1.087)])).unwrap();
        assert!((hkd - 1.0 / 1.087).abs() < 1e-12);
        assert_eq!(hkd_to_cny("USD", rates(&[("HKDUSD=X", 0.1285)])), None, "CNY's rate missing");
        assert_eq!(hkd_to_cny("USD", rates(&[("HKDUSD=X", 0.1285), ("CNYUSD=X", 0.0)])), None);
    }

    #[test]
    fn lines_are_told_by_their_exchange() {
        assert!(is_ah(&sym("0981.HK"), &sym("688981.SS")));
        assert!(is_ah(&sym("000063.SZ"), &sym("0763.HK")));
        assert!(!is_ah(&sym("0981.HK"), &sym("9988.HK")));
        assert!(!is_ah(&sym("BABA"), &sym("9988.HK")), "an ADR is not an A line");
        assert_eq!(a_and_h(&sym("0981.HK"), &sym("688981.SS")).map(|(a, _)| a.as_str()), Some("688981.SS"));
    }
}
