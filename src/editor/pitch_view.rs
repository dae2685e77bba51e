//! The live pitch view: detected (input) and corrected (output) pitch over the last seconds on
//! a note grid of the chosen key and scale, or of the custom note set tuning corrects to.
//! Frames come from the audio thread through a single-producer single-consumer ring
//! (`analysis_queue`): the audio thread pushes without allocating and drops frames when the
//! ring is full (the window closed, or a slow frame). Each sung note carries a mark of how far
//! off it was sung from its nearest note of the grid (`marks`).

pub mod marks;

use std::collections::VecDeque;

use egui::{Color32, Pos2, Rect, Sense, Stroke, Vec2};
use ringbuf::traits::{Consumer, Split};
use ringbuf::{HeapCons, HeapProd, HeapRb};

use crate::dsp::AnalysisFrame;
use crate::music::listen::NoteNames;
use crate::music::theory::{PitchClass, ScaleKind};

use super::theme;

/// Frames the ring holds: 8-10 s at the detector's 4-5 ms hop, so a slow GUI frame loses none.
pub const QUEUE_FRAMES: usize = 2048;

/// The audio thread's end of the analysis ring.
pub type AnalysisProducer = HeapProd<AnalysisFrame>;
/// The GUI's end of the analysis ring.
pub type AnalysisConsumer = HeapCons<AnalysisFrame>;

/// Makes the analysis ring (allocates: call it off the audio thread).
pub fn analysis_queue() -> (AnalysisProducer, AnalysisConsumer) {
    HeapRb::<AnalysisFrame>::new(QUEUE_FRAMES).split()
}

/// One point of the view: time, and pitches as fractional MIDI notes (`None` when unvoiced).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PitchPoint {
    /// Seconds since the voice chain's reset.
    pub time: f64,
    /// The singer's pitch.
    pub detected: Option<f32>,
    /// The pitch after correction and shifting.
    pub corrected: Option<f32>,
}

/// Hz to a fractional MIDI note; `None` for silence or nonsense.
pub fn hz_to_midi(hz: f32) -> Option<f32> {
    (hz.is_finite() && hz > 1.0).then(|| 69.0 + 12.0 * (hz / 440.0).log2())
}

/// Shortest time span the graph zooms to, in seconds (a phrase's detail).
pub const ZOOM_MIN_SECONDS: f64 = 2.0;
/// Longest time span the graph zooms to, in seconds (a whole verse line or two); also how much
/// history is kept.
pub const ZOOM_MAX_SECONDS: f64 = 30.0;
/// The span shown until the user zooms: a couple of phrases.
pub const ZOOM_DEFAULT_SECONDS: f64 = 8.0;
/// Points closer than this (in points on screen) are merged when drawing: a line cannot show
/// more detail than about one point per pixel, and at 30 s the history holds ~7500 frames.
const MIN_POINT_SPACING: f32 = 0.75;
/// A gap between frames longer than a few hops means dropped frames: the line is broken there.
const MAX_BRIDGED_GAP: f64 = 0.05;
/// A step back in time longer than this is a reset of the voice chain (transport jump,
/// host reset); shorter ones are frames out of order (a few detector hops at most).
const RESET_JUMP_SECONDS: f64 = 0.1;
/// Width of the note-name column on the left of the graph.
const LABEL_WIDTH: f32 = 38.0;
/// Height of the header row (title, legend, zoom).
const HEADER_HEIGHT: f32 = 22.0;

/// The notes the graph is drawn on: the key's tonic (its line bright) and the notes tuning
/// targets (the key's scale, or a custom note set), which get the light bands and name the sung
/// notes' marks, as the take report names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NoteGrid {
    /// The key's tonic.
    pub tonic: PitchClass,
    /// The notes marks sit on and bands are drawn for.
    pub names: NoteNames,
}

impl NoteGrid {
    /// The grid of a key's scale.
    pub fn key(tonic: PitchClass, scale: ScaleKind) -> Self {
        Self::for_tuning(tonic, scale, 0)
    }

    /// The grid tuning corrects to: the custom note set `custom_mask` (bit n = n semitones
    /// above C) when one is set, else the key's scale.
    pub fn for_tuning(tonic: PitchClass, scale: ScaleKind, custom_mask: u16) -> Self {
        let key = marks::grid_key(tonic, scale);
        Self {
            tonic,
            names: NoteNames::for_tuning(Some(key), custom_mask),
        }
    }
}

