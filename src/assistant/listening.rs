//! What the plugin heard, kept for the assistant and the window: a live key estimate and the
//! pitch points of the latest take. Fed on the GUI thread from the analysis frames the audio
//! thread already hands over; read by the assistant worker ("what key am I in?", "how was my
//! pitch?"). Never touched by the audio thread, so a mutex is fine here.

use std::collections::VecDeque;
use std::sync::Arc;

use parking_lot::Mutex;

use crate::music::listen::TakeReport;
use crate::music::listen::{
    segment_notes, KeyEstimate, KeyListener, NoteNames, PitchPoint, SungNote,
};
use crate::music::theory::{Key, PitchClass, ScaleKind};

/// A silence at least this long ends a take: long enough for breaths and rests between phrases
/// (typically under 2 s), short enough that the next run-through starts a fresh take.
const TAKE_GAP_S: f64 = 4.0;
/// Longest take kept, in seconds (bounds memory at a few MB at any hop size).
const TAKE_MAX_S: f64 = 300.0;
/// Most points kept (5 minutes at a 2.5 ms hop), whatever the hop.
const TAKE_MAX_POINTS: usize = 120_000;
/// Confidence from which the estimate is shown as the key and offered for tuning: below it the
/// best and second-best keys are still close (relative keys, modes sharing notes).
pub const CONFIDENT: f32 = 0.6;

/// The listening state shared between the window and the assistant.
pub type SharedListening = Arc<Mutex<Listening>>;

/// A new, empty shared listening state.
pub fn shared() -> SharedListening {
    Arc::new(Mutex::new(Listening::default()))
}

/// The live key estimate and the latest take's points.
#[derive(Debug, Clone, Default)]
pub struct Listening {
    key: KeyListener,
    take: VecDeque<PitchPoint>,
    last_voiced_s: Option<f64>,
    offered: Option<(PitchClass, ScaleKind)>,
}

impl Listening {
    /// Adds one analysis hop (time in seconds on any monotonic clock).
    pub fn push(&mut self, point: PitchPoint) {
        if !point.time_s.is_finite() {
            return;
        }
        self.key.push(point);
        let voiced = point.midi().is_some();
        if voiced {
            let after_gap = self
                .last_voiced_s
                .is_none_or(|last| point.time_s - last >= TAKE_GAP_S || point.time_s < last);
            if after_gap {
                self.take.clear();
            }
            self.last_voiced_s = Some(point.time_s);
        } else if self
            .last_voiced_s
            .is_none_or(|last| point.time_s - last >= TAKE_GAP_S)
        {
            // Silence after the take is not part of it.
            return;
        }
        self.take.push_back(point);
        while self.take.len() > TAKE_MAX_POINTS
            || self
                .take
                .front()
                .is_some_and(|p| point.time_s - p.time_s > TAKE_MAX_S)
        {
            self.take.pop_front();
        }
    }

    /// The key of the last 20 s or so of singing, if enough was heard.
    pub fn key_estimate(&self) -> Option<KeyEstimate> {
        self.key.estimate()
    }

    /// The notes of the latest take, measured against `names` (a key, a custom note set, or
    /// any semitone).
    pub fn take_notes(&self, names: impl Into<NoteNames>) -> Vec<SungNote> {
        let points: Vec<PitchPoint> = self.take.iter().copied().collect();
        segment_notes(&points, names)
    }

    /// The pitch report of the latest take against `names` (a key, a custom note set, or any
    /// semitone), `None` before any note; `key` spells the note names.
    pub fn take_report(&self, names: NoteNames, key: Option<Key>) -> Option<TakeReport> {
        let notes = self.take_notes(names);
        (!notes.is_empty()).then(|| TakeReport::from_notes(&notes, key))
    }

    /// The key to offer for tuning, once per key: a confident estimate that differs from what
    /// tuning does now (`current` is `None` when tuning is off). Marks it offered.
    pub fn offer(&mut self, current: Option<(PitchClass, ScaleKind)>) -> Option<KeyEstimate> {
        let estimate = self.key_estimate().filter(|e| e.confidence >= CONFIDENT)?;
        let heard = (estimate.tonic, estimate.scale);
        if current == Some(heard) || self.offered == Some(heard) {
            return None;
        }
        self.offered = Some(heard);
        Some(estimate)
    }

    /// Forgets what was heard (a new song).
    pub fn clear(&mut self) {
        *self = Self::default();
    }
}

