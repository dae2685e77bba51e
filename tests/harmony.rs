//! Harmony voices, each checked alone (the stems `daiw render --stems` writes): the synthetic
//! singer over I-V-vi-IV at 100 BPM with two voices in chord mode. Each voice's pitch, measured
//! with the real detector, sits within 20 cents of a tone of the chord sounding then on at least
//! 95 % of its voiced frames; the two voices share a pitch class on at most 5 % of the frames
//! both sing; each voice keeps the lead's formants within 3 %. Diatonic mode without chords
//! sings scale tones.

#[path = "support/song.rs"]
mod song;

use daiw::dsp::harmony::{HarmonyMode, Listen};
use daiw::dsp::lpc::median_formants;
use daiw::dsp::VoiceSettings;
use song::*;

const SAMPLE_RATE: f32 = 48_000.0;

/// Correction following the chords (hard), two harmony voices in `mode`, hearing `listen`.
fn settings(mode: HarmonyMode, listen: Listen) -> VoiceSettings {
    let mut s = hard_tuning_in_c(daiw::dsp::correction::FollowChords::ChordAndScale);
    s.harmony.voices = 2;
    s.harmony.mode = mode;
    s.harmony.level = 0.8;
    s.harmony.listen = listen;
    s
}

fn pitch_class(hz: f32) -> i32 {
    ((6900.0 + 1200.0 * (hz / 440.0).log2()) / 100.0).round() as i32 % 12
}

#[test]
fn voices_sing_chord_tones_on_different_pitch_classes_with_the_leads_formants() {
    let tones = chords(&["C", "G", "Am", "F"], "C major");
    let (input, truth) = sing_bars(&POP_LINE, -12.0, SAMPLE_RATE);
    let changes = bar_changes(&tones, SAMPLE_RATE);
    let voiced_truth = |i: usize| truth_voiced(&truth, SAMPLE_RATE, i as f64 / SAMPLE_RATE as f64);
    let (f1_in, f2_in) = median_formants(&input, SAMPLE_RATE, voiced_truth).expect("formants");
    let mut tracks = Vec::new();
    for voice in 0..2u8 {
        let stem = render(
            &input,
            SAMPLE_RATE,
            &settings(HarmonyMode::Chord, Listen::Voice(voice)),
            &changes,
        );
        let rows = track(&stem);
        let (share, judged) = share_on_chord_tones(&rows, &truth, SAMPLE_RATE, &tones, 20.0);
        let mono = stem.mono();
        let (f1, f2) = median_formants(&mono, SAMPLE_RATE, voiced_truth).expect("formants");
        println!(
            "voice {}: {:.1} % of {judged} frames on chord tones; F1 {f1:.0} Hz (x{:.3}), F2 \
             {f2:.0} Hz (x{:.3})",
            voice + 1,
            100.0 * share,
            f1 / f1_in,
            f2 / f2_in
        );
        assert!(judged > 1_000, "voice {voice}: {judged}");
        assert!(share >= 0.95, "voice {voice}: {share}");
        assert!(
            (f1 / f1_in - 1.0).abs() <= 0.03,
            "voice {voice}: F1 x{}",
            f1 / f1_in
        );
        assert!(
            (f2 / f2_in - 1.0).abs() <= 0.03,
            "voice {voice}: F2 x{}",
            f2 / f2_in
        );
        tracks.push(rows);
    }
    let (mut both, mut same) = (0, 0);
    for (a, b) in tracks[0].iter().zip(&tracks[1]) {
        if a.voiced && b.voiced && truth_voiced(&truth, SAMPLE_RATE, a.time_s) {
            both += 1;
            if pitch_class(a.f0_hz) == pitch_class(b.f0_hz) {
                same += 1;
            }
        }
    }
    let shared = same as f32 / both.max(1) as f32;
    println!(
        "voices on the same pitch class: {:.1} % of {both} frames",
        100.0 * shared
    );
    assert!(both > 1_000, "{both}");
    assert!(shared <= 0.05, "{shared}");
}

#[test]
fn without_chords_diatonic_voices_sing_scale_tones_and_the_lead_stem_is_the_lead() {
    let (input, truth) = sing_bars(&POP_LINE, -12.0, SAMPLE_RATE);
    let c_major = chords(&["C"], "C major");
    let scale = [0b1010_1011_0101u16];
    for voice in 0..2u8 {
        let stem = render(
            &input,
            SAMPLE_RATE,
            &settings(HarmonyMode::Diatonic, Listen::Voice(voice)),
            &[],
        );
        let rows = track(&stem);
        let mut judged = 0;
        let mut good = 0;
        for row in rows.iter().filter(|r| r.voiced) {
            if truth_voiced(&truth, SAMPLE_RATE, row.time_s) {
                judged += 1;
                if cents_to_mask(row.f0_hz, scale[0]) <= 20.0 {
                    good += 1;
                }
            }
        }
        let share = good as f32 / judged.max(1) as f32;
        println!(
            "diatonic voice {}: {:.1} % of {judged} on the scale",
            voice + 1,
            100.0 * share
        );
        assert!(judged > 1_000 && share >= 0.95, "{share} of {judged}");
    }
    // The lead stem has no harmony: the same as a render without voices.
    let lead = render(
        &input,
        SAMPLE_RATE,
        &settings(HarmonyMode::Chord, Listen::Lead),
        &[],
    );
    let mut alone = settings(HarmonyMode::Chord, Listen::All);
    alone.harmony.voices = 0;
    let reference = render(&input, SAMPLE_RATE, &alone, &[]);
    assert_eq!(lead.channels, reference.channels);
    let _ = c_major;
}
