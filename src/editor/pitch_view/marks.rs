//! Per-note deviation marks on the pitch view: each sung note in view gets a short bar on its
//! nearest note of the tuning's notes (the key's scale or a custom note set, as the take report
//! names them), over its duration, coloured by how far off it was sung (within 10 cents, 10-25
//! cents, more: the take report's bands), with the cents ("+18") above it when the bar is wide
//! enough to carry them.
//!
//! The notes come from the view's own frames through the listening module's incremental
//! segmenter (`NoteTracker`): finished notes cost nothing after they are found, and the note
//! still being sung is re-segmented a few times a second, which keeps the editor's frame
//! budget whatever the history length.

use std::collections::VecDeque;

use egui::{Color32, Pos2, Rect, Stroke};

use crate::music::listen::notes::nearest_midi;
use crate::music::listen::report::{LOOSE_CENTS, TIGHT_CENTS};
use crate::music::listen::{NoteNames, NoteTracker, PitchPoint, SungNote};
use crate::music::theory::{Key, Note, PitchClass, ScaleKind};

use super::super::theme;

/// How often the note still being sung is segmented again, in seconds of view time: often
/// enough that its mark follows the voice, rarely enough that re-segmenting up to 8 s of
/// frames stays a small part of a GUI frame.
const PENDING_REFRESH_S: f64 = 0.1;
/// Narrowest bar (points) that carries its cents: "+18" in the 10-point monospace font.
pub const LABEL_MIN_WIDTH: f32 = 24.0;
/// Thickness of a mark's bar in points.
const BAR_THICKNESS: f32 = 3.0;
/// Font size of the cents label.
const LABEL_SIZE: f32 = 10.0;

/// The sung notes of the view's history.
#[derive(Debug, Clone, Default)]
pub struct NoteMarks {
    tracker: NoteTracker,
    finished: VecDeque<SungNote>,
    pending: Vec<SungNote>,
    pending_at: Option<f64>,
    newest: f64,
}

impl NoteMarks {
    /// Adds one analysis hop; notes ending before `keep_from` (seconds) are forgotten.
    pub fn push(&mut self, time_s: f64, detected_hz: f32, voiced: bool, keep_from: f64) {
        let point = PitchPoint {
            time_s,
            f0_hz: detected_hz,
            voiced,
        };
        self.finished.extend(self.tracker.push(point));
        while self.finished.front().is_some_and(|n| n.end_s < keep_from) {
            self.finished.pop_front();
        }
        self.newest = time_s;
    }

    /// Forgets every note (the chain was reset).
    pub fn clear(&mut self) {
        *self = Self::default();
    }

    /// Segments the note in progress again when it is due.
    pub fn refresh(&mut self) {
        let due = self
            .pending_at
            .is_none_or(|t| self.newest - t >= PENDING_REFRESH_S || self.newest < t);
        if due {
            self.pending = self.tracker.pending();
            self.pending_at = Some(self.newest);
        }
    }

    /// Every note known, oldest first (finished ones, then those of the run in progress).
    pub fn notes(&self) -> impl Iterator<Item = &SungNote> {
        self.finished.iter().chain(&self.pending)
    }
}

/// How far off a note was sung, in the take report's bands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Deviation {
    /// Within `TIGHT_CENTS` (10 c).
    InTune,
    /// Within `LOOSE_CENTS` (25 c).
    Close,
    /// Further off.
    Off,
}

impl Deviation {
    /// The band of `cents` (either direction).
    pub fn of(cents: f32) -> Self {
        let distance = cents.abs();
        if distance <= TIGHT_CENTS {
            Self::InTune
        } else if distance <= LOOSE_CENTS {
            Self::Close
        } else {
            Self::Off
        }
    }

    /// Green, amber, red: the colours the window uses for good, so-so and bad.
    pub fn colour(self) -> Color32 {
        match self {
            Self::InTune => theme::OK,
            Self::Close => theme::WAIT,
            Self::Off => theme::WARN,
        }
    }
}

/// One note's mark, placed on the graph.
#[derive(Debug, Clone, PartialEq)]
pub struct NoteMark {
    /// Left end of the bar (clipped to the plot).
    pub left: f32,
    /// Right end of the bar (clipped to the plot).
    pub right: f32,
    /// Height of the note (of the grid's names) the bar sits on.
    pub y: f32,
    /// That note.
    pub midi: u8,
    /// How far from it the note was sung (+ sharp).
    pub cents: f32,
    /// Its band.
    pub deviation: Deviation,
    /// The cents as drawn ("+18"), when the bar has room.
    pub label: Option<String>,
}

