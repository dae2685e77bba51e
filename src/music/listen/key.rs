//! Key and scale from sung notes.
//!
//! Model: in a key, each sung second falls on a pitch class with a probability set by the
//! degree's role: the tonic most, then the fifth and the third, then the other scale notes,
//! and a little outside the scale (passing and off-key notes). Every tonic times every scale
//! the plugin tunes to (modes, pentatonics and blues included; chromatic is left out, as it
//! fits anything and says nothing) is scored by the log-likelihood of the heard pitch-class
//! weights plus a small prior that prefers the common scales when the notes cannot tell (a tune
//! that never sings its sixth is minor or dorian: a musician says minor).
//!
//! Notes are weighted by duration times steadiness, so glides (which segmentation leaves out),
//! scoops and wobbly notes count little, and a note that ends a phrase counts more: phrases
//! come to rest on the tonic or fifth, which is what tells C major from A minor on the same
//! seven notes.
//!
//! Confidence: the posterior probability of the winning key among all candidates, when every
//! `SECONDS_PER_OBSERVATION` of weighted singing counts as one independent observation, at most
//! `MAX_OBSERVATIONS`. It is near 1 only when the runner-up (often the relative major or minor
//! or a neighbouring mode) is clearly less likely, and it stays modest after a few notes.

use std::collections::VecDeque;

use super::notes::{segment_notes, SungNote};
use super::tracker::NoteTracker;
use super::PitchPoint;
use crate::music::theory::{Key, PitchClass, ScaleKind};

/// Relative probability of the tonic in a key's profile.
const TONIC_WEIGHT: f32 = 5.0;
/// Relative probability of the fifth (and of the third, below): the degrees melodies lean on.
const FIFTH_WEIGHT: f32 = 3.5;
/// Relative probability of the third.
const THIRD_WEIGHT: f32 = 3.5;
/// Relative probability of the other scale notes.
const MEMBER_WEIGHT: f32 = 2.5;
/// Relative probability of a pitch class outside the scale: passing notes, blue notes and
/// off-key singing happen, so they must not rule a key out.
const OUTSIDE_WEIGHT: f32 = 0.4;
/// Singing that ends a phrase (a rest of at least `PHRASE_GAP_S` follows) counts this much more.
const PHRASE_END_BONUS: f32 = 1.5;
/// A silence this long after a note ends a phrase (a breath, not a consonant).
const PHRASE_GAP_S: f64 = 0.25;
/// Notes within this many semitones of a pitch class count for it alone; further off, they
/// are shared with the neighbouring class in proportion (half each at a quarter tone).
const SURE_PITCH_ST: f32 = 0.25;
/// Unsteadiness (RMS cents after vibrato) at which a note counts half.
const HALF_WEIGHT_UNSTEADINESS_CENTS: f32 = 25.0;
/// Weighted singing that counts as one independent observation for the confidence: about one
/// sung note.
const SECONDS_PER_OBSERVATION: f32 = 0.4;
/// Cap on the observations: notes of one tune are not independent, so a long take must not
/// claim certainty the model cannot back.
const MAX_OBSERVATIONS: f32 = 30.0;
/// Less weighted singing than this gives no estimate: a note or two do not make a key.
const MIN_EVIDENCE_S: f32 = 1.0;
/// How far back the live listener looks, by default (seconds).
pub const DEFAULT_WINDOW_S: f64 = 20.0;
/// Notes the live listener keeps at most (a fixed bound: 20 s of singing is far fewer).
const MAX_NOTES: usize = 256;

/// A key and scale heard in the singing.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct KeyEstimate {
    /// The tonic.
    pub tonic: PitchClass,
    /// The scale or mode.
    pub scale: ScaleKind,
    /// 0..1: the posterior probability of this key among all candidates (see the module doc).
    pub confidence: f32,
}

impl KeyEstimate {
    /// The key, spelled with the fewest accidentals (Bb major, F# minor).
    pub fn key(&self) -> Key {
        Key::from_pitch_class(self.tonic, self.scale)
    }

    /// The tonic's name as the key spells it ("E", "Bb", "F#").
    pub fn tonic_name(&self) -> String {
        self.key().tonic.to_string()
    }
}

/// The scales a key estimate chooses from, with their prior weight (common scales first).
const CANDIDATES: [(ScaleKind, f32); 12] = [
    (ScaleKind::Major, 1.0),
    (ScaleKind::Minor, 1.0),
    (ScaleKind::HarmonicMinor, 0.5),
    (ScaleKind::Dorian, 0.5),
    (ScaleKind::Mixolydian, 0.5),
    (ScaleKind::MajorPentatonic, 0.5),
    (ScaleKind::MinorPentatonic, 0.5),
    (ScaleKind::MelodicMinor, 0.35),
    (ScaleKind::Phrygian, 0.35),
    (ScaleKind::Lydian, 0.35),
    (ScaleKind::Blues, 0.35),
    (ScaleKind::Locrian, 0.2),
];

/// Log-probabilities of the twelve intervals above the tonic in `scale`.
fn log_profile(scale: ScaleKind) -> [f32; 12] {
    let intervals = scale.intervals();
    let mut weights = [OUTSIDE_WEIGHT; 12];
    for &step in intervals {
        weights[step as usize] = match step {
            0 => TONIC_WEIGHT,
            7 => FIFTH_WEIGHT,
            3 | 4 => THIRD_WEIGHT,
            _ => MEMBER_WEIGHT,
        };
    }
    // A scale with both thirds (blues has none; none has both) would double the third's share.
    let total: f32 = weights.iter().sum();
    weights.map(|w| (w / total).ln())
}

