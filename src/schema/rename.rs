//! `--rename FROM=TO`: one name changed everywhere it occurs, whether it names a span label,
//! a relation type, an attribute or an attribute value.

use std::collections::BTreeMap;

use crate::model::{Project, Schema};

/// Renames, old name → new name, applied to every kind of name at once.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Renames(BTreeMap<String, String>);

impl Renames {
    /// The renames of `pairs` (a later pair for the same name wins).
    pub fn new(pairs: impl IntoIterator<Item = (String, String)>) -> Self {
        Renames(pairs.into_iter().collect())
    }

    /// Whether there is nothing to rename.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The pairs, old → new.
    pub fn pairs(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(a, b)| (a.as_str(), b.as_str()))
    }

    /// The new name of `name`, if it is renamed.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0.get(name).map(String::as_str)
    }

    /// Renames `name` in place; returns whether it changed.
    fn apply(&self, name: &mut String) -> bool {
        match self.0.get(name.as_str()) {
            Some(new) if new != name => {
                new.clone_into(name);
                true
            }
            _ => false,
        }
    }
}

/// Renames every name in `schema`: labels, relation types and their from/to lists, attributes
/// (their label, name and values). Entries that become the same name are kept once (the
/// first), and so are list items. Returns how many names changed.
pub fn rename_schema(schema: &mut Schema, renames: &Renames) -> usize {
    let mut n = 0;
    for l in &mut schema.span_labels {
        let old = l.name.clone();
        if renames.apply(&mut l.name) {
            n += 1;
            follow_rules(&mut l.suggests, &old, &l.name);
        }
    }
    let mut seen = std::collections::HashSet::new();
    schema.span_labels.retain(|l| seen.insert(l.name.clone()));
    for r in &mut schema.relation_types {
        let old = r.name.clone();
        if renames.apply(&mut r.name) {
            n += 1;
            follow_rules(&mut r.suggests, &old, &r.name);
        }
        for l in r.from.iter_mut().chain(r.to.iter_mut()) {
            n += usize::from(renames.apply(l));
        }
        dedup(&mut r.from);
        dedup(&mut r.to);
    }
    let mut seen = std::collections::HashSet::new();
    schema
        .relation_types
        .retain(|r| seen.insert(r.name.clone()));
    for a in &mut schema.attributes {
        n += usize::from(renames.apply(&mut a.label));
        n += usize::from(renames.apply(&mut a.name));
        for v in &mut a.values {
            n += usize::from(renames.apply(v));
        }
        dedup(&mut a.values);
    }
    let mut seen = std::collections::HashSet::new();
    schema
        .attributes
        .retain(|a| seen.insert((a.label.clone(), a.name.clone())));
    n
}

/// After an item was renamed from `old` to `new`: the suggestion rules' kind it received
/// by its old name (`speaker`, `attributed_to`…) stays with it, and is forgotten when the
/// item is named so again.
fn follow_rules(suggests: &mut String, old: &str, new: &str) {
    if suggests.is_empty() {
        old.clone_into(suggests);
    }
    if suggests == new {
        suggests.clear();
    }
}

/// Removes repeated items, keeping the first of each.
fn dedup(xs: &mut Vec<String>) {
    let mut seen = std::collections::HashSet::new();
    xs.retain(|x| seen.insert(x.clone()));
}

