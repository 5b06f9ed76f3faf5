//! One open project and everything about it that is not drawn: its file, edit history,
//! dirty flag and autosave. No egui here, so the GUI's file behaviour is testable headless.

use std::path::{Path, PathBuf};

use crate::model::{EditError, History, Project, Selection, Transaction};
use crate::project::{self, DiskStamp, Problem, ProjectError, SaveGuard};

/// Seconds between recovery copies while there are unsaved changes.
pub const AUTOSAVE_SECONDS: f64 = 3.0;

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
        self.history.apply(&mut self.project, tx, before, after)
    }

    /// Undoes the last transaction; returns the selection to show, `None` when there was none.
    pub fn undo(&mut self) -> Result<Option<Selection>, EditError> {
        self.history.undo(&mut self.project)
    }

    /// Redoes the last undone transaction; returns the selection to show, `None` when there was none.
    pub fn redo(&mut self) -> Result<Option<Selection>, EditError> {
        self.history.redo(&mut self.project)
    }

    /// Saves to `target`, which becomes the session's path. Saving over the file this session
    /// loaded refuses when another program changed it since, and saving elsewhere refuses to
    /// replace an existing file, unless `force`.
    pub fn save(&mut self, target: &Path, force: bool) -> Result<PathBuf, ProjectError> {
        let same_file = self.path.as_deref() == Some(target);
        let guard = match (&self.stamp, same_file, force) {
            (_, _, true) => SaveGuard::Force,
            (Some(stamp), true, false) => SaveGuard::Unchanged(stamp),
            _ => SaveGuard::CreateNew,
        };
        let stamp = project::save(target, &self.project, guard)?;
        let target = target.to_path_buf();
        // A stale recovery copy would only offer to restore what is now saved; failing to
        // remove it is harmless because it is older than the file just written.
        let _ = project::remove_recovery(&target);
        self.stamp = Some(stamp);
        self.path = Some(target.clone());
        self.history.mark_saved();
        self.unwritten = false;
        self.recovery_state = None;
        Ok(target)
    }

    /// Writes the recovery copy when due: unsaved changes, not yet in the copy, and at least
    /// [`AUTOSAVE_SECONDS`] since the last write. `now` is seconds on any monotonic clock.
    /// Returns whether a copy was written.
    pub fn autosave_tick(&mut self, now: f64) -> Result<bool, ProjectError> {
        let Some(path) = self.path.clone() else {
            return Ok(false);
        };
        let state = self.history.state_id();
        let due = self.is_dirty()
            && self.recovery_state != Some(state)
            && now - self.last_recovery_time >= AUTOSAVE_SECONDS;
        if !due {
            return Ok(false);
        }
        self.last_recovery_time = now;
        project::write_recovery(&path, &self.project)?;
        self.recovery_state = Some(state);
        Ok(true)
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
