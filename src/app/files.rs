//! Storage: opening projects, texts and reviews, saving (with the changed-on-disk guard and
//! the unsaved-changes guard), recovery copies, the seed project, and what each dialog's
//! answer does.

use std::path::{Path, PathBuf};

use super::{Labeling, Mode, NO_DIALOG_HINT, QalamApp, Review};
use crate::project::{self, ProjectError};
use crate::session::{SaveEvent, Session};
use crate::ui::dialogs::{Dialog, DialogOutcome, Pending, PromptPurpose};

impl QalamApp {
    /// Opens the seed project: the checkout's `projects/seed.ron`, or the data folder's copy
    /// (created on first run), and says which in the status bar.
    pub(super) fn open_seed_project(&mut self, root: Option<&Path>) {
        let cwd = std::env::current_dir().unwrap_or_default();
        match project::seed::locate_seed_project(root, &cwd, &|name| std::env::var_os(name)) {
            Ok(place) => {
                self.open_file(place.path());
                if matches!(self.rt.mode, Mode::Labeling(_)) {
                    self.rt.status = format!("Opened the seed article: {}", place.path().display());
                }
            }
            Err(e) => self.show_error("Could not prepare the seed project", &e),
        }
    }

    /// Opens `path` now (no unsaved-changes guard): a `.ron` project, or any other file as text.
    pub fn open_file(&mut self, path: &Path) {
        let is_project = path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("ron"));
        if !is_project {
            match project::project_from_text_files(&[path.to_path_buf()], "", "") {
                Ok(p) => {
                    let target = path.with_extension("ron");
                    // Never propose overwriting an existing project with a fresh one.
                    let save_to = (!target.exists()).then_some(target);
                    self.start_labeling(Session::new_unsaved(p, save_to));
                }
                Err(e) => self.show_error(&format!("Could not open {}", path.display()), &e),
            }
            return;
        }
        if project::recovery_newer_than(path).is_some() {
            self.rt.dialog = Some(Dialog::Recover {
                path: path.to_path_buf(),
            });
            return;
        }
        match Session::open(path) {
            Ok(s) => self.start_labeling(s),
            Err(e) => self.show_error(&format!("Could not open {}", path.display()), &e),
        }
    }

    /// Enters labeling mode on `s`; the previous mode and all its state are dropped.
    fn start_labeling(&mut self, s: Session) {
        if let Some(p) = &s.path
            && p.exists()
        {
            self.state.remember(p);
        }
        self.rt.status = match s.load_warnings.len() {
            0 => format!(
                "Opened {}",
                s.path
                    .as_deref()
                    .map_or_else(|| "new project".into(), |p| p.display().to_string())
            ),
            n => format!("Opened with {n} warning(s)"),
        };
        if !s.load_warnings.is_empty() {
            let lines = s.load_warnings.iter().map(ToString::to_string).collect();
            self.rt.dialog = Some(Dialog::Message {
                title: "Opened with warnings".into(),
                lines,
            });
        }
        self.rt.mode = Mode::Labeling(Box::new(Labeling::new(s)));
    }

    /// Opens `paths` read-only for review (no unsaved-changes guard; see [`Self::run_command`]),
    /// with the adjudication file beside the first file.
    pub fn open_review(&mut self, paths: &[PathBuf]) {
        self.open_review_at(paths, None);
    }

    /// Opens `paths` for review with the adjudication file `out` (default: beside the first
    /// file); first offers a newer recovery copy of that file.
    pub fn open_review_at(&mut self, paths: &[PathBuf], out: Option<&Path>) {
        let base = crate::review::session::recovery_base(paths, out);
        if project::recovery_newer_than(&base).is_some() {
            self.rt.pending_review =
                Some((paths.to_vec(), out.map(Path::to_path_buf), base.clone()));
            self.rt.dialog = Some(Dialog::Recover { path: base });
            return;
        }
        self.start_review(paths, out.map(Path::to_path_buf), false);
    }

    /// Enters review mode; `restore` takes the review's state from the recovery copy.
    fn start_review(&mut self, paths: &[PathBuf], out: Option<PathBuf>, restore: bool) {
        let reviewer = std::env::var("USER").unwrap_or_else(|_| "reviewer".to_owned());
        let options = crate::review::session::ReviewOptions {
            out,
            restore_recovery: restore,
            map: self.rt.review_map.clone(),
        };
        match Review::open(paths, &reviewer, &options) {
            Ok(r) => {
                for p in paths {
                    self.state.remember(p);
                }
                let n = r
                    .session
                    .adjudication
                    .as_ref()
                    .map_or(0, |a| a.differences().len());
                self.rt.status = if n == 0 {
                    format!("Reviewing {} file(s), read-only", paths.len())
                } else {
                    format!(
                        "Reviewing {} file(s), read-only; {}",
                        paths.len(),
                        r.session.progress_text()
                    )
                };
                if !r.session.warnings.is_empty() {
                    self.rt.dialog = Some(Dialog::Message {
                        title: "Opened for review, with warnings".to_owned(),
                        lines: r.session.warnings.clone(),
                    });
                }
                self.rt.mode = Mode::Review(Box::new(r));
            }
            Err(e) => self.show_error("Could not open for review", &e),
        }
    }

    /// Starts saving the review (adjudication and review files) in the background; once it
    /// has succeeded, runs `then`. `force` overwrites files changed on disk.
    fn save_review(&mut self, force: bool, then: Option<Pending>) {
        let Mode::Review(r) = &mut self.rt.mode else {
            return;
        };
        r.session.start_save(force);
        self.rt.after_save = then;
        self.rt.status = "Saving the review…".to_owned();
    }

    /// What a finished review save means to the user: the status, what was waiting for it,
    /// or the question about a file changed on disk.
    fn review_saved(
        &mut self,
        ctx: &egui::Context,
        result: Result<Vec<PathBuf>, crate::review::session::ReviewSessionError>,
    ) {
        let Mode::Review(r) = &self.rt.mode else {
            return;
        };
        match result {
            Ok(paths) => {
                self.rt.status = format!(
                    "Saved {} ({})",
                    paths
                        .iter()
                        .map(|p| p.display().to_string())
                        .collect::<Vec<_>>()
                        .join(", "),
                    r.session.progress_text()
                );
                if let Some(then) = self.rt.after_save.take() {
                    self.proceed(ctx, then);
                }
            }
            Err(e) => {
                let then = self.rt.after_save.take();
                match e.changed_on_disk() {
                    Some(path) => {
                        self.rt.dialog = Some(Dialog::ChangedOnDisk {
                            path: path.to_path_buf(),
                            then,
                        });
                    }
                    None => self.show_error("Could not save the review", &e),
                }
            }
        }
    }

    /// Runs `then` now, or first asks about unsaved changes.
    pub(super) fn guarded(&mut self, ctx: &egui::Context, then: Pending) {
        if self.rt.mode.is_dirty() {
            self.rt.dialog = Some(Dialog::Unsaved { then });
        } else {
            self.proceed(ctx, then);
        }
    }

    fn proceed(&mut self, ctx: &egui::Context, then: Pending) {
        match then {
            Pending::OpenFile(p) => self.open_file(&p),
            Pending::OpenDialog => self.open_with_dialog(),
            Pending::OpenPathPrompt => {
                self.rt.dialog = Some(Dialog::prompt(PromptPurpose::Open, ""))
            }
            Pending::Review(paths) => self.open_review(&paths),
            Pending::ReviewDialog => self.review_with_dialog(),
            Pending::Quit => {
                self.rt.allow_close = true;
                ctx.send_viewport_cmd(egui::ViewportCommand::Close);
            }
        }
    }

    fn open_with_dialog(&mut self) {
        let picked = rfd::FileDialog::new()
            .add_filter("Qalam project", &["ron"])
            .add_filter("Text", &["txt"])
            .pick_file();
        match picked {
            Some(p) => self.open_file(&p),
            // rfd gives None both for "cancelled" and "no dialog available here".
            None => {
                self.rt.status = NO_DIALOG_HINT.to_owned();
                self.rt.dialog = Some(Dialog::prompt(PromptPurpose::Open, ""));
            }
        }
    }

    fn review_with_dialog(&mut self) {
        match rfd::FileDialog::new()
            .add_filter("Qalam project", &["ron"])
            .pick_files()
        {
            Some(paths) if !paths.is_empty() => self.open_review(&paths),
            _ => {
                self.rt.status = NO_DIALOG_HINT.to_owned();
                self.rt.dialog = Some(Dialog::prompt(PromptPurpose::Review, ""));
            }
        }
    }

    /// Ctrl+S: the project while labeling, the review files while reviewing.
    pub(super) fn save_current(&mut self) {
        match &mut self.rt.mode {
            Mode::Labeling(_) => self.save(None, false, None),
            Mode::Review(_) => self.save_review(false, None),
            Mode::Start => {}
        }
    }

    /// Saves the project; on success runs `then`. `force` overwrites a file changed on disk.
    fn save(&mut self, to: Option<PathBuf>, force: bool, then: Option<Pending>) {
        let Mode::Labeling(l) = &mut self.rt.mode else {
            if matches!(self.rt.mode, Mode::Review(_)) {
                self.save_review(force, then);
            }
            return;
        };
        // A note still being typed is part of what the user expects saved.
        l.flush_note_drafts(None);
        let Some(target) = to.or_else(|| l.session.path.clone()) else {
            self.rt.dialog = Some(Dialog::prompt(PromptPurpose::SaveAs { then }, ""));
            return;
        };
        l.session.start_save(&target, force);
        self.rt.after_save = then;
        self.rt.status = format!("Saving {}…", target.display());
    }

    pub(super) fn save_as(&mut self, then: Option<Pending>) {
        let suggested = self
            .session()
            .and_then(|s| s.path.as_deref().and_then(Path::file_name))
            .map_or_else(
                || "project.ron".to_owned(),
                |n| n.to_string_lossy().into_owned(),
            );
        match rfd::FileDialog::new()
            .add_filter("Qalam project", &["ron"])
            .set_file_name(&suggested)
            .save_file()
        {
            // The dialog already asked before replacing an existing file.
            Some(p) => self.save(Some(p), true, then),
            None => {
                self.rt.status = NO_DIALOG_HINT.to_owned();
                self.rt.dialog = Some(Dialog::prompt(PromptPurpose::SaveAs { then }, ""));
            }
        }
    }

    pub(super) fn save_gold_with_dialog(&mut self) {
        let Some(r) = self.review_mut() else { return };
        let suggested = match r.command(crate::ui::commands::UiCommand::SaveGold) {
            super::ReviewOutcome::AskGoldPath(p) => p,
            super::ReviewOutcome::Say(s) => {
                self.rt.status = s;
                return;
            }
            _ => return,
        };
        let name = suggested
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        match rfd::FileDialog::new()
            .add_filter("Qalam project", &["ron"])
            .set_file_name(&name)
            .save_file()
        {
            Some(p) => self.save_gold(p, true),
            None => {
                self.rt.status = NO_DIALOG_HINT.to_owned();
                self.rt.dialog = Some(Dialog::prompt(
                    PromptPurpose::Gold,
                    suggested.display().to_string(),
                ));
            }
        }
    }

    /// Writes the gold project to `path` (refusing to replace a file unless `force`).
    pub fn save_gold(&mut self, path: PathBuf, force: bool) {
        let Some(r) = self.review_mode() else { return };
        let undecided = r
            .session
            .adjudication
            .as_ref()
            .map_or(0, |a| a.undecided().count());
        if undecided > 0 {
            self.rt.status =
                format!("{undecided} difference(s) still undecided: decide them first");
            return;
        }
        match r.session.save_gold(&path, force) {
            Ok(n) => self.rt.status = format!("Gold copy saved to {} ({n} spans)", path.display()),
            Err(e) => self.show_error("Could not save the gold copy", &e),
        }
    }

    /// Carries out the user's answer to a dialog.
    pub(super) fn dialog_outcome(&mut self, ctx: &egui::Context, outcome: DialogOutcome) {
        let restore = matches!(outcome, DialogOutcome::RestoreRecovery(_));
        match outcome {
            DialogOutcome::Closed => {}
            DialogOutcome::SaveThen(then) => self.save(None, false, Some(then)),
            DialogOutcome::DiscardThen(then) => self.proceed(ctx, then),
            DialogOutcome::RestoreRecovery(p) | DialogOutcome::OpenSaved(p)
                if self
                    .rt
                    .pending_review
                    .as_ref()
                    .is_some_and(|(.., base)| *base == p) =>
            {
                if let Some((paths, out, _)) = self.rt.pending_review.take() {
                    self.start_review(&paths, out, restore);
                }
            }
            DialogOutcome::RestoreRecovery(p) => match Session::open_recovery(&p) {
                Ok(s) => self.start_labeling(s),
                Err(e) => self.show_error("Could not restore", &e),
            },
            DialogOutcome::OpenSaved(p) => match Session::open(&p) {
                Ok(s) => self.start_labeling(s),
                Err(e) => self.show_error(&format!("Could not open {}", p.display()), &e),
            },
            DialogOutcome::Overwrite { path, then } => self.save(Some(path), true, then),
            DialogOutcome::MarkCorpusHits { label, generation } => {
                self.corpus_mark_confirmed(&label, generation)
            }
            DialogOutcome::Path { purpose, text } => {
                let p = PathBuf::from(&text);
                match purpose {
                    PromptPurpose::Open => self.open_file(&p),
                    PromptPurpose::SaveAs { then } => self.save(Some(p), false, then),
                    PromptPurpose::Review => {
                        let paths: Vec<PathBuf> = text
                            .split(';')
                            .map(str::trim)
                            .filter(|t| !t.is_empty())
                            .map(PathBuf::from)
                            .collect();
                        self.open_review(&paths);
                    }
                    PromptPurpose::Gold => self.save_gold(p, false),
                    PromptPurpose::Export(format) => self.start_export(ctx, format, p, false),
                }
            }
        }
    }

    /// Background writes: starts the recovery copy (or a save to try again) when due, collects
    /// finished writes, and wakes up for the next one while there is unsaved work.
    pub(super) fn background_writes(&mut self, ctx: &egui::Context) {
        let now = ctx.input(|i| i.time);
        let saved = match &mut self.rt.mode {
            Mode::Review(r) => r.session.poll_save(),
            _ => None,
        };
        if let Some(result) = saved {
            self.review_saved(ctx, result);
        }
        if let Mode::Review(r) = &mut self.rt.mode {
            r.session.autosave_tick(now);
            match r.session.poll_recovery() {
                // Quietly: the status line keeps telling what the reviewer last did.
                Some(Ok(())) => {}
                Some(Err(e)) => {
                    self.rt.status = format!("Could not write the review's recovery copy: {e}")
                }
                None => {}
            }
            if r.session.is_writing() {
                ctx.request_repaint_after(std::time::Duration::from_millis(10));
            } else if r.session.is_dirty() {
                ctx.request_repaint_after(std::time::Duration::from_secs_f64(
                    crate::session::AUTOSAVE_SECONDS,
                ));
            }
            return;
        }
        let Mode::Labeling(l) = &mut self.rt.mode else {
            return;
        };
        l.session.autosave_tick(now);
        let event = l.session.poll(now);
        let (writing, dirty) = (l.session.is_writing(), l.session.is_dirty());
        match event {
            Some(SaveEvent::Saved { path, warning }) => {
                self.rt.status = match warning {
                    Some(w) => format!("Saved {}; but {w}", path.display()),
                    None => format!("Saved {}", path.display()),
                };
                self.state.remember(&path);
                if let Some(then) = self.rt.after_save.take() {
                    self.proceed(ctx, then);
                }
            }
            Some(SaveEvent::SaveFailed {
                target,
                error: ProjectError::ChangedOnDisk { .. } | ProjectError::AlreadyExists { .. },
                ..
            }) => {
                let then = self.rt.after_save.take();
                self.rt.dialog = Some(Dialog::ChangedOnDisk { path: target, then });
            }
            Some(SaveEvent::SaveFailed {
                error, retrying, ..
            }) => {
                // What was to follow the save waits: quitting now would lose the changes.
                self.rt.after_save = None;
                let again = if retrying {
                    format!(
                        " — trying again in {:.0} s; the recovery copy keeps your work meanwhile",
                        crate::session::RETRY_SECONDS
                    )
                } else {
                    String::new()
                };
                self.show_error("Could not save", &format!("{error}{again}"));
            }
            Some(SaveEvent::RecoveryWritten) => self.rt.status = "Recovery copy written".to_owned(),
            Some(SaveEvent::RecoveryFailed(e)) => {
                self.rt.status = format!("Could not write the recovery copy: {e}")
            }
            None => {}
        }
        if writing {
            ctx.request_repaint_after(std::time::Duration::from_millis(10));
        } else if dirty {
            // Wake up for the next autosave even when the user is idle.
            ctx.request_repaint_after(std::time::Duration::from_secs_f64(
                crate::session::AUTOSAVE_SECONDS,
            ));
        }
    }
}
