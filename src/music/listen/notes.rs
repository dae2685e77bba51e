//! Voiced pitch into notes: where each sung note starts and ends, which note it is, how far off
//! it was sung (cents) and its vibrato.
//!
//! How: the track is cut into voiced runs (a consonant or breath ends a run). In each run a
//! pitch smoothed over about one vibrato period shows where the voice holds still: stretches
//! whose smoothed pitch moves slower than a glide are note cores, split where the smoothed
//! pitch leaves the core's mean by half a semitone (a legato step). Each core then claims the
//! raw frames around it that lie within 0.7 semitone of its median, so a glide's ends belong to
//! the notes it joins and its middle to neither; the boundary between two notes joined by a
//! glide is where the glide crosses halfway. Blips are dropped, wobbles that split one held
//! note are merged back, and pieces of a slow glide are dropped (see the constants).

use std::ops::Range;

use serde::Serialize;

use super::vibrato::{fit_note, median, PitchFit};
use super::PitchPoint;
use crate::music::theory::Key;

/// Unvoiced stretches up to this long inside a note are detector dropouts and are bridged;
/// longer ones (a consonant re-articulating the note) end a voiced run.
pub(crate) const BRIDGE_S: f64 = 0.03;
/// Half-width of the smoothing window: 140 ms spans one cycle of a 7 Hz vibrato and most of a
/// 5 Hz one, so vibrato leaves little slope in the smoothed pitch while glides keep theirs.
const SMOOTH_HALF_S: f64 = 0.07;
/// Half-width of the slope estimate over the smoothed pitch.
const SLOPE_HALF_S: f64 = 0.02;
/// Smoothed slopes below this (semitones per second) are a held note: 50 cents of vibrato at
/// 4-8 Hz leaves at most about 7 st/s after smoothing; sung glides and portamento run at 10-50.
const STABLE_ST_PER_S: f32 = 10.0;
/// A held stretch whose smoothed pitch leaves its running mean by this much has stepped to a
/// new note (a legato step of a semitone crosses it halfway through).
const SPLIT_ST: f32 = 0.5;
/// Raw frames within this distance of a note's median belong to it: wider than 50 cents of
/// vibrato plus detector noise, narrower than the semitone to the next note.
pub(crate) const CLAIM_ST: f32 = 0.7;
/// Notes shorter than this are dropped: nobody hears a note in under about 60 ms, and such
/// blips are the middle of a fast glide, a scoop or a detector slip, not a sung note.
pub(crate) const MIN_NOTE_S: f64 = 0.06;
/// Two notes in one voiced run whose medians are closer than this are one note that a wobble
/// split (nothing re-articulated it), so they are merged.
const MERGE_ST: f32 = 0.35;
/// A note shorter than `GLIDE_PIECE_S` whose pitch drifts by this much or more is a stretch of
/// a slow glide passing through, not a held note.
const GLIDE_PIECE_ST: f32 = 0.5;
/// See `GLIDE_PIECE_ST`.
const GLIDE_PIECE_S: f64 = 0.25;
/// A note shorter than this beside a note with vibrato, lying within that vibrato's reach,
/// is an edge of its swing (a wide vibrato's first or last half-cycle, which the smoothing
/// cannot average at the run's ends), not a note: a cycle of a 4 Hz vibrato.
const VIBRATO_EDGE_S: f64 = 0.25;
/// How far past a vibrato's peak depth such an edge may lie: cycle-to-cycle variation of the
/// peaks plus detector noise.
const VIBRATO_REACH_MARGIN_ST: f32 = 0.2;

/// One sung note.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct SungNote {
    /// Onset in seconds.
    pub start_s: f64,
    /// Offset in seconds.
    pub end_s: f64,
    /// The nearest MIDI note (of the key, when one was given).
    pub midi: u8,
    /// How far the sung centre lies from `midi`, in cents (+ sharp, - flat).
    pub cents: f32,
    /// Vibrato rate in Hz, when the note has vibrato.
    pub vibrato_hz: Option<f32>,
    /// Vibrato depth in cents (peak), when the note has vibrato.
    pub vibrato_cents: Option<f32>,
    /// The sung centre as a fractional MIDI pitch.
    #[serde(skip)]
    pub pitch: f32,
    /// How unsteady the note was: RMS cents left after removing drift and vibrato.
    #[serde(skip)]
    pub unsteadiness_cents: f32,
}

impl SungNote {
    /// Length in seconds.
    pub fn duration_s(&self) -> f64 {
        (self.end_s - self.start_s).max(0.0)
    }
}

