//! The schema subcommands of `qalam` (`schema show`, `schema export`, `schema apply`) over
//! [`crate::schema`], and the schema check `qalam agree` and `qalam review` make before
//! comparing files. Exit codes as in [`crate::cli`]: 0 success, 1 a problem with a file or
//! with what the arguments ask, 2 usage errors.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use clap::{Args, Subcommand};

use crate::model::Project;
use crate::project::{self, DiskStamp, SaveGuard};
use crate::schema::{self, Applied, Renames};

/// `qalam schema` subcommands.
#[derive(Debug, Subcommand)]
pub enum SchemaCommand {
    /// Print a schema (of a project or a schema file): labels with key and colour, relation
    /// types with from/to, attributes with values, and their guidelines.
    Show(ShowArgs),
    /// Write a project's schema as a schema file, for `qalam new --schema` and `schema apply`.
    Export(ExportArgs),
    /// Give annotated projects a schema, migrating their annotations: renames, and (only with
    /// --drop) removal of what the schema has no place for. Nothing is written unless every
    /// file can be migrated.
    #[command(
        after_help = "Example:\n  qalam schema apply schema.ron ali.ron mona.ron --rename speaker=source\n\n\
                      A label, attribute, attribute value or relation type still in use that the schema lacks \
                      is refused (listed, exit 1) unless --drop removes it; spans removed take their relations \
                      with them; relations whose from/to labels the schema no longer allows are listed. Each \
                      project records the schema's revision. Files are saved atomically."
    )]
    Apply(ApplyArgs),
}

/// Arguments of `qalam schema show`.
#[derive(Debug, Args)]
pub struct ShowArgs {
    /// A project file or a schema file.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
}

/// Arguments of `qalam schema export`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// The project (or schema) file whose schema to write.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// The schema file to write.
    #[arg(short, long, value_name = "SCHEMA.ron")]
    pub output: PathBuf,
    /// Overwrite SCHEMA.ron if it exists.
    #[arg(long)]
    pub force: bool,
}

/// Arguments of `qalam schema apply`.
#[derive(Debug, Args)]
pub struct ApplyArgs {
    /// The schema file (or a project whose schema to take).
    #[arg(value_name = "SCHEMA.ron")]
    pub schema: PathBuf,
    /// The project files to migrate.
    #[arg(value_name = "FILE", required = true, num_args = 1..)]
    pub files: Vec<PathBuf>,
    /// Rename a label, relation type, attribute or attribute value everywhere it occurs
    /// (repeatable).
    #[arg(long = "rename", value_name = "FROM=TO", value_parser = parse_pair)]
    pub rename: Vec<(String, String)>,
    /// Remove what the schema has no place for (spans with their relations, attribute values,
    /// relations) instead of refusing, and print how much was removed.
    #[arg(long)]
    pub drop: bool,
    /// Print what would happen; write nothing.
    #[arg(long)]
    pub dry_run: bool,
}

/// `FROM=TO` as a pair of non-empty names.
pub fn parse_pair(s: &str) -> Result<(String, String), String> {
    match s.split_once('=') {
        Some((from, to)) if !from.is_empty() && !to.is_empty() => {
            Ok((from.to_owned(), to.to_owned()))
        }
        _ => Err(format!("{s:?} is not FROM=TO")),
    }
}

/// Runs one `qalam schema` subcommand.
pub fn run(cmd: &SchemaCommand) -> anyhow::Result<ExitCode> {
    match cmd {
        SchemaCommand::Show(args) => show(args),
        SchemaCommand::Export(args) => export(args),
        SchemaCommand::Apply(args) => apply(args),
    }
}

/// Exit code 1, after printing `err` on stderr.
fn failed(err: &dyn std::fmt::Display) -> ExitCode {
    eprintln!("qalam: {err}");
    ExitCode::from(1)
}

fn show(args: &ShowArgs) -> anyhow::Result<ExitCode> {
    let s = match schema::load_schema(&args.file) {
        Ok(s) => s,
        Err(e) => return Ok(failed(&e)),
    };
    let mut out = std::io::stdout().lock();
    writeln!(out, "{}: schema", args.file.display()).context("writing to stdout")?;
    out.write_all(schema::summary(&s).as_bytes())
        .context("writing to stdout")?;
    Ok(ExitCode::SUCCESS)
}

