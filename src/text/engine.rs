//! The egui side of the engine: font system, glyph rasterisation into an egui texture
//! atlas, and the caches shared by every document view and label.

use std::collections::HashMap;

use cosmic_text::{CacheKey, FontSystem, SwashCache, SwashContent};
use egui::{Color32, ColorImage, Context, Mesh, Pos2, Rect, TextureHandle, TextureOptions, pos2};

use super::atlas::{AtlasError, AtlasStats, GlyphAtlas, GlyphBitmap, Upload};
use super::document::DocLayout;
use super::fonts::{NOTO_NASKH_ARABIC, NOTO_SANS_HEBREW, embedded_font_system};
use super::layout::{LayoutMetrics, ParagraphLayout};
use super::paragraphs::base_direction;

/// How many documents keep their layout caches (a document view plus review panes).
const MAX_DOCS: usize = 4;
/// Labels not shown for this many frames are dropped.
const LABEL_TTL_FRAMES: u64 = 120;

/// Text layout and painting state shared by [`super::DocumentView`] and [`super::BidiLabel`]:
/// fonts loaded from memory, a swash rasteriser, the glyph atlas texture and the
/// per-paragraph layout caches.
pub struct TextEngine {
    fonts: FontSystem,
    painter: GlyphPainter,
    docs: Vec<(DocLayout, u64)>,
    labels: HashMap<(String, u32, u32), (ParagraphLayout, u64)>,
    frame: u64,
}

impl std::fmt::Debug for TextEngine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TextEngine")
            .field("docs", &self.docs.len())
            .field("labels", &self.labels.len())
            .field("atlas", &self.painter.atlas.stats())
            .finish()
    }
}

impl Default for TextEngine {
    fn default() -> Self {
        Self::new()
    }
}

impl TextEngine {
    /// Loads the embedded fonts; no system font scan.
    pub fn new() -> Self {
        Self {
            fonts: embedded_font_system(),
            painter: GlyphPainter::new(),
            docs: Vec::new(),
            labels: HashMap::new(),
            frame: 0,
        }
    }

    /// Glyph atlas diagnostics (size, growths, evictions, glyphs that could not be drawn).
    pub fn atlas_stats(&self) -> (AtlasStats, usize) {
        (self.painter.atlas.stats(), self.painter.dropped)
    }

    /// Cached documents, paragraph layouts and glyphs held by them.
    pub fn cache_stats(&self) -> (usize, usize, usize) {
        let paras = self.docs.iter().map(|(d, _)| d.cached_paragraphs()).sum();
        let glyphs = self.docs.iter().map(|(d, _)| d.cached_glyphs()).sum();
        (self.docs.len(), paras, glyphs)
    }

    /// Starts a frame: ages the label cache.
    pub(crate) fn begin_frame(&mut self, ctx: &Context) {
        let frame = ctx.cumulative_frame_nr();
        if frame != self.frame {
            self.frame = frame;
            if self.labels.len() > 64 {
                let now = self.frame;
                self.labels
                    .retain(|_, (_, used)| now.saturating_sub(*used) < LABEL_TTL_FRAMES);
            }
        }
    }

    /// Index of the cached layout of `text` (a document) with `metrics` applied; stays
    /// valid until the next call. Up to four documents stay cached.
    pub fn document_index(&mut self, text: &str, metrics: LayoutMetrics) -> usize {
        let frame = self.frame;
        // Pointer and length first: the common case is the same string every frame.
        let idx = match self
            .docs
            .iter()
            .position(|(d, _)| d.text().len() == text.len() && d.text() == text)
        {
            Some(i) => i,
            None => {
                if self.docs.len() >= MAX_DOCS
                    && let Some(oldest) = self
                        .docs
                        .iter()
                        .enumerate()
                        .min_by_key(|(_, (_, used))| *used)
                        .map(|(i, _)| i)
                {
                    self.docs.swap_remove(oldest);
                }
                self.docs.push((DocLayout::new(text, metrics), frame));
                self.docs.len() - 1
            }
        };
        let (doc, used) = &mut self.docs[idx];
        *used = frame;
        doc.set_metrics(metrics);
        idx
    }

    /// The document at `index` (from [`Self::document_index`]) and the font system. An
    /// out-of-range index falls back to the last cached document (or an empty one).
    pub fn doc_mut(&mut self, index: usize) -> (&mut DocLayout, &mut FontSystem) {
        let i = index.min(self.docs.len().saturating_sub(1));
        if self.docs.is_empty() {
            self.docs.push((
                DocLayout::new("", LayoutMetrics::new(16.0, 100.0)),
                self.frame,
            ));
        }
        (&mut self.docs[i].0, &mut self.fonts)
    }

    /// The cached layout of `text` with `metrics` applied, and the font system.
    pub fn document(
        &mut self,
        text: &str,
        metrics: LayoutMetrics,
    ) -> (&mut DocLayout, &mut FontSystem) {
        let i = self.document_index(text, metrics);
        self.doc_mut(i)
    }

