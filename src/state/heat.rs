//! The heat map (`m`): a tile per watchlist symbol, in a titled section per group, coloured by the
//! day's change. Where each tile stands and what it says is worked out here, once, so the keys, the
//! mouse and the view agree; the view only paints it.
//!
//! Sized (`M`), tiles take room by the absolute value of the position in the base currency (a
//! short counts by its size). Symbols not held, or whose value is unknown (no price or no rate),
//! are left out and counted in the title: a slim row of them would take the room the sizes are for.

use std::collections::HashSet;

use super::State;
use super::layout::{Area, Layout};
use crate::config::Action;
use crate::market::Symbol;
use crate::present::text::width;

/// What the heat map overlay remembers: how it sizes, and which tile is selected.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Heat {
    /// Tiles sized by position value, else all alike.
    pub sized: bool,
    /// Kept by symbol, so new prices or a resize never move it to another tile.
    pub selected: Option<Symbol>,
}

/// How much a tile says, by the room it has: richer is greater.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum LabelLevel {
    /// The direction mark alone (`▲`, `▼`, `·`, `—`): the colour, or the shade glyph, says the rest.
    Colour,
    /// `NVDA ▲`.
    Symbol,
    /// `NVDA +2.1%`.
    Full,
}

/// One symbol's tile.
#[derive(Debug, Clone, PartialEq)]
pub struct Tile {
    pub symbol: Symbol,
    pub area: Area,
    pub level: LabelLevel,
    /// What the tile says, at most as wide as the tile.
    pub label: String,
    /// The day's change over the cap, within -1..=1; `None` without a price.
    pub heat: Option<f64>,
    /// The price is old (from the cache, or past two refreshes).
    pub stale: bool,
}

/// A group's heading row.
#[derive(Debug, Clone, PartialEq)]
pub struct Section {
    pub name: String,
    pub at: Area,
}

/// The heat map as drawn: its box, its title, its sections and tiles, the selected one.
#[derive(Debug, Clone, PartialEq)]
pub struct HeatMap {
    /// The box, border included.
    pub area: Area,
    pub title: String,
    /// The selected tile in words, for the bottom border.
    pub footer: String,
    pub sections: Vec<Section>,
    pub tiles: Vec<Tile>,
    pub selected: Option<usize>,
}

/// A symbol as the layout sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub symbol: Symbol,
    pub change_pct: Option<f64>,
    pub stale: bool,
    /// What it is sized by (the sized map only).
    pub weight: Option<f64>,
}

/// A group's symbols in the map: each symbol once, in the first group listing it.
#[derive(Debug, Clone, PartialEq)]
pub struct GroupEntries {
    pub name: String,
    pub entries: Vec<Entry>,
}

/// The three labels of an entry, richest first.
fn labels(e: &Entry) -> [String; 3] {
    let mark = match e.change_pct {
        None => "—",
        Some(p) => crate::present::number::arrow(Some(p)),
    };
    let pct = match e.change_pct {
        None => "—".to_string(),
        Some(p) if p.abs() < 0.05 => "0.0%".to_string(),
        Some(p) => format!("{p:+.1}%"),
    };
    // Built by hand: a thousand tiles' labels are laid out on every frame.
    let sym = e.symbol.as_str();
    let join = |tail: &str| {
        let mut l = String::with_capacity(sym.len() + 1 + tail.len());
        l.push_str(sym);
        l.push(' ');
        l.push_str(tail);
        l
    };
    [join(&pct), join(mark), mark.to_string()]
}

fn level_index(level: LabelLevel) -> usize {
    match level {
        LabelLevel::Full => 0,
        LabelLevel::Symbol => 1,
        LabelLevel::Colour => 2,
    }
}

const LEVELS: [LabelLevel; 3] = [LabelLevel::Full, LabelLevel::Symbol, LabelLevel::Colour];

/// The most a tile row is tall (a gap row under it from 3 on, so rows of one colour stay apart).
const MAX_ROW_PITCH: u16 = 4;

