//! A glyph atlas: a shelf packer over a CPU copy of an RGBA texture, with growth up to a
//! maximum side and whole-atlas eviction beyond it. The egui layer uploads dirty regions.

use std::collections::HashMap;
use std::hash::Hash;

use egui::Color32;

/// Where a glyph image sits in the atlas and how to place it relative to its pen position.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AtlasEntry {
    /// Top-left texel.
    pub pos: [u32; 2],
    /// Size in texels (and physical pixels).
    pub size: [u32; 2],
    /// Offset of the image's left edge from the pen x.
    pub left: i32,
    /// Offset of the image's top edge above the baseline.
    pub top: i32,
    /// True for colour bitmaps (emoji), which are drawn untinted.
    pub color: bool,
}

/// A rasterised glyph ready for the atlas: premultiplied RGBA pixels.
#[derive(Clone, Debug)]
pub struct GlyphBitmap {
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// Offset of the left edge from the pen x.
    pub left: i32,
    /// Offset of the top edge above the baseline.
    pub top: i32,
    /// Row-major premultiplied pixels, `width * height` of them.
    pub pixels: Vec<Color32>,
    /// True for colour bitmaps.
    pub color: bool,
}

/// Why an insertion failed.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum AtlasError {
    /// The atlas is at its maximum size and full; evict and retry.
    #[error("glyph atlas full at {0}x{0}")]
    Full(usize),
    /// The glyph alone is larger than the maximum atlas.
    #[error("glyph of {0}x{1} px cannot fit an atlas of side {2}")]
    TooLarge(u32, u32, usize),
}

#[derive(Clone, Copy, Debug)]
struct Shelf {
    y: u32,
    height: u32,
    x: u32,
}

/// Counters for diagnostics.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct AtlasStats {
    /// Glyph images currently stored.
    pub entries: usize,
    /// Times the atlas grew.
    pub grows: usize,
    /// Times everything was evicted.
    pub evictions: usize,
    /// Current side length.
    pub side: usize,
}

/// Glyph atlas keyed by `K` (cosmic-text's `CacheKey` in the app).
#[derive(Debug)]
pub struct GlyphAtlas<K> {
    side: usize,
    max_side: usize,
    pixels: Vec<Color32>,
    shelves: Vec<Shelf>,
    next_y: u32,
    entries: HashMap<K, Option<AtlasEntry>>,
    /// Texel rectangle changed since the last upload: (x0, y0, x1, y1).
    dirty: Option<[usize; 4]>,
    /// True when the whole texture must be re-sent (after growth or eviction).
    resized: bool,
    stats: AtlasStats,
}

/// One texel of padding keeps linear filtering from bleeding between glyphs.
const PAD: u32 = 1;

impl<K: Hash + Eq + Clone> GlyphAtlas<K> {
    /// An empty atlas of `initial_side`² texels that may grow to `max_side`².
    pub fn new(initial_side: usize, max_side: usize) -> Self {
        let max_side = max_side.max(16);
        let side = initial_side.clamp(16, max_side);
        Self {
            side,
            max_side,
            pixels: vec![Color32::TRANSPARENT; side * side],
            shelves: Vec::new(),
            next_y: 0,
            entries: HashMap::new(),
            dirty: None,
            resized: true,
            stats: AtlasStats {
                side,
                ..AtlasStats::default()
            },
        }
    }

    /// Side length in texels.
    pub fn side(&self) -> usize {
        self.side
    }

    /// Diagnostics.
    pub fn stats(&self) -> AtlasStats {
        AtlasStats {
            entries: self.entries.len(),
            side: self.side,
            ..self.stats
        }
    }

    /// Cached entry for `key`: `Some(None)` is a glyph with no pixels (a space).
    pub fn get(&self, key: &K) -> Option<Option<AtlasEntry>> {
        self.entries.get(key).copied()
    }

    /// The CPU copy of the texture.
    pub fn pixels(&self) -> &[Color32] {
        &self.pixels
    }

    /// Takes what must be sent to the GPU since the last call, if anything.
    pub fn take_upload(&mut self) -> Option<Upload> {
        if self.resized {
            self.resized = false;
            self.dirty = None;
            return Some(Upload::Whole);
        }
        self.dirty.take().map(|[x0, y0, x1, y1]| Upload::Region {
            pos: [x0, y0],
            size: [x1 - x0, y1 - y0],
        })
    }

