//! Ground-truth accuracy of the voice DSP on a synthetic singer: detection, correction,
//! shifting (pitch and formants), robot, mix and torture inputs.

use daiw::dsp::correction::{cents_to_hz, hz_to_cents};
use daiw::dsp::lpc::median_formants;
use daiw::dsp::pitch_detector::PitchDetector;
use daiw::dsp::synthetic_singer::{
    sing, test_phrase, GapKind, Performance, Segment, SingerConfig, Vowel,
};
use daiw::dsp::{VoiceChain, VoiceSettings};
use daiw::music::theory::{PitchClass, ScaleKind};

/// Error statistics of a set of cent errors.
struct Stats {
    count: usize,
    within_50: f64,
    within_10: f64,
    median: f32,
}

fn stats(mut errors: Vec<f32>) -> Stats {
    assert!(!errors.is_empty(), "no frames to measure");
    for e in errors.iter_mut() {
        *e = e.abs();
    }
    errors.sort_by(f32::total_cmp);
    let n = errors.len();
    Stats {
        count: n,
        within_50: errors.iter().filter(|&&e| e <= 50.0).count() as f64 / n as f64,
        within_10: errors.iter().filter(|&&e| e <= 10.0).count() as f64 / n as f64,
        median: errors[n / 2],
    }
}

fn cents(a: f32, b: f32) -> f32 {
    1200.0 * (a / b).log2()
}

/// Runs the detector over `samples`; returns (time, f0) of voiced frames.
fn detect(samples: &[f32], sample_rate: f32) -> Vec<(f64, f32)> {
    let mut detector = PitchDetector::default();
    detector.prepare(sample_rate, (sample_rate * 0.01).round() as usize);
    samples
        .iter()
        .filter_map(|&x| detector.push(x))
        .filter(|f| f.is_voiced())
        .map(|f| (f.time, f.f0))
        .collect()
}

fn render(performance: &Performance, settings: &VoiceSettings) -> (Vec<f32>, usize) {
    let mut chain = VoiceChain::default();
    chain.set_settings(settings);
    chain.prepare(performance.sample_rate, 512);
    let mut out = performance.samples.clone();
    for block in out.chunks_mut(512) {
        chain.process(&mut [block]);
    }
    (out, chain.latency_samples())
}

#[test]
fn detection_matches_ground_truth() {
    let mut all = Vec::new();
    for (base, vowel, sample_rate) in [
        (40.0, Vowel::A, 48_000.0), // bass, 82 Hz (down to 71 Hz)
        (52.0, Vowel::U, 44_100.0), // baritone
        (60.0, Vowel::E, 48_000.0), // tenor / alto
        (69.0, Vowel::A, 96_000.0), // soprano, 440 Hz
        (72.0, Vowel::E, 48_000.0), // high soprano, up to 1 kHz
    ] {
        let performance = sing(
            &test_phrase(base),
            &SingerConfig {
                sample_rate,
                vowel,
                ..SingerConfig::default()
            },
        );
        let frames = detect(&performance.samples, sample_rate);
        let margin = 0.02 * sample_rate as f64;
        let errors: Vec<f32> = frames
            .iter()
            .filter(|(t, _)| performance.voiced_around(*t, margin))
            .map(|&(t, f0)| cents(f0, performance.f0_at(t)))
            .collect();
        let s = stats(errors.clone());
        println!(
            "base {base} @ {sample_rate}: {} frames, {:.2}% <= 50c, {:.2}% <= 10c, median {:.2}c",
            s.count,
            100.0 * s.within_50,
            100.0 * s.within_10,
            s.median
        );
        all.extend(errors);
    }
    let s = stats(all);
    println!(
        "detection overall: {} frames, {:.2}% <= 50c, {:.2}% <= 10c, median {:.2}c",
        s.count,
        100.0 * s.within_50,
        100.0 * s.within_10,
        s.median
    );
    assert!(s.within_50 >= 0.99, "{:.4} within 50 cents", s.within_50);
    assert!(s.within_10 >= 0.95, "{:.4} within 10 cents", s.within_10);
    assert!(s.median <= 2.0, "median {} cents", s.median);
}

