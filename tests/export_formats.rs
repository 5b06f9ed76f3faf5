//! Exports checked from outside: Python's `text[start:end]` on the JSON Lines of the example
//! projects (with the interpreter `tests/run.sh` prepares, `QALAM_PYTHON`), and the hand-made brat folder in `tests/fixtures/brat_hand`.

use std::path::{Path, PathBuf};
use std::process::Command;

use qalam::export::{self, ExportFormat, ExportOptions, ImportFormat, ImportOptions};
use qalam::model::{Document, Project};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn example(name: &str) -> Project {
    qalam::project::load(&root().join("projects").join(name))
        .expect("example project loads")
        .project
}

/// A document whose spans sit after astral characters and CRLF line ends.
fn tricky() -> Project {
    let mut p = Project::new("tricky", "");
    let mut d = Document::new("tricky", "", "", "😀👩‍👩‍👧 قالَ\r\nمصدرٌ: \"إنّ 🇸🇦 الرياض\"\r\n");
    let quote = d.text().chars().skip(21).take(13).collect::<String>();
    assert_eq!(quote, "إنّ 🇸🇦 الرياض", "the test's own offsets");
    d.spans.extend(d.make_span(1, "speaker", 13, 18, ""));
    d.spans.extend(d.make_span(2, "claim", 21, 34, ""));
    d.spans.extend(d.make_span(3, "entity", 28, 34, ""));
    p.documents.push(d.into());
    p
}

const CHECK_PY: &str = r#"
import json, sys
count = 0
for path in sys.argv[1:]:
    with open(path, encoding="utf-8") as f:
        for line in f:
            doc = json.loads(line)
            text = doc["text"]
            for s in doc["spans"]:
                got = text[s["start"]:s["end"]]
                if got != s["text"]:
                    sys.exit(f"{path}: {doc['id']}: span {s['id']}: text[{s['start']}:{s['end']}] is {got!r}, not {s['text']!r}")
                count += 1
print(count)
"#;

#[test]
fn python_slices_of_the_exported_jsonl_equal_the_span_texts() {
    let Ok(python) = std::env::var("QALAM_PYTHON") else {
        panic!("QALAM_PYTHON is not set: run the tests with `bash tests/run.sh`");
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let mut files: Vec<PathBuf> = Vec::new();
    let mut spans = 0;
    for (name, p) in [
        ("seed", example("seed.ron")),
        ("annotated", example("annotated.ron")),
        ("tricky", tricky()),
    ] {
        let out = dir.path().join(format!("{name}.jsonl"));
        export::export_project(
            &p,
            &out,
            &ExportOptions::new(ExportFormat::Jsonl),
            &mut |_, _| {},
        )
        .expect("export");
        spans += p.documents.iter().map(|d| d.spans.len()).sum::<usize>();
        files.push(out);
    }
    assert!(spans > 20, "the examples have spans to check");
    let o = Command::new(&python)
        .arg("-c")
        .arg(CHECK_PY)
        .args(&files)
        .output()
        .expect("run Python");
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(
        o.status.success(),
        "python: {}{}",
        stdout,
        String::from_utf8_lossy(&o.stderr)
    );
    assert_eq!(
        stdout.trim(),
        spans.to_string(),
        "python checked every span"
    );
}

#[test]
fn the_exported_brat_folder_parses_back() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("brat");
    let mut p = example("annotated.ron");
    p.documents.extend(tricky().documents);
    export::export_project(
        &p,
        &out,
        &ExportOptions::new(ExportFormat::Brat),
        &mut |_, _| {},
    )
    .expect("export");
    for file in [
        "annotation.conf",
        "visual.conf",
        "tricky.txt",
        "tricky.ann",
        "000_19e18760a7c74451.ann",
    ] {
        assert!(out.join(file).is_file(), "{file} written");
    }
    let ann = std::fs::read_to_string(out.join("tricky.ann")).expect("ann");
    assert!(
        ann.starts_with("T1\tspeaker 13 18\tمصدرٌ\nT2\tclaim 21 34\tإنّ 🇸🇦 الرياض\n"),
        "{ann}"
    );
    let opts = ImportOptions {
        annotator: p.annotator.clone(),
        ..ImportOptions::default()
    };
    let back =
        export::import_sources(ImportFormat::Brat, &[out], &opts, &mut |_, _| {}).expect("import");
    let by_id = |id: &str| back.project.document(id).expect("document back");
    for d in &p.documents {
        let got = by_id(&d.id);
        let strip = |d: &Document| {
            d.spans
                .iter()
                .map(|s| {
                    (
                        s.id,
                        s.label.clone(),
                        s.start,
                        s.end,
                        s.note.clone(),
                        s.attributes.clone(),
                    )
                })
                .collect::<Vec<_>>()
        };
        assert_eq!(strip(got), strip(d), "{}", d.id);
        assert_eq!(got.relations, d.relations);
    }
}

#[test]
fn the_hand_made_brat_folder_imports_as_expected() {
    let src = root().join("tests/fixtures/brat_hand");
    let opts = ImportOptions {
        annotator: "huda".into(),
        ..ImportOptions::default()
    };
    let got = export::import_sources(ImportFormat::Brat, &[src], &opts, &mut |_, _| {})
        .expect("clean folder");
    assert_eq!(got.warnings.len(), 1, "{:?}", got.warnings);
    let w = got.warnings[0].to_string();
    assert!(
        w.ends_with("jamia.ann:5: T5 is discontinuous: imported as 2 spans (5, 7)"),
        "{w}"
    );
    let d = &got.project.documents[0];
    assert_eq!(d.id, "jamia");
    let spans: Vec<(u64, &str, usize, usize, &str)> = d
        .spans
        .iter()
        .map(|s| (s.id, s.label.as_str(), s.start, s.end, s.text.as_str()))
        .collect();
    assert_eq!(
        spans,
        [
            (5, "entity", 0, 4, "كلية"),
            (7, "entity", 10, 15, "جامعة"),
            (3, "entity", 16, 21, "بغداد"),
            (1, "speaker", 34, 40, "عميدها"),
            (2, "claim", 45, 65, "الدوام سيستأنف الأحد"),
            (6, "speaker", 75, 81, "العميد"),
            (4, "claim", 84, 104, "الامتحانات في موعدها"),
        ]
    );
    let span = |id| d.span(id).expect("span");
    assert_eq!(span(5).note.as_deref(), Some("اسم المؤسسة مقسوم على جزأين"));
    assert_eq!(span(7).note, span(5).note, "both pieces keep the note");
    assert_eq!(
        span(7).attributes.get("kind").map(String::as_str),
        Some("organization")
    );
    assert_eq!(span(4).note.as_deref(), Some("سطران:\nالثاني"));
    assert_eq!(
        span(2).attributes.get("quote").map(String::as_str),
        Some("indirect")
    );
    assert_eq!(
        span(3).attributes.get("kind").map(String::as_str),
        Some("location")
    );
    assert!(d.spans.iter().all(|s| s.annotator == "huda"));
    let rels: Vec<(u64, &str, u64, u64)> = d
        .relations
        .iter()
        .map(|r| (r.id, r.kind.as_str(), r.from, r.to))
        .collect();
    assert_eq!(
        rels,
        [
            (1, "attributed_to", 2, 1),
            (2, "about", 2, 5),
            (3, "attributed_to", 4, 6)
        ]
    );
    assert!(
        d.text().contains("🎓.\r\n"),
        "the text is kept exactly, CRLF included"
    );
    assert!(qalam::project::validate(&got.project).is_empty());
}
