//! Formant shifts on low and high voices, measured with the project's LPC
//! (`lpc::median_formants`) on the synthetic singer with a vowel of F1 400 Hz, F2 2000 Hz.
//!
//! Ground truth is the same singer singing the same notes with the vowel's formants (and
//! bandwidths) scaled by the requested ratio: what a perfect formant shift would give. It is
//! measured the same way, because on high voices the harmonics sample the envelope every
//! 400-700 Hz and any measurement (this LPC, Praat's Burg) is drawn to the harmonics: the ideal
//! -3 semitone shift of a 587 Hz voice measures F2 x1.01, not x0.84, against its input.
//!
//! The singer's breath passes through its tract here (`SingerConfig::breath_through_tract`),
//! as aspiration made at the glottis does: the ideal singer with moved formants moves its
//! breath's colour too, and a filter by the exact ratio of moved to unmoved tract
//! (`a_perfect_envelope_filter_on_high_voices`) then matches the ideal to 0.1 % on every high
//! voice, with breath or without.
//!
//! Judged: on low voices (110, 165 Hz) the shifted voice's F1 and F2 lie within 5 % of the
//! ideal's (measured: within 4.1 %). Open, `#[ignore]`d until fixed: the same on 262-698 Hz
//! voices. Grain resampling alone missed them by 7.2 % on average and 20.4 % at worst (262 Hz
//! -3: F1). Above 190-250 Hz the chain now hands the shift to an envelope filter
//! (`dsp::formant_filter`: a discrete all-pole fit to the harmonics' powers, its resonances
//! moved, updated every 25 ms): mean 5.7 %, worst 12.5 % (587 Hz +3: F1 12.5 %, F2 12.1 %);
//! then 698 Hz +3 F2 10.1 %, 587 Hz -3 F2 9.8 %, 262 Hz +3 F2 8.4 %, 262 Hz -3 F1 6.4 %,
//! F2 6.3 %, the rest within 5.6 %. A 988 Hz voice is left out: LPC finds the harmonics themselves
//! there.
//!
//! What bounds it: at 587 Hz the harmonics sit at 587, 1174, 1761, 2348 Hz and F2 (2000 Hz)
//! shows only as 8.0 and 6.9 dB at the two beside it; the ideal +3 shift lifts the fourth
//! harmonic by 12 dB, which no envelope fitted to these points foresees (the fit moves F2 too
//! little and F1, seen only on the first harmonic's slope, the wrong way). Tried (offline, the
//! same filter applied per 10-20 ms, measured with this LPC): the fit without tilting the
//! harmonics up 6 dB per octave, mean 18 %; order 6 or 10 instead of 8, 7.8 % and 10.7 %;
//! five iterations instead of ten, 8.6 %; bandwidth floors of 160 and 300 Hz instead of 200,
//! 5.0 and 8.0 % (worst 13.6 and 39.7 %); the cepstral "true envelope" of the harmonics with
//! linear prediction of it, 5.8-6.4 %, worst 16-18 %.
//!
//! `--nocapture` prints the table; `DAIW_FORMANT_WAV_DIR=DIR` also writes every input, output
//! and ideal as a WAV, for an independent measurement (Praat).

use daiw::dsp::lpc::median_formants;
use daiw::dsp::synthetic_singer::{sing, GapKind, Segment, SingerConfig, Vowel};
use daiw::dsp::{VoiceChain, VoiceSettings};

const SAMPLE_RATE: f32 = 48_000.0;
/// The vowel of the DAW report: F1 400 Hz, F2 2000 Hz.
const VOWEL: Vowel = Vowel {
    formants: [400.0, 2_000.0, 2_800.0, 3_500.0],
    bandwidths: [80.0, 120.0, 170.0, 250.0],
};

/// The vowel with its formants and bandwidths scaled by `ratio`.
fn scaled_vowel(ratio: f32) -> Vowel {
    Vowel {
        formants: VOWEL.formants.map(|f| f * ratio),
        bandwidths: VOWEL.bandwidths.map(|b| b * ratio),
    }
}

/// Two held notes `midi` and `midi + 2`, 0.8 s each, light vibrato, on `vowel`, with the
/// singer's usual breath noise.
fn voice(midi: f32, vowel: Vowel) -> Vec<f32> {
    voice_with_breath(midi, vowel, SingerConfig::default().breathiness)
}

