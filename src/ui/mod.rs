//! The egui views. They read state and return intents; they never change a project or a
//! review themselves (the app applies intents through the one edit path).
//!
//! - [`commands`]: the command table (titles, shortcuts, menus, scopes) and key dispatch;
//! - [`menu`], [`status`], [`dialogs`]: the window's chrome;
//! - [`labeling`], [`details`], [`documents`]: the labeling mode's views and per-document state;
//! - [`corpus_search`]: the "Search all documents" window;
//! - [`guidelines`]: the Guidelines panel (F2) and one label's guideline for the details panel;
//! - [`schema_editor`]: Project → Labels…, the schema as rows of fields;
//! - [`marked`]: a bidi text with one part shaded (search snippets, guideline examples);
//! - [`names`]: label and relation type names as buttons and labels, Arabic ones by the
//!   bidi engine;
//! - [`review`]: the review mode's views and per-document state.
//!
//! The functions below lay out a whole frame of each mode.

pub mod commands;
pub mod corpus_search;
pub mod details;
pub mod dialogs;
pub mod documents;
pub mod guidelines;
pub mod labeling;
pub mod marked;
pub mod menu;
pub mod names;
pub mod review;
pub mod schema_editor;
pub mod status;

use crate::model::Project;
use crate::review::session::ReviewSession;
use crate::text::TextEngine;

/// Where the keyboard is this frame.
#[derive(Clone, Copy, Debug, Default)]
pub struct Keyboard {
    /// A text field has focus: plain keys are typing.
    pub typing: bool,
    /// The document text has the keyboard (not the panels).
    pub in_text: bool,
}

/// Works out where keys go, and gives the document view (`text_view`, last frame's id) the
/// keyboard back when nothing else has it, unless the user moved it to the panels (F6;
/// `focus_panels` is cleared once the text has focus again).
pub fn keyboard(
    ctx: &egui::Context,
    text_view: Option<egui::Id>,
    focus_panels: &mut bool,
) -> Keyboard {
    let focused = ctx.memory(|m| m.focused());
    // Only a text field owns plain keys; a focused button does not.
    let typing = focused.is_some_and(|id| {
        Some(id) != text_view && egui::text_edit::TextEditState::load(ctx, id).is_some()
    });
    let in_text = focused.is_some() && focused == text_view;
    if in_text {
        *focus_panels = false;
    }
    if focused.is_none()
        && !*focus_panels
        && let Some(id) = text_view
    {
        ctx.memory_mut(|m| m.request_focus(id));
    }
    Keyboard {
        typing,
        in_text: in_text || (focused.is_none() && !*focus_panels),
    }
}

/// Moves the keyboard from the text to the panels: `first` (the details panel's first
/// control) or the next focusable widget.
pub fn focus_panels(ctx: &egui::Context, text_view: Option<egui::Id>, first: Option<egui::Id>) {
    ctx.memory_mut(|m| {
        if let Some(id) = text_view {
            m.surrender_focus(id);
        }
        match first {
            Some(first) => m.request_focus(first),
            None => m.move_focus(egui::FocusDirection::Next),
        }
    });
}

/// The menu bar on top and the status bar at the bottom (fixed heights: nothing may move the
/// text during a drag).
pub fn chrome(
    ui: &mut egui::Ui,
    engine: &mut TextEngine,
    menu: &menu::MenuState<'_>,
    status: &str,
    progress: Option<(usize, usize)>,
) -> Vec<menu::MenuIntent> {
    let mut out = Vec::new();
    egui::Panel::top("menu_bar").show(ui, |ui| out = menu::menu_bar(ui, menu));
    egui::Panel::bottom("status_bar")
        .exact_size(24.0)
        .show(ui, |ui| status::status_bar(ui, engine, status, progress));
    out
}

/// What a labeling frame shows.
pub struct LabelingFrame<'a> {
    /// The project.
    pub project: &'a Project,
    /// Index of the shown document.
    pub current: usize,
    /// Identity of the project's contents (changes with every edit, undo and redo).
    pub history_state: u64,
    /// The shown document's labeling state.
    pub doc: &'a mut labeling::DocUi,
    /// State shared by all documents.
    pub shared: &'a mut labeling::LabelingUi,
    /// Document text size in points.
    pub font_size: f32,
    /// The shown document's suggestions, in text order.
    pub suggestions: &'a std::sync::Arc<Vec<crate::model::proposed::ShownSuggestion>>,
}

/// A labeling frame: label and search bars, document list, details and annotation list, and
/// the document itself.
pub fn labeling_frame(
    ui: &mut egui::Ui,
    engine: &mut TextEngine,
    f: LabelingFrame<'_>,
) -> Vec<labeling::Intent> {
    let LabelingFrame {
        project,
        current,
        history_state,
        doc,
        shared,
        font_size,
        suggestions,
    } = f;
    let mut out = Vec::new();
    egui::Panel::top("tools").exact_size(64.0).show(ui, |ui| {
        out.extend(labeling::label_bar(
            ui,
            engine,
            project,
            doc,
            &mut shared.hovered_label,
        ));
        out.extend(labeling::search_bar(
            ui,
            engine,
            project,
            current,
            &mut shared.search,
            &mut doc.search,
        ));
    });
    egui::Panel::left("documents")
        .default_size(220.0)
        .show(ui, |ui| {
            out.extend(documents::document_list(
                ui,
                engine,
                project,
                current,
                &mut shared.list,
            ))
        });
    egui::Panel::right("annotations")
        .default_size(320.0)
        .show(ui, |ui| {
            let Some(d) = project.documents.get(current) else {
                return;
            };
            let details_height = (ui.available_height() * 0.45).max(160.0);
            egui::ScrollArea::vertical()
                .id_salt("details")
                .max_height(details_height)
                .auto_shrink([false, true])
                .show(ui, |ui| {
                    out.extend(details::details_panel(ui, engine, project, d, doc, shared));
                });
            ui.separator();
            out.extend(details::annotation_list(
                ui,
                engine,
                project,
                (d, (current, history_state)),
                doc,
                shared,
            ));
        });
    egui::CentralPanel::default().show(ui, |ui| {
        out.extend(labeling::document_area(
            ui,
            engine,
            project,
            current,
            history_state,
            doc,
            shared,
            font_size,
            suggestions,
        ));
    });
    out
}

/// A review frame: legend and verdicts, document list, comments and differences, and the
/// comparison view. Also returns the comparison view's widget id.
pub fn review_frame(
    ui: &mut egui::Ui,
    engine: &mut TextEngine,
    session: &ReviewSession,
    doc: &mut review::ReviewDocUi,
    font_size: f32,
) -> (Vec<review::ReviewIntent>, Option<egui::Id>) {
    let mut out = Vec::new();
    egui::Panel::top("tools")
        .exact_size(64.0)
        .show(ui, |ui| out.extend(review::review_bar(ui, session)));
    egui::Panel::left("review_documents")
        .default_size(220.0)
        .show(ui, |ui| {
            out.extend(review::review_documents(ui, engine, session))
        });
    egui::Panel::right("differences")
        .default_size(340.0)
        .show(ui, |ui| {
            out.extend(review::review_side(ui, engine, session, doc))
        });
    let mut view = None;
    egui::CentralPanel::default().show(ui, |ui| {
        view = review::review_central(ui, engine, session, doc, font_size)
    });
    (out, view)
}

/// The window with nothing open.
pub fn empty_frame(ui: &mut egui::Ui) {
    egui::CentralPanel::default().show(ui, |ui| {
        ui.label("No project open. File > Open…, File > Open path… (Ctrl+L), Open recent, or drop a file here.");
    });
}
