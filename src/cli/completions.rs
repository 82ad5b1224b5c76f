//! `chiptape completions SHELL`: the shell's completion script, made from the command line's own
//! definition, so it knows every subcommand, option and value.

use std::io::Write;

use clap::CommandFactory;
use clap_complete::Shell;

use super::{Cli, EXIT_OK};

/// The completion script for `shell`.
pub fn script(shell: Shell) -> Vec<u8> {
    let mut buf = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "chiptape", &mut buf);
    buf
}

/// Print it. Written whole, so a closed pipe (`| head`) is no panic.
pub fn completions(shell: Shell, out: &mut dyn Write) -> i32 {
    let _ = out.write_all(&script(shell));
    EXIT_OK
}

#[cfg(test)]
mod tests {
    use clap::ValueEnum;

    use super::*;

    #[test]
    fn every_shell_gets_a_script_naming_the_binary_and_its_subcommands() {
        for shell in Shell::value_variants() {
            let text = String::from_utf8(script(*shell)).unwrap();
            assert!(text.contains("chiptape"), "{shell}");
            for sub in ["quotes", "events", "search", "completions", "man"] {
                assert!(text.contains(sub), "{shell}: {sub}");
            }
        }
    }
}
