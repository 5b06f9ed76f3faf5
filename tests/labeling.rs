//! The hand-labeling loop driven through the UI as a user would: pointer drags on the
//! document view, label keys, linking, attributes, undo/redo, save and reopen; search,
//! mark-all, deletion, Alt-exact selection and proclitic snapping.

use std::path::{Path, PathBuf};

use egui::{Event, Key, Modifiers, PointerButton, Pos2};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use qalam::app::{QalamApp, Startup};
use qalam::project;

/// A copy of the seed project in a temporary folder.
fn seed_copy() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("seed.ron");
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("projects/seed.ron"),
        &path,
    )
    .expect("copy");
    (dir, path)
}

fn open(path: &Path) -> Harness<'static, QalamApp> {
    let startup = Startup {
        path: Some(path.to_path_buf()),
        root: None,
        ..Default::default()
    };
    let mut h = Harness::builder()
        .with_size([1300.0, 800.0])
        .build_eframe(move |cc| QalamApp::new(cc, startup));
    h.run_steps(4);
    h
}

fn text(h: &Harness<'_, QalamApp>) -> String {
    h.state()
        .session()
        .map(|s| s.project.documents[0].text().to_owned())
        .unwrap_or_default()
}

/// Code-point offset of the `nth` occurrence of `needle`.
fn offset_of(text: &str, needle: &str, nth: usize) -> usize {
    let (b, _) = text.match_indices(needle).nth(nth).expect("needle in text");
    text[..b].chars().count()
}

/// A point inside character `i`, on its leading (`lead`) or trailing side in reading order.
fn point_in_char(h: &mut Harness<'_, QalamApp>, i: usize, lead: bool) -> Pos2 {
    let rects = h.state_mut().range_rects(i..i + 1);
    let r = rects.first().copied().expect("character is laid out");
    // Arabic runs right to left: its leading side is the right one.
    let rtl = text(h)
        .chars()
        .nth(i)
        .is_some_and(|c| ('\u{0600}'..='\u{06FF}').contains(&c));
    let frac = if lead == rtl { 0.8 } else { 0.2 };
    Pos2::new(r.left() + r.width() * frac, r.center().y)
}

fn pointer(h: &mut Harness<'_, QalamApp>, pos: Pos2, pressed: bool, modifiers: Modifiers) {
    h.event(Event::PointerButton {
        pos,
        button: PointerButton::Primary,
        pressed,
        modifiers,
    });
    h.step();
}

/// Drags from the leading side of character `from` to the trailing side of character `to - 1`.
fn drag_select(h: &mut Harness<'_, QalamApp>, from: usize, to: usize, modifiers: Modifiers) {
    let a = point_in_char(h, from, true);
    let b = point_in_char(h, to - 1, false);
    h.event(Event::ModifiersChanged(modifiers));
    h.event(Event::PointerMoved(a));
    h.step();
    pointer(h, a, true, modifiers);
    for k in 1..=6 {
        h.event(Event::PointerMoved(a.lerp(b, k as f32 / 6.0)));
        h.step();
    }
    pointer(h, b, false, modifiers);
    h.event(Event::ModifiersChanged(Modifiers::NONE));
    h.run_steps(2);
}

fn click_char(h: &mut Harness<'_, QalamApp>, i: usize) {
    let p = point_in_char(h, i, true);
    h.event(Event::PointerMoved(p));
    h.step();
    pointer(h, p, true, Modifiers::NONE);
    pointer(h, p, false, Modifiers::NONE);
    h.run_steps(2);
}

fn key(h: &mut Harness<'_, QalamApp>, k: Key) {
    h.key_press(k);
    h.run_steps(2);
}

fn cmd(h: &mut Harness<'_, QalamApp>, k: Key) {
    h.key_press_modifiers(Modifiers::COMMAND, k);
    h.run_steps(2);
    // A save runs in the background: wait for it.
    for _ in 0..500 {
        if !h.state().is_saving() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
        h.step();
    }
}

