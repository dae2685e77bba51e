//! From each analysis frame to what the shifters do until the next: the correction, the pitch
//! slope that keeps vibrato on time, the lead's shift request (and whether its shifter stays
//! engaged), the harmony voices' notes, and the frame the pitch view shows.

use crate::dsp::correction::{cents_to_hz, hz_to_cents};
use crate::dsp::formant_filter;
use crate::dsp::harmony::voice::LeadPitch;
use crate::dsp::pitch_detector::PitchFrame;
use crate::dsp::psola::ShiftRequest;
use crate::music::theory::PitchClass;

use super::{AnalysisFrame, VoiceChain, ANALYSIS_CAPACITY};

/// Shifts smaller than this (cents) with no formant or robot change, and no correction that
/// could move the pitch, pass the dry voice.
const NO_SHIFT_CENTS: f32 = 0.5;
/// Voiced frames the pitch slope is measured over (long enough to average out jitter).
pub(super) const SLOPE_FRAMES: usize = 4;
/// Largest pitch slope followed, in cents per sample (about 5 octaves per second at 48 kHz).
const MAX_SLOPE: f32 = 1.2;
/// Largest deviation from the target note (cents) harmony voices copy from the lead: vibrato and
/// glides, not a lead that sings between notes with correction off.
const DEVIATION_LIMIT_CENTS: f32 = 50.0;

impl VoiceChain {
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

    /// Turns a new analysis frame into the shift requests the shifters follow until the next.
    pub(super) fn on_frame(&mut self, frame: PitchFrame) {
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
            self.frame_period = None;
            self.formant_filter.set_target(None, 1.0, 1.0);
            self.engaged = false;
            self.recent_pitch_len = 0;
            self.last_voiced = None;
            let silent = LeadPitch {
                input_period: None,
                detected_cents: 0.0,
                deviation_cents: 0.0,
                formant_follow: 0.0,
                offset_cents: 0.0,
            };
            let tune = s.tune;
            let held = self.corrector.held_notes();
            self.harmony.steer(None, &silent, self.chord, &tune, held);
        }
        self.record_analysis(AnalysisFrame {
            time_seconds: frame.time / self.sample_rate as f64,
            detected_hz: frame.f0,
            output_hz,
            voicing: frame.voicing,
            level_db: frame.level_db,
        });
    }

    /// Keeps `analysis` for the pitch view (the oldest frame goes when the store is full).
    fn record_analysis(&mut self, analysis: AnalysisFrame) {
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
    pub(super) fn steer(
        &mut self,
        frame: &PitchFrame,
        detected_ahead: f32,
        correction: f32,
    ) -> f32 {
        let s = self.settings;
        let corrected = detected_ahead + correction;
        let robot_cents = self.robot_cents.unwrap_or(corrected);
        let mut output = corrected + s.robot * (robot_cents - corrected);
        let offset_cents = 100.0 * s.pitch_semitones;
        output += offset_cents;
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
        // Once engaged, the shifter stays engaged until the voice stops, and with correction on
        // it engages from the first voiced frame: a shift hovering around `NO_SHIFT_CENTS` (a
        // note sung on pitch) would otherwise flip between PSOLA and the dry voice, and every
        // flip's crossfade dips the level for a few milliseconds.
        let correcting = s.tune.enabled && s.tune.amount > 0.0;
        self.engaged |= correcting || !unchanged;
        let input_period = self.sample_rate / frame.f0;
        self.frame_period = Some(input_period);
        // On high voices the formant setting's shift (not the part that follows the pitch:
        // grains read as fast as the pitch moves resample the voice, which moves its envelope
        // at any f0) is the formant filter's, faded in by f0.
        // Beyond an octave of pitch shift the grains take it back (see `formant_filter::share`).
        let filter_cents =
            s.formant_semitones * 100.0 * formant_filter::share(frame.f0, shift_cents);
        self.formant_filter.set_target(
            Some(input_period),
            self.sample_rate / output_hz,
            (filter_cents / 1200.0).exp2(),
        );
        self.request = ShiftRequest {
            input_period: if self.engaged {
                Some(input_period)
            } else {
                None
            },
            output_period: self.sample_rate / output_hz,
            formant: ((formant_shift - filter_cents) / 1200.0).exp2(),
        };
        if self.harmony.voice_count() > 0 {
            let note = self.corrector.target_note();
            let deviation = note.map_or(0.0, |n| corrected - n as f32 * 100.0);
            let lead = LeadPitch {
                input_period: Some(input_period),
                detected_cents: detected_ahead,
                deviation_cents: deviation.clamp(-DEVIATION_LIMIT_CENTS, DEVIATION_LIMIT_CENTS),
                formant_follow: follow,
                offset_cents,
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
