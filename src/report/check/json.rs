//! `check --format json` (schema 2, described in docs/json.md): one document, written as the run
//! goes: what the run is about and the definitions of every set (what is the same for every unit:
//! each check's comparison, unit and threshold for each year), then each commune as it is scored,
//! each district, and at the end the summaries, the rows not scored and every problem.
//!
//! A unit carries only what is its own: each criterion's, indicator's and check's status, each
//! value once, the gap of a failing check, a threshold only where it depends on the unit (a
//! conditional case, a commune group), and the checks still needed. It is written from the compact
//! verdicts of the compiled plan and the facts of each check ([`crate::eval::facts`]), so a commune
//! needs no explained evaluation; a unit scored the explained way only (a district, a chain the
//! plan cannot compile) is read back into the same form. Nothing here decides a verdict or a gap.
//!
//! Written into buffers in memory: the names of sets, criteria, indicators and checks are escaped
//! once per chain, numbers are formatted without allocating, and only the strings from the data
//! (codes, names, districts) are escaped as they come. The communes are written by a thread of
//! the sink's own, in batches ([`Writer`]), while the run scores the next rows.

use std::io::{self, Write};
use std::ops::Range;
use std::sync::Arc;
use std::sync::mpsc::{Receiver, SyncSender, TryRecvError};

use serde::Serialize;
use serde_json::{Map, Value as Json, json};

use crate::criteria::{Check, CriteriaSet, Indicator, Threshold, Version};
use crate::diag::Problem;
use crate::eval::district::DistrictResult;
use crate::eval::facts::{self, Fact};
use crate::eval::needs::still_needed_at;
use crate::eval::plan::Compact;
use crate::eval::view::Scored;
use crate::eval::{Status, UnitResult, Verdict};
use crate::input::{Unscored, Value};
use crate::pipeline::Sink;
use crate::pipeline::check::Outcome;
use crate::report::model::CheckReport;

use super::gather::Gathered;

/// The layout of the check documents; the other JSON documents have their own
/// ([`crate::report::SCHEMA_VERSION`]).
pub const CHECK_SCHEMA_VERSION: u32 = 2;

/// A set as the head of the document names it.
#[derive(Serialize)]
struct SetHead<'a> {
    id: &'a str,
    name: &'a str,
    name_en: &'a str,
    decision: &'a str,
    decision_date: &'a str,
    unverified: usize,
}

/// `s` as a JSON string.
fn quoted(s: &str) -> Vec<u8> {
    serde_json::to_vec(s).unwrap_or_else(|_| b"\"\"".to_vec())
}

/// A check, as a unit's maps name it.
struct CheckKey {
    /// The key, quoted (`"2.2"`).
    key: Vec<u8>,
    /// Whether its threshold depends on the unit (a conditional threshold, one by commune group):
    /// then each unit carries the threshold it was judged against.
    own: bool,
    /// For a conditional threshold: each case described, quoted, then `otherwise`.
    cases: Vec<Vec<u8>>,
}

/// Where among a list of checks are the few that may carry more than a status: a threshold of the
/// unit's own, a conditional threshold's case. Every unit's checks are looked at only there.
struct Special {
    own: Vec<usize>,
    cased: Vec<usize>,
}

impl Special {
    fn of(keys: &[CheckKey]) -> Special {
        let at = |f: fn(&CheckKey) -> bool| {
            keys.iter()
                .enumerate()
                .filter(|(_, k)| f(k))
                .map(|(i, _)| i)
                .collect()
        };
        Special {
            own: at(|k| k.own),
            cased: at(|k| !k.cases.is_empty()),
        }
    }
}

/// One set of a chain, its names quoted once.
struct SetKeys {
    id: Vec<u8>,
    valid: (i32, i32),
    criteria: Vec<Vec<u8>>,
    indicators: Vec<Vec<u8>>,
    checks: Vec<CheckKey>,
    checks_special: Special,
    recognition_indicators: Vec<Vec<u8>>,
    recognition: Vec<CheckKey>,
    recognition_special: Special,
    /// Prerequisites of the same level: the set (quoted) and its position in the chain.
    prerequisites: Vec<(Vec<u8>, Option<usize>)>,
    /// The recognition checks whose value the unit's `values` do not hold yet (by their position).
    recognition_values: Vec<usize>,
    /// Each recognition check's input, quoted.
    recognition_inputs: Vec<Vec<u8>>,
}

/// A chain of sets (a version's commune sets, or its district sets), ready to write units of.
struct Chain {
    /// Which chain it is: the version (its id) and whether it is the district one. A run scores
    /// every commune of a version by that version's commune chain, every district by its district
    /// chain.
    of: (String, bool),
    /// The version's id, quoted.
    version: Vec<u8>,
    /// The position of the set that answers "qualified".
    target: Option<usize>,
    keys: Vec<SetKeys>,
    /// The checks whose value is written (the first to read each input): their position, and the
    /// input quoted.
    values: Vec<(usize, Vec<u8>)>,
    /// Where each set's checks begin among the unit's facts; where the recognition checks do.
    checks_at: Vec<usize>,
    recognition_at: usize,
}

/// Whether a check's threshold depends on the unit rather than on the year only.
fn own_threshold(c: &Check, version: &Version) -> bool {
    match &c.threshold {
        Some(Threshold::When { .. }) => true,
        Some(t) => t.by_group(version),
        None => false,
    }
}

/// The name a check goes by in a set: its input, or `indicator:input` when the set reads the input
/// more than once.
fn check_name(set: &CriteriaSet, ind: &Indicator, c: &Check) -> String {
    let input = crate::criteria::diff::input_name(&c.input);
    let times = set
        .indicators()
        .chain(&set.recognition)
        .flat_map(|i| &i.checks)
        .filter(|x| crate::criteria::diff::input_name(&x.input) == input)
        .count();
    if times > 1 {
        format!("{}:{input}", ind.code)
    } else {
        input
    }
}

