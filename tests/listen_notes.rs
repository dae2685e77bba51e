//! Note segmentation against the singer's note list, heard through the real pitch detector:
//! onsets (F1 at 50 ms), the note called, the cents it was sung off, vibrato; on melodies with
//! glides, vibrato and consonants, on a soprano, on pure tones and at 44.1 kHz.

use daiw::dsp::synthetic_singer::{GapKind, Segment, Vowel};
use daiw::music::listen::{segment_notes, SungNote};
use daiw::music::theory::ScaleKind;

#[path = "support/listening.rs"]
mod listening;
#[path = "support/melodies.rs"]
mod melodies;

use listening::{heard, parallel_map};
use melodies::{melody, MelodySpec, TrueNote};

/// Onset tolerance of a match.
const ONSET_TOLERANCE_S: f64 = 0.05;

/// Pairs each true note with the nearest unmatched found onset within the tolerance.
fn match_onsets(truth: &[TrueNote], found: &[SungNote]) -> Vec<(TrueNote, SungNote)> {
    let mut used = vec![false; found.len()];
    let mut pairs = Vec::new();
    for t in truth {
        let best = (0..found.len())
            .filter(|&j| !used[j] && (found[j].start_s - t.start_s).abs() <= ONSET_TOLERANCE_S)
            .min_by(|&a, &b| {
                (found[a].start_s - t.start_s)
                    .abs()
                    .total_cmp(&(found[b].start_s - t.start_s).abs())
            });
        if let Some(j) = best {
            used[j] = true;
            pairs.push((*t, found[j]));
        }
    }
    pairs
}

#[test]
fn melodies_segment_into_their_notes() {
    let specs: Vec<(MelodySpec, u32, Vowel)> = (0..10u32)
        .map(|i| {
            let scale = [ScaleKind::Major, ScaleKind::Minor, ScaleKind::Dorian][i as usize % 3];
            let tonic = [45, 50, 55, 60, 64][i as usize % 5];
            let mut spec = MelodySpec::new(tonic, scale, 10.0 + i as f32, 500 + i);
            spec.off_key_share = 0.3;
            let rate = if i % 2 == 0 { 48_000 } else { 44_100 };
            (spec, rate, [Vowel::A, Vowel::E, Vowel::U][i as usize % 3])
        })
        .collect();
    let results = parallel_map(&specs, |(spec, rate, vowel)| {
        let tune = melody(spec);
        let found = segment_notes(&heard(&tune.segments, *rate, *vowel, spec.seed), None);
        (tune.notes, found)
    });
    let (mut truth_count, mut found_count, mut matched) = (0, 0, 0);
    let mut cents_errors = Vec::new();
    let mut wrong_note = 0;
    let mut vibrato_errors = Vec::new();
    for (truth, found) in &results {
        truth_count += truth.len();
        found_count += found.len();
        let pairs = match_onsets(truth, found);
        matched += pairs.len();
        for (t, f) in pairs {
            if f.midi as i32 != t.midi {
                wrong_note += 1;
                continue;
            }
            cents_errors.push((f.cents - t.offset_cents).abs());
            if t.vibrato.0 >= 25.0 && t.end_s - t.start_s >= 0.6 {
                if let Some(rate) = f.vibrato_hz {
                    vibrato_errors.push((rate - t.vibrato.1).abs());
                }
            }
        }
    }
    let precision = matched as f32 / found_count as f32;
    let recall = matched as f32 / truth_count as f32;
    let f1 = 2.0 * precision * recall / (precision + recall);
    cents_errors.sort_by(f32::total_cmp);
    let within_3 = cents_errors.iter().filter(|&&e| e <= 3.0).count();
    let p = |q: f32| cents_errors[((cents_errors.len() - 1) as f32 * q) as usize];
    println!(
        "onsets: {truth_count} true, {found_count} found, {matched} matched: precision {precision:.3}, recall {recall:.3}, F1 {f1:.3}"
    );
    println!(
        "cents error: median {:.2}, 90th {:.2}, 99th {:.2}, max {:.2}; within 3 cents {within_3}/{}; wrong note {wrong_note}",
        p(0.5),
        p(0.9),
        p(0.99),
        p(1.0),
        cents_errors.len()
    );
    vibrato_errors.sort_by(f32::total_cmp);
    println!(
        "vibrato rate error on {} long vibrato notes: median {:.2} Hz",
        vibrato_errors.len(),
        vibrato_errors
            .get(vibrato_errors.len() / 2)
            .copied()
            .unwrap_or(0.0)
    );
    assert!(f1 >= 0.9, "onset F1 {f1}");
    assert!(wrong_note * 50 <= matched, "{wrong_note} wrong notes");
    assert!(
        within_3 as f32 >= 0.95 * cents_errors.len() as f32,
        "{within_3}/{}",
        cents_errors.len()
    );
}

