//! Segmentation on pitch tracks with known notes (no audio: the track is the truth).
use super::*;
use crate::music::theory::ScaleKind;

/// What a 5 ms pitch track holds over one stretch.
#[derive(Clone, Copy)]
enum Part {
    /// midi, seconds, vibrato cents, vibrato Hz
    Hold(f32, f64, f32, f32),
    /// from, to, seconds
    Slide(f32, f32, f64),
    /// seconds unvoiced
    Rest(f64),
}

fn track(parts: &[Part]) -> Vec<PitchPoint> {
    let hop = 0.005;
    let mut points = Vec::new();
    let mut t0 = 0.0;
    for part in parts {
        let seconds = match *part {
            Part::Hold(_, s, _, _) | Part::Slide(_, _, s) | Part::Rest(s) => s,
        };
        let n = (seconds / hop).round() as usize;
        for i in 0..n {
            let t = i as f64 * hop;
            let midi = match *part {
                Part::Hold(m, _, depth, rate) => {
                    Some(m + depth / 100.0 * (std::f32::consts::TAU * rate * t as f32).sin())
                }
                Part::Slide(a, b, s) => Some(a + (b - a) * (t / s) as f32),
                Part::Rest(_) => None,
            };
            points.push(PitchPoint {
                time_s: t0 + t,
                f0_hz: midi.map_or(0.0, |m| 440.0 * ((m - 69.0) / 12.0).exp2()),
                voiced: midi.is_some(),
            });
        }
        t0 += n as f64 * hop;
    }
    points
}

#[test]
fn held_notes_with_rests_come_out_with_times_and_cents() {
    use Part::*;
    let points = track(&[
        Rest(0.1),
        Hold(60.17, 0.5, 0.0, 0.0),
        Rest(0.1),
        Hold(64.0 - 0.23, 0.6, 0.0, 0.0),
        Rest(0.2),
    ]);
    let notes = segment_notes(&points, None);
    assert_eq!(notes.len(), 2, "{notes:?}");
    assert_eq!(notes[0].midi, 60);
    assert!((notes[0].cents - 17.0).abs() < 0.5, "{}", notes[0].cents);
    assert!((notes[0].start_s - 0.1).abs() < 0.006);
    assert!((notes[0].end_s - 0.6).abs() < 0.006);
    assert_eq!(notes[1].midi, 64);
    assert!((notes[1].cents + 23.0).abs() < 0.5);
    assert!(notes[0].vibrato_hz.is_none());
}

#[test]
fn glides_join_notes_without_becoming_notes() {
    use Part::*;
    let points = track(&[
        Hold(57.0, 0.5, 0.0, 0.0),
        Slide(57.0, 64.0, 0.15),
        Hold(64.0, 0.5, 30.0, 5.5),
        Slide(64.0, 62.0, 0.2),
        Hold(62.0, 0.5, 0.0, 0.0),
        Slide(62.0, 50.0, 0.35),
        Hold(50.0, 0.6, 0.0, 0.0),
    ]);
    let notes = segment_notes(&points, None);
    let midis: Vec<u8> = notes.iter().map(|n| n.midi).collect();
    assert_eq!(midis, vec![57, 64, 62, 50], "{notes:?}");
    // Boundaries sit in the middle of each glide.
    for (note, expected) in notes[1..].iter().zip([0.575, 1.25, 2.025]) {
        assert!(
            (note.start_s - expected).abs() < 0.03,
            "{note:?} vs {expected}"
        );
    }
    let vibrato = notes[1].vibrato_hz.expect("vibrato on the second note");
    assert!((vibrato - 5.5).abs() < 0.3, "{vibrato}");
    assert!((notes[1].vibrato_cents.unwrap() - 30.0).abs() < 4.0);
}

#[test]
fn a_legato_semitone_step_splits_at_the_step() {
    use Part::*;
    let points = track(&[Hold(60.0, 0.5, 0.0, 0.0), Hold(61.0, 0.5, 0.0, 0.0)]);
    let notes = segment_notes(&points, None);
    assert_eq!(notes.len(), 2, "{notes:?}");
    assert!((notes[1].start_s - 0.5).abs() < 0.02);
}

#[test]
fn wide_vibrato_stays_one_note() {
    use Part::*;
    for rate in [4.0, 5.5, 7.5] {
        let points = track(&[Hold(67.0, 1.5, 50.0, rate)]);
        let notes = segment_notes(&points, None);
        assert_eq!(notes.len(), 1, "{rate} Hz: {notes:?}");
        assert!(notes[0].cents.abs() < 2.0);
        assert!((notes[0].vibrato_hz.unwrap() - rate).abs() < 0.2);
    }
}

