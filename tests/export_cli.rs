//! `qalam export` and `qalam import`: exit codes, messages, and nothing written on failure.

use std::fs;
use std::path::Path;

mod common;
use common::{qalam, s, stderr, stdout};

const ANNOTATED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/projects/annotated.ron");
const BRAT_HAND: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/brat_hand");

const GOOD: &str = r#"{"id":"a","text":"قال مصدر 😀","spans":[{"id":1,"start":4,"end":8,"label":"speaker","text":"مصدر"}]}"#;
const BAD_OFFSETS: &str = r#"{"id":"b","text":"😀 قال","spans":[{"id":1,"start":1,"end":4,"label":"claim","text":"قال"}]}"#;

#[test]
fn export_writes_each_format_and_refuses_to_overwrite() {
    let dir = tempfile::tempdir().expect("tempdir");
    for format in ["jsonl", "doccano", "conll", "brat"] {
        let out = dir.path().join(format!("out-{format}"));
        let o = qalam(&["export", ANNOTATED, "--format", format, "-o", s(&out)]);
        assert_eq!(o.status.code(), Some(0), "{format}: {}", stderr(&o));
        assert!(
            stdout(&o).contains(&format!("1 document with 25 spans as {format}")),
            "{}",
            stdout(&o)
        );
        assert!(out.exists());
        let again = qalam(&["export", ANNOTATED, "--format", format, "-o", s(&out)]);
        assert_eq!(again.status.code(), Some(1), "{format}");
        assert!(
            stderr(&again).contains("already exists (use --force to overwrite)"),
            "{}",
            stderr(&again)
        );
        let forced = qalam(&[
            "export",
            ANNOTATED,
            "--format",
            format,
            "-o",
            s(&out),
            "--force",
        ]);
        assert_eq!(forced.status.code(), Some(0), "{}", stderr(&forced));
    }
    let conll = qalam(&[
        "export",
        ANNOTATED,
        "--format",
        "conll",
        "-o",
        s(&dir.path().join("c")),
        "--overlap",
        "inner",
    ]);
    let err = stderr(&conll);
    assert!(err.contains("conll has no place for"), "{err}");
    let doccano = qalam(&[
        "export",
        ANNOTATED,
        "--format",
        "doccano",
        "-o",
        s(&dir.path().join("d")),
    ]);
    assert!(
        stderr(&doccano).contains("(--relations writes relations)"),
        "{}",
        stderr(&doccano)
    );
}

