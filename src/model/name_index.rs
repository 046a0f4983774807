//! Where each name is declared in a [`History`](super::history::History): the positions of its
//! declarations, ascending, found from the name.
//!
//! A file of a million `ENV`s declares a million names, nearly all once. A map from the name to
//! a list of positions stores each name a second time (it is in the declaration already) and
//! allocates a list per name; here the map's key is a keyed hash of the name and its value one
//! position, and only names declared twice or more get a list. The name itself is compared
//! with the declaration it points to, so two names whose hashes collide are still told apart
//! (the second one goes to a map by name; the hash's key is random per process, so a file
//! cannot be written to make that common).

use std::collections::HashMap;
use std::hash::{BuildHasher, BuildHasherDefault, Hasher, RandomState};

#[derive(Debug)]
pub(super) struct NameIndex {
    hasher: RandomState,
    by_hash: HashMap<u64, Positions, BuildHasherDefault<AlreadyHashed>>,
    /// The lists of names declared more than once, by the index [`Positions::Many`] holds.
    lists: Vec<Vec<u32>>,
    /// Names whose hash is another name's: rare, so stored the plain way.
    collided: HashMap<String, Vec<u32>>,
}

/// A name's declarations: one position, or a list in [`NameIndex::lists`].
#[derive(Clone, Copy, Debug)]
enum Positions {
    One(u32),
    Many(u32),
}

impl NameIndex {
    /// An empty index with room for `names` names.
    pub(super) fn with_capacity(names: usize) -> NameIndex {
        NameIndex {
            hasher: RandomState::new(),
            by_hash: HashMap::with_capacity_and_hasher(names, BuildHasherDefault::default()),
            lists: Vec::new(),
            collided: HashMap::new(),
        }
    }

    /// The positions of `name`'s declarations, ascending; `name_at` gives the name declared at a
    /// position.
    pub(super) fn get<'n>(&self, name: &str, name_at: impl Fn(u32) -> &'n str) -> &[u32] {
        let found = match self.by_hash.get(&self.hasher.hash_one(name)) {
            Some(Positions::One(at)) => std::slice::from_ref(at),
            Some(Positions::Many(list)) => &self.lists[*list as usize][..],
            None => return &[],
        };
        match found.first() {
            Some(&first) if name_at(first) == name => found,
            _ => self.collided.get(name).map_or(&[], Vec::as_slice),
        }
    }

    /// Records a declaration of `name` at `at`, after every position recorded so far.
    pub(super) fn push<'n>(&mut self, name: &str, at: u32, name_at: impl Fn(u32) -> &'n str) {
        let hash = self.hasher.hash_one(name);
        let Some(positions) = self.by_hash.get_mut(&hash) else {
            self.by_hash.insert(hash, Positions::One(at));
            return;
        };
        let first = match *positions {
            Positions::One(first) => first,
            Positions::Many(list) => self.lists[list as usize][0],
        };
        if name_at(first) != name {
            self.collided.entry(name.to_string()).or_default().push(at);
            return;
        }
        match *positions {
            Positions::One(first) => {
                let list = u32::try_from(self.lists.len()).unwrap_or(u32::MAX);
                self.lists.push(vec![first, at]);
                *positions = Positions::Many(list);
            }
            Positions::Many(list) => self.lists[list as usize].push(at),
        }
    }
}

/// The hasher of a map whose keys are hashes already: it passes the key on.
#[derive(Default)]
struct AlreadyHashed(u64);

impl Hasher for AlreadyHashed {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        // Only `u64` keys are hashed with it; any other input is folded in, never lost.
        for &byte in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(byte);
        }
    }

    fn write_u64(&mut self, value: u64) {
        self.0 = value;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_declared_once_or_more_keep_their_positions_in_order() {
        let names = ["A", "B", "A", "C", "A"];
        let mut index = NameIndex::with_capacity(4);
        for (at, name) in names.iter().enumerate() {
            index.push(name, at as u32, |p| names[p as usize]);
        }
        let get = |name| index.get(name, |p| names[p as usize]).to_vec();
        assert_eq!(get("A"), [0, 2, 4]);
        assert_eq!(get("B"), [1]);
        assert_eq!(get("C"), [3]);
        assert!(get("D").is_empty());
        assert_eq!(index.lists.len(), 1);
    }

    #[test]
    fn names_whose_hashes_collide_are_told_apart() {
        // Force a collision: the second name is filed under the first's hash.
        let names = ["FIRST", "SECOND", "SECOND"];
        let mut index = NameIndex::with_capacity(2);
        index.push("FIRST", 0, |p| names[p as usize]);
        let hash = index.hasher.hash_one("SECOND");
        let first = index
            .by_hash
            .remove(&index.hasher.hash_one("FIRST"))
            .unwrap();
        index.by_hash.insert(hash, first);
        index.push("SECOND", 1, |p| names[p as usize]);
        index.push("SECOND", 2, |p| names[p as usize]);
        assert_eq!(index.get("SECOND", |p| names[p as usize]), [1, 2]);
        assert_eq!(index.collided.len(), 1);
    }
}
