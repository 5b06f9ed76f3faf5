//! The three-way merge of project files, as git's merge driver runs it: base (the common
//! ancestor), ours (the branch being merged into) and theirs.
//!
//! Documents are matched by id, falling back to the hash of their text; spans and relations
//! by id within a document; schema entries by name. Changes to different things merge
//! cleanly, field by field within a span (one side moves a boundary, the other adds a note).
//! Two different changes to the same thing are a conflict, and so is a deletion against an
//! edit. A conflict never loses either version and never makes the file invalid:
//!
//! - a span changed differently on both sides is kept twice, ours under its id and theirs
//!   under a new one, each with a note starting `conflict: ours` / `conflict: theirs` that
//!   names the other; when both versions have the same label and range (a file cannot hold two
//!   such spans) ours is kept and theirs' values are written into its note;
//! - a span deleted on one side and edited on the other is kept, its note saying so;
//! - spans both sides added under the same id with different content are both kept, theirs
//!   renumbered, with their relations following (not a conflict);
//! - scalar values (project name, document title, status, schema entries) keep ours, except a
//!   status, which becomes `in_progress` so the document is looked at again.
//!
//! Every conflict is also listed in [`MergeOutcome::conflicts`].

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::fmt;
use std::hash::Hash;
use std::path::Path;
use std::sync::Arc;

use super::TeamError;
use crate::model::{
    DocStatus, Document, Project, Relation, RelationId, Schema, Span, SpanId, text_sha256,
};
use crate::project::{self, ProjectError, Severity};

/// How the note of every span a merge conflict touched starts, so a reviewer can find them.
pub const CONFLICT_MARK: &str = "conflict:";

/// One side of a merge.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Side {
    /// The version being merged into (git's `%A`).
    Ours,
    /// The version merged in (git's `%B`).
    Theirs,
}

impl Side {
    /// `ours` or `theirs`.
    pub fn name(self) -> &'static str {
        match self {
            Side::Ours => "ours",
            Side::Theirs => "theirs",
        }
    }

    /// The other side.
    pub fn other(self) -> Side {
        match self {
            Side::Ours => Side::Theirs,
            Side::Theirs => Side::Ours,
        }
    }
}

/// One conflict: what it is about and how it was kept.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Conflict {
    /// The document's id (in the merged project), when the conflict is in a document.
    pub document: Option<String>,
    /// The thing in conflict: `span 12`, `relation 3`, `status`, `schema label "claim"`, ….
    pub item: String,
    /// What happened and what was kept.
    pub message: String,
}

impl fmt::Display for Conflict {
    /// `document d1: span 12: message`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(d) = &self.document {
            write!(f, "document {}: ", super::one_line(d, 40))?;
        }
        write!(f, "{}: {}", self.item, self.message)
    }
}

/// The merged project and the conflicts kept in it.
#[derive(Clone, Debug, PartialEq)]
pub struct MergeOutcome {
    /// The merge: every change of both sides, both versions where they conflict.
    pub project: Project,
    /// The conflicts, in document order.
    pub conflicts: Vec<Conflict>,
}

impl MergeOutcome {
    /// Whether the merge had no conflict.
    pub fn is_clean(&self) -> bool {
        self.conflicts.is_empty()
    }
}

/// `ours` if both sides agree or only ours changed, `theirs` if only theirs changed, `None`
/// when both changed it differently.
fn three<T: PartialEq + Clone>(base: &T, ours: &T, theirs: &T) -> Option<T> {
    if ours == theirs || theirs == base {
        Some(ours.clone())
    } else if ours == base {
        Some(theirs.clone())
    } else {
        None
    }
}

/// [`three`], where a missing base (both sides added the thing) means the sides must agree.
fn three_or_equal<T: PartialEq + Clone>(base: Option<&T>, ours: &T, theirs: &T) -> Option<T> {
    match base {
        Some(o) => three(o, ours, theirs),
        None => (ours == theirs).then(|| ours.clone()),
    }
}

/// Prepends the conflict line `line` (which starts with [`CONFLICT_MARK`]) to the span's note.
fn mark(span: &mut Span, line: &str) {
    span.note = Some(match span.note.take() {
        Some(n) if !n.is_empty() => format!("{line}\n{n}"),
        _ => line.to_owned(),
    });
}

/// Collects conflicts while merging.
#[derive(Default)]
struct Merger {
    conflicts: Vec<Conflict>,
}

impl Merger {
    fn conflict(&mut self, document: Option<&str>, item: impl Into<String>, message: String) {
        self.conflicts.push(Conflict {
            document: document.map(str::to_owned),
            item: item.into(),
            message,
        });
    }

    /// A value of the project or a document: ours when both changed it.
    fn scalar<T: PartialEq + Clone>(
        &mut self,
        document: Option<&str>,
        item: &str,
        values: (Option<&T>, &T, &T),
        show: impl Fn(&T) -> String,
    ) -> T {
        let (o, a, b) = values;
        three_or_equal(o, a, b).unwrap_or_else(|| {
            self.conflict(
                document,
                item,
                format!(
                    "changed on both sides (ours {}, theirs {}); kept ours",
                    show(a),
                    show(b)
                ),
            );
            a.clone()
        })
    }
}

/// Keys that tell items of a list apart: the item's own key and, for repeats of it, which
/// repeat it is, so that nothing is lost even in a list with duplicate names.
fn occurrence_keys<T, K: Eq + Hash + Clone>(items: &[T], key: impl Fn(&T) -> K) -> Vec<(K, usize)> {
    let mut seen: HashMap<K, usize> = HashMap::new();
    items
        .iter()
        .map(|t| {
            let k = key(t);
            let n = seen.entry(k.clone()).or_insert(0);
            *n += 1;
            (k, *n - 1)
        })
        .collect()
}

/// The order of a merged list: the order of whichever side reordered or changed the list
/// (theirs when ours kept the base's), then what the other side added, keeping only `kept`.
fn merged_order<K: Eq + Hash + Clone>(o: &[K], a: &[K], b: &[K], kept: &HashSet<K>) -> Vec<K> {
    let (first, second) = if a == o { (b, a) } else { (a, b) };
    let mut seen = HashSet::with_capacity(first.len() + second.len());
    first
        .iter()
        .chain(second)
        .filter(|k| kept.contains(*k) && seen.insert((*k).clone()))
        .cloned()
        .collect()
}

/// Three-way merge of a list of named entries (schema labels, relation types, attributes).
fn merge_named<T: Clone + PartialEq, K: Eq + Hash + Clone + Ord>(
    m: &mut Merger,
    lists: [&[T]; 3],
    key: impl Fn(&T) -> K,
    what: impl Fn(&K) -> String,
) -> Vec<T> {
    let keyed = lists.map(|l| {
        let keys = occurrence_keys(l, &key);
        let map: HashMap<(K, usize), &T> = keys.iter().cloned().zip(l.iter()).collect();
        (keys, map)
    });
    let [(ok, om), (ak, am), (bk, bm)] = &keyed;
    let all: BTreeSet<&(K, usize)> = ok.iter().chain(ak).chain(bk).collect();
    let mut merged: HashMap<(K, usize), T> = HashMap::new();
    for k in all {
        let item = format!("schema {}", what(&k.0));
        let (o, a, b) = (om.get(k).copied(), am.get(k).copied(), bm.get(k).copied());
        let keep: Option<&T> = match (o, a, b) {
            (Some(o), Some(a), Some(b)) => Some(if a == b || b == o {
                a
            } else if a == o {
                b
            } else {
                m.conflict(None, item, "changed on both sides; kept ours".to_owned());
                a
            }),
            (Some(o), Some(x), None) | (Some(o), None, Some(x)) => {
                if x == o {
                    None
                } else {
                    let (edited, deleted) = if a.is_some() {
                        ("ours", "theirs")
                    } else {
                        ("theirs", "ours")
                    };
                    m.conflict(
                        None,
                        item,
                        format!("changed in {edited}, deleted in {deleted}; kept the change"),
                    );
                    Some(x)
                }
            }
            (Some(_), None, None) => None,
            (None, Some(x), None) | (None, None, Some(x)) => Some(x),
            (None, Some(a), Some(b)) => {
                if a != b {
                    m.conflict(
                        None,
                        item,
                        "added differently on both sides; kept ours".to_owned(),
                    );
                }
                Some(a)
            }
            (None, None, None) => None,
        };
        if let Some(t) = keep {
            merged.insert(k.clone(), t.clone());
        }
    }
    let kept: HashSet<(K, usize)> = merged.keys().cloned().collect();
    merged_order(ok, ak, bk, &kept)
        .into_iter()
        .filter_map(|k| merged.remove(&k))
        .collect()
}

