//! The watchlist table. Only the rows in view are laid out; columns drop by priority as width shrinks.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};

use super::theme::Theme;
use crate::market::portfolio::{Holding, Totals};
use crate::market::series::ChartRange;
use crate::market::{MarketState, Symbol};
use crate::present::money::Money;
use crate::present::number;
use crate::present::text::{fit, pad, rpad};
use crate::state::columns::Col;
use crate::state::stream::Freshness;
use crate::state::{Focus, SortKey, State};

fn cell(c: Col, w: usize, text: &str) -> String {
    if right_aligned(c) { rpad(text, w) } else { pad(text, w) }
}

pub fn draw(state: &State, theme: &Theme, frame: &mut Frame, area: Rect) {
    let focused = state.focus == Focus::Watchlist;
    let mut title = match state.config.groups.get(state.group) {
        Some(g) => format!(" {} ", g.name),
        None => " Watchlist ".to_string(),
    };
    if state.sort != SortKey::User || state.sort_reverse {
        title.push_str(&format!("· {}{} ", state.sort.label(), if state.sort_reverse { " ↑" } else { "" }));
    }
    let Some(inner) = super::pane(frame, theme, area, &title, focused) else { return };
    let rows = state.watch_rows();
    let cols = state.watch_columns_noted(inner.width as usize);
    let mut lines: Vec<Line> = Vec::new();
    let header: Vec<Span> = cols
        .iter()
        .enumerate()
        .flat_map(|(i, (c, w))| {
            let sep = if i > 0 { " " } else { "" };
            [
                Span::raw(sep),
                Span::styled(cell(*c, *w, &heading(*c, &state.config.base_currency)), theme.header),
            ]
        })
        .collect();
    lines.push(Line::from(header));

    if rows.is_empty() {
        let msg = if state.group_symbols().is_empty() {
            "no symbols in this group (add them in the config file)".to_string()
        } else {
            format!("no symbol matches \"{}\"", state.filter)
        };
        lines.push(Line::styled(fit(&msg, inner.width as usize), theme.dim));
    }
    let selected = state.selected_symbol();
    let valued = state.portfolio();
    for sym in rows.iter().skip(state.watch.offset).take(state.watch_page()) {
        let is_sel = selected.as_ref() == Some(sym);
        let held = valued.as_ref().and_then(|v| v.holdings.get(sym));
        lines.push(row(state, theme, sym, &cols, held, is_sel, focused));
    }
    if let Some(v) = &valued {
        // The summary sits on the pane's last line.
        lines.resize(inner.height.saturating_sub(1) as usize, Line::default());
        let day_pct = state.holdings_move();
        lines.push(summary(
            &v.totals,
            day_pct,
            cached_rates(state),
            state.money(),
            theme,
            inner.width as usize,
        ));
    }
    super::draw_lines(frame, inner, &lines);
    let hidden = rows.len().saturating_sub(state.watch.offset + state.watch_page());
    super::more_below(frame, theme, area, hidden);
}

/// How old the cached exchange rates the totals use are, until this run has its own ("3h").
fn cached_rates(state: &State) -> Option<String> {
    state.fx_cached_since().map(|t| crate::present::time::age(t, state.now))
}

/// "Σ 12,345.67 USD · day +123.45 (+1.01% by value) · P&L +1,234.56 (+11.10%)", and what is left
/// out or old. The day's % is the held basket's move, weighted by value.
fn summary(
    t: &Totals,
    day_pct: Option<f64>,
    rates_age: Option<String>,
    money: Money,
    theme: &Theme,
    w: usize,
) -> Line<'static> {
    let pct = t.total_pnl_pct.map(|p| format!(" ({})", money.pct(p))).unwrap_or_default();
    let day_pct = day_pct.map(|p| format!(" ({} by value)", money.pct(p))).unwrap_or_default();
    let mut text = format!(
        "Σ {} {} · day {}{day_pct} · P&L {}{pct}",
        money.amount(t.value),
        t.currency,
        money.signed_amount(t.day_pnl),
        money.signed_amount(t.total_pnl)
    );
    if !t.missing_prices.is_empty() {
        text.push_str(&format!(" · no price: {}", t.missing_prices.join(", ")));
    }
    if !t.missing_rates.is_empty() {
        text.push_str(&format!(" · no rate: {}", t.missing_rates.join(", ")));
    }
    if let Some(age) = rates_age {
        text.push_str(&format!(" · rates of {age} ago"));
    }
    Line::styled(fit(&text, w), theme.direction(Some(t.total_pnl)).add_modifier(Modifier::BOLD))
}

