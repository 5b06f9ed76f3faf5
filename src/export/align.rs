//! Tokens that fit the spans: the shared tokenisation ([`crate::model::tokens`]: UAX #29
//! words, punctuation on its own, Arabic words whole) cut further at every span boundary of
//! the document, so that each span is a whole run of tokens.
//!
//! A span that starts after a proclitic (`لـ`, `و`, …) or ends before a quotation mark gets
//! its own token boundary there; nothing else changes. Tokens follow spaCy's model: each has a
//! `ws` flag for one trailing U+0020 space that belongs to no token, and any other white space
//! is a token of its own ([`AlignedToken::space`]), so the tokens and their `ws` flags rebuild
//! the text exactly. Word tokens (not white space) never contain white space; they are the
//! tokens of CoNLL and Hugging Face, sentence by sentence as [`crate::model::tokens`] cuts them.

use std::ops::Range;

use crate::model::Document;
use crate::model::tokens;

/// One token: a code-point range of the text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AlignedToken {
    /// First code point.
    pub start: usize,
    /// One past the last code point.
    pub end: usize,
    /// Followed by one space (U+0020) that is not part of any token.
    pub ws: bool,
    /// The token is white space (never written to CoNLL or Hugging Face).
    pub space: bool,
}

/// The aligned tokens of one document and where each span and sentence lies in them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Alignment {
    /// Every token, white space included, in text order.
    pub tokens: Vec<AlignedToken>,
    /// For each span of the document (in `doc.spans` order), its first and last token
    /// (inclusive), indices into [`Alignment::tokens`].
    pub spans: Vec<(usize, usize)>,
    /// Indices into [`Alignment::tokens`] of the word tokens (not white space).
    pub words: Vec<usize>,
    /// Sentences as ranges of [`Alignment::words`].
    pub sentences: Vec<Range<usize>>,
}

impl Alignment {
    /// The words (ranges of [`Alignment::words`]) inside the tokens of span `i`; empty when
    /// the span covers white space only.
    pub fn span_words(&self, i: usize) -> Range<usize> {
        let (first, last) = self.spans[i];
        let lo = self.words.partition_point(|&w| w < first);
        let hi = self.words.partition_point(|&w| w <= last);
        lo..hi.max(lo)
    }
}

/// Sorted, deduplicated positions.
fn sorted(mut v: Vec<usize>) -> Vec<usize> {
    v.sort_unstable();
    v.dedup();
    v
}

/// Aligns the tokens of `doc` to its spans.
pub fn align(doc: &Document) -> Alignment {
    let text = doc.text();
    let base = tokens::sentences(text);
    let starts = sorted(doc.spans.iter().map(|s| s.start).collect());
    let ends = sorted(doc.spans.iter().map(|s| s.end).collect());

    // Cut points: base token edges, span edges, and every change between white space and
    // other characters (a combining mark after a space is one UAX #29 segment with it).
    let mut cuts: Vec<usize> = Vec::with_capacity(base.len() * 24 + 2 * doc.spans.len());
    for t in base.iter().flatten() {
        cuts.push(t.start);
        cuts.push(t.end);
    }
    let mut is_space: Vec<bool> = Vec::with_capacity(text.len());
    let mut prev = None;
    for (i, c) in text.chars().enumerate() {
        let ws = c.is_whitespace();
        if prev.is_some_and(|p| p != ws) {
            cuts.push(i);
        }
        prev = Some(ws);
        is_space.push(ws);
    }
    let len = is_space.len();
    cuts.extend(starts.iter().copied());
    cuts.extend(ends.iter().copied());
    cuts.push(0);
    cuts.push(len);
    let cuts = sorted(cuts);

    let mut out = Alignment::default();
    for piece in cuts.windows(2) {
        let (a, b) = (piece[0], piece[1]);
        if a >= b || b > len {
            continue;
        }
        if !is_space[a] {
            out.tokens.push(AlignedToken {
                start: a,
                end: b,
                ws: false,
                space: false,
            });
            continue;
        }
        let mut a = a;
        // One space right after a word is that word's trailing `ws`, unless a span starts at
        // the space or ends right after it (it must then be a token to be a boundary).
        if let Some(last) = out.tokens.last_mut()
            && !last.space
            && last.end == a
            && text_char_is_space(text, doc, a)
            && starts.binary_search(&a).is_err()
            && ends.binary_search(&(a + 1)).is_err()
        {
            last.ws = true;
            a += 1;
        }
        if a < b {
            out.tokens.push(AlignedToken {
                start: a,
                end: b,
                ws: false,
                space: true,
            });
        }
    }

    out.words = (0..out.tokens.len())
        .filter(|&i| !out.tokens[i].space)
        .collect();
    let mut w = 0;
    for sentence in &base {
        let (Some(first), Some(last)) = (sentence.first(), sentence.last()) else {
            continue;
        };
        while w < out.words.len() && out.tokens[out.words[w]].start < first.start {
            w += 1;
        }
        let lo = w;
        while w < out.words.len() && out.tokens[out.words[w]].end <= last.end {
            w += 1;
        }
        if lo < w {
            out.sentences.push(lo..w);
        }
    }

    out.spans = doc
        .spans
        .iter()
        .map(|s| {
            let first = out.tokens.partition_point(|t| t.start < s.start);
            let last = out.tokens.partition_point(|t| t.end < s.end);
            (first, last)
        })
        .collect();
    out
}

