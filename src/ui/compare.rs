//! The comparison chart: every line rebased to 0 % at the start of the range on one axis, and a
//! legend with each line's final figure, best first. Each line keeps a colour and a glyph of its
//! own; in mono the glyphs alone tell the lines apart.

use chrono::Datelike;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Style};
use ratatui::symbols::Marker;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::widgets::canvas::{Canvas, Line as CanvasLine, Points};

use super::theme::Theme;
use crate::market::compare::{At, CompareLine, Comparison};
use crate::market::series::ChartRange;
use crate::present::number;
use crate::present::text::{fit, width};
use crate::present::time::LocalZone;
use crate::state::layout::Area;
use crate::state::{Compare, State};

/// One glyph per line, plain ASCII so every terminal draws it one cell wide.
pub const GLYPHS: [&str; 8] = ["*", "o", "+", "x", "#", "@", "%", "="];
/// The % labels' width left of the axis.
const GUTTER: u16 = 8;
/// From this width the legend sits beside the chart, as wide as its lines (within these bounds).
const LEGEND_BESIDE_FROM: u16 = 80;
const LEGEND: (u16, u16) = (22, 40);

pub fn draw(state: &State, c: &Compare, theme: &Theme, frame: &mut Frame, at: Area) {
    let area = super::rect(at);
    let cmp = state.comparison(c);
    let what = if c.marked && !state.compare_marks.is_empty() { "marked rows" } else { "groups as baskets" };
    let pending = state.compare_pending(c);
    let title = match pending {
        0 => format!(" Compare · {what} "),
        n => format!(" Compare · {what} · loading {n} "),
    };
    let Some(inner) = super::pane(frame, theme, area, &title, true) else { return };
    let hint = if state.compare_marks.is_empty() {
        "  h/l range · space marks rows · Esc back"
    } else {
        "  h/l range · Tab groups/marked · Esc back"
    };
    super::detail::range_picker(frame, theme, at, inner, c.range, &[hint]);
    let body = Rect { y: inner.y + 1, height: inner.height.saturating_sub(1), ..inner };
    if body.height == 0 {
        return;
    }
    let legend = legend_lines(&cmp, pending > 0, theme, usize::MAX);
    let (chart_area, legend_area) = if body.width >= LEGEND_BESIDE_FROM {
        let want = legend.iter().map(Line::width).max().unwrap_or(0) as u16;
        let side = want.clamp(LEGEND.0, LEGEND.1) + 1;
        let cw = body.width - side;
        (Rect { width: cw, ..body }, Rect { x: body.x + cw + 1, width: side - 1, ..body })
    } else {
        // Narrow: the legend under the chart, a line each, at most a third of the height.
        let lh = (cmp.lines.len() as u16).min(body.height / 3).max(1);
        let ch = body.height - lh;
        (Rect { height: ch, ..body }, Rect { y: body.y + ch, height: lh, ..body })
    };
    let legend = legend_lines(&cmp, pending > 0, theme, legend_area.width as usize);
    super::draw_lines(frame, legend_area, &legend);
    chart(&cmp, theme, state.zone, frame, chart_area);
}

/// A line's colour and glyph.
fn look(theme: &Theme, l: &CompareLine) -> (Style, &'static str) {
    let colour = theme.lines.map_or(Color::Reset, |c| c[l.index % c.len()]);
    let style = if theme.lines.is_some() { Style::new().fg(colour) } else { theme.text };
    (style, GLYPHS[l.index % GLYPHS.len()])
}

/// `* US AI chips  +4.21% (7 of 8)`: the glyph in the line's colour, the figure in its direction's.
fn legend_lines(cmp: &Comparison, loading: bool, theme: &Theme, w: usize) -> Vec<Line<'static>> {
    cmp.lines
        .iter()
        .map(|l| {
            let (style, glyph) = look(theme, l);
            let (figure, fstyle) = match l.final_pct() {
                Some(p) => (number::pct(p), theme.direction(Some(p))),
                None if loading => ("loading…".to_string(), theme.dim),
                None => ("no data".to_string(), theme.dim),
            };
            let count = match l.line.priced {
                p if p > 0 && p < l.members => format!(" ({p} of {})", l.members),
                _ => String::new(),
            };
            let fixed = 2 + 1 + width(&figure) + width(&count);
            let name = fit(&l.name, w.saturating_sub(fixed).max(1));
            Line::from(vec![
                Span::styled(format!("{glyph} "), style),
                Span::styled(name, theme.text),
                Span::raw(" "),
                Span::styled(figure, fstyle),
                Span::styled(count, theme.dim),
            ])
        })
        .collect()
}

/// The plot's cells and the values' bounds.
struct Plot {
    area: Rect,
    n: usize,
    lo: f64,
    hi: f64,
}

