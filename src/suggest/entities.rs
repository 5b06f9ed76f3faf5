//! Entity rules: named people, organisations and places.
//!
//! - the gazetteer's places and organisations, after any proclitic ("وأنقرة" → "أنقرة");
//! - an organisation noun and the words of its name ("المفوضية العليا المستقلة للانتخابات");
//! - a person's name after a title and its complement ("رئيس الحكومة مصطفى الكاظمي" →
//!   "مصطفى الكاظمي"), or starting with a common given name ("هشام المشهداني");
//! - a place's name after a place noun or a direction ("محافظة عكار", "شمالي حلب"), or
//!   alone between في and a punctuation mark.
//!
//! Names inside a speaker are left to the speaker (the annotated seed marks them once).

use super::lexicon::{Lexicon, class};
use super::rules::{Cand, Role};
use super::text::{Analysis, leading_conjunction, proclitic_splits};

/// Words a title's complement may run over before the name.
const MAX_COMPLEMENT: usize = 8;

struct Entities<'a, 't> {
    a: &'a Analysis<'t>,
    lex: &'a Lexicon,
    out: Vec<Cand>,
}

/// Entity candidates of a text, leaving out those overlapping `speakers` (code-point ranges).
pub(crate) fn entity_candidates(
    a: &Analysis<'_>,
    lex: &Lexicon,
    speakers: &[(usize, usize)],
) -> Vec<Cand> {
    let mut e = Entities {
        a,
        lex,
        out: Vec::new(),
    };
    let mut i = 0;
    while i < a.toks.len() {
        i = e.at(i).map_or(i + 1, |next| next.max(i + 1));
    }
    let mut out = e.out;
    out.retain(|c| !speakers.iter().any(|&(s, t)| c.start < t && s < c.end));
    // Of overlapping entities the earlier, longer one stays.
    out.sort_by_key(|c| (c.start, std::cmp::Reverse(c.end)));
    let mut kept: Vec<Cand> = Vec::with_capacity(out.len());
    for c in out {
        if kept.last().is_none_or(|k| k.end <= c.start) {
            kept.push(c);
        }
    }
    kept
}

impl Entities<'_, '_> {
    fn push(
        &mut self,
        start: usize,
        last: usize,
        kind: &'static str,
        rule: &'static str,
        score: u8,
    ) {
        let end = self.a.toks[last].end;
        if start < end {
            self.out.push(Cand {
                role: Role::Entity,
                start,
                end,
                quote: None,
                kind: Some(kind),
                rule,
                score,
                speakers: Vec::new(),
                same_as: None,
            });
        }
    }

    /// Tries every rule at token `i`; returns the token after what was found.
    fn at(&mut self, i: usize) -> Option<usize> {
        let a = self.a;
        if !a.is_word(i) {
            return None;
        }
        if let Some(next) = self.gazetteer(i) {
            return Some(next);
        }
        let c = a.class(i);
        if c & class::ORG != 0
            && let Some(next) = self.organisation(i)
        {
            return Some(next);
        }
        // The title's complement may hold names of its own ("للأمم المتحدة في العراق"):
        // scanning goes on after the title, and overlaps are settled at the end.
        if c & class::TITLE != 0 && self.titled_person(i).is_some() {
            return Some(i + 1);
        }
        if c & class::GIVEN != 0
            && let Some(next) = self.named_person(i, i)
        {
            return Some(next);
        }
        if c & (class::PLACE_NOUN | class::DIRECTION) != 0
            && let Some(next) = self.place_after_noun(i)
        {
            return Some(next);
        }
        if a.fold(i) == "في" {
            return self.place_after_fi(i);
        }
        None
    }

    /// A gazetteer name starting at token `i` (after its proclitics).
    fn gazetteer(&mut self, i: usize) -> Option<usize> {
        let a = self.a;
        let f = a.fold(i);
        // The word as written, then without its proclitics (the article stays).
        let forms = proclitic_splits(f);
        for (letters, form) in forms {
            let Some(entries) = self.lex.named.get(form) else {
                continue;
            };
            for n in entries {
                let len = n.words.len();
                let matches = (1..len).all(|k| a.is_word(i + k) && a.fold(i + k) == n.words[k]);
                if matches {
                    let start = a.start_after(i, letters);
                    let score = if len > 1 { 85 } else { 75 };
                    self.push(start, i + len - 1, n.kind, "entity-gazetteer", score);
                    return Some(i + len);
                }
            }
        }
        None
    }

