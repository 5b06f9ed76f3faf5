//! Every user-facing command in one table: menus, keyboard shortcuts and the help sheet all
//! read it, so a shortcut is defined once.

use egui::{Key, KeyboardShortcut, Modifiers};

/// A command the user can give from a menu or a shortcut.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum UiCommand {
    /// Open a project or text file with the file dialog.
    Open,
    /// Open a file by typing its path (works without a desktop file dialog).
    OpenPath,
    /// Save to the current file.
    Save,
    /// Save to a new file.
    SaveAs,
    /// Quit the application.
    Quit,
    /// Undo the last change.
    Undo,
    /// Redo the last undone change.
    Redo,
    /// Show the next document.
    NextDocument,
    /// Show the previous document.
    PreviousDocument,
    /// Larger document text.
    ZoomIn,
    /// Smaller document text.
    ZoomOut,
    /// Default document text size.
    ZoomReset,
    /// Switch between light and dark theme.
    ToggleTheme,
    /// Show the keyboard shortcut sheet.
    ShowShortcuts,
    /// Focus the search field.
    Find,
    /// Delete the selected relation or span.
    DeleteSelection,
    /// Leave link mode, else clear the selection.
    ClearSelection,
    /// Select the next span (or the next link target while linking).
    NextSpan,
    /// Select the previous span (or link target).
    PreviousSpan,
    /// Link to the proposed target.
    ConfirmLink,
    /// Move the selected span's left edge one character left.
    LeftEdgeLeft,
    /// Move the selected span's left edge one character right.
    LeftEdgeRight,
    /// Move the selected span's right edge one character left.
    RightEdgeLeft,
    /// Move the selected span's right edge one character right.
    RightEdgeRight,
    /// Open project files read-only for review and comparison.
    OpenForReview,
    /// Review: go to the next difference.
    NextDifference,
    /// Review: go to the previous difference.
    PreviousDifference,
    /// Review: keep the first file's reading of this difference.
    PickLeft,
    /// Review: keep the second file's reading of this difference.
    PickRight,
    /// Review: keep every reading of this difference.
    KeepBoth,
    /// Review: keep no reading of this difference.
    DropBoth,
    /// Review: write the adjudicated gold project.
    SaveGold,
    /// Review: show the agreement table.
    ShowAgreement,
    /// Move keyboard focus from the text to the panels' controls (Tab between them, Esc back).
    FocusPanels,
}

/// The command table row: command, menu title and shortcuts (the first is shown in menus).
pub struct CommandInfo {
    /// The command.
    pub command: UiCommand,
    /// Title in menus and the help sheet.
    pub title: &'static str,
    /// Shortcuts that trigger it; the first is displayed.
    pub shortcuts: &'static [KeyboardShortcut],
}

const fn sc(modifiers: Modifiers, key: Key) -> KeyboardShortcut {
    KeyboardShortcut::new(modifiers, key)
}

const CMD_SHIFT: Modifiers = Modifiers {
    alt: false,
    ctrl: false,
    shift: true,
    mac_cmd: false,
    command: true,
};
const NONE: Modifiers = Modifiers::NONE;

