//! The live pitch view: detected (input) and corrected (output) pitch over the last seconds on
//! a note grid of the chosen key and scale. Frames come from the audio thread through a
//! single-producer single-consumer ring (`analysis_queue`): the audio thread pushes without
//! allocating and drops frames when the ring is full (the window closed, or a slow frame).

use std::collections::VecDeque;

use egui::{Color32, Pos2, Rect, Sense, Stroke, Vec2};
use ringbuf::traits::{Consumer, Split};
use ringbuf::{HeapCons, HeapProd, HeapRb};

use crate::dsp::AnalysisFrame;
use crate::music::theory::{PitchClass, ScaleKind};

/// Frames the ring holds: 8-10 s at the detector's 4-5 ms hop, so a slow GUI frame loses none.
pub const QUEUE_FRAMES: usize = 2048;
/// Seconds of history the view shows.
pub const VIEW_SECONDS: f64 = 6.0;

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

/// The recent pitch history and its drawing.
#[derive(Debug, Clone, Default)]
pub struct PitchView {
    points: VecDeque<PitchPoint>,
}

impl PitchView {
    /// Takes every waiting frame from the ring and forgets what scrolled out of view.
    pub fn drain(&mut self, consumer: &mut AnalysisConsumer) {
        while let Some(frame) = consumer.try_pop() {
            self.push(frame);
        }
    }

    /// Adds one frame (a reset of the chain restarts time, so older points are cleared).
    pub fn push(&mut self, frame: AnalysisFrame) {
        if self
            .points
            .back()
            .is_some_and(|p| frame.time_seconds < p.time)
        {
            self.points.clear();
        }
        let voiced = frame.voicing == crate::dsp::pitch_detector::Voicing::Voiced;
        self.points.push_back(PitchPoint {
            time: frame.time_seconds,
            detected: hz_to_midi(frame.detected_hz).filter(|_| voiced),
            corrected: hz_to_midi(frame.output_hz).filter(|_| voiced),
        });
        let newest = frame.time_seconds;
        while self
            .points
            .front()
            .is_some_and(|p| p.time < newest - VIEW_SECONDS)
        {
            self.points.pop_front();
        }
    }

    /// The points in view, oldest first.
    pub fn points(&self) -> impl Iterator<Item = &PitchPoint> {
        self.points.iter()
    }

    /// The note range to show: the sung notes with a margin, at least an octave and a half.
    pub fn note_range(&self) -> (f32, f32) {
        let mut low = f32::INFINITY;
        let mut high = f32::NEG_INFINITY;
        for p in &self.points {
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

    /// Draws the view in a strip `height` points tall across the available width.
    pub fn ui(&self, ui: &mut egui::Ui, key: PitchClass, scale: ScaleKind, height: f32) {
        let (rect, _) =
            ui.allocate_exact_size(Vec2::new(ui.available_width(), height), Sense::hover());
        let painter = ui.painter_at(rect);
        painter.rect_filled(rect, 4.0, Color32::from_rgb(18, 20, 26));
        let (low, high) = self.note_range();
        let y_of = |note: f32| rect.bottom() - (note - low) / (high - low) * rect.height();
        let label_width = 34.0;
        let plot = Rect::from_min_max(Pos2::new(rect.left() + label_width, rect.top()), rect.max);
        let mask = scale.pitch_class_mask(key);
        let font = egui::FontId::monospace(10.0);
        // Labels need about a line of text between them; neighbours closer than that are
        // skipped (the tonic always gets its label).
        let min_gap = 11.0;
        let mut last_label_y = f32::INFINITY;
        for note in low as i32..=high as i32 {
            let pc = PitchClass::from_semitone(note);
            let in_scale = mask & (1 << pc.semitone()) != 0;
            let y = y_of(note as f32);
            let colour = if pc == key {
                Color32::from_rgb(90, 100, 140)
            } else if in_scale {
                Color32::from_rgb(50, 56, 72)
            } else {
                Color32::from_rgb(30, 32, 40)
            };
            painter.line_segment(
                [Pos2::new(plot.left(), y), Pos2::new(plot.right(), y)],
                Stroke::new(if pc == key { 1.5 } else { 1.0 }, colour),
            );
            let inside = y > rect.top() + 6.0 && y < rect.bottom() - 6.0;
            if in_scale && inside && (pc == key || (last_label_y - y).abs() >= min_gap) {
                last_label_y = y;
                painter.text(
                    Pos2::new(rect.left() + 3.0, y),
                    egui::Align2::LEFT_CENTER,
                    format!("{}{}", pc.name(), note.div_euclid(12) - 1),
                    font.clone(),
                    Color32::from_gray(if pc == key { 220 } else { 150 }),
                );
            }
        }
        let voiced = self
            .points
            .iter()
            .any(|p| p.detected.is_some() || p.corrected.is_some());
        let newest = self.points.back().map(|p| p.time).filter(|_| voiced);
        let Some(newest) = newest else {
            painter.text(
                plot.center(),
                egui::Align2::CENTER_CENTER,
                "sing to see your pitch",
                egui::FontId::proportional(13.0),
                Color32::GRAY,
            );
            return;
        };
        let x_of = |t: f64| plot.right() - ((newest - t) / VIEW_SECONDS) as f32 * plot.width();
        let detected = Stroke::new(1.5, Color32::from_rgb(240, 170, 70));
        let corrected = Stroke::new(2.0, Color32::from_rgb(80, 210, 230));
        self.trace(&painter, x_of, y_of, |p| p.detected, detected);
        self.trace(&painter, x_of, y_of, |p| p.corrected, corrected);
        // Legend in the traces' own colours (plain ASCII: every bundled font has it).
        let legend = painter.text(
            Pos2::new(plot.right() - 4.0, rect.top() + 3.0),
            egui::Align2::RIGHT_TOP,
            "corrected",
            font.clone(),
            corrected.color,
        );
        painter.text(
            Pos2::new(legend.left() - 8.0, rect.top() + 3.0),
            egui::Align2::RIGHT_TOP,
            "input",
            font,
            detected.color,
        );
    }

    /// Draws one pitch line, broken where the voice was unvoiced or frames are missing.
    fn trace(
        &self,
        painter: &egui::Painter,
        x_of: impl Fn(f64) -> f32,
        y_of: impl Fn(f32) -> f32,
        pick: impl Fn(&PitchPoint) -> Option<f32>,
        stroke: Stroke,
    ) {
        let mut previous: Option<(f64, Pos2)> = None;
        for p in &self.points {
            let Some(note) = pick(p) else {
                previous = None;
                continue;
            };
            let pos = Pos2::new(x_of(p.time), y_of(note));
            if let Some((t, last)) = previous {
                // A gap longer than a few hops means dropped frames: do not bridge it.
                if p.time - t < 0.05 {
                    painter.line_segment([last, pos], stroke);
                }
            }
            previous = Some((p.time, pos));
        }
    }
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
        assert!(span <= VIEW_SECONDS + 1e-9, "span {span}");
        assert!((points[0].corrected.unwrap_or(0.0) - 69.0).abs() < 1e-4);
        let (low, high) = view.note_range();
        assert!(low < 69.0 && high > 69.0 && high - low >= 18.0);
    }

    #[test]
    fn hz_to_midi_rejects_silence() {
        assert_eq!(hz_to_midi(0.0), None);
        assert_eq!(hz_to_midi(f32::NAN), None);
        assert!((hz_to_midi(261.6256).unwrap_or(0.0) - 60.0).abs() < 1e-3);
    }
}
