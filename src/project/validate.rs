//! Checks of a whole project against its schema and texts, with fixes for what can be fixed.
//!
//! [`validate`] never stops at the first problem and never panics on bad input: it reports
//! every problem it finds, each naming its document and item. A span whose quoted text no
//! longer sits at its offsets, but does occur in the text, is *re-anchored*: the closest
//! occurrence (by distance in code points from the old start) is proposed as a [`Fix`], and
//! [`apply_fixes`] applies it.

use std::collections::hash_map::Entry;
use std::collections::{HashMap, HashSet};
use std::fmt;

use crate::model::{
    AttributeDef, Document, Project, RelationType, Schema, Span, SpanId, text_sha256,
};

/// How bad a problem is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Severity {
    /// The project can be opened; the problem should be looked at (and often has a fix).
    Warning,
    /// The project is inconsistent; it is not opened until this is repaired.
    Error,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Warning => "warning",
            Severity::Error => "error",
        })
    }
}

/// A mechanical repair for a problem, applied by [`apply_fixes`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Fix {
    /// Move span `span` of document number `doc` from `old_start..old_end` to `start..end`,
    /// where its quote was found. The old range tells spans apart that wrongly share an id.
    Reanchor {
        /// Index of the document in the project.
        doc: usize,
        /// The span's id.
        span: SpanId,
        /// Current start, in code points.
        old_start: usize,
        /// Current end, in code points.
        old_end: usize,
        /// New start, in code points.
        start: usize,
        /// New end (exclusive), in code points.
        end: usize,
    },
    /// Record the hash of the current text of document number `doc`.
    RefreshHash {
        /// Index of the document in the project.
        doc: usize,
    },
}

/// One finding of [`validate`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// Error or warning.
    pub severity: Severity,
    /// Id of the document concerned, if any.
    pub document: Option<String>,
    /// The item concerned within the document, such as `span 12` or `relation 3`.
    pub item: Option<String>,
    /// What is wrong, in one line.
    pub message: String,
    /// A mechanical repair, when one is known.
    pub fix: Option<Fix>,
}

impl fmt::Display for Problem {
    /// One line: `document X: span 12: error: message`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(d) = &self.document {
            write!(f, "document {}: ", shown(d))?;
        }
        if let Some(item) = &self.item {
            write!(f, "{item}: ")?;
        }
        write!(f, "{}: {}", self.severity, self.message)
    }
}

/// Whether any of `problems` is an error.
pub fn has_errors(problems: &[Problem]) -> bool {
    problems.iter().any(|p| p.severity == Severity::Error)
}

/// The schema, indexed by name for constant-time lookups per span and relation.
struct SchemaIndex<'s> {
    labels: HashSet<&'s str>,
    relation_types: HashMap<&'s str, &'s RelationType>,
    attributes: HashMap<(&'s str, &'s str), &'s AttributeDef>,
}

impl<'s> SchemaIndex<'s> {
    fn new(schema: &'s Schema) -> Self {
        SchemaIndex {
            labels: schema.span_labels.iter().map(|l| l.name.as_str()).collect(),
            relation_types: schema
                .relation_types
                .iter()
                .rev()
                .map(|r| (r.name.as_str(), r))
                .collect(),
            attributes: schema
                .attributes
                .iter()
                .rev()
                .map(|a| ((a.label.as_str(), a.name.as_str()), a))
                .collect(),
        }
    }
}

/// Where problems of one document are collected.
struct Report<'a> {
    doc_id: &'a str,
    problems: &'a mut Vec<Problem>,
}

impl Report<'_> {
    fn push(
        &mut self,
        severity: Severity,
        item: Option<String>,
        message: String,
        fix: Option<Fix>,
    ) {
        self.problems.push(Problem {
            severity,
            document: Some(self.doc_id.to_owned()),
            item,
            message,
            fix,
        });
    }

    fn span_error(&mut self, id: SpanId, message: String) {
        self.push(Severity::Error, Some(format!("span {id}")), message, None);
    }

    fn relation_error(&mut self, id: u64, message: String) {
        self.push(
            Severity::Error,
            Some(format!("relation {id}")),
            message,
            None,
        );
    }
}

