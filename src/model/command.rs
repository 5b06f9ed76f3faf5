//! The one path through which annotations change: transactions of invertible edits, and history.
//!
//! Every user action becomes a [`Transaction`] (a list of primitive [`Edit`]s) applied by
//! [`apply`], which checks each edit against the schema and the text and returns the inverse
//! transaction. [`History`] ([`super::history::UndoHistory`] over transactions) keeps those
//! inverses for undo/redo and tracks the saved state, so the dirty flag and autosave need no
//! other hook.

use thiserror::Error;

use std::sync::Arc;

use super::document::{DocStatus, Document, Project, Relation, RelationId, Span, SpanId};
use super::history::{Place, Revertible, UndoHistory};
use super::schema::Schema;
use super::suggestion::{Rejection, Suggestion};

/// A primitive, invertible change to one document of a project (documents by index).
#[derive(Clone, Debug, PartialEq)]
pub enum Edit {
    /// Add a span (its id must be unused).
    InsertSpan {
        /// Document index.
        doc: usize,
        /// The new span.
        span: Span,
    },
    /// Remove a span that no relation uses.
    DeleteSpan {
        /// Document index.
        doc: usize,
        /// Span id.
        id: SpanId,
    },
    /// Replace the span with the same id (label, range, text, note, attributes).
    ReplaceSpan {
        /// Document index.
        doc: usize,
        /// The new version of the span.
        span: Span,
    },
    /// Add a relation (its id must be unused).
    InsertRelation {
        /// Document index.
        doc: usize,
        /// The new relation.
        relation: Relation,
    },
    /// Remove a relation.
    DeleteRelation {
        /// Document index.
        doc: usize,
        /// Relation id.
        id: RelationId,
    },
    /// Set the document's status.
    SetStatus {
        /// Document index.
        doc: usize,
        /// New status.
        status: DocStatus,
    },
    /// Put a pending suggestion back at position `at` of the document's list (its id must
    /// be unused by spans and suggestions).
    InsertSuggestion {
        /// Document index.
        doc: usize,
        /// Position in the document's pending suggestions.
        at: usize,
        /// The suggestion.
        suggestion: Suggestion,
    },
    /// Remove a pending suggestion (accepted or rejected).
    DeleteSuggestion {
        /// Document index.
        doc: usize,
        /// Suggestion id.
        id: SpanId,
    },
    /// Record a rejection at position `at` of the document's list.
    InsertRejection {
        /// Document index.
        doc: usize,
        /// Position in the document's rejections.
        at: usize,
        /// The rejection.
        rejection: Rejection,
    },
    /// Forget the rejection at position `at`.
    DeleteRejection {
        /// Document index.
        doc: usize,
        /// Position in the document's rejections.
        at: usize,
    },
    /// Replace the schema and, with it, the documents a schema change migrated (annotations
    /// renamed or removed). Checking the schema itself is the caller's (`crate::schema`);
    /// here the documents' texts must be unchanged and their spans' labels in the schema.
    ReplaceSchema {
        /// The new schema.
        schema: Box<Schema>,
        /// The migrated documents, by index; the others are unchanged.
        documents: Vec<(usize, Arc<Document>)>,
        /// Names this change renamed, old → new, in order (files that refer to the project's
        /// annotations by name, such as its review file, follow them).
        renames: Vec<(String, String)>,
    },
}

impl Edit {
    /// The renames a [`Edit::ReplaceSchema`] makes (empty for every other edit).
    pub fn renames(&self) -> &[(String, String)] {
        match self {
            Edit::ReplaceSchema { renames, .. } => renames,
            _ => &[],
        }
    }
}

/// Edits applied together as one undo step.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Transaction {
    /// The edits, applied in order.
    pub edits: Vec<Edit>,
}

impl Transaction {
    /// A transaction of one edit.
    pub fn one(edit: Edit) -> Self {
        Transaction { edits: vec![edit] }
    }
}

