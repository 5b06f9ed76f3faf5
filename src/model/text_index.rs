//! Code-point ↔ byte offset conversion for one text, indexed once.
//!
//! Files store offsets in Unicode code points (Python `str` indices); Rust strings are
//! indexed by bytes. A checkpoint every [`STRIDE`] code points makes each conversion a
//! binary search plus a scan of at most `STRIDE` characters, never a scan of the text.

/// Code points between two checkpoints.
pub const STRIDE: usize = 64;

/// An index over one text for converting between code-point and byte offsets.
#[derive(Clone, Debug, Default)]
pub struct CharIndex {
    /// Byte offset of code point `k * STRIDE`, for every k; empty when the text is ASCII.
    checkpoints: Vec<usize>,
    chars: usize,
    bytes: usize,
}

impl CharIndex {
    /// Indexes `text`.
    pub fn new(text: &str) -> Self {
        let bytes = text.len();
        if text.is_ascii() {
            return CharIndex {
                checkpoints: Vec::new(),
                chars: bytes,
                bytes,
            };
        }
        let mut checkpoints = Vec::with_capacity(bytes / STRIDE + 2);
        let mut chars = 0;
        for (b, _) in text.char_indices() {
            if chars % STRIDE == 0 {
                checkpoints.push(b);
            }
            chars += 1;
        }
        CharIndex {
            checkpoints,
            chars,
            bytes,
        }
    }

    /// Number of code points in the text.
    pub fn len_chars(&self) -> usize {
        self.chars
    }

    /// Number of bytes in the text.
    pub fn len_bytes(&self) -> usize {
        self.bytes
    }

    /// Byte offset of code point `c` (`c == len_chars()` gives the text's length); `None` past the end.
    pub fn char_to_byte(&self, text: &str, c: usize) -> Option<usize> {
        if c > self.chars {
            return None;
        }
        if c == self.chars {
            return Some(self.bytes);
        }
        if self.checkpoints.is_empty() {
            return Some(c);
        }
        let base = *self.checkpoints.get(c / STRIDE)?;
        let rest = c % STRIDE;
        Some(base + nth_char_start(text.as_bytes().get(base..)?, rest)?)
    }

    /// Code-point offset of byte `b`; `None` when `b` is past the end or inside a character.
    pub fn byte_to_char(&self, text: &str, b: usize) -> Option<usize> {
        if b > self.bytes || !text.is_char_boundary(b) {
            return None;
        }
        if self.checkpoints.is_empty() {
            return Some(b);
        }
        if b == self.bytes {
            return Some(self.chars);
        }
        // Last checkpoint at or before b.
        let k = self
            .checkpoints
            .partition_point(|&cp| cp <= b)
            .saturating_sub(1);
        let base = self.checkpoints[k];
        let within = text.get(base..b)?.chars().count();
        Some(k * STRIDE + within)
    }

    /// The byte range of the code-point range `start..end`; `None` if it is out of range or reversed.
    pub fn byte_range(
        &self,
        text: &str,
        start: usize,
        end: usize,
    ) -> Option<std::ops::Range<usize>> {
        if start > end {
            return None;
        }
        let from = self.char_to_byte(text, start)?;
        // A short range is scanned from its start rather than from the checkpoint before its end.
        let to = if !self.checkpoints.is_empty() && end - start < end % STRIDE && end < self.chars {
            from + nth_char_start(text.as_bytes().get(from..)?, end - start)?
        } else {
            self.char_to_byte(text, end)?
        };
        Some(from..to)
    }

    /// The substring at code points `start..end`.
    pub fn slice<'t>(&self, text: &'t str, start: usize, end: usize) -> Option<&'t str> {
        text.get(self.byte_range(text, start, end)?)
    }
}

/// Byte offset of the `n`-th (0-based) character of the UTF-8 `bytes`, which start at a
/// character boundary; `None` if there are not that many. Counts character starts (bytes other
/// than `0b10xxxxxx`) eight bytes at a time.
fn nth_char_start(bytes: &[u8], n: usize) -> Option<usize> {
    const LOW: u64 = 0x0101_0101_0101_0101;
    let mut left = n;
    let (words, tail) = bytes.as_chunks::<8>();
    for (k, word) in words.iter().enumerate() {
        let w = u64::from_le_bytes(*word);
        // Bit 0 of each byte: set unless the byte is a continuation byte (bit 7 set, bit 6 clear).
        let mut starts = ((!w >> 7) | (w >> 6)) & LOW;
        let count = starts.count_ones() as usize;
        if count > left {
            // The character is in this word: drop the `left` starts before it.
            for _ in 0..left {
                starts &= starts - 1;
            }
            return Some(k * 8 + starts.trailing_zeros() as usize / 8);
        }
        left -= count;
    }
    let at = words.len() * 8;
    for (i, &b) in tail.iter().enumerate() {
        if b & 0xC0 != 0x80 {
            if left == 0 {
                return Some(at + i);
            }
            left -= 1;
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check_all(text: &str) {
        let idx = CharIndex::new(text);
        let expected: Vec<usize> = text
            .char_indices()
            .map(|(b, _)| b)
            .chain([text.len()])
            .collect();
        assert_eq!(idx.len_chars() + 1, expected.len());
        for (c, &b) in expected.iter().enumerate() {
            assert_eq!(idx.char_to_byte(text, c), Some(b), "char {c}");
            assert_eq!(idx.byte_to_char(text, b), Some(c), "byte {b}");
        }
        assert_eq!(idx.char_to_byte(text, idx.len_chars() + 1), None);
        assert_eq!(idx.byte_to_char(text, text.len() + 1), None);
    }

    #[test]
    fn ascii_arabic_emoji_and_marks_round_trip() {
        check_all("");
        check_all("plain ascii text");
        check_all("أفادت مصادر أمنية، في العاصمة العراقية بغداد 2018 (Sky News Arabia)");
        check_all(&"قَالَ 👩‍👩‍👧 é\r\n".repeat(40));
    }

    #[test]
    fn ranges_agree_with_their_ends() {
        let text = "قَالَ 👩‍👩‍👧 é ascii\r\n".repeat(12);
        let idx = CharIndex::new(&text);
        for start in 0..=idx.len_chars() {
            for end in start..=idx.len_chars() {
                let expected = idx
                    .char_to_byte(&text, start)
                    .zip(idx.char_to_byte(&text, end));
                assert_eq!(
                    idx.byte_range(&text, start, end).map(|r| (r.start, r.end)),
                    expected,
                    "{start}..{end}"
                );
            }
        }
    }

    #[test]
    fn byte_inside_a_character_is_refused() {
        let t = "عام";
        let idx = CharIndex::new(t);
        assert_eq!(idx.byte_to_char(t, 1), None);
        assert_eq!(idx.slice(t, 1, 3), Some("ام"));
        assert_eq!(idx.slice(t, 2, 1), None);
    }
}
