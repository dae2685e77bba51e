//! `VoiceChain`: the whole vocal signal path, as the plugin and the CLI run it.
//!
//! mono voice -> pitch detection -> correction (key/scale or MIDI) -> PSOLA shift (pitch,
//! formant, robot) -> whisper -> breath -> warmth/presence -> compressor -> reverb ->
//! dry/wet mix per channel. Harmony voices (PSOLA copies of the lead aimed at the current
//! chord's tones) join after the compressor, panned, and share the reverb. Dry signals are delayed by the same latency, so mix 0 returns the
//! input exactly, `latency_samples()` later.

use crate::music::theory::PitchClass;

use super::correction::{cents_to_hz, hz_to_cents, PitchCorrector};
use super::harmony::chord_track::ChordTones;
use super::harmony::voice::LeadPitch;
use super::harmony::{Harmony, Listen};
use super::history::History;
use super::modulation::{Breath, Compressor, Reverb, Tone, Whisper};
use super::pitch_detector::{PitchDetector, PitchFrame, Voicing, HOP_SECONDS};
use super::psola::{PsolaShifter, ShiftRequest};
use super::smoother::LinearSmoother;
use super::tonality::Tonality;

pub use super::voice_settings::VoiceSettings;

/// Latency of the chain in seconds (reported to the host).
pub const LATENCY_SECONDS: f32 = 0.01;
/// Channels the chain handles (mono or stereo).
pub const MAX_CHANNELS: usize = 2;
/// Analysis frames kept for the pitch view between drains.
const ANALYSIS_CAPACITY: usize = 128;
/// Shifts smaller than this (cents) with no formant or robot change pass the dry voice.
const NO_SHIFT_CENTS: f32 = 0.5;
/// Voiced frames the pitch slope is measured over (long enough to average out jitter).
const SLOPE_FRAMES: usize = 4;
/// Largest pitch slope followed, in cents per sample (about 5 octaves per second at 48 kHz).
const MAX_SLOPE: f32 = 1.2;
/// Reverb return level at reverb = 1.
const REVERB_RETURN: f32 = 0.8;
/// Breath noise level at breathiness = 1.
const BREATH_LEVEL: f32 = 0.35;
/// Chord changes one block can carry (`process_with_chords`); more are applied at the block's
/// last change (a chord per sample is not music).
pub const MAX_CHORD_CHANGES: usize = 16;
/// Largest deviation from the target note (cents) harmony voices copy from the lead: vibrato and
/// glides, not a lead that sings between notes with correction off.
const DEVIATION_LIMIT_CENTS: f32 = 50.0;

/// One analysis result for displays: what was sung and where it is going.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AnalysisFrame {
    /// Time in seconds since the last reset (input time the estimate describes).
    pub time_seconds: f64,
    /// Detected fundamental in Hz (0 when not voiced).
    pub detected_hz: f32,
    /// Output fundamental in Hz after correction and shifting (0 when not voiced).
    pub output_hz: f32,
    /// Voiced, unvoiced or silence.
    pub voicing: Voicing,
    /// Input level in dBFS.
    pub level_db: f32,
}

/// The vocal chain. `prepare` allocates; `clear` and `process` never do.
pub struct VoiceChain {
    sample_rate: f32,
    latency: usize,
    settings: VoiceSettings,
    detector: PitchDetector,
    corrector: PitchCorrector,
    shifter: PsolaShifter,
    tonality: Tonality,
    whisper: Whisper,
    breath: Breath,
    tone: Tone,
    compressor: Compressor,
    reverb: Reverb,
    dry: [History; MAX_CHANNELS],
    /// 1.0 where the input held NaN or infinity, delayed like the dry signal.
    garbage: History,
    mix: LinearSmoother,
    whisper_amount: LinearSmoother,
    breath_amount: LinearSmoother,
    reverb_amount: LinearSmoother,
    request: ShiftRequest,
    robot_cents: Option<f32>,
    analysis: [AnalysisFrame; ANALYSIS_CAPACITY],
    analysis_len: usize,
    latest: Option<AnalysisFrame>,
    samples_seen: u64,
    recent_pitch: [(f64, f32); SLOPE_FRAMES],
    recent_pitch_len: usize,
    harmony: Harmony,
    chord: Option<ChordTones>,
    /// The last frame when it was voiced, with its pitch extrapolated to the output time (so a
    /// chord change between frames can steer again from it).
    last_voiced: Option<(PitchFrame, f32)>,
}

