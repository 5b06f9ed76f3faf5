//! Review-mode views: the legend and verdicts bar, the document list, the difference list with
//! its decisions and comments, and the comparison view with one lane per file. They read the
//! [`ReviewSession`] and the shown document's [`ReviewDocUi`] and return [`ReviewIntent`]s.

use egui::Color32;

use crate::model::Relation;
use crate::review::compare::SpanAgreement;
use crate::review::session::ReviewSession;
use crate::review::{Comment, Decision, DifferenceKind, Verdict};
use crate::text::{BidiLabel, DocumentView, DocumentViewState, SpanHighlight, TextEngine};

/// Something the reviewer asked for.
#[derive(Clone, Debug, PartialEq)]
pub enum ReviewIntent {
    /// Show document `i` of the review.
    OpenDocument(usize),
    /// Show this difference (index into the adjudication's differences).
    SelectDifference(usize),
    /// Record a decision on the shown difference.
    Decide(Decision),
    /// Add a comment to file `file`'s review.
    Comment {
        /// The file (lane).
        file: usize,
        /// The comment.
        comment: Comment,
    },
    /// Set file `file`'s verdict on document `doc_id`.
    Verdict {
        /// The file (lane).
        file: usize,
        /// The document's id in that file.
        doc_id: String,
        /// The verdict.
        verdict: Verdict,
    },
}

/// Review state of one document (kept when the reviewer moves to another and back).
#[derive(Clone, Debug, Default)]
pub struct ReviewDocUi {
    /// Caret, selection and scroll position of the comparison view.
    pub view: DocumentViewState,
    /// The difference shown (index into the adjudication's differences).
    pub difference: Option<usize>,
    /// The span clicked for commenting: (file, span id).
    pub span: Option<(usize, u64)>,
    /// The comment being written.
    pub draft: String,
    /// Comment on this relation of the clicked span instead of the span itself.
    pub relation: Option<u64>,
    /// Scroll the difference list to the shown difference on the next frame.
    pub reveal: bool,
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

/// A decision in words, with the files' annotator names.
pub fn decision_text(d: &Decision, names: &[String]) -> String {
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
        Decision::KeepBoth => "kept every reading".to_owned(),
        Decision::DropBoth => "dropped every reading".to_owned(),
        Decision::Edit(r, l) => format!("edited: {l} {}..{}", r.start, r.end),
    }
}

/// The decision that keeps file `k`'s reading.
pub fn keep_file(k: usize) -> Decision {
    match k {
        0 => Decision::PickLeft,
        1 => Decision::PickRight,
        _ => Decision::Pick(k),
    }
}

/// Top bar: legend, lanes and each file's verdict on the shown document.
pub fn review_bar(ui: &mut egui::Ui, r: &ReviewSession) -> Vec<ReviewIntent> {
    let mut out = Vec::new();
    ui.horizontal(|ui| {
        ui.label(egui::RichText::new("Review (read-only)").strong());
        for a in [
            SpanAgreement::Agreed,
            SpanAgreement::OtherLabel,
            SpanAgreement::Boundaries,
            SpanAgreement::MissingElsewhere,
        ] {
            // A painted chip: the bundled fonts have no square glyph.
            let (chip, _) = ui.allocate_exact_size(egui::vec2(12.0, 12.0), egui::Sense::hover());
            ui.painter().rect_filled(chip, 2.0, agreement_color(a));
            ui.label(egui::RichText::new(a.describe()).color(agreement_color(a)));
        }
    });
    let docs = r.docs(r.current);
    ui.horizontal(|ui| {
        for (k, name) in r.names.iter().enumerate() {
            ui.label(format!("lane {}: {name}", k + 1));
            let Some(Some(doc)) = docs.get(k) else {
                continue;
            };
            let current = r.reviews[k].verdict(&doc.id);
            let text = match current {
                Some(Verdict::Accepted) => "accepted",
                Some(Verdict::NeedsWork) => "needs work",
                None => "no verdict",
            };
            egui::ComboBox::from_label(format!("verdict for {name}"))
                .selected_text(text)
                .show_ui(ui, |ui| {
                    for (v, label) in [
                        (Verdict::Accepted, "accepted"),
                        (Verdict::NeedsWork, "needs work"),
                    ] {
                        if ui.selectable_label(current == Some(v), label).clicked()
                            && current != Some(v)
                        {
                            out.push(ReviewIntent::Verdict {
                                file: k,
                                doc_id: doc.id.clone(),
                                verdict: v,
                            });
                        }
                    }
                });
            ui.separator();
        }
    });
    out
}

/// Left panel: the documents, matched by text.
pub fn review_documents(
    ui: &mut egui::Ui,
    engine: &mut TextEngine,
    r: &ReviewSession,
) -> Option<ReviewIntent> {
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
                    .show(ui, engine);
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
                egui::WidgetInfo::selected(egui::Role::Button, true, i == r.current, short.as_str())
            });
            if i == r.current {
                ui.painter().rect_stroke(
                    row.response.rect,
                    3.0,
                    ui.visuals().selection.stroke,
                    egui::StrokeKind::Outside,
                );
            }
            if resp.clicked() && i != r.current {
                go = Some(ReviewIntent::OpenDocument(i));
            }
            ui.separator();
        }
    });
    go
}

