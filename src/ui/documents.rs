//! The labeling mode's document list: each document's title (drawn by the bidi engine: titles
//! are document text), id and status, "n of N done", and the shown document's status.

use super::labeling::Intent;
use crate::model::{DocStatus, Project};
use crate::text::{BidiLabel, TextEngine};

/// The document list, with the shown document (`current`) outlined.
pub fn document_list(
    ui: &mut egui::Ui,
    engine: &mut TextEngine,
    project: &Project,
    current: usize,
) -> Vec<Intent> {
    let mut out = Vec::new();
    ui.heading("Documents");
    let done = project
        .documents
        .iter()
        .filter(|d| d.status == DocStatus::Done)
        .count();
    ui.label(format!("{done} of {} done", project.documents.len()));
    ui.separator();
    egui::ScrollArea::vertical().show(ui, |ui| {
        for (i, d) in project.documents.iter().enumerate() {
            let title = if d.title.is_empty() {
                d.id.as_str()
            } else {
                d.title.as_str()
            };
            let short: String = title.chars().take(60).collect();
            let selected = i == current;
            let row = ui.scope(|ui| {
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
            if r.clicked() && !selected {
                out.push(Intent::OpenDocument(i));
            }
            ui.separator();
        }
    });
    ui.separator();
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
    out
}
