//! A review that lasts for days: decisions kept in the adjudication file, asked about before
//! quitting, resumed where the reviewer stopped; undo and redo of every review step; three
//! and five annotators; decisions gone stale when an annotator's file changed; and the gold
//! copy from the command line equal to the window's, byte for byte.

mod common;

use std::path::{Path, PathBuf};

use egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use proptest::prelude::*;
use qalam::app::{Dialog, QalamApp, Startup};
use qalam::model::{Document, Project};
use qalam::project::{self, SaveGuard};
use qalam::review::session::ReviewSession;
use qalam::review::{
    Comment, Decision, ReviewEdit, ReviewSelection, ReviewTransaction, Verdict, adjudication_path,
    load_adjudication,
};

/// Steps frames until the review's background save has finished and been collected.
fn wait_saved(h: &mut Harness<'_, QalamApp>) {
    for _ in 0..2000 {
        if !h.state().is_saving() {
            h.run_steps(1);
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(2));
        h.step();
    }
    panic!("the save never finished");
}

fn example_pair() -> (tempfile::TempDir, Vec<PathBuf>) {
    let dir = tempfile::tempdir().expect("tempdir");
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("projects/review");
    let paths: Vec<PathBuf> = ["ali.ron", "mona.ron"]
        .iter()
        .map(|n| {
            let to = dir.path().join(n);
            std::fs::copy(src.join(n), &to).expect("copy");
            to
        })
        .collect();
    (dir, paths)
}

fn open(paths: &[PathBuf]) -> Harness<'static, QalamApp> {
    let startup = Startup {
        review: paths.to_vec(),
        ..Default::default()
    };
    let mut h = Harness::builder()
        .with_size([1300.0, 900.0])
        .build_eframe(move |cc| QalamApp::new(cc, startup));
    h.run_steps(4);
    h
}

fn key(h: &mut Harness<'_, QalamApp>, k: Key) {
    h.key_press(k);
    h.run_steps(30);
}

fn session<'a>(h: &'a Harness<'_, QalamApp>) -> &'a ReviewSession {
    h.state().review().expect("review mode")
}

#[test]
fn a_decision_is_asked_about_on_quit_saved_and_resumed_the_next_day() {
    let (_dir, paths) = example_pair();
    let mut h = open(&paths);
    let n = session(&h).decided().1;
    assert!(n > 3, "the example pair has differences");
    assert_eq!(
        h.state().review_difference(),
        session(&h).first_undecided(),
        "a new review starts at the first difference"
    );
    key(&mut h, Key::N);
    key(&mut h, Key::N);
    let decided = h
        .state()
        .review_difference()
        .expect("a difference is shown");
    key(&mut h, Key::Num1);
    let adj = session(&h).adjudication.as_ref().expect("two files");
    assert_eq!(adj.decision(decided), Some(&Decision::PickLeft));
    assert!(h.state().title().starts_with('*'), "{}", h.state().title());
    assert!(h.state().mode().is_dirty());
    let decided_content = adj.differences()[decided].clone();

    // Ctrl+Q asks instead of closing.
    h.key_press_modifiers(Modifiers::COMMAND, Key::Q);
    h.run_steps(2);
    assert!(
        matches!(h.state().dialog(), Some(Dialog::Unsaved { .. })),
        "{:?}",
        h.state().dialog()
    );
    h.get_by_role_and_label(egui::accesskit::Role::Button, "Save")
        .click();
    h.run_steps(3);
    wait_saved(&mut h);
    assert!(!h.state().mode().is_dirty());
    let adj_path = adjudication_path(&paths[0]);
    let (file, _) = load_adjudication(&adj_path).expect("the adjudication file");
    assert_eq!(file.decision_count(), 1);
    assert_eq!(file.files, ["ali.ron", "mona.ron"]);
    drop(h);

    // Next day: the files given in the other order; the decision finds its difference.
    let reversed: Vec<PathBuf> = vec![paths[1].clone(), paths[0].clone()];
    let h = open(&[paths[0].clone(), paths[1].clone()]);
    let s = session(&h);
    assert_eq!(s.decided(), (1, n));
    let first = s.first_undecided().expect("more to decide");
    assert_eq!(h.state().review_difference(), Some(first));
    assert!(
        s.adjudication
            .as_ref()
            .is_some_and(|a| a.decision(first).is_none())
    );
    assert!(
        h.query_all_by_label_contains(&format!("1 of {n} decided"))
            .next()
            .is_some(),
        "label containing {}",
        &format!("1 of {n} decided")
    );
    assert!(h.state().title().contains(&format!("1 of {n} decided")));
    assert!(!h.state().title().starts_with('*'));
    drop(h);
    let s = ReviewSession::open_with(
        &reversed,
        "someone",
        &qalam::review::session::ReviewOptions {
            out: Some(adj_path),
            restore_recovery: false,
            ..Default::default()
        },
    )
    .expect("open reversed");
    let adj = s.adjudication.as_ref().expect("two files");
    let found = adj
        .differences()
        .iter()
        .position(|d| {
            d.kind == decided_content.kind
                && d.range() == decided_content.range()
                && d.spans
                    .iter()
                    .map(|c| &c.key)
                    .eq(decided_content.spans.iter().map(|c| &c.key))
        })
        .expect("same difference");
    assert_eq!(
        adj.decision(found),
        Some(&Decision::PickRight),
        "ali is the second file now: his reading is still the one kept"
    );
    assert!(s.stale.is_empty());
}

