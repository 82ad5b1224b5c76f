//! `view`: draws the state, changes nothing.

mod alerts;
mod compare;
mod detail;
mod header;
mod heat;
mod help;
mod news;
mod search;
mod spark;
mod status;

pub mod theme;
mod watchlist;

use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use crate::state::layout::Area;
use crate::state::{Overlay, State};
use theme::Theme;

pub fn view(state: &State, frame: &mut Frame) {
    let area = frame.area();
    // The state's layout, unless a resize has not reached it yet: then the same computation for the
    // frame as it is, so nothing is drawn outside it.
    let layout = if (area.width, area.height) == state.size {
        state.layout()
    } else {
        state.layout_at(area.width, area.height)
    };
    let theme = Theme::new(&state.config.theme, state.no_color);
    if layout.too_small {
        if area.width > 0 && area.height > 0 {
            let msg = crate::present::text::fit(
                &format!("too small: {}x{} (need 40x12)", area.width, area.height),
                area.width as usize,
            );
            let top = ratatui::layout::Rect { height: 1, ..area };
            frame.render_widget(Paragraph::new(Line::styled(msg, theme.error)), top);
        }
        return;
    }
    header::tabs(state, &theme, frame, layout.tabs);
    header::clocks(state, &theme, frame, rect(layout.clocks));
    match state.view_overlay() {
        Some(Overlay::Heat(_)) => heat::draw(state, &theme, frame, &layout),
        Some(Overlay::Detail(d)) => detail::draw(state, d, &theme, frame, layout.detail()),
        Some(Overlay::Compare(c)) => compare::draw(state, c, &theme, frame, layout.detail()),
        _ => {
            watchlist::draw(state, &theme, frame, rect(layout.watch));
            news::draw(state, &theme, frame, &layout);
        }
    }
    status::draw(state, &theme, frame, rect(layout.status));
    if let Some(search) = state.search() {
        search::draw(state, search, &theme, frame, &layout);
    }
    if state.alert_log_open() {
        alerts::draw(state, &theme, frame, layout.area);
    }
    if state.help_open() {
        help::draw(state, &theme, frame, &layout);
    }
}

/// A bordered box where the state's layout puts it, cleared, with its title: the overlays (help,
/// logs).
fn popup(frame: &mut Frame, theme: &Theme, area: Area, title: &str) -> Block<'static> {
    frame.render_widget(ratatui::widgets::Clear, rect(area));
    let title = crate::present::text::fit(title, area.width.saturating_sub(2) as usize);
    Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border_focused)
        .title(Span::styled(title, theme.header))
}

/// A headline's title cut to `cells`, an unseen alert's "!" first, the highlighted phrases marked.
fn headline_title(
    state: &State,
    h: &crate::market::Headline,
    cells: usize,
    style: Style,
    theme: &Theme,
) -> Vec<Span<'static>> {
    let mut spans = Vec::new();
    let mut cells = cells;
    if state.alerts.marked_headlines.contains(&h.id) && cells > 1 {
        spans.push(Span::styled("!", theme.error.add_modifier(Modifier::BOLD)));
        cells -= 1;
    }
    // An official item says what it is before its title: its form (`8-K`) or `RULE`.
    if let Some(badge) = h.badge() {
        let badge = crate::present::text::fit(badge, 8);
        let w = crate::present::text::width(&badge) + 1;
        if cells > w + 8 {
            spans.push(Span::styled(badge, theme.badge));
            spans.push(Span::raw(" "));
            cells -= w;
        }
    }
    let title = crate::present::text::fit(&h.title, cells);
    let mut at = 0;
    for r in crate::market::alerts::phrase_ranges(&title, &state.config.news.highlight) {
        spans.push(Span::styled(title[at..r.start].to_string(), style));
        spans.push(Span::styled(title[r.clone()].to_string(), style.patch(theme.highlight)));
        at = r.end;
    }
    spans.push(Span::styled(title[at..].to_string(), style));
    spans
}

/// The move since a headline, short: "+2.3%", or "—" where no series covers it.
fn since_text(pct: Option<f64>) -> String {
    match pct {
        Some(p) if p.abs() < 0.05 => "0.0%".to_string(),
        Some(p) => format!("{p:+.1}%"),
        None => "—".to_string(),
    }
}

