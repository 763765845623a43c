//! Reading commune and district data: one row per unit and year, one column per indicator input.

pub mod ahead;
pub mod cell;
pub mod files;
mod header;
pub mod number;
pub mod record;
mod seen;
pub mod table;
pub mod xlsx;

pub use cell::{Cell, Value};
pub use table::{Dataset, Layout, Row, Unscored, read_file, read_file_listing, read_str};
