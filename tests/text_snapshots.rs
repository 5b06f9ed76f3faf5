//! Headless renders of the document view (egui_kittest + wgpu on Mesa lavapipe) and a
//! simulated pointer drag. Regenerate with `UPDATE_SNAPSHOTS=1`.

use egui::{Color32, Event, Modifiers, PointerButton, Pos2, vec2};
use egui_kittest::Harness;
use qalam::text::{BidiLabel, DocumentView, DocumentViewState, SpanHighlight, TextEngine};

const SEED: &str = include_str!("../seeds/000_19e18760a7c74451.txt");

const MIXED: &str = "قال مصدر أمني لـ\"سكاي نيوز عربية\" (Sky News Arabia) إن الحملة بدأت عام 2018 وتستمر 3.5 أشهر.\nHe said «مرحبا بكم في بغداد» in 2021 — שלום עולם.";

const DIGITS: &str = "شهدت بغداد عام 2018 أحداثا كبيرة";

#[derive(Default)]
struct Fixture {
    engine: TextEngine,
    view: DocumentViewState,
    spans: Vec<SpanHighlight>,
    selected: Option<u64>,
}

fn harness<'a>(text: &'static str, size: egui::Vec2, fixture: Fixture) -> Harness<'a, Fixture> {
    harness_sized(text, size, 20.0, fixture)
}

fn harness_sized<'a>(
    text: &'static str,
    size: egui::Vec2,
    font: f32,
    fixture: Fixture,
) -> Harness<'a, Fixture> {
    Harness::builder().with_size(size).wgpu().build_ui_state(
        move |ui, f: &mut Fixture| {
            let _ = DocumentView::new(text)
                .font_size(font)
                .spans(&f.spans)
                .selected_span(f.selected)
                .show(ui, &mut f.engine, &mut f.view);
        },
        fixture,
    )
}

fn seed_head() -> &'static str {
    // The first three paragraphs.
    let mut end = 0;
    for _ in 0..3 {
        end += SEED[end..].find('\n').map_or(SEED.len() - end, |i| i + 1);
    }
    &SEED[..end]
}

#[test]
fn snapshot_seed_first_paragraphs() {
    let mut h = harness(seed_head(), vec2(720.0, 520.0), Fixture::default());
    h.run();
    h.snapshot("text_seed_head");
}

#[test]
fn snapshot_seed_dark_at_1_5_ppp() {
    let mut h = Harness::builder()
        .with_size(vec2(560.0, 360.0))
        .with_pixels_per_point(1.5)
        .with_theme(egui::Theme::Dark)
        .wgpu()
        .build_ui_state(
            |ui, f: &mut Fixture| {
                let _ = DocumentView::new(seed_head()).font_size(18.0).show(
                    ui,
                    &mut f.engine,
                    &mut f.view,
                );
            },
            Fixture::default(),
        );
    h.run();
    h.snapshot("text_seed_dark_1_5x");
}

#[test]
fn snapshot_mixed_direction() {
    let mut h = harness(MIXED, vec2(640.0, 300.0), Fixture::default());
    h.run();
    h.snapshot("text_mixed");
}

fn find(s: &str) -> usize {
    let chars: Vec<char> = DIGITS.chars().collect();
    let cs: Vec<char> = s.chars().collect();
    chars
        .windows(cs.len())
        .position(|w| w == cs.as_slice())
        .unwrap_or(0)
}

/// Spans: one across "2018" and the word after it (outlined as selected), one nested
/// on "18" (second underline lane), one on the first word.
#[test]
fn snapshot_spans_across_digit_run() {
    let y = find("2018");
    let next = find("أحداثا");
    let fixture = Fixture {
        spans: vec![
            SpanHighlight {
                id: 1,
                start: y,
                end: next + 6,
                color: Color32::from_rgb(0x2e, 0x86, 0xde),
                label: "date".into(),
                lane: None,
            },
            SpanHighlight {
                id: 2,
                start: y + 2,
                end: y + 4,
                color: Color32::from_rgb(0xe6, 0x7e, 0x22),
                label: "year".into(),
                lane: None,
            },
            SpanHighlight {
                id: 3,
                start: 0,
                end: 4,
                color: Color32::from_rgb(0x27, 0xae, 0x60),
                label: "verb".into(),
                lane: None,
            },
        ],
        selected: Some(1),
        ..Fixture::default()
    };
    let mut h = harness_sized(DIGITS, vec2(640.0, 110.0), 32.0, fixture);
    h.run();
    h.snapshot("text_digit_spans");
}

