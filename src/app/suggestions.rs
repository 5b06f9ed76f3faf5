//! Suggestions in the window: the cue rules' suggestions for each document shown (computed on
//! a worker thread over a snapshot of the document, since a large one takes tens of
//! milliseconds), the learner's index over the corpus (built on a worker too), and the list
//! the shown document displays: pending suggestions stored in the file, then the rules', then
//! the learner's, never one with the label and range of a span or of a rejection.
//!
//! Accepting and rejecting are transactions on the one edit path ([`super::Labeling`]); this
//! module only computes what is proposed and keeps the learner taught.

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::thread::JoinHandle;
use std::time::Duration;

use crate::model::Selection;
use crate::model::proposed::{LinkTarget, ShownSuggestion as Shown, SuggestionKey};
use crate::model::{Document, Project, Schema, Span, Suggestion};
use crate::suggest::{self, Learner};

/// Converts a batch of suggestions, whose links name spans of `doc` or suggestions of the
/// same batch by id, into shown suggestions with targets named by range.
fn with_targets(doc: &Document, batch: &[Suggestion], pending: bool) -> Vec<Shown> {
    let by_id: HashMap<u64, (&str, usize, usize)> = batch
        .iter()
        .map(|s| (s.id, (s.label.as_str(), s.start, s.end)))
        .collect();
    batch
        .iter()
        .map(|s| {
            let links = s
                .links
                .iter()
                .filter_map(|l| {
                    let (label, start, end) = match doc.span(l.to) {
                        Some(sp) => (sp.label.as_str(), sp.start, sp.end),
                        None => *by_id.get(&l.to)?,
                    };
                    Some(LinkTarget {
                        kind: l.kind.clone(),
                        label: label.to_owned(),
                        start,
                        end,
                    })
                })
                .collect();
            Shown {
                read_as: format!("suggested {}: {}", s.label, s.text).into(),
                suggestion: s.clone(),
                pending,
                links,
            }
        })
        .collect()
}

/// The cue rules' suggestions for one document, with their targets (what the worker runs).
pub fn rule_suggestions(doc: &Document, schema: &Schema) -> Vec<Shown> {
    with_targets(doc, &suggest::suggest_document(doc, schema), false)
}

/// What document `doc` shows: its pending suggestions, then `rules`, then the learner's
/// proposals, each (label, range) once, without those that repeat a span or a rejection or
/// no longer fit the text; in text order.
pub fn merge(
    doc: &Document,
    schema: &Schema,
    rules: &[Shown],
    learned: &[suggest::Proposal],
) -> Vec<Shown> {
    let mut taken: HashSet<(&str, usize, usize)> = doc
        .spans
        .iter()
        .map(|s| (s.label.as_str(), s.start, s.end))
        .chain(
            doc.rejected
                .iter()
                .map(|r| (r.label.as_str(), r.start, r.end)),
        )
        .collect();
    let learned = with_targets(
        doc,
        &suggest::suggestions_from_proposals(doc, schema, learned),
        false,
    );
    let pending = with_targets(doc, &doc.suggestions, true);
    let mut out = Vec::new();
    for s in pending.iter().chain(rules).chain(&learned) {
        let g = &s.suggestion;
        let fits = schema.label(&g.label).is_some()
            && g.start < g.end
            && doc.slice(g.start, g.end) == Some(g.text.as_str());
        if fits && taken.insert((g.label.as_str(), g.start, g.end)) {
            out.push(s.clone());
        }
    }
    let rank = |l: &str| schema.span_labels.iter().position(|s| s.name == l);
    out.sort_by_key(|s| {
        let g = &s.suggestion;
        (g.start, g.end, rank(&g.label))
    });
    out
}

/// Identity of a shown list: document, history state, learner lessons, rules known, shown.
type ShownKey = (usize, u64, u64, bool, bool);

/// Documents up to this many code points get their list on the UI thread, within the frame
/// of an edit (the seed takes well under a millisecond); larger ones on a worker.
const SYNC_CHARS: usize = 100_000;

/// At most this many suggestions are shown per document (those with the highest scores): a
/// learner taught thousands of texts can propose one at nearly every word of a large text.
pub const MAX_SHOWN: usize = 20_000;

