//! The help overlay, written from the live key map so remapped keys show as they are.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::theme::Theme;
use crate::config::Action;
use crate::present::text::{fit, pad};
use crate::state::State;

fn entries(state: &State) -> Vec<(String, &'static str)> {
    let km = &state.config.keys;
    let mut out = Vec::new();
    let groups: Vec<String> =
        Action::ALL.iter().filter(|a| a.group_index().is_some()).filter_map(|a| km.hint(*a)).collect();
    for a in Action::ALL {
        if a.group_index().is_some() {
            continue;
        }
        let keys: Vec<String> = km.keys_for(*a).iter().map(|k| k.to_string()).collect();
        if keys.is_empty() {
            continue;
        }
        out.push((keys.join(" "), a.help()));
    }
    if !groups.is_empty() {
        let label = if groups.len() > 2 {
            format!("{}…{}", groups[0], groups[groups.len() - 1])
        } else {
            groups.join(" ")
        };
        out.push((label, "group by number"));
    }
    out
}

pub fn draw(state: &State, theme: &Theme, frame: &mut Frame, area: Rect) {
    let items = entries(state);
    let key_w = items.iter().map(|(k, _)| crate::present::text::width(k)).max().unwrap_or(4).min(18);
    let desc_w = items.iter().map(|(_, d)| crate::present::text::width(d)).max().unwrap_or(10);
    let col_w = key_w + 2 + desc_w;
    let max_w = area.width.saturating_sub(2) as usize;
    let max_h = area.height.saturating_sub(2) as usize;
    // Two columns when there is room, so the whole list fits more often.
    let ncols = if (col_w * 2 + 3) <= max_w.saturating_sub(2) && items.len() > max_h.saturating_sub(2) {
        2
    } else {
        1
    };
    let per_col = items.len().div_ceil(ncols);
    let inner_w = (col_w * ncols + 3 * (ncols - 1)).min(max_w.saturating_sub(2));
    let inner_h = (per_col + 1).min(max_h);
    let (popup, block) = super::popup(frame, theme, area, inner_w, inner_h, " keys · Esc closes ");
    let mut lines: Vec<Line> = Vec::new();
    for r in 0..per_col {
        let mut spans = Vec::new();
        for c in 0..ncols {
            if let Some((k, d)) = items.get(c * per_col + r) {
                if c > 0 {
                    spans.push(Span::raw("   "));
                }
                spans.push(Span::styled(pad(k, key_w), theme.accent));
                spans.push(Span::raw("  "));
                spans.push(Span::raw(pad(d, desc_w)));
            }
        }
        lines.push(Line::from(spans));
    }
    if lines.len() > inner_h {
        lines.truncate(inner_h.saturating_sub(1));
        lines.push(Line::styled(fit("… (enlarge the terminal to see all)", inner_w), theme.dim));
    }
    frame.render_widget(Paragraph::new(lines).block(block), popup);
}
