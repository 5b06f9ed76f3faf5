//! Splitting a corpus among annotators: every document to exactly `per_document` of them, the
//! first `shared` documents to everyone (calibration), loads within one document of each
//! other, and the same split for the same seed.

use super::TeamError;
use crate::model::Project;

/// A tiny deterministic random number generator (SplitMix64): the split must be the same on
/// every machine and every Rust version for a given seed, which no library generator promises.
#[derive(Clone, Debug)]
pub struct SplitMix64 {
    state: u64,
}

impl SplitMix64 {
    /// A generator started from `seed`.
    pub fn new(seed: u64) -> Self {
        SplitMix64 { state: seed }
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}

/// How to split a corpus.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AssignOptions {
    /// The annotators' names, in the order given (each becomes `NAME.ron`).
    pub annotators: Vec<String>,
    /// How many annotators get each document.
    pub per_document: usize,
    /// How many documents, from the start of the corpus, go to everyone.
    pub shared: usize,
    /// Seed of the random choice among equally loaded annotators.
    pub seed: u64,
    /// The corpus file's name, recorded in each copy's `assigned_from`.
    pub corpus_name: String,
}

impl AssignOptions {
    /// What each copy records in `assigned_from`: enough to make the same split again.
    pub fn provenance(&self) -> String {
        format!(
            "{} seed={} per-document={} shared={} annotators={}",
            self.corpus_name,
            self.seed,
            self.per_document,
            self.shared,
            self.annotators.join(",")
        )
    }
}

/// One annotator's copy.
#[derive(Clone, Debug, PartialEq)]
pub struct Assignment {
    /// The annotator.
    pub annotator: String,
    /// Their project: the corpus's schema and their documents, spans kept.
    pub project: Project,
    /// How many of their documents are shared with everyone.
    pub shared: usize,
}

/// Why `name` cannot be an annotator's name (it becomes a file name), if it cannot.
pub fn check_annotator_name(name: &str) -> Result<(), TeamError> {
    let bad = |why: &str| {
        Err(TeamError::BadArguments(format!(
            "annotator name {name:?} {why}"
        )))
    };
    if name.is_empty() {
        return bad("is empty");
    }
    if name.starts_with('.') {
        return bad("starts with a dot (it names the file NAME.ron)");
    }
    if let Some(c) = name.chars().find(|c| {
        c.is_control() || matches!(c, '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|')
    }) {
        return bad(&format!(
            "contains {c:?}, which cannot be in a file name on every system"
        ));
    }
    if name != name.trim() {
        return bad("starts or ends with white space");
    }
    Ok(())
}

/// Checks the options against a corpus of `documents` documents.
fn check(options: &AssignOptions, documents: usize) -> Result<(), TeamError> {
    let n = options.annotators.len();
    if n == 0 {
        return Err(TeamError::BadArguments("no annotators given".to_owned()));
    }
    for name in &options.annotators {
        check_annotator_name(name)?;
    }
    // Names differing only in case would be one file on macOS and Windows.
    let mut seen: Vec<String> = Vec::with_capacity(n);
    for name in &options.annotators {
        let folded = name.to_lowercase();
        if let Some(first) = options
            .annotators
            .iter()
            .zip(&seen)
            .find(|(_, f)| **f == folded)
            .map(|(a, _)| a)
        {
            return Err(TeamError::BadArguments(if first == name {
                format!("annotator {name:?} is given twice")
            } else {
                format!(
                    "annotators {first:?} and {name:?} differ only in case (their files would be one on some systems)"
                )
            }));
        }
        seen.push(folded);
    }
    if options.per_document == 0 {
        return Err(TeamError::BadArguments(
            "--per-document must be at least 1".to_owned(),
        ));
    }
    if options.per_document > n {
        return Err(TeamError::BadArguments(format!(
            "--per-document {} is more than the {n} annotator{} given",
            options.per_document,
            if n == 1 { "" } else { "s" }
        )));
    }
    if options.shared > documents {
        return Err(TeamError::BadArguments(format!(
            "--shared {} is more than the corpus's {documents} document{}",
            options.shared,
            if documents == 1 { "" } else { "s" }
        )));
    }
    Ok(())
}

/// Who gets each of `documents` documents: per document, the indices of its annotators in
/// increasing order. The first `shared` go to all `annotators`; each other document to the
/// `per_document` least loaded annotators, ties broken by the seeded generator, which keeps
/// every load within one document of every other.
pub fn plan(
    documents: usize,
    annotators: usize,
    per_document: usize,
    shared: usize,
    seed: u64,
) -> Vec<Vec<usize>> {
    let mut rng = SplitMix64::new(seed);
    let mut load = vec![0usize; annotators];
    let k = per_document.min(annotators);
    (0..documents)
        .map(|i| {
            let mut chosen: Vec<usize> = if i < shared {
                (0..annotators).collect()
            } else {
                let mut order: Vec<(usize, u64, usize)> = (0..annotators)
                    .map(|a| (load[a], rng.next_u64(), a))
                    .collect();
                order.sort_unstable();
                order.into_iter().take(k).map(|(_, _, a)| a).collect()
            };
            chosen.sort_unstable();
            for &a in &chosen {
                load[a] += 1;
            }
            chosen
        })
        .collect()
}

