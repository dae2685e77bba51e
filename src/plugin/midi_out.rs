//! The block's outgoing notes, gathered from their sources (the backing, Voice to MIDI) and
//! sent in timing order: hosts expect a process call's output events sorted by time, and each
//! source only knows its own order. A fixed array, so gathering never allocates.

use nice_plug::midi::{Channel, Key, VoiceID};
use nice_plug::prelude::NoteEvent;

/// Events one block can gather; more are sent at once, unsorted against the rest (a block
/// with this many notes is not music: the backing sends a few per beat, the voice one or two).
pub const CAPACITY: usize = 512;

/// Outgoing note events of one block.
pub struct MidiOut {
    /// (timing, order of arrival, event): sorting on the first two keeps ties in arrival
    /// order (a note-off before the note-on that replaces it) without a stable sort's buffer.
    events: [(u32, u16, NoteEvent<()>); CAPACITY],
    len: usize,
}

impl Default for MidiOut {
    fn default() -> Self {
        let placeholder = NoteEvent::NoteOff {
            timing: 0,
            voice_id: VoiceID::Wildcard,
            channel: Channel::Number(0),
            key: Key::Number(0),
            velocity: 0.0,
        };
        Self {
            events: [(0, 0, placeholder); CAPACITY],
            len: 0,
        }
    }
}

impl MidiOut {
    /// Keeps `event` for the sorted send; a full buffer hands it back to be sent at once.
    pub fn push(&mut self, event: NoteEvent<()>) -> Option<NoteEvent<()>> {
        if self.len == CAPACITY {
            return Some(event);
        }
        self.events[self.len] = (event.timing(), self.len as u16, event);
        self.len += 1;
        None
    }

    /// Hands every kept event to `send` in timing order (arrival order within a sample) and
    /// empties the buffer.
    pub fn flush(&mut self, mut send: impl FnMut(NoteEvent<()>)) {
        let events = &mut self.events[..self.len];
        events.sort_unstable_by_key(|&(timing, order, _)| (timing, order));
        for &(_, _, event) in events.iter() {
            send(event);
        }
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

    fn on(timing: u32, note: u8) -> NoteEvent<()> {
        NoteEvent::NoteOn {
            timing,
            voice_id: VoiceID::Wildcard,
            channel: Channel::Number(0),
            key: Key::Number(note),
            velocity: 1.0,
        }
    }

    #[test]
    fn events_leave_in_timing_order_ties_in_arrival_order() {
        let mut out = MidiOut::default();
        for (timing, note) in [(30, 1), (5, 2), (30, 3), (0, 4), (5, 5)] {
            assert!(out.push(on(timing, note)).is_none());
        }
        let mut sent = Vec::new();
        out.flush(|e| {
            if let NoteEvent::NoteOn { timing, key, .. } = e {
                sent.push((timing, key.number().unwrap_or(0)));
            }
        });
        assert_eq!(sent, vec![(0, 4), (5, 2), (5, 5), (30, 1), (30, 3)]);
        assert!(out.is_empty());
    }

    #[test]
    fn a_full_buffer_hands_the_event_back() {
        let mut out = MidiOut::default();
        for i in 0..CAPACITY {
            assert!(out.push(on(i as u32, 1)).is_none());
        }
        assert_eq!(out.len(), CAPACITY);
        assert!(out.push(on(0, 2)).is_some());
    }
}
