//! Agreement over a corpus of 100 documents × 3 annotators (target ≤ 1 s), and building the
//! adjudication of the same corpus.
//!
//! The corpus is made from the annotated seed article (`projects/annotated.ron`, about 3,000
//! code points, 25 spans and 11 relations): document `k` is the article prefixed with `[k] `
//! (so that the 100 texts differ), and the three annotators differ deterministically: the
//! second drops every 7th span, the third moves the start of every 5th span one word later
//! and labels every 6th entity as a speaker.

use std::hint::black_box;
use std::path::Path;
use std::time::{Duration, Instant};

use criterion::Criterion;
use qalam::model::{Document, Project};
use qalam::project;
use qalam::review::{adjudicate, agreement};

const DOCUMENTS: usize = 100;

fn seed() -> Document {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("projects/annotated.ron");
    let p = project::load(&path).expect("annotated seed").project;
    p.documents
        .into_iter()
        .next()
        .map(std::sync::Arc::unwrap_or_clone)
        .expect("one document")
}

/// Copy `k` of the seed, its spans shifted past the `[k] ` prefix, as annotator `who`.
fn copy(seed: &Document, k: usize, who: usize) -> Document {
    let prefix = format!("[{k}] ");
    let shift = prefix.chars().count();
    let mut d = Document::new(
        format!("doc{k}"),
        "",
        "",
        format!("{prefix}{}", seed.text()),
    );
    let text: Vec<char> = d.text().chars().collect();
    for (i, s) in seed.spans.iter().enumerate() {
        if who == 1 && i % 7 == 3 {
            continue;
        }
        let mut start = s.start + shift;
        let end = s.end + shift;
        if who == 2 && i % 5 == 1 {
            // One word later, if the span has more than one word.
            if let Some(space) = (start..end).find(|&c| text[c] == ' ') {
                start = space + 1;
            }
        }
        let label = if who == 2 && i % 6 == 2 && s.label == "entity" {
            "speaker"
        } else {
            s.label.as_str()
        };
        if let Some(span) = d.make_span(s.id, label, start, end, "") {
            d.spans.push(span);
        }
    }
    let ids: Vec<u64> = d.spans.iter().map(|s| s.id).collect();
    d.relations = seed
        .relations
        .iter()
        .filter(|r| ids.contains(&r.from) && ids.contains(&r.to))
        .cloned()
        .collect();
    d
}

fn corpus() -> Vec<Project> {
    let seed = seed();
    (0..3)
        .map(|who| {
            let mut p = Project::new("bench", format!("annotator{who}"));
            p.documents = (0..DOCUMENTS).map(|k| copy(&seed, k, who).into()).collect();
            p
        })
        .collect()
}

fn main() {
    let projects = corpus();
    let refs: Vec<&Project> = projects.iter().collect();
    let started = Instant::now();
    let report = agreement(&refs);
    println!(
        "corpus: {} documents × {} annotators, {} tokens per annotator; one run {:.1} ms; Fleiss κ {:.3}",
        report.documents.len(),
        refs.len(),
        report.corpus.tokens,
        started.elapsed().as_secs_f64() * 1e3,
        report.corpus.fleiss_kappa.overall.unwrap_or(f64::NAN)
    );
    let mut c = Criterion::default().configure_from_args();
    let mut group = c.benchmark_group("agreement");
    group
        .sample_size(20)
        .measurement_time(Duration::from_secs(5));
    group.bench_function("100 documents x 3 annotators", |b| {
        b.iter(|| agreement(black_box(&refs)))
    });
    group.bench_function("adjudicate 100 documents x 3 annotators", |b| {
        b.iter(|| {
            adjudicate(black_box(&refs), "bench")
                .expect("adjudicate")
                .differences()
                .len()
        })
    });
    group.finish();
    c.final_summary();
}
