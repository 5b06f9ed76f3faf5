//! Adjudication: from two or more annotators' copies, a gold copy.
//!
//! [`adjudicate`] compares the copies document by document (documents matched by text hash;
//! those not in every copy are left out and listed). A span (range and label) or a relation
//! (type and both endpoints by range and label) that **every** annotator has is accepted as it
//! is. Everything else becomes a [`Difference`]:
//!
//! - spans are grouped when their ranges overlap and no annotator has both (they are rival
//!   readings of the same words): one group is one difference, of kind
//!   [`DifferenceKind::OtherLabel`] (all alternatives share the range),
//!   [`DifferenceKind::Boundaries`] (overlapping, different ranges) or
//!   [`DifferenceKind::OnlyInSome`] (a single span some annotators have and others lack);
//! - every relation not all annotators have is its own difference, of kind
//!   [`DifferenceKind::Relation`].
//!
//! The reviewer settles each difference with a [`Decision`]; [`Adjudication::gold`] then
//! builds the gold project, a normal project that [`crate::project::validate()`] accepts.
//!
//! **Which annotators had a span** is recorded in the gold span's `annotator` field as their
//! names joined by `,` (e.g. `"ali,mona"`; names come from [`annotator_names`], which never
//! contain a comma). A span that the reviewer set with [`Decision::Edit`] and that no
//! annotator had exactly, or added with [`Adjudication::add_span`], has the annotator
//! [`REVIEWER`]. **Which annotators had a relation** is recorded the same way in the gold
//! relation's `annotator`. A relation that follows a span the reviewer replaced (an endpoint
//! edited, or another annotator's boundaries kept) keeps the names of the annotators who had
//! the relation: they drew the link, the reviewer only moved its endpoint; when relations of
//! several annotators become one relation by following, it lists all of them. [`REVIEWER`]
//! would mark a relation no annotator had (the review cannot add relations). The gold
//! project's own `annotator` is the reviewer's name. Attributes and the note of a gold span
//! are those of the first annotator (in the order given) who had it; an edited span takes them
//! from the first alternative of the same label, if any. Attribute values are not compared.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::ops::Range;

use serde::{Deserialize, Serialize};
use thiserror::Error;

use super::agreement::{PartialDocument, annotator_names};
use super::labels::LabelSet;
use super::matching::match_documents;
use crate::model::{DocStatus, Document, Project, Relation, Schema, Span};

/// The `annotator` of a gold span (or relation) that no annotator had: the reviewer set or
/// added it.
pub const REVIEWER: &str = "reviewer";

/// A span as compared: range and label.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct SpanKey {
    /// First code point.
    pub start: usize,
    /// One past the last code point.
    pub end: usize,
    /// The label.
    pub label: String,
}

impl SpanKey {
    fn of(span: &Span) -> Self {
        SpanKey {
            start: span.start,
            end: span.end,
            label: span.label.clone(),
        }
    }

    fn overlaps(&self, other: &SpanKey) -> bool {
        self.start < other.end && other.start < self.end
    }
}

/// One alternative span of a difference, and who had it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Candidate {
    /// Range and label.
    pub key: SpanKey,
    /// The quoted text.
    pub text: String,
    /// Indices of the annotators who had this span, ascending.
    pub annotators: Vec<usize>,
}

/// A relation not every annotator has.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct RelationCandidate {
    /// Relation type.
    pub kind: String,
    /// Source span.
    pub from: SpanKey,
    /// Target span.
    pub to: SpanKey,
    /// Indices of the annotators who had it, ascending.
    pub annotators: Vec<usize>,
}

/// What sort of disagreement a [`Difference`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DifferenceKind {
    /// The same range with different labels.
    OtherLabel,
    /// Overlapping spans with different boundaries (labels may differ too).
    Boundaries,
    /// One span that some annotators have and the others do not.
    OnlyInSome,
    /// A relation that some annotators have and the others do not.
    Relation,
}

/// One place where the annotators disagree.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Difference {
    /// Index of the document in [`Adjudication::documents`] (and in the gold project).
    pub document: usize,
    /// What sort of disagreement.
    pub kind: DifferenceKind,
    /// The alternative spans, sorted by start, end and label order; empty for relations.
    pub spans: Vec<Candidate>,
    /// The relation, for [`DifferenceKind::Relation`].
    pub relation: Option<RelationCandidate>,
}

