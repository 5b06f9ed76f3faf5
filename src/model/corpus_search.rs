//! Search across every document of a corpus, with the same folding as [`super::SearchIndex`]
//! (diacritics and tatweel ignored, alef/ya/ta-marbuta variants and case folded), reporting
//! each document's hits as it goes, so a caller can stream them and stop early; each hit
//! gives its context snippet (some words either side) when it is shown.
//!
//! A document is scanned once, character by character, with a KMP automaton over the folded
//! query: no index is built and nothing is allocated per document unless it has hits. When the
//! query's first letter has no variants, the scan jumps between its occurrences with a byte
//! search.

use std::ops::{ControlFlow, Range};

use super::actions;
use super::command::{EditError, Transaction};
use super::document::Project;
use super::search::{fold_char, is_ignored};

/// Words of context kept on each side of a hit in its snippet.
pub const SNIPPET_WORDS: usize = 6;
/// At most this many characters of context on each side of a hit.
pub const SNIPPET_CHARS: usize = 60;
/// Marks a snippet cut short of its paragraph.
const ELLIPSIS: char = '…';

/// One hit of a corpus search. Its snippet is made when it is shown ([`Self::snippet`]), so
/// a query with millions of hits costs no more than their positions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CorpusHit {
    /// Index of the document.
    pub doc: usize,
    /// The hit in the document's text, in code points.
    pub range: Range<usize>,
    /// The same, in bytes of the text.
    pub bytes: Range<usize>,
}

/// A hit with some words either side, within its paragraph.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Snippet {
    /// The context, with `…` where it was cut short of the paragraph.
    pub text: String,
    /// The hit inside [`Self::text`], in code points.
    pub hit: Range<usize>,
}

/// A query prepared for scanning many texts.
#[derive(Clone, Debug)]
pub struct CorpusQuery {
    /// The query's characters as compared (folded when `fold`).
    pattern: Vec<char>,
    /// KMP failure function: `fail[i]` is the length of the longest proper border of
    /// `pattern[..=i]`.
    fail: Vec<usize>,
    fold: bool,
    /// The first character, when it is the only one that folds to itself: the scan may then
    /// jump to its next occurrence by byte search.
    anchor: Option<char>,
}

impl CorpusQuery {
    /// Prepares `query`; with `fold` off, characters are compared exactly. `None` when there
    /// is nothing to search for (empty, or only diacritics when folding).
    pub fn new(query: &str, fold: bool) -> Option<Self> {
        let pattern: Vec<char> = if fold {
            query
                .chars()
                .filter(|c| !is_ignored(*c))
                .map(fold_char)
                .collect()
        } else {
            query.chars().collect()
        };
        let first = *pattern.first()?;
        let mut fail = vec![0; pattern.len()];
        let mut k = 0;
        for i in 1..pattern.len() {
            while k > 0 && pattern[i] != pattern[k] {
                k = fail[k - 1];
            }
            if pattern[i] == pattern[k] {
                k += 1;
            }
            fail[i] = k;
        }
        // Arabic letters other than the fold targets ا ي ه have no other form that folds to
        // them; without folding every character stands for itself.
        let unique = ('\u{0621}'..='\u{064A}').contains(&first) && !"ايه".contains(first);
        let anchor = (!fold || unique).then_some(first);
        Some(CorpusQuery {
            pattern,
            fail,
            fold,
            anchor,
        })
    }