#[test]
fn unsaved_review_work_is_offered_back_from_the_recovery_copy() {
    let (_dir, paths) = example_pair();
    let mut s = ReviewSession::open(&paths, "r").expect("open");
    let d = s.first_undecided().expect("difference");
    s.decide(d, Decision::DropBoth).expect("decide");
    s.set_verdict(1, "000_19e18760a7c74451", Verdict::NeedsWork)
        .expect("verdict");
    s.write_recovery_now().expect("recovery");
    drop(s);
    let mut h = open(&paths);
    assert!(
        matches!(h.state().dialog(), Some(Dialog::Recover { .. })),
        "{:?}",
        h.state().dialog()
    );
    h.get_by_label("Restore recovered changes").click();
    h.run_steps(3);
    let s = session(&h);
    assert_eq!(
        s.adjudication.as_ref().and_then(|a| a.decision(d)),
        Some(&Decision::DropBoth)
    );
    assert_eq!(
        s.reviews[1].verdict("000_19e18760a7c74451"),
        Some(Verdict::NeedsWork)
    );
    assert!(s.is_dirty(), "restored work is not in the files yet");
    assert!(h.state().title().starts_with('*'));
}

#[test]
fn a_file_changed_on_disk_is_not_overwritten_without_asking() {
    let (_dir, paths) = example_pair();
    let mut s = ReviewSession::open(&paths, "r").expect("open");
    let d = s.first_undecided().expect("difference");
    s.decide(d, Decision::KeepBoth).expect("decide");
    s.save(false).expect("first save");
    let adj = adjudication_path(&paths[0]);
    std::fs::write(&adj, "(version: 1)\n").expect("another program writes");
    s.decide(d, Decision::DropBoth).expect("decide again");
    let e = s.save(false).expect_err("changed on disk");
    assert_eq!(e.changed_on_disk(), Some(adj.as_path()));
    assert_eq!(
        std::fs::read_to_string(&adj).expect("read"),
        "(version: 1)\n",
        "nothing written"
    );
    s.save(true).expect("forced");
    assert_eq!(load_adjudication(&adj).expect("load").0.decision_count(), 1);
}

/// One step of a random review session.
#[derive(Clone, Debug)]
enum Op {
    /// Decide difference (index mod count) with choice (mod 6), or clear it (choice 6).
    Decide(usize, u8, i8),
    Comment(usize, String),
    Verdict(usize, u8),
    /// Add (or, when there, remove) a reviewer's span at this word start and length.
    Span(usize, usize, bool),
    Undo,
    Redo,
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => (any::<usize>(), 0u8..7, -2i8..3).prop_map(|(d, c, s)| Op::Decide(d, c, s)),
        1 => (0usize..2, "[a-zأ-ي ]{1,8}").prop_map(|(f, t)| Op::Comment(f, t)),
        1 => (0usize..2, 0u8..3).prop_map(|(f, v)| Op::Verdict(f, v)),
        1 => (0usize..3000, 1usize..20, any::<bool>()).prop_map(|(a, n, r)| Op::Span(a, n, r)),
        2 => Just(Op::Undo),
        2 => Just(Op::Redo),
    ]
}

/// Everything a review step can change, as it would be saved.
fn snapshot(s: &ReviewSession) -> String {
    format!(
        "{:?}\n{:?}",
        s.adjudication_file(),
        s.reviews
            .iter()
            .map(|r| (&r.comments, &r.verdicts))
            .collect::<Vec<_>>()
    )
}

