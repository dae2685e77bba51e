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
use super::theory::{Chord, ChordQuality, Key, RomanChord};

mod bass;
mod chords;
mod drums;
mod humanize;
mod song;
mod timing;

use humanize::Humanizer;
use song::{Notes, Song};
use timing::Timing;

/// Ticks per quarter note in every pattern and MIDI file.
pub const PPQ: u16 = 480;
/// Ticks per grid step (a sixteenth note).
pub const STEP_TICKS: u32 = PPQ as u32 / 4;
/// Steps in a 4/4 bar.
const STEPS_PER_BAR: u32 = 16;

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

    /// The energy of `bar`: its own value, the last one past the list's end, 0.8 when empty.
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

/// Generates the backing for `request`.
pub fn generate(request: &BackingRequest) -> Result<Pattern, BackingError> {
    let (style_id, style) = find_style(request)?;
    check_ranges(request)?;
    let progression = choose_progression(request, style)?;
    let tpb = STEPS_PER_BAR * STEP_TICKS;
    let bars_per_chord = request
        .bars_per_chord
        .unwrap_or(style.progression.bars_per_chord)
        .max(1);
    let spans = song::lay_out_spans(&progression, request, tpb, bars_per_chord);
    let timing = Timing::new(request, style, tpb);
    let root_rng = Rng::new(request.seed);
    let mut human = Humanizer::new(request, style, root_rng.fork("humanizer"));
    let song = Song {
        request,
        style,
        tpb,
        bars_per_chord,
        spans: &spans,
    };
    // The parts share the humaniser's stream, so they are played in this fixed order.
    let mut notes = Notes::new(tpb * request.bars);
    drums::play(
        &song,
        &timing,
        &mut human,
        root_rng.fork("ghosts"),
        &mut notes,
    );
    bass::play(
        &song,
        &timing,
        &mut human,
        root_rng.fork("bass"),
        &mut notes,
    );
    chords::play(&song, &timing, &mut human, &mut notes);
    Ok(Pattern {
        ppq: PPQ,
        tempo_bpm: request.tempo_bpm,
        time_signature: (4, 4),
        bars: request.bars,
        key: request.key,
        style: style_id.to_string(),
        swing: timing.swing,
        seed: request.seed,
        bass_program: style.bass.program,
        chord_program: style.chords.program,
        chords: spans,
        events: notes.finish(),
    })
}

/// The style `request` names, with its canonical id.
fn find_style(request: &BackingRequest) -> Result<(&'static str, &'static StyleDef), BackingError> {
    data::find_style(&request.style).ok_or_else(|| BackingError::UnknownStyle {
        style: request.style.clone(),
        known: data::style_ids().join(", "),
    })
}

/// Refuses a tempo outside 20..=300 BPM (or not finite) and a length outside 1..=1024 bars.
fn check_ranges(request: &BackingRequest) -> Result<(), BackingError> {
    if !(20.0..=300.0).contains(&request.tempo_bpm) || !request.tempo_bpm.is_finite() {
        return Err(BackingError::Tempo(request.tempo_bpm));
    }
    if !(1..=1024).contains(&request.bars) {
        return Err(BackingError::Bars(request.bars));
    }
    Ok(())
}

/// The chords to play: the request's own (refused when empty) or the style's progression.
fn choose_progression(
    request: &BackingRequest,
    style: &StyleDef,
) -> Result<Vec<ProgressionChord>, BackingError> {
    match &request.progression {
        Some(chords) if chords.is_empty() => Err(BackingError::EmptyProgression),
        Some(chords) => Ok(chords.clone()),
        None => Ok(style_progression(style, request.key)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::music::theory::PitchClass;

    fn key(text: &str) -> Key {
        text.parse().unwrap()
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
