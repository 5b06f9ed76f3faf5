//! The `qalam` command line: with a file (or nothing) it opens the window; subcommands work
//! on project files without one.
//!
//! Exit codes: 0 success; 1 the command ran and found problems or failed on a file (messages
//! on stderr name the file); 2 usage errors (clap) and unexpected failures.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use clap::{Args, Parser, Subcommand};
use serde::Serialize;

use crate::export::{
    self, ExportFormat, ExportOptions, ExportReport, ImportFormat, ImportOptions, Imported,
    Overlap, Progress,
};
use crate::model::{Project, Schema};
use crate::project::{self, Problem, SaveGuard};

/// Command-line arguments of `qalam`.
#[derive(Debug, Parser)]
#[command(
    name = "qalam",
    version,
    about = "Arabic-first annotation workbench: mark speakers, claims and entities in news articles.",
    long_about = "Arabic-first annotation workbench: mark speakers, claims and entities in news articles.\n\n\
                  Without a subcommand, opens the window (with PATH, a .ron project or a .txt text, if given). \
                  The subcommands work on project files without opening a window.",
    args_conflicts_with_subcommands = true,
    after_help = "Examples:\n  qalam article.ron\n  qalam new seeds/*.txt -o news.ron --name \"News\" --annotator amal\n  \
                  qalam validate news.ron --fix\n  qalam stats news.ron --json"
)]
pub struct Cli {
    /// Project (.ron) or UTF-8 text (.txt) to open in the window.
    #[arg(value_name = "PATH")]
    pub path: Option<PathBuf>,
    /// Run a command instead of opening the window.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create a project from UTF-8 text files, folders, globs and JSONL, one document per text.
    New(NewArgs),
    /// Check project files: exit 0 when all are valid, 1 when any problem is found.
    Validate(ValidateArgs),
    /// Count documents, characters, spans per label and relations.
    Stats(StatsArgs),
    /// Export a project as training data or for another tool: JSON Lines (spaCy-aligned
    /// tokens), doccano, CoNLL (IOB2), Hugging Face, brat, Label Studio or UIMA XMI (INCEpTION).
    Export(ExportArgs),
    /// Build a project from brat, JSON Lines, doccano, Label Studio or UIMA XMI files.
    Import(ImportArgs),
    /// Measure agreement between annotators' copies of the same documents (matched by text).
    Agree(AgreeArgs),
    /// Open project files read-only in the window to review, compare and adjudicate them.
    Review(ReviewArgs),
    /// Work with a review's saved decisions without the window.
    #[command(subcommand)]
    Adjudicate(AdjudicateCommand),
    /// Split a corpus among annotators: each document to K of them, loads balanced,
    /// calibration documents to everyone, reproducible from a seed.
    Assign(crate::cli_team::AssignArgs),
    /// Per annotator and per document (matched by text): assigned, to do, in progress, done,
    /// and where agreement can be measured.
    Status(crate::cli_team::StatusArgs),
    /// git's merge driver for project files: a three-way merge of annotations (see git-setup).
    MergeDriver(crate::cli_team::MergeDriverArgs),
    /// Set up this git checkout to merge and diff project files as annotations.
    GitSetup(crate::cli_team::GitSetupArgs),
    /// Annotation changes between two project files, one line each (or, with --textconv, one
    /// file as one line per annotation for git).
    Diff(crate::cli_team::DiffArgs),
    /// Suggest speakers, claims, entities and attributions from reporting cues and from the
    /// spans already marked; print them, store them as pending (--write), or score the rules
    /// against a gold project (--evaluate).
    Suggest(crate::suggest::cli::SuggestArgs),
    /// Show, export and apply label schemas: labels, relation types, attributes and their
    /// guidelines; applying one migrates annotated projects (renames, --drop).
    #[command(subcommand)]
    Schema(crate::cli_schema::SchemaCommand),
    /// Print where `qalam` without arguments keeps the seed project (creating it on first run):
    /// `projects/seed.ron` in a Qalam checkout, else the user's data folder.
    Where,
}

