//! `view`: draws the state, changes nothing.

mod detail;
mod header;
mod help;
mod news;
mod spark;
mod status;

pub mod theme;
mod watchlist;

use ratatui::Frame;
use ratatui::layout::Rect;
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
    if state.help {
        help::draw(state, &theme, frame, area);
    }
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
