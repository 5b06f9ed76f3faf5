//! The window on the 10,000-document benchmark corpus (about 30 MB of Arabic, 500,000 spans,
//! 50,000 relations; `benches/common`). Targets: open to the first painted frame ≤ 1.5 s,
//! switching documents (command + frame) ≤ 50 ms, a frame with the document list ≤ 4 ms, and
//! no frame longer than 16.7 ms while an autosave writes the project in the background.
//!
//! Run: `cargo bench --bench corpus_window`. The autosave figure is printed after criterion's
//! (the longest of the frames drawn while the recovery copy was being written).

mod common;

use std::time::{Duration, Instant};

use criterion::Criterion;
use egui_kittest::Harness;
use qalam::app::{QalamApp, Startup};
use qalam::model::DocStatus;
use qalam::project::{self, SaveGuard};
use qalam::ui::commands::UiCommand;
use qalam::ui::labeling::Intent;

fn open(path: &std::path::Path) -> Harness<'static, QalamApp> {
    let startup = Startup {
        path: Some(path.to_path_buf()),
        ..Default::default()
    };
    Harness::builder()
        .with_size([1300.0, 800.0])
        .build_eframe(move |cc| QalamApp::new(cc, startup))
}

fn main() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("corpus.ron");
    let corpus = common::make_corpus(common::CORPUS_DOCUMENTS, 11);
    project::save(&path, &corpus, SaveGuard::CreateNew).expect("save the corpus");
    let bytes = std::fs::metadata(&path).map_or(0, |m| m.len());
    println!(
        "corpus: {} documents, file {} MB",
        corpus.documents.len(),
        bytes / 1_000_000
    );
    drop(corpus);

    let mut c = Criterion::default().configure_from_args();
    let mut g = c.benchmark_group("corpus_window_10k");
    g.sample_size(10).measurement_time(Duration::from_secs(20));
    g.bench_function("open_to_first_frame", |b| {
        b.iter(|| {
            let mut h = open(&path);
            h.step();
            h
        });
    });
    let mut h = open(&path);
    h.run_steps(3);
    let ctx = h.ctx.clone();
    g.bench_function("switch_document_plus_frame", |b| {
        b.iter(|| {
            h.state_mut().run_command(&ctx, UiCommand::NextDocument);
            h.step();
        });
    });
    g.bench_function("frame_with_document_list", |b| b.iter(|| h.step()));
    g.finish();
    c.final_summary();

    // An edit makes the project dirty; the next autosave writes the recovery copy from a
    // snapshot on a worker thread while frames go on.
    h.state_mut()
        .apply_intent(Intent::SetStatus(DocStatus::Done));
    let mut longest = Duration::ZERO;
    let mut frames = 0;
    let started = Instant::now();
    let mut saw_write = false;
    while started.elapsed() < Duration::from_secs(30) {
        let t = Instant::now();
        h.step();
        let writing = h
            .state()
            .session()
            .is_some_and(qalam::session::Session::is_writing);
        if writing || saw_write {
            longest = longest.max(t.elapsed());
            frames += 1;
        }
        if saw_write && !writing {
            break;
        }
        saw_write |= writing;
    }
    println!(
        "autosave of the 10,000-document project: longest UI frame {:.2} ms over {frames} frames drawn while it was written (target ≤ 16.7 ms)",
        longest.as_secs_f64() * 1000.0
    );
    assert!(saw_write, "the autosave never started");
}