/// The decision of choice `c` on difference `d`: keep a file, keep all, drop all, or a
/// reviewer edit (a candidate's span with its start moved by `shift`, relabelled).
fn choice(s: &ReviewSession, d: usize, c: u8, shift: i8) -> Option<Decision> {
    let adj = s.adjudication.as_ref()?;
    let diff = &adj.differences()[d];
    Some(match c {
        0 => Decision::PickLeft,
        1 => Decision::PickRight,
        2 => Decision::KeepBoth,
        3 => Decision::DropBoth,
        4 | 5 => {
            let cand = diff.spans.first()?;
            let start = (cand.key.start as i64 + i64::from(shift)).max(0) as usize;
            let label = if c == 4 {
                cand.key.label.clone()
            } else {
                "entity".into()
            };
            Decision::Edit(start.min(cand.key.end - 1)..cand.key.end, label)
        }
        _ => return None,
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]
    #[test]
    fn undo_and_redo_of_review_steps_round_trip_exactly(ops in proptest::collection::vec(op(), 1..40)) {
        let (_dir, paths) = example_pair();
        let mut s = ReviewSession::open(&paths, "r").expect("open");
        let n = s.decided().1;
        let doc_id = "000_19e18760a7c74451".to_owned();
        // The states along the history, and where in them the session is.
        let mut states = vec![snapshot(&s)];
        let mut at: usize = 0;
        for op in ops {
            let before = ReviewSelection { document: 0, difference: None, span: None };
            let tx = match op {
                Op::Undo => {
                    let shown = s.undo().expect("undo");
                    prop_assert_eq!(shown.is_some(), at > 0);
                    at = at.saturating_sub(1);
                    prop_assert_eq!(&snapshot(&s), &states[at]);
                    prop_assert_eq!(s.is_dirty(), at != 0);
                    continue;
                }
                Op::Redo => {
                    let shown = s.redo().expect("redo");
                    prop_assert_eq!(shown.is_some(), at + 1 < states.len());
                    if shown.is_some() {
                        at += 1;
                    }
                    prop_assert_eq!(&snapshot(&s), &states[at]);
                    prop_assert_eq!(s.is_dirty(), at != 0);
                    continue;
                }
                Op::Decide(d, c, shift) => {
                    let d = d % n;
                    let decision = choice(&s, d, c, shift);
                    // A relation cannot be edited: that decision is refused, state unchanged.
                    ReviewTransaction::one(ReviewEdit::Decide { difference: d, decision })
                }
                Op::Span(a, n, remove) => {
                    let key = qalam::review::SpanKey {
                        start: a,
                        end: a + n,
                        label: if remove { "claim".into() } else { "entity".into() },
                    };
                    let added = s
                        .adjudication
                        .as_ref()
                        .is_some_and(|x| x.added(0).any(|k| *k == key));
                    ReviewTransaction::one(if added {
                        ReviewEdit::RemoveSpan { document: 0, key }
                    } else {
                        ReviewEdit::AddSpan { document: 0, key }
                    })
                }
                Op::Comment(f, text) => {
                    let p = &s.projects[f];
                    let comment = Comment::on_document(&p.documents[0], text);
                    ReviewTransaction::one(ReviewEdit::InsertComment {
                        file: f,
                        index: s.reviews[f].comments.len(),
                        comment,
                    })
                }
                Op::Verdict(f, v) => ReviewTransaction::one(ReviewEdit::SetVerdict {
                    file: f,
                    document: doc_id.clone(),
                    verdict: match v {
                        0 => Some(Verdict::Accepted),
                        1 => Some(Verdict::NeedsWork),
                        _ => None,
                    },
                }),
            };
            let old = snapshot(&s);
            match s.apply(tx, before.clone(), before) {
                Ok(()) => {
                    at += 1;
                    states.truncate(at);
                    states.push(snapshot(&s));
                }
                Err(_) => prop_assert_eq!(snapshot(&s), old, "a refused step changes nothing"),
            }
            prop_assert_eq!(s.is_dirty(), at != 0);
        }
        while s.undo().expect("undo").is_some() {}
        prop_assert_eq!(&snapshot(&s), &states[0]);
        prop_assert!(!s.is_dirty());
        while s.redo().expect("redo").is_some() {}
        prop_assert_eq!(&snapshot(&s), states.last().expect("final"));
    }
}

const TEXT: &str = "قال مصدر أمني إن الحملة الأمنية بدأت في بغداد. وأضاف المتحدث باسم الحكومة أن الانتخابات ستجري في موعدها.";

fn range(quote: &str) -> (usize, usize) {
    let chars: Vec<char> = TEXT.chars().collect();
    let q: Vec<char> = quote.chars().collect();
    let start = (0..chars.len())
        .find(|&i| chars[i..].starts_with(&q))
        .expect("quote in text");
    (start, start + q.len())
}

fn annotator(name: &str, spans: &[(&str, &str)]) -> Project {
    let mut p = Project::new("news", name);
    let mut d = Document::new("doc", "Title", "", TEXT);
    for (i, (quote, label)) in spans.iter().enumerate() {
        let (s, e) = range(quote);
        d.spans
            .push(d.make_span(i as u64 + 1, label, s, e, name).expect("span"));
    }
    d.normalize_order();
    p.documents.push(d.into());
    p
}

fn write(dir: &Path, name: &str, p: &Project) -> PathBuf {
    let path = dir.join(format!("{name}.ron"));
    project::save(&path, p, SaveGuard::Force).expect("save");
    path
}

fn sara(edited: bool) -> Project {
    if edited {
        annotator(
            "sara",
            &[
                ("مصدر أمني", "speaker"),
                ("بغداد", "entity"),
                ("الحملة الأمنية", "claim"),
                ("الانتخابات ستجري في موعدها", "claim"),
            ],
        )
    } else {
        annotator(
            "sara",
            &[
                ("مصدر أمني", "speaker"),
                ("بغداد", "speaker"),
                ("الانتخابات ستجري في موعدها", "claim"),
            ],
        )
    }
}

fn gold_through_prompt(h: &mut Harness<'_, QalamApp>, path: &Path) {
    h.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::G);
    h.run_steps(2);
    let label = "Path of the gold .ron file to write:";
    h.get_by_role_and_label(egui::accesskit::Role::TextInput, label)
        .focus();
    h.run_steps(1);
    h.key_press_modifiers(Modifiers::COMMAND, Key::A);
    h.get_by_role_and_label(egui::accesskit::Role::TextInput, label)
        .type_text(&path.display().to_string());
    h.run_steps(1);
    h.get_by_role_and_label(egui::accesskit::Role::Button, "Save gold")
        .click();
    h.run_steps(2);
}

