//! Annotation changes in words: what `qalam diff A.ron B.ron` prints, one line per change, and
//! the stable one-line-per-annotation rendering that git's `textconv` diffs
//! (`qalam diff --textconv FILE`).
//!
//! Documents are matched by id, falling back to the hash of their text (as the merge does);
//! spans and relations by id. A span is named by its label and range, as a reader knows it:
//! `doc d1: ~ speaker 6..17 → 6..20 "مصادر أمنية في"`.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

use super::merge::pair_documents;
use super::{one_line, quoted};
use crate::model::{Document, Project, Relation, Schema, Span};

/// Characters of a span's text shown in a line.
const QUOTE_CHARS: usize = 60;

/// `speaker 6..17`.
fn at(s: &Span) -> String {
    format!("{} {}..{}", one_line(&s.label, 30), s.start, s.end)
}

/// `speaker 6..17 "مصادر أمنية"`.
fn span_words(s: &Span) -> String {
    format!("{} {}", at(s), quoted(&s.text, QUOTE_CHARS))
}

/// The extras of a span: ` quote=indirect note "…" annotator "ali" origin "…"`.
fn extras(s: &Span) -> String {
    let mut out = String::new();
    for (n, v) in &s.attributes {
        let _ = write!(out, " {}={}", one_line(n, 30), one_line(v, 30));
    }
    if let Some(n) = &s.note {
        let _ = write!(out, " note {}", quoted(n, QUOTE_CHARS));
    }
    if !s.annotator.is_empty() {
        let _ = write!(out, " annotator {}", quoted(&s.annotator, 30));
    }
    if let Some(o) = &s.origin {
        let _ = write!(out, " origin {}", quoted(o, 30));
    }
    out
}

/// A relation's endpoints as labels and ranges (or span ids where a span is missing).
fn relation_words(r: &Relation, d: &Document) -> String {
    let end = |id| d.span(id).map_or_else(|| format!("span {id}"), at);
    format!("{} {} → {}", one_line(&r.kind, 30), end(r.from), end(r.to))
}

/// `"x"` or `none`.
fn optional(v: Option<&String>) -> String {
    v.map_or_else(|| "none".to_owned(), |s| quoted(s, QUOTE_CHARS))
}

/// The schema as lines, one per label, relation type and attribute.
fn schema_lines(s: &Schema) -> Vec<String> {
    let mut out = Vec::new();
    for l in &s.span_labels {
        out.push(format!(
            "label {} {} key {} {}",
            quoted(&l.name, 30),
            one_line(&l.color, 10),
            quoted(&l.key, 5),
            quoted(&l.description, QUOTE_CHARS)
        ));
    }
    for r in &s.relation_types {
        out.push(format!(
            "relation type {} {} → {} key {} {}",
            quoted(&r.name, 30),
            one_line(&r.from.join(","), 60),
            one_line(&r.to.join(","), 60),
            quoted(&r.key, 5),
            quoted(&r.description, QUOTE_CHARS)
        ));
    }
    for a in &s.attributes {
        out.push(format!(
            "attribute {}.{}: {}",
            one_line(&a.label, 30),
            one_line(&a.name, 30),
            one_line(&a.values.join(", "), 120)
        ));
    }
    out
}

/// `doc ID "title" status in_progress, 2345 characters, sha256 19e18760a7c7`, and with
/// `counts` the number of spans and relations.
fn document_line(d: &Document, counts: bool) -> String {
    let counts = if counts {
        format!(", {} spans, {} relations", d.spans.len(), d.relations.len())
    } else {
        String::new()
    };
    format!(
        "doc {} {} status {}, {} characters{counts}, sha256 {}",
        one_line(&d.id, 80),
        quoted(&d.title, 40),
        status_name(d),
        d.len_chars(),
        d.sha256.chars().take(12).collect::<String>()
    )
}

fn status_name(d: &Document) -> &'static str {
    match d.status {
        crate::model::DocStatus::Todo => "todo",
        crate::model::DocStatus::InProgress => "in_progress",
        crate::model::DocStatus::Done => "done",
    }
}

/// The project as `git diff` should see it: a header, the schema, then per document a line and
/// one line per span (file order) and relation, each naming its document. Deterministic, and a
/// change to one annotation changes one line.
pub fn render_textconv(p: &Project) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "project {}", quoted(&p.name, 80));
    let _ = writeln!(out, "annotator {}", quoted(&p.annotator, 80));
    if let Some(a) = &p.assigned_from {
        let _ = writeln!(out, "assigned from {}", quoted(a, 200));
    }
    for l in schema_lines(&p.schema) {
        let _ = writeln!(out, "schema {l}");
    }
    for d in &p.documents {
        // No counts here: adding a span would change this line too.
        let _ = writeln!(out, "{}", document_line(d, false));
        let id = one_line(&d.id, 80);
        let mut spans: Vec<&Span> = d.spans.iter().collect();
        spans.sort_by_key(|s| (s.start, s.end, s.id));
        for s in spans {
            let _ = writeln!(
                out,
                "doc {id}: {}{} [span {}]",
                span_words(s),
                extras(s),
                s.id
            );
        }
        let mut relations: Vec<&Relation> = d.relations.iter().collect();
        relations.sort_by_key(|r| r.id);
        for r in relations {
            let _ = writeln!(
                out,
                "doc {id}: relation {} [relation {}]",
                relation_words(r, d),
                r.id
            );
        }
    }
    out
}

