//! Search across all documents (Ctrl+Shift+F) driven through the window as a user does: type a
//! query, wait for the hits to stream in, jump to one with the keyboard or the pointer, label
//! it and save; mark every hit across documents after confirming, and undo that in one step.

use std::path::{Path, PathBuf};

use egui::accesskit::Role;
use egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use qalam::app::{Dialog, QalamApp, Startup};
use qalam::model::{Document, Project};
use qalam::project::{self, SaveGuard};

/// The texts of the test project: the query "رئيس الحكومة" is in documents 1 (once), 2 (once,
/// with diacritics) and 3 (twice); document 0 has none.
const TEXTS: [&str; 4] = [
    "مقدمة لا تذكر أحدا.\nسطر ثان.",
    "قال رئيس الحكومة إن الحملة بدأت.",
    "وأعلن رئيسُ الحكومةِ اليوم خطة جديدة.\nثم غادر.",
    "رئيس الحكومة زار بغداد، ثم عاد رئيس الحكومة إلى مكتبه.",
];
const QUERY: &str = "رئيس الحكومة";

/// Saves the test project (document 3's second hit already marked as a speaker when
/// `premarked`) in a temporary folder.
fn project_file(premarked: bool) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("corpus.ron");
    let mut p = Project::new("corpus", "tester");
    for (i, t) in TEXTS.iter().enumerate() {
        let mut d = Document::new(format!("doc{i}"), format!("المقال {i}"), "", *t);
        if premarked && i == 3 {
            let at = offset_of(t, QUERY, 1);
            let span = d
                .make_span(1, "speaker", at, at + QUERY.chars().count(), "tester")
                .expect("span");
            d.spans.push(span);
        }
        p.documents.push(d.into());
    }
    project::save(&path, &p, SaveGuard::CreateNew).expect("save");
    (dir, path)
}

/// Code-point offset of the `nth` occurrence of `needle` in `text`.
fn offset_of(text: &str, needle: &str, nth: usize) -> usize {
    let (b, _) = text.match_indices(needle).nth(nth).expect("needle in text");
    text[..b].chars().count()
}

fn open(path: &Path) -> Harness<'static, QalamApp> {
    let startup = Startup {
        path: Some(path.to_path_buf()),
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
    h.run_steps(2);
}

/// Ctrl+`k` (with Shift when `shift`), then waits for a save it started.
fn ctrl(h: &mut Harness<'_, QalamApp>, k: Key, shift: bool) {
    let m = if shift {
        Modifiers::COMMAND | Modifiers::SHIFT
    } else {
        Modifiers::COMMAND
    };
    h.key_press_modifiers(m, k);
    h.run_steps(2);
    for _ in 0..500 {
        if !h.state().is_saving() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
        h.step();
    }
}

/// The corpus search's hits as (document, range).
fn hits(h: &Harness<'_, QalamApp>) -> Vec<(usize, std::ops::Range<usize>)> {
    h.state()
        .labeling()
        .map(|l| {
            l.corpus
                .hits()
                .iter()
                .map(|x| (x.doc, x.range.clone()))
                .collect()
        })
        .unwrap_or_default()
}

/// Opens the window with Ctrl+Shift+F, types `query` and waits for the search to finish.
fn search(h: &mut Harness<'_, QalamApp>, query: &str) {
    ctrl(h, Key::F, true);
    // Replace what an earlier search left in the field.
    h.key_press_modifiers(Modifiers::COMMAND, Key::A);
    h.run_steps(1);
    let field = h.get_by_role_and_label(Role::TextInput, "Search all documents:");
    field.type_text(query);
    h.run_steps(2);
    for _ in 0..1000 {
        h.step();
        let done = h
            .state()
            .labeling()
            .is_some_and(|l| !l.corpus.is_searching());
        if done && !hits(h).is_empty() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(2));
    }
    h.run_steps(2);
}

/// Spans of every document as (document, label, start, end, text).
fn spans_of(p: &Project) -> Vec<(usize, String, usize, usize, String)> {
    p.documents
        .iter()
        .enumerate()
        .flat_map(|(i, d)| {
            d.spans
                .iter()
                .map(move |s| (i, s.label.clone(), s.start, s.end, s.text.clone()))
        })
        .collect()
}

fn spans(h: &Harness<'_, QalamApp>) -> Vec<(usize, String, usize, usize, String)> {
    spans_of(&h.state().session().expect("session").project)
}

fn current(h: &Harness<'_, QalamApp>) -> usize {
    h.state().labeling().map_or(usize::MAX, |l| l.current())
}

