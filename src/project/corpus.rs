//! Projects from a corpus: text files, folders, glob patterns and JSON Lines files, read in
//! parallel, put in a stable order, de-duplicated by text, with every bad input reported on
//! one line that names it.
//!
//! - **Inputs.** A file is taken whatever its extension. A folder is read recursively: every
//!   regular file in it named `*.txt`, `*.jsonl` (either in any letter case) or without an
//!   extension; other files, and names starting with `.`, are left out; links to files are
//!   followed, links to folders are not (no loops). An input that does not exist but contains
//!   `*`, `?` or `[` is a glob pattern (`corpus/**/*.txt`; `**` is any number of folders; a
//!   leading `.` in a name must be matched literally); what it matches is taken as if named.
//! - **Documents.** A `.jsonl` file holds one JSON object per line, each a document: `text`
//!   (a string, required), `id` (a string or number; else `STEM-LINE`), `title` (else the text's
//!   first line, see [`title_of`]); other fields are ignored. Blank lines are skipped. Its
//!   source is `FILE:LINE`. Any other file is one document with the file stem as id. Texts are
//!   kept exactly as read (no normalisation, CRLF kept), minus a leading UTF-8 byte order mark.
//! - **Order.** Files are sorted by path in natural order: folder by folder, runs of digits
//!   (ASCII or Arabic-Indic) compared as numbers (`2.txt` before `10.txt`), everything else by
//!   Unicode code point; lines of a JSON Lines file keep their order. Ids are made unique with
//!   `-2`, `-3`, … in that order.
//! - **Duplicates.** A document whose text (its SHA-256) equals an earlier one's is skipped and
//!   reported as a [`Duplicate`]; that is not an error.
//! - **Bad input** ([`CorpusError`]): a missing or unreadable path, a pattern matching nothing,
//!   a folder without texts, a file that is not UTF-8, empty or whitespace-only, or larger than
//!   [`MAX_DOCUMENT_BYTES`] (refused from its size, without reading it), and a JSON Lines line
//!   that is not a document (`FILE:LINE: message`).

use std::cmp::Ordering;
use std::collections::{HashMap, HashSet};
use std::fmt;
use std::fs::{self, File};
use std::io::{self, BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering as AtomicOrdering};
use std::sync::mpsc;

use serde_json::Value;
use thiserror::Error;

use super::import::{title_of, unique_id};
use crate::model::{Document, Project};

/// The largest document Qalam takes from a corpus: 64 MiB of UTF-8 (a text file, or one line of
/// a JSON Lines file). Larger files are refused from their size alone.
pub const MAX_DOCUMENT_BYTES: u64 = 64 << 20;

/// Most threads that read files at once.
const MAX_READERS: usize = 8;

/// The UTF-8 byte order mark, dropped at the start of a text.
const BOM: &[u8] = b"\xEF\xBB\xBF";

/// One bad input: a path, pattern, file or JSON Lines line that gives no document. Each message
/// is one line that starts with what it is about.
#[derive(Debug, Error)]
pub enum CorpusError {
    /// The operating system refused to open, inspect, list or read a path.
    #[error("{path}: cannot {action}: {source}", path = .path.display())]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// What was being done, as a verb ("open", "read", "list").
        action: &'static str,
        /// The underlying error.
        source: io::Error,
    },
    /// The path exists but is neither a regular file nor a folder (a device, a pipe).
    #[error("{path}: not a regular file or folder", path = .path.display())]
    NotAFile {
        /// The path.
        path: PathBuf,
    },
    /// A glob pattern that matches nothing.
    #[error("{pattern}: no file matches this pattern")]
    NoMatch {
        /// The pattern as given.
        pattern: String,
    },
    /// A glob pattern that cannot be parsed.
    #[error("{pattern}: not a valid pattern: {message} (at character {position})")]
    BadPattern {
        /// The pattern as given.
        pattern: String,
        /// 0-based character index of the problem.
        position: usize,
        /// What is wrong.
        message: String,
    },
    /// A folder holding no file that counts as a text.
    #[error("{path}: no .txt, .jsonl or extension-less file in this folder", path = .path.display())]
    NoTexts {
        /// The folder.
        path: PathBuf,
    },
    /// A file over [`MAX_DOCUMENT_BYTES`].
    #[error(
        "{path}: too large: {} ({len} bytes); a document may have at most {}",
        mib(*.len),
        mib(*.max),
        path = .path.display()
    )]
    TooLarge {
        /// The file.
        path: PathBuf,
        /// Its size in bytes.
        len: u64,
        /// The limit in bytes.
        max: u64,
    },
    /// A text file that is not UTF-8.
    #[error("{path}: not UTF-8: invalid byte at offset {offset} (convert the text to UTF-8 first)", path = .path.display())]
    NotUtf8 {
        /// The file.
        path: PathBuf,
        /// Byte offset in the file of the first invalid byte.
        offset: usize,
    },
    /// A file with nothing but whitespace (or a JSON Lines file with only blank lines).
    #[error("{path}: empty (nothing but whitespace)", path = .path.display())]
    Empty {
        /// The file.
        path: PathBuf,
    },
    /// A line of a JSON Lines file that is not a document.
    #[error("{path}:{line}: {message}", path = .path.display())]
    Line {
        /// The JSON Lines file.
        path: PathBuf,
        /// 1-based line number.
        line: usize,
        /// What is wrong with it.
        message: String,
    },
}

