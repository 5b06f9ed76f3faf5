//! The schema editor (Project → Labels…): the project's span labels, relation types and
//! attributes as rows of fields. A field's change is asked for when the field loses focus
//! (Enter or Tab), a colour or a tick at once; each becomes one [`SchemaOp`] that the app
//! plans and applies through the one edit path, so Ctrl+Z undoes it. Removing what
//! annotations use asks first, saying how many would go.

use std::collections::{BTreeMap, HashMap};

use super::labeling::label_color;
use crate::model::Project;
use crate::schema::edit::{Item, PALETTE, SchemaOp, unused_color};
use crate::text::{BidiLabel, TextEngine};

/// The editor's state between frames.
#[derive(Clone, Debug, Default)]
pub struct SchemaEditorUi {
    /// The window is shown.
    pub open: bool,
    /// Text typed into a field and not yet applied, by field.
    drafts: HashMap<String, String>,
    /// A change that removes annotations, waiting for the user to agree, and what it removes.
    pub confirm: Option<(SchemaOp, Vec<String>)>,
    /// What happened to the last change, or why it was refused.
    pub message: Option<String>,
    /// The "new label" row.
    new_label: (String, String),
    /// The "new relation type" row: name, source label, target label.
    new_relation: (String, String, String),
    /// The "new attribute" row: label, name, values separated by commas.
    new_attribute: (String, String, String),
}

impl SchemaEditorUi {
    /// Forgets typed drafts: after a change the fields show the schema as it now is.
    pub fn forget_drafts(&mut self) {
        self.drafts.clear();
    }
}

/// What the user asked for in the editor.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SchemaIntent {
    /// Make this change; refuse it when annotations use what it removes.
    Apply(SchemaOp),
    /// Make this change, removing the annotations that use what it removes.
    ApplyDropping(SchemaOp),
    /// Do not make the change waiting for agreement.
    CancelDrop,
    /// Close the editor.
    Close,
}

/// How many annotations use each name (labels, relation types), for the editor's counts.
pub type UseCounts = BTreeMap<String, usize>;

/// The editor window, when open.
pub fn window(
    ctx: &egui::Context,
    engine: &mut TextEngine,
    project: &Project,
    counts: &UseCounts,
    state: &mut SchemaEditorUi,
) -> Vec<SchemaIntent> {
    let mut out = Vec::new();
    if !state.open {
        return out;
    }
    let mut open = true;
    egui::Window::new("Labels")
        .id(egui::Id::unique("schema_editor_window"))
        .open(&mut open)
        .default_pos(ctx.content_rect().left_top() + egui::vec2(260.0, 90.0))
        .default_size([640.0, 560.0])
        .collapsible(false)
        .vscroll(true)
        .show(ctx, |ui| body(ui, engine, project, counts, state, &mut out));
    if !open {
        out.push(SchemaIntent::Close);
    }
    out
}

fn body(
    ui: &mut egui::Ui,
    engine: &mut TextEngine,
    project: &Project,
    counts: &UseCounts,
    state: &mut SchemaEditorUi,
    out: &mut Vec<SchemaIntent>,
) {
    ui.label(format!(
        "Schema revision {}. Each change is one step: Ctrl+Z undoes it. Renaming reaches every span, relation and attribute.",
        project.schema.revision
    ));
    if let Some((op, what)) = &state.confirm {
        ui.group(|ui| {
            ui.label(egui::RichText::new("This change removes annotations:").strong());
            // The lines quote span texts: drawn by the bidi engine.
            for w in what {
                BidiLabel::new(w)
                    .max_width(ui.available_width())
                    .font_size(14.0)
                    .show(ui, engine);
            }
            ui.horizontal(|ui| {
                if ui.button("Remove them too").clicked() {
                    out.push(SchemaIntent::ApplyDropping(op.clone()));
                }
                if ui.button("Cancel").clicked() {
                    out.push(SchemaIntent::CancelDrop);
                }
            });
        });
    }
    if let Some(m) = &state.message {
        ui.label(egui::RichText::new(m).italics());
    }
    ui.separator();
    labels(ui, project, counts, state, out);
    ui.separator();
    relations(ui, project, counts, state, out);
    ui.separator();
    attributes(ui, project, state, out);
}

/// One field of a row: its key among the drafts, the value it shows, its width and hint.
struct Field<'a> {
    key: String,
    value: &'a str,
    width: f32,
    hint: &'a str,
}