fn merge_schema(m: &mut Merger, o: &Schema, a: &Schema, b: &Schema) -> Schema {
    Schema {
        revision: o.revision.max(a.revision).max(b.revision),
        span_labels: merge_named(
            m,
            [&o.span_labels, &a.span_labels, &b.span_labels],
            |l| l.name.clone(),
            |n| format!("label {}", super::quoted(n, 30)),
        ),
        relation_types: merge_named(
            m,
            [&o.relation_types, &a.relation_types, &b.relation_types],
            |r| r.name.clone(),
            |n| format!("relation type {}", super::quoted(n, 30)),
        ),
        attributes: merge_named(
            m,
            [&o.attributes, &a.attributes, &b.attributes],
            |d| (d.label.clone(), d.name.clone()),
            |(l, n)| {
                format!(
                    "attribute {}.{}",
                    super::one_line(l, 30),
                    super::one_line(n, 30)
                )
            },
        ),
    }
}

/// For each document of `left`, the index of its document in `right`: the one with the same
/// id, else (for documents whose id `right` lacks) the first unpaired one with the same text.
pub(crate) fn pair_documents(left: &[&Document], right: &[&Document]) -> Vec<Option<usize>> {
    let mut pairs: Vec<Option<usize>> = vec![None; left.len()];
    let mut taken = vec![false; right.len()];
    let mut by_id: HashMap<&str, usize> = HashMap::with_capacity(right.len());
    for (j, d) in right.iter().enumerate().rev() {
        by_id.insert(d.id.as_str(), j);
    }
    for (i, d) in left.iter().enumerate() {
        if let Some(&j) = by_id.get(d.id.as_str())
            && !taken[j]
        {
            pairs[i] = Some(j);
            taken[j] = true;
        }
    }
    // Texts are hashed only for what the ids left unpaired.
    let mut by_text: HashMap<String, Vec<usize>> = HashMap::new();
    for (j, d) in right.iter().enumerate().rev() {
        if !taken[j] {
            by_text.entry(text_sha256(d.text())).or_default().push(j);
        }
    }
    if by_text.is_empty() {
        return pairs;
    }
    for (i, d) in left.iter().enumerate() {
        if pairs[i].is_none()
            && let Some(js) = by_text.get_mut(&text_sha256(d.text()))
            && let Some(j) = js.pop()
        {
            pairs[i] = Some(j);
        }
    }
    pairs
}

/// A document in the base, ours and theirs (each possibly missing).
#[derive(Clone, Copy, Default)]
struct Slot<'p> {
    o: Option<&'p Arc<Document>>,
    a: Option<&'p Arc<Document>>,
    b: Option<&'p Arc<Document>>,
}

/// The documents of the three versions matched into slots, and each version's slots in its order.
fn document_slots<'p>(
    o: &'p Project,
    a: &'p Project,
    b: &'p Project,
) -> (Vec<Slot<'p>>, [Vec<usize>; 3]) {
    fn refs(p: &Project) -> Vec<&Document> {
        p.documents.iter().map(|d| &**d).collect()
    }
    let (or, ar, br) = (refs(o), refs(a), refs(b));
    let mut slots: Vec<Slot<'p>> = o
        .documents
        .iter()
        .map(|d| Slot {
            o: Some(d),
            ..Slot::default()
        })
        .collect();
    let o_keys: Vec<usize> = (0..slots.len()).collect();
    let mut a_keys = vec![usize::MAX; ar.len()];
    let mut b_keys = vec![usize::MAX; br.len()];
    for (i, j) in pair_documents(&or, &ar).into_iter().enumerate() {
        if let Some(j) = j {
            slots[i].a = Some(&a.documents[j]);
            a_keys[j] = i;
        }
    }
    for (i, j) in pair_documents(&or, &br).into_iter().enumerate() {
        if let Some(j) = j {
            slots[i].b = Some(&b.documents[j]);
            b_keys[j] = i;
        }
    }
    // Documents new on both sides are paired with each other.
    let a_new: Vec<usize> = (0..ar.len()).filter(|&j| a_keys[j] == usize::MAX).collect();
    let b_new: Vec<usize> = (0..br.len()).filter(|&j| b_keys[j] == usize::MAX).collect();
    let a_new_refs: Vec<&Document> = a_new.iter().map(|&j| ar[j]).collect();
    let b_new_refs: Vec<&Document> = b_new.iter().map(|&j| br[j]).collect();
    let pairs = pair_documents(&a_new_refs, &b_new_refs);
    for (k, &j) in a_new.iter().enumerate() {
        let s = slots.len();
        slots.push(Slot {
            o: None,
            a: Some(&a.documents[j]),
            b: pairs[k].map(|l| &b.documents[b_new[l]]),
        });
        a_keys[j] = s;
        if let Some(l) = pairs[k] {
            b_keys[b_new[l]] = s;
        }
    }
    for &j in &b_new {
        if b_keys[j] == usize::MAX {
            b_keys[j] = slots.len();
            slots.push(Slot {
                b: Some(&b.documents[j]),
                ..Slot::default()
            });
        }
    }
    (slots, [o_keys, a_keys, b_keys])
}

fn same_doc(x: &Arc<Document>, y: &Arc<Document>) -> bool {
    Arc::ptr_eq(x, y) || x == y
}

/// Merges three projects; never fails. The result holds every change of both sides, and both
/// versions of whatever conflicts (see the module documentation).
pub fn merge(base: &Project, ours: &Project, theirs: &Project) -> MergeOutcome {
    let mut m = Merger::default();
    let show = |s: &String| super::quoted(s, 40);
    let name = m.scalar(
        None,
        "project name",
        (Some(&base.name), &ours.name, &theirs.name),
        show,
    );
    let annotator = m.scalar(
        None,
        "project annotator",
        (Some(&base.annotator), &ours.annotator, &theirs.annotator),
        show,
    );
    let assigned_from = m.scalar(
        None,
        "assigned_from",
        (
            Some(&base.assigned_from),
            &ours.assigned_from,
            &theirs.assigned_from,
        ),
        |v| {
            v.as_deref()
                .map_or_else(|| "none".to_owned(), |s| super::quoted(s, 40))
        },
    );
    let mut schema = merge_schema(&mut m, &base.schema, &ours.schema, &theirs.schema);
    let (slots, [ok, ak, bk]) = document_slots(base, ours, theirs);
    let mut merged: Vec<Option<Vec<Arc<Document>>>> = Vec::with_capacity(slots.len());
    for slot in &slots {
        merged.push(merge_slot(&mut m, &schema, slot));
    }
    let kept: HashSet<usize> = (0..slots.len()).filter(|&i| merged[i].is_some()).collect();
    let mut documents: Vec<Arc<Document>> = Vec::with_capacity(kept.len());
    for i in merged_order(&ok, &ak, &bk, &kept) {
        documents.extend(merged[i].take().unwrap_or_default());
    }
    unique_document_ids(&mut m, &mut documents);
    restore_schema(
        &mut m,
        &mut schema,
        [&ours.schema, &theirs.schema, &base.schema],
        &documents,
    );
    check_relation_types(&mut m, &schema, &mut documents);
    MergeOutcome {
        project: Project {
            name,
            annotator,
            assigned_from,
            schema,
            documents,
        },
        conflicts: m.conflicts,
    }
}

