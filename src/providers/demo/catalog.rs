//! Plausible base figures for the simulated market, so the demo looks like the real one.
//!
//! Prices are roughly late-2025 levels. `volume` is a typical daily volume in
//! shares (ADSs for US-listed ADRs); `market_cap` is the whole company's value
//! in the listing's trading currency, as Yahoo reports it for that listing.

/// Base figures for one simulated listing.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CatalogEntry {
    /// Yahoo symbol, upper-case.
    pub symbol: &'static str,
    /// Base price in the trading currency.
    pub price: f64,
    /// ISO code of the trading currency.
    pub currency: &'static str,
    /// Typical daily volume in shares.
    pub volume: f64,
    /// Market capitalisation in the trading currency.
    pub market_cap: f64,
}

const fn entry(
    symbol: &'static str,
    price: f64,
    currency: &'static str,
    volume: f64,
    market_cap: f64,
) -> CatalogEntry {
    CatalogEntry { symbol, price, currency, volume, market_cap }
}

pub const CATALOG: &[CatalogEntry] = &[
    // China AI chips
    entry("0981.HK", 68.0, "HKD", 110_000_000.0, 543_000_000_000.0),
    entry("688981.SS", 118.0, "CNY", 45_000_000.0, 943_000_000_000.0),
    entry("1347.HK", 75.0, "HKD", 25_000_000.0, 130_000_000_000.0),
    entry("688347.SS", 110.0, "CNY", 10_000_000.0, 190_000_000_000.0),
    entry("688256.SS", 1_350.0, "CNY", 8_000_000.0, 568_000_000_000.0),
    entry("688041.SS", 225.0, "CNY", 25_000_000.0, 523_000_000_000.0),
    entry("688795.SS", 650.0, "CNY", 12_000_000.0, 305_000_000_000.0),
    entry("688802.SS", 620.0, "CNY", 10_000_000.0, 248_000_000_000.0),
    entry("002371.SZ", 440.0, "CNY", 5_000_000.0, 235_000_000_000.0),
    entry("688012.SS", 285.0, "CNY", 8_000_000.0, 178_000_000_000.0),
    // China cloud & models
    entry("9988.HK", 155.0, "HKD", 120_000_000.0, 2_960_000_000_000.0),
    entry("BABA", 157.0, "USD", 15_000_000.0, 375_000_000_000.0),
    entry("9888.HK", 118.0, "HKD", 12_000_000.0, 325_000_000_000.0),
    entry("BIDU", 118.0, "USD", 5_000_000.0, 41_000_000_000.0),
    entry("0700.HK", 610.0, "HKD", 18_000_000.0, 5_580_000_000_000.0),
    entry("3896.HK", 5.6, "HKD", 60_000_000.0, 24_000_000_000.0),
    entry("KC", 10.8, "USD", 3_000_000.0, 3_100_000_000.0),
    entry("0020.HK", 2.2, "HKD", 350_000_000.0, 85_000_000_000.0),
    entry("1024.HK", 66.0, "HKD", 25_000_000.0, 284_000_000_000.0),
    // US AI chips
    entry("NVDA", 180.0, "USD", 180_000_000.0, 4_380_000_000_000.0),
    entry("AMD", 215.0, "USD", 45_000_000.0, 350_000_000_000.0),
    entry("AVGO", 385.0, "USD", 25_000_000.0, 1_810_000_000_000.0),
    entry("TSM", 290.0, "USD", 12_000_000.0, 1_500_000_000_000.0),
    entry("ASML", 1_050.0, "USD", 1_500_000.0, 410_000_000_000.0),
    entry("ARM", 140.0, "USD", 5_000_000.0, 148_000_000_000.0),
    entry("INTC", 38.0, "USD", 90_000_000.0, 180_000_000_000.0),
    entry("MU", 230.0, "USD", 25_000_000.0, 258_000_000_000.0),
    // Cloud
    entry("MSFT", 485.0, "USD", 20_000_000.0, 3_600_000_000_000.0),
    entry("AMZN", 230.0, "USD", 45_000_000.0, 2_460_000_000_000.0),
    entry("GOOGL", 315.0, "USD", 35_000_000.0, 3_800_000_000_000.0),
    entry("META", 640.0, "USD", 13_000_000.0, 1_610_000_000_000.0),
    entry("ORCL", 200.0, "USD", 25_000_000.0, 570_000_000_000.0),
];

/// Approximate units of USD per one unit of the currency, for demo FX conversions.
pub const USD_PER: &[(&str, f64)] = &[
    ("USD", 1.0),
    ("HKD", 0.1285),
    ("CNY", 0.141),
    ("EUR", 1.16),
    ("GBP", 1.32),
    ("TWD", 0.032),
    ("JPY", 0.0064),
    ("KRW", 0.00068),
    ("CHF", 1.24),
    ("CAD", 0.71),
    ("AUD", 0.65),
    ("SGD", 0.77),
    ("INR", 0.0112),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn symbols_are_unique_and_upper_case() {
        for (i, a) in CATALOG.iter().enumerate() {
            assert_eq!(a.symbol, a.symbol.to_ascii_uppercase());
            assert!(CATALOG[i + 1..].iter().all(|b| b.symbol != a.symbol));
        }
    }

    #[test]
    fn figures_are_positive_and_currencies_known() {
        for e in CATALOG {
            assert!(e.price > 0.0 && e.volume > 0.0 && e.market_cap > 0.0);
            assert!(USD_PER.iter().any(|(c, _)| *c == e.currency), "{}", e.symbol);
        }
        assert!(USD_PER.iter().all(|(_, r)| *r > 0.0));
    }
}
