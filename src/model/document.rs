//! Projects, documents, spans and relations.

use std::collections::BTreeMap;
use std::sync::{Arc, OnceLock};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::schema::Schema;
use super::suggestion::{Rejection, Suggestion};
use super::text_index::CharIndex;

/// Identifier of a span, unique within its document and never reused by it.
pub type SpanId = u64;
/// Identifier of a relation, unique within its document and never reused by it.
pub type RelationId = u64;

/// A whole annotation project: schema, annotator and documents.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Project {
    /// Display name of the project.
    #[serde(default)]
    pub name: String,
    /// Who annotated this copy of the documents.
    #[serde(default)]
    pub annotator: String,
    /// Where this copy was handed out from, when `qalam assign` made it: the corpus file's
    /// name and how it was split (`"news.ron seed=7 per-document=2 shared=1"`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assigned_from: Option<String>,
    /// Labels, relation types and attributes allowed in this project.
    #[serde(default)]
    pub schema: Schema,
    /// The documents, each with its text inline. Shared, so that a snapshot of the project
    /// (for a background save) costs one pointer per document; edits copy only the document
    /// they change ([`Project::doc_mut`]).
    #[serde(
        default,
        serialize_with = "serialize_documents",
        deserialize_with = "deserialize_documents"
    )]
    pub documents: Vec<Arc<Document>>,
}

/// Serialises a shared document list exactly as a plain list of documents.
pub fn serialize_documents<S: serde::Serializer>(
    docs: &[Arc<Document>],
    s: S,
) -> Result<S::Ok, S::Error> {
    s.collect_seq(docs.iter().map(|d| &**d))
}

/// Reads a plain list of documents into a shared document list.
pub fn deserialize_documents<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<Vec<Arc<Document>>, D::Error> {
    Ok(Vec::<Document>::deserialize(d)?
        .into_iter()
        .map(Arc::new)
        .collect())
}

impl Project {
    /// An empty project with the default schema.
    pub fn new(name: impl Into<String>, annotator: impl Into<String>) -> Self {
        Project {
            name: name.into(),
            annotator: annotator.into(),
            assigned_from: None,
            schema: Schema::default(),
            documents: Vec::new(),
        }
    }

    /// The document with id `id`.
    pub fn document(&self, id: &str) -> Option<&Document> {
        self.documents.iter().find(|d| d.id == id).map(|d| &**d)
    }

    /// Document `i` for changing it: copied first if a snapshot still shares it.
    pub fn doc_mut(&mut self, i: usize) -> Option<&mut Document> {
        self.documents.get_mut(i).map(Arc::make_mut)
    }

    /// Every document for changing (each copied first if a snapshot still shares it).
    pub fn docs_mut(&mut self) -> impl Iterator<Item = &mut Document> {
        self.documents.iter_mut().map(Arc::make_mut)
    }

    /// Sorts spans by (start, end, id) and relations by id in every document, the order files are written in.
    pub fn normalize_order(&mut self) {
        for d in &mut self.documents {
            let sorted = d.spans.is_sorted_by_key(|s| (s.start, s.end, s.id))
                && d.relations.is_sorted_by_key(|r| r.id);
            // Only documents out of order are copied out of a shared snapshot.
            if !sorted {
                Arc::make_mut(d).normalize_order();
            }
        }
    }
}

/// How far a document's annotation has come, set by the annotator.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DocStatus {
    /// Not started.
    #[default]
    Todo,
    /// Started, not finished.
    InProgress,
    /// Finished.
    Done,
}

impl DocStatus {
    /// A short human label.
    pub fn label(self) -> &'static str {
        match self {
            DocStatus::Todo => "to do",
            DocStatus::InProgress => "in progress",
            DocStatus::Done => "done",
        }
    }
}

/// One document: its text inline plus the annotations on it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Document {
    /// Stable identifier, unique within the project.
    pub id: String,
    /// Display title.
    #[serde(default)]
    pub title: String,
    /// The path the text was imported from (informational).
    #[serde(default)]
    pub source: String,
    /// Lower-case hex SHA-256 of the UTF-8 text, to detect a changed text.
    #[serde(default)]
    pub sha256: String,
    /// Annotation progress.
    #[serde(default)]
    pub status: DocStatus,
    /// The full text, exactly as imported (no normalisation, CRLF kept).
    text: String,
    /// Span annotations.
    #[serde(default)]
    pub spans: Vec<Span>,
    /// Relations between spans of this document.
    #[serde(default)]
    pub relations: Vec<Relation>,
    /// Proposed spans waiting for the annotator's decision (written only when there are some).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub suggestions: Vec<Suggestion>,
    /// Proposals the annotator turned down (written only when there are some).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rejected: Vec<Rejection>,
    #[serde(skip)]
    index: IndexCache,
}

/// Lazily built [`CharIndex`]; invisible to equality and debug output.
#[derive(Clone, Default)]
struct IndexCache(OnceLock<CharIndex>);

impl PartialEq for IndexCache {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl std::fmt::Debug for IndexCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CharIndex")
    }
}

/// Lower-case hex SHA-256 of `text`.
pub fn text_sha256(text: &str) -> String {
    let digest = Sha256::digest(text.as_bytes());
    let mut out = String::with_capacity(64);
    for b in digest {
        out.push_str(&format!("{b:02x}"));
    }
    out
}

impl Document {
    /// A new document without annotations; computes the text's hash.
    pub fn new(
        id: impl Into<String>,
        title: impl Into<String>,
        source: impl Into<String>,
        text: impl Into<String>,
    ) -> Self {
        let text = text.into();
        Document {
            id: id.into(),
            title: title.into(),
            source: source.into(),
            sha256: text_sha256(&text),
            status: DocStatus::Todo,
            text,
            spans: Vec::new(),
            relations: Vec::new(),
            suggestions: Vec::new(),
            rejected: Vec::new(),
            index: IndexCache::default(),
        }
    }

