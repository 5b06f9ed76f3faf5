//! Turning a raw selection into the range a new span should get: snapped to word boundaries
//! (knowing Arabic proclitics) and trimmed of surrounding spaces and punctuation.

use std::ops::Range;

use unicode_segmentation::UnicodeSegmentation;

use super::text_index::CharIndex;

/// Single-letter Arabic proclitics that attach to the next word: و ف ب ل ك.
const PROCLITICS: [char; 5] = ['و', 'ف', 'ب', 'ل', 'ك'];
/// Tatweel, sometimes written after a detached proclitic (لـ).
const TATWEEL: char = '\u{0640}';

/// Code-point ranges of the words of `chars` (Unicode word segmentation, words only).
fn word_ranges(chars: &[char]) -> Vec<Range<usize>> {
    let s: String = chars.iter().collect();
    let mut out = Vec::new();
    let mut pos = 0;
    for (_, w) in s.split_word_bound_indices() {
        let n = w.chars().count();
        if w.chars().any(char::is_alphanumeric) {
            out.push(pos..pos + n);
        }
        pos += n;
    }
    out
}

/// Boundaries inside an Arabic word after its leading proclitics: after و/ف, after a
/// following ب/ل/ك, and after ال following those (with an optional tatweel after each).
fn proclitic_boundaries(chars: &[char], word: &Range<usize>) -> Vec<usize> {
    let mut out = Vec::new();
    let mut i = word.start;
    let at = |i: usize| chars.get(i).copied().filter(|_| i < word.end);
    let skip_tatweel = |mut i: usize| {
        while at(i) == Some(TATWEEL) {
            i += 1;
        }
        i
    };
    // Up to two single-letter proclitics (و/ف then ب/ل/ك), then the article.
    let mut last = None;
    for _ in 0..2 {
        match at(i) {
            Some(c) if PROCLITICS.contains(&c) && word.end - i > 1 => {
                i = skip_tatweel(i + 1);
                out.push(i);
                last = Some(c);
            }
            _ => break,
        }
    }
    if last.is_some() && at(i) == Some('ا') && at(i + 1) == Some('ل') && word.end - i > 2 {
        out.push(i + 2);
    } else if last == Some('ل') && at(i) == Some('ل') && word.end - i > 1 {
        // ل + ال contracts to لل: the second lam is the article.
        out.push(i + 1);
    }
    out.retain(|&b| b < word.end);
    out
}

/// Whether `c` is trimmed from the ends of a new span.
fn is_trimmed(c: char) -> bool {
    c.is_whitespace() || (!c.is_alphanumeric() && !is_mark(c) && c != TATWEEL)
}

/// Combining marks (Arabic harakat and others) stay with their letter.
fn is_mark(c: char) -> bool {
    matches!(c, '\u{0300}'..='\u{036F}' | '\u{0610}'..='\u{061A}' | '\u{064B}'..='\u{065F}' | '\u{0670}' | '\u{06D6}'..='\u{06ED}' | '\u{200C}' | '\u{200D}')
}

/// Trims spaces and punctuation from both ends of `range` in `chars`.
pub fn trim(chars: &[char], range: Range<usize>) -> Range<usize> {
    let (mut a, mut b) = (range.start.min(chars.len()), range.end.min(chars.len()));
    while a < b && is_trimmed(chars[a]) {
        a += 1;
    }
    while b > a && is_trimmed(chars[b - 1]) {
        b -= 1;
    }
    a..b
}

/// The range a new span gets from the selection `sel` (code points of `text`).
/// With `exact` (Alt held) the selection is kept as is. Otherwise the start moves back to the
/// nearest word or proclitic boundary and the end forward to the end of its word, then spaces
/// and punctuation are trimmed from both ends. `None` when nothing is left.
pub fn snap_selection(text: &str, sel: Range<usize>, exact: bool) -> Option<Range<usize>> {
    snap_selection_indexed(text, &CharIndex::new(text), sel, exact)
}

