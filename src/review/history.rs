//! The one path through which a review changes: review transactions of invertible edits
//! (decisions, comments, verdicts, dismissing stale decisions) and their undo/redo history
//! ([`crate::model::history::UndoHistory`], as for annotations in [`crate::model::command`]). Every revision keeps the reviewer's place (document, difference,
//! clicked span) from before and after it, so undo and redo show where the change was made.

use thiserror::Error;

use crate::model::history::{Place, Revertible, UndoHistory};

use super::adjudicate::{Adjudication, AdjudicationError, Decision, SpanKey};
use super::decisions::StaleDecision;
use super::file::{Comment, ReviewFile, Verdict};

/// A primitive, invertible change to a review.
#[derive(Clone, Debug, PartialEq)]
pub enum ReviewEdit {
    /// Set (or with `None`, clear) the decision on a difference.
    Decide {
        /// Index into the adjudication's differences.
        difference: usize,
        /// The new decision.
        decision: Option<Decision>,
    },
    /// Add a span no annotator made (a no-op refused when it is there already).
    AddSpan {
        /// Index into the adjudication's documents.
        document: usize,
        /// The span.
        key: SpanKey,
    },
    /// Remove a span the reviewer added.
    RemoveSpan {
        /// Index into the adjudication's documents.
        document: usize,
        /// The span.
        key: SpanKey,
    },
    /// Insert a comment into file `file`'s review at position `index`.
    InsertComment {
        /// The file (lane).
        file: usize,
        /// Position in the file's comments.
        index: usize,
        /// The comment.
        comment: Comment,
    },
    /// Remove the comment at position `index` of file `file`'s review.
    RemoveComment {
        /// The file (lane).
        file: usize,
        /// Position in the file's comments.
        index: usize,
    },
    /// Set (or with `None`, clear) file `file`'s verdict on document `document`.
    SetVerdict {
        /// The file (lane).
        file: usize,
        /// The document's id in that file.
        document: String,
        /// The new verdict.
        verdict: Option<Verdict>,
    },
    /// Replace the saved decisions listed as stale (kept in the adjudication file until
    /// dismissed): an empty list dismisses them, and its inverse brings them back.
    SetStale {
        /// The stale decisions from now on.
        stale: Vec<StaleDecision>,
    },
}

/// Review edits applied together as one undo step.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ReviewTransaction {
    /// The edits, applied in order.
    pub edits: Vec<ReviewEdit>,
}

impl ReviewTransaction {
    /// A transaction of one edit.
    pub fn one(edit: ReviewEdit) -> Self {
        ReviewTransaction { edits: vec![edit] }
    }
}

/// Why a review edit was refused. The review is unchanged when this is returned.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum ReviewEditError {
    /// The adjudication refused the decision.
    #[error(transparent)]
    Adjudication(#[from] AdjudicationError),
    /// A decision was given on a review of one file.
    #[error("a review of one file has no differences to decide")]
    NoAdjudication,
    /// The file index is out of range.
    #[error("there is no file {0} in this review")]
    NoFile(usize),
    /// The reviewer already added this span, or never added the one to remove.
    #[error("the reviewer's span {start}..{end} ({label}) is {what}")]
    Addition {
        /// Start.
        start: usize,
        /// End.
        end: usize,
        /// Label.
        label: String,
        /// "there already" or "not there".
        what: &'static str,
    },
    /// The comment position is out of range.
    #[error("there is no comment number {index} in file {file}'s review")]
    NoComment {
        /// The file.
        file: usize,
        /// The position.
        index: usize,
    },
}

/// Where the reviewer was around a change.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ReviewSelection {
    /// Index of the review document shown.
    pub document: usize,
    /// The difference shown.
    pub difference: Option<usize>,
    /// The span clicked: (file, span id).
    pub span: Option<(usize, u64)>,
}

fn addition(key: &SpanKey, what: &'static str) -> ReviewEditError {
    ReviewEditError::Addition {
        start: key.start,
        end: key.end,
        label: key.label.clone(),
        what,
    }
}

/// What review edits change: the decisions, each file's review and the stale decisions.
#[derive(Debug)]
pub struct ReviewState<'a> {
    /// The adjudication (`None` for a review of one file).
    pub adjudication: &'a mut Option<Adjudication>,
    /// Each file's review (comments and verdicts).
    pub reviews: &'a mut [ReviewFile],
    /// Saved decisions whose difference is not there any more.
    pub stale: &'a mut Vec<StaleDecision>,
}