fn spans(h: &Harness<'_, QalamApp>) -> Vec<(String, usize, usize, String)> {
    let s = h.state().session().expect("session");
    s.project.documents[0]
        .spans
        .iter()
        .map(|sp| (sp.label.clone(), sp.start, sp.end, sp.text.clone()))
        .collect()
}

#[test]
fn mark_link_attribute_undo_redo_save_and_reopen() {
    let (_dir, path) = seed_copy();
    let mut h = open(&path);
    let t = text(&h);
    // Speaker: drag from the middle of "مصادر" to the middle of "أمنية"; snapping makes it whole.
    let speaker = offset_of(&t, "مصادر أمنية", 0);
    drag_select(&mut h, speaker + 2, speaker + 9, Modifiers::NONE);
    assert_eq!(h.state().text_selection(), Some(speaker + 2..speaker + 9));
    key(&mut h, Key::Num1);
    // Claim: exactly a phrase.
    let claim_text = "أطلق حملة كبيرة لتأمين الانتخابات النيابية";
    let claim = offset_of(&t, claim_text, 0);
    let claim_end = claim + claim_text.chars().count();
    drag_select(&mut h, claim, claim_end, Modifiers::NONE);
    key(&mut h, Key::Num2);
    assert_eq!(
        spans(&h),
        [
            (
                "speaker".to_owned(),
                speaker,
                speaker + 11,
                "مصادر أمنية".to_owned()
            ),
            ("claim".to_owned(), claim, claim_end, claim_text.to_owned()),
        ]
    );
    // The new claim is selected: A, then click the speaker.
    key(&mut h, Key::A);
    assert_eq!(
        h.state().labeling().and_then(|l| l.doc_ui().linking()),
        Some("attributed_to")
    );
    click_char(&mut h, speaker + 3);
    let rels: Vec<_> = h.state().session().expect("s").project.documents[0]
        .relations
        .iter()
        .map(|r| (r.kind.clone(), r.from, r.to))
        .collect();
    assert_eq!(rels, [("attributed_to".to_owned(), 2, 1)]);
    // Attribute through the details panel.
    h.get_by_label("claim.quote").click();
    h.run_steps(2);
    h.get_by_label("indirect").click();
    h.run_steps(2);
    let quote = |h: &Harness<'_, QalamApp>| {
        h.state().session().and_then(|s| {
            s.project.documents[0]
                .span(2)?
                .attributes
                .get("quote")
                .cloned()
        })
    };
    assert_eq!(quote(&h).as_deref(), Some("indirect"));
    cmd(&mut h, Key::Z);
    assert_eq!(quote(&h), None, "undo removes the attribute");
    cmd(&mut h, Key::Z);
    assert!(
        h.state().session().expect("s").project.documents[0]
            .relations
            .is_empty(),
        "undo removes the link"
    );
    cmd(&mut h, Key::Y);
    h.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::Z);
    h.run_steps(2);
    assert_eq!(quote(&h).as_deref(), Some("indirect"), "redo restores both");
    cmd(&mut h, Key::S);
    assert!(
        h.state().session().is_some_and(|s| !s.is_dirty()),
        "{}",
        h.state().status()
    );

    let loaded = project::load(&path).expect("reload");
    assert!(loaded.problems.is_empty(), "{:?}", loaded.problems);
    let d = &loaded.project.documents[0];
    let got: Vec<_> = d
        .spans
        .iter()
        .map(|s| (s.id, s.label.as_str(), s.text.as_str()))
        .collect();
    assert_eq!(
        got,
        [(1, "speaker", "مصادر أمنية"), (2, "claim", claim_text)]
    );
    assert_eq!(d.relations.len(), 1);
    assert_eq!((d.relations[0].from, d.relations[0].to), (2, 1));
    assert_eq!(
        d.span(2)
            .and_then(|s| s.attributes.get("quote"))
            .map(String::as_str),
        Some("indirect")
    );
}

