//! A short bidi text with one part of it shaded: corpus search snippets (the hit) and
//! guideline examples (the part that would be marked). Drawn by [`BidiLabel`], then the part
//! is shaded from the same layout the label used, so the shading sits on its glyphs in either
//! direction.

use std::ops::Range;

use crate::text::{BidiLabel, LayoutMetrics, TextEngine};

/// Draws `text` at `size` points within `width`, shading the code points `mark` in `color`.
pub fn marked_label(
    ui: &mut egui::Ui,
    engine: &mut TextEngine,
    text: &str,
    mark: Option<Range<usize>>,
    size: f32,
    width: f32,
    color: egui::Color32,
) -> egui::Response {
    // The width the label will lay out at, taken before it allocates.
    let width = width.min(ui.available_width().max(20.0)).max(20.0);
    let drawn = BidiLabel::new(text)
        .max_width(width)
        .font_size(size)
        .show(ui, engine);
    if let Some(mark) = mark.filter(|m| m.start < m.end) {
        shade(ui, engine, text, mark, size, width, drawn.rect, color);
    }
    drawn
}

/// Shades `mark` of `text` as [`BidiLabel`] drew it at `size` points and `width` into
/// `drawn`: the same layout (cached by text, width and size), placed as the label places it.
#[allow(clippy::too_many_arguments)]
fn shade(
    ui: &egui::Ui,
    engine: &mut TextEngine,
    text: &str,
    mark: Range<usize>,
    size: f32,
    width: f32,
    drawn: egui::Rect,
    color: egui::Color32,
) {
    let ppp = ui.ctx().pixels_per_point();
    let mut metrics = LayoutMetrics::new(size * ppp, (width * ppp).floor());
    metrics.line_height_px = (size * ppp * 1.5).round();
    let layout = engine.label_layout(text, metrics);
    let extent = layout
        .rows()
        .iter()
        .flat_map(|r| r.glyphs.iter().map(|g| (g.x, g.x + g.w)))
        .fold(None, |acc: Option<(f32, f32)>, (a, b)| {
            Some(acc.map_or((a, b), |(x0, x1)| (x0.min(a), x1.max(b))))
        })
        .map_or(0.0, |(a, b)| b - a);
    let left = if layout.direction().is_rtl() {
        metrics.width_px - extent
    } else {
        0.0
    };
    let origin = [
        (drawn.min.x * ppp).round() - left,
        (drawn.min.y * ppp).round(),
    ];
    let mut rects = Vec::new();
    layout.highlight(mark, &mut rects);
    let painter = ui.painter();
    for r in rects {
        let rect = egui::Rect::from_min_max(
            egui::pos2((origin[0] + r.min_x) / ppp, (origin[1] + r.min_y) / ppp),
            egui::pos2((origin[0] + r.max_x) / ppp, (origin[1] + r.max_y) / ppp),
        );
        painter.rect_filled(rect, 2.0, color.gamma_multiply(0.3));
    }
}