/// The selection "18 أح" (from inside "2018" into the next word) is two pieces on screen
/// with "20" unpainted between them.
#[test]
fn snapshot_selection_across_digit_run() {
    let y = find("2018");
    let next = find("أحداثا");
    let mut h = harness_sized(DIGITS, vec2(640.0, 110.0), 32.0, Fixture::default());
    h.state_mut().view.set_selection(Some(y + 2..next + 2));
    h.run();
    h.snapshot("text_digit_selection");
}

#[test]
fn snapshot_bidi_label() {
    let mut h = Harness::builder()
        .with_size(vec2(320.0, 140.0))
        .wgpu()
        .build_ui_state(
            |ui, engine: &mut TextEngine| {
                BidiLabel::new("مصطفى الكاظمي (2020)").show(ui, engine);
                BidiLabel::new("Speaker: «وزير الداخلية»").show(ui, engine);
                BidiLabel::new("أفادت مصادر أمنية، في العاصمة العراقية بغداد، بأن رئيس الحكومة")
                    .max_width(300.0)
                    .show(ui, engine);
            },
            TextEngine::new(),
        );
    h.run();
    h.snapshot("text_bidi_label");
}

fn press(h: &Harness<'_, Fixture>, p: Pos2, pressed: bool) {
    h.event(Event::PointerButton {
        pos: p,
        button: PointerButton::Primary,
        pressed,
        modifiers: Modifiers::NONE,
    });
}

fn centre(f: &mut Fixture, text: &str, i: usize) -> Pos2 {
    let rects = f.view.range_rects(&mut f.engine, text, i..i + 1);
    assert_eq!(rects.len(), 1, "char {i}: {rects:?}");
    rects[0].center()
}

/// Press at one character's centre, move, release at another's: the selection is the
/// code-point range between them (hit at an RTL character's centre is its start).
#[test]
fn drag_selects_code_point_range() {
    let text = DIGITS;
    let mut h = Harness::builder()
        .with_size(vec2(520.0, 160.0))
        .build_ui_state(
            move |ui, f: &mut Fixture| {
                let _ = DocumentView::new(text).show(ui, &mut f.engine, &mut f.view);
            },
            Fixture::default(),
        );
    h.run();
    // From the "ب" of بغداد (offset 5) to the "ح" of أحداثا (offset 21), passing over 2018.
    let a = centre(h.state_mut(), text, 5);
    let b = centre(h.state_mut(), text, 21);
    h.event(Event::PointerMoved(a));
    h.run();
    press(&h, a, true);
    h.run();
    let mid = Pos2::new((a.x + b.x) * 0.5, a.y);
    h.event(Event::PointerMoved(mid));
    h.run();
    h.event(Event::PointerMoved(b));
    h.run();
    press(&h, b, false);
    h.run();
    assert_eq!(h.state().view.selection(), Some(5..21));

    // A drag that starts inside "2018" (on "1", offset 17) and ends in the next word:
    // logical range 17..22 even though it covers two separate pieces on screen.
    let a = centre(h.state_mut(), text, 17);
    let b = centre(h.state_mut(), text, 22);
    h.event(Event::PointerMoved(a));
    h.run();
    press(&h, a, true);
    h.run();
    h.event(Event::PointerMoved(b));
    h.run();
    press(&h, b, false);
    h.run();
    // "1" is LTR: its centre is in its trailing half, so the anchor is after it.
    let sel = h.state().view.selection();
    assert_eq!(sel, Some(18..22), "{sel:?}");
    let pieces = h
        .state_mut()
        .view
        .range_rects(&mut TextEngine::new(), text, 18..22);
    assert!(pieces.len() >= 2, "{pieces:?}");
}