/// Something to tell the learner once no worker is reading it.
#[derive(Debug)]
enum Lesson {
    Teach(usize, Span),
    Reject(usize, Suggestion),
}

/// Suggestions of an open project.
#[derive(Debug)]
pub struct Suggestions {
    /// Show suggestions (View > Show suggestions); hidden ones are still computed.
    pub show: bool,
    /// Rule suggestions per document index.
    rules: HashMap<usize, Arc<Vec<Shown>>>,
    /// The rules running for one document.
    rule_job: Option<(usize, Job<Vec<Shown>>)>,
    /// The learner, once its index is built (read by list workers, taught here).
    learner: Option<Arc<RwLock<Learner>>>,
    /// Lessons waiting for the learner while a worker reads it.
    queued: Vec<Lesson>,
    /// The learner's index was asked for.
    started: bool,
    /// Whom workers wake: the last window context given.
    waker: Option<egui::Context>,
    /// The learner being built, with the spans it learned from.
    learner_job: Option<Job<BuiltLearner>>,
    /// Spans the learner has been taught, per document, sorted.
    taught: Vec<Vec<Taught>>,
    /// Span count of each document when last taught: an edit elsewhere (marking a corpus
    /// search's hits) changes it.
    counts: Vec<usize>,
    /// Changes whenever the learner learns something.
    lessons: u64,
    /// The history state the shown document's spans were last taught at.
    taught_at: Option<(usize, u64)>,
    /// The list the shown document should show now.
    wanted: Option<ShownKey>,
    /// The shown document's list and what it was computed for.
    shown: Option<(ShownKey, Arc<Vec<Shown>>)>,
    /// A large document's list being computed.
    list_job: Option<Job<(ShownKey, Vec<Shown>)>>,
    /// The schema the rules and the learner work with: when the project's differs (a
    /// schema change, or its undo), they start again.
    schema: Option<Schema>,
}

/// A span taught: label (its index in the schema, see [`label_key`]), start, end. Twelve
/// bytes and no strings: a corpus has hundreds of thousands of spans.
type Taught = (u32, u32, u32);

/// `x` as a [`Taught`] field (offsets past 4 G code points cannot occur in memory).
fn t32(x: usize) -> u32 {
    u32::try_from(x).unwrap_or(u32::MAX)
}

/// The spans of `doc` as taught, sorted.
fn taught_of(schema: &Schema, doc: &Document) -> Vec<Taught> {
    let mut v: Vec<Taught> = doc
        .spans
        .iter()
        .map(|s| (t32(label_key(schema, &s.label)), t32(s.start), t32(s.end)))
        .collect();
    v.sort_unstable();
    v.dedup();
    v
}

/// A label's index among the schema's span labels (one past them for a label the schema
/// lacks, which validation reports anyway).
fn label_key(schema: &Schema, label: &str) -> usize {
    schema
        .span_labels
        .iter()
        .position(|l| l.name == label)
        .unwrap_or(schema.span_labels.len())
}

impl Default for Suggestions {
    fn default() -> Self {
        Suggestions {
            show: true,
            rules: HashMap::new(),
            rule_job: None,
            learner: None,
            queued: Vec::new(),
            started: false,
            waker: None,
            learner_job: None,
            taught: Vec::new(),
            counts: Vec::new(),
            lessons: 0,
            taught_at: None,
            wanted: None,
            shown: None,
            list_job: None,
            schema: None,
        }
    }
}

fn wake(waker: &Option<egui::Context>) {
    if let Some(ctx) = waker {
        ctx.request_repaint();
    }
}

/// Work on a thread whose result the window takes only once the work has ended, with
/// everything it computed with freed. glibc's allocator locks an arena for each allocation
/// and free of its memory: a worker allocating or freeing hundreds of thousands of small
/// blocks (a large document's proposals) held that lock while the window waited on it in
/// its own frees and reallocations of the worker's memory (the result, the channel that
/// carried it); one frame took 130 ms. The result is taken without joining, so the window
/// never waits for the thread to exit.
#[derive(Debug)]
struct Job<T> {
    thread: JoinHandle<()>,
    /// The result, put there by the worker as its last step.
    out: Arc<Mutex<Option<T>>>,
    /// Set with the result: the window looks again until the thread has ended.
    returned: Arc<AtomicBool>,
}

