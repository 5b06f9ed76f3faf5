//! CoNLL with IOB2 tags: one `TOKEN TAG` line per token, a blank line after each sentence,
//! `-DOCSTART- O` and a blank line before each document.
//!
//! Tokens and sentences are those of [`crate::model::tokens`] (UAX #29 words, punctuation on
//! its own, Arabic words whole; sentences end after `. ! ? ؟ …` and at line breaks). A token
//! belongs to a span when they overlap. One tag per token means overlapping spans cannot all be
//! kept: the [`Overlap`] policy chooses, and every span it drops is counted in the
//! [`ConllReport`]. A span that crosses a sentence end is written as one entity per sentence
//! (counted as split). White space inside a token (a combining mark after a space forms one
//! segment with it) is removed, so each line has exactly two columns.

use std::collections::BTreeMap;
use std::io::Write;

use super::error::ExportError;
use super::{Overlap, Progress, check_name};
use crate::model::tokens::{self, Token};
use crate::model::{Document, Project, Schema, Span};

/// What the CoNLL export left out or changed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ConllReport {
    /// Spans written.
    pub written: usize,
    /// Spans dropped by the overlap policy (or covering no token), by label.
    pub dropped: BTreeMap<String, usize>,
    /// Spans written as more than one entity because they cross a sentence end.
    pub split: usize,
}

impl ConllReport {
    /// Total number of dropped spans.
    pub fn dropped_total(&self) -> usize {
        self.dropped.values().sum()
    }
}

/// The order in which spans claim tokens under `policy`: earlier wins.
fn priority(
    policy: Overlap,
    schema: &Schema,
    spans: &[(usize, std::ops::Range<usize>)],
    doc: &Document,
) -> Vec<usize> {
    let rank = |label: &str| {
        schema
            .span_labels
            .iter()
            .position(|l| l.name == label)
            .unwrap_or(usize::MAX)
    };
    let mut order: Vec<usize> = (0..spans.len()).collect();
    let len = |i: usize| spans[i].1.len();
    let start = |i: usize| spans[i].1.start;
    match policy {
        Overlap::Outer => order.sort_by_key(|&i| (std::cmp::Reverse(len(i)), start(i), i)),
        Overlap::Inner => order.sort_by_key(|&i| (len(i), start(i), i)),
        Overlap::LabelPriority => order.sort_by_key(|&i| {
            (
                rank(&doc.spans[spans[i].0].label),
                std::cmp::Reverse(len(i)),
                start(i),
                i,
            )
        }),
    }
    order
}

/// For each token, the index (into `doc.spans`) of the span that tags it.
fn assign(
    doc: &Document,
    toks: &[Token],
    policy: Overlap,
    schema: &Schema,
    report: &mut ConllReport,
) -> Vec<Option<usize>> {
    let mut owner: Vec<Option<usize>> = vec![None; toks.len()];
    let mut ranges = Vec::with_capacity(doc.spans.len());
    for (i, s) in doc.spans.iter().enumerate() {
        let r = tokens::tokens_of(toks, s.start..s.end);
        if r.is_empty() {
            *report.dropped.entry(s.label.clone()).or_default() += 1;
        } else {
            ranges.push((i, r));
        }
    }
    for k in priority(policy, schema, &ranges, doc) {
        let (i, r) = &ranges[k];
        if owner[r.clone()].iter().any(Option::is_some) {
            *report
                .dropped
                .entry(doc.spans[*i].label.clone())
                .or_default() += 1;
            continue;
        }
        owner[r.clone()].fill(Some(*i));
        report.written += 1;
    }
    owner
}

/// The token's text without white space.
fn token_text(doc: &Document, t: Token) -> Result<String, ExportError> {
    let text = doc
        .slice(t.start, t.end)
        .ok_or_else(|| ExportError::BadRange {
            document: doc.id.clone(),
            span: 0,
            start: t.start,
            end: t.end,
        })?;
    Ok(text.chars().filter(|c| !c.is_whitespace()).collect())
}

fn write_document(
    doc: &Document,
    schema: &Schema,
    policy: Overlap,
    out: &mut impl Write,
    report: &mut ConllReport,
) -> Result<(), ExportError> {
    let sentences = tokens::sentences(doc.text());
    let toks: Vec<Token> = sentences.iter().flatten().copied().collect();
    let owner = assign(doc, &toks, policy, schema, report);
    for s in owner.iter().flatten() {
        check_name("CoNLL", "label", &doc.spans[*s].label)?;
    }
    out.write_all(b"-DOCSTART- O\n\n")?;
    let mut k = 0;
    let mut split = std::collections::HashSet::new();
    for sentence in &sentences {
        for (j, t) in sentence.iter().enumerate() {
            let tag = tag(&doc.spans, &owner, k, j == 0, &mut split);
            writeln!(out, "{} {tag}", token_text(doc, *t)?)?;
            k += 1;
        }
        out.write_all(b"\n")?;
    }
    report.split += split.len();
    Ok(())
}

