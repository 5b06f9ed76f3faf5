//! Qalam: an Arabic-first desktop annotation workbench.
//!
//! Layers, bottom to top: [`model`] (no egui, no io) → [`project`] (RON files) → [`text`]
//! (bidi layout and painting) → [`ui`] → [`app`], with [`cli`] over model + project.

pub mod app;
pub mod cli;
pub mod export;
pub mod model;
pub mod project;
pub mod review;
pub mod session;
pub mod text;
pub mod ui;
