//! The review example in `projects/review/`: two annotators' copies of the seed article that
//! disagree on purpose, `qalam agree`'s output on them, the reviewer's recorded decisions and
//! the gold copy those give.
//!
//! The files are derived here from `projects/annotated.ron`; this test checks that the
//! committed files are exactly what the derivation, the adjudication and `qalam agree` give.
//! To write them again after a deliberate change: `QALAM_BLESS_REVIEW=1 cargo test --test review_example`.

use std::path::{Path, PathBuf};
use std::process::Command;

use qalam::model::Project;
use qalam::project::{self, SaveGuard};
use qalam::review::{Decision, DifferenceKind, RecordedDecision, adjudicate};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn dir() -> PathBuf {
    root().join("projects/review")
}

fn blessing() -> bool {
    std::env::var_os("QALAM_BLESS_REVIEW").is_some()
}

/// The seed article's annotations as annotator `name`.
fn copy_as(name: &str) -> Project {
    let mut p = project::load(&root().join("projects/annotated.ron"))
        .expect("annotated seed loads")
        .project;
    p.name = format!("Seed article ({name})");
    p.annotator = name.to_owned();
    for d in p.docs_mut() {
        for s in &mut d.spans {
            s.annotator = name.to_owned();
        }
    }
    p
}

/// Annotator B: drops two spans (with their relations), shifts one boundary, labels one
/// entity as a speaker and adds one entity.
fn mona() -> Project {
    let mut p = copy_as("mona");
    let d = p.doc_mut(0).expect("one document");
    let id_of = |d: &qalam::model::Document, quote: &str| {
        d.spans
            .iter()
            .find(|s| s.text == quote)
            .map(|s| s.id)
            .expect("span in seed")
    };
    for quote in ["تحالف عزم", "صالح"] {
        let id = id_of(d, quote);
        d.spans.retain(|s| s.id != id);
        d.relations.retain(|r| r.from != id && r.to != id);
    }
    let shifted = id_of(d, "اللواء المتقاعد والخبير في الشأن الأمني، ميثاق القيسي");
    let relabelled = id_of(d, "جينين هينيس بلاسخارت");
    for s in &mut d.spans {
        if s.id == shifted {
            s.start = s.end - "ميثاق القيسي".chars().count();
            s.text = "ميثاق القيسي".to_owned();
        }
        if s.id == relabelled {
            s.label = "speaker".to_owned();
            s.attributes.clear();
        }
    }
    let chars: Vec<char> = d.text().chars().collect();
    let quote: Vec<char> = "بغداد".chars().collect();
    let second = (0..chars.len())
        .filter(|&i| chars[i..].starts_with(&quote))
        .nth(1)
        .expect("second بغداد");
    let mut added = d
        .make_span(
            d.next_span_id(),
            "entity",
            second,
            second + quote.len(),
            "mona",
        )
        .expect("span");
    added.attributes.insert("kind".into(), "location".into());
    d.spans.push(added);
    d.normalize_order();
    p
}

/// What the reviewer decided on each kind of difference in the example.
fn reviewer_choice(kind: DifferenceKind, annotators: &[usize]) -> Decision {
    match (kind, annotators) {
        (DifferenceKind::OnlyInSome, [1]) => Decision::PickRight,
        (DifferenceKind::OnlyInSome, _) => Decision::KeepBoth,
        (DifferenceKind::Relation, [1]) => Decision::DropBoth,
        _ => Decision::PickLeft,
    }
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn agree_output() -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_qalam"))
        .current_dir(root())
        .args([
            "agree",
            "projects/review/ali.ron",
            "projects/review/mona.ron",
        ])
        .output()
        .expect("run qalam agree");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8")
}

#[test]
fn review_example_is_what_the_library_makes() {
    let (ali, mona) = (copy_as("ali"), mona());
    let decisions_path = dir().join("decisions.ron");
    let mut adj = adjudicate(&[&ali, &mona], "reviewer").expect("adjudicate");
    if blessing() {
        for i in 0..adj.differences().len() {
            let d = &adj.differences()[i];
            let who = d.relation.as_ref().map_or_else(
                || d.spans.iter().flat_map(|c| c.annotators.clone()).collect(),
                |r| r.annotators.clone(),
            );
            adj.decide(i, reviewer_choice(d.kind, &who))
                .expect("decide");
        }
        let config = ron::ser::PrettyConfig::new().depth_limit(1).new_line("\n");
        let text = ron::ser::to_string_pretty(&adj.recorded_decisions(), config).expect("RON");
        std::fs::create_dir_all(dir()).expect("folder");
        std::fs::write(&decisions_path, text + "\n").expect("write decisions");
        project::save(&dir().join("ali.ron"), &ali, SaveGuard::Force).expect("save ali");
        project::save(&dir().join("mona.ron"), &mona, SaveGuard::Force).expect("save mona");
    } else {
        let records: Vec<RecordedDecision> =
            ron::from_str(&read(&decisions_path)).expect("decisions parse");
        adj.apply_recorded(&records).expect("decisions apply");
    }
    let gold = adj.gold().expect("every difference decided");
    assert!(
        gold.dropped_relations.is_empty(),
        "{:?}",
        gold.dropped_relations
    );
    let gold_path = dir().join("gold.ron");
    if blessing() {
        project::save(&gold_path, &gold.project, SaveGuard::Force).expect("save gold");
        std::fs::write(dir().join("agreement.txt"), agree_output()).expect("write agreement.txt");
    }
    assert_eq!(
        project::load(&dir().join("ali.ron"))
            .expect("ali.ron")
            .project,
        ali
    );
    assert_eq!(
        project::load(&dir().join("mona.ron"))
            .expect("mona.ron")
            .project,
        mona
    );
    assert_eq!(
        project::load(&gold_path).expect("gold.ron").project,
        gold.project
    );
    assert_eq!(read(&dir().join("agreement.txt")), agree_output());
    // The example disagrees in each of the ways the comparison knows.
    let kinds: Vec<DifferenceKind> = adj.differences().iter().map(|d| d.kind).collect();
    for k in [
        DifferenceKind::OtherLabel,
        DifferenceKind::Boundaries,
        DifferenceKind::OnlyInSome,
        DifferenceKind::Relation,
    ] {
        assert!(kinds.contains(&k), "{k:?} missing from {kinds:?}");
    }
}

#[test]
fn every_example_file_validates() {
    for name in ["ali.ron", "mona.ron", "gold.ron"] {
        let out = Command::new(env!("CARGO_BIN_EXE_qalam"))
            .args(["validate"])
            .arg(dir().join(name))
            .output()
            .expect("run");
        assert!(
            out.status.success(),
            "{name}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}
