//! The `qalam` binary's subcommands: output and exit codes.

use std::fs;
use std::path::{Path, PathBuf};

use qalam::model::{Document, Project};
use qalam::project::{self, SaveGuard};

mod common;
use common::{qalam, s, stderr, stdout};

const SEED: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/seeds/000_19e18760a7c74451.txt"
);

/// A valid project with one speaker span, saved at `dir/name`.
fn saved_project(dir: &Path, name: &str) -> PathBuf {
    let mut p = Project::new("cli", "amal");
    let mut d = Document::new("d1", "", "", "قال مصدر أمني إن الحملة بدأت");
    d.spans.extend(d.make_span(1, "speaker", 4, 13, ""));
    p.documents.push(d.into());
    let path = dir.join(name);
    project::save(&path, &p, SaveGuard::Force).expect("save");
    path
}

#[test]
fn help_lists_every_command_and_the_path() {
    let o = qalam(&["--help"]);
    assert!(o.status.success());
    let out = stdout(&o);
    for word in ["new", "validate", "stats", "[PATH]", "--help", "--version"] {
        assert!(out.contains(word), "{word} missing from help:\n{out}");
    }
    let o = qalam(&["new", "--help"]);
    let out = stdout(&o);
    for word in ["--output", "--name", "--annotator", "--force", "<TEXT>..."] {
        assert!(
            out.contains(word),
            "{word} missing from `new --help`:\n{out}"
        );
    }
    assert!(stdout(&qalam(&["validate", "--help"])).contains("--fix"));
    assert!(stdout(&qalam(&["stats", "--help"])).contains("--json"));
}

#[test]
fn usage_errors_exit_with_2() {
    assert_eq!(qalam(&["validate"]).status.code(), Some(2));
    assert_eq!(qalam(&["new", SEED]).status.code(), Some(2), "missing -o");
    assert_eq!(qalam(&["stats"]).status.code(), Some(2));
    assert_eq!(qalam(&["frobnicate", "x", "y"]).status.code(), Some(2));
}