#[test]
fn search_ignores_diacritics_and_mark_all_is_one_undo_step() {
    let (_dir, path) = seed_copy();
    let mut h = open(&path);
    let field = |h: &mut Harness<'_, QalamApp>, q: &str| {
        let node = h.get_by_role_and_label(egui::accesskit::Role::TextInput, "Search:");
        node.focus();
        h.run_steps(1);
        h.key_press_modifiers(Modifiers::COMMAND, Key::A);
        h.get_by_role_and_label(egui::accesskit::Role::TextInput, "Search:")
            .type_text(q);
        h.run_steps(3);
        h.state()
            .labeling()
            .map(|l| l.doc_ui().hits().to_vec())
            .unwrap_or_default()
    };
    let plain = field(&mut h, "الانتخابات");
    assert!(plain.len() >= 5, "{plain:?}");
    let marked = field(&mut h, "الانْتِخَابَات");
    assert_eq!(marked, plain, "diacritics in the query are ignored");
    let alef = field(&mut h, "الإنتخابات");
    assert_eq!(alef, plain, "alef variants are folded");

    h.get_by_label("Mark all hits").click();
    h.run_steps(2);
    assert_eq!(spans(&h).len(), plain.len());
    assert!(
        spans(&h)
            .iter()
            .all(|s| s.0 == "speaker" && s.3 == "الانتخابات")
    );
    cmd(&mut h, Key::Z);
    assert!(spans(&h).is_empty(), "one undo removes every hit's span");
}

#[test]
fn a_label_key_on_a_search_hit_marks_exactly_the_hit() {
    let (_dir, path) = seed_copy();
    let mut h = open(&path);
    let t = text(&h);
    // Part of a word: "كاظم" inside "الكاظمي". Snapping would take the whole word.
    let node = h.get_by_role_and_label(egui::accesskit::Role::TextInput, "Search:");
    node.focus();
    h.run_steps(1);
    h.get_by_role_and_label(egui::accesskit::Role::TextInput, "Search:")
        .type_text("كاظم");
    h.run_steps(3);
    h.get_by_label("Next").click();
    h.run_steps(2);
    let hit = h.state().text_selection().expect("the hit is selected");
    let quoted =
        |r: &std::ops::Range<usize>| t.chars().skip(r.start).take(r.len()).collect::<String>();
    assert_eq!(quoted(&hit), "كاظم");
    key(&mut h, Key::Num3);
    assert!(
        spans(&h)
            .iter()
            .any(|s| s.0 == "entity" && (s.1, s.2) == (hit.start, hit.end) && s.3 == "كاظم"),
        "{:?} {}",
        spans(&h),
        h.state().status()
    );
    // Any other selection still snaps to whole words.
    h.state_mut()
        .set_text_selection(Some(hit.start..hit.end - 1));
    h.run_steps(1);
    key(&mut h, Key::Num1);
    assert!(
        spans(&h)
            .iter()
            .any(|s| s.0 == "speaker" && s.3 == "الكاظمي"),
        "{:?}",
        spans(&h)
    );
}

#[test]
fn deleting_a_span_deletes_its_relations() {
    let (_dir, path) = seed_copy();
    let mut h = open(&path);
    let t = text(&h);
    let speaker = offset_of(&t, "مصدر أمني", 0);
    drag_select(&mut h, speaker, speaker + 9, Modifiers::NONE);
    key(&mut h, Key::Num1);
    let claim = offset_of(&t, "الحملة الأمنية التي أطلقتها الحكومة", 0);
    drag_select(&mut h, claim, claim + 35, Modifiers::NONE);
    key(&mut h, Key::Num2);
    key(&mut h, Key::A);
    click_char(&mut h, speaker + 2);
    assert_eq!(
        h.state().session().expect("s").project.documents[0]
            .relations
            .len(),
        1
    );
    // Select the speaker by clicking it, then Delete.
    click_char(&mut h, speaker + 4);
    assert_eq!(
        h.state()
            .labeling()
            .and_then(|l| l.doc_ui().selected_span()),
        Some(1)
    );
    key(&mut h, Key::Delete);
    let d = &h.state().session().expect("s").project.documents[0];
    assert!(d.span(1).is_none());
    assert!(d.relations.is_empty());
    cmd(&mut h, Key::Z);
    assert_eq!(
        h.state().session().expect("s").project.documents[0]
            .relations
            .len(),
        1,
        "undo brings both back"
    );
}

