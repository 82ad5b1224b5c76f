//! `view`: draws the state, changes nothing.

mod header;
mod help;
mod news;
mod status;
pub mod text;
pub mod theme;
mod watchlist;

use ratatui::Frame;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

use crate::state::State;
use theme::Theme;

pub fn view(state: &State, frame: &mut Frame) {
    let area = frame.area();
    let layout = crate::layout::Layout::compute(area.width, area.height);
    let theme = Theme::new(&state.config.theme, state.no_color);
    if layout.too_small {
        if area.width > 0 && area.height > 0 {
            let msg = text::fit(
                &format!("too small: {}x{} (need 40x12)", area.width, area.height),
                area.width as usize,
            );
            let top = ratatui::layout::Rect { height: 1, ..area };
            frame.render_widget(Paragraph::new(Line::styled(msg, theme.error)), top);
        }
        return;
    }
    header::tabs(state, &theme, frame, layout.tabs);
    header::clocks(state, &theme, frame, layout.clocks);
    watchlist::draw(state, &theme, frame, layout.watch);
    news::draw(state, &theme, frame, layout.news);
    status::draw(state, &theme, frame, layout.status);
    if state.help {
        help::draw(state, &theme, frame, area);
    }
}
