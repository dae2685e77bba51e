//! The lead's shifter on notes sung on pitch, and harmony voices that follow the Pitch offset.
//!
//! - A note sung within ±1 cent of a scale tone, with correction on: the shift the correction
//!   needs hovers around zero. The output's level (against the input's, per 10 ms) must not dip
//!   by more than 0.5 dB anywhere after the note's first period: the chain must not flip
//!   between the shifter and the dry voice (each flip's crossfade dipped the level). On the
//!   synthetic singer at 48 kHz and on a pure tone at 44.1 kHz.
//! - One diatonic harmony voice over a held note of known f0, heard alone: with the Pitch
//!   offset at +12 and at -5 semitones the voice's measured f0 moves by exactly that much.

use daiw::dsp::harmony::{HarmonyMode, Listen};
use daiw::dsp::pitch_detector::PitchDetector;
use daiw::dsp::synthetic_singer::{sing, GapKind, Segment, SingerConfig};
use daiw::dsp::{VoiceChain, VoiceSettings};
use daiw::music::theory::{PitchClass, ScaleKind};

/// Analysis window for the level comparison, in periods of the note: whole periods, so the
/// windows of the input and of the output (whose phase PSOLA moves) hold the same waveform.
const WINDOW_PERIODS: f32 = 5.0;
/// Largest dip of the output's level against the input's (dB).
const MAX_DIP_DB: f32 = 0.5;

fn tuned(retune_ms: f32) -> VoiceSettings {
    let mut s = VoiceSettings::default();
    s.tune.enabled = true;
    s.tune.key = PitchClass::A;
    s.tune.scale = ScaleKind::Minor;
    s.tune.retune_ms = retune_ms;
    s.tune.humanize = 0.0;
    s.tune.vibrato = 0.0;
    s
}

/// `input` through a chain with `settings` in blocks of 256, mono.
fn render(input: &[f32], sample_rate: f32, settings: &VoiceSettings) -> (Vec<f32>, usize) {
    let mut chain = VoiceChain::default();
    chain.set_settings(settings);
    chain.prepare(sample_rate, 256);
    let mut out = input.to_vec();
    for block in out.chunks_mut(256) {
        chain.process(&mut [block]);
    }
    (out, chain.latency_samples())
}

fn rms_db(x: &[f32]) -> f32 {
    let power = x.iter().map(|v| v * v).sum::<f32>() / x.len().max(1) as f32;
    10.0 * (power + 1.0e-20).log10()
}

/// The output's level against the input's (dB) per window over input samples `range`, windows
/// one period (`hop`) apart, and the median of those.
fn level_ratios(
    input: &[f32],
    output: &[f32],
    latency: usize,
    range: std::ops::Range<usize>,
    (window, hop): (usize, usize),
) -> (Vec<(usize, f32)>, f32) {
    let mut ratios = Vec::new();
    let mut start = range.start;
    while start + window <= range.end {
        let sung = &input[start..start + window];
        let heard = &output[start + latency..start + latency + window];
        ratios.push((start, rms_db(heard) - rms_db(sung)));
        start += hop;
    }
    let mut sorted: Vec<f32> = ratios.iter().map(|r| r.1).collect();
    sorted.sort_by(f32::total_cmp);
    let median = sorted[sorted.len() / 2];
    (ratios, median)
}

/// Asserts no window of the note `range` (at `f0`) dips more than `MAX_DIP_DB` below the
/// median level.
fn assert_no_dip(
    name: &str,
    input: &[f32],
    sample_rate: f32,
    f0: f32,
    range: std::ops::Range<usize>,
) {
    for retune_ms in [0.0, 20.0] {
        let (output, latency) = render(input, sample_rate, &tuned(retune_ms));
        let period = sample_rate / f0;
        let window = (
            (WINDOW_PERIODS * period).round() as usize,
            period.round() as usize,
        );
        let (ratios, median) = level_ratios(input, &output, latency, range.clone(), window);
        let worst = ratios
            .iter()
            .map(|r| r.1 - median)
            .fold(f32::INFINITY, f32::min);
        println!(
            "{name}, retune {retune_ms} ms: level {median:+.2} dB against the input, worst \
             window {worst:+.2} dB"
        );
        if std::env::var_os("DAIW_PRINT_LEVELS").is_some() {
            for (start, ratio) in &ratios {
                println!(
                    "{:.3} s {:+.2} dB",
                    *start as f32 / sample_rate,
                    ratio - median
                );
            }
        }
        for (start, ratio) in &ratios {
            assert!(
                ratio - median >= -MAX_DIP_DB,
                "{name}, retune {retune_ms} ms: {:.3} s dips {:.2} dB",
                *start as f32 / sample_rate,
                ratio - median
            );
        }
    }
}

