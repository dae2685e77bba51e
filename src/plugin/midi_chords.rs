//! The MIDI input's side of chord following: which notes are held at each sample of a block
//! (from the host's note events, at their sample), and how long a chord stays after its notes
//! are let go. Plain data, fixed arrays, no allocation; tested without a host.
//!
//! Precedence (decided in `chord_follow::segments`): a backing that plays with chords gives the
//! chord; else the chord held on the MIDI input (two or more pitch classes); else none, and the
//! key, scale or note mask rule. One held pitch class is no chord: with "MIDI Targets" on it
//! stays the single target note it always was.
//!
//! "Held" means sounding, as a synth would play it: a key that is down, or a key let go while
//! the sustain pedal (CC 64) is down, until the pedal comes up. Notes and pedal are merged over
//! the MIDI channels: a keyboard player plays on one channel, and a chord split over two (a
//! bass on another channel, a second keyboard) is still the one chord the singer hears.

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

/// The sustain pedal's controller number (MIDI CC 64, "damper pedal").
pub const CC_SUSTAIN: u8 = 64;
/// "All sound off" (CC 120): every note stops at once.
pub const CC_ALL_SOUND_OFF: u8 = 120;
/// "All notes off" (CC 123): every note is released.
pub const CC_ALL_NOTES_OFF: u8 = 123;

/// A pedal value (nice-plug's 0..=1, the MIDI value over 127) at or above this is down: MIDI
/// reads 0-63 as up and 64-127 as down, and 64/127 is the first value over one half. A
/// continuous (half-pedal) sensor's stream of values only counts when it crosses this line.
pub const PEDAL_DOWN_AT: f32 = 0.5;

/// The notes held on the MIDI input through one block: (sample offset, notes held from there),
/// the first at offset 0, sorted; held are the keys that are down plus those the sustain pedal
/// keeps sounding.
#[derive(Debug, Clone)]
pub struct HeldNotes {
    changes: [(usize, u128); MAX_NOTE_CHANGES],
    len: usize,
    /// The keys that are down now (bit n = note n), pedal or not.
    keys_down: u128,
    /// Whether the sustain pedal is down now.
    pedal_down: bool,
}