fn check_key(set: &CriteriaSet, ind: &Indicator, c: &Check, version: &Version) -> CheckKey {
    let cases = match &c.threshold {
        Some(Threshold::When { cases, .. }) => cases
            .iter()
            .map(|k| quoted(&k.describe()))
            .chain(std::iter::once(quoted("otherwise")))
            .collect(),
        _ => Vec::new(),
    };
    CheckKey {
        key: quoted(&check_name(set, ind, c)),
        own: own_threshold(c, version),
        cases,
    }
}

impl Chain {
    fn new(version: &Version, districts: bool, sets: &[&CriteriaSet], target: &str) -> Chain {
        let mut seen: Vec<String> = Vec::new();
        let mut values = Vec::new();
        let mut at = 0;
        let mut keys = Vec::new();
        for set in sets {
            let mut checks = Vec::new();
            for ind in set.indicators() {
                for c in &ind.checks {
                    let input = crate::criteria::diff::input_name(&c.input);
                    if !seen.contains(&input) {
                        values.push((at, quoted(&input)));
                        seen.push(input);
                    }
                    at += 1;
                    checks.push(check_key(set, ind, c, version));
                }
            }
            let mut rec_seen = seen.clone();
            let mut recognition_values = Vec::new();
            let mut recognition = Vec::new();
            for (n, (ind, c)) in set
                .recognition
                .iter()
                .flat_map(|i| i.checks.iter().map(move |c| (i, c)))
                .enumerate()
            {
                let input = crate::criteria::diff::input_name(&c.input);
                if !rec_seen.contains(&input) {
                    rec_seen.push(input);
                    recognition_values.push(n);
                }
                recognition.push(check_key(set, ind, c, version));
            }
            keys.push(SetKeys {
                checks_special: Special::of(&checks),
                recognition_special: Special::of(&recognition),
                id: quoted(&set.id),
                valid: (set.valid_from, set.valid_to),
                criteria: set.criteria.iter().map(|c| quoted(&c.number)).collect(),
                indicators: set.indicators().map(|i| quoted(&i.code)).collect(),
                checks,
                recognition_indicators: set.recognition.iter().map(|i| quoted(&i.code)).collect(),
                recognition,
                prerequisites: set
                    .requires
                    .iter()
                    .filter(|r| version.set(r).is_some_and(|p| p.level == set.level))
                    .map(|r| (quoted(r), sets.iter().position(|s| &s.id == r)))
                    .collect(),
                recognition_values,
                recognition_inputs: set
                    .recognition
                    .iter()
                    .flat_map(|i| &i.checks)
                    .map(|c| quoted(&crate::criteria::diff::input_name(&c.input)))
                    .collect(),
            });
        }
        let mut checks_at = Vec::with_capacity(keys.len());
        let mut recognition_at = 0;
        for k in &keys {
            checks_at.push(recognition_at);
            recognition_at += k.checks.len();
        }
        Chain {
            of: (version.id.clone(), districts),
            checks_at,
            recognition_at,
            version: quoted(&version.id),
            target: sets.iter().position(|s| s.id == target),
            keys,
            values,
        }
    }

    fn is(&self, version: &str, districts: bool) -> bool {
        self.of.1 == districts && self.of.0 == version
    }
}

/// The writer: a buffer in memory, and the small writes a unit is made of.
struct Out {
    w: Vec<u8>,
    ryu: ryu::Buffer,
    itoa: itoa::Buffer,
}

impl Out {
    fn new(w: Vec<u8>) -> Out {
        Out {
            w,
            ryu: ryu::Buffer::new(),
            itoa: itoa::Buffer::new(),
        }
    }

    #[inline]
    fn raw(&mut self, b: &[u8]) -> io::Result<()> {
        self.w.write_all(b)
    }

    /// A string from the data, escaped only when it needs to be.
    fn str(&mut self, s: &str) -> io::Result<()> {
        if s.bytes().any(|b| b == b'"' || b == b'\\' || b < 0x20) {
            serde_json::to_writer(&mut self.w, s).map_err(io::Error::from)
        } else {
            self.w.write_all(b"\"")?;
            self.w.write_all(s.as_bytes())?;
            self.w.write_all(b"\"")
        }
    }

    #[inline]
    fn int(&mut self, n: impl itoa::Integer) -> io::Result<()> {
        let s = self.itoa.format(n);
        self.w.write_all(s.as_bytes())
    }

    /// A number (`null` if not finite, which the reader never gives).
    #[inline]
    fn num(&mut self, v: f64) -> io::Result<()> {
        // Most figures have a decimal or two: written from integers, exactly as the shortest
        // representation (`ryu`) writes them (a decimal that divides back to `v` reads back as `v`).
        let a = v.abs();
        if a < 1e12 && v != 0.0 || v.to_bits() == 0 {
            for (scale, digits) in [(1.0, 0), (10.0, 1), (100.0, 2)] {
                // The nearest integer (below 1e14, exact as a u64), without a call to `round`.
                let n = (a * scale + 0.5) as u64;
                if n as f64 / scale == a {
                    if v < 0.0 {
                        self.w.write_all(b"-")?;
                    }
                    let (int, frac) = match digits {
                        0 => (n, 0),
                        1 => (n / 10, n % 10),
                        _ => (n / 100, n % 100),
                    };
                    let s = self.itoa.format(int);
                    self.w.write_all(s.as_bytes())?;
                    return match digits {
                        0 | 1 => self.w.write_all(&[b'.', b'0' + frac as u8]),
                        _ if frac % 10 == 0 => self.w.write_all(&[b'.', b'0' + (frac / 10) as u8]),
                        _ => self.w.write_all(&[
                            b'.',
                            b'0' + (frac / 10) as u8,
                            b'0' + (frac % 10) as u8,
                        ]),
                    };
                }
            }
        }
        if v.is_finite() {
            let s = self.ryu.format_finite(v);
            self.w.write_all(s.as_bytes())
        } else {
            self.w.write_all(b"null")
        }
    }