impl Default for VoiceChain {
    fn default() -> Self {
        let idle = AnalysisFrame {
            time_seconds: 0.0,
            detected_hz: 0.0,
            output_hz: 0.0,
            voicing: Voicing::Silence,
            level_db: -120.0,
        };
        Self {
            sample_rate: 48_000.0,
            latency: 0,
            settings: VoiceSettings::default(),
            detector: PitchDetector::default(),
            corrector: PitchCorrector::default(),
            shifter: PsolaShifter::default(),
            tonality: Tonality::default(),
            whisper: Whisper::default(),
            breath: Breath::default(),
            tone: Tone::default(),
            compressor: Compressor::default(),
            reverb: Reverb::default(),
            dry: Default::default(),
            garbage: History::default(),
            mix: LinearSmoother::new(1.0),
            whisper_amount: LinearSmoother::new(0.0),
            breath_amount: LinearSmoother::new(0.0),
            reverb_amount: LinearSmoother::new(0.0),
            request: ShiftRequest {
                input_period: None,
                output_period: 1.0,
                formant: 1.0,
            },
            robot_cents: None,
            analysis: [idle; ANALYSIS_CAPACITY],
            analysis_len: 0,
            latest: None,
            samples_seen: 0,
            recent_pitch: [(0.0, 0.0); SLOPE_FRAMES],
            recent_pitch_len: 0,
            harmony: Harmony::default(),
            chord: None,
            last_voiced: None,
        }
    }
}

impl VoiceChain {
    /// Prepares every unit for `sample_rate` (any block size works; `_max_block` is accepted
    /// for symmetry with the other units). Allocates; call off the audio thread or in
    /// `activate`.
    pub fn prepare(&mut self, sample_rate: f32, _max_block: usize) {
        let sample_rate = if sample_rate.is_finite() {
            sample_rate.clamp(8_000.0, 384_000.0)
        } else {
            48_000.0
        };
        self.sample_rate = sample_rate;
        self.latency = (LATENCY_SECONDS * sample_rate).round() as usize;
        self.detector.prepare(sample_rate, self.latency);
        self.corrector
            .prepare(self.detector.hop_size() as f32 / sample_rate);
        self.shifter.prepare(sample_rate, self.latency);
        self.tonality.prepare(sample_rate);
        self.whisper.prepare(sample_rate);
        self.breath.prepare(sample_rate);
        self.tone.prepare(sample_rate);
        self.compressor.prepare(sample_rate);
        self.reverb.prepare(sample_rate);
        for line in self.dry.iter_mut() {
            line.prepare(self.latency + 2);
        }
        self.garbage.prepare(self.latency + 2);
        self.harmony.prepare(sample_rate, self.latency);
        self.clear();
    }

    /// The same as `prepare`: the name `assistant::cli` still calls (owned by the assistant's
    /// engineer; to be renamed there, then this goes).
    pub fn reset(&mut self, sample_rate: f32, max_block: usize) {
        self.prepare(sample_rate, max_block);
    }

    /// Forgets everything heard (grains, reverb tail, compressor level, pitch history, the
    /// delayed dry signal), in place and without allocating: what a host's reset asks for.
    /// The settings and held MIDI notes stay; smoothed amounts jump to their targets.
    pub fn clear(&mut self) {
        self.detector.clear();
        self.corrector.clear();
        self.shifter.clear();
        self.tonality.clear();
        self.whisper.clear();
        self.breath.clear();
        self.tone.clear();
        self.compressor.clear();
        self.reverb.clear();
        for line in self.dry.iter_mut() {
            line.clear();
        }
        self.garbage.clear();
        let s = self.settings;
        let sample_rate = self.sample_rate;
        self.mix.reset(sample_rate, 0.02, s.mix);
        self.whisper_amount.reset(sample_rate, 0.02, s.whisper);
        self.breath_amount.reset(sample_rate, 0.02, s.breath);
        self.reverb_amount.reset(sample_rate, 0.02, s.reverb);
        self.request.input_period = None;
        self.robot_cents = None;
        self.analysis_len = 0;
        self.latest = None;
        self.samples_seen = 0;
        self.recent_pitch_len = 0;
        self.harmony.clear();
        self.last_voiced = None;
        self.apply_block_settings();
    }

