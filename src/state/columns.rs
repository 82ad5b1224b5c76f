//! Which watchlist columns fit a width: geometry shared by the view (to draw them) and the state (a
//! sparkline is fetched only while its column is on screen). Their headings are the view's.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Col {
    Symbol,
    Name,
    Last,
    Chg,
    Pct,
    News,
    Ext,
    Trend,
    Volume,
    Note,
    Range,
    /// The A/H premium of a dual listing.
    Ah,
    /// Positions: quantity held, its value, the day's P&L, P&L since bought.
    Qty,
    Value,
    DayPnl,
    PnlPct,
}

impl Col {
    /// Display order.
    const ORDER: [Col; 16] = [
        Col::Symbol,
        Col::Name,
        Col::Last,
        Col::Chg,
        Col::Pct,
        Col::Ah,
        Col::Note,
        Col::Qty,
        Col::Value,
        Col::DayPnl,
        Col::PnlPct,
        Col::Trend,
        Col::Ext,
        Col::Volume,
        Col::Range,
        Col::News,
    ];
    /// The order columns are given room in, and so the reverse of the order they go in as the pane
    /// narrows: the one place that decides it. A holder looks for the day's P&L first, so it comes
    /// right after the price and its move; the freshness note, the sparkline and the market figures
    /// that the detail view also shows are the first to go.
    pub const PRIORITY: [Col; 16] = [
        Col::Symbol,
        Col::Last,
        Col::Pct,
        Col::DayPnl,
        Col::Name,
        // Offered only while some row has a pre/post price: then it says more than the change.
        Col::Ext,
        Col::Chg,
        Col::Value,
        Col::PnlPct,
        // How fresh each price is: live, rt, 15m, old 12m, error (a stale row is dimmed as well).
        Col::Note,
        // Three cells for the unread headlines about the row: the pane beside says which.
        Col::News,
        Col::Qty,
        Col::Trend,
        // Offered only while some row in view is one line of a dual listing: the China desk's
        // gauge, after the sparkline (the detail view gives it at any width).
        Col::Ah,
        Col::Volume,
        Col::Range,
    ];

    pub fn width(self) -> usize {
        match self {
            Col::Symbol => 10,
            Col::Name => 8,
            Col::Last => 10,
            Col::Chg => 8,
            Col::Pct => 9,
            Col::News => 3,
            Col::Ext => 11,
            Col::Trend => 10,
            Col::Volume => 7,
            Col::Note => 7,
            Col::Ah => 8,
            Col::Range => 17,
            Col::Qty => 8,
            Col::Value => 9,
            Col::DayPnl => 9,
            Col::PnlPct => 8,
        }
    }
}

/// What the rows in view hold, which decides the columns offered.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Shown {
    /// Some row has a pre- or post-market price: the pre/post column takes room.
    pub extended: bool,
    /// There are positions: their four columns come after the change.
    pub held: bool,
    /// Some row in view is one line of a dual listing: the A/H column takes room.
    pub paired: bool,
}

impl Shown {
    fn offers(self, c: Col) -> bool {
        match c {
            Col::Ext => self.extended,
            Col::Ah => self.paired,
            Col::Qty | Col::Value | Col::DayPnl | Col::PnlPct => self.held,
            _ => true,
        }
    }
}

/// Which columns fit in `inner` cells, with their widths, in display order. Columns are taken in
/// priority order and the first that does not fit ends the choice: a narrow column further down
/// never takes the place of a wider one before it, so narrowing the pane removes columns one at a
/// time, always the least useful one left.
pub fn columns(inner: usize, shown: Shown) -> Vec<(Col, usize)> {
    let mut chosen: Vec<Col> = Vec::new();
    let mut used = 0;
    for c in Col::PRIORITY.into_iter().filter(|&c| shown.offers(c)) {
        let need = c.width() + usize::from(!chosen.is_empty());
        if used + need > inner {
            break;
        }
        used += need;
        chosen.push(c);
    }
    let spare = inner - used;
    Col::ORDER
        .iter()
        .filter(|c| chosen.contains(c))
        .map(|&c| (c, if c == Col::Name { c.width() + spare.min(16) } else { c.width() }))
        .collect()
}

/// The cells the table takes with every column it may offer and some room for longer names: more
/// would only pad it. The pre/post move is left out: for the few hours it shows, it takes the place
/// of the least useful column rather than leaving the pane wider all day for nothing.
pub fn full_width(held: bool) -> usize {
    const NAME_ROOM: usize = 8;
    let shown = Shown { extended: false, held, paired: false };
    // Asked for on every layout, so without allocating.
    let (cells, count) = Col::PRIORITY
        .into_iter()
        .filter(|&c| shown.offers(c))
        .fold((0, 0), |(w, n), c| (w + c.width(), n + 1));
    cells + usize::saturating_sub(count, 1) + NAME_ROOM
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chosen(inner: usize, shown: Shown) -> Vec<Col> {
        columns(inner, shown).into_iter().map(|(c, _)| c).collect()
    }

    /// From the widest pane to nothing, each cell less takes away at most one column, and always
    /// the last in priority of those shown; what is shown is the head of the priority order. Before,
    /// a narrow column (the news badge) could outlive the wider ones ahead of it.
    #[test]
    fn columns_go_one_at_a_time_least_useful_first() {
        for held in [false, true] {
            for extended in [false, true] {
                let shown = Shown { extended, held, paired: false };
                let offered: Vec<Col> = Col::PRIORITY.into_iter().filter(|&c| shown.offers(c)).collect();
                let mut wider = chosen(full_width(held) + 40, shown);
                assert_eq!(wider.len(), offered.len(), "{shown:?}: everything fits a full-width pane");
                for inner in (0..full_width(held) + 40).rev() {
                    let now = chosen(inner, shown);
                    let by_priority: Vec<Col> = offered.iter().copied().filter(|c| now.contains(c)).collect();
                    assert_eq!(
                        by_priority,
                        offered[..now.len()],
                        "{shown:?} at {inner}: a head of the order"
                    );
                    assert!(wider.len() - now.len() <= 1, "{shown:?} at {inner}: {wider:?} -> {now:?}");
                    wider = now;
                }
            }
        }
    }

    /// With positions, the day's P&L is the first figure after the price and its move.
    #[test]
    fn day_pnl_is_the_first_position_column() {
        let shown = Shown { extended: false, held: true, paired: false };
        let narrow = chosen(10 + 11 + 10 + 10, shown);
        assert_eq!(narrow, [Col::Symbol, Col::Last, Col::Pct, Col::DayPnl]);
        assert_eq!(full_width(true), full_width(false) + 8 + 9 + 9 + 8 + 4);
    }
}
