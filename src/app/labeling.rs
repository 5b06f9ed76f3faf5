//! Labeling mode: one open project, the state of each of its documents (selection, selected
//! span or relation, link mode, note drafts, search hits, scroll position), and the
//! translation of intents and commands into transactions on the session's one edit path.
//! No egui here, so the whole labeling loop is testable headless.

use std::collections::HashMap;

use crate::model::actions::{self, Edge};
use crate::model::doclist::{self, DocFilter};
use crate::model::{Edit, EditError, Project, Selection, SpanId, Transaction};
use crate::session::Session;
use crate::text::{Direction, base_direction};
use crate::ui::commands::UiCommand;
use crate::ui::labeling::{DocUi, Intent, LabelingUi};

/// The labeling mode's state.
#[derive(Debug)]
pub struct Labeling {
    /// The open project, its file and history.
    pub session: Session,
    /// Per-document state, by document index; made on first visit.
    docs: HashMap<usize, DocUi>,
    /// State shared by all documents (search query, list filter, focus).
    pub ui: LabelingUi,
    /// What the document list's order was last computed for.
    list: ListCache,
    /// The search across all documents (Ctrl+Shift+F) and its window.
    pub corpus: super::corpus_search::CorpusSearch,
    /// Suggestions: the rules', the learner's and the file's pending ones.
    pub suggest: super::suggestions::Suggestions,
    /// How many annotations use each schema name, and the history state they were counted at.
    pub(super) schema_counts: Option<(u64, crate::ui::schema_editor::UseCounts)>,
}

/// The document list's filter results between frames: texts never change while a project is
/// open, so the text matches are kept per query and only status and sort are redone after an
/// edit.
#[derive(Debug, Default)]
struct ListCache {
    /// The query the text matches are for, and the matches (`None`: every document).
    matches: Option<(String, Option<Vec<usize>>)>,
    /// The filter, history state and document count `ui.list.order` was arranged for.
    arranged: Option<(DocFilter, u64, usize)>,
}

impl Labeling {
    /// Labeling mode on `session`, showing its first document.
    pub fn new(session: Session) -> Self {
        Labeling {
            session,
            docs: HashMap::new(),
            ui: LabelingUi::default(),
            list: ListCache::default(),
            corpus: Default::default(),
            suggest: Default::default(),
            schema_counts: None,
        }
    }

    /// The project.
    pub fn project(&self) -> &Project {
        &self.session.project
    }

    /// Index of the shown document.
    pub fn current(&self) -> usize {
        self.session.current_doc
    }

