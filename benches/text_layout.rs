//! Text engine benchmarks: seed layout next to egui's galley layout, opening a 1 MB
//! document, a scrolling frame, a hit-test, and resident memory of the 1 MB view.
//!
//! Run: `cargo bench --bench text_layout`.

use std::hint::black_box;
use std::sync::Arc;

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use egui::epaint::text::{FontDefinitions, Fonts, LayoutJob, TextOptions};
use egui::{Color32, Event, FontId, Modifiers, MouseWheelUnit, RawInput, Rect, pos2, vec2};
use qalam::text::fonts::embedded_font_system;
use qalam::text::{DocLayout, DocumentView, DocumentViewState, LayoutMetrics, TextEngine};

const SEED: &str = include_str!("../seeds/000_19e18760a7c74451.txt");

/// About 1 MB: the seed repeated, every paragraph numbered so none repeats.
fn big_document() -> String {
    let mut out = String::new();
    let mut k = 0;
    while out.len() < 1_000_000 {
        for p in SEED.lines() {
            k += 1;
            out.push_str(&format!("فقرة {k}: {p}\n"));
        }
    }
    out
}

fn rss_kib() -> u64 {
    status_kib("VmRSS:")
}

fn status_kib(field: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with(field)).map(str::to_owned))
        .and_then(|l| l.split_whitespace().nth(1).and_then(|v| v.parse().ok()))
        .unwrap_or(0)
}

fn input(size: egui::Vec2, events: Vec<Event>) -> RawInput {
    RawInput {
        screen_rect: Some(Rect::from_min_size(pos2(0.0, 0.0), size)),
        events,
        ..RawInput::default()
    }
}

fn frame(
    ctx: &egui::Context,
    engine: &mut TextEngine,
    state: &mut DocumentViewState,
    text: &str,
    events: Vec<Event>,
) {
    let _ = ctx.run_ui(input(vec2(1000.0, 800.0), events), |ui| {
        let _ = DocumentView::new(text).show(ui, engine, state);
    });
}

fn seed_layout(c: &mut Criterion) {
    let mut g = c.benchmark_group("seed_layout_700px");
    let mut fs = embedded_font_system();
    g.bench_function("qalam_cosmic", |b| {
        b.iter(|| {
            let mut doc = DocLayout::new(SEED, LayoutMetrics::new(20.0, 700.0));
            for i in 0..doc.paragraph_count() {
                doc.ensure_paragraph(&mut fs, i);
            }
            black_box(doc.total_height())
        });
    });
    let mut defs = FontDefinitions::default();
    defs.font_data.insert(
        "naskh".into(),
        Arc::new(egui::FontData::from_static(
            qalam::text::fonts::NOTO_NASKH_ARABIC,
        )),
    );
    defs.families
        .entry(egui::FontFamily::Proportional)
        .or_default()
        .insert(0, "naskh".into());
    let mut fonts = Fonts::new(TextOptions::default(), defs);
    let job = Arc::new(LayoutJob::simple(
        SEED.to_owned(),
        FontId::proportional(20.0),
        Color32::WHITE,
        700.0,
    ));
    g.bench_function("egui_galley_uncached", |b| {
        b.iter(|| black_box(fonts.layout_uncached(1.0, job.clone()).rows.len()));
    });
    g.finish();
}