    /// Calls `found` with the code-point and byte ranges of every non-overlapping hit in
    /// `text`, in text order (the hits of [`super::SearchIndex::find_all`]). When folding, a
    /// hit also covers the diacritics and tatweel that follow its last letter.
    fn scan(&self, text: &str, mut found: impl FnMut(Range<usize>, Range<usize>)) {
        let m = self.pattern.len();
        let first = self.pattern[0];
        // (code point, byte) of the characters compared since a partial match began, by
        // their count: where a hit ending at the current character starts.
        let mask = m.next_power_of_two() - 1;
        let mut ring = vec![(0usize, 0usize); mask + 1];
        let mut compared = 0usize;
        let mut state = 0usize;
        // A hit whose end may still grow over the marks that follow it: (start, end) as
        // (code point, byte).
        let mut pending: Option<((usize, usize), (usize, usize))> = None;
        let mut cp = 0usize;
        let mut from = 0usize;
        'runs: while from < text.len() {
            if let Some(a) = self.anchor {
                // Nothing partly matched: jump to the next place a hit can start.
                let rest = &text[from..];
                let Some(skip) = rest.find(a) else {
                    break;
                };
                cp += rest[..skip].chars().count();
                from += skip;
            }
            for (offset, c) in text[from..].char_indices() {
                let byte = from + offset;
                let len = c.len_utf8();
                if self.fold && is_ignored(c) {
                    if let Some((_, end)) = pending.as_mut() {
                        *end = (cp + 1, byte + len);
                    }
                    cp += 1;
                    continue;
                }
                if let Some((a, b)) = pending.take() {
                    found(a.0..b.0, a.1..b.1);
                }
                let c = if self.fold { fold_char(c) } else { c };
                if state == 0 && c != first {
                    cp += 1;
                    if self.anchor.is_some() {
                        from = byte + len;
                        continue 'runs;
                    }
                    continue;
                }
                while state > 0 && self.pattern[state] != c {
                    state = self.fail[state - 1];
                }
                if self.pattern[state] == c {
                    state += 1;
                }
                ring[compared & mask] = (cp, byte);
                compared += 1;
                if state == m {
                    pending = Some((ring[(compared - m) & mask], (cp + 1, byte + len)));
                    // Hits do not overlap: start afresh after this one.
                    state = 0;
                }
                cp += 1;
            }
            break;
        }
        if let Some((a, b)) = pending {
            found(a.0..b.0, a.1..b.1);
        }
    }

    /// Code-point ranges of the hits in `text`, in text order.
    pub fn find_all(&self, text: &str) -> Vec<Range<usize>> {
        let mut out = Vec::new();
        self.scan(text, |chars, _| out.push(chars));
        out
    }

    /// The hits in document `doc`'s `text`, appended to `out`.
    pub fn find_in(&self, doc: usize, text: &str, out: &mut Vec<CorpusHit>) {
        self.scan(text, |range, bytes| {
            out.push(CorpusHit { doc, range, bytes })
        });
    }
}

/// Whether `c` ends a paragraph (snippets stay inside theirs).
fn is_break(c: char) -> bool {
    matches!(
        c,
        '\n' | '\r' | '\u{2029}' | '\u{0B}' | '\u{0C}' | '\u{85}' | '\u{2028}'
    )
}

/// Byte offset where the context before `at` starts, its length in code points, and whether
/// it was cut short of the paragraph's start.
fn context_before(text: &str, at: usize) -> (usize, usize, bool) {
    let mut start = at;
    let mut chars = 0;
    let mut words = 0;
    let mut in_word = false;
    for (i, c) in text[..at].char_indices().rev() {
        if is_break(c) {
            return (start, chars, false);
        }
        if c.is_whitespace() {
            if in_word {
                words += 1;
                in_word = false;
                if words == SNIPPET_WORDS {
                    return (start, chars, true);
                }
            }
        } else {
            in_word = true;
        }
        if chars == SNIPPET_CHARS {
            // Cut at the start of a word when one begins in what was taken.
            let taken = &text[start..at];
            return match taken.find(char::is_whitespace) {
                Some(w) => {
                    let ws = taken[w..].chars().next().map_or(1, char::len_utf8);
                    let skip = w + ws;
                    (start + skip, chars - taken[..skip].chars().count(), true)
                }
                None => (start, chars, true),
            };
        }
        start = i;
        chars += 1;
    }
    (start, chars, false)
}

