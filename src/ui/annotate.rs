//! The labeling views: label bar, search bar, details panel, annotation list and relation
//! connectors. They read the project and return [`Intent`]s; the app turns intents into
//! transactions on the one edit path.

use std::ops::Range;

use egui::{Color32, Pos2, Rect, Stroke};

use crate::model::actions::Edge;
use crate::model::{DocStatus, Document, Project, RelationId, SearchIndex, SpanId};
use crate::text::{BidiLabel, TextEngine};

/// Something the user asked for in a labeling view.
#[derive(Clone, Debug, PartialEq)]
pub enum Intent {
    /// Label the current text selection (or relabel the selected span) with this label.
    Label(String),
    /// Select a span (and scroll it into view), or clear the selection.
    SelectSpan(Option<SpanId>),
    /// Select a relation, or clear.
    SelectRelation(Option<RelationId>),
    /// Delete the selected relation, else the selected span (with its relations).
    DeleteSelected,
    /// Set or clear an attribute of a span.
    SetAttribute {
        /// Span id.
        span: SpanId,
        /// Attribute name.
        name: String,
        /// New value, `None` to clear.
        value: Option<String>,
    },
    /// Replace a span's note.
    SetNote {
        /// Span id.
        span: SpanId,
        /// The note; empty removes it.
        note: String,
    },
    /// Give a span a new range (an edge dragged with the pointer): one undo step.
    SetRange {
        /// Span id.
        span: SpanId,
        /// The new range.
        range: Range<usize>,
    },
    /// Move an edge of the selected span by one character.
    MoveEdge {
        /// Which logical edge.
        edge: Edge,
        /// +1 towards the end of the text, -1 towards its start.
        delta: isize,
    },
    /// Start linking the selected span with a relation of this type.
    StartLink(String),
    /// Finish the link at this target span.
    CompleteLink(SpanId),
    /// Leave link mode.
    CancelLink,
    /// Delete a relation.
    DeleteRelation(RelationId),
    /// Create spans with this label on every search hit (one undo step).
    MarkAllHits(String),
    /// Set the current document's status.
    SetStatus(DocStatus),
    /// Go to the next (+1) or previous (-1) search hit.
    StepHit(isize),
}

/// Runtime state of the labeling loop (not persisted).
#[derive(Debug, Default)]
pub struct AnnotateState {
    /// The selected span.
    pub selected_span: Option<SpanId>,
    /// The selected relation.
    pub selected_relation: Option<RelationId>,
    /// Relation type being linked from the selected span, while picking its target.
    pub linking: Option<String>,
    /// Target proposed by keyboard picking in link mode.
    pub link_candidate: Option<SpanId>,
    /// Show only spans with this label in the annotation list.
    pub filter: Option<String>,
    /// The search bar.
    pub search: SearchState,
    /// Note being edited: span id and text (committed on focus loss).
    pub note_draft: Option<(SpanId, String)>,
    /// The details panel's first control, where F6 puts the keyboard.
    pub first_control: Option<egui::Id>,
    /// A drag that started on an edge of the selected span: it moves that edge on release.
    pub edge_drag: Option<(SpanId, Edge)>,
}

/// The search bar's state.
#[derive(Debug)]
pub struct SearchState {
    /// The typed query.
    pub query: String,
    /// Ignore diacritics, tatweel and letter variants.
    pub fold: bool,
    /// Hits in the current document.
    pub hits: Vec<Range<usize>>,
    /// Index of the current hit.
    pub current: Option<usize>,
    /// What the hits were computed for: (document id, text length, query, fold).
    computed_for: Option<(String, usize, String, bool)>,
    /// Cached folded text of the current document.
    index: Option<(String, bool, SearchIndex)>,
    /// Label chosen for "mark all hits".
    pub mark_label: String,
    /// Focus the query field on the next frame.
    pub focus_request: bool,
}

