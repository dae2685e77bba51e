//! The live tracker on made-up pitch tracks with known notes (one frame per 5 ms hop). The
//! frames' times are the truth here; an attack's note-on is dated `LEVEL_LAG_S` before the
//! level rose, which the real detector's frames need (`live_onsets`).

use super::*;
use crate::dsp::live_onsets::LEVEL_LAG_S;
use crate::music::theory::Key;

const SR: f32 = 48_000.0;
const HOP: f64 = 0.005;
const LATENCY: usize = 480;

fn hz(midi: f32) -> f32 {
    440.0 * ((midi - 69.0) / 12.0).exp2()
}

/// Frames from `pitch(t)` (fractional MIDI, `None` = unvoiced) over `seconds`, then silence.
fn frames(seconds: f64, pitch: impl Fn(f64) -> Option<f32>) -> Vec<AnalysisFrame> {
    let count = (seconds / HOP).round() as usize;
    (0..count + 20)
        .map(|i| {
            let t = i as f64 * HOP;
            let p = if i < count { pitch(t) } else { None };
            AnalysisFrame {
                time_seconds: t,
                detected_hz: p.map_or(0.0, hz),
                output_hz: 0.0,
                voicing: match (p, i < count) {
                    (Some(_), _) => Voicing::Voiced,
                    (None, true) => Voicing::Unvoiced,
                    (None, false) => Voicing::Silence,
                },
                level_db: match (p, i < count) {
                    (Some(_), _) => -12.0,
                    (None, true) => -40.0,
                    (None, false) => -120.0,
                },
            }
        })
        .collect()
}

fn run(frames: &[AnalysisFrame], key: impl Into<NoteNames>) -> Vec<NoteChange> {
    let mut tracker = LiveNoteTracker::default();
    tracker.prepare(SR, 512);
    tracker.set_latency(LATENCY);
    tracker.set_names(key);
    let mut out = Vec::new();
    for frame in frames {
        tracker.push(frame, &mut |c| out.push(c));
    }
    assert_eq!(tracker.sounding(), None, "a note hangs at the end");
    assert!(
        out.windows(2).all(|w| w[0].sample <= w[1].sample),
        "events go back in time: {out:?}"
    );
    out
}

fn ons(changes: &[NoteChange]) -> Vec<(u8, f64)> {
    changes
        .iter()
        .filter(|c| c.velocity.is_some())
        .map(|c| (c.note, (c.sample as f64 - LATENCY as f64) / f64::from(SR)))
        .collect()
}

/// Every note-on is followed by its note-off before the next note-on.
fn assert_paired(changes: &[NoteChange]) {
    let mut sounding: Option<u8> = None;
    for c in changes {
        match (c.velocity, sounding) {
            (Some(_), None) => sounding = Some(c.note),
            (None, Some(n)) if n == c.note => sounding = None,
            _ => panic!("unpaired {c:?} while {sounding:?} sounds: {changes:?}"),
        }
    }
    assert_eq!(sounding, None);
}

#[test]
fn a_held_note_starts_after_the_confirmation_and_ends_at_silence() {
    let track = frames(1.0, |t| (t >= 0.1).then_some(60.0));
    let changes = run(&track, None);
    assert_paired(&changes);
    let on = ons(&changes);
    assert_eq!(on.len(), 1, "{changes:?}");
    assert_eq!(on[0].0, 60);
    // Onset at 0.1 s (confirmed seven hops later), dated back to where the level rose.
    assert!((on[0].1 - (0.1 - LEVEL_LAG_S)).abs() <= HOP, "{on:?}");
    let off = changes[1];
    assert_eq!(off.velocity, None);
    assert_eq!(off.sample, (1.0 * f64::from(SR)) as u64 + LATENCY as u64);
}

#[test]
fn vibrato_of_any_usual_depth_is_one_note() {
    // Up to 50 cents (peak), as singers use it; a 100-cent operatic vibrato is beyond the
    // hysteresis (see `LEAP_ST`).
    for (depth_cents, rate) in [(25.0, 5.0), (50.0, 5.5), (50.0, 7.5), (50.0, 4.5)] {
        let track = frames(1.5, |t| {
            Some(62.0 + depth_cents / 100.0 * (std::f64::consts::TAU * rate * t).sin() as f32)
        });
        let changes = run(&track, None);
        assert_paired(&changes);
        let on = ons(&changes);
        assert_eq!(on.len(), 1, "{depth_cents} c at {rate} Hz: {on:?}");
        assert_eq!(on[0].0, 62);
        // Settling near a vibrato peak takes at most about half a cycle.
        assert!(on[0].1 <= 0.5 / rate + 0.04, "{depth_cents} c: late {on:?}");
    }
}

