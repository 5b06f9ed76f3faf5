//! The adjudication file: a reviewer's decisions, kept on disk as `NAME.adjudication.ron`
//! beside the first reviewed project (or where `qalam review --out FILE` says).
//!
//! Every decision names the difference it settles **by content**, never by position: the
//! SHA-256 of the document's text, the kind of difference, and each alternative span (range,
//! label, quoted text, and the annotator files that had it, by file name) or the relation
//! (type, both endpoints by range and label, and its files). A decision therefore finds its
//! difference again however the documents and files are ordered, and when an annotator
//! changed their file since, a decision whose difference is no longer exactly there is
//! reported as *stale* with what changed, and never applied to other spans (see [`restore`]).
//!
//! The file is written atomically under the same changed-on-disk guard as project files; the
//! review's unsaved state (decisions, comments and verdicts) goes to a recovery copy
//! ([`ReviewRecovery`]) every few seconds. Output is deterministic: the same decisions give
//! the same bytes.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use ron::ser::PrettyConfig;
use serde::{Deserialize, Serialize};
use thiserror::Error;

use super::adjudicate::{Adjudication, Decision, Difference, DifferenceKind, SpanKey};
use super::file::ReviewFile;
use crate::model::text_sha256;
use crate::project::io::read_limited;
use crate::project::{DiskStamp, ProjectError, SaveGuard};

/// The adjudication-file format version this build writes, and the newest it reads.
pub const ADJUDICATION_VERSION: u32 = 1;

/// One alternative span of a difference as saved.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SavedSpan {
    /// First code point.
    pub start: usize,
    /// One past the last code point.
    pub end: usize,
    /// The label.
    pub label: String,
    /// The quoted text (for the reader; not compared).
    #[serde(default)]
    pub text: String,
    /// The annotator files that had this span, by file name, sorted.
    pub files: Vec<String>,
}

/// A relation difference as saved.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SavedRelation {
    /// Relation type.
    pub kind: String,
    /// Source span.
    pub from: SpanKey,
    /// Target span.
    pub to: SpanKey,
    /// The annotator files that had it, by file name, sorted.
    pub files: Vec<String>,
}

/// A decision as saved: the annotator's reading by file name rather than by lane.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SavedChoice {
    /// Keep what the annotator of this file had here.
    Keep(String),
    /// Keep every alternative (for a relation: keep it).
    KeepAll,
    /// Keep none.
    DropAll,
    /// One span with this range and label, set by the reviewer.
    Edit {
        /// First code point.
        start: usize,
        /// One past the last code point.
        end: usize,
        /// The label.
        label: String,
    },
}

/// One decision on one difference, the difference named by its content.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SavedDecision {
    /// What sort of difference it was.
    pub kind: DifferenceKind,
    /// Its alternative spans, sorted by start, end and label (empty for a relation).
    #[serde(default)]
    pub spans: Vec<SavedSpan>,
    /// The relation, for a relation difference.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub relation: Option<SavedRelation>,
    /// The decision.
    pub decision: SavedChoice,
}

impl SavedDecision {
    /// The identity of the difference (everything but quoted texts and the decision).
    fn signature(&self) -> Signature {
        Signature {
            kind: self.kind,
            spans: self
                .spans
                .iter()
                .map(|s| (s.start, s.end, s.label.clone(), s.files.clone()))
                .collect(),
            relation: self.relation.as_ref().map(|r| {
                (
                    r.kind.clone(),
                    r.from.clone(),
                    r.to.clone(),
                    r.files.clone(),
                )
            }),
        }
    }

    /// The code points the difference covered.
    pub fn range(&self) -> std::ops::Range<usize> {
        let keys: Vec<(usize, usize)> = match &self.relation {
            Some(r) => vec![(r.from.start, r.from.end), (r.to.start, r.to.end)],
            None => self.spans.iter().map(|s| (s.start, s.end)).collect(),
        };
        let start = keys.iter().map(|k| k.0).min().unwrap_or(0);
        let end = keys.iter().map(|k| k.1).max().unwrap_or(start);
        start..end
    }

