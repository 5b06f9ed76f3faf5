//! The cue rules: from each reporting cue, the speaker it governs, the claim it introduces and
//! the link between them.
//!
//! - Verbs (قال، أضاف، أكد …, with و/ف): the speaker is the noun phrase after the verb, up to
//!   a comma, a preposition or إن/أن (a title or source noun keeps its complement, "الخبير في
//!   الشأن الأمني"; an apposition after a comma is kept whole, "المتحدث باسم الوزارة، خالد
//!   شمال"); with none after it, the noun phrase before the verb when the sentence opens with
//!   one ("…، ميثاق القيسي، يرى أن"); with neither, the previous claim's speaker ("ولفت إلى أن").
//!   The claim follows إن/أن, a colon, على/من after verbs that take them, or a quotation right
//!   after the speaker.
//! - Participles after a comma ("، مشيراً إلى أن"): the claim of the sentence's speaker.
//! - Nominal cues (بحسب، وفقاً لـ، نقلاً عن، على لسان): the source is the noun phrase after
//!   them; the claim is what follows أن, or the rest of the sentence before them. Between a
//!   verb and its claim, نقلاً عن makes the verb's subject a mere relay and على لسان adds a
//!   second speaker.
//!
//! A claim in quotation marks is `direct` (without the marks); an indirect clause runs to the
//! end of its sentence and is `mixed` when it holds a quotation. A quotation that is the object
//! of على/من ("شدد على \"…\"") is `mixed`: quoted words inside the reporter's sentence.

use std::collections::HashMap;

use super::lexicon::{Cue, Lexicon, Nominal, class, takes};
use super::text::{Analysis, leading_conjunction, strip_clitics};
use crate::model::SpanId;

/// The kind of span a candidate is, before the schema names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum Role {
    /// Who says it.
    Speaker,
    /// What is said.
    Claim,
    /// A named person, organisation or place.
    Entity,
}

/// A speaker a claim is linked to: another candidate or a span already in the document.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Target {
    /// Candidate number.
    Cand(usize),
    /// An existing span's id.
    Span(SpanId),
}

/// A proposed span before the schema, existing spans and rejections are applied.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Cand {
    /// What it is.
    pub role: Role,
    /// First code point.
    pub start: usize,
    /// One past the last code point.
    pub end: usize,
    /// Claim's quote kind (`direct`, `indirect`, `mixed`).
    pub quote: Option<&'static str>,
    /// Entity's kind (`person`, `organization`, `location`).
    pub kind: Option<&'static str>,
    /// The rule's name.
    pub rule: &'static str,
    /// Confidence in per cent.
    pub score: u8,
    /// A claim's speakers.
    pub speakers: Vec<Target>,
    /// For a short speaker mention, the earlier speaker it names again.
    pub same_as: Option<Target>,
}

/// A speaker span already in the document: range and id.
#[derive(Clone, Copy, Debug)]
pub(crate) struct KnownSpeaker {
    /// First code point.
    pub start: usize,
    /// One past the last code point.
    pub end: usize,
    /// The span's id.
    pub id: SpanId,
}

/// A claim found after a cue.
#[derive(Clone, Copy, Debug)]
struct Claim {
    start: usize,
    end: usize,
    quote: &'static str,
    score: u8,
}

/// A noun phrase: its first and last token and the code point it starts at.
#[derive(Clone, Copy, Debug)]
struct Phrase {
    first: usize,
    last: usize,
    start: usize,
}

/// A nominal cue met between a verb and its claim.
#[derive(Clone, Copy, Debug)]
struct Relay {
    kind: Nominal,
    phrase: Phrase,
}

/// Tokens a claim search looks at before giving up.
const SEARCH_LIMIT: usize = 48;

/// Words a pre-verb subject may have.
const MAX_SUBJECT_WORDS: usize = 14;

struct Rules<'a, 't> {
    a: &'a Analysis<'t>,
    lex: &'a Lexicon,
    cands: Vec<Cand>,
    speaker_at: HashMap<(usize, usize), usize>,
    /// Nominal cues already used as a verb's relay.
    consumed: Vec<bool>,
    /// Speakers of the last cue, with its sentence's first token and the cue's position.
    last: Option<(Vec<Target>, usize, usize)>,
    known: &'a [KnownSpeaker],
    /// Folded words (no proclitics, no article) of earlier speakers of two words or more:
    /// where they end and who they are.
    names: HashMap<String, Vec<(usize, Target)>>,
}

/// Candidates from the cue rules of one text. `known` are the document's speaker spans,
/// sorted by end.
pub(crate) fn cue_candidates(a: &Analysis<'_>, lex: &Lexicon, known: &[KnownSpeaker]) -> Vec<Cand> {
    let mut r = Rules {
        a,
        lex,
        cands: Vec::new(),
        speaker_at: HashMap::new(),
        consumed: vec![false; a.toks.len()],
        last: None,
        known,
        names: HashMap::new(),
    };
    for k in known {
        r.remember_names_in_range(k.start, k.end, Target::Span(k.id));
    }
    for i in 0..a.toks.len() {
        if r.consumed[i] {
            continue;
        }
        match a.toks[i].cue {
            Some(Cue::Verb(flags)) => r.verb(i, flags),
            Some(Cue::Participle(flags)) => r.participle(i, flags),
            Some(Cue::Nominal(follow, kind)) => r.nominal(i, follow, kind),
            None => {}
        }
    }
    r.cands
}

