//! The label schema: which span labels, relation types and attributes a project allows.

use serde::{Deserialize, Serialize};

/// One span label, such as `speaker`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SpanLabel {
    /// The label's name as written in spans (`label: "speaker"`).
    pub name: String,
    /// Display colour as `#rrggbb`.
    #[serde(default = "default_color")]
    pub color: String,
    /// Keyboard shortcut (one character, e.g. `"1"`).
    #[serde(default)]
    pub key: String,
    /// One-line description shown in the label bar and help.
    #[serde(default)]
    pub description: String,
    /// What the item is, in a sentence or two (annotation guidelines).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub definition: String,
    /// When to use it: what to include, where its boundaries go.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub use_when: String,
    /// When not to use it, and what to leave out.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub avoid_when: String,
    /// Short example texts, each with the part that would be marked.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub examples: Vec<Example>,
    /// The suggestion rules' kind this label receives (`speaker`, `claim`, `entity`) when it
    /// is not named so itself: set when such a label is renamed, so suggestions follow.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub suggests: String,
}

fn default_color() -> String {
    "#888888".to_owned()
}

impl Default for SpanLabel {
    /// A label without a name, grey, with no key, description or guidelines.
    fn default() -> Self {
        SpanLabel {
            name: String::new(),
            color: default_color(),
            key: String::new(),
            description: String::new(),
            definition: String::new(),
            use_when: String::new(),
            avoid_when: String::new(),
            examples: Vec::new(),
            suggests: String::new(),
        }
    }
}

/// The part of an example text that would be marked, in code points, end-exclusive.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Mark {
    /// First code point of the marked part.
    pub start: usize,
    /// One past its last code point.
    pub end: usize,
}

/// A guideline example: a short text and, optionally, the part of it that would be marked.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Example {
    /// The example text, as it would appear in a document.
    pub text: String,
    /// The marked part (for a relation type: the source span; for an attribute: the span
    /// that carries it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mark: Option<Mark>,
}

impl Example {
    /// An example whose marked part is the first occurrence of `marked` in `text` (no mark
    /// when `marked` is empty or not in `text`).
    pub fn marking(text: &str, marked: &str) -> Self {
        let mark = (!marked.is_empty())
            .then(|| text.find(marked))
            .flatten()
            .map(|byte| {
                let start = text[..byte].chars().count();
                Mark {
                    start,
                    end: start + marked.chars().count(),
                }
            });
        Example {
            text: text.to_owned(),
            mark,
        }
    }

    /// The marked part of the text; `None` without a mark or when it does not fit the text.
    pub fn marked(&self) -> Option<&str> {
        let m = self.mark?;
        if m.start >= m.end {
            return None;
        }
        let mut bounds = self
            .text
            .char_indices()
            .map(|(i, _)| i)
            .chain(std::iter::once(self.text.len()));
        let start = bounds.nth(m.start)?;
        let end = bounds.nth(m.end - m.start - 1)?;
        self.text.get(start..end)
    }

    /// What is wrong with the mark, if anything: empty, reversed or past the end of the text.
    pub fn mark_problem(&self) -> Option<String> {
        let m = self.mark?;
        let len = self.text.chars().count();
        if m.start >= m.end {
            Some(format!("mark {}..{} is empty or reversed", m.start, m.end))
        } else if m.end > len {
            Some(format!(
                "mark {}..{} ends past the text ({len} code points)",
                m.start, m.end
            ))
        } else {
            None
        }
    }
}

/// The guideline fields that span labels, relation types and attributes share.
pub trait Guidelines {
    /// What the item is.
    fn definition(&self) -> &str;
    /// When to use it.
    fn use_when(&self) -> &str;
    /// When not to use it.
    fn avoid_when(&self) -> &str;
    /// Its examples.
    fn examples(&self) -> &[Example];
    /// Whether it carries no guideline at all.
    fn has_no_guidelines(&self) -> bool {
        self.definition().is_empty()
            && self.use_when().is_empty()
            && self.avoid_when().is_empty()
            && self.examples().is_empty()
    }
}