/// [`snap_selection`] with the text's index, so the work is proportional to the selection,
/// not to the document.
pub fn snap_selection_indexed(
    text: &str,
    index: &CharIndex,
    sel: Range<usize>,
    exact: bool,
) -> Option<Range<usize>> {
    if exact {
        return (sel.start < sel.end).then_some(sel);
    }
    let n = index.len_chars();
    let (s, e) = (sel.start.min(n), sel.end.min(n));
    if s >= e {
        return None;
    }
    // Only the neighbourhood of the selection matters.
    let lo = s.saturating_sub(64);
    let hi = (e + 64).min(n);
    let chars: Vec<char> = index.slice(text, lo, hi)?.chars().collect();
    let chars = chars.as_slice();
    let (s, e) = (s - lo, e - lo);
    let words = word_ranges(chars);
    let mut start = s;
    if let Some(w) = words.iter().find(|w| w.start <= s && s < w.end) {
        let mut bounds = vec![w.start];
        bounds.extend(proclitic_boundaries(chars, w));
        start = bounds
            .into_iter()
            .filter(|&b| b <= s)
            .max()
            .unwrap_or(w.start);
    }
    let mut end = e;
    if let Some(w) = words.iter().find(|w| w.start < e && e <= w.end) {
        end = w.end;
    }
    let r = trim(chars, start..end);
    (r.start < r.end).then(|| r.start + lo..r.end + lo)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn snap(text: &str, piece: &str, from_char: usize, len: usize, exact: bool) -> Option<String> {
        let base = text
            .find(piece)
            .map(|b| text[..b].chars().count())
            .expect("piece in text");
        let r = snap_selection(text, base + from_char..base + from_char + len, exact)?;
        Some(text.chars().skip(r.start).take(r.end - r.start).collect())
    }

    #[test]
    fn partial_words_grow_to_whole_words() {
        let t = "أفادت مصادر أمنية، في العاصمة";
        assert_eq!(
            snap(t, "مصادر", 2, 6, false).as_deref(),
            Some("مصادر أمنية")
        );
        assert_eq!(snap(t, "مصادر", 2, 6, true).as_deref(), Some("ادر أم"));
    }

    #[test]
    fn proclitics_are_boundaries() {
        let t = "وقال مصدر أمني";
        // Starting after the و keeps it out; starting on it keeps it in.
        assert_eq!(snap(t, "وقال", 1, 2, false).as_deref(), Some("قال"));
        assert_eq!(snap(t, "وقال", 0, 2, false).as_deref(), Some("وقال"));
        let t2 = "وللانتخابات المقبلة";
        assert_eq!(
            snap(t2, "وللانتخابات", 3, 4, false).as_deref(),
            Some("انتخابات")
        );
        assert_eq!(
            snap(t2, "وللانتخابات", 1, 4, false).as_deref(),
            Some("للانتخابات")
        );
    }

    #[test]
    fn detached_proclitic_with_tatweel_and_quotes_is_left_out() {
        let t = "وقال مصدر أمني، لـ\"سكاي نيوز عربية\" إن";
        assert_eq!(
            snap(t, "سكاي", 0, 16, false).as_deref(),
            Some("سكاي نيوز عربية")
        );
        // Selecting from the quote mark still trims it.
        assert_eq!(
            snap(t, "\"سكاي", 0, 17, false).as_deref(),
            Some("سكاي نيوز عربية")
        );
    }

    #[test]
    fn trailing_spaces_and_punctuation_are_trimmed_and_diacritics_kept() {
        let t = "قَالَ الْمَصْدَرُ، ثم";
        assert_eq!(snap(t, "الْمَصْدَرُ", 0, 13, false).as_deref(), Some("الْمَصْدَرُ"));
        assert_eq!(snap(t, "ثم", 0, 0, false), None);
        assert_eq!(
            snap(t, "، ", 0, 2, false),
            None,
            "only punctuation and space"
        );
    }

    #[test]
    fn latin_digits_and_emoji_neighbours() {
        let t = "عام 2018 (Sky News Arabia) 😀";
        assert_eq!(snap(t, "2018", 1, 2, false).as_deref(), Some("2018"));
        assert_eq!(snap(t, "(Sky", 0, 9, false).as_deref(), Some("Sky News"));
    }
}
