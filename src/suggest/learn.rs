//! The learner: every span the annotator makes or accepts teaches its text, which is then
//! proposed at its other occurrences in every document, with its label and attributes.
//!
//! Texts are compared as sequences of normalised tokens: folded as search folds them, with
//! the proclitics و ف ب ل ك and the article ال stripped, so a span "القيسي" also finds
//! "والقيسي" (and proposes "القيسي" there, the و left out as a hand selection leaves it).
//!
//! The corpus is indexed once ([`Learner::new`]): each document's tokens as interned keys, and
//! for each key where it occurs. Teaching one span ([`Learner::teach`]) looks up only the
//! occurrences of the taught text's rarest token, so an update costs what that text's
//! occurrences cost, not the corpus.
//!
//! A rejection teaches too: the same label at the same range of that document is not proposed
//! again (by the learner or the rules), and a text rejected as often as it was taught is no
//! longer proposed anywhere with that label.

use std::collections::{BTreeMap, HashMap, HashSet};

use unicode_segmentation::UnicodeSegmentation;

use super::error::SuggestError;
use super::text::strip_clitics;
use crate::model::search::fold_text;
use crate::model::{Project, Span};

/// One token of an indexed document (12 bytes: a corpus has millions).
#[derive(Clone, Copy, Debug)]
struct LTok {
    start: u32,
    key: u32,
    /// Code points, [`u16::MAX`] for a longer token (its end is in [`Learner::long`]).
    len: u16,
    /// Folded letters of proclitics (and article) before the key.
    prefix: u8,
    /// Its first letters carry marks (diacritics, tatweel): the offsets to cut it at are
    /// in [`Learner::marked`], not one code point per letter.
    marked: bool,
}

/// What one text with one label was taught.
#[derive(Clone, Debug, Default)]
struct Lesson {
    taught: u32,
    rejected: u32,
    attributes: BTreeMap<String, String>,
    /// Folded prefix letters the taught text's first token kept ("القيسي": 2, "قال": 0):
    /// occurrences are cut so that as many are kept.
    prefix: u8,
}

/// A text and a label: what a lesson is about.
type LessonKey = (Box<[u32]>, u32);

/// A span the learner proposes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Proposal {
    /// Index of the document in the project.
    pub doc: usize,
    /// The label taught.
    pub label: String,
    /// First code point.
    pub start: usize,
    /// One past the last code point.
    pub end: usize,
    /// The attributes taught.
    pub attributes: BTreeMap<String, String>,
    /// Confidence in per cent.
    pub score: u8,
}

/// What the annotator taught, over an index of the corpus's texts.
#[derive(Debug, Default)]
pub struct Learner {
    keys: HashMap<Box<str>, u32>,
    /// Every document's tokens, one after the other: document `d`'s are
    /// `toks[doc_at[d]..doc_at[d + 1]]` (one array, no slack per document).
    toks: Vec<LTok>,
    doc_at: Vec<u32>,
    /// The end of each token of [`u16::MAX`] code points or more, by index in `toks`.
    long: HashMap<u32, u32>,
    /// Code points from a marked token's start to after its first 0, 1, … 4 folded letters
    /// (with their marks), by index in `toks`: to cut an occurrence where the taught text
    /// was cut. Unmarked tokens have one code point per letter.
    marked: HashMap<u32, [u8; 5]>,
    /// Where each key occurs, as indexes in `toks` (so in corpus order): those of key `k`
    /// are `postings[posting_at[k]..posting_at[k + 1]]` (one array: no slack per key).
    postings: Vec<u32>,
    posting_at: Vec<usize>,
    labels: Vec<String>,
    lessons: HashMap<LessonKey, Lesson>,
    /// Lessons by their first key, for proposing in one document.
    by_first: HashMap<u32, Vec<LessonKey>>,
    /// (label, start, end) of every span and rejection per document, sorted: never proposed.
    taken: Vec<Vec<(u32, u32, u32)>>,
}

/// Folded, proclitic-free key of one token (a word) or the mark itself, the number of folded
/// prefix letters before the key, and the raw offsets after 0 … 4 folded letters.
fn token_key(seg: &str) -> (String, u8, [u8; 5]) {
    if !seg.chars().any(char::is_alphanumeric) {
        let mark = if seg == "،" { "," } else { seg };
        return (mark.to_owned(), 0, [0; 5]);
    }
    let fold = fold_text(seg);
    let (n, bare) = strip_clitics(&fold);
    let mut offsets = [0u8; 5];
    for (letters, o) in offsets.iter_mut().enumerate() {
        *o = u8::try_from(super::text::raw_offset(seg, letters)).unwrap_or(u8::MAX);
    }
    (bare.to_owned(), u8::try_from(n).unwrap_or(u8::MAX), offsets)
}

