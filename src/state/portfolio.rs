//! The positions, valued with the quotes and exchange rates the state holds.

use super::State;
use crate::market::Symbol;
use crate::market::portfolio::{Valued, fx_pairs, lots, value_all};

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

    /// The FX pairs that convert the held quotes' currencies into the base currency. Known once
    /// those quotes have come (their currency is theirs to say).
    pub fn fx_symbols(&self) -> Vec<Symbol> {
        let held = lots(&self.config.positions);
        let quotes = held.keys().filter_map(|s| self.quotes.get(s)?.quote.as_ref());
        fx_pairs(quotes, &self.config.base_currency)
    }
}
