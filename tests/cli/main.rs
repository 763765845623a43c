//! Integration tests: they run the `ntm` binary on data and assert verdicts, values and messages.
//! One test binary for build speed; one module per command.

mod bad_input;
mod cases;
mod check;
mod common;
mod criteria;
mod diff;
mod district;
mod groups;
mod headers;
mod help;
mod html;
mod lint;
#[cfg(target_os = "linux")]
mod output_safety;
mod report_files;
mod snapshots;
mod spreadsheet_safety;
mod template;
mod terminal;
mod trust;
mod units;
mod versions;
mod xlsx;
