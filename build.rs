//! The commit `--version` names, read from `.git` by hand: no git binary, no git library. Built
//! from a checkout it sets `CHIPTAPE_COMMIT` to the short hash of HEAD; from a package (no `.git`)
//! it sets nothing. It reruns only when HEAD or the ref it points to changes (a commit, a checkout).

use std::fs;
use std::path::{Path, PathBuf};

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let root = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets it"));
    if let Some(commit) = head_commit(&root.join(".git")) {
        println!("cargo:rustc-env=CHIPTAPE_COMMIT={}", &commit[..7]);
    }
}

/// Tell cargo to rerun when `path` changes, if it is there (a missing path reruns every build).
fn watch(path: &Path) {
    if path.exists() {
        println!("cargo:rerun-if-changed={}", path.display());
    }
}

/// The hash HEAD names, following a worktree's `.git` file and a symbolic ref, loose or packed.
fn head_commit(dot_git: &Path) -> Option<String> {
    let git_dir = if dot_git.is_file() {
        // A worktree or submodule: `gitdir: <path>`, relative to the folder holding `.git`.
        let text = fs::read_to_string(dot_git).ok()?;
        let named = text.strip_prefix("gitdir:")?.trim();
        dot_git.parent()?.join(named)
    } else {
        dot_git.to_path_buf()
    };
    // Branches live in the common dir; a worktree's own dir names it in `commondir`.
    let common = match fs::read_to_string(git_dir.join("commondir")) {
        Ok(text) => git_dir.join(text.trim()),
        Err(_) => git_dir.clone(),
    };
    let head = git_dir.join("HEAD");
    watch(&head);
    let head = fs::read_to_string(head).ok()?;
    let Some(name) = head.trim().strip_prefix("ref:").map(str::trim) else {
        return hash(head.trim()); // detached
    };
    for dir in [&git_dir, &common] {
        let loose = dir.join(name);
        if let Ok(text) = fs::read_to_string(&loose) {
            watch(&loose);
            return hash(text.trim());
        }
    }
    // Packed: a commit writes the loose file, so watch its folder for that too.
    watch(&common.join("packed-refs"));
    watch(common.join(name).parent()?);
    let packed = fs::read_to_string(common.join("packed-refs")).ok()?;
    packed
        .lines()
        .filter(|l| !l.starts_with('#') && !l.starts_with('^'))
        .find_map(|l| l.split_once(' ').filter(|(_, r)| *r == name).map(|(h, _)| h))
        .and_then(hash)
}

/// A full SHA-1 or SHA-256 hash in hex, or nothing.
fn hash(s: &str) -> Option<String> {
    let ok = matches!(s.len(), 40 | 64) && s.bytes().all(|b| b.is_ascii_hexdigit());
    ok.then(|| s.to_ascii_lowercase())
}