macro_rules! guidelines_of {
    ($t:ty) => {
        impl Guidelines for $t {
            fn definition(&self) -> &str {
                &self.definition
            }
            fn use_when(&self) -> &str {
                &self.use_when
            }
            fn avoid_when(&self) -> &str {
                &self.avoid_when
            }
            fn examples(&self) -> &[Example] {
                &self.examples
            }
        }
    };
}

guidelines_of!(SpanLabel);
guidelines_of!(RelationType);
guidelines_of!(AttributeDef);

impl SpanLabel {
    /// The colour as RGB bytes; grey when the stored string is not `#rrggbb`.
    pub fn rgb(&self) -> [u8; 3] {
        parse_hex_color(&self.color).unwrap_or([0x88, 0x88, 0x88])
    }
}

/// Parses `#rrggbb` into RGB bytes.
pub fn parse_hex_color(s: &str) -> Option<[u8; 3]> {
    let hex = s.strip_prefix('#')?;
    if hex.len() != 6 || !hex.is_ascii() {
        return None;
    }
    let byte = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).ok();
    Some([byte(0)?, byte(2)?, byte(4)?])
}

/// One relation type, such as `attributed_to` (claim → speaker).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RelationType {
    /// The type's name as written in relations.
    pub name: String,
    /// Span labels allowed at the relation's source.
    #[serde(default)]
    pub from: Vec<String>,
    /// Span labels allowed at the relation's target.
    #[serde(default)]
    pub to: Vec<String>,
    /// Keyboard shortcut that starts linking (e.g. `"a"`).
    #[serde(default)]
    pub key: String,
    /// One-line description.
    #[serde(default)]
    pub description: String,
    /// What the item is, in a sentence or two (annotation guidelines).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub definition: String,
    /// When to use it: what to include, where its boundaries go.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub use_when: String,
    /// When not to use it, and what to leave out.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub avoid_when: String,
    /// Short example texts, each with the part that would be marked.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub examples: Vec<Example>,
    /// The suggestion rules' relation this type receives (`attributed_to`) when it is not
    /// named so itself: set when such a type is renamed, so suggested links follow.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub suggests: String,
}

impl RelationType {
    /// Whether a relation of this type may go from a span labelled `from` to one labelled `to`.
    pub fn allows(&self, from: &str, to: &str) -> bool {
        self.from.iter().any(|l| l == from) && self.to.iter().any(|l| l == to)
    }
}

/// An attribute that spans of one label may carry, with its allowed values.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AttributeDef {
    /// The span label this attribute belongs to (e.g. `claim`).
    pub label: String,
    /// The attribute's name (e.g. `quote`).
    pub name: String,
    /// The allowed values (e.g. `direct`, `indirect`, `mixed`).
    pub values: Vec<String>,
    /// What the item is, in a sentence or two (annotation guidelines).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub definition: String,
    /// When to use it: what to include, where its boundaries go.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub use_when: String,
    /// When not to use it, and what to leave out.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub avoid_when: String,
    /// Short example texts, each with the part that would be marked.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub examples: Vec<Example>,
}

/// The full label schema of a project.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Schema {
    /// The schema's revision, raised by whoever changes it; `qalam schema apply` records it in
    /// each project it migrates (written only when not 0).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub revision: u32,
    /// Span labels, in display order.
    #[serde(default)]
    pub span_labels: Vec<SpanLabel>,
    /// Relation types.
    #[serde(default)]
    pub relation_types: Vec<RelationType>,
    /// Attributes per span label.
    #[serde(default)]
    pub attributes: Vec<AttributeDef>,
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

