//! `VoiceChain`: the whole vocal signal path, as the plugin and the CLI run it.
//!
//! mono voice -> pitch detection -> correction (key/scale or MIDI) -> PSOLA shift (pitch,
//! formant, robot) -> whisper -> breath -> warmth/presence -> compressor -> reverb ->
//! dry/wet mix per channel. Harmony voices (PSOLA copies of the lead aimed at the current
//! chord's tones) join after the compressor, panned, and share the reverb. Dry signals are
//! delayed by the same latency, so mix 0 returns the input exactly, `latency_samples()` later.
//!
//! The work runs a stretch of samples at a time: the detector sees every sample, and each
//! stretch between two of its frames (one shift request) goes through the shared pitch-mark
//! analysis, the lead's and the voices' synthesis and each effect as whole loops. Frames still
//! land on their exact sample, so the output does not depend on the block size.

mod effects;
mod steering;
#[cfg(test)]
mod tests;

use super::biquad::Biquad;
use super::correction::PitchCorrector;
use super::formant_filter::FormantFilter;
use super::harmony::chord_track::ChordTones;
use super::harmony::{Harmony, Listen};
use super::history::History;
use super::pitch_detector::{PitchDetector, PitchFrame, Voicing, HOP_SECONDS};
use super::pitch_marks::{MarkTrace, PitchMarks, MAX_RUN};
use super::psola::{PsolaVoice, ShiftRequest};
use super::smoother::LinearSmoother;
use super::tonality::Tonality;
use super::wide::wide_or_portable;
use effects::Effects;
use steering::SLOPE_FRAMES;

pub use super::voice_settings::VoiceSettings;

/// Latency of the chain in seconds (reported to the host).
pub const LATENCY_SECONDS: f32 = 0.01;
/// Channels the chain handles (mono or stereo).
pub const MAX_CHANNELS: usize = 2;
/// Analysis frames kept for the pitch view between drains.
const ANALYSIS_CAPACITY: usize = 128;
/// Chord changes one block can carry (`process_with_chords`); more are applied at the block's
/// last change (a chord per sample is not music).
pub const MAX_CHORD_CHANGES: usize = 16;

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

/// One stretch's working buffers (at most `MAX_RUN` samples), kept in the chain so processing
/// never allocates.
struct RunBuffers {
    /// The host's input per channel, cleaned (non-finite and denormal samples are 0).
    input: [[f32; MAX_RUN]; MAX_CHANNELS],
    /// The channels' mean: what is analysed and shifted.
    mono: [f32; MAX_RUN],
    /// The lead's shifted voice, then the effects' output.
    wet: [f32; MAX_RUN],
    /// The harmony voices, then the whole wet signal per side.
    left: [f32; MAX_RUN],
    right: [f32; MAX_RUN],
    /// 1 where the output must be silent (its input was garbage), else 0.
    mute: [f32; MAX_RUN],
    /// 1 where this run's input is garbage (not finite in some channel), else 0.
    garbage: [f32; MAX_RUN],
    /// The dry/wet mix per sample, and one channel's delayed dry input.
    mix: [f32; MAX_RUN],
    dry: [f32; MAX_RUN],
    /// The analysis mark after each sample of the current run.
    trace: MarkTrace,
    /// The pulse low-pass of `mono` for the marks, and a detector step's band-pass for the
    /// tonality (the two filters run side by side, see `process_stretch`).
    peaks: [f32; MAX_RUN],
    band: [f32; MAX_RUN],
}

impl Default for RunBuffers {
    fn default() -> Self {
        Self {
            input: [[0.0; MAX_RUN]; MAX_CHANNELS],
            mono: [0.0; MAX_RUN],
            wet: [0.0; MAX_RUN],
            left: [0.0; MAX_RUN],
            right: [0.0; MAX_RUN],
            mute: [0.0; MAX_RUN],
            garbage: [0.0; MAX_RUN],
            mix: [0.0; MAX_RUN],
            dry: [0.0; MAX_RUN],
            trace: [None; MAX_RUN],
            peaks: [0.0; MAX_RUN],
            band: [0.0; MAX_RUN],
        }
    }
}