impl<T: Send + 'static> Job<T> {
    /// Runs `work` on a new thread; `waker` repaints the window when it is done.
    fn spawn(waker: Option<egui::Context>, work: impl FnOnce() -> T + Send + 'static) -> Self {
        let out = Arc::new(Mutex::new(None));
        let returned = Arc::new(AtomicBool::new(false));
        let (slot, flag) = (Arc::clone(&out), Arc::clone(&returned));
        let thread = std::thread::spawn(move || {
            // `work` and everything it captured are dropped by the time it returns.
            let result = work();
            if let Ok(mut s) = slot.lock() {
                *s = Some(result);
            }
            flag.store(true, Ordering::Release);
            wake(&waker);
        });
        Job {
            thread,
            out,
            returned,
        }
    }
}

impl<T> Job<T> {
    /// Whether the work has ended (everything it captured dropped).
    fn ended(&self, waker: &Option<egui::Context>) -> bool {
        if self.thread.is_finished() {
            return true;
        }
        // Returned but not quite ended: look again shortly (its wake came too early).
        if self.returned.load(Ordering::Acquire)
            && let Some(ctx) = waker
        {
            ctx.request_repaint_after(Duration::from_millis(1));
        }
        false
    }

    /// The work's result (`None` if it panicked); the thread is left to exit on its own.
    fn result(self) -> Option<T> {
        match self.out.lock() {
            Ok(mut s) => s.take(),
            Err(poisoned) => poisoned.into_inner().take(),
        }
    }
}

/// The learner's proposals in document `doc`.
fn proposals(learner: &RwLock<Learner>, doc: usize) -> Vec<suggest::Proposal> {
    // A worker that panicked while reading left the learner as it was.
    match learner.read() {
        Ok(l) => l.proposals_in(doc),
        Err(poisoned) => poisoned.into_inner().proposals_in(doc),
    }
}

/// [`merge`], keeping the [`MAX_SHOWN`] best-scored.
fn capped(
    doc: &Document,
    schema: &Schema,
    rules: &[Shown],
    learned: &[suggest::Proposal],
) -> Vec<Shown> {
    let mut list = merge(doc, schema, rules, learned);
    if list.len() > MAX_SHOWN {
        list.sort_by_key(|s| std::cmp::Reverse(s.suggestion.score));
        list.truncate(MAX_SHOWN);
        list.sort_by_key(|s| (s.suggestion.start, s.suggestion.end));
    }
    list
}

/// Lists longer than this are dropped on a worker thread (see [`discard`]).
const DISCARD_ON_WORKER: usize = 2_000;

/// Drops a shown list that was replaced: on a worker thread when it is long, since freeing
/// tens of thousands of suggestions (each several strings) takes tens of milliseconds, a
/// frame's budget several times over.
fn discard(old: Option<(ShownKey, Arc<Vec<Shown>>)>) {
    if let Some((_, list)) = old
        && list.len() > DISCARD_ON_WORKER
    {
        std::thread::spawn(move || drop(list));
    }
}

/// What the learner's worker hands back: the index, the spans it was taught, and the
/// documents it read (to tell which were edited meanwhile).
type BuiltLearner = (Learner, Vec<Vec<Taught>>, Vec<Arc<Document>>);

impl Suggestions {
    /// Starts building the learner's index over `project` on a worker thread.
    pub fn start_learner(&mut self, project: &Project, waker: Option<egui::Context>) {
        self.started = true;
        let snapshot = project.clone();
        self.learner_job = Some(Job::spawn(waker, move || {
            let learner = Learner::new(&snapshot);
            let schema = &snapshot.schema;
            let taught = snapshot
                .documents
                .iter()
                .map(|d| taught_of(schema, d))
                .collect();
            (learner, taught, snapshot.documents)
        }));
    }

