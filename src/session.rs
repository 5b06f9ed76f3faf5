//! One open project and everything about it that is not drawn: its file, edit history,
//! dirty flag and autosave. No egui here, so the GUI's file behaviour is testable headless.
//!
//! Saves and recovery copies are written on a worker thread from a snapshot of the project
//! (documents are shared, so a snapshot costs one pointer per document): no frame waits on
//! the disk, and edits made while a save runs stay unsaved until the next one.

use std::path::{Path, PathBuf};
use std::thread::JoinHandle;

use crate::model::{EditError, History, Project, Selection, Transaction};
use crate::project::{self, DiskStamp, Problem, ProjectError, SaveGuard};

/// Seconds between recovery copies while there are unsaved changes.
pub const AUTOSAVE_SECONDS: f64 = 3.0;
/// Seconds before a save that failed for a reason other than the file itself (a full disk,
/// a folder gone) is tried again.
pub const RETRY_SECONDS: f64 = 5.0;

/// Carries the review file beside the project saved at `path` along with `renames` (in
/// order); what went wrong, if anything, as one line for the user.
fn follow_renames(path: &Path, renames: &[(String, String)]) -> Option<String> {
    if renames.is_empty() {
        return None;
    }
    let rename = |name: &str| crate::review::file::renamed_in_order(renames, name);
    crate::review::file::follow_renames(path, rename)
        .err()
        .map(|e| format!("the review file's comments still use the old names: {e}"))
}

/// What a finished background write reports.
#[derive(Debug)]
pub enum SaveEvent {
    /// The project was saved to `path` (the state it had when the save started).
    Saved {
        /// The file written.
        path: PathBuf,
        /// Something beside the project that could not follow it (the review file beside
        /// it, when labels were renamed); the project itself is saved.
        warning: Option<String>,
    },
    /// Saving to `target` failed; `retrying` when it will be tried again by itself.
    SaveFailed {
        /// Where the save was going.
        target: PathBuf,
        /// Why it failed.
        error: ProjectError,
        /// It is tried again after [`RETRY_SECONDS`].
        retrying: bool,
    },
    /// The recovery copy was written.
    RecoveryWritten,
    /// The recovery copy could not be written (tried again at the next autosave).
    RecoveryFailed(ProjectError),
}

/// What a background write is doing.
#[derive(Debug)]
enum JobKind {
    /// Saving the project file: target, whether to overwrite, history state of the snapshot,
    /// and the renames it carries to the review file (given back if the save fails).
    Save {
        target: PathBuf,
        force: bool,
        state: u64,
        renames: Vec<(String, String)>,
    },
    /// Writing the recovery copy of this history state.
    Recovery { state: u64 },
}

/// What a finished write leaves: the file's new stamp (saves only) and a warning about what
/// could not follow the project.
type Written = (Option<DiskStamp>, Option<String>);

/// A write running on a worker thread.
#[derive(Debug)]
struct Job {
    kind: JobKind,
    handle: JoinHandle<Result<Written, ProjectError>>,
}

/// An open project.
#[derive(Debug)]
pub struct Session {
    /// Where the project is saved; `None` for a project not saved yet (e.g. opened from a `.txt`).
    pub path: Option<PathBuf>,
    /// The project as edited.
    pub project: Project,
    /// Undo/redo and the dirty flag.
    pub history: History,
    /// What the file looked like when loaded or last saved, to detect changes by other programs.
    stamp: Option<DiskStamp>,
    /// Warnings found on load (e.g. re-anchored spans), shown once.
    pub load_warnings: Vec<Problem>,
    /// Index of the document shown.
    pub current_doc: usize,
    /// History state last written to the recovery copy, and when.
    recovery_state: Option<u64>,
    last_recovery_time: f64,
    /// The project's current contents were never written to `path` (built from a text file,
    /// or restored from a recovery copy).
    unwritten: bool,
    /// The write running in the background.
    job: Option<Job>,
    /// A save asked for while another write ran: (target, force).
    queued_save: Option<(PathBuf, bool)>,
    /// A failed save to try again: (when, target, force).
    retry: Option<(f64, PathBuf, bool)>,
    /// Names renamed by schema changes (and undone renames, reversed) since the last save,
    /// in order: the review file beside the project follows them when it is saved.
    unsaved_renames: Vec<(String, String)>,
}