    /// A short description of the difference, for stale-decision messages.
    pub fn describe(&self) -> String {
        describe_parts(&self.spans, self.relation.as_ref())
    }
}

fn describe_parts(spans: &[SavedSpan], relation: Option<&SavedRelation>) -> String {
    if let Some(r) = relation {
        return format!(
            "relation {} {}..{} → {}..{} ({})",
            r.kind,
            r.from.start,
            r.from.end,
            r.to.start,
            r.to.end,
            r.files.join(", ")
        );
    }
    spans
        .iter()
        .map(|s| {
            format!(
                "{} {}..{} ({})",
                s.label,
                s.start,
                s.end,
                s.files.join(", ")
            )
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// What identifies a difference across sessions.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct Signature {
    kind: DifferenceKind,
    spans: Vec<(usize, usize, String, Vec<String>)>,
    relation: Option<(String, SpanKey, SpanKey, Vec<String>)>,
}

/// The decisions on one document (one text).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DocumentDecisions {
    /// SHA-256 of the text: documents are found by it.
    pub sha256: String,
    /// The document's id in the first file (for the reader).
    #[serde(default)]
    pub id: String,
    /// Its decisions, in text order (stale ones after the others).
    #[serde(default)]
    pub decisions: Vec<SavedDecision>,
    /// Spans the reviewer added that no annotator made, in text order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub added: Vec<AddedSpan>,
}

/// A span the reviewer added.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AddedSpan {
    /// First code point.
    pub start: usize,
    /// One past the last code point.
    pub end: usize,
    /// The label.
    pub label: String,
    /// The quoted text (for the reader).
    #[serde(default)]
    pub text: String,
}

/// The adjudication file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AdjudicationFile {
    /// Format version ([`ADJUDICATION_VERSION`]).
    pub version: u32,
    /// Who adjudicates; the gold project's `annotator`.
    #[serde(default)]
    pub reviewer: String,
    /// The annotator files of the last save, by file name, in lane order (for the reader).
    #[serde(default)]
    pub files: Vec<String>,
    /// Decisions per document.
    #[serde(default)]
    pub documents: Vec<DocumentDecisions>,
}

impl AdjudicationFile {
    /// An empty file for `reviewer`.
    pub fn new(reviewer: impl Into<String>) -> Self {
        AdjudicationFile {
            version: ADJUDICATION_VERSION,
            reviewer: reviewer.into(),
            files: Vec::new(),
            documents: Vec::new(),
        }
    }

    /// How many decisions the file holds.
    pub fn decision_count(&self) -> usize {
        self.documents.iter().map(|d| d.decisions.len()).sum()
    }
}

/// A saved decision whose difference is not (exactly) there any more.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StaleDecision {
    /// SHA-256 of the document's text.
    pub sha256: String,
    /// The document's id as saved.
    pub document: String,
    /// The decision as saved (written back unchanged on the next save).
    pub saved: SavedDecision,
    /// What changed, in words.
    pub reason: String,
}

/// Why an adjudication file could not be read or written.
#[derive(Debug, Error)]
pub enum DecisionsError {
    /// Reading or writing the file failed (io, size, UTF-8, changed on disk, already exists).
    #[error(transparent)]
    File(#[from] ProjectError),
    /// The file holds nothing but whitespace.
    #[error("{path}: the file is empty, it is not a Qalam adjudication file", path = .path.display())]
    Empty {
        /// The file.
        path: PathBuf,
    },
    /// RON syntax error, or a value of the wrong type, at a known place.
    #[error("{path}:{line}:{col}: {message}", path = .path.display())]
    Syntax {
        /// The file.
        path: PathBuf,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        col: usize,
        /// What is wrong there.
        message: String,
    },
    /// The file was written by a newer Qalam.
    #[error(
        "{path}: adjudication file version {version}; this Qalam reads up to version {supported} — update Qalam",
        path = .path.display()
    )]
    TooNew {
        /// The file.
        path: PathBuf,
        /// The file's version.
        version: u64,
        /// The newest version this build reads.
        supported: u32,
    },
    /// The file could not be turned into RON text.
    #[error("cannot write the adjudication file as RON: {message}")]
    Serialize {
        /// The serializer's message.
        message: String,
    },
}