impl Difference {
    /// The code points the alternatives cover (from the smallest start to the largest end),
    /// for scrolling to the difference; for a relation, both endpoints.
    pub fn range(&self) -> Range<usize> {
        let keys: Vec<&SpanKey> = match &self.relation {
            Some(r) => vec![&r.from, &r.to],
            None => self.spans.iter().map(|c| &c.key).collect(),
        };
        let start = keys.iter().map(|k| k.start).min().unwrap_or(0);
        let end = keys.iter().map(|k| k.end).max().unwrap_or(start);
        start..end
    }
}

/// How the reviewer settles a difference.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    /// Keep what annotator 0 (the left lane of a pairwise comparison) had here.
    PickLeft,
    /// Keep what annotator 1 (the right lane of a pairwise comparison) had here.
    PickRight,
    /// Keep what the annotator of this index had here (nothing, if it had nothing).
    Pick(usize),
    /// Keep every alternative (for a relation: keep it).
    KeepBoth,
    /// Keep none of them.
    DropBoth,
    /// Replace the alternatives by one span with this range and label (spans only).
    Edit(Range<usize>, String),
}

/// The decision that keeps file `k`'s reading (lane `k`, 0-based).
pub fn keep_file(k: usize) -> Decision {
    match k {
        0 => Decision::PickLeft,
        1 => Decision::PickRight,
        _ => Decision::Pick(k),
    }
}

/// Why an adjudication step was refused.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum AdjudicationError {
    /// Fewer than two projects were given.
    #[error("adjudication needs at least two annotators' projects, got {found}")]
    TooFewAnnotators {
        /// How many were given.
        found: usize,
    },
    /// The difference index is out of range.
    #[error("there is no difference number {index} (there are {count})")]
    NoSuchDifference {
        /// The index asked for.
        index: usize,
        /// How many differences there are.
        count: usize,
    },
    /// The annotator index is out of range.
    #[error("there is no annotator number {index} (there are {count})")]
    NoSuchAnnotator {
        /// The index asked for.
        index: usize,
        /// How many annotators there are.
        count: usize,
    },
    /// An edit names an unknown label or an invalid range, or is applied to a relation.
    #[error("difference {difference}: cannot edit: {message}")]
    BadEdit {
        /// The difference.
        difference: usize,
        /// What is wrong.
        message: String,
    },
    /// A recorded decision names no (remaining) difference.
    #[error(
        "no difference of kind {kind:?} at {start}..{end} in document {document} to apply the recorded decision to"
    )]
    NoMatchingDifference {
        /// The document id of the record.
        document: String,
        /// Start of the recorded range.
        start: usize,
        /// End of the recorded range.
        end: usize,
        /// The recorded kind.
        kind: DifferenceKind,
    },
    /// A span the reviewer added has an unknown label or an invalid range.
    #[error("document {document}: cannot add the span: {message}")]
    BadAddition {
        /// Index of the document.
        document: usize,
        /// What is wrong.
        message: String,
    },
    /// Some differences have no decision yet.
    #[error("{count} difference(s) not decided yet, the first is number {first}")]
    Undecided {
        /// How many.
        count: usize,
        /// The first of them.
        first: usize,
    },
}

/// A decision as saved between sessions: the difference it settles is named by document id,
/// range and kind rather than by its index, so that the record stays readable in a file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecordedDecision {
    /// Id of the document (in the first annotator's project).
    pub document: String,
    /// [`Difference::range`] of the difference.
    pub range: Range<usize>,
    /// Its kind.
    pub kind: DifferenceKind,
    /// The decision.
    pub decision: Decision,
}

/// A relation the reviewer kept that could not go into the gold copy.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DroppedRelation {
    /// Id of the document.
    pub document: String,
    /// The relation.
    pub relation: RelationCandidate,
    /// Why it was left out.
    pub reason: String,
}

/// The result of [`Adjudication::gold`].
#[derive(Clone, Debug, PartialEq)]
pub struct GoldProject {
    /// The gold project.
    pub project: Project,
    /// Relations kept by a decision whose endpoints are not both in the gold copy (or whose
    /// labels the relation type does not allow any more).
    pub dropped_relations: Vec<DroppedRelation>,
}

