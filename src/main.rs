//! The `ntm` binary: parse the command line, run the command, write what it returns, exit with its code.

mod cli;

fn main() {
    std::process::exit(cli::run());
}
