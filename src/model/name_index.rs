//! Where each name is declared in a [`History`](super::history::History): the positions of its
//! declarations, ascending, found from the name.
//!
//! A file of a million `ENV`s declares a million names, nearly all once. A map from the name to
//! a list of positions stores each name a second time (it is in the declaration already) and
//! allocates a list per name. Here a hash table holds one `u32` per name, hashed by the name
//! but holding only a position: the name's only declaration, or which list holds its
//! declarations when it has several. The name is read back from the declaration to compare, so
//! names whose hashes collide are told apart as in any hash table: 5 bytes a slot instead of
//! 17 for a map from a hash to a position.

use hashbrown::HashTable;
use std::hash::{BuildHasher, RandomState};

/// `S` hashes the names: random per process, so that a file cannot be written to collide.
#[derive(Debug)]
pub(super) struct NameIndex<S = RandomState> {
    hasher: S,
    /// Per name, its one position, or [`LIST`] and the index of its list in `lists`.
    table: HashTable<u32>,
    /// The positions of the names declared more than once.
    lists: Vec<Vec<u32>>,
}

/// The bit of a table entry that makes it a list's index: positions stay below it (a history
/// of two billion declarations would come from a file far past the size limit).
const LIST: u32 = 1 << 31;

/// The positions a table entry stands for.
fn positions<'a>(lists: &'a [Vec<u32>], entry: &'a u32) -> &'a [u32] {
    if entry & LIST == 0 {
        std::slice::from_ref(entry)
    } else {
        &lists[(entry & !LIST) as usize]
    }
}

impl NameIndex {
    /// An empty index with room for `names` names.
    pub(super) fn with_capacity(names: usize) -> NameIndex {
        NameIndex::with_capacity_and_hasher(names, RandomState::new())
    }
}

impl<S: BuildHasher> NameIndex<S> {
    fn with_capacity_and_hasher(names: usize, hasher: S) -> NameIndex<S> {
        NameIndex {
            hasher,
            table: HashTable::with_capacity(names),
            lists: Vec::new(),
        }
    }

    /// The positions of `name`'s declarations, ascending; `name_at` gives the name declared at a
    /// position.
    pub(super) fn get<'n>(&self, name: &str, name_at: impl Fn(u32) -> &'n str) -> &[u32] {
        let lists = &self.lists;
        let is_name = |entry: &u32| name_at(positions(lists, entry)[0]) == name;
        self.table
            .find(self.hasher.hash_one(name), is_name)
            .map_or(&[], |entry| positions(lists, entry))
    }

    /// Records a declaration of `name` at `at`, after every position recorded so far.
    pub(super) fn push<'n>(&mut self, name: &str, at: u32, name_at: impl Fn(u32) -> &'n str) {
        debug_assert!(at < LIST);
        let NameIndex {
            hasher,
            table,
            lists,
        } = self;
        let is_name = |entry: &u32| name_at(positions(lists, entry)[0]) == name;
        match table.find_mut(hasher.hash_one(name), is_name) {
            Some(entry) if *entry & LIST == 0 => {
                let list = u32::try_from(lists.len()).expect("fewer lists than positions");
                lists.push(vec![*entry, at]);
                *entry = list | LIST;
            }
            Some(entry) => lists[(*entry & !LIST) as usize].push(at),
            None => {
                let rehash = |entry: &u32| hasher.hash_one(name_at(positions(lists, entry)[0]));
                table.insert_unique(hasher.hash_one(name), at, rehash);
            }
        }
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
        // Every name gets the same hash: each lookup must compare the names themselves.
        #[derive(Default)]
        struct Same;
        impl std::hash::Hasher for Same {
            fn finish(&self) -> u64 {
                7
            }
            fn write(&mut self, _: &[u8]) {}
        }
        let names = ["FIRST", "SECOND", "SECOND", "THIRD"];
        let name_at = |p: u32| names[p as usize];
        let hasher = std::hash::BuildHasherDefault::<Same>::default();
        let mut index = NameIndex::with_capacity_and_hasher(1, hasher);
        for (at, name) in names.iter().enumerate() {
            index.push(name, at as u32, name_at);
        }
        assert_eq!(index.get("FIRST", name_at), [0]);
        assert_eq!(index.get("SECOND", name_at), [1, 2]);
        assert_eq!(index.get("THIRD", name_at), [3]);
        assert!(index.get("FOURTH", name_at).is_empty());
    }
}