impl<'a> Field<'a> {
    fn new(key: String, value: &'a str, width: f32, hint: &'a str) -> Self {
        Field {
            key,
            value,
            width,
            hint,
        }
    }
}

/// A text field for `f`; when it loses focus changed, `apply` makes the op from the text.
fn field(
    ui: &mut egui::Ui,
    state: &mut SchemaEditorUi,
    f: Field<'_>,
    out: &mut Vec<SchemaIntent>,
    apply: impl FnOnce(String) -> SchemaOp,
) {
    let draft = state
        .drafts
        .entry(f.key.clone())
        .or_insert_with(|| f.value.to_owned());
    // Sized, not just a desired width: a grid's columns start narrow and keep that width.
    let r = ui.add_sized(
        [f.width, 20.0],
        egui::TextEdit::singleline(draft)
            .id_salt(("schema_field", &f.key))
            .hint_text(f.hint),
    );
    let r = r.on_hover_text(f.hint);
    if r.lost_focus() {
        let typed = draft.trim().to_owned();
        if typed != f.value {
            out.push(SchemaIntent::Apply(apply(typed)));
        }
        state.drafts.remove(&f.key);
    }
}

/// A row's button, named for AccessKit and its tooltip by what it acts on (a column of
/// "Remove" buttons says nothing to a screen reader).
fn named(r: egui::Response, name: &str) -> egui::Response {
    r.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Button, true, name));
    r.on_hover_text(name)
}

fn swatch(ui: &mut egui::Ui, color: egui::Color32) -> egui::Response {
    let (rect, r) = ui.allocate_exact_size(egui::vec2(18.0, 18.0), egui::Sense::click());
    ui.painter().rect_filled(rect, 3.0, color);
    r
}

fn hex_color(s: &str) -> egui::Color32 {
    let [r, g, b] = crate::model::schema::parse_hex_color(s).unwrap_or([0x88; 3]);
    egui::Color32::from_rgb(r, g, b)
}

fn labels(
    ui: &mut egui::Ui,
    project: &Project,
    counts: &UseCounts,
    state: &mut SchemaEditorUi,
    out: &mut Vec<SchemaIntent>,
) {
    ui.heading("Span labels");
    egui::Grid::new("schema_labels")
        .num_columns(6)
        .striped(true)
        .show(ui, |ui| {
            ui.label("Colour");
            ui.label("Name");
            ui.label("Key");
            ui.label("Description");
            ui.label("Spans");
            ui.label("");
            ui.end_row();
            for l in &project.schema.span_labels {
                let name = l.name.clone();
                let menu = ui.menu_button("      ", |ui| {
                    ui.horizontal_wrapped(|ui| {
                        ui.set_max_width(140.0);
                        for c in PALETTE {
                            if swatch(ui, hex_color(c)).on_hover_text(c).clicked() {
                                out.push(SchemaIntent::Apply(SchemaOp::SetColor {
                                    label: name.clone(),
                                    color: c.to_owned(),
                                }));
                                ui.close();
                            }
                        }
                    });
                });
                // The button shows the colour itself.
                ui.painter().rect_filled(
                    menu.response.rect.shrink(4.0),
                    2.0,
                    label_color(project, &l.name),
                );
                menu.response
                    .on_hover_text(format!("Colour of {} ({})", l.name, l.color));
                let n = name.clone();
                field(
                    ui,
                    state,
                    Field::new(format!("label/{name}/name"), &l.name, 120.0, "name"),
                    out,
                    |to| SchemaOp::Rename {
                        item: Item::Label(n),
                        to,
                    },
                );
                let n = name.clone();
                field(
                    ui,
                    state,
                    Field::new(format!("label/{name}/key"), &l.key, 24.0, "key"),
                    out,
                    |key| SchemaOp::SetKey {
                        item: Item::Label(n),
                        key,
                    },
                );
                let n = name.clone();
                field(
                    ui,
                    state,
                    Field::new(
                        format!("label/{name}/description"),
                        &l.description,
                        220.0,
                        "description",
                    ),
                    out,
                    |text| SchemaOp::SetDescription {
                        item: Item::Label(n),
                        text,
                    },
                );
                ui.label(counts.get(&l.name).copied().unwrap_or(0).to_string());
                if named(
                    ui.small_button("Remove"),
                    &format!("Remove label {}", l.name),
                )
                .clicked()
                {
                    out.push(SchemaIntent::Apply(SchemaOp::Remove(Item::Label(name))));
                }
                ui.end_row();
            }
        });
    ui.horizontal(|ui| {
        ui.label("New label:");
        ui.add(
            egui::TextEdit::singleline(&mut state.new_label.0)
                .id_salt("new_label_name")
                .desired_width(120.0)
                .hint_text("name"),
        );
        ui.add(
            egui::TextEdit::singleline(&mut state.new_label.1)
                .id_salt("new_label_key")
                .desired_width(24.0)
                .hint_text("key"),
        );
        if ui.button("Add label").clicked() {
            out.push(SchemaIntent::Apply(SchemaOp::AddLabel {
                name: state.new_label.0.trim().to_owned(),
                key: state.new_label.1.trim().to_owned(),
                color: unused_color(&project.schema).to_owned(),
            }));
            state.new_label = Default::default();
        }
    });
}

