//! The labeling mode's state model, headless: selections belong to their document, survive
//! switching documents, follow every edit, undo and redo; notes go to the span they were typed
//! for; and random sequences of edits across documents undo back to the original project.

use proptest::prelude::*;
use qalam::app::Labeling;
use qalam::model::actions::Edge;
use qalam::model::{DocStatus, Document, Project, Suggestion};
use qalam::session::Session;
use qalam::ui::commands::UiCommand;
use qalam::ui::labeling::Intent;

const TEXTS: [&str; 3] = [
    "أفادت مصادر أمنية في بغداد بأن الحكومة أطلقت حملة كبيرة لتأمين الانتخابات.",
    "وقال المتحدث باسم الوزارة، خالد شمال، إن \"الأوضاع مستقرة\" في المدينة.",
    "Reuters reported 2018 figures; وأضاف أن الحملة ستستمر حتى نهاية العام.",
];

fn project() -> Project {
    let mut p = Project::new("three", "tester");
    for (i, t) in TEXTS.iter().enumerate() {
        p.documents
            .push(Document::new(format!("d{i}"), format!("Document {i}"), "", *t).into());
    }
    // A pending suggestion stored in the file, as `qalam suggest --write` leaves it.
    let start = TEXTS[0].chars().take_while(|c| *c != 'ب').count();
    let doc = std::sync::Arc::make_mut(&mut p.documents[0]);
    doc.suggestions.push(Suggestion {
        id: 100,
        label: "entity".into(),
        start,
        end: start + 5,
        text: "بغداد".into(),
        attributes: Default::default(),
        rule: "entity-gazetteer".into(),
        score: 90,
        links: Vec::new(),
        same_as: None,
    });
    p
}

fn labeling() -> Labeling {
    Labeling::new(Session::new_unsaved(project(), None))
}

fn select(l: &mut Labeling, range: std::ops::Range<usize>) {
    l.doc_ui_mut().view.set_selection(Some(range));
}

/// The shown document's selected span exists there, and so do its selected relation and link
/// candidate.
fn selection_is_true(l: &Labeling) -> Result<(), String> {
    let doc = &l.project().documents[l.current()];
    let d = l.doc_ui();
    if let Some(id) = d.selected_span()
        && doc.span(id).is_none()
    {
        return Err(format!(
            "selected span {id} is not in document {}",
            l.current()
        ));
    }
    if let Some(ui) = d.0 {
        if let Some(r) = ui.selected_relation
            && doc.relation(r).is_none()
        {
            return Err(format!(
                "selected relation {r} is not in document {}",
                l.current()
            ));
        }
        if let Some(c) = ui.link_candidate
            && doc.span(c).is_none()
        {
            return Err(format!(
                "link candidate {c} is not in document {}",
                l.current()
            ));
        }
        if let Some(sel) = ui.view.selection()
            && sel.end > doc.len_chars()
        {
            return Err(format!(
                "text selection {sel:?} is outside document {}",
                l.current()
            ));
        }
    }
    Ok(())
}

#[test]
fn a_selection_in_one_document_never_labels_another() {
    let mut l = labeling();
    // Double-click "مصادر" in the first document, then Ctrl+PageDown, then `1`.
    select(&mut l, 6..11);
    l.command(UiCommand::NextDocument);
    assert_eq!(l.current(), 1);
    let said = l.apply(Intent::Label("speaker".into())).unwrap_or_default();
    assert!(
        said.starts_with("Nothing is selected in this document"),
        "{said}"
    );
    assert!(
        l.project().documents.iter().all(|d| d.spans.is_empty()),
        "nothing was labeled anywhere"
    );
    // Back in the first document its selection is still there and labels there.
    l.command(UiCommand::PreviousDocument);
    assert_eq!(l.doc_ui().view().selection(), Some(6..11));
    l.apply(Intent::Label("speaker".into()));
    assert_eq!(l.project().documents[0].spans[0].text, "مصادر");
    assert!(l.project().documents[1].spans.is_empty());
}

