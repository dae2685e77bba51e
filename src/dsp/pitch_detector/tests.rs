//! Detector unit tests: tones across the range and sample rates, silence and noise, runs
//! against samples, non-finite input.
use super::*;

fn detect(signal: &[f32], sample_rate: f32) -> Vec<PitchFrame> {
    let mut detector = PitchDetector::default();
    detector.prepare(sample_rate, (sample_rate * 0.01) as usize);
    signal.iter().filter_map(|&x| detector.push(x)).collect()
}

fn harmonic_tone(f0: f32, sample_rate: f32, seconds: f32) -> Vec<f32> {
    let n = (sample_rate * seconds) as usize;
    (0..n)
        .map(|i| {
            let t = i as f32 / sample_rate;
            (1..=8)
                .map(|h| (2.0 * std::f32::consts::PI * f0 * h as f32 * t).sin() / h as f32)
                .sum::<f32>()
                * 0.3
        })
        .collect()
}

fn cents(a: f32, b: f32) -> f32 {
    1200.0 * (a / b).log2()
}

#[test]
fn finds_steady_tones_across_the_range_and_rates() {
    for &sample_rate in &[22_050.0, 44_100.0, 48_000.0, 96_000.0] {
        for &f0 in &[65.0, 110.0, 220.0, 440.0, 880.0, 1050.0] {
            let frames = detect(&harmonic_tone(f0, sample_rate, 0.5), sample_rate);
            let voiced: Vec<_> = frames.iter().skip(20).collect();
            assert!(
                voiced.iter().all(|f| f.is_voiced()),
                "{f0} Hz at {sample_rate}: unvoiced frames"
            );
            for frame in voiced {
                let error = cents(frame.f0, f0).abs();
                assert!(
                    error < 2.0,
                    "{f0} Hz at {sample_rate}: {} Hz ({error} cents)",
                    frame.f0
                );
            }
        }
    }
}

#[test]
fn silence_and_noise_are_not_voiced() {
    let frames = detect(&vec![0.0; 48_000], 48_000.0);
    assert!(frames.iter().all(|f| f.voicing == Voicing::Silence));
    let mut noise = super::super::noise::WhiteNoise::new(3);
    let noisy: Vec<f32> = (0..48_000).map(|_| noise.next_value() * 0.3).collect();
    let frames = detect(&noisy, 48_000.0);
    let voiced = frames.iter().filter(|f| f.is_voiced()).count();
    assert!(
        voiced * 20 < frames.len(),
        "{voiced} of {} noise frames voiced",
        frames.len()
    );
}

#[test]
fn slices_give_the_frames_samples_give() {
    let mut signal = harmonic_tone(233.0, 44_100.0, 0.6);
    signal[5_000] = f32::NAN;
    let mut one = PitchDetector::default();
    let mut sliced = PitchDetector::default();
    one.prepare(44_100.0, 441);
    sliced.prepare(44_100.0, 441);
    let expected: Vec<(usize, PitchFrame)> = signal
        .iter()
        .enumerate()
        .filter_map(|(i, &x)| one.push(x).map(|frame| (i, frame)))
        .collect();
    let mut got = Vec::new();
    let mut start = 0;
    for length in [1usize, 700, 3, 90, 256].iter().cycle() {
        if start >= signal.len() {
            break;
        }
        let end = (start + length).min(signal.len());
        let mut i = start;
        while i < end {
            let (taken, frame) = sliced.push_slice(&signal[i..end]);
            assert!(taken >= 1);
            i += taken;
            if let Some(frame) = frame {
                got.push((i - 1, frame));
            }
        }
        start = end;
    }
    assert_eq!(got, expected);
}

#[test]
fn survives_non_finite_input() {
    let mut signal = harmonic_tone(220.0, 48_000.0, 0.3);
    for x in signal.iter_mut().step_by(97) {
        *x = f32::NAN;
    }
    let frames = detect(&signal, 48_000.0);
    assert!(frames
        .iter()
        .all(|f| f.f0.is_finite() && f.level_db.is_finite()));
}

