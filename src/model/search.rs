//! Search in document text that can ignore Arabic diacritics, tatweel and letter variants.

use std::ops::Range;

/// Whether `c` is dropped when folding: Arabic diacritics (U+064B–U+0652, U+0670) and tatweel.
pub(crate) fn is_ignored(c: char) -> bool {
    matches!(c, '\u{064B}'..='\u{0652}' | '\u{0670}' | '\u{0640}')
}

/// The letter `c` is compared as when folding: alef variants → ا, ى → ي, ة → ه; other
/// letters lower-cased so Latin matching ignores case too.
pub(crate) fn fold_char(c: char) -> char {
    match c {
        'أ' | 'إ' | 'آ' | 'ٱ' => 'ا',
        'ى' => 'ي',
        'ة' => 'ه',
        // Arabic has no case: skip the general lower-casing table, the slow part of a scan.
        '\u{0600}'..='\u{06FF}' => c,
        c if c.is_ascii() => c.to_ascii_lowercase(),
        c => c.to_lowercase().next().unwrap_or(c),
    }
}

/// `text` as search compares it when folding: diacritics and tatweel dropped, letter variants
/// and case folded. Two texts match under folding when one's folded form contains the other's.
pub fn fold_text(text: &str) -> String {
    text.chars()
        .filter(|c| !is_ignored(*c))
        .map(fold_char)
        .collect()
}

/// A text prepared for searching: its folded characters and, for each, the code-point offset
/// of the character it came from.
#[derive(Clone, Debug, Default)]
pub struct SearchIndex {
    folded: Vec<char>,
    origin: Vec<usize>,
    len: usize,
    fold: bool,
}

impl SearchIndex {
    /// Prepares `text`; with `fold` off, characters are compared exactly.
    pub fn new(text: &str, fold: bool) -> Self {
        let mut folded = Vec::with_capacity(text.len() / 2);
        let mut origin = Vec::with_capacity(text.len() / 2);
        let mut len = 0;
        for (i, c) in text.chars().enumerate() {
            len = i + 1;
            if fold {
                if is_ignored(c) {
                    continue;
                }
                folded.push(fold_char(c));
            } else {
                folded.push(c);
            }
            origin.push(i);
        }
        SearchIndex {
            folded,
            origin,
            len,
            fold,
        }
    }

    /// Code-point ranges of all non-overlapping matches of `query`, in text order. A match
    /// also covers the diacritics that follow its last letter.
    pub fn find_all(&self, query: &str) -> Vec<Range<usize>> {
        let q: Vec<char> = if self.fold {
            query
                .chars()
                .filter(|c| !is_ignored(*c))
                .map(fold_char)
                .collect()
        } else {
            query.chars().collect()
        };
        if q.is_empty() || q.len() > self.folded.len() {
            return Vec::new();
        }
        let mut hits = Vec::new();
        let mut i = 0;
        while i + q.len() <= self.folded.len() {
            if self.folded[i..i + q.len()] == q[..] {
                let start = self.origin[i];
                let last = i + q.len() - 1;
                // Extend over dropped marks up to the next kept character.
                let end = self.origin.get(last + 1).copied().unwrap_or(self.len);
                let end = if self.fold {
                    end
                } else {
                    self.origin[last] + 1
                };
                hits.push(start..end);
                i += q.len();
            } else {
                i += 1;
            }
        }
        hits
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(text: &str, hits: &[Range<usize>]) -> Vec<String> {
        hits.iter()
            .map(|r| text.chars().skip(r.start).take(r.end - r.start).collect())
            .collect()
    }

    #[test]
    fn diacritics_tatweel_and_variants_are_ignored_when_folding() {
        let t = "قَالَ الرئيسُ إنّ الانتخابات مهمّة، وقال الرئيـس: إن الأمن أولى";
        let idx = SearchIndex::new(t, true);
        assert_eq!(texts(t, &idx.find_all("قال")), ["قَالَ", "قال"]);
        assert_eq!(texts(t, &idx.find_all("الرئيس")), ["الرئيسُ", "الرئيـس"]);
        assert_eq!(texts(t, &idx.find_all("ان")), ["إنّ", "ان", "إن"]);
        assert_eq!(texts(t, &idx.find_all("مهمه")), ["مهمّة"]);
        assert_eq!(texts(t, &idx.find_all("اولي")), ["أولى"]);
        // A query written with diacritics finds the bare text too.
        assert_eq!(idx.find_all("قَالَ").len(), 2);
    }

    #[test]
    fn exact_mode_compares_characters() {
        let t = "قَالَ وقال";
        let idx = SearchIndex::new(t, false);
        assert_eq!(texts(t, &idx.find_all("قال")), ["قال"]);
        assert!(idx.find_all("").is_empty());
    }

    #[test]
    fn offsets_are_code_points_across_astral_characters() {
        let t = "😀 News 😀 news";
        let idx = SearchIndex::new(t, true);
        assert_eq!(idx.find_all("news"), [2..6, 9..13]);
    }
}
