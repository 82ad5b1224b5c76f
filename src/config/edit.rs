//! Writing watchlist changes back into the user's file with toml_edit: comments, order and
//! formatting outside the edited array stay byte for byte; the write is atomic.

use std::path::Path;

use toml_edit::{Array, ArrayOfTables, DocumentMut, Item, Table, Value};

use super::{EXAMPLE_TOML, SymbolMeta, builtin};
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

/// The text to start from when there is no file yet: the commented example, whose groups are the
/// built-in ones on screen, so the first edit also leaves the user a file that documents every key.
pub fn base_text(current: Option<&str>) -> String {
    current.map_or_else(|| EXAMPLE_TOML.to_string(), str::to_string)
}

/// Add `symbols` (those not already there) to the end of `group`'s list.
pub fn add_symbols(text: &str, group: &str, symbols: &[Symbol]) -> Result<(String, Vec<Symbol>), EditError> {
    let mut doc = parse(text)?;
    let arr = group_symbols(&mut doc, group)?;
    let present: Vec<String> =
        arr.iter().filter_map(|v| v.as_str()).map(|s| s.trim().to_ascii_uppercase()).collect();
    let prefix_of = |v: &Value| v.decor().prefix().and_then(|p| p.as_str()).map(str::to_string);
    // A list written one per line gets new entries one per line too, at the same indent, without
    // copying the comment lines that may sit above the last entry.
    let multiline = arr.iter().any(|v| prefix_of(v).is_some_and(|p| p.contains('\n')));
    let indent =
        arr.iter().last().and_then(prefix_of).and_then(|p| p.rsplit_once('\n').map(|(_, i)| i.to_string()));
    // A comment after the last entry's comma belongs to that entry: it stays on its line.
    let trailing = arr.trailing().as_str().unwrap_or("").to_string();
    let (same_line_comment, rest_of_trailing) = match trailing.split_once('\n') {
        Some((first, rest)) if first.trim_start().starts_with('#') => {
            (Some(first.to_string()), format!("\n{rest}"))
        }
        _ => (None, trailing.clone()),
    };
    let mut added = Vec::new();
    for s in symbols {
        if present.contains(&s.to_string()) || added.contains(s) {
            continue;
        }
        let mut v = Value::from(s.as_str());
        if multiline {
            let comment =
                if added.is_empty() { same_line_comment.clone().unwrap_or_default() } else { String::new() };
            v.decor_mut().set_prefix(format!("{comment}\n{}", indent.clone().unwrap_or_default()));
        } else if !arr.is_empty() {
            v.decor_mut().set_prefix(" ");
        }
        arr.push_formatted(v);
        added.push(s.clone());
    }
    if multiline && !added.is_empty() && same_line_comment.is_some() {
        arr.set_trailing(rest_of_trailing);
    }
    Ok((doc.to_string(), added))
}

/// A `[symbols."X"]` table with the name and aliases a search found, for each symbol the file has
/// none for (one the user wrote is never touched). Appended at the end of the file.
pub fn add_names(text: &str, names: &[(Symbol, SymbolMeta)]) -> Result<String, EditError> {
    let mut doc = parse(text)?;
    if doc.get("symbols").is_none() {
        let mut t = Table::new();
        t.set_implicit(true);
        doc.insert("symbols", Item::Table(t));
    }
    // `symbols = …` as something else than a table is the user's to fix; the names just wait.
    let Some(table) = doc.get_mut("symbols").and_then(Item::as_table_mut) else {
        return Ok(text.to_string());
    };
    for (sym, meta) in names {
        if table.contains_key(sym.as_str()) || meta.name.is_none() && meta.aliases.is_empty() {
            continue;
        }
        let mut t = Table::new();
        if let Some(n) = &meta.name {
            t.insert("name", toml_edit::value(n.as_str()));
        }
        if !meta.aliases.is_empty() {
            let arr: Array = meta.aliases.iter().map(String::as_str).collect();
            t.insert("aliases", toml_edit::value(arr));
        }
        table.insert(sym.as_str(), Item::Table(t));
    }
    Ok(doc.to_string())
}

