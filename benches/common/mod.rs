//! Fixtures shared by the benchmarks (each benchmark uses a part, hence the allowance):
//! - [`make_large_project`]: one document of about 1 MB of Arabic text with 50,000 spans and
//!   5,000 relations;
//! - [`make_corpus`]: 10,000 documents (about 30 MB of Arabic built from the seed article's
//!   paragraphs) with 500,000 spans and 50,000 relations.
//!
//! Both are valid against the default schema and the same for the same seed.
#![allow(dead_code)]

use std::collections::HashSet;

use qalam::model::{Document, Project, Relation, Span};

/// The seed article the large text is made of.
const SEED_TEXT: &str = include_str!("../../seeds/000_19e18760a7c74451.txt");

/// Size the large text reaches, in bytes.
pub const TEXT_BYTES: usize = 1_000_000;
/// Number of spans in the large project.
pub const SPANS: usize = 50_000;
/// Number of relations in the large project.
pub const RELATIONS: usize = 5_000;

/// A small deterministic generator (SplitMix64), so the fixture needs no extra crate.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number below `n` (`n` > 0).
    pub fn below(&mut self, n: usize) -> usize {
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
    let mut doc = Document::new(
        "large",
        "Large benchmark document",
        "bench_fixture",
        large_text(),
    );
    annotate(&mut doc, SPANS, RELATIONS, &mut rng);
    let mut project = Project::new("Large benchmark project", "bench");
    project.documents.push(doc.into());
    project
}

/// Adds `spans` distinct spans over one to four words and `relations` relations to `doc`.
fn annotate(doc: &mut Document, spans: usize, relations: usize, rng: &mut Rng) {
    let words = word_ranges(doc.text());
    let mut taken = HashSet::with_capacity(spans);
    let mut by_label: [Vec<u64>; 3] = Default::default();
    let labels = ["speaker", "claim", "entity"];
    let mut id = 0;
    while doc.spans.len() < spans && !words.is_empty() {
        let first = rng.below(words.len());
        let last = (first + rng.below(4)).min(words.len() - 1);
        let which = rng.below(labels.len());
        let (start, end) = (words[first].0, words[last].1);
        if !taken.insert((which, start, end)) {
            continue;
        }
        id += 1;
        let Some(span) = doc.make_span(id, labels[which], start, end, "bench") else {
            continue;
        };
        let span = decorate(span, rng);
        doc.spans.push(span);
        by_label[which].push(id);
    }
    let [speakers, claims, entities] = &by_label;
    for rid in 1..=relations as u64 {
        if claims.is_empty() || speakers.is_empty() || entities.is_empty() {
            break;
        }
        let from = claims[rng.below(claims.len())];
        let relation = if rng.below(2) == 0 {
            Relation {
                id: rid,
                kind: "attributed_to".into(),
                from,
                to: speakers[rng.below(speakers.len())],
                annotator: String::new(),
            }
        } else {
            Relation {
                id: rid,
                kind: "about".into(),
                from,
                to: entities[rng.below(entities.len())],
                annotator: String::new(),
            }
        };
        doc.relations.push(relation);
    }
    doc.normalize_order();
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

/// Documents in the benchmark corpus.
pub const CORPUS_DOCUMENTS: usize = 10_000;
/// Spans per corpus document (500,000 in all).
pub const CORPUS_SPANS_PER_DOCUMENT: usize = 50;
/// Relations per corpus document (50,000 in all).
pub const CORPUS_RELATIONS_PER_DOCUMENT: usize = 5;

/// The benchmark corpus: `documents` articles of five to nine of the seed's paragraphs each
/// (picked and ordered by `seed`, about 3 kB per article), headed by their number so every
/// text is distinct, each with [`CORPUS_SPANS_PER_DOCUMENT`] spans and
/// [`CORPUS_RELATIONS_PER_DOCUMENT`] relations; statuses cycle through to do / in progress / done.
pub fn make_corpus(documents: usize, seed: u64) -> Project {
    let mut rng = Rng(seed);
    let paragraphs: Vec<&str> = SEED_TEXT.lines().filter(|l| !l.trim().is_empty()).collect();
    let mut project = Project::new("Benchmark corpus", "bench");
    for n in 0..documents {
        let count = 5 + rng.below(5);
        let mut text = format!("[{}] ", n + 1);
        for k in 0..count {
            if k > 0 {
                text.push('\n');
            }
            text.push_str(paragraphs[rng.below(paragraphs.len())]);
        }
        let title: String = text.chars().take(60).collect();
        let mut doc = Document::new(
            format!("doc{:05}", n + 1),
            title,
            format!("corpus/{:05}.txt", n + 1),
            text,
        );
        doc.status = [
            qalam::model::DocStatus::Todo,
            qalam::model::DocStatus::InProgress,
            qalam::model::DocStatus::Done,
        ][n % 3];
        annotate(
            &mut doc,
            CORPUS_SPANS_PER_DOCUMENT,
            CORPUS_RELATIONS_PER_DOCUMENT,
            &mut rng,
        );
        project.documents.push(doc.into());
    }
    project
}
