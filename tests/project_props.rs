//! Property tests: round trips over random projects, and robustness of parsing and validation
//! against random and mutated input.

use std::collections::HashSet;
use std::path::Path;

use proptest::prelude::*;
use qalam::model::{CharIndex, Document, Project, Relation, Span};
use qalam::project::{self, ProjectError};

/// Text pieces that stress offsets and escaping: Arabic with and without harakat, astral emoji,
/// ZWJ sequences, combining marks, CRLF, quotes and backslashes, direction marks.
const PIECES: &[&str] = &[
    "قال",
    "مصدر",
    "أمني",
    "قَالَ",
    "الحملة",
    "لـ",
    " ",
    " ",
    "\n",
    "\r\n",
    "\r",
    "\t",
    "😀",
    "👩\u{200d}👩\u{200d}👧",
    "e\u{301}",
    "\u{64e}",
    "x",
    "2018",
    "\"",
    "\\",
    "'",
    "\\n",
    "\u{200f}",
    "\u{feff}",
    "«",
    "»",
    "،",
    "#",
    "r#\"",
    "\u{0}",
    "}",
];

fn text_strategy() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => prop::collection::vec(prop::sample::select(PIECES), 0..40).prop_map(|v| v.concat()),
        1 => any::<String>(),
    ]
}

/// Raw material for one span: range seeds, label, attribute, note.
type SpanSeed = (usize, usize, usize, usize, Option<String>);
/// Raw material for one relation: type, source seed, target seed.
type RelationSeed = (bool, usize, usize);

fn document_strategy() -> impl Strategy<Value = (String, String, Vec<SpanSeed>, Vec<RelationSeed>)>
{
    (
        "[a-z0-9_-]{1,8}",
        text_strategy(),
        prop::collection::vec(
            (
                any::<usize>(),
                any::<usize>(),
                0..3usize,
                0..5usize,
                proptest::option::of(any::<String>()),
            ),
            0..12,
        ),
        prop::collection::vec((any::<bool>(), any::<usize>(), any::<usize>()), 0..6),
    )
}

/// A valid document built from seeds: ranges fitted to the text, duplicates dropped, relations
/// between spans of the right labels, ids in a scrambled order.
fn build_document(
    id: &str,
    text: &str,
    spans: &[SpanSeed],
    relations: &[RelationSeed],
) -> Document {
    let mut d = Document::new(
        id,
        text.chars().take(5).collect::<String>(),
        "src/x.txt",
        text,
    );
    let len = d.len_chars();
    let labels = ["speaker", "claim", "entity"];
    let mut seen = HashSet::new();
    for (i, (a, b, label, attr, note)) in spans.iter().enumerate() {
        if len == 0 {
            break;
        }
        let start = a % len;
        let end = start + 1 + b % (len - start);
        if !seen.insert((*label, start, end)) {
            continue;
        }
        let id = (i as u64 * 7919) % 1000 + 1000 * i as u64;
        let Some(mut span) = d.make_span(
            id,
            labels[*label],
            start,
            end,
            if i % 2 == 0 { "amal" } else { "" },
        ) else {
            continue;
        };
        match (labels[*label], attr) {
            ("claim", 0..=2) => {
                span.attributes.insert(
                    "quote".into(),
                    ["direct", "indirect", "mixed"][*attr].into(),
                );
            }
            ("entity", 0..=3) => {
                span.attributes.insert(
                    "kind".into(),
                    ["person", "organization", "location", "other"][*attr].into(),
                );
            }
            _ => {}
        }
        span.note = note.clone();
        d.spans.push(span);
    }
    let with = |label: &str| {
        d.spans
            .iter()
            .filter(|s| s.label == label)
            .map(|s| s.id)
            .collect::<Vec<_>>()
    };
    let (claims, speakers, entities) = (with("claim"), with("speaker"), with("entity"));
    for (i, (about, f, t)) in relations.iter().enumerate() {
        let (kind, targets) = if *about {
            ("about", &entities)
        } else {
            ("attributed_to", &speakers)
        };
        if claims.is_empty() || targets.is_empty() {
            continue;
        }
        let id = 50 - i as u64;
        d.relations.push(Relation {
            id,
            kind: kind.into(),
            from: claims[f % claims.len()],
            to: targets[t % targets.len()],
            annotator: String::new(),
        });
    }
    d
}

fn project_strategy() -> impl Strategy<Value = Project> {
    (
        any::<String>(),
        any::<String>(),
        prop::collection::vec(document_strategy(), 0..4),
    )
        .prop_map(|(name, annotator, docs)| {
            let mut p = Project::new(name, annotator);
            for (i, (id, text, spans, relations)) in docs.iter().enumerate() {
                p.documents
                    .push(build_document(&format!("{id}{i}"), text, spans, relations).into());
            }
            p
        })
}

