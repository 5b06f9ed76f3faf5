//! File > Export: runs an export on a worker thread and shows its progress in the status bar.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread::JoinHandle;

use super::{Dialog, QalamApp};
use crate::export::{self, ExportError, ExportFormat, ExportOptions, ExportReport};

/// Seconds an export runs before its progress bar appears.
const PROGRESS_AFTER: f64 = 0.3;

/// An export running in the background.
pub(super) struct ExportJob {
    handle: JoinHandle<Result<ExportReport, ExportError>>,
    options: ExportOptions,
    out: PathBuf,
    done: Arc<AtomicUsize>,
    total: Arc<AtomicUsize>,
    started: f64,
}

/// Every export format, in menu order.
pub(super) const FORMATS: [ExportFormat; 4] = [
    ExportFormat::Jsonl,
    ExportFormat::Doccano,
    ExportFormat::Conll,
    ExportFormat::Brat,
];

impl QalamApp {
    /// Asks where to export in `format` (a folder for brat, a file otherwise), then starts.
    pub(super) fn export_with_dialog(&mut self, ctx: &egui::Context, format: ExportFormat) {
        let picked = if format == ExportFormat::Brat {
            rfd::FileDialog::new().pick_folder()
        } else {
            let ext = if format == ExportFormat::Conll {
                "conll"
            } else {
                "jsonl"
            };
            rfd::FileDialog::new()
                .add_filter(format.name(), &[ext])
                .save_file()
        };
        match picked {
            // The desktop dialog already confirmed replacing an existing file.
            Some(p) => self.start_export(ctx, format, p, true),
            None => {
                self.rt.status = super::NO_DIALOG_HINT.to_owned();
                self.rt.dialog = Some(Dialog::ExportPath {
                    format,
                    input: String::new(),
                });
            }
        }
    }

    /// Starts exporting the open project to `out` on a worker thread.
    pub fn start_export(
        &mut self,
        ctx: &egui::Context,
        format: ExportFormat,
        out: PathBuf,
        force: bool,
    ) {
        let Some(s) = self.rt.session.as_ref() else {
            return;
        };
        if self.rt.export.is_some() {
            self.rt.status = "An export is already running".to_owned();
            return;
        }
        let project = s.project.clone();
        let options = ExportOptions {
            relations: true,
            force,
            ..ExportOptions::new(format)
        };
        let (done, total) = (
            Arc::new(AtomicUsize::new(0)),
            Arc::new(AtomicUsize::new(project.documents.len())),
        );
        let (d, t, target, repaint) = (done.clone(), total.clone(), out.clone(), ctx.clone());
        let handle = std::thread::spawn(move || {
            export::export_project(&project, &target, &options, &mut |n, of| {
                d.store(n, Ordering::Relaxed);
                t.store(of, Ordering::Relaxed);
                repaint.request_repaint();
            })
        });
        let started = ctx.input(|i| i.time);
        self.rt.export = Some(ExportJob {
            handle,
            options,
            out,
            done,
            total,
            started,
        });
        self.rt.status = format!("Exporting as {}…", format.name());
    }

    /// Whether an export is running.
    pub fn export_running(&self) -> bool {
        self.rt.export.is_some()
    }

    /// Collects a finished export, or shows the progress of a running one (in the status bar).
    pub(super) fn poll_export(&mut self, ui: &mut egui::Ui) {
        let Some(job) = self.rt.export.as_ref() else {
            return;
        };
        if !job.handle.is_finished() {
            let now = ui.input(|i| i.time);
            if now - job.started > PROGRESS_AFTER {
                let (done, total) = (
                    job.done.load(Ordering::Relaxed),
                    job.total.load(Ordering::Relaxed).max(1),
                );
                let bar = egui::ProgressBar::new(done as f32 / total as f32)
                    .desired_width(200.0)
                    .desired_height(14.0)
                    .text(format!("{done} of {total} documents"));
                ui.add(bar);
            }
            ui.ctx()
                .request_repaint_after(std::time::Duration::from_millis(100));
            return;
        }
        let Some(job) = self.rt.export.take() else {
            return;
        };
        match job.handle.join() {
            Ok(Ok(report)) => {
                let notes = report.notes(&job.options);
                self.rt.status = format!(
                    "Exported {} document(s), {} span(s) to {} as {}",
                    report.documents,
                    report.spans,
                    job.out.display(),
                    job.options.format.name()
                );
                if !notes.is_empty() {
                    self.rt.dialog = Some(Dialog::Message {
                        title: "Exported, with notes".to_owned(),
                        lines: notes,
                    });
                }
            }
            Ok(Err(e)) => self.show_error("Could not export", &e),
            Err(_) => self.show_error("Could not export", &"the export stopped unexpectedly"),
        }
    }
}
