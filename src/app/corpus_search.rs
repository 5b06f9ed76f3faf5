//! Search across every document (Ctrl+Shift+F): the search runs on a worker thread over a
//! snapshot of the project's documents and streams its hits back over a channel; a new query
//! cancels the search it replaces. Jumping to a hit and marking every hit go through
//! [`Labeling`]'s document switch and its one edit path.

use std::ops::ControlFlow;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, TryRecvError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use super::{Labeling, Mode, QalamApp};
use crate::model::Document;
use crate::model::corpus_search::{self, CorpusHit, CorpusQuery};
use crate::ui::corpus_search::{CorpusIntent, CorpusResults, CorpusSearchUi};
use crate::ui::dialogs::Dialog;

/// How often a running search hands its new hits to the window.
const BATCH_INTERVAL: Duration = Duration::from_millis(40);
/// A search stops after this many hits (a one-letter query has millions): the list says so
/// and marking all is refused, since it would not be all.
pub const MAX_HITS: usize = 100_000;

/// What the worker sends back.
#[derive(Debug)]
enum Message {
    /// New hits, and how many documents have been searched so far.
    Hits(Vec<CorpusHit>, usize),
    /// Every document has been searched.
    Done,
    /// The search stopped at [`MAX_HITS`].
    Capped,
}

/// A search running on a worker thread.
#[derive(Debug)]
struct Job {
    messages: Receiver<Message>,
    cancel: Arc<AtomicBool>,
    handle: JoinHandle<()>,
}

/// Whom the worker wakes when it has hits: the window's frame loop (or nobody, headless).
pub type Waker = Option<egui::Context>;

/// The corpus search of one open project: the window's state, the hits found so far and the
/// search that finds them.
#[derive(Debug, Default)]
pub struct CorpusSearch {
    /// The window's state (query, options, selected hit).
    pub ui: CorpusSearchUi,
    /// Hits found so far, in document order.
    hits: Vec<CorpusHit>,
    /// Documents with at least one hit.
    documents_with_hits: usize,
    /// Documents searched so far, and in all.
    searched: usize,
    total: usize,
    /// The search stopped at [`MAX_HITS`] hits.
    capped: bool,
    /// The (query, fold) the hits are for.
    searched_for: Option<(String, bool)>,
    /// Changes with every new search, so a confirmation asked about one search never applies
    /// another's hits.
    generation: u64,
    job: Option<Job>,
}

impl CorpusSearch {
    /// Opens the window with the keyboard in its query field.
    pub fn open(&mut self) {
        self.ui.open = true;
        self.ui.focus_request = true;
    }

    /// The hits found so far, in document order.
    pub fn hits(&self) -> &[CorpusHit] {
        &self.hits
    }

    /// Whether a search is still running.
    pub fn is_searching(&self) -> bool {
        self.job.is_some()
    }

    /// Whether the search stopped at [`MAX_HITS`] hits, short of the end.
    pub fn is_capped(&self) -> bool {
        self.capped
    }

