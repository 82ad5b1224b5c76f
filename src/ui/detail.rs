//! The detail view: one symbol's chart, in its exchange's own time, beside its numbers and news.

use chrono::{DateTime, Timelike, Utc};
use chrono_tz::Tz;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::symbols::Marker;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::widgets::canvas::{Canvas, Line as CanvasLine, Points};

use super::theme::Theme;
use crate::market::exchange::exchange_for;
use crate::market::series::{ChartRange, Series};
use crate::market::since::bar_at_or_before;
use crate::market::{MarketState, Quote, Symbol};
use crate::present::number;
use crate::present::text::{fit, pad, width};
use crate::present::time;
use crate::state::layout::{Area, range_areas};
use crate::state::{Detail, SessionAxis, State};

/// From this width the numbers sit beside the chart.
const SIDE_PANEL_FROM: u16 = 90;
/// The side panel's width, whatever its figures say.
const SIDE_PANEL: (u16, u16) = (24, 44);
/// The price labels' width left of the chart's axis, the same for every symbol and range, so
/// the chart does not jump sideways when either changes.
const GUTTER: u16 = 10;
/// A headline's mark on the time axis, pointing up at the price it was published at.
const MARKER: &str = "▲";

pub fn draw(state: &State, d: &Detail, theme: &Theme, frame: &mut Frame, at: Area) {
    let area = super::rect(at);
    let title = format!(" {} ", state.detail_title(&d.symbol));
    let Some(inner) = super::pane(frame, theme, area, &title, true) else { return };
    range_picker(frame, theme, at, inner, d.range, HINTS);
    let body = Rect { y: inner.y + 1, height: inner.height.saturating_sub(1), ..inner };
    if body.height == 0 {
        return;
    }
    let quote = state.quotes.get(&d.symbol).and_then(|e| e.quote.as_ref());
    if body.width < SIDE_PANEL_FROM {
        stacked(state, d, quote, theme, frame, body);
        return;
    }
    // As wide as its widest figure (headlines take what is left of it), a gap before it.
    let want = figure_lines(state, d, quote, theme, usize::MAX).iter().map(Line::width).max();
    let side = (want.unwrap_or(0) as u16).clamp(SIDE_PANEL.0, SIDE_PANEL.1) + 1;
    let cw = body.width - side;
    chart(state, d, theme, frame, Rect { width: cw, ..body });
    info(state, d, quote, theme, frame, Rect { x: body.x + cw + 1, width: side - 1, ..body });
}

/// The detail view's keys beside the range picker, longest first: the first that fits is shown.
/// J/K stay to the last, as nothing else on screen says the headlines can be walked; j/k go
/// first, as they walk the symbols the way they walk the list under the view.
const HINTS: &[&str] = &[
    "  h/l range · j/k symbol · J/K headline · Esc back",
    "  h/l range · J/K headline · Esc back",
    "  h/l range · J/K headline · Esc",
    " J/K headline · Esc",
    " J/K headline",
];

/// Too narrow for the side panel: the chart, the figures under it (two columns where they fit),
/// then the symbol's headlines, with the rows shared as `detail_stack` says.
fn stacked(state: &State, d: &Detail, q: Option<&Quote>, theme: &Theme, frame: &mut Frame, body: Rect) {
    let w = usize::from(body.width);
    let figures = if w >= 2 * FIGURE_COLUMN_MIN + FIGURE_GAP {
        figure_columns(state, d, q, theme, w)
    } else {
        figure_lines(state, d, q, theme, w)
    };
    let count = state.detail_headlines(d).count();
    let rows = crate::state::layout::detail_stack(body.height, figures.len() as u16, count);
    let chart_area = Rect { height: rows.chart, ..body };
    let figures_area = Rect { y: chart_area.bottom(), height: rows.figures, ..body };
    let news_area = Rect { y: figures_area.bottom(), height: rows.headlines, ..body };
    chart(state, d, theme, frame, chart_area);
    frame.render_widget(Paragraph::new(figures), figures_area);
    if rows.headlines > 1 {
        let lines = headline_lines(state, d, theme, w, usize::from(rows.headlines - 1));
        frame.render_widget(Paragraph::new(lines), news_area);
    }
}