    /// After the schema changed (labels renamed, added or removed): the rules' suggestions
    /// were named with the old schema, and the learner keys what it was taught by label, so
    /// both start again; the list is recomputed when they report.
    fn schema_changed(&mut self, project: &Project) {
        self.rules.clear();
        self.rule_job = None;
        self.list_job = None;
        self.shown = None;
        self.wanted = None;
        let waker = self.waker.clone();
        self.start_learner(project, waker);
    }

    /// Whether document `doc` shows everything: its rules ran, the learner is built and
    /// taught, and the list is up to date.
    pub fn is_ready(&self, doc: usize) -> bool {
        self.rules.contains_key(&doc)
            && self.learner.is_some()
            && self.queued.is_empty()
            && self.wanted.is_some()
            && self.shown.as_ref().map(|(k, _)| *k) == self.wanted
    }

    /// Takes finished work from the workers, starts the rules for `current` when they were
    /// never run there, teaches the learner the spans made since, and rebuilds the shown
    /// list when anything it depends on changed (on a worker for a large document).
    pub fn refresh(
        &mut self,
        project: &Project,
        current: usize,
        history_state: u64,
        waker: Option<egui::Context>,
    ) {
        // Headless refreshes between frames still wake the window's frame loop.
        if waker.is_some() {
            self.waker = waker;
        }
        let waker = self.waker.clone();
        if self.schema.as_ref() != Some(&project.schema) {
            if self.schema.is_some() {
                self.schema_changed(project);
            }
            self.schema = Some(project.schema.clone());
        }
        if !self.started {
            self.start_learner(project, waker.clone());
        }
        self.poll(project);
        let Some(doc) = project.documents.get(current) else {
            self.shown = None;
            return;
        };
        if !self.rules.contains_key(&current)
            && self.rule_job.as_ref().is_none_or(|(d, _)| *d != current)
        {
            let snapshot = Arc::clone(doc);
            let schema = project.schema.clone();
            let job = Job::spawn(waker.clone(), move || rule_suggestions(&snapshot, &schema));
            // A job for a document left behind is dropped; it runs again when shown again.
            self.rule_job = Some((current, job));
        }
        if self.taught_at != Some((current, history_state)) && self.learner.is_some() {
            self.teach_document(project, current);
            let changed: Vec<usize> = project
                .documents
                .iter()
                .enumerate()
                .filter(|(i, d)| self.counts.get(*i).is_some_and(|n| *n != d.spans.len()))
                .map(|(i, _)| i)
                .collect();
            for i in changed {
                self.teach_document(project, i);
            }
            self.taught_at = Some((current, history_state));
        }
        self.flush_lessons();
        if !self.queued.is_empty() {
            // Retried next frame, once the worker reading the learner is done.
            wake(&waker);
        }
        let key = (
            current,
            history_state,
            self.lessons,
            self.rules.contains_key(&current),
            self.show,
        );
        self.wanted = Some(key);
        if self.shown.as_ref().is_some_and(|(k, _)| *k == key) || self.list_job.is_some() {
            return;
        }
        if !self.show {
            self.shown = Some((key, Arc::default()));
            return;
        }
        let rules = self.rules.get(&current).cloned().unwrap_or_default();
        let learner = self.learner.clone();
        if doc.len_chars() <= SYNC_CHARS {
            let learned = learner.map(|l| proposals(&l, current)).unwrap_or_default();
            let list = capped(doc, &project.schema, &rules, &learned);
            discard(self.shown.replace((key, Arc::new(list))));
            return;
        }
        // A large document: the list is computed from snapshots on a worker, the previous one
        // shown meanwhile; after its rules, so that one worker at a time competes with the
        // window for the cores.
        if self.rule_job.is_some() {
            return;
        }
        let snapshot = Arc::clone(doc);
        let schema = project.schema.clone();
        self.list_job = Some(Job::spawn(waker, move || {
            let learned = learner.map(|l| proposals(&l, current)).unwrap_or_default();
            (key, capped(&snapshot, &schema, &rules, &learned))
        }));
    }

