//! UIMA CAS XMI (XML 1.0), as INCEpTION and dkpro-cassis read and write it: a folder with
//! `TypeSystem.xml` and one `NAME.xmi` per document.
//!
//! The type system has a custom span layer `webanno.custom.QalamSpan` (features `label`,
//! `qalamId` — the span's id —, `note`, `annotator`, `origin`, and one string feature per
//! attribute name of the schema), a custom relation layer `webanno.custom.QalamRelation`
//! (`Governor` = the relation's source span, `Dependent` = its target, `label` = its type,
//! `qalamId`; its begin and end are the Dependent's, as INCEpTION places relations), and
//! DKPro's `DocumentMetaData` for the document's id (`documentId`), title (`documentTitle`)
//! and source (`documentUri`). The document status has no place.
//!
//! Offsets in XMI are UTF-16 code units, as UIMA (Java) counts them: an emoji is two. They are
//! converted from and to code points exactly ([`super::offsets`]); an offset between the two
//! units of one character is refused on import.
//!
//! XML 1.0 cannot hold the control characters U+0000–U+0008, U+000B, U+000C, U+000E–U+001F,
//! nor U+FFFE and U+FFFF, not even as character references. The export writes each of them as
//! U+FFFD (one UTF-16 unit, like the character it replaces, so no offset moves) and lists
//! where in the export report; tab, line feed and carriage return are written as character
//! references so that XML attribute normalisation keeps them.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use quick_xml::events::{BytesStart, Event};
use quick_xml::name::ResolveResult;
use quick_xml::reader::NsReader;

use super::assemble::{Parsed, RawDoc, RawRelation, RawSpan};
use super::error::{ExportError, ImportError, LineProblem};
use super::offsets::Utf16Map;
use super::{Progress, check_range};
use crate::model::{Document, Project};
use crate::project;

/// The type system's file name in the folder.
pub const TYPESYSTEM_FILE: &str = "TypeSystem.xml";
/// The span layer's type.
pub const SPAN_TYPE: &str = "webanno.custom.QalamSpan";
/// The relation layer's type.
pub const RELATION_TYPE: &str = "webanno.custom.QalamRelation";
/// DKPro's document metadata type.
const META_TYPE: &str = "de.tudarmstadt.ukp.dkpro.core.api.metadata.type.DocumentMetaData";

const NS_CAS: &[u8] = b"http:///uima/cas.ecore";
const NS_CUSTOM: &[u8] = b"http:///webanno/custom.ecore";
const NS_META: &[u8] = b"http:///de/tudarmstadt/ukp/dkpro/core/api/metadata/type.ecore";

/// Span features that are not attributes.
const SPAN_FEATURES: [&str; 5] = ["label", "qalamId", "note", "annotator", "origin"];
/// Names an attribute cannot have: the span features and UIMA's own.
const RESERVED: [&str; 8] = [
    "label",
    "qalamId",
    "note",
    "annotator",
    "origin",
    "begin",
    "end",
    "sofa",
];

/// Whether `c` may appear in an XML 1.0 document.
fn xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// Appends `s` escaped for an XML attribute value; characters XML 1.0 cannot hold become
/// U+FFFD, each recorded in `replaced` as `what` at its code-point offset.
pub(crate) fn push_attr(
    out: &mut String,
    s: &str,
    what: &dyn Fn() -> String,
    replaced: &mut Vec<String>,
) {
    for (i, c) in s.chars().enumerate() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\t' => out.push_str("&#9;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            c if !xml_char(c) => {
                replaced.push(format!("{} at {i}: U+{:04X}", what(), c as u32));
                out.push('\u{FFFD}');
            }
            c => out.push(c),
        }
    }
}

/// Whether `name` can be a UIMA feature name (a Java identifier) that is not reserved.
fn feature_name_ok(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(char::is_alphabetic)
        && chars.all(|c| c.is_alphanumeric() || c == '_')
        && !RESERVED.contains(&name)
}

