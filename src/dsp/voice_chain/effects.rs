//! The voice-character stage after the shifter, a run of samples at a time: whisper, breath,
//! warmth/presence, compression, then the harmony voices join and the reverb is added. Each
//! effect is one loop over the run (or skipped whole when off), its amount stepped per sample
//! only while it ramps.

use crate::dsp::modulation::{Breath, Compressor, Reverb, Tone, Whisper};
use crate::dsp::pitch_marks::MAX_RUN;
use crate::dsp::smoother::LinearSmoother;
use crate::dsp::voice_settings::VoiceSettings;
use crate::dsp::wide::wide_or_portable;

/// Reverb return level at reverb = 1.
const REVERB_RETURN: f32 = 0.8;
/// Breath noise level at breathiness = 1.
const BREATH_LEVEL: f32 = 0.35;
/// Ramp time of the effect amounts (no clicks when a knob moves).
const AMOUNT_RAMP_SECONDS: f32 = 0.02;

/// The effects and their smoothed amounts.
pub(super) struct Effects {
    whisper: Whisper,
    breath: Breath,
    tone: Tone,
    compressor: Compressor,
    reverb: Reverb,
    whisper_amount: LinearSmoother,
    breath_amount: LinearSmoother,
    reverb_amount: LinearSmoother,
    /// Whether this CPU runs the 256-bit build (`dsp::wide::available`).
    wide: bool,
    /// Working buffers of a run, kept so a run need not zero fresh ones on the stack.
    scratch: Box<Scratch>,
}

/// `Effects::process`'s working buffers: every part of them a run uses is written before it is
/// read, so they are never cleared.
struct Scratch {
    /// An effect amount per sample.
    amounts: [f32; MAX_RUN],
    /// The whisper's or the breath's own output.
    effect: [f32; MAX_RUN],
    /// The reverb's send and its two outputs.
    reverb: ReverbBuffers,
}

/// The send and the two outputs of the reverb for a run.
struct ReverbBuffers {
    send: [f32; MAX_RUN],
    left: [f32; MAX_RUN],
    right: [f32; MAX_RUN],
}

impl Default for Effects {
    fn default() -> Self {
        Self {
            whisper: Whisper::default(),
            breath: Breath::default(),
            tone: Tone::default(),
            compressor: Compressor::default(),
            reverb: Reverb::default(),
            whisper_amount: LinearSmoother::new(0.0),
            breath_amount: LinearSmoother::new(0.0),
            reverb_amount: LinearSmoother::new(0.0),
            wide: false,
            scratch: Box::new(Scratch {
                amounts: [0.0; MAX_RUN],
                effect: [0.0; MAX_RUN],
                reverb: ReverbBuffers {
                    send: [0.0; MAX_RUN],
                    left: [0.0; MAX_RUN],
                    right: [0.0; MAX_RUN],
                },
            }),
        }
    }
}

impl Effects {
    /// Prepares every effect for `sample_rate`; allocates.
    pub(super) fn prepare(&mut self, sample_rate: f32) {
        self.whisper.prepare(sample_rate);
        self.breath.prepare(sample_rate);
        self.tone.prepare(sample_rate);
        self.compressor.prepare(sample_rate);
        self.reverb.prepare(sample_rate);
        self.wide = crate::dsp::wide::available();
    }

    /// Forgets every effect's state in place; amounts jump to those of `settings`.
    pub(super) fn clear(&mut self, sample_rate: f32, settings: &VoiceSettings) {
        self.whisper.clear();
        self.breath.clear();
        // The tone's controls first, so its fade starts where they are, not ramping from flat.
        self.tone.set(settings.warmth, settings.presence);
        self.tone.clear();
        self.compressor.clear();
        self.reverb.clear();
        let ramp = AMOUNT_RAMP_SECONDS;
        self.whisper_amount
            .reset(sample_rate, ramp, settings.whisper);
        self.breath_amount.reset(sample_rate, ramp, settings.breath);
        self.reverb_amount.reset(sample_rate, ramp, settings.reverb);
    }