/// A figures column is not made narrower than this: a market's state and delay must still read.
const FIGURE_COLUMN_MIN: usize = 28;
/// Cells between the two columns of figures.
const FIGURE_GAP: usize = 2;

/// The figures in two columns, down the left first (the price and its moves stay together): the
/// left as wide as its widest line, the right cut to what is left of `w`.
fn figure_columns(
    state: &State,
    d: &Detail,
    q: Option<&Quote>,
    theme: &Theme,
    w: usize,
) -> Vec<Line<'static>> {
    let natural = figure_lines(state, d, q, theme, usize::MAX);
    let half = natural.len().div_ceil(2);
    let widest = natural[..half].iter().map(Line::width).max().unwrap_or(0);
    let left_w = widest.clamp(FIGURE_COLUMN_MIN, (w - FIGURE_GAP) / 2);
    let right_w = w - FIGURE_GAP - left_w;
    let left = figure_lines(state, d, q, theme, left_w);
    let mut right = figure_lines(state, d, q, theme, right_w).into_iter().skip(half);
    left.into_iter()
        .take(half)
        .map(|l| {
            let pad = left_w + FIGURE_GAP - l.width();
            let mut spans = l.spans;
            if let Some(r) = right.next() {
                spans.push(Span::raw(" ".repeat(pad)));
                spans.extend(r.spans);
            }
            Line::from(spans)
        })
        .collect()
}

fn chart(state: &State, d: &Detail, theme: &Theme, frame: &mut Frame, area: Rect) {
    if area.height == 0 || area.width == 0 {
        return;
    }
    let entry = state.series.get(&(d.symbol.clone(), d.range));
    let series = entry.and_then(|e| e.series.as_ref());
    let message = match (series, entry.and_then(|e| e.error.as_ref())) {
        (None, Some(e)) => Some(format!("no chart: {e}")),
        (None, None) => Some("loading chart…".to_string()),
        (Some(s), _) if s.points.is_empty() => Some("no trading in this range yet".to_string()),
        (Some(_), _) if area.height < 3 || area.width < 16 => Some("too small for a chart".to_string()),
        _ => None,
    };
    if let Some(m) = message {
        frame.render_widget(Paragraph::new(Line::styled(fit(&m, area.width as usize), theme.dim)), area);
        return;
    }
    let Some(series) = series else { return };
    render_chart(state, d, series, theme, frame, area);
}

fn time_label(t: DateTime<Utc>, range: ChartRange, tz: Tz, now: DateTime<Utc>) -> String {
    let local = t.with_timezone(&tz);
    match range {
        // A day chart of an earlier session (a weekend, a holiday, before the open) says which day.
        ChartRange::D1 if local.date_naive() != now.with_timezone(&tz).date_naive() => {
            local.format("%a %d %H:%M").to_string()
        }
        ChartRange::D1 => local.format("%H:%M").to_string(),
        ChartRange::D5 => local.format("%a %H:%M").to_string(),
        ChartRange::M1 | ChartRange::M6 | ChartRange::Ytd => local.format("%b %d").to_string(),
        ChartRange::Y1 => local.format("%b %Y").to_string(),
        ChartRange::Y5 => local.format("%Y").to_string(),
    }
}

/// The range picker on the first inner line, where the layout (and the mouse) has it: the current
/// range highlighted, then the first of `hints` that fits (the last one cut when none does).
pub(super) fn range_picker(
    frame: &mut Frame,
    theme: &Theme,
    at: Area,
    inner: Rect,
    current: ChartRange,
    hints: &[&str],
) {
    let mut end = inner.x;
    for (r, label, a) in &range_areas(at) {
        let style = if *r == current { theme.selected } else { theme.dim };
        frame.render_widget(Paragraph::new(Span::styled(label.clone(), style)), super::rect(*a));
        end = a.right();
    }
    let rest = Rect { x: end, width: inner.right().saturating_sub(end), height: 1, ..inner };
    let room = usize::from(rest.width);
    let hint = hints.iter().find(|h| width(h) <= room).or(hints.last()).copied().unwrap_or_default();
    frame.render_widget(Paragraph::new(Span::styled(fit(hint, room), theme.dim)), rest);
}

/// How the chart's instants map across it: by the clock of the day's sessions (1D), else bar by
/// bar, so nights and weekends take no room.
enum XAxis {
    Clock(SessionAxis),
    Bars(usize),
}