impl Plot {
    fn col(&self, i: usize) -> u16 {
        let w = usize::from(self.area.width.saturating_sub(1));
        self.area.x + (i * w / (self.n - 1).max(1)) as u16
    }

    fn row(&self, v: f64) -> u16 {
        let h = f64::from(self.area.height.saturating_sub(1));
        self.area.y + (((self.hi - v) / (self.hi - self.lo)).clamp(0.0, 1.0) * h).round() as u16
    }

    /// The axis index drawn at column `x` of the plot.
    fn index(&self, x: u16) -> usize {
        let w = usize::from(self.area.width.saturating_sub(1)).max(1);
        (usize::from(x) * (self.n - 1) + w / 2) / w
    }
}

fn chart(cmp: &Comparison, theme: &Theme, zone: LocalZone, frame: &mut Frame, area: Rect) {
    let n = cmp.axis.keys.len();
    let values = cmp.lines.iter().flat_map(|l| l.line.values.iter().copied()).filter(|v| v.is_finite());
    let (lo, hi) = values.fold((0.0f64, 0.0f64), |(lo, hi), v| (lo.min(v), hi.max(v)));
    let gutter = GUTTER.min(area.width / 3);
    let plot_h = area.height.saturating_sub(2);
    if n == 0 || plot_h < 2 || area.width <= gutter + 2 {
        let text = if n == 0 { "no series yet" } else { "" };
        frame.render_widget(Paragraph::new(Span::styled(text, theme.dim)), area);
        return;
    }
    let pad = ((hi - lo) * 0.05).max(0.05);
    let plot = Plot {
        area: Rect { x: area.x + gutter, width: area.width - gutter, height: plot_h, ..area },
        n,
        lo: lo - pad,
        hi: hi + pad,
    };
    match theme.lines {
        Some(_) => braille(cmp, theme, &plot, frame),
        None => glyphs(cmp, theme, &plot, frame),
    }
    // Each line's glyph at its last point ties it to the legend, in colour too.
    let buf = frame.buffer_mut();
    for l in cmp.lines.iter().rev() {
        if let (Some(end), Some(v)) = (l.line.end, l.final_pct()) {
            let (style, glyph) = look(theme, l);
            buf[(plot.col(end), plot.row(v))].set_symbol(glyph).set_style(style);
        }
    }
    y_labels(&plot, gutter, lo, hi, theme, frame);
    x_axis(cmp, &plot, zone, theme, frame, area);
}

/// Colour themes: each line in braille dots, 0 % dotted.
fn braille(cmp: &Comparison, theme: &Theme, plot: &Plot, frame: &mut Frame) {
    let span = (plot.n - 1).max(1) as f64;
    let dim = theme.dim.fg.unwrap_or(Color::Reset);
    let cells = usize::from(plot.area.width).max(2);
    let zero: Vec<(f64, f64)> =
        (0..cells).step_by(2).map(|c| (c as f64 * span / (cells - 1) as f64, 0.0)).collect();
    let canvas =
        Canvas::default().marker(Marker::Braille).x_bounds([0.0, span]).y_bounds([plot.lo, plot.hi]).paint(
            |ctx| {
                ctx.draw(&Points { coords: &zero, color: dim });
                // The best line last, on top.
                for l in cmp.lines.iter().rev() {
                    let (style, _) = look(theme, l);
                    let color = style.fg.unwrap_or(Color::Reset);
                    let pts = thinned(&l.line, plot);
                    for w in pts.windows(2) {
                        ctx.draw(&CanvasLine { x1: w[0].0, y1: w[0].1, x2: w[1].0, y2: w[1].1, color });
                    }
                    if let [only] = pts.as_slice() {
                        ctx.draw(&Points { coords: &[*only], color });
                    }
                }
            },
        );
    frame.render_widget(canvas, plot.area);
}

/// A line's points as the braille grid can show them: in each column of dots, the lowest and the
/// highest value in the order they came, so five years of days cost what the width costs and a
/// spike still shows.
fn thinned(line: &crate::market::basket::Line, plot: &Plot) -> Vec<(f64, f64)> {
    type Column = (usize, (usize, f64), (usize, f64));
    fn flush(c: Option<Column>, out: &mut Vec<(f64, f64)>) {
        if let Some((_, lo, hi)) = c {
            let (a, b) = if lo.0 <= hi.0 { (lo, hi) } else { (hi, lo) };
            out.push((a.0 as f64, a.1));
            if b.0 != a.0 {
                out.push((b.0 as f64, b.1));
            }
        }
    }
    let (Some(start), Some(end)) = (line.start, line.end) else { return Vec::new() };
    let dots = usize::from(plot.area.width) * 2;
    let span = (plot.n - 1).max(1);
    let mut out = Vec::new();
    let mut column: Option<Column> = None;
    for i in start..=end {
        let v = line.values[i];
        if !v.is_finite() {
            continue;
        }
        let dc = i * (dots - 1) / span;
        match &mut column {
            Some((c, lo, hi)) if *c == dc => {
                if v < lo.1 {
                    *lo = (i, v);
                }
                if v > hi.1 {
                    *hi = (i, v);
                }
            }
            _ => {
                flush(column.take(), &mut out);
                column = Some((dc, (i, v), (i, v)));
            }
        }
    }
    flush(column, &mut out);
    out
}