#[test]
fn three_annotators_one_edited_later_kept_stale_and_new_then_the_same_gold_from_cli() {
    let dir = tempfile::tempdir().expect("tempdir");
    let ali = annotator(
        "ali",
        &[
            ("مصدر أمني", "speaker"),
            ("بغداد", "entity"),
            ("المتحدث باسم الحكومة", "speaker"),
        ],
    );
    let mona = annotator(
        "mona",
        &[
            ("مصدر", "speaker"),
            ("بغداد", "entity"),
            ("المتحدث باسم الحكومة", "speaker"),
        ],
    );
    let paths = vec![
        write(dir.path(), "ali", &ali),
        write(dir.path(), "mona", &mona),
        write(dir.path(), "sara", &sara(false)),
    ];
    let mut h = open(&paths);
    assert_eq!(session(&h).decided(), (0, 4));
    // Decide everything with the keys: 3 keeps sara's reading, 2 mona's, 1 ali's.
    for k in [Key::Num3, Key::Num2, Key::Num1, Key::Num3] {
        key(&mut h, k);
    }
    assert_eq!(session(&h).decided(), (4, 4));
    h.key_press_modifiers(Modifiers::COMMAND, Key::S);
    h.run_steps(2);
    wait_saved(&mut h);
    assert!(!h.state().mode().is_dirty());
    drop(h);

    // Sara changes her file: Baghdad becomes an entity (as the others had it), and she adds
    // a claim no one else has.
    write(dir.path(), "sara", &sara(true));
    let mut h = open(&paths);
    assert!(
        matches!(h.state().dialog(), Some(Dialog::Message { .. })),
        "stale decisions are reported on opening"
    );
    h.get_by_label("OK").click();
    h.run_steps(2);
    let s = session(&h);
    assert_eq!(s.decided(), (3, 4), "three kept, one new");
    assert_eq!(s.stale.len(), 1);
    let stale = &s.stale[0];
    let (bs, be) = range("بغداد");
    assert_eq!(stale.saved.range(), bs..be);
    assert!(stale.reason.contains("agree"), "{}", stale.reason);
    let adj = s.adjudication.as_ref().expect("adjudication");
    let new = s.first_undecided().expect("the new difference");
    let (cs, ce) = range("الحملة الأمنية");
    assert_eq!(adj.differences()[new].range(), cs..ce);
    assert_eq!(h.state().review_difference(), Some(new));
    assert!(
        h.query_all_by_label_contains("1 stale decision")
            .next()
            .is_some(),
        "label containing {}",
        "1 stale decision"
    );
    assert!(
        h.query_all_by_label_contains("3 of 4 decided")
            .next()
            .is_some(),
        "label containing {}",
        "3 of 4 decided"
    );
    // The stale decision was not applied to anything else: Baghdad is agreed now.
    key(&mut h, Key::Num1);
    assert_eq!(session(&h).decided(), (4, 4));
    h.key_press_modifiers(Modifiers::COMMAND, Key::S);
    h.run_steps(2);
    wait_saved(&mut h);
    let adj_file = adjudication_path(&paths[0]);
    let (file, _) = load_adjudication(&adj_file).expect("file");
    assert_eq!(
        file.decision_count(),
        5,
        "the stale decision is kept in the file"
    );

    let window_gold = dir.path().join("gold-window.ron");
    gold_through_prompt(&mut h, &window_gold);
    let cli_gold = dir.path().join("gold-cli.ron");
    let out = common::qalam(&[
        "adjudicate",
        "gold",
        common::s(&paths[0]),
        common::s(&paths[1]),
        common::s(&paths[2]),
        "--decisions",
        common::s(&adj_file),
        "-o",
        common::s(&cli_gold),
    ]);
    assert!(out.status.success(), "{}", common::stderr(&out));
    assert!(
        common::stderr(&out).contains("stale"),
        "{}",
        common::stderr(&out)
    );
    let a = std::fs::read(&window_gold).expect("window gold");
    let b = std::fs::read(&cli_gold).expect("cli gold");
    assert!(!a.is_empty());
    assert_eq!(a, b, "the same gold from the window and the command line");
    let gold = project::load(&cli_gold).expect("valid gold").project;
    let spans = &gold.documents[0].spans;
    assert!(spans.iter().any(|s| (s.start, s.end) == (bs, be)
        && s.label == "entity"
        && s.annotator == "ali,mona,sara"));
}