#[test]
fn new_creates_a_project_and_refuses_to_overwrite() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("seed.ron");
    let o = qalam(&[
        "new",
        SEED,
        "-o",
        s(&out),
        "--name",
        "Seed article",
        "--annotator",
        "",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).contains("1 document"), "{}", stdout(&o));
    let loaded = project::load(&out).expect("valid project");
    assert_eq!(loaded.project.name, "Seed article");
    assert_eq!(loaded.project.annotator, "");
    let d = &loaded.project.documents[0];
    assert_eq!(d.id, "000_19e18760a7c74451");
    assert_eq!(
        d.text().as_bytes(),
        fs::read(SEED).expect("seed").as_slice()
    );
    assert!(d.title.starts_with("أفادت مصادر أمنية"));
    assert!(d.title.chars().count() <= 80);

    let o = qalam(&["new", SEED, "-o", s(&out)]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains(&format!("{}: already exists", out.display())),
        "{}",
        stderr(&o)
    );
    let o = qalam(&["new", SEED, SEED, "-o", s(&out), "--force"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let ids: Vec<String> = project::load(&out)
        .expect("load")
        .project
        .documents
        .iter()
        .map(|d| d.id.clone())
        .collect();
    // The same file named twice is one document (a repeated text is reported and skipped).
    assert_eq!(ids, ["000_19e18760a7c74451"]);
    // Without --name the project is named after the output file.
    let other = dir.path().join("أخبار.ron");
    assert_eq!(
        qalam(&["new", SEED, "-o", s(&other)]).status.code(),
        Some(0)
    );
    assert_eq!(project::load(&other).expect("load").project.name, "أخبار");
}

#[test]
fn new_refuses_invalid_utf8_and_missing_files() {
    let dir = tempfile::tempdir().expect("tempdir");
    let bad = dir.path().join("cp1256.txt");
    fs::write(&bad, b"\xc7\xe1\xce\xc8\xd1").expect("write");
    let out = dir.path().join("p.ron");
    let o = qalam(&["new", s(&bad), "-o", s(&out)]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains(&format!(
            "{}: not UTF-8: invalid byte at offset 0",
            bad.display()
        )),
        "{}",
        stderr(&o)
    );
    assert!(!out.exists());
    let o = qalam(&["new", s(&dir.path().join("nope.txt")), "-o", s(&out)]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("nope.txt: cannot open"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn validate_reports_one_problem_per_line_and_exit_codes() {
    let dir = tempfile::tempdir().expect("tempdir");
    let good = saved_project(dir.path(), "good.ron");
    let o = qalam(&["validate", s(&good)]);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    assert_eq!(stdout(&o), format!("{}: ok\n", good.display()));

    let bad = dir.path().join("bad.ron");
    let text = fs::read_to_string(&good).expect("read");
    fs::write(
        &bad,
        text.replace("label: \"speaker\"", "label: \"speeker\""),
    )
    .expect("write");
    let o = qalam(&["validate", s(&good), s(&bad)]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        stdout(&o),
        format!(
            "{}: ok\n{}: document d1: span 1: error: label \"speeker\" is not in the schema\n",
            good.display(),
            bad.display()
        )
    );

    let broken = dir.path().join("broken.ron");
    fs::write(&broken, text.replacen("name: \"cli\",", "name: \"cli\"", 1)).expect("write");
    let o = qalam(&["validate", s(&broken)]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains(&format!("{}:4:5: ", broken.display())),
        "{}",
        stderr(&o)
    );

    let o = qalam(&["validate", s(&dir.path().join("missing.ron"))]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("missing.ron: cannot open"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn validate_fix_reanchors_and_saves() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = saved_project(dir.path(), "p.ron");
    let text = fs::read_to_string(&path).expect("read");
    fs::write(&path, text.replacen("text: \"قال", "text: \"وقد قال", 1)).expect("write");
    let edited = fs::read(&path).expect("read");

    let o = qalam(&["validate", s(&path)]);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    assert!(
        out.contains(&format!(
            "{}: document d1: span 1: warning: quoted text \"مصدر أمني\" is not the text at 4..13; it was found at 8..17 (fixable with --fix)",
            path.display()
        )),
        "{out}"
    );
    assert!(
        out.contains("warning: the text does not match its recorded SHA-256"),
        "{out}"
    );
    assert_eq!(
        fs::read(&path).expect("read"),
        edited,
        "validate without --fix writes nothing"
    );

    let o = qalam(&["validate", "--fix", s(&path)]);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    assert_eq!(
        stdout(&o),
        format!("{}: fixed 2 problems and saved\n", path.display())
    );
    let loaded = project::load(&path).expect("load");
    assert!(loaded.problems.is_empty());
    assert_eq!(loaded.project.documents[0].spans[0].start, 8);
    assert_eq!(qalam(&["validate", s(&path)]).status.code(), Some(0));
}

#[test]
fn stats_as_table_and_json() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = saved_project(dir.path(), "p.ron");
    let o = qalam(&["stats", s(&path)]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines[0], format!("{}: \"cli\", 1 document", path.display()));
    let cells = |l: &str| l.split_whitespace().map(str::to_owned).collect::<Vec<_>>();
    assert_eq!(
        cells(lines[1]),
        [
            "document",
            "characters",
            "spans",
            "speaker",
            "claim",
            "entity",
            "relations"
        ]
    );
    assert_eq!(cells(lines[2]), ["d1", "28", "1", "1", "0", "0", "0"]);
    assert_eq!(cells(lines[3]), ["total", "28", "1", "1", "0", "0", "0"]);

    let o = qalam(&["stats", "--json", s(&path)]);
    assert_eq!(o.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(v["name"], "cli");
    assert_eq!(v["documents"][0]["id"], "d1");
    assert_eq!(v["documents"][0]["characters"], 28);
    assert_eq!(v["total"]["spans_per_label"]["speaker"], 1);
    assert_eq!(v["total"]["spans_per_label"]["claim"], 0);
    assert_eq!(v["total"]["relations"], 0);

    let o = qalam(&["stats", s(&dir.path().join("nope.ron"))]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("nope.ron: cannot open"));
}
