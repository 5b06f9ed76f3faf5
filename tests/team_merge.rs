//! The merge driver with real git (`qalam git-setup`, branches, `git merge`), and the merge's
//! properties on random edits.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use qalam::model::{Edit, Project, Relation, Span, SpanId, Transaction, apply};
use qalam::project::{self, SaveGuard, Severity};
use qalam::team::{CONFLICT_MARK, merge};

mod common;
use common::{qalam, s, stderr, stdout};

const TEXT: &str = "قال مصدر أمني إن الحملة بدأت أمس في بغداد وإن الوزير أكد ذلك";

/// Runs git in `dir` with no user or system configuration in the way.
fn git(dir: &Path, args: &[&str]) -> Output {
    Command::new("git")
        .args([
            "-c",
            "user.name=Qalam Test",
            "-c",
            "user.email=test@example.com",
        ])
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_MERGE_AUTOEDIT", "no")
        .output()
        .expect("run git")
}

fn git_ok(dir: &Path, args: &[&str]) -> String {
    let o = git(dir, args);
    assert!(
        o.status.success(),
        "git {args:?} failed:\n{}\n{}",
        stdout(&o),
        stderr(&o)
    );
    stdout(&o)
}

/// A project with one document: speaker 1 (4..13), claim 2 (17..28), entity 3 (36..41), the
/// claim attributed to the speaker (relation 1).
fn base() -> Project {
    let mut p = Project::new("team", "ali");
    let mut d = qalam::model::Document::new("d1", "t", "", TEXT);
    for (id, label, a, b) in [
        (1, "speaker", 4, 13),
        (2, "claim", 17, 28),
        (3, "entity", 36, 41),
    ] {
        d.spans.extend(d.make_span(id, label, a, b, "ali"));
    }
    d.relations.push(Relation {
        id: 1,
        kind: "attributed_to".into(),
        from: 2,
        to: 1,
        annotator: String::new(),
    });
    p.documents.push(d.into());
    p
}

/// Loads, applies `edits` to document 0 as one transaction (the library's edit path), saves.
fn edit_file(path: &Path, edits: impl FnOnce(&Project) -> Vec<Edit>) {
    let loaded = project::load(path).expect("load");
    let mut p = loaded.project;
    let tx = Transaction::from(edits(&p));
    apply(&mut p, tx).expect("edit");
    project::save(path, &p, SaveGuard::Unchanged(&loaded.stamp)).expect("save");
}

fn span_of(p: &Project, id: SpanId) -> Span {
    p.documents[0].span(id).cloned().expect("span")
}

/// Span `id` moved to `start..end`.
fn moved(p: &Project, id: SpanId, start: usize, end: usize) -> Edit {
    let mut s = span_of(p, id);
    s.start = start;
    s.end = end;
    s.text = p.documents[0].slice(start, end).expect("range").to_owned();
    Edit::ReplaceSpan { doc: 0, span: s }
}

/// A repository with `qalam git-setup` done and `ali.ron` committed on `main`.
fn repo() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().to_owned();
    git_ok(&root, &["init", "-q", "-b", "main"]);
    let o = Command::new(env!("CARGO_BIN_EXE_qalam"))
        .arg("git-setup")
        .current_dir(&root)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .output()
        .expect("run qalam");
    assert!(o.status.success(), "{}", stderr(&o));
    let attributes = fs::read_to_string(root.join(".gitattributes")).expect(".gitattributes");
    assert!(attributes.contains("*.ron merge=qalam diff=qalam"));
    let driver = git_ok(&root, &["config", "merge.qalam.driver"]);
    assert!(
        driver.starts_with('/') || driver.starts_with("'/"),
        "absolute: {driver}"
    );
    assert!(
        driver.trim_end().ends_with("merge-driver %O %A %B %P"),
        "{driver}"
    );
    let file = root.join("ali.ron");
    project::save(&file, &base(), SaveGuard::Force).expect("save");
    git_ok(&root, &["add", "."]);
    git_ok(&root, &["commit", "-q", "-m", "base"]);
    (dir, file)
}

fn load_valid(path: &Path) -> Project {
    let loaded = project::load(path).expect("the merged file loads");
    assert!(
        loaded
            .problems
            .iter()
            .all(|p| p.severity != Severity::Error),
        "{:?}",
        loaded.problems
    );
    loaded.project
}

