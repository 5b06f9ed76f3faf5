//! Adjudication: differences between annotators, every kind of decision, and the gold project.

use qalam::model::{Document, Project, Relation};
use qalam::project::{has_errors, validate};
use qalam::review::{AdjudicationError, Decision, DifferenceKind, adjudicate};

const TEXT: &str = "قال مصدر أمني إن الحملة الأمنية بدأت في بغداد. وأضاف المتحدث باسم الحكومة أن الانتخابات ستجري في موعدها.";

/// Code-point range of the `nth` occurrence of `quote` in `TEXT`.
fn range(quote: &str, nth: usize) -> (usize, usize) {
    let chars: Vec<char> = TEXT.chars().collect();
    let q: Vec<char> = quote.chars().collect();
    let start = (0..chars.len())
        .filter(|&i| chars[i..].starts_with(&q))
        .nth(nth)
        .expect("quote in text");
    (start, start + q.len())
}

/// A project of one document over `TEXT` with `spans` (quote, label, occurrence) and
/// `relations` (type, from index, to index into `spans`).
fn annotator(
    name: &str,
    doc_id: &str,
    spans: &[(&str, &str, usize)],
    relations: &[(&str, usize, usize)],
) -> Project {
    let mut p = Project::new("news", name);
    let mut d = Document::new(doc_id, "Title", "", TEXT);
    for (i, (quote, label, nth)) in spans.iter().enumerate() {
        let (s, e) = range(quote, *nth);
        d.spans
            .push(d.make_span(i as u64 + 10, label, s, e, name).expect("span"));
    }
    for (i, (kind, from, to)) in relations.iter().enumerate() {
        d.relations.push(Relation {
            id: i as u64 + 1,
            kind: (*kind).into(),
            from: *from as u64 + 10,
            to: *to as u64 + 10,
            annotator: String::new(),
        });
    }
    d.normalize_order();
    p.documents.push(d.into());
    p
}

fn ali() -> Project {
    annotator(
        "ali",
        "doc",
        &[
            ("مصدر أمني", "speaker", 0),
            ("الحملة الأمنية بدأت في بغداد", "claim", 0),
            ("بغداد", "entity", 0),
            ("المتحدث باسم الحكومة", "speaker", 0),
            ("الانتخابات ستجري في موعدها", "claim", 0),
        ],
        &[
            ("attributed_to", 1, 0),
            ("about", 1, 2),
            ("attributed_to", 4, 3),
        ],
    )
}

fn mona() -> Project {
    annotator(
        "mona",
        "other-id",
        &[
            ("مصدر", "speaker", 0),
            ("الحملة الأمنية بدأت في بغداد", "claim", 0),
            ("بغداد", "speaker", 0),
            ("المتحدث باسم الحكومة", "speaker", 0),
            ("الحكومة", "entity", 0),
        ],
        &[("attributed_to", 1, 0)],
    )
}

/// (start, end, label, annotator) of every gold span, in file order.
fn gold_spans(p: &Project) -> Vec<(usize, usize, String, String)> {
    p.documents[0]
        .spans
        .iter()
        .map(|s| (s.start, s.end, s.label.clone(), s.annotator.clone()))
        .collect()
}

/// (type, from quote, to quote) of every gold relation.
fn gold_relations(p: &Project) -> Vec<(String, String, String)> {
    let d = &p.documents[0];
    let quote = |id| d.span(id).map(|s| s.text.clone()).unwrap_or_default();
    d.relations
        .iter()
        .map(|r| (r.kind.clone(), quote(r.from), quote(r.to)))
        .collect()
}

fn span(quote: &str, label: &str, who: &str) -> (usize, usize, String, String) {
    let (s, e) = range(quote, 0);
    (s, e, label.to_owned(), who.to_owned())
}

fn assert_valid(p: &Project) {
    let problems = validate(p);
    assert!(!has_errors(&problems), "{problems:#?}");
}

