//! A pretty-printed JSON array written one element at a time, byte for byte what
//! `serde_json::to_writer_pretty` makes of the whole array: the JSON formats can then print a
//! file's findings as soon as that file is linted, instead of holding every file until the end.

use super::{FileReport, Report};
use serde::Serialize;
use std::io;

/// Writes the elements of one file into the array.
pub type FileElements = fn(&FileReport, &mut PrettyArray, &mut dyn io::Write) -> io::Result<()>;

/// Writes a whole report as one array: the elements of each file, in the report's order.
pub fn write_report(
    report: &Report,
    out: &mut dyn io::Write,
    elements: FileElements,
) -> io::Result<()> {
    let mut array = PrettyArray::default();
    for file in report.files() {
        elements(file, &mut array, out)?;
    }
    array.finish(out)
}

/// The indentation serde_json's pretty printer uses for one level.
const INDENT: &[u8] = b"  ";

/// An array being written: `[`, then elements separated by `,`, then `]` (`[]` when empty).
#[derive(Debug, Default)]
pub struct PrettyArray {
    written: usize,
    /// One element's text, kept between elements so each does not allocate anew.
    element: Vec<u8>,
    /// The same, indented, with the separator before it: written in one call (a write per
    /// line through the report's `dyn Write` cost more than the printing in a file with
    /// thousands of findings).
    indented: Vec<u8>,
}

impl PrettyArray {
    /// Writes one element, indented one level, as it would stand inside the whole array.
    pub fn push(&mut self, out: &mut dyn io::Write, value: &impl Serialize) -> io::Result<()> {
        self.element.clear();
        serde_json::to_writer_pretty(&mut self.element, value)?;
        let indented = &mut self.indented;
        indented.clear();
        indented.extend_from_slice(if self.written == 0 { b"[\n" } else { b",\n" });
        // A pretty JSON value has line breaks only between tokens (strings escape theirs), so
        // indenting every line nests it exactly as the printer would.
        let mut line_start = 0;
        for line_end in memchr::memchr_iter(b'\n', &self.element) {
            indented.extend_from_slice(INDENT);
            indented.extend_from_slice(&self.element[line_start..=line_end]);
            line_start = line_end + 1;
        }
        indented.extend_from_slice(INDENT);
        indented.extend_from_slice(&self.element[line_start..]);
        out.write_all(indented)?;
        self.written += 1;
        Ok(())
    }

    /// Closes the array and ends the output with a newline: the array is the whole output of
    /// the formats that use it.
    pub fn finish(self, out: &mut dyn io::Write) -> io::Result<()> {
        out.write_all(if self.written == 0 { b"[]\n" } else { b"\n]\n" })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn piecewise(values: &[serde_json::Value]) -> String {
        let mut out = Vec::new();
        let mut array = PrettyArray::default();
        for value in values {
            array.push(&mut out, value).expect("writing to memory");
        }
        array.finish(&mut out).expect("writing to memory");
        String::from_utf8(out).expect("UTF-8")
    }

    #[test]
    fn element_by_element_is_the_whole_array_pretty_printed() {
        let cases = [
            vec![],
            vec![json!(1)],
            vec![
                json!({"a": [], "b": {}, "c": "x\ny", "d": [1, {"e": null}]}),
                json!("s"),
            ],
            vec![json!([[]]), json!({"nested": {"deeper": [true, false]}})],
        ];
        for values in cases {
            let whole = serde_json::to_string_pretty(&values).expect("serialising");
            assert_eq!(piecewise(&values), whole + "\n");
        }
    }
}
