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
    /// Dismiss the stale decisions (they leave the adjudication file on the next save).
    DismissStale,
    /// Add a comment to file `file`'s review.
    Comment {
        /// The file (lane).
        file: usize,
        /// The comment.
        comment: Comment,
    },
    /// Add a span no annotator made over this selection (snapped to words) with this label.
    AddSpan {
        /// The selected code points.
        range: std::ops::Range<usize>,
        /// The label.
        label: String,
    },
    /// Remove a span the reviewer added.
    RemoveSpan {
        /// Index into the adjudication's documents.
        document: usize,
        /// The span.
        key: crate::review::SpanKey,
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

/// The colour of the reviewer's own spans.
pub const REVIEWER_COLOR: Color32 = Color32::from_rgb(0x1f, 0x77, 0xb4);

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

pub use crate::review::keep_file;

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
    ui.label(egui::RichText::new(format!("{} ({} here)", r.progress_text(), diffs.len())).strong());
    if !r.stale.is_empty() {
        egui::CollapsingHeader::new(format!(
            "{} stale decision(s): an annotator's file changed",
            r.stale.len()
        ))
        .id_salt("stale_decisions")
        .show(ui, |ui| {
            for s in &r.stale {
                ui.label(&s.reason);
            }
            if ui
                .button(crate::ui::commands::UiCommand::DismissStale.title())
                .clicked()
            {
                out.push(ReviewIntent::DismissStale);
            }
        });
    }
    added_spans(ui, r, rui, &mut out);
    egui::CollapsingHeader::new("Label confusion")
        .id_salt("label_confusion")
        .show(ui, |ui| confusion_grid(ui, r.confusion()));
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
                    if diff.relation.is_none() {
                        edit_controls(ui, engine, r, diff, adj.decision(d), &mut out);
                    }
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
    // The reviewer's own spans (edited readings and added spans) in a lane after the files'.
    if let (Some(adj), Some(doc)) = (
        &r.adjudication,
        r.documents.get(r.current).and_then(|d| d.adjudication_doc),
    ) {
        let lane = docs.len();
        let edited =
            r.differences_in(r.current)
                .into_iter()
                .filter_map(|d| match adj.decision(d)? {
                    Decision::Edit(range, label) => Some((range.clone(), label.clone())),
                    _ => None,
                });
        let added = adj.added(doc).map(|k| (k.start..k.end, k.label.clone()));
        for (i, (range, label)) in edited.chain(added).enumerate() {
            spans.push(SpanHighlight {
                id: ((lane as u64) << FILE_SHIFT) | (i as u64 + 1),
                start: range.start,
                end: range.end,
                color: REVIEWER_COLOR,
                label: format!("reviewer: {label}").into(),
                lane: Some(lane),
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

/// The label confusion table as a heat map: one cell per (row label, column label), shaded
/// by its share of the largest count, with the count written in it.
pub fn confusion_grid(ui: &mut egui::Ui, table: &crate::review::confusion::ConfusionTable) {
    let m = &table.pooled;
    let name = |i: usize| table.annotators.get(i).map_or("?", String::as_str);
    ui.label(match table.pairs.as_slice() {
        [(a, b, _)] => format!("Tokens: rows {}, columns {}", name(*a), name(*b)),
        pairs => format!(
            "Tokens, {} pairs pooled: rows the earlier file of each pair",
            pairs.len()
        ),
    });
    let n = table.labels.len();
    let cell = egui::vec2(44.0, 22.0);
    let head = 64.0;
    let size = egui::vec2(head + cell.x * n as f32, cell.y * (n as f32 + 1.0));
    let (rect, _) = ui.allocate_exact_size(size, egui::Sense::hover());
    let painter = ui.painter_at(rect);
    let max = m.max().max(1) as f32;
    let text_color = ui.visuals().text_color();
    let font = egui::FontId::proportional(11.0);
    for (j, l) in table.labels.iter().enumerate() {
        let short: String = l.chars().take(7).collect();
        let at = rect.min + egui::vec2(head + cell.x * (j as f32 + 0.5), cell.y * 0.5);
        painter.text(
            at,
            egui::Align2::CENTER_CENTER,
            short,
            font.clone(),
            text_color,
        );
    }
    for (i, row) in m.cells.iter().enumerate() {
        let y = cell.y * (i as f32 + 1.0);
        let short: String = table.labels[i].chars().take(9).collect();
        painter.text(
            rect.min + egui::vec2(2.0, y + cell.y * 0.5),
            egui::Align2::LEFT_CENTER,
            short,
            font.clone(),
            text_color,
        );
        for (j, &count) in row.iter().enumerate() {
            let min = rect.min + egui::vec2(head + cell.x * j as f32, y);
            let r = egui::Rect::from_min_size(min, cell).shrink(1.0);
            let share = count as f32 / max;
            // Agreement (the diagonal) in green, confusion in red; stronger for larger counts.
            let base = if i == j {
                egui::Color32::from_rgb(0x2c, 0xa0, 0x2c)
            } else {
                egui::Color32::from_rgb(0xd6, 0x27, 0x28)
            };
            let alpha = if count == 0 {
                0
            } else {
                (40.0 + 215.0 * share) as u8
            };
            painter.rect_filled(r, 2.0, base.gamma_multiply_u8(alpha));
            let ink = if share > 0.5 {
                egui::Color32::WHITE
            } else {
                text_color
            };
            painter.text(
                r.center(),
                egui::Align2::CENTER_CENTER,
                count.to_string(),
                font.clone(),
                ink,
            );
        }
    }
}

/// The schema's span labels (of the first file).
fn label_names(r: &ReviewSession) -> Vec<String> {
    r.projects
        .first()
        .map(|p| {
            p.schema
                .span_labels
                .iter()
                .map(|l| l.name.clone())
                .collect()
        })
        .unwrap_or_default()
}

/// For the shown span difference: take an annotator's span to adjust (Shift/Alt+arrows move
/// its edges), and relabel the reviewer's span.
fn edit_controls(
    ui: &mut egui::Ui,
    engine: &mut TextEngine,
    r: &ReviewSession,
    diff: &crate::review::Difference,
    decision: Option<&Decision>,
    out: &mut Vec<ReviewIntent>,
) {
    ui.horizontal_wrapped(|ui| {
        for c in &diff.spans {
            let who: Vec<&str> = c
                .annotators
                .iter()
                .filter_map(|a| r.names.get(*a).map(String::as_str))
                .collect();
            let text = format!("Edit {}'s {} span", who.join("+"), c.key.label);
            if ui.button(text).clicked() {
                out.push(ReviewIntent::Decide(Decision::Edit(
                    c.key.start..c.key.end,
                    c.key.label.clone(),
                )));
            }
        }
    });
    let Some(Decision::Edit(range, label)) = decision else {
        return;
    };
    ui.label(format!(
        "Reviewer's span {}..{} (Shift+arrows: left edge, Alt+arrows: right edge)",
        range.start, range.end
    ));
    if let Some(text) = r.text(r.current).and_then(|t| {
        let s: String = t
            .chars()
            .skip(range.start)
            .take(range.end - range.start)
            .collect();
        (!s.is_empty()).then_some(s)
    }) {
        BidiLabel::new(&text)
            .max_width(ui.available_width())
            .font_size(14.0)
            .show(ui, engine);
    }
    let mut chosen = label.clone();
    egui::ComboBox::from_label("Label of the reviewer's span")
        .selected_text(chosen.as_str())
        .show_ui(ui, |ui| {
            for l in label_names(r) {
                ui.selectable_value(&mut chosen, l.clone(), l);
            }
        });
    if chosen != *label {
        out.push(ReviewIntent::Decide(Decision::Edit(range.clone(), chosen)));
    }
}

/// The spans the reviewer added to the shown document, and adding one over the selection.
fn added_spans(
    ui: &mut egui::Ui,
    r: &ReviewSession,
    rui: &ReviewDocUi,
    out: &mut Vec<ReviewIntent>,
) {
    let (Some(adj), Some(doc)) = (
        &r.adjudication,
        r.documents.get(r.current).and_then(|d| d.adjudication_doc),
    ) else {
        return;
    };
    ui.separator();
    ui.label(egui::RichText::new("Spans no annotator made").strong());
    for key in adj.added(doc) {
        ui.horizontal(|ui| {
            ui.label(format!("{} {}..{}", key.label, key.start, key.end));
            if ui.small_button("Remove").clicked() {
                out.push(ReviewIntent::RemoveSpan {
                    document: doc,
                    key: key.clone(),
                });
            }
        });
    }
    match rui.view.selection().filter(|s| s.start < s.end) {
        None => {
            ui.label("Select text in the document to add a span there.");
        }
        Some(range) => {
            ui.horizontal_wrapped(|ui| {
                for l in label_names(r) {
                    if ui.button(format!("Add {l}")).clicked() {
                        out.push(ReviewIntent::AddSpan {
                            range: range.clone(),
                            label: l,
                        });
                    }
                }
            });
        }
    }
}
