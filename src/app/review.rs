//! Review mode: project files opened read-only, each annotator's spans in its own lane over
//! the same text coloured by how they compare, a difference list to step through and
//! decide, comments and verdicts saved to review files, and the gold copy.

use std::path::PathBuf;

use egui::Color32;

use super::{Dialog, QalamApp};
use crate::review::compare::SpanAgreement;
use crate::review::session::ReviewSession;
use crate::review::{Comment, Decision, DifferenceKind, Verdict};
use crate::text::{BidiLabel, DocumentView, SpanHighlight};
use crate::ui::commands::UiCommand;

/// Review-mode state that is not in the [`ReviewSession`].
#[derive(Debug, Default)]
pub struct ReviewUi {
    /// The difference shown (index into the adjudication's differences).
    pub difference: Option<usize>,
    /// The span clicked for commenting: (file, span id).
    pub span: Option<(usize, u64)>,
    /// The comment being written.
    pub draft: String,
    /// Comment on this relation of the clicked span instead of the span itself.
    pub relation: Option<u64>,
    /// Scroll the difference list to the shown difference on the next frame.
    reveal: bool,
}

/// Span ids in the comparison view carry their file: file in the high bits.
const FILE_SHIFT: u32 = 40;

/// The comparison colour of each kind of (dis)agreement.
pub fn agreement_color(a: SpanAgreement) -> Color32 {
    match a {
        SpanAgreement::Agreed => Color32::from_rgb(0x2c, 0xa0, 0x2c),
        SpanAgreement::OtherLabel => Color32::from_rgb(0xff, 0x7f, 0x0e),
        SpanAgreement::Boundaries => Color32::from_rgb(0x94, 0x67, 0xbd),
        SpanAgreement::MissingElsewhere => Color32::from_rgb(0xd6, 0x27, 0x28),
    }
}

fn kind_text(k: &DifferenceKind) -> &'static str {
    match k {
        DifferenceKind::OtherLabel => "other label",
        DifferenceKind::Boundaries => "other boundaries",
        DifferenceKind::OnlyInSome => "missing in a file",
        DifferenceKind::Relation => "relation",
    }
}

fn decision_text(d: &Decision, names: &[String]) -> String {
    let name = |i: usize| {
        names
            .get(i)
            .cloned()
            .unwrap_or_else(|| format!("file {}", i + 1))
    };
    match d {
        Decision::PickLeft => format!("kept {}", name(0)),
        Decision::PickRight => format!("kept {}", name(1)),
        Decision::Pick(i) => format!("kept {}", name(*i)),
        Decision::KeepBoth => "kept both".to_owned(),
        Decision::DropBoth => "dropped both".to_owned(),
        Decision::Edit(r, l) => format!("edited: {l} {}..{}", r.start, r.end),
    }
}

impl QalamApp {
    /// The difference shown in review mode (index into the adjudication's differences).
    pub fn review_difference(&self) -> Option<usize> {
        self.rt.review_ui.difference
    }

    /// The review session, when in review mode.
    pub fn review(&self) -> Option<&ReviewSession> {
        self.rt.review.as_ref()
    }

    /// Opens `paths` read-only for review (no unsaved-changes guard; see [`Self::run_command`]).
    pub fn open_review(&mut self, paths: &[PathBuf]) {
        let reviewer = std::env::var("USER").unwrap_or_else(|_| "reviewer".to_owned());
        match ReviewSession::open(paths, &reviewer) {
            Ok(r) => {
                for p in paths {
                    self.state.remember(p);
                }
                let n = r.adjudication.as_ref().map_or(0, |a| a.differences().len());
                self.rt.status = format!(
                    "Reviewing {} file(s), read-only; {n} difference(s) to decide",
                    paths.len()
                );
                if !r.warnings.is_empty() {
                    self.rt.dialog = Some(Dialog::Message {
                        title: "Opened for review, with warnings".to_owned(),
                        lines: r.warnings.clone(),
                    });
                }
                self.rt.session = None;
                self.rt.review = Some(r);
                self.rt.review_ui = ReviewUi::default();
            }
            Err(e) => self.show_error("Could not open for review", &e),
        }
    }

