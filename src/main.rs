//! The binary: parse the command line and run it.

use clap::Parser;

fn main() {
    let cli = chiptape::cli::Cli::parse();
    std::process::exit(chiptape::cli::run::run(cli));
}
