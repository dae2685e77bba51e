//! Live note tracking for Voice to MIDI: the pitch detector's frames in, note-ons and note-offs
//! out, as they happen. The live counterpart of `music::listen::notes::segment_notes`, which
//! sees a whole take and can look ahead; this one decides frame by frame, so it needs a short
//! confirmation before a note starts and hysteresis so vibrato and glides do not chatter.
//!
//! Rules (the thresholds below say what each covers):
//! - A note starts when the last `CONFIRM_S` of voiced frames hold still (spread at most
//!   `STEADY_ST`; long enough for the detector's octave to settle); its key is the nearest
//!   note (of the key, when tuning gives one) to their mean.
//! - Frames within `CLAIM_ST` of the note's centre belong to it (vibrato, wobble, drift).
//! - Held pitch elsewhere changes the note: at once when it lies `LEAP_ST` or more
//!   away, else after it stayed outside for `MIN_NOTE_S` (a wide vibrato's peaks never do).
//! - The note ends when the pitch wanders off without settling for `MIN_NOTE_S` (a glide
//!   away), at silence, or after unvoiced frames longer than `BRIDGE_S` (a consonant or a
//!   breath; shorter dropouts are bridged).
//!
//! Every event carries the output sample where its instant sounds (input time plus the latency
//! set with `set_latency`), and the instant is back-dated to where the change really happened
//! (`live_onsets`): a note-on to the note's estimated onset, a note-off to the first frame
//! that was no longer the note. The decision itself comes 35-80 ms after that instant, so the
//! plugin reports a lookahead (`plugin::voice_midi::LOOKAHEAD_S`) and holds each event until
//! its sample; `tests/voice_midi.rs` measures how close to the truth they land.

use super::live_onsets::{self, Approach, FrameHistory, HeardFrame};
use super::pitch_detector::{Voicing, HOP_SECONDS};
use super::voice_chain::AnalysisFrame;
use crate::music::listen::hz_to_midi;
use crate::music::listen::notes::{nearest_midi, NoteNames, BRIDGE_S, CLAIM_ST, MIN_NOTE_S};

/// How long a pitch must hold still before it is a note. The detector can hold the wrong
/// octave for the first 20-30 ms of an attack or a step (a vowel whose first formant sits on
/// the second harmonic: measured on the synthetic singer's A4 and G4; it believes the octave
/// jump back only after four 5 ms hops), and a vocal tract ringing into a rest looks periodic
/// for about as long: 35 ms outlasts both. It is most of the note-on delay.
const CONFIRM_S: f64 = 0.035;
/// Largest spread (max - min, semitones) of the confirming frames for the pitch to hold
/// still: 0.3 st in 35 ms is under 9 st/s, so sung glides and scoops (10-50 st/s) pass
/// through without starting notes, while a vibrato of up to 100 cents settles near each of its
/// peaks (spread there under 0.2 st) within half a cycle.
const STEADY_ST: f32 = 0.3;
/// A held pitch this far from the sounding note's centre is a new note as soon as it is
/// confirmed: wider than a 50-cent vibrato's whole swing (1 st peak to peak, and a note
/// confirmed near one peak starts with its centre there) plus detector noise, so only a real
/// step reaches it. A vibrato of 100 cents or more can still retrigger: a known limit.
const LEAP_ST: f32 = 1.5;
/// The note's centre averages at most this much of its latest pitch, so it follows a slow
/// drift instead of calling it a new note.
const CENTRE_MEMORY_S: f64 = 0.5;
/// Onset level (dBFS) that maps to the softest velocity: a quiet but clear voice.
const QUIET_DB: f32 = -48.0;
/// Onset level (dBFS) that maps to full velocity: a loud voice near full scale.
const LOUD_DB: f32 = -6.0;
/// Softest velocity sent: a note that is sung is never silent on a synth.
const MIN_VELOCITY: f32 = 0.1;
/// Most frames the confirmation window holds (it needs 8 at the detector's 5 ms hop).
const MAX_CONFIRM_FRAMES: usize = 16;

