//! The unified diff `check --diff` prints, in the shape `git apply` and `patch -p1` take.

use similar::TextDiff;

/// The diff from `before` to `after` of the file shown as `name`, with `a/` and `b/` headers and
/// three lines of context; empty when the texts are equal. Line endings are part of each line, so
/// a CRLF file's diff keeps its carriage returns and applies back to it.
pub fn unified(name: &str, before: &str, after: &str) -> String {
    // `a//tmp/x` would not apply with -p1; an absolute path loses its root under the prefix.
    let name = name.trim_start_matches('/');
    TextDiff::from_lines(before, after)
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{name}"), &format!("b/{name}"))
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_change_has_headers_a_hunk_and_context() {
        let before = "FROM a\nRUN x\nRUN y\n";
        let after = "FROM a\nRUN x && \\\n    y\n";
        assert_eq!(
            unified("app/Dockerfile", before, after),
            "--- a/app/Dockerfile\n+++ b/app/Dockerfile\n@@ -1,3 +1,3 @@\n FROM a\n-RUN x\n-RUN y\n+RUN x && \\\n+    y\n"
        );
    }

    #[test]
    fn equal_texts_have_no_diff() {
        assert_eq!(unified("Dockerfile", "FROM a\n", "FROM a\n"), "");
    }
}