/// Arguments of `qalam review`.
#[derive(Debug, Args)]
pub struct ReviewArgs {
    /// One project file to review, or several annotators' copies to compare and adjudicate.
    #[arg(value_name = "FILE", required = true, num_args = 1..)]
    pub files: Vec<PathBuf>,
    /// The adjudication file that keeps the decisions [default: NAME.adjudication.ron beside
    /// the first file].
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Rename a label, relation type, attribute or value in every file before comparing, so
    /// that files with differently named schemas can be compared (repeatable).
    #[arg(long = "map", value_name = "FROM=TO", value_parser = parse_mapping)]
    pub map: Vec<(String, String)>,
}

/// `qalam adjudicate` subcommands.
#[derive(Debug, Subcommand)]
pub enum AdjudicateCommand {
    /// Write the gold project from annotators' files and a saved adjudication file, exactly as
    /// the review window writes it. Refuses when a difference is undecided (exit 1).
    Gold(GoldArgs),
}

/// Arguments of `qalam adjudicate gold`.
#[derive(Debug, Args)]
pub struct GoldArgs {
    /// The annotators' project files, as given to `qalam review`.
    #[arg(value_name = "FILE", required = true, num_args = 2..)]
    pub files: Vec<PathBuf>,
    /// The adjudication file [default: NAME.adjudication.ron beside the first file].
    #[arg(long, value_name = "FILE")]
    pub decisions: Option<PathBuf>,
    /// The gold project to write.
    #[arg(short, long, value_name = "GOLD.ron")]
    pub output: PathBuf,
    /// Overwrite GOLD.ron if it exists.
    #[arg(long)]
    pub force: bool,
    /// Rename names in every file before comparing, as given to `qalam review --map`.
    #[arg(long = "map", value_name = "FROM=TO", value_parser = parse_mapping)]
    pub map: Vec<(String, String)>,
}

/// Arguments of `qalam agree`.
#[derive(Debug, Args)]
pub struct AgreeArgs {
    /// Two or more annotators' project files; documents are matched by their text, not by id
    /// or file name.
    #[arg(value_name = "FILE", required = true, num_args = 2..)]
    pub files: Vec<PathBuf>,
    /// Print JSON instead of a table.
    #[arg(long)]
    pub json: bool,
    /// Also print the label confusion table: per pair of files, which label one annotator
    /// used where the other used which (tokens; pooled over all pairs for three or more).
    #[arg(long)]
    pub confusion: bool,
    /// Rename a label, relation type, attribute or value in every file before comparing, so
    /// that files with differently named schemas can be compared (repeatable).
    #[arg(long = "map", value_name = "FROM=TO", value_parser = parse_mapping)]
    pub map: Vec<(String, String)>,
}

/// Arguments of `qalam new`.
#[derive(Debug, Args)]
#[command(
    after_help = "Inputs: a file is taken whatever its extension; a folder is read recursively (files named *.txt, \
                  *.jsonl or without extension; hidden names left out); a quoted glob such as 'corpus/**/*.txt' \
                  is expanded by Qalam. A .jsonl file holds one JSON object per line, each a document: \"text\" \
                  (required), \"id\" and \"title\" (optional).\n\n\
                  Documents are sorted by path in natural order (2.txt before 10.txt). A text that came \
                  before is skipped as a duplicate. A file that is not UTF-8, empty, or over 64 MiB, a bad \
                  JSON line or a pattern matching nothing is bad input: nothing is written (exit 1) unless \
                  --skip-bad is given."
)]
pub struct NewArgs {
    /// UTF-8 text files, folders (read recursively), quoted glob patterns and .jsonl files
    /// (one document per line); a text file's id is its name without extension.
    #[arg(value_name = "TEXT", required = true)]
    pub texts: Vec<PathBuf>,
    /// The project file to write.
    #[arg(short, long, value_name = "OUT.ron")]
    pub output: PathBuf,
    /// Project name [default: the output file's name without extension].
    #[arg(long, value_name = "N")]
    pub name: Option<String>,
    /// Who will annotate this copy.
    #[arg(long, value_name = "A", default_value = "")]
    pub annotator: String,
    /// Overwrite OUT if it exists.
    #[arg(long)]
    pub force: bool,
    /// Build the project from the good inputs and list the bad ones, instead of writing
    /// nothing when any input is bad.
    #[arg(long)]
    pub skip_bad: bool,
    /// Give the project this schema (a schema file from `qalam schema export`, or a project)
    /// instead of the default one.
    #[arg(long, value_name = "SCHEMA.ron")]
    pub schema: Option<PathBuf>,
}

