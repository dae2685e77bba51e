//! The bass line: the style's bass grid read against the chord under each step, with walking
//! tones, approach notes and roots a bass guitar can reach.

use super::humanize::Humanizer;
use super::song::{bar_row, held_steps, Notes, Song};
use super::timing::Timing;
use super::{Part, STEPS_PER_BAR, STEP_TICKS};
use crate::music::rng::Rng;
use crate::music::theory::{Chord, Key, PitchClass};

/// Plays the bass of every bar into `notes`; `rng` picks the walking tones.
pub(super) fn play(
    song: &Song,
    timing: &Timing,
    human: &mut Humanizer,
    mut rng: Rng,
    notes: &mut Notes,
) {
    for bar in 0..song.request.bars {
        let energy = song.request.energy_at(bar);
        // Below 0.25 the section is too quiet for a bass; chords carry it alone.
        if energy < 0.25 {
            continue;
        }
        let row = bar_row(&bass_grid(song, energy), bar);
        for step in 0..STEPS_PER_BAR {
            let symbol = row[step as usize];
            if symbol == '-' || symbol == '.' {
                continue;
            }
            let held = held_steps(&row, step);
            play_step(
                song,
                timing,
                human,
                &mut rng,
                (bar, step, symbol, held),
                energy,
                notes,
            );
        }
    }
}

/// The style's bass grid for a bar at `energy`: its quiet grid below 0.7 when it has one.
fn bass_grid(song: &Song, energy: f64) -> Vec<char> {
    let bass = &song.style.bass;
    match (&bass.quiet_grid, energy < 0.7) {
        (Some(quiet), true) => quiet.chars().collect(),
        _ => bass.grid.chars().collect(),
    }
}

/// Plays one bass note: `(bar, step, symbol, held steps)`, its pitch from the chord under it
/// (or the next chord, for an approach), its velocity accented on the chord's first beat.
fn play_step(
    song: &Song,
    timing: &Timing,
    human: &mut Humanizer,
    rng: &mut Rng,
    (bar, step, symbol, held): (u32, u32, char, u32),
    energy: f64,
    notes: &mut Notes,
) {
    let key = song.request.key;
    let nominal = bar * song.tpb + step * STEP_TICKS;
    let span_index = song.span_index_at(nominal);
    let span = &song.spans[span_index];
    let next = &song.spans[(span_index + 1) % song.spans.len()];
    let first_in_span = nominal == span.start;
    let (interval, soft, approach) = bass_interval(symbol, span.chord, key, first_in_span, rng);
    let root_midi = bass_root(span.chord.root.pitch_class());
    let note = if approach {
        bass_root(next.chord.root.pitch_class()) - 1
    } else {
        root_midi + interval
    };
    let pc = PitchClass::from_semitone(note as i32);
    // Soft symbols (r, f, o) sit at 60 % of the style's level, a ghosted pluck.
    let base = song.style.bass.velocity as f64 * if soft { 0.6 } else { 1.0 };
    let accent = if first_in_span { 8.0 } else { 0.0 };
    let velocity = human.velocity(base + accent, energy);
    let tick = timing.place(bar, step * STEP_TICKS, human.offset("bass"));
    // A sixth of a step short, so repeated notes are heard as separate plucks.
    let duration = (held + 1) * STEP_TICKS - STEP_TICKS / 6;
    notes.push(
        tick,
        duration,
        Part::Bass,
        note,
        velocity,
        !key.contains(pc),
    );
}

/// MIDI note of a bass root: A1 (33) up to G#2 (44), where a bass guitar's roots sit.
fn bass_root(pc: PitchClass) -> u8 {
    33 + (pc.semitone() as i32 - 9).rem_euclid(12) as u8
}

/// The semitones above the chord root that a bass symbol asks for, whether it is soft, and
/// whether it is an approach to the next root. Sixths and sevenths that would leave both the
/// key and the chord fall back to the fifth, so only intended notes are chromatic.
fn bass_interval(
    symbol: char,
    chord: Chord,
    key: Key,
    first_in_span: bool,
    rng: &mut Rng,
) -> (u8, bool, bool) {
    let tone = |number: u8| {
        chord
            .quality
            .tones()
            .iter()
            .find(|&&(_, n)| n == number)
            .map(|&(semis, _)| semis % 12)
    };
    let fifth = tone(5).unwrap_or(7);
    let fits = |semis: u8| {
        let pc = chord.root.pitch_class().transpose(semis as i32);
        key.contains(pc) || chord.pitch_classes().contains(&pc)
    };
    match symbol {
        'R' => (0, false, false),
        'r' => (0, true, false),
        '5' => (fifth, false, false),
        'f' => (fifth, true, false),
        '8' => (12, false, false),
        'o' => (12, true, false),
        '3' => (tone(3).unwrap_or(0), false, false),
        '6' => {
            let six = tone(6).unwrap_or(9);
            (if fits(six) { six } else { fifth }, false, false)
        }
        '7' => {
            let seven = tone(7).map(|s| s % 12).unwrap_or(10);
            let seven = if fits(seven) { seven } else { 11 };
            (if fits(seven) { seven } else { fifth }, false, false)
        }
        'A' => (0, false, true),
        'W' => {
            if first_in_span {
                (0, false, false)
            } else {
                let choices: Vec<u8> = chord
                    .quality
                    .tones()
                    .iter()
                    .map(|&(semis, _)| semis % 12)
                    .filter(|&s| s != 0)
                    .chain(std::iter::once(12))
                    .collect();
                (rng.pick(&choices).copied().unwrap_or(7), false, false)
            }
        }
        _ => (0, false, false),
    }
}
