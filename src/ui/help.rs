//! The help overlay: the state's help lines (the key map in force, by where keys work), one
//! page of them, between the tabs and the status bar so the `? help` hint stays in sight. Two
//! columns where the screen is wide enough to show it all that way.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use super::theme::Theme;
use crate::present::text::{fit, pad, width};
use crate::state::layout::Layout;
use crate::state::{HELP_GAP, HELP_TITLE, HelpLine, State};

pub fn draw(state: &State, theme: &Theme, frame: &mut Frame, layout: &Layout) {
    let hb = state.help_box(layout);
    let block = super::popup(frame, theme, hb.area, HELP_TITLE);
    let below = hb.lines.len().saturating_sub(hb.scroll + hb.page);
    let where_ = match (hb.columns.len(), hb.scroll, below) {
        (2, ..) | (_, 0, 0) => String::new(),
        (_, _, 0) => " ▲ top: g ".to_string(),
        (_, _, n) => format!(" ▼ {n} more: j/PgDn "),
    };
    let block = block.title_bottom(Line::styled(where_, theme.dim).right_aligned());
    let popup = super::rect(hb.area);
    let inner = block.inner(popup);
    frame.render_widget(block, popup);
    for (i, column) in hb.columns.iter().enumerate() {
        let x = inner.x + (i * (hb.line_w + HELP_GAP)) as u16;
        let w = (hb.line_w as u16).min(inner.right().saturating_sub(x));
        let at = Rect { x, width: w, ..inner };
        let shown: Vec<Line> = hb.lines[column.clone()]
            .iter()
            .skip(hb.scroll)
            .take(hb.page)
            .map(|l| line(l, hb.key_w, w as usize, theme))
            .collect();
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