impl Rules<'_, '_> {
    fn cls(&self, i: usize) -> u32 {
        self.a.class(i)
    }

    /// Whether token `i` is a word that plainly starts with the preposition لـ: standalone,
    /// before the article (لل), or before a title, organisation or speaking noun.
    fn lam_preposition(&self, i: usize) -> bool {
        let f = self.a.fold(i);
        if !self.a.is_word(i) || !f.starts_with('ل') {
            return false;
        }
        if f == "ل" || f.starts_with("لل") {
            return true;
        }
        let rest = &f['ل'.len_utf8()..];
        let nouns = class::TITLE | class::SOURCE | class::ORG | class::COMMUNICATION;
        self.lex.classes.get(rest).is_some_and(|c| c & nouns != 0)
            || self.lex.named.contains_key(rest)
    }

    /// Whether token `i` is a place the gazetteer knows.
    fn known_place(&self, i: usize) -> bool {
        let f = self.a.fold(i);
        let (_, bare) = strip_clitics(f);
        [f, bare].iter().any(|w| {
            self.lex
                .named
                .get(*w)
                .is_some_and(|v| v.iter().any(|n| n.kind == "location"))
        })
    }

    /// Whether a noun phrase cannot start at token `i`.
    fn bad_head(&self, i: usize) -> bool {
        let a = self.a;
        !a.is_word(i)
            || a.has(i, class::STOP | class::COMP | class::TIME | class::QAWL)
            || a.toks[i].cue.is_some()
            || self.lam_preposition(i)
            || leading_conjunction(a.fold(i))
    }

    /// The noun phrase starting at token `j` (no later than `limit`): words up to a comma,
    /// preposition, complementiser, time word, cue or conjunction. A title or source noun keeps
    /// up to two prepositional complements ("الخبير في الشأن الأمني", "مصادر في الدفاع
    /// المدني"), but not where something was said ("في تصريح") or a place ("في بغداد").
    /// `lam` starts the phrase after a preposition لـ attached to its first word.
    fn noun_phrase(&self, j: usize, limit: usize, lam: bool) -> Option<Phrase> {
        let a = self.a;
        if j > limit || (!lam && self.bad_head(j)) || !a.is_word(j) {
            return None;
        }
        let head = if lam {
            let f = a.fold(j);
            let rest = f.strip_prefix('ل').unwrap_or(f);
            self.lex.classes.get(rest).copied().unwrap_or(0) | self.cls(j)
        } else {
            self.cls(j)
        };
        let complement_head = head & (class::TITLE | class::SOURCE) != 0;
        let org_head = head & class::ORG != 0;
        let mut last = j;
        let mut k = j + 1;
        let mut words = 1;
        let mut complements = 0;
        while k <= limit && words < 9 && a.is_word(k) {
            let c = self.cls(k);
            if c & (class::COMP | class::QAWL | class::TIME) != 0 || a.toks[k].cue.is_some() {
                break;
            }
            // "تقرير صادر عن البنك الدولي": who issued it belongs to the source.
            if a.fold(k) == "عن"
                && matches!(a.fold(k - 1), "صادر" | "صادره" | "الصادر" | "الصادره")
                && k < limit
                && !self.bad_head(k + 1)
            {
                last = k + 1;
                k += 2;
                words += 2;
                continue;
            }
            if c & class::STOP != 0 {
                let object = k + 1;
                // "في" + a place is where it was said; "عن المنطقة" is whom a deputy stands for.
                let located = a.fold(k) == "في"
                    && (a.has(object, class::PLACE_NOUN) || self.known_place(object));
                let takes_complement = complement_head
                    && c & class::COMPLEMENT != 0
                    && complements < 2
                    && object <= limit
                    && !self.bad_head(object)
                    && !a.has(object, class::COMMUNICATION)
                    && !located;
                if !takes_complement {
                    break;
                }
                complements += 1;
                last = object;
                k = object + 1;
                words += 2;
                continue;
            }
            // لل after an organisation or a title is its complement ("المفوضية العليا
            // للانتخابات", "المديرة الإقليمية للبرنامج", "الأمين العام للأمم المتحدة").
            let lam_complement = (org_head || complement_head) && a.fold(k).starts_with("لل");
            if (self.lam_preposition(k) && !lam_complement) || leading_conjunction(a.fold(k)) {
                break;
            }
            last = k;
            k += 1;
            words += 1;
        }
        let start = if lam {
            a.start_after(j, 1)
        } else {
            a.toks[j].start
        };
        Some(Phrase {
            first: j,
            last,
            start,
        })
    }

