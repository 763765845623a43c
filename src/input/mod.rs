//! Reading commune and district data.
pub mod cell;
