//! Teams over git: splitting a corpus among annotators, watching their progress, and merging
//! and diffing project files as annotations rather than as lines of text.
//!
//! Works over [`model`](crate::model) and [`project`](crate::project) only; the command line
//! (`qalam assign`, `status`, `merge-driver`, `git-setup`, `diff`) is in
//! [`cli_team`](crate::cli_team).
//!
//! - [`assign`](mod@assign): each document to a fixed number of annotators, loads balanced,
//!   calibration documents to everyone, reproducible from a seed;
//! - [`status`](mod@status): per annotator and per document (matched by text), who has what,
//!   who finished, where agreement can be measured;
//! - [`merge`](mod@merge): the three-way merge of git's merge driver, at the level of
//!   documents, spans, relations and schema entries, conflicts kept as both versions;
//! - [`diff`](mod@diff): annotation changes in words, and the one-line-per-annotation rendering
//!   for git's `textconv`;
//! - [`git`]: the `.gitattributes` line and the `git config` settings.

pub mod assign;
pub mod diff;
pub mod git;
pub mod merge;
pub mod status;

use std::path::PathBuf;

use thiserror::Error;

use crate::project::{Problem, ProjectError};

pub use assign::{AssignOptions, Assignment, SplitMix64, assign, plan};
pub use diff::{diff_projects, render_textconv};
pub use merge::{CONFLICT_MARK, Conflict, MergeOutcome, Side, merge, merge_files};
pub use status::{StatusInput, TeamStatus, status};

/// Why a team command could not do its work. Every variant says which file or argument is
/// wrong.
#[derive(Debug, Error)]
pub enum TeamError {
    /// A project file could not be read, parsed or written, or it is invalid.
    #[error(transparent)]
    Project(#[from] ProjectError),
    /// The arguments do not describe a possible assignment.
    #[error("{0}")]
    BadArguments(String),
    /// Files that would be overwritten exist (and overwriting was not asked for).
    #[error("{} already exist{} (use --force to overwrite)", list_paths(.0), if .0.len() == 1 { "s" } else { "" })]
    OutputExists(Vec<PathBuf>),
    /// A folder could not be created or a file inspected.
    #[error("{path}: cannot {action}: {source}", path = .path.display())]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// What was being done.
        action: &'static str,
        /// The underlying error.
        source: std::io::Error,
    },
    /// A document has the same id in two versions but not the same text: its annotations'
    /// offsets cannot be compared, so nothing is merged.
    #[error(
        "{path}: document {id:?} has another text in {other} than in {side} (same id, different text); annotations over different texts cannot be merged, so the file was left as it is"
    )]
    TextChanged {
        /// The path git merges (`%P`).
        path: String,
        /// The document id.
        id: String,
        /// The version read first (`base` or `ours`).
        side: &'static str,
        /// The version whose text differs.
        other: &'static str,
    },
    /// The merge of the three versions would not be a valid project; nothing was written.
    #[error("{path}: the merged project would not be valid, so it was not written:{}", problem_lines(.problems))]
    MergeInvalid {
        /// The path git merges (`%P`).
        path: String,
        /// The validation errors of the merged project.
        problems: Vec<Problem>,
    },
}

/// Paths joined with commas.
fn list_paths(paths: &[PathBuf]) -> String {
    paths
        .iter()
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

/// One problem per line, each indented.
fn problem_lines(problems: &[Problem]) -> String {
    problems.iter().map(|p| format!("\n  {p}")).collect()
}

/// `s` for one line of output: control characters escaped, cut after `max` characters.
pub(crate) fn one_line(s: &str, max: usize) -> String {
    let mut out = String::with_capacity(s.len().min(4 * max));
    for (i, c) in s.chars().enumerate() {
        if i == max {
            out.push('…');
            break;
        }
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if crate::project::format::keep_escaped(c) => {
                out.push_str(&format!("\\u{{{:x}}}", u32::from(c)));
            }
            c => out.push(c),
        }
    }
    out
}

/// [`one_line`] in double quotes.
pub(crate) fn quoted(s: &str, max: usize) -> String {
    format!("\"{}\"", one_line(s, max))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_line_escapes_and_cuts() {
        assert_eq!(one_line("a\nb\"c\u{200f}", 10), "a\\nb\\\"c\\u{200f}");
        assert_eq!(one_line("مصادر أمنية", 5), "مصادر…");
        assert_eq!(quoted("", 5), "\"\"");
    }

    #[test]
    fn errors_name_what_is_wrong() {
        let e = TeamError::OutputExists(vec![PathBuf::from("a.ron")]);
        assert_eq!(
            e.to_string(),
            "a.ron already exists (use --force to overwrite)"
        );
        let e = TeamError::OutputExists(vec![PathBuf::from("a.ron"), PathBuf::from("b.ron")]);
        assert_eq!(
            e.to_string(),
            "a.ron, b.ron already exist (use --force to overwrite)"
        );
    }
}