    /// A person's name starting at token `j`: up to four words, the first without the article
    /// unless it is a known given name.
    fn name_phrase(&self, j: usize, limit: usize) -> Option<Phrase> {
        let a = self.a;
        if j > limit || self.bad_head(j) || a.has(j, class::COMMUNICATION) {
            return None;
        }
        if a.fold(j).starts_with("ال") && !a.has(j, class::GIVEN) {
            return None;
        }
        let mut last = j;
        let mut k = j + 1;
        while k <= limit && k < j + 4 && !self.bad_head(k) && !a.has(k, class::COMMUNICATION) {
            last = k;
            k += 1;
        }
        Some(Phrase {
            first: j,
            last,
            start: a.toks[j].start,
        })
    }

    /// The phrase grown over an apposition after a comma: a title and a name, or a name and a
    /// title ("المتحدث باسم الوزارة، خالد شمال"), when what follows closes it.
    fn with_apposition(&self, p: Phrase, limit: usize) -> Phrase {
        let a = self.a;
        let comma = p.last + 1;
        if comma >= limit || !a.is_comma(comma) {
            return p;
        }
        let s = comma + 1;
        let first_titled = a.has(p.first, class::TITLE | class::SOURCE | class::ORG);
        let first_named = a.has(p.first, class::GIVEN);
        let second = if first_titled {
            self.name_phrase(s, limit)
        } else if first_named && a.has(s, class::TITLE) {
            self.noun_phrase(s, limit, false)
        } else {
            None
        };
        let Some(second) = second else {
            return p;
        };
        let next = second.last + 1;
        let closes = next > limit
            || a.is_comma(next)
            || a.fold(next) == ":"
            || a.has(next, class::COMP | class::STOP)
            || self.lam_preposition(next)
            || a.opens_quote(next).is_some();
        if closes {
            Phrase {
                last: second.last,
                ..p
            }
        } else {
            p
        }
    }

    /// The subject before cue `cue` when its sentence opens with one ("اللواء …، ميثاق
    /// القيسي، يرى أن"): the words from the sentence's start (after a discourse marker such as
    /// "من جهته،") to the cue, with no cue, complementiser or quotation among them.
    fn subject_before(&self, cue: usize) -> Option<Phrase> {
        let a = self.a;
        let s = a.sentence_start[cue];
        if cue <= s {
            return None;
        }
        let mut first = s;
        if a.has(s, class::MARKER)
            && let Some(c) = (s..cue.min(s + 4)).find(|&k| a.is_comma(k))
        {
            first = c + 1;
        }
        // "وكان العدوان قد صرّح": the subject sits between كان and قد.
        if a.has(first, class::KANA) {
            first += 1;
        }
        let mut last = cue - 1;
        while last > first && (a.is_comma(last) || a.fold(last) == "قد" || a.fold(last) == "لقد")
        {
            last -= 1;
        }
        if last < first || !a.is_word(last) || !a.is_word(first) {
            return None;
        }
        if a.has(first, class::STOP | class::TIME | class::COMP) || a.toks[first].cue.is_some() {
            return None;
        }
        let mut words = 0;
        for k in first..=last {
            if a.is_word(k) {
                words += 1;
            } else if !a.is_comma(k) {
                return None;
            }
            if a.has(k, class::COMP | class::REL) || a.toks[k].cue.is_some() {
                return None;
            }
        }
        (words <= MAX_SUBJECT_WORDS).then(|| Phrase {
            first,
            last,
            start: a.start_without_conjunction(first),
        })
    }

    /// The first and last word token in `from..=to`.
    fn words_within(&self, from: usize, to: usize) -> Option<(usize, usize)> {
        let first = (from..=to).find(|&k| self.a.is_word(k))?;
        let last = (from..=to).rev().find(|&k| self.a.is_word(k))?;
        Some((first, last))
    }

    /// Whether a comma at `k` opens a new cue ("، مشيراً", "، بحسب", "، وأضاف").
    fn comma_before_cue(&self, k: usize) -> bool {
        let a = self.a;
        a.is_comma(k)
            && match a.toks.get(k + 1).and_then(|t| t.cue) {
                Some(Cue::Participle(_)) | Some(Cue::Nominal(..)) => true,
                Some(Cue::Verb(_)) => a.fold(k + 1).starts_with(['و', 'ف']),
                None => false,
            }
    }

    /// The last token of the clause starting at `p`: up to the sentence's end or a comma that
    /// opens another cue; quotations are passed whole.
    fn clause_end(&self, p: usize, limit: usize) -> usize {
        let a = self.a;
        let mut k = p;
        let mut last = p;
        while k <= limit {
            if self.comma_before_cue(k) {
                break;
            }
            if let Some(close) = a.opens_quote(k) {
                last = close.min(limit);
                k = close + 1;
                continue;
            }
            last = k;
            k += 1;
        }
        last
    }

