//! Agreement between two or more annotators' copies of the same documents.
//!
//! For every document present in all projects (see [`super::matching`]) and for the corpus of
//! those documents taken together:
//!
//! - per pair of annotators `(reference, other)`, span **precision / recall / F1** with the
//!   reference annotator as the truth, for *exact* matches (same start, end and label) and for
//!   *overlap* matches (an other-annotator span counts as found when it overlaps a reference
//!   span of the same label, and a reference span counts as recalled when it overlaps an
//!   other-annotator span of the same label); relation P/R/F1, a relation matching when its type
//!   and both endpoints (range and label, never span ids) are equal; and **Cohen's κ** over
//!   token labels (see [`super::labels`]);
//! - over all annotators, **Fleiss' κ** and **Krippendorff's α** (nominal) over token labels.
//!
//! Every number is given overall and per label (per relation type for relations). Per label,
//! κ and α compare "this label" against "anything else" on each token. Corpus numbers pool
//! the counts of all documents (micro-average), they do not average per-document values.
//! A value that is undefined (division by zero, e.g. no spans of a label on either side, or
//! every token "O") is `None`, printed as `–` and written as `null` in JSON.

use std::collections::HashMap;

use serde::Serialize;
use serde::ser::{SerializeMap, SerializeStruct};

use super::labels::{LabelSet, token_labels};
use super::matching::{Duplicate, match_documents};
use super::stats::{Confusion, RaterCounts};
use crate::model::tokens::tokenize;
use crate::model::{Document, Project};

/// Display names of the annotators of `projects`: each project's `annotator` with commas
/// replaced by spaces; `annotator N` (1-based) when empty; `NAME (N)` when already taken.
pub fn annotator_names(projects: &[&Project]) -> Vec<String> {
    let mut names: Vec<String> = Vec::with_capacity(projects.len());
    for (i, p) in projects.iter().enumerate() {
        let cleaned = p.annotator.replace(',', " ").trim().to_owned();
        let name = if cleaned.is_empty() {
            format!("annotator {}", i + 1)
        } else {
            cleaned
        };
        let name = if names.contains(&name) {
            format!("{name} ({})", i + 1)
        } else {
            name
        };
        names.push(name);
    }
    names
}

/// Counts behind a precision / recall / F1 triple; they add up over documents.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct MatchCounts {
    /// Items (spans or relations) of the reference annotator.
    pub reference: u64,
    /// Items of the other annotator.
    pub other: u64,
    /// Reference items matched by an item of the other annotator.
    pub matched_reference: u64,
    /// Items of the other annotator that match a reference item.
    pub matched_other: u64,
}

impl MatchCounts {
    fn add(&mut self, o: &MatchCounts) {
        self.reference += o.reference;
        self.other += o.other;
        self.matched_reference += o.matched_reference;
        self.matched_other += o.matched_other;
    }
}

/// Precision, recall and F1 of one annotator against a reference, with their counts.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Score {
    /// The counts.
    #[serde(flatten)]
    pub counts: MatchCounts,
    /// `matched_other / other`; `None` when the other annotator has no items.
    pub precision: Option<f64>,
    /// `matched_reference / reference`; `None` when the reference has no items.
    pub recall: Option<f64>,
    /// `2PR / (P + R)`; 0 when only one side has items or nothing matches; `None` when
    /// neither side has items.
    pub f1: Option<f64>,
}

impl Score {
    /// The scores of `counts`.
    pub fn from_counts(counts: MatchCounts) -> Self {
        let ratio = |a: u64, b: u64| (b > 0).then(|| a as f64 / b as f64);
        let precision = ratio(counts.matched_other, counts.other);
        let recall = ratio(counts.matched_reference, counts.reference);
        let f1 = match (precision, recall) {
            (None, None) => None,
            (Some(p), Some(r)) if p + r > 0.0 => Some(2.0 * p * r / (p + r)),
            _ => Some(0.0),
        };
        Score {
            counts,
            precision,
            recall,
            f1,
        }
    }
}

