//! A large, valid project for benchmarks and load tests: about 1 MB of Arabic text with
//! 50,000 spans and 5,000 relations, the same for the same seed.

use std::collections::HashSet;

use crate::model::{Document, Project, Relation, Span};

/// The seed article the large text is made of.
const SEED_TEXT: &str = include_str!("../../seeds/000_19e18760a7c74451.txt");

/// Size the large text reaches, in bytes.
pub const TEXT_BYTES: usize = 1_000_000;
/// Number of spans in the large project.
pub const SPANS: usize = 50_000;
/// Number of relations in the large project.
pub const RELATIONS: usize = 5_000;

/// A small deterministic generator (SplitMix64), so the fixture needs no extra crate.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number below `n` (`n` > 0).
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// At least [`TEXT_BYTES`] of Arabic: numbered copies of the seed article, one per paragraph.
pub fn large_text() -> String {
    let mut text = String::with_capacity(TEXT_BYTES + SEED_TEXT.len() + 16);
    let mut copy = 1;
    while text.len() < TEXT_BYTES {
        text.push_str(&format!("[{copy}] "));
        text.push_str(SEED_TEXT.trim_end());
        text.push('\n');
        copy += 1;
    }
    text
}

/// Code-point ranges of the words (runs of non-whitespace) of `text`.
fn word_ranges(text: &str) -> Vec<(usize, usize)> {
    let mut words = Vec::new();
    let mut start = None;
    let mut i = 0;
    for c in text.chars() {
        match (c.is_whitespace(), start) {
            (true, Some(s)) => {
                words.push((s, i));
                start = None;
            }
            (false, None) => start = Some(i),
            _ => {}
        }
        i += 1;
    }
    if let Some(s) = start {
        words.push((s, i));
    }
    words
}

/// The benchmark project for `seed`: one document of [`large_text`], [`SPANS`] spans over one
/// to four words (speaker, claim, entity; some with attributes and notes) and [`RELATIONS`]
/// relations between them, all valid against the default schema.
pub fn make_large_project(seed: u64) -> Project {
    let mut rng = Rng(seed);
    let mut doc = Document::new("large", "Large benchmark document", "bench_fixture", large_text());
    let words = word_ranges(doc.text());
    let mut taken = HashSet::with_capacity(SPANS);
    let mut by_label: [Vec<u64>; 3] = Default::default();
    let labels = ["speaker", "claim", "entity"];
    let mut id = 0;
    while doc.spans.len() < SPANS && !words.is_empty() {
        let first = rng.below(words.len());
        let last = (first + rng.below(4)).min(words.len() - 1);
        let which = rng.below(labels.len());
        let (start, end) = (words[first].0, words[last].1);
        if !taken.insert((which, start, end)) {
            continue;
        }
        id += 1;
        let Some(span) = doc.make_span(id, labels[which], start, end, "bench") else { continue };
        let span = decorate(span, &mut rng);
        doc.spans.push(span);
        by_label[which].push(id);
    }
    let [speakers, claims, entities] = &by_label;
    for rid in 1..=RELATIONS as u64 {
        if claims.is_empty() || speakers.is_empty() || entities.is_empty() {
            break;
        }
        let from = claims[rng.below(claims.len())];
        let relation = if rng.below(2) == 0 {
            Relation { id: rid, kind: "attributed_to".into(), from, to: speakers[rng.below(speakers.len())] }
        } else {
            Relation { id: rid, kind: "about".into(), from, to: entities[rng.below(entities.len())] }
        };
        doc.relations.push(relation);
    }
    doc.normalize_order();
    let mut project = Project::new("Large benchmark project", "bench");
    project.documents.push(doc);
    project
}

/// Gives some claims and entities an attribute and some spans a note.
fn decorate(mut span: Span, rng: &mut Rng) -> Span {
    let choice = rng.below(6);
    match span.label.as_str() {
        "claim" if choice < 2 => {
            let v = ["direct", "indirect", "mixed"][rng.below(3)];
            span.attributes.insert("quote".into(), v.into());
        }
        "entity" if choice < 3 => {
            let v = ["person", "organization", "location", "other"][rng.below(4)];
            span.attributes.insert("kind".into(), v.into());
        }
        _ => {}
    }
    if rng.below(20) == 0 {
        span.note = Some(format!("ملاحظة رقم {}", span.id));
    }
    span
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_runs_of_non_whitespace_in_code_points() {
        assert_eq!(word_ranges(" قال  x\n"), vec![(1, 4), (6, 7)]);
        assert_eq!(word_ranges("ab"), vec![(0, 2)]);
    }
}