    /// Delay from input to output in samples.
    pub fn latency_samples(&self) -> usize {
        self.latency
    }

    /// The sample rate the chain was reset for.
    pub fn sample_rate(&self) -> f32 {
        self.sample_rate
    }

    /// Hop between analysis frames in seconds.
    pub fn hop_seconds(&self) -> f32 {
        HOP_SECONDS
    }

    /// Takes new settings (smoothed where it matters); call once per block.
    pub fn set_settings(&mut self, settings: &VoiceSettings) {
        self.settings = settings.sanitized();
        self.apply_block_settings();
    }

    /// The settings in force.
    pub fn settings(&self) -> &VoiceSettings {
        &self.settings
    }

    /// A MIDI note was pressed (targets for MIDI-controlled tuning).
    pub fn note_on(&mut self, note: u8) {
        self.corrector.set_note_held(note, true);
    }

    /// A MIDI note was released.
    pub fn note_off(&mut self, note: u8) {
        self.corrector.set_note_held(note, false);
    }

    /// Releases all MIDI notes (transport stop, all-notes-off).
    pub fn all_notes_off(&mut self) {
        self.corrector.release_all_notes();
    }

    /// The chord sounding from the next sample on (`None`: no backing plays). A change between
    /// two analysis frames steers the correction and the harmony voices again at once from the
    /// last frame, so the new chord rules from this sample on, not from the next hop.
    pub fn set_chord(&mut self, chord: Option<ChordTones>) {
        if chord == self.chord {
            return;
        }
        self.chord = chord;
        self.corrector.set_chord(chord);
        if let Some((frame, detected_ahead)) = self.last_voiced {
            let correction = self.corrector.retarget(&frame, &self.settings.tune);
            self.steer(&frame, detected_ahead, correction);
        }
    }

    /// The chord in force.
    pub fn chord(&self) -> Option<ChordTones> {
        self.chord
    }

    /// The note each harmony voice aims at now.
    pub fn harmony_notes(&self) -> [Option<i32>; 3] {
        self.harmony.notes()
    }

    /// Processes one block whose chord changes at the given sample offsets (sorted; offsets
    /// past the block are ignored): the chord in force switches exactly at each offset.
    pub fn process_with_chords(
        &mut self,
        channels: &mut [&mut [f32]],
        changes: &[(usize, Option<ChordTones>)],
    ) {
        let frames = channels.iter().map(|c| c.len()).min().unwrap_or(0);
        let mut start = 0;
        for &(offset, chord) in changes.iter().take(MAX_CHORD_CHANGES) {
            let offset = offset.clamp(start, frames);
            self.process_range(channels, start, offset);
            self.set_chord(chord);
            start = offset;
        }
        self.process_range(channels, start, frames);
    }

    /// `process` on samples `start..end` of every channel (no allocation: the sub-slices live
    /// in a fixed array).
    fn process_range(&mut self, channels: &mut [&mut [f32]], start: usize, end: usize) {
        if end <= start {
            return;
        }
        match channels {
            [left, right, ..] => self.process(&mut [&mut left[start..end], &mut right[start..end]]),
            [mono] => self.process(&mut [&mut mono[start..end]]),
            [] => {}
        }
    }

    /// The most recent analysis frame, if any.
    pub fn latest_analysis(&self) -> Option<AnalysisFrame> {
        self.latest
    }

    /// Hands every analysis frame since the last drain to `sink`, oldest first.
    pub fn drain_analysis(&mut self, mut sink: impl FnMut(AnalysisFrame)) {
        for frame in &self.analysis[..self.analysis_len] {
            sink(*frame);
        }
        self.analysis_len = 0;
    }

