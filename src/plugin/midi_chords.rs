//! The MIDI input's side of chord following: which notes are held at each sample of a block
//! (from the host's note events, at their sample), and how long a chord stays after its notes
//! are let go. Plain data, fixed arrays, no allocation; tested without a host.
//!
//! Precedence (decided in `chord_follow::segments`): a backing that plays with chords gives the
//! chord; else the chord held on the MIDI input (two or more pitch classes); else none, and the
//! key, scale or note mask rule. One held pitch class is no chord: with "MIDI Targets" on it
//! stays the single target note it always was.

use std::sync::atomic::{AtomicU32, Ordering};

use crate::dsp::harmony::chord_track::{pitch_class_mask, MIN_CHORD_PITCH_CLASSES};

/// Note changes one block records at their own sample; later ones in a block (a flood of
/// events) are merged into the last, so they land a little early but none is lost.
pub const MAX_NOTE_CHANGES: usize = 64;

/// How long a chord stays in force after its notes drop below a chord (all released, or one
/// left). A keyboard player lifts the hands between chords and plays stabs with gaps of a few
/// hundred milliseconds; without a hold, a hard-tuned singer would flick to the key's notes in
/// every gap. Longer, and a deliberate stop would keep the singer on the old chord into the next
/// phrase: 0.3 s covers the gaps between an off-beat stab and the next at 100 BPM and up, and
/// returns to the key before a listener hears the chord has stopped.
pub const RELEASE_HOLD_SECONDS: f32 = 0.3;

/// The notes held on the MIDI input through one block: (sample offset, notes held from there),
/// the first at offset 0, sorted.
#[derive(Debug, Clone)]
pub struct HeldNotes {
    changes: [(usize, u128); MAX_NOTE_CHANGES],
    len: usize,
}

impl Default for HeldNotes {
    fn default() -> Self {
        Self {
            changes: [(0, 0); MAX_NOTE_CHANGES],
            len: 1,
        }
    }
}

impl HeldNotes {
    /// Starts a block: the notes still held at the end of the last one are held at its start.
    pub fn begin_block(&mut self) {
        self.changes[0] = (0, self.held());
        self.len = 1;
    }

    /// Note `note` pressed at sample `offset` of the block.
    pub fn note_on(&mut self, offset: usize, note: u8) {
        self.record(offset, self.held() | note_bit(note));
    }

    /// Note `note` released at sample `offset` of the block.
    pub fn note_off(&mut self, offset: usize, note: u8) {
        self.record(offset, self.held() & !note_bit(note));
    }

    /// Every note released at sample `offset` (CLAP's "all notes off").
    pub fn all_off(&mut self, offset: usize) {
        self.record(offset, 0);
    }

    /// Releases everything at once, from the block's start (a host's reset).
    pub fn clear(&mut self) {
        *self = Self::default();
    }

    /// The notes held now (after the last recorded change).
    pub fn held(&self) -> u128 {
        self.changes[self.len - 1].1
    }

    /// This block's changes, sorted, the first at offset 0.
    pub fn changes(&self) -> &[(usize, u128)] {
        &self.changes[..self.len]
    }

    /// Records the notes held from `offset` on. Hosts send events in time order; one that is
    /// not lands with the previous (time never runs back). A change at the same sample as the
    /// last, or one past the array's room, updates the last entry.
    fn record(&mut self, offset: usize, held: u128) {
        let last = self.len - 1;
        let offset = offset.max(self.changes[last].0);
        if offset == self.changes[last].0 || self.len == MAX_NOTE_CHANGES {
            self.changes[last].1 = held;
        } else {
            self.changes[self.len] = (offset, held);
            self.len += 1;
        }
    }
}

/// MIDI note `note` as a bit of a held set (out-of-range numbers clamp to 127).
fn note_bit(note: u8) -> u128 {
    1u128 << note.min(127)
}

/// Whether held notes `held` make a chord (enough distinct pitch classes).
pub fn is_chord(held: u128) -> bool {
    pitch_class_mask(held).count_ones() >= MIN_CHORD_PITCH_CLASSES
}

/// The chord held on the MIDI input, kept for [`RELEASE_HOLD_SECONDS`] after its notes are let
/// go. It counts samples, so it lapses on the same sample for any block size.
#[derive(Debug, Clone, Default)]
pub struct ChordHold {
    hold_samples: usize,
    /// The notes of the chord in force (0: none).
    notes: u128,
    /// Samples until a released chord lapses (`None`: still held, or no chord).
    left: Option<usize>,
}

impl ChordHold {
    /// Sets the hold's length for `sample_rate` and forgets any chord.
    pub fn prepare(&mut self, sample_rate: f32) {
        let samples = (RELEASE_HOLD_SECONDS * sample_rate.max(1.0)).round();
        self.hold_samples = (samples as usize).max(1);
        self.clear();
    }

    /// Forgets the chord, in place.
    pub fn clear(&mut self) {
        self.notes = 0;
        self.left = None;
    }

    /// The notes now held: a chord takes over at once; fewer notes start the last chord's hold
    /// (once: a note let go during the hold does not prolong it).
    pub fn update(&mut self, held: u128) {
        if is_chord(held) {
            self.notes = held;
            self.left = None;
        } else if self.notes != 0 && self.left.is_none() {
            self.left = Some(self.hold_samples);
        }
    }

    /// `samples` have passed; a hold that runs out forgets its chord.
    pub fn advance(&mut self, samples: usize) {
        if let Some(left) = self.left {
            if samples >= left {
                self.clear();
            } else {
                self.left = Some(left - samples);
            }
        }
    }

