//! Where in a block the chord the voice follows changes (correction targets, harmony voices),
//! and which MIDI notes are held there. The backing's chords come from the same clock the
//! backing player plays by, so the chord the voice follows is the one heard at that sample;
//! held MIDI chords change on the sample of their note events. Plain data in and out, no
//! allocation (fixed arrays), tested without a host.
//!
//! Precedence: a backing that plays (and has a chord there) gives the chord; else the chord
//! held on the MIDI input (two or more pitch classes, kept for a moment after release: see
//! `midi_chords`); else there is none, and the key, scale or note mask rule.

use crate::dsp::backing_player::{Clock, PlayerPattern};
use crate::dsp::harmony::chord_track::ChordTones;
use crate::dsp::voice_chain::MAX_CHORD_CHANGES;
use crate::dsp::VoiceChain;
use crate::music::theory::{PitchClass, ScaleKind};

use super::midi_chords::{ChordHold, MAX_NOTE_CHANGES};

/// A block's chord changes: (sample offset, chord from there on), the first at offset 0.
pub type ChordChanges = [(usize, Option<ChordTones>); MAX_CHORD_CHANGES];

/// A millionth of a tick: a chord due exactly on a sample must not slip to the next one
/// because the host's position was rounded.
const TICK_EPSILON: f64 = 1e-6;

/// Fills `out` with the chords of a `frames`-sample block played by `clock` from `pattern`;
/// returns how many entries hold (at least 1: the chord at the block's start, `None` when
/// stopped or without chords).
pub fn chord_changes(
    clock: Clock,
    pattern: Option<&PlayerPattern>,
    frames: usize,
    out: &mut ChordChanges,
) -> usize {
    out[0] = (0, None);
    let (
        Clock::Running {
            beat,
            beats_per_sample,
        },
        Some(pattern),
    ) = (clock, pattern)
    else {
        return 1;
    };
    let track = &pattern.chords;
    let ticks_per_sample = beats_per_sample * f64::from(pattern.ppq);
    let length = f64::from(pattern.length_ticks.max(1));
    if track.is_empty()
        || !beat.is_finite()
        || !ticks_per_sample.is_finite()
        || ticks_per_sample <= 0.0
    {
        return 1;
    }
    // Ticks into the pattern at the block's first sample (the pattern loops).
    let start = (beat * f64::from(pattern.ppq)).rem_euclid(length);
    let tick_at = |t: f64| (t + TICK_EPSILON).floor().rem_euclid(length) as u32;
    out[0] = (0, track.at(tick_at(start)));
    let mut count = 1;
    // Unwrapped tick position of the last change, so a loop's end is just another boundary.
    let mut position = start;
    while count < out.len() {
        let wrapped = position.rem_euclid(length);
        let lap = position - wrapped;
        let next = match track.next_boundary(tick_at(wrapped)) {
            Some(b) if f64::from(b) < length => lap + f64::from(b),
            _ => lap + length,
        };
        let offset = ((next - start) / ticks_per_sample - TICK_EPSILON)
            .ceil()
            .max(0.0);
        if offset >= frames as f64 {
            break;
        }
        let chord = track.at(tick_at(next.rem_euclid(length)));
        out[count] = (offset as usize, chord);
        count += 1;
        position = next;
    }
    count
}

/// One stretch of a block: from `offset` on, the chord in force and the MIDI notes held.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Segment {
    /// First sample of the stretch.
    pub offset: usize,
    /// The chord the voice follows (`None`: the key or note mask rule).
    pub chord: Option<ChordTones>,
    /// MIDI notes held (bit n = note n), for "MIDI Targets" and the MIDI harmony mode.
    pub held: u128,
}

/// Stretches one block can hold: every backing change and every note change, plus room for the
/// lapses of released chords; past it, changes merge into the last stretch.
pub const MAX_SEGMENTS: usize = MAX_CHORD_CHANGES + 2 * MAX_NOTE_CHANGES;

/// A block's stretches.
pub type Segments = [Segment; MAX_SEGMENTS];

/// What a block's stretches are made from.
#[derive(Debug, Clone, Copy)]
pub struct BlockChords<'a> {
    /// The backing's chord changes (`chord_changes`), sorted, the first at 0.
    pub backing: &'a [(usize, Option<ChordTones>)],
    /// The held MIDI notes' changes (`HeldNotes::changes`), sorted, the first at 0.
    pub notes: &'a [(usize, u128)],
    /// The key held chords are heard in (which key note a borrowed tone replaces).
    pub key: (PitchClass, ScaleKind),
    /// Samples in the block.
    pub frames: usize,
}