    /// The claim starting at token `p`: a quotation's content, or the clause.
    fn claim_at(&self, p: usize, limit: usize, quoted_object: bool) -> Option<Claim> {
        let a = self.a;
        let mut p = p;
        while p <= limit && a.is_comma(p) {
            p += 1;
        }
        if p > limit {
            return None;
        }
        if let Some(close) = a.opens_quote(p) {
            let after = close + 1;
            // Words right after the closing mark continue the sentence: a mixed quote.
            let continues = after <= limit
                && a.is_word(after)
                && a.toks[after].cue.is_none()
                && !a.has(after, class::COMP);
            if !continues {
                let (f, l) = self.words_within(p + 1, close.saturating_sub(1))?;
                if close == 0 || f >= close {
                    return None;
                }
                let quote = if quoted_object { "mixed" } else { "direct" };
                return Some(Claim {
                    start: a.toks[f].start,
                    end: a.toks[l].end,
                    quote,
                    score: 90,
                });
            }
        }
        let end = self.clause_end(p, limit);
        let (f, l) = self.words_within(p, end)?;
        let quoted = (f..=l).any(|k| a.opens_quote(k).is_some() || a.pair[k].is_some());
        let quoted = quoted || (p..f).any(|k| a.opens_quote(k).is_some());
        Some(Claim {
            start: a.toks[f].start,
            end: a.toks[l].end,
            quote: if quoted { "mixed" } else { "indirect" },
            score: if quoted { 80 } else { 75 },
        })
    }

    /// The first non-comma token from `k`.
    fn skip_commas(&self, mut k: usize) -> usize {
        while k < self.a.toks.len() && self.a.is_comma(k) {
            k += 1;
        }
        k
    }

    /// The noun phrase a nominal cue at `i` governs, if its second word is there.
    fn nominal_phrase(&self, i: usize, follow: Option<&str>, limit: usize) -> Option<Phrase> {
        let a = self.a;
        let next = i + 1;
        let p = match follow {
            None => self.noun_phrase(next, limit, false)?,
            Some("ل") => {
                if a.fold(next) == "ل" {
                    self.noun_phrase(next + 1, limit, false)?
                } else if a.is_word(next)
                    && a.fold(next).starts_with('ل')
                    && a.fold(next).chars().count() > 2
                {
                    self.noun_phrase(next, limit, true)?
                } else {
                    return None;
                }
            }
            Some(w) => {
                let folded = self.lex.folded_follow.get(w)?;
                if a.fold(next) != folded {
                    return None;
                }
                self.noun_phrase(next + 1, limit, false)?
            }
        };
        if a.fold(p.first) == "ما" {
            return None;
        }
        Some(self.with_apposition(p, limit))
    }

    /// Looks for the claim of a cue from token `from`: after إن/أن, a colon, على/من (when the
    /// cue takes them) or a quotation right there. Nominal cues met on the way are returned as
    /// relays; another cue ends the search.
    fn find_claim(&mut self, from: usize, limit: usize, flags: u8) -> (Option<Claim>, Vec<Relay>) {
        let a = self.a;
        let mut relays = Vec::new();
        let mut adjacent = self.skip_commas(from);
        let mut k = from;
        let mut steps = 0;
        while k <= limit && steps < SEARCH_LIMIT {
            steps += 1;
            if a.is_comma(k) {
                k += 1;
                continue;
            }
            if a.fold(k) == ":" || a.has(k, class::COMP) {
                let mut p = self.skip_commas(k + 1);
                if a.fold(k) == ":" && a.has(p, class::COMP) {
                    p += 1;
                }
                return (self.claim_at(p, limit, false), relays);
            }
            if let Some(close) = a.opens_quote(k) {
                if k == adjacent {
                    return (self.claim_at(k, limit, false), relays);
                }
                k = close + 1;
                continue;
            }
            match a.toks[k].cue {
                Some(Cue::Nominal(follow, kind)) => {
                    if let Some(p) = self.nominal_phrase(k, follow, limit) {
                        self.consumed[k] = true;
                        relays.push(Relay { kind, phrase: p });
                        k = p.last + 1;
                        adjacent = self.skip_commas(k);
                        continue;
                    }
                }
                // "صرّح قائلاً: …": a participle right after the subject belongs to the verb.
                Some(Cue::Participle(_)) if k == adjacent => {
                    self.consumed[k] = true;
                    k += 1;
                    adjacent = self.skip_commas(k);
                    continue;
                }
                Some(_) => break,
                None => {}
            }
            if k == adjacent {
                let object = (flags & takes::ALA != 0 && a.is_ala(k))
                    || (flags & takes::MIN != 0 && a.fold(k) == "من");
                if object {
                    if a.has(k + 1, class::COMP) {
                        k += 1;
                        continue;
                    }
                    if a.opens_quote(k + 1).is_some() {
                        return (self.claim_at(k + 1, limit, true), relays);
                    }
                    let c = self.claim_at(k + 1, limit, false).map(|c| Claim {
                        score: c.score.min(65),
                        ..c
                    });
                    return (c, relays);
                }
            }
            k += 1;
        }
        (None, relays)
    }

    /// A noun-phrase object after a cue that takes one ("أعلنت الوزارة، اليوم، ارتفاع …"):
    /// comma-delimited time or place adverbials are passed over.
    fn object_claim(&self, from: usize, limit: usize) -> Option<Claim> {
        let a = self.a;
        let mut k = self.skip_commas(from);
        // "، اليوم الثلاثاء،", "، في بيان،": an adverbial between commas.
        while k <= limit && (a.has(k, class::TIME) || a.fold(k) == "في") {
            let close = (k..=limit).find(|&c| a.is_comma(c))?;
            k = self.skip_commas(close + 1);
        }
        if k > limit || self.bad_head(k) || a.opens_quote(k).is_some() {
            return None;
        }
        let c = self.claim_at(k, limit, false)?;
        Some(Claim { score: 55, ..c })
    }