/// Arguments of `qalam validate`.
#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// Project files to check.
    #[arg(value_name = "FILE", required = true)]
    pub files: Vec<PathBuf>,
    /// Apply the fixes that are known (move spans to where their quoted text now is, record
    /// changed text hashes) and save the file; exit 0 if nothing else is left.
    #[arg(long)]
    pub fix: bool,
}

/// Arguments of `qalam stats`.
#[derive(Debug, Args)]
pub struct StatsArgs {
    /// The project file.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// Print JSON instead of a table.
    #[arg(long)]
    pub json: bool,
}

/// Arguments of `qalam export`.
#[derive(Debug, Args)]
#[command(
    after_help = "Offsets are Unicode code points, end-exclusive: Python's text[start:end] equals the span text \
                        (XMI: UTF-16 units, as UIMA counts).\n\n\
                        Outputs: jsonl, doccano, conll: one file. hf: a folder (train.jsonl, dataset_info.json, README.md). \
                        brat: a folder (.txt + .ann per document, annotation.conf, visual.conf). \
                        label-studio: OUT (tasks) and NAME.label_config.xml beside it. \
                        xmi: a folder (TypeSystem.xml, one .xmi per document).\n\n\
                        spaCy: python assets/scripts/qalam_to_spacy.py OUT.jsonl OUT.spacy builds a DocBin from the jsonl export."
)]
pub struct ExportArgs {
    /// The project file.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// The format to write.
    #[arg(long, value_enum)]
    pub format: ExportFormat,
    /// The file to write (a folder for brat, hf and xmi).
    #[arg(short, long, value_name = "OUT")]
    pub output: PathBuf,
    /// doccano: write the entities + relations shape instead of sequence labeling.
    #[arg(long)]
    pub relations: bool,
    /// conll, hf, and the `ents` of jsonl (spaCy's doc.ents): which of overlapping spans gets
    /// the tokens [default: outer, the longest span].
    #[arg(long, value_enum, value_name = "POLICY")]
    pub overlap: Option<Overlap>,
    /// Overwrite OUT if it exists (for folders: write into a non-empty folder).
    #[arg(long)]
    pub force: bool,
}

/// Arguments of `qalam import`.
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The format to read.
    #[arg(long, value_enum)]
    pub format: ImportFormat,
    /// Input files (for brat and xmi also folders, read in file-name order).
    #[arg(value_name = "SRC", required = true)]
    pub sources: Vec<PathBuf>,
    /// The project file to write.
    #[arg(short, long, value_name = "OUT.ron")]
    pub output: PathBuf,
    /// Rename a span label or relation type of the input to one of the schema (repeatable).
    #[arg(long = "map", value_name = "FROM=TO", value_parser = parse_mapping)]
    pub map: Vec<(String, String)>,
    /// Who annotated: the project's annotator, also recorded on spans that name none.
    #[arg(long, value_name = "A", default_value = "")]
    pub annotator: String,
    /// Project name [default: the output file's name without extension].
    #[arg(long, value_name = "N")]
    pub name: Option<String>,
    /// Take the schema from this project instead of the default one.
    #[arg(long, value_name = "PROJECT.ron")]
    pub schema: Option<PathBuf>,
    /// Import what is good and report what was skipped, instead of refusing bad input.
    #[arg(long)]
    pub skip_bad: bool,
    /// Overwrite OUT if it exists.
    #[arg(long)]
    pub force: bool,
}

/// `FROM=TO` as a pair of non-empty names.
fn parse_mapping(s: &str) -> Result<(String, String), String> {
    match s.split_once('=') {
        Some((from, to)) if !from.is_empty() && !to.is_empty() => {
            Ok((from.to_owned(), to.to_owned()))
        }
        _ => Err(format!("{s:?} is not FROM=TO")),
    }
}

