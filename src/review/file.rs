//! The review file: a reviewer's comments and per-document verdicts on one project, kept
//! beside it as `NAME.review.ron` and never inside the annotator's file.
//!
//! Comments point at spans and relations by document id and span id **and** by the span's
//! range and label, so that they still find their span when ids were renumbered, and are
//! recognisably stale when the span was changed (see [`SpanRef::find`]). The file is written
//! with [`crate::project::write_atomic`] under the same [`SaveGuard`] rules as projects, and
//! read with errors located as `file:line:col`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use ron::ser::PrettyConfig;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use thiserror::Error;

use crate::model::{Document, Project, Relation, Span, SpanId};
use crate::project::io::read_limited;
use crate::project::{DiskStamp, ProjectError, SaveGuard};

/// The review-file format version this build writes, and the newest it reads.
pub const REVIEW_VERSION: u32 = 1;

/// A span as a comment points at it: id, range and label.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SpanRef {
    /// The span's id when the comment was made.
    pub id: SpanId,
    /// Its first code point.
    pub start: usize,
    /// One past its last code point.
    pub end: usize,
    /// Its label.
    pub label: String,
    /// The text it quoted, to find the span again when the annotator moved it (older review
    /// files have none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
}

impl SpanRef {
    /// The reference to `span`.
    pub fn of(span: &Span) -> Self {
        SpanRef {
            id: span.id,
            start: span.start,
            end: span.end,
            label: span.label.clone(),
            text: Some(span.text.clone()),
        }
    }

    /// The span of `doc` this points at: the span with this id if its range and label are
    /// unchanged, else a span with this range and label (ids renumbered), else a span with
    /// this label quoting the same text (the annotator moved it; the nearest one to where it
    /// was), else `None` (the span was changed or deleted: the comment is stale).
    pub fn find<'d>(&self, doc: &'d Document) -> Option<&'d Span> {
        let same = |s: &&Span| s.start == self.start && s.end == self.end && s.label == self.label;
        doc.span(self.id)
            .filter(same)
            .or_else(|| doc.spans.iter().find(same))
            .or_else(|| {
                let quote = self.text.as_deref().filter(|t| !t.is_empty())?;
                doc.spans
                    .iter()
                    .filter(|s| s.label == self.label && s.text == quote)
                    .min_by_key(|s| s.start.abs_diff(self.start))
            })
    }
}

/// What a comment is about.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Target {
    /// The document as a whole.
    Document,
    /// One span.
    Span(SpanRef),
    /// One relation, with its endpoints.
    Relation {
        /// The relation's id when the comment was made.
        id: u64,
        /// Its type.
        kind: String,
        /// Its source span.
        from: SpanRef,
        /// Its target span.
        to: SpanRef,
    },
}

/// One reviewer comment.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Comment {
    /// Id of the document.
    pub document: String,
    /// What the comment is about.
    pub target: Target,
    /// The comment.
    pub text: String,
}

impl Comment {
    /// A comment on the whole of `doc`.
    pub fn on_document(doc: &Document, text: impl Into<String>) -> Self {
        Comment {
            document: doc.id.clone(),
            target: Target::Document,
            text: text.into(),
        }
    }

    /// A comment on `span` of `doc`.
    pub fn on_span(doc: &Document, span: &Span, text: impl Into<String>) -> Self {
        Comment {
            document: doc.id.clone(),
            target: Target::Span(SpanRef::of(span)),
            text: text.into(),
        }
    }

    /// A comment on `relation` of `doc`; `None` if an endpoint span does not exist.
    pub fn on_relation(
        doc: &Document,
        relation: &Relation,
        text: impl Into<String>,
    ) -> Option<Self> {
        let from = SpanRef::of(doc.span(relation.from)?);
        let to = SpanRef::of(doc.span(relation.to)?);
        let target = Target::Relation {
            id: relation.id,
            kind: relation.kind.clone(),
            from,
            to,
        };
        Some(Comment {
            document: doc.id.clone(),
            target,
            text: text.into(),
        })
    }

