//! The headline list: age, source, symbols, title. Unread in bold.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::text::{fit, pad, rpad, width};
use super::theme::Theme;
use crate::state::{Focus, State};
use crate::timefmt;

pub fn draw(state: &State, theme: &Theme, frame: &mut Frame, area: Rect) {
    let focused = state.focus == Focus::Headlines;
    let rows = state.news_rows();
    let mut title = " Headlines ".to_string();
    if let Some(s) = &state.news_filter {
        title = format!(" Headlines · {s} ");
    }
    let Some(inner) = super::pane(frame, theme, area, &title, focused) else { return };
    let w = inner.width as usize;
    let mut lines: Vec<Line> = Vec::new();
    if rows.is_empty() {
        let msg = if state.headlines.is_empty() {
            match &state.news_status.error {
                Some(e) => format!("no headlines: {e}"),
                None => "waiting for headlines…".to_string(),
            }
        } else if let Some(s) = &state.news_filter {
            format!("no headlines about {s} (n or Esc shows all)")
        } else {
            format!("no headline matches \"{}\"", state.search)
        };
        lines.push(Line::styled(fit(&msg, w), theme.dim));
    }
    // Narrow panes keep the title and drop the symbols, then the source.
    let show_syms = w >= 60;
    let show_source = w >= 44;
    let selected = state.selected_headline().map(|h| h.link.clone());
    for h in rows.iter().skip(state.news.offset).take(inner.height as usize) {
        let age = h.published.map_or(String::new(), |p| timefmt::age(p, state.now));
        let mut spans = vec![Span::styled(rpad(&age, 3), theme.dim), Span::raw(" ")];
        let mut used = 4;
        if show_source {
            spans.push(Span::styled(pad(&h.source, 12), theme.dim));
            spans.push(Span::raw(" "));
            used += 13;
        }
        if show_syms {
            let syms: Vec<&str> = h.symbols.iter().map(|s| s.as_str()).collect();
            spans.push(Span::styled(pad(&syms.join(","), 14), theme.accent));
            spans.push(Span::raw(" "));
            used += 15;
        }
        let unread = !state.read.contains(&h.link);
        let mut style = theme.text;
        if unread {
            style = style.add_modifier(Modifier::BOLD);
        } else {
            style = theme.dim;
        }
        let title = fit(&h.title, w.saturating_sub(used));
        let tw = width(&title);
        spans.push(Span::styled(title, style));
        spans.push(Span::raw(" ".repeat(w.saturating_sub(used + tw))));
        let mut line = Line::from(spans);
        if selected.as_ref() == Some(&h.link) {
            line = line.style(if focused { theme.selected } else { theme.selected_unfocused });
        }
        lines.push(line);
    }
    frame.render_widget(Paragraph::new(lines), inner);
}
