//! Suggestions in the window, driven as a user would: they appear without a key, Tab steps to
//! them, Enter accepts (a span recording its origin), X rejects (stored in the file), undo and
//! redo, save and reopen, the learner proposing a marked text elsewhere within a frame, and
//! View > Show suggestions.

use std::path::{Path, PathBuf};

use egui::{Event, Key, Modifiers, PointerButton, Pos2};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use qalam::app::{QalamApp, Startup};
use qalam::model::proposed::{ShownSuggestion, SuggestionKey};
use qalam::ui::commands::UiCommand;

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
    h.run_steps(2);
    h
}

/// Steps frames (no key pressed) until the rules and the learner have reported.
fn wait_ready(h: &mut Harness<'_, QalamApp>) {
    for _ in 0..1000 {
        let ready = h
            .state()
            .labeling()
            .is_some_and(|l| l.suggest.is_ready(l.current()));
        if ready {
            h.run_steps(2);
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
        h.step();
    }
    panic!("suggestions never came");
}

fn shown(h: &Harness<'_, QalamApp>) -> Vec<ShownSuggestion> {
    h.state()
        .labeling()
        .map(|l| l.suggestions().as_ref().clone())
        .unwrap_or_default()
}

fn focused(h: &Harness<'_, QalamApp>) -> Option<SuggestionKey> {
    h.state()
        .labeling()
        .and_then(|l| l.doc_ui().0.and_then(|d| d.focused_suggestion.clone()))
}

fn doc(h: &Harness<'_, QalamApp>) -> std::sync::Arc<qalam::model::Document> {
    h.state().session().expect("session").project.documents[0].clone()
}

fn key(h: &mut Harness<'_, QalamApp>, k: Key) {
    h.key_press(k);
    h.run_steps(2);
}

fn cmd(h: &mut Harness<'_, QalamApp>, modifiers: Modifiers, k: Key) {
    h.key_press_modifiers(modifiers, k);
    h.run_steps(2);
    for _ in 0..500 {
        if !h.state().is_saving() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
        h.step();
    }
}

fn offsets_of(text: &str, needle: &str) -> Vec<usize> {
    text.match_indices(needle)
        .map(|(b, _)| text[..b].chars().count())
        .collect()
}

fn drag_select(h: &mut Harness<'_, QalamApp>, from: usize, to: usize) {
    let first = h.state_mut().range_rects(from..from + 1);
    let last = h.state_mut().range_rects(to - 1..to);
    let (a, b) = (first[0], last[0]);
    // Arabic: the first character's leading side is its right.
    let (pa, pb) = (
        Pos2::new(a.left() + a.width() * 0.8, a.center().y),
        Pos2::new(b.left() + b.width() * 0.2, b.center().y),
    );
    h.event(Event::PointerMoved(pa));
    h.step();
    let button = |pos, pressed| Event::PointerButton {
        pos,
        button: PointerButton::Primary,
        pressed,
        modifiers: Modifiers::NONE,
    };
    h.event(button(pa, true));
    h.step();
    for k in 1..=6 {
        h.event(Event::PointerMoved(pa.lerp(pb, k as f32 / 6.0)));
        h.step();
    }
    h.event(button(pb, false));
    h.run_steps(2);
}

#[test]
fn suggestions_are_accepted_and_rejected_with_keys_and_kept_in_the_file() {
    let (_dir, path) = seed_copy();
    let mut h = open(&path);
    wait_ready(&mut h);
    let before = shown(&h);
    assert!(before.len() > 5, "the seed gets suggestions without a key");
    assert!(doc(&h).spans.is_empty());
    // Read by a screen reader as a suggestion, never as a span.
    let first = before[0].suggestion.clone();
    h.get_by_label(&format!("suggested {}: {}", first.label, first.text));

    // Tab steps to the first suggestion; Enter accepts it.
    key(&mut h, Key::Tab);
    assert_eq!(focused(&h), Some(before[0].key()));
    key(&mut h, Key::Enter);
    let d = doc(&h);
    assert_eq!(d.spans.len(), 1);
    let span = &d.spans[0];
    assert_eq!(
        (span.label.as_str(), span.start, span.end),
        (first.label.as_str(), first.start, first.end)
    );
    assert_eq!(span.origin.as_deref(), Some("suggested:cue"));
    assert!(!shown(&h).iter().any(|s| s.key() == before[0].key()));

    // The next one is focused now; X rejects it.
    let next = focused(&h).expect("the next suggestion is focused");
    assert_eq!(next, before[1].key());
    key(&mut h, Key::X);
    assert_eq!(doc(&h).rejected.len(), 1);
    assert_eq!(doc(&h).rejected[0].label, next.0);
    assert!(!shown(&h).iter().any(|s| s.key() == next));

    // Undo brings both back, redo makes both again.
    cmd(&mut h, Modifiers::COMMAND, Key::Z);
    assert!(doc(&h).rejected.is_empty());
    assert!(shown(&h).iter().any(|s| s.key() == next));
    cmd(&mut h, Modifiers::COMMAND, Key::Z);
    assert!(doc(&h).spans.is_empty());
    assert!(shown(&h).iter().any(|s| s.key() == before[0].key()));
    cmd(&mut h, Modifiers::COMMAND | Modifiers::SHIFT, Key::Z);
    cmd(&mut h, Modifiers::COMMAND | Modifiers::SHIFT, Key::Z);
    assert_eq!(doc(&h).spans.len(), 1);
    assert_eq!(doc(&h).rejected.len(), 1);

    cmd(&mut h, Modifiers::COMMAND, Key::S);
    assert!(!h.state().session().expect("session").is_dirty());
    drop(h);

    let mut h = open(&path);
    wait_ready(&mut h);
    let d = doc(&h);
    assert_eq!(d.spans.len(), 1);
    assert_eq!(d.spans[0].origin.as_deref(), Some("suggested:cue"));
    assert_eq!(d.rejected.len(), 1);
    let again = shown(&h);
    assert!(!again.iter().any(|s| s.key() == next), "stays rejected");
    assert!(
        !again.iter().any(|s| s.key() == before[0].key()),
        "a span now"
    );
    assert_eq!(again.len(), before.len() - 2);
}

#[test]
fn a_marked_text_is_proposed_at_its_other_occurrences_within_a_frame() {
    let (_dir, path) = seed_copy();
    let mut h = open(&path);
    wait_ready(&mut h);
    let text = doc(&h).text().to_owned();
    let word = "الانتخابات";
    let at = offsets_of(&text, word);
    assert!(at.len() >= 2, "{word} occurs more than once");
    let learned_at = |h: &Harness<'_, QalamApp>, start: usize| {
        shown(h).iter().any(|s| {
            s.suggestion.label == "entity"
                && s.suggestion.start == start
                && s.suggestion.rule == "learned"
        })
    };
    assert!(!learned_at(&h, at[1]));
    drag_select(&mut h, at[0], at[0] + word.chars().count());
    h.key_press(Key::Num3);
    h.step();
    assert!(
        doc(&h).spans.iter().any(|s| s.text == word),
        "marked by hand"
    );
    for &other in &at[1..] {
        assert!(learned_at(&h, other), "proposed at {other} within a frame");
    }

    // بغداد marked once: every other mention (ببغداد too) is a suggested entity.
    let baghdad = offsets_of(&text, "بغداد");
    assert!(baghdad.len() >= 2);
    drag_select(&mut h, baghdad[0], baghdad[0] + 5);
    h.key_press(Key::Num3);
    h.step();
    let list = shown(&h);
    for &other in &baghdad[1..] {
        assert!(
            list.iter().any(|s| s.suggestion.label == "entity"
                && s.suggestion.start == other
                && s.suggestion.end == other + 5),
            "بغداد at {other}"
        );
    }
}

