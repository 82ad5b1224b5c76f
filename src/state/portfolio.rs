//! The positions, valued with the quotes and exchange rates the state holds.

use super::State;
use crate::market::Symbol;
use crate::market::portfolio::{Valued, fx_pairs, listing_currency, lots, value_all};

impl State {
    /// The positions valued with what is on hand; `None` when there are no positions.
    pub fn portfolio(&self) -> Option<Valued> {
        if self.config.positions.is_empty() {
            return None;
        }
        let quote = |s: &Symbol| self.quotes.get(s).and_then(|e| e.quote.as_ref());
        Some(value_all(&self.config.positions, &self.config.base_currency, quote, |fx| quote(fx)?.price))
    }

    /// Watchlist rows in view: the pane's, less the summary line when there are positions.
    pub fn watch_page(&self) -> usize {
        let rows = self.layout().watch_rows();
        if self.config.positions.is_empty() { rows } else { rows.saturating_sub(1) }
    }

    /// The FX pairs that convert the held quotes' currencies into the base currency: a quote's
    /// own currency once it has come, the listing's usual one before (so the rates are asked for
    /// in the same refresh as the first prices).
    pub fn fx_symbols(&self) -> Vec<Symbol> {
        let held = lots(&self.config.positions);
        let currencies = held.keys().filter_map(|s| {
            let quoted =
                self.quotes.get(s).and_then(|e| e.quote.as_ref()).and_then(|q| q.currency.as_deref());
            quoted.or_else(|| listing_currency(s))
        });
        // The A/H premium converts between the two lines' currencies with the same rates.
        let dual = self.has_dual().then_some(crate::market::dual::CURRENCIES).into_iter().flatten();
        fx_pairs(currencies.chain(dual), &self.config.base_currency)
    }

    /// The pairs with no rate from this run yet (none at all, or only the cache's), nor an error:
    /// they go with the next refresh, whatever the group in view.
    pub fn fx_pending(&self) -> Vec<Symbol> {
        let pending = |e: &super::QuoteEntry| e.error.is_none() && e.quote.as_ref().is_none_or(|_| e.cached);
        self.fx_symbols().into_iter().filter(|fx| self.quotes.get(fx).is_none_or(pending)).collect()
    }

    /// When the oldest rate the positions are valued with from the cache (not yet this run's) was
    /// fetched: the summary line says how old it is.
    pub fn fx_cached_since(&self) -> Option<chrono::DateTime<chrono::Utc>> {
        let fx = self.fx_symbols();
        fx.iter()
            .filter_map(|s| self.quotes.get(s))
            .filter(|e| e.cached && e.quote.is_some())
            .filter_map(|e| e.updated)
            .min()
    }
}