/// Non-space tokens of `text` with their code-point ranges.
fn segments(text: &str) -> impl Iterator<Item = (usize, usize, &str)> {
    let mut pos = 0;
    text.split_word_bounds().filter_map(move |seg| {
        let n = if seg.is_ascii() {
            seg.len()
        } else {
            seg.chars().count()
        };
        let start = pos;
        pos += n;
        (!seg.chars().all(char::is_whitespace)).then_some((start, pos, seg))
    })
}

fn clamp32(x: usize) -> u32 {
    u32::try_from(x).unwrap_or(u32::MAX)
}

impl Learner {
    /// Indexes every document of `project` and learns from its spans and rejections.
    pub fn new(project: &Project) -> Self {
        let mut l = Learner::default();
        let mut counts: Vec<usize> = Vec::new();
        l.doc_at.reserve_exact(project.documents.len() + 1);
        for doc in &project.documents {
            l.doc_at.push(clamp32(l.toks.len()));
            for (start, end, seg) in segments(doc.text()) {
                let (key, prefix, offsets) = token_key(seg);
                let key = l.intern(key);
                let g = clamp32(l.toks.len());
                // Only the offsets a cut can use (after at most the prefix letters).
                let cuts = usize::from(prefix.min(4));
                let marked = offsets[..=cuts].iter().zip(0u8..).any(|(o, k)| *o != k);
                if marked {
                    l.marked.insert(g, offsets);
                }
                let len = match u16::try_from(end - start) {
                    Ok(n) if n < u16::MAX => n,
                    _ => {
                        l.long.insert(g, clamp32(end));
                        u16::MAX
                    }
                };
                l.toks.push(LTok {
                    start: clamp32(start),
                    key,
                    len,
                    prefix,
                    marked,
                });
                if counts.len() <= key as usize {
                    counts.resize(key as usize + 1, 0);
                }
                counts[key as usize] += 1;
            }
        }
        l.doc_at.push(clamp32(l.toks.len()));
        l.toks.shrink_to_fit();
        l.index_postings(&counts);
        l.marked.shrink_to_fit();
        for doc in &project.documents {
            let mut taken = Vec::with_capacity(doc.spans.len() + doc.rejected.len());
            for span in &doc.spans {
                let label = l.label_id(&span.label);
                taken.push((label, clamp32(span.start), clamp32(span.end)));
                l.lesson_of(label, span);
            }
            for r in &doc.rejected {
                let label = l.label_id(&r.label);
                taken.push((label, clamp32(r.start), clamp32(r.end)));
                l.count_rejection(label, &r.text);
            }
            taken.sort_unstable();
            taken.dedup();
            l.taken.push(taken);
        }
        l
    }

    /// Fills the postings from the documents' tokens, `counts` being each key's occurrences.
    fn index_postings(&mut self, counts: &[usize]) {
        let mut at = Vec::with_capacity(self.keys.len() + 1);
        let mut total = 0;
        for k in 0..self.keys.len() {
            at.push(total);
            total += counts.get(k).copied().unwrap_or(0);
        }
        at.push(total);
        // Filled in corpus order, so each key's postings are sorted by (document, token).
        let mut next = at.clone();
        let mut postings = vec![0; total];
        for (g, tok) in self.toks.iter().enumerate() {
            if let Some(n) = next.get_mut(tok.key as usize)
                && let Some(p) = postings.get_mut(*n)
            {
                *p = clamp32(g);
                *n += 1;
            }
        }
        self.postings = postings;
        self.posting_at = at;
    }

    /// Number of documents indexed.
    fn doc_count(&self) -> usize {
        self.doc_at.len().saturating_sub(1)
    }

    /// The tokens of document `doc` and the index of its first in `toks`.
    fn doc_toks(&self, doc: usize) -> (&[LTok], usize) {
        match (self.doc_at.get(doc), self.doc_at.get(doc + 1)) {
            (Some(&a), Some(&b)) => (
                self.toks.get(a as usize..b as usize).unwrap_or(&[]),
                a as usize,
            ),
            _ => (&[], 0),
        }
    }

    /// One past the last code point of token `g` (an index in `toks`).
    fn end_of(&self, g: usize, tok: &LTok) -> u32 {
        if tok.len == u16::MAX {
            self.long.get(&clamp32(g)).copied().unwrap_or(u32::MAX)
        } else {
            tok.start + u32::from(tok.len)
        }
    }

