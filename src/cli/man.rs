//! `chiptape man`: the manual page, in roff. The name, synopsis, description and options come
//! from the command line's definition (clap_mangen); each subcommand follows with its own usage,
//! options and example; then the keys (the help overlay's own lines, from the default key map),
//! the files and the environment.

use std::io::Write;

use chrono::{DateTime, Utc};
use clap::CommandFactory;
use clap_mangen::roff::{Roff, bold, italic, roman};

use super::{Cli, EXAMPLES, EXIT_OK};
use crate::state::{HelpLine, State};

/// Print the page. Written whole, so a closed pipe (`| head`) is no panic.
pub fn man(out: &mut dyn Write) -> i32 {
    let _ = out.write_all(page().as_bytes());
    EXIT_OK
}

/// The whole page.
pub fn page() -> String {
    let mut cmd = Cli::command();
    cmd.build();
    let man = clap_mangen::Man::new(cmd.clone());
    // The title by hand: clap_mangen writes an empty date as nothing, which shifts the fields after it.
    let mut out = format!(".TH CHIPTAPE 1 \"\" \"chiptape {}\" \"User Commands\"\n", super::version());
    let mut buf = Vec::new();
    let rendered = man
        .render_name_section(&mut buf)
        .and_then(|_| man.render_synopsis_section(&mut buf))
        .and_then(|_| man.render_description_section(&mut buf))
        .and_then(|_| man.render_options_section(&mut buf));
    rendered.expect("writing to a Vec does not fail");
    out.push_str(&String::from_utf8(buf).expect("roff of UTF-8 text is UTF-8"));
    let mut roff = Roff::new();
    subcommands(&mut roff, &cmd);
    examples(&mut roff);
    keys(&mut roff);
    files(&mut roff);
    environment(&mut roff);
    out.push_str(&roff.render());
    out
}

/// One subsection per subcommand, nested ones (`config path`) after their parent.
fn subcommands(roff: &mut Roff, cmd: &clap::Command) {
    roff.control("SH", ["SUBCOMMANDS"]);
    nested(roff, cmd);
}

/// The subcommands a user types (not hidden, not clap's own `help`), each followed by its own.
fn nested(roff: &mut Roff, cmd: &clap::Command) {
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set() && s.get_name() != "help") {
        subcommand(roff, sub);
        nested(roff, sub);
    }
}

fn subcommand(roff: &mut Roff, sub: &clap::Command) {
    let name = sub.get_bin_name().unwrap_or(sub.get_name());
    roff.control("SS", [name]);
    let usage = sub.clone().render_usage().to_string();
    let usage = usage.strip_prefix("Usage: ").unwrap_or(&usage).trim();
    let args = usage.strip_prefix(name).unwrap_or("").trim();
    roff.text([bold(name), roman(" "), italic(args)]);
    if let Some(about) = sub.get_long_about().or(sub.get_about()) {
        roff.control("PP", []);
        roff.text([roman(about.to_string())]);
    }
    // The global options are the page's OPTIONS; clap gives every subcommand its own --help.
    let own = sub.get_arguments().filter(|a| !a.is_hide_set() && !a.is_global_set() && a.get_id() != "help");
    for arg in own {
        option(roff, arg);
    }
    let example = sub.get_after_help().map(|h| h.to_string());
    if let Some(example) = example.as_deref().and_then(|h| h.strip_prefix("Example:")) {
        roff.control("PP", []);
        roff.text([roman("Example:")]);
        roff.control("RS", []);
        roff.text([bold(example.trim())]);
        roff.control("RE", []);
    }
}

/// `--flag <VALUE>` or `<POSITIONAL>`, then its help, values and default.
fn option(roff: &mut Roff, arg: &clap::Arg) {
    roff.control("TP", []);
    let mut head = Vec::new();
    if let Some(short) = arg.get_short() {
        head.push(bold(format!("-{short}")));
    }
    if let Some(long) = arg.get_long() {
        if !head.is_empty() {
            head.push(roman(", "));
        }
        head.push(bold(format!("--{long}")));
    }
    if arg.get_action().takes_values() {
        let names: Vec<String> = match arg.get_value_names() {
            Some(names) => names.iter().map(|n| n.to_string()).collect(),
            None => vec![arg.get_id().as_str().to_uppercase()],
        };
        let many = arg.get_num_args().is_some_and(|n| n.max_values() > 1);
        let value = format!("<{}>{}", names.join(" "), if many { "..." } else { "" });
        if !head.is_empty() {
            head.push(roman(" "));
        }
        head.push(italic(value));
    }
    roff.text(head);
    let mut help = arg.get_long_help().or(arg.get_help()).map(|h| h.to_string()).unwrap_or_default();
    let values: Vec<String> = arg
        .get_possible_values()
        .into_iter()
        .filter(|v| !v.is_hide_set())
        .map(|v| v.get_name().to_string())
        .collect();
    if !values.is_empty() {
        help.push_str(&format!(" [possible values: {}]", values.join(", ")));
    }
    let defaults: Vec<String> = arg.get_default_values().iter().map(|v| v.to_string_lossy().into()).collect();
    // A flag's default (`false`) says nothing.
    if !defaults.is_empty() && arg.get_action().takes_values() {
        help.push_str(&format!(" [default: {}]", defaults.join(", ")));
    }
    roff.text([roman(help.trim())]);
}