/// A harmonic tone (phase continuous) at `from` Hz, leaping to `to` Hz halfway.
fn leap(from: f32, to: f32, sample_rate: f32, seconds: f32) -> Vec<f32> {
    let n = (sample_rate * seconds) as usize;
    let mut phase = 0.0f64;
    (0..n)
        .map(|i| {
            let f0 = if i < n / 2 { from } else { to };
            phase = (phase + f0 as f64 / sample_rate as f64).fract();
            (1..=8)
                .map(|h| (std::f64::consts::TAU * phase * h as f64).sin() as f32 / h as f32)
                .sum::<f32>()
                * 0.3
        })
        .collect()
}

/// Frames of `signal` from a detector with the narrow search on or off, and how many hops the
/// narrow search decided.
fn detect_with(signal: &[f32], sample_rate: f32, narrow: bool) -> (Vec<PitchFrame>, usize) {
    let mut detector = PitchDetector::default();
    detector.prepare(sample_rate, (sample_rate * 0.01) as usize);
    detector.narrow_search = narrow;
    let frames = signal.iter().filter_map(|&x| detector.push(x)).collect();
    (frames, detector.narrow_hops)
}

/// The frames of the narrow and the full search agree: the same voicing in every hop and the
/// same f0 (the coarse lags differ only by the rounding of FFT against direct sums).
fn assert_same_frames(narrow: &[PitchFrame], full: &[PitchFrame], what: &str) {
    assert_eq!(narrow.len(), full.len());
    for (hop, (a, b)) in narrow.iter().zip(full).enumerate() {
        assert_eq!(a.voicing, b.voicing, "{what}: hop {hop}");
        if a.is_voiced() {
            let error = cents(a.f0, b.f0).abs();
            assert!(error < 0.01, "{what}: hop {hop}: {} / {} Hz", a.f0, b.f0);
        }
    }
}

#[test]
fn leaps_are_tracked_in_the_same_hops_with_the_narrow_search() {
    let leaps = [
        (220.0, 440.0),
        (440.0, 220.0),
        (220.0, 330.0),
        (330.0, 220.0),
        (196.0, 247.0),
        (247.0, 196.0),
        (110.0, 880.0),
        (700.0, 150.0),
    ];
    for sample_rate in [44_100.0, 48_000.0, 96_000.0] {
        for (from, to) in leaps {
            let what = format!("{from} -> {to} Hz at {sample_rate}");
            let signal = leap(from, to, sample_rate, 0.6);
            let (narrow, hops) = detect_with(&signal, sample_rate, true);
            let (full, _) = detect_with(&signal, sample_rate, false);
            assert_same_frames(&narrow, &full, &what);
            // The narrow search decides the steady stretches...
            assert!(
                hops * 2 > narrow.len(),
                "{what}: {hops} of {}",
                narrow.len()
            );
            // ...and both reach the new note.
            let last = narrow.last().map_or(0.0, |frame| frame.f0);
            assert!(cents(last, to).abs() < 2.0, "{what}: ends at {last} Hz");
        }
    }
}

#[test]
fn the_narrow_search_agrees_on_a_sung_phrase_and_in_noise() {
    use crate::dsp::synthetic_singer::{sing, test_phrase, SingerConfig};
    let sample_rate = 48_000.0;
    let phrase = sing(&test_phrase(57.0), &SingerConfig::default()).samples;
    let (narrow, hops) = detect_with(&phrase, sample_rate, true);
    let (full, _) = detect_with(&phrase, sample_rate, false);
    assert_same_frames(&narrow, &full, "sung phrase");
    let voiced = narrow.iter().filter(|frame| frame.is_voiced()).count();
    println!("narrow search decided {hops} of {voiced} voiced hops");
    let mut noise = super::super::noise::WhiteNoise::new(5);
    let breathy: Vec<f32> = phrase
        .iter()
        .map(|&x| x + 0.05 * noise.next_value())
        .collect();
    let (narrow, _) = detect_with(&breathy, sample_rate, true);
    let (full, _) = detect_with(&breathy, sample_rate, false);
    assert_same_frames(&narrow, &full, "breathy phrase");
}