/// Byte offset where the context after `at` ends and whether it was cut short of the
/// paragraph's end.
fn context_after(text: &str, at: usize) -> (usize, bool) {
    let mut end = at;
    let mut words = 0;
    let mut in_word = false;
    for (chars, (i, c)) in text[at..].char_indices().enumerate() {
        if is_break(c) {
            return (end, false);
        }
        if c.is_whitespace() {
            if in_word {
                words += 1;
                in_word = false;
                if words == SNIPPET_WORDS {
                    return (end, true);
                }
            }
        } else {
            in_word = true;
        }
        if chars == SNIPPET_CHARS {
            let taken = &text[at..end];
            return match taken.rfind(char::is_whitespace) {
                Some(w) if w > 0 => (at + w, true),
                _ => (end, true),
            };
        }
        end = at + i + c.len_utf8();
    }
    (end, false)
}

impl CorpusHit {
    /// The hit's snippet, from its document's `text`: up to [`SNIPPET_WORDS`] words (at most
    /// [`SNIPPET_CHARS`] characters) either side, never past its paragraph. `None` when `text`
    /// is not the hit's document.
    pub fn snippet(&self, text: &str) -> Option<Snippet> {
        let hit = text.get(self.bytes.clone())?;
        let (from, before, cut_before) = context_before(text, self.bytes.start);
        let (to, cut_after) = context_after(text, self.bytes.end);
        // Spaces at the cut ends only push the text apart.
        let head = &text[from..self.bytes.start];
        let trimmed = head.trim_start();
        let before = before - head[..head.len() - trimmed.len()].chars().count();
        let tail = text[self.bytes.end..to].trim_end();
        let mut s = String::with_capacity(trimmed.len() + hit.len() + tail.len() + 8);
        let mut lead = 0;
        if cut_before {
            s.push(ELLIPSIS);
            s.push(' ');
            lead = 2;
        }
        s.push_str(trimmed);
        s.push_str(hit);
        s.push_str(tail);
        if cut_after {
            s.push(' ');
            s.push(ELLIPSIS);
        }
        let start = lead + before;
        Some(Snippet {
            text: s,
            hit: start..start + (self.range.end - self.range.start),
        })
    }
}

/// Searches `texts` (document index = position) for `query`, calling `each` once per
/// document, in order, with that document's hits (often none). `each` returning
/// [`ControlFlow::Break`] cancels the search; the result says whether it was cancelled.
pub fn search_documents<'a>(
    query: &CorpusQuery,
    texts: impl IntoIterator<Item = &'a str>,
    mut each: impl FnMut(usize, Vec<CorpusHit>) -> ControlFlow<()>,
) -> ControlFlow<()> {
    for (doc, text) in texts.into_iter().enumerate() {
        let mut hits = Vec::new();
        query.find_in(doc, text, &mut hits);
        each(doc, hits)?;
    }
    ControlFlow::Continue(())
}

/// What marking every hit of a corpus search with one label adds.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct MarkAll {
    /// The spans to add, across documents, as one undo step.
    pub transaction: Transaction,
    /// How many spans it adds.
    pub spans: usize,
    /// In how many documents.
    pub documents: usize,
}

/// Spans labelled `label` over every hit (in document order, as a search reports them), one
/// transaction for the whole corpus; hits a span with that label already covers exactly are
/// skipped, as [`actions::mark_all`] does in one document.
pub fn mark_all_hits(
    project: &Project,
    label: &str,
    hits: &[CorpusHit],
) -> Result<MarkAll, EditError> {
    let mut out = MarkAll::default();
    let mut rest = hits;
    while let Some(first) = rest.first() {
        let doc = first.doc;
        let n = rest.iter().take_while(|h| h.doc == doc).count();
        let ranges: Vec<Range<usize>> = rest[..n].iter().map(|h| h.range.clone()).collect();
        rest = &rest[n..];
        let (tx, added) = actions::mark_all(project, doc, label, &ranges)?;
        if added > 0 {
            out.spans += added;
            out.documents += 1;
            out.transaction.edits.extend(tx.edits);
        }
    }
    Ok(out)
}

#[cfg(test)]
// Expected hit lists of one range read best as the literal list.
#[allow(clippy::single_range_in_vec_init)]
mod tests {
    use super::*;
    use crate::model::{Document, SearchIndex};

    fn texts(text: &str, hits: &[Range<usize>]) -> Vec<String> {
        hits.iter()
            .map(|r| text.chars().skip(r.start).take(r.end - r.start).collect())
            .collect()
    }