/// A value overall and per label (or per relation type).
#[derive(Clone, Debug, PartialEq)]
pub struct PerLabel<T> {
    /// Over all labels together.
    pub overall: T,
    /// Per label, in the report's label order.
    pub by_label: Vec<(String, T)>,
}

impl<T> PerLabel<T> {
    /// The value of label `name`.
    pub fn label(&self, name: &str) -> Option<&T> {
        self.by_label
            .iter()
            .find(|(l, _)| l == name)
            .map(|(_, v)| v)
    }
}

/// Serialized as `{"overall": …, "by_label": {"speaker": …, …}}`, labels in order.
impl<T: Serialize> Serialize for PerLabel<T> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        struct Labels<'a, T>(&'a [(String, T)]);
        impl<T: Serialize> Serialize for Labels<'_, T> {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                let mut map = s.serialize_map(Some(self.0.len()))?;
                for (k, v) in self.0 {
                    map.serialize_entry(k, v)?;
                }
                map.end()
            }
        }
        let mut st = s.serialize_struct("PerLabel", 2)?;
        st.serialize_field("overall", &self.overall)?;
        st.serialize_field("by_label", &Labels(&self.by_label))?;
        st.end()
    }
}

/// The agreement of one pair of annotators.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PairAgreement {
    /// Index of the annotator taken as the truth.
    pub reference: usize,
    /// Index of the annotator compared with it.
    pub other: usize,
    /// Exact span matches (same range and label).
    pub exact: PerLabel<Score>,
    /// Overlap span matches (overlapping ranges, same label).
    pub overlap: PerLabel<Score>,
    /// Relations whose type and both endpoints (range and label) match, per relation type.
    pub relations: PerLabel<Score>,
    /// Cohen's κ over token labels.
    pub cohen_kappa: PerLabel<Option<f64>>,
}

/// Agreement numbers of one document or of the corpus.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Agreement {
    /// Number of tokens compared.
    pub tokens: u64,
    /// Every pair of annotators `i < j`, `i` as the reference, in order (0,1), (0,2), …, (1,2), ….
    pub pairs: Vec<PairAgreement>,
    /// Fleiss' κ over token labels, all annotators.
    pub fleiss_kappa: PerLabel<Option<f64>>,
    /// Krippendorff's α (nominal) over token labels, all annotators.
    pub krippendorff_alpha: PerLabel<Option<f64>>,
}

impl Agreement {
    /// The agreement of annotators `a` and `b` (either order; `a` is the reference when
    /// `a < b`).
    pub fn pair(&self, a: usize, b: usize) -> Option<&PairAgreement> {
        let (r, o) = (a.min(b), a.max(b));
        self.pairs.iter().find(|p| p.reference == r && p.other == o)
    }
}

/// The agreement of one document present in every project.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DocumentAgreement {
    /// The document's id in each project.
    pub ids: Vec<String>,
    /// The title in the first project.
    pub title: String,
    /// SHA-256 of the text.
    pub sha256: String,
    /// The numbers.
    #[serde(flatten)]
    pub agreement: Agreement,
}

/// A document that only some projects have; it is not compared.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PartialDocument {
    /// The document's id in each project, `None` where missing.
    pub ids: Vec<Option<String>>,
    /// The title where first found.
    pub title: String,
    /// SHA-256 of the text.
    pub sha256: String,
}

/// Everything `qalam agree` reports.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AgreementReport {
    /// The annotators' names (see [`annotator_names`]), in the order of the projects.
    pub annotators: Vec<String>,
    /// The span labels of the per-label numbers, in order.
    pub labels: Vec<String>,
    /// The relation types of the per-type relation numbers, in order.
    pub relation_types: Vec<String>,
    /// The documents present in every project.
    pub documents: Vec<DocumentAgreement>,
    /// All of those documents together.
    pub corpus: Agreement,
    /// Documents present in only some projects (listed, not compared).
    pub only_in_some: Vec<PartialDocument>,
    /// Documents repeating a text of their own project (left out).
    pub duplicates: Vec<Duplicate>,
}

