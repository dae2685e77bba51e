//! The window's look and reach: image snapshots of the whole window (100 % and 200 %) and of
//! the pitch graph with a recorded phrase, compared with the stored PNGs within a tolerance;
//! every control reachable, labelled and inside the window at the default size, at 800x500 and
//! in compact mode; and the frame time of the whole window with the graph full.
//!
//! Snapshots are drawn by a small software rasterizer (`editor_look/soft_render.rs`): egui's
//! own tessellation, painted on the CPU, so they need no GPU. Regenerate them on purpose with
//! `DAIW_UPDATE_SNAPSHOTS=1`; every render is also written to `target/editor-snapshots/` (with
//! a diff image when it does not match) for a look.

#[path = "support/editor.rs"]
mod editor_support;
#[path = "editor_look/soft_render.rs"]
mod soft_render;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use daiw::dsp::{AnalysisFrame, VoiceSettings};
use daiw::editor::pitch_view::{AnalysisProducer, PitchView};
use daiw::editor::session::Session;
use daiw::music::theory::{PitchClass, ScaleKind};
use daiw::params::DaiwParams;
use editor_support::{fill_pitch_view, phrase_frames, TestHost};
use egui_kittest::kittest::Queryable;
use egui_kittest::Harness;
use nice_plug::prelude::ParamSetter;
use ringbuf::traits::Producer;

use soft_render::{read_png, write_png, Canvas, Textures};

/// A channel differing by more than this (of 255) counts the pixel as changed: below it are
/// rounding and anti-aliasing differences between machines.
const CHANNEL_TOLERANCE: u8 = 24;
/// Share of changed pixels a snapshot may have and still match (a moved label fails it).
const CHANGED_SHARE_ALLOWED: f64 = 0.002;

/// The analysis frames of a sung phrase (A minor, around A3) run through the real voice chain,
/// as the audio thread sends them to the window.
fn recorded_phrase() -> Vec<AnalysisFrame> {
    let mut settings = VoiceSettings::default();
    settings.tune.key = PitchClass::A;
    settings.tune.scale = ScaleKind::Minor;
    phrase_frames(&settings)
}

/// Everything one window needs: parameters, a session without a worker (so the chat's status
/// is the same on every run) and the audio side of the analysis ring.
struct Window {
    params: Arc<DaiwParams>,
    session: Session,
    analysis: AnalysisProducer,
    host: TestHost,
}

impl Window {
    fn new() -> Self {
        let params = Arc::new(DaiwParams::default());
        let (session, analysis) = editor_support::session(&params);
        Self {
            params,
            session,
            analysis,
            host: TestHost::default(),
        }
    }

    /// Sets A minor, as the phrase was tuned.
    fn in_a_minor(self) -> Self {
        let setter = ParamSetter::new(&self.host);
        setter.set_parameter(&self.params.tune.key, PitchClass::A);
        setter.set_parameter(&self.params.tune.scale, ScaleKind::Minor);
        self
    }

    fn draw(&mut self, ui: &mut egui::Ui) {
        let setter = ParamSetter::new(&self.host);
        daiw::editor::draw_window(ui, &self.params, &setter, &mut self.session);
    }
}

/// Runs `frames` frames of `draw` in a raw egui context of `size` points at `ppp`; returns
/// the last frame's output tessellated, and the textures as they are then.
fn run_raw(
    size: egui::Vec2,
    ppp: f32,
    frames: usize,
    mut before_frame: impl FnMut(usize),
    mut draw: impl FnMut(&mut egui::Ui),
) -> (Vec<egui::ClippedPrimitive>, Textures, egui::Context) {
    let ctx = egui::Context::default();
    let mut textures = Textures::default();
    let mut primitives = Vec::new();
    for frame in 0..frames {
        before_frame(frame);
        let mut input = egui::RawInput {
            screen_rect: Some(egui::Rect::from_min_size(egui::Pos2::ZERO, size)),
            time: Some(frame as f64 / 60.0),
            predicted_dt: 1.0 / 60.0,
            ..Default::default()
        };
        input
            .viewports
            .entry(egui::ViewportId::ROOT)
            .or_default()
            .native_pixels_per_point = Some(ppp);
        let mut output = ctx.run_ui(input, &mut draw);
        textures.update(&output.textures_delta);
        // Applied: egui checks that nobody forgets texture updates.
        output.textures_delta.clear();
        primitives = ctx.tessellate(output.shapes, output.pixels_per_point);
    }
    (primitives, textures, ctx)
}

