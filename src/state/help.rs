//! The help's text, from the key map in force, grouped by where the keys work; and how far it
//! scrolls. Both the key handler and the view read it, so they agree on its length.

use super::State;
use super::layout::{Area, Layout};
use crate::config::{Action, KeyMap};

/// One line of the help.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HelpLine {
    /// Where the keys under it work.
    Section(&'static str),
    Entry {
        keys: String,
        what: &'static str,
    },
    Blank,
}

/// Rows the help keeps free around its box: the tabs above, the status bar below (its `? help`
/// stays in sight), and the box's two borders.
const AROUND: u16 = 4;

struct Builder<'a> {
    km: &'a KeyMap,
    lines: Vec<HelpLine>,
}

impl Builder<'_> {
    fn section(&mut self, name: &'static str) {
        if !self.lines.is_empty() {
            self.lines.push(HelpLine::Blank);
        }
        self.lines.push(HelpLine::Section(name));
    }

    /// The keys bound to `actions` now; an action with no key leaves no line.
    fn on(&mut self, actions: &[Action], what: &'static str) {
        let keys: Vec<String> =
            actions.iter().flat_map(|a| self.km.keys_for(*a)).map(|k| k.to_string()).collect();
        if !keys.is_empty() {
            self.lines.push(HelpLine::Entry { keys: keys.join(" "), what });
        }
    }

    /// Keys the handler reads itself, whatever the map says.
    fn fixed(&mut self, keys: &str, what: &'static str) {
        self.lines.push(HelpLine::Entry { keys: keys.to_string(), what });
    }
}

fn lists(b: &mut Builder, mouse: bool) {
    use Action::*;
    b.section("watchlist and headlines");
    // The two a newcomer looks for first, on the first page at any size.
    b.on(&[Quit], "quit");
    b.on(&[Help], "this help");
    for (a, what) in [
        ([Down, Up], "down / up"),
        ([Top, Bottom], "first / last row"),
        ([PageDown, PageUp], "page down / up"),
        ([GroupNext, GroupPrev], "next / previous group"),
    ] {
        b.on(&a, what);
    }
    b.on(&[FocusNext, FocusPrev], "other pane");
    let numbers: Vec<String> =
        Action::ALL.iter().filter(|a| a.group_index().is_some()).filter_map(|a| b.km.hint(*a)).collect();
    match numbers.as_slice() {
        [] => {}
        [one] => b.fixed(one, "group by number"),
        [first, .., last] => b.fixed(&format!("{first}…{last}"), "group by number"),
    }
    b.on(&[Filter], "search both panes");
    b.on(&[Close], "clear the search / filter");
    // Paired, as the moves are, to leave the help in two columns at 120x35.
    b.on(&[Refresh, Pause], "refresh now / pause updates");
    for (a, what) in [
        (AddSymbol, "add by name or code (寒武纪, hwj)"),
        (EditConfig, "edit the config in $EDITOR"),
        (AlertLog, "alert log"),
        (Compare, "compare groups / marked rows"),
    ] {
        b.on(&[a], what);
    }
    // One line: the map's own keys are on its bottom border, and the help must stay two columns.
    b.on(&[HeatMap, HeatMapSized], "heat map / sized by position");
    b.on(&[Discreet], "discreet: amounts as •••");
    if mouse {
        b.fixed("click, wheel", "select (again: open), scroll");
    }
    b.section("watchlist");
    b.on(&[Activate], "detail view and chart");
    b.on(&[FilterSymbol], "headlines of this symbol");
    b.on(&[Sort], "sort: change % / symbol / yours");
    b.on(&[SortReverse], "reverse the sort");
    b.on(&[RemoveSymbol], "remove the symbol (y/n)");
    b.on(&[Mark], "mark for the comparison");
    b.section("headlines");
    b.on(&[Activate, OpenLink], "open in the browser");
    b.on(&[HeadlineKind], "all / news / official");
}

fn overlays(b: &mut Builder) {
    use Action::*;
    b.section("detail and compare");
    b.fixed("1…7", "range: 1D 5D 1M 6M YTD 1Y 5Y");
    b.fixed("h l left right", "previous / next range");
    b.on(&[Down, Up], "next / previous symbol");
    b.fixed("J K, enter", "headline: pick (marked) / open");
    b.fixed("tab", "compare: groups / marked rows");
    b.on(&[Refresh], "refresh the chart");
    b.on(&[Close, Quit], "back to the list");
    b.section("prompt (add, remove, search)");
    b.fixed("enter", "add / keep the search");
    b.fixed("tab", "add, keep searching");
    b.fixed("esc", "cancel / clear the search");
    b.fixed("backspace ctrl-u", "delete a character / all");
    b.fixed("down up", "pick / move while searching");
    b.fixed("y n", "answer: remove?");
    b.section("alert log");
    b.on(&[Down, Up], "down / up");
    b.on(&[Top, Bottom], "newest / oldest");
    b.on(&[Activate, OpenLink], "open the alert's headline");
    b.on(&[AlertLog, Close, Quit], "close");
    b.section("help");
    b.on(&[Down, Up], "scroll");
    b.on(&[PageDown, PageUp], "scroll a page");
    b.on(&[Top, Bottom], "top / bottom");
    b.on(&[Help, Close, Quit], "close");
}

