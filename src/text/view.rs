//! The document view widget and the bidi label, painted through egui with the engine's
//! own layout and glyph atlas.

use std::ops::Range;
use std::sync::Arc;

use egui::{
    Color32, CornerRadius, Event, EventFilter, Key, Rect, Response, ScrollArea, Sense, Shape,
    Stroke, StrokeKind, Ui, UiBuilder, WidgetInfo, pos2, vec2,
};

use super::engine::TextEngine;
use super::layout::{Affinity, Caret, LayoutMetrics, PxRect};

/// A span to paint over the document: a background tint per visual piece and an
/// underline in its own lane. Offsets are code points of the document text.
#[derive(Clone, Debug, PartialEq)]
pub struct SpanHighlight {
    /// Caller's identifier, reported back on clicks and hover.
    pub id: u64,
    /// First code point.
    pub start: usize,
    /// One past the last code point.
    pub end: usize,
    /// Colour of tint, underline and outline.
    pub color: Color32,
    /// Shown in the hover tooltip (shared: many spans carry the same label).
    pub label: std::sync::Arc<str>,
    /// A fixed underline lane (e.g. one per annotator in a comparison); `None` lets the view
    /// stack overlapping spans in lanes itself.
    pub lane: Option<usize>,
}

/// Selection, caret and scrolling state of one document view, kept by the caller.
#[derive(Clone, Debug, Default)]
pub struct DocumentViewState {
    anchor: Option<Caret>,
    caret: Option<Caret>,
    dragging: bool,
    alt_during_selection: bool,
    scroll_request: Option<Range<usize>>,
    reveal_caret: bool,
    /// Scroll by this many points next frame (PageUp / PageDown), caret moving along.
    page_delta: Option<f32>,
    /// Scroll back to `last_offset` next frame (the document is shown again).
    restore: bool,
    last_offset: f32,
    /// Where the text was drawn last frame (physical px) and with which layout, so callers
    /// can map ranges to the screen between frames.
    last_origin_px: [f32; 2],
    last_metrics: Option<LayoutMetrics>,
    last_ppp: f32,
}

impl DocumentViewState {
    /// The selected code-point range, if non-empty.
    pub fn selection(&self) -> Option<Range<usize>> {
        let (a, c) = (self.anchor?, self.caret?);
        let r = a.offset.min(c.offset)..a.offset.max(c.offset);
        (!r.is_empty()).then_some(r)
    }

    /// Replaces the selection (`None` clears it and leaves the caret at its start).
    pub fn set_selection(&mut self, r: Option<Range<usize>>) {
        match r {
            Some(r) => {
                self.anchor = Some(Caret::new(r.start, Affinity::Downstream));
                self.caret = Some(Caret::new(r.end, Affinity::Upstream));
            }
            None => self.anchor = self.caret,
        }
        self.dragging = false;
    }

    /// Asks the view to show the scroll position it had when this state was last shown
    /// (after another document used the view in between).
    pub fn restore_scroll(&mut self) {
        self.restore = true;
    }

    /// The vertical scroll offset (points) this state was last shown at.
    pub fn scroll_offset(&self) -> f32 {
        self.last_offset
    }

    /// Asks the view to scroll `r` into view on its next frame.
    pub fn scroll_to(&mut self, r: Range<usize>) {
        self.scroll_request = Some(r);
    }

    /// The caret (the moving end of the selection).
    pub fn caret(&self) -> Option<Caret> {
        self.caret
    }

    /// The anchor (the fixed end of the selection, where a drag was pressed).
    pub fn anchor(&self) -> Option<Caret> {
        self.anchor
    }

    /// Screen rectangles (points, as of the last frame) of a code-point range of `text`,
    /// one per visual piece; empty before the first frame. Useful to place popups next
    /// to a span, and for tests that click on characters.
    pub fn range_rects(
        &self,
        engine: &mut TextEngine,
        text: &str,
        range: Range<usize>,
    ) -> Vec<Rect> {
        self.ranges_rects(engine, text, &[range])
            .pop()
            .unwrap_or_default()
    }

    /// [`Self::range_rects`] for many ranges at once: the document is looked up once.
    pub fn ranges_rects(
        &self,
        engine: &mut TextEngine,
        text: &str,
        ranges: &[Range<usize>],
    ) -> Vec<Vec<Rect>> {
        let Some(metrics) = self.last_metrics else {
            return vec![Vec::new(); ranges.len()];
        };
        let (doc, fonts) = engine.document(text, metrics);
        ranges
            .iter()
            .map(|r| {
                doc.highlight_rects(fonts, r.clone())
                    .into_iter()
                    .map(|p| to_screen(p, self.last_origin_px, self.last_ppp))
                    .collect()
            })
            .collect()
    }
}

/// What happened in the document view this frame.
#[derive(Debug)]
pub struct DocumentViewOutput {
    /// The response of the text area (focusable, click and drag).
    pub response: Response,
    /// The selection differs from the previous frame's.
    pub selection_changed: bool,
    /// Spans under a click, innermost (shortest) first.
    pub clicked_spans: Vec<u64>,
    /// Innermost span under the pointer.
    pub hovered_span: Option<u64>,
    /// Innermost suggestion under a click.
    pub clicked_suggestion: Option<u64>,
    /// Innermost suggestion under the pointer.
    pub hovered_suggestion: Option<u64>,
    /// Alt was held at some point while making the current selection.
    pub alt_held_during_selection: bool,
}

