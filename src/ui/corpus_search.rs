//! The "Search all documents" window (Ctrl+Shift+F): query field, folding option, the count,
//! and a virtualised list of hits, each with its document's title and a snippet drawn by the
//! bidi engine (the hit shaded inside it). Up/Down move through the hits from the query field,
//! Enter or a click shows one; "Mark all hits" marks every hit. The window reads the search's
//! state and returns [`CorpusIntent`]s; the app runs the search and carries them out.

use std::ops::Range;

use egui::{Key, Modifiers};

use super::labeling::label_color;
use crate::model::Project;
use crate::model::corpus_search::CorpusHit;
use crate::text::{BidiLabel, TextEngine};

/// Height of one hit row, in points: a line of title and up to two of snippet.
const ROW_HEIGHT: f32 = 70.0;
/// Font size of snippets, in points.
const SNIPPET_SIZE: f32 = 15.0;
/// Font size of titles, in points.
const TITLE_SIZE: f32 = 12.0;

/// The window's state between frames.
#[derive(Clone, Debug)]
pub struct CorpusSearchUi {
    /// The window is shown.
    pub open: bool,
    /// The typed query.
    pub query: String,
    /// Ignore diacritics, tatweel and letter variants (on by default, as in Ctrl+F).
    pub fold: bool,
    /// Label chosen for "mark all hits".
    pub mark_label: String,
    /// The hit Up/Down moved to (index into the hits).
    pub selected: Option<usize>,
    /// Put the keyboard in the query field on the next frame.
    pub focus_request: bool,
    /// Scroll the selected hit into view on the next frame.
    pub reveal: bool,
    /// Rows wholly visible last frame.
    pub visible: Range<usize>,
}

impl Default for CorpusSearchUi {
    fn default() -> Self {
        CorpusSearchUi {
            open: false,
            query: String::new(),
            fold: true,
            mark_label: String::new(),
            selected: None,
            focus_request: false,
            reveal: false,
            visible: 0..0,
        }
    }
}

/// What the window shows about the search.
#[derive(Clone, Copy, Debug)]
pub struct CorpusResults<'a> {
    /// Hits found so far, in document order.
    pub hits: &'a [CorpusHit],
    /// Documents with at least one hit.
    pub documents_with_hits: usize,
    /// Documents searched so far.
    pub searched: usize,
    /// Documents in all.
    pub total: usize,
    /// The search is still running.
    pub searching: bool,
    /// The search stopped early: there are more hits than listed.
    pub capped: bool,
}

/// What the user asked for in the window.
#[derive(Clone, Debug, PartialEq)]
pub enum CorpusIntent {
    /// Show hit `i` in its document, selected.
    Open(usize),
    /// Mark every hit with this label (one undo step).
    MarkAll(String),
    /// Close the window.
    Close,
}

/// The query field's id (its focus decides where Up/Down/Enter go).
fn query_id() -> egui::Id {
    egui::Id::unique("corpus_search_query")
}

/// "n hits in m documents", with the progress while searching.
pub fn count_text(query: &str, r: &CorpusResults<'_>) -> String {
    let found = match (r.hits.len(), r.documents_with_hits) {
        (0, _) => "no hits".to_owned(),
        (1, _) => "1 hit in 1 document".to_owned(),
        (n, 1) => format!("{n} hits in 1 document"),
        (n, m) => format!("{n} hits in {m} documents"),
    };
    if r.searching {
        format!("searching… {found} so far ({} of {})", r.searched, r.total)
    } else if r.capped {
        format!("{found}, then stopped: refine the query to see them all")
    } else if query.trim().is_empty() {
        format!("type to search {} documents", r.total)
    } else {
        found
    }
}