    fn value(&mut self, v: Value) -> io::Result<()> {
        match v {
            Value::Bool(true) => self.raw(b"true"),
            Value::Bool(false) => self.raw(b"false"),
            Value::Num(n) => self.num(n),
        }
    }

    #[inline]
    fn status(&mut self, s: Status) -> io::Result<()> {
        self.raw(match s {
            Status::Pass => b"\"pass\"",
            Status::Fail => b"\"fail\"",
            Status::Missing => b"\"missing\"",
            Status::NotApplicable => b"\"not_applicable\"",
            Status::Info => b"\"info\"",
        })
    }

    #[inline]
    fn verdict(&mut self, v: Verdict) -> io::Result<()> {
        self.raw(match v {
            Verdict::Pass => b"\"pass\"",
            Verdict::Fail => b"\"fail\"",
            Verdict::Unknown => b"\"unknown\"",
        })
    }

    /// `,"name":` (the comma unless first).
    #[inline]
    fn key(&mut self, first: &mut bool, key: &[u8]) -> io::Result<()> {
        if !std::mem::take(first) {
            self.raw(b",")?;
        }
        self.raw(key)?;
        self.raw(b":")
    }

    fn serde<T: Serialize + ?Sized>(&mut self, v: &T) -> io::Result<()> {
        serde_json::to_writer(&mut self.w, v).map_err(io::Error::from)
    }
}

/// A unit's verdicts and facts, as written: from the compiled plan or read back from an explained
/// result.
struct Unit<'u> {
    compact: &'u Compact,
    facts: &'u [Fact],
    /// The year the thresholds of each set are taken for, before clamping to its validity.
    year: i32,
    /// Still needed: the next level's position, and its open checks' positions.
    next: Option<usize>,
    open: &'u [usize],
}

/// Communes waiting to be written, and then written: what each needs, in flat buffers that are
/// reused from batch to batch.
#[derive(Default)]
struct Batch {
    /// The chains the communes are written by (shared, as they were when the batch was handed
    /// over).
    chains: Vec<Arc<Chain>>,
    /// The codes, names, districts and groups of the communes, one after the other.
    text: String,
    communes: Vec<Queued>,
    /// Each commune's compact verdicts, by its position in `communes` (kept beyond it, for their
    /// allocations).
    compacts: Vec<Compact>,
    facts: Vec<Fact>,
    open: Vec<usize>,
    /// What the writing thread wrote of them, or why it could not.
    bytes: Vec<u8>,
    failed: Option<io::Error>,
}

/// A commune of a [`Batch`]: its place in the batch's buffers.
struct Queued {
    chain: usize,
    /// The first commune of the document (written without a comma before it).
    first: bool,
    code: Range<usize>,
    name: Range<usize>,
    district: Range<usize>,
    group: Option<Range<usize>>,
    year: i32,
    line: usize,
    facts: Range<usize>,
    next: Option<usize>,
    open: Range<usize>,
}

/// Communes in a batch, at most.
const BATCH: usize = 128;
/// Batches handed to the writing thread and not yet taken back, at most.
const AHEAD: usize = 3;

impl Batch {
    fn clear(&mut self) {
        self.chains.clear();
        self.text.clear();
        self.communes.clear();
        self.facts.clear();
        self.open.clear();
        self.bytes.clear();
        self.failed = None;
    }

    /// `s` appended to `text`: where it is there.
    fn push_text(&mut self, s: &str) -> Range<usize> {
        let at = self.text.len();
        self.text.push_str(s);
        at..self.text.len()
    }

    /// Write every commune of the batch into `bytes`.
    fn write(&mut self, o: &mut Out) {
        o.w = std::mem::take(&mut self.bytes);
        o.w.clear();
        let written = self.communes.iter().enumerate().try_for_each(|(i, q)| {
            let unit = Unit {
                compact: &self.compacts[i],
                facts: &self.facts[q.facts.clone()],
                year: q.year,
                next: q.next,
                open: &self.open[q.open.clone()],
            };
            write_commune(o, &self.chains[q.chain], q, &self.text, &unit)
        });
        self.failed = written.err();
        self.bytes = std::mem::take(&mut o.w);
    }
}

