//! Round trips RON → format → RON over random projects whose texts mix Arabic, astral emoji,
//! ZWJ sequences, combining marks, CRLF and LF: lossless for JSON Lines, and keeping what
//! brat, Label Studio and XMI can hold (the loss report names the rest); the aligned tokens,
//! CoNLL and Hugging Face over the same texts.

use std::path::Path;

use proptest::prelude::*;
use qalam::export::{self, ExportFormat, ExportOptions, ImportFormat, ImportOptions, Overlap};
use qalam::model::Document as Doc;
use qalam::model::{DocStatus, Document, Project, Relation};

const LABELS: [&str; 3] = ["speaker", "claim", "entity"];

fn text_strategy() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("قال"),
        Just("مصدرٌ"),
        Just("أمنيّ"),
        Just(" "),
        Just("  "),
        Just("\r\n"),
        Just("\n"),
        Just("😀"),
        Just("👩‍👩‍👧"),
        Just("🇸🇦"),
        Just("\u{064E}"),
        Just("e\u{301}"),
        Just(" \u{301}"),
        Just("."),
        Just("؟"),
        Just("،"),
        Just("\""),
        Just("\t"),
        Just("\\"),
        Just("2018"),
        Just("abc"),
    ];
    prop::collection::vec(piece, 0..40).prop_map(|v| v.concat())
}

fn note_strategy() -> impl Strategy<Value = Option<String>> {
    prop::option::of(prop_oneof![
        Just("ملاحظة".to_owned()),
        Just("two\nlines\r\nand\ttab \\n".to_owned()),
        "[ a-z\\\\]{0,8}"
    ])
}

type SpanSeed = (u16, u16, usize, Option<u8>, Option<String>);

fn document(
    i: usize,
    text: String,
    spans: Vec<SpanSeed>,
    links: Vec<(u8, u8)>,
    annotator: &str,
) -> Document {
    let mut d = Document::new(
        format!("d{i}"),
        format!("عنوان {i}"),
        format!("src/{i}.txt"),
        text,
    );
    d.status = [DocStatus::Todo, DocStatus::InProgress, DocStatus::Done][i % 3];
    let n = d.len_chars();
    for (k, (a, b, l, attr, note)) in spans.into_iter().enumerate() {
        if n == 0 {
            break;
        }
        let start = usize::from(a) % n;
        let end = start + 1 + usize::from(b) % (n - start);
        let label = LABELS[l % 3];
        if d.spans
            .iter()
            .any(|s| s.label == label && s.start == start && s.end == end)
        {
            continue;
        }
        let Some(mut span) = d.make_span(3 * k as u64 + 2, label, start, end, annotator) else {
            continue;
        };
        span.note = note;
        // Origins only on annotated copies (brat, whose copies have no annotator, has no place).
        if !annotator.is_empty() && k % 4 == 0 {
            span.origin = Some("suggested:cue".into());
        }
        if let Some(v) = attr {
            match label {
                "claim" => span.attributes.insert(
                    "quote".into(),
                    ["direct", "indirect", "mixed"][usize::from(v) % 3].into(),
                ),
                "entity" => span.attributes.insert(
                    "kind".into(),
                    ["person", "organization", "location", "other"][usize::from(v) % 4].into(),
                ),
                _ => None,
            };
        }
        d.spans.push(span);
    }
    let claims: Vec<u64> = d
        .spans
        .iter()
        .filter(|s| s.label == "claim")
        .map(|s| s.id)
        .collect();
    let targets: Vec<(u64, &str)> = d
        .spans
        .iter()
        .filter(|s| s.label != "claim")
        .map(|s| (s.id, s.label.as_str()))
        .collect();
    let mut relations = Vec::new();
    if !claims.is_empty() && !targets.is_empty() {
        for (k, (a, b)) in links.into_iter().enumerate() {
            let (to, label) = targets[usize::from(b) % targets.len()];
            let kind = if label == "speaker" {
                "attributed_to"
            } else {
                "about"
            };
            relations.push(Relation {
                id: 5 * k as u64 + 1,
                kind: kind.into(),
                from: claims[usize::from(a) % claims.len()],
                to,
                annotator: String::new(),
            });
        }
    }
    d.relations = relations;
    d.normalize_order();
    d
}

