//! The labeling views: label bar, search bar and the document with its spans, search hits and
//! relation connectors. They read the project and the per-document state and return
//! [`Intent`]s; the app turns intents into transactions on the one edit path.

use std::collections::{BTreeMap, HashMap};
use std::ops::Range;
use std::sync::Arc;

use egui::{Color32, Event, Key, Pos2, Rect, Stroke};

use crate::model::actions::Edge;
use crate::model::proposed::{ShownSuggestion, SuggestionKey};
use crate::model::{DocStatus, Document, Project, RelationId, Schema, SearchIndex, SpanId};
use crate::text::{BidiLabel, DocumentView, DocumentViewState, SpanHighlight, TextEngine};

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
    /// Replace a span's note with its draft.
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
    /// Create spans with this label on every search hit of the document (one undo step).
    MarkAllHits(String),
    /// Set the current document's status.
    SetStatus(DocStatus),
    /// Go to the next (+1) or previous (-1) search hit.
    StepHit(isize),
    /// Show document `i` (its own selection and scroll position come back with it).
    OpenDocument(usize),
    /// Make this suggestion the one Enter, X and label keys act on (a click on it), or none.
    FocusSuggestion(Option<SuggestionKey>),
    /// Tell the user something (a click that could not do what they meant).
    Say(String),
}

/// The search hits of one document, for the query they were computed for.
#[derive(Clone, Debug, Default)]
pub struct SearchHits {
    /// Hits, in text order.
    pub hits: Vec<Range<usize>>,
    /// Index of the current hit.
    pub current: Option<usize>,
    /// (query, fold) the hits belong to.
    computed_for: Option<(String, bool)>,
}

