//! Reading ahead: a [`Reader`] moved to a thread of its own, which reads and checks rows while the
//! caller scores the ones before. The rows come in the file's order, each exactly as
//! [`Reader::read_into`] gives it: the reader's state (the file's decimal mark, the keys seen, the
//! rows kept) stays in the one thread that reads, so reading ahead changes no result, only the time.
//!
//! On two cores a `check` spends about half its time reading cells and half scoring them; each now
//! has a core.

use std::sync::mpsc::{Receiver, Sender, SyncSender, channel, sync_channel};
use std::thread::Scope;

use super::record::Records;
use super::table::{Reader, RowRead};

/// Rows go between the threads in batches: one hand-over per row would cost more than the row.
const BATCH: usize = 128;
/// Batches read ahead at most: memory stays bounded whatever the file's length.
const AHEAD: usize = 4;

/// The rows of a [`Reader`] read by a thread of `scope`; see the module's documentation.
pub struct ReadAhead<'env> {
    how: How<'env>,
}

enum How<'env> {
    Ahead {
        rows: Receiver<Vec<RowRead>>,
        /// Batches handed back to the reading thread, whose rows' buffers it reuses.
        spent: Sender<Vec<RowRead>>,
        batch: std::vec::IntoIter<RowRead>,
        /// The rows already handed out of the current batch, to be given back with it.
        done: Vec<RowRead>,
    },
    /// No thread could be started: the rows are read as they are asked for.
    Inline(Box<Reader<'env>>),
}

impl<'env> ReadAhead<'env> {
    /// Start reading `reader` in a thread of `scope` (or, if no thread can be had, in the caller's).
    pub fn start<'scope>(scope: &'scope Scope<'scope, 'env>, reader: Reader<'env>) -> Self {
        let (tx, rows): (SyncSender<Vec<RowRead>>, _) = sync_channel(AHEAD);
        let (spent, back) = channel::<Vec<RowRead>>();
        // The reader goes to the thread once it runs; if it cannot be started, it stays here.
        let (give, take) = channel::<Reader<'env>>();
        let started = std::thread::Builder::new()
            .name("ntm-read-ahead".into())
            .spawn_scoped(scope, move || {
                let Ok(mut reader) = take.recv() else { return };
                loop {
                    let mut batch = back.try_recv().unwrap_or_default();
                    batch.resize_with(BATCH, RowRead::default);
                    let mut n = 0;
                    while n < BATCH && reader.read_into(&mut batch[n]) {
                        n += 1;
                    }
                    batch.truncate(n);
                    // The caller stopped asking (an output closed): stop reading.
                    if n > 0 && tx.send(batch).is_err() {
                        return;
                    }
                    if n < BATCH {
                        return;
                    }
                }
            });
        let how = match started {
            Ok(_) => match give.send(reader) {
                Ok(()) => How::Ahead {
                    rows,
                    spent,
                    batch: Vec::new().into_iter(),
                    done: Vec::new(),
                },
                Err(back) => How::Inline(Box::new(back.0)),
            },
            Err(_) => How::Inline(Box::new(reader)),
        };
        ReadAhead { how }
    }

    /// The next row into `out` (its buffers go back to the reading thread); `false` at the end.
    pub fn read_into(&mut self, out: &mut RowRead) -> bool {
        let (rows, spent, batch, done) = match &mut self.how {
            How::Inline(reader) => return reader.read_into(out),
            How::Ahead {
                rows,
                spent,
                batch,
                done,
            } => (rows, spent, batch, done),
        };
        loop {
            if let Some(mut next) = batch.next() {
                std::mem::swap(out, &mut next);
                done.push(next);
                return true;
            }
            if !done.is_empty() {
                // The reading thread may have ended: then the buffers are simply dropped.
                let _ = spent.send(std::mem::take(done));
            }
            match rows.recv() {
                Ok(next) => *batch = next.into_iter(),
                Err(_) => return false,
            }
        }
    }
}

