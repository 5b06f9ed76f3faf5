//! Review mode through the UI: two annotators' files opened read-only, differences stepped
//! through with keys and decided with buttons (keep left, keep right, keep both), the gold
//! copy written, comments and verdicts saved to review files, and no edits to the projects.

use std::path::{Path, PathBuf};

use egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use qalam::app::{QalamApp, Startup};
use qalam::review::{Decision, DifferenceKind, Verdict, load_review, review_path};

fn example_pair() -> (tempfile::TempDir, Vec<PathBuf>) {
    let dir = tempfile::tempdir().expect("tempdir");
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("projects/review");
    let paths: Vec<PathBuf> = ["ali.ron", "mona.ron"]
        .iter()
        .map(|n| {
            let to = dir.path().join(n);
            std::fs::copy(src.join(n), &to).expect("copy");
            to
        })
        .collect();
    (dir, paths)
}

fn open(paths: &[PathBuf]) -> Harness<'static, QalamApp> {
    let startup = Startup {
        review: paths.to_vec(),
        ..Default::default()
    };
    let mut h = Harness::builder()
        .with_size([1300.0, 800.0])
        .build_eframe(move |cc| QalamApp::new(cc, startup));
    h.run_steps(4);
    h
}

fn key(h: &mut Harness<'_, QalamApp>, k: Key) {
    h.key_press(k);
    // Let the difference list finish scrolling to the shown difference.
    h.run_steps(30);
}

/// Steps with N until the shown difference is of `kind` on spans; returns its index.
fn go_to(h: &mut Harness<'_, QalamApp>, kind: DifferenceKind) -> usize {
    for _ in 0..20 {
        key(h, Key::N);
        let r = h.state().review().expect("review");
        let adj = r.adjudication.as_ref().expect("two files");
        let shown =
            (0..adj.differences().len()).find(|d| h.state().review_difference() == Some(*d));
        if let Some(d) = shown
            && adj.differences()[d].kind == kind
            && adj.decision(d).is_none()
        {
            return d;
        }
    }
    panic!("no undecided {kind:?} difference");
}

fn decision(h: &Harness<'_, QalamApp>, d: usize) -> Option<Decision> {
    h.state()
        .review()?
        .adjudication
        .as_ref()?
        .decision(d)
        .cloned()
}

#[test]
fn keep_left_keep_right_and_keep_both_through_the_buttons_then_gold() {
    let (dir, paths) = example_pair();
    let mut h = open(&paths);
    assert!(
        h.state().session().is_none(),
        "review mode has no editable session"
    );

    // Other boundaries (ali's long speaker vs mona's short one): keep ali's.
    let d1 = go_to(&mut h, DifferenceKind::Boundaries);
    h.get_by_label("Keep ali").click();
    h.run_steps(2);
    assert_eq!(decision(&h, d1), Some(Decision::PickLeft));

    // Other label (entity vs speaker): keep mona's.
    let d2 = go_to(&mut h, DifferenceKind::OtherLabel);
    h.get_by_label("Keep mona").click();
    h.run_steps(2);
    assert_eq!(decision(&h, d2), Some(Decision::PickRight));

    // Missing in one file: keep both (i.e. keep the one that exists).
    let d3 = go_to(&mut h, DifferenceKind::OnlyInSome);
    h.get_by_label("Keep all").click();
    h.run_steps(2);
    assert_eq!(decision(&h, d3), Some(Decision::KeepBoth));

    // Decide the rest with keys: 1 keeps the first file's reading.
    for _ in 0..20 {
        let undecided = h
            .state()
            .review()
            .and_then(|r| r.adjudication.as_ref())
            .map_or(0, |a| a.undecided().count());
        if undecided == 0 {
            break;
        }
        key(&mut h, Key::N);
        if h.state()
            .review_difference()
            .is_some_and(|d| decision(&h, d).is_none())
        {
            key(&mut h, Key::Num1);
        }
    }
    let adj = h
        .state()
        .review()
        .and_then(|r| r.adjudication.as_ref())
        .expect("adjudication");
    assert_eq!(adj.undecided().count(), 0);
    let picked_ali = adj.differences()[d1]
        .spans
        .iter()
        .find(|c| c.annotators == [0])
        .map(|c| c.key.clone())
        .expect("ali's reading");
    let picked_mona = adj.differences()[d2]
        .spans
        .iter()
        .find(|c| c.annotators == [1])
        .map(|c| c.key.clone())
        .expect("mona's reading");

    // Save the gold copy through the path prompt (no desktop dialog here).
    h.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::G);
    h.run_steps(2);
    let gold = dir.path().join("gold.ron");
    let field = h.get_by_role_and_label(
        egui::accesskit::Role::TextInput,
        "Path of the gold .ron file to write:",
    );
    field.focus();
    h.run_steps(1);
    h.key_press_modifiers(Modifiers::COMMAND, Key::A);
    h.get_by_role_and_label(
        egui::accesskit::Role::TextInput,
        "Path of the gold .ron file to write:",
    )
    .type_text(&gold.display().to_string());
    h.run_steps(1);
    h.get_by_role_and_label(egui::accesskit::Role::Button, "Save gold")
        .click();
    h.run_steps(2);
    let loaded = qalam::project::load(&gold).expect("gold is a valid project");
    let spans = &loaded.project.documents[0].spans;
    assert!(spans.iter().any(|s| s.start == picked_ali.start
        && s.end == picked_ali.end
        && s.label == picked_ali.label
        && s.annotator == "ali"));
    assert!(spans.iter().any(|s| s.start == picked_mona.start
        && s.end == picked_mona.end
        && s.label == picked_mona.label
        && s.annotator == "mona"));
    assert!(
        spans.iter().any(|s| s.annotator == "ali,mona"),
        "agreed spans record both annotators"
    );
}