#[test]
fn edits_of_different_spans_on_two_branches_merge_cleanly() {
    let (dir, file) = repo();
    let root = dir.path();
    git_ok(root, &["checkout", "-q", "-b", "mona"]);
    edit_file(&file, |p| {
        let mut s = span_of(p, 3);
        s.note = Some("العاصمة".into());
        s.attributes.insert("kind".into(), "location".into());
        vec![Edit::ReplaceSpan { doc: 0, span: s }]
    });
    git_ok(root, &["commit", "-q", "-am", "mona: entity kind"]);
    git_ok(root, &["checkout", "-q", "main"]);
    edit_file(&file, |p| vec![moved(p, 1, 4, 8)]);
    git_ok(root, &["commit", "-q", "-am", "ali: speaker boundary"]);
    let o = git(root, &["merge", "--no-edit", "mona"]);
    assert!(o.status.success(), "{}\n{}", stdout(&o), stderr(&o));
    let merged = load_valid(&file);
    assert_eq!((span_of(&merged, 1).start, span_of(&merged, 1).end), (4, 8));
    assert_eq!(span_of(&merged, 3).note.as_deref(), Some("العاصمة"));
    assert_eq!(
        span_of(&merged, 3)
            .attributes
            .get("kind")
            .map(String::as_str),
        Some("location")
    );
    assert_eq!(merged.documents[0].relations.len(), 1);
    // The merge is written as Qalam writes files: saving it again changes nothing.
    let bytes = fs::read(&file).expect("read");
    assert_eq!(
        project::to_ron_string(&merged).expect("ron").into_bytes(),
        bytes
    );
}

#[test]
fn the_same_span_changed_on_both_branches_is_a_conflict_holding_both_versions() {
    let (dir, file) = repo();
    let root = dir.path();
    git_ok(root, &["checkout", "-q", "-b", "mona"]);
    edit_file(&file, |p| vec![moved(p, 2, 17, 23)]);
    git_ok(root, &["commit", "-q", "-am", "mona: shorter claim"]);
    git_ok(root, &["checkout", "-q", "main"]);
    edit_file(&file, |p| vec![moved(p, 2, 14, 28)]);
    git_ok(root, &["commit", "-q", "-am", "ali: longer claim"]);
    let o = git(root, &["merge", "--no-edit", "mona"]);
    assert!(!o.status.success(), "git reports the conflict");
    let said = format!("{}{}", stdout(&o), stderr(&o));
    assert!(said.contains("CONFLICT"), "{said}");
    assert!(said.contains("span 2"), "the driver lists it: {said}");
    let text = fs::read_to_string(&file).expect("read");
    assert!(!text.contains("<<<<<<<") && !text.contains(">>>>>>>"));
    let merged = load_valid(&file);
    let spans = &merged.documents[0].spans;
    let ours = span_of(&merged, 2);
    assert_eq!((ours.start, ours.end), (14, 28));
    assert!(
        ours.note
            .as_deref()
            .is_some_and(|n| n.starts_with("conflict: ours"))
    );
    let theirs = spans
        .iter()
        .find(|s| {
            s.note
                .as_deref()
                .is_some_and(|n| n.starts_with("conflict: theirs"))
        })
        .expect("theirs' version");
    assert_eq!((theirs.start, theirs.end), (17, 23));
    assert_ne!(theirs.id, 2);
    // Listed by `qalam status` too, and the file can be committed as it is.
    let o = qalam(&["status", "--json", s(&file)]);
    let json: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("json");
    assert_eq!(json["annotators"][0]["conflicts"], 2);
    git_ok(root, &["commit", "-q", "-am", "merge with both versions"]);
}

