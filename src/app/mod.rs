//! The eframe application: persisted settings, the open session, dialogs, and the wiring of
//! menus and shortcuts to commands.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::model::{DocStatus, Edit, Transaction};
use crate::project::{self, ProjectError};
use crate::session::Session;
use crate::text::{BidiLabel, DocumentViewState, TextEngine};
use crate::ui::annotate::AnnotateState;
use crate::ui::commands::{self, UiCommand};

mod export;
mod labeling;
mod review;

/// Key under which [`Persisted`] is kept in eframe's storage.
const STORAGE_KEY: &str = "qalam";
/// How many recent files the Open Recent menu keeps.
const MAX_RECENT: usize = 10;
/// Default document font size in points.
pub const DEFAULT_FONT_SIZE: f32 = 20.0;

/// Settings that outlive a run (eframe storage).
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(default)]
pub struct Persisted {
    /// Recently opened project files, newest first.
    pub recent: Vec<PathBuf>,
    /// Document text size in points.
    pub font_size: f32,
    /// Dark theme.
    pub dark: bool,
}

impl Default for Persisted {
    fn default() -> Self {
        Persisted {
            recent: Vec::new(),
            font_size: DEFAULT_FONT_SIZE,
            dark: false,
        }
    }
}

impl Persisted {
    fn remember(&mut self, path: &Path) {
        let path = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
        self.recent.retain(|p| p != &path);
        self.recent.insert(0, path);
        self.recent.truncate(MAX_RECENT);
    }
}

/// What to do once the user has dealt with unsaved changes.
#[derive(Clone, Debug, PartialEq)]
pub enum Pending {
    /// Open this file.
    OpenFile(PathBuf),
    /// Show the file dialog.
    OpenDialog,
    /// Show the path prompt.
    OpenPathPrompt,
    /// Open these files for review.
    Review(Vec<PathBuf>),
    /// Pick files to review.
    ReviewDialog,
    /// Quit.
    Quit,
}

/// A modal dialog.
#[derive(Clone, Debug, PartialEq)]
pub enum Dialog {
    /// Unsaved changes guard before `then`.
    Unsaved {
        /// What to do after.
        then: Pending,
    },
    /// A newer recovery copy exists for `path`.
    Recover {
        /// The project file.
        path: PathBuf,
    },
    /// The file changed on disk since it was loaded; overwrite?
    ChangedOnDisk {
        /// Where the save was going.
        path: PathBuf,
        /// What to do after a successful save.
        then: Option<Pending>,
    },
    /// Type a path to open.
    OpenPath {
        /// The text typed so far.
        input: String,
    },
    /// Type a path to save to.
    SaveAsPath {
        /// The text typed so far.
        input: String,
        /// What to do after a successful save.
        then: Option<Pending>,
    },
    /// Type the project files to review.
    ReviewPaths {
        /// The text typed so far.
        input: String,
    },
    /// Type where to write the gold copy.
    GoldPath {
        /// The text typed so far.
        input: String,
    },
    /// Type where to export (a file, or a folder for brat).
    ExportPath {
        /// The format.
        format: crate::export::ExportFormat,
        /// The text typed so far.
        input: String,
    },
    /// An error or information message.
    Message {
        /// Heading.
        title: String,
        /// One line each.
        lines: Vec<String>,
    },
    /// The keyboard shortcut sheet.
    Shortcuts,
    /// A monospaced table (the agreement numbers).
    Table {
        /// Heading.
        title: String,
        /// The table's text.
        text: String,
    },
}

/// How the app was asked to start.
#[derive(Clone, Debug, Default)]
pub struct Startup {
    /// A `.ron` project or `.txt` file given on the command line.
    pub path: Option<PathBuf>,
    /// Project files to open read-only for review (overrides `path`).
    pub review: Vec<PathBuf>,
    /// Where the example projects and seeds live (default: `projects/` and `seeds/` in the
    /// working directory, else beside the source tree).
    pub root: Option<PathBuf>,
}

