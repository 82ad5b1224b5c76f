//! The add prompt's candidates: a box above the status bar, the selected one marked, and a line
//! saying which sources are still asking or failed.

use ratatui::Frame;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use super::theme::Theme;
use crate::market::search::Candidate;
use crate::present::text::{fit, one_line, rpad};
use crate::state::layout::Layout;
use crate::state::{Search, State};

pub fn draw(state: &State, search: &Search, theme: &Theme, frame: &mut Frame, layout: &Layout) {
    if !search.has_query() {
        return;
    }
    let area = super::rect(layout.search_box(search.shown.len().max(1)));
    if area.height < 3 {
        return;
    }
    frame.render_widget(ratatui::widgets::Clear, area);
    let block = Block::default().borders(Borders::ALL).border_style(theme.border_focused);
    let inner_w = area.width.saturating_sub(2) as usize;
    let rows = area.height.saturating_sub(3) as usize;
    let in_group = state.config.groups.get(state.group).map(|g| &g.symbols[..]).unwrap_or(&[]);
    let mut lines: Vec<Line> = Vec::new();
    // Keep the selected one in view when the box is shorter than the list.
    let skip = search.selected.saturating_sub(rows.saturating_sub(1));
    for (i, c) in search.shown.iter().enumerate().skip(skip).take(rows) {
        let mark =
            if search.added.contains(&c.symbol) || in_group.contains(&c.symbol) { "✓ " } else { "  " };
        let style = if i == search.selected { theme.selected } else { theme.text };
        lines.push(Line::styled(row(mark, c, inner_w), style));
    }
    if search.shown.is_empty() {
        lines.push(Line::styled(fit("", inner_w), theme.dim));
    }
    lines.push(sources_line(search, theme, inner_w));
    frame.render_widget(Paragraph::new(lines).block(block), area);
}

/// One candidate in columns: code, name, Chinese name, then where it trades and what it is when
/// the box is wide enough for them.
fn row(mark: &str, c: &Candidate, w: usize) -> String {
    let name = c.name.as_deref().map(one_line).unwrap_or_default();
    let zh = c.name_zh.as_deref().map(one_line).unwrap_or_default();
    let tail = if w >= 70 {
        format!(" {} {}", rpad(&fit(c.exchange.as_deref().unwrap_or(""), 12), 12), rpad(c.kind.label(), 8))
    } else {
        String::new()
    };
    let fixed = 2 + 12 + crate::present::text::width(&tail);
    let names = w.saturating_sub(fixed);
    let (name_w, zh_w) = if zh.is_empty() || name.is_empty() {
        (names, names)
    } else {
        (names * 3 / 5, names - names * 3 / 5)
    };
    let names = match (name.is_empty(), zh.is_empty()) {
        (false, false) => {
            format!("{}{}", rpad(&fit(&name, name_w.saturating_sub(1)), name_w), fit(&zh, zh_w))
        }
        (false, true) => fit(&name, name_w),
        (true, _) => fit(&zh, zh_w),
    };
    let line = format!(
        "{mark}{}{}{tail}",
        rpad(&fit(c.symbol.as_str(), 11), 12),
        rpad(&names, w.saturating_sub(fixed))
    );
    fit(&line, w)
}

/// Which sources are still asking, which failed and why, or that nothing was found.
fn sources_line(search: &Search, theme: &Theme, w: usize) -> Line<'static> {
    let asking = search.asking();
    let failed: Vec<String> = search.failed().iter().map(|(n, e)| format!("{n}: {}", one_line(e))).collect();
    let mut spans = Vec::new();
    if !asking.is_empty() {
        spans.push(Span::styled(format!("searching {}… ", asking.join(", ")), theme.dim));
    } else if search.shown.is_empty() {
        spans.push(Span::styled(
            format!("nothing found for \"{}\" ", one_line(search.text.trim())),
            theme.dim,
        ));
    }
    if !failed.is_empty() {
        spans.push(Span::styled(failed.join(" · "), theme.error));
    }
    let text: String = spans.iter().map(|s| s.content.as_ref()).collect();
    if text.is_empty() {
        return Line::styled(fit(&format!("{} found", search.shown.len()), w), theme.dim);
    }
    // Cut to the box as one text, each part keeping its style where it survives.
    let mut left = w;
    let spans = spans
        .into_iter()
        .map(|s| {
            let t = fit(&s.content, left);
            left -= crate::present::text::width(&t).min(left);
            Span::styled(t, s.style)
        })
        .collect::<Vec<_>>();
    Line::from(spans)
}
