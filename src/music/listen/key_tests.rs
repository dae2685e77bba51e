//! Key estimates from note lists whose key is known.
use super::*;

fn note(start_s: f64, seconds: f64, pitch: f32) -> SungNote {
    SungNote {
        start_s,
        end_s: start_s + seconds,
        midi: pitch.round() as u8,
        cents: 100.0 * (pitch - pitch.round()),
        vibrato_hz: None,
        vibrato_cents: None,
        pitch,
        unsteadiness_cents: 4.0,
    }
}

/// A melody of scale degrees (0-based, may exceed 6) in `scale` on `tonic_midi`; phrases of
/// four notes end on a long note followed by a breath (the cases end them on the tonic or the
/// fifth, as tunes do).
fn melody(tonic_midi: i32, scale: ScaleKind, degrees: &[i32]) -> Vec<SungNote> {
    let steps = scale.intervals();
    let mut t = 0.0;
    let mut notes = Vec::new();
    for (i, &d) in degrees.iter().enumerate() {
        let octave = d.div_euclid(steps.len() as i32);
        let step = steps[d.rem_euclid(steps.len() as i32) as usize] as i32;
        let pitch = (tonic_midi + 12 * octave + step) as f32;
        let phrase_end = i % 4 == 3;
        let seconds = if phrase_end { 0.9 } else { 0.4 };
        notes.push(note(t, seconds, pitch));
        t += seconds + if phrase_end { 0.4 } else { 0.05 };
    }
    notes
}

#[test]
fn finds_major_minor_and_modes_that_establish_themselves() {
    let cases: [(i32, ScaleKind, &[i32]); 5] = [
        (62, ScaleKind::Major, &[0, 2, 4, 4, 3, 1, 6, 7, 4, 5, 3, 0]),
        (57, ScaleKind::Minor, &[0, 2, 4, 0, 5, 4, 6, 4, 3, 2, 1, 0]),
        (62, ScaleKind::Dorian, &[0, 2, 5, 4, 5, 4, 3, 0, 6, 5, 1, 0]),
        (
            55,
            ScaleKind::Mixolydian,
            &[0, 2, 6, 0, 4, 6, 5, 4, 6, 5, 1, 0],
        ),
        (
            64,
            ScaleKind::Phrygian,
            &[0, 1, 2, 0, 4, 3, 1, 0, 5, 1, 6, 0],
        ),
    ];
    for (tonic, scale, degrees) in cases {
        let notes = melody(tonic, scale, degrees);
        let estimate = key_from_notes(&notes).expect("an estimate");
        assert_eq!(
            (estimate.tonic.semitone() as i32, estimate.scale),
            (tonic % 12, scale),
            "{:?}",
            &rank_keys(&notes)[..3]
        );
        assert!(estimate.confidence > 0.3, "{estimate:?}");
    }
}

#[test]
fn confidence_grows_with_evidence_and_nothing_gives_none() {
    assert!(key_from_notes(&[]).is_none());
    assert!(key_from_notes(&[note(0.0, 0.5, 60.0)]).is_none());
    let degrees = [0, 2, 4, 4, 3, 1, 6, 7, 4, 5, 3, 0];
    let short = melody(60, ScaleKind::Major, &degrees[..4]);
    let long = melody(60, ScaleKind::Major, &[degrees, degrees].concat());
    let (short, long) = (
        key_from_notes(&short).unwrap(),
        key_from_notes(&long).unwrap(),
    );
    assert!(long.confidence > short.confidence, "{short:?} {long:?}");
    let ranked = rank_keys(&melody(60, ScaleKind::Major, &degrees));
    let total: f32 = ranked.iter().map(|k| k.confidence).sum();
    assert!((total - 1.0).abs() < 1e-3);
}

#[test]
fn live_listener_follows_a_key_change_within_its_window() {
    let hz = |m: f32| 440.0 * ((m - 69.0) / 12.0).exp2();
    let mut listener = KeyListener::new(10.0);
    assert!(listener.estimate().is_none());
    let push_melody = |listener: &mut KeyListener, offset: f64, tonic: i32, scale| {
        for n in melody(
            tonic,
            scale,
            &[0, 2, 4, 4, 3, 1, 6, 7, 4, 5, 3, 0, 2, 4, 1, 0],
        ) {
            let mut t = n.start_s;
            while t < n.end_s {
                listener.push(PitchPoint {
                    time_s: offset + t,
                    f0_hz: hz(n.pitch),
                    voiced: true,
                });
                t += 0.005;
            }
            listener.push(PitchPoint {
                time_s: offset + n.end_s + 0.04,
                f0_hz: 0.0,
                voiced: false,
            });
        }
    };
    push_melody(&mut listener, 0.0, 60, ScaleKind::Major);
    let first = listener.estimate().unwrap();
    assert_eq!(
        (first.tonic, first.scale),
        (PitchClass::C, ScaleKind::Major)
    );
    push_melody(&mut listener, 12.0, 64, ScaleKind::Minor);
    let second = listener.estimate().unwrap();
    assert_eq!(
        (second.tonic, second.scale),
        (PitchClass::E, ScaleKind::Minor)
    );
    assert!(listener.notes.len() <= MAX_NOTES);
    listener.clear();
    assert!(listener.estimate().is_none());
}