/// Whether the character at code point `at` is U+0020.
fn text_char_is_space(text: &str, doc: &Document, at: usize) -> bool {
    doc.index()
        .char_to_byte(text, at)
        .is_some_and(|b| text.as_bytes().get(b) == Some(&b' '))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(text: &str, spans: &[(usize, usize)]) -> Document {
        let mut d = Document::new("d", "", "", text);
        for (i, (a, b)) in spans.iter().enumerate() {
            d.spans
                .extend(d.make_span(i as u64 + 1, "claim", *a, *b, ""));
        }
        d
    }

    fn texts(d: &Document, a: &Alignment) -> Vec<String> {
        a.tokens
            .iter()
            .map(|t| d.slice(t.start, t.end).unwrap_or_default().to_owned())
            .collect()
    }

    /// The text rebuilt from the tokens and their `ws` flags, as spaCy builds a `Doc`.
    fn rebuilt(d: &Document, a: &Alignment) -> String {
        a.tokens
            .iter()
            .map(|t| {
                let mut s = d.slice(t.start, t.end).unwrap_or_default().to_owned();
                if t.ws {
                    s.push(' ');
                }
                s
            })
            .collect()
    }

    #[test]
    fn proclitics_and_quotes_split_off_only_where_a_span_needs_it() {
        let text = "قال لـ\"سكاي نيوز عربية\" وقال";
        // "سكاي نيوز عربية" and "قال" inside "وقال".
        let d = doc(text, &[(7, 22), (25, 28)]);
        let a = align(&d);
        assert_eq!(
            texts(&d, &a),
            ["قال", "لـ", "\"", "سكاي", "نيوز", "عربية", "\"", "و", "قال"]
        );
        assert_eq!(rebuilt(&d, &a), text);
        assert_eq!(a.spans, [(3, 5), (8, 8)]);
        let plain = align(&doc(text, &[]));
        assert_eq!(plain.tokens.len(), 8, "no span: وقال stays whole");
    }

    #[test]
    fn white_space_is_trailing_ws_or_its_own_token() {
        let text = "أ  ب\r\nج د";
        let d = doc(text, &[(0, 2), (7, 9)]);
        let a = align(&d);
        assert_eq!(texts(&d, &a), ["أ", " ", " ", "ب", "\r\n", "ج", " ", "د"]);
        assert_eq!(rebuilt(&d, &a), text);
        assert!(
            !a.tokens[0].ws,
            "span 0..2 ends after the space: it is a token"
        );
        assert!(!a.tokens[5].ws, "span 7..9 starts at the space");
        assert_eq!(a.spans, [(0, 1), (6, 7)]);
        assert_eq!(a.words, [0, 3, 5, 7]);
        assert_eq!(a.sentences, [0..2, 2..4], "the line break ends a sentence");
        assert_eq!(a.span_words(0), 0..1);
    }

    #[test]
    fn marks_after_a_space_and_cuts_inside_a_grapheme_are_tokens() {
        let text = "a \u{301}b 👩\u{200D}👩";
        let d = doc(text, &[(5, 6)]);
        let a = align(&d);
        assert_eq!(
            texts(&d, &a),
            ["a", "\u{301}", "b", "👩", "\u{200D}👩"],
            "the mark is cut from its space; span 5..6 (the first emoji) cuts the ZWJ sequence"
        );
        assert!(a.tokens[0].ws && !a.tokens[1].ws && a.tokens[2].ws);
        assert_eq!(rebuilt(&d, &a), text);
        assert!(align(&doc("", &[])).tokens.is_empty());
    }

    #[test]
    fn a_span_of_white_space_only_has_tokens_but_no_words() {
        let d = doc("a   b", &[(1, 4)]);
        let a = align(&d);
        assert_eq!(a.spans, [(1, 1)]);
        assert!(a.span_words(0).is_empty());
    }
}