/// The merged document(s) of one slot; `None` when it is deleted.
fn merge_slot(m: &mut Merger, schema: &Schema, slot: &Slot<'_>) -> Option<Vec<Arc<Document>>> {
    match (slot.o, slot.a, slot.b) {
        (_, Some(a), Some(b)) => Some(merge_document(m, schema, slot.o, a, b)),
        (Some(o), Some(x), None) | (Some(o), None, Some(x)) => {
            if same_doc(x, o) {
                return None;
            }
            let (edited, deleted) = if slot.a.is_some() {
                ("ours", "theirs")
            } else {
                ("theirs", "ours")
            };
            m.conflict(
                Some(&x.id),
                "document",
                format!("changed in {edited}, deleted in {deleted}; kept it"),
            );
            Some(vec![x.clone()])
        }
        (None, Some(x), None) | (None, None, Some(x)) => Some(vec![x.clone()]),
        (_, None, None) => None,
    }
}

/// Merges one document present on both sides.
fn merge_document(
    m: &mut Merger,
    schema: &Schema,
    o: Option<&Arc<Document>>,
    a: &Arc<Document>,
    b: &Arc<Document>,
) -> Vec<Arc<Document>> {
    if same_doc(a, b) {
        return vec![a.clone()];
    }
    if let Some(o) = o {
        if same_doc(a, o) {
            return vec![b.clone()];
        }
        if same_doc(b, o) {
            return vec![a.clone()];
        }
    }
    if a.text() != b.text() {
        // Annotations of two different texts cannot be merged: keep both documents.
        let mut copy = (**b).clone();
        copy.id = format!("{}~theirs", b.id);
        m.conflict(
            Some(&a.id),
            "text",
            format!(
                "the text was changed differently on the two sides; kept ours, and theirs as document {}",
                super::quoted(&copy.id, 40)
            ),
        );
        return vec![a.clone(), Arc::new(copy)];
    }
    // Offsets of the base's spans only mean something over the same text.
    let o_spans = o.filter(|o| o.text() == a.text());
    let mut doc = (**a).clone();
    let doc_id = a.id.clone();
    let d = Some(doc_id.as_str());
    let show = |s: &String| super::quoted(s, 40);
    let pick = |f: fn(&Document) -> &String| o.map(|o| f(o));
    doc.id = m.scalar(d, "id", (pick(|x| &x.id), &a.id, &b.id), show);
    doc.title = m.scalar(d, "title", (pick(|x| &x.title), &a.title, &b.title), show);
    doc.source = m.scalar(
        d,
        "source",
        (pick(|x| &x.source), &a.source, &b.source),
        show,
    );
    doc.sha256 = three_or_equal(pick(|x| &x.sha256), &a.sha256, &b.sha256)
        .unwrap_or_else(|| text_sha256(a.text()));
    let o_status = o.map(|o| &o.status);
    doc.status = three_or_equal(o_status, &a.status, &b.status).unwrap_or_else(|| {
        m.conflict(
            d,
            "status",
            format!(
                "changed on both sides (ours {}, theirs {}); set to in progress to be looked at again",
                a.status.label(),
                b.status.label()
            ),
        );
        DocStatus::InProgress
    });
    let (spans, relations) =
        Annotations::new(m, &doc_id, schema, o_spans.map(|o| &**o), a, b).merge();
    doc.spans = spans;
    doc.relations = relations;
    // Proposals waiting for a decision (`qalam suggest`): rejections as a set, the pending
    // list as one value; suggestions are disposable, so a clash keeps ours.
    let no_rejections = Vec::new();
    let o_rejected = o_spans.map_or(&no_rejections, |o| &o.rejected);
    doc.rejected = merge_sets(o_rejected, &a.rejected, &b.rejected);
    let no_suggestions = Vec::new();
    let o_suggestions = o_spans.map_or(&no_suggestions, |o| &o.suggestions);
    doc.suggestions = three(o_suggestions, &a.suggestions, &b.suggestions).unwrap_or_else(|| {
        m.conflict(
            d,
            "suggestions",
            "the pending suggestions changed on both sides; kept ours (`qalam suggest --write` makes new ones)"
                .to_owned(),
        );
        a.suggestions.clone()
    });
    drop_stale_suggestions(m, &mut doc);
    doc.normalize_order();
    vec![Arc::new(doc)]
}

/// Three-way merge of a list used as a set: what either side added is in, what either side
/// removed is out; ours' order, then theirs' additions.
fn merge_sets<T: PartialEq + Clone>(o: &[T], a: &[T], b: &[T]) -> Vec<T> {
    let mut out: Vec<T> = a
        .iter()
        .filter(|x| b.contains(x) || !o.contains(x))
        .cloned()
        .collect();
    for x in b {
        if !o.contains(x) && !out.contains(x) {
            out.push(x.clone());
        }
    }
    out
}

/// Leaves out pending suggestions the merged spans make meaningless: an id a span now has, a
/// link or `same_as` to a span or suggestion that is gone.
fn drop_stale_suggestions(m: &mut Merger, doc: &mut Document) {
    if doc.suggestions.is_empty() {
        return;
    }
    let spans: HashSet<SpanId> = doc.spans.iter().map(|s| s.id).collect();
    loop {
        let ids: HashSet<SpanId> = doc.suggestions.iter().map(|s| s.id).collect();
        let known = |id: &SpanId| spans.contains(id) || ids.contains(id);
        let before = doc.suggestions.len();
        doc.suggestions.retain(|s| {
            !spans.contains(&s.id)
                && s.links.iter().all(|l| known(&l.to))
                && s.same_as.is_none_or(|x| known(&x))
        });
        let dropped = before - doc.suggestions.len();
        if dropped == 0 {
            return;
        }
        m.conflict(
            Some(&doc.id),
            "suggestions",
            format!(
                "{dropped} pending suggestion{} no longer fit the merged spans; left out",
                if dropped == 1 { "" } else { "s" }
            ),
        );
    }
}

/// Everything of a span but its id, for finding the same span under two ids.
fn same_content(x: &Span, y: &Span) -> bool {
    x.label == y.label
        && x.start == y.start
        && x.end == y.end
        && x.text == y.text
        && x.note == y.note
        && x.attributes == y.attributes
        && x.annotator == y.annotator
        && x.origin == y.origin
}

/// What `theirs` has that differs from `ours`, in words: `note "x", quote=direct`.
fn differences(ours: &Span, theirs: &Span) -> String {
    let mut parts = Vec::new();
    if ours.note != theirs.note {
        parts.push(match &theirs.note {
            Some(n) => format!("note {}", super::quoted(n, 60)),
            None => "no note".to_owned(),
        });
    }
    let names: BTreeSet<&String> = ours
        .attributes
        .keys()
        .chain(theirs.attributes.keys())
        .collect();
    for n in names {
        let (x, y) = (ours.attributes.get(n), theirs.attributes.get(n));
        if x != y {
            parts.push(match y {
                Some(v) => format!("{}={}", super::one_line(n, 30), super::one_line(v, 30)),
                None => format!("no {}", super::one_line(n, 30)),
            });
        }
    }
    if ours.annotator != theirs.annotator {
        parts.push(format!(
            "annotator {}",
            super::quoted(&theirs.annotator, 30)
        ));
    }
    if ours.origin != theirs.origin {
        parts.push(match &theirs.origin {
            Some(v) => format!("origin {}", super::quoted(v, 30)),
            None => "no origin".to_owned(),
        });
    }
    parts.join(", ")
}

/// Whether every attribute of `s` is allowed for its label by `schema`.
fn attributes_allowed(schema: &Schema, s: &Span) -> bool {
    s.attributes.iter().all(|(n, v)| {
        schema
            .attribute(&s.label, n)
            .is_some_and(|d| d.values.contains(v))
    })
}

