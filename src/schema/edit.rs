//! One change to a project's schema as the window makes it (Project → Labels…): add, rename,
//! recolour, re-key, describe or remove a label, relation type, attribute or value. Each is
//! planned here against the whole project with the same rules as `qalam schema apply`
//! ([`apply_schema`]): a rename reaches every annotation, a name still in use is only
//! removed when the user agrees to drop what uses it, and the result must pass
//! [`check_schema`]. The plan becomes one undoable edit
//! ([`crate::model::Edit::ReplaceSchema`]); nothing here touches egui.

use std::sync::Arc;

use thiserror::Error;

use crate::model::{AttributeDef, Document, Project, RelationType, Schema, SpanLabel};

use super::apply::{Blocker, apply_schema};
use super::check::check_schema;
use super::compare::differences;
use super::rename::{Renames, rename_schema};

/// A named item of a schema.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Item {
    /// A span label.
    Label(String),
    /// A relation type.
    Relation(String),
    /// An attribute of the spans of one label.
    Attribute {
        /// The label.
        label: String,
        /// The attribute's name.
        name: String,
    },
    /// One value of an attribute.
    Value {
        /// The label.
        label: String,
        /// The attribute's name.
        attribute: String,
        /// The value.
        value: String,
    },
}

impl std::fmt::Display for Item {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Item::Label(l) => write!(f, "label \"{l}\""),
            Item::Relation(r) => write!(f, "relation type \"{r}\""),
            Item::Attribute { label, name } => write!(f, "attribute {label}.{name}"),
            Item::Value {
                label,
                attribute,
                value,
            } => write!(f, "value \"{value}\" of {label}.{attribute}"),
        }
    }
}

/// One change the user asks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SchemaOp {
    /// A new span label.
    AddLabel {
        /// Its name.
        name: String,
        /// Its key (may be empty).
        key: String,
        /// Its colour, `#rrggbb`.
        color: String,
    },
    /// A new relation type.
    AddRelation {
        /// Its name.
        name: String,
        /// Labels allowed at its source.
        from: Vec<String>,
        /// Labels allowed at its target.
        to: Vec<String>,
        /// Its key (may be empty).
        key: String,
    },
    /// A new attribute with its first values.
    AddAttribute {
        /// The label whose spans carry it.
        label: String,
        /// Its name.
        name: String,
        /// Its values.
        values: Vec<String>,
    },
    /// A new value of an attribute.
    AddValue {
        /// The label.
        label: String,
        /// The attribute.
        attribute: String,
        /// The new value.
        value: String,
    },
    /// A new name for an item, everywhere it is used.
    Rename {
        /// The item.
        item: Item,
        /// Its new name.
        to: String,
    },
    /// A label's colour.
    SetColor {
        /// The label.
        label: String,
        /// `#rrggbb`.
        color: String,
    },
    /// The key of a label or relation type (empty: no key).
    SetKey {
        /// The label or relation type.
        item: Item,
        /// One character, or empty.
        key: String,
    },
    /// The one-line description of a label or relation type.
    SetDescription {
        /// The label or relation type.
        item: Item,
        /// The description.
        text: String,
    },
    /// Which labels a relation type may link.
    SetEnds {
        /// The relation type.
        relation: String,
        /// Labels allowed at its source.
        from: Vec<String>,
        /// Labels allowed at its target.
        to: Vec<String>,
    },
    /// Remove an item (with what uses it, when dropping is agreed).
    Remove(Item),
}

/// A planned change, ready to become one edit.
#[derive(Clone, Debug)]
pub struct Planned {
    /// The schema after the change.
    pub schema: Schema,
    /// The documents the change migrated, by index (the others are unchanged).
    pub documents: Vec<(usize, Arc<Document>)>,
    /// Names renamed, old → new.
    pub renames: Vec<(String, String)>,
    /// What was done, in a sentence for the status bar.
    pub summary: String,
}