/// The attribute names of `schema` (and of `project`'s spans), each checked.
fn attribute_names(project: &Project) -> Result<BTreeSet<&str>, ExportError> {
    let names: BTreeSet<&str> = project
        .schema
        .attributes
        .iter()
        .map(|a| a.name.as_str())
        .chain(
            project
                .documents
                .iter()
                .flat_map(|d| d.spans.iter().flat_map(|s| s.attributes.keys()))
                .map(String::as_str),
        )
        .collect();
    for n in &names {
        if !feature_name_ok(n) {
            return Err(ExportError::Unrepresentable {
                format: "UIMA XMI",
                what: "attribute name",
                name: (*n).to_owned(),
                why: "a UIMA feature name is a letter, then letters, digits or _, and not begin, end, sofa, label, qalamId, note, annotator or origin",
            });
        }
    }
    Ok(names)
}

fn feature(out: &mut String, name: &str, range: &str) {
    let _ = write!(
        out,
        "        <featureDescription>\n          <name>{name}</name>\n          <description/>\n          <rangeTypeName>{range}</rangeTypeName>\n        </featureDescription>\n"
    );
}

fn type_description(out: &mut String, name: &str, supertype: &str, features: &[(&str, &str)]) {
    let _ = write!(
        out,
        "    <typeDescription>\n      <name>{name}</name>\n      <description/>\n      <supertypeName>{supertype}</supertypeName>\n      <features>\n"
    );
    for (n, r) in features {
        feature(out, n, r);
    }
    out.push_str("      </features>\n    </typeDescription>\n");
}

/// `TypeSystem.xml` for the attribute names `attributes`.
fn type_system_of(attributes: &BTreeSet<&str>) -> String {
    const S: &str = "uima.cas.String";
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<typeSystemDescription xmlns=\"http://uima.apache.org/resourceSpecifier\">\n  <types>\n",
    );
    type_description(
        &mut out,
        META_TYPE,
        "uima.tcas.DocumentAnnotation",
        &[
            ("documentTitle", S),
            ("documentId", S),
            ("documentUri", S),
            ("collectionId", S),
            ("documentBaseUri", S),
            ("isLastSegment", "uima.cas.Boolean"),
        ],
    );
    let mut span: Vec<(&str, &str)> = vec![
        ("label", S),
        ("qalamId", "uima.cas.Long"),
        ("note", S),
        ("annotator", S),
        ("origin", S),
    ];
    span.extend(attributes.iter().map(|a| (*a, S)));
    type_description(&mut out, SPAN_TYPE, "uima.tcas.Annotation", &span);
    type_description(
        &mut out,
        RELATION_TYPE,
        "uima.tcas.Annotation",
        &[
            ("Governor", SPAN_TYPE),
            ("Dependent", SPAN_TYPE),
            ("label", S),
            ("qalamId", "uima.cas.Long"),
        ],
    );
    out.push_str("  </types>\n</typeSystemDescription>\n");
    out
}

/// `TypeSystem.xml` for `project`.
pub fn type_system(project: &Project) -> Result<String, ExportError> {
    Ok(type_system_of(&attribute_names(project)?))
}