    /// Whether token `k` may be a word of a name: not a function word, cue, title or noun that
    /// is never a name.
    fn name_word(&self, k: usize) -> bool {
        let a = self.a;
        if !a.is_word(k) || a.toks[k].cue.is_some() {
            return false;
        }
        let stop = class::STOP
            | class::COMP
            | class::TIME
            | class::QAWL
            | class::TITLE
            | class::ORG
            | class::PLACE_NOUN
            | class::COMMUNICATION
            | class::SOURCE;
        if a.has(k, stop) {
            return false;
        }
        let f = a.fold(k);
        if a.has(k, class::GIVEN) {
            return true;
        }
        !(leading_conjunction(f) || f.starts_with("لل") || f.starts_with("بال"))
            && f.chars().count() >= 2
            && !f.chars().all(|c| c.is_ascii_digit())
    }

    /// Whether token `k` may start a name: a given name, or a word without the article that
    /// does not end like a feminine noun (إدارة) or a feminine plural (تطورات). Endings in ين
    /// and ون are kept: حسين، ياسين، جينين، خلدون are names.
    fn name_start(&self, k: usize) -> bool {
        let a = self.a;
        if a.has(k, class::GIVEN) {
            return true;
        }
        let f = a.fold(k);
        self.name_word(k)
            && !f.starts_with("ال")
            && !f.ends_with('ه')
            && !f.ends_with("ات")
            && f.chars().count() >= 3
    }

    /// A person's name from token `first` (a name start), up to three words; a joiner (عبد،
    /// أبو) takes the next word with it. `from` is where the description began.
    fn named_person(&mut self, from: usize, first: usize) -> Option<usize> {
        let a = self.a;
        if !self.name_start(first) {
            return None;
        }
        let mut last = first;
        let mut k = first + 1;
        while k < first + 4 && a.toks.get(k).is_some_and(|t| t.para == a.toks[first].para) {
            if a.has(k, class::JOINER) && self.name_word(k + 1) {
                last = k + 1;
                k += 2;
                continue;
            }
            if !self.name_word(k) {
                break;
            }
            last = k;
            k += 1;
            // A family name with the article ends the name ("سامر العدوان نظيره …").
            if a.fold(last).starts_with("ال") {
                break;
            }
        }
        // A given name alone is too often a common word.
        if last == first && from == first {
            return None;
        }
        let score = if a.has(first, class::GIVEN) { 75 } else { 65 };
        let rule = if from == first {
            "entity-name"
        } else {
            "entity-title"
        };
        self.push(a.toks[first].start, last, "person", rule, score);
        Some(last + 1)
    }

    /// A person's name after the title at token `i` and the title's complement.
    fn titled_person(&mut self, i: usize) -> Option<usize> {
        let a = self.a;
        let mut k = i + 1;
        let end = (i + 1 + MAX_COMPLEMENT).min(a.toks.len());
        while k < end && a.is_word(k) && a.toks[k].para == a.toks[i].para {
            if self.name_start(k) && !a.fold(k).starts_with("باسم") {
                return self.named_person(i, k);
            }
            let f = a.fold(k);
            let complement = a.has(k, class::TITLE)
                || f.starts_with("ال")
                || f.starts_with("لل")
                || f.starts_with("بال")
                || matches!(f, "في" | "عن" | "باسم")
                || (!a.has(k, class::STOP | class::TIME | class::COMP)
                    && a.toks[k].cue.is_none()
                    && !leading_conjunction(f));
            if !complement {
                return None;
            }
            k += 1;
        }
        None
    }

    /// An organisation: its noun at token `i` and the words of its name. After a definite
    /// noun ("المفوضية") only definite adjectives follow; an indefinite one ("وزارة", "تحالف")
    /// takes any name ("وزارة الصحة", "تحالف عزم").
    fn organisation(&mut self, i: usize) -> Option<usize> {
        let a = self.a;
        let definite = proclitic_splits(a.fold(i))
            .iter()
            .any(|(_, rest)| rest.starts_with("ال"));
        let mut last = i;
        let mut k = i + 1;
        while k < i + 6 && a.is_word(k) && a.toks[k].para == a.toks[i].para {
            let f = a.fold(k);
            let c = a.class(k);
            if c & (class::STOP | class::COMP | class::TIME | class::QAWL) != 0
                || a.toks[k].cue.is_some()
                || leading_conjunction(f)
                || (f.starts_with('ل') && !f.starts_with("لل"))
                || (definite && !f.starts_with("ال") && !f.starts_with("لل"))
            {
                break;
            }
            last = k;
            k += 1;
        }
        if last == i {
            return None;
        }
        // "لوزارة" → "وزارة", "والمفوضية" → "المفوضية": proclitics out, the article kept.
        let is_org = |w: &str| {
            let bare = w.strip_prefix("ال").unwrap_or(w);
            self.lex
                .classes
                .get(bare)
                .is_some_and(|c| c & class::ORG != 0)
        };
        let keep = proclitic_splits(a.fold(i))
            .into_iter()
            .find(|(_, rest)| is_org(rest))
            .map_or(0, |(n, _)| n);
        let start = a.start_after(i, keep);
        self.push(start, last, "organization", "entity-organization", 70);
        Some(last + 1)
    }

