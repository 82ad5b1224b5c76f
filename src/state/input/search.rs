//! Keys while the add prompt is open: the text is a name or code in any script, the candidates
//! follow it. Letters always type (`j` is in "hwj"): arrows and ctrl-n/ctrl-p move, and `j`/`k`
//! move too once an arrow has moved into the list.

use super::super::search::Search;
use super::super::{Overlay, State};
use crate::config::{Key, KeyCode, SymbolMeta};
use crate::market::Symbol;
use crate::market::search::Candidate;
use crate::msg::{Effect, Outcome};

/// More than any name or list of codes worth typing at once.
const MAX_CHARS: usize = 200;

pub fn key(s: &mut State, k: Key, out: &mut Outcome) {
    out.redraw = true;
    let group = s.config.groups.get(s.group).map(|g| g.name.clone()).unwrap_or_default();
    let Some(Overlay::Search(mut search)) = s.overlays.pop() else { return };
    // Any key answers the error shown: it is about the text as it was.
    s.prompt_error = None;
    let mut text = search.text.clone();
    match k.code {
        KeyCode::Esc => return,
        KeyCode::Enter => {
            if pick(s, &mut search, group, out) {
                return;
            }
        }
        KeyCode::Tab => {
            if let Some(c) = search.selected().cloned() {
                add_candidate(s, &c, group, out);
                search.added.push(c.symbol);
            } else {
                s.prompt_error = Some("nothing to add yet: type a name or code".into());
            }
        }
        KeyCode::Down => moved(&mut search, 1),
        KeyCode::Up => moved(&mut search, -1),
        KeyCode::Char('n') if k.ctrl => moved(&mut search, 1),
        KeyCode::Char('p') if k.ctrl => moved(&mut search, -1),
        KeyCode::Char('j') if search.in_list && !k.ctrl && !k.alt => search.move_by(1),
        KeyCode::Char('k') if search.in_list && !k.ctrl && !k.alt => search.move_by(-1),
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
    if text != search.text {
        let seq = s.search_text(&mut search, text);
        out.effects.push(Effect::Search { seq, query: search.text.clone() });
    }
    s.overlays.push(Overlay::Search(search));
}

fn moved(search: &mut Search, by: isize) {
    search.in_list = true;
    search.move_by(by);
}

/// Enter: codes separated by commas are added as typed; else the selected candidate; else the text
/// as one code, as before there was a search. Whether the prompt closed.
fn pick(s: &mut State, search: &mut Search, group: String, out: &mut Outcome) -> bool {
    if search.text.contains(',') || search.shown.is_empty() && Symbol::parse(&search.text).is_ok() {
        return add_codes(s, &search.text, group, out);
    }
    if let Some(c) = search.selected().cloned() {
        add_candidate(s, &c, group, out);
        return true;
    }
    if !search.has_query() {
        return true;
    }
    s.prompt_error = Some(if search.asking().is_empty() {
        format!("nothing found for \"{}\"", search.text.trim())
    } else {
        "still searching: pick a candidate when it shows".to_string()
    });
    false
}

fn add_candidate(s: &mut State, c: &Candidate, group: String, out: &mut Outcome) {
    let (name, aliases) = c.names();
    s.notice = Some(format!("adding {}…", c.symbol).into());
    out.effects.push(Effect::AddSymbols {
        group,
        symbols: vec![c.symbol.clone()],
        names: vec![(c.symbol.clone(), SymbolMeta { name, aliases, pair: None })],
    });
}

/// Codes typed as codes: every one parsed, or the prompt stays open, the text kept and what is
/// wrong said inside it. Codes are separated by commas only: "NV DA" is one bad code, not two.
fn add_codes(s: &mut State, text: &str, group: String, out: &mut Outcome) -> bool {
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
        return false;
    }
    if !symbols.is_empty() {
        s.notice = Some(
            format!("adding {}…", symbols.iter().map(|x| x.as_str()).collect::<Vec<_>>().join(", ")).into(),
        );
        out.effects.push(Effect::AddSymbols { group, symbols, names: Vec::new() });
    }
    true
}

/// A click or the wheel while the add prompt is open: a click picks the candidate under it, a
/// click on the picked one adds it (as Enter), a click outside the box closes the prompt; the wheel
/// moves the pick.
pub fn mouse(s: &mut State, m: crate::msg::Mouse, step: Option<KeyCode>, inside: bool, out: &mut Outcome) {
    if let Some(code) = step {
        return key(s, Key::plain(code), out);
    }
    if !inside {
        s.close();
        out.redraw = true;
        return;
    }
    let layout = s.layout();
    let Some(search) = s.search() else { return };
    let area = layout.search_box(search.shown.len().max(1));
    let rows = area.height.saturating_sub(3) as usize;
    let Some(at) = m.row.checked_sub(area.y + 1).map(usize::from).filter(|r| *r < rows) else { return };
    let i = search.skip(rows) + at;
    if i >= search.shown.len() {
        return;
    }
    if i == search.selected {
        return key(s, Key::plain(KeyCode::Enter), out);
    }
    if let Some(Overlay::Search(search)) = s.overlays.last_mut() {
        search.selected = i;
        search.in_list = true;
        out.redraw = true;
    }
}