    pub(super) fn review_with_dialog(&mut self) {
        match rfd::FileDialog::new()
            .add_filter("Qalam project", &["ron"])
            .pick_files()
        {
            Some(paths) if !paths.is_empty() => self.open_review(&paths),
            _ => {
                self.rt.status = super::NO_DIALOG_HINT.to_owned();
                self.rt.dialog = Some(Dialog::ReviewPaths {
                    input: String::new(),
                });
            }
        }
    }

    /// Review-mode commands from the table.
    pub(super) fn review_command(&mut self, ctx: &egui::Context, cmd: UiCommand) {
        let Some(r) = self.rt.review.as_mut() else {
            return;
        };
        let diffs = r.differences_in(r.current);
        let ui = &mut self.rt.review_ui;
        let pos = ui
            .difference
            .and_then(|d| diffs.iter().position(|x| *x == d));
        let decision = match cmd {
            UiCommand::NextDifference | UiCommand::PreviousDifference => {
                if diffs.is_empty() {
                    return;
                }
                let n = diffs.len() as isize;
                let step = if cmd == UiCommand::NextDifference {
                    1
                } else {
                    -1
                };
                let next = pos.map_or(if step > 0 { 0 } else { n - 1 }, |p| {
                    (p as isize + step).rem_euclid(n)
                });
                self.select_difference(Some(diffs[next as usize]));
                return;
            }
            UiCommand::PickLeft => Decision::PickLeft,
            UiCommand::PickRight => Decision::PickRight,
            UiCommand::KeepBoth => Decision::KeepBoth,
            UiCommand::DropBoth => Decision::DropBoth,
            UiCommand::SaveGold => {
                self.save_gold_with_dialog(ctx);
                return;
            }
            UiCommand::ShowAgreement => {
                let text = r.agreement_table();
                self.rt.dialog = Some(Dialog::Table {
                    title: "Agreement (same numbers as qalam agree)".to_owned(),
                    text,
                });
                return;
            }
            _ => return,
        };
        self.decide(decision);
    }

    fn select_difference(&mut self, d: Option<usize>) {
        self.rt.review_ui.difference = d;
        self.rt.review_ui.reveal = true;
        let range = d.and_then(|d| {
            Some(
                self.rt
                    .review
                    .as_ref()?
                    .adjudication
                    .as_ref()?
                    .differences()
                    .get(d)?
                    .range(),
            )
        });
        if let Some(r) = range {
            self.rt.view.scroll_to(r);
        }
    }

    /// Records `decision` for the shown difference, then moves to the next undecided one.
    pub fn decide(&mut self, decision: Decision) {
        let Some(d) = self.rt.review_ui.difference else {
            self.rt.status = "Pick a difference first (N / P, or click one in the list)".to_owned();
            return;
        };
        let Some(r) = self.rt.review.as_mut() else {
            return;
        };
        let names = r.names.clone();
        match r.decide(d, decision.clone()) {
            Ok(()) => {
                self.rt.status =
                    format!("Difference {}: {}", d + 1, decision_text(&decision, &names));
                let diffs = r.differences_in(r.current);
                let undecided = r
                    .adjudication
                    .as_ref()
                    .map(|a| a.undecided().collect::<Vec<_>>())
                    .unwrap_or_default();
                let next = diffs
                    .iter()
                    .copied()
                    .find(|x| *x > d && undecided.contains(x))
                    .or_else(|| diffs.iter().copied().find(|x| undecided.contains(x)));
                if next.is_some() {
                    self.select_difference(next);
                }
            }
            Err(e) => self.rt.status = format!("Refused: {e}"),
        }
    }

    fn save_gold_with_dialog(&mut self, ctx: &egui::Context) {
        let Some(r) = self.rt.review.as_ref() else {
            return;
        };
        if r.adjudication.is_none() {
            self.rt.status = "A gold copy needs two or more files".to_owned();
            return;
        }
        let suggested = r.default_gold_path();
        let name = suggested
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        match rfd::FileDialog::new()
            .add_filter("Qalam project", &["ron"])
            .set_file_name(&name)
            .save_file()
        {
            Some(p) => self.save_gold(ctx, p, true),
            None => {
                self.rt.status = super::NO_DIALOG_HINT.to_owned();
                self.rt.dialog = Some(Dialog::GoldPath {
                    input: suggested.display().to_string(),
                });
            }
        }
    }

