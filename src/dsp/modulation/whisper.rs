//! Whisper: noise-excited LPC resynthesis, a run of samples at a time.

use crate::dsp::history::History;
use crate::dsp::lpc::{autocorrelate, levinson, MAX_ORDER};
use crate::dsp::noise::WideNoise;

/// LPC analysis window of the whisper (a few pitch periods of the voice).
const WHISPER_WINDOW_SECONDS: f32 = 0.02;
/// How often the whisper's envelope is re-estimated: a whisper has no pitch to follow, so the
/// vowel-rate envelope is enough. Once per window (not twice, as up to speed9) halves the
/// analysis; the whisper's third-octave spectrum moves by less than 1.5 dB (tests below).
const WHISPER_HOP_SECONDS: f32 = 0.02;
/// Whisper's noise seed: fixed, so a cleared chain repeats its output exactly.
const WHISPER_SEED: u32 = 0x5eed_0001;
/// Most poles the whisper's filter uses (its order at 40 kHz and above); lower orders leave
/// the last coefficients at zero, so the filter loop always runs this many taps, fully unrolled.
const POLES: usize = 24;
/// Most samples the filter loop runs between copies of its past outputs (its buffer size).
const RUN: usize = 256;

/// Noise-excited resynthesis: the voice's spectral envelope (LPC, updated every few ms) filters
/// white noise, giving a whisper of the same words.
pub struct Whisper {
    order: usize,
    window: Vec<f32>,
    analysis: Vec<f32>,
    history: History,
    hop: usize,
    countdown: usize,
    coefficients: [f32; MAX_ORDER + 1],
    autocorrelation: [f32; MAX_ORDER + 1],
    /// The filter's outputs newest first: a run is written downwards from `RUN - 1`, with the
    /// previous `POLES` outputs kept at `RUN..`, so each sample's past is one contiguous array
    /// in the order the predictor's taps expect (a1 on the newest).
    outputs: [f32; RUN + POLES],
    /// A run's scaled noise (written before it is read, so never cleared).
    excitation: [f32; RUN],
    gain: f32,
    noise: WideNoise,
    /// Whether this CPU runs the 256-bit predictor (`dsp::wide::available`).
    wide: bool,
}

impl Default for Whisper {
    fn default() -> Self {
        Self {
            order: 0,
            window: Vec::new(),
            analysis: Vec::new(),
            history: History::default(),
            hop: 1,
            countdown: 0,
            coefficients: [0.0; MAX_ORDER + 1],
            autocorrelation: [0.0; MAX_ORDER + 1],
            outputs: [0.0; RUN + POLES],
            excitation: [0.0; RUN],
            gain: 0.0,
            noise: WideNoise::new(WHISPER_SEED),
            wide: false,
        }
    }
}

impl Whisper {
    /// Prepares for `sample_rate`; allocates the analysis window.
    pub fn prepare(&mut self, sample_rate: f32) {
        self.order = ((sample_rate / 2_000.0) as usize + 4).clamp(12, POLES);
        let length = (sample_rate * WHISPER_WINDOW_SECONDS) as usize;
        self.window = (0..length)
            .map(|i| 0.54 - 0.46 * (std::f32::consts::TAU * i as f32 / (length - 1) as f32).cos())
            .collect();
        self.analysis = vec![0.0; length];
        self.history.prepare(length + 1);
        self.hop = (sample_rate * WHISPER_HOP_SECONDS) as usize;
        self.wide = crate::dsp::wide::available();
        self.clear();
    }

    /// Forgets the voice, in place (never allocates); the noise restarts from its seed.
    pub fn clear(&mut self) {
        self.history.clear();
        self.countdown = 0;
        self.coefficients = [0.0; MAX_ORDER + 1];
        self.coefficients[0] = 1.0;
        self.outputs = [0.0; RUN + POLES];
        self.gain = 0.0;
        self.noise.clear();
    }