/// Tiles placed, and those that did not fit anywhere.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Placed {
    pub sections: Vec<Section>,
    pub tiles: Vec<Tile>,
    pub hidden: usize,
}

fn tile(e: &Entry, labels: &[String; 3], area: Area, level: LabelLevel, cap: f64) -> Tile {
    Tile {
        symbol: e.symbol.clone(),
        area,
        level,
        label: {
            let l = &labels[level_index(level)];
            if width(l) <= usize::from(area.width) {
                l.clone()
            } else {
                crate::present::text::fit(l, area.width as usize)
            }
        },
        heat: e.change_pct.map(|p| (p / cap).clamp(-1.0, 1.0)),
        stale: e.stale,
    }
}

/// All tiles alike, in rows of the same columns for every group (so `j` goes straight down from
/// one group into the next), each group under its heading. The richest label that lets every tile
/// fit; headings go only when even bare colour tiles would not fit with them; past that the rows
/// that do not fit are left out and counted.
pub fn equal_layout(inner: Area, groups: &[GroupEntries], cap: f64) -> Placed {
    if inner.width == 0 || inner.height == 0 {
        return Placed { hidden: groups.iter().map(|g| g.entries.len()).sum(), ..Placed::default() };
    }
    let labels: Vec<Vec<[String; 3]>> =
        groups.iter().map(|g| g.entries.iter().map(labels).collect()).collect();
    let widest: [usize; 3] =
        std::array::from_fn(|i| labels.iter().flatten().map(|l| width(&l[i])).max().unwrap_or(1).max(1));
    let most = groups.iter().map(|g| g.entries.len()).max().unwrap_or(0).max(1);
    let (w, h) = (usize::from(inner.width), usize::from(inner.height));
    let fits = |level: LabelLevel, titled: bool| -> Option<(usize, usize, usize)> {
        // A gap column after each tile but the last of a row.
        let cols = ((w + 1) / (widest[level_index(level)] + 1)).min(most);
        if cols == 0 {
            return None;
        }
        let rows: usize = groups.iter().map(|g| g.entries.len().div_ceil(cols)).sum();
        let room = h.checked_sub(if titled { groups.len() } else { 0 })?;
        (rows <= room).then_some((cols, rows, room))
    };
    let tries = [
        (LabelLevel::Full, true),
        (LabelLevel::Symbol, true),
        (LabelLevel::Colour, true),
        (LabelLevel::Colour, false),
    ];
    let chosen = tries.iter().find_map(|&(level, titled)| fits(level, titled).map(|f| (level, titled, f)));
    let (level, titled, (cols, rows, room)) = chosen.unwrap_or_else(|| {
        let cols = w.div_ceil(2).clamp(1, most);
        (LabelLevel::Colour, false, (cols, usize::MAX, h))
    });
    let pitch_w = (w + 1) / cols;
    let tile_w = pitch_w.saturating_sub(1).max(1) as u16;
    let pitch_h = (room / rows.max(1)).clamp(1, usize::from(MAX_ROW_PITCH)) as u16;
    let tile_h = if pitch_h >= 3 { pitch_h - 1 } else { pitch_h };
    // A blank row before each heading but the first, where the rows leave that much room over.
    let spare = room.saturating_sub(rows.saturating_mul(usize::from(pitch_h)));
    let apart = titled && pitch_h < 3 && spare >= groups.len().saturating_sub(1);
    let mut out = Placed::default();
    let mut y = inner.y;
    for (g, group) in groups.iter().enumerate() {
        if apart && g > 0 {
            y = y.saturating_add(1);
        }
        if titled {
            out.sections
                .push(Section { name: group.name.clone(), at: Area::new(inner.x, y, inner.width, 1) });
            y = y.saturating_add(1);
        }
        for (row, chunk) in group.entries.chunks(cols).enumerate() {
            let top = y.saturating_add(u16::try_from(row).unwrap_or(u16::MAX).saturating_mul(pitch_h));
            if top.saturating_add(tile_h) > inner.bottom() {
                out.hidden += chunk.len();
                continue;
            }
            for (c, e) in chunk.iter().enumerate() {
                let x = inner.x + (c * pitch_w) as u16;
                let area = Area::new(x, top, tile_w.min(inner.right() - x), tile_h);
                out.tiles.push(tile(e, &labels[g][row * cols + c], area, level, cap));
            }
        }
        let rows_here = u16::try_from(group.entries.len().div_ceil(cols)).unwrap_or(u16::MAX);
        y = y.saturating_add(rows_here.saturating_mul(pitch_h)).min(inner.bottom());
    }
    out
}

