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
    /// Positions: quantity held, its value, the day's P&L, P&L since bought.
    Qty,
    Value,
    DayPnl,
    PnlPct,
}

impl Col {
    /// Display order.
    const ORDER: [Col; 15] = [
        Col::Symbol,
        Col::Name,
        Col::Last,
        Col::Chg,
        Col::Pct,
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
    /// The order columns are given room in.
    const PRIORITY: [Col; 15] = [
        Col::Symbol,
        Col::Last,
        Col::Pct,
        // How fresh each price is: live, rt, 15m, old 12m, error.
        Col::Note,
        Col::Name,
        // Offered only while some row has a pre/post price: then it says more than the change.
        Col::Ext,
        Col::Chg,
        Col::PnlPct,
        Col::Value,
        Col::DayPnl,
        Col::Qty,
        Col::News,
        Col::Trend,
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
}

/// Which columns fit in `inner` cells, with their widths, in display order.
pub fn columns(inner: usize, shown: Shown) -> Vec<(Col, usize)> {
    let mut chosen: Vec<Col> = Vec::new();
    let mut used = 0;
    let order = Col::PRIORITY.to_vec();
    let offered = |c: &Col| match c {
        Col::Ext => shown.extended,
        Col::Qty | Col::Value | Col::DayPnl | Col::PnlPct => shown.held,
        _ => true,
    };
    for c in order.into_iter().filter(offered) {
        let need = c.width() + usize::from(!chosen.is_empty());
        if used + need <= inner {
            used += need;
            chosen.push(c);
        }
    }
    let spare = inner - used;
    Col::ORDER
        .iter()
        .filter(|c| chosen.contains(c))
        .map(|&c| (c, if c == Col::Name { c.width() + spare.min(16) } else { c.width() }))
        .collect()
}
