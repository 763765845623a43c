//! The `ntm` binary: parse the command line, run the command, write what it returns, exit with its code.

mod cli;

/// mimalloc: the evaluation allocates many short-lived results beside the long-lived rows, which
/// fragments the system allocator (glibc) badly on large files.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    // A panic in the thread reading an Excel sheet (in calamine, on a malformed file) is caught and
    // reported as a refused sheet, in the user's language; Rust's own English line would only confuse.
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if std::thread::current().name() != Some(ntm::input::xlsx::READER_THREAD) {
            default(info)
        }
    }));
    std::process::exit(cli::run());
}
