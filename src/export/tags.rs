//! One tag per word: the [`Overlap`] policy picks which of overlapping spans gets the words,
//! and IOB2 tags follow, sentence by sentence. Shared by CoNLL, Hugging Face and the `ents`
//! of JSON Lines (spaCy's `doc.ents`), so all three keep the same spans.

use std::collections::{BTreeMap, HashSet};

use super::Overlap;
use super::align::Alignment;
use crate::model::{Document, Schema};

/// What a tagged export left out or changed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TagReport {
    /// Spans written.
    pub written: usize,
    /// Spans dropped by the overlap policy (or covering white space only), by label.
    pub dropped: BTreeMap<String, usize>,
    /// Spans written as more than one entity because they cross a sentence end.
    pub split: usize,
}

impl TagReport {
    /// Total number of dropped spans.
    pub fn dropped_total(&self) -> usize {
        self.dropped.values().sum()
    }

    /// Adds the counts of `other`.
    pub fn add(&mut self, other: &TagReport) {
        self.written += other.written;
        self.split += other.split;
        for (l, n) in &other.dropped {
            *self.dropped.entry(l.clone()).or_default() += n;
        }
    }
}

/// The IOB2 tag of one word: outside, or the beginning / inside of span `doc.spans[i]`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tag {
    /// No span.
    O,
    /// First word of the span (or of its part in this sentence).
    B(usize),
    /// A following word of the span.
    I(usize),
}

/// The spans kept by the policy and the tag of every word of one document.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Tagging {
    /// For each span of the document: whether the policy kept it.
    pub kept: Vec<bool>,
    /// One tag per word ([`Alignment::words`]).
    pub tags: Vec<Tag>,
    /// Counts for the loss report.
    pub report: TagReport,
}

/// The order in which spans claim words under `policy`: earlier wins.
fn priority(
    policy: Overlap,
    schema: &Schema,
    doc: &Document,
    ranges: &[(usize, std::ops::Range<usize>)],
) -> Vec<usize> {
    let rank = |label: &str| {
        schema
            .span_labels
            .iter()
            .position(|l| l.name == label)
            .unwrap_or(usize::MAX)
    };
    let mut order: Vec<usize> = (0..ranges.len()).collect();
    let len = |k: usize| ranges[k].1.len();
    let start = |k: usize| ranges[k].1.start;
    match policy {
        Overlap::Outer => order.sort_by_key(|&k| (std::cmp::Reverse(len(k)), start(k), k)),
        Overlap::Inner => order.sort_by_key(|&k| (len(k), start(k), k)),
        Overlap::LabelPriority => order.sort_by_key(|&k| {
            (
                rank(&doc.spans[ranges[k].0].label),
                std::cmp::Reverse(len(k)),
                start(k),
                k,
            )
        }),
    }
    order
}

/// Tags the words of `doc` (aligned as `al`) under `policy`.
pub fn tag(doc: &Document, al: &Alignment, policy: Overlap, schema: &Schema) -> Tagging {
    let mut report = TagReport::default();
    let mut kept = vec![false; doc.spans.len()];
    let mut owner: Vec<Option<usize>> = vec![None; al.words.len()];
    let mut ranges = Vec::with_capacity(doc.spans.len());
    for (i, s) in doc.spans.iter().enumerate() {
        let words = al.span_words(i);
        if words.is_empty() {
            *report.dropped.entry(s.label.clone()).or_default() += 1;
        } else {
            ranges.push((i, words));
        }
    }
    for k in priority(policy, schema, doc, &ranges) {
        let (i, r) = &ranges[k];
        if owner[r.clone()].iter().any(Option::is_some) {
            *report
                .dropped
                .entry(doc.spans[*i].label.clone())
                .or_default() += 1;
            continue;
        }
        owner[r.clone()].fill(Some(*i));
        kept[*i] = true;
        report.written += 1;
    }
    let mut tags = vec![Tag::O; al.words.len()];
    let mut split = HashSet::new();
    for sentence in &al.sentences {
        for w in sentence.clone() {
            let Some(s) = owner[w] else { continue };
            let continues = w > sentence.start && owner[w - 1] == Some(s);
            if w == sentence.start && w > 0 && owner[w - 1] == Some(s) {
                split.insert(s);
            }
            tags[w] = if continues { Tag::I(s) } else { Tag::B(s) };
        }
    }
    report.split = split.len();
    Tagging { kept, tags, report }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::align::align;

    fn tagging(text: &str, spans: &[(&str, usize, usize)], policy: Overlap) -> Tagging {
        let mut d = Document::new("d", "", "", text);
        for (i, (label, a, b)) in spans.iter().enumerate() {
            d.spans.extend(d.make_span(i as u64 + 1, label, *a, *b, ""));
        }
        d.normalize_order();
        tag(&d, &align(&d), policy, &Schema::default())
    }

    #[test]
    fn policies_choose_and_count() {
        // Sorted: claim 0..13 (index 0), speaker 4..8 (1), entity 9..13 (2).
        let spans = [("claim", 0, 13), ("speaker", 4, 8), ("entity", 9, 13)];
        let text = "قال مصدر أمني";
        let t = tagging(text, &spans, Overlap::Outer);
        assert_eq!(t.tags, [Tag::B(0), Tag::I(0), Tag::I(0)]);
        assert_eq!(t.kept, [true, false, false]);
        assert_eq!(t.report.dropped_total(), 2);
        let t = tagging(text, &spans, Overlap::Inner);
        assert_eq!(t.tags, [Tag::O, Tag::B(1), Tag::B(2)]);
        let t = tagging(text, &spans, Overlap::LabelPriority);
        assert_eq!(t.tags, [Tag::O, Tag::B(1), Tag::B(2)]);
        assert_eq!(t.report.dropped, [("claim".to_owned(), 1)].into());
    }

    #[test]
    fn a_span_over_a_sentence_end_restarts_with_b_and_is_counted() {
        let t = tagging("أ ب\r\nج د", &[("claim", 2, 7)], Overlap::Outer);
        assert_eq!(t.tags, [Tag::O, Tag::B(0), Tag::B(0), Tag::O]);
        assert_eq!(t.report.split, 1);
    }

    #[test]
    fn a_span_inside_a_word_gets_its_own_word() {
        let t = tagging("وقال مصدر", &[("speaker", 1, 4)], Overlap::Outer);
        assert_eq!(t.tags, [Tag::O, Tag::B(0), Tag::O]);
    }
}
