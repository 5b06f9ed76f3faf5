//! `qalam agree`: table and JSON output, unmatched documents, exit codes.

use std::path::{Path, PathBuf};

use qalam::model::{Document, Project};
use qalam::project::{self, SaveGuard};

mod common;
use common::{qalam, s};

/// A project by `annotator` with a shared document (id differing per file) and one of its own.
fn saved(dir: &Path, annotator: &str, speaker_end: usize) -> PathBuf {
    let mut p = Project::new("cli", annotator);
    let mut d = Document::new(
        format!("{annotator}-shared"),
        "",
        "",
        "قال مصدر أمني إن الحملة بدأت",
    );
    d.spans
        .extend(d.make_span(1, "speaker", 4, speaker_end, ""));
    d.spans.extend(d.make_span(2, "claim", 17, 28, ""));
    p.documents.push(d.into());
    p.documents.push(
        Document::new(
            format!("{annotator}-own"),
            "",
            "",
            format!("نص {annotator}"),
        )
        .into(),
    );
    let path = dir.join(format!("{annotator}.ron"));
    project::save(&path, &p, SaveGuard::Force).expect("save");
    path
}

#[test]
fn agree_prints_a_table_and_lists_unmatched_documents() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (a, b) = (saved(dir.path(), "ali", 13), saved(dir.path(), "mona", 8));
    let o = qalam(&["agree", s(&a), s(&b)]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        out.contains("A = ali (") && out.contains("B = mona ("),
        "{out}"
    );
    assert!(
        out.contains("Documents in every file: 1; only in some: 2"),
        "{out}"
    );
    assert!(
        out.contains("not compared: A:ali-own") && out.contains("not compared: B:mona-own"),
        "{out}"
    );
    let exact = out
        .lines()
        .find(|l| l.starts_with("exact F1 A–B"))
        .expect("exact row");
    let cells: Vec<&str> = exact.split_whitespace().collect();
    // overall 1 of 2 spans matches on each side; speaker 0, claim 1, entity undefined.
    assert_eq!(cells[3..], ["0.500", "0.000", "1.000", "–"], "{out}");
    assert!(
        o.stderr.is_empty(),
        "no progress bar when stderr is not a terminal"
    );
}

#[test]
fn agree_json_has_every_number() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (a, b) = (saved(dir.path(), "ali", 13), saved(dir.path(), "mona", 13));
    let c = saved(dir.path(), "sara", 8);
    let o = qalam(&["agree", "--json", s(&a), s(&b), s(&c)]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
    assert_eq!(
        json["annotators"],
        serde_json::json!(["ali", "mona", "sara"])
    );
    assert_eq!(json["files"][2], s(&c));
    assert_eq!(
        json["documents"][0]["ids"],
        serde_json::json!(["ali-shared", "mona-shared", "sara-shared"])
    );
    let pairs = json["corpus"]["pairs"].as_array().expect("pairs");
    assert_eq!(pairs.len(), 3);
    assert_eq!(pairs[0]["exact"]["overall"]["f1"], 1.0);
    assert_eq!(
        pairs[0]["relations"]["overall"]["f1"],
        serde_json::Value::Null,
        "no relations: undefined"
    );
    assert!(json["corpus"]["fleiss_kappa"]["by_label"]["speaker"].is_f64());
    assert!(
        json["corpus"]["krippendorff_alpha"]["overall"]
            .as_f64()
            .is_some_and(|x| x < 1.0)
    );
    assert_eq!(json["only_in_some"].as_array().map(Vec::len), Some(3));
}

#[test]
fn agree_needs_two_valid_files() {
    let dir = tempfile::tempdir().expect("temp dir");
    let a = saved(dir.path(), "ali", 13);
    assert_eq!(
        qalam(&["agree", s(&a)]).status.code(),
        Some(2),
        "one file is a usage error"
    );
    let broken = dir.path().join("broken.ron");
    std::fs::write(&broken, "(version: 1, documents: [").expect("write");
    let o = qalam(&["agree", s(&a), s(&broken)]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("broken.ron:"),
        "the message names the file"
    );
    assert!(String::from_utf8_lossy(&qalam(&["--help"]).stdout).contains("agree"));
}
