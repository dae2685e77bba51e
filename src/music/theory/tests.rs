//! Unit tests of the theory vocabulary.

mod names {
    use super::super::*;

    #[test]
    fn note_names_round_trip_and_flats_parse() {
        for pc in PitchClass::ALL {
            assert_eq!(pc.name().parse::<PitchClass>(), Ok(pc));
        }
        assert_eq!("Bb".parse::<PitchClass>(), Ok(PitchClass::ASharp));
        assert_eq!("B flat".parse::<PitchClass>(), Ok(PitchClass::ASharp));
        assert_eq!("f sharp".parse::<PitchClass>(), Ok(PitchClass::FSharp));
        assert_eq!("Cb".parse::<PitchClass>(), Ok(PitchClass::B));
        assert_eq!("E#".parse::<PitchClass>(), Ok(PitchClass::F));
        assert!("H".parse::<PitchClass>().is_err());
        assert!("".parse::<PitchClass>().is_err());
        assert!("C major".parse::<PitchClass>().is_err());
    }

    #[test]
    fn transpose_wraps_both_ways() {
        assert_eq!(PitchClass::A.transpose(3), PitchClass::C);
        assert_eq!(PitchClass::C.transpose(-1), PitchClass::B);
        assert_eq!(PitchClass::from_semitone(-13), PitchClass::B);
    }

    #[test]
    fn scale_ids_round_trip_and_aliases_parse() {
        for scale in ScaleKind::ALL {
            assert_eq!(scale.id().parse::<ScaleKind>(), Ok(scale));
            assert_eq!(scale.display_name().parse::<ScaleKind>(), Ok(scale));
            assert_eq!(scale.intervals()[0], 0);
            assert!(scale.intervals().windows(2).all(|w| w[0] < w[1]));
        }
        assert_eq!("Aeolian".parse::<ScaleKind>(), Ok(ScaleKind::Minor));
        assert!("bebop".parse::<ScaleKind>().is_err());
    }

    #[test]
    fn a_minor_mask_is_the_white_keys() {
        let white = [0u8, 2, 4, 5, 7, 9, 11]
            .iter()
            .fold(0u16, |m, &s| m | 1 << s);
        assert_eq!(ScaleKind::Minor.pitch_class_mask(PitchClass::A), white);
        assert_eq!(ScaleKind::Chromatic.pitch_class_mask(PitchClass::D), 0x0fff);
    }
}

mod spelling_tests {
    use super::super::*;

    fn key(text: &str) -> Key {
        text.parse().expect("key parses")
    }

    fn symbols(chords: &[Chord]) -> Vec<String> {
        chords.iter().map(|c| c.symbol()).collect()
    }

    #[test]
    fn keys_parse_with_their_mode() {
        assert_eq!(
            key("F major"),
            Key::new(Note::new(Letter::F, 0), ScaleKind::Major)
        );
        assert_eq!(
            key("A minor"),
            Key::new(Note::new(Letter::A, 0), ScaleKind::Minor)
        );
        assert_eq!(
            key("F#m"),
            Key::new(Note::new(Letter::F, 1), ScaleKind::Minor)
        );
        assert_eq!(
            key("Bb"),
            Key::new(Note::new(Letter::B, -1), ScaleKind::Major)
        );
        assert_eq!(
            key("bbm"),
            Key::new(Note::new(Letter::B, -1), ScaleKind::Minor)
        );
        assert_eq!(
            key("Bm"),
            Key::new(Note::new(Letter::B, 0), ScaleKind::Minor)
        );
        assert_eq!(key("C# dorian").scale, ScaleKind::Dorian);
        assert_eq!(key("F sharp minor").tonic, Note::new(Letter::F, 1));
        assert_eq!(key("Eb maj").tonic, Note::new(Letter::E, -1));
        assert_eq!(key("D harmonic minor").scale, ScaleKind::HarmonicMinor);
        assert_eq!(key("G mixolydian mode").scale, ScaleKind::Mixolydian);
        assert!("H major".parse::<Key>().is_err());
        assert!("F majestic".parse::<Key>().is_err());
    }

