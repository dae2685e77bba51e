//! `daiw analyze`: the pitch track of a WAV file, one row per analysis hop.

use serde::Serialize;

use crate::dsp::pitch_detector::{PitchDetector, Voicing};

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
