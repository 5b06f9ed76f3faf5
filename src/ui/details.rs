//! The details panel of the selected span (label, attributes, note, relations) and the
//! annotation list of the shown document. They read the project and the document's state and
//! return [`Intent`]s.

use std::collections::HashMap;

use egui::Rect;

use super::labeling::{DocUi, Intent, LabelingUi, label_color};
use crate::model::{Document, Project};
use crate::text::{BidiLabel, TextEngine};

/// The details panel of the selected span: label, quote, attributes, note, relations.
pub fn details_panel(
    ui: &mut egui::Ui,
    engine: &mut TextEngine,
    project: &Project,
    doc: &Document,
    state: &mut DocUi,
    shared: &mut LabelingUi,
) -> Vec<Intent> {
    let mut out = Vec::new();
    ui.heading("Details");
    // The label button under the pointer shows its guideline before anything else.
    if let Some(label) = shared.hovered_label.clone() {
        super::guidelines::guideline_card(ui, engine, project, &label);
        return out;
    }
    let Some(span) = state.selected_span.and_then(|id| doc.span(id)) else {
        shared.first_control = None;
        ui.label("Select a span: click it, or Tab through the spans.");
        return out;
    };
    ui.horizontal(|ui| {
        super::names::name_label(ui, engine, &span.label, label_color(project, &span.label));
        ui.label(format!("#{}  {}..{}", span.id, span.start, span.end));
    });
    BidiLabel::new(&span.text)
        .max_width(ui.available_width())
        .font_size(16.0)
        .show(ui, engine);
    let combo = egui::ComboBox::from_label("Label")
        .selected_text(span.label.as_str())
        .show_ui(ui, |ui| {
            for l in &project.schema.span_labels {
                if ui
                    .selectable_label(l.name == span.label, l.name.as_str())
                    .clicked()
                    && l.name != span.label
                {
                    out.push(Intent::Label(l.name.clone()));
                }
            }
        });
    shared.first_control = Some(combo.response.id);
    for a in project.schema.attributes_of(&span.label) {
        let current = span.attributes.get(&a.name).cloned();
        egui::ComboBox::from_label(format!("{}.{}", a.label, a.name))
            .selected_text(current.as_deref().unwrap_or("—"))
            .show_ui(ui, |ui| {
                if ui.selectable_label(current.is_none(), "—").clicked() && current.is_some() {
                    out.push(Intent::SetAttribute {
                        span: span.id,
                        name: a.name.clone(),
                        value: None,
                    });
                }
                for v in &a.values {
                    if ui
                        .selectable_label(current.as_deref() == Some(v.as_str()), v.as_str())
                        .clicked()
                        && current.as_deref() != Some(v.as_str())
                    {
                        out.push(Intent::SetAttribute {
                            span: span.id,
                            name: a.name.clone(),
                            value: Some(v.clone()),
                        });
                    }
                }
            });
    }
    // The note is edited as a draft of this span and committed as one step when the field
    // loses focus (or by the app when the selection moves on); the field's id is the span's,
    // so a draft is never shown under another span.
    let stored = span.note.clone().unwrap_or_default();
    let draft = state
        .note_drafts
        .entry(span.id)
        .or_insert_with(|| stored.clone());
    let label = ui.label("Note:");
    let r = ui
        .add(
            egui::TextEdit::multiline(draft)
                .id_salt(("note", span.id))
                .desired_rows(2)
                .desired_width(f32::INFINITY),
        )
        .labelled_by(label.id);
    if !draft.is_empty() {
        BidiLabel::new(draft)
            .max_width(ui.available_width())
            .font_size(14.0)
            .show(ui, engine);
    }
    if r.lost_focus() && *draft != stored {
        out.push(Intent::SetNote {
            span: span.id,
            note: draft.clone(),
        });
    }
    ui.separator();
    ui.label("Relations:");
    for rel in doc.relations_of(span.id) {
        let (dir, other) = if rel.from == span.id {
            ("to", rel.to)
        } else {
            ("from", rel.from)
        };
        let other_text = doc.span(other).map_or("?", |s| s.text.as_str());
        let short: String = other_text.chars().take(40).collect();
        ui.horizontal(|ui| {
            let selected = state.selected_relation == Some(rel.id);
            if ui
                .selectable_label(selected, format!("{} {dir} #{other}", rel.kind))
                .clicked()
            {
                out.push(Intent::SelectRelation(if selected {
                    None
                } else {
                    Some(rel.id)
                }));
            }
            if ui
                .small_button("Delete")
                .on_hover_text("Delete this relation")
                .clicked()
            {
                out.push(Intent::DeleteRelation(rel.id));
            }
        });
        BidiLabel::new(&short)
            .max_width(ui.available_width())
            .font_size(14.0)
            .show(ui, engine);
    }
    ui.separator();
    if ui.button("Delete span").clicked() {
        out.push(Intent::DeleteSelected);
    }
    ui.separator();
    egui::CollapsingHeader::new("Guideline")
        .id_salt("span_guideline")
        .default_open(true)
        .show(ui, |ui| {
            super::guidelines::guideline_card(ui, engine, project, &span.label);
        });
    out
}

