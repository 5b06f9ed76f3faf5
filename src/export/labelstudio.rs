//! Label Studio tasks (JSON), with the labeling config that goes with them.
//!
//! One task per document: `data` holds `text` and the document's `doc_id`, `title`, `source`
//! and `status`; one annotation holds the spans as `labels` regions (`id` `s<span id>`,
//! `value.start` / `end` in code points, `value.text`, `value.labels`), each attribute as a
//! per-region `choices` result (`from_name` = the attribute's name), each note as a per-region
//! `textarea` result (`from_name` `note`), and relations as `relation` items (`from_id`,
//! `to_id`, `labels` = the relation type). Label Studio has no relation ids (they are numbered
//! in order on import) and no per-span annotator or origin.
//!
//! Reading accepts a list of tasks (or one task), `annotations` or the older `completions`,
//! and checks every region's offsets against its `text`: as code points first (Label Studio
//! today), then as UTF-16 units (older exports); which unit each task used is reported, and a
//! region that matches in neither is a problem of its task (skipped with `skip_bad`).

use std::borrow::Cow;
use std::collections::hash_map::Entry;
use std::collections::{BTreeMap, HashMap};
use std::fmt::{self, Write as _};
use std::io::Write;
use std::path::Path;

use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::assemble::{Parsed, RawDoc, RawRelation, RawSpan};
use super::error::{ExportError, LineProblem};
use super::offsets::Utf16Map;
use super::{Progress, span_text};
use crate::model::{DocStatus, Document, Project, Schema};

/// Name of the `Labels` control of the config.
const LABELS: &str = "label";
/// Name of the `Text` object of the config.
const TEXT: &str = "text";
/// Name of the per-region `TextArea` control for notes.
const NOTE: &str = "note";

#[derive(Serialize)]
struct TaskOut<'a> {
    id: usize,
    data: DataOut<'a>,
    annotations: [AnnotationOut<'a>; 1],
}

#[derive(Serialize)]
struct DataOut<'a> {
    text: &'a str,
    doc_id: &'a str,
    title: &'a str,
    source: &'a str,
    status: DocStatus,
}

#[derive(Serialize)]
struct AnnotationOut<'a> {
    result: Vec<ResultOut<'a>>,
}

#[derive(Serialize)]
#[serde(untagged)]
enum ResultOut<'a> {
    Region {
        id: String,
        from_name: &'a str,
        to_name: &'static str,
        #[serde(rename = "type")]
        kind: &'static str,
        origin: &'static str,
        value: ValueOut<'a>,
    },
    Relation {
        from_id: String,
        to_id: String,
        #[serde(rename = "type")]
        kind: &'static str,
        direction: &'static str,
        labels: [&'a str; 1],
    },
}

#[derive(Serialize)]
struct ValueOut<'a> {
    start: usize,
    end: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    text: Option<TextOut<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    labels: Option<[&'a str; 1]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    choices: Option<[&'a str; 1]>,
}