/// The key a view's grid shows, for naming notes (the spelling does not matter here).
pub fn grid_key(tonic: PitchClass, scale: ScaleKind) -> Key {
    Key::new(Note::default_spelling(tonic), scale)
}

/// Where and how `note` is marked on `plot` (time to x by `x_of`, pitch to y by `y_of`), on
/// its nearest note of `names` (a key's scale or a custom note set), or `None` when it lies
/// outside the plot's time span.
pub fn place(
    note: &SungNote,
    names: impl Into<NoteNames>,
    plot: Rect,
    x_of: &impl Fn(f64) -> f32,
    y_of: &impl Fn(f32) -> f32,
) -> Option<NoteMark> {
    let left = x_of(note.start_s).max(plot.left());
    let right = x_of(note.end_s).min(plot.right());
    let midi = nearest_midi(note.pitch, names);
    let y = y_of(f32::from(midi));
    if right <= left || !(plot.top()..=plot.bottom()).contains(&y) {
        return None;
    }
    let cents = 100.0 * (note.pitch - f32::from(midi));
    let label = (right - left >= LABEL_MIN_WIDTH).then(|| cents_label(cents));
    Some(NoteMark {
        left,
        right,
        y,
        midi,
        cents,
        deviation: Deviation::of(cents),
        label,
    })
}

/// "+18", "-7", "+0": whole cents with their sign.
pub fn cents_label(cents: f32) -> String {
    let whole = cents.round() as i32;
    format!("{whole:+}")
}

