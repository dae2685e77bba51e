//! The backing player on the audio thread: plays a pattern through a fixed pool of synth voices
//! against a clock (the host's transport, or free-running for preview), sample-accurately, and
//! reports every note start and end so the plugin can send them as MIDI. Swapping patterns,
//! jumping, looping and stopping never allocate.

use super::backing_voice::{BackingVoice, VoicePart};
use super::harmony::chord_track::ChordTrack;
use super::smoother::LinearSmoother;

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

#[cfg(test)]
mod tests {
    use super::*;

    const SR: f32 = 48_000.0;

    /// Four quarter-note kicks and a two-beat bass note per 4/4 bar, one bar long.
    fn one_bar() -> Box<PlayerPattern> {
        let mut notes: Vec<PlayerNote> = (0..4)
            .map(|b| PlayerNote {
                tick: b * 480,
                duration: 60,
                part: VoicePart::Drums,
                note: 36,
                velocity: 100,
            })
            .collect();
        notes.push(PlayerNote {
            tick: 960,
            duration: 960,
            part: VoicePart::Bass,
            note: 40,
            velocity: 90,
        });
        Box::new(PlayerPattern::new(480, 1920, 100.0, (33, 0), notes))
    }

    fn player() -> BackingPlayer {
        let mut p = BackingPlayer::default();
        p.prepare(SR, 512);
        let old = p.swap_pattern(Some(one_bar()), &mut |_| {});
        assert!(old.is_none());
        p
    }

    /// Runs `blocks` blocks of `frames` from `beat` at `bpm`, returning (absolute sample, msg).
    fn run(
        p: &mut BackingPlayer,
        beat: f64,
        bpm: f64,
        frames: usize,
        blocks: usize,
    ) -> Vec<(usize, NoteMessage)> {
        let bps = bpm / 60.0 / SR as f64;
        let mut out = Vec::new();
        for b in 0..blocks {
            let clock = Clock::Running {
                beat: beat + (b * frames) as f64 * bps,
                beats_per_sample: bps,
            };
            p.process(frames, clock, 1.0, &mut |m| {
                out.push((b * frames + m.offset as usize, m))
            });
        }
        out
    }

    #[test]
    fn notes_start_and_end_on_the_exact_sample() {
        let mut p = player();
        // 120 bpm: a beat is 24000 samples, a tick 50 samples. Odd block size on purpose.
        let msgs = run(&mut p, 0.0, 120.0, 333, 300);
        let kicks: Vec<usize> = msgs
            .iter()
            .filter(|(_, m)| m.note == 36 && m.velocity.is_some())
            .map(|(s, _)| *s)
            .collect();
        assert_eq!(&kicks[..5], &[0, 24_000, 48_000, 72_000, 96_000]);
        let kick_offs: Vec<usize> = msgs
            .iter()
            .filter(|(_, m)| m.note == 36 && m.velocity.is_none())
            .map(|(s, _)| *s)
            .collect();
        assert_eq!(&kick_offs[..2], &[3000, 27_000], "60 ticks = 3000 samples");
        let bass: Vec<(usize, bool)> = msgs
            .iter()
            .filter(|(_, m)| m.channel == 0)
            .map(|(s, m)| (*s, m.velocity.is_some()))
            .collect();
        assert_eq!(&bass[..2], &[(48_000, true), (96_000, false)]);
        assert!(msgs.iter().all(|(_, m)| m.channel == 9 || m.channel == 0));
    }

    #[test]
    fn odd_tempo_and_rate_still_land_on_the_first_sample_at_or_after_each_note() {
        let mut p = BackingPlayer::default();
        p.prepare(44_100.0, 512);
        p.swap_pattern(Some(one_bar()), &mut |_| {});
        let bpm = 97.3;
        let bps = bpm / 60.0 / 44_100.0;
        let mut starts = Vec::new();
        for b in 0..1200 {
            let clock = Clock::Running {
                beat: 0.25 + (b * 100) as f64 * bps,
                beats_per_sample: bps,
            };
            p.process(100, clock, 1.0, &mut |m| {
                if m.velocity.is_some() {
                    starts.push(b * 100 + m.offset as usize);
                }
            });
        }
        // Notes at beats 1, 2 (bass too), 3, then 4 (the next pass), ...: from beat 0.25.
        let tps = bps * 480.0;
        let expected: Vec<usize> = [480.0, 960.0, 960.0, 1440.0, 1920.0]
            .iter()
            .map(|tick: &f64| ((tick - 0.25 * 480.0) / tps - 1e-3).ceil() as usize)
            .collect();
        assert_eq!(&starts[..5], &expected[..]);
    }