    /// The shown document's state (a fresh one if it was never shown).
    pub fn doc_ui(&self) -> DocUiRef<'_> {
        DocUiRef(self.docs.get(&self.current()))
    }

    /// The shown document's state, for changing.
    pub fn doc_ui_mut(&mut self) -> &mut DocUi {
        self.docs.entry(self.session.current_doc).or_default()
    }

    /// Brings the document list's order up to date with its filter and the project.
    pub fn refresh_list(&mut self) {
        let project = &self.session.project;
        let filter = &self.ui.list.filter;
        let query = filter.query.trim();
        if self.list.matches.as_ref().is_none_or(|(q, _)| q != query) {
            self.list.matches = Some((query.to_owned(), doclist::text_matches(project, query)));
            self.list.arranged = None;
        }
        let key = (
            filter.clone(),
            self.session.history.state_id(),
            project.documents.len(),
        );
        if self.list.arranged.as_ref() != Some(&key) {
            let matches = self.list.matches.as_ref().and_then(|(_, m)| m.as_deref());
            self.ui.list.order = doclist::arrange(project, filter, matches);
            // A new filter or sort may have moved the shown document's row; an edit has not.
            let refiltered = self
                .list
                .arranged
                .as_ref()
                .is_none_or(|(f, ..)| *f != key.0);
            self.ui.list.reveal |= refiltered;
            self.list.arranged = Some(key);
        }
    }

    /// The documents the list shows, in its order.
    pub fn list_order(&mut self) -> &[usize] {
        self.refresh_list();
        &self.ui.list.order
    }

    /// Everything a frame of the labeling view needs, borrowed at once.
    pub fn frame_parts(&mut self) -> (&Project, usize, u64, &mut DocUi, &mut LabelingUi) {
        self.refresh_list();
        let current = self.session.current_doc;
        let doc = self.docs.entry(current).or_default();
        (
            &self.session.project,
            current,
            self.session.history.state_id(),
            doc,
            &mut self.ui,
        )
    }

    /// The one way to show another document: its own selection, link mode, search hits and
    /// scroll position come back with it. Notes typed in the document left are saved to
    /// their spans first. Returns false when `i` is not a document.
    pub fn switch_to(&mut self, i: usize) -> bool {
        if i >= self.session.project.documents.len() {
            return false;
        }
        if i != self.session.current_doc {
            self.flush_note_drafts(None);
            self.session.current_doc = i;
            self.doc_ui_mut().view.restore_scroll();
            self.ui.list.reveal = true;
        }
        true
    }

    /// Shows the next (`by` > 0) or previous document of the list, wrapping around.
    pub fn step_document(&mut self, by: isize) -> Option<String> {
        let current = self.current();
        match doclist::step_in(self.list_order(), current, by) {
            Some(next) => {
                self.switch_to(next);
                None
            }
            None => Some("No document matches the list's filter".to_owned()),
        }
    }

    /// Shows the next document of the list that is not done.
    pub fn next_unfinished(&mut self) -> Option<String> {
        let current = self.current();
        self.refresh_list();
        match doclist::next_unfinished(&self.session.project, &self.ui.list.order, current) {
            Some(next) => {
                self.switch_to(next);
                None
            }
            None => Some("Every other document in the list is done".to_owned()),
        }
    }

    /// What is selected in the shown document.
    pub(super) fn selection(&self) -> Selection {
        let d = self.doc_ui();
        Selection {
            doc: self.current(),
            text: d.view().selection(),
            span: d.0.and_then(|d| d.selected_span),
            relation: d.0.and_then(|d| d.selected_relation),
        }
    }

    /// Shows `sel`'s document with that selection, scrolled into view.
    fn restore(&mut self, sel: Selection) {
        self.switch_to(sel.doc);
        let span_range = sel
            .span
            .and_then(|id| self.session.project.documents.get(sel.doc)?.span(id))
            .map(|s| s.start..s.end);
        let d = self.doc_ui_mut();
        d.view.set_selection(sel.text.clone());
        d.selected_span = sel.span;
        d.selected_relation = sel.relation;
        d.linking = None;
        d.link_candidate = None;
        if let Some(r) = span_range.or(sel.text) {
            d.view.scroll_to(r);
        }
    }

    /// Drops what no longer exists in document `doc` from its state: selected span or
    /// relation, link mode from a deleted span, link candidate, edge drag, note drafts.
    fn revalidate(&mut self, doc: usize) {
        let Some(d) = self.session.project.documents.get(doc) else {
            return;
        };
        let Some(ui) = self.docs.get_mut(&doc) else {
            return;
        };
        if ui.selected_span.is_some_and(|id| d.span(id).is_none()) {
            ui.selected_span = None;
            ui.linking = None;
        }
        ui.selected_relation = ui.selected_relation.filter(|id| d.relation(*id).is_some());
        ui.link_candidate = ui.link_candidate.filter(|id| d.span(*id).is_some());
        ui.edge_drag = ui.edge_drag.filter(|(id, _)| d.span(*id).is_some());
        ui.note_drafts.retain(|id, _| d.span(*id).is_some());
    }

    /// The one edit path of labeling: applies `tx` through the session's history, recording
    /// the selection before it and `after`, then shows `after`.
    fn commit(&mut self, tx: Transaction, after: Selection) -> Result<(), EditError> {
        let before = self.selection();
        self.session.apply(tx, before, after.clone())?;
        self.revalidate(after.doc);
        self.restore(after.checked(&self.session.project));
        Ok(())
    }

    /// [`Self::commit`] of a built transaction; the status says what happened or why not.
    pub(super) fn commit_built(
        &mut self,
        tx: Result<Transaction, EditError>,
        after: Selection,
        done: impl Into<String>,
    ) -> String {
        match tx.and_then(|tx| self.commit(tx, after)) {
            Ok(()) => done.into(),
            Err(e) => format!("Refused: {e}"),
        }
    }

    /// [`Self::commit`] of `tx` keeping what is selected; the status says what happened.
    pub(super) fn commit_here(&mut self, tx: Transaction, done: impl Into<String>) -> String {
        let after = self.selection();
        self.commit_built(Ok(tx), after, done)
    }

    /// Saves every note draft of the shown document that differs from its span's note
    /// (except the one typed for `keep`), each as one step, and forgets the drafts.
    pub fn flush_note_drafts(&mut self, keep: Option<SpanId>) {
        let doc = self.current();
        let Some(drafts) = self
            .docs
            .get_mut(&doc)
            .map(|d| std::mem::take(&mut d.note_drafts))
        else {
            return;
        };
        for (span, text) in drafts {
            if Some(span) == keep {
                self.doc_ui_mut().note_drafts.insert(span, text);
                continue;
            }
            let stored = self
                .session
                .project
                .documents
                .get(doc)
                .and_then(|d| d.span(span))
                .map(|s| s.note.clone().unwrap_or_default());
            if stored.is_some_and(|s| s != text) {
                let tx = actions::set_note(&self.session.project, doc, span, &text);
                let after = self.selection();
                // A refused note (its span is gone) has nowhere to go; the span's own undo brings both back.
                let _ = tx.and_then(|tx| self.commit(tx, after));
            }
        }
    }

    /// Undoes the last change, showing the document and selection it was made in.
    pub fn undo(&mut self) -> String {
        let said = self.step_history(true);
        self.refresh_suggestions(None);
        said
    }

    /// Redoes the last undone change, showing its document and selection.
    pub fn redo(&mut self) -> String {
        let said = self.step_history(false);
        self.refresh_suggestions(None);
        said
    }

    fn step_history(&mut self, undo: bool) -> String {
        // Typed notes become steps of their own first, so undo never loses them silently.
        self.flush_note_drafts(None);
        // What the schema editor last said is about a state undo and redo leave.
        self.ui.schema_editor.message = None;
        let r = if undo {
            self.session.undo()
        } else {
            self.session.redo()
        };
        let what = if undo { "Undo" } else { "Redo" };
        match r {
            Ok(Some(sel)) => {
                // One step may have changed several documents (marking a corpus search's hits).
                let visited: Vec<usize> = self.docs.keys().copied().collect();
                for doc in visited {
                    self.revalidate(doc);
                }
                if let Some(d) = self.docs.get_mut(&sel.doc) {
                    d.note_drafts.clear();
                }
                let title = self
                    .session
                    .project
                    .documents
                    .get(sel.doc)
                    .map(|d| d.title.clone())
                    .unwrap_or_default();
                let moved = sel.doc != self.current();
                self.restore(sel);
                if moved {
                    format!(
                        "{what}ne (in document \"{}\")",
                        title.chars().take(40).collect::<String>()
                    )
                } else {
                    format!("{what}ne")
                }
            }
            Ok(None) => format!("Nothing to {}", what.to_lowercase()),
            Err(e) => format!("{what} failed: {e}"),
        }
    }

    /// Whether the selected span of the shown document sits in a right-to-left paragraph.
    fn selected_span_is_rtl(&self) -> Option<bool> {
        let doc = self.session.project.documents.get(self.current())?;
        let span = doc.span(self.doc_ui().0?.selected_span?)?;
        let text = doc.text();
        let bytes = doc.index().char_to_byte(text, span.start)?;
        let para_start = text[..bytes].rfind('\n').map_or(0, |i| i + 1);
        let para_end = text[bytes..].find('\n').map_or(text.len(), |i| bytes + i);
        Some(base_direction(&text[para_start..para_end]) == Direction::Rtl)
    }

    /// Selects the next/previous span in text order; in link mode, the next allowed target.
    fn step_span(&mut self, by: isize) {
        if self.doc_ui().linking().is_none() {
            // Outside link mode Tab stops at suggestions too.
            self.step_span_or_suggestion(by);
            return;
        }
        let doc_index = self.current();
        let Some(doc) = self.session.project.documents.get(doc_index) else {
            return;
        };
        let schema = &self.session.project.schema;
        let ui = self.docs.entry(doc_index).or_default();
        let candidates: Vec<SpanId> = match &ui.linking {
            Some(kind) => {
                let allowed = schema
                    .relation_type(kind)
                    .map(|t| t.to.clone())
                    .unwrap_or_default();
                doc.spans
                    .iter()
                    .filter(|sp| allowed.contains(&sp.label))
                    .map(|sp| sp.id)
                    .collect()
            }
            None => doc.spans.iter().map(|sp| sp.id).collect(),
        };
        if candidates.is_empty() {
            return;
        }
        let current = if ui.linking.is_some() {
            ui.link_candidate
        } else {
            ui.selected_span
        };
        let n = candidates.len() as isize;
        let next = match current.and_then(|c| candidates.iter().position(|id| *id == c)) {
            Some(i) => candidates[(i as isize + by).rem_euclid(n) as usize],
            None if by > 0 => candidates[0],
            None => candidates[candidates.len() - 1],
        };
        let range = doc.span(next).map(|sp| sp.start..sp.end);
        let previous = ui.selected_span;
        if ui.linking.is_some() {
            ui.link_candidate = Some(next);
        } else {
            ui.selected_span = Some(next);
            ui.selected_relation = None;
            ui.view.set_selection(None);
        }
        if let Some(r) = range {
            ui.view.scroll_to(r);
        }
        if previous != Some(next) && self.doc_ui().linking().is_none() {
            // A note typed for the span left behind is saved to that span.
            self.flush_note_drafts(Some(next));
        }
    }

    /// Runs a command of the table that belongs to labeling; returns what to tell the user.
    pub fn command(&mut self, cmd: UiCommand) -> Option<String> {
        let intent = match cmd {
            UiCommand::Undo => return Some(self.undo()),
            UiCommand::Redo => return Some(self.redo()),
            UiCommand::NextDocument => return self.step_document(1),
            UiCommand::PreviousDocument => return self.step_document(-1),
            UiCommand::NextUnfinished => return self.next_unfinished(),
            UiCommand::Find => {
                self.ui.search.focus_request = true;
                return None;
            }
            UiCommand::CorpusSearch => {
                self.corpus.open();
                return None;
            }
            UiCommand::EditSchema => {
                self.ui.schema_editor.open = true;
                return None;
            }
            UiCommand::DeleteSelection if self.rejects_on_delete() => {
                return Some(self.reject_target());
            }
            UiCommand::DeleteSelection => Intent::DeleteSelected,
            UiCommand::RejectSuggestion => return Some(self.reject_target()),
            UiCommand::AcceptParagraphSuggestions => return Some(self.accept_paragraph()),
            UiCommand::ToggleSuggestions => {
                self.suggest.show = !self.suggest.show;
                self.refresh_suggestions(None);
                return None;
            }
            UiCommand::ClearSelection if self.doc_ui().0.is_some_and(|d| d.linking.is_some()) => {
                Intent::CancelLink
            }
            UiCommand::ClearSelection => {
                let d = self.doc_ui_mut();
                d.view.set_selection(None);
                d.selected_relation = None;
                Intent::SelectSpan(None)
            }
            UiCommand::NextSpan | UiCommand::PreviousSpan => {
                self.step_span(if cmd == UiCommand::NextSpan { 1 } else { -1 });
                return None;
            }
            UiCommand::ConfirmLink if self.doc_ui().linking().is_none() => {
                return Some(self.accept_target(None));
            }
            UiCommand::ConfirmLink => {
                Intent::CompleteLink(self.doc_ui().0.and_then(|d| d.link_candidate)?)
            }
            UiCommand::LeftEdgeLeft
            | UiCommand::LeftEdgeRight
            | UiCommand::RightEdgeLeft
            | UiCommand::RightEdgeRight => {
                let rtl = self.selected_span_is_rtl()?;
                // Visual edges: in RTL text the left edge is the logical end.
                let left = matches!(cmd, UiCommand::LeftEdgeLeft | UiCommand::LeftEdgeRight);
                let leftwards = matches!(cmd, UiCommand::LeftEdgeLeft | UiCommand::RightEdgeLeft);
                let edge = if left == rtl { Edge::End } else { Edge::Start };
                let delta = if leftwards == rtl { 1 } else { -1 };
                Intent::MoveEdge { edge, delta }
            }
            _ => return None,
        };
        self.apply(intent)
    }

    /// Carries out one intent from a view or key; returns what to tell the user.
    pub fn apply(&mut self, intent: Intent) -> Option<String> {
        let doc = self.current();
        let sel = self.selection();
        let p = &self.session.project;
        let say = |s: &str| Some(s.to_owned());
        match intent {
            Intent::Label(label) => {
                if let Some(text) = sel.text.clone() {
                    let exact = self.doc_ui().0.is_some_and(|d| d.exact_selection);
                    return Some(match actions::mark_selection(p, doc, &label, text, exact) {
                        Ok((tx, id)) => self.commit_built(
                            Ok(tx),
                            Selection {
                                doc,
                                text: None,
                                span: Some(id),
                                relation: None,
                            },
                            format!("Marked a {label} span"),
                        ),
                        Err(e) => format!("Refused: {e}"),
                    });
                }
                let Some(id) = sel.span else {
                    if let Some(s) = self.focused_suggestion() {
                        // A label key on the focused suggestion accepts it as that label (not
                        // on one under the pointer: a stray key must never label).
                        return Some(self.accept(&[s], Some(&label)));
                    }
                    return say(
                        "Nothing is selected in this document: select some text first (drag, double-click, or Shift+arrows), or click a span to relabel it",
                    );
                };
                let tx = actions::relabel(p, doc, id, &label);
                Some(self.commit_built(tx, sel, format!("Relabelled as {label}")))
            }
            Intent::SelectSpan(id) => {
                let previous = sel.span;
                let range = id
                    .and_then(|id| p.documents.get(doc)?.span(id))
                    .map(|s| s.start..s.end);
                let d = self.doc_ui_mut();
                d.selected_span = id;
                d.selected_relation = None;
                d.linking = None;
                d.link_candidate = None;
                d.focused_suggestion = None;
                if let Some(r) = range {
                    d.view.scroll_to(r);
                }
                // A note typed for the span left behind is saved to that span.
                self.flush_note_drafts(id.filter(|i| Some(*i) == previous));
                None
            }
            Intent::SelectRelation(id) => {
                self.doc_ui_mut().selected_relation = id;
                None
            }
            Intent::DeleteSelected => {
                let (tx, after) = match (sel.relation, sel.span) {
                    (Some(r), _) => (
                        Ok(Transaction::one(Edit::DeleteRelation { doc, id: r })),
                        Selection {
                            relation: None,
                            ..sel
                        },
                    ),
                    (None, Some(sp)) => (actions::delete_span(p, doc, sp), Selection::none(doc)),
                    (None, None) => return say("Nothing selected to delete"),
                };
                Some(self.commit_built(tx, after, "Deleted"))
            }
            Intent::SetAttribute { span, name, value } => {
                let tx = actions::set_attribute(p, doc, span, &name, value.as_deref());
                Some(self.commit_built(tx, sel, format!("Set {name}")))
            }
            Intent::SetNote { span, note } => {
                let tx = actions::set_note(p, doc, span, &note);
                let status = self.commit_built(tx, sel, "Note saved");
                self.doc_ui_mut().note_drafts.remove(&span);
                Some(status)
            }
            Intent::SetRange { span, range } => {
                let tx = actions::set_range(p, doc, span, range);
                Some(self.commit_built(
                    tx,
                    Selection {
                        text: None,
                        span: Some(span),
                        ..sel
                    },
                    "Span edge moved",
                ))
            }
            Intent::MoveEdge { edge, delta } => {
                let id = sel.span?;
                let tx = actions::move_edge(p, doc, id, edge, delta);
                Some(self.commit_built(tx, sel, "Span edge moved"))
            }
            Intent::StartLink(kind) => {
                let from_label = sel
                    .span
                    .and_then(|id| p.documents.get(doc)?.span(id))
                    .map(|sp| sp.label.clone());
                let rt = p.schema.relation_type(&kind)?;
                let (from, to, key) = (
                    rt.from.join(" or "),
                    rt.to.join(" or "),
                    rt.key.to_uppercase(),
                );
                let allowed = from_label.as_ref().map(|l| rt.from.contains(l));
                match (from_label, allowed) {
                    (Some(_), Some(true)) => {
                        let d = self.doc_ui_mut();
                        d.linking = Some(kind.clone());
                        d.link_candidate = None;
                        Some(format!(
                            "Linking \"{kind}\": click a {to} span, or Tab then Enter; Esc cancels"
                        ))
                    }
                    (Some(l), _) => Some(format!(
                        "Refused: a \"{kind}\" link starts at a {from} span, not a {l} span"
                    )),
                    (None, _) => Some(format!("Select a {from} span first, then press {key}")),
                }
            }
            Intent::CompleteLink(to) => {
                let d = self.doc_ui_mut();
                let (Some(kind), Some(from)) = (d.linking.take(), d.selected_span) else {
                    return None;
                };
                d.link_candidate = None;
                Some(
                    match actions::link(&self.session.project, doc, &kind, from, to) {
                        Ok((tx, rid)) => self.commit_built(
                            Ok(tx),
                            Selection {
                                relation: Some(rid),
                                ..sel
                            },
                            format!("Linked: {kind}"),
                        ),
                        Err(e) => format!("Refused: {e}"),
                    },
                )
            }
            Intent::CancelLink => {
                let d = self.doc_ui_mut();
                d.linking = None;
                d.link_candidate = None;
                say("Linking cancelled")
            }
            Intent::DeleteRelation(id) => {
                let after = Selection {
                    relation: sel.relation.filter(|r| *r != id),
                    ..sel
                };
                Some(self.commit_built(
                    Ok(Transaction::one(Edit::DeleteRelation { doc, id })),
                    after,
                    "Relation deleted",
                ))
            }
            Intent::MarkAllHits(label) => {
                let hits = self
                    .doc_ui()
                    .0
                    .map(|d| d.search.hits.clone())
                    .unwrap_or_default();
                Some(match actions::mark_all(p, doc, &label, &hits) {
                    Ok((tx, n)) => self.commit_built(
                        Ok(tx),
                        sel,
                        format!("Marked {n} hit(s) as {label} (one undo step)"),
                    ),
                    Err(e) => format!("Refused: {e}"),
                })
            }
            Intent::SetStatus(status) => Some(self.commit_built(
                Ok(Transaction::one(Edit::SetStatus { doc, status })),
                sel,
                format!("Status: {}", status.label()),
            )),
            Intent::StepHit(by) => {
                let d = self.doc_ui_mut();
                if let Some(hit) = d.search.step(by) {
                    d.view.set_selection(Some(hit.clone()));
                    d.hit_selected = Some(hit.clone());
                    d.exact_selection = true;
                    d.view.scroll_to(hit);
                }
                None
            }
            Intent::OpenDocument(i) => {
                self.switch_to(i);
                None
            }
            Intent::FocusSuggestion(key) => {
                let d = self.doc_ui_mut();
                d.focused_suggestion = key;
                d.selected_span = None;
                d.selected_relation = None;
                None
            }
            Intent::Say(s) => Some(s),
        }
    }
}

/// Read access to a document's state that may not exist yet (a document never shown has
/// nothing selected).
#[derive(Clone, Copy, Debug)]
pub struct DocUiRef<'a>(pub Option<&'a DocUi>);

impl<'a> DocUiRef<'a> {
    /// The document view's state, or an empty one.
    pub fn view(&self) -> &'a crate::text::DocumentViewState {
        static EMPTY: std::sync::OnceLock<crate::text::DocumentViewState> =
            std::sync::OnceLock::new();
        self.0
            .map_or_else(|| EMPTY.get_or_init(Default::default), |d| &d.view)
    }

    /// The selected span.
    pub fn selected_span(&self) -> Option<SpanId> {
        self.0.and_then(|d| d.selected_span)
    }

    /// The relation type being linked, if in link mode.
    pub fn linking(&self) -> Option<&'a str> {
        self.0.and_then(|d| d.linking.as_deref())
    }

    /// The search hits.
    pub fn hits(&self) -> &'a [std::ops::Range<usize>] {
        self.0.map_or(&[], |d| d.search.hits.as_slice())
    }
}