fn snapshot_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots")
}

fn artifact_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/editor-snapshots")
}

/// Paints the primitives and compares them with the stored snapshot `name`.
fn check_snapshot(
    name: &str,
    size: egui::Vec2,
    ppp: f32,
    primitives: &[egui::ClippedPrimitive],
    textures: &Textures,
) {
    let (w, h) = ((size.x * ppp) as usize, (size.y * ppp) as usize);
    let mut canvas = Canvas::new(w, h, daiw::editor::theme::BACKGROUND);
    canvas.paint(primitives, textures, ppp);
    let rgb = canvas.rgb();
    let file = format!("{name}.png");
    write_png(&artifact_dir().join(&file), w, h, &rgb);
    let stored = snapshot_dir().join(&file);
    if std::env::var_os("DAIW_UPDATE_SNAPSHOTS").is_some() {
        write_png(&stored, w, h, &rgb);
        println!("{name}: snapshot written to {}", stored.display());
        return;
    }
    let (sw, sh, expected) = read_png(&stored).unwrap_or_else(|| {
        panic!(
            "no snapshot {}: run with DAIW_UPDATE_SNAPSHOTS=1 to make it",
            stored.display()
        )
    });
    assert_eq!((sw, sh), (w, h), "{name}: size changed");
    let mut diff = vec![0u8; rgb.len()];
    let mut changed = 0usize;
    for (i, (a, b)) in rgb
        .chunks_exact(3)
        .zip(expected.chunks_exact(3))
        .enumerate()
    {
        if a.iter()
            .zip(b)
            .any(|(x, y)| x.abs_diff(*y) > CHANNEL_TOLERANCE)
        {
            changed += 1;
            diff[i * 3] = 255;
        }
    }
    let share = changed as f64 / (w * h) as f64;
    println!(
        "{name}: {changed} of {} pixels differ ({:.3} %); render {}",
        w * h,
        share * 100.0,
        artifact_dir().join(&file).display()
    );
    if share > CHANGED_SHARE_ALLOWED {
        write_png(
            &artifact_dir().join(format!("{name}-diff.png")),
            w,
            h,
            &diff,
        );
        panic!(
            "{name} differs from {} in {:.3} % of pixels (allowed {:.3} %); see \
             target/editor-snapshots/{name}-diff.png, and regenerate with \
             DAIW_UPDATE_SNAPSHOTS=1 if the change is wanted",
            stored.display(),
            share * 100.0,
            CHANGED_SHARE_ALLOWED * 100.0
        );
    }
}

/// Feeds the phrase to the window's analysis ring in pieces the ring holds, one per frame.
fn feeder(frames: Vec<AnalysisFrame>) -> impl FnMut(&mut AnalysisProducer) {
    let mut rest = frames.into_iter();
    move |producer: &mut AnalysisProducer| {
        for frame in rest.by_ref().take(1500) {
            let _ = producer.try_push(frame);
        }
    }
}

