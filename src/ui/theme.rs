//! Colours and emphasis. Colour is never the only cue: arrows and signs carry direction too.

use ratatui::style::{Color, Modifier, Style};

use crate::config::{ColorSpec, ThemeConfig, ThemeName};

#[derive(Debug, Clone, Copy)]
pub struct Theme {
    pub up: Style,
    pub down: Style,
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
        let up = cfg.up.as_ref().map_or(up, color);
        let down = cfg.down.as_ref().map_or(down, color);
        let flat = cfg.flat.as_ref().map_or(flat, color);
        Theme {
            up: Style::new().fg(up),
            down: Style::new().fg(down),
            flat: Style::new().fg(flat),
            dim: Style::new().fg(if light { Color::Rgb(120, 120, 120) } else { Color::DarkGray }),
            text: Style::new(),
            accent: Style::new().fg(accent).add_modifier(Modifier::BOLD),
            selected: Style::new().bg(sel_bg).add_modifier(Modifier::BOLD),
            selected_unfocused: Style::new().bg(sel_un_bg),
            header: Style::new().fg(accent).add_modifier(Modifier::BOLD),
            badge: Style::new().fg(Color::Black).bg(Color::Yellow).add_modifier(Modifier::BOLD),
            error: Style::new().fg(down).add_modifier(Modifier::BOLD),
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
