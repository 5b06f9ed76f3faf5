//! How well the rules do against a gold project: the rules run on each gold text with its
//! spans removed, and their suggestions are matched one to one with the gold spans of the same
//! label, by exact boundaries and by overlap (at least half of the shorter span). A suggested
//! relation matches a gold one of its type when both its ends matched the gold relation's ends.

use std::collections::{BTreeSet, HashMap, HashSet};

use serde::Serialize;

use crate::model::{Document, Project, SpanId};

/// Counts and ratios of one label or relation type under one matching.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct Scores {
    /// Suggestions matched to a gold item.
    pub matched: usize,
    /// Suggestions made.
    pub suggested: usize,
    /// Gold items.
    pub gold: usize,
    /// matched / suggested (1 when nothing was suggested and nothing was there).
    pub precision: f64,
    /// matched / gold (1 when there was nothing to find).
    pub recall: f64,
    /// Harmonic mean of precision and recall.
    pub f1: f64,
}

impl Scores {
    fn new(matched: usize, suggested: usize, gold: usize) -> Self {
        let ratio = |a: usize, b: usize, empty: f64| {
            if b == 0 { empty } else { a as f64 / b as f64 }
        };
        let precision = ratio(matched, suggested, if gold == 0 { 1.0 } else { 0.0 });
        let recall = ratio(matched, gold, 1.0);
        let f1 = if precision + recall == 0.0 {
            0.0
        } else {
            2.0 * precision * recall / (precision + recall)
        };
        Scores {
            matched,
            suggested,
            gold,
            precision,
            recall,
            f1,
        }
    }
}

/// One line of the evaluation: a label or a relation type.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Row {
    /// The label or relation type.
    pub name: String,
    /// With exact boundaries.
    pub exact: Scores,
    /// With overlap of at least half the shorter span.
    pub overlap: Scores,
}

/// The whole evaluation.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Evaluation {
    /// Documents evaluated.
    pub documents: usize,
    /// Per span label, in schema order (then labels only the gold has).
    pub labels: Vec<Row>,
    /// Per relation type, in schema order.
    pub relations: Vec<Row>,
}

impl Evaluation {
    /// The row of label `name`.
    pub fn label(&self, name: &str) -> Option<&Row> {
        self.labels.iter().find(|r| r.name == name)
    }

    /// The row of relation type `name`.
    pub fn relation(&self, name: &str) -> Option<&Row> {
        self.relations.iter().find(|r| r.name == name)
    }
}

/// A span or suggestion reduced to what matching needs.
#[derive(Clone, Copy)]
struct Item {
    id: SpanId,
    start: usize,
    end: usize,
}

/// Matches `pred` to `gold` one to one: exact pairs, or pairs overlapping by at least half of
/// the shorter, the largest overlaps first. Returns predicted id → gold id.
fn match_items(pred: &[Item], gold: &[Item], exact: bool) -> HashMap<SpanId, SpanId> {
    let mut pairs = Vec::new();
    for p in pred {
        for g in gold {
            let overlap = p.end.min(g.end).saturating_sub(p.start.max(g.start));
            let shorter = (p.end - p.start).min(g.end - g.start);
            let ok = if exact {
                p.start == g.start && p.end == g.end
            } else {
                overlap > 0 && 2 * overlap >= shorter
            };
            if ok {
                pairs.push((overlap, p.id, g.id));
            }
        }
    }
    pairs.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
    let mut used_p = HashSet::new();
    let mut used_g = HashSet::new();
    let mut out = HashMap::new();
    for (_, p, g) in pairs {
        if used_p.contains(&p) || used_g.contains(&g) {
            continue;
        }
        used_p.insert(p);
        used_g.insert(g);
        out.insert(p, g);
    }
    out
}

/// Running counts: (matched, suggested, gold) for exact and overlap.
#[derive(Default, Clone, Copy)]
struct Tally {
    exact: (usize, usize, usize),
    overlap: (usize, usize, usize),
}

impl Tally {
    fn row(&self, name: &str) -> Row {
        let s = |t: (usize, usize, usize)| Scores::new(t.0, t.1, t.2);
        Row {
            name: name.to_owned(),
            exact: s(self.exact),
            overlap: s(self.overlap),
        }
    }
}