#[derive(Serialize)]
#[serde(untagged)]
enum TextOut<'a> {
    Quote(&'a str),
    Note([&'a str; 1]),
}

/// Fails if an attribute name is used by the config itself.
fn check_attribute_names(schema: &Schema) -> Result<(), ExportError> {
    for a in &schema.attributes {
        if [LABELS, TEXT, NOTE].contains(&a.name.as_str()) || a.name.is_empty() {
            return Err(ExportError::Unrepresentable {
                format: "Label Studio",
                what: "attribute name",
                name: a.name.clone(),
                why: "the labeling config uses that name (label, text, note) or it is empty",
            });
        }
    }
    Ok(())
}

fn task_of(number: usize, doc: &Document) -> Result<TaskOut<'_>, ExportError> {
    let mut result = Vec::with_capacity(doc.spans.len() + doc.relations.len());
    for s in &doc.spans {
        let quote = span_text(doc, s)?;
        let region = |from_name, kind, text, labels, choices| ResultOut::Region {
            id: format!("s{}", s.id),
            from_name,
            to_name: TEXT,
            kind,
            origin: "manual",
            value: ValueOut {
                start: s.start,
                end: s.end,
                text,
                labels,
                choices,
            },
        };
        result.push(region(
            LABELS,
            "labels",
            Some(TextOut::Quote(quote)),
            Some([s.label.as_str()]),
            None,
        ));
        for (name, value) in &s.attributes {
            result.push(region(
                name,
                "choices",
                Some(TextOut::Quote(quote)),
                None,
                Some([value.as_str()]),
            ));
        }
        if let Some(note) = &s.note {
            result.push(region(
                NOTE,
                "textarea",
                Some(TextOut::Note([note.as_str()])),
                None,
                None,
            ));
        }
    }
    for r in &doc.relations {
        result.push(ResultOut::Relation {
            from_id: format!("s{}", r.from),
            to_id: format!("s{}", r.to),
            kind: "relation",
            direction: "right",
            labels: [r.kind.as_str()],
        });
    }
    Ok(TaskOut {
        id: number,
        data: DataOut {
            text: doc.text(),
            doc_id: &doc.id,
            title: &doc.title,
            source: &doc.source,
            status: doc.status,
        },
        annotations: [AnnotationOut { result }],
    })
}

/// Writes the tasks of `project` as a JSON list (one task per line) to `out`, calling
/// `progress(done, total)` after each document.
pub fn write(
    project: &Project,
    mut out: impl Write,
    progress: Progress<'_>,
) -> Result<(), ExportError> {
    check_attribute_names(&project.schema)?;
    out.write_all(b"[")?;
    let total = project.documents.len();
    for (i, doc) in project.documents.iter().enumerate() {
        out.write_all(if i == 0 { b"\n" } else { b",\n" })?;
        serde_json::to_writer(&mut out, &task_of(i + 1, doc)?).map_err(std::io::Error::from)?;
        progress(i + 1, total);
    }
    out.write_all(b"\n]\n")?;
    out.flush()?;
    Ok(())
}

/// `s` escaped for an XML attribute value (characters XML 1.0 cannot hold as U+FFFD).
fn attr(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    super::xmi::push_attr(&mut out, s, &String::new, &mut Vec::new());
    out
}

/// The labeling config for `schema`: the labels with their colours and keys, the relation
/// types, a per-region `Choices` for each attribute (values merged by name) and a per-region
/// `TextArea` for notes.
pub fn label_config(schema: &Schema) -> String {
    let mut out = String::from("<View>\n  <Labels name=\"label\" toName=\"text\">\n");
    for l in &schema.span_labels {
        let _ = writeln!(
            out,
            "    <Label value=\"{}\" background=\"{}\"/>",
            attr(&l.name),
            attr(&l.color)
        );
    }
    out.push_str("  </Labels>\n  <Text name=\"text\" value=\"$text\"/>\n  <Relations>\n");
    for r in &schema.relation_types {
        let _ = writeln!(out, "    <Relation value=\"{}\"/>", attr(&r.name));
    }
    out.push_str("  </Relations>\n  <View visibleWhen=\"region-selected\">\n");
    for (name, (labels, values)) in super::merged_attributes(schema) {
        let when = match labels.as_slice() {
            [one] => format!(" whenLabelValue=\"{}\"", attr(one)),
            _ => String::new(),
        };
        let _ = writeln!(
            out,
            "    <Header value=\"{0}\"/>\n    <Choices name=\"{0}\" toName=\"text\" perRegion=\"true\" choice=\"single\" visibleWhen=\"region-selected\"{when}>",
            attr(name)
        );
        for v in values {
            let _ = writeln!(out, "      <Choice value=\"{}\"/>", attr(v));
        }
        out.push_str("    </Choices>\n");
    }
    out.push_str(
        "    <Header value=\"note\"/>\n    <TextArea name=\"note\" toName=\"text\" perRegion=\"true\" editable=\"true\" maxSubmissions=\"1\"/>\n  </View>\n</View>\n",
    );
    out
}

/// Where the labeling config of an export to `out` is written: beside it,
/// `NAME.label_config.xml`.
pub fn config_path(out: &Path) -> std::path::PathBuf {
    let stem = out
        .file_stem()
        .map_or_else(|| "tasks".into(), |s| s.to_string_lossy().into_owned());
    out.with_file_name(format!("{stem}.label_config.xml"))
}

// Reading. The input is read into these types, which borrow every string without escapes
// from the input instead of copying it; fields that take any JSON value keep taking any
// (see [`Loose`]), so the same inputs are accepted and refused as with `serde_json::Value`.

#[derive(Deserialize)]
struct TaskIn<'a> {
    #[serde(default)]
    id: Option<Value>,
    #[serde(default, borrow)]
    data: DataIn<'a>,
    #[serde(default, borrow)]
    annotations: Vec<AnnotationIn<'a>>,
    #[serde(default, borrow)]
    completions: Vec<AnnotationIn<'a>>,
}

#[derive(Default, Deserialize)]
struct DataIn<'a> {
    #[serde(default, borrow)]
    text: Option<Loose<'a>>,
    #[serde(default)]
    doc_id: Option<Value>,
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    source: Option<String>,
    #[serde(default)]
    status: Option<DocStatus>,
}

#[derive(Deserialize)]
struct AnnotationIn<'a> {
    #[serde(default, borrow)]
    result: Blocks<ResultIn<'a>>,
    #[serde(default)]
    was_cancelled: bool,
    #[serde(default)]
    completed_by: Option<Value>,
}

#[derive(Deserialize)]
struct ResultIn<'a> {
    #[serde(default, borrow)]
    id: Option<Id<'a>>,
    #[serde(rename = "type", default, borrow)]
    kind: Kind<'a>,
    #[serde(default, borrow)]
    from_name: Str<'a>,
    #[serde(default, borrow)]
    value: Option<ValueIn<'a>>,
    #[serde(default, borrow)]
    from_id: Option<Id<'a>>,
    #[serde(default, borrow)]
    to_id: Option<Id<'a>>,
    #[serde(default, borrow)]
    labels: Vec<Str<'a>>,
}