/// Tiles by weight: groups share the area by their totals, then each group's tiles share its part
/// the same way (a heading on top where the part is at least two rows tall). Weights of zero or
/// unknown are not placed: the caller counts them.
pub fn sized_layout(inner: Area, groups: &[GroupEntries], cap: f64) -> Placed {
    let weight = |e: &Entry| e.weight.filter(|w| w.is_finite() && *w > 0.0);
    let totals: Vec<(usize, f64)> = groups
        .iter()
        .enumerate()
        .map(|(i, g)| (i, g.entries.iter().filter_map(weight).sum::<f64>()))
        .filter(|(_, t)| *t > 0.0)
        .collect();
    let mut parts = Vec::new();
    let hidden_groups = split(inner, &totals, &mut parts);
    let mut out = Placed::default();
    out.hidden +=
        hidden_groups.iter().map(|i| groups[*i].entries.iter().filter_map(weight).count()).sum::<usize>();
    parts.sort_by_key(|(i, _)| *i);
    for (g, part) in parts {
        let mut body = part;
        if part.height >= 2 {
            out.sections.push(Section { name: groups[g].name.clone(), at: Area { height: 1, ..part } });
            body = Area { y: part.y + 1, height: part.height - 1, ..part };
        }
        let mut items: Vec<(usize, f64)> =
            groups[g].entries.iter().enumerate().filter_map(|(i, e)| Some((i, weight(e)?))).collect();
        items.sort_by(|a, b| b.1.total_cmp(&a.1));
        let mut placed = Vec::new();
        // Placed in the order of `items`: the heaviest first.
        out.hidden += split(body, &items, &mut placed).len();
        for (i, area) in placed {
            // A gap column where another tile follows on the right.
            let area = if area.right() < inner.right() && area.width >= 2 {
                Area { width: area.width - 1, ..area }
            } else {
                area
            };
            let e = &groups[g].entries[i];
            let l = labels(e);
            let level = LEVELS.into_iter().find(|lv| width(&l[level_index(*lv)]) <= usize::from(area.width));
            out.tiles.push(tile(e, &l, area, level.unwrap_or(LabelLevel::Colour), cap));
        }
    }
    out
}

/// Share `area` among `items` by weight: halves of about equal weight, cut across the longer side
/// (a cell is about twice as tall as wide). Returns the items that got no cell.
fn split(area: Area, items: &[(usize, f64)], out: &mut Vec<(usize, Area)>) -> Vec<usize> {
    match items {
        [] => return Vec::new(),
        [one] if area.width > 0 && area.height > 0 => {
            out.push((one.0, area));
            return Vec::new();
        }
        _ => {}
    }
    let wide = area.width >= 2 * area.height;
    let long = if wide { area.width } else { area.height };
    let across = if wide { area.height } else { area.width };
    if long < 2 || across == 0 {
        // No room to cut: the heaviest keeps the cell, if there is one.
        let (first, rest) = items.split_first().expect("two or more");
        if area.width > 0 && area.height > 0 {
            out.push((first.0, area));
            return rest.iter().map(|x| x.0).collect();
        }
        return items.iter().map(|x| x.0).collect();
    }
    let total: f64 = items.iter().map(|x| x.1).sum();
    let mut acc = 0.0;
    let mut k = 1;
    for (i, x) in items.iter().enumerate().take(items.len() - 1) {
        acc += x.1;
        k = i + 1;
        if acc * 2.0 >= total {
            break;
        }
    }
    let first: f64 = items[..k].iter().map(|x| x.1).sum();
    let cut = ((f64::from(long) * first / total).round() as u16).clamp(1, long - 1);
    let (a, b) = if wide {
        (Area { width: cut, ..area }, Area { x: area.x + cut, width: area.width - cut, ..area })
    } else {
        (Area { height: cut, ..area }, Area { y: area.y + cut, height: area.height - cut, ..area })
    };
    let mut hidden = split(a, &items[..k], out);
    hidden.extend(split(b, &items[k..], out));
    hidden
}

