//! The (code, year) keys of the rows read so far, and the line each was first read on, so that a
//! second row for the same unit and year is refused with the line of the first.
//!
//! A file of a million rows keeps a million keys, so what a key costs is what the check costs past
//! its flat part. [`Seen`] keeps about 13–15 bytes a key, and never more than 16 even while it grows:
//! a key is a 64-bit hash of the code and year, kept with its line as a `u32` (12 bytes), in tables
//! filled to between 80 % and 90 %. A general-purpose hash map doubles, so at its worst it is less
//! than half full and, while it grows, holds its old table and its new one at once: about 55 bytes a
//! key was measured with `HashMap<u64, usize>` at a million rows.
//!
//! How: the keys are split by their top 8 bits into 256 tables, so that growing one table needs room
//! for 1/256 of the keys, and a table grows by an eighth, not twice. Each table is an ordered
//! linear-probing table: a key's first slot is its place in the table's share of the key space
//! (`key × slots`, so that slots follow the keys' order), and the keys are kept in order, each at or
//! after its first slot, with no empty slot between. A look-up then stops at the first key not
//! smaller than its own (about five slots at 90 %), and growing a table is a single pass in order.
//! An insert moves the keys up to the next empty slot one place on.
//!
//! The keys are hashed with a seed chosen at random for each file, so that data cannot be made to
//! crowd one table. Two different keys share a hash about once in 2⁶⁴ pairs; the hash 0, which marks
//! an empty slot, is kept as 1.

use std::collections::HashMap;
use std::hash::{BuildHasher, Hash, Hasher, RandomState};

/// The smallest table that is made (a table is made at its first key).
const MIN_SLOTS: usize = 16;

/// The (code, year) keys read so far, each with the line of its first row.
pub struct Seen {
    seed: RandomState,
    tables: Vec<Table>,
    /// Lines past `u32::MAX`, by key (a file of over four billion lines; never in practice).
    far: HashMap<u64, usize>,
}

impl Default for Seen {
    fn default() -> Self {
        Seen::new()
    }
}

impl Seen {
    pub fn new() -> Self {
        Seen {
            seed: RandomState::new(),
            tables: (0..256).map(|_| Table::default()).collect(),
            far: HashMap::new(),
        }
    }

    /// Note that the row of `code` and `year` is at `line`; if a row of them was read before, the
    /// line of the first is given back and nothing is noted.
    pub fn insert(&mut self, code: &str, year: i32, line: usize) -> Option<usize> {
        let mut h = self.seed.build_hasher();
        code.hash(&mut h);
        year.hash(&mut h);
        self.insert_hash(h.finish(), line)
    }

    fn insert_hash(&mut self, key: u64, line: usize) -> Option<usize> {
        let key = key.max(1);
        let table = &mut self.tables[(key >> 56) as usize];
        let short = u32::try_from(line).unwrap_or(u32::MAX);
        match table.insert(key, short) {
            Some(u32::MAX) => Some(self.far.get(&key).copied().unwrap_or(u32::MAX as usize)),
            Some(first) => Some(first as usize),
            None => {
                if short == u32::MAX {
                    self.far.insert(key, line);
                }
                None
            }
        }
    }

    /// Make room at once for about `keys` keys in all, when that many are expected (from a file's
    /// size): the tables are then made once at their size, not grown an eighth at a time. Growing
    /// frees each table's old slots as it makes the new, and an allocator keeps what is freed for a
    /// while: at a million rows, a check's peak memory was 61 MiB grown and 41 MiB made at once.
    /// Each table is made for its share and three standard deviations more (a table's share of
    /// random keys varies by about its square root) at 90 % full, the fill at which it grows: so
    /// about one in 700 grows, and a million keys take about 14 bytes each. More keys than expected grow
    /// the tables as usual.
    pub fn expect(&mut self, keys: usize) {
        let share = keys / 256;
        let slots = share.saturating_add(3 * share.isqrt()).saturating_mul(10) / 9 + 1;
        for table in &mut self.tables {
            if slots > table.slots {
                table.grow_to(slots.max(MIN_SLOTS));
            }
        }
    }