/// A document left out because an earlier one has the same text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Duplicate {
    /// Where the skipped text came from (a path, or `FILE:LINE` for JSON Lines).
    pub source: String,
    /// Where the kept document with the same text came from.
    pub first: String,
}

impl fmt::Display for Duplicate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: same text as {}; skipped", self.source, self.first)
    }
}

/// What [`read_corpus`] found: the good documents, and what it left out.
#[derive(Debug, Default)]
pub struct Corpus {
    /// The documents in corpus order, with unique ids and distinct texts.
    pub documents: Vec<Document>,
    /// Documents skipped because their text came earlier.
    pub duplicates: Vec<Duplicate>,
    /// Bad inputs, those found while collecting paths first, then by file in corpus order.
    pub bad: Vec<CorpusError>,
    /// How many files were read.
    pub files: usize,
}

impl Corpus {
    /// A new project with the default schema and these documents.
    pub fn into_project(self, name: &str, annotator: &str) -> Project {
        let mut project = Project::new(name, annotator);
        project.documents = self.documents.into_iter().map(Into::into).collect();
        project
    }
}

/// Reads the corpus named by `inputs` (files, folders, glob patterns; see the
/// [module documentation](self)). Never fails as a whole: bad inputs are collected in
/// [`Corpus::bad`] and the caller decides whether the rest is worth keeping. `progress` is
/// called with (files read, files to read).
pub fn read_corpus(inputs: &[PathBuf], progress: &mut dyn FnMut(usize, usize)) -> Corpus {
    read_corpus_limited(inputs, MAX_DOCUMENT_BYTES, progress)
}

/// [`read_corpus`] with another size limit per document (tests use small ones).
fn read_corpus_limited(
    inputs: &[PathBuf],
    limit: u64,
    progress: &mut dyn FnMut(usize, usize),
) -> Corpus {
    let (files, mut bad) = collect(inputs);
    let read = read_all(&files, limit, progress);
    let mut corpus = Corpus {
        files: files.len(),
        ..Corpus::default()
    };
    let mut first_of: HashMap<String, String> = HashMap::new();
    let mut ids = HashSet::new();
    for result in read.into_iter().flatten() {
        match result {
            Ok(mut doc) => {
                if let Some(first) = first_of.get(&doc.sha256) {
                    corpus.duplicates.push(Duplicate {
                        source: doc.source,
                        first: first.clone(),
                    });
                    continue;
                }
                first_of.insert(doc.sha256.clone(), doc.source.clone());
                doc.id = unique_id(&doc.id, &mut ids);
                corpus.documents.push(doc);
            }
            Err(e) => bad.push(e),
        }
    }
    corpus.bad = bad;
    corpus
}

/// Whether a file found in a folder counts as a text: `.txt`, `.jsonl` or no extension.
fn counts_as_text(path: &Path) -> bool {
    match path.extension() {
        None => true,
        Some(ext) => ext.eq_ignore_ascii_case("txt") || ext.eq_ignore_ascii_case("jsonl"),
    }
}

/// Whether a file is JSON Lines (one document per line) rather than one text.
fn is_jsonl(path: &Path) -> bool {
    path.extension()
        .is_some_and(|ext| ext.eq_ignore_ascii_case("jsonl"))
}

