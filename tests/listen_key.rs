//! Key and scale of sung takes in known keys, heard through the real pitch detector: 70 takes
//! of 8-30 s (major, minor, dorian, mixolydian, lydian, phrygian, harmonic minor; every tonic;
//! low, middle and high voices; 48 and 44.1 kHz) with vibrato, glides and off-key notes.
//!
//! The melodies establish their mode as real tunes do (tonic emphasis, the characteristic
//! degree sung every phrase; see `support/melodies.rs`): a tune that never sings the degree
//! that tells two modes apart is ambiguous, and no estimator can be right about it.

use std::collections::BTreeMap;

use daiw::dsp::synthetic_singer::Vowel;
use daiw::music::listen::key::key_from_notes;
use daiw::music::listen::segment_notes;
use daiw::music::theory::{PitchClass, ScaleKind};

#[path = "support/listening.rs"]
mod listening;
#[path = "support/melodies.rs"]
mod melodies;

use listening::{heard, parallel_map};
use melodies::{melody, MelodySpec};

const SCALES: [ScaleKind; 7] = [
    ScaleKind::Major,
    ScaleKind::Minor,
    ScaleKind::Dorian,
    ScaleKind::Mixolydian,
    ScaleKind::Lydian,
    ScaleKind::Phrygian,
    ScaleKind::HarmonicMinor,
];

struct Case {
    tonic: PitchClass,
    scale: ScaleKind,
    spec: MelodySpec,
    sample_rate: u32,
    vowel: Vowel,
}

fn cases() -> Vec<Case> {
    (0..70u32)
        .map(|i| {
            let scale = SCALES[i as usize % SCALES.len()];
            let tonic_pc = ((i * 5 + i / 7) % 12) as i32;
            // Low, middle and high voices: the tonic in the octave above 45, 52 or 60.
            let base = [45, 52, 60][(i % 3) as usize];
            let tonic_midi = base + (tonic_pc - base).rem_euclid(12);
            let seconds = 8.0 + ((i * 13) % 23) as f32;
            Case {
                tonic: PitchClass::from_semitone(tonic_pc),
                scale,
                spec: MelodySpec::new(tonic_midi, scale, seconds, 1000 + i),
                sample_rate: if i % 4 == 3 { 44_100 } else { 48_000 },
                vowel: [Vowel::A, Vowel::E, Vowel::U][(i / 3 % 3) as usize],
            }
        })
        .collect()
}

#[test]
fn sung_takes_in_known_keys_are_recognised() {
    let cases = cases();
    let results = parallel_map(&cases, |case| {
        let tune = melody(&case.spec);
        let points = heard(&tune.segments, case.sample_rate, case.vowel, case.spec.seed);
        key_from_notes(&segment_notes(&points, None))
    });
    let (mut right, mut tonic_right_major_minor, mut major_minor) = (0, 0, 0);
    let mut per_scale: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    let mut confusions = Vec::new();
    let mut confidence_right = Vec::new();
    for (case, result) in cases.iter().zip(&results) {
        let found = result.map(|e| (e.tonic, e.scale));
        let ok = found == Some((case.tonic, case.scale));
        let entry = per_scale.entry(case.scale.id()).or_default();
        entry.1 += 1;
        if ok {
            right += 1;
            entry.0 += 1;
            confidence_right.push(result.map_or(0.0, |e| e.confidence));
        } else {
            confusions.push(format!(
                "  {} {} ({:.0} s, tonic MIDI {}) heard as {:?}",
                case.tonic,
                case.scale,
                case.spec.seconds,
                case.spec.tonic_midi,
                result.map(|e| format!("{} {} {:.2}", e.tonic, e.scale, e.confidence))
            ));
        }
        if matches!(case.scale, ScaleKind::Major | ScaleKind::Minor) {
            major_minor += 1;
            if result.is_some_and(|e| e.tonic == case.tonic) {
                tonic_right_major_minor += 1;
            }
        }
    }
    println!(
        "key estimates: {right} of {} right (tonic and mode)",
        cases.len()
    );
    for (scale, (ok, total)) in &per_scale {
        println!("  {scale:>15}: {ok}/{total}");
    }
    println!("major/minor tonic right: {tonic_right_major_minor}/{major_minor}");
    confidence_right.sort_by(f32::total_cmp);
    if !confidence_right.is_empty() {
        println!(
            "confidence when right: median {:.2}, lowest {:.2}",
            confidence_right[confidence_right.len() / 2],
            confidence_right[0]
        );
    }
    println!("confusions:\n{}", confusions.join("\n"));
    assert!(
        right as f32 >= 0.9 * cases.len() as f32,
        "{right}/{}",
        cases.len()
    );
    assert!(tonic_right_major_minor as f32 >= 0.97 * major_minor as f32);
}

#[test]
fn a_high_voice_and_a_pure_tone_melody_are_recognised() {
    // Soprano in D major around 600-900 Hz (D5..A5 and a little around).
    let mut spec = MelodySpec::new(74, ScaleKind::Major, 14.0, 7);
    spec.degree_range = (-2, 5);
    let tune = melody(&spec);
    let points = heard(&tune.segments, 48_000, Vowel::A, 3);
    let estimate = key_from_notes(&segment_notes(&points, None)).expect("an estimate");
    assert_eq!(
        (estimate.tonic, estimate.scale),
        (PitchClass::D, ScaleKind::Major)
    );

    // The same kind of tune as pure sine tones (no formants, no jitter) in B minor.
    let spec = MelodySpec::new(59, ScaleKind::Minor, 12.0, 11);
    let tune = melody(&spec);
    let sine = sine_points(&tune.segments, 44_100);
    let estimate = key_from_notes(&segment_notes(&sine, None)).expect("an estimate");
    assert_eq!(
        (estimate.tonic, estimate.scale),
        (PitchClass::B, ScaleKind::Minor)
    );
}

/// The detector's track of a sine that follows the segments' pitch (silence in gaps).
fn sine_points(
    segments: &[daiw::dsp::synthetic_singer::Segment],
    sample_rate: u32,
) -> Vec<daiw::music::listen::PitchPoint> {
    use daiw::dsp::synthetic_singer::Segment;
    let sr = sample_rate as f32;
    let mut samples = Vec::new();
    let mut phase = 0.0f32;
    for segment in segments {
        let (seconds, pitch): (f32, Box<dyn Fn(f32) -> Option<f32>>) = match *segment {
            Segment::Note {
                midi,
                seconds,
                vibrato_cents,
                vibrato_hz,
            } => (
                seconds,
                Box::new(move |t| {
                    Some(
                        midi + vibrato_cents / 100.0
                            * (std::f32::consts::TAU * vibrato_hz * t).sin(),
                    )
                }),
            ),
            Segment::Glide { from, to, seconds } => (
                seconds,
                Box::new(move |t| Some(from + (to - from) * t / seconds)),
            ),
            Segment::Gap { seconds, .. } => (seconds, Box::new(|_| None)),
        };
        for i in 0..(seconds * sr) as usize {
            match pitch(i as f32 / sr) {
                Some(m) => {
                    phase = (phase + 440.0 * ((m - 69.0) / 12.0).exp2() / sr).fract();
                    samples.push(0.4 * (std::f32::consts::TAU * phase).sin());
                }
                None => samples.push(0.0),
            }
        }
    }
    let audio = daiw::offline::wav::Audio {
        channels: vec![samples],
        sample_rate,
        format: daiw::offline::wav::WavFormat {
            bits: 32,
            float: true,
        },
    };
    daiw::offline::analyze::pitch_points(&daiw::offline::analyze::pitch_track(&audio))
}