/// Output f0 frames of `out` with the input time each describes (output time minus latency).
fn output_frames(out: &[f32], sample_rate: f32, latency: usize) -> Vec<(f64, f32)> {
    detect(out, sample_rate)
        .into_iter()
        .map(|(t, f0)| (t - latency as f64, f0))
        .collect()
}

fn note(midi: f32, seconds: f32, vibrato_cents: f32) -> Segment {
    Segment::Note {
        midi,
        seconds,
        vibrato_cents,
        vibrato_hz: 5.5,
    }
}

fn hard_tune(key: PitchClass, scale: ScaleKind) -> VoiceSettings {
    let mut settings = VoiceSettings::default();
    settings.tune.enabled = true;
    settings.tune.key = key;
    settings.tune.scale = scale;
    settings.tune.retune_ms = 0.0;
    settings.tune.amount = 1.0;
    settings.tune.humanize = 0.0;
    settings.tune.vibrato = 0.0;
    settings
}

#[test]
fn hard_correction_lands_off_key_notes_on_the_scale() {
    // Off-key sustained notes in C major, each aimed at the note in brackets.
    let plan = [
        (64.35, 64.0), // E4 + 35 cents
        (54.7, 55.0),  // G3 - 30 cents
        (69.4, 69.0),  // A4 + 40 cents
        (61.75, 62.0), // D4 - 25 cents
        (57.3, 57.0),  // A3 + 30 cents
    ];
    let mut segments = vec![Segment::Gap {
        seconds: 0.1,
        kind: GapKind::Silence,
    }];
    let mut spans = Vec::new();
    let mut t = 0.1f64;
    for (sung, _) in plan {
        segments.push(note(sung, 0.8, 0.0));
        spans.push((t, t + 0.8));
        t += 0.8;
        segments.push(Segment::Gap {
            seconds: 0.1,
            kind: GapKind::Breath,
        });
        t += 0.1;
    }
    let sample_rate = 48_000.0;
    let performance = sing(&segments, &SingerConfig::default());
    let (out, latency) = render(&performance, &hard_tune(PitchClass::C, ScaleKind::Major));
    let mut errors = Vec::new();
    for (time, f0) in output_frames(&out, sample_rate, latency) {
        let seconds = time / sample_rate as f64;
        for (i, (start, end)) in spans.iter().enumerate() {
            // Skip each note's first 80 ms (onset) and last 30 ms (release).
            if seconds > start + 0.08 && seconds < end - 0.03 {
                let target = cents_to_hz(plan[i].1 * 100.0);
                errors.push(cents(f0, target));
            }
        }
    }
    let s = stats(errors);
    println!(
        "correction (retune 0 ms): {} frames, {:.2}% <= 10c, median {:.2}c",
        s.count,
        100.0 * s.within_10,
        s.median
    );
    assert!(s.median <= 3.0, "median {} cents", s.median);
    assert!(s.within_10 >= 0.90, "{:.4} within 10 cents", s.within_10);
}

/// A steady male vowel for shift measurements.
fn sustained_vowel(sample_rate: f32) -> Performance {
    let segments = [
        Segment::Gap {
            seconds: 0.1,
            kind: GapKind::Silence,
        },
        note(48.0, 0.8, 15.0),
        note(50.0, 0.8, 15.0),
        note(52.0, 0.8, 15.0),
        Segment::Gap {
            seconds: 0.1,
            kind: GapKind::Silence,
        },
    ];
    sing(
        &segments,
        &SingerConfig {
            sample_rate,
            ..SingerConfig::default()
        },
    )
}