impl SearchHits {
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

/// Everything about one document's labeling that is not in the project: it stays with the
/// document when the user switches away and comes back.
#[derive(Clone, Debug, Default)]
pub struct DocUi {
    /// Caret, text selection and scroll position of the document view.
    pub view: DocumentViewState,
    /// The selected span.
    pub selected_span: Option<SpanId>,
    /// The selected relation.
    pub selected_relation: Option<RelationId>,
    /// Relation type being linked from the selected span, while picking its target.
    pub linking: Option<String>,
    /// Target proposed by keyboard picking in link mode.
    pub link_candidate: Option<SpanId>,
    /// Notes being typed, by the span they are typed for (committed when the field loses
    /// focus, or when the selection moves away from the span).
    pub note_drafts: BTreeMap<SpanId, String>,
    /// Search hits in this document.
    pub search: SearchHits,
    /// A drag that started on an edge of the selected span: it moves that edge on release.
    pub edge_drag: Option<(SpanId, Edge)>,
    /// Alt was held while the current text selection was made, or it is the search hit
    /// stepped to: a label key marks exactly those characters.
    pub exact_selection: bool,
    /// The search hit last stepped to (Ctrl+F or a corpus search): while it is the
    /// selection, a label key marks exactly it, as "Mark all hits" does.
    pub hit_selected: Option<Range<usize>>,
    /// The suggestion stepped to with Tab or clicked: Enter accepts it, X rejects it.
    pub focused_suggestion: Option<SuggestionKey>,
    /// The suggestion under the pointer last frame.
    pub hovered_suggestion: Option<SuggestionKey>,
}

/// The search bar's query: one for all documents (each keeps its own hits).
#[derive(Debug)]
pub struct SearchQuery {
    /// The typed query.
    pub query: String,
    /// Ignore diacritics, tatweel and letter variants.
    pub fold: bool,
    /// Label chosen for "mark all hits".
    pub mark_label: String,
    /// Focus the query field on the next frame.
    pub focus_request: bool,
    /// Folded text of the last document searched: (document index, fold, index).
    index: Option<(usize, bool, SearchIndex)>,
}

impl Default for SearchQuery {
    fn default() -> Self {
        SearchQuery {
            query: String::new(),
            fold: true,
            mark_label: String::new(),
            focus_request: false,
            index: None,
        }
    }
}

impl SearchQuery {
    /// Recomputes `hits` for document `doc_index` when the query or folding changed since
    /// they were computed.
    pub fn refresh(&mut self, doc_index: usize, doc: &Document, hits: &mut SearchHits) {
        let key = (self.query.clone(), self.fold);
        if hits.computed_for.as_ref() == Some(&key) {
            return;
        }
        let fresh =
            matches!(&self.index, Some((i, fold, _)) if *i == doc_index && *fold == self.fold);
        if !fresh {
            self.index = Some((
                doc_index,
                self.fold,
                SearchIndex::new(doc.text(), self.fold),
            ));
        }
        hits.hits = self
            .index
            .as_ref()
            .map(|(_, _, idx)| idx.find_all(&self.query))
            .unwrap_or_default();
        hits.current = (!hits.hits.is_empty()).then_some(0);
        hits.computed_for = Some(key);
    }
}

/// Labeling state shared by all documents of the open project.
#[derive(Debug, Default)]
pub struct LabelingUi {
    /// Show only spans with this label in the annotation list.
    pub filter: Option<String>,
    /// The search bar.
    pub search: SearchQuery,
    /// The details panel's first control, where F6 puts the keyboard.
    pub first_control: Option<egui::Id>,
    /// Id of the document view's widget last frame (it keeps keyboard focus).
    pub doc_view_id: Option<egui::Id>,
    /// The keyboard was moved to the panels (F6): the text view does not take focus back.
    pub focus_panels: bool,
    /// The document list's scrolling.
    pub list: super::documents::ListView,
    /// The label whose button the pointer is on (its guideline shows in the details panel).
    pub hovered_label: Option<String>,
    /// The schema editor (Project → Labels…).
    pub schema_editor: super::schema_editor::SchemaEditorUi,
    /// The annotation list's rows, kept between frames.
    pub annotation_rows: super::details::AnnotationRows,
    /// Span highlights of the shown document, and the (document, history state, span count)
    /// they were built for.
    highlights: (Option<(usize, u64, usize)>, Vec<SpanHighlight>),
    /// Outlines of the shown document's suggestions (ids: index in the list), and the list
    /// they were built for.
    suggestion_marks: (Option<Arc<Vec<ShownSuggestion>>>, Vec<SpanHighlight>),
}

/// The label's display colour.
pub fn label_color(project: &Project, label: &str) -> Color32 {
    let [r, g, b] = project.schema.label(label).map_or([0x88; 3], |l| l.rgb());
    Color32::from_rgb(r, g, b)
}

/// Whether the schema key `name` (e.g. `"1"`, `"a"`) is the key pressed. The physical key
/// counts too, so label keys work with an Arabic keyboard layout active.
fn key_matches(name: &str, key: Key, physical: Option<Key>) -> bool {
    let Some(want) = Key::from_name(name).or_else(|| Key::from_name(&name.to_uppercase())) else {
        return false;
    };
    key == want || physical == Some(want)
}

/// Takes the schema's label and link keys (without Ctrl/Alt) out of this frame's input.
pub fn schema_keys(ctx: &egui::Context, schema: &Schema) -> Vec<Intent> {
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
            if modifiers.command || modifiers.ctrl || modifiers.alt {
                return true;
            }
            if let Some(l) = schema
                .span_labels
                .iter()
                .find(|l| key_matches(&l.key, *key, *physical_key))
            {
                out.push(Intent::Label(l.name.clone()));
                return false;
            }
            if let Some(r) = schema
                .relation_types
                .iter()
                .find(|r| key_matches(&r.key, *key, *physical_key))
            {
                out.push(Intent::StartLink(r.name.clone()));
                return false;
            }
            true
        });
    });
    out
}