    /// Feeds one voice sample and returns one whispered sample.
    #[inline]
    pub fn process(&mut self, voice: f32) -> f32 {
        let mut out = [0.0f32; 1];
        self.process_block(&[voice], &mut out);
        out[0]
    }

    /// `process` on each sample of `voice`, the whispered samples written to `out` (the same
    /// numbers): the envelope re-estimated at the same samples, the filter a run at a time.
    #[inline(always)]
    pub fn process_block(&mut self, voice: &[f32], out: &mut [f32]) {
        let frames = voice.len().min(out.len());
        let mut start = 0;
        while start < frames {
            // The envelope is re-estimated with the sample that starts a hop already heard.
            let mut heard = 0;
            if self.countdown == 0 {
                self.history.push(voice[start]);
                self.analyse();
                self.countdown = self.hop.max(1);
                heard = 1;
            }
            let length = (frames - start).min(self.countdown).min(RUN);
            self.history
                .push_slice(&voice[start + heard..start + length]);
            self.countdown -= length;
            self.filter_noise(&mut out[start..start + length]);
            start += length;
        }
    }

    /// Runs the all-pole filter 1/A(z), driven by scaled noise, for `out.len()` (at most `RUN`)
    /// samples: the noise scaled as one vector loop, the recursion with no per-sample test
    /// (`run_poles`), then one finiteness test for the run. A run that went non-finite is
    /// replayed from the same past and excitation with the per-sample guard, so the numbers are
    /// those of the guarded loop either way.
    #[inline(always)]
    fn filter_noise(&mut self, out: &mut [f32]) {
        let length = out.len().min(RUN);
        let out = &mut out[..length];
        let mut taps = [0.0f32; POLES];
        taps.copy_from_slice(&self.coefficients[1..=POLES]);
        // Uniform noise has variance 1/3: this scale gives the excitation unit variance.
        let scale = self.gain;
        let excitation = &mut self.excitation[..length];
        // The generator's own loop (eight streams side by side), apart from the filter's.
        self.noise.fill(excitation);
        for e in excitation.iter_mut() {
            *e = *e * scale * 1.732;
        }
        let mut past = [0.0f32; POLES];
        past.copy_from_slice(&self.outputs[RUN..]);
        run_poles(&taps, &mut self.outputs, excitation, out, self.wide);
        if !crate::dsp::sanitize::all_finite(out) {
            // Rare (a non-finite voice): the run again from where it started, guarded.
            self.outputs[RUN..].copy_from_slice(&past);
            run_poles_guarded(&taps, &mut self.outputs, excitation, out, self.wide);
        }
        // The newest `POLES` outputs become the past of the next run.
        self.outputs
            .copy_within(RUN - length..RUN - length + POLES, RUN);
    }

    #[inline(always)]
    fn analyse(&mut self) {
        let end = self.history.written();
        self.history.copy_ending_at(end, &mut self.analysis);
        for (x, w) in self.analysis.iter_mut().zip(&self.window) {
            *x *= w;
        }
        let order = self.order;
        autocorrelate(&self.analysis, &mut self.autocorrelation[..=order]);
        // A little white-noise floor keeps the recursion well conditioned.
        self.autocorrelation[0] *= 1.0001;
        let mut next = [0.0f32; MAX_ORDER + 1];
        match levinson(&self.autocorrelation[..=order], &mut next[..=order]) {
            Some(error) => {
                self.coefficients = next;
                // Window energy of a Hamming window is about 0.4 of its length.
                self.gain = (error / (0.4 * self.analysis.len() as f32)).sqrt();
            }
            None => self.gain = 0.0,
        }
    }
}

/// The recursion of `Whisper::filter_noise` over `excitation` (at most `RUN` samples), its
/// outputs written to `out` and, newest first, downwards from `outputs[RUN - 1]` (the past at
/// `RUN..`): with no test per sample (the caller tests the run). The 256-bit dot product where
/// `wide` (the CPU has AVX2), chosen once per run, not per sample.
#[inline(always)]
fn run_poles(
    taps: &[f32; POLES],
    outputs: &mut [f32; RUN + POLES],
    excitation: &[f32],
    out: &mut [f32],
    wide: bool,
) {
    #[cfg(target_arch = "x86_64")]
    if wide {
        // SAFETY: `wide` is set only where the CPU has AVX2 (`dsp::wide::available`).
        unsafe { run_poles_avx2(taps, outputs, excitation, out) };
        return;
    }
    let _ = wide;
    run_poles_with(taps, outputs, excitation, out, false, dot_poles_portable);
}

