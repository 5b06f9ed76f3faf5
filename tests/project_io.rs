//! Loading, atomic saving, the changed-on-disk guard, recovery files, re-anchoring on load
//! and importing text files.

use std::fs;
use std::path::Path;
use std::time::{Duration, SystemTime};

use qalam::model::{Document, Project};
use qalam::project::{self, Fix, ProjectError, SaveGuard, Severity};

const TEXT: &str =
    "قال مصدر أمني إن الحملة الأمنية بدأت في بغداد.\nوأضاف المصدر أن الحملة مستمرة.\n";

fn sample() -> Project {
    let mut p = Project::new("io", "amal");
    let mut d = Document::new("d1", "خبر", "", TEXT);
    let span = d.make_span(1, "speaker", 4, 13, "amal").expect("span");
    d.spans.push(span);
    p.documents.push(d.into());
    p
}

/// Sets a file's modification time, so tests do not depend on clock granularity.
fn set_mtime(path: &Path, t: SystemTime) {
    let f = fs::File::options().write(true).open(path).expect("open");
    f.set_modified(t).expect("set mtime");
}

#[test]
fn save_then_load_is_identity_and_leaves_no_temporary_files() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("p.ron");
    let p = sample();
    let stamp = project::save(&path, &p, SaveGuard::CreateNew).expect("save");
    let loaded = project::load(&path).expect("load");
    assert_eq!(loaded.project, p);
    assert_eq!(loaded.stamp, stamp);
    assert!(loaded.problems.is_empty());
    let names: Vec<_> = fs::read_dir(dir.path())
        .expect("ls")
        .map(|e| e.expect("entry").file_name())
        .collect();
    assert_eq!(names, ["p.ron"]);
}

#[cfg(unix)]
#[test]
fn saving_through_a_symlink_replaces_the_linked_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let real = dir.path().join("real.ron");
    let link = dir.path().join("link.ron");
    project::save(&real, &sample(), SaveGuard::CreateNew).expect("save");
    std::os::unix::fs::symlink(&real, &link).expect("symlink");
    let loaded = project::load(&link).expect("load through link");
    let mut p = loaded.project;
    p.name = "via link".into();
    project::save(&link, &p, SaveGuard::Unchanged(&loaded.stamp)).expect("save through link");
    assert!(
        fs::symlink_metadata(&link)
            .expect("link")
            .file_type()
            .is_symlink(),
        "the link is kept"
    );
    assert_eq!(project::load(&real).expect("load").project.name, "via link");
}

#[test]
fn create_new_refuses_an_existing_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("p.ron");
    fs::write(&path, "precious").expect("write");
    let err = project::save(&path, &sample(), SaveGuard::CreateNew).expect_err("exists");
    assert!(matches!(err, ProjectError::AlreadyExists { .. }));
    assert_eq!(fs::read_to_string(&path).expect("read"), "precious");
}

#[test]
fn changed_on_disk_is_refused_unless_forced() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("p.ron");
    project::save(&path, &sample(), SaveGuard::Force).expect("save");
    let loaded = project::load(&path).expect("load");
    // Unchanged: saving again is fine and gives a fresh stamp.
    let stamp =
        project::save(&path, &loaded.project, SaveGuard::Unchanged(&loaded.stamp)).expect("resave");
    // Another program rewrites the file.
    let mut other = loaded.project.clone();
    other.name = "changed elsewhere".into();
    fs::write(&path, project::to_ron_string(&other).expect("ron")).expect("write");
    let err =
        project::save(&path, &loaded.project, SaveGuard::Unchanged(&stamp)).expect_err("changed");
    assert!(
        matches!(&err, ProjectError::ChangedOnDisk { path: p } if p == &path),
        "{err}"
    );
    assert!(
        err.to_string()
            .contains("p.ron: the file was changed by another program"),
        "{err}"
    );
    assert_eq!(
        project::load(&path).expect("load").project.name,
        "changed elsewhere"
    );
    project::save(&path, &loaded.project, SaveGuard::Force).expect("forced");
    assert_eq!(project::load(&path).expect("load").project.name, "io");
}

#[test]
fn same_length_rewrite_with_restored_mtime_is_still_detected_by_time_or_hash() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("p.ron");
    let stamp = project::save(&path, &sample(), SaveGuard::Force).expect("save");
    let text = fs::read_to_string(&path).expect("read");
    // Same length, different bytes, new mtime: only the hash can tell.
    fs::write(&path, text.replacen("name: \"io\"", "name: \"oi\"", 1)).expect("write");
    set_mtime(&path, SystemTime::now() + Duration::from_secs(5));
    assert!(!stamp.matches_disk(&path).expect("check"));
    // Touched but identical content: the hash says unchanged.
    fs::write(&path, &text).expect("write");
    set_mtime(&path, SystemTime::now() + Duration::from_secs(10));
    assert!(stamp.matches_disk(&path).expect("check"));
    // A deleted file has nothing to lose.
    fs::remove_file(&path).expect("rm");
    assert!(stamp.matches_disk(&path).expect("check"));
}

