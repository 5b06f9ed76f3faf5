//! Thin egui views that read the model and emit commands.

pub mod commands;
