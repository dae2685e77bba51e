//! The pitch shifter on plain periodic input, through the whole `VoiceChain` as a host runs it
//! (the chain's own detector feeds the shifter): sines 60-1100 Hz, band-limited sawtooth and
//! pulse trains and the synthetic singer, shifted -24..+24 semitones.
//!
//! Every output is measured against what the input was built to be, not against the shifter's
//! own analysis: DC relative to the peak, level relative to the input, the strongest spectral
//! component and the period (autocorrelation) against the expected f0, and the level of every
//! output period (a gap or a doubled period shows as a period far off the median).
//! `cargo test --test shifter_periodic -- --nocapture` prints the table.

use daiw::dsp::synthetic_singer::{sing, GapKind, Segment, SingerConfig, Vowel};
use daiw::dsp::{VoiceChain, VoiceSettings};
use realfft::RealFftPlanner;

const SAMPLE_RATE: f32 = 48_000.0;
/// -12 dBFS, the level of the DAW test that found the defects.
const AMPLITUDE: f32 = 0.25;
/// Length of every test signal.
const SECONDS: f32 = 1.0;
/// Output measured from this long after the shift starts (detector and level settle).
const SETTLE_SECONDS: f32 = 0.25;
const SHIFTS: [f32; 9] = [-24.0, -12.0, -7.0, -5.0, -3.0, 3.0, 7.0, 12.0, 24.0];

/// A test input and how its f0 should be judged.
struct Input {
    name: String,
    samples: Vec<f32>,
    f0: f32,
    /// Whether the fundamental must be the strongest spectral component (sines and sawtooth:
    /// their spectra fall from the fundamental, so a shifted copy's must too).
    fundamental_strongest: bool,
}

fn sine(f0: f32) -> Input {
    let samples = (0..(SECONDS * SAMPLE_RATE) as usize)
        .map(|i| {
            let phase = (f0 as f64 * i as f64 / SAMPLE_RATE as f64).fract();
            AMPLITUDE * (std::f64::consts::TAU * phase).sin() as f32
        })
        .collect();
    Input {
        name: format!("sine {f0}"),
        samples,
        f0,
        fundamental_strongest: true,
    }
}

/// Sum of harmonics below 0.45 fs with amplitudes `amplitude(k)`, scaled to peak AMPLITUDE.
fn additive(f0: f32, amplitude: impl Fn(usize) -> f64) -> Vec<f32> {
    let harmonics = (0.45 * SAMPLE_RATE / f0) as usize;
    let n = (SECONDS * SAMPLE_RATE) as usize;
    let mut out = vec![0.0f64; n];
    for k in 1..=harmonics {
        let a = amplitude(k);
        let step = std::f64::consts::TAU * k as f64 * f0 as f64 / SAMPLE_RATE as f64;
        for (i, y) in out.iter_mut().enumerate() {
            *y += a * (step * i as f64).sin();
        }
    }
    let peak = out.iter().fold(0.0f64, |m, y| m.max(y.abs()));
    out.iter()
        .map(|y| (y / peak * AMPLITUDE as f64) as f32)
        .collect()
}

fn sawtooth(f0: f32) -> Input {
    Input {
        name: format!("saw {f0}"),
        samples: additive(f0, |k| 1.0 / k as f64),
        f0,
        fundamental_strongest: true,
    }
}

/// A zero-mean train of short pulses (Hann-shaped spectrum rolling off above 2 kHz).
fn pulses(f0: f32) -> Input {
    let samples = additive(f0, |k| {
        let x = k as f64 * f0 as f64 / 4_000.0;
        if x < 1.0 {
            0.5 * (1.0 + (std::f64::consts::PI * x).cos())
        } else {
            0.0
        }
    });
    Input {
        name: format!("pulse {f0}"),
        samples,
        f0,
        fundamental_strongest: false,
    }
}

