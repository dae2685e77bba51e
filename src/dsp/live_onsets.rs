//! Where a live note began. The live tracker (`live_notes`) confirms a note only after its
//! pitch has held still for a while, 35-80 ms after the singer started it; Voice to MIDI sends
//! the note-on with a lookahead, so it can place it where the note really began. This module
//! keeps the last analysis frames and reads that instant off them, in one of three ways:
//! - an attack (the note's frames follow silence, breath or a consonant): where the input
//!   level rose to half the note's (-6 dB), corrected for how late the detector's frames
//!   report a level step (`LEVEL_LAG_S`);
//! - a legato step (the previous note still sounded): where the pitch crossed the midpoint
//!   between the old note and the new one, interpolated between frames;
//! - an arrival (the pitch came from a glide or a wander, no note sounding): where the glide
//!   slowed to a held pitch (`GLIDE_STEP_ST`); but when that comes within `STEP_S` of the
//!   previous note being left, the change was a step the detector blurred, and the note
//!   begins where the previous one was left.
//!
//! Frames an octave from the new note count as the note (the detector can hold the wrong
//! octave for the first 20-30 ms of an attack or a step).

use crate::music::listen::notes::CLAIM_ST;

/// Frames kept: 320 ms at the detector's 5 ms hop, more than any confirmation takes (the
/// latest measured: 80 ms after the onset) plus the frames before the onset the estimate reads.
pub const HISTORY_FRAMES: usize = 64;
/// How much later the detector labels the frame where a level step shows than the step
/// happened: the frames' level is the RMS of a 20 ms window lying before the frame's nominal
/// instant, so a sudden onset reaches -6 dB of its final level in the frame labelled about
/// 13 ms after it. Measured 12.1-13.9 ms on sine attacks (G3, D4, G5, C3 at 44.1 kHz) and the
/// synthetic singer's attacks after silence, a breath and a fricative at 48 kHz.
pub const LEVEL_LAG_S: f64 = 0.013;
/// An attack's onset is where the level crossed this far below the note's held level (dB):
/// half the amplitude, the steepest part of an onset, so the crossing is well defined.
const HALF_LEVEL_DB: f32 = 6.0;
/// A glide has arrived when the pitch moves less than this per frame (semitones per 5 ms hop,
/// 20 st/s): sung glides and scoops move at 10-50 st/s and slow down as they land, while a
/// 50-cent vibrato at up to 6 Hz moves at most 19 st/s, so a vibrato note reached by a glide
/// is not mistaken for more glide.
const GLIDE_STEP_ST: f32 = 0.1;
/// Leaving a note and arriving at the next within this long is a step, not a glide: a sung
/// step's transition takes 10-30 ms, and the detector can add 30 ms of octave doubt after it
/// (the synthetic singer's legato G4, whose previous note is released as a wander because the
/// doubt outlasts `MIN_NOTE_S`); the glides and scoops that start notes of their own take
/// 100 ms and more.
const STEP_S: f64 = 0.05;

/// One analysis frame as the onset estimate needs it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HeardFrame {
    /// Input sample (fractional) the frame describes.
    pub instant: f64,
    /// Fractional MIDI pitch, NaN when the frame is not voiced.
    pub pitch: f32,
    /// Input level in dBFS.
    pub level_db: f32,
}

impl HeardFrame {
    fn voiced(&self) -> bool {
        self.pitch.is_finite()
    }
}

/// The last `HISTORY_FRAMES` frames, newest last; a fixed ring, so pushing never allocates.
#[derive(Debug, Clone)]
pub struct FrameHistory {
    frames: [HeardFrame; HISTORY_FRAMES],
    /// Index where the next frame goes.
    next: usize,
    len: usize,
}

impl Default for FrameHistory {
    fn default() -> Self {
        let empty = HeardFrame {
            instant: 0.0,
            pitch: f32::NAN,
            level_db: -120.0,
        };
        Self {
            frames: [empty; HISTORY_FRAMES],
            next: 0,
            len: 0,
        }
    }
}

impl FrameHistory {
    /// Forgets every frame, in place.
    pub fn clear(&mut self) {
        self.next = 0;
        self.len = 0;
    }

    /// Appends a frame, dropping the oldest when full.
    pub fn push(&mut self, frame: HeardFrame) {
        self.frames[self.next] = frame;
        self.next = (self.next + 1) % HISTORY_FRAMES;
        self.len = (self.len + 1).min(HISTORY_FRAMES);
    }

    /// Frames held.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether no frame is held.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The frame `age` frames before the newest (0 = the newest).
    pub fn back(&self, age: usize) -> Option<HeardFrame> {
        (age < self.len)
            .then(|| self.frames[(self.next + HISTORY_FRAMES - 1 - age) % HISTORY_FRAMES])
    }
}

/// What the new note follows.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Approach {
    /// No note sounded when it was confirmed: an attack or an arrival.
    Fresh,
    /// The note with this centre (fractional MIDI) still sounded: a legato step.
    From(f32),
    /// No note sounded, but one was left at this input instant (its pitch wandered off) with
    /// no unvoiced frame since: an arrival, or a blurred step.
    Left(f64),
}

