//! A list that is almost always empty, in one pointer.
//!
//! Every instruction has flags, heredocs, comment lines and empty lines inside its continuation,
//! and almost every instruction has none of them. Four empty `Vec`s are 96 bytes an
//! instruction; in a file of a million one-line instructions that is most of the syntax tree.
//! A [`Rare`] is one pointer, null when empty; it reads as a slice.

use std::ops::Deref;

/// A list stored behind one pointer, with nothing allocated while it is empty.
#[derive(Clone, PartialEq, Eq)]
#[allow(
    clippy::box_collection,
    reason = "the second allocation is the point: an empty list is one null pointer, not a Vec's three words"
)]
pub struct Rare<T>(Option<Box<Vec<T>>>);

impl<T> Rare<T> {
    pub const fn new() -> Rare<T> {
        Rare(None)
    }

    pub fn as_slice(&self) -> &[T] {
        self.0.as_deref().map_or(&[], Vec::as_slice)
    }
}

impl<T> Default for Rare<T> {
    fn default() -> Self {
        Rare::new()
    }
}

impl<T> From<Vec<T>> for Rare<T> {
    fn from(items: Vec<T>) -> Self {
        if items.is_empty() {
            Rare(None)
        } else {
            Rare(Some(Box::new(items)))
        }
    }
}

impl<T> Deref for Rare<T> {
    type Target = [T];

    fn deref(&self) -> &[T] {
        self.as_slice()
    }
}

impl<'l, T> IntoIterator for &'l Rare<T> {
    type Item = &'l T;
    type IntoIter = std::slice::Iter<'l, T>;

    fn into_iter(self) -> Self::IntoIter {
        self.as_slice().iter()
    }
}

impl<T: std::fmt::Debug> std::fmt::Debug for Rare<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.as_slice().fmt(f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_list_allocates_nothing_and_a_full_one_keeps_its_items() {
        assert_eq!(std::mem::size_of::<Rare<String>>(), 8);
        let empty: Rare<u32> = Vec::new().into();
        assert!(empty.0.is_none());
        assert!(empty.is_empty());
        let full: Rare<u32> = vec![1, 2, 3].into();
        assert_eq!(&*full, &[1, 2, 3]);
        assert_eq!(full.iter().sum::<u32>(), 6);
        assert_eq!(format!("{full:?}"), "[1, 2, 3]");
    }
}
