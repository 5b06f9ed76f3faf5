//! Agreement numbers against reference implementations: scikit-learn's `cohen_kappa_score`,
//! statsmodels' `fleiss_kappa` and the `krippendorff` package, computed by
//! `tests/fixtures/agreement/make_expected.py` on the hand-made annotations of
//! `tests/fixtures/agreement/inputs.json` and stored in `expected.json`.

use std::path::Path;

use qalam::model::tokens::tokenize;
use qalam::model::{Document, Project, Relation};
use qalam::review::{LabelSet, agreement, token_labels};
use serde_json::Value;

const TOLERANCE: f64 = 1e-9;

fn fixture(name: &str) -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/agreement")
        .join(name);
    let text = std::fs::read_to_string(&path).expect("read fixture");
    serde_json::from_str(&text).expect("fixture is JSON")
}

/// One project per annotator of a case, documents `doc1`, `doc2`, … (ids differ per
/// annotator on purpose: matching must go by text).
fn projects_of(case: &Value) -> Vec<Project> {
    let docs = case["documents"].as_array().expect("documents");
    let annotators = docs[0]["annotators"].as_array().expect("annotators").len();
    (0..annotators)
        .map(|a| {
            let mut p = Project::new(case["name"].as_str().unwrap_or(""), format!("a{a}"));
            for (k, d) in docs.iter().enumerate() {
                let mut doc = Document::new(
                    format!("a{a}-doc{k}"),
                    "",
                    "",
                    d["text"].as_str().expect("text"),
                );
                let ann = &d["annotators"][a];
                for (i, s) in ann["spans"].as_array().expect("spans").iter().enumerate() {
                    let (start, end) = (
                        s[0].as_u64().expect("start") as usize,
                        s[1].as_u64().expect("end") as usize,
                    );
                    let span = doc
                        .make_span(i as u64 + 1, s[2].as_str().expect("label"), start, end, "")
                        .expect("valid span");
                    doc.spans.push(span);
                }
                for (i, r) in ann["relations"]
                    .as_array()
                    .expect("relations")
                    .iter()
                    .enumerate()
                {
                    let (from, to) = (
                        r[0].as_u64().expect("from") + 1,
                        r[1].as_u64().expect("to") + 1,
                    );
                    doc.relations.push(Relation {
                        id: i as u64 + 1,
                        kind: r[2].as_str().expect("type").into(),
                        from,
                        to,
                        annotator: String::new(),
                    });
                }
                doc.normalize_order();
                p.documents.push(doc.into());
            }
            p
        })
        .collect()
}

/// Asserts that every number (and null) in `expected` is at the same place in `actual`.
fn assert_matches(expected: &Value, actual: &Value, path: &str, checked: &mut usize) {
    match expected {
        Value::Object(map) => {
            for (k, v) in map {
                let a = actual
                    .get(k)
                    .unwrap_or_else(|| panic!("{path}.{k} missing in Qalam's report"));
                assert_matches(v, a, &format!("{path}.{k}"), checked);
            }
        }
        Value::Array(items) => {
            let a = actual
                .as_array()
                .unwrap_or_else(|| panic!("{path} is not a list in Qalam's report"));
            assert_eq!(items.len(), a.len(), "{path}: length");
            for (i, (e, a)) in items.iter().zip(a).enumerate() {
                assert_matches(e, a, &format!("{path}[{i}]"), checked);
            }
        }
        Value::Null => {
            assert!(
                actual.is_null(),
                "{path}: reference is undefined (NaN), Qalam gives {actual}"
            );
            *checked += 1;
        }
        Value::Number(n) => {
            let e = n.as_f64().expect("number");
            let a = actual
                .as_f64()
                .unwrap_or_else(|| panic!("{path}: reference {e}, Qalam gives {actual}"));
            assert!(
                (e - a).abs() <= TOLERANCE,
                "{path}: reference {e}, Qalam {a}"
            );
            *checked += 1;
        }
        _ => assert_eq!(expected, actual, "{path}"),
    }
}

