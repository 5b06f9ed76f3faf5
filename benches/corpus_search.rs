//! Search across all documents on the 10,000-document benchmark corpus (about 30 MB of Arabic
//! built from the seed's paragraphs; `benches/common`). Target: a two-word Arabic query finds
//! all hits in ≤ 200 ms.
//!
//! - `scan`: the pure search (`model::corpus_search`), every hit with its snippet;
//! - `worker`: the same through the app's worker thread, from the keystroke's new search to
//!   the last hit received over the channel;
//! - `scan_exact`: without folding, for comparison;
//! - `scan_alef_first`: a query whose first letter has variants (ا أ إ آ ٱ), so the scan cannot
//!   jump between occurrences of it and reads every character.
//!
//! Run: `cargo bench --bench corpus_search`.

mod common;

use std::ops::ControlFlow;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use qalam::app::CorpusSearch;
use qalam::model::corpus_search::{CorpusQuery, search_documents};

/// Two adjacent words of the seed article ("the head of the government").
const QUERY: &str = "رئيس الحكومة";
/// Two adjacent words of the seed starting with alef ("the parliamentary elections").
const ALEF_QUERY: &str = "الانتخابات النيابية";

fn count_hits(project: &qalam::model::Project, query: &CorpusQuery) -> usize {
    let mut n = 0;
    let texts = project.documents.iter().map(|d| d.text());
    let _ = search_documents(query, texts, |_, hits| {
        n += hits.len();
        ControlFlow::Continue(())
    });
    n
}

fn bench(c: &mut Criterion) {
    let project = common::make_corpus(common::CORPUS_DOCUMENTS, 11);
    let bytes: usize = project.documents.iter().map(|d| d.text().len()).sum();
    let folded = CorpusQuery::new(QUERY, true).expect("query");
    let exact = CorpusQuery::new(QUERY, false).expect("query");
    let hits = count_hits(&project, &folded);
    assert!(hits > 1000, "the query is common in the corpus: {hits}");
    assert_eq!(
        hits,
        count_hits(&project, &exact),
        "the seed has no variants of it"
    );
    println!(
        "corpus: {} documents, {:.1} MB of text; \"{QUERY}\": {hits} hits",
        project.documents.len(),
        bytes as f64 / 1e6
    );

    let alef = CorpusQuery::new(ALEF_QUERY, true).expect("query");
    assert!(count_hits(&project, &alef) > 0);

    let mut g = c.benchmark_group("corpus_search_10k_documents");
    g.sample_size(20);
    g.measurement_time(Duration::from_secs(10));
    g.bench_function("scan", |b| b.iter(|| count_hits(&project, &folded)));
    g.bench_function("scan_exact", |b| b.iter(|| count_hits(&project, &exact)));
    g.bench_function("scan_alef_first", |b| {
        b.iter(|| count_hits(&project, &alef))
    });
    g.bench_function("worker", |b| {
        let mut search = CorpusSearch::default();
        b.iter(|| {
            search.start(project.documents.clone(), QUERY, true, None);
            search.wait();
            assert_eq!(search.hits().len(), hits);
        });
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
