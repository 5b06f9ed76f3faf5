//! Layout of one paragraph with cosmic-text, turned into per-grapheme boxes for caret
//! placement, hit-testing and highlights in code-point offsets. No egui in here.
//!
//! # Caret model
//!
//! Caret positions are grapheme-cluster boundaries. A code-point offset inside a cluster
//! (a combining mark, the middle of an emoji ZWJ sequence) snaps back to the start of
//! its cluster. Every cluster gets a box on exactly one visual line; a box has a
//! *leading* edge (where the cluster starts in reading order: its left edge if the
//! cluster is LTR, its right edge if RTL) and a *trailing* edge.
//!
//! One offset can have two visual positions: at a wrap point (end of one row, start of
//! the next) and at a bidi boundary. [`Affinity`] picks one:
//! - [`Affinity::Downstream`]: at the leading edge of the cluster that *starts* at the offset;
//! - [`Affinity::Upstream`]: at the trailing edge of the cluster that *ends* at the offset.
//!
//! If the wanted cluster does not exist (start or end of a paragraph) the other one is used.
//! The caret rectangle sits just inside the box it is attached to, so hit-testing its centre
//! returns the same offset and affinity. Hit-testing a point inside a box gives
//! `(start, Downstream)` in the box's leading half and `(end, Upstream)` in its trailing half.
//! Clusters drawn with no width (LRM, RLM, isolates, ZWSP) share their position with a
//! neighbour; such offsets are visually identical and hit-testing returns one of them.

use std::ops::Range;

use cosmic_text::{AttrsList, FontSystem, Hinting, LayoutGlyph, ShapeLine, Shaping, Wrap};
use unicode_bidi::{BidiClass, bidi_class};
use unicode_segmentation::UnicodeSegmentation;

use super::fonts::document_attrs;
use super::paragraphs::{Direction, OffsetTable};

/// Which neighbour an offset's caret is attached to when it has two visual positions.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Affinity {
    /// Attached to the cluster that ends at the offset (the character before it).
    Upstream,
    /// Attached to the cluster that starts at the offset (the character after it).
    #[default]
    Downstream,
}

/// A caret: a code-point offset and its affinity.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Caret {
    /// Code-point offset.
    pub offset: usize,
    /// Which side the caret is attached to.
    pub affinity: Affinity,
}

impl Caret {
    /// A caret at `offset` with the given affinity.
    pub fn new(offset: usize, affinity: Affinity) -> Self {
        Self { offset, affinity }
    }
}

/// An axis-aligned rectangle in layout pixels (physical pixels, y down).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct PxRect {
    /// Left.
    pub min_x: f32,
    /// Top.
    pub min_y: f32,
    /// Right.
    pub max_x: f32,
    /// Bottom.
    pub max_y: f32,
}

impl PxRect {
    /// Rectangle from its edges.
    pub fn new(min_x: f32, min_y: f32, max_x: f32, max_y: f32) -> Self {
        Self {
            min_x,
            min_y,
            max_x,
            max_y,
        }
    }

    /// Centre point.
    pub fn center(&self) -> (f32, f32) {
        (
            (self.min_x + self.max_x) * 0.5,
            (self.min_y + self.max_y) * 0.5,
        )
    }

    /// Closed containment test.
    pub fn contains(&self, x: f32, y: f32) -> bool {
        x >= self.min_x && x <= self.max_x && y >= self.min_y && y <= self.max_y
    }

    /// Width.
    pub fn width(&self) -> f32 {
        self.max_x - self.min_x
    }

    /// The same rectangle moved down by `dy`.
    pub fn translated_y(self, dy: f32) -> Self {
        Self {
            min_y: self.min_y + dy,
            max_y: self.max_y + dy,
            ..self
        }
    }
}

/// Size parameters of a layout, in physical pixels.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LayoutMetrics {
    /// Font size.
    pub font_px: f32,
    /// Wrap width.
    pub width_px: f32,
    /// Distance between rows.
    pub line_height_px: f32,
    /// Extra space after each paragraph.
    pub paragraph_gap_px: f32,
}

impl LayoutMetrics {
    /// Line height as a multiple of the font size: Naskh's tall ascenders and deep
    /// descenders need about 1.7 em to read comfortably.
    pub const LINE_HEIGHT_EM: f32 = 1.7;
    /// Space between paragraphs, in em.
    pub const PARAGRAPH_GAP_EM: f32 = 0.6;

