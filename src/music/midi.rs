//! Standard MIDI File export (format 1, via `midly`): a conductor track with tempo, time and key
//! signature; drums on General MIDI channel 10; bass and chords on their own tracks and channels
//! with program changes. Every track ends exactly at the pattern's last bar line.

use std::path::Path;

use midly::num::{u15, u24, u28, u4, u7};
use midly::{Format, Header, MetaMessage, MidiMessage, Smf, Timing, TrackEvent, TrackEventKind};
use thiserror::Error;

use super::backing::{Part, Pattern};

/// Channel of the drums: General MIDI's channel 10 (9 counting from 0).
pub const DRUM_CHANNEL: u8 = 9;
/// Channel of the bass (counting from 0).
pub const BASS_CHANNEL: u8 = 0;
/// Channel of the chords (counting from 0).
pub const CHORD_CHANNEL: u8 = 1;

/// Why a MIDI file could not be written.
#[derive(Debug, Error)]
pub enum MidiError {
    /// Writing failed.
    #[error("could not write {path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// The cause.
        source: std::io::Error,
    },
    /// The pattern cannot be expressed in a MIDI file.
    #[error("pattern cannot be written as MIDI: {0}")]
    Unrepresentable(String),
}

/// One MIDI event at an absolute tick, before delta encoding.
struct Timed<'a> {
    tick: u32,
    /// Note-offs (0) sort before note-ons (1) at the same tick, so repeated notes retrigger.
    order: u8,
    kind: TrackEventKind<'a>,
}

fn track(mut events: Vec<Timed<'_>>, end_tick: u32) -> Vec<TrackEvent<'_>> {
    events.sort_by_key(|e| (e.tick, e.order));
    let mut out = Vec::with_capacity(events.len() + 1);
    let mut now = 0u32;
    for event in events {
        out.push(TrackEvent {
            delta: u28::new(event.tick - now),
            kind: event.kind,
        });
        now = event.tick;
    }
    out.push(TrackEvent {
        delta: u28::new(end_tick.saturating_sub(now)),
        kind: TrackEventKind::Meta(MetaMessage::EndOfTrack),
    });
    out
}

fn midi(channel: u8, message: MidiMessage) -> TrackEventKind<'static> {
    TrackEventKind::Midi {
        channel: u4::new(channel),
        message,
    }
}

/// The pattern as Standard MIDI File bytes.
pub fn to_smf_bytes(pattern: &Pattern) -> Result<Vec<u8>, MidiError> {
    let end = pattern.length_ticks();
    if end >= 1 << 27 {
        return Err(MidiError::Unrepresentable(format!(
            "{end} ticks is too long"
        )));
    }
    let micros = (60_000_000.0 / pattern.tempo_bpm).round();
    if !(1.0..16_777_216.0).contains(&micros) {
        return Err(MidiError::Unrepresentable(format!(
            "tempo {} BPM",
            pattern.tempo_bpm
        )));
    }
    let (numerator, denominator) = pattern.time_signature;
    let denominator_power = denominator.max(1).trailing_zeros() as u8;
    let minor = !pattern.key.scale.has_major_third();
    let title = format!(
        "DAiW backing: {} {} at {} BPM",
        pattern.style, pattern.key, pattern.tempo_bpm
    );
    let conductor = vec![
        Timed {
            tick: 0,
            order: 0,
            kind: TrackEventKind::Meta(MetaMessage::TrackName(title.as_bytes())),
        },
        Timed {
            tick: 0,
            order: 0,
            kind: TrackEventKind::Meta(MetaMessage::Tempo(u24::new(micros as u32))),
        },
        Timed {
            tick: 0,
            order: 0,
            kind: TrackEventKind::Meta(MetaMessage::TimeSignature(
                numerator,
                denominator_power,
                24,
                8,
            )),
        },
        Timed {
            tick: 0,
            order: 0,
            kind: TrackEventKind::Meta(MetaMessage::KeySignature(pattern.key.signature(), minor)),
        },
    ];
    let parts = [
        (Part::Drums, DRUM_CHANNEL, None, &b"Drums"[..]),
        (
            Part::Bass,
            BASS_CHANNEL,
            Some(pattern.bass_program),
            &b"Bass"[..],
        ),
        (
            Part::Chords,
            CHORD_CHANNEL,
            Some(pattern.chord_program),
            &b"Chords"[..],
        ),
    ];
    let mut tracks = vec![track(conductor, end)];
    for (part, channel, program, name) in parts {
        let mut events = vec![Timed {
            tick: 0,
            order: 0,
            kind: TrackEventKind::Meta(MetaMessage::TrackName(name)),
        }];
        if let Some(program) = program {
            events.push(Timed {
                tick: 0,
                order: 0,
                kind: midi(
                    channel,
                    MidiMessage::ProgramChange {
                        program: u7::new(program.min(127)),
                    },
                ),
            });
        }
        for note in pattern.part(part) {
            let key = u7::new(note.note.min(127));
            events.push(Timed {
                tick: note.tick,
                order: 1,
                kind: midi(
                    channel,
                    MidiMessage::NoteOn {
                        key,
                        vel: u7::new(note.velocity.clamp(1, 127)),
                    },
                ),
            });
            events.push(Timed {
                tick: (note.tick + note.duration).min(end),
                order: 0,
                kind: midi(
                    channel,
                    MidiMessage::NoteOff {
                        key,
                        vel: u7::new(0),
                    },
                ),
            });
        }
        tracks.push(track(events, end));
    }
    let smf = Smf {
        header: Header::new(Format::Parallel, Timing::Metrical(u15::new(pattern.ppq))),
        tracks,
    };
    let mut bytes = Vec::new();
    smf.write_std(&mut bytes)
        .map_err(|e| MidiError::Unrepresentable(e.to_string()))?;
    Ok(bytes)
}

