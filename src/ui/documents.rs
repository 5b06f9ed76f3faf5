//! The labeling mode's document list: each document's title (drawn by the bidi engine: titles
//! are document text), status and span count, "n of N done", and the shown document's status.
//! Rows have a fixed height and only the visible ones are built, so a corpus of thousands of
//! documents costs no more per frame than a dozen.

use super::labeling::Intent;
use crate::model::{DocStatus, Project};
use crate::text::{BidiLabel, TextEngine};

/// Height of one document row, in points: two lines of title and one of details.
const ROW_HEIGHT: f32 = 62.0;

/// The list's scrolling state between frames.
#[derive(Clone, Debug, Default)]
pub struct ListView {
    /// Rows visible last frame.
    pub visible: std::ops::Range<usize>,
    /// Scroll the shown document's row into view if it is not (set when the document changed
    /// by key, search or undo).
    pub reveal: bool,
}

/// The document list, with the shown document (`current`) outlined.
pub fn document_list(
    ui: &mut egui::Ui,
    engine: &mut TextEngine,
    project: &Project,
    current: usize,
    view: &mut ListView,
) -> Vec<Intent> {
    let mut out = Vec::new();
    ui.heading("Documents");
    let done = project
        .documents
        .iter()
        .filter(|d| d.status == DocStatus::Done)
        .count();
    ui.label(format!("{done} of {} done", project.documents.len()));
    if let Some(d) = project.documents.get(current) {
        let mut status = d.status;
        egui::ComboBox::from_label("Status")
            .selected_text(status.label())
            .show_ui(ui, |ui| {
                for st in [DocStatus::Todo, DocStatus::InProgress, DocStatus::Done] {
                    ui.selectable_value(&mut status, st, st.label());
                }
            });
        if status != d.status {
            out.push(Intent::SetStatus(status));
        }
    }
    ui.separator();
    let mut area = egui::ScrollArea::vertical()
        .id_salt("document_list")
        .auto_shrink([false, false]);
    if std::mem::take(&mut view.reveal) && !view.visible.contains(&current) {
        let top = current as f32 * (ROW_HEIGHT + ui.spacing().item_spacing.y);
        area = area.vertical_scroll_offset((top - ui.available_height() / 2.0).max(0.0));
    }
    area.show_rows(ui, ROW_HEIGHT, project.documents.len(), |ui, range| {
        // The first and last rows may be cut by the edges: only whole ones count as visible.
        view.visible = range.start + 1..range.end.saturating_sub(1);
        for i in range {
            let d = &project.documents[i];
            let title = if d.title.is_empty() {
                d.id.as_str()
            } else {
                d.title.as_str()
            };
            let short: String = title.chars().take(60).collect();
            let selected = i == current;
            let (rect, r) = ui.allocate_exact_size(
                egui::vec2(ui.available_width(), ROW_HEIGHT),
                egui::Sense::click(),
            );
            r.widget_info(|| {
                egui::WidgetInfo::selected(egui::Role::Button, true, selected, short.as_str())
            });
            if selected {
                ui.painter().rect_filled(
                    rect,
                    3.0,
                    ui.visuals().selection.bg_fill.gamma_multiply(0.5),
                );
            } else if r.hovered() {
                ui.painter()
                    .rect_filled(rect, 3.0, ui.visuals().widgets.hovered.weak_bg_fill);
            }
            let inner = rect.shrink2(egui::vec2(6.0, 2.0));
            let mut child = ui.new_child(egui::UiBuilder::new().max_rect(inner));
            child.set_clip_rect(inner.intersect(ui.clip_rect()));
            // Titles are document text: drawn by the bidi engine, never by egui's labels.
            BidiLabel::new(&short)
                .max_width(rect.width() - 12.0)
                .font_size(15.0)
                .show(&mut child, engine);
            child.label(
                egui::RichText::new(format!(
                    "{} · {} · {} spans",
                    d.id,
                    d.status.label(),
                    d.spans.len()
                ))
                .small(),
            );
            if r.clicked() && !selected {
                out.push(Intent::OpenDocument(i));
            }
        }
    });
    out
}
