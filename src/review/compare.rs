//! How each annotator's span compares with the other annotators' spans on the same text:
//! the colours of the comparison view.

use std::collections::HashSet;

use crate::model::{Document, Span, SpanId};

/// How one annotator's span stands against the others'.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SpanAgreement {
    /// Every other annotator has the same range with the same label.
    Agreed,
    /// Another annotator has the same range with another label.
    OtherLabel,
    /// Another annotator has an overlapping span with other boundaries.
    Boundaries,
    /// No other annotator has anything here (or only some have the same span).
    MissingElsewhere,
}

impl SpanAgreement {
    /// A short description for legends and tooltips.
    pub fn describe(self) -> &'static str {
        match self {
            SpanAgreement::Agreed => "same span and label",
            SpanAgreement::OtherLabel => "same span, other label",
            SpanAgreement::Boundaries => "overlapping, other boundaries",
            SpanAgreement::MissingElsewhere => "missing in another file",
        }
    }
}

/// Spans of one document sorted by start, with the longest length, for overlap look-ups.
struct Index<'d> {
    spans: &'d [Span],
    longest: usize,
    exact: HashSet<(usize, usize, &'d str)>,
}

impl<'d> Index<'d> {
    fn new(doc: &'d Document) -> Self {
        let longest = doc.spans.iter().map(|s| s.end - s.start).max().unwrap_or(0);
        let exact = doc
            .spans
            .iter()
            .map(|s| (s.start, s.end, s.label.as_str()))
            .collect();
        Index {
            spans: &doc.spans,
            longest,
            exact,
        }
    }

    /// Spans overlapping `start..end` (the model keeps spans sorted by start).
    fn overlapping(&self, start: usize, end: usize) -> impl Iterator<Item = &'d Span> + '_ {
        let from = self
            .spans
            .partition_point(|s| s.start + self.longest <= start);
        let to = self.spans.partition_point(|s| s.start < end);
        self.spans[from..to.max(from)]
            .iter()
            .filter(move |s| s.end > start)
    }
}

/// For each annotator's document (`None` where an annotator lacks it), each span's id and
/// how it compares with the other annotators' spans.
pub fn classify(docs: &[Option<&Document>]) -> Vec<Vec<(SpanId, SpanAgreement)>> {
    let indexes: Vec<Option<Index<'_>>> = docs.iter().map(|d| d.map(Index::new)).collect();
    docs.iter()
        .enumerate()
        .map(|(k, doc)| {
            let Some(doc) = doc else { return Vec::new() };
            let others: Vec<&Index<'_>> = indexes
                .iter()
                .enumerate()
                .filter(|(j, _)| *j != k)
                .filter_map(|(_, i)| i.as_ref())
                .collect();
            doc.spans
                .iter()
                .map(|s| (s.id, classify_one(s, &others)))
                .collect()
        })
        .collect()
}

fn classify_one(s: &Span, others: &[&Index<'_>]) -> SpanAgreement {
    let key = (s.start, s.end, s.label.as_str());
    if !others.is_empty() && others.iter().all(|o| o.exact.contains(&key)) {
        return SpanAgreement::Agreed;
    }
    let mut boundaries = false;
    for o in others {
        for t in o.overlapping(s.start, s.end) {
            if t.start == s.start && t.end == s.end && t.label != s.label {
                return SpanAgreement::OtherLabel;
            }
            boundaries |= t.start != s.start || t.end != s.end;
        }
    }
    if boundaries {
        SpanAgreement::Boundaries
    } else {
        SpanAgreement::MissingElsewhere
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(spans: &[(u64, &str, usize, usize)]) -> Document {
        let mut d = Document::new("d", "", "", "قال مصدر أمني إن الحملة بدأت في بغداد اليوم");
        for (id, label, a, b) in spans {
            let s = d.make_span(*id, label, *a, *b, "").expect("span");
            d.spans.push(s);
        }
        d.normalize_order();
        d
    }

    #[test]
    fn four_kinds_of_comparison() {
        let a = doc(&[
            (1, "speaker", 4, 13),
            (2, "claim", 17, 28),
            (3, "entity", 32, 37),
            (4, "entity", 38, 43),
        ]);
        let b = doc(&[
            (1, "speaker", 4, 13),
            (2, "claim", 17, 23),
            (3, "speaker", 32, 37),
        ]);
        let c = classify(&[Some(&a), Some(&b)]);
        let kinds: Vec<SpanAgreement> = c[0].iter().map(|x| x.1).collect();
        use SpanAgreement::*;
        assert_eq!(kinds, [Agreed, Boundaries, OtherLabel, MissingElsewhere]);
        let kinds_b: Vec<SpanAgreement> = c[1].iter().map(|x| x.1).collect();
        assert_eq!(kinds_b, [Agreed, Boundaries, OtherLabel]);
    }

    #[test]
    fn with_three_annotators_agreement_needs_everyone_and_absent_documents_are_skipped() {
        let a = doc(&[(1, "speaker", 4, 13)]);
        let b = doc(&[(1, "speaker", 4, 13)]);
        let c = doc(&[]);
        let r = classify(&[Some(&a), Some(&b), Some(&c)]);
        assert_eq!(r[0][0].1, SpanAgreement::MissingElsewhere);
        let r = classify(&[Some(&a), None, Some(&b)]);
        assert_eq!(r[0][0].1, SpanAgreement::Agreed);
        assert!(r[1].is_empty());
    }
}
