//! Hit-testing, carets, highlights and visual movement of the pure text layout, on the
//! seed article and on a mixed-direction text. No display needed.

use std::ops::Range;

use qalam::text::fonts::embedded_font_system;
use qalam::text::{Affinity, Caret, DocLayout, LayoutMetrics, PxRect, is_zero_width_char};

const SEED: &str = include_str!("../seeds/000_19e18760a7c74451.txt");

/// Arabic with Latin, digits, quotes and parentheses; Persian with ZWNJ; Hebrew; emoji and
/// other astral characters; combining marks; ZWJ/ZWNJ; bidi controls; an empty line;
/// CRLF; words longer than the line.
const MIXED: &str = concat!(
    "قال المتحدث باسم الوزارة إن \"الحملة\" بدأت عام 2018 (Sky News Arabia) وستستمر 3.5 أشهر.\n",
    "He said «مرحبا بكم» in 2021, then left (at 10:30).\n",
    "این یک متن فارسی است با نیم\u{200C}فاصله: می\u{200C}خواهم کتاب\u{200C}ها را بخوانم.\n",
    "שלום עולם, זה טקסט בעברית עם 42 מספרים.\n",
    "\n",
    "Emoji 😀👍🏽 and 👨\u{200D}👩\u{200D}👧 family, astral 𝔸𝕓 and أَلْعَرَبِيَّةُ with e\u{301} marks.\r\n",
    "ZWJ ل\u{200D} and ع\u{200C}ر, LRM\u{200E}here, RLM\u{200F}there, \u{2067}abc\u{2069} and \u{2066}عربي\u{2069}, lone \u{301} mark.\r\n",
    "Pneumonoultramicroscopicsilicovolcanoconiosis_Pneumonoultramicroscopicsilicovolcanoconiosis end\n",
    "كلمةطويلةجداكلمةطويلةجداكلمةطويلةجداكلمةطويلةجداكلمةطويلةجداكلمةطويلةجدا نهاية",
);

fn doc(text: &str, width: f32) -> (cosmic_text::FontSystem, DocLayout) {
    let fs = embedded_font_system();
    let doc = DocLayout::new(text, LayoutMetrics::new(20.0, width));
    (fs, doc)
}

/// Edge x of a caret: the caret rectangle sits inside the box it belongs to, so the edge
/// is the side closer to where the other affinity would be. For comparisons of positions
/// the rectangle's centre is enough.
fn same_position(a: PxRect, b: PxRect) -> bool {
    (a.min_y - b.min_y).abs() < 0.01
        && ((a.min_x - b.min_x).abs() < 0.01
            || (a.max_x - b.max_x).abs() < 0.01
            || (a.min_x - b.max_x).abs() < 0.01
            || (a.max_x - b.min_x).abs() < 0.01)
}

struct Report {
    exact: usize,
    equivalent: usize,
    zero_width_clusters: usize,
}

