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
use crate::state::layout::{Area, TABS_LEAD};

pub fn tabs(state: &State, theme: &Theme, frame: &mut Frame, line: Area) {
    let area = super::rect(line);
    let groups = &state.config.groups;
    frame.render_widget(Paragraph::new(Span::styled(TABS_LEAD, theme.accent)), area);
    // Where each tab stands comes from the state, which the mouse hits too.
    match state.tabs(line) {
        Some(tabs) => {
            for (i, t) in tabs.iter().enumerate() {
                if i > 0 {
                    let bar = Rect { x: t.area.x - 1, width: 1, ..area };
                    frame.render_widget(Paragraph::new(Span::styled("│", theme.dim)), bar);
                }
                let style = if i == state.group { theme.selected } else { theme.dim };
                let mut spans = vec![Span::styled(t.label.as_str(), style)];
                if let Some((text, pct)) = &t.figure {
                    // The basket's move in its direction's colour; its sign says it without colour.
                    spans.push(Span::styled(text.as_str(), style.patch(theme.direction(Some(*pct)))));
                }
                frame.render_widget(Paragraph::new(Line::from(spans)), super::rect(t.area));
            }
        }
        None => {
            let Some(g) = groups.get(state.group) else { return };
            // Too narrow for every tab: show where we are and the one in view.
            let avail = (area.width as usize).saturating_sub(1);
            let pos = format!("‹{}/{}› ", state.group + 1, groups.len());
            let name = fit(&g.name, avail.saturating_sub(width(TABS_LEAD) + width(&pos)));
            let line = Line::from(vec![
                Span::styled(TABS_LEAD, theme.accent),
                Span::styled(pos, theme.dim),
                Span::styled(name, theme.selected),
            ]);
            frame.render_widget(Paragraph::new(line), area);
        }
    }
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
            SessionState::Open => theme.open,
            SessionState::Pre | SessionState::Post | SessionState::Lunch => theme.accent,
            SessionState::Closed => theme.dim,
        };
        spans.push(Span::styled(text, style));
        spans.push(Span::raw("   "));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}