fn big_document_benches(c: &mut Criterion) {
    let text = big_document();
    let mut g = c.benchmark_group("doc_1mb");
    g.sample_size(10);
    g.bench_function("open_to_first_frame", |b| {
        b.iter_batched(
            || {
                let ctx = egui::Context::default();
                let mut engine = TextEngine::new();
                let mut st = DocumentViewState::default();
                // Warm egui's own fonts with an unrelated frame.
                frame(&ctx, &mut engine, &mut st, "warm", Vec::new());
                (ctx, engine, DocumentViewState::default())
            },
            |(ctx, mut engine, mut st)| {
                frame(&ctx, &mut engine, &mut st, &text, Vec::new());
                black_box(st.selection())
            },
            BatchSize::PerIteration,
        );
    });
    g.finish();

    let ctx = egui::Context::default();
    let mut engine = TextEngine::new();
    let mut st = DocumentViewState::default();
    frame(&ctx, &mut engine, &mut st, &text, Vec::new());
    st.scroll_to(400_000..400_001);
    for _ in 0..3 {
        frame(
            &ctx,
            &mut engine,
            &mut st,
            &text,
            vec![Event::PointerMoved(pos2(500.0, 400.0))],
        );
    }
    let mut g = c.benchmark_group("doc_1mb_steady");
    g.bench_function("scroll_frame_40pt", |b| {
        let mut down = true;
        let mut n = 0;
        b.iter(|| {
            // Back and forth over a few screens, as a reader does.
            n += 1;
            if n % 40 == 0 {
                down = !down;
            }
            let delta = if down { -40.0 } else { 40.0 };
            let wheel = Event::MouseWheel {
                unit: MouseWheelUnit::Point,
                delta: vec2(0.0, delta),
                phase: egui::TouchPhase::Move,
                source: egui::MouseWheelSource::Wheel,
                modifiers: Modifiers::NONE,
            };
            frame(
                &ctx,
                &mut engine,
                &mut st,
                &text,
                vec![Event::PointerMoved(pos2(500.0, 400.0)), wheel],
            );
        });
    });
    g.finish();

    let mut fs = embedded_font_system();
    let mut doc = DocLayout::new(&text, LayoutMetrics::new(20.0, 960.0));
    let mid = doc.total_height() * 0.5;
    let (visible, top) = doc.ensure_visible(&mut fs, mid, 800.0, 400.0);
    let mut g = c.benchmark_group("doc_1mb_hit");
    g.bench_function("hit_mid_document", |b| {
        let mut k = 0.0f32;
        b.iter(|| {
            k = (k + 37.0) % 760.0;
            black_box(doc.hit(&mut fs, 120.0 + k, top + k))
        });
    });
    g.finish();
    eprintln!("hit bench: visible paragraphs {visible:?}");
}

fn memory_report(_c: &mut Criterion) {
    let text = big_document();
    let before = rss_kib();
    let ctx = egui::Context::default();
    let mut engine = TextEngine::new();
    let mut st = DocumentViewState::default();
    frame(&ctx, &mut engine, &mut st, &text, Vec::new());
    let first = rss_kib();
    // Scroll through the whole document, a screen at a time.
    let wheel = |d: f32| Event::MouseWheel {
        unit: MouseWheelUnit::Point,
        delta: vec2(0.0, d),
        phase: egui::TouchPhase::Move,
        source: egui::MouseWheelSource::Wheel,
        modifiers: Modifiers::NONE,
    };
    for _ in 0..4000 {
        frame(
            &ctx,
            &mut engine,
            &mut st,
            &text,
            vec![Event::PointerMoved(pos2(500.0, 400.0)), wheel(-700.0)],
        );
    }
    let after = rss_kib();
    let peak = status_kib("VmHWM:");
    eprintln!(
        "memory (VmRSS): before {} MiB, after first frame +{:.1} MiB, after scrolling through 1 MB +{:.1} MiB, peak VmHWM {:.1} MiB; (documents, cached paragraphs, cached glyphs) {:?}; atlas {:?}",
        before / 1024,
        (first.saturating_sub(before)) as f64 / 1024.0,
        (after.saturating_sub(before)) as f64 / 1024.0,
        peak as f64 / 1024.0,
        engine.cache_stats(),
        engine.atlas_stats(),
    );
}

// Memory first, before other benchmarks leave freed memory resident.
criterion_group!(benches, memory_report, seed_layout, big_document_benches);
criterion_main!(benches);
