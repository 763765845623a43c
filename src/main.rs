//! The `ntm` binary: parse the command line, run the command, write what it returns, exit with its code.

mod cli;

/// mimalloc: the evaluation allocates many short-lived results beside the long-lived rows, which
/// fragments the system allocator (glibc) badly on large files.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    std::process::exit(cli::run());
}
