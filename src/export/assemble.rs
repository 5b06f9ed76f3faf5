//! The import path shared by every format: readers turn files into [`RawDoc`]s (with the line
//! each item came from), and [`assemble`] maps labels, checks every item against the text and
//! the schema, and builds the project — or refuses, listing each bad line.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::PathBuf;

use super::error::{ImportError, LineProblem, UnknownNames};
use crate::model::{DocStatus, Document, Project, Relation, Schema, Span, SpanId};
use crate::project::{self, Severity};

/// A span as read, before checking.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RawSpan {
    /// Id within the document.
    pub id: SpanId,
    /// Label as written in the input (before `--map`).
    pub label: String,
    /// Start in code points.
    pub start: usize,
    /// End in code points (exclusive).
    pub end: usize,
    /// The quoted text, when the format carries one, to check the offsets against.
    pub text: Option<String>,
    /// The note and the line it came from.
    pub note: Option<(String, usize)>,
    /// Attribute name, value and the line each came from.
    pub attributes: Vec<(String, String, usize)>,
    /// Who made the span, if the input says.
    pub annotator: String,
    /// Where the span came from, if the input says.
    pub origin: Option<String>,
    /// Line of the span in its file.
    pub line: usize,
}

impl RawSpan {
    /// A span with only a label and a range (no quote, note, attributes, annotator, origin).
    pub fn bare(id: SpanId, label: String, start: usize, end: usize, line: usize) -> Self {
        RawSpan {
            id,
            label,
            start,
            end,
            text: None,
            note: None,
            attributes: Vec::new(),
            annotator: String::new(),
            origin: None,
            line,
        }
    }
}

/// A relation as read, before checking.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RawRelation {
    /// Id within the document.
    pub id: u64,
    /// Type as written in the input (before `--map`).
    pub kind: String,
    /// Source span id.
    pub from: SpanId,
    /// Target span id.
    pub to: SpanId,
    /// Who made the relation, when the input says (empty: nobody named).
    pub annotator: String,
    /// Line of the relation in its file.
    pub line: usize,
}

/// A document as read, before checking.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RawDoc {
    /// The file it was read from (the `.ann` file for brat).
    pub path: PathBuf,
    /// Line where the document starts (0 for a whole file).
    pub line: usize,
    /// Document id.
    pub id: String,
    /// Title; `None` means "from the first line of the text".
    pub title: Option<String>,
    /// Where the text came from.
    pub source: String,
    /// Annotation status.
    pub status: DocStatus,
    /// The text, exactly.
    pub text: String,
    /// Spans.
    pub spans: Vec<RawSpan>,
    /// Relations.
    pub relations: Vec<RawRelation>,
}

/// What readers found: documents, problems (bad lines) and warnings.
#[derive(Debug, Default)]
pub struct Parsed {
    /// Documents in input order.
    pub docs: Vec<RawDoc>,
    /// Lines that could not be read; each drops what it described.
    pub problems: Vec<LineProblem>,
    /// Things done to the input that the user should know (such as split discontinuous spans).
    pub warnings: Vec<LineProblem>,
    /// What the reader found out about the input (such as the offset unit), one line each.
    pub notes: Vec<String>,
}

/// How to build the project from what was read.
#[derive(Clone, Debug, Default)]
pub struct ImportOptions {
    /// Project name.
    pub name: String,
    /// The project's annotator, also recorded on spans whose input names none.
    pub annotator: String,
    /// The schema to check against and to store in the project.
    pub schema: Schema,
    /// Renames applied to span labels and relation types before checking (`--map FROM=TO`).
    pub map: BTreeMap<String, String>,
    /// Import what is good and count what is skipped, instead of refusing bad input.
    pub skip_bad: bool,
}

/// The result of a successful import.
#[derive(Debug)]
pub struct Imported {
    /// The new project.
    pub project: Project,
    /// Things done to the input that the user should know.
    pub warnings: Vec<LineProblem>,
    /// Items left out under `skip_bad`, one per problem.
    pub skipped: Vec<LineProblem>,
    /// What the reader found out about the input (such as the offset unit), one line each.
    pub notes: Vec<String>,
}