    /// Writes the gold project to `path` (refusing to replace a file unless `force`).
    pub fn save_gold(&mut self, _ctx: &egui::Context, path: PathBuf, force: bool) {
        let Some(r) = self.rt.review.as_ref() else {
            return;
        };
        let undecided = r.adjudication.as_ref().map_or(0, |a| a.undecided().count());
        if undecided > 0 {
            self.rt.status =
                format!("{undecided} difference(s) still undecided: decide them first");
            return;
        }
        match r.save_gold(&path, force) {
            Ok(n) => self.rt.status = format!("Gold copy saved to {} ({n} spans)", path.display()),
            Err(e) => self.show_error("Could not save the gold copy", &e),
        }
    }

    /// Saves the review files (comments and verdicts) beside each project.
    pub(super) fn save_reviews(&mut self) {
        let Some(r) = self.rt.review.as_mut() else {
            return;
        };
        match r.save_reviews(false) {
            Ok(paths) => self.rt.status = format!("Saved {} review file(s)", paths.len()),
            Err(e) => self.show_error("Could not save the review", &e),
        }
    }

    /// Top bar in review mode: legend, lanes, verdicts.
    pub(super) fn review_bar(&mut self, ui: &mut egui::Ui) {
        let Some(r) = self.rt.review.as_mut() else {
            return;
        };
        ui.horizontal(|ui| {
            ui.label(egui::RichText::new("Review (read-only)").strong());
            for a in [
                SpanAgreement::Agreed,
                SpanAgreement::OtherLabel,
                SpanAgreement::Boundaries,
                SpanAgreement::MissingElsewhere,
            ] {
                // A painted chip: the bundled fonts have no square glyph.
                let (chip, _) =
                    ui.allocate_exact_size(egui::vec2(12.0, 12.0), egui::Sense::hover());
                ui.painter().rect_filled(chip, 2.0, agreement_color(a));
                ui.label(egui::RichText::new(a.describe()).color(agreement_color(a)));
            }
        });
        let doc_ids: Vec<Option<String>> = r
            .docs(r.current)
            .iter()
            .map(|d| d.map(|d| d.id.clone()))
            .collect();
        ui.horizontal(|ui| {
            for (k, name) in r.names.clone().iter().enumerate() {
                ui.label(format!("lane {}: {name}", k + 1));
                let Some(Some(id)) = doc_ids.get(k) else {
                    continue;
                };
                let current = r.reviews[k].verdict(id);
                let text = match current {
                    Some(Verdict::Accepted) => "accepted",
                    Some(Verdict::NeedsWork) => "needs work",
                    None => "no verdict",
                };
                egui::ComboBox::from_label(format!("verdict for {name}"))
                    .selected_text(text)
                    .show_ui(ui, |ui| {
                        if ui
                            .selectable_label(current == Some(Verdict::Accepted), "accepted")
                            .clicked()
                        {
                            r.set_verdict(k, id, Verdict::Accepted);
                        }
                        if ui
                            .selectable_label(current == Some(Verdict::NeedsWork), "needs work")
                            .clicked()
                        {
                            r.set_verdict(k, id, Verdict::NeedsWork);
                        }
                    });
                ui.separator();
            }
        });
    }

    /// Left panel in review mode: the documents, matched by text.
    pub(super) fn review_documents(&mut self, ui: &mut egui::Ui) {
        let Some(r) = self.rt.review.as_mut() else {
            return;
        };
        ui.heading("Documents");
        let n = r.paths.len();
        let mut go = None;
        egui::ScrollArea::vertical().show(ui, |ui| {
            for (i, d) in r.documents.iter().enumerate() {
                let present = d.in_files.iter().filter(|x| x.is_some()).count();
                let short: String = d.title.chars().take(60).collect();
                let row = ui.scope(|ui| {
                    BidiLabel::new(&short)
                        .max_width(ui.available_width())
                        .font_size(15.0)
                        .show(ui, &mut self.rt.engine);
                    ui.label(if present == n {
                        format!("in all {n} files")
                    } else {
                        format!("only in {present} of {n} files")
                    });
                });
                let resp = ui.interact(
                    row.response.rect,
                    ui.scope_id().with(("review_doc", i)),
                    egui::Sense::click(),
                );
                resp.widget_info(|| {
                    egui::WidgetInfo::selected(
                        egui::Role::Button,
                        true,
                        i == r.current,
                        short.as_str(),
                    )
                });
                if i == r.current {
                    ui.painter().rect_stroke(
                        row.response.rect,
                        3.0,
                        ui.visuals().selection.stroke,
                        egui::StrokeKind::Outside,
                    );
                }
                if resp.clicked() {
                    go = Some(i);
                }
                ui.separator();
            }
        });
        if let Some(i) = go {
            r.current = i;
            self.rt.review_ui = ReviewUi::default();
            self.rt.view = crate::text::DocumentViewState::default();
        }
    }