    /// Takes what the workers finished.
    fn poll(&mut self, project: &Project) {
        let waker = self.waker.clone();
        if self.rule_job.as_ref().is_some_and(|(_, j)| j.ended(&waker))
            && let Some((doc, job)) = self.rule_job.take()
            && let Some(list) = job.result()
        {
            self.rules.insert(doc, Arc::new(list));
        }
        if self.list_job.as_ref().is_some_and(|j| j.ended(&waker))
            && let Some(job) = self.list_job.take()
            && let Some((key, list)) = job.result()
        {
            discard(self.shown.replace((key, Arc::new(list))));
        }
        if self.learner_job.as_ref().is_some_and(|j| j.ended(&waker))
            && let Some(job) = self.learner_job.take()
            && let Some((learner, taught, indexed)) = job.result()
        {
            self.learner = Some(Arc::new(RwLock::new(learner)));
            self.taught = taught;
            // Spans made while the index was built: only documents edited since (an
            // edit copies the shared document) are looked at, not the corpus's
            // hundreds of thousands of spans.
            self.counts = indexed.iter().map(|d| d.spans.len()).collect();
            let edited: Vec<usize> = project
                .documents
                .iter()
                .enumerate()
                .filter(|(i, d)| indexed.get(*i).is_none_or(|old| !Arc::ptr_eq(old, d)))
                .map(|(i, _)| i)
                .collect();
            for i in edited {
                self.teach_document(project, i);
            }
            self.lessons += 1;
        }
    }

    /// Queues a lesson for every span of document `i` the learner has not been taught.
    fn teach_document(&mut self, project: &Project, i: usize) {
        let Some(doc) = project.documents.get(i) else {
            return;
        };
        if self.learner.is_none() {
            return;
        }
        if self.counts.len() < project.documents.len() {
            self.counts.resize(project.documents.len(), 0);
        }
        self.counts[i] = doc.spans.len();
        if self.taught.len() < project.documents.len() {
            self.taught.resize_with(project.documents.len(), Vec::new);
        }
        let Some(taught) = self.taught.get_mut(i) else {
            return;
        };
        for s in &doc.spans {
            let at = (
                t32(label_key(&project.schema, &s.label)),
                t32(s.start),
                t32(s.end),
            );
            if let Err(k) = taught.binary_search(&at) {
                taught.insert(k, at);
                self.queued.push(Lesson::Teach(i, s.clone()));
            }
        }
        self.flush_lessons();
    }

    /// Gives the learner the queued lessons unless a worker is reading it (never waits).
    fn flush_lessons(&mut self) {
        let Some(learner) = &self.learner else {
            return;
        };
        if self.queued.is_empty() {
            return;
        }
        let mut l = match learner.try_write() {
            Ok(l) => l,
            Err(std::sync::TryLockError::Poisoned(p)) => p.into_inner(),
            Err(std::sync::TryLockError::WouldBlock) => return,
        };
        for lesson in self.queued.drain(..) {
            // A span or rejection the learner cannot use (empty text) teaches nothing.
            let _ = match lesson {
                Lesson::Teach(doc, span) => l.teach(doc, &span).map(drop),
                Lesson::Reject(doc, s) => l.reject(doc, &s.label, s.start, s.end, &s.text),
            };
        }
        self.lessons += 1;
    }

    /// Records a rejection with the learner (it counts against the text's lesson).
    pub fn reject(&mut self, doc: usize, s: &Suggestion) {
        if self.learner.is_some() {
            self.queued.push(Lesson::Reject(doc, s.clone()));
            self.flush_lessons();
        }
    }

