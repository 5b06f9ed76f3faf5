//! The word lists the rules use: reporting cues (verbs, participles, nominal phrases),
//! function words, titles, organisation and place nouns and a small gazetteer. Written here
//! in ordinary spelling; folded once, on first use, the way search folds text (diacritics and
//! tatweel dropped, alef variants → ا, ى → ي, ة → ه).

use std::collections::HashMap;
use std::sync::OnceLock;

use crate::model::search::fold_text;

/// What a reporting cue may take after its subject, besides `أن`/`إن`, `:` and a quotation.
pub(crate) mod takes {
    /// `على`: شدد على "…".
    pub const ALA: u8 = 1;
    /// `من`: حذر من "…".
    pub const MIN: u8 = 2;
    /// A noun phrase object with no complementiser: أعلن ارتفاع …
    pub const OBJECT: u8 = 4;
    /// `نقل X عن Y قوله`: the subject only relays; the source follows `عن`.
    pub const RELAY: u8 = 8;
}

/// Reporting verbs, perfect and imperfect, with feminine, dual and plural agreement.
const VERBS: &[(&[&str], u8)] = &[
    (
        &[
            "قال",
            "قالت",
            "قالا",
            "قالتا",
            "قالوا",
            "قلن",
            "يقول",
            "تقول",
            "يقولان",
            "يقولون",
        ],
        0,
    ),
    (
        &["أضاف", "أضافت", "أضافا", "أضافوا", "يضيف", "تضيف", "يضيفون"],
        0,
    ),
    (
        &["أكد", "أكدت", "أكدا", "أكدوا", "يؤكد", "تؤكد", "يؤكدون"],
        takes::ALA | takes::OBJECT,
    ),
    (&["أوضح", "أوضحت", "أوضحوا", "يوضح", "توضح", "يوضحون"], 0),
    (&["أشار", "أشارت", "أشاروا", "يشير", "تشير", "يشيرون"], 0),
    (&["لفت", "لفتت", "لفتوا", "يلفت", "تلفت"], 0),
    (
        &["شدد", "شددت", "شددوا", "يشدد", "تشدد", "يشددون"],
        takes::ALA,
    ),
    (&["ذكر", "ذكرت", "ذكروا", "يذكر", "تذكر", "يذكرون"], 0),
    (&["صرح", "صرحت", "صرحوا", "يصرح", "تصرح"], 0),
    (&["أفاد", "أفادت", "أفادوا", "يفيد", "تفيد", "يفيدون"], 0),
    (
        &["أعلن", "أعلنت", "أعلنوا", "يعلن", "تعلن", "يعلنون"],
        takes::OBJECT,
    ),
    (
        &["حذر", "حذرت", "حذروا", "يحذر", "تحذر", "يحذرون"],
        takes::MIN,
    ),
    (&["يرى", "ترى", "يرون", "رأى", "رأت", "رأوا"], 0),
    (&["اعتبر", "اعتبرت", "اعتبروا", "يعتبر", "تعتبر"], 0),
    (&["كشف", "كشفت", "كشفوا", "يكشف", "تكشف"], 0),
    (&["تابع", "تابعت", "أردف", "أردفت"], 0),
    (&["نقل", "نقلت", "نقلوا", "ينقل", "تنقل"], takes::RELAY),
];

/// Active participles used as cues after a comma: "، مشيراً إلى أن …".
const PARTICIPLES: &[(&[&str], u8)] = &[
    (&["مشيرا", "مشيرة", "مشيرين", "مشيرتين"], 0),
    (&["لافتا", "لافتة", "لافتين"], 0),
    (&["منوها", "منوهة"], 0),
    (&["مضيفا", "مضيفة", "مضيفين"], 0),
    (&["موضحا", "موضحة", "موضحين"], 0),
    (&["قائلا", "قائلة", "قائلين"], 0),
    (&["معتبرا", "معتبرة", "معتبرين"], 0),
    (&["مؤكدا", "مؤكدة", "مؤكدين"], takes::ALA),
    (&["مشددا", "مشددة", "مشددين"], takes::ALA),
    (&["محذرا", "محذرة", "محذرين"], takes::MIN),
    (&["معلنا", "معلنة"], takes::OBJECT),
];

