//! The chord part: one voice-led voicing per chord span, played as block chords or as an
//! up-and-down arpeggio on the style's chord grid.

use super::humanize::Humanizer;
use super::song::{bar_row, held_steps, Notes, Song};
use super::timing::Timing;
use super::{Part, STEPS_PER_BAR, STEP_TICKS};
use crate::music::theory::{voice_chord, PitchClass};

/// The span voicings and where the arpeggio is in the current chord.
struct Voices {
    /// One voicing per chord span.
    voicings: Vec<Vec<u8>>,
    /// Strokes played so far in the current chord's arpeggio.
    arpeggio_index: usize,
}

/// Plays the chords of every bar into `notes`.
pub(super) fn play(song: &Song, timing: &Timing, human: &mut Humanizer, notes: &mut Notes) {
    let mut voices = Voices {
        voicings: voice_spans(song),
        arpeggio_index: 0,
    };
    let grid: Vec<char> = song.style.chords.grid.chars().collect();
    for bar in 0..song.request.bars {
        let energy = song.request.energy_at(bar);
        if energy <= 0.0 {
            continue;
        }
        let row = bar_row(&grid, bar);
        for step in 0..STEPS_PER_BAR {
            let symbol = row[step as usize];
            if symbol != 'x' && symbol != 'o' {
                continue;
            }
            let held = held_steps(&row, step);
            let stroke = (bar, step, symbol, held);
            play_step(song, timing, human, &mut voices, stroke, energy, notes);
        }
    }
}

/// Plays one stroke `(bar, step, symbol, held steps)`: the span's voicing as a block or the
/// arpeggio's next note, accented on 'x'.
fn play_step(
    song: &Song,
    timing: &Timing,
    human: &mut Humanizer,
    voices: &mut Voices,
    (bar, step, symbol, held): (u32, u32, char, u32),
    energy: f64,
    notes: &mut Notes,
) {
    let nominal = bar * song.tpb + step * STEP_TICKS;
    let span_index = song.span_index_at(nominal);
    // Each chord's arpeggio starts again from its lowest note.
    if nominal == song.spans[span_index].start {
        voices.arpeggio_index = 0;
    }
    let voicing = &voices.voicings[span_index];
    let base = song.style.chords.velocity as f64 + if symbol == 'x' { 10.0 } else { 0.0 };
    let late = human.offset("chords");
    // A sixth of a step short, so repeated chords are heard as separate strokes.
    let duration = (held + 1) * STEP_TICKS - STEP_TICKS / 6;
    let sounding = if song.style.chords.arpeggio {
        arpeggio_note(voicing, &mut voices.arpeggio_index)
    } else {
        voicing.clone()
    };
    let tick = timing.place(bar, step * STEP_TICKS, late);
    for note in sounding {
        let velocity = human.velocity(base, energy);
        let pc = PitchClass::from_semitone(note as i32);
        let chromatic = !song.request.key.contains(pc);
        notes.push(tick, duration, Part::Chords, note, velocity, chromatic);
    }
}

/// One voicing per span in the style's register, each led smoothly from the one before.
fn voice_spans(song: &Song) -> Vec<Vec<u8>> {
    let chords = &song.style.chords;
    let mut previous_voicing: Option<Vec<u8>> = None;
    let mut voicings: Vec<Vec<u8>> = Vec::with_capacity(song.spans.len());
    for span in song.spans {
        let voicing = voice_chord(
            span.chord,
            previous_voicing.as_deref(),
            chords.register[0],
            chords.register[1],
            chords.voices,
        );
        previous_voicing = Some(voicing.clone());
        voicings.push(voicing);
    }
    voicings
}

/// The arpeggio's next note (and advances `index`): up and back down, so the line turns
/// instead of jumping to the bottom.
fn arpeggio_note(voicing: &[u8], index: &mut usize) -> Vec<u8> {
    let n = voicing.len().max(1);
    let cycle = if n > 2 { 2 * n - 2 } else { n };
    let k = *index % cycle;
    *index += 1;
    let i = if k < n { k } else { cycle - k };
    voicing.get(i).copied().into_iter().collect()
}