/// Height of one annotation list row, in points (fixed, so only visible rows are built).
const ROW_HEIGHT: f32 = 26.0;

/// One row of the annotation list.
#[derive(Debug)]
enum Row {
    Header { label: String, count: usize },
    Span(usize),
}

/// The annotation list's rows and each label's count, kept between frames: a document of
/// 50,000 spans is grouped once per change, not once per frame.
#[derive(Debug, Default)]
pub struct AnnotationRows {
    /// The document index, history state and filter they were made for.
    key: Option<(usize, u64, Option<String>)>,
    rows: Vec<Row>,
    /// Spans per schema label, in schema order.
    counts: Vec<usize>,
}

impl AnnotationRows {
    /// Brings the rows up to date with document `doc_index` (as `doc`, at `history_state`)
    /// and `filter`.
    fn refresh(
        &mut self,
        project: &Project,
        doc: &Document,
        at: (usize, u64),
        filter: &Option<String>,
    ) {
        let key = (at.0, at.1, filter.clone());
        if self.key.as_ref() == Some(&key) {
            return;
        }
        let labels = &project.schema.span_labels;
        let mut by_label: Vec<Vec<usize>> = vec![Vec::new(); labels.len()];
        let index: HashMap<&str, usize> = labels
            .iter()
            .enumerate()
            .map(|(i, l)| (l.name.as_str(), i))
            .collect();
        for (i, s) in doc.spans.iter().enumerate() {
            if let Some(&k) = index.get(s.label.as_str()) {
                by_label[k].push(i);
            }
        }
        self.counts = by_label.iter().map(Vec::len).collect();
        self.rows.clear();
        for (l, idx) in labels.iter().zip(by_label) {
            if filter.as_ref().is_some_and(|f| *f != l.name) {
                continue;
            }
            self.rows.push(Row::Header {
                label: l.name.clone(),
                count: idx.len(),
            });
            self.rows.extend(idx.into_iter().map(Row::Span));
        }
        self.key = Some(key);
    }
}