/// The thread that writes the communes of each batch sent to it, and gives it back written, in
/// the order they came: scoring a row and writing its commune take about as long, so that two cores
/// share them.
struct Writer {
    to: Option<SyncSender<Batch>>,
    back: Receiver<Batch>,
    /// Batches sent and not yet taken back.
    in_flight: usize,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Writer {
    fn start() -> io::Result<Writer> {
        let (to, from) = std::sync::mpsc::sync_channel::<Batch>(AHEAD);
        let (give_back, back) = std::sync::mpsc::sync_channel(AHEAD);
        let thread = std::thread::Builder::new()
            .name("json".into())
            .spawn(move || {
                let mut o = Out::new(Vec::new());
                for mut batch in from {
                    batch.write(&mut o);
                    if give_back.send(batch).is_err() {
                        return;
                    }
                }
            })?;
        Ok(Writer {
            to: Some(to),
            back,
            in_flight: 0,
            thread: Some(thread),
        })
    }

    fn send(&mut self, batch: Batch) -> io::Result<()> {
        let sent = self.to.as_ref().is_some_and(|to| to.send(batch).is_ok());
        if !sent {
            return Err(self.stopped());
        }
        self.in_flight += 1;
        Ok(())
    }

    /// The next batch written: waiting for it when `wait`, else only if it is there.
    fn take_back(&mut self, wait: bool) -> io::Result<Option<Batch>> {
        if self.in_flight == 0 {
            return Ok(None);
        }
        let got = if wait {
            self.back.recv().map_err(|_| TryRecvError::Disconnected)
        } else {
            self.back.try_recv()
        };
        match got {
            Ok(batch) => {
                self.in_flight -= 1;
                Ok(Some(batch))
            }
            Err(TryRecvError::Empty) => Ok(None),
            Err(TryRecvError::Disconnected) => Err(self.stopped()),
        }
    }

    /// The thread has stopped (its channels closed): a panic there goes on here, as it would have
    /// had the communes been written on this thread; else it says so.
    fn stopped(&mut self) -> io::Error {
        if let Some(t) = self.thread.take()
            && let Err(panic) = t.join()
        {
            std::panic::resume_unwind(panic);
        }
        io::Error::other("the JSON report's writing thread stopped")
    }
}

impl Drop for Writer {
    fn drop(&mut self) {
        // Both channels closed end the thread, whichever it waits on.
        self.to = None;
        let (_, closed) = std::sync::mpsc::sync_channel(0);
        drop(std::mem::replace(&mut self.back, closed));
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// Streams the document: communes and districts as they come; the summaries and the rows not
/// scored at the end. The communes are written by a thread of their own ([`Writer`]), in batches;
/// the rest on the run's thread, into `out`, which goes to `dest` in large writes.
pub(super) struct JsonSink<'a, W: Write> {
    rep: &'a CheckReport<'a>,
    dest: W,
    out: Out,
    gathered: Gathered,
    communes: usize,
    districts: usize,
    chains: Vec<Arc<Chain>>,
    compact: Compact,
    facts: Vec<Fact>,
    scratch: Vec<(usize, Status, f64, usize)>,
    open: Vec<usize>,
    /// The batch being filled, and the batches written and given back, to fill again.
    batch: Batch,
    spare: Vec<Batch>,
    writer: Option<Writer>,
}

/// What `out` holds before it is passed on to the destination (a district may take it past).
const OUT_AT_MOST: usize = 1 << 18;

impl<'a, W: Write> JsonSink<'a, W> {
    pub(super) fn new(rep: &'a CheckReport<'a>, dest: W) -> io::Result<Self> {
        let gathered = Gathered::new(rep)?;
        let mut out = Out::new(Vec::with_capacity(OUT_AT_MOST));
        let sets: Vec<SetHead> = rep
            .all_sets()
            .map(|s| SetHead {
                id: &s.id,
                name: &s.name.vi,
                name_en: &s.name.en,
                decision: &s.decision,
                decision_date: &s.decision_date,
                unverified: s.unverified_count(),
            })
            .collect();
        let head = json!({
            "schema_version": CHECK_SCHEMA_VERSION,
            "criteria_version": rep.version.id,
            "criteria_origin": rep.version.origin,
            "level": rep.level,
            "target": rep.target,
            "file": rep.file,
            "sets": sets,
            "definitions": definitions(rep),
        });
        // The head without its closing brace: the communes follow.
        let mut text = serde_json::to_vec(&head).map_err(io::Error::from)?;
        text.pop();
        out.raw(&text)?;
        out.raw(b",\"communes\":[")?;
        Ok(JsonSink {
            rep,
            dest,
            out,
            gathered,
            communes: 0,
            districts: 0,
            chains: Vec::new(),
            compact: Compact::default(),
            facts: Vec::new(),
            scratch: Vec::new(),
            open: Vec::new(),
            batch: Batch::default(),
            spare: Vec::new(),
            writer: None,
        })
    }

    /// The commune chain of `version` (or its district chain), `sets`: found by the version's id,
    /// else made once.
    fn chain(
        &mut self,
        version: &Version,
        districts: bool,
        sets: &[&CriteriaSet],
        target: &str,
    ) -> usize {
        if let Some(i) = self
            .chains
            .iter()
            .position(|c| c.is(&version.id, districts))
        {
            return i;
        }
        self.chains
            .push(Arc::new(Chain::new(version, districts, sets, target)));
        self.chains.len() - 1
    }

    /// Send what `out` holds to the destination.
    fn drain_out(&mut self) -> io::Result<()> {
        self.dest.write_all(&self.out.w)?;
        self.out.w.clear();
        Ok(())
    }

    /// A batch the writing thread gave back: its communes go to the destination (after what
    /// `out` holds, which came before them), and it is kept to be filled again.
    fn pass_on(&mut self, mut batch: Batch) -> io::Result<()> {
        if let Some(e) = batch.failed.take() {
            return Err(e);
        }
        self.drain_out()?;
        self.dest.write_all(&batch.bytes)?;
        self.spare.push(batch);
        Ok(())
    }

    /// Send the batch being filled to the writing thread (started the first time), and pass on
    /// what it has written; with `all`, wait until it has written everything.
    fn send_batch(&mut self, all: bool) -> io::Result<()> {
        if !self.batch.communes.is_empty() {
            if self.writer.is_none() {
                self.writer = Some(Writer::start()?);
            }
            let next = self.spare.pop().unwrap_or_default();
            let mut full = std::mem::replace(&mut self.batch, next);
            self.batch.clear();
            full.chains.clone_from(&self.chains);
            if let Some(w) = self.writer.as_mut() {
                w.send(full)?;
            }
        }
        loop {
            let Some(w) = self.writer.as_mut() else {
                return Ok(());
            };
            let wait = all || w.in_flight >= AHEAD;
            match w.take_back(wait)? {
                Some(batch) => self.pass_on(batch)?,
                None => return Ok(()),
            }
        }
    }
}

impl<W: Write> Sink for JsonSink<'_, W> {
    fn wants_explained(&self) -> bool {
        false
    }