/// Checks and builds the project from `parsed`.
pub fn assemble(parsed: Parsed, options: &ImportOptions) -> Result<Imported, ImportError> {
    let Parsed {
        mut docs,
        mut problems,
        warnings,
        notes,
    } = parsed;
    for doc in &mut docs {
        apply_map(doc, &options.map);
    }
    check_names(&docs, &options.schema)?;
    let mut project = Project::new(options.name.clone(), options.annotator.clone());
    project.schema = options.schema.clone();
    let checker = Checker::new(&options.schema);
    let mut ids = HashSet::new();
    for raw in docs {
        if !ids.insert(raw.id.clone()) {
            problems.push(LineProblem::new(
                &raw.path,
                raw.line,
                format!("document id {:?} is used twice", raw.id),
            ));
            continue;
        }
        project.documents.push(
            checker
                .document(raw, &options.annotator, &mut problems)
                .into(),
        );
    }
    if !problems.is_empty() && !options.skip_bad {
        return Err(ImportError::Bad(problems));
    }
    let left = project::validate(&project);
    if left.iter().any(|p| p.severity == Severity::Error) {
        return Err(ImportError::Invalid(left));
    }
    Ok(Imported {
        project,
        warnings,
        skipped: problems,
        notes,
    })
}

fn apply_map(doc: &mut RawDoc, map: &BTreeMap<String, String>) {
    if map.is_empty() {
        return;
    }
    for s in &mut doc.spans {
        if let Some(to) = map.get(&s.label) {
            s.label.clone_from(to);
        }
    }
    for r in &mut doc.relations {
        if let Some(to) = map.get(&r.kind) {
            r.kind.clone_from(to);
        }
    }
}

/// Refuses labels and relation types the schema lacks, listing what the input has.
fn check_names(docs: &[RawDoc], schema: &Schema) -> Result<(), ImportError> {
    let labels = docs
        .iter()
        .flat_map(|d| d.spans.iter().map(|s| s.label.as_str()));
    let known: Vec<String> = schema.span_labels.iter().map(|l| l.name.clone()).collect();
    let kinds = docs
        .iter()
        .flat_map(|d| d.relations.iter().map(|r| r.kind.as_str()));
    let known_kinds: Vec<String> = schema
        .relation_types
        .iter()
        .map(|r| r.name.clone())
        .collect();
    let found: Vec<UnknownNames> = [
        ("span labels", unknown(labels, known)),
        ("relation types", unknown(kinds, known_kinds)),
    ]
    .into_iter()
    .filter_map(|(what, u)| {
        u.map(|(unknown, found, known)| UnknownNames {
            what,
            unknown,
            found,
            known,
        })
    })
    .collect();
    if found.is_empty() {
        Ok(())
    } else {
        Err(ImportError::UnknownNames(found))
    }
}

type NameCounts = (Vec<String>, Vec<(String, usize)>, Vec<String>);

/// The unknown names among `names`, all names with counts, and the known ones; `None` if all are known.
fn unknown<'a>(names: impl Iterator<Item = &'a str>, known: Vec<String>) -> Option<NameCounts> {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for n in names {
        *counts.entry(n).or_default() += 1;
    }
    let unknown: Vec<String> = counts
        .keys()
        .filter(|n| !known.iter().any(|k| k == *n))
        .map(|n| (*n).to_owned())
        .collect();
    if unknown.is_empty() {
        return None;
    }
    Some((
        unknown,
        counts.into_iter().map(|(n, c)| (n.to_owned(), c)).collect(),
        known,
    ))
}

/// What one document has accepted so far, for the duplicate and reference checks.
#[derive(Default)]
struct Seen {
    /// Label of each accepted span, by id.
    labels: HashMap<SpanId, String>,
    /// Accepted (label, start, end), with the span id that has it.
    ranges: HashMap<(String, usize, usize), SpanId>,
    /// Ids of accepted relations.
    relations: HashSet<u64>,
}

/// Checks of items against a schema.
struct Checker<'s> {
    schema: &'s Schema,
}

impl<'s> Checker<'s> {
    fn new(schema: &'s Schema) -> Self {
        Checker { schema }
    }