/// The layout's cells as ratatui's rectangle.
fn rect(a: Area) -> Rect {
    Rect::new(a.x, a.y, a.width, a.height)
}

/// A bordered pane with its title; the focused one has the accent border. `None` when nothing fits inside.
fn pane(frame: &mut Frame, theme: &Theme, area: Rect, title: &str, focused: bool) -> Option<Rect> {
    let border = if focused { theme.border_focused } else { theme.border };
    let title = crate::present::text::fit(title, area.width.saturating_sub(2) as usize);
    draw_box(frame.buffer_mut(), area, border, &Line::from(Span::styled(title, theme.header)));
    let inner = Block::default().borders(Borders::ALL).inner(area);
    (inner.height > 0 && inner.width > 0).then_some(inner)
}

/// "▼ 12 more" on the pane's bottom border, at the right, when rows lie below the view: on the
/// border, so it costs no row, and absent when everything fits.
fn more_below(frame: &mut Frame, theme: &Theme, area: Rect, hidden: usize) {
    if hidden == 0 || area.height < 2 {
        return;
    }
    let text = format!(" ▼ {hidden} more ");
    let cells = text.chars().count() as u16;
    // A corner and one line of border on the right; the left corner stays whole.
    if area.width < cells + 4 {
        return;
    }
    let x = area.right() - 2 - cells;
    put_line(frame.buffer_mut(), x, area.bottom() - 1, &Line::styled(text, theme.header), cells);
}

/// What `Block::bordered().border_style(border).title(title)` draws, cell for cell, without
/// restyling every cell inside the box first (a tenth of the cost of a frame's panes).
fn draw_box(buf: &mut Buffer, area: Rect, border: Style, title: &Line) {
    let area = area.intersection(buf.area);
    if area.is_empty() {
        return;
    }
    let (left, top) = (area.left(), area.top());
    let (right, bottom) = (area.right() - 1, area.bottom() - 1);
    let mut put = |x: u16, y: u16, symbol: &str| {
        buf[(x, y)].set_symbol(symbol).set_style(border);
    };
    // The order of ratatui's sides, then its corners: in a box one cell wide or high, the last wins.
    for y in top..=bottom {
        put(left, y, "│");
    }
    for x in left..=right {
        put(x, top, "─");
    }
    for y in top..=bottom {
        put(right, y, "│");
    }
    for x in left..=right {
        put(x, bottom, "─");
    }
    for (x, y, symbol) in [(right, bottom, "┘"), (right, top, "┐"), (left, bottom, "└"), (left, top, "┌")]
    {
        put(x, y, symbol);
    }
    if area.width > 2 {
        put_line(buf, left + 1, top, title, area.width - 2);
    }
}

/// One line a row, cut at the area's edge: the lines are fitted already, so the paragraph
/// machinery (wrapping, truncation state) would only cost time on every frame.
pub(crate) fn draw_lines(frame: &mut Frame, area: Rect, lines: &[Line]) {
    let buf = frame.buffer_mut();
    for (i, line) in lines.iter().take(area.height as usize).enumerate() {
        put_line(buf, area.x, area.y + i as u16, line, area.width);
    }
}

/// `Buffer::set_line`, without splitting ASCII text into grapheme clusters: ratatui segments every
/// string, which was a tenth of a frame for rows that are nearly all ASCII.
fn put_line(buf: &mut Buffer, x: u16, y: u16, line: &Line, max_width: u16) {
    let mut x = x;
    let mut remaining = max_width;
    for span in line {
        if remaining == 0 {
            break;
        }
        let end = put_str(buf, x, y, span.content.as_ref(), remaining, line.style.patch(span.style));
        remaining = remaining.saturating_sub(end.saturating_sub(x));
        x = end;
    }
}

