//! The schema in the window, driven as a user would: Project → Labels… renames a label (every
//! span, relation constraint, attribute and review comment follows; undo and redo; saved),
//! key clashes are refused with a message, removing a used label asks first; the Guidelines
//! panel (F2) and the guideline shown when hovering a label button or selecting a span; and a
//! snapshot of the panel's Arabic examples.

use std::path::{Path, PathBuf};

use egui::accesskit::Role;
use egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use qalam::app::{QalamApp, Startup};
use qalam::model::{Project, Schema};
use qalam::review::file::{Comment, ReviewFile, load_review, review_path, save_review};
use qalam::ui::commands::UiCommand;

/// `projects/annotated.ron` copied to a temporary folder, with a review file beside it
/// holding a comment on a speaker span and one on an attributed_to relation.
fn annotated_with_review() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("a.ron");
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("projects/annotated.ron"),
        &path,
    )
    .expect("copy");
    let p = qalam::project::load(&path).expect("load").project;
    let d = p
        .documents
        .iter()
        .find(|d| !d.relations.is_empty())
        .expect("relations");
    let speaker = d
        .spans
        .iter()
        .find(|s| s.label == "speaker")
        .expect("a speaker");
    let rel = d
        .relations
        .iter()
        .find(|r| r.kind == "attributed_to")
        .expect("attributed_to");
    let mut review = ReviewFile::for_project_file(&path, "rev").expect("review");
    review
        .comments
        .push(Comment::on_span(d, speaker, "the whole apposition?"));
    review
        .comments
        .extend(Comment::on_relation(d, rel, "right source?"));
    save_review(
        &review_path(&path),
        &review,
        qalam::project::SaveGuard::CreateNew,
    )
    .expect("save review");
    (dir, path)
}

fn open(path: &Path) -> Harness<'static, QalamApp> {
    let startup = Startup {
        path: Some(path.to_path_buf()),
        ..Default::default()
    };
    let mut h = Harness::builder()
        .with_size([1400.0, 900.0])
        .build_eframe(move |cc| QalamApp::new(cc, startup));
    h.run_steps(2);
    h
}

fn project(h: &Harness<'_, QalamApp>) -> Project {
    h.state().session().expect("session").project.clone()
}

fn count(p: &Project, label: &str) -> usize {
    p.documents
        .iter()
        .flat_map(|d| &d.spans)
        .filter(|s| s.label == label)
        .count()
}

/// Opens Project → Labels… through the menu.
fn open_editor(h: &mut Harness<'_, QalamApp>) {
    h.get_by_label("Project").click();
    h.run_steps(2);
    h.get_by_label("Labels…").click();
    h.run_steps(3);
}