/// Where the decisions on a review of `first_project` are kept by default:
/// `NAME.adjudication.ron` beside it.
pub fn adjudication_path(first_project: &Path) -> PathBuf {
    let stem = first_project
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    first_project.with_file_name(format!("{stem}.adjudication.ron"))
}

/// The file name of each annotator file, made unique (`NAME` then `NAME#2`, … when two
/// files in different folders share a name).
pub fn file_names(paths: &[PathBuf]) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(paths.len());
    for p in paths {
        let base = p
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let mut name = base.clone();
        let mut k = 2;
        while out.contains(&name) {
            name = format!("{base}#{k}");
            k += 1;
        }
        out.push(name);
    }
    out
}

fn names_of(annotators: &[usize], files: &[String]) -> Vec<String> {
    let mut v: Vec<String> = annotators
        .iter()
        .filter_map(|a| files.get(*a).cloned())
        .collect();
    v.sort();
    v
}

/// Difference `diff` with `decision`, as saved; `files` are the lanes' file names.
pub fn saved_decision(diff: &Difference, decision: &Decision, files: &[String]) -> SavedDecision {
    let mut spans: Vec<SavedSpan> = diff
        .spans
        .iter()
        .map(|c| SavedSpan {
            start: c.key.start,
            end: c.key.end,
            label: c.key.label.clone(),
            text: c.text.clone(),
            files: names_of(&c.annotators, files),
        })
        .collect();
    spans.sort();
    let relation = diff.relation.as_ref().map(|r| SavedRelation {
        kind: r.kind.clone(),
        from: r.from.clone(),
        to: r.to.clone(),
        files: names_of(&r.annotators, files),
    });
    let file = |k: usize| files.get(k).cloned().unwrap_or_default();
    let decision = match decision {
        Decision::PickLeft => SavedChoice::Keep(file(0)),
        Decision::PickRight => SavedChoice::Keep(file(1)),
        Decision::Pick(k) => SavedChoice::Keep(file(*k)),
        Decision::KeepBoth => SavedChoice::KeepAll,
        Decision::DropBoth => SavedChoice::DropAll,
        Decision::Edit(r, l) => SavedChoice::Edit {
            start: r.start,
            end: r.end,
            label: l.clone(),
        },
    };
    SavedDecision {
        kind: diff.kind,
        spans,
        relation,
        decision,
    }
}

/// The decision a saved choice stands for in a review of `files`; `None` when it keeps a file
/// that is not in the review.
fn decision_of(choice: &SavedChoice, files: &[String]) -> Option<Decision> {
    Some(match choice {
        SavedChoice::Keep(name) => {
            let k = files.iter().position(|f| f == name)?;
            super::adjudicate::keep_file(k)
        }
        SavedChoice::KeepAll => Decision::KeepBoth,
        SavedChoice::DropAll => Decision::DropBoth,
        SavedChoice::Edit { start, end, label } => Decision::Edit(*start..*end, label.clone()),
    })
}