/// Median output/input f0 error in cents for a shift of `semitones`.
fn shift_error(performance: &Performance, settings: &VoiceSettings, semitones: f32) -> Stats {
    let (out, latency) = render(performance, settings);
    let sample_rate = performance.sample_rate;
    let margin = 0.05 * sample_rate as f64;
    let ratio = (semitones / 12.0).exp2();
    let errors = output_frames(&out, sample_rate, latency)
        .into_iter()
        .filter(|(t, _)| performance.voiced_around(*t, margin))
        .map(|(t, f0)| cents(f0, performance.f0_at(t) * ratio))
        .collect();
    stats(errors)
}

fn formants_of(signal: &[f32], sample_rate: f32, voiced: impl Fn(usize) -> bool) -> (f32, f32) {
    median_formants(signal, sample_rate, voiced).expect("no formant frames")
}

#[test]
fn shifts_keep_pitch_ratio_and_formants() {
    let sample_rate = 48_000.0;
    let performance = sustained_vowel(sample_rate);
    let margin = 0.05 * sample_rate as f64;
    let voiced_in = |i: usize| performance.voiced_around(i as f64, margin);
    let (f1_in, f2_in) = formants_of(&performance.samples, sample_rate, voiced_in);
    println!("input formants: F1 {f1_in:.0} Hz, F2 {f2_in:.0} Hz");

    for (semitones, formant) in [(7.0f32, 3.0f32), (7.0f32, 0.0f32), (-12.0, 0.0), (0.0, 3.0)] {
        let settings = VoiceSettings {
            pitch_semitones: semitones,
            formant_semitones: formant,
            ..VoiceSettings::default()
        };
        let s = shift_error(&performance, &settings, semitones);
        let (out, latency) = render(&performance, &settings);
        let voiced_out =
            |i: usize| i >= latency && performance.voiced_around((i - latency) as f64, margin);
        let (f1, f2) = formants_of(&out, sample_rate, voiced_out);
        let expected = (formant / 12.0).exp2();
        let (r1, r2) = (f1 / f1_in, f2 / f2_in);
        println!(
            "shift {semitones:+} st, formant {formant:+} st: f0 median error {:.2}c ({:.1}% <= 10c); \
             F1 {f1:.0} Hz (x{r1:.3}), F2 {f2:.0} Hz (x{r2:.3}), expected x{expected:.3}",
            s.median,
            100.0 * s.within_10
        );
        assert!(
            s.median <= 5.0,
            "{semitones} st: f0 median error {} cents",
            s.median
        );
        assert!(
            (r1 / expected - 1.0).abs() <= 0.03,
            "F1 moved x{r1}, expected x{expected}"
        );
        assert!(
            (r2 / expected - 1.0).abs() <= 0.03,
            "F2 moved x{r2}, expected x{expected}"
        );
    }
}

#[test]
fn robot_output_pitch_is_constant() {
    let sample_rate = 48_000.0;
    let segments = [
        Segment::Gap {
            seconds: 0.1,
            kind: GapKind::Silence,
        },
        note(57.0, 0.5, 40.0),
        Segment::Glide {
            from: 57.0,
            to: 62.0,
            seconds: 0.2,
        },
        note(62.0, 0.5, 30.0),
        note(59.5, 0.5, 0.0),
        Segment::Gap {
            seconds: 0.1,
            kind: GapKind::Silence,
        },
    ];
    let performance = sing(&segments, &SingerConfig::default());
    let settings = VoiceSettings {
        robot: 1.0,
        tune: hard_tune(PitchClass::C, ScaleKind::Major).tune,
        ..VoiceSettings::default()
    };
    let (out, latency) = render(&performance, &settings);
    let margin = 0.06 * sample_rate as f64;
    let mut pitches: Vec<f32> = output_frames(&out, sample_rate, latency)
        .into_iter()
        .filter(|(t, _)| performance.voiced_around(*t, margin))
        .map(|(_, f0)| hz_to_cents(f0))
        .collect();
    pitches.sort_by(f32::total_cmp);
    let median = pitches[pitches.len() / 2];
    let deviations: Vec<f32> = pitches.iter().map(|p| p - median).collect();
    let s = stats(deviations);
    println!(
        "robot: median output {:.1} cents (C4 = 6000), {:.1}% of frames within 10c of it",
        median,
        100.0 * s.within_10
    );
    // The robot sings the key's tonic nearest the phrase's first note (A3 -> C4).
    assert!((median - 6000.0).abs() < 5.0, "robot note {median} cents");
    assert!(
        s.within_10 >= 0.95,
        "pitch not constant: {:.3}",
        s.within_10
    );
}