#[test]
fn agreed_items_are_accepted_and_the_rest_become_differences() {
    let (a, b) = (ali(), mona());
    let adj = adjudicate(&[&a, &b], "reviewer").expect("two annotators");
    let kinds: Vec<DifferenceKind> = adj.differences().iter().map(|d| d.kind).collect();
    use DifferenceKind::*;
    assert_eq!(
        kinds,
        [
            Boundaries, OtherLabel, OnlyInSome, OnlyInSome, Relation, Relation, Relation, Relation
        ]
    );
    let boundary = &adj.differences()[0];
    let alternatives: Vec<(&str, Vec<usize>)> = boundary
        .spans
        .iter()
        .map(|c| (c.text.as_str(), c.annotators.clone()))
        .collect();
    assert_eq!(alternatives, [("مصدر", vec![1]), ("مصدر أمني", vec![0])]);
    let (s, e) = range("مصدر أمني", 0);
    assert_eq!(boundary.range(), s..e);
    assert_eq!(
        adj.differences()[1]
            .spans
            .iter()
            .map(|c| c.key.label.as_str())
            .collect::<Vec<_>>(),
        ["speaker", "entity"]
    );
    assert_eq!(adj.undecided().count(), 8);
    // With every difference dropped, the gold copy is what both agree on.
    let mut adj = adj;
    for i in 0..8 {
        adj.decide(i, Decision::DropBoth).expect("decide");
    }
    let gold = adj.gold().expect("all decided");
    assert_eq!(
        gold_spans(&gold.project),
        [
            span("الحملة الأمنية بدأت في بغداد", "claim", "ali,mona"),
            span("المتحدث باسم الحكومة", "speaker", "ali,mona")
        ]
    );
    assert!(gold.project.documents[0].relations.is_empty());
    assert_eq!(gold.project.annotator, "reviewer");
    assert_eq!(
        gold.project.documents[0].id, "doc",
        "ids of the first annotator"
    );
    assert_valid(&gold.project);
}

#[test]
fn pick_left_takes_the_first_annotators_reading_everywhere() {
    let (a, b) = (ali(), mona());
    let mut adj = adjudicate(&[&a, &b], "r").expect("adjudicate");
    for i in 0..adj.differences().len() {
        adj.decide(i, Decision::PickLeft).expect("decide");
    }
    let gold = adj.gold().expect("gold").project;
    assert_eq!(
        gold_spans(&gold),
        [
            span("مصدر أمني", "speaker", "ali"),
            span("الحملة الأمنية بدأت في بغداد", "claim", "ali,mona"),
            span("بغداد", "entity", "ali"),
            span("المتحدث باسم الحكومة", "speaker", "ali,mona"),
            span("الانتخابات ستجري في موعدها", "claim", "ali"),
        ]
    );
    let mut rels = gold_relations(&gold);
    rels.sort();
    let mut expected = gold_relations(&a);
    expected.sort();
    assert_eq!(rels, expected);
    assert_valid(&gold);
}

#[test]
fn pick_right_takes_the_second_annotators_reading_everywhere() {
    let (a, b) = (ali(), mona());
    let mut adj = adjudicate(&[&a, &b], "r").expect("adjudicate");
    for i in 0..adj.differences().len() {
        adj.decide(i, Decision::PickRight).expect("decide");
    }
    let gold = adj.gold().expect("gold").project;
    let labels: Vec<(String, String)> = gold.documents[0]
        .spans
        .iter()
        .map(|s| (s.text.clone(), s.label.clone()))
        .collect();
    let expected: Vec<(String, String)> = b.documents[0]
        .spans
        .iter()
        .map(|s| (s.text.clone(), s.label.clone()))
        .collect();
    assert_eq!(labels, expected);
    assert_eq!(
        gold_relations(&gold),
        [(
            "attributed_to".to_owned(),
            "الحملة الأمنية بدأت في بغداد".to_owned(),
            "مصدر".to_owned()
        )]
    );
    assert!(
        gold.documents[0]
            .spans
            .iter()
            .all(|s| s.annotator == "mona" || s.annotator == "ali,mona")
    );
    assert_valid(&gold);
}

#[test]
fn keep_both_keeps_every_alternative_and_its_relations() {
    let (a, b) = (ali(), mona());
    let mut adj = adjudicate(&[&a, &b], "r").expect("adjudicate");
    for i in 0..adj.differences().len() {
        adj.decide(i, Decision::KeepBoth).expect("decide");
    }
    let gold = adj.gold().expect("gold");
    assert!(
        gold.dropped_relations.is_empty(),
        "{:?}",
        gold.dropped_relations
    );
    let spans = gold_spans(&gold.project);
    assert_eq!(spans.len(), 8, "{spans:#?}");
    assert!(
        spans.contains(&span("بغداد", "entity", "ali"))
            && spans.contains(&span("بغداد", "speaker", "mona"))
    );
    assert!(
        spans.contains(&span("مصدر", "speaker", "mona"))
            && spans.contains(&span("مصدر أمني", "speaker", "ali"))
    );
    assert_eq!(gold.project.documents[0].relations.len(), 4);
    assert_valid(&gold.project);
}

