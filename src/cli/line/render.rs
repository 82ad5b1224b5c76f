//! How `chiptape line` writes its one line: the per-symbol template, and the three formats (plain
//! text, tmux's `#[fg=…]` styles, waybar's JSON).

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::config::{ColorSpec, Convention, ThemeConfig};
use crate::market::{Quote, Symbol};
use crate::present::number;
use crate::present::sanitize::printable;
use crate::present::time::{self, LocalZone};

/// The template that gives `NVDA 181.37 ▲1.2%`.
pub const DEFAULT_TEMPLATE: &str = "{symbol} {price} {arrow}{change_pct}";

/// Between two symbols.
const SEPARATOR: &str = " · ";

/// What the line shows of one symbol.
#[derive(Debug, Clone)]
pub struct Row {
    pub symbol: Symbol,
    /// The config's name, else the source's.
    pub name: Option<String>,
    pub quote: Option<Quote>,
    /// When the quote was fetched.
    pub fetched: Option<DateTime<Utc>>,
    /// The quote comes from a cache that is not fresh, and no fetch replaced it.
    pub stale: bool,
}

impl Row {
    fn price(&self) -> Option<f64> {
        self.quote.as_ref()?.price
    }

    fn change(&self) -> Option<f64> {
        self.quote.as_ref()?.change
    }

    fn change_pct(&self) -> Option<f64> {
        self.quote.as_ref()?.change_pct
    }

    /// Which way it moved, as the watchlist's arrow says it (the same threshold for "flat").
    fn direction(&self) -> Direction {
        match self.change().map(|c| number::arrow(Some(c))) {
            Some("▲") => Direction::Up,
            Some("▼") => Direction::Down,
            Some(_) => Direction::Flat,
            None => Direction::Unknown,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Direction {
    Up,
    Down,
    Flat,
    Unknown,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    Symbol,
    Name,
    Price,
    Change,
    ChangePct,
    Arrow,
    Sign,
    Currency,
}

const FIELDS: [(&str, Field); 8] = [
    ("symbol", Field::Symbol),
    ("name", Field::Name),
    ("price", Field::Price),
    ("change", Field::Change),
    ("change_pct", Field::ChangePct),
    ("arrow", Field::Arrow),
    ("sign", Field::Sign),
    ("currency", Field::Currency),
];

#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    Text(String),
    Field(Field),
}

/// A `--template` that a typo cannot pass: an unknown placeholder is a usage error naming the
/// known ones, not a line with `{prcie}` in it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TemplateError {
    #[error("--template: unknown placeholder {{{name}}}; known: {known}", name = .0, known = known())]
    Unknown(String),
    #[error("--template: a {{ without its }} (write {{{{ for a brace)")]
    Unclosed,
}

fn known() -> String {
    FIELDS.iter().map(|(n, _)| format!("{{{n}}}")).collect::<Vec<_>>().join(" ")
}

/// A per-symbol template: text with `{placeholder}`s; `{{` and `}}` are braces.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template(Vec<Part>);

impl Template {
    pub fn parse(raw: &str) -> Result<Template, TemplateError> {
        let mut parts = Vec::new();
        let mut text = String::new();
        let mut chars = raw.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '{' if chars.peek() == Some(&'{') => {
                    chars.next();
                    text.push('{');
                }
                '}' if chars.peek() == Some(&'}') => {
                    chars.next();
                    text.push('}');
                }
                '{' => {
                    let mut name = String::new();
                    loop {
                        match chars.next() {
                            Some('}') => break,
                            Some(c) => name.push(c),
                            None => return Err(TemplateError::Unclosed),
                        }
                    }
                    let field = FIELDS
                        .iter()
                        .find(|(n, _)| *n == name.trim())
                        .map(|(_, f)| *f)
                        .ok_or_else(|| TemplateError::Unknown(printable(&name)))?;
                    if !text.is_empty() {
                        parts.push(Part::Text(std::mem::take(&mut text)));
                    }
                    parts.push(Part::Field(field));
                }
                c => text.push(c),
            }
        }
        if !text.is_empty() {
            parts.push(Part::Text(text));
        }
        Ok(Template(parts))
    }

    /// One symbol through the template: plain, printable text on one line (names come from the
    /// network and the config, the template from the command line). Numbers are unsigned: the
    /// arrow (or `{sign}`) says which way.
    fn render(&self, row: &Row) -> String {
        let mut out = String::new();
        for part in &self.0 {
            match part {
                Part::Text(t) => out.push_str(t),
                Part::Field(f) => out.push_str(&field(row, *f)),
            }
        }
        printable(&out).trim().to_string()
    }
}