impl Default for HeldNotes {
    fn default() -> Self {
        Self {
            changes: [(0, 0); MAX_NOTE_CHANGES],
            len: 1,
            keys_down: 0,
            pedal_down: false,
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
        self.keys_down |= note_bit(note);
        self.record(offset, self.held() | note_bit(note));
    }

    /// Note `note` released at sample `offset` of the block; with the sustain pedal down it
    /// keeps sounding until the pedal comes up.
    pub fn note_off(&mut self, offset: usize, note: u8) {
        self.keys_down &= !note_bit(note);
        if !self.pedal_down {
            self.record(offset, self.held() & !note_bit(note));
        }
    }

    /// Every note released at sample `offset`, the pedal's too (CLAP's "all notes off", MIDI's
    /// CC 120 and 123): a panic button must silence what the pedal holds.
    pub fn all_off(&mut self, offset: usize) {
        self.keys_down = 0;
        self.pedal_down = false;
        self.record(offset, 0);
    }

    /// The sustain pedal pressed (`down`) or lifted at sample `offset`. Lifting it releases,
    /// on that sample, every note whose key is up; pressing it again while down, or lifting
    /// it while up, changes nothing.
    pub fn sustain(&mut self, offset: usize, down: bool) {
        let lifted = self.pedal_down && !down;
        self.pedal_down = down;
        let sounding = self.held() & self.keys_down;
        // Only a lift that lets notes go is a change (no entry spent on an empty pedal).
        if lifted && sounding != self.held() {
            self.record(offset, sounding);
        }
    }

    /// A MIDI control change at sample `offset`, `value` in nice-plug's 0..=1: the sustain
    /// pedal, and all sound / all notes off; other controllers do not touch the held notes.
    /// A value that is no number (NaN, infinite) is ignored rather than guessed at.
    pub fn control_change(&mut self, offset: usize, cc: u8, value: f32) {
        match cc {
            CC_SUSTAIN if value.is_finite() => self.sustain(offset, value >= PEDAL_DOWN_AT),
            CC_ALL_SOUND_OFF | CC_ALL_NOTES_OFF => self.all_off(offset),
            _ => {}
        }
    }

    /// Whether the sustain pedal is down now.
    pub fn pedal_down(&self) -> bool {
        self.pedal_down
    }

    /// Releases everything at once, the pedal too, from the block's start (a host's reset).
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

    const C_E_G: u128 = 1u128 << 60 | 1 << 64 | 1 << 67;

    /// One MIDI input event of a test.
    #[derive(Clone, Copy)]
    enum Midi {
        On(u8),
        Off(u8),
        Cc(u8, f32),
    }

    /// Plays `events` (absolute sample, event; sorted) for `length` samples in blocks of
    /// `block`, through the real stretch scheduling, as the plugin does; returns the chord in
    /// force after each block (block end, chord notes, samples until it lapses).
    fn play(
        events: &[(usize, Midi)],
        length: usize,
        block: usize,
    ) -> Vec<(usize, u128, Option<usize>)> {
        use crate::music::theory::{PitchClass, ScaleKind};
        use crate::plugin::chord_follow::{segments, BlockChords, Segment, MAX_SEGMENTS};
        let (mut notes, mut hold) = (HeldNotes::default(), ChordHold::default());
        hold.prepare(48_000.0);
        let mut out = [Segment::default(); MAX_SEGMENTS];
        let mut after = Vec::new();
        let mut next = 0;
        for start in (0..length).step_by(block) {
            let end = (start + block).min(length);
            notes.begin_block();
            while let Some(&(at, event)) = events.get(next).filter(|e| e.0 < end) {
                match event {
                    Midi::On(key) => notes.note_on(at - start, key),
                    Midi::Off(key) => notes.note_off(at - start, key),
                    Midi::Cc(cc, value) => notes.control_change(at - start, cc, value),
                }
                next += 1;
            }
            let chords = BlockChords {
                backing: &[(0, None)],
                notes: notes.changes(),
                key: (PitchClass::C, ScaleKind::Major),
                frames: end - start,
            };
            segments(chords, &mut hold, &mut out);
            after.push((end, hold.notes(), hold.lapse_in()));
        }
        after
    }

    /// C E G pressed at 0 and let go at 100; the pedal down at 10 if `pedal`.
    fn chord_let_go(pedal: bool) -> Vec<(usize, Midi)> {
        let mut events: Vec<(usize, Midi)> = [60, 64, 67].map(|k| (0, Midi::On(k))).into();
        if pedal {
            events.push((10, Midi::Cc(CC_SUSTAIN, 1.0)));
        }
        events.extend([60, 64, 67].map(|k| (100, Midi::Off(k))));
        events
    }

    #[test]
    fn the_pedal_holds_a_released_chord_past_the_hold_time() {
        // Two seconds with the keys up and the pedal down: the chord still sounds, never
        // counting down.
        let pedalled = play(&chord_let_go(true), 96_000, 512);
        assert!(pedalled
            .iter()
            .all(|&(_, chord, left)| chord == C_E_G && left.is_none()));
        // Without the pedal the same chord lapses 0.3 s after the keys.
        let bare = play(&chord_let_go(false), 96_000, 512);
        let lapsed = bare.iter().find(|b| b.1 == 0).map(|b| b.0);
        assert_eq!(
            lapsed,
            Some(14_848),
            "the first block end after 100 + 14,400"
        );
    }

    #[test]
    fn lifting_the_pedal_releases_on_its_sample_and_the_chord_lapses_after_the_hold() {
        let mut notes = HeldNotes::default();
        notes.begin_block();
        for key in [60, 64, 67] {
            notes.note_on(0, key);
        }
        notes.control_change(5, CC_SUSTAIN, 64.0 / 127.0);
        for key in [60, 64, 67] {
            notes.note_off(20, key);
        }
        assert_eq!(
            notes.changes(),
            &[(0, C_E_G)],
            "released keys keep sounding"
        );
        notes.begin_block();
        // A continuous pedal's values above the line change nothing; 63 lifts it.
        notes.control_change(30, CC_SUSTAIN, 100.0 / 127.0);
        notes.control_change(300, CC_SUSTAIN, 63.0 / 127.0);
        assert!(!notes.pedal_down());
        assert_eq!(notes.changes(), &[(0, C_E_G), (300, 0)]);
        // Scheduled: the hold starts on the pedal's sample (30,000) and the chord lapses
        // 14,400 samples later, whatever the block size.
        let mut events = chord_let_go(true);
        events.push((30_000, Midi::Cc(CC_SUSTAIN, 0.0)));
        for block in [512, 37, 4_096, 1] {
            let after = play(&events, 48_000, block);
            let lapse_at = after
                .iter()
                .find_map(|&(end, _, left)| left.map(|left| end + left));
            assert_eq!(lapse_at, Some(44_400), "block {block}");
            for &(end, chord, _) in &after {
                let expected = if end < 44_400 { C_E_G } else { 0 };
                assert_eq!(chord, expected, "block {block} ending at {end}");
            }
        }
    }

    #[test]
    fn a_key_pressed_again_under_the_pedal_survives_the_lift() {
        let mut notes = HeldNotes::default();
        notes.begin_block();
        for key in [60, 64, 67] {
            notes.note_on(0, key);
        }
        notes.sustain(10, true);
        for key in [60, 64, 67] {
            notes.note_off(20, key);
        }
        // E pressed again (still down at the lift), G pressed and let go again.
        notes.note_on(40, 64);
        notes.note_on(50, 67);
        notes.note_off(60, 67);
        notes.sustain(100, false);
        assert_eq!(notes.held(), 1 << 64, "only the key still down sounds on");
        assert_eq!(notes.changes().last(), Some(&(100, 1u128 << 64)));
        notes.note_off(120, 64);
        assert_eq!(notes.held(), 0);
    }

    #[test]
    fn all_notes_off_all_sound_off_and_a_reset_clear_the_pedal_too() {
        for cc in [CC_ALL_NOTES_OFF, CC_ALL_SOUND_OFF] {
            let mut notes = HeldNotes::default();
            notes.begin_block();
            notes.note_on(0, 60);
            notes.note_on(0, 64);
            notes.sustain(1, true);
            notes.note_off(2, 60);
            notes.control_change(50, cc, 0.0);
            assert_eq!((notes.held(), notes.pedal_down()), (0, false), "CC {cc}");
            assert_eq!(notes.changes().last(), Some(&(50, 0)), "CC {cc}");
            // The pedal is up: a note let go now is released at once.
            notes.note_on(60, 62);
            notes.note_off(70, 62);
            assert_eq!(notes.held(), 0, "CC {cc}");
        }
        let mut notes = HeldNotes::default();
        notes.begin_block();
        notes.note_on(0, 60);
        notes.sustain(0, true);
        notes.note_off(5, 60);
        // CLAP's wildcard note-off is the same panic button.
        notes.all_off(9);
        assert!(!notes.pedal_down());
        notes.note_on(10, 60);
        notes.sustain(11, true);
        notes.clear();
        assert_eq!((notes.held(), notes.pedal_down()), (0, false));
        assert_eq!(notes.changes(), &[(0, 0)]);
        notes.note_on(0, 60);
        notes.note_off(1, 60);
        assert_eq!(notes.held(), 0, "no pedal after a reset");
    }

    #[test]
    fn odd_pedal_input_never_panics_and_changes_only_what_it_should() {
        let mut notes = HeldNotes::default();
        notes.begin_block();
        // Pedal events without notes, a lift without a press, values out of range or no
        // number at all, other controllers, offsets far past the block.
        notes.control_change(0, CC_SUSTAIN, 0.0);
        notes.control_change(3, CC_SUSTAIN, 1.0);
        notes.control_change(4, CC_SUSTAIN, 0.0);
        notes.control_change(5, CC_SUSTAIN, -3.0);
        assert_eq!(notes.changes(), &[(0, 0)]);
        notes.control_change(6, CC_SUSTAIN, 7.5);
        assert!(notes.pedal_down(), "above the range is down");
        for value in [f32::NAN, f32::INFINITY, f32::NEG_INFINITY] {
            notes.control_change(7, CC_SUSTAIN, value);
            assert!(notes.pedal_down(), "{value} is ignored");
        }
        notes.note_on(8, 60);
        notes.note_off(9, 60);
        for cc in [0, 1, 7, 11, 63, 65, 121, 127, 255] {
            notes.control_change(10, cc, 0.0);
        }
        assert_eq!((notes.held(), notes.pedal_down()), (1 << 60, true));
        notes.control_change(usize::MAX, CC_SUSTAIN, 0.0);
        assert_eq!(notes.held(), 0);
        // A continuous pedal's flood of values costs no room in the block's changes.
        notes.begin_block();
        notes.note_on(0, 60);
        for i in 0..1_000 {
            notes.control_change(i, CC_SUSTAIN, 0.5 + (i % 50) as f32 / 100.0);
        }
        assert_eq!(notes.changes().len(), 1);
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
