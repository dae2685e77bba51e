//! The backing player on the audio thread: plays a pattern through a fixed pool of synth voices
//! against a clock (the host's transport, or free-running for preview), sample-accurately, and
//! reports every note start and end so the plugin can send them as MIDI. Swapping patterns,
//! jumping, looping and stopping never allocate.

use super::backing_voice::{BackingVoice, VoicePart};
use super::harmony::chord_track::ChordTrack;
use super::smoother::LinearSmoother;

#[cfg(test)]
mod tests;

/// Voices in the pool; a new note beyond this steals the oldest (released ones first).
pub const VOICES: usize = 48;

/// One note of a pattern in the player's own terms.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PlayerNote {
    /// Start in ticks from the pattern's start.
    pub tick: u32,
    /// Length in ticks (at least 1).
    pub duration: u32,
    /// The part.
    pub part: VoicePart,
    /// MIDI note.
    pub note: u8,
    /// MIDI velocity 1..=127.
    pub velocity: u8,
}

/// A pattern ready for the audio thread: notes sorted by tick, built off the audio thread.
#[derive(Debug, Clone, PartialEq)]
pub struct PlayerPattern {
    /// Ticks per quarter note.
    pub ppq: u32,
    /// Length in ticks (a whole number of bars); the pattern loops after it.
    pub length_ticks: u32,
    /// Its own tempo, used when free-running.
    pub tempo_bpm: f64,
    /// General MIDI program of the bass.
    pub bass_program: u8,
    /// General MIDI program of the chords.
    pub chord_program: u8,
    /// The notes, sorted by tick.
    pub notes: Vec<PlayerNote>,
    /// The chords, for correction and harmony voices that follow them (empty: none known).
    pub chords: ChordTrack,
}

impl PlayerPattern {
    /// A pattern from notes in any order (sorted here; notes past the end are dropped).
    pub fn new(
        ppq: u32,
        length_ticks: u32,
        tempo_bpm: f64,
        programs: (u8, u8),
        mut notes: Vec<PlayerNote>,
    ) -> Self {
        notes.retain(|n| n.tick < length_ticks);
        notes.sort_by_key(|n| n.tick);
        Self {
            ppq: ppq.max(1),
            length_ticks: length_ticks.max(1),
            tempo_bpm: if tempo_bpm.is_finite() && tempo_bpm > 0.0 {
                tempo_bpm
            } else {
                120.0
            },
            bass_program: programs.0,
            chord_program: programs.1,
            notes,
            chords: ChordTrack::default(),
        }
    }
}

/// Where the music is for one block.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Clock {
    /// Nothing plays; held notes are released and ring out.
    Stopped,
    /// Playing: `beat` (quarter notes) at the block's first sample, advancing by
    /// `beats_per_sample`.
    Running {
        /// Position in quarter notes at the first sample.
        beat: f64,
        /// Quarter notes per sample (tempo / 60 / sample rate).
        beats_per_sample: f64,
    },
}

/// A note starting or ending at a sample of the block, for MIDI out.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NoteMessage {
    /// Sample offset in the block.
    pub offset: u32,
    /// MIDI channel: drums 9 (the 10th), bass 0, chords 1.
    pub channel: u8,
    /// MIDI note.
    pub note: u8,
    /// Velocity 0..1 for a start; `None` for an end.
    pub velocity: Option<f32>,
}

/// The note-off message for what `voice` holds.
fn note_end(voice: &BackingVoice, offset: u32) -> NoteMessage {
    NoteMessage {
        offset,
        channel: part_channel(voice.part),
        note: voice.note,
        velocity: None,
    }
}

/// MIDI channel of a part.
pub fn part_channel(part: VoicePart) -> u8 {
    match part {
        VoicePart::Drums => 9,
        VoicePart::Bass => 0,
        VoicePart::Chords => 1,
    }
}

/// First random seed handed to voices (each note advances it).
const VOICE_SEED: u32 = 1;

/// The player: pattern, voices, position and its output buffers.
pub struct BackingPlayer {
    pattern: Option<Box<PlayerPattern>>,
    voices: Vec<BackingVoice>,
    sample_rate: f32,
    left: Vec<f32>,
    right: Vec<f32>,
    level: LinearSmoother,
    /// Index of the next note to start.
    cursor: usize,
    /// Song tick (unwrapped) where the current pass through the pattern began.
    cycle_start: f64,
    /// Song tick expected at the next block's first sample, while running.
    expected_tick: Option<f64>,
    started: u64,
    seed: u32,
    /// The earliest song tick at which a held note ends (skip the scan until then).
    next_off: f64,
    /// A thousandth of a sample in ticks: hosts send positions rounded (CLAP uses 31-bit fixed
    /// point), and a note due exactly on a sample must not slip to the next one.
    epsilon: f64,
}

impl Default for BackingPlayer {
    fn default() -> Self {
        Self {
            pattern: None,
            voices: Vec::new(),
            sample_rate: 48_000.0,
            left: Vec::new(),
            right: Vec::new(),
            level: LinearSmoother::new(0.0),
            cursor: 0,
            cycle_start: 0.0,
            expected_tick: None,
            started: 0,
            seed: VOICE_SEED,
            epsilon: 1e-9,
            next_off: f64::INFINITY,
        }
    }
}