/// The files named by `inputs`, sorted and without repeats, and the inputs that named none.
fn collect(inputs: &[PathBuf]) -> (Vec<PathBuf>, Vec<CorpusError>) {
    let mut files = Vec::new();
    let mut bad = Vec::new();
    for input in inputs {
        match glob_pattern(input) {
            Some(pattern) => expand_pattern(pattern, &mut files, &mut bad),
            None => add_path(input, &mut files, &mut bad),
        }
    }
    files.sort_by(|a, b| natural_cmp(a, b));
    files.dedup();
    (files, bad)
}

/// `input` as a glob pattern, when it has pattern characters and names nothing that exists
/// (an existing file whose name has a `*` is that file).
fn glob_pattern(input: &Path) -> Option<&str> {
    let s = input.to_str()?;
    let has_meta = s.contains(['*', '?', '[']);
    (has_meta && fs::symlink_metadata(input).is_err()).then_some(s)
}

/// Adds what `pattern` matches, each as if named on its own.
fn expand_pattern(pattern: &str, files: &mut Vec<PathBuf>, bad: &mut Vec<CorpusError>) {
    let options = glob::MatchOptions {
        case_sensitive: true,
        require_literal_separator: true,
        require_literal_leading_dot: true,
    };
    let paths = match glob::glob_with(pattern, options) {
        Ok(paths) => paths,
        Err(e) => {
            bad.push(CorpusError::BadPattern {
                pattern: pattern.to_owned(),
                position: e.pos,
                message: e.msg.to_owned(),
            });
            return;
        }
    };
    let mut matched = false;
    let mut failed = false;
    for entry in paths {
        match entry {
            Ok(path) => {
                matched = true;
                add_path(&path, files, bad);
            }
            Err(e) => {
                failed = true;
                let path = e.path().to_owned();
                bad.push(CorpusError::Io {
                    path,
                    action: "list",
                    source: io::Error::from(e),
                });
            }
        }
    }
    // An unreadable folder already explains why nothing matched.
    if !matched && !failed {
        bad.push(CorpusError::NoMatch {
            pattern: pattern.to_owned(),
        });
    }
}

/// Adds a named file, or the texts of a named folder.
fn add_path(path: &Path, files: &mut Vec<PathBuf>, bad: &mut Vec<CorpusError>) {
    match fs::metadata(path) {
        Err(source) => bad.push(CorpusError::Io {
            path: path.to_owned(),
            action: "open",
            source,
        }),
        Ok(meta) if meta.is_file() => files.push(path.to_owned()),
        Ok(meta) if meta.is_dir() => {
            let before = files.len();
            let listed_all = walk(path, files, bad);
            if files.len() == before && listed_all {
                bad.push(CorpusError::NoTexts {
                    path: path.to_owned(),
                });
            }
        }
        Ok(_) => bad.push(CorpusError::NotAFile {
            path: path.to_owned(),
        }),
    }
}

/// Adds the texts under folder `root`, at any depth. Returns whether every folder could be
/// listed.
fn walk(root: &Path, files: &mut Vec<PathBuf>, bad: &mut Vec<CorpusError>) -> bool {
    let mut all = true;
    // A stack rather than recursion: the depth is the corpus's, not ours to bound.
    let mut folders = vec![root.to_owned()];
    while let Some(folder) = folders.pop() {
        let entries = match fs::read_dir(&folder) {
            Ok(entries) => entries,
            Err(source) => {
                all = false;
                bad.push(CorpusError::Io {
                    path: folder,
                    action: "list",
                    source,
                });
                continue;
            }
        };
        for entry in entries {
            let entry = match entry {
                Ok(entry) => entry,
                Err(source) => {
                    all = false;
                    bad.push(CorpusError::Io {
                        path: folder.clone(),
                        action: "list",
                        source,
                    });
                    continue;
                }
            };
            // Hidden files are editor backups, `.DS_Store` and version control, not texts.
            if entry.file_name().as_encoded_bytes().starts_with(b".") {
                continue;
            }
            let path = entry.path();
            let Ok(kind) = entry.file_type() else {
                // Asked again below through the path, which reports the error.
                if counts_as_text(&path) {
                    add_path(&path, files, bad);
                }
                continue;
            };
            if kind.is_dir() {
                folders.push(path);
            } else if !counts_as_text(&path) {
                continue;
            } else if kind.is_file() {
                files.push(path);
            } else if kind.is_symlink() {
                // Links to files count; links to folders are not followed, so no loops.
                match fs::metadata(&path) {
                    Ok(meta) if meta.is_dir() => {}
                    Ok(meta) if meta.is_file() => files.push(path),
                    Ok(_) => {}
                    Err(source) => bad.push(CorpusError::Io {
                        path,
                        action: "open",
                        source,
                    }),
                }
            }
        }
    }
    all
}