/// Relation types in a fixed order: the first project's schema, then the others', then types
/// used but in no schema, by name.
fn relation_types(projects: &[&Project]) -> Vec<String> {
    let mut types: Vec<String> = Vec::new();
    for p in projects {
        for t in &p.schema.relation_types {
            if !types.contains(&t.name) {
                types.push(t.name.clone());
            }
        }
    }
    let mut unknown: Vec<String> = projects
        .iter()
        .flat_map(|p| {
            p.documents
                .iter()
                .flat_map(|d| d.relations.iter().map(|r| r.kind.clone()))
        })
        .filter(|k| !types.contains(k))
        .collect();
    unknown.sort_unstable();
    unknown.dedup();
    types.extend(unknown);
    types
}

/// A span as compared: (start, end).
type Range2 = (usize, usize);
/// A relation as compared: type, then both endpoints as (start, end, category).
type RelationKey = (usize, (usize, usize, usize), (usize, usize, usize));

/// One annotator's annotations of one document, indexed for comparison.
struct Prepared {
    /// Per span label (category − 1): ranges sorted, without repeats.
    spans: Vec<Vec<Range2>>,
    /// Per span label: running maximum of the ends of `spans`, for overlap queries.
    max_end: Vec<Vec<usize>>,
    /// Relations, sorted, without repeats (relations with a dangling endpoint are left out).
    relations: Vec<RelationKey>,
    /// Category of every token.
    tokens: Vec<usize>,
}

fn prepare(
    doc: &Document,
    labels: &LabelSet,
    types: &HashMap<&str, usize>,
    tokens: &[crate::model::tokens::Token],
) -> Prepared {
    let n = labels.span_labels().len();
    let mut spans: Vec<Vec<Range2>> = vec![Vec::new(); n];
    let mut endpoint = HashMap::with_capacity(doc.spans.len());
    for s in &doc.spans {
        if let Some(c) = labels.index(&s.label) {
            spans[c - 1].push((s.start, s.end));
            endpoint.insert(s.id, (s.start, s.end, c));
        }
    }
    for list in &mut spans {
        list.sort_unstable();
        list.dedup();
    }
    let max_end = spans
        .iter()
        .map(|list| {
            let mut m = 0;
            list.iter()
                .map(|&(_, e)| {
                    m = m.max(e);
                    m
                })
                .collect()
        })
        .collect();
    let mut relations: Vec<RelationKey> = doc
        .relations
        .iter()
        .filter_map(|r| {
            Some((
                *types.get(r.kind.as_str())?,
                *endpoint.get(&r.from)?,
                *endpoint.get(&r.to)?,
            ))
        })
        .collect();
    relations.sort_unstable();
    relations.dedup();
    Prepared {
        spans,
        max_end,
        relations,
        tokens: token_labels(doc, tokens, labels),
    }
}

/// Whether some range of `sorted` (with running maximum ends `max_end`) overlaps `x`.
fn overlaps_any(sorted: &[Range2], max_end: &[usize], x: Range2) -> bool {
    let before_end = sorted.partition_point(|&(s, _)| s < x.1);
    before_end > 0 && max_end[before_end - 1] > x.0
}

/// Number of items two sorted, repeat-free lists have in common.
fn common<T: Ord>(a: &[T], b: &[T]) -> u64 {
    let (mut i, mut j, mut n) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                n += 1;
                i += 1;
                j += 1;
            }
        }
    }
    n
}

/// Additive counts of one pair.
#[derive(Clone, Debug)]
struct PairCounts {
    exact: Vec<MatchCounts>,
    overlap: Vec<MatchCounts>,
    relations: Vec<MatchCounts>,
    confusion: Confusion,
}

