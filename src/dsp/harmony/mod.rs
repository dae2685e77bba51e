//! Harmony voices: up to three PSOLA copies of the lead, each aimed at a note the voicing rule
//! picks (a chord tone, a diatonic interval or a held MIDI note), panned across the stereo
//! field, with the chain's latency. `chord_track` carries the backing's chords to the audio
//! thread; `voicing` chooses notes; `voice` sings one of them.

pub mod chord_track;
pub mod voice;
pub mod voicing;

use chord_track::ChordTones;
use voice::{HarmonyVoice, LeadPitch};
use voicing::{chord_voicing, diatonic_voicing, midi_voicing, MAX_VOICES};

pub use voicing::HarmonyMode;

use super::correction::CorrectionSettings;
use super::pitch_marks::{PitchMarks, MAX_RUN};
use super::smoother::LinearSmoother;

/// Each voice's timing offset in seconds: late by a few ms, by different amounts, as singers
/// never land together (and identical copies would comb-filter against the lead).
const TIMING_SECONDS: [f32; MAX_VOICES] = [0.006, 0.009, 0.013];
/// Each voice's formant offset in semitones: a slightly different throat per singer, within
/// 1 % of the lead's formants (PSOLA adds about 1.5 % of its own at a fourth's shift; the sum
/// stays inside the 3 % that still sounds like the same singer's colour).
const FORMANT_SEMITONES: [f32; MAX_VOICES] = [0.15, -0.15, 0.1];
/// Pan of each voice at full spread (-1 left .. 1 right): the first two opposite, the third
/// (an octave below) in the middle.
const PAN: [f32; MAX_VOICES] = [-1.0, 1.0, 0.0];
/// Ramp for level and spread changes.
const SMOOTH_SECONDS: f32 = 0.02;

/// Which part of the output is heard (stems for checking each voice alone).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Listen {
    /// The lead and every voice.
    #[default]
    All,
    /// Only the lead.
    Lead,
    /// Only harmony voice `n` (0-based).
    Voice(u8),
}

/// The harmony settings, as the parameters hold them.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HarmonySettings {
    /// Number of voices, 0..=3 (0 = off).
    pub voices: u8,
    /// How the voices choose notes.
    pub mode: HarmonyMode,
    /// Level of each voice, 0..1.
    pub level: f32,
    /// Stereo width, 0 (all centred) .. 1 (hard left and right).
    pub spread: f32,
    /// What is heard (the plugin always hears `All`).
    pub listen: Listen,
}

impl Default for HarmonySettings {
    fn default() -> Self {
        Self {
            voices: 0,
            mode: HarmonyMode::Chord,
            level: 0.6,
            spread: 0.5,
            listen: Listen::All,
        }
    }
}

/// The voices and what they last sang.
pub struct Harmony {
    sample_rate: f32,
    voices: [HarmonyVoice; MAX_VOICES],
    notes: [Option<i32>; MAX_VOICES],
    settings: HarmonySettings,
    level: LinearSmoother,
    spread: LinearSmoother,
}

impl Default for Harmony {
    fn default() -> Self {
        Self {
            sample_rate: 48_000.0,
            voices: Default::default(),
            notes: [None; MAX_VOICES],
            settings: HarmonySettings::default(),
            level: LinearSmoother::new(0.0),
            spread: LinearSmoother::new(0.0),
        }
    }
}

impl Harmony {
    /// Prepares every voice for `sample_rate` and the chain's `latency`; allocates.
    pub fn prepare(&mut self, sample_rate: f32, latency: usize) {
        self.sample_rate = sample_rate;
        for (i, voice) in self.voices.iter_mut().enumerate() {
            voice.prepare(
                sample_rate,
                latency,
                TIMING_SECONDS[i],
                FORMANT_SEMITONES[i],
            );
        }
        self.clear();
    }

    /// Forgets everything heard, in place; smoothed values jump to their targets.
    pub fn clear(&mut self) {
        for voice in self.voices.iter_mut() {
            voice.clear();
        }
        self.notes = [None; MAX_VOICES];
        let (level, spread) = (self.settings.level, self.settings.spread);
        self.level.reset(self.sample_rate, SMOOTH_SECONDS, level);
        self.spread.reset(self.sample_rate, SMOOTH_SECONDS, spread);
    }

    /// Takes new settings (clamped; call once per block).
    pub fn set_settings(&mut self, settings: &HarmonySettings) {
        let fix = |v: f32, default: f32| {
            if v.is_finite() {
                v.clamp(0.0, 1.0)
            } else {
                default
            }
        };
        let voices = settings.voices.min(MAX_VOICES as u8);
        // A voice that stops or starts forgets its past (in place): a voice switched back on
        // must not replay the lead from when it was last heard.
        let (low, high) = (
            voices.min(self.settings.voices) as usize,
            voices.max(self.settings.voices) as usize,
        );
        for voice in &mut self.voices[low..high] {
            voice.clear();
        }
        for note in &mut self.notes[low..high] {
            *note = None;
        }
        self.settings = HarmonySettings {
            voices,
            level: fix(settings.level, 0.6),
            spread: fix(settings.spread, 0.5),
            ..*settings
        };
        self.level.set_target(self.settings.level);
        self.spread.set_target(self.settings.spread);
    }

