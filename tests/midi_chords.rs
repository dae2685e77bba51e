//! Chords held on the MIDI input, the plugin's way but without a host: note events recorded at
//! their sample (`HeldNotes`), the held chord scheduled with its release hold
//! (`chord_follow::segments`) and each stretch played through the voice chain
//! (`chord_follow::play`). At 44.1 kHz, an octave above the CLAP test's singer: the corrected
//! lead and each harmony voice in chord mode (heard alone) sit within 20 cents of a tone of the
//! held chord on at least 95 % of the judged frames; a released chord holds for 0.3 s, then
//! the key rules again; under the sustain pedal (a high voice at 44.1 kHz) it holds until
//! the pedal comes up and lapses 0.3 s after.

#[path = "support/song.rs"]
mod song;

use daiw::dsp::correction::{cents_to_hz, hz_to_cents, FollowChords};
use daiw::dsp::harmony::{HarmonyMode, Listen};
use daiw::dsp::synthetic_singer::{sing, Segment as Sung, SingerConfig};
use daiw::dsp::{AnalysisFrame, VoiceChain, VoiceSettings};
use daiw::offline::wav::{Audio, WavFormat};
use daiw::plugin::chord_follow::{play, segments, BlockChords, Segment, MAX_SEGMENTS};
use daiw::plugin::midi_chords::{ChordHold, HeldNotes, RELEASE_HOLD_SECONDS};
use song::*;

/// Hard-snap correction in C major following the chords, `voices` harmony voices in chord
/// mode, hearing `listen`.
fn settings(voices: u8, listen: Listen) -> VoiceSettings {
    let mut s = hard_tuning_in_c(FollowChords::ChordTones);
    s.harmony.voices = voices;
    s.harmony.mode = HarmonyMode::Chord;
    s.harmony.level = 0.8;
    s.harmony.listen = listen;
    s
}

/// What a held-chord run gives back: the output without the chain's latency, and the
/// analysis frames (what the lead was steered to, and when).
struct Played {
    audio: Audio,
    frames: Vec<AnalysisFrame>,
}

/// Plays mono `input` through a chain with `settings` in `block`-sample blocks, with `notes`
/// (input sample, pressed, MIDI note; sorted) on the MIDI input, as the plugin does.
fn play_held(
    input: &[f32],
    sample_rate: f32,
    settings: &VoiceSettings,
    notes: &[(usize, bool, u8)],
    block: usize,
) -> Played {
    play_pedalled(input, sample_rate, settings, notes, &[], block)
}

/// `play_held` with the sustain pedal: `pedal` holds (input sample, CC 64 value 0..=1),
/// sorted; at the same sample a note goes first.
fn play_pedalled(
    input: &[f32],
    sample_rate: f32,
    settings: &VoiceSettings,
    notes: &[(usize, bool, u8)],
    pedal: &[(usize, f32)],
    block: usize,
) -> Played {
    let mut chain = VoiceChain::default();
    chain.set_settings(settings);
    chain.prepare(sample_rate, block);
    let latency = chain.latency_samples();
    let mut held = HeldNotes::default();
    let mut hold = ChordHold::default();
    hold.prepare(sample_rate);
    let mut left = input.to_vec();
    left.resize(input.len() + latency, 0.0);
    let mut right = left.clone();
    let mut frames = Vec::new();
    let (mut next, mut next_pedal) = (0, 0);
    let mut start = 0;
    while start < left.len() {
        let end = (start + block).min(left.len());
        held.begin_block();
        loop {
            let note = notes.get(next).filter(|n| n.0 < end);
            let cc = pedal.get(next_pedal).filter(|p| p.0 < end);
            match (note, cc) {
                (Some(&(at, pressed, key)), c) if c.is_none_or(|c| at <= c.0) => {
                    if pressed {
                        held.note_on(at - start, key);
                    } else {
                        held.note_off(at - start, key);
                    }
                    next += 1;
                }
                (_, Some(&(at, value))) => {
                    held.control_change(at - start, 64, value);
                    next_pedal += 1;
                }
                _ => break,
            }
        }
        let mut stretches = [Segment::default(); MAX_SEGMENTS];
        let block_chords = BlockChords {
            backing: &[(0, None)],
            notes: held.changes(),
            key: (settings.tune.key, settings.tune.scale),
            frames: end - start,
        };
        let count = segments(block_chords, &mut hold, &mut stretches);
        play(
            &mut chain,
            &mut [&mut left[start..end], &mut right[start..end]],
            &stretches[..count],
        );
        chain.drain_analysis(|f| frames.push(f));
        start = end;
    }
    Played {
        audio: Audio {
            channels: vec![left[latency..].to_vec(), right[latency..].to_vec()],
            sample_rate: sample_rate as u32,
            format: WavFormat {
                bits: 32,
                float: true,
            },
        },
        frames,
    }
}