#[test]
fn token_labels_are_those_the_reference_script_used() {
    let expected = fixture("expected.json");
    let inputs = fixture("inputs.json");
    for (case, exp) in inputs["cases"]
        .as_array()
        .expect("cases")
        .iter()
        .zip(expected["cases"].as_array().expect("cases"))
    {
        let projects = projects_of(case);
        let refs: Vec<&Project> = projects.iter().collect();
        let labels = LabelSet::from_projects(&refs);
        for (k, doc_exp) in exp["documents"]
            .as_array()
            .expect("documents")
            .iter()
            .enumerate()
        {
            let tokens = tokenize(projects[0].documents[k].text());
            for (a, p) in projects.iter().enumerate() {
                let got: Vec<&str> = token_labels(&p.documents[k], &tokens, &labels)
                    .iter()
                    .map(|&c| labels.names()[c].as_str())
                    .collect();
                let want: Vec<&str> = doc_exp["token_labels"][a]
                    .as_array()
                    .expect("labels")
                    .iter()
                    .filter_map(Value::as_str)
                    .collect();
                assert_eq!(
                    got, want,
                    "case {}, document {k}, annotator {a}",
                    case["name"]
                );
            }
        }
    }
}

#[test]
fn every_number_equals_the_reference_implementations() {
    let expected = fixture("expected.json");
    let inputs = fixture("inputs.json");
    let cases = inputs["cases"].as_array().expect("cases");
    assert_eq!(
        cases.len(),
        expected["cases"].as_array().map_or(0, Vec::len)
    );
    let mut checked = 0;
    for (case, exp) in cases
        .iter()
        .zip(expected["cases"].as_array().expect("cases"))
    {
        let name = case["name"].as_str().expect("name");
        let projects = projects_of(case);
        let refs: Vec<&Project> = projects.iter().collect();
        let report = serde_json::to_value(agreement(&refs)).expect("report as JSON");
        assert_matches(
            &exp["corpus"],
            &report["corpus"],
            &format!("{name}.corpus"),
            &mut checked,
        );
        let mut docs = exp["documents"].clone();
        for d in docs.as_array_mut().expect("documents") {
            d.as_object_mut().map(|o| o.remove("token_labels"));
        }
        assert_matches(
            &docs,
            &report["documents"],
            &format!("{name}.documents"),
            &mut checked,
        );
    }
    assert!(checked > 1000, "only {checked} numbers compared");
}

#[test]
fn degenerate_cases_report_what_the_references_do() {
    let inputs = fixture("inputs.json");
    let case = |name: &str| {
        inputs["cases"]
            .as_array()
            .and_then(|c| c.iter().find(|c| c["name"] == name))
            .cloned()
            .expect("case")
    };
    let report_of = |name: &str| {
        let projects = projects_of(&case(name));
        let refs: Vec<&Project> = projects.iter().collect();
        agreement(&refs)
    };
    let perfect = report_of("triple_perfect");
    assert_eq!(perfect.corpus.fleiss_kappa.overall, Some(1.0));
    assert_eq!(perfect.corpus.krippendorff_alpha.overall, Some(1.0));
    assert!(
        perfect
            .corpus
            .pairs
            .iter()
            .all(|p| p.exact.overall.f1 == Some(1.0) && p.cohen_kappa.overall == Some(1.0))
    );
    let outside = report_of("pair_all_outside");
    assert_eq!(
        outside.corpus.pairs[0].cohen_kappa.overall, None,
        "all tokens O: κ undefined"
    );
    assert_eq!(outside.corpus.krippendorff_alpha.overall, None);
    assert_eq!(
        outside.corpus.pairs[0].exact.overall.f1, None,
        "no spans on either side"
    );
    let empty = report_of("pair_one_without_spans");
    let pair = &empty.corpus.pairs[0];
    assert_eq!(pair.cohen_kappa.overall, Some(0.0));
    assert_eq!(
        (
            pair.exact.overall.precision,
            pair.exact.overall.recall,
            pair.exact.overall.f1
        ),
        (None, Some(0.0), Some(0.0))
    );
}
