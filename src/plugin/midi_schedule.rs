//! Outgoing MIDI events held until their output sample: Voice to MIDI decides a note 35-80 ms
//! after it began and sends it with a lookahead, and while that lookahead delays the audio the
//! backing's notes must wait as long as its sound. A fixed array kept in sample order, so
//! scheduling and sending never allocate.

use nice_plug::midi::{Channel, Key, VoiceID};
use nice_plug::prelude::NoteEvent;

/// A note-on or note-off waiting to be sent.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PendingNote {
    /// MIDI channel, 0..=15.
    pub channel: u8,
    /// MIDI note number.
    pub note: u8,
    /// Velocity 0..1 of a note-on; `None` for a note-off.
    pub velocity: Option<f32>,
}

impl PendingNote {
    /// The event to send at `timing` (samples into the block).
    pub fn event(self, timing: u32) -> NoteEvent<()> {
        let (voice_id, channel, key) = (
            VoiceID::Wildcard,
            Channel::Number(self.channel),
            Key::Number(self.note),
        );
        match self.velocity {
            Some(velocity) => NoteEvent::NoteOn {
                timing,
                voice_id,
                channel,
                key,
                velocity,
            },
            None => NoteEvent::NoteOff {
                timing,
                voice_id,
                channel,
                key,
                velocity: 0.0,
            },
        }
    }

    /// Whether `self` is a note-on and `off` the note-off of the same note.
    fn ended_by(self, off: PendingNote) -> bool {
        self.velocity.is_some()
            && off.velocity.is_none()
            && (self.channel, self.note) == (off.channel, off.note)
    }
}

/// Events that can wait at once: the voice sends at most a note-on and a note-off per note,
/// the backing a few notes per beat, and nothing waits longer than the lookahead (100 ms).
pub const CAPACITY: usize = 256;

/// Events waiting for their output sample (counted since the plugin's last reset).
pub struct MidiSchedule {
    /// (sample, event), in sample order (ties in arrival order) from `head` on.
    events: [(u64, PendingNote); CAPACITY],
    head: usize,
    len: usize,
}

impl Default for MidiSchedule {
    fn default() -> Self {
        let placeholder = PendingNote {
            channel: 0,
            note: 0,
            velocity: None,
        };
        Self {
            events: [(0, placeholder); CAPACITY],
            head: 0,
            len: 0,
        }
    }
}

impl MidiSchedule {
    fn slot(&self, index: usize) -> usize {
        (self.head + index) % CAPACITY
    }

    /// Holds `event` until output sample `sample`; a full schedule hands it back (to be sent
    /// at once rather than lost).
    pub fn push(&mut self, sample: u64, event: PendingNote) -> Option<PendingNote> {
        if self.len == CAPACITY {
            return Some(event);
        }
        // Events come nearly in order: insert from the back, after any equal sample.
        let mut index = self.len;
        while index > 0 && self.events[self.slot(index - 1)].0 > sample {
            self.events[self.slot(index)] = self.events[self.slot(index - 1)];
            index -= 1;
        }
        self.events[self.slot(index)] = (sample, event);
        self.len += 1;
        None
    }

    /// Hands every event due before output sample `end` to `send` with its sample, in order.
    pub fn pop_due(&mut self, end: u64, mut send: impl FnMut(u64, PendingNote)) {
        while self.len > 0 {
            let (sample, event) = self.events[self.head];
            if sample >= end {
                break;
            }
            self.head = (self.head + 1) % CAPACITY;
            self.len -= 1;
            send(sample, event);
        }
    }

    /// Hands everything waiting to `send` now, in order, except a note that would start and
    /// end inside the schedule (its on and off both wait: it is dropped, never a blip).
    /// Used when the wait itself goes away (the lookahead switched off).
    pub fn release_all(&mut self, mut send: impl FnMut(PendingNote)) {
        let at = |index: usize| self.events[self.slot(index)].1;
        for index in 0..self.len {
            let event = at(index);
            let paired = (index + 1..self.len).any(|later| event.ended_by(at(later)))
                || (0..index).any(|earlier| at(earlier).ended_by(event));
            if !paired {
                send(event);
            }
        }
        self.clear();
    }

