//! Exit codes, shared by every command (sysexits for the errors).

/// Every unit evaluated qualifies at the level asked; or a command other than `check` succeeded.
pub const OK: i32 = 0;
/// At least one unit does not qualify (or, for `criteria lint`… see 78).
pub const NOT_QUALIFIED: i32 = 1;
/// None fails, but some result is unknown because of missing data.
pub const UNKNOWN: i32 = 2;
/// The command line is wrong.
pub const USAGE: i32 = 64;
/// The data file cannot be read (a cell, a row, the encoding…).
pub const DATA: i32 = 65;
/// A criteria file is wrong.
pub const CRITERIA: i32 = 78;

/// The exit-code table shown by `--help`.
pub const TABLE: &str = "\
Mã thoát / exit codes:
  0   mọi đơn vị đạt mức yêu cầu / every unit evaluated qualifies at the level asked (other commands: success)
  1   ít nhất một đơn vị không đạt / at least one unit does not qualify
  2   không có đơn vị nào trượt nhưng có kết quả chưa rõ do thiếu số liệu / none fails, some unknown (missing data)
  64  sai cú pháp lệnh / usage error
  65  dữ liệu không đọc được / unreadable data
  78  tệp tiêu chí sai / bad criteria file";
