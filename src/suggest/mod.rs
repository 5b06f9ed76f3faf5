//! Suggestions for Arabic attribution: spans and relations proposed for the annotator to
//! accept or reject, from reporting-cue rules and from what the annotator has already marked.
//!
//! - cue rules (`rules.rs`) and entity rules (`entities.rs`): speakers, claims with their quote kind, the
//!   `attributed_to` link between them, and named entities, read off the text after folding
//!   (diacritics, tatweel and letter variants, as search does);
//! - [`learn`]: every span taught is proposed at the other occurrences of its text;
//! - [`evaluate`](mod@evaluate): precision, recall and F1 of the rules against a gold project.
//!
//! Everything here is pure (no egui, no io) except [`cli`], the `qalam suggest` command.
//! Suggestions are named with the project's schema: a label, attribute or relation type the
//! schema lacks is not proposed.

pub mod cli;
mod entities;
pub mod error;
pub mod evaluate;
pub mod learn;
mod lexicon;
mod rules;
mod text;

use std::collections::{BTreeMap, HashMap, HashSet};

pub use error::SuggestError;
pub use evaluate::{Evaluation, Row, Scores, evaluate};
pub use learn::{Learner, Proposal};

use crate::model::suggestion::LEARNED_RULE;
use crate::model::{Document, Project, Schema, SpanId, SuggestedLink, Suggestion};
use rules::{Cand, KnownSpeaker, Role, Target};

/// The label the rules give speakers, when the schema has it.
pub const SPEAKER: &str = "speaker";
/// The label the rules give claims, when the schema has it.
pub const CLAIM: &str = "claim";
/// The label the rules give named entities, when the schema has it.
pub const ENTITY: &str = "entity";
/// The relation type from a claim to its speaker, when the schema has it.
pub const ATTRIBUTED_TO: &str = "attributed_to";

/// The rules' candidates for one document; the spans labelled `speaker_label` are speakers
/// already known.
fn rule_candidates(doc: &Document, speaker_label: &str) -> Vec<Cand> {
    let lex = lexicon::lexicon();
    let a = text::Analysis::new(doc.text(), lex);
    let mut known: Vec<KnownSpeaker> = doc
        .spans
        .iter()
        .filter(|s| s.label == speaker_label)
        .map(|s| KnownSpeaker {
            start: s.start,
            end: s.end,
            id: s.id,
        })
        .collect();
    known.sort_by_key(|k| (k.end, k.start));
    let mut cands = rules::cue_candidates(&a, lex, &known);
    let speakers: Vec<(usize, usize)> = cands
        .iter()
        .filter(|c| c.role == Role::Speaker)
        .map(|c| (c.start, c.end))
        .chain(known.iter().map(|k| (k.start, k.end)))
        .collect();
    cands.extend(entities::entity_candidates(&a, lex, &speakers));
    cands
}

/// The rules' suggestions for `doc` under `schema` (no learner): never one with the label and
/// range of an existing span or of a rejection. Ids follow the document's largest span id.
pub fn suggest_document(doc: &Document, schema: &Schema) -> Vec<Suggestion> {
    finish(
        doc,
        schema,
        rule_candidates(doc, speaker_label(schema)),
        &[],
    )
}

/// The name of the label the rules' speakers get in `schema` (it may have been renamed).
fn speaker_label(schema: &Schema) -> &str {
    schema
        .label_for_rules(SPEAKER)
        .map_or(SPEAKER, |l| l.name.as_str())
}

/// Suggestions for every document of `project`: the rules', and the learner's from the spans
/// and rejections already in the project.
pub fn suggest_project(project: &Project) -> Vec<Vec<Suggestion>> {
    let learner = Learner::new(project);
    project
        .documents
        .iter()
        .enumerate()
        .map(|(i, d)| {
            finish(
                d,
                &project.schema,
                rule_candidates(d, speaker_label(&project.schema)),
                &learner.proposals_in(i),
            )
        })
        .collect()
}

/// Turns learner proposals for one document into suggestions (as [`suggest_document`] does
/// for the rules), e.g. after [`Learner::teach`].
pub fn suggestions_from_proposals(
    doc: &Document,
    schema: &Schema,
    proposals: &[Proposal],
) -> Vec<Suggestion> {
    finish(doc, schema, Vec::new(), proposals)
}

/// What became of a candidate.
#[derive(Clone, Copy)]
enum Slot {
    New(usize),
    Existing(SpanId),
    Dropped,
}

/// A suggestion before ids are given.
struct Draft {
    label: String,
    start: usize,
    end: usize,
    attributes: BTreeMap<String, String>,
    rule: &'static str,
    score: u8,
    speakers: Vec<Target>,
    same_as: Option<Target>,
}

