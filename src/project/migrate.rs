//! Upgrading files of older format versions, one version at a time.
//!
//! Each [`Migration`] turns the RON value tree of a version-`n` file into that of a version
//! `n + 1` file; [`migrate`] runs the chain from the file's version to
//! [`FORMAT_VERSION`](super::format::FORMAT_VERSION). A
//! new format version adds one step at the end of [`MIGRATIONS`] and never edits old steps.
//!
//! ## Format version 0
//!
//! The first, pre-release layout. Same top level as version 1 (`version: 0`, `name`,
//! `annotator`, `schema`, `documents`), with these differences:
//! - documents have no `sha256` and no `status` field;
//! - spans are written `(id: 3, tag: "speaker", begin: 4, stop: 13, …)`: the label is `tag`,
//!   the range is `begin..stop`, and there is no quoted `text` (it is taken from the document);
//! - relations name their type `kind` instead of `type`.
//!
//! `note`, `attributes` and `annotator` of spans are as in version 1.
//!
//! ## Format version 1
//!
//! Version 2 without its optional additions: spans have no `origin`. Every version-1 file
//! is read as it is; saving writes `version: 2`.

use ron::{Map, Value};

use crate::model::{CharIndex, text_sha256};

/// One step of the migration chain.
#[derive(Clone, Copy, Debug)]
pub struct Migration {
    /// The version this step reads; it produces version `from + 1`.
    pub from: u32,
    /// What changed, for documentation and error messages.
    pub summary: &'static str,
    /// The step only adds optional fields: a version-`from` file is read by the
    /// version-`from + 1` parser as it is, with no value tree in between (which would lose
    /// enum variants such as a document's `status`).
    pub additive: bool,
    /// The conversion. The error message says what was found wrong.
    pub step: fn(Value) -> Result<Value, String>,
}

/// The chain: `MIGRATIONS[n]` upgrades version `n` to `n + 1`.
pub const MIGRATIONS: &[Migration] = &[
    Migration {
        from: 0,
        summary: "spans tag/begin/stop become label/start/end and get their quoted text; relations kind becomes type; documents get sha256",
        additive: false,
        step: v0_to_v1,
    },
    Migration {
        from: 1,
        summary: "optional fields only (span origin and the other version-2 additions); nothing in a version-1 file changes meaning",
        additive: true,
        step: v1_to_v2,
    },
];

/// Why the version of a value tree could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VersionError {
    /// The top level has no `version` field (or is not a struct at all).
    Missing,
    /// `version` is there but is not a non-negative integer; holds what was found.
    NotAWholeNumber(String),
}

/// The `version` field of a file's value tree.
pub fn version_of(value: &Value) -> Result<u64, VersionError> {
    let Value::Map(map) = value else {
        return Err(VersionError::Missing);
    };
    let v = map.get(&key("version")).ok_or(VersionError::Missing)?;
    v.clone()
        .into_rust::<u64>()
        .map_err(|_| VersionError::NotAWholeNumber(describe(v)))
}

/// A short RON rendering of a value for messages.
fn describe(v: &Value) -> String {
    let mut s = ron::to_string(v).unwrap_or_else(|_| "an unreadable value".to_owned());
    if s.chars().count() > 40 {
        s = s.chars().take(40).chain("…".chars()).collect();
    }
    s
}

/// Whether a file of `version` is read by the current version's parser as it is: the
/// current version itself, or an older one from which every step is additive.
pub fn reads_as_current(version: u64) -> bool {
    let Ok(from) = usize::try_from(version) else {
        return false;
    };
    from <= MIGRATIONS.len() && MIGRATIONS[from..].iter().all(|m| m.additive)
}

/// Runs the chain from version `from` to the current version. On failure returns the version
/// the failing step starts from and its message.
pub fn migrate(mut value: Value, from: u32) -> Result<Value, (u32, String)> {
    for m in MIGRATIONS.iter().skip(from as usize) {
        value = (m.step)(value).map_err(|e| (m.from, e))?;
    }
    Ok(value)
}

/// A map key as RON parses struct field names.
fn key(name: &str) -> Value {
    Value::String(name.to_owned())
}

/// The struct fields of `value`, or an error naming `what`.
fn fields_mut<'v>(value: &'v mut Value, what: &str) -> Result<&'v mut Map, String> {
    match value {
        Value::Map(m) => Ok(m),
        _ => Err(format!("{what} is not a struct")),
    }
}

/// The list in field `name` of `map` (an absent field is an empty list).
fn list_mut<'m>(
    map: &'m mut Map,
    name: &str,
    what: &str,
) -> Result<Option<&'m mut Vec<Value>>, String> {
    match map.get_mut(&key(name)) {
        None => Ok(None),
        Some(Value::Seq(items)) => Ok(Some(items)),
        Some(_) => Err(format!("`{name}` of {what} is not a list")),
    }
}

/// Moves field `old` to `new`, if present.
fn rename(map: &mut Map, old: &str, new: &str) {
    if let Some(v) = map.remove(&key(old)) {
        map.insert(key(new), v);
    }
}

fn v0_to_v1(mut value: Value) -> Result<Value, String> {
    let root = fields_mut(&mut value, "the file")?;
    root.insert(key("version"), Value::Number(1u32.into()));
    if let Some(docs) = list_mut(root, "documents", "the file")? {
        for (i, doc) in docs.iter_mut().enumerate() {
            upgrade_document_v0(doc, i + 1)?;
        }
    }
    Ok(value)
}