/// State that lives only while the app runs.
struct Runtime {
    session: Option<Session>,
    dialog: Option<Dialog>,
    /// One line, never wrapped, so the layout above it never changes height.
    status: String,
    /// Set when the user confirmed quitting, so the close request is let through.
    allow_close: bool,
    last_title: String,
    /// Fonts, layouts and the glyph atlas for all document text.
    engine: TextEngine,
    /// Caret, selection and scroll requests of the document view.
    view: DocumentViewState,
    /// Selected span/relation, link mode, search, list filter.
    annotate: AnnotateState,
    /// Id of the document view's widget last frame (it keeps keyboard focus).
    doc_view_id: Option<egui::Id>,
    /// Alt was held while the current text selection was made.
    exact_selection: bool,
    /// Span highlights of the shown document, and the (document, history state, span count)
    /// they were built for.
    highlights: (Option<(usize, u64, usize)>, Vec<crate::text::SpanHighlight>),
    /// An export running in the background.
    export: Option<export::ExportJob>,
    /// Review mode: files opened read-only for comparison and adjudication.
    review: Option<crate::review::session::ReviewSession>,
    /// Review-mode selections.
    review_ui: review::ReviewUi,
    /// The keyboard was moved to the panels (F6): the text view does not take focus back.
    focus_panels: bool,
    /// Give the text view keyboard focus on the next frame.
    view_focus_request: Option<egui::Id>,
}

/// The Qalam application.
pub struct QalamApp {
    state: Persisted,
    rt: Runtime,
}

impl QalamApp {
    /// Creates the app: restores settings and opens the start-up file or the seed project.
    pub fn new(cc: &eframe::CreationContext<'_>, startup: Startup) -> Self {
        let state = cc
            .storage
            .and_then(|s| eframe::get_value(s, STORAGE_KEY))
            .unwrap_or_default();
        crate::text::install_egui_fallback_fonts(&cc.egui_ctx);
        let mut app = QalamApp {
            state,
            rt: Runtime {
                session: None,
                dialog: None,
                status: String::new(),
                allow_close: false,
                last_title: String::new(),
                engine: TextEngine::new(),
                view: DocumentViewState::default(),
                annotate: AnnotateState::default(),
                doc_view_id: None,
                exact_selection: false,
                highlights: (None, Vec::new()),
                export: None,
                review: None,
                review_ui: review::ReviewUi::default(),
                focus_panels: false,
                view_focus_request: None,
            },
        };
        app.apply_theme(&cc.egui_ctx);
        match startup.path {
            _ if !startup.review.is_empty() => app.open_review(&startup.review),
            Some(p) => app.open_file(&p),
            None => app.open_seed_project(startup.root.as_deref()),
        }
        app
    }

    /// The open session, if any.
    pub fn session(&self) -> Option<&Session> {
        self.rt.session.as_ref()
    }

    /// The dialog shown, if any.
    pub fn dialog(&self) -> Option<&Dialog> {
        self.rt.dialog.as_ref()
    }

    /// The status line.
    pub fn status(&self) -> &str {
        &self.rt.status
    }

    /// Persisted settings.
    pub fn persisted(&self) -> &Persisted {
        &self.state
    }

    /// The labeling state: selected span or relation, link mode, search.
    pub fn annotate_state(&self) -> &AnnotateState {
        &self.rt.annotate
    }

    /// Replaces the document view's text selection (code points), as a drag would.
    pub fn set_text_selection(&mut self, range: Option<std::ops::Range<usize>>) {
        self.rt.view.set_selection(range);
    }

    /// Undoes the last change (as Ctrl+Z does).
    pub fn undo(&mut self, ctx: &egui::Context) {
        self.run_command(ctx, UiCommand::Undo);
    }

    /// The current text selection of the document view, in code points.
    pub fn text_selection(&self) -> Option<std::ops::Range<usize>> {
        self.rt.view.selection()
    }

    /// Screen rectangles (as drawn last frame) of a code-point range of the current
    /// document, one per visual piece: where a pointer must go to touch those characters.
    pub fn range_rects(&mut self, range: std::ops::Range<usize>) -> Vec<egui::Rect> {
        let text = match (&self.rt.session, &self.rt.review) {
            (Some(s), _) => s.project.documents.get(s.current_doc).map(|d| d.text()),
            (None, Some(r)) => r.text(r.current),
            (None, None) => None,
        };
        let Some(text) = text else { return Vec::new() };
        self.rt.view.range_rects(&mut self.rt.engine, text, range)
    }

