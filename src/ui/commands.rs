//! Every user-facing command and, in one exhaustive `match`, its title, shortcuts, menu and
//! the scope its keys work in: menus, the shortcut sheet and keyboard dispatch all read it, so
//! the compiler refuses a new command until it has all of them.

use egui::{Event, Key, KeyboardShortcut, Modifiers};
use strum::IntoEnumIterator;

/// A command the user can give from a menu or a shortcut.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, strum::EnumIter)]
pub enum UiCommand {
    /// Open a project or text file with the file dialog.
    Open,
    /// Open a file by typing its path (works without a desktop file dialog).
    OpenPath,
    /// Open project files read-only for review and comparison.
    OpenForReview,
    /// Save to the current file (in review: the review files).
    Save,
    /// Save to a new file.
    SaveAs,
    /// Quit the application.
    Quit,
    /// Undo the last change.
    Undo,
    /// Redo the last undone change.
    Redo,
    /// Focus the search field.
    Find,
    /// Search every document of the project.
    CorpusSearch,
    /// Delete the selected relation or span.
    DeleteSelection,
    /// Leave link mode, else clear the selection; from the panels, back to the text.
    ClearSelection,
    /// Show the next document.
    NextDocument,
    /// Show the previous document.
    PreviousDocument,
    /// The next document in the list that is not done.
    NextUnfinished,
    /// Larger document text.
    ZoomIn,
    /// Smaller document text.
    ZoomOut,
    /// Default document text size.
    ZoomReset,
    /// Switch between light and dark theme.
    ToggleTheme,
    /// Move keyboard focus from the text to the panels' controls (Tab between them, Esc back).
    FocusPanels,
    /// Select the next span (or the next link target while linking).
    NextSpan,
    /// Select the previous span (or link target).
    PreviousSpan,
    /// Link to the proposed target; outside link mode, accept the suggestion.
    ConfirmLink,
    /// Reject the suggestion stepped to, under the pointer or at the caret.
    RejectSuggestion,
    /// Accept every suggestion of the paragraph.
    AcceptParagraphSuggestions,
    /// Show or hide suggestions.
    ToggleSuggestions,
    /// Move the selected span's left edge one character left.
    LeftEdgeLeft,
    /// Move the selected span's left edge one character right.
    LeftEdgeRight,
    /// Move the selected span's right edge one character left.
    RightEdgeLeft,
    /// Move the selected span's right edge one character right.
    RightEdgeRight,
    /// Review: go to the next difference.
    NextDifference,
    /// Review: go to the previous difference.
    PreviousDifference,
    /// Review: keep file 1's reading of this difference.
    KeepFile1,
    /// Review: keep file 2's reading.
    KeepFile2,
    /// Review: keep file 3's reading.
    KeepFile3,
    /// Review: keep file 4's reading.
    KeepFile4,
    /// Review: keep file 5's reading.
    KeepFile5,
    /// Review: keep file 6's reading.
    KeepFile6,
    /// Review: keep file 7's reading.
    KeepFile7,
    /// Review: keep file 8's reading.
    KeepFile8,
    /// Review: keep file 9's reading.
    KeepFile9,
    /// Review: keep every reading of this difference.
    KeepAll,
    /// Review: keep no reading of this difference.
    DropAll,
    /// Review: move the left edge of the reviewer's span one character left.
    ReviewLeftEdgeLeft,
    /// Review: move the left edge of the reviewer's span one character right.
    ReviewLeftEdgeRight,
    /// Review: move the right edge of the reviewer's span one character left.
    ReviewRightEdgeLeft,
    /// Review: move the right edge of the reviewer's span one character right.
    ReviewRightEdgeRight,
    /// Review: write the adjudicated gold project.
    SaveGold,
    /// Review: drop the stale decisions from the adjudication file (on the next save).
    DismissStale,
    /// Review: show the agreement table.
    ShowAgreement,
    /// Review: each annotator's progress and each document's overlap (as `qalam status`).
    ShowTeam,
    /// Edit the project's labels, relation types and attributes (Project → Labels…).
    EditSchema,
    /// Show or hide the annotation guidelines of the project's schema.
    ShowGuidelines,
    /// Show the keyboard shortcut sheet.
    ShowShortcuts,
}

