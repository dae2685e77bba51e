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

#[test]
fn the_wide_build_gives_the_same_numbers() {
    // Formants kept (whole-sample reads), moved slightly and far both ways (interpolated reads
    // near and far from real time), shifts both ways, a voicing gap, runs of many lengths:
    // every path of the grain loops.
    let sample_rate = 44_100.0;
    let voice = pulse_voice(187.0, sample_rate, 1.5);
    let period = sample_rate / 187.0;
    let mut marks = PitchMarks::default();
    marks.prepare(sample_rate, 441);
    let (mut wide, mut portable) = (PsolaVoice::default(), PsolaVoice::default());
    wide.prepare(sample_rate, 441);
    portable.prepare(sample_rate, 441);
    portable.wide = false;
    let mut trace = [None; MAX_RUN];
    let (mut start, mut run) = (0, 0);
    while start < voice.len() {
        let end = (start + [1, 256, 37, 200, 3, 129][run % 6]).min(voice.len());
        let stage = start / 5_000;
        let request = ShiftRequest {
            input_period: (stage != 5).then_some(period),
            output_period: period / [1.0, 1.26, 0.75, 2.0, 0.5, 1.0, 1.12, 0.9][stage % 8],
            formant: [1.0, 1.0087, 0.9914, 1.5, 0.6, 1.0, 3.0, 0.2][stage % 8],
        };
        marks.tune_anti_alias(request.read_speed().max(1.0));
        marks.push_run(&voice[start..end], request.input_period, &mut trace);
        let (mut a, mut b) = ([0.0f32; MAX_RUN], [0.0f32; MAX_RUN]);
        let frames = end - start;
        wide.process_run(&marks, &trace[..frames], request, &mut a[..frames]);
        portable.process_run(&marks, &trace[..frames], request, &mut b[..frames]);
        for (j, (x, y)) in a[..frames].iter().zip(&b[..frames]).enumerate() {
            assert_eq!(x.to_bits(), y.to_bits(), "sample {}: {x} vs {y}", start + j);
        }
        start = end;
        run += 1;
    }
}
