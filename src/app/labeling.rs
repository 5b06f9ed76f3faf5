//! The labeling loop's wiring: keys, the views around the document, and the translation of
//! intents into transactions on the session's one edit path.

use egui::{Event, Key};

use super::QalamApp;
use crate::model::actions::{self, Edge};
use crate::model::{Edit, SpanId, Transaction};
use crate::text::{Direction, DocumentView, SpanHighlight, base_direction};
use crate::ui::annotate::{self, Intent, label_color};
use crate::ui::commands::UiCommand;

/// Whether the schema key `name` (e.g. `"1"`, `"a"`) is the key pressed. The physical key
/// counts too, so label keys work with an Arabic keyboard layout active.
fn key_matches(name: &str, key: Key, physical: Option<Key>) -> bool {
    let Some(want) = Key::from_name(name).or_else(|| Key::from_name(&name.to_uppercase())) else {
        return false;
    };
    key == want || physical == Some(want)
}

impl QalamApp {
    /// This frame's keyboard: table commands, plus the schema's label and link keys.
    pub(super) fn keyboard(&mut self, ctx: &egui::Context) -> (Vec<UiCommand>, Vec<Intent>) {
        let focused = ctx.memory(|m| m.focused());
        // Only a text field owns plain keys; a focused button does not.
        let typing = focused.is_some_and(|id| {
            Some(id) != self.rt.doc_view_id
                && egui::text_edit::TextEditState::load(ctx, id).is_some()
        });
        // Keys act on the document unless a text field is being typed in, or the user moved
        // the keyboard to the panels (F6).
        let in_text = focused.is_some() && focused == self.rt.doc_view_id;
        if in_text {
            self.rt.focus_panels = false;
        }
        if focused.is_none()
            && !self.rt.focus_panels
            && let Some(id) = self.rt.doc_view_id
        {
            ctx.memory_mut(|m| m.request_focus(id));
        }
        let in_text = in_text || (focused.is_none() && !self.rt.focus_panels);
        let span_selected = self.rt.annotate.selected_span.is_some();
        let linking = self.rt.annotate.linking.is_some();
        let reviewing = self.rt.review.is_some();
        let cmds = UiCommand::from_shortcuts(ctx, typing, |c| match c {
            UiCommand::LeftEdgeLeft
            | UiCommand::LeftEdgeRight
            | UiCommand::RightEdgeLeft
            | UiCommand::RightEdgeRight => span_selected && !reviewing,
            UiCommand::ConfirmLink => linking && !reviewing,
            UiCommand::NextDifference
            | UiCommand::PreviousDifference
            | UiCommand::PickLeft
            | UiCommand::PickRight
            | UiCommand::KeepBoth
            | UiCommand::DropBoth
            | UiCommand::ShowAgreement
            | UiCommand::SaveGold => reviewing,
            UiCommand::DeleteSelection | UiCommand::Find => !reviewing,
            // In the panels, Tab moves between controls (egui's own focus order).
            UiCommand::NextSpan | UiCommand::PreviousSpan => !reviewing && in_text,
            _ => true,
        });
        let mut intents = Vec::new();
        let Some(schema) = self.rt.session.as_ref().map(|s| s.project.schema.clone()) else {
            return (cmds, intents);
        };
        if typing {
            return (cmds, intents);
        }
        ctx.input_mut(|i| {
            i.events.retain(|ev| {
                let Event::Key {
                    key,
                    physical_key,
                    pressed: true,
                    modifiers,
                    ..
                } = ev
                else {
                    return true;
                };
                if modifiers.command || modifiers.ctrl || modifiers.alt {
                    return true;
                }
                if let Some(l) = schema
                    .span_labels
                    .iter()
                    .find(|l| key_matches(&l.key, *key, *physical_key))
                {
                    intents.push(Intent::Label(l.name.clone()));
                    return false;
                }
                if let Some(r) = schema
                    .relation_types
                    .iter()
                    .find(|r| key_matches(&r.key, *key, *physical_key))
                {
                    intents.push(Intent::StartLink(r.name.clone()));
                    return false;
                }
                true
            });
        });
        (cmds, intents)
    }

    /// Label bar and search bar above the document.
    pub(super) fn tool_bars(&mut self, ui: &mut egui::Ui) -> Vec<Intent> {
        let Some(s) = self.rt.session.as_ref() else {
            return Vec::new();
        };
        let mut out = annotate::label_bar(
            ui,
            &s.project,
            &self.rt.annotate,
            self.rt.view.selection().is_some(),
        );
        if let Some(doc) = s.project.documents.get(s.current_doc) {
            out.extend(annotate::search_bar(
                ui,
                &mut self.rt.engine,
                &s.project,
                doc,
                &mut self.rt.annotate.search,
            ));
        }
        out
    }