    /// Adds (or finds) the speaker candidate over phrase `p`.
    fn speaker(&mut self, p: Phrase, rule: &'static str, score: u8) -> Target {
        let end = self.a.toks[p.last].end;
        if let Some(&i) = self.speaker_at.get(&(p.start, end)) {
            return Target::Cand(i);
        }
        let words: Vec<usize> = (p.first..=p.last).filter(|&k| self.a.is_word(k)).collect();
        let mut same_as = None;
        let mut score = score;
        if words.len() == 1 {
            let (_, bare) = strip_clitics(self.a.fold(p.first));
            same_as = self
                .names
                .get(bare)
                .and_then(|v| v.iter().rev().find(|(e, _)| *e <= p.start).map(|(_, t)| *t));
            score = if same_as.is_some() {
                score
            } else {
                score.saturating_sub(15)
            };
        }
        let i = self.cands.len();
        self.cands.push(Cand {
            role: Role::Speaker,
            start: p.start,
            end,
            quote: None,
            kind: None,
            rule,
            score,
            speakers: Vec::new(),
            same_as,
        });
        self.speaker_at.insert((p.start, end), i);
        if words.len() > 1 {
            for k in words {
                self.remember_name(k, end, Target::Cand(i));
            }
        }
        Target::Cand(i)
    }

    /// Records word `k` of a speaker for later bare mentions.
    fn remember_name(&mut self, k: usize, end: usize, who: Target) {
        let stop = class::STOP | class::TITLE | class::SOURCE | class::ORG | class::JOINER;
        if self.a.has(k, stop) {
            return;
        }
        let (_, bare) = strip_clitics(self.a.fold(k));
        if bare.chars().count() < 3 {
            return;
        }
        self.names
            .entry(bare.to_owned())
            .or_default()
            .push((end, who));
    }

    /// Records the words of an existing speaker span.
    fn remember_names_in_range(&mut self, start: usize, end: usize, who: Target) {
        let a = self.a;
        let first = a.toks.partition_point(|t| t.start < start);
        let last = a.toks.partition_point(|t| t.end <= end);
        let words: Vec<usize> = (first..last).filter(|&k| a.is_word(k)).collect();
        if words.len() > 1 {
            for k in words {
                self.remember_name(k, end, who);
            }
        }
    }

    /// The speakers a cue at token `i` without a subject of its own refers to: those of the
    /// last cue, or an existing speaker span closer before it.
    fn previous_speakers(&self, i: usize) -> Vec<Target> {
        let pos = self.a.toks[i].start;
        // Known speakers are sorted by end: the last one ending before the cue.
        let before = self.known.partition_point(|k| k.end <= pos);
        let known = before.checked_sub(1).and_then(|k| self.known.get(k));
        match (&self.last, known) {
            (Some((t, _, at)), Some(k)) if k.end <= *at => t.clone(),
            (_, Some(k)) => vec![Target::Span(k.id)],
            (Some((t, _, _)), None) => t.clone(),
            (None, None) => Vec::new(),
        }
    }

    fn claim(&mut self, c: Claim, speakers: Vec<Target>, rule: &'static str, cue: usize) {
        let sentence = self.a.sentence_start[cue];
        let at = self.a.toks[cue].start;
        // A claim no speaker can be found for is still worth proposing, with less confidence.
        let score = if speakers.is_empty() {
            c.score.saturating_sub(20)
        } else {
            c.score
        };
        self.cands.push(Cand {
            role: Role::Claim,
            start: c.start,
            end: c.end,
            quote: Some(c.quote),
            kind: None,
            rule,
            score,
            speakers: speakers.clone(),
            same_as: None,
        });
        if !speakers.is_empty() {
            self.last = Some((speakers, sentence, at));
        }
    }

    fn verb(&mut self, i: usize, flags: u8) {
        let a = self.a;
        let limit = a.sentence_end[i];
        if flags & takes::RELAY != 0 {
            self.relayed(i, limit);
            return;
        }
        let next = i + 1;
        let subject = self
            .noun_phrase(next, limit, false)
            .map(|p| self.with_apposition(p, limit));
        let from = subject.map_or(next, |p| p.last + 1);
        let (mut claim, relays) = self.find_claim(from, limit, flags);
        if claim.is_none()
            && flags & takes::OBJECT != 0
            && let Some(s) = subject
        {
            claim = self.object_claim(s.last + 1, limit);
        }
        let Some(claim) = claim else {
            return;
        };
        let mut speakers = Vec::new();
        let relayed = relays.iter().any(|r| r.kind != Nominal::Voice);
        if let Some(s) = subject
            && !relayed
        {
            speakers.push(self.speaker(s, "cue-verb", 85));
        }
        for r in &relays {
            speakers.push(self.speaker(r.phrase, "cue-nominal", 80));
        }
        if speakers.is_empty() {
            if let Some(p) = self.subject_before(i) {
                speakers.push(self.speaker(p, "cue-verb-before", 70));
            } else if a.has(i, class::IMPERSONAL) {
                // "يُذكر أن …": the writer's background, nobody's claim.
                return;
            } else {
                speakers = self.previous_speakers(i);
            }
        }
        self.claim(claim, speakers, "cue-verb", i);
    }

