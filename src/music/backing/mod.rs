//! Backing generation: a `Pattern` of timed drum, bass and chord notes from a key, tempo, style
//! and bar count (or a processed intent), shaped by the style's grids, swing and pocket and by
//! the humaniser. Same request, same seed: same pattern, note for note.
//!
//! Swing has one meaning everywhere: `swing` s in 0..=0.67 moves the off-beat note of every
//! pair of swing units (eighths or sixteenths, per style) late by s/2 of one unit, and notes in
//! between are stretched along with it. 0 is straight, 0.67 is (almost exactly) the triplet
//! feel, where the pair divides 2:1.

use serde::Serialize;
use thiserror::Error;

use super::data::{self, StyleDef};
use super::rng::Rng;
use super::theory::{voice_chord, Chord, ChordQuality, Key, PitchClass, RomanChord};

/// Ticks per quarter note in every pattern and MIDI file.
pub const PPQ: u16 = 480;
/// Ticks per grid step (a sixteenth note).
pub const STEP_TICKS: u32 = PPQ as u32 / 4;
/// Steps in a 4/4 bar.
const STEPS_PER_BAR: u32 = 16;
/// Drum notes are written this long; drums are one-shots.
const DRUM_TICKS: u32 = 60;

/// Which part a note belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Part {
    /// General MIDI percussion (channel 10).
    Drums,
    /// The bass line.
    Bass,
    /// Chords or arpeggios.
    Chords,
}

/// One note of a pattern.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct NoteEvent {
    /// Start, in ticks from the pattern's start.
    pub tick: u32,
    /// Length in ticks (at least 1).
    pub duration: u32,
    /// The part.
    pub part: Part,
    /// MIDI note number (a GM drum for drums).
    pub note: u8,
    /// MIDI velocity 1..=127.
    pub velocity: u8,
    /// True for pitched notes outside the key on purpose: tones of a borrowed chord (the
    /// rule-break or the style asked for it) or a walking bass's chromatic approach.
    pub chromatic: bool,
}

/// Where a chord sounds.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChordSpan {
    /// First tick.
    pub start: u32,
    /// Tick after the last.
    pub end: u32,
    /// The chord.
    pub chord: Chord,
    /// Its Roman numeral in the key.
    pub numeral: String,
    /// True when some tone lies outside the key (an intended borrowing).
    pub borrowed: bool,
}

/// A generated backing: plain data, events sorted by tick, no shared ownership, so a finished
/// pattern can be boxed and sent to the audio thread.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Pattern {
    /// Ticks per quarter note (480).
    pub ppq: u16,
    /// Tempo in BPM.
    pub tempo_bpm: f64,
    /// Beats per bar and beat unit (4/4).
    pub time_signature: (u8, u8),
    /// Length in bars.
    pub bars: u32,
    /// The key.
    pub key: Key,
    /// Style id.
    pub style: String,
    /// Swing used (0 = straight, 0.67 = triplet).
    pub swing: f64,
    /// The seed it was made with.
    pub seed: u64,
    /// General MIDI program of the bass.
    pub bass_program: u8,
    /// General MIDI program of the chords.
    pub chord_program: u8,
    /// The harmony, span by span.
    pub chords: Vec<ChordSpan>,
    /// Every note, sorted by tick.
    pub events: Vec<NoteEvent>,
}

impl Pattern {
    /// Ticks in one bar.
    pub fn ticks_per_bar(&self) -> u32 {
        self.ppq as u32 * 4 * self.time_signature.0 as u32 / self.time_signature.1.max(1) as u32
    }

    /// Length in ticks: exactly `bars` bars.
    pub fn length_ticks(&self) -> u32 {
        self.ticks_per_bar() * self.bars
    }

    /// Seconds per tick at the pattern's tempo.
    pub fn seconds_per_tick(&self) -> f64 {
        60.0 / (self.tempo_bpm * self.ppq as f64)
    }

    /// Length in seconds.
    pub fn duration_seconds(&self) -> f64 {
        self.length_ticks() as f64 * self.seconds_per_tick()
    }