impl Default for SearchState {
    fn default() -> Self {
        SearchState {
            query: String::new(),
            fold: true,
            hits: Vec::new(),
            current: None,
            computed_for: None,
            index: None,
            mark_label: String::new(),
            focus_request: false,
        }
    }
}

impl SearchState {
    /// Recomputes the hits when the document, query or folding changed.
    pub fn refresh(&mut self, doc: &Document) {
        let key = (
            doc.id.clone(),
            doc.text().len(),
            self.query.clone(),
            self.fold,
        );
        if self.computed_for.as_ref() == Some(&key) {
            return;
        }
        let needs_index =
            !matches!(&self.index, Some((id, fold, _)) if *id == doc.id && *fold == self.fold);
        if needs_index {
            self.index = Some((
                doc.id.clone(),
                self.fold,
                SearchIndex::new(doc.text(), self.fold),
            ));
        }
        self.hits = self
            .index
            .as_ref()
            .map(|(_, _, idx)| idx.find_all(&self.query))
            .unwrap_or_default();
        self.current = (!self.hits.is_empty()).then_some(0);
        self.computed_for = Some(key);
    }

    /// Moves to the next or previous hit (wrapping) and returns its range.
    pub fn step(&mut self, by: isize) -> Option<Range<usize>> {
        let n = self.hits.len();
        if n == 0 {
            return None;
        }
        let cur = self
            .current
            .map_or(0, |c| (c as isize + by).rem_euclid(n as isize) as usize);
        self.current = Some(cur);
        self.hits.get(cur).cloned()
    }
}

/// The label's display colour.
pub fn label_color(project: &Project, label: &str) -> Color32 {
    let [r, g, b] = project.schema.label(label).map_or([0x88; 3], |l| l.rgb());
    Color32::from_rgb(r, g, b)
}

/// The label bar: one button per span label (with its key) and per relation type.
pub fn label_bar(
    ui: &mut egui::Ui,
    project: &Project,
    state: &AnnotateState,
    has_selection: bool,
) -> Vec<Intent> {
    let mut out = Vec::new();
    ui.horizontal(|ui| {
        ui.label("Label:");
        for l in &project.schema.span_labels {
            let text = egui::RichText::new(format!("{} {}", l.key, l.name))
                .color(label_color(project, &l.name))
                .strong();
            let enabled = has_selection || state.selected_span.is_some();
            let b = ui
                .add_enabled(enabled, egui::Button::new(text))
                .on_hover_text(&l.description);
            if b.clicked() {
                out.push(Intent::Label(l.name.clone()));
            }
        }
        ui.separator();
        ui.label("Link:");
        for r in &project.schema.relation_types {
            let active = state.linking.as_deref() == Some(r.name.as_str());
            let b = ui
                .add_enabled(
                    state.selected_span.is_some(),
                    egui::Button::new(format!("{} {}", r.key.to_uppercase(), r.name))
                        .selected(active),
                )
                .on_hover_text(&r.description);
            if b.clicked() {
                out.push(if active {
                    Intent::CancelLink
                } else {
                    Intent::StartLink(r.name.clone())
                });
            }
        }
        if let Some(kind) = &state.linking {
            ui.label(
                egui::RichText::new(format!(
                    "Pick the target of \"{kind}\": click a span, or Tab then Enter; Esc cancels"
                ))
                .italics(),
            );
        }
    });
    out
}

