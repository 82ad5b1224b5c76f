//! The binary: parse the command line and run it.

use clap::Parser;

fn main() {
    let cli = match chiptape::cli::Cli::try_parse() {
        Ok(cli) => cli,
        // --help and --version go to stdout as clap writes them.
        Err(e) if !e.use_stderr() => e.exit(),
        // A usage error reads like every other error of ours: `chiptape: ` first, not `error: `.
        Err(e) => {
            let text = e.render().to_string();
            eprint!("chiptape: {}", text.strip_prefix("error: ").unwrap_or(&text));
            std::process::exit(chiptape::cli::EXIT_USAGE);
        }
    };
    std::process::exit(chiptape::cli::run::run(cli));
}
