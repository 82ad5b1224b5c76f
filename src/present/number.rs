//! Number formatting shared by the screen and the `quotes` table.

/// A price with the precision its size needs: "912.40", "0.845"; beyond ten million, compact
/// ("12.3M"), so no label grows past a few cells.
pub fn price(p: f64) -> String {
    if p.abs() >= 1e7 {
        compact(p)
    } else if p.abs() < 1.0 {
        format!("{p:.3}")
    } else {
        format!("{p:.2}")
    }
}

/// The decimals `price` writes a price of this size with.
pub fn decimals(p: f64) -> usize {
    if p.abs() < 1.0 { 3 } else { 2 }
}

/// A signed change at the precision of the price it moved (`price`; two decimals when unknown):
/// "-0.07" beside 12.34, "+0.015" beside 0.845. A third decimal beside a price written with two
/// claimed a precision the price does not have.
pub fn change_at(c: f64, price: Option<f64>) -> String {
    let d = price.map_or(2, decimals);
    let half_unit = 0.5 / 10f64.powi(d as i32);
    let c = if c.abs() < half_unit { 0.0 } else { c };
    signed(c, format!("{:.d$}", c.abs()))
}

/// `body` (the magnitude of `c`, written) with the sign of `c`; none for zero.
fn signed(c: f64, body: String) -> String {
    if c > 0.0 {
        format!("+{body}")
    } else if c < 0.0 {
        format!("-{body}")
    } else {
        body
    }
}

/// A signed change: "+1.23", "-0.45", "0.00"; small moves keep a third decimal ("+0.015").
pub fn change(c: f64) -> String {
    let c = if c.abs() < 0.0005 { 0.0 } else { c };
    let body = if c != 0.0 && c.abs() < 0.1 { format!("{:.3}", c.abs()) } else { format!("{:.2}", c.abs()) };
    signed(c, body)
}

pub fn pct(p: f64) -> String {
    let p = if p.abs() < 0.005 { 0.0 } else { p };
    if p > 0.0 { format!("+{p:.2}%") } else { format!("{p:.2}%") }
}

/// A sum of money in a column: two decimals, compact from 100,000 on ("146.5K") so it fits.
pub fn amount(v: f64) -> String {
    if v.abs() >= 1e5 { compact(v) } else { format!("{v:.2}") }
}

/// `amount` with its sign: "+4100.00", "-1.25M".
pub fn signed_amount(v: f64) -> String {
    let a = amount(v);
    if v > 0.0 && !a.starts_with('+') { format!("+{a}") } else { a }
}

/// A quantity held: whole shares without decimals, fractions with as few as they need.
pub fn quantity(q: f64) -> String {
    if q.fract() == 0.0 && q.abs() < 1e15 {
        format!("{q:.0}")
    } else {
        let s = format!("{q:.4}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

/// The up/down cue that does not rely on colour.
pub fn arrow(change: Option<f64>) -> &'static str {
    match change {
        Some(c) if c >= 0.005 => "▲",
        Some(c) if c <= -0.005 => "▼",
        Some(_) => "·",
        None => " ",
    }
}

/// "950", "12.3K", "4.56M", "1.20B", "3.10T"; "1.2e+18" past a thousand trillion, "—" for no number.
pub fn compact(n: f64) -> String {
    let a = n.abs();
    if !a.is_finite() {
        return "—".to_string();
    }
    if a >= 1e15 {
        return format!("{n:.1e}");
    }
    let (v, unit) = if a >= 1e12 {
        (n / 1e12, "T")
    } else if a >= 1e9 {
        (n / 1e9, "B")
    } else if a >= 1e6 {
        (n / 1e6, "M")
    } else if a >= 1e3 {
        (n / 1e3, "K")
    } else {
        return format!("{n:.0}");
    };
    if v.abs() >= 100.0 {
        format!("{v:.0}{unit}")
    } else if v.abs() >= 10.0 {
        format!("{v:.1}{unit}")
    } else {
        format!("{v:.2}{unit}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        assert_eq!(price(912.4), "912.40");
        assert_eq!(price(0.8451), "0.845");
        assert_eq!(change(1.234), "+1.23");
        assert_eq!(change(-0.451), "-0.45");
        assert_eq!(change(0.0001), "0.00");
        assert_eq!(change(0.015), "+0.015");
        assert_eq!(pct(2.0), "+2.00%");
        assert_eq!(pct(-0.004), "0.00%");
        assert_eq!(compact(950.0), "950");
        assert_eq!(compact(12_345.0), "12.3K");
        assert_eq!(compact(4_560_000.0), "4.56M");
        assert_eq!(compact(3.1e12), "3.10T");
        assert_eq!(compact(250e6), "250M");
        assert_eq!(arrow(Some(1.0)), "▲");
        assert_eq!(arrow(Some(-1.0)), "▼");
        assert_eq!(arrow(Some(0.0)), "·");
    }

    /// A change is written with its price's decimals.
    #[test]
    fn changes_at_their_price_precision() {
        assert_eq!(change_at(-0.07, Some(12.34)), "-0.07");
        assert_eq!(change_at(0.015, Some(0.845)), "+0.015");
        assert_eq!(change_at(0.0049, Some(12.34)), "0.00");
        assert_eq!(change_at(1.234, Some(912.4)), "+1.23");
        assert_eq!(change_at(-0.451, None), "-0.45");
        assert_eq!(change_at(0.0004, Some(0.5)), "0.000");
    }

    #[test]
    fn amounts() {
        assert_eq!(amount(4100.0), "4100.00");
        assert_eq!(amount(146_520.0), "147K");
        assert_eq!(signed_amount(-39_800.0), "-39800.00");
        assert_eq!(signed_amount(1_250_000.0), "+1.25M");
        assert_eq!(quantity(2000.0), "2000");
        assert_eq!(quantity(0.125), "0.125");
    }

    #[test]
    fn huge_and_odd_numbers_stay_short() {
        for x in [1e300, -1e300, 1e30, 9e15, 123_456_789.0, f64::NAN, f64::INFINITY] {
            assert!(price(x).chars().count() <= 10, "{x}: {}", price(x));
            assert!(compact(x).chars().count() <= 10, "{x}: {}", compact(x));
        }
        assert_eq!(price(123_456_789.0), "123M");
        assert_eq!(price(912.4), "912.40");
    }
}
