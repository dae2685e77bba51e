//! Pitch classes and scales: the vocabulary that tuning, the assistant and the backing
//! generator share.

use thiserror::Error;

mod chord;
mod key;
mod note;
mod pitch;

pub use chord::*;
pub use key::*;
pub use note::*;
pub use pitch::*;

/// Why a note name or scale name could not be read.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum TheoryError {
    /// The text names no pitch class.
    #[error(
        "'{0}' is not a note name (expected C, C#, Db, ... B; 'F sharp' and 'B flat' work too)"
    )]
    UnknownNote(String),
    /// The text names no scale we know.
    #[error("'{0}' is not a scale (expected one of: {list})", list = ScaleKind::names_joined())]
    UnknownScale(String),
    /// The text names no key.
    #[error("'{0}' is not a key (try 'F major', 'A minor', 'F#m', 'Bb' or 'D dorian')")]
    UnknownKey(String),
    /// The text is no chord symbol we can read.
    #[error("'{0}' is not a chord symbol (try 'Bbm', 'F#m7b5', 'Ebmaj7', 'G7sus4', 'A5')")]
    UnknownChord(String),
    /// The text is no Roman numeral we can read.
    #[error("'{0}' is not a Roman numeral chord (try 'I', 'iv', 'bVII', 'V7', 'viim7b5', 'IV5')")]
    UnknownNumeral(String),
}

#[cfg(test)]
mod tests;