/// Reads every file, on several threads; the results are in the order of `files`.
fn read_all(
    files: &[PathBuf],
    limit: u64,
    progress: &mut dyn FnMut(usize, usize),
) -> Vec<Vec<Result<Document, CorpusError>>> {
    let total = files.len();
    progress(0, total);
    let readers = std::thread::available_parallelism()
        .map_or(1, usize::from)
        .clamp(1, MAX_READERS)
        .min(total);
    let mut slots: Vec<Vec<Result<Document, CorpusError>>> = Vec::with_capacity(total);
    slots.resize_with(total, Vec::new);
    if readers <= 1 {
        for (i, path) in files.iter().enumerate() {
            slots[i] = read_file(path, limit);
            progress(i + 1, total);
        }
        return slots;
    }
    let next = AtomicUsize::new(0);
    std::thread::scope(|scope| {
        let (sender, receiver) = mpsc::channel();
        for _ in 0..readers {
            let sender = sender.clone();
            let next = &next;
            scope.spawn(move || {
                loop {
                    let i = next.fetch_add(1, AtomicOrdering::Relaxed);
                    let Some(path) = files.get(i) else { break };
                    if sender.send((i, read_file(path, limit))).is_err() {
                        break;
                    }
                }
            });
        }
        // The receiver ends once every reader has dropped its sender.
        drop(sender);
        for (done, (i, result)) in receiver.iter().enumerate() {
            slots[i] = result;
            progress(done + 1, total);
        }
    });
    slots
}

/// The documents of one file (or why there are none).
fn read_file(path: &Path, limit: u64) -> Vec<Result<Document, CorpusError>> {
    if is_jsonl(path) {
        read_jsonl(path, limit)
    } else {
        vec![read_text(path, limit)]
    }
}

fn io_error(path: &Path, action: &'static str) -> impl FnOnce(io::Error) -> CorpusError {
    move |source| CorpusError::Io {
        path: path.to_owned(),
        action,
        source,
    }
}

/// One text file as a document, refusing it from its size before reading when too large.
fn read_text(path: &Path, limit: u64) -> Result<Document, CorpusError> {
    let file = File::open(path).map_err(io_error(path, "open"))?;
    let len = file.metadata().map_err(io_error(path, "inspect"))?.len();
    let too_large = |len| CorpusError::TooLarge {
        path: path.to_owned(),
        len,
        max: limit,
    };
    if len > limit {
        return Err(too_large(len));
    }
    let mut bytes = Vec::with_capacity(usize::try_from(len).unwrap_or(0));
    // `take` guards against a file that grows while it is read.
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(io_error(path, "read"))?;
    if bytes.len() as u64 > limit {
        return Err(too_large(bytes.len() as u64));
    }
    // As in `document_from_bytes`: the mark is encoding, not text; offsets count it.
    let bom = if bytes.starts_with(BOM) { BOM.len() } else { 0 };
    bytes.drain(..bom);
    let text = String::from_utf8(bytes).map_err(|e| CorpusError::NotUtf8 {
        path: path.to_owned(),
        offset: bom + e.utf8_error().valid_up_to(),
    })?;
    if text.trim().is_empty() {
        return Err(CorpusError::Empty {
            path: path.to_owned(),
        });
    }
    let id = path
        .file_stem()
        .map_or_else(|| "document".into(), |s| s.to_string_lossy());
    Ok(Document::new(
        id,
        title_of(&text),
        path.to_string_lossy(),
        text,
    ))
}

