//! The review file: round trip, atomic guarded saving, located errors, stale comments.

use std::fs;

use qalam::model::{Document, Project, Relation};
use qalam::project::{self, SaveGuard};
use qalam::review::{
    Comment, ReviewError, ReviewFile, Target, Verdict, load_review, review_path, save_review,
};

fn project() -> Project {
    let mut p = Project::new("news", "ali");
    let mut d = Document::new("d1", "", "", "قال مصدر أمني إن الحملة بدأت");
    d.spans.extend(d.make_span(1, "speaker", 4, 13, "ali"));
    d.spans.extend(d.make_span(2, "claim", 17, 28, "ali"));
    d.relations.push(Relation {
        id: 1,
        kind: "attributed_to".into(),
        from: 2,
        to: 1,
        annotator: String::new(),
    });
    p.documents.push(d.into());
    p.documents
        .push(Document::new("d2", "", "", "نص ثان").into());
    p
}

fn review_of(dir: &std::path::Path, p: &Project) -> (std::path::PathBuf, ReviewFile) {
    let path = dir.join("news.ron");
    project::save(&path, p, SaveGuard::Force).expect("save project");
    let mut review = ReviewFile::for_project_file(&path, "mona").expect("review");
    let d = &p.documents[0];
    review.comments.push(Comment::on_span(
        d,
        &d.spans[0],
        "المصدر غير محدد\nline two \"quoted\" \u{200f}",
    ));
    review
        .comments
        .push(Comment::on_relation(d, &d.relations[0], "ok").expect("endpoints exist"));
    review
        .comments
        .push(Comment::on_document(&p.documents[1], "empty document"));
    review.set_verdict("d1", Verdict::NeedsWork);
    review.set_verdict("d2", Verdict::Accepted);
    (path, review)
}

#[test]
fn review_file_round_trips_beside_the_project() {
    let dir = tempfile::tempdir().expect("temp dir");
    let p = project();
    let (project_path, review) = review_of(dir.path(), &p);
    let path = review_path(&project_path);
    assert_eq!(path, dir.path().join("news.review.ron"));
    let stamp = save_review(&path, &review, SaveGuard::CreateNew).expect("save");
    let (back, back_stamp) = load_review(&path).expect("load");
    assert_eq!(back, review);
    assert_eq!(back_stamp, stamp);
    assert_eq!(back.project, "news.ron");
    assert_eq!(back.project_sha256.len(), 64);
    assert_eq!(back.verdict("d1"), Some(Verdict::NeedsWork));
    assert_eq!(back.comments_on("d1").count(), 2);
    let text = fs::read_to_string(&path).expect("read");
    assert!(
        text.contains("needs_work") && text.contains("version: 1"),
        "{text}"
    );
    // The project file itself is untouched by reviewing.
    assert_eq!(
        project::load(&project_path).expect("load project").project,
        p
    );
}

#[test]
fn saving_is_guarded_like_projects() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (project_path, mut review) = review_of(dir.path(), &project());
    let path = review_path(&project_path);
    let stamp = save_review(&path, &review, SaveGuard::CreateNew).expect("save");
    assert!(matches!(
        save_review(&path, &review, SaveGuard::CreateNew),
        Err(ReviewError::File(
            project::ProjectError::AlreadyExists { .. }
        ))
    ));
    review.set_verdict("d1", Verdict::Accepted);
    let stamp =
        save_review(&path, &review, SaveGuard::Unchanged(&stamp)).expect("unchanged on disk");
    fs::write(
        &path,
        fs::read_to_string(&path)
            .expect("read")
            .replace("mona", "someone else"),
    )
    .expect("edit behind our back");
    let err = save_review(&path, &review, SaveGuard::Unchanged(&stamp))
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(err.contains("changed by another program"), "{err}");
    let leftovers: Vec<_> = fs::read_dir(dir.path())
        .expect("list")
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().contains(".tmp-"))
        .collect();
    assert!(leftovers.is_empty());
}

#[test]
fn load_errors_name_file_line_and_column() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("x.review.ron");
    fs::write(&path, "(\n    version: 1,\n    project: \"x.ron\",\n    project_sha256: \"\",\n    verdicts: {\"d1\": maybe},\n)\n").expect("write");
    let err = load_review(&path)
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(err.starts_with(&format!("{}:5:", path.display())), "{err}");
    fs::write(
        &path,
        "(version: 2, project: \"x.ron\", project_sha256: \"\")",
    )
    .expect("write");
    let err = load_review(&path)
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(
        err.contains("review file version 2") && err.contains("update Qalam"),
        "{err}"
    );
    fs::write(&path, b"(version: 1, project: \"\xff\")").expect("write");
    let err = load_review(&path)
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(err.contains(":1:24: invalid UTF-8 at byte 23"), "{err}");
    fs::write(
        &path,
        "(version: 1, project: \"x\", project_sha256: \"\", surprise: 1)",
    )
    .expect("write");
    assert!(matches!(
        load_review(&path),
        Err(ReviewError::Syntax { line: 1, .. })
    ));
    assert!(matches!(
        load_review(&dir.path().join("missing.review.ron")),
        Err(ReviewError::File(_))
    ));
}

#[test]
fn comments_find_their_target_after_renumbering_and_go_stale_after_changes() {
    let p = project();
    let d = &p.documents[0];
    let on_span = Comment::on_span(d, &d.spans[0], "x");
    let on_relation = Comment::on_relation(d, &d.relations[0], "y").expect("relation");
    let mut review = ReviewFile::new("news.ron", "", "mona");
    review.comments = vec![
        on_span.clone(),
        on_relation.clone(),
        Comment::on_document(d, "z"),
    ];
    assert_eq!(review.stale_comments(&p).count(), 0);
    // Renumber spans: comments still find them by range and label.
    let mut renumbered = p.clone();
    let doc = renumbered.doc_mut(0).expect("doc");
    for s in &mut doc.spans {
        s.id += 10;
    }
    for r in &mut doc.relations {
        r.from += 10;
        r.to += 10;
    }
    assert_eq!(review.stale_comments(&renumbered).count(), 0);
    // Relabel the speaker: both the span comment and the relation comment are stale.
    let mut relabelled = p.clone();
    relabelled.doc_mut(0).expect("doc").spans[0].label = "entity".into();
    let stale: Vec<&Target> = review
        .stale_comments(&relabelled)
        .map(|c| &c.target)
        .collect();
    assert_eq!(stale, [&on_span.target, &on_relation.target]);
    assert!(!Comment::on_document(d, "z").is_current(&Project::new("other", "")));
}

#[test]
fn arabic_comments_are_written_readably() {
    let mut r = qalam::review::ReviewFile::new("p.ron", "0".repeat(64), "مراجع");
    let doc = qalam::model::Document::new("d", "", "", "قَالَ المصدر");
    r.comments
        .push(qalam::review::Comment::on_document(&doc, "تعليقٌ مُهمّ"));
    let text = qalam::review::file::review_to_string(&r).expect("serialize");
    assert!(text.contains("تعليقٌ مُهمّ"), "{text}");
    assert!(!text.contains("\\u{"), "{text}");
    let back = qalam::review::file::parse_review(&text, std::path::Path::new("x.review.ron"))
        .expect("parse");
    assert_eq!(back, r);
}
