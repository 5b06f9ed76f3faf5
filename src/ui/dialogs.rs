//! Modal dialogs: the unsaved-changes guard, recovery, changed-on-disk, the one path prompt,
//! messages, tables and the shortcut sheet. [`show`] draws the dialog and returns what the
//! user chose as a [`DialogOutcome`]; the app carries it out.

use std::path::PathBuf;

use super::commands::UiCommand;
use crate::export::ExportFormat;
use crate::model::Schema;

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

/// What a typed path is for.
#[derive(Clone, Debug, PartialEq)]
pub enum PromptPurpose {
    /// Open a project or text file.
    Open,
    /// Save the project there, then do `then`.
    SaveAs {
        /// What to do after a successful save.
        then: Option<Pending>,
    },
    /// Review these project files (separated by `;`).
    Review,
    /// Write the gold copy there.
    Gold,
    /// Export in this format (a folder for brat).
    Export(ExportFormat),
}

impl PromptPurpose {
    /// Heading, the prompt's label (also its accessible name) and the confirm button.
    fn texts(&self) -> (&'static str, &'static str, &'static str) {
        match self {
            PromptPurpose::Open => ("Open path", "Path of a .ron project or .txt file:", "Open"),
            PromptPurpose::SaveAs { .. } => ("Save as", "Path of the .ron file to write:", "Save"),
            PromptPurpose::Review => (
                "Open for review",
                "Project files to review, separated by ';':",
                "Review",
            ),
            PromptPurpose::Gold => (
                "Save gold copy",
                "Path of the gold .ron file to write:",
                "Save gold",
            ),
            PromptPurpose::Export(ExportFormat::Brat) => {
                ("Export", "Folder to write the brat files into:", "Export")
            }
            PromptPurpose::Export(_) => ("Export", "Path of the file to write:", "Export"),
        }
    }
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
    /// Type a path, for `purpose`.
    Prompt {
        /// What the path is for.
        purpose: PromptPurpose,
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
    /// Mark every hit of a corpus search, across several documents?
    MarkCorpusHits {
        /// The label to give them.
        label: String,
        /// How many spans that adds.
        spans: usize,
        /// In how many documents.
        documents: usize,
        /// The search the hits come from.
        generation: u64,
    },
}

impl Dialog {
    /// The path prompt for `purpose`, empty or with a suggestion.
    pub fn prompt(purpose: PromptPurpose, input: impl Into<String>) -> Self {
        Dialog::Prompt {
            purpose,
            input: input.into(),
        }
    }
}

/// What the user chose in a dialog.
#[derive(Clone, Debug, PartialEq)]
pub enum DialogOutcome {
    /// Closed with nothing to do (Cancel, OK, Esc).
    Closed,
    /// Save, then do this.
    SaveThen(Pending),
    /// Do this without saving.
    DiscardThen(Pending),
    /// Open the recovery copy of this project instead of the file.
    RestoreRecovery(PathBuf),
    /// Open the saved file, ignoring the recovery copy.
    OpenSaved(PathBuf),
    /// Save over the changed file, then do `then`.
    Overwrite {
        /// The file.
        path: PathBuf,
        /// What to do after.
        then: Option<Pending>,
    },
    /// A path was typed and confirmed.
    Path {
        /// What it is for.
        purpose: PromptPurpose,
        /// The text, trimmed and not empty.
        text: String,
    },
    /// Mark every hit of corpus search `generation` as `label`.
    MarkCorpusHits {
        /// The label.
        label: String,
        /// The search the hits come from.
        generation: u64,
    },
}

/// Draws `dialog` as a modal window; returns the user's choice once they made one. Typing in
/// the prompt edits `dialog` in place.
pub fn show(
    ctx: &egui::Context,
    dialog: &mut Dialog,
    schema: Option<&Schema>,
) -> Option<DialogOutcome> {
    let mut outcome = None;
    egui::Modal::new(egui::Id::unique("qalam_dialog")).show(ctx, |ui| {
        ui.set_max_width(520.0);
        outcome = body(ui, dialog, schema);
    });
    // Escape closes every dialog but the recovery question, which needs an answer.
    if outcome.is_none()
        && !matches!(dialog, Dialog::Recover { .. })
        && ctx.input(|i| i.key_pressed(egui::Key::Escape))
    {
        outcome = Some(DialogOutcome::Closed);
    }
    outcome
}

fn body(ui: &mut egui::Ui, dialog: &mut Dialog, schema: Option<&Schema>) -> Option<DialogOutcome> {
    let mut out = None;
    match dialog {
        Dialog::Unsaved { then } => {
            ui.heading("Unsaved changes");
            ui.label("There are changes that are not saved.");
            ui.horizontal(|ui| {
                if ui.button("Save").clicked() {
                    out = Some(DialogOutcome::SaveThen(then.clone()));
                }
                if ui.button("Don't save").clicked() {
                    out = Some(DialogOutcome::DiscardThen(then.clone()));
                }
                if ui.button("Cancel").clicked() {
                    out = Some(DialogOutcome::Closed);
                }
            });
        }
        Dialog::Recover { path } => {
            ui.heading("Recovered changes");
            ui.label(format!(
                "{} has a newer recovery copy with changes that were never saved.",
                path.display()
            ));
            ui.horizontal(|ui| {
                if ui.button("Restore recovered changes").clicked() {
                    out = Some(DialogOutcome::RestoreRecovery(path.clone()));
                }
                if ui.button("Open the saved file").clicked() {
                    out = Some(DialogOutcome::OpenSaved(path.clone()));
                }
            });
        }
        Dialog::ChangedOnDisk { path, then } => {
            ui.heading("Replace the file?");
            ui.label(format!(
                "{} exists and is not the file as this window last saw it (another program may have changed it). Overwrite it?",
                path.display()
            ));
            ui.horizontal(|ui| {
                if ui.button("Overwrite").clicked() {
                    out = Some(DialogOutcome::Overwrite {
                        path: path.clone(),
                        then: then.clone(),
                    });
                }
                if ui.button("Cancel").clicked() {
                    out = Some(DialogOutcome::Closed);
                }
            });
        }
        Dialog::Prompt { purpose, input } => {
            let (heading, prompt, action) = purpose.texts();
            ui.heading(heading);
            let prompt = ui.label(prompt);
            let r = ui
                .add(
                    egui::TextEdit::singleline(input)
                        .desired_width(480.0)
                        .hint_text("/path/to/file.ron"),
                )
                .labelled_by(prompt.id);
            if !r.has_focus() && input.is_empty() {
                r.request_focus();
            }
            let mut go = r.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
            ui.horizontal(|ui| {
                go |= ui.button(action).clicked();
                if ui.button("Cancel").clicked() {
                    out = Some(DialogOutcome::Closed);
                }
            });
            if go && !input.trim().is_empty() {
                out = Some(DialogOutcome::Path {
                    purpose: purpose.clone(),
                    text: input.trim().to_owned(),
                });
            }
        }
        Dialog::Message { title, lines } => {
            ui.heading(title.as_str());
            egui::ScrollArea::vertical()
                .max_height(300.0)
                .show(ui, |ui| {
                    for l in lines.iter() {
                        ui.label(l.as_str());
                    }
                });
            if ui.button("OK").clicked() {
                out = Some(DialogOutcome::Closed);
            }
        }
        Dialog::Table { title, text } => {
            ui.heading(title.as_str());
            egui::ScrollArea::both().max_height(500.0).show(ui, |ui| {
                ui.add(egui::Label::new(egui::RichText::new(text.as_str()).monospace()).extend());
            });
            if ui.button("Close").clicked() {
                out = Some(DialogOutcome::Closed);
            }
        }
        Dialog::MarkCorpusHits {
            label,
            spans,
            documents,
            generation,
        } => {
            ui.heading("Mark all hits");
            ui.label(format!(
                "Add {spans} \"{label}\" span(s) in {documents} documents? One undo (Ctrl+Z) removes them all."
            ));
            ui.horizontal(|ui| {
                if ui.button(format!("Mark {spans} hits")).clicked() {
                    out = Some(DialogOutcome::MarkCorpusHits {
                        label: label.clone(),
                        generation: *generation,
                    });
                }
                if ui.button("Cancel").clicked() {
                    out = Some(DialogOutcome::Closed);
                }
            });
        }
        Dialog::Shortcuts => {
            ui.heading("Keyboard shortcuts");
            egui::ScrollArea::vertical()
                .max_height(520.0)
                .show(ui, |ui| shortcut_sheet(ui, schema));
            if ui.button("Close").clicked() {
                out = Some(DialogOutcome::Closed);
            }
        }
    }
    out
}

/// The shortcut sheet: the schema's label and link keys, then every command of the table.
fn shortcut_sheet(ui: &mut egui::Ui, schema: Option<&Schema>) {
    egui::Grid::new("shortcut_sheet")
        .striped(true)
        .show(ui, |ui| {
            if let Some(schema) = schema {
                for l in &schema.span_labels {
                    ui.label(format!(
                        "Label the selection (or relabel the span) \"{}\"",
                        l.name
                    ));
                    ui.label(l.key.to_uppercase());
                    ui.end_row();
                }
                for r in &schema.relation_types {
                    ui.label(format!("Link the selected span: \"{}\"", r.name));
                    ui.label(r.key.to_uppercase());
                    ui.end_row();
                }
            }
            for (what, keys) in [
                ("Select text", "drag, double-click a word, or Shift+arrows"),
                (
                    "Keep exact characters (no word snapping)",
                    "hold Alt while selecting",
                ),
                ("Select a span; click again to cycle stacked spans", "click"),
                (
                    "Move the caret: a page, to the line's start / end, to the text's start / end",
                    "PageUp / PageDown, Home / End, Ctrl+Home / Ctrl+End",
                ),
            ] {
                ui.label(what);
                ui.label(keys);
                ui.end_row();
            }
            for c in UiCommand::all() {
                let keys: Vec<String> = c
                    .info()
                    .shortcuts
                    .iter()
                    .map(|s| ui.ctx().format_shortcut(s))
                    .collect();
                ui.label(c.title());
                ui.label(if keys.is_empty() {
                    "—".to_owned()
                } else {
                    keys.join("  or  ")
                });
                ui.end_row();
            }
        });
}
