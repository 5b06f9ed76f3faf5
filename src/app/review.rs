//! Review mode: project files opened read-only, the state of each reviewed document (the
//! difference shown, the span clicked, the comment being written, the view's scroll
//! position), and the translation of review intents and commands into changes of the
//! [`ReviewSession`]. No egui here.

use std::collections::HashMap;
use std::path::PathBuf;

use crate::review::session::{ReviewOptions, ReviewSession, ReviewSessionError};
use crate::review::{Decision, ReviewSelection, keep_file};
use crate::ui::commands::UiCommand;
use crate::ui::review::{ReviewDocUi, ReviewIntent, decision_text};

/// The review mode's state.
#[derive(Debug)]
pub struct Review {
    /// The files under review, their comparison, decisions, comments and verdicts.
    pub session: ReviewSession,
    /// Per-document state, by index into the session's documents.
    docs: HashMap<usize, ReviewDocUi>,
    /// Id of the comparison view's widget last frame (it keeps keyboard focus).
    pub view_id: Option<egui::Id>,
}

/// What a review command needs from the window besides a status line.
#[derive(Debug, PartialEq)]
pub enum ReviewOutcome {
    /// Tell the user this.
    Say(String),
    /// Show this table.
    Table {
        /// The window's title.
        title: &'static str,
        /// The table, in a fixed-width font.
        text: String,
    },
    /// Ask where to write the gold copy, suggesting this path.
    AskGoldPath(PathBuf),
    /// Nothing to show.
    Nothing,
}

impl Review {
    /// Each open file's annotator progress and each document's overlap, as `qalam status`
    /// prints them for the same files (documents matched by text).
    pub fn team_table(&self) -> String {
        let s = &self.session;
        let files: Vec<String> = s.paths.iter().map(|p| p.display().to_string()).collect();
        let modified: Vec<_> = s
            .paths
            .iter()
            .map(|p| std::fs::metadata(p).and_then(|m| m.modified()).ok())
            .collect();
        let inputs: Vec<crate::team::status::StatusInput<'_>> = files
            .iter()
            .zip(&s.projects)
            .zip(&modified)
            .map(
                |((file, project), modified)| crate::team::status::StatusInput {
                    file,
                    project,
                    modified: *modified,
                },
            )
            .collect();
        crate::team::status::render_table(&crate::team::status(&inputs))
    }

    /// Opens `paths` read-only for review by `reviewer`, as `options` say, and shows the
    /// first undecided difference (where the last session stopped).
    pub fn open(
        paths: &[PathBuf],
        reviewer: &str,
        options: &ReviewOptions,
    ) -> Result<Self, ReviewSessionError> {
        let mut r = Review {
            session: ReviewSession::open_with(paths, reviewer, options)?,
            docs: HashMap::new(),
            view_id: None,
        };
        if let Some(d) = r.session.first_undecided() {
            r.select_difference(d);
        }
        Ok(r)
    }

    /// Where the reviewer is: document, difference, clicked span.
    pub fn selection(&self) -> ReviewSelection {
        let ui = self.doc_ui();
        ReviewSelection {
            document: self.session.current,
            difference: ui.and_then(|u| u.difference),
            span: ui.and_then(|u| u.span),
        }
    }

    /// Shows the place `s` (after undo or redo).
    fn show(&mut self, s: ReviewSelection) {
        match s.difference {
            Some(d) => self.select_difference(d),
            None => {
                self.switch_to(s.document);
            }
        }
        self.doc_ui_mut().span = s.span;
    }

    /// Undoes (`undo`) or redoes the last review step and shows where it was made.
    pub fn undo_redo(&mut self, undo: bool) -> String {
        let result = if undo {
            self.session.undo()
        } else {
            self.session.redo()
        };
        match result {
            Ok(Some(s)) => {
                self.show(s);
                format!(
                    "{} ({})",
                    if undo { "Undone" } else { "Redone" },
                    self.session.progress_text()
                )
            }
            Ok(None) => "Nothing to undo".to_owned(),
            Err(e) => format!("Refused: {e}"),
        }
    }

