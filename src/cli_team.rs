//! The team subcommands of `qalam`: `assign`, `status`, `merge-driver`, `git-setup` and
//! `diff`, over [`crate::team`]. Exit codes as in [`crate::cli`]: 0 success, 1 a problem with
//! a file or the arguments' content (or, for `merge-driver`, a conflict), 2 usage errors.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use clap::Args;

use crate::model::Project;
use crate::project::{self, SaveGuard};
use crate::team::{self, AssignOptions, StatusInput, TeamError};

/// Arguments of `qalam assign`.
#[derive(Debug, Args)]
#[command(
    after_help = "Example:\n  qalam assign corpus.ron --annotators ali,mona,sara --per-document 2 --shared 3 --seed 7 -o team/\n\n\
                  Each document goes to exactly K annotators (the first N to everyone), loads differ by at most one \
                  document, and the same seed gives the same split. Spans already in the corpus are kept."
)]
pub struct AssignArgs {
    /// The corpus: a project holding every document to annotate.
    #[arg(value_name = "CORPUS.ron")]
    pub corpus: PathBuf,
    /// The annotators, comma-separated; each gets NAME.ron in DIR.
    #[arg(
        long,
        value_name = "A,B,...",
        value_delimiter = ',',
        required = true,
        num_args = 1..
    )]
    pub annotators: Vec<String>,
    /// How many annotators get each document (2 or more to measure agreement).
    #[arg(long, value_name = "K", value_parser = clap::value_parser!(u32).range(1..))]
    pub per_document: u32,
    /// The first N documents of the corpus go to every annotator (calibration).
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub shared: usize,
    /// Seed of the random split; the same seed gives the same files.
    #[arg(long, value_name = "S", default_value_t = 0)]
    pub seed: u64,
    /// The folder to write the annotators' files to (created if missing).
    #[arg(short, long, value_name = "DIR")]
    pub output: PathBuf,
    /// Overwrite annotators' files that exist.
    #[arg(long)]
    pub force: bool,
}

/// Arguments of `qalam status`.
#[derive(Debug, Args)]
pub struct StatusArgs {
    /// The annotators' project files (e.g. `team/*.ron`).
    #[arg(value_name = "FILE", required = true, num_args = 1..)]
    pub files: Vec<PathBuf>,
    /// Print JSON instead of tables.
    #[arg(long)]
    pub json: bool,
}

/// Arguments of `qalam merge-driver` (git's custom merge driver protocol).
#[derive(Debug, Args)]
#[command(
    after_help = "Set up by `qalam git-setup`; git runs it as `qalam merge-driver %O %A %B %P`. Exit 0: merged cleanly; \
                  1: conflicts (both versions kept in the file, spans whose note starts with \"conflict:\") or \
                  input that could not be read (OURS left as it was)."
)]
pub struct MergeDriverArgs {
    /// The common ancestor (`%O`; empty when both sides added the file).
    #[arg(value_name = "BASE")]
    pub base: PathBuf,
    /// Our version (`%A`); the merge is written here.
    #[arg(value_name = "OURS")]
    pub ours: PathBuf,
    /// Their version (`%B`).
    #[arg(value_name = "THEIRS")]
    pub theirs: PathBuf,
    /// The path being merged (`%P`), for messages.
    #[arg(value_name = "PATH")]
    pub path: Option<String>,
}

/// Arguments of `qalam git-setup`.
#[derive(Debug, Args)]
#[command(
    after_help = "Run it in a git checkout. It adds `*.ron merge=qalam diff=qalam` to .gitattributes at the top of \
                  the checkout and sets merge.qalam.name, merge.qalam.driver and diff.qalam.textconv with \
                  `git config` (in this checkout's .git/config: every clone runs it once)."
)]
pub struct GitSetupArgs {
    /// How git should run Qalam [default: this program's absolute path].
    #[arg(long, value_name = "PROGRAM")]
    pub program: Option<String>,
    /// Only print what would be written and run.
    #[arg(long)]
    pub dry_run: bool,
}

