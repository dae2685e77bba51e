//! `daiw analyze`: the pitch track of a WAV file, one row per analysis hop, and what the
//! listening module hears in it (key, notes, MIDI).

use serde::Serialize;

use crate::dsp::pitch_detector::{PitchDetector, Voicing};
use crate::music::listen::key::key_from_notes;
use crate::music::listen::midi_export::notes_to_smf_bytes;
use crate::music::listen::{segment_notes, KeyEstimate, PitchPoint, SungNote};
use crate::music::midi::MidiError;

use super::wav::Audio;

/// One analysis hop.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct PitchRow {
    /// Time in seconds the estimate describes.
    pub time_s: f64,
    /// Fundamental in Hz (0 when not voiced).
    pub f0_hz: f32,
    /// Whether the hop is voiced.
    pub voiced: bool,
}

/// The pitch track of `audio` (channels mixed to mono).
pub fn pitch_track(audio: &Audio) -> Vec<PitchRow> {
    let sample_rate = audio.sample_rate as f32;
    let mut detector = PitchDetector::default();
    detector.prepare(sample_rate, (sample_rate * 0.01).round() as usize);
    audio
        .mono()
        .iter()
        .filter_map(|&x| detector.push(x))
        .map(|frame| PitchRow {
            time_s: (frame.time / sample_rate as f64).max(0.0),
            f0_hz: frame.f0,
            voiced: frame.voicing == Voicing::Voiced,
        })
        .collect()
}

/// The track as CSV with a `time_s,f0_hz,voiced` header.
pub fn to_csv(rows: &[PitchRow]) -> String {
    let mut out = String::from("time_s,f0_hz,voiced\n");
    for row in rows {
        out.push_str(&format!(
            "{:.4},{:.2},{}\n",
            row.time_s,
            row.f0_hz,
            u8::from(row.voiced)
        ));
    }
    out
}

impl From<PitchRow> for PitchPoint {
    fn from(row: PitchRow) -> Self {
        PitchPoint {
            time_s: row.time_s,
            f0_hz: row.f0_hz,
            voiced: row.voiced,
        }
    }
}

/// The track as the listening module's input.
pub fn pitch_points(rows: &[PitchRow]) -> Vec<PitchPoint> {
    rows.iter().copied().map(PitchPoint::from).collect()
}

/// `daiw analyze --key`'s answer: `{"key":"E","scale":"minor","confidence":0.87}`, with nulls
/// and confidence 0 when the take has too little steady singing to tell.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct KeyAnswer {
    /// The tonic as the key spells it ("E", "Bb", "F#").
    pub key: Option<String>,
    /// The scale's id ("minor", "dorian", ...).
    pub scale: Option<&'static str>,
    /// 0..1, rounded to two decimals.
    pub confidence: f32,
}

impl From<Option<KeyEstimate>> for KeyAnswer {
    fn from(estimate: Option<KeyEstimate>) -> Self {
        match estimate {
            Some(e) => KeyAnswer {
                key: Some(e.tonic_name()),
                scale: Some(e.scale.id()),
                confidence: (e.confidence * 100.0).round() / 100.0,
            },
            None => KeyAnswer {
                key: None,
                scale: None,
                confidence: 0.0,
            },
        }
    }
}

/// Below this confidence the estimated key is not written into a MIDI file's key signature
/// (a wrong signature misleads a DAW's notation more than none).
const SIGNATURE_CONFIDENCE: f32 = 0.5;

/// What `daiw analyze` hears in a take: its notes and key, from one pitch track.
#[derive(Debug, Clone, PartialEq)]
pub struct Listening {
    /// The sung notes (nearest semitone).
    pub notes: Vec<SungNote>,
    /// The key, when there was enough steady singing.
    pub key: Option<KeyEstimate>,
}

impl Listening {
    /// Segments and weighs the pitch track of a take.
    pub fn of_track(rows: &[PitchRow]) -> Self {
        let notes = segment_notes(&pitch_points(rows), None);
        let key = key_from_notes(&notes);
        Self { notes, key }
    }

    /// The notes as Standard MIDI File bytes at `tempo_bpm`, with the key signature when the
    /// key is reasonably sure.
    pub fn midi_bytes(&self, tempo_bpm: f32) -> Result<Vec<u8>, MidiError> {
        let key = self
            .key
            .filter(|k| k.confidence >= SIGNATURE_CONFIDENCE)
            .map(|k| k.key());
        notes_to_smf_bytes(&self.notes, tempo_bpm, key)
    }
}
