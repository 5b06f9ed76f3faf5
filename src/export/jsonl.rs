//! JSON Lines: one object per document, with its text, spans and relations.
//!
//! ```json
//! {"id":"d1","title":"…","source":"…","status":"done","text":"قال مصدر",
//!  "spans":[{"id":1,"start":4,"end":8,"label":"speaker","text":"مصدر","attributes":{},"note":null}],
//!  "relations":[{"id":1,"type":"attributed_to","from":2,"to":1}]}
//! ```
//!
//! Each document also carries its `tokens` ([`super::align`]: the shape spaCy and Prodigy use,
//! `{"text", "start", "end", "id", "ws"}`), in which every span boundary is a token boundary;
//! each span gains `token_start` / `token_end` (inclusive token indices), and `ents` lists the
//! non-overlapping spans the [`Overlap`] policy keeps (the CoNLL and Hugging Face choice),
//! trimmed to their word tokens, for spaCy's `doc.ents`. Reading ignores these derived fields.
//!
//! Offsets are code points, end-exclusive, so that Python's `text[start:end]` equals the span
//! text. U+0085, U+2028 and U+2029 are written as `\u` escapes, so that no line splitter
//! (Python's `str.splitlines` splits on them) cuts a document in two.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::align::{Alignment, align};
use super::assemble::{Parsed, RawDoc, RawRelation, RawSpan};
use super::error::{ExportError, LineProblem};
use super::tags::tag;
use super::{Overlap, Progress, span_text};
use crate::model::{DocStatus, Document, Project, Schema};

#[derive(Serialize)]
struct DocOut<'a> {
    id: &'a str,
    title: &'a str,
    source: &'a str,
    status: DocStatus,
    text: &'a str,
    tokens: Vec<TokenOut<'a>>,
    spans: Vec<SpanOut<'a>>,
    relations: Vec<RelationOut<'a>>,
    ents: Vec<EntOut<'a>>,
}

#[derive(Serialize)]
struct TokenOut<'a> {
    text: &'a str,
    start: usize,
    end: usize,
    id: usize,
    ws: bool,
}

#[derive(Serialize)]
struct EntOut<'a> {
    id: u64,
    label: &'a str,
    start: usize,
    end: usize,
    token_start: usize,
    token_end: usize,
}

#[derive(Serialize)]
struct SpanOut<'a> {
    id: u64,
    start: usize,
    end: usize,
    token_start: usize,
    token_end: usize,
    label: &'a str,
    text: &'a str,
    attributes: &'a BTreeMap<String, String>,
    note: Option<&'a str>,
    #[serde(skip_serializing_if = "str::is_empty")]
    annotator: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    origin: Option<&'a str>,
}

#[derive(Serialize)]
struct RelationOut<'a> {
    id: u64,
    #[serde(rename = "type")]
    kind: &'a str,
    from: u64,
    to: u64,
    #[serde(skip_serializing_if = "str::is_empty")]
    annotator: &'a str,
}

/// The tokens of `al` with their text.
fn tokens_out<'d>(doc: &'d Document, al: &Alignment) -> Vec<TokenOut<'d>> {
    al.tokens
        .iter()
        .enumerate()
        .map(|(id, t)| TokenOut {
            text: t.text(doc.text()),
            start: t.start,
            end: t.end,
            id,
            ws: t.ws,
        })
        .collect()
}

fn doc_out<'d>(
    doc: &'d Document,
    schema: &Schema,
    policy: Overlap,
) -> Result<DocOut<'d>, ExportError> {
    for s in &doc.spans {
        super::check_range(doc, s)?;
    }
    let al = align(doc);
    let spans = doc
        .spans
        .iter()
        .zip(&al.spans)
        .map(|(s, &(token_start, token_end))| {
            Ok(SpanOut {
                id: s.id,
                start: s.start,
                end: s.end,
                token_start,
                token_end,
                label: &s.label,
                text: span_text(doc, s)?,
                attributes: &s.attributes,
                note: s.note.as_deref(),
                annotator: &s.annotator,
                origin: s.origin.as_deref(),
            })
        })
        .collect::<Result<_, ExportError>>()?;
    let tagging = tag(doc, &al, policy, schema);
    let ents = doc
        .spans
        .iter()
        .enumerate()
        .filter(|(i, _)| tagging.kept[*i])
        .map(|(i, s)| {
            let words = al.span_words(i);
            let (first, last) = (al.words[words.start], al.words[words.end - 1]);
            EntOut {
                id: s.id,
                label: &s.label,
                start: al.tokens[first].start,
                end: al.tokens[last].end,
                token_start: first,
                token_end: last,
            }
        })
        .collect();
    let relations = doc
        .relations
        .iter()
        .map(|r| RelationOut {
            id: r.id,
            kind: &r.kind,
            from: r.from,
            to: r.to,
            annotator: &r.annotator,
        })
        .collect();
    Ok(DocOut {
        id: &doc.id,
        title: &doc.title,
        source: &doc.source,
        status: doc.status,
        text: doc.text(),
        tokens: tokens_out(doc, &al),
        spans,
        relations,
        ents,
    })
}

