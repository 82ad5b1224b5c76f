//! The rows each pane shows (filtered, sorted) and moving the selection through them.

use std::collections::HashMap;
use std::sync::Arc;

use super::memo::{NewsKey, WatchKey};
use super::{Cursor, Focus, State};
use crate::market::{Headline, Symbol, known_first};

/// Which headlines the pane lists (`f`): everything, the news, or the official items (filings,
/// rules).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PaneKind {
    #[default]
    All,
    News,
    Official,
}

impl PaneKind {
    pub fn next(self) -> PaneKind {
        match self {
            PaneKind::All => PaneKind::News,
            PaneKind::News => PaneKind::Official,
            PaneKind::Official => PaneKind::All,
        }
    }

    /// The pane's title word for it; `None` for everything.
    pub fn label(self) -> Option<&'static str> {
        match self {
            PaneKind::All => None,
            PaneKind::News => Some("news"),
            PaneKind::Official => Some("official"),
        }
    }

    pub fn admits(self, h: &Headline) -> bool {
        match self {
            PaneKind::All => true,
            PaneKind::News => h.kind.is_news(),
            PaneKind::Official => !h.kind.is_news(),
        }
    }
}

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
        // Chinese names by their pinyin too: `zxgj` finds 中芯国际.
        self.config
            .search_names(sym)
            .iter()
            .any(|n| contains_ci(n, q) || crate::market::pinyin::matches(n, q))
    }

    /// The watchlist rows: the group in view, filtered by the search, in the chosen order. Worked
    /// out once per change of what decides them, so a key press costs the same for any list length.
    pub fn watch_rows(&self) -> Arc<[Symbol]> {
        let key = WatchKey {
            config: self.config.version(),
            group: self.group,
            filter: self.filter.clone(),
            sort: self.sort,
            reverse: self.sort_reverse,
            // The order by change follows the prices; the others do not.
            quotes: if self.sort == SortKey::ChangePct { self.quotes.version() } else { 0 },
        };
        let rows = self.rows.watch(key, || {
            self.rows.count_symbols(self.group_symbols().len());
            self.compute_watch_rows()
        });
        debug_assert_eq!(*rows, *self.compute_watch_rows(), "watch rows cached past a change");
        rows
    }

    fn compute_watch_rows(&self) -> Arc<[Symbol]> {
        let q = self.filter.trim().to_lowercase();
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
        rows.into_iter().cloned().collect()
    }

    /// The other groups with symbols the search matches, with how many: `/` looks in every group,
    /// and the prompt names where else the text is found.
    pub fn filter_elsewhere(&self) -> Vec<(usize, usize)> {
        let q = self.filter.trim().to_lowercase();
        if q.is_empty() {
            return Vec::new();
        }
        self.config
            .groups
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != self.group)
            .map(|(i, g)| (i, g.symbols.iter().filter(|s| self.symbol_matches(s, &q)).count()))
            .filter(|(_, n)| *n > 0)
            .collect()
    }

    /// The headline rows: filtered by the row filter and by the `n` symbol filter; kept like the
    /// watchlist's.
    /// `f`: the headline pane lists the next kind (all, news, official), from its top.
    pub fn next_news_kind(&mut self) {
        self.news_kind = self.news_kind.next();
        self.news = Default::default();
        self.fix_offsets();
        let what = self.news_kind.label().map_or("all headlines".to_string(), |k| format!("{k} only"));
        self.notice = Some(format!("headlines: {what} (f: next)").into());
    }

    pub fn news_rows(&self) -> NewsRows<'_> {
        let key = NewsKey {
            config: self.config.version(),
            news: self.headlines.version(),
            filter: self.filter.clone(),
            symbol: self.news_filter.clone(),
            kind: self.news_kind,
        };
        let idx = self.rows.news(key, || {
            self.rows.count_headlines(self.headlines.len());
            self.compute_news_rows()
        });
        debug_assert_eq!(*idx, *self.compute_news_rows(), "headline rows cached past a change");
        NewsRows { all: &self.headlines, idx }
    }

    fn compute_news_rows(&self) -> Arc<[usize]> {
        let q = self.filter.trim().to_lowercase();
        // Which symbols the text finds, once, rather than once per headline that names them.
        let all = if q.is_empty() { Vec::new() } else { self.config.all_symbols() };
        let found: std::collections::HashSet<&Symbol> =
            all.iter().filter(|s| self.symbol_matches(s, &q)).collect();
        self.headlines
            .iter()
            .enumerate()
            .filter(|(_, h)| self.news_kind.admits(h))
            .filter(|(_, h)| self.news_filter.as_ref().is_none_or(|s| h.symbols.contains(s)))
            .filter(|(_, h)| {
                q.is_empty()
                    || contains_ci(&h.title, &q)
                    || contains_ci(&h.source, &q)
                    || h.symbols.iter().any(|s| found.contains(s) || contains_ci(s.as_str(), &q))
            })
            .map(|(i, _)| i)
            .collect()
    }

    /// Unread headlines about `sym`, for the watchlist badge: counted for every symbol at once, once
    /// per change of the headlines or the read marks.
    pub fn unread_about(&self, sym: &Symbol) -> usize {
        let counts = self.rows.unread((self.headlines.version(), self.read.len()), || {
            self.rows.count_headlines(self.headlines.len());
            let mut counts: HashMap<Symbol, usize> = HashMap::new();
            for h in self.headlines.iter().filter(|h| !self.read.contains(&h.id)) {
                for s in &h.symbols {
                    *counts.entry(s.clone()).or_default() += 1;
                }
            }
            Arc::new(counts)
        });
        let n = counts.get(sym).copied().unwrap_or(0);
        debug_assert_eq!(
            n,
            self.headlines.iter().filter(|h| !self.read.contains(&h.id) && h.symbols.contains(sym)).count(),
            "unread counts cached past a change"
        );
        n
    }

    pub fn selected_symbol(&self) -> Option<Symbol> {
        let rows = self.watch_rows();
        let i = index_of(
            rows.len(),
            self.watch.selected.as_ref().and_then(|s| rows.iter().position(|r| r == s)),
        )?;
        rows.get(i).cloned()
    }

    pub fn selected_headline(&self) -> Option<&Headline> {
        let rows = self.news_rows();
        let i = index_of(rows.len(), self.news.selected.as_ref().and_then(|id| rows.position(id)))?;
        rows.get(i)
    }

    /// Move the focused pane's selection by `delta` rows (clamped), or to an end.
    pub fn move_selection(&mut self, to: Move) {
        self.move_in(self.focus, to);
    }

    /// Move in `pane`, whichever has the focus.
    pub fn move_in(&mut self, pane: Focus, to: Move) {
        match pane {
            Focus::Watchlist => self.move_watch(to),
            Focus::Headlines => self.move_news(to),
        }
    }

    /// The index of `pane`'s selected row among its rows.
    pub fn selected_row(&self, pane: Focus) -> Option<usize> {
        match pane {
            Focus::Watchlist => {
                let sel = self.selected_symbol()?;
                self.watch_rows().iter().position(|r| *r == sel)
            }
            Focus::Headlines => self.news_rows().position(&self.news.selected.clone()?),
        }
    }

    fn move_watch(&mut self, to: Move) {
        let rows = self.watch_rows();
        let page = self.watch_page();
        let at = self.watch.selected.as_ref().and_then(|s| rows.iter().position(|r| r == s));
        move_cursor(&mut self.watch, rows.len(), at, |i| rows[i].clone(), to, page);
    }

    fn move_news(&mut self, to: Move) {
        let page = self.layout().news_rows();
        let rows = self.news_rows();
        let at = self.news.selected.as_ref().and_then(|id| rows.position(id));
        let key_at = |i: usize| rows.get(i).map(|h| h.id.clone()).unwrap_or_default();
        let mut cursor = self.news.clone();
        move_cursor(&mut cursor, rows.len(), at, key_at, to, page);
        if cursor.offset == 0 {
            self.news_above = 0;
        }
        self.news = cursor;
    }

    /// Keep both selections on a row that exists and in view.
    pub fn fix_offsets(&mut self) {
        self.move_watch(Move::By(0));
        self.move_news(Move::By(0));
    }
}

