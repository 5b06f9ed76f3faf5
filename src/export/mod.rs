//! Training-data interchange: export a project as JSON Lines (with spaCy-aligned tokens),
//! doccano JSONL, CoNLL (IOB2), Hugging Face token classification, a brat standoff folder,
//! Label Studio tasks or UIMA CAS XMI (INCEpTION), and import JSON Lines, doccano, brat,
//! Label Studio or XMI back into a project.
//!
//! Offsets are Unicode code points, end-exclusive, in every format that counts characters, so
//! that Python's `text[start:end]` equals the span text; XMI counts UTF-16 units as UIMA
//! requires, converted exactly ([`offsets`]).
//!
//! - [`export_project`] writes one format to a file (or, for brat, hf and xmi, a folder),
//!   atomically per file; the per-format writers take any [`std::io::Write`] or folder.
//! - [`import_sources`] reads files of one format, checks every item against the text and the
//!   schema ([`assemble::assemble`]) and returns the project, or every bad item with its file
//!   and line (or task) number.
//! - [`align`] cuts the shared tokenisation at span boundaries; [`tags`] resolves overlaps
//!   into one IOB2 tag per token for CoNLL, Hugging Face and spaCy's `doc.ents`.
//!
//! Both take a [`Progress`] callback, called with `(done, total)` documents (lines for JSON
//! inputs), for a progress bar in the terminal or the GUI.

pub mod align;
pub mod assemble;
pub mod brat;
pub mod conll;
pub mod doccano;
pub mod error;
pub mod hf;
pub mod jsonl;
pub mod labelstudio;
pub mod offsets;
pub mod tags;
pub mod xmi;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub use assemble::{ImportOptions, Imported, assemble};
pub use error::{ExportError, ImportError, LineProblem, UnknownNames};
pub use tags::TagReport;

use crate::model::{DocStatus, Document, Project, Schema, Span};
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
    /// One JSON object per document: id, text, tokens aligned to the spans, spans, relations.
    Jsonl,
    /// doccano's JSONL (sequence labeling, or entities + relations).
    Doccano,
    /// CoNLL token-per-line with IOB2 tags.
    Conll,
    /// Hugging Face token classification folder (`train.jsonl`, `dataset_info.json`, card).
    Hf,
    /// brat standoff folder (`.txt` + `.ann` per document, `annotation.conf`).
    Brat,
    /// Label Studio tasks (JSON) and their labeling config beside them.
    LabelStudio,
    /// UIMA CAS XMI folder for INCEpTION (`.xmi` per document, `TypeSystem.xml`).
    Xmi,
}

impl ExportFormat {
    /// The format's name as given on the command line.
    pub fn name(self) -> &'static str {
        match self {
            ExportFormat::Jsonl => "jsonl",
            ExportFormat::Doccano => "doccano",
            ExportFormat::Conll => "conll",
            ExportFormat::Hf => "hf",
            ExportFormat::Brat => "brat",
            ExportFormat::LabelStudio => "label-studio",
            ExportFormat::Xmi => "xmi",
        }
    }

    /// Whether the export is a folder rather than one file.
    pub fn writes_folder(self) -> bool {
        matches!(
            self,
            ExportFormat::Brat | ExportFormat::Hf | ExportFormat::Xmi
        )
    }

    /// The usual file extension of a one-file export (`None` for folders).
    pub fn extension(self) -> Option<&'static str> {
        match self {
            ExportFormat::Jsonl | ExportFormat::Doccano => Some("jsonl"),
            ExportFormat::Conll => Some("conll"),
            ExportFormat::LabelStudio => Some("json"),
            ExportFormat::Hf | ExportFormat::Brat | ExportFormat::Xmi => None,
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
    /// Label Studio JSON tasks (offsets in code points or, from older exports, UTF-16 units).
    LabelStudio,
    /// UIMA CAS XMI files or folders with Qalam's type system (as exported, or by cassis).
    Xmi,
}

/// Which of overlapping spans gets the tokens where each token has one tag (CoNLL, Hugging
/// Face, the `ents` of JSON Lines). The default is [`Overlap::Outer`].
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

impl Overlap {
    /// The policy's name as given on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Overlap::Outer => "outer",
            Overlap::Inner => "inner",
            Overlap::LabelPriority => "label-priority",
        }
    }
}

