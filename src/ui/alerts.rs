//! The alert log overlay: every alert that fired, newest first, with when (the reader's clock and
//! the age) and at what.

use ratatui::Frame;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::theme::Theme;
use crate::present::text::{fit, one_line, rpad};
use crate::present::time;
use crate::state::layout::Area;
use crate::state::{Level, State, alert_message};

pub fn draw(state: &State, theme: &Theme, frame: &mut Frame, screen: Area) {
    if state.alerts.messages_tab {
        return messages(state, theme, frame, screen);
    }
    let log = &state.alerts.log;
    let lb = state.log_box(screen);
    let block = super::popup(
        frame,
        theme,
        lb.area,
        " alerts │ messages (Tab) · Enter opens a headline · Esc closes ",
    );
    let mut lines: Vec<Line> = Vec::new();
    if log.is_empty() {
        lines.push(Line::styled(fit("no alert has fired yet", lb.inner_w), theme.dim));
    }
    let stamp = |f: &crate::market::alerts::Fired| time::stamp(f.at, state.now, state.zone);
    for (i, f) in log.iter().rev().enumerate().skip(lb.skip).take(lb.take) {
        // The wall-clock time says when; the age, how long ago, without arithmetic.
        let when = format!("{} {}", rpad(&stamp(f), lb.stamp_w), rpad(&time::age(f.at, state.now), 3));
        let text = fit(
            &alert_message(f, state.money()),
            lb.inner_w.saturating_sub(crate::present::text::width(&when) + 2),
        );
        let mut line =
            Line::from(vec![Span::styled(when, theme.dim), Span::raw("  "), Span::styled(text, theme.text)]);
        if i == state.alerts.cursor {
            line = line.style(theme.selected);
        }
        lines.push(line);
    }
    frame.render_widget(Paragraph::new(lines).block(block), super::rect(lb.area));
}

/// The message log: every message and error of the session, newest first, each at the reader's
/// clock and in full (wrapped, never cut at the pane's width).
fn messages(state: &State, theme: &Theme, frame: &mut Frame, screen: Area) {
    let log = &state.messages.0;
    let lb = state.log_box(screen);
    let block = super::popup(frame, theme, lb.area, " alerts │ messages (Tab) · Esc closes ");
    let mut lines: Vec<Line> = Vec::new();
    if log.is_empty() {
        lines.push(Line::styled(fit("no message yet", lb.inner_w), theme.dim));
    }
    for (i, m) in log.iter().rev().enumerate().skip(lb.skip).take(lb.take) {
        let style = match m.level {
            Level::Info => theme.text,
            Level::Warn | Level::Error => theme.error,
        };
        let mut line = Line::from(vec![
            Span::styled(rpad(&time::stamp(m.at, state.now, state.zone), lb.stamp_w), theme.dim),
            Span::raw("  "),
            Span::styled(one_line(m.text_for(state.discreet)), style),
        ]);
        if i == state.alerts.cursor {
            line = line.style(theme.selected);
        }
        lines.push(line);
    }
    let text = Paragraph::new(lines).block(block).wrap(ratatui::widgets::Wrap { trim: false });
    frame.render_widget(text, super::rect(lb.area));
}
