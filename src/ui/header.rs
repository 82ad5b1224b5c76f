//! The top two lines: group tabs, and one clock per exchange in view.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::theme::Theme;
use crate::market::exchange::SessionState;
use crate::present::text::{fit, width};
use crate::present::time;
use crate::state::State;

pub fn tabs(state: &State, theme: &Theme, frame: &mut Frame, area: Rect) {
    let avail = (area.width as usize).saturating_sub(1);

    let groups = &state.config.groups;
    let mut spans = vec![Span::styled("chiptape ", theme.accent)];
    let full: usize =
        9 + groups.iter().enumerate().map(|(i, g)| width(&g.name) + 4 + (i > 0) as usize).sum::<usize>();
    if full <= avail {
        for (i, g) in groups.iter().enumerate() {
            if i > 0 {
                spans.push(Span::styled("│", theme.dim));
            }
            let label = format!(" {} {} ", i + 1, g.name);
            let style = if i == state.group { theme.selected } else { theme.dim };
            spans.push(Span::styled(label, style));
        }
    } else if let Some(g) = groups.get(state.group) {
        // Too narrow for every tab: show where we are and the one in view.
        let pos = format!("‹{}/{}› ", state.group + 1, groups.len());
        let name = fit(&g.name, avail.saturating_sub(9 + width(&pos)));
        spans.push(Span::styled(pos, theme.dim));
        spans.push(Span::styled(name, theme.selected));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

fn mark(s: SessionState) -> &'static str {
    match s {
        SessionState::Open => "●",
        SessionState::Pre | SessionState::Post => "◐",
        SessionState::Lunch => "◑",
        SessionState::Closed => "○",
    }
}

pub fn clocks(state: &State, theme: &Theme, frame: &mut Frame, area: Rect) {
    let mut spans: Vec<Span> = Vec::new();
    let mut used = 0;
    for &ex in state.exchanges_in_view().iter() {
        let (st, label) = state.session(ex);
        // A long holiday name must not push every other clock off the line.
        let text = format!("{} {} {} {}", ex.label, time::clock(ex, state.now), mark(st), fit(&label, 22));
        let w = width(&text) + 3;
        if used + w > area.width as usize {
            break;
        }
        used += w;
        let style = match st {
            SessionState::Open => theme.up,
            SessionState::Pre | SessionState::Post | SessionState::Lunch => theme.accent,
            SessionState::Closed => theme.dim,
        };
        spans.push(Span::styled(text, style));
        spans.push(Span::raw("   "));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}