#[test]
fn load_reports_errors_as_invalid_and_warnings_as_problems() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("p.ron");
    let mut p = sample();
    p.doc_mut(0).expect("doc").spans[0].label = "nope".into();
    project::save(&path, &p, SaveGuard::Force).expect("save");
    let err = project::load(&path).expect_err("invalid");
    let msg = err.to_string();
    assert!(msg.contains("p.ron: the project has 1 error\n  document d1: span 1: error: label \"nope\" is not in the schema"), "{msg}");
    let ProjectError::Invalid { problems, .. } = err else {
        panic!("not Invalid: {msg}")
    };
    assert_eq!(problems.len(), 1);
}

#[test]
fn edited_text_gives_reanchor_warnings_that_fix_the_spans() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("p.ron");
    project::save(&path, &sample(), SaveGuard::Force).expect("save");
    // Someone inserts a word at the start of the text by hand.
    let text = fs::read_to_string(&path).expect("read");
    fs::write(
        &path,
        text.replacen("text: \"قال مصدر", "text: \"وقد قال مصدر", 1),
    )
    .expect("write");
    let mut loaded = project::load(&path).expect("warnings only");
    let kinds: Vec<_> = loaded
        .problems
        .iter()
        .map(|p| (p.severity, p.fix.clone()))
        .collect();
    assert_eq!(
        kinds,
        [
            (Severity::Warning, Some(Fix::RefreshHash { doc: 0 })),
            (
                Severity::Warning,
                Some(Fix::Reanchor {
                    doc: 0,
                    span: 1,
                    old_start: 4,
                    old_end: 13,
                    start: 8,
                    end: 17
                })
            ),
        ]
    );
    assert_eq!(
        project::apply_fixes(&mut loaded.project, &loaded.problems),
        2
    );
    assert!(project::validate(&loaded.project).is_empty());
    project::save(&path, &loaded.project, SaveGuard::Unchanged(&loaded.stamp)).expect("save fixed");
    assert!(project::load(&path).expect("load").problems.is_empty());
}

#[test]
fn io_errors_name_the_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let missing = dir.path().join("missing.ron");
    let msg = project::load(&missing).expect_err("missing").to_string();
    assert!(
        msg.starts_with(&format!("{}: cannot open:", missing.display())),
        "{msg}"
    );
    let msg = project::load(dir.path()).expect_err("folder").to_string();
    assert!(msg.contains(&dir.path().display().to_string()), "{msg}");
    let nowhere = dir.path().join("no/such/folder/p.ron");
    let msg = project::save(&nowhere, &sample(), SaveGuard::Force)
        .expect_err("no folder")
        .to_string();
    assert!(msg.contains("no/such/folder"), "{msg}");
}

#[test]
fn huge_file_is_refused_before_reading() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("huge.ron");
    // Sparse: no disk space or time is spent on the gigabyte.
    let f = fs::File::create(&path).expect("create");
    f.set_len(project::MAX_FILE_BYTES + 1).expect("set_len");
    let err = project::load(&path).expect_err("too large");
    assert!(matches!(err, ProjectError::TooLarge { .. }), "{err}");
    assert!(
        err.to_string()
            .starts_with(&format!("{}: file is 1073741825 bytes", path.display())),
        "{err}"
    );
}

#[test]
fn recovery_file_lifecycle() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("p.ron");
    assert_eq!(
        project::recovery_path(&path),
        dir.path().join(".p.ron.recovery")
    );
    assert_eq!(
        project::recovery_path(Path::new("p.ron")),
        Path::new("./.p.ron.recovery")
    );
    project::save(&path, &sample(), SaveGuard::Force).expect("save");
    assert_eq!(project::recovery_newer_than(&path), None);
    let mut edited = sample();
    edited.name = "unsaved work".into();
    let rec = project::write_recovery(&path, &edited).expect("recovery");
    set_mtime(&path, SystemTime::now() - Duration::from_secs(60));
    assert_eq!(project::recovery_newer_than(&path), Some(rec.clone()));
    assert_eq!(
        project::load(&rec).expect("recovery loads").project.name,
        "unsaved work"
    );
    // Saving the project afterwards makes the recovery stale.
    set_mtime(&path, SystemTime::now() + Duration::from_secs(60));
    assert_eq!(project::recovery_newer_than(&path), None);
    project::remove_recovery(&path).expect("remove");
    assert!(!rec.exists());
    project::remove_recovery(&path).expect("removing twice is fine");
    // A recovery for a project never saved counts as newer.
    let unsaved = dir.path().join("new.ron");
    project::write_recovery(&unsaved, &edited).expect("recovery");
    assert!(project::recovery_newer_than(&unsaved).is_some());
}