/// A menu of ticks choosing labels for one end of a relation type.
fn ends_menu(
    ui: &mut egui::Ui,
    project: &Project,
    title: &str,
    chosen: &[String],
) -> Option<Vec<String>> {
    let mut changed = None;
    ui.menu_button(
        format!(
            "{title}: {}",
            if chosen.is_empty() {
                "—".to_owned()
            } else {
                chosen.join(" | ")
            }
        ),
        |ui| {
            for l in &project.schema.span_labels {
                let mut on = chosen.contains(&l.name);
                if ui.checkbox(&mut on, l.name.as_str()).changed() {
                    let mut next: Vec<String> = project
                        .schema
                        .span_labels
                        .iter()
                        .map(|x| x.name.clone())
                        .filter(|x| if *x == l.name { on } else { chosen.contains(x) })
                        .collect();
                    next.dedup();
                    changed = Some(next);
                }
            }
        },
    );
    changed
}

fn relations(
    ui: &mut egui::Ui,
    project: &Project,
    counts: &UseCounts,
    state: &mut SchemaEditorUi,
    out: &mut Vec<SchemaIntent>,
) {
    ui.heading("Relation types");
    egui::Grid::new("schema_relations")
        .num_columns(6)
        .striped(true)
        .show(ui, |ui| {
            ui.label("Name");
            ui.label("Key");
            ui.label("From");
            ui.label("To");
            ui.label("Relations");
            ui.label("");
            ui.end_row();
            for r in &project.schema.relation_types {
                let name = r.name.clone();
                let n = name.clone();
                field(
                    ui,
                    state,
                    Field::new(format!("relation/{name}/name"), &r.name, 120.0, "name"),
                    out,
                    |to| SchemaOp::Rename {
                        item: Item::Relation(n),
                        to,
                    },
                );
                let n = name.clone();
                field(
                    ui,
                    state,
                    Field::new(format!("relation/{name}/key"), &r.key, 24.0, "key"),
                    out,
                    |key| SchemaOp::SetKey {
                        item: Item::Relation(n),
                        key,
                    },
                );
                if let Some(from) = ends_menu(ui, project, "from", &r.from) {
                    out.push(SchemaIntent::Apply(SchemaOp::SetEnds {
                        relation: name.clone(),
                        from,
                        to: r.to.clone(),
                    }));
                }
                if let Some(to) = ends_menu(ui, project, "to", &r.to) {
                    out.push(SchemaIntent::Apply(SchemaOp::SetEnds {
                        relation: name.clone(),
                        from: r.from.clone(),
                        to,
                    }));
                }
                ui.label(counts.get(&r.name).copied().unwrap_or(0).to_string());
                if named(
                    ui.small_button("Remove"),
                    &format!("Remove relation type {}", r.name),
                )
                .clicked()
                {
                    out.push(SchemaIntent::Apply(SchemaOp::Remove(Item::Relation(name))));
                }
                ui.end_row();
            }
        });
    ui.horizontal(|ui| {
        ui.label("New relation type:");
        let (name, from, to) = &mut state.new_relation;
        ui.add(
            egui::TextEdit::singleline(name)
                .id_salt("new_relation_name")
                .desired_width(120.0)
                .hint_text("name"),
        );
        label_combo(ui, project, "new_relation_from", "from", from);
        label_combo(ui, project, "new_relation_to", "to", to);
        if ui.button("Add relation type").clicked() {
            out.push(SchemaIntent::Apply(SchemaOp::AddRelation {
                name: name.trim().to_owned(),
                from: vec![from.clone()],
                to: vec![to.clone()],
                key: String::new(),
            }));
            state.new_relation = Default::default();
        }
    });
}