/// `voice` with `breathiness` (the breath passes through the singer's tract, so a singer with
/// moved formants moves its breath's colour too).
fn voice_with_breath(midi: f32, vowel: Vowel, breathiness: f32) -> Vec<f32> {
    let note = |m: f32| Segment::Note {
        midi: m,
        seconds: 0.8,
        vibrato_cents: 15.0,
        vibrato_hz: 5.5,
    };
    let gap = Segment::Gap {
        seconds: 0.1,
        kind: GapKind::Silence,
    };
    sing(
        &[gap, note(midi), note(midi + 2.0), gap],
        &SingerConfig {
            sample_rate: SAMPLE_RATE,
            vowel,
            breathiness,
            breath_through_tract: true,
            ..SingerConfig::default()
        },
    )
    .samples
}

fn render(input: &[f32], formant: f32) -> (Vec<f32>, usize) {
    let mut chain = VoiceChain::default();
    chain.set_settings(&VoiceSettings {
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

/// Writes `signal` as a 32-bit float WAV when `DAIW_FORMANT_WAV_DIR` names a folder.
fn keep_wav(name: &str, signal: &[f32]) {
    let Some(dir) = std::env::var_os("DAIW_FORMANT_WAV_DIR") else {
        return;
    };
    let spec = hound::WavSpec {
        channels: 1,
        sample_rate: SAMPLE_RATE as u32,
        bits_per_sample: 32,
        sample_format: hound::SampleFormat::Float,
    };
    let path = std::path::Path::new(&dir).join(format!("{name}.wav"));
    let mut writer = hound::WavWriter::create(path, spec).expect("create wav");
    for &x in signal {
        writer.write_sample(x).expect("write wav");
    }
    writer.finalize().expect("finish wav");
}

/// F1 and F2 over the held notes (0.2 s into the first to 0.1 s before the end).
fn formants(signal: &[f32], delay: usize) -> (f32, f32) {
    let start = delay + (0.3 * SAMPLE_RATE) as usize;
    let end = delay + (1.6 * SAMPLE_RATE) as usize;
    median_formants(signal, SAMPLE_RATE, |i| (start..end).contains(&i)).expect("formants")
}

/// Largest relative distance of a measured formant from the ideal's.
const TOLERANCE: f32 = 0.05;

/// Shifts every voice in `midis` by -3 and +3 semitones of formant, prints the table, and
/// returns the shifts whose F1 or F2 lies more than `TOLERANCE` from the ideal's.
fn compare_with_ideal(midis: &[f32]) -> Vec<String> {
    println!("voice   formant  input F1/F2   ideal F1/F2   output F1/F2   out/ideal  out/in  want");
    let mut failures = Vec::new();
    for &midi in midis {
        let input = voice(midi, VOWEL);
        let f0 = 440.0 * ((midi - 69.0) / 12.0).exp2();
        keep_wav(&format!("voice_{midi}"), &input);
        let (f1_in, f2_in) = formants(&input, 0);
        for formant in [-3.0f32, 3.0] {
            let want = (formant / 12.0).exp2();
            let ideal = voice(midi, scaled_vowel(want));
            keep_wav(&format!("voice_{midi}_ideal_{formant:+}"), &ideal);
            let (f1_ideal, f2_ideal) = formants(&ideal, 0);
            let (out, latency) = render(&input, formant);
            keep_wav(
                &format!("voice_{midi}_formant_{formant:+}"),
                &out[latency..],
            );
            let (f1, f2) = formants(&out, latency);
            let (e1, e2) = (f1 / f1_ideal, f2 / f2_ideal);
            println!(
                "{f0:>5.0} Hz {formant:>+4}  {f1_in:>5.0}/{f2_in:<5.0}  {f1_ideal:>5.0}/{f2_ideal:<5.0}  \
                 {f1:>5.0}/{f2:<5.0}  x{e1:.3}/x{e2:.3}  x{:.3}/x{:.3} x{want:.3}",
                f1 / f1_in,
                f2 / f2_in
            );
            let off = |e: f32| (e - 1.0).abs() > TOLERANCE;
            if off(e1) || off(e2) {
                failures.push(format!(
                    "{f0:.0} Hz, formant {formant:+}: F1 {f1:.0} Hz, F2 {f2:.0} Hz; \
                     ideal {f1_ideal:.0}, {f2_ideal:.0}"
                ));
            }
        }
    }
    failures
}

/// Low voices (110 and 165 Hz): grain resampling moves both formants like the ideal does.
#[test]
fn formant_shifts_on_low_voices_match_a_singer_with_moved_formants() {
    let failures = compare_with_ideal(&[45.0, 52.0]);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// High voices (262-698 Hz): open (issue 12). Grain resampling missed the ideal by up to 20 %
/// from 262 Hz up, because a grain there holds several overlapping pulse responses and its
/// spectrum is the harmonic comb, not the envelope; the envelope filter that takes over there
/// misses by up to 12.5 % (587 Hz +3). Run with `--ignored` to see the table.
#[test]
#[ignore = "issue 12: formant shift on voices above 250 Hz misses by up to 12.5 %"]
fn formant_shifts_on_high_voices_match_a_singer_with_moved_formants() {
    let failures = compare_with_ideal(&[60.0, 67.0, 74.0, 77.0]);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// `signal` through the exact ratio of the singer's tract with formants and bandwidths scaled
/// by `ratio` to its tract as it is: per formant, the two poles as they are as zeros and the
/// scaled two as poles (monic sections, so far above the formants the gain tends to 1). What a
/// formant post-filter with a perfect envelope estimate would do.
fn perfect_envelope_filter(signal: &[f32], ratio: f32) -> Vec<f32> {
    let section = |frequency: f32, bandwidth: f32| {
        let radius = (-std::f64::consts::PI * f64::from(bandwidth / SAMPLE_RATE)).exp();
        let angle = std::f64::consts::TAU * f64::from(frequency / SAMPLE_RATE);
        (-2.0 * radius * angle.cos(), radius * radius)
    };
    let mut out: Vec<f64> = signal.iter().map(|&x| f64::from(x)).collect();
    for (&f, &b) in VOWEL.formants.iter().zip(&VOWEL.bandwidths) {
        let (z1, z2) = section(f, b);
        let (p1, p2) = section(f * ratio, b * ratio);
        let (mut x1, mut x2, mut y1, mut y2) = (0.0, 0.0, 0.0, 0.0);
        for v in out.iter_mut() {
            let y = *v + z1 * x1 + z2 * x2 - p1 * y1 - p2 * y2;
            (x2, x1, y2, y1) = (x1, *v, y1, y);
            *v = y;
        }
    }
    out.iter().map(|&y| y as f32).collect()
}

/// Diagnostic for issue 12 (prints, asserts nothing): on the high voices, with the singer's
/// breath and without, the chain's shift and a perfect envelope filter against the ideal.
/// Measured (breath through the tract): the perfect filter matches the ideal to 0.1 % with
/// breath and without; the chain misses by up to 12.5 % with breath and 13.0 % without
/// (587 Hz +3, F1).
#[test]
#[ignore = "diagnostic for issue 12: prints the table"]
fn a_perfect_envelope_filter_on_high_voices() {
    println!("breath  voice   formant  ideal F1/F2   chain/ideal     perfect/ideal");
    for breathiness in [SingerConfig::default().breathiness, 0.0] {
        for midi in [60.0f32, 67.0, 74.0, 77.0] {
            let f0 = 440.0 * ((midi - 69.0) / 12.0).exp2();
            let input = voice_with_breath(midi, VOWEL, breathiness);
            for formant in [-3.0f32, 3.0] {
                let ratio = (formant / 12.0).exp2();
                let ideal = voice_with_breath(midi, scaled_vowel(ratio), breathiness);
                let (i1, i2) = formants(&ideal, 0);
                let (chain, latency) = render(&input, formant);
                let (c1, c2) = formants(&chain, latency);
                let (p1, p2) = formants(&perfect_envelope_filter(&input, ratio), 0);
                println!(
                    "{breathiness:>5.2} {f0:>5.0} Hz {formant:>+4}  {i1:>5.0}/{i2:<5.0}  \
                     x{:.3}/x{:.3}   x{:.3}/x{:.3}",
                    c1 / i1,
                    c2 / i2,
                    p1 / i1,
                    p2 / i2
                );
            }
        }
    }
}
