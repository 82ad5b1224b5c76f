//! Colours and emphasis. Colour is never the only cue: arrows and signs carry direction too.

use ratatui::style::{Color, Modifier, Style};

use crate::config::{ColorSpec, Convention, ThemeConfig, ThemeName};

#[derive(Debug, Clone, Copy)]
pub struct Theme {
    /// A rise and a fall: green and red, or red and green under `convention = "cn"`.
    pub up: Style,
    pub down: Style,
    /// A market that is open: green whatever the convention (it is no move).
    pub open: Style,
    pub flat: Style,
    pub dim: Style,
    pub text: Style,
    pub accent: Style,
    pub selected: Style,
    pub selected_unfocused: Style,
    pub header: Style,
    pub badge: Style,
    pub error: Style,
    pub border: Style,
    pub border_focused: Style,
    /// A phrase of `news.highlight` in a headline.
    pub highlight: Style,
    /// The comparison's line colours, told apart from each other and from up/down; `None` in mono,
    /// where the lines' glyphs tell them apart.
    pub lines: Option<[Color; 8]>,
    /// The heat map's scale; `None` in mono, where shade glyphs carry it.
    pub heat: Option<HeatScale>,
}

/// The heat map's diverging scale: neutral at no change, the full colours at the cap.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HeatScale {
    pub neutral: (u8, u8, u8),
    pub up: (u8, u8, u8),
    pub down: (u8, u8, u8),
}

impl HeatScale {
    /// The tile's colour for `heat` (the change over the cap, -1..=1); neutral without a price.
    pub fn colour(&self, heat: Option<f64>) -> Color {
        let Some(t) = heat.filter(|t| t.is_finite()) else { return rgb(self.neutral) };
        let end = if t >= 0.0 { self.up } else { self.down };
        let t = t.abs().min(1.0);
        let mix = |a: u8, b: u8| (f64::from(a) + (f64::from(b) - f64::from(a)) * t).round() as u8;
        Color::Rgb(mix(self.neutral.0, end.0), mix(self.neutral.1, end.1), mix(self.neutral.2, end.2))
    }

    /// Text that reads on `bg`: dark on light tiles, light on dark ones.
    pub fn text_on(bg: Color) -> Color {
        match bg {
            Color::Rgb(r, g, b) if 299 * u32::from(r) + 587 * u32::from(g) + 114 * u32::from(b) > 140_000 => {
                Color::Rgb(0, 0, 0)
            }
            _ => Color::Rgb(240, 240, 240),
        }
    }
}

fn rgb((r, g, b): (u8, u8, u8)) -> Color {
    Color::Rgb(r, g, b)
}

/// An override's own red, green and blue, when it gives them (a name has no fixed shade to blend).
fn spec_rgb(spec: Option<&ColorSpec>) -> Option<(u8, u8, u8)> {
    match spec {
        Some(ColorSpec::Rgb(r, g, b)) => Some((*r, *g, *b)),
        _ => None,
    }
}

fn color(spec: &ColorSpec) -> Color {
    match spec {
        ColorSpec::Rgb(r, g, b) => Color::Rgb(*r, *g, *b),
        ColorSpec::Named(n) => n.parse().unwrap_or(Color::Reset),
    }
}