fn row<'a>(
    state: &State,
    theme: &Theme,
    sym: &Symbol,
    cols: &[(Col, usize)],
    held: Option<&Holding>,
    selected: bool,
    focused: bool,
) -> Line<'a> {
    let entry = state.quotes.get(sym);
    let q = entry.and_then(|e| e.quote.as_ref());
    let stale_since = state.stale_since(sym);
    let stale = stale_since.is_some();
    let dir = theme.direction(q.and_then(|q| q.change));
    let name = state.name_of(sym).unwrap_or_default().to_string();
    // "…" only until the source first answers; then what is true: an error, or no price.
    let missing = match entry {
        Some(e) if e.error.is_some() => "—",
        None if state.sources.quotes().last_ok.is_none() && state.sources.quotes().error.is_none() => "…",
        _ => "no price",
    };
    let unread = state.unread_about(sym);
    let note_shown = cols.iter().any(|(c, _)| *c == Col::Note);
    let limit = state.at_limit(sym);
    let halted = q.is_some_and(|q| q.halted);
    let mut spans: Vec<Span> = Vec::new();
    for (i, (c, w)) in cols.iter().enumerate() {
        if i > 0 {
            spans.push(Span::raw(" "));
        }
        let (text, style) = match c {
            // An alert fired on this row and has not been seen: "!" before the symbol.
            Col::Symbol if state.alerts.marked.contains(sym) => {
                (format!("!{sym}"), theme.error.add_modifier(Modifier::BOLD))
            }
            // Marked with space for the comparison: "•" before the symbol.
            Col::Symbol if state.compare_marks.contains(sym) => {
                (format!("•{sym}"), theme.accent.add_modifier(Modifier::BOLD))
            }
            Col::Symbol => (sym.to_string(), Style::new().add_modifier(Modifier::BOLD)),
            Col::Qty | Col::Value | Col::DayPnl | Col::PnlPct => {
                position_cell(*c, held, state.money(), theme)
            }
            Col::Name => (name.clone(), theme.text),
            Col::Last => (q.and_then(|q| q.price).map_or(missing.to_string(), number::price), theme.text),
            Col::Chg => {
                let c = q.and_then(|q| q.change).map(|c| number::change_at(c, q.and_then(|q| q.price)));
                (c.unwrap_or_default(), dir)
            }
            // Without the Note column, a limit or a suspension takes the move's place: the move
            // at a limit is the board's band, and a halted name has none.
            Col::Pct if !note_shown && (limit.is_some() || halted) => match limit {
                Some(l) => (state.limit_mark(sym, l).to_string(), dir.add_modifier(Modifier::BOLD)),
                None => ("halted".to_string(), theme.accent.add_modifier(Modifier::BOLD)),
            },
            Col::Pct => (
                q.and_then(|q| q.change_pct).map_or(String::new(), |p| {
                    format!("{}{}", number::arrow(q.and_then(|q| q.change)), number::pct(p))
                }),
                dir,
            ),
            Col::Ah => match state.config.pair_of(sym) {
                Some(_) => (state.ah_premium(sym).map_or("—".to_string(), number::pct), theme.text),
                None => (String::new(), theme.text),
            },
            Col::Volume => {
                (q.and_then(|q| q.volume).map_or(String::new(), |v| number::compact(v as f64)), theme.dim)
            }
            Col::Range => (
                match q.and_then(|q| q.day_low.zip(q.day_high)) {
                    Some((lo, hi)) => format!("{}–{}", number::price(lo), number::price(hi)),
                    None => String::new(),
                },
                theme.dim,
            ),
            Col::Note => note_cell(state, theme, sym, *w, dir),
            Col::Ext => {
                match q.and_then(|q| q.extended_price.map(|p| (q.market_state, p, q.extended_change_pct))) {
                    Some((st, _, Some(pct))) if matches!(st, MarketState::Pre | MarketState::Post) => {
                        (format!("{} {}", st.label(), number::pct(pct)), theme.direction(Some(pct)))
                    }
                    Some((st, p, None)) if matches!(st, MarketState::Pre | MarketState::Post) => {
                        (format!("{} {}", st.label(), number::price(p)), theme.dim)
                    }
                    _ => (String::new(), theme.dim),
                }
            }
            Col::Trend => {
                match state.series.get(&(sym.clone(), ChartRange::D1)).and_then(|e| e.series.as_ref()) {
                    Some(series) => {
                        let dir = series.last().zip(series.previous_close).map(|(l, p)| l - p);
                        (super::spark::line(series, *w), theme.direction(dir))
                    }
                    None => (String::new(), theme.dim),
                }
            }
            Col::News => {
                (if unread > 0 { format!("●{}", unread.min(99)) } else { String::new() }, theme.accent)
            }
        };
        let mut style = style;
        if stale {
            style = style.add_modifier(Modifier::DIM);
        }
        spans.push(Span::styled(cell(*c, *w, &text), style));
    }
    let line = Line::from(spans);
    if selected { line.style(if focused { theme.selected } else { theme.selected_unfocused }) } else { line }
}

