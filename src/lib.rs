//! ntm: score Vietnamese communes and districts against the New Rural Development (NTM) criteria.
//!
//! The library never prints: it loads criteria sets ([`criteria`]), reads commune data ([`input`]),
//! evaluates it ([`eval`]) and renders results to strings ([`report`]). The `ntm` binary parses the
//! command line and writes what these modules return.
#![deny(clippy::print_stdout, clippy::print_stderr)]

pub mod cases;
pub mod criteria;
pub mod diag;
pub mod eval;
pub mod exit;
pub mod i18n;
pub mod input;
pub mod pipeline;
pub mod report;
pub mod units;