#[test]
fn comments_and_verdicts_go_to_review_files_and_projects_stay_untouched() {
    let (_dir, paths) = example_pair();
    let before: Vec<Vec<u8>> = paths
        .iter()
        .map(|p| std::fs::read(p).expect("read"))
        .collect();
    let mut h = open(&paths);
    // Label keys do nothing to the files in review mode; click a span to comment on it.
    key(&mut h, Key::Num3);
    let rects = h.state_mut().range_rects(6..17);
    let p = rects.first().expect("span laid out").center();
    h.event(egui::Event::PointerMoved(p));
    h.step();
    h.event(egui::Event::PointerButton {
        pos: p,
        button: egui::PointerButton::Primary,
        pressed: true,
        modifiers: Modifiers::NONE,
    });
    h.step();
    h.event(egui::Event::PointerButton {
        pos: p,
        button: egui::PointerButton::Primary,
        pressed: false,
        modifiers: Modifiers::NONE,
    });
    h.run_steps(2);
    h.get_by_role_and_label(egui::accesskit::Role::MultilineTextInput, "Comment text:")
        .focus();
    h.run_steps(1);
    h.get_by_role_and_label(egui::accesskit::Role::MultilineTextInput, "Comment text:")
        .type_text("المصدر غير محدد");
    h.run_steps(1);
    h.get_by_label("Add comment").click();
    h.run_steps(2);
    // A second comment, on the relation that attributes a claim to this speaker.
    h.get_by_label("Comment on").click();
    h.run_steps(2);
    let ali_project = qalam::project::load(&paths[0]).expect("load").project;
    let doc = &ali_project.documents[0];
    let speaker = doc
        .spans
        .iter()
        .find(|s| s.start == 6 && s.end == 17)
        .expect("ali's speaker span");
    let rel = doc
        .relations_of(speaker.id)
        .next()
        .expect("the span has a relation");
    let choice = format!(
        "relation #{} {} (#{} to #{})",
        rel.id, rel.kind, rel.from, rel.to
    );
    h.get_by_label(&choice).click();
    h.run_steps(2);
    h.get_by_role_and_label(egui::accesskit::Role::MultilineTextInput, "Comment text:")
        .focus();
    h.run_steps(1);
    h.get_by_role_and_label(egui::accesskit::Role::MultilineTextInput, "Comment text:")
        .type_text("النسبة صحيحة");
    h.run_steps(1);
    h.get_by_label("Add comment").click();
    h.run_steps(2);
    h.get_by_label("verdict for mona").click();
    h.run_steps(2);
    h.get_by_label("needs work").click();
    h.run_steps(2);
    assert!(
        h.state().title().starts_with('*'),
        "unsaved review: {}",
        h.state().title()
    );
    h.key_press_modifiers(Modifiers::COMMAND, Key::S);
    h.run_steps(2);
    // The review is written in the background.
    for _ in 0..2000 {
        if !h.state().is_saving() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(2));
        h.step();
    }
    h.run_steps(1);

    let (ali, _) = load_review(&review_path(&paths[0])).expect("ali's review file");
    let (mona, _) = load_review(&review_path(&paths[1])).expect("mona's review file");
    let all_comments: Vec<&str> = ali
        .comments
        .iter()
        .chain(&mona.comments)
        .map(|c| c.text.as_str())
        .collect();
    assert_eq!(all_comments, ["المصدر غير محدد", "النسبة صحيحة"]);
    let targets: Vec<bool> = ali
        .comments
        .iter()
        .chain(&mona.comments)
        .map(|c| matches!(c.target, qalam::review::Target::Relation { .. }))
        .collect();
    assert_eq!(
        targets,
        [false, true],
        "the second comment is on a relation"
    );
    assert_eq!(
        mona.verdict("000_19e18760a7c74451"),
        Some(Verdict::NeedsWork)
    );
    assert_eq!(ali.verdict("000_19e18760a7c74451"), None);
    let after: Vec<Vec<u8>> = paths
        .iter()
        .map(|p| std::fs::read(p).expect("read"))
        .collect();
    assert_eq!(
        before, after,
        "project files are never written in review mode"
    );
}

#[test]
fn the_agreement_view_shows_what_qalam_agree_prints() {
    let (_dir, paths) = example_pair();
    let mut h = open(&paths);
    h.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::A);
    h.run_steps(2);
    let Some(qalam::app::Dialog::Table { text, .. }) = h.state().dialog().cloned() else {
        panic!("no agreement table: {:?}", h.state().dialog())
    };
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_qalam"))
        .arg("agree")
        .args(&paths)
        .output()
        .expect("run qalam agree");
    assert!(out.status.success());
    assert_eq!(text, String::from_utf8(out.stdout).expect("utf-8"));
    assert!(
        text.contains("κ") || text.to_lowercase().contains("kappa"),
        "{text}"
    );
}
