//! The schema file: a schema on its own, for `qalam new --schema` and `qalam schema apply`.
//!
//! ```ron
//! (
//!     schema_version: 1,
//!     schema: (
//!         revision: 2,
//!         span_labels: [ … ],
//!         relation_types: [ … ],
//!         attributes: [ … ],
//!     ),
//! )
//! ```
//!
//! The `schema` is written exactly as in a project file. Where a schema file is read, a project
//! file is accepted too (its schema is taken).

use std::path::{Path, PathBuf};

use ron::ser::PrettyConfig;
use serde::{Deserialize, Serialize};

use crate::model::Schema;
use crate::project::{self, ProjectError};

/// The schema file format version this build writes, and the newest it reads.
pub const SCHEMA_FILE_VERSION: u32 = 1;

/// Nesting depth from which RON is written on one line, as in project files (a label's
/// fields one per line, lists inside them on one line).
const ONE_LINE_DEPTH: usize = 4;

/// Why a schema file cannot be read or written, or a schema cannot be applied.
#[derive(Debug, thiserror::Error)]
pub enum SchemaError {
    /// Reading or writing failed.
    #[error("{}: {message}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// What went wrong.
        message: String,
    },
    /// The file is not a schema file (nor a project file).
    #[error("{}:{line}:{col}: {message}", path.display())]
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
    /// Written by a newer Qalam.
    #[error(
        "{}: schema file version {version} is newer than this build reads ({SCHEMA_FILE_VERSION})",
        path.display()
    )]
    TooNew {
        /// The file.
        path: PathBuf,
        /// Its version.
        version: u32,
    },
    /// The schema itself is inconsistent.
    #[error("{}: the schema has problems:\n  {}", path.display(), problems.join("\n  "))]
    Invalid {
        /// The file.
        path: PathBuf,
        /// One line each.
        problems: Vec<String>,
    },
    /// A project file error (reading one as a schema source, or saving).
    #[error(transparent)]
    Project(#[from] ProjectError),
}

/// The file as written.
#[derive(Serialize)]
struct FileOut<'a> {
    schema_version: u32,
    schema: &'a Schema,
}

/// The file as read.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileIn {
    schema_version: u32,
    schema: Schema,
}

/// The text of a schema file holding `schema`, ending with a newline; deterministic.
pub fn schema_to_string(schema: &Schema) -> Result<String, SchemaError> {
    let config = PrettyConfig::new()
        .depth_limit(ONE_LINE_DEPTH)
        .new_line("\n")
        .indentor("    ")
        .struct_names(false)
        .escape_strings(true);
    let file = FileOut {
        schema_version: SCHEMA_FILE_VERSION,
        schema,
    };
    let raw = ron::ser::to_string_pretty(&file, config).map_err(|e| SchemaError::Io {
        path: PathBuf::new(),
        message: e.to_string(),
    })?;
    let mut out = project::format::unescape_readable(&raw);
    out.push('\n');
    Ok(out)
}

/// Parses the text of a schema file (or of a project file, taking its schema). `path` names
/// it in messages. The schema is not checked here (see [`super::check_schema`]).
pub fn parse_schema(text: &str, path: &Path) -> Result<Schema, SchemaError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    match ron::Options::default().from_str::<FileIn>(text) {
        Ok(f) if f.schema_version > SCHEMA_FILE_VERSION => Err(SchemaError::TooNew {
            path: path.to_owned(),
            version: f.schema_version,
        }),
        Ok(f) => Ok(f.schema),
        Err(e) => {
            // A project file is a schema source too (a schema file never reads as one); what
            // does not name a schema version is reported as a project file.
            match project::parse_str(text, path) {
                Ok(p) => return Ok(p.schema),
                Err(pe) if !text.contains("schema_version") => return Err(pe.into()),
                Err(_) => {}
            }
            Err(SchemaError::Syntax {
                path: path.to_owned(),
                line: e.span.start.line.max(1),
                col: e.span.start.col.max(1),
                message: e.code.to_string(),
            })
        }
    }
}