#[test]
fn colliding_new_ids_are_renumbered_with_their_relations() {
    let (dir, file) = repo();
    let root = dir.path();
    git_ok(root, &["checkout", "-q", "-b", "mona"]);
    edit_file(&file, |p| {
        let d = &p.documents[0];
        let id = d.next_span_id();
        let speaker = d.make_span(id, "speaker", 46, 52, "mona").expect("span");
        vec![
            Edit::DeleteRelation { doc: 0, id: 1 },
            Edit::InsertSpan {
                doc: 0,
                span: speaker,
            },
            Edit::InsertRelation {
                doc: 0,
                relation: Relation {
                    id: d.next_relation_id(),
                    kind: "attributed_to".into(),
                    from: 2,
                    to: id,
                    annotator: String::new(),
                },
            },
        ]
    });
    git_ok(root, &["commit", "-q", "-am", "mona: the minister said it"]);
    git_ok(root, &["checkout", "-q", "main"]);
    edit_file(&file, |p| {
        let d = &p.documents[0];
        let entity = d
            .make_span(d.next_span_id(), "entity", 17, 23, "ali")
            .expect("span");
        vec![Edit::InsertSpan {
            doc: 0,
            span: entity,
        }]
    });
    git_ok(root, &["commit", "-q", "-am", "ali: an entity"]);
    let o = git(root, &["merge", "--no-edit", "mona"]);
    assert!(o.status.success(), "{}\n{}", stdout(&o), stderr(&o));
    let merged = load_valid(&file);
    let d = &merged.documents[0];
    assert_eq!(span_of(&merged, 4).label, "entity", "ours keeps its id");
    let minister = d
        .spans
        .iter()
        .find(|s| s.annotator == "mona")
        .expect("theirs' span");
    assert_eq!(minister.id, 5, "renumbered");
    assert_eq!(minister.text, "الوزير");
    assert_eq!(d.relations.len(), 1);
    assert_eq!((d.relations[0].from, d.relations[0].to), (2, 5));
}

