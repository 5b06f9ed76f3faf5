//! The RON file format: layout, determinism, readability, versions and parse errors.

use std::path::Path;

use qalam::model::{Document, Project, Relation, Span};
use qalam::project::{self, FORMAT_VERSION, ProjectError};

const TEXT: &str =
    "قال مصدر أمني، لـ\"سكاي نيوز عربية\" إن الحملة بدأت.\r\nوأضاف 😀 أن قَالَ\\n ليس سطرا\n";

/// A span over the first occurrence of `needle` in the document's text.
fn span_on(doc: &Document, id: u64, label: &str, needle: &str) -> Span {
    let byte = doc.text().find(needle).expect("needle in text");
    let start = doc.text()[..byte].chars().count();
    doc.make_span(id, label, start, start + needle.chars().count(), "amal")
        .expect("valid span")
}

fn sample() -> Project {
    let mut p = Project::new("عينة", "amal");
    let mut d = Document::new("d1", "خبر", "seeds/x.txt", TEXT);
    let mut entity = span_on(&d, 3, "entity", "سكاي نيوز عربية");
    entity
        .attributes
        .insert("kind".into(), "organization".into());
    let mut claim = span_on(&d, 2, "claim", "الحملة بدأت");
    claim.note = Some("ملاحظة \"مقتبسة\"".into());
    claim.attributes.insert("quote".into(), "indirect".into());
    // Deliberately out of file order: saving must sort.
    d.spans = vec![claim, entity, span_on(&d, 1, "speaker", "مصدر أمني")];
    d.relations = vec![
        Relation {
            id: 2,
            kind: "about".into(),
            from: 2,
            to: 3,
            annotator: String::new(),
        },
        Relation {
            id: 1,
            kind: "attributed_to".into(),
            from: 2,
            to: 1,
            annotator: String::new(),
        },
    ];
    p.documents.push(d.into());
    p.documents.push(Document::new("d2", "", "", "").into());
    p
}

fn normalized(mut p: Project) -> Project {
    p.normalize_order();
    p
}

fn parse(text: &str) -> Result<Project, ProjectError> {
    project::parse_str(text, Path::new("dir/p.ron"))
}

#[test]
fn round_trip_is_identity_up_to_file_order() {
    let p = sample();
    let text = project::to_ron_string(&p).expect("serialize");
    let back = parse(&text).expect("parse");
    assert_eq!(back, normalized(p));
    assert!(
        project::validate(&back).is_empty(),
        "{:?}",
        project::validate(&back)
    );
}

#[test]
fn saving_is_deterministic_and_byte_identical() {
    let p = sample();
    let a = project::to_ron_string(&p).expect("serialize");
    let b = project::to_ron_string(&normalized(p.clone())).expect("serialize");
    assert_eq!(a, b, "order of spans in memory does not matter");
    let again = project::to_ron_string(&parse(&a).expect("parse")).expect("serialize");
    assert_eq!(a, again, "re-saving a loaded file gives the same bytes");
}

#[test]
fn layout_has_version_first_named_fields_and_one_line_per_annotation() {
    let text = project::to_ron_string(&sample()).expect("serialize");
    assert!(text.starts_with(&format!("(\n    version: {FORMAT_VERSION},\n    name: \"عينة\",\n    annotator: \"amal\",\n    schema: (")), "{text}");
    for field in [
        "version",
        "schema",
        "documents",
        "spans",
        "relations",
        "id",
        "start",
        "end",
        "text",
        "sha256",
    ] {
        assert!(
            text.contains(&format!("{field}: ")),
            "field {field} missing in\n{text}"
        );
    }
    assert!(text.contains("label: \"speaker\""));
    assert!(text.contains("type: \"attributed_to\""));
    assert!(
        !text.contains("Project(") && !text.contains("Span(") && !text.contains("Document("),
        "no struct names"
    );
    assert!(!text.contains('\r'), "only \\n newlines in the file itself");
    assert!(text.ends_with(")\n"));
    // Each span and each relation is exactly one line, spans in (start, end, id) order.
    let span_lines: Vec<&str> = text
        .lines()
        .filter(|l| l.trim_start().starts_with("(id: ") && l.contains("label: "))
        .collect();
    assert_eq!(span_lines.len(), 3, "{text}");
    let ids: Vec<&str> = span_lines
        .iter()
        .map(|l| l.trim_start()[5..].split(',').next().unwrap_or(""))
        .collect();
    assert_eq!(ids, ["1", "3", "2"]);
    assert!(
        span_lines[2].contains("attributes: {\"quote\": \"indirect\"}"),
        "{}",
        span_lines[2]
    );
    let rel_lines: Vec<&str> = text.lines().filter(|l| l.contains("type: ")).collect();
    assert_eq!(rel_lines.len(), 2);
    assert!(
        rel_lines[0].trim() == "(id: 1, type: \"attributed_to\", from: 2, to: 1),",
        "{}",
        rel_lines[0]
    );
}

