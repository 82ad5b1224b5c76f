//! Key names as written in `[keys]`, the actions they trigger, and the live key map.

use std::collections::HashMap;
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KeyCode {
    Char(char),
    Enter,
    Esc,
    Tab,
    BackTab,
    Backspace,
    Up,
    Down,
    Left,
    Right,
    Home,
    End,
    PageUp,
    PageDown,
    Delete,
    Insert,
    F(u8),
}

/// A key press as the app sees it. Shift is folded into the character (`G`, `?`), so it has no flag.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Key {
    pub code: KeyCode,
    pub ctrl: bool,
    pub alt: bool,
}

impl Key {
    pub const fn plain(code: KeyCode) -> Key {
        Key { code, ctrl: false, alt: false }
    }
    pub const fn ch(c: char) -> Key {
        Key::plain(KeyCode::Char(c))
    }
    pub const fn ctrl(c: char) -> Key {
        Key { code: KeyCode::Char(c), ctrl: true, alt: false }
    }

    /// Parse `a`, `A`, `ctrl-r`, `alt-x`, `f5`, `enter`, `pgdown`, `space`, …
    pub fn parse(raw: &str) -> Result<Key, String> {
        let mut rest = raw;
        let (mut ctrl, mut alt) = (false, false);
        loop {
            if rest.chars().count() <= 1 {
                break;
            }
            let lower = rest.to_ascii_lowercase();
            if let Some(r) = lower.strip_prefix("ctrl-").or_else(|| lower.strip_prefix("c-")) {
                ctrl = true;
                rest = &rest[rest.len() - r.len()..];
            } else if let Some(r) = lower.strip_prefix("alt-").or_else(|| lower.strip_prefix("m-")) {
                alt = true;
                rest = &rest[rest.len() - r.len()..];
            } else {
                break;
            }
        }
        let mut chars = rest.chars();
        let code = match (chars.next(), chars.next()) {
            (Some(c), None) if !c.is_control() => {
                // Terminals report ctrl-R and ctrl-r alike.
                if ctrl { KeyCode::Char(c.to_ascii_lowercase()) } else { KeyCode::Char(c) }
            }
            _ => match rest.to_ascii_lowercase().as_str() {
                "enter" | "return" => KeyCode::Enter,
                "esc" | "escape" => KeyCode::Esc,
                "tab" => KeyCode::Tab,
                "backtab" | "shift-tab" => KeyCode::BackTab,
                "backspace" => KeyCode::Backspace,
                "space" => KeyCode::Char(' '),
                "up" => KeyCode::Up,
                "down" => KeyCode::Down,
                "left" => KeyCode::Left,
                "right" => KeyCode::Right,
                "home" => KeyCode::Home,
                "end" => KeyCode::End,
                "pgup" | "pageup" => KeyCode::PageUp,
                "pgdown" | "pagedown" | "pgdn" => KeyCode::PageDown,
                "delete" | "del" => KeyCode::Delete,
                "insert" | "ins" => KeyCode::Insert,
                f if f.starts_with('f') => match f[1..].parse::<u8>() {
                    Ok(n @ 1..=24) => KeyCode::F(n),
                    _ => return Err(format!("unknown key name {raw:?}")),
                },
                _ => return Err(format!("unknown key name {raw:?}")),
            },
        };
        Ok(Key { code, ctrl, alt })
    }
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.ctrl {
            f.write_str("ctrl-")?;
        }
        if self.alt {
            f.write_str("alt-")?;
        }
        match self.code {
            KeyCode::Char(' ') => f.write_str("space"),
            KeyCode::Char(c) => write!(f, "{c}"),
            KeyCode::Enter => f.write_str("enter"),
            KeyCode::Esc => f.write_str("esc"),
            KeyCode::Tab => f.write_str("tab"),
            KeyCode::BackTab => f.write_str("backtab"),
            KeyCode::Backspace => f.write_str("backspace"),
            KeyCode::Up => f.write_str("up"),
            KeyCode::Down => f.write_str("down"),
            KeyCode::Left => f.write_str("left"),
            KeyCode::Right => f.write_str("right"),
            KeyCode::Home => f.write_str("home"),
            KeyCode::End => f.write_str("end"),
            KeyCode::PageUp => f.write_str("pgup"),
            KeyCode::PageDown => f.write_str("pgdown"),
            KeyCode::Delete => f.write_str("delete"),
            KeyCode::Insert => f.write_str("insert"),
            KeyCode::F(n) => write!(f, "f{n}"),
        }
    }
}

