//! Voice to MIDI's lookahead in the plugin: while the switch is on, the whole output (voice
//! and backing, audio and the backing's MIDI) waits `voice_midi::LOOKAHEAD_S` longer and the
//! plugin reports that much more latency, so the voice's note-ons, dated back to their onsets,
//! land on the onset's sample once the host compensates. Off, the latency is the chain's own
//! and nothing waits: a live singer does not pay for a feature they do not use.
//!
//! The switch decides the latency, not bypass (a host compensates a bypassed plugin by the
//! same latency). Toggling it while playing is a latency change: the plugin tells the host
//! (`ProcessContext::set_latency_samples`: CLAP asks the host for a restart, VST3 calls
//! `restartComponent(kLatencyChanged)`), and the audio crossfades over 10 ms from the old read
//! position to the new one: switching on repeats the last 100 ms, switching off skips 100 ms,
//! until the host has re-aligned the track.

use nice_plug::prelude::NoteEvent;

use super::midi_schedule::{MidiSchedule, PendingNote};
use super::voice_midi::lookahead_samples;
use crate::dsp::backing_player::NoteMessage;
use crate::dsp::lookahead_delay::LookaheadDelay;

/// The output delay and the backing notes that wait with it.
#[derive(Default)]
pub struct Lookahead {
    delay: LookaheadDelay,
    /// The backing's notes waiting as long as its audio.
    backing_notes: MidiSchedule,
    /// Note-offs owed from a reset, sent at the next block's start.
    owed: MidiSchedule,
    chain_latency: u32,
    /// The lookahead in samples at the prepared rate.
    lookahead: usize,
    /// Output samples before this block (never reset: waiting notes keep their place).
    block_start: u64,
}

impl Lookahead {
    /// Allocates for the lookahead at `sample_rate` and starts with it on or off (no fade:
    /// nothing plays yet). Returns the latency to report. Call from `activate`.
    pub fn prepare(
        &mut self,
        sample_rate: f32,
        max_block: usize,
        chain_latency: u32,
        on: bool,
    ) -> u32 {
        self.lookahead = lookahead_samples(sample_rate);
        self.chain_latency = chain_latency;
        self.delay.prepare(sample_rate, max_block, self.lookahead);
        self.delay.snap_delay(if on { self.lookahead } else { 0 });
        self.latency()
    }

    /// The latency to report now, in samples.
    pub fn latency(&self) -> u32 {
        self.chain_latency + self.delay.delay() as u32
    }

    /// The chain's own latency (what the backing clock compensates: the backing is mixed
    /// before the delay).
    pub fn chain_latency(&self) -> u32 {
        self.chain_latency
    }

    /// The host reset the plugin: the delayed audio is forgotten, a backing note-on still
    /// waiting is dropped and a waiting note-off is owed to the next block.
    pub fn clear(&mut self) {
        self.delay.clear();
        let owed = &mut self.owed;
        self.backing_notes.cancel(|note| {
            let _ = owed.push(0, note);
        });
    }

    /// Starts a block: sends owed note-offs and follows the switch. Returns the new latency
    /// when it changed (the caller tells the host); the backing notes that were waiting for
    /// the old delay go out now, except a note wholly inside the wait.
    pub fn begin_block(&mut self, on: bool, send: &mut impl FnMut(NoteEvent<()>)) -> Option<u32> {
        self.owed.pop_due(u64::MAX, |_, note| send(note.event(0)));
        let target = if on { self.lookahead } else { 0 };
        if target == self.delay.delay() {
            return None;
        }
        self.delay.set_delay(target);
        self.backing_notes.release_all(|note| send(note.event(0)));
        Some(self.latency())
    }

    /// A backing note rendered in this block: sent now without the lookahead, else held as
    /// long as the audio.
    pub fn backing_note(&mut self, message: NoteMessage, send: &mut impl FnMut(NoteEvent<()>)) {
        let note = PendingNote {
            channel: message.channel,
            note: message.note,
            velocity: message.velocity,
        };
        let delay = self.delay.delay() as u64;
        if delay == 0 {
            send(note.event(message.offset));
            return;
        }
        let sample = self.block_start + u64::from(message.offset) + delay;
        if let Some(note) = self.backing_notes.push(sample, note) {
            // No room to wait: better early than lost.
            send(note.event(message.offset));
        }
    }

