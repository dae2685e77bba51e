//! The chords a backing plays, in a form the audio thread can read without allocating: each
//! chord as a pitch-class mask (with the key notes it replaces), each span in ticks.
//!
//! Built off the audio thread from the music brain's chords (`music::backing::ChordSpan` or a
//! parsed chord chart), then only looked up.

use crate::music::theory::{Chord, Key};

/// One chord as the corrector and the harmony voices need it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChordTones {
    /// Pitch class of the root (0 = C).
    pub root: u8,
    /// The chord tones as a 12-bit pitch-class mask (bit n = n semitones above C).
    pub mask: u16,
    /// Key notes an out-of-key chord tone stands in for (Bb over a C major key replaces B):
    /// "chord + scale" correction leaves them out, so a borrowed chord never pulls the singer
    /// to the note it replaced.
    pub replaced: u16,
}

impl ChordTones {
    /// The tones of `chord` heard in `key`. A chord tone outside the key replaces the key's note
    /// on the same letter (Ab replaces A, F# replaces F), unless that note is a chord tone too.
    pub fn new(chord: Chord, key: Key) -> Self {
        let mask = chord.mask();
        let key_mask = key.mask();
        let key_notes = key.scale_notes();
        let mut replaced = 0u16;
        for note in chord.notes() {
            let pc = note.pitch_class().semitone();
            if key_mask & (1 << pc) != 0 {
                continue;
            }
            if let Some(same_letter) = key_notes.iter().find(|k| k.letter == note.letter) {
                replaced |= 1 << same_letter.pitch_class().semitone();
            }
        }
        Self {
            root: chord.root.pitch_class().semitone(),
            mask,
            replaced: replaced & !mask,
        }
    }

    /// Whether pitch class `pc` (0..11) is a chord tone.
    pub fn contains(&self, pc: i32) -> bool {
        self.mask & (1 << pc.rem_euclid(12)) != 0
    }
}

/// Where one chord sounds, in ticks from the pattern's start.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChordAt {
    /// First tick.
    pub start: u32,
    /// Tick after the last.
    pub end: u32,
    /// The chord.
    pub tones: ChordTones,
}

/// A pattern's chords, sorted by start, not overlapping.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ChordTrack {
    spans: Vec<ChordAt>,
}

impl ChordTrack {
    /// A track from spans in any order (allocates; sorted here, empty spans dropped).
    pub fn new(mut spans: Vec<ChordAt>) -> Self {
        spans.retain(|s| s.end > s.start);
        spans.sort_by_key(|s| s.start);
        Self { spans }
    }

    /// The spans, sorted by start.
    pub fn spans(&self) -> &[ChordAt] {
        &self.spans
    }

    /// Whether there are no chords.
    pub fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }

    /// The chord sounding at `tick`, if any (binary search, no allocation).
    pub fn at(&self, tick: u32) -> Option<ChordTones> {
        let index = self.spans.partition_point(|s| s.start <= tick);
        let span = self.spans.get(index.checked_sub(1)?)?;
        (tick < span.end).then_some(span.tones)
    }

    /// The first tick after `tick` where the chord may change (a span's start or end), if any.
    pub fn next_boundary(&self, tick: u32) -> Option<u32> {
        let index = self.spans.partition_point(|s| s.end <= tick);
        let span = self.spans.get(index)?;
        Some(if span.start > tick {
            span.start
        } else {
            span.end
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::music::theory::ScaleKind;

    fn key(text: &str) -> Key {
        text.parse().expect("key")
    }

    fn chord(text: &str) -> Chord {
        text.parse().expect("chord")
    }

    #[test]
    fn borrowed_tones_name_the_key_note_they_replace() {
        let c_major = key("C major");
        let bb = ChordTones::new(chord("Bb"), c_major);
        assert_eq!(bb.root, 10);
        assert_eq!(bb.mask, 1 << 10 | 1 << 2 | 1 << 5);
        assert_eq!(bb.replaced, 1 << 11, "Bb replaces B");
        let fm = ChordTones::new(chord("Fm"), c_major);
        assert_eq!(fm.replaced, 1 << 9, "Ab replaces A");
        let d = ChordTones::new(chord("D"), c_major);
        assert_eq!(d.replaced, 1 << 5, "F# replaces F");
        assert_eq!(ChordTones::new(chord("G7"), c_major).replaced, 0);
        let a_minor = Key::from_pitch_class(crate::music::theory::PitchClass::A, ScaleKind::Minor);
        // E major in A minor: G# replaces G (harmonic minor's parent spelling decides).
        let e = ChordTones::new(chord("E"), a_minor);
        assert!(e.contains(8));
        assert_eq!(e.replaced & e.mask, 0);
    }

    #[test]
    fn lookups_and_boundaries() {
        let c = ChordTones::new(chord("C"), key("C major"));
        let g = ChordTones::new(chord("G"), key("C major"));
        let track = ChordTrack::new(vec![
            ChordAt {
                start: 1920,
                end: 3840,
                tones: g,
            },
            ChordAt {
                start: 0,
                end: 1920,
                tones: c,
            },
            ChordAt {
                start: 5000,
                end: 5000,
                tones: c,
            },
        ]);
        assert_eq!(track.spans().len(), 2);
        assert_eq!(track.at(0), Some(c));
        assert_eq!(track.at(1919), Some(c));
        assert_eq!(track.at(1920), Some(g));
        assert_eq!(track.at(3840), None);
        assert_eq!(track.next_boundary(0), Some(1920));
        assert_eq!(track.next_boundary(1920), Some(3840));
        assert_eq!(track.next_boundary(3840), None);
        assert_eq!(ChordTrack::default().at(10), None);
    }
}