/// Remove `symbol` from `group`'s list. Comment lines above it move to the entry that follows.
pub fn remove_symbol(text: &str, group: &str, symbol: &Symbol) -> Result<String, EditError> {
    let mut doc = parse(text)?;
    let arr = group_symbols(&mut doc, group)?;
    let idx = arr
        .iter()
        .position(|v| v.as_str().is_some_and(|s| s.trim().eq_ignore_ascii_case(symbol.as_str())))
        .ok_or_else(|| EditError::NotThere(symbol.to_string(), group.to_string()))?;
    let removed_prefix =
        arr.get(idx).and_then(|v| v.decor().prefix().and_then(|p| p.as_str()).map(str::to_string));
    let was_last = idx + 1 == arr.len();
    arr.remove(idx);
    if was_last
        && arr
            .trailing()
            .as_str()
            .is_some_and(|t| t.contains('#') || removed_prefix.as_deref().is_some_and(|p| p.contains('#')))
    {
        // The comment on the removed entry's line goes with it; comment lines above it stay, at the end.
        let trailing = arr.trailing().as_str().unwrap_or("").to_string();
        let rest = match trailing.split_once('\n') {
            Some((first, rest)) if first.trim_start().starts_with('#') => format!("\n{rest}"),
            _ => trailing,
        };
        let above = removed_prefix
            .as_deref()
            .filter(|p| p.contains('#'))
            .map(|p| p.rsplit_once('\n').map_or(p, |(c, _)| c).to_string())
            .unwrap_or_default();
        arr.set_trailing(format!("{above}{rest}"));
    }
    if let (Some(p), Some(next)) = (removed_prefix, arr.get_mut(idx)) {
        let next_prefix = next.decor().prefix().and_then(|p| p.as_str()).unwrap_or("").to_string();
        let new_prefix = if p.contains('#') {
            let comments = p.rsplit_once('\n').map_or(p.as_str(), |(c, _)| c).to_string();
            format!("{comments}{next_prefix}")
        } else if idx == 0 && !next_prefix.contains('\n') {
            // `["A", "B"]` without A is `["B"]`, not `[ "B"]`.
            p
        } else {
            next_prefix
        };
        next.decor_mut().set_prefix(new_prefix);
    }
    Ok(doc.to_string())
}

#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    /// The file is no longer what the edit was made on (saved meanwhile by someone else).
    #[error("the file changed meanwhile")]
    Changed,
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