#[test]
fn five_annotators_one_lane_each_keys_up_to_five_and_the_confusion_table() {
    let dir = tempfile::tempdir().expect("tempdir");
    let labels = ["speaker", "entity", "speaker", "entity", "claim"];
    let paths: Vec<PathBuf> = labels
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let name = format!("a{i}");
            write(
                dir.path(),
                &name,
                &annotator(&name, &[("مصدر أمني", l), ("بغداد", "entity")]),
            )
        })
        .collect();
    let mut h = open(&paths);
    assert_eq!(session(&h).names.len(), 5);
    let d = h.state().review_difference().expect("a difference");
    key(&mut h, Key::Num5);
    assert_eq!(
        session(&h)
            .adjudication
            .as_ref()
            .and_then(|a| a.decision(d)),
        Some(&Decision::Pick(4))
    );
    for k in 1..=5 {
        assert!(
            h.query_all_by_label_contains(&format!("lane {k}: a{}", k - 1))
                .next()
                .is_some(),
            "label containing {}",
            &format!("lane {k}: a{}", k - 1)
        );
    }
    h.get_by_label("Label confusion").click();
    h.run_steps(3);
    assert!(
        h.query_all_by_label_contains("10 pairs pooled")
            .next()
            .is_some(),
        "label containing {}",
        "10 pairs pooled"
    );
    let c = session(&h).confusion();
    assert_eq!(c.pairs.len(), 10);
    let sp = c
        .labels
        .iter()
        .position(|l| l == "speaker")
        .expect("speaker");
    let en = c.labels.iter().position(|l| l == "entity").expect("entity");
    // مصدر أمني is two tokens; speaker/entity disagree in 4 of the 10 pairs.
    assert_eq!(c.pooled.cells[sp][en] + c.pooled.cells[en][sp], 8);

    let args: Vec<&str> = ["agree", "--confusion"]
        .into_iter()
        .chain(paths.iter().map(|p| common::s(p)))
        .collect();
    let out = common::qalam(&args);
    assert!(out.status.success(), "{}", common::stderr(&out));
    let text = common::stdout(&out);
    assert!(text.contains("Fleiss κ") && text.contains("Krippendorff α"));
    assert!(text.contains("Cohen κ A–E"), "pairwise κ for every pair");
    assert!(text.contains("all 10 pairs pooled"), "{text}");
    assert!(text.contains("rows a0, columns a4"), "{text}");
}

#[test]
fn comments_follow_their_quoted_text_and_the_others_are_reported() {
    let dir = tempfile::tempdir().expect("tempdir");
    let before = annotator(
        "ali",
        &[
            ("مصدر أمني", "speaker"),
            ("المتحدث باسم الحكومة", "speaker"),
        ],
    );
    let path = write(dir.path(), "ali", &before);
    let mut s = ReviewSession::open(std::slice::from_ref(&path), "r").expect("open");
    let doc = &s.projects[0].documents[0];
    let moved = Comment::on_span(doc, &doc.spans[0], "يتبع النص");
    let gone = Comment::on_span(doc, &doc.spans[1], "سيحذف");
    s.comment(0, moved).expect("comment");
    s.comment(0, gone).expect("comment");
    s.save(false).expect("save");
    // The annotator's text gains a prefix (every offset moves) and one span is deleted.
    let mut after = Project::new("news", "ali");
    let text = format!("عاجل: {TEXT}");
    let mut d = Document::new("doc", "Title", "", text.as_str());
    let (a, b) = range("مصدر أمني");
    d.spans.push(
        d.make_span(9, "speaker", a + 6, b + 6, "ali")
            .expect("span"),
    );
    after.documents.push(d.into());
    project::save(&path, &after, SaveGuard::Force).expect("save");
    let s = ReviewSession::open(std::slice::from_ref(&path), "r").expect("reopen");
    let current: Vec<bool> = s.reviews[0]
        .comments
        .iter()
        .map(|c| c.is_current(&s.projects[0]))
        .collect();
    assert_eq!(current, [true, false]);
    let all = s.warnings.join("\n");
    assert!(all.contains("1 comment(s) no longer find"), "{all}");
    assert!(all.contains("سيحذف") && !all.contains("يتبع"), "{all}");
}