    /// Metrics for a font size and wrap width with the default line height and gap.
    pub fn new(font_px: f32, width_px: f32) -> Self {
        // Guard against zero or NaN sizes: cosmic-text asserts a non-zero font size.
        let font_px = if font_px.is_finite() {
            font_px.max(1.0)
        } else {
            16.0
        };
        let width_px = if width_px.is_finite() {
            width_px.max(1.0)
        } else {
            1.0
        };
        Self {
            font_px,
            width_px,
            line_height_px: (font_px * Self::LINE_HEIGHT_EM).round(),
            paragraph_gap_px: (font_px * Self::PARAGRAPH_GAP_EM).round(),
        }
    }

    /// Caret thickness: thin enough to stay inside narrow clusters.
    pub fn caret_width(&self) -> f32 {
        (self.font_px / 12.0).clamp(1.0, 3.0)
    }
}

/// One grapheme cluster placed on a row.
#[derive(Clone, Copy, Debug)]
struct GBox {
    /// Grapheme index within the paragraph.
    g: u32,
    x0: f32,
    x1: f32,
    rtl: bool,
}

impl GBox {
    fn width(&self) -> f32 {
        self.x1 - self.x0
    }
    fn leading_x(&self) -> f32 {
        if self.rtl { self.x1 } else { self.x0 }
    }
    fn trailing_x(&self) -> f32 {
        if self.rtl { self.x0 } else { self.x1 }
    }
}

/// One visual row of a paragraph.
#[derive(Clone, Debug)]
pub struct Row {
    /// Top, relative to the paragraph.
    pub top: f32,
    /// Row height.
    pub height: f32,
    /// Baseline, relative to the paragraph.
    pub baseline: f32,
    /// Glyphs in cosmic-text's form, for painting (x relative to the paragraph's left).
    pub glyphs: Vec<LayoutGlyph>,
    /// Clusters sorted left to right.
    boxes: Vec<GBox>,
    /// Smallest and largest code-point offsets covered by the row.
    start: u32,
    end: u32,
}

/// A laid-out paragraph.
#[derive(Clone, Debug)]
pub struct ParagraphLayout {
    rows: Vec<Row>,
    dir: Direction,
    metrics: LayoutMetrics,
    /// Grapheme boundaries in code points: `0, …, len`.
    bounds: Vec<u32>,
    /// Row and box index of every grapheme.
    place: Vec<(u32, u32)>,
    /// Sum of row advance widths (for estimating unlaid paragraphs).
    advance: f32,
    glyph_count: usize,
}

/// Characters drawn without width (bidi controls, LRM/RLM/ALM, ZWSP/ZWJ/ZWNJ and other
/// boundary-neutral format characters): their clusters get no share of a ligature's width.
pub fn is_zero_width_char(c: char) -> bool {
    // Printable ASCII and the Arabic letters and marks (bar U+061C) are never format
    // characters: skip the table look-up for nearly every character of a document.
    if matches!(c, ' '..='~' | '\u{0620}'..='\u{06FF}') {
        return false;
    }
    matches!(c, '\u{200E}' | '\u{200F}' | '\u{061C}')
        || matches!(
            bidi_class(c),
            BidiClass::BN
                | BidiClass::LRE
                | BidiClass::RLE
                | BidiClass::LRO
                | BidiClass::RLO
                | BidiClass::PDF
                | BidiClass::LRI
                | BidiClass::RLI
                | BidiClass::FSI
                | BidiClass::PDI
        )
}

fn to_u32(v: usize) -> u32 {
    u32::try_from(v).unwrap_or(u32::MAX)
}

