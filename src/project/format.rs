//! The RON text of the current format version: writing, and reading a file of any known version.
//!
//! A file is one unnamed RON struct whose fields are `version`, `name`, `annotator`,
//! `assigned_from` (only when set), `schema` and `documents`, in that order. Spans are sorted
//! by (start, end, id) and relations by id, each on one line, so that a change to one
//! annotation is a one-line diff. Strings are written with `\n`, `\r` and `\t` escaped (the
//! document text keeps its exact line endings whatever git or an editor does to the file's own
//! newlines) but with letters, marks and emoji as plain UTF-8, so Arabic stays readable in a
//! diff.

use std::borrow::Cow;
use std::path::Path;
use std::sync::Arc;

use ron::Value;
use ron::ser::PrettyConfig;
use serde::{Deserialize, Serialize};

use super::error::ProjectError;
use super::migrate;
use crate::model::{Document, Project, Schema};

/// The format version this build writes, and the newest it reads.
pub const FORMAT_VERSION: u32 = 2;

/// Largest project file [`parse`] is handed by the loader, in bytes (larger files are refused
/// before reading, see [`super::io::load`]).
pub const MAX_FILE_BYTES: u64 = 1 << 30;

/// Nesting depth from which RON is written on one line: spans and relations are at depth 5
/// (file → documents list → document → spans list → span), schema entries stay multi-line.
const ONE_LINE_DEPTH: usize = 4;

/// The file as written: borrows the project so that saving does not copy the texts.
#[derive(Serialize)]
struct FileOut<'a> {
    version: u32,
    name: &'a str,
    annotator: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    assigned_from: Option<&'a str>,
    schema: &'a Schema,
    #[serde(serialize_with = "crate::model::document::serialize_documents")]
    documents: &'a [Arc<Document>],
}

/// The file as read, once it is at the current version. Unknown top-level fields are refused
/// rather than dropped, since saving would silently lose them.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileCurrent {
    #[serde(rename = "version")]
    _version: u64,
    #[serde(default)]
    name: String,
    #[serde(default)]
    annotator: String,
    #[serde(default)]
    assigned_from: Option<String>,
    #[serde(default)]
    schema: Schema,
    #[serde(default)]
    documents: Vec<Document>,
}

impl From<FileCurrent> for Project {
    fn from(f: FileCurrent) -> Self {
        Project {
            name: f.name,
            annotator: f.annotator,
            assigned_from: f.assigned_from,
            schema: f.schema,
            documents: f.documents.into_iter().map(Arc::new).collect(),
        }
    }
}

/// Whether every document already has its spans and relations in file order.
fn is_in_file_order(project: &Project) -> bool {
    project.documents.iter().all(|d| {
        d.spans.is_sorted_by_key(|s| (s.start, s.end, s.id))
            && d.relations.is_sorted_by_key(|r| r.id)
    })
}

/// The RON text of `project` in the current format, ending with a newline. Deterministic: the
/// same project always gives the same bytes, whatever the order of its spans and relations.
pub fn to_ron_string(project: &Project) -> Result<String, ProjectError> {
    // The model keeps file order on every edit, so the copy is only made for hand-built projects.
    let project: Cow<'_, Project> = if is_in_file_order(project) {
        Cow::Borrowed(project)
    } else {
        let mut p = project.clone();
        p.normalize_order();
        Cow::Owned(p)
    };
    let file = FileOut {
        version: FORMAT_VERSION,
        name: &project.name,
        annotator: &project.annotator,
        assigned_from: project.assigned_from.as_deref(),
        schema: &project.schema,
        documents: &project.documents,
    };
    // The fast writer gives the same bytes as ron followed by the readable unescaping below.
    let capacity = project
        .documents
        .iter()
        .map(|d| d.text().len() * 3)
        .sum::<usize>()
        + 4096;
    if let Ok(mut out) = super::fastwrite::to_string(&file, ONE_LINE_DEPTH, capacity) {
        out.push('\n');
        return Ok(out);
    }
    to_ron_string_slow(&file)
}