#[test]
fn blips_are_dropped_and_dropouts_bridged() {
    use Part::*;
    let mut points = track(&[
        Hold(60.0, 0.4, 0.0, 0.0),
        Rest(0.1),
        Hold(72.0, 0.04, 0.0, 0.0),
        Rest(0.1),
        Hold(62.0, 0.4, 0.0, 0.0),
    ]);
    // A 15 ms dropout inside the last note.
    let n = points.len();
    for p in &mut points[n - 40..n - 37] {
        p.voiced = false;
    }
    let notes = segment_notes(&points, None);
    let midis: Vec<u8> = notes.iter().map(|n| n.midi).collect();
    assert_eq!(midis, vec![60, 62], "{notes:?}");
}

#[test]
fn the_key_decides_which_note_an_off_key_pitch_is() {
    use Part::*;
    // 61.4 is nearest C#4, but C major has no C#: the nearest of its notes is C4.
    let points = track(&[Hold(60.6, 0.5, 0.0, 0.0)]);
    let c_major = Key::from_pitch_class(crate::music::theory::PitchClass::C, ScaleKind::Major);
    assert_eq!(segment_notes(&points, None)[0].midi, 61);
    let in_key = segment_notes(&points, Some(c_major))[0];
    assert_eq!(in_key.midi, 60);
    assert!((in_key.cents - 60.0).abs() < 0.5);
}

#[test]
fn garbage_points_give_no_notes_and_no_panic() {
    let bad = [
        PitchPoint {
            time_s: f64::NAN,
            f0_hz: 220.0,
            voiced: true,
        },
        PitchPoint {
            time_s: 0.1,
            f0_hz: f32::INFINITY,
            voiced: true,
        },
        PitchPoint {
            time_s: -3.0,
            f0_hz: 220.0,
            voiced: true,
        },
    ];
    assert!(segment_notes(&bad, None).is_empty());
    assert!(segment_notes(&[], None).is_empty());
    assert!(notes_to_csv(&[]).starts_with("start_s,"));
}

#[test]
fn a_wide_vibrato_is_one_note_on_its_centre() {
    use Part::*;
    // Operatic and gospel vibratos, 100-120 cents peak at 5-6.5 Hz, starting at the onset, on
    // long notes (and a semitone step between two of them stays a step). Slower ones (4.5 Hz)
    // outlast the smoothing (`SMOOTH_HALF_S`) and still split.
    for (depth, rate) in [(100.0, 5.0), (100.0, 5.5), (100.0, 6.5), (120.0, 6.0)] {
        let points = track(&[Rest(0.1), Hold(62.0, 2.0, depth, rate), Rest(0.2)]);
        let notes = segment_notes(&points, None);
        let midis: Vec<u8> = notes.iter().map(|n| n.midi).collect();
        assert_eq!(midis, vec![62], "{depth} c at {rate} Hz: {notes:?}");
        assert!(notes[0].cents.abs() < 10.0, "{notes:?}");
    }
    let points = track(&[
        Rest(0.1),
        Hold(62.0, 1.2, 100.0, 5.5),
        Hold(63.0, 1.2, 100.0, 5.5),
        Rest(0.2),
    ]);
    let midis: Vec<u8> = segment_notes(&points, None)
        .iter()
        .map(|n| n.midi)
        .collect();
    assert_eq!(midis, vec![62, 63]);
}

#[test]
fn a_custom_note_set_names_the_notes() {
    use Part::*;
    // 66.3 is an F# a little sharp: C major calls it G, a set of C, E and F calls it F.
    let points = track(&[Rest(0.1), Hold(66.3, 0.5, 0.0, 0.0), Rest(0.1)]);
    let c_major = Key::from_pitch_class(crate::music::theory::PitchClass::C, ScaleKind::Major);
    assert_eq!(segment_notes(&points, Some(c_major))[0].midi, 67);
    let c_e_f = NoteNames::for_tuning(Some(c_major), 1 << 0 | 1 << 4 | 1 << 5);
    let note = segment_notes(&points, c_e_f)[0];
    assert_eq!(note.midi, 65);
    assert!((note.cents - 130.0).abs() < 1.0, "{note:?}");
    // An empty or out-of-range set is no custom set.
    assert_eq!(
        NoteNames::for_tuning(Some(c_major), 0),
        NoteNames::Key(c_major)
    );
    assert_eq!(NoteNames::Custom(0).mask(), 0x0fff);
    // Near the ends of the MIDI range the nearest note of the set lies on the one open side.
    assert_eq!(nearest_midi(0.2, NoteNames::Custom(1 << 11)), 11);
    assert_eq!(nearest_midi(127.0, NoteNames::Custom(1 << 0)), 120);
}