    fn apply_block_settings(&mut self) {
        let s = self.settings;
        self.mix.set_target(s.mix);
        self.whisper_amount.set_target(s.whisper);
        self.breath_amount.set_target(s.breath);
        self.reverb_amount.set_target(s.reverb);
        self.tone.set(s.warmth, s.presence);
        self.compressor.set_amount(s.compression);
        self.harmony.set_settings(&s.harmony);
    }

    /// Processes one block in place; 1 or 2 channels of equal length (extra channels are left
    /// untouched). Never allocates, never panics, never outputs non-finite samples.
    pub fn process(&mut self, channels: &mut [&mut [f32]]) {
        let count = channels.len().min(MAX_CHANNELS);
        if count == 0 {
            return;
        }
        let frames = channels[..count].iter().map(|c| c.len()).min().unwrap_or(0);
        let inv_count = 1.0 / count as f32;
        // One frame at a time across all channels, so the index is the natural loop variable.
        #[allow(clippy::needless_range_loop)]
        for i in 0..frames {
            let mut mono = 0.0f32;
            let mut input = [0.0f32; MAX_CHANNELS];
            let mut garbage = false;
            for (ch, slot) in input.iter_mut().enumerate().take(count) {
                let x = channels[ch][i];
                garbage |= !x.is_finite();
                *slot = if x.is_finite() && x.abs() > 1.0e-30 {
                    x
                } else {
                    0.0
                };
                mono += *slot;
            }
            // Remember where the host sent garbage, so exactly that stretch comes out silent
            // one latency later (grains and reverb tails would otherwise fill it).
            self.garbage.push(if garbage { 1.0 } else { 0.0 });
            let mute = self
                .garbage
                .get_recent(self.garbage.written() as i64 - 1 - self.latency as i64)
                != 0.0;
            mono *= inv_count;

            self.samples_seen += 1;
            self.tonality.process(mono);
            if let Some(frame) = self.detector.push(mono) {
                self.on_frame(frame);
            }
            let mut wet = self.shifter.process(mono, self.request);
            let (harmony_left, harmony_right) = if self.harmony.voice_count() > 0 {
                self.harmony.process(mono)
            } else {
                (0.0, 0.0)
            };

            let whisper = self.whisper_amount.next_value();
            if whisper > 0.0 {
                let whispered = self.whisper.process(wet);
                wet += whisper * (whispered - wet);
            }
            let breath = self.breath_amount.next_value();
            if breath > 0.0 {
                wet += breath * BREATH_LEVEL * self.breath.process(wet);
            }
            if !self.tone.is_flat() {
                wet = self.tone.process(wet);
            }
            wet = self.compressor.process(wet);
            if matches!(self.settings.harmony.listen, Listen::Voice(_)) {
                wet = 0.0;
            }
            let reverb = self.reverb_amount.next_value();
            let (mut wet_left, mut wet_right) = (wet + harmony_left, wet + harmony_right);
            if reverb > 0.0 || !self.reverb.is_silent() {
                let send = wet + 0.5 * (harmony_left + harmony_right);
                let (left, right) = self.reverb.process(send * reverb);
                wet_left += REVERB_RETURN * left;
                wet_right += REVERB_RETURN * right;
            }

            let mix = self.mix.next_value();
            for (ch, &x) in input.iter().enumerate().take(count) {
                let line = &mut self.dry[ch];
                line.push(x);
                let dry = line.get(line.written() as i64 - 1 - self.latency as i64);
                let wet_ch = if count == 1 {
                    0.5 * (wet_left + wet_right)
                } else if ch == 0 {
                    wet_left
                } else {
                    wet_right
                };
                let out = dry + mix * (wet_ch - dry);
                channels[ch][i] = if out.is_finite() && !mute { out } else { 0.0 };
            }
        }
    }

