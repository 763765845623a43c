//! ntm: score Vietnamese communes and districts against the New Rural Development (NTM) criteria.
//!
//! The library never prints: it loads criteria sets ([`criteria`]), reads commune data ([`input`]),
//! evaluates it ([`eval`]) and renders results to strings ([`report`]). The `ntm` binary parses the
//! command line and writes what these modules return.
#![deny(clippy::print_stdout, clippy::print_stderr)]

/// A quick hash for the tables of short keys the engine looks up per row, unit or cell (column
/// names, codes, set ids, indicator codes, a table's distinct cells): foldhash's, with a fixed seed.
/// The keys are the criteria's and the user's own files', so the standard hasher's resistance to
/// flooding buys nothing, and it costs up to a tenth of a diff's writing.
pub(crate) type Quick = foldhash::fast::FixedState;

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