/// The headline rows in view of the filters: indices into the state's headlines.
pub struct NewsRows<'a> {
    all: &'a [Headline],
    idx: Arc<[usize]>,
}

impl<'a> NewsRows<'a> {
    pub fn len(&self) -> usize {
        self.idx.len()
    }

    pub fn is_empty(&self) -> bool {
        self.idx.is_empty()
    }

    pub fn get(&self, i: usize) -> Option<&'a Headline> {
        self.idx.get(i).map(|&j| &self.all[j])
    }

    pub fn first(&self) -> Option<&'a Headline> {
        self.get(0)
    }

    pub fn iter(&self) -> impl Iterator<Item = &'a Headline> + '_ {
        self.idx.iter().map(|&j| &self.all[j])
    }

    pub fn position(&self, id: &str) -> Option<usize> {
        self.iter().position(|h| h.id == id)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Move {
    By(isize),
    /// To this row.
    To(usize),
    /// The view and the selection together, by this many rows (the wheel).
    Scroll(isize),
    Top,
    Bottom,
    PageUp,
    PageDown,
}

/// The selected row's index: where the selection is, else the first row; none in an empty list.
fn index_of(len: usize, at: Option<usize>) -> Option<usize> {
    (len > 0).then(|| at.unwrap_or(0))
}

/// Move a cursor over `len` rows, whose selected row is at `at`; `key_at` names a row.
fn move_cursor<K>(
    c: &mut Cursor<K>,
    len: usize,
    at: Option<usize>,
    key_at: impl Fn(usize) -> K,
    to: Move,
    page: usize,
) {
    let Some(cur) = index_of(len, at) else {
        c.offset = 0;
        return;
    };
    let last = len - 1;
    let page = page.max(1);
    if let Move::Scroll(d) = to {
        c.offset = c.offset.saturating_add_signed(d).min(len.saturating_sub(page));
    }
    let i = match to {
        Move::By(d) | Move::Scroll(d) => cur.saturating_add_signed(d).min(last),
        Move::To(i) => i.min(last),
        Move::Top => 0,
        Move::Bottom => last,
        Move::PageUp => cur.saturating_sub(page),
        Move::PageDown => (cur + page).min(last),
    };
    c.selected = Some(key_at(i));
    if i < c.offset {
        c.offset = i;
    } else if i >= c.offset + page {
        c.offset = i + 1 - page;
    }
    c.offset = c.offset.min(len.saturating_sub(page));
}