impl Theme {
    pub fn new(cfg: &ThemeConfig, no_color: bool) -> Theme {
        let name = if no_color { ThemeName::Mono } else { cfg.name };
        let bold = Style::new().add_modifier(Modifier::BOLD);
        let rev = Style::new().add_modifier(Modifier::REVERSED);
        if name == ThemeName::Mono {
            return Theme {
                up: bold,
                down: Style::new(),
                open: bold,
                flat: Style::new(),
                dim: Style::new().add_modifier(Modifier::DIM),
                text: Style::new(),
                accent: bold,
                selected: rev,
                selected_unfocused: Style::new().add_modifier(Modifier::UNDERLINED),
                header: bold,
                badge: rev.add_modifier(Modifier::BOLD),
                error: bold,
                border: Style::new(),
                border_focused: bold,
                highlight: Style::new().add_modifier(Modifier::UNDERLINED),
                lines: None,
                heat: None,
            };
        }
        let light = name == ThemeName::Light;
        let (up, down, flat, accent, sel_bg, sel_un_bg) = if light {
            (
                Color::Rgb(0, 120, 40),
                Color::Rgb(190, 20, 20),
                Color::Rgb(90, 90, 90),
                Color::Rgb(0, 80, 160),
                Color::Rgb(200, 220, 250),
                Color::Rgb(230, 230, 230),
            )
        } else {
            (
                Color::Green,
                Color::Red,
                Color::Gray,
                Color::Cyan,
                Color::Rgb(40, 60, 100),
                Color::Rgb(45, 45, 45),
            )
        };
        let (green, red) = (up, down);
        let (heat_green, heat_red) =
            if light { ((60, 170, 90), (220, 70, 70)) } else { ((20, 150, 60), (185, 35, 35)) };
        // The convention picks the defaults; `up` and `down` in the config still name a rise's
        // and a fall's colour.
        let ((up, heat_up), (down, heat_down)) = match cfg.convention {
            Convention::Western => ((green, heat_green), (red, heat_red)),
            Convention::Cn => ((red, heat_red), (green, heat_green)),
        };
        let heat = HeatScale {
            neutral: if light { (214, 214, 214) } else { (58, 58, 58) },
            up: spec_rgb(cfg.up.as_ref()).unwrap_or(heat_up),
            down: spec_rgb(cfg.down.as_ref()).unwrap_or(heat_down),
        };
        let up = cfg.up.as_ref().map_or(up, color);
        let down = cfg.down.as_ref().map_or(down, color);
        let flat = cfg.flat.as_ref().map_or(flat, color);
        Theme {
            up: Style::new().fg(up),
            down: Style::new().fg(down),
            open: Style::new().fg(green),
            flat: Style::new().fg(flat),
            dim: Style::new().fg(if light { Color::Rgb(120, 120, 120) } else { Color::DarkGray }),
            text: Style::new(),
            accent: Style::new().fg(accent).add_modifier(Modifier::BOLD),
            selected: Style::new().bg(sel_bg).add_modifier(Modifier::BOLD),
            selected_unfocused: Style::new().bg(sel_un_bg),
            header: Style::new().fg(accent).add_modifier(Modifier::BOLD),
            badge: Style::new().fg(Color::Black).bg(Color::Yellow).add_modifier(Modifier::BOLD),
            error: Style::new().fg(red).add_modifier(Modifier::BOLD),
            border: Style::new().fg(if light { Color::Rgb(160, 160, 160) } else { Color::DarkGray }),
            border_focused: Style::new().fg(accent),
            highlight: Style::new()
                .fg(if light { Color::Rgb(150, 80, 0) } else { Color::Yellow })
                .add_modifier(Modifier::UNDERLINED),
            lines: Some(if light {
                [
                    Color::Rgb(0, 100, 170),
                    Color::Rgb(160, 0, 160),
                    Color::Rgb(140, 100, 0),
                    Color::Rgb(60, 60, 60),
                    Color::Rgb(210, 90, 0),
                    Color::Rgb(0, 140, 140),
                    Color::Rgb(110, 60, 200),
                    Color::Rgb(150, 60, 60),
                ]
            } else {
                [
                    Color::Cyan,
                    Color::Magenta,
                    Color::Yellow,
                    Color::White,
                    Color::Rgb(255, 150, 0),
                    Color::LightBlue,
                    Color::Rgb(190, 150, 255),
                    Color::Rgb(255, 150, 180),
                ]
            }),
            heat: Some(heat),
        }
    }

    pub fn direction(&self, change: Option<f64>) -> Style {
        match change {
            Some(c) if c >= 0.005 => self.up,
            Some(c) if c <= -0.005 => self.down,
            _ => self.flat,
        }
    }
}