fn sample_file() -> String {
    let mut p = Project::new("عينة", "amal");
    let mut d = Document::new(
        "d1",
        "خبر",
        "",
        "قال مصدر أمني إن الحملة بدأت.\r\nوأضاف 😀 أن قَالَ\n",
    );
    d.spans.extend(d.make_span(1, "speaker", 4, 13, "amal"));
    d.spans.extend(d.make_span(2, "claim", 17, 28, ""));
    d.relations.push(Relation {
        id: 1,
        kind: "attributed_to".into(),
        from: 2,
        to: 1,
        annotator: String::new(),
    });
    p.documents.push(d.into());
    project::to_ron_string(&p).expect("serialize")
}

/// [`sample_file`] without its schema (the default schema then applies), so that mutations
/// land in the documents more often.
fn sample_file_without_schema() -> String {
    let full = sample_file();
    let start = full.find("    schema: (").expect("schema");
    let end = full[start..].find("\n    ),\n").expect("end of schema") + start + "\n    ),\n".len();
    format!("{}{}", &full[..start], &full[end..])
}

/// One edit of a byte string.
#[derive(Clone, Debug)]
enum Mutation {
    Flip(usize, u8),
    Truncate(usize),
    Insert(usize, Vec<u8>),
    Delete(usize, usize),
}

fn mutation_strategy() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), 1..=255u8).prop_map(|(i, x)| Mutation::Flip(i, x)),
        any::<usize>().prop_map(Mutation::Truncate),
        (
            any::<usize>(),
            prop_oneof![
                prop::collection::vec(any::<u8>(), 1..8),
                prop::sample::select(vec![
                    b"(".to_vec(),
                    b")".to_vec(),
                    b",".to_vec(),
                    b"\"".to_vec(),
                    b"[".to_vec(),
                    b"99999999999999999999".to_vec(),
                    b"\xD8".to_vec(),
                    b"start: 1000, ".to_vec()
                ]),
            ]
        )
            .prop_map(|(i, b)| Mutation::Insert(i, b)),
        (any::<usize>(), 1..40usize).prop_map(|(i, n)| Mutation::Delete(i, n)),
    ]
}

fn mutate(bytes: &mut Vec<u8>, m: &Mutation) {
    let n = bytes.len().max(1);
    match m {
        Mutation::Flip(i, x) => {
            if let Some(b) = bytes.get_mut(i % n) {
                *b ^= x;
            }
        }
        Mutation::Truncate(i) => bytes.truncate(i % n),
        Mutation::Insert(i, ins) => {
            let at = (i % n).min(bytes.len());
            bytes.splice(at..at, ins.iter().copied());
        }
        Mutation::Delete(i, len) => {
            let at = (i % n).min(bytes.len());
            let end = (at + len).min(bytes.len());
            bytes.drain(at..end);
        }
    }
}

/// A parse error must name the file; a parsed project must survive validation, fixing and writing.
fn check_outcome(result: Result<Project, ProjectError>) -> Result<(), TestCaseError> {
    check_outcome_for(Path::new("fuzz.ron"), result)
}

fn check_outcome_for(
    path: &Path,
    result: Result<Project, ProjectError>,
) -> Result<(), TestCaseError> {
    match result {
        Err(e) => {
            let msg = e.to_string();
            prop_assert!(msg.starts_with(&format!("{}:", path.display())), "{}", msg);
        }
        Ok(mut p) => {
            let problems = project::validate(&p);
            project::apply_fixes(&mut p, &problems);
            let _ = project::validate(&p);
            let text =
                project::to_ron_string(&p).map_err(|e| TestCaseError::fail(e.to_string()))?;
            let back = project::parse_str(&text, Path::new("again.ron"))
                .map_err(|e| TestCaseError::fail(e.to_string()))?;
            let mut expected = p;
            expected.normalize_order();
            prop_assert_eq!(back, expected);
        }
    }
    Ok(())
}

