//! Formant shifts on low and high voices, measured with the project's LPC
//! (`lpc::median_formants`) on the synthetic singer with a vowel of F1 400 Hz, F2 2000 Hz.
//!
//! Judged: F2 on low voices (110-165 Hz) moves by the requested ratio within 2 %. Printed, not
//! yet judged (issue 12, part 2, open): F1 on low voices (measured x1.29 / x1.34 for +3 st,
//! want x1.19: a 400 Hz F1 is only three or four harmonics wide at 110-165 Hz), and both
//! formants on high voices (500-1000 Hz), whose harmonics sample the envelope every 500-1000 Hz
//! with F1 below f0: LPC there finds the harmonics themselves (at 988 Hz it reports F1/F2 at
//! H1/H2, which no formant shift moves), so it cannot tell a right shift from a wrong one.
//! `--nocapture` prints the table.

use daiw::dsp::lpc::median_formants;
use daiw::dsp::synthetic_singer::{sing, GapKind, Segment, SingerConfig, Vowel};
use daiw::dsp::{VoiceChain, VoiceSettings};

const SAMPLE_RATE: f32 = 48_000.0;
/// The vowel of the DAW report: F1 400 Hz, F2 2000 Hz.
const VOWEL: Vowel = Vowel {
    formants: [400.0, 2_000.0, 2_800.0, 3_500.0],
    bandwidths: [80.0, 120.0, 170.0, 250.0],
};

/// Two held notes `midi` and `midi + 2`, 0.8 s each, light vibrato.
fn voice(midi: f32) -> Vec<f32> {
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
            vowel: VOWEL,
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

/// F1 and F2 over the held notes (0.2 s into the first to 0.1 s before the end).
fn formants(signal: &[f32], delay: usize) -> (f32, f32) {
    let start = delay + (0.3 * SAMPLE_RATE) as usize;
    let end = delay + (1.6 * SAMPLE_RATE) as usize;
    median_formants(signal, SAMPLE_RATE, |i| (start..end).contains(&i)).expect("formants")
}

#[test]
fn formant_shift_ratios_on_low_and_high_voices() {
    println!("voice    formant  F1 in  F2 in   F1 x    F2 x   want");
    let mut failures = Vec::new();
    for midi in [45.0f32, 52.0, 74.0, 77.0, 83.0] {
        let input = voice(midi);
        let f0 = 440.0 * ((midi - 69.0) / 12.0).exp2();
        let (f1_in, f2_in) = formants(&input, 0);
        for formant in [-3.0f32, 3.0] {
            let (out, latency) = render(&input, formant);
            let (f1, f2) = formants(&out, latency);
            let want = (formant / 12.0).exp2();
            let (r1, r2) = (f1 / f1_in, f2 / f2_in);
            println!(
                "{f0:>5.0} Hz {formant:>+5} {f1_in:>6.0} {f2_in:>6.0} {r1:>7.3} {r2:>7.3} {want:>6.3}"
            );
            if f0 < 200.0 && (r2 / want - 1.0).abs() > 0.02 {
                failures.push(format!(
                    "{f0:.0} Hz, formant {formant:+}: F1 x{r1:.3}, F2 x{r2:.3}"
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