impl ParagraphLayout {
    /// Shapes and wraps `text` (one paragraph, no breaks) with cosmic-text.
    pub fn new(fs: &mut FontSystem, text: &str, dir: Direction, metrics: LayoutMetrics) -> Self {
        let table = OffsetTable::new(text);
        // One pass over the graphemes: boundaries, ligature weights, whitespace.
        let mut bounds: Vec<u32> = Vec::new();
        let mut weights: Vec<f32> = Vec::new();
        let mut is_space: Vec<bool> = Vec::new();
        // Code points are counted as we go: no look-up per grapheme.
        let mut chars_before = 0;
        for g in text.graphemes(true) {
            bounds.push(to_u32(chars_before));
            let (mut n, mut zero_width, mut space) = (0, true, true);
            for c in g.chars() {
                n += 1;
                zero_width &= is_zero_width_char(c);
                space &= c.is_whitespace();
            }
            chars_before += n;
            weights.push(if zero_width { 0.0 } else { 1.0 });
            is_space.push(space);
        }
        bounds.push(to_u32(table.len_chars()));
        let n_graphemes = bounds.len() - 1;

        // Shape and wrap into owned lines (no BufferLine, so no copy of the glyphs).
        let shape = ShapeLine::new(
            fs,
            text,
            &AttrsList::new(&document_attrs()),
            Shaping::Advanced,
            8,
        );
        let layout_lines = shape.layout(
            metrics.font_px,
            Some(metrics.width_px),
            Wrap::WordOrGlyph,
            None,
            None,
            Hinting::Disabled,
        );
        drop(shape);

        // Per grapheme: (row, x0, x1, rtl), filled from the glyph clusters.
        let mut slots: Vec<Option<(usize, f32, f32, bool)>> = vec![None; n_graphemes];
        let mut rows: Vec<Row> = Vec::with_capacity(layout_lines.len());
        let mut advance = 0.0;
        let mut glyph_count = 0;
        let lh = metrics.line_height_px;
        for (ri, ll) in layout_lines.into_iter().enumerate() {
            advance += ll.w;
            glyph_count += ll.glyphs.len();
            let mut i = 0;
            while i < ll.glyphs.len() {
                let first = &ll.glyphs[i];
                let (mut bs, mut be) = (first.start, first.end);
                let mut x0 = first.x;
                let mut x1 = first.x + first.w;
                let rtl = first.level.is_rtl();
                let mut j = i + 1;
                // Glyphs of one cluster, plus zero-advance neighbours of the same run: Naskh
                // draws lam-alef as a wide lam and an alef with no advance, and the caret
                // between them belongs inside the ligature, not on its edge.
                while let Some(g) = ll.glyphs.get(j) {
                    let same = g.start == bs && g.end == be;
                    let adjacent = g.start == be || g.end == bs;
                    let merge = same
                        || (adjacent && g.level == first.level && (g.w == 0.0 || x1 - x0 == 0.0));
                    if !merge {
                        break;
                    }
                    bs = bs.min(g.start);
                    be = be.max(g.end);
                    x0 = x0.min(g.x);
                    x1 = x1.max(g.x + g.w);
                    j += 1;
                }
                let cs = table.char_of(bs);
                let ce = table.char_of(be).max(cs + 1);
                // Graphemes overlapping the cluster; a ligature covers several.
                let g0 = bounds
                    .partition_point(|&b| b as usize <= cs)
                    .saturating_sub(1);
                let mut g1 = g0;
                while g1 < n_graphemes && (bounds[g1] as usize) < ce {
                    g1 += 1;
                }
                let total: f32 = weights[g0..g1].iter().sum();
                let count = (g1 - g0).max(1) as f32;
                let width = x1 - x0;
                let mut acc = 0.0;
                for g in g0..g1 {
                    let share = if total > 0.0 {
                        weights[g] / total
                    } else {
                        1.0 / count
                    };
                    let (a, b) = (acc, acc + share * width);
                    acc = b;
                    // Logical order runs right to left inside an RTL cluster.
                    let (gx0, gx1) = if rtl {
                        (x1 - b, x1 - a)
                    } else {
                        (x0 + a, x0 + b)
                    };
                    match &mut slots[g] {
                        None => slots[g] = Some((ri, gx0, gx1, rtl)),
                        Some((r, sx0, sx1, _)) if *r == ri => {
                            *sx0 = sx0.min(gx0);
                            *sx1 = sx1.max(gx1);
                        }
                        Some(_) => {}
                    }
                }
                i = j;
            }
            let top = ri as f32 * lh;
            let baseline = top + ((lh + ll.max_ascent - ll.max_descent) * 0.5).round();
            rows.push(Row {
                top,
                height: lh,
                baseline,
                glyphs: ll.glyphs,
                boxes: Vec::new(),
                start: u32::MAX,
                end: 0,
            });
        }
        if rows.is_empty() {
            rows.push(Row {
                top: 0.0,
                height: lh,
                baseline: (lh * 0.7).round(),
                glyphs: Vec::new(),
                boxes: Vec::new(),
                start: 0,
                end: 0,
            });
        }

        // Clusters the layout left out: whitespace at a wrap point hangs past the row's
        // end (as in browsers), so the offsets before and after it stay distinct; other
        // dropped clusters get a zero-width box next to their logical predecessor.
        let mut row_min = vec![f32::INFINITY; rows.len()];
        let mut row_max = vec![f32::NEG_INFINITY; rows.len()];
        for &(r, x0, x1, _) in slots.iter().flatten() {
            row_min[r] = row_min[r].min(x0);
            row_max[r] = row_max[r].max(x1);
        }
        let hang = (metrics.font_px * 0.25).max(1.0);
        let edge_x = if dir.is_rtl() { metrics.width_px } else { 0.0 };
        let first_known = slots.iter().flatten().next().copied();
        let mut prev: Option<(usize, f32, f32, bool)> = None;
        for (g, slot) in slots.iter_mut().enumerate() {
            match slot {
                Some(s) => prev = Some(*s),
                None => {
                    let filled = match (prev, first_known) {
                        (Some((r, _, _, _)), _) if is_space[g] => {
                            if dir.is_rtl() {
                                let x1 = row_min[r];
                                row_min[r] = x1 - hang;
                                (r, x1 - hang, x1, true)
                            } else {
                                let x0 = row_max[r];
                                row_max[r] = x0 + hang;
                                (r, x0, x0 + hang, false)
                            }
                        }
                        (Some((r, x0, x1, rtl)), _) => {
                            let x = if rtl { x0 } else { x1 };
                            (r, x, x, rtl)
                        }
                        (None, Some((r, x0, x1, rtl))) => {
                            let x = if rtl { x1 } else { x0 };
                            (r, x, x, rtl)
                        }
                        (None, None) => (0, edge_x, edge_x, dir.is_rtl()),
                    };
                    *slot = Some(filled);
                    prev = Some(filled);
                }
            }
        }

        for (g, slot) in slots.iter().enumerate() {
            if let Some((r, x0, x1, rtl)) = *slot
                && let Some(row) = rows.get_mut(r)
            {
                row.boxes.push(GBox {
                    g: to_u32(g),
                    x0,
                    x1,
                    rtl,
                });
                row.start = row.start.min(bounds[g]);
                row.end = row.end.max(bounds[g + 1]);
            }
        }
        let mut place = vec![(0u32, 0u32); n_graphemes];
        for (ri, row) in rows.iter_mut().enumerate() {
            // Left to right; zero-width boxes at the same x keep reading order.
            row.boxes.sort_by(|a, b| {
                a.x0.total_cmp(&b.x0)
                    .then(a.x1.total_cmp(&b.x1))
                    .then(if a.rtl { b.g.cmp(&a.g) } else { a.g.cmp(&b.g) })
            });
            for (bi, bx) in row.boxes.iter().enumerate() {
                place[bx.g as usize] = (to_u32(ri), to_u32(bi));
            }
            if row.start == u32::MAX {
                // A row without clusters (only in an empty paragraph).
                row.start = 0;
                row.end = 0;
            }
        }
        // Empty rows other than the only one would break row lookup by offset.
        if rows.len() > 1 {
            rows.retain(|r| !r.boxes.is_empty());
            for (ri, row) in rows.iter_mut().enumerate() {
                let dy = ri as f32 * lh - row.top;
                row.top += dy;
                row.baseline += dy;
                for bx in &row.boxes {
                    place[bx.g as usize].0 = to_u32(ri);
                }
            }
        }

        Self {
            rows,
            dir,
            metrics,
            bounds,
            place,
            advance,
            glyph_count,
        }
    }

