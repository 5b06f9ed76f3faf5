//! A whole document as a column of paragraphs, laid out lazily and cached per paragraph.
//!
//! Coordinates are layout pixels with the origin at the top-left of the first paragraph.
//! Paragraphs never laid out use an estimated height; [`DocLayout::ensure_visible`] lays
//! out a window and reports how far content above an anchor moved, so the caller can keep
//! the scroll position steady.

use std::ops::Range;

use cosmic_text::FontSystem;
use unicode_segmentation::UnicodeSegmentation;

use super::layout::{Affinity, Caret, LayoutMetrics, ParagraphLayout, PxRect};
use super::paragraphs::{Direction, OffsetTable, ParagraphSpan, base_direction, split_paragraphs};

/// A paragraph entry: where it is, its direction and its layout if it has one.
#[derive(Debug)]
struct Para {
    span: ParagraphSpan,
    dir: Direction,
    layout: Option<Box<ParagraphLayout>>,
    /// Measured height for the current metrics, kept after the layout is evicted.
    measured: Option<f32>,
    last_used: u64,
}

/// Default glyph budget of the layout cache: beyond it the least recently used paragraphs
/// are dropped (their measured heights stay). About 120 bytes per glyph.
pub const DEFAULT_GLYPH_BUDGET: usize = 150_000;

/// A lazily laid-out document.
#[derive(Debug)]
pub struct DocLayout {
    text: String,
    paras: Vec<Para>,
    metrics: LayoutMetrics,
    /// `tops[i]` is the top of paragraph i; one extra entry holds the total height.
    tops: Vec<f32>,
    tops_dirty: bool,
    /// Running totals of laid-out text, for estimating the rest.
    laid_chars: f64,
    laid_advance: f64,
    clock: u64,
    glyphs_cached: usize,
    glyph_budget: usize,
    len_chars: usize,
}

impl DocLayout {
    /// Splits `text` into paragraphs; nothing is shaped yet.
    pub fn new(text: &str, metrics: LayoutMetrics) -> Self {
        let spans = split_paragraphs(text);
        let len_chars = spans.last().map_or(0, |p| p.chars.end + p.break_chars);
        let paras = spans
            .into_iter()
            .map(|span| {
                let dir = base_direction(&text[span.bytes.clone()]);
                Para {
                    span,
                    dir,
                    layout: None,
                    measured: None,
                    last_used: 0,
                }
            })
            .collect();
        let mut doc = Self {
            text: text.to_owned(),
            paras,
            metrics,
            tops: Vec::new(),
            tops_dirty: true,
            laid_chars: 0.0,
            laid_advance: 0.0,
            clock: 0,
            glyphs_cached: 0,
            glyph_budget: DEFAULT_GLYPH_BUDGET,
            len_chars,
        };
        doc.recompute_tops();
        doc
    }

    /// The document text.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Length in code points.
    pub fn len_chars(&self) -> usize {
        self.len_chars
    }

    /// Number of paragraphs.
    pub fn paragraph_count(&self) -> usize {
        self.paras.len()
    }

    /// Current metrics.
    pub fn metrics(&self) -> LayoutMetrics {
        self.metrics
    }

    /// Sets the glyph budget of the cache (tests use small ones).
    pub fn set_glyph_budget(&mut self, glyphs: usize) {
        self.glyph_budget = glyphs.max(1);
    }

    /// Glyphs currently held by cached paragraph layouts.
    pub fn cached_glyphs(&self) -> usize {
        self.glyphs_cached
    }

    /// Number of paragraphs with a cached layout.
    pub fn cached_paragraphs(&self) -> usize {
        self.paras.iter().filter(|p| p.layout.is_some()).count()
    }

