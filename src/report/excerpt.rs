//! The source as the human format shows it: unprintable characters escaped, and each very long
//! line cut down to windows around the places a finding points at, joined by `…`.
//!
//! A generated Dockerfile can hold a line of megabytes; echoing it whole for each finding made
//! the output tens of megabytes. The excerpt keeps every line (so line numbers stay right) and
//! maps each byte offset of the source to one in its own text, so spans still land where they
//! belong.

use super::printable::{escaped, is_unprintable};

/// Lines up to this many bytes are shown whole.
pub const LONG_LINE: usize = 400;
/// How much of a long line is kept on each side of a place a finding points at.
const HALF_WINDOW: usize = 100;
const ELLIPSIS: &str = "…";

/// The text to show, and how source offsets map into it.
#[derive(Debug)]
pub struct Excerpt {
    pub text: String,
    /// Sorted by source offset; each run starts where the previous one ends.
    runs: Vec<Run>,
    source_len: usize,
}

#[derive(Clone, Copy, Debug)]
struct Run {
    /// Where the run starts in the source.
    from: usize,
    /// Where it starts in the excerpt.
    to: usize,
    /// Copied byte for byte (else replaced: an escape, or `…` for a cut).
    verbatim: bool,
}

impl Excerpt {
    /// The excerpt of `source` that keeps the bytes around each offset of `points` visible.
    pub fn new(source: &str, points: &[usize]) -> Excerpt {
        let mut points: Vec<usize> = points.iter().map(|&p| p.min(source.len())).collect();
        points.sort_unstable();
        let mut excerpt = Excerpt {
            text: String::new(),
            runs: Vec::new(),
            source_len: source.len(),
        };
        let mut start = 0;
        for line in source.split_inclusive('\n') {
            let end = start + line.len();
            if line.len() <= LONG_LINE {
                excerpt.copy(source, start, end);
            } else {
                let first = points.partition_point(|&p| p < start);
                let last = points.partition_point(|&p| p < end);
                let content_end = start + line.trim_end_matches(['\n', '\r']).len();
                let mut at = start;
                for (from, to) in windows(source, start, content_end, &points[first..last]) {
                    if from > at {
                        excerpt.cut(at);
                    }
                    excerpt.copy(source, from, to);
                    at = to;
                }
                if at < content_end {
                    excerpt.cut(at);
                }
                // The line ending stays, so the next line starts a line of its own.
                excerpt.copy(source, content_end.max(at), end);
            }
            start = end;
        }
        excerpt
    }

    /// Where `offset` of the source is in the excerpt: inside a replaced run, its start.
    pub fn map(&self, offset: usize) -> usize {
        if offset >= self.source_len {
            return self.text.len();
        }
        let index = self.runs.partition_point(|run| run.from <= offset);
        match index.checked_sub(1).map(|i| self.runs[i]) {
            Some(run) if run.verbatim => run.to + (offset - run.from),
            Some(run) => run.to,
            None => 0,
        }
    }

    /// Where `offset` of the excerpt came from in the source: inside a replaced run, the start of
    /// what it replaced.
    pub fn unmap(&self, offset: usize) -> usize {
        let index = self.runs.partition_point(|run| run.to <= offset);
        match index.checked_sub(1).map(|i| self.runs[i]) {
            Some(run) if run.verbatim => (run.from + (offset - run.to)).min(self.source_len),
            Some(run) => run.from,
            None => 0,
        }
    }

    /// Copies `source[from..to]`, escaping what a terminal would obey.
    fn copy(&mut self, source: &str, from: usize, to: usize) {
        let piece = &source[from..to];
        let mut verbatim_from = from;
        for (i, c) in piece.char_indices() {
            let at = from + i;
            let line_ending = c == '\r' && piece[i + 1..].starts_with('\n');
            if is_unprintable(c) && !line_ending {
                self.verbatim(source, verbatim_from, at);
                self.runs.push(Run {
                    from: at,
                    to: self.text.len(),
                    verbatim: false,
                });
                self.text.push_str(&escaped(c));
                verbatim_from = at + c.len_utf8();
            }
        }
        self.verbatim(source, verbatim_from, to);
    }

    fn verbatim(&mut self, source: &str, from: usize, to: usize) {
        if from == to {
            return;
        }
        let continues = self
            .runs
            .last()
            .is_some_and(|run| run.verbatim && run.from + (self.text.len() - run.to) == from);
        if !continues {
            self.runs.push(Run {
                from,
                to: self.text.len(),
                verbatim: true,
            });
        }
        self.text.push_str(&source[from..to]);
    }