impl XAxis {
    fn span(&self) -> f64 {
        match self {
            XAxis::Clock(a) => a.span().max(1.0),
            XAxis::Bars(n) => (n.max(&2) - 1) as f64,
        }
    }

    fn x(&self, i: usize, t: DateTime<Utc>) -> f64 {
        match self {
            XAxis::Clock(a) => a.x(t),
            XAxis::Bars(_) => i as f64,
        }
    }
}

/// The plot's cells: where the price labels end, where the plot starts and how wide it is.
struct Plot {
    area: Rect,
    span: f64,
    axis: XAxis,
    tz: Tz,
}

impl Plot {
    fn col(&self, x: f64) -> u16 {
        let w = f64::from(self.area.width.saturating_sub(1));
        self.area.x + ((x / self.span).clamp(0.0, 1.0) * w).round() as u16
    }
}

fn render_chart(state: &State, d: &Detail, series: &Series, theme: &Theme, frame: &mut Frame, area: Rect) {
    let tz = exchange_for(d.symbol.as_str()).tz;
    let axis = match state.session_axis(d) {
        Some(a) => XAxis::Clock(a),
        None => XAxis::Bars(series.points.len()),
    };
    let (mut lo, mut hi) = series.min_max().unwrap_or((0.0, 1.0));
    if let Some(pc) = series.previous_close {
        lo = lo.min(pc);
        hi = hi.max(pc);
    }
    let pad_y = ((hi - lo) * 0.05).max(hi.abs() * 0.001).max(0.0001);
    let (lo, hi) = (lo - pad_y, hi + pad_y);
    let gutter = GUTTER.min(area.width / 3);
    let plot_h = area.height.saturating_sub(2);
    let plot = Plot {
        area: Rect { x: area.x + gutter, width: area.width - gutter, height: plot_h, ..area },
        span: axis.span(),
        axis,
        tz,
    };
    let axis = &plot.axis;
    let up = series.last().zip(series.previous_close).map(|(l, p)| l - p);
    let colour = |st: Style| st.fg.unwrap_or(Color::Reset);
    let (line, dim) = (colour(theme.direction(up)), colour(theme.dim));
    let span = plot.span;
    let pts: Vec<(f64, f64)> =
        series.points.iter().enumerate().map(|(i, (t, p))| (axis.x(i, *t), *p)).collect();
    // The previous close dotted, a dot every other cell: told from the price without colour.
    let cells = usize::from(plot.area.width).max(2);
    let dots: Vec<(f64, f64)> = series
        .previous_close
        .map(|pc| (0..cells).step_by(2).map(|c| (c as f64 * span / (cells - 1) as f64, pc)).collect())
        .unwrap_or_default();
    let canvas =
        Canvas::default().marker(Marker::Braille).x_bounds([0.0, span]).y_bounds([lo, hi]).paint(|ctx| {
            ctx.draw(&Points { coords: &dots, color: dim });
            for w in pts.windows(2) {
                ctx.draw(&CanvasLine { x1: w[0].0, y1: w[0].1, x2: w[1].0, y2: w[1].1, color: line });
            }
            if let [only] = pts.as_slice() {
                ctx.draw(&Points { coords: &[*only], color: line });
            }
        });
    frame.render_widget(canvas, plot.area);
    if let (XAxis::Clock(a), Some(shade)) = (axis, theme.selected_unfocused.bg) {
        // Pre- and post-market behind the line, so the regular session stands out.
        let buf = frame.buffer_mut();
        for (from, to) in a.extended() {
            for x in plot.col(from)..=plot.col(to).min(plot.area.right() - 1) {
                for y in plot.area.y..plot.area.bottom() {
                    buf[(x, y)].set_bg(shade);
                }
            }
        }
    }
    y_labels(&plot, gutter, lo + pad_y, hi - pad_y, theme, frame);
    x_axis(state, series, &plot, theme, frame, area);
    markers(state, d, series, &plot, theme, frame, area);
}