#[test]
fn alt_selection_keeps_exact_characters() {
    let (_dir, path) = seed_copy();
    let mut h = open(&path);
    let t = text(&h);
    let at = offset_of(&t, "مصادر أمنية", 0);
    drag_select(&mut h, at + 2, at + 9, Modifiers::ALT);
    key(&mut h, Key::Num1);
    assert_eq!(
        spans(&h),
        [("speaker".to_owned(), at + 2, at + 9, "ادر أمن".to_owned())]
    );
}

#[test]
fn snapping_leaves_proclitics_out_when_the_selection_starts_after_them() {
    let (_dir, path) = seed_copy();
    let mut h = open(&path);
    let t = text(&h);
    let waqala = offset_of(&t, "وقال مصدر", 0);
    drag_select(&mut h, waqala + 1, waqala + 3, Modifiers::NONE);
    key(&mut h, Key::Num1);
    let sky = offset_of(&t, "سكاي نيوز عربية", 0);
    drag_select(&mut h, sky, sky + 15, Modifiers::NONE);
    key(&mut h, Key::Num3);
    let got: Vec<String> = spans(&h).into_iter().map(|s| s.3).collect();
    assert_eq!(got, ["قال", "سكاي نيوز عربية"]);
}

#[test]
fn keyboard_only_marking_relabeling_and_span_stepping() {
    let (_dir, path) = seed_copy();
    let mut h = open(&path);
    // Click once into the text to place the caret at the start of "مصادر", then select with Shift+Left
    // (Arabic runs right to left: Left moves forward in the text).
    let t = text(&h);
    let at = offset_of(&t, "مصادر", 0);
    let p = point_in_char(&mut h, at, true);
    h.event(Event::PointerMoved(p));
    pointer(&mut h, p, true, Modifiers::NONE);
    pointer(&mut h, p, false, Modifiers::NONE);
    for _ in 0..5 {
        h.key_press_modifiers(Modifiers::SHIFT, Key::ArrowLeft);
        h.step();
    }
    h.run_steps(2);
    assert_eq!(h.state().text_selection(), Some(at..at + 5));
    key(&mut h, Key::Num3);
    assert_eq!(spans(&h)[0].3, "مصادر");
    // Relabel the selected span with another number key.
    key(&mut h, Key::Num1);
    assert_eq!(spans(&h)[0].0, "speaker");
    // Grow its left edge (the logical end in RTL) by two characters, then undo one step.
    h.key_press_modifiers(Modifiers::SHIFT, Key::ArrowLeft);
    h.key_press_modifiers(Modifiers::SHIFT, Key::ArrowLeft);
    h.run_steps(2);
    assert_eq!(spans(&h)[0].3, "مصادر أ");
    cmd(&mut h, Key::Z);
    assert_eq!(spans(&h)[0].3, "مصادر ");
    key(&mut h, Key::Escape);
    assert_eq!(
        h.state()
            .labeling()
            .and_then(|l| l.doc_ui().selected_span()),
        None
    );
    key(&mut h, Key::Tab);
    assert_eq!(
        h.state()
            .labeling()
            .and_then(|l| l.doc_ui().selected_span()),
        Some(1)
    );
    // The shortcut sheet lists the schema's keys.
    key(&mut h, Key::F1);
    assert!(matches!(
        h.state().dialog(),
        Some(qalam::app::Dialog::Shortcuts)
    ));
    h.get_by_label("Label the selection (or relabel the span) \"claim\"");
}