    /// The document's text.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The code-point index of the text, built on first use.
    pub fn index(&self) -> &CharIndex {
        self.index.0.get_or_init(|| CharIndex::new(&self.text))
    }

    /// Length of the text in code points.
    pub fn len_chars(&self) -> usize {
        self.index().len_chars()
    }

    /// The text at code points `start..end`, if that range is valid.
    pub fn slice(&self, start: usize, end: usize) -> Option<&str> {
        self.index().slice(&self.text, start, end)
    }

    /// Whether the stored hash matches the text.
    pub fn hash_matches(&self) -> bool {
        self.sha256 == text_sha256(&self.text)
    }

    /// The span with id `id`.
    pub fn span(&self, id: SpanId) -> Option<&Span> {
        self.spans.iter().find(|s| s.id == id)
    }

    /// The relation with id `id`.
    pub fn relation(&self, id: RelationId) -> Option<&Relation> {
        self.relations.iter().find(|r| r.id == id)
    }

    /// A span id not used by any span or pending suggestion of this document (one past the
    /// largest), so links between suggestions and spans stay unambiguous.
    pub fn next_span_id(&self) -> SpanId {
        let spans = self.spans.iter().map(|s| s.id);
        let suggested = self.suggestions.iter().map(|s| s.id);
        spans.chain(suggested).max().map_or(1, |m| m + 1)
    }

    /// A relation id not used by any relation of this document (one past the largest).
    pub fn next_relation_id(&self) -> RelationId {
        self.relations
            .iter()
            .map(|r| r.id)
            .max()
            .map_or(1, |m| m + 1)
    }

    /// A new span over code points `start..end` with its quoted text filled in; `None` if the range is invalid or empty.
    pub fn make_span(
        &self,
        id: SpanId,
        label: &str,
        start: usize,
        end: usize,
        annotator: &str,
    ) -> Option<Span> {
        if start >= end {
            return None;
        }
        let text = self.slice(start, end)?.to_owned();
        Some(Span {
            id,
            label: label.to_owned(),
            start,
            end,
            text,
            note: None,
            attributes: BTreeMap::new(),
            annotator: annotator.to_owned(),
            origin: None,
        })
    }

    /// Relations that start or end at span `id`.
    pub fn relations_of(&self, id: SpanId) -> impl Iterator<Item = &Relation> {
        self.relations
            .iter()
            .filter(move |r| r.from == id || r.to == id)
    }

    /// Sorts spans by (start, end, id) and relations by id.
    pub fn normalize_order(&mut self) {
        self.spans.sort_by_key(|s| (s.start, s.end, s.id));
        self.relations.sort_by_key(|r| r.id);
    }
}

/// A labelled range of a document's text.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Span {
    /// Stable identifier within the document.
    pub id: SpanId,
    /// Name of a span label of the schema.
    pub label: String,
    /// First code point (Python `str` index), inclusive.
    pub start: usize,
    /// One past the last code point, exclusive.
    pub end: usize,
    /// The quoted text, equal to `text[start:end]` of the document.
    pub text: String,
    /// Free note.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Attribute values by attribute name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub attributes: BTreeMap<String, String>,
    /// Who made the span.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub annotator: String,
    /// Where the span came from when not marked by hand: `suggested:cue`,
    /// `suggested:learned`, `reviewer`, … (format version 2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin: Option<String>,
}

impl Span {
    /// Whether the code-point range overlaps `start..end`.
    pub fn overlaps(&self, start: usize, end: usize) -> bool {
        self.start < end && start < self.end
    }
}

/// A typed, directed link between two spans of the same document.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Relation {
    /// Stable identifier within the document.
    pub id: RelationId,
    /// Name of a relation type of the schema.
    #[serde(rename = "type")]
    pub kind: String,
    /// Source span id (e.g. the claim).
    pub from: SpanId,
    /// Target span id (e.g. the speaker).
    pub to: SpanId,
    /// Who made the relation (written only when set). In a gold copy: the annotators who
    /// had it, their names joined by `,` (`"ali,mona"`), or `reviewer`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub annotator: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_document_hashes_and_slices_in_code_points() {
        let d = Document::new("d1", "t", "x.txt", "قال مصدر 2018 😀 done");
        assert!(d.hash_matches());
        assert_eq!(d.sha256.len(), 64);
        assert_eq!(d.slice(4, 8), Some("مصدر"));
        assert_eq!(d.slice(14, 15), Some("😀"));
        assert_eq!(d.len_chars(), 20);
        let s = d.make_span(1, "speaker", 4, 8, "ann").expect("valid span");
        assert_eq!(s.text, "مصدر");
        assert!(d.make_span(2, "speaker", 5, 5, "").is_none());
        assert!(d.make_span(2, "speaker", 5, 99, "").is_none());
    }

    #[test]
    fn sha256_of_empty_text_is_the_known_digest() {
        assert_eq!(
            text_sha256(""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }

    #[test]
    fn ids_and_ordering() {
        let mut d = Document::new("d", "", "", "abcdef");
        assert_eq!(d.next_span_id(), 1);
        for (id, (a, b)) in [(3, (2, 4)), (1, (0, 3)), (2, (0, 2))] {
            let s = d.make_span(id, "entity", a, b, "").expect("span");
            d.spans.push(s);
        }
        d.normalize_order();
        let order: Vec<_> = d.spans.iter().map(|s| s.id).collect();
        assert_eq!(order, [2, 1, 3]);
        assert_eq!(d.next_span_id(), 4);
        assert!(d.spans[0].overlaps(1, 5));
        assert!(!d.spans[0].overlaps(2, 5));
    }
}