/// All commands, in menu order.
pub const COMMANDS: &[CommandInfo] = &[
    // Open for review before Open: Ctrl+O would otherwise also accept Ctrl+Shift+O.
    CommandInfo {
        command: UiCommand::OpenForReview,
        title: "Open for review…",
        shortcuts: &[sc(CMD_SHIFT, Key::O)],
    },
    CommandInfo {
        command: UiCommand::Open,
        title: "Open…",
        shortcuts: &[sc(Modifiers::COMMAND, Key::O)],
    },
    CommandInfo {
        command: UiCommand::OpenPath,
        title: "Open path…",
        shortcuts: &[sc(Modifiers::COMMAND, Key::L)],
    },
    // Save as before Save: Ctrl+S would otherwise also accept Ctrl+Shift+S.
    CommandInfo {
        command: UiCommand::SaveAs,
        title: "Save as…",
        shortcuts: &[sc(CMD_SHIFT, Key::S)],
    },
    CommandInfo {
        command: UiCommand::Save,
        title: "Save",
        shortcuts: &[sc(Modifiers::COMMAND, Key::S)],
    },
    CommandInfo {
        command: UiCommand::Quit,
        title: "Quit",
        shortcuts: &[sc(Modifiers::COMMAND, Key::Q)],
    },
    // Ctrl+Shift+Z must be matched before Ctrl+Z, which would otherwise also accept it.
    CommandInfo {
        command: UiCommand::Redo,
        title: "Redo",
        shortcuts: &[sc(CMD_SHIFT, Key::Z), sc(Modifiers::COMMAND, Key::Y)],
    },
    CommandInfo {
        command: UiCommand::Undo,
        title: "Undo",
        shortcuts: &[sc(Modifiers::COMMAND, Key::Z)],
    },
    CommandInfo {
        command: UiCommand::NextDocument,
        title: "Next document",
        shortcuts: &[sc(Modifiers::COMMAND, Key::PageDown)],
    },
    CommandInfo {
        command: UiCommand::PreviousDocument,
        title: "Previous document",
        shortcuts: &[sc(Modifiers::COMMAND, Key::PageUp)],
    },
    CommandInfo {
        command: UiCommand::ZoomIn,
        title: "Zoom in",
        shortcuts: &[
            sc(Modifiers::COMMAND, Key::Plus),
            sc(Modifiers::COMMAND, Key::Equals),
        ],
    },
    CommandInfo {
        command: UiCommand::ZoomOut,
        title: "Zoom out",
        shortcuts: &[sc(Modifiers::COMMAND, Key::Minus)],
    },
    CommandInfo {
        command: UiCommand::ZoomReset,
        title: "Reset zoom",
        shortcuts: &[sc(Modifiers::COMMAND, Key::Num0)],
    },
    CommandInfo {
        command: UiCommand::ToggleTheme,
        title: "Light/dark theme",
        shortcuts: &[],
    },
    CommandInfo {
        command: UiCommand::ShowShortcuts,
        title: "Keyboard shortcuts",
        shortcuts: &[
            sc(NONE, Key::F1),
            sc(Modifiers::SHIFT, Key::Questionmark),
            sc(NONE, Key::Questionmark),
        ],
    },
    CommandInfo {
        command: UiCommand::Find,
        title: "Find",
        shortcuts: &[sc(Modifiers::COMMAND, Key::F)],
    },
    CommandInfo {
        command: UiCommand::DeleteSelection,
        title: "Delete selected span or relation",
        shortcuts: &[sc(NONE, Key::Delete), sc(NONE, Key::Backspace)],
    },
    CommandInfo {
        command: UiCommand::ClearSelection,
        title: "Cancel linking / clear selection",
        shortcuts: &[sc(NONE, Key::Escape)],
    },
    // Shift+Tab before Tab: a plain Tab shortcut also accepts Shift.
    CommandInfo {
        command: UiCommand::PreviousSpan,
        title: "Previous span (or link target)",
        shortcuts: &[sc(Modifiers::SHIFT, Key::Tab)],
    },
    CommandInfo {
        command: UiCommand::NextSpan,
        title: "Next span (or link target)",
        shortcuts: &[sc(NONE, Key::Tab)],
    },
    CommandInfo {
        command: UiCommand::ConfirmLink,
        title: "Link to the proposed target",
        shortcuts: &[sc(NONE, Key::Enter)],
    },
    CommandInfo {
        command: UiCommand::LeftEdgeLeft,
        title: "Span: left edge one character left",
        shortcuts: &[sc(Modifiers::SHIFT, Key::ArrowLeft)],
    },
    CommandInfo {
        command: UiCommand::LeftEdgeRight,
        title: "Span: left edge one character right",
        shortcuts: &[sc(Modifiers::SHIFT, Key::ArrowRight)],
    },
    CommandInfo {
        command: UiCommand::RightEdgeLeft,
        title: "Span: right edge one character left",
        shortcuts: &[sc(Modifiers::ALT, Key::ArrowLeft)],
    },
    CommandInfo {
        command: UiCommand::RightEdgeRight,
        title: "Span: right edge one character right",
        shortcuts: &[sc(Modifiers::ALT, Key::ArrowRight)],
    },
    CommandInfo {
        command: UiCommand::NextDifference,
        title: "Review: next difference",
        shortcuts: &[sc(NONE, Key::N), sc(NONE, Key::J)],
    },
    CommandInfo {
        command: UiCommand::PreviousDifference,
        title: "Review: previous difference",
        shortcuts: &[sc(NONE, Key::P), sc(NONE, Key::K)],
    },
    CommandInfo {
        command: UiCommand::PickLeft,
        title: "Review: keep the first file's reading",
        shortcuts: &[sc(NONE, Key::Num1)],
    },
    CommandInfo {
        command: UiCommand::PickRight,
        title: "Review: keep the second file's reading",
        shortcuts: &[sc(NONE, Key::Num2)],
    },
    CommandInfo {
        command: UiCommand::KeepBoth,
        title: "Review: keep both readings",
        shortcuts: &[sc(NONE, Key::B)],
    },
    CommandInfo {
        command: UiCommand::DropBoth,
        title: "Review: drop both readings",
        shortcuts: &[sc(NONE, Key::D)],
    },
    CommandInfo {
        command: UiCommand::SaveGold,
        title: "Save gold as…",
        shortcuts: &[sc(CMD_SHIFT, Key::G)],
    },
    CommandInfo {
        command: UiCommand::ShowAgreement,
        title: "Agreement…",
        shortcuts: &[sc(CMD_SHIFT, Key::A)],
    },
    CommandInfo {
        command: UiCommand::FocusPanels,
        title: "Keyboard to the panels (Tab between controls, Esc back to the text)",
        shortcuts: &[sc(NONE, Key::F6)],
    },
];