/// How a nominal cue's noun phrase relates to the verb it may sit beside.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Nominal {
    /// بحسب، حسب، وفقاً لـ، طبقاً لـ: the noun phrase is the source.
    Source,
    /// نقلاً عن: the source; a reporting verb's subject only relays it.
    Relay,
    /// على لسان: the voice of the verb's subject; both are speakers.
    Voice,
}

/// Nominal cues: first word, the word that must follow (`ل` means the next word starts with
/// the preposition لـ), and their kind.
const NOMINALS: &[(&str, Option<&str>, Nominal)] = &[
    ("بحسب", None, Nominal::Source),
    ("حسب", None, Nominal::Source),
    ("وفقا", Some("ل"), Nominal::Source),
    ("طبقا", Some("ل"), Nominal::Source),
    ("نقلا", Some("عن"), Nominal::Relay),
    ("على", Some("لسان"), Nominal::Voice),
];

/// Complementisers that open the reported content, with attached pronouns.
const COMPLEMENTISERS: &[&str] = &[
    "أن",
    "إن",
    "بأن",
    "فإن",
    "أنه",
    "أنها",
    "أنهم",
    "أنهن",
    "إنه",
    "إنها",
    "إنهم",
    "بأنه",
    "بأنها",
    "بأنهم",
    "فإنه",
    "فإنها",
];

/// Prepositions and other function words that end a noun phrase.
const STOPS: &[&str] = &[
    "في",
    "من",
    "على",
    "عن",
    "إلى",
    "مع",
    "خلال",
    "عقب",
    "بعد",
    "قبل",
    "حول",
    "لدى",
    "أمام",
    "منذ",
    "حتى",
    "عند",
    "أثناء",
    "ضد",
    "نحو",
    "عبر",
    "داخل",
    "خارج",
    "بين",
    "دون",
    "ل",
    "ب",
    "لـ",
    "الذي",
    "التي",
    "الذين",
    "اللذين",
    "اللتين",
    "اللذان",
    "اللتان",
    "اللاتي",
    "ما",
    "لا",
    "لم",
    "لن",
    "قد",
    "لقد",
    "و",
    "أو",
    "أم",
    "ثم",
    "لكن",
    "بل",
    "كما",
    "كذلك",
    "أيضا",
    "هو",
    "هي",
    "هم",
    "هن",
    "نحن",
    "هذا",
    "هذه",
    "ذلك",
    "تلك",
    "هؤلاء",
    "إذا",
    "إذ",
    "حيث",
    "عندما",
    "بينما",
    "كل",
    "بعض",
    "غير",
    "سوى",
    "وسط",
    "إثر",
    "لأن",
    "بسبب",
    "بشأن",
    "ضمن",
];

/// Prepositions a source noun may take as its complement ("الخبير في الشأن الأمني").
const COMPLEMENT_PREPOSITIONS: &[&str] = &["في", "عن", "من"];

/// Time words: adverbials between a cue and what it governs.
const TIMES: &[&str] = &[
    "اليوم",
    "أمس",
    "غدا",
    "الأحد",
    "الاثنين",
    "الثلاثاء",
    "الأربعاء",
    "الخميس",
    "الجمعة",
    "السبت",
    "يوم",
    "مساء",
    "صباح",
    "الليلة",
    "ليلة",
    "ظهر",
    "فجر",
    "حاليا",
    "مؤخرا",
    "الأسبوع",
    "الشهر",
];

