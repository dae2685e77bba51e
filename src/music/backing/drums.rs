//! The drum part: each bar's hits from the style's kit lines (fills, ghosts, crashes and the
//! rule-break's groove template), then humanised and placed.

use super::humanize::Humanizer;
use super::song::{two_bar_offset, Notes, Song};
use super::timing::Timing;
use super::{GrooveTemplate, Part, STEPS_PER_BAR, STEP_TICKS};
use crate::music::data::{self, DrumLine};
use crate::music::rng::Rng;

/// Drum notes are written this long; drums are one-shots.
const DRUM_TICKS: u32 = 60;

/// One drum hit before humanising: step in the bar, role, GM note, base velocity.
type Hit = (u32, &'static str, u8, f64);

/// Plays the drums of every bar into `notes`; `ghosts` decides the snare's ghost notes.
pub(super) fn play(
    song: &Song,
    timing: &Timing,
    human: &mut Humanizer,
    mut ghosts: Rng,
    notes: &mut Notes,
) {
    for bar in 0..song.request.bars {
        let energy = song.request.energy_at(bar);
        if energy <= 0.0 {
            continue;
        }
        let hits = bar_hits(song, bar, energy, human.complexity, &mut ghosts);
        for hit in hits {
            play_hit(song, timing, human, bar, energy, hit, notes);
        }
    }
}

/// Whether `bar` ends a phrase with a fill: every `fill_every` bars, unless the energy is too
/// low (below 0.4) for a fill to sound like anything but a stumble.
fn is_fill_bar(song: &Song, bar: u32, energy: f64) -> bool {
    let style = song.style;
    style.fill_every > 0 && (bar + 1).is_multiple_of(style.fill_every) && energy >= 0.4
}

/// Whether `bar` opens with a crash: at energy 0.6 and up, on the style's crash bars or when
/// the energy jumps by more than 0.15 from the bar before (a section lifting).
fn is_crash_bar(song: &Song, bar: u32, energy: f64) -> bool {
    let style = song.style;
    let previous = if bar == 0 {
        0.0
    } else {
        song.request.energy_at(bar - 1)
    };
    energy >= 0.6
        && ((style.crash_every > 0 && bar.is_multiple_of(style.crash_every))
            || (bar > 0 && energy > previous + 0.15))
}

/// Every hit of `bar`, sorted by step then note, before dropouts and humanising.
fn bar_hits(song: &Song, bar: u32, energy: f64, complexity: f64, ghosts: &mut Rng) -> Vec<Hit> {
    let kit = &data::styles().drum_kit;
    let fill = is_fill_bar(song, bar, energy);
    let mut hits: Vec<Hit> = Vec::new();
    for line in &song.style.drums {
        let Some(voice) = kit.get(&line.voice) else {
            continue;
        };
        let role = voice.role.as_str();
        if energy < role_min_energy(role) {
            continue;
        }
        let grid: Vec<char> = match (&line.fill, fill) {
            (Some(f), true) => f.chars().collect(),
            _ => line.grid.chars().collect(),
        };
        let offset = two_bar_offset(&grid, bar);
        for step in 0..STEPS_PER_BAR {
            let c = grid.get((offset + step) as usize).copied().unwrap_or('.');
            let mut velocity = drum_velocity(c);
            if role == "hat" {
                velocity = hat_velocity(&song.request.groove, step, velocity);
            }
            if let Some(v) = velocity {
                hits.push((step, role, voice.note, v as f64));
            }
        }
        if is_ghosting_snare(line, fill, energy) {
            ghost_hits(
                song, &grid, offset, voice.note, complexity, ghosts, &mut hits,
            );
        }
    }
    if let GrooveTemplate::Metric { accent_steps } = &song.request.groove {
        // The 3-against-4 accents need the kick and snare under them (they enter at 0.3).
        if energy >= 0.3 {
            for &step in accent_steps.iter().filter(|&&s| (8..16).contains(&s)) {
                hits.push((step as u32, "perc", 37, 100.0));
            }
        }
    }
    if is_crash_bar(song, bar, energy) {
        hits.push((0, "crash", 49, 105.0));
    }
    hits.sort_by(|a, b| a.0.cmp(&b.0).then(a.2.cmp(&b.2)));
    hits
}

/// The energy a role needs to play: hats carry the quietest sections (0.2), kick and snare
/// come in at 0.3, everything else (percussion, toms, crashes) only at 0.45 and up.
fn role_min_energy(role: &str) -> f64 {
    match role {
        "hat" => 0.2,
        "kick" | "snare" => 0.3,
        _ => 0.45,
    }
}

/// Whether this line adds ghost notes: the snare, outside fills, from energy 0.45 (quieter
/// sections keep the backbeat bare).
fn is_ghosting_snare(line: &DrumLine, fill: bool, energy: f64) -> bool {
    line.voice == "snare" && !fill && energy >= 0.45
}

/// Ghost notes on the snare's empty off-sixteenths, soft (25..45) and by chance.
fn ghost_hits(
    song: &Song,
    grid: &[char],
    offset: u32,
    note: u8,
    complexity: f64,
    ghosts: &mut Rng,
    hits: &mut Vec<Hit>,
) {
    let h = &data::grooves().humanizer;
    let chance = h.ghost_probability * song.style.ghost_factor * (0.5 + complexity);
    for step in (1..STEPS_PER_BAR).step_by(2) {
        let empty = grid.get((offset + step) as usize) == Some(&'.');
        if empty && ghosts.chance(chance) {
            hits.push((step, "ghost", note, ghosts.range(25.0, 45.0)));
        }
    }
}

/// A hat's velocity under the groove template: polyrhythm regroups the hats, displacement and
/// fluctuation impose their accent rows, metric modulation accents its steps and softens the
/// rest of the bar's second half.
fn hat_velocity(groove: &GrooveTemplate, step: u32, velocity: Option<u8>) -> Option<u8> {
    match groove {
        GrooveTemplate::Polyrhythm { group } => {
            let group = (*group).max(2) as u32;
            step.is_multiple_of(group)
                .then_some(if step == 0 { 100 } else { 88 })
        }
        GrooveTemplate::Displacement { velocities, .. }
        | GrooveTemplate::Fluctuation { velocities, .. }
            if velocity.is_some() && !velocities.is_empty() =>
        {
            Some(velocities[step as usize % velocities.len()])
        }
        GrooveTemplate::Metric { accent_steps } if velocity.is_some() => {
            if accent_steps.contains(&(step as u8)) {
                Some(115)
            } else if step >= 8 {
                velocity.map(|v| (v as f64 * 0.6) as u8)
            } else {
                velocity
            }
        }
        _ => velocity,
    }
}

/// Plays one hit unless the template silences its step or the humaniser drops it; the
/// downbeat's kick and crash are never dropped, ghosts are already chance.
fn play_hit(
    song: &Song,
    timing: &Timing,
    human: &mut Humanizer,
    bar: u32,
    energy: f64,
    (step, role, note, velocity): Hit,
    notes: &mut Notes,
) {
    if let GrooveTemplate::Dropped { steps } = &song.request.groove {
        if steps.contains(&(step as u8)) {
            return;
        }
    }
    let anchored = step == 0 && matches!(role, "kick" | "crash");
    if role != "ghost" && !anchored && human.dropped(role) {
        return;
    }
    let timing_role = if role == "ghost" { "snare" } else { role };
    let mut offset = human.offset(timing_role);
    if let GrooveTemplate::Displacement { ticks, .. } = &song.request.groove {
        offset += *ticks as f64;
    }
    let tick = timing.place(bar, step * STEP_TICKS, offset);
    let velocity = human.velocity(velocity, energy);
    notes.push(tick, DRUM_TICKS, Part::Drums, note, velocity, false);
}

/// Velocity of a drum grid character.
fn drum_velocity(c: char) -> Option<u8> {
    match c {
        'x' => Some(110),
        'o' => Some(85),
        'g' => Some(40),
        '1'..='9' => Some(14 * (c as u8 - b'0')),
        _ => None,
    }
}
