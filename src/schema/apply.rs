//! Migrating an annotated project to another schema (`qalam schema apply`): names are renamed
//! first ([`Renames`]), then every annotation the new schema has no place for is either a
//! [`Blocker`] (nothing changes) or, when dropping is allowed, removed and counted. Spans
//! removed take their relations with them. Relations whose type is kept but whose endpoints'
//! labels the type no longer allows are listed one by one.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;

use crate::model::{Document, Project, RelationType, Schema, SpanId};

use super::rename::{Renames, rename_project};

/// Why a project cannot be migrated without `--drop`: one line naming what is in use.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Blocker(pub String);

impl fmt::Display for Blocker {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A migrated project and what the migration did.
#[derive(Clone, Debug, PartialEq)]
pub struct Applied {
    /// The project with the new schema.
    pub project: Project,
    /// The schema revision before and after.
    pub revision: (u32, u32),
    /// Names changed in the annotations by the renames.
    pub renamed: usize,
    /// Spans removed (their label is not in the schema).
    pub spans_removed: usize,
    /// Relations removed: with their spans, of a type not in the schema, or no longer allowed.
    pub relations_removed: usize,
    /// Attribute values removed from spans (attribute or value not in the schema).
    pub attributes_removed: usize,
    /// Pending suggestions and rejections removed or trimmed to fit the schema (never a
    /// blocker: they are proposals, not annotations).
    pub suggestions_removed: usize,
    /// Relations the new schema no longer allows between their spans' labels, one line each
    /// (removed, since only `--drop` gets this far with any).
    pub invalid_relations: Vec<String>,
}

impl Applied {
    /// Whether anything was removed.
    pub fn removed_anything(&self) -> bool {
        self.spans_removed + self.relations_removed + self.attributes_removed > 0
    }
}

/// The target schema by name.
struct Target<'s> {
    labels: HashSet<&'s str>,
    relations: HashMap<&'s str, &'s RelationType>,
    attributes: HashMap<(&'s str, &'s str), HashSet<&'s str>>,
}

impl<'s> Target<'s> {
    fn new(s: &'s Schema) -> Self {
        Target {
            labels: s.span_labels.iter().map(|l| l.name.as_str()).collect(),
            relations: s
                .relation_types
                .iter()
                .map(|r| (r.name.as_str(), r))
                .collect(),
            attributes: s
                .attributes
                .iter()
                .map(|a| {
                    (
                        (a.label.as_str(), a.name.as_str()),
                        a.values.iter().map(String::as_str).collect(),
                    )
                })
                .collect(),
        }
    }

    /// Whether span attribute `name=value` fits a span labelled `label`.
    fn allows_attribute(&self, label: &str, name: &str, value: &str) -> bool {
        self.attributes
            .get(&(label, name))
            .is_some_and(|values| values.contains(value))
    }
}

/// What is in use that the target has no place for, counted by kind and name.
#[derive(Default)]
struct InUse {
    labels: BTreeMap<String, usize>,
    attributes: BTreeMap<(String, String), usize>,
    values: BTreeMap<(String, String, String), usize>,
    relation_types: BTreeMap<String, usize>,
}

/// Migrates `project` to `target` after `renames`. Without `drop`, anything in use that the
/// target has no place for (span labels, attributes and their values, relation types,
/// relations no longer allowed) is refused with every [`Blocker`] listed; with `drop` it is
/// removed and counted. The project gets `target` as its schema, revision included.
pub fn apply_schema(
    project: &Project,
    target: &Schema,
    renames: &Renames,
    drop: bool,
) -> Result<Applied, Vec<Blocker>> {
    let mut p = project.clone();
    let renamed = rename_project(&mut p, renames);
    let t = Target::new(target);
    let mut in_use = InUse::default();
    let mut invalid = Vec::new();
    for d in &p.documents {
        survey(d, &t, &mut in_use, &mut invalid);
    }
    let blockers = blockers(&in_use, &invalid);
    if !drop && !blockers.is_empty() {
        return Err(blockers);
    }
    let mut applied = Applied {
        project: Project::new("", ""),
        revision: (project.schema.revision, target.revision),
        renamed,
        spans_removed: 0,
        relations_removed: 0,
        attributes_removed: 0,
        suggestions_removed: 0,
        invalid_relations: invalid,
    };
    for i in 0..p.documents.len() {
        if fits(&p.documents[i], &t) {
            continue;
        }
        if let Some(d) = p.doc_mut(i) {
            trim(d, &t, &mut applied);
        }
    }
    p.schema = target.clone();
    applied.project = p;
    Ok(applied)
}

/// The label of each span of `d`.
fn labels_of(d: &Document) -> HashMap<SpanId, &str> {
    d.spans.iter().map(|s| (s.id, s.label.as_str())).collect()
}