/// A CSV file's records split and checked as UTF-8 by a thread of their own, while the [`Reader`]
/// reads the cells of the records before (and, with [`ReadAhead`], the rows before those are
/// scored): three stages, which two cores share better than two unequal ones. The records come in
/// the file's order, the same as from `records`; memory stays bounded (batches of [`BATCH`], at most
/// [`AHEAD`] waiting). The thread stops when the records end or when the returned iterator is
/// dropped (it may then have read a few batches more). A panic in it is the caller's panic.
pub fn records_ahead(records: Records) -> Records {
    let (tx, rx) = sync_channel::<Vec<<Records as Iterator>::Item>>(AHEAD);
    let (give, take) = channel::<Records>();
    let thread = std::thread::Builder::new()
        .name("ntm-split".into())
        .spawn(move || {
            let Ok(mut records) = take.recv() else { return };
            loop {
                let batch: Vec<_> = records.by_ref().take(BATCH).collect();
                let n = batch.len();
                if (n > 0 && tx.send(batch).is_err()) || n < BATCH {
                    return;
                }
            }
        });
    match thread {
        Ok(thread) => match give.send(records) {
            Ok(()) => Box::new(RecordsAhead {
                batches: rx,
                batch: Vec::new().into_iter(),
                thread: Some(thread),
            }),
            Err(back) => back.0,
        },
        Err(_) => records,
    }
}

