//! The headline list: age, source, symbols, title. Unread in bold.

use ratatui::Frame;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};

use super::theme::Theme;
use crate::present::text::{fit, pad, rpad, width};
use crate::present::time;
use crate::state::layout::Layout;
use crate::state::{Focus, State};

pub fn draw(state: &State, theme: &Theme, frame: &mut Frame, layout: &Layout) {
    let area = super::rect(layout.news);
    let focused = state.focus == Focus::Headlines;
    let rows = state.news_rows();
    let mut title = " Headlines ".to_string();
    if let Some(k) = state.news_kind.label() {
        title = format!(" Headlines · {k} ");
    }
    if let Some(s) = &state.news_filter {
        title = format!("{title}· {s} ");
    }
    if state.news_above > 0 {
        title = format!("{title}· {} new ↑ ", state.news_above);
    }
    let Some(inner) = super::pane(frame, theme, area, &title, focused) else { return };
    let w = inner.width as usize;
    let mut lines: Vec<Line> = Vec::new();
    if rows.is_empty() {
        let msg = if state.headlines.is_empty() {
            let news = &state.config.news;
            let hint = if state.demo { None } else { news.empty_hint() };
            match (&state.sources.news().error, hint) {
                (Some(e), _) => format!("no headlines: {e}"),
                (None, Some(hint)) => hint.to_string(),
                (None, None) if state.sources.news().last_ok.is_some() => "no headlines yet".to_string(),
                (None, None) => "waiting for headlines…".to_string(),
            }
        } else if let Some(s) = &state.news_filter {
            format!("no headlines about {s} (n or Esc shows all)")
        } else if let Some(k) = state.news_kind.label() {
            format!("no {k} items yet (f shows all)")
        } else {
            format!("no headline matches \"{}\"", state.filter)
        };
        lines.push(Line::styled(fit(&msg, w), theme.dim));
    }
    // Narrow panes keep the title and drop the symbols, then the source.
    let show_syms = w >= 60;
    let show_source = w >= 44;
    let selected = state.selected_headline().map(|h| h.id.clone());
    // The move since, beside headlines about the symbol the pane is filtered to (else the selected
    // row's), from a series already loaded: worked out for the rows in view only.
    let about = state.news_filter.clone().or_else(|| state.selected_symbol());
    let summary_lines = layout.summary_lines();
    let list_rows = if summary_lines > 0 { layout.news_rows() } else { inner.height as usize };
    for h in rows.iter().skip(state.news.offset).take(list_rows) {
        let age = h.published.map_or(String::new(), |p| time::age(p, state.now));
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
        let unread = !state.read.contains(&h.id);
        let mut style = theme.text;
        if unread {
            style = style.add_modifier(Modifier::BOLD);
        } else {
            style = theme.dim;
        }
        let since = about
            .as_ref()
            .filter(|a| h.symbols.contains(a))
            .and_then(|a| state.move_since(a, h.published))
            .map(|m| (format!(" {}", super::since_text(Some(m))), m))
            .filter(|(t, _)| w >= used + width(t) + 10);
        let since_w = since.as_ref().map_or(0, |(t, _)| width(t));
        let title = super::headline_title(state, h, w.saturating_sub(used + since_w), style, theme);
        let tw: usize = title.iter().map(|s| width(&s.content)).sum();
        spans.extend(title);
        spans.push(Span::raw(" ".repeat(w.saturating_sub(used + tw + since_w))));
        if let Some((t, m)) = since {
            spans.push(Span::styled(t, theme.direction(Some(m))));
        }
        let mut line = Line::from(spans);
        if selected.as_ref() == Some(&h.id) {
            line = line.style(if focused { theme.selected } else { theme.selected_unfocused });
        }
        lines.push(line);
    }
    if summary_lines > 0
        && let Some(h) = state.selected_headline()
    {
        lines.resize(list_rows, Line::default());
        lines.push(Line::styled("╌".repeat(w), theme.border));
        let text = h.summary.as_deref().unwrap_or(h.title.as_str());
        lines.extend(wrap(text, w, summary_lines).into_iter().map(|l| Line::styled(l, theme.dim)));
    }
    super::draw_lines(frame, inner, &lines);
    super::more_below(frame, theme, area, rows.len().saturating_sub(state.news.offset + list_rows));
}

/// Word-wrap by display width into at most `max` lines, the last cut with "…" if more remains.
fn wrap(text: &str, cells: usize, max: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    if cells == 0 || max == 0 {
        return lines;
    }
    let mut cur = String::new();
    for word in text.split_whitespace() {
        // CJK runs have no spaces: a word longer than the line is split by cells.
        let mut word = word.to_string();
        loop {
            let sep = usize::from(!cur.is_empty());
            if width(&cur) + sep + width(&word) <= cells {
                if sep == 1 {
                    cur.push(' ');
                }
                cur.push_str(&word);
                break;
            }
            if cur.is_empty() {
                let head = take_cells(&word, cells);
                if head.is_empty() {
                    // A character wider than the whole line (a CJK one in one cell) cannot be shown.
                    let first = word.chars().next().map_or(0, char::len_utf8);
                    word.drain(..first);
                    if word.is_empty() {
                        break;
                    }
                    continue;
                }
                word = word[head.len()..].to_string();
                lines.push(head);
            } else {
                lines.push(std::mem::take(&mut cur));
            }
            if lines.len() == max {
                let last = lines.pop().unwrap_or_default();
                lines.push(fit(&format!("{last} {word} …"), cells));
                return lines;
            }
        }
    }
    if !cur.is_empty() && lines.len() < max {
        lines.push(cur);
    }
    lines
}

/// The longest prefix of `s` that fits in `cells` (empty when not even its first character does).
fn take_cells(s: &str, cells: usize) -> String {
    let mut out = String::new();
    for ch in s.chars() {
        if width(&format!("{out}{ch}")) > cells {
            break;
        }
        out.push(ch);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps_by_cells() {
        assert_eq!(wrap("one two three", 7, 3), vec!["one two", "three"]);
        assert_eq!(wrap("中芯国际扩产计划", 6, 3), vec!["中芯国", "际扩产", "计划"]);
        let cut = wrap("a b c d e f g h", 3, 2);
        assert_eq!(cut.len(), 2);
        assert!(cut[1].ends_with('…'), "{cut:?}");
        for l in wrap("word ".repeat(50).as_str(), 10, 3) {
            assert!(width(&l) <= 10, "{l:?}");
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(512))]
        /// Whatever the text and the room, no line is wider than asked, and there are at most `max`.
        #[test]
        fn wrap_never_overflows(text in "[a-z 中芯😀\\u{301}]{0,80}", cells in 0usize..12, max in 0usize..5) {
            let lines = wrap(&text, cells, max);
            proptest::prop_assert!(lines.len() <= max);
            for l in &lines {
                proptest::prop_assert!(width(l) <= cells, "{l:?} in {cells}");
            }
        }
    }
}