/// Default reading size in points.
pub const DEFAULT_FONT_SIZE: f32 = 20.0;

/// The document view: the whole text in its own vertical scroll area, bidi-correct, with
/// selection, spans and keyboard navigation.
#[must_use = "call .show(ui, engine, state)"]
pub struct DocumentView<'a> {
    text: &'a str,
    spans: &'a [SpanHighlight],
    selected_span: Option<u64>,
    extra: &'a [Range<usize>],
    suggestions: &'a [SpanHighlight],
    focused_suggestion: Option<u64>,
    font_size: f32,
    id_salt: &'a str,
}

const PAD: f32 = 12.0;

fn to_screen(r: PxRect, origin_px: [f32; 2], ppp: f32) -> Rect {
    Rect::from_min_max(
        pos2(
            (origin_px[0] + r.min_x) / ppp,
            (origin_px[1] + r.min_y) / ppp,
        ),
        pos2(
            (origin_px[0] + r.max_x) / ppp,
            (origin_px[1] + r.max_y) / ppp,
        ),
    )
}

/// Length of a suggestion outline's dashes and of the gaps between them, in points.
const DASH: f32 = 4.0;
const GAP: f32 = 3.0;

/// The dash pattern, one period of one texel per point ([`DASH`] opaque, [`GAP`] clear),
/// repeated along each edge: an outline is four quads however long it is.
fn dash_texture(ctx: &egui::Context) -> egui::TextureId {
    let key = egui::Id::unique("qalam-suggestion-dash");
    if let Some(t) = ctx.data(|d| d.get_temp::<egui::TextureHandle>(key)) {
        return t.id();
    }
    let pixels = (0..(DASH + GAP) as usize)
        .map(|i| {
            if (i as f32) < DASH {
                Color32::WHITE
            } else {
                Color32::TRANSPARENT
            }
        })
        .collect::<Vec<_>>();
    let image = egui::ColorImage::new([pixels.len(), 1], pixels);
    let options = egui::TextureOptions {
        magnification: egui::TextureFilter::Nearest,
        minification: egui::TextureFilter::Nearest,
        wrap_mode: egui::TextureWrapMode::Repeat,
        mipmap_mode: None,
    };
    let handle = ctx.load_texture("qalam-suggestion-dash", image, options);
    let id = handle.id();
    // Kept in the context's memory: dropping the handle would free the texture.
    ctx.data_mut(|d| d.insert_temp(key, handle));
    id
}

/// Adds one edge of an outline: `rect` with the dash pattern from `u0` to `u1` (in pattern
/// periods) along its length.
fn dash_edge(mesh: &mut egui::Mesh, rect: Rect, u: [f32; 2], horizontal: bool, color: Color32) {
    let Ok(i) = u32::try_from(mesh.vertices.len()) else {
        return;
    };
    let uv = |u: f32| pos2(u, 0.5);
    // Left top, right top, right bottom, left bottom.
    let us = if horizontal {
        [u[0], u[1], u[1], u[0]]
    } else {
        [u[0], u[0], u[1], u[1]]
    };
    let corners = [
        rect.left_top(),
        rect.right_top(),
        rect.right_bottom(),
        rect.left_bottom(),
    ];
    for (pos, u) in corners.into_iter().zip(us) {
        mesh.vertices.push(egui::epaint::Vertex {
            pos,
            uv: uv(u),
            color,
        });
    }
    mesh.add_triangle(i, i + 1, i + 2);
    mesh.add_triangle(i, i + 2, i + 3);
}

/// Adds a dashed outline just inside `r` to `mesh` (textured with [`dash_texture`]): top and
/// bottom dashed from the left corner, the sides between them starting with a gap.
fn dashed_rect(mesh: &mut egui::Mesh, r: Rect, width: f32, color: Color32) {
    let period = DASH + GAP;
    let along = [0.0, r.width() / period];
    let top = Rect::from_min_max(r.min, pos2(r.max.x, r.min.y + width));
    let bottom = Rect::from_min_max(pos2(r.min.x, r.max.y - width), r.max);
    dash_edge(mesh, top, along, true, color);
    dash_edge(mesh, bottom, along, true, color);
    let (y0, y1) = (r.min.y + width, r.max.y - width);
    if y1 > y0 {
        let u0 = -GAP / period;
        let down = [u0, u0 + (y1 - y0) / period];
        let left = Rect::from_min_max(pos2(r.min.x, y0), pos2(r.min.x + width, y1));
        let right = Rect::from_min_max(pos2(r.max.x - width, y0), pos2(r.max.x, y1));
        dash_edge(mesh, left, down, false, color);
        dash_edge(mesh, right, down, false, color);
    }
}

/// Suggestion outlines as drawn: reused by the next frames while [`Outlines::key`] stays the
/// same (a steady window redraws nothing; scrolling redraws only what is on screen).
#[derive(Clone, Default)]
struct Outlines {
    /// Hash of everything the outlines were drawn from.
    key: u64,
    /// Every dash of every outline, in one mesh.
    mesh: Arc<egui::Mesh>,
    /// Screen bounds of each suggestion outlined, and its index among the marks.
    drawn: Arc<Vec<(Rect, usize)>>,
}