/// The documents of a JSON Lines file, read line by line (the file may be larger than one
/// document may be), with one error per bad line.
fn read_jsonl(path: &Path, limit: u64) -> Vec<Result<Document, CorpusError>> {
    let file = match File::open(path) {
        Ok(file) => file,
        Err(e) => return vec![Err(io_error(path, "open")(e))],
    };
    let stem = path
        .file_stem()
        .map_or_else(|| "line".into(), |s| s.to_string_lossy());
    let line_error = |line, message| CorpusError::Line {
        path: path.to_owned(),
        line,
        message,
    };
    let mut reader = BufReader::with_capacity(1 << 16, file);
    let mut out = Vec::new();
    let mut buf = Vec::new();
    let mut number = 0;
    // Byte offset of the current line in the file.
    let mut offset = 0;
    loop {
        buf.clear();
        let read = (&mut reader).take(limit + 1).read_until(b'\n', &mut buf);
        let n = match read {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) => {
                out.push(Err(line_error(number + 1, format!("cannot read: {e}"))));
                break;
            }
        };
        number += 1;
        let start = offset;
        offset += n;
        if buf.len() as u64 > limit && buf.last() != Some(&b'\n') {
            match skip_line(&mut reader) {
                Ok(rest) => offset += rest,
                Err(e) => {
                    out.push(Err(line_error(number, format!("cannot read: {e}"))));
                    break;
                }
            }
            let message = format!("line too long; a document may have at most {}", mib(limit));
            out.push(Err(line_error(number, message)));
            continue;
        }
        let line = buf.strip_suffix(b"\n").unwrap_or(&buf);
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        let bom = if number == 1 && line.starts_with(BOM) {
            BOM.len()
        } else {
            0
        };
        let line = &line[bom..];
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        match std::str::from_utf8(line) {
            Ok(json) => out.push(jsonl_document(json, path, number, &stem)),
            Err(e) => out.push(Err(line_error(
                number,
                format!(
                    "not UTF-8: invalid byte at offset {}",
                    start + bom + e.valid_up_to()
                ),
            ))),
        }
    }
    if out.is_empty() {
        out.push(Err(CorpusError::Empty {
            path: path.to_owned(),
        }));
    }
    out
}

/// Consumes the rest of a line (up to and with its `\n`) without keeping it; returns its bytes.
fn skip_line(reader: &mut impl BufRead) -> io::Result<usize> {
    let mut skipped = 0;
    loop {
        let chunk = reader.fill_buf()?;
        if chunk.is_empty() {
            return Ok(skipped);
        }
        let (used, done) = match chunk.iter().position(|&b| b == b'\n') {
            Some(i) => (i + 1, true),
            None => (chunk.len(), false),
        };
        reader.consume(used);
        skipped += used;
        if done {
            return Ok(skipped);
        }
    }
}

/// The document on line `number` of JSON Lines file `path`.
fn jsonl_document(
    json: &str,
    path: &Path,
    number: usize,
    stem: &str,
) -> Result<Document, CorpusError> {
    let bad = |message: String| CorpusError::Line {
        path: path.to_owned(),
        line: number,
        message,
    };
    let value: Value = serde_json::from_str(json)
        .map_err(|e| bad(format!("invalid JSON: {}", json_message(&e))))?;
    let Value::Object(mut fields) = value else {
        return Err(bad("not a JSON object".into()));
    };
    let text = match fields.remove("text") {
        Some(Value::String(text)) => text,
        Some(_) => return Err(bad("`text` is not a string".into())),
        None => return Err(bad("no `text` field".into())),
    };
    if text.trim().is_empty() {
        return Err(bad("empty `text` (nothing but whitespace)".into()));
    }
    let id = match fields.get("id") {
        Some(Value::String(id)) if !id.is_empty() => id.clone(),
        Some(Value::Number(n)) => n.to_string(),
        _ => format!("{stem}-{number}"),
    };
    let title = match fields.get("title") {
        Some(Value::String(t)) if !t.trim().is_empty() => t.clone(),
        _ => title_of(&text),
    };
    Ok(Document::new(
        id,
        title,
        format!("{}:{number}", path.display()),
        text,
    ))
}

/// serde_json's message with the column only: the line is already named.
fn json_message(e: &serde_json::Error) -> String {
    let full = e.to_string();
    match full.rfind(" at line ") {
        Some(at) => format!("{} at column {}", &full[..at], e.column()),
        None => full,
    }
}

/// `64 MiB`, `200.5 MiB`.
fn mib(bytes: u64) -> String {
    const MIB: u64 = 1 << 20;
    if bytes.is_multiple_of(MIB) {
        format!("{} MiB", bytes / MIB)
    } else {
        format!("{:.1} MiB", bytes as f64 / MIB as f64)
    }
}

