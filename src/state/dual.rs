//! Dual listings on screen: the other line of an A+H pair is fetched with the batch (a row or not),
//! and the A/H premium is worked out from the two prices and the portfolio's exchange rates.

use super::State;
use crate::market::Symbol;
use crate::market::dual;

impl State {
    /// Some watched symbol has a known other line. Kept per config: the exchange rates it adds
    /// are asked for on every tick's check of what is in view.
    pub fn has_dual(&self) -> bool {
        self.rows.dual(self.config.version(), || {
            self.config.groups.iter().flat_map(|g| &g.symbols).any(|s| self.config.pair_of(s).is_some())
        })
    }

    /// The other lines of the watchlist's dual listings that no group lists: asked for with the
    /// quotes, kept in the cache, never a row.
    pub fn pair_symbols(&self) -> Vec<Symbol> {
        if !self.has_dual() {
            return Vec::new();
        }
        self.config.pairs_missing_from(&self.config.all_symbols())
    }

    fn price_of(&self, sym: &Symbol) -> Option<f64> {
        self.quotes.get(sym)?.quote.as_ref()?.price
    }

    /// The premium of the A line over the H line of `sym`'s dual listing, in percent (the same
    /// figure on both rows); None without a pair, a price of either line, or the rate.
    pub fn ah_premium(&self, sym: &Symbol) -> Option<f64> {
        let pair = self.config.pair_of(sym)?;
        let (a, h) = dual::a_and_h(sym, pair)?;
        let rate = dual::hkd_to_cny(&self.config.base_currency, |fx| self.price_of(fx));
        dual::ah_premium_pct(self.price_of(a), self.price_of(h), rate)
    }
}