#[derive(Default, Deserialize)]
struct ValueIn<'a> {
    #[serde(default)]
    start: Option<Offset>,
    #[serde(default)]
    end: Option<Offset>,
    #[serde(default, borrow)]
    text: Option<Loose<'a>>,
    #[serde(default, borrow)]
    labels: Strs<'a>,
    #[serde(default, borrow)]
    choices: Strs<'a>,
}

/// A JSON string, borrowed from the input where it has no escapes (else copied).
#[derive(Default)]
struct Str<'a>(Cow<'a, str>);

impl<'de: 'a, 'a> Deserialize<'de> for Str<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct StrVisitor;
        impl<'de> Visitor<'de> for StrVisitor {
            type Value = Str<'de>;
            // What `String` expects, so messages stay the same.
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E: de::Error>(self, s: &'de str) -> Result<Str<'de>, E> {
                Ok(Str(Cow::Borrowed(s)))
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<Str<'de>, E> {
                Ok(Str(Cow::Owned(s.to_owned())))
            }
            fn visit_string<E: de::Error>(self, s: String) -> Result<Str<'de>, E> {
                Ok(Str(Cow::Owned(s)))
            }
        }
        d.deserialize_str(StrVisitor)
    }
}

/// A result's `type`, sorted out as it is read (a `String` is expected, as before).
enum Kind<'a> {
    Labels,
    Relation,
    Choices,
    Textarea,
    Other(Cow<'a, str>),
}

impl Default for Kind<'_> {
    fn default() -> Self {
        Kind::Other(Cow::Borrowed(""))
    }
}

impl Kind<'_> {
    fn name(&self) -> &str {
        match self {
            Kind::Labels => "labels",
            Kind::Relation => "relation",
            Kind::Choices => "choices",
            Kind::Textarea => "textarea",
            Kind::Other(name) => name,
        }
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Kind<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let Str(name) = Str::deserialize(d)?;
        Ok(match name.as_ref() {
            "labels" => Kind::Labels,
            "relation" => Kind::Relation,
            "choices" => Kind::Choices,
            "textarea" => Kind::Textarea,
            _ => Kind::Other(name),
        })
    }
}

/// A list of strings, read as `Vec<String>` would be (the same inputs refused with the same
/// messages) but holding the usual single item without allocating.
#[derive(Default)]
enum Strs<'a> {
    #[default]
    None,
    One(Str<'a>),
    Many(Vec<Str<'a>>),
}

impl<'a> Strs<'a> {
    fn len(&self) -> usize {
        match self {
            Strs::None => 0,
            Strs::One(_) => 1,
            Strs::Many(all) => all.len(),
        }
    }

    fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn iter(&self) -> impl Iterator<Item = &str> {
        let all = match self {
            Strs::None => &[][..],
            Strs::One(one) => std::slice::from_ref(one),
            Strs::Many(all) => all.as_slice(),
        };
        all.iter().map(|s| s.0.as_ref())
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Strs<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct StrsVisitor;
        impl<'de> Visitor<'de> for StrsVisitor {
            type Value = Strs<'de>;
            // What `Vec` expects, so messages stay the same.
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a sequence")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Strs<'de>, A::Error> {
                let Some(first) = seq.next_element::<Str<'de>>()? else {
                    return Ok(Strs::None);
                };
                let Some(second) = seq.next_element::<Str<'de>>()? else {
                    return Ok(Strs::One(first));
                };
                let mut all = vec![first, second];
                while let Some(s) = seq.next_element::<Str<'de>>()? {
                    all.push(s);
                }
                Ok(Strs::Many(all))
            }
        }
        d.deserialize_seq(StrsVisitor)
    }
}

/// Items per block of [`Blocks`] once the blocks have grown to full size.
const BLOCK: usize = 256;

/// A list read as `Vec<T>` would be (the same inputs refused with the same messages), kept in
/// blocks that are filled in place: a `Vec` of tens of thousands of results would be copied
/// to a new buffer each time it doubled. The first blocks are small, for short lists.
struct Blocks<T>(Vec<Vec<T>>);

impl<T> Default for Blocks<T> {
    fn default() -> Self {
        Blocks(Vec::new())
    }
}

impl<T> Blocks<T> {
    fn len(&self) -> usize {
        self.0.iter().map(Vec::len).sum()
    }