/// Which notes a sung pitch may be called: the tuning's target notes, so a note is named as
/// the correction hears it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum NoteNames {
    /// Any semitone.
    #[default]
    Chromatic,
    /// The notes of a key's scale.
    Key(Key),
    /// A custom set of pitch classes (bit n = n semitones above C), as the window's one-octave
    /// keyboard sets it.
    Custom(u16),
}

impl NoteNames {
    /// The names tuning uses: a custom set when one is active (`custom_mask` not 0), else the
    /// key's scale, else any semitone.
    pub fn for_tuning(key: Option<Key>, custom_mask: u16) -> NoteNames {
        match (custom_mask & 0x0fff, key) {
            (0, Some(key)) => NoteNames::Key(key),
            (0, None) => NoteNames::Chromatic,
            (mask, _) => NoteNames::Custom(mask),
        }
    }

    /// The allowed pitch classes (bit n = n semitones above C); never empty.
    pub fn mask(self) -> u16 {
        let mask = match self {
            NoteNames::Chromatic => 0x0fff,
            NoteNames::Key(key) => key.scale.pitch_class_mask(key.tonic_pc()),
            NoteNames::Custom(mask) => mask & 0x0fff,
        };
        if mask == 0 {
            0x0fff
        } else {
            mask
        }
    }

    /// The key that spells the names, when there is one.
    pub fn key(self) -> Option<Key> {
        match self {
            NoteNames::Key(key) => Some(key),
            NoteNames::Chromatic | NoteNames::Custom(_) => None,
        }
    }
}

impl From<Option<Key>> for NoteNames {
    fn from(key: Option<Key>) -> Self {
        key.map_or(NoteNames::Chromatic, NoteNames::Key)
    }
}

impl From<Key> for NoteNames {
    fn from(key: Key) -> Self {
        NoteNames::Key(key)
    }
}

/// The notes in a pitch track, in time order. `names` decides which note an off-key pitch is
/// called: the nearest note of a key's scale or of a custom note set (an `Option<Key>` works
/// too; `None` means the nearest semitone).
pub fn segment_notes(points: &[PitchPoint], names: impl Into<NoteNames>) -> Vec<SungNote> {
    let key = names.into();
    let hop = typical_hop(points);
    let mut notes = Vec::new();
    for run in voiced_runs(points, hop) {
        notes.extend(notes_in_run(&run, hop, key));
    }
    notes
}

/// A stretch of consecutive voiced frames.
#[derive(Debug, Clone, Default)]
pub(crate) struct Run {
    pub(crate) times: Vec<f64>,
    pub(crate) pitch: Vec<f32>,
}

/// The analysis hop: the median spacing of consecutive points (5 ms when unknown).
pub(crate) fn typical_hop(points: &[PitchPoint]) -> f64 {
    let mut steps: Vec<f32> = points
        .windows(2)
        .map(|w| (w[1].time_s - w[0].time_s) as f32)
        .filter(|d| d.is_finite() && *d > 0.0)
        .collect();
    if steps.is_empty() {
        return 0.005;
    }
    (median(&mut steps) as f64).clamp(0.0005, 0.05)
}

/// Cuts the track into voiced runs; time going backwards (bad input) also starts a new run.
fn voiced_runs(points: &[PitchPoint], hop: f64) -> Vec<Run> {
    let mut runs = Vec::new();
    let mut current = Run::default();
    for point in points {
        let Some(midi) = point.midi() else { continue };
        if let Some(&last) = current.times.last() {
            let step = point.time_s - last;
            if !(0.0..=BRIDGE_S + 0.5 * hop).contains(&step) {
                runs.push(std::mem::take(&mut current));
            }
        }
        current.times.push(point.time_s);
        current.pitch.push(midi);
    }
    if !current.times.is_empty() {
        runs.push(current);
    }
    runs
}

/// A note inside a run: the frames it claims and the fit of their pitch.
struct Claim {
    frames: Range<usize>,
    fit: PitchFit,
}

/// The notes of one voiced run.
pub(crate) fn notes_in_run(run: &Run, hop: f64, key: NoteNames) -> Vec<SungNote> {
    let cores = stable_cores(run, hop);
    let claims: Vec<Range<usize>> = claim_frames(run, &cores, hop)
        .into_iter()
        .filter(|frames| !is_glide_piece(run, frames, hop))
        .collect();
    let claims = merge_wobbles(run, claims, hop);
    let mut notes = Vec::with_capacity(claims.len());
    for (i, claim) in claims.iter().enumerate() {
        let start_s = match i.checked_sub(1).map(|p| &claims[p]) {
            Some(previous) => boundary(run, previous, claim),
            None => run.times[claim.frames.start],
        };
        let end_s = match claims.get(i + 1) {
            Some(next) => boundary(run, claim, next),
            None => run.times[claim.frames.end - 1] + hop,
        };
        notes.push(describe(claim.fit, start_s, end_s, key));
    }
    notes
}