/// Keys wider than this are cut, so a long remap cannot push the words off the box.
pub const HELP_MAX_KEYS: usize = 18;
/// Cells between two columns of help.
pub const HELP_GAP: usize = 3;

/// The widths of the help's key column and of a whole line, in cells.
pub fn help_widths(lines: &[HelpLine]) -> (usize, usize) {
    use crate::present::text::width;
    let keys = lines.iter().map(|l| if let HelpLine::Entry { keys, .. } = l { width(keys) } else { 0 });
    let key_w = keys.max().unwrap_or(4).min(HELP_MAX_KEYS);
    let line_w = lines.iter().map(|l| match l {
        HelpLine::Entry { what, .. } => key_w + 2 + width(what),
        HelpLine::Section(s) => width(s) + 4,
        HelpLine::Blank => 0,
    });
    (key_w, line_w.max().unwrap_or(10))
}

/// The help's box title.
pub const HELP_TITLE: &str = " keys · Esc closes ";

/// Where the help stands and what of it shows.
#[derive(Debug, Clone, PartialEq)]
pub struct HelpBox {
    /// The box, its border included.
    pub area: Area,
    pub lines: Vec<HelpLine>,
    /// One or two columns, each a range of `lines`.
    pub columns: Vec<std::ops::Range<usize>>,
    /// Lines shown of each column, from `scroll` on.
    pub page: usize,
    pub scroll: usize,
    pub key_w: usize,
    pub line_w: usize,
}

impl State {
    /// The help as it is drawn in `layout`: between the tabs and the status bar, so the `? help`
    /// hint stays in sight; in two columns where it then fits whole.
    pub fn help_box(&self, layout: &Layout) -> HelpBox {
        let lines = self.help_lines();
        let (key_w, line_w) = help_widths(&lines);
        let n = lines.len();
        let columns = match self.help_split() {
            Some(at) if matches!(lines[at], HelpLine::Section(_)) => vec![0..at - 1, at..n],
            Some(at) => vec![0..at, at..n],
            None => std::iter::once(0..n).collect(),
        };
        let page = columns.iter().map(|c| c.len()).max().unwrap_or(0).min(self.help_page());
        let text_w = line_w * columns.len() + HELP_GAP * (columns.len() - 1);
        let room = layout.popup_room();
        let inner_w = text_w.min(room.width.saturating_sub(2) as usize);
        let area = room.centred(inner_w.max(crate::present::text::width(HELP_TITLE)), page);
        HelpBox { area, lines, columns, page, scroll: self.help_scroll().unwrap_or(0), key_w, line_w }
    }

    /// Where the second column starts, when the help does not fit one column on screen but fits
    /// two side by side; each column then ends with a whole section. Two columns never scroll.
    pub fn help_split(&self) -> Option<usize> {
        let lines = self.help_lines();
        let page = self.help_page();
        let (_, line_w) = help_widths(&lines);
        if lines.len() <= page || usize::from(self.size.0) < 2 * line_w + HELP_GAP + 2 {
            return None;
        }
        // At a section's heading where one fits (the blank line before it dropped), else inside
        // a section; then the most even.
        let first = |i: usize| if matches!(lines[i], HelpLine::Section(_)) { i - 1 } else { i };
        (1..lines.len())
            .filter(|i| {
                !matches!(lines[*i], HelpLine::Blank) && !matches!(lines[*i - 1], HelpLine::Section(_))
            })
            .filter(|i| first(*i) <= page && lines.len() - i <= page)
            .min_by_key(|i| (!matches!(lines[*i], HelpLine::Section(_)), first(*i).max(lines.len() - i)))
    }

    /// The help as it reads with the key map in force.
    pub fn help_lines(&self) -> Vec<HelpLine> {
        let mut b = Builder { km: &self.config.keys, lines: Vec::new() };
        lists(&mut b, self.config.mouse);
        overlays(&mut b);
        b.lines
    }

    /// Lines of help on screen at once.
    pub fn help_page(&self) -> usize {
        usize::from(self.size.1.saturating_sub(AROUND)).max(1)
    }

    /// The furthest the help scrolls: its last line at the bottom of the box.
    pub fn help_max_scroll(&self) -> usize {
        if self.help_split().is_some() {
            return 0;
        }
        self.help_lines().len().saturating_sub(self.help_page())
    }

    /// How far the help is scrolled, within what the size allows now.
    pub fn help_scroll(&self) -> Option<usize> {
        self.overlays.iter().find_map(|o| match o {
            super::Overlay::Help { scroll } => Some((*scroll).min(self.help_max_scroll())),
            _ => None,
        })
    }
}
