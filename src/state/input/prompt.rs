//! Keys while a prompt is open: the symbols to add, typed; or y/n before a removal.

use super::super::{Overlay, Prompt, State};
use crate::config::{Key, KeyCode};
use crate::market::Symbol;
use crate::msg::{Effect, Outcome};

/// More than any list of symbols worth typing at once.
const MAX_CHARS: usize = 200;

pub fn key(s: &mut State, k: Key, out: &mut Outcome) {
    out.redraw = true;
    let group = s.config.groups.get(s.group).map(|g| g.name.clone()).unwrap_or_default();
    let Some(Overlay::Prompt(prompt)) = s.overlays.pop() else { return };
    let keep = match prompt {
        Prompt::Add(text) => add_key(s, k, text, group, out),
        Prompt::Remove(symbol) => remove_key(s, k, symbol, group, out),
    };
    if let Some(p) = keep {
        s.overlays.push(Overlay::Prompt(p));
    }
}

/// The prompt as it stays open, or `None` when it closed.
fn add_key(s: &mut State, k: Key, mut text: String, group: String, out: &mut Outcome) -> Option<Prompt> {
    // Any key answers the error shown: it is about the text as it was.
    s.prompt_error = None;
    match k.code {
        KeyCode::Esc => return None,
        KeyCode::Enter => return add(s, text, group, out),
        KeyCode::Backspace => {
            text.pop();
        }
        KeyCode::Char('u') if k.ctrl => text.clear(),
        KeyCode::Char(c) if !k.ctrl && !k.alt && !c.is_control() => {
            if text.chars().count() < MAX_CHARS {
                text.push(c);
            }
        }
        _ => out.redraw = false,
    }
    Some(Prompt::Add(text))
}

/// Enter on the add prompt: every symbol parsed, or the prompt stays open, the text kept and
/// what is wrong said inside it. Codes are separated by commas only: "NV DA" is one bad code, not
/// two symbols.
fn add(s: &mut State, text: String, group: String, out: &mut Outcome) -> Option<Prompt> {
    let mut symbols = Vec::new();
    let mut bad = Vec::new();
    for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        if part.contains(char::is_whitespace) {
            bad.push(format!("\"{part}\": a code has no spaces (separate codes with commas)"));
            continue;
        }
        match Symbol::parse(part) {
            Ok(sym) if !symbols.contains(&sym) => symbols.push(sym),
            Ok(_) => {}
            Err(e) => bad.push(e.to_string()),
        }
    }
    if !bad.is_empty() {
        s.prompt_error = Some(bad.join("; "));
        return Some(Prompt::Add(text));
    }
    if !symbols.is_empty() {
        s.notice = Some(
            format!("adding {}…", symbols.iter().map(|x| x.as_str()).collect::<Vec<_>>().join(", ")).into(),
        );
        out.effects.push(Effect::AddSymbols { group, symbols });
    }
    None
}

fn remove_key(s: &mut State, k: Key, symbol: Symbol, group: String, out: &mut Outcome) -> Option<Prompt> {
    match k.code {
        KeyCode::Char('y' | 'Y') => {
            s.notice = Some(format!("removing {symbol}…").into());
            out.effects.push(Effect::RemoveSymbol { group, symbol });
            None
        }
        KeyCode::Char('n' | 'N') | KeyCode::Esc => None,
        _ => {
            out.redraw = false;
            Some(Prompt::Remove(symbol))
        }
    }
}