fn field(row: &Row, f: Field) -> String {
    let q = row.quote.as_ref();
    match f {
        Field::Symbol => row.symbol.as_str().to_string(),
        Field::Name => row.name.clone().unwrap_or_else(|| row.symbol.as_str().to_string()),
        Field::Price => row.price().map_or("—".to_string(), number::price),
        Field::Change => row.change().map_or(String::new(), |c| {
            number::change_at(c, row.price()).trim_start_matches(['+', '-']).to_string()
        }),
        Field::ChangePct => row.change_pct().map_or(String::new(), |p| format!("{:.1}%", p.abs())),
        Field::Arrow => row.change().map_or(String::new(), |c| number::arrow(Some(c)).to_string()),
        Field::Sign => match row.direction() {
            Direction::Up => "+".into(),
            Direction::Down => "-".into(),
            Direction::Flat | Direction::Unknown => String::new(),
        },
        Field::Currency => q.and_then(|q| q.currency.as_deref()).unwrap_or("").to_string(),
    }
}

/// A symbol's piece of the line, with the age of a price that is not fresh.
fn piece(template: &Template, row: &Row, now: DateTime<Utc>) -> String {
    let text = template.render(row);
    match row.fetched.filter(|_| row.stale) {
        Some(at) => format!("{text} (old {})", time::age(at, now)),
        None => text,
    }
}

/// `NVDA 181.37 ▲1.2% · 0981.HK 72.85 ▼0.4%`.
pub fn text(template: &Template, rows: &[Row], now: DateTime<Utc>) -> String {
    rows.iter().map(|r| piece(template, r, now)).collect::<Vec<_>>().join(SEPARATOR)
}

/// The text with each moving symbol in its colour for tmux's status line. `#` is doubled: tmux
/// reads `#[…]` and `#(…)` in a command's output, and a name must not restyle the bar or run
/// anything.
pub fn tmux(template: &Template, rows: &[Row], now: DateTime<Utc>, theme: &ThemeConfig) -> String {
    let (up, down) = match theme.convention {
        Convention::Western => ("green", "red"),
        Convention::Cn => ("red", "green"),
    };
    let up = theme.up.as_ref().map_or(up.to_string(), tmux_colour);
    let down = theme.down.as_ref().map_or(down.to_string(), tmux_colour);
    let pieces = rows.iter().map(|r| {
        let text = piece(template, r, now).replace('#', "##");
        match r.direction() {
            Direction::Up => format!("#[fg={up}]{text}#[default]"),
            Direction::Down => format!("#[fg={down}]{text}#[default]"),
            Direction::Flat | Direction::Unknown => text,
        }
    });
    pieces.collect::<Vec<_>>().join(SEPARATOR)
}

/// A config colour as tmux names it: ratatui's "gray" is the terminal's colour 7, tmux's "white";
/// its "white" is colour 15, tmux's "brightwhite".
fn tmux_colour(spec: &ColorSpec) -> String {
    match spec {
        ColorSpec::Rgb(r, g, b) => format!("#{r:02x}{g:02x}{b:02x}"),
        ColorSpec::Named(n) => match n.as_str() {
            "gray" | "grey" => "white".into(),
            "darkgray" | "darkgrey" => "brightblack".into(),
            "white" => "brightwhite".into(),
            "reset" => "default".into(),
            other => match other.strip_prefix("light") {
                Some(base) => format!("bright{base}"),
                None => other.to_string(),
            },
        },
    }
}

/// What waybar's custom module reads with `"return-type": "json"`.
#[derive(Debug, Serialize)]
pub struct Waybar {
    pub text: String,
    pub tooltip: String,
    pub class: &'static str,
}