/// `Buffer::set_stringn`: the same cells, and the same stop at the first one that does not fit.
/// Two ASCII characters in a row always have a cluster boundary between them, so only the
/// stretches around non-ASCII text (with the ASCII character before, which a combining mark joins,
/// and the one after, which a prepended mark joins) go through segmentation.
fn put_str(buf: &mut Buffer, x: u16, y: u16, text: &str, max_width: u16, style: Style) -> u16 {
    use ratatui::buffer::CellWidth;
    use unicode_segmentation::UnicodeSegmentation;

    let mut room = buf.area.right().saturating_sub(x).min(max_width);
    let mut x = x;
    let mut put = |symbol: &str, width: u16| -> bool {
        let Some(left) = room.checked_sub(width) else { return false };
        room = left;
        buf[(x, y)].set_symbol(symbol).set_style(style);
        let next = x + width;
        x += 1;
        while x < next {
            buf[(x, y)].reset();
            x += 1;
        }
        true
    };
    let bytes = text.as_bytes();
    let mut i = 0;
    'text: while i < bytes.len() {
        let next_wide = bytes[i..].iter().position(|b| !b.is_ascii()).map(|p| i + p);
        let plain_end = next_wide.map_or(bytes.len(), |j| if j > i { j - 1 } else { j });
        for (k, b) in bytes.iter().enumerate().take(plain_end).skip(i) {
            if !b.is_ascii_control() && !put(&text[k..=k], 1) {
                break 'text;
            }
        }
        let Some(j) = next_wide else { break };
        // The stretch ends after the first two ASCII characters in a row (or at the end).
        let mut end = bytes.len();
        for p in j..bytes.len().saturating_sub(1) {
            if bytes[p].is_ascii() && bytes[p + 1].is_ascii() {
                end = p + 1;
                break;
            }
        }
        for g in text[plain_end..end].graphemes(true).filter(|g| !g.contains(char::is_control)) {
            let width = g.cell_width();
            if width > 0 && !put(g, width) {
                break 'text;
            }
        }
        i = end;
    }
    x
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use ratatui::style::Color;

    fn piece() -> impl Strategy<Value = String> {
        // ASCII with controls, and what joins or widens: wide, combining, prepended (U+0600),
        // zero-width joiner, flags, a halfwidth sound mark, CR LF.
        proptest::string::string_regex(
            "([ -~]|\t|\r|\n|\x1b|\x7f|é|漢|\u{301}|\u{600}|\u{200d}|🚀|👩|🇨|🇳|ｶ|\u{ff9e}|\u{fe0f}){0,14}",
        )
        .unwrap()
    }

    proptest! {
        /// A pane's box is ratatui's bordered, titled block, at every size and place, titles fitted
        /// as `pane` fits them. (Zero-width characters aside: a block's title appends them to the
        /// cell before, `set_line` drops them; titles come from group names.)
        #[test]
        fn draw_box_is_a_bordered_block(
            (x, y, w, h) in (0u16..8, 0u16..6, 0u16..14, 0u16..9),
            title in "([ -~]|é|漢|🚀|ｶ){0,14}",
            color in 0u8..8,
        ) {
            let buf_area = Rect::new(0, 0, 12, 8);
            let area = Rect::new(x, y, w, h);
            let border = Style::default().fg(Color::Indexed(color));
            let title = Span::styled(
                crate::present::text::fit(&title, w.saturating_sub(2) as usize),
                Style::default().add_modifier(Modifier::BOLD).fg(Color::Indexed(color + 1)),
            );
            let (mut ours, mut theirs) = (Buffer::empty(buf_area), Buffer::empty(buf_area));
            draw_box(&mut ours, area, border, &Line::from(title.clone()));
            ratatui::widgets::Widget::render(
                Block::default().borders(Borders::ALL).border_style(border).title(title),
                area,
                &mut theirs,
            );
            prop_assert_eq!(ours, theirs);
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]
        /// The fast path writes exactly what ratatui's own `set_line` writes, for any mix of spans,
        /// styles, start and width, including lines cut at the buffer's edge.
        #[test]
        fn put_line_is_set_line(
            pieces in proptest::collection::vec((piece(), 0u8..4), 0..5),
            x in 0u16..24,
            width in 0u16..30,
            bold in any::<bool>(),
        ) {
            let spans: Vec<Span> = pieces
                .iter()
                .map(|(t, c)| Span::styled(t.clone(), Style::default().fg(Color::Indexed(*c))))
                .collect();
            let mut line = Line::from(spans);
            if bold {
                line = line.style(Style::default().add_modifier(Modifier::BOLD));
            }
            let area = Rect::new(0, 0, 20, 2);
            let (mut ours, mut theirs) = (Buffer::empty(area), Buffer::empty(area));
            let x = x.min(area.right());
            put_line(&mut ours, x, 1, &line, width);
            theirs.set_line(x, 1, &line, width);
            prop_assert_eq!(ours, theirs);
        }
    }
}