    /// How many keys are kept.
    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.tables.iter().map(|t| t.len).sum()
    }

    /// The bytes the keys take (the slots, empty ones included).
    #[cfg(test)]
    pub fn bytes(&self) -> usize {
        self.tables
            .iter()
            .map(|t| t.keys.capacity() * 8 + t.lines.capacity() * 4)
            .sum()
    }
}

/// One table: its keys in order (0 is an empty slot), the line of each, and how many keys it holds.
/// The first `slots` slots are where keys start; a run of keys may go on past them into slots added
/// at the end as needed.
#[derive(Default)]
struct Table {
    keys: Vec<u64>,
    lines: Vec<u32>,
    slots: usize,
    len: usize,
}

impl Table {
    /// The first slot of `key` among `slots`: the place of its low 56 bits (the top 8 chose the
    /// table) in `0..slots`, in the keys' order.
    fn first_slot(key: u64, slots: usize) -> usize {
        ((u128::from(key << 8) * slots as u128) >> 64) as usize
    }

    fn insert(&mut self, key: u64, line: u32) -> Option<u32> {
        if self.len * 10 >= self.slots * 9 {
            self.grow();
        }
        let mut at = Table::first_slot(key, self.slots);
        while at < self.keys.len() && self.keys[at] != 0 && self.keys[at] < key {
            at += 1;
        }
        if at < self.keys.len() && self.keys[at] == key {
            return Some(self.lines[at]);
        }
        let empty = match self.keys[at..].iter().position(|&k| k == 0) {
            Some(n) => at + n,
            None => push_empty(&mut self.keys, &mut self.lines),
        };
        self.keys.copy_within(at..empty, at + 1);
        self.lines.copy_within(at..empty, at + 1);
        self.keys[at] = key;
        self.lines[at] = line;
        self.len += 1;
        None
    }

    /// Make room: slots for the keys at 80 %.
    fn grow(&mut self) {
        self.grow_to((self.len * 10 / 8 + 1).max(MIN_SLOTS));
    }

    /// Place the keys again in `slots` slots (at least as many as they need), in one pass in order.
    fn grow_to(&mut self, slots: usize) {
        let mut keys = Vec::with_capacity(slots + slots / 64);
        let mut lines = Vec::with_capacity(slots + slots / 64);
        keys.resize(slots, 0);
        lines.resize(slots, 0);
        let mut next = 0;
        for (&key, &line) in self.keys.iter().zip(&self.lines) {
            if key == 0 {
                continue;
            }
            let at = Table::first_slot(key, slots).max(next);
            if at == keys.len() {
                push_empty(&mut keys, &mut lines);
            }
            keys[at] = key;
            lines[at] = line;
            next = at + 1;
        }
        self.keys = keys;
        self.lines = lines;
        self.slots = slots;
    }
}