/// `run_poles` compiled with AVX2, its dot product inlined.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
#[inline]
fn run_poles_avx2(
    taps: &[f32; POLES],
    outputs: &mut [f32; RUN + POLES],
    excitation: &[f32],
    out: &mut [f32],
) {
    run_poles_with(taps, outputs, excitation, out, false, |taps, past| {
        dot_poles_avx2(taps, past)
    });
}

/// `run_poles` with the per-sample guard: a non-finite output clears the past and gives 0
/// (a NaN would otherwise ring in the filter forever).
#[cold]
#[inline(never)]
fn run_poles_guarded(
    taps: &[f32; POLES],
    outputs: &mut [f32; RUN + POLES],
    excitation: &[f32],
    out: &mut [f32],
    wide: bool,
) {
    run_poles_with(taps, outputs, excitation, out, true, |taps, past| {
        dot_poles(taps, past, wide)
    });
}

/// The recursion itself, `dot` the predictor's dot product; `GUARDED` as `run_poles_guarded`.
#[inline(always)]
fn run_poles_with(
    taps: &[f32; POLES],
    outputs: &mut [f32; RUN + POLES],
    excitation: &[f32],
    out: &mut [f32],
    guarded: bool,
    dot: impl Fn(&[f32; POLES], &[f32; POLES]) -> f32,
) {
    let length = excitation.len().min(out.len()).min(RUN);
    #[allow(
        clippy::needless_range_loop,
        reason = "an iterator over `excitation` compiles this loop about 3 instructions a sample \
                  longer (callgrind)"
    )]
    for n in 0..length {
        let position = RUN - 1 - n;
        let (newer, past) = outputs.split_at_mut(position + 1);
        let Some(past) = past.first_chunk_mut::<POLES>() else {
            break;
        };
        let mut y = excitation[n] - dot(taps, past);
        if guarded && !y.is_finite() {
            *past = [0.0; POLES];
            y = 0.0;
        }
        newer[position] = y;
    }
    // The outputs in time order: the ring's newest-first run read backwards (one vector loop
    // instead of a second store per sample in the recursion).
    for (y, &x) in out[..length]
        .iter_mut()
        .zip(outputs[RUN - length..RUN].iter().rev())
    {
        *y = x;
    }
}

/// The predictor's taps times the past outputs, in eight lanes started from the first eight
/// products, the lanes summed in halves; in 256-bit vectors where `wide` (the CPU has AVX2),
/// the same operations per lane either way (no FMA), so the same numbers.
#[inline(always)]
fn dot_poles(taps: &[f32; POLES], past: &[f32; POLES], wide: bool) -> f32 {
    #[cfg(target_arch = "x86_64")]
    if wide {
        // SAFETY: `wide` is set only where the CPU has AVX2 (`dsp::wide::available`).
        return unsafe { dot_poles_avx2(taps, past) };
    }
    let _ = wide;
    dot_poles_portable(taps, past)
}

/// `dot_poles` in plain lanes (compilers pair these lanes into 64-bit halves, hence the
/// explicit vector build below).
#[inline(always)]
fn dot_poles_portable(taps: &[f32; POLES], past: &[f32; POLES]) -> f32 {
    let mut lanes = [0.0f32; 8];
    for k in 0..8 {
        lanes[k] = taps[k] * past[k];
    }
    for (t, p) in taps[8..].chunks_exact(8).zip(past[8..].chunks_exact(8)) {
        for k in 0..8 {
            lanes[k] += t[k] * p[k];
        }
    }
    crate::dsp::wide::sum_lanes(lanes)
}

