//! Errors of export and import. Each names the file (and for import the line) it is about, so
//! a message can be shown as is, on stderr or in the GUI.

use std::fmt;
use std::path::PathBuf;

use thiserror::Error;

use crate::project::{Problem, ProjectError, Severity};

/// Most problems listed in one error message; the rest are counted.
const LISTED: usize = 30;

/// Why a project could not be exported.
#[derive(Debug, Error)]
pub enum ExportError {
    /// Reading, writing or renaming a file failed (the error names the file).
    #[error(transparent)]
    File(#[from] ProjectError),
    /// A folder could not be created or listed.
    #[error("{path}: cannot {action}: {source}", path = .path.display())]
    Folder {
        /// The folder.
        path: PathBuf,
        /// What was being done.
        action: &'static str,
        /// The underlying error.
        source: std::io::Error,
    },
    /// The output exists and overwriting was not asked for.
    #[error("{path}: already exists (use --force to overwrite)", path = .path.display())]
    AlreadyExists {
        /// The file or non-empty folder.
        path: PathBuf,
    },
    /// Writing to the output stream failed.
    #[error("cannot write the export: {0}")]
    Write(#[from] std::io::Error),
    /// A span's offsets do not lie in its document's text (the project is not valid).
    #[error("document {document}: span {span}: range {start}..{end} is not inside the text")]
    BadRange {
        /// The document's id.
        document: String,
        /// The span's id.
        span: u64,
        /// Start in code points.
        start: usize,
        /// End in code points.
        end: usize,
    },
    /// A relation links a span the document does not have (the project is not valid).
    #[error("document {document}: relation {relation} links a span that does not exist")]
    BadRelation {
        /// The document's id.
        document: String,
        /// The relation's id.
        relation: u64,
    },
    /// A name cannot be written in the format (white space would split its columns, or the
    /// format reserves it).
    #[error("{format} cannot hold the {what} {name:?}: {why}")]
    Unrepresentable {
        /// The format.
        format: &'static str,
        /// What kind of name (`label`, `attribute name`, …).
        what: &'static str,
        /// The name.
        name: String,
        /// Why not.
        why: &'static str,
    },
}

/// One problem of an input file, at a line (1-based; 0 for the whole file).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LineProblem {
    /// The file.
    pub path: PathBuf,
    /// 1-based line, or 0 when the problem is about the whole file.
    pub line: usize,
    /// What is wrong there.
    pub message: String,
}

impl LineProblem {
    /// A problem at `line` of `path`.
    pub fn new(path: impl Into<PathBuf>, line: usize, message: impl Into<String>) -> Self {
        LineProblem {
            path: path.into(),
            line,
            message: message.into(),
        }
    }
}

impl fmt::Display for LineProblem {
    /// `path:line: message`, or `path: message` for a whole-file problem.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            write!(f, "{}: {}", self.path.display(), self.message)
        } else {
            write!(f, "{}:{}: {}", self.path.display(), self.line, self.message)
        }
    }
}

/// Names (labels or relation types) of the input that the schema does not have.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownNames {
    /// `span labels` or `relation types`.
    pub what: &'static str,
    /// The names not in the schema (after `--map`), sorted.
    pub unknown: Vec<String>,
    /// Every name found in the input with its count, sorted by name.
    pub found: Vec<(String, usize)>,
    /// The names the schema has.
    pub known: Vec<String>,
}

impl fmt::Display for UnknownNames {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let found: Vec<String> = self
            .found
            .iter()
            .map(|(n, c)| format!("{n} ({c})"))
            .collect();
        write!(
            f,
            "{} not in the schema: {}; found in the input: {}; the schema has: {}",
            self.what,
            self.unknown.join(", "),
            found.join(", "),
            self.known.join(", ")
        )
    }
}

/// Why an import produced no project.
#[derive(Debug, Error)]
pub enum ImportError {
    /// A file could not be read (the error names it).
    #[error(transparent)]
    File(#[from] ProjectError),
    /// A folder could not be listed.
    #[error("{path}: cannot list the folder: {source}", path = .path.display())]
    Folder {
        /// The folder.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// A file is not UTF-8.
    #[error("{path}: not UTF-8: invalid byte at offset {offset}", path = .path.display())]
    NotUtf8 {
        /// The file.
        path: PathBuf,
        /// Byte offset of the first invalid byte.
        offset: usize,
    },
    /// No document was found in the sources.
    #[error("no documents found in {sources}")]
    Empty {
        /// The sources, as given.
        sources: String,
    },
    /// Labels or relation types that are neither in the schema nor mapped with `--map`.
    #[error("{}\nmap them with --map FROM=TO", NameList(.0))]
    UnknownNames(Vec<UnknownNames>),
    /// Lines of the input are wrong; nothing was imported.
    #[error("{}", ProblemList(.0))]
    Bad(Vec<LineProblem>),
    /// The assembled project still fails validation (a safety net; should not happen).
    #[error("the imported project is not valid:{}", ValidationList(.0))]
    Invalid(Vec<Problem>),
}

struct NameList<'a>(&'a [UnknownNames]);

impl fmt::Display for NameList<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, n) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{n}")?;
        }
        Ok(())
    }
}

struct ProblemList<'a>(&'a [LineProblem]);

impl fmt::Display for ProblemList<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.0.len();
        write!(
            f,
            "{n} {} in the input; nothing was imported (--skip-bad imports the rest)",
            if n == 1 { "problem" } else { "problems" }
        )?;
        for p in self.0.iter().take(LISTED) {
            write!(f, "\n  {p}")?;
        }
        if n > LISTED {
            write!(f, "\n  … and {} more", n - LISTED)?;
        }
        Ok(())
    }
}

struct ValidationList<'a>(&'a [Problem]);

impl fmt::Display for ValidationList<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for p in self
            .0
            .iter()
            .filter(|p| p.severity == Severity::Error)
            .take(LISTED)
        {
            write!(f, "\n  {p}")?;
        }
        Ok(())
    }
}
