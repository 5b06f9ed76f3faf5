//! Helpers shared by the tests that run the `qalam` binary.

use std::path::Path;
use std::process::{Command, Output};

/// Runs `qalam` with `args` and returns what it printed and its exit status.
pub fn qalam(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_qalam"))
        .args(args)
        .output()
        .expect("run qalam")
}

/// Standard output as text.
#[allow(dead_code)] // not every test binary reads both streams
pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// Standard error as text.
#[allow(dead_code)]
pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A temporary path as a command-line argument.
pub fn s(p: &Path) -> &str {
    p.to_str().expect("utf-8 temp path")
}
