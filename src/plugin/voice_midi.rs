//! Voice to MIDI in the plugin: the live note tracker fed with the chain's analysis frames,
//! its notes held in a schedule until their output sample and then sent on the chosen channel,
//! and the rule that no note is ever left hanging: the sounding note ends (at the block's first
//! sample) when the switch goes off, the plugin is bypassed, the channel changes, the host's
//! transport stops or the host resets the plugin, and a note-on still waiting then is dropped.
//!
//! The tracker decides a note 35-80 ms after it began (it must hear the pitch hold) and dates
//! it back to its onset; with the switch on, the plugin reports `LOOKAHEAD_S` more latency and
//! delays its audio as much (`plugin::lookahead`), so each note-on goes out on its onset's
//! sample plus the reported latency.

use nice_plug::prelude::NoteEvent;

use super::midi_schedule::{MidiSchedule, PendingNote};
use crate::dsp::live_notes::{LiveNoteTracker, NoteChange};
use crate::dsp::AnalysisFrame;
use crate::music::listen::notes::NoteNames;
use crate::music::theory::{Key, Note, PitchClass, ScaleKind};

/// How far ahead Voice to MIDI looks (the latency it adds while on): the tracker's latest
/// decision measured after a note's onset is 80 ms (a legato step where the detector first
/// hears the octave above for 30 ms, and an attack with the same octave error), a vibrato
/// note started on the vibrato's slope takes 50-70 ms; 100 ms covers them with 20 ms to spare
/// (another four frames of octave doubt). A note decided later still goes out, late by the
/// excess.
pub const LOOKAHEAD_S: f64 = 0.1;

/// `LOOKAHEAD_S` in samples at `sample_rate`.
pub fn lookahead_samples(sample_rate: f32) -> usize {
    let rate = if sample_rate.is_finite() && sample_rate > 0.0 {
        f64::from(sample_rate)
    } else {
        48_000.0
    };
    (LOOKAHEAD_S * rate).round() as usize
}

/// What the block's parameters and transport say.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BlockInputs {
    /// The switch is on and the plugin is not bypassed.
    pub enabled: bool,
    /// MIDI channel, 0..=15.
    pub channel: u8,
    /// The host's transport plays.
    pub playing: bool,
    /// The tuning's key and scale when tuning is on (notes are named as it hears them).
    pub tuning: Option<(PitchClass, ScaleKind)>,
    /// The tuning's custom note set (bit n = n semitones above C; 0: the key's scale), which
    /// names the notes instead of the scale while tuning is on.
    pub note_mask: u16,
}

/// Voice to MIDI's state across blocks.
#[derive(Default)]
pub struct VoiceMidi {
    tracker: LiveNoteTracker,
    /// The channel notes go out on.
    channel: u8,
    enabled: bool,
    playing: bool,
    /// (note, channel) whose note-on went out and whose note-off has not.
    sent: Option<(u8, u8)>,
    /// A note-off owed from a reset (which cannot send), sent at the next block's start.
    owed: Option<(u8, u8)>,
    /// Decided notes waiting for their output sample.
    schedule: MidiSchedule,
    /// Output samples before this block since the chain's last clear.
    block_start: u64,
    frames: usize,
}

impl VoiceMidi {
    /// Prepares for `sample_rate` and the plugin's `latency` (samples: the chain's plus the
    /// lookahead when on). Call from `activate`.
    pub fn prepare(&mut self, sample_rate: f32, max_block: usize, latency: usize) {
        self.settle_owed();
        self.tracker.prepare(sample_rate, max_block);
        self.tracker.set_latency(latency);
        self.block_start = 0;
    }

    /// The plugin's latency changed (the switch toggled the lookahead): notes are placed where
    /// they sound with it. A toggle also ends or restarts the tracking (`begin_block`).
    pub fn set_latency(&mut self, latency: usize) {
        self.tracker.set_latency(latency);
    }

    /// The host reset the plugin (and the chain's clock with it): the sent note is owed a
    /// note-off at the next block, waiting notes are dropped and everything heard is forgotten.
    pub fn clear(&mut self) {
        self.settle_owed();
        self.tracker.clear();
        self.block_start = 0;
    }

    /// Keeps the sent note's note-off for the next block; nothing waiting goes out.
    fn settle_owed(&mut self) {
        self.schedule.clear();
        self.tracker.release();
        if let Some(sent) = self.sent.take() {
            self.owed = Some(sent);
        }
    }