/// The changes from `old` to `new`, one line each, in document order.
pub fn diff_projects(old: &Project, new: &Project) -> Vec<String> {
    let mut out = Vec::new();
    let show = |s: &str| quoted(s, 80);
    if old.name != new.name {
        out.push(format!("name {} → {}", show(&old.name), show(&new.name)));
    }
    if old.annotator != new.annotator {
        out.push(format!(
            "annotator {} → {}",
            show(&old.annotator),
            show(&new.annotator)
        ));
    }
    if old.assigned_from != new.assigned_from {
        out.push(format!(
            "assigned from {} → {}",
            optional(old.assigned_from.as_ref()),
            optional(new.assigned_from.as_ref())
        ));
    }
    let (before, after) = (schema_lines(&old.schema), schema_lines(&new.schema));
    let before_set: BTreeSet<&String> = before.iter().collect();
    let after_set: BTreeSet<&String> = after.iter().collect();
    for l in before.iter().filter(|l| !after_set.contains(l)) {
        out.push(format!("schema: - {l}"));
    }
    for l in after.iter().filter(|l| !before_set.contains(l)) {
        out.push(format!("schema: + {l}"));
    }
    let olds: Vec<&Document> = old.documents.iter().map(|d| &**d).collect();
    let news: Vec<&Document> = new.documents.iter().map(|d| &**d).collect();
    let pairs = pair_documents(&olds, &news);
    let mut paired = vec![false; news.len()];
    for (i, j) in pairs.iter().enumerate() {
        match j {
            Some(j) => {
                paired[*j] = true;
                diff_document(olds[i], news[*j], &mut out);
            }
            None => out.push(format!("- {}", document_line(olds[i], true))),
        }
    }
    for (j, d) in news.iter().enumerate() {
        if !paired[j] {
            out.push(format!("+ {}", document_line(d, true)));
        }
    }
    out
}

/// The changes to one document; lines start `doc ID: ` (the new id).
fn diff_document(a: &Document, b: &Document, out: &mut Vec<String>) {
    let prefix = format!("doc {}:", one_line(&b.id, 80));
    let mut line = |s: String| out.push(format!("{prefix} {s}"));
    if a.id != b.id {
        line(format!("id {} → {}", quoted(&a.id, 80), quoted(&b.id, 80)));
    }
    if a.title != b.title {
        line(format!(
            "title {} → {}",
            quoted(&a.title, 60),
            quoted(&b.title, 60)
        ));
    }
    if a.source != b.source {
        line(format!(
            "source {} → {}",
            quoted(&a.source, 80),
            quoted(&b.source, 80)
        ));
    }
    if a.text() != b.text() {
        line(format!(
            "text changed ({} → {} characters)",
            a.len_chars(),
            b.len_chars()
        ));
    }
    if a.status != b.status {
        line(format!("status {} → {}", status_name(a), status_name(b)));
    }
    let olds: BTreeMap<u64, &Span> = a.spans.iter().rev().map(|s| (s.id, s)).collect();
    let news: BTreeMap<u64, &Span> = b.spans.iter().rev().map(|s| (s.id, s)).collect();
    // In the new file's order, then what was removed in the old file's order.
    let mut order: Vec<&Span> = b.spans.iter().collect();
    order.sort_by_key(|s| (s.start, s.end, s.id));
    for s in order {
        match olds.get(&s.id) {
            None => line(format!("+ {}{}", span_words(s), extras(s))),
            Some(o) if *o != s => {
                for change in span_changes(o, s) {
                    line(change);
                }
            }
            Some(_) => {}
        }
    }
    let mut gone: Vec<&Span> = a
        .spans
        .iter()
        .filter(|s| !news.contains_key(&s.id))
        .collect();
    gone.sort_by_key(|s| (s.start, s.end, s.id));
    for s in gone {
        line(format!("- {}{}", span_words(s), extras(s)));
    }
    let old_rel: BTreeMap<u64, &Relation> = a.relations.iter().map(|r| (r.id, r)).collect();
    let new_rel: BTreeMap<u64, &Relation> = b.relations.iter().map(|r| (r.id, r)).collect();
    let ids: BTreeSet<u64> = old_rel.keys().chain(new_rel.keys()).copied().collect();
    for id in ids {
        match (old_rel.get(&id), new_rel.get(&id)) {
            (Some(x), None) => line(format!("- relation {}", relation_words(x, a))),
            (None, Some(y)) => line(format!("+ relation {}", relation_words(y, b))),
            // Compared by what it links, not by how the ends are shown: moving a span is not
            // a change of its relations.
            (Some(x), Some(y)) if x != y => line(format!(
                "~ relation {} ⇒ {}",
                relation_words(x, a),
                relation_words(y, b)
            )),
            (Some(_), Some(_)) => {}
            (None, None) => {}
        }
    }
}