/// Seconds of weighted singing per pitch class (C = 0).
pub fn pitch_class_weights(notes: &[SungNote]) -> [f32; 12] {
    let mut weights = [0.0f32; 12];
    for (i, note) in notes.iter().enumerate() {
        let phrase_end = notes
            .get(i + 1)
            .is_none_or(|next| next.start_s - note.end_s >= PHRASE_GAP_S);
        let steadiness =
            1.0 / (1.0 + (note.unsteadiness_cents / HALF_WEIGHT_UNSTEADINESS_CENTS).powi(2));
        let weight =
            note.duration_s() as f32 * steadiness * if phrase_end { PHRASE_END_BONUS } else { 1.0 };
        if !(weight.is_finite() && note.pitch.is_finite()) {
            continue;
        }
        let nearest = note.pitch.round();
        let off = note.pitch - nearest;
        let shared = ((off.abs() - SURE_PITCH_ST) / (2.0 * (0.5 - SURE_PITCH_ST))).clamp(0.0, 0.5);
        let class = |m: f32| (m as i32).rem_euclid(12) as usize;
        weights[class(nearest)] += weight * (1.0 - shared);
        weights[class(nearest + off.signum())] += weight * shared;
    }
    weights
}

/// Every candidate key for these notes, most likely first; empty when there is too little
/// steady singing.
pub fn rank_keys(notes: &[SungNote]) -> Vec<KeyEstimate> {
    let weights = pitch_class_weights(notes);
    let total: f32 = weights.iter().sum();
    if total.is_nan() || total < MIN_EVIDENCE_S {
        return Vec::new();
    }
    let observations = (total / SECONDS_PER_OBSERVATION).min(MAX_OBSERVATIONS);
    let mut scored = Vec::with_capacity(12 * CANDIDATES.len());
    for (scale, prior) in CANDIDATES {
        let profile = log_profile(scale);
        for tonic in PitchClass::ALL {
            let t = tonic.semitone() as usize;
            let likelihood: f32 = (0..12)
                .map(|pc| weights[pc] / total * profile[(pc + 12 - t) % 12])
                .sum();
            scored.push((tonic, scale, observations * likelihood + prior.ln()));
        }
    }
    let best = scored.iter().map(|s| s.2).fold(f32::NEG_INFINITY, f32::max);
    let norm: f32 = scored.iter().map(|s| (s.2 - best).exp()).sum();
    let mut ranked: Vec<KeyEstimate> = scored
        .into_iter()
        .map(|(tonic, scale, score)| KeyEstimate {
            tonic,
            scale,
            confidence: (score - best).exp() / norm,
        })
        .collect();
    ranked.sort_by(|a, b| b.confidence.total_cmp(&a.confidence));
    ranked
}

/// The most likely key of these notes, or `None` with too little steady singing.
pub fn key_from_notes(notes: &[SungNote]) -> Option<KeyEstimate> {
    rank_keys(notes).into_iter().next()
}

/// The key of a whole take (a file): its notes segmented chromatically, all of them weighed.
pub fn estimate_key(points: &[PitchPoint]) -> Option<KeyEstimate> {
    key_from_notes(&segment_notes(points, None))
}

/// Live key estimate over the last `window_s` seconds of singing, fed point by point (on the
/// GUI or worker thread, never the audio thread: it allocates). Memory is bounded: the note
/// tracker's bounded run buffer and at most `MAX_NOTES` notes.
#[derive(Debug, Clone)]
pub struct KeyListener {
    tracker: NoteTracker,
    notes: VecDeque<SungNote>,
    window_s: f64,
    latest_s: f64,
}

impl Default for KeyListener {
    fn default() -> Self {
        Self::new(DEFAULT_WINDOW_S)
    }
}

impl KeyListener {
    /// A listener that weighs the last `window_s` seconds (clamped to 5..120 s).
    pub fn new(window_s: f64) -> Self {
        Self {
            tracker: NoteTracker::default(),
            notes: VecDeque::with_capacity(MAX_NOTES),
            window_s: if window_s.is_finite() {
                window_s.clamp(5.0, 120.0)
            } else {
                DEFAULT_WINDOW_S
            },
            latest_s: 0.0,
        }
    }

    /// Adds one analysis hop.
    pub fn push(&mut self, point: PitchPoint) {
        if point.time_s.is_finite() {
            self.latest_s = self.latest_s.max(point.time_s);
        }
        for note in self.tracker.push(point) {
            if self.notes.len() == MAX_NOTES {
                self.notes.pop_front();
            }
            self.notes.push_back(note);
        }
        let horizon = self.latest_s - self.window_s;
        while self.notes.front().is_some_and(|n| n.end_s < horizon) {
            self.notes.pop_front();
        }
    }

    /// The key of the window's notes (the note being sung included), or `None` before enough
    /// steady singing.
    pub fn estimate(&self) -> Option<KeyEstimate> {
        let horizon = self.latest_s - self.window_s;
        let notes: Vec<SungNote> = self
            .notes
            .iter()
            .copied()
            .chain(self.tracker.pending())
            .filter(|n| n.end_s >= horizon)
            .collect();
        key_from_notes(&notes)
    }

    /// Forgets everything (a new take or song).
    pub fn clear(&mut self) {
        self.tracker.clear();
        self.notes.clear();
        self.latest_s = 0.0;
    }
}

#[cfg(test)]
#[path = "key_tests.rs"]
mod tests;
