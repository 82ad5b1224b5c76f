//! Terminal input to messages: key events to the app's keys, and input that is ready without waiting.

use std::io;

use crossterm::event::{
    Event, KeyCode as CtKey, KeyEvent, KeyEventKind, KeyModifiers, MouseButton, MouseEvent, MouseEventKind,
};
use futures::{Stream, StreamExt};

use crate::config::{Key, KeyCode};
use crate::msg::{Mouse, MouseKind, Msg};

/// Terminal key event to the app's key; `None` for releases and keys the app has no name for.
pub fn key_from(ev: KeyEvent) -> Option<Key> {
    if ev.kind == KeyEventKind::Release {
        return None;
    }
    let code = match ev.code {
        CtKey::Char(c) => KeyCode::Char(c),
        CtKey::Enter => KeyCode::Enter,
        CtKey::Esc => KeyCode::Esc,
        CtKey::Tab if ev.modifiers.contains(KeyModifiers::SHIFT) => KeyCode::BackTab,
        CtKey::Tab => KeyCode::Tab,
        CtKey::BackTab => KeyCode::BackTab,
        CtKey::Backspace => KeyCode::Backspace,
        CtKey::Up => KeyCode::Up,
        CtKey::Down => KeyCode::Down,
        CtKey::Left => KeyCode::Left,
        CtKey::Right => KeyCode::Right,
        CtKey::Home => KeyCode::Home,
        CtKey::End => KeyCode::End,
        CtKey::PageUp => KeyCode::PageUp,
        CtKey::PageDown => KeyCode::PageDown,
        CtKey::Delete => KeyCode::Delete,
        CtKey::Insert => KeyCode::Insert,
        CtKey::F(n) => KeyCode::F(n),
        _ => return None,
    };
    let ctrl = ev.modifiers.contains(KeyModifiers::CONTROL);
    let code = match code {
        KeyCode::Char(c) if ctrl => KeyCode::Char(c.to_ascii_lowercase()),
        other => other,
    };
    Some(Key { code, ctrl, alt: ev.modifiers.contains(KeyModifiers::ALT) })
}

/// Presses of the left button and turns of the wheel; the rest (releases, drags, the other
/// buttons) the app has no use for.
fn mouse_msg(m: MouseEvent) -> Option<Msg> {
    let kind = match m.kind {
        MouseEventKind::Down(MouseButton::Left) => MouseKind::Click,
        MouseEventKind::ScrollUp => MouseKind::WheelUp,
        MouseEventKind::ScrollDown => MouseKind::WheelDown,
        _ => return None,
    };
    Some(Msg::Mouse(Mouse { kind, col: m.column, row: m.row }))
}

pub fn event_msg(ev: Event) -> Option<Msg> {
    match ev {
        Event::Key(k) => key_from(k).map(Msg::Key),
        Event::Resize(w, h) => Some(Msg::Resize(w, h)),
        Event::Mouse(m) => mouse_msg(m),
        _ => None,
    }
}

/// The next message from the terminal, waiting for it; `Shutdown` when input fails or ends (and
/// `open` turns false), `None` for events the app has no use for.
pub async fn next<E>(events: &mut E, open: &mut bool) -> Option<Msg>
where
    E: Stream<Item = io::Result<Event>> + Unpin,
{
    match events.next().await {
        Some(Ok(e)) => event_msg(e),
        Some(Err(e)) => {
            tracing::error!(error = %e, "terminal input failed");
            Some(Msg::Shutdown)
        }
        None => {
            *open = false;
            Some(Msg::Shutdown)
        }
    }
}

/// Input that is ready now, without waiting. `poll!` registers this task's own waker: crossterm's
/// stream keeps the first waker it is given, so polling it with a throwaway one would stall input.
pub async fn ready<E>(events: &mut E, open: &mut bool) -> Option<Msg>
where
    E: Stream<Item = io::Result<Event>> + Unpin,
{
    while *open {
        match futures::poll!(events.next()) {
            std::task::Poll::Pending => return None,
            std::task::Poll::Ready(Some(Ok(e))) => {
                if let Some(m) = event_msg(e) {
                    return Some(m);
                }
            }
            std::task::Poll::Ready(Some(Err(_)) | None) => {
                *open = false;
                return Some(Msg::Shutdown);
            }
        }
    }
    None
}