    #[test]
    fn locating_and_looping_reseek_and_release() {
        let mut p = player();
        // Start in the middle of the bass note (beat 2.5): it is not restarted mid-note, the
        // next kick (beat 3) comes on time.
        let msgs = run(&mut p, 2.5, 120.0, 500, 30);
        assert_eq!(msgs[0].0, 12_000);
        assert_eq!(msgs[0].1.note, 36);
        // Jump back to beat 0 (a host loop): everything held ends at the jump, then beat 0.
        let mut held = 0;
        let msgs = run(&mut p, 0.0, 120.0, 500, 1);
        for (s, m) in &msgs {
            if m.velocity.is_none() {
                held += 1;
                assert_eq!(*s, 0);
            }
        }
        assert!(held <= 2);
        assert!(msgs
            .iter()
            .any(|(s, m)| *s == 0 && m.note == 36 && m.velocity.is_some()));
        // Stopping releases the bass note, then silence follows once tails end.
        run(&mut p, 2.0, 120.0, 500, 1);
        let mut ends = Vec::new();
        p.process(500, Clock::Stopped, 1.0, &mut |m| ends.push(m));
        assert!(ends.iter().any(|m| m.channel == 0 && m.velocity.is_none()));
        for _ in 0..200 {
            p.process(500, Clock::Stopped, 1.0, &mut |_| {});
        }
        let (l, r) = p.process(500, Clock::Stopped, 1.0, &mut |_| {});
        assert!(l.iter().chain(r).all(|x| *x == 0.0));
        assert_eq!(p.active_voices(), 0);
    }

    #[test]
    fn pattern_wraps_and_swaps_without_losing_note_offs() {
        let mut p = player();
        // Four bars at 100 bpm: 16 kicks, 4 bass notes, and every start has its end.
        let msgs = run(&mut p, 0.0, 100.0, 128, 4 * 4 * 60 * 48_000 / 100 / 128);
        let starts = msgs.iter().filter(|(_, m)| m.velocity.is_some()).count();
        let ends = msgs.iter().filter(|(_, m)| m.velocity.is_none()).count();
        assert_eq!(starts, 20);
        assert!(ends >= 19, "{ends}");
        let mut swapped_ends = 0;
        let old = p.swap_pattern(Some(one_bar()), &mut |m| {
            assert!(m.velocity.is_none());
            swapped_ends += 1;
        });
        assert!(
            old.is_some(),
            "the old pattern comes back to be dropped elsewhere"
        );
        assert_eq!(starts, ends + swapped_ends);
    }

    #[test]
    fn output_follows_level_and_garbage_clock_is_silence() {
        let mut p = player();
        let bps = 120.0 / 60.0 / SR as f64;
        let clock = Clock::Running {
            beat: 0.0,
            beats_per_sample: bps,
        };
        let peak = |p: &mut BackingPlayer, level: f32| {
            let mut m = 0.0f32;
            for b in 0..20 {
                let clock = Clock::Running {
                    beat: (b * 512) as f64 * bps,
                    beats_per_sample: bps,
                };
                let (l, _) = p.process(512, clock, level, &mut |_| {});
                m = l.iter().fold(m, |m, x| m.max(x.abs()));
            }
            m
        };
        let loud = peak(&mut p, 1.0);
        assert!(loud > 0.1, "{loud}");
        let mut q = player();
        let quiet = peak(&mut q, 0.1);
        assert!((quiet / loud - 0.1).abs() < 0.02, "{quiet} vs {loud}");
        let mut r = player();
        for bad in [f64::NAN, f64::INFINITY] {
            let clock = Clock::Running {
                beat: bad,
                beats_per_sample: bps,
            };
            let (l, _) = r.process(512, clock, f32::NAN, &mut |_| panic!("no notes"));
            assert!(l.iter().all(|x| *x == 0.0));
        }
        let _ = clock;
    }
}