    /// "نقل X عن Y قوله …": Y is the speaker.
    fn relayed(&mut self, i: usize, limit: usize) {
        let a = self.a;
        let relay = self.noun_phrase(i + 1, limit, false);
        let an = self.skip_commas(relay.map_or(i + 1, |p| p.last + 1));
        if a.fold(an) != "عن" {
            return;
        }
        let Some(source) = self.noun_phrase(an + 1, limit, false) else {
            return;
        };
        let source = self.with_apposition(source, limit);
        let qawl = self.skip_commas(source.last + 1);
        if !a.has(qawl, class::QAWL) {
            return;
        }
        let (claim, _) = self.find_claim(qawl + 1, limit, 0);
        let Some(claim) = claim else {
            return;
        };
        let who = self.speaker(source, "cue-relay", 85);
        self.claim(claim, vec![who], "cue-relay", i);
    }

    fn participle(&mut self, i: usize, flags: u8) {
        let a = self.a;
        let limit = a.sentence_end[i];
        let (mut claim, _) = self.find_claim(i + 1, limit, flags);
        if claim.is_none() && flags & takes::OBJECT != 0 {
            claim = self.object_claim(i + 1, limit);
        }
        let Some(claim) = claim else {
            return;
        };
        let sentence = a.sentence_start[i];
        let speakers = match &self.last {
            Some((t, s, _)) if *s == sentence => t.clone(),
            _ => self.previous_speakers(i),
        };
        self.claim(claim, speakers, "cue-participle", i);
    }

    fn nominal(&mut self, i: usize, follow: Option<&str>, kind: Nominal) {
        let a = self.a;
        let limit = a.sentence_end[i];
        let Some(p) = self.nominal_phrase(i, follow, limit) else {
            return;
        };
        let after = self.skip_commas(p.last + 1);
        let claim = if after <= limit && a.has(after, class::COMP) {
            self.claim_at(after + 1, limit, false)
        } else {
            self.claim_before(i).or_else(|| {
                let s = a.sentence_start[i];
                let opens = i == s || (i > s && a.is_comma(i - 1) && a.has(s, class::MARKER));
                (opens && a.is_comma(p.last + 1))
                    .then(|| self.claim_at(p.last + 2, limit, false))
                    .flatten()
            })
        };
        let Some(claim) = claim else {
            return;
        };
        let score = if kind == Nominal::Source { 80 } else { 75 };
        let who = self.speaker(p, "cue-nominal", score);
        self.claim(claim, vec![who], "cue-nominal", i);
    }