    /// Changes width or font size; layouts made with other metrics are dropped.
    pub fn set_metrics(&mut self, metrics: LayoutMetrics) {
        if metrics == self.metrics {
            return;
        }
        self.metrics = metrics;
        for p in &mut self.paras {
            p.layout = None;
            p.measured = None;
        }
        self.glyphs_cached = 0;
        self.tops_dirty = true;
        self.recompute_tops();
    }

    /// Code-point range of paragraph `i` (without its break).
    pub fn paragraph_range(&self, i: usize) -> Range<usize> {
        self.paras.get(i).map_or(0..0, |p| p.span.chars.clone())
    }

    /// Text of paragraph `i`.
    pub fn paragraph_text(&self, i: usize) -> &str {
        self.paras
            .get(i)
            .map_or("", |p| &self.text[p.span.bytes.clone()])
    }

    /// Base direction of paragraph `i`.
    pub fn paragraph_direction(&self, i: usize) -> Direction {
        self.paras.get(i).map_or(Direction::Ltr, |p| p.dir)
    }

    /// Cached layout of paragraph `i`, if any.
    pub fn paragraph_layout(&self, i: usize) -> Option<&ParagraphLayout> {
        self.paras.get(i).and_then(|p| p.layout.as_deref())
    }

    fn estimate_height(&self, chars: usize) -> f32 {
        let m = self.metrics;
        // Average advance per code point in em; Naskh prose measures about 0.45.
        let em_per_char = if self.laid_chars > 200.0 {
            (self.laid_advance / self.laid_chars) as f32 / m.font_px
        } else {
            0.45
        };
        let width = chars as f32 * em_per_char * m.font_px;
        let rows = (width / m.width_px).ceil().max(1.0);
        rows * m.line_height_px
    }

    fn para_height(&self, i: usize) -> f32 {
        let p = &self.paras[i];
        p.measured
            .unwrap_or_else(|| self.estimate_height(p.span.chars.len()))
    }

    fn recompute_tops(&mut self) {
        if !self.tops_dirty {
            return;
        }
        let mut tops = std::mem::take(&mut self.tops);
        tops.clear();
        tops.reserve(self.paras.len() + 1);
        let mut y = 0.0;
        for i in 0..self.paras.len() {
            tops.push(y);
            y += self.para_height(i) + self.metrics.paragraph_gap_px;
        }
        tops.push(y);
        self.tops = tops;
        self.tops_dirty = false;
    }

    /// Top of paragraph `i` (estimated above unlaid paragraphs).
    pub fn paragraph_top(&mut self, i: usize) -> f32 {
        self.recompute_tops();
        self.tops
            .get(i.min(self.paras.len()))
            .copied()
            .unwrap_or(0.0)
    }

    /// Total height of the document.
    pub fn total_height(&mut self) -> f32 {
        self.recompute_tops();
        self.tops.last().copied().unwrap_or(0.0)
    }

    /// Paragraph whose band (including the gap below it) contains `y`, clamped.
    pub fn paragraph_at_y(&mut self, y: f32) -> usize {
        self.recompute_tops();
        let i = self.tops.partition_point(|&t| t <= y);
        i.saturating_sub(1).min(self.paras.len().saturating_sub(1))
    }

    /// Paragraph containing the document offset (offsets in a break belong to the
    /// paragraph before it).
    pub fn paragraph_of_offset(&self, offset: usize) -> usize {
        let i = self.paras.partition_point(|p| p.span.chars.start <= offset);
        i.saturating_sub(1)
    }

    /// Lays out paragraph `i` if it has no layout for the current metrics.
    pub fn ensure_paragraph(&mut self, fs: &mut FontSystem, i: usize) {
        self.clock += 1;
        let clock = self.clock;
        let Some(p) = self.paras.get_mut(i) else {
            return;
        };
        p.last_used = clock;
        if p.layout.is_some() {
            return;
        }
        let text = &self.text[p.span.bytes.clone()];
        let layout = ParagraphLayout::new(fs, text, p.dir, self.metrics);
        let h = layout.height();
        if p.measured != Some(h) {
            p.measured = Some(h);
            self.tops_dirty = true;
        }
        self.laid_chars += p.span.chars.len() as f64;
        self.laid_advance += f64::from(layout.total_advance());
        self.glyphs_cached += layout.glyph_count();
        p.layout = Some(Box::new(layout));
        self.evict(clock);
    }