/// For every code-point offset and both affinities: the caret's centre hit-tests back to
/// the canonical caret (see `DocLayout::normalize`); the only allowed difference is a
/// caret separated from it by zero-width characters only, drawn at the same place.
/// For every character: the point between its two caret edges hits the character and
/// lies inside the highlight of `[i, i+1)`.
fn check_all_offsets(text: &str, width: f32) -> Report {
    let (mut fs, mut doc) = doc(text, width);
    let chars: Vec<char> = text.chars().collect();
    let n = doc.len_chars();
    assert_eq!(n, chars.len());
    let mut report = Report {
        exact: 0,
        equivalent: 0,
        zero_width_clusters: 0,
    };
    for i in 0..=n {
        for affinity in [Affinity::Upstream, Affinity::Downstream] {
            let caret = Caret::new(i, affinity);
            let canonical = doc.normalize(&mut fs, caret);
            let rect = doc.caret_rect(&mut fs, caret);
            assert!(
                rect.width() >= 0.0 && rect.min_y < rect.max_y,
                "degenerate caret at {i}"
            );
            let (x, y) = rect.center();
            let hit = doc.hit(&mut fs, x, y);
            if hit == canonical {
                report.exact += 1;
                continue;
            }
            let hit_rect = doc.caret_rect(&mut fs, hit);
            let between = hit.offset.min(canonical.offset)..hit.offset.max(canonical.offset);
            // A caret attached to a zero-width cluster (its rectangle has no width) has no
            // area of its own: hitting it gives a caret drawn at the same place.
            let zero_width_involved = rect.width() == 0.0 || hit_rect.width() == 0.0;
            assert!(
                same_position(rect, hit_rect) && zero_width_involved,
                "offset {i} {affinity:?}: canonical {canonical:?} at {rect:?}, hit {hit:?} at {hit_rect:?}, between {:?}",
                &chars[between]
            );
            report.equivalent += 1;
        }
    }
    // Characters: walk paragraphs so break characters (not drawn) are excluded.
    for p in 0..doc.paragraph_count() {
        let range = doc.paragraph_range(p);
        let mut i = range.start;
        while i < range.end {
            let start = doc
                .normalize(&mut fs, Caret::new(i, Affinity::Downstream))
                .offset;
            // End of the cluster containing i: next canonical offset past it.
            let mut end = i + 1;
            while end < range.end
                && doc
                    .normalize(&mut fs, Caret::new(end, Affinity::Downstream))
                    .offset
                    <= start
            {
                end += 1;
            }
            let lead = doc.caret_rect(&mut fs, Caret::new(start, Affinity::Downstream));
            let trail = doc.caret_rect(&mut fs, Caret::new(end, Affinity::Upstream));
            assert!(
                (lead.min_y - trail.min_y).abs() < 0.01,
                "cluster {start}..{end} split over rows"
            );
            let cx = (lead.center().0 + trail.center().0) * 0.5;
            let cy = lead.center().1;
            let zero_width = lead.width() == 0.0 && trail.width() == 0.0;
            for (k, ch) in chars.iter().enumerate().take(end).skip(start) {
                let pieces = doc.highlight_rects(&mut fs, k..k + 1);
                if zero_width {
                    assert!(
                        pieces.is_empty(),
                        "zero-width cluster {start}..{end} highlighted"
                    );
                    continue;
                }
                assert!(
                    pieces.iter().any(|r| r.contains(cx, cy)),
                    "char {k} ({ch:?}) centre ({cx},{cy}) not in {pieces:?}"
                );
            }
            if zero_width {
                assert!(
                    chars[start..end].iter().all(|&c| is_zero_width_char(c)),
                    "visible cluster {start}..{end} {:?} has no width",
                    &chars[start..end]
                );
                report.zero_width_clusters += 1;
            } else {
                let hit = doc.hit(&mut fs, cx, cy);
                assert!(
                    hit == Caret::new(start, Affinity::Downstream)
                        || hit == Caret::new(end, Affinity::Upstream),
                    "centre of {start}..{end} hit {hit:?}"
                );
            }
            i = end;
        }
    }
    report
}

#[test]
fn every_offset_of_the_seed_round_trips() {
    let r = check_all_offsets(SEED, 700.0);
    // The seed has no zero-width characters: every caret is exact.
    assert_eq!(r.equivalent, 0);
    assert_eq!(r.zero_width_clusters, 0);
    assert_eq!(r.exact, 2 * (SEED.chars().count() + 1));
}

