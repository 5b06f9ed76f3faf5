//! The eframe application: settings that outlive a run, the mode the window is in, and the
//! wiring of views, keys and dialogs to modes, storage and commands. No widget code here:
//! every view is in [`crate::ui`].
//!
//! - [`Mode`]: nothing open, [`Labeling`] (one project, per-document state), or [`Review`];
//!   each mode owns its state, and title, menus, status and the unsaved-changes guard ask it;
//! - `files`: opening, saving, the seed project, recovery, dialogs' outcomes;
//! - `export`: File > Export on a worker thread.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::session::Session;
use crate::text::{DEFAULT_FONT_SIZE, TextEngine};
use crate::ui::commands::{Scope, UiCommand};
use crate::ui::dialogs::Pending;
use crate::ui::menu::{MenuIntent, MenuState};

mod corpus_search;
mod export;
mod files;
mod labeling;
mod review;
mod schema_editor;
pub mod suggestions;

pub use crate::ui::dialogs::{Dialog, PromptPurpose};
pub use corpus_search::CorpusSearch;
pub use labeling::{DocUiRef, Labeling};
pub use review::{Review, ReviewOutcome};

/// Key under which [`Persisted`] is kept in eframe's storage.
const STORAGE_KEY: &str = "qalam";
/// How many recent files the Open Recent menu keeps.
const MAX_RECENT: usize = 10;
/// Text size limits in points (zoom).
const FONT_SIZE_RANGE: std::ops::RangeInclusive<f32> = 8.0..=72.0;

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
    /// Show suggestions (View > Show suggestions).
    pub show_suggestions: bool,
}