    /// Whether what the comment is about is still in `project` (a comment on a relation
    /// needs a relation of that type between the two spans).
    pub fn is_current(&self, project: &Project) -> bool {
        let Some(doc) = project.document(&self.document) else {
            return false;
        };
        match &self.target {
            Target::Document => true,
            Target::Span(s) => s.find(doc).is_some(),
            Target::Relation { kind, from, to, .. } => match (from.find(doc), to.find(doc)) {
                (Some(f), Some(t)) => doc
                    .relations
                    .iter()
                    .any(|r| r.kind == *kind && r.from == f.id && r.to == t.id),
                _ => false,
            },
        }
    }
}

/// The reviewer's verdict on one document.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// The annotation is accepted.
    Accepted,
    /// The annotator should look at it again.
    NeedsWork,
}

/// A reviewer's comments and verdicts on one project file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReviewFile {
    /// Format version ([`REVIEW_VERSION`]).
    pub version: u32,
    /// The reviewed project file's name, relative to the review file's folder.
    pub project: String,
    /// SHA-256 of the project file's bytes as reviewed, to notice a later change.
    pub project_sha256: String,
    /// Who reviewed.
    #[serde(default)]
    pub reviewer: String,
    /// Comments, in the order they were made.
    #[serde(default)]
    pub comments: Vec<Comment>,
    /// Verdicts by document id.
    #[serde(default)]
    pub verdicts: BTreeMap<String, Verdict>,
}

impl ReviewFile {
    /// An empty review of the project file named `project` whose bytes hash to `project_sha256`.
    pub fn new(
        project: impl Into<String>,
        project_sha256: impl Into<String>,
        reviewer: impl Into<String>,
    ) -> Self {
        ReviewFile {
            version: REVIEW_VERSION,
            project: project.into(),
            project_sha256: project_sha256.into(),
            reviewer: reviewer.into(),
            comments: Vec::new(),
            verdicts: BTreeMap::new(),
        }
    }

    /// An empty review of the project file at `project_path`, hashing its current bytes.
    pub fn for_project_file(
        project_path: &Path,
        reviewer: impl Into<String>,
    ) -> Result<Self, ReviewError> {
        let (bytes, _) = read_limited(project_path)?;
        let name = project_path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        Ok(ReviewFile::new(name, hex_sha256(&bytes), reviewer))
    }

    /// Sets the verdict on document `document`.
    pub fn set_verdict(&mut self, document: impl Into<String>, verdict: Verdict) {
        self.verdicts.insert(document.into(), verdict);
    }

    /// The verdict on document `document`, if one was given.
    pub fn verdict(&self, document: &str) -> Option<Verdict> {
        self.verdicts.get(document).copied()
    }

    /// The comments on document `document` (on it, its spans and relations).
    pub fn comments_on<'a>(&'a self, document: &'a str) -> impl Iterator<Item = &'a Comment> + 'a {
        self.comments.iter().filter(move |c| c.document == document)
    }

    /// The comments whose target is no longer in `project` (see [`Comment::is_current`]).
    pub fn stale_comments<'a>(
        &'a self,
        project: &'a Project,
    ) -> impl Iterator<Item = &'a Comment> + 'a {
        self.comments.iter().filter(move |c| !c.is_current(project))
    }
}