    /// Details of the selected span above the annotation list.
    pub(super) fn side_panel(&mut self, ui: &mut egui::Ui) -> Vec<Intent> {
        let Some(s) = self.rt.session.as_ref() else {
            return Vec::new();
        };
        let Some(doc) = s.project.documents.get(s.current_doc) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        let details_height = (ui.available_height() * 0.45).max(160.0);
        egui::ScrollArea::vertical()
            .id_salt("details")
            .max_height(details_height)
            .auto_shrink([false, true])
            .show(ui, |ui| {
                out.extend(annotate::details_panel(
                    ui,
                    &mut self.rt.engine,
                    &s.project,
                    doc,
                    &mut self.rt.annotate,
                ));
            });
        ui.separator();
        out.extend(annotate::annotation_list(
            ui,
            &mut self.rt.engine,
            &s.project,
            doc,
            &mut self.rt.annotate,
        ));
        out
    }

    /// The document view with spans, search hits, relation connectors; clicks select spans.
    pub(super) fn central(&mut self, ui: &mut egui::Ui) -> Vec<Intent> {
        let mut out = Vec::new();
        let Some(s) = self.rt.session.as_ref() else {
            ui.label("No project open. File > Open…, File > Open path…, or drop a file here.");
            return out;
        };
        let Some(doc) = s.project.documents.get(s.current_doc) else {
            ui.label("This project has no documents.");
            return out;
        };
        let ann = &self.rt.annotate;
        // Rebuilt only when the annotations or the document change, not every frame.
        let key = (s.current_doc, s.history.state_id(), doc.spans.len());
        if self.rt.highlights.0 != Some(key) {
            // One colour and one shared name per label, not per span.
            let looks: std::collections::HashMap<&str, (egui::Color32, std::sync::Arc<str>)> = s
                .project
                .schema
                .span_labels
                .iter()
                .map(|l| {
                    (
                        l.name.as_str(),
                        (label_color(&s.project, &l.name), l.name.as_str().into()),
                    )
                })
                .collect();
            let spans = doc
                .spans
                .iter()
                .map(|sp| {
                    let (color, label) =
                        looks.get(sp.label.as_str()).cloned().unwrap_or_else(|| {
                            (label_color(&s.project, &sp.label), sp.label.as_str().into())
                        });
                    SpanHighlight {
                        id: sp.id,
                        start: sp.start,
                        end: sp.end,
                        color,
                        label,
                        lane: None,
                    }
                })
                .collect();
            self.rt.highlights = (Some(key), spans);
        }
        let spans = &self.rt.highlights.1;
        let mut extra = ann.search.hits.clone();
        if let Some(c) = ann.link_candidate.and_then(|id| doc.span(id)) {
            extra.push(c.start..c.end);
        }
        let selected = ann.link_candidate.or(ann.selected_span);
        let view_out = DocumentView::new(doc.text())
            .spans(spans)
            .selected_span(selected)
            .extra_highlights(&extra)
            .font_size(self.state.font_size)
            .show(ui, &mut self.rt.engine, &mut self.rt.view);
        self.rt.doc_view_id = Some(view_out.response.id);
        self.rt.exact_selection = view_out.alt_held_during_selection;

        // Relation connectors: all of them in small documents, else those of the selection.
        let painter = ui.painter().clone();
        let clip = ui.clip_rect();
        let draw_all = doc.relations.len() <= 200;
        let shown: Vec<(
            &crate::model::Relation,
            std::ops::Range<usize>,
            std::ops::Range<usize>,
        )> = doc
            .relations
            .iter()
            .filter(|r| {
                draw_all
                    || ann
                        .selected_span
                        .is_some_and(|id| r.from == id || r.to == id)
            })
            .filter_map(|r| {
                Some((
                    r,
                    doc.span(r.from).map(|a| a.start..a.end)?,
                    doc.span(r.to).map(|b| b.start..b.end)?,
                ))
            })
            .collect();
        let ends: Vec<std::ops::Range<usize>> = shown
            .iter()
            .flat_map(|(_, a, b)| [a.clone(), b.clone()])
            .collect();
        let rects = self
            .rt
            .view
            .ranges_rects(&mut self.rt.engine, doc.text(), &ends);
        for ((r, _, _), pair) in shown.iter().zip(rects.chunks(2)) {
            let involved = ann
                .selected_span
                .is_some_and(|id| r.from == id || r.to == id);
            let (Some(fa), Some(fb)) = (
                pair.first().and_then(|v| v.first()),
                pair.get(1).and_then(|v| v.first()),
            ) else {
                continue;
            };
            if !clip.intersects(*fa) && !clip.intersects(*fb) {
                continue;
            }
            let color = if ann.selected_relation == Some(r.id) {
                ui.visuals().selection.stroke.color
            } else {
                ui.visuals().weak_text_color()
            };
            annotate::paint_relation(
                &painter,
                *fa,
                *fb,
                color,
                ann.selected_relation == Some(r.id) || involved,
                &r.kind,
                clip,
            );
        }

        // Dragging an edge of the selected span moves that edge; the drag shows as a selection
        // from the old edge and becomes one change on release.
        let (pressed, released) =
            ui.input(|i| (i.pointer.primary_pressed(), i.pointer.primary_released()));
        if pressed
            && view_out.response.is_pointer_button_down_on()
            && let Some(sp) = ann.selected_span.and_then(|id| doc.span(id))
            && let Some(a) = self.rt.view.anchor()
        {
            let edge = if a.offset == sp.start {
                Some(Edge::Start)
            } else if a.offset == sp.end {
                Some(Edge::End)
            } else {
                None
            };
            self.rt.annotate.edge_drag = edge.map(|e| (sp.id, e));
        }
        let ann = &self.rt.annotate;
        if let Some((id, edge)) = ann.edge_drag {
            if released {
                self.rt.annotate.edge_drag = None;
                if let (Some(sp), Some(c)) = (doc.span(id), self.rt.view.caret()) {
                    let range = match edge {
                        Edge::Start => c.offset.min(sp.end.saturating_sub(1))..sp.end,
                        Edge::End => sp.start..c.offset.max(sp.start + 1),
                    };
                    self.rt.view.set_selection(None);
                    if range != (sp.start..sp.end) {
                        out.push(Intent::SetRange { span: id, range });
                    }
                }
            }
            return out;
        }
        if view_out.selection_changed && self.rt.view.selection().is_some() {
            out.push(Intent::SelectSpan(None));
        }
        if view_out.response.clicked() {
            let clicked = view_out.clicked_spans;
            if let Some(kind) = &ann.linking {
                let allowed = s
                    .project
                    .schema
                    .relation_type(kind)
                    .map(|t| t.to.clone())
                    .unwrap_or_default();
                match clicked
                    .iter()
                    .find(|id| doc.span(**id).is_some_and(|sp| allowed.contains(&sp.label)))
                {
                    Some(id) => out.push(Intent::CompleteLink(*id)),
                    None => {
                        self.rt.status = format!(
                            "Click a span labelled {} to finish the link, or Esc",
                            allowed.join(" or ")
                        )
                    }
                }
            } else if clicked.is_empty() {
                out.push(Intent::SelectSpan(None));
            } else {
                // Repeated clicks on stacked spans cycle through them, innermost first.
                let next = match ann
                    .selected_span
                    .and_then(|cur| clicked.iter().position(|id| *id == cur))
                {
                    Some(i) => clicked[(i + 1) % clicked.len()],
                    None => clicked[0],
                };
                self.rt.view.set_selection(None);
                out.push(Intent::SelectSpan(Some(next)));
            }
        }
        out
    }

