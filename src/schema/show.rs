//! A schema as readable text: labels with key and colour, relation types with from/to,
//! attributes with values, and the guidelines of each.

use std::fmt::Write;

use crate::model::{Guidelines, Schema};

/// The summary `qalam schema show` prints, ending with a newline.
pub fn summary(schema: &Schema) -> String {
    let mut out = String::new();
    // Writing to a String cannot fail.
    let _ = write_summary(&mut out, schema);
    out
}

fn write_summary(out: &mut String, s: &Schema) -> std::fmt::Result {
    writeln!(out, "revision {}", s.revision)?;
    writeln!(out, "labels ({}):", s.span_labels.len())?;
    for l in &s.span_labels {
        let key = if l.key.is_empty() { "-" } else { &l.key };
        writeln!(
            out,
            "  {}  key {key}  colour {}  {}",
            l.name, l.color, l.description
        )?;
        guidelines(out, l)?;
    }
    writeln!(out, "relation types ({}):", s.relation_types.len())?;
    for r in &s.relation_types {
        let key = if r.key.is_empty() { "-" } else { &r.key };
        writeln!(
            out,
            "  {}  {} → {}  key {key}  {}",
            r.name,
            r.from.join("|"),
            r.to.join("|"),
            r.description
        )?;
        guidelines(out, r)?;
    }
    writeln!(out, "attributes ({}):", s.attributes.len())?;
    for a in &s.attributes {
        writeln!(out, "  {}.{}: {}", a.label, a.name, a.values.join(", "))?;
        guidelines(out, a)?;
    }
    Ok(())
}

/// The guideline lines of one item, indented under it.
fn guidelines(out: &mut String, g: &impl Guidelines) -> std::fmt::Result {
    for (what, text) in [
        ("definition", g.definition()),
        ("use when", g.use_when()),
        ("avoid when", g.avoid_when()),
    ] {
        if !text.is_empty() {
            writeln!(out, "      {what}: {text}")?;
        }
    }
    for e in g.examples() {
        match e.marked() {
            Some(m) => writeln!(out, "      example: {}  [marked: {m}]", e.text)?,
            None => writeln!(out, "      example: {}", e.text)?,
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_summary_names_every_item_and_its_guidelines() {
        let s = Schema::default();
        let text = summary(&s);
        assert!(text.starts_with("revision 0\nlabels (3):\n  speaker  key 1  colour #1f77b4"));
        assert!(text.contains("  attributed_to  claim → speaker  key a"));
        assert!(text.contains("  entity.kind: person, organization, location, other"));
        assert!(
            text.contains("[marked: المتحدث باسم الوزارة، خالد شمال]"),
            "{text}"
        );
        let examples: usize = s.span_labels.iter().map(|l| l.examples.len()).sum();
        assert_eq!(text.matches("      example: ").count(), examples);
    }
}