#[test]
fn attributes_without_a_mouse() {
    let (_dir, path) = seed_copy();
    let mut h = open(&path);
    // The caret starts at the beginning of the text; Shift+Left selects forward in Arabic.
    for _ in 0..5 {
        h.key_press_modifiers(Modifiers::SHIFT, Key::ArrowLeft);
        h.step();
    }
    h.run_steps(2);
    key(&mut h, Key::Num2);
    assert_eq!(spans(&h), [("claim".to_owned(), 0, 5, "أفادت".to_owned())]);
    // F6 puts the keyboard on the details panel; Tab reaches the attribute, Space opens it.
    key(&mut h, Key::F6);
    key(&mut h, Key::Tab);
    key(&mut h, Key::Space);
    key(&mut h, Key::Tab);
    key(&mut h, Key::Tab);
    key(&mut h, Key::Space);
    let quote = h.state().session().and_then(|s| {
        s.project.documents[0]
            .span(1)?
            .attributes
            .get("quote")
            .cloned()
    });
    assert_eq!(
        quote.as_deref(),
        Some("direct"),
        "status: {}",
        h.state().status()
    );
    // Esc brings the keyboard back to the text, where label keys work again.
    key(&mut h, Key::Escape);
    key(&mut h, Key::Num3);
    assert_eq!(spans(&h)[0].0, "entity");
}

#[test]
fn dragging_an_edge_of_the_selected_span_moves_it_in_one_undo_step() {
    let (_dir, path) = seed_copy();
    let mut h = open(&path);
    let t = text(&h);
    let at = offset_of(&t, "مصادر أمنية", 0);
    drag_select(&mut h, at + 1, at + 4, Modifiers::NONE);
    key(&mut h, Key::Num1);
    assert_eq!(
        spans(&h),
        [("speaker".to_owned(), at, at + 5, "مصادر".to_owned())]
    );
    // Press on the span's end edge (the trailing side of its last letter), drag over "أمنية".
    let from = point_in_char(&mut h, at + 4, false);
    let to = point_in_char(&mut h, at + 10, false);
    h.event(Event::PointerMoved(from));
    h.step();
    pointer(&mut h, from, true, Modifiers::NONE);
    for k in 1..=6 {
        h.event(Event::PointerMoved(from.lerp(to, k as f32 / 6.0)));
        h.step();
    }
    pointer(&mut h, to, false, Modifiers::NONE);
    h.run_steps(2);
    assert_eq!(
        spans(&h),
        [("speaker".to_owned(), at, at + 11, "مصادر أمنية".to_owned())]
    );
    assert_eq!(
        h.state().text_selection(),
        None,
        "the drag leaves no text selection behind"
    );
    cmd(&mut h, Key::Z);
    assert_eq!(
        spans(&h)[0].3,
        "مصادر",
        "one undo step restores the old edge"
    );
}

/// A project of two documents (the seed article and its paragraphs in another order), saved
/// in a temporary folder.
fn two_documents() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("tempdir");
    let seed = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds/000_19e18760a7c74451.txt"),
    )
    .expect("seed");
    let mut paragraphs: Vec<&str> = seed.lines().filter(|l| !l.trim().is_empty()).collect();
    paragraphs.reverse();
    let mut p = qalam::model::Project::new("Two documents", "tester");
    p.documents
        .push(qalam::model::Document::new("first", "First", "", seed.as_str()).into());
    p.documents
        .push(qalam::model::Document::new("second", "Second", "", paragraphs.join("\n")).into());
    let path = dir.path().join("two.ron");
    project::save(&path, &p, project::SaveGuard::CreateNew).expect("save");
    (dir, path)
}

fn double_click_char(h: &mut Harness<'_, QalamApp>, i: usize) {
    let p = point_in_char(h, i, true);
    h.event(Event::PointerMoved(p));
    h.step();
    for _ in 0..2 {
        pointer(h, p, true, Modifiers::NONE);
        pointer(h, p, false, Modifiers::NONE);
    }
    h.run_steps(2);
}

