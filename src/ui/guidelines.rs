//! The Guidelines panel (F2): every label, relation type and attribute of the schema with its
//! definition, when to use it and when not, and its examples, the part that would be marked
//! shaded in the label's colour. Guideline texts quote Arabic inside English (and may be
//! wholly Arabic), so all of them are drawn by the bidi engine, never by egui's own text.
//! [`guideline_card`] shows one label's guideline in the details panel.

use egui::Color32;

use super::labeling::label_color;
use super::marked::marked_label;
use crate::model::{Guidelines, Project};
use crate::text::{BidiLabel, Direction, TextEngine, base_direction};

/// Size of guideline texts, in points.
const TEXT_SIZE: f32 = 14.0;
/// Size of examples, in points (they are document text: as large as reading needs).
const EXAMPLE_SIZE: f32 = 18.0;

/// The panel's state between frames.
#[derive(Clone, Debug, Default)]
pub struct GuidelinesUi {
    /// The panel is shown.
    pub open: bool,
}

/// What the user asked for in the panel.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum GuidelinesIntent {
    /// Close the panel.
    Close,
}

/// The Guidelines window, when open.
pub fn window(
    ctx: &egui::Context,
    engine: &mut TextEngine,
    project: &Project,
    state: &GuidelinesUi,
) -> Vec<GuidelinesIntent> {
    let mut out = Vec::new();
    if !state.open {
        return out;
    }
    let mut open = true;
    egui::Window::new("Guidelines")
        .id(egui::Id::unique("guidelines_window"))
        .open(&mut open)
        .default_pos(ctx.content_rect().left_top() + egui::vec2(240.0, 80.0))
        .default_size([560.0, 600.0])
        .collapsible(false)
        .vscroll(true)
        .show(ctx, |ui| body(ui, engine, project));
    if !open {
        out.push(GuidelinesIntent::Close);
    }
    out
}

fn body(ui: &mut egui::Ui, engine: &mut TextEngine, project: &Project) {
    let schema = &project.schema;
    let nothing = schema.span_labels.iter().all(|l| l.has_no_guidelines())
        && schema.relation_types.iter().all(|r| r.has_no_guidelines())
        && schema.attributes.iter().all(|a| a.has_no_guidelines());
    if nothing {
        ui.label("This project's schema has no guidelines yet. Add definition, use_when, avoid_when and examples to its labels in a schema file (qalam schema export, edit, qalam schema apply).");
    }
    ui.heading("Span labels");
    for l in &schema.span_labels {
        let color = label_color(project, &l.name);
        ui.add_space(6.0);
        ui.horizontal(|ui| {
            let (rect, _) = ui.allocate_exact_size(egui::vec2(12.0, 12.0), egui::Sense::hover());
            ui.painter().rect_filled(rect, 2.0, color);
            super::names::name_label(ui, engine, &l.name, color);
            if !l.key.is_empty() {
                ui.label(egui::RichText::new(format!("key {}", l.key)).weak());
            }
        });
        text(ui, engine, &l.description, None);
        sections(ui, engine, l, color);
        ui.separator();
    }
    if !schema.relation_types.is_empty() {
        ui.heading("Relation types");
    }
    for r in &schema.relation_types {
        ui.add_space(6.0);
        ui.horizontal(|ui| {
            ui.label(egui::RichText::new(&r.name).strong());
            ui.label(
                egui::RichText::new(format!(
                    "from {} to {}",
                    r.from.join(" | "),
                    r.to.join(" | ")
                ))
                .weak(),
            );
        });
        text(ui, engine, &r.description, None);
        let color = r
            .from
            .first()
            .map_or(ui.visuals().selection.bg_fill, |l| label_color(project, l));
        sections(ui, engine, r, color);
        ui.separator();
    }
    if !schema.attributes.is_empty() {
        ui.heading("Attributes");
    }
    for a in &schema.attributes {
        ui.add_space(6.0);
        ui.horizontal(|ui| {
            ui.label(egui::RichText::new(format!("{}.{}", a.label, a.name)).strong());
            ui.label(egui::RichText::new(a.values.join(" · ")).weak());
        });
        sections(ui, engine, a, label_color(project, &a.label));
        ui.separator();
    }
}

/// One guideline text, wrapped, drawn by the bidi engine (nothing when empty).
fn text(ui: &mut egui::Ui, engine: &mut TextEngine, s: &str, color: Option<Color32>) {
    if s.is_empty() {
        return;
    }
    let mut l = BidiLabel::new(s)
        .max_width(ui.available_width())
        .font_size(TEXT_SIZE);
    if let Some(c) = color {
        l = l.color(c);
    }
    l.show(ui, engine);
}

/// Definition, use when, avoid when and examples of one item.
fn sections(ui: &mut egui::Ui, engine: &mut TextEngine, g: &impl Guidelines, color: Color32) {
    for (title, s) in [
        ("Definition", g.definition()),
        ("Use when", g.use_when()),
        ("Avoid when", g.avoid_when()),
    ] {
        if s.is_empty() {
            continue;
        }
        ui.label(egui::RichText::new(title).small().strong());
        text(ui, engine, s, None);
    }
    examples(ui, engine, g, color, usize::MAX);
}

/// Up to `limit` examples, the marked part shaded in `color`.
fn examples(
    ui: &mut egui::Ui,
    engine: &mut TextEngine,
    g: &impl Guidelines,
    color: Color32,
    limit: usize,
) {
    if g.examples().is_empty() {
        return;
    }
    ui.label(egui::RichText::new("Examples").small().strong());
    for e in g.examples().iter().take(limit) {
        let mark = e
            .mark
            .filter(|_| e.mark_problem().is_none())
            .map(|m| m.start..m.end);
        // A right-to-left example starts at the right edge, as it would in a document.
        let align = if base_direction(&e.text) == Direction::Rtl {
            egui::Align::Max
        } else {
            egui::Align::Min
        };
        ui.with_layout(egui::Layout::top_down(align), |ui| {
            let width = ui.available_width();
            marked_label(ui, engine, &e.text, mark, EXAMPLE_SIZE, width, color);
        });
        ui.add_space(2.0);
    }
}

/// The guideline of label `label`, compact, for the details panel: definition, use when,
/// avoid when and two examples. Nothing when the label has none.
pub fn guideline_card(ui: &mut egui::Ui, engine: &mut TextEngine, project: &Project, label: &str) {
    let Some(l) = project.schema.label(label) else {
        return;
    };
    if l.has_no_guidelines() {
        return;
    }
    let color = label_color(project, label);
    ui.label(
        egui::RichText::new(format!("Guideline: {label}"))
            .strong()
            .color(color),
    );
    for s in [l.definition(), l.use_when()] {
        text(ui, engine, s, None);
    }
    if !l.avoid_when().is_empty() {
        ui.label(egui::RichText::new("Avoid when").small().strong());
        text(ui, engine, l.avoid_when(), None);
    }
    examples(ui, engine, l, color, 2);
    ui.label(egui::RichText::new("F2: all guidelines").small().weak());
}
