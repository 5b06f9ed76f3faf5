//! Shared by the consumer tests: running the Python checks (`tests/python/`) with the
//! interpreter `tests/run.sh` prepares (`QALAM_PYTHON`), and a generated project whose texts
//! mix Arabic, emoji, ZWJ/ZWNJ sequences, combining marks and CRLF.
#![allow(dead_code)] // each test binary uses a part

use std::path::{Path, PathBuf};
use std::process::Command;

use qalam::model::{DocStatus, Document, Project, Relation};

/// A file of the repository.
pub fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

/// Runs `$QALAM_PYTHON args…` (offline, with a private Hugging Face cache under `home`) and
/// returns its standard output; fails the test with the script's stderr if it fails.
pub fn python(args: &[&str], home: &Path) -> String {
    let Ok(py) = std::env::var("QALAM_PYTHON") else {
        panic!(
            "QALAM_PYTHON is not set: run the tests with `bash tests/run.sh`, which installs \
             tests/python/requirements.txt into target/pyenv and sets it"
        );
    };
    let out = Command::new(&py)
        .args(args)
        .env("HF_HOME", home.join("hf"))
        .env("HF_DATASETS_OFFLINE", "1")
        .env("HF_HUB_OFFLINE", "1")
        .env("PYTHONIOENCODING", "utf-8")
        .output()
        .unwrap_or_else(|e| panic!("cannot run {py}: {e}"));
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{py} {args:?} failed:\n{}\n{stdout}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

/// The JSON summary a check script printed last.
pub fn summary(stdout: &str) -> serde_json::Value {
    let line = stdout.lines().last().unwrap_or_default();
    serde_json::from_str(line).unwrap_or_else(|e| panic!("not a JSON summary: {line:?}: {e}"))
}

/// SplitMix64: the same project on every run.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        ((z ^ (z >> 31)) % n as u64) as usize
    }
}

const PIECES: [&str; 24] = [
    "قال",
    "المتحدثُ",
    "وأضاف",
    "لـ",
    "\"",
    "«",
    "»",
    "سكاي نيوز",
    "إنّ",
    "بالحملة",
    " ",
    "  ",
    "\r\n",
    "\n",
    "😀",
    "👩\u{200D}👩\u{200D}👧",
    "🇸🇦",
    "نِصف\u{200C}كلمة",
    "e\u{301}",
    " \u{64E}",
    "،",
    ".",
    "؟",
    "2024",
];

/// Six documents of random pieces, each with spans at random code points (inside words,
/// proclitics and grapheme clusters, on spaces), overlapping, some with attributes and notes,
/// and relations; valid against the default schema.
pub fn generated_project() -> Project {
    let mut rng = Rng(14);
    let mut project = Project::new("generated", "");
    for i in 0..6 {
        let text: String = (0..60).map(|_| PIECES[rng.below(PIECES.len())]).collect();
        let mut d = Document::new(format!("g{i}"), format!("مولّد {i}"), "", text);
        d.status = DocStatus::InProgress;
        let n = d.len_chars();
        let labels = ["speaker", "claim", "entity"];
        let mut id = 0;
        while d.spans.len() < 25 {
            let start = rng.below(n - 1);
            let end = start + 1 + rng.below((n - start).min(30));
            let label = labels[rng.below(3)];
            if d.spans
                .iter()
                .any(|s| (s.label.as_str(), s.start, s.end) == (label, start, end))
            {
                continue;
            }
            id += 1;
            let Some(mut s) = d.make_span(id, label, start, end, "") else {
                continue;
            };
            match (label, rng.below(3)) {
                ("claim", 0) => {
                    s.attributes.insert("quote".into(), "direct".into());
                }
                ("entity", 0) => {
                    s.attributes.insert("kind".into(), "person".into());
                }
                (_, 1) => s.note = Some(format!("ملاحظة {id}\nسطر")),
                _ => {}
            }
            d.spans.push(s);
        }
        let of = |l: &str| -> Vec<u64> {
            d.spans
                .iter()
                .filter(|s| s.label == l)
                .map(|s| s.id)
                .collect()
        };
        let (claims, speakers) = (of("claim"), of("speaker"));
        for (k, (c, s)) in claims.iter().zip(&speakers).enumerate() {
            d.relations.push(Relation {
                id: k as u64 + 1,
                kind: "attributed_to".into(),
                from: *c,
                to: *s,
                annotator: String::new(),
            });
        }
        d.normalize_order();
        project.documents.push(d.into());
    }
    project
}

/// The example projects and the generated one, saved as `.ron` files in `dir`.
pub fn projects(dir: &Path) -> Vec<PathBuf> {
    let generated = dir.join("generated.ron");
    qalam::project::save(
        &generated,
        &generated_project(),
        qalam::project::SaveGuard::Force,
    )
    .expect("save the generated project");
    vec![
        repo("projects/seed.ron"),
        repo("projects/annotated.ron"),
        generated,
    ]
}