    /// Paragraph direction.
    pub fn direction(&self) -> Direction {
        self.dir
    }

    /// Metrics the paragraph was laid out with.
    pub fn metrics(&self) -> LayoutMetrics {
        self.metrics
    }

    /// Number of code points.
    pub fn len(&self) -> usize {
        self.bounds.last().copied().unwrap_or(0) as usize
    }

    /// True when the paragraph has no text.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Height of the rows (without the paragraph gap).
    pub fn height(&self) -> f32 {
        self.rows.len() as f32 * self.metrics.line_height_px
    }

    /// The visual rows.
    pub fn rows(&self) -> &[Row] {
        &self.rows
    }

    /// Total advance width of all rows.
    pub fn total_advance(&self) -> f32 {
        self.advance
    }

    /// Number of glyphs (memory accounting).
    pub fn glyph_count(&self) -> usize {
        self.glyph_count
    }

    /// `offset` moved back to the start of the grapheme containing it, clamped to the length.
    pub fn snap(&self, offset: usize) -> usize {
        let offset = offset.min(self.len());
        let i = self.bounds.partition_point(|&b| b as usize <= offset);
        self.bounds.get(i.saturating_sub(1)).copied().unwrap_or(0) as usize
    }

    /// Index of the grapheme starting at boundary `offset` (already snapped).
    fn grapheme_at_bound(&self, offset: usize) -> usize {
        self.bounds.partition_point(|&b| (b as usize) < offset)
    }