/// Natural order of paths: component by component, see [`natural_cmp_str`]; paths that are
/// equal under it (`01` and `1`) are ordered by their bytes, so the order is total.
fn natural_cmp(a: &Path, b: &Path) -> Ordering {
    let mut left = a.components();
    let mut right = b.components();
    loop {
        match (left.next(), right.next()) {
            (None, None) => return a.cmp(b),
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(x), Some(y)) => {
                let order = natural_cmp_str(
                    &x.as_os_str().to_string_lossy(),
                    &y.as_os_str().to_string_lossy(),
                );
                if order != Ordering::Equal {
                    return order;
                }
            }
        }
    }
}

/// The value of a decimal digit: ASCII, Arabic-Indic (٠–٩) or Eastern Arabic-Indic (۰–۹).
fn digit(c: char) -> Option<u32> {
    match c {
        '0'..='9' => Some(c as u32 - '0' as u32),
        '\u{660}'..='\u{669}' => Some(c as u32 - 0x660),
        '\u{6F0}'..='\u{6F9}' => Some(c as u32 - 0x6F0),
        _ => None,
    }
}

/// Compares two names with runs of digits as numbers, before any other character, and
/// everything else by code point.
fn natural_cmp_str(a: &str, b: &str) -> Ordering {
    let mut left = a.chars().peekable();
    let mut right = b.chars().peekable();
    loop {
        let (Some(&x), Some(&y)) = (left.peek(), right.peek()) else {
            return left.peek().is_some().cmp(&right.peek().is_some());
        };
        // A number sorts before any other character, which keeps the order transitive.
        match (digit(x).is_some(), digit(y).is_some()) {
            (true, true) => {
                let m = number(&mut left);
                let n = number(&mut right);
                // Without leading zeros, the longer number is the larger.
                let order = m.len().cmp(&n.len()).then_with(|| m.cmp(&n));
                if order != Ordering::Equal {
                    return order;
                }
            }
            (true, false) => return Ordering::Less,
            (false, true) => return Ordering::Greater,
            (false, false) => {
                if x != y {
                    return x.cmp(&y);
                }
                left.next();
                right.next();
            }
        }
    }
}

