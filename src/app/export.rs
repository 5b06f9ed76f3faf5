//! File > Export: runs an export on a worker thread; the status bar shows its progress.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread::JoinHandle;

use super::QalamApp;
use crate::export::{self, ExportError, ExportFormat, ExportOptions, ExportReport};
use crate::ui::dialogs::{Dialog, PromptPurpose};

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
                self.rt.dialog = Some(Dialog::prompt(PromptPurpose::Export(format), ""));
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
        let Some(lab) = self.labeling() else { return };
        if self.rt.export.is_some() {
            self.rt.status = "An export is already running".to_owned();
            return;
        }
        // A snapshot: one pointer per document, however large the project.
        let project = lab.session.project.clone();
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

    /// The progress to show for a running export, as (done, total) documents: only once it
    /// has run for a moment, so quick exports do not flash a bar.
    pub(super) fn export_progress(&self, now: f64) -> Option<(usize, usize)> {
        let job = self.rt.export.as_ref()?;
        (now - job.started > PROGRESS_AFTER).then(|| {
            (
                job.done.load(Ordering::Relaxed),
                job.total.load(Ordering::Relaxed),
            )
        })
    }

    /// Collects a finished export: its result goes to the status line (and notes to a message).
    pub(super) fn poll_export(&mut self, ctx: &egui::Context) {
        let Some(job) = self.rt.export.as_ref() else {
            return;
        };
        if !job.handle.is_finished() {
            ctx.request_repaint_after(std::time::Duration::from_millis(100));
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