/// The search bar: query field, its bidi rendering, options, hit navigation, mark-all.
pub fn search_bar(
    ui: &mut egui::Ui,
    engine: &mut TextEngine,
    project: &Project,
    doc: &Document,
    state: &mut SearchState,
) -> Vec<Intent> {
    let mut out = Vec::new();
    state.refresh(doc);
    ui.horizontal(|ui| {
        let label = ui.label("Search:");
        let r = ui
            .add(
                egui::TextEdit::singleline(&mut state.query)
                    .desired_width(180.0)
                    .hint_text("Ctrl+F"),
            )
            .labelled_by(label.id);
        if state.focus_request {
            r.request_focus();
            state.focus_request = false;
        }
        if r.has_focus() || r.lost_focus() {
            let (enter, shift) = ui.input(|i| (i.key_pressed(egui::Key::Enter), i.modifiers.shift));
            if enter {
                out.push(Intent::StepHit(if shift { -1 } else { 1 }));
                r.request_focus();
            }
        }
        // egui's field draws Arabic in the wrong order; show the query as it reads.
        let shown = if state.query.is_empty() {
            " "
        } else {
            state.query.as_str()
        };
        ui.scope(|ui| {
            ui.set_width(160.0);
            BidiLabel::new(shown)
                .max_width(160.0)
                .font_size(15.0)
                .show(ui, engine);
        });
        ui.checkbox(&mut state.fold, "ignore diacritics")
            .on_hover_text("Ignore harakat, tatweel and alef/ya/ta marbuta variants");
        state.refresh(doc);
        let status = match (state.current, state.hits.len()) {
            (_, 0) if state.query.is_empty() => String::new(),
            (_, 0) => "no hits".to_owned(),
            (Some(c), n) => format!("{} of {n}", c + 1),
            (None, n) => format!("{n} hits"),
        };
        ui.add_sized([70.0, 18.0], egui::Label::new(status));
        if ui
            .add_enabled(!state.hits.is_empty(), egui::Button::new("Previous"))
            .clicked()
        {
            out.push(Intent::StepHit(-1));
        }
        if ui
            .add_enabled(!state.hits.is_empty(), egui::Button::new("Next"))
            .clicked()
        {
            out.push(Intent::StepHit(1));
        }
        if state.mark_label.is_empty()
            && let Some(l) = project.schema.span_labels.first()
        {
            state.mark_label = l.name.clone();
        }
        egui::ComboBox::from_label("for all hits")
            .selected_text(state.mark_label.as_str())
            .show_ui(ui, |ui| {
                for l in &project.schema.span_labels {
                    ui.selectable_value(&mut state.mark_label, l.name.clone(), l.name.as_str());
                }
            });
        if ui
            .add_enabled(!state.hits.is_empty(), egui::Button::new("Mark all hits"))
            .clicked()
        {
            out.push(Intent::MarkAllHits(state.mark_label.clone()));
        }
    });
    out
}