    /// Starts a block of `frames` samples: sends the note-offs that switch, bypass, channel
    /// or transport changes call for (at the block's first sample) through `send`.
    pub fn begin_block(
        &mut self,
        inputs: BlockInputs,
        frames: usize,
        send: &mut impl FnMut(NoteEvent<()>),
    ) {
        self.frames = frames;
        if let Some((note, channel)) = self.owed.take() {
            send(note_off(channel, note).event(0));
        }
        let stopped = self.playing && !inputs.playing;
        let moved = inputs.channel != self.channel;
        if !inputs.enabled || !self.enabled || stopped || moved {
            // Nothing decided before goes out (frames heard while off must not confirm a note
            // now either); the note already sent ends here.
            self.schedule.clear();
            self.tracker.release();
            if let Some((note, channel)) = self.sent.take() {
                send(note_off(channel, note).event(0));
            }
        }
        self.enabled = inputs.enabled;
        self.playing = inputs.playing;
        self.channel = inputs.channel;
        self.tracker.set_names(naming(inputs));
    }

    /// One analysis frame of this block: the notes it decides wait for their sample.
    pub fn frame(&mut self, frame: &AnalysisFrame, send: &mut impl FnMut(NoteEvent<()>)) {
        if !self.enabled {
            return;
        }
        let (schedule, sent, channel) = (&mut self.schedule, &mut self.sent, self.channel);
        self.tracker.push(frame, &mut |change: NoteChange| {
            let pending = PendingNote {
                channel,
                note: change.note,
                velocity: change.velocity,
            };
            if let Some(pending) = schedule.push(change.sample, pending) {
                // No room to wait (never with one voice): better late than lost.
                deliver(sent, pending, 0, send);
            }
        });
    }

    /// Ends the block: sends the notes due in it at their offsets (a note decided after its
    /// sample had passed goes out at the block's start, late).
    pub fn end_block(&mut self, send: &mut impl FnMut(NoteEvent<()>)) {
        let (block_start, sent) = (self.block_start, &mut self.sent);
        let end = block_start + self.frames as u64;
        self.schedule.pop_due(end, |sample, pending| {
            let timing = sample.saturating_sub(block_start) as u32;
            deliver(sent, pending, timing, send);
        });
        self.block_start = end;
    }

    /// The note sounding on the MIDI output now, if any.
    pub fn sounding(&self) -> Option<u8> {
        self.sent.map(|(note, _)| note)
    }
}

/// Sends `pending` at `timing` and keeps track of the note sounding on the output.
fn deliver(
    sent: &mut Option<(u8, u8)>,
    pending: PendingNote,
    timing: u32,
    send: &mut impl FnMut(NoteEvent<()>),
) {
    match pending.velocity {
        Some(_) => *sent = Some((pending.note, pending.channel)),
        None if *sent == Some((pending.note, pending.channel)) => *sent = None,
        None => {}
    }
    send(pending.event(timing));
}

/// Which notes the block's sung pitches are called: as tuning hears them when it is on (its
/// custom note set when one is active, else its key's scale), else any semitone.
fn naming(inputs: BlockInputs) -> NoteNames {
    match inputs.tuning {
        // The spelling does not matter for naming pitches (and this one never allocates).
        Some((tonic, scale)) => NoteNames::for_tuning(
            Some(Key::new(Note::default_spelling(tonic), scale)),
            inputs.note_mask,
        ),
        None => NoteNames::Chromatic,
    }
}