/// A note starting or ending.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NoteChange {
    /// Output sample (since the last `clear`) where the change belongs.
    pub sample: u64,
    /// MIDI note number.
    pub note: u8,
    /// Velocity 0..1 for a note-on; `None` for a note-off.
    pub velocity: Option<f32>,
}

/// The note that sounds now.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Sounding {
    note: u8,
    /// Sum and count of the pitches that belong to it (the centre is their mean).
    centre_sum: f64,
    centre_count: u32,
    /// Consecutive voiced frames outside `CLAIM_ST` of the centre.
    outside: u32,
    /// Input instant of the first of those frames (where a glide away began).
    outside_since: f64,
}

impl Sounding {
    fn centre(&self) -> f32 {
        (self.centre_sum / f64::from(self.centre_count.max(1))) as f32
    }
}

/// The live tracker. `prepare` sets the frame counts; `push` never allocates.
#[derive(Debug, Clone)]
pub struct LiveNoteTracker {
    sample_rate: f64,
    /// The detector's hop in input samples.
    hop: f64,
    latency: u64,
    confirm_frames: usize,
    bridge_frames: u32,
    change_frames: u32,
    centre_frames: u32,
    /// The latest consecutive voiced pitches (fractional MIDI), oldest first.
    recent: [f32; MAX_CONFIRM_FRAMES],
    recent_len: usize,
    unvoiced_run: u32,
    /// Input instant of the first frame of the current unvoiced run.
    unvoiced_since: f64,
    /// Where the last note was left by a wandering pitch, while no unvoiced frame followed.
    left_at: Option<f64>,
    sounding: Option<Sounding>,
    /// Which notes a pitch may be called.
    names: NoteNames,
    /// The last frames, for back-dating a confirmed note to its onset.
    history: FrameHistory,
    /// Input instant of the latest frame.
    last_instant: f64,
    /// Output sample of the latest event: events never go back in time.
    last_sample: u64,
}

impl Default for LiveNoteTracker {
    fn default() -> Self {
        let mut tracker = Self {
            sample_rate: 48_000.0,
            hop: 240.0,
            latency: 0,
            confirm_frames: 8,
            bridge_frames: 6,
            change_frames: 12,
            centre_frames: 100,
            recent: [0.0; MAX_CONFIRM_FRAMES],
            recent_len: 0,
            unvoiced_run: 0,
            unvoiced_since: 0.0,
            left_at: None,
            sounding: None,
            names: NoteNames::Chromatic,
            history: FrameHistory::default(),
            last_instant: 0.0,
            last_sample: 0,
        };
        tracker.prepare(48_000.0, 0);
        tracker
    }
}

impl LiveNoteTracker {
    /// Prepares for frames from a chain running at `sample_rate` (the hop follows the
    /// detector's); any block size works. Allocates nothing, but is the place to call it.
    pub fn prepare(&mut self, sample_rate: f32, _max_block: usize) {
        let sample_rate = if sample_rate.is_finite() && sample_rate > 0.0 {
            f64::from(sample_rate)
        } else {
            48_000.0
        };
        self.sample_rate = sample_rate;
        // The detector's hop in whole samples, as it runs.
        self.hop = (sample_rate * f64::from(HOP_SECONDS)).round().max(1.0);
        let hop = self.hop / sample_rate;
        let frames = |seconds: f64| (seconds / hop).round().max(1.0) as u32;
        self.confirm_frames = (frames(CONFIRM_S) as usize + 1).min(MAX_CONFIRM_FRAMES);
        self.bridge_frames = frames(BRIDGE_S);
        self.change_frames = frames(MIN_NOTE_S);
        self.centre_frames = frames(CENTRE_MEMORY_S);
        self.clear();
    }

    /// Sets how late the output is (samples: the chain's latency plus any lookahead): events
    /// are placed where their instant sounds in the output.
    pub fn set_latency(&mut self, samples: usize) {
        self.latency = samples as u64;
    }

    /// Which notes a pitch is called (as the tuning hears it): the nearest note of a key, of
    /// a custom note set, or the nearest semitone (`None` for a key means that too).
    pub fn set_names(&mut self, names: impl Into<NoteNames>) {
        self.names = names.into();
    }

