//! The RON project format: versions, migration, validation and atomic file io.
//!
//! - [`format`](mod@format): the text of a file (format version [`FORMAT_VERSION`]), written
//!   deterministically, read from any known version;
//! - [`migrate`]: the chain that upgrades older versions step by step;
//! - [`validate`](mod@validate): checks against schema and texts, with re-anchoring fixes;
//! - [`io`]: [`load`], atomic [`save`] guarded against changes on disk, recovery files;
//! - [`import`]: documents and projects from plain text files;
//! - [`corpus`]: projects from folders, globs and JSON Lines, sorted, de-duplicated, checked;
//! - [`seed`]: the compiled-in seed article and where its project lives.
//!
//! Offsets in files are Unicode code points, end-exclusive, as everywhere in the model.

pub mod corpus;
pub mod error;
mod fast;
mod fastwrite;
pub mod format;
pub mod import;
pub mod io;
pub mod migrate;
pub mod seed;
pub mod validate;

pub use corpus::{Corpus, CorpusError, Duplicate, MAX_DOCUMENT_BYTES, read_corpus};
pub use error::ProjectError;
pub use format::{FORMAT_VERSION, MAX_FILE_BYTES, parse, parse_str, to_ron_string};
pub use import::{document_from_bytes, document_from_text_file, project_from_text_files, title_of};
pub use io::{
    DiskStamp, Loaded, SaveGuard, load, load_unvalidated, recovery_newer_than, recovery_path,
    remove_recovery, save, write_atomic, write_recovery,
};
pub use validate::{Fix, Problem, Severity, apply_fixes, has_errors, validate};