/// Arguments of `qalam diff`.
#[derive(Debug, Args)]
#[command(
    after_help = "Documents are matched by id (else by text), spans and relations by id. Lines:\n  \
                  doc ID: + LABEL START..END \"TEXT\"      a span added (- removed)\n  \
                  doc ID: ~ LABEL START..END → ...       moved or relabelled; note, attribute, annotator changes\n  \
                  doc ID: + relation TYPE A → B          relations; status, title and text changes; + doc / - doc\n\n\
                  With --textconv FILE: one line per annotation, for git's diff.qalam.textconv."
)]
pub struct DiffArgs {
    /// Two project files (old, new), or one with --textconv.
    #[arg(value_name = "FILE", required = true, num_args = 1..=2)]
    pub files: Vec<PathBuf>,
    /// Print FILE as one line per annotation (what git diffs when set up by `qalam git-setup`).
    #[arg(long)]
    pub textconv: bool,
}

/// Exit code 1, after printing `err` on stderr.
fn failed(err: &dyn std::fmt::Display) -> ExitCode {
    eprintln!("qalam: {err}");
    ExitCode::from(1)
}

/// `1 document`, `2 documents`.
fn plural(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("{n} {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// `qalam assign`.
pub fn assign(args: &AssignArgs) -> anyhow::Result<ExitCode> {
    let corpus = match project::load(&args.corpus) {
        Ok(l) => l.project,
        Err(e) => return Ok(failed(&e)),
    };
    let options = AssignOptions {
        annotators: args
            .annotators
            .iter()
            .map(|a| a.trim().to_owned())
            .collect(),
        per_document: args.per_document as usize,
        shared: args.shared,
        seed: args.seed,
        corpus_name: args.corpus.file_name().map_or_else(
            || args.corpus.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        ),
    };
    let copies = match team::assign(&corpus, &options) {
        Ok(c) => c,
        Err(e) => return Ok(failed(&e)),
    };
    let path_of = |name: &str| args.output.join(format!("{name}.ron"));
    if !args.force {
        let existing: Vec<PathBuf> = copies
            .iter()
            .map(|c| path_of(&c.annotator))
            .filter(|p| p.symlink_metadata().is_ok())
            .collect();
        if !existing.is_empty() {
            return Ok(failed(&TeamError::OutputExists(existing)));
        }
    }
    if let Err(e) = std::fs::create_dir_all(&args.output) {
        return Ok(failed(&TeamError::Io {
            path: args.output.clone(),
            action: "create the folder",
            source: e,
        }));
    }
    let guard = if args.force {
        SaveGuard::Force
    } else {
        SaveGuard::CreateNew
    };
    let mut out = std::io::stdout().lock();
    for c in &copies {
        let path = path_of(&c.annotator);
        if let Err(e) = project::save(&path, &c.project, guard) {
            return Ok(failed(&e));
        }
        let spans: usize = c.project.documents.iter().map(|d| d.spans.len()).sum();
        writeln!(
            out,
            "{}: {} ({} shared), {}",
            path.display(),
            plural(c.project.documents.len(), "document"),
            c.shared,
            plural(spans, "span")
        )
        .context("writing to stdout")?;
    }
    writeln!(
        out,
        "{} split among {}: {} per document, the first {} shared with everyone; seed {}",
        plural(corpus.documents.len(), "document"),
        plural(copies.len(), "annotator"),
        options.per_document,
        options.shared,
        options.seed
    )
    .context("writing to stdout")?;
    Ok(ExitCode::SUCCESS)
}

/// `qalam status`.
pub fn status(args: &StatusArgs) -> anyhow::Result<ExitCode> {
    let mut read: Vec<(String, Project, Option<std::time::SystemTime>)> = Vec::new();
    for file in &args.files {
        let project = match project::load_unvalidated(file) {
            Ok((p, _)) => p,
            Err(e) => return Ok(failed(&e)),
        };
        let modified = std::fs::metadata(file).and_then(|m| m.modified()).ok();
        read.push((file.display().to_string(), project, modified));
    }
    let inputs: Vec<StatusInput<'_>> = read
        .iter()
        .map(|(file, project, modified)| StatusInput {
            file,
            project,
            modified: *modified,
        })
        .collect();
    let report = team::status(&inputs);
    let mut out = std::io::stdout().lock();
    if args.json {
        serde_json::to_writer_pretty(&mut out, &report).context("writing JSON to stdout")?;
        writeln!(out).context("writing to stdout")?;
    } else {
        out.write_all(team::status::render_table(&report).as_bytes())
            .context("writing to stdout")?;
    }
    Ok(ExitCode::SUCCESS)
}

/// Whether the file at `path` starts like a Qalam project (unreadable files count as projects,
/// so that their error is reported).
fn is_project_file(path: &Path) -> bool {
    use std::io::Read;
    let mut head = Vec::with_capacity(4096);
    let read = std::fs::File::open(path).and_then(|f| f.take(4096).read_to_end(&mut head));
    if read.is_err() {
        return true;
    }
    let text = String::from_utf8_lossy(&head);
    text.trim().is_empty() || team::merge::looks_like_project(&text)
}

/// `qalam merge-driver %O %A %B %P`.
pub fn merge_driver(args: &MergeDriverArgs) -> anyhow::Result<ExitCode> {
    let shown = args
        .path
        .clone()
        .unwrap_or_else(|| args.ours.display().to_string());
    // `*.ron` also matches RON files that are not projects: those get git's own text merge.
    if !is_project_file(&args.ours) && !is_project_file(&args.theirs) {
        return text_merge(args);
    }
    let outcome = match team::merge_files(&args.base, &args.ours, &args.theirs, &shown) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("qalam: merge-driver: {e}");
            eprintln!(
                "qalam: merge-driver: {shown} was not merged; it holds our version as it was"
            );
            return Ok(ExitCode::from(1));
        }
    };
    let text = match project::to_ron_string(&outcome.project) {
        Ok(t) => t,
        Err(e) => return Ok(failed(&e)),
    };
    if let Err(e) = project::write_atomic(&args.ours, text.as_bytes()) {
        return Ok(failed(&e));
    }
    if outcome.is_clean() {
        return Ok(ExitCode::SUCCESS);
    }
    eprintln!(
        "qalam: {shown}: {}; both versions are kept in the file for review (find spans whose note starts with \"{}\"):",
        plural(outcome.conflicts.len(), "conflict"),
        team::CONFLICT_MARK
    );
    for c in &outcome.conflicts {
        eprintln!("  {c}");
    }
    Ok(ExitCode::from(1))
}