    /// The places (indexes in `toks`) of key `k`.
    fn postings_of(&self, k: u32) -> &[u32] {
        let k = k as usize;
        match (self.posting_at.get(k), self.posting_at.get(k + 1)) {
            (Some(&a), Some(&b)) => self.postings.get(a..b).unwrap_or(&[]),
            _ => &[],
        }
    }

    fn intern(&mut self, key: String) -> u32 {
        if let Some(&k) = self.keys.get(key.as_str()) {
            return k;
        }
        let k = clamp32(self.keys.len());
        self.keys.insert(key.into_boxed_str(), k);
        k
    }

    fn label_id(&mut self, label: &str) -> u32 {
        match self.labels.iter().position(|l| l == label) {
            Some(i) => clamp32(i),
            None => {
                self.labels.push(label.to_owned());
                clamp32(self.labels.len() - 1)
            }
        }
    }

    /// The keys of `text` and its first token's prefix letters; `None` if a token never
    /// occurs in the corpus (then the text occurs nowhere).
    fn keys_of(&self, text: &str) -> Option<(Box<[u32]>, u8)> {
        let mut keys = Vec::new();
        let mut first = 0;
        for (i, (_, _, seg)) in segments(text).enumerate() {
            let (key, prefix, _) = token_key(seg);
            if i == 0 {
                first = prefix;
            }
            keys.push(*self.keys.get(key.as_str())?);
        }
        (!keys.is_empty()).then(|| (keys.into_boxed_slice(), first))
    }

    /// Marks (label, start, end) of document `doc` as taken: never proposed there.
    fn take(&mut self, doc: usize, at: (u32, u32, u32)) {
        if let Some(t) = self.taken.get_mut(doc)
            && let Err(i) = t.binary_search(&at)
        {
            t.insert(i, at);
        }
    }

    /// Records span `span` of document `doc` as taught, without proposing.
    fn learn(&mut self, doc: usize, span: &Span) -> Option<LessonKey> {
        let label = self.label_id(&span.label);
        self.take(doc, (label, clamp32(span.start), clamp32(span.end)));
        self.lesson_of(label, span)
    }

    /// Counts `span`'s text as taught with `label`.
    fn lesson_of(&mut self, label: u32, span: &Span) -> Option<LessonKey> {
        let (keys, prefix) = self.keys_of(&span.text)?;
        let key: LessonKey = (keys, label);
        let first = key.0[0];
        let lesson = self.lessons.entry(key.clone()).or_insert_with(|| Lesson {
            prefix,
            ..Lesson::default()
        });
        lesson.taught += 1;
        lesson.attributes = span.attributes.clone();
        if lesson.taught == 1 {
            self.by_first.entry(first).or_default().push(key.clone());
        }
        Some(key)
    }

    fn record_rejection(&mut self, doc: usize, label: &str, start: usize, end: usize, text: &str) {
        let label = self.label_id(label);
        self.take(doc, (label, clamp32(start), clamp32(end)));
        self.count_rejection(label, text);
    }

    /// Counts one rejection against the lesson of `text` with `label`.
    fn count_rejection(&mut self, label: u32, text: &str) {
        if let Some((keys, _)) = self.keys_of(text)
            && let Some(lesson) = self.lessons.get_mut(&(keys, label))
        {
            lesson.rejected += 1;
        }
    }

    /// Teaches span `span`, made or accepted in document `doc`; returns where its text is now
    /// proposed (every document, that span itself and existing spans left out).
    pub fn teach(&mut self, doc: usize, span: &Span) -> Result<Vec<Proposal>, SuggestError> {
        if doc >= self.doc_count() {
            return Err(SuggestError::NoDocument {
                index: doc,
                count: self.doc_count(),
            });
        }
        if span.start >= span.end {
            return Err(SuggestError::EmptySpan {
                doc,
                span: span.id,
                start: span.start,
                end: span.end,
            });
        }
        let Some(key) = self.learn(doc, span) else {
            return Ok(Vec::new());
        };
        Ok(self.occurrences(&key, None))
    }

    /// Records that the annotator rejected `label` over `start..end` (`text`) of document
    /// `doc`: never proposed there again, and one rejection against that text's lesson.
    pub fn reject(
        &mut self,
        doc: usize,
        label: &str,
        start: usize,
        end: usize,
        text: &str,
    ) -> Result<(), SuggestError> {
        if doc >= self.doc_count() {
            return Err(SuggestError::NoDocument {
                index: doc,
                count: self.doc_count(),
            });
        }
        self.record_rejection(doc, label, start, end, text);
        Ok(())
    }