impl Default for Schema {
    /// The default news-annotation schema: speaker, claim, entity; attributed_to and about;
    /// with attribution guidelines and examples from the seed article.
    fn default() -> Self {
        let strings = |xs: &[&str]| xs.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        let examples = |xs: &[(&str, &str)]| {
            xs.iter()
                .map(|(text, marked)| Example::marking(text, marked))
                .collect::<Vec<_>>()
        };
        Schema {
            revision: 0,
            span_labels: vec![
                SpanLabel {
                    name: "speaker".to_owned(),
                    color: "#1f77b4".to_owned(),
                    key: "1".to_owned(),
                    description: "Who says it: a person, source or outlet quoted.".to_owned(),
                    definition: "The source a claim is attributed to: a person, an institution, \
                                 an outlet or an unnamed source, marked as the whole noun phrase \
                                 that names it."
                        .to_owned(),
                    use_when: "Mark the whole phrase that names the source, with its title and \
                               its apposition (\"المتحدث باسم الوزارة، خالد شمال\", \"اللواء \
                               المتقاعد والخبير في الشأن الأمني، ميثاق القيسي\"), also an unnamed \
                               source (\"مصادر أمنية\"). A later bare mention that introduces a \
                               new claim (\"وأضاف القيسي\") is marked again."
                        .to_owned(),
                    avoid_when: "Leave out the reporting verb (قال، أضاف، أكد), the proclitics \
                                 و ف ل, a relative clause after the name (\"الذي رفض الكشف عن \
                                 هويته\") and the outlet a statement was given to (\"لـسكاي نيوز \
                                 عربية\" is an entity, not the speaker)."
                        .to_owned(),
                    examples: examples(&[
                        (
                            "وقال المتحدث باسم الوزارة، خالد شمال، إن الحملة مستمرة",
                            "المتحدث باسم الوزارة، خالد شمال",
                        ),
                        (
                            "وقال مصدر أمني، لـ\"سكاي نيوز عربية\" إن \"الحملة الأمنية جاءت وفق خطة معدة مسبقاً\"",
                            "مصدر أمني",
                        ),
                        (
                            "وأضاف المصدر، الذي رفض الكشف عن هويته، أن \"الحملة ستمتد على مدار أكثر من أربعة أشهر\"",
                            "المصدر",
                        ),
                    ]),
                    suggests: String::new(),
                },
                SpanLabel {
                    name: "claim".to_owned(),
                    color: "#d62728".to_owned(),
                    key: "2".to_owned(),
                    description: "What is said: the reported statement.".to_owned(),
                    definition: "The content a source is reported to have said, quoted or \
                                 paraphrased."
                        .to_owned(),
                    use_when: "Mark the reported content after إن / أن / على or the colon, \
                               without the quotation marks around it; reported speech runs to \
                               the end of its clause. Set quote: direct for a quotation, \
                               indirect for reported speech, mixed for both or a quotation \
                               that is the object of على."
                        .to_owned(),
                    avoid_when: "Leave out the quotation marks, إن / أن and the reporting verb; \
                                 do not mark what the article states itself without a source \
                                 (\"واغتيل الجمعة الماضية، هشام المشهداني\")."
                        .to_owned(),
                    examples: examples(&[
                        (
                            "ولفت إلى أن \"الحملة انطلقت بمشاركة كل الأجهزة الأمنية\"",
                            "الحملة انطلقت بمشاركة كل الأجهزة الأمنية",
                        ),
                        (
                            "أفادت مصادر أمنية بأن رئيس الحكومة مصطفى الكاظمي، أطلق حملة كبيرة لتأمين الانتخابات النيابية",
                            "رئيس الحكومة مصطفى الكاظمي، أطلق حملة كبيرة لتأمين الانتخابات النيابية",
                        ),
                        (
                            "شدد الرئيس العراقي برهم صالح على \"أهمية تأمين إجراء انتخابات نزيهة وعادلة\"",
                            "أهمية تأمين إجراء انتخابات نزيهة وعادلة",
                        ),
                    ]),
                    suggests: String::new(),
                },
                SpanLabel {
                    name: "entity".to_owned(),
                    color: "#2ca02c".to_owned(),
                    key: "3".to_owned(),
                    description: "Who or what it is about: person, organisation, place.".to_owned(),
                    definition: "A named person, organisation or place.".to_owned(),
                    use_when: "Mark the name, with a title that is part of how the person is \
                               named (\"رئيس الحكومة مصطفى الكاظمي\"), the full name of an \
                               organisation (\"المفوضية العليا المستقلة للانتخابات\"), and place \
                               names; set kind."
                        .to_owned(),
                    avoid_when: "Leave out mentions without a name (\"الحكومة\", \"الأجهزة \
                                 الأمنية\", \"كتل سياسية\"), later mentions of a name already \
                                 marked in the document, names inside a speaker span, the \
                                 proclitics و ف ب ل ك and a following description (\"، عضو تحالف \
                                 عزم\")."
                        .to_owned(),
                    examples: examples(&[
                        (
                            "واغتيل الجمعة الماضية، هشام المشهداني، عضو تحالف عزم",
                            "هشام المشهداني",
                        ),
                        ("عضو تحالف عزم، الانتخابي", "تحالف عزم"),
                        ("في هجوم مسلح شمالي العاصمة بغداد", "بغداد"),
                    ]),
                    suggests: String::new(),
                },
            ],
            relation_types: vec![
                RelationType {
                    name: "attributed_to".to_owned(),
                    from: strings(&["claim"]),
                    to: strings(&["speaker"]),
                    key: "a".to_owned(),
                    description: "The claim is attributed to the speaker.".to_owned(),
                    definition: "Links each claim to the speaker who made it.".to_owned(),
                    use_when: "A claim whose speaker is not repeated (\"ولفت إلى أن …\") is \
                               linked to the speaker of the previous claim."
                        .to_owned(),
                    ..RelationType::default()
                },
                RelationType {
                    name: "about".to_owned(),
                    from: strings(&["claim"]),
                    to: strings(&["entity"]),
                    key: "b".to_owned(),
                    description: "The claim is about the entity.".to_owned(),
                    definition: "Links a claim to an entity it is mainly about.".to_owned(),
                    ..RelationType::default()
                },
            ],
            attributes: vec![
                AttributeDef {
                    label: "claim".to_owned(),
                    name: "quote".to_owned(),
                    values: strings(&["direct", "indirect", "mixed"]),
                    definition: "Whether the claim is quoted (direct), reported (indirect) or \
                                 both (mixed)."
                        .to_owned(),
                    ..AttributeDef::default()
                },
                AttributeDef {
                    label: "entity".to_owned(),
                    name: "kind".to_owned(),
                    values: strings(&["person", "organization", "location", "other"]),
                    definition: "What the entity names.".to_owned(),
                    ..AttributeDef::default()
                },
            ],
        }
    }
}

