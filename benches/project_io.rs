//! Project file io on a large project: about 1 MB of Arabic text, 50,000 spans, 5,000
//! relations (`benches/common`). Targets: load+validate and save ≤ 150 ms each,
//! peak memory of load+validate+save ≤ 100 MB.
//!
//! Peak memory is measured in a fresh child process (this benchmark binary re-run with
//! `QALAM_BENCH_PEAK_CHILD` set), which loads, validates and saves the file once and reports
//! `VmHWM` (peak resident set) from `/proc/self/status` (Linux only).

mod common;

use std::hint::black_box;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

use criterion::Criterion;
use qalam::project::{self, SaveGuard};

/// Set in the child process that measures peak memory; holds the project file's path.
const PEAK_CHILD_ENV: &str = "QALAM_BENCH_PEAK_CHILD";

fn benchmarks(c: &mut Criterion, dir: &Path) {
    let project = common::make_large_project(42);
    let text = project::to_ron_string(&project).expect("serialize");
    let path = dir.join("large.ron");
    std::fs::write(&path, &text).expect("write fixture");
    let doc = &project.documents[0];
    println!(
        "fixture: text {} bytes / {} code points, {} spans, {} relations; file {} bytes",
        doc.text().len(),
        doc.len_chars(),
        doc.spans.len(),
        doc.relations.len(),
        text.len()
    );

    let mut group = c.benchmark_group("project_io");
    group
        .sample_size(20)
        .measurement_time(Duration::from_secs(8));
    group.bench_function("load+validate (memory)", |b| {
        b.iter(|| {
            let p = project::parse(black_box(text.as_bytes()), &path).expect("parse");
            let problems = project::validate(&p);
            assert!(problems.is_empty());
            p
        })
    });
    group.bench_function("load+validate (file)", |b| {
        b.iter(|| project::load(black_box(&path)).expect("load"))
    });
    let out = dir.join("saved.ron");
    group.bench_function("save", |b| {
        b.iter(|| {
            project::save(black_box(&out), black_box(&project), SaveGuard::Force).expect("save")
        })
    });
    group.bench_function("validate only", |b| {
        let p = project::parse(text.as_bytes(), &path).expect("parse");
        b.iter(|| project::validate(black_box(&p)))
    });
    group.finish();
}

/// `VmHWM` (peak resident set) of this process in kB, where `/proc` has it.
fn peak_rss_kb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// The child's work: one load+validate+save of the file, then the peak resident set.
fn peak_child(path: &Path) {
    let before = peak_rss_kb();
    let loaded = project::load(path).expect("load");
    let out = path.with_file_name("peak-saved.ron");
    project::save(&out, &loaded.project, SaveGuard::Force).expect("save");
    match (before, peak_rss_kb()) {
        (Some(b), Some(a)) => println!(
            "peak memory (VmHWM) of load+validate+save: {:.1} MB (process before loading: {:.1} MB)",
            a as f64 / 1024.0,
            b as f64 / 1024.0
        ),
        _ => println!("peak memory: /proc/self/status not available on this system"),
    }
}

fn measure_peak_memory(dir: &Path) {
    let exe = match std::env::current_exe() {
        Ok(e) => e,
        Err(e) => return println!("peak memory not measured: {e}"),
    };
    let path = dir.join("large.ron");
    match Command::new(exe).env(PEAK_CHILD_ENV, &path).output() {
        Ok(o) => print!(
            "{}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        ),
        Err(e) => println!("peak memory not measured: {e}"),
    }
}

fn main() {
    if let Some(path) = std::env::var_os(PEAK_CHILD_ENV) {
        peak_child(Path::new(&path));
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let mut c = Criterion::default().configure_from_args();
    benchmarks(&mut c, dir.path());
    c.final_summary();
    measure_peak_memory(dir.path());
}