    fn gbox(&self, g: usize) -> Option<(usize, &GBox)> {
        let &(r, b) = self.place.get(g)?;
        let row = self.rows.get(r as usize)?;
        row.boxes.get(b as usize).map(|bx| (r as usize, bx))
    }

    /// Row, edge x, side (+1: the attached box lies to the right, -1: left) and that box's width.
    fn caret_anchor(&self, caret: Caret) -> (usize, f32, f32, f32) {
        let offset = self.snap(caret.offset);
        let g = self.grapheme_at_bound(offset);
        let n = self.bounds.len() - 1;
        let use_up = match caret.affinity {
            Affinity::Upstream => g > 0,
            Affinity::Downstream => g >= n && g > 0,
        };
        let anchor = if use_up {
            self.gbox(g - 1).map(|(r, bx)| {
                (
                    r,
                    bx.trailing_x(),
                    if bx.rtl { 1.0 } else { -1.0 },
                    bx.width(),
                )
            })
        } else {
            self.gbox(g).map(|(r, bx)| {
                (
                    r,
                    bx.leading_x(),
                    if bx.rtl { -1.0 } else { 1.0 },
                    bx.width(),
                )
            })
        };
        anchor.unwrap_or_else(|| {
            let w = self.metrics.caret_width() * 2.0;
            if self.dir.is_rtl() {
                (0, self.metrics.width_px, -1.0, w)
            } else {
                (0, 0.0, 1.0, w)
            }
        })
    }

    /// Row index a caret is drawn on.
    pub fn caret_row(&self, caret: Caret) -> usize {
        self.caret_anchor(caret).0
    }

    /// The caret's edge position (row, x).
    pub fn caret_x(&self, caret: Caret) -> (usize, f32) {
        let (r, x, _, _) = self.caret_anchor(caret);
        (r, x)
    }

    /// Caret rectangle, relative to the paragraph. It lies inside the box it is attached
    /// to (at most half its width), so its centre hit-tests back to the same caret.
    pub fn caret_rect(&self, caret: Caret) -> PxRect {
        let (r, x, side, attached) = self.caret_anchor(caret);
        let w = self.metrics.caret_width().min(attached * 0.5);
        let row = &self.rows[r.min(self.rows.len() - 1)];
        let (x0, x1) = if side > 0.0 { (x, x + w) } else { (x - w, x) };
        PxRect::new(x0, row.top, x1, row.top + row.height)
    }

    /// Row under paragraph-relative `y` (clamped).
    pub fn row_at_y(&self, y: f32) -> usize {
        let lh = self.metrics.line_height_px;
        if y <= 0.0 || !y.is_finite() {
            return 0;
        }
        ((y / lh) as usize).min(self.rows.len() - 1)
    }

    /// Caret for a paragraph-relative point. Points beside a row go to its nearest end.
    pub fn hit(&self, x: f32, y: f32) -> Caret {
        let row = &self.rows[self.row_at_y(y)];
        let mut best: Option<(&GBox, f32)> = None;
        for bx in &row.boxes {
            let d = if x < bx.x0 {
                bx.x0 - x
            } else if x >= bx.x1 {
                // A zero-width box is never "inside"; distance from its edge.
                (x - bx.x1).max(if bx.width() > 0.0 {
                    0.0
                } else {
                    f32::MIN_POSITIVE
                })
            } else {
                -1.0
            };
            let better = match best {
                None => true,
                Some((b, bd)) => d < bd || (d == bd && bx.width() > b.width()),
            };
            if better {
                best = Some((bx, d));
            }
            if d < 0.0 {
                break;
            }
        }
        let Some((bx, _)) = best else {
            return Caret::new(row.start as usize, Affinity::Downstream);
        };
        let g = bx.g as usize;
        let (start, end) = (self.bounds[g] as usize, self.bounds[g + 1] as usize);
        let left_half = x < (bx.x0 + bx.x1) * 0.5;
        if left_half != bx.rtl {
            Caret::new(start, Affinity::Downstream)
        } else {
            Caret::new(end, Affinity::Upstream)
        }
    }

