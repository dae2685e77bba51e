//! The name of the chord held on the MIDI input, for the "Chords & harmony" card: "Am7",
//! "C/E" (a chord over another of its notes), or the notes themselves when they make no
//! chord the plugin knows.

use crate::music::theory::{Chord, ChordQuality, Note, PitchClass};

/// The chord symbol of pitch classes `mask` (bit n = n semitones above C) with `bass` (a
/// pitch class 0..12) lowest: a chord rooted on the bass wins (A C E G over A is Am7, over C
/// it is C6); else the first chord that fits, written over its bass ("C/E"); else the notes.
pub fn chord_name(mask: u16, bass: u8) -> String {
    let mask = mask & 0x0fff;
    let bass = PitchClass::from_semitone(i32::from(bass));
    let named = |root: PitchClass| {
        ChordQuality::ALL
            .into_iter()
            .map(|quality| Chord::new(Note::default_spelling(root), quality))
            .find(|chord| chord.mask() == mask)
    };
    if let Some(chord) = named(bass) {
        return chord.symbol();
    }
    let roots = PitchClass::ALL
        .into_iter()
        .filter(|pc| mask & 1 << pc.semitone() != 0);
    if let Some(chord) = roots.clone().find_map(named) {
        return format!("{}/{}", chord.symbol(), Note::default_spelling(bass));
    }
    roots
        .map(|pc| Note::default_spelling(pc).to_string())
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mask(semitones: &[u8]) -> u16 {
        semitones.iter().fold(0, |m, s| m | 1 << (s % 12))
    }

    #[test]
    fn held_notes_are_named_as_chords_with_their_bass() {
        // A C E G: over A a minor seven, over C a major six.
        assert_eq!(chord_name(mask(&[9, 0, 4, 7]), 9), "Am7");
        assert_eq!(chord_name(mask(&[9, 0, 4, 7]), 0), "C6");
        assert_eq!(chord_name(mask(&[0, 4, 7]), 0), "C");
        assert_eq!(chord_name(mask(&[7, 11, 2, 5]), 7), "G7");
        assert_eq!(chord_name(mask(&[2, 5, 9]), 2), "Dm");
        // A first inversion: C E G with E lowest.
        assert_eq!(chord_name(mask(&[0, 4, 7]), 4), "C/E");
        // F# A C# E over F#.
        assert_eq!(chord_name(mask(&[6, 9, 1, 4]), 6), "F#m7");
        // Two notes a fifth apart are a power chord; a cluster is just its notes.
        assert_eq!(chord_name(mask(&[0, 7]), 0), "C5");
        assert_eq!(chord_name(mask(&[0, 1, 2]), 0), "C C# D");
    }
}