/// The label bar: one button per span label (with its key) and per relation type.
pub fn label_bar(
    ui: &mut egui::Ui,
    engine: &mut TextEngine,
    project: &Project,
    doc: &DocUi,
    hovered_label: &mut Option<String>,
) -> Vec<Intent> {
    let mut out = Vec::new();
    *hovered_label = None;
    let has_selection = doc.view.selection().is_some();
    ui.horizontal(|ui| {
        ui.label("Label:");
        for l in &project.schema.span_labels {
            let enabled = has_selection || doc.selected_span.is_some();
            let text = format!("{} {}", l.key, l.name);
            let color = label_color(project, &l.name);
            let b = super::names::name_button(ui, engine, &text, color, enabled, false)
                .on_hover_text(&l.description)
                .on_disabled_hover_text(&l.description);
            // Disabled buttons (nothing selected) still show their guideline.
            if b.contains_pointer() {
                *hovered_label = Some(l.name.clone());
            }
            if b.clicked() {
                out.push(Intent::Label(l.name.clone()));
            }
        }
        ui.separator();
        ui.label("Link:");
        for r in &project.schema.relation_types {
            let active = doc.linking.as_deref() == Some(r.name.as_str());
            let text = format!("{} {}", r.key.to_uppercase(), r.name);
            let color = ui.visuals().text_color();
            let b = super::names::name_button(
                ui,
                engine,
                &text,
                color,
                doc.selected_span.is_some(),
                active,
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
        if let Some(kind) = &doc.linking {
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
/// Hits are those of document `doc_index`.
pub fn search_bar(
    ui: &mut egui::Ui,
    engine: &mut TextEngine,
    project: &Project,
    doc_index: usize,
    search: &mut SearchQuery,
    hits: &mut SearchHits,
) -> Vec<Intent> {
    let mut out = Vec::new();
    let Some(doc) = project.documents.get(doc_index) else {
        return out;
    };
    search.refresh(doc_index, doc, hits);
    ui.horizontal(|ui| {
        let label = ui.label("Search:");
        let r = ui
            .add(
                egui::TextEdit::singleline(&mut search.query)
                    .desired_width(180.0)
                    .hint_text("Ctrl+F"),
            )
            .labelled_by(label.id);
        if search.focus_request {
            r.request_focus();
            search.focus_request = false;
        }
        if r.has_focus() || r.lost_focus() {
            let (enter, shift) = ui.input(|i| (i.key_pressed(egui::Key::Enter), i.modifiers.shift));
            if enter {
                out.push(Intent::StepHit(if shift { -1 } else { 1 }));
                r.request_focus();
            }
        }
        // egui's field draws Arabic in the wrong order; show the query as it reads.
        let shown = if search.query.is_empty() {
            " "
        } else {
            search.query.as_str()
        };
        ui.scope(|ui| {
            ui.set_width(160.0);
            BidiLabel::new(shown)
                .max_width(160.0)
                .font_size(15.0)
                .show(ui, engine);
        });
        ui.checkbox(&mut search.fold, "ignore diacritics")
            .on_hover_text("Ignore harakat, tatweel and alef/ya/ta marbuta variants");
        search.refresh(doc_index, doc, hits);
        let status = match (hits.current, hits.hits.len()) {
            (_, 0) if search.query.is_empty() => String::new(),
            (_, 0) => "no hits".to_owned(),
            (Some(c), n) => format!("{} of {n}", c + 1),
            (None, n) => format!("{n} hits"),
        };
        ui.add_sized([70.0, 18.0], egui::Label::new(status));
        if ui
            .add_enabled(!hits.hits.is_empty(), egui::Button::new("Previous"))
            .clicked()
        {
            out.push(Intent::StepHit(-1));
        }
        if ui
            .add_enabled(!hits.hits.is_empty(), egui::Button::new("Next"))
            .clicked()
        {
            out.push(Intent::StepHit(1));
        }
        // Empty at first, or a label the schema no longer has (renamed, removed).
        if project.schema.label(&search.mark_label).is_none()
            && let Some(l) = project.schema.span_labels.first()
        {
            search.mark_label = l.name.clone();
        }
        egui::ComboBox::from_label("for all hits")
            .selected_text(search.mark_label.as_str())
            .show_ui(ui, |ui| {
                for l in &project.schema.span_labels {
                    ui.selectable_value(&mut search.mark_label, l.name.clone(), l.name.as_str());
                }
            });
        if ui
            .add_enabled(!hits.hits.is_empty(), egui::Button::new("Mark all hits"))
            .clicked()
        {
            out.push(Intent::MarkAllHits(search.mark_label.clone()));
        }
    });
    out
}

/// The document view with spans, search hits and relation connectors; clicks select spans,
/// link targets or move the selected span's edge. `history_state` identifies the project's
/// contents (span highlights are rebuilt only when it changes).
#[allow(clippy::too_many_arguments)] // the view's inputs, each a different piece of state
pub fn document_area(
    ui: &mut egui::Ui,
    engine: &mut TextEngine,
    project: &Project,
    doc_index: usize,
    history_state: u64,
    doc_ui: &mut DocUi,
    shared: &mut LabelingUi,
    font_size: f32,
    suggestions: &Arc<Vec<ShownSuggestion>>,
) -> Vec<Intent> {
    let mut out = Vec::new();
    let Some(doc) = project.documents.get(doc_index) else {
        ui.label("This project has no documents.");
        return out;
    };
    // Rebuilt only when the annotations or the document change, not every frame.
    let key = (doc_index, history_state, doc.spans.len());
    if shared.highlights.0 != Some(key) {
        // One colour and one shared name per label, not per span.
        let looks: HashMap<&str, (Color32, Arc<str>)> = project
            .schema
            .span_labels
            .iter()
            .map(|l| {
                (
                    l.name.as_str(),
                    (label_color(project, &l.name), l.name.as_str().into()),
                )
            })
            .collect();
        let spans = doc
            .spans
            .iter()
            .map(|sp| {
                let (color, label) = looks
                    .get(sp.label.as_str())
                    .cloned()
                    .unwrap_or_else(|| (label_color(project, &sp.label), sp.label.as_str().into()));
                SpanHighlight {
                    id: sp.id,
                    start: sp.start,
                    end: sp.end,
                    color,
                    label,
                    lane: None,
                }
            })
            .collect();
        shared.highlights = (Some(key), spans);
    }
    let fresh = shared
        .suggestion_marks
        .0
        .as_ref()
        .is_some_and(|l| Arc::ptr_eq(l, suggestions));
    if !fresh {
        // One colour per label; what a screen reader says comes made with the list.
        let mut colors: HashMap<&str, Color32> = HashMap::new();
        let marks = suggestions
            .iter()
            .enumerate()
            .map(|(i, s)| {
                let g = &s.suggestion;
                let color = *colors
                    .entry(g.label.as_str())
                    .or_insert_with(|| label_color(project, &g.label));
                SpanHighlight {
                    id: i as u64,
                    start: g.start,
                    end: g.end,
                    color,
                    label: Arc::clone(&s.read_as),
                    lane: None,
                }
            })
            .collect();
        shared.suggestion_marks = (Some(Arc::clone(suggestions)), marks);
    }
    let focused = doc_ui
        .focused_suggestion
        .as_ref()
        .and_then(|k| suggestions.iter().position(|s| s.is(k)))
        .map(|i| i as u64);
    let spans = &shared.highlights.1;
    let mut extra = doc_ui.search.hits.clone();
    if let Some(c) = doc_ui.link_candidate.and_then(|id| doc.span(id)) {
        extra.push(c.start..c.end);
    }
    let selected = doc_ui.link_candidate.or(doc_ui.selected_span);
    let view_out = DocumentView::new(doc.text())
        .spans(spans)
        .selected_span(selected)
        .extra_highlights(&extra)
        .suggestions(&shared.suggestion_marks.1, focused)
        .font_size(font_size)
        .show(ui, engine, &mut doc_ui.view);
    shared.doc_view_id = Some(view_out.response.id);
    let key_of = |i: u64| suggestions.get(i as usize).map(ShownSuggestion::key);
    doc_ui.hovered_suggestion = view_out.hovered_suggestion.and_then(key_of);
    let on_hit = doc_ui.hit_selected.is_some() && doc_ui.view.selection() == doc_ui.hit_selected;
    doc_ui.exact_selection = view_out.alt_held_during_selection || on_hit;

    // Relation connectors: all of them in small documents, else those of the selection.
    let painter = ui.painter().clone();
    let clip = ui.clip_rect();
    let draw_all = doc.relations.len() <= 200;
    let involved = |r: &crate::model::Relation| {
        doc_ui
            .selected_span
            .is_some_and(|id| r.from == id || r.to == id)
    };
    let shown: Vec<(&crate::model::Relation, Range<usize>, Range<usize>)> = doc
        .relations
        .iter()
        .filter(|r| draw_all || involved(r))
        .filter_map(|r| {
            Some((
                r,
                doc.span(r.from).map(|a| a.start..a.end)?,
                doc.span(r.to).map(|b| b.start..b.end)?,
            ))
        })
        .collect();
    let ends: Vec<Range<usize>> = shown
        .iter()
        .flat_map(|(_, a, b)| [a.clone(), b.clone()])
        .collect();
    let rects = doc_ui.view.ranges_rects(engine, doc.text(), &ends);
    for ((r, _, _), pair) in shown.iter().zip(rects.chunks(2)) {
        let (Some(fa), Some(fb)) = (
            pair.first().and_then(|v| v.first()),
            pair.get(1).and_then(|v| v.first()),
        ) else {
            continue;
        };
        if !clip.intersects(*fa) && !clip.intersects(*fb) {
            continue;
        }
        let is_selected = doc_ui.selected_relation == Some(r.id);
        let color = if is_selected {
            ui.visuals().selection.stroke.color
        } else {
            ui.visuals().weak_text_color()
        };
        paint_relation(
            &painter,
            *fa,
            *fb,
            color,
            is_selected || involved(r),
            &r.kind,
            clip,
        );
    }

    // Dragging an edge of the selected span moves that edge; the drag shows as a selection
    // from the old edge and becomes one change on release.
    let (pressed, released) =
        ui.input(|i| (i.pointer.primary_pressed(), i.pointer.primary_released()));
    if pressed
        && view_out.response.is_pointer_button_down_on()
        && let Some(sp) = doc_ui.selected_span.and_then(|id| doc.span(id))
        && let Some(a) = doc_ui.view.anchor()
    {
        let edge = if a.offset == sp.start {
            Some(Edge::Start)
        } else if a.offset == sp.end {
            Some(Edge::End)
        } else {
            None
        };
        doc_ui.edge_drag = edge.map(|e| (sp.id, e));
    }
    if let Some((id, edge)) = doc_ui.edge_drag {
        if released {
            doc_ui.edge_drag = None;
            if let (Some(sp), Some(c)) = (doc.span(id), doc_ui.view.caret()) {
                let range = match edge {
                    Edge::Start => c.offset.min(sp.end.saturating_sub(1))..sp.end,
                    Edge::End => sp.start..c.offset.max(sp.start + 1),
                };
                doc_ui.view.set_selection(None);
                if range != (sp.start..sp.end) {
                    out.push(Intent::SetRange { span: id, range });
                }
            }
        }
        return out;
    }
    if view_out.selection_changed && doc_ui.view.selection().is_some() {
        out.push(Intent::SelectSpan(None));
    }
    if view_out.response.clicked() {
        let clicked = view_out.clicked_spans;
        if let Some(kind) = &doc_ui.linking {
            let allowed = project
                .schema
                .relation_type(kind)
                .map(|t| t.to.clone())
                .unwrap_or_default();
            match clicked
                .iter()
                .find(|id| doc.span(**id).is_some_and(|sp| allowed.contains(&sp.label)))
            {
                Some(id) => out.push(Intent::CompleteLink(*id)),
                None => out.push(Intent::Say(format!(
                    "Click a span labelled {} to finish the link, or Esc",
                    allowed.join(" or ")
                ))),
            }
        } else if clicked.is_empty()
            && let Some(k) = view_out.clicked_suggestion.and_then(key_of)
        {
            // A click on a suggestion (and no span) makes it the one Enter and X act on.
            out.push(Intent::FocusSuggestion(Some(k)));
        } else if clicked.is_empty() {
            out.push(Intent::SelectSpan(None));
        } else {
            // Repeated clicks on stacked spans cycle through them, innermost first.
            let next = match doc_ui
                .selected_span
                .and_then(|cur| clicked.iter().position(|id| *id == cur))
            {
                Some(i) => clicked[(i + 1) % clicked.len()],
                None => clicked[0],
            };
            doc_ui.view.set_selection(None);
            out.push(Intent::SelectSpan(Some(next)));
        }
    }
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
