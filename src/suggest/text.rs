//! One pass over a document text for the rules: tokens with their folded forms and word
//! classes, paired quotation marks, paragraphs and quote-aware sentences. Offsets are code
//! points, as everywhere.

use unicode_segmentation::UnicodeSegmentation;

use super::lexicon::{Cue, Lexicon, class};
use crate::model::search::{fold_text, is_ignored};

/// One token: a word or a punctuation mark (white space is not kept).
#[derive(Clone, Debug)]
pub(crate) struct Tok {
    /// First code point.
    pub start: usize,
    /// One past the last code point.
    pub end: usize,
    /// Byte range in the text.
    pub bytes: std::ops::Range<usize>,
    /// Whether it is a word (letters or digits) rather than punctuation.
    pub word: bool,
    /// Folded form (punctuation: the mark, Arabic comma as `,`).
    pub fold: String,
    /// [`class`] flags.
    pub class: u32,
    /// The cue it is, if any.
    pub cue: Option<Cue>,
    /// Paragraph number (paragraphs end at line breaks).
    pub para: u32,
}

/// A text prepared for the rules.
pub(crate) struct Analysis<'t> {
    /// The text.
    pub text: &'t str,
    /// Its tokens.
    pub toks: Vec<Tok>,
    /// For a quotation mark with a partner in its paragraph, the partner's token index.
    pub pair: Vec<Option<usize>>,
    /// For each token, the index of the last token of its sentence.
    pub sentence_end: Vec<usize>,
    /// For each token, the index of the first token of its sentence.
    pub sentence_start: Vec<usize>,
}

/// Proclitics that may open a word, in the order they attach: و/ف, then ب/ل/ك, then ال.
pub(crate) fn strip_clitics(fold: &str) -> (usize, &str) {
    let mut rest = fold;
    let mut n = 0;
    let letters = |s: &str| s.chars().count();
    if let Some(r) = rest.strip_prefix(['و', 'ف'])
        && letters(r) >= 2
    {
        rest = r;
        n += 1;
    }
    if let Some(r) = rest.strip_prefix(['ب', 'ل', 'ك'])
        && letters(r) >= 2
    {
        // ل + ال is written لل: the second lam is the article's.
        if rest.starts_with('ل')
            && let Some(r2) = r.strip_prefix('ل')
            && letters(r2) >= 2
        {
            return (n + 2, r2);
        }
        rest = r;
        n += 1;
    }
    if let Some(r) = rest.strip_prefix("ال")
        && letters(r) >= 2
    {
        rest = r;
        n += 2;
    }
    (n, rest)
}

/// The ways folded `word` may be read as single-letter proclitics (و/ف, then ب/ل/ك) and the
/// rest, fewest proclitics first: (letters left out, rest). The article stays on the rest.
pub(crate) fn proclitic_splits(word: &str) -> Vec<(usize, &str)> {
    let long = |s: &str| s.chars().count() >= 2;
    let mut out = vec![(0, word)];
    if let Some(r) = word.strip_prefix(['و', 'ف']).filter(|r| long(r)) {
        out.push((1, r));
        if let Some(r2) = r.strip_prefix(['ب', 'ل', 'ك']).filter(|r| long(r)) {
            out.push((2, r2));
        }
    } else if let Some(r) = word.strip_prefix(['ب', 'ل', 'ك']).filter(|r| long(r)) {
        out.push((1, r));
    }
    out
}

/// The code-point offset in `raw` after its first `letters` folded letters, with the marks
/// that follow them (a diacritic or tatweel belongs to the letter before it).
pub(crate) fn raw_offset(raw: &str, letters: usize) -> usize {
    let mut kept = 0;
    let mut pos = 0;
    let mut chars = raw.chars().peekable();
    while kept < letters {
        match chars.next() {
            Some(c) => {
                pos += 1;
                if !is_ignored(c) {
                    kept += 1;
                }
            }
            None => return pos,
        }
    }
    while chars.peek().is_some_and(|c| is_ignored(*c)) {
        chars.next();
        pos += 1;
    }
    pos
}

