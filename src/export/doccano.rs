//! doccano's JSONL: sequence labeling (`{"id", "text", "label": [[start, end, "label"], …]}`)
//! or, for relation extraction, `{"id", "text", "entities": [{"id", "label", "start_offset",
//! "end_offset"}], "relations": [{"id", "from_id", "to_id", "type"}]}`.
//!
//! Offsets are code points (Python `str` indices), not the UTF-16 units some doccano versions
//! use in the browser. Attributes and notes have no place in either shape; sequence labeling
//! has no relations either. Reading accepts both shapes.

use std::io::Write;
use std::path::Path;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::assemble::{Parsed, RawDoc, RawRelation, RawSpan};
use super::error::{ExportError, LineProblem};
use super::jsonl::{fill_ids, id_of};
use super::{Progress, check_range};
use crate::model::{Document, Project};

#[derive(Serialize)]
struct SeqOut<'a> {
    id: &'a str,
    text: &'a str,
    label: Vec<(usize, usize, &'a str)>,
}

#[derive(Serialize, Deserialize)]
struct Entity {
    #[serde(default)]
    id: Option<u64>,
    label: String,
    start_offset: usize,
    end_offset: usize,
}

#[derive(Serialize, Deserialize)]
struct RelationJson {
    #[serde(default)]
    id: Option<u64>,
    from_id: u64,
    to_id: u64,
    #[serde(rename = "type")]
    kind: String,
}

#[derive(Serialize)]
struct RelOut<'a> {
    id: &'a str,
    text: &'a str,
    entities: Vec<Entity>,
    relations: Vec<RelationJson>,
}

fn line_of(doc: &Document, relations: bool) -> Result<String, ExportError> {
    for s in &doc.spans {
        check_range(doc, s)?;
    }
    let line = if relations {
        let entities = doc
            .spans
            .iter()
            .map(|s| Entity {
                id: Some(s.id),
                label: s.label.clone(),
                start_offset: s.start,
                end_offset: s.end,
            })
            .collect();
        let rels = doc
            .relations
            .iter()
            .map(|r| RelationJson {
                id: Some(r.id),
                from_id: r.from,
                to_id: r.to,
                kind: r.kind.clone(),
            })
            .collect();
        serde_json::to_string(&RelOut {
            id: &doc.id,
            text: doc.text(),
            entities,
            relations: rels,
        })
    } else {
        let label = doc
            .spans
            .iter()
            .map(|s| (s.start, s.end, s.label.as_str()))
            .collect();
        serde_json::to_string(&SeqOut {
            id: &doc.id,
            text: doc.text(),
            label,
        })
    };
    Ok(line.map_err(std::io::Error::from)?)
}

/// Writes `project` in doccano's sequence-labeling shape, or with `relations` in its
/// entities + relations shape, calling `progress(done, total)` after each document.
pub fn write(
    project: &Project,
    out: impl Write,
    relations: bool,
    progress: Progress<'_>,
) -> Result<(), ExportError> {
    super::write_lines(project, out, progress, |doc| line_of(doc, relations))
}

#[derive(Deserialize)]
struct DocIn {
    #[serde(default)]
    id: Option<Value>,
    text: String,
    #[serde(default)]
    label: Option<Value>,
    #[serde(default)]
    entities: Vec<Entity>,
    #[serde(default)]
    relations: Vec<RelationJson>,
}

/// The spans of a sequence-labeling `label` array: `[[start, end, "label"], …]`.
fn label_triples(label: &Value) -> Result<Vec<(usize, usize, String)>, String> {
    let items = label.as_array().ok_or("\"label\" is not a list")?;
    items
        .iter()
        .map(|item| {
            serde_json::from_value::<(usize, usize, String)>(item.clone())
                .map_err(|_| format!("\"label\" item {item} is not [start, end, \"label\"] (text classification labels are not spans)"))
        })
        .collect()
}