/// Renames every name in `project`: its schema (see [`rename_schema`]), and in every document
/// span labels, attribute names and values, relation types, and the same in pending
/// suggestions and rejections. Returns how many names changed in the annotations (not
/// counting the schema).
pub fn rename_project(project: &mut Project, renames: &Renames) -> usize {
    rename_schema(&mut project.schema, renames);
    if renames.is_empty() {
        return 0;
    }
    let mut n = 0;
    let touches = |d: &crate::model::Document| {
        d.spans.iter().any(|s| {
            renames.get(&s.label).is_some()
                || s.attributes
                    .iter()
                    .any(|(k, v)| renames.get(k).is_some() || renames.get(v).is_some())
        }) || d.relations.iter().any(|r| renames.get(&r.kind).is_some())
            || d.suggestions.iter().any(|s| {
                renames.get(&s.label).is_some()
                    || s.links.iter().any(|l| renames.get(&l.kind).is_some())
                    || s.attributes
                        .iter()
                        .any(|(k, v)| renames.get(k).is_some() || renames.get(v).is_some())
            })
            || d.rejected.iter().any(|r| renames.get(&r.label).is_some())
    };
    for i in 0..project.documents.len() {
        // Documents without a renamed name stay shared.
        if !touches(&project.documents[i]) {
            continue;
        }
        let Some(d) = project.doc_mut(i) else {
            continue;
        };
        for s in &mut d.spans {
            n += usize::from(renames.apply(&mut s.label));
            n += rename_attributes(&mut s.attributes, renames);
        }
        for r in &mut d.relations {
            n += usize::from(renames.apply(&mut r.kind));
        }
        for s in &mut d.suggestions {
            renames.apply(&mut s.label);
            rename_attributes(&mut s.attributes, renames);
            for l in &mut s.links {
                renames.apply(&mut l.kind);
            }
        }
        for r in &mut d.rejected {
            renames.apply(&mut r.label);
        }
    }
    n
}

/// Renames attribute names and values in place; returns how many changed.
fn rename_attributes(attributes: &mut BTreeMap<String, String>, renames: &Renames) -> usize {
    if !attributes
        .iter()
        .any(|(k, v)| renames.get(k).is_some() || renames.get(v).is_some())
    {
        return 0;
    }
    let mut n = 0;
    let old = std::mem::take(attributes);
    for (mut k, mut v) in old {
        n += usize::from(renames.apply(&mut k));
        n += usize::from(renames.apply(&mut v));
        attributes.entry(k).or_insert(v);
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Document, Relation};

    fn renames(pairs: &[(&str, &str)]) -> Renames {
        Renames::new(
            pairs
                .iter()
                .map(|(a, b)| ((*a).to_owned(), (*b).to_owned())),
        )
    }

    #[test]
    fn a_rename_reaches_labels_types_attributes_values_and_from_to_lists() {
        let mut p = Project::new("n", "");
        let mut d = Document::new("d", "", "", "قال مصدر إن الحملة مستمرة");
        let mut speaker = d.make_span(1, "speaker", 4, 8, "").expect("span");
        speaker.attributes.insert("kind".into(), "person".into());
        let mut claim = d.make_span(2, "claim", 12, 25, "").expect("span");
        claim.attributes.insert("quote".into(), "direct".into());
        d.spans.extend([speaker, claim]);
        d.relations.push(Relation {
            id: 1,
            kind: "attributed_to".into(),
            from: 2,
            to: 1,
            annotator: String::new(),
        });
        p.documents.push(d.into());
        let r = renames(&[
            ("speaker", "source"),
            ("attributed_to", "said_by"),
            ("quote", "quotation"),
            ("direct", "verbatim"),
            ("person", "individual"),
        ]);
        let n = rename_project(&mut p, &r);
        assert_eq!(
            n, 5,
            "a label, two attribute values, an attribute name, a type"
        );
        let d = &p.documents[0];
        assert_eq!(d.spans[0].label, "source");
        assert_eq!(d.spans[0].attributes["kind"], "individual");
        assert_eq!(d.spans[1].attributes["quotation"], "verbatim");
        assert_eq!(d.relations[0].kind, "said_by");
        let s = &p.schema;
        assert_eq!(s.span_labels[0].name, "source");
        assert_eq!(s.relation_types[0].name, "said_by");
        assert_eq!(s.relation_types[0].to, ["source"]);
        let quote = s
            .attribute("claim", "quotation")
            .expect("renamed attribute");
        assert_eq!(quote.values, ["verbatim", "indirect", "mixed"]);
        assert!(
            s.attribute("entity", "kind")
                .is_some_and(|a| a.values[0] == "individual")
        );
    }

    #[test]
    fn names_that_meet_are_kept_once() {
        let mut s = Schema::default();
        let n = rename_schema(&mut s, &renames(&[("entity", "speaker")]));
        assert_eq!(n, 3, "the label, about's target and kind's label");
        let names: Vec<&str> = s.span_labels.iter().map(|l| l.name.as_str()).collect();
        assert_eq!(names, ["speaker", "claim"]);
        assert_eq!(s.relation_types[1].to, ["speaker"]);
        assert_eq!(rename_schema(&mut s, &Renames::default()), 0);
    }
}