    /// The document with the good items of `raw`; problems for the others.
    fn document(&self, raw: RawDoc, annotator: &str, problems: &mut Vec<LineProblem>) -> Document {
        let RawDoc {
            path,
            id,
            title,
            source,
            status,
            text,
            spans,
            relations,
            ..
        } = raw;
        let title = title.unwrap_or_else(|| project::title_of(&text));
        let mut doc = Document::new(id, title, source, text);
        doc.status = status;
        let mut at =
            |line: usize, message: String| problems.push(LineProblem::new(&path, line, message));
        let mut seen = Seen::default();
        for s in spans {
            if let Some(span) = self.span(&doc, s, annotator, &mut seen, &mut at) {
                seen.labels.insert(span.id, span.label.clone());
                doc.spans.push(span);
            }
        }
        for r in relations {
            if let Some(rel) = self.relation(&doc, r, &mut seen, &mut at) {
                doc.relations.push(rel);
            }
        }
        doc.normalize_order();
        doc
    }

    /// The span, if its range, quote and id are good; its bad attributes are dropped with a problem.
    fn span(
        &self,
        doc: &Document,
        s: RawSpan,
        annotator: &str,
        seen: &mut Seen,
        at: &mut impl FnMut(usize, String),
    ) -> Option<Span> {
        let what = format!("document {}: span {}", doc.id, s.id);
        if seen.labels.contains_key(&s.id) {
            at(s.line, format!("{what}: the id is used by another span"));
            return None;
        }
        let Some(found) = doc.slice(s.start, s.end).filter(|_| s.start < s.end) else {
            at(
                s.line,
                format!(
                    "{what}: range {}..{} is empty or outside the text ({} characters)",
                    s.start,
                    s.end,
                    doc.len_chars()
                ),
            );
            return None;
        };
        if let Some(quote) = &s.text
            && quote != found
        {
            at(
                s.line,
                format!(
                    "{what}: text {quote:?} does not match the text at {}..{}, which is {found:?}",
                    s.start, s.end
                ),
            );
            return None;
        }
        if let Some(other) = seen.ranges.insert((s.label.clone(), s.start, s.end), s.id) {
            at(
                s.line,
                format!(
                    "{what}: same label {:?} and range {}..{} as span {other}",
                    s.label, s.start, s.end
                ),
            );
            return None;
        }
        let mut span = doc.make_span(
            s.id,
            &s.label,
            s.start,
            s.end,
            if s.annotator.is_empty() {
                annotator
            } else {
                &s.annotator
            },
        )?;
        span.note = s.note.map(|(n, _)| n);
        span.origin = s.origin;
        for (name, value, line) in s.attributes {
            match self.schema.attribute(&s.label, &name) {
                None => at(
                    line,
                    format!(
                        "{what}: attribute {name:?} is not defined for {:?} spans",
                        s.label
                    ),
                ),
                Some(def) if !def.values.contains(&value) => at(
                    line,
                    format!(
                        "{what}: attribute {name}={value:?} is not allowed (allowed: {})",
                        def.values.join(", ")
                    ),
                ),
                Some(_) => {
                    span.attributes.insert(name, value);
                }
            }
        }
        Some(span)
    }