/// Mean of `values` over a window of `half` frames either side (clipped at the ends).
fn moving_mean(values: &[f32], half: usize) -> Vec<f32> {
    let mut prefix = Vec::with_capacity(values.len() + 1);
    prefix.push(0.0f64);
    for &v in values {
        prefix.push(prefix[prefix.len() - 1] + v as f64);
    }
    (0..values.len())
        .map(|i| {
            let lo = i.saturating_sub(half);
            let hi = (i + half + 1).min(values.len());
            ((prefix[hi] - prefix[lo]) / (hi - lo) as f64) as f32
        })
        .collect()
}

/// Stretches where the voice holds a note: slow smoothed pitch, split at legato steps.
fn stable_cores(run: &Run, hop: f64) -> Vec<Range<usize>> {
    let n = run.pitch.len();
    let smooth = moving_mean(&run.pitch, (SMOOTH_HALF_S / hop).round() as usize);
    let k = ((SLOPE_HALF_S / hop).round() as usize).max(1);
    let slope = |i: usize| {
        let (a, b) = (i.saturating_sub(k), (i + k).min(n - 1));
        let dt = (run.times[b] - run.times[a]) as f32;
        if dt > 0.0 {
            (smooth[b] - smooth[a]) / dt
        } else {
            0.0
        }
    };
    let mut cores = Vec::new();
    let mut current: Option<(usize, f32, usize)> = None; // start, sum, count
    for (i, &value) in smooth.iter().enumerate() {
        if slope(i).abs() >= STABLE_ST_PER_S {
            if let Some((start, _, _)) = current.take() {
                cores.push(start..i);
            }
            continue;
        }
        current = match current {
            Some((start, sum, count)) if (value - sum / count as f32).abs() <= SPLIT_ST => {
                Some((start, sum + value, count + 1))
            }
            Some((start, _, _)) => {
                cores.push(start..i);
                Some((i, value, 1))
            }
            None => Some((i, value, 1)),
        };
    }
    if let Some((start, _, _)) = current {
        cores.push(start..n);
    }
    cores
}

/// The median pitch of `frames`.
fn median_of(run: &Run, frames: &Range<usize>) -> f32 {
    let mut values = run.pitch[frames.clone()].to_vec();
    median(&mut values)
}

/// Each core's frames near its median, widened over neighbouring frames near it (not past the
/// previous note or into the next core); notes shorter than `MIN_NOTE_S` are dropped.
fn claim_frames(run: &Run, cores: &[Range<usize>], hop: f64) -> Vec<Range<usize>> {
    let near = |i: usize, centre: f32| (run.pitch[i] - centre).abs() <= CLAIM_ST;
    let mut claims: Vec<Range<usize>> = Vec::new();
    for (index, core) in cores.iter().enumerate() {
        let centre = median_of(run, core);
        let Some(mut start) = core.clone().find(|&i| near(i, centre)) else {
            continue;
        };
        let Some(last) = core.clone().rev().find(|&i| near(i, centre)) else {
            continue;
        };
        let mut end = last + 1;
        let floor = claims.last().map_or(0, |c| c.end);
        let ceiling = cores.get(index + 1).map_or(run.pitch.len(), |c| c.start);
        while start > floor && near(start - 1, centre) {
            start -= 1;
        }
        while end < ceiling && near(end, centre) {
            end += 1;
        }
        let seconds = run.times[end - 1] - run.times[start] + hop;
        if seconds >= MIN_NOTE_S {
            claims.push(start..end);
        }
    }
    claims
}

/// Joins neighbouring claims of the same pitch (a wobble split them; nothing re-articulated
/// the note), fits each claim and joins a wide vibrato's stray edges to their note.
fn merge_wobbles(run: &Run, claims: Vec<Range<usize>>, hop: f64) -> Vec<Claim> {
    let mut merged: Vec<Range<usize>> = Vec::with_capacity(claims.len());
    for claim in claims {
        if let Some(previous) = merged.last_mut() {
            if (median_of(run, previous) - median_of(run, &claim)).abs() < MERGE_ST {
                previous.end = claim.end;
                continue;
            }
        }
        merged.push(claim);
    }
    let fitted = merged.into_iter().map(|frames| fit_claim(run, frames));
    let mut claims: Vec<Claim> = Vec::new();
    for claim in fitted {
        match claims.last_mut() {
            Some(previous) if is_vibrato_edge(previous, &claim, hop) => {
                *previous = fit_claim(run, previous.frames.start..claim.frames.end);
            }
            _ => claims.push(claim),
        }
    }
    claims
}

