//! Linting many files in parallel while handing their results on in input order, a window of
//! files at a time: the report of a file is written and dropped before files far after it are
//! linted, so memory stays that of one window however many files the run has.

use rayon::prelude::*;

/// Files per window. Larger windows idle a core less often (at a window's end one core may wait
/// for the other's last file); smaller ones hold fewer reports. A corpus file's report is a few
/// kilobytes, so 128 of them cost well under a megabyte while the waiting stays under 1% of a
/// run.
pub const WINDOW: usize = 128;

/// Runs `work` on every item and hands each result to `sink` in the items' order. Items are
/// worked on in parallel `window` at a time, so at most `window` results exist at once. A single
/// item (a pre-commit hook's usual call) is not worth starting a thread pool for.
pub fn in_order<T, R>(
    items: Vec<T>,
    window: usize,
    work: impl Fn(T) -> R + Sync + Send,
    mut sink: impl FnMut(R),
) where
    T: Send,
    R: Send,
{
    let window = window.max(1);
    let single = items.len() == 1;
    let mut items = items.into_iter();
    loop {
        let batch: Vec<T> = items.by_ref().take(window).collect();
        if batch.is_empty() {
            return;
        }
        // `collect` keeps the items' order, so the output does not depend on thread timing.
        let results: Vec<R> = if single {
            batch.into_iter().map(&work).collect()
        } else {
            batch.into_par_iter().map(&work).collect()
        };
        results.into_iter().for_each(&mut sink);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// A result that counts how many of its kind are alive, and the most ever alive at once.
    struct Counted<'a> {
        item: usize,
        alive: &'a AtomicUsize,
    }

    impl<'a> Counted<'a> {
        fn new(item: usize, alive: &'a AtomicUsize, most: &'a AtomicUsize) -> Counted<'a> {
            let now = alive.fetch_add(1, Ordering::SeqCst) + 1;
            most.fetch_max(now, Ordering::SeqCst);
            Counted { item, alive }
        }
    }

    impl Drop for Counted<'_> {
        fn drop(&mut self) {
            self.alive.fetch_sub(1, Ordering::SeqCst);
        }
    }

    fn run(count: usize, window: usize) -> (Vec<usize>, usize) {
        let alive = AtomicUsize::new(0);
        let most = AtomicUsize::new(0);
        let mut order = Vec::new();
        in_order(
            (0..count).collect(),
            window,
            |item| Counted::new(item, &alive, &most),
            |result| order.push(result.item),
        );
        assert_eq!(alive.load(Ordering::SeqCst), 0, "every result was dropped");
        (order, most.load(Ordering::SeqCst))
    }

    #[test]
    fn results_come_in_input_order() {
        for (count, window) in [(0, 4), (1, 4), (7, 3), (1000, 16), (50, 0)] {
            let (order, _) = run(count, window);
            assert_eq!(order, (0..count).collect::<Vec<_>>(), "{count} in {window}");
        }
    }

    #[test]
    fn no_more_results_than_a_window_are_held_at_once() {
        let (_, most) = run(1000, 16);
        assert!(most <= 16, "{most} results alive at once");
        assert!(most >= 1);
        let (_, most) = run(3 * WINDOW + 5, WINDOW);
        assert!(most <= WINDOW, "{most} results alive at once");
    }
}