/// A direction to move the selection in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dir {
    Left,
    Right,
    Up,
    Down,
}

/// The tile next to `from` in `dir`: the nearest past its edge, a cell's height counting twice its
/// width (cells are about twice as tall as wide); `None` at the edge of the map.
pub fn step(tiles: &[Tile], from: usize, dir: Dir) -> Option<usize> {
    let a = tiles.get(from)?.area;
    let gap = |lo: u16, hi: u16, lo2: u16, hi2: u16| -> u32 {
        // Cells between two spans, 0 when they overlap.
        u32::from(lo2.saturating_sub(hi)).max(u32::from(lo.saturating_sub(hi2)))
    };
    let centre = |p: u16, len: u16| i32::from(p) * 2 + i32::from(len);
    tiles
        .iter()
        .enumerate()
        .filter(|(i, t)| {
            *i != from
                && match dir {
                    Dir::Down => t.area.y >= a.bottom(),
                    Dir::Up => t.area.bottom() <= a.y,
                    Dir::Right => t.area.x >= a.right(),
                    Dir::Left => t.area.right() <= a.x,
                }
        })
        .min_by_key(|(_, t)| {
            let b = t.area;
            let dx = gap(a.x, a.right(), b.x, b.right());
            let dy = gap(a.y, a.bottom(), b.y, b.bottom());
            let (cx, cy) = (
                centre(a.x, a.width).abs_diff(centre(b.x, b.width)),
                centre(a.y, a.height).abs_diff(centre(b.y, b.height)),
            );
            match dir {
                Dir::Down | Dir::Up => (dy * 2 + dx, cx),
                Dir::Left | Dir::Right => (dx + dy * 2, cy * 2),
            }
        })
        .map(|(i, _)| i)
}

/// The tile drawn at this cell.
pub fn tile_at(tiles: &[Tile], col: u16, row: u16) -> Option<usize> {
    tiles.iter().position(|t| t.area.contains(col, row))
}

impl State {
    /// The heat map overlay, when it is the view drawn in place of the lists (not under a detail
    /// view opened from it).
    pub fn heat(&self) -> Option<&Heat> {
        match self.view_overlay()? {
            super::Overlay::Heat(h) => Some(h),
            _ => None,
        }
    }

    pub(super) fn heat_mut(&mut self) -> Option<&mut Heat> {
        self.overlays.iter_mut().rev().find_map(|o| match o {
            super::Overlay::Heat(h) => Some(h),
            _ => None,
        })
    }