/// Checks the whole project; returns every problem found: the schema's guideline examples
/// whose mark does not lie inside their text (warnings), then the documents' problems in
/// document order.
pub fn validate(project: &Project) -> Vec<Problem> {
    let mut problems = example_marks(&project.schema);
    problems.extend(validate_documents(project));
    problems
}

/// Warnings for guideline examples whose mark is empty or outside their text.
fn example_marks(schema: &Schema) -> Vec<Problem> {
    use crate::model::Guidelines;
    let items = schema
        .span_labels
        .iter()
        .map(|l| (format!("label {}", quoted(&l.name)), l as &dyn Guidelines))
        .chain(schema.relation_types.iter().map(|r| {
            (
                format!("relation type {}", quoted(&r.name)),
                r as &dyn Guidelines,
            )
        }))
        .chain(schema.attributes.iter().map(|a| {
            (
                format!("attribute {}.{}", shown(&a.label), shown(&a.name)),
                a as &dyn Guidelines,
            )
        }));
    let mut problems = Vec::new();
    for (item, g) in items {
        for (i, e) in g.examples().iter().enumerate() {
            if let Some(message) = e.mark_problem() {
                problems.push(Problem {
                    severity: Severity::Warning,
                    document: None,
                    item: Some(format!("schema: {item}: example {}", i + 1)),
                    message,
                    fix: None,
                });
            }
        }
    }
    problems
}