/// The menu a command is listed in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, strum::EnumIter)]
pub enum Menu {
    /// File.
    File,
    /// Edit.
    Edit,
    /// View.
    View,
    /// Project.
    Project,
    /// Review.
    Review,
    /// Help.
    Help,
}

impl Menu {
    /// The menu's title in the menu bar.
    pub fn title(self) -> &'static str {
        match self {
            Menu::File => "File",
            Menu::Edit => "Edit",
            Menu::View => "View",
            Menu::Project => "Project",
            Menu::Review => "Review",
            Menu::Help => "Help",
        }
    }
}

/// Where a command's keys work. Two commands may share a key only when their scopes never
/// apply at once.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// In every mode.
    Always,
    /// While labeling.
    Labeling,
    /// While labeling with the keyboard in the document text (not in the panels).
    Text,
    /// While reviewing.
    Review,
}

impl Scope {
    /// Whether both scopes can apply at the same moment.
    pub fn overlaps(self, other: Scope) -> bool {
        use Scope::{Always, Labeling, Review, Text};
        match (self, other) {
            (Always, _) | (_, Always) => true,
            (Labeling | Text, Labeling | Text) => true,
            (Review, Review) => true,
            (Labeling | Text, Review) | (Review, Labeling | Text) => false,
        }
    }
}

/// Everything the table says about one command.
#[derive(Clone, Copy, Debug)]
pub struct CommandInfo {
    /// Title in menus and the help sheet.
    pub title: &'static str,
    /// Shortcuts that trigger it; the first is the one displayed.
    pub shortcuts: &'static [KeyboardShortcut],
    /// The menu that lists it (`None`: keyboard only).
    pub menu: Option<Menu>,
    /// Where its shortcuts work.
    pub scope: Scope,
}

const fn sc(modifiers: Modifiers, key: Key) -> KeyboardShortcut {
    KeyboardShortcut::new(modifiers, key)
}

const CMD: Modifiers = Modifiers::COMMAND;
const SHIFT: Modifiers = Modifiers::SHIFT;
const ALT: Modifiers = Modifiers::ALT;
const NONE: Modifiers = Modifiers::NONE;
const CMD_SHIFT: Modifiers = Modifiers {
    alt: false,
    ctrl: false,
    shift: true,
    mac_cmd: false,
    command: true,
};

/// A `'static` list of shortcuts from `modifiers => key` pairs.
macro_rules! keys {
    ($($m:expr => $k:expr),* $(,)?) => {{
        const KEYS: &[KeyboardShortcut] = &[$(sc($m, $k)),*];
        KEYS
    }};
}

const fn info(
    title: &'static str,
    shortcuts: &'static [KeyboardShortcut],
    menu: Option<Menu>,
    scope: Scope,
) -> CommandInfo {
    CommandInfo {
        title,
        shortcuts,
        menu,
        scope,
    }
}

impl UiCommand {
    /// Every command, in menu order.
    pub fn all() -> impl Iterator<Item = UiCommand> {
        UiCommand::iter()
    }

