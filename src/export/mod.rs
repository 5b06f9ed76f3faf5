//! Training-data interchange: export a project as JSON Lines, doccano JSONL, CoNLL (IOB2) or a
//! brat standoff folder, and import JSON Lines, doccano or brat back into a project.
//!
//! Offsets are Unicode code points, end-exclusive, in every format, so that Python's
//! `text[start:end]` equals the span text (never UTF-16 units, never bytes).
//!
//! - [`export_project`] writes one format to a file (or, for brat, a folder), atomically per
//!   file; the per-format writers ([`jsonl::write`], [`doccano::write`], [`conll::write`],
//!   [`brat::write_folder`]) take any [`std::io::Write`] or folder.
//! - [`import_sources`] reads files of one format, checks every item against the text and the
//!   schema ([`assemble::assemble`]) and returns the project, or every bad line with its file
//!   and line number.
//!
//! Both take a [`Progress`] callback, called with `(done, total)` documents (lines for JSON
//! inputs), for a progress bar in the terminal or the GUI.

pub mod assemble;
pub mod brat;
pub mod conll;
pub mod doccano;
pub mod error;
pub mod jsonl;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub use assemble::{ImportOptions, Imported, assemble};
pub use conll::ConllReport;
pub use error::{ExportError, ImportError, LineProblem, UnknownNames};

use crate::model::{Document, Project, Span};
use crate::project;

/// Called with `(done, total)` as work advances.
pub type Progress<'a> = &'a mut dyn FnMut(usize, usize);

/// Writes one line per document, made by `line`, reporting progress after each.
pub(crate) fn write_lines(
    project: &Project,
    mut out: impl std::io::Write,
    progress: Progress<'_>,
    line: impl Fn(&Document) -> Result<String, ExportError>,
) -> Result<(), ExportError> {
    let total = project.documents.len();
    for (i, doc) in project.documents.iter().enumerate() {
        out.write_all(line(doc)?.as_bytes())?;
        out.write_all(b"\n")?;
        progress(i + 1, total);
    }
    out.flush()?;
    Ok(())
}

/// The formats a project can be exported to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ExportFormat {
    /// One JSON object per document: id, text, spans, relations.
    Jsonl,
    /// doccano's JSONL (sequence labeling, or entities + relations).
    Doccano,
    /// CoNLL token-per-line with IOB2 tags.
    Conll,
    /// brat standoff folder (`.txt` + `.ann` per document, `annotation.conf`).
    Brat,
}

impl ExportFormat {
    /// The format's name as given on the command line.
    pub fn name(self) -> &'static str {
        match self {
            ExportFormat::Jsonl => "jsonl",
            ExportFormat::Doccano => "doccano",
            ExportFormat::Conll => "conll",
            ExportFormat::Brat => "brat",
        }
    }
}

/// The formats a project can be imported from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ImportFormat {
    /// brat standoff: folders, or `.txt`/`.ann` files.
    Brat,
    /// Qalam's JSON Lines (as exported).
    Jsonl,
    /// doccano JSONL, either shape.
    Doccano,
}

/// Which of overlapping spans CoNLL keeps, since each token has one tag. The default is
/// [`Overlap::Outer`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum Overlap {
    /// The longest span wins (in tokens; ties: the earlier one): nested spans give way to the
    /// span around them.
    #[default]
    Outer,
    /// The shortest span wins: a span gives way to those inside it.
    Inner,
    /// The label listed first in the schema wins; within a label, the longest.
    LabelPriority,
}

/// How to export.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ExportOptions {
    /// The format.
    pub format: ExportFormat,
    /// doccano: write the entities + relations shape.
    pub relations: bool,
    /// CoNLL: the overlap policy.
    pub overlap: Overlap,
    /// Overwrite an existing output file (or write into a non-empty folder for brat).
    pub force: bool,
}

impl ExportOptions {
    /// Options for `format` with the defaults: no doccano relations, outer overlap, no overwrite.
    pub fn new(format: ExportFormat) -> Self {
        ExportOptions {
            format,
            relations: false,
            overlap: Overlap::default(),
            force: false,
        }
    }
}

/// What an export wrote and what the format could not hold.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ExportReport {
    /// Documents written.
    pub documents: usize,
    /// Spans in the project.
    pub spans: usize,
    /// Things the format has no place for, with their counts (`relations`, `attributes`, `notes`).
    pub omitted: BTreeMap<&'static str, usize>,
    /// For CoNLL: spans dropped by the overlap policy and spans split at sentence ends.
    pub conll: Option<ConllReport>,
}