/// Runs one subcommand. `Err` is only returned for failures outside the files' content (such
/// as a closed stdout); problems with files are printed and give exit code 1.
pub fn run_command(cmd: Command) -> anyhow::Result<ExitCode> {
    match cmd {
        Command::New(args) => new_project(&args),
        Command::Validate(args) => validate_files(&args),
        Command::Stats(args) => stats(&args),
        Command::Export(args) => export_command(&args),
        Command::Import(args) => import_command(&args),
        Command::Agree(args) => agree(&args),
        Command::Adjudicate(AdjudicateCommand::Gold(args)) => adjudicate_gold(&args),
        Command::Assign(args) => crate::cli_team::assign(&args),
        Command::Status(args) => crate::cli_team::status(&args),
        Command::MergeDriver(args) => crate::cli_team::merge_driver(&args),
        Command::GitSetup(args) => crate::cli_team::git_setup(&args),
        Command::Diff(args) => crate::cli_team::diff(&args),
        Command::Suggest(args) => crate::suggest::cli::run(&args),
        Command::Schema(cmd) => crate::cli_schema::run(&cmd),
        Command::Where => where_seed(),
        // The binary opens the window for this one before getting here.
        Command::Review(_) => {
            anyhow::bail!("`qalam review` opens a window; it has no headless form")
        }
    }
}

/// `qalam where`: the seed project's path, made on first run.
fn where_seed() -> anyhow::Result<ExitCode> {
    let cwd = std::env::current_dir().context("cannot read the current folder")?;
    let place = project::seed::locate_seed_project(None, &cwd, &|name| std::env::var_os(name))?;
    println!("{}", place.path().display());
    Ok(ExitCode::SUCCESS)
}

/// A progress bar on stderr for `qalam agree`, drawn only once the work has taken longer than
/// a moment and only when stderr is a terminal.
struct AgreeProgress {
    bar: indicatif::ProgressBar,
    started: std::time::Instant,
    shown: bool,
}

impl AgreeProgress {
    /// How long the work runs before the bar appears.
    const DELAY: std::time::Duration = std::time::Duration::from_millis(300);

    fn new() -> Self {
        let bar =
            indicatif::ProgressBar::with_draw_target(None, indicatif::ProgressDrawTarget::hidden());
        if let Ok(style) = indicatif::ProgressStyle::with_template(
            "comparing documents {bar:30} {pos}/{len} ({eta})",
        ) {
            bar.set_style(style);
        }
        AgreeProgress {
            bar,
            started: std::time::Instant::now(),
            shown: false,
        }
    }

    fn update(&mut self, done: usize, total: usize) {
        if !self.shown && self.started.elapsed() > Self::DELAY {
            self.bar
                .set_draw_target(indicatif::ProgressDrawTarget::stderr());
            self.shown = true;
        }
        self.bar.set_length(total as u64);
        self.bar.set_position(done as u64);
    }
}

/// `qalam agree` in JSON: the files, then the report.
#[derive(Serialize)]
struct AgreeJson<'a> {
    files: Vec<String>,
    #[serde(flatten)]
    report: &'a crate::review::AgreementReport,
}

fn agree(args: &AgreeArgs) -> anyhow::Result<ExitCode> {
    let mut projects = Vec::with_capacity(args.files.len());
    for file in &args.files {
        match project::load(file) {
            Ok(loaded) => projects.push(loaded.project),
            Err(e) => return Ok(failed(&e)),
        }
    }
    let differences = crate::cli_schema::align_schemas(&args.files, &mut projects, &args.map);
    if !differences.is_empty() {
        return Ok(crate::cli_schema::refuse_to_compare("agree", &differences));
    }
    let refs: Vec<&Project> = projects.iter().collect();
    let mut progress = AgreeProgress::new();
    let report = crate::review::agreement_with_progress(&refs, &mut |done, total| {
        progress.update(done, total)
    });
    progress.bar.finish_and_clear();
    let files: Vec<String> = args.files.iter().map(|f| f.display().to_string()).collect();
    let mut out = std::io::stdout().lock();
    if args.json {
        serde_json::to_writer_pretty(
            &mut out,
            &AgreeJson {
                files,
                report: &report,
            },
        )
        .context("writing JSON to stdout")?;
        writeln!(out).context("writing to stdout")?;
    } else {
        out.write_all(crate::review::table::render_table(&report, &files).as_bytes())
            .context("writing to stdout")?;
    }
    if args.confusion {
        let table = crate::review::confusion::confusion(&refs);
        out.write_all(crate::review::confusion::render_confusion(&table).as_bytes())
            .context("writing to stdout")?;
    }
    Ok(ExitCode::SUCCESS)
}

