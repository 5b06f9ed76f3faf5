//! Progress of a team: per annotator, how far their copy has come; per document (matched by
//! the hash of its text, never by file name or id), who has it, who finished it, and whether
//! enough annotators finished it to measure agreement.

use std::collections::HashMap;
use std::fmt::Write;
use std::time::SystemTime;

use serde::Serialize;

use super::merge::CONFLICT_MARK;
use crate::model::{DocStatus, Project, text_sha256};

/// Annotators who must have finished a document before agreement on it can be measured.
pub const AGREEMENT_MIN_DONE: usize = 2;

/// One annotator's file, as read.
#[derive(Clone, Copy, Debug)]
pub struct StatusInput<'a> {
    /// The file, as it is to be shown.
    pub file: &'a str,
    /// Its project.
    pub project: &'a Project,
    /// When the file was last changed.
    pub modified: Option<SystemTime>,
}

/// One annotator's progress.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AnnotatorStatus {
    /// The project's `annotator`, or the file name when it names none (with the file added
    /// when two files name the same annotator).
    pub annotator: String,
    /// The file.
    pub file: String,
    /// Where the copy was assigned from, if `qalam assign` made it.
    pub assigned_from: Option<String>,
    /// Documents in the copy.
    pub assigned: usize,
    /// Documents not started.
    pub todo: usize,
    /// Documents started, not finished.
    pub in_progress: usize,
    /// Documents finished.
    pub done: usize,
    /// Spans in all documents.
    pub spans: usize,
    /// Spans marked by a merge conflict, still to be reviewed.
    pub conflicts: usize,
    /// The file's modification time, UTC, as `YYYY-MM-DDTHH:MM:SSZ`.
    pub last_change: Option<String>,
}

/// One document across the team.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DocumentStatus {
    /// Lower-case hex SHA-256 of the text (computed, not read from the files).
    pub sha256: String,
    /// The document's id in the first file that has it.
    pub id: String,
    /// Its title there.
    pub title: String,
    /// The annotators who have it, in the order of the files.
    pub annotators: Vec<String>,
    /// Those of them who marked it done.
    pub done: Vec<String>,
    /// Whether at least [`AGREEMENT_MIN_DONE`] annotators finished it.
    pub agreement_ready: bool,
}

/// Totals over the team.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// Files read.
    pub files: usize,
    /// Distinct documents (distinct texts).
    pub documents: usize,
    /// Documents given to two or more annotators.
    pub overlapping: usize,
    /// Documents at least two annotators finished.
    pub agreement_ready: usize,
    /// Documents every annotator who has them finished.
    pub finished: usize,
}

/// The whole report, as `qalam status --json` prints it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TeamStatus {
    /// Per file, in the order given.
    pub annotators: Vec<AnnotatorStatus>,
    /// Per distinct text, in order of first appearance.
    pub documents: Vec<DocumentStatus>,
    /// Totals.
    pub summary: Summary,
}