    fn apply_theme(&self, ctx: &egui::Context) {
        ctx.set_theme(if self.state.dark {
            egui::Theme::Dark
        } else {
            egui::Theme::Light
        });
    }

    fn open_seed_project(&mut self, root: Option<&Path>) {
        match seed_project_path(root) {
            Ok(path) => self.open_file(&path),
            Err(e) => self.show_error("Could not prepare the seed project", &e),
        }
    }

    /// Opens `path` now (no unsaved-changes guard): a `.ron` project, or any other file as text.
    pub fn open_file(&mut self, path: &Path) {
        let is_project = path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("ron"));
        if is_project {
            if project::recovery_newer_than(path).is_some() {
                self.rt.dialog = Some(Dialog::Recover {
                    path: path.to_path_buf(),
                });
                return;
            }
            match Session::open(path) {
                Ok(s) => self.set_session(s),
                Err(e) => self.show_error(&format!("Could not open {}", path.display()), &e),
            }
        } else {
            match project::project_from_text_files(&[path.to_path_buf()], "", "") {
                Ok(p) => {
                    let target = path.with_extension("ron");
                    // Never propose overwriting an existing project with a fresh one.
                    let save_to = (!target.exists()).then_some(target);
                    let s = Session::new_unsaved(p, save_to);
                    self.set_session(s);
                }
                Err(e) => self.show_error(&format!("Could not open {}", path.display()), &e),
            }
        }
    }

    fn set_session(&mut self, s: Session) {
        self.rt.review = None;
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
        self.rt.session = Some(s);
        // Per-document state of the previous project must not leak into this one.
        self.rt.highlights = (None, Vec::new());
        self.rt.annotate = AnnotateState::default();
        self.rt.view = DocumentViewState::default();
    }

    fn show_error(&mut self, title: &str, err: &dyn std::fmt::Display) {
        let lines: Vec<String> = err.to_string().lines().map(str::to_owned).collect();
        self.rt.status = format!("{title}: {}", lines.first().map_or("", String::as_str));
        self.rt.dialog = Some(Dialog::Message {
            title: title.to_owned(),
            lines,
        });
    }

    fn is_dirty(&self) -> bool {
        self.rt.session.as_ref().is_some_and(Session::is_dirty)
            || self.rt.review.as_ref().is_some_and(|r| r.reviews_dirty)
    }

    /// Runs `then` now, or first asks about unsaved changes.
    fn guarded(&mut self, ctx: &egui::Context, then: Pending) {
        if self.is_dirty() {
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
                self.rt.dialog = Some(Dialog::OpenPath {
                    input: String::new(),
                })
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
            None => self.rt.status = NO_DIALOG_HINT.to_owned(),
        }
    }

    /// Saves; on success runs `then`. `force` overwrites a file changed on disk.
    fn save(
        &mut self,
        ctx: &egui::Context,
        to: Option<PathBuf>,
        force: bool,
        then: Option<Pending>,
    ) {
        let Some(session) = self.rt.session.as_mut() else {
            return;
        };
        let Some(target) = to.or_else(|| session.path.clone()) else {
            self.rt.dialog = Some(Dialog::SaveAsPath {
                input: String::new(),
                then,
            });
            return;
        };
        match session.save(&target, force) {
            Ok(path) => {
                self.rt.status = format!("Saved {}", path.display());
                self.state.remember(&path);
                if let Some(then) = then {
                    self.proceed(ctx, then);
                }
            }
            Err(
                ProjectError::ChangedOnDisk { path, .. } | ProjectError::AlreadyExists { path },
            ) => {
                self.rt.dialog = Some(Dialog::ChangedOnDisk { path, then });
            }
            Err(e) => self.show_error("Could not save", &e),
        }
    }

    fn save_as(&mut self, ctx: &egui::Context, then: Option<Pending>) {
        let suggested = self
            .rt
            .session
            .as_ref()
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
            Some(p) => self.save(ctx, Some(p), true, then),
            None => {
                self.rt.status = NO_DIALOG_HINT.to_owned();
                self.rt.dialog = Some(Dialog::SaveAsPath {
                    input: String::new(),
                    then,
                });
            }
        }
    }

    fn edit(&mut self, tx: Transaction) {
        let Some(s) = self.rt.session.as_mut() else {
            return;
        };
        if let Err(e) = s.apply(tx) {
            self.rt.status = format!("Refused: {e}");
        }
    }

    /// Runs one command from a menu or shortcut.
    pub fn run_command(&mut self, ctx: &egui::Context, cmd: UiCommand) {
        match cmd {
            UiCommand::Open => self.guarded(ctx, Pending::OpenDialog),
            UiCommand::OpenPath => self.guarded(ctx, Pending::OpenPathPrompt),
            UiCommand::Save if self.rt.review.is_some() => self.save_reviews(),
            UiCommand::Save => self.save(ctx, None, false, None),
            UiCommand::OpenForReview => self.guarded(ctx, Pending::ReviewDialog),
            UiCommand::NextDifference
            | UiCommand::PreviousDifference
            | UiCommand::PickLeft
            | UiCommand::PickRight
            | UiCommand::KeepBoth
            | UiCommand::DropBoth
            | UiCommand::SaveGold
            | UiCommand::ShowAgreement => self.review_command(ctx, cmd),
            UiCommand::SaveAs => self.save_as(ctx, None),
            UiCommand::Quit => self.guarded(ctx, Pending::Quit),
            UiCommand::Undo | UiCommand::Redo => {
                let Some(s) = self.rt.session.as_mut() else {
                    return;
                };
                let r = if cmd == UiCommand::Undo {
                    s.undo()
                } else {
                    s.redo()
                };
                self.rt.status = match r {
                    Ok(true) => format!("{}ne", cmd.title()),
                    Ok(false) => format!("Nothing to {}", cmd.title().to_lowercase()),
                    Err(e) => format!("{} failed: {e}", cmd.title()),
                };
            }
            UiCommand::NextDocument | UiCommand::PreviousDocument => {
                let Some(s) = self.rt.session.as_mut() else {
                    return;
                };
                let n = s.project.documents.len();
                if n > 0 {
                    s.current_doc = if cmd == UiCommand::NextDocument {
                        (s.current_doc + 1) % n
                    } else {
                        (s.current_doc + n - 1) % n
                    };
                }
            }
            UiCommand::ZoomIn => self.state.font_size = (self.state.font_size + 2.0).min(72.0),
            UiCommand::ZoomOut => self.state.font_size = (self.state.font_size - 2.0).max(8.0),
            UiCommand::ZoomReset => self.state.font_size = DEFAULT_FONT_SIZE,
            UiCommand::ToggleTheme => {
                self.state.dark = !self.state.dark;
                self.apply_theme(ctx);
            }
            UiCommand::ShowShortcuts => self.rt.dialog = Some(Dialog::Shortcuts),
            UiCommand::FocusPanels => {
                self.rt.focus_panels = true;
                ctx.memory_mut(|m| {
                    if let Some(id) = self.rt.doc_view_id {
                        m.surrender_focus(id);
                    }
                    match self.rt.annotate.first_control {
                        Some(first) => m.request_focus(first),
                        None => m.move_focus(egui::FocusDirection::Next),
                    }
                });
                self.rt.status = "Keyboard in the panels: Tab between controls, Space to press, Esc back to the text".to_owned();
            }
            _ => self.labeling_command(cmd),
        }
    }

    fn menu_bar(&mut self, ui: &mut egui::Ui) -> Vec<UiCommand> {
        let mut cmds = Vec::new();
        let mut open_recent = None;
        let mut export_as = None;
        let has_session = self.rt.session.is_some();
        let reviewing = self.rt.review.is_some();
        egui::MenuBar::new().ui(ui, |ui| {
            ui.menu_button("File", |ui| {
                for c in [
                    UiCommand::Open,
                    UiCommand::OpenPath,
                    UiCommand::OpenForReview,
                ] {
                    if commands::menu_item(ui, c, true) {
                        cmds.push(c);
                    }
                }
                ui.menu_button("Open recent", |ui| {
                    if self.state.recent.is_empty() {
                        ui.label("No recent files");
                    }
                    for p in &self.state.recent {
                        if ui.button(p.display().to_string()).clicked() {
                            open_recent = Some(p.clone());
                        }
                    }
                });
                ui.separator();
                for c in [UiCommand::Save, UiCommand::SaveAs] {
                    let on = has_session || (c == UiCommand::Save && reviewing);
                    if commands::menu_item(ui, c, on) {
                        cmds.push(c);
                    }
                }
                for c in [UiCommand::SaveGold, UiCommand::ShowAgreement] {
                    if commands::menu_item(ui, c, reviewing) {
                        cmds.push(c);
                    }
                }
                ui.menu_button("Export as", |ui| {
                    for f in export::FORMATS {
                        if ui
                            .add_enabled(has_session, egui::Button::new(f.name()))
                            .clicked()
                        {
                            export_as = Some(f);
                        }
                    }
                });
                ui.separator();
                if commands::menu_item(ui, UiCommand::Quit, true) {
                    cmds.push(UiCommand::Quit);
                }
            });
            ui.menu_button("Edit", |ui| {
                let (u, r) = self.rt.session.as_ref().map_or((false, false), |s| {
                    (s.history.can_undo(), s.history.can_redo())
                });
                for (c, on) in [(UiCommand::Undo, u), (UiCommand::Redo, r)] {
                    if commands::menu_item(ui, c, on) {
                        cmds.push(c);
                    }
                }
            });
            ui.menu_button("View", |ui| {
                for c in [
                    UiCommand::NextDocument,
                    UiCommand::PreviousDocument,
                    UiCommand::ZoomIn,
                    UiCommand::ZoomOut,
                    UiCommand::ZoomReset,
                    UiCommand::ToggleTheme,
                ] {
                    if commands::menu_item(ui, c, true) {
                        cmds.push(c);
                    }
                }
            });
            ui.menu_button("Help", |ui| {
                if commands::menu_item(ui, UiCommand::ShowShortcuts, true) {
                    cmds.push(UiCommand::ShowShortcuts);
                }
            });
        });
        let ctx = ui.ctx().clone();
        if let Some(p) = open_recent {
            self.guarded(&ctx, Pending::OpenFile(p));
        }
        if let Some(f) = export_as {
            self.export_with_dialog(&ctx, f);
        }
        cmds
    }

    fn document_list(&mut self, ui: &mut egui::Ui) {
        let engine = &mut self.rt.engine;
        let Some(s) = self.rt.session.as_mut() else {
            return;
        };
        ui.heading("Documents");
        let done = s
            .project
            .documents
            .iter()
            .filter(|d| d.status == DocStatus::Done)
            .count();
        ui.label(format!("{done} of {} done", s.project.documents.len()));
        ui.separator();
        let mut status_change = None;
        egui::ScrollArea::vertical().show(ui, |ui| {
            for (i, d) in s.project.documents.iter().enumerate() {
                let title = if d.title.is_empty() {
                    d.id.as_str()
                } else {
                    d.title.as_str()
                };
                let short: String = title.chars().take(60).collect();
                let selected = i == s.current_doc;
                let row = ui.scope(|ui| {
                    // Titles are document text: drawn by the bidi engine, never by egui's labels.
                    BidiLabel::new(&short)
                        .max_width(ui.available_width())
                        .font_size(15.0)
                        .show(ui, engine);
                    ui.label(format!("{} · {}", d.id, d.status.label()));
                });
                let r = ui.interact(
                    row.response.rect,
                    ui.scope_id().with(("doc_row", i)),
                    egui::Sense::click(),
                );
                r.widget_info(|| {
                    egui::WidgetInfo::selected(egui::Role::Button, true, selected, short.as_str())
                });
                if selected {
                    ui.painter().rect_stroke(
                        row.response.rect,
                        3.0,
                        ui.visuals().selection.stroke,
                        egui::StrokeKind::Outside,
                    );
                }
                if r.clicked() && s.current_doc != i {
                    s.current_doc = i;
                    self.rt.view = DocumentViewState::default();
                }
                ui.separator();
            }
        });
        ui.separator();
        if let Some(d) = s.project.documents.get(s.current_doc) {
            let mut status = d.status;
            egui::ComboBox::from_label("Status")
                .selected_text(status.label())
                .show_ui(ui, |ui| {
                    for st in [DocStatus::Todo, DocStatus::InProgress, DocStatus::Done] {
                        ui.selectable_value(&mut status, st, st.label());
                    }
                });
            if status != d.status {
                status_change = Some(Edit::SetStatus {
                    doc: s.current_doc,
                    status,
                });
            }
        }
        if let Some(e) = status_change {
            self.edit(Transaction::one(e));
        }
    }

    fn dialogs(&mut self, ctx: &egui::Context) {
        let Some(dialog) = self.rt.dialog.clone() else {
            return;
        };
        let mut close = false;
        let mut next: Option<AfterDialog> = None;
        egui::Modal::new(egui::Id::unique("qalam_dialog")).show(ctx, |ui| {
            ui.set_max_width(520.0);
            match &dialog {
                Dialog::Unsaved { then } => {
                    ui.heading("Unsaved changes");
                    ui.label("This project has changes that are not saved.");
                    ui.horizontal(|ui| {
                        if ui.button("Save").clicked() {
                            let then = then.clone();
                            next = Some(Box::new(move |app, ctx| app.save(ctx, None, false, Some(then))));
                        }
                        if ui.button("Don't save").clicked() {
                            let then = then.clone();
                            next = Some(Box::new(move |app, ctx| app.proceed(ctx, then)));
                        }
                        close |= ui.button("Cancel").clicked();
                    });
                }
                Dialog::Recover { path } => {
                    ui.heading("Recovered changes");
                    ui.label(format!("{} has a newer recovery copy with changes that were never saved.", path.display()));
                    ui.horizontal(|ui| {
                        if ui.button("Restore recovered changes").clicked() {
                            let p = path.clone();
                            next = Some(Box::new(move |app, _| match Session::open_recovery(&p) {
                                Ok(s) => app.set_session(s),
                                Err(e) => app.show_error("Could not restore", &e),
                            }));
                        }
                        if ui.button("Open the saved file").clicked() {
                            let p = path.clone();
                            next = Some(Box::new(move |app, _| match Session::open(&p) {
                                Ok(s) => app.set_session(s),
                                Err(e) => app.show_error(&format!("Could not open {}", p.display()), &e),
                            }));
                        }
                    });
                }
                Dialog::ChangedOnDisk { path, then } => {
                    ui.heading("Replace the file?");
                    ui.label(format!("{} exists and is not the file as this window last saw it (another program may have changed it). Overwrite it?", path.display()));
                    ui.horizontal(|ui| {
                        if ui.button("Overwrite").clicked() {
                            let (p, then) = (path.clone(), then.clone());
                            next = Some(Box::new(move |app, ctx| app.save(ctx, Some(p), true, then)));
                        }
                        close |= ui.button("Cancel").clicked();
                    });
                }
                Dialog::OpenPath { input } | Dialog::SaveAsPath { input, .. } | Dialog::ExportPath { input, .. } | Dialog::ReviewPaths { input } | Dialog::GoldPath { input } => {
                    let (heading, prompt) = match &dialog {
                        Dialog::SaveAsPath { .. } => ("Save as", "Path of the .ron file to write:"),
                        Dialog::ExportPath { format, .. } if *format == crate::export::ExportFormat::Brat => ("Export", "Folder to write the brat files into:"),
                        Dialog::ExportPath { .. } => ("Export", "Path of the file to write:"),
                        Dialog::ReviewPaths { .. } => ("Open for review", "Project files to review, separated by ';':"),
                        Dialog::GoldPath { .. } => ("Save gold copy", "Path of the gold .ron file to write:"),
                        _ => ("Open path", "Path of a .ron project or .txt file:"),
                    };
                    ui.heading(heading);
                    let prompt = ui.label(prompt);
                    let mut text = input.clone();
                    let r = ui.add(egui::TextEdit::singleline(&mut text).desired_width(480.0).hint_text("/path/to/file.ron")).labelled_by(prompt.id);
                    if !r.has_focus() && text.is_empty() {
                        r.request_focus();
                    }
                    let enter = r.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
                    let mut go = enter;
                    ui.horizontal(|ui| {
                        let action = match &dialog {
                            Dialog::ExportPath { .. } => "Export",
                            Dialog::ReviewPaths { .. } => "Review",
                            Dialog::GoldPath { .. } => "Save gold",
                            Dialog::SaveAsPath { .. } => "Save",
                            _ => "Open",
                        };
                        go |= ui.button(action).clicked();
                        close |= ui.button("Cancel").clicked();
                    });
                    if go && !text.trim().is_empty() {
                        let p = PathBuf::from(text.trim());
                        next = Some(match &dialog {
                            Dialog::SaveAsPath { then, .. } => {
                                let then = then.clone();
                                Box::new(move |app, ctx| app.save(ctx, Some(p), false, then))
                            }
                            Dialog::ExportPath { format, .. } => {
                                let format = *format;
                                Box::new(move |app, ctx| app.start_export(ctx, format, p, false))
                            }
                            Dialog::ReviewPaths { .. } => {
                                let paths: Vec<PathBuf> = text.split(';').map(str::trim).filter(|t| !t.is_empty()).map(PathBuf::from).collect();
                                Box::new(move |app, _| app.open_review(&paths))
                            }
                            Dialog::GoldPath { .. } => Box::new(move |app, ctx| app.save_gold(ctx, p, false)),
                            _ => Box::new(move |app, _| app.open_file(&p)),
                        });
                    } else if let Some(
                        Dialog::OpenPath { input } | Dialog::SaveAsPath { input, .. } | Dialog::ExportPath { input, .. } | Dialog::ReviewPaths { input } | Dialog::GoldPath { input },
                    ) = self.rt.dialog.as_mut()
                    {
                        *input = text;
                    }
                }
                Dialog::Message { title, lines } => {
                    ui.heading(title);
                    egui::ScrollArea::vertical().max_height(300.0).show(ui, |ui| {
                        for l in lines {
                            ui.label(l);
                        }
                    });
                    close |= ui.button("OK").clicked();
                }
                Dialog::Table { title, text } => {
                    ui.heading(title);
                    egui::ScrollArea::both().max_height(500.0).show(ui, |ui| {
                        ui.add(egui::Label::new(egui::RichText::new(text).monospace()).extend());
                    });
                    close |= ui.button("Close").clicked();
                }
                Dialog::Shortcuts => {
                    ui.heading("Keyboard shortcuts");
                    commands::shortcut_sheet(ui, self.rt.session.as_ref().map(|s| &s.project.schema));
                    close |= ui.button("Close").clicked();
                }
            }
        });
        if ctx.input(|i| i.key_pressed(egui::Key::Escape))
            && !matches!(dialog, Dialog::Recover { .. })
        {
            close = true;
        }
        if close || next.is_some() {
            self.rt.dialog = None;
        }
        if let Some(f) = next {
            f(self, ctx);
        }
    }

    fn handle_dropped_files(&mut self, ctx: &egui::Context) {
        let dropped: Vec<PathBuf> = ctx.input(|i| {
            i.raw
                .dropped_files
                .iter()
                .map(|f| f.path().to_path_buf())
                .collect()
        });
        if let Some(p) = dropped.into_iter().next() {
            self.guarded(ctx, Pending::OpenFile(p));
        }
    }

    fn update_title(&mut self, ctx: &egui::Context) {
        let title = match (&self.rt.session, &self.rt.review) {
            (Some(s), _) => s.window_title(),
            (None, Some(r)) => format!(
                "{}Review: {} — Qalam",
                if r.reviews_dirty { "*" } else { "" },
                r.names.join(", ")
            ),
            (None, None) => "Qalam".to_owned(),
        };
        if title != self.rt.last_title {
            ctx.send_viewport_cmd(egui::ViewportCommand::Title(title.clone()));
            self.rt.last_title = title;
        }
    }

    fn autosave(&mut self, ctx: &egui::Context) {
        let now = ctx.input(|i| i.time);
        let Some(s) = self.rt.session.as_mut() else {
            return;
        };
        match s.autosave_tick(now) {
            Ok(true) => self.rt.status = "Recovery copy written".to_owned(),
            Ok(false) => {}
            Err(e) => self.rt.status = format!("Could not write the recovery copy: {e}"),
        }
        if s.is_dirty() {
            // Wake up for the next autosave even when the user is idle.
            ctx.request_repaint_after(std::time::Duration::from_secs_f64(
                crate::session::AUTOSAVE_SECONDS,
            ));
        }
    }

    /// The window title currently requested.
    pub fn title(&self) -> &str {
        &self.rt.last_title
    }
}

