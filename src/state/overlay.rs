//! What is drawn over the lists and takes the keyboard first. One stack: the top gets the keys, and
//! closing it gives them back to what is under it (help opened over the detail view returns there).

use super::{Detail, State};
use crate::market::Symbol;

/// A question in the status bar that takes the keyboard until answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Prompt {
    /// y/n before a symbol leaves the group in view.
    Remove(Symbol),
}

#[derive(Debug, Clone, PartialEq)]
pub enum Overlay {
    /// The chart and numbers of one symbol, over both lists.
    Detail(Detail),
    /// The key map (`?`), scrolled down by `scroll` lines.
    Help {
        scroll: usize,
    },
    /// What fired, newest first (`A`).
    AlertLog,
    Prompt(Prompt),
    /// The add prompt (`a`): a name or code typed, candidates to pick from.
    Search(Box<super::search::Search>),
    /// The row filter's text is being typed (`/`); the filter itself stays after Enter.
    Filter,
    /// The comparison chart (`c`), over both lists.
    Compare(super::compare::Compare),
    /// A tile per symbol of every group, coloured by the day's change (`m`, `M`).
    Heat(super::heat::Heat),
}

impl Overlay {
    /// Drawn in place of the lists (the others are boxes or lines over them).
    pub fn is_view(&self) -> bool {
        matches!(self, Overlay::Detail(_) | Overlay::Compare(_) | Overlay::Heat(_))
    }
}

impl State {
    pub fn overlay(&self) -> Option<&Overlay> {
        self.overlays.last()
    }

    /// Put `o` on top. One of a kind: opening what is already open brings nothing new.
    pub(super) fn open(&mut self, o: Overlay) {
        self.overlays.retain(|x| std::mem::discriminant(x) != std::mem::discriminant(&o));
        self.overlays.push(o);
    }

    /// Close the top overlay.
    pub(super) fn close(&mut self) {
        self.overlays.pop();
    }

    pub fn detail(&self) -> Option<&Detail> {
        self.overlays.iter().find_map(|o| match o {
            Overlay::Detail(d) => Some(d),
            _ => None,
        })
    }

    /// The range of the chart in view (the detail view's or the comparison's).
    pub(super) fn view_range_mut(&mut self) -> Option<&mut crate::market::series::ChartRange> {
        match self.overlays.iter_mut().rev().find(|o| o.is_view())? {
            Overlay::Detail(d) => Some(&mut d.range),
            Overlay::Compare(c) => Some(&mut c.range),
            _ => None,
        }
    }

    /// The view drawn in place of the lists: the top one of the detail view and the comparison.
    pub fn view_overlay(&self) -> Option<&Overlay> {
        self.overlays.iter().rev().find(|o| o.is_view())
    }

    pub(super) fn detail_mut(&mut self) -> Option<&mut Detail> {
        self.overlays.iter_mut().find_map(|o| match o {
            Overlay::Detail(d) => Some(d),
            _ => None,
        })
    }

    pub fn help_open(&self) -> bool {
        self.overlays.iter().any(|o| matches!(o, Overlay::Help { .. }))
    }

    pub fn alert_log_open(&self) -> bool {
        self.overlays.contains(&Overlay::AlertLog)
    }

    /// The filter's text is being typed.
    pub fn filtering(&self) -> bool {
        self.overlay() == Some(&Overlay::Filter)
    }

    /// The box the overlay on top is drawn in (help, the logs, the add prompt's candidates), in
    /// `layout`: a click outside it closes it.
    pub fn overlay_box(&self, layout: &super::layout::Layout) -> Option<super::layout::Area> {
        match self.overlay()? {
            Overlay::Help { .. } => Some(self.help_box(layout).area),
            Overlay::AlertLog => Some(self.log_box(layout.area).area),
            Overlay::Search(s) if s.has_query() => Some(layout.search_box(s.shown.len().max(1))),
            _ => None,
        }
    }

    pub fn prompt(&self) -> Option<&Prompt> {
        match self.overlay() {
            Some(Overlay::Prompt(p)) => Some(p),
            _ => None,
        }
    }
}