#[test]
fn pick_by_index_chooses_among_three_annotators() {
    let (a, b) = (ali(), mona());
    let c = annotator(
        "sara",
        "third",
        &[("مصدر", "speaker", 0), ("بغداد", "entity", 0)],
        &[],
    );
    let mut adj = adjudicate(&[&a, &b, &c], "r").expect("adjudicate");
    assert_eq!(adj.annotators, ["ali", "mona", "sara"]);
    for i in 0..adj.differences().len() {
        adj.decide(i, Decision::Pick(2)).expect("decide");
    }
    let gold = adj.gold().expect("gold").project;
    assert_eq!(
        gold_spans(&gold),
        [
            span("مصدر", "speaker", "mona,sara"),
            span("بغداد", "entity", "ali,sara")
        ]
    );
    assert_eq!(
        adj.decide(0, Decision::Pick(3)),
        Err(AdjudicationError::NoSuchAnnotator { index: 3, count: 3 })
    );
    assert_valid(&gold);
}

#[test]
fn edit_replaces_the_alternatives_and_relations_follow_it() {
    let (a, b) = (ali(), mona());
    let mut adj = adjudicate(&[&a, &b], "r").expect("adjudicate");
    let (s, e) = range("قال مصدر أمني", 0);
    for i in 0..adj.differences().len() {
        let decision = if i == 0 {
            Decision::Edit(s..e, "speaker".into())
        } else {
            Decision::KeepBoth
        };
        adj.decide(i, decision).expect("decide");
    }
    let gold = adj.gold().expect("gold");
    let spans = gold_spans(&gold.project);
    assert!(
        spans.contains(&span("قال مصدر أمني", "speaker", "reviewer")),
        "no annotator had the edited span: {spans:#?}"
    );
    assert!(
        !spans
            .iter()
            .any(|x| x.0 == range("مصدر", 0).0 && x.1 != e && x.2 == "speaker")
    );
    // Both annotators' attributed_to relations of the first claim now point at the edited
    // span, and count once.
    let to_edited: Vec<_> = gold_relations(&gold.project)
        .into_iter()
        .filter(|r| r.2 == "قال مصدر أمني")
        .collect();
    assert_eq!(to_edited.len(), 1);
    assert_valid(&gold.project);
}

#[test]
fn invalid_edits_and_indices_are_refused() {
    let (a, b) = (ali(), mona());
    let mut adj = adjudicate(&[&a, &b], "r").expect("adjudicate");
    let bad =
        |r: Result<(), AdjudicationError>| matches!(r, Err(AdjudicationError::BadEdit { .. }));
    assert!(bad(adj.decide(0, Decision::Edit(0..3, "nope".into()))));
    assert!(bad(adj.decide(0, Decision::Edit(3..3, "speaker".into()))));
    assert!(bad(
        adj.decide(0, Decision::Edit(0..10_000, "speaker".into()))
    ));
    assert!(
        bad(adj.decide(7, Decision::Edit(0..3, "speaker".into()))),
        "relations cannot be edited"
    );
    assert_eq!(
        adj.decide(99, Decision::KeepBoth),
        Err(AdjudicationError::NoSuchDifference {
            index: 99,
            count: 8
        })
    );
    adj.decide(0, Decision::KeepBoth).expect("decide");
    assert_eq!(
        adj.gold().err(),
        Some(AdjudicationError::Undecided { count: 7, first: 1 })
    );
    adj.undecide(0);
    assert_eq!(adj.decision(0), None);
    assert_eq!(
        adjudicate(&[&a], "r").err(),
        Some(AdjudicationError::TooFewAnnotators { found: 1 })
    );
}