#[test]
fn a_file_that_does_not_parse_is_left_alone() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (o, a, b) = (
        dir.path().join("o.ron"),
        dir.path().join("a.ron"),
        dir.path().join("b.ron"),
    );
    project::save(&o, &base(), SaveGuard::Force).expect("save");
    project::save(&a, &base(), SaveGuard::Force).expect("save");
    let broken =
        project::to_ron_string(&base())
            .expect("ron")
            .replacen("spans: [", "spans: [(id: ,", 1);
    fs::write(&b, &broken).expect("write");
    let before = fs::read(&a).expect("read");
    let out = qalam(&["merge-driver", s(&o), s(&a), s(&b), "team/ali.ron"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    let line = broken
        .lines()
        .position(|l| l.contains("(id: ,"))
        .expect("the broken line")
        + 1;
    assert!(
        err.contains(&format!("team/ali.ron (theirs):{line}:")),
        "file:line:col in {err}"
    );
    assert_eq!(fs::read(&a).expect("read"), before, "ours untouched");
}

#[test]
fn a_document_with_another_text_under_the_same_id_is_refused_and_left_alone() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (o, a, b) = (
        dir.path().join("o.ron"),
        dir.path().join("a.ron"),
        dir.path().join("b.ron"),
    );
    project::save(&o, &base(), SaveGuard::Force).expect("save");
    project::save(&a, &base(), SaveGuard::Force).expect("save");
    // Theirs holds document d1 over another text (a valid project of its own).
    let mut other = Project::new("team", "mona");
    other
        .documents
        .push(qalam::model::Document::new("d1", "t", "", format!("{TEXT} وأضاف.")).into());
    project::save(&b, &other, SaveGuard::Force).expect("save");
    let before = fs::read(&a).expect("read");
    let out = qalam(&["merge-driver", s(&o), s(&a), s(&b), "team/ali.ron"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("document \"d1\" has another text in theirs than in base"),
        "{err}"
    );
    assert_eq!(fs::read(&a).expect("read"), before, "ours untouched");
}

#[test]
fn ron_files_that_are_not_projects_get_git_s_text_merge() {
    let (dir, _) = repo();
    let root = dir.path();
    let config = root.join("settings.ron");
    fs::write(
        &config,
        "(\n    width: 1,\n    a: 0,\n    b: 0,\n    c: 0,\n    height: 1,\n)\n",
    )
    .expect("write");
    git_ok(root, &["add", "settings.ron"]);
    git_ok(root, &["commit", "-q", "-m", "settings"]);
    git_ok(root, &["checkout", "-q", "-b", "other"]);
    fs::write(
        &config,
        "(\n    width: 2,\n    a: 0,\n    b: 0,\n    c: 0,\n    height: 1,\n)\n",
    )
    .expect("write");
    git_ok(root, &["commit", "-q", "-am", "wider"]);
    git_ok(root, &["checkout", "-q", "main"]);
    fs::write(
        &config,
        "(\n    width: 1,\n    a: 0,\n    b: 0,\n    c: 0,\n    height: 3,\n)\n",
    )
    .expect("write");
    git_ok(root, &["commit", "-q", "-am", "taller"]);
    let o = git(root, &["merge", "--no-edit", "other"]);
    assert!(o.status.success(), "{}\n{}", stdout(&o), stderr(&o));
    assert_eq!(
        fs::read_to_string(&config).expect("read"),
        "(\n    width: 2,\n    a: 0,\n    b: 0,\n    c: 0,\n    height: 3,\n)\n"
    );
}

#[test]
fn git_setup_needs_a_checkout_and_can_only_print() {
    let dir = tempfile::tempdir().expect("tempdir");
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_qalam"))
            .args(args)
            .current_dir(dir.path())
            .env(
                "GIT_CEILING_DIRECTORIES",
                dir.path().parent().expect("parent"),
            )
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .output()
            .expect("run qalam")
    };
    let o = run(&["git-setup"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("inside a git checkout"),
        "{}",
        stderr(&o)
    );
    assert!(!dir.path().join(".gitattributes").exists());
    let o = run(&["git-setup", "--dry-run", "--program", "qalam"]);
    assert!(o.status.success());
    assert_eq!(
        stdout(&o),
        "# .gitattributes at the top of the checkout:\n*.ron merge=qalam diff=qalam\n\
         git config merge.qalam.name 'Qalam: three-way merge of annotation projects'\n\
         git config merge.qalam.driver 'qalam merge-driver %O %A %B %P'\n\
         git config diff.qalam.textconv 'qalam diff --textconv'\n"
    );
    assert!(
        !dir.path().join(".gitattributes").exists(),
        "--dry-run writes nothing"
    );
}

/// Properties of the merge on random edits of a random base.
mod properties {
    use std::collections::BTreeSet;

    use proptest::prelude::*;
    use qalam::model::{DocStatus, Document, RelationId};

    use super::*;

    const LABELS: [&str; 3] = ["speaker", "claim", "entity"];

    /// One random change.
    #[derive(Clone, Debug)]
    enum Op {
        Note(usize, String),
        Attribute(usize, usize),
        Move(usize, i8, i8),
        Relabel(usize, usize),
        Delete(usize),
        Add(usize, usize, usize),
        Link(usize, usize),
        Status(usize),
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            (any::<usize>(), "[a-z ]{0,6}").prop_map(|(i, n)| Op::Note(i, n)),
            (any::<usize>(), 0..4usize).prop_map(|(i, v)| Op::Attribute(i, v)),
            (any::<usize>(), -3..4i8, -3..4i8).prop_map(|(i, a, b)| Op::Move(i, a, b)),
            (any::<usize>(), 0..3usize).prop_map(|(i, l)| Op::Relabel(i, l)),
            any::<usize>().prop_map(Op::Delete),
            (0..3usize, 0..60usize, 1..8usize).prop_map(|(l, s, n)| Op::Add(l, s, n)),
            (any::<usize>(), any::<usize>()).prop_map(|(i, j)| Op::Link(i, j)),
            (0..3usize).prop_map(Op::Status),
        ]
    }

    /// A base document from random spans and links (invalid ones are left out).
    fn make_base(spans: &[(usize, usize, usize)], links: &[(usize, usize)]) -> Project {
        let mut p = Project::new("prop", "x");
        p.documents.push(Document::new("d1", "t", "", TEXT).into());
        for (k, &(l, start, len)) in spans.iter().enumerate() {
            let d = &p.documents[0];
            let end = (start + len).min(d.len_chars());
            if let Some(span) = d.make_span(k as u64 + 1, LABELS[l], start, end, "") {
                let _ = apply(&mut p, Transaction::one(Edit::InsertSpan { doc: 0, span }));
            }
        }
        for &(i, j) in links {
            let ids = all_ids(&p);
            link(&mut p, i, j, None, &ids);
        }
        p
    }

    fn all_ids(p: &Project) -> Vec<SpanId> {
        p.documents[0].spans.iter().map(|s| s.id).collect()
    }

    /// Links two of `ids` with whichever relation type fits, if any.
    fn link(p: &mut Project, i: usize, j: usize, id: Option<RelationId>, ids: &[SpanId]) -> bool {
        if ids.is_empty() {
            return false;
        }
        let (from, to) = (ids[i % ids.len()], ids[j % ids.len()]);
        let id = id.unwrap_or_else(|| p.documents[0].next_relation_id());
        for kind in ["attributed_to", "about"] {
            let relation = Relation {
                id,
                kind: kind.into(),
                from,
                to,
                annotator: String::new(),
            };
            let dup = p.documents[0]
                .relations
                .iter()
                .any(|r| r.kind == kind && r.from == from && r.to == to);
            if !dup
                && apply(
                    p,
                    Transaction::one(Edit::InsertRelation { doc: 0, relation }),
                )
                .is_ok()
            {
                return true;
            }
        }
        false
    }

    /// A side's edits: which spans it may touch, and where its new ids start.
    struct Editor {
        /// Base spans this side owns (all of them when `free`).
        owned: BTreeSet<SpanId>,
        /// Spans this side added.
        added: BTreeSet<SpanId>,
        /// New spans and moves start on even (0) or odd (1) code points, so that the two
        /// sides never make the same span independently.
        parity: usize,
        /// First id for new spans and relations (`None`: the document's next id).
        first_id: Option<u64>,
        next: u64,
        /// The transactions applied, in order, to replay them.
        applied: Vec<Transaction>,
    }

    impl Editor {
        fn mine(&self, p: &Project) -> Vec<SpanId> {
            p.documents[0]
                .spans
                .iter()
                .map(|s| s.id)
                .filter(|id| self.owned.contains(id) || self.added.contains(id))
                .collect()
        }

        fn new_id(&mut self, fallback: u64) -> u64 {
            match self.first_id {
                Some(f) => {
                    self.next = self.next.max(f);
                    self.next += 1;
                    self.next - 1
                }
                None => fallback,
            }
        }

        fn try_apply(&mut self, p: &mut Project, edits: Vec<Edit>) -> bool {
            let tx = Transaction::from(edits);
            if apply(p, tx.clone()).is_ok() {
                self.applied.push(tx);
                true
            } else {
                false
            }
        }

        fn run(&mut self, p: &mut Project, op: &Op, may_set_status: bool) {
            let mine = self.mine(p);
            let pick = |i: usize| (!mine.is_empty()).then(|| mine[i % mine.len()]);
            let len = p.documents[0].len_chars();
            let on_parity = |x: usize, parity: usize| if x % 2 == parity { x } else { x + 1 };
            match op {
                Op::Note(i, n) => {
                    let Some(id) = pick(*i) else { return };
                    let mut s = span_of(p, id);
                    s.note = (!n.is_empty()).then(|| n.clone());
                    self.try_apply(p, vec![Edit::ReplaceSpan { doc: 0, span: s }]);
                }
                Op::Attribute(i, v) => {
                    let Some(id) = pick(*i) else { return };
                    let mut s = span_of(p, id);
                    let Some(def) = p.schema.attributes_of(&s.label).next() else {
                        return;
                    };
                    s.attributes
                        .insert(def.name.clone(), def.values[v % def.values.len()].clone());
                    self.try_apply(p, vec![Edit::ReplaceSpan { doc: 0, span: s }]);
                }
                Op::Move(i, a, b) => {
                    let Some(id) = pick(*i) else { return };
                    let s = span_of(p, id);
                    let start =
                        on_parity(s.start.saturating_add_signed(isize::from(*a)), self.parity);
                    let end = s.end.saturating_add_signed(isize::from(*b)).min(len);
                    if start < end {
                        let e = moved(p, id, start, end);
                        self.try_apply(p, vec![e]);
                    }
                }
                Op::Relabel(i, l) => {
                    let Some(id) = pick(*i) else { return };
                    let mut s = span_of(p, id);
                    // A new label and range starts on this side's parity; a span with relations
                    // is left alone (the other side may relabel the span at the other end).
                    if s.start % 2 != self.parity
                        || p.documents[0].relations_of(id).next().is_some()
                    {
                        return;
                    }
                    s.label = LABELS[*l].to_owned();
                    s.attributes.clear();
                    self.try_apply(p, vec![Edit::ReplaceSpan { doc: 0, span: s }]);
                }
                Op::Delete(i) => {
                    let Some(id) = pick(*i) else { return };
                    let mut edits: Vec<Edit> = p.documents[0]
                        .relations_of(id)
                        .map(|r| Edit::DeleteRelation { doc: 0, id: r.id })
                        .collect();
                    edits.push(Edit::DeleteSpan { doc: 0, id });
                    self.try_apply(p, edits);
                }
                Op::Add(l, start, n) => {
                    let start = on_parity(*start, self.parity);
                    let end = (start + n).min(len);
                    let fallback = p.documents[0].next_span_id();
                    let id = self.new_id(fallback);
                    let Some(span) = p.documents[0].make_span(id, LABELS[*l], start, end, "")
                    else {
                        return;
                    };
                    if self.try_apply(p, vec![Edit::InsertSpan { doc: 0, span }]) {
                        self.added.insert(id);
                    }
                }
                Op::Link(i, j) => {
                    let fallback = p.documents[0].next_relation_id();
                    let id = self.new_id(fallback);
                    let before = p.clone();
                    if link(p, *i, *j, Some(id), &mine) {
                        // Recorded as the transaction it was.
                        let r = p.documents[0].relation(id).cloned();
                        if let Some(relation) = r {
                            self.applied
                                .push(Transaction::one(Edit::InsertRelation { doc: 0, relation }));
                        }
                    } else {
                        *p = before;
                    }
                }
                Op::Status(k) => {
                    if may_set_status {
                        let status = [DocStatus::Todo, DocStatus::InProgress, DocStatus::Done][*k];
                        self.try_apply(p, vec![Edit::SetStatus { doc: 0, status }]);
                    }
                }
            }
        }
    }

    /// `base` edited by `ops` as one side.
    fn side(
        base: &Project,
        ops: &[Op],
        owned: BTreeSet<SpanId>,
        parity: usize,
        first_id: Option<u64>,
        may_set_status: bool,
    ) -> (Project, Vec<Transaction>) {
        let mut p = base.clone();
        let mut e = Editor {
            owned,
            added: BTreeSet::new(),
            parity,
            first_id,
            next: 0,
            applied: Vec::new(),
        };
        for op in ops {
            e.run(&mut p, op, may_set_status);
        }
        (p, e.applied)
    }

    fn assert_valid(p: &Project) -> Result<(), TestCaseError> {
        let errors: Vec<String> = project::validate(p)
            .into_iter()
            .filter(|x| x.severity == Severity::Error)
            .map(|x| x.to_string())
            .collect();
        prop_assert!(errors.is_empty(), "{:?}", errors);
        Ok(())
    }

    /// Base spans (label, start, length), base links, span owners, ours' and theirs' edits.
    type Case = (
        Vec<(usize, usize, usize)>,
        Vec<(usize, usize)>,
        Vec<u8>,
        Vec<Op>,
        Vec<Op>,
    );

    fn strategy() -> impl Strategy<Value = Case> {
        (
            prop::collection::vec((0..3usize, 0..55usize, 1..9usize), 0..9),
            prop::collection::vec((any::<usize>(), any::<usize>()), 0..5),
            prop::collection::vec(0..3u8, 9),
            prop::collection::vec(op(), 0..10),
            prop::collection::vec(op(), 0..10),
        )
    }

    /// The base spans owned by side `who` (1 ours, 2 theirs).
    fn owned_by(base: &Project, owners: &[u8], who: u8) -> BTreeSet<SpanId> {
        base.documents[0]
            .spans
            .iter()
            .filter(|s| owners[(s.id as usize - 1) % owners.len()] == who)
            .map(|s| s.id)
            .collect()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]

        /// Edits of disjoint spans: the merge is both sides' edits applied one after the other.
        #[test]
        fn disjoint_edits_merge_into_both_applied((spans, links, owners, ops_a, ops_b) in strategy()) {
            let base = make_base(&spans, &links);
            let top = 1000;
            let (a, _) = side(&base, &ops_a, owned_by(&base, &owners, 1), 0, Some(top), true);
            let (b, b_edits) = side(&base, &ops_b, owned_by(&base, &owners, 2), 1, Some(2 * top), false);
            let mut both = a.clone();
            for tx in b_edits {
                // A relation both sides deleted (with the spans at its two ends) is gone already.
                let edits = tx
                    .edits
                    .into_iter()
                    .filter(|e| match e {
                        Edit::DeleteRelation { id, .. } => both.documents[0].relation(*id).is_some(),
                        _ => true,
                    })
                    .collect::<Vec<_>>();
                prop_assert!(apply(&mut both, Transaction::from(edits)).is_ok(), "theirs' edits apply after ours");
            }
            let out = merge(&base, &a, &b);
            prop_assert!(out.is_clean(), "{:?}", out.conflicts);
            assert_valid(&out.project)?;
            prop_assert_eq!(out.project, both);
        }

        /// With the ids both sides really give new spans (colliding), the merge is the same up
        /// to the renumbering of theirs' new spans and relations.
        #[test]
        fn colliding_new_ids_merge_into_both_applied_up_to_ids((spans, links, owners, ops_a, ops_b) in strategy()) {
            let base = make_base(&spans, &links);
            let (a, _) = side(&base, &ops_a, owned_by(&base, &owners, 1), 0, None, true);
            let (b, _) = side(&base, &ops_b, owned_by(&base, &owners, 2), 1, None, false);
            let out = merge(&base, &a, &b);
            prop_assert!(out.is_clean(), "{:?}", out.conflicts);
            assert_valid(&out.project)?;
            // Every span and relation of each side is there, named by label and range (the
            // ends of a new relation are the side's own spans, which the other side leaves).
            let base_relations: BTreeSet<RelationId> =
                base.documents[0].relations.iter().map(|r| r.id).collect();
            let key = |p: &Project, only_new: bool| {
                let d = &p.documents[0];
                let at = |id: SpanId| d.span(id).map(|s| (s.label.clone(), s.start, s.end));
                let spans: BTreeSet<_> = d
                    .spans
                    .iter()
                    .map(|s| (s.label.clone(), s.start, s.end, s.note.clone(), s.attributes.clone()))
                    .collect();
                let rels: BTreeSet<_> = d
                    .relations
                    .iter()
                    .filter(|r| !only_new || !base_relations.contains(&r.id))
                    .map(|r| (r.kind.clone(), at(r.from), at(r.to)))
                    .collect();
                (spans, rels)
            };
            let (merged_spans, merged_rels) = key(&out.project, false);
            let (base_spans, _) = key(&base, false);
            for side in [&a, &b] {
                let (spans, new_rels) = key(side, true);
                for s in spans.difference(&base_spans) {
                    prop_assert!(merged_spans.contains(s), "span {:?} of a side is lost", s);
                }
                for r in &new_rels {
                    prop_assert!(merged_rels.contains(r), "relation {:?} of a side is lost", r);
                }
                for s in base_spans.difference(&spans) {
                    prop_assert!(!merged_spans.contains(s), "span {:?} changed by a side is back", s);
                }
            }
        }

        /// Whatever both sides do to whatever spans, the merge is a valid project; merging a
        /// version with itself, or with the unchanged base, gives that version.
        #[test]
        fn any_edits_merge_into_a_valid_project((spans, links, _owners, ops_a, ops_b) in strategy()) {
            let base = make_base(&spans, &links);
            let every: BTreeSet<SpanId> = all_ids(&base).into_iter().collect();
            let (a, _) = side(&base, &ops_a, every.clone(), 0, None, true);
            let (b, _) = side(&base, &ops_b, every, 0, None, true);
            let out = merge(&base, &a, &b);
            assert_valid(&out.project)?;
            for c in &out.conflicts {
                prop_assert!(!c.message.is_empty());
            }
            let marked = out.project.documents[0]
                .spans
                .iter()
                .filter(|s| s.note.as_deref().is_some_and(|n| n.starts_with(CONFLICT_MARK)))
                .count();
            prop_assert!(marked <= 2 * out.conflicts.len());
            prop_assert_eq!(&merge(&base, &a, &a).project, &a);
            prop_assert_eq!(&merge(&base, &base, &b).project, &b);
            prop_assert_eq!(&merge(&base, &a, &base).project, &a);
            prop_assert!(merge(&base, &a, &a).is_clean());
        }
    }
}