/// Fills `out` with the block's stretches, merging the backing's chord changes, the held
/// notes' changes and the lapse of a released chord (which `hold` carries from block to block);
/// returns how many hold (at least 1). Offsets past the block count at its last sample, so no
/// note change is ever lost.
pub fn segments(block: BlockChords<'_>, hold: &mut ChordHold, out: &mut Segments) -> usize {
    let last = block.frames.saturating_sub(1);
    let at = |offset: usize| offset.min(last);
    let (mut next_backing, mut next_note) = (0, 0);
    let (mut backing_chord, mut held) = (None, 0u128);
    let mut count = 0;
    let mut now = 0;
    loop {
        while let Some(&(_, chord)) = block.backing.get(next_backing).filter(|c| at(c.0) <= now) {
            backing_chord = chord;
            next_backing += 1;
        }
        while let Some(&(_, notes)) = block.notes.get(next_note).filter(|c| at(c.0) <= now) {
            held = notes;
            hold.update(notes);
            next_note += 1;
        }
        let (tonic, scale) = block.key;
        let chord =
            backing_chord.or_else(|| ChordTones::from_held_notes(hold.notes(), tonic, scale));
        push_segment(
            out,
            &mut count,
            Segment {
                offset: now,
                chord,
                held,
            },
        );
        let next = [
            block.backing.get(next_backing).map(|c| at(c.0)),
            block.notes.get(next_note).map(|c| at(c.0)),
            hold.lapse_in().map(|left| now + left),
        ]
        .into_iter()
        .flatten()
        .min();
        match next {
            Some(next) if next < block.frames => {
                hold.advance(next - now);
                now = next;
            }
            _ => {
                hold.advance(block.frames - now);
                return count;
            }
        }
    }
}

/// Appends `segment` unless it changes nothing; when `out` is full, the last stretch takes its
/// chord and notes (a little early, never lost).
fn push_segment(out: &mut Segments, count: &mut usize, segment: Segment) {
    match count.checked_sub(1).map(|i| &mut out[i]) {
        Some(previous) if previous.chord == segment.chord && previous.held == segment.held => {}
        Some(previous) if *count == MAX_SEGMENTS => {
            previous.chord = segment.chord;
            previous.held = segment.held;
        }
        _ => {
            out[*count] = segment;
            *count += 1;
        }
    }
}

