//! The help overlay: the state's help lines (the key map in force, by where keys work), one
//! page of them, between the tabs and the status bar so the `? help` hint stays in sight. Two
//! columns where the screen is wide enough to show it all that way.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use super::theme::Theme;
use crate::present::text::{fit, pad, width};
use crate::state::{HELP_GAP, HelpLine, State, help_widths};

pub fn draw(state: &State, theme: &Theme, frame: &mut Frame, area: Rect) {
    let lines = state.help_lines();
    let (key_w, line_w) = help_widths(&lines);
    // The rows between the tabs and the status bar.
    let room = Rect { y: area.y + 1, height: area.height.saturating_sub(2), ..area };
    let split = state.help_split();
    let columns: Vec<&[HelpLine]> = match split {
        Some(at) if matches!(lines[at], HelpLine::Section(_)) => vec![&lines[..at - 1], &lines[at..]],
        Some(at) => vec![&lines[..at], &lines[at..]],
        None => vec![&lines[..]],
    };
    let page = columns.iter().map(|c| c.len()).max().unwrap_or(0).min(state.help_page());
    let scroll = state.help_scroll().unwrap_or(0);
    let text_w = line_w * columns.len() + HELP_GAP * (columns.len() - 1);
    let inner_w = text_w.min(room.width.saturating_sub(2) as usize);
    let title = " keys · Esc closes ";
    let (popup, block) = super::popup(frame, theme, room, inner_w.max(width(title)), page, title);
    let below = lines.len().saturating_sub(scroll + page);
    let where_ = match (split, scroll, below) {
        (Some(_), ..) | (None, 0, 0) => String::new(),
        (None, _, 0) => " ▲ top: g ".to_string(),
        (None, _, n) => format!(" ▼ {n} more: j/PgDn "),
    };
    let block = block.title_bottom(Line::styled(where_, theme.dim).right_aligned());
    let inner = block.inner(popup);
    frame.render_widget(block, popup);
    for (i, column) in columns.iter().enumerate() {
        let x = inner.x + (i * (line_w + HELP_GAP)) as u16;
        let w = (line_w as u16).min(inner.right().saturating_sub(x));
        let at = Rect { x, width: w, ..inner };
        let shown: Vec<Line> =
            column.iter().skip(scroll).take(page).map(|l| line(l, key_w, w as usize, theme)).collect();
        super::draw_lines(frame, at, &shown);
    }
}

fn line(l: &HelpLine, key_w: usize, w: usize, theme: &Theme) -> Line<'static> {
    match l {
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
    }
}