    /// Notes of one part.
    pub fn part(&self, part: Part) -> impl Iterator<Item = &NoteEvent> {
        self.events.iter().filter(move |e| e.part == part)
    }

    /// The chord sounding at `tick`.
    pub fn chord_at(&self, tick: u32) -> Option<&ChordSpan> {
        self.chords.iter().find(|s| s.start <= tick && tick < s.end)
    }
}

/// How many steps after `step` continue its note ('-' in a grid row).
fn held_steps(row: &[char], step: u32) -> u32 {
    row[step as usize + 1..]
        .iter()
        .take_while(|&&c| c == '-')
        .count() as u32
}

/// The chord span sounding at tick `nominal`. Spans are laid `span_ticks` apart from tick 0,
/// so the index is arithmetic, not a search.
fn span_index_at(nominal: u32, span_ticks: u32, spans: usize) -> usize {
    ((nominal / span_ticks.max(1)) as usize).min(spans.saturating_sub(1))
}

/// A timing and accent template that a rhythm rule-break lays over the style's groove.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
#[serde(tag = "template", rename_all = "snake_case")]
pub enum GrooveTemplate {
    /// The style's own groove.
    #[default]
    None,
    /// Every drum hit late by `ticks` against bass and chords; hats follow `velocities`.
    Displacement {
        /// Lateness in ticks.
        ticks: i32,
        /// Hat velocities per sixteenth, repeated.
        velocities: Vec<u8>,
    },
    /// Tempo drifting by `depth_bpm` in a sine over each bar (rendered as timing offsets, so
    /// the file keeps one tempo); hats follow `velocities`.
    Fluctuation {
        /// Peak deviation in BPM.
        depth_bpm: f64,
        /// Minimum swing.
        swing: f64,
        /// Hat velocities per sixteenth, repeated.
        velocities: Vec<u8>,
    },
    /// Accents on `accent_steps` (3 against 4 in the bar's second half).
    Metric {
        /// Accented sixteenths.
        accent_steps: Vec<u8>,
    },
    /// Hats grouped in `group` sixteenths against the four-beat kick and snare.
    Polyrhythm {
        /// Grouping.
        group: u8,
    },
    /// The whole kit silent on `steps`.
    Dropped {
        /// Silent sixteenths.
        steps: Vec<u8>,
    },
}

/// A chord of a requested progression with the numeral it came from.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProgressionChord {
    /// The chord.
    pub chord: Chord,
    /// Its numeral.
    pub numeral: String,
}

/// Everything the generator needs.
#[derive(Debug, Clone, PartialEq)]
pub struct BackingRequest {
    /// Key (and mode).
    pub key: Key,
    /// Tempo in BPM (20..=300).
    pub tempo_bpm: f64,
    /// Style id (see `data::style_ids`).
    pub style: String,
    /// Length in bars (1..=1024).
    pub bars: u32,
    /// Seed of every random choice.
    pub seed: u64,
    /// Chords to use instead of the style's progression.
    pub progression: Option<Vec<ProgressionChord>>,
    /// Bars per chord (the style's when `None`).
    pub bars_per_chord: Option<u32>,
    /// Humaniser complexity 0..1 (drift, ghosts, dropouts).
    pub complexity: f64,
    /// Vulnerability 0..1: softer, less even velocities.
    pub vulnerability: f64,
    /// Energy per bar, 0..1 (missing bars take the last value; empty = 0.8).
    pub energy: Vec<f64>,
    /// Rule-break groove template.
    pub groove: GrooveTemplate,
    /// Swing instead of the style's.
    pub swing: Option<f64>,
    /// Extra pocket for the whole band in ms (+ = behind), from an emotional tempo preset.
    pub pocket_ms: f64,
}

impl BackingRequest {
    /// A request with the style's defaults: its progression, moderate humanising, energy 0.8.
    pub fn new(key: Key, tempo_bpm: f64, style: &str, bars: u32, seed: u64) -> BackingRequest {
        BackingRequest {
            key,
            tempo_bpm,
            style: style.to_string(),
            bars,
            seed,
            progression: None,
            bars_per_chord: None,
            complexity: 0.3,
            vulnerability: 0.3,
            energy: Vec::new(),
            groove: GrooveTemplate::None,
            swing: None,
            pocket_ms: 0.0,
        }
    }

