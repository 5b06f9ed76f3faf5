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
    /// Byte offset of the first code point in the text.
    pub byte_start: usize,
    /// Byte offset one past the last code point.
    pub byte_end: usize,
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

impl AlignedToken {
    /// The token's text in `text` (the text it was aligned on).
    pub fn text<'t>(&self, text: &'t str) -> &'t str {
        text.get(self.byte_start..self.byte_end).unwrap_or_default()
    }
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

/// What a character is, for cutting: part of a word, white space, or the space U+0020.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Class {
    Word,
    Space,
    Blank,
}

/// Aligns the tokens of `doc` to its spans.
pub fn align(doc: &Document) -> Alignment {
    let text = doc.text();
    let base = tokens::sentences(text);
    let mut class: Vec<Class> = Vec::with_capacity(text.len());
    let mut bytes: Vec<usize> = Vec::with_capacity(text.len() + 1);
    for (b, c) in text.char_indices() {
        bytes.push(b);
        class.push(match c {
            ' ' => Class::Blank,
            c if c.is_whitespace() => Class::Space,
            _ => Class::Word,
        });
    }
    bytes.push(text.len());
    let len = class.len();
    let mut starts = vec![false; len + 1];
    let mut ends = vec![false; len + 1];
    for s in &doc.spans {
        starts[s.start.min(len)] = true;
        ends[s.end.min(len)] = true;
    }

    // Cut points: base token edges, span edges, and every change between white space and
    // other characters (a combining mark after a space is one UAX #29 segment with it).
    let mut cut = vec![false; len + 1];
    cut[0] = true;
    cut[len] = true;
    for t in base.iter().flatten() {
        cut[t.start] = true;
        cut[t.end] = true;
    }
    for i in 0..=len {
        cut[i] |= starts[i] || ends[i];
        if i > 0 && i < len && (class[i] == Class::Word) != (class[i - 1] == Class::Word) {
            cut[i] = true;
        }
    }

    let mut out = Alignment::default();
    let token = |start: usize, end: usize, space: bool| AlignedToken {
        start,
        end,
        byte_start: bytes[start],
        byte_end: bytes[end],
        ws: false,
        space,
    };
    let mut a = 0;
    while a < len {
        let mut b = a + 1;
        while !cut[b] {
            b += 1;
        }
        if class[a] == Class::Word {
            out.tokens.push(token(a, b, false));
            a = b;
            continue;
        }
        let mut from = a;
        // One space right after a word is that word's trailing `ws`, unless a span starts at
        // the space or ends right after it (it must then be a token to be a boundary).
        if let Some(last) = out.tokens.last_mut()
            && !last.space
            && last.end == a
            && class[a] == Class::Blank
            && !starts[a]
            && !ends[a + 1]
        {
            last.ws = true;
            from += 1;
        }
        if from < b {
            out.tokens.push(token(from, b, true));
        }
        a = b;
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
            .map(|t| {
                let s = d.slice(t.start, t.end).unwrap_or_default();
                assert_eq!(t.text(d.text()), s, "byte and code-point ranges agree");
                s.to_owned()
            })
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