/// The vocal chain. `prepare` allocates; `clear` and `process` never do.
pub struct VoiceChain {
    sample_rate: f32,
    latency: usize,
    settings: VoiceSettings,
    detector: PitchDetector,
    corrector: PitchCorrector,
    /// The input's analysis, shared by the lead's and the harmony voices' synthesis.
    marks: PitchMarks,
    lead: PsolaVoice,
    /// The part of the lead's formant shift the grains cannot make on high voices.
    formant_filter: FormantFilter,
    tonality: Tonality,
    effects: Effects,
    dry: [History; MAX_CHANNELS],
    /// 1.0 where the input held NaN or infinity, delayed like the dry signal.
    garbage: History,
    mix: LinearSmoother,
    request: ShiftRequest,
    /// The input period of the current voiced frame (`None` while unvoiced): the marks follow
    /// it whether or not the lead shifts.
    frame_period: Option<f32>,
    /// Whether the lead's shifter is engaged in this voiced stretch (see `steer`).
    engaged: bool,
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
    buffers: Box<RunBuffers>,
    /// Whether the CPU runs the chain's own loops' 256-bit build (see `process`).
    wide: bool,
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
            marks: PitchMarks::default(),
            lead: PsolaVoice::default(),
            formant_filter: FormantFilter::default(),
            tonality: Tonality::default(),
            effects: Effects::default(),
            dry: Default::default(),
            garbage: History::default(),
            mix: LinearSmoother::new(1.0),
            request: ShiftRequest {
                input_period: None,
                output_period: 1.0,
                formant: 1.0,
            },
            frame_period: None,
            engaged: false,
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
            buffers: Box::default(),
            wide: false,
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
        self.marks.prepare(sample_rate, self.latency);
        self.lead.prepare(sample_rate, self.latency);
        self.formant_filter.prepare(sample_rate, self.latency);
        self.tonality.prepare(sample_rate);
        self.effects.prepare(sample_rate);
        // A whole run is written before its delayed part is read.
        for line in self.dry.iter_mut() {
            line.prepare(self.latency + MAX_RUN + 2);
        }
        self.garbage.prepare(self.latency + MAX_RUN + 2);
        self.harmony.prepare(sample_rate, self.latency);
        self.wide = super::wide::available();
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
        self.marks.clear();
        self.lead.clear();
        self.formant_filter.clear();
        self.tonality.clear();
        let s = self.settings;
        let sample_rate = self.sample_rate;
        self.effects.clear(sample_rate, &s);
        for line in self.dry.iter_mut() {
            line.clear();
        }
        self.garbage.clear();
        self.mix.reset(sample_rate, 0.02, s.mix);
        self.request.input_period = None;
        self.frame_period = None;
        self.engaged = false;
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
        self.effects.set(&s);
        self.harmony.set_settings(&s.harmony);
    }

    wide_or_portable! {
        /// Processes one block in place; 1 or 2 channels of equal length (extra channels are left
        /// untouched). Never allocates, never panics, never outputs non-finite samples. Where the
        /// CPU has 256-bit vectors (AVX2), the chain's own loops (input cleaning, the dry/wet mix)
        /// run from a build for them: no fused multiply-add, so the same numbers either way.
        pub fn process(&mut self, channels: &mut [&mut [f32]]);
        on VoiceChain, portable process_portable, wide if self.wide
    }

    /// `process`'s work, inlined into each build.
    #[inline(always)]
    fn process_portable(&mut self, channels: &mut [&mut [f32]]) {
        let count = channels.len().min(MAX_CHANNELS);
        if count == 0 {
            return;
        }
        let channels = &mut channels[..count];
        let frames = channels.iter().map(|c| c.len()).min().unwrap_or(0);
        let mut start = 0;
        while start < frames {
            let end = (start + MAX_RUN).min(frames);
            self.process_stretch(channels, start, end);
            start = end;
        }
    }

    /// Samples `start..end` (at most `MAX_RUN`) of every channel.
    #[inline(always)]
    fn process_stretch(&mut self, channels: &mut [&mut [f32]], start: usize, end: usize) {
        let frames = end - start;
        self.read_input(channels, start, end);
        // The detector sees every sample; each stretch between its frames is shifted with the
        // request in force then.
        // The sample that completes a frame starts the next run (it is shifted with the
        // request the frame makes).
        // Without harmony voices `left` and `right` are left as they are: the effects read them
        // as silence.
        let harmony = self.harmony.voice_count() > 0;
        let mut run_start = 0;
        let mut i = 0;
        while i < frames {
            let input = &self.buffers.mono[i..frames];
            let (taken, frame) = self.detector.push_slice(input);
            // The tonality's band-pass and the marks' pulse low-pass read the same samples: one
            // pass runs both (the marks take their part of `peaks` when their run is shifted).
            let buffers = &mut *self.buffers;
            let input = &buffers.mono[i..i + taken];
            let band = &mut buffers.band[..taken];
            Biquad::process_pair_into(
                [self.tonality.band_filter(), self.marks.peak_filter()],
                input,
                band,
                &mut buffers.peaks[i..i + taken],
            );
            self.tonality.process_filtered(input, band);
            self.samples_seen += taken as u64;
            i += taken;
            if let Some(frame) = frame {
                self.shift_run(run_start, i - 1, harmony);
                run_start = i - 1;
                self.on_frame(frame);
            }
        }
        self.shift_run(run_start, frames, harmony);
        let lead_heard = !matches!(self.settings.harmony.listen, Listen::Voice(_));
        let buffers = &mut *self.buffers;
        self.effects.process(
            &mut buffers.wet[..frames],
            &mut buffers.left[..frames],
            &mut buffers.right[..frames],
            lead_heard,
            harmony,
        );
        self.write_output(channels, start, end);
    }

    /// Cleans samples `start..end` of every channel into the run buffers, with their mean, and
    /// marks where the output must be silent one latency later (the host sent garbage there:
    /// grains and reverb tails would otherwise fill it).
    #[inline(always)]
    fn read_input(&mut self, channels: &[&mut [f32]], start: usize, end: usize) {
        let frames = end - start;
        let count = channels.len();
        let buffers = &mut *self.buffers;
        // The first channel sets the sum and the garbage marks, the others add to them: every
        // sample of both written, none zeroed first (0 + x is x).
        for (ch, (channel, input)) in channels.iter().zip(buffers.input.iter_mut()).enumerate() {
            for (((&x, clean), mono), bad) in channel[start..end]
                .iter()
                .zip(input.iter_mut())
                .zip(buffers.mono.iter_mut())
                .zip(buffers.garbage.iter_mut())
            {
                *clean = if x.is_finite() && x.abs() > 1.0e-30 {
                    x
                } else {
                    0.0
                };
                let marked = if x.is_finite() { 0.0 } else { 1.0 };
                if ch == 0 {
                    *mono = *clean;
                    *bad = marked;
                } else {
                    *mono += *clean;
                    *bad = bad.max(marked);
                }
            }
        }
        let inv_count = 1.0 / count as f32;
        buffers.mono[..frames]
            .iter_mut()
            .for_each(|x| *x *= inv_count);
        self.garbage.push_slice(&buffers.garbage[..frames]);
        let delayed_end = self.garbage.written().saturating_sub(self.latency as u64);
        self.garbage
            .copy_ending_at(delayed_end, &mut buffers.mute[..frames]);
    }

    /// Run `start..end` of the stretch: the shared analysis, then the lead's and (`harmony`)
    /// the harmony voices' synthesis, with the requests in force.
    #[inline(always)]
    fn shift_run(&mut self, start: usize, end: usize, harmony: bool) {
        if end <= start {
            return;
        }
        let frames = end - start;
        // The band-limited copy serves the fastest grain read of every voice.
        let lead_speed = self.request.input_period.map(|_| self.request.read_speed());
        let fastest = lead_speed
            .into_iter()
            .chain(self.harmony.read_speed())
            .reduce(f32::max);
        if let Some(speed) = fastest.filter(|&speed| speed > 1.0) {
            self.marks.tune_anti_alias(speed);
        }
        let buffers = &mut *self.buffers;
        self.marks.push_run_filtered(
            &buffers.mono[start..end],
            &buffers.peaks[start..end],
            self.frame_period,
            &mut buffers.trace,
        );
        let trace = &buffers.trace[..frames];
        self.lead.process_run(
            &self.marks,
            trace,
            self.request,
            &mut buffers.wet[start..end],
        );
        self.formant_filter
            .process_run(&self.marks, &mut buffers.wet[start..end]);
        if harmony {
            self.harmony.process_run(
                &self.marks,
                trace,
                &mut buffers.left[start..end],
                &mut buffers.right[start..end],
            );
        }
    }

    /// Mixes the delayed dry input with the wet signal into samples `start..end` of every
    /// channel (silence where the input was garbage or the result is not finite).
    #[inline(always)]
    fn write_output(&mut self, channels: &mut [&mut [f32]], start: usize, end: usize) {
        let frames = end - start;
        let count = channels.len();
        let buffers = &mut *self.buffers;
        let mix = &mut buffers.mix;
        self.mix.fill(&mut mix[..frames]);
        if count == 1 {
            for (l, &r) in buffers.left[..frames]
                .iter_mut()
                .zip(&buffers.right[..frames])
            {
                *l = 0.5 * (*l + r);
            }
        }
        let dry = &mut buffers.dry;
        for (ch, channel) in channels.iter_mut().enumerate() {
            let line = &mut self.dry[ch];
            line.push_slice(&buffers.input[ch][..frames]);
            let delayed_end = line.written().saturating_sub(self.latency as u64);
            line.copy_ending_at(delayed_end, &mut dry[..frames]);
            let wet = if ch == 0 {
                &buffers.left[..frames]
            } else {
                &buffers.right[..frames]
            };
            for ((((out, &dry), &wet), &mix), &mute) in channel[start..end]
                .iter_mut()
                .zip(&dry[..frames])
                .zip(wet)
                .zip(&mix[..frames])
                .zip(&buffers.mute[..frames])
            {
                let y = dry + mix * (wet - dry);
                *out = if y.is_finite() && mute == 0.0 { y } else { 0.0 };
            }
        }
    }
}
