//! One harmony voice: a formant-preserving PSOLA copy of the lead at another note, with its
//! own small formant offset and timing offset (so it sounds like another singer, not a
//! doubled lead), faded in while it has a note and the lead is voiced.

use crate::dsp::correction::cents_to_hz;
use crate::dsp::history::History;
use crate::dsp::psola::{PsolaShifter, ShiftRequest};
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
}

/// One voice's shifter, offsets and gate.
pub struct HarmonyVoice {
    sample_rate: f32,
    shifter: PsolaShifter,
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
            shifter: PsolaShifter::default(),
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
        self.shifter.prepare(sample_rate, latency);
        self.delay_samples = (timing_seconds.max(0.0) * sample_rate).round() as usize;
        self.delay.prepare(self.delay_samples + 2);
        self.formant_semitones = formant_semitones;
        self.clear();
    }

    /// Forgets everything heard, in place.
    pub fn clear(&mut self) {
        self.shifter.clear();
        self.delay.clear();
        self.gate.reset(self.sample_rate, GATE_SECONDS, 0.0);
        self.request.input_period = None;
    }

    /// Aims the voice at MIDI note `note` (`None`: silent) following `lead`.
    pub fn steer(&mut self, note: Option<i32>, lead: &LeadPitch) {
        match (note, lead.input_period) {
            (Some(note), Some(period)) => {
                let target = note as f32 * 100.0 + lead.deviation_cents;
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

    /// Whether the gate is closed and stays closed.
    fn is_gated_off(&self) -> bool {
        self.request.input_period.is_none() && !self.gate.is_ramping() && self.gate.target() == 0.0
    }

    /// One sample of the voice for lead input `input`.
    #[inline]
    pub fn process(&mut self, input: f32) -> f32 {
        let sung = if self.is_gated_off() {
            // The shifter still hears the input, so a voice that starts has the lead's recent
            // past to read from (cheap: no grains are rendered while the request is unvoiced).
            self.shifter.process(input, self.request);
            0.0
        } else {
            let gain = self.gate.next_value();
            gain * self.shifter.process(input, self.request)
        };
        self.delay.push(sung);
        self.delay
            .get(self.delay.written() as i64 - 1 - self.delay_samples as i64)
    }
}