fn raw_doc(d: DocIn, path: &Path, line: usize) -> Result<RawDoc, String> {
    let mut spans: Vec<(Option<u64>, String, usize, usize)> = d
        .entities
        .into_iter()
        .map(|e| (e.id, e.label, e.start_offset, e.end_offset))
        .collect();
    if let Some(label) = &d.label {
        spans.extend(
            label_triples(label)?
                .into_iter()
                .map(|(s, e, l)| (None, l, s, e)),
        );
    }
    let ids: Vec<u64> = fill_ids(spans.iter().map(|s| s.0)).collect();
    let spans = spans
        .into_iter()
        .zip(ids)
        .map(|((_, label, start, end), id)| RawSpan::bare(id, label, start, end, line))
        .collect();
    let rel_ids: Vec<u64> = fill_ids(d.relations.iter().map(|r| r.id)).collect();
    let relations = d
        .relations
        .into_iter()
        .zip(rel_ids)
        .map(|(r, id)| RawRelation {
            id,
            kind: r.kind,
            from: r.from_id,
            to: r.to_id,
            line,
            annotator: String::new(),
        })
        .collect();
    let id = id_of(d.id.as_ref(), || format!("doc-{line}"));
    Ok(RawDoc {
        path: path.to_owned(),
        line,
        id,
        text: d.text,
        spans,
        relations,
        ..RawDoc::default()
    })
}

/// Reads doccano JSONL `text` of file `path` into `parsed` (either shape, line by line).
pub fn parse(text: &str, path: &Path, parsed: &mut Parsed, progress: Progress<'_>) {
    let total = text.lines().count();
    for (i, line) in text.lines().enumerate() {
        let number = i + 1;
        if !line.trim().is_empty() {
            let doc = serde_json::from_str::<DocIn>(line)
                .map_err(|e| format!("not a doccano record: {e}"))
                .and_then(|d| raw_doc(d, path, number));
            match doc {
                Ok(d) => parsed.docs.push(d),
                Err(message) => parsed
                    .problems
                    .push(LineProblem::new(path, number, message)),
            }
        }
        progress(number, total);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn project() -> Project {
        let mut p = Project::new("p", "");
        let mut d = Document::new("d1", "", "", "😀 قال مصدر");
        d.spans.extend(d.make_span(1, "speaker", 6, 10, ""));
        d.spans.extend(d.make_span(2, "claim", 2, 5, ""));
        d.relations.push(crate::model::Relation {
            id: 1,
            kind: "attributed_to".into(),
            from: 2,
            to: 1,
            annotator: String::new(),
        });
        p.documents.push(d.into());
        p
    }

    #[test]
    fn both_shapes_are_written_and_read_back() {
        for relations in [false, true] {
            let mut out = Vec::new();
            write(&project(), &mut out, relations, &mut |_, _| {}).expect("write");
            let text = String::from_utf8(out).expect("utf-8");
            let v: Value = serde_json::from_str(text.trim()).expect("json");
            if relations {
                assert_eq!(v["entities"][0]["start_offset"], 6);
                assert_eq!(v["relations"][0]["from_id"], 2);
            } else {
                assert_eq!(v["label"][0], serde_json::json!([6, 10, "speaker"]));
            }
            let mut parsed = Parsed::default();
            parse(&text, Path::new("x.jsonl"), &mut parsed, &mut |_, _| {});
            assert!(parsed.problems.is_empty());
            let d = &parsed.docs[0];
            assert_eq!(d.spans.len(), 2);
            assert_eq!(d.relations.len(), usize::from(relations));
            assert_eq!((d.spans[0].start, d.spans[0].end), (6, 10));
        }
    }

    #[test]
    fn classification_labels_are_refused_with_the_line() {
        let mut parsed = Parsed::default();
        parse(
            "{\"text\":\"a\",\"label\":[\"POS\"]}\n",
            Path::new("c.jsonl"),
            &mut parsed,
            &mut |_, _| {},
        );
        assert!(parsed.docs.is_empty());
        assert!(
            parsed.problems[0]
                .to_string()
                .starts_with("c.jsonl:1: \"label\" item \"POS\""),
            "{}",
            parsed.problems[0]
        );
    }
}