impl Schema {
    /// The label that receives the suggestion rules' kind `kind` (`speaker`, `claim`,
    /// `entity`): the one marked so with `suggests`, else the one named so.
    pub fn label_for_rules(&self, kind: &str) -> Option<&SpanLabel> {
        self.span_labels
            .iter()
            .find(|l| l.suggests == kind)
            .or_else(|| {
                self.span_labels
                    .iter()
                    .find(|l| l.name == kind && l.suggests.is_empty())
            })
    }

    /// The relation type that receives the suggestion rules' relation `kind`
    /// (`attributed_to`): the one marked so with `suggests`, else the one named so.
    pub fn relation_for_rules(&self, kind: &str) -> Option<&RelationType> {
        self.relation_types
            .iter()
            .find(|r| r.suggests == kind)
            .or_else(|| {
                self.relation_types
                    .iter()
                    .find(|r| r.name == kind && r.suggests.is_empty())
            })
    }

    /// The span label named `name`.
    pub fn label(&self, name: &str) -> Option<&SpanLabel> {
        self.span_labels.iter().find(|l| l.name == name)
    }

    /// The span label whose shortcut key is `key`.
    pub fn label_for_key(&self, key: &str) -> Option<&SpanLabel> {
        self.span_labels
            .iter()
            .find(|l| !l.key.is_empty() && l.key == key)
    }