    /// A place's name after a place noun (and its adjectives) or a direction at token `i`.
    fn place_after_noun(&mut self, i: usize) -> Option<usize> {
        let a = self.a;
        let mut k = i + 1;
        // "العاصمة العراقية بغداد": adjectives with the article before the name.
        while k < i + 4
            && a.is_word(k)
            && a.fold(k).starts_with("ال")
            && a.has(i, class::PLACE_NOUN)
        {
            if self.lex.named.contains_key(a.fold(k)) {
                break;
            }
            k += 1;
        }
        if !a.is_word(k) || a.toks[k].para != a.toks[i].para {
            return None;
        }
        if self.gazetteer(k).is_some() {
            return Some(k + 1);
        }
        if !self.name_start(k) {
            return None;
        }
        self.push(a.toks[k].start, k, "location", "entity-place", 60);
        Some(k + 1)
    }

    /// "في X،": a name-like word alone between في and a punctuation mark.
    fn place_after_fi(&mut self, i: usize) -> Option<usize> {
        let a = self.a;
        let k = i + 1;
        if self.gazetteer(k).is_some() {
            return Some(k + 1);
        }
        let closed = a
            .toks
            .get(k + 1)
            .is_none_or(|t| !t.word || t.para != a.toks[k].para);
        if !(self.name_start(k) && closed) || a.has(k, class::GIVEN) {
            return None;
        }
        self.push(a.toks[k].start, k, "location", "entity-place", 50);
        Some(k + 1)
    }
}

#[cfg(test)]
mod tests {
    use super::super::lexicon::lexicon;
    use super::*;

    fn run(text: &str, speakers: &[(usize, usize)]) -> Vec<(String, &'static str)> {
        let a = Analysis::new(text, lexicon());
        entity_candidates(&a, lexicon(), speakers)
            .iter()
            .map(|c| {
                (
                    text.chars().skip(c.start).take(c.end - c.start).collect(),
                    c.kind.unwrap_or(""),
                )
            })
            .collect()
    }

    #[test]
    fn gazetteer_titles_organisations_and_places() {
        let t = "أفادت مصادر في العاصمة العراقية بغداد، بأن رئيس الحكومة مصطفى الكاظمي، أطلق حملة.";
        assert_eq!(
            run(t, &[]),
            [
                ("بغداد".to_owned(), "location"),
                ("مصطفى الكاظمي".to_owned(), "person")
            ]
        );
        let t = "واغتيل هشام المشهداني، عضو تحالف عزم، الانتخابي، وذلك شمالي حلب.";
        assert_eq!(
            run(t, &[]),
            [
                ("هشام المشهداني".to_owned(), "person"),
                ("تحالف عزم".to_owned(), "organization"),
                ("حلب".to_owned(), "location")
            ]
        );
        let t = "مع رئيس وأعضاء المفوضية العليا المستقلة للانتخابات والممثلة الخاصة للأمين العام للأمم المتحدة في العراق جينين هينيس بلاسخارت اليوم";
        let found = run(t, &[]);
        assert!(found.contains(&(
            "المفوضية العليا المستقلة للانتخابات".to_owned(),
            "organization"
        )));
        assert!(found.contains(&("جينين هينيس بلاسخارت".to_owned(), "person")));
        assert!(found.contains(&("العراق".to_owned(), "location")));
    }

    #[test]
    fn proclitics_are_left_out_and_speakers_skipped() {
        let t = "التقى الوزير في أنقرة، وبحث الوضع في سوريا وعمّان وأنقرة، ولوزارة الخارجية رأي.";
        let found = run(t, &[]);
        assert!(found.contains(&("أنقرة".to_owned(), "location")));
        assert!(found.contains(&("سوريا".to_owned(), "location")));
        assert!(found.contains(&("عمّان".to_owned(), "location")));
        assert!(found.contains(&("وزارة الخارجية".to_owned(), "organization")));
        assert_eq!(
            found.iter().filter(|(t, _)| t == "أنقرة").count(),
            2,
            "{found:?}"
        );
        // Inside a speaker: left to the speaker.
        let t = "قال وزير الصحة سليم الأيوبي إن";
        assert_eq!(run(t, &[(4, 27)]), []);
        assert_eq!(run(t, &[]), [("سليم الأيوبي".to_owned(), "person")]);
    }

    #[test]
    fn common_words_after_fi_are_not_places() {
        assert!(run("وقع في هجوم مسلح في تصريح لـ\"القناة\"، بمجمل مفاصله.", &[]).is_empty());
        assert_eq!(run("سجلت في عكار.", &[]), [("عكار".to_owned(), "location")]);
    }
}