    fn unit(&mut self, scored: &Scored, explained: Option<&UnitResult>) -> io::Result<()> {
        self.gathered.count(scored);
        if self.rep.summary_only {
            return Ok(());
        }
        let target = self
            .rep
            .versions
            .iter()
            .find(|v| v.version.id == scored.version.id)
            .map_or(self.rep.target.as_str(), |v| v.target.as_str());
        let ci = self.chain(scored.version, false, scored.sets, target);
        // The compiled plan's verdicts and facts; the explained result read back when the chain
        // could not be compiled.
        let compact = match (scored.plan, explained) {
            (Some(plan), _) => {
                plan.facts(scored.row, scored.compact, &mut self.facts);
                scored.compact
            }
            (None, Some(r)) => {
                facts::from_explained(r, scored.sets, &mut self.compact, &mut self.facts);
                &self.compact
            }
            (None, None) => {
                return Err(io::Error::other(
                    "a commune scored neither by a plan nor explained",
                ));
            }
        };
        let next = still_needed_at(
            scored.sets,
            compact,
            &self.facts,
            &mut self.scratch,
            &mut self.open,
        );
        // Queued for the writing thread: everything the commune's text is made of.
        let b = &mut self.batch;
        let n = b.communes.len();
        if b.compacts.len() == n {
            b.compacts.push(Compact::default());
        }
        b.compacts[n].copy_from(compact);
        let row = scored.row;
        let facts = b.facts.len()..b.facts.len() + self.facts.len();
        b.facts.extend_from_slice(&self.facts);
        let open = b.open.len()..b.open.len() + self.open.len();
        b.open.extend_from_slice(&self.open);
        let queued = Queued {
            chain: ci,
            first: self.communes == 0,
            code: b.push_text(&row.code),
            name: b.push_text(&row.name),
            district: b.push_text(&row.parent),
            group: row.group.as_deref().map(|g| b.push_text(g)),
            year: row.year,
            line: row.line,
            facts,
            next,
            open,
        };
        b.communes.push(queued);
        self.communes += 1;
        if b.communes.len() >= BATCH {
            self.send_batch(false)?;
        }
        Ok(())
    }

    fn district(&mut self, d: DistrictResult) -> io::Result<()> {
        if self.districts == 0 {
            // Every commune written before the first district.
            self.send_batch(true)?;
            self.out.raw(b"\n],\"districts\":[")?;
        }
        let r = &d.unit;
        let Some(vs) = self.rep.versions.iter().find(|v| v.version.id == r.version) else {
            return Err(io::Error::other(
                "a district scored by a version not in the report",
            ));
        };
        let (version, sets) = (vs.version, vs.district_sets.clone());
        let target = sets.last().map_or(String::new(), |s| s.id.clone());
        let ci = self.chain(version, true, &sets, &target);
        facts::from_explained(r, &sets, &mut self.compact, &mut self.facts);
        let next = still_needed_at(
            &sets,
            &self.compact,
            &self.facts,
            &mut self.scratch,
            &mut self.open,
        );
        let unit = Unit {
            compact: &self.compact,
            facts: &self.facts,
            year: r.year,
            next,
            open: &self.open,
        };
        let chain = &self.chains[ci];
        let o = &mut self.out;
        o.raw(if self.districts == 0 { b"\n" } else { b",\n" })?;
        self.districts += 1;
        o.raw(b"{\"criteria_version\":")?;
        o.raw(&chain.version)?;
        o.raw(b",\"code\":")?;
        o.str(&r.code)?;
        o.raw(b",\"name\":")?;
        o.str(&r.name)?;
        o.raw(b",\"year\":")?;
        o.int(r.year)?;
        o.raw(b",\"line\":")?;
        o.int(r.line)?;
        if let Some(key) = unit.compact.level.and_then(|l| chain.keys.get(l)) {
            o.raw(b",\"level_reached\":")?;
            o.raw(&key.id)?;
        }
        let set = d.district_set();
        if let Some(q) = set.and_then(|s| s.qualified.as_bool()) {
            o.raw(if q {
                b",\"qualified\":true"
            } else {
                b",\"qualified\":false"
            })?;
        }
        if let Some(s) = set {
            o.raw(b",\"criteria_met\":")?;
            o.int(s.criteria_met)?;
            o.raw(b",\"criteria_total\":")?;
            o.int(s.criteria_total)?;
        }
        o.raw(b",\"communes_total\":")?;
        o.int(d.communes_total)?;
        o.raw(b",\"communes_ntm\":")?;
        o.int(d.communes_ntm)?;
        if let Some(s) = d.share_ntm {
            o.raw(b",\"share_ntm\":")?;
            o.num(s)?;
        }
        o.raw(b",\"shares\":")?;
        o.serde(&d.shares)?;
        o.raw(b",\"blocking_communes\":")?;
        o.serde(&d.blocking_communes)?;
        o.raw(b",\"communes_over\":")?;
        o.serde(&d.over)?;
        o.raw(b",\"missing_communes\":")?;
        o.serde(&d.missing_communes)?;
        write_body(o, chain, &unit)?;
        o.raw(b"}")?;
        if o.w.len() >= OUT_AT_MOST {
            self.drain_out()?;
        }
        Ok(())
    }

    fn unscored(&mut self, u: Unscored) -> io::Result<()> {
        self.gathered.unscored.push(u);
        Ok(())
    }

