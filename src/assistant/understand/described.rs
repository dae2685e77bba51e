//! Sounds described rather than set: spaces, characters, complaints and wishes ("a huge
//! hall", "too nasal", "that thin voice") as the `voice_modulate` arguments they ask for,
//! where no explicit word set them.

use serde_json::{json, Map, Value};

use super::characters::PHONE_WORDS;
use super::normalise::Words;
use super::relative::{read_move, size, value, window, Move, Size};
use super::shifts::keeps_pitch;
use super::Context;
use crate::assistant::descriptors::{sound_changes, SoundChange};

/// What descriptions of the sound ask for, where no explicit word set it.
pub(super) fn described(words: &Words, ctx: &Context, args: &mut Map<String, Value>) {
    // "Little room sound, not big hall": what follows "not" is what the user does not want.
    let mut texts = Vec::new();
    let mut skip = 0;
    for w in &words.words {
        if w.boundary {
            skip = 0;
        }
        if w.text == "not" {
            skip = 3;
            continue;
        }
        if skip > 0 {
            skip -= 1;
            continue;
        }
        texts.push(w.text.as_str());
    }
    let keep_pitch = keeps_pitch(words);
    if !keep_pitch {
        register_step(words, ctx, args);
    }
    let vague_reverb = words
        .find_prefix(&["reverb", "echo"])
        .is_some_and(|i| matches!(read_move(words, i), Some(Move::Level(None))));
    let step = |id: &str, by: f32| {
        let v = (ctx.state.number(id) + by).clamp(0.0, 1.0);
        value(v)
    };
    // "Gramophone vocal, thin and nasal": beside a small speaker, thin and nasal are the
    // sound wanted, not complaints to fix.
    let speaker = words.has_any(PHONE_WORDS);
    for change in sound_changes(&texts) {
        if speaker && matches!(change, SoundChange::WarmthBy(_) | SoundChange::Formant(_)) {
            continue;
        }
        let (name, value) = match change {
            SoundChange::Reverb(v) => ("reverb", value(v)),
            SoundChange::Preset(p) => ("preset", json!(p)),
            SoundChange::Formant(st) => ("formant_semitones", value(st)),
            SoundChange::Pitch(_) if keep_pitch => continue,
            SoundChange::Pitch(st) => ("pitch_semitones", value(st)),
            SoundChange::WarmthBy(by) => ("warmth", step("mod_warmth", by)),
            SoundChange::PresenceBy(by) => ("presence", step("mod_presence", by)),
            SoundChange::Whisper(v) => ("whisper", value(v)),
            SoundChange::Backing => continue,
        };
        if name == "reverb" && vague_reverb {
            args.insert(name.into(), value);
        } else if name == "preset" && args.contains_key("pitch_semitones") {
            continue;
        } else {
            args.entry(name).or_insert(value);
        }
    }
}

/// Where "higher" or "lower" moves the voice's register ("make my voice lower", "the voice
/// higher still"), not its level ("lower the voice 3 dB", "voice lower in the mix").
pub(super) fn register_at(words: &Words) -> Option<usize> {
    let at = words.find_any(&["higher", "lower"])?;
    let level = words.has_any(&[
        "db", "volume", "level", "louder", "quieter", "mix", "loud", "quiet", "gain",
    ]);
    let voice = words.has_any(&["voice", "vocal", "vocals", "singing"]);
    (voice && !level).then_some(at)
}

/// The voice's register moved from where it is, in semitones (a little 1, plain 2, a lot
/// 5), when no interval or other pitch word said more.
fn register_step(words: &Words, ctx: &Context, args: &mut Map<String, Value>) {
    let Some(at) = register_at(words).filter(|_| !args.contains_key("pitch_semitones")) else {
        return;
    };
    let step = match size(&window(words, at)) {
        Size::Small => 1.0,
        Size::Normal => 2.0,
        Size::Big => 5.0,
    };
    let by = if words.at(at) == "lower" { -step } else { step };
    let now = ctx.state.number("mod_pitch");
    args.insert(
        "pitch_semitones".into(),
        value((now + by).clamp(-12.0, 12.0)),
    );
}