/// Counts what `d` uses that `t` has no place for, and lists its relations `t` no longer
/// allows.
fn survey(d: &Document, t: &Target<'_>, in_use: &mut InUse, invalid: &mut Vec<String>) {
    for s in &d.spans {
        if !t.labels.contains(s.label.as_str()) {
            *in_use.labels.entry(s.label.clone()).or_default() += 1;
            continue;
        }
        for (k, v) in &s.attributes {
            match t.attributes.get(&(s.label.as_str(), k.as_str())) {
                None => {
                    *in_use
                        .attributes
                        .entry((s.label.clone(), k.clone()))
                        .or_default() += 1;
                }
                Some(values) if !values.contains(v.as_str()) => {
                    *in_use
                        .values
                        .entry((s.label.clone(), k.clone(), v.clone()))
                        .or_default() += 1;
                }
                Some(_) => {}
            }
        }
    }
    let labels = labels_of(d);
    let spans: HashMap<SpanId, &crate::model::Span> = d.spans.iter().map(|s| (s.id, s)).collect();
    for r in &d.relations {
        let Some(rt) = t.relations.get(r.kind.as_str()) else {
            *in_use.relation_types.entry(r.kind.clone()).or_default() += 1;
            continue;
        };
        let (Some(from), Some(to)) = (labels.get(&r.from), labels.get(&r.to)) else {
            continue;
        };
        // Relations of spans that are removed anyway are not listed on their own.
        if !t.labels.contains(from) || !t.labels.contains(to) {
            continue;
        }
        if !rt.allows(from, to) {
            let shown = |id: SpanId| {
                spans.get(&id).map_or(format!("span {id}"), |s| {
                    format!("{} {}..{} {:?}", s.label, s.start, s.end, short(&s.text))
                })
            };
            invalid.push(format!(
                "document {}: relation {} {}: {} → {} is no longer allowed ({}: {} → {})",
                d.id,
                r.id,
                r.kind,
                shown(r.from),
                shown(r.to),
                rt.name,
                rt.from.join("|"),
                rt.to.join("|")
            ));
        }
    }
}

/// At most 30 characters of `s`, with `…` when cut.
fn short(s: &str) -> String {
    let mut out: String = s.chars().take(30).collect();
    if s.chars().count() > 30 {
        out.push('…');
    }
    out
}