/// Whether `c` opens or closes a quotation.
fn quote_kind(c: &str) -> Option<char> {
    match c {
        "\"" | "«" | "»" | "“" | "”" | "„" => c.chars().next(),
        _ => None,
    }
}

fn ends_sentence(fold: &str) -> bool {
    matches!(fold, "." | "!" | "?" | "؟" | "…")
}

/// The class flags and cue of a folded word; `maqsura` tells "على" (a preposition) from
/// "علي" (a name), which fold alike.
fn classify(lex: &Lexicon, fold: &str, maqsura: bool) -> (u32, Option<Cue>) {
    let mut flags = lex.classes.get(fold).copied().unwrap_or(0);
    if fold == "علي" && !maqsura {
        flags = class::GIVEN;
    }
    let mut cue = lex.cues.get(fold).copied();
    if cue.is_none()
        && let Some(rest) = fold.strip_prefix(['و', 'ف'])
        && rest.chars().count() >= 2
    {
        cue = lex.cues.get(rest).copied();
        // فإن، وأن …: the conjunction before a complementiser.
        flags |= lex.classes.get(rest).copied().unwrap_or(0) & (class::COMP | class::TIME);
    }
    // Titles, organisations and places are looked up without proclitics or the article.
    let (n, bare) = strip_clitics(fold);
    if n > 0 {
        let nouns = class::TITLE
            | class::SOURCE
            | class::ORG
            | class::PLACE_NOUN
            | class::DIRECTION
            | class::COMMUNICATION;
        flags |= lex.classes.get(bare).copied().unwrap_or(0) & nouns;
    }
    (flags, cue)
}

impl<'t> Analysis<'t> {
    /// Tokenises and classifies `text`.
    pub fn new(text: &'t str, lex: &Lexicon) -> Self {
        let mut toks = Vec::with_capacity(text.len() / 6);
        let mut pos = 0usize;
        let mut para = 0u32;
        for (b, seg) in text.split_word_bound_indices() {
            let n = if seg.is_ascii() {
                seg.len()
            } else {
                seg.chars().count()
            };
            let start = pos;
            pos += n;
            if seg.chars().all(char::is_whitespace) {
                if seg.contains(['\n', '\r', '\u{2029}', '\u{0085}', '\u{2028}']) {
                    para += 1;
                }
                continue;
            }
            let word = seg.chars().any(char::is_alphanumeric);
            let fold = if word {
                fold_text(seg)
            } else if seg == "،" {
                ",".to_owned()
            } else {
                seg.to_owned()
            };
            let (class, cue) = if word {
                classify(lex, &fold, seg.ends_with('ى'))
            } else {
                (0, None)
            };
            toks.push(Tok {
                start,
                end: pos,
                bytes: b..b + seg.len(),
                word,
                fold,
                class,
                cue,
                para,
            });
        }
        let pair = pair_quotes(&toks);
        let (sentence_start, sentence_end) = sentences(&toks, &pair);
        Analysis {
            text,
            toks,
            pair,
            sentence_end,
            sentence_start,
        }
    }