/// A mark on the axis rule at each headline's instant, mapped as the line is (by the session
/// clock on 1D, else to the bar at or before it); the one picked in the list reversed and bold.
fn markers(
    state: &State,
    d: &Detail,
    series: &Series,
    plot: &Plot,
    theme: &Theme,
    frame: &mut Frame,
    area: Rect,
) {
    let rule_y = plot.area.bottom();
    if rule_y >= area.bottom() {
        return;
    }
    let buf = frame.buffer_mut();
    for (t, picked) in state.detail_markers(d) {
        let x = match &plot.axis {
            XAxis::Clock(a) => a.x(t),
            XAxis::Bars(_) => match bar_at_or_before(&series.points, t) {
                Some(i) => i as f64,
                None => continue,
            },
        };
        let style = if picked {
            theme.accent.add_modifier(Modifier::REVERSED | Modifier::BOLD)
        } else {
            theme.accent
        };
        buf[(plot.col(x), rule_y)].set_symbol(MARKER).set_style(style);
    }
}

/// The prices left of the axis, right-aligned in the gutter: top, bottom, and the middle when
/// there is room.
fn y_labels(plot: &Plot, gutter: u16, lo: f64, hi: f64, theme: &Theme, frame: &mut Frame) {
    let h = plot.area.height;
    let x = plot.area.x - gutter;
    let label_w = gutter.saturating_sub(1) as usize;
    let mut marks = vec![(0, hi), (h.saturating_sub(1), lo)];
    if h >= 5 {
        marks.push((h / 2, (lo + hi) / 2.0));
    }
    let buf = frame.buffer_mut();
    for y in 0..h {
        buf[(plot.area.x - 1, plot.area.y + y)].set_symbol("│").set_style(theme.dim);
    }
    for (row, price) in marks {
        let text = fit(&number::price(price), label_w);
        let text = format!("{}{text}", " ".repeat(label_w - width(&text)));
        buf.set_string(x, plot.area.y + row, text, theme.dim);
    }
}

/// The time axis under the plot: a tick at each mark, labels where they fit without touching.
fn x_axis(state: &State, series: &Series, plot: &Plot, theme: &Theme, frame: &mut Frame, area: Rect) {
    let (axis, tz) = (&plot.axis, plot.tz);
    let (rule_y, label_y) = (plot.area.bottom(), plot.area.bottom() + 1);
    if label_y >= area.bottom() {
        return;
    }
    let range = state.detail().map_or(ChartRange::D1, |d| d.range);
    let marks: Vec<(u16, Option<String>)> = match axis {
        XAxis::Clock(a) => {
            let ticks = a.ticks(tz);
            // Hours as "14" when "14:00" would crowd them; the half-hour opens then go unlabelled.
            let per_hour = f64::from(plot.area.width) * 3600.0 / plot.span;
            ticks
                .iter()
                .map(|(x, t)| {
                    let local = t.with_timezone(&tz);
                    let text = match (per_hour >= 7.0, local.minute()) {
                        (true, _) => Some(local.format("%H:%M").to_string()),
                        (false, 0) => Some(local.format("%H").to_string()),
                        (false, _) => None,
                    };
                    (plot.col(*x), text)
                })
                .collect()
        }
        XAxis::Bars(n) => {
            let pts = &series.points;
            let k = (usize::from(plot.area.width) / 16).clamp(2, 8).min(*n);
            (0..k)
                .map(|j| {
                    let i = if k > 1 { j * (n - 1) / (k - 1) } else { 0 };
                    (plot.col(i as f64), Some(time_label(pts[i].0, range, tz, state.now)))
                })
                .collect()
        }
    };
    let buf = frame.buffer_mut();
    buf[(plot.area.x - 1, rule_y)].set_symbol("└").set_style(theme.dim);
    for x in plot.area.x..plot.area.right() {
        buf[(x, rule_y)].set_symbol("─").set_style(theme.dim);
    }
    // Pre- and post-market dotted under the plot: the shading's cue without colour.
    if let XAxis::Clock(a) = axis {
        for (from, to) in a.extended() {
            for x in plot.col(from)..=plot.col(to).min(plot.area.right() - 1) {
                buf[(x, rule_y)].set_symbol("┄");
            }
        }
    }
    let mut free = plot.area.x.saturating_sub(1);
    for (x, text) in marks {
        buf[(x, rule_y)].set_symbol("┴").set_style(theme.dim);
        let Some(text) = text else { continue };
        // The last label ends at the edge rather than falling off it.
        let w = width(&text) as u16;
        let at = x.min(plot.area.right().saturating_sub(w));
        if at >= free && at + w <= plot.area.right() {
            buf.set_string(at, label_y, &text, theme.dim);
            free = at + w + 1;
        }
    }
    // A day chart of an earlier session says which day, under the prices.
    if let (XAxis::Clock(_), Some((t, _))) = (axis, series.points.last()) {
        let day = t.with_timezone(&tz);
        if day.date_naive() != state.now.with_timezone(&tz).date_naive() {
            let text =
                fit(&day.format("%a %d").to_string(), usize::from(plot.area.x - area.x).saturating_sub(1));
            buf.set_string(area.x, label_y, text, theme.dim);
        }
    }
}