impl ExportReport {
    /// What the user should hear about this export, one line each ("note: …" for what the
    /// format cannot hold, "warning: …" for spans dropped or split), for the CLI and the GUI.
    pub fn notes(&self, options: &ExportOptions) -> Vec<String> {
        let mut out = Vec::new();
        if !self.omitted.is_empty() {
            let what: Vec<String> = self
                .omitted
                .iter()
                .map(|(k, n)| format!("{n} {k}"))
                .collect();
            let hint = if options.format == ExportFormat::Doccano
                && self.omitted.contains_key("relations")
            {
                " (--relations writes relations)"
            } else {
                ""
            };
            out.push(format!(
                "note: {} has no place for {}; not written{hint}",
                options.format.name(),
                what.join(", ")
            ));
        }
        let Some(c) = &self.conll else { return out };
        let dropped = c.dropped_total();
        if dropped > 0 {
            let by_label: Vec<String> = c.dropped.iter().map(|(l, n)| format!("{l} {n}")).collect();
            let policy = match options.overlap {
                Overlap::Outer => "outer",
                Overlap::Inner => "inner",
                Overlap::LabelPriority => "label-priority",
            };
            out.push(format!(
                "warning: {dropped} of {} spans dropped by the overlap policy {policy} or covering no token ({}); --overlap outer|inner|label-priority chooses others",
                self.spans,
                by_label.join(", ")
            ));
        }
        if c.split > 0 {
            let spans = if c.split == 1 {
                "1 span".to_owned()
            } else {
                format!("{} spans", c.split)
            };
            out.push(format!(
                "warning: {spans} cross a sentence end and are written as one entity per sentence"
            ));
        }
        out
    }
}

/// The text of `span` in `doc`, taken from the document at its offsets.
pub(crate) fn span_text<'d>(doc: &'d Document, span: &Span) -> Result<&'d str, ExportError> {
    check_range(doc, span)?;
    doc.slice(span.start, span.end)
        .ok_or_else(|| bad_range(doc, span))
}

fn bad_range(doc: &Document, span: &Span) -> ExportError {
    ExportError::BadRange {
        document: doc.id.clone(),
        span: span.id,
        start: span.start,
        end: span.end,
    }
}

/// Fails unless `span` is a non-empty range inside the text.
pub(crate) fn check_range(doc: &Document, span: &Span) -> Result<(), ExportError> {
    if span.start < span.end && span.end <= doc.len_chars() {
        Ok(())
    } else {
        Err(bad_range(doc, span))
    }
}

/// Fails if `name` is empty or holds white space, which would split a column of `format`.
pub(crate) fn check_name(
    format: &'static str,
    what: &'static str,
    name: &str,
) -> Result<(), ExportError> {
    if name.is_empty() || name.contains(char::is_whitespace) {
        return Err(ExportError::Unrepresentable {
            format,
            what,
            name: name.to_owned(),
        });
    }
    Ok(())
}

/// What `format` leaves out of `project`, counted.
fn omitted(project: &Project, options: &ExportOptions) -> BTreeMap<&'static str, usize> {
    let spans = || project.documents.iter().flat_map(|d| d.spans.iter());
    let counts = [
        (
            "relations",
            project
                .documents
                .iter()
                .map(|d| d.relations.len())
                .sum::<usize>(),
        ),
        ("attributes", spans().map(|s| s.attributes.len()).sum()),
        ("notes", spans().filter(|s| s.note.is_some()).count()),
    ];
    let lost = |what: &str| match options.format {
        ExportFormat::Jsonl | ExportFormat::Brat => false,
        ExportFormat::Doccano => what != "relations" || !options.relations,
        ExportFormat::Conll => true,
    };
    counts
        .into_iter()
        .filter(|(what, n)| *n > 0 && lost(what))
        .collect()
}

/// Fails if `out` exists (for brat: is a non-empty folder) and `force` is off.
fn check_target(out: &Path, options: &ExportOptions) -> Result<(), ExportError> {
    if options.force {
        return Ok(());
    }
    let exists = if options.format == ExportFormat::Brat {
        out.is_file() || std::fs::read_dir(out).is_ok_and(|mut d| d.next().is_some())
    } else {
        out.symlink_metadata().is_ok()
    };
    if exists {
        Err(ExportError::AlreadyExists {
            path: out.to_owned(),
        })
    } else {
        Ok(())
    }
}

/// Exports `project` to `out` (a file; a folder for brat), calling `progress(done, total)`
/// after each document. Files are written atomically. This is the function for the GUI's
/// File → Export.
pub fn export_project(
    project: &Project,
    out: &Path,
    options: &ExportOptions,
    progress: Progress<'_>,
) -> Result<ExportReport, ExportError> {
    check_target(out, options)?;
    let mut report = ExportReport {
        documents: project.documents.len(),
        spans: project.documents.iter().map(|d| d.spans.len()).sum(),
        omitted: omitted(project, options),
        conll: None,
    };
    if options.format == ExportFormat::Brat {
        brat::write_folder(project, out, progress)?;
        return Ok(report);
    }
    let mut bytes = Vec::with_capacity(project.documents.iter().map(|d| d.text().len() * 2).sum());
    match options.format {
        ExportFormat::Jsonl => jsonl::write(project, &mut bytes, progress)?,
        ExportFormat::Doccano => doccano::write(project, &mut bytes, options.relations, progress)?,
        ExportFormat::Conll => {
            report.conll = Some(conll::write(
                project,
                &mut bytes,
                options.overlap,
                progress,
            )?)
        }
        ExportFormat::Brat => {}
    }
    project::write_atomic(out, &bytes)?;
    Ok(report)
}

