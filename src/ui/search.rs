//! The add prompt's candidates: a box above the status bar, the selected one marked, and a line
//! saying which sources are still asking or failed.

use ratatui::Frame;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use super::theme::Theme;
use crate::market::search::Candidate;
use crate::present::text::{fit, one_line, pad};
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
    let skip = search.skip(rows);
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
    let wide = w >= 70;
    let names = w.saturating_sub(2 + 12 + if wide { 13 + 8 } else { 0 });
    // The same columns on every row, no wider than a long name needs: on a wide screen the rest is
    // left at the end.
    let name_w = (names * 3 / 5).min(36);
    let zh_w = (names - name_w).min(20);
    let mut line = format!("{mark}{}", pad(c.symbol.as_str(), 12));
    // A space after a name cut short, before the next column.
    line.push_str(&pad(&fit(&name, name_w.saturating_sub(1)), name_w));
    line.push_str(&pad(&zh, zh_w));
    if wide {
        line.push_str(&pad(c.exchange.as_deref().map(one_line).unwrap_or_default().as_str(), 13));
        line.push_str(&pad(c.kind.label(), 8));
    }
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