impl Session {
    /// A session for a project that has no file yet.
    pub fn new_unsaved(project: Project, path: Option<PathBuf>) -> Self {
        Session {
            path,
            project,
            history: History::default(),
            stamp: None,
            load_warnings: Vec::new(),
            current_doc: 0,
            recovery_state: None,
            last_recovery_time: 0.0,
            unwritten: true,
            job: None,
            queued_save: None,
            retry: None,
            unsaved_renames: Vec::new(),
        }
    }

    /// Opens a `.ron` project file.
    pub fn open(path: &Path) -> Result<Self, ProjectError> {
        let loaded = project::load(path)?;
        Ok(Session {
            path: Some(path.to_path_buf()),
            project: loaded.project,
            history: History::default(),
            stamp: Some(loaded.stamp),
            load_warnings: loaded.problems,
            current_doc: 0,
            recovery_state: None,
            last_recovery_time: 0.0,
            unwritten: false,
            job: None,
            queued_save: None,
            retry: None,
            unsaved_renames: Vec::new(),
        })
    }

    /// Opens the recovery copy of `path` in place of the file itself; the result is unsaved.
    pub fn open_recovery(path: &Path) -> Result<Self, ProjectError> {
        let stamp = project::load(path).ok().map(|l| l.stamp);
        let recovered = project::load(&project::recovery_path(path))?;
        Ok(Session {
            path: Some(path.to_path_buf()),
            project: recovered.project,
            history: History::default(),
            stamp,
            load_warnings: recovered.problems,
            current_doc: 0,
            recovery_state: None,
            last_recovery_time: 0.0,
            // Restored edits are not in the project file yet.
            unwritten: true,
            job: None,
            queued_save: None,
            retry: None,
            unsaved_renames: Vec::new(),
        })
    }

    /// Whether there are changes not written to the project file.
    pub fn is_dirty(&self) -> bool {
        self.unwritten || self.history.is_dirty()
    }

    /// Applies a transaction through the history (the one edit path), with the selection
    /// before it and the one to show after it.
    pub fn apply(
        &mut self,
        tx: Transaction,
        before: Selection,
        after: Selection,
    ) -> Result<(), EditError> {
        let renames = tx.renames();
        self.history.apply(&mut self.project, tx, before, after)?;
        self.unsaved_renames.extend(renames);
        Ok(())
    }

    /// Undoes the last transaction; returns the selection to show, `None` when there was none.
    pub fn undo(&mut self) -> Result<Option<Selection>, EditError> {
        let renames = self.history.next_undo().map(Transaction::renames);
        let shown = self.history.undo(&mut self.project)?;
        self.unsaved_renames.extend(renames.unwrap_or_default());
        Ok(shown)
    }

    /// Redoes the last undone transaction; returns the selection to show, `None` when there was none.
    pub fn redo(&mut self) -> Result<Option<Selection>, EditError> {
        let renames = self.history.next_redo().map(Transaction::renames);
        let shown = self.history.redo(&mut self.project)?;
        self.unsaved_renames.extend(renames.unwrap_or_default());
        Ok(shown)
    }

    /// Starts saving to `target`, which becomes the session's path once the save succeeds,
    /// on a worker thread (after the write already running, if any). Saving over the file
    /// this session loaded refuses when another program changed it since, and saving elsewhere
    /// refuses to replace an existing file, unless `force`. [`Self::poll`] reports the result.
    pub fn start_save(&mut self, target: &Path, force: bool) {
        self.retry = None;
        if self.job.is_some() {
            self.queued_save = Some((target.to_path_buf(), force));
            return;
        }
        let same_file = self.path.as_deref() == Some(target);
        let stamp = self.stamp.clone();
        let snapshot = self.project.clone();
        let path = target.to_path_buf();
        let renames = std::mem::take(&mut self.unsaved_renames);
        let carried = renames.clone();
        let handle = std::thread::spawn(move || {
            let guard = match (&stamp, same_file, force) {
                (_, _, true) => SaveGuard::Force,
                (Some(stamp), true, false) => SaveGuard::Unchanged(stamp),
                _ => SaveGuard::CreateNew,
            };
            let stamp = project::save(&path, &snapshot, guard)?;
            // A stale recovery copy would only offer to restore what is now saved; failing to
            // remove it is harmless because it is older than the file just written.
            let _ = project::remove_recovery(&path);
            let warning = follow_renames(&path, &carried);
            Ok((Some(stamp), warning))
        });
        let state = self.history.state_id();
        self.job = Some(Job {
            kind: JobKind::Save {
                target: target.to_path_buf(),
                force,
                state,
                renames,
            },
            handle,
        });
    }