    /// Drops least recently used layouts over the budget, never one used at `keep_clock`.
    fn evict(&mut self, keep_clock: u64) {
        if self.glyphs_cached <= self.glyph_budget {
            return;
        }
        let mut order: Vec<(u64, usize)> = self
            .paras
            .iter()
            .enumerate()
            .filter(|(_, p)| p.layout.is_some() && p.last_used < keep_clock)
            .map(|(i, p)| (p.last_used, i))
            .collect();
        order.sort_unstable();
        for (_, i) in order {
            if self.glyphs_cached <= self.glyph_budget * 3 / 4 {
                break;
            }
            if let Some(l) = self.paras[i].layout.take() {
                self.glyphs_cached = self.glyphs_cached.saturating_sub(l.glyph_count());
            }
        }
    }

    /// Marks paragraphs `range` as used now so eviction keeps them.
    pub fn touch(&mut self, range: Range<usize>) {
        self.clock += 1;
        for p in self.paras.get_mut(range).into_iter().flatten() {
            p.last_used = self.clock;
        }
    }

    /// Lays out the paragraphs seen through a viewport at `scroll_top` of height
    /// `view_height`, plus `margin` above and below, and returns their index range and the
    /// corrected scroll offset: the content at the old viewport top keeps its place on
    /// screen even when paragraphs above it replace estimated heights by measured ones.
    pub fn ensure_visible(
        &mut self,
        fs: &mut FontSystem,
        scroll_top: f32,
        view_height: f32,
        margin: f32,
    ) -> (Range<usize>, f32) {
        let scroll_top = scroll_top.max(0.0);
        let anchor = self.paragraph_at_y(scroll_top);
        let delta = scroll_top - self.paragraph_top(anchor);
        // The anchor paragraph and those below it do not move the anchor's top.
        let mut last = anchor;
        loop {
            self.ensure_paragraph(fs, last);
            // Relative to the anchor: better estimates may have moved every top.
            let bottom = self.paragraph_top(anchor) + delta + view_height + margin;
            if last + 1 >= self.paras.len() || self.paragraph_top(last + 1) >= bottom {
                break;
            }
            last += 1;
        }
        let delta = delta.min(self.para_height(anchor) + self.metrics.paragraph_gap_px);
        // Above the anchor: measure by distance to the anchor's (moving) top.
        let mut first = anchor;
        while first > 0 {
            let reach = self.paragraph_top(anchor) - self.paragraph_top(first);
            if reach >= margin - delta {
                break;
            }
            first -= 1;
            self.ensure_paragraph(fs, first);
        }
        self.touch(first..last + 1);
        let new_top = self.paragraph_top(anchor) + delta;
        (first..last + 1, new_top)
    }

    /// Splits a document offset into (paragraph, offset inside it); an offset inside a
    /// paragraph break (e.g. between `\r` and `\n`) becomes the end of the paragraph.
    pub fn locate(&self, offset: usize) -> (usize, usize) {
        let i = self.paragraph_of_offset(offset.min(self.len_chars));
        let span = &self.paras[i].span.chars;
        (i, offset.saturating_sub(span.start).min(span.len()))
    }