/// Words, not colours, say how fresh the price is (or that it is at a limit, or halted); a report
/// within a week adds its badge.
fn note_cell(state: &State, theme: &Theme, sym: &Symbol, w: usize, dir: Style) -> (String, Style) {
    let note = state.row_note(sym, w);
    let style = match note.freshness {
        _ if note.limit.is_some() => dir.add_modifier(Modifier::BOLD),
        Some(Freshness::Error) => theme.error,
        Some(Freshness::Halted) => theme.accent.add_modifier(Modifier::BOLD),
        Some(Freshness::Live) => theme.accent,
        None if note.badge => theme.accent,
        _ => theme.dim,
    };
    (note.text, style)
}

/// A position figure of a held row; empty on rows not held.
fn position_cell(c: Col, held: Option<&Holding>, money: Money, theme: &Theme) -> (String, Style) {
    match c {
        Col::Qty => (held.map_or(String::new(), |h| money.quantity(h.quantity)), theme.text),
        // In the base currency, as the heading says, so the rows add up to the summary.
        Col::Value => match held.map(|h| (h.value, h.value_base)) {
            Some((_, Some(v))) => (money.amount(v), theme.text),
            Some((Some(_), None)) => ("no rate".to_string(), theme.dim),
            _ => (String::new(), theme.text),
        },
        Col::DayPnl => {
            let d = held.and_then(|h| h.day_pnl_base);
            (d.map_or(String::new(), |d| money.signed_amount(d)), theme.direction(d))
        }
        Col::PnlPct => {
            let p = held.and_then(|h| h.total_pnl_pct);
            (p.map_or(String::new(), |p| money.pct(p)), theme.direction(p))
        }
        _ => (String::new(), theme.text),
    }
}

/// The column's heading. The position figures are in the base currency, named once, over the value.
fn heading(c: Col, base: &str) -> String {
    let text = match c {
        Col::Value => return format!("Value {base}"),
        Col::Symbol => "Symbol",
        Col::Name => "Name",
        Col::Last => "Last",
        Col::Chg => "Chg",
        Col::Pct => "Chg%",
        Col::News => "New",
        Col::Ext => "Pre/post",
        Col::Trend => "Today",
        Col::Volume => "Volume",
        Col::Note => "Note",
        Col::Range => "Day range",
        Col::Ah => "A/H",
        Col::Qty => "Qty",
        Col::DayPnl => "Day P&L",
        Col::PnlPct => "P&L%",
    };
    text.to_string()
}

/// Numbers sit on the right.
fn right_aligned(c: Col) -> bool {
    !matches!(c, Col::Symbol | Col::Name | Col::Note | Col::Ext | Col::Trend)
}
