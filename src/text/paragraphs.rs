//! Paragraph splitting, base direction (UAX #9 P2/P3) and byte ↔ code-point tables.
//!
//! Document offsets are code points. Each paragraph keeps its own table, so a conversion
//! costs a lookup inside one paragraph, never a scan of the document.

use std::ops::Range;

use unicode_bidi::{BidiClass, Direction as BidiDirection, bidi_class};

/// Base direction of a paragraph.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Direction {
    /// Left to right (also the choice for paragraphs without a strong character).
    Ltr,
    /// Right to left.
    Rtl,
}

impl Direction {
    /// True for [`Direction::Rtl`].
    pub fn is_rtl(self) -> bool {
        self == Direction::Rtl
    }
}

/// Base direction from the first strong character outside isolates (rules P2 and P3);
/// a paragraph with none is left to right.
pub fn base_direction(text: &str) -> Direction {
    match unicode_bidi::get_base_direction(text) {
        BidiDirection::Rtl => Direction::Rtl,
        _ => Direction::Ltr,
    }
}

/// One paragraph of a document, located by bytes and by code points.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParagraphSpan {
    /// Bytes of the paragraph text, without its break.
    pub bytes: Range<usize>,
    /// Code points of the paragraph text, without its break.
    pub chars: Range<usize>,
    /// Code points of the break after it (0 for the last paragraph, 2 for `\r\n`).
    pub break_chars: usize,
}

/// True for characters that end a paragraph: bidi class B (LF, CR, NEL, U+2029, U+001C–U+001E).
///
/// Splitting on all of them, not only `\n`, keeps every shaped paragraph a single bidi
/// paragraph, which cosmic-text requires.
pub fn is_paragraph_break(c: char) -> bool {
    c == '\n' || c == '\r' || bidi_class(c) == BidiClass::B
}

/// Splits `text` into paragraphs. `\r\n` is one break; the result always has at least one
/// (possibly empty) paragraph, and a trailing break yields a final empty paragraph.
pub fn split_paragraphs(text: &str) -> Vec<ParagraphSpan> {
    let mut out = Vec::new();
    let mut start_byte = 0;
    let mut start_char = 0;
    let mut chars = 0;
    let mut iter = text.char_indices().peekable();
    while let Some((b, c)) = iter.next() {
        if is_paragraph_break(c) {
            let mut break_chars = 1;
            let mut next_byte = b + c.len_utf8();
            if c == '\r' && iter.peek().map(|&(_, n)| n) == Some('\n') {
                iter.next();
                break_chars = 2;
                next_byte += 1;
            }
            out.push(ParagraphSpan {
                bytes: start_byte..b,
                chars: start_char..chars,
                break_chars,
            });
            chars += break_chars;
            start_byte = next_byte;
            start_char = chars;
        } else {
            chars += 1;
        }
    }
    out.push(ParagraphSpan {
        bytes: start_byte..text.len(),
        chars: start_char..chars,
        break_chars: 0,
    });
    out
}

/// Byte ↔ code-point conversion inside one paragraph.
#[derive(Clone, Debug, Default)]
pub struct OffsetTable {
    /// Byte offset of every code point, plus the total length; empty when the text is ASCII.
    starts: Vec<u32>,
    len_bytes: u32,
}

impl OffsetTable {
    /// Indexes `text` (one paragraph).
    pub fn new(text: &str) -> Self {
        let len_bytes = u32::try_from(text.len()).unwrap_or(u32::MAX);
        if text.is_ascii() {
            return Self {
                starts: Vec::new(),
                len_bytes,
            };
        }
        let mut starts: Vec<u32> = text
            .char_indices()
            .map(|(b, _)| u32::try_from(b).unwrap_or(u32::MAX))
            .collect();
        starts.push(len_bytes);
        Self { starts, len_bytes }
    }

    /// Number of code points.
    pub fn len_chars(&self) -> usize {
        if self.starts.is_empty() {
            self.len_bytes as usize
        } else {
            self.starts.len() - 1
        }
    }

    /// Byte offset of code point `c`, clamped to the end.
    pub fn byte_of(&self, c: usize) -> usize {
        if self.starts.is_empty() {
            return c.min(self.len_bytes as usize);
        }
        self.starts.get(c).copied().unwrap_or(self.len_bytes) as usize
    }

    /// Code point containing byte `b` (a byte inside a character maps to that character).
    pub fn char_of(&self, b: usize) -> usize {
        if self.starts.is_empty() {
            return b.min(self.len_bytes as usize);
        }
        let b = u32::try_from(b).unwrap_or(u32::MAX);
        match self.starts.binary_search(&b) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(text: &str) -> Vec<String> {
        split_paragraphs(text)
            .iter()
            .map(|p| text[p.bytes.clone()].to_owned())
            .collect()
    }

    #[test]
    fn splits_on_lf_and_crlf_counting_code_points() {
        let t = "أ\r\nb\n\nج";
        let ps = split_paragraphs(t);
        assert_eq!(texts(t), ["أ", "b", "", "ج"]);
        assert_eq!(ps[0].chars, 0..1);
        assert_eq!(ps[0].break_chars, 2);
        assert_eq!(ps[1].chars, 3..4);
        assert_eq!(ps[2].chars, 5..5);
        assert_eq!(ps[3].chars, 6..7);
        assert_eq!(ps[3].break_chars, 0);
        // Every code point is either in a paragraph or in a break.
        let total: usize = ps.iter().map(|p| p.chars.len() + p.break_chars).sum();
        assert_eq!(total, t.chars().count());
    }

    #[test]
    fn empty_and_newline_only_texts() {
        assert_eq!(texts(""), [""]);
        assert_eq!(texts("\n"), ["", ""]);
        assert_eq!(texts("\r\n\r\n"), ["", "", ""]);
        assert_eq!(texts("\r"), ["", ""]);
        assert_eq!(texts("a\u{2029}b\u{85}c"), ["a", "b", "c"]);
    }

    #[test]
    fn direction_from_first_strong_character() {
        assert_eq!(base_direction("مرحبا hello"), Direction::Rtl);
        assert_eq!(base_direction("hello مرحبا"), Direction::Ltr);
        assert_eq!(base_direction("2018 «مرحبا»"), Direction::Rtl);
        assert_eq!(base_direction("123 (!)"), Direction::Ltr);
        assert_eq!(base_direction(""), Direction::Ltr);
        assert_eq!(base_direction("שלום"), Direction::Rtl);
        // P2 skips text inside isolates: the Latin inside the RLI..PDI does not count.
        assert_eq!(base_direction("\u{2067}abc\u{2069} سلام"), Direction::Rtl);
        // An RLM is a strong R character.
        assert_eq!(base_direction("\u{200F}abc"), Direction::Rtl);
    }

    #[test]
    fn offset_table_round_trips() {
        let t = "aأ😀e\u{301}";
        let table = OffsetTable::new(t);
        assert_eq!(table.len_chars(), 5);
        for (c, (b, _)) in t.char_indices().enumerate() {
            assert_eq!(table.byte_of(c), b);
            assert_eq!(table.char_of(b), c);
        }
        assert_eq!(table.byte_of(5), t.len());
        assert_eq!(table.char_of(t.len()), 5);
        // A byte inside the emoji belongs to the emoji's code point.
        assert_eq!(table.char_of(4), 2);
        let ascii = OffsetTable::new("abc");
        assert_eq!(ascii.byte_of(2), 2);
        assert_eq!(ascii.char_of(3), 3);
    }
}