    /// Table commands of the labeling loop.
    pub(super) fn labeling_command(&mut self, cmd: UiCommand) {
        let intent = match cmd {
            UiCommand::Find => {
                self.rt.annotate.search.focus_request = true;
                return;
            }
            UiCommand::DeleteSelection => Intent::DeleteSelected,
            UiCommand::ClearSelection if self.rt.focus_panels => {
                self.rt.focus_panels = false;
                if let Some(id) = self.rt.doc_view_id {
                    self.rt.view_focus_request = Some(id);
                }
                return;
            }
            UiCommand::ClearSelection if self.rt.annotate.linking.is_some() => Intent::CancelLink,
            UiCommand::ClearSelection => {
                self.rt.view.set_selection(None);
                self.rt.annotate.selected_relation = None;
                Intent::SelectSpan(None)
            }
            UiCommand::NextSpan | UiCommand::PreviousSpan => {
                self.step_span(if cmd == UiCommand::NextSpan { 1 } else { -1 });
                return;
            }
            UiCommand::ConfirmLink => match self.rt.annotate.link_candidate {
                Some(id) => Intent::CompleteLink(id),
                None => return,
            },
            UiCommand::LeftEdgeLeft
            | UiCommand::LeftEdgeRight
            | UiCommand::RightEdgeLeft
            | UiCommand::RightEdgeRight => {
                let Some(rtl) = self.selected_span_is_rtl() else {
                    return;
                };
                // Visual edges: in RTL text the left edge is the logical end.
                let left = matches!(cmd, UiCommand::LeftEdgeLeft | UiCommand::LeftEdgeRight);
                let leftwards = matches!(cmd, UiCommand::LeftEdgeLeft | UiCommand::RightEdgeLeft);
                let edge = if left == rtl { Edge::End } else { Edge::Start };
                let delta = if leftwards == rtl { 1 } else { -1 };
                Intent::MoveEdge { edge, delta }
            }
            _ => return,
        };
        self.apply_intent(intent);
    }

