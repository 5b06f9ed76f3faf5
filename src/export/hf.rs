//! Hugging Face token classification: a folder that `datasets.load_dataset` reads.
//!
//! - `train.jsonl`: one row per sentence, `{"id", "document", "sentence", "tokens",
//!   "ner_tags"}`; `tokens` and the IOB2 tags are those of the CoNLL export, one for one
//!   (words of [`super::align`], overlaps resolved by the same [`Overlap`] policy), the tags as
//!   integers indexing `label_names`;
//! - `dataset_info.json`: the features (`ner_tags` a sequence of `ClassLabel` with the
//!   names) and `label_names`, as `datasets.DatasetInfo.from_directory` reads it;
//! - `README.md`: a dataset card whose YAML header declares the same features and the data
//!   file, so `load_dataset(FOLDER)` gives `ner_tags` as `ClassLabel`s.
//!
//! `label_names` is `O`, then `B-` and `I-` of each schema label in schema order, then of any
//! label the documents use that the schema lacks, by name.

use std::collections::{BTreeSet, HashMap};
use std::fmt::Write as _;
use std::io::Write;
use std::path::Path;

use serde::Serialize;

use super::align::align;
use super::conll::word_text;
use super::error::ExportError;
use super::tags::{Tag, TagReport, tag};
use super::{Overlap, Progress};
use crate::model::Project;
use crate::project;

/// The data file's name in the folder.
pub const DATA_FILE: &str = "train.jsonl";

/// The tag names, indexed by the integers of `ner_tags`.
pub fn label_names(project: &Project) -> Vec<String> {
    let schema: Vec<&str> = project
        .schema
        .span_labels
        .iter()
        .map(|l| l.name.as_str())
        .collect();
    let others: BTreeSet<&str> = project
        .documents
        .iter()
        .flat_map(|d| d.spans.iter().map(|s| s.label.as_str()))
        .filter(|l| !schema.contains(l))
        .collect();
    let mut names = vec!["O".to_owned()];
    for l in schema.into_iter().chain(others) {
        names.push(format!("B-{l}"));
        names.push(format!("I-{l}"));
    }
    names
}

#[derive(Serialize)]
struct Row<'a> {
    id: String,
    document: &'a str,
    sentence: usize,
    tokens: Vec<&'a str>,
    ner_tags: Vec<usize>,
}

/// Writes the rows of `project` (one per sentence) to `out` under `policy`, calling
/// `progress(done, total)` after each document; returns what was dropped or split.
pub fn write_rows(
    project: &Project,
    mut out: impl Write,
    policy: Overlap,
    progress: Progress<'_>,
) -> Result<TagReport, ExportError> {
    let names = label_names(project);
    let index: HashMap<&str, usize> = names
        .iter()
        .enumerate()
        .map(|(i, n)| (n.as_str(), i))
        .collect();
    // B-x is at index(B-x); I-x follows it.
    let begin = |label: &str| index.get(format!("B-{label}").as_str()).copied();
    let mut report = TagReport::default();
    let total = project.documents.len();
    for (i, doc) in project.documents.iter().enumerate() {
        for s in &doc.spans {
            super::check_range(doc, s)?;
        }
        let al = align(doc);
        let tagging = tag(doc, &al, policy, &project.schema);
        for (k, sentence) in al.sentences.iter().enumerate() {
            let mut row = Row {
                id: format!("{}:{k}", doc.id),
                document: &doc.id,
                sentence: k,
                tokens: Vec::with_capacity(sentence.len()),
                ner_tags: Vec::with_capacity(sentence.len()),
            };
            for w in sentence.clone() {
                row.tokens.push(word_text(doc, &al, w));
                let id = match tagging.tags[w] {
                    Tag::O => Some(0),
                    Tag::B(s) => begin(&doc.spans[s].label),
                    Tag::I(s) => begin(&doc.spans[s].label).map(|b| b + 1),
                };
                // Every label is in `names` by construction.
                row.ner_tags.push(id.unwrap_or(0));
            }
            serde_json::to_writer(&mut out, &row).map_err(std::io::Error::from)?;
            out.write_all(b"\n")?;
        }
        report.add(&tagging.report);
        progress(i + 1, total);
    }
    out.flush()?;
    Ok(report)
}