    fn all(texts: &[&str], query: &str, fold: bool) -> Vec<CorpusHit> {
        let q = CorpusQuery::new(query, fold).expect("query");
        let mut out = Vec::new();
        let flow = search_documents(&q, texts.iter().copied(), |_, hits| {
            out.extend(hits);
            ControlFlow::Continue(())
        });
        assert_eq!(flow, ControlFlow::Continue(()));
        out
    }

    fn cut(s: &str, r: &Range<usize>) -> String {
        s.chars().skip(r.start).take(r.end - r.start).collect()
    }

    #[test]
    fn folding_matches_diacritics_tatweel_and_letter_variants() {
        let t = "قَالَ الرئيسُ إنّ الانتخابات مهمّة، وقال الرئيـس: إن الأمن أولى";
        let q = |s: &str| CorpusQuery::new(s, true).expect("query").find_all(t);
        assert_eq!(texts(t, &q("قال")), ["قَالَ", "قال"]);
        assert_eq!(texts(t, &q("الرئيس")), ["الرئيسُ", "الرئيـس"]);
        assert_eq!(texts(t, &q("ان")), ["إنّ", "ان", "إن"]);
        assert_eq!(texts(t, &q("مهمه")), ["مهمّة"]);
        assert_eq!(texts(t, &q("اولي")), ["أولى"]);
        assert_eq!(
            q("قَالَ").len(),
            2,
            "a query with diacritics finds the bare text"
        );
        let exact = CorpusQuery::new("قال", false).expect("query").find_all(t);
        assert_eq!(texts(t, &exact), ["قال"]);
        assert!(CorpusQuery::new("", true).is_none());
        assert!(
            CorpusQuery::new("\u{064E}\u{0640}", true).is_none(),
            "only marks"
        );
    }

    #[test]
    fn hits_are_those_of_the_single_document_search() {
        let seed = include_str!("../../seeds/000_19e18760a7c74451.txt");
        let t = format!("{seed}\nAbc ABC abcabc aaa aaaa 😀x😀x ﻻ ـ");
        for query in [
            "الانتخابات",
            "رئيس الحكومة",
            "الحكومة",
            "ا",
            "اا",
            "ة",
            "أمنية",
            "abc",
            "aa",
            "😀x",
            "، ",
            "في",
        ] {
            for fold in [true, false] {
                let want = SearchIndex::new(&t, fold).find_all(query);
                let got = CorpusQuery::new(query, fold).expect("query").find_all(&t);
                assert_eq!(got, want, "{query:?} fold={fold}");
            }
        }
        // Overlapping candidates: the leftmost wins and the next starts after it.
        let q = CorpusQuery::new("aa", false).expect("query");
        assert_eq!(q.find_all("aaaaa"), [0..2, 2..4]);
        let q = CorpusQuery::new("abab", false).expect("query");
        assert_eq!(q.find_all("abababab"), [0..4, 4..8]);
        assert_eq!(
            q.find_all("aabab"),
            [1..5],
            "a failed start falls back, not restarts"
        );
    }

    #[test]
    fn hits_carry_their_document_in_order() {
        let docs = ["لا شيء هنا", "قال الرئيس", "", "الرئيس قال: الرئيس"];
        let hits = all(&docs, "الرئيس", true);
        let got: Vec<(usize, Range<usize>)> =
            hits.iter().map(|h| (h.doc, h.range.clone())).collect();
        assert_eq!(got, [(1, 4..10), (3, 0..6), (3, 12..18)]);
    }