fn apply_edit(s: &mut ReviewState<'_>, edit: ReviewEdit) -> Result<ReviewEdit, ReviewEditError> {
    let (adj, reviews) = (&mut *s.adjudication, &mut *s.reviews);
    match edit {
        ReviewEdit::Decide {
            difference,
            decision,
        } => {
            let adj = adj.as_mut().ok_or(ReviewEditError::NoAdjudication)?;
            let count = adj.differences().len();
            if difference >= count {
                return Err(AdjudicationError::NoSuchDifference {
                    index: difference,
                    count,
                }
                .into());
            }
            let old = adj.decision(difference).cloned();
            match decision {
                Some(d) => adj.decide(difference, d)?,
                None => adj.undecide(difference),
            }
            Ok(ReviewEdit::Decide {
                difference,
                decision: old,
            })
        }
        ReviewEdit::AddSpan { document, key } => {
            let adj = adj.as_mut().ok_or(ReviewEditError::NoAdjudication)?;
            if !adj.add_span(document, key.clone())? {
                return Err(addition(&key, "there already"));
            }
            Ok(ReviewEdit::RemoveSpan { document, key })
        }
        ReviewEdit::RemoveSpan { document, key } => {
            let adj = adj.as_mut().ok_or(ReviewEditError::NoAdjudication)?;
            if !adj.remove_span(document, &key) {
                return Err(addition(&key, "not there"));
            }
            Ok(ReviewEdit::AddSpan { document, key })
        }
        ReviewEdit::InsertComment {
            file,
            index,
            comment,
        } => {
            let r = reviews.get_mut(file).ok_or(ReviewEditError::NoFile(file))?;
            if index > r.comments.len() {
                return Err(ReviewEditError::NoComment { file, index });
            }
            r.comments.insert(index, comment);
            Ok(ReviewEdit::RemoveComment { file, index })
        }
        ReviewEdit::RemoveComment { file, index } => {
            let r = reviews.get_mut(file).ok_or(ReviewEditError::NoFile(file))?;
            if index >= r.comments.len() {
                return Err(ReviewEditError::NoComment { file, index });
            }
            let comment = r.comments.remove(index);
            Ok(ReviewEdit::InsertComment {
                file,
                index,
                comment,
            })
        }
        ReviewEdit::SetVerdict {
            file,
            document,
            verdict,
        } => {
            let r = reviews.get_mut(file).ok_or(ReviewEditError::NoFile(file))?;
            let old = r.verdict(&document);
            match verdict {
                Some(v) => r.set_verdict(document.clone(), v),
                None => {
                    r.verdicts.remove(&document);
                }
            }
            Ok(ReviewEdit::SetVerdict {
                file,
                document,
                verdict: old,
            })
        }
        ReviewEdit::SetStale { stale } => Ok(ReviewEdit::SetStale {
            stale: std::mem::replace(s.stale, stale),
        }),
    }
}

/// Applies a review transaction atomically: all edits or none. Returns the inverse.
pub fn apply_review(
    s: &mut ReviewState<'_>,
    tx: ReviewTransaction,
) -> Result<ReviewTransaction, ReviewEditError> {
    let mut inverse = Vec::with_capacity(tx.edits.len());
    for edit in tx.edits {
        match apply_edit(s, edit) {
            Ok(inv) => inverse.push(inv),
            Err(e) => {
                // Inverses of applied edits always apply.
                for inv in inverse.into_iter().rev() {
                    let _ = apply_edit(s, inv);
                }
                return Err(e);
            }
        }
    }
    inverse.reverse();
    Ok(ReviewTransaction { edits: inverse })
}

impl<'a> Revertible<ReviewState<'a>> for ReviewTransaction {
    type Error = ReviewEditError;

    fn apply_to(self, s: &mut ReviewState<'a>) -> Result<Self, ReviewEditError> {
        apply_review(s, self)
    }

    fn is_empty(&self) -> bool {
        self.edits.is_empty()
    }
}

// The reviewer's place needs no checking: differences and documents stay while reviewing.
impl<'a> Place<ReviewState<'a>> for ReviewSelection {}

/// Undo/redo stacks of a review, each step with the reviewer's place, and the identity of
/// the saved state for the dirty flag (the same history as annotations have).
pub type ReviewHistory = UndoHistory<ReviewTransaction, ReviewSelection>;
