//! The document list of a corpus, driven through the window: filter by status and by text
//! (Arabic-normalised), sort, and stepping through the filtered list with Ctrl+PageUp /
//! Ctrl+PageDown and the "next unfinished document" key.

use std::path::PathBuf;

use egui::accesskit::Role;
use egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use qalam::app::{QalamApp, Startup};
use qalam::model::{DocStatus, Document, Project};
use qalam::project;

const TEXTS: [(&str, &str, DocStatus); 6] = [
    ("d0", "أفادت مصادر أمنية في بغداد", DocStatus::Done),
    ("d1", "قال الرئيسُ إن الأمن أولى", DocStatus::Todo),
    (
        "d2",
        "وأضاف المتحدث أن الحملة مستمرة",
        DocStatus::InProgress,
    ),
    ("d3", "ذكرت وكالة الأنباء أن الرئيـس وصل", DocStatus::Todo),
    ("d4", "شدد الوزير على أهمية الأمن", DocStatus::Done),
    ("d5", "نقلت سكاي نيوز عربية عن مصدر", DocStatus::Todo),
];

fn corpus() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut p = Project::new("corpus", "tester");
    for (id, text, status) in TEXTS {
        let mut d = Document::new(id, text, "", text);
        d.status = status;
        p.documents.push(d.into());
    }
    let path = dir.path().join("corpus.ron");
    project::save(&path, &p, project::SaveGuard::CreateNew).expect("save");
    (dir, path)
}

fn open(path: PathBuf) -> Harness<'static, QalamApp> {
    let startup = Startup {
        path: Some(path),
        ..Default::default()
    };
    let mut h = Harness::builder()
        .with_size([1300.0, 800.0])
        .build_eframe(move |cc| QalamApp::new(cc, startup));
    h.run_steps(4);
    h
}

fn current(h: &Harness<'_, QalamApp>) -> usize {
    h.state().labeling().map(|l| l.current()).expect("labeling")
}

fn listed(h: &Harness<'_, QalamApp>) -> Vec<usize> {
    h.state()
        .labeling()
        .map(|l| l.ui.list.order.clone())
        .expect("labeling")
}

fn chord(h: &mut Harness<'_, QalamApp>, modifiers: Modifiers, k: Key) {
    h.key_press_modifiers(modifiers, k);
    h.run_steps(2);
}

fn choose(h: &mut Harness<'_, QalamApp>, combo: &str, option: &str) {
    h.get_by_label(combo).click();
    h.run_steps(2);
    h.get_by_label(option).click();
    h.run_steps(3);
}

#[test]
fn filter_by_status_and_text_then_step_through_the_filtered_list() {
    let (_dir, path) = corpus();
    let mut h = open(path);
    assert_eq!(listed(&h), [0, 1, 2, 3, 4, 5]);

    // Only the documents still to do; Ctrl+PageDown moves through those alone.
    choose(&mut h, "Show", "to do");
    assert_eq!(listed(&h), [1, 3, 5]);
    h.get_by_role_and_label(Role::Button, TEXTS[3].1).click();
    h.run_steps(3);
    assert_eq!(current(&h), 3);
    chord(&mut h, Modifiers::COMMAND, Key::PageDown);
    assert_eq!(current(&h), 5);
    chord(&mut h, Modifiers::COMMAND, Key::PageDown);
    assert_eq!(current(&h), 1, "wraps around the filtered list");
    chord(&mut h, Modifiers::COMMAND, Key::PageUp);
    assert_eq!(current(&h), 5);

    // Text filter, with diacritics and tatweel folded as search does.
    choose(&mut h, "Show", "all");
    h.get_by_label("Filter:").click();
    h.run_steps(2);
    h.get_by_label("Filter:").type_text("الرئيس");
    h.run_steps(3);
    assert_eq!(listed(&h), [1, 3]);
    assert!(
        h.query_by_label("2 of 6 listed").is_some(),
        "the list says how many it shows"
    );

    // Sort by status: to do before in progress before done.
    h.get_by_label("Filter:").click();
    h.key_press_modifiers(Modifiers::COMMAND, Key::A);
    h.key_press(Key::Backspace);
    h.run_steps(3);
    assert_eq!(listed(&h).len(), 6);
    choose(&mut h, "Sort", "status");
    assert_eq!(listed(&h), [1, 3, 5, 2, 0, 4]);
}

#[test]
fn next_unfinished_document_skips_finished_ones() {
    let (_dir, path) = corpus();
    let mut h = open(path);
    assert_eq!(current(&h), 0);
    let next = Modifiers::COMMAND | Modifiers::SHIFT;
    chord(&mut h, next, Key::PageDown);
    assert_eq!(current(&h), 1);
    chord(&mut h, next, Key::PageDown);
    assert_eq!(current(&h), 2);
    chord(&mut h, next, Key::PageDown);
    assert_eq!(current(&h), 3);
    chord(&mut h, next, Key::PageDown);
    assert_eq!(current(&h), 5, "document 4 is done");
    chord(&mut h, next, Key::PageDown);
    assert_eq!(current(&h), 1, "wraps around past the done document 0");
    // Marking each done as it goes: the key ends on the last unfinished one and says so.
    for expected_next in [2, 3, 5] {
        h.state_mut()
            .apply_intent(qalam::ui::labeling::Intent::SetStatus(DocStatus::Done));
        chord(&mut h, next, Key::PageDown);
        assert_eq!(current(&h), expected_next);
    }
    h.state_mut()
        .apply_intent(qalam::ui::labeling::Intent::SetStatus(DocStatus::Done));
    chord(&mut h, next, Key::PageDown);
    // (The status bar says "Every other document in the list is done"; a background
    // autosave's message can replace it at any frame, so the document is what is checked.)
    assert_eq!(current(&h), 5, "stays on the last unfinished document");
}