/// The changes to one span, named by its old label and range.
fn span_changes(a: &Span, b: &Span) -> Vec<String> {
    let mut out = Vec::new();
    let name = at(a);
    let moved = (a.start, a.end) != (b.start, b.end);
    if a.label != b.label || moved {
        let to = match (a.label != b.label, moved) {
            (true, true) => span_words(b),
            (true, false) => one_line(&b.label, 30),
            _ => format!("{}..{} {}", b.start, b.end, quoted(&b.text, QUOTE_CHARS)),
        };
        out.push(format!("~ {name} → {to}"));
    } else if a.text != b.text {
        out.push(format!(
            "~ {name}: text {} → {}",
            quoted(&a.text, QUOTE_CHARS),
            quoted(&b.text, QUOTE_CHARS)
        ));
    }
    if a.note != b.note {
        out.push(format!(
            "~ {name}: note {} → {}",
            optional(a.note.as_ref()),
            optional(b.note.as_ref())
        ));
    }
    let names: BTreeSet<&String> = a.attributes.keys().chain(b.attributes.keys()).collect();
    for n in names {
        let (x, y) = (a.attributes.get(n), b.attributes.get(n));
        if x != y {
            let v = |v: Option<&String>| v.map_or_else(|| "none".to_owned(), |s| one_line(s, 30));
            out.push(format!("~ {name}: {} {} → {}", one_line(n, 30), v(x), v(y)));
        }
    }
    if a.annotator != b.annotator {
        out.push(format!(
            "~ {name}: annotator {} → {}",
            quoted(&a.annotator, 30),
            quoted(&b.annotator, 30)
        ));
    }
    if a.origin != b.origin {
        out.push(format!(
            "~ {name}: origin {} → {}",
            optional(a.origin.as_ref()),
            optional(b.origin.as_ref())
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::DocStatus;

    fn project() -> Project {
        let mut p = Project::new("p", "ali");
        let mut d = Document::new("d1", "t", "", "أفادت مصادر أمنية في بغداد");
        d.spans.extend(d.make_span(1, "speaker", 6, 17, ""));
        d.spans.extend(d.make_span(2, "entity", 21, 26, ""));
        p.documents.push(d.into());
        p
    }

    #[test]
    fn changes_are_told_in_words() {
        let a = project();
        let mut b = a.clone();
        let d = b.doc_mut(0).expect("doc");
        d.status = DocStatus::Done;
        d.spans[0].end = 20;
        d.spans[0].text = "مصادر أمنية في".into();
        d.spans[1].note = Some("العاصمة".into());
        d.spans[1]
            .attributes
            .insert("kind".into(), "location".into());
        let mut claim = d.make_span(3, "claim", 0, 5, "").expect("span");
        claim.attributes.insert("quote".into(), "direct".into());
        d.spans.push(claim);
        d.relations.push(Relation {
            id: 1,
            kind: "about".into(),
            from: 3,
            to: 2,
            annotator: String::new(),
        });
        let lines = diff_projects(&a, &b);
        assert_eq!(
            lines,
            [
                "doc d1: status todo → done",
                "doc d1: + claim 0..5 \"أفادت\" quote=direct",
                "doc d1: ~ speaker 6..17 → 6..20 \"مصادر أمنية في\"",
                "doc d1: ~ entity 21..26: note none → \"العاصمة\"",
                "doc d1: ~ entity 21..26: kind none → location",
                "doc d1: + relation about claim 0..5 → entity 21..26",
            ]
        );
        let back = diff_projects(&b, &a);
        assert!(back.contains(&"doc d1: - claim 0..5 \"أفادت\" quote=direct".to_owned()));
        assert!(back.contains(&"doc d1: - relation about claim 0..5 → entity 21..26".to_owned()));
        assert!(diff_projects(&a, &a).is_empty());
    }

    #[test]
    fn documents_added_and_removed() {
        let a = project();
        let mut b = Project::new("p", "ali");
        b.documents.push(Document::new("d2", "", "", "نص").into());
        let lines = diff_projects(&a, &b);
        assert_eq!(lines.len(), 2);
        assert!(lines[0].starts_with("- doc d1 \"t\" status todo, 26 characters, 2 spans"));
        assert!(lines[1].starts_with("+ doc d2"));
    }

    #[test]
    fn the_textconv_rendering_has_one_line_per_annotation() {
        let p = project();
        let text = render_textconv(&p);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "project \"p\"");
        assert!(lines.contains(&"doc d1: speaker 6..17 \"مصادر أمنية\" [span 1]"));
        assert!(lines.contains(&"doc d1: entity 21..26 \"بغداد\" [span 2]"));
        let schema = lines.iter().filter(|l| l.starts_with("schema ")).count();
        assert_eq!(schema, 3 + 2 + 2);
        assert_eq!(render_textconv(&p), text, "deterministic");
    }
}