    /// The relation type named `name`.
    pub fn relation_type(&self, name: &str) -> Option<&RelationType> {
        self.relation_types.iter().find(|r| r.name == name)
    }

    /// The attribute `name` of spans labelled `label`.
    pub fn attribute(&self, label: &str, name: &str) -> Option<&AttributeDef> {
        self.attributes
            .iter()
            .find(|a| a.label == label && a.name == name)
    }

    /// All attributes defined for spans labelled `label`.
    pub fn attributes_of<'a>(
        &'a self,
        label: &'a str,
    ) -> impl Iterator<Item = &'a AttributeDef> + 'a {
        self.attributes.iter().filter(move |a| a.label == label)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_schema_has_the_three_labels_and_two_relations() {
        let s = Schema::default();
        let names: Vec<_> = s.span_labels.iter().map(|l| l.name.as_str()).collect();
        assert_eq!(names, ["speaker", "claim", "entity"]);
        assert_eq!(s.label_for_key("2").map(|l| l.name.as_str()), Some("claim"));
        assert!(
            s.relation_type("attributed_to")
                .is_some_and(|r| r.allows("claim", "speaker"))
        );
        assert!(
            !s.relation_type("attributed_to")
                .is_some_and(|r| r.allows("speaker", "claim"))
        );
        assert!(
            s.attribute("claim", "quote")
                .is_some_and(|a| a.values.len() == 3)
        );
        assert_eq!(s.attributes_of("entity").count(), 1);
    }

    #[test]
    fn every_default_example_marks_the_part_it_names() {
        let s = Schema::default();
        for l in &s.span_labels {
            assert!(!l.definition.is_empty() && !l.use_when.is_empty() && !l.avoid_when.is_empty());
            assert!(l.examples.len() >= 2, "{}", l.name);
            for e in &l.examples {
                assert_eq!(e.mark_problem(), None, "{}: {}", l.name, e.text);
                let marked = e.marked().expect("every default example has a mark");
                assert!(!marked.starts_with(['"', ' ', '،']) && !marked.ends_with(['"', ' ', '،']));
            }
        }
        let speaker = &s.span_labels[0].examples[0];
        assert_eq!(speaker.marked(), Some("المتحدث باسم الوزارة، خالد شمال"));
    }

    #[test]
    fn example_marks_are_code_points_and_checked() {
        let e = Example::marking("قال مصدر أمني", "مصدر");
        assert_eq!(e.mark, Some(Mark { start: 4, end: 8 }));
        assert_eq!(e.marked(), Some("مصدر"));
        assert_eq!(Example::marking("abc", "x").mark, None);
        let past = Example {
            text: "قال".into(),
            mark: Some(Mark { start: 1, end: 4 }),
        };
        assert!(
            past.mark_problem()
                .is_some_and(|m| m.contains("past the text"))
        );
        assert_eq!(past.marked(), None);
        let empty = Example {
            text: "قال".into(),
            mark: Some(Mark { start: 2, end: 2 }),
        };
        assert!(empty.mark_problem().is_some());
        let whole = Example {
            text: "قال".into(),
            mark: Some(Mark { start: 0, end: 3 }),
        };
        assert_eq!((whole.mark_problem(), whole.marked()), (None, Some("قال")));
    }

    #[test]
    fn hex_colours_parse_or_fall_back() {
        assert_eq!(parse_hex_color("#1f77b4"), Some([0x1f, 0x77, 0xb4]));
        assert_eq!(parse_hex_color("1f77b4"), None);
        assert_eq!(parse_hex_color("#1f77b"), None);
        assert_eq!(parse_hex_color("#ééé"), None);
        let l = SpanLabel {
            name: "x".into(),
            color: "bad".into(),
            ..SpanLabel::default()
        };
        assert_eq!(l.rgb(), [0x88, 0x88, 0x88]);
    }
}