#[test]
fn relations_whose_endpoint_is_dropped_are_reported_not_written() {
    let (a, b) = (ali(), mona());
    let mut adj = adjudicate(&[&a, &b], "r").expect("adjudicate");
    for i in 0..adj.differences().len() {
        // Drop every span difference, keep every relation.
        let relation = adj.differences()[i].kind == DifferenceKind::Relation;
        adj.decide(
            i,
            if relation {
                Decision::KeepBoth
            } else {
                Decision::DropBoth
            },
        )
        .expect("decide");
    }
    let gold = adj.gold().expect("gold");
    assert_eq!(gold.dropped_relations.len(), 4);
    assert!(
        gold.dropped_relations
            .iter()
            .all(|d| d.reason.contains("not in the gold copy") && d.document == "doc")
    );
    assert!(gold.project.documents[0].relations.is_empty());
    assert_valid(&gold.project);
}

#[test]
fn recorded_decisions_replay_to_the_same_gold() {
    let (a, b) = (ali(), mona());
    let mut adj = adjudicate(&[&a, &b], "r").expect("adjudicate");
    let choices = [
        Decision::PickLeft,
        Decision::PickRight,
        Decision::KeepBoth,
        Decision::DropBoth,
    ];
    for i in 0..adj.differences().len() {
        adj.decide(i, choices[i % 4].clone()).expect("decide");
    }
    let records = adj.recorded_decisions();
    let text = ron::to_string(&records).expect("records as RON");
    let back: Vec<qalam::review::RecordedDecision> =
        ron::from_str(&text).expect("records from RON");
    let mut again = adjudicate(&[&a, &b], "r").expect("adjudicate");
    again.apply_recorded(&back).expect("apply");
    assert_eq!(again.gold(), adj.gold());
    let mut wrong = back[0].clone();
    wrong.range.start += 1;
    assert!(matches!(
        again.apply_recorded(&[wrong]),
        Err(AdjudicationError::NoMatchingDifference { .. })
    ));
}

#[test]
fn documents_not_in_every_project_are_listed_and_left_out() {
    let a = ali();
    let mut b = mona();
    b.documents
        .push(Document::new("extra", "Extra", "", "نص آخر").into());
    let mut adj = adjudicate(&[&a, &b], "r").expect("adjudicate");
    assert_eq!(adj.only_in_some.len(), 1);
    assert_eq!(adj.only_in_some[0].ids, [None, Some("extra".to_owned())]);
    for i in 0..adj.differences().len() {
        adj.decide(i, Decision::PickLeft).expect("decide");
    }
    assert_eq!(adj.gold().expect("gold").project.documents.len(), 1);
}

/// (type, from quote, to quote, annotator) of every gold relation, sorted.
fn gold_relations_by(p: &Project) -> Vec<(String, String, String, String)> {
    let d = &p.documents[0];
    let quote = |id| d.span(id).map(|s| s.text.clone()).unwrap_or_default();
    let mut out: Vec<_> = d
        .relations
        .iter()
        .map(|r| {
            (
                r.kind.clone(),
                quote(r.from),
                quote(r.to),
                r.annotator.clone(),
            )
        })
        .collect();
    out.sort();
    out
}

fn rel(kind: &str, from: &str, to: &str, who: &str) -> (String, String, String, String) {
    (kind.into(), from.into(), to.into(), who.into())
}

