//! Matching the documents of several projects by the hash of their text.
//!
//! Two documents are the same document when their texts are byte for byte equal, whatever
//! their ids, titles or file names. The hash is computed from the text here; the `sha256`
//! recorded in the file is not trusted (it may be stale).

use std::collections::HashMap;

use serde::Serialize;

use crate::model::{Document, Project, text_sha256};

/// One text and the document holding it in each project (`None` where a project lacks it).
#[derive(Clone, Debug)]
pub struct DocumentMatch<'a> {
    /// Lower-case hex SHA-256 of the text.
    pub sha256: String,
    /// Per project, in the order the projects were given, its document with this text.
    pub documents: Vec<Option<&'a Document>>,
}

impl<'a> DocumentMatch<'a> {
    /// Whether every project has this document.
    pub fn is_complete(&self) -> bool {
        self.documents.iter().all(Option::is_some)
    }

    /// The document of the first project that has it.
    pub fn first(&self) -> Option<&'a Document> {
        self.documents.iter().flatten().next().copied()
    }

    /// Indices of the projects that have this document.
    pub fn present_in(&self) -> Vec<usize> {
        self.documents
            .iter()
            .enumerate()
            .filter_map(|(i, d)| d.map(|_| i))
            .collect()
    }

    /// The document's id in each project, `None` where it is missing.
    pub fn ids(&self) -> Vec<Option<String>> {
        self.documents
            .iter()
            .map(|d| d.map(|d| d.id.clone()))
            .collect()
    }
}

/// A document whose text another document of the same project already has; it is left out of
/// the comparison.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Duplicate {
    /// Index of the project.
    pub project: usize,
    /// Id of the document left out.
    pub id: String,
    /// Id of the earlier document with the same text, which is compared.
    pub same_text_as: String,
}

/// The result of [`match_documents`].
#[derive(Clone, Debug, Default)]
pub struct Matching<'a> {
    /// Texts present in every project, in order of first appearance.
    pub complete: Vec<DocumentMatch<'a>>,
    /// Texts present in only some projects, in order of first appearance.
    pub partial: Vec<DocumentMatch<'a>>,
    /// Documents repeating a text of their own project.
    pub duplicates: Vec<Duplicate>,
}

/// Matches the documents of `projects` by the SHA-256 of their text. Texts are ordered by
/// where they first appear: the first project's documents in order, then documents only
/// later projects have.
pub fn match_documents<'a>(projects: &[&'a Project]) -> Matching<'a> {
    let mut order: Vec<DocumentMatch<'a>> = Vec::new();
    let mut by_hash: HashMap<String, usize> = HashMap::new();
    let mut duplicates = Vec::new();
    for (p, project) in projects.iter().enumerate() {
        for doc in &project.documents {
            let sha = text_sha256(doc.text());
            let slot = *by_hash.entry(sha.clone()).or_insert_with(|| {
                order.push(DocumentMatch {
                    sha256: sha,
                    documents: vec![None; projects.len()],
                });
                order.len() - 1
            });
            match order[slot].documents[p] {
                Some(earlier) => duplicates.push(Duplicate {
                    project: p,
                    id: doc.id.clone(),
                    same_text_as: earlier.id.clone(),
                }),
                None => order[slot].documents[p] = Some(doc),
            }
        }
    }
    let (complete, partial) = order.into_iter().partition(DocumentMatch::is_complete);
    Matching {
        complete,
        partial,
        duplicates,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn project(docs: &[(&str, &str)]) -> Project {
        let mut p = Project::new("p", "a");
        p.documents = docs
            .iter()
            .map(|(id, text)| Document::new(*id, "", "", *text).into())
            .collect();
        p
    }

    #[test]
    fn documents_match_by_text_not_by_id() {
        let a = project(&[("one", "نص أول"), ("two", "نص ثان"), ("only-a", "a")]);
        let mut b = project(&[
            ("x", "نص ثان"),
            ("one", "نص مختلف"),
            ("y", "نص أول"),
            ("z", "نص أول"),
        ]);
        b.doc_mut(0).expect("doc").sha256 = "stale".into();
        let m = match_documents(&[&a, &b]);
        let ids: Vec<_> = m.complete.iter().map(DocumentMatch::ids).collect();
        assert_eq!(
            ids,
            [
                vec![Some("one".to_owned()), Some("y".to_owned())],
                vec![Some("two".to_owned()), Some("x".to_owned())]
            ]
        );
        assert_eq!(m.complete[1].sha256, text_sha256("نص ثان"));
        let partial: Vec<_> = m
            .partial
            .iter()
            .map(|d| (d.present_in(), d.first().map(|d| d.id.clone())))
            .collect();
        assert_eq!(
            partial,
            [
                (vec![0], Some("only-a".to_owned())),
                (vec![1], Some("one".to_owned()))
            ]
        );
        assert_eq!(
            m.duplicates,
            [Duplicate {
                project: 1,
                id: "z".into(),
                same_text_as: "y".into()
            }]
        );
    }
}
