//! A sung line over a chord chart, for the chord-following and harmony tests: the synthetic
//! singer, one bar per chord at 100 BPM (2.4 s), each bar a chord tone, a passing note, a chord
//! tone, a breath and a last note, sung up to 30 cents off and with some vibrato; plus the
//! measurement tools (the real pitch detector on the output, cents to the nearest chord tone).

#![allow(dead_code)]

use daiw::dsp::correction::FollowChords;
use daiw::dsp::harmony::chord_track::ChordTones;
use daiw::dsp::synthetic_singer::{sing, GapKind, Segment, SingerConfig};
use daiw::dsp::VoiceSettings;
use daiw::music::theory::{Key, PitchClass, ScaleKind};
use daiw::offline::analyze::{pitch_track, PitchRow};
use daiw::offline::render::render_with_chords;
use daiw::offline::wav::{Audio, WavFormat};

/// One 4/4 bar at 100 BPM.
pub const BAR_SECONDS: f64 = 2.4;
/// Frames this close to a chord change are left out (the detector's window straddles it).
pub const CHANGE_MARGIN_SECONDS: f64 = 0.03;
/// Frames are judged only where the sung truth is voiced this far either side (onsets and
/// offsets are ill-defined).
pub const VOICED_MARGIN_SECONDS: f64 = 0.045;

/// Hard-snap correction in C major, no humanize and no vibrato kept (the measured pitch is
/// the target), following the chords as `follow` says.
pub fn hard_tuning_in_c(follow: FollowChords) -> VoiceSettings {
    let mut s = VoiceSettings::default();
    s.tune.enabled = true;
    s.tune.key = PitchClass::C;
    s.tune.scale = ScaleKind::Major;
    s.tune.retune_ms = 0.0;
    s.tune.humanize = 0.0;
    s.tune.vibrato = 0.0;
    s.tune.follow_chords = follow;
    s
}

/// The chord symbols heard in `key`.
pub fn chords(symbols: &[&str], key: &str) -> Vec<ChordTones> {
    let key: Key = key.parse().expect("key");
    symbols
        .iter()
        .map(|s| ChordTones::new(s.parse().expect("chord"), key))
        .collect()
}

/// Sings one bar per entry of `bars` (five fractional MIDI pitches each: chord tone, passing
/// note, chord tone, last note after a breath; the fifth is unused padding for symmetry),
/// transposed by `transpose` semitones, at `sample_rate`.
pub fn sing_bars(bars: &[[f32; 4]], transpose: f32, sample_rate: f32) -> (Vec<f32>, Vec<f32>) {
    let note = |midi: f32, seconds: f32, vibrato_cents: f32| Segment::Note {
        midi: midi + transpose,
        seconds,
        vibrato_cents,
        vibrato_hz: 5.5,
    };
    let mut segments = Vec::new();
    for bar in bars {
        segments.push(note(bar[0], 0.65, 20.0));
        segments.push(note(bar[1], 0.5, 0.0));
        segments.push(note(bar[2], 0.65, 25.0));
        segments.push(Segment::Gap {
            seconds: 0.1,
            kind: GapKind::Breath,
        });
        segments.push(note(bar[3], 0.5, 0.0));
    }
    let performance = sing(
        &segments,
        &SingerConfig {
            sample_rate,
            ..SingerConfig::default()
        },
    );
    (performance.samples, performance.f0)
}

/// The I-V-vi-IV line in C: chord tones and passing notes, up to 30 cents off.
pub const POP_LINE: [[f32; 4]; 4] = [
    [64.25, 62.3, 60.2, 67.15], // C: E, D (passing), C, G
    [67.2, 69.25, 71.2, 62.2],  // G: G, A (passing), B, D
    [69.3, 67.3, 64.2, 72.1],   // Am: A, G (passing), E, C
    [65.2, 67.25, 69.2, 72.2],  // F: F, G (passing), A, C
];

/// Chord changes at every bar start, as (input sample, chord).
pub fn bar_changes(tones: &[ChordTones], sample_rate: f32) -> Vec<(usize, ChordTones)> {
    tones
        .iter()
        .enumerate()
        .map(|(bar, &t)| {
            (
                (bar as f64 * BAR_SECONDS * sample_rate as f64).round() as usize,
                t,
            )
        })
        .collect()
}