    /// Ends a block of `frames` samples: sends the backing notes due in it and delays the
    /// audio in place.
    pub fn end_block(
        &mut self,
        channels: &mut [&mut [f32]],
        frames: usize,
        send: &mut impl FnMut(NoteEvent<()>),
    ) {
        let start = self.block_start;
        let end = start + frames as u64;
        self.backing_notes.pop_due(end, |sample, note| {
            send(note.event(sample.saturating_sub(start) as u32));
        });
        self.block_start = end;
        self.delay.process(channels, frames);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(offset: u32, note: u8, on: bool) -> NoteMessage {
        NoteMessage {
            offset,
            channel: 1,
            note,
            velocity: on.then_some(0.8),
        }
    }

    /// (absolute sample, note, on) of what `send` got in a block starting at `start`.
    fn recorder(out: &mut Vec<(u64, u8, bool)>, start: u64) -> impl FnMut(NoteEvent<()>) + '_ {
        move |event| match event {
            NoteEvent::NoteOn { timing, key, .. } => {
                out.push((start + u64::from(timing), key.number().unwrap_or(0), true))
            }
            NoteEvent::NoteOff { timing, key, .. } => {
                out.push((start + u64::from(timing), key.number().unwrap_or(0), false))
            }
            _ => {}
        }
    }

    #[test]
    fn off_nothing_waits_and_on_the_backing_waits_as_long_as_the_audio() {
        let mut look = Lookahead::default();
        assert_eq!(look.prepare(48_000.0, 512, 480, false), 480);
        let mut out = Vec::new();
        let mut audio = vec![1.0f32; 512];
        look.backing_note(message(10, 60, true), &mut recorder(&mut out, 0));
        look.end_block(&mut [&mut audio[..]], 512, &mut recorder(&mut out, 0));
        assert_eq!(out, vec![(10, 60, true)]);
        assert!(audio.iter().all(|&x| x == 1.0), "no delay while off");

        let mut look = Lookahead::default();
        assert_eq!(look.prepare(48_000.0, 512, 480, true), 480 + 4800);
        let mut out = Vec::new();
        let mut start = 0u64;
        for block in 0..20u64 {
            let mut send = recorder(&mut out, start);
            if block == 0 {
                look.backing_note(message(10, 60, true), &mut send);
            }
            let mut audio = vec![0.0f32; 512];
            look.end_block(&mut [&mut audio[..]], 512, &mut send);
            start += 512;
        }
        assert_eq!(out, vec![(10 + 4800, 60, true)]);
    }

    #[test]
    fn switching_changes_the_latency_and_releases_waiting_backing_notes() {
        let mut look = Lookahead::default();
        look.prepare(48_000.0, 512, 480, true);
        let mut out = Vec::new();
        let mut send = recorder(&mut out, 0);
        assert_eq!(look.begin_block(true, &mut send), None);
        // 60 starts and ends inside the wait (dropped), 62 starts and goes on (sent).
        look.backing_note(message(0, 60, true), &mut send);
        look.backing_note(message(100, 60, false), &mut send);
        look.backing_note(message(200, 62, true), &mut send);
        look.end_block(&mut [], 512, &mut send);
        let off = look.begin_block(false, &mut send);
        let on_again = look.begin_block(true, &mut send);
        drop(send);
        assert_eq!((off, on_again), (Some(480), Some(5280)));
        assert_eq!(out, vec![(0, 62, true)]);
    }

    #[test]
    fn a_reset_owes_waiting_note_offs_and_drops_waiting_note_ons() {
        let mut look = Lookahead::default();
        look.prepare(48_000.0, 512, 480, true);
        let mut out = Vec::new();
        let mut send = recorder(&mut out, 0);
        look.begin_block(true, &mut send);
        look.backing_note(message(0, 60, false), &mut send);
        look.backing_note(message(10, 64, true), &mut send);
        look.end_block(&mut [], 512, &mut send);
        look.clear();
        look.begin_block(true, &mut send);
        drop(send);
        assert_eq!(out, vec![(0, 60, false)]);
    }
}
