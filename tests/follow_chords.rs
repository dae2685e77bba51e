//! Correction that follows the backing's chords, measured on the output with the real pitch
//! detector: the synthetic singer over I-V-vi-IV at 100 BPM, passing notes included, on a
//! baritone at 48 kHz and an octave higher at 44.1 kHz; borrowed chords (bVII, iv in C major)
//! never pull the singer to the key note they replace; a custom note set without F# never
//! lands on F#.

#[path = "support/song.rs"]
mod song;

use daiw::dsp::correction::FollowChords;
use daiw::dsp::VoiceSettings;
use daiw::music::theory::PitchClass;
use song::*;

/// Hard-snap correction in C major following the chords as `follow` says.
fn settings(follow: FollowChords) -> VoiceSettings {
    hard_tuning_in_c(follow)
}

/// The measured track around a failing frame, for the log.
fn print_around(rows: &[daiw::offline::analyze::PitchRow], seconds: f64) {
    for row in rows.iter().filter(|r| (r.time_s - seconds).abs() < 0.03) {
        println!(
            "{:.3} s {:.1} Hz voiced {}",
            row.time_s, row.f0_hz, row.voiced
        );
    }
}

#[test]
fn chord_tones_only_puts_95_percent_of_frames_within_20_cents_of_the_chord() {
    let tones = chords(&["C", "G", "Am", "F"], "C major");
    for (sample_rate, transpose) in [(48_000.0f32, -12.0f32), (44_100.0, 0.0)] {
        let (input, truth) = sing_bars(&POP_LINE, transpose, sample_rate);
        let changes = bar_changes(&tones, sample_rate);
        let out = render(
            &input,
            sample_rate,
            &settings(FollowChords::ChordTones),
            &changes,
        );
        let rows = track(&out);
        let (share, judged) = share_on_chord_tones(&rows, &truth, sample_rate, &tones, 20.0);
        // The input itself is mostly not on chord tones (passing notes, 20-30 cents off).
        let raw = track(&render(&input, sample_rate, &VoiceSettings::default(), &[]));
        let (raw_share, _) = share_on_chord_tones(&raw, &truth, sample_rate, &tones, 20.0);
        println!(
            "{sample_rate} Hz, {transpose:+} st: {:.1} % of {judged} frames on chord tones \
             (input {:.1} %)",
            100.0 * share,
            100.0 * raw_share
        );
        assert!(judged > 1_000, "{judged}");
        assert!(share >= 0.95, "{share}");
        assert!(raw_share < 0.6, "the test line is too easy: {raw_share}");
    }
}

#[test]
fn a_borrowed_chord_never_pulls_to_the_key_note_it_replaces() {
    // C | Bb (bVII) | C | Fm (iv): over Bb the singer aims near B, over Fm near A.
    let tones = chords(&["C", "Bb", "C", "Fm"], "C major");
    let line = [
        [64.2, 62.2, 60.2, 67.1],
        [70.6, 71.3, 74.2, 70.7], // B-ish notes over Bb
        [64.2, 65.3, 67.2, 72.1],
        [68.6, 69.3, 65.2, 69.4], // A-ish notes over Fm
    ];
    let replaced = [None, Some(11), None, Some(9)];
    let sample_rate = 48_000.0;
    let (input, truth) = sing_bars(&line, -12.0, sample_rate);
    let changes = bar_changes(&tones, sample_rate);
    for follow in [FollowChords::ChordTones, FollowChords::ChordAndScale] {
        let rows = track(&render(&input, sample_rate, &settings(follow), &changes));
        let mut judged = 0;
        for row in &rows {
            if !row.voiced || !truth_voiced(&truth, sample_rate, row.time_s) {
                continue;
            }
            let Some(bar) = bar_at(row.time_s, tones.len()) else {
                continue;
            };
            if let Some(pc) = replaced[bar] {
                judged += 1;
                let cents = cents_to_mask(row.f0_hz, 1 << pc);
                if cents <= 50.0 {
                    print_around(&rows, row.time_s);
                }
                assert!(
                    cents > 50.0,
                    "{follow:?}: {:.2} s is {cents:.0} cents from the replaced note",
                    row.time_s
                );
            }
        }
        assert!(judged > 300, "{judged}");
    }
    // Without following, the same singer lands on B and A (the test can fail).
    let rows = track(&render(
        &input,
        sample_rate,
        &settings(FollowChords::Off),
        &changes,
    ));
    let on_replaced = rows
        .iter()
        .filter(|r| r.voiced && truth_voiced(&truth, sample_rate, r.time_s))
        .filter_map(|r| {
            bar_at(r.time_s, 4)
                .and_then(|b| replaced[b])
                .map(|pc| (r, pc))
        })
        .filter(|(r, pc)| cents_to_mask(r.f0_hz, 1 << pc) < 20.0)
        .count();
    assert!(on_replaced > 300, "{on_replaced}");
}

#[test]
fn a_custom_note_set_without_f_sharp_never_lands_on_f_sharp() {
    // G major without F# (C D E G A B): the singer sings F#-ish notes.
    let mask: u16 = [0, 2, 4, 7, 9, 11].iter().fold(0, |m, pc| m | 1 << pc);
    let mut s = settings(FollowChords::Off);
    s.tune.key = PitchClass::G;
    s.tune.note_mask = mask;
    // The last note of the first bar sits exactly on a target (G): the shifter stays engaged
    // through a shift hovering around zero (it used to flip to the dry voice and back).
    let line = [[66.2, 65.8, 66.4, 67.0], [68.1, 66.0, 54.3, 66.3]];
    let sample_rate = 48_000.0;
    let (input, truth) = sing_bars(&line, -12.0, sample_rate);
    // What the corrector aims at (its analysis frames) is never F#...
    let mut chain = daiw::dsp::VoiceChain::default();
    chain.set_settings(&s);
    chain.prepare(sample_rate, 512);
    let mut buffer = input.clone();
    let mut targets = 0;
    for block in buffer.chunks_mut(512) {
        chain.process(&mut [block]);
        chain.drain_analysis(|frame| {
            if frame.output_hz > 0.0 {
                targets += 1;
                let cents = cents_to_mask(frame.output_hz, 1 << 6);
                assert!(
                    cents > 40.0,
                    "{:.3} s aims {cents:.0} cents from F#",
                    frame.time_seconds
                );
            }
        });
    }
    assert!(targets > 300, "{targets}");
    // ...and neither is what comes out, measured.
    let rows = track(&render(&input, sample_rate, &s, &[]));
    let mut judged = 0;
    for row in rows.iter().filter(|r| r.voiced) {
        if !truth_voiced(&truth, sample_rate, row.time_s) {
            continue;
        }
        judged += 1;
        let cents = cents_to_mask(row.f0_hz, 1 << 6);
        if cents <= 50.0 {
            print_around(&rows, row.time_s);
        }
        assert!(
            cents > 50.0,
            "{:.2} s: {cents:.0} cents from F#",
            row.time_s
        );
    }
    assert!(judged > 300, "{judged}");
}