    /// Marks the bytes from `from` to the next run as left out.
    fn cut(&mut self, from: usize) {
        self.runs.push(Run {
            from,
            to: self.text.len(),
            verbatim: false,
        });
        self.text.push_str(ELLIPSIS);
    }
}

/// The parts of the long line `start..content_end` (its line ending left out) to keep: a window
/// around each point, merged where they overlap; the head of the line when no point is on it.
fn windows(
    source: &str,
    start: usize,
    content_end: usize,
    points: &[usize],
) -> Vec<(usize, usize)> {
    let floor = |mut at: usize| {
        while !source.is_char_boundary(at) {
            at -= 1;
        }
        at
    };
    let mut windows: Vec<(usize, usize)> = Vec::new();
    let centres: Vec<usize> = if points.is_empty() {
        vec![start + HALF_WINDOW]
    } else {
        points.to_vec()
    };
    for centre in centres {
        let from = floor(centre.saturating_sub(HALF_WINDOW).max(start));
        let to = floor((centre + HALF_WINDOW).min(content_end)).max(from);
        match windows.last_mut() {
            Some(last) if from <= last.1 => last.1 = last.1.max(to),
            _ => windows.push((from, to)),
        }
    }
    windows
}

/// `text` with each line longer than [`LONG_LINE`] cut to its head and `…`, for text with no
/// span in it (a rewrite, a message).
pub fn cut_long_lines(text: &str) -> String {
    if text.len() <= LONG_LINE {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len().min(64 * 1024));
    for line in text.split_inclusive('\n') {
        if line.len() <= LONG_LINE {
            out.push_str(line);
            continue;
        }
        let mut head = 2 * HALF_WINDOW;
        while !line.is_char_boundary(head) {
            head -= 1;
        }
        out.push_str(&line[..head]);
        out.push_str(ELLIPSIS);
        if line.ends_with('\n') {
            out.push('\n');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_clean_lines_are_kept_and_offsets_map_to_themselves() {
        let source = "FROM a\nRUN b\n";
        let excerpt = Excerpt::new(source, &[7]);
        assert_eq!(excerpt.text, source);
        for offset in 0..=source.len() {
            assert_eq!(excerpt.map(offset), offset);
        }
    }

    #[test]
    fn escapes_shift_the_offsets_after_them() {
        let source = "RUN \x1b[2J x\n";
        let excerpt = Excerpt::new(source, &[]);
        assert_eq!(excerpt.text, "RUN \\x1b[2J x\n");
        let x = source.find('x').unwrap_or_default();
        assert_eq!(&excerpt.text[excerpt.map(x)..excerpt.map(x + 1)], "x");
        assert_eq!(excerpt.unmap(excerpt.map(x)), x);
        // The escaped character itself maps to the start of its escape.
        assert_eq!(excerpt.map(4), 4);
        assert_eq!(excerpt.map(5), 8);
    }

    #[test]
    fn a_long_line_keeps_a_window_around_the_span_and_later_lines_stay() {
        let long = format!("RUN {} target {}\n", "a".repeat(5000), "b".repeat(5000));
        let source = format!("FROM x\n{long}RUN c\n");
        let at = source.find("target").unwrap_or_default();
        let excerpt = Excerpt::new(&source, &[at, at + 6]);
        assert!(excerpt.text.len() < 400, "{}", excerpt.text.len());
        let lines: Vec<&str> = excerpt.text.lines().collect();
        assert_eq!(lines.len(), 3);
        assert!(
            lines[1].starts_with('…') && lines[1].ends_with('…'),
            "{}",
            lines[1]
        );
        assert_eq!(lines[2], "RUN c");
        assert_eq!(
            &excerpt.text[excerpt.map(at)..excerpt.map(at + 6)],
            "target"
        );
        assert_eq!(excerpt.unmap(excerpt.map(at)), at);
        let c = source.rfind('c').unwrap_or_default();
        assert_eq!(&excerpt.text[excerpt.map(c)..excerpt.map(c + 1)], "c");
    }

    #[test]
    fn a_long_line_without_a_span_shows_its_head() {
        let source = format!("RUN {}é\nRUN c\n", "a".repeat(1000));
        let excerpt = Excerpt::new(&source, &[]);
        let first = excerpt.text.lines().next().unwrap_or_default();
        assert!(
            first.starts_with("RUN aaa") && first.ends_with('…'),
            "{first}"
        );
        assert!(first.len() < 300);
    }

    #[test]
    fn long_lines_of_plain_text_are_cut() {
        let text = format!("{}\nshort\n", "x".repeat(10_000));
        let cut = cut_long_lines(&text);
        assert_eq!(cut, format!("{}…\nshort\n", "x".repeat(200)));
    }
}