/// The synthetic singer holding one note (no vibrato), with its usual jitter and shimmer.
fn singer(midi: f32, vowel: Vowel) -> Input {
    let segments = [
        Segment::Note {
            midi,
            seconds: SECONDS - 0.05,
            vibrato_cents: 0.0,
            vibrato_hz: 5.5,
        },
        Segment::Gap {
            seconds: 0.05,
            kind: GapKind::Silence,
        },
    ];
    let performance = sing(
        &segments,
        &SingerConfig {
            sample_rate: SAMPLE_RATE,
            vowel,
            ..SingerConfig::default()
        },
    );
    let f0 = 440.0 * ((midi - 69.0) / 12.0).exp2();
    Input {
        name: format!("singer {f0:.0}"),
        samples: performance.samples.iter().map(|x| x * 0.5).collect(),
        f0,
        fundamental_strongest: false,
    }
}

fn inputs() -> Vec<Input> {
    let mut all: Vec<Input> = [60.0, 110.0, 220.0, 440.0, 880.0, 1100.0]
        .into_iter()
        .map(sine)
        .collect();
    all.push(sawtooth(110.0));
    all.push(sawtooth(330.0));
    all.push(pulses(110.0));
    all.push(pulses(330.0));
    all.push(singer(52.0, Vowel::A));
    all.push(singer(72.0, Vowel::E));
    all
}

/// Runs `input` through a chain shifting by `semitones` in 512-sample blocks.
fn shift(input: &[f32], semitones: f32, formant: f32) -> (Vec<f32>, usize) {
    let mut chain = VoiceChain::default();
    chain.set_settings(&VoiceSettings {
        pitch_semitones: semitones,
        formant_semitones: formant,
        ..VoiceSettings::default()
    });
    chain.prepare(SAMPLE_RATE, 512);
    let mut out = input.to_vec();
    for block in out.chunks_mut(512) {
        chain.process(&mut [block]);
    }
    (out, chain.latency_samples())
}

fn rms(x: &[f32]) -> f32 {
    (x.iter().map(|v| v * v).sum::<f32>() / x.len().max(1) as f32).sqrt()
}

fn db(ratio: f32) -> f32 {
    20.0 * ratio.max(1.0e-9).log10()
}

/// Frequency of the strongest spectral component above 5 Hz (Hann window, zero-padded 4x,
/// parabolic interpolation).
fn strongest_component(x: &[f32]) -> f32 {
    let n = (x.len() * 4).next_power_of_two();
    let mut planner = RealFftPlanner::<f32>::new();
    let fft = planner.plan_fft_forward(n);
    let mut buffer = vec![0.0f32; n];
    let len = x.len() as f32;
    for (i, v) in x.iter().enumerate() {
        let w = 0.5 - 0.5 * (std::f32::consts::TAU * i as f32 / len).cos();
        buffer[i] = v * w;
    }
    let mut spectrum = fft.make_output_vec();
    fft.process(&mut buffer, &mut spectrum).expect("fft");
    let magnitude: Vec<f32> = spectrum.iter().map(|c| c.norm()).collect();
    let bin_hz = SAMPLE_RATE / n as f32;
    let first = (5.0 / bin_hz).ceil() as usize;
    let best = (first..magnitude.len() - 1)
        .max_by(|&a, &b| magnitude[a].total_cmp(&magnitude[b]))
        .expect("spectrum");
    let (a, b, c) = (magnitude[best - 1], magnitude[best], magnitude[best + 1]);
    let denominator = a - 2.0 * b + c;
    let offset = if denominator.abs() > 1.0e-12 {
        0.5 * (a - c) / denominator
    } else {
        0.0
    };
    (best as f32 + offset) * bin_hz
}