    /// The relation, if its id is new and its ends exist and fit its type.
    fn relation(
        &self,
        doc: &Document,
        r: RawRelation,
        seen: &mut Seen,
        at: &mut impl FnMut(usize, String),
    ) -> Option<Relation> {
        let what = format!("document {}: relation {}", doc.id, r.id);
        if !seen.relations.insert(r.id) {
            at(
                r.line,
                format!("{what}: the id is used by another relation"),
            );
            return None;
        }
        let (Some(from), Some(to)) = (seen.labels.get(&r.from), seen.labels.get(&r.to)) else {
            let missing = if seen.labels.contains_key(&r.from) {
                r.to
            } else {
                r.from
            };
            at(
                r.line,
                format!("{what}: span {missing} does not exist (or was not imported)"),
            );
            return None;
        };
        let allowed = self
            .schema
            .relation_type(&r.kind)
            .is_some_and(|t| t.allows(from, to));
        if !allowed {
            at(
                r.line,
                format!(
                    "{what}: a {:?} relation cannot go from a {from:?} span to a {to:?} span",
                    r.kind
                ),
            );
            return None;
        }
        Some(Relation {
            id: r.id,
            kind: r.kind,
            from: r.from,
            to: r.to,
            annotator: r.annotator,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw_span(
        id: SpanId,
        label: &str,
        start: usize,
        end: usize,
        text: Option<&str>,
        line: usize,
    ) -> RawSpan {
        RawSpan {
            id,
            label: label.into(),
            start,
            end,
            text: text.map(Into::into),
            note: None,
            attributes: Vec::new(),
            annotator: String::new(),
            origin: None,
            line,
        }
    }

    fn parsed(spans: Vec<RawSpan>, relations: Vec<RawRelation>) -> Parsed {
        let doc = RawDoc {
            path: "in.jsonl".into(),
            line: 1,
            id: "d".into(),
            text: "قال مصدر 😀 إن".into(),
            spans,
            relations,
            ..RawDoc::default()
        };
        Parsed {
            docs: vec![doc],
            ..Parsed::default()
        }
    }

    #[test]
    fn good_input_builds_a_valid_project_with_the_annotator_on_spans() {
        let spans = vec![
            raw_span(1, "speaker", 4, 8, Some("مصدر"), 1),
            raw_span(2, "claim", 9, 13, None, 1),
        ];
        let rel = RawRelation {
            id: 1,
            kind: "attributed_to".into(),
            from: 2,
            to: 1,
            line: 1,
            annotator: String::new(),
        };
        let opts = ImportOptions {
            annotator: "amal".into(),
            ..ImportOptions::default()
        };
        let got = assemble(parsed(spans, vec![rel]), &opts).expect("clean input");
        let d = &got.project.documents[0];
        assert_eq!(d.spans[1].text, "😀 إن");
        assert_eq!(d.spans[0].annotator, "amal");
        assert_eq!(d.relations.len(), 1);
        assert!(got.skipped.is_empty());
    }

    #[test]
    fn bad_offsets_are_refused_per_line_unless_skipped() {
        let spans = vec![
            raw_span(1, "speaker", 4, 8, Some("قال"), 3),
            raw_span(2, "entity", 0, 99, None, 4),
        ];
        let rel = RawRelation {
            id: 7,
            kind: "attributed_to".into(),
            from: 2,
            to: 1,
            line: 5,
            annotator: String::new(),
        };
        let err = assemble(
            parsed(spans.clone(), vec![rel.clone()]),
            &ImportOptions::default(),
        )
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
        assert!(err.starts_with("3 problems"), "{err}");
        assert!(
            err.contains("in.jsonl:3: document d: span 1: text \"قال\" does not match"),
            "{err}"
        );
        assert!(
            err.contains("in.jsonl:4: document d: span 2: range 0..99"),
            "{err}"
        );
        assert!(
            err.contains("in.jsonl:5: document d: relation 7: span 2 does not exist"),
            "{err}"
        );
        let opts = ImportOptions {
            skip_bad: true,
            ..ImportOptions::default()
        };
        let got = assemble(parsed(spans, vec![rel]), &opts).expect("skipping");
        assert_eq!(got.skipped.len(), 3);
        assert!(got.project.documents[0].spans.is_empty());
    }

    #[test]
    fn unknown_labels_are_listed_or_mapped() {
        let spans = vec![
            raw_span(1, "PER", 4, 8, None, 1),
            raw_span(2, "PER", 0, 3, None, 2),
            raw_span(3, "claim", 9, 13, None, 3),
        ];
        let err = assemble(parsed(spans.clone(), vec![]), &ImportOptions::default())
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(
            err.contains(
                "span labels not in the schema: PER; found in the input: PER (2), claim (1)"
            ),
            "{err}"
        );
        let opts = ImportOptions {
            map: [("PER".to_owned(), "speaker".to_owned())].into(),
            ..ImportOptions::default()
        };
        let got = assemble(parsed(spans, vec![]), &opts).expect("mapped");
        assert_eq!(
            got.project.documents[0]
                .spans
                .iter()
                .filter(|s| s.label == "speaker")
                .count(),
            2
        );
    }

    #[test]
    fn attributes_outside_the_schema_are_problems() {
        let mut s = raw_span(1, "claim", 9, 13, None, 1);
        s.attributes = vec![
            ("quote".into(), "direct".into(), 2),
            ("quote2".into(), "x".into(), 3),
        ];
        let err = assemble(parsed(vec![s], vec![]), &ImportOptions::default())
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(
            err.contains("in.jsonl:3: document d: span 1: attribute \"quote2\" is not defined"),
            "{err}"
        );
    }
}
