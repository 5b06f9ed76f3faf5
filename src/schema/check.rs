//! What is wrong with a schema on its own: repeated names and keys, colours that are not
//! `#rrggbb`, relation types and
//! attributes naming labels that do not exist, attributes without values, and guideline
//! examples whose mark does not lie inside their text.

use std::collections::HashSet;

use crate::model::{Guidelines, Schema};

/// Every problem of `schema`, one line each, naming the item (`label "speaker": example 2: …`).
pub fn check_schema(schema: &Schema) -> Vec<String> {
    let mut problems = Vec::new();
    let mut names = HashSet::new();
    let mut keys = HashSet::new();
    for l in &schema.span_labels {
        let item = format!("label {:?}", l.name);
        if l.name.trim().is_empty() {
            problems.push(format!("{item}: the name is empty"));
        }
        if !names.insert(l.name.as_str()) {
            problems.push(format!("{item}: defined more than once"));
        }
        if !l.key.is_empty() && !keys.insert(l.key.as_str()) {
            problems.push(format!("{item}: key {:?} is used twice", l.key));
        }
        if crate::model::schema::parse_hex_color(&l.color).is_none() {
            problems.push(format!(
                "{item}: colour {:?} is not of the form #rrggbb",
                l.color
            ));
        }
        problems.extend(example_problems(&item, l));
    }
    let mut types = HashSet::new();
    for r in &schema.relation_types {
        let item = format!("relation type {:?}", r.name);
        if r.name.trim().is_empty() {
            problems.push(format!("{item}: the name is empty"));
        }
        if !types.insert(r.name.as_str()) {
            problems.push(format!("{item}: defined more than once"));
        }
        for (side, labels) in [("from", &r.from), ("to", &r.to)] {
            for l in labels {
                if !names.contains(l.as_str()) {
                    problems.push(format!(
                        "{item}: {side} names label {l:?}, which is not defined"
                    ));
                }
            }
        }
        problems.extend(example_problems(&item, r));
    }
    let mut attributes = HashSet::new();
    for a in &schema.attributes {
        let item = format!("attribute {}.{}", a.label, a.name);
        if !names.contains(a.label.as_str()) {
            problems.push(format!("{item}: label {:?} is not defined", a.label));
        }
        if !attributes.insert((a.label.as_str(), a.name.as_str())) {
            problems.push(format!("{item}: defined more than once"));
        }
        if a.values.is_empty() {
            problems.push(format!("{item}: no values"));
        }
        let mut values = HashSet::new();
        for v in &a.values {
            if !values.insert(v.as_str()) {
                problems.push(format!("{item}: value {v:?} is listed twice"));
            }
        }
        problems.extend(example_problems(&item, a));
    }
    problems
}

/// Problems of the examples of one item: marks outside their text.
pub fn example_problems<'a>(
    item: &'a str,
    g: &'a impl Guidelines,
) -> impl Iterator<Item = String> + 'a {
    g.examples().iter().enumerate().filter_map(move |(i, e)| {
        e.mark_problem()
            .map(|p| format!("{item}: example {}: {p}", i + 1))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Example, Mark};

    #[test]
    fn the_default_schema_has_no_problems() {
        assert_eq!(check_schema(&Schema::default()), Vec::<String>::new());
    }

    #[test]
    fn every_kind_of_problem_is_named() {
        let mut s = Schema::default();
        s.span_labels.push(s.span_labels[0].clone());
        s.relation_types[0].to.push("source".into());
        s.attributes[0].label = "quote".into();
        s.attributes[1].values.push("person".into());
        s.relation_types[1].examples.push(Example {
            text: "ab".into(),
            mark: Some(Mark { start: 1, end: 3 }),
        });
        let p = check_schema(&s);
        let expect = [
            "label \"speaker\": defined more than once",
            "label \"speaker\": key \"1\" is used twice",
            "relation type \"attributed_to\": to names label \"source\", which is not defined",
            "relation type \"about\": example 1: mark 1..3 ends past the text (2 code points)",
            "attribute quote.quote: label \"quote\" is not defined",
            "attribute entity.kind: value \"person\" is listed twice",
        ];
        for e in expect {
            assert!(p.iter().any(|x| x == e), "missing {e:?} in {p:#?}");
        }
        assert_eq!(p.len(), expect.len(), "{p:#?}");
    }
}
