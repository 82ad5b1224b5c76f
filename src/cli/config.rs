//! `chiptape config path | check | init`.

use std::io::Write;

use super::{ConfigCommand, EXIT_OK, EXIT_USAGE};
use crate::config::{self, Source};

/// `config path | check | init`.
pub fn config_cmd(cmd: &ConfigCommand, source: &Source, out: &mut dyn Write, err: &mut dyn Write) -> i32 {
    match cmd {
        ConfigCommand::Path => match source.path() {
            Some(p) => {
                let _ = writeln!(out, "{}", p.display());
                if !p.exists() {
                    let _ = writeln!(
                        err,
                        "(no file there yet: the built-in watchlist is used; `chiptape config init` writes one)"
                    );
                }
                EXIT_OK
            }
            None => {
                let _ = writeln!(err, "chiptape: no config directory could be found for this user");
                EXIT_USAGE
            }
        },
        ConfigCommand::Check { path } => {
            let target = path.clone().or_else(|| source.path().map(|p| p.to_path_buf()));
            let Some(target) = target else {
                let _ = writeln!(err, "chiptape: no config path; name one: chiptape config check PATH");
                return EXIT_USAGE;
            };
            if path.is_none() && matches!(source, Source::Default(_)) && !target.exists() {
                let _ =
                    writeln!(out, "no config file at {}; the built-in watchlist is used", target.display());
                return EXIT_OK;
            }
            match config::load_file(&target) {
                Ok(c) => {
                    let n: usize = c.groups.iter().map(|g| g.symbols.len()).sum();
                    let _ =
                        writeln!(out, "{}: ok ({} groups, {n} symbols)", target.display(), c.groups.len());
                    EXIT_OK
                }
                Err(e) => {
                    super::config_error(err, &e);
                    EXIT_USAGE
                }
            }
        }
        ConfigCommand::Init { force } => {
            let Some(target) = source.path() else {
                let _ = writeln!(err, "chiptape: no config directory could be found for this user");
                return EXIT_USAGE;
            };
            match config::init(target, *force) {
                Ok(backup) => {
                    let _ = writeln!(out, "wrote {}", target.display());
                    if let Some(b) = backup {
                        let _ = writeln!(out, "the old file is kept as {}", b.display());
                    }
                    EXIT_OK
                }
                Err(e) => {
                    let _ = writeln!(err, "chiptape: {e}");
                    EXIT_USAGE
                }
            }
        }
    }
}