    #[test]
    fn scales_are_spelled_one_letter_per_degree() {
        let names = |k: &str| -> Vec<String> {
            key(k).scale_notes().iter().map(|n| n.to_string()).collect()
        };
        assert_eq!(names("F major"), ["F", "G", "A", "Bb", "C", "D", "E"]);
        assert_eq!(names("F# minor"), ["F#", "G#", "A", "B", "C#", "D", "E"]);
        assert_eq!(names("Db major"), ["Db", "Eb", "F", "Gb", "Ab", "Bb", "C"]);
        assert_eq!(names("C# major").last().map(String::as_str), Some("B#"));
        assert_eq!(key("F major").signature(), -1);
        assert_eq!(key("E minor").signature(), 1);
        assert_eq!(key("D dorian").signature(), 0);
        assert_eq!(key("A harmonic minor").signature(), 0);
    }

    #[test]
    fn keys_from_pitch_classes_take_the_usual_spelling() {
        let name = |pc, scale| Key::from_pitch_class(pc, scale).to_string();
        assert_eq!(name(PitchClass::ASharp, ScaleKind::Major), "Bb major");
        assert_eq!(name(PitchClass::CSharp, ScaleKind::Major), "Db major");
        assert_eq!(name(PitchClass::GSharp, ScaleKind::Major), "Ab major");
        assert_eq!(name(PitchClass::FSharp, ScaleKind::Minor), "F# minor");
        assert_eq!(name(PitchClass::CSharp, ScaleKind::Minor), "C# minor");
        assert_eq!(name(PitchClass::ASharp, ScaleKind::Minor), "Bb minor");
    }

    #[test]
    fn roman_numerals_spell_correctly_in_any_key() {
        let f = key("F major");
        assert_eq!(
            symbols(&progression_in_key("I-V-iv-I", f).unwrap()),
            ["F", "C", "Bbm", "F"]
        );
        assert_eq!(
            symbols(&progression_in_key("I-bVI-IV-I", f).unwrap()),
            ["F", "Db", "Bb", "F"]
        );
        assert_eq!(
            symbols(&progression_in_key("I-bIII-IV-V", key("C")).unwrap()),
            ["C", "Eb", "F", "G"]
        );
        assert_eq!(
            symbols(&progression_in_key("I-V-bVI-bVII", key("E")).unwrap()),
            ["E", "B", "C", "D"]
        );
        // Minor keys: unaltered numerals take the key's own degrees; the Dorian IV is major.
        assert_eq!(
            symbols(&progression_in_key("i-VI-III-VII", key("A minor")).unwrap()),
            ["Am", "F", "C", "G"]
        );
        assert_eq!(
            symbols(&progression_in_key("i-IV-V-i", key("C minor")).unwrap()),
            ["Cm", "F", "G", "Cm"]
        );
        assert_eq!(
            symbols(&progression_in_key("i-bVI-III-VII", key("F# minor")).unwrap()),
            ["F#m", "D", "A", "E"]
        );
        assert_eq!(
            symbols(&progression_in_key("Imaj7-IVmaj7-viim7b5-IVmaj7", key("G")).unwrap()),
            ["Gmaj7", "Cmaj7", "F#m7b5", "Cmaj7"]
        );
        assert_eq!(
            symbols(&progression_in_key("Imaj9-vim7-IVadd9-Vsus4", key("D")).unwrap()),
            ["Dmaj9", "Bm7", "Gadd9", "Asus4"]
        );
        assert_eq!(
            symbols(&progression_in_key("Im7-bVImaj7-IVm7-bVII7", key("Eb minor")).unwrap()),
            ["Ebm7", "Cbmaj7", "Abm7", "Db7"]
        );
        assert_eq!(
            symbols(&progression_in_key("I5-bVII5-IV5-I5", key("A")).unwrap()),
            ["A5", "G5", "D5", "A5"]
        );
        assert!(parse_progression("I-Q-V").is_err());
        assert!(parse_progression("Iv").is_err());
        assert!(parse_progression("").is_err());
    }