    /// Copies a region of the CPU texture (for partial uploads).
    pub fn region(&self, pos: [usize; 2], size: [usize; 2]) -> Vec<Color32> {
        let mut out = Vec::with_capacity(size[0] * size[1]);
        for y in pos[1]..pos[1] + size[1] {
            let row = y * self.side;
            out.extend_from_slice(&self.pixels[row + pos[0]..row + pos[0] + size[0]]);
        }
        out
    }

    /// Drops every glyph; the next frame re-rasterises what it needs.
    pub fn evict_all(&mut self) {
        self.entries.clear();
        self.shelves.clear();
        self.next_y = 0;
        self.pixels
            .iter_mut()
            .for_each(|p| *p = Color32::TRANSPARENT);
        self.resized = true;
        self.stats.evictions += 1;
    }

    /// Inserts a glyph (or records that it has no pixels) unless present.
    pub fn insert(
        &mut self,
        key: K,
        bitmap: Option<&GlyphBitmap>,
    ) -> Result<Option<AtlasEntry>, AtlasError> {
        if let Some(e) = self.entries.get(&key) {
            return Ok(*e);
        }
        let Some(bm) = bitmap.filter(|b| b.width > 0 && b.height > 0) else {
            self.entries.insert(key, None);
            return Ok(None);
        };
        let (w, h) = (bm.width + PAD, bm.height + PAD);
        if w as usize > self.max_side || h as usize > self.max_side {
            return Err(AtlasError::TooLarge(bm.width, bm.height, self.max_side));
        }
        let pos = loop {
            if let Some(p) = self.allocate(w, h) {
                break p;
            }
            if self.side >= self.max_side {
                return Err(AtlasError::Full(self.side));
            }
            self.grow();
        };
        for row in 0..bm.height as usize {
            let src = &bm.pixels[row * bm.width as usize..(row + 1) * bm.width as usize];
            let dst = (pos[1] as usize + row) * self.side + pos[0] as usize;
            self.pixels[dst..dst + bm.width as usize].copy_from_slice(src);
        }
        let (x0, y0) = (pos[0] as usize, pos[1] as usize);
        let (x1, y1) = (x0 + bm.width as usize, y0 + bm.height as usize);
        self.dirty = Some(match self.dirty {
            Some([a, b, c, d]) => [a.min(x0), b.min(y0), c.max(x1), d.max(y1)],
            None => [x0, y0, x1, y1],
        });
        let entry = AtlasEntry {
            pos,
            size: [bm.width, bm.height],
            left: bm.left,
            top: bm.top,
            color: bm.color,
        };
        self.entries.insert(key, Some(entry));
        Ok(Some(entry))
    }

    fn allocate(&mut self, w: u32, h: u32) -> Option<[u32; 2]> {
        let side = u32::try_from(self.side).unwrap_or(u32::MAX);
        // Best-fitting shelf that is tall enough but not wastefully so.
        let mut best: Option<usize> = None;
        for (i, s) in self.shelves.iter().enumerate() {
            let fits = s.height >= h && s.height <= h + h / 2 + 2 && s.x + w <= side;
            if fits && best.is_none_or(|b| self.shelves[b].height > s.height) {
                best = Some(i);
            }
        }
        if let Some(i) = best {
            let s = &mut self.shelves[i];
            let p = [s.x, s.y];
            s.x += w;
            return Some(p);
        }
        if self.next_y + h <= side && w <= side {
            let shelf = Shelf {
                y: self.next_y,
                height: h,
                x: w,
            };
            self.next_y += h;
            self.shelves.push(shelf);
            return Some([0, shelf.y]);
        }
        None
    }

    /// Doubles the side; existing texels keep their positions.
    fn grow(&mut self) {
        let new_side = (self.side * 2).min(self.max_side);
        let mut pixels = vec![Color32::TRANSPARENT; new_side * new_side];
        for y in 0..self.side {
            pixels[y * new_side..y * new_side + self.side]
                .copy_from_slice(&self.pixels[y * self.side..(y + 1) * self.side]);
        }
        self.pixels = pixels;
        self.side = new_side;
        self.resized = true;
        self.stats.grows += 1;
    }
}