/// Cue forms read as impersonal passives when they have no subject ("يُذكر أن": it is worth
/// mentioning that), the writer's background rather than anyone's claim.
const IMPERSONAL: &[&str] = &["يذكر", "ويذكر", "تذكر"];

/// كان and its forms, opening "وكان X قد قال" (the subject between كان and قد).
const KANA: &[&str] = &[
    "كان",
    "كانت",
    "وكان",
    "وكانت",
    "فكان",
    "فكانت",
    "كانوا",
    "وكانوا",
];

/// Nouns of speaking: "في تصريح" is where something was said, not part of who said it.
const COMMUNICATION: &[&str] = &[
    "تصريح",
    "تصريحات",
    "حديث",
    "بيان",
    "مقابلة",
    "مؤتمر",
    "لقاء",
    "كلمة",
    "رسالة",
    "تغريدة",
    "منشور",
    "اتصال",
    "حوار",
    "خطاب",
];

/// `قوله` and its forms, which close the source of "نقل … عن X قوله".
const QAWL: &[&str] = &["قوله", "قولها", "قولهم", "قولهما"];

/// Titles and offices (without the article) that head a person's description.
const TITLES: &[&str] = &[
    "رئيس",
    "رئيسة",
    "نائب",
    "نائبة",
    "وزير",
    "وزيرة",
    "لواء",
    "عميد",
    "عقيد",
    "خبير",
    "خبيرة",
    "متحدث",
    "متحدثة",
    "ناطق",
    "ناطقة",
    "سفير",
    "سفيرة",
    "مبعوث",
    "مبعوثة",
    "ممثل",
    "ممثلة",
    "محلل",
    "محللة",
    "دكتور",
    "شيخ",
    "أمين",
    "مدير",
    "مديرة",
    "محافظ",
    "قائد",
    "زعيم",
    "ملك",
    "أمير",
    "مستشار",
    "مستشارة",
    "باحث",
    "باحثة",
    "أستاذ",
    "مراسل",
    "مراسلة",
];

/// Nouns that are a source when unnamed ("مصدر أمني"); like titles they take a complement.
const SOURCES: &[&str] = &[
    "مصدر",
    "مصادر",
    "مسؤول",
    "مسؤولة",
    "مسؤولون",
    "مسؤولين",
    "عضو",
    "أعضاء",
    "شاهد",
    "شهود",
];

/// Organisation nouns (without the article) that head an organisation's name.
const ORGANISATIONS: &[&str] = &[
    "وزارة",
    "منظمة",
    "وكالة",
    "حزب",
    "تحالف",
    "مفوضية",
    "هيئة",
    "مجلس",
    "صندوق",
    "صحيفة",
    "قناة",
    "حركة",
    "جمعية",
    "بنك",
];

/// Generic place nouns (without the article) followed by a place's name ("محافظة عكار").
const PLACE_NOUNS: &[&str] = &[
    "عاصمة",
    "مدينة",
    "محافظة",
    "منطقة",
    "بلدة",
    "قرية",
    "ولاية",
    "إقليم",
    "مخيم",
    "ناحية",
    "قضاء",
];

/// Directions after which a place's name follows ("شمالي حلب").
const DIRECTIONS: &[&str] = &[
    "شمال",
    "شمالي",
    "جنوب",
    "جنوبي",
    "شرق",
    "شرقي",
    "غرب",
    "غربي",
];

/// Discourse markers that open a sentence before its subject ("من جهته، …").
const MARKERS: &[&str] = &[
    "من",
    "في",
    "بدوره",
    "بدورها",
    "بدورهم",
    "كما",
    "كذلك",
    "وفي",
    "ومن",
    "بالمقابل",
];