/// The paragraphs and code points of the rows inside `clip` (the screen), of the laid out
/// paragraphs `visible`.
struct OnScreen {
    paras: Range<usize>,
    chars: Range<usize>,
    /// Top and height (px) of each of `paras`: where they were drawn.
    tops: Vec<(f32, f32)>,
}

fn on_screen_rows(
    doc: &mut super::DocLayout,
    visible: Range<usize>,
    clip: Rect,
    origin_px: [f32; 2],
    ppp: f32,
) -> OnScreen {
    let clip_y = [
        clip.min.y * ppp - origin_px[1],
        clip.max.y * ppp - origin_px[1],
    ];
    let mut on = OnScreen {
        paras: 0..0,
        chars: 0..0,
        tops: Vec::new(),
    };
    for i in visible {
        let top = doc.paragraph_top(i);
        let base = doc.paragraph_range(i).start;
        let Some(l) = doc.paragraph_layout(i) else {
            continue;
        };
        let h = l.height();
        if top + h <= clip_y[0] || top >= clip_y[1] {
            continue;
        }
        // Rows are logical runs in order, so the rows on screen cover one range.
        let first = base + l.row_start(l.row_at_y(clip_y[0] - top)).offset;
        let last = base + l.row_end(l.row_at_y(clip_y[1] - top)).offset;
        if on.tops.is_empty() {
            on.paras = i..i + 1;
            on.chars = first..last;
        } else {
            on.paras.end = i + 1;
            on.chars.end = last;
        }
        on.tops.push((top, h));
    }
    on
}

/// FxHash's step: a fast, good enough mix for a cache key.
fn mix(h: u64, x: u64) -> u64 {
    (h.rotate_left(5) ^ x).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95)
}

/// The shortest of `marks` covering code point `k`.
fn innermost(marks: &[SpanHighlight], k: usize) -> Option<u64> {
    marks
        .iter()
        .filter(|s| s.start <= k && k < s.end)
        .min_by_key(|s| (s.end - s.start, s.start))
        .map(|s| s.id)
}

/// Lanes for span underlines: overlapping spans get different lanes, nested ones stack.
fn assign_lanes(spans: &[SpanHighlight]) -> Vec<usize> {
    if spans.iter().any(|s| s.lane.is_some()) {
        return spans.iter().map(|s| s.lane.unwrap_or(0)).collect();
    }
    let mut order: Vec<usize> = (0..spans.len()).collect();
    order.sort_by_key(|&i| (spans[i].start, std::cmp::Reverse(spans[i].end)));
    let mut lane_end: Vec<usize> = Vec::new();
    let mut lanes = vec![0; spans.len()];
    for i in order {
        let s = &spans[i];
        let lane = lane_end
            .iter()
            .position(|&e| e <= s.start)
            .unwrap_or(lane_end.len());
        if lane == lane_end.len() {
            lane_end.push(s.end);
        } else {
            lane_end[lane] = s.end;
        }
        lanes[i] = lane;
    }
    lanes
}

impl<'a> DocumentView<'a> {
    /// A view of `text`; all offsets are code points into it.
    pub fn new(text: &'a str) -> Self {
        Self {
            text,
            spans: &[],
            selected_span: None,
            extra: &[],
            suggestions: &[],
            focused_suggestion: None,
            font_size: DEFAULT_FONT_SIZE,
            id_salt: "qalam-document-view",
        }
    }

    /// Spans to paint.
    pub fn spans(mut self, spans: &'a [SpanHighlight]) -> Self {
        self.spans = spans;
        self
    }

    /// The span to outline.
    pub fn selected_span(mut self, id: Option<u64>) -> Self {
        self.selected_span = id;
        self
    }

    /// Extra ranges (e.g. search hits) painted in a distinct style.
    pub fn extra_highlights(mut self, ranges: &'a [Range<usize>]) -> Self {
        self.extra = ranges;
        self
    }

    /// Suggested spans, drawn as dashed outlines in their colour (never tinted or underlined
    /// like spans), `focused` thicker; each visible one is an AccessKit node read as its
    /// `label` (the caller's words, e.g. "suggested speaker: TEXT").
    pub fn suggestions(mut self, marks: &'a [SpanHighlight], focused: Option<u64>) -> Self {
        self.suggestions = marks;
        self.focused_suggestion = focused;
        self
    }

    /// Font size in points (zoom). Default [`DEFAULT_FONT_SIZE`].
    pub fn font_size(mut self, points: f32) -> Self {
        if points.is_finite() && points > 0.0 {
            self.font_size = points;
        }
        self
    }

    /// A different id salt, for two views in one ui.
    pub fn id_salt(mut self, salt: &'a str) -> Self {
        self.id_salt = salt;
        self
    }

