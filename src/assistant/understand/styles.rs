//! The backing's style named in a request: a genre word, an artist or record, or a mood that
//! one style carries ("sad" is a ballad, "chill" is lo-fi).

use super::normalise::Words;

/// Genre words, references and grooves, and the style each names. Matched on single words
/// (joined spellings like "hiphop" come from `normalise`).
const STYLES: [(&[&str], &str); 12] = [
    (
        &[
            "neo_soul", "neosoul", "d'angelo", "badu", "erykah", "sade", "maxwell", "rnb", "soul",
            "soulful", "solange", "paak", "jorja", "giveon", "musiq", "gospel",
        ],
        "neo_soul",
    ),
    (
        &[
            "lofi", "chillhop", "nujabes", "study", "dilla", "jinsang", "studying", "homework",
            "jazzhop", "vinyl", "cassette", "rainy", "coffee", "cafe",
        ],
        "lofi",
    ),
    (
        &[
            "reggae",
            "regae",
            "riddim",
            "dub",
            "ska",
            "onedrop",
            "skank",
            "marley",
            "dancehall",
            "tosh",
            "rocksteady",
            "jamaica",
            "jamaican",
            "rasta",
        ],
        "reggae",
    ),
    (
        &[
            "hiphop",
            "rap",
            "trap",
            "boombap",
            "premier",
            "drill",
            "kendrick",
            "biggie",
            "tupac",
            "eminem",
            "nas",
            "wu",
            "rapper",
            "jayz",
            "dre",
            "snoop",
            "grime",
            "phonk",
            "cypher",
            "freestyle",
            "mumble",
        ],
        "hiphop",
    ),
    (
        &[
            "funk",
            "funky",
            "disco",
            "funkier",
            "vulfpeck",
            "parliament",
            "prince",
            "chic",
            "bootsy",
            "jamiroquai",
            "slap",
            "uptown",
        ],
        "funk",
    ),
    (
        &[
            "rock",
            "rocky",
            "punk",
            "grunge",
            "metal",
            "nirvana",
            "zeppelin",
            "acdc",
            "indie",
            "stones",
            "queen",
            "foo",
            "garage",
            "alternative",
            "alt",
            "emo",
            "hardcore",
            "guitars",
        ],
        "rock",
    ),
    (
        &[
            "jazz",
            "jazzy",
            "jazzier",
            "swing",
            "bebop",
            "scat",
            "coltrane",
            "davis",
            "ella",
            "brubeck",
            "thelonious",
            "mingus",
            "sinatra",
            "buble",
            "lounge",
            "bigband",
            "chet",
            "herbie",
        ],
        "jazz",
    ),
    (
        &[
            "blues",
            "bluesy",
            "shuffle",
            "chicago",
            "clapton",
            "srv",
            "delta",
            "hooker",
            "howlin",
            "bonamassa",
        ],
        "blues",
    ),
    (
        &[
            "latin",
            "salsa",
            "bossa",
            "samba",
            "cumbia",
            "reggaeton",
            "santana",
            "jobim",
            "mambo",
            "bachata",
            "tango",
            "havana",
            "cuban",
            "cuba",
            "mariachi",
            "brazil",
            "brazilian",
            "bolero",
            "merengue",
            "flamenco",
            "despacito",
            "shakira",
        ],
        "latin",
    ),
    (
        &[
            "edm",
            "dance",
            "guetta",
            "tiesto",
            "deadmau5",
            "dubstep",
            "skrillex",
            "house",
            "techno",
            "electronic",
            "club",
            "fouronthefloor",
            "avicii",
            "daft",
            "festival",
            "trance",
            "rave",
            "ibiza",
            "banger",
            "edc",
            "tomorrowland",
            "synthwave",
            "garrix",
            "zedd",
            "marshmello",
            "hardstyle",
            "dnb",
        ],
        "edm",
    ),
    (
        &[
            "ballad",
            "piano",
            "adele",
            "lullaby",
            "celine",
            "whitney",
            "wedding",
            "breakup",
            "torch",
            "elton",
            "waltz",
            "cinematic",
        ],
        "ballad",
    ),
    (
        &[
            "pop",
            "poppy",
            "swift",
            "motown",
            "dua",
            "katy",
            "beyonce",
            "gaga",
            "bieber",
            "ariana",
            "rihanna",
            "weeknd",
            "eilish",
            "mainstream",
            "kpop",
            "jpop",
            "blackpink",
        ],
        "pop",
    ),
];