/// "E minor" for an estimate, spelled as the key spells its tonic.
pub fn key_words(estimate: &KeyEstimate) -> String {
    format!(
        "{} {}",
        estimate.tonic_name(),
        estimate.scale.display_name().to_lowercase()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sing(listening: &mut Listening, from_s: f64, midi: &[u8], note_s: f64) -> f64 {
        let hop = 0.005;
        let mut t = from_s;
        for &m in midi {
            let hz = 440.0 * 2f32.powf((f32::from(m) - 69.0) / 12.0);
            let end = t + note_s;
            while t < end {
                listening.push(PitchPoint {
                    time_s: t,
                    f0_hz: hz,
                    voiced: true,
                });
                t += hop;
            }
        }
        t
    }

    fn silence(listening: &mut Listening, from_s: f64, seconds: f64) -> f64 {
        let mut t = from_s;
        while t < from_s + seconds {
            listening.push(PitchPoint {
                time_s: t,
                f0_hz: 0.0,
                voiced: false,
            });
            t += 0.005;
        }
        t
    }

    /// An A minor tune: tonic-heavy, with the minor third and sixth.
    const A_MINOR: [u8; 16] = [
        57, 60, 64, 57, 65, 64, 62, 60, 59, 57, 67, 64, 60, 62, 60, 57,
    ];

    #[test]
    fn a_minor_tune_is_heard_and_offered_once() {
        let mut listening = Listening::default();
        let mut t = 0.0;
        for _ in 0..2 {
            t = sing(&mut listening, t, &A_MINOR, 0.4);
        }
        let estimate = listening.key_estimate().expect("an estimate");
        assert_eq!(
            (estimate.tonic, estimate.scale),
            (PitchClass::A, ScaleKind::Minor)
        );
        assert!(estimate.confidence >= CONFIDENT, "{estimate:?}");
        let offered = listening.offer(None).expect("offered with tuning off");
        assert_eq!(key_words(&offered), "A minor");
        assert!(listening.offer(None).is_none(), "offered only once");
        let mut fresh = Listening::default();
        sing(&mut fresh, 0.0, &A_MINOR, 0.4);
        assert!(
            fresh
                .offer(Some((PitchClass::A, ScaleKind::Minor)))
                .is_none(),
            "no offer when already tuned to it"
        );
    }

    #[test]
    fn a_long_silence_starts_a_new_take() {
        let mut listening = Listening::default();
        let t = sing(&mut listening, 0.0, &[60, 62, 64], 0.5);
        let t = silence(&mut listening, t, 5.0);
        sing(&mut listening, t, &[67, 69], 0.5);
        let notes = listening.take_notes(None);
        let midis: Vec<u8> = notes.iter().map(|n| n.midi).collect();
        assert_eq!(midis, vec![67, 69], "only the latest take");
        let report = listening
            .take_report(NoteNames::Chromatic, None)
            .expect("a report");
        assert_eq!(report.notes, 2);
        assert_eq!(report.within_10_cents, 2);
    }

    #[test]
    fn a_custom_note_set_is_what_notes_are_measured_from() {
        let mut listening = Listening::default();
        sing(&mut listening, 0.0, &[60, 61, 62], 0.5);
        let c_major = Key::from_pitch_class(PitchClass::C, ScaleKind::Major);
        let by_key = listening
            .take_report(NoteNames::for_tuning(Some(c_major), 0), Some(c_major))
            .expect("a report");
        assert_eq!(by_key.within_10_cents, 2, "C# is off C major's notes");
        // C, C# and D: the custom set the singer tunes to.
        let custom = NoteNames::for_tuning(Some(c_major), 0b111);
        let by_set = listening
            .take_report(custom, Some(c_major))
            .expect("a report");
        assert_eq!(by_set.within_10_cents, 3, "every note is one of the set");
    }

    #[test]
    fn garbage_points_are_ignored() {
        let mut listening = Listening::default();
        for t in [f64::NAN, f64::INFINITY] {
            listening.push(PitchPoint {
                time_s: t,
                f0_hz: 440.0,
                voiced: true,
            });
        }
        listening.push(PitchPoint {
            time_s: 1.0,
            f0_hz: f32::NAN,
            voiced: true,
        });
        assert!(listening.take_report(NoteNames::Chromatic, None).is_none());
        assert!(listening.key_estimate().is_none());
    }
}
