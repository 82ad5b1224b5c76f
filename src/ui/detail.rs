//! The detail view: one symbol's chart, in its exchange's own time, beside its numbers and news.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::symbols::Marker;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Axis, Chart, Dataset, GraphType, Paragraph};

use super::theme::Theme;
use crate::market::exchange::exchange_for;
use crate::market::series::{ChartRange, Series};
use crate::market::{MarketState, Quote};
use crate::present::money::Money;
use crate::present::number;
use crate::present::text::{fit, pad, width};
use crate::present::time;
use crate::state::{Detail, State};

/// From this width the numbers sit beside the chart.
const SIDE_PANEL_FROM: u16 = 90;
const SIDE_PANEL: u16 = 36;

pub fn draw(state: &State, d: &Detail, theme: &Theme, frame: &mut Frame, area: Rect) {
    let name = state.name_of(&d.symbol).unwrap_or("");
    let title = format!(" {} {} ", d.symbol, name);
    let Some(inner) = super::pane(frame, theme, area, &title, true) else { return };
    // The range picker: the current one highlighted, keys in the hint.
    let mut spans: Vec<Span> = Vec::new();
    for (i, r) in ChartRange::ALL.iter().enumerate() {
        let style = if *r == d.range { theme.selected } else { theme.dim };
        spans.push(Span::styled(format!(" {} {} ", i + 1, r.label()), style));
    }
    spans.push(Span::styled("  h/l range · j/k symbol · Esc back", theme.dim));
    frame.render_widget(Paragraph::new(Line::from(spans)), Rect { height: 1, ..inner });
    let body = Rect { y: inner.y + 1, height: inner.height.saturating_sub(1), ..inner };
    if body.height == 0 {
        return;
    }
    let quote = state.quotes.get(&d.symbol).and_then(|e| e.quote.as_ref());
    let (chart_area, info_area) = if body.width >= SIDE_PANEL_FROM {
        let cw = body.width - SIDE_PANEL;
        (Rect { width: cw, ..body }, Rect { x: body.x + cw + 1, width: SIDE_PANEL - 1, ..body })
    } else {
        // Narrow: the numbers go under the chart, as many lines as the height can spare.
        let info_h = (body.height / 2).min(6);
        let ch = body.height - info_h;
        (Rect { height: ch, ..body }, Rect { y: body.y + ch, height: info_h, ..body })
    };
    chart(state, d, theme, frame, chart_area);
    info(state, d, quote, theme, frame, info_area);
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
    render_chart(series, d.range, exchange_for(d.symbol.as_str()).tz, state.now, theme, frame, area);
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
        ChartRange::M1 | ChartRange::M6 => local.format("%b %d").to_string(),
        ChartRange::Y1 => local.format("%b %Y").to_string(),
        ChartRange::Y5 => local.format("%Y").to_string(),
    }
}

/// The price by bar, not by clock: lunch breaks, nights and weekends take no room.
fn render_chart(
    series: &Series,
    range: ChartRange,
    tz: Tz,
    now: DateTime<Utc>,
    theme: &Theme,
    frame: &mut Frame,
    area: Rect,
) {
    let height = area.height;
    let data: Vec<(f64, f64)> = series.points.iter().enumerate().map(|(i, (_, p))| (i as f64, *p)).collect();
    let (mut lo, mut hi) = series.min_max().unwrap_or((0.0, 1.0));
    if let Some(pc) = series.previous_close {
        lo = lo.min(pc);
        hi = hi.max(pc);
    }
    let pad_y = ((hi - lo) * 0.05).max(hi.abs() * 0.001).max(0.0001);
    let (lo, hi) = (lo - pad_y, hi + pad_y);
    let n = data.len().max(2) as f64 - 1.0;
    let up = series.last().zip(series.previous_close).map(|(l, p)| l - p);
    let line_style = theme.direction(up);
    let reference: Vec<(f64, f64)> =
        series.previous_close.map(|pc| vec![(0.0, pc), (n, pc)]).unwrap_or_default();
    let mut datasets = Vec::new();
    if !reference.is_empty() {
        datasets.push(
            Dataset::default()
                .marker(Marker::Braille)
                .graph_type(GraphType::Line)
                .style(theme.dim)
                .data(&reference),
        );
    }
    datasets.push(
        Dataset::default().marker(Marker::Braille).graph_type(GraphType::Line).style(line_style).data(&data),
    );
    let pts = &series.points;
    let x_labels: Vec<Line> = if pts.is_empty() {
        vec![]
    } else {
        [0, pts.len() / 2, pts.len() - 1]
            .iter()
            .map(|i| Line::from(time_label(pts[*i].0, range, tz, now)))
            .collect()
    };
    let y_labels: Vec<Line> = if height >= 6 {
        vec![number::price(lo + pad_y), number::price((lo + hi) / 2.0), number::price(hi - pad_y)]
    } else {
        vec![number::price(lo + pad_y), number::price(hi - pad_y)]
    }
    .into_iter()
    .map(Line::from)
    .collect();
    let chart = Chart::new(datasets)
        .x_axis(Axis::default().bounds([0.0, n]).labels(x_labels).style(theme.dim))
        .y_axis(Axis::default().bounds([lo, hi]).labels(y_labels).style(theme.dim));
    frame.render_widget(chart, area);
}

fn kv(k: &str, v: String, style: Style, w: usize) -> Line<'static> {
    Line::from(vec![
        Span::styled(pad(k, 9), Style::new().add_modifier(Modifier::DIM)),
        Span::styled(fit(&v, w.saturating_sub(9)), style),
    ])
}

fn info(state: &State, d: &Detail, q: Option<&Quote>, theme: &Theme, frame: &mut Frame, area: Rect) {
    let w = area.width as usize;
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
        }
        None => lines.push(Line::styled("waiting for a quote…", theme.dim)),
    }
    if let Some(h) = state.portfolio().and_then(|v| v.holdings.get(&d.symbol).cloned()) {
        let money = Money::SHOWN;
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
    let about: Vec<_> = state.detail_headlines(d).collect();
    let room = (area.height as usize).saturating_sub(lines.len() + 1);
    if room > 0 && !about.is_empty() {
        lines.push(Line::styled(fit("Headlines", w), theme.header));
        for h in about.iter().take(room - 1) {
            let age = h.published.map_or(String::new(), |p| time::age(p, state.now));
            let age = format!("{age:>3} ");
            let style =
                if state.read.contains(&h.id) { theme.dim } else { theme.text.add_modifier(Modifier::BOLD) };
            let mut spans = vec![Span::styled(age.clone(), theme.dim)];
            spans.extend(super::headline_title(state, h, w.saturating_sub(width(&age)), style, theme));
            lines.push(Line::from(spans));
        }
    }
    frame.render_widget(Paragraph::new(lines), area);
}