/// The IOB2 tag of token `k`; a span continuing at a sentence start is recorded in `split`.
fn tag(
    spans: &[Span],
    owner: &[Option<usize>],
    k: usize,
    sentence_start: bool,
    split: &mut std::collections::HashSet<usize>,
) -> String {
    let Some(s) = owner[k] else {
        return "O".to_owned();
    };
    let continues = k > 0 && owner[k - 1] == Some(s);
    if continues && sentence_start {
        split.insert(s);
    }
    let prefix = if continues && !sentence_start {
        "I"
    } else {
        "B"
    };
    format!("{prefix}-{}", spans[s].label)
}

/// Writes `project` as CoNLL (IOB2) under the overlap `policy`, calling `progress(done,
/// total)` after each document; returns what was dropped or split.
pub fn write(
    project: &Project,
    mut out: impl Write,
    policy: Overlap,
    progress: Progress<'_>,
) -> Result<ConllReport, ExportError> {
    let mut report = ConllReport::default();
    let total = project.documents.len();
    for (i, doc) in project.documents.iter().enumerate() {
        write_document(doc, &project.schema, policy, &mut out, &mut report)?;
        progress(i + 1, total);
    }
    out.flush()?;
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn conll(text: &str, spans: &[(&str, usize, usize)], policy: Overlap) -> (String, ConllReport) {
        let mut p = Project::new("p", "");
        let mut d = Document::new("d", "", "", text);
        for (i, (label, a, b)) in spans.iter().enumerate() {
            d.spans.extend(d.make_span(i as u64 + 1, label, *a, *b, ""));
        }
        p.documents.push(d.into());
        let mut out = Vec::new();
        let report = write(&p, &mut out, policy, &mut |_, _| {}).expect("write");
        (String::from_utf8(out).expect("utf-8"), report)
    }

    #[test]
    fn tags_are_iob2_and_sentences_are_separated() {
        let (out, report) = conll("قال مصدر أمني. نعم", &[("speaker", 4, 13)], Overlap::Outer);
        assert_eq!(
            out,
            "-DOCSTART- O\n\nقال O\nمصدر B-speaker\nأمني I-speaker\n. O\n\nنعم O\n\n"
        );
        assert_eq!(
            report,
            ConllReport {
                written: 1,
                ..ConllReport::default()
            }
        );
    }

    #[test]
    fn overlap_policies_choose_and_count() {
        let spans = [("claim", 0, 13), ("speaker", 4, 8), ("entity", 9, 13)];
        let text = "قال مصدر أمني";
        let (out, r) = conll(text, &spans, Overlap::Outer);
        assert!(
            out.contains("قال B-claim\nمصدر I-claim\nأمني I-claim"),
            "{out}"
        );
        assert_eq!(r.dropped_total(), 2);
        let (out, r) = conll(text, &spans, Overlap::Inner);
        assert!(
            out.contains("قال O\nمصدر B-speaker\nأمني B-entity"),
            "{out}"
        );
        assert_eq!(r.dropped, [("claim".to_owned(), 1)].into());
        let (out, r) = conll(text, &spans, Overlap::LabelPriority);
        assert!(
            out.contains("قال O\nمصدر B-speaker\nأمني B-entity"),
            "speaker comes before claim in the schema: {out}"
        );
        assert_eq!(r.dropped, [("claim".to_owned(), 1)].into());
        let (out, _) = conll(
            text,
            &[("entity", 4, 13), ("speaker", 9, 13)],
            Overlap::LabelPriority,
        );
        assert!(out.contains("مصدر O\nأمني B-speaker"), "{out}");
    }

    #[test]
    fn spans_crossing_a_line_break_restart_with_b_and_are_counted() {
        let (out, r) = conll("أ ب\r\nج د", &[("claim", 2, 7)], Overlap::Outer);
        assert_eq!(out, "-DOCSTART- O\n\nأ O\nب B-claim\n\nج B-claim\nد O\n\n");
        assert_eq!(r.split, 1);
    }

    #[test]
    fn whitespace_inside_a_token_is_removed() {
        let (out, _) = conll("a \u{301}b", &[], Overlap::Outer);
        for line in out.lines().filter(|l| !l.is_empty()) {
            assert_eq!(line.split(' ').count(), 2, "{line:?}");
        }
    }
}