    /// Forgets everything heard, without an event (call `release` first if a note sounds).
    pub fn clear(&mut self) {
        self.recent_len = 0;
        self.unvoiced_run = 0;
        self.unvoiced_since = 0.0;
        self.left_at = None;
        self.sounding = None;
        self.history.clear();
        self.last_instant = 0.0;
        self.last_sample = 0;
    }

    /// The note sounding now, if any.
    pub fn sounding(&self) -> Option<u8> {
        self.sounding.map(|s| s.note)
    }

    /// Forgets the sounding note without an event (switch off, transport stop, bypass,
    /// channel change: whoever sent its note-on sends the note-off); the pitch must be
    /// confirmed afresh before the next note-on. Returns the note that sounded.
    pub fn release(&mut self) -> Option<u8> {
        self.recent_len = 0;
        self.left_at = None;
        self.history.clear();
        self.sounding.take().map(|s| s.note)
    }

    /// Takes one analysis frame; hands the changes it decides to `sink` (a note-off before
    /// the note-on that replaces it), each at the output sample where it belongs.
    pub fn push(&mut self, frame: &AnalysisFrame, sink: &mut impl FnMut(NoteChange)) {
        let instant = if frame.time_seconds.is_finite() {
            (frame.time_seconds * self.sample_rate).max(0.0)
        } else {
            self.last_instant + self.hop
        };
        self.last_instant = instant;
        let pitch = (frame.voicing == Voicing::Voiced)
            .then(|| hz_to_midi(frame.detected_hz))
            .filter(|p| p.is_finite() && (0.0..=127.0).contains(p));
        let level_db = if frame.level_db.is_finite() {
            frame.level_db
        } else {
            -120.0
        };
        self.history.push(HeardFrame {
            instant,
            pitch: pitch.unwrap_or(f32::NAN),
            level_db,
        });
        match pitch {
            Some(pitch) => self.voiced(pitch, level_db, instant, sink),
            None => self.unvoiced(frame.voicing == Voicing::Silence, instant, sink),
        }
    }

    /// The output sample where input `instant` sounds; events never go back in time (an
    /// estimate can land before an event already decided).
    fn sample_at(&mut self, instant: f64) -> u64 {
        let input = if instant.is_finite() {
            instant.round().max(0.0) as u64
        } else {
            0
        };
        let sample = (input + self.latency).max(self.last_sample);
        self.last_sample = sample;
        sample
    }

    /// An unvoiced or silent frame: silence ends the note now, a consonant or breath once it
    /// outlasts a detector dropout; either way the note ended where the voicing stopped.
    fn unvoiced(&mut self, silent: bool, instant: f64, sink: &mut impl FnMut(NoteChange)) {
        self.recent_len = 0;
        self.left_at = None;
        if self.unvoiced_run == 0 {
            self.unvoiced_since = instant;
        }
        self.unvoiced_run = self.unvoiced_run.saturating_add(1);
        if silent || self.unvoiced_run > self.bridge_frames {
            if let Some(off) = self.release_at(self.unvoiced_since) {
                sink(off);
            }
        }
    }