/// Estimates where a note just confirmed began, as an input sample. `window` is how many of
/// the newest frames confirmed it (voiced and holding still around `mean`, fractional MIDI);
/// `sample_rate` converts `LEVEL_LAG_S`.
pub fn onset(
    history: &FrameHistory,
    window: usize,
    mean: f32,
    approach: Approach,
    sample_rate: f64,
) -> f64 {
    let first = window.clamp(1, history.len().max(1)) - 1;
    let Some(confirmed) = history.back(first) else {
        return 0.0;
    };
    if let Approach::From(old) = approach {
        return legato_crossing(history, first, old, mean);
    }
    // The earliest frame of the run that belongs to the note.
    let mut earliest = first;
    while history
        .back(earliest + 1)
        .is_some_and(|f| folded(f.pitch, mean).is_some())
    {
        earliest += 1;
    }
    let estimate = match history.back(earliest + 1) {
        Some(before) if before.voiced() => arrival(history, earliest, mean),
        _ => {
            let held = held_level(history, window.min(history.len()));
            attack(history, earliest, held, sample_rate).min(confirmed.instant)
        }
    };
    match approach {
        Approach::Left(left) if (left..=left + STEP_S * sample_rate).contains(&estimate) => left,
        _ => estimate,
    }
}

/// `pitch` moved by whole octaves onto `mean`, when it lies within `CLAIM_ST` of `mean` or of
/// an octave above or below it.
fn folded(pitch: f32, mean: f32) -> Option<f32> {
    [0.0, 12.0, -12.0]
        .into_iter()
        .map(|octave| pitch - octave)
        .find(|p| (p - mean).abs() <= CLAIM_ST)
}

/// The mean level (dB) of the newest `count` frames.
fn held_level(history: &FrameHistory, count: usize) -> f32 {
    let count = count.max(1);
    let sum: f32 = (0..count)
        .filter_map(|age| history.back(age))
        .map(|f| f.level_db)
        .sum();
    sum / count as f32
}

/// An attack: back from the note's earliest frame while the level stays within
/// `HALF_LEVEL_DB` of `held`, then the crossing between the last frame below and the first
/// above, moved back by the detector's level lag.
fn attack(history: &FrameHistory, earliest: usize, held: f32, sample_rate: f64) -> f64 {
    let threshold = held - HALF_LEVEL_DB;
    let mut age = earliest;
    while history
        .back(age + 1)
        .is_some_and(|f| f.level_db >= threshold)
    {
        age += 1;
    }
    let Some(above) = history.back(age) else {
        return 0.0;
    };
    let crossing = match history.back(age + 1) {
        Some(below) if above.level_db > below.level_db => {
            let share = f64::from((threshold - below.level_db) / (above.level_db - below.level_db));
            below.instant + share.clamp(0.0, 1.0) * (above.instant - below.instant)
        }
        _ => above.instant,
    };
    (crossing - LEVEL_LAG_S * sample_rate).max(0.0)
}

/// An arrival: forward from the note's earliest frame while the pitch still moves faster than
/// a held note's.
fn arrival(history: &FrameHistory, earliest: usize, mean: f32) -> f64 {
    let pitch_at = |age: usize| {
        history
            .back(age)
            .and_then(|f| folded(f.pitch, mean))
            .unwrap_or(mean)
    };
    let mut age = earliest;
    while age > 0 && (pitch_at(age - 1) - pitch_at(age)).abs() > GLIDE_STEP_ST {
        age -= 1;
    }
    history.back(age).map_or(0.0, |f| f.instant)
}

