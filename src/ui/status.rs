//! The status bar: one line that never wraps (so nothing above it changes height during a
//! drag), with a progress bar while a background job runs.

/// The status line, and `progress` as (done, total) documents when a job shows one.
pub fn status_bar(ui: &mut egui::Ui, status: &str, progress: Option<(usize, usize)>) {
    ui.horizontal_centered(|ui| {
        if let Some((done, total)) = progress {
            let bar = egui::ProgressBar::new(done as f32 / total.max(1) as f32)
                .desired_width(200.0)
                .desired_height(14.0)
                .text(format!("{done} of {total} documents"));
            ui.add(bar);
        }
        ui.add(egui::Label::new(status).truncate());
    });
}