    /// This command's row of the table.
    pub const fn info(self) -> CommandInfo {
        use Menu::{Edit, File, Help, Project, Review, View};
        use Scope::{Always, Labeling, Text};
        match self {
            UiCommand::Open => info("Open…", keys![CMD => Key::O], Some(File), Always),
            UiCommand::OpenPath => info("Open path…", keys![CMD => Key::L], Some(File), Always),
            UiCommand::OpenForReview => info(
                "Open for review…",
                keys![CMD_SHIFT => Key::O],
                Some(File),
                Always,
            ),
            UiCommand::Save => info("Save", keys![CMD => Key::S], Some(File), Always),
            UiCommand::SaveAs => info("Save as…", keys![CMD_SHIFT => Key::S], Some(File), Labeling),
            UiCommand::Quit => info("Quit", keys![CMD => Key::Q], Some(File), Always),
            UiCommand::Undo => info("Undo", keys![CMD => Key::Z], Some(Edit), Always),
            UiCommand::Redo => info(
                "Redo",
                keys![CMD_SHIFT => Key::Z, CMD => Key::Y],
                Some(Edit),
                Always,
            ),
            UiCommand::Find => info("Find", keys![CMD => Key::F], Some(Edit), Labeling),
            UiCommand::CorpusSearch => info(
                "Search all documents…",
                keys![CMD_SHIFT => Key::F],
                Some(Edit),
                Labeling,
            ),
            UiCommand::DeleteSelection => info(
                "Delete selected span or relation",
                keys![NONE => Key::Delete, NONE => Key::Backspace],
                Some(Edit),
                Labeling,
            ),
            UiCommand::ClearSelection => info(
                "Cancel linking / clear selection / back to the text",
                keys![NONE => Key::Escape],
                None,
                Always,
            ),
            UiCommand::NextDocument => info(
                "Next document",
                keys![CMD => Key::PageDown],
                Some(View),
                Always,
            ),
            UiCommand::PreviousDocument => info(
                "Previous document",
                keys![CMD => Key::PageUp],
                Some(View),
                Always,
            ),
            UiCommand::NextUnfinished => info(
                "Next unfinished document",
                keys![CMD_SHIFT => Key::PageDown],
                Some(View),
                Labeling,
            ),
            UiCommand::ZoomIn => info(
                "Zoom in",
                keys![CMD => Key::Plus, CMD_SHIFT => Key::Plus, CMD => Key::Equals],
                Some(View),
                Always,
            ),
            UiCommand::ZoomOut => info("Zoom out", keys![CMD => Key::Minus], Some(View), Always),
            UiCommand::ZoomReset => info("Reset zoom", keys![CMD => Key::Num0], Some(View), Always),
            UiCommand::ToggleTheme => info("Light/dark theme", &[], Some(View), Always),
            UiCommand::FocusPanels => info(
                "Keyboard to the panels (Tab between controls, Esc back to the text)",
                keys![NONE => Key::F6],
                Some(View),
                Always,
            ),
            UiCommand::NextSpan => info(
                "Next span (or link target)",
                keys![NONE => Key::Tab],
                None,
                Text,
            ),
            UiCommand::PreviousSpan => info(
                "Previous span (or link target)",
                keys![SHIFT => Key::Tab],
                None,
                Text,
            ),
            UiCommand::ConfirmLink => info(
                "Link to the proposed target, else accept the suggestion",
                keys![NONE => Key::Enter],
                None,
                Text,
            ),
            UiCommand::RejectSuggestion => info(
                "Reject the suggestion (also Backspace / Delete when no span is selected)",
                keys![NONE => Key::X],
                None,
                Text,
            ),
            UiCommand::AcceptParagraphSuggestions => info(
                "Accept every suggestion in the paragraph",
                keys![SHIFT => Key::Enter],
                None,
                Text,
            ),
            UiCommand::ToggleSuggestions => info("Show suggestions", &[], Some(View), Labeling),
            UiCommand::LeftEdgeLeft => info(
                "Span: left edge one character left",
                keys![SHIFT => Key::ArrowLeft],
                None,
                Text,
            ),
            UiCommand::LeftEdgeRight => info(
                "Span: left edge one character right",
                keys![SHIFT => Key::ArrowRight],
                None,
                Text,
            ),
            UiCommand::RightEdgeLeft => info(
                "Span: right edge one character left",
                keys![ALT => Key::ArrowLeft],
                None,
                Text,
            ),
            UiCommand::RightEdgeRight => info(
                "Span: right edge one character right",
                keys![ALT => Key::ArrowRight],
                None,
                Text,
            ),
            UiCommand::NextDifference => info(
                "Next difference",
                keys![NONE => Key::N, NONE => Key::J],
                Some(Review),
                Scope::Review,
            ),
            UiCommand::PreviousDifference => info(
                "Previous difference",
                keys![NONE => Key::P, NONE => Key::K],
                Some(Review),
                Scope::Review,
            ),
            UiCommand::KeepFile1 => info(
                "Keep file 1's reading",
                keys![NONE => Key::Num1],
                Some(Review),
                Scope::Review,
            ),
            UiCommand::KeepFile2 => info(
                "Keep file 2's reading",
                keys![NONE => Key::Num2],
                Some(Review),
                Scope::Review,
            ),
            UiCommand::KeepFile3 => info(
                "Keep file 3's reading",
                keys![NONE => Key::Num3],
                None,
                Scope::Review,
            ),
            UiCommand::KeepFile4 => info(
                "Keep file 4's reading",
                keys![NONE => Key::Num4],
                None,
                Scope::Review,
            ),
            UiCommand::KeepFile5 => info(
                "Keep file 5's reading",
                keys![NONE => Key::Num5],
                None,
                Scope::Review,
            ),
            UiCommand::KeepFile6 => info(
                "Keep file 6's reading",
                keys![NONE => Key::Num6],
                None,
                Scope::Review,
            ),
            UiCommand::KeepFile7 => info(
                "Keep file 7's reading",
                keys![NONE => Key::Num7],
                None,
                Scope::Review,
            ),
            UiCommand::KeepFile8 => info(
                "Keep file 8's reading",
                keys![NONE => Key::Num8],
                None,
                Scope::Review,
            ),
            UiCommand::KeepFile9 => info(
                "Keep file 9's reading",
                keys![NONE => Key::Num9],
                None,
                Scope::Review,
            ),
            UiCommand::KeepAll => info(
                "Keep every reading",
                keys![NONE => Key::B],
                Some(Review),
                Scope::Review,
            ),
            UiCommand::DropAll => info(
                "Drop every reading",
                keys![NONE => Key::D],
                Some(Review),
                Scope::Review,
            ),
            UiCommand::ReviewLeftEdgeLeft => info(
                "Reviewer's span: left edge one character left",
                keys![SHIFT => Key::ArrowLeft],
                None,
                Scope::Review,
            ),
            UiCommand::ReviewLeftEdgeRight => info(
                "Reviewer's span: left edge one character right",
                keys![SHIFT => Key::ArrowRight],
                None,
                Scope::Review,
            ),
            UiCommand::ReviewRightEdgeLeft => info(
                "Reviewer's span: right edge one character left",
                keys![ALT => Key::ArrowLeft],
                None,
                Scope::Review,
            ),
            UiCommand::ReviewRightEdgeRight => info(
                "Reviewer's span: right edge one character right",
                keys![ALT => Key::ArrowRight],
                None,
                Scope::Review,
            ),
            UiCommand::SaveGold => info(
                "Save gold as…",
                keys![CMD_SHIFT => Key::G],
                Some(Review),
                Scope::Review,
            ),
            UiCommand::DismissStale => {
                info("Dismiss stale decisions", &[], Some(Review), Scope::Review)
            }
            UiCommand::ShowAgreement => info(
                "Agreement…",
                keys![CMD_SHIFT => Key::A],
                Some(Review),
                Scope::Review,
            ),
            UiCommand::ShowTeam => info(
                "Team progress…",
                keys![CMD_SHIFT => Key::T],
                Some(Review),
                Scope::Review,
            ),
            UiCommand::EditSchema => info("Labels…", &[], Some(Project), Labeling),
            UiCommand::ShowGuidelines => {
                info("Guidelines", keys![NONE => Key::F2], Some(Project), Always)
            }
            UiCommand::ShowShortcuts => info(
                "Keyboard shortcuts",
                keys![NONE => Key::F1, SHIFT => Key::Questionmark, NONE => Key::Questionmark],
                Some(Help),
                Always,
            ),
        }
    }

