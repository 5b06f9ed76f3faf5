//! Making documents and projects from plain UTF-8 text files.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use super::error::ProjectError;
use super::io::read_limited;
use crate::model::{Document, Project};

/// Longest title taken from a text's first line, in characters.
pub const MAX_TITLE_CHARS: usize = 80;

/// The title of a text: its first non-blank line, trimmed, at most [`MAX_TITLE_CHARS`]
/// characters. A longer line is cut at a word boundary when there is one in its second half,
/// and ends with `…`.
pub fn title_of(text: &str) -> String {
    let line = text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or_default();
    // Byte offset of the character that would make the title one too long with the `…`.
    let Some((cut, _)) = line.char_indices().nth(MAX_TITLE_CHARS - 1) else {
        return line.to_owned();
    };
    if line.chars().count() <= MAX_TITLE_CHARS {
        return line.to_owned();
    }
    let head = &line[..cut];
    let at_word = match line[cut..].chars().next() {
        Some(c) if c.is_whitespace() => head,
        _ => head
            .rfind(char::is_whitespace)
            .filter(|&b| head[..b].chars().count() >= MAX_TITLE_CHARS / 2)
            .map_or(head, |b| &head[..b]),
    };
    format!("{}…", at_word.trim_end())
}

/// A document from the bytes of a text file: id `id`, title from the first line, source
/// `source`. A leading UTF-8 byte order mark is dropped (it is an encoding mark, not text);
/// everything else, line endings included, is kept exactly.
pub fn document_from_bytes(
    id: &str,
    source: &Path,
    bytes: &[u8],
) -> Result<Document, ProjectError> {
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let bom = bytes.len() - body.len();
    let text = std::str::from_utf8(body).map_err(|e| ProjectError::TextNotUtf8 {
        path: source.to_owned(),
        offset: bom + e.valid_up_to(),
    })?;
    Ok(Document::new(
        id,
        title_of(text),
        source.to_string_lossy(),
        text,
    ))
}

/// A document from the text file at `path`; its id is the file stem.
pub fn document_from_text_file(path: &Path) -> Result<Document, ProjectError> {
    let (bytes, _) = read_limited(path)?;
    let id = path
        .file_stem()
        .map_or_else(|| "document".into(), |s| s.to_string_lossy());
    document_from_bytes(&id, path, &bytes)
}

/// A new project with the default schema and one document per text file, in the given order.
/// Ids are the file stems, made unique with `-2`, `-3`, … when two files share a stem.
pub fn project_from_text_files(
    paths: &[PathBuf],
    name: &str,
    annotator: &str,
) -> Result<Project, ProjectError> {
    let mut project = Project::new(name, annotator);
    let mut ids = HashSet::new();
    for path in paths {
        let mut doc = document_from_text_file(path)?;
        doc.id = unique_id(&doc.id, &mut ids);
        project.documents.push(doc.into());
    }
    Ok(project)
}

/// `base`, or `base-N` with the smallest N ≥ 2 not yet in `taken`; records the result.
pub(super) fn unique_id(base: &str, taken: &mut HashSet<String>) -> String {
    let mut id = base.to_owned();
    let mut n = 2;
    while taken.contains(&id) {
        id = format!("{base}-{n}");
        n += 1;
    }
    taken.insert(id.clone());
    id
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn title_is_the_first_non_blank_line_cut_to_80_characters() {
        assert_eq!(title_of("\r\n  عنوان الخبر  \r\nنص"), "عنوان الخبر");
        let long = "ك".repeat(100);
        let t = title_of(&long);
        assert_eq!(t.chars().count(), MAX_TITLE_CHARS);
        assert!(t.ends_with('…'));
        assert_eq!(title_of(&"ك".repeat(80)), "ك".repeat(80));
        let words = "كلمة ".repeat(30);
        let t = title_of(&words);
        assert!(t.chars().count() <= MAX_TITLE_CHARS, "{t}");
        assert!(t.ends_with("كلمة…"), "cut between words: {t}");
        assert_eq!(title_of(""), "");
    }

    #[test]
    fn bom_is_dropped_and_invalid_utf8_located() {
        let d = document_from_bytes("x", Path::new("a.txt"), b"\xEF\xBB\xBFhi\r\nthere")
            .expect("utf-8");
        assert_eq!(d.text(), "hi\r\nthere");
        assert_eq!(d.title, "hi");
        assert_eq!(d.source, "a.txt");
        let err = document_from_bytes("x", Path::new("a.txt"), b"\xEF\xBB\xBFab\xC3")
            .err()
            .map(|e| e.to_string());
        assert_eq!(
            err.as_deref(),
            Some("a.txt: not UTF-8: invalid byte at offset 5 (convert the text to UTF-8 first)")
        );
    }

    #[test]
    fn ids_are_made_unique() {
        let mut taken = HashSet::new();
        assert_eq!(unique_id("a", &mut taken), "a");
        assert_eq!(unique_id("a", &mut taken), "a-2");
        assert_eq!(unique_id("a", &mut taken), "a-3");
        assert_eq!(unique_id("a-2", &mut taken), "a-2-2");
    }
}
