//! At home in a terminal: completion scripts, the man page, `--version` and help with examples,
//! from the real binary. The tools that check them (bash, man) are skipped, with a word, where absent.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use clap::CommandFactory;

use crate::common;

fn chiptape(home: &Path, args: &[&str]) -> Output {
    common::chiptape_cmd(home).args(args).output().unwrap()
}

fn stdout(o: &Output) -> String {
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8(o.stdout.clone()).unwrap()
}

/// Whether `tool` runs here; says so when it does not.
fn have(tool: &str, probe: &str) -> bool {
    let ok = Command::new(tool).arg(probe).output().is_ok_and(|o| o.status.success());
    if !ok {
        eprintln!("skipped: no `{tool}` on this machine");
    }
    ok
}

#[test]
fn bash_accepts_the_bash_completion_script() {
    let home = tempfile::tempdir().unwrap();
    let script = stdout(&chiptape(home.path(), &["completions", "bash"]));
    if !have("bash", "--version") {
        return;
    }
    let file = home.path().join("chiptape.bash");
    std::fs::write(&file, &script).unwrap();
    let o = Command::new("bash").arg("-n").arg(&file).output().unwrap();
    assert!(o.status.success(), "bash -n: {}", String::from_utf8_lossy(&o.stderr));
    assert!(script.contains("complete") && script.contains("chiptape"));
}

#[test]
fn every_shell_gets_a_script_that_names_chiptape() {
    let home = tempfile::tempdir().unwrap();
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let script = stdout(&chiptape(home.path(), &["completions", shell]));
        assert!(!script.trim().is_empty(), "{shell}");
        assert!(script.contains("chiptape"), "{shell}");
        assert!(script.contains("quotes") && script.contains("format"), "{shell}: subcommands and options");
    }
    let o = chiptape(home.path(), &["completions", "tcsh"]);
    assert_eq!(o.status.code(), Some(2), "an unknown shell is a usage error");
}

/// Every subcommand a user types, as its words (`["config", "path"]`), clap's `help` left out.
fn subcommands() -> Vec<Vec<String>> {
    fn walk(cmd: &clap::Command, above: &[String], out: &mut Vec<Vec<String>>) {
        for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set() && s.get_name() != "help") {
            let mut words = above.to_vec();
            words.push(sub.get_name().to_string());
            out.push(words.clone());
            walk(sub, &words, out);
        }
    }
    let mut out = Vec::new();
    walk(&chiptape::cli::Cli::command(), &[], &mut out);
    out
}

#[test]
fn the_man_page_names_every_subcommand_the_keys_and_the_config_file() {
    let home = tempfile::tempdir().unwrap();
    let page = stdout(&chiptape(home.path(), &["man"]));
    let subs = subcommands();
    assert!(subs.len() >= 10, "{subs:?}");
    for words in &subs {
        let name = format!("chiptape {}", words.join(" "));
        assert!(page.contains(&name), "{name} is not in the page");
    }
    for section in ["SUBCOMMANDS", "EXAMPLES", "KEYS", "FILES"] {
        assert!(page.contains(&format!(".SH {section}")), "{section}");
    }
    assert!(page.contains("\nquit\n"), "the quit key's line");
    assert!(page.contains("~/.config/chiptape/config.toml"), "Linux");
    assert!(page.contains("~/Library/Application Support/chiptape/config.toml"), "macOS");
    assert!(page.contains(r"%APPDATA%\\chiptape\\config\\config.toml"), "Windows");
    assert!(page.contains("CHIPTAPE_CONFIG") && page.contains(r"\fB\-\-config\fR"));
}

#[test]
fn man_renders_the_page_without_a_warning() {
    let home = tempfile::tempdir().unwrap();
    let page = stdout(&chiptape(home.path(), &["man"]));
    if !have("man", "--version") {
        return;
    }
    // The page carries Chinese names (寒武纪): shown in a UTF-8 locale, as a user's terminal is.
    let mut child = Command::new("man")
        .args(["-l", "-"])
        .env("MANWIDTH", "80")
        .env("LC_ALL", "C.UTF-8")
        .env_remove("MANPAGER")
        .env_remove("PAGER")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || stdin.write_all(page.as_bytes()));
    let o = child.wait_with_output().unwrap();
    writer.join().unwrap().unwrap();
    let (text, err) = (String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr));
    assert!(o.status.success(), "{err}");
    assert_eq!(err, "", "man -l - warned");
    for words in subcommands() {
        let name = format!("chiptape {}", words.join(" "));
        assert!(text.contains(&name), "{name} is not on the rendered page");
    }
    assert!(text.contains("KEYS") && text.contains("quit") && text.contains("FILES"));
    assert!(text.contains("~/.config/chiptape/config.toml"));
}