/// `dot_poles` in 256-bit vectors: three products of eight, added lane by lane, then the
/// halves, then (0 + 2) + (1 + 3), as the portable lanes.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
#[inline]
fn dot_poles_avx2(taps: &[f32; POLES], past: &[f32; POLES]) -> f32 {
    use crate::dsp::wide::avx2::{sum_lanes, vector};
    use std::arch::x86_64::{__m256, _mm256_add_ps, _mm256_mul_ps};
    let eight =
        |chunk: &[f32]| -> __m256 { vector(<[f32; 8]>::try_from(chunk).unwrap_or([0.0; 8])) };
    let product = |k: usize| _mm256_mul_ps(eight(&taps[k..k + 8]), eight(&past[k..k + 8]));
    sum_lanes(_mm256_add_ps(
        _mm256_add_ps(product(0), product(8)),
        product(16),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A vowel-like pulse train at 140 Hz through one resonance at 700 Hz.
    fn vowel(sample_rate: f32, samples: usize) -> Vec<f32> {
        let period = (sample_rate / 140.0) as usize;
        let (r, theta) = (0.995f32, std::f32::consts::TAU * 700.0 / sample_rate);
        let (mut y1, mut y2) = (0.0f32, 0.0f32);
        (0..samples)
            .map(|i| {
                let x = if i % period == 0 { 0.2 } else { 0.0 };
                let y = x + 2.0 * r * theta.cos() * y1 - r * r * y2;
                (y2, y1) = (y1, y);
                y * 0.05
            })
            .collect()
    }

    #[test]
    fn any_run_lengths_give_the_samples_one_by_one() {
        for sample_rate in [16_000.0, 44_100.0, 48_000.0, 96_000.0] {
            let voice = vowel(sample_rate, 12_000);
            let mut one = Whisper::default();
            one.prepare(sample_rate);
            let expected: Vec<f32> = voice.iter().map(|&x| one.process(x)).collect();
            let mut block = Whisper::default();
            block.prepare(sample_rate);
            let mut got = vec![0.0f32; voice.len()];
            let mut start = 0;
            for length in [1usize, 300, 17, 256, 1_000, 479, 481].iter().cycle() {
                if start >= voice.len() {
                    break;
                }
                let end = (start + length).min(voice.len());
                block.process_block(&voice[start..end], &mut got[start..end]);
                start = end;
            }
            assert!(expected.iter().any(|&x| x != 0.0));
            for (i, (a, b)) in got.iter().zip(&expected).enumerate() {
                assert_eq!(a.to_bits(), b.to_bits(), "{sample_rate} Hz, sample {i}");
            }
        }
    }

    /// Long-term level in dB of `signal` in third-octave bands from 200 Hz to 12.7 kHz (Hann
    /// frames of 2048, half overlapping).
    fn third_octave_levels(signal: &[f32], sample_rate: f32) -> Vec<f32> {
        const FRAME: usize = 2_048;
        let fft = realfft::RealFftPlanner::<f32>::new().plan_fft_forward(FRAME);
        let mut power = vec![0.0f64; FRAME / 2 + 1];
        let mut start = 0;
        while start + FRAME <= signal.len() {
            let mut frame: Vec<f32> = (0..FRAME)
                .map(|i| {
                    let hann = 0.5 - 0.5 * (std::f32::consts::TAU * i as f32 / FRAME as f32).cos();
                    signal[start + i] * hann
                })
                .collect();
            let mut spectrum = fft.make_output_vec();
            fft.process(&mut frame, &mut spectrum).expect("fft");
            for (p, c) in power.iter_mut().zip(&spectrum) {
                *p += c.norm_sqr() as f64;
            }
            start += FRAME / 2;
        }
        (0..19)
            .map(|band| {
                let centre = 200.0 * 2f32.powf(band as f32 / 3.0);
                let (low, high) = (
                    centre * 2f32.powf(-1.0 / 6.0),
                    centre * 2f32.powf(1.0 / 6.0),
                );
                let bin = |hz: f32| (hz / sample_rate * FRAME as f32) as usize;
                let energy: f64 = power[bin(low)..bin(high).max(bin(low) + 1)].iter().sum();
                10.0 * (energy.max(1.0e-30) as f32).log10()
            })
            .collect()
    }

    /// The whisper of `voice` with the envelope re-estimated every `hop_seconds`.
    fn whisper_with_hop(voice: &[f32], sample_rate: f32, hop_seconds: f32) -> Vec<f32> {
        let mut whisper = Whisper::default();
        whisper.prepare(sample_rate);
        whisper.hop = (sample_rate * hop_seconds) as usize;
        let mut out = vec![0.0f32; voice.len()];
        whisper.process_block(voice, &mut out);
        out
    }

    #[test]
    fn the_whisper_keeps_the_voices_resonance_at_any_analysis_hop() {
        for sample_rate in [44_100.0, 48_000.0, 96_000.0] {
            let voice = vowel(sample_rate, (sample_rate * 2.0) as usize);
            let every_10_ms =
                third_octave_levels(&whisper_with_hop(&voice, sample_rate, 0.01), sample_rate);
            let every_20_ms =
                third_octave_levels(&whisper_with_hop(&voice, sample_rate, 0.02), sample_rate);
            let input = third_octave_levels(&voice, sample_rate);
            // The loudest band of the whisper is the vowel's (its 700 Hz resonance), whatever hop.
            let loudest = |levels: &[f32]| {
                (0..levels.len())
                    .max_by(|&a, &b| levels[a].total_cmp(&levels[b]))
                    .unwrap_or(0)
            };
            assert_eq!(loudest(&every_20_ms), loudest(&input), "{sample_rate} Hz");
            assert_eq!(loudest(&every_10_ms), loudest(&input), "{sample_rate} Hz");
            let deviation = every_10_ms
                .iter()
                .zip(&every_20_ms)
                .map(|(a, b)| (a - b).abs())
                .fold(0.0f32, f32::max);
            println!("{sample_rate} Hz: largest third-octave difference 10 ms vs 20 ms hop {deviation:.2} dB");
            assert!(deviation < 1.5, "{sample_rate} Hz: {deviation} dB");
        }
    }

    #[test]
    fn the_whisper_of_a_sung_phrase_keeps_its_spectrum_at_a_20_ms_hop() {
        use crate::dsp::synthetic_singer::{sing, test_phrase, SingerConfig};
        let sample_rate = 48_000.0;
        let voice = sing(&test_phrase(57.0), &SingerConfig::default()).samples;
        let every_10_ms =
            third_octave_levels(&whisper_with_hop(&voice, sample_rate, 0.01), sample_rate);
        let every_20_ms =
            third_octave_levels(&whisper_with_hop(&voice, sample_rate, 0.02), sample_rate);
        let deviation = every_10_ms
            .iter()
            .zip(&every_20_ms)
            .map(|(a, b)| (a - b).abs())
            .fold(0.0f32, f32::max);
        println!(
            "sung phrase: largest third-octave difference 10 ms vs 20 ms hop {deviation:.2} dB"
        );
        assert!(deviation < 1.5, "{deviation} dB");
    }

    #[test]
    fn a_non_finite_voice_is_forgotten_and_the_whisper_resumes() {
        let sample_rate = 48_000.0;
        let mut voice = vowel(sample_rate, 9_600);
        voice[2_000..2_010].fill(f32::NAN);
        let mut whisper = Whisper::default();
        whisper.prepare(sample_rate);
        let mut out = vec![0.0f32; voice.len()];
        whisper.process_block(&voice, &mut out);
        assert!(out.iter().all(|x| x.is_finite()));
        // Once the NaN has left the 20 ms analysis window, the whisper sounds again.
        let tail = &out[5_000..];
        let rms = (tail.iter().map(|x| x * x).sum::<f32>() / tail.len() as f32).sqrt();
        assert!(rms > 1.0e-4, "rms {rms}");
    }
}