    /// Samples until a released chord lapses, if one is being held over.
    pub fn lapse_in(&self) -> Option<usize> {
        self.left
    }

    /// The notes of the chord in force (0: none).
    pub fn notes(&self) -> u128 {
        self.notes
    }
}

/// The chord in force on the MIDI input, handed from the audio thread to the window without a
/// lock: its pitch classes (12 bits), its lowest note's pitch class (4 bits) and a "held" bit
/// in one atomic word, so the window never reads half of one chord and half of another.
#[derive(Debug, Default)]
pub struct HeldChordShare {
    word: AtomicU32,
}

/// The "a chord is in force" bit of `HeldChordShare`'s word.
const HELD_BIT: u32 = 1 << 16;

impl HeldChordShare {
    /// Stores the chord in force, `notes` as MIDI note bits (0: none). Audio thread: one
    /// relaxed store, no allocation.
    pub fn publish(&self, notes: u128) {
        let word = if notes == 0 {
            0
        } else {
            let bass = notes.trailing_zeros() % 12;
            HELD_BIT | bass << 12 | u32::from(pitch_class_mask(notes))
        };
        self.word.store(word, Ordering::Relaxed);
    }

    /// The chord in force as (pitch-class mask, bass pitch class 0..12), if any.
    pub fn load(&self) -> Option<(u16, u8)> {
        let word = self.word.load(Ordering::Relaxed);
        (word & HELD_BIT != 0).then_some(((word & 0x0fff) as u16, ((word >> 12) & 0xf) as u8))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_held_chord_crosses_to_the_window_with_its_bass() {
        let share = HeldChordShare::default();
        assert_eq!(share.load(), None);
        // A minor seven from C4 up (A2 in the bass): A C E G.
        let am7_over_a = 1u128 << 45 | 1 << 60 | 1 << 64 | 1 << 67;
        share.publish(am7_over_a);
        assert_eq!(share.load(), Some((1 << 9 | 1 | 1 << 4 | 1 << 7, 9)));
        share.publish(0);
        assert_eq!(share.load(), None);
        // C as the bass: pitch class 0 is still a held chord.
        share.publish(1u128 << 48 | 1 << 64 | 1 << 67);
        assert_eq!(share.load(), Some((1 | 1 << 4 | 1 << 7, 0)));
    }

    #[test]
    fn notes_are_recorded_at_their_sample_and_carried_to_the_next_block() {
        let mut notes = HeldNotes::default();
        notes.begin_block();
        notes.note_on(0, 60);
        notes.note_on(0, 64);
        notes.note_on(10, 67);
        notes.note_off(300, 60);
        // Out of order: lands with the previous change, never before it.
        notes.note_on(200, 72);
        let c_e_g = 1u128 << 60 | 1 << 64 | 1 << 67;
        assert_eq!(
            notes.changes(),
            &[
                (0, 1u128 << 60 | 1 << 64),
                (10, c_e_g),
                (300, c_e_g & !(1 << 60) | 1 << 72)
            ]
        );
        notes.begin_block();
        assert_eq!(notes.changes(), &[(0, 1u128 << 64 | 1 << 67 | 1 << 72)]);
        notes.all_off(5);
        assert_eq!(notes.held(), 0);
        notes.note_on(7, 200);
        assert_eq!(notes.held(), 1 << 127, "out-of-range notes clamp");
        notes.clear();
        assert_eq!(notes.changes(), &[(0, 0)]);
    }

    #[test]
    fn a_flood_of_events_merges_into_the_last_entry_and_loses_none() {
        let mut notes = HeldNotes::default();
        notes.begin_block();
        for i in 0..200u8 {
            notes.note_on(usize::from(i) * 3 + 1, i % 100);
        }
        for i in 0..50u8 {
            notes.note_off(1_000 + usize::from(i), i);
        }
        assert_eq!(notes.changes().len(), MAX_NOTE_CHANGES);
        assert!(notes.changes().windows(2).all(|w| w[0].0 < w[1].0));
        let expected = (50..100u8).fold(0u128, |h, n| h | 1 << n);
        assert_eq!(notes.held(), expected);
    }

    #[test]
    fn a_released_chord_stays_for_the_hold_then_lapses_on_its_sample() {
        let mut hold = ChordHold::default();
        hold.prepare(48_000.0);
        let c_e_g = 1u128 << 60 | 1 << 64 | 1 << 67;
        hold.update(1 << 60);
        assert_eq!(
            (hold.notes(), hold.lapse_in()),
            (0, None),
            "one note is no chord"
        );
        hold.update(c_e_g);
        assert_eq!((hold.notes(), hold.lapse_in()), (c_e_g, None));
        hold.update(1 << 67);
        assert_eq!(hold.lapse_in(), Some(14_400));
        hold.advance(10_000);
        hold.update(0); // letting go of the last note does not restart the hold
        assert_eq!((hold.notes(), hold.lapse_in()), (c_e_g, Some(4_400)));
        hold.advance(4_399);
        assert_eq!(hold.notes(), c_e_g);
        hold.advance(1);
        assert_eq!((hold.notes(), hold.lapse_in()), (0, None));
        // A new chord during a hold takes over at once and is held again.
        hold.update(c_e_g);
        hold.update(0);
        hold.advance(100);
        let f_a_c = 1u128 << 65 | 1 << 69 | 1 << 72;
        hold.update(f_a_c);
        assert_eq!((hold.notes(), hold.lapse_in()), (f_a_c, None));
    }
}
