//! Bidi- and shaping-aware text layout, glyph painting and hit-testing for document text.
//!
//! Layers: [`paragraphs`] (splitting, direction, offset tables) → [`layout`] (one paragraph
//! shaped by cosmic-text, caret model) → [`document`] (lazy per-paragraph cache) are free of
//! egui and tested without a display.

pub mod document;
pub mod fonts;
pub mod layout;
pub mod paragraphs;

pub use document::DocLayout;
pub use layout::{Affinity, Caret, LayoutMetrics, ParagraphLayout, PxRect, is_zero_width_char};
pub use paragraphs::{Direction, base_direction, split_paragraphs};

pub mod atlas;
mod engine;
mod view;

pub use engine::{TextEngine, install_egui_fallback_fonts};
pub use view::{
    BidiLabel, DEFAULT_FONT_SIZE, DocumentView, DocumentViewOutput, DocumentViewState,
    SpanHighlight,
};