#[test]
fn the_lead_and_each_harmony_voice_sing_the_held_chord() {
    let sample_rate = 44_100.0;
    let tones = chords(&["C", "G", "Am", "F"], "C major");
    let (input, truth) = sing_bars(&POP_LINE, 0.0, sample_rate);
    let notes = held_chord_notes(&tones, sample_rate, input.len());
    let heard = [
        ("lead", settings(0, Listen::All)),
        ("voice 1", settings(2, Listen::Voice(0))),
        ("voice 2", settings(2, Listen::Voice(1))),
    ];
    for (name, s) in heard {
        let played = play_held(&input, sample_rate, &s, &notes, 441);
        let rows = track(&played.audio);
        let (share, judged) = share_on_chord_tones(&rows, &truth, sample_rate, &tones, 20.0);
        println!(
            "{name}: {:.1} % of {judged} frames within 20 cents of a held chord tone",
            100.0 * share
        );
        assert!(judged > 1_000, "{name}: {judged}");
        assert!(share >= 0.95, "{name}: {share}");
    }
}

#[test]
fn a_released_chord_holds_for_a_moment_then_the_key_rules() {
    // D4 + 30 cents sung for 2 s; F-A-C held for the first 0.8 s. Over F the nearest chord
    // tone is C4; once the hold has run out, the key's D4.
    let sample_rate = 48_000.0;
    let sung = sing(
        &[Sung::Note {
            midi: 62.3,
            seconds: 2.0,
            vibrato_cents: 0.0,
            vibrato_hz: 5.5,
        }],
        &SingerConfig {
            sample_rate,
            ..SingerConfig::default()
        },
    );
    let release = 0.8;
    let at = |seconds: f64| (seconds * f64::from(sample_rate)) as usize;
    let mut notes: Vec<(usize, bool, u8)> = [53u8, 57, 60].iter().map(|&n| (0, true, n)).collect();
    notes.extend([53u8, 57, 60].iter().map(|&n| (at(release), false, n)));
    let played = play_held(
        &sung.samples,
        sample_rate,
        &settings(0, Listen::All),
        &notes,
        512,
    );
    let lapse = release + f64::from(RELEASE_HOLD_SECONDS);
    // Frames whose detector window may straddle a switch are left out.
    let margin = 0.06;
    let (mut on_c, mut on_d) = (0, 0);
    for frame in played.frames.iter().filter(|f| f.output_hz > 0.0) {
        let t = frame.time_seconds;
        let cents = hz_to_cents(frame.output_hz);
        if (0.1..lapse - margin).contains(&t) {
            on_c += 1;
            assert!(
                (cents - 6000.0).abs() < 10.0,
                "{t:.3} s: {cents:.0} cents, not C4"
            );
        } else if (lapse + margin..1.9).contains(&t) {
            on_d += 1;
            assert!(
                (cents - 6200.0).abs() < 10.0,
                "{t:.3} s: {cents:.0} cents, not D4"
            );
        }
    }
    println!(
        "release hold: {on_c} frames steered to C4 until {lapse:.2} s, {on_d} to D4 after \
         ({:.0} Hz)",
        cents_to_hz(6200.0)
    );
    assert!(on_c > 150 && on_d > 100, "{on_c} {on_d}");
}

#[test]
fn a_pedalled_chord_holds_a_high_voice_until_the_pedal_comes_up() {
    // G5 + 40 cents sung for 3 s at 44.1 kHz. A-C-E pressed at 0, the pedal down at 0.2 s,
    // the keys lifted at 0.4 s, the pedal up at 1.9 s (mid-block). Over Am the nearest chord
    // tone is A5; once the chord has lapsed, C major's G5.
    let sample_rate = 44_100.0;
    let sung = sing(
        &[Sung::Note {
            midi: 79.4,
            seconds: 3.0,
            vibrato_cents: 0.0,
            vibrato_hz: 5.5,
        }],
        &SingerConfig {
            sample_rate,
            ..SingerConfig::default()
        },
    );
    let at = |seconds: f64| (seconds * f64::from(sample_rate)) as usize;
    let mut notes: Vec<(usize, bool, u8)> = [57u8, 60, 64].iter().map(|&n| (0, true, n)).collect();
    notes.extend([57u8, 60, 64].iter().map(|&n| (at(0.4), false, n)));
    let pedal_up = 1.9;
    let pedal = [(at(0.2), 1.0), (at(pedal_up) + 17, 0.0)];
    let played = play_pedalled(
        &sung.samples,
        sample_rate,
        &settings(0, Listen::All),
        &notes,
        &pedal,
        441,
    );
    let lapse = pedal_up + f64::from(RELEASE_HOLD_SECONDS);
    let margin = 0.06;
    let (mut on_a, mut on_g) = (0, 0);
    for frame in played.frames.iter().filter(|f| f.output_hz > 0.0) {
        let t = frame.time_seconds;
        let cents = hz_to_cents(frame.output_hz);
        if (0.1..lapse - margin).contains(&t) {
            on_a += 1;
            assert!(
                (cents - 8100.0).abs() < 10.0,
                "{t:.3} s: {cents:.0} cents, not A5 while the pedal holds Am"
            );
        } else if (lapse + margin..2.9).contains(&t) {
            on_g += 1;
            assert!(
                (cents - 7900.0).abs() < 10.0,
                "{t:.3} s: {cents:.0} cents, not G5 after the hold"
            );
        }
    }
    println!("sustain pedal: {on_a} frames steered to A5 until {lapse:.2} s, {on_g} to G5 after");
    assert!(on_a > 250 && on_g > 60, "{on_a} {on_g}");
}