/// The adjudication file for `adj`'s decisions, with `stale` decisions written back unchanged
/// (with their document, `orphans` included: an orphan's decisions are those of `stale`, so a
/// dismissed one is left out); `files` are the lanes' file names.
pub fn to_file(
    adj: &Adjudication,
    stale: &[StaleDecision],
    orphans: &[DocumentDecisions],
    files: &[String],
    reviewer: &str,
) -> AdjudicationFile {
    let mut out = AdjudicationFile::new(reviewer);
    out.files = files.to_vec();
    let mut by_doc: Vec<Vec<SavedDecision>> = vec![Vec::new(); adj.documents.len()];
    let mut order: Vec<usize> = (0..adj.differences().len()).collect();
    order.sort_by_key(|&i| {
        let d = &adj.differences()[i];
        (d.document, d.range().start, d.range().end, i)
    });
    for i in order {
        let diff = &adj.differences()[i];
        if let Some(decision) = adj.decision(i) {
            by_doc[diff.document].push(saved_decision(diff, decision, files));
        }
    }
    let shas: Vec<String> = adj
        .documents
        .iter()
        .map(|d| text_sha256(d.text()))
        .collect();
    let mut stale_by_sha: HashMap<&str, Vec<&StaleDecision>> = HashMap::new();
    // Stale decisions of orphaned documents are written with those documents.
    for s in stale
        .iter()
        .filter(|s| !orphans.iter().any(|o| o.sha256 == s.sha256))
    {
        stale_by_sha.entry(s.sha256.as_str()).or_default().push(s);
    }
    for (i, decisions) in by_doc.into_iter().enumerate() {
        let mut decisions = decisions;
        if let Some(old) = stale_by_sha.remove(shas[i].as_str()) {
            decisions.extend(old.into_iter().map(|s| s.saved.clone()));
        }
        let added: Vec<AddedSpan> = adj
            .added(i)
            .map(|k| AddedSpan {
                start: k.start,
                end: k.end,
                label: k.label.clone(),
                text: adj.documents[i]
                    .slice(k.start, k.end)
                    .unwrap_or_default()
                    .to_owned(),
            })
            .collect();
        if !decisions.is_empty() || !added.is_empty() {
            out.documents.push(DocumentDecisions {
                sha256: shas[i].clone(),
                id: adj.documents[i].id.clone(),
                decisions,
                added,
            });
        }
    }
    // Documents whose text is no longer in every file: written back as they were read, with
    // those of their decisions that are still listed as stale (not dismissed).
    for o in orphans {
        let decisions: Vec<SavedDecision> = stale
            .iter()
            .filter(|s| s.sha256 == o.sha256)
            .map(|s| s.saved.clone())
            .collect();
        if !decisions.is_empty() || !o.added.is_empty() {
            out.documents.push(DocumentDecisions {
                decisions,
                ..o.clone()
            });
        }
    }
    out
}

/// What [`restore`] did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Restored {
    /// Decisions applied to their difference.
    pub kept: usize,
    /// Decisions whose difference is not there any more.
    pub stale: Vec<StaleDecision>,
    /// Saved documents whose text is not in every file any more (kept to be written back).
    pub orphans: Vec<DocumentDecisions>,
}

