//! `qalam diff`: annotation changes in words, and the textconv rendering git diffs.

use std::fs;
use std::path::Path;
use std::process::{Command, Output};

use qalam::model::{DocStatus, Document, Project, Relation};
use qalam::project::{self, SaveGuard};

mod common;
use common::{qalam, s, stderr, stdout};

const TEXT: &str = "أفادت مصادر أمنية، في العاصمة العراقية بغداد، بأن الهجوم وقع صباحا";

fn project() -> Project {
    let mut p = Project::new("news", "ali");
    let mut d = Document::new("000_19e18760a7c74451", "أفادت", "", TEXT);
    d.spans.extend(d.make_span(1, "speaker", 6, 17, "ali"));
    let mut claim = d.make_span(2, "claim", 50, 66, "ali").expect("claim");
    claim.attributes.insert("quote".into(), "indirect".into());
    d.spans.push(claim);
    d.relations.push(Relation {
        id: 1,
        kind: "attributed_to".into(),
        from: 2,
        to: 1,
        annotator: String::new(),
    });
    p.documents.push(d.into());
    p
}

/// The project with the speaker longer, the claim's quote direct, a new entity and the
/// document done.
fn edited() -> Project {
    let mut p = project();
    let d = p.doc_mut(0).expect("doc");
    d.spans[0].end = 21;
    d.spans[0].text = "مصادر أمنية، في".into();
    d.spans[1]
        .attributes
        .insert("quote".into(), "direct".into());
    d.spans.extend(d.make_span(3, "entity", 39, 44, "ali"));
    d.status = DocStatus::Done;
    p
}

#[test]
fn changes_between_two_files_are_told_one_per_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (a, b) = (dir.path().join("a.ron"), dir.path().join("b.ron"));
    project::save(&a, &project(), SaveGuard::Force).expect("save");
    project::save(&b, &edited(), SaveGuard::Force).expect("save");
    let o = qalam(&["diff", s(&a), s(&b)]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        lines,
        [
            "doc 000_19e18760a7c74451: status todo → done",
            "doc 000_19e18760a7c74451: ~ speaker 6..17 → 6..21 \"مصادر أمنية، في\"",
            "doc 000_19e18760a7c74451: + entity 39..44 \"بغداد\" annotator \"ali\"",
            "doc 000_19e18760a7c74451: ~ claim 50..66: quote indirect → direct",
        ]
    );
    let o = qalam(&["diff", s(&b), s(&a)]);
    assert!(stdout(&o).contains("- entity 39..44 \"بغداد\""));
    assert!(qalam(&["diff", s(&a), s(&a)]).stdout.is_empty());
}

#[test]
fn textconv_renders_one_line_per_annotation() {
    let dir = tempfile::tempdir().expect("tempdir");
    let a = dir.path().join("a.ron");
    project::save(&a, &project(), SaveGuard::Force).expect("save");
    let o = qalam(&["diff", "--textconv", s(&a)]);
    assert!(o.status.success());
    let out = stdout(&o);
    assert!(out.contains(
        "doc 000_19e18760a7c74451: speaker 6..17 \"مصادر أمنية\" annotator \"ali\" [span 1]\n"
    ));
    assert!(out.contains(
        "doc 000_19e18760a7c74451: relation attributed_to claim 50..66 → speaker 6..17 [relation 1]\n"
    ));
    // Not a project: shown as it is, so git still diffs it.
    let other = dir.path().join("settings.ron");
    fs::write(&other, "(width: 3)\n").expect("write");
    let o = qalam(&["diff", "--textconv", s(&other)]);
    assert!(o.status.success());
    assert_eq!(stdout(&o), "(width: 3)\n");
    // Usage: two files, or one with --textconv.
    assert_eq!(qalam(&["diff", s(&a)]).status.code(), Some(2));
    assert_eq!(
        qalam(&["diff", "--textconv", s(&a), s(&a)]).status.code(),
        Some(2)
    );
    let missing = dir.path().join("missing.ron");
    let o = qalam(&["diff", s(&a), s(&missing)]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("missing.ron"));
}

fn git(dir: &Path, args: &[&str]) -> Output {
    Command::new("git")
        .args([
            "-c",
            "user.name=Qalam Test",
            "-c",
            "user.email=test@example.com",
        ])
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_PAGER", "cat")
        .output()
        .expect("run git")
}

#[test]
fn git_diff_shows_annotation_changes_in_words() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    assert!(git(root, &["init", "-q", "-b", "main"]).status.success());
    let setup = Command::new(env!("CARGO_BIN_EXE_qalam"))
        .arg("git-setup")
        .current_dir(root)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .output()
        .expect("run qalam");
    assert!(setup.status.success(), "{}", stderr(&setup));
    let file = root.join("ali.ron");
    project::save(&file, &project(), SaveGuard::Force).expect("save");
    assert!(git(root, &["add", "."]).status.success());
    assert!(git(root, &["commit", "-q", "-m", "base"]).status.success());
    project::save(&file, &edited(), SaveGuard::Force).expect("save");
    let o = git(root, &["diff", "--no-color"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(
        out.contains(
            "-doc 000_19e18760a7c74451: speaker 6..17 \"مصادر أمنية\" annotator \"ali\" [span 1]"
        ),
        "{out}"
    );
    assert!(
        out.contains("+doc 000_19e18760a7c74451: speaker 6..21 \"مصادر أمنية، في\" annotator \"ali\" [span 1]"),
        "{out}"
    );
    assert!(
        out.contains("+doc 000_19e18760a7c74451: entity 39..44"),
        "{out}"
    );
    assert!(
        !out.contains("spans: ["),
        "the RON itself is not shown:\n{out}"
    );
}
