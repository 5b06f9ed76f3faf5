//! Suggestion speed: the rules (and the learner's scan) on the seed article and on the 1 MB,
//! 50,000-span document; one learner update after a taught span on the 10,000-document corpus;
//! and the window's frames while the rules run on a worker for a 1 MB document (target: no
//! frame longer than 16.7 ms; printed after criterion's figures).

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use qalam::model::{Document, Project};
use qalam::suggest::{Learner, suggest_document, suggest_project};

mod common;

const SEED_TEXT: &str = include_str!("../seeds/000_19e18760a7c74451.txt");

fn rules(c: &mut Criterion) {
    let mut seed = Project::new("seed", "");
    seed.documents
        .push(Document::new("seed", "", "", SEED_TEXT).into());
    let doc = seed.documents[0].clone();
    let mut g = c.benchmark_group("suggest");
    g.bench_function("seed article, rules", |b| {
        b.iter(|| black_box(suggest_document(&doc, &seed.schema)))
    });
    g.bench_function("seed article, rules and learner", |b| {
        b.iter(|| black_box(suggest_project(&seed)))
    });
    let large = common::make_large_project(7);
    let big = large.documents[0].clone();
    g.sample_size(10);
    g.bench_function("1 MB document with 50,000 spans, rules", |b| {
        b.iter(|| black_box(suggest_document(&big, &large.schema)))
    });
    g.finish();
}

fn learner(c: &mut Criterion) {
    let corpus = common::make_corpus(common::CORPUS_DOCUMENTS, 11);
    let built = std::time::Instant::now();
    let mut learner = Learner::new(&corpus);
    eprintln!(
        "learner index over {} documents built in {:.2?}",
        corpus.documents.len(),
        built.elapsed()
    );
    // A span of the first document, and a two-word name that recurs across the corpus.
    let typical = corpus.documents[0].spans[0].clone();
    let doc = &corpus.documents[0];
    let text = doc.text();
    let name = text
        .find("ميثاق القيسي")
        .map(|b| text[..b].chars().count())
        .and_then(|s| doc.make_span(9_999, "speaker", s, s + 12, "bench"));
    let mut g = c.benchmark_group("learner");
    g.sample_size(20);
    g.bench_function("teach one span on 10,000 documents", |b| {
        b.iter(|| black_box(learner.teach(0, &typical).map(|p| p.len())))
    });
    if let Some(name) = name {
        let n = learner.teach(0, &name).map_or(0, |p| p.len());
        eprintln!("\"ميثاق القيسي\" is proposed at {n} places");
        g.bench_function("teach a recurring name on 10,000 documents", |b| {
            b.iter(|| black_box(learner.teach(0, &name).map(|p| p.len())))
        });
    }
    g.finish();
}