#[test]
fn schema_less_sample_is_valid() {
    let p = project::parse_str(&sample_file_without_schema(), Path::new("s.ron")).expect("parse");
    assert_eq!(p.schema, qalam::model::Schema::default());
    assert_eq!(p.documents[0].spans.len(), 2);
    assert!(project::validate(&p).is_empty());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn save_then_parse_is_identity(p in project_strategy()) {
        let text = project::to_ron_string(&p).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let back = project::parse_str(&text, Path::new("p.ron")).map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
        let mut expected = p.clone();
        expected.normalize_order();
        prop_assert_eq!(&back, &expected);
        prop_assert!(project::validate(&back).is_empty(), "{:?}", project::validate(&back));
        let again = project::to_ron_string(&back).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(text, again);
    }

    #[test]
    fn code_points_and_bytes_convert_both_ways(text in text_strategy(), probes in prop::collection::vec(any::<usize>(), 1..20)) {
        let index = CharIndex::new(&text);
        let boundaries: Vec<usize> = text.char_indices().map(|(b, _)| b).chain([text.len()]).collect();
        prop_assert_eq!(index.len_chars() + 1, boundaries.len());
        for p in probes {
            let c = p % boundaries.len();
            let b = index.char_to_byte(&text, c);
            prop_assert_eq!(b, Some(boundaries[c]));
            prop_assert_eq!(index.byte_to_char(&text, boundaries[c]), Some(c));
            let e = c + (p / 7) % (boundaries.len() - c);
            let expected: String = text.chars().skip(c).take(e - c).collect();
            prop_assert_eq!(index.slice(&text, c, e), Some(expected.as_str()));
        }
        prop_assert_eq!(index.char_to_byte(&text, boundaries.len()), None);
    }

    #[test]
    fn validation_of_arbitrary_annotations_never_panics(
        text in text_strategy(),
        spans in prop::collection::vec((any::<u64>(), "[a-z]{0,7}", any::<usize>(), any::<usize>(), text_strategy()), 0..10),
        relations in prop::collection::vec((any::<u64>(), "[a-z_]{0,13}", any::<u64>(), any::<u64>()), 0..6),
    ) {
        let mut d = Document::new("d", "", "", text);
        let len = d.len_chars() + 2;
        for (id, label, a, b, quote) in spans {
            let (start, end) = (a % len, b % len);
            d.spans.push(Span { id: id % 8, label, start, end, text: quote, note: None, attributes: Default::default(), annotator: String::new(), origin: None });
            let copy = d.spans.last().cloned();
            if let Some(mut s) = copy.filter(|_| a % 3 == 0) {
                s.text = d.slice(start, end).map(str::to_owned).unwrap_or_default();
                s.start = (start + 1) % len;
                s.end = (end + 1) % len;
                d.spans.push(s);
            }
        }
        for (id, kind, from, to) in relations {
            d.relations.push(Relation { id: id % 4, kind, from: from % 8, to: to % 8, annotator: String::new() });
        }
        let mut p = Project::new("", "");
        p.documents.push(d.into());
        let problems = project::validate(&p);
        for problem in &problems {
            prop_assert!(!problem.to_string().contains('\n'), "one line: {}", problem);
        }
        project::apply_fixes(&mut p, &problems);
        let after = project::validate(&p);
        prop_assert!(after.iter().all(|q| !matches!(q.fix, Some(project::Fix::Reanchor { .. }))), "fixes leave no re-anchor: {:?}", after);
    }
}

/// The same mutations through [`project::load`], from a real file.
#[test]
fn mutated_files_never_panic_through_load() {
    use proptest::test_runner::{Config, TestRunner};
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("fuzz.ron");
    let mut runner = TestRunner::new(Config::with_cases(1000));
    let strategy = (
        any::<bool>(),
        prop::collection::vec(mutation_strategy(), 1..4),
    );
    runner
        .run(&strategy, |(with_schema, mutations)| {
            let mut bytes = if with_schema {
                sample_file()
            } else {
                sample_file_without_schema()
            }
            .into_bytes();
            for m in &mutations {
                mutate(&mut bytes, m);
            }
            std::fs::write(&path, &bytes).map_err(|e| TestCaseError::fail(e.to_string()))?;
            match project::load(&path) {
                Ok(loaded) => {
                    prop_assert!(!project::has_errors(&loaded.problems));
                    check_outcome_for(&path, Ok(loaded.project))
                }
                Err(ProjectError::Invalid { problems, .. }) => {
                    prop_assert!(project::has_errors(&problems));
                    Ok(())
                }
                Err(e) => check_outcome_for(&path, Err(e)),
            }
        })
        .expect("no failing case");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    #[test]
    fn random_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..300)) {
        check_outcome(project::parse(&bytes, Path::new("fuzz.ron")))?;
    }

    #[test]
    fn mutated_files_never_panic(with_schema in any::<bool>(), mutations in prop::collection::vec(mutation_strategy(), 1..4)) {
        let mut bytes = if with_schema { sample_file() } else { sample_file_without_schema() }.into_bytes();
        for m in &mutations {
            mutate(&mut bytes, m);
        }
        check_outcome(project::parse(&bytes, Path::new("fuzz.ron")))?;
    }
}