/// The examples `chiptape --help` ends with.
fn examples(roff: &mut Roff) {
    roff.control("SH", ["EXAMPLES"]);
    for (cmd, what) in EXAMPLES {
        roff.control("TP", []);
        roff.text([bold(cmd)]);
        roff.text([roman(what)]);
    }
}

/// The help overlay's lines (`?` in the watchlist), as they read with the default key map.
fn keys(roff: &mut Roff) {
    roff.control("SH", ["KEYS"]);
    roff.text([roman(
        "The keys of the default key map; [keys] in the config file changes them, and the help \
         (?) shows the keys in force.",
    )]);
    let state = State::new(crate::config::builtin(), false, DateTime::<Utc>::UNIX_EPOCH);
    for line in state.help_lines() {
        match line {
            HelpLine::Section(name) => {
                roff.control("SS", [name]);
            }
            HelpLine::Entry { keys, what } => {
                roff.control("TP", []);
                roff.text([bold(keys)]);
                roff.text([roman(what)]);
            }
            HelpLine::Blank => {}
        }
    }
}

/// Where the config file is looked for (the `directories` crate's config dir, per platform).
fn files(roff: &mut Roff) {
    roff.control("SH", ["FILES"]);
    for (path, what) in [
        ("~/.config/chiptape/config.toml", "Linux (or $XDG_CONFIG_HOME/chiptape/config.toml)"),
        ("~/Library/Application Support/chiptape/config.toml", "macOS"),
        (r"%APPDATA%\chiptape\config\config.toml", "Windows"),
    ] {
        roff.control("TP", []);
        roff.text([italic(path)]);
        roff.text([roman(format!("The config file on {what}."))]);
    }
    roff.control("PP", []);
    roff.text([
        roman("Another file is named by "),
        bold("--config"),
        roman(
            " PATH or by CHIPTAPE_CONFIG. The file is optional: without one the built-in watchlist is used. ",
        ),
        bold("chiptape config path"),
        roman(" prints the one in use; "),
        bold("chiptape config init"),
        roman(" writes the commented example there."),
    ]);
}

fn environment(roff: &mut Roff) {
    roff.control("SH", ["ENVIRONMENT"]);
    for (name, what) in [
        ("CHIPTAPE_CONFIG", "The config file to use, as --config."),
        ("CHIPTAPE_LOG", "What the log file keeps, as a tracing filter (default: info)."),
        ("NO_COLOR", "When set and not empty, the screen uses no colour (the mono theme)."),
        ("VISUAL, EDITOR", "The editor that e opens the config file in (default: vi)."),
    ] {
        roff.control("TP", []);
        roff.text([bold(name)]);
        roff.text([roman(what)]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_has_every_subcommand_the_keys_and_the_files() {
        let page = page();
        assert!(page.starts_with(".TH CHIPTAPE 1 "), "{}", &page[..80]);
        for section in
            ["NAME", "SYNOPSIS", "OPTIONS", "SUBCOMMANDS", "EXAMPLES", "KEYS", "FILES", "ENVIRONMENT"]
        {
            assert!(page.contains(&format!(".SH {section}\n")), "{section}");
        }
        for sub in [
            "quotes",
            "news",
            "events",
            "search",
            "calendar",
            "doctor",
            "config",
            "config path",
            "completions",
            "man",
        ] {
            assert!(
                page.contains(&format!(".SS \"chiptape {sub}\"\n"))
                    || page.contains(&format!(".SS chiptape {sub}\n")),
                "{sub}"
            );
        }
        assert!(!page.contains("chiptape help"), "clap's own help subcommand is not a command to document");
        assert!(!page.contains("panic\\-for\\-test"), "hidden options stay hidden");
        assert!(page.contains(".SS \"watchlist and headlines\""));
        assert!(page.contains("\\fBq ctrl\\-c\\fR\nquit\n"), "the quit key, from the default key map");
        assert!(page.contains("~/.config/chiptape/config.toml") && page.contains("CHIPTAPE_CONFIG"));
        assert!(!page.contains("[default: false]"));
    }
}