/// How to export.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ExportOptions {
    /// The format.
    pub format: ExportFormat,
    /// doccano: write the entities + relations shape.
    pub relations: bool,
    /// CoNLL, Hugging Face, JSON Lines `ents`: the overlap policy.
    pub overlap: Overlap,
    /// Overwrite an existing output file (or write into a non-empty folder).
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
    /// Things the format has no place for, with their counts, by kind (`relations`,
    /// `attributes`, `notes`, `span annotators`, …).
    pub omitted: BTreeMap<&'static str, usize>,
    /// For the tagged formats (CoNLL, Hugging Face): spans dropped by the overlap policy and
    /// spans split at sentence ends.
    pub tags: Option<TagReport>,
    /// For XMI: each character XML 1.0 cannot hold, replaced by U+FFFD, with where it was.
    pub replaced: Vec<String>,
    /// Files written beside the output (Label Studio's labeling config).
    pub beside: Vec<PathBuf>,
}

/// Most places listed in a note; the rest are counted.
const PLACES: usize = 5;

impl ExportReport {
    /// What the user should hear about this export, one line each ("note: …" for what the
    /// format cannot hold, "warning: …" for spans dropped or split and characters replaced),
    /// for the CLI and the GUI.
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
        for path in &self.beside {
            out.push(format!("note: also wrote {}", path.display()));
        }
        if !self.replaced.is_empty() {
            let mut places: Vec<&str> = self
                .replaced
                .iter()
                .take(PLACES)
                .map(String::as_str)
                .collect();
            let more = self.replaced.len().saturating_sub(PLACES);
            let more = if more > 0 {
                format!(", and {more} more")
            } else {
                String::new()
            };
            places.sort_unstable();
            out.push(format!(
                "warning: {} character(s) that XML 1.0 cannot hold written as U+FFFD (offsets unchanged): {}{more}",
                self.replaced.len(),
                places.join("; ")
            ));
        }
        let Some(c) = &self.tags else { return out };
        let dropped = c.dropped_total();
        if dropped > 0 {
            let by_label: Vec<String> = c.dropped.iter().map(|(l, n)| format!("{l} {n}")).collect();
            out.push(format!(
                "warning: {dropped} of {} spans dropped by the overlap policy {} or covering white space only ({}); --overlap outer|inner|label-priority chooses others",
                self.spans,
                options.overlap.name(),
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
            why: "it is empty or contains white space",
        });
    }
    Ok(())
}

/// Creates `dir` (and its parents) if needed.
pub(crate) fn create_folder(dir: &Path) -> Result<(), ExportError> {
    std::fs::create_dir_all(dir).map_err(|source| ExportError::Folder {
        path: dir.to_owned(),
        action: "create the folder",
        source,
    })
}

/// The attributes of `schema` merged by name (brat and Label Studio name them globally):
/// name → (labels that have it, values in order of first appearance).
pub(crate) fn merged_attributes(schema: &Schema) -> BTreeMap<&str, (Vec<&str>, Vec<&str>)> {
    let mut merged: BTreeMap<&str, (Vec<&str>, Vec<&str>)> = BTreeMap::new();
    for a in &schema.attributes {
        let (labels, values) = merged.entry(&a.name).or_default();
        labels.push(&a.label);
        for v in &a.values {
            if !values.contains(&v.as_str()) {
                values.push(v);
            }
        }
    }
    merged
}

/// The input files of `sources`: a folder gives its files with extension `ext` in name
/// order; a file gives `file(path)`.
pub(crate) fn source_files(
    sources: &[PathBuf],
    ext: &str,
    file: impl Fn(&Path) -> PathBuf,
) -> Result<Vec<PathBuf>, ImportError> {
    let mut out = Vec::new();
    for src in sources {
        if src.is_dir() {
            let entries = std::fs::read_dir(src).map_err(|source| ImportError::Folder {
                path: src.clone(),
                source,
            })?;
            let mut found: Vec<PathBuf> = entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == ext))
                .collect();
            found.sort();
            out.extend(found);
        } else {
            out.push(file(src));
        }
    }
    Ok(out)
}

/// Reads each of `files` with `read`, calling `progress(done, total)` after each.
pub(crate) fn parse_each(
    files: &[PathBuf],
    parsed: &mut assemble::Parsed,
    progress: Progress<'_>,
    read: fn(&Path, &mut assemble::Parsed) -> Result<(), ImportError>,
) -> Result<(), ImportError> {
    for (i, f) in files.iter().enumerate() {
        read(f, parsed)?;
        progress(i + 1, files.len());
    }
    Ok(())
}

/// What a project holds that an export may lose, counted per kind.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    Relations,
    Attributes,
    Notes,
    SpanAnnotators,
    SpanOrigins,
    RelationAnnotators,
    Titles,
    Sources,
    Statuses,
    SpanIds,
    RelationIds,
}

impl Kind {
    const ALL: [Kind; 11] = [
        Kind::Relations,
        Kind::Attributes,
        Kind::Notes,
        Kind::SpanAnnotators,
        Kind::SpanOrigins,
        Kind::RelationAnnotators,
        Kind::Titles,
        Kind::Sources,
        Kind::Statuses,
        Kind::SpanIds,
        Kind::RelationIds,
    ];