impl Transaction {
    /// The renames its schema changes make, in order.
    pub fn renames(&self) -> Vec<(String, String)> {
        self.edits
            .iter()
            .flat_map(|e| e.renames().iter().cloned())
            .collect()
    }
}

impl From<Vec<Edit>> for Transaction {
    fn from(edits: Vec<Edit>) -> Self {
        Transaction { edits }
    }
}

/// Why an edit was refused. The project is unchanged when this is returned.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum EditError {
    /// Document index out of range.
    #[error("no document number {0}")]
    NoDocument(usize),
    /// Unknown span id.
    #[error("no span with id {0}")]
    NoSpan(SpanId),
    /// Unknown relation id.
    #[error("no relation with id {0}")]
    NoRelation(RelationId),
    /// Id already taken.
    #[error("id {0} is already used")]
    DuplicateId(u64),
    /// The label is not in the schema.
    #[error("label \"{0}\" is not in the schema")]
    UnknownLabel(String),
    /// The range is empty or outside the text.
    #[error("range {start}..{end} is empty or outside the text ({len} characters)")]
    BadRange {
        /// Start code point.
        start: usize,
        /// End code point.
        end: usize,
        /// Text length in code points.
        len: usize,
    },
    /// The quoted text differs from the text at the range.
    #[error("quoted text does not match the text at {start}..{end}")]
    QuoteMismatch {
        /// Start code point.
        start: usize,
        /// End code point.
        end: usize,
    },
    /// Same label and range as an existing span.
    #[error("a \"{label}\" span already covers exactly {start}..{end}")]
    DuplicateSpan {
        /// Label.
        label: String,
        /// Start code point.
        start: usize,
        /// End code point.
        end: usize,
    },
    /// The attribute or its value is not in the schema for this label.
    #[error("attribute {name}={value} is not allowed on a \"{label}\" span")]
    BadAttribute {
        /// Span label.
        label: String,
        /// Attribute name.
        name: String,
        /// Attribute value.
        value: String,
    },
    /// The relation type is unknown or does not allow these endpoint labels.
    #[error("a \"{kind}\" relation cannot go from a \"{from}\" span to a \"{to}\" span")]
    ForbiddenRelation {
        /// Relation type.
        kind: String,
        /// Source span label.
        from: String,
        /// Target span label.
        to: String,
    },
    /// The same relation already exists.
    #[error("span {from} is already linked to span {to} by \"{kind}\"")]
    DuplicateRelation {
        /// Relation type.
        kind: String,
        /// Source span id.
        from: SpanId,
        /// Target span id.
        to: SpanId,
    },
    /// The span is still used by relations.
    #[error("span {0} is still used by a relation")]
    SpanInUse(SpanId),
    /// No rejection at this position of the document's list.
    #[error("no rejection number {0}")]
    NoRejection(usize),
    /// A schema change would have replaced a document's text.
    #[error("the schema change would change the text of document number {0}")]
    TextChanged(usize),
}

/// Checks a span against its document's text and the schema (not against other spans).
fn check_span(project: &Project, doc: usize, span: &Span) -> Result<(), EditError> {
    let d = project
        .documents
        .get(doc)
        .ok_or(EditError::NoDocument(doc))?;
    if project.schema.label(&span.label).is_none() {
        return Err(EditError::UnknownLabel(span.label.clone()));
    }
    let len = d.len_chars();
    if span.start >= span.end || span.end > len {
        return Err(EditError::BadRange {
            start: span.start,
            end: span.end,
            len,
        });
    }
    if d.slice(span.start, span.end) != Some(span.text.as_str()) {
        return Err(EditError::QuoteMismatch {
            start: span.start,
            end: span.end,
        });
    }
    for (name, value) in &span.attributes {
        let ok = project
            .schema
            .attribute(&span.label, name)
            .is_some_and(|a| a.values.contains(value));
        if !ok {
            return Err(EditError::BadAttribute {
                label: span.label.clone(),
                name: name.clone(),
                value: value.clone(),
            });
        }
    }
    let dup = d.spans.iter().any(|o| {
        o.id != span.id && o.label == span.label && o.start == span.start && o.end == span.end
    });
    if dup {
        return Err(EditError::DuplicateSpan {
            label: span.label.clone(),
            start: span.start,
            end: span.end,
        });
    }
    Ok(())
}

