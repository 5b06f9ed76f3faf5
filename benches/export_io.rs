//! Export and import on the large benchmark project (about 1 MB of Arabic text, 50,000 spans,
//! 5,000 relations; `benches/common`). Targets: export to each format ≤ 200 ms,
//! import of the JSON Lines back ≤ 300 ms.
//!
//! "memory" runs write into a buffer (the format's own cost); "file" runs go through
//! `export_project`, which writes atomically and flushes to disk.

mod common;

use std::hint::black_box;
use std::path::Path;
use std::time::Duration;

use criterion::Criterion;
use qalam::export::{self, ExportFormat, ExportOptions, ImportOptions, Overlap};

fn benchmarks(c: &mut Criterion, dir: &Path) {
    let project = common::make_large_project(42);
    let mut group = c.benchmark_group("export_io");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(6));
    group.bench_function("jsonl (memory)", |b| {
        b.iter(|| {
            let mut out = Vec::new();
            export::jsonl::write(black_box(&project), &mut out, &mut |_, _| {}).expect("jsonl");
            out
        })
    });
    group.bench_function("doccano --relations (memory)", |b| {
        b.iter(|| {
            let mut out = Vec::new();
            export::doccano::write(black_box(&project), &mut out, true, &mut |_, _| {})
                .expect("doccano");
            out
        })
    });
    group.bench_function("conll (memory)", |b| {
        b.iter(|| {
            let mut out = Vec::new();
            export::conll::write(
                black_box(&project),
                &mut out,
                Overlap::Outer,
                &mut |_, _| {},
            )
            .expect("conll")
        })
    });
    group.bench_function("brat ann (memory)", |b| {
        b.iter(|| {
            project
                .documents
                .iter()
                .map(|d| export::brat::ann_text(black_box(d)).expect("ann").len())
                .sum::<usize>()
        })
    });
    for format in [
        ExportFormat::Jsonl,
        ExportFormat::Doccano,
        ExportFormat::Conll,
        ExportFormat::Brat,
    ] {
        let out = dir.join(format!("large.{}", format.name()));
        let options = ExportOptions {
            force: true,
            ..ExportOptions::new(format)
        };
        group.bench_function(format!("{} (file)", format.name()), |b| {
            b.iter(|| {
                export::export_project(black_box(&project), &out, &options, &mut |_, _| {})
                    .expect("export")
            })
        });
    }
    let mut jsonl = Vec::new();
    export::jsonl::write(&project, &mut jsonl, &mut |_, _| {}).expect("jsonl");
    let text = String::from_utf8(jsonl).expect("utf-8");
    println!("jsonl: {} bytes", text.len());
    let options = ImportOptions {
        annotator: project.annotator.clone(),
        ..ImportOptions::default()
    };
    group.bench_function("import jsonl (memory)", |b| {
        b.iter(|| {
            let got =
                export::import_jsonl_str(black_box(&text), Path::new("large.jsonl"), &options)
                    .expect("import");
            assert_eq!(got.project.documents[0].spans.len(), common::SPANS);
            got
        })
    });
    group.finish();
}

fn main() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut c = Criterion::default().configure_from_args();
    benchmarks(&mut c, dir.path());
    c.final_summary();
}
