//! The intent's enumerations (stakes, moods, arcs, grooves ...) with the names intent files use,
//! read loosely ("open vast" = "Open/Vast").

use std::fmt;

use serde::{Serialize, Serializer};

/// Lower-case letters and digits only: "Open/Vast", "open vast" and "OPEN-VAST" compare equal.
pub(crate) fn squash(text: &str) -> String {
    text.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

macro_rules! choice_enum {
    ($(#[$doc:meta])* $name:ident { $($variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name {
            $(#[doc = $text] $variant),+
        }

        impl $name {
            /// Every value, in the reference's order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The name as written in intent files.
            pub fn name(self) -> &'static str {
                match self {
                    $($name::$variant => $text),+
                }
            }

            /// Reads a name, ignoring case, spaces and punctuation ("open vast" is Open/Vast).
            pub fn parse(text: &str) -> Option<$name> {
                let wanted = squash(text);
                Self::ALL.iter().copied().find(|v| squash(v.name()) == wanted)
            }

            /// All names, comma-separated, for messages.
            pub fn names() -> String {
                Self::ALL.iter().map(|v| v.name()).collect::<Vec<_>>().join(", ")
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.name())
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.name())
            }
        }
    };
}

choice_enum!(
    /// What is at risk in the song.
    CoreStakes {
        Personal => "Personal",
        Relational => "Relational",
        Existential => "Existential",
        Survival => "Survival",
        Creative => "Creative",
        Moral => "Moral",
    }
);

choice_enum!(
    /// The primary mood.
    Mood {
        Grief => "Grief",
        Joy => "Joy",
        Nervousness => "Nervousness",
        Defiance => "Defiance",
        Liberation => "Liberation",
        Longing => "Longing",
        Rage => "Rage",
        Acceptance => "Acceptance",
        Nostalgia => "Nostalgia",
        Dissociation => "Dissociation",
        TriumphantHope => "Triumphant Hope",
        Bittersweet => "Bittersweet",
        Melancholy => "Melancholy",
        Euphoria => "Euphoria",
        Desperation => "Desperation",
        Serenity => "Serenity",
        Confusion => "Confusion",
        Determination => "Determination",
    }
);

choice_enum!(
    /// The sound picture.
    ImageryTexture {
        SharpEdges => "Sharp Edges",
        Muffled => "Muffled",
        OpenVast => "Open/Vast",
        Claustrophobic => "Claustrophobic",
        HazyDreamy => "Hazy/Dreamy",
        Crystalline => "Crystalline",
        MuddyThick => "Muddy/Thick",
        SparseEmpty => "Sparse/Empty",
        Chaotic => "Chaotic",
        FlowingLiquid => "Flowing/Liquid",
        Fractured => "Fractured",
        WarmEnveloping => "Warm/Enveloping",
        ColdDistant => "Cold/Distant",
        BlindingLight => "Blinding Light",
        DeepShadow => "Deep Shadow",
    }
);

choice_enum!(
    /// How exposed the voice is.
    Vulnerability {
        Low => "Low",
        Medium => "Medium",
        High => "High",
    }
);

choice_enum!(
    /// How the song moves through time.
    NarrativeArc {
        ClimbToClimax => "Climb-to-Climax",
        SlowReveal => "Slow Reveal",
        RepetitiveDespair => "Repetitive Despair",
        StaticReflection => "Static Reflection",
        SuddenShift => "Sudden Shift",
        Descent => "Descent",
        RiseAndFall => "Rise and Fall",
        Spiral => "Spiral",
    }
);

choice_enum!(
    /// The genre.
    Genre {
        CinematicNeoSoul => "Cinematic Neo-Soul",
        LoFiBedroom => "Lo-Fi Bedroom",
        IndustrialPop => "Industrial Pop",
        Synthwave => "Synthwave",
        ConfessionalAcoustic => "Confessional Acoustic",
        ArtRock => "Art Rock",
        IndieFolk => "Indie Folk",
        PostPunk => "Post-Punk",
        ChamberPop => "Chamber Pop",
        Electronic => "Electronic",
        HipHop => "Hip-Hop",
        RnB => "R&B",
        Alternative => "Alternative",
        Shoegaze => "Shoegaze",
        DreamPop => "Dream Pop",
    }
);

choice_enum!(
    /// The groove feel.
    GrooveFeel {
        StraightDriving => "Straight/Driving",
        LaidBack => "Laid Back",
        Swung => "Swung",
        Syncopated => "Syncopated",
        RubatoFree => "Rubato/Free",
        Mechanical => "Mechanical",
        OrganicBreathing => "Organic/Breathing",
        PushPull => "Push-Pull",
    }
);