/// The recent pitch history and its drawing.
#[derive(Debug, Clone)]
pub struct PitchView {
    points: VecDeque<PitchPoint>,
    /// The sung notes of the history, for their deviation marks.
    notes: marks::NoteMarks,
    /// The time span shown, in seconds (ZOOM_MIN_SECONDS..=ZOOM_MAX_SECONDS).
    pub zoom_seconds: f64,
}

impl Default for PitchView {
    fn default() -> Self {
        Self {
            points: VecDeque::new(),
            notes: marks::NoteMarks::default(),
            zoom_seconds: ZOOM_DEFAULT_SECONDS,
        }
    }
}

impl PitchView {
    /// Takes every waiting frame from the ring and forgets what scrolled out of the history.
    pub fn drain(&mut self, consumer: &mut AnalysisConsumer) {
        while let Some(frame) = consumer.try_pop() {
            self.push(frame);
        }
    }

    /// Adds one frame. A reset of the chain restarts time (a jump back of more than
    /// `RESET_JUMP_SECONDS`): older points are cleared. A frame a hop or so out of order is
    /// dropped, so one late frame does not wipe the graph.
    pub fn push(&mut self, frame: AnalysisFrame) {
        if let Some(last) = self.points.back().map(|p| p.time) {
            if frame.time_seconds < last - RESET_JUMP_SECONDS {
                self.points.clear();
                self.notes.clear();
            } else if frame.time_seconds < last {
                return;
            }
        }
        let voiced = frame.voicing == crate::dsp::pitch_detector::Voicing::Voiced;
        self.points.push_back(PitchPoint {
            time: frame.time_seconds,
            detected: hz_to_midi(frame.detected_hz).filter(|_| voiced),
            corrected: hz_to_midi(frame.output_hz).filter(|_| voiced),
        });
        let newest = frame.time_seconds;
        self.notes
            .push(newest, frame.detected_hz, voiced, newest - ZOOM_MAX_SECONDS);
        while self
            .points
            .front()
            .is_some_and(|p| p.time < newest - ZOOM_MAX_SECONDS)
        {
            self.points.pop_front();
        }
    }

    /// The points kept, oldest first.
    pub fn points(&self) -> impl Iterator<Item = &PitchPoint> {
        self.points.iter()
    }

    /// The points inside the shown time span, oldest first.
    fn visible(&self) -> impl Iterator<Item = &PitchPoint> {
        let newest = self.points.back().map_or(0.0, |p| p.time);
        let oldest = newest - self.zoom_seconds;
        // The deque is time-ordered: skip the hidden head without touching every point.
        let first = self.points.partition_point(|p| p.time < oldest);
        self.points.range(first..)
    }

    /// The note range to show: the sung notes in view with a margin, at least an octave and a
    /// half.
    pub fn note_range(&self) -> (f32, f32) {
        let mut low = f32::INFINITY;
        let mut high = f32::NEG_INFINITY;
        for p in self.visible() {
            for n in [p.detected, p.corrected].into_iter().flatten() {
                low = low.min(n);
                high = high.max(n);
            }
        }
        if !low.is_finite() {
            return (52.0, 72.0); // E3..C5: a comfortable default around a singing voice
        }
        let centre = 0.5 * (low + high);
        let half = (0.5 * (high - low) + 2.0).max(9.0);
        ((centre - half).floor(), (centre + half).ceil())
    }

    /// The newest sung note and its offset from the nearest semitone in cents.
    pub fn current_note(&self) -> Option<(i32, f32)> {
        let last = self.points.back()?;
        let note = last.detected?;
        let nearest = note.round();
        Some((nearest as i32, (note - nearest) * 100.0))
    }

    /// Draws the graph `height` points tall across the available width: a header with the
    /// legend and the zoom, the note grid of `key`/`scale` and the two pitch lines.
    pub fn ui(&mut self, ui: &mut egui::Ui, key: PitchClass, scale: ScaleKind, height: f32) {
        self.ui_with(ui, NoteGrid::key(key, scale), height, |_| {});
    }

