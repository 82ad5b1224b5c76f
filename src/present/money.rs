//! Every figure that says what the user holds or watches for (quantities, values, profit and loss,
//! totals, alert levels) is written through `Money`, by the screen and the command line alike, so
//! a way to hide them (a discreet mode) is one switch, in `Money::show`.

use super::number;

/// How position figures are written. Market figures (prices, changes, volumes) do not come here.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Money {
    hidden: bool,
}

/// What stands for a hidden figure: the same width whatever the amount, so nothing is told by it.
pub const HIDDEN_TEXT: &str = "•••";

impl Money {
    /// Every figure written out.
    pub const SHOWN: Money = Money { hidden: false };
    /// The discreet mode: amounts, quantities and the user's own price levels are `•••`.
    pub const HIDDEN: Money = Money { hidden: true };

    pub fn new(hidden: bool) -> Money {
        Money { hidden }
    }

    pub fn is_hidden(self) -> bool {
        self.hidden
    }

    /// The one place a figure becomes text: the text is not even made when it is hidden.
    fn show(self, text: impl FnOnce() -> String) -> String {
        if self.hidden { HIDDEN_TEXT.to_string() } else { text() }
    }

    /// A quantity held, for a column: "2000", "0.125".
    pub fn quantity(self, q: f64) -> String {
        self.show(|| number::quantity(q))
    }

    /// A figure in full, as Rust writes it ("2000", "0.12345"): the detail view's quantity, CSV.
    pub fn exact(self, v: f64) -> String {
        self.show(|| v.to_string())
    }

    /// A figure with two decimals and no more: "146520.00".
    pub fn cents(self, v: f64) -> String {
        self.show(|| format!("{v:.2}"))
    }

    /// A value in a column: `number::amount`.
    pub fn amount(self, v: f64) -> String {
        self.show(|| number::amount(v))
    }

    /// A profit or loss in a column: `number::signed_amount`.
    pub fn signed_amount(self, v: f64) -> String {
        self.show(|| number::signed_amount(v))
    }

    /// A profit or loss in full: `number::change`.
    pub fn change(self, v: f64) -> String {
        self.show(|| number::change(v))
    }

    /// A profit or loss in percent: `number::pct`. Shown in the discreet mode too: a percentage
    /// tells how a holding does, not how much it is.
    pub fn pct(self, p: f64) -> String {
        number::pct(p)
    }

    /// A price of the user's own (an average cost, an alert level): `number::price`.
    pub fn price(self, p: f64) -> String {
        self.show(|| number::price(p))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Shown, each figure reads as the number formatter writes it.
    #[test]
    fn shown_figures_are_the_numbers() {
        let m = Money::SHOWN;
        assert_eq!(m.quantity(2000.0), "2000");
        assert_eq!(m.exact(0.12345), "0.12345");
        assert_eq!(m.cents(146_520.0), "146520.00");
        assert_eq!(m.amount(146_520.0), "147K");
        assert_eq!(m.signed_amount(1_250_000.0), "+1.25M");
        assert_eq!(m.change(-0.451), "-0.45");
        assert_eq!(m.pct(2.0), "+2.00%");
        assert_eq!(m.price(212.5), "212.50");
    }

    /// Hidden, every amount is the same mark, whatever its size or sign; percentages stay.
    #[test]
    fn hidden_figures_are_one_mark_and_percentages_stay() {
        let m = Money::HIDDEN;
        for text in [
            m.quantity(2000.0),
            m.exact(0.12345),
            m.cents(146_520.0),
            m.amount(146_520.0),
            m.signed_amount(-1_250_000.0),
            m.change(-0.451),
            m.price(212.5),
        ] {
            assert_eq!(text, HIDDEN_TEXT);
        }
        assert_eq!(m.pct(2.0), "+2.00%");
        assert_eq!(Money::new(true), Money::HIDDEN);
        assert!(!Money::new(false).is_hidden());
    }
}