impl UiCommand {
    /// This command's row of the table.
    pub fn info(self) -> &'static CommandInfo {
        // Every variant has a row (checked by a test); the fallback is never reached.
        COMMANDS
            .iter()
            .find(|c| c.command == self)
            .unwrap_or(&COMMANDS[0])
    }

    /// Menu title.
    pub fn title(self) -> &'static str {
        self.info().title
    }

    /// The displayed shortcut, if any.
    pub fn shortcut(self) -> Option<KeyboardShortcut> {
        self.info().shortcuts.first().copied()
    }

    /// Consumes every pressed shortcut of the table from this frame's input, in table order,
    /// for the commands that `enabled` accepts. While a text field has focus
    /// (`typing`), keys without Ctrl/Cmd belong to the field, except F1.
    pub fn from_shortcuts(
        ctx: &egui::Context,
        typing: bool,
        enabled: impl Fn(UiCommand) -> bool,
    ) -> Vec<UiCommand> {
        let mut out = Vec::new();
        ctx.input_mut(|i| {
            for c in COMMANDS {
                if !enabled(c.command) {
                    continue;
                }
                let usable = |s: &&KeyboardShortcut| {
                    !typing || s.modifiers.command || matches!(s.logical_key, Key::F1 | Key::F6)
                };
                if c.shortcuts
                    .iter()
                    .filter(usable)
                    .any(|s| i.consume_shortcut(s))
                {
                    out.push(c.command);
                }
            }
        });
        out
    }
}

/// A menu button for `cmd` showing its shortcut; true when clicked.
pub fn menu_item(ui: &mut egui::Ui, cmd: UiCommand, enabled: bool) -> bool {
    let mut button = egui::Button::new(cmd.title());
    if let Some(s) = cmd.shortcut() {
        button = button.shortcut_text(ui.ctx().format_shortcut(&s));
    }
    ui.add_enabled(enabled, button).clicked()
}

/// The shortcut sheet: the schema's label and link keys, then every command of the table.
pub fn shortcut_sheet(ui: &mut egui::Ui, schema: Option<&crate::model::Schema>) {
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
            ] {
                ui.label(what);
                ui.label(keys);
                ui.end_row();
            }
            for c in COMMANDS {
                ui.label(c.title);
                let keys: Vec<String> = c
                    .shortcuts
                    .iter()
                    .map(|s| ui.ctx().format_shortcut(s))
                    .collect();
                ui.label(if keys.is_empty() {
                    "—".to_owned()
                } else {
                    keys.join("  or  ")
                });
                ui.end_row();
            }
        });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_command_has_a_row_and_no_shortcut_is_used_twice() {
        let all = [
            UiCommand::OpenForReview,
            UiCommand::NextDifference,
            UiCommand::PreviousDifference,
            UiCommand::PickLeft,
            UiCommand::PickRight,
            UiCommand::KeepBoth,
            UiCommand::DropBoth,
            UiCommand::SaveGold,
            UiCommand::ShowAgreement,
            UiCommand::FocusPanels,
            UiCommand::Find,
            UiCommand::DeleteSelection,
            UiCommand::ClearSelection,
            UiCommand::NextSpan,
            UiCommand::PreviousSpan,
            UiCommand::ConfirmLink,
            UiCommand::LeftEdgeLeft,
            UiCommand::LeftEdgeRight,
            UiCommand::RightEdgeLeft,
            UiCommand::RightEdgeRight,
            UiCommand::Open,
            UiCommand::OpenPath,
            UiCommand::Save,
            UiCommand::SaveAs,
            UiCommand::Quit,
            UiCommand::Undo,
            UiCommand::Redo,
            UiCommand::NextDocument,
            UiCommand::PreviousDocument,
            UiCommand::ZoomIn,
            UiCommand::ZoomOut,
            UiCommand::ZoomReset,
            UiCommand::ToggleTheme,
            UiCommand::ShowShortcuts,
        ];
        for c in all {
            assert_eq!(c.info().command, c);
        }
        let mut seen = std::collections::HashSet::new();
        for c in COMMANDS {
            for s in c.shortcuts {
                assert!(
                    seen.insert((
                        s.modifiers.command,
                        s.modifiers.shift,
                        s.modifiers.alt,
                        s.logical_key
                    )),
                    "{} reuses a shortcut",
                    c.title
                );
                // A shortcut must not be swallowed by an earlier, looser one (egui ignores extra Shift/Alt).
                let earlier = COMMANDS
                    .iter()
                    .take_while(|e| e.command != c.command)
                    .flat_map(|e| e.shortcuts.iter());
                for e in earlier {
                    let looser = e.logical_key == s.logical_key
                        && e.modifiers.command == s.modifiers.command
                        && (!e.modifiers.shift || s.modifiers.shift)
                        && (!e.modifiers.alt || s.modifiers.alt);
                    assert!(!looser, "{} is shadowed by an earlier shortcut", c.title);
                }
            }
        }
    }
}