/// Why a review file could not be read or written.
#[derive(Debug, Error)]
pub enum ReviewError {
    /// Reading or writing the file failed (io, size, UTF-8, changed on disk, already exists).
    #[error(transparent)]
    File(#[from] ProjectError),
    /// The file holds nothing but whitespace.
    #[error("{path}: the file is empty, it is not a Qalam review file", path = .path.display())]
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
        "{path}: review file version {version}; this Qalam reads up to version {supported} — update Qalam",
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
    /// The review could not be turned into RON text.
    #[error("cannot write the review file as RON: {message}")]
    Serialize {
        /// The serializer's message.
        message: String,
    },
}

/// Lower-case hex SHA-256 of `bytes`.
fn hex_sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Where the review of the project at `project_path` is kept: `NAME.review.ron` beside
/// `NAME.ron` (any other extension is replaced the same way).
pub fn review_path(project_path: &Path) -> PathBuf {
    let stem = project_path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    project_path.with_file_name(format!("{stem}.review.ron"))
}

/// Just the version, read before the rest so that a newer file is reported as such.
#[derive(Deserialize)]
struct VersionProbe {
    #[serde(default)]
    version: u64,
}

fn syntax_error(path: &Path, e: &ron::error::SpannedError) -> ReviewError {
    ReviewError::Syntax {
        path: path.to_owned(),
        line: e.span.start.line.max(1),
        col: e.span.start.col.max(1),
        message: e.code.to_string(),
    }
}

/// Parses the text of a review file; `path` is only used in error messages.
pub fn parse_review(text: &str, path: &Path) -> Result<ReviewFile, ReviewError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.trim().is_empty() {
        return Err(ReviewError::Empty {
            path: path.to_owned(),
        });
    }
    let options = ron::Options::default();
    let probe: VersionProbe = options.from_str(text).map_err(|e| syntax_error(path, &e))?;
    if probe.version > u64::from(REVIEW_VERSION) {
        return Err(ReviewError::TooNew {
            path: path.to_owned(),
            version: probe.version,
            supported: REVIEW_VERSION,
        });
    }
    options.from_str(text).map_err(|e| syntax_error(path, &e))
}

/// Reads the review file at `path`; returns it with the file's stamp for [`save_review`].
pub fn load_review(path: &Path) -> Result<(ReviewFile, DiskStamp), ReviewError> {
    let (bytes, modified) = read_limited(path)?;
    let text = crate::project::format::decode_utf8(&bytes, path)?;
    let review = parse_review(text, path)?;
    Ok((review, DiskStamp::new(&bytes, modified)))
}

/// The RON text of `review`, ending with a newline; always the current version.
pub fn review_to_string(review: &ReviewFile) -> Result<String, ReviewError> {
    let mut current = review.clone();
    current.version = REVIEW_VERSION;
    let config = PrettyConfig::new()
        .depth_limit(4)
        .new_line("\n")
        .indentor("    ")
        .struct_names(false)
        .escape_strings(true);
    let raw = ron::ser::to_string_pretty(&current, config).map_err(|e| ReviewError::Serialize {
        message: e.to_string(),
    })?;
    // Arabic comments stay readable: marks as UTF-8, as in project files.
    let mut text = crate::project::format::unescape_readable(&raw);
    text.push('\n');
    Ok(text)
}

/// Saves `review` to `path` atomically, as guarded by `guard` (the same rules as
/// [`crate::project::save`]), and returns the new stamp.
pub fn save_review(
    path: &Path,
    review: &ReviewFile,
    guard: SaveGuard<'_>,
) -> Result<DiskStamp, ReviewError> {
    let text = review_to_string(review)?;
    Ok(crate::project::io::write_guarded(path, &text, guard)?)
}

/// Renames the span labels and relation types the comments of `review` name, by `rename`
/// (the new name of a name, `None` to keep it). Returns how many names changed.
pub fn rename_comments(review: &mut ReviewFile, rename: impl Fn(&str) -> Option<String>) -> usize {
    let mut n = 0;
    let mut apply = |name: &mut String| {
        if let Some(new) = rename(name).filter(|new| new != name) {
            *name = new;
            n += 1;
        }
    };
    for c in &mut review.comments {
        match &mut c.target {
            Target::Document => {}
            Target::Span(s) => apply(&mut s.label),
            Target::Relation { kind, from, to, .. } => {
                apply(kind);
                apply(&mut from.label);
                apply(&mut to.label);
            }
        }
    }
    n
}

/// Carries the review file beside the project at `project_path` (if there is one) along
/// with names renamed in the project's schema: `rename` gives a name's new name. The file
/// is rewritten atomically only when a name changed; returns how many did.
pub fn follow_renames(
    project_path: &Path,
    rename: impl Fn(&str) -> Option<String>,
) -> Result<usize, ReviewError> {
    let path = review_path(project_path);
    if !path.exists() {
        return Ok(0);
    }
    let (mut review, stamp) = load_review(&path)?;
    let n = rename_comments(&mut review, rename);
    if n > 0 {
        save_review(&path, &review, SaveGuard::Unchanged(&stamp))?;
    }
    Ok(n)
}