/// Why a change was not planned.
#[derive(Clone, Debug, Error, PartialEq, Eq)]
pub enum PlanError {
    /// The change is not possible (a name taken or empty, a key used twice, an unknown item).
    #[error("{}", .0.join("; "))]
    Invalid(Vec<String>),
    /// Annotations use what the change removes: nothing changes unless dropping is agreed.
    #[error("{} would be removed: {}", .what, .blockers.iter().map(|b| b.0.as_str()).collect::<Vec<_>>().join("; "))]
    InUse {
        /// What the change was about.
        what: String,
        /// Each name in use, with how many annotations use it.
        blockers: Vec<Blocker>,
    },
}

/// Plans `op` on `project`. `reserved` are keys the window already gives other commands;
/// `drop` agrees to remove annotations that use what is removed.
pub fn plan(
    project: &Project,
    op: &SchemaOp,
    reserved: &[&str],
    drop: bool,
) -> Result<Planned, PlanError> {
    let old = &project.schema;
    let mut target = old.clone();
    let mut renames = Vec::new();
    let summary = change(&mut target, op, &mut renames).map_err(|e| PlanError::Invalid(vec![e]))?;
    let mut problems = check_schema(&target);
    problems.extend(key_problems(&target, reserved));
    if !problems.is_empty() {
        return Err(PlanError::Invalid(problems));
    }
    // Names, relations and attributes make files comparable; colours, keys and words do not.
    if !differences(old, "before", &target, "after").is_empty() {
        target.revision = old.revision.saturating_add(1);
    }
    let applied = apply_schema(project, &target, &Renames::new(renames.clone()), drop).map_err(
        |blockers| PlanError::InUse {
            what: summary.clone(),
            blockers,
        },
    )?;
    let documents = applied
        .project
        .documents
        .iter()
        .enumerate()
        .filter(|(i, d)| !Arc::ptr_eq(d, &project.documents[*i]))
        .map(|(i, d)| (i, d.clone()))
        .collect();
    let mut summary = summary;
    if applied.renamed > 0 {
        summary.push_str(&format!(" ({} annotation names changed)", applied.renamed));
    }
    if applied.removed_anything() {
        let counts = [
            (applied.spans_removed, "span"),
            (applied.relations_removed, "relation"),
            (applied.attributes_removed, "attribute value"),
        ];
        let removed: Vec<String> = counts
            .iter()
            .filter(|(n, _)| *n > 0)
            .map(|(n, what)| format!("{n} {what}{}", if *n == 1 { "" } else { "s" }))
            .collect();
        summary.push_str(&format!(" (removed {})", removed.join(", ")));
    }
    Ok(Planned {
        schema: applied.project.schema,
        documents,
        renames,
        summary,
    })
}

/// Keys given twice (labels and relation types share the keyboard) or given to a command.
fn key_problems(schema: &Schema, reserved: &[&str]) -> Vec<String> {
    let mut out = Vec::new();
    let mut seen: Vec<(String, String)> = Vec::new();
    let items = schema
        .span_labels
        .iter()
        .map(|l| (format!("label {:?}", l.name), &l.key))
        .chain(
            schema
                .relation_types
                .iter()
                .map(|r| (format!("relation type {:?}", r.name), &r.key)),
        );
    for (item, key) in items {
        if key.is_empty() {
            continue;
        }
        if key.chars().count() != 1 {
            out.push(format!("{item}: a key is one character, not {key:?}"));
            continue;
        }
        let lower = key.to_lowercase();
        if let Some((other, _)) = seen.iter().find(|(_, k)| *k == lower) {
            // Two labels on one key are already check_schema's.
            if !(item.starts_with("label") && other.starts_with("label")) {
                out.push(format!("key {key:?} is both {other}'s and {item}'s"));
            }
        } else if reserved.iter().any(|r| r.to_lowercase() == lower) {
            out.push(format!(
                "{item}: key {key:?} is already a command's (see Help > Keyboard shortcuts)"
            ));
        }
        seen.push((item, lower));
    }
    out
}

/// A name that may be given: not empty, no surrounding spaces.
fn check_name(kind: &str, name: &str) -> Result<(), String> {
    if name.trim().is_empty() {
        Err(format!("a {kind} needs a name"))
    } else if name.trim() != name {
        Err(format!("{kind} name {name:?} starts or ends with a space"))
    } else {
        Ok(())
    }
}

fn label_mut<'s>(s: &'s mut Schema, name: &str) -> Result<&'s mut SpanLabel, String> {
    s.span_labels
        .iter_mut()
        .find(|l| l.name == name)
        .ok_or_else(|| format!("there is no label {name:?}"))
}