    /// Menu title.
    pub fn title(self) -> &'static str {
        self.info().title
    }

    /// Keys that commands take without modifiers while labeling, by name (`"X"`, `"Enter"`):
    /// a label or relation type cannot have one of them as its key.
    pub fn labeling_keys() -> Vec<&'static str> {
        UiCommand::all()
            .filter(|c| c.info().scope.overlaps(Scope::Labeling))
            .flat_map(|c| c.info().shortcuts.iter())
            .filter(|s| s.modifiers.is_none())
            .map(|s| s.logical_key.name())
            .collect()
    }

    /// The displayed shortcut, if any.
    pub fn shortcut(self) -> Option<KeyboardShortcut> {
        self.info().shortcuts.first().copied()
    }

    /// For the review keep commands, the file (0-based) whose reading they keep.
    pub fn kept_file(self) -> Option<usize> {
        let k = match self {
            UiCommand::KeepFile1 => 0,
            UiCommand::KeepFile2 => 1,
            UiCommand::KeepFile3 => 2,
            UiCommand::KeepFile4 => 3,
            UiCommand::KeepFile5 => 4,
            UiCommand::KeepFile6 => 5,
            UiCommand::KeepFile7 => 6,
            UiCommand::KeepFile8 => 7,
            UiCommand::KeepFile9 => 8,
            _ => return None,
        };
        Some(k)
    }

    /// Whether `shortcut` is pressed by `key` (or, for letters and digits, the same physical
    /// key, so they work with an Arabic layout) with exactly `modifiers`. Exact modifiers make
    /// matching independent of table order: Ctrl+Shift+S never also counts as Ctrl+S.
    fn matches(
        shortcut: &KeyboardShortcut,
        key: Key,
        physical: Option<Key>,
        modifiers: Modifiers,
    ) -> bool {
        let keys = key == shortcut.logical_key || physical == Some(shortcut.logical_key);
        // `?` needs Shift on most layouts; `+` needs it on some: both are listed explicitly.
        keys && modifiers.matches_exact(shortcut.modifiers)
    }

    /// Takes this frame's key presses that are shortcuts of commands `enabled` accepts out of
    /// the input and returns those commands, in the order pressed. While a text field has
    /// focus (`typing`), keys without Ctrl/Cmd belong to the field, except F1, F2 and F6.
    pub fn pressed(
        ctx: &egui::Context,
        typing: bool,
        enabled: impl Fn(UiCommand) -> bool,
    ) -> Vec<UiCommand> {
        let mut out = Vec::new();
        ctx.input_mut(|i| {
            i.events.retain(|ev| {
                let Event::Key {
                    key,
                    physical_key,
                    pressed: true,
                    modifiers,
                    ..
                } = ev
                else {
                    return true;
                };
                let hit = UiCommand::all().filter(|c| enabled(*c)).find(|c| {
                    c.info().shortcuts.iter().any(|s| {
                        let usable = !typing
                            || s.modifiers.command
                            || matches!(s.logical_key, Key::F1 | Key::F2 | Key::F6);
                        usable && Self::matches(s, *key, *physical_key, *modifiers)
                    })
                });
                match hit {
                    Some(c) => {
                        out.push(c);
                        false
                    }
                    None => true,
                }
            });
        });
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_two_commands_share_a_shortcut_where_both_apply() {
        let all: Vec<UiCommand> = UiCommand::all().collect();
        assert!(all.len() > 30, "the list is derived from the enum");
        for (i, a) in all.iter().enumerate() {
            for b in &all[i + 1..] {
                if !a.info().scope.overlaps(b.info().scope) {
                    continue;
                }
                for sa in a.info().shortcuts {
                    for sb in b.info().shortcuts {
                        let same = sa.logical_key == sb.logical_key
                            && sa.modifiers.matches_exact(sb.modifiers);
                        assert!(!same, "{a:?} and {b:?} share {sa:?}");
                    }
                }
            }
        }
    }

    #[test]
    fn every_command_has_a_title_and_menu_commands_a_menu_that_exists() {
        for c in UiCommand::all() {
            assert!(!c.title().is_empty(), "{c:?}");
            if let Some(m) = c.info().menu {
                assert!(Menu::iter().any(|x| x == m));
            }
        }
        assert_eq!(UiCommand::all().filter_map(UiCommand::kept_file).count(), 9);
    }

    #[test]
    fn matching_is_exact_so_table_order_does_not_matter() {
        let save_as = sc(CMD_SHIFT, Key::S);
        let save = sc(CMD, Key::S);
        let pressed = CMD_SHIFT;
        assert!(UiCommand::matches(&save_as, Key::S, None, pressed));
        assert!(
            !UiCommand::matches(&save, Key::S, None, pressed),
            "Ctrl+Shift+S is not Ctrl+S"
        );
        // An Arabic layout sends another logical key for the physical N.
        assert!(UiCommand::matches(
            &sc(NONE, Key::N),
            Key::Questionmark,
            Some(Key::N),
            NONE
        ));
    }
}