/// [`to_ron_string`] through `ron` itself.
fn to_ron_string_slow(file: &FileOut<'_>) -> Result<String, ProjectError> {
    let config = PrettyConfig::new()
        .depth_limit(ONE_LINE_DEPTH)
        .new_line("\n")
        .indentor("    ")
        .struct_names(false)
        .escape_strings(true);
    let raw = ron::ser::to_string_pretty(file, config).map_err(|e| ProjectError::Serialize {
        message: e.to_string(),
    })?;
    let mut out = unescape_readable(&raw);
    out.push('\n');
    Ok(out)
}

/// Whether `c` must stay a `\u{…}` escape: controls and invisible format characters (direction
/// marks, joiners, BOM, line separators), which would otherwise be invisible in a diff.
pub(crate) fn keep_escaped(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{00AD}'
                | '\u{061C}'
                | '\u{180E}'
                | '\u{200B}'..='\u{200F}'
                | '\u{2028}'..='\u{202E}'
                | '\u{2060}'..='\u{206F}'
                | '\u{FEFF}'
                | '\u{FFF9}'..='\u{FFFB}'
        )
}

/// Rewrites the `\u{…}` escapes that RON's escaper produces for combining marks and other
/// characters Rust deems unprintable back into plain UTF-8, and `\'` into `'`. Escapes only
/// occur inside strings (the format has no char values), so this is a plain scan.
pub(crate) fn unescape_readable(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(i) = rest.find('\\') {
        out.push_str(&rest[..i]);
        let escape = &rest[i..];
        let consumed = if let Some(c) = unicode_escape(escape) {
            let len = escape.find('}').map_or(escape.len(), |e| e + 1);
            if keep_escaped(c) {
                out.push_str(&escape[..len]);
            } else {
                out.push(c);
            }
            len
        } else if escape.starts_with("\\'") {
            out.push('\'');
            2
        } else {
            // Any other escape (`\\`, `\"`, `\n`, …) is copied as is, both characters at once
            // so that the second backslash of `\\` is not taken for a new escape.
            let len = escape.chars().take(2).map(char::len_utf8).sum();
            out.push_str(&escape[..len]);
            len
        };
        rest = &escape[consumed..];
    }
    out.push_str(rest);
    out
}

/// The character of a `\u{hex}` escape at the start of `s`.
fn unicode_escape(s: &str) -> Option<char> {
    let hex = s.strip_prefix("\\u{")?;
    let end = hex.find('}')?;
    char::from_u32(u32::from_str_radix(&hex[..end], 16).ok()?)
}

/// What the cheap look at the start of the file found.
#[derive(Debug, PartialEq, Eq)]
enum VersionScan {
    /// `version: N` is the first field.
    Found(u64),
    /// The start of the file is not `(version: <integer>`; a full parse will tell more.
    Unknown,
}

/// Reads the version from the start of the file without parsing the rest: skips whitespace
/// and comments, an optional struct name, `(`, and expects `version: <digits>`.
fn scan_version(text: &str) -> VersionScan {
    let mut rest = skip_blank(text);
    let name_len = rest
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(rest.len());
    rest = skip_blank(&rest[name_len..]);
    let Some(r) = rest.strip_prefix('(') else {
        return VersionScan::Unknown;
    };
    let Some(r) = skip_blank(r).strip_prefix("version") else {
        return VersionScan::Unknown;
    };
    let Some(r) = skip_blank(r).strip_prefix(':') else {
        return VersionScan::Unknown;
    };
    let r = skip_blank(r);
    let digits = r.find(|c: char| !c.is_ascii_digit()).unwrap_or(r.len());
    let after = r[digits..].chars().next();
    // `1.5`, `1u8`, `1_0` and the like are left to the full parse.
    if digits == 0 || after.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '.') {
        return VersionScan::Unknown;
    }
    r[..digits]
        .parse()
        .map_or(VersionScan::Unknown, VersionScan::Found)
}

/// Skips whitespace, `// line` comments and `/* block */` comments (RON nests block comments).
fn skip_blank(mut s: &str) -> &str {
    loop {
        let trimmed = s.trim_start();
        if let Some(r) = trimmed.strip_prefix("//") {
            s = r.find('\n').map_or("", |i| &r[i..]);
        } else if trimmed.starts_with("/*") {
            s = skip_block_comment(trimmed);
        } else {
            return trimmed;
        }
    }
}