    /// The canonical form of a caret: an offset inside a paragraph break (e.g. between `\r`
    /// and `\n`) becomes the paragraph's end; one inside a grapheme cluster, the cluster's
    /// start; the affinity becomes upstream at a paragraph's end and downstream at its
    /// start, where only one neighbour exists. [`DocLayout::hit`] only returns canonical carets.
    pub fn normalize(&mut self, fs: &mut FontSystem, caret: Caret) -> Caret {
        let (i, local) = self.locate(caret.offset);
        self.ensure_paragraph(fs, i);
        let start = self.paras[i].span.chars.start;
        let len = self.paras[i].span.chars.len();
        let Some(layout) = self.paras[i].layout.as_deref() else {
            return caret;
        };
        let snapped = layout.snap(local);
        let in_break = caret.offset > start + len;
        // Affinity falls back where the wanted neighbour does not exist.
        let affinity = if len == 0 {
            Affinity::Downstream
        } else if in_break || snapped == len {
            Affinity::Upstream
        } else if snapped == 0 {
            Affinity::Downstream
        } else {
            caret.affinity
        };
        Caret::new(start + snapped, affinity)
    }

    /// Caret for a document point.
    pub fn hit(&mut self, fs: &mut FontSystem, x: f32, y: f32) -> Caret {
        let i = self.paragraph_at_y(y);
        self.ensure_paragraph(fs, i);
        let top = self.paragraph_top(i);
        let start = self.paras[i].span.chars.start;
        match self.paras[i].layout.as_deref() {
            Some(l) => {
                let c = l.hit(x, y - top);
                Caret::new(start + c.offset, c.affinity)
            }
            None => Caret::new(start, Affinity::Downstream),
        }
    }

    /// Caret rectangle in document coordinates.
    pub fn caret_rect(&mut self, fs: &mut FontSystem, caret: Caret) -> PxRect {
        let (i, local) = self.locate(caret.offset);
        let in_break = caret.offset > self.paras[i].span.chars.end;
        self.ensure_paragraph(fs, i);
        let top = self.paragraph_top(i);
        let affinity = if in_break {
            Affinity::Upstream
        } else {
            caret.affinity
        };
        self.paras[i]
            .layout
            .as_deref()
            .map_or_else(PxRect::default, |l| {
                l.caret_rect(Caret::new(local, affinity))
            })
            .translated_y(top)
    }

    /// Highlight rectangles of a document range, laying out every paragraph it touches.
    pub fn highlight_rects(&mut self, fs: &mut FontSystem, range: Range<usize>) -> Vec<PxRect> {
        let mut out = Vec::new();
        if range.start >= range.end {
            return out;
        }
        let (first, _) = self.locate(range.start);
        let (last, _) = self.locate(range.end.saturating_sub(1));
        for i in first..=last {
            self.ensure_paragraph(fs, i);
        }
        self.highlight_rects_in(range, first..last + 1, &mut out);
        out
    }

    /// Highlight rectangles of `range` restricted to paragraphs `paras` that already have a
    /// layout (for painting only what is visible).
    pub fn highlight_rects_in(
        &mut self,
        range: Range<usize>,
        paras: Range<usize>,
        out: &mut Vec<PxRect>,
    ) {
        if range.start >= range.end {
            return;
        }
        self.recompute_tops();
        let end = paras.end.min(self.paras.len());
        for i in paras.start..end {
            let p = &self.paras[i];
            let span = &p.span.chars;
            if span.end < range.start || span.start >= range.end {
                continue;
            }
            let Some(l) = p.layout.as_deref() else {
                continue;
            };
            let local = range.start.saturating_sub(span.start)
                ..range.end.saturating_sub(span.start).min(span.len());
            let before = out.len();
            l.highlight(local, out);
            let top = self.tops[i];
            for r in &mut out[before..] {
                *r = r.translated_y(top);
            }
        }
    }

    /// Row index (within its paragraph) of a caret.
    fn caret_row(&mut self, fs: &mut FontSystem, caret: Caret) -> (usize, usize, Caret) {
        let c = self.normalize(fs, caret);
        let (i, local) = self.locate(c.offset);
        let row = self.paras[i]
            .layout
            .as_deref()
            .map_or(0, |l| l.caret_row(Caret::new(local, c.affinity)));
        (i, row, Caret::new(local, c.affinity))
    }

