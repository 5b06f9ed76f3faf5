//! CoNLL with IOB2 tags: one `TOKEN TAG` line per token, a blank line after each sentence,
//! `-DOCSTART- O` and a blank line before each document.
//!
//! Tokens are the words of [`super::align`] (the shared tokeniser's, cut at every span
//! boundary, white space left out), in its sentences; they are the tokens of the Hugging Face
//! export, one for one. One tag per token means overlapping spans cannot all be kept: the
//! [`Overlap`] policy chooses ([`super::tags`]), and every span it drops is counted in the
//! [`TagReport`]. A span that crosses a sentence end is written as one entity per sentence
//! (counted as split).

use std::io::Write;

use super::align::{Alignment, align};
use super::error::ExportError;
use super::tags::{Tag, TagReport, tag};
use super::{Overlap, Progress, check_name};
use crate::model::{Document, Project};

/// The text of word `w` of `al` (aligned on `doc`).
pub(crate) fn word_text<'d>(doc: &'d Document, al: &Alignment, w: usize) -> &'d str {
    al.tokens[al.words[w]].text(doc.text())
}

fn write_document(
    doc: &Document,
    project: &Project,
    policy: Overlap,
    out: &mut impl Write,
    report: &mut TagReport,
) -> Result<(), ExportError> {
    for s in &doc.spans {
        super::check_range(doc, s)?;
    }
    let al = align(doc);
    let tagging = tag(doc, &al, policy, &project.schema);
    for (s, kept) in doc.spans.iter().zip(&tagging.kept) {
        if *kept {
            check_name("CoNLL", "label", &s.label)?;
        }
    }
    out.write_all(b"-DOCSTART- O\n\n")?;
    for sentence in &al.sentences {
        for w in sentence.clone() {
            let text = word_text(doc, &al, w);
            match tagging.tags[w] {
                Tag::O => writeln!(out, "{text} O")?,
                Tag::B(s) => writeln!(out, "{text} B-{}", doc.spans[s].label)?,
                Tag::I(s) => writeln!(out, "{text} I-{}", doc.spans[s].label)?,
            }
        }
        out.write_all(b"\n")?;
    }
    report.add(&tagging.report);
    Ok(())
}

/// Writes `project` as CoNLL (IOB2) under the overlap `policy`, calling `progress(done,
/// total)` after each document; returns what was dropped or split.
pub fn write(
    project: &Project,
    mut out: impl Write,
    policy: Overlap,
    progress: Progress<'_>,
) -> Result<TagReport, ExportError> {
    let mut report = TagReport::default();
    let total = project.documents.len();
    for (i, doc) in project.documents.iter().enumerate() {
        write_document(doc, project, policy, &mut out, &mut report)?;
        progress(i + 1, total);
    }
    out.flush()?;
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn conll(text: &str, spans: &[(&str, usize, usize)], policy: Overlap) -> (String, TagReport) {
        let mut p = Project::new("p", "");
        let mut d = Document::new("d", "", "", text);
        for (i, (label, a, b)) in spans.iter().enumerate() {
            d.spans.extend(d.make_span(i as u64 + 1, label, *a, *b, ""));
        }
        d.normalize_order();
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
            TagReport {
                written: 1,
                ..TagReport::default()
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
    fn no_token_holds_white_space_and_spans_cut_words() {
        let (out, _) = conll("a \u{301}b", &[], Overlap::Outer);
        assert_eq!(out, "-DOCSTART- O\n\na O\n\u{301} O\nb O\n\n");
        let (out, _) = conll(
            "لـ\"سكاي\" وقال",
            &[("entity", 3, 7), ("claim", 10, 13)],
            Overlap::Outer,
        );
        assert_eq!(
            out,
            "-DOCSTART- O\n\nلـ O\n\" O\nسكاي B-entity\n\" O\nو O\nقال B-claim\n\n"
        );
    }
}