#[test]
fn arabic_is_readable_utf8_and_newlines_are_escaped() {
    let text = project::to_ron_string(&sample()).expect("serialize");
    assert!(text.contains("قال مصدر أمني، لـ\\\"سكاي نيوز عربية\\\" إن الحملة بدأت.\\r\\nوأضاف 😀 أن قَالَ\\\\n ليس سطرا\\n"), "{text}");
    assert!(
        !text.contains("\\u{"),
        "no unicode escapes for letters, harakat or emoji:\n{text}"
    );
    assert!(text.contains("text: \"مصدر أمني\""));
    // Invisible format characters stay visible as escapes.
    let mut p = Project::new("", "");
    p.documents
        .push(Document::new("d", "", "", "a\u{200f}b\u{200d}c\u{0}").into());
    let text = project::to_ron_string(&p).expect("serialize");
    assert!(text.contains(r#"text: "a\u{200f}b\u{200d}c\0""#), "{text}");
    assert_eq!(parse(&text).expect("parse"), p);
}

#[test]
fn crlf_and_lf_in_texts_survive_exactly() {
    let mut p = Project::new("", "");
    p.documents
        .push(Document::new("crlf", "", "", "a\r\nb\r\n").into());
    p.documents
        .push(Document::new("lf", "", "", "a\nb\n").into());
    p.documents.push(Document::new("cr", "", "", "a\rb").into());
    let text = project::to_ron_string(&p).expect("serialize");
    let back = parse(&text).expect("parse");
    assert_eq!(back.documents[0].text(), "a\r\nb\r\n");
    assert_eq!(back.documents[1].text(), "a\nb\n");
    assert_eq!(back.documents[2].text(), "a\rb");
    // A file whose own newlines were turned into CRLF (git autocrlf, a Windows editor) reads the same.
    let crlf_file = text.replace('\n', "\r\n");
    assert_eq!(parse(&crlf_file).expect("parse CRLF file"), back);
}

#[test]
fn byte_order_mark_is_accepted() {
    let text = project::to_ron_string(&sample()).expect("serialize");
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend_from_slice(text.as_bytes());
    let p = project::parse(&bytes, Path::new("bom.ron")).expect("BOM accepted");
    assert_eq!(p, normalized(sample()));
}

#[test]
fn version_zero_file_is_migrated_to_a_valid_project() {
    let v0 = r#"// Written by Qalam 0.0 (format version 0).
(
    version: 0,
    name: "قديم",
    annotator: "amal",
    documents: [
        (
            id: "old",
            title: "خبر قديم",
            source: "old.txt",
            text: "قال مصدر أمني إن الحملة بدأت\r\n",
            spans: [
                (id: 1, tag: "speaker", begin: 4, stop: 13, annotator: "amal"),
                (id: 2, tag: "claim", begin: 17, stop: 28, attributes: {"quote": "indirect"}, note: Some("قديم")),
            ],
            relations: [
                (id: 1, kind: "attributed_to", from: 2, to: 1),
            ],
        ),
    ],
)
"#;
    let p = parse(v0).expect("version 0 loads");
    assert_eq!(p.name, "قديم");
    let d = &p.documents[0];
    assert!(d.hash_matches(), "sha256 computed during migration");
    assert_eq!(d.spans[0].label, "speaker");
    assert_eq!((d.spans[0].start, d.spans[0].end), (4, 13));
    assert_eq!(d.spans[0].text, "مصدر أمني");
    assert_eq!(d.spans[1].text, "الحملة بدأت");
    assert_eq!(d.spans[1].note.as_deref(), Some("قديم"));
    assert_eq!(d.relations[0].kind, "attributed_to");
    assert_eq!(
        p.schema,
        qalam::model::Schema::default(),
        "absent schema is the default one"
    );
    assert!(
        project::validate(&p).is_empty(),
        "{:?}",
        project::validate(&p)
    );
    let current = project::to_ron_string(&p).expect("serialize");
    assert!(current.contains("version: 2,"));
    assert_eq!(parse(&current).expect("current parse"), p);
}

#[test]
fn version_one_file_reads_as_it_is_and_saves_as_version_two() {
    let v1 = r#"(
    version: 1,
    name: "قديم",
    annotator: "amal",
    documents: [
        (
            id: "d",
            sha256: "",
            status: in_progress,
            text: "قال مصدر أمني إن الحملة بدأت",
            spans: [
                (id: 1, label: "speaker", start: 4, end: 13, text: "مصدر أمني", annotator: "amal"),
            ],
        ),
        (id: "e", status: done, text: "نص"),
    ],
)
"#;
    let p = parse(v1).expect("version 1 loads");
    assert_eq!(p.documents[0].status, qalam::model::DocStatus::InProgress);
    assert_eq!(p.documents[1].status, qalam::model::DocStatus::Done);
    assert_eq!(p.documents[0].spans[0].origin, None);
    let saved = project::to_ron_string(&p).expect("serialize");
    assert!(saved.starts_with("(\n    version: 2,"), "{saved}");
    assert!(
        !saved.contains("origin"),
        "absent optional fields are not written"
    );
    assert_eq!(parse(&saved).expect("v2 parse"), p);
    // A version-1 file whose `version` is not the first field reads the same way.
    let moved = v1.replacen("    version: 1,\n", "", 1).replacen(
        "annotator: \"amal\",\n",
        "annotator: \"amal\",\n    version: 1,\n",
        1,
    );
    assert_eq!(parse(&moved).expect("version later"), p);
}

#[test]
fn broken_version_zero_file_names_the_problem() {
    let err = parse("(version: 0, documents: [(id: \"x\", spans: [])])").expect_err("no text");
    assert_eq!(
        err.to_string(),
        "dir/p.ron: cannot upgrade from format version 0: document 1 has no `text`"
    );
    let err = parse("(version: 0, documents: [(id: \"x\", text: \"ab\", spans: [(id: 1, tag: 5, begin: 0, stop: 1)])])")
        .expect_err("bad tag");
    let msg = err.to_string();
    assert!(
        msg.starts_with("dir/p.ron: after upgrading to format version 2:"),
        "{msg}"
    );
}

#[test]
fn newer_version_is_refused_with_advice() {
    let err = parse("(version: 7, name: \"x\", something_new: [1, 2, 3])").expect_err("too new");
    assert_eq!(
        err.to_string(),
        "dir/p.ron: file is format version 7; this Qalam reads up to version 2 — update Qalam"
    );
    // Also when `version` is not the first field.
    let err = parse("(name: \"x\", version: 7)").expect_err("too new");
    assert!(
        matches!(err, ProjectError::TooNew { version: 7, .. }),
        "{err}"
    );
}

#[test]
fn missing_or_malformed_version_is_an_error_naming_the_file() {
    let err = parse("(name: \"x\", documents: [])").expect_err("no version");
    assert_eq!(
        err.to_string(),
        "dir/p.ron: no `version` field; this does not look like a Qalam project file"
    );
    let err = parse("[1, 2]").expect_err("not a struct");
    assert!(matches!(err, ProjectError::MissingVersion { .. }), "{err}");
    let err = parse("(version: \"one\")").expect_err("string version");
    assert_eq!(
        err.to_string(),
        "dir/p.ron: `version` must be a whole number, found \"one\""
    );
    let err = parse("(name: \"x\", version: 1, documents: [(id: 3)])").expect_err("type error");
    assert!(err.to_string().starts_with("dir/p.ron:1:"), "{err}");
}

#[test]
fn syntax_and_type_errors_give_path_line_and_column() {
    let good = project::to_ron_string(&sample()).expect("serialize");
    // Break the label of the first span: a number where a string belongs.
    let bad = good.replacen("label: \"speaker\"", "label: 42", 1);
    let line = bad
        .lines()
        .position(|l| l.contains("label: 42"))
        .expect("line")
        + 1;
    let err = parse(&bad).expect_err("type error");
    let msg = err.to_string();
    assert!(msg.starts_with(&format!("dir/p.ron:{line}:")), "{msg}");
    assert!(matches!(err, ProjectError::Syntax { .. }));
    // A missing comma.
    let bad = good.replacen("name: \"عينة\",", "name: \"عينة\"", 1);
    let msg = parse(&bad).expect_err("syntax").to_string();
    assert!(msg.starts_with("dir/p.ron:4:5: "), "{msg}");
}

#[test]
fn a_misspelt_field_inside_a_span_is_refused_not_dropped() {
    let good = project::to_ron_string(&sample()).expect("serialize");
    let bad = good.replacen("label: \"speaker\"", "labl: \"speaker\"", 1);
    let line = bad.lines().position(|l| l.contains("labl:")).expect("line") + 1;
    let msg = parse(&bad).expect_err("unknown field").to_string();
    assert!(msg.starts_with(&format!("dir/p.ron:{line}:")), "{msg}");
    assert!(msg.contains("labl"), "{msg}");
}

#[test]
fn bad_inputs_get_clear_errors() {
    let path = Path::new("bad.ron");
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("empty", b"".to_vec(), "bad.ron: the file is empty"),
        ("blank", b" \n\t\r\n".to_vec(), "bad.ron: the file is empty"),
        (
            "random",
            vec![0x9a, 0x00, 0xff, 0x13, 0x37],
            "bad.ron:1:1: invalid UTF-8 at byte 0",
        ),
        (
            "nul and control bytes",
            vec![0x00, 0x01, 0x7f, b'('],
            "bad.ron:1:1: ",
        ),
        (
            "bad utf-8 later",
            b"(version: 1,\n name: \"\xd8\"".to_vec(),
            "bad.ron:2:9: invalid UTF-8 at byte 21",
        ),
        ("text", b"hello world".to_vec(), "bad.ron:1:"),
        (
            "truncated",
            b"(version: 1, name: \"abc".to_vec(),
            "bad.ron:1:",
        ),
        (
            "unclosed",
            b"(version: 1, documents: [".to_vec(),
            "bad.ron:1:",
        ),
        (
            "only bom",
            b"\xEF\xBB\xBF".to_vec(),
            "bad.ron: the file is empty",
        ),
    ];
    for (what, bytes, expected) in cases {
        let err = project::parse(&bytes, path).expect_err(what);
        assert!(err.to_string().starts_with(expected), "{what}: {err}");
    }
    // A truncated real file.
    let good = project::to_ron_string(&sample()).expect("serialize");
    let cut = &good.as_bytes()[..good.len() / 2];
    let err = project::parse(cut, path).expect_err("truncated");
    assert!(
        matches!(err, ProjectError::Syntax { .. } | ProjectError::Utf8 { .. }),
        "{err}"
    );
    assert!(err.to_string().starts_with("bad.ron:"), "{err}");
}

#[test]
fn deep_nesting_is_refused_without_overflowing_the_stack() {
    let text = format!("(version: 1, name: {}", "[".repeat(100_000));
    let err = parse(&text).expect_err("too deep");
    assert!(err.to_string().starts_with("dir/p.ron:1:"), "{err}");
    let text = format!("(name: \"x\", version: 0, a: {})", "[".repeat(100_000));
    assert!(parse(&text).is_err());
}