    /// Pitch slope in cents per sample over the last few voiced frames (0 until there are
    /// enough), and records this frame.
    fn pitch_slope(&mut self, time: f64, cents: f32) -> f32 {
        let slope = if self.recent_pitch_len == SLOPE_FRAMES {
            let (old_time, old_cents) = self.recent_pitch[0];
            let span = (time - old_time) as f32;
            if span > 0.0 {
                ((cents - old_cents) / span).clamp(-MAX_SLOPE, MAX_SLOPE)
            } else {
                0.0
            }
        } else {
            0.0
        };
        if self.recent_pitch_len == SLOPE_FRAMES {
            self.recent_pitch.copy_within(1.., 0);
            self.recent_pitch_len -= 1;
        }
        self.recent_pitch[self.recent_pitch_len] = (time, cents);
        self.recent_pitch_len += 1;
        slope
    }

    /// Turns a new analysis frame into the shift request the shifter follows until the next.
    fn on_frame(&mut self, frame: PitchFrame) {
        let s = self.settings;
        let correction = self.corrector.update(&frame, &s.tune);
        let mut output_hz = 0.0;
        if frame.is_voiced() {
            let detected = hz_to_cents(frame.f0);
            self.robot_cents
                .get_or_insert_with(|| nearest_tonic_cents(s.tune.key, detected));
            // The grains this request shapes sound around one input period after the current
            // output time; follow the pitch's slope there so vibrato and glides keep their
            // timing (the detector cannot see the future, the slope can).
            let slope = self.pitch_slope(frame.time, detected);
            let output_time = self.samples_seen as f64 - self.latency as f64;
            let lead = (output_time + (self.sample_rate / frame.f0) as f64 - frame.time)
                .clamp(0.0, 2.0 * self.latency as f64);
            let detected_ahead = detected + slope * lead as f32;
            self.tonality.set_f0(frame.f0);
            self.last_voiced = Some((frame, detected_ahead));
            output_hz = self.steer(&frame, detected_ahead, correction);
        } else {
            self.robot_cents = None;
            self.request.input_period = None;
            self.recent_pitch_len = 0;
            self.last_voiced = None;
            let silent = LeadPitch {
                input_period: None,
                detected_cents: 0.0,
                deviation_cents: 0.0,
                formant_follow: 0.0,
            };
            let tune = s.tune;
            let held = self.corrector.held_notes();
            self.harmony.steer(None, &silent, self.chord, &tune, held);
        }
        let analysis = AnalysisFrame {
            time_seconds: frame.time / self.sample_rate as f64,
            detected_hz: frame.f0,
            output_hz,
            voicing: frame.voicing,
            level_db: frame.level_db,
        };
        self.latest = Some(analysis);
        if self.analysis_len == ANALYSIS_CAPACITY {
            self.analysis.copy_within(1.., 0);
            self.analysis_len -= 1;
        }
        self.analysis[self.analysis_len] = analysis;
        self.analysis_len += 1;
    }

    /// Sets the lead's shift request and steers the harmony voices for voiced `frame`, whose
    /// pitch at the output time is `detected_ahead` cents, with `correction` cents of
    /// correction; returns the lead's output pitch in Hz.
    fn steer(&mut self, frame: &PitchFrame, detected_ahead: f32, correction: f32) -> f32 {
        let s = self.settings;
        let corrected = detected_ahead + correction;
        let robot_cents = self.robot_cents.unwrap_or(corrected);
        let mut output = corrected + s.robot * (robot_cents - corrected);
        output += 100.0 * s.pitch_semitones;
        let output_hz = cents_to_hz(output);
        let shift_cents = output - detected_ahead;
        // A tone has no formants to keep, and PSOLA cannot move its lone partials far (see
        // `tonality`): its formants follow the shift.
        let follow = if s.preserve_formants {
            self.tonality.formant_follow()
        } else {
            1.0
        };
        let formant_shift = s.formant_semitones * 100.0 + follow * shift_cents;
        let unchanged = shift_cents.abs() < NO_SHIFT_CENTS
            && formant_shift.abs() < NO_SHIFT_CENTS
            && s.robot <= 0.0;
        let input_period = self.sample_rate / frame.f0;
        self.request = ShiftRequest {
            input_period: if unchanged { None } else { Some(input_period) },
            output_period: self.sample_rate / output_hz,
            formant: (formant_shift / 1200.0).exp2(),
        };
        if self.harmony.voice_count() > 0 {
            let note = self.corrector.target_note();
            let deviation = note.map_or(0.0, |n| corrected - n as f32 * 100.0);
            let lead = LeadPitch {
                input_period: Some(input_period),
                detected_cents: detected_ahead,
                deviation_cents: deviation.clamp(-DEVIATION_LIMIT_CENTS, DEVIATION_LIMIT_CENTS),
                formant_follow: follow,
            };
            let tune = s.tune;
            let held = self.corrector.held_notes();
            self.harmony.steer(note, &lead, self.chord, &tune, held);
        }
        output_hz
    }
}