    /// The text of token `i`.
    pub fn raw(&self, i: usize) -> &'t str {
        self.toks
            .get(i)
            .and_then(|t| self.text.get(t.bytes.clone()))
            .unwrap_or("")
    }

    /// Whether token `i` is a word.
    pub fn is_word(&self, i: usize) -> bool {
        self.toks.get(i).is_some_and(|t| t.word)
    }

    /// Class flags of token `i` (0 past the end).
    pub fn class(&self, i: usize) -> u32 {
        self.toks.get(i).map_or(0, |t| t.class)
    }

    /// Whether token `i` has any of `flags`.
    pub fn has(&self, i: usize, flags: u32) -> bool {
        self.class(i) & flags != 0
    }

    /// Folded form of token `i` ("" past the end).
    pub fn fold(&self, i: usize) -> &str {
        self.toks.get(i).map_or("", |t| t.fold.as_str())
    }

    /// Whether token `i` is a comma.
    pub fn is_comma(&self, i: usize) -> bool {
        matches!(self.fold(i), "," | "؛")
    }

    /// Whether token `i` opens a quotation with a partner after it.
    pub fn opens_quote(&self, i: usize) -> Option<usize> {
        self.pair.get(i).copied().flatten().filter(|&c| c > i)
    }

    /// Whether token `i` is the preposition "على" (not the name "علي").
    pub fn is_ala(&self, i: usize) -> bool {
        self.fold(i) == "علي" && self.class(i) & class::STOP != 0
    }

    /// Code point of token `i` after its first `letters` folded letters (a proclitic known
    /// to be one), with their marks.
    pub fn start_after(&self, i: usize, letters: usize) -> usize {
        self.toks
            .get(i)
            .map_or(0, |t| t.start + raw_offset(self.raw(i), letters))
    }

    /// Code point where token `i` starts without a leading conjunction و/ف, when it plainly is
    /// one: before the article or an imperfect or perfect verb's first letter ("وسيعقد",
    /// "والوزارة", "وأكد"), not the first letter of "وزير".
    pub fn start_without_conjunction(&self, i: usize) -> usize {
        let Some(t) = self.toks.get(i) else {
            return 0;
        };
        if t.word && leading_conjunction(&t.fold) {
            self.start_after(i, 1)
        } else {
            t.start
        }
    }
}

/// Whether folded `word` starts with the conjunction و/ف followed by a word that plainly
/// starts there (the article, or a verb's prefix letter).
pub(crate) fn leading_conjunction(word: &str) -> bool {
    let Some(rest) = word.strip_prefix(['و', 'ف']) else {
        return false;
    };
    rest.chars().count() >= 3
        && (rest.starts_with("ال") || rest.starts_with(['س', 'ي', 'ت', 'ن', 'ا']))
}

/// Pairs quotation marks within each paragraph: « » and “ ” by nesting, straight quotes in
/// turn.
fn pair_quotes(toks: &[Tok]) -> Vec<Option<usize>> {
    let mut pair = vec![None; toks.len()];
    let mut straight: Option<usize> = None;
    let mut guillemets: Vec<usize> = Vec::new();
    let mut curly: Vec<usize> = Vec::new();
    let mut para = u32::MAX;
    for (i, t) in toks.iter().enumerate() {
        if t.para != para {
            para = t.para;
            straight = None;
            guillemets.clear();
            curly.clear();
        }
        if t.word {
            continue;
        }
        match quote_kind(&t.fold) {
            Some('"') => match straight.take() {
                Some(open) => {
                    pair[open] = Some(i);
                    pair[i] = Some(open);
                }
                None => straight = Some(i),
            },
            Some('«') => guillemets.push(i),
            Some('»') => {
                if let Some(open) = guillemets.pop() {
                    pair[open] = Some(i);
                    pair[i] = Some(open);
                }
            }
            Some('“') | Some('„') => curly.push(i),
            Some('”') => {
                if let Some(open) = curly.pop() {
                    pair[open] = Some(i);
                    pair[i] = Some(open);
                }
            }
            _ => {}
        }
    }
    pair
}