#[test]
fn the_reviewer_adjusts_an_annotators_span_adds_one_and_relations_follow() {
    use qalam::model::Relation;
    use qalam::ui::review::ReviewIntent;
    let dir = tempfile::tempdir().expect("tempdir");
    let with_relation = |mut p: Project| {
        let d = std::sync::Arc::make_mut(&mut p.documents[0]);
        let claim = d
            .spans
            .iter()
            .find(|s| s.label == "claim")
            .expect("claim")
            .id;
        let speaker = d
            .spans
            .iter()
            .find(|s| s.label == "speaker")
            .expect("speaker")
            .id;
        d.relations.push(Relation {
            id: 1,
            kind: "attributed_to".into(),
            from: claim,
            to: speaker,
            annotator: String::new(),
        });
        p
    };
    let ali = with_relation(annotator(
        "ali",
        &[
            ("مصدر أمني", "speaker"),
            ("الحملة الأمنية بدأت في بغداد", "claim"),
        ],
    ));
    let mona = with_relation(annotator(
        "mona",
        &[
            ("مصدر", "speaker"),
            ("الحملة الأمنية بدأت في بغداد", "claim"),
        ],
    ));
    let paths = vec![
        write(dir.path(), "ali", &ali),
        write(dir.path(), "mona", &mona),
    ];
    let mut h = open(&paths);
    let d = h
        .state()
        .review_difference()
        .expect("the boundaries difference");
    let (ms, me) = range("مصدر");
    h.get_by_label("Edit mona's speaker span").click();
    h.run_steps(2);
    let decision = |h: &Harness<'_, QalamApp>| {
        session(h)
            .adjudication
            .as_ref()
            .and_then(|a| a.decision(d).cloned())
    };
    assert_eq!(decision(&h), Some(Decision::Edit(ms..me, "speaker".into())));
    assert_eq!(
        h.state().review_difference(),
        Some(d),
        "the edited difference stays shown"
    );
    // Right-to-left text: Shift+← moves the left edge, which is the span's logical end.
    for _ in 0..2 {
        h.key_press_modifiers(Modifiers::SHIFT, Key::ArrowLeft);
        h.run_steps(2);
    }
    assert_eq!(
        decision(&h),
        Some(Decision::Edit(ms..me + 2, "speaker".into()))
    );
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run_steps(2);
    assert_eq!(
        decision(&h),
        Some(Decision::Edit(ms..me + 1, "speaker".into()))
    );
    h.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::Z);
    h.run_steps(2);
    assert_eq!(
        decision(&h),
        Some(Decision::Edit(ms..me + 2, "speaker".into()))
    );
    // A span no annotator made, over a sloppy selection snapped to the word.
    let (bs, be) = range("بغداد");
    h.state_mut().apply_review_intent(ReviewIntent::AddSpan {
        range: bs..be - 2,
        label: "entity".into(),
    });
    h.run_steps(2);
    assert_eq!(
        session(&h)
            .adjudication
            .as_ref()
            .map(|a| a.added(0).map(|k| (k.start, k.end)).collect::<Vec<_>>()),
        Some(vec![(bs, be)])
    );
    // Both annotators' relations: keep them; they follow the reviewer's speaker span.
    for _ in 0..4 {
        if session(&h).first_undecided().is_none() {
            break;
        }
        // N moves on from the edited difference; deciding moves on by itself.
        let shown = h.state().review_difference().expect("shown");
        if shown == d {
            key(&mut h, Key::N);
        }
        let shown = h.state().review_difference().expect("shown");
        assert_ne!(shown, d);
        key(&mut h, Key::B);
    }
    assert_eq!(session(&h).decided(), (3, 3));
    h.key_press_modifiers(Modifiers::COMMAND, Key::S);
    h.run_steps(2);
    wait_saved(&mut h);
    let gold_path = dir.path().join("gold.ron");
    gold_through_prompt(&mut h, &gold_path);
    let gold = project::load(&gold_path).expect("valid gold").project;
    let doc = &gold.documents[0];
    let found = |start: usize, end: usize, label: &str| {
        doc.spans
            .iter()
            .find(|s| (s.start, s.end) == (start, end) && s.label == label)
            .map(|s| (s.id, s.annotator.clone()))
    };
    let Some((speaker, who)) = found(ms, me + 2, "speaker") else {
        panic!("the adjusted span {ms}..{}: {:#?}", me + 2, doc.spans)
    };
    assert_eq!(who, "reviewer");
    assert_eq!(
        found(bs, be, "entity").map(|x| x.1).as_deref(),
        Some("reviewer")
    );
    let (cs, ce) = range("الحملة الأمنية بدأت في بغداد");
    let (claim, who) = found(cs, ce, "claim").expect("agreed claim");
    assert_eq!(who, "ali,mona");
    assert_eq!(
        doc.spans.len(),
        3,
        "the annotators' speaker spans are replaced"
    );
    assert_eq!(
        doc.relations
            .iter()
            .map(|r| (r.kind.as_str(), r.from, r.to))
            .collect::<Vec<_>>(),
        [("attributed_to", claim, speaker)],
        "both relations follow the reviewer's span, once"
    );
    assert_eq!(
        doc.relations[0].annotator, "ali,mona",
        "the relation keeps who drew it, though its endpoint is the reviewer's"
    );
    // The command line writes the same gold from the saved decisions, byte for byte.
    let cli_gold = dir.path().join("gold-cli.ron");
    let out = common::qalam(&[
        "adjudicate",
        "gold",
        common::s(&paths[0]),
        common::s(&paths[1]),
        "--decisions",
        common::s(&adjudication_path(&paths[0])),
        "-o",
        common::s(&cli_gold),
    ]);
    assert!(out.status.success(), "{}", common::stderr(&out));
    assert_eq!(
        std::fs::read(&gold_path).expect("window gold"),
        std::fs::read(&cli_gold).expect("cli gold"),
        "the same gold, relation provenance included, from the window and the command line"
    );
    // The reviewer's work survives reopening.
    drop(h);
    let s = ReviewSession::open(&paths, "r").expect("reopen");
    assert_eq!(s.decided(), (3, 3));
    let adj = s.adjudication.as_ref().expect("adjudication");
    assert_eq!(adj.added(0).count(), 1);
    assert_eq!(
        adj.decision(d),
        Some(&Decision::Edit(ms..me + 2, "speaker".into()))
    );
}