/// Add an empty slot at the end and give its index. Past the room made at the last growth, room
/// for a few more slots is added, not (as `push` would) as many again: a table whose keys run on
/// past its end would otherwise take twice its size until it next grows.
fn push_empty(keys: &mut Vec<u64>, lines: &mut Vec<u32>) -> usize {
    const MORE: usize = 8;
    if keys.len() == keys.capacity() {
        keys.reserve_exact(MORE);
    }
    if lines.len() == lines.capacity() {
        lines.reserve_exact(MORE);
    }
    keys.push(0);
    lines.push(0);
    keys.len() - 1
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::Strategy as _;

    /// The same answers as a hash map, for any keys, however crowded.
    fn agrees(keys: &[(u64, usize)]) -> Result<(), String> {
        let mut seen = Seen::new();
        let mut map: HashMap<u64, usize> = HashMap::new();
        for &(key, line) in keys {
            let want = map.get(&key.max(1)).copied();
            if want.is_none() {
                map.insert(key.max(1), line);
            }
            let got = seen.insert_hash(key, line);
            if got != want {
                return Err(format!(
                    "key {key:#x} line {line}: {got:?}, expected {want:?}"
                ));
            }
        }
        if seen.len() != map.len() {
            return Err(format!("{} keys kept, expected {}", seen.len(), map.len()));
        }
        for table in &seen.tables {
            let kept: Vec<u64> = table.keys.iter().copied().filter(|&k| k != 0).collect();
            if !kept.is_sorted() {
                return Err("a table's keys are out of order".into());
            }
        }
        Ok(())
    }

    #[test]
    fn a_second_row_of_a_key_gets_the_first_line() {
        let mut seen = Seen::new();
        assert_eq!(seen.insert("X1", 2024, 2), None);
        assert_eq!(seen.insert("X2", 2024, 3), None);
        assert_eq!(seen.insert("X1", 2023, 4), None);
        assert_eq!(seen.insert("X1", 2024, 5), Some(2));
        assert_eq!(seen.insert("X1", 2024, 6), Some(2));
        assert_eq!(seen.insert("X2", 2024, 7), Some(3));
        assert_eq!(seen.len(), 3);
    }

    #[test]
    fn keys_at_the_edges_and_crowded_together() {
        // 0 is kept as 1; the largest key; keys in one table, next to each other, which all start
        // at the table's last slot and run on past it.
        let mut keys = vec![(0, 1), (1, 2), (u64::MAX, 3), (u64::MAX - 1, 4), (0, 5)];
        for i in 0..5000u64 {
            keys.push((u64::MAX - 2 - i, 10 + i as usize));
            keys.push((0x0100_0000_0000_0000 + i, 20_000 + i as usize));
        }
        keys.push((u64::MAX - 7, 99));
        agrees(&keys).unwrap();
    }

    #[test]
    fn a_line_past_u32_is_given_back_whole() {
        let far = u32::MAX as usize + 10;
        let mut seen = Seen::new();
        assert_eq!(seen.insert_hash(42, far), None);
        assert_eq!(seen.insert_hash(43, u32::MAX as usize), None);
        assert_eq!(seen.insert_hash(42, 7), Some(far));
        assert_eq!(seen.insert_hash(43, 7), Some(u32::MAX as usize));
    }

    #[test]
    fn many_keys_take_at_most_sixteen_bytes_each() {
        let mut seen = Seen::new();
        let mut worst = 0.0f64;
        // Past the first tables' smallest size (256 tables of 16 slots), at every 500th key.
        for line in 1..=150_000usize {
            assert_eq!(seen.insert_hash(mix(line as u64), line), None);
            if line >= 20_000 && line % 500 == 0 {
                worst = worst.max(seen.bytes() as f64 / line as f64);
            }
        }
        assert_eq!(seen.len(), 150_000);
        assert!(worst <= 16.0, "{worst:.1} bytes a key");
    }

    #[test]
    fn expected_keys_are_made_room_for_once() {
        let mut seen = Seen::new();
        seen.insert_hash(5, 1);
        seen.expect(100_000);
        let slots: Vec<usize> = seen.tables.iter().map(|t| t.slots).collect();
        assert!(slots.iter().all(|&s| s == (390 + 3 * 19) * 10 / 9 + 1));
        assert_eq!(seen.insert_hash(5, 2), Some(1), "a key kept before is kept");
        for line in 2..=100_000usize {
            assert_eq!(seen.insert_hash(mix(line as u64), line), None);
        }
        // A table past three standard deviations over its share grows: about one in 700.
        let grew = seen.tables.iter().filter(|t| t.slots != slots[0]).count();
        assert!(grew <= 5, "{grew} tables grew");
        assert!(seen.bytes() <= 16 * 100_000, "{} bytes", seen.bytes());
        // Fewer than expected does not shrink the tables; more than expected grows them.
        seen.expect(10);
        assert_eq!(seen.tables[0].slots, slots[0]);
        for line in 100_001..=200_000usize {
            assert_eq!(seen.insert_hash(mix(line as u64), line), None);
        }
        assert!(seen.tables.iter().all(|t| t.slots > slots[0]));
        assert_eq!(seen.len(), 200_000);
    }

    /// A fixed mix (splitmix64), as a hash gives.
    fn mix(n: u64) -> u64 {
        let mut z = n.wrapping_mul(0x9E37_79B9_7F4A_7C15);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(256))]
        #[test]
        fn agrees_with_a_hash_map(
            keys in proptest::collection::vec(
                (proptest::prop_oneof![
                    proptest::num::u64::ANY,
                    0u64..64,
                    (0u64..8).prop_map(|k| u64::MAX - k),
                    (0u64..300).prop_map(|k| (7u64 << 56) | k << 20),
                ], 1usize..1000),
                0..3000,
            )
        ) {
            proptest::prop_assert_eq!(agrees(&keys), Ok(()));
        }
    }
}
