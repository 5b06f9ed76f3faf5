//! `qalam new` on a corpus: folders, globs, JSON Lines, duplicates and bad input, through the
//! real binary.

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use common::{qalam, s, stderr, stdout};
use qalam::project;

/// Writes `bytes` at `dir/rel`, making the folders.
fn put(dir: &Path, rel: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(rel);
    fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    fs::write(&path, bytes).expect("write");
    path
}

/// (id, source, text) of every document of the project at `path`.
fn documents(path: &Path) -> Vec<(String, String, String)> {
    project::load(path)
        .expect("a valid project")
        .project
        .documents
        .iter()
        .map(|d| (d.id.clone(), d.source.clone(), d.text().to_owned()))
        .collect()
}

/// A corpus with good files only: nested folders, Arabic, CRLF, a file without extension, a
/// JSON Lines file, a duplicate, and files a folder walk must leave out.
fn good_corpus(root: &Path) -> PathBuf {
    let corpus = root.join("corpus");
    put(
        &corpus,
        "2024/10.txt",
        "خبر العاشر\r\nقال مصدر أمني".as_bytes(),
    );
    put(&corpus, "2024/9.txt", "خبر التاسع".as_bytes());
    put(&corpus, "2024/notes.md", b"not a text");
    put(&corpus, "2023/1", "بلا امتداد".as_bytes());
    put(&corpus, ".cache/x.txt", b"hidden");
    put(
        &corpus,
        "feed.jsonl",
        "{\"id\":\"f1\",\"title\":\"عنوان\",\"text\":\"من الخلاصة\"}\n\n{\"text\":\"خبر التاسع\"}\n"
            .as_bytes(),
    );
    corpus
}