#[test]
fn each_document_keeps_its_selection_and_link_mode() {
    let mut l = labeling();
    l.switch_to(1);
    select(&mut l, 4..26);
    l.apply(Intent::Label("speaker".into()));
    let speaker = l.doc_ui().selected_span().expect("new span selected");
    l.switch_to(2);
    select(&mut l, 0..7);
    l.switch_to(0);
    assert_eq!(
        l.doc_ui().view().selection(),
        None,
        "document 0 never had a selection"
    );
    l.switch_to(1);
    assert_eq!(l.doc_ui().selected_span(), Some(speaker));
    l.switch_to(2);
    assert_eq!(l.doc_ui().view().selection(), Some(0..7));
}

#[test]
fn undo_and_redo_bring_back_the_document_and_selection_of_the_edit() {
    let mut l = labeling();
    select(&mut l, 12..17);
    l.apply(Intent::Label("entity".into()));
    let span = l.doc_ui().selected_span();
    l.switch_to(2);
    let said = l.undo();
    assert_eq!(
        l.current(),
        0,
        "undo went back to the document of the edit: {said}"
    );
    assert!(l.project().documents[0].spans.is_empty());
    assert_eq!(
        l.doc_ui().view().selection(),
        Some(12..17),
        "the text selection from before the edit"
    );
    assert_eq!(l.doc_ui().selected_span(), None);
    l.switch_to(1);
    l.redo();
    assert_eq!(l.current(), 0);
    assert_eq!(
        l.doc_ui().selected_span(),
        span,
        "the span made by the edit"
    );
    assert_eq!(l.doc_ui().view().selection(), None);
}

#[test]
fn deleting_the_selected_span_clears_the_selection_and_undo_restores_it() {
    let mut l = labeling();
    select(&mut l, 6..17);
    l.apply(Intent::Label("speaker".into()));
    let id = l.doc_ui().selected_span().expect("selected");
    l.apply(Intent::DeleteSelected);
    assert_eq!(l.doc_ui().selected_span(), None);
    l.undo();
    assert_eq!(l.doc_ui().selected_span(), Some(id));
    selection_is_true(&l).expect("true selection");
}

#[test]
fn a_note_goes_to_the_span_it_was_typed_for() {
    let mut l = labeling();
    select(&mut l, 6..17);
    l.apply(Intent::Label("speaker".into()));
    let first = l.doc_ui().selected_span().expect("first");
    select(&mut l, 21..26);
    l.apply(Intent::Label("entity".into()));
    let second = l.doc_ui().selected_span().expect("second");
    // Type a note for the second span, then click the first one without leaving the field.
    l.doc_ui_mut().note_drafts.insert(second, "ملاحظة".into());
    l.apply(Intent::SelectSpan(Some(first)));
    let doc = &l.project().documents[0];
    assert_eq!(
        doc.span(second).and_then(|s| s.note.as_deref()),
        Some("ملاحظة")
    );
    assert_eq!(doc.span(first).and_then(|s| s.note.as_deref()), None);
    // A draft typed and left by switching documents is saved to its span too.
    l.doc_ui_mut().note_drafts.insert(first, "أخرى".into());
    l.switch_to(1);
    assert_eq!(
        l.project().documents[0]
            .span(first)
            .and_then(|s| s.note.as_deref()),
        Some("أخرى")
    );
    assert!(l.project().documents[1].spans.is_empty());
}

