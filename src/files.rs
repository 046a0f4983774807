//! Finding Dockerfiles under the paths the user gave, reading them as text, and writing fixed
//! text back.
//!
//! Discovery and loading are separate steps so that the caller can load (and lint) files in
//! parallel while keeping the order of its output fixed.

mod discover;
mod error;
mod load;
mod read;
mod repository;
mod write;

pub use discover::{Discovery, discover, is_dockerfile_name};
pub use error::FileError;
pub use load::{InvalidUtf8, SourceFile, decode, load};
pub use read::{DOCKERFILE_LIMIT, ReadError, SIDE_FILE_LIMIT, read_limited, read_regular};
pub use repository::{Ancestors, ancestors, remember_ancestors};
pub use write::replace;

use std::path::{Path, PathBuf};

/// The path that stands for standard input on the command line.
pub const STDIN_PATH: &str = "-";

/// Something to lint: a file on disk or standard input.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Input {
    Path(PathBuf),
    Stdin,
}

impl Input {
    /// The name findings are reported under. `./x` is shown as `x`, since that is how a walk of
    /// the current directory produces every path and nobody types the prefix on purpose.
    pub fn display_name(&self, stdin_name: Option<&str>) -> String {
        match self {
            Input::Path(path) => display_path(path),
            Input::Stdin => stdin_name.unwrap_or(STDIN_PATH).to_string(),
        }
    }
}

fn display_path(path: &Path) -> String {
    without_dot_prefix(path).display().to_string()
}

fn without_dot_prefix(path: &Path) -> &Path {
    path.strip_prefix(".")
        .ok()
        .filter(|rest| !rest.as_os_str().is_empty())
        .unwrap_or(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_names_drop_a_leading_dot_slash() {
        let name = |p: &str| Input::Path(PathBuf::from(p)).display_name(None);
        assert_eq!(name("./Dockerfile"), "Dockerfile");
        assert_eq!(name("./a/b.Dockerfile"), "a/b.Dockerfile");
        assert_eq!(name("a/Dockerfile"), "a/Dockerfile");
        assert_eq!(name("."), ".");
        assert_eq!(name("../Dockerfile"), "../Dockerfile");
    }

    #[test]
    fn stdin_is_named_by_the_option_or_a_dash() {
        assert_eq!(Input::Stdin.display_name(None), "-");
        assert_eq!(
            Input::Stdin.display_name(Some("app/Dockerfile")),
            "app/Dockerfile"
        );
    }
}