/// Draws the window when it is open; returns what the user asked for.
pub fn window(
    ctx: &egui::Context,
    engine: &mut TextEngine,
    project: &Project,
    state: &mut CorpusSearchUi,
    results: &CorpusResults<'_>,
) -> Vec<CorpusIntent> {
    let mut out = Vec::new();
    if !state.open {
        return out;
    }
    let mut open = true;
    let right = ctx.content_rect().right_top() + egui::vec2(-24.0, 72.0);
    egui::Window::new("Search all documents")
        .id(egui::Id::unique("corpus_search_window"))
        .open(&mut open)
        .pivot(egui::Align2::RIGHT_TOP)
        .default_pos(right)
        .default_size([600.0, 480.0])
        .collapsible(false)
        .vscroll(false)
        .show(ctx, |ui| {
            body(ui, engine, project, state, results, &mut out)
        });
    if !open {
        out.push(CorpusIntent::Close);
    }
    out
}

fn body(
    ui: &mut egui::Ui,
    engine: &mut TextEngine,
    project: &Project,
    state: &mut CorpusSearchUi,
    results: &CorpusResults<'_>,
    out: &mut Vec<CorpusIntent>,
) {
    let n = results.hits.len();
    // Up/Down belong to the hit list while the query field has the keyboard.
    if ui.memory(|m| m.has_focus(query_id())) && n > 0 {
        let (down, up) = ui.input_mut(|i| {
            (
                i.count_and_consume_key(Modifiers::NONE, Key::ArrowDown),
                i.count_and_consume_key(Modifiers::NONE, Key::ArrowUp),
            )
        });
        if down + up > 0 {
            let cur = state.selected.map_or(-1, |s| s as isize);
            let next = (cur + down as isize - up as isize).clamp(0, n as isize - 1);
            state.selected = Some(next as usize);
            state.reveal = true;
        }
    }
    ui.horizontal(|ui| {
        let label = ui.label("Search all documents:");
        let r = ui
            .add(
                egui::TextEdit::singleline(&mut state.query)
                    .id(query_id())
                    .desired_width(200.0)
                    .hint_text("Ctrl+Shift+F"),
            )
            .labelled_by(label.id);
        if std::mem::take(&mut state.focus_request) {
            r.request_focus();
        }
        if r.lost_focus() {
            let (enter, escape) =
                ui.input(|i| (i.key_pressed(Key::Enter), i.key_pressed(Key::Escape)));
            if escape {
                out.push(CorpusIntent::Close);
            } else if enter && n > 0 {
                out.push(CorpusIntent::Open(state.selected.unwrap_or(0).min(n - 1)));
            } else if enter {
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
            ui.set_width(170.0);
            BidiLabel::new(shown)
                .max_width(170.0)
                .font_size(15.0)
                .show(ui, engine);
        });
    });
    ui.horizontal(|ui| {
        ui.checkbox(&mut state.fold, "ignore diacritics")
            .on_hover_text("Ignore harakat, tatweel and alef/ya/ta marbuta variants");
        ui.separator();
        ui.label(count_text(&state.query, results));
    });
    ui.horizontal(|ui| {
        // Empty at first, or a label the schema no longer has (renamed, removed).
        if project.schema.label(&state.mark_label).is_none()
            && let Some(l) = project.schema.span_labels.first()
        {
            state.mark_label = l.name.clone();
        }
        let can_mark =
            n > 0 && !results.searching && !results.capped && !state.mark_label.is_empty();
        let button = egui::Button::new(format!("Mark all hits as {}", state.mark_label));
        if ui
            .add_enabled(can_mark, button)
            .on_hover_text("One undo step; asks first when the hits are in several documents")
            .clicked()
        {
            out.push(CorpusIntent::MarkAll(state.mark_label.clone()));
        }
        egui::ComboBox::from_id_salt("corpus_mark_label")
            .selected_text(state.mark_label.as_str())
            .show_ui(ui, |ui| {
                for l in &project.schema.span_labels {
                    ui.selectable_value(&mut state.mark_label, l.name.clone(), l.name.as_str());
                }
            });
    });
    ui.separator();
    hit_list(ui, engine, project, state, results, out);
}