    /// Number of voices singing (0 = harmony off, nothing to process).
    pub fn voice_count(&self) -> usize {
        self.settings.voices as usize
    }

    /// The note each voice aims at now (for displays and tests).
    pub fn notes(&self) -> [Option<i32>; MAX_VOICES] {
        self.notes
    }

    /// Chooses every voice's note for this frame and steers the voices: `lead_note` is the
    /// corrector's target note (`None` while unvoiced).
    pub fn steer(
        &mut self,
        lead_note: Option<i32>,
        lead: &LeadPitch,
        chord: Option<ChordTones>,
        tune: &CorrectionSettings,
        held_notes: u128,
    ) {
        let count = self.voice_count();
        let previous = self.notes;
        let mut next = [None; MAX_VOICES];
        if let Some(lead_note) = lead_note {
            match (self.settings.mode, chord) {
                (HarmonyMode::Chord, Some(c)) if c.mask != 0 => {
                    chord_voicing(lead_note, c.mask, count, &previous, &mut next)
                }
                (HarmonyMode::Midi, _) => midi_voicing(lead_note, held_notes, count, &mut next),
                _ => diatonic_voicing(lead_note, tune.scale_mask(), count, &mut next),
            }
            self.notes = next;
        } else {
            // Between words the voices keep their last notes for voice leading.
            next = [None; MAX_VOICES];
        }
        for (voice, note) in self.voices.iter_mut().zip(next) {
            voice.steer(note, lead);
        }
    }

    /// The fastest grain read among the voices singing (`None` when none sings).
    pub fn read_speed(&self) -> Option<f32> {
        self.voices[..self.voice_count()]
            .iter()
            .filter_map(HarmonyVoice::read_speed)
            .reduce(f32::max)
    }

    /// Every voice for the run `marks` analysed last (`left.len()` samples, at most `MAX_RUN`,
    /// with their marks in `trace`), written to `left` and `right`.
    pub fn process_run(
        &mut self,
        marks: &PitchMarks,
        trace: &[Option<f64>],
        left: &mut [f32],
        right: &mut [f32],
    ) {
        let frames = left.len().min(right.len()).min(MAX_RUN);
        let (left, right) = (&mut left[..frames], &mut right[..frames]);
        left.fill(0.0);
        right.fill(0.0);
        let count = self.voice_count();
        // Level and spread as the smoothers move them (one value per sample while ramping).
        let ramping = self.level.is_ramping() || self.spread.is_ramping();
        let mut level = [0.0f32; MAX_RUN];
        let mut spread = [0.0f32; MAX_RUN];
        self.level.fill(&mut level[..frames]);
        self.spread.fill(&mut spread[..frames]);
        let mut sung = [0.0f32; MAX_RUN];
        for (i, voice) in self.voices[..count].iter_mut().enumerate() {
            let sung = &mut sung[..frames];
            voice.process_run(marks, trace, sung);
            let heard = match self.settings.listen {
                Listen::All => true,
                Listen::Lead => false,
                Listen::Voice(n) => n as usize == i,
            };
            if !heard {
                continue;
            }
            if ramping {
                for (j, &x) in sung.iter().enumerate() {
                    let (l, r) = pan_gains(level[j], spread[j], PAN[i]);
                    left[j] += l * x;
                    right[j] += r * x;
                }
            } else {
                // Steady: the pan's trigonometry once per run, not per sample.
                let (l, r) = pan_gains(level[0], spread[0], PAN[i]);
                for ((a, b), &x) in left.iter_mut().zip(right.iter_mut()).zip(sung.iter()) {
                    *a += l * x;
                    *b += r * x;
                }
            }
        }
    }
}

/// Left and right gains of a voice at `pan` (-1..1) scaled by `spread`, at `level`: an
/// equal-power pan, so the sum of both sides' power stays the voice's power.
#[inline]
fn pan_gains(level: f32, spread: f32, pan: f32) -> (f32, f32) {
    let angle = (1.0 + pan * spread) * std::f32::consts::FRAC_PI_4;
    (level * angle.cos(), level * angle.sin())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_are_clamped_and_off_means_no_output() {
        let mut h = Harmony::default();
        h.prepare(48_000.0, 480);
        h.set_settings(&HarmonySettings {
            voices: 9,
            level: f32::NAN,
            spread: 4.0,
            ..HarmonySettings::default()
        });
        assert_eq!(h.voice_count(), MAX_VOICES);
        assert_eq!(h.settings.level, 0.6);
        assert_eq!(h.settings.spread, 1.0);
        h.set_settings(&HarmonySettings::default());
        let mut marks = PitchMarks::default();
        marks.prepare(48_000.0, 480);
        let mut trace = [None; MAX_RUN];
        let input: Vec<f32> = (0..1000).map(|i| (i as f32 * 0.05).sin()).collect();
        for run in input.chunks(100) {
            marks.push_run(run, Some(125.0), &mut trace);
            let (mut left, mut right) = ([1.0; 100], [1.0; 100]);
            h.process_run(&marks, &trace[..run.len()], &mut left, &mut right);
            assert!(left.iter().chain(&right).all(|&x| x == 0.0));
        }
    }
}
