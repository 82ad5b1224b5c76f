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
}

impl Col {
    /// Display order.
    const ORDER: [Col; 11] = [
        Col::Symbol,
        Col::Name,
        Col::Last,
        Col::Chg,
        Col::Pct,
        Col::Trend,
        Col::Ext,
        Col::Volume,
        Col::Range,
        Col::Note,
        Col::News,
    ];
    /// The order columns are given room in.
    const PRIORITY: [Col; 11] = [
        Col::Symbol,
        Col::Last,
        Col::Pct,
        Col::Name,
        Col::Chg,
        Col::Ext,
        Col::News,
        Col::Trend,
        Col::Note,
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
        }
    }
}

/// Which columns fit in `inner` cells, with their widths, in display order. The pre/post column
/// only takes room while some row has a pre- or post-market price (`extended`); the note column
/// comes right after the change while some row is stale or failed (`marked`), so "old 3h" is
/// never the first thing a narrow pane drops.
pub fn columns(inner: usize, extended: bool, marked: bool) -> Vec<(Col, usize)> {
    let mut chosen: Vec<Col> = Vec::new();
    let mut used = 0;
    let mut order = Col::PRIORITY.to_vec();
    if marked {
        order.retain(|c| *c != Col::Note);
        let after_chg = order.iter().position(|c| *c == Col::Chg).map_or(0, |i| i + 1);
        order.insert(after_chg, Col::Note);
    }
    for c in order.into_iter().filter(|c| extended || *c != Col::Ext) {
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