/// Runs `voice` over the block in `channels`, stretch by stretch: before each, the held notes
/// and the chord of that stretch (a chord change steers the voice again on that sample).
pub fn play(voice: &mut VoiceChain, channels: &mut [&mut [f32]], segments: &[Segment]) {
    let frames = channels.iter().map(|c| c.len()).min().unwrap_or(0);
    for (index, segment) in segments.iter().enumerate() {
        let start = segment.offset.min(frames);
        let end = segments
            .get(index + 1)
            .map_or(frames, |next| next.offset.clamp(start, frames));
        voice.all_notes_off();
        let mut rest = segment.held;
        while rest != 0 {
            voice.note_on(rest.trailing_zeros() as u8);
            rest &= rest - 1;
        }
        let chord = [(0, segment.chord)];
        match &mut *channels {
            [left, right, ..] => voice
                .process_with_chords(&mut [&mut left[start..end], &mut right[start..end]], &chord),
            [mono] => voice.process_with_chords(&mut [&mut mono[start..end]], &chord),
            [] => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dsp::harmony::chord_track::{ChordAt, ChordTrack};
    use crate::plugin::midi_chords::HeldNotes;

    fn tones(chord: &str) -> ChordTones {
        ChordTones::new(chord.parse().expect("chord"), "C".parse().expect("key"))
    }

    /// Two bars of 4/4 at 480 ppq: C then G.
    fn pattern() -> PlayerPattern {
        let mut p = PlayerPattern::new(480, 3840, 120.0, (33, 0), vec![]);
        p.chords = ChordTrack::new(vec![
            ChordAt {
                start: 0,
                end: 1920,
                tones: tones("C"),
            },
            ChordAt {
                start: 1920,
                end: 3840,
                tones: tones("G"),
            },
        ]);
        p
    }

    fn running(beat: f64) -> Clock {
        // 120 BPM at 48 kHz: a beat is 24,000 samples, a tick 50.
        Clock::Running {
            beat,
            beats_per_sample: 2.0 / 48_000.0,
        }
    }

    #[test]
    fn the_change_lands_on_the_sample_where_the_bar_starts() {
        let p = pattern();
        let mut out = [(0, None); MAX_CHORD_CHANGES];
        // Bar 2 starts at beat 4 = 96,000 samples; the block starts 100 samples before.
        let n = chord_changes(running(4.0 - 100.0 / 24_000.0), Some(&p), 512, &mut out);
        assert_eq!(n, 2);
        assert_eq!(out[0], (0, Some(tones("C"))));
        assert_eq!(out[1], (100, Some(tones("G"))));
        // The loop's end brings C back.
        let n = chord_changes(running(8.0 - 7.0 / 24_000.0), Some(&p), 64, &mut out);
        assert_eq!(n, 2);
        assert_eq!(out[1], (7, Some(tones("C"))));
        // Exactly on the boundary: G from sample 0.
        let n = chord_changes(running(4.0), Some(&p), 64, &mut out);
        assert_eq!((n, out[0]), (1, (0, Some(tones("G")))));
    }

    #[test]
    fn stopped_or_without_chords_there_is_no_chord() {
        let mut out = [(0, Some(tones("C"))); MAX_CHORD_CHANGES];
        assert_eq!(
            chord_changes(Clock::Stopped, Some(&pattern()), 64, &mut out),
            1
        );
        assert_eq!(out[0], (0, None));
        let bare = PlayerPattern::new(480, 3840, 120.0, (33, 0), vec![]);
        assert_eq!(chord_changes(running(1.0), Some(&bare), 64, &mut out), 1);
        assert_eq!(out[0], (0, None));
        assert_eq!(chord_changes(running(1.0), None, 64, &mut out), 1);
    }

    #[test]
    fn a_long_block_at_a_fast_tempo_keeps_within_the_array() {
        let p = pattern();
        let mut out = [(0, None); MAX_CHORD_CHANGES];
        let fast = Clock::Running {
            beat: 0.0,
            beats_per_sample: 1.0 / 100.0,
        };
        let n = chord_changes(fast, Some(&p), 100_000, &mut out);
        assert_eq!(n, MAX_CHORD_CHANGES);
        assert!(out[..n].windows(2).all(|w| w[0].0 < w[1].0));
    }

    const C_MAJOR: (PitchClass, ScaleKind) = (PitchClass::C, ScaleKind::Major);

    fn held(notes: &[u8]) -> u128 {
        notes.iter().fold(0, |h, &n| h | 1u128 << n)
    }

    fn hold() -> ChordHold {
        let mut hold = ChordHold::default();
        hold.prepare(48_000.0);
        hold
    }

    /// A stretch from `offset` with `chord` and `notes` held.
    fn stretch(offset: usize, chord: Option<ChordTones>, notes: &[u8]) -> Segment {
        Segment {
            offset,
            chord,
            held: held(notes),
        }
    }

    /// A block's notes from (offset, pressed, note) events.
    fn record(events: &[(usize, bool, u8)]) -> HeldNotes {
        let mut notes = HeldNotes::default();
        notes.begin_block();
        for &(offset, pressed, note) in events {
            if pressed {
                notes.note_on(offset, note);
            } else {
                notes.note_off(offset, note);
            }
        }
        notes
    }

    /// The stretches of one block without a backing.
    fn midi_only(notes: &HeldNotes, hold: &mut ChordHold, frames: usize) -> Vec<Segment> {
        let mut out = [Segment::default(); MAX_SEGMENTS];
        let block = BlockChords {
            backing: &[(0, None)],
            notes: notes.changes(),
            key: C_MAJOR,
            frames,
        };
        let n = segments(block, hold, &mut out);
        out[..n].to_vec()
    }

    #[test]
    fn a_held_chord_changes_on_the_sample_of_its_notes() {
        let mut hold = hold();
        // A fast change mid-block: C to F (C stays held) 90 samples later.
        let notes = record(&[
            (0, true, 60),
            (37, true, 64),
            (37, true, 67),
            (127, false, 64),
            (127, false, 67),
            (127, true, 65),
            (127, true, 69),
        ]);
        let got = midi_only(&notes, &mut hold, 512);
        let c = ChordTones::from_held_notes(held(&[60, 64, 67]), PitchClass::C, ScaleKind::Major);
        let f = ChordTones::from_held_notes(held(&[60, 65, 69]), PitchClass::C, ScaleKind::Major);
        assert_eq!(
            got,
            vec![
                stretch(0, None, &[60]),
                stretch(37, c, &[60, 64, 67]),
                stretch(127, f, &[60, 65, 69]),
            ]
        );
        assert_eq!(f.map(|f| f.root), Some(5), "F/C: F is the root");
    }

    #[test]
    fn the_backing_chord_rules_while_it_plays_and_the_held_chord_after() {
        let mut hold = hold();
        let notes = record(&[(0, true, 57), (0, true, 60), (0, true, 64)]);
        let mut out = [Segment::default(); MAX_SEGMENTS];
        let g = Some(tones("G"));
        // The backing plays G until sample 200, then stops (no chord).
        let block = BlockChords {
            backing: &[(0, g), (200, None)],
            notes: notes.changes(),
            key: C_MAJOR,
            frames: 256,
        };
        let n = segments(block, &mut hold, &mut out);
        let am = ChordTones::from_held_notes(held(&[57, 60, 64]), PitchClass::C, ScaleKind::Major);
        assert_eq!(
            &out[..n],
            &[
                stretch(0, g, &[57, 60, 64]),
                stretch(200, am, &[57, 60, 64]),
            ]
        );
    }

    #[test]
    fn a_released_chord_lapses_on_the_same_sample_for_any_block_size() {
        // C-E-G from sample 0, released at 1,000; the hold (0.3 s = 14,400 samples) ends at
        // 15,400 whatever the blocks.
        let c_e_g = [60u8, 64, 67];
        for block in [1usize, 64, 333, 4_096, 20_000] {
            let mut notes = HeldNotes::default();
            let mut hold = hold();
            let mut lapse = None;
            let mut start = 0;
            while start < 20_000 {
                let frames = block.min(20_000 - start);
                notes.begin_block();
                // In time order, as hosts send them.
                for &n in &c_e_g {
                    if start == 0 {
                        notes.note_on(0, n);
                    }
                }
                for &n in &c_e_g {
                    if (start..start + frames).contains(&1_000) {
                        notes.note_off(1_000 - start, n);
                    }
                }
                for s in midi_only(&notes, &mut hold, frames) {
                    if s.chord.is_none() && start + s.offset > 0 && lapse.is_none() {
                        lapse = Some(start + s.offset);
                    }
                }
                start += frames;
            }
            assert_eq!(lapse, Some(15_400), "blocks of {block}");
        }
    }

    #[test]
    fn every_change_of_a_crowded_block_gets_its_own_stretch() {
        let mut notes = HeldNotes::default();
        let mut hold = hold();
        let mut changes = [(0usize, None); MAX_CHORD_CHANGES];
        for (i, c) in changes.iter_mut().enumerate() {
            *c = (i * 2, Some(tones(if i % 2 == 0 { "C" } else { "G" })));
        }
        notes.begin_block();
        for i in 0..MAX_NOTE_CHANGES {
            notes.note_on(i * 2 + 1, 40 + i as u8);
        }
        let mut out = [Segment::default(); MAX_SEGMENTS];
        let block = BlockChords {
            backing: &changes,
            notes: notes.changes(),
            key: C_MAJOR,
            frames: 4_096,
        };
        let n = segments(block, &mut hold, &mut out);
        // Both lists start at 0; every other entry is a stretch of its own.
        assert_eq!(n, MAX_CHORD_CHANGES + MAX_NOTE_CHANGES - 1);
        assert!(out[..n].windows(2).all(|w| w[0].offset < w[1].offset));
        assert_eq!(out[n - 1].held, notes.held(), "the last notes are held");
        assert_eq!(
            out[n - 1].chord,
            Some(tones("G")),
            "the backing's chord rules"
        );
        // A full array takes further changes into its last stretch.
        let mut count = MAX_SEGMENTS;
        let late = Segment {
            offset: 4_000,
            chord: None,
            held: 7,
        };
        push_segment(&mut out, &mut count, late);
        assert_eq!(count, MAX_SEGMENTS);
        assert_eq!((out[count - 1].chord, out[count - 1].held), (None, 7));
    }

    #[test]
    fn play_applies_each_stretch_on_its_sample() {
        // A voice following held chords in one block equals the same voice told the chords
        // by process_with_chords; and the held notes reach it (a MIDI-target voice).
        let c = ChordTones::from_held_notes(held(&[60, 64, 67]), PitchClass::C, ScaleKind::Major);
        let f = ChordTones::from_held_notes(held(&[60, 65, 69]), PitchClass::C, ScaleKind::Major);
        let input: Vec<f32> = (0..4_800)
            .map(|i| 0.3 * (std::f32::consts::TAU * 200.0 * i as f32 / 48_000.0).sin())
            .collect();
        let mut settings = crate::dsp::VoiceSettings::default();
        settings.tune.follow_chords = crate::dsp::correction::FollowChords::ChordTones;
        let voice = || {
            let mut v = VoiceChain::default();
            v.set_settings(&settings);
            v.prepare(48_000.0, 4_800);
            v
        };
        let mut by_segments = voice();
        let mut a = input.clone();
        let segments = [
            Segment {
                offset: 0,
                chord: c,
                held: held(&[60, 64, 67]),
            },
            Segment {
                offset: 1_234,
                chord: f,
                held: held(&[60, 65, 69]),
            },
        ];
        play(&mut by_segments, &mut [&mut a[..]], &segments);
        let mut by_changes = voice();
        let mut b = input.clone();
        by_changes.process_with_chords(&mut [&mut b[..]], &[(0, c), (1_234, f)]);
        assert_eq!(a, b);
        assert_eq!(by_segments.chord(), f);
    }
}
