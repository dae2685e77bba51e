//! How a backing pattern gets from the GUI thread to the audio thread and back: the music
//! brain's `Pattern` becomes a `PlayerPattern` (built and boxed off the audio thread), travels
//! through a single-producer single-consumer ring, and the one it replaces returns through a
//! second ring to be dropped on the GUI thread. Preview (free-run) state and the play position
//! are shared as atomics.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use ringbuf::traits::{Consumer, Producer, Split};
use ringbuf::{HeapCons, HeapProd, HeapRb};

use crate::dsp::backing_player::{PlayerNote, PlayerPattern};
use crate::dsp::backing_voice::VoicePart;
use crate::dsp::harmony::chord_track::{ChordAt, ChordTones, ChordTrack};
use crate::music::backing::{Part, Pattern};

/// Patterns waiting in either direction; the GUI sends at most one per frame.
const QUEUE_PATTERNS: usize = 4;

/// Converts a music-brain pattern for the player (allocates: GUI or worker thread only).
pub fn player_pattern(pattern: &Pattern) -> PlayerPattern {
    let notes = pattern
        .events
        .iter()
        .map(|e| PlayerNote {
            tick: e.tick,
            duration: e.duration.max(1),
            part: match e.part {
                Part::Drums => VoicePart::Drums,
                Part::Bass => VoicePart::Bass,
                Part::Chords => VoicePart::Chords,
            },
            note: e.note,
            velocity: e.velocity.clamp(1, 127),
        })
        .collect();
    let mut player = PlayerPattern::new(
        u32::from(pattern.ppq),
        pattern.length_ticks(),
        pattern.tempo_bpm,
        (pattern.bass_program, pattern.chord_program),
        notes,
    );
    player.chords = ChordTrack::new(
        pattern
            .chords
            .iter()
            .map(|span| ChordAt {
                start: span.start,
                end: span.end,
                tones: ChordTones::new(span.chord, pattern.key),
            })
            .collect(),
    );
    player
}

/// Shared between the GUI and the audio thread: preview on/off and the play position.
#[derive(Debug)]
pub struct BackingShared {
    /// The GUI's Play button: free-run at the pattern's tempo.
    pub preview: AtomicBool,
    /// Restart the preview from bar 1 (set by the GUI, cleared by the audio thread).
    pub restart: AtomicBool,
    /// Position in the pattern as a fraction 0..1 (f64 bits), or NaN while silent.
    position: AtomicU64,
    /// The chord held on the MIDI input (shown while Follow Chords is on).
    pub held_chord: super::midi_chords::HeldChordShare,
}

impl BackingShared {
    /// Stores the play position (audio thread).
    pub fn set_position(&self, fraction: f64) {
        self.position.store(fraction.to_bits(), Ordering::Relaxed);
    }

    /// The play position 0..1, if playing.
    pub fn position(&self) -> Option<f64> {
        let v = f64::from_bits(self.position.load(Ordering::Relaxed));
        v.is_finite().then_some(v)
    }
}

impl Default for BackingShared {
    fn default() -> Self {
        Self {
            preview: AtomicBool::new(false),
            restart: AtomicBool::new(false),
            position: AtomicU64::new(f64::NAN.to_bits()),
            held_chord: super::midi_chords::HeldChordShare::default(),
        }
    }
}

/// The GUI's end: sends new patterns, takes back the replaced ones to drop them here.
pub struct PatternSender {
    to_audio: HeapProd<Box<PlayerPattern>>,
    returned: HeapCons<Box<PlayerPattern>>,
}

/// The audio thread's end.
pub struct PatternReceiver {
    from_gui: HeapCons<Box<PlayerPattern>>,
    to_gui: HeapProd<Box<PlayerPattern>>,
}

/// A connected sender/receiver pair.
pub fn pattern_queues() -> (PatternSender, PatternReceiver) {
    let (to_audio, from_gui) = HeapRb::<Box<PlayerPattern>>::new(QUEUE_PATTERNS).split();
    let (to_gui, returned) = HeapRb::<Box<PlayerPattern>>::new(QUEUE_PATTERNS).split();
    (
        PatternSender { to_audio, returned },
        PatternReceiver { from_gui, to_gui },
    )
}

