//! Pending suggestions and rejections kept in a document: spans proposed by the suggestion
//! rules or the learner (`crate::suggest`) that the annotator has neither accepted nor
//! rejected yet, and the proposals the annotator turned down, so they are not made again.
//!
//! Suggestion ids share the document's span id space ([`super::Document::next_span_id`]
//! skips them), so a link can name a span or another suggestion without ambiguity, and an
//! accepted suggestion can keep its id.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::document::SpanId;

/// A proposed span, waiting for the annotator's decision.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Suggestion {
    /// Identifier, unique among the document's spans and suggestions.
    pub id: SpanId,
    /// Name of a span label of the schema.
    pub label: String,
    /// First code point, inclusive.
    pub start: usize,
    /// One past the last code point, exclusive.
    pub end: usize,
    /// The text at `start..end`.
    pub text: String,
    /// Proposed attribute values by attribute name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub attributes: BTreeMap<String, String>,
    /// The rule that proposed it (`cue-verb`, `entity-title`, `learned`, …).
    pub rule: String,
    /// Confidence in per cent (0–100).
    pub score: u8,
    /// Relations proposed from this suggestion, e.g. `attributed_to` its speaker.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub links: Vec<SuggestedLink>,
    /// An earlier speaker (span or suggestion id) this one is a shorter mention of, such as
    /// "شمال" for "المتحدث باسم الوزارة، خالد شمال".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub same_as: Option<SpanId>,
}

impl Suggestion {
    /// The `origin` a span made from this suggestion records: `suggested:learned` for the
    /// learner's proposals, `suggested:cue` for the rules'.
    pub fn origin(&self) -> &'static str {
        if self.rule == LEARNED_RULE {
            "suggested:learned"
        } else {
            "suggested:cue"
        }
    }
}

/// The rule name of the learner's proposals.
pub const LEARNED_RULE: &str = "learned";

/// A relation proposed from a suggestion to a span or another suggestion.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SuggestedLink {
    /// Name of a relation type of the schema.
    #[serde(rename = "type")]
    pub kind: String,
    /// Target: the id of a span or of another suggestion of the same document.
    pub to: SpanId,
}

/// A proposal the annotator turned down: the same label at the same range of this document is
/// not proposed again, and it counts against the learner's lesson for its text.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rejection {
    /// The label that was proposed.
    pub label: String,
    /// First code point, inclusive.
    pub start: usize,
    /// One past the last code point, exclusive.
    pub end: usize,
    /// The text at `start..end` when it was rejected.
    pub text: String,
}
