//! Label Studio's own SDK reads our tasks (config and annotations validate, its converter
//! reads every region at its offsets); a Label Studio export with emoji whose offsets are code
//! points in one task and UTF-16 units in another imports with exact offsets.

mod common;
mod consumers_common;

use common::{qalam, s, stderr, stdout};
use consumers_common::{projects, python, repo, summary};

#[test]
fn label_studio_reads_our_tasks_and_config() {
    let dir = tempfile::tempdir().expect("tempdir");
    for (k, ron) in projects(dir.path()).iter().enumerate() {
        let tasks = dir.path().join(format!("{k}.json"));
        let o = qalam(&[
            "export",
            s(ron),
            "--format",
            "label-studio",
            "-o",
            s(&tasks),
        ]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        let config = dir.path().join(format!("{k}.label_config.xml"));
        assert!(stderr(&o).contains(&format!("also wrote {}", config.display())));
        let check = repo("tests/python/check_labelstudio.py");
        let got = summary(&python(
            &[s(&check), "export", s(&tasks), s(&config)],
            dir.path(),
        ));
        let project = qalam::project::load(ron).expect("loads").project;
        let spans: usize = project.documents.iter().map(|d| d.spans.len()).sum();
        let relations: usize = project.documents.iter().map(|d| d.relations.len()).sum();
        assert_eq!(got["regions"], spans, "{got}");
        assert_eq!(got["relations"], relations, "{got}");
    }
}

#[test]
fn an_export_with_both_offset_units_imports_exactly_and_says_which() {
    let dir = tempfile::tempdir().expect("tempdir");
    let fixture = repo("tests/fixtures/labelstudio/emoji_both_units.json");
    // The fixture is a valid Label Studio export for our config.
    let config = dir.path().join("t.label_config.xml");
    let o = qalam(&[
        "export",
        s(&repo("projects/seed.ron")),
        "--format",
        "label-studio",
        "-o",
        s(&dir.path().join("t.json")),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let check = repo("tests/python/check_labelstudio.py");
    python(&[s(&check), "valid", s(&fixture), s(&config)], dir.path());

    let out = dir.path().join("ls.ron");
    let o = qalam(&[
        "import",
        "--format",
        "label-studio",
        s(&fixture),
        "-o",
        s(&out),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("offsets read: 2 region(s) as code points; 3 as UTF-16 units (task 2)"),
        "{}",
        stderr(&o)
    );
    assert!(
        stdout(&o).contains("2 documents with 5 spans and 2 relations"),
        "{}",
        stdout(&o)
    );
    let p = qalam::project::load(&out).expect("valid project").project;
    let got: Vec<(usize, usize, &str, &str)> = p
        .documents
        .iter()
        .flat_map(|d| {
            d.spans
                .iter()
                .map(|s| (s.start, s.end, s.label.as_str(), s.text.as_str()))
        })
        .collect();
    assert_eq!(
        got,
        [
            (6, 15, "speaker", "مصدر أمني"),
            (19, 37, "claim", "الحملة 🇸🇦 بدأت أمس"),
            (11, 18, "speaker", "المتحدث"),
            (22, 31, "entity", "سكاي نيوز"),
            (39, 51, "claim", "الهدنة صامدة"),
        ]
    );
    let d0 = &p.documents[0];
    assert_eq!(
        d0.spans[1].attributes.get("quote").map(String::as_str),
        Some("indirect")
    );
    assert_eq!(d0.spans[0].annotator, "layla@example.org");
    let d1 = &p.documents[1];
    assert_eq!(d1.spans[2].note.as_deref(), Some("قالها في مؤتمر صحفي"));
    assert_eq!(
        d1.text(),
        "👩‍👩‍👧 صرّح المتحدث لـ«سكاي نيوز» بأن 😀 الهدنة صامدة\r\nوأضاف أن"
    );
}

#[test]
fn a_region_matching_neither_unit_is_reported_per_task_and_skipped_only_when_asked() {
    let dir = tempfile::tempdir().expect("tempdir");
    let fixture = repo("tests/fixtures/labelstudio/one_bad_region.json");
    let out = dir.path().join("ls.ron");
    let o = qalam(&[
        "import",
        "--format",
        "label-studio",
        s(&fixture),
        "-o",
        s(&out),
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains(
            "one_bad_region.json: task 2 (id 2): region \"q2\": text \"سكاي نيوز\" matches the text at 26..34 neither as code points"
        ),
        "{}",
        stderr(&o)
    );
    assert!(!out.exists(), "nothing written");
    let o = qalam(&[
        "import",
        "--format",
        "label-studio",
        s(&fixture),
        "-o",
        s(&out),
        "--skip-bad",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("skipped 1 bad item (--skip-bad)"),
        "{}",
        stderr(&o)
    );
    assert!(
        stdout(&o).contains("2 documents with 4 spans and 2 relations"),
        "{}",
        stdout(&o)
    );
}
