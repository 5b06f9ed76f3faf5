//! The annotation model: projects, documents, spans, relations, the label schema and the edit
//! path. No egui and no file io here, so every layer above can test against it directly.

pub mod actions;
pub mod command;
pub mod corpus_search;
pub mod doclist;
pub mod document;
pub mod history;
pub mod proposed;
pub mod schema;
pub mod search;
pub mod snap;
pub mod suggestion;
pub mod text_index;
pub mod tokens;

pub use command::{Edit, EditError, History, Selection, Transaction, apply};
pub use document::{DocStatus, Document, Project, Relation, RelationId, Span, SpanId, text_sha256};
pub use schema::{AttributeDef, Example, Guidelines, Mark, RelationType, Schema, SpanLabel};
pub use search::SearchIndex;
pub use snap::snap_selection;
pub use suggestion::{Rejection, SuggestedLink, Suggestion};
pub use text_index::CharIndex;