#[test]
fn text_files_become_documents() {
    let dir = tempfile::tempdir().expect("tempdir");
    let a = dir.path().join("article.txt");
    let b = dir.path().join("sub").join("article.txt");
    fs::create_dir(dir.path().join("sub")).expect("mkdir");
    fs::write(&a, "\n  عنوان الخبر  \r\nنص الخبر\r\n").expect("write");
    fs::write(&b, "second").expect("write");
    let p = project::project_from_text_files(&[a.clone(), b.clone()], "n", "amal").expect("import");
    assert_eq!(p.name, "n");
    assert_eq!(p.annotator, "amal");
    let ids: Vec<_> = p.documents.iter().map(|d| d.id.as_str()).collect();
    assert_eq!(ids, ["article", "article-2"]);
    assert_eq!(p.documents[0].title, "عنوان الخبر");
    assert_eq!(p.documents[0].text(), "\n  عنوان الخبر  \r\nنص الخبر\r\n");
    assert_eq!(p.documents[0].source, a.to_string_lossy());
    assert!(p.documents[0].hash_matches());
    let bad = dir.path().join("latin1.txt");
    fs::write(&bad, b"caf\xe9").expect("write");
    let err = project::project_from_text_files(&[a, bad.clone()], "n", "").expect_err("latin-1");
    assert_eq!(
        err.to_string(),
        format!(
            "{}: not UTF-8: invalid byte at offset 3 (convert the text to UTF-8 first)",
            bad.display()
        )
    );
}

/// The benchmarks' fixtures, checked here so that a broken generator fails a test.
#[path = "../benches/common/mod.rs"]
mod bench_fixture;

#[test]
fn large_benchmark_fixture_is_valid_and_round_trips() {
    let p = bench_fixture::make_large_project(7);
    let d = &p.documents[0];
    assert!(d.text().len() >= bench_fixture::TEXT_BYTES);
    assert_eq!(d.spans.len(), bench_fixture::SPANS);
    assert_eq!(d.relations.len(), bench_fixture::RELATIONS);
    assert!(
        d.spans.iter().any(|s| !s.attributes.is_empty())
            && d.spans.iter().any(|s| s.note.is_some())
    );
    assert_eq!(project::validate(&p), []);
    let text = project::to_ron_string(&p).expect("serialize");
    assert_eq!(
        project::parse_str(&text, Path::new("large.ron")).expect("parse"),
        p
    );
    assert_eq!(
        bench_fixture::make_large_project(7),
        p,
        "deterministic for a seed"
    );
}

#[test]
fn benchmark_corpus_is_valid_distinct_and_deterministic() {
    let p = bench_fixture::make_corpus(30, 3);
    assert_eq!(p.documents.len(), 30);
    assert_eq!(project::validate(&p), []);
    let hashes: std::collections::HashSet<&str> =
        p.documents.iter().map(|d| d.sha256.as_str()).collect();
    assert_eq!(hashes.len(), 30, "every text is distinct");
    assert!(p.documents.iter().all(
        |d| d.spans.len() == bench_fixture::CORPUS_SPANS_PER_DOCUMENT
            && d.relations.len() == bench_fixture::CORPUS_RELATIONS_PER_DOCUMENT
    ));
    let bytes: usize = p.documents.iter().map(|d| d.text().len()).sum();
    assert!(
        (2_000..5_000).contains(&(bytes / 30)),
        "about 3 kB per document, got {}",
        bytes / 30
    );
    assert_eq!(
        bench_fixture::make_corpus(30, 3),
        p,
        "deterministic for a seed"
    );
}

#[cfg(target_os = "linux")]
#[test]
fn a_save_removes_temporary_files_of_killed_saves_and_keeps_those_of_live_processes() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("p.ron");
    project::save(&path, &sample(), SaveGuard::CreateNew).expect("save");
    // A process that has ended (as a save killed mid-write has) and one still running.
    let mut dead = std::process::Command::new("true").spawn().expect("spawn");
    dead.wait().expect("wait");
    let mut live = std::process::Command::new("sleep")
        .arg("30")
        .spawn()
        .expect("spawn");
    let temp = |pid: u32, n: u32| dir.path().join(format!(".p.ron.tmp-{pid}-{n}"));
    let stale = [temp(dead.id(), 0), temp(dead.id(), 3)];
    let kept = [
        temp(live.id(), 0),
        temp(std::process::id(), 7),
        dir.path().join(".other.ron.tmp-1-0"),
        dir.path().join(".p.ron.tmp-notapid-0"),
    ];
    for f in stale.iter().chain(&kept) {
        fs::write(f, "(version: 2, name: \"torn").expect("write");
    }
    project::save(&path, &sample(), SaveGuard::Force).expect("save again");
    live.kill().expect("kill");
    live.wait().expect("wait");
    for f in &stale {
        assert!(!f.exists(), "{} was left", f.display());
    }
    for f in &kept {
        assert!(f.exists(), "{} was removed", f.display());
    }
}