/// A mood with no named style picks the style that carries it.
const MOODS: [(&[&str], &str); 4] = [
    (
        &[
            "sad",
            "melancholy",
            "melancholic",
            "heartbroken",
            "emotional",
            "tender",
        ],
        "ballad",
    ),
    (
        &[
            "chill", "relaxed", "mellow", "laid", "cozy", "dreamy", "relax",
        ],
        "lofi",
    ),
    (&["groovy", "sexy", "smooth", "sultry"], "neo_soul"),
    (
        &["happy", "upbeat", "cheerful", "bright", "sunny", "party"],
        "pop",
    ),
];

/// Artists and phrases whose words alone would name another style ("Daft Punk" is not
/// punk, "BB King" is blues).
const REFERENCES: [(&str, &str); 29] = [
    ("kind of blue", "jazz"),
    ("take five", "jazz"),
    ("buena vista", "latin"),
    ("first dance", "ballad"),
    ("slow dance", "ballad"),
    ("big room", "edm"),
    ("muddy waters", "blues"),
    ("james brown", "funk"),
    ("calvin harris", "edm"),
    ("sam smith", "ballad"),
    ("jill scott", "neo_soul"),
    ("daft punk", "edm"),
    ("bb king", "blues"),
    ("bob marley", "reggae"),
    ("neo soul", "neo_soul"),
    ("lofi girl", "lofi"),
    ("boom bap", "hiphop"),
    ("hip hop", "hiphop"),
    ("twelve bar", "blues"),
    ("blue note", "jazz"),
    ("bill evans", "jazz"),
    ("piano trio", "jazz"),
    ("guaraldi", "jazz"),
    ("coltrane", "jazz"),
    ("miles davis", "jazz"),
    ("superstition", "funk"),
    ("stevie wonder", "funk"),
    ("gipsy kings", "latin"),
    ("hips don't lie", "latin"),
];

/// A genre word that names a style, unless it is part of a scale's name ("jazz minor",
/// "blues scale").
fn genre_word(words: &Words) -> Option<&'static str> {
    STYLES
        .iter()
        .find(|(ws, _)| {
            words.words.iter().enumerate().any(|(i, w)| {
                ws.contains(&w.text.as_str())
                    && !matches!(words.at(i + 1), "minor" | "major" | "scale" | "mode")
            })
        })
        .map(|(_, s)| *s)
}

/// Where the first genre word stands.
pub fn genre_word_at(words: &Words) -> Option<usize> {
    (0..words.len()).find(|&i| STYLES.iter().any(|(ws, _)| ws.contains(&words.at(i))))
}

/// Genre words right before the backing's own noun ("a lo-fi backing for a bedroom pop
/// song", "chill lo-fi hip hop beat like ..."): the style asked for, whatever else is named.
fn genre_of_the_backing(words: &Words) -> Option<&'static str> {
    let noun = words.find_any(&["backing", "beat", "track", "groove", "instrumental"])?;
    // Up to three genre words in a row before the noun, read as the genre words are.
    let first = (noun.saturating_sub(3)..noun)
        .rev()
        .take_while(|&k| STYLES.iter().any(|(ws, _)| ws.contains(&words.at(k))))
        .last()?;
    genre_word(&Words::from_slice(&words.words[first..noun]))
}

/// A phrase whose words alone would name another style ("Daft Punk", "Kind of Blue").
fn known_phrase(words: &Words) -> Option<&'static str> {
    REFERENCES
        .iter()
        .find(|(p, _)| words.has_phrase(p))
        .map(|(_, s)| *s)
}

/// A style named by a genre word or a known phrase.
fn genre(words: &Words) -> Option<&'static str> {
    known_phrase(words).or_else(|| genre_word(words))
}

/// The style named by genre, artist or record, or mood. A genre word before the backing's
/// noun comes first; then an artist or record ("Gregory Isaacs lovers rock", "Sly and the
/// Family Stone, to dance" outrank the genre words inside or beside them).
pub fn style(words: &Words) -> Option<&'static str> {
    genre_of_the_backing(words)
        .or_else(|| known_phrase(words))
        .or_else(|| super::references::style(words))
        .or_else(|| genre_word(words))
        .or_else(|| {
            MOODS
                .iter()
                .find(|(ws, _)| words.has_any(ws))
                .map(|(_, s)| *s)
        })
}

/// Whether a genre word (not a mood) is named.
pub fn names_genre(words: &Words) -> bool {
    genre(words).is_some()
}