macro_rules! actions {
    ($($variant:ident => $name:literal, $help:literal;)*) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Action { $($variant),* }
        impl Action {
            pub const ALL: &'static [Action] = &[$(Action::$variant),*];
            pub fn name(self) -> &'static str { match self { $(Action::$variant => $name),* } }
            pub fn help(self) -> &'static str { match self { $(Action::$variant => $help),* } }
            pub fn from_name(s: &str) -> Option<Action> {
                match s { $($name => Some(Action::$variant),)* _ => None }
            }
        }
    };
}

actions! {
    Quit => "quit", "quit";
    Down => "down", "move down";
    Up => "up", "move up";
    Top => "top", "first row";
    Bottom => "bottom", "last row";
    PageUp => "page_up", "page up";
    PageDown => "page_down", "page down";
    FocusNext => "focus_next", "next pane";
    FocusPrev => "focus_prev", "previous pane";
    GroupPrev => "group_prev", "previous group";
    GroupNext => "group_next", "next group";
    Group1 => "group_1", "group 1";
    Group2 => "group_2", "group 2";
    Group3 => "group_3", "group 3";
    Group4 => "group_4", "group 4";
    Group5 => "group_5", "group 5";
    Group6 => "group_6", "group 6";
    Group7 => "group_7", "group 7";
    Group8 => "group_8", "group 8";
    Group9 => "group_9", "group 9";
    Activate => "activate", "detail / open headline";
    OpenLink => "open_link", "open headline in browser";
    FilterSymbol => "filter_symbol", "headlines of selected symbol";
    // The name users write stays "search": `/` filters the rows and headlines in view.
    Filter => "search", "search (Esc clears)";
    Sort => "sort", "sort: change % / symbol / yours";
    SortReverse => "sort_reverse", "reverse sort";
    Refresh => "refresh", "refresh now";
    AddSymbol => "add_symbol", "add symbol";
    RemoveSymbol => "remove_symbol", "remove symbol";
    EditConfig => "edit_config", "edit config in $EDITOR";
    Pause => "pause", "pause / resume updates";
    AlertLog => "alert_log", "alert log";
    Compare => "compare", "compare groups (or marked rows)";
    Mark => "mark", "mark row for comparison";
    Help => "help", "this help";
    Close => "close", "close / clear";
    HeatMap => "heat_map", "heat map";
    HeatMapSized => "heat_map_sized", "heat map sized by position";
    HeadlineKind => "headline_kind", "headlines: all / news / official";
    Discreet => "discreet", "discreet mode: hide money amounts";
}

impl Action {
    pub fn group_index(self) -> Option<usize> {
        use Action::*;
        let all = [Group1, Group2, Group3, Group4, Group5, Group6, Group7, Group8, Group9];
        all.iter().position(|a| *a == self)
    }
}

fn default_bindings() -> Vec<(Key, Action)> {
    use Action::*;
    use KeyCode as K;
    let mut v = vec![
        (Key::ch('q'), Quit),
        (Key::ctrl('c'), Quit),
        (Key::ch('j'), Down),
        (Key::plain(K::Down), Down),
        (Key::ch('k'), Up),
        (Key::plain(K::Up), Up),
        (Key::ch('g'), Top),
        (Key::plain(K::Home), Top),
        (Key::ch('G'), Bottom),
        (Key::plain(K::End), Bottom),
        (Key::plain(K::PageUp), PageUp),
        (Key::plain(K::PageDown), PageDown),
        (Key::plain(K::Tab), FocusNext),
        (Key::plain(K::BackTab), FocusPrev),
        (Key::ch('['), GroupPrev),
        (Key::ch(']'), GroupNext),
        (Key::plain(K::Enter), Activate),
        (Key::ch('o'), OpenLink),
        (Key::ch('n'), FilterSymbol),
        (Key::ch('/'), Filter),
        (Key::ch('s'), Sort),
        (Key::ch('S'), SortReverse),
        (Key::ch('r'), Refresh),
        (Key::ch('a'), AddSymbol),
        (Key::ch('d'), RemoveSymbol),
        (Key::ch('e'), EditConfig),
        (Key::ch('p'), Pause),
        (Key::ch('A'), AlertLog),
        (Key::ch('c'), Compare),
        (Key::ch(' '), Mark),
        (Key::ch('?'), Help),
        (Key::plain(K::Esc), Close),
        (Key::ch('m'), HeatMap),
        (Key::ch('M'), HeatMapSized),
        (Key::ch('f'), HeadlineKind),
        (Key::ch('x'), Discreet),
    ];
    for (i, a) in
        [Group1, Group2, Group3, Group4, Group5, Group6, Group7, Group8, Group9].into_iter().enumerate()
    {
        v.push((Key::ch(char::from(b'1' + i as u8)), a));
    }
    v
}

