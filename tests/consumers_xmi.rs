//! dkpro-cassis loads our XMI with its type system and gives the same spans at the same
//! code-point offsets; an XMI that cassis writes (emoji, ZWJ/ZWNJ, marks, CRLF) imports exactly.

mod common;
mod consumers_common;

use common::{qalam, s, stderr, stdout};
use consumers_common::{projects, python, repo, summary};

#[test]
fn cassis_reads_our_xmi_as_our_spans() {
    let dir = tempfile::tempdir().expect("tempdir");
    for (k, ron) in projects(dir.path()).iter().enumerate() {
        let xmi = dir.path().join(format!("xmi-{k}"));
        let jsonl = dir.path().join(format!("{k}.jsonl"));
        for (format, out) in [("xmi", &xmi), ("jsonl", &jsonl)] {
            let o = qalam(&["export", s(ron), "--format", format, "-o", s(out)]);
            assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        }
        let check = repo("tests/python/check_cassis.py");
        let got = summary(&python(
            &[s(&check), "read", s(&xmi), s(&jsonl)],
            dir.path(),
        ));
        let project = qalam::project::load(ron).expect("loads").project;
        let spans: usize = project.documents.iter().map(|d| d.spans.len()).sum();
        assert_eq!(got["spans"], spans, "{got}");
        assert_eq!(got["documents"], project.documents.len(), "{got}");
    }
}

#[test]
fn an_xmi_written_by_cassis_imports_exactly() {
    let dir = tempfile::tempdir().expect("tempdir");
    let xmi = dir.path().join("xmi");
    let o = qalam(&[
        "export",
        s(&repo("projects/seed.ron")),
        "--format",
        "xmi",
        "-o",
        s(&xmi),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let written = dir.path().join("cassis.xmi");
    let check = repo("tests/python/check_cassis.py");
    let want = summary(&python(
        &[
            s(&check),
            "write",
            s(&xmi.join("TypeSystem.xml")),
            s(&written),
        ],
        dir.path(),
    ));
    let out = dir.path().join("cassis.ron");
    let o = qalam(&["import", "--format", "xmi", s(&written), "-o", s(&out)]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("1 document with 4 spans and 1 relation"),
        "{}",
        stdout(&o)
    );
    let p = qalam::project::load(&out).expect("valid project").project;
    let d = &p.documents[0];
    assert_eq!(Some(d.text()), want["text"].as_str());
    assert_eq!((d.id.as_str(), d.title.as_str()), ("cassis-1", "من cassis"));
    for w in want["spans"].as_array().expect("spans") {
        let span = d
            .spans
            .iter()
            .find(|s| Some(s.id) == w["id"].as_u64())
            .expect("span imported with its id");
        assert_eq!(
            (
                span.start,
                span.end,
                span.label.as_str(),
                span.text.as_str()
            ),
            (
                w["start"].as_u64().unwrap_or(0) as usize,
                w["end"].as_u64().unwrap_or(0) as usize,
                w["label"].as_str().unwrap_or(""),
                w["text"].as_str().unwrap_or("")
            )
        );
    }
    assert_eq!(
        d.span(1).and_then(|s| s.note.as_deref()),
        Some("ملاحظة\nسطر ثان")
    );
    assert_eq!(
        d.span(2)
            .and_then(|s| s.attributes.get("quote"))
            .map(String::as_str),
        Some("direct")
    );
    assert_eq!((d.relations[0].from, d.relations[0].to), (2, 1));
}