fn check_relation(project: &Project, doc: usize, r: &Relation) -> Result<(), EditError> {
    let d = project
        .documents
        .get(doc)
        .ok_or(EditError::NoDocument(doc))?;
    let from = d.span(r.from).ok_or(EditError::NoSpan(r.from))?;
    let to = d.span(r.to).ok_or(EditError::NoSpan(r.to))?;
    let allowed = project
        .schema
        .relation_type(&r.kind)
        .is_some_and(|t| t.allows(&from.label, &to.label));
    if !allowed {
        return Err(EditError::ForbiddenRelation {
            kind: r.kind.clone(),
            from: from.label.clone(),
            to: to.label.clone(),
        });
    }
    Ok(())
}

/// Document `doc` for changing (the index is checked by the caller); copied out of a shared
/// snapshot first.
fn doc_mut(project: &mut Project, doc: usize) -> &mut Document {
    std::sync::Arc::make_mut(&mut project.documents[doc])
}

/// Swaps in a schema and migrated documents; returns the swap that undoes it.
fn replace_schema(
    project: &mut Project,
    schema: Schema,
    documents: Vec<(usize, Arc<Document>)>,
    renames: Vec<(String, String)>,
) -> Result<Edit, EditError> {
    for (i, d) in &documents {
        let old = project.documents.get(*i).ok_or(EditError::NoDocument(*i))?;
        if old.text() != d.text() {
            return Err(EditError::TextChanged(*i));
        }
        if let Some(s) = d.spans.iter().find(|s| schema.label(&s.label).is_none()) {
            return Err(EditError::UnknownLabel(s.label.clone()));
        }
    }
    let old_schema = std::mem::replace(&mut project.schema, schema);
    let old_documents = documents
        .into_iter()
        .map(|(i, d)| (i, std::mem::replace(&mut project.documents[i], d)))
        .collect();
    Ok(Edit::ReplaceSchema {
        schema: Box::new(old_schema),
        documents: old_documents,
        renames: renames.into_iter().rev().map(|(a, b)| (b, a)).collect(),
    })
}

