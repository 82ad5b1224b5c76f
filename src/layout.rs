//! Where each area goes for a terminal size. Shared by `view` (to draw) and `update` (page sizes).

use ratatui::layout::Rect;

pub const MIN_WIDTH: u16 = 40;
pub const MIN_HEIGHT: u16 = 12;
/// From this width the headlines sit beside the watchlist instead of below it.
pub const SIDE_BY_SIDE: u16 = 100;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Layout {
    pub area: Rect,
    pub too_small: bool,
    pub tabs: Rect,
    pub clocks: Rect,
    pub watch: Rect,
    pub news: Rect,
    pub status: Rect,
}

impl Layout {
    pub fn compute(width: u16, height: u16) -> Layout {
        let area = Rect::new(0, 0, width, height);
        let zero = Rect::default();
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
        let tabs = Rect::new(0, 0, width, 1);
        let clocks = Rect::new(0, 1, width, 1);
        let status = Rect::new(0, height - 1, width, 1);
        let body_h = height - 3;
        let (watch, news) = if width >= SIDE_BY_SIDE {
            // The table needs about 104 cells with every column; more would only pad it.
            let ww = (width * 56 / 100).clamp(60, 104).min(width - 36);
            (Rect::new(0, 2, ww, body_h), Rect::new(ww, 2, width - ww, body_h))
        } else {
            let wh = (body_h * 55 / 100).max(5).min(body_h - 4);
            (Rect::new(0, 2, width, wh), Rect::new(0, 2 + wh, width, body_h - wh))
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

    #[test]
    fn too_small() {
        assert!(Layout::compute(39, 30).too_small);
        assert!(Layout::compute(100, 11).too_small);
        assert!(Layout::compute(0, 0).too_small);
    }
}