fn relation_mut<'s>(s: &'s mut Schema, name: &str) -> Result<&'s mut RelationType, String> {
    s.relation_types
        .iter_mut()
        .find(|r| r.name == name)
        .ok_or_else(|| format!("there is no relation type {name:?}"))
}

fn attribute_mut<'s>(
    s: &'s mut Schema,
    label: &str,
    name: &str,
) -> Result<&'s mut AttributeDef, String> {
    s.attributes
        .iter_mut()
        .find(|a| a.label == label && a.name == name)
        .ok_or_else(|| format!("there is no attribute {label}.{name}"))
}

/// Whether `name` is taken by an item of the same kind as `item`.
fn taken(s: &Schema, item: &Item, name: &str) -> bool {
    match item {
        Item::Label(_) => s.label(name).is_some(),
        Item::Relation(_) => s.relation_type(name).is_some(),
        Item::Attribute { label, .. } => s.attribute(label, name).is_some(),
        Item::Value {
            label, attribute, ..
        } => s
            .attribute(label, attribute)
            .is_some_and(|a| a.values.iter().any(|v| v == name)),
    }
}

/// Applies `op` to the schema `s`; returns what was done, in words.
fn change(
    s: &mut Schema,
    op: &SchemaOp,
    renames: &mut Vec<(String, String)>,
) -> Result<String, String> {
    Ok(match op {
        SchemaOp::AddLabel { name, key, color } => {
            check_name("label", name)?;
            if s.label(name).is_some() {
                return Err(format!("there is already a label {name:?}"));
            }
            s.span_labels.push(SpanLabel {
                name: name.clone(),
                key: key.clone(),
                color: color.clone(),
                ..Default::default()
            });
            format!("Added label \"{name}\"")
        }
        SchemaOp::AddRelation {
            name,
            from,
            to,
            key,
        } => {
            check_name("relation type", name)?;
            if s.relation_type(name).is_some() {
                return Err(format!("there is already a relation type {name:?}"));
            }
            if from.is_empty() || to.is_empty() {
                return Err(format!(
                    "relation type {name:?} needs at least one label at each end"
                ));
            }
            s.relation_types.push(RelationType {
                name: name.clone(),
                from: from.clone(),
                to: to.clone(),
                key: key.clone(),
                ..Default::default()
            });
            format!("Added relation type \"{name}\"")
        }
        SchemaOp::AddAttribute {
            label,
            name,
            values,
        } => {
            check_name("attribute", name)?;
            if s.attribute(label, name).is_some() {
                return Err(format!("there is already an attribute {label}.{name}"));
            }
            for v in values {
                check_name("value", v)?;
            }
            s.attributes.push(AttributeDef {
                label: label.clone(),
                name: name.clone(),
                values: values.clone(),
                ..Default::default()
            });
            format!("Added attribute {label}.{name}")
        }
        SchemaOp::AddValue {
            label,
            attribute,
            value,
        } => {
            check_name("value", value)?;
            let a = attribute_mut(s, label, attribute)?;
            if a.values.contains(value) {
                return Err(format!("{label}.{attribute} already has value {value:?}"));
            }
            a.values.push(value.clone());
            format!("Added value \"{value}\" to {label}.{attribute}")
        }
        SchemaOp::Rename { item, to } => {
            let from = match item {
                Item::Label(n) | Item::Relation(n) => n,
                Item::Attribute { name, .. } => name,
                Item::Value { value, .. } => value,
            };
            check_name("new", to)?;
            if from == to {
                return Err(format!("{item} is already called {to:?}"));
            }
            if taken(s, item, to) {
                return Err(format!("cannot rename {item}: {to:?} is taken"));
            }
            let exists = match item {
                Item::Label(n) => s.label(n).is_some(),
                Item::Relation(n) => s.relation_type(n).is_some(),
                Item::Attribute { label, name } => s.attribute(label, name).is_some(),
                Item::Value {
                    label,
                    attribute,
                    value,
                } => s
                    .attribute(label, attribute)
                    .is_some_and(|a| a.values.contains(value)),
            };
            if !exists {
                return Err(format!("there is no {item}"));
            }
            let r = Renames::new([(from.clone(), to.clone())]);
            rename_schema(s, &r);
            renames.push((from.clone(), to.clone()));
            format!("Renamed {item} to \"{to}\" everywhere")
        }
        SchemaOp::SetColor { label, color } => {
            label_mut(s, label)?.color = color.clone();
            format!("Label \"{label}\" is now {color}")
        }
        SchemaOp::SetKey { item, key } => {
            match item {
                Item::Label(n) => label_mut(s, n)?.key = key.clone(),
                Item::Relation(n) => relation_mut(s, n)?.key = key.clone(),
                _ => return Err(format!("{item} has no key")),
            }
            if key.is_empty() {
                format!("{item} has no key now")
            } else {
                format!("Key {key} is now {item}'s")
            }
        }
        SchemaOp::SetDescription { item, text } => {
            match item {
                Item::Label(n) => label_mut(s, n)?.description = text.clone(),
                Item::Relation(n) => relation_mut(s, n)?.description = text.clone(),
                _ => return Err(format!("{item} has no description")),
            }
            format!("Described {item}")
        }
        SchemaOp::SetEnds { relation, from, to } => {
            if from.is_empty() || to.is_empty() {
                return Err(format!(
                    "relation type {relation:?} needs at least one label at each end"
                ));
            }
            let r = relation_mut(s, relation)?;
            r.from = from.clone();
            r.to = to.clone();
            format!(
                "Relation type \"{relation}\" now links {} to {}",
                from.join("|"),
                to.join("|")
            )
        }
        SchemaOp::Remove(item) => {
            match item {
                Item::Label(n) => {
                    label_mut(s, n)?;
                    s.span_labels.retain(|l| l.name != *n);
                    // What only named this label goes with it.
                    s.attributes.retain(|a| a.label != *n);
                    for r in &mut s.relation_types {
                        r.from.retain(|l| l != n);
                        r.to.retain(|l| l != n);
                    }
                    s.relation_types
                        .retain(|r| !r.from.is_empty() && !r.to.is_empty());
                }
                Item::Relation(n) => {
                    relation_mut(s, n)?;
                    s.relation_types.retain(|r| r.name != *n);
                }
                Item::Attribute { label, name } => {
                    attribute_mut(s, label, name)?;
                    s.attributes
                        .retain(|a| !(a.label == *label && a.name == *name));
                }
                Item::Value {
                    label,
                    attribute,
                    value,
                } => {
                    let a = attribute_mut(s, label, attribute)?;
                    if a.values.len() == 1 {
                        return Err(format!(
                            "{item} is its only value: remove the attribute instead"
                        ));
                    }
                    a.values.retain(|v| v != value);
                }
            }
            format!("Removed {item}")
        }
    })
}