/// The JSON line of one document (without the line end), with `ents` chosen by `policy`.
pub fn document_line(
    doc: &Document,
    schema: &Schema,
    policy: Overlap,
) -> Result<String, ExportError> {
    let line =
        serde_json::to_string(&doc_out(doc, schema, policy)?).map_err(std::io::Error::from)?;
    if line.contains(['\u{85}', '\u{2028}', '\u{2029}']) {
        // These only occur inside JSON strings, where the escapes mean the same characters.
        return Ok(line
            .replace('\u{85}', "\\u0085")
            .replace('\u{2028}', "\\u2028")
            .replace('\u{2029}', "\\u2029"));
    }
    Ok(line)
}

/// Writes `project` as JSON Lines to `out` (`ents` chosen by `policy`), calling
/// `progress(done, total)` after each document.
pub fn write(
    project: &Project,
    out: impl Write,
    policy: Overlap,
    progress: Progress<'_>,
) -> Result<(), ExportError> {
    super::write_lines(project, out, progress, |doc| {
        document_line(doc, &project.schema, policy)
    })
}

#[derive(Deserialize)]
struct DocIn {
    #[serde(default)]
    id: Option<serde_json::Value>,
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    source: String,
    #[serde(default)]
    status: DocStatus,
    text: String,
    #[serde(default)]
    spans: Vec<SpanIn>,
    #[serde(default)]
    relations: Vec<RelationIn>,
}

#[derive(Deserialize)]
struct SpanIn {
    #[serde(default)]
    id: Option<u64>,
    start: usize,
    end: usize,
    label: String,
    #[serde(default)]
    text: Option<String>,
    #[serde(default)]
    attributes: BTreeMap<String, String>,
    #[serde(default)]
    note: Option<String>,
    #[serde(default)]
    annotator: String,
    #[serde(default)]
    origin: Option<String>,
}

#[derive(Deserialize)]
struct RelationIn {
    #[serde(default)]
    id: Option<u64>,
    #[serde(rename = "type")]
    kind: String,
    from: u64,
    to: u64,
    #[serde(default)]
    annotator: String,
}

/// A document id from a JSON value: a string as is, a number in decimal; else `fallback`.
pub(crate) fn id_of(
    value: Option<&serde_json::Value>,
    fallback: impl FnOnce() -> String,
) -> String {
    match value {
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(serde_json::Value::Number(n)) => n.to_string(),
        _ => fallback(),
    }
}

/// Ids for items that have none: one past the largest given, in order.
pub(crate) fn fill_ids(
    ids: impl Iterator<Item = Option<u64>> + Clone,
) -> impl Iterator<Item = u64> {
    let mut next = ids.clone().flatten().max().map_or(1, |m| m + 1);
    ids.map(move |id| {
        id.unwrap_or_else(|| {
            next += 1;
            next - 1
        })
    })
}

fn raw_doc(d: DocIn, path: &Path, line: usize) -> RawDoc {
    let span_ids: Vec<u64> = fill_ids(d.spans.iter().map(|s| s.id)).collect();
    let spans = d
        .spans
        .into_iter()
        .zip(span_ids)
        .map(|(s, id)| RawSpan {
            id,
            label: s.label,
            start: s.start,
            end: s.end,
            text: s.text,
            note: s.note.map(|n| (n, line)),
            attributes: s
                .attributes
                .into_iter()
                .map(|(k, v)| (k, v, line))
                .collect(),
            annotator: s.annotator,
            origin: s.origin,
            line,
        })
        .collect();
    let rel_ids: Vec<u64> = fill_ids(d.relations.iter().map(|r| r.id)).collect();
    let relations = d
        .relations
        .into_iter()
        .zip(rel_ids)
        .map(|(r, id)| RawRelation {
            id,
            kind: r.kind,
            from: r.from,
            to: r.to,
            annotator: r.annotator,
            line,
        })
        .collect();
    RawDoc {
        path: path.to_owned(),
        line,
        id: id_of(d.id.as_ref(), || format!("doc-{line}")),
        title: d.title,
        source: d.source,
        status: d.status,
        text: d.text,
        spans,
        relations,
    }
}