    /// Whether the selected span sits in a right-to-left paragraph.
    fn selected_span_is_rtl(&self) -> Option<bool> {
        let s = self.rt.session.as_ref()?;
        let doc = s.project.documents.get(s.current_doc)?;
        let span = doc.span(self.rt.annotate.selected_span?)?;
        let bytes = doc.index().char_to_byte(doc.text(), span.start)?;
        let text = doc.text();
        let para_start = text[..bytes].rfind('\n').map_or(0, |i| i + 1);
        let para_end = text[bytes..].find('\n').map_or(text.len(), |i| bytes + i);
        Some(base_direction(&text[para_start..para_end]) == Direction::Rtl)
    }

    /// Selects the next/previous span in text order; in link mode, the next allowed target.
    fn step_span(&mut self, by: isize) {
        let Some(s) = self.rt.session.as_ref() else {
            return;
        };
        let Some(doc) = s.project.documents.get(s.current_doc) else {
            return;
        };
        let ann = &mut self.rt.annotate;
        let candidates: Vec<SpanId> = match &ann.linking {
            Some(kind) => {
                let allowed = s
                    .project
                    .schema
                    .relation_type(kind)
                    .map(|t| t.to.clone())
                    .unwrap_or_default();
                doc.spans
                    .iter()
                    .filter(|sp| allowed.contains(&sp.label))
                    .map(|sp| sp.id)
                    .collect()
            }
            None => doc.spans.iter().map(|sp| sp.id).collect(),
        };
        if candidates.is_empty() {
            return;
        }
        let current = if ann.linking.is_some() {
            ann.link_candidate
        } else {
            ann.selected_span
        };
        let n = candidates.len() as isize;
        let next = match current.and_then(|c| candidates.iter().position(|id| *id == c)) {
            Some(i) => candidates[(i as isize + by).rem_euclid(n) as usize],
            None if by > 0 => candidates[0],
            None => candidates[candidates.len() - 1],
        };
        if ann.linking.is_some() {
            ann.link_candidate = Some(next);
        } else {
            ann.selected_span = Some(next);
            ann.selected_relation = None;
        }
        if let Some(sp) = doc.span(next) {
            self.rt.view.scroll_to(sp.start..sp.end);
        }
    }

    /// Applies a transaction through the session; the status line says why one was refused.
    fn commit(&mut self, tx: Result<Transaction, crate::model::EditError>) -> bool {
        let Some(s) = self.rt.session.as_mut() else {
            return false;
        };
        match tx.and_then(|tx| s.apply(tx)) {
            Ok(()) => true,
            Err(e) => {
                self.rt.status = format!("Refused: {e}");
                false
            }
        }
    }

