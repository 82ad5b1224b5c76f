//! The rows each pane shows (filtered, sorted) and moving the selection through them.

use super::{Cursor, Focus, State};
use crate::market::{Headline, Symbol, known_first};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortKey {
    /// The order of the config file.
    User,
    ChangePct,
    Symbol,
}

impl SortKey {
    pub fn next(self) -> SortKey {
        match self {
            SortKey::User => SortKey::ChangePct,
            SortKey::ChangePct => SortKey::Symbol,
            SortKey::Symbol => SortKey::User,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            SortKey::User => "your order",
            SortKey::ChangePct => "change %",
            SortKey::Symbol => "symbol",
        }
    }
}

fn contains_ci(hay: &str, needle_lower: &str) -> bool {
    hay.to_lowercase().contains(needle_lower)
}

impl State {
    fn symbol_matches(&self, sym: &Symbol, q: &str) -> bool {
        if contains_ci(sym.as_str(), q) {
            return true;
        }
        self.config.search_names(sym).iter().any(|n| contains_ci(n, q))
    }

    /// The watchlist rows: the group in view, filtered by the search, in the chosen order.
    pub fn watch_rows(&self) -> Vec<&Symbol> {
        let q = self.search.trim().to_lowercase();
        let mut rows: Vec<&Symbol> =
            self.group_symbols().iter().filter(|s| q.is_empty() || self.symbol_matches(s, &q)).collect();
        let pct = |s: &Symbol| self.quotes.get(s).and_then(|e| e.quote.as_ref()).and_then(|q| q.change_pct);
        match self.sort {
            SortKey::User => {}
            SortKey::Symbol => rows.sort(),
            // Biggest gainers first; symbols without a change sink to the bottom either way.
            SortKey::ChangePct => rows.sort_by(|a, b| known_first(pct(a), pct(b), |x, y| y.total_cmp(&x))),
        }
        if self.sort_reverse {
            rows.reverse();
        }
        rows
    }

    /// The headline rows: filtered by the search and by the `n` symbol filter.
    pub fn news_rows(&self) -> Vec<&Headline> {
        let q = self.search.trim().to_lowercase();
        self.headlines
            .iter()
            .filter(|h| self.news_filter.as_ref().is_none_or(|s| h.symbols.contains(s)))
            .filter(|h| {
                q.is_empty()
                    || contains_ci(&h.title, &q)
                    || contains_ci(&h.source, &q)
                    || h.symbols.iter().any(|s| self.symbol_matches(s, &q))
            })
            .collect()
    }

    pub fn selected_symbol(&self) -> Option<&Symbol> {
        let rows = self.watch_rows();
        let i = index_of(&rows.iter().map(|s| (*s).clone()).collect::<Vec<_>>(), &self.watch)?;
        rows.get(i).copied()
    }

    pub fn selected_headline(&self) -> Option<&Headline> {
        let rows = self.news_rows();
        let keys: Vec<String> = rows.iter().map(|h| h.id.clone()).collect();
        let i = index_of(&keys, &self.news)?;
        rows.get(i).copied()
    }

    /// Move the focused pane's selection by `delta` rows (clamped), or to an end.
    pub fn move_selection(&mut self, to: Move) {
        match self.focus {
            Focus::Watchlist => {
                let keys: Vec<Symbol> = self.watch_rows().into_iter().cloned().collect();
                let page = self.watch_page();
                move_cursor(&mut self.watch, &keys, to, page);
            }
            Focus::Headlines => {
                let keys: Vec<String> = self.news_rows().into_iter().map(|h| h.id.clone()).collect();
                let page = self.layout().news_rows();
                move_cursor(&mut self.news, &keys, to, page);
            }
        }
    }

    /// Keep both selections on a row that exists and in view.
    pub fn fix_offsets(&mut self) {
        let keys: Vec<Symbol> = self.watch_rows().into_iter().cloned().collect();
        let page = self.watch_page();
        move_cursor(&mut self.watch, &keys, Move::By(0), page);
        let keys: Vec<String> = self.news_rows().into_iter().map(|h| h.id.clone()).collect();
        let page = self.layout().news_rows();
        move_cursor(&mut self.news, &keys, Move::By(0), page);
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Move {
    By(isize),
    Top,
    Bottom,
    PageUp,
    PageDown,
}

fn index_of<K: PartialEq>(keys: &[K], c: &Cursor<K>) -> Option<usize> {
    if keys.is_empty() {
        return None;
    }
    Some(c.selected.as_ref().and_then(|s| keys.iter().position(|k| k == s)).unwrap_or(0))
}

fn move_cursor<K: PartialEq + Clone>(c: &mut Cursor<K>, keys: &[K], to: Move, page: usize) {
    let Some(cur) = index_of(keys, c) else {
        c.offset = 0;
        return;
    };
    let last = keys.len() - 1;
    let page = page.max(1);
    let i = match to {
        Move::By(d) => cur.saturating_add_signed(d).min(last),
        Move::Top => 0,
        Move::Bottom => last,
        Move::PageUp => cur.saturating_sub(page),
        Move::PageDown => (cur + page).min(last),
    };
    c.selected = Some(keys[i].clone());
    if i < c.offset {
        c.offset = i;
    } else if i >= c.offset + page {
        c.offset = i + 1 - page;
    }
    c.offset = c.offset.min(keys.len().saturating_sub(page));
}