    /// A single-paragraph layout for labels, cached by (text, width, font size).
    pub(crate) fn label_layout(&mut self, text: &str, metrics: LayoutMetrics) -> &ParagraphLayout {
        let key = (
            text.to_owned(),
            metrics.width_px.to_bits(),
            metrics.font_px.to_bits(),
        );
        let frame = self.frame;
        let fonts = &mut self.fonts;
        let entry = self.labels.entry(key).or_insert_with(|| {
            (
                ParagraphLayout::new(fonts, text, base_direction(text), metrics),
                frame,
            )
        });
        entry.1 = frame;
        &entry.0
    }

    /// One mesh with the glyphs of paragraphs of document `index`: (paragraph, physical
    /// origin of its top-left, physical y range to paint relative to it).
    pub(crate) fn document_glyph_mesh(
        &mut self,
        ctx: &Context,
        index: usize,
        jobs: &[(usize, [f32; 2], [f32; 2])],
        color: Color32,
        ppp: f32,
    ) -> Mesh {
        let Some((doc, _)) = self.docs.get(index) else {
            return Mesh::default();
        };
        let glyph_jobs: Vec<GlyphJob<'_>> = jobs
            .iter()
            .filter_map(|&(i, origin_px, clip_y_px)| {
                doc.paragraph_layout(i).map(|layout| GlyphJob {
                    layout,
                    origin_px,
                    clip_y_px,
                    color,
                })
            })
            .collect();
        self.painter.mesh(ctx, &mut self.fonts, &glyph_jobs, ppp)
    }

    /// Layout and glyph mesh of a label in one call (avoids a double borrow).
    pub(crate) fn label_mesh(
        &mut self,
        ctx: &Context,
        text: &str,
        metrics: LayoutMetrics,
        origin_px: [f32; 2],
        color: Color32,
        ppp: f32,
    ) -> (Mesh, f32, f32) {
        let _ = self.label_layout(text, metrics);
        let key = (
            text.to_owned(),
            metrics.width_px.to_bits(),
            metrics.font_px.to_bits(),
        );
        let Some((layout, _)) = self.labels.get(&key) else {
            return (Mesh::default(), 0.0, 0.0);
        };
        let width = label_width(layout);
        let height = layout.height();
        let job = GlyphJob {
            layout,
            origin_px,
            clip_y_px: [f32::NEG_INFINITY, f32::INFINITY],
            color,
        };
        (
            self.painter.mesh(ctx, &mut self.fonts, &[job], ppp),
            width,
            height,
        )
    }
}

/// Visual width of the widest row of a layout.
pub(crate) fn label_width(layout: &ParagraphLayout) -> f32 {
    layout
        .rows()
        .iter()
        .flat_map(|r| r.glyphs.iter().map(|g| (g.x, g.x + g.w)))
        .fold(None, |acc: Option<(f32, f32)>, (a, b)| {
            Some(acc.map_or((a, b), |(x0, x1)| (x0.min(a), x1.max(b))))
        })
        .map_or(0.0, |(a, b)| b - a)
}

/// One paragraph to paint: its layout, the physical-pixel origin of its top-left corner
/// (whole pixels), the physical y range worth painting, and the text colour.
pub(crate) struct GlyphJob<'a> {
    pub layout: &'a ParagraphLayout,
    pub origin_px: [f32; 2],
    pub clip_y_px: [f32; 2],
    pub color: Color32,
}

struct GlyphPainter {
    swash: SwashCache,
    atlas: GlyphAtlas<CacheKey>,
    texture: Option<TextureHandle>,
    /// Glyphs that could not be placed even after eviction (reported, never hidden).
    dropped: usize,
}

impl GlyphPainter {
    fn new() -> Self {
        Self {
            swash: SwashCache::new(),
            atlas: GlyphAtlas::new(512, 4096),
            texture: None,
            dropped: 0,
        }
    }

    fn rasterize(&mut self, fonts: &mut FontSystem, key: CacheKey) -> Option<GlyphBitmap> {
        let image = self.swash.get_image_uncached(fonts, key)?;
        let (w, h) = (image.placement.width, image.placement.height);
        let n = (w * h) as usize;
        let pixels: Vec<Color32> = match image.content {
            SwashContent::Mask => image
                .data
                .iter()
                .take(n)
                .map(|&a| Color32::from_white_alpha(a))
                .collect(),
            SwashContent::Color => image
                .data
                .chunks_exact(4)
                .take(n)
                .map(|p| Color32::from_rgba_unmultiplied(p[0], p[1], p[2], p[3]))
                .collect(),
            SwashContent::SubpixelMask => image
                .data
                .chunks_exact(4)
                .take(n)
                .map(|p| {
                    Color32::from_white_alpha(
                        ((u16::from(p[0]) + u16::from(p[1]) + u16::from(p[2])) / 3) as u8,
                    )
                })
                .collect(),
        };
        if pixels.len() != n {
            return None;
        }
        Some(GlyphBitmap {
            width: w,
            height: h,
            left: image.placement.left,
            top: image.placement.top,
            pixels,
            color: matches!(image.content, SwashContent::Color),
        })
    }