    /// Takes the amounts of `settings` (ramped) and the tone controls.
    pub(super) fn set(&mut self, settings: &VoiceSettings) {
        self.whisper_amount.set_target(settings.whisper);
        self.breath_amount.set_target(settings.breath);
        self.reverb_amount.set_target(settings.reverb);
        self.tone.set(settings.warmth, settings.presence);
        self.compressor.set_amount(settings.compression);
    }

    wide_or_portable! {
        /// Runs the lead's shifted voice `wet` through the effects (`lead_heard` false: the lead is
        /// left out, for a harmony stem), adds it to the harmony voices in `left` and `right` (or,
        /// `harmony` false, to silence: what they hold is not read) and the reverb of both:
        /// `left` and `right` come out as the wet side of the mix.
        /// Where the CPU has 256-bit vectors (AVX2) the effects' loops run from a build for them
        /// (the units' block functions are inlined into it); no fused multiply-add is enabled, so
        /// both builds give the same numbers.
        pub(super) fn process(
            &mut self,
            wet: &mut [f32],
            left: &mut [f32],
            right: &mut [f32],
            lead_heard: bool,
            harmony: bool,
        );
        on Effects, portable process_portable, wide if self.wide
    }

    /// `process`'s work, inlined into each build.
    #[inline(always)]
    fn process_portable(
        &mut self,
        wet: &mut [f32],
        left: &mut [f32],
        right: &mut [f32],
        lead_heard: bool,
        harmony: bool,
    ) {
        let frames = wet.len().min(left.len()).min(right.len()).min(MAX_RUN);
        let (wet, left, right) = (
            &mut wet[..frames],
            &mut left[..frames],
            &mut right[..frames],
        );
        let scratch = &mut *self.scratch;
        let amounts = &mut scratch.amounts[..frames];
        if active(&self.whisper_amount) {
            let all_positive = positive_all_along(&mut self.whisper_amount, amounts);
            if all_positive {
                // Whispering all along (the usual case): the filter a run at a time.
                let whispered = &mut scratch.effect[..frames];
                self.whisper.process_block(wet, whispered);
                for ((x, &amount), &w) in wet.iter_mut().zip(amounts.iter()).zip(whispered.iter()) {
                    *x += amount * (w - *x);
                }
            } else {
                for (x, &amount) in wet.iter_mut().zip(amounts.iter()) {
                    if amount > 0.0 {
                        let whispered = self.whisper.process(*x);
                        *x += amount * (whispered - *x);
                    }
                }
            }
        }
        if active(&self.breath_amount) {
            let all_positive = positive_all_along(&mut self.breath_amount, amounts);
            if all_positive {
                // Breathing all along (the usual case): the noise a run at a time.
                let noise = &mut scratch.effect[..frames];
                self.breath.process_block(wet, noise);
                for ((x, &amount), &n) in wet.iter_mut().zip(amounts.iter()).zip(noise.iter()) {
                    *x += amount * BREATH_LEVEL * n;
                }
            } else {
                for (x, &amount) in wet.iter_mut().zip(amounts.iter()) {
                    if amount > 0.0 {
                        *x += amount * BREATH_LEVEL * self.breath.process(*x);
                    }
                }
            }
        }
        // Skips itself while flat, fades in and out around it.
        self.tone.process_block(wet);
        self.compressor.process_block(wet);
        if !lead_heard {
            wet.fill(0.0);
        }
        if active(&self.reverb_amount) || !self.reverb.is_silent() {
            let all_positive = positive_all_along(&mut self.reverb_amount, amounts);
            let reverb = (&mut self.reverb, &mut scratch.reverb);
            let lead = (&*wet, &*amounts, all_positive);
            if harmony {
                join_with_reverb::<true>(reverb, lead, left, right);
            } else {
                join_with_reverb::<false>(reverb, lead, left, right);
            }
        } else if harmony {
            join::<true>(wet, left, right);
        } else {
            join::<false>(wet, left, right);
        }
    }
}

