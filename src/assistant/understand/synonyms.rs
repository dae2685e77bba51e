//! Everyday synonyms read as the word the readers know: "lessen" is "reduce", "heaps" is
//! "lots", "ambience" is "reverb". The readers then need one word per meaning, and a phrasing
//! nobody wrote a rule for still reads ("eliminate the whisper" removes it instead of being
//! read as "some whisper").
//!
//! Only words with one meaning in a request to a vocal plugin are here: "drop" (lower the
//! pitch, remove the reverb or start the beat), "soften" (quieter or warmer) and "room" (space
//! or a reverb) are left to the readers that see their context.

/// Single words and the word they mean, grouped by what they say.
const SYNONYMS: &[(&str, &str)] = &[
    // Lower a control.
    ("lessen", "reduce"),
    ("lighten", "reduce"),
    ("diminish", "reduce"),
    ("minimise", "reduce"),
    ("minimize", "reduce"),
    ("weaken", "reduce"),
    ("trim", "reduce"),
    ("shrink", "reduce"),
    ("curb", "reduce"),
    ("subdue", "reduce"),
    ("lessened", "reduce"),
    ("reduced", "reduce"),
    ("lowered", "lower"),
    ("decreased", "decrease"),
    // Raise a control.
    ("amplify", "increase"),
    ("intensify", "increase"),
    ("heighten", "increase"),
    ("strengthen", "increase"),
    ("augment", "increase"),
    ("elevate", "increase"),
    ("increased", "increase"),
    ("boosted", "boost"),
    ("raised", "raise"),
    ("lift", "raise"),
    ("lifted", "raise"),
    ("moar", "more"),
    ("mor", "more"),
    ("mo", "more"),
    // Remove or switch off.
    ("eliminate", "remove"),
    // "Quit the autotune": Spanish and Portuguese speakers' "quitar"/"tirar" (it had switched
    // the tuning on); "cease" and "suppress" in other learners' English.
    ("quit", "remove"),
    ("quita", "remove"),
    ("quitar", "remove"),
    ("suppress", "remove"),
    ("withdraw", "remove"),
    ("cease", "stop"),
    // Modes in Italian and Spanish ("mi frigio", "re dorico").
    ("frigio", "phrygian"),
    ("frigia", "phrygian"),
    ("dorico", "dorian"),
    ("dorio", "dorian"),
    ("lidio", "lydian"),
    ("misolidio", "mixolydian"),
    ("mixolidio", "mixolydian"),
    ("eolio", "aeolian"),
    ("locrio", "locrian"),
    // A high voice in Romance languages' words ("the voice is too acute").
    ("acute", "high"),
    ("agudo", "high"),
    ("aguda", "high"),
    ("scrap", "remove"),
    ("strip", "remove"),
    ("erase", "remove"),
    ("nix", "remove"),
    ("axe", "remove"),
    ("removed", "remove"),
    ("deactivate", "disable"),
    ("disactivate", "disable"),
    ("desactivate", "disable"),
    ("desactive", "disable"),
    ("desactivar", "disable"),
    ("deactivated", "disable"),
    ("unactivate", "disable"),
    ("disabled", "disable"),
    ("silence", "mute"),
    ("muted", "mute"),
    // How big a step.
    ("heaps", "lots"),
    ("ton", "tons"),
    ("tonnes", "tons"),
    ("bunch", "lots"),
    ("shitload", "lots"),
    ("hella", "very"),
    ("mega", "very"),
    ("extremely", "very"),
    ("incredibly", "very"),
    ("insanely", "very"),
    ("seriously", "very"),
    ("significantly", "much"),
    ("considerably", "much"),
    ("substantially", "much"),
    ("drastically", "much"),
    ("dramatically", "much"),
    ("pinch", "touch"),
    ("dash", "touch"),
    ("sprinkle", "touch"),
    ("splash", "touch"),
    ("smidgen", "touch"),
    ("smidgeon", "touch"),
    ("hair", "touch"),
    ("teeny", "tiny"),
    ("teensy", "tiny"),
    ("wee", "tiny"),
    ("marginally", "slightly"),
    ("somewhat", "slightly"),
    ("mildly", "slightly"),
    ("fraction", "bit"),
    // Numbers and keys as other languages and habits write them.
    ("neg", "minus"),
    ("negative", "minus"),
    ("menor", "minor"),
    ("mineur", "minor"),
    ("minore", "minor"),
    ("moll", "minor"),
    ("mayor", "major"),
    ("majeur", "major"),
    ("maggiore", "major"),
    ("dur", "major"),
    // Controls and things.
    ("echoey", "echo"),
    ("echoy", "echo"),
    ("reverberation", "reverb"),
    ("reverbs", "reverb"),
    ("reverby", "reverb"),
    ("autotuner", "autotune"),
    ("autotuning", "autotune"),
    ("tuner", "tuning"),
    ("vol", "volume"),
    ("loudness", "volume"),
    ("vox", "vocal"),
    ("instrumental", "backing"),
    // A backing track as Spanish, Italian and French speakers name it.
    ("playback", "backing"),
    ("base", "backing"),
    ("warmness", "warmth"),
    // "More heat", as Spanish and Italian speakers say warmth (calor, calore).
    ("heat", "warmth"),
    ("tonality", "key"),
    ("dbl", "double"),
    ("upper", "higher"),
    ("réverbe", "reverb"),
    ("reverbe", "reverb"),
    ("riverbero", "reverb"),
    ("accompaniment", "backing"),
    ("semis", "semitones"),
    ("semi", "semitone"),
    ("airiness", "breathiness"),
    ("breathe", "breath"),
    ("breathing", "breath"),
    ("squeak", "squeaky"),
    ("setting", "settings"),
    ("robo", "robot"),
    ("cyborg", "robot"),
    ("android", "robot"),
    ("dalek", "robot"),
    ("cylon", "robot"),
    ("terminator", "robot"),
    ("automaton", "robot"),
    ("robots", "robot"),
    ("vocoded", "robotic"),
    ("whispered", "whisper"),
    ("whispering", "whisper"),
    ("compressing", "compress"),
    // Spellings of size and multiple words.
    ("dubble", "double"),
    ("burried", "buried"),
    ("barly", "barely"),
    ("amonut", "amount"),
    ("ammount", "amount"),
    ("duble", "double"),
    ("waay", "way"),
    // Question words as typed in a hurry.
    ("wich", "which"),
    ("wat", "what"),
    ("wut", "what"),
    // Words of the singer's first language mixed into a request ("weniger Hall bitte", "sin
    // reverb por favor", "sube un poco la base"): only words with no English meaning that
    // could be read instead.
    ("weniger", "less"),
    ("mehr", "more"),
    ("menos", "less"),
    ("moins", "less"),
    ("sube", "raise"),
    ("baja", "lower"),
    ("sin", "without"),
    ("sans", "without"),
    ("desliga", "off"),
    ("apaga", "off"),
    ("bitte", "please"),
    ("stp", "please"),
    ("voz", "voice"),
    ("voix", "voice"),
    ("stimme", "voice"),
];

/// The word the readers know for `word`, or `word` itself.
pub fn canonical(word: &str) -> &str {
    SYNONYMS
        .iter()
        .find(|(w, _)| *w == word)
        .map_or(word, |(_, meant)| meant)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn synonyms_read_as_known_words() {
        assert_eq!(canonical("lessen"), "reduce");
        assert_eq!(canonical("heaps"), "lots");
        assert_eq!(canonical("reverberation"), "reverb");
        assert_eq!(canonical("reverb"), "reverb");
        assert_eq!(canonical("drop"), "drop");
        assert_eq!(canonical("menor"), "minor");
        assert_eq!(canonical("neg"), "minus");
    }

    #[test]
    fn every_synonym_leads_to_a_word_that_is_no_synonym() {
        for (word, meant) in SYNONYMS {
            assert_eq!(
                canonical(meant),
                *meant,
                "{word} -> {meant} is itself replaced"
            );
            assert_ne!(word, meant);
        }
    }
}