/// The field-by-field merge of one span, or the names of the fields both sides changed.
fn merge_span(schema: &Schema, o: &Span, a: &Span, b: &Span) -> Result<Span, Vec<String>> {
    if let Some(s) = three(o, a, b) {
        return Ok(s);
    }
    let mut clashes = Vec::new();
    let mut field = |name: &str, ok: bool| {
        if !ok {
            clashes.push(name.to_owned());
        }
    };
    let range = |s: &Span| (s.start, s.end, s.text.clone());
    let merged_range = three(&range(o), &range(a), &range(b));
    field("range", merged_range.is_some());
    let label = three(&o.label, &a.label, &b.label);
    field("label", label.is_some());
    let note = three(&o.note, &a.note, &b.note);
    field("note", note.is_some());
    let annotator = three(&o.annotator, &a.annotator, &b.annotator);
    field("annotator", annotator.is_some());
    let origin = three(&o.origin, &a.origin, &b.origin);
    field("origin", origin.is_some());
    let names: BTreeSet<&String> = o
        .attributes
        .keys()
        .chain(a.attributes.keys())
        .chain(b.attributes.keys())
        .collect();
    let mut attributes = BTreeMap::new();
    for n in names {
        match three(
            &o.attributes.get(n),
            &a.attributes.get(n),
            &b.attributes.get(n),
        ) {
            Some(Some(v)) => {
                attributes.insert(n.clone(), v.clone());
            }
            Some(None) => {}
            None => field(n, false),
        }
    }
    let (Some((start, end, text)), Some(label), Some(note), Some(annotator), Some(origin)) =
        (merged_range, label, note, annotator, origin)
    else {
        return Err(clashes);
    };
    if !clashes.is_empty() {
        return Err(clashes);
    }
    let s = Span {
        id: a.id,
        label,
        start,
        end,
        text,
        note,
        attributes,
        annotator,
        origin,
    };
    // One side relabelled, the other set an attribute of the old label: not a valid span.
    if !attributes_allowed(schema, &s)
        && attributes_allowed(schema, a)
        && attributes_allowed(schema, b)
    {
        return Err(vec!["label".to_owned(), "attributes".to_owned()]);
    }
    Ok(s)
}

/// The span and relation merge of one document.
struct Annotations<'m, 'd> {
    m: &'m mut Merger,
    doc: &'d str,
    schema: &'d Schema,
    o_spans: BTreeMap<SpanId, &'d Span>,
    a_spans: BTreeMap<SpanId, &'d Span>,
    /// Theirs' spans under the ids they get in the merge.
    b_spans: BTreeMap<SpanId, Span>,
    o_rels: BTreeMap<RelationId, &'d Relation>,
    a_rels: BTreeMap<RelationId, &'d Relation>,
    /// Theirs' relations under their merged ids, pointing at the merged span ids.
    b_rels: BTreeMap<RelationId, Relation>,
    next_span: SpanId,
    next_relation: RelationId,
}

impl<'m, 'd> Annotations<'m, 'd> {
    fn new(
        m: &'m mut Merger,
        doc: &'d str,
        schema: &'d Schema,
        o: Option<&'d Document>,
        a: &'d Document,
        b: &'d Document,
    ) -> Self {
        let o_span_list: &[Span] = o.map_or(&[], |o| &o.spans);
        let o_rel_list: &[Relation] = o.map_or(&[], |o| &o.relations);
        let o_spans: BTreeMap<SpanId, &Span> =
            o_span_list.iter().rev().map(|s| (s.id, s)).collect();
        let a_spans: BTreeMap<SpanId, &Span> = a.spans.iter().rev().map(|s| (s.id, s)).collect();
        let o_rels: BTreeMap<RelationId, &Relation> =
            o_rel_list.iter().rev().map(|r| (r.id, r)).collect();
        let a_rels: BTreeMap<RelationId, &Relation> =
            a.relations.iter().rev().map(|r| (r.id, r)).collect();
        // New ids stay clear of pending suggestions too, which share the spans' ids.
        let suggested = o
            .map_or(&[][..], |o| &o.suggestions[..])
            .iter()
            .chain(&a.suggestions)
            .chain(&b.suggestions)
            .map(|s| s.id);
        let max_span = o_span_list
            .iter()
            .chain(&a.spans)
            .chain(&b.spans)
            .map(|s| s.id)
            .chain(suggested)
            .max()
            .unwrap_or(0);
        let max_relation = o_rel_list
            .iter()
            .chain(&a.relations)
            .chain(&b.relations)
            .map(|r| r.id)
            .max()
            .unwrap_or(0);
        let mut this = Annotations {
            m,
            doc,
            schema,
            o_spans,
            a_spans,
            b_spans: BTreeMap::new(),
            o_rels,
            a_rels,
            b_rels: BTreeMap::new(),
            next_span: max_span.saturating_add(1),
            next_relation: max_relation.saturating_add(1),
        };
        let span_ids = this.map_theirs_spans(b);
        this.map_theirs_relations(b, &span_ids);
        this
    }

    fn new_span_id(&mut self) -> SpanId {
        let id = self.next_span;
        self.next_span = self.next_span.saturating_add(1);
        id
    }

    fn new_relation_id(&mut self) -> RelationId {
        let id = self.next_relation;
        self.next_relation = self.next_relation.saturating_add(1);
        id
    }

    /// Theirs' new spans: one that ours added too (same content) takes ours' id; one whose id
    /// ours gave to another new span is renumbered. Returns theirs' id → merged id.
    fn map_theirs_spans(&mut self, b: &Document) -> HashMap<SpanId, SpanId> {
        let mut ours_new: HashMap<(&str, usize, usize), Vec<&Span>> = HashMap::new();
        for &s in self.a_spans.values() {
            if !self.o_spans.contains_key(&s.id) {
                ours_new
                    .entry((s.label.as_str(), s.start, s.end))
                    .or_default()
                    .push(s);
            }
        }
        let mut ids = HashMap::with_capacity(b.spans.len());
        let mut taken: HashSet<SpanId> = HashSet::new();
        for s in &b.spans {
            let mut id = s.id;
            if !self.o_spans.contains_key(&s.id) {
                let twin = ours_new
                    .get(&(s.label.as_str(), s.start, s.end))
                    .and_then(|v| {
                        v.iter()
                            .find(|t| same_content(t, s) && !taken.contains(&t.id))
                    })
                    .map(|t| t.id);
                if let Some(t) = twin {
                    id = t;
                } else if self.a_spans.contains_key(&s.id) || taken.contains(&s.id) {
                    // Renumbering is not a conflict: both spans are kept as they are.
                    id = self.new_span_id();
                }
            }
            taken.insert(id);
            ids.insert(s.id, id);
            let mut copy = s.clone();
            copy.id = id;
            self.b_spans.insert(id, copy);
        }
        ids
    }

    /// Theirs' relations with their endpoints renumbered as their spans were; new ones that
    /// ours added too take ours' id, others whose id ours used are renumbered.
    fn map_theirs_relations(&mut self, b: &Document, span_ids: &HashMap<SpanId, SpanId>) {
        let ours_new: Vec<&Relation> = self
            .a_rels
            .values()
            .filter(|r| !self.o_rels.contains_key(&r.id))
            .copied()
            .collect();
        let mut taken: HashSet<RelationId> = HashSet::new();
        for r in &b.relations {
            let mut copy = r.clone();
            copy.from = span_ids.get(&r.from).copied().unwrap_or(r.from);
            copy.to = span_ids.get(&r.to).copied().unwrap_or(r.to);
            if !self.o_rels.contains_key(&r.id) {
                let twin = ours_new
                    .iter()
                    .find(|t| {
                        t.kind == copy.kind
                            && t.from == copy.from
                            && t.to == copy.to
                            && !taken.contains(&t.id)
                    })
                    .map(|t| t.id);
                if let Some(t) = twin {
                    copy.id = t;
                } else if self.a_rels.contains_key(&r.id) || taken.contains(&r.id) {
                    copy.id = self.new_relation_id();
                }
            }
            taken.insert(copy.id);
            self.b_rels.insert(copy.id, copy);
        }
    }

    fn merge(mut self) -> (Vec<Span>, Vec<Relation>) {
        let (mut spans, theirs_copy) = self.merge_spans();
        let mut relations = self.merge_relations(&theirs_copy);
        self.restore_endpoints(&mut spans, &mut relations);
        self.fold_duplicates(&mut spans, &mut relations);
        (
            spans.into_values().collect(),
            relations.into_values().map(|(r, _)| r).collect(),
        )
    }