/// The text after the (possibly nested) block comment that `s` starts with; `""` if unclosed.
fn skip_block_comment(s: &str) -> &str {
    let mut depth = 0usize;
    let mut i = 0;
    let bytes = s.as_bytes();
    while i + 1 < bytes.len() {
        match (bytes[i], bytes[i + 1]) {
            (b'/', b'*') => {
                depth += 1;
                i += 2;
            }
            (b'*', b'/') => {
                depth -= 1;
                i += 2;
                if depth == 0 {
                    return &s[i..];
                }
            }
            _ => i += 1,
        }
    }
    ""
}

/// Parses the text of a project file of any known version into a project (not validated).
/// `path` is only used in error messages.
pub fn parse_str(text: &str, path: &Path) -> Result<Project, ProjectError> {
    if text.trim().is_empty() {
        return Err(ProjectError::Empty {
            path: path.to_owned(),
        });
    }
    match scan_version(text) {
        VersionScan::Found(v) if migrate::reads_as_current(v) => parse_current(text, path),
        VersionScan::Found(v) if v > u64::from(FORMAT_VERSION) => Err(too_new(path, v)),
        // Old files and unusual layouts go through the generic value tree.
        _ => parse_via_value(text, path),
    }
}

/// Parses the bytes of a project file: accepts and strips a UTF-8 byte order mark, refuses
/// invalid UTF-8 with the byte offset, then [`parse_str`].
pub fn parse(bytes: &[u8], path: &Path) -> Result<Project, ProjectError> {
    parse_str(decode_utf8(bytes, path)?, path)
}

/// The UTF-8 text of `bytes` without a leading byte order mark.
pub(crate) fn decode_utf8<'b>(bytes: &'b [u8], path: &Path) -> Result<&'b str, ProjectError> {
    const BOM: &[u8] = b"\xEF\xBB\xBF";
    let (skipped, body) = match bytes.strip_prefix(BOM) {
        Some(body) => (BOM.len(), body),
        None => (0, bytes),
    };
    std::str::from_utf8(body).map_err(|e| {
        let valid = e.valid_up_to();
        // The prefix up to the error is valid, so this cannot fail; it only locates the byte.
        let before = std::str::from_utf8(&body[..valid]).unwrap_or_default();
        let line = 1 + before.matches('\n').count();
        let col = 1 + before.rsplit('\n').next().map_or(0, |l| l.chars().count());
        ProjectError::Utf8 {
            path: path.to_owned(),
            offset: skipped + valid,
            line,
            col,
        }
    })
}

fn too_new(path: &Path, version: u64) -> ProjectError {
    ProjectError::TooNew {
        path: path.to_owned(),
        version,
        supported: FORMAT_VERSION,
    }
}

/// A RON error with its position, as `path:line:col: message`.
fn syntax_error(path: &Path, e: &ron::error::SpannedError) -> ProjectError {
    ProjectError::Syntax {
        path: path.to_owned(),
        line: e.span.start.line.max(1),
        col: e.span.start.col.max(1),
        message: e.code.to_string(),
    }
}

/// The common case: a current-version file, deserialized in one pass straight from the text:
/// by the fast reader when it understands the file (every file Qalam writes), else by `ron`,
/// which also explains what is wrong with line and column.
fn parse_current(text: &str, path: &Path) -> Result<Project, ProjectError> {
    if let Some(project) = parse_current_fast(text) {
        return Ok(project);
    }
    let file: FileCurrent = ron::Options::default()
        .from_str(text)
        .map_err(|e| syntax_error(path, &e))?;
    Ok(file.into())
}

/// The fast reader, on every core for a large file: the documents are read in parallel, the
/// rest of the file with its list emptied. `None` when it cannot read the file.
fn parse_current_fast(text: &str) -> Option<Project> {
    parse_fast_from(text, 4 << 20)
}