/// `dataset_info.json`: the features with the `ClassLabel` names, and `label_names`.
pub fn dataset_info(project: &Project, names: &[String]) -> String {
    let string = serde_json::json!({"dtype": "string", "_type": "Value"});
    let info = serde_json::json!({
        "description": format!("Token classification (IOB2) exported by Qalam from the project {:?}.", project.name),
        "features": {
            "id": string,
            "document": string,
            "sentence": {"dtype": "int64", "_type": "Value"},
            "tokens": {"feature": string, "_type": "Sequence"},
            "ner_tags": {"feature": {"names": names, "_type": "ClassLabel"}, "_type": "Sequence"},
        },
        "label_names": names,
    });
    let mut out = serde_json::to_string_pretty(&info).unwrap_or_default();
    out.push('\n');
    out
}

/// `README.md`: a dataset card with the features and the data file in its YAML header.
pub fn dataset_card(project: &Project, names: &[String]) -> String {
    let q = |s: &str| serde_json::to_string(s).unwrap_or_default();
    let mut out = String::from(
        "---\ndataset_info:\n  features:\n  - name: id\n    dtype: string\n  - name: document\n    dtype: string\n  - name: sentence\n    dtype: int64\n  - name: tokens\n    sequence: string\n  - name: ner_tags\n    sequence:\n      class_label:\n        names:\n",
    );
    for (i, n) in names.iter().enumerate() {
        let _ = writeln!(out, "          '{i}': {}", q(n));
    }
    let _ = write!(
        out,
        "configs:\n- config_name: default\n  data_files:\n  - split: train\n    path: {DATA_FILE}\n---\n\n# {}\n\n\
         Token classification data exported by Qalam: one row per sentence, `tokens` and IOB2 \
         `ner_tags` (integers; names below and in `dataset_info.json`).\n\n| id | tag |\n|---|---|\n",
        project.name.replace(['\n', '\r'], " ")
    );
    for (i, n) in names.iter().enumerate() {
        let _ = writeln!(out, "| {i} | {} |", n.replace('|', "\\|"));
    }
    out
}

/// Writes the folder for `project` into `dir` (created if needed); returns what was dropped
/// or split.
pub fn write_folder(
    project: &Project,
    dir: &Path,
    policy: Overlap,
    progress: Progress<'_>,
) -> Result<TagReport, ExportError> {
    super::create_folder(dir)?;
    let names = label_names(project);
    let mut rows = Vec::with_capacity(project.documents.iter().map(|d| d.text().len()).sum());
    let report = write_rows(project, &mut rows, policy, progress)?;
    project::write_atomic(&dir.join(DATA_FILE), &rows)?;
    project::write_atomic(
        &dir.join("dataset_info.json"),
        dataset_info(project, &names).as_bytes(),
    )?;
    project::write_atomic(
        &dir.join("README.md"),
        dataset_card(project, &names).as_bytes(),
    )?;
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Document;

    #[test]
    fn rows_are_sentences_with_integer_tags() {
        let mut p = Project::new("p", "");
        let mut d = Document::new("d", "", "", "قال مصدر أمني. نعم");
        d.spans.extend(d.make_span(1, "speaker", 4, 13, ""));
        p.documents.push(d.into());
        let mut out = Vec::new();
        let r = write_rows(&p, &mut out, Overlap::Outer, &mut |_, _| {}).expect("rows");
        assert_eq!(r.written, 1);
        let text = String::from_utf8(out).expect("utf-8");
        let rows: Vec<serde_json::Value> = text
            .lines()
            .map(|l| serde_json::from_str(l).expect("json"))
            .collect();
        let names = label_names(&p);
        assert_eq!(names[..3], ["O", "B-speaker", "I-speaker"]);
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0]["id"], "d:0");
        assert_eq!(
            rows[0]["tokens"],
            serde_json::json!(["قال", "مصدر", "أمني", "."])
        );
        assert_eq!(rows[0]["ner_tags"], serde_json::json!([0, 1, 2, 0]));
        assert_eq!(rows[1]["ner_tags"], serde_json::json!([0]));
        let card = dataset_card(&p, &names);
        assert!(card.contains("          '1': \"B-speaker\"\n"), "{card}");
        let info: serde_json::Value =
            serde_json::from_str(&dataset_info(&p, &names)).expect("json");
        assert_eq!(info["label_names"][2], "I-speaker");
    }

    #[test]
    fn labels_outside_the_schema_get_names_too() {
        let mut p = Project::new("p", "");
        let mut d = Document::new("d", "", "", "a b");
        d.spans.extend(d.make_span(1, "zeta", 0, 1, ""));
        p.documents.push(d.into());
        let names = label_names(&p);
        assert_eq!(names[names.len() - 2..], ["B-zeta", "I-zeta"]);
    }
}