    /// Highlight rectangles of `range` (code points), one per visual piece, paragraph-relative.
    /// A cluster is highlighted when it overlaps the range.
    pub fn highlight(&self, range: Range<usize>, out: &mut Vec<PxRect>) {
        if range.start >= range.end {
            return;
        }
        for row in &self.rows {
            if row.end as usize <= range.start || row.start as usize >= range.end {
                continue;
            }
            let mut piece: Option<(f32, f32)> = None;
            for bx in &row.boxes {
                if bx.width() <= 0.0 {
                    // Invisible clusters neither start nor break a piece.
                    continue;
                }
                let g = bx.g as usize;
                let (s, e) = (self.bounds[g] as usize, self.bounds[g + 1] as usize);
                if s < range.end && e > range.start {
                    piece = Some(match piece {
                        Some((a, _)) => (a, bx.x1),
                        None => (bx.x0, bx.x1),
                    });
                } else if let Some((a, b)) = piece.take() {
                    out.push(PxRect::new(a, row.top, b, row.top + row.height));
                }
            }
            if let Some((a, b)) = piece {
                out.push(PxRect::new(a, row.top, b, row.top + row.height));
            }
        }
    }

    /// Caret stops of a row, left to right: (x, caret, comes-from-the-box-on-the-left).
    fn stops(&self, r: usize) -> Vec<(f32, Caret, bool)> {
        let mut stops = Vec::new();
        if let Some(row) = self.rows.get(r) {
            for bx in &row.boxes {
                let g = bx.g as usize;
                let (s, e) = (self.bounds[g] as usize, self.bounds[g + 1] as usize);
                let (left, right) = if bx.rtl {
                    (
                        Caret::new(e, Affinity::Upstream),
                        Caret::new(s, Affinity::Downstream),
                    )
                } else {
                    (
                        Caret::new(s, Affinity::Downstream),
                        Caret::new(e, Affinity::Upstream),
                    )
                };
                stops.push((bx.x0, left, false));
                stops.push((bx.x1, right, true));
            }
        }
        stops
    }

    /// Moves the caret one position visually right (or left) within its row; `None` at the
    /// row's edge. Right moves to a larger x, whatever the direction of the text.
    pub fn move_visual(&self, caret: Caret, right: bool) -> Option<Caret> {
        let (r, x) = self.caret_x(caret);
        let eps = 0.01;
        let stops = self.stops(r);
        let target = if right {
            stops
                .iter()
                .filter(|s| s.0 > x + eps)
                .map(|s| s.0)
                .reduce(f32::min)?
        } else {
            stops
                .iter()
                .filter(|s| s.0 < x - eps)
                .map(|s| s.0)
                .reduce(f32::max)?
        };
        // At a shared edge, prefer the stop of the box just crossed.
        let at: Vec<_> = stops
            .iter()
            .filter(|s| (s.0 - target).abs() <= eps)
            .collect();
        at.iter().find(|s| s.2 == right).or(at.first()).map(|s| s.1)
    }

    /// Caret at the left end (`right == false`) or right end of row `r`.
    pub fn row_edge(&self, r: usize, right: bool) -> Caret {
        let stops = self.stops(r);
        let pick = if right {
            stops
                .iter()
                .max_by(|a, b| a.0.total_cmp(&b.0).then(a.2.cmp(&b.2)))
        } else {
            stops
                .iter()
                .min_by(|a, b| a.0.total_cmp(&b.0).then(b.2.cmp(&a.2)))
        };
        pick.map_or(
            Caret::new(
                self.rows.get(r).map_or(0, |row| row.start as usize),
                Affinity::Downstream,
            ),
            |s| s.1,
        )
    }

    /// Logical start (Home) of row `r`.
    pub fn row_start(&self, r: usize) -> Caret {
        Caret::new(
            self.rows.get(r).map_or(0, |row| row.start as usize),
            Affinity::Downstream,
        )
    }

    /// Logical end (End) of row `r`.
    pub fn row_end(&self, r: usize) -> Caret {
        let end = self.rows.get(r).map_or(self.len(), |row| row.end as usize);
        Caret::new(
            end,
            if end == 0 {
                Affinity::Downstream
            } else {
                Affinity::Upstream
            },
        )
    }

    /// Left-to-right boxes of a row as (code-point range, x0, x1) for tests and debugging.
    pub fn row_clusters(&self, r: usize) -> Vec<(Range<usize>, f32, f32)> {
        self.rows.get(r).map_or_else(Vec::new, |row| {
            row.boxes
                .iter()
                .map(|bx| {
                    let g = bx.g as usize;
                    (
                        self.bounds[g] as usize..self.bounds[g + 1] as usize,
                        bx.x0,
                        bx.x1,
                    )
                })
                .collect()
        })
    }
}