impl PairCounts {
    fn new(labels: usize, types: usize) -> Self {
        PairCounts {
            exact: vec![MatchCounts::default(); labels - 1],
            overlap: vec![MatchCounts::default(); labels - 1],
            relations: vec![MatchCounts::default(); types],
            confusion: Confusion::new(labels),
        }
    }

    fn count(&mut self, r: &Prepared, o: &Prepared) {
        for (l, (rs, os)) in r.spans.iter().zip(&o.spans).enumerate() {
            let tp = common(rs, os);
            let ex = MatchCounts {
                reference: rs.len() as u64,
                other: os.len() as u64,
                matched_reference: tp,
                matched_other: tp,
            };
            self.exact[l].add(&ex);
            let found_ref = rs
                .iter()
                .filter(|&&x| overlaps_any(os, &o.max_end[l], x))
                .count() as u64;
            let found_other = os
                .iter()
                .filter(|&&x| overlaps_any(rs, &r.max_end[l], x))
                .count() as u64;
            let ov = MatchCounts {
                matched_reference: found_ref,
                matched_other: found_other,
                ..ex
            };
            self.overlap[l].add(&ov);
        }
        for (t, counts) in self.relations.iter_mut().enumerate() {
            let of_type = |p: &Prepared| -> Vec<RelationKey> {
                p.relations.iter().filter(|k| k.0 == t).copied().collect()
            };
            let (rr, oo) = (of_type(r), of_type(o));
            let tp = common(&rr, &oo);
            counts.add(&MatchCounts {
                reference: rr.len() as u64,
                other: oo.len() as u64,
                matched_reference: tp,
                matched_other: tp,
            });
        }
        for (&a, &b) in r.tokens.iter().zip(&o.tokens) {
            self.confusion.add(a, b);
        }
    }

    fn merge(&mut self, other: &PairCounts) {
        for (x, y) in self.exact.iter_mut().zip(&other.exact) {
            x.add(y);
        }
        for (x, y) in self.overlap.iter_mut().zip(&other.overlap) {
            x.add(y);
        }
        for (x, y) in self.relations.iter_mut().zip(&other.relations) {
            x.add(y);
        }
        self.confusion.merge(&other.confusion);
    }
}

/// Additive counts of one document or of the corpus.
#[derive(Clone, Debug)]
struct Counts {
    pairs: Vec<(usize, usize, PairCounts)>,
    raters: RaterCounts,
}

impl Counts {
    fn new(annotators: usize, labels: usize, types: usize) -> Self {
        let mut pairs = Vec::new();
        for a in 0..annotators {
            for b in a + 1..annotators {
                pairs.push((a, b, PairCounts::new(labels, types)));
            }
        }
        Counts {
            pairs,
            raters: RaterCounts::new(annotators, labels),
        }
    }

    fn of_document(prepared: &[Prepared], labels: usize, types: usize) -> Self {
        let mut counts = Counts::new(prepared.len(), labels, types);
        for (a, b, pc) in &mut counts.pairs {
            pc.count(&prepared[*a], &prepared[*b]);
        }
        let tokens = prepared.first().map_or(0, |p| p.tokens.len());
        let mut unit = Vec::with_capacity(prepared.len());
        let mut scratch = Vec::new();
        for t in 0..tokens {
            unit.clear();
            unit.extend(prepared.iter().map(|p| p.tokens[t]));
            counts.raters.add_unit(&unit, &mut scratch);
        }
        counts
    }

    fn merge(&mut self, other: &Counts) {
        for ((_, _, x), (_, _, y)) in self.pairs.iter_mut().zip(&other.pairs) {
            x.merge(y);
        }
        self.raters.merge(&other.raters);
    }
}

/// Names of span labels and relation types, to label the numbers.
struct Names<'a> {
    labels: &'a [String],
    types: &'a [String],
}

fn scores(counts: &[MatchCounts], names: &[String]) -> PerLabel<Score> {
    let mut total = MatchCounts::default();
    for c in counts {
        total.add(c);
    }
    PerLabel {
        overall: Score::from_counts(total),
        by_label: names
            .iter()
            .cloned()
            .zip(counts.iter().map(|c| Score::from_counts(*c)))
            .collect(),
    }
}