    /// The spans, and for each span kept twice, ours' id → theirs' copy's id.
    fn merge_spans(&mut self) -> (BTreeMap<SpanId, Span>, HashMap<SpanId, SpanId>) {
        let ids: BTreeSet<SpanId> = self
            .o_spans
            .keys()
            .chain(self.a_spans.keys())
            .chain(self.b_spans.keys())
            .copied()
            .collect();
        let mut out = BTreeMap::new();
        let mut theirs_copy = HashMap::new();
        for id in ids {
            let o = self.o_spans.get(&id).copied();
            let a = self.a_spans.get(&id).copied();
            let b = self.b_spans.get(&id).cloned();
            match (o, a, b) {
                (Some(o), Some(a), Some(b)) => match merge_span(self.schema, o, a, &b) {
                    Ok(s) => {
                        out.insert(id, s);
                    }
                    Err(fields) => self.keep_both(&mut out, &mut theirs_copy, a, b, &fields),
                },
                (None, Some(a), Some(b)) => {
                    if *a == b {
                        out.insert(id, b);
                    } else {
                        self.keep_both(&mut out, &mut theirs_copy, a, b, &["content".to_owned()]);
                    }
                }
                (Some(o), Some(x), None) => {
                    self.edit_against_delete(&mut out, o, x.clone(), Side::Ours)
                }
                (Some(o), None, Some(x)) => self.edit_against_delete(&mut out, o, x, Side::Theirs),
                (None, Some(x), None) => {
                    out.insert(id, x.clone());
                }
                (None, None, Some(x)) => {
                    out.insert(id, x);
                }
                (_, None, None) => {}
            }
        }
        (out, theirs_copy)
    }

    /// A span deleted on one side: gone if the other side left it as it was, else kept.
    fn edit_against_delete(
        &mut self,
        out: &mut BTreeMap<SpanId, Span>,
        o: &Span,
        mut x: Span,
        kept: Side,
    ) {
        if *o == x {
            return;
        }
        let line = format!(
            "{CONFLICT_MARK} {}; deleted in {}",
            kept.name(),
            kept.other().name()
        );
        mark(&mut x, &line);
        self.m.conflict(
            Some(self.doc),
            format!("span {}", x.id),
            format!(
                "changed in {}, deleted in {}; kept it, marked in its note",
                kept.name(),
                kept.other().name()
            ),
        );
        out.insert(x.id, x);
    }

    /// Both sides changed the same span: keep both versions for review.
    fn keep_both(
        &mut self,
        out: &mut BTreeMap<SpanId, Span>,
        theirs_copy: &mut HashMap<SpanId, SpanId>,
        a: &Span,
        b: Span,
        fields: &[String],
    ) {
        let id = a.id;
        let what = fields.join(", ");
        if a.label == b.label && a.start == b.start && a.end == b.end {
            // A file cannot hold two spans with one label and range: theirs' values go in the note.
            let mut s = a.clone();
            mark(
                &mut s,
                &format!(
                    "{CONFLICT_MARK} ours kept; theirs had {}",
                    differences(a, &b)
                ),
            );
            self.m.conflict(
                Some(self.doc),
                format!("span {id}"),
                format!(
                    "changed on both sides ({what}); kept ours, theirs' values are in its note"
                ),
            );
            out.insert(id, s);
            return;
        }
        let copy_id = self.new_span_id();
        let mut ours = a.clone();
        mark(
            &mut ours,
            &format!("{CONFLICT_MARK} ours; theirs is span {copy_id}"),
        );
        let mut theirs = b;
        theirs.id = copy_id;
        mark(
            &mut theirs,
            &format!("{CONFLICT_MARK} theirs; ours is span {id}"),
        );
        self.m.conflict(
            Some(self.doc),
            format!("span {id}"),
            format!(
                "changed on both sides ({what}); both kept: ours as span {id}, theirs as span {copy_id}"
            ),
        );
        out.insert(id, ours);
        out.insert(copy_id, theirs);
        theirs_copy.insert(id, copy_id);
    }

    /// The relations, each with where its version came from.
    fn merge_relations(
        &mut self,
        theirs_copy: &HashMap<SpanId, SpanId>,
    ) -> BTreeMap<RelationId, (Relation, Side)> {
        // A relation as theirs made it points at theirs' copy of a span kept twice.
        let theirs = |r: &Relation| {
            let mut r = r.clone();
            r.from = theirs_copy.get(&r.from).copied().unwrap_or(r.from);
            r.to = theirs_copy.get(&r.to).copied().unwrap_or(r.to);
            (r, Side::Theirs)
        };
        let ids: BTreeSet<RelationId> = self
            .o_rels
            .keys()
            .chain(self.a_rels.keys())
            .chain(self.b_rels.keys())
            .copied()
            .collect();
        let mut out = BTreeMap::new();
        for id in ids {
            let o = self.o_rels.get(&id).copied();
            let a = self.a_rels.get(&id).copied();
            let b = self.b_rels.get(&id).cloned();
            match (o, a, b) {
                (Some(o), Some(a), Some(b)) => {
                    if *a == b || b == *o {
                        out.insert(id, (a.clone(), Side::Ours));
                    } else if a == o {
                        out.insert(id, theirs(&b));
                    } else {
                        let copy = self.new_relation_id();
                        let (mut t, from) = theirs(&b);
                        t.id = copy;
                        self.m.conflict(
                            Some(self.doc),
                            format!("relation {id}"),
                            format!("changed on both sides; both kept: ours as relation {id}, theirs as relation {copy}"),
                        );
                        out.insert(id, (a.clone(), Side::Ours));
                        out.insert(copy, (t, from));
                    }
                }
                (None, Some(a), Some(_)) => {
                    out.insert(id, (a.clone(), Side::Ours));
                }
                (Some(o), Some(a), None) => {
                    if a != o {
                        self.m.conflict(
                            Some(self.doc),
                            format!("relation {id}"),
                            "changed in ours, deleted in theirs; kept it".to_owned(),
                        );
                        out.insert(id, (a.clone(), Side::Ours));
                    }
                }
                (Some(o), None, Some(b)) => {
                    if b != *o {
                        self.m.conflict(
                            Some(self.doc),
                            format!("relation {id}"),
                            "changed in theirs, deleted in ours; kept it".to_owned(),
                        );
                        out.insert(id, theirs(&b));
                    }
                }
                (None, Some(a), None) => {
                    out.insert(id, (a.clone(), Side::Ours));
                }
                (None, None, Some(b)) => {
                    out.insert(id, theirs(&b));
                }
                (_, None, None) => {}
            }
        }
        out
    }

    /// A kept relation whose span one side deleted brings the span back.
    fn restore_endpoints(
        &mut self,
        spans: &mut BTreeMap<SpanId, Span>,
        relations: &mut BTreeMap<RelationId, (Relation, Side)>,
    ) {
        let mut dropped = Vec::new();
        for (rid, (r, from)) in relations.iter() {
            for end in [r.from, r.to] {
                if spans.contains_key(&end) {
                    continue;
                }
                let theirs = self.b_spans.get(&end).map(|s| (s.clone(), Side::Theirs));
                let ours = self.a_spans.get(&end).map(|s| ((*s).clone(), Side::Ours));
                let base = self.o_spans.get(&end).map(|s| ((*s).clone(), Side::Ours));
                let found = if *from == Side::Theirs {
                    theirs.or(ours).or(base)
                } else {
                    ours.or(theirs).or(base)
                };
                match found {
                    Some((mut s, side)) => {
                        mark(
                            &mut s,
                            &format!(
                                "{CONFLICT_MARK} {}; deleted in {}, kept for relation {rid}",
                                side.name(),
                                side.other().name()
                            ),
                        );
                        self.m.conflict(
                            Some(self.doc),
                            format!("span {end}"),
                            format!(
                                "deleted in {} but used by relation {rid} of {}; kept it, marked in its note",
                                side.other().name(),
                                side.name()
                            ),
                        );
                        spans.insert(end, s);
                    }
                    None => dropped.push(*rid),
                }
            }
        }
        for rid in dropped {
            relations.remove(&rid);
            self.m.conflict(
                Some(self.doc),
                format!("relation {rid}"),
                "its span exists on neither side; left out".to_owned(),
            );
        }
    }