/// Held notes at deliberate offsets, each after a short consonant gap.
fn offset_notes(notes: &[(f32, f32)], vibrato_cents: f32) -> Vec<Segment> {
    let mut segments = vec![Segment::Gap {
        seconds: 0.2,
        kind: GapKind::Silence,
    }];
    for &(midi, cents) in notes {
        segments.push(Segment::Note {
            midi: midi + cents / 100.0,
            seconds: 0.7,
            vibrato_cents,
            vibrato_hz: 5.5,
        });
        segments.push(Segment::Gap {
            seconds: 0.12,
            kind: GapKind::Fricative,
        });
    }
    segments
}

fn assert_offsets(label: &str, expected: &[(f32, f32)], found: &[SungNote]) {
    let got: Vec<(u8, f32)> = found.iter().map(|n| (n.midi, n.cents)).collect();
    assert_eq!(found.len(), expected.len(), "{label}: {got:?}");
    for (&(midi, cents), note) in expected.iter().zip(found) {
        assert_eq!(note.midi as f32, midi, "{label}: {got:?}");
        assert!(
            (note.cents - cents).abs() <= 3.0,
            "{label}: {} sung {cents:+} cents, heard {:+.1}",
            midi,
            note.cents
        );
    }
}

const OFFSETS: [(f32, f32); 6] = [
    (57.0, 17.0),
    (60.0, -23.0),
    (64.0, 31.0),
    (62.0, -9.0),
    (67.0, 42.0),
    (55.0, -38.0),
];

#[test]
fn deliberate_offsets_are_measured_within_3_cents() {
    for (label, rate, vibrato) in [
        ("48 kHz steady", 48_000, 0.0),
        ("44.1 kHz steady", 44_100, 0.0),
        ("48 kHz vibrato 40 cents", 48_000, 40.0),
    ] {
        let found = segment_notes(
            &heard(&offset_notes(&OFFSETS, vibrato), rate, Vowel::A, 5),
            None,
        );
        assert_offsets(label, &OFFSETS, &found);
        if vibrato > 0.0 {
            for note in &found {
                assert!((note.vibrato_hz.unwrap() - 5.5).abs() < 0.3, "{note:?}");
                assert!(
                    (note.vibrato_cents.unwrap() - vibrato).abs() < 6.0,
                    "{note:?}"
                );
            }
        }
    }
    // A soprano, 600-900 Hz.
    let high: Vec<(f32, f32)> = [(74.0, 12.0), (77.0, -27.0), (79.0, 19.0), (81.0, -14.0)].to_vec();
    let found = segment_notes(
        &heard(&offset_notes(&high, 25.0), 48_000, Vowel::A, 9),
        None,
    );
    assert_offsets("soprano", &high, &found);
}

#[test]
fn pure_tones_are_measured_within_3_cents() {
    let sr = 44_100.0f32;
    let mut samples = vec![0.0f32; 4_410];
    for &(midi, cents) in &OFFSETS {
        let hz = 440.0 * ((midi + cents / 100.0 - 69.0) / 12.0).exp2();
        samples.extend(
            (0..(0.6 * sr) as usize)
                .map(|i| 0.5 * (std::f32::consts::TAU * hz * i as f32 / sr).sin()),
        );
        samples.extend(std::iter::repeat_n(0.0, 5_000));
    }
    let audio = daiw::offline::wav::Audio {
        channels: vec![samples],
        sample_rate: 44_100,
        format: daiw::offline::wav::WavFormat {
            bits: 32,
            float: true,
        },
    };
    let points = daiw::offline::analyze::pitch_points(&daiw::offline::analyze::pitch_track(&audio));
    assert_offsets("sine", &OFFSETS, &segment_notes(&points, None));
}
