//! Thin egui views that read the model and emit commands.

pub mod annotate;
pub mod commands;