/// Spans by key with who had them, in key order.
type SpanTable<'a> = BTreeMap<SpanKey, Vec<(usize, &'a Span)>>;

/// What all annotators agree on in one document.
#[derive(Clone, Debug)]
struct Agreed {
    /// Accepted spans: key, the annotators, the span to copy attributes and note from.
    spans: Vec<(SpanKey, Vec<usize>, Span)>,
    /// Accepted relations (with all annotators).
    relations: Vec<RelationCandidate>,
}

/// An adjudication in progress: the differences and the decisions taken so far.
#[derive(Clone, Debug)]
pub struct Adjudication {
    /// Names of the annotators (see [`annotator_names`]).
    pub annotators: Vec<String>,
    /// Who adjudicates; becomes the gold project's `annotator`.
    pub reviewer: String,
    /// The documents adjudicated (the first annotator's copy, as it is in its project).
    pub documents: Vec<Document>,
    /// Documents not in every project; they are not in the gold copy.
    pub only_in_some: Vec<PartialDocument>,
    differences: Vec<Difference>,
    decisions: Vec<Option<Decision>>,
    agreed: Vec<Agreed>,
    /// Templates (first annotator's span) for every candidate key, per document.
    templates: Vec<HashMap<SpanKey, Span>>,
    /// Spans the reviewer added that no difference holds, per document.
    added: Vec<BTreeSet<SpanKey>>,
    name: String,
    schema: Schema,
}

/// Starts adjudicating `projects` (two or more copies of the same documents); `reviewer` is
/// recorded as the gold project's annotator. The first project gives the schema, name and
/// document ids of the gold copy.
pub fn adjudicate(
    projects: &[&Project],
    reviewer: &str,
) -> Result<Adjudication, AdjudicationError> {
    let Some(first) = projects.first().filter(|_| projects.len() >= 2) else {
        return Err(AdjudicationError::TooFewAnnotators {
            found: projects.len(),
        });
    };
    let labels = LabelSet::from_projects(projects);
    let matching = match_documents(projects);
    let mut adj = Adjudication {
        annotators: annotator_names(projects),
        reviewer: reviewer.to_owned(),
        documents: Vec::new(),
        only_in_some: matching
            .partial
            .iter()
            .map(|m| PartialDocument {
                ids: m.ids(),
                title: m.first().map(|d| d.title.clone()).unwrap_or_default(),
                sha256: m.sha256.clone(),
            })
            .collect(),
        differences: Vec::new(),
        decisions: Vec::new(),
        agreed: Vec::new(),
        templates: Vec::new(),
        added: Vec::new(),
        name: format!("{} (gold)", first.name),
        schema: first.schema.clone(),
    };
    for m in &matching.complete {
        let docs: Vec<&Document> = m.documents.iter().flatten().copied().collect();
        adj.add_document(&docs, &labels);
    }
    adj.decisions = vec![None; adj.differences.len()];
    adj.added = vec![BTreeSet::new(); adj.documents.len()];
    Ok(adj)
}

/// Every valid span of every copy, by key, with who had it.
fn span_table<'a>(docs: &[&'a Document]) -> SpanTable<'a> {
    let mut table: SpanTable<'a> = BTreeMap::new();
    for (i, d) in docs.iter().enumerate() {
        let len = d.len_chars();
        for s in d.spans.iter().filter(|s| s.start < s.end && s.end <= len) {
            let holders = table.entry(SpanKey::of(s)).or_default();
            if holders.last().is_none_or(|(a, _)| *a != i) {
                holders.push((i, s));
            }
        }
    }
    table
}

/// Every relation of every copy (endpoints by key), with who had it.
fn relation_table(docs: &[&Document]) -> BTreeMap<(String, SpanKey, SpanKey), Vec<usize>> {
    let mut table: BTreeMap<(String, SpanKey, SpanKey), Vec<usize>> = BTreeMap::new();
    for (i, d) in docs.iter().enumerate() {
        for r in &d.relations {
            let (Some(from), Some(to)) = (d.span(r.from), d.span(r.to)) else {
                continue;
            };
            let holders = table
                .entry((r.kind.clone(), SpanKey::of(from), SpanKey::of(to)))
                .or_default();
            if holders.last() != Some(&i) {
                holders.push(i);
            }
        }
    }
    table
}