/// [`parse_current_fast`], reading in parallel from `parallel_from_bytes` on.
fn parse_fast_from(text: &str, parallel_from_bytes: usize) -> Option<Project> {
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(8);
    let split = (threads > 1 && text.len() >= parallel_from_bytes)
        .then(|| super::fast::list_items(text, "documents"))
        .flatten();
    let Some((list, items)) = split else {
        return super::fast::from_str::<FileCurrent>(text)
            .ok()
            .map(Project::from);
    };
    // Only commas and white space between the items: nothing in the list is left out.
    let mut gaps = std::iter::once(list.start + 1)
        .chain(items.iter().map(|r| r.end))
        .zip(
            items
                .iter()
                .map(|r| r.start)
                .chain(std::iter::once(list.end - 1)),
        );
    if !gaps.all(|(a, b)| {
        text[a..b]
            .bytes()
            .all(|c| c == b',' || c.is_ascii_whitespace())
    }) {
        return super::fast::from_str::<FileCurrent>(text)
            .ok()
            .map(Project::from);
    }
    let header = format!("{}[]{}", &text[..list.start], &text[list.end..]);
    let mut project: Project = super::fast::from_str::<FileCurrent>(&header).ok()?.into();
    let per = items.len().div_ceil(threads).max(1);
    let docs: Option<Vec<Vec<Document>>> = std::thread::scope(|s| {
        let handles: Vec<_> = items
            .chunks(per)
            .map(|chunk| {
                s.spawn(move || {
                    chunk
                        .iter()
                        .map(|r| super::fast::from_str::<Document>(&text[r.clone()]).ok())
                        .collect::<Option<Vec<Document>>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().ok().flatten())
            .collect()
    });
    project.documents = docs?.into_iter().flatten().map(Arc::new).collect();
    Some(project)
}

/// Parses into a value tree, reads `version` from it, migrates and converts.
fn parse_via_value(text: &str, path: &Path) -> Result<Project, ProjectError> {
    let value: Value = ron::Options::default()
        .from_str(text)
        .map_err(|e| syntax_error(path, &e))?;
    let version = migrate::version_of(&value).map_err(|e| match e {
        migrate::VersionError::Missing => ProjectError::MissingVersion {
            path: path.to_owned(),
        },
        migrate::VersionError::NotAWholeNumber(found) => ProjectError::BadVersion {
            path: path.to_owned(),
            found,
        },
    })?;
    if version > u64::from(FORMAT_VERSION) {
        return Err(too_new(path, version));
    }
    if migrate::reads_as_current(version) {
        // The version field was not first (a hand-edited file): parse again with positions.
        return parse_current(text, path);
    }
    let from = u32::try_from(version).map_err(|_| too_new(path, version))?;
    let current =
        migrate::migrate(value, from).map_err(|(from, message)| ProjectError::Migration {
            path: path.to_owned(),
            from,
            message,
        })?;
    let file: FileCurrent = current.into_rust().map_err(|e| ProjectError::Shape {
        path: path.to_owned(),
        message: format!("after upgrading to format version {FORMAT_VERSION}: {e}"),
    })?;
    Ok(file.into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scan_finds_the_first_field_only() {
        assert_eq!(
            scan_version("(version: 1, name: \"x\")"),
            VersionScan::Found(1)
        );
        assert_eq!(
            scan_version("\n// c\n/* a /* nested */ b */ Project (\n  version:7,"),
            VersionScan::Found(7)
        );
        assert_eq!(
            scan_version("(name: \"x\", version: 1)"),
            VersionScan::Unknown
        );
        assert_eq!(scan_version("(version: 1.5)"), VersionScan::Unknown);
        assert_eq!(scan_version("(version: \"1\")"), VersionScan::Unknown);
        assert_eq!(
            scan_version("(version: 99999999999999999999999)"),
            VersionScan::Unknown
        );
        assert_eq!(scan_version("/* never closed"), VersionScan::Unknown);
        assert_eq!(scan_version(""), VersionScan::Unknown);
    }

    #[test]
    fn readable_unescaping_keeps_invisible_characters_escaped() {
        assert_eq!(unescape_readable(r#""a\u{64e}b\'c""#), "\"a\u{64e}b'c\"");
        assert_eq!(
            unescape_readable(r#""\u{200f}\u{1}\\u{64e}\n""#),
            r#""\u{200f}\u{1}\\u{64e}\n""#
        );
        assert_eq!(unescape_readable(r"\"), r"\");
        assert_eq!(unescape_readable(r"\u{zz}"), r"\u{zz}");
    }

    #[test]
    fn bom_is_stripped_and_bad_utf8_located() {
        let p = Path::new("f.ron");
        assert_eq!(decode_utf8(b"\xEF\xBB\xBF(x)", p).ok(), Some("(x)"));
        let err = decode_utf8(b"ab\n\xD8\xA7c\xFF", p)
            .err()
            .map(|e| e.to_string());
        assert_eq!(err.as_deref(), Some("f.ron:2:3: invalid UTF-8 at byte 6"));
    }

    /// Both readers on `text`: the fast one must give what `ron` gives.
    fn same_by_both(text: &str) -> FileCurrent {
        let fast = super::super::fast::from_str::<FileCurrent>(text)
            .expect("the fast reader understands files Qalam writes");
        let slow: FileCurrent = ron::Options::default()
            .from_str(text)
            .expect("ron reads it");
        assert_eq!(Project::from(fast), Project::from(slow.clone_file()));
        slow
    }

    impl FileCurrent {
        fn clone_file(&self) -> FileCurrent {
            FileCurrent {
                _version: self._version,
                name: self.name.clone(),
                annotator: self.annotator.clone(),
                assigned_from: self.assigned_from.clone(),
                schema: self.schema.clone(),
                documents: self.documents.clone(),
            }
        }
    }

    #[test]
    fn documents_read_in_parallel_are_the_documents_read_in_one_go() {
        let mut p = Project::new("many", "x");
        for i in 0..40 {
            // Brackets, parentheses and quotes inside texts and notes must not split the list.
            let text = format!("[{i}] (قال) \"x\" ]) {{ \\ \n({i}");
            let mut d = Document::new(format!("d{i}"), "", "", text);
            let mut span = d.make_span(1, "entity", 0, 3, "").expect("span");
            span.note = Some("]) ( \"".into());
            d.spans.push(span);
            p.documents.push(d.into());
        }
        let text = to_ron_string(&p).expect("write");
        let (list, items) = super::super::fast::list_items(&text, "documents").expect("split");
        assert_eq!(items.len(), 40);
        assert!(text[list].starts_with('['));
        assert_eq!(parse_fast_from(&text, 0), Some(p.clone()), "in parallel");
        assert_eq!(parse_fast_from(&text, usize::MAX), Some(p), "in one go");
        // A hand-made list with something that is not a document is not split.
        let odd = text.replacen("documents: [", "documents: [\"stray\",", 1);
        assert_eq!(parse_fast_from(&odd, 0), None);
    }

    #[test]
    fn files_the_fast_reader_does_not_know_are_read_by_ron() {
        // A comment and hexadecimal numbers: valid RON that Qalam never writes.
        let text = "// hand-made\n(version: 2, name: \"x\", documents: [(id: \"d\", text: \"abc\", spans: [(id: 0x1, label: \"entity\", start: 0, end: 3, text: \"abc\")])])";
        assert!(super::super::fast::from_str::<FileCurrent>(text).is_err());
        let p = parse_str(text, Path::new("hand.ron")).expect("ron reads it");
        assert_eq!(p.documents[0].spans[0].id, 1);
        // A real error still gets ron's position.
        let err = parse_str("(version: 2, name: 5)", Path::new("bad.ron"))
            .expect_err("a number is not a name");
        assert!(err.to_string().starts_with("bad.ron:1:"), "{err}");
    }

    /// Both writers on `p`: the fast one must write ron's bytes.
    fn same_bytes_by_both(p: &Project) -> String {
        let file = FileOut {
            version: FORMAT_VERSION,
            name: &p.name,
            annotator: &p.annotator,
            assigned_from: p.assigned_from.as_deref(),
            schema: &p.schema,
            documents: &p.documents,
        };
        let slow = to_ron_string_slow(&file).expect("ron writes it");
        let fast = to_ron_string(p).expect("fast");
        assert_eq!(fast, slow);
        fast
    }

    #[test]
    fn the_fast_reader_and_writer_agree_with_ron_on_the_example_projects() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("projects");
        for name in [
            "seed.ron",
            "annotated.ron",
            "review/ali.ron",
            "review/mona.ron",
            "review/gold.ron",
            "parc/seed-parc.ron",
        ] {
            let text = std::fs::read_to_string(root.join(name)).expect("example");
            let p: Project = same_by_both(&text).into();
            assert_eq!(
                same_bytes_by_both(&p),
                text,
                "{name} is written as it is on disk"
            );
        }
        // A schema revision and guidelines with examples (the default schema has them).
        let mut revised = Project::new("r", "");
        revised.schema.revision = 4;
        revised.schema.attributes[0]
            .examples
            .push(crate::model::Example {
                text: "a \"b\"\n".into(),
                mark: None,
            });
        let text = same_bytes_by_both(&revised);
        assert!(text.contains("revision: 4,") && text.contains("mark: Some((start: "));
        assert_eq!(Project::from(same_by_both(&text)), revised);
        // Empty lists, no documents, an empty project.
        same_bytes_by_both(&Project::new("", ""));
        let mut p = Project::new("x", "");
        p.documents.push(Document::new("d", "", "", "").into());
        same_bytes_by_both(&p);
    }

    #[test]
    fn a_relation_annotator_is_written_only_when_set_and_read_back_by_both_readers() {
        let mut p = Project::new("gold", "layla");
        let mut d = Document::new("d", "", "", "قال مصدر إن الحملة بدأت");
        for (id, label, a, b) in [(1, "speaker", 4, 8), (2, "claim", 12, 23)] {
            d.spans.extend(d.make_span(id, label, a, b, "ali,mona"));
        }
        for (id, who) in [(1, ""), (2, "ali,mona"), (3, "reviewer")] {
            d.relations.push(crate::model::Relation {
                id,
                kind: "attributed_to".into(),
                from: 2,
                to: 1,
                annotator: who.into(),
            });
        }
        p.documents.push(d.into());
        let text = same_bytes_by_both(&p);
        assert!(
            text.contains("\n                (id: 1, type: \"attributed_to\", from: 2, to: 1),\n"),
            "no annotator written when unset: {text}"
        );
        assert!(
            text.contains(
                "(id: 2, type: \"attributed_to\", from: 2, to: 1, annotator: \"ali,mona\"),"
            ),
            "{text}"
        );
        assert!(text.contains("annotator: \"reviewer\"),"), "{text}");
        // The fast reader, ron, and the loader (fast path, and ron for a file with a comment).
        assert_eq!(Project::from(same_by_both(&text)), p);
        assert_eq!(parse_str(&text, Path::new("g.ron")).expect("fast path"), p);
        let commented = format!("// hand-edited\n{text}");
        assert!(super::super::fast::from_str::<FileCurrent>(&commented).is_err());
        assert_eq!(
            parse_str(&commented, Path::new("g.ron")).expect("ron path"),
            p
        );
    }

    proptest::proptest! {
        #[test]
        fn the_fast_reader_and_writer_agree_with_ron_on_any_text_and_notes(text in "(?s).{0,40}", note in "(?s).{0,12}", name in "(?s).{0,8}", ctl in "[\\x00-\\x1f\\u{200b}-\\u{200f}\\u{64b}-\\u{652}\\u{feff}\"\'\\\\]{0,6}") {
            let mut p = Project::new(name, "a\"b\\");
            // Written only when set; the example projects cover the unset case.
            p.assigned_from = Some(format!("{ctl}.ron seed=1"));
            let text = format!("{text}{ctl}");
            let mut d = Document::new("d\u{200f}", text.clone(), "", text.clone());
            let n = d.len_chars();
            if n > 0 {
                let mut span = d.make_span(1, "claim", 0, n, "x").expect("span");
                span.note = Some(note.clone());
                span.attributes.insert("quote".into(), "direct".into());
                span.origin = Some(note.clone());
                d.spans.push(span);
                // A relation's annotator: written only when set (`note` may be empty).
                d.relations.push(crate::model::Relation {
                    id: 1,
                    kind: "about".into(),
                    from: 1,
                    to: 1,
                    annotator: note,
                });
            }
            p.documents.push(d.into());
            let written = same_bytes_by_both(&p);
            let read = same_by_both(&written);
            proptest::prop_assert_eq!(Project::from(read), p);
        }
    }
}
