//! Turns a byte span or a key path into "line:col" and a dotted key name, using toml_edit's spans.

use std::fmt;
use std::ops::Range;

use toml_edit::{Document, Item, Value};

/// One step of a key path: `groups`, `[1]`, `symbols`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Seg {
    Key(String),
    Index(usize),
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct KeyPath(pub Vec<Seg>);

impl KeyPath {
    pub fn root() -> KeyPath {
        KeyPath(Vec::new())
    }
    pub fn key(&self, k: &str) -> KeyPath {
        let mut v = self.0.clone();
        v.push(Seg::Key(k.to_string()));
        KeyPath(v)
    }
    pub fn index(&self, i: usize) -> KeyPath {
        let mut v = self.0.clone();
        v.push(Seg::Index(i));
        KeyPath(v)
    }
}

fn bare(k: &str) -> bool {
    !k.is_empty() && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

impl fmt::Display for KeyPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, seg) in self.0.iter().enumerate() {
            match seg {
                Seg::Key(k) => {
                    if i > 0 {
                        f.write_str(".")?;
                    }
                    if bare(k) { f.write_str(k)? } else { write!(f, "{k:?}")? }
                }
                Seg::Index(n) => write!(f, "[{n}]")?,
            }
        }
        Ok(())
    }
}

/// 1-based line and column (in characters) of a byte offset.
pub fn line_col(src: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(src.len());
    let mut off = offset;
    while !src.is_char_boundary(off) {
        off -= 1;
    }
    let before = &src[..off];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |p| p + 1);
    let col = src[line_start..off].chars().count() + 1;
    (line, col)
}

/// Where the key path's value (or, failing that, its deepest existing parent) is written.
pub fn span_of(doc: &Document<&str>, path: &KeyPath) -> Option<Range<usize>> {
    let mut best = None;
    let mut cur: Option<Node<'_>> = Some(Node::Item(doc.as_item()));
    for seg in &path.0 {
        let Some(node) = cur else { break };
        let (key_span, next) = node.child(seg);
        if key_span.is_some() {
            best = key_span.clone();
        }
        if let Some(n) = &next
            && let Some(s) = n.span()
        {
            best = Some(s);
        }
        cur = next;
    }
    best
}

/// The deepest key whose key or value text contains `offset`.
pub fn path_at(doc: &Document<&str>, offset: usize) -> Option<KeyPath> {
    let mut found = None;
    walk(Node::Item(doc.as_item()), &KeyPath::root(), offset, &mut found);
    found
}

#[derive(Clone, Copy)]
enum Node<'a> {
    Item(&'a Item),
    Value(&'a Value),
    /// A table inside an array of tables has no `Item` of its own.
    Table(&'a toml_edit::Table),
}

impl<'a> Node<'a> {
    fn span(&self) -> Option<Range<usize>> {
        match self {
            Node::Item(i) => i.span(),
            Node::Value(v) => v.span(),
            Node::Table(t) => t.span(),
        }
    }

    fn children(&self) -> Vec<(Seg, Option<Range<usize>>, Node<'a>)> {
        let mut out = Vec::new();
        let table = |t: &'a toml_edit::Table, out: &mut Vec<_>| {
            for (k, v) in t.iter() {
                let ks = t.key(k).and_then(|k| k.span());
                out.push((Seg::Key(k.to_string()), ks, Node::Item(v)));
            }
        };
        match *self {
            Node::Item(Item::Table(t)) | Node::Table(t) => table(t, &mut out),
            Node::Item(Item::ArrayOfTables(a)) => {
                for (i, t) in a.iter().enumerate() {
                    out.push((Seg::Index(i), None, Node::Table(t)));
                }
            }
            Node::Item(Item::Value(v)) | Node::Value(v) => match v {
                Value::Array(a) => {
                    for (i, v) in a.iter().enumerate() {
                        out.push((Seg::Index(i), None, Node::Value(v)));
                    }
                }
                Value::InlineTable(t) => {
                    for (k, v) in t.iter() {
                        let ks = t.key(k).and_then(|k| k.span());
                        out.push((Seg::Key(k.to_string()), ks, Node::Value(v)));
                    }
                }
                _ => {}
            },
            Node::Item(Item::None) => {}
        }
        out
    }

    fn child(&self, seg: &Seg) -> (Option<Range<usize>>, Option<Node<'a>>) {
        self.children()
            .into_iter()
            .find(|(s, _, _)| s == seg)
            .map_or((None, None), |(_, ks, n)| (ks, Some(n)))
    }
}

fn contains(r: &Option<Range<usize>>, offset: usize) -> bool {
    r.as_ref().is_some_and(|r| r.start <= offset && offset < r.end.max(r.start + 1))
}

fn walk(node: Node<'_>, path: &KeyPath, offset: usize, found: &mut Option<KeyPath>) {
    for (seg, key_span, child) in node.children() {
        let p = KeyPath({
            let mut v = path.0.clone();
            v.push(seg);
            v
        });
        let in_key = contains(&key_span, offset);
        let in_value = contains(&child.span(), offset);
        if in_key || in_value {
            *found = Some(p.clone());
        }
        // Tables' spans cover only their header, so descend regardless and let deeper hits win.
        walk(child, &p, offset, found);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SRC: &str = "refresh_secs = 1\n[[groups]]\nname = \"A\"\nsymbols = [\"X\", 3]\n\n[keys]\n\"ctrl-r\" = \"refreshh\"\n";

    #[test]
    fn line_and_column() {
        assert_eq!(line_col("ab\ncd", 0), (1, 1));
        assert_eq!(line_col("ab\ncd", 4), (2, 2));
        assert_eq!(line_col("中文\nx", 3), (1, 2));
    }

    #[test]
    fn spans_of_paths() {
        let doc = Document::parse(SRC).unwrap();
        let at = |p: KeyPath| line_col(SRC, span_of(&doc, &p).unwrap().start);
        assert_eq!(at(KeyPath::root().key("refresh_secs")), (1, 16));
        assert_eq!(at(KeyPath::root().key("groups").index(0).key("symbols").index(1)), (4, 17));
        assert_eq!(at(KeyPath::root().key("keys").key("ctrl-r")), (7, 12));
    }

    #[test]
    fn path_at_offset() {
        let doc = Document::parse(SRC).unwrap();
        let off = SRC.find("3]").unwrap();
        assert_eq!(path_at(&doc, off).unwrap().to_string(), "groups[0].symbols[1]");
        let off = SRC.find("\"ctrl-r\"").unwrap();
        assert_eq!(path_at(&doc, off).unwrap().to_string(), "keys.ctrl-r");
        let p = KeyPath::root().key("symbols").key("0981.HK").key("name");
        assert_eq!(p.to_string(), "symbols.\"0981.HK\".name");
    }
}