    /// As `ui` on `grid`, with `extra` drawn at the right of the header, left of the zoom (the
    /// heard key and the take export live there, beside the graph they come from).
    pub fn ui_with(
        &mut self,
        ui: &mut egui::Ui,
        grid: NoteGrid,
        height: f32,
        extra: impl FnOnce(&mut egui::Ui),
    ) {
        let width = ui.available_width();
        ui.horizontal(|ui| {
            ui.set_height(HEADER_HEIGHT);
            ui.label(
                egui::RichText::new("Pitch")
                    .strong()
                    .size(theme::TITLE_SIZE),
            );
            ui.label(
                egui::RichText::new("— input")
                    .color(theme::INPUT)
                    .size(theme::SMALL_SIZE),
            );
            ui.label(
                egui::RichText::new("— corrected")
                    .color(theme::ACCENT)
                    .size(theme::SMALL_SIZE),
            );
            if let Some((note, cents)) = self.current_note() {
                let pc = PitchClass::from_semitone(note);
                ui.label(
                    egui::RichText::new(format!(
                        "{}{} {cents:+.0} ct",
                        pc.name(),
                        note.div_euclid(12) - 1
                    ))
                    .monospace()
                    .color(theme::TEXT),
                );
            }
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                ui.add(
                    egui::Slider::new(&mut self.zoom_seconds, ZOOM_MIN_SECONDS..=ZOOM_MAX_SECONDS)
                        .logarithmic(true)
                        .suffix(" s")
                        .fixed_decimals(0)
                        .show_value(true),
                )
                .on_hover_text("Time span shown (2-30 s)");
                ui.label(
                    egui::RichText::new("Zoom")
                        .size(theme::SMALL_SIZE)
                        .color(theme::TEXT_DIM),
                );
                extra(ui);
            });
        });
        let plot_height = (height - HEADER_HEIGHT - theme::SPACE).max(40.0);
        let (rect, response) =
            ui.allocate_exact_size(Vec2::new(width, plot_height), Sense::hover());
        // Ctrl+wheel (or pinch) over the graph zooms time, as in a DAW's arrange view.
        if response.hovered() {
            let zoom = ui.input(|i| i.zoom_delta());
            if zoom != 1.0 {
                self.zoom_seconds =
                    (self.zoom_seconds / zoom as f64).clamp(ZOOM_MIN_SECONDS, ZOOM_MAX_SECONDS);
            }
        }
        self.zoom_seconds = self.zoom_seconds.clamp(ZOOM_MIN_SECONDS, ZOOM_MAX_SECONDS);
        if !ui.is_rect_visible(rect) {
            return;
        }
        let painter = ui.painter_at(rect);
        painter.rect_filled(rect, 6.0, theme::GRAPH);
        let (low, high) = self.note_range();
        let y_of =
            |note: f32| rect.bottom() - (note - low + 0.5) / (high - low + 1.0) * rect.height();
        let plot = Rect::from_min_max(Pos2::new(rect.left() + LABEL_WIDTH, rect.top()), rect.max);
        self.note_grid(&painter, rect, plot, (low, high), grid, &y_of);
        let newest = self.points.back().map(|p| p.time).filter(|_| {
            self.visible()
                .any(|p| p.detected.is_some() || p.corrected.is_some())
        });
        let Some(newest) = newest else {
            silent_hint(&painter, plot);
            return;
        };
        let span = self.zoom_seconds;
        let x_of = |t: f64| plot.right() - ((newest - t) / span) as f32 * plot.width();
        time_grid(&painter, plot, newest, span, &x_of);
        self.note_marks(&painter, plot, grid.names, &x_of, &y_of);
        // The input is wider and under, the corrected line on top: where correction holds
        // a note the coral line reads with a teal rim, where it pulls the two part.
        self.trace(
            &painter,
            &x_of,
            &y_of,
            |p| p.detected,
            Stroke::new(3.0, theme::INPUT),
        );
        self.trace(
            &painter,
            &x_of,
            &y_of,
            |p| p.corrected,
            Stroke::new(1.6, theme::ACCENT),
        );
    }

    /// The sung notes' deviation marks, under the pitch lines.
    fn note_marks(
        &mut self,
        painter: &egui::Painter,
        plot: Rect,
        names: NoteNames,
        x_of: &impl Fn(f64) -> f32,
        y_of: &impl Fn(f32) -> f32,
    ) {
        marks::draw(painter, &self.placed_marks(names, plot, x_of, y_of));
    }

    /// The marks of the sung notes in view, each on its nearest note of `names`.
    pub fn placed_marks(
        &mut self,
        names: NoteNames,
        plot: Rect,
        x_of: &impl Fn(f64) -> f32,
        y_of: &impl Fn(f32) -> f32,
    ) -> Vec<marks::NoteMark> {
        self.notes.refresh();
        self.notes
            .notes()
            .filter_map(|note| marks::place(note, names, plot, x_of, y_of))
            .collect()
    }

    /// Horizontal bands per semitone: the grid's notes lighter, the tonic's line bright, note
    /// names in the left column (every note when there is room, else the grid's).
    fn note_grid(
        &self,
        painter: &egui::Painter,
        rect: Rect,
        plot: Rect,
        (low, high): (f32, f32),
        grid: NoteGrid,
        y_of: &impl Fn(f32) -> f32,
    ) {
        let key = grid.tonic;
        let mask = grid.names.mask();
        let row = rect.height() / (high - low + 1.0);
        // Labels need about a line of small text: below that, only the grid's notes are named.
        let all_names = row >= theme::SMALL_SIZE + 1.0;
        let font = egui::FontId::monospace(10.0);
        let mut last_label_y = f32::INFINITY;
        for note in low as i32..=high as i32 {
            let pc = PitchClass::from_semitone(note);
            let in_scale = mask & (1 << pc.semitone()) != 0;
            let y = y_of(note as f32);
            if in_scale {
                let band = Rect::from_center_size(
                    Pos2::new(plot.center().x, y),
                    Vec2::new(plot.width(), row),
                );
                let fill = if pc == key {
                    Color32::from_rgb(44, 38, 44)
                } else {
                    Color32::from_rgb(28, 31, 40)
                };
                painter.rect_filled(band, 0.0, fill);
            }
            let line = if pc == key {
                Stroke::new(1.0, theme::ACCENT.linear_multiply(0.5))
            } else {
                Stroke::new(1.0, Color32::from_rgb(36, 40, 50))
            };
            painter.line_segment(
                [Pos2::new(plot.left(), y), Pos2::new(plot.right(), y)],
                line,
            );
            let inside = y > rect.top() + 5.0 && y < rect.bottom() - 5.0;
            let wanted = all_names || in_scale;
            if wanted && inside && (pc == key || (last_label_y - y).abs() >= 11.0) {
                last_label_y = y;
                let colour = match (pc == key, in_scale) {
                    (true, _) => theme::ACCENT,
                    (false, true) => theme::TEXT,
                    (false, false) => theme::TEXT_DIM.linear_multiply(0.6),
                };
                painter.text(
                    Pos2::new(rect.left() + 4.0, y),
                    egui::Align2::LEFT_CENTER,
                    format!("{}{}", pc.name(), note.div_euclid(12) - 1),
                    font.clone(),
                    colour,
                );
            }
        }
    }

    /// Draws one pitch line as polylines, one per voiced run, at most about one point per
    /// pixel; broken where the voice was unvoiced or frames are missing.
    fn trace(
        &self,
        painter: &egui::Painter,
        x_of: &impl Fn(f64) -> f32,
        y_of: &impl Fn(f32) -> f32,
        pick: impl Fn(&PitchPoint) -> Option<f32>,
        stroke: Stroke,
    ) {
        let mut run: Vec<Pos2> = Vec::new();
        let mut last_time = f64::NEG_INFINITY;
        let flush = |run: &mut Vec<Pos2>| {
            if run.len() >= 2 {
                painter.add(egui::Shape::line(std::mem::take(run), stroke));
            }
            run.clear();
        };
        for p in self.visible() {
            let Some(note) = pick(p) else {
                flush(&mut run);
                continue;
            };
            if p.time - last_time > MAX_BRIDGED_GAP {
                flush(&mut run);
            }
            last_time = p.time;
            let pos = Pos2::new(x_of(p.time), y_of(note));
            // Closer than a pixel to the last fixed point: the newest pitch at that x replaces
            // the point in progress, so a run keeps about one point per pixel.
            let merge = run.len() >= 2
                && run
                    .get(run.len() - 2)
                    .is_some_and(|fixed| pos.x - fixed.x < MIN_POINT_SPACING);
            match run.last_mut() {
                Some(last) if merge => *last = pos,
                _ => run.push(pos),
            }
        }
        flush(&mut run);
    }
}