impl BackingPlayer {
    /// Prepares for `sample_rate` and blocks of up to `max_block` samples (allocates).
    pub fn prepare(&mut self, sample_rate: f32, max_block: usize) {
        self.sample_rate = if sample_rate.is_finite() && sample_rate >= 1000.0 {
            sample_rate
        } else {
            48_000.0
        };
        self.voices = vec![BackingVoice::default(); VOICES];
        self.left = vec![0.0; max_block.max(1)];
        self.right = vec![0.0; max_block.max(1)];
        self.clear();
    }

    /// Silences every voice at once and forgets the play position, in place (never
    /// allocates); the pattern stays and picks up wherever the clock next says.
    pub fn clear(&mut self) {
        for voice in self.voices.iter_mut() {
            voice.kill();
        }
        self.level.reset(self.sample_rate, 0.02, 0.0);
        self.expected_tick = None;
        self.next_off = f64::INFINITY;
        // The voices' random seeds restart too, so a cleared player repeats itself exactly.
        self.started = 0;
        self.seed = VOICE_SEED;
    }

    /// Installs `pattern` and returns the one it replaces (drop that off the audio thread).
    /// Sounding notes are released; the new pattern picks up at the current position.
    pub fn swap_pattern(
        &mut self,
        pattern: Option<Box<PlayerPattern>>,
        midi: &mut dyn FnMut(NoteMessage),
    ) -> Option<Box<PlayerPattern>> {
        self.release_all(0, midi);
        self.expected_tick = None;
        std::mem::replace(&mut self.pattern, pattern)
    }

    /// The pattern playing, if any.
    pub fn pattern(&self) -> Option<&PlayerPattern> {
        self.pattern.as_deref()
    }

    /// Voices sounding now.
    pub fn active_voices(&self) -> usize {
        self.voices.iter().filter(|v| v.is_active()).count()
    }

    /// Stops every voice's note (MIDI note-offs at `offset`); voices ring out.
    pub fn release_all(&mut self, offset: u32, midi: &mut dyn FnMut(NoteMessage)) {
        for v in self.voices.iter_mut().filter(|v| v.gate) {
            v.release();
            midi(note_end(v, offset));
        }
    }

    /// Seeks so the next note to start is the first at or after song tick `tick`.
    fn seek(&mut self, tick: f64) {
        let Some(pattern) = self.pattern.as_deref() else {
            return;
        };
        let length = f64::from(pattern.length_ticks);
        self.cycle_start = (tick / length).floor() * length;
        let local = tick - self.cycle_start;
        self.cursor = pattern
            .notes
            .partition_point(|n| f64::from(n.tick) < local - 1e-9);
        if self.cursor >= pattern.notes.len() {
            self.cursor = 0;
            self.cycle_start += length;
        }
    }

    /// Renders `frames` samples of the backing at `level` (linear gain) for `clock`; calls
    /// `midi` for every note start and end in the block, in time order per sample. Returns the
    /// left and right output (`frames` long, clamped to the prepared block size).
    pub fn process(
        &mut self,
        frames: usize,
        clock: Clock,
        level: f32,
        midi: &mut dyn FnMut(NoteMessage),
    ) -> (&[f32], &[f32]) {
        let frames = frames.min(self.left.len());
        self.left[..frames].fill(0.0);
        self.right[..frames].fill(0.0);
        self.level.set_target(if level.is_finite() {
            level.max(0.0)
        } else {
            0.0
        });

        let (start_tick, ticks_per_sample) = match (clock, self.pattern.as_deref()) {
            (
                Clock::Running {
                    beat,
                    beats_per_sample,
                },
                Some(pattern),
            ) if beat.is_finite()
                && beats_per_sample.is_finite()
                && beats_per_sample > 0.0
                && beats_per_sample < 1.0 =>
            {
                let ppq = f64::from(pattern.ppq);
                self.epsilon = beats_per_sample * ppq * 1e-3;
                (Some(beat * ppq), beats_per_sample * ppq)
            }
            _ => (None, 0.0),
        };

        match start_tick {
            None => {
                if self.expected_tick.take().is_some() {
                    self.release_all(0, midi);
                }
            }
            Some(tick) => {
                // A jump (locate, loop back, first block) releases what sounds and reseeks.
                let continuous = self
                    .expected_tick
                    .is_some_and(|e| (e - tick).abs() <= ticks_per_sample.max(0.01) + 1e-6);
                if !continuous {
                    if self.expected_tick.is_some() {
                        self.release_all(0, midi);
                    }
                    self.seek(tick);
                }
                self.expected_tick = Some(tick + ticks_per_sample * frames as f64);
            }
        }

        // The block is cut into stretches between note events; each voice renders a whole
        // stretch at a time (voice-major is far cheaper than visiting every voice per sample).
        let mut i = 0;
        while i < frames {
            let end = match start_tick {
                Some(tick0) => {
                    let now = tick0 + ticks_per_sample * i as f64;
                    self.end_notes(now, i as u32, midi);
                    self.start_notes(now, i as u32, midi);
                    let next = self.next_on_tick().min(self.next_off);
                    // Rounded down: at worst one extra short stretch, never a late note.
                    let until = (next - self.epsilon - tick0) / ticks_per_sample;
                    if until.is_finite() && until < frames as f64 {
                        (until.floor().max(0.0) as usize).clamp(i + 1, frames)
                    } else {
                        frames
                    }
                }
                None => frames,
            };
            for v in self.voices.iter_mut().filter(|v| v.is_active()) {
                for (l, r) in self.left[i..end].iter_mut().zip(&mut self.right[i..end]) {
                    if !v.render_into(l, r) {
                        break;
                    }
                }
            }
            i = end;
        }
        for (l, r) in self.left[..frames]
            .iter_mut()
            .zip(&mut self.right[..frames])
        {
            let gain = self.level.next_value();
            *l *= gain;
            *r *= gain;
        }
        (&self.left[..frames], &self.right[..frames])
    }

