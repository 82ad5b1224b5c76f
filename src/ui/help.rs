//! The help overlay: the state's help lines (the key map in force, by where keys work), one
//! page of them, between the tabs and the status bar so the `? help` hint stays in sight.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use super::theme::Theme;
use crate::present::text::{fit, pad, width};
use crate::state::{HelpLine, State};

/// Keys wider than this are cut, so a long remap cannot push the words off the box.
const MAX_KEYS: usize = 18;

pub fn draw(state: &State, theme: &Theme, frame: &mut Frame, area: Rect) {
    let lines = state.help_lines();
    let key_w = lines
        .iter()
        .map(|l| match l {
            HelpLine::Entry { keys, .. } => width(keys),
            _ => 0,
        })
        .max()
        .unwrap_or(4)
        .min(MAX_KEYS);
    let text_w = lines
        .iter()
        .map(|l| match l {
            HelpLine::Entry { what, .. } => key_w + 2 + width(what),
            HelpLine::Section(s) => width(s) + 4,
            HelpLine::Blank => 0,
        })
        .max()
        .unwrap_or(10);
    // The rows between the tabs and the status bar.
    let room = Rect { y: area.y + 1, height: area.height.saturating_sub(2), ..area };
    let page = state.help_page().min(lines.len());
    let scroll = state.help_scroll().unwrap_or(0);
    let inner_w = text_w.min(room.width.saturating_sub(2) as usize);
    let title = " keys · Esc closes ";
    let (popup, block) = super::popup(frame, theme, room, inner_w.max(width(title)), page, title);
    let below = lines.len().saturating_sub(scroll + page);
    let where_ = match (scroll, below) {
        (0, 0) => String::new(),
        (_, 0) => " ▲ top: g ".to_string(),
        (_, n) => format!(" ▼ {n} more: j/PgDn "),
    };
    let block = block.title_bottom(Line::styled(where_, theme.dim).right_aligned());
    let inner = block.inner(popup);
    frame.render_widget(block, popup);
    let w = inner.width as usize;
    let shown: Vec<Line> = lines
        .iter()
        .skip(scroll)
        .take(page)
        .map(|l| match l {
            // A rule either side, so the sections part in a plain text copy too.
            HelpLine::Section(s) => {
                let head = fit(&format!("── {s} "), w);
                let rule = "─".repeat(w.saturating_sub(width(&head)));
                Line::styled(format!("{head}{rule}"), theme.header)
            }
            HelpLine::Entry { keys, what } => Line::from(vec![
                Span::styled(pad(keys, key_w), theme.accent),
                Span::raw("  "),
                Span::raw(fit(what, w.saturating_sub(key_w + 2))),
            ]),
            HelpLine::Blank => Line::raw(""),
        })
        .collect();
    super::draw_lines(frame, inner, &shown);
}