/// Version 2 only adds optional fields, so a version-1 tree is a valid version-2 tree.
fn v1_to_v2(mut value: Value) -> Result<Value, String> {
    fields_mut(&mut value, "the file")?.insert(key("version"), Value::Number(2u32.into()));
    Ok(value)
}

fn upgrade_document_v0(doc: &mut Value, number: usize) -> Result<(), String> {
    let what = format!("document {number}");
    let map = fields_mut(doc, &what)?;
    let text = match map.get(&key("text")) {
        Some(Value::String(t)) => t.clone(),
        Some(_) => return Err(format!("`text` of {what} is not a string")),
        None => return Err(format!("{what} has no `text`")),
    };
    map.insert(key("sha256"), Value::String(text_sha256(&text)));
    let index = CharIndex::new(&text);
    if let Some(spans) = list_mut(map, "spans", &what)? {
        for (j, span) in spans.iter_mut().enumerate() {
            let span_what = format!("span {} of {what}", j + 1);
            upgrade_span_v0(fields_mut(span, &span_what)?, &text, &index);
        }
    }
    if let Some(relations) = list_mut(map, "relations", &what)? {
        for (j, relation) in relations.iter_mut().enumerate() {
            rename(
                fields_mut(relation, &format!("relation {} of {what}", j + 1))?,
                "kind",
                "type",
            );
        }
    }
    Ok(())
}

/// Renames the fields and fills in the quote. Offsets that do not fit the text give an empty
/// quote, which validation then reports against the span.
fn upgrade_span_v0(span: &mut Map, text: &str, index: &CharIndex) {
    rename(span, "tag", "label");
    rename(span, "begin", "start");
    rename(span, "stop", "end");
    let offset = |name: &str| {
        span.get(&key(name))
            .and_then(|v| v.clone().into_rust::<usize>().ok())
    };
    let quote = match (offset("start"), offset("end")) {
        (Some(a), Some(b)) => index.slice(text, a, b).unwrap_or_default(),
        _ => "",
    };
    span.insert(key("text"), Value::String(quote.to_owned()));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::project::format::FORMAT_VERSION;

    #[test]
    fn the_chain_is_contiguous_and_reaches_the_current_version() {
        assert_eq!(MIGRATIONS.len(), FORMAT_VERSION as usize);
        for (i, m) in MIGRATIONS.iter().enumerate() {
            assert_eq!(m.from as usize, i);
        }
    }

    #[test]
    fn only_versions_with_additive_steps_after_them_read_as_current() {
        assert!(reads_as_current(u64::from(FORMAT_VERSION)));
        assert!(reads_as_current(1));
        assert!(!reads_as_current(0));
        assert!(!reads_as_current(u64::from(FORMAT_VERSION) + 1));
    }

    #[test]
    fn version_is_read_from_the_tree() {
        let v: Value = ron::from_str("(name: \"x\", version: 3)").expect("ron");
        assert_eq!(version_of(&v), Ok(3));
        let v: Value = ron::from_str("(name: \"x\")").expect("ron");
        assert_eq!(version_of(&v), Err(VersionError::Missing));
        let v: Value = ron::from_str("(version: -1)").expect("ron");
        assert_eq!(
            version_of(&v),
            Err(VersionError::NotAWholeNumber("-1".into()))
        );
        let v: Value = ron::from_str("[1, 2]").expect("ron");
        assert_eq!(version_of(&v), Err(VersionError::Missing));
    }

    #[test]
    fn v0_span_gets_label_range_and_quote() {
        let v: Value = ron::from_str(
            r#"(version: 0, documents: [(id: "d", text: "قال مصدر", spans: [(id: 1, tag: "speaker", begin: 4, stop: 8), (id: 2, tag: "claim", begin: 7, stop: 99)], relations: [(id: 1, kind: "about", from: 1, to: 2)])])"#,
        )
        .expect("ron");
        let out = migrate(v, 0).expect("migrates");
        assert_eq!(version_of(&out), Ok(u64::from(FORMAT_VERSION)));
        let Value::Map(root) = &out else {
            panic!("root is a struct")
        };
        let Some(Value::Seq(docs)) = root.get(&key("documents")) else {
            panic!("documents")
        };
        let Value::Map(doc) = &docs[0] else {
            panic!("document")
        };
        assert_eq!(
            doc.get(&key("sha256")),
            Some(&Value::String(text_sha256("قال مصدر")))
        );
        let Some(Value::Seq(spans)) = doc.get(&key("spans")) else {
            panic!("spans")
        };
        let field = |i: usize, name: &str| match &spans[i] {
            Value::Map(m) => m.get(&key(name)).cloned(),
            _ => None,
        };
        assert_eq!(field(0, "label"), Some(Value::String("speaker".into())));
        assert_eq!(field(0, "text"), Some(Value::String("مصدر".into())));
        assert_eq!(field(0, "tag"), None);
        assert_eq!(
            field(0, "start").and_then(|v| v.into_rust::<usize>().ok()),
            Some(4)
        );
        assert_eq!(
            field(1, "text"),
            Some(Value::String(String::new())),
            "offsets past the end give an empty quote"
        );
        let Some(Value::Seq(rels)) = doc.get(&key("relations")) else {
            panic!("relations")
        };
        let Value::Map(rel) = &rels[0] else {
            panic!("relation")
        };
        assert_eq!(rel.get(&key("type")), Some(&Value::String("about".into())));
    }
}