    #[test]
    fn numerals_print_back_as_read() {
        for text in [
            "bVI", "iv", "V7", "viim7b5", "IVmaj7", "I5", "Vsus4", "ii7", "bVII7",
        ] {
            let numeral: RomanChord = text.parse().unwrap();
            assert_eq!(numeral.numeral(), text);
        }
    }

    #[test]
    fn chord_symbols_parse_and_spell_their_tones() {
        for quality in ChordQuality::ALL {
            let chord = Chord::new(Note::new(Letter::E, -1), quality);
            assert_eq!(chord.symbol().parse::<Chord>(), Ok(chord));
            assert_eq!(chord.notes().len(), quality.tones().len());
        }
        let notes = |c: &str| -> Vec<String> {
            c.parse::<Chord>()
                .unwrap()
                .notes()
                .iter()
                .map(|n| n.to_string())
                .collect()
        };
        assert_eq!(notes("Bbm"), ["Bb", "Db", "F"]);
        assert_eq!(notes("Cdim7"), ["C", "Eb", "Gb", "Bbb"]);
        assert_eq!(notes("F#m7b5"), ["F#", "A", "C", "E"]);
        assert_eq!(notes("Gadd9"), ["G", "B", "D", "A"]);
        assert!("Xm".parse::<Chord>().is_err());
        assert!("Cmagic".parse::<Chord>().is_err());
    }

    #[test]
    fn diatonic_chords_follow_the_mode() {
        let c = key("C major");
        let triads: Vec<String> = (1..=7).map(|d| c.diatonic_chord(d, 3).symbol()).collect();
        assert_eq!(triads, ["C", "Dm", "Em", "F", "G", "Am", "Bdim"]);
        let sevenths: Vec<String> = (1..=7).map(|d| c.diatonic_chord(d, 4).symbol()).collect();
        assert_eq!(
            sevenths,
            ["Cmaj7", "Dm7", "Em7", "Fmaj7", "G7", "Am7", "Bm7b5"]
        );
        assert_eq!(c.diatonic_chord(3, 5).symbol(), "Em7");
        assert_eq!(c.diatonic_chord(2, 5).symbol(), "Dm9");
        assert_eq!(key("D dorian").diatonic_chord(4, 3).symbol(), "G");
        assert_eq!(key("A harmonic minor").diatonic_chord(5, 4).symbol(), "E7");
        for d in 1..=7 {
            assert!(key("Ab lydian")
                .diatonic_chord(d, 4)
                .is_diatonic_in(key("Ab lydian")));
        }
    }

    #[test]
    fn voice_leading_moves_little_and_stays_in_range() {
        let chords = progression_in_key("I-V-vi-IV", key("C")).unwrap();
        let mut previous: Option<Vec<u8>> = None;
        for chord in chords {
            let notes = voice_chord(chord, previous.as_deref(), 52, 76, 4);
            assert!(notes.iter().all(|&n| (52..=76).contains(&n)));
            let mask = notes.iter().fold(0u16, |m, &n| m | 1 << (n % 12));
            assert_eq!(mask, chord.mask(), "{chord}: {notes:?}");
            if let Some(prev) = &previous {
                let moved: i32 = prev
                    .iter()
                    .zip(&notes)
                    .map(|(&a, &b)| (a as i32 - b as i32).abs())
                    .sum();
                assert!(moved <= 8, "{chord} moved {moved} semitones");
            }
            previous = Some(notes);
        }
        let ninth = voice_chord("Dm9".parse().unwrap(), None, 48, 76, 4);
        assert_eq!(ninth.len(), 4);
    }
}