/// First and last token of each token's sentence: sentences end at . ! ? ؟ … outside
/// quotations and at every paragraph end.
fn sentences(toks: &[Tok], pair: &[Option<usize>]) -> (Vec<usize>, Vec<usize>) {
    let n = toks.len();
    let mut starts = vec![0; n];
    let mut ends = vec![0; n];
    let mut first = 0;
    let mut i = 0;
    while i < n {
        // A quotation is passed whole: its full stops do not end the sentence.
        let mut last = i;
        if let Some(close) = pair[i].filter(|&c| c > i) {
            last = close;
        }
        let para_ends = toks.get(last + 1).is_none_or(|t| t.para != toks[last].para);
        if para_ends || (!toks[last].word && ends_sentence(&toks[last].fold)) {
            for k in first..=last {
                starts[k] = first;
                ends[k] = last;
            }
            first = last + 1;
        }
        i = last + 1;
    }
    (starts, ends)
}

#[cfg(test)]
mod tests {
    use super::super::lexicon::lexicon;
    use super::*;

    fn words(a: &Analysis<'_>) -> Vec<String> {
        (0..a.toks.len()).map(|i| a.raw(i).to_owned()).collect()
    }

    #[test]
    fn proclitics_come_off_in_order() {
        assert_eq!(strip_clitics("والخبير"), (3, "خبير"));
        assert_eq!(strip_clitics("للانتخابات"), (2, "انتخابات"));
        assert_eq!(strip_clitics("بالقاهره"), (3, "قاهره"));
        assert_eq!(strip_clitics("وقال"), (1, "قال"));
        // Too short to be a proclitic plus a word.
        assert_eq!(strip_clitics("في"), (0, "في"));
        assert_eq!(strip_clitics("ال"), (0, "ال"));
    }

    #[test]
    fn raw_offsets_skip_the_marks_of_a_letter() {
        assert_eq!(raw_offset("وَقَالَ", 1), 2);
        assert_eq!(raw_offset("لـ", 1), 2);
        assert_eq!(raw_offset("قال", 3), 3);
    }

    #[test]
    fn quotes_pair_and_sentences_pass_over_quoted_full_stops() {
        let t = "قال: \"أولاً. ثانياً\" ثم «نعم». بعد\r\nسطر \"مفتوح";
        let a = Analysis::new(t, lexicon());
        let w = words(&a);
        let q1 = w.iter().position(|x| x == "\"").expect("quote");
        assert_eq!(a.opens_quote(q1), Some(q1 + 4));
        let g = w.iter().position(|x| x == "«").expect("guillemet");
        assert_eq!(a.opens_quote(g), Some(g + 2));
        // First sentence runs to the full stop after », past the quoted one.
        let dot = g + 3;
        assert_eq!(a.raw(dot), ".");
        assert_eq!(a.sentence_end[0], dot);
        let after = w.iter().position(|x| x == "بعد").expect("word");
        assert_eq!(a.sentence_end[after], after, "the line break ends it");
        let open = w.iter().rposition(|x| x == "\"").expect("quote");
        assert_eq!(a.opens_quote(open), None, "unpaired in its paragraph");
        // Offsets count the CR and LF as one code point each.
        let s = a.toks.iter().find(|t| t.fold == "سطر").expect("word");
        assert_eq!(s.start, t.chars().position(|c| c == 'س').expect("in text"));
    }

    #[test]
    fn words_are_classified_with_proclitics_and_folding() {
        let a = Analysis::new("وأضافَ والمتحدثة بأنّ على علي اليوم", lexicon());
        assert!(matches!(a.toks[0].cue, Some(Cue::Verb(_))));
        assert!(a.has(1, class::TITLE));
        assert!(a.has(2, class::COMP));
        assert!(a.is_ala(3));
        assert!(!a.is_ala(4) && a.has(4, class::GIVEN));
        assert!(a.has(5, class::TIME));
        assert_eq!(a.start_without_conjunction(0), 1);
        assert_eq!(
            a.start_without_conjunction(1),
            8,
            "و left out, the article kept"
        );
        let b = Analysis::new("وزير وسيعقد", lexicon());
        assert_eq!(
            b.start_without_conjunction(0),
            0,
            "the و of وزير is a letter"
        );
        assert_eq!(b.start_without_conjunction(1), 6);
    }
}
