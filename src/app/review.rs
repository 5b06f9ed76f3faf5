//! Review mode: project files opened read-only, the state of each reviewed document (the
//! difference shown, the span clicked, the comment being written, the view's scroll
//! position), and the translation of review intents and commands into changes of the
//! [`ReviewSession`]. No egui here.

use std::collections::HashMap;
use std::path::PathBuf;

use crate::review::Decision;
use crate::review::session::{ReviewSession, ReviewSessionError};
use crate::ui::commands::UiCommand;
use crate::ui::review::{ReviewDocUi, ReviewIntent, decision_text, keep_file};

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
    /// Show this table (the agreement numbers).
    Table(String),
    /// Ask where to write the gold copy, suggesting this path.
    AskGoldPath(PathBuf),
    /// Nothing to show.
    Nothing,
}

impl Review {
    /// Opens `paths` read-only for review by `reviewer`.
    pub fn open(paths: &[PathBuf], reviewer: &str) -> Result<Self, ReviewSessionError> {
        Ok(Review {
            session: ReviewSession::open(paths, reviewer)?,
            docs: HashMap::new(),
            view_id: None,
        })
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
        match self.session.decide(d, decision.clone()) {
            Ok(()) => {
                let said = format!(
                    "Difference {}: {}",
                    d + 1,
                    decision_text(&decision, &self.session.names)
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
                if let Some(n) = next {
                    self.select_difference(n);
                }
                said
            }
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
            ReviewIntent::Comment { file, comment } => {
                self.session.comment(file, comment);
                Some("Comment added (Ctrl+S writes the review files)".to_owned())
            }
            ReviewIntent::Verdict {
                file,
                doc_id,
                verdict,
            } => {
                self.session.set_verdict(file, &doc_id, verdict);
                None
            }
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
            UiCommand::ShowAgreement => ReviewOutcome::Table(self.session.agreement_table()),
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
