//! `qalam assign`: splitting a corpus among annotators.

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};

use qalam::model::{Document, Project, text_sha256};
use qalam::project::{self, SaveGuard};

mod common;
use common::{qalam, s, stderr, stdout};

/// A corpus of `n` documents, each with one pre-annotated speaker span, saved at `dir/corpus.ron`.
fn corpus(dir: &Path, n: usize) -> PathBuf {
    let mut p = Project::new("news", "");
    for i in 0..n {
        let mut d = Document::new(
            format!("doc{i:02}"),
            "",
            "",
            format!("قال مصدر أمني {i} إن الحملة بدأت"),
        );
        let mut span = d.make_span(1, "speaker", 4, 13, "").expect("span");
        span.origin = Some("suggested:cue".into());
        d.spans.push(span);
        p.documents.push(d.into());
    }
    let path = dir.join("corpus.ron");
    project::save(&path, &p, SaveGuard::Force).expect("save");
    path
}

fn assign(corpus: &Path, out: &Path, extra: &[&str]) -> std::process::Output {
    let mut args = vec![
        "assign",
        s(corpus),
        "--annotators",
        "ali,mona,sara",
        "--per-document",
        "2",
        "--shared",
        "2",
        "--seed",
        "7",
        "-o",
        s(out),
    ];
    args.extend(extra);
    qalam(&args)
}

#[test]
fn every_document_goes_to_k_annotators_with_balanced_loads() {
    let dir = tempfile::tempdir().expect("tempdir");
    let c = corpus(dir.path(), 11);
    let out = dir.path().join("team");
    let o = assign(&c, &out, &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("team/ali.ron: "), "{}", stdout(&o));
    let mut holders: HashMap<String, Vec<String>> = HashMap::new();
    let mut loads = Vec::new();
    for name in ["ali", "mona", "sara"] {
        let path = out.join(format!("{name}.ron"));
        let loaded = project::load(&path).expect("a valid project");
        let p = loaded.project;
        assert_eq!(p.annotator, name);
        assert_eq!(
            p.assigned_from.as_deref(),
            Some("corpus.ron seed=7 per-document=2 shared=2 annotators=ali,mona,sara")
        );
        assert_eq!(p.name, "news");
        loads.push(p.documents.len());
        for d in &p.documents {
            // Pre-annotation is kept.
            assert_eq!(d.spans.len(), 1);
            assert_eq!(d.spans[0].origin.as_deref(), Some("suggested:cue"));
            holders
                .entry(text_sha256(d.text()))
                .or_default()
                .push(name.to_owned());
        }
        // Written as Qalam writes: loading and saving again changes no byte.
        assert_eq!(
            project::to_ron_string(&p).expect("ron").into_bytes(),
            fs::read(&path).expect("read")
        );
        // The first two (calibration) documents are everyone's.
        assert_eq!(p.documents[0].id, "doc00");
        assert_eq!(p.documents[1].id, "doc01");
    }
    assert_eq!(holders.len(), 11, "every document is given out");
    let counts: Vec<usize> = holders.values().map(Vec::len).collect();
    assert_eq!(counts.iter().filter(|&&c| c == 3).count(), 2);
    assert_eq!(counts.iter().filter(|&&c| c == 2).count(), 9);
    let (lo, hi) = (
        loads.iter().min().expect("loads"),
        loads.iter().max().expect("loads"),
    );
    assert!(hi - lo <= 1, "loads {loads:?}");
    assert_eq!(loads.iter().sum::<usize>(), 2 * 3 + 9 * 2);
    // The files are valid for `qalam validate` too.
    let files: Vec<String> = ["ali", "mona", "sara"]
        .iter()
        .map(|n| out.join(format!("{n}.ron")).display().to_string())
        .collect();
    let mut args = vec!["validate"];
    args.extend(files.iter().map(String::as_str));
    assert_eq!(qalam(&args).status.code(), Some(0));
}

#[test]
fn the_same_seed_gives_the_same_files() {
    let dir = tempfile::tempdir().expect("tempdir");
    let c = corpus(dir.path(), 12);
    let (one, two) = (dir.path().join("one"), dir.path().join("two"));
    assert!(assign(&c, &one, &[]).status.success());
    assert!(assign(&c, &two, &[]).status.success());
    for name in ["ali.ron", "mona.ron", "sara.ron"] {
        assert_eq!(
            fs::read(one.join(name)).expect("read"),
            fs::read(two.join(name)).expect("read"),
            "{name}"
        );
    }
    let three = dir.path().join("three");
    let o = qalam(&[
        "assign",
        s(&c),
        "--annotators",
        "ali,mona,sara",
        "--per-document",
        "2",
        "--shared",
        "2",
        "--seed",
        "8",
        "-o",
        s(&three),
    ]);
    assert!(o.status.success());
    let differs = ["ali.ron", "mona.ron", "sara.ron"]
        .iter()
        .any(|n| fs::read(one.join(n)).ok() != fs::read(three.join(n)).ok());
    assert!(differs, "another seed gives another split");
}

#[test]
fn bad_arguments_are_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let c = corpus(dir.path(), 3);
    let out = dir.path().join("team");
    let run = |extra: &[&str]| {
        let mut args = vec!["assign", s(&c), "-o", s(&out)];
        args.extend(extra);
        qalam(&args)
    };
    let o = run(&["--annotators", "ali,mona", "--per-document", "3"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("--per-document 3 is more than the 2 annotators"),
        "{}",
        stderr(&o)
    );
    let o = run(&["--annotators", "ali,mona,ali", "--per-document", "1"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("\"ali\" is given twice"),
        "{}",
        stderr(&o)
    );
    let o = run(&[
        "--annotators",
        "ali",
        "--per-document",
        "1",
        "--shared",
        "4",
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("--shared 4"), "{}", stderr(&o));
    // Usage errors are clap's.
    assert_eq!(
        run(&["--annotators", "ali", "--per-document", "0"])
            .status
            .code(),
        Some(2)
    );
    assert_eq!(run(&["--per-document", "1"]).status.code(), Some(2));
    assert!(!out.exists(), "nothing written");
    let missing = dir.path().join("nope.ron");
    let o = qalam(&[
        "assign",
        s(&missing),
        "--annotators",
        "ali",
        "--per-document",
        "1",
        "-o",
        s(&out),
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("nope.ron"), "{}", stderr(&o));
}

#[test]
fn existing_files_are_kept_unless_forced() {
    let dir = tempfile::tempdir().expect("tempdir");
    let c = corpus(dir.path(), 4);
    let out = dir.path().join("team");
    fs::create_dir_all(&out).expect("mkdir");
    fs::write(out.join("mona.ron"), "mona's work").expect("write");
    let o = assign(&c, &out, &[]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("mona.ron already exists"),
        "{}",
        stderr(&o)
    );
    assert_eq!(
        fs::read_to_string(out.join("mona.ron")).expect("read"),
        "mona's work"
    );
    assert!(!out.join("ali.ron").exists(), "nothing written at all");
    let o = assign(&c, &out, &["--force"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(project::load(&out.join("mona.ron")).is_ok());
}