    fn name(self) -> &'static str {
        match self {
            Kind::Relations => "relations",
            Kind::Attributes => "attributes",
            Kind::Notes => "notes",
            Kind::SpanAnnotators => "span annotators",
            Kind::SpanOrigins => "span origins",
            Kind::RelationAnnotators => "relation annotators",
            Kind::Titles => "document titles",
            Kind::Sources => "document sources",
            Kind::Statuses => "document statuses",
            Kind::SpanIds => "span ids (renumbered)",
            Kind::RelationIds => "relation ids (renumbered)",
        }
    }

    /// How many of this kind `project` has that an import would not get back by itself.
    fn count(self, project: &Project) -> usize {
        let docs = project.documents.iter();
        let spans = || project.documents.iter().flat_map(|d| d.spans.iter());
        // Ids that an import numbering 1, 2, … in order would not give back.
        let renumbered = |ids: &mut dyn Iterator<Item = u64>| {
            ids.enumerate()
                .filter(|(i, id)| *id != *i as u64 + 1)
                .count()
        };
        match self {
            Kind::Relations => docs.map(|d| d.relations.len()).sum(),
            Kind::Attributes => spans().map(|s| s.attributes.len()).sum(),
            Kind::Notes => spans().filter(|s| s.note.is_some()).count(),
            Kind::SpanAnnotators => spans().filter(|s| !s.annotator.is_empty()).count(),
            Kind::SpanOrigins => spans().filter(|s| s.origin.is_some()).count(),
            Kind::RelationAnnotators => docs
                .flat_map(|d| d.relations.iter())
                .filter(|r| !r.annotator.is_empty())
                .count(),
            // A title an import derives from the text again is not lost.
            Kind::Titles => docs
                .filter(|d| d.title != project::title_of(d.text()))
                .count(),
            Kind::Sources => docs.filter(|d| !d.source.is_empty()).count(),
            Kind::Statuses => docs.filter(|d| d.status != DocStatus::Todo).count(),
            Kind::SpanIds => docs
                .map(|d| renumbered(&mut d.spans.iter().map(|s| s.id)))
                .sum(),
            Kind::RelationIds => docs
                .map(|d| renumbered(&mut d.relations.iter().map(|r| r.id)))
                .sum(),
        }
    }

    /// Whether `options`' format keeps this kind.
    fn kept_by(self, options: &ExportOptions) -> bool {
        use Kind::*;
        match options.format {
            ExportFormat::Jsonl => true,
            ExportFormat::Doccano if options.relations => {
                matches!(self, Relations | SpanIds | RelationIds)
            }
            ExportFormat::Doccano => matches!(self, RelationIds),
            // Tokens and tags only: ids have no meaning there and are not counted.
            ExportFormat::Conll | ExportFormat::Hf => matches!(self, SpanIds | RelationIds),
            ExportFormat::Brat => {
                matches!(self, Relations | Attributes | Notes | SpanIds | RelationIds)
            }
            ExportFormat::LabelStudio => !matches!(
                self,
                SpanAnnotators | SpanOrigins | RelationAnnotators | RelationIds
            ),
            // The relation layer has no annotator feature.
            ExportFormat::Xmi => !matches!(self, Statuses | RelationAnnotators),
        }
    }
}

/// What the format of `options` leaves out of `project`, counted per kind.
fn omitted(project: &Project, options: &ExportOptions) -> BTreeMap<&'static str, usize> {
    Kind::ALL
        .into_iter()
        .filter(|k| !k.kept_by(options))
        .map(|k| (k.name(), k.count(project)))
        .filter(|(_, n)| *n > 0)
        .collect()
}

/// Fails if `out` exists (for folders: is a non-empty folder) and `force` is off.
fn check_target(out: &Path, options: &ExportOptions) -> Result<(), ExportError> {
    if options.force {
        return Ok(());
    }
    let taken = |p: &Path| p.symlink_metadata().is_ok();
    let exists = if options.format.writes_folder() {
        out.is_file() || std::fs::read_dir(out).is_ok_and(|mut d| d.next().is_some())
    } else if options.format == ExportFormat::LabelStudio {
        taken(out) || taken(&labelstudio::config_path(out))
    } else {
        taken(out)
    };
    if exists {
        Err(ExportError::AlreadyExists {
            path: out.to_owned(),
        })
    } else {
        Ok(())
    }
}