    /// Right panel in review mode: the difference list with its decisions, and comments.
    pub(super) fn review_side(&mut self, ui: &mut egui::Ui) {
        let Some(r) = self.rt.review.as_mut() else {
            return;
        };
        let engine = &mut self.rt.engine;
        let rui = &mut self.rt.review_ui;
        let diffs = r.differences_in(r.current);
        let mut select = None;
        let mut decide = None;
        ui.heading("Comment");
        match rui.span {
            Some((k, id)) => {
                let doc = r.docs(r.current).get(k).copied().flatten();
                if let Some(span) = doc.and_then(|d| d.span(id)) {
                    ui.label(format!(
                        "On {}'s {} span:",
                        r.names.get(k).map_or("?", String::as_str),
                        span.label
                    ));
                    BidiLabel::new(&span.text)
                        .max_width(ui.available_width())
                        .font_size(14.0)
                        .show(ui, engine);
                    // The comment goes on the span, or on one of its relations.
                    let relations: Vec<&crate::model::Relation> = doc
                        .map(|d| d.relations_of(id).collect())
                        .unwrap_or_default();
                    if rui
                        .relation
                        .is_some_and(|rid| !relations.iter().any(|x| x.id == rid))
                    {
                        rui.relation = None;
                    }
                    if !relations.is_empty() {
                        let shown = rui.relation.map_or_else(
                            || "the span".to_owned(),
                            |rid| format!("relation #{rid}"),
                        );
                        egui::ComboBox::from_label("Comment on")
                            .selected_text(shown)
                            .show_ui(ui, |ui| {
                                ui.selectable_value(&mut rui.relation, None, "the span");
                                for x in &relations {
                                    ui.selectable_value(
                                        &mut rui.relation,
                                        Some(x.id),
                                        format!(
                                            "relation #{} {} (#{} to #{})",
                                            x.id, x.kind, x.from, x.to
                                        ),
                                    );
                                }
                            });
                    }
                    let label = ui.label("Comment text:");
                    ui.add(
                        egui::TextEdit::multiline(&mut rui.draft)
                            .desired_rows(2)
                            .desired_width(f32::INFINITY),
                    )
                    .labelled_by(label.id);
                    if ui
                        .add_enabled(
                            !rui.draft.trim().is_empty(),
                            egui::Button::new("Add comment"),
                        )
                        .clicked()
                        && let Some(d) = doc
                    {
                        let on_relation = rui
                            .relation
                            .and_then(|rid| d.relation(rid))
                            .and_then(|x| Comment::on_relation(d, x, rui.draft.trim()));
                        let c = on_relation
                            .unwrap_or_else(|| Comment::on_span(d, span, rui.draft.trim()));
                        r.comment(k, c);
                        rui.draft.clear();
                    }
                }
            }
            None => {
                ui.label("Click a span to comment on it.");
            }
        }
        for (k, name) in r.names.iter().enumerate() {
            let Some(Some(d)) = r
                .docs(r.current)
                .get(k)
                .copied()
                .map(|d| d.map(|d| d.id.clone()))
            else {
                continue;
            };
            for c in r.reviews[k].comments_on(&d) {
                ui.label(format!("{name}:"));
                BidiLabel::new(&c.text)
                    .max_width(ui.available_width())
                    .font_size(14.0)
                    .show(ui, engine);
            }
        }
        ui.separator();
        ui.heading("Differences");
        if let Some(adj) = &r.adjudication {
            let undecided = adj.undecided().count();
            ui.label(format!(
                "{} here; {undecided} undecided in all documents",
                diffs.len()
            ));
            egui::ScrollArea::vertical()
                .id_salt("differences")
                .auto_shrink([false, false])
                .show(ui, |ui| {
                    for &d in &diffs {
                        let diff = &adj.differences()[d];
                        let selected = rui.difference == Some(d);
                        let state = adj
                            .decision(d)
                            .map_or_else(|| "undecided".to_owned(), |x| decision_text(x, &r.names));
                        let head = format!("{}. {} ({state})", d + 1, kind_text(&diff.kind));
                        let row = ui.selectable_label(selected, head);
                        if row.clicked() {
                            select = Some(d);
                        }
                        if selected && rui.reveal {
                            row.scroll_to_me(Some(egui::Align::TOP));
                            rui.reveal = false;
                        }
                        for c in &diff.spans {
                            let who: Vec<&str> = c
                                .annotators
                                .iter()
                                .filter_map(|a| r.names.get(*a).map(String::as_str))
                                .collect();
                            ui.label(format!(
                                "{}: {} {}..{}",
                                who.join(", "),
                                c.key.label,
                                c.key.start,
                                c.key.end
                            ));
                            let short: String = c.text.chars().take(60).collect();
                            BidiLabel::new(&short)
                                .max_width(ui.available_width())
                                .font_size(14.0)
                                .show(ui, engine);
                        }
                        if let Some(rel) = &diff.relation {
                            ui.label(format!("relation {}", rel.kind));
                        }
                        if selected {
                            ui.horizontal_wrapped(|ui| {
                                for (k, name) in r.names.iter().enumerate() {
                                    let decision = match k {
                                        0 => Decision::PickLeft,
                                        1 => Decision::PickRight,
                                        _ => Decision::Pick(k),
                                    };
                                    if ui.button(format!("Keep {name}")).clicked() {
                                        decide = Some(decision);
                                    }
                                }
                                if ui.button("Keep both").clicked() {
                                    decide = Some(Decision::KeepBoth);
                                }
                                if ui.button("Drop both").clicked() {
                                    decide = Some(Decision::DropBoth);
                                }
                            });
                        }
                        ui.separator();
                    }
                });
        } else {
            ui.label("One file: nothing to compare. Comments and verdicts still apply.");
        }
        if let Some(d) = select {
            self.select_difference(Some(d));
        }
        if let Some(d) = decide {
            self.decide(d);
        }
    }