/// Applies one primitive edit and returns its inverse.
fn apply_edit(project: &mut Project, edit: Edit) -> Result<Edit, EditError> {
    let doc = match &edit {
        Edit::InsertSpan { doc, .. }
        | Edit::DeleteSpan { doc, .. }
        | Edit::ReplaceSpan { doc, .. }
        | Edit::InsertRelation { doc, .. }
        | Edit::DeleteRelation { doc, .. }
        | Edit::SetStatus { doc, .. }
        | Edit::InsertSuggestion { doc, .. }
        | Edit::DeleteSuggestion { doc, .. }
        | Edit::InsertRejection { doc, .. }
        | Edit::DeleteRejection { doc, .. } => Some(*doc),
        Edit::ReplaceSchema { .. } => None,
    };
    if let Some(doc) = doc
        && doc >= project.documents.len()
    {
        return Err(EditError::NoDocument(doc));
    }
    // Read only by the edits of one document, which all have an index.
    let doc = doc.unwrap_or_default();
    match edit {
        Edit::ReplaceSchema {
            schema,
            documents,
            renames,
        } => replace_schema(project, *schema, documents, renames),
        Edit::InsertSpan { span, .. } => {
            if project.documents[doc].span(span.id).is_some() {
                return Err(EditError::DuplicateId(span.id));
            }
            check_span(project, doc, &span)?;
            let id = span.id;
            let spans = &mut doc_mut(project, doc).spans;
            // Keep the file order (start, end, id) so saving needs no sort.
            let at =
                spans.partition_point(|s| (s.start, s.end, s.id) < (span.start, span.end, span.id));
            spans.insert(at, span);
            Ok(Edit::DeleteSpan { doc, id })
        }
        Edit::DeleteSpan { id, .. } => {
            let d = doc_mut(project, doc);
            if d.relations_of(id).next().is_some() {
                return Err(EditError::SpanInUse(id));
            }
            let at = d
                .spans
                .iter()
                .position(|s| s.id == id)
                .ok_or(EditError::NoSpan(id))?;
            let span = d.spans.remove(at);
            Ok(Edit::InsertSpan { doc, span })
        }
        Edit::ReplaceSpan { span, .. } => {
            let at = project.documents[doc]
                .spans
                .iter()
                .position(|s| s.id == span.id)
                .ok_or(EditError::NoSpan(span.id))?;
            check_span(project, doc, &span)?;
            let d = doc_mut(project, doc);
            let old = d.spans.remove(at);
            // A relabelled span must still satisfy its relations.
            let at_new = d
                .spans
                .partition_point(|s| (s.start, s.end, s.id) < (span.start, span.end, span.id));
            d.spans.insert(at_new, span);
            let rels: Vec<Relation> = d.relations_of(old.id).cloned().collect();
            if let Some(err) = rels
                .iter()
                .find_map(|r| check_relation(project, doc, r).err())
            {
                let d = doc_mut(project, doc);
                let pos = d
                    .spans
                    .iter()
                    .position(|s| s.id == old.id)
                    .unwrap_or(at_new);
                d.spans[pos] = old;
                d.normalize_order();
                return Err(err);
            }
            Ok(Edit::ReplaceSpan { doc, span: old })
        }
        Edit::InsertRelation { relation, .. } => {
            if project.documents[doc].relation(relation.id).is_some() {
                return Err(EditError::DuplicateId(relation.id));
            }
            check_relation(project, doc, &relation)?;
            let id = relation.id;
            let rels = &mut doc_mut(project, doc).relations;
            let at = rels.partition_point(|r| r.id < id);
            rels.insert(at, relation);
            Ok(Edit::DeleteRelation { doc, id })
        }
        Edit::DeleteRelation { id, .. } => {
            let d = doc_mut(project, doc);
            let at = d
                .relations
                .iter()
                .position(|r| r.id == id)
                .ok_or(EditError::NoRelation(id))?;
            let relation = d.relations.remove(at);
            Ok(Edit::InsertRelation { doc, relation })
        }
        Edit::SetStatus { status, .. } => {
            let old = std::mem::replace(&mut doc_mut(project, doc).status, status);
            Ok(Edit::SetStatus { doc, status: old })
        }
        Edit::InsertSuggestion { at, suggestion, .. } => {
            let d = &project.documents[doc];
            let id = suggestion.id;
            if d.span(id).is_some() || d.suggestions.iter().any(|s| s.id == id) {
                return Err(EditError::DuplicateId(id));
            }
            let list = &mut doc_mut(project, doc).suggestions;
            list.insert(at.min(list.len()), suggestion);
            Ok(Edit::DeleteSuggestion { doc, id })
        }
        Edit::DeleteSuggestion { id, .. } => {
            let at = project.documents[doc]
                .suggestions
                .iter()
                .position(|s| s.id == id)
                .ok_or(EditError::NoSpan(id))?;
            let suggestion = doc_mut(project, doc).suggestions.remove(at);
            Ok(Edit::InsertSuggestion {
                doc,
                at,
                suggestion,
            })
        }
        Edit::InsertRejection { at, rejection, .. } => {
            let list = &mut doc_mut(project, doc).rejected;
            let at = at.min(list.len());
            list.insert(at, rejection);
            Ok(Edit::DeleteRejection { doc, at })
        }
        Edit::DeleteRejection { at, .. } => {
            if at >= project.documents[doc].rejected.len() {
                return Err(EditError::NoRejection(at));
            }
            let rejection = doc_mut(project, doc).rejected.remove(at);
            Ok(Edit::InsertRejection { doc, at, rejection })
        }
    }
}

