//! The heat map: paints the tiles, headings and titles the state laid out. In colour each tile is
//! filled with its shade of the diverging scale; in mono a shade glyph by the size of the move
//! fills it and the label's sign says the direction. The selected tile is drawn reversed.

use ratatui::Frame;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};

use super::theme::{HeatScale, Theme};
use crate::present::text::{fit, width};
use crate::state::State;
use crate::state::heat::Tile;
use crate::state::layout::{Area, Layout};

/// The mark in a stale tile's corner.
const STALE: &str = "°";

pub fn draw(state: &State, theme: &Theme, frame: &mut Frame, layout: &Layout) {
    let Some(map) = state.heat_map(layout) else { return };
    let block = super::popup(frame, theme, map.area, &map.title);
    let footer = fit(&map.footer, map.area.width.saturating_sub(4) as usize);
    let block = block.title_bottom(Line::styled(footer, theme.accent).right_aligned());
    frame.render_widget(block, super::rect(map.area));
    let buf = frame.buffer_mut();
    for s in &map.sections {
        let head = fit(&format!("── {} ", s.name), s.at.width as usize);
        let rule = "─".repeat((s.at.width as usize).saturating_sub(width(&head)));
        super::put_line(
            buf,
            s.at.x,
            s.at.y,
            &Line::styled(format!("{head}{rule}"), theme.header),
            s.at.width,
        );
    }
    for (i, t) in map.tiles.iter().enumerate() {
        paint(buf, t, theme, map.selected == Some(i));
    }
}

/// The glyph a mono tile is filled with: more ink for a bigger move, blank for none.
fn shade(heat: Option<f64>) -> &'static str {
    match heat.map(f64::abs) {
        None => " ",
        Some(m) if m < 0.01 => " ",
        Some(m) if m < 0.25 => "░",
        Some(m) if m < 0.5 => "▒",
        Some(m) if m < 0.75 => "▓",
        Some(_) => "█",
    }
}

fn paint(buf: &mut ratatui::buffer::Buffer, t: &Tile, theme: &Theme, selected: bool) {
    let a = clip(t.area, buf.area);
    if a.width == 0 || a.height == 0 {
        return;
    }
    let (fill, glyph) = match theme.heat {
        Some(scale) => {
            let bg = scale.colour(t.heat);
            (Style::new().bg(bg).fg(HeatScale::text_on(bg)), " ")
        }
        None => (Style::new(), shade(t.heat)),
    };
    let fill = if selected { fill.add_modifier(Modifier::REVERSED | Modifier::BOLD) } else { fill };
    for y in a.y..a.bottom() {
        for x in a.x..a.right() {
            buf[(x, y)].set_symbol(glyph).set_style(fill);
        }
    }
    // The label in the middle row, centred, a blank either side of it where the tile has room, so
    // it reads over a mono tile's glyphs.
    let lw = width(&t.label) as u16;
    let padded = if lw + 2 <= a.width { format!(" {} ", t.label) } else { t.label.clone() };
    let pw = width(&padded) as u16;
    let x = a.x + (a.width - pw.min(a.width)) / 2;
    let y = a.y + (a.height - 1) / 2;
    let label_style = if t.stale { fill.add_modifier(Modifier::DIM) } else { fill };
    super::put_line(buf, x, y, &Line::from(Span::styled(padded, label_style)), a.right() - x);
    if t.stale && x + pw < a.right() {
        buf[(a.right() - 1, a.y)].set_symbol(STALE).set_style(fill);
    }
}

/// What of `a` lies inside the buffer: the layout is the frame's, this only keeps a mistake there
/// from indexing outside it.
fn clip(a: Area, buf: ratatui::layout::Rect) -> Area {
    let (right, bottom) = (a.right().min(buf.right()), a.bottom().min(buf.bottom()));
    let (x, y) = (a.x.min(right), a.y.min(bottom));
    Area::new(x, y, right - x, bottom - y)
}
