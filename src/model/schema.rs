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
}

fn default_color() -> String {
    "#888888".to_owned()
}

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
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
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
}

impl RelationType {
    /// Whether a relation of this type may go from a span labelled `from` to one labelled `to`.
    pub fn allows(&self, from: &str, to: &str) -> bool {
        self.from.iter().any(|l| l == from) && self.to.iter().any(|l| l == to)
    }
}

/// An attribute that spans of one label may carry, with its allowed values.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AttributeDef {
    /// The span label this attribute belongs to (e.g. `claim`).
    pub label: String,
    /// The attribute's name (e.g. `quote`).
    pub name: String,
    /// The allowed values (e.g. `direct`, `indirect`, `mixed`).
    pub values: Vec<String>,
}

/// The full label schema of a project.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Schema {
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

impl Default for Schema {
    /// The default news-annotation schema: speaker, claim, entity; attributed_to and about.
    fn default() -> Self {
        let label = |name: &str, color: &str, key: &str, description: &str| SpanLabel {
            name: name.to_owned(),
            color: color.to_owned(),
            key: key.to_owned(),
            description: description.to_owned(),
        };
        let strings = |xs: &[&str]| xs.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        Schema {
            span_labels: vec![
                label(
                    "speaker",
                    "#1f77b4",
                    "1",
                    "Who says it: a person, source or outlet quoted.",
                ),
                label(
                    "claim",
                    "#d62728",
                    "2",
                    "What is said: the reported statement.",
                ),
                label(
                    "entity",
                    "#2ca02c",
                    "3",
                    "Who or what it is about: person, organisation, place.",
                ),
            ],
            relation_types: vec![
                RelationType {
                    name: "attributed_to".to_owned(),
                    from: strings(&["claim"]),
                    to: strings(&["speaker"]),
                    key: "a".to_owned(),
                    description: "The claim is attributed to the speaker.".to_owned(),
                },
                RelationType {
                    name: "about".to_owned(),
                    from: strings(&["claim"]),
                    to: strings(&["entity"]),
                    key: "b".to_owned(),
                    description: "The claim is about the entity.".to_owned(),
                },
            ],
            attributes: vec![
                AttributeDef {
                    label: "claim".to_owned(),
                    name: "quote".to_owned(),
                    values: strings(&["direct", "indirect", "mixed"]),
                },
                AttributeDef {
                    label: "entity".to_owned(),
                    name: "kind".to_owned(),
                    values: strings(&["person", "organization", "location", "other"]),
                },
            ],
        }
    }
}

impl Schema {
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
    fn hex_colours_parse_or_fall_back() {
        assert_eq!(parse_hex_color("#1f77b4"), Some([0x1f, 0x77, 0xb4]));
        assert_eq!(parse_hex_color("1f77b4"), None);
        assert_eq!(parse_hex_color("#1f77b"), None);
        assert_eq!(parse_hex_color("#ééé"), None);
        let l = SpanLabel {
            name: "x".into(),
            color: "bad".into(),
            key: String::new(),
            description: String::new(),
        };
        assert_eq!(l.rgb(), [0x88, 0x88, 0x88]);
    }
}