    fn energy_at(&self, bar: u32) -> f64 {
        if self.energy.is_empty() {
            return 0.8;
        }
        let i = (bar as usize).min(self.energy.len() - 1);
        self.energy[i].clamp(0.0, 1.0)
    }
}

/// Why a backing could not be generated.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum BackingError {
    /// No such style.
    #[error("unknown style '{style}'; expected one of: {known}")]
    UnknownStyle {
        /// What was asked.
        style: String,
        /// The style ids.
        known: String,
    },
    /// Tempo out of range.
    #[error("tempo {0} BPM is outside 20..300")]
    Tempo(f64),
    /// Bar count out of range.
    #[error("{0} bars is outside 1..1024")]
    Bars(u32),
    /// An empty progression was given.
    #[error("the progression has no chords")]
    EmptyProgression,
}

/// The style's default progression in `key`, as diatonic chords of its extension.
pub fn style_progression(style: &StyleDef, key: Key) -> Vec<ProgressionChord> {
    let degrees = if key.scale.has_major_third() {
        &style.progression.major
    } else {
        &style.progression.minor
    };
    degrees
        .iter()
        .map(|&degree| {
            let chord = match style.chords.extension.as_str() {
                "blues" => Chord::new(
                    key.degree_root(degree, 0),
                    if key.scale.has_major_third() {
                        ChordQuality::Dominant7
                    } else {
                        ChordQuality::Minor7
                    },
                ),
                "seventh" => key.diatonic_chord(degree, 4),
                "ninth" => key.diatonic_chord(degree, 5),
                _ => key.diatonic_chord(degree, 3),
            };
            let numeral = RomanChord {
                accidental: 0,
                degree,
                quality: chord.quality,
            }
            .numeral();
            ProgressionChord { chord, numeral }
        })
        .collect()
}

/// Warps a tick inside its bar by the swing definition above.
fn swing_warp(pos_in_bar: u32, unit: u32, swing: f64) -> f64 {
    let pair = 2 * unit;
    let base = (pos_in_bar / pair * pair) as f64;
    let x = (pos_in_bar % pair) as f64;
    let u = unit as f64;
    let r = u * (1.0 + swing / 2.0);
    let warped = if x < u {
        x * r / u
    } else {
        r + (x - u) * (2.0 * u - r) / u
    };
    base + warped
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

/// The humaniser: per-role drifting timing, pocket, velocity shaping, ghosts and dropouts.
struct Humanizer<'a> {
    style: &'a StyleDef,
    complexity: f64,
    vulnerability: f64,
    ticks_per_ms: f64,
    extra_pocket_ms: f64,
    drift: [f64; 7],
    rng: Rng,
}

const ROLES: [&str; 7] = ["kick", "snare", "hat", "crash", "perc", "bass", "chords"];

impl Humanizer<'_> {
    fn role_index(role: &str) -> usize {
        ROLES.iter().position(|r| *r == role).unwrap_or(4)
    }

    /// Offset in ticks for the next hit of `role`: late bias + pocket + drift, kept inside the
    /// style's timing window.
    fn offset(&mut self, role: &str) -> f64 {
        let h = &data::grooves().humanizer;
        let i = Self::role_index(role);
        let bound = h.max_drift_ticks * self.complexity;
        // A bounded random walk drifts like a player, where independent jitter would only buzz.
        let step = self.rng.range(-1.0, 1.0) * bound * 0.35;
        self.drift[i] = (self.drift[i] + step).clamp(-bound, bound);
        let multiplier = h.timing_multiplier.get(role).copied().unwrap_or(1.0);
        let pocket_role = if role == "crash" { "hat" } else { role };
        let pocket_ms = self
            .style
            .pocket_ms
            .get(pocket_role)
            .copied()
            .unwrap_or(0.0);
        let bias = h.late_bias_ticks * self.complexity.min(1.0);
        let raw = bias + pocket_ms * self.ticks_per_ms + self.drift[i] * multiplier;
        let [lo, hi] = self.style.timing_ticks;
        raw.clamp(lo as f64, hi as f64) + self.extra_pocket_ms * self.ticks_per_ms
    }

    /// Shapes a base velocity: energy lifts it, vulnerability softens and unevens it.
    fn velocity(&mut self, base: f64, energy: f64) -> u8 {
        let h = &data::grooves().humanizer;
        let v = self.vulnerability;
        let spread = 3.0 + 12.0 * v * (0.5 + self.complexity);
        let shaped =
            base * (0.65 + 0.35 * energy) * (1.0 - 0.25 * v) + self.rng.range(-spread, spread);
        shaped
            .clamp(h.velocity_min as f64, h.velocity_max as f64)
            .round() as u8
    }

    fn dropped(&mut self, role: &str) -> bool {
        let h = &data::grooves().humanizer;
        let protection = h.protection.get(role).copied().unwrap_or(0.0);
        self.rng
            .chance(h.max_dropout * self.complexity * (1.0 - protection))
    }
}