    fn finish(&mut self, problems: &[Problem], _outcome: &Outcome) -> io::Result<()> {
        self.send_batch(true)?;
        let o = &mut self.out;
        // Close the array open: the districts', if any came, else the communes'.
        let n = if self.districts > 0 {
            self.districts
        } else {
            self.communes
        };
        o.raw(if n == 0 { b"]" } else { b"\n]" })?;
        if self.districts == 0 && !self.rep.district_sets.is_empty() {
            o.raw(b",\"districts\":[]")?;
        }
        let summaries = self.gathered.summaries();
        o.raw(b",\"summaries\":")?;
        o.serde(&summaries)?;
        o.raw(b",\"unscored\":")?;
        o.serde(&self.gathered.unscored)?;
        o.raw(b",\"problems\":")?;
        o.serde(problems)?;
        o.raw(b"}\n")?;
        self.drain_out()?;
        self.dest.flush()
    }
}

/// The commune `q` of a batch, its code, name, district and group in `text`.
fn write_commune(
    o: &mut Out,
    chain: &Chain,
    q: &Queued,
    text: &str,
    unit: &Unit,
) -> io::Result<()> {
    let compact = unit.compact;
    o.raw(if q.first { b"\n" } else { b",\n" })?;
    o.raw(b"{\"criteria_version\":")?;
    o.raw(&chain.version)?;
    o.raw(b",\"code\":")?;
    o.str(&text[q.code.clone()])?;
    o.raw(b",\"name\":")?;
    o.str(&text[q.name.clone()])?;
    o.raw(b",\"district\":")?;
    o.str(&text[q.district.clone()])?;
    o.raw(b",\"year\":")?;
    o.int(q.year)?;
    o.raw(b",\"line\":")?;
    o.int(q.line)?;
    if let Some(g) = &q.group {
        o.raw(b",\"group\":")?;
        o.str(&text[g.clone()])?;
    }
    if let Some(key) = compact.level.and_then(|l| chain.keys.get(l)) {
        o.raw(b",\"level_reached\":")?;
        o.raw(&key.id)?;
    }
    if let Some(t) = chain.target
        && let Some(key) = chain.keys.get(t)
        && let Some(met) = compact.met.get(t)
    {
        if let Some(q) = compact.qualified.get(t).and_then(|q| q.as_bool()) {
            o.raw(if q {
                b",\"qualified\":true"
            } else {
                b",\"qualified\":false"
            })?;
        }
        o.raw(b",\"criteria_met\":")?;
        o.int(*met)?;
        o.raw(b",\"criteria_total\":")?;
        o.int(key.criteria.len())?;
    }
    write_body(o, chain, unit)?;
    o.raw(b"}")
}

/// What every unit has after its identity: `values`, `sets`, `still_needed`, `recognition`.
fn write_body(o: &mut Out, chain: &Chain, u: &Unit) -> io::Result<()> {
    let c = u.compact;
    // Each value once, by the input it is read from.
    o.raw(b",\"values\":{")?;
    let mut first = true;
    let (checks_at, recognition_at) = (&chain.checks_at, chain.recognition_at);
    for (k, key) in &chain.values {
        if let Some(v) = u.facts.get(*k).and_then(|f| f.value) {
            o.key(&mut first, key)?;
            o.value(v)?;
        }
    }
    let ready_set = c.readiness.map(|(s, _, _)| s);
    if let Some(keys) = ready_set.and_then(|s| chain.keys.get(s)) {
        for &n in &keys.recognition_values {
            if let Some(v) = u.facts.get(recognition_at + n).and_then(|f| f.value) {
                o.key(&mut first, &keys.recognition_inputs[n])?;
                o.value(v)?;
            }
        }
    }
    o.raw(b"},\"sets\":{")?;
    let mut ind_at = 0;
    for (i, keys) in chain.keys.iter().enumerate() {
        if i > 0 {
            o.raw(b",")?;
        }
        o.raw(&keys.id)?;
        o.raw(b":{\"status\":")?;
        o.verdict(c.status.get(i).copied().unwrap_or(Verdict::Unknown))?;
        match c.qualified.get(i).and_then(|q| q.as_bool()) {
            Some(true) => o.raw(b",\"qualified\":true")?,
            Some(false) => o.raw(b",\"qualified\":false")?,
            None => {}
        }
        o.raw(b",\"criteria_met\":")?;
        o.int(c.met.get(i).copied().unwrap_or(0))?;
        o.raw(b",\"criteria_total\":")?;
        o.int(keys.criteria.len())?;
        // As the plan and the explained evaluation take them: the year, within the set's validity.
        o.raw(b",\"threshold_year\":")?;
        o.int(u.year.clamp(keys.valid.0, keys.valid.1))?;
        let mut first = true;
        for (p, j) in &keys.prerequisites {
            let v = j
                .and_then(|j| c.qualified.get(j).copied())
                .unwrap_or(Verdict::Unknown);
            if v != Verdict::Pass {
                if first {
                    o.raw(b",\"prerequisites_unmet\":{")?;
                }
                o.key(&mut first, p)?;
                o.verdict(v)?;
            }
        }
        if !first {
            o.raw(b"}")?;
        }
        // What did not pass; whatever else the set defines passed.
        o.raw(b",\"not_passed\":{\"criteria\":{")?;
        let range = c.set_criteria.get(i).cloned().unwrap_or(0..0);
        let mut first = true;
        for (key, v) in keys
            .criteria
            .iter()
            .zip(c.criteria.get(range).unwrap_or_default())
        {
            if *v != Verdict::Pass {
                o.key(&mut first, key)?;
                o.verdict(*v)?;
            }
        }
        o.raw(b"},")?;
        let inds = c.indicators.get(ind_at..).unwrap_or(&[]);
        write_indicators(o, &keys.indicators, inds)?;
        ind_at += keys.indicators.len();
        let start = checks_at[i];
        let facts = u.facts.get(start..).unwrap_or(&[]);
        write_checks(o, &keys.checks, &keys.checks_special, facts)?;
        o.raw(b"}")?;
    }
    o.raw(b"}")?;
    if let Some(next) = u.next.and_then(|n| chain.keys.get(n)) {
        o.raw(b",\"still_needed\":{\"set\":")?;
        o.raw(&next.id)?;
        o.raw(b",\"checks\":[")?;
        for (n, &k) in u.open.iter().enumerate() {
            if n > 0 {
                o.raw(b",")?;
            }
            o.raw(chain_check_key(chain, checks_at, k))?;
        }
        o.raw(b"]}")?;
    }
    if let Some((s, conditions, ready)) = c.readiness
        && let Some(keys) = chain.keys.get(s)
    {
        o.raw(b",\"recognition\":{\"set\":")?;
        o.raw(&keys.id)?;
        o.raw(if conditions.is_some() {
            b",\"assessed\":true"
        } else {
            b",\"assessed\":false"
        })?;
        if let Some(v) = conditions {
            o.raw(b",\"conditions\":")?;
            o.verdict(v)?;
        }
        match ready.and_then(Verdict::as_bool) {
            Some(true) => o.raw(b",\"ready\":true")?,
            Some(false) => o.raw(b",\"ready\":false")?,
            None => {}
        }
        o.raw(b",\"not_passed\":{")?;
        let inds = c.indicators.get(ind_at..).unwrap_or(&[]);
        write_indicators(o, &keys.recognition_indicators, inds)?;
        let facts = u.facts.get(recognition_at..).unwrap_or(&[]);
        write_checks(o, &keys.recognition, &keys.recognition_special, facts)?;
        o.raw(b"}")?;
    }
    Ok(())
}

/// The key of the chain's check at position `k` (`checks_at`: where each set's checks begin).
fn chain_check_key<'c>(chain: &'c Chain, checks_at: &[usize], k: usize) -> &'c [u8] {
    let i = checks_at.partition_point(|s| *s <= k).saturating_sub(1);
    chain
        .keys
        .get(i)
        .and_then(|s| s.checks.get(k - checks_at[i]))
        .map_or(b"\"\"", |c| &c.key)
}