/// waybar's JSON: the line, a tooltip of one line per symbol (name, price, move, time), and a
/// class for its CSS. Text and tooltip are Pango markup to waybar, so `&`, `<`, `>` are escaped.
pub fn waybar(template: &Template, rows: &[Row], now: DateTime<Utc>, zone: LocalZone) -> Waybar {
    let tooltip = rows.iter().map(|r| tooltip_line(r, now, zone)).collect::<Vec<_>>().join("\n");
    Waybar { text: pango(&text(template, rows, now)), tooltip: pango(&tooltip), class: class(rows) }
}

/// `NVDA NVIDIA 181.37 USD +2.15 (+1.20%) 15:59`.
fn tooltip_line(row: &Row, now: DateTime<Utc>, zone: LocalZone) -> String {
    let mut words = vec![row.symbol.as_str().to_string()];
    words.extend(row.name.as_deref().map(printable));
    match row.price() {
        None => words.push("— no price".into()),
        Some(p) => {
            words.push(number::price(p));
            words.extend(row.quote.as_ref().and_then(|q| q.currency.as_deref()).map(printable));
            if let Some(c) = row.change() {
                words.push(number::change_at(c, Some(p)));
            }
            if let Some(pct) = row.change_pct() {
                words.push(format!("({})", number::pct(pct)));
            }
        }
    }
    let at = row.quote.as_ref().and_then(|q| q.time).or(row.fetched);
    words.extend(at.map(|t| time::stamp(t, now, zone)));
    if let Some(at) = row.fetched.filter(|_| row.stale) {
        words.push(format!("(old {})", time::age(at, now)));
    }
    words.join(" ")
}

/// "stale" when a price is old or missing; else which way the symbols moved on average.
fn class(rows: &[Row]) -> &'static str {
    if rows.iter().any(|r| r.stale || r.price().is_none()) {
        return "stale";
    }
    let moves: Vec<f64> = rows.iter().filter_map(Row::change_pct).collect();
    let mean = moves.iter().sum::<f64>() / moves.len().max(1) as f64;
    if mean >= 0.005 {
        "up"
    } else if mean <= -0.005 {
        "down"
    } else {
        "flat"
    }
}