/// Where a note lands: its nominal tick plus swing, humanising and the groove template.
struct Timing {
    swing: f64,
    unit: u32,
    tpb: u32,
    fluctuation_ticks: f64,
}

impl Timing {
    fn place(&self, bar: u32, pos: u32, offset: f64) -> f64 {
        let swung = swing_warp(pos, self.unit, self.swing);
        let phase = pos as f64 / self.tpb as f64 * std::f64::consts::TAU;
        (bar * self.tpb) as f64 + swung + offset - self.fluctuation_ticks * phase.sin()
    }
}

/// Generates the backing for `request`.
pub fn generate(request: &BackingRequest) -> Result<Pattern, BackingError> {
    let (style_id, style) =
        data::find_style(&request.style).ok_or_else(|| BackingError::UnknownStyle {
            style: request.style.clone(),
            known: data::style_ids().join(", "),
        })?;
    if !(20.0..=300.0).contains(&request.tempo_bpm) || !request.tempo_bpm.is_finite() {
        return Err(BackingError::Tempo(request.tempo_bpm));
    }
    if !(1..=1024).contains(&request.bars) {
        return Err(BackingError::Bars(request.bars));
    }
    let key = request.key;
    let progression = match &request.progression {
        Some(chords) if chords.is_empty() => return Err(BackingError::EmptyProgression),
        Some(chords) => chords.clone(),
        None => style_progression(style, key),
    };
    let tpb = STEPS_PER_BAR * STEP_TICKS;
    let total = tpb * request.bars;
    let bars_per_chord = request
        .bars_per_chord
        .unwrap_or(style.progression.bars_per_chord)
        .max(1);

    let mut spans = Vec::new();
    let mut bar = 0;
    let mut index = 0;
    while bar < request.bars {
        let end_bar = (bar + bars_per_chord).min(request.bars);
        let pc = &progression[index % progression.len()];
        spans.push(ChordSpan {
            start: bar * tpb,
            end: end_bar * tpb,
            chord: pc.chord,
            numeral: pc.numeral.clone(),
            borrowed: !pc.chord.is_diatonic_in(key),
        });
        bar = end_bar;
        index += 1;
    }

    let mut swing = request.swing.unwrap_or(style.swing).clamp(0.0, 0.67);
    let mut fluctuation_ticks = 0.0;
    if let GrooveTemplate::Fluctuation {
        depth_bpm,
        swing: min_swing,
        ..
    } = &request.groove
    {
        swing = swing.max(*min_swing);
        // Integrating a sine tempo deviation of depth d over one bar gives a position wobble of
        // bar * (d / bpm) / 2π ticks.
        fluctuation_ticks = tpb as f64 * (depth_bpm / request.tempo_bpm) / std::f64::consts::TAU;
    }
    let timing = Timing {
        swing,
        unit: if style.swing_unit == "eighth" {
            2 * STEP_TICKS
        } else {
            STEP_TICKS
        },
        tpb,
        fluctuation_ticks,
    };
    let root_rng = Rng::new(request.seed);
    let mut human = Humanizer {
        style,
        complexity: request.complexity.clamp(0.0, 1.0),
        vulnerability: request.vulnerability.clamp(0.0, 1.0),
        ticks_per_ms: request.tempo_bpm / 60.0 * PPQ as f64 / 1000.0,
        extra_pocket_ms: request.pocket_ms.clamp(-40.0, 40.0),
        drift: [0.0; 7],
        rng: root_rng.fork("humanizer"),
    };

    let mut events: Vec<NoteEvent> = Vec::new();
    let mut push = |tick: f64, duration: u32, part: Part, note: u8, velocity: u8, chromatic| {
        let tick = tick.round().clamp(0.0, (total - 1) as f64) as u32;
        let duration = duration.clamp(1, total - tick);
        events.push(NoteEvent {
            tick,
            duration,
            part,
            note,
            velocity: velocity.clamp(1, 127),
            chromatic,
        });
    };

    // Drums.
    let kit = &data::styles().drum_kit;
    let mut ghost_rng = root_rng.fork("ghosts");
    for bar in 0..request.bars {
        let energy = request.energy_at(bar);
        if energy <= 0.0 {
            continue;
        }
        let previous = if bar == 0 {
            0.0
        } else {
            request.energy_at(bar - 1)
        };
        let fill = style.fill_every > 0 && (bar + 1) % style.fill_every == 0 && energy >= 0.4;
        let crash = energy >= 0.6
            && ((style.crash_every > 0 && bar % style.crash_every == 0)
                || (bar > 0 && energy > previous + 0.15));
        let mut hits: Vec<(u32, &str, u8, f64)> = Vec::new(); // step, role, note, velocity
        for line in &style.drums {
            let Some(voice) = kit.get(&line.voice) else {
                continue;
            };
            let role = voice.role.as_str();
            let needed = match role {
                "hat" => 0.2,
                "kick" | "snare" => 0.3,
                _ => 0.45,
            };
            if energy < needed {
                continue;
            }
            let grid: Vec<char> = match (&line.fill, fill) {
                (Some(f), true) => f.chars().collect(),
                _ => line.grid.chars().collect(),
            };
            let offset = if grid.len() == 32 { (bar % 2) * 16 } else { 0 };
            for step in 0..STEPS_PER_BAR {
                let c = grid.get((offset + step) as usize).copied().unwrap_or('.');
                let mut velocity = drum_velocity(c);
                if role == "hat" {
                    match &request.groove {
                        GrooveTemplate::Polyrhythm { group } => {
                            let group = (*group).max(2) as u32;
                            velocity =
                                (step % group == 0).then_some(if step == 0 { 100 } else { 88 });
                        }
                        GrooveTemplate::Displacement { velocities, .. }
                        | GrooveTemplate::Fluctuation { velocities, .. }
                            if velocity.is_some() && !velocities.is_empty() =>
                        {
                            velocity = Some(velocities[step as usize % velocities.len()]);
                        }
                        GrooveTemplate::Metric { accent_steps } if velocity.is_some() => {
                            if accent_steps.contains(&(step as u8)) {
                                velocity = Some(115);
                            } else if step >= 8 {
                                velocity = velocity.map(|v| (v as f64 * 0.6) as u8);
                            }
                        }
                        _ => {}
                    }
                }
                if let Some(v) = velocity {
                    hits.push((step, role, voice.note, v as f64));
                }
            }
            // Ghost notes on the snare's empty off-sixteenths.
            if line.voice == "snare" && !fill && energy >= 0.45 {
                let h = &data::grooves().humanizer;
                let chance = h.ghost_probability * style.ghost_factor * (0.5 + human.complexity);
                for step in (1..STEPS_PER_BAR).step_by(2) {
                    let empty = grid.get((offset + step) as usize) == Some(&'.');
                    if empty && ghost_rng.chance(chance) {
                        hits.push((step, "ghost", voice.note, ghost_rng.range(25.0, 45.0)));
                    }
                }
            }
        }
        if let GrooveTemplate::Metric { accent_steps } = &request.groove {
            if energy >= 0.3 {
                for &step in accent_steps.iter().filter(|&&s| (8..16).contains(&s)) {
                    hits.push((step as u32, "perc", 37, 100.0));
                }
            }
        }
        if crash {
            hits.push((0, "crash", 49, 105.0));
        }
        hits.sort_by(|a, b| a.0.cmp(&b.0).then(a.2.cmp(&b.2)));
        for (step, role, note, velocity) in hits {
            if let GrooveTemplate::Dropped { steps } = &request.groove {
                if steps.contains(&(step as u8)) {
                    continue;
                }
            }
            let anchored = step == 0 && matches!(role, "kick" | "crash");
            if role != "ghost" && !anchored && human.dropped(role) {
                continue;
            }
            let timing_role = if role == "ghost" { "snare" } else { role };
            let mut offset = human.offset(timing_role);
            if let GrooveTemplate::Displacement { ticks, .. } = &request.groove {
                offset += *ticks as f64;
            }
            let tick = timing.place(bar, step * STEP_TICKS, offset);
            let velocity = human.velocity(velocity, energy);
            push(tick, DRUM_TICKS, Part::Drums, note, velocity, false);
        }
    }

    // Bass.
    let mut bass_rng = root_rng.fork("bass");
    for bar in 0..request.bars {
        let energy = request.energy_at(bar);
        if energy < 0.25 {
            continue;
        }
        let grid: Vec<char> = match (&style.bass.quiet_grid, energy < 0.7) {
            (Some(quiet), true) => quiet.chars().collect(),
            _ => style.bass.grid.chars().collect(),
        };
        let offset = if grid.len() == 32 { (bar % 2) * 16 } else { 0 };
        let row: Vec<char> = (0..STEPS_PER_BAR)
            .map(|s| grid.get((offset + s) as usize).copied().unwrap_or('.'))
            .collect();
        for step in 0..STEPS_PER_BAR {
            let symbol = row[step as usize];
            if symbol == '-' || symbol == '.' {
                continue;
            }
            let held = held_steps(&row, step);
            let nominal = bar * tpb + step * STEP_TICKS;
            let span_index = span_index_at(nominal, tpb * bars_per_chord, spans.len());
            let span = &spans[span_index];
            let next = &spans[(span_index + 1) % spans.len()];
            let first_in_span = nominal == span.start;
            let (interval, soft, approach) =
                bass_interval(symbol, span.chord, key, first_in_span, &mut bass_rng);
            let root_midi = bass_root(span.chord.root.pitch_class());
            let note = if approach {
                bass_root(next.chord.root.pitch_class()) - 1
            } else {
                root_midi + interval
            };
            let pc = PitchClass::from_semitone(note as i32);
            let base = style.bass.velocity as f64 * if soft { 0.6 } else { 1.0 };
            let accent = if first_in_span { 8.0 } else { 0.0 };
            let velocity = human.velocity(base + accent, energy);
            let tick = timing.place(bar, step * STEP_TICKS, human.offset("bass"));
            let duration = (held + 1) * STEP_TICKS - STEP_TICKS / 6;
            push(
                tick,
                duration,
                Part::Bass,
                note,
                velocity,
                !key.contains(pc),
            );
        }
    }

    // Chords.
    let mut previous_voicing: Option<Vec<u8>> = None;
    let mut voicings: Vec<Vec<u8>> = Vec::with_capacity(spans.len());
    for span in &spans {
        let voicing = voice_chord(
            span.chord,
            previous_voicing.as_deref(),
            style.chords.register[0],
            style.chords.register[1],
            style.chords.voices,
        );
        previous_voicing = Some(voicing.clone());
        voicings.push(voicing);
    }
    let chord_grid: Vec<char> = style.chords.grid.chars().collect();
    let mut arpeggio_index = 0usize;
    for bar in 0..request.bars {
        let energy = request.energy_at(bar);
        if energy <= 0.0 {
            continue;
        }
        let offset = if chord_grid.len() == 32 {
            (bar % 2) * 16
        } else {
            0
        };
        let row: Vec<char> = (0..STEPS_PER_BAR)
            .map(|s| {
                chord_grid
                    .get((offset + s) as usize)
                    .copied()
                    .unwrap_or('.')
            })
            .collect();
        for step in 0..STEPS_PER_BAR {
            let symbol = row[step as usize];
            if symbol != 'x' && symbol != 'o' {
                continue;
            }
            let held = held_steps(&row, step);
            let nominal = bar * tpb + step * STEP_TICKS;
            let span_index = span_index_at(nominal, tpb * bars_per_chord, spans.len());
            if nominal == spans[span_index].start {
                arpeggio_index = 0;
            }
            let voicing = &voicings[span_index];
            let base = style.chords.velocity as f64 + if symbol == 'x' { 10.0 } else { 0.0 };
            let late = human.offset("chords");
            let duration = (held + 1) * STEP_TICKS - STEP_TICKS / 6;
            let notes: Vec<u8> = if style.chords.arpeggio {
                let n = voicing.len().max(1);
                // Up and back down, so the line turns instead of jumping to the bottom.
                let cycle = if n > 2 { 2 * n - 2 } else { n };
                let k = arpeggio_index % cycle;
                arpeggio_index += 1;
                let i = if k < n { k } else { cycle - k };
                voicing.get(i).copied().into_iter().collect()
            } else {
                voicing.clone()
            };
            let tick = timing.place(bar, step * STEP_TICKS, late);
            for note in notes {
                let velocity = human.velocity(base, energy);
                let pc = PitchClass::from_semitone(note as i32);
                push(
                    tick,
                    duration,
                    Part::Chords,
                    note,
                    velocity,
                    !key.contains(pc),
                );
            }
        }
    }

    events.sort_by_key(|e| (e.tick, e.part, e.note));
    trim_overlaps(&mut events);
    Ok(Pattern {
        ppq: PPQ,
        tempo_bpm: request.tempo_bpm,
        time_signature: (4, 4),
        bars: request.bars,
        key,
        style: style_id.to_string(),
        swing,
        seed: request.seed,
        bass_program: style.bass.program,
        chord_program: style.chords.program,
        chords: spans,
        events,
    })
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

/// Shortens a note that would still sound when the same note of the same part starts again, so
/// a MIDI note-off never cuts the next note.
fn trim_overlaps(events: &mut [NoteEvent]) {
    // Walking backwards, remember where each (part, note) next starts.
    let mut next_start: Vec<Option<u32>> = vec![None; 3 * 128];
    for event in events.iter_mut().rev() {
        let slot = event.part as usize * 128 + (event.note & 0x7f) as usize;
        if let Some(next) = next_start[slot] {
            let room = next.saturating_sub(event.tick).max(1);
            event.duration = event.duration.min(room);
        }
        next_start[slot] = Some(event.tick);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(text: &str) -> Key {
        text.parse().unwrap()
    }

    #[test]
    fn swing_definition_holds() {
        // Straight: nothing moves. Triplet (2/3): the off-beat eighth sits at 2/3 of the beat.
        assert_eq!(swing_warp(240, 240, 0.0), 240.0);
        let triplet = swing_warp(240, 240, 2.0 / 3.0);
        assert!((triplet - 320.0).abs() < 1e-9, "{triplet}");
        assert!((swing_warp(240, 240, 0.67) - 320.4).abs() < 1e-9);
        // Downbeats stay put and the warp is monotonic.
        assert_eq!(swing_warp(480, 240, 0.6), 480.0);
        let mut last = -1.0;
        for pos in (0..1920).step_by(60) {
            let w = swing_warp(pos, 120, 0.5);
            assert!(w > last);
            last = w;
        }
    }

    #[test]
    fn every_style_generates_the_asked_length_in_key() {
        for style in data::style_ids() {
            for k in ["C major", "F# minor", "Bb dorian"] {
                let request = BackingRequest::new(key(k), 100.0, style, 8, 3);
                let pattern = generate(&request).unwrap();
                assert_eq!(pattern.length_ticks(), 8 * 1920);
                assert!(pattern.events.windows(2).all(|w| w[0].tick <= w[1].tick));
                assert!(pattern
                    .events
                    .iter()
                    .all(|e| e.tick + e.duration <= pattern.length_ticks()));
                for part in [Part::Drums, Part::Bass, Part::Chords] {
                    assert!(pattern.part(part).count() > 0, "{style} {k} {part:?}");
                }
                for e in pattern.events.iter().filter(|e| e.part != Part::Drums) {
                    let pc = PitchClass::from_semitone(e.note as i32);
                    assert_eq!(!pattern.key.contains(pc), e.chromatic, "{style} {k} {e:?}");
                }
                if style != "blues" && style != "jazz" {
                    assert!(
                        pattern.events.iter().all(|e| !e.chromatic),
                        "{style} {k}: default progressions stay in key"
                    );
                }
            }
        }
    }

    #[test]
    fn same_seed_same_pattern_other_seed_other_pattern() {
        let request = BackingRequest::new(key("A minor"), 92.0, "funk", 4, 11);
        assert_eq!(generate(&request), generate(&request));
        let mut other = request.clone();
        other.seed = 12;
        assert_ne!(
            generate(&request).unwrap().events,
            generate(&other).unwrap().events
        );
    }

    #[test]
    fn bass_starts_each_chord_on_its_root() {
        for style in data::style_ids() {
            let pattern =
                generate(&BackingRequest::new(key("E minor"), 110.0, style, 8, 5)).unwrap();
            for span in &pattern.chords {
                let first = pattern
                    .part(Part::Bass)
                    .find(|e| e.tick + 60 >= span.start && e.tick < span.end.saturating_sub(60));
                let first = first.unwrap_or_else(|| panic!("{style}: no bass in {span:?}"));
                assert_eq!(
                    PitchClass::from_semitone(first.note as i32),
                    span.chord.root.pitch_class(),
                    "{style} {}",
                    span.chord
                );
            }
        }
    }

    #[test]
    fn energy_zero_is_silence_and_low_energy_drops_the_kit() {
        let mut request = BackingRequest::new(key("C"), 120.0, "rock", 4, 1);
        request.energy = vec![0.0, 0.1, 0.8, 0.8];
        let pattern = generate(&request).unwrap();
        assert!(pattern.events.iter().all(|e| e.tick >= 1920 - 40));
        assert!(pattern
            .events
            .iter()
            .filter(|e| e.tick < 2 * 1920 - 40)
            .all(|e| e.part == Part::Chords));
    }

    #[test]
    fn groove_templates_change_the_drums() {
        let base = BackingRequest::new(key("C"), 100.0, "pop", 4, 9);
        let plain = generate(&base).unwrap();
        let mut displaced = base.clone();
        displaced.groove = GrooveTemplate::Displacement {
            ticks: 60,
            velocities: vec![90, 60, 80, 60, 100, 60, 80, 60],
        };
        let late = generate(&displaced).unwrap();
        let mean = |p: &Pattern| {
            let drums: Vec<f64> = p
                .part(Part::Drums)
                .map(|e| (e.tick % STEP_TICKS) as f64)
                .collect();
            drums.iter().sum::<f64>() / drums.len() as f64
        };
        assert!(mean(&late) > mean(&plain) + 30.0);
        let mut dropped = base.clone();
        dropped.groove = GrooveTemplate::Dropped { steps: vec![4, 12] };
        let holes = generate(&dropped).unwrap();
        assert!(holes.part(Part::Drums).all(|e| {
            let pos = e.tick % 1920;
            !(pos.abs_diff(480) < 40 || pos.abs_diff(1440) < 40)
        }));
    }

    #[test]
    fn bad_requests_are_errors() {
        let k = key("C");
        assert!(matches!(
            generate(&BackingRequest::new(k, 100.0, "polka", 4, 0)),
            Err(BackingError::UnknownStyle { .. })
        ));
        assert!(matches!(
            generate(&BackingRequest::new(k, 5.0, "pop", 4, 0)),
            Err(BackingError::Tempo(_))
        ));
        assert!(matches!(
            generate(&BackingRequest::new(k, 100.0, "pop", 0, 0)),
            Err(BackingError::Bars(0))
        ));
    }

    #[test]
    fn pattern_is_send() {
        fn assert_send<T: Send + 'static>() {}
        assert_send::<Pattern>();
    }
}