/// `"indicators":{…},` of `not_passed`: those that did not pass.
fn write_indicators(o: &mut Out, keys: &[Vec<u8>], statuses: &[Status]) -> io::Result<()> {
    o.raw(b"\"indicators\":{")?;
    let mut first = true;
    for (key, s) in keys.iter().zip(statuses) {
        if *s != Status::Pass {
            o.key(&mut first, key)?;
            o.status(*s)?;
        }
    }
    o.raw(b"},")
}

/// `"checks":{…}}` closing `not_passed` (the checks that did not pass), then the `gaps`,
/// `thresholds` and `threshold_cases` there are.
fn write_checks(
    o: &mut Out,
    keys: &[CheckKey],
    special: &Special,
    facts: &[Fact],
) -> io::Result<()> {
    o.raw(b"\"checks\":{")?;
    let mut first = true;
    let mut gaps = false;
    for (key, f) in keys.iter().zip(facts) {
        gaps |= f.gap.is_some();
        if f.status != Status::Pass {
            o.key(&mut first, &key.key)?;
            o.status(f.status)?;
        }
    }
    o.raw(b"}}")?;
    if gaps {
        let gaps = keys
            .iter()
            .zip(facts)
            .filter_map(|(k, f)| Some((k, f.gap?)));
        member(o, b"gaps", gaps, Out::num)?;
    }
    let at = |i: &usize| Some((keys.get(*i)?, facts.get(*i)?));
    // A threshold of the commune's own that did not resolve (its condition's cell empty) is
    // `null`: the definition's threshold for the year is not the one it was judged against.
    let own = special
        .own
        .iter()
        .filter_map(at)
        .map(|(k, f)| (k, f.threshold));
    member(o, b"thresholds", own, |o, t| match t {
        Some(t) => o.num(t),
        None => o.raw(b"null"),
    })?;
    let cases = special
        .cased
        .iter()
        .filter_map(at)
        .filter_map(|(k, f)| Some((k, f.case.and_then(|n| k.cases.get(n))?)));
    member(o, b"threshold_cases", cases, |o, case| o.raw(case))
}

/// `,"name":{"check":value,…}` for the checks `items` lists, each value written by `write`; nothing
/// when it lists none.
fn member<'k, T>(
    o: &mut Out,
    name: &[u8],
    items: impl Iterator<Item = (&'k CheckKey, T)>,
    mut write: impl FnMut(&mut Out, T) -> io::Result<()>,
) -> io::Result<()> {
    let mut first = true;
    for (key, v) in items {
        if first {
            o.raw(b",\"")?;
            o.raw(name)?;
            o.raw(b"\":{")?;
        }
        o.key(&mut first, &key.key)?;
        write(o, v)?;
    }
    if !first {
        o.raw(b"}")?;
    }
    Ok(())
}

/// What is the same for every unit: per version, per set, its criteria, indicators and checks with
/// their comparison, unit and thresholds for each year of the set's validity.
fn definitions(rep: &CheckReport) -> Json {
    let mut by_version = Map::new();
    let mut versions: Vec<(&Version, Vec<&CriteriaSet>)> = rep
        .versions
        .iter()
        .map(|v| {
            let mut sets = v.sets.clone();
            sets.extend(v.district_sets.iter().copied());
            (v.version, sets)
        })
        .collect();
    if versions.is_empty() {
        versions.push((rep.version, rep.all_sets().collect()));
    }
    for (version, sets) in versions {
        let mut defs = Map::new();
        for set in sets {
            defs.insert(set.id.clone(), set_definition(version, set));
        }
        by_version.insert(version.id.clone(), Json::Object(defs));
    }
    Json::Object(by_version)
}

fn set_definition(version: &Version, set: &CriteriaSet) -> Json {
    let mut indicators = Map::new();
    let mut checks = Map::new();
    for c in &set.criteria {
        for ind in &c.indicators {
            indicators.insert(
                ind.code.clone(),
                indicator_definition(version, set, ind, Some(&c.number), &mut checks),
            );
        }
    }
    let mut out = Map::new();
    out.insert("level".into(), json!(set.level));
    out.insert("name".into(), json!(set.name.vi));
    out.insert("name_en".into(), json!(set.name.en));
    if !set.requires.is_empty() {
        out.insert("requires".into(), json!(set.requires));
    }
    out.insert("valid_from".into(), json!(set.valid_from));
    out.insert("valid_to".into(), json!(set.valid_to));
    out.insert(
        "criteria".into(),
        Json::Array(
            set.criteria
                .iter()
                .map(|c| {
                    let codes: Vec<&str> = c.indicators.iter().map(|i| i.code.as_str()).collect();
                    crate::report::criterion_json(c, [("indicators", json!(codes))])
                })
                .collect(),
        ),
    );
    out.insert("indicators".into(), Json::Object(indicators));
    out.insert("checks".into(), Json::Object(checks));
    if !set.recognition.is_empty() {
        let mut indicators = Map::new();
        let mut checks = Map::new();
        for ind in &set.recognition {
            indicators.insert(
                ind.code.clone(),
                indicator_definition(version, set, ind, None, &mut checks),
            );
        }
        out.insert(
            "recognition".into(),
            json!({ "indicators": indicators, "checks": checks }),
        );
    }
    Json::Object(out)
}

