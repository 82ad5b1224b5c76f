//! The architecture, checked: each top-level module imports only the layers below it (so no two
//! import each other), and only the view touches ratatui. See ARCHITECTURE.md, "A layout that shows it".

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// What each top-level module may import. Read top to bottom: `cli` → `app` → `state`/`ui` →
/// `config` → `market`; `refresh` → `providers` → `market`; `msg` is what flows between them;
/// `present` and `store` serve the layers above. No two modules may import each other.
const MAY_IMPORT: &[(&str, &[&str])] = &[
    (
        "cli",
        &[
            "app",
            "term",
            "ui",
            "refresh",
            "state",
            "msg",
            "providers",
            "config",
            "present",
            "market",
            "store",
        ],
    ),
    ("app", &["term", "ui", "refresh", "state", "msg", "providers", "config", "present", "market", "store"]),
    ("term", &["msg", "market"]),
    ("ui", &["state", "msg", "config", "present", "market"]),
    ("refresh", &["msg", "providers", "config", "present", "market"]),
    ("state", &["msg", "config", "present", "market"]),
    ("msg", &["config", "market"]),
    ("providers", &["config", "present", "market", "store"]),
    ("config", &["present", "market", "store"]),
    ("present", &["market"]),
    ("store", &["market"]),
    ("market", &[]),
];

fn may_import(from: &str, to: &str) -> bool {
    let (_, allowed) =
        MAY_IMPORT.iter().find(|(m, _)| *m == from).unwrap_or_else(|| panic!("{from} is not a known layer"));
    allowed.contains(&to)
}

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// The top-level module a file belongs to (`None` for lib.rs and main.rs).
fn owner(src: &Path, file: &Path) -> Option<String> {
    let rel = file.strip_prefix(src).unwrap();
    let first = rel.components().next()?.as_os_str().to_string_lossy().into_owned();
    match first.strip_suffix(".rs") {
        Some("lib" | "main") => None,
        Some(single) => Some(single.to_string()),
        None => Some(first),
    }
}

/// Top-level modules named in `text` as `crate::x` or `crate::{x, y::z}`, outside comments. Unit
/// tests (from `#[cfg(test)]` on, and `tests.rs` files) may use fixtures from anywhere.
fn imports(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for line in text.lines().take_while(|l| l.trim() != "#[cfg(test)]") {
        let code = line.split("//").next().unwrap_or("");
        let mut rest = code;
        while let Some(i) = rest.find("crate::") {
            rest = &rest[i + "crate::".len()..];
            if let Some(group) = rest.strip_prefix('{') {
                let inner = group.split('}').next().unwrap_or("");
                for part in inner.split(',') {
                    let name: String =
                        part.trim().chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
                    if !name.is_empty() {
                        out.insert(name);
                    }
                }
            } else {
                let name: String = rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
                if !name.is_empty() {
                    out.insert(name);
                }
            }
        }
    }
    out
}

fn src() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src")
}

#[test]
fn every_import_goes_down_the_layers() {
    let src = src();
    let mut all = Vec::new();
    files(&src, &mut all);
    let mut edges: BTreeMap<(String, String), Vec<String>> = BTreeMap::new();
    for f in &all {
        let Some(from) = owner(&src, f) else { continue };
        if f.file_name().is_some_and(|n| n == "tests.rs") {
            continue;
        }
        for to in imports(&std::fs::read_to_string(f).unwrap()) {
            if to != from {
                edges
                    .entry((from.clone(), to))
                    .or_default()
                    .push(f.strip_prefix(&src).unwrap().display().to_string());
            }
        }
    }
    let wrong: Vec<String> = edges
        .iter()
        .filter(|((from, to), _)| !may_import(from, to))
        .map(|((from, to), files)| format!("{from} -> {to} ({})", files.join(", ")))
        .collect();
    assert!(wrong.is_empty(), "imports against the layers:\n{}", wrong.join("\n"));
    // The table itself has no cycle: each layer's imports are all listed after it.
    for (i, (from, allowed)) in MAY_IMPORT.iter().enumerate() {
        for to in *allowed {
            let j = MAY_IMPORT.iter().position(|(m, _)| m == to).unwrap();
            assert!(j > i, "{from} may import {to}, which is listed above it");
        }
    }
    assert!(edges.len() > 10, "the scan found the imports: {edges:?}");
}

#[test]
fn the_root_holds_only_the_entry_points_and_single_file_layers() {
    let mut names: Vec<String> = std::fs::read_dir(src())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["lib.rs", "main.rs", "msg.rs", "refresh.rs", "term.rs"]);
}