    /// Every proposal the lessons make in document `doc`.
    pub fn proposals_in(&self, doc: usize) -> Vec<Proposal> {
        let (toks, _) = self.doc_toks(doc);
        let mut out = Vec::new();
        let mut seen = HashSet::new();
        for (t, tok) in toks.iter().enumerate() {
            let Some(lessons) = self.by_first.get(&tok.key) else {
                continue;
            };
            for key in lessons {
                if self.matches_at(doc, t, &key.0)
                    && let Some(p) = self.proposal(key, doc, t)
                    && seen.insert((p.label.clone(), p.start, p.end))
                {
                    out.push(p);
                }
            }
        }
        out
    }

    /// Whether the tokens of document `doc` from `t` are `keys`.
    fn matches_at(&self, doc: usize, t: usize, keys: &[u32]) -> bool {
        self.doc_toks(doc)
            .0
            .get(t..t + keys.len())
            .is_some_and(|w| w.iter().zip(keys).all(|(tok, k)| tok.key == *k))
    }

    /// The proposal of lesson `key` at token `t` of document `doc`, unless it is rejected,
    /// taken by a span, or the lesson was rejected as often as taught.
    fn proposal(&self, key: &LessonKey, doc: usize, t: usize) -> Option<Proposal> {
        let lesson = self.lessons.get(key)?;
        if lesson.rejected >= lesson.taught {
            return None;
        }
        let (toks, base) = self.doc_toks(doc);
        let first = toks.get(t)?;
        let t_last = t + key.0.len() - 1;
        let last_end = self.end_of(base + t_last, toks.get(t_last)?);
        // "بالقيسي" taught as "القيسي" (2 letters kept of 3): cut after the first letter.
        let cut = first.prefix.saturating_sub(lesson.prefix).min(4);
        let offset = if first.marked {
            let offsets = self.marked.get(&clamp32(base + t))?;
            offsets[usize::from(cut)]
        } else {
            cut
        };
        let start = first.start + u32::from(offset);
        let taken = self.taken.get(doc)?;
        if start >= last_end || taken.binary_search(&(key.1, start, last_end)).is_ok() {
            return None;
        }
        let extra = lesson.taught.saturating_sub(1).min(3) * 10;
        let score = (60 + extra)
            .saturating_sub(lesson.rejected * 20)
            .clamp(30, 90);
        Some(Proposal {
            doc,
            label: self.labels.get(key.1 as usize)?.clone(),
            start: start as usize,
            end: last_end as usize,
            attributes: lesson.attributes.clone(),
            score: u8::try_from(score).unwrap_or(90),
        })
    }

