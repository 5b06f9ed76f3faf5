//! A reviewer's working state over one or more project files, opened read-only: the documents
//! they share, the comparison of annotators, the adjudication decisions, and the review files
//! (comments and verdicts) kept beside each project.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use thiserror::Error;

use super::adjudicate::{Adjudication, AdjudicationError, Decision, adjudicate};
use super::agreement::annotator_names;
use super::compare::{SpanAgreement, classify};
use super::file::{
    Comment, ReviewError, ReviewFile, Verdict, load_review, review_path, save_review,
};
use crate::model::{Document, Project, SpanId, text_sha256};
use crate::project::{self, DiskStamp, ProjectError, SaveGuard};

/// Why a review could not be opened or saved.
#[derive(Debug, Error)]
pub enum ReviewSessionError {
    /// No files were given.
    #[error("nothing to review: give one or more project files")]
    NoFiles,
    /// A project file could not be loaded.
    #[error(transparent)]
    Project(#[from] ProjectError),
    /// A review file could not be loaded or saved.
    #[error(transparent)]
    Review(#[from] ReviewError),
    /// Adjudication refused a step.
    #[error(transparent)]
    Adjudication(#[from] AdjudicationError),
}

/// One text as found in the reviewed files.
#[derive(Clone, Debug)]
pub struct ReviewDocument {
    /// SHA-256 of the text (documents are matched by it, never by name).
    pub sha256: String,
    /// Title from the first file that has it.
    pub title: String,
    /// For each file, the index of its document with this text.
    pub in_files: Vec<Option<usize>>,
    /// Index into the adjudication's documents, when every file has this text.
    pub adjudication_doc: Option<usize>,
}

/// An open review.
#[derive(Debug)]
pub struct ReviewSession {
    /// The project files, in lane order.
    pub paths: Vec<PathBuf>,
    /// Their projects (never modified).
    pub projects: Vec<Project>,
    /// Annotator names, one per file.
    pub names: Vec<String>,
    /// The review file of each project.
    pub reviews: Vec<ReviewFile>,
    stamps: Vec<Option<DiskStamp>>,
    /// Comments or verdicts changed since the review files were saved.
    pub reviews_dirty: bool,
    /// Decisions towards a gold copy (two or more files only).
    pub adjudication: Option<Adjudication>,
    /// Every distinct text, in the order of the first file, then texts only later files have.
    pub documents: Vec<ReviewDocument>,
    /// Index into `documents` of the document shown.
    pub current: usize,
    /// Things the reviewer should know on opening (a project changed since its review).
    pub warnings: Vec<String>,
}

impl ReviewSession {
    /// Opens `paths` for review by `reviewer`; existing review files beside them are loaded.
    pub fn open(paths: &[PathBuf], reviewer: &str) -> Result<Self, ReviewSessionError> {
        if paths.is_empty() {
            return Err(ReviewSessionError::NoFiles);
        }
        let mut projects = Vec::with_capacity(paths.len());
        for p in paths {
            projects.push(project::load(p)?.project);
        }
        let mut reviews = Vec::new();
        let mut stamps = Vec::new();
        let mut warnings = Vec::new();
        for (p, project) in paths.iter().zip(&projects) {
            let rp = review_path(p);
            let fresh = ReviewFile::for_project_file(p, reviewer)?;
            if rp.exists() {
                let (r, stamp) = load_review(&rp)?;
                if r.project_sha256 != fresh.project_sha256 {
                    let stale = r.stale_comments(project).count();
                    warnings.push(format!(
                        "{}: {} changed since this review was written; {stale} comment(s) no longer find their span or relation",
                        rp.display(),
                        p.display()
                    ));
                }
                reviews.push(r);
                stamps.push(Some(stamp));
            } else {
                reviews.push(fresh);
                stamps.push(None);
            }
        }
        let refs: Vec<&Project> = projects.iter().collect();
        let names = annotator_names(&refs);
        let adjudication = if projects.len() >= 2 {
            Some(adjudicate(&refs, reviewer)?)
        } else {
            None
        };
        let documents = list_documents(&projects, adjudication.as_ref());
        Ok(ReviewSession {
            paths: paths.to_vec(),
            projects,
            names,
            reviews,
            stamps,
            reviews_dirty: false,
            adjudication,
            documents,
            current: 0,
            warnings,
        })
    }

    /// The shown document's copy in each file.
    pub fn docs(&self, i: usize) -> Vec<Option<&Document>> {
        let Some(d) = self.documents.get(i) else {
            return Vec::new();
        };
        d.in_files
            .iter()
            .zip(&self.projects)
            .map(|(k, p)| k.and_then(|k| p.documents.get(k).map(|d| &**d)))
            .collect()
    }

    /// The text of document `i` (from the first file that has it).
    pub fn text(&self, i: usize) -> Option<&str> {
        self.docs(i)
            .into_iter()
            .flatten()
            .next()
            .map(Document::text)
    }

    /// How each file's spans in document `i` compare with the other files'.
    pub fn comparison(&self, i: usize) -> Vec<Vec<(SpanId, SpanAgreement)>> {
        classify(&self.docs(i))
    }

    /// Indices of the adjudication differences in document `i`, in text order.
    pub fn differences_in(&self, i: usize) -> Vec<usize> {
        let (Some(adj), Some(doc)) = (
            &self.adjudication,
            self.documents.get(i).and_then(|d| d.adjudication_doc),
        ) else {
            return Vec::new();
        };
        let mut out: Vec<usize> = adj
            .differences()
            .iter()
            .enumerate()
            .filter(|(_, d)| d.document == doc)
            .map(|(k, _)| k)
            .collect();
        out.sort_by_key(|k| adj.differences()[*k].range().start);
        out
    }

    /// Records a decision on difference `index`.
    pub fn decide(&mut self, index: usize, decision: Decision) -> Result<(), ReviewSessionError> {
        if let Some(adj) = self.adjudication.as_mut() {
            adj.decide(index, decision)?;
        }
        Ok(())
    }

    /// Adds a comment to file `file`'s review.
    pub fn comment(&mut self, file: usize, comment: Comment) {
        if let Some(r) = self.reviews.get_mut(file) {
            r.comments.push(comment);
            self.reviews_dirty = true;
        }
    }

    /// Sets file `file`'s verdict on document `doc_id`.
    pub fn set_verdict(&mut self, file: usize, doc_id: &str, verdict: Verdict) {
        if let Some(r) = self.reviews.get_mut(file)
            && r.verdict(doc_id) != Some(verdict)
        {
            r.set_verdict(doc_id, verdict);
            self.reviews_dirty = true;
        }
    }

    /// Writes every review file beside its project (atomically; a review file changed on disk
    /// since it was loaded is refused unless `force`). Returns the paths written.
    pub fn save_reviews(&mut self, force: bool) -> Result<Vec<PathBuf>, ReviewSessionError> {
        let mut written = Vec::new();
        for (k, path) in self.paths.iter().enumerate() {
            let rp = review_path(path);
            // The review now describes the project as it is on disk.
            self.reviews[k].project_sha256 = ReviewFile::for_project_file(path, "")?.project_sha256;
            let guard = match (&self.stamps[k], force) {
                (_, true) => SaveGuard::Force,
                (Some(s), false) => SaveGuard::Unchanged(s),
                (None, false) => SaveGuard::CreateNew,
            };
            let stamp = save_review(&rp, &self.reviews[k], guard)?;
            self.stamps[k] = Some(stamp);
            written.push(rp);
        }
        self.reviews_dirty = false;
        Ok(written)
    }

    /// Writes the gold project (all agreed annotations plus the decisions) to `path`.
    pub fn save_gold(&self, path: &Path, force: bool) -> Result<usize, ReviewSessionError> {
        let Some(adj) = &self.adjudication else {
            return Err(ReviewSessionError::NoFiles);
        };
        let gold = adj.gold()?;
        let guard = if force {
            SaveGuard::Force
        } else {
            SaveGuard::CreateNew
        };
        project::save(path, &gold.project, guard)?;
        Ok(gold.project.documents.iter().map(|d| d.spans.len()).sum())
    }

    /// The agreement table of these files, exactly as `qalam agree` prints it.
    pub fn agreement_table(&self) -> String {
        let refs: Vec<&Project> = self.projects.iter().collect();
        let report = super::agreement::agreement(&refs);
        let files: Vec<String> = self.paths.iter().map(|p| p.display().to_string()).collect();
        super::table::render_table(&report, &files)
    }

    /// Where the gold copy goes by default: `NAME.gold.ron` beside the first file.
    pub fn default_gold_path(&self) -> PathBuf {
        let first = self.paths.first().cloned().unwrap_or_default();
        let stem = first
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "review".to_owned());
        first.with_file_name(format!("{stem}.gold.ron"))
    }
}

/// Every distinct text of `projects`, first file's order first.
fn list_documents(projects: &[Project], adj: Option<&Adjudication>) -> Vec<ReviewDocument> {
    let adj_docs: HashMap<String, usize> = adj
        .map(|a| {
            a.documents
                .iter()
                .enumerate()
                .map(|(i, d)| (text_sha256(d.text()), i))
                .collect()
        })
        .unwrap_or_default();
    let mut order: Vec<ReviewDocument> = Vec::new();
    let mut by_sha: HashMap<String, usize> = HashMap::new();
    for (k, p) in projects.iter().enumerate() {
        for (i, d) in p.documents.iter().enumerate() {
            let sha = text_sha256(d.text());
            let row = *by_sha.entry(sha.clone()).or_insert_with(|| {
                let title = if d.title.is_empty() {
                    d.id.clone()
                } else {
                    d.title.clone()
                };
                order.push(ReviewDocument {
                    adjudication_doc: adj_docs.get(&sha).copied(),
                    sha256: sha,
                    title,
                    in_files: vec![None; projects.len()],
                });
                order.len() - 1
            });
            order[row].in_files[k].get_or_insert(i);
        }
    }
    order
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_project_changed_since_its_review_is_reported() {
        let dir = tempfile::tempdir().expect("tempdir");
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("projects/review/ali.ron");
        let path = dir.path().join("ali.ron");
        std::fs::copy(&src, &path).expect("copy");
        let mut s = ReviewSession::open(std::slice::from_ref(&path), "r").expect("open");
        assert!(s.warnings.is_empty());
        s.set_verdict(0, "000_19e18760a7c74451", Verdict::Accepted);
        s.save_reviews(false).expect("save");
        let mut p = project::load(&path).expect("load").project;
        p.name.push_str(" (edited)");
        project::save(&path, &p, SaveGuard::Force).expect("save project");
        let s = ReviewSession::open(&[path], "r").expect("reopen");
        assert_eq!(s.warnings.len(), 1, "{:?}", s.warnings);
        assert!(s.warnings[0].contains("changed since this review"));
    }

    #[test]
    fn opens_the_example_pair_and_lists_differences() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("projects/review");
        let s = ReviewSession::open(&[root.join("ali.ron"), root.join("mona.ron")], "tester")
            .expect("open");
        assert_eq!(s.documents.len(), 1);
        assert_eq!(s.documents[0].in_files, [Some(0), Some(0)]);
        assert!(!s.differences_in(0).is_empty());
        let cmp = s.comparison(0);
        assert!(cmp[0].iter().any(|(_, a)| *a == SpanAgreement::Agreed));
        assert!(cmp[0].iter().any(|(_, a)| *a != SpanAgreement::Agreed));
    }
}