    /// The marks on screen: those overlapping the code points of the rows on screen.
    fn marks_on<'m>(
        &'m self,
        on: &'m OnScreen,
    ) -> impl Iterator<Item = (usize, &'m SpanHighlight)> + 'm {
        self.suggestions
            .iter()
            .enumerate()
            .filter(move |(_, s)| s.end > on.chars.start && s.start < on.chars.end)
    }

    /// Hash of what the suggestions' outlines on screen are drawn from: the text, its layout
    /// and place, the marks on screen and which is focused.
    fn suggestion_key(
        &self,
        doc: &super::DocLayout,
        on: &OnScreen,
        metrics: LayoutMetrics,
        origin_px: [f32; 2],
        ppp: f32,
        clip: Rect,
    ) -> u64 {
        let mut h = mix(0, self.text.as_ptr() as u64);
        for x in [
            self.text.len(),
            doc.len_chars(),
            on.paras.start,
            on.paras.end,
        ] {
            h = mix(h, x as u64);
        }
        let floats = [
            metrics.font_px,
            metrics.width_px,
            metrics.line_height_px,
            metrics.paragraph_gap_px,
            ppp,
        ]
        .into_iter()
        .chain(origin_px)
        .chain([clip.min.x, clip.min.y, clip.max.x, clip.max.y])
        .chain(on.tops.iter().flat_map(|&(t, ht)| [t, ht]));
        for f in floats {
            h = mix(h, u64::from(f.to_bits()));
        }
        for (i, s) in self.marks_on(on) {
            let focused = self.focused_suggestion == Some(s.id);
            for x in [i, s.start, s.end] {
                h = mix(h, x as u64);
            }
            h = mix(h, u64::from(u32::from_ne_bytes(s.color.to_array())));
            h = mix(h, u64::from(focused));
        }
        h
    }

    /// Draws the outlines of the marks on screen into one mesh.
    fn outline_suggestions(
        &self,
        doc: &mut super::DocLayout,
        on: &OnScreen,
        (origin_px, ppp, clip): ([f32; 2], f32, Rect),
        texture: egui::TextureId,
        key: u64,
        pieces: &mut Vec<PxRect>,
    ) -> Outlines {
        let mut mesh = egui::Mesh::with_texture(texture);
        let mut drawn = Vec::new();
        for (i, s) in self.marks_on(on) {
            pieces.clear();
            doc.highlight_rects_in(s.start..s.end, on.paras.clone(), pieces);
            let width = if self.focused_suggestion == Some(s.id) {
                2.5
            } else {
                1.2
            };
            let mut bounds = Rect::NOTHING;
            for r in pieces.iter() {
                let sr = to_screen(*r, origin_px, ppp).expand(1.0);
                // Rows of an on-screen paragraph can be off screen.
                if !sr.intersects(clip) {
                    continue;
                }
                bounds = bounds.union(sr);
                dashed_rect(&mut mesh, sr, width, s.color);
            }
            if bounds.is_positive() {
                drawn.push((bounds, i));
            }
        }
        Outlines {
            key,
            mesh: Arc::new(mesh),
            drawn: Arc::new(drawn),
        }
    }

    /// Lays out what is visible, handles input, paints. Takes the remaining space of `ui`.
    pub fn show(
        self,
        ui: &mut Ui,
        engine: &mut TextEngine,
        state: &mut DocumentViewState,
    ) -> DocumentViewOutput {
        let ctx = ui.ctx().clone();
        engine.begin_frame(&ctx);
        let ppp = ctx.pixels_per_point();
        let id = ui.make_persistent_id(self.id_salt);
        let avail = ui.available_size();
        let width_pt = (avail.x - 2.0 * PAD).max(40.0);
        let metrics = LayoutMetrics::new(self.font_size * ppp, (width_pt * ppp).floor());
        let selection_before = state.selection();
        let doc_idx = engine.document_index(self.text, metrics);

        // Scroll requests and anchoring, decided before the scroll area is built.
        let mut target: Option<f32> = None;
        {
            let (doc, fonts) = engine.doc_mut(doc_idx);
            let view_px = avail.y * ppp;
            if let Some(delta) = state.page_delta.take() {
                target = Some((state.last_offset + delta).max(0.0));
            } else if std::mem::take(&mut state.restore) {
                target = Some(state.last_offset);
            } else if let Some(r) = state.scroll_request.take() {
                let rect = doc.caret_rect(fonts, Caret::new(r.start, Affinity::Downstream));
                let y = rect.min_y / ppp + PAD;
                if y < state.last_offset
                    || y + rect.max_y / ppp - rect.min_y / ppp > state.last_offset + avail.y
                {
                    target = Some((y - avail.y / 3.0).max(0.0));
                }
            } else if state.reveal_caret
                && let Some(c) = state.caret
            {
                let rect = doc.caret_rect(fonts, c);
                let (y0, y1) = (rect.min_y / ppp + PAD, rect.max_y / ppp + PAD);
                if y0 < state.last_offset {
                    target = Some(y0 - PAD);
                } else if y1 > state.last_offset + avail.y {
                    target = Some(y1 - avail.y + PAD);
                }
            }
            state.reveal_caret = false;
            let top = target.unwrap_or(state.last_offset);
            let (_, corrected_px) =
                doc.ensure_visible(fonts, (top - PAD).max(0.0) * ppp, view_px, view_px * 0.5);
            let corrected = corrected_px / ppp + if top >= PAD { PAD } else { top };
            if target.is_none() && (corrected - top).abs() > 0.5 && !state.dragging {
                target = Some(corrected);
            }
        }
        let mut area = ScrollArea::vertical()
            .id_salt(id.with("scroll"))
            .auto_shrink([false, false]);
        if let Some(t) = target {
            area = area.vertical_scroll_offset(t.max(0.0));
        }

        let mut clicked_spans = Vec::new();
        let mut hovered_span = None;
        let mut clicked_suggestion = None;
        let mut hovered_suggestion = None;
        let out = area.show_viewport(ui, |ui, viewport| {
            let total_h = engine.doc_mut(doc_idx).0.total_height() / ppp + 2.0 * PAD;
            let (rect, _) =
                ui.allocate_exact_size(vec2(ui.available_width(), total_h), Sense::hover());
            let response = ui.interact(rect, id, Sense::click_and_drag());
            let origin_px = [
                ((rect.min.x + PAD) * ppp).round(),
                ((rect.min.y + PAD) * ppp).round(),
            ];
            let to_doc = |p: egui::Pos2| (p.x * ppp - origin_px[0], p.y * ppp - origin_px[1]);

            state.last_origin_px = origin_px;
            state.last_metrics = Some(metrics);
            state.last_ppp = ppp;
            let (doc, fonts) = engine.doc_mut(doc_idx);
            let view_top_px = (viewport.min.y - PAD).max(0.0) * ppp;
            let (visible, _) = doc.ensure_visible(
                fonts,
                view_top_px,
                viewport.height() * ppp,
                viewport.height() * ppp * 0.25,
            );

            // Pointer: anchor at the press origin (drag_started fires only past the threshold).
            let (pressed, down, press_origin, interact_pos, hover_pos, modifiers) = ui.input(|i| {
                (
                    i.pointer.primary_pressed(),
                    i.pointer.primary_down(),
                    i.pointer.press_origin(),
                    i.pointer.interact_pos(),
                    i.pointer.hover_pos(),
                    i.modifiers,
                )
            });
            if response.is_pointer_button_down_on() {
                if pressed {
                    if let Some(p) = press_origin.or(interact_pos) {
                        let (x, y) = to_doc(p);
                        let c = doc.hit(fonts, x, y);
                        if modifiers.shift && state.caret.is_some() {
                            state.caret = Some(c);
                            state.alt_during_selection |= modifiers.alt;
                        } else {
                            state.anchor = Some(c);
                            state.caret = Some(c);
                            state.alt_during_selection = modifiers.alt;
                        }
                        state.dragging = true;
                        response.request_focus();
                    }
                } else if state.dragging
                    && down
                    && let Some(p) = interact_pos
                {
                    let (x, y) = to_doc(p);
                    state.caret = Some(doc.hit(fonts, x, y));
                    state.alt_during_selection |= modifiers.alt;
                    // Dragging past the edge scrolls.
                    let clip = ui.clip_rect();
                    if p.y > clip.max.y {
                        ui.scroll_with_delta(vec2(0.0, -(p.y - clip.max.y).min(30.0)));
                    } else if p.y < clip.min.y {
                        ui.scroll_with_delta(vec2(0.0, (clip.min.y - p.y).min(30.0)));
                    }
                }
            }
            if !down {
                state.dragging = false;
            }
            let char_under =
                |doc: &mut super::DocLayout, fonts: &mut cosmic_text::FontSystem, p: egui::Pos2| {
                    let (x, y) = to_doc(p);
                    let c = doc.hit(fonts, x, y);
                    match c.affinity {
                        Affinity::Downstream => c.offset,
                        Affinity::Upstream => c.offset.saturating_sub(1),
                    }
                };
            if response.double_clicked()
                && let Some(p) = interact_pos
            {
                let k = char_under(doc, fonts, p);
                let w = doc.word_at(k);
                state.anchor = Some(Caret::new(w.start, Affinity::Downstream));
                state.caret = Some(Caret::new(w.end, Affinity::Upstream));
            }
            if response.triple_clicked()
                && let Some(p) = interact_pos
            {
                let k = char_under(doc, fonts, p);
                let para = doc.paragraph_range(doc.locate(k).0);
                state.anchor = Some(Caret::new(para.start, Affinity::Downstream));
                state.caret = Some(Caret::new(para.end, Affinity::Upstream));
            }
            let spans_at = |k: usize| {
                let mut v: Vec<&SpanHighlight> = self
                    .spans
                    .iter()
                    .filter(|s| s.start <= k && k < s.end)
                    .collect();
                v.sort_by_key(|s| (s.end - s.start, s.start));
                v
            };
            if response.clicked()
                && let Some(p) = interact_pos
            {
                let k = char_under(doc, fonts, p);
                clicked_spans = spans_at(k).iter().map(|s| s.id).collect();
                clicked_suggestion = innermost(self.suggestions, k);
            }
            if let Some(p) = hover_pos.filter(|p| rect.contains(*p) && ui.clip_rect().contains(*p))
            {
                let k = char_under(doc, fonts, p);
                hovered_span = spans_at(k).first().map(|s| s.id);
                hovered_suggestion = innermost(self.suggestions, k);
            }

            // Keyboard (not digits: the app uses them as label keys).
            if response.has_focus() {
                ctx.memory_mut(|m| {
                    m.set_focus_lock_filter(
                        id,
                        // Tab steps through spans (the app's binding), so it must not move focus.
                        EventFilter {
                            horizontal_arrows: true,
                            vertical_arrows: true,
                            tab: true,
                            ..Default::default()
                        },
                    );
                });
                let events = ui.input(|i| i.events.clone());
                for ev in events {
                    match ev {
                        Event::Key {
                            key,
                            pressed: true,
                            modifiers,
                            ..
                        } => {
                            let c = state.caret.unwrap_or_default();
                            // A page: the view's height, less a line so context stays.
                            let page = (viewport.height() * ppp - metrics.line_height_px)
                                .max(metrics.line_height_px);
                            let moved = match key {
                                Key::PageUp | Key::PageDown if !modifiers.command => {
                                    let down = key == Key::PageDown;
                                    let r = doc.caret_rect(fonts, c);
                                    let y =
                                        (r.min_y + r.max_y) / 2.0 + if down { page } else { -page };
                                    let bottom = doc.total_height();
                                    let moved = doc.hit(fonts, r.min_x, y.clamp(0.0, bottom));
                                    state.page_delta =
                                        Some((doc.caret_rect(fonts, moved).min_y - r.min_y) / ppp);
                                    moved
                                }
                                Key::ArrowLeft => doc.move_visual(fonts, c, false),
                                Key::ArrowRight => doc.move_visual(fonts, c, true),
                                Key::ArrowUp => doc.move_vertical(fonts, c, false),
                                Key::ArrowDown => doc.move_vertical(fonts, c, true),
                                Key::Home if modifiers.command => {
                                    Caret::new(0, Affinity::Downstream)
                                }
                                Key::End if modifiers.command => {
                                    Caret::new(doc.len_chars(), Affinity::Upstream)
                                }
                                Key::Home => doc.row_start(fonts, c),
                                Key::End => doc.row_end(fonts, c),
                                _ => continue,
                            };
                            // Shift-moving from a caret never placed by a click starts the
                            // selection where the caret was.
                            if state.anchor.is_none() {
                                state.anchor = Some(c);
                            }
                            state.caret = Some(moved);
                            if !modifiers.shift {
                                state.anchor = Some(moved);
                            }
                            state.reveal_caret = state.page_delta.is_none();
                        }
                        Event::Copy => {
                            if let Some(sel) = state.selection() {
                                let s: String =
                                    doc.text().chars().skip(sel.start).take(sel.len()).collect();
                                ctx.copy_text(s);
                            }
                        }
                        _ => {}
                    }
                }
            }

            // Painting, back to front: span tints, extra highlights, selection, glyphs,
            // underline lanes, the selected span's outline, the caret.
            let visuals = ui.visuals().clone();
            let painter = ui.painter().clone();
            let vis_chars = doc.paragraph_range(visible.start).start
                ..doc.paragraph_range(visible.end.saturating_sub(1)).end;
            let mut pieces = Vec::new();
            // Lanes only among the spans on screen: a large document's other spans cost nothing.
            let on_screen: Vec<SpanHighlight> = self
                .spans
                .iter()
                .filter(|s| s.end > vis_chars.start && s.start < vis_chars.end)
                .cloned()
                .collect();
            let lanes = assign_lanes(&on_screen);
            let tint = if visuals.dark_mode { 0.35 } else { 0.22 };
            let mut underlines: Vec<(Rect, Color32, usize)> = Vec::new();
            let mut outlines: Vec<(Rect, Color32)> = Vec::new();
            for (s, lane) in on_screen.iter().zip(&lanes) {
                pieces.clear();
                doc.highlight_rects_in(s.start..s.end, visible.clone(), &mut pieces);
                for r in &pieces {
                    let sr = to_screen(*r, origin_px, ppp);
                    painter.rect_filled(sr, CornerRadius::ZERO, s.color.gamma_multiply(tint));
                    underlines.push((sr, s.color, *lane));
                    if self.selected_span == Some(s.id) {
                        outlines.push((sr, s.color));
                    }
                }
            }
            for r in self.extra {
                pieces.clear();
                doc.highlight_rects_in(r.clone(), visible.clone(), &mut pieces);
                for p in &pieces {
                    let sr = to_screen(*p, origin_px, ppp);
                    painter.rect_filled(
                        sr,
                        CornerRadius::ZERO,
                        visuals.warn_fg_color.gamma_multiply(0.25),
                    );
                    painter.rect_stroke(
                        sr,
                        CornerRadius::same(2),
                        Stroke::new(1.0, visuals.warn_fg_color),
                        StrokeKind::Inside,
                    );
                }
            }
            if let Some(sel) = state.selection() {
                pieces.clear();
                doc.highlight_rects_in(sel, visible.clone(), &mut pieces);
                for p in &pieces {
                    painter.rect_filled(
                        to_screen(*p, origin_px, ppp),
                        CornerRadius::ZERO,
                        visuals.selection.bg_fill.gamma_multiply(0.7),
                    );
                }
            }
            // Suggestions: dashed outlines only, so they never read as spans. Only those on
            // screen are outlined (and given accessibility nodes below); the outlines are
            // reused while nothing they are drawn from changes.
            let clip = ui.clip_rect();
            let dashed = if self.suggestions.is_empty() {
                Outlines::default()
            } else {
                let on = on_screen_rows(doc, visible.clone(), clip, origin_px, ppp);
                let texture = dash_texture(&ctx);
                let wanted = mix(
                    self.suggestion_key(doc, &on, metrics, origin_px, ppp, clip),
                    match texture {
                        egui::TextureId::Managed(t) => t,
                        egui::TextureId::User(t) => !t,
                    },
                );
                let cache_id = id.with("suggestion-outlines");
                match ctx.data(|d| d.get_temp::<Outlines>(cache_id)) {
                    Some(o) if o.key == wanted => o,
                    _ => {
                        let o = self.outline_suggestions(
                            doc,
                            &on,
                            (origin_px, ppp, clip),
                            texture,
                            wanted,
                            &mut pieces,
                        );
                        ctx.data_mut(|d| d.insert_temp(cache_id, o.clone()));
                        o
                    }
                }
            };
            if !dashed.mesh.is_empty() {
                painter.add(Shape::mesh(Arc::clone(&dashed.mesh)));
            }
            let clip_y = [
                clip.min.y * ppp - origin_px[1],
                clip.max.y * ppp - origin_px[1],
            ];
            let jobs: Vec<(usize, [f32; 2], [f32; 2])> = visible
                .clone()
                .map(|i| {
                    let top = doc.paragraph_top(i);
                    (
                        i,
                        [origin_px[0], origin_px[1] + top],
                        [clip_y[0] - top, clip_y[1] - top],
                    )
                })
                .collect();
            let caret_rect = state.caret.map(|c| doc.caret_rect(fonts, c));
            let a11y: Vec<(usize, Rect, String, bool)> = visible
                .clone()
                .map(|i| {
                    let top = doc.paragraph_top(i);
                    let h = doc.paragraph_layout(i).map_or(0.0, |l| l.height());
                    let r = to_screen(
                        PxRect::new(0.0, top, metrics.width_px, top + h),
                        origin_px,
                        ppp,
                    );
                    (
                        i,
                        r,
                        doc.paragraph_text(i).to_owned(),
                        doc.paragraph_direction(i).is_rtl(),
                    )
                })
                .collect();
            let mesh = engine.document_glyph_mesh(&ctx, doc_idx, &jobs, visuals.text_color(), ppp);
            painter.add(Shape::mesh(mesh));
            for (r, color, lane) in underlines {
                let y = r.max.y - 3.0 - lane as f32 * 3.5;
                painter.line_segment(
                    [pos2(r.min.x, y), pos2(r.max.x, y)],
                    Stroke::new(2.0, color),
                );
            }
            for (r, color) in outlines {
                painter.rect_stroke(
                    r,
                    CornerRadius::same(2),
                    Stroke::new(2.0, color),
                    StrokeKind::Outside,
                );
            }
            if response.has_focus()
                && let Some(cr) = caret_rect
            {
                let sr = to_screen(cr, origin_px, ppp);
                let x = sr.center().x;
                painter.line_segment(
                    [pos2(x, sr.min.y + 2.0), pos2(x, sr.max.y - 2.0)],
                    visuals.text_cursor.stroke,
                );
            }

            // Accessibility: the view is a document node, each visible paragraph a child.
            let label = "Document text";
            response.widget_info(|| WidgetInfo::labeled(egui::Role::Document, true, label));
            let a11y_ui = ui.new_child(
                UiBuilder::new()
                    .id_salt("qalam-doc-a11y")
                    .accessibility_parent(response.id),
            );
            for (i, r, text, rtl) in a11y {
                let pid = id.with(("paragraph", i));
                let pr = a11y_ui.interact(r, pid, Sense::empty());
                ctx.accesskit_node_builder(pr.id, |node| {
                    node.set_role(egui::Role::Paragraph);
                    node.set_label(text);
                    node.set_text_direction(if rtl {
                        egui::accesskit::TextDirection::RightToLeft
                    } else {
                        egui::accesskit::TextDirection::LeftToRight
                    });
                    node.set_bounds(egui::accesskit::Rect {
                        x0: r.min.x.into(),
                        y0: r.min.y.into(),
                        x1: r.max.x.into(),
                        y1: r.max.y.into(),
                    });
                });
            }
            // Only while a screen reader listens (egui builds no tree otherwise).
            let a11y_on = ctx.accesskit_node_builder(response.id, |_| ()).is_some();
            let drawn = dashed.drawn.iter().filter(|_| a11y_on);
            for (r, s) in drawn.filter_map(|(r, i)| Some((r, self.suggestions.get(*i)?))) {
                let sid = id.with(("suggestion", s.id));
                let sr = a11y_ui.interact(*r, sid, Sense::empty());
                ctx.accesskit_node_builder(sr.id, |node| {
                    node.set_role(egui::Role::Mark);
                    node.set_label(s.label.as_ref());
                    node.set_bounds(egui::accesskit::Rect {
                        x0: r.min.x.into(),
                        y0: r.min.y.into(),
                        x1: r.max.x.into(),
                        y1: r.max.y.into(),
                    });
                });
            }
            if let Some(sel) = state.selection() {
                ctx.accesskit_node_builder(response.id, |node| {
                    node.set_description(format!("selection {}..{}", sel.start, sel.end));
                });
            }
            response
        });
        state.last_offset = out.state.clamped_offset().y;
        let response = out.inner;
        if let Some(h) = hovered_span
            && !state.dragging
            && let Some(s) = self.spans.iter().find(|s| s.id == h)
        {
            let text: String = self
                .text
                .chars()
                .skip(s.start)
                .take(s.end.saturating_sub(s.start))
                .collect();
            let label = s.label.clone();
            response.clone().on_hover_ui_at_pointer(|ui| {
                BidiLabel::new(&label).show(ui, engine);
                BidiLabel::new(&text).max_width(360.0).show(ui, engine);
            });
        }
        let selection_changed = state.selection() != selection_before;
        DocumentViewOutput {
            response,
            selection_changed,
            clicked_spans,
            hovered_span,
            clicked_suggestion,
            hovered_suggestion,
            alt_held_during_selection: state.alt_during_selection && state.selection().is_some(),
        }
    }
}