    /// Proposals of lesson `key` in every document (or only `only`), through the postings of
    /// its rarest key.
    fn occurrences(&self, key: &LessonKey, only: Option<usize>) -> Vec<Proposal> {
        let keys = &key.0;
        let Some((at, rarest)) = keys
            .iter()
            .enumerate()
            .min_by_key(|(_, k)| self.postings_of(**k).len())
        else {
            return Vec::new();
        };
        let postings = self.postings_of(*rarest);
        let mut out = Vec::new();
        for &g in postings {
            // The document holding token g: the last to start at or before it.
            let d = self.doc_at.partition_point(|&a| a <= g).saturating_sub(1);
            let t = (g as usize).saturating_sub(self.doc_toks(d).1);
            if only.is_some_and(|o| o != d) || t < at {
                continue;
            }
            let t0 = t - at;
            if self.matches_at(d, t0, keys)
                && let Some(p) = self.proposal(key, d, t0)
            {
                out.push(p);
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Document;

    fn project(texts: &[&str]) -> Project {
        let mut p = Project::new("t", "");
        for (i, t) in texts.iter().enumerate() {
            p.documents
                .push(Document::new(format!("d{i}"), "", "", *t).into());
        }
        p
    }

    fn span_of(p: &Project, doc: usize, text: &str, label: &str) -> Span {
        let d = &p.documents[doc];
        let b = d.text().find(text).expect("in text");
        let start = d.text()[..b].chars().count();
        let mut s = d
            .make_span(1, label, start, start + text.chars().count(), "")
            .expect("span");
        s.attributes.insert("kind".into(), "person".into());
        s
    }

    fn texts(p: &Project, props: &[Proposal]) -> Vec<(usize, String)> {
        props
            .iter()
            .map(|x| {
                let d = &p.documents[x.doc];
                (x.doc, d.slice(x.start, x.end).unwrap_or("?").to_owned())
            })
            .collect()
    }

    #[test]
    fn a_taught_name_is_proposed_everywhere_without_proclitics() {
        let p = project(&[
            "قال القيسي إن الوضع جيد",
            "وأضاف والقيسي ثم بالقيسي، وقيسيون",
            "لا شيء هنا",
        ]);
        let mut l = Learner::new(&p);
        let span = span_of(&p, 0, "القيسي", "entity");
        let props = l.teach(0, &span).expect("teach");
        assert_eq!(
            texts(&p, &props),
            [(1, "القيسي".to_owned()), (1, "القيسي".to_owned())]
        );
        assert!(props.iter().all(|x| x.attributes["kind"] == "person"));
        assert!(
            props.iter().all(|x| x.doc != 0),
            "the taught span itself is not proposed"
        );
        // The same set comes from scanning one document.
        assert_eq!(l.proposals_in(1), props);
        assert!(l.proposals_in(0).is_empty());
    }

    #[test]
    fn a_first_letter_that_looks_like_a_proclitic_is_kept() {
        // ب of بغداد is a letter: "وبغداد" gives "بغداد", not "غداد" or "وبغداد".
        let p = project(&["زار بغداد", "وبغداد جميلة، وفي بغداد"]);
        let mut l = Learner::new(&p);
        let span = span_of(&p, 0, "بغداد", "entity");
        let props = l.teach(0, &span).expect("teach");
        assert_eq!(
            texts(&p, &props),
            [(1, "بغداد".to_owned()), (1, "بغداد".to_owned())]
        );
        assert_eq!(props[0].start, 1);
    }

    #[test]
    fn an_occurrence_is_cut_after_a_proclitic_with_marks() {
        // The و carries a fatha (and the ب a kasra): the cut keeps both marks out.
        let p = project(&["قال القيسي", "وَالقيسي ثم بِالقيسي"]);
        let mut l = Learner::new(&p);
        let span = span_of(&p, 0, "القيسي", "speaker");
        let props = l.teach(0, &span).expect("teach");
        assert_eq!(
            texts(&p, &props),
            [(1, "القيسي".to_owned()), (1, "القيسي".to_owned())]
        );
        assert_eq!(props[0].start, 2);
        assert_eq!(l.proposals_in(1), props);
    }

    #[test]
    fn folding_and_multi_word_texts() {
        let p = project(&["قال مصدرٌ أمنيّ إن", "وقال مصدر أمني، ثم مصدر آخر ومصدر أمني"]);
        let mut l = Learner::new(&p);
        let span = span_of(&p, 0, "مصدرٌ أمنيّ", "speaker");
        let props = l.teach(0, &span).expect("teach");
        assert_eq!(
            texts(&p, &props),
            [(1, "مصدر أمني".to_owned()), (1, "مصدر أمني".to_owned())]
        );
    }

    #[test]
    fn rejection_blocks_the_range_and_then_the_text() {
        let p = project(&["صالح قال", "صالح وصالح", "صالح"]);
        let mut l = Learner::new(&p);
        let span = span_of(&p, 0, "صالح", "speaker");
        assert_eq!(l.teach(0, &span).expect("teach").len(), 3);
        l.reject(1, "speaker", 0, 4, "صالح").expect("reject");
        // One rejection against one lesson: the text is no longer proposed anywhere.
        assert!(l.proposals_in(2).is_empty());
        // Taught again, it is proposed again, but never at the rejected range.
        let mut again = span_of(&p, 2, "صالح", "speaker");
        again.id = 2;
        let props = l.teach(2, &again).expect("teach");
        assert_eq!(props.len(), 1, "{props:?}");
        assert_eq!((props[0].doc, props[0].start), (1, 6));
    }

    #[test]
    fn existing_spans_are_never_duplicated_and_bad_input_is_refused() {
        let mut p = project(&["الوزارة أعلنت", "الوزارة"]);
        let s1 = span_of(&p, 1, "الوزارة", "entity");
        if let Some(d) = p.doc_mut(1) {
            d.spans.push(s1);
        }
        let mut l = Learner::new(&p);
        let span = span_of(&p, 0, "الوزارة", "entity");
        assert!(l.teach(0, &span).expect("teach").is_empty());
        assert!(l.teach(5, &span).is_err());
        let mut empty = span.clone();
        empty.end = empty.start;
        assert!(l.teach(0, &empty).is_err());
        assert!(l.reject(9, "entity", 0, 1, "x").is_err());
    }
}