/// The digits of the run of digits at the front of `chars`, without leading zeros.
fn number(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) -> Vec<u32> {
    let mut digits = Vec::new();
    while let Some(d) = chars.peek().copied().and_then(digit) {
        chars.next();
        if !(digits.is_empty() && d == 0) {
            digits.push(d);
        }
    }
    digits
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(path: &Path, bytes: &[u8]) {
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).expect("mkdir");
        }
        fs::write(path, bytes).expect("write");
    }

    fn read(inputs: &[PathBuf], limit: u64) -> Corpus {
        read_corpus_limited(inputs, limit, &mut |_, _| {})
    }

    fn sources(c: &Corpus) -> Vec<String> {
        c.documents.iter().map(|d| d.source.clone()).collect()
    }

    fn messages(c: &Corpus) -> Vec<String> {
        c.bad.iter().map(ToString::to_string).collect()
    }

    #[test]
    fn natural_order_counts_digit_runs_as_numbers() {
        let mut names = vec![
            "a/10.txt",
            "a/2.txt",
            "a/1.txt",
            "b.txt",
            "a/02.txt",
            "a/x/1.txt",
            "A.txt",
            "a/٣.txt",
            "a/١٠.txt",
            "a/b2c10",
            "a/b2c9",
        ];
        names.sort_by(|a, b| natural_cmp(Path::new(a), Path::new(b)));
        assert_eq!(
            names,
            [
                "A.txt",
                "a/1.txt",
                "a/02.txt",
                "a/2.txt",
                "a/٣.txt",
                "a/10.txt",
                "a/١٠.txt",
                "a/b2c9",
                "a/b2c10",
                "a/x/1.txt",
                "b.txt",
            ]
        );
        assert_eq!(natural_cmp_str("ab", "abc"), Ordering::Less);
        assert_eq!(natural_cmp_str("x", "x"), Ordering::Equal);
        assert_eq!(natural_cmp_str("007", "7"), Ordering::Equal);
        assert_eq!(
            natural_cmp(Path::new("007"), Path::new("7")),
            Ordering::Less,
            "total order by bytes"
        );
    }

    #[test]
    fn folders_are_read_recursively_in_natural_order() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path().join("corpus");
        write(&root.join("10.txt"), "عشرة".as_bytes());
        write(&root.join("2.txt"), b"two");
        write(&root.join("sub/deeper/1"), b"no extension\r\nkept");
        write(&root.join("sub/notes.md"), b"not a text");
        write(&root.join(".hidden.txt"), b"hidden");
        write(&root.join(".git/x.txt"), b"hidden folder");
        write(&root.join("UPPER.TXT"), b"upper");
        let c = read(std::slice::from_ref(&root), MAX_DOCUMENT_BYTES);
        assert!(c.bad.is_empty(), "{:?}", messages(&c));
        let p = |rel: &str| root.join(rel).to_string_lossy().into_owned();
        assert_eq!(
            sources(&c),
            [p("2.txt"), p("10.txt"), p("UPPER.TXT"), p("sub/deeper/1")]
        );
        let ids: Vec<&str> = c.documents.iter().map(|d| d.id.as_str()).collect();
        assert_eq!(ids, ["2", "10", "UPPER", "1"]);
        assert_eq!(c.documents[3].text(), "no extension\r\nkept");
        assert_eq!(c.documents[1].title, "عشرة");
        assert_eq!(c.files, 4);
    }

    #[test]
    fn globs_expand_and_report_when_they_match_nothing() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path();
        write(&root.join("c/a/1.txt"), b"one");
        write(&root.join("c/b/2.txt"), b"two");
        write(&root.join("c/b/2.md"), b"md");
        write(&root.join("c/3.txt"), b"three");
        let pattern = root.join("c/**/*.txt");
        let none = root.join("c/*.nothing");
        let broken = root.join("c/[.txt");
        let c = read(&[pattern, none.clone(), broken.clone()], MAX_DOCUMENT_BYTES);
        let texts: Vec<&str> = c.documents.iter().map(|d| d.text()).collect();
        assert_eq!(texts, ["three", "one", "two"]);
        assert_eq!(
            messages(&c),
            [
                format!("{}: no file matches this pattern", none.display()),
                format!(
                    "{}: not a valid pattern: invalid range pattern (at character {})",
                    broken.display(),
                    broken.to_string_lossy().chars().count() - 5
                ),
            ]
        );
    }

    #[test]
    fn an_existing_file_with_pattern_characters_is_that_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        let odd = dir.path().join("what[1].txt");
        write(&odd, b"literal");
        let c = read(std::slice::from_ref(&odd), MAX_DOCUMENT_BYTES);
        assert!(c.bad.is_empty(), "{:?}", messages(&c));
        assert_eq!(c.documents[0].text(), "literal");
    }

    #[test]
    fn duplicates_by_text_keep_the_first_in_order() {
        let dir = tempfile::tempdir().expect("tempdir");
        let a = dir.path().join("a.txt");
        let b = dir.path().join("b.txt");
        let c_ = dir.path().join("c.txt");
        write(&a, "نص واحد".as_bytes());
        write(&b, "نص واحد".as_bytes());
        write(&c_, "نص آخر".as_bytes());
        // Given out of order and one twice: the order is the paths', a repeat is read once.
        let c = read(&[b.clone(), c_.clone(), a.clone(), c_], MAX_DOCUMENT_BYTES);
        assert_eq!(c.documents.len(), 2);
        assert_eq!(c.documents[0].id, "a");
        assert_eq!(c.documents[1].id, "c");
        assert_eq!(
            c.duplicates
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>(),
            [format!(
                "{}: same text as {}; skipped",
                b.display(),
                a.display()
            )]
        );
        assert!(c.bad.is_empty());
    }

    #[test]
    fn bad_files_each_give_one_line() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path();
        let latin = root.join("latin.txt");
        write(&latin, b"\xEF\xBB\xBFok \xE9t\xE9");
        let empty = root.join("empty.txt");
        write(&empty, b" \r\n\t");
        let big = root.join("big.txt");
        write(&big, &[b'x'; 101]);
        let missing = root.join("missing.txt");
        let no_texts = root.join("images");
        write(&no_texts.join("x.png"), b"png");
        let good = root.join("good.txt");
        write(&good, b"fine");
        let c = read(
            &[
                latin.clone(),
                empty.clone(),
                big.clone(),
                missing.clone(),
                no_texts.clone(),
                good,
            ],
            100,
        );
        assert_eq!(c.documents.len(), 1);
        let m = messages(&c);
        assert_eq!(m.len(), 5, "{m:?}");
        assert!(
            m[0].starts_with(&format!("{}: cannot open: ", missing.display())),
            "{m:?}"
        );
        assert_eq!(
            m[1],
            format!(
                "{}: no .txt, .jsonl or extension-less file in this folder",
                no_texts.display()
            )
        );
        // Then in file order: big, empty, latin.
        assert_eq!(
            m[2],
            format!(
                "{}: too large: 0.0 MiB (101 bytes); a document may have at most 0.0 MiB",
                big.display()
            )
        );
        assert_eq!(
            m[3],
            format!("{}: empty (nothing but whitespace)", empty.display())
        );
        assert_eq!(
            m[4],
            format!(
                "{}: not UTF-8: invalid byte at offset 6 (convert the text to UTF-8 first)",
                latin.display()
            )
        );
    }

    #[test]
    fn sizes_read_as_mebibytes() {
        assert_eq!(mib(MAX_DOCUMENT_BYTES), "64 MiB");
        assert_eq!(mib(200 << 20), "200 MiB");
        assert_eq!(mib((3 << 20) / 2), "1.5 MiB");
    }

    #[test]
    fn jsonl_lines_are_documents_and_bad_lines_are_named() {
        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("news.jsonl");
        let long = format!("{{\"text\":\"{}\"}}", "x".repeat(200));
        let lines = [
            "\u{feff}{\"id\":\"n1\",\"title\":\"عنوان\",\"text\":\"قال مصدر\\r\\nأمني\",\"meta\":{\"a\":1}}",
            "",
            "{\"id\":7,\"text\":\"second\"}",
            "{\"text\": 3}",
            "{\"id\":\"x\"}",
            "[1, 2]",
            "{\"text\":\"unfinished",
            long.as_str(),
            "{\"text\":\"  \"}",
            "{\"text\":\"third\\ntitle line\"}\r",
        ];
        let mut bytes = lines.join("\n").into_bytes();
        bytes.extend_from_slice(b"\n{\"text\":\"\xFF\"}\n");
        write(&file, &bytes);
        let c = read(std::slice::from_ref(&file), 100);
        let f = file.display();
        let got: Vec<(String, String, String, String)> = c
            .documents
            .iter()
            .map(|d| {
                (
                    d.id.clone(),
                    d.title.clone(),
                    d.source.clone(),
                    d.text().to_owned(),
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                (
                    "n1".into(),
                    "عنوان".into(),
                    format!("{f}:1"),
                    "قال مصدر\r\nأمني".into()
                ),
                (
                    "7".into(),
                    "second".into(),
                    format!("{f}:3"),
                    "second".into()
                ),
                (
                    "news-10".into(),
                    "third".into(),
                    format!("{f}:10"),
                    "third\ntitle line".into()
                ),
            ]
        );
        let bad_offset = bytes.len() - 4;
        assert_eq!(
            messages(&c),
            [
                format!("{f}:4: `text` is not a string"),
                format!("{f}:5: no `text` field"),
                format!("{f}:6: not a JSON object"),
                format!("{f}:7: invalid JSON: EOF while parsing a string at column 19"),
                format!("{f}:8: line too long; a document may have at most 0.0 MiB"),
                format!("{f}:9: empty `text` (nothing but whitespace)"),
                format!("{f}:11: not UTF-8: invalid byte at offset {bad_offset}"),
            ]
        );
    }

    #[test]
    fn a_jsonl_file_of_blank_lines_is_empty() {
        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("blank.jsonl");
        write(&file, b"\n  \r\n");
        let c = read(std::slice::from_ref(&file), MAX_DOCUMENT_BYTES);
        assert_eq!(
            messages(&c),
            [format!(
                "{}: empty (nothing but whitespace)",
                file.display()
            )]
        );
    }

    #[test]
    fn many_files_are_read_in_order_with_progress() {
        let dir = tempfile::tempdir().expect("tempdir");
        for i in 0..300 {
            write(
                &dir.path().join(format!("d{i}.txt")),
                format!("text {i}").as_bytes(),
            );
        }
        let mut calls = Vec::new();
        let c = read_corpus(&[dir.path().to_owned()], &mut |done, total| {
            calls.push((done, total))
        });
        assert_eq!(c.documents.len(), 300);
        for (i, d) in c.documents.iter().enumerate() {
            assert_eq!(d.id, format!("d{i}"));
            assert_eq!(d.text(), format!("text {i}"));
        }
        assert_eq!(calls.first(), Some(&(0, 300)));
        assert_eq!(calls.last(), Some(&(300, 300)));
        assert_eq!(calls.len(), 301);
        let project = c.into_project("n", "amal");
        assert_eq!(project.documents.len(), 300);
        assert_eq!(project.annotator, "amal");
    }
}