    fn iter(&self) -> impl Iterator<Item = &T> {
        self.0.iter().flatten()
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Blocks<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct BlocksVisitor<T>(std::marker::PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for BlocksVisitor<T> {
            type Value = Blocks<T>;
            // What `Vec` expects, so messages stay the same.
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a sequence")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Blocks<T>, A::Error> {
                let mut blocks: Vec<Vec<T>> = Vec::new();
                let mut size = 4;
                while let Some(item) = seq.next_element::<T>()? {
                    match blocks.last_mut() {
                        Some(block) if block.len() < block.capacity() => block.push(item),
                        _ => {
                            let mut block = Vec::with_capacity(size);
                            block.push(item);
                            blocks.push(block);
                            size = (size * 2).min(BLOCK);
                        }
                    }
                }
                Ok(Blocks(blocks))
            }
        }
        d.deserialize_seq(BlocksVisitor(std::marker::PhantomData))
    }
}

/// Any JSON value, as `serde_json::Value` reads it, except that a string is borrowed from
/// the input where it can be.
enum Loose<'a> {
    Str(Cow<'a, str>),
    Other(Value),
}

impl<'a> Loose<'a> {
    fn as_str(&self) -> Option<&str> {
        match self {
            Loose::Str(s) => Some(s.as_ref()),
            Loose::Other(_) => None,
        }
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Loose<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(LooseVisitor)
    }
}

/// Builds a [`Loose`] the way `Value`'s own visitor builds a `Value`.
struct LooseVisitor;

impl<'de> Visitor<'de> for LooseVisitor {
    type Value = Loose<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any valid JSON value")
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Loose<'de>, E> {
        Ok(Loose::Other(Value::Bool(v)))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Loose<'de>, E> {
        Ok(Loose::Other(Value::Number(v.into())))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Loose<'de>, E> {
        Ok(Loose::Other(Value::Number(v.into())))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Loose<'de>, E> {
        Ok(Loose::Other(
            serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number),
        ))
    }
    fn visit_borrowed_str<E: de::Error>(self, s: &'de str) -> Result<Loose<'de>, E> {
        Ok(Loose::Str(Cow::Borrowed(s)))
    }
    fn visit_str<E: de::Error>(self, s: &str) -> Result<Loose<'de>, E> {
        Ok(Loose::Str(Cow::Owned(s.to_owned())))
    }
    fn visit_string<E: de::Error>(self, s: String) -> Result<Loose<'de>, E> {
        Ok(Loose::Str(Cow::Owned(s)))
    }
    fn visit_none<E: de::Error>(self) -> Result<Loose<'de>, E> {
        Ok(Loose::Other(Value::Null))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Loose<'de>, E> {
        Ok(Loose::Other(Value::Null))
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Loose<'de>, D::Error> {
        Loose::deserialize(d)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Loose<'de>, A::Error> {
        Value::deserialize(de::value::SeqAccessDeserializer::new(seq)).map(Loose::Other)
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Loose<'de>, A::Error> {
        Value::deserialize(de::value::MapAccessDeserializer::new(map)).map(Loose::Other)
    }
}

/// A region or relation id as text: Label Studio writes strings; numbers are accepted (as
/// their JSON text); any other value is read and counts as no id.
struct Id<'a>(Option<Cow<'a, str>>);

impl<'a> Id<'a> {
    fn text(&self) -> Option<&str> {
        self.0.as_deref()
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Id<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(Id(match d.deserialize_any(LooseVisitor)? {
            Loose::Str(s) => Some(s),
            Loose::Other(Value::Number(n)) => Some(Cow::Owned(n.to_string())),
            Loose::Other(_) => None,
        }))
    }
}

/// A character offset: a non-negative integer; any other value is read and counts as none.
struct Offset(Option<u64>);

impl<'de> Deserialize<'de> for Offset {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(Offset(match d.deserialize_any(LooseVisitor)? {
            Loose::Other(v) => v.as_u64(),
            Loose::Str(_) => None,
        }))
    }
}

/// A region or relation id as text (Label Studio writes strings; numbers are accepted).
fn id_text<'r>(v: Option<&'r Id<'_>>) -> Option<&'r str> {
    v?.text()
}

/// Who made an annotation: an e-mail, a name, or `user N`.
fn annotator_of(v: Option<&Value>) -> String {
    match v {
        Some(Value::Number(n)) => format!("user {n}"),
        Some(Value::String(s)) => s.clone(),
        Some(Value::Object(o)) => ["email", "username"]
            .iter()
            .find_map(|k| o.get(*k).and_then(Value::as_str))
            .map(str::to_owned)
            .or_else(|| o.get("id").map(|id| format!("user {id}")))
            .unwrap_or_default(),
        _ => String::new(),
    }
}

/// The unit a region's offsets turned out to be in.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Unit {
    CodePoints,
    Utf16,
    /// The region has no text to check against; read as code points.
    Unchecked,
}

/// Counts for the report of one file.
#[derive(Default)]
struct Units {
    code_points: usize,
    utf16: usize,
    unchecked: usize,
    utf16_tasks: Vec<usize>,
    ignored: BTreeMap<String, usize>,
    cancelled: usize,
}

