//! `view`: draws the state, changes nothing.

mod alerts;
mod detail;
mod header;
mod help;
mod news;
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

use crate::state::State;
use crate::state::layout::{Area, Layout};
use theme::Theme;

pub fn view(state: &State, frame: &mut Frame) {
    let area = frame.area();
    // The state's layout, unless a resize has not reached it yet: then the same computation for the
    // frame as it is, so nothing is drawn outside it.
    let layout = if (area.width, area.height) == state.size {
        state.layout()
    } else {
        Layout::compute(area.width, area.height)
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
    header::tabs(state, &theme, frame, rect(layout.tabs));
    header::clocks(state, &theme, frame, rect(layout.clocks));
    match &state.detail {
        Some(d) => detail::draw(state, d, &theme, frame, rect(layout.watch.union(layout.news))),
        None => {
            watchlist::draw(state, &theme, frame, rect(layout.watch));
            news::draw(state, &theme, frame, &layout);
        }
    }
    status::draw(state, &theme, frame, rect(layout.status));
    if state.alerts.open {
        alerts::draw(state, &theme, frame, area);
    }
    if state.help {
        help::draw(state, &theme, frame, area);
    }
}

/// A bordered box of `inner_w` x `inner_h` cells centred in `area`, cleared, with its title: the
/// overlays (help, alert log).
fn popup(
    frame: &mut Frame,
    theme: &Theme,
    area: Rect,
    inner_w: usize,
    inner_h: usize,
    title: &str,
) -> (Rect, Block<'static>) {
    let w = (inner_w + 2).min(area.width as usize) as u16;
    let h = (inner_h + 2).min(area.height as usize) as u16;
    let popup = Rect::new(area.x + (area.width - w) / 2, area.y + (area.height - h) / 2, w, h);
    frame.render_widget(ratatui::widgets::Clear, popup);
    let title = crate::present::text::fit(title, w.saturating_sub(2) as usize);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border_focused)
        .title(Span::styled(title, theme.header));
    (popup, block)
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

/// The layout's cells as ratatui's rectangle.
fn rect(a: Area) -> Rect {
    Rect::new(a.x, a.y, a.width, a.height)
}

/// A bordered pane with its title; the focused one has the accent border. `None` when nothing fits inside.
fn pane(frame: &mut Frame, theme: &Theme, area: Rect, title: &str, focused: bool) -> Option<Rect> {
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(if focused { theme.border_focused } else { theme.border })
        .title(Span::styled(
            crate::present::text::fit(title, area.width.saturating_sub(2) as usize),
            theme.header,
        ));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    (inner.height > 0 && inner.width > 0).then_some(inner)
}

/// One line a row, cut at the area's edge: the lines are fitted already, so the paragraph
/// machinery (wrapping, truncation state) would only cost time on every frame.
pub(crate) fn draw_lines(frame: &mut Frame, area: Rect, lines: &[Line]) {
    let buf = frame.buffer_mut();
    for (i, line) in lines.iter().take(area.height as usize).enumerate() {
        put_line(buf, area.x, area.y + i as u16, line, area.width);
    }
}

/// `Buffer::set_line`, with ASCII spans written a byte a cell: ratatui splits every string into
/// grapheme clusters, which was a tenth of a frame for rows that are nearly all ASCII.
fn put_line(buf: &mut Buffer, x: u16, y: u16, line: &Line, max_width: u16) {
    let mut x = x;
    let mut remaining = max_width;
    for span in line {
        if remaining == 0 {
            break;
        }
        let text = span.content.as_ref();
        let style = line.style.patch(span.style);
        let end = if text.is_ascii() {
            let room = buf.area.right().saturating_sub(x).min(remaining);
            let mut at = x;
            // Control characters take no cell, as in `set_stringn`.
            for (i, _) in text.bytes().enumerate().filter(|(_, b)| !b.is_ascii_control()) {
                if at - x == room {
                    break;
                }
                buf[(at, y)].set_symbol(&text[i..=i]).set_style(style);
                at += 1;
            }
            at
        } else {
            buf.set_stringn(x, y, text, remaining as usize, style).0
        };
        remaining = remaining.saturating_sub(end.saturating_sub(x));
        x = end;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use ratatui::style::Color;

    fn piece() -> impl Strategy<Value = String> {
        // ASCII with controls, and text that is not: wide, combining, emoji.
        proptest::string::string_regex("([ -~]|\t|\x1b|\x7f|é|漢|e\u{301}|🚀){0,12}").unwrap()
    }

    proptest! {
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