    /// The comparison view: every file's spans in its own lane, coloured by agreement.
    pub(super) fn review_central(&mut self, ui: &mut egui::Ui) {
        let Some(r) = self.rt.review.as_ref() else {
            return;
        };
        let Some(text) = r.text(r.current) else {
            ui.label("No documents.");
            return;
        };
        let docs = r.docs(r.current);
        let cmp = r.comparison(r.current);
        let mut spans = Vec::new();
        for (k, (doc, classes)) in docs.iter().zip(&cmp).enumerate() {
            let Some(doc) = doc else { continue };
            for ((id, a), s) in classes.iter().zip(&doc.spans) {
                let name = r.names.get(k).map_or("?", String::as_str);
                spans.push(SpanHighlight {
                    id: ((k as u64) << FILE_SHIFT) | id,
                    start: s.start,
                    end: s.end,
                    color: agreement_color(*a),
                    label: format!("{name}: {} ({})", s.label, a.describe()).into(),
                    lane: Some(k),
                });
            }
        }
        let extra: Vec<std::ops::Range<usize>> = self
            .rt
            .review_ui
            .difference
            .and_then(|d| Some(r.adjudication.as_ref()?.differences().get(d)?.range()))
            .into_iter()
            .collect();
        let selected = self
            .rt
            .review_ui
            .span
            .map(|(k, id)| ((k as u64) << FILE_SHIFT) | id);
        let out = DocumentView::new(text)
            .spans(&spans)
            .selected_span(selected)
            .extra_highlights(&extra)
            .font_size(self.state.font_size)
            .id_salt("review_view")
            .show(ui, &mut self.rt.engine, &mut self.rt.view);
        self.rt.doc_view_id = Some(out.response.id);
        if out.response.clicked() {
            self.rt.review_ui.span = out
                .clicked_spans
                .first()
                .map(|id| ((id >> FILE_SHIFT) as usize, id & ((1 << FILE_SHIFT) - 1)));
        }
    }
}
