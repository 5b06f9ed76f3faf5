//! spaCy reads our exports: every span of the example projects and of a generated project
//! (Arabic, emoji, ZWJ/ZWNJ, combining marks, CRLF) is a span of the Doc built from the
//! exported tokens, with the span's text; the DocBin made by `assets/scripts/qalam_to_spacy.py` loads
//! and its `doc.spans["sc"]` are our spans exactly.

mod common;
mod consumers_common;

use common::{qalam, s, stderr};
use consumers_common::{projects, python, repo, summary};

#[test]
fn spacy_builds_every_span_from_the_exported_tokens_and_the_docbin_holds_them_all() {
    let dir = tempfile::tempdir().expect("tempdir");
    for (k, ron) in projects(dir.path()).iter().enumerate() {
        let jsonl = dir.path().join(format!("{k}.jsonl"));
        let o = qalam(&["export", s(ron), "--format", "jsonl", "-o", s(&jsonl)]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        let docbin = dir.path().join(format!("{k}.spacy"));
        let converter = repo("assets/scripts/qalam_to_spacy.py");
        python(&[s(&converter), s(&jsonl), s(&docbin)], dir.path());
        let check = repo("tests/python/check_spacy.py");
        let got = summary(&python(&[s(&check), s(&jsonl), s(&docbin)], dir.path()));
        let project = qalam::project::load(ron).expect("loads").project;
        let spans: usize = project.documents.iter().map(|d| d.spans.len()).sum();
        assert_eq!(got["spans"], spans, "{}: {got}", ron.display());
        assert_eq!(got["exact"], spans, "{}: {got}", ron.display());
        if ron.ends_with("annotated.ron") {
            // The reason for the aligned tokens: spaCy's own Arabic tokenizer keeps quotes and
            // proclitics on words, so strict char_span cannot place these spans.
            assert!(got["blank_tokenizer_misses"].as_u64() > Some(0), "{got}");
        }
        if ron.ends_with("generated.ron") {
            assert_eq!(got["documents"], 6);
            assert_eq!(spans, 150);
        }
    }
}

#[test]
fn the_converter_refuses_tokens_that_do_not_rebuild_the_text() {
    let dir = tempfile::tempdir().expect("tempdir");
    let jsonl = dir.path().join("bad.jsonl");
    std::fs::write(
        &jsonl,
        r#"{"id":"x","text":"ab","tokens":[{"text":"a","start":0,"end":1,"id":0,"ws":true},{"text":"b","start":1,"end":2,"id":1,"ws":false}],"spans":[],"ents":[]}"#,
    )
    .expect("write");
    let py = std::env::var("QALAM_PYTHON").expect("QALAM_PYTHON is set by tests/run.sh");
    let o = std::process::Command::new(py)
        .args([
            s(&repo("assets/scripts/qalam_to_spacy.py")),
            s(&jsonl),
            s(&dir.path().join("x.spacy")),
        ])
        .output()
        .expect("run the converter");
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("bad.jsonl:1: document x: the tokens do not rebuild the text"),
        "{}",
        stderr(&o)
    );
    assert!(!dir.path().join("x.spacy").exists());
}