fn project_strategy(annotator: &'static str) -> impl Strategy<Value = Project> {
    let span = (
        any::<u16>(),
        any::<u16>(),
        0..3usize,
        any::<Option<u8>>(),
        note_strategy(),
    );
    let doc = (
        text_strategy(),
        prop::collection::vec(span, 0..12),
        prop::collection::vec(any::<(u8, u8)>(), 0..6),
    );
    prop::collection::vec(doc, 1..4).prop_map(move |docs| {
        let mut p = Project::new("random", annotator);
        for (i, (text, spans, links)) in docs.into_iter().enumerate() {
            p.documents
                .push(document(i, text, spans, links, annotator).into());
        }
        p
    })
}

fn options(annotator: &str) -> ImportOptions {
    ImportOptions {
        name: "random".into(),
        annotator: annotator.into(),
        ..ImportOptions::default()
    }
}

fn fail(e: impl std::fmt::Display) -> TestCaseError {
    TestCaseError::fail(e.to_string())
}

/// The non-whitespace characters of `s`.
fn dense(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// Checks CoNLL output: two columns, valid IOB2, sentences re-joining to the texts.
fn check_conll(out: &str, project: &Project) -> Result<(), TestCaseError> {
    let mut docs: Vec<Vec<Vec<String>>> = Vec::new();
    let mut sentence: Vec<String> = Vec::new();
    let mut prev_tag = "O".to_owned();
    for line in out.split('\n') {
        if line.is_empty() {
            if !sentence.is_empty() {
                let doc = docs
                    .last_mut()
                    .ok_or_else(|| fail("tokens before -DOCSTART-"))?;
                doc.push(std::mem::take(&mut sentence));
            }
            prev_tag = "O".into();
            continue;
        }
        let cols: Vec<&str> = line.split(' ').collect();
        prop_assert_eq!(cols.len(), 2, "line {:?}", line);
        prop_assert_eq!(line.split_whitespace().count(), 2, "line {:?}", line);
        if cols[0] == "-DOCSTART-" {
            prop_assert_eq!(cols[1], "O");
            prop_assert!(sentence.is_empty());
            docs.push(Vec::new());
            continue;
        }
        let tag = cols[1];
        let ok = tag == "O"
            || tag.strip_prefix("B-").is_some_and(|l| LABELS.contains(&l))
            || tag
                .strip_prefix("I-")
                .is_some_and(|l| prev_tag.get(2..) == Some(l) && prev_tag != "O");
        prop_assert!(ok, "tag {} after {}", tag, prev_tag);
        prev_tag = tag.to_owned();
        sentence.push(cols[0].to_owned());
    }
    prop_assert_eq!(docs.len(), project.documents.len());
    for (doc, sentences) in project.documents.iter().zip(&docs) {
        let al = export::align::align(doc);
        prop_assert_eq!(sentences.len(), al.sentences.len());
        for (got, want) in sentences.iter().zip(&al.sentences) {
            let words: Vec<&str> = want
                .clone()
                .map(|w| {
                    let t = al.tokens[al.words[w]];
                    doc.slice(t.start, t.end).unwrap_or_default()
                })
                .collect();
            prop_assert_eq!(got, &words);
        }
        prop_assert_eq!(
            sentences.iter().flatten().cloned().collect::<String>(),
            dense(doc.text())
        );
    }
    Ok(())
}

fn policy_strategy() -> impl Strategy<Value = Overlap> {
    prop_oneof![
        Just(Overlap::Outer),
        Just(Overlap::Inner),
        Just(Overlap::LabelPriority)
    ]
}

/// Exports `p` as `format` into `dir` and imports it back.
fn round_trip(
    p: &Project,
    dir: &Path,
    format: ExportFormat,
    back: ImportFormat,
    annotator: &str,
) -> Result<(export::ExportReport, Project), TestCaseError> {
    let out = dir.join(format!("out.{}", format.name()));
    let report = export::export_project(p, &out, &ExportOptions::new(format), &mut |_, _| {})
        .map_err(fail)?;
    let got =
        export::import_sources(back, &[out], &options(annotator), &mut |_, _| {}).map_err(fail)?;
    prop_assert!(got.skipped.is_empty() && got.warnings.is_empty());
    Ok((report, got.project))
}

/// The words of CoNLL output, per sentence, with their tags.
fn conll_rows(out: &str) -> Vec<Vec<(String, String)>> {
    let mut rows = Vec::new();
    let mut current = Vec::new();
    for line in out.split('\n') {
        match line.split_once(' ') {
            None => {
                if !current.is_empty() {
                    rows.push(std::mem::take(&mut current));
                }
            }
            Some(("-DOCSTART-", _)) => {}
            Some((t, tag)) => current.push((t.to_owned(), tag.to_owned())),
        }
    }
    rows
}

/// The text of `t` in `d`.
fn token_text(d: &Doc, t: &export::align::AlignedToken) -> String {
    d.slice(t.start, t.end).unwrap_or_default().to_owned()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn aligned_tokens_rebuild_the_text_and_every_span_is_whole_tokens(p in project_strategy("")) {
        for d in &p.documents {
            let al = export::align::align(d);
            let rebuilt: String = al.tokens.iter().map(|t| {
                let mut s = token_text(d, t);
                if t.ws { s.push(' '); }
                s
            }).collect();
            prop_assert_eq!(&rebuilt, d.text());
            for t in &al.tokens {
                let text = token_text(d, t);
                prop_assert!(t.start < t.end);
                prop_assert_eq!(t.space, text.chars().all(char::is_whitespace), "{:?}", text);
                prop_assert!(t.space || !text.chars().any(char::is_whitespace), "{:?}", text);
            }
            for (s, &(first, last)) in d.spans.iter().zip(&al.spans) {
                prop_assert!(first <= last);
                prop_assert_eq!((al.tokens[first].start, al.tokens[last].end), (s.start, s.end), "span {}", s.id);
            }
        }
    }

    #[test]
    fn hf_rows_are_the_conll_sentences_token_for_token(p in project_strategy(""), policy in policy_strategy()) {
        let mut conll = Vec::new();
        let conll_report = export::conll::write(&p, &mut conll, policy, &mut |_, _| {}).map_err(fail)?;
        let mut rows = Vec::new();
        let hf_report = export::hf::write_rows(&p, &mut rows, policy, &mut |_, _| {}).map_err(fail)?;
        prop_assert_eq!(conll_report, hf_report);
        let names = export::hf::label_names(&p);
        let want = conll_rows(&String::from_utf8(conll).map_err(fail)?);
        let got: Vec<Vec<(String, String)>> = String::from_utf8(rows).map_err(fail)?
            .lines()
            .map(|l| {
                let v: serde_json::Value = serde_json::from_str(l).unwrap_or_default();
                let tokens = v["tokens"].as_array().cloned().unwrap_or_default();
                let tags = v["ner_tags"].as_array().cloned().unwrap_or_default();
                tokens.iter().zip(&tags).map(|(t, g)| {
                    let tag = names.get(g.as_u64().unwrap_or(u64::MAX) as usize).cloned().unwrap_or_default();
                    (t.as_str().unwrap_or_default().to_owned(), tag)
                }).collect()
            })
            .collect();
        prop_assert_eq!(got, want);
    }

    #[test]
    fn ron_to_label_studio_to_ron_keeps_all_but_relation_ids(p in project_strategy("")) {
        let dir = tempfile::tempdir().map_err(fail)?;
        let (report, back) = round_trip(&p, dir.path(), ExportFormat::LabelStudio, ImportFormat::LabelStudio, "")?;
        let renumbered: usize = p.documents.iter().map(|d| d.relations.iter().enumerate().filter(|(i, r)| r.id != *i as u64 + 1).count()).sum();
        prop_assert_eq!(report.omitted.get("relation ids (renumbered)").copied(), Some(renumbered).filter(|n| *n > 0));
        prop_assert_eq!(back.documents.len(), p.documents.len());
        for (got, want) in back.documents.iter().zip(&p.documents) {
            prop_assert_eq!((&got.id, &got.title, &got.source, got.status, got.text()), (&want.id, &want.title, &want.source, want.status, want.text()));
            prop_assert_eq!(&got.spans, &want.spans);
            let links = |d: &Doc| d.relations.iter().map(|r| (r.kind.clone(), r.from, r.to)).collect::<Vec<_>>();
            prop_assert_eq!(links(got), links(want));
        }
    }

    #[test]
    fn ron_to_xmi_to_ron_keeps_all_but_the_status(p in project_strategy("amal")) {
        let dir = tempfile::tempdir().map_err(fail)?;
        let (report, back) = round_trip(&p, dir.path(), ExportFormat::Xmi, ImportFormat::Xmi, "amal")?;
        let statuses = p.documents.iter().filter(|d| d.status != DocStatus::Todo).count();
        prop_assert_eq!(report.omitted.get("document statuses").copied(), Some(statuses).filter(|n| *n > 0));
        prop_assert!(report.replaced.is_empty());
        prop_assert_eq!(back.documents.len(), p.documents.len());
        for (got, want) in back.documents.iter().zip(&p.documents) {
            prop_assert_eq!((&got.id, &got.title, &got.source, got.text()), (&want.id, &want.title, &want.source, want.text()));
            prop_assert_eq!(&got.spans, &want.spans);
            prop_assert_eq!(&got.relations, &want.relations);
        }
    }

    #[test]
    fn ron_to_jsonl_to_ron_is_lossless(p in project_strategy("amal")) {
        // Relation annotators (a gold copy's provenance), set on every other relation.
        let mut p = p;
        for d in p.docs_mut() {
            for r in d.relations.iter_mut().step_by(2) {
                r.annotator = "ali,mona".into();
            }
        }
        let mut out = Vec::new();
        export::jsonl::write(&p, &mut out, Overlap::Outer, &mut |_, _| {}).map_err(fail)?;
        let text = String::from_utf8(out).map_err(fail)?;
        prop_assert_eq!(text.lines().count(), p.documents.len());
        let back = export::import_jsonl_str(&text, Path::new("p.jsonl"), &options("amal")).map_err(fail)?;
        prop_assert!(back.skipped.is_empty() && back.warnings.is_empty());
        prop_assert_eq!(&back.project, &p);
    }

    #[test]
    fn ron_to_brat_to_ron_keeps_spans_relations_attributes_and_notes(p in project_strategy("")) {
        let dir = tempfile::tempdir().map_err(fail)?;
        let out = dir.path().join("brat");
        export::export_project(&p, &out, &ExportOptions::new(ExportFormat::Brat), &mut |_, _| {}).map_err(fail)?;
        for d in &p.documents {
            let bytes = std::fs::read(out.join(format!("{}.txt", d.id))).map_err(fail)?;
            prop_assert_eq!(bytes.as_slice(), d.text().as_bytes(), "the .txt is the text, byte for byte");
        }
        let back = export::import_sources(ImportFormat::Brat, &[out], &options(""), &mut |_, _| {}).map_err(fail)?;
        prop_assert!(back.skipped.is_empty() && back.warnings.is_empty());
        prop_assert_eq!(back.project.documents.len(), p.documents.len());
        for (got, want) in back.project.documents.iter().zip(&p.documents) {
            prop_assert_eq!(&got.id, &want.id);
            prop_assert_eq!(got.text(), want.text());
            prop_assert_eq!(&got.spans, &want.spans);
            prop_assert_eq!(&got.relations, &want.relations);
        }
    }

    #[test]
    fn conll_has_two_columns_valid_iob2_and_rejoins_to_the_text(p in project_strategy(""), policy in prop_oneof![Just(Overlap::Outer), Just(Overlap::Inner), Just(Overlap::LabelPriority)]) {
        let mut out = Vec::new();
        let report = export::conll::write(&p, &mut out, policy, &mut |_, _| {}).map_err(fail)?;
        let spans: usize = p.documents.iter().map(|d| d.spans.len()).sum();
        prop_assert_eq!(report.written + report.dropped_total(), spans, "every span is written or counted as dropped");
        check_conll(&String::from_utf8(out).map_err(fail)?, &p)?;
    }
}

#[test]
fn the_example_projects_export_to_valid_conll() {
    for name in ["seed.ron", "annotated.ron"] {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("projects")
            .join(name);
        let p = qalam::project::load(&path)
            .expect("example project loads")
            .project;
        let mut out = Vec::new();
        export::conll::write(&p, &mut out, Overlap::default(), &mut |_, _| {}).expect("conll");
        let text = String::from_utf8(out).expect("utf-8");
        check_conll(&text, &p).expect("valid CoNLL");
        let has_speaker = p
            .documents
            .iter()
            .any(|d| d.spans.iter().any(|s| s.label == "speaker"));
        assert_eq!(
            text.contains("B-speaker"),
            has_speaker,
            "{name}: annotations show up as tags"
        );
    }
}