    /// The claim before a nominal cue at the end of its sentence ("سيعقد الجانبان …، بحسب
    /// مصادر"): the sentence up to the cue, when it has three words or more and no cue.
    fn claim_before(&self, i: usize) -> Option<Claim> {
        let a = self.a;
        let s = a.sentence_start[i];
        if i <= s {
            return None;
        }
        let (f, l) = self.words_within(s, i - 1)?;
        let words = (f..=l).filter(|&k| a.is_word(k)).count();
        if words < 3 || (f..=l).any(|k| a.toks[k].cue.is_some() || a.has(k, class::COMP)) {
            return None;
        }
        let first_quote = a
            .opens_quote(s)
            .or_else(|| a.opens_quote(f.saturating_sub(1)));
        let whole_quote = first_quote.is_some_and(|c| c >= l && c < i);
        let quoted = (s..i).any(|k| a.pair[k].is_some());
        let quote = if whole_quote {
            "direct"
        } else if quoted {
            "mixed"
        } else {
            "indirect"
        };
        Some(Claim {
            start: a.start_without_conjunction(f),
            end: a.toks[l].end,
            quote,
            score: 70,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::lexicon::lexicon;
    use super::*;

    /// Candidates of `text` as (role, text, quote) with the speakers' texts of claims.
    fn run(text: &str) -> Vec<(Role, String, Option<&'static str>, Vec<String>)> {
        let a = Analysis::new(text, lexicon());
        let cands = cue_candidates(&a, lexicon(), &[]);
        let slice = |s: usize, e: usize| text.chars().skip(s).take(e - s).collect::<String>();
        cands
            .iter()
            .map(|c| {
                let speakers = c
                    .speakers
                    .iter()
                    .filter_map(|t| match t {
                        Target::Cand(i) => Some(slice(cands[*i].start, cands[*i].end)),
                        Target::Span(_) => None,
                    })
                    .collect();
                (c.role, slice(c.start, c.end), c.quote, speakers)
            })
            .collect()
    }

    fn claims(text: &str) -> Vec<(String, &'static str, Vec<String>)> {
        run(text)
            .into_iter()
            .filter(|c| c.0 == Role::Claim)
            .map(|c| (c.1, c.2.unwrap_or(""), c.3))
            .collect()
    }

    fn speakers(text: &str) -> Vec<String> {
        run(text)
            .into_iter()
            .filter(|c| c.0 == Role::Speaker)
            .map(|c| c.1)
            .collect()
    }

    #[test]
    fn verb_with_subject_and_direct_quote() {
        let t = "وقال مصدر أمني، لـ\"سكاي نيوز عربية\" إن \"الحملة بدأت أمس\".";
        assert_eq!(
            claims(t),
            [(
                "الحملة بدأت أمس".to_owned(),
                "direct",
                vec!["مصدر أمني".to_owned()]
            )]
        );
    }

    #[test]
    fn verb_forms_agreement_and_prefixes() {
        for (verb, subject) in [
            ("قالت", "الوزيرة"),
            ("وأضافت", "الوزيرة"),
            ("فأكدوا", "المسؤولون"),
            ("وأوضحوا", "الخبراء"),
            ("تقول", "الوزارة"),
            ("وصرّح", "المتحدث"),
            ("وذكرت", "الصحيفة"),
            ("وأفادت", "الشرطة"),
            ("وكشف", "مصدر"),
        ] {
            let t = format!("{verb} {subject} إن الوضع مستقر.");
            assert_eq!(
                claims(&t),
                [(
                    "الوضع مستقر".to_owned(),
                    "indirect",
                    vec![subject.to_owned()]
                )],
                "{t}"
            );
        }
    }

    #[test]
    fn folding_finds_cues_written_with_diacritics_and_tatweel() {
        let t = "وَأَضَافَ الـوزيـرُ أَنَّ الوضعَ مستقرٌ.";
        let c = claims(t);
        assert_eq!(c.len(), 1, "{c:?}");
        assert_eq!(c[0].0, "الوضعَ مستقرٌ");
        assert_eq!(c[0].2, ["الـوزيـرُ"]);
    }

    #[test]
    fn apposition_is_kept_whole_and_a_bare_mention_is_linked() {
        let t = "وقال المتحدث باسم الوزارة، خالد شمال، إن «الوضع تحت السيطرة».\nوأوضح شمال أن الفرق تعمل.";
        let r = run(t);
        let s: Vec<&str> = r
            .iter()
            .filter(|c| c.0 == Role::Speaker)
            .map(|c| c.1.as_str())
            .collect();
        assert_eq!(s, ["المتحدث باسم الوزارة، خالد شمال", "شمال"]);
        let a = Analysis::new(t, lexicon());
        let cands = cue_candidates(&a, lexicon(), &[]);
        let bare = cands
            .iter()
            .position(|c| c.role == Role::Speaker && c.end - c.start == 4)
            .expect("bare mention");
        let full = cands
            .iter()
            .position(|c| c.role == Role::Speaker && c.end - c.start > 4)
            .expect("full mention");
        assert_eq!(cands[bare].same_as, Some(Target::Cand(full)));
        // With no earlier full mention, the bare one is less sure.
        let alone = cue_candidates(
            &Analysis::new("وأوضح شمال أن الفرق تعمل.", lexicon()),
            lexicon(),
            &[],
        );
        assert!(alone[0].same_as.is_none() && alone[0].score < cands[bare].score);
    }

    #[test]
    fn a_known_speaker_span_is_linked_too() {
        // The span is no cue's subject: only the annotator knows it is a speaker.
        let t = "التقى الوزير خالد شمال بالوفد.\nوأوضح شمال أن الفرق تعمل.";
        let a = Analysis::new(t, lexicon());
        let known = [KnownSpeaker {
            start: 6,
            end: 22,
            id: 7,
        }];
        let cands = cue_candidates(&a, lexicon(), &known);
        let bare = cands
            .iter()
            .find(|c| c.role == Role::Speaker && c.start > 25)
            .expect("bare");
        assert_eq!(bare.same_as, Some(Target::Span(7)));
    }

    #[test]
    fn subject_before_the_verb_and_previous_speaker() {
        let t = "اللواء المتقاعد والخبير في الشأن الأمني، ميثاق القيسي، يرى أن \"الحماية واجبة\".\nولفت إلى أن \"الثقة مهمة\".";
        let c = claims(t);
        let who = vec!["اللواء المتقاعد والخبير في الشأن الأمني، ميثاق القيسي".to_owned()];
        assert_eq!(
            c,
            [
                ("الحماية واجبة".to_owned(), "direct", who.clone()),
                ("الثقة مهمة".to_owned(), "direct", who)
            ]
        );
    }

    #[test]
    fn participles_take_the_sentence_speaker() {
        let t = "وقال صالح خلال اجتماع مع الوفد اليوم: إن \"الانتخابات مهمة\"، لافتاً إلى أن \"الظروف ملائمة\".";
        let c = claims(t);
        assert_eq!(c.len(), 2, "{c:?}");
        assert_eq!(c[1].0, "الظروف ملائمة");
        assert_eq!(c[1].2, ["صالح"]);
        let t = "أعلنت وزارة الصحة، اليوم الثلاثاء، ارتفاع عدد الإصابات إلى 120 حالة، مشيرةً إلى أن معظمها في الشمال.";
        let c = claims(t);
        assert_eq!(
            c.iter().map(|x| x.0.as_str()).collect::<Vec<_>>(),
            ["ارتفاع عدد الإصابات إلى 120 حالة", "معظمها في الشمال"]
        );
        assert!(c.iter().all(|x| x.2 == ["وزارة الصحة"]));
    }

    #[test]
    fn quote_kinds() {
        // Quoted object of على: mixed; a clause holding a quotation: mixed; a clause: indirect.
        let c = claims("من جهته، شدد الرئيس برهم صالح على \"أهمية تأمين الانتخابات\".");
        assert_eq!(c[0].0, "أهمية تأمين الانتخابات");
        assert_eq!(c[0].1, "mixed");
        assert_eq!(c[0].2, ["الرئيس برهم صالح"]);
        let c = claims("وأوضح شمال أن فرق الوزارة \"تعمل على مدار الساعة\" لتعقيم المياه.");
        assert_eq!(c[0].0, "فرق الوزارة \"تعمل على مدار الساعة\" لتعقيم المياه");
        assert_eq!(c[0].1, "mixed");
        let c = claims("وذكرت صحيفة الأهرام أن الحكومة تدرس طرح سندات.");
        assert_eq!(c[0].1, "indirect");
        let c = claims("وقال الوزير: «لن نسمح بالفوضى».");
        assert_eq!((c[0].0.as_str(), c[0].1), ("لن نسمح بالفوضى", "direct"));
    }

    #[test]
    fn nominal_cues() {
        let c = claims("وبحسب منظمة الصحة العالمية، فإن الخطر يبقى مرتفعاً.");
        assert_eq!(c[0].0, "الخطر يبقى مرتفعاً");
        assert_eq!(c[0].2, ["منظمة الصحة العالمية"]);
        let c = claims("وسيعقد الجانبان جولة جديدة الشهر المقبل، بحسب مصادر دبلوماسية.");
        assert_eq!(c[0].0, "سيعقد الجانبان جولة جديدة الشهر المقبل");
        assert_eq!(c[0].2, ["مصادر دبلوماسية"]);
        let c = claims("وارتفع عدد الضحايا إلى عشرين، وفقاً لوزارة الصحة.");
        assert_eq!(c[0].2, ["وزارة الصحة"]);
        // نقلاً عن: the verb's subject only relays; the source is the speaker.
        let t = "وذكر التلفزيون الرسمي، نقلاً عن مصادر في الدفاع المدني، أن القرى تعاني نقصاً.";
        let c = claims(t);
        assert_eq!(c[0].0, "القرى تعاني نقصاً");
        assert_eq!(c[0].2, ["مصادر في الدفاع المدني"]);
        assert_eq!(speakers(t), ["مصادر في الدفاع المدني"]);
        // على لسان: both are speakers.
        let t = "حذّر صندوق النقد الدولي، على لسان مديرة الإدارة سارة كمال، من «مخاطر الدين».";
        let c = claims(t);
        assert_eq!(c[0].0, "مخاطر الدين");
        assert_eq!(c[0].1, "mixed");
        assert_eq!(c[0].2, ["صندوق النقد الدولي", "مديرة الإدارة سارة كمال"]);
        // "بحسب ما" introduces a verb, not a source.
        assert!(claims("وبحسب ما تبين فإن الأمر انتهى.").is_empty());
    }

    #[test]
    fn reported_with_qawl() {
        let t = "ونقلت الوكالة الوطنية للإعلام عن وزير الصحة سليم الأيوبي قوله إن \"الوزارة وزعت اللقاحات\".";
        let c = claims(t);
        assert_eq!(c[0].0, "الوزارة وزعت اللقاحات");
        assert_eq!(c[0].2, ["وزير الصحة سليم الأيوبي"]);
    }

    #[test]
    fn complements_of_titles_and_sources_and_the_impersonal_formula() {
        let t = "وقالت المديرة الإقليمية للبرنامج، ليلى منصور، في مؤتمر صحفي: «لن ننتظر».";
        assert_eq!(speakers(t), ["المديرة الإقليمية للبرنامج، ليلى منصور"]);
        let t = "قال الأمين العام للأمم المتحدة إن الوضع خطير.";
        assert_eq!(speakers(t), ["الأمين العام للأمم المتحدة"]);
        let t = "ووفقاً لتقرير صادر عن البنك الدولي، فإن الخسائر بلغت 3 مليارات دولار.";
        assert_eq!(
            claims(t),
            [(
                "الخسائر بلغت 3 مليارات دولار".to_owned(),
                "indirect",
                vec!["تقرير صادر عن البنك الدولي".to_owned()]
            )]
        );
        // Background after a quoted speaker is not theirs.
        let t = "وتابع بنعلي: \"على الحكومات أن تتحرك\".\nيُذكر أن المغرب شهد جفافاً.";
        assert_eq!(claims(t).len(), 1);
    }

    #[test]
    fn nothing_without_a_claim() {
        assert!(run("قال الرئيس في كلمته أمس.").is_empty());
        assert!(run("واغتيل الجمعة الماضية هشام المشهداني.").is_empty());
    }
}
