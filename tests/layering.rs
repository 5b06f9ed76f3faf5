//! The layers stay apart: the window's wiring in `src/app/` holds no widget code (every view
//! is in `src/ui/`), and the model knows nothing of egui or files.

use std::path::Path;

/// Every `.rs` file under `dir` with its text.
fn sources(dir: &Path) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).expect("read dir") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            out.extend(sources(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push((
                path.display().to_string(),
                std::fs::read_to_string(&path).expect("read"),
            ));
        }
    }
    out
}

fn offenders(dir: &str, needles: &[&str]) -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
    let mut found = Vec::new();
    for (path, text) in sources(&root) {
        for (n, line) in text.lines().enumerate() {
            for needle in needles {
                if line.contains(needle) {
                    found.push(format!("{path}:{}: {needle}", n + 1));
                }
            }
        }
    }
    found
}

#[test]
fn the_app_layer_holds_no_widget_code() {
    let widgets = [
        "ui.button",
        "ui.label",
        "ui.add(",
        "ComboBox",
        "TextEdit",
        "egui::Button",
        "egui::Label",
        "ScrollArea",
        "egui::Panel",
        "CentralPanel",
        "egui::Modal",
        "ProgressBar",
        "BidiLabel",
        "DocumentView::new",
    ];
    let found = offenders("src/app", &widgets);
    assert!(
        found.is_empty(),
        "widget code in src/app (it belongs in src/ui):\n{}",
        found.join("\n")
    );
}

#[test]
fn the_model_uses_neither_egui_nor_files() {
    let found = offenders("src/model", &["egui::", "use egui", "std::fs", "File::"]);
    assert!(
        found.is_empty(),
        "the model must stay pure:\n{}",
        found.join("\n")
    );
}