#[test]
fn export_usage_errors_and_missing_files() {
    assert_eq!(
        qalam(&["export", ANNOTATED, "-o", "x"]).status.code(),
        Some(2),
        "missing --format"
    );
    assert_eq!(
        qalam(&["export", ANNOTATED, "--format", "xml", "-o", "x"])
            .status
            .code(),
        Some(2)
    );
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("o.jsonl");
    let o = qalam(&[
        "export",
        "/nonexistent/p.ron",
        "--format",
        "jsonl",
        "-o",
        s(&out),
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("/nonexistent/p.ron"), "{}", stderr(&o));
    assert!(!out.exists());
}

#[test]
fn conll_overlap_drops_are_counted_in_a_warning() {
    let dir = tempfile::tempdir().expect("tempdir");
    let src = dir.path().join("in.jsonl");
    let line = r#"{"id":"n","text":"قال مصدر أمني","spans":[{"id":1,"start":0,"end":13,"label":"claim"},{"id":2,"start":4,"end":8,"label":"speaker"}]}"#;
    fs::write(&src, format!("{line}\n")).expect("write");
    let ron = dir.path().join("n.ron");
    assert_eq!(
        qalam(&["import", "--format", "jsonl", s(&src), "-o", s(&ron)])
            .status
            .code(),
        Some(0)
    );
    let o = qalam(&[
        "export",
        s(&ron),
        "--format",
        "conll",
        "-o",
        s(&dir.path().join("n.conll")),
    ]);
    assert_eq!(o.status.code(), Some(0));
    assert!(
        stderr(&o).contains("warning: 1 of 2 spans dropped by the overlap policy outer"),
        "{}",
        stderr(&o)
    );
    let o = qalam(&[
        "export",
        s(&ron),
        "--format",
        "conll",
        "-o",
        s(&dir.path().join("n2.conll")),
        "--overlap",
        "label-priority",
    ]);
    assert!(
        stderr(&o).contains("dropped by the overlap policy label-priority"),
        "{}",
        stderr(&o)
    );
    let text = fs::read_to_string(dir.path().join("n2.conll")).expect("read");
    assert!(text.contains("مصدر B-speaker"), "{text}");
}

#[test]
fn bad_offsets_name_file_and_line_and_nothing_is_written() {
    let dir = tempfile::tempdir().expect("tempdir");
    let src = dir.path().join("bad.jsonl");
    fs::write(&src, format!("{GOOD}\n{BAD_OFFSETS}\n")).expect("write");
    let out = dir.path().join("out.ron");
    let o = qalam(&["import", "--format", "jsonl", s(&src), "-o", s(&out)]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(
        err.contains("1 problem in the input; nothing was imported"),
        "{err}"
    );
    assert!(
        err.contains(&format!(
            "{}:2: document b: span 1: text \"قال\" does not match the text at 1..4",
            src.display()
        )),
        "{err}"
    );
    assert!(!out.exists(), "nothing written");

    let o = qalam(&[
        "import",
        "--format",
        "jsonl",
        s(&src),
        "-o",
        s(&out),
        "--skip-bad",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("skipped 1 bad item (--skip-bad)"),
        "{}",
        stderr(&o)
    );
    assert!(
        stdout(&o).contains("2 documents with 1 span and 0 relations"),
        "{}",
        stdout(&o)
    );
    let p = qalam::project::load(&out).expect("valid project").project;
    assert_eq!(p.documents[1].spans.len(), 0);
}

#[test]
fn unknown_labels_are_listed_then_mapped() {
    let dir = tempfile::tempdir().expect("tempdir");
    let src = dir.path().join("ner.jsonl");
    fs::write(
        &src,
        "{\"text\":\"قال مصدر\",\"label\":[[4,8,\"PER\"],[0,3,\"VERB\"]]}\n",
    )
    .expect("write");
    let out = dir.path().join("ner.ron");
    let o = qalam(&["import", "--format", "doccano", s(&src), "-o", s(&out)]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(err.contains("span labels not in the schema: PER, VERB; found in the input: PER (1), VERB (1); the schema has: speaker, claim, entity"), "{err}");
    assert!(err.contains("--map FROM=TO"), "{err}");
    assert!(!out.exists());
    let o = qalam(&[
        "import",
        "--format",
        "doccano",
        s(&src),
        "-o",
        s(&out),
        "--map",
        "PER=speaker",
        "--map",
        "VERB=claim",
        "--annotator",
        "amal",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let p = qalam::project::load(&out).expect("valid").project;
    assert_eq!(p.annotator, "amal");
    assert_eq!(p.documents[0].spans[1].label, "speaker");
    assert_eq!(
        qalam(&[
            "import",
            "--format",
            "doccano",
            s(&src),
            "-o",
            s(&out),
            "--map",
            "PER"
        ])
        .status
        .code(),
        Some(2)
    );
}

#[test]
fn brat_import_warns_about_discontinuous_spans_and_refuses_to_overwrite() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("hand.ron");
    let o = qalam(&["import", "--format", "brat", BRAT_HAND, "-o", s(&out)]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("jamia.ann:5: T5 is discontinuous: imported as 2 spans (5, 7)"),
        "{}",
        stderr(&o)
    );
    assert!(
        stdout(&o).contains("1 document with 7 spans and 3 relations"),
        "{}",
        stdout(&o)
    );
    let before = fs::read(&out).expect("read");
    let o = qalam(&["import", "--format", "brat", BRAT_HAND, "-o", s(&out)]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("already exists"), "{}", stderr(&o));
    assert_eq!(fs::read(&out).expect("read"), before);
}

#[test]
fn brat_lines_with_wrong_offsets_are_reported_with_their_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    let folder = dir.path().join("brat");
    fs::create_dir(&folder).expect("mkdir");
    fs::copy(
        Path::new(BRAT_HAND).join("jamia.txt"),
        folder.join("jamia.txt"),
    )
    .expect("copy");
    let ann = fs::read_to_string(Path::new(BRAT_HAND).join("jamia.ann")).expect("read");
    fs::write(
        folder.join("jamia.ann"),
        ann.replace("T3\tentity 16 21", "T3\tentity 17 22")
            .replace("R3\t", "X3\t"),
    )
    .expect("write");
    let out = dir.path().join("x.ron");
    let o = qalam(&["import", "--format", "brat", s(&folder), "-o", s(&out)]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(
        err.contains("jamia.ann:3: T3: text \"بغداد\" does not match the text at its offsets"),
        "{err}"
    );
    assert!(
        err.contains("jamia.ann:9: X3: only T, R, A and # annotations are supported"),
        "{err}"
    );
    assert!(!out.exists());
}
