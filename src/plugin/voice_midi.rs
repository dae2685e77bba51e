//! Voice to MIDI in the plugin: the live note tracker fed with the chain's analysis frames,
//! its notes turned into MIDI events on the chosen channel at their place in the block, and
//! the rule that no note is ever left hanging: the sounding note ends (at the block's first
//! sample) when the switch goes off, the plugin is bypassed, the channel changes, the host's
//! transport stops or the host resets the plugin.

use nice_plug::midi::{Channel, Key as MidiKey, VoiceID};
use nice_plug::prelude::NoteEvent;

use crate::dsp::live_notes::{LiveNoteTracker, NoteChange};
use crate::dsp::AnalysisFrame;
use crate::music::theory::{Key, Note, PitchClass, ScaleKind};

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
}

/// Voice to MIDI's state across blocks.
#[derive(Debug, Clone, Default)]
pub struct VoiceMidi {
    tracker: LiveNoteTracker,
    /// The channel the sounding note went out on.
    channel: u8,
    enabled: bool,
    playing: bool,
    /// A note-off owed from a reset (which cannot send), sent at the next block's start.
    owed: Option<(u8, u8)>,
    /// Output samples before this block since the chain's last clear.
    block_start: u64,
    frames: usize,
}

impl VoiceMidi {
    /// Prepares for `sample_rate` and the chain's `latency` (samples). Call from `activate`.
    pub fn prepare(&mut self, sample_rate: f32, max_block: usize, latency: usize) {
        self.settle_owed();
        self.tracker.prepare(sample_rate, max_block);
        self.tracker.set_latency(latency);
        self.block_start = 0;
    }

    /// The host reset the plugin (and the chain's clock with it): the sounding note is owed a
    /// note-off at the next block, and everything heard is forgotten.
    pub fn clear(&mut self) {
        self.settle_owed();
        self.tracker.clear();
        self.block_start = 0;
    }

    /// Keeps the sounding note's note-off for the next block.
    fn settle_owed(&mut self) {
        if let Some(off) = self.tracker.release() {
            self.owed = Some((off.note, self.channel));
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
            send(note_off(0, channel, note));
        }
        let stopped = self.playing && !inputs.playing;
        let moved = inputs.channel != self.channel;
        if !inputs.enabled || stopped || moved {
            if let Some(off) = self.tracker.release() {
                send(note_off(0, self.channel, off.note));
            }
        }
        if inputs.enabled && !self.enabled {
            // Frames heard while off must not confirm a note now.
            self.tracker.release();
        }
        self.enabled = inputs.enabled;
        self.playing = inputs.playing;
        self.channel = inputs.channel;
        self.tracker.set_key(inputs.tuning.map(|(tonic, scale)| {
            // The spelling does not matter for naming pitches (and this one never allocates).
            Key::new(Note::default_spelling(tonic), scale)
        }));
    }

    /// One analysis frame of this block: its note changes go to `send` at their offsets.
    pub fn frame(&mut self, frame: &AnalysisFrame, send: &mut impl FnMut(NoteEvent<()>)) {
        if !self.enabled {
            return;
        }
        let (block_start, frames, channel) = (self.block_start, self.frames, self.channel);
        self.tracker.push(frame, &mut |change: NoteChange| {
            // A frame's instant sounds within the block that produced it; the clamp only
            // catches the edges (a low voice's frame centred before the block, or the
            // block's very last sample).
            let offset = change
                .sample
                .saturating_sub(block_start)
                .min(frames.saturating_sub(1) as u64) as u32;
            send(match change.velocity {
                Some(velocity) => NoteEvent::NoteOn {
                    timing: offset,
                    voice_id: VoiceID::Wildcard,
                    channel: Channel::Number(channel),
                    key: MidiKey::Number(change.note),
                    velocity,
                },
                None => note_off(offset, channel, change.note),
            });
        });
    }

    /// Ends the block.
    pub fn end_block(&mut self) {
        self.block_start += self.frames as u64;
    }

    /// The note sounding now, if any.
    pub fn sounding(&self) -> Option<u8> {
        self.tracker.sounding()
    }
}

fn note_off(timing: u32, channel: u8, note: u8) -> NoteEvent<()> {
    NoteEvent::NoteOff {
        timing,
        voice_id: VoiceID::Wildcard,
        channel: Channel::Number(channel),
        key: MidiKey::Number(note),
        velocity: 0.0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dsp::pitch_detector::Voicing;

    fn frame(time: f64, voiced: bool) -> AnalysisFrame {
        AnalysisFrame {
            time_seconds: time,
            detected_hz: if voiced { 220.0 } else { 0.0 },
            output_hz: 0.0,
            voicing: if voiced {
                Voicing::Voiced
            } else {
                Voicing::Silence
            },
            level_db: -12.0,
        }
    }

    fn inputs(enabled: bool, channel: u8, playing: bool) -> BlockInputs {
        BlockInputs {
            enabled,
            channel,
            playing,
            tuning: None,
        }
    }

    /// Sings A3 in 240-sample blocks (one 5 ms frame each) under `inputs_at(block)`; returns
    /// (absolute sample, on, channel) of every event.
    fn sing(
        voice: &mut VoiceMidi,
        blocks: usize,
        inputs_at: impl Fn(usize) -> BlockInputs,
    ) -> Vec<(u64, bool, u8)> {
        let mut events = Vec::new();
        for block in 0..blocks {
            let start = block as u64 * 240;
            let mut send = |e: NoteEvent<()>| match e {
                NoteEvent::NoteOn {
                    timing, channel, ..
                } => events.push((
                    start + u64::from(timing),
                    true,
                    channel.number().unwrap_or(99),
                )),
                NoteEvent::NoteOff {
                    timing, channel, ..
                } => events.push((
                    start + u64::from(timing),
                    false,
                    channel.number().unwrap_or(99),
                )),
                _ => {}
            };
            voice.begin_block(inputs_at(block), 240, &mut send);
            voice.frame(&frame(block as f64 * 0.005, true), &mut send);
            voice.end_block();
        }
        events
    }

    #[test]
    fn switching_off_bypass_channel_and_stop_each_end_the_note() {
        let mut voice = VoiceMidi::default();
        voice.prepare(48_000.0, 240, 480);
        // On for 20 blocks, then the channel moves to 3 at block 20, then off at block 40.
        let events = sing(&mut voice, 50, |b| {
            inputs(b < 40, if b < 20 { 0 } else { 2 }, false)
        });
        let kinds: Vec<(bool, u8)> = events.iter().map(|e| (e.1, e.2)).collect();
        assert_eq!(
            kinds,
            vec![(true, 0), (false, 0), (true, 2), (false, 2)],
            "{events:?}"
        );
        assert_eq!(events[1].0, 20 * 240);
        assert_eq!(events[3].0, 40 * 240);
        // Transport stop while a note sounds.
        let mut voice = VoiceMidi::default();
        voice.prepare(48_000.0, 240, 480);
        let events = sing(&mut voice, 30, |b| inputs(true, 5, b < 15));
        assert_eq!(events.iter().filter(|e| !e.1).count(), 1, "{events:?}");
        assert!(events.iter().any(|e| !e.1 && e.0 == 15 * 240));
        // A second note may start after the stop (the singer still sings).
        assert_eq!(voice.sounding(), Some(57));
    }

    #[test]
    fn a_reset_owes_the_note_off_to_the_next_block() {
        let mut voice = VoiceMidi::default();
        voice.prepare(48_000.0, 240, 480);
        let events = sing(&mut voice, 20, |_| inputs(true, 0, false));
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
}