/// Applies the decisions of `file` to `adj`: each goes to the difference with exactly the
/// same content (text, kind, spans with their files, or relation); the others are returned
/// as stale with what changed. `files` are the lanes' file names.
pub fn restore(adj: &mut Adjudication, file: &AdjudicationFile, files: &[String]) -> Restored {
    let shas: Vec<String> = adj
        .documents
        .iter()
        .map(|d| text_sha256(d.text()))
        .collect();
    let doc_of_sha: HashMap<&str, usize> = shas
        .iter()
        .enumerate()
        .map(|(i, s)| (s.as_str(), i))
        .collect();
    let mut index: HashMap<(usize, Signature), usize> = HashMap::new();
    let mut per_doc: Vec<Vec<usize>> = vec![Vec::new(); adj.documents.len()];
    for (i, d) in adj.differences().iter().enumerate() {
        // Any decision works for the signature: it is not part of it.
        let sig = saved_decision(d, &Decision::DropBoth, files).signature();
        index.insert((d.document, sig), i);
        per_doc[d.document].push(i);
    }
    let mut out = Restored::default();
    let mut taken = BTreeSet::new();
    for doc in &file.documents {
        let Some(&d) = doc_of_sha.get(doc.sha256.as_str()) else {
            out.orphans.push(doc.clone());
            for saved in &doc.decisions {
                out.stale.push(StaleDecision {
                    sha256: doc.sha256.clone(),
                    document: doc.id.clone(),
                    saved: saved.clone(),
                    reason: format!(
                        "document {}: its text is no longer in every file (changed, or removed from a file)",
                        doc.id
                    ),
                });
            }
            continue;
        };
        for a in &doc.added {
            let key = SpanKey {
                start: a.start,
                end: a.end,
                label: a.label.clone(),
            };
            // The text is the same (same hash): only a label gone from the schema can fail.
            if let Err(e) = adj.add_span(d, key) {
                out.stale.push(StaleDecision {
                    sha256: doc.sha256.clone(),
                    document: doc.id.clone(),
                    saved: SavedDecision {
                        kind: DifferenceKind::OnlyInSome,
                        spans: Vec::new(),
                        relation: None,
                        decision: SavedChoice::Edit {
                            start: a.start,
                            end: a.end,
                            label: a.label.clone(),
                        },
                    },
                    reason: format!("document {}: the reviewer's span: {e}", doc.id),
                });
            }
        }
        for saved in &doc.decisions {
            let stale = |reason: String| StaleDecision {
                sha256: doc.sha256.clone(),
                document: doc.id.clone(),
                saved: saved.clone(),
                reason,
            };
            let found = index.get(&(d, saved.signature())).copied();
            let Some(i) = found.filter(|i| !taken.contains(i)) else {
                let now = changed_here(adj, &per_doc[d], saved, files);
                out.stale.push(stale(format!(
                    "document {}: the difference {} is not there any more; {now}",
                    doc.id,
                    saved.describe()
                )));
                continue;
            };
            let Some(decision) = decision_of(&saved.decision, files) else {
                out.stale.push(stale(format!(
                    "document {}: the decision keeps {:?}, which is not in this review",
                    doc.id, saved.decision
                )));
                continue;
            };
            match adj.decide(i, decision) {
                Ok(()) => {
                    taken.insert(i);
                    out.kept += 1;
                }
                Err(e) => out.stale.push(stale(format!("document {}: {e}", doc.id))),
            }
        }
    }
    out
}

/// What is now where a stale decision's difference was.
fn changed_here(
    adj: &Adjudication,
    in_doc: &[usize],
    saved: &SavedDecision,
    files: &[String],
) -> String {
    let r = saved.range();
    let now: Vec<String> = in_doc
        .iter()
        .map(|&i| &adj.differences()[i])
        .filter(|d| {
            d.kind == saved.kind && {
                let x = d.range();
                x.start < r.end && r.start < x.end
            }
        })
        .map(|d| saved_decision(d, &Decision::DropBoth, files).describe())
        .collect();
    if now.is_empty() {
        "the annotators now agree there (or the spans are gone)".to_owned()
    } else {
        format!("now: {}", now.join(" | "))
    }
}

/// Just the version, read before the rest so that a newer file is reported as such.
#[derive(Deserialize)]
struct VersionProbe {
    #[serde(default)]
    version: u64,
}

fn syntax_error(path: &Path, e: &ron::error::SpannedError) -> DecisionsError {
    DecisionsError::Syntax {
        path: path.to_owned(),
        line: e.span.start.line.max(1),
        col: e.span.start.col.max(1),
        message: e.code.to_string(),
    }
}

fn parse_versioned<T: for<'de> Deserialize<'de>>(
    text: &str,
    path: &Path,
) -> Result<T, DecisionsError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.trim().is_empty() {
        return Err(DecisionsError::Empty {
            path: path.to_owned(),
        });
    }
    let options = ron::Options::default();
    let probe: VersionProbe = options.from_str(text).map_err(|e| syntax_error(path, &e))?;
    if probe.version > u64::from(ADJUDICATION_VERSION) {
        return Err(DecisionsError::TooNew {
            path: path.to_owned(),
            version: probe.version,
            supported: ADJUDICATION_VERSION,
        });
    }
    options.from_str(text).map_err(|e| syntax_error(path, &e))
}

/// Parses the text of an adjudication file; `path` is only used in error messages.
pub fn parse_adjudication(text: &str, path: &Path) -> Result<AdjudicationFile, DecisionsError> {
    parse_versioned(text, path)
}