/// Places: countries, capitals and large cities of the region and a few beyond.
const PLACES: &[&str] = &[
    "العراق",
    "بغداد",
    "الموصل",
    "البصرة",
    "أربيل",
    "كركوك",
    "النجف",
    "كربلاء",
    "الأنبار",
    "سوريا",
    "سورية",
    "دمشق",
    "حلب",
    "حمص",
    "إدلب",
    "لبنان",
    "بيروت",
    "طرابلس",
    "صيدا",
    "الأردن",
    "عمان",
    "مصر",
    "القاهرة",
    "الإسكندرية",
    "السعودية",
    "الرياض",
    "جدة",
    "مكة",
    "الكويت",
    "قطر",
    "الدوحة",
    "الإمارات",
    "أبوظبي",
    "أبو ظبي",
    "دبي",
    "البحرين",
    "المنامة",
    "اليمن",
    "صنعاء",
    "عدن",
    "ليبيا",
    "تونس",
    "الجزائر",
    "المغرب",
    "الرباط",
    "السودان",
    "الخرطوم",
    "فلسطين",
    "غزة",
    "القدس",
    "رام الله",
    "تركيا",
    "أنقرة",
    "إسطنبول",
    "إيران",
    "طهران",
    "روسيا",
    "موسكو",
    "الصين",
    "بكين",
    "الولايات المتحدة",
    "واشنطن",
    "فرنسا",
    "باريس",
    "بريطانيا",
    "لندن",
    "ألمانيا",
    "برلين",
    "أوكرانيا",
    "كييف",
];

/// Organisations and news outlets known by name.
const NAMED_ORGANISATIONS: &[&str] = &[
    "الأمم المتحدة",
    "الاتحاد الأوروبي",
    "حلف الناتو",
    "الناتو",
    "جامعة الدول العربية",
    "الجامعة العربية",
    "صندوق النقد الدولي",
    "البنك الدولي",
    "مجلس الأمن",
    "اليونيسف",
    "رويترز",
    "فرانس برس",
    "أسوشيتد برس",
    "سكاي نيوز عربية",
    "بي بي سي",
];

/// Common given names, the first word of a person's name. Names that are also common words
/// (أمل، نور، كمال، جمال …) are left out: they would start too many false names.
const GIVEN_NAMES: &[&str] = &[
    "محمد",
    "أحمد",
    "محمود",
    "مصطفى",
    "حسن",
    "حسين",
    "خالد",
    "عمر",
    "عمرو",
    "عثمان",
    "يوسف",
    "إبراهيم",
    "إسماعيل",
    "سعد",
    "سعود",
    "فهد",
    "فيصل",
    "ماجد",
    "ماهر",
    "مازن",
    "مروان",
    "ناصر",
    "نبيل",
    "نادر",
    "هشام",
    "هاني",
    "وليد",
    "وائل",
    "وسام",
    "ياسر",
    "يحيى",
    "زياد",
    "زيد",
    "طارق",
    "طلال",
    "عماد",
    "عصام",
    "فؤاد",
    "فادي",
    "فراس",
    "جواد",
    "جعفر",
    "حيدر",
    "حمزة",
    "حامد",
    "خليل",
    "رامي",
    "رائد",
    "رشيد",
    "رياض",
    "سامي",
    "سامر",
    "سليم",
    "سليمان",
    "سمير",
    "شريف",
    "صلاح",
    "ضياء",
    "عبدالله",
    "علاء",
    "غسان",
    "قاسم",
    "لؤي",
    "مجدي",
    "منير",
    "مهدي",
    "موسى",
    "نزار",
    "نوري",
    "هادي",
    "هيثم",
    "بسام",
    "ثامر",
    "جاسم",
    "جلال",
    "حازم",
    "حسام",
    "خميس",
    "رعد",
    "سلمان",
    "شاكر",
    "عباس",
    "عدنان",
    "عمار",
    "غازي",
    "قيس",
    "كاظم",
    "محسن",
    "مقتدى",
    "نجيب",
    "هاشم",
    "ياسين",
    "أيمن",
    "أسامة",
    "باسل",
    "بشار",
    "تامر",
    "جورج",
    "ميشال",
    "إيلي",
    "فاطمة",
    "زينب",
    "مريم",
    "عائشة",
    "خديجة",
    "ليلى",
    "سلمى",
    "سارة",
    "منى",
    "رنا",
    "رانيا",
    "دينا",
    "لينا",
    "هند",
    "سعاد",
    "سميرة",
    "أسماء",
    "رشا",
    "ريم",
    "ريما",
    "رزان",
    "سوسن",
    "نادين",
    "ياسمين",
    "جمانة",
    "لمى",
    "هبة",
    "نسرين",
    "عبير",
    "غادة",
    "مها",
];