    /// Cancels everything waiting (a reset: the sound these notes belonged to is gone): drops
    /// the note-ons and the note-offs that end them, and hands `send` the note-offs of notes
    /// already started, so no note hangs.
    pub fn cancel(&mut self, mut send: impl FnMut(PendingNote)) {
        let at = |index: usize| self.events[self.slot(index)].1;
        for index in 0..self.len {
            let event = at(index);
            let started_here = (0..index).any(|earlier| at(earlier).ended_by(event));
            if event.velocity.is_none() && !started_here {
                send(event);
            }
        }
        self.clear();
    }

    /// Drops everything waiting.
    pub fn clear(&mut self) {
        self.head = 0;
        self.len = 0;
    }

    /// Events waiting.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether nothing waits.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn on(note: u8) -> PendingNote {
        PendingNote {
            channel: 0,
            note,
            velocity: Some(1.0),
        }
    }

    fn off(note: u8) -> PendingNote {
        PendingNote {
            channel: 0,
            note,
            velocity: None,
        }
    }

    fn key_of(event: PendingNote) -> (bool, u8) {
        (event.velocity.is_some(), event.note)
    }

    #[test]
    fn a_pending_note_becomes_its_event() {
        let event = on(64).event(17);
        assert!(matches!(
            event,
            NoteEvent::NoteOn {
                timing: 17,
                key: Key::Number(64),
                channel: Channel::Number(0),
                ..
            }
        ));
        assert!(matches!(
            off(64).event(3),
            NoteEvent::NoteOff { timing: 3, .. }
        ));
    }

    #[test]
    fn events_leave_in_sample_order_when_due() {
        let mut schedule = MidiSchedule::default();
        for (sample, event) in [(500, on(1)), (300, on(2)), (500, off(3)), (900, on(4))] {
            assert!(schedule.push(sample, event).is_none());
        }
        let mut sent = Vec::new();
        schedule.pop_due(500, |s, e| sent.push((s, key_of(e))));
        assert_eq!(sent, vec![(300, (true, 2))]);
        sent.clear();
        schedule.pop_due(1000, |s, e| sent.push((s, key_of(e))));
        // Equal samples keep their arrival order.
        assert_eq!(
            sent,
            vec![(500, (true, 1)), (500, (false, 3)), (900, (true, 4))]
        );
        assert!(schedule.is_empty());
    }

    #[test]
    fn the_ring_wraps_and_a_full_schedule_hands_the_event_back() {
        let mut schedule = MidiSchedule::default();
        let mut count = 0;
        for round in 0..5u64 {
            for i in 0..CAPACITY as u64 - 1 {
                assert!(schedule.push(round * 1000 + i, on(1)).is_none());
            }
            schedule.pop_due(round * 1000 + 1000, |_, _| count += 1);
        }
        assert_eq!(count, 5 * (CAPACITY - 1));
        for i in 0..CAPACITY as u64 {
            assert!(schedule.push(i, on(1)).is_none());
        }
        assert_eq!(schedule.len(), CAPACITY);
        assert!(schedule.push(0, on(2)).is_some());
    }

    #[test]
    fn releasing_all_sends_open_notes_and_drops_notes_wholly_inside() {
        let mut schedule = MidiSchedule::default();
        // 1 started before (its off waits), 2 starts and ends inside, 3 starts and goes on.
        for (sample, event) in [(10, off(1)), (20, on(2)), (30, off(2)), (40, on(3))] {
            assert!(schedule.push(sample, event).is_none());
        }
        let mut sent = Vec::new();
        schedule.release_all(|e| sent.push(key_of(e)));
        assert_eq!(sent, vec![(false, 1), (true, 3)]);
        assert!(schedule.is_empty());
    }

    #[test]
    fn cancelling_keeps_only_the_note_offs_of_started_notes() {
        let mut schedule = MidiSchedule::default();
        for (sample, event) in [(10, off(1)), (20, on(2)), (30, off(2)), (40, on(3))] {
            assert!(schedule.push(sample, event).is_none());
        }
        let mut sent = Vec::new();
        schedule.cancel(|e| sent.push(key_of(e)));
        assert_eq!(sent, vec![(false, 1)]);
        assert!(schedule.is_empty());
    }
}