    /// Whether a save is running or waiting to run.
    pub fn is_saving(&self) -> bool {
        matches!(
            &self.job,
            Some(Job {
                kind: JobKind::Save { .. },
                ..
            })
        ) || self.queued_save.is_some()
    }

    /// Whether any background write is running.
    pub fn is_writing(&self) -> bool {
        self.job.is_some()
    }

    /// Collects a finished background write, if there is one (never waits), and starts the
    /// save that was waiting for it.
    pub fn poll(&mut self, now: f64) -> Option<SaveEvent> {
        if !self.job.as_ref().is_some_and(|j| j.handle.is_finished()) {
            return None;
        }
        let job = self.job.take()?;
        let result = job.handle.join().unwrap_or_else(|_| {
            Err(ProjectError::Serialize {
                message: "the saving thread stopped unexpectedly".to_owned(),
            })
        });
        let event = match (job.kind, result) {
            (JobKind::Save { target, state, .. }, Ok((stamp, warning))) => {
                self.stamp = stamp;
                self.path = Some(target.clone());
                self.history.mark_saved_state(state);
                self.unwritten = false;
                self.recovery_state = None;
                SaveEvent::Saved {
                    path: target,
                    warning,
                }
            }
            (
                JobKind::Save {
                    target,
                    force,
                    renames,
                    ..
                },
                Err(error),
            ) => {
                // The renames wait for the save that succeeds.
                let later = std::mem::take(&mut self.unsaved_renames);
                self.unsaved_renames = renames;
                self.unsaved_renames.extend(later);
                // The file's own state needs the user (changed on disk, exists already); other
                // failures may pass (a full disk, a folder coming back), so try again.
                let retrying = !matches!(
                    error,
                    ProjectError::ChangedOnDisk { .. } | ProjectError::AlreadyExists { .. }
                );
                if retrying {
                    self.retry = Some((now + RETRY_SECONDS, target.clone(), force));
                }
                SaveEvent::SaveFailed {
                    target,
                    error,
                    retrying,
                }
            }
            (JobKind::Recovery { state }, Ok(_)) => {
                self.recovery_state = Some(state);
                SaveEvent::RecoveryWritten
            }
            (JobKind::Recovery { .. }, Err(e)) => SaveEvent::RecoveryFailed(e),
        };
        if let Some((target, force)) = self.queued_save.take() {
            self.start_save(&target, force);
        }
        Some(event)
    }

    /// Saves to `target` and waits for it: [`Self::start_save`] for headless callers.
    pub fn save(&mut self, target: &Path, force: bool) -> Result<PathBuf, ProjectError> {
        self.wait();
        self.start_save(target, force);
        loop {
            match self.poll(0.0) {
                Some(SaveEvent::Saved { path, .. }) => return Ok(path),
                Some(SaveEvent::SaveFailed { error, .. }) => {
                    self.retry = None;
                    return Err(error);
                }
                Some(_) | None if self.job.is_some() => {
                    std::thread::sleep(std::time::Duration::from_millis(1))
                }
                Some(_) | None => {
                    return Err(ProjectError::Serialize {
                        message: "the save did not start".to_owned(),
                    });
                }
            }
        }
    }

    /// Waits for the write running in the background, if any, and drops its report.
    fn wait(&mut self) {
        while self.job.is_some() {
            if self.poll(0.0).is_none() {
                std::thread::sleep(std::time::Duration::from_millis(1));
            }
        }
    }

    /// Starts the recovery copy when due: unsaved changes not yet in the copy, at least
    /// [`AUTOSAVE_SECONDS`] since the last one, and no other write running; also starts a save
    /// that failed and is due to be tried again. `now` is seconds on any monotonic clock.
    /// Returns whether a write was started; [`Self::poll`] reports its result.
    pub fn autosave_tick(&mut self, now: f64) -> bool {
        if self.job.is_some() {
            return false;
        }
        if let Some((when, target, force)) = self.retry.clone()
            && now >= when
        {
            self.start_save(&target, force);
            return true;
        }
        let Some(path) = self.path.clone() else {
            return false;
        };
        let state = self.history.state_id();
        let due = self.is_dirty()
            && self.recovery_state != Some(state)
            && now - self.last_recovery_time >= AUTOSAVE_SECONDS;
        if !due {
            return false;
        }
        self.last_recovery_time = now;
        let snapshot = self.project.clone();
        let handle = std::thread::spawn(move || {
            project::write_recovery(&path, &snapshot).map(|_| (None, None))
        });
        self.job = Some(Job {
            kind: JobKind::Recovery { state },
            handle,
        });
        true
    }