fn read_text(path: &Path) -> Result<(String, DiskStamp), DecisionsError> {
    let (bytes, modified) = read_limited(path)?;
    let stamp = DiskStamp::new(&bytes, modified);
    let text = crate::project::format::decode_utf8(&bytes, path)?.to_owned();
    Ok((text, stamp))
}

/// Reads the adjudication file at `path`, with its stamp for [`save_adjudication`].
pub fn load_adjudication(path: &Path) -> Result<(AdjudicationFile, DiskStamp), DecisionsError> {
    let (text, stamp) = read_text(path)?;
    Ok((parse_adjudication(&text, path)?, stamp))
}

fn pretty<T: Serialize>(value: &T, depth: usize) -> Result<String, DecisionsError> {
    let config = PrettyConfig::new()
        .depth_limit(depth)
        .new_line("\n")
        .indentor("    ")
        .struct_names(false)
        .escape_strings(true);
    let raw = ron::ser::to_string_pretty(value, config).map_err(|e| DecisionsError::Serialize {
        message: e.to_string(),
    })?;
    let mut text = crate::project::format::unescape_readable(&raw);
    text.push('\n');
    Ok(text)
}

/// The RON text of `file`, ending with a newline; always the current version.
pub fn adjudication_to_string(file: &AdjudicationFile) -> Result<String, DecisionsError> {
    let mut current = file.clone();
    current.version = ADJUDICATION_VERSION;
    // One decision per line: a difference and its choice read together.
    pretty(&current, 4)
}

/// Writes already serialized `text` to `path` atomically, as guarded by `guard` (the same
/// rules as [`crate::project::save`]); returns the new stamp.
pub fn write_guarded(
    path: &Path,
    text: &str,
    guard: SaveGuard<'_>,
) -> Result<DiskStamp, DecisionsError> {
    Ok(crate::project::io::write_guarded(path, text, guard)?)
}

/// Saves `file` to `path` atomically, as guarded by `guard`; returns the new stamp.
pub fn save_adjudication(
    path: &Path,
    file: &AdjudicationFile,
    guard: SaveGuard<'_>,
) -> Result<DiskStamp, DecisionsError> {
    write_guarded(path, &adjudication_to_string(file)?, guard)
}

/// A review's unsaved state, kept in the recovery copy of its adjudication file
/// (`.NAME.adjudication.ron.recovery`): the decisions and every file's comments and verdicts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReviewRecovery {
    /// Format version ([`ADJUDICATION_VERSION`]).
    pub version: u32,
    /// The decisions.
    pub adjudication: AdjudicationFile,
    /// Each reviewed file's review (comments and verdicts), in lane order, by file name.
    #[serde(default)]
    pub reviews: Vec<(String, ReviewFile)>,
}

/// The RON text of a recovery copy.
pub fn recovery_to_string(recovery: &ReviewRecovery) -> Result<String, DecisionsError> {
    pretty(recovery, 6)
}