/// One step of a random labeling session.
#[derive(Clone, Debug)]
enum Step {
    Switch(usize),
    Mark {
        from: usize,
        len: usize,
        label: usize,
    },
    SelectSpan(usize),
    Relabel(usize),
    MoveEdge {
        end: bool,
        grow: bool,
    },
    SetRange {
        from: usize,
        len: usize,
    },
    Link {
        to: usize,
    },
    Delete,
    Attribute(usize),
    Note(usize),
    Status(usize),
    Undo,
    Redo,
    /// Enter on the n-th suggestion (as a label key when `label` is given).
    Accept {
        n: usize,
        label: Option<usize>,
    },
    /// X, or Backspace, on the n-th suggestion.
    Reject {
        n: usize,
        backspace: bool,
    },
    /// Shift+Enter in the n-th suggestion's paragraph.
    AcceptParagraph(usize),
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        (0..3usize).prop_map(Step::Switch),
        (0..70usize, 1..12usize, 0..3usize).prop_map(|(from, len, label)| Step::Mark {
            from,
            len,
            label
        }),
        (0..8usize).prop_map(Step::SelectSpan),
        (0..3usize).prop_map(Step::Relabel),
        (any::<bool>(), any::<bool>()).prop_map(|(end, grow)| Step::MoveEdge { end, grow }),
        (0..70usize, 1..12usize).prop_map(|(from, len)| Step::SetRange { from, len }),
        (0..8usize).prop_map(|to| Step::Link { to }),
        Just(Step::Delete),
        (0..4usize).prop_map(Step::Attribute),
        (0..3usize).prop_map(Step::Note),
        (0..3usize).prop_map(Step::Status),
        Just(Step::Undo),
        Just(Step::Redo),
        (0..8usize, prop::option::of(0..3usize)).prop_map(|(n, label)| Step::Accept { n, label }),
        (0..8usize, any::<bool>()).prop_map(|(n, backspace)| Step::Reject { n, backspace }),
        (0..8usize).prop_map(Step::AcceptParagraph),
    ]
}

const LABELS: [&str; 3] = ["speaker", "claim", "entity"];

fn run(l: &mut Labeling, s: &Step) {
    let doc = &l.project().documents[l.current()];
    let len = doc.len_chars();
    let nth = |n: usize| (!doc.spans.is_empty()).then(|| doc.spans[n % doc.spans.len()].id);
    match s {
        Step::Switch(i) => {
            l.switch_to(*i);
        }
        Step::Mark {
            from,
            len: n,
            label,
        } => {
            let a = from % len;
            select(l, a..(a + n).min(len).max(a + 1));
            l.apply(Intent::Label(LABELS[*label].into()));
        }
        Step::SelectSpan(n) => {
            let id = nth(*n);
            l.apply(Intent::SelectSpan(id));
        }
        Step::Relabel(label) => {
            l.apply(Intent::Label(LABELS[*label].into()));
        }
        Step::MoveEdge { end, grow } => {
            let edge = if *end { Edge::End } else { Edge::Start };
            let delta = if *grow == *end { 1 } else { -1 };
            l.apply(Intent::MoveEdge { edge, delta });
        }
        Step::SetRange { from, len: n } => {
            if let Some(id) = l.doc_ui().selected_span() {
                let a = from % len;
                l.apply(Intent::SetRange {
                    span: id,
                    range: a..(a + n).min(len).max(a + 1),
                });
            }
        }
        Step::Link { to } => {
            let target = nth(*to);
            l.apply(Intent::StartLink("attributed_to".into()));
            if let Some(t) = target {
                l.apply(Intent::CompleteLink(t));
            }
        }
        Step::Delete => {
            l.apply(Intent::DeleteSelected);
        }
        Step::Attribute(v) => {
            if let Some(id) = l.doc_ui().selected_span() {
                let value = ["direct", "indirect", "mixed"]
                    .get(*v)
                    .map(|s| (*s).to_owned());
                l.apply(Intent::SetAttribute {
                    span: id,
                    name: "quote".into(),
                    value,
                });
            }
        }
        Step::Note(k) => {
            if let Some(id) = l.doc_ui().selected_span() {
                l.apply(Intent::SetNote {
                    span: id,
                    note: ["", "ملاحظة", "note 2"][*k].into(),
                });
            }
        }
        Step::Status(k) => {
            l.apply(Intent::SetStatus(
                [DocStatus::Todo, DocStatus::InProgress, DocStatus::Done][*k],
            ));
        }
        Step::Undo => {
            l.undo();
        }
        Step::Redo => {
            l.redo();
        }
        Step::Accept { n, label } => {
            if focus_suggestion(l, *n) {
                match label {
                    Some(k) => {
                        l.apply(Intent::Label(LABELS[*k].into()));
                    }
                    None => {
                        l.command(UiCommand::ConfirmLink);
                    }
                }
            }
        }
        Step::Reject { n, backspace } => {
            if focus_suggestion(l, *n) {
                l.command(if *backspace {
                    UiCommand::DeleteSelection
                } else {
                    UiCommand::RejectSuggestion
                });
            }
        }
        Step::AcceptParagraph(n) => {
            if focus_suggestion(l, *n) {
                l.command(UiCommand::AcceptParagraphSuggestions);
            }
        }
    }
}

