//! `qalam status`: a team's progress from the annotators' files.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use qalam::model::{DocStatus, Document, Project};
use qalam::project::{self, SaveGuard};

mod common;
use common::{qalam, s, stderr, stdout};

/// Assigns a corpus of four documents to ali, mona and sara (two each, the first shared).
fn team(dir: &Path) -> Vec<PathBuf> {
    let mut p = Project::new("news", "");
    for i in 0..4 {
        let d = Document::new(format!("d{i}"), "", "", format!("نص الخبر رقم {i}"));
        p.documents.push(d.into());
    }
    let corpus = dir.join("corpus.ron");
    project::save(&corpus, &p, SaveGuard::Force).expect("save");
    let out = dir.join("team");
    let o = qalam(&[
        "assign",
        s(&corpus),
        "--annotators",
        "ali,mona,sara",
        "--per-document",
        "2",
        "--shared",
        "1",
        "-o",
        s(&out),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    ["ali", "mona", "sara"]
        .iter()
        .map(|n| out.join(format!("{n}.ron")))
        .collect()
}

/// Sets the status of the document with `text` in the file, optionally renaming it.
fn set_status(path: &Path, text: &str, status: DocStatus, rename: Option<&str>) {
    let mut p = project::load(path).expect("load").project;
    let d = p
        .documents
        .iter_mut()
        .find(|d| d.text() == text)
        .expect("the document");
    let d = Arc::make_mut(d);
    d.status = status;
    if let Some(id) = rename {
        d.id = id.to_owned();
    }
    project::save(path, &p, SaveGuard::Force).expect("save");
}

#[test]
fn progress_per_annotator_and_per_document() {
    let dir = tempfile::tempdir().expect("tempdir");
    let files = team(dir.path());
    let shared = "نص الخبر رقم 0";
    set_status(&files[0], shared, DocStatus::Done, None);
    // Mona's copy calls it something else: documents are matched by their text.
    set_status(&files[1], shared, DocStatus::Done, Some("renamed"));
    set_status(&files[2], shared, DocStatus::InProgress, None);
    let mut args = vec!["status", "--json"];
    args.extend(files.iter().map(|f| s(f)));
    let o = qalam(&args);
    assert!(o.status.success(), "{}", stderr(&o));
    let json: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("json");
    let people = json["annotators"].as_array().expect("annotators");
    assert_eq!(people.len(), 3);
    let names: Vec<&str> = people
        .iter()
        .map(|a| a["annotator"].as_str().expect("name"))
        .collect();
    assert_eq!(names, ["ali", "mona", "sara"]);
    let assigned: u64 = people
        .iter()
        .map(|a| a["assigned"].as_u64().expect("n"))
        .sum();
    assert_eq!(assigned, 3 + 3 * 2);
    assert_eq!(people[0]["done"], 1);
    assert_eq!(people[2]["in_progress"], 1);
    for a in people {
        let (todo, prog, done, all) = (
            a["todo"].as_u64(),
            a["in_progress"].as_u64(),
            a["done"].as_u64(),
            a["assigned"].as_u64(),
        );
        assert_eq!(todo.zip(prog).zip(done).map(|((t, p), d)| t + p + d), all);
        assert!(
            a["last_change"]
                .as_str()
                .is_some_and(|t| t.ends_with('Z') && t.len() == 20),
            "{a}"
        );
    }
    let docs = json["documents"].as_array().expect("documents");
    assert_eq!(docs.len(), 4, "four texts, whatever their ids");
    let first = docs
        .iter()
        .find(|d| d["annotators"].as_array().is_some_and(|a| a.len() == 3))
        .expect("the shared document");
    assert_eq!(first["done"], serde_json::json!(["ali", "mona"]));
    assert_eq!(first["agreement_ready"], true);
    assert_eq!(json["summary"]["agreement_ready"], 1);
    assert_eq!(json["summary"]["overlapping"], 4);
    // Every other document has exactly two annotators, none finished.
    for d in docs.iter().filter(|d| d != &first) {
        assert_eq!(d["annotators"].as_array().map(Vec::len), Some(2));
        assert_eq!(d["agreement_ready"], false);
    }

    let mut args = vec!["status"];
    args.extend(files.iter().map(|f| s(f)));
    let o = qalam(&args);
    assert!(o.status.success());
    let table = stdout(&o);
    for word in [
        "annotator",
        "in progress",
        "last change",
        "ready (2 done)",
        "waiting (0 of 2 done)",
        "1 ready for agreement",
    ] {
        assert!(table.contains(word), "{word} missing:\n{table}");
    }
}

#[test]
fn an_unreadable_file_is_named() {
    let dir = tempfile::tempdir().expect("tempdir");
    let files = team(dir.path());
    let bad = dir.path().join("bad.ron");
    std::fs::write(&bad, "(version: 2, name: \"x\",\n  documents: [(id: ]").expect("write");
    let o = qalam(&["status", s(&files[0]), s(&bad)]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("bad.ron:2:"), "{}", stderr(&o));
}