fn pango(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    fn row(sym: &str, price: Option<f64>, change: Option<f64>, pct: Option<f64>) -> Row {
        let symbol = Symbol::parse(sym).unwrap();
        let quote = Quote {
            symbol: symbol.clone(),
            price,
            change,
            change_pct: pct,
            currency: Some("USD".into()),
            time: Some(t("2026-11-24T14:59:00Z")),
            ..Quote::default()
        };
        Row { symbol, name: None, quote: Some(quote), fetched: Some(t("2026-11-24T15:00:00Z")), stale: false }
    }

    fn now() -> DateTime<Utc> {
        t("2026-11-24T15:00:05Z")
    }

    fn default() -> Template {
        Template::parse(DEFAULT_TEMPLATE).unwrap()
    }

    #[test]
    fn the_default_line() {
        let rows = [
            row("NVDA", Some(181.37), Some(2.15), Some(1.2)),
            row("0981.HK", Some(72.85), Some(-0.3), Some(-0.41)),
            row("AMD", Some(140.0), Some(0.0), Some(0.0)),
        ];
        assert_eq!(
            text(&default(), &rows, now()),
            "NVDA 181.37 ▲1.2% · 0981.HK 72.85 ▼0.4% · AMD 140.00 ·0.0%"
        );
    }

    #[test]
    fn a_missing_price_is_a_dash_and_an_old_one_says_its_age() {
        let mut old = row("AMD", Some(140.0), Some(1.0), Some(0.7));
        old.stale = true;
        let none = Row { quote: None, fetched: None, ..row("NVDA", None, None, None) };
        assert_eq!(text(&default(), &[none, old], now()), "NVDA — · AMD 140.00 ▲0.7% (old now)");
        let mut older = row("AMD", Some(140.0), Some(1.0), Some(0.7));
        (older.stale, older.fetched) = (true, Some(t("2026-11-24T14:48:00Z")));
        assert_eq!(text(&default(), &[older], now()), "AMD 140.00 ▲0.7% (old 12m)");
    }

    #[test]
    fn every_placeholder_and_braces() {
        let mut r = row("NVDA", Some(181.37), Some(-2.15), Some(-1.234));
        r.name = Some("NVIDIA\u{1b}[31m\n Corp".into());
        let t = Template::parse(
            "{{{symbol}}} {name}: {sign}{change} {sign}{change_pct} {arrow} {price} {currency}",
        )
        .unwrap();
        assert_eq!(text(&t, &[r], now()), "{NVDA} NVIDIA Corp: -2.15 -1.2% ▼ 181.37 USD");
    }

    #[test]
    fn a_bad_template_is_refused() {
        assert_eq!(Template::parse("{prcie}"), Err(TemplateError::Unknown("prcie".into())));
        assert!(TemplateError::Unknown("x".into()).to_string().contains("{change_pct}"));
        assert_eq!(Template::parse("{price"), Err(TemplateError::Unclosed));
        assert_eq!(Template::parse("a } b").unwrap(), Template(vec![Part::Text("a } b".into())]));
    }

    #[test]
    fn tmux_colours_follow_the_convention_and_escape_hashes() {
        let mut theme = crate::config::builtin().theme;
        let mut up = row("NVDA", Some(181.37), Some(2.15), Some(1.2));
        up.name = Some("#(reboot)".into());
        let rows =
            [up, row("AMD", Some(140.0), Some(-1.0), Some(-0.7)), row("X", Some(1.0), Some(0.0), Some(0.0))];
        let named = Template::parse("{name}").unwrap();
        theme.convention = Convention::Western;
        assert_eq!(
            tmux(&named, &rows, now(), &theme),
            "#[fg=green]##(reboot)#[default] · #[fg=red]AMD#[default] · X"
        );
        theme.convention = Convention::Cn;
        assert_eq!(
            tmux(&default(), &rows[..2], now(), &theme),
            "#[fg=red]NVDA 181.37 ▲1.2%#[default] · #[fg=green]AMD 140.00 ▼0.7%#[default]"
        );
        (theme.up, theme.down) =
            (Some(ColorSpec::Rgb(0, 255, 16)), Some(ColorSpec::Named("lightred".into())));
        assert_eq!(
            tmux(&default(), &rows[..2], now(), &theme),
            "#[fg=#00ff10]NVDA 181.37 ▲1.2%#[default] · #[fg=brightred]AMD 140.00 ▼0.7%#[default]"
        );
    }

    #[test]
    fn waybar_json_classes_and_escapes() {
        let mut nv = row("NVDA", Some(181.37), Some(2.15), Some(1.2));
        nv.name = Some("AT&T <b>".into());
        let amd = row("AMD", Some(140.0), Some(-0.3), Some(-0.2));
        let w = waybar(&default(), &[nv.clone(), amd.clone()], now(), LocalZone::UTC);
        assert_eq!(w.class, "up");
        assert_eq!(w.text, "NVDA 181.37 ▲1.2% · AMD 140.00 ▼0.2%");
        assert_eq!(
            w.tooltip,
            "NVDA AT&amp;T &lt;b&gt; 181.37 USD +2.15 (+1.20%) 14:59\nAMD 140.00 USD -0.30 (-0.20%) 14:59"
        );
        let down = row("AMD", Some(140.0), Some(-3.0), Some(-2.0));
        assert_eq!(waybar(&default(), &[nv.clone(), down], now(), LocalZone::UTC).class, "down");
        let flat = row("X", Some(1.0), Some(0.0), Some(0.0));
        assert_eq!(waybar(&default(), &[flat], now(), LocalZone::UTC).class, "flat");
        let mut old = amd;
        old.stale = true;
        let w = waybar(&default(), &[nv, old], now(), LocalZone::UTC);
        assert_eq!(w.class, "stale");
        assert!(w.tooltip.ends_with("14:59 (old now)"), "{}", w.tooltip);
    }
}