/// What to send to the GPU texture.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Upload {
    /// The whole texture (new size or cleared).
    Whole,
    /// Only this region changed.
    Region {
        /// Top-left texel.
        pos: [usize; 2],
        /// Size in texels.
        size: [usize; 2],
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bitmap(w: u32, h: u32, v: u8) -> GlyphBitmap {
        GlyphBitmap {
            width: w,
            height: h,
            left: 0,
            top: 0,
            pixels: vec![Color32::from_white_alpha(v); (w * h) as usize],
            color: false,
        }
    }

    #[test]
    fn grows_and_keeps_existing_pixels() {
        let mut atlas: GlyphAtlas<u32> = GlyphAtlas::new(32, 128);
        let first = atlas.insert(0, Some(&bitmap(10, 10, 200))).ok().flatten();
        let Some(first) = first else {
            panic!("first glyph not stored")
        };
        assert_eq!(atlas.take_upload(), Some(Upload::Whole));
        // Fill past 32x32: 20 glyphs of 11x11 texels need more room.
        for k in 1..20 {
            assert!(atlas.insert(k, Some(&bitmap(10, 10, k as u8))).is_ok());
        }
        assert!(atlas.side() > 32);
        assert!(atlas.stats().grows >= 1);
        let [x, y] = first.pos;
        assert_eq!(
            atlas.pixels()[y as usize * atlas.side() + x as usize],
            Color32::from_white_alpha(200)
        );
        assert_eq!(atlas.take_upload(), Some(Upload::Whole));
        // Re-inserting is a cache hit with the same place.
        assert_eq!(atlas.insert(0, Some(&bitmap(10, 10, 1))), Ok(Some(first)));
        // Empty glyphs are remembered without pixels.
        assert_eq!(atlas.insert(99, None), Ok(None));
        assert_eq!(atlas.get(&99), Some(None));
    }

    #[test]
    fn reports_full_instead_of_overflowing_and_recovers_after_eviction() {
        let mut atlas: GlyphAtlas<u32> = GlyphAtlas::new(32, 64);
        let mut stored = 0;
        let mut full = false;
        for k in 0..100 {
            match atlas.insert(k, Some(&bitmap(15, 15, 9))) {
                Ok(_) => stored += 1,
                Err(AtlasError::Full(64)) => {
                    full = true;
                    break;
                }
                Err(e) => panic!("unexpected {e}"),
            }
        }
        assert!(full, "never reported full");
        assert_eq!(stored, 16);
        // No entry overlaps another or leaves the texture.
        let mut rects: Vec<[u32; 4]> = (0..stored)
            .filter_map(|k| atlas.get(&k).flatten())
            .map(|e| {
                [
                    e.pos[0],
                    e.pos[1],
                    e.pos[0] + e.size[0],
                    e.pos[1] + e.size[1],
                ]
            })
            .collect();
        assert_eq!(rects.len(), 16);
        for r in &rects {
            assert!(r[2] as usize <= atlas.side() && r[3] as usize <= atlas.side());
        }
        rects.sort_unstable();
        for (i, a) in rects.iter().enumerate() {
            for b in &rects[i + 1..] {
                assert!(
                    a[2] <= b[0] || b[2] <= a[0] || a[3] <= b[1] || b[3] <= a[1],
                    "{a:?} overlaps {b:?}"
                );
            }
        }
        atlas.evict_all();
        assert_eq!(atlas.stats().evictions, 1);
        assert_eq!(atlas.get(&0), None);
        assert!(atlas.insert(1000, Some(&bitmap(15, 15, 9))).is_ok());
        assert_eq!(
            atlas.insert(2000, Some(&bitmap(100, 2, 9))),
            Err(AtlasError::TooLarge(100, 2, 64))
        );
    }

    #[test]
    fn partial_uploads_cover_new_glyphs() {
        let mut atlas: GlyphAtlas<u32> = GlyphAtlas::new(64, 64);
        let _ = atlas.take_upload();
        let e = atlas.insert(1, Some(&bitmap(5, 7, 50))).ok().flatten();
        let Some(e) = e else { panic!("not stored") };
        match atlas.take_upload() {
            Some(Upload::Region { pos, size }) => {
                assert!(pos[0] <= e.pos[0] as usize && pos[1] <= e.pos[1] as usize);
                assert!(pos[0] + size[0] >= (e.pos[0] + 5) as usize);
                assert!(pos[1] + size[1] >= (e.pos[1] + 7) as usize);
                let region = atlas.region(pos, size);
                assert_eq!(region.len(), size[0] * size[1]);
            }
            other => panic!("expected a region, got {other:?}"),
        }
        assert_eq!(atlas.take_upload(), None);
    }
}