/// The label colours offered for new labels and recolouring, readable on light and dark.
pub const PALETTE: [&str; 12] = [
    "#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
    "#bcbd22", "#17becf", "#393b79", "#637939",
];

/// A colour of [`PALETTE`] no label of `schema` has yet (the first, when all are taken).
pub fn unused_color(schema: &Schema) -> &'static str {
    PALETTE
        .iter()
        .find(|c| !schema.span_labels.iter().any(|l| l.color == **c))
        .unwrap_or(&PALETTE[0])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Edit, Relation, Transaction, apply as apply_tx};

    fn project() -> Project {
        let mut p = Project::new("n", "a");
        let mut d = Document::new("d1", "", "", "قال مصدر إن الحملة مستمرة");
        let speaker = d.make_span(1, "speaker", 4, 8, "").expect("span");
        let mut claim = d.make_span(2, "claim", 12, 25, "").expect("span");
        claim.attributes.insert("quote".into(), "indirect".into());
        d.spans.extend([speaker, claim]);
        d.relations.push(Relation {
            id: 1,
            kind: "attributed_to".into(),
            from: 2,
            to: 1,
            annotator: String::new(),
        });
        p.documents.push(d.into());
        p.documents
            .push(Document::new("d2", "", "", "نص بلا وسوم").into());
        p
    }

    fn run(p: &mut Project, planned: Planned) -> Transaction {
        let tx = Transaction::one(Edit::ReplaceSchema {
            schema: Box::new(planned.schema),
            documents: planned.documents,
            renames: planned.renames,
        });
        apply_tx(p, tx).expect("applies")
    }

    #[test]
    fn renaming_a_label_reaches_spans_relations_and_attributes_and_undoes() {
        let mut p = project();
        let before = p.clone();
        let op = SchemaOp::Rename {
            item: Item::Label("speaker".into()),
            to: "source".into(),
        };
        let planned = plan(&p, &op, &[], false).expect("plan");
        assert_eq!(planned.documents.len(), 1, "only the annotated document");
        assert_eq!(
            planned.renames,
            [("speaker".to_owned(), "source".to_owned())]
        );
        let undo = run(&mut p, planned);
        assert_eq!(p.documents[0].spans[0].label, "source");
        assert!(p.schema.relation_types[0].to.contains(&"source".to_owned()));
        assert_eq!(p.schema.revision, before.schema.revision + 1);
        assert!(Arc::ptr_eq(&p.documents[1], &before.documents[1]));
        apply_tx(&mut p, undo).expect("undo");
        assert_eq!(p, before);
    }

    #[test]
    fn removing_a_used_label_needs_drop_and_counts() {
        let p = project();
        let op = SchemaOp::Remove(Item::Label("speaker".into()));
        let err = plan(&p, &op, &[], false).expect_err("in use");
        let PlanError::InUse { blockers, .. } = &err else {
            panic!("{err:?}")
        };
        assert!(blockers[0].0.contains("1 span"), "{blockers:?}");
        let planned = plan(&p, &op, &[], true).expect("dropped");
        assert!(
            planned.summary.contains("(removed 1 span, 1 relation)"),
            "{}",
            planned.summary
        );
        assert!(planned.schema.label("speaker").is_none());
        assert_eq!(planned.documents[0].1.spans.len(), 1);
        assert!(planned.documents[0].1.relations.is_empty());
    }

    #[test]
    fn key_clashes_and_taken_names_are_refused() {
        let p = project();
        let clash = SchemaOp::SetKey {
            item: Item::Label("entity".into()),
            key: "1".into(),
        };
        let e = plan(&p, &clash, &[], false).expect_err("two labels on 1");
        assert!(e.to_string().contains("key \"1\" is used twice"), "{e}");
        let relation_key = SchemaOp::SetKey {
            item: Item::Label("entity".into()),
            key: "A".into(),
        };
        let e = plan(&p, &relation_key, &[], false).expect_err("a relation's key");
        assert!(
            e.to_string()
                .contains("is both label \"entity\"'s and relation type \"attributed_to\"'s"),
            "{e}"
        );
        let command = SchemaOp::SetKey {
            item: Item::Label("entity".into()),
            key: "x".into(),
        };
        let e = plan(&p, &command, &["x"], false).expect_err("a command's key");
        assert!(e.to_string().contains("command"), "{e}");
        let taken = SchemaOp::Rename {
            item: Item::Label("speaker".into()),
            to: "claim".into(),
        };
        assert!(plan(&p, &taken, &[], false).is_err());
        let add = SchemaOp::AddLabel {
            name: "cue".into(),
            key: "4".into(),
            color: unused_color(&p.schema).into(),
        };
        let planned = plan(&p, &add, &["x"], false).expect("a new label");
        assert!(planned.documents.is_empty());
        assert_eq!(planned.schema.span_labels.len(), 4);
    }

    #[test]
    fn renaming_a_value_migrates_spans_and_colours_do_not_raise_the_revision() {
        let mut p = project();
        let op = SchemaOp::Rename {
            item: Item::Value {
                label: "claim".into(),
                attribute: "quote".into(),
                value: "indirect".into(),
            },
            to: "reported".into(),
        };
        let planned = plan(&p, &op, &[], false).expect("plan");
        run(&mut p, planned);
        assert_eq!(p.documents[0].spans[1].attributes["quote"], "reported");
        let rev = p.schema.revision;
        let colour = SchemaOp::SetColor {
            label: "claim".into(),
            color: "#123456".into(),
        };
        let planned = plan(&p, &colour, &[], false).expect("plan");
        assert_eq!(planned.schema.revision, rev);
    }
}