/// Names candidates with the schema, drops those that repeat an existing span or a
/// rejection (linking to the existing span instead), merges repeats, adds the learner's
/// proposals and numbers the result after the document's spans.
fn finish(
    doc: &Document,
    schema: &Schema,
    cands: Vec<Cand>,
    learned: &[Proposal],
) -> Vec<Suggestion> {
    let has_label = |name: &str| schema.label(name).is_some();
    // The schema's labels for the rules' kinds, renamed ones included.
    let label_of = |role: Role| {
        let kind = match role {
            Role::Speaker => SPEAKER,
            Role::Claim => CLAIM,
            Role::Entity => ENTITY,
        };
        schema.label_for_rules(kind).map(|l| l.name.as_str())
    };
    let allowed = |label: &str, name: &str, value: &str| {
        schema
            .attributes
            .iter()
            .any(|d| d.label == label && d.name == name && d.values.iter().any(|v| v == value))
    };
    let link_kind = match (
        schema.relation_for_rules(ATTRIBUTED_TO),
        label_of(Role::Claim),
        label_of(Role::Speaker),
    ) {
        (Some(r), Some(claim), Some(speaker)) if r.allows(claim, speaker) => Some(r.name.as_str()),
        _ => None,
    };
    let links = link_kind.is_some();
    let existing: HashMap<(&str, usize, usize), SpanId> = doc
        .spans
        .iter()
        .map(|s| ((s.label.as_str(), s.start, s.end), s.id))
        .collect();
    let rejected: HashSet<(&str, usize, usize)> = doc
        .rejected
        .iter()
        .map(|r| (r.label.as_str(), r.start, r.end))
        .collect();
    let len = doc.len_chars();
    let mut drafts: Vec<Draft> = Vec::new();
    let mut at: HashMap<(String, usize, usize), usize> = HashMap::new();
    let mut slots = Vec::with_capacity(cands.len());
    for c in &cands {
        let Some(label) = label_of(c.role) else {
            slots.push(Slot::Dropped);
            continue;
        };
        if c.start >= c.end || c.end > len || rejected.contains(&(label, c.start, c.end)) {
            slots.push(Slot::Dropped);
            continue;
        }
        if let Some(&id) = existing.get(&(label, c.start, c.end)) {
            slots.push(Slot::Existing(id));
            continue;
        }
        let key = (label.to_owned(), c.start, c.end);
        if let Some(&j) = at.get(&key) {
            let d = &mut drafts[j];
            d.score = d.score.max(c.score);
            for s in &c.speakers {
                if !d.speakers.contains(s) {
                    d.speakers.push(*s);
                }
            }
            slots.push(Slot::New(j));
            continue;
        }
        let mut attributes = BTreeMap::new();
        if let Some(q) = c.quote.filter(|q| allowed(label, "quote", q)) {
            attributes.insert("quote".to_owned(), q.to_owned());
        }
        if let Some(k) = c.kind.filter(|k| allowed(label, "kind", k)) {
            attributes.insert("kind".to_owned(), k.to_owned());
        }
        at.insert(key, drafts.len());
        slots.push(Slot::New(drafts.len()));
        drafts.push(Draft {
            label: label.to_owned(),
            start: c.start,
            end: c.end,
            attributes,
            rule: c.rule,
            score: c.score,
            speakers: if links {
                c.speakers.clone()
            } else {
                Vec::new()
            },
            same_as: c.same_as,
        });
    }
    for p in learned {
        let label = p.label.as_str();
        let key = (p.label.clone(), p.start, p.end);
        if !has_label(label)
            || p.start >= p.end
            || p.end > len
            || rejected.contains(&(label, p.start, p.end))
            || existing.contains_key(&(label, p.start, p.end))
            || at.contains_key(&key)
        {
            continue;
        }
        let attributes = p
            .attributes
            .iter()
            .filter(|(k, v)| allowed(label, k, v))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        at.insert(key, drafts.len());
        drafts.push(Draft {
            label: p.label.clone(),
            start: p.start,
            end: p.end,
            attributes,
            rule: LEARNED_RULE,
            score: p.score,
            speakers: Vec::new(),
            same_as: None,
        });
    }
    // Numbered in file order, after the document's spans (earlier suggestions are replaced).
    let label_rank = |l: &str| schema.span_labels.iter().position(|s| s.name == l);
    let mut order: Vec<usize> = (0..drafts.len()).collect();
    order.sort_by_key(|&i| (drafts[i].start, drafts[i].end, label_rank(&drafts[i].label)));
    let base = doc.spans.iter().map(|s| s.id).max().map_or(1, |m| m + 1);
    let mut id_of = vec![0; drafts.len()];
    for (rank, &i) in order.iter().enumerate() {
        id_of[i] = base + rank as SpanId;
    }
    let resolve = |t: Target| match t {
        Target::Span(id) => Some(id),
        Target::Cand(k) => match slots.get(k) {
            Some(Slot::New(j)) => Some(id_of[*j]),
            Some(Slot::Existing(id)) => Some(*id),
            _ => None,
        },
    };
    order
        .iter()
        .filter_map(|&i| {
            let d = &drafts[i];
            let text = doc.slice(d.start, d.end)?.to_owned();
            let mut out_links: Vec<SuggestedLink> = Vec::new();
            for t in &d.speakers {
                if let Some(to) = resolve(*t)
                    && !out_links.iter().any(|l| l.to == to)
                {
                    out_links.push(SuggestedLink {
                        kind: link_kind.unwrap_or(ATTRIBUTED_TO).to_owned(),
                        to,
                    });
                }
            }
            Some(Suggestion {
                id: id_of[i],
                label: d.label.clone(),
                start: d.start,
                end: d.end,
                text,
                attributes: d.attributes.clone(),
                rule: d.rule.to_owned(),
                score: d.score,
                links: out_links,
                same_as: d.same_as.and_then(resolve),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests;