impl PatternSender {
    /// Queues `pattern` for the audio thread; gives it back if the queue is full.
    pub fn send(&mut self, pattern: Box<PlayerPattern>) -> Result<(), Box<PlayerPattern>> {
        self.collect_garbage();
        self.to_audio.try_push(pattern)
    }

    /// Drops the patterns the audio thread has finished with (GUI thread).
    pub fn collect_garbage(&mut self) -> usize {
        let mut n = 0;
        while let Some(old) = self.returned.try_pop() {
            drop(old);
            n += 1;
        }
        n
    }
}

impl PatternReceiver {
    /// The newest waiting pattern, but only when the replaced one can be sent back (so the
    /// audio thread never has to drop one). `swap` installs it and returns the old one.
    pub fn receive(
        &mut self,
        mut swap: impl FnMut(Box<PlayerPattern>) -> Option<Box<PlayerPattern>>,
    ) -> bool {
        let mut changed = false;
        // Two free return slots: one for the replaced pattern, one spare.
        while self.to_gui_free() >= 2 {
            let Some(next) = self.from_gui.try_pop() else {
                break;
            };
            if let Some(old) = swap(next) {
                // Cannot fail: space was checked above.
                let _ = self.to_gui.try_push(old);
            }
            changed = true;
        }
        changed
    }

    fn to_gui_free(&self) -> usize {
        use ringbuf::traits::Observer;
        self.to_gui.vacant_len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::assistant::state::BackingSpec;

    #[test]
    fn spec_generates_the_same_pattern_and_rejects_bad_fields() {
        let spec = BackingSpec {
            key: "Bb".into(),
            mode: "minor".into(),
            tempo_bpm: 70,
            style: "ballad".into(),
            bars: 4,
            seed: 9,
        };
        let a = spec.generate().expect("pattern");
        assert_eq!(a, spec.generate().expect("again"));
        assert_eq!(a.bars, 4);
        let p = player_pattern(&a);
        assert_eq!(p.length_ticks, a.length_ticks());
        assert_eq!(p.notes.len(), a.events.len());
        assert!(p.notes.windows(2).all(|w| w[0].tick <= w[1].tick));
        assert_eq!(p.chords.spans().len(), a.chords.len());
        for span in &a.chords {
            assert_eq!(
                p.chords.at(span.start).map(|c| c.mask),
                Some(span.chord.mask())
            );
        }
        for bad in [
            BackingSpec {
                key: "H".into(),
                ..spec.clone()
            },
            BackingSpec {
                mode: "happy".into(),
                ..spec.clone()
            },
            BackingSpec {
                tempo_bpm: 400,
                ..spec.clone()
            },
            BackingSpec {
                style: "polka".into(),
                ..spec.clone()
            },
        ] {
            assert!(bad.generate().is_err(), "{bad:?}");
        }
    }

    #[test]
    fn patterns_go_over_and_come_back_to_be_dropped() {
        let (mut tx, mut rx) = pattern_queues();
        let pattern = |tempo| Box::new(PlayerPattern::new(480, 1920, tempo, (33, 0), vec![]));
        let mut installed: Option<Box<PlayerPattern>> = None;
        let mut returned = Vec::new();
        for tempo in [90.0, 100.0, 110.0] {
            tx.send(pattern(tempo)).expect("room");
            assert!(rx.receive(|p| installed.replace(p)));
            returned.push(tx.collect_garbage());
        }
        assert_eq!(installed.as_ref().map(|p| p.tempo_bpm), Some(110.0));
        assert_eq!(
            returned,
            [0, 1, 1],
            "each replaced pattern came back to be dropped"
        );
        // A GUI that never collects: the audio thread stops taking new patterns rather than
        // drop one itself.
        for tempo in [1.0, 2.0, 3.0, 4.0] {
            tx.to_audio.try_push(pattern(tempo)).expect("room");
            rx.receive(|p| installed.replace(p));
        }
        assert!(rx.to_gui_free() >= 1);
    }
}
