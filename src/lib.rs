//! Qalam: an Arabic-first desktop annotation workbench.
//!
//! Layers, bottom to top: [`model`] (no egui, no io) → [`project`] (RON files) → [`text`]
//! (bidi layout and painting) → [`ui`] → [`app`], with [`cli`] over model + project, and
//! [`team`] (assigning, status, git merge and diff) over model + project too.

pub mod app;
pub mod cli;
pub mod cli_schema;
pub mod cli_team;
pub mod export;
pub mod model;
pub mod project;
pub mod review;
pub mod schema;
pub mod session;
pub mod suggest;
pub mod team;
pub mod text;
pub mod ui;