/// The region's code-point range: its offsets as code points if the text there is its
/// `text`, else as UTF-16 units if that matches; `Err` with what was found otherwise.
/// `utf16` is built from `doc_text` the first time it is needed.
fn locate(
    doc_text: &str,
    index: &crate::model::CharIndex,
    utf16: &mut Option<Utf16Map>,
    start: usize,
    end: usize,
    quote: Option<&str>,
) -> Result<(usize, usize, Unit), String> {
    let as_cp = index.slice(doc_text, start, end).filter(|_| start < end);
    let Some(quote) = quote else {
        return as_cp.map(|_| (start, end, Unit::Unchecked)).ok_or_else(|| {
            format!(
                "range {start}..{end} is empty or outside the text ({} characters)",
                index.len_chars()
            )
        });
    };
    if as_cp == Some(quote) {
        return Ok((start, end, Unit::CodePoints));
    }
    let utf16 = utf16.get_or_insert_with(|| Utf16Map::new(doc_text));
    if let (Some(a), Some(b)) = (utf16.to_code_point(start), utf16.to_code_point(end))
        && a < b
        && index.slice(doc_text, a, b) == Some(quote)
    {
        return Ok((a, b, Unit::Utf16));
    }
    let found = as_cp.map_or_else(
        || "outside the text".to_owned(),
        |s| format!("the text there is {s:?}"),
    );
    Err(format!(
        "text {quote:?} matches the text at {start}..{end} neither as code points ({found}) nor as UTF-16 units"
    ))
}

/// A labels region as collected before ids are given (its span is at the same index in the
/// list of spans).
struct Region {
    /// `N` of an `s<N>` id, on the first span of the region.
    number: Option<u64>,
    /// The next region with the same key (annotation and region id).
    next_same: Option<usize>,
}

/// The regions of one key: the first (whose span id stands for the key in relations) and
/// the last (to chain the next one to).
struct KeyRegions {
    first: usize,
    last: usize,
}