/// Steps the window while the rules for a 1 MB document run on their worker: the project
/// holds the large document twice; after the first is shown with its suggestions, the second
/// is shown, and every frame until its suggestions are shown is timed, the one that takes the
/// worker's list included (the switch's own frame, which lays the new text out and teaches the
/// learner the document's spans, is left out). The slowest frame is printed with where its
/// time went: a frame that waited (blocked on a lock, or for a core) is told from one that
/// worked.
fn window_frames(_c: &mut Criterion) {
    use egui_kittest::Harness;
    use qalam::app::{QalamApp, Startup};
    use qalam::ui::commands::UiCommand;
    use std::time::{Duration, Instant};

    let mut project = common::make_large_project(7);
    let mut second = (*project.documents[0]).clone();
    second.id = "large-2".to_owned();
    project.documents.push(second.into());
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("large.ron");
    qalam::project::save(&path, &project, qalam::project::SaveGuard::CreateNew)
        .expect("save the project");
    let startup = Startup {
        path: Some(path.clone()),
        ..Default::default()
    };
    let mut h = Harness::builder()
        .with_size([1300.0, 800.0])
        .build_eframe(move |cc| QalamApp::new(cc, startup));
    let ready = |h: &Harness<'_, QalamApp>| {
        h.state()
            .labeling()
            .is_some_and(|l| l.suggest.is_ready(l.current()))
    };
    let started = Instant::now();
    while !ready(&h) && started.elapsed() < Duration::from_secs(60) {
        h.step();
    }
    h.run_steps(3);
    let ctx = h.ctx.clone();
    h.state_mut().run_command(&ctx, UiCommand::NextDocument);
    h.step();
    // Every frame until the list is shown, the one that takes the worker's result (the last)
    // included; each with where its thread's time went, to tell the window's own work from
    // waiting (on a lock, or for a core the machine gave to another process).
    let mut times = Vec::new();
    let mut slowest: Option<(usize, Duration, Option<Sched>)> = None;
    let started = Instant::now();
    while !ready(&h) && started.elapsed() < Duration::from_secs(60) {
        let before = sched();
        let t = Instant::now();
        h.step();
        let took = t.elapsed();
        times.push(took);
        if slowest.as_ref().is_none_or(|s| took > s.1) {
            let spent = before.zip(sched()).map(|(a, b)| b.since(&a));
            slowest = Some((times.len(), took, spent));
        }
    }
    // The first frame after, with the list shown.
    let t = Instant::now();
    h.step();
    let last = t.elapsed();
    let n = h.state().labeling().map_or(0, |l| l.suggestions().len());
    // The same frames with nothing running, shown and hidden, to tell the workers' and the
    // outlines' effect from the machine's.
    let idle = |h: &mut Harness<'_, QalamApp>| -> Vec<Duration> {
        (0..300)
            .map(|_| {
                let t = Instant::now();
                h.step();
                t.elapsed()
            })
            .collect()
    };
    let shown = idle(&mut h);
    h.state_mut()
        .run_command(&ctx, UiCommand::ToggleSuggestions);
    h.run_steps(3);
    let hidden = idle(&mut h);
    let summary = |mut v: Vec<Duration>| {
        v.sort();
        let at = |q: f64| {
            v.get(((v.len() as f64 * q) as usize).min(v.len().saturating_sub(1)))
                .map_or(0.0, |d| d.as_secs_f64() * 1000.0)
        };
        let slow = v.iter().filter(|d| d.as_secs_f64() > 1.0 / 60.0).count();
        format!(
            "{} frames: median {:.2} ms, p95 {:.2} ms, max {:.2} ms, {slow} over 16.7 ms",
            v.len(),
            at(0.5),
            at(0.95),
            at(1.0)
        )
    };
    let frames = times.len();
    let slowest = match slowest {
        Some((i, took, spent)) => {
            let spent = spent.map_or(String::new(), |s| {
                format!(
                    ": {:.2} ms on a core, {:.2} ms waiting for one, {:.2} ms blocked",
                    s.run_ms,
                    s.wait_ms,
                    (took.as_secs_f64() * 1000.0 - s.run_ms - s.wait_ms).max(0.0)
                )
            });
            format!(
                "frame {i} of {frames} (the last takes the list) took {:.2} ms{spent}",
                took.as_secs_f64() * 1000.0
            )
        }
        None => "no frame".to_owned(),
    };
    println!(
        "suggestions for a 1 MB document on a worker (target: no frame over 16.7 ms)\n  while computed: {}\n  slowest: {slowest}\n  the next frame, showing them ({n} suggestions): {:.2} ms\n  idle, shown (the harness always builds the accessibility tree): {}\n  idle, hidden: {}",
        summary(times),
        last.as_secs_f64() * 1000.0,
        summary(shown),
        summary(hidden)
    );
}

/// Where this thread's time went (Linux `/proc/thread-self/schedstat`), in milliseconds.
struct Sched {
    run_ms: f64,
    wait_ms: f64,
}

impl Sched {
    fn since(&self, earlier: &Sched) -> Sched {
        Sched {
            run_ms: self.run_ms - earlier.run_ms,
            wait_ms: self.wait_ms - earlier.wait_ms,
        }
    }
}

/// Time on a core and time runnable but waiting for one, so far; `None` where `/proc` lacks it.
fn sched() -> Option<Sched> {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let mut it = s.split_whitespace().map(|x| x.parse::<f64>().ok());
    Some(Sched {
        run_ms: it.next()?? / 1e6,
        wait_ms: it.next()?? / 1e6,
    })
}

criterion_group!(benches, rules, learner, window_frames);
criterion_main!(benches);
