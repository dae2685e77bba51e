//! Sung notes as a Standard MIDI File (format 0, one track on channel 1): the take's notes at
//! their times, for a DAW's piano roll. Tempo only sets how seconds map to ticks; a key
//! signature is written when the key is known.

use midly::num::{u15, u24, u28, u4, u7};
use midly::{Format, Header, MetaMessage, MidiMessage, Smf, Timing, TrackEvent, TrackEventKind};

use super::notes::SungNote;
use crate::music::midi::MidiError;
use crate::music::theory::Key;

/// Ticks per quarter note.
pub const PPQ: u16 = 480;
/// Velocity of the written notes (the pitch track carries no dynamics).
const VELOCITY: u8 = 90;
/// Tempi a file may carry, in BPM.
pub const TEMPO_RANGE: std::ops::RangeInclusive<f32> = 20.0..=400.0;

/// The notes as SMF bytes at `tempo_bpm` (20..400), with `key`'s signature when given.
pub fn notes_to_smf_bytes(
    notes: &[SungNote],
    tempo_bpm: f32,
    key: Option<Key>,
) -> Result<Vec<u8>, MidiError> {
    if !(tempo_bpm.is_finite() && TEMPO_RANGE.contains(&tempo_bpm)) {
        return Err(MidiError::Unrepresentable(format!(
            "tempo {tempo_bpm} BPM (allowed 20..400)"
        )));
    }
    let ticks_per_second = tempo_bpm as f64 / 60.0 * PPQ as f64;
    let to_tick = |seconds: f64| -> Result<u32, MidiError> {
        let tick = (seconds.max(0.0) * ticks_per_second).round();
        if tick.is_finite() && tick < (1u32 << 27) as f64 {
            Ok(tick as u32)
        } else {
            Err(MidiError::Unrepresentable(format!("time {seconds} s")))
        }
    };
    // (tick, note-offs before note-ons at one tick so repeated notes retrigger, event)
    let mut events: Vec<(u32, u8, TrackEventKind<'static>)> = vec![(
        0,
        0,
        TrackEventKind::Meta(MetaMessage::Tempo(u24::new(
            (60_000_000.0 / tempo_bpm).round() as u32,
        ))),
    )];
    if let Some(key) = key {
        let minor = !key.scale.has_major_third();
        events.push((
            0,
            0,
            TrackEventKind::Meta(MetaMessage::KeySignature(key.signature(), minor)),
        ));
    }
    let channel = u4::new(0);
    for note in notes {
        let on = to_tick(note.start_s)?;
        let off = to_tick(note.end_s)?.max(on + 1);
        let key = u7::new(note.midi.min(127));
        let message = MidiMessage::NoteOn {
            key,
            vel: u7::new(VELOCITY),
        };
        events.push((on, 1, TrackEventKind::Midi { channel, message }));
        let message = MidiMessage::NoteOff {
            key,
            vel: u7::new(0),
        };
        events.push((off, 0, TrackEventKind::Midi { channel, message }));
    }
    events.sort_by_key(|e| (e.0, e.1));
    let mut track = Vec::with_capacity(events.len() + 1);
    let mut now = 0;
    for (tick, _, kind) in events {
        track.push(TrackEvent {
            delta: u28::new(tick - now),
            kind,
        });
        now = tick;
    }
    track.push(TrackEvent {
        delta: u28::new(0),
        kind: TrackEventKind::Meta(MetaMessage::EndOfTrack),
    });
    let smf = Smf {
        header: Header::new(Format::SingleTrack, Timing::Metrical(u15::new(PPQ))),
        tracks: vec![track],
    };
    let mut bytes = Vec::new();
    smf.write_std(&mut bytes)
        .map_err(|e| MidiError::Unrepresentable(e.to_string()))?;
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notes_come_back_at_their_ticks() {
        let note = |start_s, end_s, midi| SungNote {
            start_s,
            end_s,
            midi,
            cents: 0.0,
            vibrato_hz: None,
            vibrato_cents: None,
            pitch: midi as f32,
            unsteadiness_cents: 0.0,
        };
        // At 120 BPM a second is two beats: 960 ticks.
        let notes = [note(0.5, 1.0, 60), note(1.0, 1.5, 60), note(2.0, 3.0, 64)];
        let bytes = notes_to_smf_bytes(&notes, 120.0, "E minor".parse().ok()).unwrap();
        let smf = Smf::parse(&bytes).unwrap();
        assert_eq!(smf.tracks.len(), 1);
        let mut tick = 0;
        let mut ons = Vec::new();
        let mut offs = Vec::new();
        for event in &smf.tracks[0] {
            tick += event.delta.as_int();
            match event.kind {
                TrackEventKind::Midi {
                    message: MidiMessage::NoteOn { key, .. },
                    ..
                } => ons.push((tick, key.as_int())),
                TrackEventKind::Midi {
                    message: MidiMessage::NoteOff { key, .. },
                    ..
                } => offs.push((tick, key.as_int())),
                TrackEventKind::Meta(MetaMessage::KeySignature(sharps, minor)) => {
                    assert_eq!((sharps, minor), (1, true));
                }
                _ => {}
            }
        }
        assert_eq!(ons, vec![(480, 60), (960, 60), (1920, 64)]);
        assert_eq!(offs, vec![(960, 60), (1440, 60), (2880, 64)]);
    }

    #[test]
    fn bad_tempi_are_refused() {
        for tempo in [0.0, -5.0, f32::NAN, 1_000.0] {
            assert!(notes_to_smf_bytes(&[], tempo, None).is_err());
        }
    }
}
