//! Where each area goes for a terminal size: the one computation behind `update`'s page sizes and
//! the view's panes, in plain cells (the view turns them into its own rectangles).

/// A rectangle of cells.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Area {
    pub x: u16,
    pub y: u16,
    pub width: u16,
    pub height: u16,
}

impl Area {
    pub const fn new(x: u16, y: u16, width: u16, height: u16) -> Area {
        Area { x, y, width, height }
    }

    pub fn right(self) -> u16 {
        self.x.saturating_add(self.width)
    }

    pub fn bottom(self) -> u16 {
        self.y.saturating_add(self.height)
    }

    pub fn intersects(self, other: Area) -> bool {
        self.x < other.right() && other.x < self.right() && self.y < other.bottom() && other.y < self.bottom()
    }

    pub fn contains(self, col: u16, row: u16) -> bool {
        (self.x..self.right()).contains(&col) && (self.y..self.bottom()).contains(&row)
    }

    /// Inside the border.
    pub fn inner(self) -> Area {
        Area::new(self.x + 1, self.y + 1, self.width.saturating_sub(2), self.height.saturating_sub(2))
    }

    /// A box of `inner_w` x `inner_h` cells and its border, centred in this area (at most as large).
    pub fn centred(self, inner_w: usize, inner_h: usize) -> Area {
        let w = (inner_w + 2).min(self.width as usize) as u16;
        let h = (inner_h + 2).min(self.height as usize) as u16;
        Area::new(self.x + (self.width - w) / 2, self.y + (self.height - h) / 2, w, h)
    }

    /// The smallest area holding both.
    pub fn union(self, other: Area) -> Area {
        let (x, y) = (self.x.min(other.x), self.y.min(other.y));
        Area::new(x, y, self.right().max(other.right()) - x, self.bottom().max(other.bottom()) - y)
    }
}

pub const MIN_WIDTH: u16 = 40;
pub const MIN_HEIGHT: u16 = 12;
/// From this width the headlines sit beside the watchlist instead of below it.
pub const SIDE_BY_SIDE: u16 = 100;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Layout {
    pub area: Area,
    pub too_small: bool,
    pub tabs: Area,
    pub clocks: Area,
    pub watch: Area,
    pub news: Area,
    pub status: Area,
}

/// `pct` percent of `n`, computed wide enough never to overflow.
fn percent(n: u16, pct: u32) -> u16 {
    (u32::from(n) * pct / 100) as u16
}

/// What stands before the tabs on their line.
pub const TABS_LEAD: &str = "chiptape ";

/// Where each group's tab (` 1 China AI chips `) stands on the tab line, a `│` between two, when
/// every tab fits; `None` when they do not (then only the one in view is named).
pub fn tab_areas(widths: impl IntoIterator<Item = usize>, line: Area) -> Option<Vec<Area>> {
    use crate::present::text::width;
    let avail = line.width.saturating_sub(1) as usize;
    let mut x = width(TABS_LEAD);
    let mut out = Vec::new();
    for (i, w) in widths.into_iter().enumerate() {
        x += usize::from(i > 0);
        out.push(Area::new(line.x + x.min(avail) as u16, line.y, w as u16, 1));
        x += w;
    }
    (x <= avail).then_some(out)
}

/// A group's tab as it reads.
pub fn tab_label(i: usize, name: &str) -> String {
    format!(" {} {name} ", i + 1)
}

/// The detail view's range picker on its first inner line: each range's label and where it stands.
pub fn range_areas(detail: Area) -> Vec<(crate::market::series::ChartRange, String, Area)> {
    use crate::market::series::ChartRange;
    let inner = detail.inner();
    let mut x = inner.x;
    let mut out = Vec::new();
    for (i, r) in ChartRange::ALL.iter().enumerate() {
        let label = format!(" {} {} ", i + 1, r.label());
        let w = (label.chars().count() as u16).min(inner.right().saturating_sub(x));
        out.push((*r, label, Area::new(x, inner.y, w, 1)));
        x += w;
    }
    out
}

/// The detail view's rows when it is too narrow for the side panel and stacks its parts: the
/// chart, the figures, the symbol's headlines (their heading included).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DetailStack {
    pub chart: u16,
    pub figures: u16,
    pub headlines: u16,
}

/// Below this the chart says "too small" rather than drawing: its plot, axis rule and labels.
pub const DETAIL_CHART_FLOOR: u16 = 6;
/// Headline rows a stacked detail view makes room for, at least: enough to walk with J/K.
pub const DETAIL_HEADLINES_FLOOR: u16 = 5;