/// Renders mono `input` (as stereo) through a chain with `settings` over `changes`.
pub fn render(
    input: &[f32],
    sample_rate: f32,
    settings: &VoiceSettings,
    changes: &[(usize, ChordTones)],
) -> Audio {
    let audio = Audio {
        channels: vec![input.to_vec(), input.to_vec()],
        sample_rate: sample_rate as u32,
        format: WavFormat {
            bits: 32,
            float: true,
        },
    };
    render_with_chords(&audio, settings, changes)
}

/// The pitch track of `audio` with the real detector.
pub fn track(audio: &Audio) -> Vec<PitchRow> {
    pitch_track(audio)
}

/// Cents from `hz` to the nearest pitch of a class in `mask`.
pub fn cents_to_mask(hz: f32, mask: u16) -> f32 {
    let cents = 6900.0 + 1200.0 * (hz / 440.0).log2();
    let mut best = f32::INFINITY;
    let centre = (cents / 100.0).round() as i32;
    for n in centre - 7..=centre + 7 {
        if mask & (1 << n.rem_euclid(12)) != 0 {
            best = best.min((cents - n as f32 * 100.0).abs());
        }
    }
    best
}

/// The bar (chord index, looping over `bars`) at `seconds`, unless a change is within the
/// margin.
pub fn bar_at(seconds: f64, bars: usize) -> Option<usize> {
    let position = seconds / BAR_SECONDS;
    let into = (position - position.floor()) * BAR_SECONDS;
    if into < CHANGE_MARGIN_SECONDS || BAR_SECONDS - into < CHANGE_MARGIN_SECONDS {
        return None;
    }
    Some(position.floor() as usize % bars.max(1))
}

/// Largest pitch movement (cents) of the sung truth within the margin for a frame to be judged:
/// above the 50 cents peak to peak of the vibrato (25 cents peak), below any note change, so frames whose
/// detector window straddles two notes (the output jumps there) are left out.
pub const STEADY_CENTS: f32 = 60.0;

/// Whether the sung truth is voiced and on one note around `seconds`.
pub fn truth_voiced(truth: &[f32], sample_rate: f32, seconds: f64) -> bool {
    let centre = seconds * sample_rate as f64;
    let margin = VOICED_MARGIN_SECONDS * sample_rate as f64;
    let (start, end) = ((centre - margin).floor(), (centre + margin).ceil());
    if start < 0.0 || end as usize >= truth.len() {
        return false;
    }
    let span = &truth[start as usize..=end as usize];
    if !span.iter().all(|&f| f > 0.0) {
        return false;
    }
    let (low, high) = span
        .iter()
        .fold((f32::INFINITY, 0.0f32), |(l, h), &f| (l.min(f), h.max(f)));
    1200.0 * (high / low).log2() < STEADY_CENTS
}

/// Share of judged frames (voiced in the truth and the output, away from changes) within
/// `limit` cents of a tone of the chord sounding then, and how many were judged.
pub fn share_on_chord_tones(
    rows: &[PitchRow],
    truth: &[f32],
    sample_rate: f32,
    tones: &[ChordTones],
    limit: f32,
) -> (f32, usize) {
    let (mut good, mut judged) = (0usize, 0usize);
    for row in rows {
        if !row.voiced || !truth_voiced(truth, sample_rate, row.time_s) {
            continue;
        }
        let Some(bar) = bar_at(row.time_s, tones.len()) else {
            continue;
        };
        judged += 1;
        if cents_to_mask(row.f0_hz, tones[bar].mask) <= limit {
            good += 1;
        }
    }
    (good as f32 / judged.max(1) as f32, judged)
}

/// A keyboard player holding each chord of `tones` for a bar: (input sample, pressed, MIDI
/// note), the previous chord let go on the sample the next is pressed, every chord voiced from
/// C3 upwards within an octave; the last chord let go at `end_sample`.
pub fn held_chord_notes(
    tones: &[ChordTones],
    sample_rate: f32,
    end_sample: usize,
) -> Vec<(usize, bool, u8)> {
    let voicing =
        |t: &ChordTones| -> Vec<u8> { (48u8..60).filter(|n| t.contains(i32::from(*n))).collect() };
    let mut notes = Vec::new();
    let mut previous: Option<&ChordTones> = None;
    for ((at, _), tone) in bar_changes(tones, sample_rate).into_iter().zip(tones) {
        if let Some(p) = previous {
            notes.extend(voicing(p).into_iter().map(|n| (at, false, n)));
        }
        notes.extend(voicing(tone).into_iter().map(|n| (at, true, n)));
        previous = Some(tone);
    }
    if let Some(p) = previous {
        notes.extend(voicing(p).into_iter().map(|n| (end_sample, false, n)));
    }
    notes
}