/// The XMI of one document; characters XML 1.0 cannot hold are replaced and recorded in
/// `replaced`.
pub fn document_xmi(doc: &Document, replaced: &mut Vec<String>) -> Result<String, ExportError> {
    let map = Utf16Map::new(doc.text());
    let u = |cp: usize| map.to_utf16(cp).unwrap_or(0);
    let mut out = String::with_capacity(doc.text().len() * 2 + doc.spans.len() * 120);
    out.push_str(concat!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n",
        "<xmi:XMI xmlns:xmi=\"http://www.omg.org/XMI\" xmlns:cas=\"http:///uima/cas.ecore\" ",
        "xmlns:type=\"http:///de/tudarmstadt/ukp/dkpro/core/api/metadata/type.ecore\" ",
        "xmlns:custom=\"http:///webanno/custom.ecore\" xmi:version=\"2.0\">\n",
        "  <cas:NULL xmi:id=\"0\"/>\n",
    ));
    let _ = write!(
        out,
        "  <type:DocumentMetaData xmi:id=\"2\" sofa=\"1\" begin=\"0\" end=\"{}\" language=\"x-unspecified\" documentTitle=\"",
        map.len_utf16()
    );
    let at = |what: &'static str| move || format!("document {}: {what}", doc.id);
    push_attr(&mut out, &doc.title, &at("title"), replaced);
    out.push_str("\" documentId=\"");
    push_attr(&mut out, &doc.id, &at("id"), replaced);
    out.push_str("\" documentUri=\"");
    push_attr(&mut out, &doc.source, &at("source"), replaced);
    out.push_str("\" isLastSegment=\"false\"/>\n");
    let mut xmi_of: HashMap<u64, usize> = HashMap::with_capacity(doc.spans.len());
    let mut next = 3;
    for s in &doc.spans {
        check_range(doc, s)?;
        xmi_of.insert(s.id, next);
        let _ = write!(
            out,
            "  <custom:QalamSpan xmi:id=\"{next}\" sofa=\"1\" begin=\"{}\" end=\"{}\" label=\"",
            u(s.start),
            u(s.end)
        );
        next += 1;
        let of = |what: &'static str| {
            let id = s.id;
            move || format!("document {}: span {id}: {what}", doc.id)
        };
        push_attr(&mut out, &s.label, &of("label"), replaced);
        let _ = write!(out, "\" qalamId=\"{}\"", s.id);
        let optional = [
            ("note", s.note.as_deref()),
            (
                "annotator",
                Some(s.annotator.as_str()).filter(|a| !a.is_empty()),
            ),
            ("origin", s.origin.as_deref()),
        ];
        for (name, value) in optional {
            if let Some(v) = value {
                let _ = write!(out, " {name}=\"");
                push_attr(&mut out, v, &of(name), replaced);
                out.push('"');
            }
        }
        for (name, value) in &s.attributes {
            let _ = write!(out, " {name}=\"");
            push_attr(&mut out, value, &of("attribute value"), replaced);
            out.push('"');
        }
        out.push_str("/>\n");
    }
    for r in &doc.relations {
        let (Some(gov), Some(dep), Some(target)) =
            (xmi_of.get(&r.from), xmi_of.get(&r.to), doc.span(r.to))
        else {
            return Err(ExportError::BadRelation {
                document: doc.id.clone(),
                relation: r.id,
            });
        };
        let _ = write!(
            out,
            "  <custom:QalamRelation xmi:id=\"{next}\" sofa=\"1\" begin=\"{}\" end=\"{}\" Governor=\"{gov}\" Dependent=\"{dep}\" label=\"",
            u(target.start),
            u(target.end)
        );
        next += 1;
        let id = r.id;
        push_attr(
            &mut out,
            &r.kind,
            &move || format!("document {}: relation {id}: type", doc.id),
            replaced,
        );
        let _ = writeln!(out, "\" qalamId=\"{}\"/>", r.id);
    }
    out.push_str("  <cas:Sofa xmi:id=\"1\" sofaNum=\"1\" sofaID=\"_InitialView\" mimeType=\"text\" sofaString=\"");
    push_attr(&mut out, doc.text(), &at("text"), replaced);
    out.push_str("\"/>\n  <cas:View sofa=\"1\" members=\"");
    for k in 2..next {
        if k > 2 {
            out.push(' ');
        }
        let _ = write!(out, "{k}");
    }
    out.push_str("\"/>\n</xmi:XMI>\n");
    Ok(out)
}

