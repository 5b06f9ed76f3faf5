//! The labeling loop on the 1 MB / 50,000-span benchmark project: labeling a span and undoing
//! it, each through the app's command path plus the frame that shows the result, and a
//! frame of the annotation list (only visible rows are built).
//!
//! Run: `cargo bench --bench labeling`.

mod common;

use criterion::{Criterion, criterion_group, criterion_main};
use egui_kittest::Harness;
use qalam::app::{QalamApp, Startup};
use qalam::project::{self, SaveGuard};
use qalam::ui::labeling::Intent;

fn bench(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("large.ron");
    let p = common::make_large_project(7);
    project::save(&path, &p, SaveGuard::CreateNew).expect("save fixture");
    let startup = Startup {
        path: Some(path.clone()),
        root: None,
        ..Default::default()
    };
    let mut h = Harness::builder()
        .with_size([1300.0, 800.0])
        .build_eframe(move |cc| QalamApp::new(cc, startup));
    h.run_steps(3);
    let ctx = h.ctx.clone();
    // A range that no benchmark span has with this label: words 3..4 of the text.
    let range = 10..30;

    let mut g = c.benchmark_group("labeling_1mb_50k_spans");
    g.sample_size(30);
    g.bench_function("label_span_plus_frame", |b| {
        b.iter(|| {
            h.state_mut().set_text_selection(Some(range.clone()));
            h.state_mut()
                .apply_intent(Intent::Label("entity".to_owned()));
            h.step();
            // Keep the state constant between iterations (untimed would need iter_batched
            // with a cloned app, which egui does not allow).
            h.state_mut().undo(&ctx);
        });
    });
    g.bench_function("undo_plus_frame", |b| {
        b.iter(|| {
            h.state_mut().set_text_selection(Some(range.clone()));
            h.state_mut()
                .apply_intent(Intent::Label("entity".to_owned()));
            h.state_mut().undo(&ctx);
            h.step();
        });
    });
    g.bench_function("idle_frame", |b| b.iter(|| h.step()));
    g.finish();
    let spans = h
        .state()
        .session()
        .map_or(0, |s| s.project.documents[0].spans.len());
    assert_eq!(spans, common::SPANS, "every labeled span was undone");
}

criterion_group!(benches, bench);
criterion_main!(benches);