/// Words that join a given name to the next one ("عبد الرحيم", "أبو علي").
const NAME_JOINERS: &[&str] = &["عبد", "أبو", "أبي", "بن", "ابن", "بنت", "آل"];

/// Flags of a folded word.
pub(crate) mod class {
    /// Ends a noun phrase: preposition, pronoun, particle.
    pub const STOP: u32 = 1;
    /// أن / إن and their forms.
    pub const COMP: u32 = 1 << 1;
    /// A time word.
    pub const TIME: u32 = 1 << 2;
    /// A relative pronoun (الذي …); also STOP.
    pub const REL: u32 = 1 << 3;
    /// A noun of speaking (تصريح …).
    pub const COMMUNICATION: u32 = 1 << 4;
    /// قوله and its forms.
    pub const QAWL: u32 = 1 << 5;
    /// A title or office, with or without the article and proclitics.
    pub const TITLE: u32 = 1 << 6;
    /// An unnamed source noun (مصدر …).
    pub const SOURCE: u32 = 1 << 7;
    /// An organisation noun.
    pub const ORG: u32 = 1 << 8;
    /// A generic place noun.
    pub const PLACE_NOUN: u32 = 1 << 9;
    /// A direction word.
    pub const DIRECTION: u32 = 1 << 10;
    /// A common given name.
    pub const GIVEN: u32 = 1 << 11;
    /// A preposition a source noun may take as complement.
    pub const COMPLEMENT: u32 = 1 << 12;
    /// عبد، أبو، بن …
    pub const JOINER: u32 = 1 << 13;
    /// A discourse marker that may open a sentence.
    pub const MARKER: u32 = 1 << 14;
    /// كان and its forms.
    pub const KANA: u32 = 1 << 15;
    /// A cue form that is impersonal without a subject (يُذكر).
    pub const IMPERSONAL: u32 = 1 << 16;
}

/// A reporting cue a word is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Cue {
    /// A verb, with its [`takes`] flags.
    Verb(u8),
    /// A participle, with its [`takes`] flags.
    Participle(u8),
    /// The first word of a nominal cue: the word that must follow, and its kind.
    Nominal(Option<&'static str>, Nominal),
}

/// A gazetteer entry: the folded words of a name and what it names.
#[derive(Clone, Debug)]
pub(crate) struct Named {
    /// Folded words.
    pub words: Vec<String>,
    /// `location` or `organization`.
    pub kind: &'static str,
}

/// The folded lists, built once.
pub(crate) struct Lexicon {
    /// Class flags by folded word (without proclitics for titles, organisations and places).
    pub classes: HashMap<String, u32>,
    /// Cues by folded word (without و/ف).
    pub cues: HashMap<String, Cue>,
    /// Gazetteer entries by the folded first word.
    pub named: HashMap<String, Vec<Named>>,
    /// Folded nominal cue second words (`ل`, `عن`, `لسان`).
    pub folded_follow: HashMap<&'static str, String>,
}

/// The lexicon.
pub(crate) fn lexicon() -> &'static Lexicon {
    static LEX: OnceLock<Lexicon> = OnceLock::new();
    LEX.get_or_init(build)
}