    /// Title for the window: `name — Qalam`, with `*` when unsaved.
    pub fn window_title(&self) -> String {
        let name = if !self.project.name.is_empty() {
            self.project.name.clone()
        } else {
            self.path.as_deref().and_then(Path::file_name).map_or_else(
                || "untitled".to_owned(),
                |n| n.to_string_lossy().into_owned(),
            )
        };
        let star = if self.is_dirty() { "*" } else { "" };
        format!("{star}{name} — Qalam")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{DocStatus, Document, Edit};

    fn session(dir: &Path) -> Session {
        let mut p = Project::new("t", "ann");
        p.documents
            .push(Document::new("d", "", "", "قال مصدر أمني").into());
        let path = dir.join("p.ron");
        project::save(&path, &p, SaveGuard::CreateNew).expect("save");
        Session::open(&path).expect("open")
    }

    fn set_status(s: &mut Session, status: DocStatus) {
        let tx = Transaction::one(Edit::SetStatus { doc: 0, status });
        s.apply(tx, Selection::none(0), Selection::none(0))
            .expect("edit");
    }

    fn finish(s: &mut Session, now: f64) -> SaveEvent {
        loop {
            if let Some(e) = s.poll(now) {
                return e;
            }
            std::thread::sleep(std::time::Duration::from_millis(1));
        }
    }

    #[test]
    fn edits_made_while_a_save_runs_stay_unsaved() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut s = session(dir.path());
        set_status(&mut s, DocStatus::Done);
        let target = s.path.clone().expect("path");
        s.start_save(&target, false);
        assert!(s.is_saving());
        // The user goes on working while the file is written.
        set_status(&mut s, DocStatus::InProgress);
        assert!(matches!(finish(&mut s, 0.0), SaveEvent::Saved { .. }));
        assert!(s.is_dirty(), "the later edit is not in the file");
        let on_disk = project::load(&target).expect("load").project;
        assert_eq!(
            on_disk.documents[0].status,
            DocStatus::Done,
            "the snapshot was saved"
        );
        s.save(&target, false).expect("save again");
        assert!(!s.is_dirty());
    }

    #[test]
    fn a_failed_save_is_reported_and_tried_again() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut s = session(dir.path());
        set_status(&mut s, DocStatus::Done);
        let target = dir.path().join("gone").join("p.ron");
        s.start_save(&target, false);
        let SaveEvent::SaveFailed { retrying, .. } = finish(&mut s, 10.0) else {
            panic!("the folder does not exist")
        };
        assert!(retrying);
        assert!(s.is_dirty());
        // Before the retry is due, the recovery copy keeps the work safe.
        assert!(s.autosave_tick(11.0));
        assert!(matches!(finish(&mut s, 11.0), SaveEvent::RecoveryWritten));
        assert!(!s.autosave_tick(12.0), "nothing due: the retry comes later");
        std::fs::create_dir(dir.path().join("gone")).expect("mkdir");
        assert!(s.autosave_tick(10.0 + RETRY_SECONDS));
        assert!(matches!(finish(&mut s, 20.0), SaveEvent::Saved { path, .. } if path == target));
        assert!(!s.is_dirty());
        assert_eq!(s.path.as_deref(), Some(target.as_path()));
    }

    #[test]
    fn a_save_asked_for_during_a_recovery_write_runs_after_it() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut s = session(dir.path());
        set_status(&mut s, DocStatus::Done);
        assert!(s.autosave_tick(AUTOSAVE_SECONDS));
        let target = s.path.clone().expect("path");
        s.start_save(&target, false);
        assert!(s.is_saving(), "queued behind the recovery copy");
        assert!(matches!(finish(&mut s, 4.0), SaveEvent::RecoveryWritten));
        assert!(matches!(finish(&mut s, 4.0), SaveEvent::Saved { .. }));
        assert!(!s.is_dirty());
        assert!(
            !project::recovery_path(&target).exists(),
            "the saved file replaces the recovery copy"
        );
    }
}