/// Splits `corpus` as `options` say: one project per annotator, in the order of
/// `options.annotators`, each with the corpus's name and schema, `annotator` set, the
/// provenance in `assigned_from`, and its documents (spans and relations kept) in corpus order.
pub fn assign(corpus: &Project, options: &AssignOptions) -> Result<Vec<Assignment>, TeamError> {
    check(options, corpus.documents.len())?;
    let who = plan(
        corpus.documents.len(),
        options.annotators.len(),
        options.per_document,
        options.shared,
        options.seed,
    );
    let provenance = options.provenance();
    let mut out: Vec<Assignment> = options
        .annotators
        .iter()
        .map(|name| Assignment {
            annotator: name.clone(),
            project: Project {
                name: corpus.name.clone(),
                annotator: name.clone(),
                assigned_from: Some(provenance.clone()),
                schema: corpus.schema.clone(),
                documents: Vec::new(),
            },
            shared: 0,
        })
        .collect();
    for (i, (doc, annotators)) in corpus.documents.iter().zip(&who).enumerate() {
        for &a in annotators {
            if let Some(copy) = out.get_mut(a) {
                // Documents are shared pointers: a copy costs nothing until it is edited.
                copy.project.documents.push(doc.clone());
                if i < options.shared {
                    copy.shared += 1;
                }
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Document;

    fn corpus(n: usize) -> Project {
        let mut p = Project::new("news", "");
        for i in 0..n {
            let mut d = Document::new(format!("d{i}"), "", "", format!("قال مصدر {i}"));
            d.spans.extend(d.make_span(1, "speaker", 4, 8, "cue"));
            p.documents.push(d.into());
        }
        p
    }

    fn options(names: &[&str], k: usize, shared: usize, seed: u64) -> AssignOptions {
        AssignOptions {
            annotators: names.iter().map(|s| (*s).to_owned()).collect(),
            per_document: k,
            shared,
            seed,
            corpus_name: "news.ron".to_owned(),
        }
    }

    #[test]
    fn splitmix_gives_the_published_sequence() {
        // The reference implementation's first outputs for seed 0.
        let mut r = SplitMix64::new(0);
        assert_eq!(r.next_u64(), 0xE220_A839_7B1D_CDAF);
        assert_eq!(r.next_u64(), 0x6E78_9E6A_A1B9_65F4);
        assert_eq!(r.next_u64(), 0x06C4_5D18_8009_454F);
    }

    #[test]
    fn every_document_goes_to_k_annotators_and_loads_stay_within_one() {
        for (docs, n, k, shared, seed) in [
            (10, 3, 2, 1, 7),
            (7, 4, 1, 0, 1),
            (1, 3, 1, 0, 9),
            (25, 5, 3, 4, 42),
            (0, 2, 1, 0, 0),
        ] {
            let who = plan(docs, n, k, shared, seed);
            assert_eq!(who.len(), docs);
            let mut load = vec![0; n];
            for (i, a) in who.iter().enumerate() {
                let want = if i < shared { n } else { k };
                assert_eq!(a.len(), want, "document {i}");
                assert!(a.windows(2).all(|w| w[0] < w[1]), "distinct, sorted");
                for &x in a {
                    load[x] += 1;
                }
            }
            let (lo, hi) = (load.iter().min(), load.iter().max());
            if let (Some(lo), Some(hi)) = (lo, hi) {
                assert!(hi - lo <= 1, "{load:?}");
            }
        }
    }

    #[test]
    fn the_seed_decides_and_only_the_seed() {
        assert_eq!(plan(30, 4, 2, 2, 5), plan(30, 4, 2, 2, 5));
        assert_ne!(plan(30, 4, 2, 2, 5), plan(30, 4, 2, 2, 6));
    }

    #[test]
    fn copies_keep_spans_and_record_who_and_whence() {
        let c = corpus(5);
        let out = assign(&c, &options(&["ali", "mona", "sara"], 2, 1, 3)).expect("assign");
        assert_eq!(out.len(), 3);
        for a in &out {
            assert_eq!(a.project.annotator, a.annotator);
            assert_eq!(
                a.project.assigned_from.as_deref(),
                Some("news.ron seed=3 per-document=2 shared=1 annotators=ali,mona,sara")
            );
            assert_eq!(a.project.documents[0].id, "d0", "the shared document");
            assert_eq!(a.shared, 1);
            assert!(a.project.documents.iter().all(|d| d.spans.len() == 1));
            // In corpus order.
            let ids: Vec<&str> = a.project.documents.iter().map(|d| d.id.as_str()).collect();
            let mut sorted = ids.clone();
            sorted.sort_unstable();
            assert_eq!(ids, sorted);
        }
        let total: usize = out.iter().map(|a| a.project.documents.len()).sum();
        assert_eq!(total, 3 + 4 * 2);
    }

    #[test]
    fn bad_arguments_are_refused_with_a_reason() {
        let c = corpus(3);
        let err = |o: AssignOptions| {
            assign(&c, &o)
                .err()
                .map(|e| e.to_string())
                .unwrap_or_default()
        };
        assert!(
            err(options(&["ali", "mona"], 3, 0, 0))
                .contains("--per-document 3 is more than the 2 annotators")
        );
        assert!(err(options(&["ali", "ali"], 1, 0, 0)).contains("\"ali\" is given twice"));
        assert!(err(options(&["Ali", "ali"], 1, 0, 0)).contains("differ only in case"));
        assert!(err(options(&["a/b"], 1, 0, 0)).contains("'/'"));
        assert!(err(options(&[""], 1, 0, 0)).contains("is empty"));
        assert!(err(options(&["..", "x"], 1, 0, 0)).contains("starts with a dot"));
        assert!(
            err(options(&["ali"], 1, 4, 0))
                .contains("--shared 4 is more than the corpus's 3 documents")
        );
        assert!(err(options(&["ali"], 0, 0, 0)).contains("at least 1"));
        assert!(err(options(&[], 1, 0, 0)).contains("no annotators"));
        assert!(
            assign(&c, &options(&["علي", "منى"], 2, 3, 0)).is_ok(),
            "Arabic names are fine"
        );
    }
}
