//! Errors of the project layer. Every variant names the file it is about, so a message can be
//! shown as is, in the GUI or on stderr, and still say where to look.

use std::fmt;
use std::io;
use std::path::PathBuf;

use thiserror::Error;

use super::validate::{Problem, Severity};

/// Most problems listed in the message of [`ProjectError::Invalid`]; the rest are counted.
const LISTED_PROBLEMS: usize = 20;

/// Why a project or text file could not be read, parsed, migrated, validated or written.
#[derive(Debug, Error)]
pub enum ProjectError {
    /// The operating system refused a file operation.
    #[error("{path}: cannot {action}: {source}", path = .path.display())]
    Io {
        /// The file or folder concerned.
        path: PathBuf,
        /// What was being done, as a verb phrase ("read", "rename the temporary file over").
        action: &'static str,
        /// The underlying error.
        source: io::Error,
    },
    /// The file is larger than Qalam is willing to load into memory.
    #[error("{path}: file is {len} bytes; Qalam opens files of at most {max} bytes", path = .path.display())]
    TooLarge {
        /// The file.
        path: PathBuf,
        /// Its size in bytes.
        len: u64,
        /// The limit in bytes.
        max: u64,
    },
    /// The file holds nothing but whitespace.
    #[error("{path}: the file is empty, it is not a Qalam project", path = .path.display())]
    Empty {
        /// The file.
        path: PathBuf,
    },
    /// The bytes are not UTF-8.
    #[error("{path}:{line}:{col}: invalid UTF-8 at byte {offset}", path = .path.display())]
    Utf8 {
        /// The file.
        path: PathBuf,
        /// Byte offset of the first invalid byte (counted in the file as stored).
        offset: usize,
        /// 1-based line of that byte.
        line: usize,
        /// 1-based column (in characters) of that byte.
        col: usize,
    },
    /// RON syntax error, or a value of the wrong type at a known place.
    #[error("{path}:{line}:{col}: {message}", path = .path.display())]
    Syntax {
        /// The file.
        path: PathBuf,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        col: usize,
        /// What is wrong there.
        message: String,
    },
    /// The file has no `version` field.
    #[error("{path}: no `version` field; this does not look like a Qalam project file", path = .path.display())]
    MissingVersion {
        /// The file.
        path: PathBuf,
    },
    /// The `version` field is not a non-negative integer.
    #[error("{path}: `version` must be a whole number, found {found}", path = .path.display())]
    BadVersion {
        /// The file.
        path: PathBuf,
        /// What was written instead.
        found: String,
    },
    /// The file was written by a newer Qalam.
    #[error(
        "{path}: file is format version {version}; this Qalam reads up to version {supported} — update Qalam",
        path = .path.display()
    )]
    TooNew {
        /// The file.
        path: PathBuf,
        /// The file's format version.
        version: u64,
        /// The newest version this build reads.
        supported: u32,
    },
    /// An older file could not be brought to the current version.
    #[error("{path}: cannot upgrade from format version {from}: {message}", path = .path.display())]
    Migration {
        /// The file.
        path: PathBuf,
        /// The version the failing step starts from.
        from: u32,
        /// What the step found wrong.
        message: String,
    },
    /// The content does not have the shape of a project, and no position is known.
    #[error("{path}: {message}", path = .path.display())]
    Shape {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// The project loaded but has errors (validation problems of severity error).
    #[error("{path}: {}", ProblemList(.problems), path = .path.display())]
    Invalid {
        /// The file.
        path: PathBuf,
        /// All problems found, errors and warnings.
        problems: Vec<Problem>,
    },
    /// The file changed on disk since it was loaded or last saved; saving would lose those changes.
    #[error(
        "{path}: the file was changed by another program since it was opened; reload it, or save anyway to overwrite",
        path = .path.display()
    )]
    ChangedOnDisk {
        /// The file.
        path: PathBuf,
    },
    /// The target exists and the caller asked not to overwrite it.
    #[error("{path}: already exists (use --force to overwrite)", path = .path.display())]
    AlreadyExists {
        /// The file.
        path: PathBuf,
    },
    /// A text file to import is not UTF-8.
    #[error("{path}: not UTF-8: invalid byte at offset {offset} (convert the text to UTF-8 first)", path = .path.display())]
    TextNotUtf8 {
        /// The text file.
        path: PathBuf,
        /// Byte offset of the first invalid byte.
        offset: usize,
    },
    /// The project could not be turned into RON text.
    #[error("cannot write the project as RON: {message}")]
    Serialize {
        /// The serializer's message.
        message: String,
    },
    /// Neither `XDG_DATA_HOME` nor `HOME` (nor `APPDATA` on Windows) says where user data goes.
    #[error(
        "no data folder: set HOME (or XDG_DATA_HOME) so Qalam knows where to keep the seed project, or open a file"
    )]
    NoDataFolder,
}

/// Formats the error problems of an invalid project, one per line, at most [`LISTED_PROBLEMS`].
struct ProblemList<'a>(&'a [Problem]);

impl fmt::Display for ProblemList<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let errors: Vec<&Problem> = self
            .0
            .iter()
            .filter(|p| p.severity == Severity::Error)
            .collect();
        let noun = if errors.len() == 1 { "error" } else { "errors" };
        write!(f, "the project has {} {noun}", errors.len())?;
        for p in errors.iter().take(LISTED_PROBLEMS) {
            write!(f, "\n  {p}")?;
        }
        if errors.len() > LISTED_PROBLEMS {
            write!(f, "\n  … and {} more", errors.len() - LISTED_PROBLEMS)?;
        }
        Ok(())
    }
}

impl ProjectError {
    /// Wraps an io error with the path and the action that failed.
    pub(crate) fn io(path: impl Into<PathBuf>, action: &'static str, source: io::Error) -> Self {
        ProjectError::Io {
            path: path.into(),
            action,
            source,
        }
    }
}