    /// The shown document's state.
    pub fn doc_ui(&self) -> Option<&ReviewDocUi> {
        self.docs.get(&self.session.current)
    }

    /// The shown document's state, for changing.
    pub fn doc_ui_mut(&mut self) -> &mut ReviewDocUi {
        self.docs.entry(self.session.current).or_default()
    }

    /// The session and the shown document's state, borrowed at once for a frame.
    pub fn frame_parts(&mut self) -> (&ReviewSession, &mut ReviewDocUi) {
        (
            &self.session,
            self.docs.entry(self.session.current).or_default(),
        )
    }

    /// The one way to show another document of the review; its difference, clicked span,
    /// comment draft and scroll position come back with it.
    pub fn switch_to(&mut self, i: usize) -> bool {
        if i >= self.session.documents.len() {
            return false;
        }
        if i != self.session.current {
            self.session.current = i;
            self.doc_ui_mut().view.restore_scroll();
        }
        true
    }

    /// Shows the next (`by` > 0) or previous document, wrapping around.
    pub fn step_document(&mut self, by: isize) {
        let n = self.session.documents.len();
        if n > 0 {
            self.switch_to((self.session.current as isize + by).rem_euclid(n as isize) as usize);
        }
    }

    /// Shows difference `d` (switching to its document if needed) and scrolls to it.
    pub fn select_difference(&mut self, d: usize) {
        let Some(adj) = self.session.adjudication.as_ref() else {
            return;
        };
        let Some(diff) = adj.differences().get(d) else {
            return;
        };
        let range = diff.range();
        let doc = self
            .session
            .documents
            .iter()
            .position(|x| x.adjudication_doc == Some(diff.document));
        if let Some(doc) = doc {
            self.switch_to(doc);
        }
        let ui = self.doc_ui_mut();
        ui.difference = Some(d);
        ui.reveal = true;
        ui.view.scroll_to(range);
    }

    /// Records `decision` for the shown difference, then shows the next undecided one.
    pub fn decide(&mut self, decision: Decision) -> String {
        let Some(d) = self.doc_ui().and_then(|u| u.difference) else {
            return "Pick a difference first (N / P, or click one in the list)".to_owned();
        };
        if let Decision::Pick(k) = decision
            && k >= self.session.paths.len()
        {
            return format!("There is no file {} in this review", k + 1);
        }
        let before = self.selection();
        let tx = crate::review::ReviewTransaction::one(crate::review::ReviewEdit::Decide {
            difference: d,
            decision: Some(decision.clone()),
        });
        match self.session.apply(tx, before.clone(), before) {
            Ok(()) => {
                let said = format!(
                    "Difference {}: {} — {}",
                    d + 1,
                    decision_text(&decision, &self.session.names),
                    self.session.progress_text()
                );
                let diffs = self.session.differences_in(self.session.current);
                let undecided: Vec<usize> = self
                    .session
                    .adjudication
                    .as_ref()
                    .map(|a| a.undecided().collect())
                    .unwrap_or_default();
                let next = diffs
                    .iter()
                    .copied()
                    .find(|x| *x > d && undecided.contains(x))
                    .or_else(|| diffs.iter().copied().find(|x| undecided.contains(x)));
                // A reviewer's span stays shown: its edges and label are adjusted next.
                if let Some(n) = next.filter(|_| !matches!(decision, Decision::Edit(..))) {
                    self.select_difference(n);
                }
                said
            }
            Err(e) => format!("Refused: {e}"),
        }
    }

    /// The reviewer's span of the shown difference (decided with an edit): range and label.
    pub fn edited_span(&self) -> Option<(std::ops::Range<usize>, String)> {
        let d = self.doc_ui()?.difference?;
        match self.session.adjudication.as_ref()?.decision(d)? {
            Decision::Edit(r, l) => Some((r.clone(), l.clone())),
            _ => None,
        }
    }