    /// Moves the caret one step visually: `right` moves to larger x on screen. At the
    /// edge of a row it continues on the row the text flows to: in an RTL paragraph
    /// Right goes to the previous row (entering at its left end), in LTR to the next one.
    pub fn move_visual(&mut self, fs: &mut FontSystem, caret: Caret, right: bool) -> Caret {
        let (i, row, local) = self.caret_row(fs, caret);
        let start = self.paras[i].span.chars.start;
        let dir = self.paras[i].dir;
        if let Some(c) = self.paras[i]
            .layout
            .as_deref()
            .and_then(|l| l.move_visual(local, right))
        {
            return Caret::new(start + c.offset, c.affinity);
        }
        let forward_rows = right != dir.is_rtl();
        let target = if forward_rows {
            let rows = self.paras[i]
                .layout
                .as_deref()
                .map_or(1, |l| l.rows().len());
            if row + 1 < rows {
                Some((i, row + 1))
            } else if i + 1 < self.paras.len() {
                Some((i + 1, 0))
            } else {
                None
            }
        } else if row > 0 {
            Some((i, row - 1))
        } else if i > 0 {
            self.ensure_paragraph(fs, i - 1);
            let rows = self.paras[i - 1]
                .layout
                .as_deref()
                .map_or(1, |l| l.rows().len());
            Some((i - 1, rows - 1))
        } else {
            None
        };
        let Some((ti, trow)) = target else {
            return Caret::new(start + local.offset, local.affinity);
        };
        self.ensure_paragraph(fs, ti);
        let tstart = self.paras[ti].span.chars.start;
        let c = self.paras[ti]
            .layout
            .as_deref()
            .map_or(Caret::default(), |l| l.row_edge(trow, !right));
        Caret::new(tstart + c.offset, c.affinity)
    }

    /// Moves to the row above or below, keeping the x position.
    pub fn move_vertical(&mut self, fs: &mut FontSystem, caret: Caret, down: bool) -> Caret {
        let rect = self.caret_rect(fs, caret);
        let (x, _) = rect.center();
        let lh = self.metrics.line_height_px;
        let gap = self.metrics.paragraph_gap_px;
        let ty = if down {
            rect.max_y + gap + lh * 0.5
        } else {
            rect.min_y - gap - lh * 0.5
        };
        if ty < 0.0 {
            return Caret::new(0, Affinity::Downstream);
        }
        if ty >= self.total_height() {
            return Caret::new(self.len_chars, Affinity::Upstream);
        }
        // A gap between paragraphs: aim at the nearest row, not the gap.
        let i = self.paragraph_at_y(ty);
        self.ensure_paragraph(fs, i);
        let top = self.paragraph_top(i);
        let h = self.para_height(i);
        let ty = ty.clamp(top, top + (h - 1.0).max(0.0));
        self.hit(fs, x, ty)
    }

    /// Logical start of the caret's row (Home).
    pub fn row_start(&mut self, fs: &mut FontSystem, caret: Caret) -> Caret {
        let (i, row, _) = self.caret_row(fs, caret);
        let start = self.paras[i].span.chars.start;
        let c = self.paras[i]
            .layout
            .as_deref()
            .map_or(Caret::default(), |l| l.row_start(row));
        Caret::new(start + c.offset, c.affinity)
    }

    /// Logical end of the caret's row (End).
    pub fn row_end(&mut self, fs: &mut FontSystem, caret: Caret) -> Caret {
        let (i, row, _) = self.caret_row(fs, caret);
        let start = self.paras[i].span.chars.start;
        let c = self.paras[i]
            .layout
            .as_deref()
            .map_or(Caret::default(), |l| l.row_end(row));
        Caret::new(start + c.offset, c.affinity)
    }

