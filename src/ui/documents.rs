//! The labeling mode's document list: each document's title (drawn by the bidi engine: titles
//! are document text), status and span count, "n of N done", and the shown document's status;
//! a filter by status and by title or text, and a sort. Rows have a fixed height and only the
//! visible ones are built, so a corpus of thousands of documents costs no more per frame than
//! a dozen.

use super::labeling::Intent;
use crate::model::doclist::{DocFilter, DocSort};
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
    /// Which documents are listed, in which order.
    pub filter: DocFilter,
    /// The documents listed, by index, in list order: `filter` applied to the project (kept up
    /// to date by the labeling mode before each frame and before stepping through the list).
    pub order: Vec<usize>,
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
        // The label before its combo, as a form reads (egui's from_label puts it after).
        ui.horizontal(|ui| {
            let label = ui.label("Status");
            egui::ComboBox::from_id_salt("document_status")
                .selected_text(status.label())
                .show_ui(ui, |ui| {
                    for st in [DocStatus::Todo, DocStatus::InProgress, DocStatus::Done] {
                        ui.selectable_value(&mut status, st, st.label());
                    }
                })
                .response
                .labelled_by(label.id);
        });
        if status != d.status {
            out.push(Intent::SetStatus(status));
        }
    }
    filter_row(ui, engine, &mut view.filter);
    let n = project.documents.len();
    if view.order.len() != n || !view.filter.is_identity() {
        ui.label(format!("{} of {n} listed", view.order.len()));
    }
    ui.separator();
    let mut area = egui::ScrollArea::vertical()
        .id_salt("document_list")
        .auto_shrink([false, false]);
    let row_of_current = view.order.iter().position(|&i| i == current);
    if std::mem::take(&mut view.reveal)
        && let Some(row) = row_of_current.filter(|r| !view.visible.contains(r))
    {
        let top = row as f32 * (ROW_HEIGHT + ui.spacing().item_spacing.y);
        area = area.vertical_scroll_offset((top - ui.available_height() / 2.0).max(0.0));
    }
    area.show_rows(ui, ROW_HEIGHT, view.order.len(), |ui, range| {
        // The first and last rows may be cut by the edges: only whole ones count as visible.
        view.visible = range.start + 1..range.end.saturating_sub(1);
        for &i in &view.order[range] {
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

/// The filter controls: status, title or text (shown as it reads, since egui's field draws
/// Arabic in the wrong order), and sort.
fn filter_row(ui: &mut egui::Ui, engine: &mut TextEngine, filter: &mut DocFilter) {
    ui.horizontal(|ui| {
        let label = ui.label("Show");
        egui::ComboBox::from_id_salt("list_show")
            .selected_text(filter.status.map_or("all", DocStatus::label))
            .width(90.0)
            .show_ui(ui, |ui| {
                ui.selectable_value(&mut filter.status, None, "all");
                for st in [DocStatus::Todo, DocStatus::InProgress, DocStatus::Done] {
                    ui.selectable_value(&mut filter.status, Some(st), st.label());
                }
            })
            .response
            .labelled_by(label.id)
            .on_hover_text("Show documents with this status");
        let label = ui.label("Sort");
        egui::ComboBox::from_id_salt("list_sort")
            .selected_text(filter.sort.label())
            .width(110.0)
            .show_ui(ui, |ui| {
                for s in DocSort::ALL {
                    ui.selectable_value(&mut filter.sort, s, s.label());
                }
            })
            .response
            .labelled_by(label.id)
            .on_hover_text("Order of the list");
    });
    ui.horizontal(|ui| {
        let label = ui.label("Filter:");
        ui.add(
            egui::TextEdit::singleline(&mut filter.query)
                .desired_width(f32::INFINITY)
                .hint_text("title or text"),
        )
        .labelled_by(label.id)
        .on_hover_text("Ignores diacritics, tatweel and letter variants, as search does");
    });
    if !filter.query.is_empty() {
        BidiLabel::new(&filter.query)
            .max_width(ui.available_width())
            .font_size(14.0)
            .show(ui, engine);
    }
}
