//! The alert log overlay: every alert that fired, newest first, with when (the reader's clock and
//! the age) and at what.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::theme::Theme;
use crate::present::text::{fit, one_line, rpad, width};
use crate::present::time;
use crate::state::{Level, State, alert_message};

pub fn draw(state: &State, theme: &Theme, frame: &mut Frame, area: Rect) {
    if state.alerts.messages_tab {
        return messages(state, theme, frame, area);
    }
    let log = &state.alerts.log;
    let inner_w = (area.width as usize).saturating_sub(6).min(100);
    let inner_h = (log.len().max(1)).min((area.height as usize).saturating_sub(4));
    let (popup, block) = super::popup(
        frame,
        theme,
        area,
        inner_w,
        inner_h,
        " alerts │ messages (Tab) · Enter opens a headline · Esc closes ",
    );
    let mut lines: Vec<Line> = Vec::new();
    if log.is_empty() {
        lines.push(Line::styled(fit("no alert has fired yet", inner_w), theme.dim));
    }
    // Keep the selected entry in view.
    let skip = state.alerts.cursor.saturating_sub(inner_h.saturating_sub(1));
    let stamp = |f: &crate::market::alerts::Fired| time::stamp(f.at, state.now, state.zone);
    // As wide as the widest stamp in view: "14:05" alone, "Nov 23 14:05" once another day shows.
    let stamp_w = log.iter().rev().skip(skip).take(inner_h).map(|f| width(&stamp(f))).max().unwrap_or(0);
    for (i, f) in log.iter().rev().enumerate().skip(skip).take(inner_h) {
        // The wall-clock time says when; the age, how long ago, without arithmetic.
        let when = format!("{} {}", rpad(&stamp(f), stamp_w), rpad(&time::age(f.at, state.now), 3));
        let text = fit(&alert_message(f), inner_w.saturating_sub(width(&when) + 2));
        let mut line =
            Line::from(vec![Span::styled(when, theme.dim), Span::raw("  "), Span::styled(text, theme.text)]);
        if i == state.alerts.cursor {
            line = line.style(theme.selected);
        }
        lines.push(line);
    }
    frame.render_widget(Paragraph::new(lines).block(block), popup);
}

/// The message log: every message and error of the session, newest first, each at the reader's
/// clock and in full (wrapped, never cut at the pane's width).
fn messages(state: &State, theme: &Theme, frame: &mut Frame, area: Rect) {
    let log = &state.messages.0;
    let inner_w = (area.width as usize).saturating_sub(6).min(100);
    let room = (area.height as usize).saturating_sub(4);
    let skip = state.alerts.cursor.saturating_sub(room.saturating_sub(1));
    let stamp = |at| time::stamp(at, state.now, state.zone);
    let stamp_w = log.iter().rev().skip(skip).take(room).map(|m| width(&stamp(m.at))).max().unwrap_or(0);
    // Each message takes the rows its whole text needs at this width.
    let rows = |m: &crate::state::Logged| (stamp_w + 2 + width(&one_line(&m.text))).div_ceil(inner_w.max(1));
    let inner_h = log.iter().rev().skip(skip).take(room).map(rows).sum::<usize>().clamp(1, room.max(1));
    let (popup, block) =
        super::popup(frame, theme, area, inner_w, inner_h, " alerts │ messages (Tab) · Esc closes ");
    let mut lines: Vec<Line> = Vec::new();
    if log.is_empty() {
        lines.push(Line::styled(fit("no message yet", inner_w), theme.dim));
    }
    for (i, m) in log.iter().rev().enumerate().skip(skip).take(room) {
        let style = match m.level {
            Level::Info => theme.text,
            Level::Warn | Level::Error => theme.error,
        };
        let mut line = Line::from(vec![
            Span::styled(rpad(&stamp(m.at), stamp_w), theme.dim),
            Span::raw("  "),
            Span::styled(one_line(&m.text), style),
        ]);
        if i == state.alerts.cursor {
            line = line.style(theme.selected);
        }
        lines.push(line);
    }
    let text = Paragraph::new(lines).block(block).wrap(ratatui::widgets::Wrap { trim: false });
    frame.render_widget(text, popup);
}