/// git's own three-way text merge into OURS (`git merge-file`), for RON files that are not
/// Qalam projects.
fn text_merge(args: &MergeDriverArgs) -> anyhow::Result<ExitCode> {
    let status = std::process::Command::new("git")
        .arg("merge-file")
        .arg(&args.ours)
        .arg(&args.base)
        .arg(&args.theirs)
        .status();
    match status {
        Ok(s) if s.success() => Ok(ExitCode::SUCCESS),
        Ok(_) => Ok(ExitCode::from(1)),
        Err(e) => Ok(failed(&format!(
            "{}: not a Qalam project, and git merge-file could not run: {e}",
            args.ours.display()
        ))),
    }
}

/// `program` for git to run: the given one, else this executable's absolute path.
fn program_path(given: Option<&str>) -> anyhow::Result<String> {
    if let Some(p) = given {
        return Ok(p.to_owned());
    }
    let exe = std::env::current_exe()
        .context("cannot tell where this qalam program is; pass --program")?;
    let exe = exe.canonicalize().unwrap_or(exe);
    exe.to_str()
        .map(str::to_owned)
        .context("this program's path is not UTF-8; pass --program")
}

/// `git ARGS` in the current folder; its stdout, or why it failed.
fn git(args: &[&str]) -> Result<String, String> {
    let out = std::process::Command::new("git")
        .args(args)
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).trim_end().to_owned())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).trim().to_owned())
    }
}