/// Exports `project` to `out` (a file; a folder for brat, hf and xmi), calling
/// `progress(done, total)` after each document. Files are written atomically. This is the
/// function for the GUI's File → Export.
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
        ..ExportReport::default()
    };
    let mut bytes = Vec::new();
    match options.format {
        ExportFormat::Brat => {
            brat::write_folder(project, out, progress)?;
            return Ok(report);
        }
        ExportFormat::Hf => {
            report.tags = Some(hf::write_folder(project, out, options.overlap, progress)?);
            return Ok(report);
        }
        ExportFormat::Xmi => {
            report.replaced = xmi::write_folder(project, out, progress)?;
            return Ok(report);
        }
        ExportFormat::Jsonl => jsonl::write(project, &mut bytes, options.overlap, progress)?,
        ExportFormat::Doccano => doccano::write(project, &mut bytes, options.relations, progress)?,
        ExportFormat::Conll => {
            report.tags = Some(conll::write(
                project,
                &mut bytes,
                options.overlap,
                progress,
            )?)
        }
        ExportFormat::LabelStudio => {
            labelstudio::write(project, &mut bytes, progress)?;
            let config = labelstudio::config_path(out);
            project::write_atomic(
                &config,
                labelstudio::label_config(&project.schema).as_bytes(),
            )?;
            report.beside.push(config);
        }
    }
    project::write_atomic(out, &bytes)?;
    Ok(report)
}

/// Reads a file whole as UTF-8.
pub(crate) fn read_utf8(path: &Path) -> Result<String, ImportError> {
    let (bytes, _) = project::io::read_limited(path)?;
    String::from_utf8(bytes).map_err(|e| ImportError::NotUtf8 {
        path: path.to_owned(),
        offset: e.utf8_error().valid_up_to(),
    })
}

/// Imports `sources` (files; folders too for brat and xmi) of `format` into a new project,
/// calling `progress(done, total)` as documents (or lines) are read. Nothing is returned but
/// errors unless the input is clean or `options.skip_bad` is set.
pub fn import_sources(
    format: ImportFormat,
    sources: &[PathBuf],
    options: &ImportOptions,
    progress: Progress<'_>,
) -> Result<Imported, ImportError> {
    let mut parsed = assemble::Parsed::default();
    match format {
        ImportFormat::Brat => brat::parse_sources(sources, &mut parsed, progress)?,
        ImportFormat::Xmi => xmi::parse_sources(sources, &mut parsed, progress)?,
        ImportFormat::Jsonl | ImportFormat::Doccano | ImportFormat::LabelStudio => {
            for src in sources {
                let text = read_utf8(src)?;
                match format {
                    ImportFormat::Jsonl => jsonl::parse(&text, src, &mut parsed, progress),
                    ImportFormat::Doccano => doccano::parse(&text, src, &mut parsed, progress),
                    _ => labelstudio::parse(&text, src, &mut parsed, progress),
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

/// Imports Label Studio JSON held in memory (`path` names it in messages).
pub fn import_labelstudio_str(
    text: &str,
    path: &Path,
    options: &ImportOptions,
) -> Result<Imported, ImportError> {
    let mut parsed = assemble::Parsed::default();
    labelstudio::parse(text, path, &mut parsed, &mut |_, _| {});
    assemble(parsed, options)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn project() -> Project {
        let mut p = Project::new("p", "");
        let mut d = Document::new("d1", "قال مصدر إن", "", "قال مصدر إن");
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
            annotator: String::new(),
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
        assert_eq!(of(ExportFormat::Hf, false), of(ExportFormat::Conll, false));
        assert!(of(ExportFormat::LabelStudio, false).is_empty());
        assert!(of(ExportFormat::Xmi, false).is_empty());
        let mut p2 = p.clone();
        if let Some(d) = p2.doc_mut(0) {
            d.status = DocStatus::Done;
            d.spans[0].annotator = "amal".into();
            d.relations[0].id = 5;
        }
        let of2 = |format| omitted(&p2, &ExportOptions::new(format));
        assert_eq!(of2(ExportFormat::Xmi), [("document statuses", 1)].into());
        assert_eq!(
            of2(ExportFormat::LabelStudio),
            [("relation ids (renumbered)", 1), ("span annotators", 1)].into()
        );
        assert_eq!(of2(ExportFormat::Brat).len(), 2);
        // A relation's annotator (a gold copy's provenance) only jsonl keeps.
        if let Some(d) = p2.doc_mut(0) {
            d.relations[0].annotator = "ali,mona".into();
        }
        let of3 = |format, relations| {
            omitted(
                &p2,
                &ExportOptions {
                    relations,
                    ..ExportOptions::new(format)
                },
            )
            .get("relation annotators")
            .copied()
        };
        assert_eq!(of3(ExportFormat::Jsonl, false), None);
        for format in [
            ExportFormat::Doccano,
            ExportFormat::Conll,
            ExportFormat::Hf,
            ExportFormat::Brat,
            ExportFormat::LabelStudio,
            ExportFormat::Xmi,
        ] {
            assert_eq!(of3(format, true), Some(1), "{format:?}");
        }
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
