//! Symbols as the watchlist writes them: parsed, upper-cased, checked.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A Yahoo-style ticker: upper-case letters, digits and `. - = ^`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, Default)]
#[serde(transparent)]
pub struct Symbol(#[serde(deserialize_with = "checked")] String);

/// Read back only what `Symbol::parse` accepts (a cache file is outside input too).
fn checked<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    let raw = String::deserialize(d)?;
    Symbol::parse(&raw).map(|s| s.0).map_err(serde::de::Error::custom)
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SymbolError {
    #[error("a symbol cannot be empty")]
    Empty,
    #[error("symbol {0:?} is too long (at most 24 characters)")]
    TooLong(String),
    #[error("symbol {0:?} may only hold letters, digits and . - = ^")]
    BadChar(String),
}

impl Symbol {
    pub fn parse(raw: &str) -> Result<Symbol, SymbolError> {
        let s = raw.trim();
        if s.is_empty() {
            return Err(SymbolError::Empty);
        }
        if s.chars().count() > 24 {
            return Err(SymbolError::TooLong(s.to_string()));
        }
        let ok = s.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '=' | '^'))
            && s.chars().any(|c| c.is_ascii_alphanumeric());
        if !ok {
            return Err(SymbolError::BadChar(s.to_string()));
        }
        Ok(Symbol(s.to_ascii_uppercase()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The part after the last dot (`HK` for `0981.HK`), if any.
    pub fn suffix(&self) -> Option<&str> {
        self.0.rsplit_once('.').map(|(_, s)| s)
    }
}

impl fmt::Display for Symbol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl AsRef<str> for Symbol {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn upper_cases_and_trims() {
        assert_eq!(Symbol::parse(" 0981.hk ").unwrap().as_str(), "0981.HK");
        assert_eq!(Symbol::parse("eurusd=x").unwrap().as_str(), "EURUSD=X");
        assert_eq!(Symbol::parse("^hsi").unwrap().as_str(), "^HSI");
    }

    #[test]
    fn rejects_bad_forms() {
        assert_eq!(Symbol::parse("  "), Err(SymbolError::Empty));
        assert!(matches!(Symbol::parse("NV DA"), Err(SymbolError::BadChar(_))));
        assert!(matches!(Symbol::parse("中芯"), Err(SymbolError::BadChar(_))));
        assert!(matches!(Symbol::parse("..."), Err(SymbolError::BadChar(_))));
        assert!(matches!(Symbol::parse(&"A".repeat(25)), Err(SymbolError::TooLong(_))));
    }

    #[test]
    fn suffix() {
        assert_eq!(Symbol::parse("0981.HK").unwrap().suffix(), Some("HK"));
        assert_eq!(Symbol::parse("NVDA").unwrap().suffix(), None);
    }
}