/// Builds the document of task `k` (1-based) of file `path`.
fn raw_doc(task: TaskIn<'_>, k: usize, path: &Path, parsed: &mut Parsed, units: &mut Units) {
    let TaskIn {
        id: task_id,
        data,
        annotations,
        completions,
    } = task;
    let what = match &task_id {
        Some(Value::String(id)) => format!("task {k} (id {id})"),
        Some(Value::Number(id)) => format!("task {k} (id {id})"),
        _ => format!("task {k}"),
    };
    let Some(Loose::Str(text)) = data.text else {
        parsed.problems.push(LineProblem::new(
            path,
            0,
            format!("{what}: no data.text string (the text must be in data.text)"),
        ));
        return;
    };
    let index = crate::model::CharIndex::new(&text);
    let mut utf16 = None;
    let results: usize = annotations
        .iter()
        .chain(&completions)
        .map(|a| a.result.len())
        .sum();
    let mut regions: Vec<Region> = Vec::with_capacity(results);
    let mut spans: Vec<RawSpan> = Vec::with_capacity(results);
    // The regions of each key, in order (filled as they are read, while their ids are in cache).
    let mut keys: HashMap<(usize, &str), KeyRegions> = HashMap::with_capacity(results);
    let mut extras: Vec<(usize, &ResultIn<'_>)> = Vec::new();
    let mut used_utf16 = false;
    for (a, ann) in annotations.iter().chain(&completions).enumerate() {
        if ann.was_cancelled {
            units.cancelled += 1;
            continue;
        }
        let annotator = annotator_of(ann.completed_by.as_ref());
        for item in ann.result.iter() {
            if !matches!(item.kind, Kind::Labels) {
                extras.push((a, item));
                continue;
            }
            let rid = id_text(item.id.as_ref()).unwrap_or_default();
            let Some(value) = &item.value else {
                parsed.problems.push(LineProblem::new(
                    path,
                    0,
                    format!("{what}: region {rid:?}: no value"),
                ));
                continue;
            };
            let offsets = (
                value.start.as_ref().and_then(|o| o.0),
                value.end.as_ref().and_then(|o| o.0),
            );
            let (Some(start), Some(end)) = offsets else {
                parsed.problems.push(LineProblem::new(
                    path,
                    0,
                    format!("{what}: region {rid:?}: start and end are not character offsets"),
                ));
                continue;
            };
            let quote = value.text.as_ref().and_then(Loose::as_str);
            let located = locate(
                &text,
                &index,
                &mut utf16,
                start as usize,
                end as usize,
                quote,
            );
            let (start, end, unit) = match located {
                Ok(l) => l,
                Err(message) => {
                    parsed.problems.push(LineProblem::new(
                        path,
                        0,
                        format!("{what}: region {rid:?}: {message}"),
                    ));
                    continue;
                }
            };
            match unit {
                Unit::CodePoints => units.code_points += 1,
                Unit::Utf16 => {
                    units.utf16 += 1;
                    used_utf16 = true;
                }
                Unit::Unchecked => units.unchecked += 1,
            }
            if value.labels.is_empty() {
                parsed.problems.push(LineProblem::new(
                    path,
                    0,
                    format!("{what}: region {rid:?}: no label"),
                ));
                continue;
            }
            let number = rid.strip_prefix('s').and_then(|n| n.parse::<u64>().ok());
            for (j, label) in value.labels.iter().enumerate() {
                let i = regions.len();
                match keys.entry((a, rid)) {
                    Entry::Vacant(e) => {
                        e.insert(KeyRegions { first: i, last: i });
                    }
                    Entry::Occupied(mut e) => {
                        let at = e.get().last;
                        if let Some(r) = regions.get_mut(at) {
                            r.next_same = Some(i);
                        }
                        e.get_mut().last = i;
                    }
                }
                regions.push(Region {
                    number: if j == 0 { number } else { None },
                    next_same: None,
                });
                spans.push(RawSpan {
                    annotator: annotator.clone(),
                    ..RawSpan::bare(0, label.to_owned(), start, end, 0)
                });
            }
        }
    }
    if used_utf16 {
        units.utf16_tasks.push(k);
    }
    // `s<N>` ids are kept where unique in the task; the others are numbered after them.
    let mut numbers: Vec<u64> = regions.iter().filter_map(|r| r.number).collect();
    numbers.sort_unstable();
    let repeated = numbers.windows(2).any(|w| w[0] == w[1]);
    let unique = |n: u64| {
        !repeated || {
            let at = numbers.partition_point(|&m| m < n);
            numbers.get(at + 1) != Some(&n)
        }
    };
    let mut next = numbers.last().map_or(1, |m| m + 1);
    for (r, span) in regions.iter().zip(&mut spans) {
        span.id = match r.number.filter(|&n| unique(n)) {
            Some(n) => n,
            None => {
                next += 1;
                next - 1
            }
        };
    }
    let mut relations = Vec::new();
    for (a, item) in extras {
        let rid = id_text(item.id.as_ref()).unwrap_or_default();
        match &item.kind {
            Kind::Relation => {
                let end = |v: Option<&Id<'_>>| {
                    id_text(v)
                        .and_then(|id| keys.get(&(a, id)))
                        .map(|k| spans[k.first].id)
                };
                let (Some(from), Some(to)) = (end(item.from_id.as_ref()), end(item.to_id.as_ref()))
                else {
                    parsed.problems.push(LineProblem::new(
                        path,
                        0,
                        format!(
                            "{what}: relation {} → {}: a region it links was not imported or does not exist",
                            id_text(item.from_id.as_ref()).unwrap_or_default(),
                            id_text(item.to_id.as_ref()).unwrap_or_default()
                        ),
                    ));
                    continue;
                };
                if item.labels.is_empty() {
                    parsed.problems.push(LineProblem::new(
                        path,
                        0,
                        format!("{what}: relation s{from} → s{to} has no label (its type)"),
                    ));
                }
                for label in &item.labels {
                    relations.push(RawRelation {
                        id: relations.len() as u64 + 1,
                        kind: label.0.as_ref().to_owned(),
                        from,
                        to,
                        line: 0,
                        annotator: String::new(),
                    });
                }
            }
            kind @ (Kind::Choices | Kind::Textarea) if keys.contains_key(&(a, rid)) => {
                let empty = ValueIn::default();
                let value = item.value.as_ref().unwrap_or(&empty);
                let mut at = keys.get(&(a, rid)).map(|k| k.first);
                while let Some(i) = at {
                    at = regions[i].next_same;
                    let span = &mut spans[i];
                    if matches!(kind, Kind::Textarea) {
                        let lines: Vec<&str> = match &value.text {
                            Some(Loose::Other(Value::Array(items))) => {
                                items.iter().filter_map(Value::as_str).collect()
                            }
                            Some(Loose::Str(s)) => vec![s.as_ref()],
                            _ => Vec::new(),
                        };
                        if !lines.is_empty() {
                            span.note = Some((lines.join("\n"), 0));
                        }
                    } else if value.choices.len() > 1 {
                        parsed.problems.push(LineProblem::new(
                            path,
                            0,
                            format!(
                                "{what}: region {rid:?}: {} has several choices ({}); an attribute has one value",
                                item.from_name.0,
                                value.choices.iter().collect::<Vec<_>>().join(", ")
                            ),
                        ));
                    } else if let Some(v) = value.choices.iter().next() {
                        span.attributes.push((
                            item.from_name.0.as_ref().to_owned(),
                            v.to_owned(),
                            0,
                        ));
                    }
                }
            }
            other => match units.ignored.get_mut(other.name()) {
                Some(n) => *n += 1,
                None => {
                    units.ignored.insert(other.name().to_owned(), 1);
                }
            },
        }
    }
    let id = match data.doc_id.as_ref().or(task_id.as_ref()) {
        Some(v) => super::jsonl::id_of(Some(v), || format!("task-{k}")),
        None => format!("task-{k}"),
    };
    parsed.docs.push(RawDoc {
        path: path.to_owned(),
        line: 0,
        id,
        title: data.title,
        source: data.source.unwrap_or_default(),
        status: data.status.unwrap_or_default(),
        text: text.into_owned(),
        spans,
        relations,
    });
}