/// The text field whose text is `value`.
fn field(value: &str) -> impl Fn(&egui_kittest::kittest::AccessKitNode<'_>) -> bool + '_ {
    move |n| n.role() == Role::TextInput && n.value().is_some_and(|v| v == value)
}

/// Replaces the text of the editor's field showing `value` by `typed`, then Enter.
fn retype(h: &mut Harness<'_, QalamApp>, value: &str, typed: &str) {
    h.get_by(field(value)).click();
    h.run_steps(2);
    h.key_press_modifiers(Modifiers::COMMAND, Key::A);
    h.run_steps(1);
    h.get_by(field(value)).type_text(typed);
    h.run_steps(1);
    h.key_press(Key::Enter);
    h.run_steps(3);
}

fn wait_saved(h: &mut Harness<'_, QalamApp>) {
    for _ in 0..500 {
        h.step();
        if !h.state().is_saving() {
            h.run_steps(2);
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    panic!("the save never finished");
}

#[test]
fn renaming_a_label_in_the_window_carries_every_annotation_and_review_comment() {
    let (_dir, path) = annotated_with_review();
    let mut h = open(&path);
    let before = project(&h);
    let speakers = count(&before, "speaker");
    assert!(speakers > 0);
    open_editor(&mut h);
    retype(&mut h, "speaker", "source");

    let p = project(&h);
    assert_eq!(count(&p, "source"), speakers, "{}", h.state().status());
    assert_eq!(count(&p, "speaker"), 0);
    assert!(p.schema.label("source").is_some());
    assert!(
        p.schema
            .relation_types
            .iter()
            .any(|r| r.to.contains(&"source".to_owned())),
        "the relation constraint follows"
    );
    assert_eq!(p.schema.revision, before.schema.revision + 1);
    let said = h
        .state()
        .labeling()
        .and_then(|l| l.ui.schema_editor.message.clone())
        .unwrap_or_default();
    assert!(said.contains("Renamed label \"speaker\""), "{said}");
    // The search bar's "mark all hits as" follows: it offered speaker, now gone.
    assert_eq!(
        h.state()
            .labeling()
            .map(|l| l.ui.search.mark_label.as_str()),
        Some("source")
    );
    assert!(h.state().title().starts_with('*'), "{}", h.state().title());
    assert!(qalam::project::validate(&p).is_empty());

    // One step: undo brings every span back, redo renames again.
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run_steps(3);
    assert_eq!(project(&h), before);
    h.key_press_modifiers(Modifiers::COMMAND, Key::Y);
    h.run_steps(3);
    assert_eq!(count(&project(&h), "source"), speakers);

    // A label with an attribute: the attribute and its values on every span follow.
    let claims = count(&before, "claim");
    let quoted = |p: &Project, label: &str| {
        p.documents
            .iter()
            .flat_map(|d| &d.spans)
            .filter(|s| s.label == label && s.attributes.contains_key("quote"))
            .count()
    };
    let quoted_before = quoted(&before, "claim");
    assert!(quoted_before > 0);
    retype(&mut h, "claim", "statement");
    let p = project(&h);
    assert_eq!(count(&p, "statement"), claims);
    assert_eq!(quoted(&p, "statement"), quoted_before);
    assert!(p.schema.attribute("statement", "quote").is_some());
    assert!(
        p.schema.relation_types[0]
            .from
            .contains(&"statement".to_owned())
    );

    h.key_press_modifiers(Modifiers::COMMAND, Key::S);
    h.run_steps(2);
    wait_saved(&mut h);
    let saved = qalam::project::load(&path).expect("load").project;
    assert_eq!(count(&saved, "source"), speakers);
    assert_eq!(count(&saved, "statement"), claims);
    let (review, _) = load_review(&review_path(&path)).expect("review");
    assert_eq!(review.comments.len(), 2);
    assert!(
        review.comments.iter().all(|c| c.is_current(&saved)),
        "the comments still find their span and relation: {review:?}"
    );
}

#[test]
fn an_undone_rename_leaves_the_review_file_as_it_was() {
    let (_dir, path) = annotated_with_review();
    let review_before = std::fs::read(review_path(&path)).expect("read");
    let mut h = open(&path);
    open_editor(&mut h);
    retype(&mut h, "speaker", "source");
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run_steps(3);
    // Something else to save, so the save writes.
    let ctx = h.ctx.clone();
    h.state_mut().run_command(&ctx, UiCommand::EditSchema);
    retype(&mut h, "entity", "mention");
    h.key_press_modifiers(Modifiers::COMMAND, Key::S);
    h.run_steps(2);
    wait_saved(&mut h);
    assert_eq!(
        std::fs::read(review_path(&path)).expect("read"),
        review_before,
        "renamed and renamed back: the comments were not touched"
    );
}

#[test]
fn key_clashes_are_refused_with_a_message() {
    let (_dir, path) = annotated_with_review();
    let mut h = open(&path);
    let before = project(&h);
    open_editor(&mut h);
    // entity's key "3" → "1", speaker's.
    retype(&mut h, "3", "1");
    assert_eq!(project(&h).schema, before.schema);
    let said = h.state().status().to_owned();
    assert!(said.contains("key \"1\" is used twice"), "{said}");
    assert!(
        h.get_all_by_label_contains("key \"1\" is used twice")
            .count()
            >= 1,
        "the editor says why"
    );
    // X rejects suggestions: no label may take it.
    retype(&mut h, "3", "x");
    assert_eq!(project(&h).schema, before.schema);
    assert!(
        h.state().status().contains("command"),
        "{}",
        h.state().status()
    );
    // A free key is taken, and works as the label's key.
    retype(&mut h, "3", "7");
    assert_eq!(
        project(&h).schema.label("entity").map(|l| l.key.as_str()),
        Some("7")
    );
}

#[test]
fn removing_a_used_label_asks_and_undo_brings_the_spans_back() {
    let (_dir, path) = annotated_with_review();
    let mut h = open(&path);
    let before = project(&h);
    let entities = count(&before, "entity");
    assert!(entities > 0);
    open_editor(&mut h);
    h.get_by_label("Remove label entity").click();
    h.run_steps(3);
    assert_eq!(
        project(&h),
        before,
        "nothing removed before the user agrees"
    );
    h.get_by_label_contains(&format!("used by {entities} spans"));
    h.get_by_label("Remove them too").click();
    h.run_steps(3);
    let p = project(&h);
    assert_eq!(count(&p, "entity"), 0);
    assert!(p.schema.label("entity").is_none());
    assert!(
        p.documents
            .iter()
            .flat_map(|d| &d.relations)
            .all(|r| r.kind != "about"),
        "about linked claims to entities only"
    );
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run_steps(3);
    assert_eq!(project(&h), before);
}

#[test]
fn f2_shows_the_guidelines_and_a_hovered_label_shows_its_own() {
    let (_dir, path) = annotated_with_review();
    let mut h = open(&path);
    h.key_press(Key::F2);
    h.run_steps(3);
    assert!(h.state().guidelines_open(), "{}", h.state().status());
    h.get_by_label("Guidelines");
    // Examples are drawn by the bidi engine, which names them for AccessKit.
    let example = &Schema::default().span_labels[0].examples[0].text;
    h.get_by_label(example);
    h.key_press(Key::F2);
    h.run_steps(3);
    assert!(h.query_by_label(example).is_none(), "F2 again closes it");

    // Hovering the claim button shows claim's guideline in the details panel.
    h.get_by_label_contains("2 claim").hover();
    h.run_steps(3);
    h.get_by_label("Guideline: claim");
}

#[test]
fn a_label_named_in_arabic_is_a_button_that_labels() {
    let (_dir, path) = annotated_with_review();
    let mut h = open(&path);
    open_editor(&mut h);
    retype(&mut h, "entity", "كيان");
    assert!(project(&h).schema.label("كيان").is_some());
    h.get_by_label("Labels").click();
    h.run_steps(1);
    // The label bar's button reads as the name does (drawn by the bidi engine) and works.
    h.state_mut().set_text_selection(Some(0..5));
    h.run_steps(2);
    h.get_by_role_and_label(Role::Button, "3 كيان").click();
    h.run_steps(3);
    let p = project(&h);
    assert!(
        p.documents[0]
            .spans
            .iter()
            .any(|s| s.label == "كيان" && s.start == 0 && s.end == 5),
        "{}",
        h.state().status()
    );
    // The annotation list's chip filters by it.
    h.get_by(|n| n.role() == Role::Button && n.label().is_some_and(|l| l.starts_with("كيان ")))
        .click();
    h.run_steps(2);
    assert_eq!(
        h.state()
            .labeling()
            .and_then(|l| l.ui.filter.clone())
            .as_deref(),
        Some("كيان")
    );
}

#[test]
fn f2_shows_the_reviewed_files_guidelines_in_review() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("projects/review");
    let tmp = tempfile::tempdir().expect("tempdir");
    let files: Vec<PathBuf> = ["ali.ron", "mona.ron"]
        .iter()
        .map(|n| {
            let to = tmp.path().join(n);
            std::fs::copy(dir.join(n), &to).expect("copy");
            to
        })
        .collect();
    let startup = Startup {
        review: files,
        ..Default::default()
    };
    let mut h = Harness::builder()
        .with_size([1400.0, 900.0])
        .build_eframe(move |cc| QalamApp::new(cc, startup));
    h.run_steps(2);
    assert!(h.state().review().is_some(), "{}", h.state().status());
    h.key_press(Key::F2);
    h.run_steps(3);
    let example = &Schema::default().span_labels[1].examples[0].text;
    h.get_by_label(example);
}

#[test]
fn snapshot_guidelines_panel() {
    let project = Project::new("seed", "");
    let mut h = Harness::builder()
        .with_size([840.0, 780.0])
        .wgpu()
        .build_ui_state(
            move |ui, engine: &mut qalam::text::TextEngine| {
                let state = qalam::ui::guidelines::GuidelinesUi { open: true };
                let _ = qalam::ui::guidelines::window(ui.ctx(), engine, &project, &state);
            },
            qalam::text::TextEngine::new(),
        );
    h.run();
    h.snapshot("guidelines_panel");
}

/// Steps frames until the shown document's suggestions are up to date.
fn wait_suggestions(h: &mut Harness<'_, QalamApp>) {
    for _ in 0..2000 {
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

fn suggested(h: &Harness<'_, QalamApp>, label: &str) -> usize {
    h.state()
        .labeling()
        .map(|l| {
            l.suggestions()
                .iter()
                .filter(|s| s.suggestion.label == label)
                .count()
        })
        .unwrap_or(0)
}

#[test]
fn suggestions_follow_a_renamed_label_and_its_undo() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("seed.ron");
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("projects/seed.ron"),
        &path,
    )
    .expect("copy");
    let mut h = open(&path);
    wait_suggestions(&mut h);
    let speakers = suggested(&h, "speaker");
    assert!(speakers > 0);
    open_editor(&mut h);
    retype(&mut h, "speaker", "source");
    wait_suggestions(&mut h);
    assert_eq!(suggested(&h, "source"), speakers);
    assert_eq!(suggested(&h, "speaker"), 0);
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run_steps(2);
    wait_suggestions(&mut h);
    assert_eq!(suggested(&h, "speaker"), speakers);
}
