//! Which documents the document list shows and in which order: a filter by status and by
//! title or text (Arabic-normalised as search is), and a sort. Document order in the project
//! file never changes; the list is a view of indices into it.

use super::document::{DocStatus, Project};
use super::search::fold_text;

/// How the document list is ordered.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum DocSort {
    /// As in the project file.
    #[default]
    Project,
    /// By title (then project order).
    Title,
    /// To do first, then in progress, then done.
    Status,
    /// Most spans first.
    SpansDescending,
    /// Fewest spans first.
    SpansAscending,
}

impl DocSort {
    /// Every sort, in the order the list's menu offers them.
    pub const ALL: [DocSort; 5] = [
        DocSort::Project,
        DocSort::Title,
        DocSort::Status,
        DocSort::SpansDescending,
        DocSort::SpansAscending,
    ];

    /// A short human label.
    pub fn label(self) -> &'static str {
        match self {
            DocSort::Project => "project order",
            DocSort::Title => "title",
            DocSort::Status => "status",
            DocSort::SpansDescending => "most spans",
            DocSort::SpansAscending => "fewest spans",
        }
    }
}

/// What the document list shows.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct DocFilter {
    /// Only documents with this status (`None`: all).
    pub status: Option<DocStatus>,
    /// Only documents whose title or text contains this, ignoring diacritics, tatweel, letter
    /// variants and case (empty: all).
    pub query: String,
    /// The order.
    pub sort: DocSort,
}

impl DocFilter {
    /// Whether this filter shows every document in project order.
    pub fn is_identity(&self) -> bool {
        self.status.is_none() && self.query.trim().is_empty() && self.sort == DocSort::Project
    }
}

/// Indices of the documents `filter` shows, in its order.
pub fn list_order(project: &Project, filter: &DocFilter) -> Vec<usize> {
    arrange(
        project,
        filter,
        text_matches(project, &filter.query).as_deref(),
    )
}

/// Indices of the documents whose title or text contains `query` under folding, in project
/// order; `None` when the query is empty (every document matches). Texts never change while
/// a project is open, so callers keep this per query and re-run only [`arrange`] after edits.
pub fn text_matches(project: &Project, query: &str) -> Option<Vec<usize>> {
    let query = fold_text(query.trim());
    if query.is_empty() {
        return None;
    }
    let matches = project
        .documents
        .iter()
        .enumerate()
        // The title is usually the text's first line: checking it first spares folding the
        // whole text for most matches.
        .filter(|(_, d)| {
            fold_text(&d.title).contains(&query) || fold_text(d.text()).contains(&query)
        })
        .map(|(i, _)| i)
        .collect();
    Some(matches)
}

/// The documents among `matches` (all when `None`) with `filter`'s status, in its order.
pub fn arrange(project: &Project, filter: &DocFilter, matches: Option<&[usize]>) -> Vec<usize> {
    let docs = &project.documents;
    let status_ok = |i: &usize| {
        docs.get(*i)
            .is_some_and(|d| filter.status.is_none_or(|s| d.status == s))
    };
    let mut order: Vec<usize> = match matches {
        Some(m) => m.iter().copied().filter(status_ok).collect(),
        None => (0..docs.len()).filter(status_ok).collect(),
    };
    // Stable sorts keep project order among equals.
    match filter.sort {
        DocSort::Project => {}
        DocSort::Title => order.sort_by(|a, b| docs[*a].title.cmp(&docs[*b].title)),
        DocSort::Status => order.sort_by_key(|i| status_rank(docs[*i].status)),
        DocSort::SpansDescending => {
            order.sort_by_key(|i| std::cmp::Reverse(docs[*i].spans.len()));
        }
        DocSort::SpansAscending => order.sort_by_key(|i| docs[*i].spans.len()),
    }
    order
}

fn status_rank(s: DocStatus) -> u8 {
    match s {
        DocStatus::Todo => 0,
        DocStatus::InProgress => 1,
        DocStatus::Done => 2,
    }
}

/// The document after (`by` > 0) or before `current` in `order`, wrapping around. When
/// `current` is not in `order` (filtered out), the first shown document after it in project
/// order (or the last before it, going back).
pub fn step_in(order: &[usize], current: usize, by: isize) -> Option<usize> {
    if order.is_empty() {
        return None;
    }
    let n = order.len() as isize;
    let at = match order.iter().position(|&i| i == current) {
        Some(p) => (p as isize + by).rem_euclid(n),
        None if by > 0 => order
            .iter()
            .position(|&i| i > current)
            .map_or(0, |p| p as isize),
        None => order
            .iter()
            .rposition(|&i| i < current)
            .map_or(n - 1, |p| p as isize),
    };
    order.get(at as usize).copied()
}