    /// Identity of the search the hits come from.
    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// What the window shows about the search.
    pub fn results(&self) -> CorpusResults<'_> {
        CorpusResults {
            hits: &self.hits,
            documents_with_hits: self.documents_with_hits,
            searched: self.searched,
            total: self.total,
            searching: self.is_searching(),
            capped: self.capped,
        }
    }

    /// The window's state and what it shows, borrowed at once.
    pub fn parts(&mut self) -> (&mut CorpusSearchUi, CorpusResults<'_>) {
        let results = CorpusResults {
            hits: &self.hits,
            documents_with_hits: self.documents_with_hits,
            searched: self.searched,
            total: self.total,
            searching: self.job.is_some(),
            capped: self.capped,
        };
        (&mut self.ui, results)
    }

    /// Starts searching `docs` (a snapshot: shared documents, one pointer each) for `query`
    /// on a worker thread, cancelling the search running before. An empty query clears the
    /// hits. `waker` is asked to repaint when hits arrive.
    pub fn start(&mut self, docs: Vec<Arc<Document>>, query: &str, fold: bool, waker: Waker) {
        self.cancel();
        self.hits.clear();
        self.documents_with_hits = 0;
        self.searched = 0;
        self.total = docs.len();
        self.capped = false;
        self.generation += 1;
        self.ui.selected = None;
        self.searched_for = Some((query.to_owned(), fold));
        let Some(q) = CorpusQuery::new(query, fold) else {
            self.searched = self.total;
            return;
        };
        let (tx, rx) = mpsc::channel();
        let cancel = Arc::new(AtomicBool::new(false));
        let stop = Arc::clone(&cancel);
        let handle = std::thread::spawn(move || {
            let mut batch = Vec::new();
            let mut found = 0;
            let mut last = Instant::now();
            let texts = docs.iter().map(|d| d.text());
            let flow = corpus_search::search_documents(&q, texts, |doc, mut hits| {
                if stop.load(Ordering::Relaxed) {
                    return ControlFlow::Break(());
                }
                hits.truncate(MAX_HITS - found);
                found += hits.len();
                batch.extend(hits);
                if found == MAX_HITS {
                    let _ = tx.send(Message::Hits(std::mem::take(&mut batch), doc + 1));
                    let _ = tx.send(Message::Capped);
                    return ControlFlow::Break(());
                }
                if last.elapsed() >= BATCH_INTERVAL {
                    last = Instant::now();
                    let sent = tx.send(Message::Hits(std::mem::take(&mut batch), doc + 1));
                    // A closed channel means the search was replaced: stop.
                    if sent.is_err() {
                        return ControlFlow::Break(());
                    }
                    if let Some(ctx) = &waker {
                        ctx.request_repaint();
                    }
                }
                ControlFlow::Continue(())
            });
            if flow.is_continue() {
                let _ = tx.send(Message::Hits(batch, docs.len()));
                let _ = tx.send(Message::Done);
            }
            if let Some(ctx) = &waker {
                ctx.request_repaint();
            }
        });
        self.job = Some(Job {
            messages: rx,
            cancel,
            handle,
        });
    }

    /// Stops the running search, if any (it ends after the document it is in).
    pub fn cancel(&mut self) {
        if let Some(job) = self.job.take() {
            job.cancel.store(true, Ordering::Relaxed);
            // Not joined: the worker notices the flag or the closed channel on its own.
            drop(job.messages);
            drop(job.handle);
        }
    }

    /// Takes the hits that arrived since the last call (never waits). Returns whether
    /// anything changed.
    pub fn poll(&mut self) -> bool {
        let Some(job) = &self.job else {
            return false;
        };
        let mut changed = false;
        let mut done = false;
        loop {
            match job.messages.try_recv() {
                Ok(Message::Hits(hits, searched)) => {
                    for h in hits {
                        if self.hits.last().is_none_or(|l| l.doc != h.doc) {
                            self.documents_with_hits += 1;
                        }
                        self.hits.push(h);
                    }
                    self.searched = searched;
                    changed = true;
                }
                Ok(Message::Capped) => {
                    self.capped = true;
                    done = true;
                    break;
                }
                Ok(Message::Done) | Err(TryRecvError::Disconnected) => {
                    done = true;
                    break;
                }
                Err(TryRecvError::Empty) => break,
            }
        }
        if done {
            self.job = None;
            changed = true;
        }
        changed
    }

    /// Starts a new search when the window's query or option differs from the one the hits
    /// are for, then takes the hits that arrived.
    pub fn refresh(&mut self, docs: &[Arc<Document>], waker: Waker) {
        let wanted = (self.ui.query.trim().to_owned(), self.ui.fold);
        if self.searched_for.as_ref() != Some(&wanted) {
            self.start(docs.to_vec(), &wanted.0, wanted.1, waker);
        }
        self.poll();
    }

    /// Waits until the running search has finished (for headless callers and benchmarks).
    pub fn wait(&mut self) {
        while self.job.is_some() {
            if !self.poll() {
                std::thread::sleep(Duration::from_millis(1));
            }
        }
    }
}

impl Drop for CorpusSearch {
    fn drop(&mut self) {
        self.cancel();
    }
}

impl Labeling {
    /// Shows corpus hit `i`: switches to its document (the one document switch), selects the
    /// hit's text so a label key labels it, and scrolls it into view.
    pub fn open_corpus_hit(&mut self, i: usize) -> Option<String> {
        let hit = self.corpus.hits().get(i)?.clone();
        if !self.switch_to(hit.doc) {
            return None;
        }
        self.corpus.ui.selected = Some(i);
        let d = self.doc_ui_mut();
        d.selected_span = None;
        d.selected_relation = None;
        d.linking = None;
        d.link_candidate = None;
        d.view.set_selection(Some(hit.range.clone()));
        // A label key marks exactly the hit, as "Mark all hits" does.
        d.hit_selected = Some(hit.range.clone());
        d.exact_selection = true;
        d.view.scroll_to(hit.range);
        let title = self
            .project()
            .documents
            .get(hit.doc)
            .map(|d| d.title.chars().take(40).collect::<String>())
            .unwrap_or_default();
        Some(format!(
            "Hit {} of {} (in \"{title}\"): a label key marks it",
            i + 1,
            self.corpus.hits().len()
        ))
    }

