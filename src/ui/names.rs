//! Names from the schema (labels, relation types) as controls. A team may name its labels in
//! Arabic, and egui's own text neither shapes nor orders right-to-left script, so a name
//! holding right-to-left text is drawn by the bidi engine; other names stay egui's own text
//! (the same look as every other control, and cheaper).

use egui::{Color32, Response, Sense};

use crate::text::{BidiLabel, TextEngine};

/// Size of names drawn by the bidi engine, in points (egui's body text is 14).
const NAME_SIZE: f32 = 15.0;

/// Whether egui's own text would draw `s` wrongly: it holds right-to-left text (even inside
/// a left-to-right line, whose right-to-left runs must be reordered).
pub fn needs_bidi(s: &str) -> bool {
    use unicode_bidi::BidiClass::{AL, R};
    s.chars()
        .any(|c| matches!(unicode_bidi::bidi_class(c), R | AL))
}

/// A button showing `text` in `color` (a clickable chip when `selected` is given).
pub fn name_button(
    ui: &mut egui::Ui,
    engine: &mut TextEngine,
    text: &str,
    color: Color32,
    enabled: bool,
    selected: bool,
) -> Response {
    if !needs_bidi(text) {
        let rich = egui::RichText::new(text).color(color).strong();
        return ui.add_enabled(enabled, egui::Button::new(rich).selected(selected));
    }
    // The frame's background goes under the text once the pointer's state is known.
    let background = ui.painter().add(egui::Shape::Noop);
    // No vertical padding: Naskh's taller lines already fill a button's height.
    let padding = egui::Margin::symmetric(ui.spacing().button_padding.x as i8, 0);
    let inner = egui::Frame::new().inner_margin(padding).show(ui, |ui| {
        let c = if enabled {
            color
        } else {
            color.gamma_multiply(0.5)
        };
        BidiLabel::new(text)
            .font_size(NAME_SIZE)
            .color(c)
            .show(ui, engine)
    });
    let rect = inner.response.rect;
    let sense = if enabled {
        Sense::click()
    } else {
        Sense::hover()
    };
    let r = ui.interact(rect, inner.response.id.with("name_button"), sense);
    let visuals = if selected {
        ui.visuals().selection.bg_fill
    } else {
        ui.style().interact(&r).weak_bg_fill
    };
    ui.painter().set(
        background,
        egui::Shape::rect_filled(rect, ui.visuals().widgets.inactive.corner_radius, visuals),
    );
    r.widget_info(|| egui::WidgetInfo::selected(egui::Role::Button, enabled, selected, text));
    r
}

/// A name as a label, strong, in `color`.
pub fn name_label(
    ui: &mut egui::Ui,
    engine: &mut TextEngine,
    text: &str,
    color: Color32,
) -> Response {
    if needs_bidi(text) {
        BidiLabel::new(text)
            .font_size(NAME_SIZE)
            .color(color)
            .show(ui, engine)
    } else {
        ui.label(egui::RichText::new(text).strong().color(color))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_right_to_left_names_need_the_bidi_engine() {
        assert!(!needs_bidi("speaker"));
        assert!(!needs_bidi("1 speaker"));
        assert!(needs_bidi("متحدث"));
        assert!(needs_bidi("1 متحدث"), "a key before it is neutral");
        assert!(needs_bidi("דובר"));
        assert!(
            needs_bidi("Undone (in document \"أفادت مصادر\")"),
            "a run inside LTR"
        );
    }
}