    /// The watchlist as the heat map groups it: every group, each symbol once (in the first group
    /// that lists it), with its change and, sized, its position's value in the base currency.
    pub fn heat_entries(&self, sized: bool) -> Vec<GroupEntries> {
        let valued = if sized { self.portfolio() } else { None };
        let mut seen: HashSet<&Symbol> = HashSet::new();
        // Whether each exchange trades now, asked once per exchange rather than once per symbol.
        let mut trading: Vec<(&'static str, bool)> = Vec::new();
        let mut stale = |s: &Symbol| -> bool {
            let Some(e) = self.quotes.get(s) else { return false };
            let Some(updated) = e.updated else { return false };
            let ex = crate::market::exchange::exchange_for(s.as_str());
            let open = match trading.iter().find(|(l, _)| *l == ex.label) {
                Some((_, open)) => *open,
                None => {
                    let open = ex.state_at(self.now, &self.config.calendar).is_trading();
                    trading.push((ex.label, open));
                    open
                }
            };
            let interval = if open { self.config.refresh_secs } else { self.config.closed_refresh_secs };
            // As `stale_since` judges it.
            e.cached || (self.now - updated).num_seconds() > 2 * interval as i64
        };
        self.config
            .groups
            .iter()
            .map(|g| GroupEntries {
                name: g.name.clone(),
                entries: g
                    .symbols
                    .iter()
                    .filter(|s| seen.insert(*s))
                    .map(|s| Entry {
                        symbol: s.clone(),
                        change_pct: self
                            .quotes
                            .get(s)
                            .and_then(|e| e.quote.as_ref())
                            .and_then(|q| q.change_pct),
                        stale: stale(s),
                        weight: valued
                            .as_ref()
                            .and_then(|v| v.holdings.get(s))
                            .and_then(|h| h.value_base)
                            .map(f64::abs),
                    })
                    .collect(),
            })
            .collect()
    }

    /// The heat map as it is drawn in `layout`, when it shows.
    pub fn heat_map(&self, layout: &Layout) -> Option<HeatMap> {
        let heat = self.heat()?;
        let area = layout.popup_room();
        let inner = area.inner();
        let cap = self.config.theme.heat_cap;
        let held = !self.config.positions.is_empty();
        let sized = heat.sized && held;
        let groups = self.heat_entries(sized);
        let placed =
            if sized { sized_layout(inner, &groups, cap) } else { equal_layout(inner, &groups, cap) };
        let all: usize = groups.iter().map(|g| g.entries.len()).sum();
        let mut title = if !heat.sized {
            format!(" Heat map · today's change, full colour at ±{cap}% ")
        } else if !held {
            " Heat map · no [[positions]] to size by: equal tiles ".to_string()
        } else {
            let sized_n: usize =
                groups.iter().flat_map(|g| &g.entries).filter(|e| e.weight.is_some_and(|w| w > 0.0)).count();
            let out = all - sized_n;
            let mut t = " Heat map · sized by position value".to_string();
            if out > 0 {
                t.push_str(&format!(" · {out} not held or unvalued left out"));
            }
            t + " "
        };
        if placed.hidden > 0 {
            title.push_str(&format!("· {} not shown (too small) ", placed.hidden));
        }
        let selected = heat
            .selected
            .as_ref()
            .and_then(|s| placed.tiles.iter().position(|t| &t.symbol == s))
            .or((!placed.tiles.is_empty()).then_some(0));
        let footer = selected.map(|i| self.heat_footer(&placed.tiles[i])).unwrap_or_default();
        Some(HeatMap { area, title, footer, sections: placed.sections, tiles: placed.tiles, selected })
    }

    /// The selected tile in words, and the keys that act on it.
    fn heat_footer(&self, t: &Tile) -> String {
        let q = self.quotes.get(&t.symbol).and_then(|e| e.quote.as_ref());
        let pct = q.and_then(|q| q.change_pct).map_or("no price".to_string(), crate::present::number::pct);
        let name = self.name_of(&t.symbol).map(|n| format!(" · {n}")).unwrap_or_default();
        let old = if t.stale { " (old price)" } else { "" };
        let km = &self.config.keys;
        // The help has one line for the map: its keys are here.
        let mut keys = vec!["hjkl move".to_string()];
        if let Some(k) = km.hint(Action::Activate) {
            keys.push(format!("{k} detail"));
        }
        if let Some(k) = km.hint(Action::HeatMapSized) {
            keys.push(format!("{k} sizes"));
        }
        if let Some(k) = km.hint(Action::Close) {
            keys.push(format!("{k} close"));
        }
        format!(" {}{name} {pct}{old} · {} ", t.symbol, keys.join(" · "))
    }
}

#[cfg(test)]
mod tests;