/// The hits, one fixed-height row each; only the visible rows are built.
fn hit_list(
    ui: &mut egui::Ui,
    engine: &mut TextEngine,
    project: &Project,
    state: &mut CorpusSearchUi,
    results: &CorpusResults<'_>,
    out: &mut Vec<CorpusIntent>,
) {
    let mut area = egui::ScrollArea::vertical()
        .id_salt("corpus_hits")
        .auto_shrink([false, false])
        .max_height(ui.available_height().max(140.0));
    if std::mem::take(&mut state.reveal)
        && let Some(sel) = state.selected
        && !state.visible.contains(&sel)
    {
        let row = ROW_HEIGHT + ui.spacing().item_spacing.y;
        let top = sel as f32 * row;
        let above = state.visible.start > sel;
        let offset = if above {
            top
        } else {
            top + row - ui.available_height().max(row)
        };
        area = area.vertical_scroll_offset(offset.max(0.0));
    }
    let accent = project
        .schema
        .span_labels
        .iter()
        .find(|l| l.name == state.mark_label)
        .map_or(ui.visuals().selection.bg_fill, |l| {
            label_color(project, &l.name)
        });
    area.show_rows(ui, ROW_HEIGHT, results.hits.len(), |ui, range| {
        state.visible = range.start + 1..range.end.saturating_sub(1);
        for i in range {
            let hit = &results.hits[i];
            let selected = state.selected == Some(i);
            let (rect, r) = ui.allocate_exact_size(
                egui::vec2(ui.available_width(), ROW_HEIGHT),
                egui::Sense::click(),
            );
            let doc = project.documents.get(hit.doc);
            let snippet = doc.and_then(|d| hit.snippet(d.text()));
            let shown = snippet.as_ref().map_or("", |s| s.text.as_str());
            let name = format!("Hit {}: {shown}", i + 1);
            r.widget_info(|| {
                egui::WidgetInfo::selected(egui::Role::Button, true, selected, name.as_str())
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
            if r.clicked() {
                out.push(CorpusIntent::Open(i));
            }
            let inner = rect.shrink2(egui::vec2(6.0, 2.0));
            let mut child = ui.new_child(egui::UiBuilder::new().max_rect(inner));
            child.set_clip_rect(inner.intersect(ui.clip_rect()));
            let title = doc.map_or("", |d| {
                if d.title.is_empty() {
                    d.id.as_str()
                } else {
                    d.title.as_str()
                }
            });
            let short: String = title.chars().take(70).collect();
            // Titles and snippets are document text: drawn by the bidi engine.
            BidiLabel::new(&short)
                .max_width(inner.width())
                .font_size(TITLE_SIZE)
                .color(ui.visuals().weak_text_color())
                .show(&mut child, engine);
            if let Some(s) = &snippet {
                super::marked::marked_label(
                    &mut child,
                    engine,
                    &s.text,
                    Some(s.hit.clone()),
                    SNIPPET_SIZE,
                    inner.width(),
                    accent,
                );
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_count_says_hits_documents_and_progress() {
        let hit = CorpusHit {
            doc: 0,
            range: 0..1,
            bytes: 0..1,
        };
        let hits = vec![hit.clone(), hit];
        let mut r = CorpusResults {
            hits: &hits,
            documents_with_hits: 2,
            searched: 10,
            total: 40,
            searching: true,
            capped: false,
        };
        assert_eq!(
            count_text("q", &r),
            "searching… 2 hits in 2 documents so far (10 of 40)"
        );
        r.searching = false;
        assert_eq!(count_text("q", &r), "2 hits in 2 documents");
        r.capped = true;
        assert_eq!(
            count_text("q", &r),
            "2 hits in 2 documents, then stopped: refine the query to see them all"
        );
        r.capped = false;
        r.hits = &[];
        assert_eq!(count_text("q", &r), "no hits");
        assert_eq!(count_text(" ", &r), "type to search 40 documents");
    }
}