/// The status of a team from its files.
pub fn status(inputs: &[StatusInput<'_>]) -> TeamStatus {
    let names = display_names(inputs);
    let mut annotators = Vec::with_capacity(inputs.len());
    let mut documents: Vec<DocumentStatus> = Vec::new();
    let mut by_hash: HashMap<String, usize> = HashMap::new();
    for (input, name) in inputs.iter().zip(&names) {
        let p = input.project;
        let count = |s: DocStatus| p.documents.iter().filter(|d| d.status == s).count();
        annotators.push(AnnotatorStatus {
            annotator: name.clone(),
            file: input.file.to_owned(),
            assigned_from: p.assigned_from.clone(),
            assigned: p.documents.len(),
            todo: count(DocStatus::Todo),
            in_progress: count(DocStatus::InProgress),
            done: count(DocStatus::Done),
            spans: p.documents.iter().map(|d| d.spans.len()).sum(),
            conflicts: p
                .documents
                .iter()
                .flat_map(|d| &d.spans)
                .filter(|s| {
                    s.note
                        .as_deref()
                        .is_some_and(|n| n.starts_with(CONFLICT_MARK))
                })
                .count(),
            last_change: input.modified.map(rfc3339),
        });
        for d in &p.documents {
            let sha = text_sha256(d.text());
            let i = *by_hash.entry(sha.clone()).or_insert_with(|| {
                documents.push(DocumentStatus {
                    sha256: sha,
                    id: d.id.clone(),
                    title: d.title.clone(),
                    annotators: Vec::new(),
                    done: Vec::new(),
                    agreement_ready: false,
                });
                documents.len() - 1
            });
            let entry = &mut documents[i];
            // A text held twice in one file counts once for its annotator.
            if !entry.annotators.contains(name) {
                entry.annotators.push(name.clone());
            }
            if d.status == DocStatus::Done && !entry.done.contains(name) {
                entry.done.push(name.clone());
            }
        }
    }
    for d in &mut documents {
        d.agreement_ready = d.done.len() >= AGREEMENT_MIN_DONE;
    }
    let summary = Summary {
        files: inputs.len(),
        documents: documents.len(),
        overlapping: documents.iter().filter(|d| d.annotators.len() >= 2).count(),
        agreement_ready: documents.iter().filter(|d| d.agreement_ready).count(),
        finished: documents
            .iter()
            .filter(|d| d.done.len() == d.annotators.len())
            .count(),
    };
    TeamStatus {
        annotators,
        documents,
        summary,
    }
}

/// Each file's annotator as shown: the project's `annotator`, else the file name; a name that
/// several files give is followed by the file.
fn display_names(inputs: &[StatusInput<'_>]) -> Vec<String> {
    let base: Vec<String> = inputs
        .iter()
        .map(|i| {
            if i.project.annotator.is_empty() {
                std::path::Path::new(i.file)
                    .file_stem()
                    .map_or_else(|| i.file.to_owned(), |s| s.to_string_lossy().into_owned())
            } else {
                i.project.annotator.clone()
            }
        })
        .collect();
    base.iter()
        .zip(inputs)
        .map(|(name, input)| {
            if base.iter().filter(|n| *n == name).count() > 1 {
                format!("{name} ({})", input.file)
            } else {
                name.clone()
            }
        })
        .collect()
}

/// `t` as `YYYY-MM-DDTHH:MM:SSZ` (UTC); times before 1970 are shown as 1970.
pub fn rfc3339(t: SystemTime) -> String {
    let secs = t
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let days = i64::try_from(secs / 86_400).unwrap_or(i64::MAX / 2);
    let rest = secs % 86_400;
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rest / 3600,
        rest / 60 % 60,
        rest % 60
    )
}

/// The proleptic Gregorian date of day `days` after 1970-01-01 (counting in 400-year eras of
/// 146,097 days, with years starting on 1 March so that the leap day comes last).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (
        year,
        u32::try_from(month).unwrap_or(1),
        u32::try_from(day).unwrap_or(1),
    )
}

/// Pads `s` on the right to `width` characters.
fn pad(s: &str, width: usize) -> String {
    let n = s.chars().count();
    format!("{s}{}", " ".repeat(width.saturating_sub(n)))
}