    /// Spans that ended up with one label and range (both sides marked the same text, or
    /// moved spans onto each other) become one, relations following; relations that then say
    /// the same thing twice become one.
    fn fold_duplicates(
        &mut self,
        spans: &mut BTreeMap<SpanId, Span>,
        relations: &mut BTreeMap<RelationId, (Relation, Side)>,
    ) {
        let mut groups: BTreeMap<(String, usize, usize), Vec<SpanId>> = BTreeMap::new();
        for s in spans.values() {
            groups
                .entry((s.label.clone(), s.start, s.end))
                .or_default()
                .push(s.id);
        }
        let mut moved: HashMap<SpanId, SpanId> = HashMap::new();
        for ids in groups.into_values().filter(|g| g.len() > 1) {
            // Ours' span stays (its id is the one ours' relations use).
            let keep = ids
                .iter()
                .copied()
                .find(|id| self.a_spans.contains_key(id))
                .unwrap_or(ids[0]);
            for &other in ids.iter().filter(|&&i| i != keep) {
                let (Some(k), Some(x)) = (spans.get(&keep).cloned(), spans.remove(&other)) else {
                    continue;
                };
                moved.insert(other, keep);
                if same_content(&k, &x) {
                    continue;
                }
                let mut k = k;
                let diff = differences(&k, &x);
                mark(
                    &mut k,
                    &format!(
                        "{CONFLICT_MARK} span {other} had the same label and range and {diff}"
                    ),
                );
                self.m.conflict(
                    Some(self.doc),
                    format!("span {keep}"),
                    format!("span {other} has the same label and range but differs ({diff}); made one, the other's values are in its note"),
                );
                spans.insert(keep, k);
            }
        }
        let mut seen: HashSet<(String, SpanId, SpanId)> = HashSet::new();
        relations.retain(|_, (r, _)| {
            r.from = moved.get(&r.from).copied().unwrap_or(r.from);
            r.to = moved.get(&r.to).copied().unwrap_or(r.to);
            seen.insert((r.kind.clone(), r.from, r.to))
        });
    }
}

/// Gives documents whose id an earlier document has a new id (`ID~theirs`, `ID~theirs2`, …).
fn unique_document_ids(m: &mut Merger, documents: &mut [Arc<Document>]) {
    let mut used: HashSet<String> = HashSet::with_capacity(documents.len());
    let all: HashSet<String> = documents.iter().map(|d| d.id.clone()).collect();
    for d in documents.iter_mut() {
        if used.insert(d.id.clone()) {
            continue;
        }
        let base = d.id.clone();
        let mut n = 1;
        let new = loop {
            let candidate = if n == 1 {
                format!("{base}~theirs")
            } else {
                format!("{base}~theirs{n}")
            };
            if !used.contains(&candidate) && !all.contains(&candidate) {
                break candidate;
            }
            n += 1;
        };
        m.conflict(
            Some(&base),
            "document id",
            format!(
                "two different documents have this id; the later one is now {}",
                super::quoted(&new, 40)
            ),
        );
        Arc::make_mut(d).id = new.clone();
        used.insert(new);
    }
}

/// Brings back schema entries that one side removed while the merged documents still use them.
fn restore_schema(
    m: &mut Merger,
    schema: &mut Schema,
    sources: [&Schema; 3],
    documents: &[Arc<Document>],
) {
    let mut labels: BTreeSet<&str> = BTreeSet::new();
    let mut kinds: BTreeSet<&str> = BTreeSet::new();
    let mut values: BTreeSet<(&str, &str, &str)> = BTreeSet::new();
    for d in documents {
        for s in &d.spans {
            labels.insert(&s.label);
            for (n, v) in &s.attributes {
                values.insert((&s.label, n, v));
            }
        }
        for r in &d.relations {
            kinds.insert(&r.kind);
        }
    }
    for l in labels {
        if schema.label(l).is_none()
            && let Some(def) = sources.iter().find_map(|s| s.label(l))
        {
            schema.span_labels.push(def.clone());
            m.conflict(
                None,
                format!("schema label {}", super::quoted(l, 30)),
                "deleted on one side but used by spans; kept it".to_owned(),
            );
        }
    }
    for k in kinds {
        if schema.relation_type(k).is_none()
            && let Some(def) = sources.iter().find_map(|s| s.relation_type(k))
        {
            schema.relation_types.push(def.clone());
            m.conflict(
                None,
                format!("schema relation type {}", super::quoted(k, 30)),
                "deleted on one side but used by relations; kept it".to_owned(),
            );
        }
    }
    for (l, n, v) in values {
        let known = schema
            .attribute(l, n)
            .is_some_and(|d| d.values.iter().any(|x| x == v));
        let elsewhere = sources.iter().find_map(|s| {
            s.attribute(l, n)
                .filter(|d| d.values.iter().any(|x| x == v))
        });
        let (false, Some(def)) = (known, elsewhere) else {
            continue;
        };
        let item = format!(
            "schema attribute {}.{}",
            super::one_line(l, 30),
            super::one_line(n, 30)
        );
        if let Some(mine) = schema
            .attributes
            .iter_mut()
            .find(|d| d.label == l && d.name == n)
        {
            mine.values.push(v.to_owned());
            m.conflict(
                None,
                item,
                format!(
                    "value {} removed on one side but used by spans; kept it",
                    super::quoted(v, 30)
                ),
            );
        } else {
            schema.attributes.push(def.clone());
            m.conflict(
                None,
                item,
                "deleted on one side but used by spans; kept it".to_owned(),
            );
        }
    }
}

/// Leaves out relations the merged labels no longer allow (one side relabelled a span the
/// other linked), noting each in its source span.
fn check_relation_types(m: &mut Merger, schema: &Schema, documents: &mut [Arc<Document>]) {
    for doc in documents.iter_mut() {
        let bad: Vec<(RelationId, String)> = doc
            .relations
            .iter()
            .filter_map(|r| {
                let (from, to) = (doc.span(r.from)?, doc.span(r.to)?);
                let allowed = schema
                    .relation_type(&r.kind)
                    .is_some_and(|t| t.allows(&from.label, &to.label));
                (!allowed).then(|| {
                    (
                        r.id,
                        format!(
                            "relation {} {} to span {} left out: it cannot go from a {} span to a {} span",
                            r.id,
                            super::quoted(&r.kind, 30),
                            r.to,
                            super::quoted(&from.label, 30),
                            super::quoted(&to.label, 30)
                        ),
                    )
                })
            })
            .collect();
        if bad.is_empty() {
            continue;
        }
        let d = Arc::make_mut(doc);
        for (rid, why) in bad {
            let Some(pos) = d.relations.iter().position(|r| r.id == rid) else {
                continue;
            };
            let r = d.relations.remove(pos);
            if let Some(s) = d.spans.iter_mut().find(|s| s.id == r.from) {
                mark(s, &format!("{CONFLICT_MARK} {why}"));
            }
            m.conflict(Some(&d.id), format!("relation {rid}"), why);
        }
    }
}

/// An empty project, the base of a file both sides added (git then gives an empty ancestor).
fn empty_project() -> Project {
    Project {
        name: String::new(),
        annotator: String::new(),
        assigned_from: None,
        schema: Schema {
            revision: 0,
            span_labels: Vec::new(),
            relation_types: Vec::new(),
            attributes: Vec::new(),
        },
        documents: Vec::new(),
    }
}

/// Reads one version; `shown` names it in messages (`ali.ron (theirs)`).
fn read_version(path: &Path, shown: &Path, empty_ok: bool) -> Result<Project, ProjectError> {
    let (bytes, _) = project::io::read_limited(path)?;
    if empty_ok && bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(empty_project());
    }
    project::parse(&bytes, shown)
}

/// Whether `text` starts like a Qalam project (`(version: …`), for telling project files from
/// other RON files that a `*.ron` pattern also gives the merge driver.
pub fn looks_like_project(text: &str) -> bool {
    let t = text.trim_start_matches('\u{feff}').trim_start();
    let t = t
        .trim_start_matches(|c: char| c.is_ascii_alphanumeric() || c == '_')
        .trim_start();
    t.strip_prefix('(')
        .is_some_and(|r| r.trim_start().starts_with("version"))
}