fn export(args: &ExportArgs) -> anyhow::Result<ExitCode> {
    let s = match schema::load_schema(&args.file) {
        Ok(s) => s,
        Err(e) => return Ok(failed(&e)),
    };
    if let Err(e) = schema::save_schema(&args.output, &s, args.force) {
        return Ok(failed(&e));
    }
    println!(
        "{}: schema revision {} with {} labels, {} relation types, {} attributes",
        args.output.display(),
        s.revision,
        s.span_labels.len(),
        s.relation_types.len(),
        s.attributes.len()
    );
    Ok(ExitCode::SUCCESS)
}

/// `1 span`, `2 spans`.
fn plural(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("{n} {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

fn apply(args: &ApplyArgs) -> anyhow::Result<ExitCode> {
    let target = match schema::load_schema(&args.schema) {
        Ok(s) => s,
        Err(e) => return Ok(failed(&e)),
    };
    let renames = Renames::new(args.rename.iter().cloned());
    // Everything is read and migrated before anything is written.
    let mut results: Vec<(PathBuf, DiskStamp, Applied)> = Vec::new();
    let mut refused = 0usize;
    for file in &args.files {
        let (project, stamp) = match project::load_unvalidated(file) {
            Ok(l) => l,
            Err(e) => {
                eprintln!("qalam: {e}");
                refused += 1;
                continue;
            }
        };
        warn_unused_renames(file, &project, &renames);
        warn_same_revision(file, &project, &target, &renames);
        match schema::apply_schema(&project, &target, &renames, args.drop) {
            Ok(applied) => {
                let errors: Vec<_> = project::validate(&applied.project)
                    .into_iter()
                    .filter(|p| p.severity == project::Severity::Error)
                    .collect();
                if errors.is_empty() {
                    results.push((file.clone(), stamp, applied));
                } else {
                    for p in &errors {
                        eprintln!("qalam: {}: after migration: {p}", file.display());
                    }
                    refused += 1;
                }
            }
            Err(blockers) => {
                for b in &blockers {
                    eprintln!("qalam: {}: {b}", file.display());
                }
                refused += 1;
            }
        }
    }
    if refused > 0 {
        eprintln!(
            "qalam: nothing written: {} cannot be migrated to {}",
            plural(refused, "file"),
            args.schema.display()
        );
        return Ok(ExitCode::from(1));
    }
    let mut out = std::io::stdout().lock();
    for (file, stamp, applied) in &results {
        if !args.dry_run
            && let Err(e) = project::save(file, &applied.project, SaveGuard::Unchanged(stamp))
        {
            // Earlier files are already saved; say which.
            let done: Vec<String> = results
                .iter()
                .take_while(|(f, _, _)| f != file)
                .map(|(f, _, _)| f.display().to_string())
                .collect();
            eprintln!("qalam: {e}");
            if !done.is_empty() {
                eprintln!("qalam: already saved: {}", done.join(", "));
            }
            return Ok(ExitCode::from(1));
        }
        report(&mut out, file, applied, args.dry_run).context("writing to stdout")?;
        // Review comments name labels and relation types too: they follow the renames.
        if !args.dry_run && !renames.is_empty() {
            let rename = |name: &str| renames.get(name).map(str::to_owned);
            match crate::review::file::follow_renames(file, rename) {
                Ok(0) => {}
                Ok(n) => writeln!(
                    out,
                    "{}: renamed {} in review comments",
                    crate::review::file::review_path(file).display(),
                    plural(n, "name")
                )
                .context("writing to stdout")?,
                Err(e) => {
                    eprintln!("qalam: {e} (the project itself is saved)");
                    return Ok(ExitCode::from(1));
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Warns about renames that name nothing in `project`'s schema.
fn warn_unused_renames(file: &Path, project: &Project, renames: &Renames) {
    for (from, to) in renames.pairs() {
        let mut s = project.schema.clone();
        let one = Renames::new([(from.to_owned(), to.to_owned())]);
        if schema::rename_schema(&mut s, &one) == 0 {
            eprintln!(
                "qalam: warning: {}: --rename {from}={to}: nothing is named {from:?} in its schema",
                file.display()
            );
        }
    }
}

/// Warns when the schema differs from `project`'s (after the renames) but its revision is not
/// higher: the project would then record a revision that does not tell the schemas apart.
fn warn_same_revision(
    file: &Path,
    project: &Project,
    target: &crate::model::Schema,
    renames: &Renames,
) {
    let (old, new) = (project.schema.revision, target.revision);
    if new > old {
        return;
    }
    let differ = !schema::differences_mapped(&project.schema, "", target, "", renames).is_empty();
    if differ {
        eprintln!(
            "qalam: warning: {}: the schema changes its labels, relation types or attributes but its revision ({new}) is not above the project's ({old}); raise `revision` in the schema file",
            file.display()
        );
    }
}

/// One line per file: revision, renames, removals (with the relations no longer allowed).
fn report(out: &mut impl Write, file: &Path, a: &Applied, dry_run: bool) -> std::io::Result<()> {
    let mut parts = vec![format!(
        "schema revision {} → {}",
        a.revision.0, a.revision.1
    )];
    if a.renamed > 0 {
        parts.push(format!("renamed {}", plural(a.renamed, "name")));
    }
    if a.removed_anything() {
        parts.push(format!(
            "removed {}, {}, {}",
            plural(a.spans_removed, "span"),
            plural(a.relations_removed, "relation"),
            plural(a.attributes_removed, "attribute value")
        ));
    }
    if a.suggestions_removed > 0 {
        parts.push(format!(
            "{} removed or trimmed",
            if a.suggestions_removed == 1 {
                "1 pending suggestion or rejection".to_owned()
            } else {
                format!(
                    "{} pending suggestions or rejections",
                    a.suggestions_removed
                )
            }
        ));
    }
    parts.push(
        if dry_run {
            "not written (--dry-run)"
        } else {
            "saved"
        }
        .to_owned(),
    );
    writeln!(out, "{}: {}", file.display(), parts.join("; "))?;
    for line in &a.invalid_relations {
        writeln!(out, "{}: removed {line}", file.display())?;
    }
    Ok(())
}

/// Before `qalam agree` / `qalam review` compare `projects` (read from `files`): renames
/// `map` in every project, then lists how each file's schema differs from the first file's.
/// Empty when they annotate the same things (colours, keys and guidelines do not count).
pub fn align_schemas(
    files: &[PathBuf],
    projects: &mut [Project],
    map: &[(String, String)],
) -> Vec<String> {
    let renames = Renames::new(map.iter().cloned());
    for p in projects.iter_mut() {
        schema::rename_project(p, &renames);
    }
    let mut out = Vec::new();
    let Some(first) = projects.first() else {
        return out;
    };
    let first_name = files
        .first()
        .map(|f| f.display().to_string())
        .unwrap_or_default();
    for (p, f) in projects.iter().zip(files).skip(1) {
        out.extend(schema::differences(
            &first.schema,
            &first_name,
            &p.schema,
            &f.display().to_string(),
        ));
    }
    out
}

/// Prints the refusal to compare files whose schemas differ (exit 1).
pub fn refuse_to_compare(what: &str, differences: &[String]) -> ExitCode {
    eprintln!("qalam: {what}: the files' schemas differ, so their annotations cannot be compared:");
    for d in differences {
        eprintln!("  {d}");
    }
    eprintln!(
        "qalam: align names with --map FROM=TO (e.g. --map source=speaker), or migrate the files with `qalam schema apply`"
    );
    ExitCode::from(1)
}

/// `qalam review`'s check before the window opens: the files' schemas must agree (after
/// `map`). `Some(exit code)` when the window must not open.
pub fn review_preflight(files: &[PathBuf], map: &[(String, String)]) -> Option<ExitCode> {
    if files.len() < 2 {
        return None;
    }
    let mut projects = Vec::with_capacity(files.len());
    for f in files {
        match project::load_unvalidated(f) {
            Ok((p, _)) => projects.push(p),
            // The window reports unreadable files itself.
            Err(_) => return None,
        }
    }
    let d = align_schemas(files, &mut projects, map);
    (!d.is_empty()).then(|| refuse_to_compare("review", &d))
}