impl Default for Persisted {
    fn default() -> Self {
        Persisted {
            recent: Vec::new(),
            font_size: DEFAULT_FONT_SIZE,
            dark: false,
            show_suggestions: true,
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

/// How the app was asked to start.
#[derive(Clone, Debug, Default)]
pub struct Startup {
    /// A `.ron` project or `.txt` file given on the command line.
    pub path: Option<PathBuf>,
    /// Project files to open read-only for review (overrides `path`).
    pub review: Vec<PathBuf>,
    /// The review's adjudication file (`qalam review --out FILE`; default: beside the first
    /// file).
    pub review_out: Option<PathBuf>,
    /// Names renamed in every reviewed file before comparing (`qalam review --map FROM=TO`).
    pub review_map: Vec<(String, String)>,
    /// A folder with `seeds/` whose `projects/seed.ron` is the seed project (default: the
    /// working directory when it is a Qalam checkout, else the user's data folder).
    pub root: Option<PathBuf>,
}

/// What the window is doing: exactly one mode at a time, each owning its state.
#[derive(Debug)]
pub enum Mode {
    /// Nothing open.
    Start,
    /// Labeling a project.
    Labeling(Box<Labeling>),
    /// Reviewing annotators' files.
    Review(Box<Review>),
}

impl Mode {
    /// The window title: `name — Qalam`, with `*` when there is unsaved work.
    pub fn title(&self) -> String {
        match self {
            Mode::Start => "Qalam".to_owned(),
            Mode::Labeling(l) => l.session.window_title(),
            Mode::Review(r) => {
                let star = if r.session.is_dirty() { "*" } else { "" };
                let progress = match r.session.adjudication {
                    Some(_) => format!(" ({})", r.session.progress_text()),
                    None => String::new(),
                };
                format!(
                    "{star}Review: {}{progress} — Qalam",
                    r.session.names.join(", ")
                )
            }
        }
    }

    /// Whether closing the mode would lose work.
    pub fn is_dirty(&self) -> bool {
        match self {
            Mode::Start => false,
            Mode::Labeling(l) => {
                l.session.is_dirty() || l.doc_ui().0.is_some_and(|d| has_unsaved_draft(l, d))
            }
            Mode::Review(r) => r.session.is_dirty(),
        }
    }

    /// Whether `cmd` can run now (menus grey out the others; their keys do nothing).
    pub fn enabled(&self, cmd: UiCommand) -> bool {
        let scope_ok = matches!(
            (cmd.info().scope, self),
            (Scope::Always, _)
                | (Scope::Labeling | Scope::Text, Mode::Labeling(_))
                | (Scope::Review, Mode::Review(_))
        );
        if !scope_ok {
            return false;
        }
        match (cmd, self) {
            (
                UiCommand::Save
                | UiCommand::Undo
                | UiCommand::Redo
                | UiCommand::NextDocument
                | UiCommand::PreviousDocument
                | UiCommand::ShowGuidelines,
                Mode::Start,
            ) => false,
            (UiCommand::Undo, Mode::Labeling(l)) => l.session.history.can_undo(),
            (UiCommand::Redo, Mode::Labeling(l)) => l.session.history.can_redo(),
            (
                UiCommand::ReviewLeftEdgeLeft
                | UiCommand::ReviewLeftEdgeRight
                | UiCommand::ReviewRightEdgeLeft
                | UiCommand::ReviewRightEdgeRight,
                Mode::Review(r),
            ) => r.edited_span().is_some(),
            (UiCommand::Undo, Mode::Review(r)) => r.session.history.can_undo(),
            (UiCommand::Redo, Mode::Review(r)) => r.session.history.can_redo(),
            (UiCommand::DismissStale, Mode::Review(r)) => !r.session.stale.is_empty(),
            (
                UiCommand::LeftEdgeLeft
                | UiCommand::LeftEdgeRight
                | UiCommand::RightEdgeLeft
                | UiCommand::RightEdgeRight,
                Mode::Labeling(l),
            ) => l.doc_ui().selected_span().is_some(),
            (UiCommand::ConfirmLink, Mode::Labeling(l)) => {
                l.doc_ui().linking().is_some() || !l.suggestions().is_empty()
            }
            (c, Mode::Review(r)) if c.kept_file().is_some() => {
                c.kept_file().is_some_and(|k| k < r.session.paths.len())
            }
            _ => true,
        }
    }
}

/// Whether a note typed in the shown document differs from its span's note.
fn has_unsaved_draft(l: &Labeling, d: &crate::ui::labeling::DocUi) -> bool {
    let doc = l.project().documents.get(l.current());
    d.note_drafts.iter().any(|(id, text)| {
        doc.and_then(|d| d.span(*id))
            .is_some_and(|s| s.note.as_deref().unwrap_or("") != text)
    })
}

/// State that lives only while the app runs.
struct Runtime {
    mode: Mode,
    dialog: Option<Dialog>,
    /// One line, never wrapped, so the layout above it never changes height.
    status: String,
    /// Set when the user confirmed quitting, so the close request is let through.
    allow_close: bool,
    last_title: String,
    /// Fonts, layouts and the glyph atlas for all document text.
    engine: TextEngine,
    /// An export running in the background.
    export: Option<export::ExportJob>,
    /// What to do once the save running in the background has succeeded.
    after_save: Option<Pending>,
    /// A review waiting for the answer to its recovery question: files, adjudication file
    /// asked for, and the file the recovery copy belongs to.
    pending_review: Option<(Vec<PathBuf>, Option<PathBuf>, PathBuf)>,
    /// `qalam review --map`: names renamed in every reviewed file before comparing.
    review_map: Vec<(String, String)>,
    /// The Guidelines panel (F2), in labeling and in review alike.
    guidelines: crate::ui::guidelines::GuidelinesUi,
}

/// The Qalam application.
pub struct QalamApp {
    state: Persisted,
    rt: Runtime,
}

/// Shown when the file dialog returned nothing.
const NO_DIALOG_HINT: &str = "No file chosen. Without a desktop file dialog: File > Open path… (Ctrl+L), drop a file on the window, or Open recent.";

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
                mode: Mode::Start,
                dialog: None,
                status: String::new(),
                allow_close: false,
                last_title: String::new(),
                engine: TextEngine::new(),
                export: None,
                after_save: None,
                pending_review: None,
                review_map: startup.review_map.clone(),
                guidelines: Default::default(),
            },
        };
        app.apply_theme(&cc.egui_ctx);
        match startup.path {
            _ if !startup.review.is_empty() => {
                app.open_review_at(&startup.review, startup.review_out.as_deref())
            }
            Some(p) => app.open_file(&p),
            None => app.open_seed_project(startup.root.as_deref()),
        }
        app
    }

    /// The mode the window is in.
    pub fn mode(&self) -> &Mode {
        &self.rt.mode
    }

    /// The labeling mode's state, when labeling.
    pub fn labeling(&self) -> Option<&Labeling> {
        match &self.rt.mode {
            Mode::Labeling(l) => Some(l),
            _ => None,
        }
    }

    fn labeling_mut(&mut self) -> Option<&mut Labeling> {
        match &mut self.rt.mode {
            Mode::Labeling(l) => Some(l),
            _ => None,
        }
    }

    /// The open project's session, when labeling.
    pub fn session(&self) -> Option<&Session> {
        self.labeling().map(|l| &l.session)
    }

    /// The review mode's state, when reviewing.
    pub fn review_mode(&self) -> Option<&Review> {
        match &self.rt.mode {
            Mode::Review(r) => Some(r),
            _ => None,
        }
    }

    /// The review session, when reviewing.
    pub fn review(&self) -> Option<&crate::review::session::ReviewSession> {
        self.review_mode().map(|r| &r.session)
    }

    /// The difference shown in review mode (index into the adjudication's differences).
    pub fn review_difference(&self) -> Option<usize> {
        self.review_mode()?.doc_ui()?.difference
    }

    fn review_mut(&mut self) -> Option<&mut Review> {
        match &mut self.rt.mode {
            Mode::Review(r) => Some(r),
            _ => None,
        }
    }

    /// Whether the Guidelines panel (F2) is shown.
    pub fn guidelines_open(&self) -> bool {
        self.rt.guidelines.open
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

    /// Whether a save (of the project, or of the review) is running or waiting to run in the
    /// background.
    pub fn is_saving(&self) -> bool {
        self.session().is_some_and(Session::is_saving)
            || self
                .review()
                .is_some_and(crate::review::session::ReviewSession::is_saving)
    }

    /// The window title currently requested.
    pub fn title(&self) -> &str {
        &self.rt.last_title
    }

    /// Replaces the shown document's text selection (code points), as a drag would.
    pub fn set_text_selection(&mut self, range: Option<std::ops::Range<usize>>) {
        if let Some(l) = self.labeling_mut() {
            l.doc_ui_mut().view.set_selection(range);
        }
    }

    /// The shown document's text selection, in code points.
    pub fn text_selection(&self) -> Option<std::ops::Range<usize>> {
        self.labeling().and_then(|l| l.doc_ui().view().selection())
    }

    /// Carries out a labeling intent, as a view would (no-op outside labeling).
    pub fn apply_intent(&mut self, intent: crate::ui::labeling::Intent) {
        if let Some(said) = self.labeling_mut().and_then(|l| l.apply(intent)) {
            self.rt.status = said;
        }
    }

    /// Carries out a review intent, as a review view would (no-op outside review).
    pub fn apply_review_intent(&mut self, intent: crate::ui::review::ReviewIntent) {
        if let Some(said) = self.review_mut().and_then(|r| r.apply(intent)) {
            self.rt.status = said;
        }
    }

    /// Undoes the last change (as Ctrl+Z does).
    pub fn undo(&mut self, ctx: &egui::Context) {
        self.run_command(ctx, UiCommand::Undo);
    }

    /// Screen rectangles (as drawn last frame) of a code-point range of the shown document,
    /// one per visual piece: where a pointer must go to touch those characters.
    pub fn range_rects(&mut self, range: std::ops::Range<usize>) -> Vec<egui::Rect> {
        let engine = &mut self.rt.engine;
        match &mut self.rt.mode {
            Mode::Labeling(l) => {
                let (project, current, _, doc, _) = l.frame_parts();
                let Some(d) = project.documents.get(current) else {
                    return Vec::new();
                };
                doc.view.range_rects(engine, d.text(), range)
            }
            Mode::Review(r) => {
                let (session, doc) = r.frame_parts();
                let Some(text) = session.text(session.current) else {
                    return Vec::new();
                };
                doc.view.range_rects(engine, text, range)
            }
            Mode::Start => Vec::new(),
        }
    }

    fn apply_theme(&self, ctx: &egui::Context) {
        ctx.set_theme(if self.state.dark {
            egui::Theme::Dark
        } else {
            egui::Theme::Light
        });
    }

    fn show_error(&mut self, title: &str, err: &dyn std::fmt::Display) {
        let lines: Vec<String> = err.to_string().lines().map(str::to_owned).collect();
        self.rt.status = format!("{title}: {}", lines.first().map_or("", String::as_str));
        self.rt.dialog = Some(Dialog::Message {
            title: title.to_owned(),
            lines,
        });
    }

    /// Runs one command from a menu or shortcut.
    pub fn run_command(&mut self, ctx: &egui::Context, cmd: UiCommand) {
        if !self.rt.mode.enabled(cmd) {
            return;
        }
        match cmd {
            UiCommand::Open => self.guarded(ctx, Pending::OpenDialog),
            UiCommand::OpenPath => self.guarded(ctx, Pending::OpenPathPrompt),
            UiCommand::OpenForReview => self.guarded(ctx, Pending::ReviewDialog),
            UiCommand::Save => self.save_current(),
            UiCommand::SaveAs => self.save_as(None),
            UiCommand::Quit => self.guarded(ctx, Pending::Quit),
            UiCommand::ZoomIn => {
                self.state.font_size = (self.state.font_size + 2.0).min(*FONT_SIZE_RANGE.end())
            }
            UiCommand::ZoomOut => {
                self.state.font_size = (self.state.font_size - 2.0).max(*FONT_SIZE_RANGE.start())
            }
            UiCommand::ZoomReset => self.state.font_size = DEFAULT_FONT_SIZE,
            UiCommand::ToggleTheme => {
                self.state.dark = !self.state.dark;
                self.apply_theme(ctx);
            }
            UiCommand::ShowShortcuts => self.rt.dialog = Some(Dialog::Shortcuts),
            UiCommand::ShowGuidelines => self.rt.guidelines.open = !self.rt.guidelines.open,
            UiCommand::ToggleSuggestions => {
                self.state.show_suggestions = !self.state.show_suggestions;
                let show = self.state.show_suggestions;
                if let Some(l) = self.labeling_mut() {
                    l.suggest.show = show;
                    l.refresh_suggestions(Some(ctx.clone()));
                }
                self.rt.status = if show {
                    "Suggestions shown"
                } else {
                    "Suggestions hidden"
                }
                .to_owned();
            }
            UiCommand::FocusPanels => {
                if let Some(l) = self.labeling_mut() {
                    l.ui.focus_panels = true;
                    crate::ui::focus_panels(ctx, l.ui.doc_view_id, l.ui.first_control);
                    self.rt.status = "Keyboard in the panels: Tab between controls, Space to press, Esc back to the text".to_owned();
                }
            }
            // Esc from the panels brings the keyboard back to the text.
            UiCommand::ClearSelection if self.labeling().is_some_and(|l| l.ui.focus_panels) => {
                if let Some(l) = self.labeling_mut() {
                    l.ui.focus_panels = false;
                    if let Some(id) = l.ui.doc_view_id {
                        ctx.memory_mut(|m| m.request_focus(id));
                    }
                }
            }
            UiCommand::SaveGold => self.save_gold_with_dialog(),
            _ => self.mode_command(cmd),
        }
    }

    /// A command that the current mode carries out itself.
    fn mode_command(&mut self, cmd: UiCommand) {
        match &mut self.rt.mode {
            Mode::Start => {}
            Mode::Labeling(l) => {
                if let Some(said) = l.command(cmd) {
                    self.rt.status = said;
                }
            }
            Mode::Review(r) => match r.command(cmd) {
                ReviewOutcome::Say(s) => self.rt.status = s,
                ReviewOutcome::Table { title, text } => {
                    self.rt.dialog = Some(Dialog::Table {
                        title: title.to_owned(),
                        text,
                    });
                }
                ReviewOutcome::AskGoldPath(_) | ReviewOutcome::Nothing => {}
            },
        }
    }

    fn menu_intent(&mut self, ctx: &egui::Context, intent: MenuIntent) {
        match intent {
            MenuIntent::Command(c) => self.run_command(ctx, c),
            MenuIntent::OpenRecent(p) => self.guarded(ctx, Pending::OpenFile(p)),
            MenuIntent::ExportAs(f) => self.export_with_dialog(ctx, f),
        }
    }

    /// This frame's keys: commands of the table (those the mode allows), then the schema's
    /// label and link keys when the keyboard is in the document text.
    fn keyboard(&mut self, ctx: &egui::Context) -> Vec<KeyAction> {
        let (view_id, panels) = match &mut self.rt.mode {
            Mode::Labeling(l) => (l.ui.doc_view_id, Some(&mut l.ui.focus_panels)),
            Mode::Review(r) => (r.view_id, None),
            Mode::Start => (None, None),
        };
        let mut no_panels = false;
        let kb = crate::ui::keyboard(ctx, view_id, panels.unwrap_or(&mut no_panels));
        let mode = &self.rt.mode;
        let cmds = UiCommand::pressed(ctx, kb.typing, |c| {
            mode.enabled(c) && (c.info().scope != Scope::Text || kb.in_text)
        });
        let mut out: Vec<KeyAction> = cmds.into_iter().map(KeyAction::Command).collect();
        if let Mode::Labeling(l) = mode
            && !kb.typing
        {
            out.extend(
                crate::ui::labeling::schema_keys(ctx, &l.project().schema)
                    .into_iter()
                    .map(KeyAction::Label),
            );
        }
        out
    }

    fn update_title(&mut self, ctx: &egui::Context) {
        let title = self.rt.mode.title();
        if title != self.rt.last_title {
            ctx.send_viewport_cmd(egui::ViewportCommand::Title(title.clone()));
            self.rt.last_title = title;
        }
    }

    /// Lays out this frame's views for the mode and applies what they asked for.
    fn frame(&mut self, ui: &mut egui::Ui, ctx: &egui::Context, keys: Vec<KeyAction>) {
        let now = ctx.input(|i| i.time);
        let progress = self.export_progress(now);
        self.corpus_refresh(ctx);
        let show_suggestions = self.state.show_suggestions;
        let mut status = std::borrow::Cow::Borrowed(self.rt.status.as_str());
        if let Mode::Labeling(l) = &mut self.rt.mode {
            l.suggest.show = show_suggestions;
            l.refresh_suggestions(Some(ctx.clone()));
            let n = l.suggestions().len();
            if show_suggestions && n > 0 {
                let s = if n == 1 { "" } else { "s" };
                status = format!("{n} suggestion{s} · {}", self.rt.status).into();
            }
        }
        let mode = &self.rt.mode;
        let menu = MenuState {
            recent: &self.state.recent,
            enabled: &|c| mode.enabled(c),
            can_export: matches!(mode, Mode::Labeling(_)),
        };
        let menu_intents = crate::ui::chrome(ui, &mut self.rt.engine, &menu, &status, progress);
        let engine = &mut self.rt.engine;
        let font_size = self.state.font_size;
        let mut label_intents = Vec::new();
        let mut review_intents = Vec::new();
        let mut corpus_intents = Vec::new();
        let mut schema_intents = Vec::new();
        let mut guideline_intents = Vec::new();
        match &mut self.rt.mode {
            Mode::Start => crate::ui::empty_frame(ui),
            Mode::Labeling(l) => {
                let suggestions = l.suggestions();
                let (project, current, history_state, doc, shared) = l.frame_parts();
                let f = crate::ui::LabelingFrame {
                    project,
                    current,
                    history_state,
                    doc,
                    shared,
                    font_size,
                    suggestions: &suggestions,
                };
                label_intents = crate::ui::labeling_frame(ui, engine, f);
                let (search, results) = l.corpus.parts();
                corpus_intents = crate::ui::corpus_search::window(
                    ctx,
                    engine,
                    &l.session.project,
                    search,
                    &results,
                );
                if l.ui.schema_editor.open {
                    let counts = l.use_counts().clone();
                    schema_intents = crate::ui::schema_editor::window(
                        ctx,
                        engine,
                        &l.session.project,
                        &counts,
                        &mut l.ui.schema_editor,
                    );
                }
            }
            Mode::Review(r) => {
                let (session, doc) = r.frame_parts();
                let (intents, view) = crate::ui::review_frame(ui, engine, session, doc, font_size);
                review_intents = intents;
                r.view_id = view;
            }
        }
        // The guidelines of the project labelled, or of the files reviewed (their schemas
        // agree once --map has renamed).
        let shown_project = match &self.rt.mode {
            Mode::Labeling(l) => Some(&l.session.project),
            Mode::Review(r) => r.session.projects.first(),
            Mode::Start => None,
        };
        if let Some(p) = shown_project {
            guideline_intents =
                crate::ui::guidelines::window(ctx, &mut self.rt.engine, p, &self.rt.guidelines);
        }
        if let Some(dialog) = self.rt.dialog.as_mut() {
            let schema = match &self.rt.mode {
                Mode::Labeling(l) => Some(&l.session.project.schema),
                _ => None,
            };
            if let Some(outcome) = crate::ui::dialogs::show(ctx, dialog, schema) {
                self.rt.dialog = None;
                self.dialog_outcome(ctx, outcome);
            }
        }
        for k in keys {
            match k {
                KeyAction::Command(c) => self.run_command(ctx, c),
                KeyAction::Label(i) => label_intents.push(i),
            }
        }
        for m in menu_intents {
            self.menu_intent(ctx, m);
        }
        for i in label_intents {
            self.apply_intent(i);
        }
        for i in corpus_intents {
            self.corpus_intent(ctx, i);
        }
        if let Mode::Labeling(l) = &mut self.rt.mode {
            for i in schema_intents {
                if let Some(said) = l.schema_intent(i) {
                    self.rt.status = said;
                }
            }
        }
        for i in guideline_intents {
            match i {
                crate::ui::guidelines::GuidelinesIntent::Close => self.rt.guidelines.open = false,
            }
        }
        for i in review_intents {
            if let Some(said) = self.review_mut().and_then(|r| r.apply(i)) {
                self.rt.status = said;
            }
        }
        // Suggestions follow this frame's edits before the next frame draws them.
        if let Mode::Labeling(l) = &mut self.rt.mode {
            l.refresh_suggestions(None);
        }
    }
}

/// A key press that means something to the app.
enum KeyAction {
    /// A command of the table.
    Command(UiCommand),
    /// A label or link key of the schema.
    Label(crate::ui::labeling::Intent),
}

impl eframe::App for QalamApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        let ctx = ui.ctx().clone();
        if ctx.input(|i| i.viewport().close_requested())
            && !self.rt.allow_close
            && self.rt.mode.is_dirty()
        {
            ctx.send_viewport_cmd(egui::ViewportCommand::CancelClose);
            self.rt.dialog = Some(Dialog::Unsaved {
                then: Pending::Quit,
            });
        }
        let dropped: Vec<PathBuf> = ctx.input(|i| {
            i.raw
                .dropped_files
                .iter()
                .map(|f| f.path().to_path_buf())
                .collect()
        });
        if let Some(p) = dropped.into_iter().next() {
            self.guarded(&ctx, Pending::OpenFile(p));
        }
        let keys = if self.rt.dialog.is_none() {
            self.keyboard(&ctx)
        } else {
            Vec::new()
        };
        self.frame(ui, &ctx, keys);
        self.poll_export(&ctx);
        self.background_writes(&ctx);
        self.update_title(&ctx);
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        eframe::set_value(storage, STORAGE_KEY, &self.state);
    }
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
