//! Labeling mode's schema changes (Project → Labels…) and the Guidelines panel: the editor's
//! intents become planned schema changes ([`crate::schema::edit`]) applied as one step on the
//! session's edit path, so undo, the dirty flag, autosave and the review file's renames all
//! follow. No widget code here.

use std::collections::BTreeMap;

use crate::model::{Edit, Transaction};
use crate::schema::edit::{PlanError, SchemaOp, plan};
use crate::ui::commands::UiCommand;
use crate::ui::schema_editor::{SchemaIntent, UseCounts};

use super::Labeling;

impl Labeling {
    /// How many spans use each label and relations each relation type, counted once per
    /// project state (the editor shows them every frame).
    pub fn use_counts(&mut self) -> &UseCounts {
        let state = self.session.history.state_id();
        if self
            .schema_counts
            .as_ref()
            .is_some_and(|(s, _)| *s != state)
        {
            self.schema_counts = None;
        }
        let project = &self.session.project;
        &self
            .schema_counts
            .get_or_insert_with(|| (state, count_uses(project)))
            .1
    }

    /// Plans `op` and applies it as one undo step; `drop` agrees to remove the annotations
    /// that use what it removes. Returns what was done.
    pub fn change_schema(&mut self, op: &SchemaOp, drop: bool) -> Result<String, PlanError> {
        let reserved = UiCommand::labeling_keys();
        let planned = plan(&self.session.project, op, &reserved, drop)?;
        let tx = Transaction::one(Edit::ReplaceSchema {
            schema: Box::new(planned.schema),
            documents: planned.documents,
            renames: planned.renames,
        });
        let said = self.commit_here(tx, planned.summary);
        if said.starts_with("Refused") {
            return Err(PlanError::Invalid(vec![said]));
        }
        Ok(said)
    }

    /// Carries out what the schema editor asked for; returns what to tell the user.
    pub fn schema_intent(&mut self, intent: SchemaIntent) -> Option<String> {
        let (op, drop) = match intent {
            SchemaIntent::Close => {
                self.ui.schema_editor.open = false;
                self.ui.schema_editor.confirm = None;
                return None;
            }
            SchemaIntent::CancelDrop => {
                self.ui.schema_editor.confirm = None;
                self.ui.schema_editor.message = Some("Nothing removed".to_owned());
                return None;
            }
            SchemaIntent::Apply(op) => (op, false),
            SchemaIntent::ApplyDropping(op) => (op, true),
        };
        self.ui.schema_editor.confirm = None;
        self.ui.schema_editor.forget_drafts();
        let said = match self.change_schema(&op, drop) {
            Ok(said) => said,
            Err(PlanError::InUse { blockers, .. }) => {
                // The CLI's hints (--rename, --drop) do not apply here: the window asks.
                let lines = blockers
                    .iter()
                    .map(|b| match b.0.rsplit_once(" (") {
                        Some((line, _)) => line.replace(" → ", " to "),
                        None => b.0.replace(" → ", " to "),
                    })
                    .collect();
                self.ui.schema_editor.confirm = Some((op, lines));
                "Nothing changed yet: annotations use what this change removes (Labels window: remove them too, or cancel)".to_owned()
            }
            Err(e) => format!("Refused: {e}"),
        };
        self.ui.schema_editor.message = Some(said.clone());
        Some(said)
    }
}

/// How many spans use each label and relations each relation type.
fn count_uses(project: &crate::model::Project) -> UseCounts {
    let mut counts = BTreeMap::new();
    for d in &project.documents {
        for s in &d.spans {
            *counts.entry(s.label.clone()).or_insert(0) += 1;
        }
        for r in &d.relations {
            *counts.entry(r.kind.clone()).or_insert(0) += 1;
        }
    }
    counts
}