fn note_off(channel: u8, note: u8) -> PendingNote {
    PendingNote {
        channel,
        note,
        velocity: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dsp::live_onsets::LEVEL_LAG_S;
    use crate::dsp::pitch_detector::Voicing;

    const SR: f32 = 48_000.0;
    const HOP: usize = 240;
    const CHAIN: usize = 480;

    /// A frame of A3 (note 57) when `voiced`, else silence.
    fn frame(index: usize, voiced: bool) -> AnalysisFrame {
        AnalysisFrame {
            time_seconds: (index * HOP) as f64 / f64::from(SR),
            detected_hz: if voiced { 220.0 } else { 0.0 },
            output_hz: 0.0,
            voicing: if voiced {
                Voicing::Voiced
            } else {
                Voicing::Silence
            },
            level_db: if voiced { -12.0 } else { -120.0 },
        }
    }

    #[test]
    fn a_custom_note_set_names_the_notes_while_tuning_is_on() {
        let c_major = Some((PitchClass::C, ScaleKind::Major));
        let with = |tuning, note_mask| BlockInputs {
            tuning,
            note_mask,
            ..inputs(true, 0, true)
        };
        // 66.4 (F# a bit sharp): C major calls it G; a set of only C, D and F calls it F;
        // without tuning it is F#, whatever the set.
        let only_c_d_f = 1 << 0 | 1 << 2 | 1 << 5;
        let name = |inputs| crate::music::listen::notes::nearest_midi(66.4, naming(inputs));
        assert_eq!(name(with(c_major, 0)), 67);
        assert_eq!(name(with(c_major, only_c_d_f)), 65);
        assert_eq!(name(with(None, only_c_d_f)), 66);
    }

    fn inputs(enabled: bool, channel: u8, playing: bool) -> BlockInputs {
        BlockInputs {
            enabled,
            channel,
            playing,
            tuning: None,
            note_mask: 0,
        }
    }

    /// Runs `samples` samples in blocks of `block` (the last may be shorter): frame k (voiced
    /// when `voiced(k)`) arrives in the block holding its hop's last sample, as the chain
    /// drains them; `inputs_at(sample)` gives each block's inputs. Returns (absolute sample,
    /// on, channel) of every event.
    fn sing(
        voice: &mut VoiceMidi,
        samples: usize,
        block: usize,
        voiced: impl Fn(usize) -> bool,
        inputs_at: impl Fn(usize) -> BlockInputs,
    ) -> Vec<(u64, bool, u8)> {
        let mut events = Vec::new();
        let mut next_frame = 0;
        let mut start = 0;
        while start < samples {
            let frames = block.min(samples - start);
            let mut send = |e: NoteEvent<()>| match e {
                NoteEvent::NoteOn {
                    timing, channel, ..
                } => events.push((
                    (start + timing as usize) as u64,
                    true,
                    channel.number().unwrap_or(99),
                )),
                NoteEvent::NoteOff {
                    timing, channel, ..
                } => events.push((
                    (start + timing as usize) as u64,
                    false,
                    channel.number().unwrap_or(99),
                )),
                _ => {}
            };
            voice.begin_block(inputs_at(start), frames, &mut send);
            while (next_frame + 1) * HOP <= start + frames {
                voice.frame(&frame(next_frame, voiced(next_frame)), &mut send);
                next_frame += 1;
            }
            voice.end_block(&mut send);
            start += frames;
        }
        events
    }

    fn prepared(latency: usize) -> VoiceMidi {
        let mut voice = VoiceMidi::default();
        voice.prepare(SR, 4096, latency);
        voice
    }

    #[test]
    fn switching_off_bypass_channel_and_stop_each_end_the_note() {
        let mut voice = prepared(CHAIN);
        // On for 20 hops, then the channel moves to 3 at hop 20, then off at hop 40.
        let events = sing(
            &mut voice,
            50 * HOP,
            HOP,
            |_| true,
            |s| inputs(s < 40 * HOP, if s < 20 * HOP { 0 } else { 2 }, false),
        );
        let kinds: Vec<(bool, u8)> = events.iter().map(|e| (e.1, e.2)).collect();
        assert_eq!(
            kinds,
            vec![(true, 0), (false, 0), (true, 2), (false, 2)],
            "{events:?}"
        );
        assert_eq!(events[1].0, 20 * HOP as u64);
        assert_eq!(events[3].0, 40 * HOP as u64);
        // Transport stop while a note sounds.
        let mut voice = prepared(CHAIN);
        let events = sing(
            &mut voice,
            30 * HOP,
            HOP,
            |_| true,
            |s| inputs(true, 5, s < 15 * HOP),
        );
        assert_eq!(events.iter().filter(|e| !e.1).count(), 1, "{events:?}");
        assert!(events.iter().any(|e| !e.1 && e.0 == 15 * HOP as u64));
        // A second note may start after the stop (the singer still sings).
        assert_eq!(voice.sounding(), Some(57));
    }

    #[test]
    fn a_reset_owes_the_note_off_to_the_next_block() {
        let mut voice = prepared(CHAIN);
        let events = sing(
            &mut voice,
            20 * HOP,
            HOP,
            |_| true,
            |_| inputs(true, 0, false),
        );
        assert_eq!(events.len(), 1);
        voice.clear();
        assert_eq!(voice.sounding(), None);
        let mut after = Vec::new();
        voice.begin_block(inputs(true, 0, false), 64, &mut |e| after.push(e));
        assert!(
            matches!(after[..], [NoteEvent::NoteOff { timing: 0, .. }]),
            "{after:?}"
        );
    }

    /// With the lookahead, silence then A3 from hop 20 to hop 60.
    fn phrase(voice: &mut VoiceMidi, block: usize, off_at: usize) -> Vec<(u64, bool, u8)> {
        sing(
            voice,
            120 * HOP,
            block,
            |k| (20..60).contains(&k),
            |s| inputs(s < off_at, 0, false),
        )
    }

    #[test]
    fn notes_wait_for_their_sample_at_any_block_size() {
        let latency = CHAIN + lookahead_samples(SR);
        let reference = phrase(&mut prepared(latency), HOP, usize::MAX);
        assert_eq!(reference.len(), 2, "{reference:?}");
        // The note-on lies at its onset (hop 20, less the level estimate's lag correction,
        // within a hop) plus the latency, long after the block that decided it (hop 27).
        let onset = reference[0].0 as f64 - latency as f64;
        let expected = (20 * HOP) as f64 - LEVEL_LAG_S * f64::from(SR);
        assert!((onset - expected).abs() <= HOP as f64, "{reference:?}");
        // The note-off where the voice stopped (hop 60) plus the latency.
        assert_eq!(reference[1].0, (60 * HOP + latency) as u64);
        for block in [1, 7, 100, 4096] {
            let events = phrase(&mut prepared(latency), block, usize::MAX);
            assert_eq!(events, reference, "block {block}");
        }
    }

    /// How long after each event's sample (less the latency) the tracker decided it, over a
    /// take through the real chain; the lookahead must cover every one.
    fn decision_lags(samples: &[f32], sample_rate: f32) -> Vec<f64> {
        let mut chain = crate::dsp::VoiceChain::default();
        chain.set_settings(&crate::dsp::VoiceSettings::default());
        chain.prepare(sample_rate, 512);
        let mut tracker = LiveNoteTracker::default();
        tracker.prepare(sample_rate, 512);
        let mut buffer = samples.to_vec();
        let mut lags = Vec::new();
        for block in buffer.chunks_mut(512) {
            chain.process(&mut [block]);
            chain.drain_analysis(|frame| {
                let decided = frame.time_seconds;
                tracker.push(&frame, &mut |change| {
                    lags.push(decided - change.sample as f64 / f64::from(sample_rate));
                });
            });
        }
        lags
    }

    #[test]
    fn every_decision_comes_within_the_lookahead() {
        use crate::dsp::synthetic_singer::{sing, GapKind, Segment, SingerConfig};
        let note = |midi: f32, seconds: f32, vibrato_cents: f32, vibrato_hz: f32| Segment::Note {
            midi,
            seconds,
            vibrato_cents,
            vibrato_hz,
        };
        let gap = |seconds: f32, kind: GapKind| Segment::Gap { seconds, kind };
        // Attacks, a glide, legato steps up and down (one where the detector doubts the
        // octave), slow and fast vibrato, a fricative and a breath, a high and a low note.
        let segments = [
            gap(0.3, GapKind::Silence),
            note(57.0, 0.5, 0.0, 5.5),
            gap(0.12, GapKind::Breath),
            note(60.0, 0.5, 40.0, 5.5),
            Segment::Glide {
                from: 60.0,
                to: 64.0,
                seconds: 0.12,
            },
            note(64.0, 0.5, 0.0, 5.5),
            note(67.0, 0.5, 30.0, 5.5),
            note(65.0, 0.4, 50.0, 4.5),
            gap(0.1, GapKind::Fricative),
            note(62.0, 0.6, 50.0, 7.0),
            gap(0.3, GapKind::Silence),
            note(74.0, 0.4, 0.0, 5.5),
            gap(0.2, GapKind::Silence),
            note(45.0, 0.5, 20.0, 5.0),
            gap(0.4, GapKind::Silence),
        ];
        let mut worst = 0.0f64;
        for sample_rate in [44_100.0, 48_000.0] {
            let take = sing(
                &segments,
                &SingerConfig {
                    sample_rate,
                    ..SingerConfig::default()
                },
            );
            let lags = decision_lags(&take.samples, sample_rate);
            assert!(lags.len() >= 16, "{lags:?}");
            let max = lags.iter().copied().fold(0.0, f64::max);
            println!(
                "{sample_rate} Hz: decisions {:.0}..{:.0} ms after their events",
                lags.iter().copied().fold(f64::INFINITY, f64::min) * 1000.0,
                max * 1000.0
            );
            worst = worst.max(max);
        }
        assert!(worst < LOOKAHEAD_S, "latest decision {worst} s");
    }

    #[test]
    fn a_switch_off_drops_a_waiting_note_on_and_keeps_an_owed_note_off() {
        let latency = CHAIN + lookahead_samples(SR);
        // Off after the note was decided (hop 27) but before its note-on's sample (~hop 40):
        // nothing at all goes out.
        let events = phrase(&mut prepared(latency), HOP, 32 * HOP);
        assert!(events.is_empty(), "{events:?}");
        // Off after the note-on went out and the voice stopped (hop 60), while its note-off
        // waits (until ~hop 82): the note-off comes at once, and only once.
        let events = phrase(&mut prepared(latency), HOP, 70 * HOP);
        let kinds: Vec<bool> = events.iter().map(|e| e.1).collect();
        assert_eq!(kinds, vec![true, false], "{events:?}");
        assert_eq!(events[1].0, 70 * HOP as u64);
    }
}
