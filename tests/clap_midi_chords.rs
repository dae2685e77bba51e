//! Chords held on the MIDI input drive Follow Chords in the real CLAP bundle (built with
//! `assert_process_allocs`, so any allocation on the audio thread aborts the test), with no
//! backing: a keyboard player holds I-V-vi-IV at 100 BPM while the synthetic singer sings
//! passing notes up to 30 cents off; the output, measured with the real pitch detector, sits
//! within 20 cents of a tone of the held chord on at least 95 % of the judged frames; over a
//! held borrowed chord (bVII, iv in C) no frame is pulled to the key note it replaces; and a
//! run of fast chord changes inside 4096-sample blocks gives the same output as the same
//! notes in small and odd blocks (each change lands on its sample, wherever the block ends).
//! Build the bundle first: `cargo xtask bundle daiw --profile release-checked --features
//! standalone,assert_process_allocs`.

#[path = "common/clap_host.rs"]
mod clap_host;
#[path = "support/song.rs"]
mod song;

use clap_host::session::{playing, Session};
use clap_host::{breadcrumb, BlockPattern, NoteIn, Signal};
use daiw::dsp::harmony::chord_track::ChordTones;
use daiw::offline::wav::{Audio, WavFormat};
use song::*;

const SAMPLE_RATE: f32 = 48_000.0;

/// Follow Chords' CLAP values.
const CHORD_TONES: f64 = 1.0;
const CHORD_AND_SCALE: f64 = 2.0;

/// Runs the plugin over mono `input` (on both channels) with hard-snap correction in C major,
/// Follow Chords at `follow` and `voices` harmony voices, no backing, the transport playing at
/// 100 BPM and `notes` held on the MIDI input; returns the output with the plugin's latency
/// taken off.
fn run(input: &[f32], follow: f64, voices: f64, notes: &[NoteIn], blocks: BlockPattern) -> Audio {
    let mut session = Session::open(None);
    let changes = [
        session.set("Backing", 0.0),
        session.set("Follow Chords", follow),
        session.set("Retune Speed", session.param("Retune Speed").min),
        session.set("Humanize", 0.0),
        session.set("Vibrato Preservation", 0.0),
        session.set("Harmony Voices", voices),
    ];
    session
        .plugin
        .activate(f64::from(SAMPLE_RATE), blocks.max_block());
    let latency = session.plugin.latency() as usize;
    // The input, then a latency's worth of silence so the whole line comes out.
    let mut padded = input.to_vec();
    padded.resize(input.len() + latency, 0.0);
    let mut signal = Signal {
        input: vec![padded.clone(); 2],
        output: vec![vec![f32::NAN; padded.len()]; 2],
        reference: vec![padded; 2],
    };
    session
        .plugin
        .run_with_notes(&mut signal, blocks, &changes, notes, playing(100.0, false))
        .unwrap_or_else(|e| panic!("run: {e}"));
    session.plugin.deactivate();
    for channel in &signal.output {
        assert!(channel.iter().all(|x| x.is_finite()), "non-finite output");
    }
    Audio {
        channels: signal
            .output
            .iter()
            .map(|c| c[latency..].to_vec())
            .collect(),
        sample_rate: SAMPLE_RATE as u32,
        format: WavFormat {
            bits: 32,
            float: true,
        },
    }
}

/// The held chords of `tones`, one a bar, as the host's note events.
fn held(tones: &[ChordTones], end: usize) -> Vec<NoteIn> {
    held_chord_notes(tones, SAMPLE_RATE, end)
        .into_iter()
        .map(|(at, on, key)| {
            if on {
                NoteIn::on(at, key.into())
            } else {
                NoteIn::off(at, key.into())
            }
        })
        .collect()
}

#[test]
fn held_chords_put_95_percent_of_frames_within_20_cents_of_a_chord_tone() {
    breadcrumb("clap midi chords: I-V-vi-IV held, chord tones only");
    let tones = chords(&["C", "G", "Am", "F"], "C major");
    let (input, truth) = sing_bars(&POP_LINE, -12.0, SAMPLE_RATE);
    let notes = held(&tones, input.len());
    let out = run(&input, CHORD_TONES, 0.0, &notes, BlockPattern::Fixed(512));
    let (share, judged) = share_on_chord_tones(&track(&out), &truth, SAMPLE_RATE, &tones, 20.0);
    // The same settings without a held chord snap to the scale: the passing notes stay off
    // the chord (the measure can fail).
    let unheld = run(&input, CHORD_TONES, 0.0, &[], BlockPattern::Fixed(512));
    let (unheld_share, _) =
        share_on_chord_tones(&track(&unheld), &truth, SAMPLE_RATE, &tones, 20.0);
    println!(
        "held chords: {:.1} % of {judged} frames within 20 cents of a chord tone (without \
         held chords {:.1} %)",
        100.0 * share,
        100.0 * unheld_share
    );
    assert!(judged > 1_000, "{judged}");
    assert!(share >= 0.95, "{share}");
    assert!(unheld_share < 0.9, "the line is too easy: {unheld_share}");
}