    /// A voiced frame at `pitch` (fractional MIDI).
    fn voiced(
        &mut self,
        pitch: f32,
        level_db: f32,
        instant: f64,
        sink: &mut impl FnMut(NoteChange),
    ) {
        self.unvoiced_run = 0;
        self.remember(pitch);
        let steady = self.steady_mean();
        let Some(mut sounding) = self.sounding else {
            if let Some(mean) = steady {
                let approach = self.left_at.map_or(Approach::Fresh, Approach::Left);
                let onset = self.onset(mean, approach);
                self.start(mean, level_db, onset, sink);
            }
            return;
        };
        let centre = sounding.centre();
        if (pitch - centre).abs() <= CLAIM_ST {
            sounding.outside = 0;
            if sounding.centre_count >= self.centre_frames {
                // Forget the oldest share, so the centre follows a slow drift.
                sounding.centre_sum -= sounding.centre_sum / f64::from(sounding.centre_count);
                sounding.centre_count -= 1;
            }
            sounding.centre_sum += f64::from(pitch);
            sounding.centre_count += 1;
            self.sounding = Some(sounding);
            return;
        }
        if sounding.outside == 0 {
            sounding.outside_since = instant;
        }
        sounding.outside += 1;
        self.sounding = Some(sounding);
        let long_enough = sounding.outside >= self.change_frames;
        match steady {
            Some(mean) if long_enough || (mean - centre).abs() >= LEAP_ST => {
                if self.note_of(mean) == sounding.note {
                    // The same note, sung elsewhere now: follow it without an event.
                    self.sounding = Some(Self::new_sounding(sounding.note, mean));
                } else {
                    // A legato step: the old note ends where the new one begins.
                    let onset = self.onset(mean, Approach::From(centre));
                    if let Some(off) = self.release_at(onset) {
                        sink(off);
                    }
                    self.start(mean, level_db, onset, sink);
                }
            }
            // Wandering off without settling (a glide away): the note ended where it left.
            None if long_enough => {
                if let Some(off) = self.release_at(sounding.outside_since) {
                    sink(off);
                }
                self.left_at = Some(sounding.outside_since);
            }
            _ => {}
        }
    }

    /// Where the note just confirmed around `mean` began (input instant).
    fn onset(&self, mean: f32, approach: Approach) -> f64 {
        live_onsets::onset(
            &self.history,
            self.recent_len,
            mean,
            approach,
            self.sample_rate,
        )
    }

    /// Starts the note nearest `mean` at input instant `onset`.
    fn start(&mut self, mean: f32, level_db: f32, onset: f64, sink: &mut impl FnMut(NoteChange)) {
        let note = self.note_of(mean);
        self.sounding = Some(Self::new_sounding(note, mean));
        self.left_at = None;
        let sample = self.sample_at(onset);
        sink(NoteChange {
            sample,
            note,
            velocity: Some(velocity(level_db)),
        });
    }

    fn new_sounding(note: u8, centre: f32) -> Sounding {
        Sounding {
            note,
            centre_sum: f64::from(centre),
            centre_count: 1,
            outside: 0,
            outside_since: 0.0,
        }
    }

    /// Ends the sounding note at input instant `instant`.
    fn release_at(&mut self, instant: f64) -> Option<NoteChange> {
        let sounding = self.sounding.take()?;
        let sample = self.sample_at(instant);
        Some(NoteChange {
            sample,
            note: sounding.note,
            velocity: None,
        })
    }

    fn note_of(&self, pitch: f32) -> u8 {
        nearest_midi(pitch, self.names)
    }

    /// Appends a voiced pitch to the confirmation window (dropping the oldest when full).
    fn remember(&mut self, pitch: f32) {
        if self.recent_len == self.confirm_frames {
            self.recent.copy_within(1..self.confirm_frames, 0);
            self.recent_len -= 1;
        }
        self.recent[self.recent_len] = pitch;
        self.recent_len += 1;
    }

    /// The mean of the confirmation window when it is full and holds still.
    fn steady_mean(&self) -> Option<f32> {
        if self.recent_len < self.confirm_frames {
            return None;
        }
        let window = &self.recent[..self.recent_len];
        let (low, high) = window
            .iter()
            .fold((f32::INFINITY, f32::NEG_INFINITY), |(lo, hi), &p| {
                (lo.min(p), hi.max(p))
            });
        (high - low <= STEADY_ST).then(|| window.iter().sum::<f32>() / window.len() as f32)
    }
}

/// Note-on velocity from the onset's level: `QUIET_DB`..`LOUD_DB` maps to `MIN_VELOCITY`..1.
fn velocity(level_db: f32) -> f32 {
    let share = if level_db.is_finite() {
        ((level_db - QUIET_DB) / (LOUD_DB - QUIET_DB)).clamp(0.0, 1.0)
    } else {
        0.0
    };
    MIN_VELOCITY + (1.0 - MIN_VELOCITY) * share
}

#[cfg(test)]
#[path = "live_notes_tests.rs"]
mod tests;