#[test]
fn a_note_sung_on_pitch_keeps_its_level() {
    // A3 (a scale tone of A minor) with ±1 cent of vibrato, after a breath.
    let sample_rate = 48_000.0;
    let performance = sing(
        &[
            Segment::Gap {
                seconds: 0.2,
                kind: GapKind::Breath,
            },
            Segment::Note {
                midi: 57.0,
                seconds: 1.5,
                vibrato_cents: 1.0,
                vibrato_hz: 5.0,
            },
            Segment::Gap {
                seconds: 0.2,
                kind: GapKind::Silence,
            },
        ],
        &SingerConfig {
            jitter: 0.0,
            shimmer: 0.0,
            ..SingerConfig::default()
        },
    );
    let input = performance.samples;
    // The note's first period (and the detector's first frames) are left out, and its release.
    let period = (sample_rate / 220.0) as usize;
    let start = (0.2 * sample_rate) as usize + period + (0.05 * sample_rate) as usize;
    let end = (1.6 * sample_rate) as usize;
    assert_no_dip("singer A3 ±1 cent", &input, sample_rate, 220.0, start..end);
}

#[test]
fn a_tone_on_pitch_keeps_its_level() {
    // E5 (659.26 Hz), a pure tone drifting ±1 cent at 3 Hz, at 44.1 kHz.
    let sample_rate = 44_100.0;
    let f0 = 440.0 * 2f32.powf(7.0 / 12.0);
    let mut phase = 0.0f64;
    let input: Vec<f32> = (0..(1.5 * sample_rate) as usize)
        .map(|i| {
            let t = i as f32 / sample_rate;
            let cents = (std::f32::consts::TAU * 3.0 * t).sin();
            phase += (f0 * 2f32.powf(cents / 1200.0) / sample_rate) as f64;
            0.3 * (std::f64::consts::TAU * phase).sin() as f32
        })
        .collect();
    let start = (0.06 * sample_rate) as usize;
    let end = input.len() - (0.02 * sample_rate) as usize;
    assert_no_dip("tone E5 ±1 cent", &input, sample_rate, f0, start..end);
}

/// Median f0 of `signal` over its voiced frames between `from` and `to` seconds.
fn median_f0(signal: &[f32], sample_rate: f32, from: f64, to: f64) -> f32 {
    let mut detector = PitchDetector::default();
    detector.prepare(sample_rate, 480);
    let mut f0s: Vec<f32> = signal
        .iter()
        .filter_map(|&x| detector.push(x))
        .filter(|f| f.is_voiced())
        .filter(|f| (from..to).contains(&(f.time / sample_rate as f64)))
        .map(|f| f.f0)
        .collect();
    assert!(f0s.len() > 20, "only {} voiced frames", f0s.len());
    f0s.sort_by(f32::total_cmp);
    f0s[f0s.len() / 2]
}

/// The first harmony voice alone over a held A3, with the Pitch offset at `offset` semitones:
/// its measured f0 and the note it aims at.
fn voice_alone(offset: f32) -> (f32, i32) {
    let sample_rate = 48_000.0;
    let performance = sing(
        &[Segment::Note {
            midi: 57.0,
            seconds: 1.2,
            vibrato_cents: 0.0,
            vibrato_hz: 5.0,
        }],
        &SingerConfig::default(),
    );
    let mut s = tuned(0.0);
    s.pitch_semitones = offset;
    s.harmony.voices = 1;
    s.harmony.mode = HarmonyMode::Diatonic;
    s.harmony.level = 1.0;
    s.harmony.listen = Listen::Voice(0);
    let mut chain = VoiceChain::default();
    chain.set_settings(&s);
    chain.prepare(sample_rate, 256);
    let mut out = performance.samples.clone();
    let mut note = None;
    for block in out.chunks_mut(256) {
        chain.process(&mut [block]);
        note = note.or(chain.harmony_notes()[0]);
    }
    let note = note.expect("the voice chose a note");
    (median_f0(&out, sample_rate, 0.3, 1.1), note)
}

#[test]
fn harmony_voices_move_with_the_pitch_offset() {
    let (unshifted, note) = voice_alone(0.0);
    let expected = 440.0 * 2f32.powf((note - 69) as f32 / 12.0);
    let cents = 1200.0 * (unshifted / expected).log2();
    println!("voice at offset 0: {unshifted:.2} Hz, note {note} ({expected:.2} Hz), {cents:+.1} c");
    assert!(
        cents.abs() < 10.0,
        "offset 0: {cents} cents from note {note}"
    );
    for offset in [12.0f32, -5.0] {
        let (shifted, same_note) = voice_alone(offset);
        assert_eq!(
            same_note, note,
            "the voicing follows the sung note, not the offset"
        );
        let moved = 1200.0 * (shifted / unshifted).log2();
        println!("voice at offset {offset:+}: {shifted:.2} Hz, moved {moved:+.1} c");
        assert!(
            (moved - 100.0 * offset).abs() < 10.0,
            "offset {offset}: the voice moved {moved} cents"
        );
    }
}
