//! One harmony voice: a formant-preserving PSOLA copy of the lead at another note, with its
//! own small formant offset and timing offset (so it sounds like another singer, not a
//! doubled lead), faded in while it has a note and the lead is voiced. The voice reads the
//! lead's analysis (`PitchMarks`): it only synthesises.

use crate::dsp::correction::cents_to_hz;
use crate::dsp::history::History;
use crate::dsp::pitch_marks::{PitchMarks, MAX_RUN};
use crate::dsp::psola::{PsolaVoice, ShiftRequest};
use crate::dsp::smoother::LinearSmoother;

/// Fade time when a voice starts or stops singing (no clicks, short enough to follow words).
const GATE_SECONDS: f32 = 0.01;

/// What the lead does at one analysis frame, as the harmony voices follow it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LeadPitch {
    /// Input period in samples while voiced, `None` otherwise.
    pub input_period: Option<f32>,
    /// Detected pitch in cents, extrapolated to when the grains sound.
    pub detected_cents: f32,
    /// The lead's output deviation from its target note in cents (vibrato, humanize, an
    /// unfinished glide): the voices sing it too, as singers following the lead would.
    pub deviation_cents: f32,
    /// Share of the shift the formants follow (1 for pure tones, 0 for a voice).
    pub formant_follow: f32,
    /// The lead's pitch offset (the Pitch control) in cents: the voices move with it, so a
    /// lead sent up an octave keeps its harmony.
    pub offset_cents: f32,
}

/// One voice's shifter, offsets and gate.
pub struct HarmonyVoice {
    sample_rate: f32,
    synthesis: PsolaVoice,
    delay: History,
    delay_samples: usize,
    formant_semitones: f32,
    gate: LinearSmoother,
    request: ShiftRequest,
}

impl Default for HarmonyVoice {
    fn default() -> Self {
        Self {
            sample_rate: 48_000.0,
            synthesis: PsolaVoice::default(),
            delay: History::default(),
            delay_samples: 0,
            formant_semitones: 0.0,
            gate: LinearSmoother::new(0.0),
            request: ShiftRequest {
                input_period: None,
                output_period: 1.0,
                formant: 1.0,
            },
        }
    }
}

impl HarmonyVoice {
    /// Prepares for `sample_rate` with the chain's `latency` (samples), singing
    /// `timing_seconds` late with formants moved by `formant_semitones`; allocates.
    pub fn prepare(
        &mut self,
        sample_rate: f32,
        latency: usize,
        timing_seconds: f32,
        formant_semitones: f32,
    ) {
        self.sample_rate = sample_rate;
        self.synthesis.prepare(sample_rate, latency);
        self.delay_samples = (timing_seconds.max(0.0) * sample_rate).round() as usize;
        self.delay.prepare(self.delay_samples + MAX_RUN + 2);
        self.formant_semitones = formant_semitones;
        self.clear();
    }

    /// Forgets everything heard, in place.
    pub fn clear(&mut self) {
        self.synthesis.clear();
        self.delay.clear();
        self.gate.reset(self.sample_rate, GATE_SECONDS, 0.0);
        self.request.input_period = None;
    }

    /// Aims the voice at MIDI note `note` (`None`: silent) following `lead`.
    pub fn steer(&mut self, note: Option<i32>, lead: &LeadPitch) {
        match (note, lead.input_period) {
            (Some(note), Some(period)) => {
                let target = note as f32 * 100.0 + lead.deviation_cents + lead.offset_cents;
                let shift = target - lead.detected_cents;
                let formant = self.formant_semitones * 100.0 + lead.formant_follow * shift;
                self.request = ShiftRequest {
                    input_period: Some(period),
                    output_period: self.sample_rate / cents_to_hz(target),
                    formant: (formant / 1200.0).exp2(),
                };
                self.gate.set_target(1.0);
            }
            _ => {
                self.request.input_period = None;
                self.gate.set_target(0.0);
            }
        }
    }

    /// The grain read speed while the voice sings (`None` when silent): the shared analysis's
    /// anti-alias filter is tuned for the fastest reader.
    pub fn read_speed(&self) -> Option<f32> {
        self.request.input_period.map(|_| self.request.read_speed())
    }

    /// Whether the gate is closed and stays closed.
    fn is_gated_off(&self) -> bool {
        self.request.input_period.is_none() && !self.gate.is_ramping() && self.gate.target() == 0.0
    }

    /// The voice for the run `marks` analysed last (`out.len()` samples, at most `MAX_RUN`, with
    /// their marks in `trace`), into `out`.
    pub fn process_run(&mut self, marks: &PitchMarks, trace: &[Option<f64>], out: &mut [f32]) {
        if self.is_gated_off() && self.synthesis.is_idle() {
            // Closed and faded out: nothing sounds and nothing needs to move.
            self.synthesis.rest();
            out.fill(0.0);
        } else {
            self.synthesis.process_run(marks, trace, self.request, out);
            self.gate.apply(out);
        }
        self.delay.push_slice(out);
        let end = self
            .delay
            .written()
            .saturating_sub(self.delay_samples as u64);
        self.delay.copy_ending_at(end, out);
    }
}
