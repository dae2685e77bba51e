//! The chords a backing plays, in a form the audio thread can read without allocating: each
//! chord as a pitch-class mask (with the key notes it replaces), each span in ticks.
//!
//! Built off the audio thread from the music brain's chords (`music::backing::ChordSpan` or a
//! parsed chord chart), then only looked up. A chord held on the MIDI input is read here too
//! (`ChordTones::from_held_notes`), on the audio thread, without allocating.

use crate::music::theory::{Chord, ChordQuality, Key, PitchClass, ScaleKind};

/// Distinct pitch classes held notes need to count as a chord. Two, not three: a keyboard
/// player's fifth (C-G) or a shell voicing (the third and seventh) is a chord to a musician;
/// one pitch class (a single note or octaves) names no harmony and stays a MIDI target note.
pub const MIN_CHORD_PITCH_CLASSES: u32 = 2;

/// Letter steps above the tonic (0..6) of each semitone above it, for tones outside the key:
/// the chromatic degrees as musicians name them (b2 b3 #4 b6 b7; 3, 6 and 7 where the key's are
/// minor), so Bb over C is a B and F# an F.
const CHROMATIC_STEP: [u8; 12] = [0, 1, 1, 2, 2, 3, 3, 4, 5, 5, 6, 6];

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

    /// The chord a keyboard player holds: `held` MIDI notes (bit n = note n) heard in the key
    /// on `tonic` with `scale`; `None` below [`MIN_CHORD_PITCH_CLASSES`]. A known chord shape
    /// (any quality, any inversion; the lowest note wins as root where two readings fit, so
    /// C-E-G-A over C is C6 and over A is Am7) spells its tones from its root as a written
    /// chord would be, so a borrowed tone replaces the same key note as in
    /// [`ChordTones::new`]; an unknown cluster spells each outside tone as a chromatic degree.
    /// No allocation: the audio thread calls this at each note-on and note-off.
    pub fn from_held_notes(held: u128, tonic: PitchClass, scale: ScaleKind) -> Option<Self> {
        let mask = pitch_class_mask(held);
        if mask.count_ones() < MIN_CHORD_PITCH_CLASSES {
            return None;
        }
        let bass = (held.trailing_zeros() % 12) as u8;
        let spelling = KeySpelling::new(tonic, scale);
        let (root, replaced) = match chord_shape(mask, bass) {
            Some((root, quality)) => (root, spelling.replaced_by_chord(root, quality)),
            None => (bass, spelling.replaced_by_tones(mask)),
        };
        Some(Self {
            root,
            mask,
            replaced: replaced & !mask,
        })
    }
}

/// The pitch classes of MIDI notes `held` (bit n = note n) as a 12-bit mask.
pub fn pitch_class_mask(held: u128) -> u16 {
    let mut mask = 0u16;
    let mut rest = held;
    while rest != 0 {
        let note = rest.trailing_zeros();
        mask |= 1 << (note % 12);
        rest &= rest - 1;
    }
    mask
}

/// The mask of `quality` on `root`.
fn quality_mask(root: u8, quality: ChordQuality) -> u16 {
    quality
        .tones()
        .iter()
        .fold(0, |mask, &(semis, _)| mask | 1 << ((root + semis) % 12))
}

/// The root and quality whose tones are exactly `mask`, trying `bass` first as the root, then
/// the other tones upwards from it; qualities in `ChordQuality::ALL` order (triads first).
fn chord_shape(mask: u16, bass: u8) -> Option<(u8, ChordQuality)> {
    (0..12u8)
        .map(|up| (bass + up) % 12)
        .filter(|&root| mask & (1 << root) != 0)
        .find_map(|root| {
            ChordQuality::ALL
                .into_iter()
                .find(|&q| quality_mask(root, q) == mask)
                .map(|q| (root, q))
        })
}

/// The key's seven letters as pitch classes (its harmonic parent, as `Key` spells it), to
/// find which key note an outside tone stands in for.
struct KeySpelling {
    tonic: u8,
    steps: &'static [u8],
    mask: u16,
}

impl KeySpelling {
    fn new(tonic: PitchClass, scale: ScaleKind) -> Self {
        let parent = scale.harmonic_parent();
        Self {
            tonic: tonic.semitone(),
            steps: parent.intervals(),
            mask: parent.pitch_class_mask(tonic),
        }
    }

    fn contains(&self, pc: u8) -> bool {
        self.mask & (1 << (pc % 12)) != 0
    }

    /// Letter steps above the tonic of pitch class `pc`: its degree in the key, else its
    /// chromatic degree.
    fn step_of(&self, pc: u8) -> u8 {
        let offset = (pc + 12 - self.tonic) % 12;
        match self.steps.iter().position(|&s| s == offset) {
            Some(degree) => degree as u8,
            None => CHROMATIC_STEP[offset as usize],
        }
    }

    /// The key note `steps` letters above the tonic, as a mask bit (none if the parent scale
    /// had fewer than seven notes, which `harmonic_parent` rules out).
    fn note_bit(&self, steps: u8) -> u16 {
        self.steps
            .get(steps as usize % 7)
            .map_or(0, |&s| 1 << ((self.tonic + s) % 12))
    }