/// The signal's period in Hz from its normalised autocorrelation, searched between 0.4x and
/// 2.5x the expected period: the shortest lag whose peak reaches 90 % of the best one (a
/// doubled period or an octave error picks a different lag).
fn period_f0(x: &[f32], expected_f0: f32) -> f32 {
    let n = x.len();
    let size = (2 * n).next_power_of_two();
    let mut planner = RealFftPlanner::<f64>::new();
    let forward = planner.plan_fft_forward(size);
    let inverse = planner.plan_fft_inverse(size);
    let mut buffer = vec![0.0f64; size];
    for (b, v) in buffer.iter_mut().zip(x) {
        *b = *v as f64;
    }
    let mut spectrum = forward.make_output_vec();
    forward.process(&mut buffer, &mut spectrum).expect("fft");
    for c in spectrum.iter_mut() {
        *c = realfft::num_complex::Complex::new(c.norm_sqr(), 0.0);
    }
    inverse.process(&mut spectrum, &mut buffer).expect("ifft");
    // Unbiased and normalised: r(l) = acf(l) / (n - l) / (acf(0) / n).
    let r0 = buffer[0] / n as f64;
    let r = |lag: usize| buffer[lag] / (n - lag) as f64 / r0;
    let period = SAMPLE_RATE / expected_f0;
    let lo = ((0.4 * period) as usize).max(2);
    let hi = ((2.5 * period) as usize).min(n / 2);
    let peaks: Vec<usize> = (lo..hi)
        .filter(|&l| r(l) >= r(l - 1) && r(l) > r(l + 1))
        .collect();
    let best = peaks.iter().map(|&l| r(l)).fold(f64::MIN, f64::max);
    let Some(&lag) = peaks.iter().find(|&&l| r(l) >= 0.9 * best) else {
        return 0.0;
    };
    let (a, b, c) = (r(lag - 1), r(lag), r(lag + 1));
    let denominator = a - 2.0 * b + c;
    let offset = if denominator.abs() > 1.0e-12 {
        0.5 * (a - c) / denominator
    } else {
        0.0
    };
    SAMPLE_RATE / (lag as f64 + offset) as f32
}

/// Lowest and highest level of the output periods in `x`, in dB relative to `reference_rms`.
fn period_levels(x: &[f32], f0: f32, reference_rms: f32) -> (f32, f32) {
    // Slices start at fractional multiples of the period, so a short pulse keeps its place in
    // its slice instead of drifting across the boundary.
    let period = (SAMPLE_RATE / f0) as f64;
    let count = (x.len() as f64 / period).floor() as usize;
    let levels: Vec<f32> = (0..count)
        .map(|j| {
            let start = (j as f64 * period).round() as usize;
            let end = (((j + 1) as f64 * period).round() as usize).min(x.len());
            db(rms(&x[start..end]) / reference_rms)
        })
        .collect();
    let lo = levels.iter().copied().fold(f32::MAX, f32::min);
    let hi = levels.iter().copied().fold(f32::MIN, f32::max);
    (lo, hi)
}

/// The signal's 0 Hz component: its Hann-weighted mean. A plain mean would count part of any
/// cycle the window cuts (a sparse pulse train's cut cycle reads as percent of DC); the Hann
/// window's leakage from 15 Hz and up over this length is below 1e-5.
fn dc(x: &[f32]) -> f32 {
    let len = x.len() as f64;
    let (mut sum, mut weight) = (0.0f64, 0.0f64);
    for (i, v) in x.iter().enumerate() {
        let w = 0.5 - 0.5 * (std::f64::consts::TAU * i as f64 / len).cos();
        sum += w * *v as f64;
        weight += w;
    }
    (sum / weight) as f32
}

/// What the table prints for one input and shift.
struct Measurement {
    dc_percent: f32,
    level_db: f32,
    strongest_hz: f32,
    period_hz: f32,
    period_low_db: f32,
    period_high_db: f32,
}