    /// Blocks until document `doc` shows everything (tests and benches).
    pub fn wait(&mut self, project: &Project, doc: usize, history_state: u64) {
        for _ in 0..6000 {
            self.refresh(project, doc, history_state, None);
            if self.is_ready(doc) {
                return;
            }
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
    }

    /// The shown document's suggestions, as of the last refresh (a large document's may be
    /// a few frames old; never another document's).
    pub fn shown(&self) -> Arc<Vec<Shown>> {
        match (&self.shown, self.wanted) {
            (Some((k, l)), Some(w)) if k.0 == w.0 => Arc::clone(l),
            _ => Arc::default(),
        }
    }
}

/// One stop of Tab in text order: a span or a suggestion.
#[derive(Clone, Debug, PartialEq)]
enum Stop {
    Span(crate::model::SpanId),
    Suggestion(SuggestionKey),
}

impl super::Labeling {
    /// Brings the shown document's suggestions up to date: the workers' results, lessons
    /// from the spans made since, the list shown. `waker` repaints the window when a worker
    /// finishes (`None` headless).
    pub fn refresh_suggestions(&mut self, waker: Option<egui::Context>) {
        let state = self.session.history.state_id();
        let current = self.current();
        self.suggest
            .refresh(&self.session.project, current, state, waker);
        let shown = self.suggest.shown();
        let d = self.doc_ui_mut();
        // A suggestion accepted, rejected or hidden is no longer the focused one.
        for k in [&mut d.focused_suggestion, &mut d.hovered_suggestion] {
            if k.as_ref().is_some_and(|k| !shown.iter().any(|s| s.is(k))) {
                *k = None;
            }
        }
    }

    /// The shown document's suggestions, in text order (as of the last refresh).
    pub fn suggestions(&self) -> Arc<Vec<Shown>> {
        self.suggest.shown()
    }

    /// Waits until the shown document's rule suggestions and the learner are ready, then
    /// refreshes (tests and benches; the window never waits).
    pub fn wait_for_suggestions(&mut self) {
        let state = self.session.history.state_id();
        let current = self.current();
        self.suggest.wait(&self.session.project, current, state);
        self.refresh_suggestions(None);
    }

    /// The suggestion Enter, X or a label key acts on: the one stepped to (Tab) or clicked,
    /// else the one under the pointer, else the one at the caret.
    pub fn suggestion_target(&self) -> Option<Shown> {
        let shown = self.suggest.shown();
        let d = self.doc_ui().0;
        let find = |k: Option<&SuggestionKey>| k.and_then(|k| shown.iter().find(|s| s.is(k)));
        if let Some(s) = find(d.and_then(|d| d.focused_suggestion.as_ref()))
            .or_else(|| find(d.and_then(|d| d.hovered_suggestion.as_ref())))
        {
            return Some(s.clone());
        }
        let c = self.doc_ui().view().caret()?.offset;
        shown
            .iter()
            .find(|s| s.suggestion.start <= c && c < s.suggestion.end)
            .cloned()
    }

    /// The focused suggestion (stepped to with Tab, or clicked), if it is still shown.
    pub fn focused_suggestion(&self) -> Option<Shown> {
        let k = self.doc_ui().0?.focused_suggestion.clone()?;
        self.suggest.shown().iter().find(|s| s.is(&k)).cloned()
    }

    /// Whether Delete / Backspace reject a suggestion: one is focused and no span or
    /// relation is selected.
    pub(super) fn rejects_on_delete(&self) -> bool {
        let d = self.doc_ui();
        d.selected_span().is_none()
            && d.0.is_none_or(|d| d.selected_relation.is_none())
            && self.focused_suggestion().is_some()
    }

    /// The suggestion after the last of `done` in text order that is not one of them.
    fn next_after(&self, done: &[Shown]) -> Option<SuggestionKey> {
        let last = done
            .iter()
            .map(|s| (s.suggestion.start, s.suggestion.end))
            .max()?;
        let shown = self.suggest.shown();
        let after = |s: &&Shown| (s.suggestion.start, s.suggestion.end) >= last;
        shown
            .iter()
            .filter(|s| !done.iter().any(|d| d.key() == s.key()))
            .find(after)
            .or_else(|| {
                shown
                    .iter()
                    .find(|s| !done.iter().any(|d| d.key() == s.key()))
            })
            .map(Shown::key)
    }

    /// Accepts the targeted suggestion (as `label` when given).
    pub(super) fn accept_target(&mut self, label: Option<&str>) -> String {
        match self.suggestion_target() {
            Some(s) => self.accept(&[s], label),
            None => "No suggestion here: Tab to one, or put the caret or pointer on it".to_owned(),
        }
    }

    /// Rejects the targeted suggestion.
    pub(super) fn reject_target(&mut self) -> String {
        match self.suggestion_target() {
            Some(s) => self.reject(&s),
            None => "No suggestion here: Tab to one, or put the caret or pointer on it".to_owned(),
        }
    }