/// Reads a JSON-lines file whole as UTF-8.
fn read_utf8(path: &Path) -> Result<String, ImportError> {
    let (bytes, _) = project::io::read_limited(path)?;
    String::from_utf8(bytes).map_err(|e| ImportError::NotUtf8 {
        path: path.to_owned(),
        offset: e.utf8_error().valid_up_to(),
    })
}

/// Imports `sources` (files; folders too for brat) of `format` into a new project, calling
/// `progress(done, total)` as documents (or lines) are read. Nothing is returned but errors
/// unless the input is clean or `options.skip_bad` is set.
pub fn import_sources(
    format: ImportFormat,
    sources: &[PathBuf],
    options: &ImportOptions,
    progress: Progress<'_>,
) -> Result<Imported, ImportError> {
    let mut parsed = assemble::Parsed::default();
    match format {
        ImportFormat::Brat => brat::parse_sources(sources, &mut parsed, progress)?,
        ImportFormat::Jsonl | ImportFormat::Doccano => {
            for src in sources {
                let text = read_utf8(src)?;
                if format == ImportFormat::Jsonl {
                    jsonl::parse(&text, src, &mut parsed, progress);
                } else {
                    doccano::parse(&text, src, &mut parsed, progress);
                }
            }
        }
    }
    if parsed.docs.is_empty() && parsed.problems.is_empty() {
        let sources = sources
            .iter()
            .map(|p| p.display().to_string())
            .collect::<Vec<_>>()
            .join(", ");
        return Err(ImportError::Empty { sources });
    }
    assemble(parsed, options)
}

/// Imports Qalam JSON Lines held in memory (`path` names it in messages).
pub fn import_jsonl_str(
    text: &str,
    path: &Path,
    options: &ImportOptions,
) -> Result<Imported, ImportError> {
    let mut parsed = assemble::Parsed::default();
    jsonl::parse(text, path, &mut parsed, &mut |_, _| {});
    assemble(parsed, options)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn project() -> Project {
        let mut p = Project::new("p", "");
        let mut d = Document::new("d1", "", "", "قال مصدر إن");
        d.spans.extend(d.make_span(1, "speaker", 4, 8, ""));
        if let Some(mut s) = d.make_span(2, "claim", 9, 11, "") {
            s.note = Some("n".into());
            s.attributes.insert("quote".into(), "direct".into());
            d.spans.push(s);
        }
        d.relations.push(crate::model::Relation {
            id: 1,
            kind: "attributed_to".into(),
            from: 2,
            to: 1,
        });
        p.documents.push(d.into());
        p
    }

    #[test]
    fn omissions_are_counted_per_format() {
        let p = project();
        let of = |format, relations| {
            omitted(
                &p,
                &ExportOptions {
                    relations,
                    ..ExportOptions::new(format)
                },
            )
        };
        assert!(of(ExportFormat::Jsonl, false).is_empty());
        assert!(of(ExportFormat::Brat, false).is_empty());
        assert_eq!(
            of(ExportFormat::Doccano, false),
            [("attributes", 1), ("notes", 1), ("relations", 1)].into()
        );
        assert_eq!(
            of(ExportFormat::Doccano, true),
            [("attributes", 1), ("notes", 1)].into()
        );
        assert_eq!(of(ExportFormat::Conll, true).len(), 3);
    }

    #[test]
    fn export_refuses_to_overwrite_without_force_and_reports_progress() {
        let dir = tempfile::tempdir().expect("tempdir");
        let out = dir.path().join("p.jsonl");
        let mut calls = Vec::new();
        let opts = ExportOptions::new(ExportFormat::Jsonl);
        export_project(&project(), &out, &opts, &mut |d, t| calls.push((d, t))).expect("export");
        assert_eq!(calls, [(1, 1)]);
        let again = export_project(&project(), &out, &opts, &mut |_, _| {});
        assert!(matches!(again, Err(ExportError::AlreadyExists { .. })));
        let forced = ExportOptions {
            force: true,
            ..opts
        };
        assert!(export_project(&project(), &out, &forced, &mut |_, _| {}).is_ok());
    }

    #[test]
    fn names_with_spaces_are_refused() {
        assert!(check_name("CoNLL", "label", "a b").is_err());
        assert!(check_name("CoNLL", "label", "").is_err());
        assert!(check_name("CoNLL", "label", "متحدث").is_ok());
    }
}
