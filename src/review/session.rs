//! A reviewer's working state over one or more project files, opened read-only: the documents
//! they share, the comparison of annotators, the adjudication decisions, and the review files
//! (comments and verdicts) kept beside each project.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::thread::JoinHandle;

use thiserror::Error;

use super::adjudicate::{Adjudication, AdjudicationError, Decision, adjudicate};
use super::agreement::annotator_names;
use super::compare::{SpanAgreement, classify};
use super::confusion::ConfusionTable;
use super::decisions::{
    AdjudicationFile, DecisionsError, DocumentDecisions, ReviewRecovery, StaleDecision,
    adjudication_path, adjudication_to_string, file_names, load_adjudication, load_recovery,
    recovery_to_string, restore, to_file, write_guarded,
};
use super::file::{
    Comment, ReviewError, ReviewFile, Verdict, load_review, review_path, review_to_string,
};
use super::history::{
    ReviewEdit, ReviewEditError, ReviewHistory, ReviewSelection, ReviewState, ReviewTransaction,
};
use crate::model::{Document, Project, SpanId, text_sha256};
use crate::project::{self, DiskStamp, ProjectError, SaveGuard};

/// Why a review could not be opened or saved.
#[derive(Debug, Error)]
pub enum ReviewSessionError {
    /// No files were given.
    #[error("nothing to review: give one or more project files")]
    NoFiles,
    /// A project file could not be loaded.
    #[error(transparent)]
    Project(#[from] ProjectError),
    /// A review file could not be loaded or saved.
    #[error(transparent)]
    Review(#[from] ReviewError),
    /// The adjudication file could not be loaded or saved.
    #[error(transparent)]
    Decisions(#[from] DecisionsError),
    /// Adjudication refused a step.
    #[error(transparent)]
    Adjudication(#[from] AdjudicationError),
    /// A review edit was refused.
    #[error(transparent)]
    Edit(#[from] ReviewEditError),
}

impl ReviewSessionError {
    /// The file that changed on disk since it was loaded (or exists already), when that is
    /// why a save was refused: the user decides whether to overwrite it.
    pub fn changed_on_disk(&self) -> Option<&Path> {
        let e = match self {
            ReviewSessionError::Project(e)
            | ReviewSessionError::Review(ReviewError::File(e))
            | ReviewSessionError::Decisions(DecisionsError::File(e)) => e,
            _ => return None,
        };
        match e {
            ProjectError::ChangedOnDisk { path } | ProjectError::AlreadyExists { path } => {
                Some(path)
            }
            _ => None,
        }
    }
}

/// One text as found in the reviewed files.
#[derive(Clone, Debug)]
pub struct ReviewDocument {
    /// SHA-256 of the text (documents are matched by it, never by name).
    pub sha256: String,
    /// Title from the first file that has it.
    pub title: String,
    /// For each file, the index of its document with this text.
    pub in_files: Vec<Option<usize>>,
    /// Index into the adjudication's documents, when every file has this text.
    pub adjudication_doc: Option<usize>,
}

/// How to open a review.
#[derive(Clone, Debug, Default)]
pub struct ReviewOptions {
    /// The adjudication file (default: `NAME.adjudication.ron` beside the first file).
    pub out: Option<PathBuf>,
    /// Take decisions, comments and verdicts from the adjudication file's recovery copy.
    pub restore_recovery: bool,
    /// Names to rename in every file before comparing (`--map FROM=TO`: labels, relation
    /// types, attributes and values), so that files with differently named schemas align.
    pub map: Vec<(String, String)>,
}

/// A recovery copy being written on a worker thread: the history state it holds.
#[derive(Debug)]
struct RecoveryJob {
    state: u64,
    handle: JoinHandle<Result<(), ProjectError>>,
}

/// A save being written on a worker thread: the history state it holds.
#[derive(Debug)]
struct SaveJob {
    state: u64,
    handle: JoinHandle<Result<Written, ReviewSessionError>>,
}

/// What a save writes, taken from the session when it starts.
struct SaveSnapshot {
    /// The adjudication file, where it goes and its stamp (two or more files only).
    adjudication: Option<(AdjudicationFile, PathBuf, Option<DiskStamp>)>,
    paths: Vec<PathBuf>,
    reviews: Vec<ReviewFile>,
    stamps: Vec<Option<DiskStamp>>,
    recovery_base: PathBuf,
    force: bool,
}

/// What a finished save hands back.
#[derive(Debug)]
struct Written {
    paths: Vec<PathBuf>,
    adjudication_stamp: Option<DiskStamp>,
    /// The review files' new stamps, in file order.
    stamps: Vec<DiskStamp>,
    /// The projects' hashes as the review files now record them.
    project_sha256: Vec<String>,
}

impl SaveSnapshot {
    /// Checks and serializes everything, then writes it (nothing is written when a file
    /// changed on disk, unless forced).
    fn write(mut self) -> Result<Written, ReviewSessionError> {
        let mut planned: Vec<(PathBuf, String, Option<DiskStamp>)> = Vec::new();
        if let Some((file, path, stamp)) = &self.adjudication {
            planned.push((path.clone(), adjudication_to_string(file)?, stamp.clone()));
        }
        let mut shas = Vec::with_capacity(self.paths.len());
        for (k, path) in self.paths.iter().enumerate() {
            let sha = ReviewFile::for_project_file(path, "")?.project_sha256;
            self.reviews[k].project_sha256.clone_from(&sha);
            shas.push(sha);
            planned.push((
                review_path(path),
                review_to_string(&self.reviews[k])?,
                self.stamps[k].clone(),
            ));
        }
        if !self.force {
            for (path, _, stamp) in &planned {
                let unchanged = match stamp {
                    Some(s) => s.matches_disk(path)?,
                    None => path.symlink_metadata().is_err(),
                };
                if !unchanged {
                    let e = match stamp {
                        Some(_) => ProjectError::ChangedOnDisk { path: path.clone() },
                        None => ProjectError::AlreadyExists { path: path.clone() },
                    };
                    return Err(e.into());
                }
            }
        }
        let has_adjudication = self.adjudication.is_some();
        let mut written = Written {
            paths: Vec::new(),
            adjudication_stamp: None,
            stamps: Vec::new(),
            project_sha256: shas,
        };
        for (i, (path, text, _)) in planned.into_iter().enumerate() {
            let stamp = write_guarded(&path, &text, SaveGuard::Force)?;
            if has_adjudication && i == 0 {
                written.adjudication_stamp = Some(stamp);
            } else {
                written.stamps.push(stamp);
            }
            written.paths.push(path);
        }
        // The files just written hold everything the recovery copy had.
        let _ = project::remove_recovery(&self.recovery_base);
        Ok(written)
    }
}

/// An open review.
#[derive(Debug)]
pub struct ReviewSession {
    /// The project files, in lane order.
    pub paths: Vec<PathBuf>,
    /// Their file names, made unique: how the adjudication file names them.
    pub files: Vec<String>,
    /// Their projects (never modified).
    pub projects: Vec<Project>,
    /// Annotator names, one per file.
    pub names: Vec<String>,
    /// The review file of each project.
    pub reviews: Vec<ReviewFile>,
    stamps: Vec<Option<DiskStamp>>,
    /// Decisions towards a gold copy (two or more files only).
    pub adjudication: Option<Adjudication>,
    /// Where the decisions are kept (two or more files only).
    pub adjudication_path: Option<PathBuf>,
    adjudication_stamp: Option<DiskStamp>,
    /// The file whose recovery copy keeps unsaved review work (see [`recovery_base`]).
    pub recovery_base: PathBuf,
    /// Saved decisions whose difference is not there any more (kept in the file, never
    /// applied, until dismissed with [`ReviewSession::dismiss_stale`]). Changed only through
    /// the history.
    pub stale: Vec<StaleDecision>,
    /// Saved documents whose text is not in every file any more (written back unchanged).
    orphans: Vec<DocumentDecisions>,
    /// Undo/redo of decisions, comments and verdicts, and the dirty flag.
    pub history: ReviewHistory,
    /// The review's state was never written to its files (restored from a recovery copy).
    unwritten: bool,
    /// Every distinct text, in the order of the first file, then texts only later files have.
    pub documents: Vec<ReviewDocument>,
    /// Index into `documents` of the document shown.
    pub current: usize,
    /// Things the reviewer should know on opening (a project changed since its review,
    /// stale decisions).
    pub warnings: Vec<String>,
    recovery_job: Option<RecoveryJob>,
    recovery_state: Option<u64>,
    last_recovery_time: f64,
    confusion: std::sync::OnceLock<ConfusionTable>,
    /// The save running in the background.
    save_job: Option<SaveJob>,
    /// A save asked for while one ran (with `force`).
    queued_save: Option<bool>,
}

impl ReviewSession {
    /// Opens `paths` for review by `reviewer`; existing review and adjudication files beside
    /// them are loaded.
    pub fn open(paths: &[PathBuf], reviewer: &str) -> Result<Self, ReviewSessionError> {
        Self::open_with(paths, reviewer, &ReviewOptions::default())
    }

    /// Opens `paths` for review by `reviewer` as `options` say.
    pub fn open_with(
        paths: &[PathBuf],
        reviewer: &str,
        options: &ReviewOptions,
    ) -> Result<Self, ReviewSessionError> {
        if paths.is_empty() {
            return Err(ReviewSessionError::NoFiles);
        }
        let mut projects = Vec::with_capacity(paths.len());
        for p in paths {
            projects.push(project::load(p)?.project);
        }
        if !options.map.is_empty() {
            let renames = crate::schema::Renames::new(options.map.iter().cloned());
            for p in &mut projects {
                crate::schema::rename_project(p, &renames);
            }
        }
        let files = file_names(paths);
        let mut reviews = Vec::new();
        let mut stamps = Vec::new();
        let mut warnings = Vec::new();
        for (p, project) in paths.iter().zip(&projects) {
            let rp = review_path(p);
            let fresh = ReviewFile::for_project_file(p, reviewer)?;
            if rp.exists() {
                let (r, stamp) = load_review(&rp)?;
                if r.project_sha256 != fresh.project_sha256 {
                    let stale = r.stale_comments(project).count();
                    warnings.push(format!(
                        "{}: {} changed since this review was written; {stale} comment(s) no longer find their span or relation",
                        rp.display(),
                        p.display()
                    ));
                    for c in r.stale_comments(project) {
                        let short: String = c.text.chars().take(40).collect();
                        warnings.push(format!(
                            "  comment \"{short}\" on document {}: neither its span's range nor its quoted text is found",
                            c.document
                        ));
                    }
                }
                reviews.push(r);
                stamps.push(Some(stamp));
            } else {
                reviews.push(fresh);
                stamps.push(None);
            }
        }
        let refs: Vec<&Project> = projects.iter().collect();
        let names = annotator_names(&refs);
        let mut adjudication = if projects.len() >= 2 {
            Some(adjudicate(&refs, reviewer)?)
        } else {
            None
        };
        let adjudication_path = adjudication.as_ref().map(|_| {
            options
                .out
                .clone()
                .unwrap_or_else(|| adjudication_path(&paths[0]))
        });
        let mut adjudication_stamp = None;
        let mut stale = Vec::new();
        let mut orphans = Vec::new();
        let base = recovery_base(paths, options.out.as_deref());
        let recovered = if options.restore_recovery {
            Some(load_recovery(&base)?)
        } else {
            None
        };
        let unwritten = recovered.is_some();
        if let Some(recovery) = &recovered {
            for (k, name) in files.iter().enumerate() {
                if let Some((_, r)) = recovery.reviews.iter().find(|(n, _)| n == name) {
                    reviews[k] = r.clone();
                }
            }
        }
        if let (Some(adj), Some(path)) = (adjudication.as_mut(), adjudication_path.as_deref()) {
            let mut saved = None;
            if path.exists() {
                let (file, stamp) = load_adjudication(path)?;
                adjudication_stamp = Some(stamp);
                saved = Some(file);
            }
            if let Some(recovery) = recovered {
                saved = Some(recovery.adjudication);
            }
            if let Some(file) = saved {
                if !file.reviewer.is_empty() {
                    adj.reviewer = file.reviewer.clone();
                }
                let restored = restore(adj, &file, &files);
                if !restored.stale.is_empty() {
                    warnings.push(format!(
                        "{}: {} of {} saved decision(s) no longer match their difference (an annotator's file changed); they are kept in the file, listed as stale, and not applied:",
                        path.display(),
                        restored.stale.len(),
                        file.decision_count()
                    ));
                    warnings.extend(restored.stale.iter().map(|s| format!("  {}", s.reason)));
                }
                stale = restored.stale;
                orphans = restored.orphans;
            }
        }
        let documents = list_documents(&projects, adjudication.as_ref());
        Ok(ReviewSession {
            paths: paths.to_vec(),
            files,
            projects,
            names,
            reviews,
            stamps,
            adjudication,
            adjudication_path,
            adjudication_stamp,
            recovery_base: base,
            stale,
            orphans,
            history: ReviewHistory::default(),
            unwritten,
            documents,
            current: 0,
            warnings,
            recovery_job: None,
            recovery_state: None,
            last_recovery_time: 0.0,
            confusion: std::sync::OnceLock::new(),
            save_job: None,
            queued_save: None,
        })
    }

    /// The shown document's copy in each file.
    pub fn docs(&self, i: usize) -> Vec<Option<&Document>> {
        let Some(d) = self.documents.get(i) else {
            return Vec::new();
        };
        d.in_files
            .iter()
            .zip(&self.projects)
            .map(|(k, p)| k.and_then(|k| p.documents.get(k).map(|d| &**d)))
            .collect()
    }

    /// The text of document `i` (from the first file that has it).
    pub fn text(&self, i: usize) -> Option<&str> {
        self.docs(i)
            .into_iter()
            .flatten()
            .next()
            .map(Document::text)
    }

    /// How each file's spans in document `i` compare with the other files'.
    pub fn comparison(&self, i: usize) -> Vec<Vec<(SpanId, SpanAgreement)>> {
        classify(&self.docs(i))
    }

    /// Indices of the adjudication differences in document `i`, in text order.
    pub fn differences_in(&self, i: usize) -> Vec<usize> {
        let (Some(adj), Some(doc)) = (
            &self.adjudication,
            self.documents.get(i).and_then(|d| d.adjudication_doc),
        ) else {
            return Vec::new();
        };
        let mut out: Vec<usize> = adj
            .differences()
            .iter()
            .enumerate()
            .filter(|(_, d)| d.document == doc)
            .map(|(k, _)| k)
            .collect();
        out.sort_by_key(|k| adj.differences()[*k].range().start);
        out
    }

    /// The review document showing difference `d`.
    pub fn document_of(&self, d: usize) -> Option<usize> {
        let diff = self.adjudication.as_ref()?.differences().get(d)?;
        self.documents
            .iter()
            .position(|x| x.adjudication_doc == Some(diff.document))
    }

    /// The first undecided difference, documents in list order and each in text order.
    pub fn first_undecided(&self) -> Option<usize> {
        let adj = self.adjudication.as_ref()?;
        (0..self.documents.len())
            .flat_map(|i| self.differences_in(i))
            .find(|d| adj.decision(*d).is_none())
    }

    /// How many differences are decided, and how many there are.
    pub fn decided(&self) -> (usize, usize) {
        self.adjudication.as_ref().map_or((0, 0), |a| {
            let n = a.differences().len();
            (n - a.undecided().count(), n)
        })
    }

    /// `k of n decided`, for the window.
    pub fn progress_text(&self) -> String {
        let (k, n) = self.decided();
        format!("{k} of {n} decided")
    }

    /// Whether there is review work (decisions, comments, verdicts) not written to the files.
    pub fn is_dirty(&self) -> bool {
        self.unwritten || self.history.is_dirty()
    }

    /// Applies a review transaction through the history (the one edit path), with the
    /// reviewer's place before it and the one to show after it.
    pub fn apply(
        &mut self,
        tx: ReviewTransaction,
        before: ReviewSelection,
        after: ReviewSelection,
    ) -> Result<(), ReviewSessionError> {
        let mut state = ReviewState {
            adjudication: &mut self.adjudication,
            reviews: &mut self.reviews,
            stale: &mut self.stale,
        };
        self.history.apply(&mut state, tx, before, after)?;
        Ok(())
    }

    /// Undoes the last review step; returns the place to show, `None` when there was none.
    pub fn undo(&mut self) -> Result<Option<ReviewSelection>, ReviewSessionError> {
        let mut state = ReviewState {
            adjudication: &mut self.adjudication,
            reviews: &mut self.reviews,
            stale: &mut self.stale,
        };
        Ok(self.history.undo(&mut state)?)
    }

    /// Redoes the last undone review step; returns the place to show.
    pub fn redo(&mut self) -> Result<Option<ReviewSelection>, ReviewSessionError> {
        let mut state = ReviewState {
            adjudication: &mut self.adjudication,
            reviews: &mut self.reviews,
            stale: &mut self.stale,
        };
        Ok(self.history.redo(&mut state)?)
    }

    /// Dismisses every stale decision (an undoable step): the next save leaves them out of
    /// the adjudication file. Returns how many there were; nothing happens when there are none.
    pub fn dismiss_stale(&mut self) -> Result<usize, ReviewSessionError> {
        let n = self.stale.len();
        if n == 0 {
            return Ok(0);
        }
        let tx = ReviewTransaction::one(ReviewEdit::SetStale { stale: Vec::new() });
        let at = self.place(None);
        self.apply(tx, at.clone(), at)?;
        Ok(n)
    }

    /// The place "difference `d`" (or just the shown document when `None`).
    fn place(&self, d: Option<usize>) -> ReviewSelection {
        ReviewSelection {
            document: d.and_then(|d| self.document_of(d)).unwrap_or(self.current),
            difference: d,
            span: None,
        }
    }

    /// Records a decision on difference `index` (an undoable step).
    pub fn decide(&mut self, index: usize, decision: Decision) -> Result<(), ReviewSessionError> {
        let tx = ReviewTransaction::one(ReviewEdit::Decide {
            difference: index,
            decision: Some(decision),
        });
        let at = self.place(Some(index));
        self.apply(tx, at.clone(), at)
    }

    /// Adds a comment to file `file`'s review (an undoable step).
    pub fn comment(&mut self, file: usize, comment: Comment) -> Result<(), ReviewSessionError> {
        let index = self.reviews.get(file).map_or(0, |r| r.comments.len());
        let tx = ReviewTransaction::one(ReviewEdit::InsertComment {
            file,
            index,
            comment,
        });
        let at = self.place(None);
        self.apply(tx, at.clone(), at)
    }

    /// Sets file `file`'s verdict on document `doc_id` (an undoable step; nothing when unchanged).
    pub fn set_verdict(
        &mut self,
        file: usize,
        doc_id: &str,
        verdict: Verdict,
    ) -> Result<(), ReviewSessionError> {
        if self.reviews.get(file).and_then(|r| r.verdict(doc_id)) == Some(verdict) {
            return Ok(());
        }
        let tx = ReviewTransaction::one(ReviewEdit::SetVerdict {
            file,
            document: doc_id.to_owned(),
            verdict: Some(verdict),
        });
        let at = self.place(None);
        self.apply(tx, at.clone(), at)
    }

    /// The adjudication file for the decisions as they are now (stale ones included).
    pub fn adjudication_file(&self) -> Option<AdjudicationFile> {
        let adj = self.adjudication.as_ref()?;
        Some(to_file(
            adj,
            &self.stale,
            &self.orphans,
            &self.files,
            &adj.reviewer,
        ))
    }

    /// Starts writing the adjudication file and every review file beside its project,
    /// atomically, on a worker thread (after a recovery copy being written, if any): no frame
    /// waits on the disk. A file changed on disk since it was loaded is refused (nothing is
    /// written) unless `force`. [`Self::poll_save`] reports the result; work done meanwhile
    /// stays unsaved until the next save.
    pub fn start_save(&mut self, force: bool) {
        if self.save_job.is_some() {
            self.queued_save = Some(self.queued_save.unwrap_or(false) || force);
            return;
        }
        let snapshot = SaveSnapshot {
            adjudication: self
                .adjudication_file()
                .zip(self.adjudication_path.clone())
                .map(|(file, path)| (file, path, self.adjudication_stamp.clone())),
            paths: self.paths.clone(),
            reviews: self.reviews.clone(),
            stamps: self.stamps.clone(),
            recovery_base: self.recovery_base.clone(),
            force,
        };
        let handle = std::thread::spawn(move || snapshot.write());
        self.save_job = Some(SaveJob {
            state: self.history.state_id(),
            handle,
        });
    }

    /// Collects a finished save (never waits), and starts the one asked for meanwhile.
    pub fn poll_save(&mut self) -> Option<Result<Vec<PathBuf>, ReviewSessionError>> {
        if !self
            .save_job
            .as_ref()
            .is_some_and(|j| j.handle.is_finished())
        {
            return None;
        }
        let job = self.save_job.take()?;
        let result = job.handle.join().unwrap_or_else(|_| {
            Err(ProjectError::Serialize {
                message: "the saving thread stopped unexpectedly".to_owned(),
            }
            .into())
        });
        let out = result.map(|w| {
            if w.adjudication_stamp.is_some() {
                self.adjudication_stamp = w.adjudication_stamp;
            }
            for (k, (stamp, sha)) in w.stamps.into_iter().zip(w.project_sha256).enumerate() {
                self.stamps[k] = Some(stamp);
                // The reviews now describe the projects as they are on disk.
                if let Some(r) = self.reviews.get_mut(k) {
                    r.project_sha256 = sha;
                }
            }
            self.history.mark_saved_state(job.state);
            self.unwritten = false;
            self.recovery_state = None;
            w.paths
        });
        if let Some(force) = self.queued_save.take() {
            self.start_save(force);
        }
        Some(out)
    }

    /// Whether a save is running or waiting to run.
    pub fn is_saving(&self) -> bool {
        self.save_job.is_some() || self.queued_save.is_some()
    }

    /// Saves and waits for it: [`Self::start_save`] for headless callers. Returns the paths
    /// written.
    pub fn save(&mut self, force: bool) -> Result<Vec<PathBuf>, ReviewSessionError> {
        while self.recovery_job.is_some() || self.save_job.is_some() {
            let _ = self.poll_recovery();
            let _ = self.poll_save();
            std::thread::sleep(std::time::Duration::from_millis(1));
        }
        self.queued_save = None;
        self.start_save(force);
        loop {
            if let Some(r) = self.poll_save() {
                return r;
            }
            std::thread::sleep(std::time::Duration::from_millis(1));
        }
    }

    /// The review's unsaved state as a recovery copy.
    fn recovery(&self) -> ReviewRecovery {
        let reviewer = self.reviews.first().map_or("", |r| r.reviewer.as_str());
        ReviewRecovery {
            version: super::decisions::ADJUDICATION_VERSION,
            adjudication: self
                .adjudication_file()
                .unwrap_or_else(|| AdjudicationFile::new(reviewer)),
            reviews: self
                .files
                .iter()
                .cloned()
                .zip(self.reviews.iter().cloned())
                .collect(),
        }
    }

    /// Starts writing the recovery copy when due: unsaved work not yet in the copy, at least
    /// [`crate::session::AUTOSAVE_SECONDS`] since the last one, and no other write running.
    /// The copy is serialized here and written on a worker thread. `now` is seconds on any
    /// monotonic clock. Returns whether a write was started.
    pub fn autosave_tick(&mut self, now: f64) -> bool {
        // A save running removes the copy when done: no copy is started under it.
        if self.recovery_job.is_some() || self.save_job.is_some() {
            return false;
        }
        let path = self.recovery_base.clone();
        let state = self.history.state_id();
        let due = self.is_dirty()
            && self.recovery_state != Some(state)
            && now - self.last_recovery_time >= crate::session::AUTOSAVE_SECONDS;
        if !due {
            return false;
        }
        self.last_recovery_time = now;
        let text = recovery_to_string(&self.recovery());
        let handle = std::thread::spawn(move || {
            let text = text.map_err(|e| ProjectError::Serialize {
                message: e.to_string(),
            })?;
            project::write_atomic(&project::recovery_path(&path), text.as_bytes()).map(|_| ())
        });
        self.recovery_job = Some(RecoveryJob { state, handle });
        true
    }

    /// Collects a finished recovery write (never waits): `Some(Ok)` when the copy was written.
    pub fn poll_recovery(&mut self) -> Option<Result<(), ProjectError>> {
        if !self
            .recovery_job
            .as_ref()
            .is_some_and(|j| j.handle.is_finished())
        {
            return None;
        }
        let job = self.recovery_job.take()?;
        let result = job.handle.join().unwrap_or_else(|_| {
            Err(ProjectError::Serialize {
                message: "the recovery thread stopped unexpectedly".to_owned(),
            })
        });
        if result.is_ok() {
            self.recovery_state = Some(job.state);
        }
        Some(result)
    }

    /// Whether a recovery copy or a save is being written.
    pub fn is_writing(&self) -> bool {
        self.recovery_job.is_some() || self.save_job.is_some()
    }

    /// Writes the recovery copy now and waits for it (headless callers and tests).
    pub fn write_recovery_now(&mut self) -> Result<(), ProjectError> {
        while self.recovery_job.is_some() {
            if self.poll_recovery().is_none() {
                std::thread::sleep(std::time::Duration::from_millis(1));
            }
        }
        self.last_recovery_time = f64::NEG_INFINITY;
        self.recovery_state = None;
        if !self.autosave_tick(0.0) {
            return Ok(());
        }
        loop {
            if let Some(r) = self.poll_recovery() {
                return r;
            }
            std::thread::sleep(std::time::Duration::from_millis(1));
        }
    }

    /// Writes the gold project (all agreed annotations plus the decisions) to `path`.
    pub fn save_gold(&self, path: &Path, force: bool) -> Result<usize, ReviewSessionError> {
        let Some(adj) = &self.adjudication else {
            return Err(ReviewSessionError::NoFiles);
        };
        let gold = adj.gold()?;
        let guard = if force {
            SaveGuard::Force
        } else {
            SaveGuard::CreateNew
        };
        project::save(path, &gold.project, guard)?;
        Ok(gold.project.documents.iter().map(|d| d.spans.len()).sum())
    }

    /// The label confusion table of these files (computed once, when first asked for).
    pub fn confusion(&self) -> &ConfusionTable {
        self.confusion.get_or_init(|| {
            let refs: Vec<&Project> = self.projects.iter().collect();
            super::confusion::confusion(&refs)
        })
    }

    /// The agreement table of these files, exactly as `qalam agree` prints it.
    pub fn agreement_table(&self) -> String {
        let refs: Vec<&Project> = self.projects.iter().collect();
        let report = super::agreement::agreement(&refs);
        let files: Vec<String> = self.paths.iter().map(|p| p.display().to_string()).collect();
        super::table::render_table(&report, &files)
    }

    /// Where the gold copy goes by default: `NAME.gold.ron` beside the first file.
    pub fn default_gold_path(&self) -> PathBuf {
        let first = self.paths.first().cloned().unwrap_or_default();
        let stem = first
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "review".to_owned());
        first.with_file_name(format!("{stem}.gold.ron"))
    }
}

/// The file whose recovery copy (`.NAME.recovery` beside it) keeps a review's unsaved work:
/// the adjudication file (`out`, or `NAME.adjudication.ron` beside the first file) when two or
/// more files are reviewed, else the one file's review file.
pub fn recovery_base(paths: &[PathBuf], out: Option<&Path>) -> PathBuf {
    match paths {
        [] => PathBuf::new(),
        [one] => review_path(one),
        [first, ..] => out.map_or_else(|| adjudication_path(first), Path::to_path_buf),
    }
}

/// Every distinct text of `projects`, first file's order first.
fn list_documents(projects: &[Project], adj: Option<&Adjudication>) -> Vec<ReviewDocument> {
    let adj_docs: HashMap<String, usize> = adj
        .map(|a| {
            a.documents
                .iter()
                .enumerate()
                .map(|(i, d)| (text_sha256(d.text()), i))
                .collect()
        })
        .unwrap_or_default();
    let mut order: Vec<ReviewDocument> = Vec::new();
    let mut by_sha: HashMap<String, usize> = HashMap::new();
    for (k, p) in projects.iter().enumerate() {
        for (i, d) in p.documents.iter().enumerate() {
            let sha = text_sha256(d.text());
            let row = *by_sha.entry(sha.clone()).or_insert_with(|| {
                let title = if d.title.is_empty() {
                    d.id.clone()
                } else {
                    d.title.clone()
                };
                order.push(ReviewDocument {
                    adjudication_doc: adj_docs.get(&sha).copied(),
                    sha256: sha,
                    title,
                    in_files: vec![None; projects.len()],
                });
                order.len() - 1
            });
            order[row].in_files[k].get_or_insert(i);
        }
    }
    order
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_project_changed_since_its_review_is_reported() {
        let dir = tempfile::tempdir().expect("tempdir");
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("projects/review/ali.ron");
        let path = dir.path().join("ali.ron");
        std::fs::copy(&src, &path).expect("copy");
        let mut s = ReviewSession::open(std::slice::from_ref(&path), "r").expect("open");
        assert!(s.warnings.is_empty());
        s.set_verdict(0, "000_19e18760a7c74451", Verdict::Accepted)
            .expect("verdict");
        s.save(false).expect("save");
        let mut p = project::load(&path).expect("load").project;
        p.name.push_str(" (edited)");
        project::save(&path, &p, SaveGuard::Force).expect("save project");
        let s = ReviewSession::open(&[path], "r").expect("reopen");
        assert_eq!(s.warnings.len(), 1, "{:?}", s.warnings);
        assert!(s.warnings[0].contains("changed since this review"));
    }

    #[test]
    fn work_done_while_a_review_save_runs_stays_unsaved_and_a_changed_file_is_refused() {
        let dir = tempfile::tempdir().expect("tempdir");
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("projects/review/ali.ron");
        let path = dir.path().join("ali.ron");
        std::fs::copy(&src, &path).expect("copy");
        let doc = "000_19e18760a7c74451";
        let mut s = ReviewSession::open(std::slice::from_ref(&path), "r").expect("open");
        s.set_verdict(0, doc, Verdict::Accepted).expect("verdict");
        s.start_save(false);
        assert!(s.is_saving() && s.is_writing());
        // The reviewer goes on while the files are written.
        s.set_verdict(0, doc, Verdict::NeedsWork).expect("verdict");
        let written = loop {
            if let Some(r) = s.poll_save() {
                break r.expect("saved");
            }
            std::thread::sleep(std::time::Duration::from_millis(1));
        };
        assert_eq!(written, [review_path(&path)]);
        assert!(s.is_dirty(), "the later verdict is not in the file");
        let (on_disk, _) = load_review(&review_path(&path)).expect("review");
        assert_eq!(
            on_disk.verdict(doc),
            Some(Verdict::Accepted),
            "the snapshot"
        );
        s.save(false).expect("save again");
        assert!(!s.is_dirty());
        // Another program changes the review file: the next save refuses, unless forced.
        let mut other = on_disk.clone();
        other.reviewer = "someone else".into();
        std::fs::write(
            review_path(&path),
            crate::review::file::review_to_string(&other).expect("text"),
        )
        .expect("write");
        s.set_verdict(0, doc, Verdict::Accepted).expect("verdict");
        let e = s.save(false).expect_err("changed on disk");
        assert!(e.changed_on_disk().is_some(), "{e}");
        assert!(s.is_dirty());
        s.save(true).expect("forced");
        assert!(!s.is_dirty());
    }

    #[test]
    fn unsaved_review_work_goes_to_a_recovery_copy_every_few_seconds() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("projects/review");
        let paths: Vec<PathBuf> = ["ali.ron", "mona.ron"]
            .iter()
            .map(|n| {
                let to = dir.path().join(n);
                std::fs::copy(root.join(n), &to).expect("copy");
                to
            })
            .collect();
        let mut s = ReviewSession::open(&paths, "r").expect("open");
        let adj = s.adjudication_path.clone().expect("two files");
        let recovery = project::recovery_path(&adj);
        assert!(!s.autosave_tick(10.0), "nothing unsaved");
        s.decide(0, Decision::DropBoth).expect("decide");
        assert!(s.is_dirty());
        assert!(!s.autosave_tick(1.0), "too soon");
        assert!(s.autosave_tick(crate::session::AUTOSAVE_SECONDS));
        let result = loop {
            if let Some(r) = s.poll_recovery() {
                break r;
            }
            std::thread::sleep(std::time::Duration::from_millis(1));
        };
        result.expect("recovery written");
        assert!(recovery.exists());
        assert!(!s.autosave_tick(100.0), "the copy already holds this state");
        s.save(false).expect("save");
        assert!(!s.is_dirty());
        assert!(
            !recovery.exists(),
            "the saved files replace the recovery copy"
        );
        let reopened = ReviewSession::open(&paths, "r").expect("reopen");
        assert_eq!(reopened.decided().0, 1);
    }

    #[test]
    fn opens_the_example_pair_and_lists_differences() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("projects/review");
        let s = ReviewSession::open(&[root.join("ali.ron"), root.join("mona.ron")], "tester")
            .expect("open");
        assert_eq!(s.documents.len(), 1);
        assert_eq!(s.documents[0].in_files, [Some(0), Some(0)]);
        assert!(!s.differences_in(0).is_empty());
        let cmp = s.comparison(0);
        assert!(cmp[0].iter().any(|(_, a)| *a == SpanAgreement::Agreed));
        assert!(cmp[0].iter().any(|(_, a)| *a != SpanAgreement::Agreed));
    }
}
