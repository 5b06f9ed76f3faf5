//! Suggestions as the window shows them: from the file's pending list, the cue rules or the
//! learner, each with its proposed relations' targets named by label and range (the ids of
//! computed suggestions are not stable across edits, ranges are).

use super::suggestion::Suggestion;

/// A proposed relation from a shown suggestion to a span or suggestion at a range.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LinkTarget {
    /// Relation type.
    pub kind: String,
    /// The target's label.
    pub label: String,
    /// The target's first code point.
    pub start: usize,
    /// One past the target's last code point.
    pub end: usize,
}

/// One suggestion a document shows.
#[derive(Clone, Debug, PartialEq)]
pub struct ShownSuggestion {
    /// The suggestion (for pending ones, as stored in the file).
    pub suggestion: Suggestion,
    /// Stored in the document's pending `suggestions`: accepting or rejecting removes it
    /// from there.
    pub pending: bool,
    /// Its proposed relations.
    pub links: Vec<LinkTarget>,
    /// What AccessKit reads for it, "suggested LABEL: TEXT": made where the list is built
    /// (a worker), so a frame showing 20,000 of them formats nothing.
    pub read_as: std::sync::Arc<str>,
}

/// (label, start, end): what identifies a suggestion between frames.
pub type SuggestionKey = (String, usize, usize);

impl ShownSuggestion {
    /// Its (label, start, end).
    pub fn key(&self) -> SuggestionKey {
        let s = &self.suggestion;
        (s.label.clone(), s.start, s.end)
    }

    /// Whether its key is `k`.
    pub fn is(&self, k: &SuggestionKey) -> bool {
        let s = &self.suggestion;
        s.label == k.0 && s.start == k.1 && s.end == k.2
    }
}