/// The annotation list: grouped by label with counts, filterable; rows show the span text
/// through the bidi label. Only visible rows are built.
pub fn annotation_list(
    ui: &mut egui::Ui,
    engine: &mut TextEngine,
    project: &Project,
    (doc, at): (&Document, (usize, u64)),
    state: &DocUi,
    shared: &mut LabelingUi,
) -> Vec<Intent> {
    let mut out = Vec::new();
    ui.heading("Annotations");
    // A filter on a label the schema no longer has would hide every span.
    if shared
        .filter
        .as_ref()
        .is_some_and(|f| project.schema.label(f).is_none())
    {
        shared.filter = None;
    }
    shared
        .annotation_rows
        .refresh(project, doc, at, &shared.filter);
    ui.horizontal_wrapped(|ui| {
        if ui
            .selectable_label(shared.filter.is_none(), format!("all {}", doc.spans.len()))
            .clicked()
        {
            shared.filter = None;
        }
        for (k, l) in project.schema.span_labels.iter().enumerate() {
            let n = shared.annotation_rows.counts.get(k).copied().unwrap_or(0);
            let on = shared.filter.as_deref() == Some(l.name.as_str());
            let text = format!("{} {n}", l.name);
            let color = ui.visuals().text_color();
            if super::names::name_button(ui, engine, &text, color, true, on).clicked() {
                shared.filter = if on { None } else { Some(l.name.clone()) };
            }
        }
    });
    // A chip clicked this frame changed the filter: regroup before drawing.
    shared
        .annotation_rows
        .refresh(project, doc, at, &shared.filter);
    let rows = &shared.annotation_rows.rows;
    egui::ScrollArea::vertical()
        .id_salt("annotation_list")
        .auto_shrink([false, false])
        .show_rows(ui, ROW_HEIGHT, rows.len(), |ui, range| {
            for row in &rows[range] {
                match row {
                    Row::Header { label, count } => {
                        let text = format!("{label} ({count})");
                        let color = label_color(project, label);
                        if super::names::needs_bidi(&text) {
                            // Fixed height, so only visible rows are built.
                            let (rect, _) = ui.allocate_exact_size(
                                egui::vec2(ui.available_width(), ROW_HEIGHT),
                                egui::Sense::hover(),
                            );
                            let mut child = ui.new_child(
                                egui::UiBuilder::new()
                                    .max_rect(rect)
                                    .layout(egui::Layout::top_down(egui::Align::Center)),
                            );
                            super::names::name_label(&mut child, engine, &text, color);
                        } else {
                            ui.add_sized(
                                [ui.available_width(), ROW_HEIGHT],
                                egui::Label::new(egui::RichText::new(text).strong().color(color)),
                            );
                        }
                    }
                    Row::Span(i) => {
                        let s = &doc.spans[*i];
                        let selected = state.selected_span == Some(s.id);
                        let (rect, r) = ui.allocate_exact_size(
                            egui::vec2(ui.available_width(), ROW_HEIGHT),
                            egui::Sense::click(),
                        );
                        let short: String = s.text.chars().take(48).collect();
                        let shown = if s.text.chars().count() > 48 {
                            format!("{short}…")
                        } else {
                            short
                        };
                        r.widget_info(|| {
                            egui::WidgetInfo::selected(
                                egui::Role::Button,
                                true,
                                selected,
                                format!("{} {}", s.label, shown),
                            )
                        });
                        if selected {
                            ui.painter()
                                .rect_filled(rect, 3.0, ui.visuals().selection.bg_fill);
                        } else if r.hovered() {
                            ui.painter().rect_filled(
                                rect,
                                3.0,
                                ui.visuals().widgets.hovered.weak_bg_fill,
                            );
                        }
                        ui.painter().rect_filled(
                            Rect::from_min_size(rect.min, egui::vec2(4.0, ROW_HEIGHT)),
                            1.0,
                            label_color(project, &s.label),
                        );
                        let mut child = ui.new_child(
                            egui::UiBuilder::new().max_rect(rect.shrink2(egui::vec2(8.0, 2.0))),
                        );
                        BidiLabel::new(&shown)
                            .max_width(rect.width() - 16.0)
                            .font_size(14.0)
                            .show(&mut child, engine);
                        if r.clicked() {
                            out.push(Intent::SelectSpan(Some(s.id)));
                        }
                    }
                }
            }
        });
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_group_by_label_follow_the_filter_and_are_kept_until_something_changes() {
        let mut p = Project::new("t", "");
        let mut d = Document::new("d", "", "", "قال مصدر أمني إن الحملة بدأت في بغداد");
        let spans = [
            (1, "speaker", 4, 13),
            (2, "claim", 17, 28),
            (3, "entity", 32, 37),
        ];
        for (id, label, a, b) in spans {
            d.spans.extend(d.make_span(id, label, a, b, ""));
        }
        p.documents.push(d.into());
        let doc = p.documents[0].clone();
        let mut rows = AnnotationRows::default();
        rows.refresh(&p, &doc, (0, 1), &None);
        assert_eq!(rows.counts, [1, 1, 1]);
        assert_eq!(rows.rows.len(), 6, "a header and a span per label");
        rows.refresh(&p, &doc, (0, 1), &Some("claim".into()));
        assert!(matches!(
            rows.rows.as_slice(),
            [Row::Header { count: 1, .. }, Row::Span(1)]
        ));
        // Same key: kept, even if asked with another document (the key says it is the same).
        let empty = Document::new("e", "", "", "نص");
        rows.refresh(&p, &empty, (0, 1), &Some("claim".into()));
        assert_eq!(rows.rows.len(), 2);
        rows.refresh(&p, &empty, (0, 2), &Some("claim".into()));
        assert_eq!(rows.counts, [0, 0, 0]);
    }
}