#[test]
fn enter_jumps_to_a_hit_in_another_document_and_a_label_key_marks_it() {
    let (_dir, path) = project_file(false);
    let mut h = open(&path);
    search(&mut h, QUERY);
    let second = offset_of(TEXTS[3], QUERY, 1);
    assert_eq!(
        hits(&h),
        [(1, 4..16), (2, 6..20), (3, 0..12), (3, second..second + 12)],
        "folding finds the hit written with diacritics"
    );
    let count = h.query_by_label_contains("4 hits in 3 documents");
    assert!(count.is_some(), "the window says how many");
    // Down twice from the query field: the second hit, in document 2.
    key(&mut h, Key::ArrowDown);
    key(&mut h, Key::ArrowDown);
    assert_eq!(
        current(&h),
        0,
        "moving through the list does not switch yet"
    );
    key(&mut h, Key::Enter);
    assert_eq!(current(&h), 2);
    assert_eq!(h.state().text_selection(), Some(6..20));
    key(&mut h, Key::Num1);
    ctrl(&mut h, Key::S, false);
    assert!(
        h.state().session().is_some_and(|s| !s.is_dirty()),
        "{}",
        h.state().status()
    );
    let saved = project::load(&path).expect("reload").project;
    assert_eq!(
        spans_of(&saved),
        [(2, "speaker".into(), 6, 20, "رئيسُ الحكومةِ".into())]
    );
}

#[test]
fn clicking_a_hit_shows_it_selected_in_its_document() {
    let (_dir, path) = project_file(false);
    let mut h = open(&path);
    search(&mut h, "الحكومه");
    assert_eq!(hits(&h).len(), 4, "ة and ه fold together");
    h.get_by_label_contains("Hit 4:").click();
    h.run_steps(3);
    assert_eq!(current(&h), 3);
    let second = offset_of(TEXTS[3], "الحكومة", 1);
    assert_eq!(h.state().text_selection(), Some(second..second + 7));
    key(&mut h, Key::Num3);
    assert_eq!(
        spans(&h),
        [(3, "entity".into(), second, second + 7, "الحكومة".into())]
    );
}

#[test]
fn mark_all_across_documents_asks_first_and_undoes_in_one_step() {
    let (_dir, path) = project_file(true);
    let mut h = open(&path);
    search(&mut h, QUERY);
    assert_eq!(hits(&h).len(), 4);
    let before = spans(&h);
    assert_eq!(before.len(), 1, "one hit was already marked");

    h.get_by_label("Mark all hits as speaker").click();
    // A dialog takes a few frames to appear (it is measured before it is shown).
    h.run_steps(4);
    assert!(
        matches!(
            h.state().dialog(),
            Some(Dialog::MarkCorpusHits {
                spans: 3,
                documents: 3,
                ..
            })
        ),
        "{:?}",
        h.state().dialog()
    );
    assert_eq!(spans(&h), before, "nothing changes before confirming");
    assert!(
        h.query_by_label_contains("Add 3 \"speaker\" span(s) in 3 documents")
            .is_some()
    );
    h.get_by_label("Mark 3 hits").click();
    h.run_steps(2);
    assert!(h.state().dialog().is_none());
    let second = offset_of(TEXTS[3], QUERY, 1);
    let speaker =
        |d: usize, a: usize, b: usize, t: &str| (d, "speaker".to_owned(), a, b, t.to_owned());
    assert_eq!(
        spans(&h),
        [
            speaker(1, 4, 16, QUERY),
            speaker(2, 6, 20, "رئيسُ الحكومةِ"),
            speaker(3, 0, 12, QUERY),
            speaker(3, second, second + 12, QUERY),
        ],
        "every hit marked once; the existing span is not doubled"
    );
    ctrl(&mut h, Key::Z, false);
    assert_eq!(spans(&h), before, "one undo removes them all");
    ctrl(&mut h, Key::Z, true);
    assert_eq!(spans(&h).len(), 4, "and one redo brings them back");
}

#[test]
fn cancelling_the_question_marks_nothing_and_one_document_needs_no_question() {
    let (_dir, path) = project_file(false);
    let mut h = open(&path);
    search(&mut h, QUERY);
    h.get_by_label("Mark all hits as speaker").click();
    // A dialog takes a few frames to appear (it is measured before it is shown).
    h.run_steps(4);
    assert!(h.state().dialog().is_some());
    h.get_by_label("Cancel").click();
    h.run_steps(2);
    assert!(h.state().dialog().is_none());
    assert!(spans(&h).is_empty());

    // A query found in one document only marks at once.
    search(&mut h, "بغداد");
    let at = offset_of(TEXTS[3], "بغداد", 0);
    assert_eq!(hits(&h), [(3, at..at + 5)]);
    h.get_by_label("Mark all hits as speaker").click();
    // A dialog takes a few frames to appear (it is measured before it is shown).
    h.run_steps(4);
    assert!(h.state().dialog().is_none());
    assert_eq!(
        spans(&h),
        [(3, "speaker".into(), at, at + 5, "بغداد".into())]
    );
}