#[test]
fn gold_from_the_command_line_refuses_undecided_differences_and_missing_decisions() {
    let (dir, paths) = example_pair();
    let gold = dir.path().join("gold.ron");
    let args = |decisions: &Path| {
        common::qalam(&[
            "adjudicate",
            "gold",
            common::s(&paths[0]),
            common::s(&paths[1]),
            "--decisions",
            common::s(decisions),
            "-o",
            common::s(&gold),
        ])
    };
    let adj = adjudication_path(&paths[0]);
    let out = args(&adj);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        common::stderr(&out).contains("no adjudication file"),
        "{}",
        common::stderr(&out)
    );
    let mut s = ReviewSession::open(&paths, "r").expect("open");
    let d = s.first_undecided().expect("difference");
    s.decide(d, Decision::KeepBoth).expect("decide");
    s.save(false).expect("save");
    let out = args(&adj);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        common::stderr(&out).contains("not decided yet"),
        "{}",
        common::stderr(&out)
    );
    assert!(!gold.exists(), "nothing written");
    std::fs::write(&adj, "(version: 1, documents: [(sha256: 3)])").expect("write");
    let out = args(&adj);
    assert_eq!(out.status.code(), Some(1));
    let err = common::stderr(&out);
    assert!(err.contains("ali.adjudication.ron:1:"), "{err}");
}

#[test]
fn a_one_file_review_keeps_its_comments_and_verdicts_in_a_recovery_copy_too() {
    let (_dir, paths) = example_pair();
    let one = &paths[..1];
    let mut s = ReviewSession::open(one, "r").expect("open");
    s.set_verdict(0, "000_19e18760a7c74451", Verdict::Accepted)
        .expect("verdict");
    s.write_recovery_now().expect("recovery");
    drop(s);
    let mut h = open(one);
    assert!(
        matches!(h.state().dialog(), Some(Dialog::Recover { .. })),
        "{:?}",
        h.state().dialog()
    );
    h.get_by_label("Restore recovered changes").click();
    h.run_steps(3);
    assert_eq!(
        session(&h).reviews[0].verdict("000_19e18760a7c74451"),
        Some(Verdict::Accepted)
    );
    assert!(h.state().mode().is_dirty());
    h.key_press_modifiers(Modifiers::COMMAND, Key::S);
    h.run_steps(2);
    wait_saved(&mut h);
    assert!(!h.state().mode().is_dirty());
    assert!(
        qalam::project::recovery_newer_than(&qalam::review::review_path(&paths[0])).is_none(),
        "saving removes the recovery copy"
    );
}