    /// Accepts every suggestion of the paragraph of the targeted suggestion (or the caret).
    pub(super) fn accept_paragraph(&mut self) -> String {
        let doc = self.current();
        let at = self
            .suggestion_target()
            .map(|s| s.suggestion.start)
            .or_else(|| self.doc_ui().view().caret().map(|c| c.offset));
        let Some(d) = self.session.project.documents.get(doc) else {
            return String::new();
        };
        let Some(at) = at else {
            return "Put the caret in a paragraph with suggestions first".to_owned();
        };
        let text = d.text();
        let index = d.index();
        let byte = |c: usize| index.char_to_byte(text, c).unwrap_or(text.len());
        let b = byte(at);
        let para_start = text[..b].rfind('\n').map_or(0, |i| i + 1);
        let para_end = text[b..].find('\n').map_or(text.len(), |i| b + i);
        let items: Vec<Shown> = self
            .suggest
            .shown()
            .iter()
            .filter(|s| {
                let (a, e) = (byte(s.suggestion.start), byte(s.suggestion.end));
                a >= para_start && e <= para_end
            })
            .cloned()
            .collect();
        if items.is_empty() {
            return "No suggestions in this paragraph".to_owned();
        }
        self.accept(&items, None)
    }

    /// Accepts `items` as one undo step: each becomes a span (labelled `label` when given)
    /// recording its origin; pending ones leave the document's list; a proposed relation is
    /// made too when its other end is a span already or is accepted in the same step.
    pub fn accept(&mut self, items: &[Shown], label: Option<&str>) -> String {
        let doc = self.current();
        let p = &self.session.project;
        let Some(d) = p.documents.get(doc) else {
            return String::new();
        };
        let mut edits = Vec::new();
        let mut next_id = d.next_span_id();
        let mut made: Vec<(String, usize, usize, crate::model::SpanId)> = Vec::new();
        let mut made_from: Vec<&Shown> = Vec::new();
        for s in items {
            let g = &s.suggestion;
            let label = label.unwrap_or(&g.label);
            let Some(mut span) = d.make_span(next_id, label, g.start, g.end, &p.annotator) else {
                continue;
            };
            if d.spans
                .iter()
                .any(|o| o.label == label && o.start == g.start && o.end == g.end)
            {
                continue;
            }
            if s.pending {
                edits.push(crate::model::Edit::DeleteSuggestion { doc, id: g.id });
            }
            // Attributes only where the schema allows them for the label given.
            span.attributes = g
                .attributes
                .iter()
                .filter(|(k, v)| {
                    p.schema
                        .attribute(label, k)
                        .is_some_and(|a| a.values.contains(v))
                })
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            span.origin = Some(g.origin().to_owned());
            made.push((label.to_owned(), g.start, g.end, next_id));
            made_from.push(s);
            edits.push(crate::model::Edit::InsertSpan { doc, span });
            next_id += 1;
        }
        if made.is_empty() {
            return "Nothing to accept: already a span".to_owned();
        }
        let mut next_rel = d.next_relation_id();
        let mut linked: HashSet<(String, u64, u64)> = HashSet::new();
        for (s, (from_label, _, _, from)) in made_from.iter().zip(&made) {
            for l in &s.links {
                let to = d
                    .spans
                    .iter()
                    .find(|o| o.label == l.label && o.start == l.start && o.end == l.end)
                    .map(|o| o.id)
                    .or_else(|| {
                        made.iter()
                            .find(|m| m.0 == l.label && m.1 == l.start && m.2 == l.end)
                            .map(|m| m.3)
                    });
                let Some(to) = to else { continue };
                let allowed = p
                    .schema
                    .relation_type(&l.kind)
                    .is_some_and(|t| t.allows(from_label, &l.label));
                let exists = d
                    .relations
                    .iter()
                    .any(|r| r.kind == l.kind && r.from == *from && r.to == to);
                if allowed && !exists && linked.insert((l.kind.clone(), *from, to)) {
                    edits.push(crate::model::Edit::InsertRelation {
                        doc,
                        relation: crate::model::Relation {
                            id: next_rel,
                            kind: l.kind.clone(),
                            from: *from,
                            to,
                            annotator: String::new(),
                        },
                    });
                    next_rel += 1;
                }
            }
        }
        let next = self.next_after(items);
        let n = made.len();
        let after = Selection {
            text: None,
            span: None,
            relation: None,
            ..self.selection()
        };
        let what = match (n, label) {
            (1, Some(l)) => format!("Accepted the suggestion as {l}"),
            (1, None) => format!("Accepted the suggested {}", made[0].0),
            _ => format!("Accepted {n} suggestions (one undo step)"),
        };
        let said = self.commit_built(Ok(crate::model::Transaction::from(edits)), after, what);
        self.refresh_suggestions(None);
        self.doc_ui_mut().focused_suggestion = next;
        self.refresh_suggestions(None);
        said
    }