/// Right panel: a comment on the clicked span, the document's comments, then the
/// difference list with its decisions.
pub fn review_side(
    ui: &mut egui::Ui,
    engine: &mut TextEngine,
    r: &ReviewSession,
    rui: &mut ReviewDocUi,
) -> Vec<ReviewIntent> {
    let mut out = Vec::new();
    comment_box(ui, engine, r, rui, &mut out);
    for (k, name) in r.names.iter().enumerate() {
        let Some(Some(d)) = r.docs(r.current).get(k).copied() else {
            continue;
        };
        for c in r.reviews[k].comments_on(&d.id) {
            ui.label(format!("{name}:"));
            BidiLabel::new(&c.text)
                .max_width(ui.available_width())
                .font_size(14.0)
                .show(ui, engine);
        }
    }
    ui.separator();
    ui.heading("Differences");
    let Some(adj) = &r.adjudication else {
        ui.label("One file: nothing to compare. Comments and verdicts still apply.");
        return out;
    };
    let diffs = r.differences_in(r.current);
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
                let row = ui.selectable_label(
                    selected,
                    format!("{}. {} ({state})", d + 1, kind_text(&diff.kind)),
                );
                if row.clicked() {
                    out.push(ReviewIntent::SelectDifference(d));
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
                            if ui.button(format!("Keep {name}")).clicked() {
                                out.push(ReviewIntent::Decide(keep_file(k)));
                            }
                        }
                        if ui.button("Keep all").clicked() {
                            out.push(ReviewIntent::Decide(Decision::KeepBoth));
                        }
                        if ui.button("Drop all").clicked() {
                            out.push(ReviewIntent::Decide(Decision::DropBoth));
                        }
                    });
                }
                ui.separator();
            }
        });
    out
}

/// The comment form for the clicked span (or one of its relations).
fn comment_box(
    ui: &mut egui::Ui,
    engine: &mut TextEngine,
    r: &ReviewSession,
    rui: &mut ReviewDocUi,
    out: &mut Vec<ReviewIntent>,
) {
    ui.heading("Comment");
    let Some((k, id)) = rui.span else {
        ui.label("Click a span to comment on it.");
        return;
    };
    let doc = r.docs(r.current).get(k).copied().flatten();
    let Some((doc, span)) = doc.and_then(|d| Some((d, d.span(id)?))) else {
        return;
    };
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
    let relations: Vec<&Relation> = doc.relations_of(id).collect();
    if rui
        .relation
        .is_some_and(|rid| !relations.iter().any(|x| x.id == rid))
    {
        rui.relation = None;
    }
    if !relations.is_empty() {
        let shown = rui
            .relation
            .map_or_else(|| "the span".to_owned(), |rid| format!("relation #{rid}"));
        egui::ComboBox::from_label("Comment on")
            .selected_text(shown)
            .show_ui(ui, |ui| {
                ui.selectable_value(&mut rui.relation, None, "the span");
                for x in &relations {
                    ui.selectable_value(
                        &mut rui.relation,
                        Some(x.id),
                        format!("relation #{} {} (#{} to #{})", x.id, x.kind, x.from, x.to),
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
    {
        let on_relation = rui
            .relation
            .and_then(|rid| doc.relation(rid))
            .and_then(|x| Comment::on_relation(doc, x, rui.draft.trim()));
        let comment = on_relation.unwrap_or_else(|| Comment::on_span(doc, span, rui.draft.trim()));
        out.push(ReviewIntent::Comment { file: k, comment });
        rui.draft.clear();
    }
}

/// The comparison view: every file's spans in its own lane, coloured by agreement; a click
/// picks the span to comment on. Returns the id of the view's widget.
pub fn review_central(
    ui: &mut egui::Ui,
    engine: &mut TextEngine,
    r: &ReviewSession,
    rui: &mut ReviewDocUi,
    font_size: f32,
) -> Option<egui::Id> {
    let Some(text) = r.text(r.current) else {
        ui.label("No documents.");
        return None;
    };
    let docs = r.docs(r.current);
    let cmp = r.comparison(r.current);
    let mut spans = Vec::new();
    for (k, (doc, classes)) in docs.iter().zip(&cmp).enumerate() {
        let Some(doc) = doc else { continue };
        let name = r.names.get(k).map_or("?", String::as_str);
        for ((id, a), s) in classes.iter().zip(&doc.spans) {
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
    let extra: Vec<std::ops::Range<usize>> = rui
        .difference
        .and_then(|d| Some(r.adjudication.as_ref()?.differences().get(d)?.range()))
        .into_iter()
        .collect();
    let selected = rui.span.map(|(k, id)| ((k as u64) << FILE_SHIFT) | id);
    let out = DocumentView::new(text)
        .spans(&spans)
        .selected_span(selected)
        .extra_highlights(&extra)
        .font_size(font_size)
        .id_salt("review_view")
        .show(ui, engine, &mut rui.view);
    if out.response.clicked() {
        rui.span = out
            .clicked_spans
            .first()
            .map(|id| ((id >> FILE_SHIFT) as usize, id & ((1 << FILE_SHIFT) - 1)));
    }
    Some(out.response.id)
}
