//! Where in a block the backing's chord changes: the sample offsets and chords the voice chain
//! follows (correction targets, harmony voices), from the same clock the backing player plays
//! by, so the chord the voice follows is the one heard at that sample. Plain data in and out,
//! no allocation (a fixed array), tested without a host.

use crate::dsp::backing_player::{Clock, PlayerPattern};
use crate::dsp::harmony::chord_track::ChordTones;
use crate::dsp::voice_chain::MAX_CHORD_CHANGES;

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dsp::harmony::chord_track::{ChordAt, ChordTrack};

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
}
