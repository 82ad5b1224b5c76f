//! Names learned from sources at run time (Tencent's Chinese names), shared with the headline tagger.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, PoisonError};

use crate::market::Symbol;

/// Each symbol's learned name, and a version that moves when one is added, so a tagger built from
/// them knows when it is out of date.
#[derive(Debug, Clone, Default)]
pub struct Learned(Arc<Mutex<(u64, BTreeMap<Symbol, String>)>>);

impl Learned {
    pub fn add(&self, sym: &Symbol, name: &str) {
        let mut g = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        if g.1.get(sym).map(String::as_str) != Some(name) {
            g.1.insert(sym.clone(), name.to_string());
            g.0 += 1;
        }
    }

    pub fn version(&self) -> u64 {
        self.0.lock().unwrap_or_else(PoisonError::into_inner).0
    }

    pub fn names(&self) -> BTreeMap<Symbol, String> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner).1.clone()
    }
}