fn kv(k: &str, v: String, style: Style, w: usize) -> Line<'static> {
    Line::from(vec![
        Span::styled(pad(k, 9), Style::new().add_modifier(Modifier::DIM)),
        Span::styled(fit(&v, w.saturating_sub(9)), style),
    ])
}

/// The figures of the side panel, each line cut to `w` cells.
fn figure_lines(state: &State, d: &Detail, q: Option<&Quote>, theme: &Theme, w: usize) -> Vec<Line<'static>> {
    let mut lines: Vec<Line> = Vec::new();
    let cur = q.and_then(|q| q.currency.clone()).unwrap_or_default();
    match q {
        Some(q) => {
            let dir = theme.direction(q.change);
            let last = q.price.map_or("—".to_string(), number::price);
            let chg = match (q.change, q.change_pct) {
                (Some(c), Some(p)) => {
                    format!(
                        "{}{} ({})",
                        number::arrow(Some(c)),
                        number::change_at(c, q.price),
                        number::pct(p)
                    )
                }
                _ => String::new(),
            };
            lines.push(kv("Last", format!("{last} {cur}"), theme.text.add_modifier(Modifier::BOLD), w));
            lines.push(kv("Change", chg, dir, w));
            if let (Some(ep), true) =
                (q.extended_price, matches!(q.market_state, MarketState::Pre | MarketState::Post))
            {
                let pct = q.extended_change_pct.map(number::pct).unwrap_or_default();
                lines.push(kv(
                    q.market_state.label(),
                    format!("{} {pct}", number::price(ep)),
                    theme.direction(q.extended_change_pct),
                    w,
                ));
            }
            let range = |a: Option<f64>, b: Option<f64>| match (a, b) {
                (Some(a), Some(b)) => format!("{} – {}", number::price(a), number::price(b)),
                _ => "—".to_string(),
            };
            lines.push(kv("Day", range(q.day_low, q.day_high), theme.text, w));
            lines.extend(desk_lines(state, &d.symbol, q, theme, w));
            lines.push(kv("52 wk", range(q.year_low, q.year_high), theme.text, w));
            let vol = q.volume.map_or("—".to_string(), |v| number::compact(v as f64));
            let cap = q.market_cap.map_or("—".to_string(), number::compact);
            lines.push(kv("Volume", format!("{vol}   cap {cap}"), theme.text, w));
            if let Some(src) = state.stand_in(&d.symbol) {
                lines.push(kv("Source", format!("{} (standing in)", src.label()), theme.accent, w));
            }
            let delay =
                state.freshness(&d.symbol).map(|f| format!(" · {}", f.words(state.now))).unwrap_or_default();
            let ex = q.exchange.clone().unwrap_or_default();
            // The calendar names the day the market is shut for.
            let (_, today) = state.session(exchange_for(d.symbol.as_str()));
            let st = if q.market_state == MarketState::Closed {
                today
            } else {
                q.market_state.label().to_string()
            };
            lines.push(kv("Market", format!("{st} {ex}{delay}"), theme.text, w));
            lines.extend(event_lines(state, &d.symbol, q, theme, w));
        }
        None => lines.push(Line::styled("waiting for a quote…", theme.dim)),
    }
    if let Some(h) = state.portfolio().and_then(|v| v.holdings.get(&d.symbol).cloned()) {
        let money = state.money();
        let pnl = h.total_pnl.map_or("—".to_string(), |v| money.change(v));
        let pct = h.total_pnl_pct.map(|p| format!(" ({})", money.pct(p))).unwrap_or_default();
        let position = format!("{} @ {}", money.exact(h.quantity), money.price(h.avg_cost));
        lines.push(kv("Position", position, theme.text, w));
        lines.push(kv(
            "P&L",
            format!("{pnl}{pct}  day {}", h.day_pnl.map_or("—".to_string(), |v| money.change(v))),
            theme.direction(h.total_pnl),
            w,
        ));
    }
    lines
}