/// What a dialog's button does once the dialog is closed.
type AfterDialog = Box<dyn FnOnce(&mut QalamApp, &egui::Context)>;

/// Shown when the file dialog returned nothing.
const NO_DIALOG_HINT: &str = "No file chosen. Without a desktop file dialog: File > Open path… (Ctrl+L), drop a file on the window, or Open recent.";

impl eframe::App for QalamApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        let ctx = ui.ctx().clone();
        if ctx.input(|i| i.viewport().close_requested()) && !self.rt.allow_close && self.is_dirty()
        {
            ctx.send_viewport_cmd(egui::ViewportCommand::CancelClose);
            self.rt.dialog = Some(Dialog::Unsaved {
                then: Pending::Quit,
            });
        }
        self.handle_dropped_files(&ctx);

        let (mut cmds, mut intents) = if self.rt.dialog.is_none() {
            self.keyboard(&ctx)
        } else {
            Default::default()
        };
        egui::Panel::top("menu_bar").show(ui, |ui| cmds.extend(self.menu_bar(ui)));
        // Fixed heights above and below the text: nothing may move it during a drag.
        let reviewing = self.rt.review.is_some();
        egui::Panel::top("tools").exact_size(64.0).show(ui, |ui| {
            if reviewing {
                self.review_bar(ui);
            } else {
                intents.extend(self.tool_bars(ui));
            }
        });
        egui::Panel::bottom("status_bar")
            .exact_size(24.0)
            .show(ui, |ui| {
                ui.horizontal_centered(|ui| {
                    self.poll_export(ui);
                    ui.add(egui::Label::new(self.rt.status.as_str()).truncate());
                });
            });
        if reviewing {
            egui::Panel::left("review_documents")
                .default_size(220.0)
                .show(ui, |ui| self.review_documents(ui));
            egui::Panel::right("differences")
                .default_size(340.0)
                .show(ui, |ui| self.review_side(ui));
            egui::CentralPanel::default().show(ui, |ui| self.review_central(ui));
        } else {
            egui::Panel::left("documents")
                .default_size(220.0)
                .show(ui, |ui| self.document_list(ui));
            egui::Panel::right("annotations")
                .default_size(320.0)
                .show(ui, |ui| intents.extend(self.side_panel(ui)));
            egui::CentralPanel::default().show(ui, |ui| intents.extend(self.central(ui)));
        }
        self.dialogs(&ctx);
        for c in cmds {
            self.run_command(&ctx, c);
        }
        for i in intents {
            self.apply_intent(i);
        }
        if let Some(id) = self.rt.view_focus_request.take() {
            ctx.memory_mut(|m| m.request_focus(id));
        }
        self.autosave(&ctx);
        self.update_title(&ctx);
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        eframe::set_value(storage, STORAGE_KEY, &self.state);
    }
}