/// The documents' problems, in document order.
fn validate_documents(project: &Project) -> Vec<Problem> {
    let schema = SchemaIndex::new(&project.schema);
    let mut doc_ids = HashSet::with_capacity(project.documents.len());
    let repeated: Vec<bool> = project
        .documents
        .iter()
        .map(|d| !doc_ids.insert(d.id.as_str()))
        .collect();
    let check = |first: usize, docs: &[std::sync::Arc<Document>]| {
        let mut problems = Vec::new();
        for (k, doc) in docs.iter().enumerate() {
            let i = first + k;
            if repeated[i] {
                problems.push(Problem {
                    severity: Severity::Error,
                    document: Some(doc.id.clone()),
                    item: None,
                    message: format!(
                        "document id {} is used by more than one document",
                        quoted(&doc.id)
                    ),
                    fix: None,
                });
            }
            let mut report = Report {
                doc_id: &doc.id,
                problems: &mut problems,
            };
            check_document(&schema, i, doc, &mut report);
        }
        problems
    };
    // A corpus is checked on every core (hashing and quoting thousands of texts); the problems
    // come out in document order all the same.
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(8);
    if threads < 2 || project.documents.len() < 256 {
        return check(0, &project.documents);
    }
    let per = project.documents.len().div_ceil(threads);
    std::thread::scope(|s| {
        let handles: Vec<_> = project
            .documents
            .chunks(per)
            .enumerate()
            .map(|(c, chunk)| s.spawn(move || check(c * per, chunk)))
            .collect();
        let mut problems = Vec::new();
        for h in handles {
            match h.join() {
                Ok(p) => problems.extend(p),
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
        problems
    })
}

fn check_document(
    schema: &SchemaIndex<'_>,
    doc_index: usize,
    doc: &Document,
    report: &mut Report<'_>,
) {
    if !doc.hash_matches() {
        report.push(
            Severity::Warning,
            None,
            "the text does not match its recorded SHA-256 (edited outside Qalam?); span offsets may be off".to_owned(),
            Some(Fix::RefreshHash { doc: doc_index }),
        );
    }
    let mut by_id: HashMap<SpanId, &Span> = HashMap::with_capacity(doc.spans.len());
    let mut ranges: HashMap<(&str, usize, usize), SpanId> = HashMap::with_capacity(doc.spans.len());
    for span in &doc.spans {
        match by_id.entry(span.id) {
            Entry::Occupied(_) => {
                report.span_error(
                    span.id,
                    format!("span id {} is used by more than one span", span.id),
                );
            }
            Entry::Vacant(slot) => {
                slot.insert(span);
            }
        }
        check_span(schema, doc_index, doc, span, report);
        if let Some(other) = ranges.insert((span.label.as_str(), span.start, span.end), span.id) {
            report.span_error(
                span.id,
                format!(
                    "same label {} and range {}..{} as span {other}",
                    quoted(&span.label),
                    span.start,
                    span.end
                ),
            );
        }
    }
    let mut relation_ids = HashSet::with_capacity(doc.relations.len());
    for r in &doc.relations {
        if !relation_ids.insert(r.id) {
            report.relation_error(
                r.id,
                format!("relation id {} is used by more than one relation", r.id),
            );
        }
        check_relation(schema, &by_id, r, report);
    }
    check_suggestions(schema, doc, &by_id, report);
}

/// Pending suggestions and rejections: ids apart from the spans', labels, attributes and links
/// from the schema, ranges in the text. A quote that no longer matches its text is only a
/// warning: suggestions are disposable (`qalam suggest --write` makes new ones).
fn check_suggestions(
    schema: &SchemaIndex<'_>,
    doc: &Document,
    spans: &HashMap<SpanId, &Span>,
    report: &mut Report<'_>,
) {
    if doc.suggestions.is_empty() && doc.rejected.is_empty() {
        return;
    }
    let mut labels: HashMap<SpanId, &str> = HashMap::with_capacity(doc.suggestions.len());
    let item = |id: SpanId| Some(format!("suggestion {id}"));
    for s in &doc.suggestions {
        if spans.contains_key(&s.id) || labels.insert(s.id, s.label.as_str()).is_some() {
            let message = format!(
                "suggestion id {} is already used by a span or suggestion",
                s.id
            );
            report.push(Severity::Error, item(s.id), message, None);
        }
        if !schema.labels.contains(s.label.as_str()) {
            let message = format!("label {} is not in the schema", quoted(&s.label));
            report.push(Severity::Error, item(s.id), message, None);
        }
        for (name, value) in &s.attributes {
            let def = schema.attributes.get(&(s.label.as_str(), name.as_str()));
            if !def.is_some_and(|d| d.values.contains(value)) {
                let message = format!("attribute {}={} is not allowed", shown(name), quoted(value));
                report.push(Severity::Error, item(s.id), message, None);
            }
        }
        if s.score > 100 {
            let message = format!("score {} is over 100", s.score);
            report.push(Severity::Error, item(s.id), message, None);
        }
        check_pending_range(doc, s.start, s.end, &s.text, item(s.id), report);
    }
    for s in &doc.suggestions {
        for link in &s.links {
            let target = spans
                .get(&link.to)
                .map(|t| t.label.as_str())
                .or_else(|| labels.get(&link.to).copied());
            let message = match (schema.relation_types.get(link.kind.as_str()), target) {
                (None, _) => format!("link type {} is not in the schema", quoted(&link.kind)),
                (_, None) => format!("link target {} is neither a span nor a suggestion", link.to),
                (Some(kind), Some(to)) if !kind.allows(&s.label, to) => format!(
                    "a {} link cannot go from a {} to a {} ({})",
                    quoted(&link.kind),
                    quoted(&s.label),
                    quoted(to),
                    link.to
                ),
                _ => continue,
            };
            report.push(Severity::Error, item(s.id), message, None);
        }
        if let Some(same) = s.same_as
            && !spans.contains_key(&same)
            && !labels.contains_key(&same)
        {
            let message = format!("same_as {same} is neither a span nor a suggestion");
            report.push(Severity::Error, item(s.id), message, None);
        }
    }
    for (k, r) in doc.rejected.iter().enumerate() {
        let item = Some(format!("rejection {}", k + 1));
        if !schema.labels.contains(r.label.as_str()) {
            let message = format!("label {} is not in the schema", quoted(&r.label));
            report.push(Severity::Error, item.clone(), message, None);
        }
        check_pending_range(doc, r.start, r.end, &r.text, item, report);
    }
}

/// A suggestion's or rejection's range: an error when it is empty or outside the text, a
/// warning when its quote is no longer the text there.
fn check_pending_range(
    doc: &Document,
    start: usize,
    end: usize,
    text: &str,
    item: Option<String>,
    report: &mut Report<'_>,
) {
    let (severity, message) = match doc.slice(start, end) {
        _ if start >= end => {
            let what = if start == end { "empty" } else { "reversed" };
            (Severity::Error, format!("range {start}..{end} is {what}"))
        }
        None => (
            Severity::Error,
            format!(
                "range {start}..{end} is outside the text ({} characters)",
                doc.len_chars()
            ),
        ),
        Some(at) if at != text => (
            Severity::Warning,
            format!(
                "quoted text {} is not the text at {start}..{end} (stale; `qalam suggest --write` recomputes suggestions)",
                quoted(text)
            ),
        ),
        Some(_) => return,
    };
    report.push(severity, item, message, None);
}

fn check_span(
    schema: &SchemaIndex<'_>,
    doc_index: usize,
    doc: &Document,
    span: &Span,
    report: &mut Report<'_>,
) {
    let known_label = schema.labels.contains(span.label.as_str());
    if !known_label {
        report.span_error(
            span.id,
            format!("label {} is not in the schema", quoted(&span.label)),
        );
    }
    check_range_and_quote(doc_index, doc, span, report);
    if known_label {
        check_attributes(schema, span, report);
    }
}

fn check_attributes(schema: &SchemaIndex<'_>, span: &Span, report: &mut Report<'_>) {
    for (name, value) in &span.attributes {
        match schema.attributes.get(&(span.label.as_str(), name.as_str())) {
            None => report.span_error(
                span.id,
                format!(
                    "attribute {} is not defined for {} spans",
                    quoted(name),
                    quoted(&span.label)
                ),
            ),
            Some(def) if !def.values.contains(value) => report.span_error(
                span.id,
                format!(
                    "attribute {}={} is not allowed (allowed: {})",
                    shown(name),
                    quoted(value),
                    shown(&def.values.join(", "))
                ),
            ),
            Some(_) => {}
        }
    }
}

/// Checks the offsets and the quote; proposes a re-anchor when the quote is elsewhere.
fn check_range_and_quote(doc_index: usize, doc: &Document, span: &Span, report: &mut Report<'_>) {
    let (start, end) = (span.start, span.end);
    if start >= end {
        let what = if start == end { "empty" } else { "reversed" };
        report.span_error(span.id, format!("range {start}..{end} is {what}"));
        return;
    }
    let at_offsets = doc.slice(start, end);
    if at_offsets == Some(span.text.as_str()) {
        return;
    }
    let len = doc.len_chars();
    let wrong = match at_offsets {
        None => format!("range {start}..{end} is outside the text ({len} characters)"),
        Some(_) => format!(
            "quoted text {} is not the text at {start}..{end}",
            quoted(&span.text)
        ),
    };
    match find_nearest(doc, &span.text, start) {
        Some(new_start) => {
            let new_end = new_start + span.text.chars().count();
            report.push(
                Severity::Warning,
                Some(format!("span {}", span.id)),
                format!("{wrong}; it was found at {new_start}..{new_end}"),
                Some(Fix::Reanchor {
                    doc: doc_index,
                    span: span.id,
                    old_start: start,
                    old_end: end,
                    start: new_start,
                    end: new_end,
                }),
            );
        }
        None if span.text.is_empty() => {
            report.span_error(span.id, format!("{wrong}, and the span has no quoted text"))
        }
        None => report.span_error(
            span.id,
            format!("{wrong}, and it occurs nowhere in the document"),
        ),
    }
}

/// `s` for a one-line message: control characters escaped, cut after 30 characters.
fn shown(s: &str) -> String {
    const MAX: usize = 30;
    let mut out = String::with_capacity(s.len().min(4 * MAX));
    for (i, c) in s.chars().enumerate() {
        if i == MAX {
            out.push('…');
            break;
        }
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

/// [`shown`] in double quotes.
fn quoted(s: &str) -> String {
    format!("\"{}\"", shown(s))
}

/// Code points either side of the old start searched before the whole text. Any occurrence in
/// this window is closer than any occurrence outside it, so the window never changes the answer;
/// it only keeps the common case (text edited a little) from scanning a whole long document.
const SEARCH_WINDOW: usize = 4096;

/// Start (in code points) of the occurrence of `quote` closest to code point `old_start`.
fn find_nearest(doc: &Document, quote: &str, old_start: usize) -> Option<usize> {
    if quote.is_empty() {
        return None;
    }
    let text = doc.text();
    let index = doc.index();
    let len = index.len_chars();
    let quote_len = quote.chars().count();
    let lo = old_start.saturating_sub(SEARCH_WINDOW).min(len);
    let hi = old_start
        .saturating_add(SEARCH_WINDOW)
        .saturating_add(quote_len)
        .min(len);
    let window = index
        .byte_range(text, lo, hi)
        .and_then(|r| Some((r.start, text.get(r)?)));
    if let Some((base, hay)) = window
        && let Some(found) = nearest_in(doc, hay, base, quote, old_start)
    {
        return Some(found);
    }
    nearest_in(doc, text, 0, quote, old_start)
}

/// The occurrence of `quote` in `hay` (which starts at byte `base` of the text) closest to
/// `target`, counting overlapping occurrences; ties go to the earlier one.
fn nearest_in(doc: &Document, hay: &str, base: usize, quote: &str, target: usize) -> Option<usize> {
    let text = doc.text();
    let index = doc.index();
    let step = quote.chars().next().map_or(1, char::len_utf8);
    let mut best: Option<usize> = None;
    let mut from = 0;
    while let Some(found) = hay.get(from..).and_then(|h| h.find(quote)) {
        let byte = from + found;
        if let Some(c) = index.byte_to_char(text, base + byte) {
            if best.is_none_or(|b| c.abs_diff(target) < b.abs_diff(target)) {
                best = Some(c);
            }
            // Occurrences only get farther once past the target.
            if c >= target {
                break;
            }
        }
        from = byte + step;
    }
    best
}

fn check_relation(
    schema: &SchemaIndex<'_>,
    spans: &HashMap<SpanId, &Span>,
    r: &crate::model::Relation,
    report: &mut Report<'_>,
) {
    let kind = schema.relation_types.get(r.kind.as_str());
    if kind.is_none() {
        report.relation_error(
            r.id,
            format!("relation type {} is not in the schema", quoted(&r.kind)),
        );
    }
    let from = spans.get(&r.from);
    let to = spans.get(&r.to);
    if from.is_none() {
        report.relation_error(r.id, format!("source span {} does not exist", r.from));
    }
    if to.is_none() {
        report.relation_error(r.id, format!("target span {} does not exist", r.to));
    }
    if let (Some(kind), Some(from), Some(to)) = (kind, from, to)
        && !kind.allows(&from.label, &to.label)
    {
        report.relation_error(
            r.id,
            format!(
                "a {} relation cannot go from a {} span (span {}) to a {} span (span {})",
                quoted(&r.kind),
                quoted(&from.label),
                from.id,
                quoted(&to.label),
                to.id
            ),
        );
    }
}

/// Applies the fixes carried by `problems` and returns how many were applied. A fix that no
/// longer fits the project (span gone, quote not at the new offsets) is skipped.
pub fn apply_fixes(project: &mut Project, problems: &[Problem]) -> usize {
    let mut by_doc: HashMap<usize, Vec<&Fix>> = HashMap::new();
    for fix in problems.iter().filter_map(|p| p.fix.as_ref()) {
        let doc = match fix {
            Fix::Reanchor { doc, .. } | Fix::RefreshHash { doc } => *doc,
        };
        by_doc.entry(doc).or_default().push(fix);
    }
    let mut applied = 0;
    for (doc_index, fixes) in by_doc {
        if let Some(doc) = project.doc_mut(doc_index) {
            applied += apply_document_fixes(doc, &fixes);
        }
    }
    applied
}

fn apply_document_fixes(doc: &mut Document, fixes: &[&Fix]) -> usize {
    // Spans by (id, range), so that each fix moves the span it was made for.
    let mut position: HashMap<(SpanId, usize, usize), Vec<usize>> =
        HashMap::with_capacity(doc.spans.len());
    for (i, s) in doc.spans.iter().enumerate().rev() {
        position.entry((s.id, s.start, s.end)).or_default().push(i);
    }
    let mut applied = 0;
    for fix in fixes {
        match **fix {
            Fix::RefreshHash { .. } => {
                doc.sha256 = text_sha256(doc.text());
                applied += 1;
            }
            Fix::Reanchor {
                span,
                old_start,
                old_end,
                start,
                end,
                ..
            } => {
                let Some(candidates) = position.get_mut(&(span, old_start, old_end)) else {
                    continue;
                };
                let Some(at_new) = doc.slice(start, end) else {
                    continue;
                };
                // The span whose quote is at the new range; spans sharing id and range differ by quote.
                let Some(k) = candidates
                    .iter()
                    .rposition(|&i| doc.spans[i].text == at_new)
                else {
                    continue;
                };
                let i = candidates.remove(k);
                doc.spans[i].start = start;
                doc.spans[i].end = end;
                applied += 1;
            }
        }
    }
    doc.normalize_order();
    applied
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Relation;

    fn doc(text: &str) -> Document {
        Document::new("d", "", "", text)
    }

    #[test]
    fn a_corpus_checked_on_several_threads_reports_in_document_order() {
        let mut p = Project::new("t", "");
        for i in 0..600 {
            let mut d = Document::new(format!("d{i}"), "", "", "قال مصدر أمني");
            if i % 150 == 7 {
                d.sha256 = "0".repeat(64);
            }
            if i == 400 {
                d.id = "d3".into();
            }
            p.documents.push(d.into());
        }
        let found: Vec<String> = validate(&p)
            .into_iter()
            .filter_map(|x| x.document)
            .collect();
        assert_eq!(found, ["d7", "d157", "d307", "d3", "d457"]);
    }

    fn project_with(d: Document) -> Project {
        let mut p = Project::new("t", "");
        p.documents.push(d.into());
        p
    }

    #[test]
    fn nearest_occurrence_is_closest_to_the_old_start() {
        let d = doc("ab ab ab ab");
        assert_eq!(find_nearest(&d, "ab", 7), Some(6));
        assert_eq!(find_nearest(&d, "ab", 4), Some(3));
        assert_eq!(find_nearest(&d, "ab", 100), Some(9));
        assert_eq!(find_nearest(&d, "aaa", 0), None);
        assert_eq!(
            find_nearest(&doc("aaaa"), "aa", 2),
            Some(2),
            "overlapping occurrences count"
        );
        assert_eq!(find_nearest(&d, "", 0), None);
    }

    #[test]
    fn far_occurrence_is_found_outside_the_window() {
        let text = format!("{}قال{}", "x".repeat(SEARCH_WINDOW * 3), "ـ".repeat(10));
        assert_eq!(find_nearest(&doc(&text), "قال", 0), Some(SEARCH_WINDOW * 3));
    }

    #[test]
    fn shifted_span_is_reanchored_by_its_fix() {
        let mut d = doc("قال مصدر أمني إن الحملة بدأت");
        let mut s = d.make_span(1, "speaker", 4, 8, "").expect("span");
        s.start += 2;
        s.end += 2;
        d.spans.push(s);
        let mut p = project_with(d);
        let problems = validate(&p);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0].severity, Severity::Warning);
        assert_eq!(
            problems[0].fix,
            Some(Fix::Reanchor {
                doc: 0,
                span: 1,
                old_start: 6,
                old_end: 10,
                start: 4,
                end: 8
            })
        );
        assert_eq!(
            problems[0].to_string(),
            "document d: span 1: warning: quoted text \"مصدر\" is not the text at 6..10; it was found at 4..8"
        );
        assert_eq!(apply_fixes(&mut p, &problems), 1);
        assert!(validate(&p).is_empty());
    }

    #[test]
    fn example_marks_outside_their_text_are_reported() {
        let mut p = Project::new("n", "");
        assert!(validate(&p).is_empty());
        p.schema.span_labels[1].examples[1].mark = Some(crate::model::Mark { start: 2, end: 500 });
        p.schema.attributes[0].examples.push(crate::model::Example {
            text: "x".into(),
            mark: Some(crate::model::Mark { start: 1, end: 1 }),
        });
        let shown: Vec<String> = validate(&p).iter().map(ToString::to_string).collect();
        assert_eq!(shown.len(), 2, "{shown:#?}");
        assert!(
            shown[0].starts_with(
                "schema: label \"claim\": example 2: warning: mark 2..500 ends past the text"
            ),
            "{}",
            shown[0]
        );
        assert!(
            shown[1].starts_with(
                "schema: attribute claim.quote: example 1: warning: mark 1..1 is empty"
            ),
            "{}",
            shown[1]
        );
    }

    #[test]
    fn every_kind_of_error_is_reported() {
        let mut d = doc("abc def ghi");
        let mk = |id, label: &str, a, b| Span {
            id,
            label: label.to_owned(),
            start: a,
            end: b,
            text: "abc def ghi"
                .chars()
                .skip(a)
                .take(b.saturating_sub(a))
                .collect(),
            note: None,
            attributes: Default::default(),
            annotator: String::new(),
            origin: None,
        };
        d.spans.push(mk(1, "speaker", 0, 3));
        d.spans.push(mk(1, "claim", 4, 7));
        d.spans.push(mk(2, "nope", 4, 7));
        d.spans.push(mk(3, "speaker", 0, 3));
        d.spans.push(mk(4, "entity", 5, 5));
        let mut bad_attr = mk(5, "claim", 8, 11);
        bad_attr.attributes.insert("quote".into(), "loud".into());
        bad_attr.attributes.insert("colour".into(), "red".into());
        d.spans.push(bad_attr);
        let mut far = mk(6, "entity", 0, 3);
        far.end = 40;
        d.spans.push(far);
        let mut missing = mk(7, "entity", 0, 3);
        missing.text = "zzz".into();
        d.spans.push(missing);
        d.relations.push(Relation {
            id: 1,
            kind: "attributed_to".into(),
            from: 1,
            to: 3,
            annotator: String::new(),
        });
        d.relations.push(Relation {
            id: 1,
            kind: "hates".into(),
            from: 1,
            to: 99,
            annotator: String::new(),
        });
        d.relations.push(Relation {
            id: 2,
            kind: "about".into(),
            from: 98,
            to: 3,
            annotator: String::new(),
        });
        let mut p = project_with(d.clone());
        p.documents.push(d.into());
        p.doc_mut(1).expect("doc").sha256 = "0".repeat(64);
        let lines: Vec<String> = validate(&p).iter().map(ToString::to_string).collect();
        let expect = [
            "span 1: error: span id 1 is used by more than one span",
            "span 2: error: label \"nope\" is not in the schema",
            "span 3: error: same label \"speaker\" and range 0..3 as span 1",
            "span 4: error: range 5..5 is empty",
            "span 5: error: attribute \"colour\" is not defined for \"claim\" spans",
            "span 5: error: attribute quote=\"loud\" is not allowed (allowed: direct, indirect, mixed)",
            "span 6: warning: range 0..40 is outside the text (11 characters); it was found at 0..3",
            "span 7: error: quoted text \"zzz\" is not the text at 0..3, and it occurs nowhere in the document",
            "relation 1: error: a \"attributed_to\" relation cannot go from a \"speaker\" span (span 1) to a \"speaker\" span (span 3)",
            "relation 1: error: relation id 1 is used by more than one relation",
            "relation 1: error: relation type \"hates\" is not in the schema",
            "relation 1: error: target span 99 does not exist",
            "relation 2: error: source span 98 does not exist",
            "document d: error: document id \"d\" is used by more than one document",
            "document d: warning: the text does not match its recorded SHA-256",
        ];
        for e in expect {
            assert!(
                lines.iter().any(|l| l.contains(e)),
                "missing {e:?} in {lines:#?}"
            );
        }
        let in_first = lines
            .iter()
            .take_while(|l| !l.contains("more than one document"))
            .count();
        assert_eq!(
            in_first, 13,
            "nothing else reported for the first document: {lines:#?}"
        );
        assert!(has_errors(&validate(&p)));
        assert!(!has_errors(&validate(&Project::new("", ""))));
    }
}
