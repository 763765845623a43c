//! Exit codes, shared by every command (sysexits for the errors).

/// Every unit evaluated qualifies at the level asked; or a command other than `check` succeeded.
pub const OK: i32 = 0;
/// At least one unit does not qualify (or, for `criteria lint`… see 78).
pub const NOT_QUALIFIED: i32 = 1;
/// None fails, but some result is unknown because of missing data.
pub const UNKNOWN: i32 = 2;
/// The command line is wrong, or the output file is refused (it exists, it is read by the run, it is
/// not a regular file…).
pub const USAGE: i32 = 64;
/// The data file cannot be read (a cell, a row, the encoding…).
pub const DATA: i32 = 65;
/// An input named on the command line (a data file, a case file, a criteria folder…) does not
/// exist or cannot be opened (sysexits EX_NOINPUT): nothing is written.
pub const NOINPUT: i32 = 66;
/// The output cannot be written (a full disk, an input/output error). A closed pipe is not one.
pub const IO: i32 = 74;
/// A criteria file (or a unit list of `--units`) is wrong.
pub const CRITERIA: i32 = 78;
/// Interrupted by a signal: 128 + its number (SIGHUP 129, SIGINT 130, SIGTERM 143); the temporary
/// file of `-o` is removed first.
pub const INTERRUPTED: i32 = 128;

/// The exit-code table shown by `--help`, in Vietnamese.
pub const TABLE_VI: &str = "\
Mã thoát:
  0   mọi đơn vị được chấm đều đạt mức yêu cầu (lệnh khác: thành công)
  1   ít nhất một đơn vị không đạt
  2   không đơn vị nào trượt nhưng có kết quả chưa rõ do thiếu số liệu
  64  sai cú pháp lệnh, hoặc tệp kết quả bị từ chối
  65  dữ liệu không đọc được
  66  không có tệp đầu vào, hoặc không mở được (không in gì ra)
  74  không ghi được kết quả (đĩa đầy…)
  78  tệp tiêu chí hoặc danh sách đơn vị hành chính (--units) sai
  130 (Ctrl-C), 143 (SIGTERM), 129 (SIGHUP): bị ngắt, tệp tạm đã xoá
Đóng ống (| head) thì dừng ghi, mã thoát vẫn theo kết quả.";

/// The exit-code table shown by `--help`, in English.
pub const TABLE_EN: &str = "\
Exit codes:
  0   every unit evaluated qualifies at the level asked (other commands:
      success)
  1   at least one unit does not qualify
  2   none fails, but some result is unknown (missing data)
  64  usage error, or the output file refused
  65  unreadable data
  66  an input file does not exist or cannot be opened (nothing is printed)
  74  the output cannot be written (disk full…)
  78  bad criteria or unit list file (--units)
  130 (Ctrl-C), 143 (SIGTERM), 129 (SIGHUP): interrupted, temporary file
      removed
A closed pipe (| head) stops the output; the exit code still follows the
result.";
