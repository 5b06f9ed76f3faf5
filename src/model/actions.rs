//! What a user action means as a [`Transaction`]: the labeling loop's verbs, built against the
//! current project so that the one edit path ([`super::apply`]) can check and invert them.

use std::ops::Range;

use super::command::{Edit, EditError, Transaction};
use super::document::{Project, Relation, RelationId, Span, SpanId};
use super::snap;

/// Which edge of a span to move.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Edge {
    /// The logical start (the right edge in RTL text).
    Start,
    /// The logical end (the left edge in RTL text).
    End,
}

fn doc_ref(project: &Project, doc: usize) -> Result<&super::Document, EditError> {
    project
        .documents
        .get(doc)
        .map(|d| &**d)
        .ok_or(EditError::NoDocument(doc))
}

fn span_ref(project: &Project, doc: usize, id: SpanId) -> Result<&Span, EditError> {
    doc_ref(project, doc)?.span(id).ok_or(EditError::NoSpan(id))
}

/// A new span labelled `label` over `range` (already snapped by the caller, or use
/// [`mark_selection`]). Returns the transaction and the new span's id.
pub fn mark(
    project: &Project,
    doc: usize,
    label: &str,
    range: Range<usize>,
) -> Result<(Transaction, SpanId), EditError> {
    let d = doc_ref(project, doc)?;
    let id = d.next_span_id();
    let len = d.len_chars();
    let span = d
        .make_span(id, label, range.start, range.end, &project.annotator)
        .ok_or(EditError::BadRange {
            start: range.start,
            end: range.end,
            len,
        })?;
    Ok((Transaction::one(Edit::InsertSpan { doc, span }), id))
}

/// A new span from a raw selection: snapped to words and trimmed unless `exact`.
pub fn mark_selection(
    project: &Project,
    doc: usize,
    label: &str,
    selection: Range<usize>,
    exact: bool,
) -> Result<(Transaction, SpanId), EditError> {
    let d = doc_ref(project, doc)?;
    let len = d.len_chars();
    let range = snap::snap_selection_indexed(d.text(), d.index(), selection.clone(), exact).ok_or(
        EditError::BadRange {
            start: selection.start,
            end: selection.end,
            len,
        },
    )?;
    mark(project, doc, label, range)
}

/// Spans labelled `label` over every range in `hits` not already covered by such a span, in
/// one transaction. Returns it and how many spans it adds.
pub fn mark_all(
    project: &Project,
    doc: usize,
    label: &str,
    hits: &[Range<usize>],
) -> Result<(Transaction, usize), EditError> {
    let d = doc_ref(project, doc)?;
    let mut id = d.next_span_id();
    let len = d.len_chars();
    let mut edits = Vec::new();
    for r in hits {
        let exists = d
            .spans
            .iter()
            .any(|s| s.label == label && s.start == r.start && s.end == r.end);
        if exists {
            continue;
        }
        let span = d
            .make_span(id, label, r.start, r.end, &project.annotator)
            .ok_or(EditError::BadRange {
                start: r.start,
                end: r.end,
                len,
            })?;
        edits.push(Edit::InsertSpan { doc, span });
        id += 1;
    }
    let n = edits.len();
    Ok((Transaction::from(edits), n))
}

/// Deletes a span together with the relations that use it (one undo step).
pub fn delete_span(project: &Project, doc: usize, id: SpanId) -> Result<Transaction, EditError> {
    let d = doc_ref(project, doc)?;
    span_ref(project, doc, id)?;
    let mut edits: Vec<Edit> = d
        .relations_of(id)
        .map(|r| Edit::DeleteRelation { doc, id: r.id })
        .collect();
    edits.push(Edit::DeleteSpan { doc, id });
    Ok(Transaction::from(edits))
}

/// Replaces a span by `f` applied to a copy of it.
fn change_span(
    project: &Project,
    doc: usize,
    id: SpanId,
    f: impl FnOnce(&mut Span),
) -> Result<Transaction, EditError> {
    let mut span = span_ref(project, doc, id)?.clone();
    f(&mut span);
    Ok(Transaction::one(Edit::ReplaceSpan { doc, span }))
}

/// Gives a span another label; attributes that the new label does not have are dropped.
pub fn relabel(
    project: &Project,
    doc: usize,
    id: SpanId,
    label: &str,
) -> Result<Transaction, EditError> {
    let schema = &project.schema;
    change_span(project, doc, id, |s| {
        s.label = label.to_owned();
        s.attributes
            .retain(|name, _| schema.attribute(label, name).is_some());
    })
}

/// Sets (or with `None` clears) an attribute value.
pub fn set_attribute(
    project: &Project,
    doc: usize,
    id: SpanId,
    name: &str,
    value: Option<&str>,
) -> Result<Transaction, EditError> {
    change_span(project, doc, id, |s| match value {
        Some(v) => {
            s.attributes.insert(name.to_owned(), v.to_owned());
        }
        None => {
            s.attributes.remove(name);
        }
    })
}

/// Sets the free note; an empty note removes it.
pub fn set_note(
    project: &Project,
    doc: usize,
    id: SpanId,
    note: &str,
) -> Result<Transaction, EditError> {
    change_span(project, doc, id, |s| {
        s.note = (!note.trim().is_empty()).then(|| note.to_owned())
    })
}

/// Moves one edge of a span by `delta` code points (positive = towards the text's end).
pub fn move_edge(
    project: &Project,
    doc: usize,
    id: SpanId,
    edge: Edge,
    delta: isize,
) -> Result<Transaction, EditError> {
    let d = doc_ref(project, doc)?;
    let span = span_ref(project, doc, id)?;
    let (mut start, mut end) = (span.start, span.end);
    match edge {
        Edge::Start => start = start.saturating_add_signed(delta),
        Edge::End => end = end.saturating_add_signed(delta),
    }
    let len = d.len_chars();
    if start >= end || end > len {
        return Err(EditError::BadRange { start, end, len });
    }
    let text = d
        .slice(start, end)
        .ok_or(EditError::BadRange { start, end, len })?
        .to_owned();
    change_span(project, doc, id, |s| {
        s.start = start;
        s.end = end;
        s.text = text;
    })
}

