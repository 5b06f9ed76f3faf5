//! The menu bar: every command of the table in its menu (enabled as the mode says), plus
//! Open recent and Export as.

use std::path::PathBuf;

use clap::ValueEnum;
use strum::IntoEnumIterator;

use super::commands::{Menu, UiCommand};
use crate::export::ExportFormat;

/// What the user picked in the menu bar.
#[derive(Clone, Debug, PartialEq)]
pub enum MenuIntent {
    /// A command of the table.
    Command(UiCommand),
    /// A file from Open recent.
    OpenRecent(PathBuf),
    /// Export as this format.
    ExportAs(ExportFormat),
}

/// What the menu bar needs to know.
pub struct MenuState<'a> {
    /// Recently opened files, newest first.
    pub recent: &'a [PathBuf],
    /// Whether a command can run now.
    pub enabled: &'a dyn Fn(UiCommand) -> bool,
    /// Whether there is a project to export.
    pub can_export: bool,
}

/// A menu button for `cmd` showing its shortcut; true when clicked.
fn menu_item(ui: &mut egui::Ui, cmd: UiCommand, enabled: bool) -> bool {
    let mut button = egui::Button::new(cmd.title());
    if let Some(s) = cmd.shortcut() {
        button = button.shortcut_text(ui.ctx().format_shortcut(&s));
    }
    ui.add_enabled(enabled, button).clicked()
}

/// The menu bar.
pub fn menu_bar(ui: &mut egui::Ui, state: &MenuState<'_>) -> Vec<MenuIntent> {
    let mut out = Vec::new();
    egui::MenuBar::new().ui(ui, |ui| {
        for menu in Menu::iter() {
            ui.menu_button(menu.title(), |ui| {
                for c in UiCommand::all().filter(|c| c.info().menu == Some(menu)) {
                    if menu_item(ui, c, (state.enabled)(c)) {
                        out.push(MenuIntent::Command(c));
                    }
                }
                if menu == Menu::File {
                    ui.separator();
                    ui.menu_button("Open recent", |ui| {
                        if state.recent.is_empty() {
                            ui.label("No recent files");
                        }
                        for p in state.recent {
                            if ui.button(p.display().to_string()).clicked() {
                                out.push(MenuIntent::OpenRecent(p.clone()));
                            }
                        }
                    });
                    ui.menu_button("Export as", |ui| {
                        for f in ExportFormat::value_variants() {
                            if ui
                                .add_enabled(state.can_export, egui::Button::new(f.name()))
                                .clicked()
                            {
                                out.push(MenuIntent::ExportAs(*f));
                            }
                        }
                    });
                }
            });
        }
    });
    out
}
