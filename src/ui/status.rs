//! The status bar: one line that never wraps (so nothing above it changes height during a
//! drag), with a progress bar while a background job runs.

use crate::text::{BidiLabel, TextEngine};

/// Size of a status line drawn by the bidi engine, in points.
const BIDI_SIZE: f32 = 13.0;

/// The status line, and `progress` as (done, total) documents when a job shows one. A line
/// quoting Arabic (a document's title, a span's text) is drawn by the bidi engine, cut to
/// what fits on one line.
pub fn status_bar(
    ui: &mut egui::Ui,
    engine: &mut TextEngine,
    status: &str,
    progress: Option<(usize, usize)>,
) {
    ui.horizontal_centered(|ui| {
        if let Some((done, total)) = progress {
            let bar = egui::ProgressBar::new(done as f32 / total.max(1) as f32)
                .desired_width(200.0)
                .desired_height(14.0)
                .text(format!("{done} of {total} documents"));
            ui.add(bar);
        }
        if super::names::needs_bidi(status) {
            // About half the font size per character: cut so it stays one line.
            let fits = (ui.available_width() / (BIDI_SIZE * 0.5)).max(10.0) as usize;
            let shown: String = if status.chars().count() > fits {
                status.chars().take(fits).chain(['…']).collect()
            } else {
                status.to_owned()
            };
            BidiLabel::new(&shown)
                .font_size(BIDI_SIZE)
                .max_width(ui.available_width())
                .show(ui, engine);
        } else {
            ui.add(egui::Label::new(status).truncate());
        }
    });
}