/// The new name of `name` after `renames` applied one after the other (a name renamed and
/// later renamed back comes out unchanged); `None` when it ends where it started.
pub fn renamed_in_order(renames: &[(String, String)], name: &str) -> Option<String> {
    let mut current = name;
    for (from, to) in renames {
        if current == from {
            current = to;
        }
    }
    (current != name).then(|| current.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn review_path_sits_beside_the_project() {
        assert_eq!(
            review_path(Path::new("a/b/news.ron")),
            PathBuf::from("a/b/news.review.ron")
        );
        assert_eq!(
            review_path(Path::new("news")),
            PathBuf::from("news.review.ron")
        );
    }

    #[test]
    fn span_refs_survive_renumbering_but_not_changes() {
        let mut d = Document::new("d", "", "", "قال مصدر أمني");
        d.spans.extend(d.make_span(7, "speaker", 4, 13, ""));
        let r = SpanRef::of(&d.spans[0]);
        d.spans[0].id = 1;
        assert_eq!(r.find(&d).map(|s| s.id), Some(1));
        // Moved by the annotator: found again by its quoted text.
        let mut moved = Document::new("d", "", "", "مصدر أمني قال مصدر أمني");
        moved
            .spans
            .extend(moved.make_span(3, "speaker", 14, 23, ""));
        assert_eq!(r.find(&moved).map(|s| s.start), Some(14));
        d.spans[0].label = "entity".into();
        assert_eq!(r.find(&d), None);
    }

    #[test]
    fn renames_reach_span_and_relation_comments_and_follow_their_order() {
        let mut d = Document::new("d", "", "", "قال مصدر إن الحملة مستمرة");
        d.spans.extend(d.make_span(1, "speaker", 4, 8, ""));
        d.spans.extend(d.make_span(2, "claim", 12, 25, ""));
        let rel = Relation {
            id: 1,
            kind: "attributed_to".into(),
            from: 2,
            to: 1,
            annotator: String::new(),
        };
        let mut r = ReviewFile::new("p.ron", "", "rev");
        r.comments
            .push(Comment::on_span(&d, &d.spans[0], "whole phrase?"));
        r.comments
            .extend(Comment::on_relation(&d, &rel, "right speaker?"));
        r.comments.push(Comment::on_document(&d, "fine"));
        let pairs = vec![
            ("speaker".to_owned(), "source".to_owned()),
            ("attributed_to".to_owned(), "said_by".to_owned()),
            ("claim".to_owned(), "x".to_owned()),
            ("x".to_owned(), "claim".to_owned()),
        ];
        let n = rename_comments(&mut r, |name| renamed_in_order(&pairs, name));
        assert_eq!(
            n, 3,
            "the span's label, the relation's type and its target's label"
        );
        let Target::Span(s) = &r.comments[0].target else {
            panic!("a span comment")
        };
        assert_eq!(s.label, "source");
        let Target::Relation { kind, from, to, .. } = &r.comments[1].target else {
            panic!("a relation comment")
        };
        assert_eq!(
            (kind.as_str(), from.label.as_str(), to.label.as_str()),
            ("said_by", "claim", "source")
        );
    }

    #[test]
    fn errors_are_located_and_newer_versions_refused() {
        let p = Path::new("x.review.ron");
        let e = parse_review("(version: 1,\n  project: 3)", p)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(e.starts_with("x.review.ron:2:"), "{e}");
        let e = parse_review(
            "(version: 9, project: \"p\", project_sha256: \"\", extra: 1)",
            p,
        )
        .err();
        assert!(
            matches!(e, Some(ReviewError::TooNew { version: 9, .. })),
            "{e:?}"
        );
        assert!(matches!(
            parse_review(" \n", p),
            Err(ReviewError::Empty { .. })
        ));
    }
}