fn indicator_definition(
    version: &Version,
    set: &CriteriaSet,
    ind: &Indicator,
    criterion: Option<&str>,
    checks: &mut Map<String, Json>,
) -> Json {
    let mut out = Map::new();
    if let Some(c) = criterion {
        out.insert("criterion".into(), json!(c));
    }
    out.insert("name".into(), json!(ind.name.vi));
    out.insert("name_en".into(), json!(ind.name.en));
    if ind.optional {
        out.insert("optional".into(), json!(true));
    }
    out.insert("verified".into(), json!(ind.verified()));
    let mut names = Vec::new();
    for c in &ind.checks {
        let name = check_name(set, ind, c);
        checks.insert(name.clone(), check_definition(version, set, ind, c));
        names.push(name);
    }
    out.insert("checks".into(), json!(names));
    Json::Object(out)
}

fn check_definition(version: &Version, set: &CriteriaSet, ind: &Indicator, c: &Check) -> Json {
    let mut out = Map::new();
    out.insert("indicator".into(), json!(ind.code));
    out.insert(
        "input".into(),
        json!(crate::criteria::diff::input_name(&c.input)),
    );
    out.insert("kind".into(), json!(c.kind));
    if let Some(l) = &c.label {
        out.insert("label".into(), json!(l.vi));
        out.insert("label_en".into(), json!(l.en));
    }
    if let Some(u) = &c.unit {
        out.insert("unit".into(), json!(u.vi));
        out.insert("unit_en".into(), json!(u.en));
    }
    if c.context {
        out.insert("context".into(), json!(true));
    }
    if let Some(op) = c.op {
        out.insert("op".into(), json!(op.symbol()));
    }
    out.insert("verified".into(), json!(c.verified));
    if let (Some(t), false) = (&c.threshold, c.context) {
        // The threshold of each year of the set's validity that does not depend on the unit (for a
        // conditional threshold: when no case holds).
        let base = match t {
            Threshold::When { otherwise, .. } => otherwise.as_ref(),
            t => t,
        };
        let mut years = Map::new();
        if !base.by_group(version) {
            for y in set.valid_from..=set.valid_to {
                if let Ok(r) = base.resolve(y, version, &|_| None) {
                    years.insert(y.to_string(), json!(r.value));
                }
            }
        }
        if !years.is_empty() {
            out.insert("thresholds".into(), Json::Object(years));
        }
        threshold_rule(version, set, base, &mut out);
        if let Threshold::When { cases, .. } = t {
            let cases: Vec<Json> = cases
                .iter()
                .map(|k| {
                    json!({
                        "column": k.column,
                        "op": k.op.symbol(),
                        "value": k.value,
                        "threshold": k.threshold,
                    })
                })
                .collect();
            out.insert("threshold_when".into(), Json::Array(cases));
        }
    }
    Json::Object(out)
}

/// How a threshold is given, beyond its value each year: dated values, a derivation, a value per
/// commune group (each group's, each year).
fn threshold_rule(
    version: &Version,
    set: &CriteriaSet,
    t: &Threshold,
    out: &mut Map<String, Json>,
) {
    match t {
        Threshold::ByYear(values) => {
            let dated: Map<String, Json> = values
                .iter()
                .map(|(y, v)| (y.to_string(), json!(v)))
                .collect();
            out.insert("threshold_dated".into(), Json::Object(dated));
        }
        Threshold::From {
            set: from,
            indicator,
            factor,
        } => {
            out.insert(
                "threshold_from".into(),
                json!({ "set": from, "indicator": indicator, "factor": factor }),
            );
        }
        _ => {}
    }
    if t.by_group(version) {
        let mut groups = Map::new();
        for g in version.groups() {
            let (mut years, mut dated) = (Map::new(), Map::new());
            for y in set.valid_from..=set.valid_to {
                if let Ok(r) = t.resolve_in(y, Some(&g.id), version, &|_| None) {
                    years.insert(y.to_string(), json!(r.value));
                    if let Some(d) = r.dated {
                        dated.insert(y.to_string(), json!(d));
                    }
                }
            }
            let mut one = Map::new();
            one.insert("thresholds".into(), Json::Object(years));
            if !dated.is_empty() {
                // For each year, the year of the dated value in force.
                one.insert("dated".into(), Json::Object(dated));
            }
            groups.insert(g.id.clone(), Json::Object(one));
        }
        out.insert("threshold_by_group".into(), Json::Object(groups));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn written(v: f64) -> String {
        let mut o = Out::new(Vec::new());
        o.num(v).unwrap();
        String::from_utf8(o.w).unwrap()
    }

    #[test]
    fn numbers_are_written_as_the_shortest_representation_writes_them() {
        let mut all = vec![
            0.0,
            -0.0,
            1e12,
            1e13,
            0.01,
            0.001,
            45.36,
            52.8,
            1.1 * 48.0,
            3.2,
            // Next to halves, where rounding by adding a half could go wrong.
            0.499_999_999_999_999_94,
            0.5,
            2.5,
            0.049_999_999_999_999_996,
            999_999_999_999.99,
            999_999_999_999.5,
        ];
        // Every figure with up to three decimals up to 1,000, and a few large and negative ones.
        all.extend((0..1_000_000).map(|n| f64::from(n) / 1000.0));
        all.extend((0..100_000).map(|n| -f64::from(n) / 100.0));
        all.extend((0..1000).map(|n| f64::from(n) * 1e9 + 0.25));
        for v in all {
            let mut b = ryu::Buffer::new();
            assert_eq!(written(v), b.format(v), "{v:?}");
        }
        assert_eq!(written(f64::NAN), "null");
    }
}