struct RecordsAhead {
    batches: Receiver<Vec<<Records as Iterator>::Item>>,
    batch: std::vec::IntoIter<<Records as Iterator>::Item>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Iterator for RecordsAhead {
    type Item = <Records as Iterator>::Item;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(next) = self.batch.next() {
                return Some(next);
            }
            match self.batches.recv() {
                Ok(batch) => self.batch = batch.into_iter(),
                Err(_) => {
                    // The thread ended: at the end of the records, or in a panic, which is ours.
                    if let Some(Err(panic)) = self.thread.take().map(|t| t.join()) {
                        std::panic::resume_unwind(panic);
                    }
                    return None;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::criteria::Schema;
    use crate::criteria::catalog::Catalog;
    use crate::input::Layout;

    /// A file of `n` communes, some rows bad (a cell that cannot be read, a repeated key, a row
    /// without its year), so that rows, problems and unscored rows all cross batch boundaries.
    fn file(n: usize) -> String {
        let mut s = String::from("ma_xa;ten_xa;huyen;nam;2.2;10\n");
        for i in 0..n {
            match i % 97 {
                5 => s.push_str(&format!("X{i};Xã {i};H;2024;abc;40\n")),
                11 => s.push_str("X0;Xã 0;H;2024;80;40\n"),
                13 => s.push_str(&format!("X{i};Xã {i};H;;80;40\n")),
                _ => s.push_str(&format!("X{i};Xã {i};H;2024;{},5;40\n", 60 + i % 30)),
            }
        }
        s
    }

    /// Everything a run takes from each row, in order.
    fn seen(next: &mut dyn FnMut(&mut RowRead) -> bool) -> Vec<String> {
        let mut read = RowRead::default();
        let mut out = Vec::new();
        while next(&mut read) {
            out.push(format!(
                "{:?} {} {} {:?} {:?} {:?}",
                read.state,
                read.row.line,
                read.row.code,
                read.row.cells,
                read.problems.iter().map(|p| &p.message).collect::<Vec<_>>(),
                read.unscored.as_ref().map(|u| (u.line, &u.reasons)),
            ));
        }
        out
    }

    #[test]
    fn reading_ahead_gives_the_rows_of_reading_in_place() {
        let catalog = Catalog::bundled().expect("bundled criteria");
        let version = catalog.version("lang-son-2024").expect("version");
        let schema = Schema::of(version);
        let all = |_: usize, _: &str, _: &str, y: i32| y == 2024;
        for n in [0, 1, BATCH - 1, BATCH, BATCH + 1, 3 * BATCH * AHEAD + 7] {
            let text = file(n);
            let open = || {
                Reader::from_reader(
                    "t.csv",
                    Box::new(std::io::Cursor::new(text.clone().into_bytes())),
                    &schema,
                    Layout::COMMUNE,
                    &["2.2", "10"],
                    &all,
                )
            };
            let mut reader = open();
            let in_place = seen(&mut |r| reader.read_into(r));
            let ahead = std::thread::scope(|scope| {
                let mut ahead = ReadAhead::start(scope, open());
                seen(&mut |r| ahead.read_into(r))
            });
            assert_eq!(in_place.len(), ahead.len(), "{n} rows");
            for (a, b) in in_place.iter().zip(&ahead) {
                assert_eq!(a, b, "{n} rows");
            }
            if n > 20 {
                assert!(in_place.iter().any(|r| r.starts_with("Rejected")));
                assert!(in_place.iter().any(|r| r.starts_with("Unreadable")));
            }
        }
    }

    #[test]
    fn a_caller_that_stops_early_stops_the_reading_thread() {
        let catalog = Catalog::bundled().expect("bundled criteria");
        let version = catalog.version("lang-son-2024").expect("version");
        let schema = Schema::of(version);
        // Every row the reading thread reads passes through the filter: count them.
        let read = std::sync::atomic::AtomicUsize::new(0);
        let all = |_: usize, _: &str, _: &str, _: i32| {
            read.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            true
        };
        let total = 20 * BATCH * AHEAD;
        let text = file(total);
        let taken = std::thread::scope(|scope| {
            let reader = Reader::from_reader(
                "t.csv",
                Box::new(std::io::Cursor::new(text.into_bytes())),
                &schema,
                Layout::COMMUNE,
                &[],
                &all,
            );
            let mut ahead = ReadAhead::start(scope, reader);
            let mut row = RowRead::default();
            let mut n = 0;
            while n < 3 && ahead.read_into(&mut row) {
                n += 1;
            }
            n
            // `ahead` is dropped here: the scope ends only once the reading thread has stopped.
        });
        assert_eq!(taken, 3);
        // It stopped after the batches it could hand over, not at the end of the file.
        let read = read.into_inner();
        assert!(read <= (AHEAD + 2) * BATCH, "{read} of {total} rows read");
    }

    /// `n` records, record `i` holding the field `i`; the iterator panics at `panic_at`.
    fn records(n: usize, panic_at: Option<usize>) -> Records {
        use crate::input::record::{CsvRecord, Fields, Rec};
        Box::new((0..n).map(move |i| {
            assert!(Some(i) != panic_at, "record {i}");
            let rec = CsvRecord::checked(csv::ByteRecord::from(vec![i.to_string()]));
            Ok(Rec {
                line: i + 1,
                fields: Fields::Csv(rec.expect("ASCII")),
            })
        }))
    }

    #[test]
    fn records_split_ahead_come_in_order_and_all_of_them() {
        for n in [0, 1, BATCH - 1, BATCH, BATCH + 1, 3 * BATCH * AHEAD + 7] {
            let got: Vec<(usize, String)> = records_ahead(records(n, None))
                .map(|r| {
                    let r = r.expect("a record");
                    (r.line, r.get(0).unwrap_or("").to_string())
                })
                .collect();
            let want: Vec<(usize, String)> = (0..n).map(|i| (i + 1, i.to_string())).collect();
            assert_eq!(got, want, "{n} records");
        }
    }

    #[test]
    fn a_panic_while_splitting_is_the_callers_never_an_early_end() {
        let mut it = records_ahead(records(10 * BATCH, Some(2 * BATCH + 5)));
        let taken = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let mut n = 0;
            while it.next().is_some() {
                n += 1;
            }
            n
        }));
        // The records before the panic came; then the panic, not `None`.
        assert!(taken.is_err(), "the records ended quietly: {taken:?}");
    }
}