/// Reads the JSON Lines `text` of file `path` into `parsed`: one document per non-blank line;
/// a line that is not such an object is a problem naming the line.
pub fn parse(text: &str, path: &Path, parsed: &mut Parsed, progress: Progress<'_>) {
    let total = text.lines().count();
    for (i, line) in text.lines().enumerate() {
        let number = i + 1;
        if !line.trim().is_empty() {
            match serde_json::from_str::<DocIn>(line) {
                Ok(d) => parsed.docs.push(raw_doc(d, path, number)),
                Err(e) => parsed.problems.push(LineProblem::new(
                    path,
                    number,
                    format!("not a document object: {e}"),
                )),
            }
        }
        progress(number, total);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_carry_code_point_offsets_and_escape_line_separators() {
        let mut d = Document::new("d\u{2028}1", "", "", "😀 قال\u{2028}x");
        d.spans.extend(d.make_span(1, "speaker", 2, 5, ""));
        let line = document_line(&d, &Schema::default(), Overlap::Outer).expect("line");
        assert!(
            !line.contains('\u{2028}') && line.contains("\\u2028"),
            "{line}"
        );
        let v: serde_json::Value = serde_json::from_str(&line).expect("json");
        assert_eq!(v["spans"][0]["start"], 2);
        assert_eq!(v["spans"][0]["text"], "قال");
        assert_eq!(v["spans"][0]["note"], serde_json::Value::Null);
        assert_eq!(v["id"], "d\u{2028}1");
        assert_eq!(v["spans"][0]["token_start"], 1);
        assert_eq!(v["tokens"][1]["text"], "قال");
        assert_eq!(v["tokens"][0]["ws"], true);
        assert_eq!(v["ents"][0]["id"], 1);
    }

    #[test]
    fn ents_are_the_non_overlapping_spans_trimmed_to_words() {
        let mut d = Document::new("d", "", "", "قال مصدر أمني");
        d.spans.extend(d.make_span(1, "claim", 3, 13, ""));
        d.spans.extend(d.make_span(2, "speaker", 4, 8, ""));
        let line = document_line(&d, &Schema::default(), Overlap::Inner).expect("line");
        let v: serde_json::Value = serde_json::from_str(&line).expect("json");
        assert_eq!(v["ents"].as_array().map(Vec::len), Some(1));
        assert_eq!(v["ents"][0]["id"], 2);
        let line = document_line(&d, &Schema::default(), Overlap::Outer).expect("line");
        let v: serde_json::Value = serde_json::from_str(&line).expect("json");
        assert_eq!(v["ents"][0]["start"], 4, "the leading space is trimmed");
        assert_eq!(v["ents"][0]["token_start"], 2);
        assert_eq!(
            v["spans"][0]["token_start"], 1,
            "the span keeps its space token"
        );
    }

    #[test]
    fn relation_annotators_are_written_when_set_and_read_back() {
        let mut d = Document::new("d", "", "", "قال مصدر إن الحملة بدأت");
        d.spans.extend(d.make_span(1, "speaker", 4, 8, ""));
        d.spans.extend(d.make_span(2, "claim", 12, 23, ""));
        for (id, who) in [(1, "ali,mona"), (2, "")] {
            d.relations.push(crate::model::Relation {
                id,
                kind: "attributed_to".into(),
                from: 2,
                to: 1,
                annotator: who.into(),
            });
        }
        let line = document_line(&d, &Schema::default(), Overlap::Outer).expect("line");
        let v: serde_json::Value = serde_json::from_str(&line).expect("json");
        assert_eq!(v["relations"][0]["annotator"], "ali,mona");
        assert!(
            v["relations"][1].get("annotator").is_none(),
            "written only when set: {line}"
        );
        let mut parsed = Parsed::default();
        parse(&line, Path::new("x.jsonl"), &mut parsed, &mut |_, _| {});
        let who: Vec<&str> = parsed.docs[0]
            .relations
            .iter()
            .map(|r| r.annotator.as_str())
            .collect();
        assert_eq!(who, ["ali,mona", ""]);
    }

    #[test]
    fn missing_ids_are_filled_after_the_largest() {
        let ids: Vec<u64> = fill_ids([None, Some(5), None].into_iter()).collect();
        assert_eq!(ids, [6, 5, 7]);
    }

    #[test]
    fn bad_lines_are_problems_with_their_number() {
        let mut parsed = Parsed::default();
        parse(
            "{\"text\":\"a\"}\n\nnot json\n",
            Path::new("x.jsonl"),
            &mut parsed,
            &mut |_, _| {},
        );
        assert_eq!(parsed.docs.len(), 1);
        assert_eq!(parsed.docs[0].id, "doc-1");
        assert_eq!(parsed.problems.len(), 1);
        assert!(
            parsed.problems[0]
                .to_string()
                .starts_with("x.jsonl:3: not a document object")
        );
    }
}