/// Write atomically, only if the file still holds `was` (`None`: there was no file); on failure the
/// file is untouched.
pub fn write(path: &Path, text: &str, was: Option<&str>) -> Result<(), WriteError> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    let mut unchanged = |target: &Path| -> std::io::Result<bool> {
        match std::fs::read_to_string(target) {
            Ok(now) => Ok(was == Some(now.as_str())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(was.is_none()),
            Err(e) => Err(e),
        }
    };
    if crate::store::atomic::write_atomic_if(path, text.as_bytes(), &mut unchanged)? {
        Ok(())
    } else {
        Err(WriteError::Changed)
    }
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

    fn meta(name: &str, aliases: &[&str]) -> SymbolMeta {
        SymbolMeta {
            name: Some(name.into()),
            aliases: aliases.iter().map(|a| a.to_string()).collect(),
            pair: None,
        }
    }

    #[test]
    fn names_a_search_found_are_written_where_the_file_has_none() {
        let text = "# mine\n[[groups]]\nname = \"A\"\nsymbols = [\"NVDA\"] # core\n\n[symbols.\"NVDA\"]\nname = \"Mine\"\n";
        let names = [
            (sym("688256.SS"), meta("Cambricon Technologies", &["Cambricon Technologies", "寒武纪"])),
            (sym("NVDA"), meta("NVIDIA Corporation", &[])),
        ];
        let out = add_names(text, &names).unwrap();
        assert!(out.starts_with(text), "everything before stays byte for byte:\n{out}");
        let cfg = parse_str(&out, "x").unwrap();
        let m = &cfg.symbols[&sym("688256.SS")];
        assert_eq!(m.name.as_deref(), Some("Cambricon Technologies"));
        assert_eq!(m.aliases, ["Cambricon Technologies", "寒武纪"]);
        assert_eq!(cfg.symbols[&sym("NVDA")].name.as_deref(), Some("Mine"), "the user's own entry is kept");
        assert!(out.contains("[symbols.\"688256.SS\"]"), "{out}");
        // A file with no [symbols] at all, or one that is not a table, is no problem.
        let plain = "[[groups]]\nname = \"A\"\nsymbols = []\n";
        assert!(add_names(plain, &names).unwrap().contains("寒武纪"));
        let odd = "symbols = 3\n";
        assert_eq!(add_names(odd, &names).unwrap(), odd);
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
    fn no_file_starts_from_the_commented_example() {
        let (out, _) = add_symbols(&base_text(None), "US AI chips", &[sym("QCOM")]).unwrap();
        let cfg = parse_str(&out, "x").unwrap();
        assert!(cfg.group("US AI chips").unwrap().symbols.contains(&sym("QCOM")));
        assert!(out.starts_with("# chiptape configuration\n"), "the example's comments come along");
        let (plus, minus) = diff(EXAMPLE_TOML, &out);
        assert!(plus.iter().all(|l| l.contains("QCOM")) && minus.len() <= 1, "{plus:?} {minus:?}");
        let out = remove_symbol(&base_text(None), "Cloud", &sym("ORCL")).unwrap();
        assert!(!parse_str(&out, "x").unwrap().group("Cloud").unwrap().symbols.contains(&sym("ORCL")));
        assert!(out.contains("# Key bindings"), "{out}");
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
    fn comments_inside_multiline_lists_stay_where_they_belong() {
        let text = "[[groups]]\nname = \"US\"\nsymbols = [\n    \"NVDA\",\n    # fabs\n    \"INTC\", # the old guard\n]\n";
        let (out, _) = add_symbols(text, "US", &[sym("MU")]).unwrap();
        assert_eq!(out.matches("# fabs").count(), 1, "{out}");
        assert!(
            out.contains("\"INTC\", # the old guard\n    \"MU\""),
            "the comment stays on INTC's line: {out}"
        );
        parse_str(&out, "x").unwrap();
        let out = remove_symbol(text, "US", &sym("INTC")).unwrap();
        assert!(
            out.contains("    \"NVDA\",\n    # fabs\n]"),
            "a section comment outlives its last entry: {out}"
        );
        let out = remove_symbol(text, "US", &sym("NVDA")).unwrap();
        assert!(out.contains("[\n    # fabs\n    \"INTC\", # the old guard\n]"), "{out}");
        parse_str(&out, "x").unwrap();
        let text = "[[groups]]\nname = \"US\"\nsymbols = [\n    \"NVDA\",\n    # fabs\n    \"INTC\",\n    \"MU\",\n]\n";
        let out = remove_symbol(text, "US", &sym("INTC")).unwrap();
        assert!(out.contains("    # fabs\n    \"MU\""), "{out}");
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
        // A directory where the new file would go: the rename fails, even for root.
        let blocked = dir.path().join("sub");
        std::fs::create_dir_all(blocked.join("config.toml")).unwrap();
        assert!(write(&blocked.join("config.toml"), "refresh_secs = 60\n", None).is_err());
        assert!(blocked.join("config.toml").is_dir());
        assert_eq!(std::fs::read_dir(&blocked).unwrap().count(), 1, "no temporary file left behind");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "refresh_secs = 30\n");
    }
}
