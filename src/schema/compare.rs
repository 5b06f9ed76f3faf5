//! Whether two schemas annotate the same things: the same span labels, relation types (with
//! the same from/to labels) and attributes (with the same values). Colours, keys,
//! descriptions, guidelines, revisions and order do not count.

use std::collections::{BTreeMap, BTreeSet};

use crate::model::Schema;

use super::rename::{Renames, rename_schema};

/// What a schema annotates, as sets.
struct Shape<'s> {
    labels: BTreeSet<&'s str>,
    relations: BTreeMap<&'s str, (BTreeSet<&'s str>, BTreeSet<&'s str>)>,
    attributes: BTreeMap<(&'s str, &'s str), BTreeSet<&'s str>>,
}

impl<'s> Shape<'s> {
    fn of(s: &'s Schema) -> Self {
        let set = |xs: &'s [String]| xs.iter().map(String::as_str).collect::<BTreeSet<_>>();
        Shape {
            labels: s.span_labels.iter().map(|l| l.name.as_str()).collect(),
            relations: s
                .relation_types
                .iter()
                .map(|r| (r.name.as_str(), (set(&r.from), set(&r.to))))
                .collect(),
            attributes: s
                .attributes
                .iter()
                .map(|a| ((a.label.as_str(), a.name.as_str()), set(&a.values)))
                .collect(),
        }
    }
}

fn list(xs: &BTreeSet<&str>) -> String {
    xs.iter().copied().collect::<Vec<_>>().join(", ")
}

/// The differences between schema `a` (named `a_name`) and `b` (`b_name`), one line each,
/// such as `label "cue": only in b.ron`; empty when they annotate the same things.
pub fn differences(a: &Schema, a_name: &str, b: &Schema, b_name: &str) -> Vec<String> {
    let (sa, sb) = (Shape::of(a), Shape::of(b));
    let mut out = Vec::new();
    for l in sa.labels.difference(&sb.labels) {
        out.push(format!("label {l:?}: only in {a_name}"));
    }
    for l in sb.labels.difference(&sa.labels) {
        out.push(format!("label {l:?}: only in {b_name}"));
    }
    for (name, (from, to)) in &sa.relations {
        match sb.relations.get(name) {
            None => out.push(format!("relation type {name:?}: only in {a_name}")),
            Some((bf, bt)) if (bf, bt) != (from, to) => out.push(format!(
                "relation type {name:?}: {} → {} in {a_name}, {} → {} in {b_name}",
                list(from),
                list(to),
                list(bf),
                list(bt)
            )),
            Some(_) => {}
        }
    }
    for name in sb.relations.keys() {
        if !sa.relations.contains_key(name) {
            out.push(format!("relation type {name:?}: only in {b_name}"));
        }
    }
    for ((label, name), values) in &sa.attributes {
        match sb.attributes.get(&(label, name)) {
            None => out.push(format!("attribute {label}.{name}: only in {a_name}")),
            Some(bv) if bv != values => out.push(format!(
                "attribute {label}.{name}: values {} in {a_name}, {} in {b_name}",
                list(values),
                list(bv)
            )),
            Some(_) => {}
        }
    }
    for (label, name) in sb.attributes.keys() {
        if !sa.attributes.contains_key(&(label, name)) {
            out.push(format!("attribute {label}.{name}: only in {b_name}"));
        }
    }
    out
}

/// [`differences`] after `renames` are applied to both schemas (`--map FROM=TO`).
pub fn differences_mapped(
    a: &Schema,
    a_name: &str,
    b: &Schema,
    b_name: &str,
    renames: &Renames,
) -> Vec<String> {
    if renames.is_empty() {
        return differences(a, a_name, b, b_name);
    }
    let (mut a, mut b) = (a.clone(), b.clone());
    rename_schema(&mut a, renames);
    rename_schema(&mut b, renames);
    differences(&a, a_name, &b, b_name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colours_keys_guidelines_and_order_do_not_count() {
        let a = Schema::default();
        let mut b = a.clone();
        b.span_labels.reverse();
        b.span_labels[0].color = "#000000".into();
        b.span_labels[0].key = "9".into();
        b.span_labels[0].examples.clear();
        b.revision = 4;
        b.attributes[0].values.reverse();
        assert_eq!(differences(&a, "a", &b, "b"), Vec::<String>::new());
    }

    #[test]
    fn label_sets_relations_and_values_differ_until_mapped() {
        let a = Schema::default();
        let mut b = a.clone();
        let r = Renames::new([("speaker".to_owned(), "source".to_owned())]);
        rename_schema(&mut b, &r);
        b.attributes[0].values.pop();
        let d = differences(&a, "a.ron", &b, "b.ron");
        assert_eq!(
            d,
            [
                "label \"speaker\": only in a.ron",
                "label \"source\": only in b.ron",
                "relation type \"attributed_to\": claim → speaker in a.ron, claim → source in b.ron",
                "attribute claim.quote: values direct, indirect, mixed in a.ron, direct, indirect in b.ron",
            ]
        );
        let back = Renames::new([("source".to_owned(), "speaker".to_owned())]);
        let d = differences_mapped(&a, "a.ron", &b, "b.ron", &back);
        assert_eq!(
            d,
            [
                "attribute claim.quote: values direct, indirect, mixed in a.ron, direct, indirect in b.ron"
            ]
        );
    }
}
