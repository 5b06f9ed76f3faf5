//! What can go wrong when suggesting.

use thiserror::Error;

use crate::model::SpanId;

/// An error of the suggestion engine: input that does not fit the corpus it was built for.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum SuggestError {
    /// A document index past the corpus.
    #[error("document {index} does not exist (the corpus has {count})")]
    NoDocument {
        /// The index asked for.
        index: usize,
        /// How many documents there are.
        count: usize,
    },
    /// A span with nothing in it cannot teach.
    #[error("document {doc}: span {span}: range {start}..{end} is empty")]
    EmptySpan {
        /// Index of the document.
        doc: usize,
        /// The span's id.
        span: SpanId,
        /// Its start.
        start: usize,
        /// Its end.
        end: usize,
    },
}
