//! Code points ↔ UTF-16 code units, exactly, for the formats that count in UTF-16 (UIMA CAS
//! XMI, older Label Studio exports): a character outside the Basic Multilingual Plane (an
//! emoji) is one code point and two UTF-16 units.

/// Converts offsets of one text between code points and UTF-16 units.
#[derive(Clone, Debug, Default)]
pub struct Utf16Map {
    /// For the k-th astral character, its UTF-16 offset (its code-point offset + k).
    astral: Vec<usize>,
    chars: usize,
}

impl Utf16Map {
    /// Indexes `text`.
    pub fn new(text: &str) -> Self {
        let mut astral = Vec::new();
        let mut chars = 0;
        for c in text.chars() {
            if c.len_utf16() == 2 {
                astral.push(chars + astral.len());
            }
            chars += 1;
        }
        Utf16Map { astral, chars }
    }

    /// Length of the text in UTF-16 units.
    pub fn len_utf16(&self) -> usize {
        self.chars + self.astral.len()
    }

    /// The UTF-16 offset of code point `cp` (`None` past the end).
    pub fn to_utf16(&self, cp: usize) -> Option<usize> {
        if cp > self.chars {
            return None;
        }
        Some(cp + count_before(&self.astral, cp))
    }

    /// The code point at UTF-16 offset `u`; `None` past the end or between the two units of
    /// one character.
    pub fn to_code_point(&self, u: usize) -> Option<usize> {
        if u > self.len_utf16() {
            return None;
        }
        // Astral characters that end at or before `u`.
        let done = self.astral.partition_point(|&q| q + 2 <= u);
        if self.astral.get(done).is_some_and(|&q| q + 1 == u) {
            return None;
        }
        Some(u - done)
    }
}

/// How many astral characters (UTF-16 offsets `astral`) start before code point `cp`.
fn count_before(astral: &[usize], cp: usize) -> usize {
    // The k-th astral character's code-point offset is astral[k] - k, increasing in k.
    let (mut lo, mut hi) = (0, astral.len());
    while lo < hi {
        let mid = (lo + hi) / 2;
        if astral[mid] - mid < cp {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    lo
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emoji_count_two_units_and_halves_are_refused() {
        let text = "a😀b👩\u{200D}👩c";
        let m = Utf16Map::new(text);
        let units: Vec<u16> = text.encode_utf16().collect();
        assert_eq!(m.len_utf16(), units.len());
        let mut u = 0;
        for (cp, c) in text.chars().enumerate() {
            assert_eq!(m.to_utf16(cp), Some(u));
            assert_eq!(m.to_code_point(u), Some(cp));
            if c.len_utf16() == 2 {
                assert_eq!(m.to_code_point(u + 1), None, "inside {c}");
            }
            u += c.len_utf16();
        }
        assert_eq!(m.to_utf16(text.chars().count()), Some(units.len()));
        assert_eq!(m.to_code_point(units.len()), Some(text.chars().count()));
        assert_eq!(m.to_code_point(units.len() + 1), None);
        assert_eq!(m.to_utf16(99), None);
    }

    #[test]
    fn bmp_text_is_the_identity() {
        let m = Utf16Map::new("قال مصدر");
        assert_eq!(m.to_utf16(4), Some(4));
        assert_eq!(m.to_code_point(8), Some(8));
    }
}