/// Splits `height` rows for a stacked detail view with `figures` lines of numbers and `headlines`
/// stories about the symbol. The chart keeps its floor (half of a body too short for it), the
/// figures come next, and the headlines take a share before the chart grows past its floor: on a
/// short terminal the story list was what fell off, and J/K then moved a highlight no one saw.
pub fn detail_stack(height: u16, figures: u16, headlines: usize) -> DetailStack {
    let cap = DETAIL_HEADLINES_FLOOR.max(height / 4);
    let stories = u16::try_from(headlines).unwrap_or(u16::MAX).min(cap);
    let want = if stories == 0 { 0 } else { stories + 1 };
    let chart = height.saturating_sub(figures.saturating_add(want)).max(DETAIL_CHART_FLOOR.min(height / 2));
    let figures = figures.min(height - chart);
    let left = height - chart - figures;
    // A heading with no story under it says nothing: its row goes back to the chart.
    let headlines = if left >= 2 { left } else { 0 };
    DetailStack { chart: chart + left - headlines, figures, headlines }
}

impl Layout {
    /// The detail view: over both lists.
    pub fn detail(&self) -> Area {
        self.watch.union(self.news)
    }

    /// The rows of the popups (help, logs) between the tabs and the status bar.
    pub fn popup_room(&self) -> Area {
        Area::new(self.area.x, self.area.y + 1, self.area.width, self.area.height.saturating_sub(2))
    }

    /// The add prompt's list of `rows` candidates (and a line about the sources), in a box just
    /// above the status bar, over the lists; as tall as the screen allows below the tabs.
    pub fn search_box(&self, rows: usize) -> Area {
        let room = self.status.y.saturating_sub(self.tabs.bottom());
        let height = (rows as u16).saturating_add(3).min(room);
        Area::new(0, self.status.y - height, self.area.width, height)
    }

    /// The layout for a watchlist without positions.
    pub fn compute(width: u16, height: u16) -> Layout {
        Layout::for_table(width, height, super::columns::full_width(false) + 2)
    }

    /// `table`: the cells the watchlist would take with all its columns, borders included. Beside
    /// the headlines it never gets more, as more would only pad it.
    pub fn for_table(width: u16, height: u16, table: usize) -> Layout {
        let area = Area::new(0, 0, width, height);
        let zero = Area::default();
        if width < MIN_WIDTH || height < MIN_HEIGHT {
            return Layout {
                area,
                too_small: true,
                tabs: zero,
                clocks: zero,
                watch: zero,
                news: zero,
                status: zero,
            };
        }
        let tabs = Area::new(0, 0, width, 1);
        let clocks = Area::new(0, 1, width, 1);
        let status = Area::new(0, height - 1, width, 1);
        let body_h = height - 3;
        let (watch, news) = if width >= SIDE_BY_SIDE {
            // u32: `width * 56` overflows u16 from 1171 columns.
            let table = u16::try_from(table).unwrap_or(u16::MAX).max(60);
            let ww = percent(width, 56).clamp(60, table).min(width - 36);
            (Area::new(0, 2, ww, body_h), Area::new(ww, 2, width - ww, body_h))
        } else {
            let wh = percent(body_h, 55).max(5).min(body_h - 4);
            (Area::new(0, 2, width, wh), Area::new(0, 2 + wh, width, body_h - wh))
        };
        Layout { area, too_small: false, tabs, clocks, watch, news, status }
    }

    /// Data rows visible in the watchlist (inside the border, under the header).
    pub fn watch_rows(&self) -> usize {
        self.watch.height.saturating_sub(3) as usize
    }

    /// Headline rows in view: the pane inside its border, less the summary of the selected headline
    /// when the pane is tall enough to spare it.
    pub fn news_rows(&self) -> usize {
        let inner = self.news.height.saturating_sub(2) as usize;
        match self.summary_lines() {
            0 => inner,
            n => inner - n - 1,
        }
    }