/// Adds the lead `wet` to the harmony in `left` and `right` (`HARMONY` false: to silence, what
/// they hold not read), with no reverb.
#[inline(always)]
fn join<const HARMONY: bool>(wet: &[f32], left: &mut [f32], right: &mut [f32]) {
    for ((l, r), &x) in left.iter_mut().zip(right.iter_mut()).zip(wet.iter()) {
        let (harmony_left, harmony_right) = harmony_at::<HARMONY>(l, r);
        *l = harmony_left + x;
        *r = harmony_right + x;
    }
}

/// The harmony's samples at `l` and `r`, or silence (`HARMONY` false: not read). Silence adds
/// as 0, so the sums are those of a zeroed buffer.
#[inline(always)]
fn harmony_at<const HARMONY: bool>(l: &f32, r: &f32) -> (f32, f32) {
    if HARMONY {
        (*l, *r)
    } else {
        (0.0, 0.0)
    }
}

/// Adds the lead `wet` to the harmony in `left` and `right` (as `join`), and the reverb of
/// both at `amounts` (`all_positive`: every one of them above 0), per sample while its send or
/// its tail lasts (the reverb's send and outputs in `buffers`).
#[inline(always)]
fn join_with_reverb<const HARMONY: bool>(
    (reverb, buffers): (&mut Reverb, &mut ReverbBuffers),
    (wet, amounts, all_positive): (&[f32], &[f32], bool),
    left: &mut [f32],
    right: &mut [f32],
) {
    if all_positive {
        // Sending all along (the usual case): the reverb a stretch at a time.
        let frames = wet.len().min(amounts.len()).min(MAX_RUN);
        let ReverbBuffers {
            send,
            left: reverb_left,
            right: reverb_right,
        } = buffers;
        for (((s, &x), &amount), (l, r)) in send
            .iter_mut()
            .zip(wet)
            .zip(amounts)
            .zip(left.iter().zip(right.iter()))
        {
            let (l, r) = harmony_at::<HARMONY>(l, r);
            *s = (x + 0.5 * (l + r)) * amount;
        }
        reverb.process_block(
            &send[..frames],
            &mut reverb_left[..frames],
            &mut reverb_right[..frames],
        );
        for ((&x, (l, r)), (&reverb_l, &reverb_r)) in wet
            .iter()
            .zip(left.iter_mut().zip(right.iter_mut()))
            .zip(reverb_left.iter().zip(reverb_right.iter()))
        {
            // Addition commutes exactly: the same sums as `x + harmony` below.
            let (harmony_left, harmony_right) = harmony_at::<HARMONY>(l, r);
            *l = harmony_left + x + REVERB_RETURN * reverb_l;
            *r = harmony_right + x + REVERB_RETURN * reverb_r;
        }
        return;
    }
    for ((&x, &amount), (l, r)) in wet
        .iter()
        .zip(amounts)
        .zip(left.iter_mut().zip(right.iter_mut()))
    {
        let (harmony_left, harmony_right) = harmony_at::<HARMONY>(l, r);
        *l = x + harmony_left;
        *r = x + harmony_right;
        if amount > 0.0 || !reverb.is_silent() {
            let send = x + 0.5 * (harmony_left + harmony_right);
            let (reverb_left, reverb_right) = reverb.process(send * amount);
            *l += REVERB_RETURN * reverb_left;
            *r += REVERB_RETURN * reverb_right;
        }
    }
}

/// Fills `amounts` with `amount`'s next values and tells whether all of them are above 0: at
/// rest (the usual case) that is its value, with no need to look at each.
fn positive_all_along(amount: &mut LinearSmoother, amounts: &mut [f32]) -> bool {
    let steady = !amount.is_ramping();
    amount.fill(amounts);
    if steady {
        amount.current() > 0.0
    } else {
        amounts.iter().all(|&value| value > 0.0)
    }
}

/// Whether an amount is on or on its way somewhere (off and resting: the effect is skipped).
fn active(amount: &LinearSmoother) -> bool {
    amount.is_ramping() || amount.current() > 0.0
}