    /// Key notes replaced by `quality` on `root`: each outside tone spelled from the root by
    /// its interval number (a third above E is a G, so G# replaces G).
    fn replaced_by_chord(&self, root: u8, quality: ChordQuality) -> u16 {
        let root_step = self.step_of(root);
        quality
            .tones()
            .iter()
            .filter(|&&(semis, _)| !self.contains(root + semis))
            .fold(0, |replaced, &(_, number)| {
                replaced | self.note_bit(root_step + number - 1)
            })
    }

    /// Key notes replaced by the outside tones of an unnamed cluster, each by its chromatic
    /// degree.
    fn replaced_by_tones(&self, mask: u16) -> u16 {
        (0..12u8)
            .filter(|&pc| mask & (1 << pc) != 0 && !self.contains(pc))
            .fold(0, |replaced, pc| replaced | self.note_bit(self.step_of(pc)))
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

    /// MIDI notes as a held set.
    fn held(notes: &[u8]) -> u128 {
        notes.iter().fold(0, |h, &n| h | 1u128 << n)
    }

    /// The notes of `chord` from `bass` upwards within two octaves, as a player voices it.
    fn voiced(chord: Chord, bass: u8) -> u128 {
        let mask = chord.mask();
        (bass..bass + 24)
            .filter(|n| mask & (1 << (n % 12)) != 0)
            .fold(0, |h, n| h | 1u128 << n)
    }

    #[test]
    fn a_held_chord_reads_as_the_written_chord_in_every_inversion() {
        // Diatonic, borrowed and secondary chords in keys of both spellings; the written
        // chord's tones (ChordTones::new) are the ground truth.
        let cases: [(&str, &[&str]); 5] = [
            (
                "C major",
                &[
                    "C", "Dm", "Em", "F", "G7", "Am", "Bdim", "Bb", "Fm", "Ab", "Eb", "D", "E",
                    "A", "Db",
                ],
            ),
            (
                "A minor",
                &["Am", "Dm", "E", "E7", "F", "G", "C", "D", "Bb", "A"],
            ),
            (
                "Eb major",
                &["Eb", "Fm", "Ab", "Bb7", "Cm", "Db", "Abm", "C", "G"],
            ),
            ("E major", &["E", "A", "B7", "C#m", "D", "C", "Am", "F#"]),
            ("D dorian", &["Dm", "G", "C", "Am", "F", "Bb", "A7"]),
        ];
        for (key_text, chords) in cases {
            let k = key(key_text);
            for symbol in chords {
                let c = chord(symbol);
                let truth = ChordTones::new(c, k);
                let root = c.root.pitch_class().semitone();
                for bass_pc in c.pitch_classes() {
                    let bass = 48 + bass_pc.semitone();
                    let got = ChordTones::from_held_notes(voiced(c, bass), k.tonic_pc(), k.scale)
                        .unwrap_or_else(|| panic!("{symbol} in {key_text}: no chord"));
                    assert_eq!(got.mask, truth.mask, "{symbol} in {key_text}");
                    assert_eq!(
                        got.replaced, truth.replaced,
                        "{symbol} in {key_text}, bass {bass}"
                    );
                    // Root position names the root; an inversion still finds it unless the
                    // shape reads as another chord from its bass (C6 = Am7/C).
                    if bass_pc.semitone() == root {
                        assert_eq!(got.root, root, "{symbol} in {key_text}");
                    }
                }
            }
        }
    }

    #[test]
    fn one_pitch_class_is_no_chord_and_two_are() {
        let c = PitchClass::C;
        let major = ScaleKind::Major;
        assert_eq!(ChordTones::from_held_notes(0, c, major), None);
        assert_eq!(ChordTones::from_held_notes(held(&[60]), c, major), None);
        assert_eq!(
            ChordTones::from_held_notes(held(&[48, 60, 72]), c, major),
            None
        );
        let fifth = ChordTones::from_held_notes(held(&[48, 55]), c, major).expect("C5");
        assert_eq!((fifth.root, fifth.mask), (0, 1 | 1 << 7));
        // A shell voicing (E and Bb over nothing): an unnamed pair; Bb still replaces B.
        let shell = ChordTones::from_held_notes(held(&[64, 70]), c, major).expect("pair");
        assert_eq!(shell.mask, 1 << 4 | 1 << 10);
        assert_eq!(shell.replaced, 1 << 11);
        // C6 over C, Am7 over A: the bass decides the root.
        let c6 = ChordTones::from_held_notes(held(&[48, 52, 55, 57]), c, major).expect("C6");
        let am7 = ChordTones::from_held_notes(held(&[45, 48, 52, 55]), c, major).expect("Am7");
        assert_eq!((c6.root, am7.root), (0, 9));
        assert_eq!(c6.mask, am7.mask);
        // Note 127 and note 0 are fine (the edges of the bit set).
        let edges = ChordTones::from_held_notes(held(&[0, 127]), c, major).expect("C and G");
        assert_eq!(edges.mask, 1 | 1 << 7);
    }
}