    /// Lines for the selected headline's summary under the list: three in a tall pane, two in a
    /// short one, none when the list itself would be left with too few rows.
    pub fn summary_lines(&self) -> usize {
        match self.news.height.saturating_sub(2) as usize {
            n if n >= 12 => 3,
            n if n >= 7 => 2,
            _ => 0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn areas_fit_and_do_not_overlap() {
        for w in 40..=220 {
            for h in 12..=70 {
                let l = Layout::compute(w, h);
                assert!(!l.too_small);
                for r in [l.tabs, l.clocks, l.watch, l.news, l.status] {
                    assert!(r.right() <= w && r.bottom() <= h, "{w}x{h}: {r:?}");
                    assert!(r.width > 0 && r.height > 0, "{w}x{h}: {r:?}");
                }
                assert!(!l.watch.intersects(l.news));
                assert!(l.watch_rows() >= 2 && l.news_rows() >= 2, "{w}x{h}");
            }
        }
    }

    /// Terminals wider and taller than any screen today: the arithmetic must not wrap (a debug build
    /// panicked at 1171 columns; a release build drew a 71-column watchlist at 1300).
    #[test]
    fn huge_terminals_lay_out_like_large_ones() {
        let mut sizes = Vec::new();
        for w in (40..=2000).step_by(7).chain([1170, 1171, 1300, 2000, u16::MAX]) {
            for h in (12..=1500).step_by(37).chain([1191, 1192, 1500, u16::MAX]) {
                sizes.push((w, h));
            }
        }
        for (w, h) in sizes {
            let l = Layout::compute(w, h);
            for r in [l.tabs, l.clocks, l.watch, l.news, l.status] {
                assert!(u32::from(r.x) + u32::from(r.width) <= u32::from(w), "{w}x{h}: {r:?}");
                assert!(u32::from(r.y) + u32::from(r.height) <= u32::from(h), "{w}x{h}: {r:?}");
            }
            assert!(!l.watch.intersects(l.news), "{w}x{h}");
            if w >= SIDE_BY_SIDE {
                let most = super::super::columns::full_width(false) as u16 + 2;
                assert!(l.watch.width >= 60 && l.watch.width <= most, "{w}x{h}: {:?}", l.watch);
                assert_eq!(l.watch.height, h - 3, "{w}x{h}");
            } else {
                // Stacked: the watchlist takes about 55 % of the body.
                let body = u32::from(h - 3);
                let want = (body * 55 / 100).max(5).min(body - 4);
                assert_eq!(u32::from(l.watch.height), want, "{w}x{h}");
            }
        }
    }

    /// With positions the watchlist beside the headlines grows with the terminal until every column
    /// fits: it stopped at 104 cells, so Qty and the day's P&L never came back however wide.
    #[test]
    fn the_watchlist_beside_grows_to_its_full_table() {
        let table = super::super::columns::full_width(true) + 2;
        let mut last = 0;
        for w in SIDE_BY_SIDE..=400 {
            let l = Layout::for_table(w, 40, table);
            assert!(l.watch.width >= last, "{w}: narrower than at {}", w - 1);
            assert!(l.news.width >= 36, "{w}");
            last = l.watch.width;
        }
        assert_eq!(usize::from(last), table);
    }

    /// At 80x24 (18 rows under the range line) NVDA's eight figures in two columns and its two
    /// stories all fit beside a chart; with many stories the list gets its floor and the chart the
    /// rest; a tiny body is shared between the chart and the figures. The parts always add up.
    #[test]
    fn a_stacked_detail_view_keeps_room_for_headlines() {
        let s = |chart, figures, headlines| DetailStack { chart, figures, headlines };
        assert_eq!(detail_stack(18, 4, 2), s(11, 4, 3));
        assert_eq!(detail_stack(18, 4, 40), s(8, 4, 6));
        assert_eq!(detail_stack(18, 4, 0), s(14, 4, 0));
        assert_eq!(detail_stack(40, 4, 40), s(25, 4, 11), "a tall terminal lists more");
        assert_eq!(detail_stack(12, 4, 40), s(6, 4, 2), "a heading and one story");
        assert_eq!(detail_stack(10, 4, 40), s(6, 4, 0), "no room for one story: the chart has it");
        assert_eq!(detail_stack(4, 4, 40), s(2, 2, 0), "the price still shows");
        for h in 0..60 {
            for f in 0..12 {
                for n in [0, 1, 3, 50] {
                    let d = detail_stack(h, f, n);
                    assert_eq!(d.chart + d.figures + d.headlines, h, "{h} {f} {n}: {d:?}");
                    assert!(d.headlines != 1, "{h} {f} {n}: a heading alone");
                }
            }
        }
    }

    #[test]
    fn too_small() {
        assert!(Layout::compute(39, 30).too_small);
        assert!(Layout::compute(100, 11).too_small);
        assert!(Layout::compute(0, 0).too_small);
    }
}