#[test]
fn gold_relations_record_which_annotators_had_them_with_two_annotators() {
    let (a, b) = (ali(), mona());
    let mut adj = adjudicate(&[&a, &b], "r").expect("adjudicate");
    for i in 0..adj.differences().len() {
        adj.decide(i, Decision::PickLeft).expect("decide");
    }
    let gold = adj.gold().expect("gold").project;
    assert_eq!(
        gold_relations_by(&gold),
        [
            rel("about", "الحملة الأمنية بدأت في بغداد", "بغداد", "ali"),
            rel(
                "attributed_to",
                "الانتخابات ستجري في موعدها",
                "المتحدث باسم الحكومة",
                "ali"
            ),
            rel(
                "attributed_to",
                "الحملة الأمنية بدأت في بغداد",
                "مصدر أمني",
                "ali"
            ),
        ]
    );
    // Written to the file, and read back.
    let text = qalam::project::to_ron_string(&gold).expect("ron");
    assert!(
        text.lines()
            .any(|l| l.contains("type: \"about\"") && l.ends_with("annotator: \"ali\"),")),
        "{text}"
    );
    assert_eq!(
        qalam::project::parse_str(&text, std::path::Path::new("gold.ron")).expect("reads"),
        gold
    );
    assert_valid(&gold);

    // The speaker edited by the reviewer: both annotators' relations to their own speaker
    // span follow it and become one relation, which keeps both names (they drew the link).
    let (s, e) = range("قال مصدر أمني", 0);
    for i in 0..adj.differences().len() {
        let decision = if i == 0 {
            Decision::Edit(s..e, "speaker".into())
        } else {
            Decision::KeepBoth
        };
        adj.decide(i, decision).expect("decide");
    }
    let gold = adj.gold().expect("gold").project;
    let rels = gold_relations_by(&gold);
    assert!(
        rels.contains(&rel(
            "attributed_to",
            "الحملة الأمنية بدأت في بغداد",
            "قال مصدر أمني",
            "ali,mona"
        )),
        "{rels:#?}"
    );
    assert!(rels.contains(&rel("about", "الحملة الأمنية بدأت في بغداد", "بغداد", "ali")));
    assert!(
        gold.documents[0]
            .relations
            .iter()
            .all(|r| !r.annotator.is_empty()),
        "every gold relation says where it came from"
    );
    assert_valid(&gold);
}

#[test]
fn gold_relations_record_which_annotators_had_them_with_three_annotators() {
    let sentence = |name: &str, speaker: &str| {
        annotator(
            name,
            name,
            &[
                (speaker, "speaker", 0),
                ("الحملة الأمنية بدأت في بغداد", "claim", 0),
                ("المتحدث باسم الحكومة", "speaker", 0),
                ("الانتخابات ستجري في موعدها", "claim", 0),
            ],
            &[("attributed_to", 1, 0), ("attributed_to", 3, 2)],
        )
    };
    let (a, b, c) = (
        sentence("ali", "مصدر أمني"),
        sentence("mona", "مصدر أمني"),
        sentence("sara", "مصدر"),
    );
    let mut adj = adjudicate(&[&a, &b, &c], "r").expect("adjudicate");
    // One span difference (the speaker's boundaries) and two relation differences.
    let kinds: Vec<DifferenceKind> = adj.differences().iter().map(|d| d.kind).collect();
    assert_eq!(
        kinds,
        [
            DifferenceKind::Boundaries,
            DifferenceKind::Relation,
            DifferenceKind::Relation
        ]
    );
    let agreed = rel(
        "attributed_to",
        "الانتخابات ستجري في موعدها",
        "المتحدث باسم الحكومة",
        "ali,mona,sara",
    );
    // Ali's reading everywhere: the relation ali and mona had, with both names.
    for i in 0..3 {
        adj.decide(i, Decision::Pick(0)).expect("decide");
    }
    let gold = adj.gold().expect("gold").project;
    assert_eq!(
        gold_relations_by(&gold),
        [
            agreed.clone(),
            rel(
                "attributed_to",
                "الحملة الأمنية بدأت في بغداد",
                "مصدر أمني",
                "ali,mona"
            ),
        ]
    );
    // Sara's reading: her relation only.
    for i in 0..3 {
        adj.decide(i, Decision::Pick(2)).expect("decide");
    }
    let gold = adj.gold().expect("gold").project;
    assert_eq!(
        gold_relations_by(&gold),
        [
            agreed.clone(),
            rel(
                "attributed_to",
                "الحملة الأمنية بدأت في بغداد",
                "مصدر",
                "sara"
            ),
        ]
    );
    // The reviewer's own speaker span, both relations kept: they follow it and merge.
    let (s, e) = range("قال مصدر أمني", 0);
    adj.decide(0, Decision::Edit(s..e, "speaker".into()))
        .expect("edit");
    adj.decide(1, Decision::KeepBoth).expect("keep");
    adj.decide(2, Decision::KeepBoth).expect("keep");
    let gold = adj.gold().expect("gold").project;
    assert_eq!(
        gold_relations_by(&gold),
        [
            agreed,
            rel(
                "attributed_to",
                "الحملة الأمنية بدأت في بغداد",
                "قال مصدر أمني",
                "ali,mona,sara"
            ),
        ]
    );
    assert_eq!(
        gold_spans(&gold)[0],
        span("قال مصدر أمني", "speaker", "reviewer")
    );
    assert_valid(&gold);
}