    /// Moves one visual edge of the reviewer's span of the shown difference by one character
    /// (an undoable step); in right-to-left text the left edge is the logical end.
    fn move_edge(&mut self, cmd: UiCommand) -> String {
        let Some((range, label)) = self.edited_span() else {
            return "Edit an annotator's span first (Edit … in the difference list)".to_owned();
        };
        let rtl = self
            .session
            .text(self.session.current)
            .is_some_and(|t| paragraph_is_rtl(t, range.start));
        let left = matches!(
            cmd,
            UiCommand::ReviewLeftEdgeLeft | UiCommand::ReviewLeftEdgeRight
        );
        let leftwards = matches!(
            cmd,
            UiCommand::ReviewLeftEdgeLeft | UiCommand::ReviewRightEdgeLeft
        );
        let delta: isize = if leftwards == rtl { 1 } else { -1 };
        let (mut start, mut end) = (range.start, range.end);
        if left == rtl {
            end = end.saturating_add_signed(delta);
        } else {
            start = start.saturating_add_signed(delta);
        }
        if start >= end {
            return "The span cannot be empty".to_owned();
        }
        self.decide(Decision::Edit(start..end, label))
    }

    /// Adds a span no annotator made over `range` (snapped to words as when labeling) in the
    /// shown document (an undoable step).
    fn add_span(&mut self, range: std::ops::Range<usize>, label: String) -> String {
        let Some(doc) = self
            .session
            .documents
            .get(self.session.current)
            .and_then(|d| d.adjudication_doc)
        else {
            return "Spans can only be added to documents every file has".to_owned();
        };
        let Some(text) = self.session.text(self.session.current) else {
            return "No text".to_owned();
        };
        let Some(range) = crate::model::snap::snap_selection(text, range, false) else {
            return "Nothing to mark there".to_owned();
        };
        let key = crate::review::SpanKey {
            start: range.start,
            end: range.end,
            label: label.clone(),
        };
        let at = self.selection();
        let tx = crate::review::ReviewTransaction::one(crate::review::ReviewEdit::AddSpan {
            document: doc,
            key,
        });
        match self.session.apply(tx, at.clone(), at) {
            Ok(()) => {
                self.doc_ui_mut().view.set_selection(None);
                format!(
                    "Added a {label} span {}..{} (reviewer)",
                    range.start, range.end
                )
            }
            Err(e) => format!("Refused: {e}"),
        }
    }

    /// Dismisses the stale decisions (an undoable step); says what happened.
    pub fn dismiss_stale(&mut self) -> String {
        match self.session.dismiss_stale() {
            Ok(0) => "No stale decisions".to_owned(),
            Ok(n) => format!(
                "Dismissed {n} stale decision(s): the next save leaves them out of the adjudication file (Ctrl+Z brings them back)"
            ),
            Err(e) => format!("Refused: {e}"),
        }
    }

    /// Carries out one intent from a review view.
    pub fn apply(&mut self, intent: ReviewIntent) -> Option<String> {
        match intent {
            ReviewIntent::OpenDocument(i) => {
                self.switch_to(i);
                None
            }
            ReviewIntent::SelectDifference(d) => {
                self.select_difference(d);
                None
            }
            ReviewIntent::Decide(decision) => Some(self.decide(decision)),
            ReviewIntent::DismissStale => Some(self.dismiss_stale()),
            ReviewIntent::AddSpan { range, label } => Some(self.add_span(range, label)),
            ReviewIntent::RemoveSpan { document, key } => {
                let at = self.selection();
                let tx =
                    crate::review::ReviewTransaction::one(crate::review::ReviewEdit::RemoveSpan {
                        document,
                        key,
                    });
                Some(match self.session.apply(tx, at.clone(), at) {
                    Ok(()) => "Removed the reviewer's span".to_owned(),
                    Err(e) => format!("Refused: {e}"),
                })
            }
            ReviewIntent::Comment { file, comment } => {
                Some(match self.session.comment(file, comment) {
                    Ok(()) => "Comment added (Ctrl+S writes the review files)".to_owned(),
                    Err(e) => format!("Refused: {e}"),
                })
            }
            ReviewIntent::Verdict {
                file,
                doc_id,
                verdict,
            } => self
                .session
                .set_verdict(file, &doc_id, verdict)
                .err()
                .map(|e| format!("Refused: {e}")),
        }
    }