/// Groups of indices into `rest` (sorted by start) that overlap with disjoint annotators.
fn rival_groups(rest: &[(SpanKey, Vec<usize>)]) -> Vec<Vec<usize>> {
    let mut parent: Vec<usize> = (0..rest.len()).collect();
    fn root(parent: &mut [usize], mut i: usize) -> usize {
        while parent[i] != i {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        i
    }
    for i in 0..rest.len() {
        for j in i + 1..rest.len() {
            if rest[j].0.start >= rest[i].0.end {
                break;
            }
            let disjoint = rest[i].1.iter().all(|a| !rest[j].1.contains(a));
            if disjoint && rest[i].0.overlaps(&rest[j].0) {
                let (a, b) = (root(&mut parent, i), root(&mut parent, j));
                parent[a.max(b)] = a.min(b);
            }
        }
    }
    let mut groups: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for i in 0..rest.len() {
        let r = root(&mut parent, i);
        groups.entry(r).or_default().push(i);
    }
    groups.into_values().collect()
}

fn kind_of(candidates: &[Candidate]) -> DifferenceKind {
    match candidates {
        [_] => DifferenceKind::OnlyInSome,
        [first, rest @ ..]
            if rest
                .iter()
                .all(|c| (c.key.start, c.key.end) == (first.key.start, first.key.end)) =>
        {
            DifferenceKind::OtherLabel
        }
        _ => DifferenceKind::Boundaries,
    }
}

impl Adjudication {
    fn add_document(&mut self, docs: &[&Document], labels: &LabelSet) {
        let n = docs.len();
        let doc_index = self.documents.len();
        let mut agreed = Agreed {
            spans: Vec::new(),
            relations: Vec::new(),
        };
        let mut templates = HashMap::new();
        let mut rest: Vec<(SpanKey, Vec<usize>)> = Vec::new();
        for (key, holders) in span_table(docs) {
            let who: Vec<usize> = holders.iter().map(|(a, _)| *a).collect();
            let template = holders[0].1.clone();
            if who.len() == n {
                agreed.spans.push((key, who, template));
            } else {
                templates.insert(key.clone(), template);
                rest.push((key, who));
            }
        }
        let order = |k: &SpanKey| (k.start, k.end, labels.index(&k.label).unwrap_or(usize::MAX));
        for group in rival_groups(&rest) {
            let mut spans: Vec<Candidate> = group
                .iter()
                .map(|&i| {
                    let (key, who) = &rest[i];
                    let text = templates
                        .get(key)
                        .map(|s| s.text.clone())
                        .unwrap_or_default();
                    Candidate {
                        key: key.clone(),
                        text,
                        annotators: who.clone(),
                    }
                })
                .collect();
            spans.sort_by_key(|c| order(&c.key));
            self.differences.push(Difference {
                document: doc_index,
                kind: kind_of(&spans),
                spans,
                relation: None,
            });
        }
        for ((kind, from, to), who) in relation_table(docs) {
            let relation = RelationCandidate {
                kind,
                from,
                to,
                annotators: who,
            };
            if relation.annotators.len() == n {
                agreed.relations.push(relation);
            } else {
                let d = Difference {
                    document: doc_index,
                    kind: DifferenceKind::Relation,
                    spans: Vec::new(),
                    relation: Some(relation),
                };
                self.differences.push(d);
            }
        }
        self.documents.push(docs[0].clone());
        self.agreed.push(agreed);
        self.templates.push(templates);
    }

    /// The differences, document by document, spans (by position) before relations.
    pub fn differences(&self) -> &[Difference] {
        &self.differences
    }

    /// The decision taken on difference `index`, if any.
    pub fn decision(&self, index: usize) -> Option<&Decision> {
        self.decisions.get(index).and_then(Option::as_ref)
    }

    /// Indices of the differences without a decision.
    pub fn undecided(&self) -> impl Iterator<Item = usize> + '_ {
        self.decisions
            .iter()
            .enumerate()
            .filter_map(|(i, d)| d.is_none().then_some(i))
    }

    /// Records `decision` for difference `index` (replacing an earlier one), after checking
    /// that it applies: annotator indices exist; an edit has a known label and a non-empty
    /// range inside the text, and is not applied to a relation.
    pub fn decide(&mut self, index: usize, decision: Decision) -> Result<(), AdjudicationError> {
        let count = self.differences.len();
        let diff = self
            .differences
            .get(index)
            .ok_or(AdjudicationError::NoSuchDifference { index, count })?;
        let annotators = self.annotators.len();
        match &decision {
            Decision::Pick(a) if *a >= annotators => {
                return Err(AdjudicationError::NoSuchAnnotator {
                    index: *a,
                    count: annotators,
                });
            }
            Decision::Edit(range, label) => self.check_edit(index, diff, range, label)?,
            _ => {}
        }
        self.decisions[index] = Some(decision);
        Ok(())
    }

    /// The decisions taken so far, in difference order, as records to save.
    pub fn recorded_decisions(&self) -> Vec<RecordedDecision> {
        self.differences
            .iter()
            .zip(&self.decisions)
            .filter_map(|(d, c)| {
                Some(RecordedDecision {
                    document: self.documents[d.document].id.clone(),
                    range: d.range(),
                    kind: d.kind,
                    decision: c.clone()?,
                })
            })
            .collect()
    }

    /// Applies saved decisions: each goes to the first difference, in order, with its
    /// document, range and kind that no earlier record of this call took. Stops at the first
    /// record that matches nothing or does not apply.
    pub fn apply_recorded(
        &mut self,
        records: &[RecordedDecision],
    ) -> Result<(), AdjudicationError> {
        let mut taken = vec![false; self.differences.len()];
        for r in records {
            let found = self.differences.iter().enumerate().position(|(i, d)| {
                !taken[i]
                    && d.kind == r.kind
                    && d.range() == r.range
                    && self.documents[d.document].id == r.document
            });
            let Some(index) = found else {
                return Err(AdjudicationError::NoMatchingDifference {
                    document: r.document.clone(),
                    start: r.range.start,
                    end: r.range.end,
                    kind: r.kind,
                });
            };
            taken[index] = true;
            self.decide(index, r.decision.clone())?;
        }
        Ok(())
    }

    /// Adds a span no annotator made to document `doc` (index into [`Self::documents`]), after
    /// checking its label and range. Returns whether it was not there yet.
    pub fn add_span(&mut self, doc: usize, key: SpanKey) -> Result<bool, AdjudicationError> {
        let bad = |message: String| AdjudicationError::BadAddition {
            document: doc,
            message,
        };
        let Some(d) = self.documents.get(doc) else {
            return Err(bad("no such document".to_owned()));
        };
        if self.schema.label(&key.label).is_none() {
            return Err(bad(format!("label \"{}\" is not in the schema", key.label)));
        }
        let len = d.len_chars();
        if key.start >= key.end || key.end > len {
            return Err(bad(format!(
                "range {}..{} is empty or outside the text ({len} characters)",
                key.start, key.end
            )));
        }
        Ok(self.added[doc].insert(key))
    }

    /// Removes a span the reviewer added; returns whether it was there.
    pub fn remove_span(&mut self, doc: usize, key: &SpanKey) -> bool {
        self.added.get_mut(doc).is_some_and(|a| a.remove(key))
    }

    /// The spans the reviewer added to document `doc`, in text order.
    pub fn added(&self, doc: usize) -> impl Iterator<Item = &SpanKey> {
        self.added.get(doc).into_iter().flatten()
    }

    /// Forgets the decision on difference `index`.
    pub fn undecide(&mut self, index: usize) {
        if let Some(d) = self.decisions.get_mut(index) {
            *d = None;
        }
    }

    fn check_edit(
        &self,
        index: usize,
        diff: &Difference,
        range: &Range<usize>,
        label: &str,
    ) -> Result<(), AdjudicationError> {
        let bad = |message: String| AdjudicationError::BadEdit {
            difference: index,
            message,
        };
        if diff.relation.is_some() {
            return Err(bad("a relation can only be kept or dropped".to_owned()));
        }
        if self.schema.label(label).is_none() {
            return Err(bad(format!("label \"{label}\" is not in the schema")));
        }
        let len = self.documents[diff.document].len_chars();
        if range.start >= range.end || range.end > len {
            return Err(bad(format!(
                "range {}..{} is empty or outside the text ({len} characters)",
                range.start, range.end
            )));
        }
        Ok(())
    }

    /// The spans a decided span difference keeps: (key, annotators who had it exactly).
    fn kept_spans(&self, diff: &Difference, decision: &Decision) -> Vec<(SpanKey, Vec<usize>)> {
        let by = |a: usize| {
            diff.spans
                .iter()
                .filter(|c| c.annotators.contains(&a))
                .map(|c| (c.key.clone(), c.annotators.clone()))
                .collect()
        };
        match decision {
            Decision::PickLeft => by(0),
            Decision::PickRight => by(1),
            Decision::Pick(a) => by(*a),
            Decision::KeepBoth => diff
                .spans
                .iter()
                .map(|c| (c.key.clone(), c.annotators.clone()))
                .collect(),
            Decision::DropBoth => Vec::new(),
            Decision::Edit(range, label) => {
                let key = SpanKey {
                    start: range.start,
                    end: range.end,
                    label: label.clone(),
                };
                let who = diff
                    .spans
                    .iter()
                    .find(|c| c.key == key)
                    .map(|c| c.annotators.clone())
                    .unwrap_or_default();
                vec![(key, who)]
            }
        }
    }

    /// Whether a decided relation difference keeps its relation.
    fn keeps_relation(relation: &RelationCandidate, decision: &Decision) -> bool {
        match decision {
            Decision::PickLeft => relation.annotators.contains(&0),
            Decision::PickRight => relation.annotators.contains(&1),
            Decision::Pick(a) => relation.annotators.contains(a),
            Decision::KeepBoth => true,
            Decision::DropBoth | Decision::Edit(..) => false,
        }
    }

    /// The gold project: agreed spans and relations plus what the decisions keep. Fails when
    /// a difference is still undecided. Span and relation ids are renumbered from 1 in file
    /// order. A relation whose endpoint was replaced (picked the other side's boundaries, or
    /// edited) follows the span that replaced it, when exactly one did.
    pub fn gold(&self) -> Result<GoldProject, AdjudicationError> {
        let mut undecided = self.undecided();
        if let Some(first) = undecided.next() {
            return Err(AdjudicationError::Undecided {
                count: 1 + undecided.count(),
                first,
            });
        }
        let mut project = Project::new(self.name.clone(), self.reviewer.clone());
        project.schema = self.schema.clone();
        let mut dropped = Vec::new();
        for (i, source) in self.documents.iter().enumerate() {
            let doc = self.gold_document(i, source, &mut dropped);
            project.documents.push(doc.into());
        }
        Ok(GoldProject {
            project,
            dropped_relations: dropped,
        })
    }

    /// The decided differences of document `doc`, with their decisions.
    fn decided_in(&self, doc: usize) -> impl Iterator<Item = (&Difference, &Decision)> {
        self.differences
            .iter()
            .zip(&self.decisions)
            .filter(move |(d, _)| d.document == doc)
            .filter_map(|(d, c)| Some((d, c.as_ref()?)))
    }

    fn gold_document(
        &self,
        doc: usize,
        source: &Document,
        dropped: &mut Vec<DroppedRelation>,
    ) -> Document {
        let agreed = &self.agreed[doc];
        // Kept spans: key → (annotators, template).
        let mut kept: BTreeMap<SpanKey, (BTreeSet<usize>, Option<Span>)> = BTreeMap::new();
        // Where a rival span's relations go: candidate key → the one span that replaced it.
        let mut redirect: HashMap<SpanKey, SpanKey> = HashMap::new();
        for (key, who, template) in &agreed.spans {
            kept.insert(
                key.clone(),
                (who.iter().copied().collect(), Some(template.clone())),
            );
        }
        let mut relations: Vec<RelationCandidate> = agreed.relations.clone();
        for (diff, decision) in self.decided_in(doc) {
            if let Some(r) = &diff.relation {
                if Self::keeps_relation(r, decision) {
                    relations.push(r.clone());
                }
                continue;
            }
            let spans = self.kept_spans(diff, decision);
            if let [(only, _)] = spans.as_slice() {
                for c in &diff.spans {
                    redirect.insert(c.key.clone(), only.clone());
                }
            }
            for (key, who) in spans {
                let template = self.template_for(doc, diff, &key);
                let entry = kept
                    .entry(key)
                    .or_insert_with(|| (BTreeSet::new(), template));
                entry.0.extend(who);
            }
        }
        for key in self.added.get(doc).into_iter().flatten() {
            kept.entry(key.clone())
                .or_insert_with(|| (BTreeSet::new(), None));
        }
        let mut gold = Document::new(
            source.id.clone(),
            source.title.clone(),
            source.source.clone(),
            source.text(),
        );
        gold.status = DocStatus::Done;
        let mut ids: HashMap<SpanKey, u64> = HashMap::with_capacity(kept.len());
        for (key, (who, template)) in kept {
            let id = gold.spans.len() as u64 + 1;
            let who = self.provenance(&who);
            let Some(mut span) = gold.make_span(id, &key.label, key.start, key.end, &who) else {
                continue;
            };
            if let Some(t) = template {
                span.attributes = t
                    .attributes
                    .into_iter()
                    .filter(|(n, _)| self.schema.attribute(&key.label, n).is_some())
                    .collect();
                span.note = t.note;
            }
            ids.insert(key, id);
            gold.spans.push(span);
        }
        self.add_relations(&mut gold, relations, &ids, &redirect, dropped);
        gold.normalize_order();
        gold
    }

    /// The gold `annotator` of a span or relation the annotators `who` had: their names
    /// joined by `,`, or [`REVIEWER`] when none had it.
    fn provenance(&self, who: &BTreeSet<usize>) -> String {
        let names: Vec<&str> = who
            .iter()
            .filter_map(|&a| self.annotators.get(a).map(String::as_str))
            .collect();
        if names.is_empty() {
            REVIEWER.to_owned()
        } else {
            names.join(",")
        }
    }

    /// The span to copy attributes and note from for `key` kept by `diff`: the annotators'
    /// span with that key, else the first alternative with the same label.
    fn template_for(&self, doc: usize, diff: &Difference, key: &SpanKey) -> Option<Span> {
        let templates = &self.templates[doc];
        templates
            .get(key)
            .or_else(|| {
                diff.spans
                    .iter()
                    .find(|c| c.key.label == key.label)
                    .and_then(|c| templates.get(&c.key))
            })
            .cloned()
    }

    fn add_relations(
        &self,
        gold: &mut Document,
        relations: Vec<RelationCandidate>,
        ids: &HashMap<SpanKey, u64>,
        redirect: &HashMap<SpanKey, SpanKey>,
        dropped: &mut Vec<DroppedRelation>,
    ) {
        let resolve = |k: &SpanKey| {
            ids.get(k)
                .copied()
                .or_else(|| redirect.get(k).and_then(|r| ids.get(r).copied()))
        };
        // Each gold relation (type, source, target): its index and who had it.
        let mut seen: BTreeMap<(String, u64, u64), usize> = BTreeMap::new();
        let mut holders: Vec<BTreeSet<usize>> = Vec::new();
        for r in relations {
            let reason = match (resolve(&r.from), resolve(&r.to)) {
                (Some(from), Some(to)) => {
                    let labels = gold
                        .span(from)
                        .zip(gold.span(to))
                        .map(|(f, t)| (f.label.clone(), t.label.clone()));
                    let allowed = labels.as_ref().is_some_and(|(f, t)| {
                        self.schema
                            .relation_type(&r.kind)
                            .is_some_and(|k| k.allows(f, t))
                    });
                    if allowed {
                        let at = *seen.entry((r.kind.clone(), from, to)).or_insert_with(|| {
                            gold.relations.push(Relation {
                                id: gold.relations.len() as u64 + 1,
                                kind: r.kind.clone(),
                                from,
                                to,
                                annotator: String::new(),
                            });
                            holders.push(BTreeSet::new());
                            holders.len() - 1
                        });
                        holders[at].extend(r.annotators.iter().copied());
                        continue;
                    }
                    "the relation type does not allow the labels of its endpoints in the gold copy"
                }
                _ => "an endpoint span is not in the gold copy",
            };
            dropped.push(DroppedRelation {
                document: gold.id.clone(),
                relation: r,
                reason: reason.to_owned(),
            });
        }
        for (relation, who) in gold.relations.iter_mut().zip(&holders) {
            relation.annotator = self.provenance(who);
        }
    }
}