    #[test]
    fn snippets_hold_the_hit_in_code_points_with_words_either_side() {
        let text = "😀 أول 😀 ثاني ثالث رابع\nقال 👩‍👩‍👧 الرَّئيسُ هنا واحد اثنان ثلاثة أربعة خمسة ستة سبعة ثمانية\nآخر";
        let hits = all(&[text], "الرئيس", true);
        assert_eq!(hits.len(), 1);
        let h = &hits[0];
        assert_eq!(
            cut(text, &h.range),
            "الرَّئيسُ",
            "marks after the last letter belong to the hit"
        );
        assert_eq!(&text[h.bytes.clone()], "الرَّئيسُ");
        let s = h.snippet(text).expect("snippet");
        assert_eq!(cut(&s.text, &s.hit), "الرَّئيسُ");
        // The paragraph's start is reached; six words after, then the cut.
        assert_eq!(s.text, "قال 👩‍👩‍👧 الرَّئيسُ هنا واحد اثنان ثلاثة أربعة خمسة …");
        let first = all(&[text], "😀 ثاني", false);
        assert_eq!(first.len(), 1);
        assert_eq!(first[0].range, 6..12);
        let s = first[0].snippet(text).expect("snippet");
        assert_eq!(s.text, "😀 أول 😀 ثاني ثالث رابع");
        assert_eq!(s.hit, 6..12);
        assert!(first[0].snippet("short").is_none(), "not this hit's text");
    }

    #[test]
    fn long_context_is_cut_at_a_word_boundary() {
        let words: Vec<String> = (0..40).map(|i| format!("كلمة{i}")).collect();
        let mut text = words[..20].join(" ");
        text.push_str(" هدف ");
        text.push_str(&words[20..].join(" "));
        let hits = all(&[&text], "هدف", true);
        let s = hits[0].snippet(&text).expect("snippet");
        assert!(s.text.starts_with("… كلمة14 "), "{}", s.text);
        assert!(s.text.ends_with(" كلمة25 …"), "{}", s.text);
        assert_eq!(cut(&s.text, &s.hit), "هدف");
        // One very long word: cut by characters, still holding the hit.
        let long = format!("{} هدف {}", "ب".repeat(200), "ج".repeat(200));
        let h = &all(&[&long], "هدف", true)[0];
        assert_eq!(h.range, 201..204);
        let s = h.snippet(&long).expect("snippet");
        assert_eq!(cut(&s.text, &s.hit), "هدف");
        assert!(s.text.chars().count() <= 2 * SNIPPET_CHARS + 10);
    }

    #[test]
    fn returning_break_cancels_the_search() {
        let docs = ["قال", "قال", "قال", "قال"];
        let q = CorpusQuery::new("قال", true).expect("query");
        let mut seen = Vec::new();
        let flow = search_documents(&q, docs.iter().copied(), |doc, hits| {
            seen.push((doc, hits.len()));
            if doc == 1 {
                ControlFlow::Break(())
            } else {
                ControlFlow::Continue(())
            }
        });
        assert_eq!(flow, ControlFlow::Break(()));
        assert_eq!(
            seen,
            [(0, 1), (1, 1)],
            "no document after the break is searched"
        );
    }

    #[test]
    fn mark_all_hits_is_one_transaction_skipping_spans_that_exist() {
        let mut p = Project::new("t", "ann");
        for t in ["قال الرئيس", "لا شيء", "الرئيس قال: الرئيس"] {
            p.documents.push(Document::new("d", "", "", t).into());
        }
        let texts: Vec<String> = p.documents.iter().map(|d| d.text().to_owned()).collect();
        let hits = all(
            &texts.iter().map(String::as_str).collect::<Vec<_>>(),
            "الرئيس",
            true,
        );
        // One hit already has the span.
        let (tx, _) = actions::mark(&p, 2, "speaker", 0..6).expect("mark");
        crate::model::apply(&mut p, tx).expect("apply");
        let m = mark_all_hits(&p, "speaker", &hits).expect("mark all");
        assert_eq!((m.spans, m.documents), (2, 2));
        crate::model::apply(&mut p, m.transaction).expect("apply all");
        let ranges = |p: &Project, d: usize| -> Vec<Range<usize>> {
            p.documents[d]
                .spans
                .iter()
                .map(|s| s.start..s.end)
                .collect()
        };
        assert_eq!(ranges(&p, 0), [4..10]);
        assert_eq!(ranges(&p, 2), [0..6, 12..18]);
        let again = mark_all_hits(&p, "speaker", &hits).expect("again");
        assert_eq!((again.spans, again.documents), (0, 0));
        assert!(again.transaction.edits.is_empty());
    }
}