#[test]
fn only_the_view_touches_ratatui() {
    let src = src();
    for layer in ["state", "market", "providers", "config", "present", "store", "msg.rs", "refresh.rs"] {
        let mut all = Vec::new();
        let p = src.join(layer);
        if p.is_dir() {
            files(&p, &mut all);
        } else {
            all.push(p);
        }
        for f in all {
            let text = std::fs::read_to_string(&f).unwrap();
            assert!(!text.contains("ratatui"), "{} names ratatui", f.display());
        }
    }
}

/// Words that name a source. Above `providers/` nothing may: the state ranks quotes by what they
/// carry (source id, pushed or polled, delay), and the view draws what the state says.
const VENDORS: &[&str] =
    &["yahoo", "tencent", "gtimg", "sina", "edgar", "sec.gov", "hkex", "cninfo", "federalregister"];

/// A file's text before its unit tests (`tests.rs` files hold only tests).
fn before_tests(f: &Path) -> String {
    if f.file_name().is_some_and(|n| n == "tests.rs") {
        return String::new();
    }
    let text = std::fs::read_to_string(f).unwrap();
    text.lines().take_while(|l| l.trim() != "#[cfg(test)]").collect::<Vec<_>>().join("\n")
}

#[test]
fn the_state_and_the_view_name_no_source() {
    let src = src();
    let mut named = Vec::new();
    let mut scanned = 0;
    for layer in ["state", "ui"] {
        let mut all = Vec::new();
        files(&src.join(layer), &mut all);
        for f in all {
            let text = before_tests(&f).to_lowercase();
            scanned += text.len();
            for (n, line) in text.lines().enumerate() {
                if let Some(v) = VENDORS.iter().find(|v| line.contains(*v)) {
                    named.push(format!("{}:{}: {v}", f.strip_prefix(&src).unwrap().display(), n + 1));
                }
            }
        }
    }
    assert!(scanned > 10_000, "the scan read the files");
    assert!(named.is_empty(), "a source named above providers/:\n{}", named.join("\n"));
}

/// Where each `fn` in `text` starts and how many lines its body spans (a brace count that skips
/// strings, chars, and comments).
fn function_lengths(text: &str) -> Vec<(usize, usize)> {
    let b = text.as_bytes();
    let line_of = |i: usize| text[..i].bytes().filter(|c| *c == b'\n').count() + 1;
    let mut out = Vec::new();
    let mut at = 0;
    while let Some(k) = text[at..].find("fn ") {
        let start = at + k;
        at = start + 3;
        let word_start = start == 0 || !(b[start - 1].is_ascii_alphanumeric() || b[start - 1] == b'_');
        let (Some(open), semi) = (text[at..].find('{'), text[at..].find(';')) else { continue };
        if !word_start || semi.is_some_and(|s| s < open) {
            continue;
        }
        let mut depth = 0usize;
        let mut i = at + open;
        while i < b.len() {
            match b[i] {
                b'{' => depth += 1,
                b'}' => {
                    depth -= 1;
                    if depth == 0 {
                        break;
                    }
                }
                b'"' => {
                    i += 1;
                    while i < b.len() && b[i] != b'"' {
                        i += if b[i] == b'\\' { 2 } else { 1 };
                    }
                }
                b'\'' if b.get(i + 2) == Some(&b'\'') => i += 2,
                b'\'' if b.get(i + 1) == Some(&b'\\') => {
                    i += text[i + 3..].find('\'').map_or(0, |e| e + 3);
                }
                b'r' if !b[i - 1].is_ascii_alphanumeric()
                    && b[i - 1] != b'_'
                    && b[i + 1..].starts_with(b"#\"") =>
                {
                    i += text[i..].find("\"#").unwrap_or(0) + 1;
                }
                b'/' if b.get(i + 1) == Some(&b'/') => i += text[i..].find('\n').unwrap_or(0),
                _ => {}
            }
            i += 1;
        }
        out.push((line_of(start), line_of(i.min(b.len() - 1)) - line_of(start) + 1));
    }
    out
}

#[test]
fn no_function_is_longer_than_120_lines() {
    let src = src();
    let mut all = Vec::new();
    files(&src, &mut all);
    let mut long = Vec::new();
    let mut counted = 0;
    for f in &all {
        let text = std::fs::read_to_string(f).unwrap();
        for (line, len) in function_lengths(&text) {
            counted += 1;
            if len > 120 {
                long.push(format!("{}:{line}: {len} lines", f.strip_prefix(&src).unwrap().display()));
            }
        }
    }
    assert!(counted > 500, "the scan found the functions ({counted})");
    assert!(long.is_empty(), "functions over 120 lines:\n{}", long.join("\n"));
    // The scan itself: a function with braces in strings and chars is measured from `fn` to its end.
    let sample = "fn a() {\n    let s = \"}}\";\n    let c = '{';\n    let e = '\\'';\n}\nfn b();\nfn c() { r#\"}\"# }\n";
    assert_eq!(function_lengths(sample), [(1, 5), (7, 1)]);
}