fn times(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("{n} {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// One line per name in use, then the relations no longer allowed.
fn blockers(in_use: &InUse, invalid: &[String]) -> Vec<Blocker> {
    let mut out = Vec::new();
    for (l, n) in &in_use.labels {
        out.push(Blocker(format!(
            "label {l:?} is used by {} but not in the schema (rename it with --rename {l}=NEW, or remove them and their relations with --drop)",
            times(*n, "span")
        )));
    }
    for ((l, a), n) in &in_use.attributes {
        out.push(Blocker(format!(
            "attribute {l}.{a} is set on {} but not in the schema (--rename, or --drop to remove it)",
            times(*n, "span")
        )));
    }
    for ((l, a, v), n) in &in_use.values {
        out.push(Blocker(format!(
            "attribute {l}.{a} value {v:?} is set on {} but not in the schema (--rename {v}=NEW, or --drop to remove it)",
            times(*n, "span")
        )));
    }
    for (r, n) in &in_use.relation_types {
        out.push(Blocker(format!(
            "relation type {r:?} is used by {} but not in the schema (--rename {r}=NEW, or --drop to remove them)",
            times(*n, "relation")
        )));
    }
    for line in invalid {
        out.push(Blocker(format!("{line} (--drop removes it)")));
    }
    out
}

/// Whether everything in `d` fits `t` already (the document then stays shared).
fn fits(d: &Document, t: &Target<'_>) -> bool {
    let labels = labels_of(d);
    d.spans.iter().all(|s| {
        t.labels.contains(s.label.as_str())
            && s.attributes
                .iter()
                .all(|(k, v)| t.allows_attribute(&s.label, k, v))
    }) && d.relations.iter().all(|r| {
        t.relations.get(r.kind.as_str()).is_some_and(|rt| {
            match (labels.get(&r.from), labels.get(&r.to)) {
                (Some(f), Some(to)) => rt.allows(f, to),
                _ => true,
            }
        })
    }) && d.suggestions.is_empty()
        && d.rejected
            .iter()
            .all(|r| t.labels.contains(r.label.as_str()))
}

/// Removes from `d` what `t` has no place for, counting it in `applied`.
fn trim(d: &mut Document, t: &Target<'_>, applied: &mut Applied) {
    let before = d.spans.len();
    d.spans.retain(|s| t.labels.contains(s.label.as_str()));
    applied.spans_removed += before - d.spans.len();
    for s in &mut d.spans {
        let before = s.attributes.len();
        let label = s.label.clone();
        s.attributes.retain(|k, v| t.allows_attribute(&label, k, v));
        applied.attributes_removed += before - s.attributes.len();
    }
    let labels: HashMap<SpanId, String> = d.spans.iter().map(|s| (s.id, s.label.clone())).collect();
    let before = d.relations.len();
    d.relations.retain(|r| {
        let (Some(from), Some(to)) = (labels.get(&r.from), labels.get(&r.to)) else {
            return false;
        };
        t.relations
            .get(r.kind.as_str())
            .is_some_and(|rt| rt.allows(from, to))
    });
    applied.relations_removed += before - d.relations.len();
    applied.suggestions_removed += trim_pending(d, t);
}

/// Removes pending suggestions (and their links, attributes and rejections) that `t` or the
/// remaining spans have no place for; returns how many suggestions and rejections changed.
fn trim_pending(d: &mut Document, t: &Target<'_>) -> usize {
    let before = d.suggestions.len() + d.rejected.len();
    d.suggestions
        .retain(|s| t.labels.contains(s.label.as_str()));
    d.rejected.retain(|r| t.labels.contains(r.label.as_str()));
    let mut changed = before - d.suggestions.len() - d.rejected.len();
    let labels: HashMap<SpanId, String> = d
        .spans
        .iter()
        .map(|s| (s.id, s.label.clone()))
        .chain(d.suggestions.iter().map(|s| (s.id, s.label.clone())))
        .collect();
    for s in &mut d.suggestions {
        let n = s.links.len() + s.attributes.len() + usize::from(s.same_as.is_some());
        let label = s.label.clone();
        s.links.retain(|l| {
            let to = labels.get(&l.to);
            t.relations
                .get(l.kind.as_str())
                .zip(to)
                .is_some_and(|(rt, to)| rt.allows(&label, to))
        });
        s.attributes.retain(|k, v| t.allows_attribute(&label, k, v));
        if s.same_as.is_some_and(|id| !labels.contains_key(&id)) {
            s.same_as = None;
        }
        let m = s.links.len() + s.attributes.len() + usize::from(s.same_as.is_some());
        changed += usize::from(m != n);
    }
    changed
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Relation;

    /// A project with a speaker (kind=person), a claim (quote=direct) and an entity, and
    /// attributed_to + about relations.
    fn project() -> Project {
        let mut p = Project::new("n", "");
        let mut d = Document::new("d1", "", "", "قال مصدر إن الحملة في بغداد مستمرة");
        let speaker = d.make_span(1, "speaker", 4, 8, "").expect("span");
        let mut claim = d.make_span(2, "claim", 12, 34, "").expect("span");
        claim.attributes.insert("quote".into(), "direct".into());
        let mut entity = d.make_span(3, "entity", 22, 27, "").expect("span");
        entity.attributes.insert("kind".into(), "location".into());
        d.spans.extend([speaker, claim, entity]);
        d.normalize_order();
        d.relations.push(Relation {
            id: 1,
            kind: "attributed_to".into(),
            from: 2,
            to: 1,
            annotator: String::new(),
        });
        d.relations.push(Relation {
            id: 2,
            kind: "about".into(),
            from: 2,
            to: 3,
            annotator: String::new(),
        });
        p.documents.push(d.into());
        p
    }

    fn renames(pairs: &[(&str, &str)]) -> Renames {
        Renames::new(
            pairs
                .iter()
                .map(|(a, b)| ((*a).to_owned(), (*b).to_owned())),
        )
    }

    #[test]
    fn the_same_schema_changes_nothing_but_the_revision() {
        let p = project();
        let target = Schema {
            revision: 3,
            ..Schema::default()
        };
        let a = apply_schema(&p, &target, &Renames::default(), false).expect("applies");
        assert_eq!(a.revision, (0, 3));
        assert_eq!(a.project.schema.revision, 3);
        assert_eq!(a.project.documents, p.documents);
        assert!(!a.removed_anything());
        // The revision is what a saved project records.
        let text = crate::project::to_ron_string(&a.project).expect("write");
        assert!(
            text.contains("    schema: (\n        revision: 3,\n"),
            "{text}"
        );
        let back = crate::project::parse_str(&text, std::path::Path::new("p.ron")).expect("read");
        assert_eq!(back.schema.revision, 3);
    }

    #[test]
    fn a_renamed_label_migrates_with_the_schema_renamed_the_same_way() {
        let p = project();
        let r = renames(&[("speaker", "source"), ("location", "place")]);
        let mut target = Schema::default();
        crate::schema::rename_schema(&mut target, &r);
        let a = apply_schema(&p, &target, &r, false).expect("applies");
        let d = &a.project.documents[0];
        assert_eq!(a.renamed, 2);
        assert!(d.spans.iter().any(|s| s.label == "source"));
        assert_eq!(d.spans[2].attributes["kind"], "place");
        assert_eq!(d.relations.len(), 2);
        assert!(crate::project::validate(&a.project).is_empty());
    }

    #[test]
    fn labels_values_and_types_in_use_are_not_removed_without_drop() {
        let p = project();
        let mut target = Schema::default();
        target.span_labels.retain(|l| l.name != "entity");
        target.relation_types.retain(|r| r.name != "about");
        target.attributes.retain(|a| a.label != "entity");
        target.attributes[0].values.retain(|v| v != "direct");
        let err = apply_schema(&p, &target, &Renames::default(), false).expect_err("refused");
        let lines: Vec<String> = err.iter().map(ToString::to_string).collect();
        assert_eq!(lines.len(), 3, "{lines:#?}");
        assert!(lines[0].starts_with("label \"entity\" is used by 1 span but not in the schema"));
        assert!(lines[1].starts_with("attribute claim.quote value \"direct\" is set on 1 span"));
        assert!(lines[2].starts_with("relation type \"about\" is used by 1 relation"));
        let a = apply_schema(&p, &target, &Renames::default(), true).expect("dropped");
        assert_eq!(
            (a.spans_removed, a.relations_removed, a.attributes_removed),
            (1, 1, 1)
        );
        let d = &a.project.documents[0];
        assert_eq!(d.spans.len(), 2);
        assert_eq!(d.relations.len(), 1);
        assert!(crate::project::validate(&a.project).is_empty());
    }

    #[test]
    fn pending_suggestions_follow_without_blocking() {
        use crate::model::{Rejection, SuggestedLink, Suggestion};
        let mut p = project();
        let d = p.doc_mut(0).expect("doc");
        let suggestion = |id, label: &str, start, end, links| Suggestion {
            id,
            label: label.into(),
            start,
            end,
            text: d.slice(start, end).unwrap_or_default().into(),
            attributes: Default::default(),
            rule: "cue-verb".into(),
            score: 80,
            links,
            same_as: None,
        };
        let link = |kind: &str, to| SuggestedLink {
            kind: kind.into(),
            to,
        };
        let pending = vec![
            suggestion(10, "entity", 13, 18, Vec::new()),
            suggestion(
                11,
                "claim",
                12,
                21,
                vec![link("about", 10), link("attributed_to", 1)],
            ),
        ];
        d.suggestions = pending;
        d.rejected.push(Rejection {
            label: "entity".into(),
            start: 0,
            end: 3,
            text: "قال".into(),
        });
        assert!(
            crate::project::validate(&p).is_empty(),
            "{:?}",
            crate::project::validate(&p)
        );
        let mut target = Schema::default();
        target.span_labels.retain(|l| l.name != "entity");
        target.attributes.retain(|a| a.label != "entity");
        target.relation_types.retain(|r| r.name != "about");
        // Only the spans and relations block; --drop removes them and trims the rest.
        let err = apply_schema(&p, &target, &Renames::default(), false).expect_err("refused");
        assert_eq!(err.len(), 2, "{err:?}");
        let a = apply_schema(&p, &target, &Renames::default(), true).expect("dropped");
        assert_eq!(
            a.suggestions_removed, 3,
            "entity, claim's links, the rejection"
        );
        let d = &a.project.documents[0];
        assert_eq!(d.suggestions.len(), 1);
        assert_eq!(d.suggestions[0].links, [link("attributed_to", 1)]);
        assert!(d.rejected.is_empty());
        assert!(crate::project::validate(&a.project).is_empty());
    }

    #[test]
    fn spans_dropped_take_their_relations_and_invalid_relations_are_listed() {
        let p = project();
        // Speakers go; attributed_to now points at entities.
        let mut target = Schema::default();
        target.span_labels.retain(|l| l.name != "speaker");
        target.relation_types[0].to = vec!["entity".into()];
        target.relation_types[1].to = vec!["claim".into()];
        let err = apply_schema(&p, &target, &Renames::default(), false).expect_err("refused");
        let lines: Vec<String> = err.iter().map(ToString::to_string).collect();
        assert_eq!(lines.len(), 2, "{lines:#?}");
        assert!(lines[0].starts_with("label \"speaker\" is used by 1 span"));
        assert!(
            lines[1].starts_with("document d1: relation 2 about: claim 12..34 \"الحملة في بغداد مستمرة\" → entity 22..27 \"بغداد\" is no longer allowed (about: claim → claim)"),
            "{}",
            lines[1]
        );
        let a = apply_schema(&p, &target, &Renames::default(), true).expect("dropped");
        assert_eq!((a.spans_removed, a.relations_removed), (1, 2));
        assert_eq!(a.invalid_relations.len(), 1);
        assert!(a.project.documents[0].relations.is_empty());
    }
}