/// The key's tonic in the octave nearest `cents` (the robot's fixed note).
fn nearest_tonic_cents(key: PitchClass, cents: f32) -> f32 {
    let tonic = key.semitone() as f32 * 100.0;
    let octaves = ((cents - tonic) / 1200.0).round();
    tonic + octaves * 1200.0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sine(hz: f32, sample_rate: f32, seconds: f32) -> Vec<f32> {
        (0..(sample_rate * seconds) as usize)
            .map(|i| 0.4 * (std::f32::consts::TAU * hz * i as f32 / sample_rate).sin())
            .collect()
    }

    #[test]
    fn neutral_settings_return_the_input_delayed() {
        let mut chain = VoiceChain::default();
        chain.prepare(48_000.0, 512);
        let input = sine(220.0, 48_000.0, 0.5);
        let mut left = input.clone();
        let mut right = input.clone();
        chain.process(&mut [&mut left, &mut right]);
        let latency = chain.latency_samples();
        assert_eq!(latency, 480);
        assert_eq!(&left[latency..], &input[..input.len() - latency]);
        assert_eq!(&right[latency..], &input[..input.len() - latency]);
    }

    #[test]
    fn mix_zero_is_exactly_the_delayed_input_even_with_effects() {
        let mut chain = VoiceChain::default();
        chain.prepare(44_100.0, 64);
        let settings = VoiceSettings {
            pitch_semitones: 5.0,
            reverb: 0.6,
            whisper: 0.5,
            mix: 0.0,
            ..VoiceSettings::default()
        };
        chain.set_settings(&settings);
        chain.prepare(44_100.0, 64);
        let input = sine(180.0, 44_100.0, 0.3);
        let mut mono = input.clone();
        chain.process(&mut [&mut mono]);
        let latency = chain.latency_samples();
        assert_eq!(&mono[latency..], &input[..input.len() - latency]);
    }

    #[test]
    fn garbage_in_gives_finite_out_and_recovers() {
        let mut chain = VoiceChain::default();
        chain.prepare(48_000.0, 256);
        chain.set_settings(&VoiceSettings {
            pitch_semitones: 3.0,
            reverb: 0.5,
            compression: 0.7,
            breath: 0.5,
            whisper: 0.3,
            warmth: 0.9,
            ..VoiceSettings::default()
        });
        let mut block: Vec<f32> = sine(200.0, 48_000.0, 0.2);
        for (i, x) in block.iter_mut().enumerate() {
            match i % 5 {
                0 => *x = f32::NAN,
                1 => *x = f32::INFINITY,
                2 => *x = 1.0e-40,
                _ => {}
            }
        }
        chain.process(&mut [&mut block]);
        assert!(block.iter().all(|x| x.is_finite()));
        // Every sample whose input was NaN or infinite is silent one latency later.
        let latency = chain.latency_samples();
        for (i, x) in block.iter().enumerate().skip(latency) {
            if matches!((i - latency) % 5, 0 | 1) {
                assert_eq!(*x, 0.0, "sample {i} after garbage input");
            }
        }
        let mut clean = sine(200.0, 48_000.0, 0.5);
        chain.process(&mut [&mut clean]);
        let tail_rms = (clean[12_000..].iter().map(|x| x * x).sum::<f32>() / 12_000.0).sqrt();
        assert!(tail_rms > 0.05, "did not recover: rms {tail_rms}");
        chain.set_settings(&VoiceSettings {
            mix: f32::NAN,
            pitch_semitones: f32::INFINITY,
            ..VoiceSettings::default()
        });
        assert_eq!(chain.settings().mix, 1.0);
        assert_eq!(chain.settings().pitch_semitones, 0.0);
    }
}
