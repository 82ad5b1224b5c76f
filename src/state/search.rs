//! The add prompt's search: the local catalogue at once, each remote source's answer as it comes,
//! merged into one list the user picks from.

use super::State;
use crate::config::SearchSource;
use crate::market::Symbol;
use crate::market::search::{Candidate, clean_query, merge};
use crate::msg::SearchEvent;

/// What a remote source made of the current text.
#[derive(Debug, Clone, PartialEq)]
pub enum Answer {
    Asking,
    Found(Vec<Candidate>),
    Failed(String),
}

/// The open add prompt: its text, the candidates for it and which one is selected.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Search {
    pub text: String,
    /// Numbers the text: answers to an older one are dropped.
    pub seq: u64,
    local: Vec<Candidate>,
    /// Each remote source (by config name) that took up this text.
    answers: Vec<(&'static str, Answer)>,
    /// Every list merged, best first: what the prompt shows.
    pub shown: Vec<Candidate>,
    pub selected: usize,
    /// The selection was moved with an arrow: `j` and `k` move it too, until a letter is typed.
    pub in_list: bool,
    /// Added with Tab while the prompt stayed open.
    pub added: Vec<Symbol>,
}

impl Search {
    pub fn selected(&self) -> Option<&Candidate> {
        self.shown.get(self.selected)
    }

    /// The sources still asking, and those that failed with why, in config order.
    pub fn asking(&self) -> Vec<&'static str> {
        self.answers.iter().filter(|(_, a)| *a == Answer::Asking).map(|(n, _)| *n).collect()
    }

    pub fn failed(&self) -> Vec<(&'static str, &str)> {
        (self.answers.iter())
            .filter_map(|(n, a)| match a {
                Answer::Failed(e) => Some((*n, e.as_str())),
                _ => None,
            })
            .collect()
    }

    /// The text has a query worth asking about.
    pub fn has_query(&self) -> bool {
        !clean_query(&self.text).is_empty()
    }

    /// Candidates above the view when the box shows `rows` of them: the selected one stays in view.
    pub fn skip(&self, rows: usize) -> usize {
        self.selected.saturating_sub(rows.saturating_sub(1))
    }

    pub fn move_by(&mut self, by: isize) {
        if self.shown.is_empty() {
            return;
        }
        let last = self.shown.len() as isize - 1;
        self.selected = (self.selected as isize + by).clamp(0, last) as usize;
    }

    /// Merge every list again in `order`, the selection kept on the same symbol where it still is.
    fn remerge(&mut self, order: &[SearchSource]) {
        let keep = self.selected().map(|c| c.symbol.clone());
        let lists = order.iter().filter_map(|s| match s {
            SearchSource::Local => Some(&self.local[..]),
            remote => self.answers.iter().find(|(n, _)| *n == remote.name()).and_then(|(_, a)| match a {
                Answer::Found(list) => Some(&list[..]),
                _ => None,
            }),
        });
        self.shown = merge(lists, &self.text);
        self.selected = keep.and_then(|k| self.shown.iter().position(|c| c.symbol == k)).unwrap_or(0);
    }
}

impl State {
    /// The add prompt's search, when it is open.
    pub fn search(&self) -> Option<&Search> {
        self.overlays.iter().rev().find_map(|o| match o {
            super::Overlay::Search(s) => Some(&**s),
            _ => None,
        })
    }

    fn search_mut(&mut self) -> Option<&mut Search> {
        self.overlays.iter_mut().rev().find_map(|o| match o {
            super::Overlay::Search(s) => Some(&mut **s),
            _ => None,
        })
    }

    /// New text in the prompt: a new number, the local catalogue searched now, the remote answers
    /// of the old text gone. Returns the number the search tasks are to answer.
    pub(super) fn search_text(&mut self, search: &mut Search, text: String) -> u64 {
        self.search_seq += 1;
        search.seq = self.search_seq;
        search.text = text;
        search.in_list = false;
        // A source still busy with older text is still named as searching: it takes up this text
        // when it is done (codes typed as a list are not looked up at all).
        if search.text.contains(',') || !search.has_query() {
            search.answers.clear();
        } else {
            search.answers.retain(|(_, a)| *a == Answer::Asking);
        }
        search.local = if self.config.provider.search.contains(&SearchSource::Local) {
            self.config.search_local(&search.text)
        } else {
            Vec::new()
        };
        search.selected = 0;
        search.remerge(&self.config.provider.search);
        search.seq
    }

    /// A search task's news: kept when it is about the text now in the prompt.
    pub(super) fn search_event(&mut self, ev: SearchEvent) -> bool {
        let order = self.config.provider.search.clone();
        let Some(search) = self.search_mut() else { return false };
        let (seq, source, answer) = match ev {
            SearchEvent::Asking { seq, source } => (seq, source, Answer::Asking),
            SearchEvent::Answer { seq, source, result: Ok(found) } => (seq, source, Answer::Found(found)),
            SearchEvent::Answer { seq, source, result: Err(e) } => (seq, source, Answer::Failed(e)),
        };
        if seq != search.seq {
            return false;
        }
        match search.answers.iter_mut().find(|(n, _)| *n == source) {
            Some((_, a)) => *a = answer,
            None => search.answers.push((source, answer)),
        }
        search.answers.sort_by_key(|(n, _)| order.iter().position(|s| s.name() == *n));
        search.remerge(&order);
        true
    }
}