#[test]
fn a_folder_becomes_a_sorted_project_without_duplicates() {
    let dir = tempfile::tempdir().expect("tempdir");
    let corpus = good_corpus(dir.path());
    let out = dir.path().join("news.ron");
    let o = qalam(&["new", s(&corpus), "-o", s(&out)]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let c = |rel: &str| corpus.join(rel).to_string_lossy().into_owned();
    assert_eq!(
        stdout(&o),
        format!(
            "{}: 4 documents with 55 characters; skipped 1 duplicate\n",
            out.display()
        )
    );
    assert_eq!(
        stderr(&o),
        format!(
            "qalam: {}:3: same text as {}; skipped\n",
            c("feed.jsonl"),
            c("2024/9.txt")
        )
    );
    assert_eq!(
        documents(&out),
        [
            ("1".into(), c("2023/1"), "بلا امتداد".into()),
            ("9".into(), c("2024/9.txt"), "خبر التاسع".into()),
            (
                "10".into(),
                c("2024/10.txt"),
                "خبر العاشر\r\nقال مصدر أمني".into()
            ),
            (
                "f1".into(),
                format!("{}:1", c("feed.jsonl")),
                "من الخلاصة".into()
            ),
        ]
    );
    let loaded = project::load(&out).expect("load");
    assert_eq!(loaded.project.name, "news");
    assert_eq!(loaded.project.documents[3].title, "عنوان");
    assert_eq!(loaded.project.documents[2].title, "خبر العاشر");
}

#[test]
fn a_quoted_glob_is_expanded_by_qalam() {
    let dir = tempfile::tempdir().expect("tempdir");
    let corpus = good_corpus(dir.path());
    let out = dir.path().join("g.ron");
    let pattern = corpus.join("**/*.txt");
    let o = qalam(&["new", s(&pattern), "-o", s(&out)]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let ids: Vec<String> = documents(&out).into_iter().map(|d| d.0).collect();
    assert_eq!(
        ids,
        ["9", "10"],
        "no .md, no hidden folder, no extension-less file"
    );
    assert!(stderr(&o).is_empty(), "{}", stderr(&o));

    let nothing = corpus.join("**/*.xml");
    let o = qalam(&["new", s(&pattern), s(&nothing), "-o", s(&out), "--force"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains(&format!(
            "qalam: {}: no file matches this pattern\n",
            nothing.display()
        )),
        "{}",
        stderr(&o)
    );
}

/// Bad input of every kind beside two good files.
struct BadCorpus {
    _dir: tempfile::TempDir,
    root: PathBuf,
    out: PathBuf,
    lines: Vec<String>,
}

fn bad_corpus() -> BadCorpus {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().join("in");
    put(&root, "a.txt", "نص سليم".as_bytes());
    let latin = put(&root, "b-cp1256.txt", b"ok \xc7\xe1\xce\xc8\xd1");
    let empty = put(&root, "c-empty.txt", b" \r\n\t\n");
    let big = root.join("d-big.txt");
    // Sparse: the size says 200 MiB, nothing is written or read.
    fs::File::create(&big)
        .and_then(|f| f.set_len(200 << 20))
        .expect("sparse file");
    let jsonl = put(
        &root,
        "e.jsonl",
        b"{\"text\":\"line one\"}\n{\"text\": \nnot json\n{\"id\":\"x\"}\n",
    );
    put(&root, "f.txt", "نص سليم آخر".as_bytes());
    let j = jsonl.display();
    let lines = vec![
        format!(
            "{}: not UTF-8: invalid byte at offset 3 (convert the text to UTF-8 first)",
            latin.display()
        ),
        format!("{}: empty (nothing but whitespace)", empty.display()),
        format!(
            "{}: too large: 200 MiB (209715200 bytes); a document may have at most 64 MiB",
            big.display()
        ),
        format!("{j}:2: invalid JSON: EOF while parsing a value at column 9"),
        format!("{j}:3: invalid JSON: expected ident at column 2"),
        format!("{j}:4: no `text` field"),
    ];
    let out = dir.path().join("p.ron");
    BadCorpus {
        _dir: dir,
        root,
        out,
        lines,
    }
}

#[test]
fn bad_input_writes_nothing_and_names_every_file() {
    let c = bad_corpus();
    let missing = c.root.join("missing.txt");
    let o = qalam(&["new", s(&c.root), s(&missing), "-o", s(&c.out)]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(!c.out.exists(), "nothing is written");
    assert!(stdout(&o).is_empty());
    let err = stderr(&o);
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 8, "{err}");
    assert!(
        lines[0].starts_with(&format!("qalam: {}: cannot open: ", missing.display())),
        "{err}"
    );
    for (got, want) in lines[1..7].iter().zip(&c.lines) {
        assert_eq!(*got, format!("qalam: {want}"));
    }
    assert_eq!(
        lines[7],
        "qalam: nothing written: 7 bad inputs (use --skip-bad to build the project from the rest)"
    );
}

#[test]
fn skip_bad_builds_from_the_good_inputs_and_lists_the_bad() {
    let c = bad_corpus();
    let o = qalam(&["new", s(&c.root), "-o", s(&c.out), "--skip-bad"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let mut want = String::from("qalam: skipped 6 bad inputs (--skip-bad):\n");
    for line in &c.lines {
        want.push_str(&format!("  {line}\n"));
    }
    assert_eq!(stderr(&o), want);
    assert_eq!(
        stdout(&o),
        format!(
            "{}: 3 documents with 26 characters; skipped 6 bad inputs\n",
            c.out.display()
        )
    );
    let texts: Vec<String> = documents(&c.out).into_iter().map(|d| d.2).collect();
    assert_eq!(texts, ["نص سليم", "line one", "نص سليم آخر"]);
}

#[test]
fn only_bad_or_duplicate_input_leaves_nothing_to_write() {
    let dir = tempfile::tempdir().expect("tempdir");
    let empty = put(dir.path(), "empty.txt", b"");
    let out = dir.path().join("p.ron");
    let o = qalam(&["new", s(&empty), "-o", s(&out), "--skip-bad"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).ends_with("qalam: nothing written: no documents left\n"),
        "{}",
        stderr(&o)
    );
    assert!(!out.exists());
    let folder = dir.path().join("pictures");
    put(&folder, "a.png", b"png");
    let o = qalam(&["new", s(&folder), "-o", s(&out)]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains(&format!(
            "qalam: {}: no .txt, .jsonl or extension-less file in this folder",
            folder.display()
        )),
        "{}",
        stderr(&o)
    );
}

#[test]
fn a_thousand_files_come_out_in_natural_order() {
    let dir = tempfile::tempdir().expect("tempdir");
    let corpus = dir.path().join("many");
    fs::create_dir(&corpus).expect("mkdir");
    for i in 0..1000 {
        fs::write(corpus.join(format!("doc{i}.txt")), format!("نص رقم {i}")).expect("write");
    }
    let out = dir.path().join("many.ron");
    let o = qalam(&["new", s(&corpus), "-o", s(&out)]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stdout(&o).contains(": 1000 documents with "),
        "{}",
        stdout(&o)
    );
    let ids: Vec<String> = documents(&out).into_iter().map(|d| d.0).collect();
    let want: Vec<String> = (0..1000).map(|i| format!("doc{i}")).collect();
    assert_eq!(ids, want);
}

#[test]
fn files_sharing_a_name_in_different_folders_get_distinct_ids() {
    let dir = tempfile::tempdir().expect("tempdir");
    let corpus = dir.path().join("c");
    put(&corpus, "sport/001.txt", "مباراة".as_bytes());
    put(&corpus, "politics/001.txt", "انتخابات".as_bytes());
    let out = dir.path().join("p.ron");
    let o = qalam(&["new", s(&corpus), "-o", s(&out)]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let docs = documents(&out);
    let got: Vec<(&str, &str)> = docs.iter().map(|d| (d.0.as_str(), d.2.as_str())).collect();
    assert_eq!(got, [("001", "انتخابات"), ("001-2", "مباراة")]);
}