fn per_label<T>(names: &[String], overall: T, f: impl Fn(usize) -> T) -> PerLabel<T> {
    PerLabel {
        overall,
        by_label: names
            .iter()
            .enumerate()
            .map(|(i, n)| (n.clone(), f(i + 1)))
            .collect(),
    }
}

fn agreement_of(counts: &Counts, names: &Names<'_>) -> Agreement {
    let pairs = counts
        .pairs
        .iter()
        .map(|(a, b, pc)| PairAgreement {
            reference: *a,
            other: *b,
            exact: scores(&pc.exact, names.labels),
            overlap: scores(&pc.overlap, names.labels),
            relations: scores(&pc.relations, names.types),
            cohen_kappa: per_label(names.labels, pc.confusion.cohen_kappa(), |c| {
                pc.confusion.binary(c).cohen_kappa()
            }),
        })
        .collect();
    let r = &counts.raters;
    Agreement {
        tokens: r.units(),
        pairs,
        fleiss_kappa: per_label(names.labels, r.fleiss_kappa(), |c| {
            r.binary(c).fleiss_kappa()
        }),
        krippendorff_alpha: per_label(names.labels, r.krippendorff_alpha(), |c| {
            r.binary(c).krippendorff_alpha()
        }),
    }
}

/// The agreement of `projects` (two or more copies of the same documents); see the
/// [module documentation](self).
pub fn agreement(projects: &[&Project]) -> AgreementReport {
    agreement_with_progress(projects, &mut |_, _| {})
}