/// Mono: a glyph per column for each line, so the lines are told apart without colour.
fn glyphs(cmp: &Comparison, theme: &Theme, plot: &Plot, frame: &mut Frame) {
    let buf = frame.buffer_mut();
    let zero = plot.row(0.0);
    for x in (0..plot.area.width).step_by(2) {
        buf[(plot.area.x + x, zero)].set_symbol("·").set_style(theme.dim);
    }
    for l in cmp.lines.iter().rev() {
        let (Some(start), Some(end)) = (l.line.start, l.line.end) else { continue };
        let (style, glyph) = look(theme, l);
        for x in 0..plot.area.width {
            let i = plot.index(x);
            if (start..=end).contains(&i) && l.line.values[i].is_finite() {
                buf[(plot.area.x + x, plot.row(l.line.values[i]))].set_symbol(glyph).set_style(style);
            }
        }
    }
}

/// The top, 0 % and bottom figures left of the axis.
fn y_labels(plot: &Plot, gutter: u16, lo: f64, hi: f64, theme: &Theme, frame: &mut Frame) {
    let label_w = gutter.saturating_sub(1) as usize;
    let x = plot.area.x - gutter;
    let buf = frame.buffer_mut();
    for y in plot.area.y..plot.area.bottom() {
        buf[(plot.area.x - 1, y)].set_symbol("│").set_style(theme.dim);
    }
    let mut marks = vec![(plot.row(hi), hi), (plot.row(lo), lo)];
    let zero = plot.row(0.0);
    if marks.iter().all(|(r, _)| r.abs_diff(zero) > 0) {
        marks.push((zero, 0.0));
    }
    for (row, v) in marks {
        let text = fit(&short_pct(v), label_w);
        let text = format!("{}{text}", " ".repeat(label_w.saturating_sub(width(&text))));
        buf.set_string(x, row, text, theme.dim);
    }
}

/// `+12.3%`, `0%`, `-4.1%`: one decimal is enough for an axis.
fn short_pct(v: f64) -> String {
    if v.abs() < 0.05 { "0%".to_string() } else { format!("{v:+.1}%") }
}

/// The dates (or times, in the reader's zone) under the plot, where they fit without touching.
fn x_axis(cmp: &Comparison, plot: &Plot, zone: LocalZone, theme: &Theme, frame: &mut Frame, area: Rect) {
    let (rule_y, label_y) = (plot.area.bottom(), plot.area.bottom() + 1);
    if label_y >= area.bottom() {
        return;
    }
    let buf = frame.buffer_mut();
    buf[(plot.area.x - 1, rule_y)].set_symbol("└").set_style(theme.dim);
    for x in plot.area.x..plot.area.right() {
        buf[(x, rule_y)].set_symbol("─").set_style(theme.dim);
    }
    let k = (usize::from(plot.area.width) / 14).clamp(2, 8).min(plot.n);
    let mut free = plot.area.x.saturating_sub(1);
    for j in 0..k {
        let i = if k > 1 { j * (plot.n - 1) / (k - 1) } else { 0 };
        let Some(at) = cmp.axis.at(i) else { continue };
        let x = plot.col(i);
        buf[(x, rule_y)].set_symbol("┴").set_style(theme.dim);
        let text = label(at, cmp.range, zone);
        let w = width(&text) as u16;
        let at = x.min(plot.area.right().saturating_sub(w));
        if at >= free && at + w <= plot.area.right() {
            buf.set_string(at, label_y, &text, theme.dim);
            free = at + w + 1;
        }
    }
}

fn label(at: At, range: ChartRange, zone: LocalZone) -> String {
    match at {
        At::Date(d) => match range {
            ChartRange::Y5 => d.year().to_string(),
            ChartRange::Y1 => d.format("%b %Y").to_string(),
            _ => d.format("%b %d").to_string(),
        },
        At::Time(t) => {
            let local = t.with_timezone(&zone.offset(t));
            match range {
                ChartRange::D1 => local.format("%H:%M").to_string(),
                ChartRange::D5 => local.format("%a %H:%M").to_string(),
                _ => local.format("%b %d").to_string(),
            }
        }
    }
}
