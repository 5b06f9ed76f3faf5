//! Tokens and sentences of a document text, in code points: the one tokenisation shared by
//! the CoNLL export and token-level agreement, so their numbers refer to the same units.
//!
//! Tokens are Unicode word-segmentation segments (UAX #29) that are not white space: a word
//! (Arabic kept whole, with its marks and proclitics), a number, or a single punctuation mark.
//! Sentences end after `.`, `!`, `?`, `؟` (and `…`), and at every line break.

use std::ops::Range;

use unicode_segmentation::UnicodeSegmentation;

/// One token: its code-point range in the text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Token {
    /// First code point.
    pub start: usize,
    /// One past the last code point.
    pub end: usize,
}

fn ends_sentence(segment: &str) -> bool {
    matches!(segment, "." | "!" | "?" | "؟" | "…")
}

/// The tokens of `text`, grouped into sentences (each sentence non-empty).
pub fn sentences(text: &str) -> Vec<Vec<Token>> {
    let mut out = Vec::new();
    let mut current = Vec::new();
    let mut pos = 0;
    for segment in text.split_word_bounds() {
        let n = segment.chars().count();
        let range = pos..pos + n;
        pos += n;
        if segment.chars().all(char::is_whitespace) {
            if segment.contains(['\n', '\r', '\u{2029}', '\u{0085}']) && !current.is_empty() {
                out.push(std::mem::take(&mut current));
            }
            continue;
        }
        current.push(Token {
            start: range.start,
            end: range.end,
        });
        if ends_sentence(segment) {
            out.push(std::mem::take(&mut current));
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// All tokens of `text`, in order.
pub fn tokenize(text: &str) -> Vec<Token> {
    sentences(text).into_iter().flatten().collect()
}

/// Indices of the tokens that overlap `range` (a span), as a range into `tokens`.
pub fn tokens_of(tokens: &[Token], range: Range<usize>) -> Range<usize> {
    let first = tokens.partition_point(|t| t.end <= range.start);
    let last = tokens.partition_point(|t| t.start < range.end);
    first..last.max(first)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<Vec<String>> {
        sentences(text)
            .iter()
            .map(|s| {
                s.iter()
                    .map(|t| text.chars().skip(t.start).take(t.end - t.start).collect())
                    .collect()
            })
            .collect()
    }

    #[test]
    fn arabic_words_stay_whole_and_punctuation_is_split() {
        let w = words("وقال مصدر أمني، لـ\"سكاي نيوز عربية\" إن الحملة بدأت عام 2018. ولفت إلى أن");
        assert_eq!(w.len(), 2);
        assert_eq!(
            w[0],
            [
                "وقال",
                "مصدر",
                "أمني",
                "،",
                "لـ",
                "\"",
                "سكاي",
                "نيوز",
                "عربية",
                "\"",
                "إن",
                "الحملة",
                "بدأت",
                "عام",
                "2018",
                "."
            ]
        );
        assert_eq!(w[1], ["ولفت", "إلى", "أن"]);
    }

    #[test]
    fn line_breaks_and_question_marks_end_sentences_and_marks_stay_attached() {
        let w = words("هل قَالَ ذلك؟ نعم\r\nسطر ثان\n\n😀 ok");
        assert_eq!(
            w,
            [
                vec!["هل", "قَالَ", "ذلك", "؟"],
                vec!["نعم"],
                vec!["سطر", "ثان"],
                vec!["😀", "ok"]
            ]
        );
    }

    #[test]
    fn tokens_of_a_span_are_those_it_overlaps() {
        let text = "قال مصدر أمني إن";
        let toks = tokenize(text);
        assert_eq!(tokens_of(&toks, 4..13), 1..3);
        assert_eq!(tokens_of(&toks, 5..6), 1..2);
        assert_eq!(tokens_of(&toks, 3..4), 1..1, "a space overlaps no token");
        assert!(tokenize("").is_empty());
    }
}
