//! What the trading calendar means for the screen: the word each clock shows, and a note when an
//! exchange in view has run past the end of its holiday table.

use chrono::Datelike;

use super::State;
use crate::market::calendar::Coverage;
use crate::market::exchange::{Exchange, SessionState};
use crate::msg::{Effect, Outcome};
use crate::present::time;

impl State {
    /// `ex`'s state now and the word its clock shows: the holiday's name on a day the calendar
    /// closes, and when a short day's session ends while it is open.
    pub fn session(&self, ex: &Exchange) -> (SessionState, String) {
        let cal = &self.config.calendar;
        let st = ex.state_at(self.now, cal);
        let label = match (st, ex.special_at(self.now, cal)) {
            (SessionState::Closed, Some(day)) if day.is_closed() => day.name,
            (SessionState::Open, Some(day)) => match day.close {
                Some(c) => format!("open to {}", time::hhmm(c)),
                None => st.label().to_string(),
            },
            _ => st.label().to_string(),
        };
        (st, label)
    }
}

/// Exchanges in view whose holiday table does not reach their current year: from here on they
/// follow weekends only. Each is said once per run, in the status bar and in the log.
pub(super) fn note_gaps(s: &mut State, out: &mut Outcome) {
    let cal = &s.config.calendar;
    let gaps: Vec<(&'static str, i32)> = s
        .exchanges_in_view()
        .iter()
        .map(|&ex| (ex.label, s.now.with_timezone(&ex.tz).year()))
        .filter(|&(label, year)| {
            cal.coverage(label, year) != Coverage::Known
                && !cal.has_config_days(label, year)
                && !s.calendar_noted.contains(&(label, year))
        })
        .collect();
    if gaps.is_empty() {
        return;
    }
    // Exchanges whose tables end the same year are named together: "for SH, SZ end 2026".
    let mut by_end: Vec<(Option<i32>, Vec<&str>)> = Vec::new();
    for &(label, _) in &gaps {
        let end = cal.last_year(label);
        match by_end.iter_mut().find(|(e, _)| *e == end) {
            Some((_, labels)) => labels.push(label),
            None => by_end.push((end, vec![label])),
        }
    }
    let notes: Vec<String> = by_end
        .iter()
        .map(|(end, labels)| {
            let (s, verb) = if labels.len() == 1 { ("", "ends") } else { ("s", "end") };
            match end {
                Some(last) => format!("holiday calendar{s} for {} {verb} {last}", labels.join(", ")),
                None => format!("no holiday calendar for {}", labels.join(", ")),
            }
        })
        .collect();
    s.calendar_noted.extend(gaps);
    let note = format!("{}: weekends only from here", notes.join(", "));
    out.effects.push(Effect::Log(note.clone()));
    s.notice = Some(note.into());
    out.redraw = true;
}
