//! Hugging Face `datasets` loads the hf export (features from the card and from
//! `dataset_info.json`), labels round-trip through `ClassLabel`, and the rows are the CoNLL
//! export's sentences token for token.

mod common;
mod consumers_common;

use common::{qalam, s, stderr};
use consumers_common::{projects, python, repo, summary};

#[test]
fn datasets_loads_the_export_and_it_agrees_with_conll() {
    let dir = tempfile::tempdir().expect("tempdir");
    for (k, ron) in projects(dir.path()).iter().enumerate() {
        for policy in ["outer", "inner"] {
            let hf = dir.path().join(format!("hf-{k}-{policy}"));
            let conll = dir.path().join(format!("{k}-{policy}.conll"));
            for (format, out) in [("hf", &hf), ("conll", &conll)] {
                let o = qalam(&[
                    "export",
                    s(ron),
                    "--format",
                    format,
                    "-o",
                    s(out),
                    "--overlap",
                    policy,
                ]);
                assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
            }
            let check = repo("tests/python/check_hf.py");
            let got = summary(&python(&[s(&check), s(&hf), s(&conll)], dir.path()));
            assert_eq!(got["label_names"][0], "O", "{got}");
            assert_eq!(got["label_names"][1], "B-speaker", "{got}");
            assert!(got["rows"].as_u64() > Some(0), "{got}");
        }
    }
}