/// Vertical lines every second (every five past 12 s of span), moving with time.
fn time_grid(
    painter: &egui::Painter,
    plot: Rect,
    newest: f64,
    span: f64,
    x_of: &impl Fn(f64) -> f32,
) {
    let step = if span > 12.0 { 5.0 } else { 1.0 };
    let mut t = (newest / step).floor() * step;
    let stroke = Stroke::new(1.0, Color32::from_rgb(30, 34, 44));
    while t > newest - span {
        let x = x_of(t);
        painter.line_segment(
            [Pos2::new(x, plot.top()), Pos2::new(x, plot.bottom())],
            stroke,
        );
        t -= step;
    }
}

/// The hint shown while nothing has been sung in the time span.
fn silent_hint(painter: &egui::Painter, plot: Rect) {
    painter.text(
        plot.center() - Vec2::new(0.0, 9.0),
        egui::Align2::CENTER_CENTER,
        "Sing or play to see your pitch",
        egui::FontId::proportional(17.0),
        theme::TEXT,
    );
    painter.text(
        plot.center() + Vec2::new(0.0, 13.0),
        egui::Align2::CENTER_CENTER,
        "your voice in teal, the corrected pitch in coral, on the notes of the key",
        egui::FontId::proportional(theme::SMALL_SIZE),
        theme::TEXT_DIM,
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dsp::pitch_detector::Voicing;
    use ringbuf::traits::Producer;

    fn frame(time: f64, hz: f32) -> AnalysisFrame {
        AnalysisFrame {
            time_seconds: time,
            detected_hz: hz,
            output_hz: 440.0,
            voicing: Voicing::Voiced,
            level_db: -20.0,
        }
    }

    #[test]
    fn a_reset_clears_the_graph_and_a_late_frame_does_not() {
        let mut view = PitchView::default();
        for i in 0..200 {
            view.push(frame(i as f64 * 0.005, 220.0));
        }
        // One frame a hop late: dropped, the history stays.
        view.push(frame(0.99, 230.0));
        assert_eq!(view.points().count(), 200);
        assert!(view
            .points()
            .all(|p| p.detected.is_some_and(|n| (n - 57.0).abs() < 1e-3)));
        // The chain restarted: time starts again, the old line goes.
        view.push(frame(0.0, 440.0));
        assert_eq!(view.points().count(), 1);
        assert_eq!(view.current_note().map(|(n, _)| n), Some(69));
    }

    #[test]
    fn frames_cross_the_ring_and_old_ones_scroll_out() {
        let (mut tx, mut rx) = analysis_queue();
        for i in 0..2000 {
            // Past capacity: the producer drops, never blocks.
            let _ = tx.try_push(frame(i as f64 * 0.004, 430.0));
        }
        let mut view = PitchView::default();
        view.drain(&mut rx);
        let points: Vec<_> = view.points().copied().collect();
        assert!(!points.is_empty());
        let span = points.last().map(|p| p.time).unwrap_or(0.0) - points[0].time;
        assert!(span <= ZOOM_MAX_SECONDS + 1e-9, "span {span}");
        assert!((points[0].corrected.unwrap_or(0.0) - 69.0).abs() < 1e-4);
        let (low, high) = view.note_range();
        assert!(low < 69.0 && high > 69.0 && high - low >= 18.0);
    }

    #[test]
    fn the_grid_and_the_marks_follow_a_custom_note_set() {
        use crate::music::theory::{Key, Note};
        let c_major = Key::new(Note::default_spelling(PitchClass::C), ScaleKind::Major);
        assert_eq!(
            NoteGrid::key(PitchClass::C, ScaleKind::Major).names,
            NoteNames::Key(c_major)
        );
        let c_e_f = 1 | 1 << 4 | 1 << 5;
        let custom = NoteGrid::for_tuning(PitchClass::C, ScaleKind::Major, c_e_f);
        assert_eq!(
            (custom.tonic, custom.names),
            (PitchClass::C, NoteNames::Custom(c_e_f))
        );
        assert_eq!(custom.names.mask(), c_e_f, "the bands are the custom notes");
        // 0.6 s of D4 40 cents sharp, then a breath: one sung note.
        let mut view = PitchView::default();
        let d_sharp = 440.0 * ((62.4f32 - 69.0) / 12.0).exp2();
        for i in 0..200 {
            let mut f = frame(i as f64 * 0.005, if i < 120 { d_sharp } else { 0.0 });
            if i >= 120 {
                f.voicing = Voicing::Unvoiced;
            }
            view.push(f);
        }
        let plot = Rect::from_min_max(Pos2::new(0.0, 0.0), Pos2::new(400.0, 240.0));
        let x_of = |t: f64| (t * 100.0) as f32;
        let y_of = |n: f32| 240.0 - (n - 48.0) * 10.0;
        let on = |view: &mut PitchView, names| -> Vec<(u8, i32)> {
            view.placed_marks(names, plot, &x_of, &y_of)
                .iter()
                .map(|m| (m.midi, m.cents.round() as i32))
                .collect()
        };
        assert_eq!(on(&mut view, NoteNames::Key(c_major)), vec![(62, 40)]);
        assert_eq!(on(&mut view, custom.names), vec![(64, -160)]);
    }

    #[test]
    fn hz_to_midi_rejects_silence() {
        assert_eq!(hz_to_midi(0.0), None);
        assert_eq!(hz_to_midi(f32::NAN), None);
        assert!((hz_to_midi(261.6256).unwrap_or(0.0) - 60.0).abs() < 1e-3);
    }
}