/// Draws the marks: bars on the note lines, labels just above them.
pub fn draw(painter: &egui::Painter, marks: &[NoteMark]) {
    let font = egui::FontId::monospace(LABEL_SIZE);
    for mark in marks {
        let colour = mark.deviation.colour();
        painter.line_segment(
            [Pos2::new(mark.left, mark.y), Pos2::new(mark.right, mark.y)],
            Stroke::new(BAR_THICKNESS, colour.linear_multiply(0.85)),
        );
        if let Some(label) = &mark.label {
            painter.text(
                Pos2::new(mark.left + 1.0, mark.y - BAR_THICKNESS),
                egui::Align2::LEFT_BOTTOM,
                label,
                font.clone(),
                colour,
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn note(start_s: f64, end_s: f64, pitch: f32) -> SungNote {
        SungNote {
            start_s,
            end_s,
            midi: pitch.round() as u8,
            cents: 0.0,
            vibrato_hz: None,
            vibrato_cents: None,
            pitch,
            unsteadiness_cents: 0.0,
        }
    }

    /// A 400-point plot showing 10 s ending at t = 10 and notes 48..72 over 240 points.
    fn layout() -> (Rect, impl Fn(f64) -> f32, impl Fn(f32) -> f32) {
        let plot = Rect::from_min_max(Pos2::new(0.0, 0.0), Pos2::new(400.0, 240.0));
        (
            plot,
            |t: f64| (t * 40.0) as f32,
            |n: f32| 240.0 - (n - 48.0) * 10.0,
        )
    }

    #[test]
    fn bands_follow_the_take_report() {
        assert_eq!(Deviation::of(0.0), Deviation::InTune);
        assert_eq!(Deviation::of(-10.0), Deviation::InTune);
        assert_eq!(Deviation::of(10.5), Deviation::Close);
        assert_eq!(Deviation::of(-25.0), Deviation::Close);
        assert_eq!(Deviation::of(25.5), Deviation::Off);
        assert_eq!(Deviation::of(-60.0), Deviation::Off);
        assert_ne!(Deviation::InTune.colour(), Deviation::Off.colour());
        assert_eq!(cents_label(17.6), "+18");
        assert_eq!(cents_label(-7.2), "-7");
        assert_eq!(cents_label(0.2), "+0");
    }

    #[test]
    fn a_mark_sits_on_the_nearest_key_note_over_the_note() {
        let (plot, x_of, y_of) = layout();
        let c_major = grid_key(PitchClass::C, ScaleKind::Major);
        // A4 18 cents sharp, from 2 s to 3 s.
        let mark = place(&note(2.0, 3.0, 69.18), c_major, plot, &x_of, &y_of).expect("in view");
        assert_eq!((mark.left, mark.right), (80.0, 120.0));
        assert_eq!(mark.midi, 69);
        assert!((mark.y - y_of(69.0)).abs() < 1e-4);
        assert!((mark.cents - 18.0).abs() < 0.01);
        assert_eq!(mark.deviation, Deviation::Close);
        assert_eq!(mark.label.as_deref(), Some("+18"));
        // An F# sung in C major is marked on the key's nearer note, far off.
        let mark = place(&note(4.0, 5.0, 66.4), c_major, plot, &x_of, &y_of).expect("in view");
        assert_eq!(mark.midi, 67);
        assert_eq!(mark.deviation, Deviation::Off);
        assert_eq!(mark.label.as_deref(), Some("-60"));
    }

    #[test]
    fn with_a_custom_note_set_a_mark_sits_on_its_nearest_note() {
        let (plot, x_of, y_of) = layout();
        let c_major = grid_key(PitchClass::C, ScaleKind::Major);
        // D4 40 cents sharp: in C major a D sung sharp.
        let sung = note(2.0, 3.0, 62.4);
        let keyed = place(&sung, c_major, plot, &x_of, &y_of).expect("in view");
        assert_eq!(keyed.midi, 62);
        assert!((keyed.cents - 40.0).abs() < 0.01);
        // Tuned to C, E and F only (the window's keyboard): there is no D, and the take
        // report measures this note from E4, 160 cents under it.
        let custom = NoteNames::for_tuning(Some(c_major), 1 | 1 << 4 | 1 << 5);
        let mark = place(&sung, custom, plot, &x_of, &y_of).expect("in view");
        assert_eq!(mark.midi, 64);
        assert!((mark.y - y_of(64.0)).abs() < 1e-4);
        assert!((mark.cents + 160.0).abs() < 0.01);
        assert_eq!(mark.deviation, Deviation::Off);
        assert_eq!(mark.label.as_deref(), Some("-160"));
        // F# (not in C major) is a custom set's note like any other: on it, in tune.
        let f_sharp = NoteNames::for_tuning(Some(c_major), 1 << 6);
        let mark = place(&note(4.0, 5.0, 66.05), f_sharp, plot, &x_of, &y_of).expect("in view");
        assert_eq!((mark.midi, mark.deviation), (66, Deviation::InTune));
    }

    #[test]
    fn short_notes_lose_the_label_and_hidden_notes_get_no_mark() {
        let (plot, x_of, y_of) = layout();
        let key = grid_key(PitchClass::D, ScaleKind::Minor);
        // 0.5 s is 20 points: a bar, no label.
        let short = place(&note(5.0, 5.5, 62.02), key, plot, &x_of, &y_of).expect("in view");
        assert_eq!(short.label, None);
        assert_eq!(short.deviation, Deviation::InTune);
        // Partly scrolled out: clipped at the plot's left edge.
        let clipped = place(&note(-1.0, 1.0, 62.0), key, plot, &x_of, &y_of).expect("in view");
        assert_eq!(clipped.left, 0.0);
        // Entirely out of time or out of the note range: none.
        assert!(place(&note(-3.0, -1.0, 62.0), key, plot, &x_of, &y_of).is_none());
        assert!(place(&note(2.0, 3.0, 90.0), key, plot, &x_of, &y_of).is_none());
    }

    #[test]
    fn notes_come_from_the_frames_and_old_ones_are_forgotten() {
        let mut marks = NoteMarks::default();
        let hz = |m: f32| 440.0 * ((m - 69.0) / 12.0).exp2();
        // Two notes a rest apart, 5 ms frames, then the second still sounding.
        let mut t = 0.0;
        let mut sing = |marks: &mut NoteMarks, seconds: f64, pitch: Option<f32>| {
            let end = t + seconds;
            while t < end {
                marks.push(t, pitch.map_or(0.0, hz), pitch.is_some(), t - 30.0);
                t += 0.005;
            }
        };
        sing(&mut marks, 0.6, Some(60.1));
        sing(&mut marks, 0.2, None);
        sing(&mut marks, 0.5, Some(64.0));
        marks.refresh();
        let notes: Vec<u8> = marks.notes().map(|n| n.midi).collect();
        assert_eq!(notes, vec![60, 64]);
        // Thirty seconds later the first ones scrolled out.
        sing(&mut marks, 31.0, None);
        marks.refresh();
        assert_eq!(marks.notes().count(), 0);
        marks.clear();
        assert_eq!(marks.notes().count(), 0);
    }
}