    /// The word (Unicode word boundaries) containing `offset`, in document code points.
    /// On whitespace or punctuation the run itself is returned.
    pub fn word_at(&self, offset: usize) -> Range<usize> {
        let (i, local) = self.locate(offset);
        let span = &self.paras[i].span;
        let text = &self.text[span.bytes.clone()];
        let table = OffsetTable::new(text);
        let byte = table.byte_of(local);
        let is_word = |w: &str| w.chars().any(char::is_alphanumeric);
        let segments: Vec<(usize, &str)> = text.split_word_bound_indices().collect();
        let hit = segments
            .iter()
            .position(|&(b, w)| b <= byte && byte < b + w.len());
        let found = match hit {
            Some(k) if is_word(segments[k].1) => Some(k),
            // Just after a word (on the space or at the end): take the word before.
            Some(k) if k > 0 && segments[k].0 == byte && is_word(segments[k - 1].1) => Some(k - 1),
            Some(k) => Some(k),
            None => segments.len().checked_sub(1),
        }
        .map(|k| segments[k].0..segments[k].0 + segments[k].1.len());
        let r = found.unwrap_or(byte..byte);
        span.chars.start + table.char_of(r.start)..span.chars.start + table.char_of(r.end)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::fonts::embedded_font_system;

    #[test]
    fn estimates_are_replaced_by_measured_heights() {
        let mut fs = embedded_font_system();
        let para = "مرحبا بالعالم ".repeat(40);
        let text = format!("{para}\n{para}\n{para}");
        let mut doc = DocLayout::new(&text, LayoutMetrics::new(20.0, 300.0));
        let estimated = doc.total_height();
        doc.ensure_paragraph(&mut fs, 0);
        let measured = doc
            .paragraph_layout(0)
            .map(ParagraphLayout::height)
            .unwrap_or(0.0);
        assert!(measured > 0.0);
        assert!((doc.paragraph_top(1) - measured - doc.metrics().paragraph_gap_px).abs() < 0.01);
        assert!(estimated > 0.0);
    }

    #[test]
    fn eviction_respects_budget_and_keeps_heights() {
        let mut fs = embedded_font_system();
        let text = (0..30)
            .map(|i| format!("فقرة رقم {i} ").repeat(10))
            .collect::<Vec<_>>()
            .join("\n");
        let mut doc = DocLayout::new(&text, LayoutMetrics::new(20.0, 400.0));
        doc.set_glyph_budget(500);
        for i in 0..30 {
            doc.ensure_paragraph(&mut fs, i);
        }
        assert!(doc.cached_glyphs() <= 500 + 200, "{}", doc.cached_glyphs());
        assert!(doc.cached_paragraphs() < 30);
        // Heights measured before eviction stay.
        assert!(doc.paras.iter().all(|p| p.measured.is_some()));
    }

    #[test]
    fn word_at_finds_arabic_and_latin_words() {
        let text = "قال مصدر (Sky News) 2018";
        let doc = DocLayout::new(text, LayoutMetrics::new(20.0, 500.0));
        let chars: Vec<char> = text.chars().collect();
        let word = |r: Range<usize>| chars[r].iter().collect::<String>();
        assert_eq!(word(doc.word_at(5)), "مصدر");
        assert_eq!(word(doc.word_at(4)), "مصدر");
        assert_eq!(word(doc.word_at(11)), "Sky");
        assert_eq!(word(doc.word_at(22)), "2018");
        assert_eq!(word(doc.word_at(text.chars().count())), "2018");
    }

    #[test]
    fn offsets_in_crlf_belong_to_the_paragraph_end() {
        let mut fs = embedded_font_system();
        let mut doc = DocLayout::new("ab\r\ncd", LayoutMetrics::new(20.0, 500.0));
        assert_eq!(doc.locate(3), (0, 2));
        assert_eq!(doc.locate(4), (1, 0));
        let c = doc.normalize(&mut fs, Caret::new(3, Affinity::Downstream));
        assert_eq!(c, Caret::new(2, Affinity::Upstream));
    }
}