#[test]
fn whole_window_snapshots_at_100_and_200_percent() {
    let phrase = recorded_phrase();
    assert!(phrase.len() > 500, "{} analysis frames", phrase.len());
    let size = egui::vec2(
        daiw::editor::DEFAULT_SIZE.0 as f32,
        daiw::editor::DEFAULT_SIZE.1 as f32,
    );
    for (ppp, name) in [(1.0, "window_100"), (2.0, "window_200")] {
        let window = std::cell::RefCell::new(Window::new().in_a_minor());
        let mut feed = feeder(phrase.clone());
        let frames = phrase.len() / 1500 + 4;
        let (primitives, textures, _) = run_raw(
            size,
            ppp,
            frames,
            |_| feed(&mut window.borrow_mut().analysis),
            |ui| window.borrow_mut().draw(ui),
        );
        check_snapshot(name, size, ppp, &primitives, &textures);
    }
}

#[test]
fn pitch_graph_snapshot_with_a_recorded_phrase() {
    let mut view = PitchView::default();
    for frame in recorded_phrase() {
        view.push(frame);
    }
    let (low, high) = view.note_range();
    // The phrase spans more than an octave around A3 (57).
    assert!(low <= 55.0 && high >= 69.0, "range {low}..{high}");
    let size = egui::vec2(640.0, 280.0);
    let (primitives, textures, _) = run_raw(
        size,
        1.0,
        3,
        |_| {},
        |ui| {
            daiw::editor::theme::apply(ui.ctx());
            view.ui(ui, PitchClass::A, ScaleKind::Minor, 260.0)
        },
    );
    check_snapshot("pitch_graph", size, 1.0, &primitives, &textures);
}

/// Every control by its accessible label, with whether it is on the backing tab: each
/// parameter's name, the pickers, the keyboard, presets, A/B, compact, the tabs, the backing
/// panel and the chat.
fn control_labels(params: &DaiwParams) -> Vec<(String, bool)> {
    let mut labels: Vec<(String, bool)> = nice_plug::prelude::Params::param_map(params)
        .into_iter()
        // SAFETY: the pointers come from `params`, alive for this call.
        .map(|(id, ptr, _)| {
            (
                unsafe { ptr.name() }.to_string(),
                // Chord following and harmony sit with the backing they follow.
                id.starts_with("backing_")
                    || id.starts_with("harmony_")
                    || id == "tune_follow_chords",
            )
        })
        .collect();
    for label in [
        "Presets",
        "A",
        "B",
        "Copy",
        "Compact",
        "Voice",
        "Backing track",
        "Send",
        "Zoom",
        "A, tonic",
        "C, in scale",
        "C#/Db, not in scale",
    ] {
        labels.push((label.to_string(), false));
    }
    for label in ["Generate", "Export MIDI"] {
        labels.push((label.to_string(), true));
    }
    labels
}

fn window_harness(size: egui::Vec2, compact: bool) -> Harness<'static, Window> {
    let mut window = Window::new().in_a_minor();
    window.session.title.compact = compact;
    Harness::builder()
        .with_size(size)
        .build_ui_state(|ui, window: &mut Window| window.draw(ui), window)
}