/// Writes `TypeSystem.xml` and one `.xmi` per document into `dir` (created if needed),
/// calling `progress(done, total)` after each; returns where characters were replaced.
pub fn write_folder(
    project: &Project,
    dir: &Path,
    progress: Progress<'_>,
) -> Result<Vec<String>, ExportError> {
    let ts = type_system(project)?;
    super::create_folder(dir)?;
    project::write_atomic(&dir.join(TYPESYSTEM_FILE), ts.as_bytes())?;
    let mut replaced = Vec::new();
    let total = project.documents.len();
    for (i, (doc, name)) in project
        .documents
        .iter()
        .zip(super::brat::file_names(project))
        .enumerate()
    {
        let xmi = document_xmi(doc, &mut replaced)?;
        project::write_atomic(&dir.join(format!("{name}.xmi")), xmi.as_bytes())?;
        progress(i + 1, total);
    }
    Ok(replaced)
}

/// One feature structure element as read: its type, xmi:id, features and line.
struct Element {
    kind: Kind,
    xmi_id: Option<u64>,
    features: BTreeMap<String, String>,
    line: usize,
}

#[derive(Clone, PartialEq, Eq)]
enum Kind {
    Sofa,
    Span,
    Relation,
    Meta,
    Other(String),
}

fn kind_of(ns: &ResolveResult<'_>, local: &[u8]) -> Option<Kind> {
    let ns = match ns {
        ResolveResult::Bound(n) => n.as_ref(),
        _ => b"",
    };
    let local_str = String::from_utf8_lossy(local);
    Some(match (ns, local) {
        (NS_CAS, b"Sofa") => Kind::Sofa,
        (NS_CAS, b"NULL" | b"View") => return None,
        (NS_CUSTOM, b"QalamSpan") => Kind::Span,
        (NS_CUSTOM, b"QalamRelation") => Kind::Relation,
        (NS_META, b"DocumentMetaData") => Kind::Meta,
        _ => Kind::Other(local_str.into_owned()),
    })
}

/// The features (unprefixed attributes, normalised as XML 1.0 requires) and xmi:id of `e`.
fn features_of(e: &BytesStart<'_>) -> Result<(Option<u64>, BTreeMap<String, String>), String> {
    let mut features = BTreeMap::new();
    let mut id = None;
    for a in e.attributes() {
        let a = a.map_err(|err| format!("bad attribute: {err}"))?;
        let local = String::from_utf8_lossy(a.key.local_name().as_ref()).into_owned();
        let value = a
            .normalized_value(quick_xml::XmlVersion::Explicit1_0)
            .map_err(|err| format!("attribute {local}: {err}"))?
            .into_owned();
        if a.key.prefix().is_some() {
            if local == "id" {
                id = value.parse().ok();
            }
        } else {
            features.insert(local, value);
        }
    }
    Ok((id, features))
}

/// Line (1-based) of byte `pos`, counting from `from` (at line `line`).
fn advance_line(xml: &[u8], from: &mut usize, line: &mut usize, pos: usize) {
    let pos = pos.min(xml.len());
    if pos > *from {
        *line += xml[*from..pos].iter().filter(|&&b| b == b'\n').count();
        *from = pos;
    }
}

/// The top-level elements of an XMI document.
fn elements(xml: &str) -> Result<Vec<Element>, (usize, String)> {
    let mut reader = NsReader::from_str(xml);
    let bytes = xml.as_bytes();
    let (mut from, mut line) = (0, 1);
    let mut depth = 0usize;
    let mut out = Vec::new();
    loop {
        let pos = reader.buffer_position() as usize;
        let (ns, event) = match reader.read_resolved_event() {
            Ok(r) => r,
            Err(e) => {
                advance_line(
                    bytes,
                    &mut from,
                    &mut line,
                    reader.error_position() as usize,
                );
                return Err((line, format!("not well-formed XML: {e}")));
            }
        };
        let (e, empty) = match &event {
            Event::Start(e) => (e, false),
            Event::Empty(e) => (e, true),
            Event::End(_) => {
                depth = depth.saturating_sub(1);
                continue;
            }
            Event::Eof => break,
            _ => continue,
        };
        if depth == 1 {
            advance_line(bytes, &mut from, &mut line, pos);
            let line_here = line + usize::from(bytes.get(pos) == Some(&b'\n'));
            if let Some(kind) = kind_of(&ns, e.local_name().as_ref()) {
                let (xmi_id, features) = features_of(e).map_err(|m| (line_here, m))?;
                out.push(Element {
                    kind,
                    xmi_id,
                    features,
                    line: line_here,
                });
            }
        }
        if !empty {
            depth += 1;
        }
    }
    Ok(out)
}