/// A combo choosing one label of the schema into `chosen` (the first one by default).
fn label_combo(ui: &mut egui::Ui, project: &Project, id: &str, title: &str, chosen: &mut String) {
    if project.schema.label(chosen).is_none()
        && let Some(l) = project.schema.span_labels.first()
    {
        chosen.clone_from(&l.name);
    }
    egui::ComboBox::new(id, title)
        .selected_text(chosen.as_str())
        .show_ui(ui, |ui| {
            for l in &project.schema.span_labels {
                ui.selectable_value(chosen, l.name.clone(), l.name.as_str());
            }
        });
}

fn attributes(
    ui: &mut egui::Ui,
    project: &Project,
    state: &mut SchemaEditorUi,
    out: &mut Vec<SchemaIntent>,
) {
    ui.heading("Attributes");
    for a in &project.schema.attributes {
        let (label, name) = (a.label.clone(), a.name.clone());
        ui.horizontal_wrapped(|ui| {
            ui.label(egui::RichText::new(format!("{label}.")).color(label_color(project, &label)));
            let (l, n) = (label.clone(), name.clone());
            field(
                ui,
                state,
                Field::new(
                    format!("attribute/{label}/{name}/name"),
                    &a.name,
                    90.0,
                    "attribute",
                ),
                out,
                |to| SchemaOp::Rename {
                    item: Item::Attribute { label: l, name: n },
                    to,
                },
            );
            ui.label("values:");
            for v in &a.values {
                let (l, n, old) = (label.clone(), name.clone(), v.clone());
                field(
                    ui,
                    state,
                    Field::new(
                        format!("attribute/{label}/{name}/value/{v}"),
                        v,
                        80.0,
                        "value",
                    ),
                    out,
                    |to| SchemaOp::Rename {
                        item: Item::Value {
                            label: l,
                            attribute: n,
                            value: old,
                        },
                        to,
                    },
                );
                if named(
                    ui.small_button("remove"),
                    &format!("Remove value {v} of {label}.{name}"),
                )
                .clicked()
                {
                    out.push(SchemaIntent::Apply(SchemaOp::Remove(Item::Value {
                        label: label.clone(),
                        attribute: name.clone(),
                        value: v.clone(),
                    })));
                }
            }
            let key = format!("attribute/{label}/{name}/new");
            let draft = state.drafts.entry(key.clone()).or_default();
            let r = ui.add(
                egui::TextEdit::singleline(draft)
                    .id_salt(("schema_field", &key))
                    .desired_width(80.0)
                    .hint_text("new value"),
            );
            if r.lost_focus() && !draft.trim().is_empty() {
                out.push(SchemaIntent::Apply(SchemaOp::AddValue {
                    label: label.clone(),
                    attribute: name.clone(),
                    value: draft.trim().to_owned(),
                }));
                state.drafts.remove(&key);
            }
            if named(
                ui.small_button("Remove attribute"),
                &format!("Remove attribute {label}.{name}"),
            )
            .clicked()
            {
                out.push(SchemaIntent::Apply(SchemaOp::Remove(Item::Attribute {
                    label: label.clone(),
                    name: name.clone(),
                })));
            }
        });
    }
    ui.horizontal(|ui| {
        ui.label("New attribute:");
        let (label, name, values) = &mut state.new_attribute;
        label_combo(ui, project, "new_attribute_label", "on", label);
        ui.add(
            egui::TextEdit::singleline(name)
                .id_salt("new_attribute_name")
                .desired_width(90.0)
                .hint_text("name"),
        );
        ui.add(
            egui::TextEdit::singleline(values)
                .id_salt("new_attribute_values")
                .desired_width(140.0)
                .hint_text("values, comma separated"),
        );
        if ui.button("Add attribute").clicked() {
            out.push(SchemaIntent::Apply(SchemaOp::AddAttribute {
                label: label.clone(),
                name: name.trim().to_owned(),
                values: values
                    .split([',', '،'])
                    .map(|v| v.trim().to_owned())
                    .filter(|v| !v.is_empty())
                    .collect(),
            }));
            state.new_attribute = Default::default();
        }
    });
}