/// Git's merge driver: reads base, ours and theirs (`pathname` is the path git merges, used
/// in messages), refuses input that does not parse (with file:line:col) or is invalid, and
/// returns the merge, checked to be a valid project. An empty base (both sides added the
/// file) is an empty project.
pub fn merge_files(
    base: &Path,
    ours: &Path,
    theirs: &Path,
    pathname: &str,
) -> Result<MergeOutcome, TeamError> {
    let named = |side: &str| std::path::PathBuf::from(format!("{pathname} ({side})"));
    let o = read_version(base, &named("base"), true)?;
    let a = read_version(ours, &named("ours"), false)?;
    let b = read_version(theirs, &named("theirs"), false)?;
    for (p, side) in [(&a, "ours"), (&b, "theirs")] {
        let problems = project::validate(p);
        if project::has_errors(&problems) {
            return Err(ProjectError::Invalid {
                path: named(side),
                problems,
            }
            .into());
        }
    }
    // Texts are never edited in Qalam: the same id over another text means the files are not
    // versions of one project, and span offsets of one side mean nothing over the other.
    for (x, side, y, other) in [
        (&o, "base", &a, "ours"),
        (&o, "base", &b, "theirs"),
        (&a, "ours", &b, "theirs"),
    ] {
        let by_id: HashMap<&str, &Document> =
            x.documents.iter().map(|d| (d.id.as_str(), &**d)).collect();
        for d in &y.documents {
            if let Some(e) = by_id.get(d.id.as_str())
                && e.text() != d.text()
            {
                return Err(TeamError::TextChanged {
                    path: pathname.to_owned(),
                    id: d.id.clone(),
                    side,
                    other,
                });
            }
        }
    }
    let outcome = merge(&o, &a, &b);
    let problems: Vec<_> = project::validate(&outcome.project)
        .into_iter()
        .filter(|p| p.severity == Severity::Error)
        .collect();
    if !problems.is_empty() {
        return Err(TeamError::MergeInvalid {
            path: pathname.to_owned(),
            problems,
        });
    }
    Ok(outcome)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Edit, Transaction, apply};

    const TEXT: &str = "قال مصدر أمني إن الحملة بدأت أمس في بغداد وإن الوزير أكد ذلك";

    /// A project with one document: speaker 1 (4..13), claim 2 (17..28), entity 3 (36..41),
    /// claim 2 attributed to speaker 1 (relation 1).
    fn base() -> Project {
        let mut p = Project::new("team", "ali");
        let mut d = Document::new("d1", "t", "s", TEXT);
        for (id, label, a, b) in [
            (1, "speaker", 4, 13),
            (2, "claim", 17, 28),
            (3, "entity", 36, 41),
        ] {
            d.spans.extend(d.make_span(id, label, a, b, "ali"));
        }
        d.relations.push(Relation {
            id: 1,
            kind: "attributed_to".into(),
            from: 2,
            to: 1,
            annotator: String::new(),
        });
        p.documents.push(d.into());
        assert!(project::validate(&p).is_empty());
        p
    }

    fn edit(p: &Project, edits: Vec<Edit>) -> Project {
        let mut p = p.clone();
        apply(&mut p, Transaction::from(edits)).expect("edit applies");
        p
    }

    fn span(p: &Project, id: SpanId) -> Span {
        p.documents[0].span(id).cloned().expect("span")
    }

    fn valid(p: &Project) {
        let errors: Vec<_> = project::validate(p)
            .into_iter()
            .filter(|x| x.severity == Severity::Error)
            .collect();
        assert!(errors.is_empty(), "{errors:?}");
    }

    fn noted(p: &Project, id: SpanId, note: &str) -> Project {
        let mut s = span(p, id);
        s.note = Some(note.into());
        edit(p, vec![Edit::ReplaceSpan { doc: 0, span: s }])
    }

    fn moved(p: &Project, id: SpanId, start: usize, end: usize) -> Project {
        let mut s = span(p, id);
        s.start = start;
        s.end = end;
        s.text = p.documents[0].slice(start, end).expect("range").to_owned();
        edit(p, vec![Edit::ReplaceSpan { doc: 0, span: s }])
    }

    #[test]
    fn edits_of_different_spans_merge_cleanly() {
        let o = base();
        let a = moved(&o, 1, 4, 8);
        let b = noted(&o, 3, "the capital");
        let out = merge(&o, &a, &b);
        assert!(out.is_clean(), "{:?}", out.conflicts);
        valid(&out.project);
        assert_eq!(span(&out.project, 1), span(&a, 1));
        assert_eq!(span(&out.project, 3), span(&b, 3));
    }

    #[test]
    fn different_fields_of_one_span_merge_cleanly() {
        let o = base();
        let a = moved(&o, 2, 17, 23);
        let mut s = span(&o, 2);
        s.attributes.insert("quote".into(), "indirect".into());
        let b = edit(&o, vec![Edit::ReplaceSpan { doc: 0, span: s }]);
        let out = merge(&o, &a, &b);
        assert!(out.is_clean(), "{:?}", out.conflicts);
        let m = span(&out.project, 2);
        assert_eq!((m.start, m.end), (17, 23));
        assert_eq!(
            m.attributes.get("quote").map(String::as_str),
            Some("indirect")
        );
    }

    #[test]
    fn the_same_span_moved_differently_is_kept_twice() {
        let o = base();
        let a = moved(&o, 1, 4, 8);
        let b = moved(&o, 1, 9, 13);
        let out = merge(&o, &a, &b);
        valid(&out.project);
        assert_eq!(out.conflicts.len(), 1, "{:?}", out.conflicts);
        assert!(
            out.conflicts[0]
                .message
                .contains("ours as span 1, theirs as span 4")
        );
        let ours = span(&out.project, 1);
        let theirs = span(&out.project, 4);
        assert_eq!((ours.start, ours.end), (4, 8));
        assert_eq!((theirs.start, theirs.end), (9, 13));
        assert_eq!(
            ours.note.as_deref(),
            Some("conflict: ours; theirs is span 4")
        );
        assert_eq!(
            theirs.note.as_deref(),
            Some("conflict: theirs; ours is span 1")
        );
        // The relation stays with ours' version.
        assert_eq!(out.project.documents[0].relations[0].to, 1);
    }

    #[test]
    fn the_same_note_changed_differently_keeps_theirs_in_the_note() {
        let o = base();
        let out = merge(&o, &noted(&o, 3, "city"), &noted(&o, 3, "capital"));
        valid(&out.project);
        assert_eq!(out.conflicts.len(), 1);
        assert_eq!(
            span(&out.project, 3).note.as_deref(),
            Some("conflict: ours kept; theirs had note \"capital\"\ncity")
        );
        assert_eq!(out.project.documents[0].spans.len(), 3);
    }

    #[test]
    fn a_deletion_against_an_edit_keeps_the_edit() {
        let o = base();
        let a = edit(&o, vec![Edit::DeleteSpan { doc: 0, id: 3 }]);
        let b = noted(&o, 3, "capital");
        let out = merge(&o, &a, &b);
        valid(&out.project);
        assert_eq!(out.conflicts.len(), 1);
        assert_eq!(
            span(&out.project, 3).note.as_deref(),
            Some("conflict: theirs; deleted in ours\ncapital")
        );
        // Deleted on one side, untouched on the other: gone, no conflict.
        let out = merge(&o, &a, &o);
        assert!(out.is_clean());
        assert!(out.project.documents[0].span(3).is_none());
    }

    #[test]
    fn colliding_new_ids_are_renumbered_with_their_relations() {
        let o = base();
        let d = &o.documents[0];
        let ours_new = d.make_span(4, "speaker", 46, 52, "ali").expect("span");
        let theirs_new = d.make_span(4, "speaker", 53, 56, "mona").expect("span");
        let a = edit(
            &o,
            vec![Edit::InsertSpan {
                doc: 0,
                span: ours_new.clone(),
            }],
        );
        let b = edit(
            &o,
            vec![
                Edit::DeleteRelation { doc: 0, id: 1 },
                Edit::InsertSpan {
                    doc: 0,
                    span: theirs_new.clone(),
                },
                Edit::InsertRelation {
                    doc: 0,
                    relation: Relation {
                        id: 2,
                        kind: "attributed_to".into(),
                        from: 2,
                        to: 4,
                        annotator: String::new(),
                    },
                },
            ],
        );
        let out = merge(&o, &a, &b);
        assert!(out.is_clean(), "{:?}", out.conflicts);
        valid(&out.project);
        let doc = &out.project.documents[0];
        assert_eq!(doc.span(4), Some(&ours_new));
        let renumbered = doc
            .spans
            .iter()
            .find(|s| s.annotator == "mona")
            .expect("theirs' new span");
        assert_eq!(renumbered.id, 5);
        assert_eq!(doc.relations.len(), 1, "theirs deleted relation 1");
        assert_eq!(
            doc.relations[0].to, 5,
            "the relation follows the renumbered span"
        );
    }

    #[test]
    fn the_same_span_added_on_both_sides_is_one() {
        let o = base();
        let new = o.documents[0]
            .make_span(4, "entity", 46, 52, "")
            .expect("span");
        let a = edit(
            &o,
            vec![Edit::InsertSpan {
                doc: 0,
                span: new.clone(),
            }],
        );
        let mut other = new.clone();
        other.id = 9;
        let b = edit(
            &o,
            vec![Edit::InsertSpan {
                doc: 0,
                span: other,
            }],
        );
        let out = merge(&o, &a, &b);
        assert!(out.is_clean(), "{:?}", out.conflicts);
        assert_eq!(out.project.documents[0].spans.len(), 4);
        // With different notes they are still one span, the difference noted.
        let mut noted_new = new.clone();
        noted_new.id = 9;
        noted_new.note = Some("x".into());
        let b = edit(
            &o,
            vec![Edit::InsertSpan {
                doc: 0,
                span: noted_new,
            }],
        );
        let out = merge(&o, &a, &b);
        valid(&out.project);
        assert_eq!(out.conflicts.len(), 1);
        assert_eq!(out.project.documents[0].spans.len(), 4);
    }

    #[test]
    fn a_relation_to_a_span_deleted_on_the_other_side_keeps_the_span() {
        let o = base();
        let a = edit(&o, vec![Edit::DeleteSpan { doc: 0, id: 3 }]);
        let b = edit(
            &o,
            vec![Edit::InsertRelation {
                doc: 0,
                relation: Relation {
                    id: 2,
                    kind: "about".into(),
                    from: 2,
                    to: 3,
                    annotator: String::new(),
                },
            }],
        );
        let out = merge(&o, &a, &b);
        valid(&out.project);
        assert_eq!(out.conflicts.len(), 1, "{:?}", out.conflicts);
        assert!(
            span(&out.project, 3)
                .note
                .is_some_and(|n| n.starts_with(CONFLICT_MARK))
        );
    }

    #[test]
    fn statuses_and_titles() {
        let o = base();
        let with =
            |p: &Project, status: DocStatus| edit(p, vec![Edit::SetStatus { doc: 0, status }]);
        let out = merge(&o, &with(&o, DocStatus::Done), &o);
        assert_eq!(out.project.documents[0].status, DocStatus::Done);
        assert!(out.is_clean());
        let out = merge(
            &with(&o, DocStatus::Todo),
            &with(&o, DocStatus::Done),
            &with(&o, DocStatus::InProgress),
        );
        assert_eq!(out.project.documents[0].status, DocStatus::InProgress);
        assert_eq!(out.conflicts.len(), 1);
        let mut t = o.clone();
        Arc::make_mut(&mut t.documents[0]).title = "new".into();
        let out = merge(&o, &with(&o, DocStatus::Done), &t);
        assert!(out.is_clean());
        assert_eq!(
            (
                out.project.documents[0].title.as_str(),
                out.project.documents[0].status
            ),
            ("new", DocStatus::Done)
        );
    }

    #[test]
    fn documents_added_deleted_and_matched_by_text() {
        let o = base();
        let mut a = o.clone();
        a.documents
            .push(Document::new("d2", "", "", "نص ثان").into());
        let mut b = o.clone();
        // Theirs renamed d1 (same text) and added d3.
        Arc::make_mut(&mut b.documents[0]).id = "renamed".into();
        b.documents
            .push(Document::new("d3", "", "", "نص ثالث").into());
        let out = merge(&o, &a, &b);
        assert!(out.is_clean(), "{:?}", out.conflicts);
        let ids: Vec<&str> = out
            .project
            .documents
            .iter()
            .map(|d| d.id.as_str())
            .collect();
        assert_eq!(ids, ["renamed", "d2", "d3"]);
        // Same id, different texts, added on both sides: both kept.
        let mut b = o.clone();
        b.documents
            .push(Document::new("d2", "", "", "نص آخر").into());
        let out = merge(&o, &a, &b);
        valid(&out.project);
        let ids: Vec<&str> = out
            .project
            .documents
            .iter()
            .map(|d| d.id.as_str())
            .collect();
        assert_eq!(ids, ["d1", "d2", "d2~theirs"]);
        assert_eq!(out.conflicts.len(), 1);
    }

    #[test]
    fn schema_entries_merge_by_name() {
        let o = base();
        let mut a = o.clone();
        a.schema.span_labels[0].color = "#000000".into();
        let mut b = o.clone();
        b.schema.span_labels.push(crate::model::SpanLabel {
            name: "date".into(),
            color: "#123456".into(),
            key: "4".into(),
            ..Default::default()
        });
        let out = merge(&o, &a, &b);
        assert!(out.is_clean());
        let names: Vec<(&str, &str)> = out
            .project
            .schema
            .span_labels
            .iter()
            .map(|l| (l.name.as_str(), l.color.as_str()))
            .collect();
        assert_eq!(
            names,
            [
                ("speaker", "#000000"),
                ("claim", "#d62728"),
                ("entity", "#2ca02c"),
                ("date", "#123456")
            ]
        );
    }

    #[test]
    fn a_document_both_sides_added_with_different_titles_keeps_ours() {
        let o = base();
        let (mut a, mut b) = (o.clone(), o.clone());
        a.documents
            .push(Document::new("d2", "ours", "", "نص ثان").into());
        b.documents
            .push(Document::new("d2", "theirs", "", "نص ثان").into());
        let out = merge(&o, &a, &b);
        assert_eq!(out.project.documents[1].title, "ours");
        assert_eq!(out.conflicts.len(), 1);
        assert_eq!(out.conflicts[0].item, "title");
    }

    #[test]
    fn rejections_merge_as_a_set() {
        let reject = |start: usize, end: usize| crate::model::Rejection {
            label: "speaker".into(),
            start,
            end,
            text: TEXT.chars().skip(start).take(end - start).collect(),
        };
        let mut o = base();
        o.doc_mut(0).expect("doc").rejected = vec![reject(0, 3), reject(4, 8)];
        let mut a = noted(&o, 1, "x");
        a.doc_mut(0).expect("doc").rejected = vec![reject(0, 3), reject(4, 8), reject(14, 16)];
        let mut b = noted(&o, 3, "y");
        b.doc_mut(0).expect("doc").rejected = vec![reject(4, 8), reject(17, 23)];
        let out = merge(&o, &a, &b);
        assert!(out.is_clean(), "{:?}", out.conflicts);
        valid(&out.project);
        assert_eq!(
            out.project.documents[0].rejected,
            [reject(4, 8), reject(14, 16), reject(17, 23)]
        );
    }

    #[test]
    fn an_empty_base_merges_two_added_files() {
        let a = base();
        let out = merge(&empty_project(), &a, &a);
        assert!(out.is_clean());
        assert_eq!(out.project, a);
        assert!(looks_like_project("\u{feff} (\n    version: 2,"));
        assert!(looks_like_project("Project(version: 1)"));
        assert!(!looks_like_project("(window: (width: 3))"));
    }
}
