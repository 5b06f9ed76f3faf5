//! `qalam schema show / export / apply`, `qalam new --schema`, and the schema check of
//! `qalam agree` and `qalam review`, through the real binary.

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use common::{qalam, s, stderr, stdout};
use qalam::model::{Project, Schema};

fn repo(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

fn load(path: &Path) -> Project {
    qalam::project::load(path).expect("a valid project").project
}

fn write_schema(path: &Path, schema: &Schema) {
    let text = qalam::schema::schema_to_string(schema).expect("schema text");
    fs::write(path, text).expect("write schema");
}

/// The annotated seed, copied to `dir/name`.
fn annotated_copy(dir: &Path, name: &str) -> PathBuf {
    let to = dir.join(name);
    fs::copy(repo("projects/annotated.ron"), &to).expect("copy");
    to
}

fn count_label(p: &Project, label: &str) -> usize {
    p.documents
        .iter()
        .flat_map(|d| &d.spans)
        .filter(|s| s.label == label)
        .count()
}

fn count_relations(p: &Project, kind: &str) -> usize {
    p.documents
        .iter()
        .flat_map(|d| &d.relations)
        .filter(|r| r.kind == kind)
        .count()
}

#[test]
fn export_show_and_new_with_the_exported_schema() {
    let dir = tempfile::tempdir().expect("dir");
    let out = dir.path().join("schema.ron");
    let o = qalam(&[
        "schema",
        "export",
        s(&repo("projects/seed.ron")),
        "-o",
        s(&out),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("3 labels, 2 relation types, 2 attributes"));
    let text = fs::read_to_string(&out).expect("read");
    assert!(
        text.starts_with("(\n    schema_version: 1,\n    schema: ("),
        "{text}"
    );
    // Exporting again refuses to overwrite.
    let again = qalam(&[
        "schema",
        "export",
        s(&repo("projects/seed.ron")),
        "-o",
        s(&out),
    ]);
    assert_eq!(again.status.code(), Some(1));

    let shown = qalam(&["schema", "show", s(&out)]);
    assert!(shown.status.success(), "{}", stderr(&shown));
    let shown = stdout(&shown);
    for line in [
        "  speaker  key 1  colour #1f77b4",
        "  attributed_to  claim → speaker  key a",
        "  claim.quote: direct, indirect, mixed",
        "[marked: المتحدث باسم الوزارة، خالد شمال]",
    ] {
        assert!(shown.contains(line), "{line:?} not in\n{shown}");
    }

    // A changed schema (a new label, revision 3) given to `new`.
    let mut schema = qalam::schema::load_schema(&out).expect("load");
    schema.revision = 3;
    schema.span_labels.push(qalam::model::SpanLabel {
        name: "cue".into(),
        color: "#9467bd".into(),
        key: "4".into(),
        ..Default::default()
    });
    write_schema(&out, &schema);
    let project = dir.path().join("p.ron");
    let o = qalam(&[
        "new",
        s(&repo("seeds")),
        "-o",
        s(&project),
        "--schema",
        s(&out),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(load(&project).schema, schema);
    assert!(
        fs::read_to_string(&project)
            .expect("read")
            .contains("    schema: (\n        revision: 3,\n")
    );
}

/// Spoils a good schema in one way.
type Spoil = fn(&mut Schema);

#[test]
fn a_bad_schema_file_is_refused_with_its_position_or_problem() {
    let dir = tempfile::tempdir().expect("dir");
    let bad = dir.path().join("bad.ron");
    fs::write(
        &bad,
        "(\n    schema_version: 1,\n    schema: (span_labels: 7),\n)\n",
    )
    .expect("w");
    let o = qalam(&["schema", "show", s(&bad)]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("bad.ron:3:"), "{}", stderr(&o));

    let mut schema = Schema::default();
    schema.span_labels[2].examples[0].mark = Some(qalam::model::Mark { start: 4, end: 400 });
    write_schema(&bad, &schema);
    let project = dir.path().join("p.ron");
    let o = qalam(&[
        "new",
        s(&repo("seeds")),
        "-o",
        s(&project),
        "--schema",
        s(&bad),
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("label \"entity\": example 1: mark 4..400 ends past the text"),
        "{}",
        stderr(&o)
    );
    assert!(!project.exists());

    // Each kind of mistake is named with its item, and nothing is written.
    let cases: [(&str, Spoil); 4] = [
        ("label \"claim\": defined more than once", |s| {
            s.span_labels[0].name = "claim".into()
        }),
        ("label \"entity\": key \"1\" is used twice", |s| {
            s.span_labels[2].key = "1".into()
        }),
        (
            "relation type \"about\": to names label \"place\", which is not defined",
            |s| s.relation_types[1].to = vec!["place".into()],
        ),
        (
            "label \"speaker\": colour \"blue\" is not of the form #rrggbb",
            |s| s.span_labels[0].color = "blue".into(),
        ),
    ];
    for (message, spoil) in cases {
        let mut schema = Schema::default();
        spoil(&mut schema);
        write_schema(&bad, &schema);
        for args in [
            vec!["schema", "show", s(&bad)],
            vec![
                "new",
                s(&repo("seeds")),
                "-o",
                s(&project),
                "--schema",
                s(&bad),
            ],
        ] {
            let o = qalam(&args);
            assert_eq!(o.status.code(), Some(1), "{args:?}");
            assert!(
                stderr(&o).contains(message),
                "{message:?} not in {}",
                stderr(&o)
            );
        }
        assert!(!project.exists());
    }
}

#[test]
fn apply_renames_everywhere_and_records_the_revision() {
    let dir = tempfile::tempdir().expect("dir");
    let a = annotated_copy(dir.path(), "a.ron");
    let before = fs::read(&a).expect("read");
    let speakers = count_label(&load(&a), "speaker");
    assert!(speakers > 0);
    let mut schema = Schema {
        revision: 2,
        ..Schema::default()
    };
    let r = qalam::schema::Renames::new([
        ("speaker".to_owned(), "source".to_owned()),
        ("indirect".to_owned(), "reported".to_owned()),
    ]);
    qalam::schema::rename_schema(&mut schema, &r);
    let sf = dir.path().join("schema.ron");
    write_schema(&sf, &schema);
    // A reviewer's comments on a speaker span and on an attributed_to relation.
    let review_path = qalam::review::file::review_path(&a);
    {
        let p = load(&a);
        let d = p
            .documents
            .iter()
            .find(|d| !d.relations.is_empty())
            .expect("a document with relations");
        let speaker = d
            .spans
            .iter()
            .find(|s| s.label == "speaker")
            .expect("a speaker");
        let mut review =
            qalam::review::file::ReviewFile::for_project_file(&a, "rev").expect("review");
        review.comments.push(qalam::review::file::Comment::on_span(
            d,
            speaker,
            "whole apposition?",
        ));
        let rel = d
            .relations
            .iter()
            .find(|r| r.kind == "attributed_to")
            .expect("relation");
        review
            .comments
            .extend(qalam::review::file::Comment::on_relation(
                d,
                rel,
                "right source?",
            ));
        qalam::review::file::save_review(
            &review_path,
            &review,
            qalam::project::SaveGuard::CreateNew,
        )
        .expect("save review");
    }

    // Without the renames, the spans labelled speaker are in the way: nothing is written.
    let o = qalam(&["schema", "apply", s(&sf), s(&a)]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(
        err.contains(&format!(
            "label \"speaker\" is used by {speakers} spans but not in the schema"
        )),
        "{err}"
    );
    assert!(
        err.contains("attribute claim.quote value \"indirect\""),
        "{err}"
    );
    assert!(err.contains("nothing written"), "{err}");
    assert_eq!(fs::read(&a).expect("read"), before, "the file is untouched");

    let o = qalam(&[
        "schema",
        "apply",
        s(&sf),
        s(&a),
        "--rename",
        "speaker=source",
        "--rename",
        "indirect=reported",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("schema revision 0 → 2; renamed "),
        "{}",
        stdout(&o)
    );
    let p = load(&a);
    assert_eq!(count_label(&p, "source"), speakers);
    assert_eq!(count_label(&p, "speaker"), 0);
    assert_eq!(p.schema, schema);
    assert_eq!(p.schema.relation_types[0].to, ["source"]);
    assert!(
        p.documents.iter().flat_map(|d| &d.spans).any(|s| s
            .attributes
            .get("quote")
            .map(String::as_str)
            == Some("reported"))
    );
    assert!(qalam::project::validate(&p).is_empty());
    let text = fs::read_to_string(&a).expect("read");
    assert!(text.contains("        revision: 2,\n"));
    // The review comments follow, and still find their span and relation.
    assert!(
        stdout(&o).contains("a.review.ron: renamed 2 names in review comments"),
        "{}",
        stdout(&o)
    );
    let (review, _) = qalam::review::file::load_review(&review_path).expect("review");
    assert_eq!(review.comments.len(), 2);
    assert!(
        review.comments.iter().all(|c| c.is_current(&p)),
        "{review:?}"
    );
    let review_text = fs::read_to_string(&review_path).expect("read");
    assert!(!review_text.contains("\"speaker\""), "{review_text}");
}

#[test]
fn labels_in_use_are_removed_only_with_drop_and_counted() {
    let dir = tempfile::tempdir().expect("dir");
    let a = annotated_copy(dir.path(), "a.ron");
    let b = annotated_copy(dir.path(), "b.ron");
    let original = load(&a);
    let entities = count_label(&original, "entity");
    let about = count_relations(&original, "about");
    assert!(entities > 0 && about > 0);
    // A schema without entity (so `about` can only link claims to claims).
    let mut schema = Schema {
        revision: 1,
        ..Schema::default()
    };
    schema.span_labels.retain(|l| l.name != "entity");
    schema.attributes.retain(|a| a.label != "entity");
    schema.relation_types[1].to = vec!["claim".into()];
    let sf = dir.path().join("schema.ron");
    write_schema(&sf, &schema);

    let o = qalam(&["schema", "apply", s(&sf), s(&a), s(&b)]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(
        err.contains(&format!(
            "a.ron: label \"entity\" is used by {entities} spans"
        )),
        "{err}"
    );
    assert!(
        err.contains(&format!(
            "b.ron: label \"entity\" is used by {entities} spans"
        )),
        "{err}"
    );
    assert!(
        err.contains("nothing written: 2 files cannot be migrated"),
        "{err}"
    );

    let o = qalam(&["schema", "apply", s(&sf), s(&a), s(&b), "--drop"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(
        out.contains(&format!("removed {entities} spans, {about} relation")),
        "{out}"
    );
    let p = load(&a);
    assert_eq!(count_label(&p, "entity"), 0);
    assert_eq!(count_relations(&p, "about"), 0);
    assert_eq!(
        count_relations(&p, "attributed_to"),
        count_relations(&original, "attributed_to")
    );
    assert_eq!(load(&b), p);
}

#[test]
fn relations_no_longer_allowed_are_listed_and_nothing_is_written_if_one_file_fails() {
    let dir = tempfile::tempdir().expect("dir");
    let a = annotated_copy(dir.path(), "a.ron");
    // b has no `about` relation, so it would migrate on its own.
    let b = dir.path().join("b.ron");
    let mut pb = load(&a);
    for d in pb.docs_mut() {
        d.relations.retain(|r| r.kind != "about");
    }
    qalam::project::save(&b, &pb, qalam::project::SaveGuard::Force).expect("save b");
    let b_before = fs::read(&b).expect("read");
    // `about` now goes from claims to speakers.
    let mut schema = Schema {
        revision: 5,
        ..Schema::default()
    };
    schema.relation_types[1].to = vec!["speaker".into()];
    let sf = dir.path().join("schema.ron");
    write_schema(&sf, &schema);
    let o = qalam(&["schema", "apply", s(&sf), s(&a), s(&b)]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(
        err.contains("relation 2 about: claim 50..135")
            && err.contains("→ entity 50..76 \"رئيس الحكومة مصطفى الكاظمي\" is no longer allowed (about: claim → speaker)"),
        "{err}"
    );
    assert!(err.contains("nothing written: 1 file cannot"), "{err}");
    assert_eq!(
        fs::read(&b).expect("read"),
        b_before,
        "b is not written either"
    );

    let o = qalam(&["schema", "apply", s(&sf), s(&a), s(&b), "--drop"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(
        out.contains("removed document 000_19e18760a7c74451: relation 2 about"),
        "{out}"
    );
    assert_eq!(count_relations(&load(&a), "about"), 0);
    assert_eq!(load(&b).schema.revision, 5);
}

#[test]
fn agree_and_review_refuse_different_schemas_unless_mapped() {
    let dir = tempfile::tempdir().expect("dir");
    let a = annotated_copy(dir.path(), "a.ron");
    let b = annotated_copy(dir.path(), "b.ron");
    // b's speakers become sources; colours and guidelines differ too, which does not count.
    let mut schema = Schema {
        revision: 1,
        ..Schema::default()
    };
    let r = qalam::schema::Renames::new([("speaker".to_owned(), "source".to_owned())]);
    qalam::schema::rename_schema(&mut schema, &r);
    schema.span_labels[0].color = "#000000".into();
    schema.span_labels[0].examples.clear();
    let sf = dir.path().join("schema.ron");
    write_schema(&sf, &schema);
    let o = qalam(&[
        "schema",
        "apply",
        s(&sf),
        s(&b),
        "--rename",
        "speaker=source",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));

    let o = qalam(&["agree", s(&a), s(&b)]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(err.contains("schemas differ"), "{err}");
    assert!(err.contains("label \"speaker\": only in "), "{err}");
    assert!(err.contains("label \"source\": only in "), "{err}");
    assert!(
        err.contains("relation type \"attributed_to\": claim → speaker in "),
        "{err}"
    );
    assert!(!err.contains("#000000") && !err.contains("colour"), "{err}");
    assert!(stdout(&o).is_empty());

    let mapped = qalam(&["agree", s(&a), s(&b), "--map", "source=speaker", "--json"]);
    assert!(mapped.status.success(), "{}", stderr(&mapped));
    let json: serde_json::Value = serde_json::from_str(&stdout(&mapped)).expect("json");
    assert!(!json["corpus"].is_null(), "{json}");
    // The same annotations under other names agree perfectly once mapped.
    let same = qalam(&[
        "agree",
        s(&a),
        s(&annotated_copy(dir.path(), "c.ron")),
        "--json",
    ]);
    let same: serde_json::Value = serde_json::from_str(&stdout(&same)).expect("json");
    assert_eq!(json["corpus"], same["corpus"]);

    // The review session renames as --map says: the two copies then have no differences.
    use qalam::review::session::{ReviewOptions, ReviewSession};
    let differences = |map: Vec<(String, String)>| {
        let options = ReviewOptions {
            map,
            ..Default::default()
        };
        let session = ReviewSession::open_with(&[a.clone(), b.clone()], "layla", &options)
            .expect("review opens");
        session.adjudication.expect("two files").differences().len()
    };
    assert!(differences(Vec::new()) > 0);
    assert_eq!(differences(vec![("source".into(), "speaker".into())]), 0);

    // Review checks before opening any window.
    let o = qalam(&["review", s(&a), s(&b)]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("review: the files' schemas differ"),
        "{}",
        stderr(&o)
    );
    assert!(
        stderr(&o).contains("label \"source\": only in "),
        "{}",
        stderr(&o)
    );
}

#[test]
fn the_parc_example_validates_exports_and_compares() {
    let schema = repo("projects/parc/schema.ron");
    let seed = repo("projects/parc/seed-parc.ron");
    let parc = qalam::schema::load_schema(&schema).expect("the PARC schema is valid");
    let p = load(&seed);
    assert_eq!(
        p.schema, parc,
        "the example records the PARC schema, revision included"
    );
    assert!(parc.revision > 0);
    let o = qalam(&["validate", s(&seed)]);
    assert!(o.status.success(), "{}{}", stdout(&o), stderr(&o));
    // Every claim is cued, every cue introduces a claim, every speaker has a source type.
    let d = &p.documents[0];
    let claims = count_label(&p, "claim");
    let cues = count_label(&p, "cue");
    assert_eq!(count_relations(&p, "cued_by"), claims);
    assert_eq!(cues, claims);
    let type_of = |id| d.span(id).map(|s| s.label.as_str());
    assert!(
        d.relations
            .iter()
            .filter(|r| r.kind == "cued_by")
            .all(|r| { type_of(r.from) == Some("claim") && type_of(r.to) == Some("cue") })
    );
    let allowed = &parc
        .attribute("speaker", "source_type")
        .expect("source_type")
        .values;
    assert!(d.spans.iter().filter(|s| s.label == "speaker").all(|s| {
        s.attributes
            .get("source_type")
            .is_some_and(|v| allowed.contains(v))
    }));
    // Cues are bare reporting words: no proclitic و / ف, no space.
    for s in d.spans.iter().filter(|s| s.label == "cue") {
        assert!(
            !s.text.contains(' ') && !s.text.starts_with(['و', 'ف']),
            "{}",
            s.text
        );
    }

    let dir = tempfile::tempdir().expect("dir");
    for (format, out) in [
        ("jsonl", "parc.jsonl"),
        ("conll", "parc.conll"),
        ("label-studio", "parc.json"),
    ] {
        let out = dir.path().join(out);
        let o = qalam(&["export", s(&seed), "--format", format, "-o", s(&out)]);
        assert!(o.status.success(), "{format}: {}", stderr(&o));
        let written = fs::read_to_string(&out).expect("export written");
        assert!(written.contains("cue"), "{format} names the cue label");
    }

    // Two annotators' copies: the example, and one without the cue "يرى" (and its link).
    let copy = dir.path().join("mona.ron");
    let mut q = p.clone();
    let doc = q.doc_mut(0).expect("document");
    let cue = doc
        .spans
        .iter()
        .find(|s| s.label == "cue" && s.text == "يرى")
        .map(|s| s.id)
        .expect("the cue يرى");
    doc.spans.retain(|s| s.id != cue);
    doc.relations.retain(|r| r.to != cue);
    qalam::project::save(&copy, &q, qalam::project::SaveGuard::Force).expect("save");
    let o = qalam(&["agree", s(&seed), s(&copy), "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let json: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("json");
    assert!(json["labels"].to_string().contains("cue"), "{json}");
    let session = qalam::review::session::ReviewSession::open(&[seed.clone(), copy], "layla")
        .expect("review opens both copies");
    let adjudication = session.adjudication.as_ref().expect("two files");
    let spans: Vec<&str> = adjudication
        .differences()
        .iter()
        .flat_map(|d| &d.spans)
        .map(|c| c.text.as_str())
        .collect();
    assert_eq!(spans, ["يرى"], "the one cue is the only span difference");
}
