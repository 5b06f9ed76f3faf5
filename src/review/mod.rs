//! Review and agreement: comparing annotators' copies of the same documents, measuring their
//! agreement, adjudicating a gold copy, and the reviewer's comments and verdicts.
//!
//! No egui and no terminal here: the CLI (`qalam agree`) and the GUI build on this module.
//!
//! - [`matching`]: documents of several projects matched by the hash of their text;
//! - [`labels`]: the label of every token (the CoNLL export's tokens), the unit of κ and α;
//! - [`stats`]: Cohen's κ, Fleiss' κ and Krippendorff's α from additive counts;
//! - [`agreement`](mod@agreement): span, relation and token agreement per label, document and
//!   corpus, and [`table`](mod@table) to print it;
//! - [`adjudicate`](mod@adjudicate): the differences between annotators, the reviewer's
//!   decisions and the gold project they give;
//! - [`file`](mod@file): the review file (comments and verdicts) kept beside a project;
//! - [`decisions`]: the adjudication file (the reviewer's decisions, by content) and the
//!   review's recovery copy;
//! - [`history`]: review transactions (decisions, comments, verdicts) with undo and redo;
//! - [`confusion`](mod@confusion): which label one annotator used where another used which;
//! - [`compare`]: how each annotator's spans stand against the others' (comparison colours);
//! - [`session`]: a reviewer's open files, decisions and review files together.

pub mod adjudicate;
pub mod agreement;
pub mod compare;
pub mod confusion;
pub mod decisions;
pub mod file;
pub mod history;
pub mod labels;
pub mod matching;
pub mod session;
pub mod stats;
pub mod table;

pub use adjudicate::{
    Adjudication, AdjudicationError, Candidate, Decision, Difference, DifferenceKind,
    DroppedRelation, GoldProject, RecordedDecision, RelationCandidate, SpanKey, adjudicate,
    keep_file,
};
pub use agreement::{
    Agreement, AgreementReport, DocumentAgreement, MatchCounts, PairAgreement, PartialDocument,
    PerLabel, Score, agreement, agreement_with_progress, annotator_names,
};
pub use decisions::{
    AdjudicationFile, DecisionsError, SavedChoice, SavedDecision, StaleDecision, adjudication_path,
    load_adjudication, save_adjudication,
};
pub use file::{
    Comment, ReviewError, ReviewFile, SpanRef, Target, Verdict, load_review, review_path,
    save_review,
};
pub use history::{ReviewEdit, ReviewEditError, ReviewSelection, ReviewTransaction};
pub use labels::{LabelSet, OUTSIDE, token_labels};
pub use matching::{DocumentMatch, Duplicate, Matching, match_documents};