/// Rows of cells as columns: the first left-aligned, numbers right-aligned, two spaces apart.
fn columns(rows: &[Vec<String>], right: &[bool]) -> String {
    let cols = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..cols)
        .map(|c| {
            rows.iter()
                .filter_map(|r| r.get(c))
                .map(|s| s.chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    for row in rows {
        let mut line = String::new();
        for (c, cell) in row.iter().enumerate() {
            if c > 0 {
                line.push_str("  ");
            }
            let w = widths[c];
            if right.get(c).copied().unwrap_or(false) {
                let n = cell.chars().count();
                line.push_str(&" ".repeat(w.saturating_sub(n)));
                line.push_str(cell);
            } else {
                line.push_str(&pad(cell, w));
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// The report as the readable tables `qalam status` prints.
pub fn render_table(s: &TeamStatus) -> String {
    let mut rows = vec![
        [
            "annotator",
            "file",
            "assigned",
            "to do",
            "in progress",
            "done",
            "spans",
            "conflicts",
            "last change",
        ]
        .map(str::to_owned)
        .to_vec(),
    ];
    for a in &s.annotators {
        rows.push(vec![
            a.annotator.clone(),
            a.file.clone(),
            a.assigned.to_string(),
            a.todo.to_string(),
            a.in_progress.to_string(),
            a.done.to_string(),
            a.spans.to_string(),
            a.conflicts.to_string(),
            a.last_change
                .as_deref()
                .map_or_else(|| "–".to_owned(), |t| t.replacen('T', " ", 1)),
        ]);
    }
    let mut out = columns(
        &rows,
        &[false, false, true, true, true, true, true, true, false],
    );
    out.push('\n');
    let mut rows = vec![
        ["document", "sha256", "annotators", "done", "agreement"]
            .map(str::to_owned)
            .to_vec(),
    ];
    for d in &s.documents {
        let agreement = if d.agreement_ready {
            format!("ready ({} done)", d.done.len())
        } else if d.annotators.len() < AGREEMENT_MIN_DONE {
            "single annotator".to_owned()
        } else {
            format!("waiting ({} of {} done)", d.done.len(), d.annotators.len())
        };
        rows.push(vec![
            super::one_line(&d.id, 40),
            d.sha256.chars().take(12).collect(),
            d.annotators.join(", "),
            if d.done.is_empty() {
                "–".to_owned()
            } else {
                d.done.join(", ")
            },
            agreement,
        ]);
    }
    out.push_str(&columns(&rows, &[]));
    let m = &s.summary;
    let _ = writeln!(
        out,
        "\n{} in {} file{}: {} given to two or more annotators, {} ready for agreement, {} finished by everyone who has {}.",
        plural(m.documents, "document"),
        m.files,
        if m.files == 1 { "" } else { "s" },
        m.overlapping,
        m.agreement_ready,
        m.finished,
        if m.finished == 1 { "it" } else { "them" }
    );
    out
}

/// `1 document`, `2 documents`.
fn plural(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("{n} {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Document;
    use std::time::Duration;

    fn copy(annotator: &str, docs: &[(&str, &str, DocStatus)]) -> Project {
        let mut p = Project::new("team", annotator);
        for (id, text, status) in docs {
            let mut d = Document::new(*id, "", "", *text);
            d.status = *status;
            d.spans.extend(d.make_span(1, "speaker", 0, 1, ""));
            p.documents.push(d.into());
        }
        p
    }

    #[test]
    fn dates_are_gregorian() {
        let at = |s: u64| rfc3339(SystemTime::UNIX_EPOCH + Duration::from_secs(s));
        assert_eq!(at(0), "1970-01-01T00:00:00Z");
        // 2000-02-29 12:34:56 UTC, a leap day of a century leap year.
        assert_eq!(at(951_827_696), "2000-02-29T12:34:56Z");
        assert_eq!(at(4_107_542_400), "2100-03-01T00:00:00Z");
        assert_eq!(civil_from_days(-1), (1969, 12, 31));
    }

    #[test]
    fn documents_are_matched_by_text_not_by_id() {
        use DocStatus::*;
        let ali = copy("ali", &[("a", "نص أول", Done), ("b", "نص ثان", InProgress)]);
        // Mona's copy calls the first text "x": still the same document.
        let mona = copy("mona", &[("x", "نص أول", Done), ("c", "نص ثالث", Todo)]);
        let sara = copy("", &[("b", "نص ثان", Done)]);
        let inputs = [
            StatusInput {
                file: "t/ali.ron",
                project: &ali,
                modified: Some(SystemTime::UNIX_EPOCH),
            },
            StatusInput {
                file: "t/mona.ron",
                project: &mona,
                modified: None,
            },
            StatusInput {
                file: "t/sara.ron",
                project: &sara,
                modified: None,
            },
        ];
        let s = status(&inputs);
        assert_eq!(s.annotators[2].annotator, "sara", "named after the file");
        assert_eq!(
            (
                s.annotators[0].assigned,
                s.annotators[0].done,
                s.annotators[0].in_progress
            ),
            (2, 1, 1)
        );
        assert_eq!(s.annotators[1].todo, 1);
        assert_eq!(s.documents.len(), 3);
        let first = &s.documents[0];
        assert_eq!(first.id, "a");
        assert_eq!(first.annotators, ["ali", "mona"]);
        assert!(first.agreement_ready);
        let second = &s.documents[1];
        assert_eq!(
            (second.annotators.len(), second.done.clone()),
            (2, vec!["sara".to_owned()])
        );
        assert!(!second.agreement_ready);
        assert_eq!(
            s.summary,
            Summary {
                files: 3,
                documents: 3,
                overlapping: 2,
                agreement_ready: 1,
                finished: 1
            }
        );
        let table = render_table(&s);
        assert!(table.contains("ready (2 done)"), "{table}");
        assert!(table.contains("waiting (1 of 2 done)"), "{table}");
        assert!(table.contains("single annotator"), "{table}");
        assert!(table.contains("1970-01-01 00:00:00Z"), "{table}");
    }

    #[test]
    fn two_files_of_one_annotator_are_told_apart() {
        let a = copy("ali", &[]);
        let inputs = [
            StatusInput {
                file: "x/ali.ron",
                project: &a,
                modified: None,
            },
            StatusInput {
                file: "y/ali.ron",
                project: &a,
                modified: None,
            },
        ];
        let s = status(&inputs);
        assert_eq!(s.annotators[0].annotator, "ali (x/ali.ron)");
        assert_eq!(s.annotators[1].annotator, "ali (y/ali.ron)");
    }
}
