//! Writing watchlist changes back into the user's file with toml_edit: comments, order and
//! formatting outside the edited array stay byte for byte; the write is atomic.

use std::path::Path;

use toml_edit::{Array, ArrayOfTables, DocumentMut, Item, Table, Value};

use super::{DEFAULT_TOML, builtin};
use crate::market::Symbol;

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum EditError {
    #[error("the config file does not parse, fix it first: {0}")]
    Parse(String),
    #[error("no group named {0:?} in the config file")]
    NoGroup(String),
    #[error("{0} is not in group {1:?}")]
    NotThere(String, String),
    #[error("`groups` in the config file is not a list of [[groups]] tables")]
    Shape,
}

/// The user's groups: `[[groups]]` in the file, written out from the built-in ones first if the file
/// has none (it was using the built-in watchlist until now).
fn groups(doc: &mut DocumentMut) -> Result<&mut ArrayOfTables, EditError> {
    if doc.get("groups").is_none() {
        let mut aot = ArrayOfTables::new();
        for g in builtin().groups {
            let mut t = Table::new();
            t.insert("name", toml_edit::value(g.name.as_str()));
            let arr: Array = g.symbols.iter().map(|s| s.as_str()).collect();
            t.insert("symbols", toml_edit::value(arr));
            aot.push(t);
        }
        doc.insert("groups", Item::ArrayOfTables(aot));
    }
    doc.get_mut("groups").and_then(Item::as_array_of_tables_mut).ok_or(EditError::Shape)
}

fn group_symbols<'a>(doc: &'a mut DocumentMut, group: &str) -> Result<&'a mut Array, EditError> {
    let aot = groups(doc)?;
    let t = aot
        .iter_mut()
        .find(|t| t.get("name").and_then(Item::as_str).is_some_and(|n| n.trim().eq_ignore_ascii_case(group)))
        .ok_or_else(|| EditError::NoGroup(group.to_string()))?;
    if t.get("symbols").is_none() {
        t.insert("symbols", toml_edit::value(Array::new()));
    }
    t.get_mut("symbols").and_then(Item::as_array_mut).ok_or(EditError::Shape)
}

fn parse(text: &str) -> Result<DocumentMut, EditError> {
    text.parse::<DocumentMut>().map_err(|e| EditError::Parse(e.to_string()))
}

/// The text to start from when there is no file yet: the built-in default.
pub fn base_text(current: Option<&str>) -> String {
    current.map_or_else(|| DEFAULT_TOML.to_string(), str::to_string)
}

/// Add `symbols` (those not already there) to the end of `group`'s list.
pub fn add_symbols(text: &str, group: &str, symbols: &[Symbol]) -> Result<(String, Vec<Symbol>), EditError> {
    let mut doc = parse(text)?;
    let arr = group_symbols(&mut doc, group)?;
    let present: Vec<String> =
        arr.iter().filter_map(|v| v.as_str()).map(|s| s.trim().to_ascii_uppercase()).collect();
    // A list written one per line gets new entries one per line too.
    let multiline =
        arr.iter().any(|v| v.decor().prefix().and_then(|p| p.as_str()).is_some_and(|p| p.contains('\n')));
    let prefix =
        arr.iter().last().and_then(|v| v.decor().prefix().and_then(|p| p.as_str()).map(str::to_string));
    let mut added = Vec::new();
    for s in symbols {
        if present.contains(&s.to_string()) || added.contains(s) {
            continue;
        }
        let mut v = Value::from(s.as_str());
        if multiline && let Some(p) = &prefix {
            v.decor_mut().set_prefix(p.as_str());
        } else if !arr.is_empty() {
            v.decor_mut().set_prefix(" ");
        }
        arr.push_formatted(v);
        added.push(s.clone());
    }
    Ok((doc.to_string(), added))
}

/// Remove `symbol` from `group`'s list.
pub fn remove_symbol(text: &str, group: &str, symbol: &Symbol) -> Result<String, EditError> {
    let mut doc = parse(text)?;
    let arr = group_symbols(&mut doc, group)?;
    let idx = arr
        .iter()
        .position(|v| v.as_str().is_some_and(|s| s.trim().eq_ignore_ascii_case(symbol.as_str())))
        .ok_or_else(|| EditError::NotThere(symbol.to_string(), group.to_string()))?;
    // Removing the first entry would take its leading decor (newline, indent) with it: keep it.
    let first_prefix = (idx == 0)
        .then(|| arr.get(0).and_then(|v| v.decor().prefix().and_then(|p| p.as_str()).map(str::to_string)))
        .flatten();
    arr.remove(idx);
    if let (Some(p), Some(v)) = (first_prefix, arr.get_mut(0)) {
        v.decor_mut().set_prefix(p);
    }
    Ok(doc.to_string())
}