/// Reads the Label Studio JSON `text` of file `path` into `parsed`, with a note saying in
/// which unit the offsets were found.
pub fn parse(text: &str, path: &Path, parsed: &mut Parsed, progress: Progress<'_>) {
    // The usual case in one pass; the slow path below only to say which task is wrong.
    let fast = match text.trim_start().as_bytes().first() {
        Some(b'[') => serde_json::from_str::<Vec<TaskIn<'_>>>(text).ok(),
        Some(b'{') => serde_json::from_str::<TaskIn<'_>>(text)
            .ok()
            .map(|t| vec![t]),
        _ => None,
    };
    if let Some(tasks) = fast {
        return finish(
            tasks.into_iter().map(Some).collect(),
            path,
            parsed,
            progress,
        );
    }
    let items = match serde_json::from_str::<Value>(text) {
        Ok(Value::Array(items)) => items,
        Ok(item @ Value::Object(_)) => vec![item],
        Ok(_) => {
            parsed.problems.push(LineProblem::new(
                path,
                0,
                "not a Label Studio export: expected a list of tasks",
            ));
            return;
        }
        Err(e) => {
            parsed
                .problems
                .push(LineProblem::new(path, e.line(), format!("not JSON: {e}")));
            return;
        }
    };
    let mut tasks = Vec::with_capacity(items.len());
    for (k, item) in items.iter().enumerate() {
        match TaskIn::deserialize(item) {
            Ok(t) => tasks.push(Some(t)),
            Err(e) => {
                parsed.problems.push(LineProblem::new(
                    path,
                    0,
                    format!("task {}: not a Label Studio task: {e}", k + 1),
                ));
                tasks.push(None);
            }
        }
    }
    finish(tasks, path, parsed, progress);
}

fn finish(
    tasks: Vec<Option<TaskIn<'_>>>,
    path: &Path,
    parsed: &mut Parsed,
    progress: Progress<'_>,
) {
    let total = tasks.len();
    let mut units = Units::default();
    for (k, task) in tasks.into_iter().enumerate() {
        if let Some(task) = task {
            raw_doc(task, k + 1, path, parsed, &mut units);
        }
        progress(k + 1, total);
    }
    parsed.notes.push(units_note(path, &units));
    if units.cancelled > 0 {
        parsed.notes.push(format!(
            "{}: {} cancelled annotation(s) not imported",
            path.display(),
            units.cancelled
        ));
    }
    if !units.ignored.is_empty() {
        let what: Vec<String> = units
            .ignored
            .iter()
            .map(|(k, n)| format!("{n} {k:?}"))
            .collect();
        parsed.notes.push(format!(
            "{}: results not tied to a span region were not imported: {}",
            path.display(),
            what.join(", ")
        ));
    }
}