/// The details panel of the selected span: label, quote, attributes, note, relations.
pub fn details_panel(
    ui: &mut egui::Ui,
    engine: &mut TextEngine,
    project: &Project,
    doc: &Document,
    state: &mut AnnotateState,
) -> Vec<Intent> {
    let mut out = Vec::new();
    ui.heading("Details");
    let Some(span) = state.selected_span.and_then(|id| doc.span(id)) else {
        state.first_control = None;
        ui.label("Select a span: click it, or Tab through the spans.");
        return out;
    };
    ui.horizontal(|ui| {
        ui.label(
            egui::RichText::new(&span.label)
                .color(label_color(project, &span.label))
                .strong(),
        );
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
    state.first_control = Some(combo.response.id);
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
    // The note is edited as a draft and committed as one step when the field loses focus.
    let stored = span.note.clone().unwrap_or_default();
    let draft = match &mut state.note_draft {
        Some((id, text)) if *id == span.id => text,
        slot => &mut slot.insert((span.id, stored.clone())).1,
    };
    ui.label("Note:");
    let r = ui.add(
        egui::TextEdit::multiline(draft)
            .desired_rows(2)
            .desired_width(f32::INFINITY),
    );
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
    out
}

/// Height of one annotation list row, in points (fixed, so only visible rows are built).
const ROW_HEIGHT: f32 = 26.0;

/// One row of the annotation list.
enum Row {
    Header { label: String, count: usize },
    Span(usize),
}

/// The annotation list: grouped by label with counts, filterable; rows show the span text
/// through the bidi label. Only visible rows are built.
pub fn annotation_list(
    ui: &mut egui::Ui,
    engine: &mut TextEngine,
    project: &Project,
    doc: &Document,
    state: &mut AnnotateState,
) -> Vec<Intent> {
    let mut out = Vec::new();
    ui.heading("Annotations");
    ui.horizontal_wrapped(|ui| {
        if ui
            .selectable_label(state.filter.is_none(), format!("all {}", doc.spans.len()))
            .clicked()
        {
            state.filter = None;
        }
        for l in &project.schema.span_labels {
            let n = doc.spans.iter().filter(|s| s.label == l.name).count();
            let on = state.filter.as_deref() == Some(l.name.as_str());
            if ui.selectable_label(on, format!("{} {n}", l.name)).clicked() {
                state.filter = if on { None } else { Some(l.name.clone()) };
            }
        }
    });
    let mut rows = Vec::new();
    for l in &project.schema.span_labels {
        if state.filter.as_ref().is_some_and(|f| *f != l.name) {
            continue;
        }
        let idx: Vec<usize> = doc
            .spans
            .iter()
            .enumerate()
            .filter(|(_, s)| s.label == l.name)
            .map(|(i, _)| i)
            .collect();
        rows.push(Row::Header {
            label: l.name.clone(),
            count: idx.len(),
        });
        rows.extend(idx.into_iter().map(Row::Span));
    }
    egui::ScrollArea::vertical()
        .id_salt("annotation_list")
        .auto_shrink([false, false])
        .show_rows(ui, ROW_HEIGHT, rows.len(), |ui, range| {
            for row in &rows[range] {
                match row {
                    Row::Header { label, count } => {
                        ui.add_sized(
                            [ui.available_width(), ROW_HEIGHT],
                            egui::Label::new(
                                egui::RichText::new(format!("{label} ({count})"))
                                    .strong()
                                    .color(label_color(project, label)),
                            ),
                        );
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

/// Draws relation connectors between span rectangles: an arc above the text from source to
/// target with an arrow head at the target (below the text when above would leave `clip`);
/// the selected relation is thicker.
pub fn paint_relation(
    painter: &egui::Painter,
    from: Rect,
    to: Rect,
    color: Color32,
    selected: bool,
    label: &str,
    clip: Rect,
) {
    let lift = 14.0 + (from.center().x - to.center().x).abs().min(300.0) * 0.08;
    let above = from.top().min(to.top()) - lift - 12.0 >= clip.top();
    // Above: leave from the tops and arc up; below: leave from the bottoms and arc down.
    let (a, b, turn, dir) = if above {
        let top = from.top().min(to.top()) - lift;
        (
            Pos2::new(from.center().x, from.top()),
            Pos2::new(to.center().x, to.top()),
            top,
            -1.0,
        )
    } else {
        let bottom = from.bottom().max(to.bottom()) + lift;
        (
            Pos2::new(from.center().x, from.bottom()),
            Pos2::new(to.center().x, to.bottom()),
            bottom,
            1.0,
        )
    };
    let width = if selected { 3.0 } else { 1.5 };
    let bezier = egui::epaint::CubicBezierShape::from_points_stroke(
        [a, Pos2::new(a.x, turn), Pos2::new(b.x, turn), b],
        false,
        Color32::TRANSPARENT,
        Stroke::new(width, color),
    );
    painter.add(bezier);
    // Arrow head pointing into the target.
    let head = 6.0;
    let back = -dir * head;
    painter.line_segment(
        [b, Pos2::new(b.x - head, b.y - back)],
        Stroke::new(width, color),
    );
    painter.line_segment(
        [b, Pos2::new(b.x + head, b.y - back)],
        Stroke::new(width, color),
    );
    let (mid, align) = if above {
        (
            Pos2::new((a.x + b.x) / 2.0, turn - 2.0),
            egui::Align2::CENTER_BOTTOM,
        )
    } else {
        (
            Pos2::new((a.x + b.x) / 2.0, turn + 2.0),
            egui::Align2::CENTER_TOP,
        )
    };
    painter.text(mid, align, label, egui::FontId::proportional(11.0), color);
}