    /// Runs a command of the table that belongs to review mode.
    pub fn command(&mut self, cmd: UiCommand) -> ReviewOutcome {
        if let Some(k) = cmd.kept_file() {
            return ReviewOutcome::Say(self.decide(keep_file(k)));
        }
        match cmd {
            UiCommand::NextDifference | UiCommand::PreviousDifference => {
                let diffs = self.session.differences_in(self.session.current);
                if diffs.is_empty() {
                    return ReviewOutcome::Say("No differences in this document".to_owned());
                }
                let pos = self
                    .doc_ui()
                    .and_then(|u| u.difference)
                    .and_then(|d| diffs.iter().position(|x| *x == d));
                let n = diffs.len() as isize;
                let step = if cmd == UiCommand::NextDifference {
                    1
                } else {
                    -1
                };
                let next = pos.map_or(if step > 0 { 0 } else { n - 1 }, |p| {
                    (p as isize + step).rem_euclid(n)
                });
                self.select_difference(diffs[next as usize]);
                ReviewOutcome::Nothing
            }
            UiCommand::ReviewLeftEdgeLeft
            | UiCommand::ReviewLeftEdgeRight
            | UiCommand::ReviewRightEdgeLeft
            | UiCommand::ReviewRightEdgeRight => ReviewOutcome::Say(self.move_edge(cmd)),
            UiCommand::Undo => ReviewOutcome::Say(self.undo_redo(true)),
            UiCommand::Redo => ReviewOutcome::Say(self.undo_redo(false)),
            UiCommand::KeepAll => ReviewOutcome::Say(self.decide(Decision::KeepBoth)),
            UiCommand::DropAll => ReviewOutcome::Say(self.decide(Decision::DropBoth)),
            UiCommand::NextDocument => {
                self.step_document(1);
                ReviewOutcome::Nothing
            }
            UiCommand::PreviousDocument => {
                self.step_document(-1);
                ReviewOutcome::Nothing
            }
            UiCommand::ClearSelection => {
                let ui = self.doc_ui_mut();
                ui.span = None;
                ui.relation = None;
                ReviewOutcome::Nothing
            }
            UiCommand::DismissStale => ReviewOutcome::Say(self.dismiss_stale()),
            UiCommand::ShowAgreement => ReviewOutcome::Table {
                title: "Agreement (same numbers as qalam agree)",
                text: self.session.agreement_table(),
            },
            UiCommand::ShowTeam => ReviewOutcome::Table {
                title: "Team progress (same as qalam status)",
                text: self.team_table(),
            },
            UiCommand::SaveGold => match &self.session.adjudication {
                None => ReviewOutcome::Say("A gold copy needs two or more files".to_owned()),
                Some(a) if a.undecided().count() > 0 => ReviewOutcome::Say(format!(
                    "{} difference(s) still undecided: decide them first",
                    a.undecided().count()
                )),
                Some(_) => ReviewOutcome::AskGoldPath(self.session.default_gold_path()),
            },
            _ => ReviewOutcome::Nothing,
        }
    }
}

/// Whether the paragraph of `text` holding code point `at` reads right to left.
fn paragraph_is_rtl(text: &str, at: usize) -> bool {
    let bytes = text.char_indices().nth(at).map_or(text.len(), |(b, _)| b);
    let para_start = text[..bytes].rfind('\n').map_or(0, |i| i + 1);
    let para_end = text[bytes..].find('\n').map_or(text.len(), |i| bytes + i);
    crate::text::base_direction(&text[para_start..para_end]) == crate::text::Direction::Rtl
}