/// A legato step from `old` to `mean`: back from the confirming window's first frame while
/// the (octave-folded) pitch is on the new note's side of their midpoint, then the crossing.
fn legato_crossing(history: &FrameHistory, first: usize, old: f32, mean: f32) -> f64 {
    let midpoint = 0.5 * (old + mean);
    let towards_new = (mean - midpoint).signum();
    let new_side = |f: &HeardFrame| {
        f.voiced() && (folded(f.pitch, mean).unwrap_or(f.pitch) - midpoint) * towards_new > 0.0
    };
    let mut age = first;
    while history.back(age + 1).is_some_and(|f| new_side(&f)) {
        age += 1;
    }
    let Some(after) = history.back(age) else {
        return 0.0;
    };
    match history.back(age + 1) {
        Some(before) if before.voiced() => {
            let p_after = folded(after.pitch, mean).unwrap_or(after.pitch);
            let span = p_after - before.pitch;
            let share = if span.abs() > f32::EPSILON {
                f64::from(((midpoint - before.pitch) / span).clamp(0.0, 1.0))
            } else {
                1.0
            };
            before.instant + share * (after.instant - before.instant)
        }
        _ => after.instant,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SR: f64 = 48_000.0;
    const HOP: f64 = 240.0;

    /// A history of (pitch or NaN, level) frames one hop apart starting at sample 0.
    fn history(frames: &[(f32, f32)]) -> FrameHistory {
        let mut h = FrameHistory::default();
        for (i, &(pitch, level_db)) in frames.iter().enumerate() {
            h.push(HeardFrame {
                instant: i as f64 * HOP,
                pitch,
                level_db,
            });
        }
        h
    }

    #[test]
    fn the_ring_keeps_the_newest_frames() {
        let h = history(&vec![(60.0, -20.0); HISTORY_FRAMES + 5]);
        assert_eq!(h.len(), HISTORY_FRAMES);
        let newest = h.back(0).map(|f| f.instant);
        assert_eq!(newest, Some((HISTORY_FRAMES + 4) as f64 * HOP));
        let oldest = h.back(HISTORY_FRAMES - 1).map(|f| f.instant);
        assert_eq!(oldest, Some(5.0 * HOP));
        assert_eq!(h.back(HISTORY_FRAMES), None);
    }

    #[test]
    fn an_attack_is_placed_at_the_half_level_crossing_less_the_lag() {
        // Silence, then a level ramp -40, -24, -18 (held -18 from there on): the -24 dB
        // crossing is exactly the frame at index 11.
        let mut frames = vec![(f32::NAN, -120.0); 10];
        frames.push((f32::NAN, -40.0));
        frames.push((f32::NAN, -24.0));
        frames.extend(vec![(62.0, -18.0); 8]);
        let h = history(&frames);
        let at = onset(&h, 8, 62.0, Approach::Fresh, SR);
        assert!((at - (11.0 * HOP - LEVEL_LAG_S * SR)).abs() < 1e-6, "{at}");
        // Octave errors at the start of the note are part of it.
        let mut frames = vec![(f32::NAN, -120.0); 10];
        frames.push((f32::NAN, -30.0));
        frames.extend(vec![(74.0, -18.0); 5]);
        frames.extend(vec![(62.0, -18.0); 8]);
        let h = history(&frames);
        let at = onset(&h, 8, 62.0, Approach::Fresh, SR);
        let crossing = 10.0 * HOP + HOP * (-24.0 - -30.0) / (-18.0 - -30.0);
        assert!((at - (crossing - LEVEL_LAG_S * SR)).abs() < 1e-6, "{at}");
    }

    #[test]
    fn a_legato_step_is_placed_where_the_pitch_crosses_the_midpoint() {
        // 60 held, then 60.5 -> 61.5 -> 63 -> 64 ... (midpoint 62 crossed between frames 11
        // and 12, two thirds of the way).
        let mut frames = vec![(60.0, -18.0); 10];
        frames.push((60.5, -18.0));
        frames.push((61.0, -18.0));
        frames.push((62.5, -18.0));
        frames.extend(vec![(64.0, -18.0); 8]);
        let h = history(&frames);
        let at = onset(&h, 8, 64.0, Approach::From(60.0), SR);
        assert!((at - (11.0 + 2.0 / 3.0) * HOP).abs() < 1e-3, "{at}");
    }

    #[test]
    fn a_glide_is_placed_where_it_lands() {
        // A glide at 0.2 st per frame up to 64, slowing to 0.05 for its last step.
        let mut frames: Vec<(f32, f32)> = (0..20).map(|i| (60.0 + 0.2 * i as f32, -18.0)).collect();
        frames.push((63.95, -18.0));
        frames.extend(vec![(64.0, -18.0); 8]);
        let h = history(&frames);
        let at = onset(&h, 8, 64.0, Approach::Fresh, SR);
        // 63.8 (frame 19) steps 0.15 to 63.95 (frame 20), which steps 0.05: landed at 20.
        assert!((at - 20.0 * HOP).abs() < 1e-6, "{at}");
    }

    #[test]
    fn a_note_reached_soon_after_the_last_was_left_begins_where_it_was_left() {
        // 60 left at frame 10 (instant 2400), then octave doubt, then 64 settling slowly.
        let mut frames = vec![(60.0, -18.0); 10];
        frames.push((62.0, -18.0));
        frames.extend([(75.4, -18.0), (75.6, -18.0)]);
        frames.extend([(63.8, -18.0), (63.95, -18.0)]);
        frames.extend(vec![(64.0, -18.0); 8]);
        let h = history(&frames);
        let left = 10.0 * HOP;
        assert_eq!(onset(&h, 8, 64.0, Approach::Left(left), SR), left);
        // Without the step, the arrival (frame 14, where the settling slowed).
        assert_eq!(onset(&h, 8, 64.0, Approach::Fresh, SR), 14.0 * HOP);
        // Left long before (a glide): the arrival.
        assert_eq!(onset(&h, 8, 64.0, Approach::Left(0.0), SR), 14.0 * HOP);
    }

    #[test]
    fn a_short_history_never_panics() {
        let h = FrameHistory::default();
        assert_eq!(onset(&h, 8, 60.0, Approach::Fresh, SR), 0.0);
        let h = history(&[(60.0, -18.0); 3]);
        let at = onset(&h, 8, 60.0, Approach::Fresh, SR);
        assert!(at.is_finite() && at >= 0.0);
        let at = onset(&h, 8, 60.0, Approach::From(57.0), SR);
        assert!(at.is_finite() && at >= 0.0);
    }
}