/// "offsets read as code points in N regions, as UTF-16 units in M (tasks …)".
fn units_note(path: &Path, u: &Units) -> String {
    let mut parts = vec![format!("{} region(s) as code points", u.code_points)];
    if u.utf16 > 0 {
        let tasks: Vec<String> = u.utf16_tasks.iter().map(usize::to_string).collect();
        parts.push(format!(
            "{} as UTF-16 units (task {})",
            u.utf16,
            tasks.join(", ")
        ));
    }
    if u.unchecked > 0 {
        parts.push(format!(
            "{} without a text to check, read as code points",
            u.unchecked
        ));
    }
    format!("{}: offsets read: {}", path.display(), parts.join("; "))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(json: &str) -> Parsed {
        let mut p = Parsed::default();
        parse(json, Path::new("ls.json"), &mut p, &mut |_, _| {});
        p
    }

    #[test]
    fn offsets_are_tried_as_code_points_then_utf16() {
        // "😀 قال": code points 2..5, UTF-16 units 3..6.
        let json = r#"[{"id":7,"data":{"text":"😀 قال"},"annotations":[{"result":[
            {"id":"a","from_name":"label","to_name":"text","type":"labels","value":{"start":2,"end":5,"text":"قال","labels":["claim"]}},
            {"id":"b","from_name":"label","to_name":"text","type":"labels","value":{"start":3,"end":6,"text":"قال","labels":["speaker"]}},
            {"id":"c","from_name":"label","to_name":"text","type":"labels","value":{"start":1,"end":2,"text":"x","labels":["entity"]}}
        ]}]}]"#;
        let p = parsed(json);
        let spans = &p.docs[0].spans;
        assert_eq!(spans.len(), 2);
        assert_eq!((spans[0].start, spans[0].end), (2, 5));
        assert_eq!((spans[1].start, spans[1].end), (2, 5));
        assert_eq!(p.docs[0].id, "7");
        assert_eq!(p.problems.len(), 1);
        assert!(
            p.problems[0]
                .to_string()
                .starts_with("ls.json: task 1 (id 7): region \"c\": text \"x\" matches"),
            "{}",
            p.problems[0]
        );
        assert_eq!(
            p.notes[0],
            "ls.json: offsets read: 1 region(s) as code points; 1 as UTF-16 units (task 1)"
        );
    }

    #[test]
    fn choices_notes_and_relations_attach_to_their_regions() {
        let json = r#"{"data":{"text":"قال مصدر إن"},"completions":[{"completed_by":{"email":"a@b"},"result":[
            {"id":"s4","from_name":"label","to_name":"text","type":"labels","value":{"start":4,"end":8,"text":"مصدر","labels":["speaker"]}},
            {"id":"s9","from_name":"label","to_name":"text","type":"labels","value":{"start":9,"end":11,"text":"إن","labels":["claim"]}},
            {"id":"s9","from_name":"quote","to_name":"text","type":"choices","value":{"start":9,"end":11,"choices":["direct"]}},
            {"id":"s9","from_name":"note","to_name":"text","type":"textarea","value":{"start":9,"end":11,"text":["a","b"]}},
            {"from_id":"s9","to_id":"s4","type":"relation","direction":"right","labels":["attributed_to"]},
            {"id":"x","from_name":"sentiment","to_name":"text","type":"choices","value":{"choices":["pos"]}}
        ]}]}"#;
        let p = parsed(json);
        assert!(p.problems.is_empty(), "{:?}", p.problems);
        let d = &p.docs[0];
        assert_eq!(d.spans[0].id, 4);
        assert_eq!(d.spans[0].annotator, "a@b");
        assert_eq!(
            d.spans[1].attributes,
            [("quote".into(), "direct".into(), 0)]
        );
        assert_eq!(d.spans[1].note, Some(("a\nb".into(), 0)));
        assert_eq!((d.relations[0].from, d.relations[0].to), (9, 4));
        assert!(p.notes[1].contains("1 \"choices\""), "{:?}", p.notes);
    }

    #[test]
    fn ids_offsets_and_texts_take_any_value_and_escapes() {
        // A numeric region id that the choices and textarea name as text, escaped strings, an
        // object as the task id, an offset given as text; the second task's labels are not
        // strings, so each task is read on its own and only that one is reported.
        let json = r#"[{"id":{"x":[1]},"data":{"text":"قال مصدر إن"},"annotations":[{"was_cancelled":true},{"completed_by":5,"result":[
            {"id":4,"type":"labels","value":{"start":4,"end":8,"text":"\u0645صدر","labels":["spe\u0061ker"]}},
            {"id":"4","from_name":"kind","type":"choices","value":{"choices":["person"]}},
            {"id":"4","from_name":"note","type":"textarea","value":{"text":"n"}},
            {"id":"s\u0039","type":"labels","value":{"start":"9","end":11,"labels":["claim"]}}
        ]}]},{"data":{"text":"x"},"annotations":[{"result":[{"type":"labels","value":{"labels":[1]}}]}]}]"#;
        let p = parsed(json);
        assert_eq!(p.docs.len(), 1);
        let d = &p.docs[0];
        assert_eq!(d.id, "task-1");
        assert_eq!(d.spans.len(), 1);
        let s = &d.spans[0];
        assert_eq!(
            (s.id, s.label.as_str(), s.start, s.end),
            (1, "speaker", 4, 8)
        );
        assert_eq!(s.annotator, "user 5");
        assert_eq!(s.attributes, [("kind".into(), "person".into(), 0)]);
        assert_eq!(s.note, Some(("n".into(), 0)));
        let problems: Vec<String> = p.problems.iter().map(ToString::to_string).collect();
        assert_eq!(
            problems,
            [
                "ls.json: task 2: not a Label Studio task: invalid type: integer `1`, expected a string",
                "ls.json: task 1: region \"s9\": start and end are not character offsets",
            ]
        );
        assert_eq!(
            p.notes[1],
            "ls.json: 1 cancelled annotation(s) not imported"
        );
    }

    #[test]
    fn config_lists_labels_relations_attributes_and_the_note() {
        let c = label_config(&Schema::default());
        assert!(
            c.contains("<Label value=\"speaker\" background=\"#1f77b4\"/>"),
            "{c}"
        );
        assert!(c.contains("<Relation value=\"attributed_to\"/>"), "{c}");
        assert!(
            c.contains("<Choices name=\"quote\" toName=\"text\" perRegion=\"true\" choice=\"single\" visibleWhen=\"region-selected\" whenLabelValue=\"claim\">"),
            "{c}"
        );
        assert!(c.contains("<TextArea name=\"note\""), "{c}");
        assert_eq!(
            config_path(Path::new("/x/t.json")),
            Path::new("/x/t.label_config.xml")
        );
    }
}