/// A code-point offset from a UTF-16 feature value.
fn offset(map: &Utf16Map, el: &Element, name: &str) -> Result<usize, String> {
    let raw = el.features.get(name).ok_or_else(|| format!("no {name}"))?;
    let u: usize = raw
        .parse()
        .map_err(|_| format!("{name} {raw:?} is not a number"))?;
    map.to_code_point(u).ok_or_else(|| {
        if u > map.len_utf16() {
            format!(
                "{name} {u} is past the end of the text ({} UTF-16 units)",
                map.len_utf16()
            )
        } else {
            format!("{name} {u} falls between the two UTF-16 units of one character")
        }
    })
}

/// Reads one `.xmi` file into `parsed`.
pub fn parse_document(path: &Path, parsed: &mut Parsed) -> Result<(), ImportError> {
    let xml = super::read_utf8(path)?;
    let problem = |line: usize, m: String| LineProblem::new(path, line, m);
    let els = match elements(&xml) {
        Ok(e) => e,
        Err((line, m)) => {
            parsed.problems.push(problem(line, m));
            return Ok(());
        }
    };
    let Some(sofa) = els
        .iter()
        .filter(|e| e.kind == Kind::Sofa && e.features.contains_key("sofaString"))
        .min_by_key(|e| e.features.get("sofaID").map(String::as_str) != Some("_InitialView"))
    else {
        parsed.problems.push(problem(
            0,
            "no text: no cas:Sofa with a sofaString".to_owned(),
        ));
        return Ok(());
    };
    let sofa_id = sofa.xmi_id.map(|i| i.to_string());
    let text = sofa.features.get("sofaString").cloned().unwrap_or_default();
    let map = Utf16Map::new(&text);
    let in_view = |e: &Element| e.features.get("sofa") == sofa_id.as_ref();

    let span_els: Vec<&Element> = els
        .iter()
        .filter(|e| e.kind == Kind::Span && in_view(e))
        .collect();
    let given = |e: &Element| {
        e.features
            .get("qalamId")
            .and_then(|v| v.parse::<u64>().ok())
    };
    let mut next = span_els.iter().filter_map(|e| given(e)).max().unwrap_or(0) + 1;
    let mut span_of: HashMap<u64, u64> = HashMap::new();
    let mut spans = Vec::with_capacity(span_els.len());
    for el in span_els {
        let what = format!("QalamSpan xmi:id={}", el.xmi_id.unwrap_or(0));
        let range = offset(&map, el, "begin").and_then(|b| Ok((b, offset(&map, el, "end")?)));
        let (start, end) = match range {
            Ok(r) => r,
            Err(m) => {
                parsed
                    .problems
                    .push(problem(el.line, format!("{what}: {m}")));
                continue;
            }
        };
        let Some(label) = el.features.get("label").filter(|l| !l.is_empty()) else {
            parsed
                .problems
                .push(problem(el.line, format!("{what}: no label")));
            continue;
        };
        let id = given(el).unwrap_or_else(|| {
            next += 1;
            next - 1
        });
        if let Some(x) = el.xmi_id {
            span_of.insert(x, id);
        }
        spans.push(RawSpan {
            id,
            label: label.clone(),
            start,
            end,
            text: None,
            note: el.features.get("note").map(|n| (n.clone(), el.line)),
            attributes: el
                .features
                .iter()
                .filter(|(k, _)| {
                    !SPAN_FEATURES.contains(&k.as_str())
                        && !["begin", "end", "sofa"].contains(&k.as_str())
                })
                .map(|(k, v)| (k.clone(), v.clone(), el.line))
                .collect(),
            annotator: el.features.get("annotator").cloned().unwrap_or_default(),
            origin: el.features.get("origin").cloned(),
            line: el.line,
        });
    }
    let rel_els: Vec<&Element> = els
        .iter()
        .filter(|e| e.kind == Kind::Relation && in_view(e))
        .collect();
    let mut next_rel = rel_els.iter().filter_map(|e| given(e)).max().unwrap_or(0) + 1;
    let mut relations = Vec::with_capacity(rel_els.len());
    for el in rel_els {
        let what = format!("QalamRelation xmi:id={}", el.xmi_id.unwrap_or(0));
        let end = |name: &str| {
            el.features
                .get(name)
                .and_then(|v| v.parse::<u64>().ok())
                .and_then(|x| span_of.get(&x).copied())
        };
        let (Some(from), Some(to)) = (end("Governor"), end("Dependent")) else {
            parsed.problems.push(problem(
                el.line,
                format!("{what}: Governor or Dependent is not a QalamSpan that was imported"),
            ));
            continue;
        };
        let Some(kind) = el.features.get("label").filter(|l| !l.is_empty()) else {
            parsed
                .problems
                .push(problem(el.line, format!("{what}: no label (its type)")));
            continue;
        };
        let id = given(el).unwrap_or_else(|| {
            next_rel += 1;
            next_rel - 1
        });
        relations.push(RawRelation {
            id,
            kind: kind.clone(),
            from,
            to,
            line: el.line,
            annotator: String::new(),
        });
    }
    let mut others: BTreeMap<&str, usize> = BTreeMap::new();
    for e in &els {
        if let Kind::Other(name) = &e.kind {
            *others.entry(name).or_default() += 1;
        }
    }
    if !others.is_empty() {
        let what: Vec<String> = others.iter().map(|(k, n)| format!("{k} ({n})")).collect();
        parsed.notes.push(format!(
            "{}: annotations of other types were not imported: {}",
            path.display(),
            what.join(", ")
        ));
    }
    let meta = els.iter().find(|e| e.kind == Kind::Meta);
    let meta_get = |k: &str| meta.and_then(|m| m.features.get(k)).cloned();
    let id = meta_get("documentId")
        .filter(|i| !i.is_empty())
        .unwrap_or_else(|| {
            path.file_stem().map_or_else(
                || "document".to_owned(),
                |s| s.to_string_lossy().into_owned(),
            )
        });
    parsed.docs.push(RawDoc {
        path: path.to_owned(),
        line: 0,
        id,
        title: meta_get("documentTitle"),
        source: meta_get("documentUri").unwrap_or_else(|| path.to_string_lossy().into_owned()),
        text,
        spans,
        relations,
        ..RawDoc::default()
    });
    Ok(())
}