/// Applies a transaction atomically: all edits or none. Returns the inverse transaction.
pub fn apply(project: &mut Project, tx: Transaction) -> Result<Transaction, EditError> {
    let mut inverse = Vec::with_capacity(tx.edits.len());
    for edit in tx.edits {
        match apply_edit(project, edit) {
            Ok(inv) => inverse.push(inv),
            Err(e) => {
                // Roll back what was applied; inverses of applied edits always succeed.
                for inv in inverse.into_iter().rev() {
                    let _ = apply_edit(project, inv);
                }
                return Err(e);
            }
        }
    }
    inverse.reverse();
    Ok(Transaction { edits: inverse })
}

/// What the user had selected around a change, kept with each undo step so that undo and
/// redo bring back the document and selection the change was made in (as helix keeps a
/// selection with each revision).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Selection {
    /// Document index.
    pub doc: usize,
    /// Selected text, in code points.
    pub text: Option<std::ops::Range<usize>>,
    /// Selected span.
    pub span: Option<SpanId>,
    /// Selected relation.
    pub relation: Option<RelationId>,
}

impl Selection {
    /// Nothing selected in document `doc`.
    pub fn none(doc: usize) -> Self {
        Selection {
            doc,
            ..Default::default()
        }
    }

    /// This selection with what no longer exists in `project` dropped: a span or relation
    /// that was deleted, a range outside the text, a document index out of range (then
    /// document 0 with nothing selected).
    pub fn checked(mut self, project: &Project) -> Self {
        let Some(d) = project.documents.get(self.doc) else {
            return Selection::none(0);
        };
        self.span = self.span.filter(|id| d.span(*id).is_some());
        self.relation = self.relation.filter(|id| d.relation(*id).is_some());
        let len = d.len_chars();
        self.text = self.text.filter(|r| r.start < r.end && r.end <= len);
        self
    }
}

impl Revertible<Project> for Transaction {
    type Error = EditError;

    fn apply_to(self, project: &mut Project) -> Result<Self, EditError> {
        apply(project, self)
    }

    fn is_empty(&self) -> bool {
        self.edits.is_empty()
    }
}

impl Place<Project> for Selection {
    fn checked(self, project: &Project) -> Self {
        Selection::checked(self, project)
    }
}