#[test]
fn every_offset_of_the_mixed_text_round_trips() {
    for width in [700.0, 310.0] {
        let r = check_all_offsets(MIXED, width);
        eprintln!(
            "mixed @{width}px: {} exact, {} same-place carets at zero-width clusters, {} zero-width clusters",
            r.exact, r.equivalent, r.zero_width_clusters
        );
        // Both affinities of every offset were checked; at least 98% round-trip exactly.
        assert_eq!(r.exact + r.equivalent, 2 * (MIXED.chars().count() + 1));
        assert!(
            r.exact * 50 >= (r.exact + r.equivalent) * 49,
            "{} of {}",
            r.exact,
            r.exact + r.equivalent
        );
        // LRM, RLM and the isolate controls are zero-width clusters.
        assert!(r.zero_width_clusters >= 4, "{}", r.zero_width_clusters);
    }
}

/// Cluster texts of a row, left to right.
fn row_texts(doc: &DocLayout, chars: &[char], p: usize, row: usize) -> Vec<(String, f32)> {
    let base = doc.paragraph_range(p).start;
    doc.paragraph_layout(p)
        .map(|l| {
            l.row_clusters(row)
                .into_iter()
                .map(|(r, x0, _)| (chars[base + r.start..base + r.end].iter().collect(), x0))
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn digits_and_latin_read_left_to_right_inside_arabic() {
    let text = "بدأت الحملة عام 2018 في بغداد (Sky News Arabia) أمس";
    let (mut fs, mut doc) = doc(text, 2000.0);
    let chars: Vec<char> = text.chars().collect();
    doc.ensure_paragraph(&mut fs, 0);
    let row = row_texts(&doc, &chars, 0, 0);
    let x_of = |s: &str| row.iter().find(|(t, _)| t == s).map(|(_, x)| *x);
    let xs: Vec<f32> = ["2", "0", "1", "8"]
        .iter()
        .filter_map(|d| x_of(d))
        .collect();
    assert_eq!(xs.len(), 4);
    assert!(
        xs.windows(2).all(|w| w[0] < w[1]),
        "2018 not left to right: {xs:?}"
    );
    // Arabic reads right to left: the first word is right of the last.
    let first = doc.highlight_rects(&mut fs, 0..4);
    let last = doc.highlight_rects(&mut fs, 48..51);
    assert!(first[0].min_x > last[0].max_x);
    // The Latin run is LTR inside the RTL line.
    let sky = doc.highlight_rects(&mut fs, 30..33);
    let arabia = doc.highlight_rects(&mut fs, 39..45);
    assert!(sky[0].max_x <= arabia[0].min_x + 0.01, "{sky:?} {arabia:?}");
    // RTL paragraph is right-aligned.
    assert!(first[0].max_x > 1990.0);
}

/// A range crossing the LTR digit run gives two pieces with the unselected digits between.
#[test]
fn highlight_across_a_bidi_boundary_has_several_pieces() {
    let text = "شهدت عام 2018 أحداثا";
    let (mut fs, mut doc) = doc(text, 2000.0);
    // "18 أحداثا" minus the word: from inside "2018" (offset 11) to inside the next word.
    let rects = doc.highlight_rects(&mut fs, 11..16);
    assert_eq!(rects.len(), 2, "{rects:?}");
    let twenty = doc.highlight_rects(&mut fs, 9..11);
    assert_eq!(twenty.len(), 1);
    let (a, b) = (rects[0], rects[1]);
    let (lo, hi) = if a.min_x < b.min_x { (a, b) } else { (b, a) };
    // "20" lies between the two pieces.
    assert!(
        twenty[0].min_x >= lo.max_x - 0.01 && twenty[0].max_x <= hi.min_x + 0.01,
        "{rects:?} {twenty:?}"
    );
}

/// At a bidi boundary one offset has two positions; the affinity picks one, and each hit
/// point gives back its own affinity.
#[test]
fn affinity_resolves_bidi_boundaries() {
    let text = "abc עברית def";
    let (mut fs, mut doc) = doc(text, 2000.0);
    // Offset 4: after "abc " (upstream, left of the Hebrew run) or before "ע" (downstream,
    // the Hebrew run's right end since it reads right to left).
    let up = doc.caret_rect(&mut fs, Caret::new(4, Affinity::Upstream));
    let down = doc.caret_rect(&mut fs, Caret::new(4, Affinity::Downstream));
    let hebrew = doc.highlight_rects(&mut fs, 4..9);
    assert_eq!(hebrew.len(), 1);
    assert!(
        (up.max_x - hebrew[0].min_x).abs() < 0.01,
        "{up:?} {hebrew:?}"
    );
    assert!(
        (down.max_x - hebrew[0].max_x).abs() < 0.01,
        "{down:?} {hebrew:?}"
    );
    let (ux, uy) = up.center();
    let (dx, dy) = down.center();
    assert_eq!(doc.hit(&mut fs, ux, uy), Caret::new(4, Affinity::Upstream));
    assert_eq!(
        doc.hit(&mut fs, dx, dy),
        Caret::new(4, Affinity::Downstream)
    );
    // Offset 9 (end of the Hebrew word): upstream at the left end of the run.
    let end_up = doc.caret_rect(&mut fs, Caret::new(9, Affinity::Upstream));
    assert!((end_up.min_x - hebrew[0].min_x).abs() < 0.01, "{end_up:?}");
    // A wrapped row: the break offset is at the end of row 0 upstream and the start of row 1 downstream.
    let (mut fs, mut doc) = doc_wrapped();
    let l = doc.paragraph_layout(0).map(|l| l.rows().len()).unwrap_or(0);
    assert!(l >= 2);
    let row1_start = doc
        .paragraph_layout(0)
        .map(|l| l.row_start(1).offset)
        .unwrap_or(0);
    let up = doc.caret_rect(&mut fs, Caret::new(row1_start, Affinity::Upstream));
    let down = doc.caret_rect(&mut fs, Caret::new(row1_start, Affinity::Downstream));
    assert!(down.min_y > up.min_y);
}

fn doc_wrapped() -> (cosmic_text::FontSystem, DocLayout) {
    let (mut fs, mut doc) = doc(&"كلمة ".repeat(40), 300.0);
    doc.ensure_paragraph(&mut fs, 0);
    (fs, doc)
}

/// Selecting a range by hit-testing two points yields the range whose highlight covers
/// exactly the clusters inside it.
#[test]
fn selection_and_highlight_agree() {
    for (text, width) in [(SEED, 700.0), (MIXED, 700.0), (MIXED, 310.0)] {
        let (mut fs, mut doc) = doc(text, width);
        let n = doc.len_chars();
        let mut seed = 0x9e37_79b9_u64;
        let mut next = |m: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % m as u64) as usize
        };
        // Centres of all visible clusters, with their ranges.
        let mut clusters: Vec<(Range<usize>, f32, f32)> = Vec::new();
        for p in 0..doc.paragraph_count() {
            doc.ensure_paragraph(&mut fs, p);
            let base = doc.paragraph_range(p).start;
            let top = doc.paragraph_top(p);
            if let Some(l) = doc.paragraph_layout(p) {
                for (ri, row) in l.rows().iter().enumerate() {
                    for (r, x0, x1) in l.row_clusters(ri) {
                        if x1 > x0 {
                            clusters.push((
                                base + r.start..base + r.end,
                                (x0 + x1) * 0.5,
                                top + row.top + row.height * 0.5,
                            ));
                        }
                    }
                }
            }
        }
        for _ in 0..150 {
            let a = next(n + 1);
            let b = next(n + 1);
            // Select by dragging from the caret of a to the caret of b.
            let ra = doc.caret_rect(&mut fs, Caret::new(a, Affinity::Downstream));
            let rb = doc.caret_rect(&mut fs, Caret::new(b, Affinity::Upstream));
            let ha = doc.hit(&mut fs, ra.center().0, ra.center().1).offset;
            let hb = doc.hit(&mut fs, rb.center().0, rb.center().1).offset;
            let sel = ha.min(hb)..ha.max(hb);
            let rects = doc.highlight_rects(&mut fs, sel.clone());
            for (r, x, y) in &clusters {
                let inside = r.start < sel.end && r.end > sel.start;
                let painted = rects.iter().any(|q| q.contains(*x, *y));
                assert_eq!(inside, painted, "cluster {r:?} selection {sel:?}");
            }
        }
    }
}

#[test]
fn arrows_move_visually_in_rtl_and_ltr() {
    let text = "مرحبا بكم في بغداد\nhello world";
    let (mut fs, mut doc) = doc(text, 2000.0);
    // RTL paragraph: from its logical start (right edge), Left walks to larger offsets
    // and smaller x; Right walks back: larger x and smaller offsets.
    let mut c = Caret::new(0, Affinity::Downstream);
    let mut x = doc.caret_rect(&mut fs, c).center().0;
    let mut steps = 0;
    while c.offset < 18 {
        let n = doc.move_visual(&mut fs, c, false);
        let nx = doc.caret_rect(&mut fs, n).center().0;
        assert!(nx < x, "Left in RTL must move left: {c:?}->{n:?} {x}->{nx}");
        assert!(n.offset > c.offset);
        c = n;
        x = nx;
        steps += 1;
        assert!(steps < 100);
    }
    assert_eq!(steps, 18);
    loop {
        let n = doc.move_visual(&mut fs, c, true);
        if n.offset == 0 {
            break;
        }
        let nx = doc.caret_rect(&mut fs, n).center().0;
        assert!(nx > x, "Right in RTL must move right on screen: {x}->{nx}");
        assert!(
            n.offset < c.offset,
            "Right in RTL goes back in logical order"
        );
        c = n;
        x = nx;
    }
    // LTR paragraph: Right increases offsets.
    let c = Caret::new(19, Affinity::Downstream);
    let n = doc.move_visual(&mut fs, c, true);
    assert_eq!(n.offset, 20);
    // Left at the LTR paragraph's start goes to the previous row's right end, which in
    // the RTL paragraph is its logical start.
    let n = doc.move_visual(&mut fs, c, false);
    assert_eq!(n.offset, 0);
    // Home/End are logical.
    assert_eq!(
        doc.row_start(&mut fs, Caret::new(5, Affinity::Downstream))
            .offset,
        0
    );
    assert_eq!(
        doc.row_end(&mut fs, Caret::new(5, Affinity::Downstream))
            .offset,
        18
    );
}

#[test]
fn no_panics_on_odd_texts() {
    let texts = [
        "",
        "\n",
        "\n\n\r\n",
        "\u{301}",
        "\u{301}\u{302}\n\u{200E}",
        "\u{202E}abc\u{202C}",
        "\u{2067}\u{2069}",
        "\u{200F}",
        "\t\ta\tب",
        "\u{0}\u{1}\u{7f}",
        "\u{2029}\u{85}\u{1c}x",
        "\u{FEFF}\u{200B}",
        "\r",
    ];
    for t in texts {
        let (mut fs, mut doc) = doc(t, 200.0);
        let n = doc.len_chars();
        for i in 0..=n {
            for a in [Affinity::Upstream, Affinity::Downstream] {
                let r = doc.caret_rect(&mut fs, Caret::new(i, a));
                let _ = doc.hit(&mut fs, r.center().0, r.center().1);
                let _ = doc.move_visual(&mut fs, Caret::new(i, a), true);
                let _ = doc.move_visual(&mut fs, Caret::new(i, a), false);
                let _ = doc.move_vertical(&mut fs, Caret::new(i, a), true);
                let _ = doc.word_at(i);
            }
            let _ = doc.highlight_rects(&mut fs, i..n);
        }
        let _ = doc.hit(&mut fs, -50.0, -50.0);
        let _ = doc.hit(&mut fs, 1e6, 1e6);
        let _ = doc.hit(&mut fs, f32::NAN, f32::NAN);
    }
}
