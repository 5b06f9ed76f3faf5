//! The label confusion table: over the tokens of every document all files share, which label
//! one annotator used where another used which (`O` for no span), for every pair of files
//! and pooled over all pairs. `qalam agree --confusion` prints it; the review window draws
//! it as a heat map.

use std::fmt::Write;

use super::labels::{LabelSet, token_labels};
use super::matching::match_documents;
use crate::model::Project;
use crate::model::tokens::tokenize;

/// Token counts of one label against another.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfusionMatrix {
    /// `cells[a][b]`: tokens labelled `a` by the row annotator and `b` by the column one.
    pub cells: Vec<Vec<u64>>,
}

impl ConfusionMatrix {
    fn new(n: usize) -> Self {
        ConfusionMatrix {
            cells: vec![vec![0; n]; n],
        }
    }

    fn add(&mut self, other: &ConfusionMatrix) {
        for (row, o) in self.cells.iter_mut().zip(&other.cells) {
            for (x, y) in row.iter_mut().zip(o) {
                *x += y;
            }
        }
    }

    /// The largest count (for scaling colours).
    pub fn max(&self) -> u64 {
        self.cells.iter().flatten().copied().max().unwrap_or(0)
    }
}

/// The confusion of every pair of files, and of all pairs together.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfusionTable {
    /// The categories: `O`, then the span labels.
    pub labels: Vec<String>,
    /// The annotators' names, in file order.
    pub annotators: Vec<String>,
    /// Per pair `(a, b)` with `a < b`: rows are `a`'s labels, columns `b`'s.
    pub pairs: Vec<(usize, usize, ConfusionMatrix)>,
    /// Sum over all pairs (rows: the earlier file of each pair).
    pub pooled: ConfusionMatrix,
}

/// The confusion table of `projects` over the documents all of them have.
pub fn confusion(projects: &[&Project]) -> ConfusionTable {
    let labels = LabelSet::from_projects(projects);
    let n = labels.len();
    let mut pairs = Vec::new();
    for a in 0..projects.len() {
        for b in a + 1..projects.len() {
            pairs.push((a, b, ConfusionMatrix::new(n)));
        }
    }
    let matching = match_documents(projects);
    for m in &matching.complete {
        let docs: Vec<_> = m.documents.iter().flatten().copied().collect();
        let Some(first) = docs.first() else { continue };
        let tokens = tokenize(first.text());
        let per_file: Vec<Vec<usize>> = docs
            .iter()
            .map(|d| token_labels(d, &tokens, &labels))
            .collect();
        for (a, b, matrix) in &mut pairs {
            for (&x, &y) in per_file[*a].iter().zip(&per_file[*b]) {
                if x < n && y < n {
                    matrix.cells[x][y] += 1;
                }
            }
        }
    }
    let mut pooled = ConfusionMatrix::new(n);
    for (_, _, m) in &pairs {
        pooled.add(m);
    }
    ConfusionTable {
        labels: labels.names().to_vec(),
        annotators: super::agreement::annotator_names(projects),
        pairs,
        pooled,
    }
}

fn write_matrix(out: &mut String, labels: &[String], m: &ConfusionMatrix) {
    let width = labels
        .iter()
        .map(|l| l.chars().count())
        .chain(m.cells.iter().flatten().map(|c| c.to_string().len()))
        .max()
        .unwrap_or(1)
        .max(3);
    let pad = |s: &str| format!("{}{s}", " ".repeat(width.saturating_sub(s.chars().count())));
    let mut header = " ".repeat(width);
    for l in labels {
        header.push_str("  ");
        header.push_str(&pad(l));
    }
    let _ = writeln!(out, "{}", header.trim_end());
    for (l, row) in labels.iter().zip(&m.cells) {
        let mut line = pad(l);
        for c in row {
            line.push_str("  ");
            line.push_str(&pad(&c.to_string()));
        }
        let _ = writeln!(out, "{line}");
    }
}

/// The table as text: one matrix per pair of files (rows the first file's labels, columns
/// the second's), then, for three or more files, all pairs pooled.
pub fn render_confusion(table: &ConfusionTable) -> String {
    let mut out = String::new();
    let name = |i: usize| table.annotators.get(i).map_or("?", String::as_str);
    for (a, b, m) in &table.pairs {
        let _ = writeln!(
            out,
            "\nLabel confusion (tokens): rows {}, columns {}",
            name(*a),
            name(*b)
        );
        write_matrix(&mut out, &table.labels, m);
    }
    if table.pairs.len() > 1 {
        let _ = writeln!(
            out,
            "\nLabel confusion (tokens), all {} pairs pooled: rows the earlier file of each pair",
            table.pairs.len()
        );
        write_matrix(&mut out, &table.labels, &table.pooled);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Document;

    fn project(who: &str, spans: &[(&str, usize, usize)]) -> Project {
        let mut p = Project::new("p", who);
        let mut d = Document::new("d", "", "", "قال مصدر أمني إن الحملة بدأت");
        for (i, (label, a, b)) in spans.iter().enumerate() {
            let s = d.make_span(i as u64 + 1, label, *a, *b, who).expect("span");
            d.spans.push(s);
        }
        d.normalize_order();
        p.documents.push(d.into());
        p
    }

    #[test]
    fn counts_tokens_by_label_pair_and_pools_pairs() {
        let a = project("a", &[("speaker", 4, 13)]);
        let b = project("b", &[("entity", 4, 13)]);
        let c = project("c", &[("speaker", 4, 13)]);
        let t = confusion(&[&a, &b, &c]);
        let o = t.labels.iter().position(|l| l == "O").expect("O");
        let sp = t
            .labels
            .iter()
            .position(|l| l == "speaker")
            .expect("speaker");
        let en = t.labels.iter().position(|l| l == "entity").expect("entity");
        let ab = &t.pairs[0].2;
        assert_eq!(ab.cells[sp][en], 2, "two tokens: مصدر أمني");
        assert_eq!(ab.cells[o][o], 4);
        let ac = &t.pairs[1].2;
        assert_eq!(ac.cells[sp][sp], 2);
        assert_eq!(t.pooled.cells[sp][en] + t.pooled.cells[en][sp], 4);
        let text = render_confusion(&t);
        assert!(text.contains("all 3 pairs pooled"), "{text}");
    }
}