    /// Marks every hit of the finished search `generation` with `label`, across documents,
    /// as one undo step.
    pub fn mark_corpus_hits(&mut self, label: &str, generation: u64) -> String {
        if generation != self.corpus.generation() || self.corpus.is_searching() {
            return "The search changed: nothing marked".to_owned();
        }
        if self.corpus.is_capped() {
            return format!("More than {MAX_HITS} hits: refine the query to mark them all");
        }
        match corpus_search::mark_all_hits(self.project(), label, self.corpus.hits()) {
            Ok(m) if m.spans == 0 => format!("Every hit is already marked as {label}"),
            Ok(m) => {
                let done = format!(
                    "Marked {} hit(s) in {} document(s) as {label} (one undo step)",
                    m.spans, m.documents
                );
                self.commit_here(m.transaction, done)
            }
            Err(e) => format!("Refused: {e}"),
        }
    }
}

impl QalamApp {
    /// Carries out what the corpus search window asked for.
    pub(super) fn corpus_intent(&mut self, ctx: &egui::Context, intent: CorpusIntent) {
        let Mode::Labeling(l) = &mut self.rt.mode else {
            return;
        };
        match intent {
            CorpusIntent::Open(i) => {
                if let Some(said) = l.open_corpus_hit(i) {
                    self.rt.status = said;
                }
                // The keyboard goes to the text, so a label key labels the hit.
                l.ui.focus_panels = false;
                if let Some(id) = l.ui.doc_view_id {
                    ctx.memory_mut(|m| m.request_focus(id));
                }
            }
            CorpusIntent::MarkAll(label) => {
                if l.corpus.is_searching() {
                    self.rt.status = "Still searching: mark all once the search is done".into();
                    return;
                }
                if l.corpus.is_capped() {
                    self.rt.status =
                        format!("More than {MAX_HITS} hits: refine the query to mark them all");
                    return;
                }
                let generation = l.corpus.generation();
                match corpus_search::mark_all_hits(l.project(), &label, l.corpus.hits()) {
                    Ok(m) if m.documents > 1 => {
                        self.rt.dialog = Some(Dialog::MarkCorpusHits {
                            label,
                            spans: m.spans,
                            documents: m.documents,
                            generation,
                        });
                    }
                    Ok(_) => self.rt.status = l.mark_corpus_hits(&label, generation),
                    Err(e) => self.rt.status = format!("Refused: {e}"),
                }
            }
            CorpusIntent::Close => {
                l.corpus.ui.open = false;
                l.ui.focus_panels = false;
            }
        }
    }

    /// The user confirmed marking every hit of search `generation` as `label`.
    pub(super) fn corpus_mark_confirmed(&mut self, label: &str, generation: u64) {
        if let Mode::Labeling(l) = &mut self.rt.mode {
            self.rt.status = l.mark_corpus_hits(label, generation);
        }
    }

    /// Brings the corpus search up to date with its window (new query: new search) and
    /// takes the hits that arrived.
    pub(super) fn corpus_refresh(&mut self, ctx: &egui::Context) {
        if let Mode::Labeling(l) = &mut self.rt.mode {
            let docs = &l.session.project.documents;
            if l.corpus.ui.open {
                l.corpus.refresh(docs, Some(ctx.clone()));
            } else {
                l.corpus.poll();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn docs(n: usize) -> Vec<Arc<Document>> {
        (0..n)
            .map(|i| {
                let text = if i % 2 == 0 {
                    format!("[{i}] قال رئيس الحكومة إن الحملة بدأت")
                } else {
                    format!("[{i}] لا شيء هنا")
                };
                Arc::new(Document::new(format!("d{i}"), "", "", text))
            })
            .collect()
    }

    #[test]
    fn hits_stream_in_document_order_and_a_new_query_replaces_the_old() {
        let mut s = CorpusSearch::default();
        s.start(docs(500), "الحكومه", true, None);
        s.start(docs(500), "رئيس الحكومة", true, None);
        s.wait();
        assert_eq!(s.hits().len(), 250);
        assert!(s.hits().windows(2).all(|w| w[0].doc < w[1].doc));
        let r = s.results();
        assert_eq!(
            (r.documents_with_hits, r.searched, r.total),
            (250, 500, 500)
        );
        assert!(!r.searching);
        let g = s.generation();
        s.start(docs(4), "", true, None);
        assert!(s.hits().is_empty() && !s.is_searching());
        assert_ne!(s.generation(), g);
    }

    #[test]
    fn refresh_searches_again_only_when_the_query_changes() {
        let mut s = CorpusSearch::default();
        let d = docs(10);
        s.ui.query = "الحملة".into();
        s.refresh(&d, None);
        s.wait();
        let g = s.generation();
        s.refresh(&d, None);
        assert_eq!(s.generation(), g);
        assert_eq!(s.hits().len(), 5);
        s.ui.fold = false;
        s.ui.query = "الحمله".into();
        s.refresh(&d, None);
        s.wait();
        assert!(s.hits().is_empty(), "without folding ه is not ة");
    }
}