/// Undo/redo of a project's annotations, each step with the selections before and after it,
/// plus the identity of the saved state for the dirty flag.
pub type History = UndoHistory<Transaction, Selection>;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Document;

    fn project() -> Project {
        let mut p = Project::new("t", "ann");
        p.documents
            .push(Document::new("d", "", "", "قال مصدر أمني إن الحملة بدأت").into());
        p
    }

    fn span(p: &Project, id: SpanId, label: &str, a: usize, b: usize) -> Span {
        p.documents[0]
            .make_span(id, label, a, b, "ann")
            .expect("valid")
    }

    #[test]
    fn insert_undo_redo_and_dirty_flag() {
        let mut p = project();
        let mut h = History::default();
        assert!(!h.is_dirty());
        let s = span(&p, 1, "speaker", 4, 13);
        h.apply(
            &mut p,
            Transaction::one(Edit::InsertSpan { doc: 0, span: s }),
            Selection::none(0),
            Selection::none(0),
        )
        .expect("insert");
        assert_eq!(p.documents[0].spans[0].text, "مصدر أمني");
        assert!(h.is_dirty());
        h.mark_saved();
        assert!(!h.is_dirty());
        assert!(h.undo(&mut p).expect("undo").is_some());
        assert!(p.documents[0].spans.is_empty());
        assert!(h.is_dirty());
        assert!(h.redo(&mut p).expect("redo").is_some());
        assert_eq!(p.documents[0].spans.len(), 1);
        assert!(!h.is_dirty(), "redo returns to the saved state");
        assert!(h.redo(&mut p).expect("nothing to redo").is_none());
    }

    #[test]
    fn undo_and_redo_return_the_selections_of_their_step_checked_against_the_project() {
        let mut p = project();
        p.documents
            .push(Document::new("e", "", "", "نص ثان").into());
        let mut h = History::default();
        let s = span(&p, 1, "speaker", 4, 13);
        let before = Selection {
            doc: 0,
            text: Some(4..13),
            span: None,
            relation: None,
        };
        let after = Selection {
            doc: 0,
            text: None,
            span: Some(1),
            relation: None,
        };
        h.apply(
            &mut p,
            Transaction::one(Edit::InsertSpan { doc: 0, span: s }),
            before.clone(),
            after.clone(),
        )
        .expect("insert");
        let status = Transaction::one(Edit::SetStatus {
            doc: 1,
            status: DocStatus::Done,
        });
        h.apply(&mut p, status, Selection::none(1), Selection::none(1))
            .expect("status");
        assert_eq!(
            h.undo(&mut p).expect("undo status"),
            Some(Selection::none(1)),
            "the document of the step"
        );
        assert_eq!(h.undo(&mut p).expect("undo insert"), Some(before));
        assert_eq!(h.redo(&mut p).expect("redo insert"), Some(after.clone()));
        // A selection naming a span that no longer exists comes back without it.
        let gone = Selection {
            span: Some(9),
            relation: Some(3),
            text: Some(0..999),
            ..after
        };
        assert_eq!(gone.checked(&p), Selection::none(0));
        assert_eq!(
            Selection {
                doc: 7,
                ..Selection::none(0)
            }
            .checked(&p),
            Selection::none(0)
        );
    }

    #[test]
    fn refused_edits_leave_the_project_unchanged() {
        let mut p = project();
        let before = p.clone();
        let mut bad = span(&p, 1, "speaker", 0, 3);
        bad.label = "nope".into();
        assert!(matches!(
            apply(
                &mut p,
                Transaction::one(Edit::InsertSpan { doc: 0, span: bad })
            ),
            Err(EditError::UnknownLabel(_))
        ));
        let ok = span(&p, 1, "speaker", 0, 3);
        let mut quote = span(&p, 2, "claim", 0, 3);
        quote.text = "xxx".into();
        let tx = Transaction::from(vec![
            Edit::InsertSpan { doc: 0, span: ok },
            Edit::InsertSpan {
                doc: 0,
                span: quote,
            },
        ]);
        assert!(matches!(
            apply(&mut p, tx),
            Err(EditError::QuoteMismatch { .. })
        ));
        assert_eq!(p, before, "first edit rolled back");
    }

    #[test]
    fn duplicates_and_forbidden_relations_are_refused() {
        let mut p = project();
        let mut h = History::default();
        let a = span(&p, 1, "speaker", 4, 13);
        let b = span(&p, 2, "speaker", 4, 13);
        let c = span(&p, 3, "claim", 17, 28);
        h.apply(
            &mut p,
            Transaction::one(Edit::InsertSpan { doc: 0, span: a }),
            Selection::none(0),
            Selection::none(0),
        )
        .expect("a");
        assert!(matches!(
            h.apply(
                &mut p,
                Transaction::one(Edit::InsertSpan { doc: 0, span: b }),
                Selection::none(0),
                Selection::none(0)
            ),
            Err(EditError::DuplicateSpan { .. })
        ));
        h.apply(
            &mut p,
            Transaction::one(Edit::InsertSpan { doc: 0, span: c }),
            Selection::none(0),
            Selection::none(0),
        )
        .expect("c");
        let wrong = Relation {
            id: 1,
            kind: "attributed_to".into(),
            from: 1,
            to: 3,
            annotator: String::new(),
        };
        assert!(matches!(
            h.apply(
                &mut p,
                Transaction::one(Edit::InsertRelation {
                    doc: 0,
                    relation: wrong
                }),
                Selection::none(0),
                Selection::none(0)
            ),
            Err(EditError::ForbiddenRelation { .. })
        ));
        let right = Relation {
            id: 1,
            kind: "attributed_to".into(),
            from: 3,
            to: 1,
            annotator: String::new(),
        };
        h.apply(
            &mut p,
            Transaction::one(Edit::InsertRelation {
                doc: 0,
                relation: right,
            }),
            Selection::none(0),
            Selection::none(0),
        )
        .expect("relation");
        // A span used by a relation cannot be deleted alone, nor relabelled out of the relation's labels.
        assert_eq!(
            apply(&mut p, Transaction::one(Edit::DeleteSpan { doc: 0, id: 1 })),
            Err(EditError::SpanInUse(1))
        );
        let mut relabelled = p.documents[0].span(1).cloned().expect("span 1");
        relabelled.label = "entity".into();
        assert!(matches!(
            apply(
                &mut p,
                Transaction::one(Edit::ReplaceSpan {
                    doc: 0,
                    span: relabelled
                })
            ),
            Err(EditError::ForbiddenRelation { .. })
        ));
        assert_eq!(
            p.documents[0].span(1).map(|s| s.label.as_str()),
            Some("speaker")
        );
        // Deleting the relation first, then the span, in one transaction works and undoes as one step.
        let tx = Transaction::from(vec![
            Edit::DeleteRelation { doc: 0, id: 1 },
            Edit::DeleteSpan { doc: 0, id: 1 },
        ]);
        h.apply(&mut p, tx, Selection::none(0), Selection::none(0))
            .expect("delete both");
        assert!(p.documents[0].relations.is_empty());
        h.undo(&mut p).expect("undo");
        assert_eq!(p.documents[0].relations.len(), 1);
        assert!(p.documents[0].span(1).is_some());
    }

    #[test]
    fn suggestion_and_rejection_edits_invert_exactly() {
        let mut p = project();
        let sugg = |id: SpanId| Suggestion {
            id,
            label: "speaker".into(),
            start: 4,
            end: 13,
            text: "مصدر أمني".into(),
            attributes: Default::default(),
            rule: "cue-verb".into(),
            score: 80,
            links: Vec::new(),
            same_as: None,
        };
        {
            let d = doc_mut(&mut p, 0);
            d.suggestions = vec![sugg(7), sugg(9)];
        }
        let before = p.clone();
        let rejection = Rejection {
            label: "speaker".into(),
            start: 4,
            end: 13,
            text: "مصدر أمني".into(),
        };
        let tx = Transaction::from(vec![
            Edit::DeleteSuggestion { doc: 0, id: 7 },
            Edit::InsertRejection {
                doc: 0,
                at: 0,
                rejection,
            },
        ]);
        let inverse = apply(&mut p, tx).expect("reject");
        assert_eq!(p.documents[0].suggestions, vec![sugg(9)]);
        assert_eq!(p.documents[0].rejected.len(), 1);
        apply(&mut p, inverse).expect("undo");
        assert_eq!(p, before, "the suggestion is back in its place");
        // A suggestion id must be unused.
        let dup = Edit::InsertSuggestion {
            doc: 0,
            at: 0,
            suggestion: sugg(9),
        };
        assert_eq!(
            apply(&mut p, Transaction::one(dup)),
            Err(EditError::DuplicateId(9))
        );
        assert_eq!(
            apply(
                &mut p,
                Transaction::one(Edit::DeleteRejection { doc: 0, at: 0 })
            ),
            Err(EditError::NoRejection(0))
        );
    }

    #[test]
    fn attributes_are_checked_against_the_schema() {
        let mut p = project();
        let mut s = span(&p, 1, "claim", 17, 28);
        s.attributes.insert("quote".into(), "loud".into());
        assert!(matches!(
            apply(
                &mut p,
                Transaction::one(Edit::InsertSpan {
                    doc: 0,
                    span: s.clone()
                })
            ),
            Err(EditError::BadAttribute { .. })
        ));
        s.attributes.insert("quote".into(), "direct".into());
        apply(
            &mut p,
            Transaction::one(Edit::InsertSpan { doc: 0, span: s }),
        )
        .expect("valid attribute");
    }
}