/// Evaluates the rules on every document of `gold`.
pub fn evaluate(gold: &Project) -> Evaluation {
    let mut labels: Vec<String> = gold
        .schema
        .span_labels
        .iter()
        .map(|l| l.name.clone())
        .collect();
    let extra: BTreeSet<&str> = gold
        .documents
        .iter()
        .flat_map(|d| d.spans.iter().map(|s| s.label.as_str()))
        .filter(|l| !labels.iter().any(|x| x == l))
        .collect();
    labels.extend(extra.into_iter().map(str::to_owned));
    let relation_types: Vec<String> = gold
        .schema
        .relation_types
        .iter()
        .map(|r| r.name.clone())
        .collect();
    let mut label_tally = vec![Tally::default(); labels.len()];
    let mut relation_tally = vec![Tally::default(); relation_types.len()];
    for doc in &gold.documents {
        let mut bare = Document::new(
            doc.id.clone(),
            doc.title.clone(),
            doc.source.clone(),
            doc.text(),
        );
        bare.status = doc.status;
        let suggested = super::suggest_document(&bare, &gold.schema);
        for exact in [true, false] {
            let mut mapping: HashMap<SpanId, SpanId> = HashMap::new();
            for (li, label) in labels.iter().enumerate() {
                let pred: Vec<Item> = suggested
                    .iter()
                    .filter(|s| &s.label == label)
                    .map(|s| Item {
                        id: s.id,
                        start: s.start,
                        end: s.end,
                    })
                    .collect();
                let gold_items: Vec<Item> = doc
                    .spans
                    .iter()
                    .filter(|s| &s.label == label && s.start < s.end)
                    .map(|s| Item {
                        id: s.id,
                        start: s.start,
                        end: s.end,
                    })
                    .collect();
                let m = match_items(&pred, &gold_items, exact);
                let t = if exact {
                    &mut label_tally[li].exact
                } else {
                    &mut label_tally[li].overlap
                };
                t.0 += m.len();
                t.1 += pred.len();
                t.2 += gold_items.len();
                mapping.extend(m);
            }
            for (ri, kind) in relation_types.iter().enumerate() {
                let mut gold_pairs: HashSet<(SpanId, SpanId)> = doc
                    .relations
                    .iter()
                    .filter(|r| &r.kind == kind)
                    .map(|r| (r.from, r.to))
                    .collect();
                let gold_count = gold_pairs.len();
                let mut pred_count = 0;
                let mut matched = 0;
                for s in &suggested {
                    for l in s.links.iter().filter(|l| &l.kind == kind) {
                        pred_count += 1;
                        let ends = mapping.get(&s.id).zip(mapping.get(&l.to));
                        if let Some((f, t)) = ends
                            && gold_pairs.remove(&(*f, *t))
                        {
                            matched += 1;
                        }
                    }
                }
                let t = if exact {
                    &mut relation_tally[ri].exact
                } else {
                    &mut relation_tally[ri].overlap
                };
                t.0 += matched;
                t.1 += pred_count;
                t.2 += gold_count;
            }
        }
    }
    Evaluation {
        documents: gold.documents.len(),
        labels: labels
            .iter()
            .zip(&label_tally)
            .map(|(l, t)| t.row(l))
            .collect(),
        relations: relation_types
            .iter()
            .zip(&relation_tally)
            .map(|(r, t)| t.row(r))
            .collect(),
    }
}

/// The evaluation as a table, one line per label and relation type.
pub fn render(ev: &Evaluation, file: &str) -> String {
    let mut out = format!(
        "{file}: {} {}; the rules on the texts without their spans\n",
        ev.documents,
        if ev.documents == 1 {
            "document"
        } else {
            "documents"
        }
    );
    out.push_str(
        "                      exact boundaries       overlap >= half the shorter\n\
         label            gold  sugg   P     R     F1      P     R     F1\n",
    );
    let line = |out: &mut String, r: &Row| {
        let e = &r.exact;
        let o = &r.overlap;
        out.push_str(&format!(
            "{:<15} {:>5} {:>5}  {:.2}  {:.2}  {:.2}    {:.2}  {:.2}  {:.2}\n",
            r.name, e.gold, e.suggested, e.precision, e.recall, e.f1, o.precision, o.recall, o.f1
        ));
    };
    for r in &ev.labels {
        line(&mut out, r);
    }
    out.push_str("relation\n");
    for r in &ev.relations {
        line(&mut out, r);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn items(xs: &[(u64, usize, usize)]) -> Vec<Item> {
        xs.iter()
            .map(|&(id, start, end)| Item { id, start, end })
            .collect()
    }

    #[test]
    fn matching_is_one_to_one_and_overlap_needs_half_the_shorter() {
        let gold = items(&[(1, 0, 10), (2, 20, 30)]);
        let pred = items(&[(7, 0, 10), (8, 0, 9), (9, 24, 40)]);
        let exact = match_items(&pred, &gold, true);
        assert_eq!(exact.len(), 1);
        assert_eq!(exact[&7], 1);
        let overlap = match_items(&pred, &gold, false);
        // 7 and 8 both fit gold 1; the larger overlap wins and 8 is left over.
        assert_eq!(overlap.get(&7), Some(&1));
        assert_eq!(overlap.get(&8), None);
        // 24..40 overlaps 20..30 by 6 of the shorter 10.
        assert_eq!(overlap.get(&9), Some(&2));
        let small = match_items(&items(&[(5, 26, 40)]), &gold, false);
        assert!(small.is_empty(), "4 of 10 is less than half");
    }

    #[test]
    fn scores_handle_empty_sides() {
        let s = Scores::new(3, 4, 6);
        assert!((s.precision - 0.75).abs() < 1e-9 && (s.recall - 0.5).abs() < 1e-9);
        assert!((s.f1 - 0.6).abs() < 1e-9);
        assert_eq!(Scores::new(0, 0, 0).f1, 1.0);
        assert_eq!(Scores::new(0, 0, 5).precision, 0.0);
        assert_eq!(Scores::new(0, 3, 0).recall, 1.0);
    }
}
