//! Running the built `layerlint` in a directory and keeping what it said, for the test files
//! that check the command line from outside.

use std::path::Path;
use std::process::Command;

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// Runs `layerlint ARGS` in `dir`, with no format chosen by the environment.
pub fn layerlint(dir: &Path, args: &[&str]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_layerlint"))
        .args(args)
        .current_dir(dir)
        .env_remove("HADOLINT_FORMAT")
        .env_remove("NO_COLOR")
        .output()
        .expect("run layerlint");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}
