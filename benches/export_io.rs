//! Export and import on the large benchmark project (about 1 MB of Arabic text, 50,000 spans,
//! 5,000 relations; `benches/common`). Targets: each export ≤ 200 ms, each import ≤ 300 ms.
//!
//! "memory" runs write into a buffer (the format's own cost); "file" runs go through
//! `export_project`, which writes atomically and flushes to disk; imports read the files an
//! export wrote, through `import_sources`, as `qalam import` does.

mod common;

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::Duration;

use criterion::Criterion;
use qalam::export::{self, ExportFormat, ExportOptions, ImportFormat, ImportOptions, Overlap, xmi};

const FORMATS: [ExportFormat; 7] = [
    ExportFormat::Jsonl,
    ExportFormat::Doccano,
    ExportFormat::Conll,
    ExportFormat::Hf,
    ExportFormat::Brat,
    ExportFormat::LabelStudio,
    ExportFormat::Xmi,
];

fn memory(c: &mut criterion::BenchmarkGroup<'_, criterion::measurement::WallTime>) {
    let project = common::make_large_project(42);
    c.bench_function("jsonl (memory)", |b| {
        b.iter(|| {
            let mut out = Vec::new();
            export::jsonl::write(
                black_box(&project),
                &mut out,
                Overlap::Outer,
                &mut |_, _| {},
            )
            .expect("jsonl");
            out
        })
    });
    c.bench_function("doccano --relations (memory)", |b| {
        b.iter(|| {
            let mut out = Vec::new();
            export::doccano::write(black_box(&project), &mut out, true, &mut |_, _| {})
                .expect("doccano");
            out
        })
    });
    c.bench_function("conll (memory)", |b| {
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
    c.bench_function("hf rows (memory)", |b| {
        b.iter(|| {
            let mut out = Vec::new();
            export::hf::write_rows(
                black_box(&project),
                &mut out,
                Overlap::Outer,
                &mut |_, _| {},
            )
            .expect("hf")
        })
    });
    c.bench_function("brat ann (memory)", |b| {
        b.iter(|| {
            project
                .documents
                .iter()
                .map(|d| export::brat::ann_text(black_box(d)).expect("ann").len())
                .sum::<usize>()
        })
    });
    c.bench_function("label-studio (memory)", |b| {
        b.iter(|| {
            let mut out = Vec::new();
            export::labelstudio::write(black_box(&project), &mut out, &mut |_, _| {})
                .expect("label studio");
            out
        })
    });
    c.bench_function("xmi (memory)", |b| {
        b.iter(|| {
            let mut replaced = Vec::new();
            xmi::document_xmi(black_box(&project.documents[0]), &mut replaced).expect("xmi")
        })
    });
}

fn files(
    c: &mut criterion::BenchmarkGroup<'_, criterion::measurement::WallTime>,
    dir: &Path,
) -> Vec<(ExportFormat, PathBuf)> {
    let project = common::make_large_project(42);
    let mut written = Vec::new();
    for format in FORMATS {
        let out = dir.join(format!("large.{}", format.name()));
        let options = ExportOptions {
            force: true,
            relations: true,
            ..ExportOptions::new(format)
        };
        c.bench_function(format!("{} (file)", format.name()), |b| {
            b.iter(|| {
                export::export_project(black_box(&project), &out, &options, &mut |_, _| {})
                    .expect("export")
            })
        });
        written.push((format, out));
    }
    written
}

fn imports(
    c: &mut criterion::BenchmarkGroup<'_, criterion::measurement::WallTime>,
    written: &[(ExportFormat, PathBuf)],
) {
    let options = ImportOptions {
        annotator: "bench".into(),
        ..ImportOptions::default()
    };
    for (export_format, path) in written {
        let (format, source) = match export_format {
            ExportFormat::Jsonl => (ImportFormat::Jsonl, path.clone()),
            ExportFormat::Doccano => (ImportFormat::Doccano, path.clone()),
            ExportFormat::Brat => (ImportFormat::Brat, path.clone()),
            ExportFormat::LabelStudio => (ImportFormat::LabelStudio, path.clone()),
            ExportFormat::Xmi => (ImportFormat::Xmi, path.clone()),
            ExportFormat::Conll | ExportFormat::Hf => continue,
        };
        let sources = [source];
        c.bench_function(format!("import {}", export_format.name()), |b| {
            b.iter(|| {
                let got = export::import_sources(format, &sources, &options, &mut |_, _| {})
                    .expect("import");
                assert_eq!(got.project.documents[0].spans.len(), common::SPANS);
                got
            })
        });
    }
}

fn main() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut c = Criterion::default().configure_from_args();
    let mut group = c.benchmark_group("export_io");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(4));
    memory(&mut group);
    let written = files(&mut group, dir.path());
    imports(&mut group, &written);
    group.finish();
    c.final_summary();
}