    /// Carries out one intent from a view or key.
    pub fn apply_intent(&mut self, intent: Intent) {
        let Some(s) = self.rt.session.as_ref() else {
            return;
        };
        let doc = s.current_doc;
        let p = &s.project;
        let ann = &mut self.rt.annotate;
        match intent {
            Intent::Label(label) => {
                if let Some(sel) = self.rt.view.selection() {
                    let exact = self.rt.exact_selection;
                    match actions::mark_selection(p, doc, &label, sel, exact) {
                        Ok((tx, id)) => {
                            if self.commit(Ok(tx)) {
                                self.rt.view.set_selection(None);
                                self.rt.annotate.selected_span = Some(id);
                                self.rt.annotate.selected_relation = None;
                                self.rt.status = format!("Marked a {label} span");
                            }
                        }
                        Err(e) => self.rt.status = format!("Refused: {e}"),
                    }
                } else if let Some(id) = ann.selected_span {
                    let tx = actions::relabel(p, doc, id, &label);
                    if self.commit(tx) {
                        self.rt.status = format!("Relabelled as {label}");
                    }
                } else {
                    self.rt.status =
                        "Select some text first (drag, double-click, or Shift+arrows)".to_owned();
                }
            }
            Intent::SelectSpan(id) => {
                ann.selected_span = id;
                ann.selected_relation = None;
                ann.linking = None;
                ann.link_candidate = None;
                if let Some(sp) = id.and_then(|id| p.documents.get(doc)?.span(id)) {
                    self.rt.view.scroll_to(sp.start..sp.end);
                }
            }
            Intent::SelectRelation(id) => ann.selected_relation = id,
            Intent::DeleteSelected => {
                let tx = match (ann.selected_relation, ann.selected_span) {
                    (Some(r), _) => Ok(Transaction::one(Edit::DeleteRelation { doc, id: r })),
                    (None, Some(sp)) => actions::delete_span(p, doc, sp),
                    (None, None) => return,
                };
                let deleted_relation = ann.selected_relation.is_some();
                if self.commit(tx) {
                    if deleted_relation {
                        self.rt.annotate.selected_relation = None;
                    } else {
                        self.rt.annotate.selected_span = None;
                    }
                    self.rt.status = "Deleted".to_owned();
                }
            }
            Intent::SetAttribute { span, name, value } => {
                let tx = actions::set_attribute(p, doc, span, &name, value.as_deref());
                self.commit(tx);
            }
            Intent::SetNote { span, note } => {
                let tx = actions::set_note(p, doc, span, &note);
                self.commit(tx);
            }
            Intent::SetRange { span, range } => {
                let tx = actions::set_range(p, doc, span, range);
                if self.commit(tx) {
                    self.rt.status = "Span edge moved".to_owned();
                }
            }
            Intent::MoveEdge { edge, delta } => {
                let Some(id) = ann.selected_span else { return };
                let tx = actions::move_edge(p, doc, id, edge, delta);
                self.commit(tx);
            }
            Intent::StartLink(kind) => {
                let from_label = ann
                    .selected_span
                    .and_then(|id| p.documents.get(doc)?.span(id))
                    .map(|sp| sp.label.clone());
                let Some(rt) = p.schema.relation_type(&kind) else {
                    return;
                };
                match from_label {
                    Some(l) if rt.from.contains(&l) => {
                        ann.linking = Some(kind.clone());
                        ann.link_candidate = None;
                        self.rt.status = format!(
                            "Linking \"{kind}\": click a {} span, or Tab then Enter; Esc cancels",
                            rt.to.join(" or ")
                        );
                    }
                    Some(l) => {
                        self.rt.status = format!(
                            "Refused: a \"{kind}\" link starts at a {} span, not a {l} span",
                            rt.from.join(" or ")
                        )
                    }
                    None => {
                        self.rt.status = format!(
                            "Select a {} span first, then press {}",
                            rt.from.join(" or "),
                            rt.key.to_uppercase()
                        )
                    }
                }
            }
            Intent::CompleteLink(to) => {
                let (Some(kind), Some(from)) = (ann.linking.take(), ann.selected_span) else {
                    return;
                };
                ann.link_candidate = None;
                match actions::link(p, doc, &kind, from, to) {
                    Ok((tx, rid)) => {
                        if self.commit(Ok(tx)) {
                            self.rt.annotate.selected_relation = Some(rid);
                            self.rt.status = format!("Linked: {kind}");
                        }
                    }
                    Err(e) => self.rt.status = format!("Refused: {e}"),
                }
            }
            Intent::CancelLink => {
                ann.linking = None;
                ann.link_candidate = None;
                self.rt.status = "Linking cancelled".to_owned();
            }
            Intent::DeleteRelation(id) => {
                if self.commit(Ok(Transaction::one(Edit::DeleteRelation { doc, id })))
                    && self.rt.annotate.selected_relation == Some(id)
                {
                    self.rt.annotate.selected_relation = None;
                }
            }
            Intent::MarkAllHits(label) => match actions::mark_all(p, doc, &label, &ann.search.hits)
            {
                Ok((tx, n)) => {
                    if self.commit(Ok(tx)) {
                        self.rt.status = format!("Marked {n} hit(s) as {label} (one undo step)");
                    }
                }
                Err(e) => self.rt.status = format!("Refused: {e}"),
            },
            Intent::SetStatus(status) => {
                self.commit(Ok(Transaction::one(Edit::SetStatus { doc, status })));
            }
            Intent::StepHit(by) => {
                if let Some(hit) = ann.search.step(by) {
                    self.rt.view.set_selection(Some(hit.clone()));
                    self.rt.view.scroll_to(hit);
                }
            }
        }
    }
}