/// Reads a schema file (or a project file's schema) and checks it: a schema with problems is
/// refused with all of them listed.
pub fn load_schema(path: &Path) -> Result<Schema, SchemaError> {
    let io = |e: std::io::Error| SchemaError::Io {
        path: path.to_owned(),
        message: e.to_string(),
    };
    let meta = std::fs::metadata(path).map_err(io)?;
    if meta.len() > project::MAX_FILE_BYTES {
        return Err(SchemaError::Io {
            path: path.to_owned(),
            message: format!("{} bytes is too large for a schema", meta.len()),
        });
    }
    let bytes = std::fs::read(path).map_err(io)?;
    let text = std::str::from_utf8(&bytes).map_err(|e| SchemaError::Io {
        path: path.to_owned(),
        message: format!("invalid UTF-8 at byte {}", e.valid_up_to()),
    })?;
    let schema = parse_schema(text, path)?;
    let problems = super::check_schema(&schema);
    if !problems.is_empty() {
        return Err(SchemaError::Invalid {
            path: path.to_owned(),
            problems,
        });
    }
    Ok(schema)
}

/// Writes `schema` as a schema file, atomically; an existing file is only replaced with
/// `force`.
pub fn save_schema(path: &Path, schema: &Schema, force: bool) -> Result<(), SchemaError> {
    if !force && path.symlink_metadata().is_ok() {
        return Err(ProjectError::AlreadyExists {
            path: path.to_owned(),
        }
        .into());
    }
    let text = schema_to_string(schema)?;
    project::write_atomic(path, text.as_bytes())?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Example, Mark};

    #[test]
    fn a_schema_file_round_trips_with_guidelines_and_revision() {
        let mut s = Schema {
            revision: 7,
            ..Schema::default()
        };
        s.span_labels[1].examples.push(Example {
            text: "قال \"x\"\n".into(),
            mark: Some(Mark { start: 5, end: 6 }),
        });
        let text = schema_to_string(&s).expect("write");
        assert!(text.starts_with("(\n    schema_version: 1,\n    schema: (\n        revision: 7,"));
        // Arabic stays readable.
        assert!(text.contains("المتحدث باسم الوزارة"), "{text}");
        let back = parse_schema(&text, Path::new("s.ron")).expect("read");
        assert_eq!(back, s);
        assert_eq!(schema_to_string(&back).expect("again"), text);
    }

    #[test]
    fn a_project_file_is_a_schema_source_and_errors_have_positions() {
        let mut p = crate::model::Project::new("n", "");
        p.schema.span_labels.truncate(1);
        let text = project::to_ron_string(&p).expect("project");
        let s = parse_schema(&text, Path::new("p.ron")).expect("schema of a project");
        assert_eq!(s.span_labels.len(), 1);
        let err = parse_schema(
            "(\n  schema_version: 1,\n  schema: (span_labels: 5),\n)",
            Path::new("bad.ron"),
        )
        .expect_err("bad");
        assert!(err.to_string().starts_with("bad.ron:3:"), "{err}");
        // A broken project file gets the project reader's message.
        let err = parse_schema("(version: 2, name: 5)", Path::new("p.ron")).expect_err("bad");
        assert!(matches!(err, SchemaError::Project(_)), "{err}");
        assert!(err.to_string().starts_with("p.ron:1:"), "{err}");
        let err = parse_schema("(schema_version: 9, schema: ())", Path::new("new.ron"))
            .expect_err("too new");
        assert!(
            matches!(err, SchemaError::TooNew { version: 9, .. }),
            "{err}"
        );
    }

    #[test]
    fn loading_refuses_a_schema_with_a_bad_example_mark() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("s.ron");
        let mut s = Schema::default();
        s.span_labels[0].examples[0].mark = Some(Mark { start: 3, end: 999 });
        save_schema(&path, &s, false).expect("save");
        let err = load_schema(&path).expect_err("bad mark");
        let msg = err.to_string();
        assert!(
            msg.contains("label \"speaker\": example 1: mark 3..999"),
            "{msg}"
        );
        assert!(
            save_schema(&path, &s, false).is_err(),
            "no overwrite without force"
        );
        save_schema(&path, &Schema::default(), true).expect("forced");
        assert_eq!(load_schema(&path).expect("good"), Schema::default());
    }
}
