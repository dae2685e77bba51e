//! PSOLA unit tests: shifts by the requested ratio, unvoiced input passes through.
use super::*;
use crate::dsp::biquad::{Biquad, BiquadCoefficients};
use crate::dsp::pitch_detector::PitchDetector;

fn pulse_voice(f0: f32, sample_rate: f32, seconds: f32) -> Vec<f32> {
    let mut resonator = Biquad::new(BiquadCoefficients::peaking(sample_rate, 700.0, 4.0, 18.0));
    let period = sample_rate / f0;
    (0..(sample_rate * seconds) as usize)
        .map(|i| {
            let phase = (i as f32 % period) / period;
            let pulse = if phase < 0.05 {
                1.0 - phase / 0.05
            } else {
                0.0
            };
            resonator.process(pulse) * 0.3
        })
        .collect()
}

fn median_f0(signal: &[f32], sample_rate: f32) -> f32 {
    let mut detector = PitchDetector::default();
    detector.prepare(sample_rate, 480);
    let mut f0s: Vec<f32> = signal
        .iter()
        .filter_map(|&x| detector.push(x))
        .filter(|f| f.is_voiced())
        .map(|f| f.f0)
        .collect();
    f0s.sort_by(f32::total_cmp);
    f0s[f0s.len() / 2]
}

fn shift(signal: &[f32], sample_rate: f32, f0: f32, ratio: f32) -> Vec<f32> {
    let mut shifter = PsolaShifter::default();
    shifter.prepare(sample_rate, 480);
    let period = sample_rate / f0;
    let request = ShiftRequest {
        input_period: Some(period),
        output_period: period / ratio,
        formant: 1.0,
    };
    signal
        .iter()
        .map(|&x| shifter.process(x, request))
        .collect()
}

#[test]
fn shifts_by_the_requested_ratio() {
    let sample_rate = 48_000.0;
    let voice = pulse_voice(150.0, sample_rate, 1.0);
    for semitones in [-12.0f32, -5.0, 0.0, 7.0, 12.0] {
        let ratio = 2f32.powf(semitones / 12.0);
        let out = shift(&voice, sample_rate, 150.0, ratio);
        let measured = median_f0(&out[4_800..], sample_rate);
        let cents = 1200.0 * (measured / (150.0 * ratio)).log2();
        assert!(
            cents.abs() < 3.0,
            "{semitones} st: {measured} Hz ({cents} cents)"
        );
    }
}

#[test]
fn unvoiced_input_passes_through_delayed() {
    let mut shifter = PsolaShifter::default();
    shifter.prepare(48_000.0, 480);
    let request = ShiftRequest {
        input_period: None,
        output_period: 100.0,
        formant: 1.0,
    };
    let input: Vec<f32> = (0..2_000)
        .map(|i| ((i * 7919) % 113) as f32 / 113.0 - 0.5)
        .collect();
    let out: Vec<f32> = input.iter().map(|&x| shifter.process(x, request)).collect();
    assert!(out[..480].iter().all(|&y| y == 0.0));
    assert_eq!(&out[480..], &input[..2_000 - 480]);
}