/// Makes the n-th suggestion of the shown document the focused one (as Tab or a click
/// does); false when there is none.
fn focus_suggestion(l: &mut Labeling, n: usize) -> bool {
    l.wait_for_suggestions();
    let shown = l.suggestions();
    if shown.is_empty() {
        return false;
    }
    let key = shown[n % shown.len()].key();
    l.apply(Intent::FocusSuggestion(Some(key)));
    true
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn random_edits_across_documents_undo_to_the_original_and_selections_stay_true(steps in prop::collection::vec(step(), 1..40)) {
        let original = project();
        let mut l = labeling();
        for s in &steps {
            run(&mut l, s);
            prop_assert!(selection_is_true(&l).is_ok(), "after {:?}: {:?}", s, selection_is_true(&l));
            prop_assert!(qalam::project::validate(l.project()).is_empty(), "after {:?}: {:?}", s, qalam::project::validate(l.project()));
        }
        let mut undone = 0;
        while l.session.history.can_undo() {
            l.undo();
            undone += 1;
            prop_assert!(selection_is_true(&l).is_ok(), "while undoing: {:?}", selection_is_true(&l));
            prop_assert!(undone <= steps.len() * 2, "undo never ends");
        }
        prop_assert_eq!(l.project(), &original);
        prop_assert!(!l.session.history.is_dirty(), "back at the state it started from");
    }
}

#[test]
fn accepting_and_rejecting_suggestions_are_steps_that_undo_exactly() {
    let mut l = labeling();
    l.wait_for_suggestions();
    let shown = l.suggestions();
    let pending = shown
        .iter()
        .find(|s| s.pending)
        .cloned()
        .expect("the stored suggestion is shown");
    assert_eq!(pending.suggestion.text, "بغداد");
    l.apply(Intent::FocusSuggestion(Some(pending.key())));
    l.command(UiCommand::ConfirmLink);
    let doc = &l.project().documents[0];
    let span = doc
        .spans
        .iter()
        .find(|s| s.text == "بغداد")
        .expect("accepted as a span");
    assert_eq!(span.origin.as_deref(), Some("suggested:cue"));
    assert!(doc.suggestions.is_empty(), "no longer pending");
    assert!(
        !l.suggestions().iter().any(|s| s.key() == pending.key()),
        "no longer shown"
    );
    // Reject the next one; it is stored and not shown.
    l.wait_for_suggestions();
    let next = l.suggestions()[0].clone();
    l.apply(Intent::FocusSuggestion(Some(next.key())));
    l.command(UiCommand::RejectSuggestion);
    assert_eq!(l.project().documents[0].rejected.len(), 1);
    assert!(!l.suggestions().iter().any(|s| s.key() == next.key()));
    l.undo();
    assert!(l.project().documents[0].rejected.is_empty());
    assert!(l.suggestions().iter().any(|s| s.key() == next.key()));
    l.undo();
    assert_eq!(
        l.project(),
        &project(),
        "undo restores the pending suggestion"
    );
    assert!(l.suggestions().iter().any(|s| s.key() == pending.key()));
}

#[test]
fn a_claim_accepted_after_its_speaker_is_linked_to_it() {
    let mut l = labeling();
    l.switch_to(1);
    l.wait_for_suggestions();
    let shown = l.suggestions();
    let claim = shown
        .iter()
        .find(|s| s.suggestion.label == "claim" && !s.links.is_empty())
        .cloned()
        .expect("a claim with its speaker");
    let speaker = shown
        .iter()
        .find(|s| {
            let t = &claim.links[0];
            s.suggestion.label == t.label
                && s.suggestion.start == t.start
                && s.suggestion.end == t.end
        })
        .cloned()
        .expect("its speaker is suggested");
    l.accept(&[speaker], None);
    l.refresh_suggestions(None);
    l.accept(&[claim], None);
    let doc = &l.project().documents[1];
    assert_eq!(doc.relations.len(), 1, "{:?}", doc.relations);
    assert_eq!(doc.relations[0].kind, "attributed_to");
}