fn measure(input: &Input, semitones: f32, formant: f32) -> Measurement {
    let (out, latency) = shift(&input.samples, semitones, formant);
    let expected = input.f0 * (semitones / 12.0).exp2();
    let start = latency + (SETTLE_SECONDS * SAMPLE_RATE) as usize;
    let end = out.len() - (0.06 * SAMPLE_RATE) as usize;
    // Whole output periods, so a tone's own cycles do not read as DC.
    let period = SAMPLE_RATE / expected;
    let end = start + ((((end - start) as f32 / period).floor() * period).round() as usize);
    let window = &out[start..end];
    let source = &input.samples[start - latency..end - latency];
    let peak = window.iter().fold(0.0f32, |m, x| m.max(x.abs()));
    let mean = dc(window);
    let (period_low_db, period_high_db) = period_levels(window, expected, rms(source));
    Measurement {
        dc_percent: 100.0 * mean.abs() / peak.max(1.0e-9),
        level_db: db(rms(window) / rms(source)),
        strongest_hz: strongest_component(window),
        period_hz: period_f0(window, expected),
        period_low_db,
        period_high_db,
    }
}

fn cents(a: f32, b: f32) -> f32 {
    1200.0 * (a / b).log2()
}

/// Checks one measurement; returns the failures as text.
fn judge(input: &Input, semitones: f32, m: &Measurement) -> Vec<String> {
    let expected = input.f0 * (semitones / 12.0).exp2();
    let mut failures = Vec::new();
    if m.dc_percent > 0.1 {
        failures.push(format!("DC {:.3} % of peak", m.dc_percent));
    }
    if m.level_db.abs() > 1.0 {
        failures.push(format!("level {:+.2} dB", m.level_db));
    }
    // Half a bin of the analysis window or 20 cents, whichever is wider.
    let tolerance_cents = 20.0f32.max(cents(expected + 1.0, expected));
    if input.fundamental_strongest && cents(m.strongest_hz, expected).abs() > tolerance_cents {
        failures.push(format!("strongest component {:.1} Hz", m.strongest_hz));
    }
    if cents(m.period_hz, expected).abs() > tolerance_cents {
        failures.push(format!("period {:.1} Hz", m.period_hz));
    }
    // Every output period within 1 dB of the input level for steady tones and pulse trains.
    // The singer's shimmer (3 %) and jitter move single periods more, so only gaps and doubled
    // periods (6 dB) count there.
    let spread = if input.name.starts_with("singer") {
        6.0
    } else {
        1.0
    };
    if m.period_low_db < -spread || m.period_high_db > spread {
        failures.push(format!(
            "period levels {:+.1}..{:+.1} dB",
            m.period_low_db, m.period_high_db
        ));
    }
    failures
}

fn run_table(formant: f32) -> Vec<String> {
    println!(
        "formant {formant:+} st\n{:<12} {:>6} {:>9} {:>8} {:>10} {:>10} {:>10} {:>13}",
        "input", "shift", "expected", "DC %", "level dB", "strongest", "period", "periods dB"
    );
    let mut failures = Vec::new();
    for input in inputs() {
        for semitones in SHIFTS {
            let m = measure(&input, semitones, formant);
            let expected = input.f0 * (semitones / 12.0).exp2();
            println!(
                "{:<12} {:>+6} {:>9.1} {:>8.4} {:>+10.2} {:>10.1} {:>10.1} {:>+6.1}..{:>+5.1}",
                input.name,
                semitones,
                expected,
                m.dc_percent,
                m.level_db,
                m.strongest_hz,
                m.period_hz,
                m.period_low_db,
                m.period_high_db
            );
            for failure in judge(&input, semitones, &m) {
                failures.push(format!(
                    "{} {semitones:+} st (formant {formant:+}): {failure}",
                    input.name
                ));
            }
        }
    }
    failures
}

#[test]
fn periodic_inputs_shift_cleanly() {
    let failures = run_table(0.0);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn periodic_inputs_shift_cleanly_with_formant_shifts() {
    let mut failures = run_table(-3.0);
    failures.extend(run_table(3.0));
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
