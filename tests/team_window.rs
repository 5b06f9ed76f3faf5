//! The Team view of the window: with several annotators' files open for review, Review >
//! Team progress (Ctrl+Shift+T) shows each annotator's progress and each document's overlap,
//! the same table `qalam status` prints for those files.

mod common;

use std::path::PathBuf;

use common::{qalam, s, stdout};
use egui::{Key, Modifiers};
use egui_kittest::Harness;
use qalam::app::{Dialog, QalamApp, Startup};
use qalam::model::{DocStatus, Document, Project};
use qalam::project::{self, SaveGuard};

const TEXTS: [&str; 4] = [
    "أفادت مصادر أمنية في بغداد بأن الحملة بدأت.",
    "قال المتحدث باسم الوزارة إن الانتخابات في موعدها.",
    "وأضاف المصدر أن الحملة مستمرة.",
    "ذكرت وكالة الأنباء أن الوزير وصل.",
];

/// Three annotators' files assigned from one corpus, two annotators per document; each marks
/// their first document done.
fn team() -> (tempfile::TempDir, Vec<PathBuf>) {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut corpus = Project::new("corpus", "");
    for (i, t) in TEXTS.iter().enumerate() {
        corpus
            .documents
            .push(Document::new(format!("news{i}"), *t, "", *t).into());
    }
    let corpus_path = dir.path().join("corpus.ron");
    project::save(&corpus_path, &corpus, SaveGuard::CreateNew).expect("save");
    let out = dir.path().join("team");
    let o = qalam(&[
        "assign",
        s(&corpus_path),
        "--annotators",
        "ali,mona,sara",
        "--per-document",
        "2",
        "--seed",
        "3",
        "-o",
        s(&out),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let paths: Vec<PathBuf> = ["ali", "mona", "sara"]
        .iter()
        .map(|n| out.join(format!("{n}.ron")))
        .collect();
    for p in &paths {
        let mut project = project::load(p).expect("load").project;
        if let Some(d) = project.documents.first_mut() {
            std::sync::Arc::make_mut(d).status = DocStatus::Done;
        }
        project::save(p, &project, SaveGuard::Force).expect("save");
    }
    (dir, paths)
}

#[test]
fn the_team_view_shows_what_qalam_status_prints() {
    let (_dir, paths) = team();
    let startup = Startup {
        review: paths.clone(),
        ..Default::default()
    };
    let mut h = Harness::builder()
        .with_size([1300.0, 800.0])
        .build_eframe(move |cc| QalamApp::new(cc, startup));
    h.run_steps(4);
    h.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::T);
    h.run_steps(3);
    let Some(Dialog::Table { title, text }) = h.state().dialog().cloned() else {
        panic!("no table shown: {:?}", h.state().dialog());
    };
    assert!(title.starts_with("Team progress"), "{title}");
    let args: Vec<&str> = std::iter::once("status")
        .chain(paths.iter().map(|p| s(p)))
        .collect();
    let o = qalam(&args);
    assert!(o.status.success());
    assert_eq!(text, stdout(&o));
    for name in ["ali", "mona", "sara"] {
        assert!(text.contains(name), "{text}");
    }
}