/// Writes the pattern as a Standard MIDI File.
pub fn write_smf(pattern: &Pattern, path: &Path) -> Result<(), MidiError> {
    let bytes = to_smf_bytes(pattern)?;
    std::fs::write(path, bytes).map_err(|source| MidiError::Io {
        path: path.display().to_string(),
        source,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::music::backing::{generate, BackingRequest};

    #[test]
    fn written_file_parses_back_with_tempo_length_and_channels() {
        let key = "G minor".parse().unwrap();
        let pattern = generate(&BackingRequest::new(key, 96.0, "hiphop", 6, 2)).unwrap();
        let bytes = to_smf_bytes(&pattern).unwrap();
        let smf = Smf::parse(&bytes).unwrap();
        assert_eq!(smf.header.format, Format::Parallel);
        assert_eq!(smf.header.timing, Timing::Metrical(u15::new(480)));
        assert_eq!(smf.tracks.len(), 4);
        let mut tempo = None;
        for event in &smf.tracks[0] {
            if let TrackEventKind::Meta(MetaMessage::Tempo(t)) = event.kind {
                tempo = Some(60_000_000.0 / t.as_int() as f64);
            }
        }
        assert!((tempo.unwrap() - 96.0).abs() < 0.01);
        for (i, track) in smf.tracks.iter().enumerate() {
            let end: u32 = track.iter().map(|e| e.delta.as_int()).sum();
            assert_eq!(end, 6 * 1920, "track {i}");
        }
        let drum_channels: Vec<u8> = smf.tracks[1]
            .iter()
            .filter_map(|e| match e.kind {
                TrackEventKind::Midi { channel, .. } => Some(channel.as_int()),
                _ => None,
            })
            .collect();
        assert!(!drum_channels.is_empty());
        assert!(drum_channels.iter().all(|&c| c == 9));
        let notes_on = |t: &[TrackEvent]| {
            t.iter()
                .filter(|e| {
                    matches!(
                        e.kind,
                        TrackEventKind::Midi {
                            message: MidiMessage::NoteOn { .. },
                            ..
                        }
                    )
                })
                .count()
        };
        assert_eq!(notes_on(&smf.tracks[1]), pattern.part(Part::Drums).count());
        assert_eq!(notes_on(&smf.tracks[2]), pattern.part(Part::Bass).count());
        assert_eq!(notes_on(&smf.tracks[3]), pattern.part(Part::Chords).count());
    }
}
