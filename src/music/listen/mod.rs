//! Listening to the singer, off the audio thread: what key the singing is in, which notes were
//! sung (with their tuning and vibrato), a take report, and the notes as a MIDI file.
//!
//! The input is a pitch track: one [`PitchPoint`] per analysis hop, as the pitch detector gives
//! it (the plugin's analysis frames and `daiw analyze`'s rows are converted by their callers,
//! so this module knows nothing of the DSP). Everything here allocates and is meant for the GUI
//! or the assistant's worker thread, or the command line.
//!
//! - [`notes::segment_notes`]: voiced pitch into notes (glides and blips are not notes).
//! - [`key::estimate_key`] and [`key::KeyListener`]: key and scale, one-shot or live.
//! - [`report::TakeReport`]: how in tune a take was, with a sentence for the assistant.
//! - [`midi_export::notes_to_smf_bytes`]: the notes as a Standard MIDI File.
//! - [`tracker::NoteTracker`]: the segmenter fed point by point, with bounded memory.

pub mod key;
pub mod midi_export;
pub mod notes;
pub mod report;
pub mod tracker;
pub mod vibrato;

use crate::music::theory::{Key, Note as NoteName, PitchClass};

pub use key::{estimate_key, KeyEstimate, KeyListener};
pub use notes::{segment_notes, NoteNames, SungNote};
pub use report::TakeReport;
pub use tracker::NoteTracker;

/// One analysis hop of a pitch track.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PitchPoint {
    /// Time in seconds the estimate describes.
    pub time_s: f64,
    /// Fundamental in Hz (ignored when not voiced).
    pub f0_hz: f32,
    /// Whether the hop is voiced.
    pub voiced: bool,
}

impl PitchPoint {
    /// The fractional MIDI pitch of a usable voiced point; `None` for unvoiced points and for
    /// values no voice produces (non-finite, zero or negative frequencies, bad times).
    pub fn midi(&self) -> Option<f32> {
        (self.voiced && self.f0_hz.is_finite() && self.f0_hz > 1.0 && self.time_s.is_finite())
            .then(|| hz_to_midi(self.f0_hz))
    }
}

/// Fractional MIDI note number of a frequency (A4 = 440 Hz = 69).
pub fn hz_to_midi(hz: f32) -> f32 {
    69.0 + 12.0 * (hz / 440.0).log2()
}

/// The name of a MIDI note with its octave ("F#4", middle C = "C4"), spelled as in `key` when
/// the key has that pitch class, else with the usual spelling (C#, Eb, F#, Ab, Bb).
pub fn midi_note_name(midi: u8, key: Option<Key>) -> String {
    let pitch_class = PitchClass::from_semitone(midi as i32);
    let spelled = key
        .and_then(|k| {
            k.scale_notes()
                .into_iter()
                .find(|n| n.pitch_class() == pitch_class)
        })
        .unwrap_or_else(|| NoteName::default_spelling(pitch_class));
    // The octave follows the letter (B#3 sounds as C4), so spell from the letter's own octave.
    let letter_semitone = midi as i32 - spelled.accidental as i32;
    let octave = letter_semitone.div_euclid(12) - 1;
    format!("{spelled}{octave}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::music::theory::ScaleKind;

    #[test]
    fn note_names_carry_octaves_and_key_spelling() {
        assert_eq!(midi_note_name(60, None), "C4");
        assert_eq!(midi_note_name(66, None), "F#4");
        assert_eq!(midi_note_name(69, None), "A4");
        let d_major = Key::from_pitch_class(PitchClass::D, ScaleKind::Major);
        assert_eq!(midi_note_name(66, Some(d_major)), "F#4");
        let f_minor = Key::from_pitch_class(PitchClass::F, ScaleKind::Minor);
        assert_eq!(midi_note_name(68, Some(f_minor)), "Ab4");
        assert!((hz_to_midi(440.0) - 69.0).abs() < 1e-6);
        assert!((hz_to_midi(261.6256) - 60.0).abs() < 1e-4);
    }

    #[test]
    fn unusable_points_have_no_pitch() {
        let p = |f0_hz, voiced| PitchPoint {
            time_s: 1.0,
            f0_hz,
            voiced,
        };
        assert!(p(220.0, true).midi().is_some());
        assert!(p(220.0, false).midi().is_none());
        assert!(p(f32::NAN, true).midi().is_none());
        assert!(p(0.0, true).midi().is_none());
    }
}
