//! Hostile shapes shared by the in-process and the binary tests.

/// `count` commands for one `RUN`: each sets a variable, downloads a file and deletes the one the
/// command before it downloaded, so every deletion is checked against what the same `RUN` made
/// and every `&&` carries the shell's state on.
pub fn downloads_and_deletions(count: usize) -> Vec<String> {
    (0..count)
        .map(|i| {
            format!(
                "X{i}=1 && curl -o /tmp/f{i} https://x/{i} && rm -f /tmp/f{}",
                i.max(1) - 1
            )
        })
        .collect()
}