/// Sets a span's range to `range` (e.g. after dragging an edge): one step however far it moved.
pub fn set_range(
    project: &Project,
    doc: usize,
    id: SpanId,
    range: Range<usize>,
) -> Result<Transaction, EditError> {
    let d = doc_ref(project, doc)?;
    let len = d.len_chars();
    let text = d
        .slice(range.start, range.end)
        .filter(|_| range.start < range.end)
        .ok_or(EditError::BadRange {
            start: range.start,
            end: range.end,
            len,
        })?
        .to_owned();
    change_span(project, doc, id, |s| {
        s.start = range.start;
        s.end = range.end;
        s.text = text;
    })
}

/// A relation of type `kind` from span `from` to span `to`; the schema decides whether it is
/// allowed when the transaction is applied. Returns it and the new relation's id.
pub fn link(
    project: &Project,
    doc: usize,
    kind: &str,
    from: SpanId,
    to: SpanId,
) -> Result<(Transaction, RelationId), EditError> {
    let d = doc_ref(project, doc)?;
    let duplicate = d
        .relations
        .iter()
        .any(|r| r.kind == kind && r.from == from && r.to == to);
    if duplicate {
        return Err(EditError::DuplicateRelation {
            kind: kind.to_owned(),
            from,
            to,
        });
    }
    let id = d.next_relation_id();
    let relation = Relation {
        id,
        kind: kind.to_owned(),
        from,
        to,
        annotator: String::new(),
    };
    Ok((Transaction::one(Edit::InsertRelation { doc, relation }), id))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Document, History, Selection};

    fn project() -> Project {
        let mut p = Project::new("t", "ann");
        p.documents.push(
            Document::new("d", "", "", "وقال مصدر أمني، إن الحملة بدأت. قال مصدر آخر").into(),
        );
        p
    }

    #[test]
    fn mark_snaps_and_delete_takes_relations_along_in_one_step() {
        let mut p = project();
        let mut h = History::default();
        let (tx, speaker) = mark_selection(&p, 0, "speaker", 6..12, false).expect("mark");
        h.apply(&mut p, tx, Selection::none(0), Selection::none(0))
            .expect("apply");
        assert_eq!(
            p.documents[0].span(speaker).map(|s| s.text.as_str()),
            Some("مصدر أمني")
        );
        let (tx, claim) = mark(&p, 0, "claim", 19..31).expect("claim");
        h.apply(&mut p, tx, Selection::none(0), Selection::none(0))
            .expect("apply claim");
        let (tx, _) = link(&p, 0, "attributed_to", claim, speaker).expect("link");
        h.apply(&mut p, tx, Selection::none(0), Selection::none(0))
            .expect("apply link");
        assert!(
            link(&p, 0, "attributed_to", claim, speaker).is_err(),
            "no duplicate links"
        );
        let tx = delete_span(&p, 0, speaker).expect("delete");
        h.apply(&mut p, tx, Selection::none(0), Selection::none(0))
            .expect("apply delete");
        assert!(p.documents[0].relations.is_empty());
        assert!(p.documents[0].span(speaker).is_none());
        h.undo(&mut p).expect("undo");
        assert_eq!(p.documents[0].relations.len(), 1);
    }

    #[test]
    fn mark_all_skips_existing_and_is_one_step() {
        let mut p = project();
        let mut h = History::default();
        let hits = [5..9, 36..40];
        let (tx, n) = mark_all(&p, 0, "entity", &hits).expect("mark all");
        assert_eq!(n, 2);
        h.apply(&mut p, tx, Selection::none(0), Selection::none(0))
            .expect("apply");
        assert_eq!(mark_all(&p, 0, "entity", &hits).expect("again").1, 0);
        h.undo(&mut p).expect("undo");
        assert!(p.documents[0].spans.is_empty());
    }

    #[test]
    fn relabel_drops_foreign_attributes_and_edges_move() {
        let mut p = project();
        let mut h = History::default();
        let (tx, id) = mark(&p, 0, "claim", 19..31).expect("claim");
        h.apply(&mut p, tx, Selection::none(0), Selection::none(0))
            .expect("apply");
        let tx = set_attribute(&p, 0, id, "quote", Some("direct")).expect("attr");
        h.apply(&mut p, tx, Selection::none(0), Selection::none(0))
            .expect("apply attr");
        let tx = relabel(&p, 0, id, "entity").expect("relabel");
        h.apply(&mut p, tx, Selection::none(0), Selection::none(0))
            .expect("apply relabel");
        assert!(
            p.documents[0]
                .span(id)
                .is_some_and(|s| s.attributes.is_empty() && s.label == "entity")
        );
        let tx = move_edge(&p, 0, id, Edge::End, -1).expect("shrink");
        h.apply(&mut p, tx, Selection::none(0), Selection::none(0))
            .expect("apply");
        assert_eq!(
            p.documents[0].span(id).map(|s| s.text.as_str()),
            Some("الحملة بدأت")
        );
        assert!(move_edge(&p, 0, id, Edge::Start, 100).is_err());
        let tx = set_note(&p, 0, id, "ملاحظة").expect("note");
        h.apply(&mut p, tx, Selection::none(0), Selection::none(0))
            .expect("apply note");
        assert_eq!(
            p.documents[0].span(id).and_then(|s| s.note.as_deref()),
            Some("ملاحظة")
        );
    }
}
