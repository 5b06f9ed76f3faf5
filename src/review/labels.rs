//! Token-level labels: the categories compared by κ and α, and the label each token gets.
//!
//! Tokens are those of [`crate::model::tokens::tokenize`], the tokenisation of the CoNLL
//! export. A token takes the label of the spans that overlap it; a token outside every span
//! is [`OUTSIDE`] (`"O"`). When spans of different labels overlap one token (a claim with an
//! entity inside it), the token takes the label of the **innermost** one: the shortest span
//! in code points; between spans of the same length, the label that comes first in the label
//! order of [`LabelSet`] (schema order).

use std::collections::HashMap;

use crate::model::tokens::{Token, tokens_of};
use crate::model::{Document, Project};

/// The label of tokens outside every span.
pub const OUTSIDE: &str = "O";

/// The categories of token-level agreement, in a fixed order: [`OUTSIDE`] first (index 0),
/// then the span labels of the first project's schema, the other projects' schema labels not
/// seen yet, and labels used by spans but in no schema, sorted by name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LabelSet {
    names: Vec<String>,
    index: HashMap<String, usize>,
}

impl LabelSet {
    /// The categories of `projects`, ordered as described on the type.
    pub fn from_projects(projects: &[&Project]) -> Self {
        let mut set = LabelSet {
            names: vec![OUTSIDE.to_owned()],
            index: HashMap::new(),
        };
        for p in projects {
            for l in &p.schema.span_labels {
                set.insert(&l.name);
            }
        }
        let mut unknown: Vec<&str> = projects
            .iter()
            .flat_map(|p| {
                p.documents
                    .iter()
                    .flat_map(|d| d.spans.iter().map(|s| s.label.as_str()))
            })
            .filter(|l| !set.index.contains_key(*l))
            .collect();
        unknown.sort_unstable();
        unknown.dedup();
        for l in unknown {
            set.insert(l);
        }
        set
    }

    fn insert(&mut self, name: &str) {
        if !self.index.contains_key(name) {
            self.index.insert(name.to_owned(), self.names.len());
            self.names.push(name.to_owned());
        }
    }

    /// The category of span label `name` (never 0, which is [`OUTSIDE`]).
    pub fn index(&self, name: &str) -> Option<usize> {
        self.index.get(name).copied()
    }

    /// All categories, [`OUTSIDE`] first.
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// The span labels: all categories but [`OUTSIDE`]; label `i` here is category `i + 1`.
    pub fn span_labels(&self) -> &[String] {
        &self.names[1..]
    }

    /// The number of categories, [`OUTSIDE`] included.
    pub fn len(&self) -> usize {
        self.names.len()
    }

    /// Whether there are no span labels (only [`OUTSIDE`]).
    pub fn is_empty(&self) -> bool {
        self.names.len() <= 1
    }
}

/// The category of each of `tokens` (the tokens of `doc`'s text) under `doc`'s spans, as
/// described in the [module documentation](self). Spans with an empty or reversed range
/// label nothing.
pub fn token_labels(doc: &Document, tokens: &[Token], labels: &LabelSet) -> Vec<usize> {
    // (span length, category) of the innermost span seen so far; (MAX, 0) is "outside".
    let mut best: Vec<(usize, usize)> = vec![(usize::MAX, 0); tokens.len()];
    for span in &doc.spans {
        let Some(category) = labels.index(&span.label) else {
            continue;
        };
        if span.start >= span.end {
            continue;
        }
        let rank = (span.end - span.start, category);
        for slot in &mut best[tokens_of(tokens, span.start..span.end)] {
            if rank < *slot {
                *slot = rank;
            }
        }
    }
    best.into_iter().map(|(_, c)| c).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::tokens::tokenize;

    #[test]
    fn categories_follow_schema_order_then_unknown_labels_by_name() {
        let mut p = Project::new("p", "a");
        let mut d = Document::new("d", "", "", "abc def");
        d.spans.extend(d.make_span(1, "zeta", 0, 3, ""));
        d.spans.extend(d.make_span(2, "alpha", 4, 7, ""));
        p.documents.push(d.into());
        let set = LabelSet::from_projects(&[&p, &p]);
        assert_eq!(
            set.names(),
            ["O", "speaker", "claim", "entity", "alpha", "zeta"]
        );
        assert_eq!(set.index("claim"), Some(2));
        assert_eq!(set.index("O"), None);
        assert_eq!(set.span_labels().len(), 5);
    }

    #[test]
    fn innermost_span_wins_and_ties_go_by_label_order() {
        let text = "قال مصدر أمني إن الحملة بدأت";
        let mut d = Document::new("d", "", "", text);
        d.spans.extend(d.make_span(1, "claim", 4, 28, ""));
        d.spans.extend(d.make_span(2, "entity", 9, 13, ""));
        d.spans.extend(d.make_span(3, "entity", 17, 23, ""));
        d.spans.extend(d.make_span(4, "speaker", 17, 23, ""));
        let set = LabelSet::from_projects(&[&Project::new("p", "")]);
        let labels = token_labels(&d, &tokenize(text), &set);
        // قال مصدر أمني إن الحملة بدأت
        assert_eq!(labels, [0, 2, 3, 2, 1, 2]);
    }
}