#[test]
fn a_selection_made_in_one_document_never_labels_another() {
    let (_dir, path) = two_documents();
    let startup = Startup {
        path: Some(path.clone()),
        ..Default::default()
    };
    // Frames 50 ms apart, so that two clicks fall within the double-click time.
    let mut h = Harness::builder()
        .with_size([1300.0, 800.0])
        .with_step_dt(0.05)
        .build_eframe(move |cc| QalamApp::new(cc, startup));
    h.run_steps(4);
    let t = text(&h);
    let at = offset_of(&t, "مصادر", 0);
    double_click_char(&mut h, at + 2);
    assert_eq!(
        h.state().text_selection(),
        Some(at..at + 5),
        "the double-click selects the word"
    );
    cmd(&mut h, Key::PageDown);
    assert_eq!(h.state().labeling().map(|l| l.current()), Some(1));
    key(&mut h, Key::Num1);
    cmd(&mut h, Key::S);
    assert!(
        h.state().status().starts_with("Saved"),
        "{}",
        h.state().status()
    );
    let saved = project::load(&path).expect("reload").project;
    assert!(
        saved.documents.iter().all(|d| d.spans.is_empty()),
        "no span was written: {:?}",
        saved.documents[1].spans
    );
    // The key said why it did nothing (the save's message came after; press it again).
    key(&mut h, Key::Num1);
    assert!(
        h.state()
            .status()
            .starts_with("Nothing is selected in this document"),
        "{}",
        h.state().status()
    );
}

#[test]
fn coming_back_to_a_document_restores_its_selection_and_scroll_position() {
    let (_dir, path) = two_documents();
    let mut h = open(&path);
    cmd(&mut h, Key::PageDown);
    // Scroll the second document down a few pages with the keyboard, then select a word there.
    for _ in 0..3 {
        key(&mut h, Key::PageDown);
    }
    let second = h
        .state()
        .labeling()
        .map(|l| l.doc_ui().view().scroll_offset())
        .unwrap_or_default();
    assert!(second > 100.0, "PageDown scrolled the view: {second}");
    let caret = h
        .state()
        .labeling()
        .and_then(|l| l.doc_ui().view().caret())
        .map(|c| c.offset)
        .expect("caret moved with the page");
    assert!(caret > 0);
    h.state_mut().set_text_selection(Some(caret..caret + 3));
    h.run_steps(2);
    cmd(&mut h, Key::PageUp);
    assert_eq!(h.state().labeling().map(|l| l.current()), Some(0));
    assert_eq!(
        h.state().text_selection(),
        None,
        "the first document has its own (empty) selection"
    );
    let first = h
        .state()
        .labeling()
        .map(|l| l.doc_ui().view().scroll_offset())
        .unwrap_or_default();
    assert!(first < 1.0, "the first document is at its top: {first}");
    cmd(&mut h, Key::PageDown);
    assert_eq!(h.state().text_selection(), Some(caret..caret + 3));
    let back = h
        .state()
        .labeling()
        .map(|l| l.doc_ui().view().scroll_offset())
        .unwrap_or_default();
    assert!(
        (back - second).abs() < 1.0,
        "scroll position restored: {back} vs {second}"
    );
}

#[test]
fn ctrl_home_and_ctrl_end_move_caret_and_view_through_the_document() {
    let (_dir, path) = seed_copy();
    let mut h = open(&path);
    let len = text(&h).chars().count();
    h.key_press_modifiers(Modifiers::COMMAND, Key::End);
    h.run_steps(3);
    let l = h.state().labeling().expect("labeling");
    assert_eq!(l.doc_ui().view().caret().map(|c| c.offset), Some(len));
    assert!(
        l.doc_ui().view().scroll_offset() > 100.0,
        "the end of the text is in view"
    );
    h.key_press_modifiers(Modifiers::COMMAND, Key::Home);
    h.run_steps(3);
    let l = h.state().labeling().expect("labeling");
    assert_eq!(l.doc_ui().view().caret().map(|c| c.offset), Some(0));
    assert!(l.doc_ui().view().scroll_offset() < 1.0);
}