/// [`agreement`], calling `progress(done, total)` after each document compared.
pub fn agreement_with_progress(
    projects: &[&Project],
    progress: &mut dyn FnMut(usize, usize),
) -> AgreementReport {
    let labels = LabelSet::from_projects(projects);
    let types = relation_types(projects);
    let type_index: HashMap<&str, usize> = types
        .iter()
        .enumerate()
        .map(|(i, t)| (t.as_str(), i))
        .collect();
    let names = Names {
        labels: labels.span_labels(),
        types: &types,
    };
    let matching = match_documents(projects);
    let mut corpus = Counts::new(projects.len(), labels.len(), types.len());
    let mut documents = Vec::with_capacity(matching.complete.len());
    let total = matching.complete.len();
    for (i, m) in matching.complete.iter().enumerate() {
        let docs: Vec<&Document> = m.documents.iter().flatten().copied().collect();
        let tokens = docs.first().map(|d| tokenize(d.text())).unwrap_or_default();
        let prepared: Vec<Prepared> = docs
            .iter()
            .map(|d| prepare(d, &labels, &type_index, &tokens))
            .collect();
        let counts = Counts::of_document(&prepared, labels.len(), types.len());
        corpus.merge(&counts);
        documents.push(DocumentAgreement {
            ids: docs.iter().map(|d| d.id.clone()).collect(),
            title: docs.first().map(|d| d.title.clone()).unwrap_or_default(),
            sha256: m.sha256.clone(),
            agreement: agreement_of(&counts, &names),
        });
        progress(i + 1, total);
    }
    let only_in_some = matching
        .partial
        .iter()
        .map(|m| PartialDocument {
            ids: m.ids(),
            title: m.first().map(|d| d.title.clone()).unwrap_or_default(),
            sha256: m.sha256.clone(),
        })
        .collect();
    AgreementReport {
        annotators: annotator_names(projects),
        labels: names.labels.to_vec(),
        relation_types: types.clone(),
        corpus: agreement_of(&corpus, &names),
        documents,
        only_in_some,
        duplicates: matching.duplicates,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Relation;

    fn project(
        annotator: &str,
        text: &str,
        spans: &[(&str, usize, usize)],
        relations: &[(&str, u64, u64)],
    ) -> Project {
        let mut p = Project::new("p", annotator);
        let mut d = Document::new("d", "", "", text);
        for (i, (label, s, e)) in spans.iter().enumerate() {
            d.spans
                .extend(d.make_span(i as u64 + 1, label, *s, *e, annotator));
        }
        for (i, (kind, from, to)) in relations.iter().enumerate() {
            d.relations.push(Relation {
                id: i as u64 + 1,
                kind: (*kind).into(),
                from: *from,
                to: *to,
                annotator: String::new(),
            });
        }
        p.documents.push(d.into());
        p
    }

    const TEXT: &str = "قال مصدر أمني إن الحملة بدأت";

    #[test]
    fn exact_and_overlap_scores_of_a_pair() {
        let a = project(
            "a",
            TEXT,
            &[("speaker", 4, 13), ("claim", 17, 28), ("entity", 17, 23)],
            &[("attributed_to", 2, 1)],
        );
        let b = project(
            "b",
            TEXT,
            &[("speaker", 4, 8), ("claim", 17, 28), ("speaker", 17, 23)],
            &[("attributed_to", 2, 1)],
        );
        let r = agreement(&[&a, &b]);
        let p = r.corpus.pair(0, 1).expect("pair");
        assert_eq!(
            p.exact.overall.counts,
            MatchCounts {
                reference: 3,
                other: 3,
                matched_reference: 1,
                matched_other: 1
            }
        );
        assert_eq!(
            p.overlap.label("speaker").map(|s| s.counts),
            Some(MatchCounts {
                reference: 1,
                other: 2,
                matched_reference: 1,
                matched_other: 1
            })
        );
        assert_eq!(
            p.overlap.label("speaker").and_then(|s| s.f1),
            Some(2.0 * 0.5 / 1.5)
        );
        assert_eq!(p.exact.label("entity").and_then(|s| s.f1), Some(0.0));
        assert_eq!(
            p.relations.overall.f1,
            Some(0.0),
            "the speaker endpoint differs"
        );
        assert_eq!(p.relations.label("about").and_then(|s| s.f1), None);
        assert_eq!(r.documents.len(), 1);
        assert_eq!(r.corpus.tokens, 6);
    }

    #[test]
    fn relations_match_by_endpoints_not_ids() {
        let a = project(
            "a",
            TEXT,
            &[("speaker", 4, 13), ("claim", 17, 28)],
            &[("attributed_to", 2, 1)],
        );
        let b = project(
            "b",
            TEXT,
            &[("claim", 17, 28), ("speaker", 4, 13)],
            &[("attributed_to", 1, 2)],
        );
        let r = agreement(&[&a, &b]);
        assert_eq!(r.corpus.pairs[0].relations.overall.f1, Some(1.0));
        assert_eq!(r.corpus.pairs[0].cohen_kappa.overall, Some(1.0));
        assert_eq!(r.corpus.krippendorff_alpha.overall, Some(1.0));
    }

    #[test]
    fn names_are_unique_and_comma_free() {
        let p = |a: &str| Project::new("p", a);
        let (a, b, c, d) = (p("ali, mona"), p(""), p("ali  mona"), p("x"));
        assert_eq!(
            annotator_names(&[&a, &b, &c, &d]),
            ["ali  mona", "annotator 2", "ali  mona (3)", "x"]
        );
    }

    #[test]
    fn partial_documents_are_listed_and_corpus_pools_counts() {
        let a = project("a", TEXT, &[("speaker", 4, 13)], &[]);
        let mut b = project("b", TEXT, &[("speaker", 4, 13)], &[]);
        b.documents
            .push(Document::new("extra", "Extra", "", "نص آخر").into());
        let r = agreement(&[&a, &b]);
        assert_eq!(r.only_in_some.len(), 1);
        assert_eq!(r.only_in_some[0].ids, [None, Some("extra".to_owned())]);
        assert_eq!(r.only_in_some[0].title, "Extra");
    }
}
