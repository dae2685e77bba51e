//! Everyday words for the backing's tempo: "speed", "velocity" and "pace" said of the backing
//! ("reduce the speed of the accompaniment", "I want speed of 130") are its tempo, and
//! "accelerate"/"decelerate" said of it are "faster"/"slower". Said of the tuning ("retune
//! speed", "velocity of the correction") they stay the readers' to read.

use super::normalise::{number, Words};

/// Words that put "speed" on the tuning.
const TUNING: [&str; 10] = [
    "retune",
    "tune",
    "tuning",
    "autotune",
    "tuner",
    "correction",
    "correct",
    "snap",
    "glide",
    "pitch",
];

/// Nouns that name the backing.
const BACKING: [&str; 9] = [
    "backing",
    "beat",
    "track",
    "music",
    "groove",
    "instrumental",
    "accompaniment",
    "band",
    "base",
];

/// Rewrites the tempo words of `words` in place (see the module's doc).
pub fn read_as_tempo(words: &mut Words) {
    if words.has_any(&TUNING) {
        return;
    }
    let backing = words.has_any(&BACKING);
    // "Speed of 130", "make the velocity 130": a tempo's number.
    let tempo_number =
        (0..words.len()).any(|i| number(words.at(i)).is_some_and(|v| (40.0..=240.0).contains(&v)));
    for w in &mut words.words {
        let meant = match w.text.as_str() {
            "speed" | "velocity" | "pace" if backing || tempo_number => "tempo",
            "accelerate" | "quicken" if backing => "faster",
            "decelerate" if backing => "slower",
            _ => continue,
        };
        w.text = meant.to_string();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Vec<String> {
        let mut w = Words::new(text);
        read_as_tempo(&mut w);
        w.texts().into_iter().map(str::to_string).collect()
    }

    #[test]
    fn speed_of_the_backing_is_its_tempo() {
        assert!(read("reduce the speed of the accompaniment").contains(&"tempo".to_string()));
        assert!(read("I want speed of 130").contains(&"tempo".to_string()));
        assert!(read("accelerate a little the backing").contains(&"faster".to_string()));
        // The tuning's speed stays.
        assert!(read("retune speed faster").contains(&"speed".to_string()));
        assert!(read("velocity of retune, more high").contains(&"velocity".to_string()));
    }
}