/// `chiptape 1.2.3` or `chiptape 1.2.3 (abc1234)`.
fn version_line(s: &str) -> bool {
    let Some(rest) = s.strip_prefix("chiptape ") else { return false };
    let (version, commit) = match rest.split_once(' ') {
        Some((v, c)) => (v, Some(c)),
        None => (rest, None),
    };
    let numbers: Vec<&str> = version.split('.').collect();
    let semver =
        numbers.len() == 3 && numbers.iter().all(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()));
    let hash = |h: &str| h.len() >= 7 && h.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
    semver && commit.is_none_or(|c| c.strip_prefix('(').and_then(|c| c.strip_suffix(')')).is_some_and(hash))
}

#[test]
fn version_is_the_package_version_and_the_commit_when_built_from_git() {
    assert!(version_line("chiptape 0.1.0") && version_line("chiptape 0.1.0 (31a2ba6)"));
    assert!(!version_line("chiptape 0.1.0 (31A2BA6)") && !version_line("chiptape 0.1 (31a2ba6)"));
    assert!(!version_line("chiptape 0.1.0 (31a2b)") && !version_line("chiptape 0.1.0 31a2ba6"));
    let home = tempfile::tempdir().unwrap();
    let long = stdout(&chiptape(home.path(), &["--version"]));
    let line = long.strip_suffix('\n').unwrap();
    assert!(version_line(line), "{line:?}");
    assert!(line.starts_with(&format!("chiptape {}", env!("CARGO_PKG_VERSION"))), "{line}");
    assert_eq!(stdout(&chiptape(home.path(), &["-V"])), long);
    // Built from a git checkout (this one, unless the sources came without .git): the commit is there.
    if Path::new(env!("CARGO_MANIFEST_DIR")).join(".git").exists() {
        assert!(line.ends_with(')'), "{line}: no commit from a git checkout");
    }
}

#[test]
fn help_ends_with_three_examples_and_every_subcommand_has_one() {
    let home = tempfile::tempdir().unwrap();
    let help = stdout(&chiptape(home.path(), &["--help"]));
    let (_, examples) = help.rsplit_once("\nExamples:\n").expect("an Examples: block");
    let lines: Vec<&str> = examples.trim_end().lines().collect();
    assert_eq!(lines.len(), 3, "{examples}");
    for (line, want) in
        lines.iter().zip(["chiptape --demo", "chiptape quotes --format json", "chiptape search 寒武纪"])
    {
        assert!(line.starts_with(&format!("  {want}  ")), "{line:?}");
    }
    assert_eq!(stdout(&chiptape(home.path(), &["-h"])).rsplit_once("\nExamples:\n").unwrap().1, examples);
    for words in subcommands() {
        let mut args: Vec<&str> = words.iter().map(String::as_str).collect();
        args.push("--help");
        let help = stdout(&chiptape(home.path(), &args));
        let (_, example) =
            help.rsplit_once("\nExample:\n  chiptape ").unwrap_or_else(|| panic!("{args:?}: {help}"));
        let last = words.last().unwrap();
        assert!(example.contains(last.as_str()), "{args:?}: the example is not of {last}: {example}");
    }
}

#[test]
fn completions_and_man_read_no_config() {
    let home = tempfile::tempdir().unwrap();
    std::fs::write(home.path().join("broken.toml"), "refresh_secs = \"soon\"\n").unwrap();
    for args in [&["completions", "zsh"][..], &["man"]] {
        for config in ["broken.toml", "missing.toml"] {
            let o = chiptape(home.path(), &[&["--config", config][..], args].concat());
            assert!(!stdout(&o).is_empty(), "{args:?} with {config}");
        }
    }
}