fn build() -> Lexicon {
    let mut classes: HashMap<String, u32> = HashMap::new();
    let mut add = |words: &[&str], flag: u32| {
        for w in words {
            *classes.entry(fold_text(w)).or_default() |= flag;
        }
    };
    add(STOPS, class::STOP);
    add(
        &[
            "الذي",
            "التي",
            "الذين",
            "اللذين",
            "اللتين",
            "اللذان",
            "اللتان",
            "اللاتي",
        ],
        class::REL | class::STOP,
    );
    add(COMPLEMENTISERS, class::COMP);
    add(TIMES, class::TIME);
    add(COMMUNICATION, class::COMMUNICATION);
    add(QAWL, class::QAWL);
    add(TITLES, class::TITLE);
    add(SOURCES, class::SOURCE);
    add(ORGANISATIONS, class::ORG);
    add(PLACE_NOUNS, class::PLACE_NOUN);
    add(DIRECTIONS, class::DIRECTION);
    add(GIVEN_NAMES, class::GIVEN);
    add(COMPLEMENT_PREPOSITIONS, class::COMPLEMENT);
    add(NAME_JOINERS, class::JOINER);
    add(MARKERS, class::MARKER);
    add(KANA, class::KANA);
    add(IMPERSONAL, class::IMPERSONAL);
    let mut cues = HashMap::new();
    for (forms, flags) in VERBS {
        for f in *forms {
            cues.insert(fold_text(f), Cue::Verb(*flags));
        }
    }
    for (forms, flags) in PARTICIPLES {
        for f in *forms {
            cues.insert(fold_text(f), Cue::Participle(*flags));
        }
    }
    let mut folded_follow = HashMap::new();
    for (first, follow, kind) in NOMINALS {
        cues.insert(fold_text(first), Cue::Nominal(*follow, *kind));
        if let Some(f) = follow {
            folded_follow.insert(*f, fold_text(f));
        }
    }
    let mut named: HashMap<String, Vec<Named>> = HashMap::new();
    for (list, kind) in [(PLACES, "location"), (NAMED_ORGANISATIONS, "organization")] {
        for name in list {
            let words: Vec<String> = name.split(' ').map(fold_text).collect();
            if let Some(first) = words.first() {
                named
                    .entry(first.clone())
                    .or_default()
                    .push(Named { words, kind });
            }
        }
    }
    // Longest names first, so "الأمم المتحدة" wins over a shorter entry sharing its start.
    for entries in named.values_mut() {
        entries.sort_by_key(|n| std::cmp::Reverse(n.words.len()));
    }
    Lexicon {
        classes,
        cues,
        named,
        folded_follow,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cues_are_found_by_their_folded_forms() {
        let lex = lexicon();
        // Written with hamza and diacritics, looked up folded.
        assert_eq!(lex.cues.get(&fold_text("أَضَافَ")), Some(&Cue::Verb(0)));
        assert_eq!(lex.cues.get(&fold_text("مشيرةً")), Some(&Cue::Participle(0)));
        assert_eq!(
            lex.cues.get(&fold_text("مؤكداً")),
            Some(&Cue::Participle(takes::ALA))
        );
        assert!(matches!(
            lex.cues.get(&fold_text("نقلاً")),
            Some(Cue::Nominal(Some("عن"), Nominal::Relay))
        ));
        assert!(matches!(
            lex.cues.get(&fold_text("ترى")),
            Some(Cue::Verb(0))
        ));
        let c = |w: &str| lex.classes.get(&fold_text(w)).copied().unwrap_or(0);
        assert_ne!(c("إلى") & class::STOP, 0);
        assert_ne!(c("بأنّ") & class::COMP, 0);
        assert_ne!(c("الذي") & class::REL, 0);
        assert_ne!(c("متحدثة") & class::TITLE, 0);
        assert_ne!(c("مفوضية") & class::ORG, 0);
        assert_eq!(lex.named[&fold_text("الأمم")][0].words.len(), 2);
    }
}