/// `qalam git-setup`.
pub fn git_setup(args: &GitSetupArgs) -> anyhow::Result<ExitCode> {
    let program = program_path(args.program.as_deref())?;
    let settings = team::git::settings(&program);
    let line = format!("{} {}", team::git::PATTERN, team::git::ATTRIBUTES.join(" "));
    let mut out = std::io::stdout().lock();
    if args.dry_run {
        writeln!(out, "# .gitattributes at the top of the checkout:\n{line}")?;
        for (key, value) in &settings {
            writeln!(out, "git config {key} {}", team::git::shell_quote(value))?;
        }
        return Ok(ExitCode::SUCCESS);
    }
    let top = match git(&["rev-parse", "--show-toplevel"]) {
        Ok(t) => PathBuf::from(t),
        Err(e) => {
            return Ok(failed(&format!(
                "git-setup must run inside a git checkout ({e}); `qalam git-setup --dry-run` prints what it would do"
            )));
        }
    };
    let attributes = top.join(".gitattributes");
    let existing = match std::fs::read_to_string(&attributes) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => {
            return Ok(failed(&TeamError::Io {
                path: attributes,
                action: "read",
                source: e,
            }));
        }
    };
    match team::git::update_gitattributes(&existing) {
        Some(updated) => {
            if let Err(e) = project::write_atomic(&attributes, updated.as_bytes()) {
                return Ok(failed(&e));
            }
            writeln!(out, "{}: {line}", attributes.display())?;
        }
        None => writeln!(out, "{}: already has {line}", attributes.display())?,
    }
    for (key, value) in &settings {
        if let Err(e) = git(&["config", key, value]) {
            return Ok(failed(&format!("git config {key} failed: {e}")));
        }
        writeln!(out, "git config {key} {}", team::git::shell_quote(value))?;
    }
    writeln!(
        out,
        "Commit .gitattributes; everyone who merges runs `qalam git-setup` once in their clone."
    )?;
    Ok(ExitCode::SUCCESS)
}

/// `qalam diff A B` and `qalam diff --textconv FILE`.
pub fn diff(args: &DiffArgs) -> anyhow::Result<ExitCode> {
    let mut out = std::io::stdout().lock();
    if args.textconv {
        let [file] = args.files.as_slice() else {
            eprintln!("qalam: diff --textconv takes one FILE");
            return Ok(ExitCode::from(2));
        };
        return textconv(file, &mut out);
    }
    let [old, new] = args.files.as_slice() else {
        eprintln!("qalam: diff takes two files (old, new), or --textconv FILE");
        return Ok(ExitCode::from(2));
    };
    let mut projects = Vec::with_capacity(2);
    for f in [old, new] {
        match project::load_unvalidated(f) {
            Ok((p, _)) => projects.push(p),
            Err(e) => return Ok(failed(&e)),
        }
    }
    for line in team::diff_projects(&projects[0], &projects[1]) {
        writeln!(out, "{line}").context("writing to stdout")?;
    }
    Ok(ExitCode::SUCCESS)
}

/// The textconv rendering of `file`. A file that is not a readable project is printed as it
/// is (git then diffs its text), with a warning: a textconv failure would break `git diff`.
fn textconv(file: &Path, out: &mut impl Write) -> anyhow::Result<ExitCode> {
    match project::load_unvalidated(file) {
        Ok((p, _)) => out
            .write_all(team::render_textconv(&p).as_bytes())
            .context("writing to stdout")?,
        Err(e) => {
            let bytes =
                std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
            if !bytes.iter().all(u8::is_ascii_whitespace) && is_project_file(file) {
                eprintln!("qalam: diff --textconv: {e}; showing the file as text");
            }
            out.write_all(&bytes).context("writing to stdout")?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