/// Reads the recovery copy of the adjudication file at `path`.
pub fn load_recovery(path: &Path) -> Result<ReviewRecovery, DecisionsError> {
    let recovery = crate::project::recovery_path(path);
    let (text, _) = read_text(&recovery)?;
    parse_versioned(&text, &recovery)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_and_unique_file_names() {
        assert_eq!(
            adjudication_path(Path::new("a/ali.ron")),
            PathBuf::from("a/ali.adjudication.ron")
        );
        let names = file_names(&[
            PathBuf::from("x/ali.ron"),
            PathBuf::from("y/ali.ron"),
            PathBuf::from("mona.ron"),
        ]);
        assert_eq!(names, ["ali.ron", "ali.ron#2", "mona.ron"]);
    }

    fn project(who: &str, spans: &[(&str, usize, usize)]) -> crate::model::Project {
        let mut p = crate::model::Project::new("p", who);
        let mut d = crate::model::Document::new("d", "", "", "قال مصدر أمني إن الحملة بدأت");
        for (i, (label, a, b)) in spans.iter().enumerate() {
            let s = d.make_span(i as u64 + 1, label, *a, *b, who).expect("span");
            d.spans.push(s);
        }
        d.normalize_order();
        p.documents.push(d.into());
        p
    }

    #[test]
    fn decisions_are_written_by_content_deterministically_and_found_again() {
        let a = project("a", &[("speaker", 4, 13), ("claim", 17, 28)]);
        let b = project("b", &[("speaker", 4, 8)]);
        let files = vec!["a.ron".to_owned(), "b.ron".to_owned()];
        let mut adj = super::super::adjudicate(&[&a, &b], "r").expect("adjudicate");
        adj.decide(0, Decision::PickLeft).expect("decide");
        adj.decide(1, Decision::Edit(17..23, "claim".into()))
            .expect("edit");
        let file = to_file(&adj, &[], &[], &files, "r");
        let text = adjudication_to_string(&file).expect("text");
        assert_eq!(
            text,
            adjudication_to_string(&to_file(&adj, &[], &[], &files, "r")).expect("again")
        );
        assert!(text.contains("decision: keep(\"a.ron\")"), "{text}");
        assert!(
            text.contains("edit(start: 17, end: 23, label: \"claim\")"),
            "{text}"
        );
        let back = parse_adjudication(&text, Path::new("x")).expect("parse");
        assert_eq!(back, file);
        // The files in the other order: the decision keeps a's reading, now lane 1.
        let mut swapped = super::super::adjudicate(&[&b, &a], "r").expect("adjudicate");
        let names = vec!["b.ron".to_owned(), "a.ron".to_owned()];
        let restored = restore(&mut swapped, &back, &names);
        assert_eq!((restored.kept, restored.stale.len()), (2, 0));
        let boundaries = swapped
            .differences()
            .iter()
            .position(|d| d.kind == DifferenceKind::Boundaries)
            .expect("boundaries");
        assert_eq!(swapped.decision(boundaries), Some(&Decision::PickRight));
    }

    #[test]
    fn a_changed_difference_is_stale_with_what_is_there_now_and_never_applied() {
        let a = project("a", &[("speaker", 4, 13)]);
        let b = project("b", &[("speaker", 4, 8)]);
        let files = vec!["a.ron".to_owned(), "b.ron".to_owned()];
        let mut adj = super::super::adjudicate(&[&a, &b], "r").expect("adjudicate");
        adj.decide(0, Decision::PickLeft).expect("decide");
        let file = to_file(&adj, &[], &[], &files, "r");
        // b moved its span: the difference is another one now.
        let b2 = project("b", &[("speaker", 0, 8)]);
        let mut again = super::super::adjudicate(&[&a, &b2], "r").expect("adjudicate");
        let restored = restore(&mut again, &file, &files);
        assert_eq!(restored.kept, 0);
        assert_eq!(again.undecided().count(), again.differences().len());
        let reason = &restored.stale[0].reason;
        assert!(
            reason.contains("speaker 4..8 (b.ron)"),
            "what was: {reason}"
        );
        assert!(
            reason.contains("now: speaker 0..8 (b.ron)"),
            "what is: {reason}"
        );
        // Written back unchanged with the next save.
        let out = to_file(&again, &restored.stale, &[], &files, "r");
        assert_eq!(out.documents[0].decisions, file.documents[0].decisions);
    }

    #[test]
    fn errors_are_located_and_newer_versions_refused() {
        let p = Path::new("x.adjudication.ron");
        let e = parse_adjudication("(version: 1,\n  documents: 3)", p)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(e.starts_with("x.adjudication.ron:2:"), "{e}");
        assert!(matches!(
            parse_adjudication("(version: 7, later: 1)", p),
            Err(DecisionsError::TooNew { version: 7, .. })
        ));
        assert!(matches!(
            parse_adjudication("\n", p),
            Err(DecisionsError::Empty { .. })
        ));
    }
}