    /// Song tick of the next note to start (infinite without notes).
    fn next_on_tick(&self) -> f64 {
        match self.pattern.as_deref() {
            Some(p) if !p.notes.is_empty() => {
                self.cycle_start + f64::from(p.notes[self.cursor.min(p.notes.len() - 1)].tick)
            }
            _ => f64::INFINITY,
        }
    }

    fn end_notes(&mut self, now: f64, offset: u32, midi: &mut dyn FnMut(NoteMessage)) {
        if now + self.epsilon < self.next_off {
            return;
        }
        let mut next = f64::INFINITY;
        for v in self.voices.iter_mut() {
            if v.gate && v.off_tick > now + self.epsilon {
                next = next.min(v.off_tick);
            }
            if v.gate && v.off_tick <= now + self.epsilon {
                v.release();
                midi(note_end(v, offset));
            }
        }
        self.next_off = next;
    }

    fn start_notes(&mut self, now: f64, offset: u32, midi: &mut dyn FnMut(NoteMessage)) {
        // Taken out for the loop (moving the box does not allocate) so voices can be borrowed.
        let Some(pattern) = self.pattern.take() else {
            return;
        };
        self.start_notes_of(&pattern, now, offset, midi);
        self.pattern = Some(pattern);
    }

    fn start_notes_of(
        &mut self,
        pattern: &PlayerPattern,
        now: f64,
        offset: u32,
        midi: &mut dyn FnMut(NoteMessage),
    ) {
        if pattern.notes.is_empty() {
            return;
        }
        let length = f64::from(pattern.length_ticks);
        // At most one pass over the notes per sample, even at absurd tempos.
        for _ in 0..pattern.notes.len() {
            let note = pattern.notes[self.cursor];
            let at = self.cycle_start + f64::from(note.tick);
            if at > now + self.epsilon {
                break;
            }
            self.cursor += 1;
            if self.cursor >= pattern.notes.len() {
                self.cursor = 0;
                self.cycle_start += length;
            }
            // A retriggered pitch ends its previous note first (MIDI cannot overlap them).
            for v in self.voices.iter_mut() {
                if v.gate && v.note == note.note && v.part == note.part {
                    v.release();
                    midi(note_end(v, offset));
                }
            }
            let slot = self.free_voice(offset, midi);
            let program = match note.part {
                VoicePart::Drums => 0,
                VoicePart::Bass => pattern.bass_program,
                VoicePart::Chords => pattern.chord_program,
            };
            self.seed = self
                .seed
                .wrapping_mul(1_664_525)
                .wrapping_add(1_013_904_223);
            self.started += 1;
            let v = &mut self.voices[slot];
            v.start(
                self.sample_rate,
                note.part,
                program,
                note.note,
                note.velocity,
                self.seed | 1,
            );
            v.started_at = self.started;
            v.off_tick = at + f64::from(note.duration.max(1));
            self.next_off = self.next_off.min(v.off_tick);
            midi(NoteMessage {
                offset,
                channel: part_channel(note.part),
                note: note.note,
                velocity: Some(f32::from(note.velocity.min(127)) / 127.0),
            });
        }
    }

    /// A silent voice, or the oldest released one, or the oldest (its note ends now).
    fn free_voice(&mut self, offset: u32, midi: &mut dyn FnMut(NoteMessage)) -> usize {
        if let Some(i) = self.voices.iter().position(|v| !v.is_active()) {
            return i;
        }
        let oldest = |released: bool| {
            self.voices
                .iter()
                .enumerate()
                .filter(|(_, v)| v.is_released() == released)
                .min_by_key(|(_, v)| v.started_at)
                .map(|(i, _)| i)
        };
        let i = oldest(true).or_else(|| oldest(false)).unwrap_or(0);
        let v = &mut self.voices[i];
        if v.gate {
            midi(note_end(v, offset));
        }
        v.kill();
        i
    }
}