#[test]
fn a_glide_between_notes_starts_no_note_of_its_own() {
    // A fifth in 150 ms, then an octave and a bit down in 350 ms (the synthetic singer's).
    let track = frames(2.0, |t| {
        Some(if t < 0.6 {
            57.0
        } else if t < 0.75 {
            57.0 + 7.0 * ((t - 0.6) / 0.15) as f32
        } else if t < 1.3 {
            64.0
        } else if t < 1.65 {
            64.0 - 14.6 * ((t - 1.3) / 0.35) as f32
        } else {
            49.4
        })
    });
    let changes = run(&track, None);
    assert_paired(&changes);
    let on = ons(&changes);
    let notes: Vec<u8> = on.iter().map(|o| o.0).collect();
    assert_eq!(notes, vec![57, 64, 49], "{on:?}");
    // Each note starts where the glide arrived (though decided 35 ms later).
    assert!((on[1].1 - 0.75).abs() <= HOP + 1e-9, "{on:?}");
    assert!((on[2].1 - 1.65).abs() <= HOP + 1e-9, "{on:?}");
}

#[test]
fn legato_steps_change_the_note_without_a_gap() {
    // A semitone step waits out a vibrato's reach; a third goes as soon as it holds.
    let track = frames(1.5, |t| {
        Some(if t < 0.5 {
            60.0
        } else if t < 1.0 {
            61.0
        } else {
            64.0
        })
    });
    let changes = run(&track, None);
    assert_paired(&changes);
    let on = ons(&changes);
    let notes: Vec<u8> = on.iter().map(|o| o.0).collect();
    assert_eq!(notes, vec![60, 61, 64], "{on:?}");
    // Each is dated where the pitch crossed over, though decided 35-70 ms later.
    assert!((on[1].1 - 0.5).abs() <= HOP, "{on:?}");
    assert!((on[2].1 - 1.0).abs() <= HOP, "{on:?}");
    // The off of one note and the on of the next share a sample.
    let steps: Vec<&[NoteChange]> = changes
        .windows(2)
        .filter(|w| w[1].velocity.is_some())
        .collect();
    assert_eq!(steps.len(), 2);
    for pair in steps {
        assert_eq!(pair[0].sample, pair[1].sample);
    }
}

#[test]
fn dropouts_are_bridged_and_consonants_end_the_note() {
    // 15 ms of dropout inside a note; then a 60 ms consonant before the same note again.
    let track = frames(1.2, |t| {
        let dropout = (0.40..0.415).contains(&t);
        let consonant = (0.7..0.76).contains(&t);
        (!dropout && !consonant).then_some(67.0)
    });
    let changes = run(&track, None);
    assert_paired(&changes);
    let on = ons(&changes);
    assert_eq!(on.len(), 2, "{changes:?}");
    assert!(on[1].1 > 0.76 - LEVEL_LAG_S - HOP, "{on:?}");
    // The first note ended where the consonant began.
    let off = changes[1];
    assert_eq!(off.velocity, None);
    assert_eq!(
        off.sample,
        (0.7 * f64::from(SR)).round() as u64 + LATENCY as u64
    );
}

#[test]
fn the_key_names_an_off_key_pitch() {
    let c_major = Key::from_pitch_class(
        crate::music::theory::PitchClass::C,
        crate::music::theory::ScaleKind::Major,
    );
    let track = frames(0.5, |_| Some(66.3));
    assert_eq!(ons(&run(&track, Some(c_major)))[0].0, 67);
    assert_eq!(ons(&run(&track, None))[0].0, 66);
    // A custom note set names it by its own notes, not the key's: only C, E and F here.
    let c_e_f = NoteNames::Custom(1 << 0 | 1 << 4 | 1 << 5);
    assert_eq!(ons(&run(&track, c_e_f))[0].0, 65);
    let only_f_sharp = NoteNames::for_tuning(Some(c_major), 1 << 6);
    assert_eq!(ons(&run(&track, only_f_sharp))[0].0, 66);
}

#[test]
fn a_semitone_step_from_a_steady_note_is_still_quick() {
    // Without vibrato the plain rules decide: dated on the crossing (see the legato test).
    let track = frames(1.2, |t| Some(if t < 0.6 { 64.0 } else { 65.0 }));
    let on = ons(&run(&track, None));
    assert_eq!(on.iter().map(|o| o.0).collect::<Vec<_>>(), vec![64, 65]);
    assert!((on[1].1 - 0.6).abs() <= HOP, "{on:?}");
}

#[test]
fn release_ends_the_note_and_garbage_starts_none() {
    let mut tracker = LiveNoteTracker::default();
    tracker.prepare(44_100.0, 64);
    let mut out = Vec::new();
    for frame in frames(0.3, |_| Some(69.0)).iter().take(40) {
        tracker.push(frame, &mut |c| out.push(c));
    }
    assert_eq!(tracker.sounding(), Some(69));
    assert_eq!(tracker.release(), Some(69));
    assert_eq!(tracker.release(), None);
    let mut garbage = frames(0.2, |_| Some(69.0));
    for f in garbage.iter_mut() {
        f.detected_hz = f32::NAN;
        f.time_seconds = f64::NAN;
    }
    for frame in &garbage {
        tracker.push(frame, &mut |c| out.push(c));
    }
    assert_eq!(out.iter().filter(|c| c.velocity.is_some()).count(), 1);
    assert!(velocity(f32::NAN) >= MIN_VELOCITY && velocity(0.0) <= 1.0);
}