    /// Rejects `s` as one undo step: stored in the document's rejections (so it stays
    /// rejected after reopening), out of its pending list, and counted by the learner.
    pub fn reject(&mut self, s: &Shown) -> String {
        let doc = self.current();
        let Some(d) = self.session.project.documents.get(doc) else {
            return String::new();
        };
        let g = &s.suggestion;
        let mut edits = Vec::new();
        if s.pending {
            edits.push(crate::model::Edit::DeleteSuggestion { doc, id: g.id });
        }
        edits.push(crate::model::Edit::InsertRejection {
            doc,
            at: d.rejected.len(),
            rejection: crate::model::Rejection {
                label: g.label.clone(),
                start: g.start,
                end: g.end,
                text: g.text.clone(),
            },
        });
        let next = self.next_after(std::slice::from_ref(s));
        let after = self.selection();
        let said = self.commit_built(
            Ok(crate::model::Transaction::from(edits)),
            after,
            format!("Rejected the suggested {}", g.label),
        );
        self.suggest.reject(doc, g);
        self.refresh_suggestions(None);
        self.doc_ui_mut().focused_suggestion = next;
        self.refresh_suggestions(None);
        said
    }

    /// Tab outside link mode: the next span or suggestion in text order.
    pub(super) fn step_span_or_suggestion(&mut self, by: isize) {
        let doc_index = self.current();
        let Some(doc) = self.session.project.documents.get(doc_index) else {
            return;
        };
        let shown = self.suggest.shown();
        let mut stops: Vec<((usize, usize), Stop)> = doc
            .spans
            .iter()
            .map(|s| ((s.start, s.end), Stop::Span(s.id)))
            .chain(shown.iter().map(|s| {
                (
                    (s.suggestion.start, s.suggestion.end),
                    Stop::Suggestion(s.key()),
                )
            }))
            .collect();
        if stops.is_empty() {
            return;
        }
        // Spans before suggestions at the same range; a stable sort keeps each in order.
        stops.sort_by_key(|(r, s)| (*r, matches!(s, Stop::Suggestion(_))));
        let d = self.doc_ui().0;
        let current = match (
            d.and_then(|d| d.selected_span),
            d.and_then(|d| d.focused_suggestion.clone()),
        ) {
            (Some(id), _) => Some(Stop::Span(id)),
            (None, Some(k)) => Some(Stop::Suggestion(k)),
            _ => None,
        };
        let n = stops.len() as isize;
        let i = match current.and_then(|c| stops.iter().position(|(_, s)| *s == c)) {
            Some(i) => (i as isize + by).rem_euclid(n) as usize,
            None if by > 0 => 0,
            None => stops.len() - 1,
        };
        let ((start, end), stop) = stops.swap_remove(i);
        match stop {
            Stop::Span(id) => {
                self.doc_ui_mut().view.set_selection(None);
                self.apply(crate::ui::labeling::Intent::SelectSpan(Some(id)));
            }
            Stop::Suggestion(k) => {
                self.flush_note_drafts(None);
                let d = self.doc_ui_mut();
                d.selected_span = None;
                d.selected_relation = None;
                d.focused_suggestion = Some(k);
                d.view.set_selection(None);
                d.view.scroll_to(start..end);
            }
        }
    }
}