/// The live bindings: defaults, then the user's `[keys]` on top.
#[derive(Debug, Clone, PartialEq)]
pub struct KeyMap {
    map: HashMap<Key, Action>,
}

impl Default for KeyMap {
    fn default() -> Self {
        KeyMap { map: default_bindings().into_iter().collect() }
    }
}

impl KeyMap {
    /// `None` as the action unbinds the key.
    pub fn with_overrides(overrides: &[(Key, Option<Action>)]) -> KeyMap {
        let mut km = KeyMap::default();
        for (k, a) in overrides {
            match a {
                Some(a) => km.map.insert(*k, *a),
                None => km.map.remove(k),
            };
        }
        km
    }

    pub fn action(&self, key: &Key) -> Option<Action> {
        self.map.get(key).copied()
    }

    /// Keys bound to `action`, in a stable, readable order (plain keys first).
    pub fn keys_for(&self, action: Action) -> Vec<Key> {
        let mut keys: Vec<Key> = self.map.iter().filter(|(_, a)| **a == action).map(|(k, _)| *k).collect();
        keys.sort_by_key(|k| (k.ctrl || k.alt, !matches!(k.code, KeyCode::Char(_)), k.to_string()));
        keys
    }

    /// A short label for a hint, e.g. "?" for help; `None` if unbound.
    pub fn hint(&self, action: Action) -> Option<String> {
        self.keys_for(action).first().map(|k| k.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for name in [
            "a",
            "A",
            "?",
            "[",
            "ctrl-r",
            "alt-x",
            "f5",
            "f12",
            "enter",
            "esc",
            "tab",
            "backtab",
            "space",
            "backspace",
            "up",
            "down",
            "left",
            "right",
            "home",
            "end",
            "pgup",
            "pgdown",
            "delete",
            "insert",
            "ctrl-alt-x",
            "-",
        ] {
            let k = Key::parse(name).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(k.to_string(), name, "round trip of {name}");
        }
    }

    #[test]
    fn aliases_and_case() {
        assert_eq!(Key::parse("Ctrl-R").unwrap(), Key::ctrl('r'));
        assert_eq!(Key::parse("PageDown").unwrap(), Key::plain(KeyCode::PageDown));
        assert_eq!(Key::parse("G").unwrap(), Key::ch('G'));
    }

    #[test]
    fn bad_names() {
        for bad in ["", "ctrl-", "f0", "f99", "hyper-x", "enterr", "ab"] {
            assert!(Key::parse(bad).is_err(), "{bad:?} should not parse");
        }
    }

    #[test]
    fn action_names_round_trip() {
        for a in Action::ALL {
            assert_eq!(Action::from_name(a.name()), Some(*a));
        }
        assert_eq!(Action::from_name("refresh_now"), None);
    }

    #[test]
    fn overrides_and_unbinding() {
        let km = KeyMap::with_overrides(&[(Key::ctrl('r'), Some(Action::Refresh)), (Key::ch('q'), None)]);
        assert_eq!(km.action(&Key::ctrl('r')), Some(Action::Refresh));
        assert_eq!(km.action(&Key::ch('r')), Some(Action::Refresh));
        assert_eq!(km.action(&Key::ch('q')), None);
        assert_eq!(km.keys_for(Action::Quit), vec![Key::ctrl('c')]);
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(512))]
        /// Any key name: a key or a message, never a panic; a key it reads names itself back.
        #[test]
        fn any_key_name(raw in "\\PC{0,16}|(ctrl-|alt-|shift-){0,3}[a-zA-Z0-9\\-]{0,8}") {
            if let Ok(k) = Key::parse(&raw) {
                proptest::prop_assert_eq!(Key::parse(&k.to_string()), Ok(k));
            }
        }
    }
}