#[test]
fn show_suggestions_in_the_view_menu_hides_and_shows_them() {
    let (_dir, path) = seed_copy();
    let mut h = open(&path);
    wait_ready(&mut h);
    let n = shown(&h).len();
    assert!(n > 0);
    assert!(h.state().persisted().show_suggestions);
    h.get_by_label("View").click();
    h.run_steps(2);
    h.get_by_label("Show suggestions").click();
    h.run_steps(2);
    assert!(shown(&h).is_empty(), "hidden");
    assert!(
        !h.state().persisted().show_suggestions,
        "a persisted setting"
    );
    assert!(
        h.query_by_label_contains("suggested ").is_none(),
        "no suggestion left on screen"
    );
    let ctx = h.ctx.clone();
    h.state_mut()
        .run_command(&ctx, UiCommand::ToggleSuggestions);
    h.run_steps(2);
    assert_eq!(shown(&h).len(), n, "shown again");
}

#[test]
fn label_keys_backspace_and_shift_enter_act_on_suggestions() {
    let (_dir, path) = seed_copy();
    let mut h = open(&path);
    wait_ready(&mut h);
    let before = shown(&h);
    // A label key on the focused suggestion accepts it as that label.
    key(&mut h, Key::Tab);
    let first = before[0].suggestion.clone();
    key(&mut h, Key::Num3);
    let d = doc(&h);
    assert_eq!(d.spans.len(), 1);
    assert_eq!(
        (d.spans[0].label.as_str(), d.spans[0].start, d.spans[0].end),
        ("entity", first.start, first.end)
    );
    assert_eq!(d.spans[0].origin.as_deref(), Some("suggested:cue"));
    // Backspace with no span selected rejects the focused one.
    let next = focused(&h).expect("focused");
    key(&mut h, Key::Backspace);
    assert_eq!(doc(&h).rejected.len(), 1);
    assert!(!shown(&h).iter().any(|s| s.key() == next));
    // Shift+Enter accepts every suggestion of the focused one's paragraph, as one step.
    let at = focused(&h).expect("focused");
    let text = doc(&h).text().to_owned();
    let para_of = |c: usize| text.chars().take(c).filter(|ch| *ch == '\n').count();
    let in_para = shown(&h)
        .iter()
        .filter(|s| para_of(s.suggestion.start) == para_of(at.1))
        .count();
    assert!(in_para >= 1);
    let spans = doc(&h).spans.len();
    h.key_press_modifiers(Modifiers::SHIFT, Key::Enter);
    h.run_steps(2);
    let d = doc(&h);
    assert_eq!(d.spans.len(), spans + in_para);
    // A claim accepted with its speaker is linked to it.
    let claims = d.spans.iter().filter(|s| s.label == "claim").count();
    if claims > 0 {
        assert!(
            !d.relations.is_empty(),
            "claims accepted with their speakers are linked"
        );
    }
    cmd(&mut h, Modifiers::COMMAND, Key::Z);
    assert_eq!(doc(&h).spans.len(), spans, "one undo step");
}