fn fit_claim(run: &Run, frames: Range<usize>) -> Claim {
    Claim {
        fit: fit_note(&run.times[frames.clone()], &run.pitch[frames.clone()]),
        frames,
    }
}

/// Whether one of two neighbouring claims is a short edge of the other's wide vibrato.
fn is_vibrato_edge(a: &Claim, b: &Claim, hop: f64) -> bool {
    let edge_of = |short: &Claim, long: &Claim| {
        let Some(vibrato) = long.fit.vibrato else {
            return false;
        };
        let reach = vibrato.depth_cents / 100.0 + VIBRATO_REACH_MARGIN_ST;
        short.frames.len() < long.frames.len()
            && short.frames.len() as f64 * hop < VIBRATO_EDGE_S
            && (short.fit.centre - long.fit.centre).abs() <= reach
    };
    edge_of(a, b) || edge_of(b, a)
}

/// Whether a short claim drifts like a stretch of a slow glide.
fn is_glide_piece(run: &Run, frames: &Range<usize>, hop: f64) -> bool {
    let seconds = run.times[frames.end - 1] - run.times[frames.start] + hop;
    if seconds >= GLIDE_PIECE_S {
        return false;
    }
    let fit = fit_note(&run.times[frames.clone()], &run.pitch[frames.clone()]);
    (fit.drift_st_per_s * seconds as f32).abs() >= GLIDE_PIECE_ST
}

/// Where one note hands over to the next: the first frame between them past the midpoint of
/// their pitches (the middle of the glide), or the next note's first frame when they touch.
fn boundary(run: &Run, previous: &Claim, next: &Claim) -> f64 {
    let halfway = 0.5 * (previous.fit.centre + next.fit.centre);
    let rising = next.fit.centre > previous.fit.centre;
    (previous.frames.end..next.frames.start)
        .find(|&i| (run.pitch[i] >= halfway) == rising)
        .map_or(run.times[next.frames.start], |i| run.times[i])
}

/// The nearest MIDI note to `pitch` of `names` (a key's scale, a custom set, any semitone),
/// within 0..=127; a tie goes to the lower note.
pub fn nearest_midi(pitch: f32, names: impl Into<NoteNames>) -> u8 {
    let rounded = pitch.round().clamp(0.0, 127.0) as i32;
    let mask = names.into().mask();
    // Eleven semitones either way reach every pitch class, even where 0 or 127 clips one side.
    (rounded - 11..=rounded + 11)
        .filter(|m| (0..=127).contains(m) && mask & (1 << m.rem_euclid(12)) != 0)
        .min_by(|a, b| {
            (*a as f32 - pitch)
                .abs()
                .total_cmp(&(*b as f32 - pitch).abs())
        })
        .unwrap_or(rounded) as u8
}

fn describe(fit: PitchFit, start_s: f64, end_s: f64, key: NoteNames) -> SungNote {
    let midi = nearest_midi(fit.centre, key);
    SungNote {
        start_s,
        end_s,
        midi,
        cents: 100.0 * (fit.centre - midi as f32),
        vibrato_hz: fit.vibrato.map(|v| v.rate_hz),
        vibrato_cents: fit.vibrato.map(|v| v.depth_cents),
        pitch: fit.centre,
        unsteadiness_cents: fit.residual_cents,
    }
}

/// The notes as CSV with a `start_s,end_s,midi,cents,vibrato_hz,vibrato_cents` header (empty
/// vibrato fields when a note has none).
pub fn notes_to_csv(notes: &[SungNote]) -> String {
    let mut out = String::from("start_s,end_s,midi,cents,vibrato_hz,vibrato_cents\n");
    let optional =
        |v: Option<f32>, decimals: usize| v.map_or(String::new(), |v| format!("{v:.decimals$}"));
    for note in notes {
        out.push_str(&format!(
            "{:.3},{:.3},{},{:.1},{},{}\n",
            note.start_s,
            note.end_s,
            note.midi,
            note.cents,
            optional(note.vibrato_hz, 2),
            optional(note.vibrato_cents, 1),
        ));
    }
    out
}

#[cfg(test)]
#[path = "notes_tests.rs"]
mod tests;