/// `qalam adjudicate gold`: the gold project from the files and the saved decisions.
fn adjudicate_gold(args: &GoldArgs) -> anyhow::Result<ExitCode> {
    use crate::review::session::{ReviewOptions, ReviewSession};
    let decisions = args
        .decisions
        .clone()
        .unwrap_or_else(|| crate::review::adjudication_path(&args.files[0]));
    if !decisions.exists() {
        return Ok(failed(&format!(
            "{}: no adjudication file (decide in `qalam review` and save first)",
            decisions.display()
        )));
    }
    let options = ReviewOptions {
        out: Some(decisions.clone()),
        restore_recovery: false,
        map: args.map.clone(),
    };
    let session = match ReviewSession::open_with(&args.files, "", &options) {
        Ok(s) => s,
        Err(e) => return Ok(failed(&e)),
    };
    for s in &session.stale {
        eprintln!(
            "qalam: {}: stale decision not applied: {}",
            decisions.display(),
            s.reason
        );
    }
    match session.save_gold(&args.output, args.force) {
        Ok(spans) => {
            println!(
                "{}: gold copy with {} ({})",
                args.output.display(),
                plural(spans, "span"),
                session.progress_text()
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => Ok(failed(&e)),
    }
}

/// Exit code 1, after printing `err` on stderr.
fn failed(err: &dyn std::fmt::Display) -> ExitCode {
    eprintln!("qalam: {err}");
    ExitCode::from(1)
}

fn new_project(args: &NewArgs) -> anyhow::Result<ExitCode> {
    let name = match &args.name {
        Some(n) => n.clone(),
        None => args
            .output
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default(),
    };
    // Checked before reading the texts so that a mistyped -o fails fast.
    if !args.force && args.output.exists() {
        return Ok(failed(&project::ProjectError::AlreadyExists {
            path: args.output.clone(),
        }));
    }
    let schema = match &args.schema {
        Some(path) => match crate::schema::load_schema(path) {
            Ok(s) => Some(s),
            Err(e) => return Ok(failed(&e)),
        },
        None => None,
    };
    let corpus = with_progress("reading", |p| project::read_corpus(&args.texts, p));
    for d in &corpus.duplicates {
        eprintln!("qalam: {d}");
    }
    let bad = corpus.bad.len();
    if bad > 0 && !args.skip_bad {
        for e in &corpus.bad {
            eprintln!("qalam: {e}");
        }
        eprintln!(
            "qalam: nothing written: {} (use --skip-bad to build the project from the rest)",
            plural(bad, "bad input")
        );
        return Ok(ExitCode::from(1));
    }
    if bad > 0 {
        eprintln!("qalam: skipped {} (--skip-bad):", plural(bad, "bad input"));
        for e in &corpus.bad {
            eprintln!("  {e}");
        }
    }
    if corpus.documents.is_empty() {
        eprintln!("qalam: nothing written: no documents left");
        return Ok(ExitCode::from(1));
    }
    let duplicates = corpus.duplicates.len();
    let mut project = corpus.into_project(&name, &args.annotator);
    if let Some(schema) = schema {
        project.schema = schema;
    }
    let guard = if args.force {
        SaveGuard::Force
    } else {
        SaveGuard::CreateNew
    };
    if let Err(e) = project::save(&args.output, &project, guard) {
        return Ok(failed(&e));
    }
    // Counted on the text: building each document's index only for a total would be waste.
    let chars: usize = project
        .documents
        .iter()
        .map(|d| d.text().chars().count())
        .sum();
    let mut skipped = Vec::new();
    if duplicates > 0 {
        skipped.push(plural(duplicates, "duplicate"));
    }
    if bad > 0 {
        skipped.push(plural(bad, "bad input"));
    }
    let skipped = if skipped.is_empty() {
        String::new()
    } else {
        format!("; skipped {}", skipped.join(" and "))
    };
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "{}: {} with {chars} characters{skipped}",
        args.output.display(),
        plural(project.documents.len(), "document")
    )
    .context("writing to stdout")?;
    Ok(ExitCode::SUCCESS)
}

/// `1 document`, `2 documents`.
fn plural(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("{n} {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

fn validate_files(args: &ValidateArgs) -> anyhow::Result<ExitCode> {
    let mut out = std::io::stdout().lock();
    let mut all_clean = true;
    for file in &args.files {
        all_clean &= validate_file(file, args.fix, &mut out).context("writing to stdout")?;
    }
    Ok(if all_clean {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// Checks (and with `fix`, repairs and saves) one file; returns whether it is now clean.
fn validate_file(path: &Path, fix: bool, out: &mut impl Write) -> std::io::Result<bool> {
    let (mut project, stamp) = match project::load_unvalidated(path) {
        Ok(loaded) => loaded,
        Err(e) => {
            failed(&e);
            return Ok(false);
        }
    };
    let problems = project::validate(&project);
    let shown = path.display();
    if problems.is_empty() {
        writeln!(out, "{shown}: ok")?;
        return Ok(true);
    }
    if !fix || problems.iter().all(|p| p.fix.is_none()) {
        print_problems(out, path, &problems, !fix)?;
        return Ok(false);
    }
    let fixed = project::apply_fixes(&mut project, &problems);
    if let Err(e) = project::save(path, &project, SaveGuard::Unchanged(&stamp)) {
        print_problems(out, path, &problems, false)?;
        failed(&e);
        return Ok(false);
    }
    writeln!(out, "{shown}: fixed {} and saved", plural(fixed, "problem"))?;
    let remaining = project::validate(&project);
    print_problems(out, path, &remaining, false)?;
    Ok(remaining.is_empty())
}

fn print_problems(
    out: &mut impl Write,
    path: &Path,
    problems: &[Problem],
    hint_fix: bool,
) -> std::io::Result<()> {
    for p in problems {
        let hint = if hint_fix && p.fix.is_some() {
            " (fixable with --fix)"
        } else {
            ""
        };
        writeln!(out, "{}: {p}{hint}", path.display())?;
    }
    Ok(())
}

/// Counts of one document, or of all together.
#[derive(Debug, Default, Serialize)]
struct Counts {
    characters: usize,
    spans: usize,
    /// Spans per label, in schema order, then labels unknown to the schema by name.
    spans_per_label: LabelCounts,
    relations: usize,
}

/// Ordered label → count pairs, written as a JSON object in that order.
#[derive(Debug, Default)]
struct LabelCounts(Vec<(String, usize)>);

impl Serialize for LabelCounts {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.0.iter().map(|(k, v)| (k, v)))
    }
}

#[derive(Debug, Serialize)]
struct DocumentStats {
    id: String,
    title: String,
    #[serde(flatten)]
    counts: Counts,
}

#[derive(Debug, Serialize)]
struct ProjectStats {
    file: String,
    name: String,
    documents: Vec<DocumentStats>,
    total: Counts,
}

fn count_labels(project: &Project, spans: impl Iterator<Item = String>) -> LabelCounts {
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for label in spans {
        *counts.entry(label).or_default() += 1;
    }
    let mut ordered = Vec::with_capacity(counts.len());
    for l in &project.schema.span_labels {
        ordered.push((l.name.clone(), counts.remove(&l.name).unwrap_or(0)));
    }
    ordered.extend(counts);
    LabelCounts(ordered)
}

fn project_stats(path: &Path, project: &Project) -> ProjectStats {
    let documents: Vec<DocumentStats> = project
        .documents
        .iter()
        .map(|d| DocumentStats {
            id: d.id.clone(),
            title: d.title.clone(),
            counts: Counts {
                characters: d.len_chars(),
                spans: d.spans.len(),
                spans_per_label: count_labels(project, d.spans.iter().map(|s| s.label.clone())),
                relations: d.relations.len(),
            },
        })
        .collect();
    let all_spans = project
        .documents
        .iter()
        .flat_map(|d| d.spans.iter().map(|s| s.label.clone()));
    let total = Counts {
        characters: documents.iter().map(|d| d.counts.characters).sum(),
        spans: documents.iter().map(|d| d.counts.spans).sum(),
        spans_per_label: count_labels(project, all_spans),
        relations: documents.iter().map(|d| d.counts.relations).sum(),
    };
    ProjectStats {
        file: path.display().to_string(),
        name: project.name.clone(),
        documents,
        total,
    }
}

fn stats(args: &StatsArgs) -> anyhow::Result<ExitCode> {
    let (project, _) = match project::load_unvalidated(&args.file) {
        Ok(loaded) => loaded,
        Err(e) => return Ok(failed(&e)),
    };
    let stats = project_stats(&args.file, &project);
    let mut out = std::io::stdout().lock();
    if args.json {
        serde_json::to_writer_pretty(&mut out, &stats).context("writing JSON to stdout")?;
        writeln!(out).context("writing to stdout")?;
    } else {
        write_table(&mut out, &stats).context("writing to stdout")?;
    }
    Ok(ExitCode::SUCCESS)
}

/// Pads `s` on the right to `width` characters.
fn pad(s: &str, width: usize) -> String {
    let n = s.chars().count();
    format!("{s}{}", " ".repeat(width.saturating_sub(n)))
}

fn write_table(out: &mut impl Write, stats: &ProjectStats) -> std::io::Result<()> {
    writeln!(
        out,
        "{}: \"{}\", {}",
        stats.file,
        stats.name,
        plural(stats.documents.len(), "document")
    )?;
    let id_width = stats
        .documents
        .iter()
        .map(|d| d.id.chars().count())
        .chain([8])
        .max()
        .unwrap_or(8);
    let labels: Vec<&str> = stats
        .total
        .spans_per_label
        .0
        .iter()
        .map(|(l, _)| l.as_str())
        .collect();
    let mut header = format!(
        "{}  {:>10}  {:>6}",
        pad("document", id_width),
        "characters",
        "spans"
    );
    for l in &labels {
        header.push_str(&format!("  {l:>8}"));
    }
    header.push_str(&format!("  {:>9}", "relations"));
    writeln!(out, "{}", header.trim_end())?;
    let rows = stats
        .documents
        .iter()
        .map(|d| (d.id.as_str(), &d.counts))
        .chain([("total", &stats.total)]);
    for (name, c) in rows {
        let mut line = format!(
            "{}  {:>10}  {:>6}",
            pad(name, id_width),
            c.characters,
            c.spans
        );
        for l in &labels {
            let n = c
                .spans_per_label
                .0
                .iter()
                .find(|(k, _)| k == l)
                .map_or(0, |(_, n)| *n);
            line.push_str(&format!("  {n:>8}"));
        }
        line.push_str(&format!("  {:>9}", c.relations));
        writeln!(out, "{line}")?;
    }
    Ok(())
}

/// Documents (or lines) from which export and import show a progress bar.
const PROGRESS_FROM: usize = 50;

/// Runs `work` with a progress callback that draws a bar on stderr once the total reaches
/// [`PROGRESS_FROM`] (indicatif draws nothing when stderr is not a terminal).
fn with_progress<T>(what: &'static str, work: impl FnOnce(Progress<'_>) -> T) -> T {
    let bar =
        indicatif::ProgressBar::with_draw_target(Some(0), indicatif::ProgressDrawTarget::hidden());
    if let Ok(style) = indicatif::ProgressStyle::with_template("{msg} [{bar:40}] {pos}/{len}") {
        bar.set_style(style);
    }
    bar.set_message(what);
    let mut shown = false;
    let mut update = |done: usize, total: usize| {
        if !shown && total >= PROGRESS_FROM {
            bar.set_draw_target(indicatif::ProgressDrawTarget::stderr());
            shown = true;
        }
        bar.set_length(total as u64);
        bar.set_position(done as u64);
    };
    let out = work(&mut update);
    bar.finish_and_clear();
    out
}

fn export_command(args: &ExportArgs) -> anyhow::Result<ExitCode> {
    if args.relations && args.format != ExportFormat::Doccano {
        eprintln!("qalam: warning: --relations only applies to --format doccano");
    }
    let tagged = matches!(
        args.format,
        ExportFormat::Conll | ExportFormat::Hf | ExportFormat::Jsonl
    );
    if args.overlap.is_some() && !tagged {
        eprintln!("qalam: warning: --overlap only applies to --format conll, hf and jsonl");
    }
    let loaded = match project::load(&args.file) {
        Ok(l) => l,
        Err(e) => return Ok(failed(&e)),
    };
    let options = ExportOptions {
        format: args.format,
        relations: args.relations,
        overlap: args.overlap.unwrap_or_default(),
        force: args.force,
    };
    let report = match with_progress("exporting", |p| {
        export::export_project(&loaded.project, &args.output, &options, p)
    }) {
        Ok(r) => r,
        Err(e) => return Ok(failed(&e)),
    };
    warn_export(&report, &options);
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "{}: {} with {} as {}",
        args.output.display(),
        plural(report.documents, "document"),
        plural(report.spans, "span"),
        options.format.name()
    )
    .context("writing to stdout")?;
    Ok(ExitCode::SUCCESS)
}

/// Warnings on stderr for what the export left out, dropped or split.
fn warn_export(report: &ExportReport, options: &ExportOptions) {
    for line in report.notes(options) {
        eprintln!("qalam: {line}");
    }
}

fn import_command(args: &ImportArgs) -> anyhow::Result<ExitCode> {
    if !args.force && args.output.exists() {
        return Ok(failed(&project::ProjectError::AlreadyExists {
            path: args.output.clone(),
        }));
    }
    let schema = match &args.schema {
        Some(path) => match project::load_unvalidated(path) {
            Ok((p, _)) => p.schema,
            Err(e) => return Ok(failed(&e)),
        },
        None => Schema::default(),
    };
    let name = match &args.name {
        Some(n) => n.clone(),
        None => args
            .output
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default(),
    };
    let options = ImportOptions {
        name,
        annotator: args.annotator.clone(),
        schema,
        map: args.map.iter().cloned().collect(),
        skip_bad: args.skip_bad,
    };
    let imported = match with_progress("importing", |p| {
        export::import_sources(args.format, &args.sources, &options, p)
    }) {
        Ok(i) => i,
        Err(e) => return Ok(failed(&e)),
    };
    report_import(&imported);
    let guard = if args.force {
        SaveGuard::Force
    } else {
        SaveGuard::CreateNew
    };
    if let Err(e) = project::save(&args.output, &imported.project, guard) {
        return Ok(failed(&e));
    }
    let p = &imported.project;
    let spans: usize = p.documents.iter().map(|d| d.spans.len()).sum();
    let relations: usize = p.documents.iter().map(|d| d.relations.len()).sum();
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "{}: {} with {} and {}",
        args.output.display(),
        plural(p.documents.len(), "document"),
        plural(spans, "span"),
        plural(relations, "relation")
    )
    .context("writing to stdout")?;
    Ok(ExitCode::SUCCESS)
}

/// Notes, warnings and skipped items of an import, on stderr.
fn report_import(imported: &Imported) {
    for n in &imported.notes {
        eprintln!("qalam: note: {n}");
    }
    for w in &imported.warnings {
        eprintln!("qalam: warning: {w}");
    }
    if !imported.skipped.is_empty() {
        eprintln!(
            "qalam: skipped {} (--skip-bad):",
            plural(imported.skipped.len(), "bad item")
        );
        for s in &imported.skipped {
            eprintln!("  {s}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn table_lists_every_label_and_a_total() {
        let mut p = Project::new("n", "");
        let mut d = crate::model::Document::new("d1", "", "", "قال مصدر");
        d.spans.extend(d.make_span(1, "speaker", 4, 8, ""));
        d.spans.extend(d.make_span(2, "mystery", 0, 3, ""));
        p.documents.push(d.into());
        let stats = project_stats(Path::new("x.ron"), &p);
        let mut out = Vec::new();
        write_table(&mut out, &stats).expect("write");
        let text = String::from_utf8(out).expect("utf-8");
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "x.ron: \"n\", 1 document");
        assert!(
            lines[1].contains("speaker")
                && lines[1].contains("mystery")
                && lines[1].ends_with("relations")
        );
        let cells = |l: &str| l.split_whitespace().map(str::to_owned).collect::<Vec<_>>();
        assert_eq!(cells(lines[2]), ["d1", "8", "2", "1", "0", "0", "1", "0"]);
        assert_eq!(
            cells(lines[3]),
            ["total", "8", "2", "1", "0", "0", "1", "0"]
        );
        let json = serde_json::to_value(&stats).expect("json");
        assert_eq!(json["total"]["spans_per_label"]["mystery"], 1);
        assert_eq!(json["documents"][0]["characters"], 8);
    }
}