/// A short bidi-correct text (a line, or wrapped within `max_width`) drawn by the same engine:
/// for annotation lists, tooltips and search results.
#[must_use = "call .show(ui, engine)"]
pub struct BidiLabel<'a> {
    text: &'a str,
    max_width: Option<f32>,
    font_size: Option<f32>,
    color: Option<Color32>,
}

impl<'a> BidiLabel<'a> {
    /// A label showing `text` (line breaks become spaces).
    pub fn new(text: &'a str) -> Self {
        Self {
            text,
            max_width: None,
            font_size: None,
            color: None,
        }
    }

    /// Wrap at this width in points (default: the available width).
    pub fn max_width(mut self, w: f32) -> Self {
        self.max_width = Some(w);
        self
    }

    /// Font size in points (default: egui's body text size × 1.15, since Naskh runs small).
    pub fn font_size(mut self, points: f32) -> Self {
        self.font_size = Some(points);
        self
    }

    /// Text colour (default: the visuals' text colour).
    pub fn color(mut self, c: Color32) -> Self {
        self.color = Some(c);
        self
    }

    /// Allocates its size and paints. The response carries the text for accessibility.
    pub fn show(self, ui: &mut Ui, engine: &mut TextEngine) -> Response {
        let ctx = ui.ctx().clone();
        engine.begin_frame(&ctx);
        let ppp = ctx.pixels_per_point();
        let size = self.font_size.unwrap_or_else(|| {
            ui.style()
                .text_styles
                .get(&egui::TextStyle::Body)
                .map_or(14.0, |f| f.size)
                * 1.15
        });
        let width = self
            .max_width
            .unwrap_or_else(|| ui.available_width())
            .min(ui.available_width().max(20.0))
            .max(20.0);
        let one_line: std::borrow::Cow<'_, str> =
            if self.text.contains(super::paragraphs::is_paragraph_break) {
                self.text
                    .replace(super::paragraphs::is_paragraph_break, " ")
                    .into()
            } else {
                self.text.into()
            };
        let mut metrics = LayoutMetrics::new(size * ppp, (width * ppp).floor());
        metrics.line_height_px = (size * ppp * 1.5).round();
        let (text_w, text_h, rtl) = {
            let l = engine.label_layout(&one_line, metrics);
            (
                super::engine::label_width(l),
                l.height(),
                l.direction().is_rtl(),
            )
        };
        let desired = vec2((text_w / ppp).ceil().min(width), text_h / ppp);
        let (rect, response) = ui.allocate_exact_size(desired, Sense::hover());
        if ui.is_rect_visible(rect) {
            // Laid out at full width: shift so the text's own extent sits in the rect.
            let left_px = if rtl { metrics.width_px - text_w } else { 0.0 };
            let origin = [
                (rect.min.x * ppp).round() - left_px,
                (rect.min.y * ppp).round(),
            ];
            let color = self.color.unwrap_or_else(|| ui.visuals().text_color());
            let (mesh, _, _) = engine.label_mesh(&ctx, &one_line, metrics, origin, color, ppp);
            ui.painter().add(Shape::mesh(mesh));
        }
        let text = one_line.into_owned();
        response.widget_info(|| WidgetInfo::labeled(egui::Role::Label, true, &text));
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lanes_separate_overlaps_and_reuse_free_lanes() {
        let s = |start, end| SpanHighlight {
            id: 0,
            start,
            end,
            color: Color32::RED,
            label: "".into(),
            lane: None,
        };
        let spans = [s(0, 10), s(2, 5), s(6, 8), s(12, 20), s(3, 4)];
        let lanes = assign_lanes(&spans);
        assert_eq!(lanes[0], 0);
        assert_eq!(lanes[1], 1);
        assert_eq!(lanes[2], 1);
        assert_eq!(lanes[3], 0);
        assert_eq!(lanes[4], 2);
    }

    #[test]
    fn a_dashed_outline_is_four_textured_quads_whatever_its_length() {
        for width in [14.0, 700.0] {
            let mut mesh = egui::Mesh::default();
            let r = Rect::from_min_size(pos2(10.0, 20.0), vec2(width, 30.0));
            dashed_rect(&mut mesh, r, 1.2, Color32::RED);
            assert_eq!(mesh.vertices.len(), 16);
            assert_eq!(mesh.indices.len(), 24);
            // Top edge: the pattern from the left corner, one period per DASH + GAP points.
            let top: Vec<f32> = mesh.vertices[..4].iter().map(|v| v.uv.x).collect();
            assert_eq!(top, [0.0, width / 7.0, width / 7.0, 0.0]);
            // Sides start with a gap below the top edge.
            let left = &mesh.vertices[8..12];
            assert_eq!(left[0].pos, pos2(10.0, 21.2));
            assert!((left[0].uv.x + 3.0 / 7.0).abs() < 1e-6);
            assert!(mesh.vertices.iter().all(|v| v.color == Color32::RED));
        }
    }

    #[test]
    fn selection_is_ordered_and_empty_is_none() {
        let mut st = DocumentViewState::default();
        assert_eq!(st.selection(), None);
        st.set_selection(Some(3..9));
        assert_eq!(st.selection(), Some(3..9));
        st.anchor = Some(Caret::new(9, Affinity::Downstream));
        st.caret = Some(Caret::new(3, Affinity::Downstream));
        assert_eq!(st.selection(), Some(3..9));
        st.set_selection(None);
        assert_eq!(st.selection(), None);
    }
}
