//! Keys while a prompt is open: y/n before a removal.

use super::super::{Overlay, Prompt, State};
use crate::config::{Key, KeyCode};
use crate::market::Symbol;
use crate::msg::{Effect, Outcome};

pub fn key(s: &mut State, k: Key, out: &mut Outcome) {
    out.redraw = true;
    let group = s.config.groups.get(s.group).map(|g| g.name.clone()).unwrap_or_default();
    let Some(Overlay::Prompt(prompt)) = s.overlays.pop() else { return };
    let keep = match prompt {
        Prompt::Remove(symbol) => remove_key(s, k, symbol, group, out),
    };
    if let Some(p) = keep {
        s.overlays.push(Overlay::Prompt(p));
    }
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