#[test]
fn a_held_borrowed_chord_never_pulls_to_the_key_note_it_replaces() {
    breadcrumb("clap midi chords: C Bb C Fm held, chord + scale");
    // Over Bb the singer aims near B, over Fm near A; chord + scale keeps the other scale
    // notes but not the replaced ones.
    let tones = chords(&["C", "Bb", "C", "Fm"], "C major");
    let line = [
        [64.2, 62.2, 60.2, 67.1],
        [70.6, 71.3, 74.2, 70.7],
        [64.2, 65.3, 67.2, 72.1],
        [68.6, 69.3, 65.2, 69.4],
    ];
    let replaced = [None, Some(11), None, Some(9)];
    let (input, truth) = sing_bars(&line, -12.0, SAMPLE_RATE);
    let notes = held(&tones, input.len());
    let rows = track(&run(
        &input,
        CHORD_AND_SCALE,
        0.0,
        &notes,
        BlockPattern::Varying,
    ));
    let mut judged = 0;
    for row in rows.iter().filter(|r| r.voiced) {
        if !truth_voiced(&truth, SAMPLE_RATE, row.time_s) {
            continue;
        }
        let Some(pc) = bar_at(row.time_s, tones.len()).and_then(|bar| replaced[bar]) else {
            continue;
        };
        judged += 1;
        let cents = cents_to_mask(row.f0_hz, 1 << pc);
        assert!(
            cents > 50.0,
            "{:.2} s is {cents:.0} cents from the replaced note",
            row.time_s
        );
    }
    println!("borrowed chords: {judged} frames judged, none on a replaced note");
    assert!(judged > 300, "{judged}");
}

#[test]
fn fast_chord_changes_inside_big_blocks_land_on_their_samples() {
    breadcrumb("clap midi chords: fast changes in 4096-sample blocks against odd blocks");
    // C and F alternate every 1,111 samples (23 ms) for two seconds, so most 4096-sample
    // blocks hold three or four changes; harmony voices follow them too.
    let tones = chords(&["C", "F"], "C major");
    let (input, _) = sing_bars(&POP_LINE[..1], -12.0, SAMPLE_RATE);
    let mut notes = Vec::new();
    let mut previous: Option<&ChordTones> = None;
    for (i, at) in (4_000..100_000).step_by(1_111).enumerate() {
        let tone = &tones[i % 2];
        for key in (48u16..60).filter(|&n| previous.is_some_and(|p| p.contains(n.into()))) {
            notes.push(NoteIn::off(at, key));
        }
        for key in (48u16..60).filter(|&n| tone.contains(n.into())) {
            notes.push(NoteIn::on(at, key));
        }
        previous = Some(tone);
    }
    let big = run(&input, CHORD_TONES, 2.0, &notes, BlockPattern::Fixed(4_096));
    let odd = run(&input, CHORD_TONES, 2.0, &notes, BlockPattern::Varying);
    let small = run(&input, CHORD_TONES, 2.0, &notes, BlockPattern::Fixed(64));
    let unheld = run(&input, CHORD_TONES, 2.0, &[], BlockPattern::Fixed(4_096));
    let worst = |a: &Audio, b: &Audio| -> f32 {
        a.channels
            .iter()
            .flatten()
            .zip(b.channels.iter().flatten())
            .map(|(x, y)| (x - y).abs())
            .fold(0.0, f32::max)
    };
    let (odd_diff, small_diff, moved) =
        (worst(&big, &odd), worst(&big, &small), worst(&big, &unheld));
    println!(
        "fast changes: 4096 vs varying blocks differ by {odd_diff:e}, vs 64 by {small_diff:e}; \
         the held chords move the output by {moved:.3}"
    );
    assert!(odd_diff <= 1.0e-5, "{odd_diff}");
    assert!(small_diff <= 1.0e-5, "{small_diff}");
    assert!(moved > 0.01, "the held chords changed nothing: {moved}");
}