/// Finds or creates the seed article's project: `projects/seed.ron`, made from `seeds/*.txt`
/// on first run. Looks in `root`, else the working directory, else the source tree.
pub fn seed_project_path(root: Option<&Path>) -> Result<PathBuf, ProjectError> {
    let candidates: Vec<PathBuf> = match root {
        Some(r) => vec![r.to_path_buf()],
        None => vec![
            PathBuf::from("."),
            PathBuf::from(env!("CARGO_MANIFEST_DIR")),
        ],
    };
    let root = candidates
        .iter()
        .find(|r| r.join("projects").is_dir() || r.join("seeds").is_dir())
        .cloned()
        .unwrap_or_else(|| PathBuf::from("."));
    let target = root.join("projects").join("seed.ron");
    if target.exists() {
        return Ok(target);
    }
    let mut seeds: Vec<PathBuf> = std::fs::read_dir(root.join("seeds"))
        .map_err(|e| ProjectError::Io {
            path: root.join("seeds"),
            action: "list",
            source: e,
        })?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    seeds.sort();
    let project = project::project_from_text_files(&seeds, "Seed article", "")?;
    std::fs::create_dir_all(root.join("projects")).map_err(|e| ProjectError::Io {
        path: root.join("projects"),
        action: "create",
        source: e,
    })?;
    project::save(&target, &project, project::SaveGuard::CreateNew)?;
    Ok(target)
}

/// Starts the GUI.
pub fn run(startup: Startup) -> eframe::Result {
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_inner_size([1200.0, 800.0])
            .with_title("Qalam")
            .with_drag_and_drop(true),
        ..Default::default()
    };
    eframe::run_native(
        "Qalam",
        options,
        Box::new(move |cc| Ok(Box::new(QalamApp::new(cc, startup)))),
    )
}