/// The next document after `current` in `order` that is not done, wrapping around; `None`
/// when every listed document other than `current` is done.
pub fn next_unfinished(project: &Project, order: &[usize], current: usize) -> Option<usize> {
    let start = order.iter().position(|&i| i == current);
    let n = order.len();
    let first = start.map_or(0, |p| p + 1);
    (0..n)
        .map(|k| order[(first + k) % n])
        .filter(|&i| i != current)
        .find(|&i| {
            project
                .documents
                .get(i)
                .is_some_and(|d| d.status != DocStatus::Done)
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Document;
    use std::sync::Arc;

    fn project() -> Project {
        let texts = [
            ("b", "قال الرئيسُ إن الأمن أولى", DocStatus::Done, 2),
            ("a", "أفادت مصادر أمنية", DocStatus::Todo, 0),
            ("c", "Sky News عربية", DocStatus::InProgress, 5),
            ("d", "وقال الرئيـس", DocStatus::Todo, 1),
        ];
        let mut p = Project::new("t", "");
        for (id, text, status, spans) in texts {
            let mut d = Document::new(id, text, text, "");
            d.status = status;
            for k in 0..spans {
                d.spans.push(crate::model::Span {
                    id: k + 1,
                    label: "entity".into(),
                    start: 0,
                    end: 1,
                    text: text.chars().take(1).collect(),
                    note: None,
                    attributes: Default::default(),
                    annotator: String::new(),
                    origin: None,
                });
            }
            p.documents.push(Arc::new(d));
        }
        p
    }

    #[test]
    fn filters_by_status_and_by_folded_title_or_text() {
        let p = project();
        let mut f = DocFilter::default();
        assert_eq!(list_order(&p, &f), [0, 1, 2, 3]);
        f.status = Some(DocStatus::Todo);
        assert_eq!(list_order(&p, &f), [1, 3]);
        f.status = None;
        // Diacritics, tatweel and alef variants are ignored, as in search.
        f.query = "الرئيس".into();
        assert_eq!(list_order(&p, &f), [0, 3]);
        f.query = "امنيه".into();
        assert_eq!(list_order(&p, &f), [1]);
        f.query = "sky".into();
        assert_eq!(list_order(&p, &f), [2]);
        f.query = "لا يوجد".into();
        assert!(list_order(&p, &f).is_empty());
    }

    #[test]
    fn sorts_are_stable_and_complete() {
        let p = project();
        let order = |sort| {
            list_order(
                &p,
                &DocFilter {
                    sort,
                    ..Default::default()
                },
            )
        };
        assert_eq!(order(DocSort::Status), [1, 3, 2, 0]);
        assert_eq!(order(DocSort::SpansDescending), [2, 0, 3, 1]);
        assert_eq!(order(DocSort::SpansAscending), [1, 3, 0, 2]);
        let titles: Vec<&str> = order(DocSort::Title)
            .iter()
            .map(|&i| p.documents[i].title.as_str())
            .collect();
        let mut sorted = titles.clone();
        sorted.sort();
        assert_eq!(titles, sorted);
    }

    #[test]
    fn stepping_follows_the_list_and_finds_the_next_unfinished() {
        let p = project();
        let order = [1, 3, 2, 0];
        assert_eq!(step_in(&order, 1, 1), Some(3));
        assert_eq!(step_in(&order, 0, 1), Some(1));
        assert_eq!(step_in(&order, 1, -1), Some(0));
        // A document filtered out: the next listed one after it in project order.
        assert_eq!(step_in(&[0, 3], 1, 1), Some(3));
        assert_eq!(step_in(&[0, 3], 2, -1), Some(0));
        assert_eq!(step_in(&[], 2, 1), None);
        assert_eq!(next_unfinished(&p, &[0, 1, 2, 3], 1), Some(2));
        assert_eq!(next_unfinished(&p, &[0, 1, 2, 3], 3), Some(1));
        assert_eq!(next_unfinished(&p, &[0, 1], 1), None);
    }
}