#[test]
fn mix_zero_returns_the_input_after_the_latency() {
    let performance = sing(&test_phrase(55.0), &SingerConfig::default());
    let settings = VoiceSettings {
        pitch_semitones: 4.0,
        formant_semitones: -2.0,
        robot: 0.5,
        breath: 0.6,
        whisper: 0.4,
        warmth: 0.9,
        presence: 0.1,
        reverb: 0.7,
        compression: 0.8,
        mix: 0.0,
        ..hard_tune(PitchClass::A, ScaleKind::Minor)
    };
    let (out, latency) = render(&performance, &settings);
    assert_eq!(latency, 480, "10 ms at 48 kHz");
    let n = out.len();
    assert_eq!(&out[latency..], &performance.samples[..n - latency]);
}

#[test]
fn torture_inputs_give_finite_output_and_recover() {
    let mut rng = 0x1234_5678u32;
    let mut next = move || {
        rng ^= rng << 13;
        rng ^= rng >> 17;
        rng ^= rng << 5;
        rng
    };
    for &sample_rate in &[22_050.0f32, 44_100.0, 48_000.0, 96_000.0, 192_000.0] {
        let mut chain = VoiceChain::default();
        chain.set_settings(&VoiceSettings {
            pitch_semitones: 3.0,
            formant_semitones: 2.0,
            breath: 0.3,
            whisper: 0.2,
            reverb: 0.4,
            compression: 0.5,
            warmth: 0.8,
            presence: 0.3,
            ..hard_tune(PitchClass::D, ScaleKind::Dorian)
        });
        chain.prepare(sample_rate, 8_192);
        let voice = sing(
            &test_phrase(57.0),
            &SingerConfig {
                sample_rate,
                ..SingerConfig::default()
            },
        );
        let n = voice.samples.len();
        let mut signal = voice.samples.clone();
        // Garbage in the first half: NaN bursts, infinities, denormals, full-scale square, DC.
        let half = n / 2;
        for (i, x) in signal[..half].iter_mut().enumerate() {
            match (i / 997) % 6 {
                0 => *x = f32::NAN,
                1 => {
                    *x = if i % 2 == 0 {
                        f32::INFINITY
                    } else {
                        f32::NEG_INFINITY
                    }
                }
                2 => *x = 1.0e-39,
                3 => *x = if (i / 50) % 2 == 0 { 1.0 } else { -1.0 },
                4 => *x = 0.9,
                _ => {}
            }
        }
        let mut position = 0;
        while position < n {
            let size = ((next() % 8_192) + 1) as usize;
            let end = (position + size).min(n);
            chain.process(&mut [&mut signal[position..end]]);
            position = end;
        }
        assert!(
            signal.iter().all(|x| x.is_finite()),
            "{sample_rate}: non-finite output"
        );
        let peak = signal.iter().fold(0.0f32, |m, x| m.max(x.abs()));
        assert!(peak < 8.0, "{sample_rate}: output blew up to {peak}");
        // After the garbage the voice comes back.
        let tail = &signal[half + (0.5 * sample_rate) as usize..];
        let rms = (tail.iter().map(|x| x * x).sum::<f32>() / tail.len() as f32).sqrt();
        assert!(rms > 0.01, "{sample_rate}: no recovery (rms {rms})");
    }
}
