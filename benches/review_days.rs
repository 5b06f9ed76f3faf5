//! A review that lasts for days, at corpus size: opening a review of 3 files × 100
//! documents of the seed's size (about 3,000 code points and 25 spans each) with 1,000 saved
//! decisions (target ≤ 300 ms), and saving the adjudication file with the review files
//! (target ≤ 50 ms).
//!
//! Document `k` is the annotated seed article prefixed with `[k] `; the second annotator
//! leaves out every 7th span, the third starts every 5th span one word later and calls every
//! 6th entity a speaker.

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use criterion::Criterion;
use qalam::model::{Document, Project};
use qalam::project::{self, SaveGuard};
use qalam::review::session::ReviewSession;
use qalam::review::{Decision, save_adjudication};

const DOCUMENTS: usize = 100;
const DECISIONS: usize = 1000;

fn seed() -> Document {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("projects/annotated.ron");
    let p = project::load(&path).expect("annotated seed").project;
    p.documents
        .into_iter()
        .next()
        .map(std::sync::Arc::unwrap_or_clone)
        .expect("one document")
}

/// Annotator `who`'s copy of document `k`.
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
        let (mut start, end) = (s.start + shift, s.end + shift);
        if who == 2
            && i % 5 == 1
            && let Some(space) = (start..end).find(|&c| text[c] == ' ')
        {
            start = space + 1;
        }
        let relabel = who == 2 && i % 6 == 2 && s.label == "entity";
        let label = if relabel { "speaker" } else { s.label.as_str() };
        if let Some(span) = d.make_span(s.id, label, start, end, "") {
            d.spans.push(span);
        }
    }
    // Relations keep only unchanged endpoints, so every file stays valid.
    let ids: Vec<u64> = d
        .spans
        .iter()
        .filter(|x| seed.span(x.id).is_some_and(|s| s.label == x.label))
        .map(|s| s.id)
        .collect();
    d.relations = seed
        .relations
        .iter()
        .filter(|r| ids.contains(&r.from) && ids.contains(&r.to))
        .cloned()
        .collect();
    d
}

/// Writes the three files into `dir`, decides the first 1,000 differences and saves.
fn prepare(dir: &Path) -> (Vec<PathBuf>, usize) {
    let seed = seed();
    let paths: Vec<PathBuf> = (0..3)
        .map(|who| {
            let mut p = Project::new("bench", format!("annotator{who}"));
            p.documents = (0..DOCUMENTS).map(|k| copy(&seed, k, who).into()).collect();
            let path = dir.join(format!("annotator{who}.ron"));
            project::save(&path, &p, SaveGuard::Force).expect("save");
            path
        })
        .collect();
    let mut s = ReviewSession::open(&paths, "bench").expect("open");
    let n = s.decided().1;
    for d in 0..n.min(DECISIONS) {
        s.decide(d, Decision::Pick(d % 3)).expect("decide");
    }
    s.save(true).expect("save");
    (paths, s.decided().0)
}

fn main() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (paths, decided) = prepare(dir.path());
    let started = Instant::now();
    let mut s = ReviewSession::open(&paths, "bench").expect("open");
    let open_ms = started.elapsed().as_secs_f64() * 1e3;
    let started = Instant::now();
    s.save(true).expect("save");
    println!(
        "review: {DOCUMENTS} documents × 3 files, {} differences, {decided} saved decisions ({} restored); one open {open_ms:.1} ms, one save {:.1} ms",
        s.decided().1,
        s.decided().0,
        started.elapsed().as_secs_f64() * 1e3
    );
    let mut c = Criterion::default().configure_from_args();
    let mut group = c.benchmark_group("review_days");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(5));
    group.bench_function("open 3 files x 100 documents with 1000 decisions", |b| {
        b.iter(|| {
            ReviewSession::open(black_box(&paths), "bench")
                .expect("open")
                .decided()
        })
    });
    let adj_path = s.adjudication_path.clone().expect("two or more files");
    group.bench_function("save the adjudication file (1000 decisions)", |b| {
        b.iter(|| {
            let file = s.adjudication_file().expect("adjudication");
            save_adjudication(&adj_path, &file, SaveGuard::Force).expect("save")
        })
    });
    group.bench_function("save the adjudication and the 3 review files", |b| {
        b.iter(|| s.save(true).expect("save").len())
    });
    group.finish();
    c.final_summary();
}
