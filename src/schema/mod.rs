//! A project's own label set as a file of its own, and carrying annotated projects along when
//! it changes. Over [`crate::model`] and [`crate::project`]; no terminal here (the commands
//! are in `src/cli_schema.rs`).
//!
//! - [`file`](mod@file): the schema file (`qalam schema export`), its own small versioned RON
//!   format, read with `file:line:col` messages, written atomically;
//! - [`check`](mod@check): what is wrong with a schema (names, references, example marks);
//! - [`rename`](mod@rename): `--rename FROM=TO` over a schema and over a project's annotations;
//! - [`apply`](mod@apply): migrating a project to another schema, refusing to lose what is in
//!   use unless told to drop it;
//! - [`compare`](mod@compare): the differences between two schemas that make annotations
//!   incomparable (label sets, relation types, attributes), for `qalam agree` and `review`;
//! - [`edit`](mod@edit): one change made in the window (Project → Labels…), planned with
//!   the same rules as `apply`;
//! - [`show`](mod@show): a readable summary.

pub mod apply;
pub mod check;
pub mod compare;
pub mod edit;
pub mod file;
pub mod rename;
pub mod show;

pub use apply::{Applied, Blocker, apply_schema};
pub use check::check_schema;
pub use compare::{differences, differences_mapped};
pub use file::{SCHEMA_FILE_VERSION, SchemaError, load_schema, save_schema, schema_to_string};
pub use rename::{Renames, rename_project, rename_schema};
pub use show::summary;