/// `p` with a second document over `text` holding one `label` span over `quote`.
fn with_second_document(mut p: Project, text: &str, quote: &str, label: &str) -> Project {
    let mut d = Document::new("doc2", "Second", "", text);
    let chars: Vec<char> = text.chars().collect();
    let q: Vec<char> = quote.chars().collect();
    let start = (0..chars.len())
        .find(|&i| chars[i..].starts_with(&q))
        .expect("quote in text");
    let who = p.annotator.clone();
    d.spans.push(
        d.make_span(1, label, start, start + q.len(), &who)
            .expect("span"),
    );
    p.documents.push(d.into());
    p
}

#[test]
fn stale_decisions_are_dismissed_by_an_undoable_command_and_gone_after_saving() {
    use qalam::ui::commands::UiCommand;
    let dir = tempfile::tempdir().expect("tempdir");
    let second = "وأضاف المتحدث باسم الحكومة أن الانتخابات ستجري في موعدها.";
    let ali = with_second_document(
        annotator("ali", &[("مصدر أمني", "speaker")]),
        second,
        "المتحدث باسم الحكومة",
        "speaker",
    );
    let mona = with_second_document(
        annotator("mona", &[("مصدر", "speaker")]),
        second,
        "المتحدث",
        "speaker",
    );
    let paths = vec![
        write(dir.path(), "ali", &ali),
        write(dir.path(), "mona", &mona),
    ];
    let mut s = ReviewSession::open(&paths, "r").expect("open");
    assert_eq!(s.decided(), (0, 2));
    assert_eq!(s.dismiss_stale().expect("nothing to dismiss"), 0);
    assert!(!s.is_dirty(), "dismissing nothing is no step");
    for d in 0..2 {
        s.decide(d, Decision::PickLeft).expect("decide");
    }
    s.save(false).expect("save");
    drop(s);
    // Mona now agrees with ali on the first text and no longer has the second: both
    // decisions are stale (one of them on a document not in every file any more).
    write(
        dir.path(),
        "mona",
        &annotator("mona", &[("مصدر أمني", "speaker")]),
    );
    let adj_file = adjudication_path(&paths[0]);
    let mut h = open(&paths);
    assert!(
        matches!(h.state().dialog(), Some(Dialog::Message { .. })),
        "stale decisions are reported on opening"
    );
    h.get_by_label("OK").click();
    h.run_steps(2);
    assert_eq!(session(&h).stale.len(), 2);
    assert!(
        h.query_all_by_label_contains("2 stale decision(s): an annotator's file changed")
            .next()
            .is_some(),
        "the stale list is shown"
    );
    assert!(h.state().mode().enabled(UiCommand::DismissStale));
    assert!(!h.state().mode().is_dirty());

    h.get_by_label("Review").click();
    h.run_steps(2);
    h.get_by_label("Dismiss stale decisions").click();
    h.run_steps(2);
    assert!(session(&h).stale.is_empty());
    assert!(h.state().mode().is_dirty(), "dismissing is unsaved work");
    assert!(h.state().title().starts_with('*'), "{}", h.state().title());
    assert!(!h.state().mode().enabled(UiCommand::DismissStale));
    assert!(
        h.query_all_by_label_contains("stale decision(s): an annotator's file changed")
            .next()
            .is_none(),
        "the stale list is gone from the panel"
    );
    assert!(
        h.query_all_by_label_contains("Dismissed 2 stale decision(s)")
            .next()
            .is_some(),
        "the status line says what happened"
    );
    // Undo brings them back (and the review is as saved again); redo dismisses them again.
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run_steps(2);
    assert_eq!(session(&h).stale.len(), 2);
    assert!(!h.state().mode().is_dirty());
    h.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::Z);
    h.run_steps(2);
    assert!(session(&h).stale.is_empty());
    // Nothing is removed from the file before saving.
    assert_eq!(
        load_adjudication(&adj_file)
            .expect("file")
            .0
            .decision_count(),
        2
    );
    h.key_press_modifiers(Modifiers::COMMAND, Key::S);
    h.run_steps(2);
    wait_saved(&mut h);
    assert!(!h.state().mode().is_dirty());
    let (file, _) = load_adjudication(&adj_file).expect("file");
    assert_eq!(file.decision_count(), 0, "{file:#?}");
    assert!(
        file.documents.is_empty(),
        "the orphaned document goes with its decision: {file:#?}"
    );
    drop(h);
    let s = ReviewSession::open(&paths, "r").expect("reopen");
    assert!(s.stale.is_empty());
    assert!(
        s.warnings.iter().all(|w| !w.contains("stale")),
        "{:?}",
        s.warnings
    );
}