/// The mainland's day limits (and the row at one, or halted) and a dual listing's A/H premium.
fn desk_lines(state: &State, sym: &Symbol, q: &Quote, theme: &Theme, w: usize) -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    if q.limit_up.is_some() || q.limit_down.is_some() {
        let at = |p: Option<f64>| p.map_or("—".to_string(), number::price);
        let mut text = format!("▲ {} · ▼ {}", at(q.limit_up), at(q.limit_down));
        let style = match state.at_limit(sym) {
            Some(l) => {
                text.push_str(&format!(" · at {}", state.limit_mark(sym, l)));
                theme.direction(Some(l.sign())).add_modifier(Modifier::BOLD)
            }
            None => theme.text,
        };
        lines.push(kv("Limits", text, style, w));
    }
    if q.halted {
        lines.push(kv(
            "Trading",
            "halted (suspended)".to_string(),
            theme.accent.add_modifier(Modifier::BOLD),
            w,
        ));
    }
    if let Some(pair) = state.config.pair_of(sym) {
        let premium = state.ah_premium(sym).map_or("—".to_string(), number::pct);
        // Short: at 80x24 the figures stand in two columns.
        lines.push(kv("A/H", format!("{premium} vs {pair}"), theme.text, w));
    }
    lines
}

/// The next earnings ("estimated" where so) and the dividend dates, where the source gives them.
fn event_lines(state: &State, sym: &Symbol, q: &Quote, theme: &Theme, w: usize) -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    if let Some(next) = state.next_earnings(sym) {
        let style = if next.badge().is_some() { theme.accent } else { theme.text };
        lines.push(kv("Earnings", next.words(), style, w));
    }
    let dividend: Vec<String> = [("ex", q.events.ex_dividend), ("pay", q.events.dividend)]
        .into_iter()
        .filter_map(|(k, d)| d.map(|d| format!("{k} {d}")))
        .collect();
    if !dividend.is_empty() {
        lines.push(kv("Dividend", dividend.join(" · "), theme.text, w));
    }
    lines
}

fn info(state: &State, d: &Detail, q: Option<&Quote>, theme: &Theme, frame: &mut Frame, area: Rect) {
    let w = area.width as usize;
    let mut lines = figure_lines(state, d, q, theme, w);
    let room = (area.height as usize).saturating_sub(lines.len() + 1);
    if room > 0 {
        lines.extend(headline_lines(state, d, theme, w, room - 1));
    }
    frame.render_widget(Paragraph::new(lines), area);
}

/// The symbol's headlines under a heading, `rows` of them: each with its age and the move since
/// (computed for these rows only), the picked one marked and kept in view.
fn headline_lines(state: &State, d: &Detail, theme: &Theme, w: usize, rows: usize) -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    let skip = state.detail_picked(d).map_or(0, |p| (p + 1).saturating_sub(rows));
    let about: Vec<_> = state.detail_headlines(d).skip(skip).take(rows).collect();
    if about.is_empty() {
        return lines;
    }
    lines.push(Line::styled(fit("Headlines", w), theme.header));
    for h in about {
        let age = h.published.map_or(String::new(), |p| time::age(p, state.now));
        let age = format!("{age:>3} ");
        let picked = d.headline.as_ref() == Some(&h.id);
        let style = match (picked, state.read.contains(&h.id)) {
            (true, _) => theme.selected,
            (false, true) => theme.dim,
            (false, false) => theme.text.add_modifier(Modifier::BOLD),
        };
        let since = state.move_since(&d.symbol, h.published);
        let since_text = format!("{:>6} ", super::since_text(since));
        let mut spans = vec![
            Span::styled(age.clone(), if picked { theme.selected } else { theme.dim }),
            Span::styled(since_text.clone(), theme.direction(since)),
        ];
        let rest = w.saturating_sub(width(&age) + width(&since_text));
        spans.extend(super::headline_title(state, h, rest, style, theme));
        lines.push(Line::from(spans));
    }
    lines
}