/// Write atomically; on failure the original file is untouched.
pub fn write(path: &Path, text: &str) -> std::io::Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    crate::fsutil::write_atomic(path, text.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{EXAMPLE_TOML, parse_str};

    fn sym(s: &str) -> Symbol {
        Symbol::parse(s).unwrap()
    }

    /// Lines of `after` that are not in `before`, and the reverse.
    fn diff(before: &str, after: &str) -> (Vec<String>, Vec<String>) {
        let b: Vec<&str> = before.lines().collect();
        let a: Vec<&str> = after.lines().collect();
        let added = a.iter().filter(|l| !b.contains(l)).map(|l| l.to_string()).collect();
        let removed = b.iter().filter(|l| !a.contains(l)).map(|l| l.to_string()).collect();
        (added, removed)
    }

    #[test]
    fn add_keeps_everything_else_byte_for_byte() {
        let group = &parse_str(EXAMPLE_TOML, "x").unwrap().groups[0].name;
        let (out, added) = add_symbols(EXAMPLE_TOML, group, &[sym("aapl"), sym("0981.HK")]).unwrap();
        assert_eq!(added, vec![sym("AAPL")], "already listed symbols are not added twice");
        let cfg = parse_str(&out, "x").unwrap();
        assert_eq!(cfg.groups[0].symbols.last().unwrap().as_str(), "AAPL");
        // Everything before the edited array and after it is the same text.
        let start = EXAMPLE_TOML.find(&format!("name = {group:?}")).unwrap();
        assert_eq!(&out[..start], &EXAMPLE_TOML[..start]);
        let tail = &EXAMPLE_TOML[EXAMPLE_TOML[start..].find(']').unwrap() + start + 1..];
        assert!(out.ends_with(tail), "the rest of the file is untouched");
        let (plus, minus) = diff(EXAMPLE_TOML, &out);
        assert!(minus.len() <= 1, "{minus:?}");
        assert!(plus.iter().all(|l| l.contains("AAPL")), "{plus:?}");
    }

    #[test]
    fn remove_keeps_everything_else() {
        let cfg = parse_str(EXAMPLE_TOML, "x").unwrap();
        let g = &cfg.groups[0];
        for victim in [g.symbols.first().unwrap(), g.symbols.last().unwrap()] {
            let out = remove_symbol(EXAMPLE_TOML, &g.name, victim).unwrap();
            let after = parse_str(&out, "x").unwrap();
            assert!(!after.groups[0].symbols.contains(victim));
            assert_eq!(after.groups[0].symbols.len(), g.symbols.len() - 1);
            let comments = |t: &str| {
                t.lines().filter(|l| l.trim_start().starts_with('#')).map(str::to_string).collect::<Vec<_>>()
            };
            assert_eq!(comments(&out), comments(EXAMPLE_TOML), "every comment stays");
            let (_, minus) = diff(EXAMPLE_TOML, &out);
            assert!(minus.iter().all(|l| l.contains(victim.as_str()) || l.contains("symbols")), "{minus:?}");
        }
        assert!(matches!(remove_symbol(EXAMPLE_TOML, &g.name, &sym("ZZZZ")), Err(EditError::NotThere(..))));
        assert!(matches!(remove_symbol(EXAMPLE_TOML, "Nope", &sym("NVDA")), Err(EditError::NoGroup(_))));
    }

    #[test]
    fn a_file_without_groups_gets_the_builtin_ones_written_first() {
        let text = "# mine\nrefresh_secs = 30\n";
        let (out, _) = add_symbols(text, "Cloud", &[sym("AAPL")]).unwrap();
        assert!(out.starts_with("# mine\nrefresh_secs = 30\n"));
        let cfg = parse_str(&out, "x").unwrap();
        assert_eq!(cfg.groups.len(), builtin().groups.len());
        assert!(cfg.group("Cloud").unwrap().symbols.contains(&sym("AAPL")));
        assert_eq!(cfg.refresh_secs, 30);
    }

    #[test]
    fn no_file_starts_from_the_builtin_default() {
        let (out, _) = add_symbols(&base_text(None), "US AI chips", &[sym("QCOM")]).unwrap();
        let cfg = parse_str(&out, "x").unwrap();
        assert!(cfg.group("US AI chips").unwrap().symbols.contains(&sym("QCOM")));
        assert!(out.contains("# chiptape built-in watchlist"), "the default's comments come along");
    }

    #[test]
    fn inline_and_empty_arrays() {
        let text = "[[groups]]\nname = \"A\"\nsymbols = [\"X\"] # trailing comment\n\n[[groups]]\nname = \"B\"\nsymbols = []\n";
        let (out, _) = add_symbols(text, "a", &[sym("Y")]).unwrap();
        assert!(out.contains("symbols = [\"X\", \"Y\"] # trailing comment"), "{out}");
        let (out, _) = add_symbols(&out, "B", &[sym("Z")]).unwrap();
        assert!(out.contains("symbols = [\"Z\"]"), "{out}");
        let out = remove_symbol(&out, "A", &sym("X")).unwrap();
        assert!(out.contains("symbols = [\"Y\"] # trailing comment"), "{out}");
    }

    #[test]
    fn broken_file_is_not_edited() {
        assert!(matches!(add_symbols("groups = [", "A", &[sym("X")]), Err(EditError::Parse(_))));
    }

    #[test]
    fn failed_write_leaves_the_original() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        std::fs::write(&path, "refresh_secs = 30\n").unwrap();
        // A directory where the temporary file would go: the write fails, even for root.
        std::fs::create_dir(dir.path().join(format!(".config.toml.tmp{}", std::process::id()))).unwrap();
        assert!(write(&path, "refresh_secs = 60\n").is_err());
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "refresh_secs = 30\n");
    }
}