/// Reads XMI folders or files into `parsed`, calling `progress(done, total)` per document.
pub fn parse_sources(
    sources: &[PathBuf],
    parsed: &mut Parsed,
    progress: Progress<'_>,
) -> Result<(), ImportError> {
    let files = super::source_files(sources, "xmi", Path::to_path_buf)?;
    super::parse_each(&files, parsed, progress, parse_document)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    fn project(text: &str) -> Project {
        let mut p = Project::new("p", "");
        let mut d = Document::new("d1", "عنوان", "src/a.txt", text);
        d.spans.extend(d.make_span(1, "speaker", 2, 5, "amal"));
        if let Some(mut s) = d.make_span(2, "claim", 6, 8, "") {
            s.note = Some("a \"b\"\n<c>".into());
            s.attributes.insert("quote".into(), "direct".into());
            d.spans.push(s);
        }
        d.relations.push(crate::model::Relation {
            id: 4,
            kind: "attributed_to".into(),
            from: 2,
            to: 1,
            annotator: String::new(),
        });
        p.documents.push(d.into());
        p
    }

    #[test]
    fn offsets_are_utf16_and_everything_reads_back() {
        let p = project("😀 قال\r\nإن");
        let mut replaced = Vec::new();
        let xmi = document_xmi(&p.documents[0], &mut replaced).expect("xmi");
        assert!(replaced.is_empty());
        assert!(
            xmi.contains(
                "begin=\"3\" end=\"6\" label=\"speaker\" qalamId=\"1\" annotator=\"amal\""
            ),
            "{xmi}"
        );
        assert!(xmi.contains("sofaString=\"😀 قال&#13;&#10;إن\""), "{xmi}");
        assert!(
            xmi.contains("note=\"a &quot;b&quot;&#10;&lt;c&gt;\""),
            "{xmi}"
        );
        let dir = tempfile::tempdir().expect("tempdir");
        let f = dir.path().join("d1.xmi");
        fs::write(&f, &xmi).expect("write");
        let mut parsed = Parsed::default();
        parse_document(&f, &mut parsed).expect("parse");
        assert!(parsed.problems.is_empty(), "{:?}", parsed.problems);
        let d = &parsed.docs[0];
        assert_eq!(d.text, "😀 قال\r\nإن");
        assert_eq!((d.id.as_str(), d.title.as_deref()), ("d1", Some("عنوان")));
        assert_eq!((d.spans[0].start, d.spans[0].end), (2, 5));
        assert_eq!(
            d.spans[1].note.as_ref().map(|n| n.0.as_str()),
            Some("a \"b\"\n<c>")
        );
        assert_eq!(d.spans[1].attributes[0].0, "quote");
        assert_eq!(
            (d.relations[0].id, d.relations[0].from, d.relations[0].to),
            (4, 2, 1)
        );
    }

    #[test]
    fn characters_xml_cannot_hold_are_replaced_and_listed() {
        let p = project("a\u{C}قال\u{1}x إن");
        let mut replaced = Vec::new();
        let xmi = document_xmi(&p.documents[0], &mut replaced).expect("xmi");
        assert_eq!(
            replaced,
            [
                "document d1: text at 1: U+000C",
                "document d1: text at 5: U+0001"
            ]
        );
        assert!(
            xmi.contains("sofaString=\"a\u{FFFD}قال\u{FFFD}x إن\""),
            "{xmi}"
        );
    }

    #[test]
    fn offsets_inside_a_character_and_bad_xml_are_located() {
        let dir = tempfile::tempdir().expect("tempdir");
        let f = dir.path().join("x.xmi");
        let xmi = "<?xml version=\"1.0\"?>\n<xmi:XMI xmlns:xmi=\"http://www.omg.org/XMI\" xmlns:cas=\"http:///uima/cas.ecore\" xmlns:custom=\"http:///webanno/custom.ecore\">\n<custom:QalamSpan xmi:id=\"2\" sofa=\"1\" begin=\"1\" end=\"3\" label=\"claim\"/>\n<cas:Sofa xmi:id=\"1\" sofaNum=\"1\" sofaID=\"_InitialView\" sofaString=\"😀ab\"/>\n<custom:Token xmi:id=\"3\" sofa=\"1\" begin=\"0\" end=\"2\"/>\n</xmi:XMI>\n";
        fs::write(&f, xmi).expect("write");
        let mut parsed = Parsed::default();
        parse_document(&f, &mut parsed).expect("parse");
        assert_eq!(
            parsed.problems[0].to_string(),
            format!(
                "{}:3: QalamSpan xmi:id=2: begin 1 falls between the two UTF-16 units of one character",
                f.display()
            )
        );
        assert!(
            parsed.notes[0].ends_with("not imported: Token (1)"),
            "{:?}",
            parsed.notes
        );
        fs::write(&f, "<a><b></a>").expect("write");
        let mut parsed = Parsed::default();
        parse_document(&f, &mut parsed).expect("parse");
        assert!(
            parsed.problems[0]
                .message
                .starts_with("not well-formed XML"),
            "{:?}",
            parsed.problems
        );
    }

    #[test]
    fn attribute_names_must_be_features() {
        assert!(feature_name_ok("quote") && feature_name_ok("نوع"));
        assert!(!feature_name_ok("begin") && !feature_name_ok("2x") && !feature_name_ok("a-b"));
    }
}