    fn ensure(&mut self, fonts: &mut FontSystem, keys: &[CacheKey]) {
        let mut evicted = false;
        let mut i = 0;
        while i < keys.len() {
            let key = keys[i];
            if self.atlas.get(&key).is_some() {
                i += 1;
                continue;
            }
            let bitmap = self.rasterize(fonts, key);
            match self.atlas.insert(key, bitmap.as_ref()) {
                Ok(_) => i += 1,
                Err(AtlasError::Full(_)) if !evicted => {
                    // Start over with an empty atlas holding only this frame's glyphs.
                    self.atlas.evict_all();
                    evicted = true;
                    i = 0;
                }
                Err(_) => {
                    self.dropped += 1;
                    i += 1;
                }
            }
        }
    }

    fn upload(&mut self, ctx: &Context) {
        let side = self.atlas.side();
        match (self.atlas.take_upload(), &mut self.texture) {
            (Some(Upload::Whole), Some(tex)) => {
                tex.set(
                    ColorImage::new([side, side], self.atlas.pixels().to_vec()),
                    TextureOptions::LINEAR,
                );
            }
            (Some(Upload::Region { pos, size }), Some(tex)) => {
                tex.set_partial(
                    pos,
                    ColorImage::new(size, self.atlas.region(pos, size)),
                    TextureOptions::LINEAR,
                );
            }
            (_, None) => {
                self.texture = Some(ctx.load_texture(
                    "qalam-glyph-atlas",
                    ColorImage::new([side, side], self.atlas.pixels().to_vec()),
                    TextureOptions::LINEAR,
                ));
            }
            (None, Some(_)) => {}
        }
    }

    fn mesh(
        &mut self,
        ctx: &Context,
        fonts: &mut FontSystem,
        jobs: &[GlyphJob<'_>],
        ppp: f32,
    ) -> Mesh {
        // Pass 1: physical glyph positions. Pass 2: make sure all are in the atlas (an
        // eviction invalidates earlier placements, so UVs are computed only afterwards).
        let mut placed: Vec<(CacheKey, i32, i32, Color32)> = Vec::new();
        for job in jobs {
            for row in job.layout.rows() {
                // The clip range is relative to the paragraph, like `row.top`.
                if row.top + row.height < job.clip_y_px[0] || row.top > job.clip_y_px[1] {
                    continue;
                }
                for g in &row.glyphs {
                    let pg = g.physical((job.origin_px[0], job.origin_px[1] + row.baseline), 1.0);
                    placed.push((pg.cache_key, pg.x, pg.y, job.color));
                }
            }
        }
        let mut keys: Vec<CacheKey> = placed.iter().map(|p| p.0).collect();
        keys.sort_unstable();
        keys.dedup();
        self.ensure(fonts, &keys);
        self.upload(ctx);
        let Some(tex) = &self.texture else {
            return Mesh::default();
        };
        let side = self.atlas.side() as f32;
        let mut mesh = Mesh::with_texture(tex.id());
        for (key, x, y, color) in placed {
            let Some(Some(e)) = self.atlas.get(&key) else {
                continue;
            };
            let px0 = (x + e.left) as f32;
            let py0 = (y - e.top) as f32;
            let rect = Rect::from_min_max(
                pos2(px0 / ppp, py0 / ppp),
                pos2(
                    (px0 + e.size[0] as f32) / ppp,
                    (py0 + e.size[1] as f32) / ppp,
                ),
            );
            let uv = Rect::from_min_max(
                Pos2::new(e.pos[0] as f32 / side, e.pos[1] as f32 / side),
                Pos2::new(
                    (e.pos[0] + e.size[0]) as f32 / side,
                    (e.pos[1] + e.size[1]) as f32 / side,
                ),
            );
            mesh.add_rect_with_uv(rect, uv, if e.color { Color32::WHITE } else { color });
        }
        mesh
    }
}

/// Registers Noto Naskh Arabic and Noto Sans Hebrew as fallbacks of egui's proportional
/// and monospace families, so plain egui widgets show these scripts' glyphs instead of
/// boxes. (Their bidi order is still egui's, which is why document text uses this
/// module's views instead.)
pub fn install_egui_fallback_fonts(ctx: &Context) {
    // `add_font` appends to whatever fonts the app already set, at the lowest priority.
    for (name, data) in [
        ("noto-naskh-arabic", NOTO_NASKH_ARABIC),
        ("noto-sans-hebrew", NOTO_SANS_HEBREW),
    ] {
        let families = [egui::FontFamily::Proportional, egui::FontFamily::Monospace]
            .into_iter()
            .map(|family| egui::epaint::text::InsertFontFamily {
                family,
                priority: egui::epaint::text::FontPriority::Lowest,
            })
            .collect();
        ctx.add_font(egui::epaint::text::FontInsert {
            name: name.to_owned(),
            data: egui::FontData::from_static(data),
            families,
        });
    }
}