#[test]
fn every_control_is_reachable_labelled_and_inside_the_window() {
    for (w, h, compact) in [
        (1100.0, 680.0, false),
        (800.0, 500.0, false),
        (800.0, 500.0, true),
    ] {
        let mut harness = window_harness(egui::vec2(w, h), compact);
        harness.run();
        let labels = control_labels(&harness.state().params);
        // Controls under the title bar are hidden: the scroll area's view starts below it.
        let title_bottom = harness.get_by_label("Compact").rect().max.y;
        let in_title = |label: &str| matches!(label, "Presets" | "A" | "B" | "Copy" | "Compact");
        let mut scrolled = 0;
        let mut scrolled_labels: Vec<String> = Vec::new();
        let mut first_view_voice = 0;
        for backing_tab in [false, true] {
            let tab = if backing_tab {
                "Backing track"
            } else {
                "Voice"
            };
            harness.get_by_label(tab).click();
            harness.run();
            for (label, _) in labels.iter().filter(|(_, b)| *b == backing_tab) {
                let top = if in_title(label) { 0.0 } else { title_bottom };
                let node = harness
                    .query_all_by_label(label)
                    .next()
                    .unwrap_or_else(|| panic!("no control labelled {label:?} at {w}x{h}"));
                let mut rect = node.rect();
                if rect.max.y > h || rect.min.y < top {
                    // Below the fold: the scroll area brings it into view.
                    node.scroll_to_me();
                    harness.run();
                    scrolled += 1;
                    scrolled_labels.push(label.clone());
                    rect = harness
                        .query_all_by_label(label)
                        .next()
                        .unwrap_or_else(|| panic!("{label:?} gone after scrolling"))
                        .rect();
                } else if !backing_tab && scrolled == 0 {
                    first_view_voice += 1;
                }
                assert!(
                    rect.min.x >= 0.0
                        && rect.max.x <= w + 0.5
                        && rect.min.y >= top - 0.5
                        && rect.max.y <= h + 0.5,
                    "{label:?} at {rect:?} is outside the {w}x{h} window (compact {compact})"
                );
                assert!(
                    rect.width() >= 8.0 && rect.height() >= 8.0,
                    "{label:?} is tiny: {rect:?}"
                );
            }
        }
        println!(
            "{w}x{h} compact={compact}: {} controls inside the window; {first_view_voice} voice \
             controls in the first view, {scrolled} reached by scrolling",
            labels.len()
        );
        if (w, h) == (1100.0, 680.0) {
            assert_eq!(
                scrolled, 0,
                "at the default size every control is in view; scrolled to {scrolled_labels:?}"
            );
        }
    }
}

#[test]
fn frame_time_of_the_whole_window_with_a_full_graph() {
    let phrase = recorded_phrase();
    let backwards = phrase
        .windows(2)
        .filter(|w| w[1].time_seconds < w[0].time_seconds)
        .count();
    for (i, w) in phrase.windows(2).enumerate() {
        if w[1].time_seconds < w[0].time_seconds {
            println!(
                "step back at frame {i}: {:.5} -> {:.5} s",
                w[0].time_seconds, w[1].time_seconds
            );
        }
    }
    println!(
        "phrase: {} frames over {:.2}..{:.2} s, {backwards} steps back in time",
        phrase.len(),
        phrase.first().map_or(0.0, |f| f.time_seconds),
        phrase.last().map_or(0.0, |f| f.time_seconds)
    );
    let size = egui::vec2(1100.0, 680.0);
    let window = std::cell::RefCell::new(Window::new().in_a_minor());
    // Thirty seconds of singing in the graph at its widest zoom: the phrase, repeated.
    fill_pitch_view(&mut window.borrow_mut().session, &phrase);
    let points = window.borrow().session.pitch.points().count();
    let warm = 10;
    let measured = 200;
    let mut times = Vec::with_capacity(measured);
    let mut started = Instant::now();
    let (primitives, _, _) = run_raw(
        size,
        1.0,
        warm + measured,
        |frame| {
            if frame >= warm {
                times.push(started.elapsed().as_secs_f64() * 1000.0);
            }
            started = Instant::now();
        },
        |ui| window.borrow_mut().draw(ui),
    );
    times.remove(0);
    times.sort_by(f64::total_cmp);
    let mean = times.iter().sum::<f64>() / times.len() as f64;
    let p95 = times[times.len() * 95 / 100];
    println!(
        "editor frame (layout + tessellation, 1100x680, {points} pitch points in view): mean \
         {mean:.2} ms, median {:.2} ms, p95 {p95:.2} ms over {} frames",
        times[times.len() / 2],
        times.len()
    );
    assert!(points > 5000, "the graph holds {points} points");
    let vertices: usize = primitives
        .iter()
        .map(|p| match &p.primitive {
            egui::epaint::Primitive::Mesh(m) => m.vertices.len(),
            _ => 0,
        })
        .sum();
    assert!(vertices > 1000, "the window drew {vertices} vertices");
}
